//! The JSON Lines, plain-text and gzip readers on arbitrary bytes: every input gives
//! records or error records, never a panic, and a plain-text record is the input itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid_io::{read_reader, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Jsonl, Format::Text, Format::Auto] {
        let opts = ReadOptions {
            format,
            max_bytes: 1 << 16,
        };
        let cursor = std::io::Cursor::new(data.to_vec());
        let mut inputs = read_reader("fuzz.input", cursor, &opts);
        let mut n = 0usize;
        while let Some(raw) = inputs.next_raw() {
            n += 1;
            let parsed = raw.parse();
            if let (Format::Text, Ok(article)) = (format, &parsed.article) {
                // A plain-text document is the bytes themselves (less a UTF-8 BOM),
                // unless they were gzip, which is read transparently.
                if !data.starts_with(&[0x1f, 0x8b]) {
                    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
                    assert_eq!(article.doc.text.as_bytes(), body);
                }
            }
        }
        if format == Format::Text {
            assert!(n <= 1, "one text input gives at most one record");
        }
    }
});
