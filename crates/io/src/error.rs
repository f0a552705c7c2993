//! What can go wrong with one input record: [`ReadError`] says what and where,
//! [`RecordError`] adds the id under which the failed record is reported.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::gz::GzError;

/// A path as text, for record ids and messages: as it is when it is UTF-8 and holds no
/// backslash; otherwise with each backslash doubled and each byte that is not UTF-8
/// written `\xNN`. Two different paths never give the same text (`Path::display` writes
/// U+FFFD for every such byte, so two files named `caf\xE9.txt` and `caf\xE8.txt` in
/// Latin-1 got one id, and an ingest stored only the first).
///
/// ```
/// use std::path::Path;
/// use whosaid_io::path_text;
/// assert_eq!(path_text(Path::new("news/a.txt")), "news/a.txt");
/// assert_eq!(path_text(Path::new("a\\b.txt")), "a\\\\b.txt");
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let latin1 = Path::new(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
/// assert_eq!(path_text(latin1), "caf\\xe9.txt");
/// # }
/// ```
pub fn path_text(path: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            if !text.contains('\\') {
                return Cow::Borrowed(text);
            }
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        Cow::Owned(out)
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy()
    }
}

/// Where a record came from: a path (`-` for stdin) and, for JSON Lines, a 1-based
/// line, or for a WARC record its byte offset.
///
/// Displays as `PATH`, `PATH:LINE` or `PATH@OFFSET`, the prefix of every stderr message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as given or as joined while walking a directory; `-` for stdin.
    pub path: PathBuf,
    /// The 1-based line of a JSON Lines record; `None` for a whole-file record.
    pub line: Option<u64>,
    /// The byte offset of a WARC record in the (decompressed) stream.
    pub offset: Option<u64>,
}

impl Location {
    /// The location of a whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            offset: None,
        }
    }

    /// The location of line `line` (1-based) of a JSON Lines file.
    pub fn line(path: impl Into<PathBuf>, line: u64) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            offset: None,
        }
    }

    /// The location of the record at byte `offset` of a WARC stream.
    pub fn offset(path: impl Into<PathBuf>, offset: u64) -> Self {
        Location {
            path: path.into(),
            line: None,
            offset: Some(offset),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.offset) {
            (Some(n), _) => write!(f, "{}:{n}", path_text(&self.path)),
            (None, Some(o)) => write!(f, "{}@{o}", path_text(&self.path)),
            (None, None) => write!(f, "{}", path_text(&self.path)),
        }
    }
}

