//! Unit tests of the readers and the writer.

use super::*;
use proptest::prelude::*;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!(
            "whosaid-io-test-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            nanos
        ));
        fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("create parent");
        }
        fs::write(&p, bytes).expect("write temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn read_all(paths: &[PathBuf], opts: &ReadOptions) -> Vec<Record> {
    read_inputs(paths, opts).collect()
}

fn one(path: &Path) -> Record {
    let mut recs = read_all(&[path.to_path_buf()], &ReadOptions::default());
    assert_eq!(recs.len(), 1, "one record per text file");
    recs.remove(0)
}

fn err(rec: Record) -> RecordError {
    match rec {
        Ok(d) => panic!("expected an error record, got document {:?}", d.id),
        Err(e) => e,
    }
}

fn doc(rec: Record) -> whosaid_core::Document {
    match rec {
        Ok(d) => d,
        Err(e) => panic!("expected a document, got error: {e}"),
    }
}

fn ids(recs: &[Record]) -> Vec<String> {
    recs.iter()
        .map(|r| match r {
            Ok(d) => d.id.clone(),
            Err(e) => e.id.clone(),
        })
        .collect()
}

// ---- plain text -------------------------------------------------------------------

#[test]
fn a_text_file_is_one_document_with_its_path_as_id() {
    let t = TempDir::new();
    let p = t.file("a.txt", "Headline\n\n\"Hi,\" she said.\n".as_bytes());
    let d = doc(one(&p));
    assert_eq!(d.id, p.display().to_string());
    assert_eq!(d.text, "Headline\n\n\"Hi,\" she said.\n");
    assert_eq!(d.title, None);
}

#[test]
fn invalid_utf8_names_the_first_bad_byte() {
    let t = TempDir::new();
    let p = t.file("bad.txt", b"caf\xc3\xa9 ok \xff\xfe more");
    let e = err(one(&p));
    assert_eq!(e.id, p.display().to_string());
    match &e.error {
        ReadError::InvalidUtf8 { offset, at } => {
            assert_eq!(*offset, 9);
            assert_eq!(at.line, None);
        }
        other => panic!("wrong error {other:?}"),
    }
    assert_eq!(e.error.reason(), "invalid UTF-8 at byte offset 9");
    assert_eq!(
        e.to_string(),
        format!("{}: invalid UTF-8 at byte offset 9", p.display())
    );
}

#[test]
fn bom_is_removed_and_counted_in_offsets() {
    let t = TempDir::new();
    let p = t.file("bom.txt", b"\xEF\xBB\xBFhello");
    assert_eq!(doc(one(&p)).text, "hello");
    let p = t.file("bom-bad.txt", b"\xEF\xBB\xBFab\x80");
    assert!(matches!(
        err(one(&p)).error,
        ReadError::InvalidUtf8 { offset: 5, .. }
    ));
}

#[test]
fn empty_and_blank_files_are_empty_documents() {
    let t = TempDir::new();
    for (name, bytes) in [
        ("empty.txt", &b""[..]),
        ("blank.txt", b"  \n\t\r\n "),
        ("bom.txt", b"\xEF\xBB\xBF\n"),
    ] {
        let e = err(one(&t.file(name, bytes)));
        assert!(matches!(e.error, ReadError::Empty { .. }), "{name}");
        assert_eq!(e.error.reason(), "empty document");
    }
}

#[test]
fn binary_junk_is_an_error() {
    let t = TempDir::new();
    let e = err(one(&t.file("nul.bin", b"text\0more")));
    assert!(matches!(
        e.error,
        ReadError::Binary {
            offset: 4,
            what: "NUL byte",
            ..
        }
    ));
    let e = err(one(&t.file("ctl.bin", b"ab\x01\x02\x03\x04cd")));
    assert!(matches!(
        e.error,
        ReadError::Binary {
            offset: 2,
            what: "control characters",
            ..
        }
    ));
    // A stray control character in real prose is fine.
    let d = doc(one(&t.file(
        "ok.txt",
        b"A long enough sentence with one \x07 bell in it.",
    )));
    assert!(d.text.contains('\x07'));
}

