//! Search latency over a corpus: `cargo run --release -p whosaid-store --example
//! search_bench -- CORPUS.db [QUERIES]`. Draws QUERIES (default 1000) queries from the
//! corpus itself — one or two words of stored quotations, a quarter of them with a
//! speaker filter — runs each once through [`Store::search`] (limit 20) and prints one
//! JSON line with p50/p99/mean latency in milliseconds.

use std::time::Instant;
use whosaid_store::{SearchQuery, Store};

/// xorshift64*: a fixed-seed generator, so runs draw the same queries.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args
        .next()
        .ok_or("usage: search_bench CORPUS.db [QUERIES]")?;
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let mut store = Store::open(&db)?;
    // Ingest leaves the speakers to be grouped by the first query; done here, untimed.
    store.ensure_canonical()?;
    let speakers_grouped = store.stats()?.speakers.unwrap_or(0);

    let (quotes, speakers): (Vec<String>, Vec<String>) = {
        let c = store.connection();
        let mut st = c.prepare(&format!(
            "SELECT {} FROM quotes q JOIN articles a ON a.id = q.article_id
             ORDER BY q.id LIMIT 20000",
            whosaid_store::schema::quote_text_sql("content")
        ))?;
        let q = st
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        let mut st = c.prepare("SELECT alias FROM aliases ORDER BY count DESC LIMIT 200")?;
        let s = st
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        (q, s)
    };
    if quotes.is_empty() {
        return Err("the corpus has no quotes".into());
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut queries = Vec::with_capacity(n);
    while queries.len() < n {
        let q = &quotes[rng.below(quotes.len())];
        let words: Vec<&str> = q
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .collect();
        if words.is_empty() {
            continue;
        }
        let mut text = words[rng.below(words.len())].to_string();
        if rng.below(2) == 0 {
            text.push(' ');
            text.push_str(words[rng.below(words.len())]);
        }
        let mut sq = SearchQuery::new(text);
        if !speakers.is_empty() && rng.below(4) == 0 {
            sq.speaker = Some(speakers[rng.below(speakers.len())].clone());
        }
        queries.push(sq);
    }

    let mut times = Vec::with_capacity(n);
    let mut hits = 0usize;
    let mut slowest: Vec<(f64, String)> = Vec::new();
    let start = Instant::now();
    for q in &queries {
        let t = Instant::now();
        hits += store.search(q)?.len();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        times.push(ms);
        slowest.push((ms, format!("{:?} speaker={:?}", q.text, q.speaker)));
    }
    let total = start.elapsed().as_secs_f64();
    // The five slowest queries, on stderr, to see what the tail is made of.
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q) in slowest.iter().take(5) {
        eprintln!("slow: {ms:.1} ms {q}");
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{{\"queries\":{},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3},\"mean_ms\":{:.3},\"hits\":{},\"speakers\":{}}}",
        times.len(),
        pct(0.50),
        pct(0.99),
        pct(1.0),
        total * 1e3 / times.len() as f64,
        hits,
        speakers_grouped
    );
    Ok(())
}
