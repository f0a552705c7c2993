//! The writer's cost alone: `cargo run --release -p whosaid-store --example write_bench --
//! ARTICLES.jsonl DB [N] [BATCH]`. Analyses the first N (default 2000) JSON Lines articles
//! in memory first, then times only [`Store::ingest_batch`] (BATCH articles per
//! transaction, default 256) and the final [`Store::canonicalize`] into a fresh DB, on
//! this thread. Prints one JSON line: seconds, articles/s and MB/s of the writer.

use std::io::BufRead;
use std::time::Instant;
use whosaid_core::{analyze, Document};
use whosaid_store::{Prepared, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: write_bench ARTICLES.jsonl DB [N] [BATCH]";
    let input = args.next().ok_or(usage)?;
    let db = args.next().ok_or(usage)?;
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let batch: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(256);
    let reader = std::io::BufReader::new(std::fs::File::open(&input)?);
    let mut prepared = Vec::new();
    for line in reader.lines().take(n) {
        let doc: Document = serde_json::from_str(&line?)?;
        let analysis = analyze(&doc);
        prepared.push(Prepared::new(doc, analysis));
    }
    let bytes: usize = prepared.iter().map(|p| p.doc.text.len()).sum();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
    let mut store = Store::open(&db)?;
    let start = Instant::now();
    for chunk in prepared.chunks(batch.max(1)) {
        store.ingest_batch(chunk, &[])?;
    }
    let write = start.elapsed().as_secs_f64();
    let t = Instant::now();
    store.canonicalize()?;
    let canon = t.elapsed().as_secs_f64();
    let total = write + canon;
    println!(
        "{{\"articles\":{},\"mb\":{:.2},\"write_s\":{write:.3},\"canonicalize_s\":{canon:.3},\"articles_per_s\":{:.0},\"mb_per_s\":{:.2}}}",
        prepared.len(),
        bytes as f64 / 1e6,
        prepared.len() as f64 / total,
        bytes as f64 / 1e6 / total
    );
    Ok(())
}
