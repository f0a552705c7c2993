//! Integration tests of the corpus commands (`ingest`, `search`, `speakers`, `export`):
//! the built binary on PolNeAR train articles and small synthetic corpora.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use whosaid_store::norm::content_hash;
use whosaid_store::{QuotebankRecord, Stats, Store};

fn train_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval-data/polnear/train/text")
}

/// The first `n` PolNeAR train articles, in path order.
fn train_files(n: usize) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(train_dir())
        .expect("PolNeAR train text (shared/eval-data) is present")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files.truncate(n);
    files
}

fn whosaid(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run whosaid")
}

fn ingest(db: &Path, inputs: &[PathBuf], extra: &[&str]) -> (Value, Output) {
    let mut cmd = Command::new(BIN);
    cmd.arg("ingest").arg("--db").arg(db).arg("--json");
    cmd.args(extra).args(inputs).stdin(Stdio::null());
    let out = cmd.output().expect("run whosaid ingest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "summary JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (summary, out)
}

fn stats(db: &Path) -> Stats {
    Store::open(db).expect("open db").stats().expect("stats")
}

fn count(db: &Path, sql: &str) -> i64 {
    Store::open(db)
        .expect("open db")
        .connection()
        .query_row(sql, [], |r| r.get(0))
        .expect("query")
}

#[test]
fn ingesting_twice_adds_nothing() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    // The whole PolNeAR train text.
    let files = train_files(usize::MAX);
    let n = files.len();
    assert_eq!(n, 840);
    let (first, out) = ingest(&db, &files, &["--batch", "16"]);
    assert!(out.status.success(), "{out:?}");
    // Two of them (wash-post_2015-12-22/23_as-spotlight-shines-on-trump-and) are the
    // same text: stored once.
    assert_eq!(first["added"], n - 1);
    assert_eq!(first["already_stored"], 1);
    let after_first = stats(&db);
    assert_eq!(after_first.articles, n as u64 - 1);
    assert_eq!(
        after_first.quotes,
        first["quotes"].as_u64().expect("quotes")
    );
    assert!(after_first.sentences > n as u64);

    let (second, out) = ingest(&db, &files, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(second["added"], 0);
    assert_eq!(second["already_stored"], n);
    assert_eq!(second["quotes"], 0);
    assert_eq!(stats(&db), after_first);

    // The same articles through a directory walk and a JSON Lines copy: still nothing new.
    let jsonl = tmp.path("copy.jsonl");
    let lines: Vec<String> = files
        .iter()
        .take(10)
        .map(|f| {
            let text = fs::read_to_string(f).expect("read article");
            serde_json::json!({"id": format!("copy-{}", f.display()), "text": text}).to_string()
        })
        .collect();
    fs::write(&jsonl, lines.join("\n")).expect("write jsonl");
    let (third, _) = ingest(&db, &[jsonl], &[]);
    assert_eq!(third["added"], 0);
    assert_eq!(third["already_stored"], 10);
    assert_eq!(stats(&db), after_first);
}

#[test]
fn a_fresh_corpus_stores_an_article_repeated_in_its_input_once() {
    // On an empty corpus the workers skip the "already stored?" lookup: the writer's
    // UNIQUE keys must still catch the repeats within the one input.
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let files = train_files(20);
    let mut twice = files.clone();
    twice.extend(files.iter().take(5).cloned());
    let (first, out) = ingest(&db, &twice, &["--batch", "4"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(first["added"], 20);
    assert_eq!(first["already_stored"], 5);
    assert_eq!(stats(&db).articles, 20);
    assert_eq!(stats(&db).quotes, first["quotes"].as_u64().expect("quotes"));
}

#[test]
fn articles_sharing_an_id_with_another_text_are_named_not_silently_dropped() {
    // Two different texts under one id: the corpus keeps the first, and the others are
    // counted apart from re-ingests and named on stderr, on a fresh corpus (the writer's
    // UNIQUE keys) and on a stored one (the workers' lookup).
    let tmp = TempDir::new("store-test");
    let input = tmp.path("same.jsonl");
    let lines: Vec<String> = [
        "Putin said relations had worsened.",
        "Lavrov said Russia had questions.",
        "Trump said things went pretty well.",
    ]
    .iter()
    .map(|t| serde_json::json!({"id": "same", "text": t}).to_string())
    .collect();
    fs::write(&input, lines.join("\n") + "\n").expect("write input");
    let db = tmp.path("c.db");
    for (round, (added, already)) in [(1, 0), (0, 1)].into_iter().enumerate() {
        let (summary, out) = ingest(&db, std::slice::from_ref(&input), &[]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(summary["added"], added, "round {round}");
        assert_eq!(summary["already_stored"], already, "round {round}");
        assert_eq!(summary["conflicts"], 2, "round {round}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr
                .matches("same: not stored: an article with this id")
                .count(),
            2,
            "round {round}: {stderr}"
        );
    }
    assert_eq!(stats(&db).articles, 1);
}

#[test]
fn two_ingests_started_together_on_a_new_corpus_both_store_their_articles() {
    // The second opener of a corpus being created used to fail at once with "database is
    // locked" (switching a new file to WAL mode does not wait for the busy handler).
    let files = train_files(30);
    let (a, b) = files.split_at(15);
    for round in 0..5 {
        let tmp = TempDir::new("store-test");
        let db = tmp.path("c.db");
        let spawn = |inputs: &[PathBuf], overlap: &Path| {
            Command::new(BIN)
                .arg("ingest")
                .arg("-q")
                .arg("--db")
                .arg(&db)
                .args(inputs)
                .arg(overlap)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn whosaid ingest")
        };
        // Each also ingests one article of the other half: stored once either way.
        let (one, two) = (spawn(a, &b[0]), spawn(b, &a[0]));
        for child in [one, two] {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let s = stats(&db);
        assert_eq!(s.articles, 30, "round {round}");
        assert_eq!(
            count(&db, "SELECT count(*) FROM articles"),
            30,
            "round {round}"
        );
        assert_eq!(
            s.quotes as i64,
            count(&db, "SELECT count(*) FROM quotes"),
            "round {round}"
        );
    }
}

#[test]
fn killed_ingest_resumes_with_every_article_exactly_once() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let all = train_files(usize::MAX);
    assert!(all.len() >= 800, "expected the 840 train articles");
    let mut child = Command::new(BIN)
        .arg("ingest")
        .arg("--db")
        .arg(&db)
        .args(["--batch", "8"])
        .arg(train_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn whosaid ingest");
    std::thread::sleep(Duration::from_millis(200));
    child.kill().expect("kill -9"); // SIGKILL on Unix
    let status = child.wait().expect("wait");
    assert!(
        !status.success(),
        "the ingest finished before it was killed"
    );
    let partial = if db.exists() { stats(&db).articles } else { 0 };
    assert!(partial < all.len() as u64);

    // PolNeAR train has one article twice under two names: stored once, by content hash.
    let distinct: HashSet<String> = all
        .iter()
        .map(|f| content_hash(&fs::read_to_string(f).expect("read article")))
        .collect();
    let copies = (all.len() - distinct.len()) as u64;

    let (resumed, out) = ingest(&db, &[train_dir()], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(resumed["already_stored"].as_u64(), Some(partial + copies));
    assert_eq!(
        resumed["added"].as_u64(),
        Some(distinct.len() as u64 - partial)
    );
    let s = stats(&db);
    assert_eq!(s.articles, distinct.len() as u64);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT doc_id) FROM articles"),
        distinct.len() as i64
    );
    assert_eq!(
        count(&db, "SELECT count(DISTINCT content_hash) FROM articles"),
        distinct.len() as i64
    );
    // Every quote is in the full-text index once, the ones the killed run stored but had
    // not indexed yet included.
    assert_eq!(
        count(&db, "SELECT count(*) FROM quotes_fts_docsize"),
        count(&db, "SELECT count(*) FROM quotes")
    );
    assert_eq!(
        count(
            &db,
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_quote_id'"
        ),
        count(&db, "SELECT max(id) FROM quotes")
    );
    // Each article's quotes are there once, numbered 0..n without gaps.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT article_id FROM quotes GROUP BY article_id
             HAVING max(idx) + 1 != count(*) OR min(idx) != 0)"
        ),
        0
    );
    // Same rows per article as a clean run of a sample of the same articles.
    let sample: Vec<PathBuf> = all.iter().step_by(40).cloned().collect();
    let clean = tmp.path("clean.db");
    ingest(&clean, &sample, &[]);
    for (table, count) in [
        (
            "quotes",
            "(SELECT count(*) FROM quotes t WHERE t.article_id = a.id)",
        ),
        ("sentences", "a.sentence_count"),
        (
            "artifacts",
            "(SELECT count(*) FROM artifacts t WHERE t.article_id = a.id)",
        ),
    ] {
        let per_article = |db: &Path| -> HashMap<String, i64> {
            let store = Store::open(db).expect("open db");
            let mut st = store
                .connection()
                .prepare(&format!("SELECT a.content_hash, {count} FROM articles a"))
                .expect("prepare");
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query");
            rows.map(|r| r.expect("row")).collect()
        };
        let (resumed, fresh) = (per_article(&db), per_article(&clean));
        assert_eq!(fresh.len(), sample.len());
        for (hash, n) in &fresh {
            assert_eq!(resumed.get(hash), Some(n), "{table} of article {hash}");
        }
    }
    // The full-text index holds every quote exactly once.
    assert_eq!(
        count(&db, "SELECT count(*) FROM quotes_fts"),
        s.quotes as i64
    );
}

/// Three articles naming Lavrov three ways, one more quoting him twice over, and one
/// repeating a quotation of another speaker.
fn lavrov_corpus(tmp: &TempDir) -> PathBuf {
    let records = [
        (
            "a1",
            "https://wire.example/1",
            "2016-03-01",
            "Wire",
            "Russian Foreign Minister Sergei Lavrov said \"the ceasefire in Syria is holding.\"\n",
        ),
        (
            "a2",
            "https://daily.example/2",
            "2016-03-02",
            "Daily",
            "Sergey Lavrov said \"Moscow will not accept new sanctions.\"\n",
        ),
        (
            "a3",
            "https://wire.example/3",
            "2016-03-03",
            "Wire",
            "Lavrov said \"the talks in Geneva were useful.\"\n",
        ),
        (
            "a4",
            "https://daily.example/4",
            "2016-03-04",
            "Daily",
            "Mayor Ann Lee said \"The ceasefire in Syria is holding!\"\n",
        ),
    ];
    let path = tmp.path("lavrov.jsonl");
    let lines: Vec<String> = records
        .iter()
        .map(|(id, url, date, source, text)| {
            serde_json::json!({"id": id, "url": url, "date": date, "source": source, "text": text})
                .to_string()
        })
        .collect();
    fs::write(&path, lines.join("\n") + "\n").expect("write corpus");
    path
}

fn jsonl_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn ingesting_a_directory_that_holds_its_corpus_reads_no_corpus_file() {
    let tmp = TempDir::new("store-test");
    for (k, f) in train_files(3).iter().enumerate() {
        fs::copy(f, tmp.path(&format!("a{k}.txt"))).expect("copy");
    }
    let db = tmp.path("corpus.db");
    let (first, out) = ingest(&db, std::slice::from_ref(&tmp.0), &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(first["added"], 3);
    // Again, with corpus.db (and its -wal and -shm while open) in the directory.
    let (second, out) = ingest(&db, std::slice::from_ref(&tmp.0), &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(second["added"], 0);
    assert_eq!(second["already_stored"], 3);
    assert_eq!(second["failed"], 0, "{second}");
}

#[test]
fn search_by_any_alias_finds_the_canonical_speaker() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let corpus = lavrov_corpus(&tmp);
    let (summary, out) = ingest(&db, &[corpus], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(summary["added"], 4);
    let dbs = db.to_string_lossy().to_string();

    let mut seen_ids = Vec::new();
    for alias in ["Sergei Lavrov", "Sergey Lavrov", "Lavrov", "lavrov"] {
        let out = whosaid(&["search", "", "--speaker", alias, "--db", &dbs]);
        assert!(out.status.success(), "{out:?}");
        let hits = jsonl_lines(&out);
        assert_eq!(hits.len(), 3, "{alias}: {hits:#?}");
        for h in &hits {
            assert_eq!(h["speaker"], "Sergei Lavrov", "{h}");
            seen_ids.push(h["speaker_id"].clone());
        }
    }
    seen_ids.dedup();
    assert_eq!(seen_ids.len(), 1);

    // Text, source, date and kind filters.
    let out = whosaid(&["search", "sanctions", "--speaker", "Lavrov", "--db", &dbs]);
    let hits = jsonl_lines(&out);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["url"], "https://daily.example/2");
    let out = whosaid(&["search", "ceasefire", "--source", "wire", "--db", &dbs]);
    assert_eq!(jsonl_lines(&out).len(), 1);
    let out = whosaid(&[
        "search",
        "ceasefire",
        "--from",
        "2016-03-02",
        "--to",
        "2016-03-31",
        "--db",
        &dbs,
    ]);
    let hits = jsonl_lines(&out);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["article"], "a4");
    let out = whosaid(&["search", "ceasefire", "--kind", "indirect", "--db", &dbs]);
    assert!(jsonl_lines(&out).is_empty());
    let out = whosaid(&["search", "x", "--from", "soon", "--db", &dbs]);
    assert_eq!(out.status.code(), Some(2));
    // No word in the text: an error, not every quote; nobody by a name: said so.
    let out = whosaid(&["search", "💥", "--db", &dbs]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no word to search for"));
    let out = whosaid(&["search", "", "--speaker", "Nobody", "--db", &dbs]);
    assert!(out.status.success() && out.stdout.is_empty(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no speaker in"));

    // CSV and the table.
    let out = whosaid(&["search", "geneva", "--format", "csv", "--db", &dbs]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.starts_with("quote_id,"));
    let out = whosaid(&["search", "geneva", "--format", "table", "--db", &dbs]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("Sergei Lavrov") && table.contains("(1 quotes)"),
        "{table}"
    );

    // The speaker list: one Lavrov with his aliases and title.
    let out = whosaid(&["speakers", "--db", &dbs, "--format", "jsonl"]);
    let speakers = jsonl_lines(&out);
    let lavrov: Vec<&Value> = speakers
        .iter()
        .filter(|s| s.to_string().contains("Lavrov"))
        .collect();
    assert_eq!(lavrov.len(), 1, "{speakers:#?}");
    assert_eq!(lavrov[0]["quotes"], 3);
    let aliases = lavrov[0]["aliases"].to_string();
    assert!(
        aliases.contains("Sergey Lavrov") && aliases.contains("\"Lavrov\""),
        "{aliases}"
    );
    assert!(lavrov[0]["titles"]
        .to_string()
        .contains("Russian Foreign Minister"));
}

#[test]
fn gazetteer_links_speakers_to_wikidata() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let corpus = lavrov_corpus(&tmp);
    let gazetteer = Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/examples/gazetteer.csv");
    let (_, out) = ingest(
        &db,
        &[corpus],
        &["--gazetteer", &gazetteer.to_string_lossy()],
    );
    assert!(out.status.success(), "{out:?}");
    let dbs = db.to_string_lossy().to_string();
    let out = whosaid(&["search", "", "--speaker", "Sergej Lawrow", "--db", &dbs]);
    let hits = jsonl_lines(&out);
    assert_eq!(hits.len(), 3);
    let out = whosaid(&[
        "speakers", "--db", &dbs, "--limit", "1", "--format", "jsonl",
    ]);
    let top = jsonl_lines(&out);
    assert_eq!(top[0]["wikidata"], "Q192190");
}

#[test]
fn export_round_trips() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let mut inputs = vec![lavrov_corpus(&tmp)];
    inputs.extend(train_files(30));
    let (_, out) = ingest(&db, &inputs, &[]);
    assert!(out.status.success(), "{out:?}");
    let dbs = db.to_string_lossy().to_string();
    let groups = Store::open(&db)
        .expect("open db")
        .quote_groups()
        .expect("groups");

    let jsonl = tmp.path("q.jsonl");
    let out = whosaid(&["export", "--db", &dbs, "-o", &jsonl.to_string_lossy()]);
    assert!(out.status.success(), "{out:?}");
    let text = fs::read_to_string(&jsonl).expect("read export");
    let records: Vec<QuotebankRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("Quotebank record"))
        .collect();
    assert_eq!(records.len() as u64, groups);
    for line in text.lines().take(3) {
        let v: Value = serde_json::from_str(line).expect("JSON");
        for key in [
            "quoteID",
            "quotation",
            "speaker",
            "qids",
            "date",
            "numOccurrences",
            "probas",
            "urls",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
    }
    let ceasefire = records
        .iter()
        .find(|r| r.quotation.to_lowercase().contains("ceasefire in syria"))
        .expect("deduplicated ceasefire quote");
    assert_eq!(ceasefire.num_occurrences, 2);
    assert_eq!(ceasefire.urls.len(), 2);
    assert_eq!(ceasefire.date.as_deref(), Some("2016-03-01 00:00:00"));

    #[cfg(feature = "parquet")]
    {
        let parquet = tmp.path("q.parquet");
        let out = whosaid(&["export", "--db", &dbs, "-o", &parquet.to_string_lossy()]);
        assert!(out.status.success(), "{out:?}");
        let back = whosaid_store::export::read_parquet(&parquet).expect("read parquet back");
        assert_eq!(back, records);
    }

    let csv = tmp.path("q.out");
    let out = whosaid(&[
        "export",
        "--db",
        &dbs,
        "--format",
        "csv",
        "-o",
        &csv.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let csv = fs::read_to_string(&csv).expect("read csv");
    assert!(csv.starts_with("quoteID,quotation,speaker,qids,date,numOccurrences,probas,urls\n"));
    assert!(csv.contains(&ceasefire.quote_id));

    // A name ending in .gz: the same bytes, gzip-compressed; the format from the name
    // under it.
    for (name, plain) in [("q.jsonl.gz", text.clone()), ("q.CSV.gz", csv.clone())] {
        let gz = tmp.path(name);
        let out = whosaid(&["export", "--db", &dbs, "-o", &gz.to_string_lossy()]);
        assert!(out.status.success(), "{out:?}");
        let mut back = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(fs::File::open(&gz).expect("open")),
            &mut back,
        )
        .expect("gunzip");
        assert_eq!(back, plain, "{name}");
    }
    let out = whosaid(&[
        "export",
        "--db",
        &dbs,
        "-o",
        &tmp.path("q.parquet.gz").to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reader_errors_are_counted_and_reported() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("c.db");
    let empty = tmp.path("empty.txt");
    fs::write(&empty, "  \n").expect("write");
    let binary = tmp.path("bin.txt");
    fs::write(&binary, b"abc\0def").expect("write");
    let missing = tmp.path("missing.txt");
    let mut inputs = train_files(3);
    inputs.extend([empty, binary, missing]);
    let (summary, out) = ingest(&db, &inputs, &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(summary["failed"], 3);
    assert_eq!(summary["added"], 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("empty document"), "{stderr}");
    assert!(stderr.contains("binary data"), "{stderr}");
    assert!(stderr.contains("cannot open"), "{stderr}");
    assert!(stderr.contains("3 failed records"), "{stderr}");
    assert_eq!(stats(&db).errors, 3);
    // Again: reported again, recorded once.
    let (summary, out) = ingest(&db, &inputs, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary["failed"], 3);
    assert_eq!(stats(&db).errors, 3);
    // Only bad records: exit 2.
    let (_, out) = ingest(&tmp.path("other.db"), &inputs[3..], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn commands_on_a_missing_corpus_fail_cleanly() {
    let tmp = TempDir::new("store-test");
    let db = tmp.path("nope.db");
    let dbs = db.to_string_lossy().to_string();
    for args in [
        vec!["search", "x", "--db", &dbs],
        vec!["speakers", "--db", &dbs],
        vec!["export", "--db", &dbs, "-o", "-"],
    ] {
        let out = whosaid(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("no such corpus"));
    }
    assert!(!db.exists());
}
