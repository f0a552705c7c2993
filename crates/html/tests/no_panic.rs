//! Property tests: `decode` and `extract` never panic, whatever the input.

use proptest::prelude::*;

fn tag_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"article-body\">".to_string()),
        Just("<div class='comments share'>".to_string()),
        Just("</div>".to_string()),
        Just("<article>".to_string()),
        Just("<nav>".to_string()),
        Just("<br>".to_string()),
        Just("<a href=x>".to_string()),
        Just("</a>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<h2>".to_string()),
        Just("<li>".to_string()),
        Just(
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":\""
                .to_string()
        ),
        Just("\"}</script>".to_string()),
        Just("<meta charset=".to_string()),
        Just("<!--".to_string()),
        Just("<time datetime=".to_string()),
        "[a-zA-Z ,.\u{e9}\u{4e2d}]{0,40}",
        "[<>/=\"'&;#a-z0-9 ]{0,12}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), cs in proptest::option::of("[a-z0-9-]{0,12}")) {
        let (html, _) = whosaid_html::decode(&bytes, cs.as_deref());
        let a = whosaid_html::extract(&html, Some("https://example.com/a/b"));
        prop_assert!(!a.text.starts_with("\n\n"));
    }

    #[test]
    fn tag_soup_never_panics(html in tag_soup(), url in proptest::option::of("[a-z:/.]{0,20}")) {
        let a = whosaid_html::extract(&html, url.as_deref());
        prop_assert!(!a.text.contains("\n\n\n\n"));
        let (s, _) = whosaid_html::decode(html.as_bytes(), None);
        prop_assert_eq!(s, html);
    }
}
