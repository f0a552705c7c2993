//! `whosaid extract` on real-shaped inputs: WARC.gz crawls with damage, HTML pages,
//! gzip-compressed files, directories of mixed formats, stdin, format override, a
//! 200 MB single line, a file that disappears mid-run, threads, the summary.

mod common;

use common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_warc_gz_crawl_with_damage_gives_pages_and_one_error_per_damage() {
    let t = TempDir::new("cli-warc");
    let c = crawl();
    let p = t.file("CC-NEWS.warc.gz", &c.bytes);
    let r = run(&["extract", "--stats", &s(&p)], None);
    assert_eq!(r.code, 1, "partial failure; stderr: {}", r.stderr);
    let ids = r.ids();
    assert_eq!(ids.len(), 7, "{ids:?}");
    assert_eq!(&ids[..3], ["urn:uuid:p1", "urn:uuid:p2", "urn:uuid:p3"]);
    assert_eq!(ids[5], "urn:uuid:p5");
    for k in [0, 1, 2, 5] {
        assert!(!r.is_error(k));
        let quotes = r.records[k]["quotes"].as_array().expect("quotes");
        assert!(
            quotes.iter().any(|q| q["content"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("We are proud of the"))),
            "record {k}: {}",
            r.records[k]
        );
    }
    for k in [3, 4, 6] {
        assert!(r.is_error(k));
        assert!(ids[k].starts_with(&format!("{}@", s(&p))), "{}", ids[k]);
    }
    assert!(r.records[4]["error"]
        .as_str()
        .is_some_and(|e| e.contains(&format!(
            "corrupt gzip member at byte offset {}",
            c.corrupt_member_at
        ))));
    assert!(r.records[6]["error"]
        .as_str()
        .is_some_and(|e| e.contains(&format!(
            "member at byte offset {} is cut short",
            c.truncated_member_at
        ))));
    // One stderr line per error, then the summary.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stderr);
    assert!(lines[..3]
        .iter()
        .all(|l| l.starts_with(&format!("whosaid: {}@", s(&p)))));
    assert!(
        lines[3].starts_with("whosaid: 4 processed, 3 failed, 6 skipped"),
        "{}",
        lines[3]
    );
}

#[test]
fn threads_do_not_change_the_output() {
    let t = TempDir::new("cli-threads");
    let mut members = Vec::new();
    for i in 0..40 {
        let page = match i % 3 {
            0 => article_page(&format!("bridge {i}")),
            1 => div_soup_page(&format!("library {i}")),
            _ => amp_page(&format!("stadium {i}")),
        };
        members.push(gz(&warc_response(
            &format!("r{i}"),
            &format!("https://x.example/{i}"),
            "200 OK",
            "text/html",
            page.as_bytes(),
        )));
    }
    let p = t.file("many.warc.gz", &members.concat());
    let one = run(&["extract", "-j", "1", &s(&p)], None);
    let two = run(&["extract", "-j", "2", &s(&p)], None);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.records.len(), 40);
    assert_eq!(one.stdout, two.stdout);
    assert!(
        one.stderr.is_empty(),
        "no summary unless a terminal or --stats: {}",
        one.stderr
    );
}

#[test]
fn a_directory_of_mixed_formats_is_read_in_path_order() {
    let t = TempDir::new("cli-mixed");
    t.file("d/a.html", article_page("bridge").as_bytes());
    t.file(
        "d/b.txt.gz",
        &gz("\"We will win,\" Smith said.\n".as_bytes()),
    );
    t.file(
        "d/c.jsonl",
        b"{\"id\":\"j1\",\"text\":\"\\\"Yes,\\\" Jones said.\"}\n{\"id\":\"j2\",\n",
    );
    t.file(
        "d/d.warc",
        &warc_response(
            "w1",
            "https://x.example/w",
            "200 OK",
            "text/html",
            amp_page("stadium").as_bytes(),
        ),
    );
    t.file(
        "d/e.jsonl.gz",
        &gz(b"{\"id\":\"g1\",\"text\":\"Fine words.\"}\n"),
    );
    let d = t.0.join("d");
    let r = run(&["extract", &s(&d)], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let j2 = format!("{}:2", s(&d.join("c.jsonl")));
    assert_eq!(
        r.ids(),
        vec![
            s(&d.join("a.html")),
            s(&d.join("b.txt.gz")),
            "j1".to_string(),
            j2,
            "urn:uuid:w1".to_string(),
            "g1".to_string()
        ]
    );
    assert!(r.is_error(3));
}

#[test]
fn stdin_takes_any_format_gzipped_or_not() {
    let warc = gz(&warc_response(
        "s1",
        "https://x.example/s",
        "200 OK",
        "text/html",
        article_page("bridge").as_bytes(),
    ));
    let r = run(&["extract"], Some(warc));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.ids(), vec!["urn:uuid:s1"]);
    let r = run(&["extract", "-"], Some(article_page("bridge").into_bytes()));
    assert_eq!(r.ids(), vec!["-"]);
    let r = run(
        &["extract", "-"],
        Some(gz(b"{\"id\":\"x\",\"text\":\"Hello there.\"}\n")),
    );
    assert_eq!(r.ids(), vec!["x"]);
}

