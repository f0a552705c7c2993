//! Writing articles in batches, and rebuilding the speaker tables.

use crate::names::{self, name_key, split_mention, NameStat};
use crate::norm::{content_hash, day, encode_spans, hash_key, quote_group_id, quote_key};
use crate::{Result, Store};
use rusqlite::params;
use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};
use std::collections::HashMap;
use whosaid_core::text::{split_sentences, tokenize, Sentence};
use whosaid_core::{Analysis, CharMap, Document, Resolution, Span};

/// One quote's derived fields, computed off the writer thread.
#[derive(Debug, Clone)]
struct QuoteExtra {
    group: Option<i64>,
    speaker_key: Option<String>,
    mention_alias: Option<String>,
    title: Option<String>,
}

/// An analysed article ready to be written: the document, its analysis and everything
/// derived from them that costs CPU (hash, sentences, quote keys, name keys). Build it
/// on worker threads; [`Store::ingest_batch`] only writes.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The article.
    pub doc: Document,
    /// What whosaid found in it.
    pub analysis: Analysis,
    /// SHA-256 of the text, hex.
    pub content_hash: String,
    /// Sentence spans `(start, end, char_start, char_end)`.
    pub sentences: Vec<crate::norm::SentenceSpan>,
    /// `sentences` packed by [`encode_spans`].
    sentence_blob: Vec<u8>,
    extras: Vec<QuoteExtra>,
}

impl Prepared {
    /// Derives everything [`Store::ingest_batch`] needs from an analysed document.
    pub fn new(doc: Document, analysis: Analysis) -> Prepared {
        let hash = content_hash(&doc.text);
        let sentences = split_sentences(&doc.text, &tokenize(&doc.text));
        Prepared::with_sentences(doc, analysis, &sentences, hash)
    }

    /// Like [`Prepared::new`] with the sentences the analysis split the text into
    /// ([`whosaid_core::pipeline::analyze_with_sentences`]) and the content hash
    /// ([`norm::content_hash`](crate::norm::content_hash) of the text) already computed.
    pub fn with_sentences(
        doc: Document,
        analysis: Analysis,
        sentences: &[Sentence],
        content_hash: String,
    ) -> Prepared {
        let map = CharMap::new(&doc.text);
        let sentences: Vec<_> = sentences
            .iter()
            .map(|s| {
                (
                    s.start,
                    s.end,
                    map.char_offset(s.start),
                    map.char_offset(s.end),
                )
            })
            .collect();
        // An article quotes a few speakers many times, often by the same mention: their
        // keys, titles and aliases are derived once per (name, mention) pair.
        // A few pairs per article: a list searched in order beats hashing each lookup.
        type SpeakerPair<'a> = (Option<&'a str>, Option<&'a str>);
        type SpeakerFields = (Option<String>, Option<String>, Option<String>);
        let mut speakers: Vec<(SpeakerPair, SpeakerFields)> = Vec::new();
        let extras = analysis
            .quotes
            .iter()
            .map(|q| {
                let key = quote_key(&q.content.text);
                // A name has a capital letter; "who" or "campaign" is no speaker entity.
                let name = q
                    .speaker
                    .name
                    .as_deref()
                    .filter(|n| n.chars().any(char::is_uppercase));
                let mention = q
                    .speaker
                    .mention
                    .as_ref()
                    .filter(|_| q.speaker.resolution != Resolution::Pronoun)
                    .map(|m| m.text.as_str());
                let pair = (name, mention);
                let (speaker_key, title, mention_alias) =
                    match speakers.iter().find(|(p, _)| *p == pair) {
                        Some((_, fields)) => fields.clone(),
                        None => {
                            let speaker_key = name.map(name_key).filter(|k| !k.is_empty());
                            let (title, alias) = match pair {
                                (Some(n), Some(m)) => split_mention(m, n),
                                _ => (None, None),
                            };
                            let fields = (speaker_key, title, alias);
                            speakers.push((pair, fields.clone()));
                            fields
                        }
                    };
                QuoteExtra {
                    group: (!key.is_empty()).then(|| quote_group_id(&key)),
                    speaker_key,
                    mention_alias,
                    title,
                }
            })
            .collect();
        Prepared {
            doc,
            analysis,
            content_hash,
            sentence_blob: encode_spans(&sentences),
            sentences,
            extras,
        }
    }
}

/// A row of `speaker_names` without its count: key, name, resolution, alias, title.
type NameRow<'a> = (&'a str, &'a str, &'static str, &'a str, &'a str);