#[test]
fn missing_file_is_an_error_and_reading_goes_on() {
    let t = TempDir::new();
    let good = t.file("good.txt", b"Some text.");
    let gone = t.0.join("nope.txt");
    let recs = read_all(&[gone.clone(), good.clone()], &ReadOptions::default());
    assert_eq!(recs.len(), 2);
    assert_eq!(
        ids(&recs),
        vec![gone.display().to_string(), good.display().to_string()]
    );
    let mut it = recs.into_iter();
    let e = err(it.next().expect("first"));
    assert!(matches!(e.error, ReadError::Open { .. }));
    assert!(e
        .to_string()
        .starts_with(&format!("{}: cannot open: ", gone.display())));
    assert_eq!(doc(it.next().expect("second")).text, "Some text.");
}

#[cfg(unix)]
#[test]
fn files_whose_names_are_not_utf8_keep_distinct_ids() {
    use std::os::unix::ffi::OsStrExt;
    let t = TempDir::new();
    let dir = t.0.join("latin1");
    fs::create_dir_all(&dir).expect("dir");
    for (name, text) in [
        (&b"caf\xe9.txt"[..], "One article."),
        (&b"caf\xe8.txt"[..], "Another article."),
    ] {
        fs::write(dir.join(std::ffi::OsStr::from_bytes(name)), text).expect("write");
    }
    let recs = read_all(std::slice::from_ref(&dir), &ReadOptions::default());
    let mut got = ids(&recs);
    got.sort();
    let prefix = dir.display().to_string();
    assert_eq!(
        got,
        vec![
            format!("{prefix}/caf\\xe8.txt"),
            format!("{prefix}/caf\\xe9.txt")
        ]
    );
}

#[test]
fn a_file_that_disappears_before_it_is_read_is_an_error() {
    let t = TempDir::new();
    let a = t.file("d/a.txt", b"first");
    let b = t.file("d/b.txt", b"second");
    let c = t.file("d/c.txt", b"third");
    let mut it = read_inputs(&[t.0.join("d")], &ReadOptions::default());
    assert_eq!(doc(it.next().expect("a")).id, a.display().to_string());
    fs::remove_file(&b).expect("remove");
    let e = err(it.next().expect("b"));
    assert_eq!(e.id, b.display().to_string());
    assert!(matches!(e.error, ReadError::Open { .. }));
    assert_eq!(doc(it.next().expect("c")).id, c.display().to_string());
    assert!(it.next().is_none());
}

#[test]
fn a_text_file_over_the_limit_is_rejected_without_reading() {
    let t = TempDir::new();
    let p = t.file("big.txt", &[b'a'; 100]);
    let opts = ReadOptions {
        max_bytes: 99,
        ..Default::default()
    };
    let recs = read_all(std::slice::from_ref(&p), &opts);
    let e = err(recs.into_iter().next().expect("one"));
    assert!(matches!(
        e.error,
        ReadError::TooLarge {
            size: Some(100),
            limit: 99,
            ..
        }
    ));
    assert_eq!(
        e.error.reason(),
        "record too large: 100 bytes exceeds the limit of 99 bytes"
    );
    let opts = ReadOptions {
        max_bytes: 100,
        ..Default::default()
    };
    assert!(read_all(&[p], &opts)[0].is_ok());
}

#[test]
fn a_long_single_line_of_text_is_fine() {
    let t = TempDir::new();
    let text = "word ".repeat(400_000); // 2 MB, no newline
    let p = t.file("long.txt", text.as_bytes());
    assert_eq!(doc(one(&p)).text.len(), text.len());
}

// ---- JSON Lines --------------------------------------------------------------------

const GOOD_LINE: &str =
    r#"{"id":"x1","title":"T","text":"Body.","url":"http://e/x","date":"2020-01-02","source":"S"}"#;

#[test]
fn jsonl_fields_are_carried_into_the_document() {
    let t = TempDir::new();
    let p = t.file("a.jsonl", format!("{GOOD_LINE}\n").as_bytes());
    let recs = read_all(&[p], &ReadOptions::default());
    assert_eq!(recs.len(), 1);
    let d = doc(recs.into_iter().next().expect("one"));
    assert_eq!(d.id, "x1");
    assert_eq!(d.title.as_deref(), Some("T"));
    assert_eq!(d.text, "Body.");
    assert_eq!(d.url.as_deref(), Some("http://e/x"));
    assert_eq!(d.date.as_deref(), Some("2020-01-02"));
    assert_eq!(d.source.as_deref(), Some("S"));
}