#[test]
fn format_override() {
    let t = TempDir::new("cli-format");
    let p = t.file("page.html", article_page("bridge").as_bytes());
    let as_text = run(&["clean", "--format", "text", &s(&p)], None);
    assert!(as_text.records[0]["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("<!DOCTYPE html>")));
    let bad = run(&["extract", "--format", "pdf", &s(&p)], None);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown format"), "{}", bad.stderr);
    let both = run(&["extract", "--format", "text", "--jsonl", &s(&p)], None);
    assert_eq!(both.code, 2);
}

#[test]
fn a_200_mb_single_line_is_one_error_and_the_run_goes_on() {
    let t = TempDir::new("cli-huge");
    let p = t.0.join("huge.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).expect("create"));
        f.write_all(b"{\"id\":\"a\",\"text\":\"Before.\"}\n{\"id\":\"big\",\"text\":\"")
            .expect("write");
        let chunk = "word ".repeat(1 << 16);
        let mut written = 0;
        while written < 200 << 20 {
            f.write_all(chunk.as_bytes()).expect("write");
            written += chunk.len();
        }
        f.write_all(b"\"}\n{\"id\":\"c\",\"text\":\"After.\"}\n")
            .expect("write");
    }
    let started = Instant::now();
    let r = run(&["extract", &s(&p)], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let line2 = format!("{}:2", s(&p));
    assert_eq!(r.ids(), vec!["a".to_string(), line2, "c".to_string()]);
    assert!(r.records[1]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("record too large")));
    assert!(started.elapsed() < Duration::from_secs(120));
    // Gzipped as one text file: the limit holds on the decompressed stream too.
    let g = t.0.join("huge.txt.gz");
    {
        let f = std::fs::File::create(&g).expect("create");
        let mut e = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        let chunk = "word ".repeat(1 << 16);
        for _ in 0..(200 << 20) / chunk.len() {
            e.write_all(chunk.as_bytes()).expect("write");
        }
        e.finish().expect("finish");
    }
    let r = run(&["extract", &s(&g)], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.records[0]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("record too large")));
}

#[test]
fn a_file_that_disappears_mid_run_is_one_error() {
    let t = TempDir::new("cli-vanish");
    let lines: String = (0..6000)
        .map(|i| {
            format!(
                "{{\"id\":\"r{i}\",\"text\":\"\\\"We will win the vote number {i},\\\" Mayor Ann Lee said on Monday, adding that the city was ready.\"}}\n"
            )
        })
        .collect();
    let first = t.file("a.jsonl", lines.as_bytes());
    let second = t.file("b.txt", b"Will be gone.");
    let mut child = Command::new(BIN)
        .args(["extract", "-j", "1", &s(&first), &s(&second)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    // As soon as output flows, the second file is still to come: remove it.
    let mut out = vec![0u8; 1];
    stdout.read_exact(&mut out).expect("first output byte");
    std::fs::remove_file(&second).expect("remove");
    stdout.read_to_end(&mut out).expect("rest of the output");
    let status = child.wait().expect("wait");
    let text = String::from_utf8(out).expect("utf-8");
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(status.code(), Some(1));
    assert_eq!(records.len(), 6001);
    let last = &records[6000];
    assert_eq!(last["id"], s(&second));
    assert!(last["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("cannot open")));
}

#[test]
fn broken_encoding_warns_on_stderr_and_the_page_is_kept() {
    let t = TempDir::new("cli-enc");
    let page = article_page("caf\u{e9}").replace("<meta charset=\"utf-8\">", "");
    let latin1: Vec<u8> = page.chars().map(|c| c as u8).collect();
    let p = t.file("latin.html", &latin1);
    let r = run(&["clean", &s(&p)], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.records[0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("approve the caf\u{fffd}")));
    assert!(
        r.stderr
            .starts_with(&format!("whosaid: {}: warning: ", s(&p))),
        "{}",
        r.stderr
    );
    let quiet = run(&["clean", "--quiet", &s(&p)], None);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}
