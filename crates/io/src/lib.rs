//! # whosaid-io
//!
//! Readers that turn files, directories and streams into [`whosaid_core::Document`]s,
//! reporting every bad record instead of stopping, and a JSON Lines writer for the
//! results.
//!
//! ```no_run
//! use std::path::PathBuf;
//! use whosaid_io::{read_inputs, JsonlWriter, ReadOptions};
//!
//! let mut out = JsonlWriter::new(std::io::stdout().lock());
//! for record in read_inputs(&[PathBuf::from("articles/")], &ReadOptions::default()) {
//!     match record {
//!         Ok(doc) => out.write(&whosaid_core::analyze(&doc))?,
//!         Err(e) => {
//!             eprintln!("whosaid: {e}");
//!             out.write_error(&e)?;
//!         }
//!     }
//! }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! ## Inputs
//!
//! * **Plain text**: one article per file; the whole file is the text (a first-line
//!   headline stays part of the text, `title` is left empty). The document id is the
//!   path as given, or as joined while walking a directory.
//! * **JSON Lines**: one object per line with `text` (required) and `id`, `title`,
//!   `url`, `date`, `source` (optional strings or null; `id` may also be a number).
//!   Chosen by [`Format::Jsonl`] or, with [`Format::Auto`], by a `.jsonl`/`.ndjson`
//!   extension. Blank lines are skipped; line numbers still count them. A record
//!   without an `id` gets `PATH:LINE`. An empty JSON Lines file yields no records.
//! * **`-`** or no path at all: stdin, read as plain text unless [`Format::Jsonl`].
//!   Its path in ids and messages is `-`.
//! * **Directories**: walked recursively, depth first, entries sorted by path, so the
//!   order is that of the sorted list of all file paths. Entries whose name starts with
//!   `.` are skipped, as are symlinks to directories (no cycles) and FIFOs, sockets and
//!   devices; symlinks to files are followed. Paths named explicitly are read whatever
//!   their name or type.
//!
//! Everything is streamed: a file is opened only when the iterator reaches it, and a
//! JSON Lines file is read one bounded line at a time.
//!
//! ## Bad input
//!
//! Each of these yields exactly one `Err(`[`RecordError`]`)` for the record it spoils,
//! and reading goes on with the next record:
//!
//! | case | error |
//! | --- | --- |
//! | file missing, unreadable, gone before it is opened, broken symlink | [`ReadError::Open`] |
//! | I/O error while reading (a JSON Lines file stops there) | [`ReadError::Read`] |
//! | directory cannot be listed | [`ReadError::Dir`] |
//! | invalid UTF-8 — never converted lossily | [`ReadError::InvalidUtf8`], offset of the first invalid byte (in the file; in the line for JSON Lines) |
//! | empty or whitespace-only text (file, stdin, or `text` field) | [`ReadError::Empty`] (`empty document`) |
//! | a NUL byte, or more than 10% control characters (other than tab, newlines, form feed) | [`ReadError::Binary`] |
//! | record larger than [`ReadOptions::max_bytes`] (default 64 MiB) | [`ReadError::TooLarge`]: a regular file is rejected from its size without being read; a stream is read up to the limit only; an over-long JSON Lines line is skipped to its newline without being buffered |
//! | malformed JSON, or a line that is not an object | [`ReadError::Json`] |
//! | JSON Lines record without a string `text` | [`ReadError::MissingText`] |
//! | JSON Lines field of the wrong type | [`ReadError::FieldType`] |
//!
//! A leading UTF-8 byte-order mark is removed from a text file (and from the first
//! line of a JSON Lines file); every other byte is kept, so a document's `text` is the
//! file's bytes. A very long line in a plain-text file is just text, accepted up to the
//! size limit.
//!
//! The error's id ([`RecordError::id`]) is the path for a whole file, `PATH:LINE` for a
//! JSON Lines line, or the line's own `id` when it parsed far enough to have one. Its
//! display is `PATH[:LINE]: reason`, what a command prints after `whosaid: ` on
//! stderr; [`ErrorRecord`] (`{"id", "error"}` with the bare reason) is what goes in the
//! JSON Lines output.
//!
//! ## Exit codes of `whosaid extract`
//!
//! The command built on this crate exits with **0** when every record was processed
//! (including when there was none), **1** when some records failed and others
//! succeeded (partial failure), and **2** on a usage error, when no record could be
//! read at all (every one failed), or when the output could not be written. A closed
//! stdout (`| head`) ends the command quietly with 0.

#![warn(missing_docs)]

pub mod error;
pub mod gz;
pub mod line;
pub mod read;
pub mod warc;
pub mod write;

pub use error::{Location, ReadError, RecordError};
pub use gz::{GzError, GzErrorKind, GzReader};
pub use line::{read_bounded_line, Line};
pub use read::{
    read_inputs, read_reader, short_name, sniff, text_document, total_size, Article, Format,
    Inputs, Parsed, RawRecord, ReadOptions, Record, Stats, DEFAULT_MAX_BYTES, STDIN_PATH,
};
pub use write::{is_broken_pipe, ErrorRecord, JsonlWriter};

#[cfg(test)]
mod tests;
