//! Main-text selection: score containers by the paragraphs they hold, pick the best
//! one plus the siblings that belong to it, then filter its text blocks.

use std::collections::HashSet;

use crate::dom::{Bad, Block, Kind, Page, Tag};

/// Per-element aggregates used by the scorer.
struct Stats {
    text: Vec<u32>,
    link: Vec<u32>,
    bad: Vec<bool>,
    /// Characters of paragraph-like blocks (25+ characters, mostly not links) outside boilerplate.
    good: Vec<u32>,
}

/// `use_hints: false` ignores class/id hints and keeps only structural boilerplate
/// (`nav`, `footer`, `aside`, `header`, captions): the second try for pages whose
/// article container carries a misleading name.
fn stats(page: &Page, use_hints: bool) -> Stats {
    let n = page.elems.len();
    let mut text = vec![0u32; n];
    let mut link = vec![0u32; n];
    for b in &page.blocks {
        if let (Some(t), Some(l)) = (text.get_mut(b.elem as usize), link.get_mut(b.elem as usize)) {
            *t = t.saturating_add(b.chars);
            *l = l.saturating_add(b.link_chars);
        }
    }
    for i in (1..n).rev() {
        let p = page.elems[i].parent as usize;
        let (t, l) = (text[i], link[i]);
        text[p] = text[p].saturating_add(t);
        link[p] = link[p].saturating_add(l);
    }
    let total_plain = text
        .first()
        .copied()
        .unwrap_or(0)
        .saturating_sub(link.first().copied().unwrap_or(0)) as f32;
    let mut bad = vec![false; n];
    for i in 1..n {
        let e = &page.elems[i];
        let p = e.parent as usize;
        let considered = use_hints
            || matches!(
                e.tag,
                Tag::Nav | Tag::Footer | Tag::Aside | Tag::Header | Tag::Figcaption
            );
        let own = if e.bad == Bad::No || !considered {
            false
        } else {
            let plain = text[i].saturating_sub(link[i]) as f32;
            let protected = !e.hint.comment
                && !matches!(e.tag, Tag::Nav | Tag::Footer | Tag::Aside | Tag::Figcaption)
                && plain > 0.5 * total_plain;
            !protected
        };
        bad[i] = own || bad.get(p).copied().unwrap_or(false);
    }
    let mut good = vec![0u32; n];
    for b in &page.blocks {
        let e = b.elem as usize;
        if !bad[e]
            && b.chars >= 25
            && (b.link_chars as f32) < 0.5 * b.chars as f32
            && matches!(
                b.kind,
                Kind::Para | Kind::Pre | Kind::Quote | Kind::Item | Kind::Heading(_)
            )
        {
            good[e] = good[e].saturating_add(b.chars);
        }
    }
    for i in (1..n).rev() {
        let p = page.elems[i].parent as usize;
        good[p] = good[p].saturating_add(good[i]);
    }
    Stats {
        text,
        link,
        bad,
        good,
    }
}

fn commas(s: &str) -> usize {
    s.chars().filter(|c| matches!(c, ',' | '，' | '、')).count()
}

fn tag_bonus(tag: Tag) -> f32 {
    match tag {
        Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::List | Tag::Li | Tag::Dd | Tag::Form => -3.0,
        Tag::H(_) => -5.0,
        _ => 0.0,
    }
}

fn link_density(s: &Stats, i: usize) -> f32 {
    let t = s.text[i];
    if t == 0 {
        0.0
    } else {
        s.link[i] as f32 / t as f32
    }
}

fn is_ancestor(page: &Page, anc: u32, mut node: u32) -> bool {
    let mut guard = 0;
    while node != 0 && guard < 10_000 {
        if node == anc {
            return true;
        }
        node = page.elems[node as usize].parent;
        guard += 1;
    }
    anc == 0
}

