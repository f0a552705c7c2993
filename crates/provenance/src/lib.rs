//! # whosaid-provenance
//!
//! Where each sentence of a news article came from: sentence-level near-duplicate
//! detection that sees through article spinning, after DSpin (Zhang, Wang, Voelker,
//! "DSpin: Detecting Automatically Spun Content on the Web", NDSS 2014).
//!
//! 1. **Normalise** each sentence ([`spin::units`]): lowercase, country/agency variants
//!    to one entity ("Russian Federation" → russia), spin synonyms to one canonical word
//!    (WordNet groups of common words), light de-inflection. Words no lexicon knows
//!    (names, numbers, rare words) are the *immutable anchors* a spinner cannot touch.
//! 2. **Candidates**: MinHash with LSH, [`BANDS`] bands of [`ROWS`] rows: half the bands
//!    over the sentence's anchor set (all content words when it has fewer than three
//!    anchors), half over all its content words, so that a spinner whose synonyms we do
//!    not know (and which hits anchors too) still leaves a band intact. A candidate is
//!    read only with enough evidence: a shared band whose bucket is small, or several
//!    shared bands ([`RARE_BUCKET`], [`MIN_READS`]), so the point reads per traced
//!    sentence stay near-constant as the corpus grows.
//! 3. **Verify** each candidate on the normalised content words (Jaccard, containment,
//!    anchor overlap) *or* by alignment: the longest common subsequence of the two
//!    sentences' unit sequences (function words included, in order) over the longer one,
//!    which survives substitutions no lexicon knows, insertions and deletions
//!    ([`Index::trace`]).
//! 4. **Context**: a sentence left without a source, next to sentences traced to one
//!    article, is compared with that article's sentences under a looser threshold
//!    (stitched copies take runs of sentences).
//! 5. **Align** the two sentences by LCS of normal forms and list the changed words.
//!
//! The index lives in SQLite tables prefixed `prov_` ([`Index::open`]): normally in the
//! corpus database itself, next to the store's tables, so one file holds the corpus and
//! its provenance index; tracing reads only the LSH buckets of the traced sentences and
//! the candidate sentences, so memory stays bounded as the corpus grows.
//! [`IndexBuilder`] builds the same index in an in-memory database.
//!
//! ```
//! use whosaid_provenance::{Article, IndexBuilder};
//! let mut b = IndexBuilder::new();
//! b.add(Article::new("src", "The deal was suspended after U.S. missile strikes.").with_date("2017-04-07"));
//! let index = b.build()?;
//! let copy = Article::new("copy", "The deal was suspended after USA missile strikes.").with_date("2017-04-12");
//! let t = index.trace(&copy)?;
//! let s = t.sentences[0].source.as_ref().expect("traced");
//! assert_eq!(s.id, "src");
//! assert_eq!(s.changed, [["U.S.".to_string(), "USA".to_string()]]);
//! assert_eq!(t.originality, 0.0);
//! # Ok::<(), whosaid_provenance::ProvenanceError>(())
//! ```

#![warn(missing_docs)]

pub mod spin;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use spin::{mix, units, Unit, UnitKind};
use std::collections::HashMap;
use std::path::Path;
use thiserror::Error;
use whosaid_core::text::{split_sentences, tokenize};
use whosaid_core::CharMap;

/// MinHash bands (half over anchors, half over content words). 32 bands of 3 rows
/// find a pair with Jaccard 0.5 in a half with probability 0.88 and one with 0.1 with
/// 0.016: 24 bands of 2 rows found slightly more spun pairs at 30% replacement but read
/// 7× the candidates, which does not scale.
pub const BANDS: usize = 32;
/// Rows (hash functions) per band.
pub const ROWS: usize = 3;
/// Content words a sentence needs to be indexed and traced on its own.
pub const MIN_CONTENT: usize = 3;

/// What can go wrong.
#[derive(Debug, Error)]
pub enum ProvenanceError {
    /// An article id asked for is not in the index.
    #[error("no article with id {0:?} in the index")]
    UnknownId(String),
    /// The index database could not be read or written.
    #[error("provenance index: {0}")]
    Db(#[from] rusqlite::Error),
    /// A stored row is not what this version writes.
    #[error("provenance index: corrupt {0}")]
    Corrupt(String),
}

/// An article to index or trace: id, text, date.
#[derive(Debug, Clone, Default)]
pub struct Article {
    /// Identifier.
    pub id: String,
    /// The text; offsets point into it.
    pub text: String,
    /// Publication date, ISO 8601 preferred.
    pub date: Option<String>,
}

impl Article {
    /// An article without a date.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            text: text.into(),
            date: None,
        }
    }

    /// The same article with a date.
    pub fn with_date(mut self, date: impl Into<String>) -> Article {
        self.date = Some(date.into());
        self
    }
}

/// The earlier sentence a traced sentence copies or rewrites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceMatch {
    /// The source article's id.
    pub id: String,
    /// The source sentence.
    pub text: String,
    /// Code-point offset of the sentence in the source article.
    pub char_start: usize,
    /// Code-point offset one past its end.
    pub char_end: usize,
    /// The source article's date.
    pub date: Option<String>,
    /// Jaccard similarity of the two sentences' normalised content words (1 = same).
    pub similarity: f64,
    /// Words changed, `[source words, traced words]`, case-only changes left out.
    pub changed: Vec<[String; 2]>,
}

/// One sentence of a traced article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TracedSentence {
    /// The sentence.
    pub text: String,
    /// Byte offset in the traced article.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Code-point offset.
    pub char_start: usize,
    /// Code-point offset one past the end.
    pub char_end: usize,
    /// Where it came from, if anywhere.
    pub source: Option<SourceMatch>,
}

