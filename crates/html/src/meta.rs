//! Metadata: `<meta>` tags, JSON-LD and `<time>`.

use serde_json::Value;

use crate::dom::RawMeta;

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
pub(crate) struct LdArticle {
    pub headline: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub body: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
}

fn is_article_type(v: &Value) -> bool {
    let check = |s: &str| {
        let s = s.rsplit('/').next().unwrap_or(s);
        s.ends_with("Article") || s == "BlogPosting" || s == "Report" || s == "LiveBlogPosting"
    };
    match v {
        Value::String(s) => check(s),
        Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(check)),
        _ => false,
    }
}

fn find_article<'a>(v: &'a Value, depth: usize, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    if depth > 8 || out.len() > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| find_article(x, depth + 1, out)),
        Value::Object(o) => {
            if o.get("@type").is_some_and(is_article_type) {
                out.push(o);
            }
            if let Some(g) = o.get("@graph") {
                find_article(g, depth + 1, out);
            }
            if let Some(m) = o.get("mainEntity") {
                find_article(m, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        None
    } else {
        Some(t)
    }
}

fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("name").and_then(name_of),
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(name_of).collect();
            if names.is_empty() {
                None
            } else {
                Some(names.join(", "))
            }
        }
        _ => None,
    }
}

fn parse_json(src: &str) -> Option<Value> {
    let src = src.trim();
    let src = src.strip_prefix("<!--").unwrap_or(src);
    let src = src.strip_suffix("-->").unwrap_or(src).trim();
    if let Ok(v) = serde_json::from_str(src) {
        return Some(v);
    }
    // Raw control characters inside strings are a common JSON-LD error.
    let fixed: String = src
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&fixed).ok()
}

/// Reads the first article-typed JSON-LD object(s) on the page.
pub(crate) fn json_ld(raw: &RawMeta) -> LdArticle {
    let mut ld = LdArticle::default();
    for src in &raw.json_ld {
        let Some(v) = parse_json(src) else { continue };
        let mut found = Vec::new();
        find_article(&v, 0, &mut found);
        for o in found {
            let s = |k: &str| o.get(k).and_then(Value::as_str).and_then(clean);
            ld.headline = ld.headline.take().or_else(|| s("headline"));
            ld.author = ld
                .author
                .take()
                .or_else(|| o.get("author").and_then(name_of));
            ld.date = ld
                .date
                .take()
                .or_else(|| s("datePublished"))
                .or_else(|| s("dateCreated"));
            ld.url = ld.url.take().or_else(|| s("url"));
            ld.publisher = ld
                .publisher
                .take()
                .or_else(|| o.get("publisher").and_then(name_of));
            if ld.body.is_none() {
                ld.body = o
                    .get("articleBody")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .filter(|b| !b.trim().is_empty());
            }
        }
    }
    ld
}

/// The first non-empty `<meta>` value among `keys`, in the order of `keys`.
pub(crate) fn meta_value(raw: &RawMeta, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        raw.metas
            .iter()
            .find(|(mk, v)| mk == k && !v.is_empty())
            .and_then(|(_, v)| clean(v))
    })
}

/// Resolves a possibly relative URL against the page URL (scheme-relative and
/// absolute-path forms; other relative forms are joined to the page's directory).
pub(crate) fn resolve(href: &str, base: Option<&str>) -> String {
    let href = href.trim();
    if href.contains("://") || base.is_none() {
        return href.to_string();
    }
    let base = base.unwrap_or_default();
    let scheme_end = base.find("://").map(|p| p + 3);
    let Some(se) = scheme_end else {
        return href.to_string();
    };
    if let Some(rest) = href.strip_prefix("//") {
        return format!("{}{}", &base[..se], rest);
    }
    let host_end = base[se..].find('/').map_or(base.len(), |p| p + se);
    if href.starts_with('/') {
        return format!("{}{}", &base[..host_end], href);
    }
    let dir_end = base
        .rfind('/')
        .filter(|&p| p >= host_end)
        .map_or(base.len(), |p| p + 1);
    let sep = if dir_end == base.len() && !base.ends_with('/') {
        "/"
    } else {
        ""
    };
    format!("{}{}{}", &base[..dir_end], sep, href)
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn resolves_relative_urls() {
        let base = Some("https://news.example/a/b/page.html?x=1");
        assert_eq!(
            resolve("https://other.example/x", base),
            "https://other.example/x"
        );
        assert_eq!(resolve("//cdn.example/y", base), "https://cdn.example/y");
        assert_eq!(resolve("/z", base), "https://news.example/z");
        assert_eq!(resolve("c.html", base), "https://news.example/a/b/c.html");
        assert_eq!(
            resolve("c.html", Some("https://news.example")),
            "https://news.example/c.html"
        );
        assert_eq!(resolve("/z", None), "/z");
        assert_eq!(resolve("/z", Some("not a url")), "/z");
    }
}
