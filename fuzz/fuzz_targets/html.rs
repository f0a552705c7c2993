//! The HTML reader on arbitrary bytes: charset decoding, main-text and metadata
//! extraction, through the input path (also gzip and format sniffing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Cursor;
use whosaid_io::{read_reader, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Html, Format::Auto] {
        let opts = ReadOptions {
            format,
            max_bytes: 1 << 20,
        };
        let mut inputs = read_reader("fuzz.html", Cursor::new(data.to_vec()), &opts);
        while let Some(raw) = inputs.next_raw() {
            if let Ok(article) = raw.parse().article {
                assert!(!article.doc.text.trim().is_empty());
            }
        }
    }
});
