//! A line reader with a bound: a line longer than the limit is skipped to its end
//! without ever being held in memory.

use std::io::{self, BufRead};

/// What [`read_bounded_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// A whole line is in the buffer, without its `\n` (and without a `\r` before it).
    Complete,
    /// The line was longer than the limit; it was consumed and discarded. `len` is its
    /// length in bytes, without the `\n`.
    TooLong {
        /// Length of the skipped line in bytes.
        len: u64,
    },
}

/// Reads the next line of `reader` into `buf` (cleared first), holding at most `max`
/// bytes of it. Returns `Ok(None)` at end of input; a last line without a final `\n`
/// is still a line. A line longer than `max` bytes is read through to its `\n` (or
/// the end of input) and dropped chunk by chunk, so memory stays bounded by `max`
/// plus the reader's buffer.
pub fn read_bounded_line<R: BufRead + ?Sized>(
    reader: &mut R,
    max: usize,
    buf: &mut Vec<u8>,
) -> io::Result<Option<Line>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut overflow = false;
    let mut started = false;
    loop {
        let avail = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            if !started {
                return Ok(None);
            }
            break;
        }
        started = true;
        let newline = avail.iter().position(|&b| b == b'\n');
        let chunk = match newline {
            Some(i) => &avail[..i],
            None => avail,
        };
        total += chunk.len() as u64;
        if !overflow {
            if buf.len().saturating_add(chunk.len()) > max {
                overflow = true;
                buf.clear();
                buf.shrink_to(0);
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let used = chunk.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            break;
        }
    }
    if overflow {
        return Ok(Some(Line::TooLong { len: total }));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Complete))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn lines(input: &[u8], max: usize, cap: usize) -> Vec<Result<Vec<u8>, u64>> {
        let mut r = BufReader::with_capacity(cap, Cursor::new(input.to_vec()));
        let mut buf = Vec::new();
        let mut out = Vec::new();
        while let Some(l) = read_bounded_line(&mut r, max, &mut buf).expect("in-memory read") {
            out.push(match l {
                Line::Complete => Ok(buf.clone()),
                Line::TooLong { len } => Err(len),
            });
        }
        out
    }

    #[test]
    fn splits_lines_across_small_buffers() {
        let got = lines(b"ab\ncd\r\n\nlast", 100, 2);
        assert_eq!(
            got,
            vec![
                Ok(b"ab".to_vec()),
                Ok(b"cd".to_vec()),
                Ok(Vec::new()),
                Ok(b"last".to_vec())
            ]
        );
    }

    #[test]
    fn skips_an_overlong_line_and_goes_on() {
        let mut input = b"ok\n".to_vec();
        input.extend_from_slice(&vec![b'x'; 1000]);
        input.extend_from_slice(b"\nafter\n");
        let got = lines(&input, 10, 7);
        assert_eq!(
            got,
            vec![Ok(b"ok".to_vec()), Err(1000), Ok(b"after".to_vec())]
        );
    }

    #[test]
    fn overlong_last_line_without_newline() {
        let got = lines(&[b'y'; 50], 10, 8);
        assert_eq!(got, vec![Err(50)]);
    }

    #[test]
    fn a_line_of_exactly_max_bytes_fits() {
        let got = lines(b"12345\n123456\n", 5, 3);
        assert_eq!(got, vec![Ok(b"12345".to_vec()), Err(6)]);
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", 10, 4).is_empty());
    }
}
