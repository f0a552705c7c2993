//! Main-text and metadata extraction from news HTML pages.
//!
//! Scraped news pages carry the article among navigation, share buttons, related-story
//! teasers, comments and ads. [`extract`] finds the article text (paragraphs, subheadings,
//! list items and block quotes, joined by blank lines) and its metadata (title, byline,
//! date, canonical URL, site name); [`decode`] turns fetched bytes into text first.
//!
//! The main-text algorithm scores each container element by the paragraphs it holds
//! (their length and commas, less the share of link text, plus or minus class/id hints
//! such as `article-body` or `comments`), picks the best one together with the sibling
//! elements that belong to it, and keeps its text blocks that are not link lists or
//! boilerplate lines (bylines before the text and calls to action after it are trimmed).
//! When the page's JSON-LD carries an `articleBody`, it is a check on that choice: if the
//! chosen container misses most of it, or holds mostly other text, the page's blocks that
//! match the `articleBody` are taken instead, and the `articleBody` itself is the fallback
//! when the HTML holds too little of it (pages rendered by JavaScript).
//!
//! ```
//! let html = r##"<html><head><title>Mayor speaks | Daily</title>
//!   <meta property="og:title" content="Mayor speaks">
//!   <meta name="author" content="Ann Lee"></head>
//! <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
//! <article>
//!   <h1>Mayor speaks</h1>
//!   <p>The mayor said on Monday that the new bridge, which cost the city
//!      more than it had planned, would open in the spring.</p>
//!   <p>"We are proud of it," she said, adding that the tolls would stay low.</p>
//!   <div class="share-buttons"><a href="#">Share on Facebook</a></div>
//! </article>
//! <footer>Copyright 2024 Daily</footer></body></html>"##;
//! let article = whosaid_html::extract(html, Some("https://example.com/mayor"));
//! assert_eq!(article.title.as_deref(), Some("Mayor speaks"));
//! assert_eq!(article.byline.as_deref(), Some("Ann Lee"));
//! assert!(article.text.starts_with("The mayor said on Monday"));
//! assert!(article.text.contains("\n\n\"We are proud of it,\""));
//! assert!(!article.text.contains("Facebook"));
//! ```

#![warn(missing_docs)]

mod content;
mod decode;
mod dom;
mod hints;
mod meta;

pub use decode::{decode, Warning};

/// The article found on a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Headline: `og:title`, JSON-LD `headline`, `twitter:title`, the first `<h1>` or `<title>`.
    pub title: Option<String>,
    /// Author names: JSON-LD `author.name`, `<meta name="author">` and similar, or a `rel="author"` link.
    pub byline: Option<String>,
    /// Publication date as written on the page (JSON-LD `datePublished`,
    /// `article:published_time` and similar metas, or the first `<time datetime>`).
    pub date: Option<String>,
    /// Canonical URL: `<link rel="canonical">`, `og:url`, JSON-LD `url`, else the URL passed in.
    pub url: Option<String>,
    /// Main text: paragraphs, subheadings, list items and quotes separated by `"\n\n"`.
    pub text: String,
    /// Name of the publication: `og:site_name`, JSON-LD `publisher.name`, `application-name`.
    pub site_name: Option<String>,
}

/// Extracts the main text and metadata of an HTML page.
///
/// `url` is where the page was fetched from; it resolves a relative canonical link and
/// is the [`Article::url`] when the page names none. Never panics, whatever the input;
/// a page without recognisable article text gives an empty [`Article::text`].
pub fn extract(html: &str, url: Option<&str>) -> Article {
    let doc = scraper::Html::parse_document(html);
    let page = dom::build(&doc);
    drop(doc);
    let raw = &page.meta;
    let ld = meta::json_ld(raw);

    let title = meta::meta_value(raw, &["og:title"])
        .or_else(|| ld.headline.clone())
        .or_else(|| meta::meta_value(raw, &["twitter:title", "headline", "dc.title"]))
        .or_else(|| raw.first_h1.clone().filter(|h| !h.is_empty()))
        .or_else(|| raw.title.clone());
    let byline = ld
        .author
        .clone()
        .or_else(|| {
            meta::meta_value(
                raw,
                &[
                    "author",
                    "article:author",
                    "byl",
                    "dc.creator",
                    "parsely-author",
                    "sailthru.author",
                ],
            )
            .filter(|a| !a.starts_with("http"))
        })
        .or_else(|| raw.rel_author.clone())
        .map(|a| strip_by(&a))
        .filter(|a| !a.is_empty());
    let date = ld
        .date
        .clone()
        .or_else(|| {
            meta::meta_value(
                raw,
                &[
                    "article:published_time",
                    "datepublished",
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.created",
                    "sailthru.date",
                    "parsely-pub-date",
                    "og:published_time",
                ],
            )
        })
        .or_else(|| raw.time_datetime.clone());
    let canonical = raw
        .canonical
        .clone()
        .or_else(|| meta::meta_value(raw, &["og:url"]))
        .or_else(|| ld.url.clone())
        .map(|c| meta::resolve(&c, url))
        .or_else(|| url.map(str::to_string));
    let site_name = meta::meta_value(raw, &["og:site_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| meta::meta_value(raw, &["application-name"]));

    let headline = raw.first_h1.as_deref().or(title.as_deref());
    let text = content::main_text(&page, ld.body.as_deref(), headline);
    Article {
        title,
        byline,
        date,
        url: canonical,
        text,
        site_name,
    }
}

/// `"By Jane Doe"` → `"Jane Doe"`.
fn strip_by(s: &str) -> String {
    let t = s.trim();
    match t.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("by ") => t.get(3..).unwrap_or("").trim().to_string(),
        _ => t.to_string(),
    }
}

/// Development aid: a listing of the text blocks with their container chain, scores and flags.
#[doc(hidden)]
pub fn debug_dump(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let page = dom::build(&doc);
    content::debug(&page)
}
