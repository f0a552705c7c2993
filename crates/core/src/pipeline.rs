//! The pipeline: the ordered stages that turn a [`Document`] into an [`Analysis`].
//!
//! Each stage is a plain function of the document and the layers before it:
//!
//! 1. [`tokenize`] and [`split_sentences`] — tokens, sentences, paragraphs ([`Layout`]);
//! 2. [`artifacts::detect`] — captions, bylines, truncated sentences, boilerplate;
//! 3. [`quotes::quote_spans`] and [`quotes::candidates`] — the rule stage;
//! 4. [`tagger::predict`] — the learned tagger's candidates, and [`merge`] of the two
//!    (rules win on quote-mark material and wherever they overlap);
//! 5. [`Resolver`] — mentions, canonical names, pronouns → [`Speaker`](crate::analysis::Speaker)s;
//! 6. kind and confidence of each [`Quote`]; quotes sorted by content start.

use crate::analysis::{Analysis, Artifact, Quote, QuoteKind, Resolution};
use crate::artifacts;
use crate::candidate::{Candidate, Origin};
use crate::doc::{CharMap, Document, Span};
use crate::layout::Layout;
use crate::quotes::{self, QuoteSpan};
use crate::speakers::Resolver;
use crate::tagger;
use crate::text::{split_sentences, tokenize, TokenKind};
use std::ops::Range;

/// Finds every attributed statement in `doc`.
///
/// ```
/// use whosaid_core::{analyze, Document, QuoteKind};
/// let a = analyze(&Document::new("d", "\"We will win,\" Mayor Ann Lee said."));
/// assert_eq!(a.quotes.len(), 1);
/// assert_eq!(a.quotes[0].kind, QuoteKind::Direct);
/// assert_eq!(a.quotes[0].content.text, "We will win");
/// assert_eq!(a.quotes[0].speaker.name.as_deref(), Some("Ann Lee"));
/// ```
pub fn analyze(doc: &Document) -> Analysis {
    analyze_with(doc, &Options::default())
}

/// Which optional stages run (spaCy's "components can be switched off").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Merge the learned tagger's candidates into the rule stage's (default: on).
    pub tagger: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { tagger: true }
    }
}

/// [`analyze`] with some stages switched off.
pub fn analyze_with(doc: &Document, options: &Options) -> Analysis {
    let text = doc.text.as_str();
    let map = CharMap::new(text);
    let tokens = tokenize(text);
    let sentences = split_sentences(text, &tokens);
    let layout = Layout::new(text, &tokens, &sentences);

    let artifacts = artifacts::detect(&layout, &map);
    let blocked = blocked_paragraphs(&layout, &artifacts);

    let spans = quotes::quote_spans(&layout);
    let rule = quotes::candidates(&layout, &spans, &blocked);

    // ---- TAGGER PLUG-IN POINT: the learned tagger's candidates join here. ----
    let model = if options.tagger {
        tagger::predict(text, &tokens, &sentences)
    } else {
        Vec::new()
    };
    let merged = merge(&layout, &spans, rule, model);
    let merged: Vec<Candidate> = merged
        .into_iter()
        .filter(|c| !c.content.clone().any(|i| blocked[layout.paragraph(i)]))
        .collect();

    let mut in_quote = vec![false; tokens.len()];
    for q in &spans {
        let end = q.close.map_or(q.inner.end, |c| c + 1).min(tokens.len());
        for slot in &mut in_quote[q.open..end] {
            *slot = true;
        }
    }
    let resolver = Resolver::new(&layout, &map, &in_quote, &merged);

    let mut quotes: Vec<Quote> = merged
        .iter()
        .filter(|c| !c.content.is_empty() && c.content.end <= tokens.len())
        .map(|c| to_quote(&layout, &map, &spans, &resolver, c))
        .collect();
    quotes.sort_by_key(|q| (q.content.start, q.content.end));
    Analysis {
        id: doc.id.clone(),
        quotes,
        artifacts,
    }
}

