//! Transparent gzip decompression, one member at a time, that survives bad members.
//!
//! A gzip file is a sequence of members; WARC.gz files (Common Crawl, CC-NEWS) hold one
//! member per record so that a reader can start at any record. [`GzReader`] decodes the
//! members one after the other and presents the concatenation of their data, like
//! `zcat`. When a member is corrupt or the file is cut short it does not give up:
//!
//! * the failing `read` returns one error whose inner error is a [`GzError`] (the byte
//!   offset of the bad member in the compressed input, and what went wrong);
//! * the following reads go on with the next member: the compressed bytes are scanned
//!   for the next gzip header (`1f 8b 08`), candidates that fail to decode are skipped
//!   silently (they belong to the same damaged region), and data flows again from the
//!   first member that decodes;
//! * a truncated file gives its error, then end of input.
//!
//! Data decoded from a member before it failed has already been handed out; readers
//! above (WARC, JSON Lines) drop the record the error falls in and resynchronise.

use flate2::bufread::GzDecoder;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The first bytes of every gzip member: magic `1f 8b` and method 8 (deflate).
pub const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Whether `bytes` start like a gzip member.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == GZIP_MAGIC[0] && bytes[1] == GZIP_MAGIC[1]
}

/// What went wrong in the compressed input, carried inside the [`io::Error`] that
/// [`GzReader`] returns (`err.get_ref()` downcasts to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GzError {
    /// Byte offset, in the compressed input, of the member that failed (or of the
    /// first byte that is not gzip data).
    pub offset: u64,
    /// What happened.
    pub kind: GzErrorKind,
}

/// The kinds of [`GzError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GzErrorKind {
    /// The input ends inside a member.
    Truncated,
    /// The member does not decode (bad header, bad deflate data, CRC or size mismatch).
    Corrupt(String),
    /// Bytes after a member that are not a gzip header.
    NotGzip,
}

impl fmt::Display for GzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            GzErrorKind::Truncated => write!(
                f,
                "truncated gzip data: the member at byte offset {} is cut short",
                self.offset
            ),
            GzErrorKind::Corrupt(why) => write!(
                f,
                "corrupt gzip member at byte offset {}: {why}",
                self.offset
            ),
            GzErrorKind::NotGzip => write!(
                f,
                "bytes that are not gzip data at byte offset {}",
                self.offset
            ),
        }
    }
}

impl std::error::Error for GzError {}

impl GzError {
    /// The [`GzError`] inside an I/O error returned by a [`GzReader`], if it is one.
    pub fn from_io(err: &io::Error) -> Option<&GzError> {
        err.get_ref().and_then(|e| e.downcast_ref::<GzError>())
    }
}

/// A [`BufRead`] that counts the bytes consumed from it.
#[derive(Debug)]
struct Tracked<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

enum State<R> {
    /// Between members: the next bytes should be a gzip header.
    Between(Tracked<R>),
    /// Inside a member.
    Member(GzDecoder<Tracked<R>>),
    /// Only used while switching states.
    Switching,
    /// End of input.
    Done,
}

/// Decoded data of a member held back until the member's CRC is checked, when the
/// member is no larger than this (a WARC.gz member is one record).
const HOLD_BACK: usize = 8 << 20;

/// Decompresses a multi-member gzip stream, member by member, reporting and skipping
/// bad members (see the [module docs](self)).
///
/// A member's data is held back until its end (and its CRC) is reached, up to
/// 8 MiB, so that a corrupt small member yields nothing but its error; the data of a
/// larger member flows as it is decoded. When the input is cut short, the data
/// decoded before the cut is given out before the error.
pub struct GzReader<R: BufRead> {
    state: State<R>,
    /// Compressed offset of the member being decoded.
    member_start: Arc<AtomicU64>,
    /// After an error: looking for the next member that decodes, silently.
    resyncing: bool,
    /// Decoded data not yet handed out, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    /// The member is larger than [`HOLD_BACK`]: its data flows directly.
    streaming: bool,
    /// An error to return once `out` is drained.
    pending_err: Option<io::Error>,
}

impl<R: BufRead> GzReader<R> {
    /// A reader over the compressed bytes of `inner`.
    pub fn new(inner: R) -> Self {
        GzReader {
            state: State::Between(Tracked { inner, pos: 0 }),
            member_start: Arc::new(AtomicU64::new(0)),
            resyncing: false,
            out: Vec::new(),
            out_pos: 0,
            streaming: false,
            pending_err: None,
        }
    }

