//! Extract the main text of every `*.html.gz` page in a directory.
//!
//! ```text
//! cargo run --release -p whosaid-html --example extract_dir -- DIR OUT.json [PASSES]
//! ```
//!
//! Reads and gunzips all pages first, then times only the `decode` + `extract`
//! calls (median of `PASSES` passes, default 3) and writes `{id: text}` as JSON
//! to `OUT.json`. Prints one line `pages=N bytes=B seconds=S mb_per_s=X` to stderr.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: extract_dir DIR OUT.json [PASSES]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let out = Path::new(&args[2]);
    let passes: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3).max(1);

    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    names.sort();
    for path in names {
        let file_name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = file_name.trim_end_matches(".html.gz").to_string();
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path)?).read_to_end(&mut raw)?;
        pages.push((id, raw));
    }
    let total: usize = pages.iter().map(|(_, b)| b.len()).sum();

    let mut times = Vec::new();
    let mut result = serde_json::Map::new();
    for pass in 0..passes {
        let start = Instant::now();
        let mut texts = Vec::with_capacity(pages.len());
        for (_, bytes) in &pages {
            let (html, _warning) = whosaid_html::decode(bytes, None);
            let article = whosaid_html::extract(&html, None);
            texts.push(article.text);
        }
        times.push(start.elapsed().as_secs_f64());
        if pass == 0 {
            for ((id, _), text) in pages.iter().zip(texts) {
                result.insert(id.clone(), serde_json::Value::String(text));
            }
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let secs = times[times.len() / 2];
    std::fs::write(
        out,
        serde_json::to_string_pretty(&serde_json::Value::Object(result))?,
    )?;
    eprintln!(
        "pages={} bytes={} seconds={:.4} mb_per_s={:.2}",
        pages.len(),
        total,
        secs,
        total as f64 / 1e6 / secs
    );
    Ok(())
}
