//! Scale benchmark of the on-disk provenance index: builds a synthetic corpus of N
//! sentences from PolNeAR sentences with variation, indexes it into a SQLite file, then
//! traces spun, stitched copies of its articles. Run the two phases as separate processes
//! (`bench/provenance_scale.sh` does, under `/usr/bin/time -v`) to see each one's peak RSS.
//!
//! ```sh
//! prov_scale index POLNEAR_TEXT_DIR DB N     # index N synthetic sentences into DB
//! prov_scale query POLNEAR_TEXT_DIR DB N [Q]  # trace Q stitched copies (default 100)
//! ```
//!
//! Synthetic article k (20 sentences) is regenerated from k alone: each sentence is a
//! walk of PolNeAR's word-bigram chain (so its words and their frequencies are
//! PolNeAR's, names and numbers included), so that sentences are distinct but read like
//! news. A query takes runs of 4 sentences from 4
//! random articles, replaces 20% of the words with random corpus words (the unknown
//! spinner), and counts sentences traced to the right article.

use std::time::Instant;
use whosaid_core::text::{split_sentences, tokenize};
use whosaid_provenance::{Article, Index};

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PER: usize = 20;

struct Base {
    vocab: Vec<String>,
    /// Word ids: the words, and for each, the words that follow it in PolNeAR (with
    /// repetition, so sampling follows bigram frequencies).
    words: Vec<String>,
    next: Vec<Vec<u32>>,
    starts: Vec<u32>,
}

fn load(dir: &str) -> Base {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            eprintln!("prov_scale: {dir}: {e}");
            std::process::exit(2)
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut sentences = Vec::new();
    let mut vocab = std::collections::BTreeSet::new();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let toks = tokenize(&text);
        for s in split_sentences(&text, &toks) {
            let words: Vec<String> = text[s.start..s.end]
                .split_whitespace()
                .map(str::to_string)
                .collect();
            if words.len() >= 8 {
                for w in &words {
                    if w.len() > 3 && w.chars().all(|c| c.is_ascii_lowercase()) {
                        vocab.insert(w.clone());
                    }
                }
                sentences.push(words);
            }
        }
    }
    let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut words: Vec<String> = Vec::new();
    let mut next: Vec<Vec<u32>> = Vec::new();
    let mut starts = Vec::new();
    for s in &sentences {
        let mut prev: Option<u32> = None;
        for w in s {
            let id = *ids.entry(w.clone()).or_insert_with(|| {
                words.push(w.clone());
                next.push(Vec::new());
                (words.len() - 1) as u32
            });
            match prev {
                Some(p) => next[p as usize].push(id),
                None => starts.push(id),
            }
            prev = Some(id);
        }
    }
    Base {
        vocab: vocab.into_iter().collect(),
        words,
        next,
        starts,
    }
}

fn lowercase_word(w: &str) -> bool {
    w.len() > 2 && w.chars().all(|c| c.is_ascii_lowercase())
}

/// Replaces about `rate` of the lowercase words of `words` with random corpus words.
fn vary(b: &Base, words: &mut [String], rate: f64, rng: &mut Rng) {
    let per_mille = (rate * 1000.0) as usize;
    for w in words.iter_mut() {
        if lowercase_word(w) && rng.below(1000) < per_mille {
            *w = b.vocab[rng.below(b.vocab.len())].clone();
        }
    }
}