/// For each paragraph, true when it is an artifact.
fn blocked_paragraphs(l: &Layout, artifacts: &[Artifact]) -> Vec<bool> {
    l.paragraphs
        .iter()
        .map(|p| {
            !p.is_empty() && {
                let (a, b) = (l.tokens[p.start].start, l.tokens[p.end - 1].end);
                artifacts.iter().any(|x| x.span.start < b && a < x.span.end)
            }
        })
        .collect()
}

/// Factor applied to a model candidate's score in its confidence.
pub const MODEL_DISCOUNT: f32 = 0.8;

/// The lowest score at which a model candidate may fill a gap the rules left.
pub const MODEL_MIN_SCORE: f32 = 0.5;

/// Merges rule and model candidates: every rule candidate stays; a model candidate is
/// added only where it overlaps no rule content and does not cut through a quotation
/// (quote-mark material belongs to the rules). Model contents wrapped in marks lose
/// them, so that content never includes its quote marks. Linear in tokens.
pub fn merge(
    l: &Layout,
    spans: &[QuoteSpan],
    rule: Vec<Candidate>,
    model: Vec<Candidate>,
) -> Vec<Candidate> {
    let n = l.tokens.len();
    let mut taken = vec![false; n + 1];
    for c in &rule {
        for slot in &mut taken[c.content.start.min(n)..c.content.end.min(n)] {
            *slot = true;
        }
    }
    // Token -> index of the quotation it belongs to (marks included).
    let mut quote_of = vec![u32::MAX; n + 1];
    for (k, q) in spans.iter().enumerate() {
        let end = q.close.map_or(q.inner.end, |c| c + 1).min(n);
        for slot in &mut quote_of[q.open..end] {
            *slot = k as u32;
        }
    }
    let mut out = rule;
    for mut m in model {
        if m.content.is_empty() || m.content.end > n {
            continue;
        }
        // The model fills gaps only with confident, well-formed relations.
        let words = m
            .content
            .clone()
            .filter(|&i| l.kind(i) == Some(TokenKind::Word))
            .count();
        if m.score < MODEL_MIN_SCORE || words < 3 || m.cue.is_none() {
            continue;
        }
        // Rules win wherever they overlap. (The model's cue may be one the rules
        // used already: one cue often reports several contents, so that is kept.)
        if m.content.clone().any(|i| taken[i]) {
            continue;
        }
        // Strip a pair of marks around the whole content.
        if m.content.len() > 2
            && l.kind(m.content.start) == Some(TokenKind::OpenQuote)
            && l.kind(m.content.end - 1) == Some(TokenKind::CloseQuote)
        {
            m.content = m.content.start + 1..m.content.end - 1;
        }
        // A quotation must be inside the content entirely or not at all.
        let cuts = |i: usize| {
            let q = quote_of[i];
            q != u32::MAX && {
                let s = &spans[q as usize];
                let end = s.close.map_or(s.inner.end, |c| c + 1);
                let inner = s.inner.start <= m.content.start && m.content.end <= s.inner.end;
                !inner && (s.open < m.content.start || end > m.content.end)
            }
        };
        if cuts(m.content.start) || cuts(m.content.end - 1) {
            continue;
        }
        for slot in &mut taken[m.content.clone()] {
            *slot = true;
        }
        m.origin = Origin::Model;
        out.push(m);
    }
    out
}

