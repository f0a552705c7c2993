//! Turning paths into a stream of records: plain text, JSON Lines, HTML pages and WARC
//! files, each possibly gzip-compressed; directories walked in path order; globs; stdin.

use crate::error::{Location, ReadError, RecordError};
use crate::gz::{is_gzip, GzReader};
use crate::line::{read_bounded_line, Line};
use crate::warc::{self, WarcEvent, WarcReader, WarcRecord};
use serde_json::{Map, Value};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use whosaid_core::Document;

/// One input record: a document to analyse, or the error to report in its place.
pub type Record = Result<Document, RecordError>;

/// The default [`ReadOptions::max_bytes`]: 64 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Capacity of the buffered readers.
const READ_BUFFER: usize = 64 * 1024;

/// Largest regular file read whole before its format is known ([`Inputs::open_whole`]);
/// larger ones are streamed.
const WHOLE_READ: u64 = 1 << 20;

/// Smallest capacity of a buffered reader sized to its file ([`buffer_capacity`]).
const MIN_READ_BUFFER: usize = 8 * 1024;

/// Capacity of a buffered reader over `size` bytes: no more than the file holds (a
/// buffer is zeroed before its first read, and most articles are a few KiB), at most
/// [`READ_BUFFER`].
fn buffer_capacity(size: Option<u64>) -> usize {
    size.and_then(|n| usize::try_from(n).ok())
        .map_or(READ_BUFFER, |n| {
            n.saturating_add(1).clamp(MIN_READ_BUFFER, READ_BUFFER)
        })
}

/// How many bytes (after decompression) format sniffing looks at.
const SNIFF_BYTES: usize = 1024;

/// How inputs are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Detected per input from its first bytes (after gzip decompression) and its
    /// name; see [`sniff`].
    #[default]
    Auto,
    /// Every input is one plain-text article.
    Text,
    /// Every input, stdin included, is JSON Lines.
    Jsonl,
    /// Every input is one HTML page.
    Html,
    /// Every input is a WARC file.
    Warc,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(Format::Auto),
            "text" | "txt" => Ok(Format::Text),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "html" | "htm" => Ok(Format::Html),
            "warc" => Ok(Format::Warc),
            other => Err(format!(
                "unknown format {other:?}: expected auto, text, jsonl, html or warc"
            )),
        }
    }
}

/// Options for [`read_inputs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// How to parse the inputs.
    pub format: Format,
    /// The largest record accepted, in bytes: a whole plain-text or HTML file, one JSON
    /// Lines line, or one WARC record's block. A larger record becomes a
    /// [`ReadError::TooLarge`] error record and is never read whole into memory.
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
}

/// Guesses the format of an input from its first bytes (after decompression) and,
/// when it has one, its path (a `.gz` suffix is ignored).
///
/// In order: `WARC/` → [`Format::Warc`]; `<!doctype html`, `<html`, or a `<` whose first
/// kilobyte holds `<html`, `<head` or `<body` → [`Format::Html`]; a `.warc`, `.html`/
/// `.htm`/`.xhtml`, `.jsonl`/`.ndjson` or `.txt` extension → that format; a first
/// line starting with `{` → [`Format::Jsonl`]; anything else → [`Format::Text`].
/// Leading whitespace and a UTF-8 byte-order mark are skipped.
pub fn sniff(head: &[u8], path: Option<&Path>) -> Format {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    if body.starts_with(b"WARC/") {
        return Format::Warc;
    }
    let lower: Vec<u8> = body
        .iter()
        .take(SNIFF_BYTES)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return Format::Html;
    }
    let holds = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if lower.starts_with(b"<") && (holds(b"<html") || holds(b"<head") || holds(b"<body")) {
        return Format::Html;
    }
    if let Some(ext) = path.and_then(extension) {
        match ext.as_str() {
            "warc" | "arc" => return Format::Warc,
            "html" | "htm" | "xhtml" | "shtml" => return Format::Html,
            "jsonl" | "ndjson" => return Format::Jsonl,
            "txt" | "text" => return Format::Text,
            _ => {}
        }
    }
    if body.starts_with(b"{") {
        return Format::Jsonl;
    }
    Format::Text
}

/// The lower-cased extension of `path` once a `.gz` suffix is removed.
fn extension(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_string())
}

