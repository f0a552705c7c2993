//! A small streaming WARC parser (WARC/1.0 and WARC/1.1, ISO 28500) that survives
//! damaged records, and the HTTP response parsing needed to get HTML out of it.
//!
//! A WARC file is a sequence of records, each a version line (`WARC/1.1`), named header
//! fields (`WARC-Type`, `WARC-Record-ID`, `WARC-Date`, `WARC-Target-URI`,
//! `Content-Type`, `Content-Length`...), a blank line, a block of exactly
//! `Content-Length` bytes, and two CRLFs. [`WarcReader`] reads them one at a time from
//! any [`BufRead`] (decompress `.warc.gz` with [`GzReader`](crate::gz::GzReader)
//! underneath) and never holds more than one record's header, plus its block when the
//! caller wants it and it is no larger than the limit; other blocks are skipped in
//! chunks.
//!
//! Every byte of the input is accounted for: each [`WarcEvent`] carries the byte range
//! it covers (`offset`, `len`), and the ranges tile the input from its first byte to
//! its last, except a tail of blank lines after the last record. Blank lines before a
//! record belong to it, and so do the CRLFs after its block.
//!
//! Damage gives one [`WarcEvent::Error`] and reading goes on:
//!
//! | damage | error covers | then |
//! | --- | --- | --- |
//! | a record does not start with a `WARC/` line | up to the next line starting `WARC/` | that record |
//! | a header line without a colon, too long, or a header cut by a new `WARC/` line | likewise | likewise |
//! | `Content-Length` missing or not a number | likewise | likewise |
//! | the input ends in a header or block (`Content-Length` past the end) | up to the end | end |
//! | a read error inside the record (e.g. a corrupt gzip member) | up to the next `WARC/` line | that record |
//!
//! Lines are read with a bound, so a megabyte-long garbage line costs no memory.

use std::io::{self, BufRead, Read};

/// Longest header line kept (64 KiB); a longer one makes the header bad.
const MAX_LINE: usize = 64 * 1024;
/// Most header bytes accepted for one record (1 MiB).
const MAX_HEADER: u64 = 1 << 20;

/// One WARC record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcRecord {
    /// Byte offset of the record (of its first blank line or version line).
    pub offset: u64,
    /// Bytes the record covers, trailing CRLFs and blank lines included.
    pub len: u64,
    /// The version line without its line end, e.g. `WARC/1.1`.
    pub version: String,
    /// Header fields in order, names as written, values trimmed; folded lines joined.
    pub headers: Vec<(String, String)>,
    /// The declared `Content-Length`.
    pub content_length: u64,
    /// The block, when the caller asked for it and it fit the limit.
    pub block: Option<Vec<u8>>,
    /// The caller asked for the block but it was larger than the limit (it was skipped).
    pub too_large: bool,
}

impl WarcRecord {
    /// The value of header field `name` (case-insensitive), the first if repeated.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// `WARC-Type` (e.g. `response`, `request`, `warcinfo`).
    pub fn warc_type(&self) -> Option<&str> {
        self.header("WARC-Type")
    }

    /// `WARC-Record-ID` without its angle brackets (`urn:uuid:...`).
    pub fn record_id(&self) -> Option<&str> {
        self.header("WARC-Record-ID")
            .map(|v| v.trim_start_matches('<').trim_end_matches('>'))
            .filter(|v| !v.is_empty())
    }

    /// `WARC-Target-URI` without angle brackets (WARC/1.0 wrote them around it).
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
            .map(|v| v.trim_start_matches('<').trim_end_matches('>'))
            .filter(|v| !v.is_empty())
    }

    /// `WARC-Date`.
    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date")
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A damaged stretch of a WARC input.
#[derive(Debug)]
pub struct WarcError {
    /// Byte offset where the damaged record starts.
    pub offset: u64,
    /// Bytes skipped, up to the next record or the end.
    pub len: u64,
    /// The `WARC-Record-ID` of the damaged record, when its header was read.
    pub record_id: Option<String>,
    /// What was wrong.
    pub message: String,
    /// The read error behind it, if any (e.g. a corrupt gzip member).
    pub io: Option<io::Error>,
}

