//! # whosaid-io
//!
//! Readers that turn files (plain text, JSON Lines, HTML, WARC; gzip-compressed or
//! not), directories, globs and streams into [`whosaid_core::Document`]s,
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
//! Every input, file or stdin, is first checked for gzip (`1f 8b`): compressed input is
//! decompressed on the fly, member by member ([`gz::GzReader`]), whatever its format.
//! The format is then taken from [`ReadOptions::format`] or, with [`Format::Auto`],
//! detected by [`sniff`] from the first kilobyte of the (decompressed) data and the
//! name: `WARC/` → WARC, `<!doctype html`/`<html` → HTML, then the extension (`.warc`,
//! `.html`/`.htm`, `.jsonl`/`.ndjson`, `.txt`; a `.gz` suffix is ignored), then a first
//! line starting with `{` → JSON Lines, else plain text.
//!
//! * **Plain text**: one article per file; the whole file is the text (a first-line
//!   headline stays part of the text, `title` is left empty). The document id is the
//!   path as given, or as joined while walking a directory.
//! * **HTML**: one page per file, decoded by [`whosaid_html::decode`] (BOM, then a
//!   `<meta>` charset, else UTF-8; a charset that cannot be honoured or malformed bytes
//!   give a warning, never an error) and reduced to its main text by
//!   [`whosaid_html::extract`]: `text` is the main text, `title`, `url` (canonical),
//!   `date` and `source` (site name) come from the page's metadata, and the byline is
//!   kept in [`Article::byline`]. The id is the path. A page without article text is
//!   [`ReadError::NoArticleText`].
//! * **WARC** (WARC/1.0 and 1.1, e.g. Common Crawl CC-NEWS), read record by record by
//!   [`warc::WarcReader`]: each `response` record with an HTTP 200 HTML response (and
//!   each `resource` record of type `text/html`) is one page, decoded with the HTTP
//!   charset; `Transfer-Encoding: chunked` and a still-compressed `Content-Encoding`
//!   are undone. The id is the `WARC-Record-ID` (`urn:uuid:...`), else the target URI;
//!   the target URI is the `url` unless the page names a canonical one. Every other
//!   record (`warcinfo`, `request`, `metadata`, redirects, errors, images...) is
//!   skipped and counted in [`Stats::skipped`], not reported as an error.
//! * **JSON Lines**: one object per line with `text` (required) and `id`, `title`,
//!   `url`, `date`, `source` (optional strings or null; `id` may also be a number).
//!   Blank lines are skipped; line numbers still count them. A record without an `id`
//!   gets `PATH:LINE`. An empty JSON Lines file yields no records.
//! * **`-`** or no path at all: stdin, detected like a file without a name. Its path in
//!   ids and messages is `-`. [`read_reader`] reads any other open stream the same way.
//! * **Directories**: walked recursively, depth first, entries sorted by path, so the
//!   order is that of the sorted list of all file paths. Entries whose name starts with
//!   `.` are skipped, as are symlinks to directories (no cycles) and FIFOs, sockets and
//!   devices; symlinks to files are followed. Paths named explicitly are read whatever
//!   their name or type.
//! * **The run's own files**: [`Inputs::excluding_database`] passes over a corpus
//!   database and its `-wal`, `-shm` and `-journal` files met while walking;
//!   [`Inputs::excluding_output`] turns the file the run writes to into one
//!   [`ReadError::IsOutput`] error record instead of reading it (`whosaid` sets both).
//! * **Globs**: a path that does not exist but holds `*`, `?` or `[` is expanded
//!   (matches sorted); no match is one [`ReadError::Open`] error.
//!
//! Everything is streamed: a file is opened only when the iterator reaches it, a JSON
//! Lines file is read one bounded line at a time and a WARC file one record at a time,
//! so memory does not grow with the size of an input. [`Inputs`] as an iterator gives
//! finished [`Record`]s; [`Inputs::next_raw`] gives [`RawRecord`]s whose costly part
//! (HTML extraction) can be run on worker threads by [`RawRecord::parse`], which also
//! returns the byline and the warnings.
//!
//! ## Bad input
//!
//! Each of these yields exactly one `Err(`[`RecordError`]`)` for the record it spoils,
//! and reading goes on with the next record:
//!
//! | case | error |
//! | --- | --- |
//! | file missing, unreadable, gone before it is opened, broken symlink, glob without match | [`ReadError::Open`] |
//! | I/O error while reading (a JSON Lines or WARC file stops there) | [`ReadError::Read`] |
//! | directory cannot be listed | [`ReadError::Dir`] |
//! | invalid UTF-8 in text or JSON Lines — never converted lossily | [`ReadError::InvalidUtf8`], offset of the first invalid byte (in the file; in the line for JSON Lines) |
//! | empty or whitespace-only text (file, stdin, or `text` field) | [`ReadError::Empty`] (`empty document`) |
//! | a NUL byte, or more than 10% control characters (other than tab, newlines, form feed) | [`ReadError::Binary`] |
//! | record larger than [`ReadOptions::max_bytes`] (default 64 MiB) | [`ReadError::TooLarge`]: a regular file is rejected from its size without being read; a stream is read up to the limit only; an over-long JSON Lines line is skipped to its newline without being buffered; a WARC block is skipped in chunks |
//! | malformed JSON, or a line that is not an object | [`ReadError::Json`] |
//! | JSON Lines record without a string `text` | [`ReadError::MissingText`] |
//! | JSON Lines field of the wrong type | [`ReadError::FieldType`] |
//! | corrupt gzip member, gzip data cut short, trailing bytes that are not gzip | [`ReadError::Gzip`], with the byte offset of the member in the compressed file; the records before are kept, reading resumes at the next good member |
//! | bad WARC header, missing `Content-Length`, a block running past the end, malformed HTTP response | [`ReadError::Warc`], at `PATH@OFFSET` (the record's byte offset); reading resumes at the next `WARC/` line |
//! | HTML page without article text | [`ReadError::NoArticleText`] |
//!
//! A leading UTF-8 byte-order mark is removed from a text file (and from the first
//! line of a JSON Lines file); every other byte is kept, so a document's `text` is the
//! file's bytes. A very long line in a plain-text file is just text, accepted up to the
//! size limit.
//!
//! The error's id ([`RecordError::id`]) is the path for a whole file, `PATH:LINE` for a
//! JSON Lines line, `PATH@OFFSET` for damage in a WARC file, or the record's own `id`
//! (JSON Lines `id`, WARC record id) when it was read far enough to have one. Its
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

pub use error::{path_text, Location, ReadError, RecordError};
pub use gz::{GzError, GzErrorKind, GzReader};
pub use line::{read_bounded_line, Line};
pub use read::{
    read_inputs, read_reader, short_name, sniff, text_document, total_size, Article, Format,
    Inputs, Parsed, RawRecord, ReadOptions, Record, Stats, DEFAULT_MAX_BYTES, STDIN_PATH,
};
pub use write::{is_broken_pipe, write_serde, ErrorRecord, JsonLine, JsonlWriter};

#[cfg(test)]
mod tests;
