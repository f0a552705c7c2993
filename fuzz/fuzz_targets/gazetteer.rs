//! The gazetteer readers (`whosaid ingest --gazetteer`): CSV with quoted fields and JSON
//! Lines, on arbitrary bytes. Every accepted entry has a non-empty, trimmed name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_store::gazetteer::{parse_csv, parse_jsonl};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for entries in [parse_csv(&text), parse_jsonl(&text)].into_iter().flatten() {
        for e in entries {
            assert!(!e.name.is_empty() && e.name.trim() == e.name);
            assert!(e.aliases.iter().all(|a| !a.is_empty()));
        }
    }
});
