//! Real-shaped inputs end to end through `read_inputs`: WARC.gz crawls with damage,
//! HTML pages in the main layouts, gzip-compressed text and JSON Lines, format
//! detection and its override, globs.

mod common;

use common::*;
use std::path::PathBuf;
use whosaid_io::{read_inputs, Article, Format, ReadError, ReadOptions, RecordError};

/// Everything the reader yields for `paths`: articles or errors, warnings, skipped count.
struct Read {
    items: Vec<Result<Article, RecordError>>,
    warnings: Vec<String>,
    skipped: u64,
}

fn read(paths: &[PathBuf], opts: &ReadOptions) -> Read {
    let mut inputs = read_inputs(paths, opts);
    let stats = inputs.stats();
    let mut items = Vec::new();
    let mut warnings = Vec::new();
    while let Some(raw) = inputs.next_raw() {
        let parsed = raw.parse();
        warnings.extend(parsed.warnings);
        items.push(parsed.article);
    }
    Read {
        items,
        warnings,
        skipped: stats.skipped(),
    }
}

fn auto(paths: &[PathBuf]) -> Read {
    read(paths, &ReadOptions::default())
}

fn ok(item: &Result<Article, RecordError>) -> &Article {
    match item {
        Ok(a) => a,
        Err(e) => panic!("expected an article, got error {e}"),
    }
}

fn err(item: &Result<Article, RecordError>) -> &RecordError {
    match item {
        Ok(a) => panic!("expected an error, got article {}", a.doc.id),
        Err(e) => e,
    }
}

fn assert_story(a: &Article, subject: &str) {
    let text = &a.doc.text;
    for p in story(subject) {
        assert!(text.contains(&p), "missing paragraph {p:?} in {text:?}");
    }
    for junk in [
        "Share on Facebook",
        "Related stories",
        "Copyright",
        "Most read",
        "Subscribe",
    ] {
        assert!(!text.contains(junk), "{junk:?} kept in {text:?}");
    }
}

#[test]
fn html_page_with_an_article_tag() {
    let t = TempDir::new("io-html");
    let p = t.file("news/bridge-story.html", article_page("bridge").as_bytes());
    let r = auto(std::slice::from_ref(&p));
    assert_eq!(r.items.len(), 1);
    let a = ok(&r.items[0]);
    assert_eq!(a.doc.id, s(&p));
    assert_eq!(a.name, "bridge-story");
    assert_eq!(a.doc.title.as_deref(), Some("Council approves bridge"));
    assert_eq!(
        a.doc.url.as_deref(),
        Some("https://dailyplanet.example/news/bridge")
    );
    assert_eq!(a.doc.date.as_deref(), Some("2024-03-05T10:00:00Z"));
    assert_eq!(a.doc.source.as_deref(), Some("Daily Planet"));
    assert_eq!(a.byline.as_deref(), Some("Lois Lane"));
    assert_story(a, "bridge");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn html_div_soup_page() {
    let t = TempDir::new("io-soup");
    let p = t.file("soup.htm", div_soup_page("library").as_bytes());
    let r = auto(&[p]);
    let a = ok(&r.items[0]);
    assert_eq!(a.doc.date.as_deref(), Some("2023-11-20"));
    assert!(a
        .doc
        .title
        .as_deref()
        .is_some_and(|t| t.contains("Council approves library")));
    assert_eq!(a.doc.source, None);
    assert_story(a, "library");
}

#[test]
fn html_amp_page_with_json_ld() {
    let t = TempDir::new("io-amp");
    // No extension: detected from `<!doctype html`.
    let p = t.file("amp-page", amp_page("stadium").as_bytes());
    let r = auto(&[p]);
    let a = ok(&r.items[0]);
    assert_eq!(a.doc.title.as_deref(), Some("Council approves stadium"));
    assert_eq!(
        a.doc.url.as_deref(),
        Some("https://news.example.com/2024/01/stadium.html")
    );
    assert_eq!(a.doc.date.as_deref(), Some("2024-01-15T08:30:00Z"));
    assert_eq!(a.byline.as_deref(), Some("Clark Kent"));
    assert_eq!(a.doc.source.as_deref(), Some("Example News"));
    assert_story(a, "stadium");
}

#[test]
fn html_in_a_legacy_charset_is_decoded_and_broken_bytes_warn() {
    let t = TempDir::new("io-charset");
    let page = article_page("caf\u{e9}").replace(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"windows-1252\">",
    );
    let (bytes, _, _) = encoding_rs_free_latin1(&page);
    let p = t.file("latin.html", &bytes);
    let r = auto(&[p]);
    let a = ok(&r.items[0]);
    assert!(
        a.doc.text.contains("approve the caf\u{e9}"),
        "{}",
        a.doc.text
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // No declaration and bytes that are not UTF-8: decoded lossily, with a warning.
    let undeclared = page.replace("<meta charset=\"windows-1252\">", "");
    let (bytes, _, _) = encoding_rs_free_latin1(&undeclared);
    let p = t.file("broken.html", &bytes);
    let r = auto(std::slice::from_ref(&p));
    let a = ok(&r.items[0]);
    assert!(
        a.doc.text.contains("approve the caf\u{fffd}"),
        "{}",
        a.doc.text
    );
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].starts_with(&format!("{}: warning: ", s(&p))),
        "{:?}",
        r.warnings
    );
}

