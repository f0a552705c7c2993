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
//!    not know (and which hits anchors too) still leaves a band intact.
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
//! The index lives in memory. Nothing here does I/O.
//!
//! ```
//! use whosaid_provenance::{Article, IndexBuilder};
//! let mut b = IndexBuilder::new();
//! b.add(Article::new("src", "The deal was suspended after U.S. missile strikes.").with_date("2017-04-07"));
//! let index = b.build();
//! let copy = Article::new("copy", "The deal was suspended after USA missile strikes.").with_date("2017-04-12");
//! let t = index.trace(&copy);
//! let s = t.sentences[0].source.as_ref().expect("traced");
//! assert_eq!(s.id, "src");
//! assert_eq!(s.changed, [["U.S.".to_string(), "USA".to_string()]]);
//! assert_eq!(t.originality, 0.0);
//! ```

#![warn(missing_docs)]

pub mod spin;

use serde::Serialize;
use spin::{mix, units, Unit, UnitKind};
use std::collections::HashMap;
use thiserror::Error;
use whosaid_core::text::{split_sentences, tokenize};
use whosaid_core::CharMap;

/// MinHash bands.
pub const BANDS: usize = 24;
/// Rows (hash functions) per band.
pub const ROWS: usize = 2;
/// Content words a sentence needs to be indexed and traced on its own.
pub const MIN_CONTENT: usize = 3;

