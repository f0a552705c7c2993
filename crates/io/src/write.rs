//! Writing JSON Lines output: one serialized record per line, error records included.

use crate::error::RecordError;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

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
}

impl<W: Write> JsonlWriter<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonlWriter { out }
    }

    /// Writes `value` as one JSON line.
    pub fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }

    /// Writes the `{"id", "error"}` record for a failed record.
    pub fn write_error(&mut self, err: &RecordError) -> io::Result<()> {
        self.write(&ErrorRecord::from(err))
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The underlying writer (not flushed).
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Whether `err` means the reader of our output went away (`EPIPE`), which a
/// command-line tool should treat as a quiet end rather than a failure.
pub fn is_broken_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}
