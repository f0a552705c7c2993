//! `whosaid eval --errors`: the misses and false positives of a PolNeAR evaluation, grouped
//! three ways, with counts and a few examples per group.
//!
//! The matching is the reference scorer's (see [`crate::polnear::greedy_match`]), per
//! annotator file, so the misses add up to `fn` and the false positives to `fp`. A third
//! error type, **wrong speaker**, is a matched content with a gold Source whose predicted
//! speaker fails the scorer's speaker rule.
//!
//! - **shape** of the gold content (misses, wrong speaker) or of the prediction (false
//!   positives), first rule that applies: `headline` (the content starts on the text's
//!   first line), `according to` (the cue contains "according to"), `nominalisation` (the
//!   cue is a noun: a word ending in -tion/-sion/-ment or one of [`NOUN_CUES`], and none of
//!   the common reporting verbs), else `direct` / `mixed` / `indirect` by quote marks
//!   ([`crate::report::classify`]).
//! - **speaker type** of the gold Source: `name` (starts with a capital letter, not a
//!   capitalised determiner or pronoun), `pronoun`, `nominal` (anything else), `none` (no
//!   Source); a false positive that overlaps no gold content is `no gold`.
//! - **cause**: `boundary: too short` / `boundary: too long` (the error overlaps a content
//!   on the other side, but by less than half of the longer span; short or long is the
//!   prediction's length against the gold's), `wrong speaker`, `no cue found` (a gold
//!   content with no overlapping prediction), `spurious` (a prediction overlapping no gold
//!   content).

use crate::brat::{GoldDoc, Relation};
use crate::polnear::{self, content_matches, greedy_match, overlap, speaker_agrees};
use crate::predictions::PredictedQuote;
use crate::report::classify;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use whosaid_core::QuoteKind;

/// Examples kept per group.
pub const EXAMPLES: usize = 3;

/// Cue words that are nouns without a noun suffix.
pub const NOUN_CUES: &[&str] = &[
    "statement",
    "statements",
    "claim",
    "claims",
    "remark",
    "remarks",
    "comments",
    "message",
    "promise",
    "warning",
    "view",
    "views",
    "belief",
    "speculation",
    "debate",
    "interview",
    "report",
];

const VERB_CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tell",
    "tells",
    "added",
    "adding",
    "noted",
    "notes",
    "wrote",
    "writes",
    "argued",
    "argues",
    "reported",
    "reports",
    "claimed",
    "claiming",
    "mentioned",
    "mentions",
    "signed",
];

const PRONOUNS: &[&str] = &[
    "i", "me", "we", "us", "you", "he", "him", "she", "her", "it", "they", "them", "his", "hers",
    "its", "their", "theirs", "our", "my", "who", "which", "that", "this", "these", "those", "one",
    "someone", "somebody", "anyone", "everyone", "nobody",
];

const DETERMINERS: &[&str] = &["the", "a", "an", "this", "that", "these", "those", "some"];

/// What kind of error an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// A gold content no prediction matched (a false negative).
    Miss,
    /// A prediction that matched no gold content.
    FalsePositive,
    /// A matched content whose predicted speaker disagrees with the gold Source.
    WrongSpeaker,
}

/// One error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    /// The article's file name.
    pub doc: String,
    /// Miss, false positive or wrong speaker.
    pub error: ErrorType,
    /// Quote shape (see the module docs).
    pub shape: &'static str,
    /// Speaker type of the gold Source.
    pub speaker_type: &'static str,
    /// Cause (see the module docs).
    pub cause: &'static str,
    /// The gold content's words, when there is a gold content involved.
    pub gold: Option<String>,
    /// The predicted content's words, when there is a prediction involved.
    pub predicted: Option<String>,
    /// The gold Source's words.
    pub gold_speaker: Option<String>,
    /// The predicted speaker mention.
    pub predicted_speaker: Option<String>,
}

/// Counts and examples of one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    /// Misses in this group.
    pub misses: usize,
    /// False positives in this group.
    pub false_positives: usize,
    /// Wrong speakers in this group.
    pub wrong_speaker: usize,
    /// The first errors of the group from up to [`EXAMPLES`] different articles, one line
    /// each, texts truncated.
    pub examples: Vec<String>,
}

