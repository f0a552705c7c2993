//! Store tests on small synthetic corpora.

use super::*;
use whosaid_core::{analyze, Analysis, Document};

fn doc(id: &str, url: &str, date: &str, source: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        title: None,
        text: text.into(),
        url: Some(url.into()),
        date: Some(date.into()),
        source: Some(source.into()),
    }
}

fn lavrov_corpus() -> Vec<Document> {
    vec![
        doc(
            "a1",
            "https://example.org/1",
            "2016-03-01",
            "Wire",
            "Russian Foreign Minister Sergei Lavrov said \"the ceasefire in Syria is holding.\"\n",
        ),
        doc(
            "a2",
            "https://example.org/2",
            "2016-03-02",
            "Daily",
            "Sergey Lavrov said \"Moscow will not accept new sanctions.\"\n",
        ),
        doc(
            "a3",
            "https://example.org/3",
            "2016-03-03",
            "Wire",
            "Lavrov said \"the talks in Geneva were useful.\"\n",
        ),
        doc(
            "a4",
            "https://example.org/4",
            "2016-03-04",
            "Daily",
            "Mayor Ann Lee said \"The ceasefire in Syria is holding!\"\n",
        ),
    ]
}

/// The article ids of a search's hits, in hit order.
fn articles(store: &mut Store, q: &SearchQuery) -> Vec<String> {
    let hits = store.search(q).expect("search");
    hits.into_iter().map(|h| h.article).collect()
}

fn ingest_all(store: &mut Store, docs: &[Document]) -> BatchReport {
    let batch: Vec<Prepared> = docs
        .iter()
        .map(|d| Prepared::new(d.clone(), analyze(d)))
        .collect();
    store.ingest_batch(&batch, &[]).expect("ingest")
}