/// What one [`Store::ingest_batch`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchReport {
    /// Articles added.
    pub articles: usize,
    /// Articles skipped because their text was already stored, or their id or URL was
    /// (counting those in `conflicts`).
    pub duplicates: usize,
    /// The ids of the skipped articles whose id or URL was stored with a different text:
    /// two articles under one id (or URL), of which the corpus keeps the first.
    pub conflicts: Vec<String>,
    /// Quote occurrences added.
    pub quotes: usize,
    /// Bytes of text added.
    pub bytes: usize,
    /// Reader errors recorded (new ones; a known error is not counted twice).
    pub errors: usize,
}

fn resolution_name(r: Resolution) -> &'static str {
    match r {
        Resolution::Named => "named",
        Resolution::Pronoun => "pronoun",
        Resolution::Nominal => "nominal",
        Resolution::Unresolved => "unresolved",
    }
}

fn kind_name(k: whosaid_core::QuoteKind) -> &'static str {
    match k {
        whosaid_core::QuoteKind::Direct => "direct",
        whosaid_core::QuoteKind::Mixed => "mixed",
        whosaid_core::QuoteKind::Indirect => "indirect",
        whosaid_core::QuoteKind::Headline => "headline",
    }
}

fn artifact_name(k: whosaid_core::ArtifactKind) -> &'static str {
    match k {
        whosaid_core::ArtifactKind::PhotoCaption => "photo_caption",
        whosaid_core::ArtifactKind::TruncatedSentence => "truncated_sentence",
        whosaid_core::ArtifactKind::Byline => "byline",
        whosaid_core::ArtifactKind::Boilerplate => "boilerplate",
    }
}

/// A span's text, start and end as stored in a quote row: the text only when it is not
/// `article[start..end]` (see the `quotes` table in [`crate::schema`]).
fn span_parts<'a>(
    article: &str,
    s: Option<&'a Span>,
) -> (Option<&'a str>, Option<i64>, Option<i64>) {
    match s {
        Some(s) => (
            stored_text(article, s),
            Some(s.start as i64),
            Some(s.end as i64),
        ),
        None => (None, None, None),
    }
}

/// Columns of a `quotes` row as [`Store::ingest_batch`] writes them.
const QUOTE_COLUMNS: usize = 24;
/// Quote rows written by one INSERT (the last few of a batch one at a time). Callgrind,
/// `write_bench` of 2,000 articles: 8 rows 4.7% fewer instructions than one at a time, 16
/// rows 7.1%, 32 and 64 rows more than 16.
const QUOTE_ROWS: usize = 16;

/// One value of a quote row.
#[derive(Clone, Copy)]
enum QuoteValue<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
}

impl ToSql for QuoteValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            QuoteValue::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            QuoteValue::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(v)),
            QuoteValue::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(v)),
            QuoteValue::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

impl<'a> From<Option<&'a str>> for QuoteValue<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(QuoteValue::Null, QuoteValue::Text)
    }
}

impl From<Option<i64>> for QuoteValue<'_> {
    fn from(v: Option<i64>) -> Self {
        v.map_or(QuoteValue::Null, QuoteValue::Int)
    }
}

/// `span`'s text unless it is `article[start..end]`, where readers find it.
fn stored_text<'a>(article: &str, span: &'a Span) -> Option<&'a str> {
    (article.get(span.start..span.end) != Some(span.text.as_str())).then_some(span.text.as_str())
}

/// The `quotes` row of quote `i` of article `article` (row id `article_id`), in the
/// column order of [`quotes_insert_sql`].
fn quote_row<'a>(
    article: &str,
    article_id: i64,
    i: usize,
    q: &'a whosaid_core::Quote,
    x: &'a QuoteExtra,
) -> [QuoteValue<'a>; QUOTE_COLUMNS] {
    use QuoteValue::{Int, Real, Text};
    let (cue, cue_s, cue_e) = span_parts(article, q.cue.as_ref());
    let (men, men_s, men_e) = span_parts(article, q.speaker.mention.as_ref());
    let (adr, adr_s, adr_e) = span_parts(article, q.addressee.as_ref());
    [
        Int(article_id),
        Int(i as i64),
        x.group.into(),
        Text(kind_name(q.kind)),
        Text(stored_text(article, &q.content).unwrap_or("")),
        Int(q.content.start as i64),
        Int(q.content.end as i64),
        Int(q.content.char_start as i64),
        Int(q.content.char_end as i64),
        cue.into(),
        cue_s.into(),
        cue_e.into(),
        men.into(),
        men_s.into(),
        men_e.into(),
        q.speaker.name.as_deref().into(),
        x.speaker_key.as_deref().into(),
        Text(resolution_name(q.speaker.resolution)),
        x.mention_alias.as_deref().into(),
        x.title.as_deref().into(),
        adr.into(),
        adr_s.into(),
        adr_e.into(),
        Real(f64::from(q.confidence)),
    ]
}

