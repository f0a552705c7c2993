//! The gzip reader (`GzReader`: multi-member, resynchronising after corrupt members) on
//! arbitrary bytes, and on valid gzip made of the input: reading never panics, and
//! clean members decode to exactly the bytes that were compressed.
#![no_main]

use flate2::write::GzEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use std::io::{BufReader, Read, Write};
use whosaid_io::GzReader;

/// Reads to the end, going on after errors (as the readers above do); at most a bounded
/// number of errors, so that a reader that never ends fails the target.
fn drain(r: &mut impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let mut errors = 0;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => {
                errors += 1;
                assert!(
                    errors < 100_000,
                    "GzReader keeps failing without making progress"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Raw bytes (mostly corrupt gzip).
    let _ = drain(&mut GzReader::new(BufReader::with_capacity(64, data)));

    // Valid gzip: the input cut into members at its first byte's value.
    let cut = data.first().map_or(0, |&b| usize::from(b)).min(data.len());
    let mut gz = Vec::new();
    for part in [&data[..cut], &data[cut..]] {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        let _ = enc.write_all(part);
        if let Ok(member) = enc.finish() {
            gz.extend_from_slice(&member);
        }
    }
    let back = drain(&mut GzReader::new(BufReader::with_capacity(
        64,
        gz.as_slice(),
    )));
    assert_eq!(back, data, "valid members decode to their data");

    // The same with the input's bytes spliced in the middle (corruption).
    if gz.len() > 20 {
        let mid = gz.len() / 2;
        let mut bad = gz[..mid].to_vec();
        bad.extend_from_slice(&data[..data.len().min(16)]);
        bad.extend_from_slice(&gz[mid..]);
        let _ = drain(&mut GzReader::new(BufReader::with_capacity(
            64,
            bad.as_slice(),
        )));
    }
});
