//! The writer's cost alone: `cargo run --release -p whosaid-store --example write_bench --
//! ARTICLES.jsonl DB [N] [BATCH] [CHUNK]`. Analyses the first N (default 2000) JSON Lines
//! articles in memory first, then times only [`Store::ingest_batch`] (BATCH articles per
//! transaction, default 256; CHUNK quotes waiting for the full-text index, default 1, see
//! [`Store::set_index_chunk`]), the final [`Store::flush_index`] and
//! [`Store::canonicalize`] into a fresh DB, on this thread. Prints one JSON line: seconds,
//! articles/s and MB/s of the writer.

use std::io::BufRead;
use std::time::Instant;
use whosaid_core::{analyze, Document};
use whosaid_store::{Prepared, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: write_bench ARTICLES.jsonl DB [N] [BATCH] [CHUNK]";
    let input = args.next().ok_or(usage)?;
    let db = args.next().ok_or(usage)?;
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let batch: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(256);
    let chunk: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1);
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
    store.set_index_chunk(chunk);
    let start = Instant::now();
    for part in prepared.chunks(batch.max(1)) {
        store.ingest_batch(part, &[])?;
    }
    let batches = start.elapsed().as_secs_f64();
    store.flush_index()?;
    let write = start.elapsed().as_secs_f64();
    let t = Instant::now();
    store.canonicalize()?;
    let canon = t.elapsed().as_secs_f64();
    let total = write + canon;
    println!(
        "{{\"articles\":{},\"mb\":{:.2},\"batches_s\":{batches:.3},\"write_s\":{write:.3},\"canonicalize_s\":{canon:.3},\"articles_per_s\":{:.0},\"mb_per_s\":{:.2}}}",
        prepared.len(),
        bytes as f64 / 1e6,
        prepared.len() as f64 / total,
        bytes as f64 / 1e6 / total
    );
    Ok(())
}
