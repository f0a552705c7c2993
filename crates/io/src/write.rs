//! Writing JSON Lines output: one serialized record per line, error records included.

use crate::error::RecordError;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use whosaid_core::analysis::{
    Analysis, Artifact, ArtifactKind, Quote, QuoteKind, Resolution, Speaker,
};
use whosaid_core::doc::Span;

/// The record written in place of a document that could not be read or analysed:
/// `{"id": "...", "error": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The id of the failed record (path, `PATH:LINE`, or the JSON Lines `id`).
    pub id: String,
    /// Why it failed, without the location prefix.
    pub error: String,
}

impl ErrorRecord {
    /// An error record from an id and a message.
    pub fn new(id: impl Into<String>, error: impl Into<String>) -> Self {
        ErrorRecord {
            id: id.into(),
            error: error.into(),
        }
    }
}

impl From<&RecordError> for ErrorRecord {
    fn from(e: &RecordError) -> Self {
        ErrorRecord::new(e.id.clone(), e.error.reason())
    }
}

/// Writes values as JSON Lines: each value on one line, `\n`-terminated.
///
/// Wrap a buffered writer (e.g. `BufWriter<StdoutLock>`); call [`JsonlWriter::flush`]
/// at the end. Errors are plain [`io::Error`]s, so [`is_broken_pipe`] can tell a
/// closed reader (`| head`) from a real failure.
#[derive(Debug)]
pub struct JsonlWriter<W: Write> {
    out: W,
    /// The line being written by [`JsonlWriter::write_line`] (reused); in a batching
    /// writer, the lines not yet written.
    line: Vec<u8>,
    /// Bytes of lines a batching writer gathers before it writes them (0: none, every
    /// line is written as it comes).
    batch: usize,
}

impl<W: Write> JsonlWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonlWriter {
            out,
            line: Vec::new(),
            batch: 0,
        }
    }

    /// A writer over an unbuffered `out` that gathers lines and writes them `batch`
    /// bytes or more at a time: the lines are serialised into its own buffer once,
    /// with no copy into a `BufWriter`'s. Lines not yet written are written by
    /// [`JsonlWriter::flush`] (not by [`JsonlWriter::into_inner`]), and write errors
    /// show when a batch is written.
    pub fn batched(out: W, batch: usize) -> Self {
        JsonlWriter {
            out,
            line: Vec::with_capacity(batch.saturating_add(batch / 2)),
            batch,
        }
    }

    /// Writes `value` as one JSON line.
    pub fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        if self.batch > 0 {
            let at = self.line.len();
            if let Err(e) = serde_json::to_writer(&mut self.line, value) {
                self.line.truncate(at);
                return Err(io::Error::from(e));
            }
            self.line.push(b'\n');
            return self.write_batch();
        }
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }

    /// Writes `value` as one JSON line through its own [`JsonLine`] writer.
    pub fn write_line<T: JsonLine + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        if self.batch == 0 {
            self.line.clear();
        }
        let at = self.line.len();
        if let Err(e) = value.write_json(&mut self.line) {
            // (nothing of a line that failed is written)
            self.line.truncate(at);
            return Err(e);
        }
        self.line.push(b'\n');
        if self.batch > 0 {
            return self.write_batch();
        }
        self.out.write_all(&self.line)
    }

    /// Writes the gathered lines once they reach the batch size.
    fn write_batch(&mut self) -> io::Result<()> {
        if self.line.len() < self.batch {
            return Ok(());
        }
        let written = self.out.write_all(&self.line);
        self.line.clear();
        written
    }

    /// Writes the `{"id", "error"}` record for a failed record.
    pub fn write_error(&mut self, err: &RecordError) -> io::Result<()> {
        self.write(&ErrorRecord::from(err))
    }

    /// Writes the lines a batching writer holds, then flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.batch > 0 && !self.line.is_empty() {
            let written = self.out.write_all(&self.line);
            self.line.clear();
            written?;
        }
        self.out.flush()
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A record that appends its own JSON to a buffer: the same bytes as `serde_json`
/// writes for it, without serde's per-field calls and per-byte escaping where a
/// hand-written writer can do better ([`Analysis`], the `whosaid extract` record).
pub trait JsonLine {
    /// Appends the record's JSON (without a newline) to `out`.
    fn write_json(&self, out: &mut Vec<u8>) -> io::Result<()>;
}

/// [`JsonLine::write_json`] for a type written by `serde_json` as it is.
pub fn write_serde<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::from)
}