/// What [`WarcReader::next_event`] found next.
#[derive(Debug)]
pub enum WarcEvent {
    /// A well-formed record.
    Record(WarcRecord),
    /// A damaged stretch, skipped.
    Error(WarcError),
}

impl WarcEvent {
    /// The byte range `(offset, len)` the event covers.
    pub fn range(&self) -> (u64, u64) {
        match self {
            WarcEvent::Record(r) => (r.offset, r.len),
            WarcEvent::Error(e) => (e.offset, e.len),
        }
    }
}

/// A line read with a bound: its first bytes (up to the bound) and its full length.
struct RawLine {
    start: u64,
    /// The line's first bytes, terminator included when it fit.
    head: Vec<u8>,
    /// Full length including the terminator.
    len: u64,
}

impl RawLine {
    fn complete(&self) -> bool {
        self.head.len() as u64 == self.len
    }
    /// The content without `\r\n` / `\n`.
    fn content(&self) -> &[u8] {
        let h = self.head.strip_suffix(b"\n").unwrap_or(&self.head);
        h.strip_suffix(b"\r").unwrap_or(h)
    }
    fn is_blank(&self) -> bool {
        self.complete() && self.content().iter().all(|b| *b == b' ' || *b == b'\t')
    }
    fn is_version(&self) -> bool {
        let c = self.content();
        self.complete() && c.starts_with(b"WARC/") && c.get(5).is_some_and(u8::is_ascii_digit)
    }
}

/// How a line read ended.
enum LineRead {
    Line(RawLine),
    Eof,
    Failed(io::Error),
}

/// Streaming WARC reader; see the [module docs](self).
pub struct WarcReader<R: BufRead> {
    inner: R,
    pos: u64,
    /// A line read ahead that starts the next record.
    pending: Option<RawLine>,
    /// Largest block held in memory.
    max_block: u64,
    /// A read error met just after a whole record, reported as the next event.
    failed_ahead: Option<io::Error>,
    /// Where the last read error happened, to stop on a reader that keeps failing.
    last_failure: Option<u64>,
    done: bool,
}

/// What went wrong while reading a record, before resynchronising.
struct Damage {
    message: String,
    record_id: Option<String>,
    io: Option<io::Error>,
    /// The input ended: nothing to resynchronise to.
    at_eof: bool,
}

impl Damage {
    fn new(message: impl Into<String>) -> Self {
        Damage {
            message: message.into(),
            record_id: None,
            io: None,
            at_eof: false,
        }
    }
}

impl<R: BufRead> WarcReader<R> {
    /// A reader over `inner` that holds blocks of at most `max_block` bytes.
    pub fn new(inner: R, max_block: u64) -> Self {
        WarcReader {
            inner,
            pos: 0,
            pending: None,
            max_block,
            failed_ahead: None,
            last_failure: None,
            done: false,
        }
    }

    /// The largest block held in memory.
    pub fn max_block(&self) -> u64 {
        self.max_block
    }