#[test]
fn jsonl_bad_lines_are_errors_and_the_rest_is_read() {
    let t = TempDir::new();
    let content = [
        r#"{"id":"a","text":"one"}"#,
        r#"{"id":"b","text": oops}"#,
        "",
        r#"{"id":"c","title":"no text"}"#,
        r#"{"text":"no id"}"#,
        r#"[1,2]"#,
        r#"{"id":7,"text":"numeric id"}"#,
        r#"{"id":"d","text":"x","title":3}"#,
        r#"{"id":"e","text":"  "}"#,
        "   ",
        r#"{"id":"f","text":"last"}"#,
    ]
    .join("\r\n");
    let p = t.file("m.ndjson", content.as_bytes());
    let ps = p.display().to_string();
    let recs = read_all(&[p], &ReadOptions::default());
    assert_eq!(
        ids(&recs),
        vec![
            "a".to_string(),
            format!("{ps}:2"),
            "c".to_string(),
            format!("{ps}:5"),
            format!("{ps}:6"),
            "7".to_string(),
            "d".to_string(),
            "e".to_string(),
            "f".to_string(),
        ]
    );
    let oks: Vec<bool> = recs.iter().map(Result::is_ok).collect();
    assert_eq!(
        oks,
        vec![true, false, false, true, false, true, false, false, true]
    );
    let errs: Vec<&RecordError> = recs.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(matches!(errs[0].error, ReadError::Json { .. }));
    assert!(
        errs[0]
            .error
            .reason()
            .starts_with("invalid JSON: expected value at column"),
        "{}",
        errs[0].error.reason()
    );
    assert_eq!(errs[0].error.line(), Some(2));
    assert!(matches!(errs[1].error, ReadError::MissingText { .. }));
    assert_eq!(
        errs[1].to_string(),
        format!("{ps}:4: missing \"text\" field")
    );
    assert_eq!(
        errs[2].error.reason(),
        "invalid JSON: expected a JSON object, found an array"
    );
    assert!(matches!(
        errs[3].error,
        ReadError::FieldType { field: "title", .. }
    ));
    assert!(matches!(errs[4].error, ReadError::Empty { .. }));
}

#[test]
fn jsonl_invalid_utf8_and_nul_in_a_line() {
    let t = TempDir::new();
    let mut content = b"{\"id\":\"a\",\"text\":\"caf\xff\"}\n".to_vec();
    content.extend_from_slice(b"{\"id\":\"b\",\"text\":\"a\\u0000b\"}\n");
    content.extend_from_slice(b"{\"id\":\"c\",\"text\":\"fine\"}");
    let p = t.file("u.jsonl", &content);
    let ps = p.display().to_string();
    let recs = read_all(&[p], &ReadOptions::default());
    assert_eq!(ids(&recs), vec![format!("{ps}:1"), "b".into(), "c".into()]);
    assert!(matches!(
        recs[0].as_ref().err().map(|e| &e.error),
        Some(ReadError::InvalidUtf8 { offset: 21, .. })
    ));
    assert!(matches!(
        recs[1].as_ref().err().map(|e| &e.error),
        Some(ReadError::Binary { .. })
    ));
    assert!(recs[2].is_ok());
}

#[test]
fn jsonl_overlong_line_is_skipped_without_buffering() {
    let t = TempDir::new();
    let mut content = b"{\"id\":\"a\",\"text\":\"one\"}\n{\"text\":\"".to_vec();
    content.extend_from_slice(&vec![b'x'; 1_000_000]);
    content.extend_from_slice(b"\"}\n{\"id\":\"c\",\"text\":\"three\"}\n");
    let p = t.file("big.jsonl", &content);
    let ps = p.display().to_string();
    let opts = ReadOptions {
        max_bytes: 1000,
        ..Default::default()
    };
    let recs = read_all(&[p], &opts);
    assert_eq!(ids(&recs), vec!["a".into(), format!("{ps}:2"), "c".into()]);
    assert!(matches!(
        recs[1].as_ref().err().map(|e| &e.error),
        Some(ReadError::TooLarge {
            size: Some(1_000_011),
            limit: 1000,
            ..
        })
    ));
}

#[test]
fn jsonl_bom_on_first_line_is_ignored() {
    let t = TempDir::new();
    let p = t.file("bom.jsonl", b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"x\"}\n");
    let recs = read_all(&[p], &ReadOptions::default());
    assert_eq!(ids(&recs), vec!["a".to_string()]);
    assert!(recs[0].is_ok());
}