    /// A shared view of the compressed byte offset of the member being decoded, for
    /// error messages of the readers above.
    pub fn member_offset(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.member_start)
    }

    fn fail(&mut self, offset: u64, kind: GzErrorKind) -> io::Error {
        self.resyncing = true;
        io::Error::new(io::ErrorKind::InvalidData, GzError { offset, kind })
    }

    /// Handles a decoding error of the current member: `None` while resynchronising
    /// (a false header inside damaged data), else the error to report.
    fn member_failed(
        &mut self,
        dec: GzDecoder<Tracked<R>>,
        e: &io::Error,
    ) -> Option<(io::Error, bool)> {
        let start = self.member_start.load(Ordering::Relaxed);
        let mut r = dec.into_inner();
        if r.pos <= start {
            // Never retry the same header.
            r.consume(1);
        }
        let at_eof = match r.fill_buf() {
            Ok(rest) => rest.is_empty(),
            Err(_) => true,
        };
        self.state = State::Between(r);
        if self.resyncing {
            return None;
        }
        // Cut short: the decoder wanted more and the input has no more. (A CRC
        // mismatch at the very end of the input is corruption, not a cut.)
        let truncated = at_eof && e.kind() == io::ErrorKind::UnexpectedEof;
        let kind = if truncated {
            GzErrorKind::Truncated
        } else {
            GzErrorKind::Corrupt(e.to_string())
        };
        Some((self.fail(start, kind), truncated))
    }
}