    /// Bytes consumed so far (the offset of the next unread byte).
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The next record or damaged stretch; `None` at the end of the input. `want`
    /// is asked, once the header is read, whether the block should be kept in memory.
    pub fn next_event(&mut self, want: impl Fn(&[(String, String)]) -> bool) -> Option<WarcEvent> {
        if self.done {
            return None;
        }
        if let Some(e) = self.failed_ahead.take() {
            let start = self.pos;
            self.resync();
            let end = self.pending.as_ref().map_or(self.pos, |l| l.start);
            return Some(WarcEvent::Error(WarcError {
                offset: start,
                len: end - start,
                record_id: None,
                message: format!("read failed: {e}"),
                io: Some(e),
            }));
        }
        let start = self.pending.as_ref().map_or(self.pos, |l| l.start);
        match self.record(start, &want) {
            Ok(Some(rec)) => Some(WarcEvent::Record(rec)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(d) => {
                if d.at_eof {
                    self.done = true;
                } else {
                    self.resync();
                }
                let end = self.pending.as_ref().map_or(self.pos, |l| l.start);
                Some(WarcEvent::Error(WarcError {
                    offset: start,
                    len: end - start,
                    record_id: d.record_id,
                    message: d.message,
                    io: d.io,
                }))
            }
        }
    }

    fn next_line(&mut self) -> LineRead {
        if let Some(l) = self.pending.take() {
            return LineRead::Line(l);
        }
        let start = self.pos;
        let mut head = Vec::new();
        let mut len: u64 = 0;
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return LineRead::Failed(e),
            };
            if avail.is_empty() {
                break;
            }
            let (chunk, ends) = match avail.iter().position(|&b| b == b'\n') {
                Some(i) => (&avail[..=i], true),
                None => (avail, false),
            };
            let room = MAX_LINE.saturating_sub(head.len());
            head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let n = chunk.len();
            len += n as u64;
            self.inner.consume(n);
            self.pos += n as u64;
            if ends {
                break;
            }
        }
        if len == 0 {
            LineRead::Eof
        } else {
            LineRead::Line(RawLine { start, head, len })
        }
    }

    /// Reads one record starting at `start`; `Ok(None)` at a clean end of input.
    fn record(
        &mut self,
        start: u64,
        want: &impl Fn(&[(String, String)]) -> bool,
    ) -> Result<Option<WarcRecord>, Damage> {
        // The version line, after any blank lines.
        let version = loop {
            match self.next_line() {
                LineRead::Eof => return Ok(None),
                LineRead::Failed(e) => return Err(io_damage("read failed", e)),
                LineRead::Line(l) if l.is_blank() => continue,
                LineRead::Line(l) if l.is_version() => {
                    break String::from_utf8_lossy(l.content()).into_owned()
                }
                LineRead::Line(_) => {
                    return Err(Damage::new(
                        "not a WARC record: expected a WARC/ version line",
                    ))
                }
            }
        };
        // Header fields up to the blank line.
        let mut headers: Vec<(String, String)> = Vec::new();
        let header_start = self.pos;
        loop {
            let line = match self.next_line() {
                LineRead::Line(l) => l,
                LineRead::Eof => {
                    let mut d = Damage::new("truncated WARC header: the input ends inside it");
                    d.at_eof = true;
                    d.record_id = record_id_of(&headers);
                    return Err(d);
                }
                LineRead::Failed(e) => {
                    let mut d = io_damage("read failed in the WARC header", e);
                    d.record_id = record_id_of(&headers);
                    return Err(d);
                }
            };
            if self.pos - header_start > MAX_HEADER {
                return Err(Damage::new(format!(
                    "bad WARC header: longer than {MAX_HEADER} bytes"
                )));
            }
            if line.is_blank() {
                break;
            }
            if line.is_version() {
                // The header was never ended; this line starts the next record.
                let id = record_id_of(&headers);
                self.pending = Some(line);
                let mut d = Damage::new("bad WARC header: no blank line before the next record");
                d.record_id = id;
                return Err(d);
            }
            if !line.complete() {
                return Err(Damage::new(format!(
                    "bad WARC header: a line longer than {MAX_LINE} bytes"
                )));
            }
            let content = String::from_utf8_lossy(line.content()).into_owned();
            if content.starts_with([' ', '\t']) {
                if let Some((_, v)) = headers.last_mut() {
                    v.push(' ');
                    v.push_str(content.trim());
                    continue;
                }
            }
            match content.split_once(':') {
                Some((name, value)) if !name.trim().is_empty() && !name.contains(' ') => {
                    headers.push((name.trim().to_string(), value.trim().to_string()))
                }
                _ => {
                    let mut d = Damage::new(format!(
                        "bad WARC header: line {:?} is not a field",
                        shorten(&content)
                    ));
                    d.record_id = record_id_of(&headers);
                    return Err(d);
                }
            }
        }
        let record_id = record_id_of(&headers);
        let content_length = match header_value(&headers, "Content-Length") {
            Some(v) => match v.trim().parse::<u64>() {
                Ok(n) => n,
                Err(_) => {
                    let mut d = Damage::new(format!(
                        "bad WARC header: Content-Length {:?} is not a number",
                        shorten(v)
                    ));
                    d.record_id = record_id;
                    return Err(d);
                }
            },
            None => {
                let mut d = Damage::new("bad WARC header: no Content-Length");
                d.record_id = record_id;
                return Err(d);
            }
        };
        // The block.
        let keep = want(&headers);
        let too_large = keep && content_length > self.max_block;
        let mut block = if keep && !too_large {
            Some(Vec::with_capacity(
                usize::try_from(content_length.min(8 << 20)).unwrap_or(0),
            ))
        } else {
            None
        };
        let got = {
            let mut take = (&mut self.inner).take(content_length);
            let r = match block.as_mut() {
                Some(b) => take.read_to_end(b).map(|n| n as u64),
                None => io::copy(&mut take, &mut io::sink()),
            };
            // Count what was consumed even when the read failed part-way.
            let consumed = content_length - take.limit();
            self.pos += consumed;
            r.map(|_| consumed)
        };
        match got {
            Ok(n) if n < content_length => {
                let mut d = Damage::new(format!(
                    "truncated WARC record: Content-Length {content_length} runs past the end \
                     of the input ({n} bytes of the block present)"
                ));
                d.at_eof = true;
                d.record_id = record_id;
                return Err(d);
            }
            Ok(_) => {}
            Err(e) => {
                let mut d = io_damage("read failed in the WARC block", e);
                d.record_id = record_id;
                return Err(d);
            }
        }
        // Trailing CRLFs and blank lines belong to this record; the next non-blank line
        // is kept for the next call.
        loop {
            match self.next_line() {
                LineRead::Line(l) if l.is_blank() => continue,
                LineRead::Line(l) => {
                    self.pending = Some(l);
                    break;
                }
                LineRead::Eof => break,
                LineRead::Failed(e) => {
                    // The record itself is whole; the failure is reported with the next.
                    self.pending = None;
                    self.failed_ahead = Some(e);
                    break;
                }
            }
        }
        let end = self.pending.as_ref().map_or(self.pos, |l| l.start);
        Ok(Some(WarcRecord {
            offset: start,
            len: end - start,
            version,
            headers,
            content_length,
            block,
            too_large,
        }))
    }

    /// Skips to the next line that starts with `WARC/` + digit (kept as pending), or
    /// to the end. A read error on the way ends the damaged stretch there and is
    /// reported as the next event (a gzip reader reports each damaged member once).
    fn resync(&mut self) {
        if self.pending.as_ref().is_some_and(RawLine::is_version) {
            return;
        }
        self.pending = None;
        loop {
            match self.next_line() {
                LineRead::Line(l) if l.is_version() => {
                    self.pending = Some(l);
                    return;
                }
                LineRead::Line(_) => {}
                LineRead::Eof => {
                    self.done = true;
                    return;
                }
                LineRead::Failed(e) => {
                    if self.last_failure == Some(self.pos) {
                        // A reader that keeps failing without progress.
                        self.done = true;
                    } else {
                        self.last_failure = Some(self.pos);
                        self.failed_ahead = Some(e);
                    }
                    return;
                }
            }
        }
    }
}

