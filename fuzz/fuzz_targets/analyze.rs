//! `whosaid_core::analyze` on arbitrary text: no panic, and every output span points
//! at its own text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_core::{analyze, Document};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let doc = Document::new("fuzz", text.as_ref());
    let a = analyze(&doc);
    for q in &a.quotes {
        assert_eq!(
            doc.text.get(q.content.start..q.content.end),
            Some(q.content.text.as_str())
        );
    }
    for art in &a.artifacts {
        assert_eq!(
            doc.text.get(art.span.start..art.span.end),
            Some(art.span.text.as_str())
        );
    }
});
