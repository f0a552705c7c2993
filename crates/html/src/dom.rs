//! One pass over the parsed document: a flat list of elements (with parent links and
//! class/id hints), the text blocks they contain, and the raw metadata found on the way.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::hints::{class_hint, Hint};

/// Element kinds the extractor cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Root,
    Body,
    Div,
    Section,
    Article,
    Main,
    P,
    H(u8),
    Li,
    List,
    Dd,
    Blockquote,
    Pre,
    Table,
    Tr,
    Td,
    Nav,
    Header,
    Footer,
    Aside,
    Form,
    Figure,
    Figcaption,
    Br,
    OtherBlock,
    Inline,
    A,
    Skip,
}

impl Tag {
    fn from_name(name: &str) -> Tag {
        match name {
            "div" => Tag::Div,
            "p" => Tag::P,
            "a" => Tag::A,
            "span" | "b" | "i" | "em" | "strong" | "u" | "small" | "sup" | "sub" | "font"
            | "abbr" | "cite" | "code" | "mark" | "q" | "s" | "time" | "img" | "label" | "var"
            | "wbr" | "ins" | "del" => Tag::Inline,
            "br" => Tag::Br,
            "li" => Tag::Li,
            "ul" | "ol" | "dl" | "menu" | "dir" => Tag::List,
            "dd" | "dt" => Tag::Dd,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "body" => Tag::Body,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "table" => Tag::Table,
            "tr" | "tbody" | "thead" | "tfoot" => Tag::Tr,
            "td" | "th" => Tag::Td,
            "nav" => Tag::Nav,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object"
            | "embed" | "canvas" | "select" | "textarea" | "button" | "input" | "title"
            | "option" | "video" | "audio" | "datalist" | "map" | "link" | "meta" | "base"
            | "dialog" => Tag::Skip,
            "html" | "head" | "hr" | "address" | "center" | "details" | "summary" | "fieldset"
            | "hgroup" | "caption" | "legend" | "output" | "amp-accordion" | "amp-carousel"
            | "amp-sidebar" => Tag::OtherBlock,
            _ => Tag::Inline,
        }
    }

    /// Whether the element breaks the inline flow (starts a new text block).
    pub(crate) fn is_block(self) -> bool {
        !matches!(self, Tag::Inline | Tag::A | Tag::Br | Tag::Skip)
    }

    /// Elements whose text is one paragraph-like unit.
    pub(crate) fn is_leaf_block(self) -> bool {
        matches!(
            self,
            Tag::P
                | Tag::H(_)
                | Tag::Li
                | Tag::Dd
                | Tag::Pre
                | Tag::Td
                | Tag::Blockquote
                | Tag::Figcaption
        )
    }
}

/// Why an element looks like boilerplate, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Bad {
    No,
    /// Structural boilerplate (`nav`, `footer`, `aside`, `header`, weak class hint).
    Weak,
    /// A strong class/id hint (comments, share, related, newsletter, …).
    Strong,
}

/// One element of the flat tree.
#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub parent: u32,
    pub tag: Tag,
    pub hint: Hint,
    pub bad: Bad,
    pub has_block_child: bool,
    /// Lowercased class attribute (only kept for block elements; used to match siblings).
    pub class: Option<Box<str>>,
}

/// Kind of a text block, for output filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Para,
    Heading(u8),
    Item,
    Quote,
    Pre,
    Caption,
}

/// A run of text between block boundaries.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub text: String,
    /// Number of non-whitespace characters.
    pub chars: u32,
    /// Non-whitespace characters inside links.
    pub link_chars: u32,
    /// The innermost block element containing the text.
    pub elem: u32,
    /// All of the text is inside `<time>` elements (a dateline, not article text).
    pub only_time: bool,
    pub kind: Kind,
}

/// Raw metadata collected during the walk.
#[derive(Debug, Default)]
pub(crate) struct RawMeta {
    /// `(key, content)` from `<meta property|name|itemprop=key content=…>`, key lowercased.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub title: Option<String>,
    pub json_ld: Vec<String>,
    pub time_datetime: Option<String>,
    pub first_h1: Option<String>,
    pub rel_author: Option<String>,
}

/// Everything the extractor needs from a page.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub elems: Vec<Elem>,
    pub blocks: Vec<Block>,
    pub meta: RawMeta,
}

struct Frame {
    node: ego_tree::NodeId,
    elem: u32,
    block: bool,
    link: bool,
    time: bool,
    h1: bool,
}