/// The short name of a whole-file record: the file name without its extensions
/// (`news/story.html.gz` → `story`); `-` for stdin.
pub fn short_name(path: &Path) -> String {
    let Some(name) = path.file_name() else {
        return path.display().to_string();
    };
    let name = name.to_string_lossy();
    match name.split_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => name.into_owned(),
    }
}

/// The path that stands for standard input.
pub const STDIN_PATH: &str = "-";

/// An article as read: the [`Document`] to analyse and what it carries besides.
#[derive(Debug, Clone)]
pub struct Article {
    /// The document: id, text and metadata.
    pub doc: Document,
    /// The author line of an HTML page, when it names one.
    pub byline: Option<String>,
    /// A short id: the file name without extensions for a whole-file record, else the
    /// document id (JSON Lines `id`, WARC record id).
    pub name: String,
}

/// What [`RawRecord::parse`] gives: the article (or its error) and warnings, each
/// `LOCATION: warning: message`, for stderr.
#[derive(Debug)]
pub struct Parsed {
    /// The article, or why there is none.
    pub article: Result<Article, RecordError>,
    /// Things worth telling, e.g. a charset that was not honoured.
    pub warnings: Vec<String>,
}

/// A record read but not yet parsed: HTML pages are decoded and their main text
/// extracted by [`RawRecord::parse`], which is the costly part and can run on a worker
/// thread; other records are ready already.
#[derive(Debug)]
pub struct RawRecord(Raw);

#[derive(Debug)]
enum Raw {
    Ready(Result<Article, RecordError>),
    Html(HtmlJob),
}

#[derive(Debug)]
struct HtmlJob {
    at: Location,
    id: String,
    name: String,
    bytes: Vec<u8>,
    charset: Option<String>,
    url: Option<String>,
}

impl RawRecord {
    fn ready(article: Result<Article, RecordError>) -> Self {
        RawRecord(Raw::Ready(article))
    }

    fn error(e: RecordError) -> Self {
        RawRecord(Raw::Ready(Err(e)))
    }

    /// Bytes held, to bound the memory of a batch of records.
    pub fn size(&self) -> usize {
        match &self.0 {
            Raw::Ready(Ok(a)) => a.doc.text.len(),
            Raw::Ready(Err(_)) => 0,
            Raw::Html(j) => j.bytes.len(),
        }
    }

    /// Finishes the record: decodes and extracts an HTML page; a no-op for others.
    pub fn parse(self) -> Parsed {
        match self.0 {
            Raw::Ready(article) => Parsed {
                article,
                warnings: Vec::new(),
            },
            Raw::Html(job) => job.parse(),
        }
    }
}

impl HtmlJob {
    fn parse(self) -> Parsed {
        let (text, warning) = whosaid_html::decode(&self.bytes, self.charset.as_deref());
        drop(self.bytes);
        let warnings = warning
            .map(|w| vec![format!("{}: warning: {w}", self.at)])
            .unwrap_or_default();
        let page = whosaid_html::extract(&text, self.url.as_deref());
        drop(text);
        let article = if page.text.trim().is_empty() {
            Err(RecordError::with_id(
                self.id,
                ReadError::NoArticleText { at: self.at },
            ))
        } else {
            Ok(Article {
                doc: Document {
                    id: self.id,
                    title: page.title,
                    text: page.text,
                    url: page.url,
                    date: page.date,
                    source: page.site_name,
                },
                byline: page.byline,
                name: self.name,
            })
        };
        Parsed { article, warnings }
    }
}

/// Counters of a reading run, shared with whoever shows progress.
#[derive(Debug, Default)]
pub struct Stats {
    bytes_read: AtomicU64,
    skipped: AtomicU64,
}

impl Stats {
    /// Bytes read from files and stdin so far (compressed bytes for gzip input).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// WARC records skipped as not being HTML pages (requests, metadata, redirects,
    /// errors, images...): counted, not reported as errors.
    pub fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }
}

/// Counts the bytes read through it into [`Stats::bytes_read`].
struct Counting<R> {
    inner: R,
    stats: Arc<Stats>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.stats.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Gives back bytes read ahead for sniffing, then an error met while reading them (at
/// its place in the stream), then the rest.
struct Replay<R> {
    head: io::Cursor<Vec<u8>>,
    err: Option<io::Error>,
    rest: R,
}

impl<R: Read> Read for Replay<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.head.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        self.rest.read(buf)
    }
}