#[test]
fn empty_jsonl_file_has_no_records() {
    let t = TempDir::new();
    let p = t.file("e.jsonl", b"\n\n");
    assert!(read_all(&[p], &ReadOptions::default()).is_empty());
}

#[test]
fn format_detection() {
    let t = TempDir::new();
    let line = format!("{GOOD_LINE}\n");
    let a = t.file("a.jsonl", line.as_bytes());
    let b = t.file("b.NDJSON", line.as_bytes());
    let c = t.file("c.json", line.as_bytes());
    let d = t.file("d.txt", line.as_bytes());
    let auto = read_all(
        &[a.clone(), b.clone(), c.clone(), d.clone()],
        &ReadOptions::default(),
    );
    assert_eq!(
        ids(&auto),
        // `.json` has no format of its own: a first line starting with `{` makes it
        // JSON Lines. `.txt` is text whatever it holds.
        vec![
            "x1".to_string(),
            "x1".to_string(),
            "x1".to_string(),
            d.display().to_string()
        ]
    );
    let jsonl = ReadOptions {
        format: Format::Jsonl,
        ..Default::default()
    };
    assert_eq!(
        ids(&read_all(&[c.clone(), d.clone()], &jsonl)),
        vec!["x1", "x1"]
    );
    let text = ReadOptions {
        format: Format::Text,
        ..Default::default()
    };
    let recs = read_all(std::slice::from_ref(&a), &text);
    assert_eq!(ids(&recs), vec![a.display().to_string()]);
    assert_eq!(recs[0].as_ref().map(|d| d.text.clone()).ok(), Some(line));
}

// ---- directories -------------------------------------------------------------------

#[test]
fn a_walk_passes_over_the_corpus_database_and_its_side_files() {
    let t = TempDir::new();
    for name in [
        "a.txt",
        "corpus.db",
        "corpus.db-wal",
        "corpus.db-shm",
        "corpus.db-journal",
        "corpus.db-old",
        "sub/corpus.db",
    ] {
        t.file(name, name.as_bytes());
    }
    let ids = |inputs: Inputs| -> Vec<String> {
        inputs
            .map(|r| match r {
                Ok(d) => d.id,
                Err(e) => e.id,
            })
            .collect()
    };
    let opts = ReadOptions::default();
    let all = ids(read_inputs(std::slice::from_ref(&t.0), &opts));
    assert_eq!(all.len(), 7, "{all:?}");
    // Named by another spelling of its directory: still the same file.
    let db = t.0.join("sub/../corpus.db");
    let kept = ids(read_inputs(std::slice::from_ref(&t.0), &opts).excluding_database(&db));
    let want: Vec<String> = ["a.txt", "corpus.db-old", "sub/corpus.db"]
        .iter()
        .map(|n| t.0.join(n).display().to_string())
        .collect();
    assert_eq!(kept, want);
    // A database named outright is read like any file the user names.
    let named = ids(read_inputs(&[t.0.join("corpus.db")], &opts).excluding_database(&db));
    assert_eq!(named.len(), 1);
}

#[test]
fn the_file_being_written_is_an_error_record_not_an_input() {
    let t = TempDir::new();
    let a = t.file("a.txt", b"He said it.");
    let out = t.file("out.jsonl", b"{\"text\":\"x\"}\n");
    let meta = fs::metadata(&out).expect("metadata");
    let recs: Vec<Record> = read_inputs(std::slice::from_ref(&t.0), &ReadOptions::default())
        .excluding_output(&meta)
        .collect();
    assert_eq!(recs.len(), 2);
    assert!(recs[0]
        .as_ref()
        .is_ok_and(|d| d.id == a.display().to_string()));
    let e = match &recs[1] {
        Err(e) => e,
        Ok(d) => panic!("read {d:?}"),
    };
    assert!(matches!(e.error, ReadError::IsOutput { .. }), "{e:?}");
    assert_eq!(e.id, out.display().to_string());
    assert!(e.to_string().contains("is the output being written"));
}