/// Where an article's text came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// The article's id.
    pub id: String,
    /// Share of its sentences (with at least one content word) with no earlier source;
    /// 1.0 when there is none.
    pub originality: f64,
    /// Source article ids, most used first ("stitched from N sources").
    pub sources: Vec<String>,
    /// Every sentence, in order.
    pub sentences: Vec<TracedSentence>,
}

/// One sentence as prepared for indexing and tracing.
#[derive(Debug, Clone)]
struct Prepared {
    start: usize,
    end: usize,
    /// Sorted, deduplicated hashes (low 32 bits) of content (non-stop) normal forms.
    content: Vec<u32>,
    /// Sorted, deduplicated hashes (low 32 bits) of anchors.
    anchors: Vec<u32>,
    /// Every unit's hash (stop words too), low 32 bits, in sentence order: the
    /// alignment-based verification compares these.
    seq: Vec<u32>,
}

fn prepare(text: &str) -> Vec<Prepared> {
    let tokens = tokenize(text);
    split_sentences(text, &tokens)
        .iter()
        .map(|s| {
            let us = units(text, &tokens[s.tokens.clone()]);
            let mut content: Vec<u32> = us
                .iter()
                .filter(|u| u.kind != UnitKind::Stop)
                .map(|u| u.hash as u32)
                .collect();
            content.sort_unstable();
            content.dedup();
            let mut anchors: Vec<u32> = us
                .iter()
                .filter(|u| u.kind == UnitKind::Anchor)
                .map(|u| u.hash as u32)
                .collect();
            anchors.sort_unstable();
            anchors.dedup();
            Prepared {
                start: s.start,
                end: s.end,
                content,
                anchors,
                seq: us.iter().map(|u| u.hash as u32).collect(),
            }
        })
        .collect()
}

/// The LSH band keys of a sentence (empty when it is too short to index).
fn band_keys(p: &Prepared) -> Vec<u64> {
    if p.content.len() < MIN_CONTENT {
        return Vec::new();
    }
    // Half the bands over the anchors (what a lexicon spinner cannot touch), half over
    // all content words (what survives a spinner whose synonyms we do not know).
    let (ab, cb) = (BANDS / 2, BANDS / 2);
    let anchors = if p.anchors.len() >= MIN_CONTENT {
        &p.anchors
    } else {
        &p.content
    };
    let mut out = minhash_bands(anchors, ab, 0);
    out.extend(minhash_bands(&p.content, cb, 1000));
    out
}

