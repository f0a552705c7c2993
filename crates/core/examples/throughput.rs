//! Single-core throughput of `analyze` on a directory of `.txt` articles.
//!
//! `cargo run --release -p whosaid-core --example throughput -- DIR [ROUNDS] [--rules-only]`

use std::time::Instant;
use whosaid_core::pipeline::{analyze_with, Options};
use whosaid_core::Document;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/eval-data/polnear/train/text".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let options = Options {
        tagger: args.next().as_deref() != Some("--rules-only"),
        ..Options::default()
    };
    let analyze = |d: &Document| analyze_with(d, &options);
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(e.path()) {
            docs.push(Document::new(e.path().display().to_string(), t));
        }
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // Warm up: lexicons and the model load once.
    let mut quotes = docs.first().map_or(0, |d| analyze(d).quotes.len());
    let t = Instant::now();
    for _ in 0..rounds {
        for d in &docs {
            quotes += analyze(d).quotes.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    if std::env::var_os("WS_SEGMENTATION").is_some() {
        let seg: f64 = (0..rounds).map(|_| segmentation_only(&docs)).sum::<f64>() / rounds as f64;
        println!("segmentation alone: {seg:.1} MB/s");
    }
    println!(
        "{} docs, {:.1} MB x {rounds}: {:.1} MB/s ({quotes} quotes)",
        docs.len(),
        bytes as f64 / 1e6,
        (bytes * rounds) as f64 / 1e6 / secs
    );
}

/// Throughput of tokenization and sentence splitting alone, for comparison.
fn segmentation_only(docs: &[Document]) -> f64 {
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let t = Instant::now();
    let mut n = 0;
    for d in docs {
        let toks = whosaid_core::text::tokenize(&d.text);
        n += whosaid_core::text::split_sentences(&d.text, &toks).len();
    }
    std::hint::black_box(n);
    bytes as f64 / 1e6 / t.elapsed().as_secs_f64()
}
