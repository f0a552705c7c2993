//! Real-shaped fixtures made in code: news pages in the common layouts, WARC records
//! and gzip members, shared by the io tests and the CLI's input tests.
#![allow(dead_code)]

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "whosaid-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("create parent");
        }
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Paragraphs of a news story, with a direct quote.
pub fn story(subject: &str) -> Vec<String> {
    vec![
        format!(
            "The city council voted on Tuesday to approve the {subject}, ending a debate \
             that had divided residents for more than two years, officials said."
        ),
        format!(
            "\"We are proud of the {subject}, and we think it will serve the city for \
             decades,\" Mayor Ann Lee told reporters after the vote."
        ),
        "Critics, including several neighbourhood groups, had argued that the cost was \
         too high, and that the money would be better spent on schools and roads."
            .to_string(),
        "The council is expected to publish a detailed schedule for the work next month, \
         according to a statement released by the mayor's office."
            .to_string(),
    ]
}

fn paragraphs(subject: &str) -> String {
    story(subject)
        .iter()
        .map(|p| format!("<p>{p}</p>\n"))
        .collect()
}

/// The common layout: `<article>` with metadata in `<meta>` tags, navigation,
/// share buttons, related links and a footer around it.
pub fn article_page(subject: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council approves {subject} | Daily Planet</title>
<meta property="og:title" content="Council approves {subject}">
<meta property="og:site_name" content="Daily Planet">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://dailyplanet.example/news/{slug}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav></header>
<main><article>
<h1>Council approves {subject}</h1>
<p class="byline">By Lois Lane</p>
{paras}<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
</article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Storm hits coast</a></li><li><a href="/b">Team wins final</a></li></ul></aside>
</main>
<footer><p>Copyright 2024 Daily Planet. All rights reserved.</p></footer>
</body></html>
"##,
        slug = subject.replace(' ', "-"),
        paras = paragraphs(subject),
    )
}

/// Div soup: no `<article>`, no semantic tags, text in nested `<div>`s with class
/// names, metadata only in `<title>` and a `name="date"` meta.
pub fn div_soup_page(subject: &str) -> String {
    let paras: String = story(subject)
        .iter()
        .map(|p| format!("<div class=\"para\"><p>{p}</p></div>\n"))
        .collect();
    format!(
        r##"<html><head><title>Council approves {subject} - The Gazette</title>
<meta name="date" content="2023-11-20">
</head><body><div id="wrap"><div class="top"><div class="menu"><a href="/">Home</a> | <a href="/local">Local</a> | <a href="/contact">Contact us</a></div></div>
<div class="cols"><div class="left"><div class="ad">Advertisement</div><div class="links"><a href="/1">Most read one</a><br><a href="/2">Most read two</a></div></div>
<div class="main"><div class="story-body">
{paras}</div></div></div>
<div class="bottom"><div>Subscribe to our newsletter</div><div>Terms | Privacy</div></div></div></body></html>
"##
    )
}

/// An AMP page: `<html ⚡>`, JSON-LD `NewsArticle` metadata, `amp-img`, AMP boilerplate.
pub fn amp_page(subject: &str) -> String {
    format!(
        r##"<!doctype html>
<html ⚡ lang="en"><head><meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<title>Council approves {subject}</title>
<link rel="canonical" href="https://news.example.com/2024/01/{slug}.html">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle","headline":"Council approves {subject}","datePublished":"2024-01-15T08:30:00Z","author":{{"@type":"Person","name":"Clark Kent"}},"publisher":{{"@type":"Organization","name":"Example News"}}}}</script>
<style amp-boilerplate>body{{visibility:hidden}}</style>
</head><body>
<amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></amp-sidebar>
<header class="amp-header"><a href="/">Example News</a></header>
<main><div class="amp-article"><h1>Council approves {subject}</h1>
<amp-img src="/bridge.jpg" width="600" height="400" layout="responsive" alt="The site"></amp-img>
<div class="article-body">
{paras}</div></div></main>
<amp-analytics type="gtag"></amp-analytics>
</body></html>
"##,
        slug = subject.replace(' ', "-"),
        paras = paragraphs(subject),
    )
}