/// The total size in bytes of the inputs, if they are all files (directories walked
/// and globs expanded by the same rules as [`read_inputs`]); `None` with stdin.
/// Meant for a progress bar's ETA.
pub fn total_size(paths: &[PathBuf]) -> Option<u64> {
    if paths.is_empty() {
        return None;
    }
    let mut total = 0u64;
    let mut stack: Vec<PathBuf> = paths.iter().rev().cloned().collect();
    let mut seen = 0usize;
    while let Some(p) = stack.pop() {
        seen += 1;
        if seen > 10_000_000 {
            return None;
        }
        if p.as_os_str() == STDIN_PATH {
            return None;
        }
        match fs::metadata(&p) {
            Ok(m) if m.is_dir() => {
                if let Ok(entries) = fs::read_dir(&p) {
                    for e in entries.flatten() {
                        if e.file_name().to_string_lossy().starts_with('.') {
                            continue;
                        }
                        let is_dir_link = e.file_type().is_ok_and(|t| t.is_symlink())
                            && fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
                        if !is_dir_link {
                            stack.push(e.path());
                        }
                    }
                }
            }
            Ok(m) => total += m.len(),
            Err(_) => {
                if let Some(found) = expand_glob(&p) {
                    stack.extend(found.into_iter().rev());
                }
            }
        }
    }
    Some(total)
}

/// The sorted matches of `path` read as a glob pattern, or `None` when it is not one.
fn expand_glob(path: &Path) -> Option<Vec<PathBuf>> {
    let pattern = path.to_str()?;
    if !pattern.contains(['*', '?', '[']) {
        return None;
    }
    let mut found: Vec<PathBuf> = glob::glob(pattern).ok()?.flatten().collect();
    found.sort();
    Some(found)
}