/// Synthetic article `k`'s sentences: walks of PolNeAR's bigram chain (12–40 words,
/// ending at a word that ends a sentence), each with a number added.
fn article(b: &Base, k: usize) -> Vec<String> {
    let mut rng = Rng::new(k as u64 + 1);
    (0..PER)
        .map(|j| {
            let mut w = b.starts[rng.below(b.starts.len())];
            let mut out: Vec<String> = vec![b.words[w as usize].clone()];
            let want = 12 + rng.below(28);
            while out.len() < 40 {
                let nx = &b.next[w as usize];
                if nx.is_empty() {
                    break;
                }
                w = nx[rng.below(nx.len())];
                let word = b.words[w as usize].as_str();
                let ends = word.ends_with(['.', '?', '!', '"', '\u{201d}']);
                if ends && out.len() < want {
                    // Too early to end: keep the word without its final mark.
                    let cut = word.len() - word.chars().last().map_or(0, char::len_utf8);
                    out.push(word[..cut].to_string());
                    continue;
                }
                out.push(word.to_string());
                if out.len() == want / 2 {
                    out.push(format!("{}", (k * PER + j) % 9973 + rng.below(50)));
                }
                if ends {
                    break;
                }
            }
            let mut s = out.join(" ");
            if !s.ends_with('.') {
                s.push('.');
            }
            s
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: prov_scale index|query POLNEAR_TEXT_DIR DB SENTENCES [QUERIES]");
        std::process::exit(2);
    }
    let (mode, dir, db) = (&args[1], &args[2], &args[3]);
    let n: usize = args[4].parse().unwrap_or(100_000);
    let queries: usize = args.get(5).and_then(|q| q.parse().ok()).unwrap_or(100);
    let base = load(dir);
    let arts = n.div_ceil(PER);
    let mut index = Index::open(db).unwrap_or_else(|e| {
        eprintln!("prov_scale: {db}: {e}");
        std::process::exit(2)
    });
    match mode.as_str() {
        "index" => {
            let t0 = Instant::now();
            for k in 0..arts {
                let text = article(&base, k).join("\n");
                let a = Article::new(format!("syn-{k}"), text).with_date("2020-01-01");
                if let Err(e) = index.add(a) {
                    eprintln!("prov_scale: {e}");
                    std::process::exit(1);
                }
                if k > 0 && k % 50_000 == 0 {
                    eprintln!(
                        "  {} sentences, {:.0} s",
                        k * PER,
                        t0.elapsed().as_secs_f64()
                    );
                }
            }
            if let Err(e) = index.flush() {
                eprintln!("prov_scale: {e}");
                std::process::exit(1);
            }
            let secs = t0.elapsed().as_secs_f64();
            let sentences = index.sentence_count().unwrap_or(0);
            let file = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
            let bytes = index.db_bytes().unwrap_or(0);
            println!(
                "index: {sentences} sentences in {arts} articles, {secs:.1} s ({:.0} sentences/s), db {:.1} MB in use ({:.0} B/sentence), file {:.1} MB",
                sentences as f64 / secs,
                bytes as f64 / 1e6,
                bytes as f64 / sentences.max(1) as f64,
                file as f64 / 1e6
            );
        }
        "query" => {
            let mut rng = Rng::new(99);
            let (mut ok, mut total) = (0usize, 0usize);
            let mut times = Vec::with_capacity(queries);
            for q in 0..queries {
                let mut text = String::new();
                let mut truth = Vec::new();
                for _ in 0..4 {
                    let k = rng.below(arts);
                    let ss = article(&base, k);
                    let from = rng.below(PER - 4);
                    for s in &ss[from..from + 4] {
                        let mut w: Vec<String> = s.split_whitespace().map(str::to_string).collect();
                        vary(&base, &mut w, 0.2 * 1.6, &mut rng);
                        truth.push((text.len(), k));
                        text.push_str(&w.join(" "));
                        text.push('\n');
                    }
                }
                let a = Article::new(format!("q{q}"), text).with_date("2021-01-01");
                let t0 = Instant::now();
                let t = match index.trace(&a) {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("prov_scale: {e}");
                        std::process::exit(1);
                    }
                };
                times.push(t0.elapsed().as_secs_f64());
                for s in &t.sentences {
                    if let Some(&(_, k)) = truth.iter().find(|x| x.0 == s.start) {
                        total += 1;
                        if s.source
                            .as_ref()
                            .is_some_and(|m| m.id == format!("syn-{k}"))
                        {
                            ok += 1;
                        }
                    }
                }
            }
            times.sort_by(f64::total_cmp);
            let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
            let p90 = times.get(times.len() * 9 / 10).copied().unwrap_or(0.0);
            println!(
                "query: {queries} stitched 16-sentence articles, mean {:.1} ms, p90 {:.1} ms per article; recall at 20% unknown spin {:.3}",
                mean * 1000.0,
                p90 * 1000.0,
                ok as f64 / total.max(1) as f64
            );
        }
        _ => {
            eprintln!("prov_scale: mode is index or query");
            std::process::exit(2);
        }
    }
}