impl JsonLine for ErrorRecord {
    fn write_json(&self, out: &mut Vec<u8>) -> io::Result<()> {
        write_serde(self, out)
    }
}

/// Appends `s` as a JSON string. Text with nothing to escape (nearly all of it) is
/// copied as is; the rest goes through `serde_json`, so escapes are its own.
fn json_str(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    // no early exit: the test runs many bytes per instruction
    let plain = !s.bytes().fold(false, |esc, b| {
        esc | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        write_serde(s, out)
    }
}

/// The decimal digits of 0 to 99, two bytes each (`"00"` to `"99"`).
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// The two decimal digits of `k` (below 100).
#[inline]
fn digit_pair(k: usize) -> [u8; 2] {
    [DIGIT_PAIRS[2 * k], DIGIT_PAIRS[2 * k + 1]]
}

/// Appends `n` in decimal (two digits a division). Numbers below a million (the offsets
/// of most texts) go on as arrays of their length, without a copy of variable length.
fn json_usize(out: &mut Vec<u8>, n: usize) {
    if n < 100 {
        if n < 10 {
            out.push(b'0' + n as u8);
        } else {
            out.extend_from_slice(&digit_pair(n));
        }
        return;
    }
    if n < 1_000_000 {
        let (high, [c, d]) = (n / 100, digit_pair(n % 100));
        if high < 10 {
            out.extend_from_slice(&[b'0' + high as u8, c, d]);
        } else if high < 100 {
            let [a, b] = digit_pair(high);
            out.extend_from_slice(&[a, b, c, d]);
        } else {
            let (top, [a, b]) = (high / 100, digit_pair(high % 100));
            if top < 10 {
                out.extend_from_slice(&[b'0' + top as u8, a, b, c, d]);
            } else {
                let [y, z] = digit_pair(top);
                out.extend_from_slice(&[y, z, a, b, c, d]);
            }
        }
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    while n >= 100 {
        let pair = 2 * (n % 100);
        n /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        at -= 2;
        digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[2 * n..2 * n + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + n as u8;
    }
    out.extend_from_slice(&digits[at..]);
}

/// The JSON of a [`QuoteKind`] as `serde_json` writes it (`"direct"`).
fn quote_kind_json(k: QuoteKind) -> &'static [u8] {
    match k {
        QuoteKind::Direct => b"\"direct\"",
        QuoteKind::Mixed => b"\"mixed\"",
        QuoteKind::Indirect => b"\"indirect\"",
        QuoteKind::Headline => b"\"headline\"",
    }
}

/// The JSON of a [`Resolution`] as `serde_json` writes it (`"named"`).
fn resolution_json(r: Resolution) -> &'static [u8] {
    match r {
        Resolution::Named => b"\"named\"",
        Resolution::Pronoun => b"\"pronoun\"",
        Resolution::Nominal => b"\"nominal\"",
        Resolution::Unresolved => b"\"unresolved\"",
    }
}

/// The JSON of an [`ArtifactKind`] as `serde_json` writes it (`"photo_caption"`).
fn artifact_kind_json(k: ArtifactKind) -> &'static [u8] {
    match k {
        ArtifactKind::PhotoCaption => b"\"photo_caption\"",
        ArtifactKind::TruncatedSentence => b"\"truncated_sentence\"",
        ArtifactKind::Byline => b"\"byline\"",
        ArtifactKind::Boilerplate => b"\"boilerplate\"",
    }
}

/// Appends a [`Span`] object.
fn json_span(out: &mut Vec<u8>, s: &Span) -> io::Result<()> {
    out.extend_from_slice(b"{\"text\":");
    json_str(out, &s.text)?;
    out.extend_from_slice(b",\"start\":");
    json_usize(out, s.start);
    out.extend_from_slice(b",\"end\":");
    json_usize(out, s.end);
    out.extend_from_slice(b",\"char_start\":");
    json_usize(out, s.char_start);
    out.extend_from_slice(b",\"char_end\":");
    json_usize(out, s.char_end);
    out.push(b'}');
    Ok(())
}