impl Group {
    /// All errors of the group.
    pub fn total(&self) -> usize {
        self.misses + self.false_positives + self.wrong_speaker
    }
}

/// Every error and the three groupings.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ErrorReport {
    /// By quote shape.
    pub by_shape: BTreeMap<String, Group>,
    /// By speaker type of the gold Source.
    pub by_speaker_type: BTreeMap<String, Group>,
    /// By cause.
    pub by_cause: BTreeMap<String, Group>,
    /// Every error, in document and annotator order.
    pub items: Vec<ErrorItem>,
}

fn lower_words(s: &str) -> Vec<String> {
    polnear::py_split(&s.to_lowercase())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when the cue reads as a noun (see the module docs).
pub fn is_nominal_cue(cue: &str) -> bool {
    let words = lower_words(cue);
    !words.iter().any(|w| VERB_CUES.contains(&w.as_str()))
        && words.iter().any(|w| {
            NOUN_CUES.contains(&w.as_str())
                || (w.len() > 5
                    && (w.ends_with("tion") || w.ends_with("sion") || w.ends_with("ment")))
        })
}

/// The quote shape of a content span with its cue words.
pub fn shape(
    chars: &[char],
    span: (usize, usize),
    fragments: &[(usize, usize)],
    cue: Option<&str>,
    kind: Option<QuoteKind>,
) -> &'static str {
    let first_line_end = chars.iter().position(|&c| c == '\n').unwrap_or(chars.len());
    if kind == Some(QuoteKind::Headline) || span.0 < first_line_end {
        return "headline";
    }
    if let Some(cue) = cue {
        if cue.to_lowercase().contains("according to") {
            return "according to";
        }
        if is_nominal_cue(cue) {
            return "nominalisation";
        }
    }
    match kind.unwrap_or_else(|| classify(chars, fragments)) {
        QuoteKind::Direct => "direct",
        QuoteKind::Mixed => "mixed",
        QuoteKind::Indirect => "indirect",
        QuoteKind::Headline => "headline",
    }
}

/// The speaker type of a gold Source's words (`None`: no Source).
pub fn speaker_type(source: Option<&str>) -> &'static str {
    let Some(src) = source else { return "none" };
    let words = lower_words(src);
    let Some(first) = words.first() else {
        return "none";
    };
    if words.len() <= 2 && words.iter().all(|w| PRONOUNS.contains(&w.as_str())) {
        return "pronoun";
    }
    let capital = src
        .trim_start()
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    if capital && !DETERMINERS.contains(&first.as_str()) && !PRONOUNS.contains(&first.as_str()) {
        "name"
    } else {
        "nominal"
    }
}

fn boundary(pred: (usize, usize), gold: (usize, usize)) -> &'static str {
    if pred.1 - pred.0 < gold.1 - gold.0 {
        "boundary: too short"
    } else {
        "boundary: too long"
    }
}

/// `s` cut to `n` characters with an ellipsis, on one line.
pub fn truncate(s: &str, n: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.is_empty() {
        return "(empty)".into();
    }
    if flat.chars().count() <= n {
        flat.to_string()
    } else {
        let cut: String = flat.chars().take(n).collect();
        format!("{}…", cut.trim_end())
    }
}

fn slice(chars: &[char], span: (usize, usize)) -> String {
    let (a, b) = (span.0.min(chars.len()), span.1.min(chars.len()));
    chars[a..b.max(a)].iter().collect()
}