struct Builder {
    page: Page,
    text: String,
    chars: u32,
    link_chars: u32,
    time_chars: u32,
    time_depth: u32,
    pending_space: bool,
    last_br: bool,
    h1_text: Option<String>,
}

impl Builder {
    fn push_text(&mut self, s: &str, in_link: bool) {
        for c in s.chars() {
            if c.is_whitespace() {
                if !self.text.is_empty() {
                    self.pending_space = true;
                }
            } else {
                if self.pending_space {
                    self.text.push(' ');
                    self.pending_space = false;
                }
                self.text.push(c);
                self.chars += 1;
                if in_link {
                    self.link_chars += 1;
                }
                if self.time_depth > 0 {
                    self.time_chars += 1;
                }
                self.last_br = false;
            }
        }
    }

    fn flush(&mut self, elem: u32) {
        if self.chars > 0 {
            let tag = self
                .page
                .elems
                .get(elem as usize)
                .map_or(Tag::Root, |e| e.tag);
            let kind = match tag {
                Tag::H(l) => Kind::Heading(l),
                Tag::Li | Tag::Dd => Kind::Item,
                Tag::Blockquote => Kind::Quote,
                Tag::Pre => Kind::Pre,
                Tag::Figcaption => Kind::Caption,
                _ => Kind::Para,
            };
            let text = std::mem::take(&mut self.text);
            self.page.blocks.push(Block {
                text,
                chars: self.chars,
                link_chars: self.link_chars,
                elem,
                kind,
                only_time: self.time_chars == self.chars,
            });
        } else {
            self.text.clear();
        }
        self.chars = 0;
        self.link_chars = 0;
        self.time_chars = 0;
        self.pending_space = false;
    }
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

fn element_text(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            out.push_str(t);
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Walks the parsed document once.
pub(crate) fn build(doc: &Html) -> Page {
    let mut b = Builder {
        page: Page::default(),
        text: String::new(),
        chars: 0,
        link_chars: 0,
        time_chars: 0,
        time_depth: 0,
        pending_space: false,
        last_br: false,
        h1_text: None,
    };
    b.page.elems.push(Elem {
        parent: 0,
        tag: Tag::Root,
        hint: Hint::default(),
        bad: Bad::No,
        has_block_child: false,
        class: None,
    });
    let mut stack: Vec<Frame> = Vec::with_capacity(64);
    // Innermost block element index for the current position.
    let mut block_stack: Vec<u32> = vec![0];
    let mut link_depth = 0u32;
    let mut skip: Option<ego_tree::NodeId> = None;

    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => {
                        b.push_text(t, link_depth > 0);
                        if let Some(h) = b.h1_text.as_mut() {
                            h.push_str(t);
                        }
                    }
                    Node::Element(el) => {
                        let name = el.name();
                        let tag = Tag::from_name(name);
                        collect_meta(&mut b.page.meta, name, el, node);
                        if tag == Tag::Skip || is_hidden(el) {
                            skip = Some(node.id());
                            continue;
                        }
                        if tag == Tag::Br {
                            if b.last_br {
                                let cur = *block_stack.last().unwrap_or(&0);
                                b.flush(cur);
                            } else if b.chars > 0 {
                                b.pending_space = true;
                            }
                            b.last_br = true;
                            continue;
                        }
                        let mut hint = class_hint(el.attr("class"), el.attr("id"));
                        if el
                            .attr("itemprop")
                            .is_some_and(|p| p.trim().eq_ignore_ascii_case("articlebody"))
                        {
                            hint.weight = 2;
                            hint.strong_negative = false;
                        }
                        let parent = stack.last().map_or(0, |f| f.elem);
                        let is_block = tag.is_block();
                        let mut bad = match tag {
                            Tag::Nav | Tag::Footer | Tag::Aside | Tag::Header => Bad::Weak,
                            Tag::Figcaption => Bad::Strong,
                            _ => Bad::No,
                        };
                        if hint.strong_negative
                            && !matches!(tag, Tag::Body | Tag::Article | Tag::Main)
                        {
                            bad = Bad::Strong;
                        }
                        if el.attr("role").is_some_and(|r| {
                            r.eq_ignore_ascii_case("navigation")
                                || r.eq_ignore_ascii_case("complementary")
                                || r.eq_ignore_ascii_case("contentinfo")
                        }) && bad == Bad::No
                        {
                            bad = Bad::Weak;
                        }
                        if !is_block && bad == Bad::Strong {
                            // An inline share button or comment counter: drop its text outright.
                            skip = Some(node.id());
                            continue;
                        }
                        if is_block {
                            let cur = *block_stack.last().unwrap_or(&0);
                            b.flush(cur);
                            b.last_br = false;
                            if let Some(p) = b.page.elems.get_mut(parent as usize) {
                                p.has_block_child = true;
                            }
                        }
                        let idx = b.page.elems.len() as u32;
                        let class = if is_block {
                            el.attr("class")
                                .map(|c| c.to_ascii_lowercase().into_boxed_str())
                        } else {
                            None
                        };
                        b.page.elems.push(Elem {
                            parent,
                            tag,
                            hint,
                            bad,
                            has_block_child: false,
                            class,
                        });
                        let link = tag == Tag::A && el.attr("href").is_some();
                        if link {
                            link_depth += 1;
                        }
                        let h1 = tag == Tag::H(1)
                            && b.page.meta.first_h1.is_none()
                            && b.h1_text.is_none();
                        if h1 {
                            b.h1_text = Some(String::new());
                        }
                        if is_block {
                            block_stack.push(idx);
                        }
                        let time = name == "time";
                        if time {
                            b.time_depth += 1;
                        }
                        stack.push(Frame {
                            node: node.id(),
                            elem: idx,
                            block: is_block,
                            link,
                            time,
                            h1,
                        });
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(s) = skip {
                    if s == node.id() {
                        skip = None;
                    }
                    continue;
                }
                if stack.last().is_some_and(|f| f.node == node.id()) {
                    if let Some(f) = stack.pop() {
                        if f.link {
                            link_depth = link_depth.saturating_sub(1);
                        }
                        if f.time {
                            b.time_depth = b.time_depth.saturating_sub(1);
                        }
                        if f.h1 {
                            if let Some(h) = b.h1_text.take() {
                                b.page.meta.first_h1 = Some(collapse(&h));
                            }
                        }
                        if f.block {
                            b.flush(f.elem);
                            b.last_br = false;
                            block_stack.pop();
                        }
                    }
                }
            }
        }
    }
    b.flush(0);
    b.page
}