fn record_id_of(headers: &[(String, String)]) -> Option<String> {
    header_value(headers, "WARC-Record-ID")
        .map(|v| v.trim_start_matches('<').trim_end_matches('>').to_string())
        .filter(|v| !v.is_empty())
}

fn io_damage(what: &str, e: io::Error) -> Damage {
    Damage {
        message: format!("{what}: {e}"),
        record_id: None,
        io: Some(e),
        at_eof: false,
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        let head: String = s.chars().take(40).collect();
        format!("{head}...")
    }
}

/// The parts of an HTTP response that matter for getting the page out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code (200, 301, 404...).
    pub status: u16,
    /// Header fields in order, values trimmed.
    pub headers: Vec<(String, String)>,
    /// Offset of the body in the block.
    pub body_offset: usize,
}

impl HttpResponse {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The media type of `Content-Type`, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("Content-Type").map(media_type)
    }

    /// The `charset` parameter of `Content-Type`.
    pub fn charset(&self) -> Option<String> {
        self.header("Content-Type").and_then(charset_param)
    }
}

/// The media type of a `Content-Type` value, lower-cased, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The `charset` parameter of a `Content-Type` value, without quotes.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            .filter(|v| !v.is_empty())
    })
}

/// Parses the status line and headers of an HTTP response block.
pub fn parse_http_response(block: &[u8]) -> Result<HttpResponse, String> {
    let mut lines = Vec::new();
    let mut at = 0;
    let body_offset = loop {
        let Some(nl) = block[at..].iter().position(|&b| b == b'\n') else {
            return Err("HTTP header not terminated by a blank line".to_string());
        };
        let line = &block[at..at + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at += nl + 1;
        if line.is_empty() {
            break at;
        }
        if at > 1 << 20 {
            return Err("HTTP header longer than 1 MiB".to_string());
        }
        lines.push(String::from_utf8_lossy(line).into_owned());
    };
    let mut it = lines.into_iter();
    let status_line = it.next().ok_or_else(|| "empty HTTP response".to_string())?;
    let mut parts = status_line.split_whitespace();
    let proto = parts.next().unwrap_or("");
    if !proto.starts_with("HTTP/") {
        return Err(format!(
            "not an HTTP status line: {:?}",
            shorten(&status_line)
        ));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad HTTP status line: {:?}", shorten(&status_line)))?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for l in it {
        if l.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push(' ');
                v.push_str(l.trim());
            }
            continue;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
        // Lines without a colon are ignored, as browsers do.
    }
    Ok(HttpResponse {
        status,
        headers,
        body_offset,
    })
}

