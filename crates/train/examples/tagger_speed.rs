//! CPU time of `whosaid_core::tagger::predict` (the embedded model) over PolNeAR train:
//! tokenisation outside the timed region, the minimum over several passes of this thread's
//! on-CPU time (`/proc/thread-self/schedstat`), so other work on a shared machine counts
//! as little as possible.
//!
//!     cargo run --release -p whosaid-train --example tagger_speed [-- POLNEAR_DIR [PASSES]]

use whosaid_core::text::{split_sentences, tokenize};

fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/eval-data/polnear".into());
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(7);
    let gold = whosaid_eval::brat::load_split(&std::path::Path::new(&dir).join("train"))
        .expect("loading PolNeAR train");
    let docs: Vec<_> = gold
        .iter()
        .map(|g| {
            let t = tokenize(&g.text);
            let s = split_sentences(&g.text, &t);
            (g.text.as_str(), t, s)
        })
        .collect();
    let n_tok: usize = docs.iter().map(|d| d.1.len()).sum();
    let bytes: usize = docs.iter().map(|d| d.0.len()).sum();
    let mut best = u64::MAX;
    let mut n = 0;
    for _ in 0..passes {
        let c0 = cpu_ns();
        n = 0;
        for (text, t, s) in &docs {
            n += whosaid_core::tagger::predict(text, t, s).len();
        }
        best = best.min(cpu_ns() - c0);
    }
    let secs = best as f64 / 1e9;
    println!(
        "tagger::predict: {:.0} ns/token, {:.1} MB/s (min CPU time of {passes} passes over {n_tok} tokens; {n} candidates)",
        secs * 1e9 / n_tok as f64,
        bytes as f64 / secs / 1e6
    );
}
