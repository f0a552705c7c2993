//! Extraction tests on small pages written for these tests, one per common layout.

use whosaid_html::{decode, extract, Warning};

const P1: &str = "The city council voted on Tuesday to approve the new budget, which includes funding for three new schools and a library.";
const P2: &str = "\"This is a good day for our children,\" said council member Maria Gomez, who had campaigned for the schools for years.";
const P3: &str = "Opponents argued that the plan would raise property taxes, but the measure passed by a vote of seven to two.";

fn paras(text: &str) -> Vec<&str> {
    text.split("\n\n").collect()
}

#[test]
fn article_page_with_nav_footer_share_and_comments() {
    let html = format!(
        r#"<!DOCTYPE html><html><head><title>Council approves budget - The Gazette</title>
<meta property="og:title" content="Council approves budget">
<meta property="og:site_name" content="The Gazette">
<meta property="og:url" content="https://gazette.example/news/budget">
<meta name="author" content="Sam Reporter">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<header class="site-header"><a href="/">The Gazette</a><nav><ul><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li></ul></nav></header>
<main><article class="story">
<h1>Council approves budget</h1>
<div class="byline">By Sam Reporter</div>
<div class="share-tools"><a href="https://facebook.com/share">Share on Facebook</a> <a href="https://twitter.com/share">Tweet this story now</a></div>
<div class="article-body">
<p>{P1}</p>
<figure><img src="x.jpg"><figcaption>The council chamber on Tuesday. Photo by a staff photographer of the paper</figcaption></figure>
<p>{P2}</p>
<h2>What comes next</h2>
<p>{P3}</p>
<div class="newsletter-signup"><p>Sign up for our daily newsletter to get the news you need every morning.</p></div>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">School board elects a new chair after a long meeting</a></li><li><a href="/b">Library hours extended through the summer months</a></li></ul></aside>
</div>
</article>
<section id="comments" class="comments-area"><h2>12 comments</h2>
<div class="comment"><p>I think this is a terrible idea and the council should be ashamed of itself, honestly.</p></div>
<div class="comment"><p>Great news for the kids in our district, finally some good decisions from city hall.</p></div>
</section></main>
<footer><p>Copyright 2024 The Gazette, all rights reserved. Contact us at the newsroom.</p></footer>
</body></html>"#
    );
    let a = extract(&html, Some("https://gazette.example/news/budget?utm=x"));
    assert_eq!(paras(&a.text), vec![P1, P2, "What comes next", P3]);
    assert_eq!(a.title.as_deref(), Some("Council approves budget"));
    assert_eq!(a.byline.as_deref(), Some("Sam Reporter"));
    assert_eq!(a.date.as_deref(), Some("2024-03-05T10:00:00Z"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://gazette.example/news/budget")
    );
    assert_eq!(a.site_name.as_deref(), Some("The Gazette"));
}

#[test]
fn div_soup_page() {
    let html = format!(
        r#"<html><head><title>Budget news</title><link rel="canonical" href="/2024/budget.html"></head><body>
<div id="top"><div class="menu"><a href="/">Home</a> | <a href="/about">About</a> | <a href="/contact">Contact</a></div></div>
<div id="wrap"><div id="left"><div class="box"><a href="/x">Other story one</a><br><a href="/y">Other story two</a></div></div>
<div id="center"><div class="title">Budget news</div>
<div class="txt">{P1}<br><br>{P2}<br><br>{P3}</div>
<div class="pages"><a href="/p/1">1</a> <a href="/p/2">2</a> <a href="/p/3">Next page</a></div>
</div></div>
<div id="bottom">(c) 2024 Small Town Web, all rights reserved, powered by a CMS.</div>
</body></html>"#
    );
    let a = extract(&html, Some("https://town.example/index.php?id=7"));
    assert_eq!(paras(&a.text), vec![P1, P2, P3]);
    assert_eq!(a.title.as_deref(), Some("Budget news"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://town.example/2024/budget.html")
    );
    assert_eq!(a.byline, None);
}

#[test]
fn amp_page_with_json_ld() {
    let html = format!(
        r#"<!doctype html><html amp lang="en"><head><meta charset="utf-8">
<link rel="canonical" href="https://news.example/budget">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
 "headline":"Council approves budget","datePublished":"2024-03-05",
 "author":[{{"@type":"Person","name":"Ann Lee"}},{{"@type":"Person","name":"Bo Chen"}}],
 "publisher":{{"@type":"Organization","name":"News Example"}}}}</script>
<style amp-custom>body{{color:#000}}</style><script async src="https://cdn.ampproject.org/v0.js"></script></head>
<body><amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></amp-sidebar>
<article><h1>Council approves budget</h1>
<amp-img src="a.jpg" width="600" height="400" layout="responsive"></amp-img>
<p>{P1}</p><amp-ad width="300" height="250" type="doubleclick" data-slot="/1/ad"><div placeholder>Advertisement</div></amp-ad>
<p>{P2}</p><p>{P3}</p>
<amp-social-share type="twitter"></amp-social-share></article>
<footer><a href="/privacy">Privacy policy</a></footer></body></html>"#
    );
    let a = extract(&html, None);
    assert_eq!(paras(&a.text), vec![P1, P2, P3]);
    assert_eq!(a.title.as_deref(), Some("Council approves budget"));
    assert_eq!(a.byline.as_deref(), Some("Ann Lee, Bo Chen"));
    assert_eq!(a.date.as_deref(), Some("2024-03-05"));
    assert_eq!(a.url.as_deref(), Some("https://news.example/budget"));
    assert_eq!(a.site_name.as_deref(), Some("News Example"));
}

#[test]
fn json_ld_graph_and_article_body() {
    // The JSON-LD has a raw newline inside a string (invalid JSON, common in the wild)
    // and an articleBody that picks the article out of a page with no article markup.
    let html = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@graph\":[{{\"@type\":\"WebSite\",\"name\":\"Site\"}},
{{\"@type\":[\"NewsArticle\"],\"headline\":\"Line one\nline two\",\"author\":{{\"name\":\"Kim Park\"}},
\"datePublished\":\"2024-01-02T03:04:05+00:00\",\"articleBody\":\"{P1} {P3}\"}}]}}</script></head>
<body><div><div><p>{P1}</p><p>{P3}</p></div>
<div><p>Another story on the home page talks about something else entirely, and at length, too.</p>
<p>Yet another teaser paragraph, with commas, many commas, to tempt the scorer, and more.</p>
<p>Weather: sunny, with a high of twenty degrees, and light winds from the west, later rain.</p></div></div>
<time datetime=\"2020-01-01\">old</time></body></html>",
        P1 = P1,
        P3 = P3.replace('"', "\\\"")
    );
    let a = extract(&html, None);
    assert_eq!(paras(&a.text), vec![P1, P3]);
    assert_eq!(a.title.as_deref(), Some("Line one line two"));
    assert_eq!(a.byline.as_deref(), Some("Kim Park"));
    assert_eq!(a.date.as_deref(), Some("2024-01-02T03:04:05+00:00"));
}

#[test]
fn time_element_gives_the_date() {
    let html = format!("<html><body><article><div><time datetime=\"2023-06-07T08:00\">June 7</time></div><p>{P1}</p><p>{P2}</p></article></body></html>");
    let a = extract(&html, None);
    assert_eq!(a.date.as_deref(), Some("2023-06-07T08:00"));
    assert_eq!(paras(&a.text), vec![P1, P2]);
}

#[test]
fn windows_1252_page_with_meta_charset() {
    let mut bytes: Vec<u8> = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
<title>Caf\xe9 news</title></head><body><article><p>The caf\xe9 on the corner \x96 the one with the blue door \x96 reopened on Monday, its owner said.</p>\
<p>\x93We missed our customers,\x94 she said, adding that the menu had not changed at all.</p></article></body></html>"
        .to_vec();
    let (html, warning) = decode(&bytes, None);
    assert_eq!(warning, None);
    let a = extract(&html, None);
    assert_eq!(a.title.as_deref(), Some("Caf\u{e9} news"));
    assert_eq!(
        paras(&a.text),
        vec![
            "The caf\u{e9} on the corner \u{2013} the one with the blue door \u{2013} reopened on Monday, its owner said.",
            "\u{201c}We missed our customers,\u{201d} she said, adding that the menu had not changed at all."
        ]
    );
    // The HTTP charset wins over the meta tag.
    let (latin, _) = decode(&bytes, Some("iso-8859-1"));
    assert!(latin.contains("caf\u{e9}"));
    let (koi, _) = decode(&bytes, Some("koi8-r"));
    assert!(!koi.contains("caf\u{e9}"));
    // A BOM wins over everything.
    bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    let (utf8, w) = decode(&bytes, Some("windows-1252"));
    assert_eq!(w, Some(Warning::Malformed { encoding: "UTF-8" }));
    assert!(utf8.starts_with("<html>"));
}

#[test]
fn decode_fallbacks() {
    let (s, w) = decode(b"<p>caf\xc3\xa9</p>", None);
    assert_eq!((s.as_str(), w), ("<p>caf\u{e9}</p>", None));
    let (s, w) = decode(b"<p>caf\xe9</p>", None);
    assert_eq!(s, "<p>caf\u{fffd}</p>");
    assert_eq!(w, Some(Warning::LossyUtf8));
    let (s, w) = decode(b"<p>ok</p>", Some("no-such-charset"));
    assert_eq!(s, "<p>ok</p>");
    assert_eq!(w, Some(Warning::UnknownCharset("no-such-charset".into())));
    // A page re-saved as UTF-8 that kept its old declaration.
    let (s, w) = decode(
        "<meta charset=\"iso-8859-1\"><p>caf\u{e9}</p>".as_bytes(),
        None,
    );
    assert!(s.contains("caf\u{e9}"));
    assert_eq!(
        w,
        Some(Warning::DeclaredCharsetIgnored {
            declared: "iso-8859-1".into()
        })
    );
    let (s, _) = decode(b"\xff\xfe<\x00p\x00>\x00", None);
    assert_eq!(s, "<p>");
}

#[test]
fn broken_and_unclosed_tags() {
    let html = format!(
        "<html><body><div class=\"nav\"><ul><li><a href=/>Home</a><li><a href=/x>More</a></ul></div></div></div>\
<div class=\"content\"><p>{P1}<p><b>{P2}<p>{P3}</td></tr><div class=\"footer\">All rights reserved &copy; 2024</b></i></span>\
<p>Unclosed <b>bold <i>and italic text that runs on until the end of the document with no closing tags"
    );
    let a = extract(&html, None);
    let ps = paras(&a.text);
    assert_eq!(&ps[..3], &[P1, P2, P3]);
    assert!(!a.text.contains("rights reserved"));
    assert!(!a.text.contains("Home"));
}

#[test]
fn empty_and_textless_pages() {
    for html in [
        "",
        "<html></html>",
        "<script>var a = '<p>no</p>';</script>",
        "plain text, no tags at all",
    ] {
        let a = extract(html, None);
        assert!(!a.text.contains("<p>"));
    }
    assert_eq!(extract("", None), whosaid_html::Article::default());
    assert_eq!(
        extract("", Some("https://a.example/x")).url.as_deref(),
        Some("https://a.example/x")
    );
}

#[test]
fn deeply_nested_page_does_not_overflow() {
    let mut html = String::new();
    for _ in 0..20_000 {
        html.push_str("<div><span>");
    }
    html.push_str(P1);
    let a = extract(&html, None);
    assert!(a.text.contains("city council") || a.text.is_empty());
}

#[test]
fn misleading_class_on_the_article_wrapper() {
    // "sidebar" marks boilerplate, but here it names the article's layout wrapper.
    let long_footer = "Our company publishes many titles, and this footer lists all of them, with their addresses, phone numbers, and opening hours. ".repeat(8);
    let html = format!(
        "<html><body><div class=\"layout-with-sidebar\"><p>{P1}</p><p>{P2}</p></div>\
<footer><p>{long_footer}</p></footer></body></html>"
    );
    let a = extract(&html, None);
    assert_eq!(paras(&a.text), vec![P1, P2]);
}