/// The INSERT of `rows` quote rows. `OR FAIL`: a row that breaks a constraint ends the
/// statement with an error (and the writer rolls the whole transaction back) without
/// undoing the statement's earlier rows, so SQLite keeps no statement journal for it;
/// with the default `ABORT` a multi-row INSERT journals every page it changes, in case
/// it must be undone (callgrind, `write_bench` over PolNeAR train + dev: the writer's
/// instructions 1,142M → 1,085M).
fn quotes_insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT OR FAIL INTO quotes(article_id, idx, group_id, kind, content, start, end,
            char_start, char_end, cue, cue_start, cue_end, mention, mention_start,
            mention_end, speaker_name, speaker_key, resolution, mention_alias, title,
            addressee, addressee_start, addressee_end, confidence) VALUES ",
    );
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..QUOTE_COLUMNS {
            if c > 0 {
                sql.push(',');
            }
            sql.push('?');
        }
        sql.push(')');
    }
    sql
}

/// Inserts quote rows with `st`, the statement of [`quotes_insert_sql`] of their number.
fn insert_quotes(
    st: &mut rusqlite::CachedStatement<'_>,
    rows: &[[QuoteValue<'_>; QUOTE_COLUMNS]],
) -> Result<()> {
    st.execute(rusqlite::params_from_iter(rows.iter().flatten()))?;
    Ok(())
}

impl Store {
    /// Writes a batch in one transaction: each new article with its sentences, quotes,
    /// quote groups and artifacts, and each reader error `(record id, reason)`. Articles
    /// already stored (by id, URL or content hash, including earlier in the same batch)
    /// are skipped and counted as duplicates. The quotes waiting for the full-text index
    /// are added to it when at least [`Store::set_index_chunk`] of them wait. Either the
    /// whole batch is stored or, on error or crash, none of it (nor the batches before it
    /// since the last commit, see [`Store::set_commit_every`]).
    pub fn ingest_batch(
        &mut self,
        batch: &[Prepared],
        errors: &[(String, String)],
    ) -> Result<BatchReport> {
        let index_chunk = self.index_chunk;
        self.in_write(|tx, hashes| {
            let report = Store::write_batch(tx, hashes, index_chunk, batch, errors)?;
            let articles = report.articles as u64;
            Ok((report, articles))
        })
    }

    /// The writes of [`Store::ingest_batch`], in the caller's transaction.
    fn write_batch(
        tx: &rusqlite::Connection,
        hashes: &mut crate::KnownHashes,
        index_chunk: u64,
        batch: &[Prepared],
        errors: &[(String, String)],
    ) -> Result<BatchReport> {
        let mut report = BatchReport::default();
        // Quotes per (speaker key, name, resolution, alias, title) in this batch, added
        // to `speaker_names` at the end.
        let mut names: foldhash::HashMap<NameRow<'_>, i64> = Default::default();
        // Articles per speaker key in this batch, added to `speaker_articles` at the end.
        let mut key_articles: foldhash::HashMap<&str, i64> = Default::default();
        // Sentences and artifacts of the added articles, for the corpus counters.
        let (mut sentences, mut artifacts) = (0usize, 0usize);
        {
            // OR IGNORE: an id or URL already stored (the UNIQUE keys) makes the insert
            // a no-op, counted as a duplicate, like a text in `hashes`.
            let mut ins_article = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles(doc_id, url, title, date, day, source,
                    content_hash, bytes, sentence_count, sentences, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            // Quote rows wait here and are written QUOTE_ROWS to a statement: one
            // INSERT per row, each ended and reset, cost this function 9.6% more
            // instructions (with the statements prepared once a batch).
            let mut rows: Vec<[QuoteValue<'_>; QUOTE_COLUMNS]> = Vec::with_capacity(QUOTE_ROWS);
            let mut insert_many = tx.prepare_cached(&quotes_insert_sql(QUOTE_ROWS))?;
            let mut insert_one = tx.prepare_cached(&quotes_insert_sql(1))?;
            let mut ins_artifact = tx.prepare_cached(
                "INSERT INTO artifacts(article_id, idx, kind, start, end, char_start, char_end, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut ins_error = tx.prepare_cached(
                "INSERT OR IGNORE INTO ingest_errors(record_id, error) VALUES (?1, ?2)",
            )?;

            let mut ins_hash =
                tx.prepare_cached("INSERT INTO article_hashes(article_id, hash) VALUES (?1, ?2)")?;
            for p in batch {
                let d = &p.doc;
                let url = d.url.as_deref().filter(|u| !u.is_empty());
                let key = hash_key(&p.content_hash);
                if hashes.keys.contains(&key) {
                    report.duplicates += 1;
                    continue;
                }
                let added = ins_article.execute(params![
                    d.id,
                    url,
                    d.title,
                    d.date,
                    d.date.as_deref().and_then(day),
                    d.source,
                    p.content_hash,
                    d.text.len() as i64,
                    p.sentences.len() as i64,
                    p.sentence_blob,
                    d.text,
                ])?;
                if added == 0 {
                    // Not the same text (its hash is not stored): the id or URL is.
                    report.duplicates += 1;
                    report.conflicts.push(d.id.clone());
                    continue;
                }
                let article = tx.last_insert_rowid();
                ins_hash.execute(params![article, key])?;
                hashes.add(article, key);
                report.articles += 1;
                report.bytes += d.text.len();
                sentences += p.sentences.len();
                artifacts += p.analysis.artifacts.len();
                let mut keys: Vec<&str> = p
                    .extras
                    .iter()
                    .filter_map(|x| x.speaker_key.as_deref())
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                for k in keys {
                    *key_articles.entry(k).or_default() += 1;
                }
                for (i, (q, x)) in p.analysis.quotes.iter().zip(&p.extras).enumerate() {
                    rows.push(quote_row(&d.text, article, i, q, x));
                    if rows.len() == QUOTE_ROWS {
                        insert_quotes(&mut insert_many, &rows)?;
                        rows.clear();
                    }
                    report.quotes += 1;
                    if let (Some(key), Some(name)) = (&x.speaker_key, &q.speaker.name) {
                        let row = (
                            key.as_str(),
                            name.as_str(),
                            resolution_name(q.speaker.resolution),
                            x.mention_alias.as_deref().unwrap_or(""),
                            x.title.as_deref().unwrap_or(""),
                        );
                        *names.entry(row).or_default() += 1;
                    }
                }
                for (i, a) in p.analysis.artifacts.iter().enumerate() {
                    ins_artifact.execute(params![
                        article,
                        i as i64,
                        artifact_name(a.kind),
                        a.span.start as i64,
                        a.span.end as i64,
                        a.span.char_start as i64,
                        a.span.char_end as i64,
                        a.span.text,
                    ])?;
                }
            }
            for row in rows.chunks(1) {
                insert_quotes(&mut insert_one, row)?;
            }
            for (id, reason) in errors {
                report.errors += ins_error.execute(params![id, reason])?;
            }
        }
        crate::index_waiting(tx, index_chunk)?;
        if report.quotes > 0 {
            let mut add_name = tx.prepare_cached(
                "INSERT INTO speaker_names(key, name, resolution, alias, title, quotes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO UPDATE SET quotes = quotes + excluded.quotes",
            )?;
            for ((key, name, res, alias, title), n) in &names {
                add_name.execute(params![key, name, res, alias, title, n])?;
            }
            drop(add_name);
            let mut add_articles = tx.prepare_cached(
                "INSERT INTO speaker_articles(key, articles) VALUES (?1, ?2)
                 ON CONFLICT DO UPDATE SET articles = articles + excluded.articles",
            )?;
            for (key, n) in &key_articles {
                add_articles.execute(params![key, n])?;
            }
            drop(add_articles);
            tx.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('speakers_dirty', '1')",
                [],
            )?;
        }
        // The corpus counters (Store::stats), in the same transaction as what they count.
        for (key, n) in [
            ("count_articles", report.articles),
            ("count_text_bytes", report.bytes),
            ("count_sentences", sentences),
            ("count_quotes", report.quotes),
            ("count_artifacts", artifacts),
            ("count_errors", report.errors),
        ] {
            if n > 0 {
                tx.prepare_cached(
                    "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key)
                     DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)",
                )?
                .execute(params![key, n as i64])?;
            }
        }
        Ok(report)
    }

    /// Rebuilds the speaker entities (`speakers`, `name_map`, `aliases`, `titles`) from
    /// every stored quote and the gazetteer, in one transaction, with the rules of
    /// [`names`]. Returns the number of speakers.
    pub fn canonicalize(&mut self) -> Result<usize> {
        self.commit()?;
        let gazetteer = self.gazetteer()?;
        let tx = self.conn.transaction()?;
        // Per key: spelling counts, total, nominal count.
        let mut stats: HashMap<String, (HashMap<String, u64>, u64, u64)> = HashMap::new();
        {
            let mut st = tx.prepare(
                "SELECT key, name, resolution, sum(quotes) FROM speaker_names
                 GROUP BY key, name, resolution",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let name: String = r.get(1)?;
                let res: String = r.get(2)?;
                let n = u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0);
                let e = stats.entry(key).or_default();
                *e.0.entry(name).or_default() += n;
                e.1 += n;
                if res == "nominal" {
                    e.2 += n;
                }
            }
        }
        let mut names_in: Vec<NameStat> = stats
            .iter()
            .map(|(key, (spellings, total, nominal))| NameStat {
                key: key.clone(),
                display: top(spellings),
                count: *total,
                // Mostly resolved as a metonym, or a country/organisation by the lexicon.
                is_org: *nominal * 2 > *total
                    || whosaid_core::lexicon::canonical_entity(&top(spellings)).is_some(),
            })
            .collect();
        names_in.sort_by(|a, b| a.key.cmp(&b.key));
        let entities = names::cluster(&names_in, &gazetteer);

        tx.execute_batch(
            "DELETE FROM titles; DELETE FROM aliases; DELETE FROM name_map; DELETE FROM speakers;",
        )?;
        let mut speaker_of: HashMap<&str, i64> = HashMap::new();
        // alias norm -> (display counts) per speaker
        let mut aliases: HashMap<(i64, String), HashMap<String, u64>> = HashMap::new();
        {
            let mut ins_speaker = tx.prepare(
                "INSERT INTO speakers(id, canonical, wikidata, quotes) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut ins_map =
                tx.prepare("INSERT INTO name_map(key, speaker_id) VALUES (?1, ?2)")?;
            let mut id = 0i64;
            for e in &entities {
                id += 1;
                ins_speaker.execute(params![id, e.canonical, e.wikidata, e.count as i64])?;
                for k in &e.keys {
                    ins_map.execute(params![k, id])?;
                    speaker_of.insert(k.as_str(), id);
                    if let Some((spellings, _, _)) = stats.get(k) {
                        for (s, n) in spellings {
                            *aliases
                                .entry((id, name_key(s)))
                                .or_default()
                                .entry(s.clone())
                                .or_default() += n;
                        }
                    }
                }
                let canon = name_key(&e.canonical);
                aliases
                    .entry((id, canon))
                    .or_default()
                    .entry(e.canonical.clone())
                    .or_default();
                if let Some(g) = e.gazetteer.and_then(|g| gazetteer.get(g)) {
                    for a in &g.aliases {
                        aliases
                            .entry((id, name_key(a)))
                            .or_default()
                            .entry(a.clone())
                            .or_default();
                    }
                }
            }
        }
        let mut titles: HashMap<(i64, String), HashMap<String, u64>> = HashMap::new();
        {
            let mut st = tx.prepare(
                "SELECT key, nullif(alias, ''), nullif(title, ''), sum(quotes) FROM speaker_names
                 WHERE alias != '' OR title != '' GROUP BY key, alias, title",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let key: String = r.get(0)?;
                let Some(&id) = speaker_of.get(key.as_str()) else {
                    continue;
                };
                let n = u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0);
                if let Some(alias) = r.get::<_, Option<String>>(1)? {
                    let k = name_key(&alias);
                    if !k.is_empty() {
                        *aliases
                            .entry((id, k))
                            .or_default()
                            .entry(alias)
                            .or_default() += n;
                    }
                }
                if let Some(title) = r.get::<_, Option<String>>(2)? {
                    let k = title.to_lowercase();
                    *titles.entry((id, k)).or_default().entry(title).or_default() += n;
                }
            }
        }
        {
            let mut ins_alias = tx.prepare(
                "INSERT INTO aliases(speaker_id, norm, alias, count) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for ((id, norm), spellings) in &aliases {
                if norm.is_empty() {
                    continue;
                }
                let total: u64 = spellings.values().sum();
                ins_alias.execute(params![id, norm, top(spellings), total as i64])?;
            }
            let mut ins_title = tx.prepare(
                "INSERT INTO titles(speaker_id, norm, title, count) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for ((id, norm), spellings) in &titles {
                let total: u64 = spellings.values().sum();
                ins_title.execute(params![id, norm, top(spellings), total as i64])?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('speakers_dirty', '0')",
            [],
        )?;
        tx.commit()?;
        Ok(entities.len())
    }
}

/// The most frequent spelling; ties go to the lexicographically smallest.
fn top(spellings: &HashMap<String, u64>) -> String {
    spellings
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}