#[test]
fn directories_are_walked_in_sorted_path_order_skipping_hidden() {
    let t = TempDir::new();
    for name in [
        "b.txt",
        "a/z.txt",
        "a/b/c.txt",
        "a.txt",
        "a-b.txt",
        ".hidden.txt",
        "a/.git/config",
        "c/d.jsonl",
    ] {
        let body = if name.ends_with(".jsonl") {
            b"{\"text\":\"x\"}\n{\"text\":\"y\"}\n".to_vec()
        } else {
            name.as_bytes().to_vec()
        };
        t.file(name, &body);
    }
    let recs = read_all(std::slice::from_ref(&t.0), &ReadOptions::default());
    let root = t.0.display().to_string();
    let want: Vec<String> = ["a/b/c.txt", "a/z.txt", "a-b.txt", "a.txt", "b.txt"]
        .iter()
        .map(|n| t.0.join(n).display().to_string())
        .chain([format!("{root}/c/d.jsonl:1"), format!("{root}/c/d.jsonl:2")])
        .collect();
    assert_eq!(ids(&recs), want);
    assert!(recs.iter().all(Result::is_ok));
    // An explicitly named hidden file is read.
    let hidden = t.0.join(".hidden.txt");
    assert!(read_all(&[hidden], &ReadOptions::default())[0].is_ok());
}

