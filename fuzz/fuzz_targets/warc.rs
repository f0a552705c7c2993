//! The WARC reader on arbitrary bytes: raw and through the whole input path (gzip
//! sniffing, WARC records, HTTP responses, HTML extraction). Checks that every byte is
//! accounted for by the events of the WARC parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::BufReader;
use whosaid_io::warc::{WarcEvent, WarcReader};
use whosaid_io::{read_reader, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let mut reader = WarcReader::new(BufReader::with_capacity(64, data), 1 << 16);
    let mut at = 0u64;
    while let Some(ev) = reader.next_event(|_| true) {
        let (offset, len) = ev.range();
        assert_eq!(offset, at, "events must tile the input");
        at += len;
        if let WarcEvent::Record(r) = ev {
            let _ = r.record_id();
            if let Some(block) = &r.block {
                let _ = whosaid_io::warc::parse_http_response(block);
                let _ = whosaid_io::warc::dechunk(block);
            }
        }
    }
    let rest = &data[usize::try_from(at).unwrap_or(data.len()).min(data.len())..];
    assert!(
        rest.iter().all(|b| b" \t\r\n".contains(b)),
        "unaccounted tail"
    );

    let opts = ReadOptions {
        format: Format::Warc,
        max_bytes: 1 << 16,
    };
    let mut inputs = read_reader("fuzz.warc.gz", data.to_owned_reader(), &opts);
    while let Some(raw) = inputs.next_raw() {
        let _ = raw.parse();
    }
});

/// An owned in-memory reader (`read_reader` wants `'static`).
trait ToOwnedReader {
    fn to_owned_reader(&self) -> std::io::Cursor<Vec<u8>>;
}

impl ToOwnedReader for [u8] {
    fn to_owned_reader(&self) -> std::io::Cursor<Vec<u8>> {
        std::io::Cursor::new(self.to_vec())
    }
}