impl ErrorItem {
    /// One line: the error, the texts involved (truncated) and the document.
    pub fn example(&self) -> String {
        let q = |s: &Option<String>| truncate(s.as_deref().unwrap_or(""), 70);
        let body = match self.error {
            ErrorType::Miss => match &self.predicted {
                Some(_) => format!(
                    "miss «{}» (predicted «{}»)",
                    q(&self.gold),
                    q(&self.predicted)
                ),
                None => format!("miss «{}»", q(&self.gold)),
            },
            ErrorType::FalsePositive => match &self.gold {
                Some(_) => format!("fp «{}» (gold «{}»)", q(&self.predicted), q(&self.gold)),
                None => format!("fp «{}»", q(&self.predicted)),
            },
            ErrorType::WrongSpeaker => format!(
                "speaker «{}» for gold «{}» on «{}»",
                self.predicted_speaker.as_deref().unwrap_or(""),
                self.gold_speaker.as_deref().unwrap_or(""),
                q(&self.gold)
            ),
        };
        format!("{body} [{}]", self.doc)
    }
}

struct Pred<'a> {
    span: (usize, usize),
    quote: &'a PredictedQuote,
}

fn gold_item(
    doc: &str,
    chars: &[char],
    rel: &Relation,
    error: ErrorType,
    cause: &'static str,
    pred: Option<&Pred>,
) -> ErrorItem {
    let span = rel.content.extent();
    ErrorItem {
        doc: doc.to_string(),
        error,
        shape: shape(
            chars,
            span,
            &rel.content.fragments,
            rel.cue.as_ref().map(|c| c.text.as_str()),
            None,
        ),
        speaker_type: speaker_type(rel.source.as_ref().map(|s| s.text.as_str())),
        cause,
        gold: Some(slice(chars, span)),
        predicted: pred.map(|p| slice(chars, p.span)),
        gold_speaker: rel.source.as_ref().map(|s| s.text.clone()),
        predicted_speaker: pred.and_then(|p| p.quote.speaker.clone()),
    }
}

/// Groups the errors of `preds` against a PolNeAR split.
pub fn analyze(gold: &[GoldDoc], preds: &[PredictedQuote]) -> ErrorReport {
    let by_doc = crate::predictions::group(gold, preds);
    let mut items = Vec::new();
    for doc in gold {
        let chars: Vec<char> = doc.text.chars().collect();
        let resolved: Vec<Pred> = by_doc
            .get(doc.name.as_str())
            .map(|ps| ps.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|&(span, quote)| Pred { span, quote })
            .collect();
        let spans: Vec<(usize, usize)> = resolved.iter().map(|p| p.span).collect();
        for ann in &doc.annotators {
            let golds: Vec<(usize, usize)> =
                ann.relations.iter().map(|r| r.content.extent()).collect();
            let found = greedy_match(&spans, &golds, content_matches);
            let mut used = vec![false; spans.len()];
            for k in found.iter().flatten() {
                used[*k] = true;
            }
            // The overlapping span on the other side with the largest overlap, unused first.
            let best_pred = |g: (usize, usize)| {
                (0..spans.len())
                    .filter(|&k| overlap(spans[k], g) > 0)
                    .max_by_key(|&k| (!used[k], overlap(spans[k], g)))
            };
            for (rel, k) in ann.relations.iter().zip(&found) {
                let g = rel.content.extent();
                match *k {
                    None => {
                        let item = match best_pred(g) {
                            Some(k) => gold_item(
                                &doc.name,
                                &chars,
                                rel,
                                ErrorType::Miss,
                                boundary(spans[k], g),
                                Some(&resolved[k]),
                            ),
                            None => gold_item(
                                &doc.name,
                                &chars,
                                rel,
                                ErrorType::Miss,
                                "no cue found",
                                None,
                            ),
                        };
                        items.push(item);
                    }
                    Some(k) => {
                        if let Some(src) = &rel.source {
                            let spk = resolved[k].quote.speaker.as_deref().unwrap_or("");
                            if !speaker_agrees(spk, &src.text) {
                                items.push(gold_item(
                                    &doc.name,
                                    &chars,
                                    rel,
                                    ErrorType::WrongSpeaker,
                                    "wrong speaker",
                                    Some(&resolved[k]),
                                ));
                            }
                        }
                    }
                }
            }
            for (k, p) in resolved.iter().enumerate() {
                if used[k] {
                    continue;
                }
                let cue_text = p.quote.cue().map(|c| slice(&chars, c));
                let best_gold = (0..golds.len())
                    .filter(|&j| overlap(p.span, golds[j]) > 0)
                    .max_by_key(|&j| (found[j].is_none(), overlap(p.span, golds[j])));
                let rel = best_gold.map(|j| &ann.relations[j]);
                items.push(ErrorItem {
                    doc: doc.name.clone(),
                    error: ErrorType::FalsePositive,
                    shape: shape(&chars, p.span, &[p.span], cue_text.as_deref(), p.quote.kind),
                    speaker_type: match rel {
                        Some(r) => speaker_type(r.source.as_ref().map(|s| s.text.as_str())),
                        None => "no gold",
                    },
                    cause: match best_gold {
                        Some(j) => boundary(p.span, golds[j]),
                        None => "spurious",
                    },
                    gold: rel.map(|r| slice(&chars, r.content.extent())),
                    predicted: Some(slice(&chars, p.span)),
                    gold_speaker: rel.and_then(|r| r.source.as_ref().map(|s| s.text.clone())),
                    predicted_speaker: p.quote.speaker.clone(),
                });
            }
        }
    }
    let mut report = ErrorReport::default();
    for item in &items {
        for (map, key) in [
            (&mut report.by_shape, item.shape),
            (&mut report.by_speaker_type, item.speaker_type),
            (&mut report.by_cause, item.cause),
        ] {
            let g = map.entry(key.to_string()).or_default();
            match item.error {
                ErrorType::Miss => g.misses += 1,
                ErrorType::FalsePositive => g.false_positives += 1,
                ErrorType::WrongSpeaker => g.wrong_speaker += 1,
            }
            // Examples from different articles, the first error of each.
            let tag = format!("[{}]", item.doc);
            if g.examples.len() < EXAMPLES && !g.examples.iter().any(|e| e.ends_with(&tag)) {
                g.examples.push(item.example());
            }
        }
    }
    report.items = items;
    report
}

