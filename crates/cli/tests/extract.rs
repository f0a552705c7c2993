//! Integration tests of `whosaid extract`: the built binary on temp files and stdin.

mod common;

use common::*;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn good_bad_utf8_and_empty_files_give_three_records_and_exit_1() {
    let t = TempDir::new("cli-test");
    let good = t.file(
        "good.txt",
        "Headline\n\n\"We will win,\" Smith said.\n".as_bytes(),
    );
    let bad = t.file("bad.txt", b"Caf\xe9 au lait");
    let empty = t.file("empty.txt", b"");
    let r = run(&["extract", &s(&good), &s(&bad), &s(&empty)], None);
    assert_eq!(r.code, 1, "partial failure; stderr: {}", r.stderr);
    assert_eq!(r.ids(), vec![s(&good), s(&bad), s(&empty)]);
    assert!(!r.is_error(0));
    assert!(r.records[0]["quotes"].is_array());
    assert_eq!(r.records[1]["error"], "invalid UTF-8 at byte offset 3");
    assert_eq!(r.records[2]["error"], "empty document");
    assert!(
        r.stderr.contains(&format!(
            "whosaid: {}: invalid UTF-8 at byte offset 3",
            s(&bad)
        )),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains(&format!("whosaid: {}: empty document", s(&empty))));
    assert_eq!(r.stderr.lines().count(), 2);
}

#[test]
fn jsonl_with_a_broken_middle_line_keeps_the_others() {
    let t = TempDir::new("cli-test");
    let p = t.file(
        "news.jsonl",
        b"{\"id\":\"a\",\"text\":\"First.\"}\n{\"id\":\"b\",\"text\":\n{\"id\":\"c\",\"text\":\"Third.\"}\n",
    );
    let r = run(&["extract", &s(&p)], None);
    assert_eq!(r.code, 1);
    let broken = format!("{}:2", s(&p));
    assert_eq!(r.ids(), vec!["a", broken.as_str(), "c"]);
    assert!(!r.is_error(0) && r.is_error(1) && !r.is_error(2));
    assert!(
        r.stderr
            .starts_with(&format!("whosaid: {broken}: invalid JSON")),
        "{}",
        r.stderr
    );
}

#[test]
fn jsonl_flag_and_missing_text() {
    let t = TempDir::new("cli-test");
    let p = t.file(
        "news.txt",
        b"{\"id\":\"a\",\"title\":\"no text\"}\n{\"id\":\"b\",\"text\":\"Fine.\"}\n",
    );
    let r = run(&["extract", "--jsonl", &s(&p)], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.ids(), vec!["a", "b"]);
    assert_eq!(r.records[0]["error"], "missing \"text\" field");
    assert!(r
        .stderr
        .contains(&format!("whosaid: {}:1: missing \"text\" field", s(&p))));
}

#[test]
fn a_50_mb_single_line_text_file_is_processed() {
    let t = TempDir::new("cli-test");
    let sentence = "The quick brown fox jumps over the lazy dog. ";
    let n = 50 * 1024 * 1024 / sentence.len() + 1;
    let text = sentence.repeat(n);
    let p = t.file("big.txt", text.as_bytes());
    let start = Instant::now();
    let r = run(&["extract", &s(&p)], None);
    let took = start.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.ids(), vec![s(&p)]);
    assert!(!r.is_error(0));
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    eprintln!("50 MB file: {took:?}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

#[test]
fn a_file_over_max_bytes_is_an_error_record() {
    let t = TempDir::new("cli-test");
    let big = t.file("big.txt", &[b'a'; 2000]);
    let small = t.file("small.txt", b"small");
    let r = run(
        &["extract", "--max-bytes", "1K", &s(&big), &s(&small)],
        None,
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.ids(), vec![s(&big), s(&small)]);
    assert_eq!(
        r.records[0]["error"],
        "record too large: 2000 bytes exceeds the limit of 1024 bytes"
    );
}

#[test]
fn stdin_text_works() {
    let r = run(&["extract"], Some(b"\"Hello,\" she said.".to_vec()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.ids(), vec!["-"]);
    let r = run(&["extract", "-"], Some(b"Some text.".to_vec()));
    assert_eq!(r.code, 0);
    assert_eq!(r.ids(), vec!["-"]);
}

#[test]
fn stdin_jsonl_skips_an_overlong_line() {
    let mut input = b"{\"id\":\"a\",\"text\":\"One.\"}\n{\"id\":\"big\",\"text\":\"".to_vec();
    input.extend_from_slice(&vec![b'x'; 5 * 1024 * 1024]);
    input.extend_from_slice(b"\"}\n{\"id\":\"c\",\"text\":\"Three.\"}");
    let r = run(&["extract", "--jsonl", "--max-bytes", "1M"], Some(input));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.ids(), vec!["a", "-:2", "c"]);
    assert!(r.records[1]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("record too large")));
    assert!(r.stderr.contains("whosaid: -:2: record too large"));
}

#[test]
fn stdin_over_the_limit_is_one_error_record() {
    let r = run(
        &["extract", "--max-bytes", "1000"],
        Some(vec![b'a'; 100_000]),
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.ids(), vec!["-"]);
    assert_eq!(
        r.records[0]["error"],
        "record too large: more than 1000 bytes exceeds the limit of 1000 bytes"
    );
}