/// Reads every input in order, lazily: each file is opened only when the iterator
/// reaches it, and JSON Lines and WARC files are read one record at a time.
///
/// An empty `paths` reads stdin, as does the path `-`. Directories are walked
/// recursively, entries sorted by path; a path that does not exist but holds `*`, `?`
/// or `[` is expanded as a glob (matches sorted). See the [crate docs](crate) for every
/// rule. The iterator never stops early on a bad record: each failure is one `Err`
/// item.
pub fn read_inputs(paths: &[PathBuf], opts: &ReadOptions) -> Inputs {
    let mut stack: Vec<Todo> = if paths.is_empty() {
        vec![Todo::Stdin]
    } else {
        paths
            .iter()
            .rev()
            .map(|p| {
                if p.as_os_str() == STDIN_PATH {
                    Todo::Stdin
                } else {
                    Todo::Path {
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
        skip: Skip::default(),
        stack,
        stream: None,
        buf: Vec::new(),
        stats: Arc::new(Stats::default()),
    }
}

/// Reads one already opened stream as [`read_inputs`] reads a file: gzip undone,
/// format detected (`name` counts for its extension), ids and messages under `name`.
///
/// ```
/// use whosaid_io::{read_reader, ReadOptions};
/// let data: &[u8] = b"{\"id\":\"a\",\"text\":\"Hello.\"}\n";
/// let docs: Vec<_> = read_reader("feed.jsonl", data, &ReadOptions::default()).collect();
/// assert_eq!(docs[0].as_ref().map(|d| d.id.as_str()).ok(), Some("a"));
/// ```
pub fn read_reader(
    name: impl Into<PathBuf>,
    reader: impl Read + Send + 'static,
    opts: &ReadOptions,
) -> Inputs {
    Inputs {
        opts: *opts,
        skip: Skip::default(),
        stack: vec![Todo::Reader(name.into(), Box::new(reader))],
        stream: None,
        buf: Vec::new(),
        stats: Arc::new(Stats::default()),
    }
}

/// The iterator returned by [`read_inputs`]. It is `Send`, so it can feed a worker pool.
///
/// As an [`Iterator`] it yields finished [`Record`]s (HTML parsed on the spot, warnings
/// dropped); [`Inputs::next_raw`] yields [`RawRecord`]s to parse elsewhere, with the
/// byline and warnings kept.
pub struct Inputs {
    opts: ReadOptions,
    /// What the run writes, which reading passes over.
    skip: Skip,
    /// Work still to do, last item first.
    stack: Vec<Todo>,
    /// The JSON Lines or WARC stream being read, if any.
    stream: Option<Stream>,
    /// Line buffer reused across JSON Lines records.
    buf: Vec<u8>,
    stats: Arc<Stats>,
}

/// The files a run writes: its output (by device and inode) and a corpus database (its
/// directory, canonical, and its file name).
#[derive(Debug, Default)]
struct Skip {
    output: Option<(u64, u64)>,
    database: Option<(PathBuf, std::ffi::OsString)>,
}

/// A file's identity: its device and inode (None where there are none).
fn file_id(meta: &fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

impl Skip {
    /// Whether a file of that metadata is the run's output.
    fn is_output(&self, meta: &fs::Metadata) -> bool {
        self.output.is_some() && self.output == file_id(meta)
    }

    /// Whether `name` in `dir` is the database or one of its -wal, -shm and -journal
    /// files (the directory is resolved only when the name is one of those).
    fn is_database(&self, dir: &Path, name: &std::ffi::OsStr) -> bool {
        let Some((db_dir, db_name)) = &self.database else {
            return false;
        };
        let name = name.as_encoded_bytes();
        let base = db_name.as_encoded_bytes();
        let ours = name
            .strip_prefix(base)
            .is_some_and(|rest| matches!(rest, b"" | b"-wal" | b"-shm" | b"-journal"));
        ours && fs::canonicalize(dir).is_ok_and(|d| &d == db_dir)
    }
}

enum Todo {
    Stdin,
    Reader(PathBuf, Box<dyn Read + Send>),
    Path { path: PathBuf, walked: bool },
    Failed(ReadError),
}

enum Stream {
    Jsonl(JsonlStream),
    Warc(WarcStream),
}

type Source = Box<dyn BufRead + Send>;

struct JsonlStream {
    path: PathBuf,
    reader: Source,
    line: u64,
    /// After a gzip error the rest of the broken line is dropped silently.
    skip_partial: bool,
}

struct WarcStream {
    path: PathBuf,
    reader: WarcReader<Source>,
}

impl Iterator for Inputs {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        self.next_raw()
            .map(|raw| raw.parse().article.map(|a| a.doc))
    }
}

impl Inputs {
    /// Reads no file that is `output` (the metadata of the file the run writes to, such
    /// as a redirected stdout): such a file yields a [`ReadError::IsOutput`] record
    /// instead, as `grep` refuses an input that is also its output.
    pub fn excluding_output(mut self, output: &fs::Metadata) -> Self {
        if output.is_file() {
            self.skip.output = file_id(output);
        }
        self
    }

    /// Passes over the corpus database `db` and its `-wal`, `-shm` and `-journal` files
    /// when walking directories (`whosaid ingest data --db data/corpus.db`), as hidden
    /// files are: they are the run's own files, not articles. `db` need not exist yet;
    /// its directory must, or nothing is passed over.
    pub fn excluding_database(mut self, db: &Path) -> Self {
        let dir = match db.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let (Ok(dir), Some(name)) = (fs::canonicalize(dir), db.file_name()) {
            self.skip.database = Some((dir, name.to_os_string()));
        }
        self
    }

    /// The counters of this run (bytes read, records skipped), updated as it goes.
    pub fn stats(&self) -> Arc<Stats> {
        Arc::clone(&self.stats)
    }

    /// The next record, not yet parsed; `None` when every input is read.
    pub fn next_raw(&mut self) -> Option<RawRecord> {
        loop {
            if let Some(stream) = &mut self.stream {
                let next = match stream {
                    Stream::Jsonl(s) => s.next_record(&self.opts, &mut self.buf),
                    Stream::Warc(s) => s.next_record(&self.stats),
                };
                match next {
                    Some(rec) => return Some(rec),
                    None => {
                        self.stream = None;
                        // Do not keep a huge line buffer alive after the file.
                        self.buf = Vec::new();
                    }
                }
            }
            match self.stack.pop()? {
                Todo::Failed(e) => return Some(RawRecord::error(RecordError::new(e))),
                Todo::Reader(path, reader) => {
                    if let Some(rec) = self.open(path, reader, None) {
                        return Some(rec);
                    }
                }
                Todo::Stdin => {
                    let path = PathBuf::from(STDIN_PATH);
                    if let Some(rec) = self.open(path, Box::new(io::stdin()), None) {
                        return Some(rec);
                    }
                }
                Todo::Path { path, walked } => {
                    let meta = match fs::metadata(&path) {
                        Ok(m) => m,
                        Err(source) => {
                            if !walked {
                                if let Some(found) = expand_glob(&path) {
                                    if !found.is_empty() {
                                        self.stack.extend(found.into_iter().rev().map(|path| {
                                            Todo::Path {
                                                path,
                                                walked: false,
                                            }
                                        }));
                                        continue;
                                    }
                                    return Some(RawRecord::error(RecordError::new(
                                        ReadError::Open {
                                            at: Location::file(path),
                                            source: io::Error::new(
                                                io::ErrorKind::NotFound,
                                                "no file matches the pattern",
                                            ),
                                        },
                                    )));
                                }
                            }
                            return Some(RawRecord::error(RecordError::new(ReadError::Open {
                                at: Location::file(path),
                                source,
                            })));
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
                    if self.skip.is_output(&meta) {
                        return Some(RawRecord::error(RecordError::new(ReadError::IsOutput {
                            at: Location::file(path),
                        })));
                    }
                    let size = meta.is_file().then_some(meta.len());
                    match File::open(&path) {
                        Ok(f) => {
                            let small = size.filter(|&n| n <= WHOLE_READ.min(self.opts.max_bytes));
                            let rec = match small {
                                Some(n) => self.open_whole(path, f, n),
                                None => self.open(path, Box::new(f), size),
                            };
                            if let Some(rec) = rec {
                                return Some(rec);
                            }
                        }
                        Err(source) => {
                            return Some(RawRecord::error(RecordError::new(ReadError::Open {
                                at: Location::file(path),
                                source,
                            })))
                        }
                    }
                }
            }
        }
    }

    /// Starts reading one input: undoes gzip, detects the format, and either returns
    /// the input's single record (text, HTML, or an error) or sets up the stream of
    /// its records and returns `None`.
    fn open(
        &mut self,
        path: PathBuf,
        file: Box<dyn Read + Send>,
        size: Option<u64>,
    ) -> Option<RawRecord> {
        let at = Location::file(&path);
        let counted = Counting {
            inner: file,
            stats: Arc::clone(&self.stats),
        };
        let mut raw = BufReader::with_capacity(buffer_capacity(size), counted);
        let gzipped = loop {
            match raw.fill_buf() {
                Ok(head) => break is_gzip(head),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Some(RawRecord::error(RecordError::new(ReadError::Read {
                        at,
                        source,
                    })))
                }
            }
        };
        let mut src: Box<dyn Read + Send> = if gzipped {
            Box::new(GzReader::new(raw))
        } else {
            Box::new(raw)
        };
        // Sniff the first bytes of the (decompressed) data, then give them back.
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let mut err = None;
        if self.opts.format == Format::Auto {
            let mut chunk = [0u8; SNIFF_BYTES];
            while head.len() < SNIFF_BYTES {
                match src.read(&mut chunk[..SNIFF_BYTES - head.len()]) {
                    Ok(0) => break,
                    Ok(n) => head.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                }
            }
        }
        let format = match self.opts.format {
            Format::Auto if path.as_os_str() == STDIN_PATH => sniff(&head, None),
            Format::Auto => sniff(&head, Some(&path)),
            forced => forced,
        };
        let replay = Replay {
            head: io::Cursor::new(head),
            err,
            rest: src,
        };
        // decompressed data may be much larger than the file
        let capacity = buffer_capacity(size.filter(|_| !gzipped));
        let source: Source = Box::new(BufReader::with_capacity(capacity, replay));
        let whole_file_limit = |opts: &ReadOptions| -> Option<RawRecord> {
            let n = size.filter(|_| !gzipped)?;
            (n > opts.max_bytes).then(|| {
                RawRecord::error(RecordError::new(ReadError::TooLarge {
                    at: Location::file(&path),
                    size: Some(n),
                    limit: opts.max_bytes,
                }))
            })
        };
        match format {
            Format::Text | Format::Auto => Some(
                whole_file_limit(&self.opts)
                    .unwrap_or_else(|| read_text(&path, source, size, &self.opts)),
            ),
            Format::Html => Some(
                whole_file_limit(&self.opts)
                    .unwrap_or_else(|| read_html_file(&path, source, size, &self.opts)),
            ),
            Format::Jsonl => {
                self.stream = Some(Stream::Jsonl(JsonlStream {
                    path,
                    reader: source,
                    line: 0,
                    skip_partial: false,
                }));
                None
            }
            Format::Warc => {
                self.stream = Some(Stream::Warc(WarcStream {
                    path,
                    reader: WarcReader::new(source, self.opts.max_bytes),
                }));
                None
            }
        }
    }

    /// [`Inputs::open`] for a regular file of `size` bytes (at most [`WHOLE_READ`] and
    /// the record limit): the file is read whole, in one go, into the vector the text
    /// article keeps (no buffered readers, no copy between them); a plain-text or HTML
    /// file becomes its record here, anything else (gzip, JSON Lines, WARC) is read from
    /// the bytes by [`Inputs::open`].
    fn open_whole(&mut self, path: PathBuf, file: File, size: u64) -> Option<RawRecord> {
        let limit = self.opts.max_bytes.saturating_add(1);
        // (`File` reads into the vector's spare room without zeroing it first)
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
        if let Err(source) = (&file).take(limit).read_to_end(&mut bytes) {
            self.add_read(&bytes);
            let at = Location::file(&path);
            return Some(RawRecord::error(ReadError::from_io(at, source).into()));
        }
        let format = match self.opts.format {
            _ if is_gzip(&bytes) => None,
            Format::Auto => {
                let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
                Some(if path.as_os_str() == STDIN_PATH {
                    sniff(head, None)
                } else {
                    sniff(head, Some(&path))
                })
            }
            forced => Some(forced),
        };
        match format {
            Some(Format::Text | Format::Auto) => {
                self.add_read(&bytes);
                Some(text_record(&path, capped(&path, bytes, &self.opts)))
            }
            Some(Format::Html) => {
                self.add_read(&bytes);
                Some(html_record(&path, capped(&path, bytes, &self.opts)))
            }
            // (counted as `open` reads them)
            _ => self.open(path, Box::new(io::Cursor::new(bytes)), Some(size)),
        }
    }

    /// Counts `bytes` as read ([`Stats::bytes_read`]).
    fn add_read(&self, bytes: &[u8]) {
        self.stats
            .bytes_read
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
    }

    /// Lists `dir` and pushes its visible entries, sorted, in front of the rest.
    fn push_dir(&mut self, dir: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(source) => {
                self.stack.push(Todo::Failed(ReadError::Dir {
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
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".") || self.skip.is_database(dir, &name) {
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
        // (by the bytes of the paths: all of them are `dir` joined with a name, so this is
        // `Path`'s component order, without splitting every path into components)
        found.sort_unstable_by(|a, b| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
        // Listing errors come after the directory's files.
        self.stack
            .extend(failed.into_iter().rev().map(Todo::Failed));
        self.stack.extend(
            found
                .into_iter()
                .rev()
                .map(|path| Todo::Path { path, walked: true }),
        );
    }
}

impl JsonlStream {
    /// The next record of the stream, skipping blank lines; `None` at its end. A gzip
    /// error is one record and reading goes on after the damage; any other read error
    /// is one record and ends the stream.
    fn next_record(&mut self, opts: &ReadOptions, buf: &mut Vec<u8>) -> Option<RawRecord> {
        loop {
            self.line += 1;
            let at = Location::line(&self.path, self.line);
            let line = read_bounded_line(&mut self.reader, opts.max_usize(), buf);
            if self.skip_partial {
                // The remains of the line the damage fell in.
                self.skip_partial = false;
                self.line -= 1;
                if matches!(line, Ok(Some(_))) {
                    continue;
                }
            }
            let rec = match line {
                Ok(None) => return None,
                Err(source) => {
                    let e = ReadError::from_io(at, source);
                    if matches!(e, ReadError::Gzip { .. }) {
                        self.skip_partial = true;
                    } else {
                        // Nothing more can be trusted from this stream.
                        self.reader = Box::new(io::empty());
                    }
                    Err(RecordError::new(e))
                }
                Ok(Some(Line::TooLong { len })) => Err(RecordError::new(ReadError::TooLarge {
                    at,
                    size: Some(len),
                    limit: opts.max_bytes,
                })),
                Ok(Some(Line::Complete)) => {
                    let mut bytes: &[u8] = buf;
                    if self.line == 1 {
                        bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
                    }
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    jsonl_document(at, bytes)
                }
            };
            return Some(RawRecord::ready(rec.map(|doc| Article {
                name: doc.id.clone(),
                doc,
                byline: None,
            })));
        }
    }
}

/// Whether the block of a WARC record with these headers is worth holding: responses
/// and resources, the records that can carry a page.
fn wants_block(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("WARC-Type")
            && (v.eq_ignore_ascii_case("response") || v.eq_ignore_ascii_case("resource"))
    })
}

impl WarcStream {
    /// The next HTML page or error of the WARC stream; other records are counted as
    /// skipped. `None` at its end.
    fn next_record(&mut self, stats: &Stats) -> Option<RawRecord> {
        loop {
            match self.reader.next_event(wants_block)? {
                WarcEvent::Error(e) => {
                    let at = Location::offset(&self.path, e.offset);
                    let error = match e.io.as_ref().and_then(crate::gz::GzError::from_io) {
                        Some(g) => ReadError::Gzip {
                            at,
                            error: g.clone(),
                        },
                        None => ReadError::Warc {
                            at,
                            message: e.message,
                        },
                    };
                    return Some(RawRecord::error(RecordError::new(error)));
                }
                WarcEvent::Record(rec) => match self.page(rec) {
                    Some(raw) => return Some(raw),
                    None => {
                        stats.skipped.fetch_add(1, Ordering::Relaxed);
                    }
                },
            }
        }
    }

    /// The HTML page in a record, an error, or `None` when the record holds no page.
    fn page(&self, rec: WarcRecord) -> Option<RawRecord> {
        let at = Location::offset(&self.path, rec.offset);
        let id = rec
            .record_id()
            .or(rec.target_uri())
            .map(str::to_string)
            .unwrap_or_else(|| at.to_string());
        let fail = |e: ReadError| Some(RawRecord::error(RecordError::with_id(&id, e)));
        let kind = rec.warc_type().unwrap_or("").to_ascii_lowercase();
        if kind != "response" && kind != "resource" {
            return None;
        }
        let warc_type = rec.header("Content-Type").map(warc::media_type);
        if kind == "response"
            && warc_type
                .as_deref()
                .is_some_and(|t| t != "application/http")
        {
            return None;
        }
        if rec.too_large {
            return fail(ReadError::TooLarge {
                at,
                size: Some(rec.content_length),
                limit: self.reader.max_block(),
            });
        }
        let url = rec.target_uri().map(str::to_string);
        let resource_type = rec.header("Content-Type").map(str::to_string);
        let block = rec.block?;
        let (mut body, media, charset, encoding) = if kind == "response" {
            let http = match warc::parse_http_response(&block) {
                Ok(h) => h,
                Err(why) => {
                    return fail(ReadError::Warc {
                        at,
                        message: format!("malformed HTTP response: {why}"),
                    })
                }
            };
            if http.status != 200 {
                return None;
            }
            let mut body = block;
            body.drain(..http.body_offset.min(body.len()));
            if http
                .header("Transfer-Encoding")
                .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
            {
                if let Some(plain) = warc::dechunk(&body) {
                    body = plain;
                }
            }
            let encoding = http
                .header("Content-Encoding")
                .map(|e| e.trim().to_ascii_lowercase());
            (body, http.media_type(), http.charset(), encoding)
        } else {
            let ct = resource_type.as_deref();
            (
                block,
                ct.map(warc::media_type),
                ct.and_then(warc::charset_param),
                None,
            )
        };
        let looks_html = |b: &[u8]| sniff(&b[..b.len().min(SNIFF_BYTES)], None) == Format::Html;
        match encoding.as_deref() {
            None | Some("" | "identity") => {}
            // Crawlers often store the body decoded but keep the header.
            Some(_) if looks_html(&body) => {}
            Some(enc @ ("gzip" | "x-gzip" | "deflate")) => {
                match inflate(&body, enc == "deflate", self.reader.max_block()) {
                    Ok(plain) => body = plain,
                    Err(why) => {
                        return fail(ReadError::Warc {
                            at,
                            message: format!("cannot decode Content-Encoding {enc}: {why}"),
                        })
                    }
                }
            }
            Some(other) => {
                return fail(ReadError::Warc {
                    at,
                    message: format!("unsupported Content-Encoding {other:?}"),
                })
            }
        }
        let is_html = match media.as_deref() {
            Some("text/html" | "application/xhtml+xml") => true,
            Some(_) => false,
            None => looks_html(&body),
        };
        if !is_html {
            return None;
        }
        Some(RawRecord(Raw::Html(HtmlJob {
            at,
            name: id.clone(),
            id,
            bytes: std::mem::take(&mut body),
            charset,
            url,
        })))
    }
}

/// Decompresses a gzip or zlib/raw-deflate HTTP body, at most `limit` bytes of output.
fn inflate(body: &[u8], deflate: bool, limit: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let n = if deflate {
        // HTTP "deflate" is zlib-wrapped, though some servers send raw deflate.
        match flate2::read::ZlibDecoder::new(body)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)
        {
            Ok(n) => n,
            Err(_) => {
                out.clear();
                flate2::read::DeflateDecoder::new(body)
                    .take(limit.saturating_add(1))
                    .read_to_end(&mut out)?
            }
        }
    } else {
        flate2::read::MultiGzDecoder::new(body)
            .take(limit.saturating_add(1))
            .read_to_end(&mut out)?
    };
    if n as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("decoded body larger than {limit} bytes"),
        ));
    }
    Ok(out)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads at most `max_bytes` (+1 to detect overflow) from `reader`.
fn read_capped<R: Read>(
    path: &Path,
    reader: R,
    size: Option<u64>,
    opts: &ReadOptions,
) -> Result<Vec<u8>, RecordError> {
    let at = Location::file(path);
    let hint = size.unwrap_or(0).min(opts.max_bytes);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    if let Err(source) = reader
        .take(opts.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return Err(ReadError::from_io(at, source).into());
    }
    capped(path, bytes, opts)
}

/// `bytes`, read with a limit of `max_bytes` + 1, or the error when they are more than
/// `max_bytes`.
fn capped(path: &Path, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Vec<u8>, RecordError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ReadError::TooLarge {
            at: Location::file(path),
            size: None,
            limit: opts.max_bytes,
        }
        .into());
    }
    Ok(bytes)
}

/// Reads one plain-text article.
fn read_text<R: Read>(path: &Path, reader: R, size: Option<u64>, opts: &ReadOptions) -> RawRecord {
    text_record(path, read_capped(path, reader, size, opts))
}

/// The record of a plain-text article whose bytes were read (or failed to be).
fn text_record(path: &Path, bytes: Result<Vec<u8>, RecordError>) -> RawRecord {
    let article = bytes.and_then(|bytes| {
        text_document(Location::file(path), bytes)
            .map(|doc| Article {
                doc,
                byline: None,
                name: short_name(path),
            })
            .map_err(RecordError::new)
    });
    RawRecord::ready(article)
}

/// Reads one HTML page, to be parsed by [`RawRecord::parse`].
fn read_html_file<R: Read>(
    path: &Path,
    reader: R,
    size: Option<u64>,
    opts: &ReadOptions,
) -> RawRecord {
    html_record(path, read_capped(path, reader, size, opts))
}

/// The record of an HTML page whose bytes were read (or failed to be).
fn html_record(path: &Path, bytes: Result<Vec<u8>, RecordError>) -> RawRecord {
    match bytes {
        Err(e) => RawRecord::error(e),
        Ok(bytes) => RawRecord(Raw::Html(HtmlJob {
            at: Location::file(path),
            id: crate::path_text(path).into_owned(),
            name: short_name(path),
            bytes,
            charset: None,
            url: None,
        })),
    }
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
    if let Some(i) = nul_position(&bytes) {
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
    // (no NUL byte, as checked above)
    check_text(&at, &text, skipped, false)?;
    Ok(Document::new(at.to_string(), text))
}

/// Offset of the first NUL byte of `bytes` (the scan is `memchr`'s, a word at a time).
fn nul_position(bytes: &[u8]) -> Option<usize> {
    if bytes.contains(&0) {
        bytes.iter().position(|&b| b == 0)
    } else {
        None
    }
}

/// Rejects empty and binary-looking text. `base` is added to reported offsets; `nul`:
/// look for NUL bytes too (false when the caller has).
fn check_text(at: &Location, text: &str, base: u64, nul: bool) -> Result<(), ReadError> {
    if text.trim().is_empty() {
        return Err(ReadError::Empty { at: at.clone() });
    }
    let bytes = text.as_bytes();
    if let Some(i) = nul.then(|| nul_position(bytes)).flatten() {
        return Err(ReadError::Binary {
            at: at.clone(),
            what: "NUL byte",
            offset: base + i as u64,
        });
    }
    let is_control =
        |b: &u8| (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || *b == 0x7f;
    // branch-free per byte and counted in u8 lanes (at most 255 a chunk), so the
    // count runs many bytes per instruction
    let controls: usize = bytes
        .chunks(255)
        .map(|c| {
            let n = c.iter().fold(0u8, |n, &b| {
                n.wrapping_add(u8::from(
                    (b < 0x20) & (b.wrapping_sub(b'\t') > 4) | (b == 0x7f),
                ))
            });
            usize::from(n)
        })
        .sum();
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
    check_text(&at, &text, 0, true).map_err(|e| fail(&id, e))?;
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