#[test]
fn explicit_inputs_keep_their_order() {
    let t = TempDir::new();
    let b = t.file("b.txt", b"b");
    let a = t.file("a.txt", b"a");
    let recs = read_all(&[b.clone(), a.clone(), b.clone()], &ReadOptions::default());
    assert_eq!(
        ids(&recs),
        vec![
            b.display().to_string(),
            a.display().to_string(),
            b.display().to_string()
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinked_directories_are_not_followed() {
    let t = TempDir::new();
    t.file("d/a.txt", b"a");
    t.file("other/x.txt", b"x");
    std::os::unix::fs::symlink(t.0.join("d"), t.0.join("d/loop")).expect("symlink");
    std::os::unix::fs::symlink(t.0.join("other/x.txt"), t.0.join("d/x.txt")).expect("symlink");
    std::os::unix::fs::symlink(t.0.join("missing"), t.0.join("d/y.txt")).expect("symlink");
    let recs = read_all(&[t.0.join("d")], &ReadOptions::default());
    assert_eq!(
        ids(&recs),
        ["a.txt", "x.txt", "y.txt"]
            .iter()
            .map(|n| t.0.join("d").join(n).display().to_string())
            .collect::<Vec<_>>()
    );
    assert!(recs[0].is_ok() && recs[1].is_ok());
    assert!(matches!(
        recs[2].as_ref().err().map(|e| &e.error),
        Some(ReadError::Open { .. })
    ));
}

#[test]
fn an_empty_directory_has_no_records() {
    let t = TempDir::new();
    fs::create_dir_all(t.0.join("empty")).expect("mkdir");
    assert!(read_all(&[t.0.join("empty")], &ReadOptions::default()).is_empty());
}

#[test]
fn inputs_is_send() {
    fn send<T: Send>(_: &T) {}
    send(&read_inputs(&[], &ReadOptions::default()));
}

// ---- writer --------------------------------------------------------------------------

#[test]
fn writer_writes_one_line_per_record() {
    let mut w = JsonlWriter::new(Vec::new());
    let e = RecordError::new(ReadError::Empty {
        at: Location::line("f.jsonl", 3),
    });
    w.write(&whosaid_core::analyze(&whosaid_core::Document::new(
        "a", "x",
    )))
    .expect("write");
    w.write_error(&e).expect("write");
    let out = String::from_utf8(w.into_inner()).expect("utf8");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(out.ends_with('\n'));
    assert!(lines[0].starts_with("{\"id\":\"a\",\"quotes\":[]"));
    assert_eq!(lines[1], r#"{"id":"f.jsonl:3","error":"empty document"}"#);
    let back: ErrorRecord = serde_json::from_str(lines[1]).expect("parse");
    assert_eq!(back, ErrorRecord::new("f.jsonl:3", "empty document"));
}

#[test]
fn a_batching_writer_writes_the_same_lines_in_batches() {
    let doc = |id: &str| {
        whosaid_core::analyze(&whosaid_core::Document::new(
            id,
            "\"We will win,\" Mayor Ann Lee said.",
        ))
    };
    let e = RecordError::new(ReadError::Empty {
        at: Location::line("f.jsonl", 3),
    });
    let mut plain = JsonlWriter::new(Vec::new());
    // (batches of 100 bytes: some lines are written at once, the rest by `flush`)
    let mut batched = JsonlWriter::batched(Vec::new(), 100);
    let mut unflushed = JsonlWriter::batched(Vec::new(), 100);
    for w in [&mut plain, &mut batched, &mut unflushed] {
        for id in ["a", "b", "c"] {
            w.write_line(&doc(id)).expect("write");
            w.write_error(&e).expect("write");
        }
    }
    batched.flush().expect("flush");
    let (plain, partial) = (plain.into_inner(), unflushed.into_inner());
    assert_eq!(batched.into_inner(), plain);
    assert!(!partial.is_empty() && partial.len() < plain.len() && plain.starts_with(&partial));
}

struct ClosedPipe;

impl Write for ClosedPipe {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn broken_pipe_is_recognised_through_serde() {
    let mut w = JsonlWriter::new(ClosedPipe);
    let e = w.write(&ErrorRecord::new("a", "b")).expect_err("closed");
    assert!(is_broken_pipe(&e));
    assert!(!is_broken_pipe(&io::Error::other("x")));
}

// ---- properties --------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any bytes given as a file give exactly one record: a document whose text is the
    /// bytes (less a leading BOM), or an error naming the file. Never a panic.
    #[test]
    fn any_bytes_as_a_file_give_one_record(bytes in prop::collection::vec(any::<u8>(), 0..300),
                                           ascii in "[ -~\n]{0,200}") {
        let t = TempDir::new();
        for (name, content) in [("f.txt", bytes.clone()), ("g.txt", ascii.into_bytes())] {
            let p = t.file(name, &content);
            let recs = read_all(std::slice::from_ref(&p), &ReadOptions::default());
            prop_assert_eq!(recs.len(), 1);
            match &recs[0] {
                Ok(d) => {
                    let want = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&content);
                    prop_assert_eq!(d.text.as_bytes(), want);
                    prop_assert_eq!(&d.id, &p.display().to_string());
                }
                Err(e) => {
                    prop_assert_eq!(&e.id, &p.display().to_string());
                    prop_assert!(e.to_string().starts_with(&e.id));
                }
            }
        }
    }

    /// Any bytes as a JSON Lines file never panic, and give at most one record per line.
    #[test]
    fn any_bytes_as_jsonl_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let t = TempDir::new();
        let p = t.file("f.jsonl", &bytes);
        let recs = read_all(&[p], &ReadOptions { max_bytes: 64, ..Default::default() });
        let lines = bytes.split(|&b| b == b'\n').count();
        prop_assert!(recs.len() <= lines);
    }
}

/// The hand-written `extract` record is byte for byte what serde_json writes.
#[test]
fn analysis_json_line_matches_serde() {
    use whosaid_core::{Analysis, Artifact, ArtifactKind, Quote, QuoteKind, Resolution, Speaker};
    let span = |text: &str, start: usize| whosaid_core::Span {
        text: text.to_string(),
        start,
        end: start + text.len(),
        char_start: start / 2,
        char_end: start / 2 + text.chars().count(),
    };
    let texts = [
        "plain words",
        "",
        "a \"quoted\" \\ back\\slash",
        "tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}",
        "“curly” — é 日本",
    ];
    for (k, t) in texts.iter().enumerate() {
        let a = Analysis {
            id: format!("{t}/{k}"),
            quotes: vec![
                Quote {
                    kind: QuoteKind::Direct,
                    content: span(t, 10 * k),
                    fragments: vec![span(t, 0), span("b", usize::MAX - 1)],
                    cue: Some(span("said", 3)),
                    speaker: Speaker {
                        mention: Some(span(t, 1)),
                        name: Some(t.to_string()),
                        resolution: Resolution::Pronoun,
                    },
                    addressee: None,
                    confidence: 0.1 + k as f32 / 3.0,
                },
                Quote {
                    kind: QuoteKind::Headline,
                    content: span(t, 0),
                    fragments: Vec::new(),
                    cue: None,
                    speaker: Speaker::unresolved(None),
                    addressee: Some(span(t, 2)),
                    confidence: if k == 0 { f32::NAN } else { 1.0 },
                },
            ],
            artifacts: vec![Artifact {
                kind: ArtifactKind::PhotoCaption,
                span: span(t, 4),
            }],
        };
        let mut ours = Vec::new();
        assert!(a.write_json(&mut ours).is_ok());
        let serde = serde_json::to_vec(&a).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&serde)
        );
        let empty = Analysis {
            id: t.to_string(),
            quotes: Vec::new(),
            artifacts: Vec::new(),
        };
        ours.clear();
        assert!(empty.write_json(&mut ours).is_ok());
        assert_eq!(ours, serde_json::to_vec(&empty).unwrap_or_default());
    }
}