/// Chooses the elements whose text is the article: returns a mask over elements.
fn select(page: &Page, st: &Stats) -> Option<Vec<bool>> {
    let n = page.elems.len();
    let mut score = vec![0f32; n];
    let mut scored = vec![false; n];
    for b in &page.blocks {
        let e = b.elem as usize;
        if st.bad[e] || b.chars < 25 || !matches!(b.kind, Kind::Para | Kind::Pre | Kind::Quote) {
            continue;
        }
        if b.link_chars as f32 > 0.5 * b.chars as f32 {
            continue;
        }
        let s = 1.0 + commas(&b.text) as f32 + (b.chars as f32 / 100.0).min(3.0);
        let el = &page.elems[e];
        let mut a = if el.tag.is_leaf_block() || !el.has_block_child {
            el.parent
        } else {
            b.elem
        };
        for level in 0..5 {
            if a == 0 {
                break;
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[a as usize] += s / div;
            scored[a as usize] = true;
            a = page.elems[a as usize].parent;
        }
    }
    let mut fin = vec![0f32; n];
    for i in 1..n {
        if scored[i] && !st.bad[i] {
            let e = &page.elems[i];
            fin[i] = (score[i] + tag_bonus(e.tag) + 25.0 * e.hint.weight as f32)
                * (1.0 - link_density(st, i));
        }
    }
    let mut order: Vec<usize> = (1..n).filter(|&i| scored[i] && !st.bad[i]).collect();
    order.sort_by(|&a, &b| fin[b].total_cmp(&fin[a]));
    let mut top = *order.first()? as u32;
    let top_score = fin[top as usize];

    // Several near-best candidates sharing an ancestor: the ancestor is the article.
    let alts: Vec<u32> = order
        .iter()
        .skip(1)
        .take(4)
        .filter(|&&i| fin[i] >= 0.75 * top_score)
        .map(|&i| i as u32)
        .collect();
    if alts.len() >= 3 {
        let mut a = page.elems[top as usize].parent;
        while a != 0 && !matches!(page.elems[a as usize].tag, Tag::Body) {
            let shared = alts.iter().filter(|&&c| is_ancestor(page, a, c)).count();
            if shared >= 3 {
                top = a;
                break;
            }
            a = page.elems[a as usize].parent;
        }
    }
    // Walk up while the parent scores better (the text was split among children).
    let mut last = fin[top as usize];
    let threshold = last / 3.0;
    let mut p = page.elems[top as usize].parent;
    while p != 0 && !matches!(page.elems[p as usize].tag, Tag::Body) {
        if !scored[p as usize] {
            p = page.elems[p as usize].parent;
            continue;
        }
        let ps = fin[p as usize];
        if ps < threshold {
            break;
        }
        if ps > last {
            top = p;
            break;
        }
        last = ps;
        p = page.elems[p as usize].parent;
    }
    // Only-child wrappers: use the wrapper.
    let mut block_children = vec![0u32; n];
    for e in page.elems.iter().skip(1) {
        if e.tag.is_block() {
            block_children[e.parent as usize] += 1;
        }
    }
    loop {
        let p = page.elems[top as usize].parent;
        if p == 0 || matches!(page.elems[p as usize].tag, Tag::Body) {
            break;
        }
        if block_children[p as usize] == 1 {
            top = p;
        } else {
            break;
        }
    }

    let mut root = vec![false; n];
    root[top as usize] = true;
    let parent = page.elems[top as usize].parent;
    if parent != 0 {
        let top_fin = fin[top as usize].max(score[top as usize]);
        let threshold = (0.2 * top_fin).max(10.0);
        let top_class = page.elems[top as usize]
            .class
            .as_deref()
            .filter(|c| !c.is_empty());
        // Direct text of sibling paragraphs.
        let mut sib_text: Vec<(usize, &Block)> = Vec::new();
        for b in &page.blocks {
            let e = b.elem as usize;
            if page.elems[e].parent == parent && page.elems[e].tag == Tag::P {
                sib_text.push((e, b));
            }
        }
        for i in (top as usize + 1..n).chain(1..top as usize) {
            let e = &page.elems[i];
            if e.parent != parent || st.bad[i] || !e.tag.is_block() {
                continue;
            }
            let bonus = if top_class.is_some() && e.class.as_deref() == top_class {
                0.2 * top_fin
            } else {
                0.0
            };
            let mut take = scored[i] && fin[i] + bonus >= threshold;
            // Article text split into several sibling sections (by figures, pull quotes, ads).
            if !take && e.tag != Tag::P {
                let g = st.good[i] as f32;
                take = g >= 150.0_f32.max(0.15 * st.good[top as usize] as f32)
                    && link_density(st, i) < 0.25;
            }
            if !take && e.tag == Tag::P {
                let ld = link_density(st, i);
                let len = st.text[i];
                let text_ends = sib_text
                    .iter()
                    .filter(|(j, _)| *j == i)
                    .any(|(_, b)| b.text.ends_with('.') || b.text.contains(". "));
                take = (len > 80 && ld < 0.25) || (len > 0 && ld == 0.0 && text_ends);
            }
            root[i] = take;
        }
    }
    let mut sel = vec![false; n];
    for i in 1..n {
        sel[i] = root[i] || sel[page.elems[i].parent as usize];
    }
    Some(sel)
}

const BOILER_PREFIXES: &[&str] = &[
    "advertisement",
    "advertisment",
    "sponsored",
    "share this",
    "share on",
    "share:",
    "follow us",
    "sign up",
    "subscribe",
    "read more",
    "related:",
    "related articles",
    "related stories",
    "related content",
    "click here",
    "photo:",
    "image:",
    "getty images",
    "all rights reserved",
    "copyright",
    "©",
    "loading",
    "continue reading",
    "leave a comment",
    "tags:",
    "filed under",
    "posted in",
    "recommended",
    "you may also like",
    "more from",
    "also read",
    "skip to",
];

fn is_boilerplate_line(b: &Block) -> bool {
    if b.chars > 80 {
        return false;
    }
    let lower = b.text.to_lowercase();
    let t = lower.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '©');
    BOILER_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// Whether the block passes the per-block filters inside the selection.
fn keep_block(b: &Block, title: Option<&str>) -> bool {
    if matches!(b.kind, Kind::Heading(1) | Kind::Caption) || b.only_time {
        return false;
    }
    let ld = b.link_chars as f32 / b.chars.max(1) as f32;
    let max_ld = if b.chars >= 100 { 0.65 } else { 0.5 };
    if ld > max_ld {
        return false;
    }
    if is_boilerplate_line(b) {
        return false;
    }
    if let Some(t) = title {
        if b.chars < 300 && b.text.trim() == t.trim() {
            return false;
        }
    }
    true
}

/// Phrases of the calls to action and notices that follow an article.
const TAIL_MARKERS: &[&str] = &[
    "subscribe",
    "newsletter",
    "sign up",
    "join our",
    "join us",
    "follow us",
    "follow her",
    "follow him",
    "follow me",
    "©",
    "copyright",
    "all rights reserved",
    "may be reached at",
    "can be reached at",
    "have a tip",
    "if you enjoyed",
    "if you liked",
    "contact us",
    "this document is subject",
    "share this",
    "read more",
    "more information:",
];

fn looks_like_tail(text: &str) -> bool {
    if text.chars().count() > 320 {
        return false;
    }
    let lower = text.to_lowercase();
    TAIL_MARKERS.iter().any(|m| lower.contains(m))
}

fn looks_like_byline(text: &str) -> bool {
    if text.chars().count() > 100 {
        return false;
    }
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let lower = first.to_lowercase();
    (lower == "by" && second.chars().next().is_some_and(char::is_uppercase))
        || lower == "updated"
        || lower == "published"
        || lower.starts_with("updated:")
        || lower.starts_with("published:")
}

/// Drops bylines and datelines before the text, and calls to action and notices after it.
fn trim_edges(out: &mut Vec<&str>) {
    let mut lead = 0;
    while lead < out.len().min(3) && looks_like_byline(out[lead]) {
        lead += 1;
    }
    out.drain(..lead);
    let mut checked = 0;
    let mut cut = out.len();
    while cut > 1 && checked < 6 {
        let t = out[cut - 1];
        if looks_like_tail(t) {
            out.remove(cut - 1);
        }
        cut -= 1;
        checked += 1;
    }
}

/// Words of a text, lowercased, alphanumeric runs only.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn shingles(ws: &[String]) -> Vec<String> {
    if ws.len() < 3 {
        return if ws.is_empty() {
            Vec::new()
        } else {
            vec![ws.join(" ")]
        };
    }
    ws.windows(3).map(|w| w.join(" ")).collect()
}