/// `bands` LSH band keys of MinHash signatures of `set`, `ROWS` rows a band; `salt`
/// keeps the keys of different signatures of one sentence apart.
fn minhash_bands(set: &[u32], bands: usize, salt: u64) -> Vec<u64> {
    let mut mins = vec![u64::MAX; bands * ROWS];
    for &h in set {
        let h = mix(u64::from(h));
        for (i, m) in mins.iter_mut().enumerate() {
            let v = mix(h ^ (i as u64 + 1 + salt * 64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if v < *m {
                *m = v;
            }
        }
    }
    (0..bands)
        .map(|b| {
            let mut k = (b as u64 + 1 + salt).wrapping_mul(0xd6e8_feb8_6659_fd93);
            for r in 0..ROWS {
                k = mix(k ^ mins[b * ROWS + r]);
            }
            k
        })
        .collect()
}

/// Size of the intersection of two sorted slices.
fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Length of the longest common subsequence of two unit sequences (one row of the
/// table at a time).
fn lcs(a: &[u32], b: &[u32]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut row = vec![0u16; b.len() + 1];
    for &x in a {
        let mut diag = 0u16;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    usize::from(row[b.len()])
}

/// How strict a comparison is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Any sentence of the index.
    Alone,
    /// A sentence of an article a neighbouring sentence was traced to.
    Article,
    /// The sentence where a neighbour's run would continue.
    Run,
}

/// How alike two prepared sentences are: `(jaccard, accept score)`; the score is 0 when
/// the pair does not pass at this level.
fn score(q: &Prepared, s: &Prepared, level: Level) -> (f64, f64) {
    let inter = overlap(&q.content, &s.content);
    if inter == 0 && level != Level::Run {
        return (0.0, 0.0);
    }
    let (a, b) = (q.content.len(), s.content.len());
    let jacc = inter as f64 / (a + b - inter).max(1) as f64;
    let by_max = inter as f64 / a.max(b).max(1) as f64;
    let by_query = inter as f64 / a.max(1) as f64;
    let anchor_inter = overlap(&q.anchors, &s.anchors);
    let anchor_cont = if q.anchors.is_empty() {
        0.0
    } else {
        anchor_inter as f64 / q.anchors.len().min(s.anchors.len()).max(1) as f64
    };
    let (n, m) = (q.seq.len(), s.seq.len());
    // The alignment score is only needed where the content words alone may not decide.
    let order = if n.max(m) > 0 && (level == Level::Run || inter >= 2) {
        lcs(&q.seq, &s.seq) as f64 / n.max(m) as f64
    } else {
        0.0
    };
    let pass = match level {
        Level::Run => {
            (a == b && inter == a)
                || (inter >= 2 && (jacc >= 0.2 || by_query >= 0.35))
                || (order >= 0.5 && n.min(m) >= 4)
        }
        Level::Article => {
            (a == b && inter == a) || (inter >= 3 && jacc >= 0.35) || (inter >= 2 && order >= 0.55)
        }
        Level::Alone => {
            inter >= MIN_CONTENT
                && (jacc >= 0.5
                    || (by_max >= 0.55 && inter >= 4)
                    || (by_query >= 0.8 && inter >= 5)
                    || (anchor_cont >= 0.8 && anchor_inter >= 3 && by_max >= 0.4)
                    || (order >= 0.6 && inter >= 3))
        }
    };
    if pass {
        (jacc, jacc + 0.5 * by_max + 0.25 * anchor_cont)
    } else {
        (jacc, 0.0)
    }
}

/// The day of a date (`YYYY-MM-DD` prefix), if it has one.
fn day(date: Option<&str>) -> Option<&str> {
    let d = date?;
    let b = d.as_bytes();
    (b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..4]
            .iter()
            .chain(&b[5..7])
            .chain(&b[8..10])
            .all(u8::is_ascii_digit))
    .then(|| &d[..10])
}

/// May an article dated `src` be the source of one dated `traced`? Same-day sources are
/// allowed (days are all most feeds give); unknown dates never exclude.
fn earlier(src: Option<&str>, traced: Option<&str>) -> bool {
    match (day(src), day(traced)) {
        (Some(s), Some(t)) => s <= t,
        _ => true,
    }
}

/// Entries read per LSH bucket when tracing (the lowest sentence ids, i.e. the first
/// indexed). Buckets grow with the corpus (a band key of three common words is shared by
/// more unrelated sentences the more there are), and a hit in a full one weighs little
/// ([`RARE_BUCKET`]), so reading more of it only costs.
pub const MAX_BUCKET: usize = 256;

/// Bucket size up to which one shared band is evidence enough to read a candidate
/// sentence. A candidate's evidence is the sum over the bands it shares with the traced
/// sentence of `min(1, RARE_BUCKET / entries read from the bucket)`; only candidates
/// with evidence ≥ 1 are read and verified: one in a small bucket, or in several
/// larger ones (half the bands when all are full, which still finds a boilerplate
/// sentence repeated all over the corpus). Random pairs meet in large buckets, whose
/// number grows with the corpus; a copy and its source share a rare band (names,
/// numbers, rare words) or several bands. This keeps the sentences read per traced
/// sentence near-constant as the corpus grows, each one a point read from disk.
pub const RARE_BUCKET: usize = 16;

/// Candidates read per traced sentence at least, when there are that many: fewer than
/// this pass the [`RARE_BUCKET`] evidence rule, the best-evidenced others fill up to it
/// (in a small corpus every candidate is then read, as its buckets are small anyway).
pub const MIN_READS: usize = 32;

/// `prov_meta` key: sentences with a smaller sid have their rows in `prov_band`.
const BANDED: &str = "banded_sid";

/// Sets the `prov_meta` value ?2 of key ?1.
const PUT_META: &str = "INSERT INTO prov_meta (key, value) VALUES (?1, ?2)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value";

/// Sentences buffered by [`Index::add`] before they are written in one transaction.
const FLUSH_SENTENCES: usize = 100_000;

/// The provenance tables, `prov_`-prefixed so that they can live in the corpus database
/// next to the store's own tables.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS prov_meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS prov_article (
    aid    INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    date   TEXT,
    text   TEXT NOT NULL,
    first  INTEGER NOT NULL,  -- sid of its first sentence
    count  INTEGER NOT NULL   -- sentences, sids first .. first + count
);
CREATE INDEX IF NOT EXISTS prov_article_doc ON prov_article(doc_id);
CREATE TABLE IF NOT EXISTS prov_sentence (
    sid     INTEGER PRIMARY KEY,
    aid     INTEGER NOT NULL,
    s_start INTEGER NOT NULL, -- byte offsets in the article's text
    s_end   INTEGER NOT NULL,
    sig     BLOB NOT NULL     -- content, anchor and sequence hashes (see encode)
);
CREATE TABLE IF NOT EXISTS prov_band (
    key INTEGER NOT NULL,     -- LSH band key
    sid INTEGER NOT NULL,
    PRIMARY KEY (key, sid)
) WITHOUT ROWID;
";

/// A sentence's hashes as stored: counts of content and anchor hashes (u16 LE each),
/// then content, anchor and sequence hashes (u32 LE each).
fn encode(p: &Prepared) -> Vec<u8> {
    let mut b = Vec::with_capacity(4 + 4 * (p.content.len() + p.anchors.len() + p.seq.len()));
    // Sentences have far fewer than 65,536 distinct words; cap to keep the layout sound.
    let nc = p.content.len().min(usize::from(u16::MAX));
    let na = p.anchors.len().min(usize::from(u16::MAX));
    b.extend_from_slice(&(nc as u16).to_le_bytes());
    b.extend_from_slice(&(na as u16).to_le_bytes());
    for h in p.content[..nc].iter().chain(&p.anchors[..na]).chain(&p.seq) {
        b.extend_from_slice(&h.to_le_bytes());
    }
    b
}

fn decode(b: &[u8], start: usize, end: usize) -> Result<Prepared, ProvenanceError> {
    let bad = || ProvenanceError::Corrupt("prov_sentence.sig".into());
    if b.len() < 4 || !(b.len() - 4).is_multiple_of(4) {
        return Err(bad());
    }
    let nc = usize::from(u16::from_le_bytes([b[0], b[1]]));
    let na = usize::from(u16::from_le_bytes([b[2], b[3]]));
    let all: Vec<u32> = b[4..]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if nc + na > all.len() {
        return Err(bad());
    }
    Ok(Prepared {
        start,
        end,
        content: all[..nc].to_vec(),
        anchors: all[nc..nc + na].to_vec(),
        seq: all[nc + na..].to_vec(),
    })
}

/// An indexed article's metadata.
#[derive(Debug, Clone)]
struct Meta {
    id: String,
    date: Option<String>,
    first: usize,
    count: usize,
}

/// Rows waiting to be written.
#[derive(Debug, Default)]
struct Pending {
    articles: Vec<(i64, Article, i64, i64)>,
    sentences: Vec<(i64, i64, i64, i64, Vec<u8>)>,
    /// `prov_meta` values set since the last write, written in the same transaction as
    /// the articles added before them.
    meta: Vec<(String, i64)>,
}

/// Collects articles into an in-memory index, then [`IndexBuilder::build`]s it (for a
/// persistent one, [`Index::open`], [`Index::add`] and [`Index::flush`]).
#[derive(Debug)]
pub struct IndexBuilder {
    index: Result<Index, ProvenanceError>,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::new()
    }
}

