//! Class and id hints: words in `class`/`id` attributes that suggest boilerplate or content.

/// What an element's class and id say about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Hint {
    /// Positive for content-like names, negative for boilerplate-like names.
    pub weight: i8,
    /// A name that marks boilerplate even next to content-like words
    /// (`comments`, `share`, `related`, `newsletter`, …).
    pub strong_negative: bool,
    /// A name about user comments (`comments`, `disqus`, …).
    pub comment: bool,
}

/// Words that mark an element as boilerplate whatever else its names say.
const STRONG_NEG: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "share",
    "sharing",
    "sharebar",
    "shares",
    "social",
    "socialbar",
    "related",
    "newsletter",
    "newsletters",
    "promo",
    "promotion",
    "sidebar",
    "subscribe",
    "subscription",
    "outbrain",
    "taboola",
    "cookie",
    "cookies",
    "popup",
    "modal",
    "breadcrumb",
    "breadcrumbs",
    "advert",
    "advertisement",
    "advertising",
    "ads",
    "ad",
    "adslot",
    "adunit",
    "sponsor",
    "sponsored",
    "recommended",
    "recommendations",
    "trending",
    "popular",
    "mostread",
    "signup",
    "gdpr",
    "consent",
    "banner",
    "tags",
    "tagcloud",
    "taglist",
    "pagination",
    "pager",
    "toolbar",
    "widget",
    "widgets",
    "caption",
    "credit",
    "credits",
    "byline",
    "timestamp",
    "author",
    "authors",
    "bio",
    "visually",
    "srt",
    "sronly",
    "onscreen",
    "offscreen",
    "masthead",
    "menu",
    "navbar",
    "navigation",
    "nav",
    "footer",
    "teaser",
    "teasers",
    "outstream",
    "dfp",
];

/// Words that suggest boilerplate unless content words are present too.
const WEAK_NEG: &[&str] = &[
    "paywall",
    "dateline",
    "more",
    "next",
    "prev",
    "previous",
    "rail",
    "skip",
    "email",
    "follow",
    "header",
    "meta",
    "info",
    "date",
    "footnote",
    "foot",
    "aux",
    "extra",
    "links",
    "link",
    "list",
    "card",
    "cards",
    "tools",
    "utility",
    "util",
    "shoutbox",
    "login",
    "contact",
    "about",
    "embed",
    "video",
    "gallery",
    "slideshow",
    "carousel",
    "figure",
    "image",
    "img",
    "photo",
    "media",
    "title",
    "headline",
    "summary",
    "blurb",
    "label",
    "highlight",
    "notice",
    "alert",
    "overlay",
    "top",
    "bottom",
    "side",
];

/// Words that suggest main content.
const POS: &[&str] = &[
    "article",
    "articlebody",
    "body",
    "content",
    "contents",
    "entry",
    "main",
    "post",
    "story",
    "text",
    "blog",
    "page",
    "prose",
    "richtext",
    "storybody",
    "postbody",
    "entrycontent",
    "copy",
    "paragraph",
    "paragraphs",
    "detail",
    "details",
    "column",
    "read",
    "reading",
];

fn classify(word: &str, pos: &mut bool, weak: &mut bool, strong: &mut bool) {
    if word.is_empty() {
        return;
    }
    if STRONG_NEG.contains(&word) {
        *strong = true;
    } else if POS.contains(&word) {
        *pos = true;
    } else if WEAK_NEG.contains(&word) {
        *weak = true;
    }
}

/// Splits class and id values into lowercase words at every non-alphanumeric
/// character and at lowercase-to-uppercase steps (`shareBar` → `share`, `bar`).
pub(crate) fn class_hint(class: Option<&str>, id: Option<&str>) -> Hint {
    let mut pos = false;
    let mut weak = false;
    let mut strong = false;
    let mut comment = false;
    let mut embed = false;
    let mut word = String::new();
    for value in [class, id].into_iter().flatten() {
        // Very long attribute values (utility-class soup) are not worth reading in full.
        let value = if value.len() > 400 {
            value.get(..400).unwrap_or("")
        } else {
            value
        };
        // The whole token without separators (`article-body` → `articlebody`).
        for token in value.split_ascii_whitespace() {
            let joined: String = token
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let social_embed = joined.contains("embed")
                && ["social", "twitter", "instagram", "facebook"]
                    .iter()
                    .any(|w| joined.contains(w));
            if social_embed || joined.contains("tweet") || joined.starts_with("instagram") {
                embed = true;
            }
            if joined.starts_with("comment") || joined.starts_with("disqus") {
                comment = true;
            }
            if joined.len() > 3
                && (comment || joined.starts_with("share") || joined.starts_with("related"))
            {
                strong = true;
            }
            let mut prev_lower = false;
            for c in token.chars() {
                if c.is_ascii_alphabetic() {
                    if c.is_ascii_uppercase() && prev_lower {
                        classify(&word, &mut pos, &mut weak, &mut strong);
                        word.clear();
                    }
                    prev_lower = c.is_ascii_lowercase();
                    word.push(c.to_ascii_lowercase());
                } else {
                    classify(&word, &mut pos, &mut weak, &mut strong);
                    word.clear();
                    prev_lower = false;
                }
            }
            classify(&word, &mut pos, &mut weak, &mut strong);
            word.clear();
            if joined != *token {
                let mut p2 = false;
                classify(&joined, &mut p2, &mut weak, &mut strong);
                pos |= p2;
            }
        }
    }
    // An embedded post (tweet, Instagram) inside the article is quoted content.
    if embed && !comment {
        strong = false;
    }
    let weight = match (pos, weak || strong) {
        (true, false) => 1,
        (false, true) => -1,
        (true, true) if strong => -1,
        _ => 0,
    };
    Hint {
        weight,
        strong_negative: strong,
        comment,
    }
}

#[cfg(test)]
mod tests {
    use super::class_hint;

    #[test]
    fn reads_class_and_id_words() {
        assert_eq!(class_hint(Some("article-body"), None).weight, 1);
        assert!(class_hint(Some("share-buttons"), None).strong_negative);
        assert!(class_hint(Some("x"), Some("commentList")).comment);
        assert!(class_hint(Some("relatedStories"), None).strong_negative);
        assert!(class_hint(Some("story related-links"), None).strong_negative);
        assert_eq!(class_hint(Some("entry-meta"), None).weight, 0);
        assert_eq!(class_hint(Some("site-header"), None).weight, -1);
        assert!(!class_hint(Some("social-media-embed"), None).strong_negative);
        assert!(!class_hint(Some("twitter-tweet"), None).strong_negative);
        assert!(!class_hint(Some("heading"), None).strong_negative);
        assert_eq!(class_hint(None, None).weight, 0);
    }
}
