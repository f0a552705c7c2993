//! Turning paths into a stream of [`Record`]s: plain text files, JSON Lines files,
//! directories walked in path order, and stdin.

use crate::error::{Location, ReadError, RecordError};
use crate::line::{read_bounded_line, Line};
use serde_json::{Map, Value};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use whosaid_core::Document;

/// One input record: a document to analyse, or the error to report in its place.
pub type Record = Result<Document, RecordError>;

/// The default [`ReadOptions::max_bytes`]: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Capacity of the buffered readers used for JSON Lines input.
const READ_BUFFER: usize = 64 * 1024;

/// How inputs are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// JSON Lines for files ending in `.jsonl` or `.ndjson` (any case), plain text for
    /// every other file and for stdin.
    #[default]
    Auto,
    /// Every input is one plain-text article.
    Text,
    /// Every input, stdin included, is JSON Lines.
    Jsonl,
}

/// Options for [`read_inputs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// How to parse the inputs.
    pub format: Format,
    /// The largest record accepted, in bytes: a whole plain-text file, or one JSON
    /// Lines line. A larger record becomes a [`ReadError::TooLarge`] error record and is
    /// never read whole into memory.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: Format::Auto,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl ReadOptions {
    fn max_usize(&self) -> usize {
        usize::try_from(self.max_bytes).unwrap_or(usize::MAX)
    }

    fn is_jsonl(&self, path: &Path) -> bool {
        match self.format {
            Format::Text => false,
            Format::Jsonl => true,
            Format::Auto => path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson")
            }),
        }
    }
}

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";

/// Reads every input in order, lazily: each file is opened only when the iterator
/// reaches it and a JSON Lines file is read one line at a time.
///
/// An empty `paths` reads stdin, as does the path `-`. Directories are walked
/// recursively, entries sorted by path; see the [crate docs](crate) for every rule.
/// The iterator never stops early on a bad record: each failure is one `Err` item.
pub fn read_inputs(paths: &[PathBuf], opts: &ReadOptions) -> Inputs {
    let mut stack: Vec<Pending> = if paths.is_empty() {
        vec![Pending::Stdin]
    } else {
        paths
            .iter()
            .rev()
            .map(|p| {
                if p.as_os_str() == STDIN_PATH {
                    Pending::Stdin
                } else {
                    Pending::Path {
                        path: p.clone(),
                        walked: false,
                    }
                }
            })
            .collect()
    };
    stack.shrink_to_fit();
    Inputs {
        opts: *opts,
        stack,
        jsonl: None,
        buf: Vec::new(),
    }
}

/// The iterator returned by [`read_inputs`]. It is `Send`, so it can feed a worker pool.
pub struct Inputs {
    opts: ReadOptions,
    /// Work still to do, last item first.
    stack: Vec<Pending>,
    /// The JSON Lines stream being read, if any.
    jsonl: Option<JsonlStream>,
    /// Line buffer reused across JSON Lines records.
    buf: Vec<u8>,
}

enum Pending {
    Stdin,
    Path { path: PathBuf, walked: bool },
    Failed(ReadError),
}

struct JsonlStream {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: u64,
}

impl Iterator for Inputs {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(stream) = &mut self.jsonl {
                match stream.next_record(&self.opts, &mut self.buf) {
                    Some(rec) => return Some(rec),
                    None => {
                        self.jsonl = None;
                        // Do not keep a huge line buffer alive after the file.
                        self.buf = Vec::new();
                    }
                }
            }
            match self.stack.pop()? {
                Pending::Failed(e) => return Some(Err(RecordError::new(e))),
                Pending::Stdin => {
                    let path = PathBuf::from(STDIN_PATH);
                    if self.opts.format == Format::Jsonl {
                        self.jsonl = Some(JsonlStream::new(path, Box::new(io::stdin())));
                        continue;
                    }
                    return Some(read_text(&path, io::stdin(), None, &self.opts));
                }
                Pending::Path { path, walked } => {
                    let meta = match fs::metadata(&path) {
                        Ok(m) => m,
                        Err(source) => {
                            return Some(Err(RecordError::new(ReadError::Open {
                                at: Location::file(path),
                                source,
                            })))
                        }
                    };
                    if meta.is_dir() {
                        self.push_dir(&path);
                        continue;
                    }
                    if walked && !meta.is_file() {
                        // Sockets, FIFOs and devices met while walking are skipped.
                        continue;
                    }
                    if self.opts.is_jsonl(&path) {
                        match File::open(&path) {
                            Ok(f) => {
                                self.jsonl = Some(JsonlStream::new(path, Box::new(f)));
                                continue;
                            }
                            Err(source) => {
                                return Some(Err(RecordError::new(ReadError::Open {
                                    at: Location::file(path),
                                    source,
                                })))
                            }
                        }
                    }
                    return Some(read_text_file(&path, &self.opts));
                }
            }
        }
    }
}