/// Why one record could not be read. Every variant names its [`Location`]; the
/// [`Display`](fmt::Display) form is `PATH[:LINE]: reason` and [`ReadError::reason`] is
/// the reason alone (the text of the `error` field of an error record).
#[derive(Debug, Error)]
pub enum ReadError {
    /// The file or directory could not be opened or inspected (missing, permission
    /// denied, disappeared between listing and opening, broken symlink...).
    #[error("{at}: cannot open: {source}")]
    Open {
        /// What could not be opened.
        at: Location,
        /// The operating system's error.
        source: io::Error,
    },
    /// Reading failed part-way through a file or stream.
    #[error("{at}: read failed: {source}")]
    Read {
        /// Where reading stopped.
        at: Location,
        /// The operating system's error.
        source: io::Error,
    },
    /// A directory could not be listed, or one of its entries could not be inspected.
    #[error("{at}: cannot list directory: {source}")]
    Dir {
        /// The directory (or entry).
        at: Location,
        /// The operating system's error.
        source: io::Error,
    },
    /// The bytes are not UTF-8. `offset` is the byte offset of the first invalid byte,
    /// counted from the start of the file for a text file and from the start of the
    /// line for a JSON Lines record.
    #[error("{at}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// The record.
        at: Location,
        /// Byte offset of the first invalid byte.
        offset: u64,
    },
    /// The document is empty or holds only whitespace.
    #[error("{at}: empty document")]
    Empty {
        /// The record.
        at: Location,
    },
    /// The document looks like binary data: it holds a NUL byte, or more than a tenth
    /// of its bytes are control characters. `offset` is the first such byte.
    #[error("{at}: binary data ({what} at byte offset {offset})")]
    Binary {
        /// The record.
        at: Location,
        /// What gave it away ("NUL byte" or "control characters").
        what: &'static str,
        /// Byte offset of the first offending byte.
        offset: u64,
    },
    /// The record is larger than [`ReadOptions::max_bytes`](crate::ReadOptions); it was
    /// skipped without being read into memory.
    #[error("{at}: record too large: {} exceeds the limit of {limit} bytes", size_text(*.size, *.limit))]
    TooLarge {
        /// The record.
        at: Location,
        /// Its size in bytes when known (a regular file, or a line that was skipped to its end).
        size: Option<u64>,
        /// The limit in force.
        limit: u64,
    },
    /// A JSON Lines record is not valid JSON, or not a JSON object.
    #[error("{at}: invalid JSON: {message}")]
    Json {
        /// The record.
        at: Location,
        /// What the JSON parser said, with the column in the line.
        message: String,
    },
    /// A JSON Lines record has no string `text` field.
    #[error("{at}: missing \"text\" field")]
    MissingText {
        /// The record.
        at: Location,
    },
    /// The gzip compression of the input is damaged: a corrupt member, a truncated
    /// file, or trailing bytes that are not gzip. The offset in the message is that of
    /// the compressed file.
    #[error("{at}: {error}")]
    Gzip {
        /// The record the damage falls in.
        at: Location,
        /// What is wrong and where in the compressed file.
        error: GzError,
    },
    /// A damaged WARC record (bad header, `Content-Length` past the end, unreadable
    /// HTTP response); `at` carries its byte offset.
    #[error("{at}: {message}")]
    Warc {
        /// The file and the record's byte offset in the (decompressed) stream.
        at: Location,
        /// What was wrong.
        message: String,
    },
    /// An HTML page in which no article text was found.
    #[error("{at}: no article text found in the HTML page")]
    NoArticleText {
        /// The record.
        at: Location,
    },
    /// The file is the output the run is writing (`whosaid extract dir > dir/out.jsonl`):
    /// reading it would feed the run its own output, so it is not read.
    #[error("{at}: is the output being written; not read")]
    IsOutput {
        /// The file.
        at: Location,
    },
    /// A JSON Lines field has the wrong type (e.g. `"title": 3`).
    #[error("{at}: field \"{field}\" must be {expected}")]
    FieldType {
        /// The record.
        at: Location,
        /// The field's name.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

fn size_text(size: Option<u64>, limit: u64) -> String {
    match size {
        Some(n) => format!("{n} bytes"),
        None => format!("more than {limit} bytes"),
    }
}

impl ReadError {
    /// Where the failed record came from.
    pub fn location(&self) -> &Location {
        match self {
            ReadError::Open { at, .. }
            | ReadError::Read { at, .. }
            | ReadError::Dir { at, .. }
            | ReadError::InvalidUtf8 { at, .. }
            | ReadError::Empty { at }
            | ReadError::Binary { at, .. }
            | ReadError::TooLarge { at, .. }
            | ReadError::Json { at, .. }
            | ReadError::MissingText { at }
            | ReadError::Gzip { at, .. }
            | ReadError::Warc { at, .. }
            | ReadError::NoArticleText { at }
            | ReadError::IsOutput { at }
            | ReadError::FieldType { at, .. } => at,
        }
    }

    /// The path of the failed record (`-` for stdin).
    pub fn path(&self) -> &Path {
        &self.location().path
    }

    /// The 1-based line of the failed JSON Lines record, if it was one.
    pub fn line(&self) -> Option<u64> {
        self.location().line
    }

    /// The error for a failed read at `at`: [`ReadError::Gzip`] when the reader was a
    /// [`GzReader`](crate::gz::GzReader) that met damage, else [`ReadError::Read`].
    pub fn from_io(at: Location, source: io::Error) -> Self {
        match GzError::from_io(&source) {
            Some(g) => ReadError::Gzip {
                at,
                error: g.clone(),
            },
            None => ReadError::Read { at, source },
        }
    }

    /// The reason without the location prefix, e.g. `invalid UTF-8 at byte offset 12`.
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.location());
        match full.strip_prefix(&prefix) {
            Some(rest) => rest.to_string(),
            None => full,
        }
    }
}

/// A record that failed: the id to report it under and why it failed.
///
/// The id is the path of a text file, `PATH:LINE` for a JSON Lines record, or the
/// record's own `id` when the line parsed far enough to have one.
#[derive(Debug, Error)]
#[error("{error}")]
pub struct RecordError {
    /// The id written in the error record.
    pub id: String,
    /// What went wrong, and where.
    pub error: ReadError,
}

impl RecordError {
    /// An error reported under the id derived from its location (`PATH` or `PATH:LINE`).
    pub fn new(error: ReadError) -> Self {
        RecordError {
            id: error.location().to_string(),
            error,
        }
    }

    /// An error reported under an explicit id.
    pub fn with_id(id: impl Into<String>, error: ReadError) -> Self {
        RecordError {
            id: id.into(),
            error,
        }
    }
}

impl From<ReadError> for RecordError {
    fn from(error: ReadError) -> Self {
        RecordError::new(error)
    }
}