/// Appends `value` with `write`, or `null` when there is none.
fn json_opt<T: ?Sized>(
    out: &mut Vec<u8>,
    value: Option<&T>,
    write: impl Fn(&mut Vec<u8>, &T) -> io::Result<()>,
) -> io::Result<()> {
    match value {
        Some(v) => write(out, v),
        None => {
            out.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// Appends `items` as a JSON array, each with `write`.
fn json_array<T>(
    out: &mut Vec<u8>,
    items: &[T],
    write: impl Fn(&mut Vec<u8>, &T) -> io::Result<()>,
) -> io::Result<()> {
    out.push(b'[');
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write(out, item)?;
    }
    out.push(b']');
    Ok(())
}

/// Appends a [`Speaker`] object.
fn json_speaker(out: &mut Vec<u8>, s: &Speaker) -> io::Result<()> {
    out.extend_from_slice(b"{\"mention\":");
    json_opt(out, s.mention.as_ref(), json_span)?;
    out.extend_from_slice(b",\"name\":");
    json_opt(out, s.name.as_deref(), json_str)?;
    out.extend_from_slice(b",\"resolution\":");
    out.extend_from_slice(resolution_json(s.resolution));
    out.push(b'}');
    Ok(())
}

/// Appends a [`Quote`] object.
fn json_quote(out: &mut Vec<u8>, q: &Quote) -> io::Result<()> {
    out.extend_from_slice(b"{\"kind\":");
    out.extend_from_slice(quote_kind_json(q.kind));
    out.extend_from_slice(b",\"content\":");
    json_span(out, &q.content)?;
    if !q.fragments.is_empty() {
        out.extend_from_slice(b",\"fragments\":");
        json_array(out, &q.fragments, json_span)?;
    }
    out.extend_from_slice(b",\"cue\":");
    json_opt(out, q.cue.as_ref(), json_span)?;
    out.extend_from_slice(b",\"speaker\":");
    json_speaker(out, &q.speaker)?;
    out.extend_from_slice(b",\"addressee\":");
    json_opt(out, q.addressee.as_ref(), json_span)?;
    out.extend_from_slice(b",\"confidence\":");
    write_serde(&q.confidence, out)?;
    out.push(b'}');
    Ok(())
}

/// Appends an [`Artifact`] object.
fn json_artifact(out: &mut Vec<u8>, a: &Artifact) -> io::Result<()> {
    out.extend_from_slice(b"{\"kind\":");
    out.extend_from_slice(artifact_kind_json(a.kind));
    out.extend_from_slice(b",\"span\":");
    json_span(out, &a.span)?;
    out.push(b'}');
    Ok(())
}

impl JsonLine for Analysis {
    fn write_json(&self, out: &mut Vec<u8>) -> io::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        json_str(out, &self.id)?;
        out.extend_from_slice(b",\"quotes\":");
        json_array(out, &self.quotes, json_quote)?;
        out.extend_from_slice(b",\"artifacts\":");
        json_array(out, &self.artifacts, json_artifact)?;
        out.push(b'}');
        Ok(())
    }
}

/// Whether `err` means the reader of our output went away (`EPIPE`), which a
/// command-line tool should treat as a quiet end rather than a failure.
pub fn is_broken_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(v: &T) -> Vec<u8> {
        serde_json::to_vec(v).unwrap_or_default()
    }

    #[test]
    fn enum_names_are_serdes() {
        for k in [
            QuoteKind::Direct,
            QuoteKind::Mixed,
            QuoteKind::Indirect,
            QuoteKind::Headline,
        ] {
            assert_eq!(quote_kind_json(k), json(&k).as_slice());
        }
        for r in [
            Resolution::Named,
            Resolution::Pronoun,
            Resolution::Nominal,
            Resolution::Unresolved,
        ] {
            assert_eq!(resolution_json(r), json(&r).as_slice());
        }
        for k in [
            ArtifactKind::PhotoCaption,
            ArtifactKind::TruncatedSentence,
            ArtifactKind::Byline,
            ArtifactKind::Boilerplate,
        ] {
            assert_eq!(artifact_kind_json(k), json(&k).as_slice());
        }
    }

    #[test]
    fn numbers_are_serdes() {
        let mut n = 0usize;
        let mut step = 1usize;
        while let Some(next) = n.checked_add(step) {
            for m in [n, n + 1, n.saturating_sub(1)] {
                let mut out = Vec::new();
                json_usize(&mut out, m);
                assert_eq!(out, serde_json::to_vec(&m).unwrap_or_default(), "{m}");
            }
            n = next;
            step = step.saturating_mul(3) / 2 + 1;
        }
        let mut out = Vec::new();
        json_usize(&mut out, usize::MAX);
        assert_eq!(out, usize::MAX.to_string().into_bytes());
    }
}