impl ErrorReport {
    /// The three groupings as text, each group largest first with its examples.
    pub fn table(&self) -> String {
        let mut s = String::new();
        for (title, map) in [
            ("quote shape", &self.by_shape),
            ("speaker type (gold source)", &self.by_speaker_type),
            ("cause", &self.by_cause),
        ] {
            let _ = writeln!(
                s,
                "\nerrors by {title}\n{:<28} {:>6} {:>6} {:>6} {:>6}",
                "", "miss", "fp", "spkr", "total"
            );
            let mut groups: Vec<_> = map.iter().collect();
            groups.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
            for (name, g) in groups {
                let _ = writeln!(
                    s,
                    "{:<28} {:>6} {:>6} {:>6} {:>6}",
                    name,
                    g.misses,
                    g.false_positives,
                    g.wrong_speaker,
                    g.total()
                );
                for e in &g.examples {
                    let _ = writeln!(s, "    {e}");
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brat::{AnnotatorSet, TextBound};

    fn tb(label: &str, text: &str, a: usize, b: usize) -> TextBound {
        TextBound {
            label: label.into(),
            fragments: vec![(a, b)],
            text: text.chars().skip(a).take(b - a).collect(),
        }
    }

    fn pred(text: &str, a: usize, b: usize, speaker: &str) -> PredictedQuote {
        PredictedQuote {
            doc: "a.txt".into(),
            content: text.chars().skip(a).take(b - a).collect(),
            content_start: Some(a),
            content_end: Some(b),
            speaker: Some(speaker.into()),
            kind: None,
            cue_start: None,
            cue_end: None,
            confidence: None,
        }
    }

    fn find(text: &str, s: &str) -> (usize, usize) {
        let byte = text.find(s).unwrap();
        let a = text[..byte].chars().count();
        (a, a + s.chars().count())
    }

    #[test]
    fn groups_a_hand_made_set() {
        let text = "Title line\n\
            Smith said the bridge is safe and the road is open to traffic.\n\
            \u{201c}We won,\u{201d} she said.\n\
            According to the police, the fire was set on purpose.\n\
            His statement that taxes will rise surprised nobody.\n\
            The weather was bad, the officials said.\n";
        let rel = |content: &str, cue: &str, src: Option<&str>| {
            let c = find(text, content);
            let q = find(text, cue);
            Relation {
                content: tb("Content", text, c.0, c.1),
                cue: Some(tb("Cue", text, q.0, q.1)),
                source: src.map(|s| {
                    let p = find(text, s);
                    tb("Source", text, p.0, p.1)
                }),
            }
        };
        let gold = vec![GoldDoc {
            name: "a.txt".into(),
            text: text.into(),
            annotators: vec![AnnotatorSet {
                annotator: "x".into(),
                relations: vec![
                    // matched, right speaker
                    rel(
                        "the bridge is safe and the road is open to traffic",
                        "said",
                        Some("Smith"),
                    ),
                    // matched, wrong speaker (pronoun)
                    rel("\u{201c}We won,\u{201d}", "she said", Some("she")),
                    // missed: too short a prediction
                    rel(
                        "the fire was set on purpose",
                        "According to",
                        Some("the police"),
                    ),
                    // missed: nothing overlaps
                    rel("that taxes will rise", "statement", Some("His")),
                ],
            }],
        }];
        let s = |p: &str| find(text, p);
        let preds = vec![
            {
                let c = s("the bridge is safe and the road is open to traffic");
                pred(text, c.0, c.1, "Smith")
            },
            {
                let c = s("We won,");
                pred(text, c.0, c.1, "Smith")
            },
            {
                let c = s("the fire");
                pred(text, c.0, c.1, "police")
            },
            {
                let c = s("The weather was bad");
                pred(text, c.0, c.1, "the officials")
            },
        ];
        let r = analyze(&gold, &preds);
        let kinds: Vec<_> = r.items.iter().map(|i| (i.error, i.cause)).collect();
        assert_eq!(
            kinds,
            vec![
                (ErrorType::WrongSpeaker, "wrong speaker"),
                (ErrorType::Miss, "boundary: too short"),
                (ErrorType::Miss, "no cue found"),
                (ErrorType::FalsePositive, "boundary: too short"),
                (ErrorType::FalsePositive, "spurious"),
            ]
        );
        assert_eq!(r.by_shape["direct"].wrong_speaker, 1);
        assert_eq!(r.by_shape["according to"].misses, 1);
        assert_eq!(r.by_shape["nominalisation"].misses, 1);
        // A false positive is shaped by itself (no cue here), not by the gold it overlaps.
        assert_eq!(r.by_shape["indirect"].false_positives, 2);
        assert_eq!(r.by_speaker_type["pronoun"].total(), 2);
        assert_eq!(r.by_speaker_type["nominal"].total(), 2);
        assert_eq!(r.by_speaker_type["no gold"].false_positives, 1);
        assert_eq!(r.by_cause["boundary: too short"].total(), 2);
        assert_eq!(r.by_cause["no cue found"].misses, 1);
        assert_eq!(r.by_cause["spurious"].examples.len(), 1);
        assert!(r.by_cause["spurious"].examples[0].contains("The weather was bad"));
        // Misses and false positives add up to the reference scorer's fn and fp.
        let h = polnear::score(
            &gold,
            &preds
                .iter()
                .map(PredictedQuote::to_reference)
                .collect::<Vec<_>>(),
        );
        let n = |t| r.items.iter().filter(|i| i.error == t).count();
        assert_eq!(n(ErrorType::Miss), h.fn_);
        assert_eq!(n(ErrorType::FalsePositive), h.fp);
        assert!(r.table().contains("errors by cause"));
    }

    #[test]
    fn speaker_types_and_cues() {
        assert_eq!(speaker_type(Some("Vladimir Putin")), "name");
        assert_eq!(speaker_type(Some("he")), "pronoun");
        assert_eq!(speaker_type(Some("The Kremlin")), "nominal");
        assert_eq!(speaker_type(Some("officials")), "nominal");
        assert_eq!(speaker_type(None), "none");
        assert!(is_nominal_cue("the announcement"));
        assert!(is_nominal_cue("claims"));
        assert!(!is_nominal_cue("said in a statement"));
        assert!(!is_nominal_cue("said"));
        assert_eq!(truncate("abc\ndef", 5), "abc d…");
    }
}