/// The selected container's kept blocks, in document order.
fn assemble<'a>(page: &'a Page, st: &Stats, title: Option<&str>) -> Vec<&'a str> {
    let sel = select(page, st);
    let mut out: Vec<&str> = Vec::new();
    if let Some(sel) = &sel {
        let cands: Vec<&Block> = page
            .blocks
            .iter()
            .filter(|b| sel[b.elem as usize] && !st.bad[b.elem as usize])
            .collect();
        let keep: Vec<bool> = cands.iter().map(|b| keep_block(b, title)).collect();
        for (i, b) in cands.iter().enumerate() {
            if !keep[i] {
                continue;
            }
            if matches!(b.kind, Kind::Heading(_)) {
                // A heading must introduce kept text.
                let next_ok = cands
                    .get(i + 1)
                    .zip(keep.get(i + 1))
                    .is_some_and(|(nb, k)| *k && !matches!(nb.kind, Kind::Heading(_)));
                if !next_ok {
                    continue;
                }
            }
            if b.chars >= 20 && out.last() == Some(&b.text.as_str()) {
                continue;
            }
            out.push(&b.text);
        }
    }
    trim_edges(&mut out);
    out
}

/// Extracts the main text of a page.
pub(crate) fn main_text(page: &Page, article_body: Option<&str>, title: Option<&str>) -> String {
    let mut st = stats(page, true);
    let mut text = assemble(page, &st, title).join("\n\n");
    if text.len() < 250 {
        // Next to nothing: maybe a class name like "main-sidebar-layout" hid the article.
        let st2 = stats(page, false);
        let text2 = assemble(page, &st2, title).join("\n\n");
        if text2.len() > 2 * text.len().max(100) {
            text = text2;
            st = st2;
        }
    }
    match article_body {
        Some(body) => guided_by_body(page, &st, body, text),
        None => {
            if text.is_empty() {
                fallback(page, &st)
            } else {
                text
            }
        }
    }
}