/// What can go wrong.
#[derive(Debug, Error)]
pub enum ProvenanceError {
    /// An article id asked for is not in the index.
    #[error("no article with id {0:?} in the index")]
    UnknownId(String),
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
    /// Sorted, deduplicated hashes of content (non-stop) normal forms.
    content: Vec<u64>,
    /// Sorted, deduplicated hashes of anchors.
    anchors: Vec<u64>,
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
            let mut content: Vec<u64> = us
                .iter()
                .filter(|u| u.kind != UnitKind::Stop)
                .map(|u| u.hash)
                .collect();
            content.sort_unstable();
            content.dedup();
            let mut anchors: Vec<u64> = us
                .iter()
                .filter(|u| u.kind == UnitKind::Anchor)
                .map(|u| u.hash)
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
fn minhash_bands(set: &[u64], bands: usize, salt: u64) -> Vec<u64> {
    let mut mins = vec![u64::MAX; bands * ROWS];
    for &h in set {
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
fn overlap(a: &[u64], b: &[u64]) -> usize {
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

#[derive(Debug)]
struct Stored {
    article: Article,
    map: CharMap,
    first: usize,
    count: usize,
}

/// Collects articles, then [`IndexBuilder::build`]s the [`Index`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    articles: Vec<Stored>,
    sentences: Vec<(u32, Prepared)>,
    bands: Vec<(u64, u32)>,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder::default()
    }

    /// Adds one article.
    pub fn add(&mut self, article: Article) {
        let a = self.articles.len() as u32;
        let prepared = prepare(&article.text);
        let first = self.sentences.len();
        for p in prepared {
            let s = self.sentences.len() as u32;
            for k in band_keys(&p) {
                self.bands.push((k, s));
            }
            self.sentences.push((a, p));
        }
        self.articles.push(Stored {
            map: CharMap::new(&article.text),
            first,
            count: self.sentences.len() - first,
            article,
        });
    }

    /// The searchable index.
    pub fn build(mut self) -> Index {
        self.bands.sort_unstable();
        let (keys, ids) = self.bands.into_iter().unzip();
        let by_id = self
            .articles
            .iter()
            .enumerate()
            .map(|(i, s)| (s.article.id.clone(), i))
            .collect();
        Index {
            articles: self.articles,
            sentences: self.sentences,
            keys,
            ids,
            by_id,
        }
    }
}

/// Sentences of many articles, searchable by spin-robust similarity. In memory.
#[derive(Debug)]
pub struct Index {
    articles: Vec<Stored>,
    sentences: Vec<(u32, Prepared)>,
    keys: Vec<u64>,
    ids: Vec<u32>,
    by_id: HashMap<String, usize>,
}

/// A verified candidate: sentence index, jaccard, rank score.
type Hit = (usize, f64, f64);

impl Index {
    /// Articles indexed.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// Sentences indexed.
    pub fn sentence_count(&self) -> usize {
        self.sentences.len()
    }

    /// Approximate heap bytes held (texts, sentence sets, LSH table).
    pub fn heap_bytes(&self) -> usize {
        let texts: usize = self
            .articles
            .iter()
            .map(|s| s.article.text.len() + s.article.id.len() + 64)
            .sum();
        let sents: usize = self
            .sentences
            .iter()
            .map(|(_, p)| 64 + 8 * (p.content.len() + p.anchors.len()))
            .sum();
        texts + sents + self.keys.len() * 12 + self.by_id.len() * 48
    }

    /// The ids of the indexed articles, in the order they were added.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.articles.iter().map(|s| s.article.id.as_str())
    }

    /// The stored article with this id.
    pub fn article(&self, id: &str) -> Result<&Article, ProvenanceError> {
        self.by_id
            .get(id)
            .map(|&i| &self.articles[i].article)
            .ok_or_else(|| ProvenanceError::UnknownId(id.to_string()))
    }

    /// Traces an article: for each sentence, the earlier sentence of another indexed
    /// article it copies or rewrites. An indexed article with the same id is never its
    /// own source; dated sources must not be later than a dated article.
    pub fn trace(&self, article: &Article) -> Trace {
        let date = article.date.as_deref();
        self.trace_with(article, &|a: &Article| {
            a.id != article.id && earlier(a.date.as_deref(), date)
        })
    }

    /// Traces a stored article against every other one, whatever the dates (for story
    /// clusters).
    pub fn trace_stored(&self, id: &str) -> Result<Trace, ProvenanceError> {
        let a = self.article(id)?;
        Ok(self.trace_with(a, &|b: &Article| b.id != a.id))
    }

    fn candidates(&self, p: &Prepared) -> Vec<usize> {
        let mut out = Vec::new();
        for k in band_keys(p) {
            let lo = self.keys.partition_point(|&x| x < k);
            let hi = lo + self.keys[lo..].partition_point(|&x| x == k);
            out.extend(self.ids[lo..hi].iter().map(|&i| i as usize));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Picks the best hit: highest score, then (within 0.02) earliest date, then order.
    fn best(&self, hits: &[Hit]) -> Option<Hit> {
        let top = hits.iter().map(|h| h.2).fold(0.0f64, f64::max);
        hits.iter()
            .filter(|h| h.2 >= top - 0.02 && h.2 > 0.0)
            .min_by(|x, y| {
                let dx = day(self.date_of(x.0));
                let dy = day(self.date_of(y.0));
                let dates = match (dx, dy) {
                    (Some(a), Some(b)) => a.cmp(b),
                    _ => std::cmp::Ordering::Equal,
                };
                dates.then(y.2.total_cmp(&x.2)).then(x.0.cmp(&y.0))
            })
            .copied()
    }

    fn date_of(&self, sentence: usize) -> Option<&str> {
        let a = self.sentences[sentence].0 as usize;
        self.articles[a].article.date.as_deref()
    }

    fn trace_with(&self, article: &Article, allow: &dyn Fn(&Article) -> bool) -> Trace {
        let text = &article.text;
        let map = CharMap::new(text);
        let prepared = prepare(text);
        let mut allowed: HashMap<u32, bool> = HashMap::new();
        let mut ok = |a: u32| -> bool {
            *allowed
                .entry(a)
                .or_insert_with(|| allow(&self.articles[a as usize].article))
        };
        // Pass 1: each sentence on its own.
        let mut found: Vec<Option<Hit>> = prepared
            .iter()
            .map(|p| {
                if p.content.len() < MIN_CONTENT {
                    return None;
                }
                let hits: Vec<Hit> = self
                    .candidates(p)
                    .into_iter()
                    .filter(|&s| ok(self.sentences[s].0))
                    .filter_map(|s| {
                        let (j, sc) = score(p, &self.sentences[s].1, Level::Alone);
                        (sc > 0.0).then_some((s, j, sc))
                    })
                    .collect();
                self.best(&hits)
            })
            .collect();
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
                    let a = self.sentences[h.0].0;
                    let st = &self.articles[a as usize];
                    let range = st.first..st.first + st.count;
                    // Where sentence i would be if the run continued.
                    let expect = h.0 as i64 + i as i64 - j as i64;
                    for s in (expect - 1)..=(expect + 1) {
                        if s >= 0 && range.contains(&(s as usize)) {
                            let (jc, sc) =
                                score(&prepared[i], &self.sentences[s as usize].1, Level::Run);
                            if sc > 0.0 {
                                hits.push((s as usize, jc, sc + 1.0));
                            }
                        }
                    }
                    if !seen.contains(&a) {
                        seen.push(a);
                        for s in range {
                            let (jc, sc) =
                                score(&prepared[i], &self.sentences[s].1, Level::Article);
                            if sc > 0.0 {
                                hits.push((s, jc, sc));
                            }
                        }
                    }
                }
                if let Some(h) = self.best(&hits) {
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
        let sentences = prepared
            .iter()
            .zip(&found)
            .enumerate()
            .map(|(n, (p, hit))| {
                if !p.content.is_empty() {
                    counted += 1;
                }
                let source = hit.map(|(s, jacc, _)| {
                    copied += 1;
                    let (a, sp) = &self.sentences[s];
                    match use_count.iter_mut().find(|u| u.0 == *a) {
                        Some(u) => u.1 += 1,
                        None => use_count.push((*a, 1, n)),
                    }
                    let st = &self.articles[*a as usize];
                    let src_text = &st.article.text;
                    SourceMatch {
                        id: st.article.id.clone(),
                        text: src_text[sp.start..sp.end].to_string(),
                        char_start: st.map.char_offset(sp.start),
                        char_end: st.map.char_offset(sp.end),
                        date: st.article.date.clone(),
                        similarity: (jacc * 1000.0).round() / 1000.0,
                        changed: changed(src_text, sp.start, sp.end, text, p.start, p.end),
                    }
                });
                TracedSentence {
                    text: text[p.start..p.end].to_string(),
                    start: p.start,
                    end: p.end,
                    char_start: map.char_offset(p.start),
                    char_end: map.char_offset(p.end),
                    source,
                }
            })
            .collect();
        use_count.sort_by(|x, y| y.1.cmp(&x.1).then(x.2.cmp(&y.2)));
        let originality = if counted == 0 {
            1.0
        } else {
            let orig = counted.saturating_sub(copied) as f64 / counted as f64;
            (orig * 1000.0).round() / 1000.0
        };
        Trace {
            id: article.id.clone(),
            originality,
            sources: use_count
                .into_iter()
                .map(|u| self.articles[u.0 as usize].article.id.clone())
                .collect(),
            sentences,
        }
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
/// first.
pub fn stories(index: &Index, min_shared: usize, min_similarity: f64) -> Vec<Story> {
    let n = index.articles.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for a in 0..n {
        let st = &index.articles[a];
        let t = index.trace_with(&st.article, &|b: &Article| b.id != st.article.id);
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in t.sentences.iter().filter_map(|s| s.source.as_ref()) {
            if s.similarity >= min_similarity {
                *counts.entry(s.id.as_str()).or_default() += 1;
            }
        }
        for (id, c) in counts {
            if c >= min_shared.max(1) {
                if let Some(&b) = index.by_id.get(id) {
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
                let dx = day(index.articles[x].article.date.as_deref());
                let dy = day(index.articles[y].article.date.as_deref());
                match (dx, dy) {
                    (Some(a), Some(b)) => a.cmp(b),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
                .then(x.cmp(&y))
            });
            let first = &index.articles[g[0]].article;
            Story {
                first: first.id.clone(),
                date: first.date.clone(),
                size: g.len(),
                articles: g
                    .iter()
                    .map(|&x| index.articles[x].article.id.clone())
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|x, y| y.size.cmp(&x.size).then(x.first.cmp(&y.first)));
    out
}

#[cfg(test)]
mod tests;