fn collect_meta(
    meta: &mut RawMeta,
    name: &str,
    el: &scraper::node::Element,
    node: ego_tree::NodeRef<'_, Node>,
) {
    match name {
        "meta" => {
            let key = el
                .attr("property")
                .or_else(|| el.attr("name"))
                .or_else(|| el.attr("itemprop"));
            let content = el.attr("content").or_else(|| el.attr("datetime"));
            if let (Some(k), Some(c)) = (key, content) {
                if meta.metas.len() < 500 {
                    meta.metas
                        .push((k.trim().to_ascii_lowercase(), c.trim().to_string()));
                }
            }
        }
        "link" => {
            if meta.canonical.is_none()
                && el.attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                })
            {
                if let Some(h) = el.attr("href") {
                    let h = h.trim();
                    if !h.is_empty() {
                        meta.canonical = Some(h.to_string());
                    }
                }
            }
        }
        "title" => {
            if meta.title.is_none() {
                let t = collapse(&element_text(node));
                if !t.is_empty() {
                    meta.title = Some(t);
                }
            }
        }
        "script" => {
            if el
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                && meta.json_ld.len() < 50
            {
                meta.json_ld.push(element_text(node));
            }
        }
        "time" => {
            if meta.time_datetime.is_none() {
                if let Some(d) = el.attr("datetime") {
                    if !d.trim().is_empty() {
                        meta.time_datetime = Some(d.trim().to_string());
                    }
                }
            }
        }
        _ => {
            if let Some(ip) = el.attr("itemprop") {
                let wanted = ["datepublished", "headline", "author", "name"]
                    .iter()
                    .any(|k| ip.trim().eq_ignore_ascii_case(k));
                if wanted && el.attr("content").is_none() && meta.metas.len() < 500 {
                    let v = el
                        .attr("datetime")
                        .map(str::to_string)
                        .unwrap_or_else(|| collapse(&element_text(node)));
                    if !v.is_empty() && v.len() < 300 {
                        meta.metas.push((ip.trim().to_ascii_lowercase(), v));
                    }
                }
            }
            if meta.rel_author.is_none()
                && el
                    .attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("author"))
            {
                let t = collapse(&element_text(node));
                if !t.is_empty() && t.len() < 200 {
                    meta.rel_author = Some(t);
                }
            }
        }
    }
}