#[test]
fn directories_are_read_in_path_order() {
    let t = TempDir::new("cli-test");
    fs::create_dir_all(t.0.join("sub")).expect("mkdir");
    t.file("b.txt", b"B.");
    t.file("sub/a.txt", b"A.");
    t.file("a.txt", b"A.");
    t.file(".hidden", b"H.");
    let r = run(&["extract", &s(&t.0)], None);
    assert_eq!(r.code, 0);
    let want: Vec<String> = ["a.txt", "b.txt", "sub/a.txt"]
        .iter()
        .map(|n| s(&t.0.join(n)))
        .collect();
    assert_eq!(r.ids(), want);
}

#[test]
fn nothing_readable_exits_2() {
    let t = TempDir::new("cli-test");
    let missing = t.0.join("missing.txt");
    let binary = t.file("junk.bin", b"\x7fELF\x02\x01\x01\0\0\0\0");
    let r = run(&["extract", &s(&missing), &s(&binary)], None);
    assert_eq!(r.code, 2);
    assert_eq!(r.ids(), vec![s(&missing), s(&binary)]);
    assert!(r.records[0]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("cannot open:")));
    assert!(r
        .stderr
        .contains(&format!("whosaid: {}: cannot open:", s(&missing))));
    assert!(r
        .stderr
        .contains(&format!("whosaid: {}: binary data", s(&binary))));
}

#[test]
fn usage_error_exits_2() {
    let r = run(&["extract", "--no-such-flag"], None);
    assert_eq!(r.code, 2);
    let r = run(&["extract", "--max-bytes", "lots"], None);
    assert_eq!(r.code, 2);
    let r = run(&[], None);
    assert_eq!(r.code, 2);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = Command::new(BIN)
        .args(["extract", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(help.contains("Exit status:"), "{help}");
    assert!(help.contains("partial failure"), "{help}");
    assert!(help.contains("--max-bytes"), "{help}");
}

#[test]
fn a_closed_stdout_ends_quietly_with_0() {
    let mut input = Vec::new();
    for i in 0..50_000 {
        input.extend_from_slice(format!("{{\"id\":\"r{i}\",\"text\":\"Text {i}.\"}}\n").as_bytes());
    }
    let mut child = Command::new(BIN)
        .args(["extract", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut pipe = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("first line");
    assert!(first.starts_with("{\"id\":\"r0\""), "{first}");
    drop(out); // like `| head -1`
    let done = child.wait_with_output().expect("wait");
    let _ = feeder.join();
    assert_eq!(done.status.code(), Some(0));
    assert!(
        done.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn parallel_output_equals_sequential_output_in_input_order() {
    let dev =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval-data/polnear/dev/text");
    if !dev.exists() {
        eprintln!("skipped: {} not found", dev.display());
        return;
    }
    let d = s(&dev);
    let one = run(&["extract", "--threads", "1", &d], None);
    let two = run(&["extract", "--threads", "2", &d], None);
    assert_eq!(one.code, 0);
    assert_eq!(one.records.len(), 84);
    assert_eq!(one.records, two.records);
}

#[test]
fn extract_into_a_file_of_its_input_directory_does_not_read_that_file() {
    let t = TempDir::new("cli-test");
    let a = t.file(
        "a.txt",
        "Headline\n\n\"We will win,\" Smith said.\n".as_bytes(),
    );
    let out_path = t.path("out.jsonl");
    let out = fs::File::create(&out_path).expect("create out.jsonl");
    let status = Command::new(BIN)
        .arg("extract")
        .arg(&t.0)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .expect("run whosaid");
    // One article, one error record naming the output file: a partial failure.
    assert_eq!(status.status.code(), Some(1), "{status:?}");
    let stderr = String::from_utf8_lossy(&status.stderr);
    assert!(
        stderr.contains("out.jsonl: is the output being written"),
        "{stderr}"
    );
    let written = fs::read_to_string(&out_path).expect("read out.jsonl");
    let lines: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{written}");
    assert_eq!(lines[0]["id"], a.display().to_string());
    assert_eq!(lines[0]["quotes"].as_array().map(Vec::len), Some(1));
    assert_eq!(lines[1]["id"], out_path.display().to_string());
    assert!(lines[1]["error"].is_string());
}

/// `--all-quotes` keeps what the quote filter drops: on 20 PolNeAR dev articles, every
/// filtered quote is also in the unfiltered output, and the unfiltered output has more.
#[test]
fn all_quotes_keeps_what_the_filter_drops() {
    let dev =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval-data/polnear/dev/text");
    let Ok(entries) = fs::read_dir(&dev) else {
        panic!("PolNeAR dev beside the workspace: {}", dev.display());
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok().map(|e| s(&e.path())))
        .collect();
    files.sort();
    files.truncate(20);
    let args: Vec<&str> = std::iter::once("extract")
        .chain(files.iter().map(String::as_str))
        .collect();
    let filtered = run(&args, None);
    let all_args: Vec<&str> = args.iter().copied().chain(["--all-quotes"]).collect();
    let all = run(&all_args, None);
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let spans = |r: &serde_json::Value| -> Vec<(u64, u64)> {
        r["quotes"]
            .as_array()
            .map(|q| {
                q.iter()
                    .map(|q| {
                        (
                            q["content"]["start"].as_u64().unwrap_or(0),
                            q["content"]["end"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut kept, mut total) = (0, 0);
    for (f, a) in filtered.records.iter().zip(&all.records) {
        let (f, a) = (spans(f), spans(a));
        assert!(f.iter().all(|x| a.contains(x)), "{f:?} not within {a:?}");
        kept += f.len();
        total += a.len();
    }
    assert!(kept < total, "the filter dropped nothing of {total}");
}