/// A fresh directory for test `name` and the path of a database file in it (no file yet).
fn fresh_db(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("whosaid-store-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("c.db");
    let _ = std::fs::remove_file(&path);
    (dir, path)
}

fn rule_stage_ready() -> bool {
    let a = analyze(&Document::new(
        "probe",
        "Sergey Lavrov said \"Moscow will act.\"\n",
    ));
    a.quotes
        .iter()
        .any(|q| q.speaker.name.as_deref() == Some("Sergey Lavrov"))
}

#[test]
fn reingest_adds_nothing() {
    let mut store = Store::open_in_memory().expect("open");
    let docs = lavrov_corpus();
    let first = ingest_all(&mut store, &docs);
    assert_eq!(first.articles, 4);
    let before = store.stats().expect("stats");
    let again = ingest_all(&mut store, &docs);
    assert_eq!(again.articles, 0);
    assert_eq!(again.duplicates, 4);
    assert_eq!(store.stats().expect("stats"), before);

    // Same text under another id, or same URL with other text: still duplicates.
    let mut copy = docs[0].clone();
    copy.id = "other".into();
    copy.url = None;
    let mut moved = docs[1].clone();
    moved.id = "other2".into();
    moved.text.push_str("Updated.\n");
    let r = ingest_all(&mut store, &[copy, moved]);
    assert_eq!((r.articles, r.duplicates), (0, 2));
    assert!(store.contains("a1", None, "x").expect("contains"));

    // The counters agree with the tables they count.
    let n = |sql: &str| -> u64 {
        let v: i64 = store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .expect(sql);
        v as u64
    };
    let s = store.stats().expect("stats");
    assert_eq!(s.articles, n("SELECT count(*) FROM articles"));
    assert_eq!(s.text_bytes, n("SELECT sum(bytes) FROM articles"));
    assert_eq!(s.sentences, n("SELECT sum(sentence_count) FROM articles"));
    assert_eq!(s.quotes, n("SELECT count(*) FROM quotes"));
    assert_eq!(s.artifacts, n("SELECT count(*) FROM artifacts"));
    assert!(s.quotes > 0);

    // Speakers are grouped by the first query that needs them, not by each ingest.
    assert_eq!(s.speakers, None);
    let top = store.speakers(100).expect("speakers").len() as u64;
    let grouped: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM speakers", [], |r| r.get(0))
        .expect("count");
    assert_eq!(store.stats().expect("stats").speakers, Some(grouped as u64));
    assert!(top > 0 && top <= grouped as u64);
    // "the ceasefire in Syria is holding" twice (a1, a4): one group fewer than quotes.
    assert_eq!(store.quote_groups().expect("groups"), s.quotes - 1);

    // Foreign keys are not enforced on write (see Store::setup), so check them here:
    // every quote and artifact points at a stored article, every alias at a speaker.
    let dangling: Vec<String> = store
        .connection()
        .prepare("PRAGMA foreign_key_check")
        .expect("prepare")
        .query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(dangling.is_empty(), "dangling rows in {dangling:?}");
}

#[test]
fn duplicates_within_one_batch_are_stored_once() {
    let mut store = Store::open_in_memory().expect("open");
    let d = lavrov_corpus().remove(0);
    let r = ingest_all(&mut store, &[d.clone(), d]);
    assert_eq!((r.articles, r.duplicates), (1, 1));
}

#[test]
fn batches_wait_for_the_group_commit() {
    let (dir, path) = fresh_db("group");
    let mut writer = Store::open(&path).expect("open");
    writer.set_commit_every(3);
    let reader = Store::open(&path).expect("open");
    let docs = lavrov_corpus();
    let first = ingest_all(&mut writer, &docs[..2]);
    assert_eq!(first.articles, 2);
    // Written but not committed: the writer sees them, another connection does not.
    assert_eq!(writer.stats().expect("stats").articles, 2);
    assert_eq!(reader.stats().expect("stats").articles, 0);
    // Re-ingesting them in the open transaction finds them stored.
    assert_eq!(ingest_all(&mut writer, &docs[..2]).duplicates, 2);
    // The third article reaches 3: that batch commits the group.
    assert_eq!(ingest_all(&mut writer, &docs[2..3]).articles, 1);
    assert_eq!(reader.stats().expect("stats").articles, 3);
    // An explicit commit ends a smaller group; a dropped store rolls its group back.
    ingest_all(&mut writer, &docs[3..]);
    assert_eq!(reader.stats().expect("stats").articles, 3);
    writer.commit().expect("commit");
    assert_eq!(reader.stats().expect("stats").articles, 4);
    let mut dropped = Store::open(&path).expect("open");
    dropped.set_commit_every(100);
    let extra = doc(
        "a5",
        "https://example.org/5",
        "2016-03-05",
        "Wire",
        "Lee said \"no.\"\n",
    );
    assert_eq!(ingest_all(&mut dropped, &[extra]).articles, 1);
    drop(dropped);
    assert_eq!(reader.stats().expect("stats").articles, 4);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn reader_errors_are_recorded_once() {
    let mut store = Store::open_in_memory().expect("open");
    let errs = vec![("bad.txt".to_string(), "empty document".to_string())];
    assert_eq!(store.ingest_batch(&[], &errs).expect("ingest").errors, 1);
    assert_eq!(store.ingest_batch(&[], &errs).expect("ingest").errors, 0);
    assert_eq!(store.stats().expect("stats").errors, 1);
}

#[test]
fn sentences_and_text_are_stored() {
    let mut store = Store::open_in_memory().expect("open");
    ingest_all(&mut store, &lavrov_corpus());
    let s = store.stats().expect("stats");
    assert_eq!(s.articles, 4);
    assert!(s.sentences >= 4, "{s:?}");
    let text: String = store
        .connection()
        .query_row("SELECT text FROM articles WHERE doc_id = 'a1'", [], |r| {
            r.get(0)
        })
        .expect("row");
    assert!(text.starts_with("Russian Foreign Minister"));
    // The packed sentence offsets come back as the splitter gave them.
    let doc = &lavrov_corpus()[0];
    let tokens = whosaid_core::text::tokenize(&doc.text);
    let expected: Vec<(usize, usize)> = whosaid_core::text::split_sentences(&doc.text, &tokens)
        .iter()
        .map(|s| (s.start, s.end))
        .collect();
    let stored = store.sentences("a1").expect("sentences").expect("stored");
    let bytes: Vec<(usize, usize)> = stored.iter().map(|s| (s.0, s.1)).collect();
    assert_eq!(bytes, expected);
    assert!(
        stored.iter().all(|s| s.2 == s.0 && s.3 == s.1),
        "ASCII: chars = bytes"
    );
    assert_eq!(store.sentences("nope").expect("query"), None);
}

#[test]
fn sentence_spans_round_trip() {
    use crate::norm::{decode_spans, encode_spans};
    let spans = vec![(0, 5, 0, 5), (6, 400, 6, 390), (401, 100_000, 391, 99_000)];
    assert_eq!(decode_spans(&encode_spans(&spans)), Some(spans));
    assert_eq!(decode_spans(&[]), Some(Vec::new()));
    assert_eq!(decode_spans(&[0x80]), None, "unfinished varint");
    assert_eq!(decode_spans(&[1, 2, 3]), None, "not four values a sentence");
}

#[test]
fn a_corpus_opens_while_another_connection_writes() {
    let (dir, path) = fresh_db("open");
    let writer = Store::open(&path).expect("open");
    writer
        .connection()
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('x', '1');")
        .expect("write transaction");
    // Opening needs no write lock when the corpus is set up (else: "database is locked"
    // after the busy timeout).
    let reader = Store::open(&path).expect("open while a transaction writes");
    assert_eq!(reader.stats().expect("stats").articles, 0);
    writer
        .connection()
        .execute_batch("ROLLBACK")
        .expect("rollback");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn older_schema_is_refused() {
    let (dir, path) = fresh_db("schema");
    {
        let store = Store::open(&path).expect("open");
        store
            .connection()
            .execute(
                "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
                [],
            )
            .expect("downgrade");
    }
    let err = Store::open(&path).err().expect("refused");
    assert!(
        matches!(err, StoreError::SchemaVersion { ref found } if found == "1"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_5_corpus_is_migrated() {
    let (dir, path) = fresh_db("v5");
    {
        let mut store = Store::open(&path).expect("open");
        ingest_all(&mut store, &lavrov_corpus());
        // What version 5 had: the speaker index, no article counts per key.
        store
            .connection()
            .execute_batch(
                "UPDATE meta SET value = '5' WHERE key = 'schema_version';
                 CREATE INDEX quotes_speaker ON quotes(speaker_key);
                 DROP TABLE speaker_articles;",
            )
            .expect("downgrade");
    }
    let mut store = Store::open(&path).expect("migrated");
    let n = |sql: &str| -> i64 {
        store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .expect(sql)
    };
    assert_eq!(
        n("SELECT count(*) FROM sqlite_master WHERE name = 'quotes_speaker'"),
        0
    );
    assert_eq!(
        n("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'").to_string(),
        schema::SCHEMA_VERSION
    );
    let speakers = store.speakers(10).expect("speakers");
    let lavrov = speakers
        .iter()
        .find(|s| s.name.contains("Lavrov"))
        .expect("Lavrov");
    assert_eq!((lavrov.quotes, lavrov.articles), (3, 3));
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lavrov_is_one_speaker_found_by_any_alias() {
    assert!(
        rule_stage_ready(),
        "the rule stage finds no `X said \"...\"` quote"
    );
    let mut store = Store::open_in_memory().expect("open");
    ingest_all(&mut store, &lavrov_corpus());
    store.canonicalize().expect("canonicalize");
    let speakers = store.speakers(10).expect("speakers");
    let lavrov: Vec<&SpeakerSummary> = speakers
        .iter()
        .filter(|s| s.name.contains("Lavrov") || s.aliases.iter().any(|a| a.contains("Lavrov")))
        .collect();
    assert_eq!(lavrov.len(), 1, "{speakers:#?}");
    assert_eq!(lavrov[0].quotes, 3);
    assert_eq!(lavrov[0].articles, 3);
    assert!(
        lavrov[0]
            .titles
            .iter()
            .any(|t| t == "Russian Foreign Minister"),
        "{:?}",
        lavrov[0].titles
    );
    for alias in [
        "Sergei Lavrov",
        "Sergey Lavrov",
        "Lavrov",
        "S. Lavrov",
        "sergei lavrov",
    ] {
        let mut q = SearchQuery::new("");
        q.speaker = Some(alias.into());
        let hits = store.search(&q).expect("search");
        assert_eq!(hits.len(), 3, "{alias}: {hits:#?}");
        assert!(hits.iter().all(|h| h.speaker_id == Some(lavrov[0].id)));
    }
    // Without words, newest article first, whether the speaker's quotes are sorted (few
    // for the limit) or the articles walked newest first (many for the limit).
    for limit in [1, 2, 20] {
        let mut q = SearchQuery::new("");
        q.speaker = Some("Lavrov".into());
        q.limit = limit;
        let got = articles(&mut store, &q);
        assert_eq!(got, ["a3", "a2", "a1"][..limit.min(3)], "limit {limit}");
    }
    let mut q = SearchQuery::new("");
    q.source = Some("WIRE".into());
    let got = articles(&mut store, &q);
    assert_eq!(got, ["a3", "a1"]);
    let mut q = SearchQuery::new("geneva");
    q.speaker = Some("Sergey Lavrov".into());
    assert_eq!(store.search(&q).expect("search").len(), 1);
    q.source = Some("daily".into());
    assert_eq!(store.search(&q).expect("search").len(), 0);
    let mut q = SearchQuery::new("ceasefire");
    q.from = Some("2016-03-02".into());
    let hits = store.search(&q).expect("search");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].article, "a4");
}

#[test]
fn quotes_waiting_for_the_index_are_found_once_flushed() {
    let mut store = Store::open_in_memory().expect("open");
    store.set_index_chunk(1_000);
    let corpus = lavrov_corpus();
    let report = ingest_all(&mut store, &corpus[..2]);
    assert!(report.quotes >= 2, "{report:?}");
    let q = SearchQuery::new("ceasefire");
    assert!(store.search(&q).expect("search").is_empty());
    // Fewer quotes wait than asked for: nothing is indexed yet.
    let waiting = report.quotes as u64;
    assert_eq!(store.flush_index_from(waiting + 1).expect("flush"), 0);
    assert!(store.search(&q).expect("search").is_empty());
    assert_eq!(store.flush_index_from(waiting).expect("flush"), waiting);
    assert_eq!(store.search(&q).expect("search").len(), 1);
    assert_eq!(store.flush_index().expect("flush"), 0);
    // With the default chunk each batch indexes its own quotes.
    store.set_index_chunk(1);
    ingest_all(&mut store, &corpus[2..]);
    assert_eq!(store.search(&q).expect("search").len(), 2);
    assert_eq!(store.flush_index().expect("flush"), 0);
}

#[test]
fn gazetteer_links_wikidata() {
    assert!(
        rule_stage_ready(),
        "the rule stage finds no `X said \"...\"` quote"
    );
    let mut store = Store::open_in_memory().expect("open");
    ingest_all(&mut store, &lavrov_corpus());
    let g = gazetteer::parse_csv("Sergei Lavrov,Sergej Lawrow,Q192190\n").expect("csv");
    store.set_gazetteer(&g).expect("gazetteer");
    let top = store.speakers(1).expect("speakers");
    assert_eq!(top[0].name, "Sergei Lavrov");
    assert_eq!(top[0].wikidata.as_deref(), Some("Q192190"));
    let mut q = SearchQuery::new("");
    q.speaker = Some("Sergej Lawrow".into());
    assert_eq!(store.search(&q).expect("search").len(), 3);
}

#[test]
fn quotes_are_deduplicated_in_export() {
    assert!(
        rule_stage_ready(),
        "the rule stage finds no `X said \"...\"` quote"
    );
    let mut store = Store::open_in_memory().expect("open");
    ingest_all(&mut store, &lavrov_corpus());
    let mut out = Vec::new();
    let n = store.export_jsonl(&mut out).expect("export");
    let recs: Vec<QuotebankRecord> = String::from_utf8(out)
        .expect("utf8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("record"))
        .collect();
    assert_eq!(recs.len() as u64, n);
    let ceasefire = recs
        .iter()
        .find(|r| r.quotation.to_lowercase().contains("ceasefire"))
        .expect("ceasefire quote");
    assert_eq!(ceasefire.num_occurrences, 2);
    assert_eq!(
        ceasefire.urls,
        vec!["https://example.org/1", "https://example.org/4"]
    );
    assert_eq!(ceasefire.date.as_deref(), Some("2016-03-01 00:00:00"));
    assert!(ceasefire.quote_id.starts_with("2016-03-01-"));
    assert_eq!(ceasefire.probas.len(), 2);
    assert_eq!(ceasefire.probas[0][1], "0.5000");
    let lavrov = recs.iter().filter(|r| r.speaker.contains("Lavrov")).count();
    assert!(lavrov >= 2);
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_round_trip() {
    let recs = vec![
        QuotebankRecord {
            quote_id: "2016-03-01-000001".into(),
            quotation: "We will win, \"they\" said — ünïcode".into(),
            speaker: "Sergei Lavrov".into(),
            qids: vec!["Q192190".into()],
            date: Some("2016-03-01 00:00:00".into()),
            num_occurrences: 3,
            probas: vec![
                ["Sergei Lavrov".into(), "0.6667".into()],
                ["None".into(), "0.3333".into()],
            ],
            urls: vec!["u1".into(), "u2".into()],
        },
        QuotebankRecord {
            quote_id: "0000-00-00-000002".into(),
            quotation: "x".into(),
            speaker: "None".into(),
            qids: vec![],
            date: None,
            num_occurrences: 1,
            probas: vec![["None".into(), "1.0000".into()]],
            urls: vec![],
        },
    ];
    let dir = std::env::temp_dir().join(format!("whosaid-store-pq-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("q.parquet");
    assert_eq!(
        export::write_parquet(&path, recs.clone()).expect("write"),
        2
    );
    let back = export::read_parquet(&path).expect("read");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(back, recs);
}

#[test]
fn search_rejects_bad_filters() {
    let mut store = Store::open_in_memory().expect("open");
    let mut q = SearchQuery::new("x");
    q.from = Some("March".into());
    assert!(matches!(store.search(&q), Err(StoreError::Query(_))));
    let mut q = SearchQuery::new("x");
    q.kind = Some("rumour".into());
    assert!(matches!(store.search(&q), Err(StoreError::Query(_))));
    // FTS5 syntax characters in user text are harmless.
    assert!(store
        .search(&SearchQuery::new("\"a\" AND (b OR NEAR"))
        .is_ok());
    // Text with no word in it is an error, not a listing of every quote.
    for text in ["💥", "-", "\"", "( )"] {
        match store.search(&SearchQuery::new(text)) {
            Err(StoreError::Query(m)) => assert!(m.contains("no word"), "{m}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
    assert!(store.search(&SearchQuery::new("  ")).is_ok());
}

#[test]
fn a_surname_alone_searches_its_dominant_speaker() {
    let mut store = Store::open_in_memory().expect("open");
    let docs = [
        Document::new("c1", "Hillary Clinton said \"We will win Iowa.\"\n"),
        Document::new("c2", "Hillary Clinton said \"We will win Ohio.\"\n"),
        Document::new("c3", "Bill Clinton said \"She will win Texas.\"\n"),
    ];
    ingest_all(&mut store, &docs);
    let mut q = SearchQuery::new("win");
    q.speaker = Some("Clinton".into());
    let hits = store.search(&q).expect("search");
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert!(hits
        .iter()
        .all(|h| h.speaker.as_deref() == Some("Hillary Clinton")));
    q.speaker = Some("Bill Clinton".into());
    assert_eq!(store.search(&q).expect("search").len(), 1);
    q.speaker = Some("B. Clinton".into());
    assert_eq!(store.search(&q).expect("search").len(), 1);
}

#[test]
fn index_filters_keep_exact_speaker_and_outlet_semantics() {
    // The FTS5 filters match a phrase at the start of the speaker key and the outlet, so
    // "Wire" also matches "Wire Service" there: the SQL checks must keep them apart.
    let mut store = Store::open_in_memory().expect("open");
    let docs = [
        doc(
            "w1",
            "https://w.example/1",
            "2017-04-01",
            "Wire",
            "Ann Lee said \"The truce is holding.\"\n",
        ),
        doc(
            "w2",
            "https://w.example/2",
            "2017-04-02",
            "Wire Service",
            "Ann Lee said \"The truce is holding well.\"\n",
        ),
        doc(
            "w3",
            "https://w.example/3",
            "2017-04-03",
            "Wire",
            "Ann Leeds said \"The truce is holding firmly.\"\n",
        ),
        doc(
            "w4",
            "https://w.example/4",
            "2017-04-04",
            "wire",
            "Bob Stone said \"The truce is holding now.\"\n",
        ),
    ];
    ingest_all(&mut store, &docs);
    let mut q = SearchQuery::new("holding");
    q.source = Some("Wire".into());
    let mut got = articles(&mut store, &q);
    got.sort();
    assert_eq!(got, ["w1", "w3", "w4"]);
    q.speaker = Some("Ann Lee".into());
    let got = articles(&mut store, &q);
    assert_eq!(got, ["w1"]);
    q.source = None;
    let mut got = articles(&mut store, &q);
    got.sort();
    assert_eq!(got, ["w1", "w2"]);
}

/// The byte-level fast paths of `quote_key` and `name_key` against their definitions,
/// written char by char as they were before the fast paths.
mod normalisation_definitions {
    use crate::names::{name_key, HONORIFICS, SUFFIXES};
    use crate::norm::{fold_char, quote_key};
    use proptest::prelude::*;

    fn quote_key_by_chars(text: &str) -> String {
        let mut out = String::new();
        let mut gap = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                fold_char(c, &mut out);
            } else if c != '\'' && c != '’' {
                gap = true;
            }
        }
        out
    }

    fn name_key_by_words(name: &str) -> String {
        let mut words: Vec<String> = Vec::new();
        for raw in name.split(|c: char| c.is_whitespace() || c == ',') {
            let raw = raw
                .strip_suffix("'s")
                .or_else(|| raw.strip_suffix("’s"))
                .unwrap_or(raw);
            let mut w = String::new();
            for c in raw.chars().filter(|c| c.is_alphanumeric()) {
                fold_char(c, &mut w);
            }
            if !w.is_empty() {
                words.push(w);
            }
        }
        while words.len() > 1 && HONORIFICS.contains(&words[0].as_str()) {
            words.remove(0);
        }
        while words.len() > 1 && words.last().is_some_and(|w| SUFFIXES.contains(&w.as_str())) {
            words.pop();
        }
        words.join(" ")
    }

    /// Text mixing the cases both paths take: ASCII words and punctuation, apostrophes,
    /// diacritics, combining marks, other scripts, and the honorifics and suffixes above.
    fn texty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[A-Za-z0-9]{1,6}",
            Just(" ".to_string()),
            Just(", ".to_string()),
            Just("'s".to_string()),
            Just("’s ".to_string()),
            Just("Mr. ".to_string()),
            Just("Dr ".to_string()),
            Just("President ".to_string()),
            Just(" Jr.".to_string()),
            Just(" III".to_string()),
            "[“”—.!?;:()\"'-]{1,3}",
            "[éÉßøŁİǅ\u{301}\u{345}ж中٣]{1,3}",
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn quote_key_equals_its_definition(text in texty()) {
            prop_assert_eq!(quote_key(&text), quote_key_by_chars(&text));
        }

        #[test]
        fn name_key_equals_its_definition(name in texty()) {
            prop_assert_eq!(name_key(&name), name_key_by_words(&name));
        }
    }
}

#[test]
fn new_corpora_get_16k_pages_and_old_ones_keep_theirs() {
    let page_size = |store: &Store| -> i64 {
        store
            .connection()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page_size")
    };
    let (dir, path) = fresh_db("pages");
    let mut store = Store::open(&path).expect("open");
    assert_eq!(page_size(&store), 16384);
    let docs = lavrov_corpus();
    assert_eq!(ingest_all(&mut store, &docs).articles, docs.len());
    drop(store);

    // A corpus written with SQLite's default 4 KiB pages opens, reads and grows as is.
    let old = dir.join("old.db");
    let _ = std::fs::remove_file(&old);
    rusqlite::Connection::open(&old)
        .and_then(|c| c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t(x);"))
        .expect("old corpus");
    let mut store = Store::open(&old).expect("reopen");
    assert_eq!(page_size(&store), 4096);
    assert_eq!(ingest_all(&mut store, &docs).articles, docs.len());
    assert_eq!(store.stats().expect("stats").articles, docs.len() as u64);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every hit of a search for `text` and the JSON Lines export, as one string.
fn hits_and_export(store: &mut Store, text: &str) -> String {
    let q = SearchQuery {
        text: text.into(),
        ..Default::default()
    };
    let hits = store.search(&q).expect("search");
    let mut out = serde_json::to_string(&hits).expect("json");
    let mut export = Vec::new();
    store.export_jsonl(&mut export).expect("export");
    out.push_str(&String::from_utf8(export).expect("utf-8"));
    out
}

#[test]
fn span_texts_are_read_from_the_article() {
    assert!(rule_stage_ready());
    let mut docs = lavrov_corpus();
    // Multi-byte characters before and inside the spans: offsets are bytes.
    docs.push(doc(
        "a5",
        "https://example.org/5",
        "2016-03-05",
        "Zeitung",
        "In Zürich, Außenminister Sergei Lavrov told reporters \"the ceasefire — très fragile — is holding.\"\n",
    ));
    let mut store = Store::open_in_memory().expect("store");
    let mut batch: Vec<Prepared> = docs
        .iter()
        .map(|d| Prepared::new(d.clone(), analyze(d)))
        .collect();
    // A caller's analysis whose content is not the text at its offsets keeps its own.
    let edited = &mut batch[1].analysis.quotes[0].content;
    edited.text = "Moscow will not accept new sanctions, edited".into();
    let analyses: Vec<Analysis> = batch.iter().map(|p| p.analysis.clone()).collect();
    store.ingest_batch(&batch, &[]).expect("ingest");
    store.flush_index().expect("index");

    // Only the edited content is stored as text; cues and mentions come from the articles.
    let n = |sql: &str| -> i64 {
        store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .expect(sql)
    };
    let quotes: usize = analyses.iter().map(|a| a.quotes.len()).sum();
    assert_eq!(n("SELECT count(*) FROM quotes") as usize, quotes);
    assert_eq!(n("SELECT count(*) FROM quotes WHERE content <> ''"), 1);
    assert_eq!(
        n("SELECT count(*) FROM quotes WHERE cue IS NOT NULL OR mention IS NOT NULL"),
        0
    );
    assert!(n("SELECT count(*) FROM quotes WHERE cue_start IS NOT NULL") > 0);

    // Each stored quote reads back as the analysis gave it.
    let mut st = store
        .connection()
        .prepare(&format!(
            "SELECT a.doc_id, q.idx, {}, {}, {}, {} FROM quotes q
             JOIN articles a ON a.id = q.article_id ORDER BY q.id",
            schema::quote_text_sql("content"),
            schema::quote_text_sql("cue"),
            schema::quote_text_sql("mention"),
            schema::quote_text_sql("addressee"),
        ))
        .expect("prepare");
    type Row = (
        String,
        usize,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows.len(), quotes);
    let text = |s: Option<&whosaid_core::Span>| s.map(|s| s.text.clone());
    for (doc_id, idx, content, cue, mention, addressee) in rows {
        let k = docs.iter().position(|d| d.id == doc_id).expect("doc");
        let q = &analyses[k].quotes[idx];
        assert_eq!(content, q.content.text);
        assert_eq!(cue, text(q.cue.as_ref()));
        assert_eq!(mention, text(q.speaker.mention.as_ref()));
        assert_eq!(addressee, text(q.addressee.as_ref()));
    }
    drop(st);
    let found = hits_and_export(&mut store, "fragile");
    assert!(
        found.contains("the ceasefire — très fragile — is holding."),
        "{found}"
    );
    assert!(found.contains("Außenminister Sergei Lavrov"), "{found}");
    let found = hits_and_export(&mut store, "edited");
    assert!(found.contains("new sanctions, edited"), "{found}");
}

#[test]
fn version_6_corpus_with_span_texts_reads_the_same() {
    assert!(rule_stage_ready());
    let (dir, path) = fresh_db("v6");
    let before = {
        let mut store = Store::open(&path).expect("open");
        ingest_all(&mut store, &lavrov_corpus());
        store.flush_index().expect("index");
        let before = hits_and_export(&mut store, "ceasefire");
        // What version 6 wrote: every span's text in the quote row.
        let sets: Vec<String> = ["content", "cue", "mention", "addressee"]
            .iter()
            .map(|c| {
                format!(
                    "{c} = (SELECT {} FROM articles a WHERE a.id = q.article_id)",
                    schema::quote_text_sql(c)
                )
            })
            .collect();
        store
            .connection()
            .execute_batch(&format!(
                "UPDATE quotes AS q SET {};
                 UPDATE meta SET value = '6' WHERE key = 'schema_version';",
                sets.join(", ")
            ))
            .expect("downgrade");
        let n: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM quotes WHERE content = ''", [], |r| {
                r.get(0)
            })
            .expect("count");
        assert_eq!(n, 0);
        before
    };
    let mut store = Store::open(&path).expect("upgraded");
    let version: String = store
        .connection()
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .expect("version");
    assert_eq!(version, schema::SCHEMA_VERSION);
    assert!(
        before.contains("the ceasefire in Syria is holding."),
        "{before}"
    );
    assert_eq!(hits_and_export(&mut store, "ceasefire"), before);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Asserts that `store` holds `d`'s text: under a new id and URL it is found by its hash
/// alone, and ingesting it adds nothing.
fn assert_text_is_known(store: &mut Store, d: &Document) {
    let mut copy = d.clone();
    copy.id = "copy".into();
    copy.url = Some("https://example.org/copy".into());
    let hash = norm::content_hash(&copy.text);
    assert!(store
        .contains(&copy.id, copy.url.as_deref(), &hash)
        .expect("contains"));
    let r = ingest_all(store, &[copy]);
    assert_eq!((r.articles, r.duplicates), (0, 1));
}

#[test]
fn version_7_corpus_gets_its_content_hashes() {
    let (dir, path) = fresh_db("v7");
    let docs = lavrov_corpus();
    {
        let mut store = Store::open(&path).expect("open");
        ingest_all(&mut store, &docs);
        // What version 7 had: no article_hashes (its UNIQUE content_hash index aside).
        store
            .connection()
            .execute_batch(
                "DROP TABLE article_hashes;
                 UPDATE meta SET value = '7' WHERE key = 'schema_version';",
            )
            .expect("downgrade");
    }
    let mut store = Store::open(&path).expect("upgraded");
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM article_hashes", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 4);
    assert_text_is_known(&mut store, &docs[1]);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_writer_sees_the_texts_another_writer_stored() {
    let (dir, path) = fresh_db("two-writers");
    let docs = lavrov_corpus();
    let mut a = Store::open(&path).expect("open");
    let mut b = Store::open(&path).expect("open");
    assert_eq!(ingest_all(&mut b, &docs[..1]).articles, 1);
    assert_eq!(ingest_all(&mut a, &docs[1..2]).articles, 1);
    // b's hash set was loaded before a wrote: it catches up by article id.
    assert_text_is_known(&mut b, &docs[1]);
    drop((a, b));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_connection_checkpoints_while_the_first_writes() {
    let (dir, path) = fresh_db("ckpt");
    let mut store = Store::open(&path).expect("open");
    ingest_all(&mut store, &lavrov_corpus());
    let size = || std::fs::metadata(&path).expect("db file").len();
    let before = size();
    // The writer holds a write transaction open meanwhile: a passive checkpoint does not wait.
    store
        .connection()
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('x', 'y');")
        .expect("write");
    Store::open(&path)
        .and_then(|other| other.checkpoint())
        .expect("checkpoint");
    assert!(size() > before, "{} -> {}", before, size());
    store.connection().execute_batch("COMMIT;").expect("commit");
    assert_eq!(store.stats().expect("stats").articles, 4);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_connections_create_one_new_corpus_at_once() {
    // Two ingests started together on a corpus that does not exist yet: every opener must
    // wait for the one creating the schema, not fail with "database is locked".
    for round in 0..20 {
        let (dir, path) = fresh_db(&format!("race-{round}"));
        let errors: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Store::open(&path).err().map(|e| e.to_string())))
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().ok().flatten())
                .collect()
        });
        assert!(errors.is_empty(), "round {round}: {errors:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