impl IndexBuilder {
    /// An empty builder of an in-memory index.
    pub fn new() -> IndexBuilder {
        IndexBuilder {
            index: Index::in_memory(),
        }
    }

    /// Adds one article. Errors (of the in-memory database) surface in `build`.
    pub fn add(&mut self, article: Article) {
        if let Ok(ix) = &mut self.index {
            if let Err(e) = ix.add(article) {
                self.index = Err(e);
            }
        }
    }

    /// The searchable index.
    pub fn build(self) -> Result<Index, ProvenanceError> {
        let mut ix = self.index?;
        ix.flush()?;
        Ok(ix)
    }
}

/// Sentences of many articles, searchable by spin-robust similarity, in SQLite tables
/// (`prov_article`, `prov_sentence`, `prov_band`, `prov_meta`): on disk ([`Index::open`],
/// typically the corpus database itself) or in memory ([`Index::in_memory`]). Tracing
/// reads only the LSH buckets of the traced sentences and the candidate sentences, so
/// memory stays bounded (SQLite's page cache, 64 MiB) whatever the corpus size.
#[derive(Debug)]
pub struct Index {
    conn: Connection,
    pending: Pending,
    pending_sentences: usize,
    next_aid: i64,
    next_sid: i64,
}

/// A verified candidate: sentence id, jaccard, rank score.
type Hit = (usize, f64, f64);

/// Per-trace cache of what was read from the tables.
struct View<'a> {
    conn: &'a Connection,
    sentences: HashMap<usize, (u32, std::rc::Rc<Prepared>)>,
    metas: HashMap<u32, std::rc::Rc<Meta>>,
}