/// Gzip-compresses `data` as one member.
pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("in-memory write");
    e.finish().expect("in-memory gzip")
}

/// One WARC/1.1 record.
pub fn warc_record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Date: 2024-03-05T12:00:00Z\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A `response` record holding an HTTP response with `body`.
pub fn warc_response(
    id: &str,
    uri: &str,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut http = format!(
        "HTTP/1.1 {status}\r\nServer: nginx\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    http.extend_from_slice(body);
    warc_record(
        "response",
        id,
        uri,
        "application/http; msgtype=response",
        &http,
    )
}

/// The matching `request` record (skipped by the reader).
pub fn warc_request(id: &str, uri: &str) -> Vec<u8> {
    warc_record(
        "request",
        id,
        uri,
        "application/http; msgtype=request",
        format!("GET {uri} HTTP/1.1\r\nHost: example.com\r\n\r\n").as_bytes(),
    )
}

/// A `warcinfo` record (skipped).
pub fn warcinfo() -> Vec<u8> {
    warc_record(
        "warcinfo",
        "00000000-info",
        "",
        "application/warc-fields",
        b"software: whosaid-tests\r\nformat: WARC File Format 1.1\r\n",
    )
}

/// A CC-NEWS-like crawl: one gzip member per record, with a warcinfo record,
/// request/response pairs, a 404, an image, a record with a bad WARC header, a record
/// whose gzip member is corrupt, and a tail cut short.
pub struct Crawl {
    pub bytes: Vec<u8>,
    pub corrupt_member_at: u64,
    pub truncated_member_at: u64,
}

pub fn crawl() -> Crawl {
    let mut members: Vec<Vec<u8>> = vec![gz(&warcinfo())];
    let pages = [
        (
            "p1",
            "https://dailyplanet.example/news/bridge",
            article_page("bridge"),
        ),
        (
            "p2",
            "https://gazette.example/local/library",
            div_soup_page("library"),
        ),
        (
            "p3",
            "https://news.example.com/amp/stadium",
            amp_page("stadium"),
        ),
    ];
    for (id, uri, page) in &pages {
        members.push(gz(&warc_request(&format!("{id}-req"), uri)));
        members.push(gz(&warc_response(
            id,
            uri,
            "200 OK",
            "text/html; charset=utf-8",
            page.as_bytes(),
        )));
    }
    members.push(gz(&warc_response(
        "gone",
        "https://x.example/gone",
        "404 Not Found",
        "text/html",
        b"<html><body>Not found</body></html>",
    )));
    members.push(gz(&warc_response(
        "img",
        "https://x.example/a.jpg",
        "200 OK",
        "image/jpeg",
        b"\xff\xd8\xff\xe0 jpeg",
    )));
    // A record whose WARC header is bad (valid gzip).
    members.push(gz(b"WARC/1.1\r\nWARC-Type: response\r\nthis line is not a header field\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"));
    let bad_header_member = members.len() - 1;
    // A record whose gzip data is damaged in the middle.
    let mut corrupt = gz(&warc_response(
        "p4",
        "https://x.example/p4",
        "200 OK",
        "text/html",
        article_page("tunnel").as_bytes(),
    ));
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 16] {
        *b ^= 0xa5;
    }
    members.push(corrupt);
    let corrupt_member = members.len() - 1;
    members.push(gz(&warc_response(
        "p5",
        "https://x.example/p5",
        "200 OK",
        "text/html",
        article_page("park").as_bytes(),
    )));
    // The tail: a member cut in half.
    let tail = gz(&warc_response(
        "p6",
        "https://x.example/p6",
        "200 OK",
        "text/html",
        article_page("port").as_bytes(),
    ));
    members.push(tail[..tail.len() / 2].to_vec());
    let offset_of = |k: usize| members[..k].iter().map(|m| m.len() as u64).sum::<u64>();
    let _ = bad_header_member;
    Crawl {
        corrupt_member_at: offset_of(corrupt_member),
        truncated_member_at: offset_of(members.len() - 1),
        bytes: members.concat(),
    }
}
