//! Word classes from the CoreNLP silver annotations of PolNeAR train
//! (`corenlp/train.conllu.gz`): each word's most frequent Penn tag and entity class, plus a
//! capitalisation + 3-byte-suffix fallback learned from rare words. Only train is read.

use anyhow::{Context, Result};
use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use whosaid_core::tagger::classes::{suffix_hash, suffix_key, word_key};
use whosaid_core::tagger::{word_hash, WordClasses};

/// Penn tags in id order (id = index + 1; 0 = unknown word, 62 = any other tag).
const PENN: &[&str] = &[
    "NN", "IN", "NNP", "DT", "JJ", "NNS", ",", ".", "VBD", "RB", "PRP", "VB", "CC", "VBZ", "TO",
    "VBG", "VBN", "VBP", "''", "CD", "PRP$", "``", "MD", "POS", ":", "WP", "WDT", "NNPS", "WRB",
    "RP", "JJR", "JJS", "RBR", "-RRB-", "-LRB-", "EX", "$", "RBS", "PDT", "UH", "WP$", "FW", "LS",
    "SYM", "#",
];

fn pos_id(tag: &str) -> usize {
    PENN.iter()
        .position(|t| *t == tag)
        .map(|k| k + 1)
        .unwrap_or(62)
}

/// Entity classes: 0 none, 1 person, 2 organisation, 3 place, 4 misc/nationality/…,
/// 5 title, 6 number/date/money/…
fn ner_id(tag: &str) -> usize {
    match tag {
        "O" | "" => 0,
        "PERSON" => 1,
        "ORGANIZATION" => 2,
        "LOCATION" | "COUNTRY" | "CITY" | "STATE_OR_PROVINCE" => 3,
        "MISC" | "NATIONALITY" | "RELIGION" | "IDEOLOGY" => 4,
        "TITLE" => 5,
        _ => 6,
    }
}

#[derive(Clone)]
struct Counts {
    pos: [u32; 64],
    ner: [u32; 8],
    n: u32,
}

impl Default for Counts {
    fn default() -> Self {
        Counts {
            pos: [0; 64],
            ner: [0; 8],
            n: 0,
        }
    }
}

fn argmax(x: &[u32]) -> (usize, u32) {
    let mut best = (0, 0);
    for (k, &v) in x.iter().enumerate() {
        if v > best.1 {
            best = (k, v);
        }
    }
    best
}

fn class_of(c: &Counts) -> u16 {
    let (p, pn) = argmax(&c.pos);
    let (e, _) = argmax(&c.ner);
    let share = pn as f32 / c.n.max(1) as f32;
    let amb = if share >= 0.95 {
        0
    } else if share >= 0.75 {
        1
    } else if share >= 0.5 {
        2
    } else {
        3
    };
    (p as u16) | (e as u16) << 6 | amb << 9
}

/// Builds the class table from a CoNLL-U file (gzip): words seen at least `min` times get
/// their own entry; suffixes of words seen at most twice get one when seen ≥ 3 times.
pub fn learn(path: &Path, min: u32) -> Result<WordClasses> {
    let f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let r = BufReader::new(GzDecoder::new(f));
    let mut words: HashMap<u64, (Counts, u64)> = HashMap::new();
    for line in r.lines() {
        let line = line?;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 || !cols[0].bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let form = cols[1].as_bytes();
        let ner = cols[9]
            .split('|')
            .find_map(|kv| kv.strip_prefix("NER="))
            .unwrap_or("O");
        let up = form.first().is_some_and(u8::is_ascii_uppercase);
        let key = word_key(word_hash(form), up);
        let e = words
            .entry(key)
            .or_insert_with(|| (Counts::default(), suffix_key(suffix_hash(form), up)));
        e.0.pos[pos_id(cols[4])] += 1;
        e.0.ner[ner_id(ner)] += 1;
        e.0.n += 1;
    }
    let mut sufs: HashMap<u64, Counts> = HashMap::new();
    let mut pairs: Vec<(u64, u16)> = Vec::new();
    for (k, (c, sk)) in &words {
        if c.n >= min {
            pairs.push((*k, class_of(c)));
        }
        if c.n <= 2 {
            let s = sufs.entry(*sk).or_default();
            for (a, b) in s.pos.iter_mut().zip(&c.pos) {
                *a += b;
            }
            for (a, b) in s.ner.iter_mut().zip(&c.ner) {
                *a += b;
            }
            s.n += c.n;
        }
    }
    for (k, c) in &sufs {
        if c.n >= 3 {
            pairs.push((*k, class_of(c)));
        }
    }
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    eprintln!(
        "word classes: {} words, {} entries ({} suffixes)",
        words.len(),
        pairs.len(),
        sufs.values().filter(|c| c.n >= 3).count()
    );
    Ok(WordClasses::new(&pairs))
}
