//! Evaluation of sentence-source recovery on spun, stitched copies of PolNeAR articles.
//!
//! ```sh
//! cargo run --release -p whosaid-provenance --example spin_eval -- \
//!     /work/shared/eval-data/polnear/train/text [--copies 200]
//! ```
//!
//! PolNeAR train articles are split: 90% are indexed, 10% held out as originals (the
//! negatives). Each stitched copy draws runs of 2–5 sentences from 3–5 indexed articles,
//! spins a share of its words (10/20/30%), and gets a photo caption and a byline pasted
//! in. Two spinners: `lexicon` swaps words within the crate's own spin groups and
//! country names for variants ("Russia" → "Russian Federation"); `unknown` swaps content
//! words for random corpus words no lexicon relates (a stand-in for an unseen spinner);
//! `unk+edit` does the same and then edits each sentence as other spinners do (swaps two
//! adjacent words, drops a function word, inserts a filler adverb, changes punctuation
//! and quote marks).
//! Reported: sentence-source precision/recall over the stitched copies (a source is
//! right when it is the drawn article, or the same sentence text in another article; a
//! source given to the caption or byline is wrong); sentences of held-out originals given
//! a source are counted apart, as PolNeAR holds real cross-outlet duplicates and stitched-article
//! detection precision/recall (stitched = at least 2 sources and originality ≤ 0.5),
//! plus index and query times (in-memory database; `prov_scale` times on-disk corpora).

use std::collections::HashSet;
use std::time::Instant;
use whosaid_core::text::{split_sentences, tokenize, TokenKind};
use whosaid_provenance::spin::{is_stop, spin_groups};
use whosaid_provenance::{Article, Index, IndexBuilder};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
}

const ENTITY_SPINS: &[(&str, &str)] = &[
    ("Russia", "Russian Federation"),
    ("U.S.", "USA"),
    ("US", "United States"),
    ("United States", "U.S.A."),
    ("Britain", "United Kingdom"),
    ("China", "People's Republic of China"),
    ("Iran", "Islamic Republic of Iran"),
];

#[derive(Clone, Copy, PartialEq)]
enum Spinner {
    Lexicon,
    Unknown,
    Edits,
}

impl Spinner {
    fn name(self) -> &'static str {
        match self {
            Spinner::Lexicon => "lexicon",
            Spinner::Unknown => "unknown",
            Spinner::Edits => "unk+edit",
        }
    }
}

/// Words an editing spinner inserts.
const FILLERS: &[&str] = &[
    "also",
    "really",
    "reportedly",
    "indeed",
    "now",
    "even",
    "still",
];

/// Edits beyond substitution, as other spinners make them: swaps two adjacent words,
/// deletes a function word, inserts a filler word, changes punctuation.
fn edit(s: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = s.split(' ').map(str::to_string).collect();
    let plain = |w: &str| w.chars().all(|c| c.is_alphanumeric());
    if words.len() > 4 && rng.chance(0.6) {
        let i = 1 + rng.below(words.len() - 3);
        if plain(&words[i]) && plain(&words[i + 1]) {
            words.swap(i, i + 1);
        }
    }
    if words.len() > 4 && rng.chance(0.5) {
        let i = 1 + rng.below(words.len() - 2);
        if is_stop(&words[i].to_lowercase()) && plain(&words[i]) {
            words.remove(i);
        }
    }
    if words.len() > 3 && rng.chance(0.5) {
        let i = 1 + rng.below(words.len() - 2);
        words.insert(i, FILLERS[rng.below(FILLERS.len())].to_string());
    }
    let mut out = words.join(" ");
    if rng.chance(0.5) {
        out = out.replacen(", ", "; ", 1);
    }
    if rng.chance(0.3) {
        out = out.replace('"', "\u{201c}");
    }
    out
}

struct Ctx {
    groups: Vec<Vec<&'static str>>,
    group_of: std::collections::HashMap<&'static str, usize>,
    vocab: Vec<String>,
}