/// Latin-1 encoding of a string whose characters are all below U+0100.
fn encoding_rs_free_latin1(s: &str) -> (Vec<u8>, (), ()) {
    (
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).expect("latin-1 text"))
            .collect(),
        (),
        (),
    )
}

#[test]
fn a_page_without_article_text_is_an_error_record() {
    let t = TempDir::new("io-empty-html");
    let p = t.file(
        "nav.html",
        b"<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav></body></html>",
    );
    let r = auto(std::slice::from_ref(&p));
    let e = err(&r.items[0]);
    assert_eq!(e.id, s(&p));
    assert!(matches!(e.error, ReadError::NoArticleText { .. }));
}

#[test]
fn warc_gz_crawl_with_a_bad_record_a_corrupt_member_and_a_truncated_tail() {
    let t = TempDir::new("io-warc");
    let c = crawl();
    let p = t.file("CC-NEWS-20240305.warc.gz", &c.bytes);
    let r = auto(std::slice::from_ref(&p));
    let ids: Vec<String> = r
        .items
        .iter()
        .map(|i| match i {
            Ok(a) => a.doc.id.clone(),
            Err(e) => format!("ERR {}", e.id),
        })
        .collect();
    assert_eq!(ids.len(), 7, "{ids:?}");
    for (k, (id, subject)) in [("p1", "bridge"), ("p2", "library"), ("p3", "stadium")]
        .iter()
        .enumerate()
    {
        let a = ok(&r.items[k]);
        assert_eq!(a.doc.id, format!("urn:uuid:{id}"));
        assert_eq!(a.name, a.doc.id);
        assert_story(a, subject);
    }
    // The target URI is the url unless the page names a canonical one.
    assert_eq!(
        ok(&r.items[0]).doc.url.as_deref(),
        Some("https://dailyplanet.example/news/bridge")
    );
    assert_eq!(
        ok(&r.items[1]).doc.url.as_deref(),
        Some("https://gazette.example/local/library")
    );
    assert_eq!(ok(&r.items[2]).doc.source.as_deref(), Some("Example News"));

    // The bad header: one error naming the file and the record's byte offset.
    let e = err(&r.items[3]);
    assert!(e.id.starts_with(&format!("{}@", s(&p))), "{}", e.id);
    assert!(matches!(e.error, ReadError::Warc { .. }), "{:?}", e.error);
    assert!(e.error.reason().contains("not a field"), "{}", e.error);

    // The corrupt gzip member: one error with its compressed offset, then the next page.
    let e = err(&r.items[4]);
    assert!(e.id.starts_with(&format!("{}@", s(&p))), "{}", e.id);
    match &e.error {
        ReadError::Gzip { error, .. } => assert_eq!(error.offset, c.corrupt_member_at),
        other => panic!("{other:?}"),
    }
    assert!(e
        .error
        .reason()
        .contains(&format!("byte offset {}", c.corrupt_member_at)));
    assert_story(ok(&r.items[5]), "park");

    // The truncated tail: one error, naming the member's offset.
    let e = err(&r.items[6]);
    match &e.error {
        ReadError::Gzip { error, .. } => {
            assert_eq!(error.offset, c.truncated_member_at);
            assert_eq!(error.kind, whosaid_io::GzErrorKind::Truncated);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.error.to_string().contains("truncated"), "{}", e.error);

    // warcinfo, 3 requests, the 404 and the image are counted, not errors.
    assert_eq!(r.skipped, 6);
}

#[test]
fn uncompressed_warc_with_content_length_past_the_end() {
    let t = TempDir::new("io-warc-plain");
    let mut bytes = warc_response(
        "a",
        "https://x.example/a",
        "200 OK",
        "text/html",
        article_page("bridge").as_bytes(),
    );
    let second = warc_response(
        "b",
        "https://x.example/b",
        "200 OK",
        "text/html",
        article_page("park").as_bytes(),
    );
    let at = bytes.len();
    bytes.extend_from_slice(&second[..second.len() - 100]);
    // `.dat`: detected from `WARC/`.
    let p = t.file("crawl.dat", &bytes);
    let r = auto(std::slice::from_ref(&p));
    assert_eq!(r.items.len(), 2);
    assert_story(ok(&r.items[0]), "bridge");
    let e = err(&r.items[1]);
    assert_eq!(e.id, format!("{}@{at}", s(&p)));
    assert!(
        e.error.reason().contains("runs past the end"),
        "{}",
        e.error
    );
}

#[test]
fn warc_http_charset_is_honoured() {
    let t = TempDir::new("io-warc-charset");
    let page = article_page("caf\u{e9}").replace("<meta charset=\"utf-8\">", "");
    let latin1: Vec<u8> = page.chars().map(|c| c as u8).collect();
    let bytes = warc_response(
        "c",
        "https://x.example/c",
        "200 OK",
        "text/html; charset=ISO-8859-1",
        &latin1,
    );
    let p = t.file("one.warc", &bytes);
    let r = auto(&[p]);
    let a = ok(&r.items[0]);
    assert!(a.doc.text.contains("approve the caf\u{e9}"));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn gzipped_text_jsonl_and_html_are_read_transparently() {
    let t = TempDir::new("io-gz");
    let txt = t.file(
        "a/story.txt.gz",
        &gz("\"We will win,\" Smith said.\n".as_bytes()),
    );
    let jsonl = t.file(
        "b/feed.jsonl.gz",
        &gz(b"{\"id\":\"j1\",\"text\":\"One.\",\"title\":\"T\"}\n{\"id\":\"j2\",\"text\":\n{\"id\":\"j3\",\"text\":\"Three.\"}\n"),
    );
    let html = t.file("c/page.html.gz", &gz(article_page("bridge").as_bytes()));
    let r = auto(&[txt.clone(), jsonl.clone(), html]);
    assert_eq!(r.items.len(), 5);
    let a = ok(&r.items[0]);
    assert_eq!(a.doc.text, "\"We will win,\" Smith said.\n");
    assert_eq!(a.doc.id, s(&txt));
    assert_eq!(a.name, "story");
    assert_eq!(ok(&r.items[1]).doc.id, "j1");
    assert_eq!(ok(&r.items[1]).doc.title.as_deref(), Some("T"));
    let e = err(&r.items[2]);
    assert_eq!(e.id, format!("{}:2", s(&jsonl)));
    assert!(matches!(e.error, ReadError::Json { .. }));
    assert_eq!(ok(&r.items[3]).doc.id, "j3");
    assert_story(ok(&r.items[4]), "bridge");
}

#[test]
fn a_truncated_jsonl_gz_keeps_the_lines_before_and_names_the_offset() {
    let t = TempDir::new("io-gz-trunc");
    let lines: String = (0..200)
        .map(|i| format!("{{\"id\":\"r{i}\",\"text\":\"Article number {i} says little.\"}}\n"))
        .collect();
    let full = gz(lines.as_bytes());
    let cut = &full[..full.len() * 2 / 3];
    let p = t.file("feed.jsonl.gz", cut);
    let r = auto(std::slice::from_ref(&p));
    let (good, bad): (Vec<_>, Vec<_>) = r.items.iter().partition(|i| i.is_ok());
    assert!(good.len() > 50, "{}", good.len());
    assert_eq!(bad.len(), 1);
    for (k, g) in good.iter().enumerate() {
        assert_eq!(ok(g).doc.id, format!("r{k}"));
    }
    let e = err(r.items.last().expect("an error last"));
    assert!(e.to_string().starts_with(&s(&p)), "{e}");
    assert!(
        e.error.reason().contains("truncated gzip data"),
        "{}",
        e.error
    );
    assert!(e.error.reason().contains("byte offset 0"), "{}", e.error);
}

#[test]
fn a_truncated_txt_gz_is_one_error_naming_the_file() {
    let t = TempDir::new("io-gz-trunc-txt");
    let full = gz("Some words of an article. ".repeat(500).as_bytes());
    let p = t.file("cut.txt.gz", &full[..full.len() / 2]);
    let r = auto(std::slice::from_ref(&p));
    assert_eq!(r.items.len(), 1);
    let e = err(&r.items[0]);
    assert_eq!(e.id, s(&p));
    assert!(matches!(e.error, ReadError::Gzip { .. }));
}

#[test]
fn format_can_be_forced() {
    let t = TempDir::new("io-force");
    let p = t.file("page.html", article_page("bridge").as_bytes());
    let text = read(
        std::slice::from_ref(&p),
        &ReadOptions {
            format: Format::Text,
            ..Default::default()
        },
    );
    assert!(ok(&text.items[0]).doc.text.starts_with("<!DOCTYPE html>"));
    // An HTML page given as a `.txt` is still HTML: the content decides first.
    let q = t.file("page.txt", article_page("bridge").as_bytes());
    assert_story(ok(&auto(&[q]).items[0]), "bridge");
    // Forced WARC on a text file: one error, reading goes on.
    let w = t.file("not.warc", b"just some text\n");
    let r = read(
        &[w, p],
        &ReadOptions {
            format: Format::Warc,
            ..Default::default()
        },
    );
    assert_eq!(r.items.len(), 2);
    assert!(r.items.iter().all(|i| i.is_err()));
}

#[test]
fn globs_are_expanded_in_sorted_order() {
    let t = TempDir::new("io-glob");
    t.file("b.txt", b"Second.");
    t.file("a.txt", b"First.");
    t.file("c.md", b"Not matched.");
    let pattern = t.0.join("*.txt");
    let r = auto(std::slice::from_ref(&pattern));
    let texts: Vec<&str> = r.items.iter().map(|i| ok(i).doc.text.as_str()).collect();
    assert_eq!(texts, vec!["First.", "Second."]);
    let none = auto(&[t.0.join("*.nothing")]);
    assert_eq!(none.items.len(), 1);
    assert!(matches!(err(&none.items[0]).error, ReadError::Open { .. }));
    assert_eq!(whosaid_io::total_size(&[pattern]), Some(13));
}

#[test]
fn sniffing() {
    use std::path::Path;
    use whosaid_io::sniff;
    assert_eq!(sniff(b"WARC/1.0\r\n", None), Format::Warc);
    assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE HTML>", None), Format::Html);
    assert_eq!(sniff(b"<html>", Some(Path::new("x.txt"))), Format::Html);
    assert_eq!(sniff(b"<!-- c --><head>", None), Format::Html);
    assert_eq!(sniff(b"{\"text\": 1}", None), Format::Jsonl);
    assert_eq!(
        sniff(b"{\"text\": 1}", Some(Path::new("a.txt.gz"))),
        Format::Text
    );
    assert_eq!(
        sniff(b"plain", Some(Path::new("a.jsonl.gz"))),
        Format::Jsonl
    );
    assert_eq!(sniff(b"plain words", None), Format::Text);
    assert_eq!(sniff(b"", None), Format::Text);
    assert_eq!(
        whosaid_io::short_name(Path::new("d/story.html.gz")),
        "story"
    );
    assert_eq!(whosaid_io::short_name(Path::new("-")), "-");
    assert_eq!(whosaid_io::short_name(Path::new(".hidden")), ".hidden");
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;
    use whosaid_io::read_reader;

    fn drain(
        name: &str,
        bytes: Vec<u8>,
        format: Format,
    ) -> (Vec<Result<Article, RecordError>>, u64) {
        let mut inputs = read_reader(
            name,
            Cursor::new(bytes),
            &ReadOptions {
                format,
                max_bytes: 1 << 16,
            },
        );
        let stats = inputs.stats();
        let mut out = Vec::new();
        while let Some(raw) = inputs.next_raw() {
            out.push(raw.parse().article);
            assert!(out.len() < 100_000, "no progress");
        }
        (out, stats.skipped())
    }

    const FORMATS: [Format; 5] = [
        Format::Auto,
        Format::Text,
        Format::Jsonl,
        Format::Html,
        Format::Warc,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Arbitrary bytes, gzipped or not, in every format: no panic, and every error
        /// names the input.
        #[test]
        fn arbitrary_bytes_in_every_format(
            bytes in prop::collection::vec(any::<u8>(), 0..400),
            prefix in prop::sample::select(vec![&b""[..], b"WARC/1.1\r\n", b"<html>", b"{", b"\x1f\x8b\x08"]),
            zip in any::<bool>(),
            f in 0usize..5,
        ) {
            let mut data = prefix.to_vec();
            data.extend(&bytes);
            if zip {
                data = gz(&data);
            }
            let (items, _) = drain("in.bin", data, FORMATS[f]);
            for e in items.iter().filter_map(|i| i.as_ref().err()) {
                prop_assert!(e.to_string().starts_with("in.bin"), "{}", e);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// A WARC.gz crawl with one member damaged (a flipped byte, or the file cut
        /// short): every page before the damage comes through, and no page goes missing
        /// without an error record.
        #[test]
        fn damaged_crawls_lose_no_record_silently(
            n in 2usize..6,
            victim in any::<prop::sample::Index>(),
            at in any::<prop::sample::Index>(),
            flip in 1u8..=255,
            cut in any::<bool>(),
        ) {
            let members: Vec<Vec<u8>> = (0..n)
                .map(|i| gz(&warc_response(&format!("r{i}"), &format!("https://x.example/{i}"), "200 OK", "text/html", article_page(&format!("bridge {i}")).as_bytes())))
                .collect();
            let v = victim.index(n);
            let k = at.index(members[v].len());
            let mut data = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let mut m = m.clone();
                if i == v {
                    if cut {
                        m.truncate(k);
                    } else {
                        m[k] ^= flip;
                    }
                }
                data.extend(m);
                if cut && i == v {
                    break;
                }
            }
            let (items, skipped) = drain("crawl.warc.gz", data, Format::Auto);
            prop_assert_eq!(skipped, 0);
            let ok_ids: Vec<String> = items.iter().filter_map(|i| i.as_ref().ok()).map(|a| a.doc.id.clone()).collect();
            let errors = items.iter().filter(|i| i.is_err()).count();
            for i in 0..v {
                prop_assert!(ok_ids.contains(&format!("urn:uuid:r{i}")), "r{} missing: {:?}", i, ok_ids);
            }
            // A file cut exactly at a member boundary is a complete, shorter crawl:
            // nothing of the victim is left to report.
            let expected = if cut && k == 0 { v } else if cut { v + 1 } else { n };
            if ok_ids.len() < expected {
                prop_assert!(errors >= 1, "records lost silently: {:?}", ok_ids);
            }
            // Order is kept.
            let mut sorted = ok_ids.clone();
            sorted.sort();
            prop_assert_eq!(sorted, ok_ids);
        }
    }
}
