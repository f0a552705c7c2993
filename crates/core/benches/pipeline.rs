//! Criterion benchmarks of the core pipeline: tokenization alone and `analyze` end to end,
//! on the seed article and on a slice of PolNeAR train text (read from `../shared`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::Path;
use whosaid_core::{analyze, text, Document};

fn corpus() -> Vec<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let mut docs = Vec::new();
    if let Ok(seed) = std::fs::read_to_string(root.join("seed/us-russia-relations.txt")) {
        docs.push(Document::new("seed", seed));
    }
    let dir = root.join("eval-data/polnear/train/text");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().take(100) {
            if let Ok(t) = std::fs::read_to_string(&p) {
                docs.push(Document::new(p.display().to_string(), t));
            }
        }
    }
    docs
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("tokenize+sentences", |b| {
        b.iter(|| {
            for d in &docs {
                let toks = text::tokenize(black_box(&d.text));
                black_box(text::split_sentences(&d.text, &toks));
            }
        })
    });
    g.bench_function("analyze", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(analyze(black_box(d)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