/// Spins `s`: replaces about `rate` of its words.
fn spin(ctx: &Ctx, s: &str, rate: f64, spinner: Spinner, rng: &mut Rng) -> String {
    let toks = tokenize(s);
    let words = toks
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
        .count();
    let mut cands: Vec<(usize, usize, String)> = Vec::new();
    for t in &toks {
        if t.kind != TokenKind::Word {
            continue;
        }
        let w = t.text(s);
        let lower = w.to_lowercase();
        let repl = match spinner {
            Spinner::Lexicon => {
                if let Some((_, v)) = ENTITY_SPINS.iter().find(|(a, _)| *a == w) {
                    Some(v.to_string())
                } else if let Some(&g) = ctx.group_of.get(lower.as_str()) {
                    let others: Vec<&&str> =
                        ctx.groups[g].iter().filter(|x| **x != lower).collect();
                    (!others.is_empty()).then(|| others[rng.below(others.len())].to_string())
                } else {
                    None
                }
            }
            Spinner::Unknown | Spinner::Edits => {
                (w == lower && !is_stop(&lower) && lower.len() > 2)
                    .then(|| ctx.vocab[rng.below(ctx.vocab.len())].clone())
            }
        };
        if let Some(r) = repl {
            cands.push((t.start, t.end, r));
        }
    }
    let want = (rate * words as f64).round() as usize;
    let p = if cands.is_empty() {
        0.0
    } else {
        (want as f64 / cands.len() as f64).min(1.0)
    };
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for (a, b, r) in cands {
        if rng.chance(p) {
            out.push_str(&s[last..a]);
            out.push_str(&r);
            last = b;
        }
    }
    out.push_str(&s[last..]);
    if spinner == Spinner::Edits {
        out = edit(&out, rng);
    }
    out
}

fn sentences(text: &str) -> Vec<(usize, usize)> {
    let toks = tokenize(text);
    split_sentences(text, &toks)
        .iter()
        .filter(|s| s.tokens.len() >= 8)
        .map(|s| (s.start, s.end))
        .collect()
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    art_tp: usize,
    art_fp: usize,
    art_fn: usize,
    held: usize,
    held_dup: usize,
}

fn pr(tp: usize, fp: usize, fn_: usize) -> (f64, f64) {
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        1.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    (p, r)
}

fn is_stitched(t: &whosaid_provenance::Trace) -> bool {
    t.sources.len() >= 2 && t.originality <= 0.5
}