/// Undoes `Transfer-Encoding: chunked`; `None` when the body is not validly chunked
/// (crawlers often store it already de-chunked while keeping the header).
pub fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    loop {
        let nl = body[at..].iter().position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&body[at..at + nl]).ok()?;
        let size_text = line.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        at += nl + 1;
        if size == 0 {
            return Some(out);
        }
        let end = at.checked_add(size)?;
        out.extend_from_slice(body.get(at..end)?);
        at = end;
        // CRLF after the chunk data.
        if body.get(at) == Some(&b'\r') {
            at += 1;
        }
        if body.get(at) == Some(&b'\n') {
            at += 1;
        }
        if at >= body.len() {
            // A missing last chunk: accept what is there.
            return Some(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn record(kind: &str, id: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Date: 2024-01-02T03:04:05Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn events(input: &[u8]) -> Vec<WarcEvent> {
        let mut r = WarcReader::new(io::BufReader::with_capacity(16, input), 1 << 20);
        let mut out = Vec::new();
        while let Some(e) = r.next_event(|_| true) {
            out.push(e);
            assert!(out.len() < 100_000, "no progress");
        }
        out
    }

    /// The events' ranges tile the input, except a blank tail.
    fn assert_tiles(input: &[u8], evs: &[WarcEvent]) {
        let mut at = 0u64;
        for e in evs {
            let (o, l) = e.range();
            assert_eq!(o, at, "gap or overlap before {e:?}");
            at += l;
        }
        let tail = &input[at as usize..];
        assert!(
            tail.iter().all(|b| b" \t\r\n".contains(b)),
            "unaccounted tail {tail:?}"
        );
    }

    #[test]
    fn records_are_read_with_their_headers_and_blocks() {
        let mut input = record("warcinfo", "a", b"software: x\r\n");
        input.extend(record("response", "b", b"HTTP/1.1 200 OK\r\n\r\n<html>"));
        let evs = events(&input);
        assert_tiles(&input, &evs);
        let recs: Vec<&WarcRecord> = evs
            .iter()
            .filter_map(|e| match e {
                WarcEvent::Record(r) => Some(r),
                WarcEvent::Error(_) => None,
            })
            .collect();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].warc_type(), Some("response"));
        assert_eq!(recs[1].record_id(), Some("urn:uuid:b"));
        assert_eq!(recs[1].version, "WARC/1.1");
        assert_eq!(
            recs[1].block.as_deref(),
            Some(&b"HTTP/1.1 200 OK\r\n\r\n<html>"[..])
        );
        assert_eq!(recs[1].offset, recs[0].len);
    }

    #[test]
    fn a_bad_header_is_one_error_then_the_next_record() {
        let mut input = record("response", "a", b"one");
        let bad_at = input.len() as u64;
        input.extend(
            b"WARC/1.0\r\nWARC-Type: response\r\nthis is not a header\r\n\r\nblock\r\n\r\n",
        );
        input.extend(record("response", "c", b"three"));
        let evs = events(&input);
        assert_tiles(&input, &evs);
        assert_eq!(evs.len(), 3);
        match &evs[1] {
            WarcEvent::Error(e) => {
                assert_eq!(e.offset, bad_at);
                assert!(e.message.contains("not a field"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&evs[2], WarcEvent::Record(r) if r.record_id() == Some("urn:uuid:c")));
    }

    #[test]
    fn content_length_past_the_end_is_an_error_to_the_end() {
        let mut input = record("response", "a", b"one");
        let mut last = record("response", "b", b"0123456789");
        last.truncate(last.len() - 9);
        input.extend(&last);
        let evs = events(&input);
        assert_tiles(&input, &evs);
        assert_eq!(evs.len(), 2);
        match &evs[1] {
            WarcEvent::Error(e) => {
                assert!(e.message.contains("runs past the end"), "{}", e.message);
                assert_eq!(e.record_id.as_deref(), Some("urn:uuid:b"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_too_long_content_length_swallows_into_the_next_and_resyncs() {
        let mut a = record("response", "a", b"one");
        // Claim 40 bytes more than there are: the block eats into record b.
        let s = String::from_utf8(a.clone()).expect("ascii");
        a = s
            .replace("Content-Length: 3", "Content-Length: 43")
            .into_bytes();
        let mut input = a;
        input.extend(record("response", "b", b"two two two two two two two two"));
        input.extend(record("response", "c", b"three"));
        let evs = events(&input);
        assert_tiles(&input, &evs);
        assert!(
            matches!(evs.last(), Some(WarcEvent::Record(r)) if r.record_id() == Some("urn:uuid:c"))
        );
    }

    #[test]
    fn garbage_before_and_between_records_is_reported() {
        let mut input = b"garbage line\nmore\n".to_vec();
        input.extend(record("response", "a", b"one"));
        let evs = events(&input);
        assert_tiles(&input, &evs);
        assert!(matches!(&evs[0], WarcEvent::Error(e) if e.offset == 0 && e.len == 18));
        assert!(matches!(&evs[1], WarcEvent::Record(_)));
    }

    #[test]
    fn http_responses() {
        let r = parse_http_response(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<p>",
        )
        .expect("parses");
        assert_eq!(r.status, 200);
        assert_eq!(r.media_type().as_deref(), Some("text/html"));
        assert_eq!(r.charset().as_deref(), Some("ISO-8859-1"));
        assert_eq!(r.body_offset, 66);
        assert!(parse_http_response(b"garbage\r\n\r\n").is_err());
        assert!(parse_http_response(b"HTTP/1.1 200 OK\r\n").is_err());
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").as_deref(),
            Some(&b"abcde"[..])
        );
        assert_eq!(dechunk(b"<html>"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Arbitrary bytes: no panic, and every byte is in exactly one event (or in a
        /// blank tail).
        #[test]
        fn arbitrary_bytes_are_all_accounted_for(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            let evs = events(&bytes);
            assert_tiles(&bytes, &evs);
        }

        /// Valid records with damage spliced in: no panic, every byte accounted for,
        /// and every record after the damage that starts at a line start is recovered.
        #[test]
        fn damaged_streams_are_accounted_for_and_recover(
            blocks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 1..6),
            junk in prop::collection::vec(any::<u8>(), 0..60),
            at in any::<prop::sample::Index>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut input = Vec::new();
            for (i, b) in blocks.iter().enumerate() {
                input.extend(record("response", &i.to_string(), b));
            }
            let k = at.index(input.len() + 1);
            input.splice(k..k, junk.iter().copied());
            let evs = events(&input);
            assert_tiles(&input, &evs);
            // And a truncated copy.
            let c = cut.index(input.len() + 1);
            let evs = events(&input[..c]);
            assert_tiles(&input[..c], &evs);
        }

        /// Undamaged records all come back, blocks intact.
        #[test]
        fn clean_streams_round_trip(blocks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..6)) {
            let mut input = Vec::new();
            for (i, b) in blocks.iter().enumerate() {
                input.extend(record("response", &i.to_string(), b));
            }
            let evs = events(&input);
            assert_tiles(&input, &evs);
            prop_assert_eq!(evs.len(), blocks.len());
            for (e, b) in evs.iter().zip(&blocks) {
                match e {
                    WarcEvent::Record(r) => prop_assert_eq!(r.block.as_deref(), Some(&b[..])),
                    WarcEvent::Error(e) => prop_assert!(false, "error {:?}", e),
                }
            }
        }
    }
}