impl Inputs {
    /// Lists `dir` and pushes its visible entries, sorted, in front of the rest.
    fn push_dir(&mut self, dir: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(source) => {
                self.stack.push(Pending::Failed(ReadError::Dir {
                    at: Location::file(dir),
                    source,
                }));
                return;
            }
        };
        let mut found: Vec<PathBuf> = Vec::new();
        let mut failed: Vec<ReadError> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(source) => {
                    failed.push(ReadError::Dir {
                        at: Location::file(dir),
                        source,
                    });
                    continue;
                }
            };
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_symlink() => {
                    // Follow links to files, never links to directories (no cycles). A
                    // broken link is kept so that opening it reports the error.
                    if fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
                        continue;
                    }
                    found.push(path);
                }
                Ok(_) => found.push(path),
                Err(source) => failed.push(ReadError::Dir {
                    at: Location::file(path),
                    source,
                }),
            }
        }
        found.sort();
        // Listing errors come after the directory's files.
        self.stack
            .extend(failed.into_iter().rev().map(Pending::Failed));
        self.stack.extend(
            found
                .into_iter()
                .rev()
                .map(|path| Pending::Path { path, walked: true }),
        );
    }
}

impl JsonlStream {
    fn new(path: PathBuf, inner: Box<dyn Read + Send>) -> Self {
        JsonlStream {
            path,
            reader: Box::new(BufReader::with_capacity(READ_BUFFER, inner)),
            line: 0,
        }
    }

    /// The next record of the stream, skipping blank lines; `None` at its end or
    /// after a read error (which is returned once, as a record).
    fn next_record(&mut self, opts: &ReadOptions, buf: &mut Vec<u8>) -> Option<Record> {
        loop {
            self.line += 1;
            let at = Location::line(&self.path, self.line);
            match read_bounded_line(&mut self.reader, opts.max_usize(), buf) {
                Ok(None) => return None,
                Err(source) => {
                    // Nothing more can be trusted from this stream.
                    self.reader = Box::new(io::empty());
                    return Some(Err(RecordError::new(ReadError::Read { at, source })));
                }
                Ok(Some(Line::TooLong { len })) => {
                    return Some(Err(RecordError::new(ReadError::TooLarge {
                        at,
                        size: Some(len),
                        limit: opts.max_bytes,
                    })))
                }
                Ok(Some(Line::Complete)) => {
                    let mut bytes: &[u8] = buf;
                    if self.line == 1 {
                        bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
                    }
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(jsonl_document(at, bytes));
                }
            }
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a plain-text file as one article, with the size limit checked before reading.
fn read_text_file(path: &Path, opts: &ReadOptions) -> Record {
    let at = Location::file(path);
    let file = File::open(path).map_err(|source| ReadError::Open {
        at: at.clone(),
        source,
    })?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if let Some(n) = size {
        if n > opts.max_bytes {
            return Err(ReadError::TooLarge {
                at,
                size: Some(n),
                limit: opts.max_bytes,
            }
            .into());
        }
    }
    read_text(path, file, size, opts)
}

/// Reads at most `max_bytes` (+1 to detect overflow) from `reader` as one article.
fn read_text<R: Read>(path: &Path, reader: R, size: Option<u64>, opts: &ReadOptions) -> Record {
    let at = Location::file(path);
    let hint = size.unwrap_or(0).min(opts.max_bytes);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    if let Err(source) = reader
        .take(opts.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return Err(ReadError::Read { at, source }.into());
    }
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ReadError::TooLarge {
            at,
            size: None,
            limit: opts.max_bytes,
        }
        .into());
    }
    text_document(at, bytes).map_err(RecordError::new)
}

/// Makes the document for a plain-text record whose bytes are `bytes`; its id is the
/// location (`PATH`). A leading UTF-8 byte-order mark is removed; every other byte is
/// kept, so `text` is exactly the bytes after the mark. Errors: a NUL byte or mostly
/// control characters ([`ReadError::Binary`]), invalid UTF-8
/// ([`ReadError::InvalidUtf8`], offset counted from the first byte of `bytes`), or
/// only whitespace ([`ReadError::Empty`]).
pub fn text_document(at: Location, mut bytes: Vec<u8>) -> Result<Document, ReadError> {
    let skipped = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len() as u64
    } else {
        0
    };
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary {
            at,
            what: "NUL byte",
            offset: skipped + i as u64,
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(ReadError::InvalidUtf8 {
                at,
                offset: skipped + e.utf8_error().valid_up_to() as u64,
            })
        }
    };
    check_text(&at, &text, skipped)?;
    Ok(Document::new(at.to_string(), text))
}