/// Uses the JSON-LD `articleBody` to pick the blocks that are the article.
fn guided_by_body(page: &Page, st: &Stats, body: &str, text: String) -> String {
    let body_words = words(body);
    if body_words.len() < 30 {
        return if text.is_empty() {
            fallback(page, st)
        } else {
            text
        };
    }
    let body_sh: HashSet<String> = shingles(&body_words).into_iter().collect();
    let mut covered: HashSet<&str> = HashSet::new();
    let mut out: Vec<&str> = Vec::new();
    let mut kept_words = 0usize;
    let mut block_sh: Vec<String> = Vec::new();
    for b in &page.blocks {
        if matches!(b.kind, Kind::Heading(1)) {
            continue;
        }
        let ws = words(&b.text);
        if ws.len() < 3 {
            continue;
        }
        block_sh.clear();
        block_sh.extend(shingles(&ws));
        let hit = block_sh
            .iter()
            .filter(|s| body_sh.contains(s.as_str()))
            .count();
        if hit as f32 >= 0.6 * block_sh.len() as f32 {
            if out.last() == Some(&b.text.as_str()) {
                continue;
            }
            for s in &block_sh {
                if let Some(k) = body_sh.get(s.as_str()) {
                    covered.insert(k.as_str());
                }
            }
            kept_words += ws.len();
            out.push(&b.text);
        }
    }
    let coverage = covered.len() as f32 / body_sh.len().max(1) as f32;
    let text_words = words(&text);
    let alg_hits = shingles(&text_words)
        .iter()
        .filter(|s| body_sh.contains(s.as_str()))
        .collect::<HashSet<_>>()
        .len();
    let alg_overlap = alg_hits as f32 / body_sh.len().max(1) as f32;
    // A body cut short ("…", or no closing punctuation) is a teaser, not the article.
    let end = body.trim_end();
    let truncated = end.ends_with("...")
        || end.ends_with("&hellip;")
        || !end.ends_with(|c: char| {
            matches!(
                c,
                '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | '»' | '。'
            )
        });
    if coverage >= 0.6 {
        if alg_overlap < 0.5 || (!truncated && (kept_words as f32) < 0.6 * text_words.len() as f32)
        {
            trim_edges(&mut out);
            return out.join("\n\n");
        }
        return text;
    }
    if alg_overlap < 0.3 && (text_words.len() as f32) < 2.0 * body_words.len() as f32 {
        return body_paragraphs(body);
    }
    text
}

/// The `articleBody` string itself, tags stripped, one paragraph a line.
fn body_paragraphs(body: &str) -> String {
    let mut plain = String::with_capacity(body.len());
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
        .split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// When no container could be scored: every paragraph-like block outside boilerplate.
fn fallback(page: &Page, st: &Stats) -> String {
    let blocks: Vec<&str> = page
        .blocks
        .iter()
        .filter(|b| {
            !st.bad[b.elem as usize]
                && b.chars >= 15
                && (b.link_chars as f32) < 0.5 * b.chars as f32
        })
        .filter(|b| !matches!(b.kind, Kind::Heading(1)))
        .map(|b| b.text.as_str())
        .collect();
    blocks.join("\n\n")
}

/// Development aid behind [`crate::debug_dump`].
pub(crate) fn debug(page: &Page) -> String {
    use std::fmt::Write;
    let st = stats(page, true);
    let sel = select(page, &st).unwrap_or_default();
    let mut s = String::new();
    for b in &page.blocks {
        let mut chain = String::new();
        let mut e = b.elem;
        let mut g = 0;
        while e != 0 && g < 12 {
            let el = &page.elems[e as usize];
            let _ = write!(
                chain,
                "{}:{:?}{}{} < ",
                e,
                el.tag,
                el.class
                    .as_deref()
                    .map(|c| format!(".{}", c.replace(' ', ".")))
                    .unwrap_or_default(),
                if el.bad != Bad::No {
                    format!("!{:?}", el.bad)
                } else {
                    String::new()
                }
            );
            e = el.parent;
            g += 1;
        }
        let t: String = b.text.chars().take(70).collect();
        let _ = writeln!(
            s,
            "{}{} {:?} c={} l={} [{}] {}",
            if sel.get(b.elem as usize).copied().unwrap_or(false) {
                "S"
            } else {
                " "
            },
            if st.bad[b.elem as usize] { "B" } else { " " },
            b.kind,
            b.chars,
            b.link_chars,
            chain,
            t
        );
    }
    s
}