/// The kind of a candidate, from the shape of its content.
fn kind_of(l: &Layout, spans: &[QuoteSpan], c: &Candidate) -> QuoteKind {
    let headline = c
        .cue
        .as_ref()
        .is_some_and(|r| r.len() == 1 && l.word(r.start) == ":")
        && l.paragraph(c.content.start) == 0;
    if headline {
        return QuoteKind::Headline;
    }
    let trailing = |r: Range<usize>| {
        r.into_iter().all(|i| {
            matches!(
                l.kind(i),
                Some(TokenKind::Punct | TokenKind::Terminal | TokenKind::Dash)
            )
        })
    };
    let direct = spans.iter().any(|q| {
        q.inner.start == c.content.start
            && c.content.end <= q.inner.end
            && trailing(c.content.end..q.inner.end)
    });
    if direct || fragments(l, spans, c).len() > 1 {
        QuoteKind::Direct
    } else if c.content.clone().any(|i| l.tokens[i].is_quote()) {
        QuoteKind::Mixed
    } else {
        QuoteKind::Indirect
    }
}

/// The quotations of a content broken by its attribution (`"A," X said. "B."`): when
/// the content starts at a quotation's first word and ends at another's last (trailing
/// punctuation aside), every quotation inside it, without marks or trailing commas;
/// otherwise nothing.
fn fragments(l: &Layout, spans: &[QuoteSpan], c: &Candidate) -> Vec<Range<usize>> {
    let r = &c.content;
    let first = spans.partition_point(|q| q.inner.start < r.start);
    let last = spans.partition_point(|q| q.inner.start < r.end);
    if last < first + 2 || spans[first].inner.start != r.start {
        return Vec::new();
    }
    let end = &spans[last - 1].inner;
    let ends_in_quote = r.end <= end.end
        && (r.end..end.end).all(|i| {
            matches!(
                l.kind(i),
                Some(TokenKind::Punct | TokenKind::Terminal | TokenKind::Dash)
            )
        });
    if !ends_in_quote {
        return Vec::new();
    }
    spans[first..last]
        .iter()
        .filter_map(|q| {
            let mut e = q.inner.end.min(r.end);
            while e > q.inner.start && matches!(l.word(e - 1), "," | ":" | ";") {
                e -= 1;
            }
            (e > q.inner.start).then_some(q.inner.start..e)
        })
        .collect()
}

fn span_of(l: &Layout, map: &CharMap, r: &Range<usize>) -> Span {
    Span::new(
        l.text,
        map,
        l.tokens[r.start].start,
        l.tokens[r.end - 1].end,
    )
}

fn to_quote(
    l: &Layout,
    map: &CharMap,
    spans: &[QuoteSpan],
    resolver: &Resolver,
    c: &Candidate,
) -> Quote {
    let kind = kind_of(l, spans, c);
    let speaker = resolver.resolve(c.source.as_ref());
    let valid = |r: &&Range<usize>| !r.is_empty() && r.end <= l.tokens.len();
    // Confidence: the proposer's score, weighed by how the speaker was found and by
    // how much the quote marks vouch for the content.
    let by_speaker = match speaker.resolution {
        Resolution::Named => 1.0,
        Resolution::Nominal => 0.9,
        Resolution::Pronoun => 0.85,
        Resolution::Unresolved => 0.55,
    };
    let by_kind = match kind {
        QuoteKind::Direct | QuoteKind::Headline => 1.0,
        QuoteKind::Mixed => 0.95,
        QuoteKind::Indirect => 0.85,
    };
    let by_cue = if c.cue.is_some() { 1.0 } else { 0.8 };
    // The model only fills gaps the rules left, where text is harder: its calibrated
    // score is discounted so that it ranks below a rule attribution of the same shape.
    let by_origin = match c.origin {
        Origin::Rule => 1.0,
        Origin::Model => MODEL_DISCOUNT,
    };
    let confidence = (c.score * by_speaker * by_kind * by_cue * by_origin).clamp(0.0, 1.0);
    Quote {
        kind,
        content: span_of(l, map, &c.content),
        fragments: fragments(l, spans, c)
            .iter()
            .map(|r| span_of(l, map, r))
            .collect(),
        cue: c.cue.as_ref().filter(valid).map(|r| span_of(l, map, r)),
        speaker,
        addressee: c
            .addressee
            .as_ref()
            .filter(valid)
            .map(|r| span_of(l, map, r)),
        confidence,
    }
}