/// Rejects empty and binary-looking text. `base` is added to reported offsets.
fn check_text(at: &Location, text: &str, base: u64) -> Result<(), ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty { at: at.clone() });
    }
    let bytes = text.as_bytes();
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(ReadError::Binary {
            at: at.clone(),
            what: "NUL byte",
            offset: base + i as u64,
        });
    }
    let is_control =
        |b: &u8| (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || *b == 0x7f;
    let controls = bytes.iter().filter(|b| is_control(b)).count();
    if controls > 0 && controls.saturating_mul(10) > bytes.len() {
        let first = bytes.iter().position(is_control).unwrap_or(0);
        return Err(ReadError::Binary {
            at: at.clone(),
            what: "control characters",
            offset: base + first as u64,
        });
    }
    Ok(())
}

/// Parses one JSON Lines record (the line without its newline).
fn jsonl_document(at: Location, bytes: &[u8]) -> Record {
    let loc_id = at.to_string();
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8 {
        at: at.clone(),
        offset: e.valid_up_to() as u64,
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| ReadError::Json {
        at: at.clone(),
        message: json_message(&e),
    })?;
    let Value::Object(mut obj) = value else {
        return Err(ReadError::Json {
            at,
            message: format!("expected a JSON object, found {}", kind_of(&value)),
        }
        .into());
    };
    let id = match obj.remove("id") {
        None | Some(Value::Null) => loc_id,
        Some(Value::String(s)) if s.is_empty() => loc_id,
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(ReadError::FieldType {
                at,
                field: "id",
                expected: "a string or a number",
            }
            .into())
        }
    };
    let fail = |id: &str, e: ReadError| RecordError::with_id(id, e);
    let text = match obj.remove("text") {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => return Err(fail(&id, ReadError::MissingText { at })),
        Some(_) => {
            return Err(fail(
                &id,
                ReadError::FieldType {
                    at,
                    field: "text",
                    expected: "a string",
                },
            ))
        }
    };
    let mut meta = |field: &'static str| -> Result<Option<String>, RecordError> {
        optional_string(&mut obj, field).map_err(|()| {
            fail(
                &id,
                ReadError::FieldType {
                    at: at.clone(),
                    field,
                    expected: "a string or null",
                },
            )
        })
    };
    let title = meta("title")?;
    let url = meta("url")?;
    let date = meta("date")?;
    let source = meta("source")?;
    check_text(&at, &text, 0).map_err(|e| fail(&id, e))?;
    Ok(Document {
        id,
        title,
        text,
        url,
        date,
        source,
    })
}

fn optional_string(obj: &mut Map<String, Value>, field: &str) -> Result<Option<String>, ()> {
    match obj.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message with its `at line 1 column N` turned into `at column N`.
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(msg) => format!("{msg} at column {}", e.column()),
        None => full,
    }
}