impl<'a> View<'a> {
    fn new(conn: &'a Connection) -> View<'a> {
        View {
            conn,
            sentences: HashMap::new(),
            metas: HashMap::new(),
        }
    }

    /// Sentence ids sharing enough band keys with `keys` to be worth reading (see
    /// [`RARE_BUCKET`] and [`MIN_READS`]), sorted, deduplicated.
    fn candidates(&self, keys: &[u64]) -> Result<Vec<usize>, ProvenanceError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT sid FROM prov_band WHERE key = ?1 LIMIT ?2")?;
        // (sid, evidence of this hit), every bucket read.
        let mut hits: Vec<(usize, f64)> = Vec::new();
        for &k in keys {
            let start = hits.len();
            let rows =
                st.query_map(params![k as i64, MAX_BUCKET as i64], |r| r.get::<_, i64>(0))?;
            for r in rows {
                hits.push((r? as usize, 0.0));
            }
            let w = (RARE_BUCKET as f64 / (hits.len() - start) as f64).min(1.0);
            for h in &mut hits[start..] {
                h.1 = w;
            }
        }
        hits.sort_unstable_by_key(|h| h.0);
        let mut out = Vec::new();
        let mut weak: Vec<(f64, usize)> = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let sid = hits[i].0;
            let mut evidence = 0.0;
            while i < hits.len() && hits[i].0 == sid {
                evidence += hits[i].1;
                i += 1;
            }
            // A little slack for float sums such as 16 × (16 / 256).
            if evidence >= 1.0 - 1e-9 {
                out.push(sid);
            } else {
                weak.push((evidence, sid));
            }
        }
        if out.len() < MIN_READS {
            let fill = MIN_READS - out.len();
            if weak.len() > fill {
                weak.select_nth_unstable_by(fill - 1, |x, y| {
                    y.0.total_cmp(&x.0).then(x.1.cmp(&y.1))
                });
                weak.truncate(fill);
            }
            out.extend(weak.iter().map(|w| w.1));
            out.sort_unstable();
        }
        Ok(out)
    }

    fn sentence(&mut self, sid: usize) -> Result<(u32, std::rc::Rc<Prepared>), ProvenanceError> {
        if let Some((a, p)) = self.sentences.get(&sid) {
            return Ok((*a, p.clone()));
        }
        let mut st = self
            .conn
            .prepare_cached("SELECT aid, s_start, s_end, sig FROM prov_sentence WHERE sid = ?1")?;
        let (a, start, end, sig) = st.query_row([sid as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        let p = std::rc::Rc::new(decode(&sig, start as usize, end as usize)?);
        self.sentences.insert(sid, (a as u32, p.clone()));
        Ok((a as u32, p))
    }

    /// Reads the sentences `first .. first + count` into the cache at once.
    fn load_range(&mut self, first: usize, count: usize) -> Result<(), ProvenanceError> {
        if (first..first + count).all(|s| self.sentences.contains_key(&s)) {
            return Ok(());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT sid, aid, s_start, s_end, sig FROM prov_sentence WHERE sid >= ?1 AND sid < ?2",
        )?;
        let rows = st.query_map(params![first as i64, (first + count) as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })?;
        for r in rows {
            let (sid, a, start, end, sig) = r?;
            let p = decode(&sig, start as usize, end as usize)?;
            self.sentences
                .insert(sid as usize, (a as u32, std::rc::Rc::new(p)));
        }
        Ok(())
    }

    fn meta(&mut self, aid: u32) -> Result<std::rc::Rc<Meta>, ProvenanceError> {
        if let Some(m) = self.metas.get(&aid) {
            return Ok(m.clone());
        }
        let mut st = self
            .conn
            .prepare_cached("SELECT doc_id, date, first, count FROM prov_article WHERE aid = ?1")?;
        let m = st.query_row([i64::from(aid)], |r| {
            Ok(Meta {
                id: r.get(0)?,
                date: r.get(1)?,
                first: r.get::<_, i64>(2)? as usize,
                count: r.get::<_, i64>(3)? as usize,
            })
        })?;
        let m = std::rc::Rc::new(m);
        self.metas.insert(aid, m.clone());
        Ok(m)
    }

    fn date_of(&mut self, sid: usize) -> Result<Option<String>, ProvenanceError> {
        let (a, _) = self.sentence(sid)?;
        Ok(self.meta(a)?.date.clone())
    }

    /// Picks the best hit: highest score, then (within 0.02) earliest date, then order.
    fn best(&mut self, hits: &[Hit]) -> Result<Option<Hit>, ProvenanceError> {
        let top = hits.iter().map(|h| h.2).fold(0.0f64, f64::max);
        let mut near: Vec<(Option<String>, Hit)> = Vec::new();
        for h in hits.iter().filter(|h| h.2 >= top - 0.02 && h.2 > 0.0) {
            near.push((self.date_of(h.0)?, *h));
        }
        Ok(near
            .into_iter()
            .min_by(|(dx, x), (dy, y)| {
                let dates = match (day(dx.as_deref()), day(dy.as_deref())) {
                    (Some(a), Some(b)) => a.cmp(b),
                    _ => std::cmp::Ordering::Equal,
                };
                dates.then(y.2.total_cmp(&x.2)).then(x.0.cmp(&y.0))
            })
            .map(|(_, h)| h))
    }
}

impl Index {
    /// Opens (creating its tables if need be) the index in the SQLite database at
    /// `path`: the corpus database (`whosaid ingest`) or a file of its own.
    pub fn open(path: impl AsRef<Path>) -> Result<Index, ProvenanceError> {
        Index::with(Connection::open(path)?)
    }

    /// A new, empty index in memory.
    pub fn in_memory() -> Result<Index, ProvenanceError> {
        Index::with(Connection::open_in_memory()?)
    }

    fn with(conn: Connection) -> Result<Index, ProvenanceError> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=FILE;",
        )?;
        conn.execute_batch(SCHEMA)?;
        let (next_aid, next_sid) = conn.query_row(
            "SELECT (SELECT coalesce(max(aid) + 1, 0) FROM prov_article),
                    (SELECT coalesce(max(sid) + 1, 0) FROM prov_sentence)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut index = Index {
            conn,
            pending: Pending::default(),
            pending_sentences: 0,
            next_aid,
            next_sid,
        };
        if index.meta(BANDED)?.is_none() {
            // An index written before the watermark existed has the bands of all its
            // sentences.
            index.set_meta(BANDED, next_sid)?;
        }
        // Sentences stored by a load that stopped before its flush (a crash, `kill -9`).
        index.add_bands()?;
        Ok(index)
    }

    /// Adds one article. Rows are buffered and written in batches; [`Index::flush`]
    /// writes the rest and makes them searchable (traces see flushed articles only).
    pub fn add(&mut self, article: Article) -> Result<(), ProvenanceError> {
        // Written before, not after, the new article: a value set after an article (see
        // [`Index::set_meta`]) then lands in the same transaction as the article.
        if self.pending_sentences >= FLUSH_SENTENCES {
            self.stage()?;
        }
        let aid = self.next_aid;
        self.next_aid += 1;
        let first = self.next_sid;
        for p in prepare(&article.text) {
            let sid = self.next_sid;
            self.next_sid += 1;
            self.pending
                .sentences
                .push((sid, aid, p.start as i64, p.end as i64, encode(&p)));
            self.pending_sentences += 1;
        }
        let count = self.next_sid - first;
        self.pending.articles.push((aid, article, first, count));
        Ok(())
    }

    /// Writes the buffered articles and adds their band rows to the band index, so that
    /// traces see everything added so far.
    pub fn flush(&mut self) -> Result<(), ProvenanceError> {
        self.stage()?;
        self.add_bands()
    }

    /// Writes the buffered articles and sentences (and `prov_meta` values) in one
    /// transaction; their band rows are left to [`Index::add_bands`].
    fn stage(&mut self) -> Result<(), ProvenanceError> {
        let p = std::mem::take(&mut self.pending);
        self.pending_sentences = 0;
        if p.articles.is_empty() && p.meta.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare_cached(PUT_META)?;
            for (k, v) in &p.meta {
                st.execute(params![k, v])?;
            }
            let mut st = tx.prepare_cached(
                "INSERT INTO prov_article (aid, doc_id, date, text, first, count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (aid, a, first, count) in &p.articles {
                st.execute(params![aid, a.id, a.date, a.text, first, count])?;
            }
            let mut st = tx.prepare_cached(
                "INSERT INTO prov_sentence (sid, aid, s_start, s_end, sig) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (sid, aid, start, end, sig) in &p.sentences {
                st.execute(params![sid, aid, start, end, sig])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds the band rows of every stored sentence not yet in `prov_band` (sids from the
    /// [`BANDED`] watermark on), in one transaction: their keys, recomputed from the
    /// stored hashes, go to a temporary table (on disk, see `temp_store`), then into
    /// `prov_band` sorted. Why not at each batch: `prov_band` is a B-tree keyed by random
    /// hashes, so a batch of 100k sentences (3.2M rows) written into it touches nearly
    /// every page, and indexing cost grew with the square of the corpus (10M sentences
    /// wrote 524 GB); sorted, one bulk load is one sequential pass over the B-tree. A load
    /// stopped before this (a crash, `kill -9`) is finished when the index is next opened.
    fn add_bands(&mut self) -> Result<(), ProvenanceError> {
        let from = self.meta(BANDED)?.unwrap_or(0);
        let to = self.next_sid;
        if from >= to {
            return Ok(());
        }
        // Emptied in the transaction below, which also rolls its rows back on an error.
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS prov_band_new (key INTEGER NOT NULL, sid INTEGER NOT NULL);",
        )?;
        let tx = self.conn.transaction()?;
        {
            let mut read = tx.prepare(
                "SELECT sid, s_start, s_end, sig FROM prov_sentence WHERE sid >= ?1 AND sid < ?2",
            )?;
            let mut put =
                tx.prepare("INSERT INTO temp.prov_band_new (key, sid) VALUES (?1, ?2)")?;
            let mut rows = read.query(params![from, to])?;
            while let Some(r) = rows.next()? {
                let sid: i64 = r.get(0)?;
                let (start, end): (i64, i64) = (r.get(1)?, r.get(2)?);
                let sig = r.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
                let p = decode(sig, start as usize, end as usize)?;
                for k in band_keys(&p) {
                    put.execute(params![k as i64, sid])?;
                }
            }
            tx.execute(
                "INSERT OR IGNORE INTO prov_band (key, sid)
                 SELECT key, sid FROM temp.prov_band_new ORDER BY key, sid",
                [],
            )?;
            tx.execute(PUT_META, params![BANDED, to])?;
            tx.execute("DELETE FROM temp.prov_band_new", [])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A value kept in the index's `prov_meta` table (e.g. how far a corpus was synced).
    pub fn meta(&self, key: &str) -> Result<Option<i64>, ProvenanceError> {
        if let Some((_, v)) = self.pending.meta.iter().rev().find(|(k, _)| k == key) {
            return Ok(Some(*v));
        }
        Ok(self
            .conn
            .query_row("SELECT value FROM prov_meta WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a `prov_meta` value. It is written with the articles added before it, in one
    /// transaction, so that a sync watermark set after each article never runs ahead of
    /// (or behind) what is stored, whenever the process stops.
    pub fn set_meta(&mut self, key: &str, value: i64) -> Result<(), ProvenanceError> {
        self.pending.meta.retain(|(k, _)| k != key);
        self.pending.meta.push((key.to_string(), value));
        if self.pending.articles.is_empty() {
            self.stage()?;
        }
        Ok(())
    }

    /// Articles indexed (flushed).
    pub fn len(&self) -> Result<usize, ProvenanceError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM prov_article", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> Result<bool, ProvenanceError> {
        Ok(self.len()? == 0)
    }

    /// Sentences indexed (flushed).
    pub fn sentence_count(&self) -> Result<usize, ProvenanceError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM prov_sentence", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Bytes of the database file the index lives in (pages in use × page size; all its
    /// tables, the store's too when it shares the corpus database).
    pub fn db_bytes(&self) -> Result<u64, ProvenanceError> {
        let (n, size): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT page_count FROM pragma_page_count())
                    - (SELECT freelist_count FROM pragma_freelist_count()),
                    (SELECT page_size FROM pragma_page_size())",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((n * size) as u64)
    }

    /// The ids of the indexed articles, in the order they were added.
    pub fn ids(&self) -> Result<Vec<String>, ProvenanceError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc_id FROM prov_article ORDER BY aid")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored article with this id (the last added, if several have it).
    pub fn article(&self, id: &str) -> Result<Article, ProvenanceError> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc_id, date, text FROM prov_article WHERE doc_id = ?1 ORDER BY aid DESC LIMIT 1",
        )?;
        st.query_row([id], |r| {
            Ok(Article {
                id: r.get(0)?,
                date: r.get(1)?,
                text: r.get(2)?,
            })
        })
        .optional()?
        .ok_or_else(|| ProvenanceError::UnknownId(id.to_string()))
    }

    /// Traces an article: for each sentence, the earlier sentence of another indexed
    /// article it copies or rewrites. An indexed article with the same id is never its
    /// own source; dated sources must not be later than a dated article.
    pub fn trace(&self, article: &Article) -> Result<Trace, ProvenanceError> {
        let date = article.date.as_deref();
        self.trace_with(article, &|m: &Meta| {
            m.id != article.id && earlier(m.date.as_deref(), date)
        })
    }

    /// Traces a stored article against every other one, whatever the dates (for story
    /// clusters).
    pub fn trace_stored(&self, id: &str) -> Result<Trace, ProvenanceError> {
        let a = self.article(id)?;
        self.trace_with(&a, &|m: &Meta| m.id != a.id)
    }

    fn trace_with(
        &self,
        article: &Article,
        allow: &dyn Fn(&Meta) -> bool,
    ) -> Result<Trace, ProvenanceError> {
        let text = &article.text;
        let map = CharMap::new(text);
        let prepared = prepare(text);
        let mut v = View::new(&self.conn);
        let mut allowed: HashMap<u32, bool> = HashMap::new();
        let mut ok = |v: &mut View, a: u32| -> Result<bool, ProvenanceError> {
            if let Some(&b) = allowed.get(&a) {
                return Ok(b);
            }
            let b = allow(v.meta(a)?.as_ref());
            allowed.insert(a, b);
            Ok(b)
        };
        // Pass 1: each sentence on its own.
        let mut found: Vec<Option<Hit>> = Vec::with_capacity(prepared.len());
        for p in &prepared {
            if p.content.len() < MIN_CONTENT {
                found.push(None);
                continue;
            }
            let mut hits: Vec<Hit> = Vec::new();
            for s in v.candidates(&band_keys(p))? {
                let (a, sp) = v.sentence(s)?;
                // Verify first: it needs only the sentence, the article check a read.
                let (j, sc) = score(p, &sp, Level::Alone);
                if sc > 0.0 && ok(&mut v, a)? {
                    hits.push((s, j, sc));
                }
            }
            found.push(v.best(&hits)?);
        }
        // Pass 2: context. Stitched copies take runs of sentences: an unmatched sentence
        // next to one traced to sentence k of an article is compared, loosely, with the
        // sentences around k + offset there, and with the rest of that article under a
        // middle threshold; repeated so that runs propagate.
        for _round in 0..4 {
            let mut changed_any = false;
            for i in 0..prepared.len() {
                if found[i].is_some() || prepared[i].seq.is_empty() {
                    continue;
                }
                let mut hits: Vec<Hit> = Vec::new();
                let mut seen: Vec<u32> = Vec::new();
                for j in [i.wrapping_sub(1), i + 1, i.wrapping_sub(2), i + 2] {
                    let Some(Some(h)) = found.get(j) else {
                        continue;
                    };
                    let (a, _) = v.sentence(h.0)?;
                    let m = v.meta(a)?;
                    let range = m.first..m.first + m.count;
                    v.load_range(m.first, m.count)?;
                    // Where sentence i would be if the run continued.
                    let expect = h.0 as i64 + i as i64 - j as i64;
                    for s in (expect - 1)..=(expect + 1) {
                        if s >= 0 && range.contains(&(s as usize)) {
                            let (_, sp) = v.sentence(s as usize)?;
                            let (jc, sc) = score(&prepared[i], &sp, Level::Run);
                            if sc > 0.0 {
                                hits.push((s as usize, jc, sc + 1.0));
                            }
                        }
                    }
                    if !seen.contains(&a) {
                        seen.push(a);
                        for s in range {
                            let (_, sp) = v.sentence(s)?;
                            let (jc, sc) = score(&prepared[i], &sp, Level::Article);
                            if sc > 0.0 {
                                hits.push((s, jc, sc));
                            }
                        }
                    }
                }
                if let Some(h) = v.best(&hits)? {
                    found[i] = Some(h);
                    changed_any = true;
                }
            }
            if !changed_any {
                break;
            }
        }
        let mut counted = 0usize;
        let mut copied = 0usize;
        let mut use_count: Vec<(u32, usize, usize)> = Vec::new();
        let mut texts: HashMap<u32, (String, CharMap)> = HashMap::new();
        let mut sentences = Vec::with_capacity(prepared.len());
        for (n, (p, hit)) in prepared.iter().zip(&found).enumerate() {
            if !p.content.is_empty() {
                counted += 1;
            }
            let source = match *hit {
                None => None,
                Some((s, jacc, _)) => {
                    copied += 1;
                    let (a, sp) = v.sentence(s)?;
                    match use_count.iter_mut().find(|u| u.0 == a) {
                        Some(u) => u.1 += 1,
                        None => use_count.push((a, 1, n)),
                    }
                    let m = v.meta(a)?;
                    let (src_text, src_map) = match texts.entry(a) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let t: String = self.conn.query_row(
                                "SELECT text FROM prov_article WHERE aid = ?1",
                                [i64::from(a)],
                                |r| r.get(0),
                            )?;
                            let cm = CharMap::new(&t);
                            e.insert((t, cm))
                        }
                    };
                    let (src_text, src_map) = (&*src_text, &*src_map);
                    if sp.end > src_text.len()
                        || !src_text.is_char_boundary(sp.start)
                        || !src_text.is_char_boundary(sp.end)
                    {
                        return Err(ProvenanceError::Corrupt("prov_sentence offsets".into()));
                    }
                    Some(SourceMatch {
                        id: m.id.clone(),
                        text: src_text[sp.start..sp.end].to_string(),
                        char_start: src_map.char_offset(sp.start),
                        char_end: src_map.char_offset(sp.end),
                        date: m.date.clone(),
                        similarity: (jacc * 1000.0).round() / 1000.0,
                        changed: changed(src_text, sp.start, sp.end, text, p.start, p.end),
                    })
                }
            };
            sentences.push(TracedSentence {
                text: text[p.start..p.end].to_string(),
                start: p.start,
                end: p.end,
                char_start: map.char_offset(p.start),
                char_end: map.char_offset(p.end),
                source,
            });
        }
        use_count.sort_by(|x, y| y.1.cmp(&x.1).then(x.2.cmp(&y.2)));
        let originality = if counted == 0 {
            1.0
        } else {
            let orig = counted.saturating_sub(copied) as f64 / counted as f64;
            (orig * 1000.0).round() / 1000.0
        };
        let mut sources = Vec::with_capacity(use_count.len());
        for u in use_count {
            sources.push(v.meta(u.0)?.id.clone());
        }
        Ok(Trace {
            id: article.id.clone(),
            originality,
            sources,
            sentences,
        })
    }
}
fn sentence_units(text: &str, start: usize, end: usize) -> Vec<Unit> {
    let tokens = tokenize(&text[start..end]);
    let mut us = units(&text[start..end], &tokens);
    for u in &mut us {
        u.start += start;
        u.end += start;
    }
    us
}

/// A run of changed units: ranges in the source and in the copy.
type Run = (Option<(usize, usize)>, Option<(usize, usize)>);

/// The changed words between a source sentence and its copy: LCS of normal forms, then
/// each run of unaligned or differently written units becomes one `[from, to]` pair
/// (pairs with an empty side and case-only changes are left out).
pub fn changed(
    src: &str,
    s_start: usize,
    s_end: usize,
    dst: &str,
    d_start: usize,
    d_end: usize,
) -> Vec<[String; 2]> {
    let a = sentence_units(src, s_start, s_end);
    let b = sentence_units(dst, d_start, d_end);
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || n * m > 250_000 {
        return Vec::new();
    }
    // LCS table from the end.
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if a[i].hash == b[j].hash {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let mut out = Vec::new();
    // Current run of changes: unit ranges in a and b.
    let mut run: Run = (None, None);
    let extend = |r: &mut Option<(usize, usize)>, k: usize| {
        *r = Some(match *r {
            Some((s, _)) => (s, k),
            None => (k, k),
        })
    };
    let flush = |run: &mut Run, out: &mut Vec<[String; 2]>| {
        if let (Some((x0, x1)), Some((y0, y1))) = *run {
            let from = &src[a[x0].start..a[x1].end];
            let to = &dst[b[y0].start..b[y1].end];
            if from.to_lowercase() != to.to_lowercase() {
                out.push([from.to_string(), to.to_string()]);
            }
        }
        *run = (None, None);
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i].hash == b[j].hash {
            let same = src[a[i].start..a[i].end].to_lowercase()
                == dst[b[j].start..b[j].end].to_lowercase();
            if same {
                flush(&mut run, &mut out);
            } else {
                extend(&mut run.0, i);
                extend(&mut run.1, j);
            }
            i += 1;
            j += 1;
        } else if j < m && (i == n || t[i * (m + 1) + j + 1] >= t[(i + 1) * (m + 1) + j]) {
            extend(&mut run.1, j);
            j += 1;
        } else {
            extend(&mut run.0, i);
            i += 1;
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Article groups sharing sentences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// The first article: earliest date, else first added.
    pub first: String,
    /// Its date.
    pub date: Option<String>,
    /// Number of articles.
    pub size: usize,
    /// The articles, first first.
    pub articles: Vec<String>,
}

/// Groups the indexed articles that share at least `min_shared` sentences (each match
/// with similarity ≥ `min_similarity`) by union-find; groups of two or more, largest
/// first. Reads the articles one at a time; holds their ids and dates.
pub fn stories(
    index: &Index,
    min_shared: usize,
    min_similarity: f64,
) -> Result<Vec<Story>, ProvenanceError> {
    let mut all: Vec<(String, Option<String>)> = Vec::new();
    let mut aids: Vec<i64> = Vec::new();
    {
        let mut st = index
            .conn
            .prepare("SELECT aid, doc_id, date FROM prov_article ORDER BY aid")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for r in rows {
            let (aid, id, date) = r?;
            aids.push(aid);
            all.push((id, date));
        }
    }
    let n = all.len();
    // The last article with an id stands for it, as in `Index::article`.
    let by_id: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let mut st = index
        .conn
        .prepare("SELECT doc_id, date, text FROM prov_article WHERE aid = ?1")?;
    for (a, &aid) in aids.iter().enumerate() {
        let art = st.query_row([aid], |r| {
            Ok(Article {
                id: r.get(0)?,
                date: r.get(1)?,
                text: r.get(2)?,
            })
        })?;
        let t = index.trace_with(&art, &|m: &Meta| m.id != art.id)?;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in t.sentences.iter().filter_map(|s| s.source.as_ref()) {
            if s.similarity >= min_similarity {
                *counts.entry(s.id.as_str()).or_default() += 1;
            }
        }
        for (id, c) in counts {
            if c >= min_shared.max(1) {
                if let Some(&b) = by_id.get(id) {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    if ra != rb {
                        parent[ra.max(rb)] = ra.min(rb);
                    }
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for a in 0..n {
        let r = find(&mut parent, a);
        groups.entry(r).or_default().push(a);
    }
    let mut out: Vec<Story> = groups
        .into_values()
        .filter(|g| g.len() >= 2)
        .map(|mut g| {
            g.sort_by(|&x, &y| {
                match (day(all[x].1.as_deref()), day(all[y].1.as_deref())) {
                    (Some(a), Some(b)) => a.cmp(b),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
                .then(x.cmp(&y))
            });
            Story {
                first: all[g[0]].0.clone(),
                date: all[g[0]].1.clone(),
                size: g.len(),
                articles: g.iter().map(|&x| all[x].0.clone()).collect(),
            }
        })
        .collect();
    out.sort_by(|x, y| y.size.cmp(&x.size).then(x.first.cmp(&y.first)));
    Ok(out)
}
#[cfg(test)]
mod tests;
