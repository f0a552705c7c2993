//! `whosaid clean`: the reading and clean-up stages as JSON Lines
//! `{"id", "url", "title", "byline", "date", "text", "artifacts"}`.

mod common;

use common::*;
use serde_json::Value;
use std::process::{Command, Stdio};

fn run(args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run whosaid");
    let records = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    (
        out.status.code().expect("exit code"),
        records,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn html_pages_come_out_with_their_metadata_and_a_short_id() {
    let t = TempDir::new("clean-html");
    t.file("pages/bridge.html", article_page("bridge").as_bytes());
    t.file(
        "pages/stadium.amp.html.gz",
        &gz(amp_page("stadium").as_bytes()),
    );
    let (code, recs, err) = run(&["clean", &s(&t.0.join("pages"))]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(recs.len(), 2);
    let a = &recs[0];
    assert_eq!(a["id"], "bridge");
    assert_eq!(a["url"], "https://dailyplanet.example/news/bridge");
    assert_eq!(a["title"], "Council approves bridge");
    assert_eq!(a["byline"], "Lois Lane");
    assert_eq!(a["date"], "2024-03-05T10:00:00Z");
    assert!(a["text"]
        .as_str()
        .is_some_and(|t| t.contains("\"We are proud of the bridge")));
    assert!(a["artifacts"].is_array());
    let keys: Vec<&str> = a
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
    assert_eq!(recs[1]["id"], "stadium");
    assert_eq!(recs[1]["byline"], "Clark Kent");
}

#[test]
fn warc_records_keep_their_record_ids_and_errors_are_records() {
    let t = TempDir::new("clean-warc");
    let p = t.file("crawl.warc.gz", &crawl().bytes);
    let (code, recs, err) = run(&["clean", "-q", &s(&p)]);
    assert_eq!(code, 1, "{err}");
    let ids: Vec<&str> = recs
        .iter()
        .map(|r| r["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(&ids[..3], ["urn:uuid:p1", "urn:uuid:p2", "urn:uuid:p3"]);
    assert_eq!(recs.iter().filter(|r| r.get("error").is_some()).count(), 3);
    assert_eq!(recs[0]["url"], "https://dailyplanet.example/news/bridge");
    // Errors still go to stderr with --quiet; nothing else does.
    assert_eq!(err.lines().count(), 3, "{err}");
}

#[test]
fn artifacts_are_those_of_the_core_pipeline() {
    let t = TempDir::new("clean-artifacts");
    let text = "Council approves bridge\n\n\u{2022} Leroy Wright\n\n\"We are proud of it,\" Mayor Ann Lee said on Monday.\n\nThe mayor speaks to reporters outside city hall on Monday. (Photo: John Doe)\n\nShare this article on Facebook and Twitter\n\nThe council said the work would";
    let p = t.file("story.txt", text.as_bytes());
    let (code, cleaned, err) = run(&["clean", &s(&p)]);
    assert_eq!(code, 0, "{err}");
    let (_, extracted, _) = run(&["extract", &s(&p)]);
    assert_eq!(cleaned[0]["id"], "story");
    assert_eq!(cleaned[0]["text"], text);
    assert_eq!(cleaned[0]["artifacts"], extracted[0]["artifacts"]);
    assert_eq!(cleaned[0]["title"], Value::Null);
}

#[test]
fn jsonl_records_keep_their_ids_and_fields() {
    let t = TempDir::new("clean-jsonl");
    let p = t.file(
        "feed.jsonl",
        b"{\"id\":\"n1\",\"text\":\"Words.\",\"url\":\"https://x.example/n1\",\"title\":\"T\",\"date\":\"2024-01-01\"}\nnot json\n",
    );
    let (code, recs, _) = run(&["clean", &s(&p)]);
    assert_eq!(code, 1);
    assert_eq!(recs[0]["id"], "n1");
    assert_eq!(recs[0]["url"], "https://x.example/n1");
    assert_eq!(recs[0]["byline"], Value::Null);
    assert_eq!(recs[1]["id"], format!("{}:2", s(&p)));
    assert!(recs[1]["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("invalid JSON")));
}
