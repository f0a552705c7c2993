//! Prints `analyze` records as JSON Lines for every `.txt` file in a directory, with the
//! learned tagger switched off — the rule stage alone, for `whosaid eval ... PRED`.
//!
//! `cargo run --release -p whosaid-core --example extract_rules -- DIR > rules.jsonl`

use whosaid_core::pipeline::{analyze_with, Options};
use whosaid_core::Document;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let options = Options {
        tagger: false,
        filter: false,
    };
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(text) => {
                let doc = Document::new(p.display().to_string(), text);
                match serde_json::to_string(&analyze_with(&doc, &options)) {
                    Ok(line) => println!("{line}"),
                    Err(e) => eprintln!("{}: {e}", p.display()),
                }
            }
            Err(e) => eprintln!("{}: {e}", p.display()),
        }
    }
}