#[allow(clippy::too_many_arguments)]
fn run(
    ctx: &Ctx,
    index: &Index,
    indexed: &[Article],
    held: &[Article],
    copies: usize,
    rate: f64,
    spinner: Spinner,
    seed: u64,
) -> (Counts, f64) {
    let mut rng = Rng(seed);
    let mut c = Counts::default();
    let mut query_secs = 0.0;
    let mut queries = 0usize;
    for k in 0..copies {
        let n_src = 3 + rng.below(3);
        let mut text = String::new();
        // (byte range in text, true article index, true sentence text)
        let mut truth: Vec<(usize, usize, usize, String)> = Vec::new();
        text.push_str("By Jane Doe, Staff Writer\n\n");
        let mut used = HashSet::new();
        for _ in 0..n_src {
            let a = loop {
                let a = rng.below(indexed.len());
                if used.insert(a) && sentences(&indexed[a].text).len() >= 3 {
                    break a;
                }
            };
            let ss = sentences(&indexed[a].text);
            let run = 2 + rng.below(4);
            let from = rng.below(ss.len().saturating_sub(run).max(1));
            for &(s, e) in ss.iter().skip(from).take(run) {
                let orig = &indexed[a].text[s..e];
                let spun = spin(ctx, orig, rate, spinner, &mut rng);
                let start = text.len();
                text.push_str(&spun);
                truth.push((start, text.len(), a, orig.to_string()));
                text.push_str("\n\n");
            }
            if text.len() < 400 {
                text.push_str("Protesters gather outside the building on Tuesday. (Photo: AP)\n\n");
            }
        }
        let art = Article::new(format!("stitched-{k}"), text).with_date("2099-01-01");
        let t0 = Instant::now();
        let t = index.trace(&art).expect("trace");
        query_secs += t0.elapsed().as_secs_f64();
        queries += 1;
        for s in &t.sentences {
            let tr = truth.iter().find(|x| x.0 == s.start);
            match (tr, &s.source) {
                (Some((_, _, a, orig)), Some(m)) => {
                    if m.id == indexed[*a].id || m.text == *orig {
                        c.tp += 1;
                    } else {
                        c.fp += 1;
                        c.fn_ += 1;
                        if std::env::var_os("SPIN_EVAL_DEBUG").is_some() {
                            eprintln!("FP wrong: {:?} <- {:?} (true {:?})", s.text, m.text, orig);
                        }
                    }
                }
                (Some((_, _, _, orig)), None) => {
                    c.fn_ += 1;
                    if std::env::var_os("SPIN_EVAL_DEBUG").is_some() {
                        eprintln!("FN: {:?} (true {:?})", s.text, orig);
                    }
                }
                (None, Some(m)) => {
                    c.fp += 1;
                    if std::env::var_os("SPIN_EVAL_DEBUG").is_some() {
                        eprintln!("FP extra: {:?} <- {:?}", s.text, m.text);
                    }
                }
                (None, None) => {}
            }
        }
        if is_stitched(&t) {
            c.art_tp += 1;
        } else {
            c.art_fn += 1;
        }
    }
    for h in held {
        let t0 = Instant::now();
        let t = index.trace(h).expect("trace");
        query_secs += t0.elapsed().as_secs_f64();
        queries += 1;
        for s in &t.sentences {
            if let Some(m) = &s.source {
                c.held += 1;
                if m.similarity >= 0.8 {
                    c.held_dup += 1;
                }
                if std::env::var_os("SPIN_EVAL_DEBUG").is_some() {
                    eprintln!(
                        "FP held: {:?} <- {:?} {} {}",
                        s.text, m.text, m.id, m.similarity
                    );
                }
            }
        }
        if is_stitched(&t) {
            c.art_fp += 1;
        }
    }
    (c, query_secs / queries.max(1) as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "/work/shared/eval-data/polnear/train/text".into());
    let opt = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let copies = opt("--copies", 200);
    let mut paths: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            eprintln!("spin_eval: {dir}: {e}");
            std::process::exit(2);
        }
    };
    paths.sort();
    let mut arts = Vec::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let date = name.split('_').nth(1).unwrap_or("").to_string();
        let mut a = Article::new(name, text);
        if date.len() == 10 {
            a = a.with_date(date);
        }
        arts.push(a);
    }
    let (mut indexed, mut held) = (Vec::new(), Vec::new());
    for (i, a) in arts.into_iter().enumerate() {
        if i % 10 == 3 {
            held.push(a);
        } else {
            indexed.push(a);
        }
    }
    let groups: Vec<Vec<&'static str>> = spin_groups().collect();
    let mut group_of = std::collections::HashMap::new();
    for (g, ws) in groups.iter().enumerate() {
        for w in ws {
            group_of.insert(*w, g);
        }
    }
    let mut vocab: Vec<String> = indexed
        .iter()
        .flat_map(|a| {
            a.text
                .split_whitespace()
                .filter(|w| w.len() > 3 && w.chars().all(|c| c.is_ascii_lowercase()))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    vocab.sort();
    let ctx = Ctx {
        groups,
        group_of,
        vocab,
    };
    let t0 = Instant::now();
    let mut b = IndexBuilder::new();
    for a in &indexed {
        b.add(a.clone());
    }
    let index = b.build().expect("index");
    println!(
        "PolNeAR index: {} articles, {} sentences, {:.2} s, {:.1} MB database (in memory); {} held-out originals, {} stitched copies per setting",
        index.len().expect("len"),
        index.sentence_count().expect("count"),
        t0.elapsed().as_secs_f64(),
        index.db_bytes().expect("bytes") as f64 / 1e6,
        held.len(),
        copies
    );
    println!("spinner  rate  sent_P  sent_R  stitched_P  stitched_R  ms/article  held-out matches (sim>=0.8)");
    for spinner in [Spinner::Lexicon, Spinner::Unknown, Spinner::Edits] {
        for rate in [0.1, 0.2, 0.3] {
            let (c, q) = run(&ctx, &index, &indexed, &held, copies, rate, spinner, 42);
            let (sp, sr) = pr(c.tp, c.fp, c.fn_);
            let (ap, ar) = pr(c.art_tp, c.art_fp, c.art_fn);
            println!(
                "{:8} {:4.0}%  {sp:.3}   {sr:.3}   {ap:.3}       {ar:.3}       {:.2}        {} ({})",
                spinner.name(),
                rate * 100.0,
                q * 1000.0,
                c.held,
                c.held_dup
            );
        }
    }
}