impl<R: BufRead> Read for GzReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            self.out.clear();
            self.out_pos = 0;
            if let Some(e) = self.pending_err.take() {
                return Err(e);
            }
            match std::mem::replace(&mut self.state, State::Switching) {
                State::Done | State::Switching => {
                    self.state = State::Done;
                    return Ok(0);
                }
                State::Between(mut r) => {
                    let avail = match r.fill_buf() {
                        Ok(a) => a,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                            self.state = State::Between(r);
                            continue;
                        }
                        Err(e) => {
                            // The underlying file failed: nothing more can be read.
                            self.state = State::Done;
                            return Err(e);
                        }
                    };
                    if avail.is_empty() {
                        self.state = State::Done;
                        return Ok(0);
                    }
                    let starts = avail.len() < GZIP_MAGIC.len() && GZIP_MAGIC.starts_with(avail)
                        || avail.starts_with(&GZIP_MAGIC);
                    if starts {
                        self.member_start.store(r.pos, Ordering::Relaxed);
                        self.streaming = false;
                        self.state = State::Member(GzDecoder::new(r));
                        continue;
                    }
                    if self.resyncing {
                        // Skip to the next possible header (a lone 1f at the end of the
                        // buffer is kept for the next fill).
                        let skip = avail
                            .iter()
                            .position(|&b| b == GZIP_MAGIC[0])
                            .map_or(avail.len(), |i| i.max(1));
                        r.consume(skip);
                        self.state = State::Between(r);
                        continue;
                    }
                    let at = r.pos;
                    self.state = State::Between(r);
                    return Err(self.fail(at, GzErrorKind::NotGzip));
                }
                State::Member(mut dec) if self.streaming => match dec.read(buf) {
                    Ok(0) => {
                        // The member ended (its CRC and size checked).
                        self.resyncing = false;
                        self.state = State::Between(dec.into_inner());
                    }
                    Ok(n) => {
                        self.state = State::Member(dec);
                        return Ok(n);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        self.state = State::Member(dec);
                    }
                    Err(e) => {
                        if let Some((err, _)) = self.member_failed(dec, &e) {
                            return Err(err);
                        }
                    }
                },
                State::Member(mut dec) => {
                    // Hold the member's data back until its end, up to HOLD_BACK.
                    let mut chunk = [0u8; 32 * 1024];
                    loop {
                        match dec.read(&mut chunk) {
                            Ok(0) => {
                                self.resyncing = false;
                                self.state = State::Between(dec.into_inner());
                                break;
                            }
                            Ok(n) => {
                                self.out.extend_from_slice(&chunk[..n]);
                                if self.out.len() >= HOLD_BACK {
                                    self.streaming = true;
                                    self.state = State::Member(dec);
                                    break;
                                }
                            }
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                            Err(e) => {
                                match self.member_failed(dec, &e) {
                                    // Data before a cut is good: give it out first.
                                    Some((err, true)) => self.pending_err = Some(err),
                                    // A corrupt member's data is not to be trusted.
                                    Some((err, false)) => {
                                        self.out.clear();
                                        return Err(err);
                                    }
                                    None => self.out.clear(),
                                }
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use proptest::prelude::*;
    use std::io::{BufReader, Write};

    fn member(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("in-memory write");
        e.finish().expect("in-memory gzip")
    }

    /// Reads everything, collecting data and errors in order.
    fn drain(input: &[u8]) -> (Vec<u8>, Vec<GzError>) {
        let mut r = GzReader::new(BufReader::with_capacity(7, input));
        let mut data = Vec::new();
        let mut errors = Vec::new();
        let mut buf = [0u8; 5];
        for _ in 0..1_000_000 {
            match r.read(&mut buf) {
                Ok(0) => return (data, errors),
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(e) => errors.push(GzError::from_io(&e).cloned().unwrap_or(GzError {
                    offset: u64::MAX,
                    kind: GzErrorKind::Corrupt(e.to_string()),
                })),
            }
        }
        panic!("reader does not end");
    }

    #[test]
    fn members_are_concatenated() {
        let mut input = member(b"hello ");
        input.extend(member(b""));
        input.extend(member(b"world"));
        assert_eq!(drain(&input), (b"hello world".to_vec(), vec![]));
    }

    #[test]
    fn a_corrupt_member_is_one_error_and_the_next_members_are_read() {
        let a = member(&b"first member ".repeat(50));
        let mut b = member(&b"second member ".repeat(50));
        let c = member(b"third");
        let mid = b.len() / 2;
        for x in &mut b[mid..mid + 8] {
            *x ^= 0x5a;
        }
        let mut input = a.clone();
        input.extend(&b);
        input.extend(&c);
        let (data, errors) = drain(&input);
        assert!(data.starts_with(&b"first member ".repeat(50)));
        assert!(data.ends_with(b"third"));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].offset, a.len() as u64);
        assert!(matches!(errors[0].kind, GzErrorKind::Corrupt(_)));
    }

    #[test]
    fn a_truncated_tail_is_one_error_after_the_good_members() {
        let a = member(b"kept");
        let b = member(&b"lost at the end ".repeat(40));
        let mut input = a.clone();
        input.extend(&b[..b.len() / 2]);
        let (data, errors) = drain(&input);
        assert!(data.starts_with(b"kept"));
        assert_eq!(
            errors,
            vec![GzError {
                offset: a.len() as u64,
                kind: GzErrorKind::Truncated
            }]
        );
    }

    /// Found by the damaged-crawl property: a bad checksum in the last member is
    /// corruption (its data dropped), not a cut (data kept).
    #[test]
    fn a_bad_checksum_at_the_end_of_the_input_is_corruption() {
        let a = member(b"kept");
        let mut b = member(b"changed data must not leak");
        let n = b.len();
        b[n - 6] ^= 0x81; // in the CRC32
        let mut input = a.clone();
        input.extend(&b);
        let (data, errors) = drain(&input);
        assert_eq!(data, b"kept");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].offset, a.len() as u64);
        assert!(
            matches!(errors[0].kind, GzErrorKind::Corrupt(_)),
            "{errors:?}"
        );
    }

    #[test]
    fn trailing_garbage_is_reported_once() {
        let mut input = member(b"data");
        input.extend(b"\0\0\0 junk");
        let (data, errors) = drain(&input);
        assert_eq!(data, b"data");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, GzErrorKind::NotGzip);
        assert_eq!(errors[0].offset, member(b"data").len() as u64);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary bytes never panic or hang; every error offset lies in the input.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let (_, errors) = drain(&bytes);
            for e in errors {
                prop_assert!(e.offset <= bytes.len() as u64);
            }
        }

        /// Damaging one member of several loses that member at most: the others come
        /// through whole, and there is at most one error per damaged region.
        #[test]
        fn one_damaged_member_spares_the_others(
            parts in prop::collection::vec("[a-z ]{1,60}", 2..6),
            victim in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let members: Vec<Vec<u8>> = parts.iter().map(|p| member(p.as_bytes())).collect();
            let v = victim.index(members.len());
            let mut input = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let mut m = m.clone();
                if i == v {
                    let k = at.index(m.len());
                    m[k] ^= flip;
                }
                input.extend(m);
            }
            let (data, errors) = drain(&input);
            prop_assert!(errors.len() <= 1, "{:?}", errors);
            let text = String::from_utf8_lossy(&data).into_owned();
            // Everything before the damaged member comes through whole; with no error
            // (a flip in an unchecked header field) everything does.
            let intact = if errors.is_empty() { parts.len() } else { v };
            let want: String = parts[..intact].concat();
            prop_assert!(text.starts_with(&want), "{:?} vs {:?}", text, want);
        }
    }
}
