//! Chooses the rules-vs-model merge policy by measurement on PolNeAR train, without
//! leaking: the rule stage alone (`analyze_with`, tagger off) against the learned tagger's
//! out-of-fold predictions (`whosaid-train --folds 5 --dump CV.jsonl`), merged at the
//! char-span level by each candidate policy and scored with the reference scorer.
//!
//! `cargo run --release -p whosaid-eval --example merge_eval -- CV.jsonl [SPLIT_DIR]`

use std::collections::HashMap;
use std::path::PathBuf;
use whosaid_core::pipeline::{analyze_with, Options};
use whosaid_core::{Document, QuoteKind};
use whosaid_eval::brat::load_split;
use whosaid_eval::polnear::{base_name, content_matches, score, Prediction};
use whosaid_eval::predictions::read_jsonl;

/// One prediction of either side, in char offsets.
#[derive(Clone, Debug)]
struct P {
    span: (usize, usize),
    content: String,
    speaker: Option<String>,
    /// `None` for the model.
    kind: Option<QuoteKind>,
    conf: f32,
}

impl P {
    /// The scorer's record of this prediction in document `doc`.
    fn prediction(self, doc: &str) -> Prediction {
        Prediction {
            doc: doc.to_string(),
            content: self.content,
            content_start: Some(self.span.0),
            content_end: Some(self.span.1),
            speaker: self.speaker,
        }
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn is_direct(p: &P) -> bool {
    matches!(p.kind, Some(QuoteKind::Direct | QuoteKind::Headline))
}

/// How a merge treats the two sides.
#[derive(Clone, Copy)]
struct Policy {
    name: &'static str,
    /// Rule candidates that take precedence over the model.
    rules_first: fn(&P) -> bool,
    /// Rule candidates that may fill gaps the model left (below `min_conf`: dropped).
    rules_fill: bool,
    min_conf: f32,
    /// Model predictions used at all.
    model: bool,
    /// Only these rule candidates fill gaps (all when `None`).
    fill_only: Option<fn(&P) -> bool>,
    /// The rule's speaker only where its content matches the model's (≥ 50 % of the longer).
    speaker_match: bool,
    /// Where a rule candidate of this sort matches a model one, the rule's span wins.
    rule_span: fn(&P) -> bool,
    /// Drop model predictions overlapping an artifact the rule stage found.
    artifacts: bool,
    /// Where a kept model prediction overlaps a rule one, take the rule's speaker.
    rule_speaker: fn(&P) -> bool,
}

fn apply(p: &Policy, rules: &[P], model: &[P], arts: &[(usize, usize)]) -> Vec<P> {
    let mut out: Vec<P> = rules
        .iter()
        .filter(|r| (p.rules_first)(r))
        .cloned()
        .collect();
    if p.model {
        for m in model {
            if out.iter().any(|r| overlaps(r.span, m.span))
                || (p.artifacts && arts.iter().any(|a| overlaps(*a, m.span)))
            {
                continue;
            }
            let mut m = m.clone();
            if let Some(r) = rules.iter().find(|r| {
                overlaps(r.span, m.span)
                    && (!p.speaker_match || content_matches(r.span, m.span))
                    && (p.rule_speaker)(r)
                    && r.speaker.is_some()
            }) {
                m.speaker = r.speaker.clone();
            }
            if let Some(r) = rules
                .iter()
                .find(|r| content_matches(r.span, m.span) && (p.rule_span)(r))
            {
                m.span = r.span;
                m.content = r.content.clone();
                if r.speaker.is_some() {
                    m.speaker = r.speaker.clone();
                }
            }
            out.push(m);
        }
    }
    if p.rules_fill {
        for r in rules {
            if r.conf >= p.min_conf
                && p.fill_only.is_none_or(|f| f(r))
                && !(p.rules_first)(r)
                && !out.iter().any(|o| overlaps(o.span, r.span))
            {
                out.push(r.clone());
            }
        }
    }
    out.sort_by_key(|x| x.span);
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let cv = args.next().unwrap_or_else(|| "/tmp/cv.jsonl".into());
    let split = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/eval-data/polnear/train".into()),
    );
    let gold = load_split(&split).expect("gold");
    let cv = read_jsonl(&std::fs::read_to_string(&cv).expect("cv dump"));
    let mut model: HashMap<String, Vec<P>> = HashMap::new();
    for q in cv.quotes {
        let (Some(a), Some(b)) = (q.content_start, q.content_end) else {
            continue;
        };
        model
            .entry(base_name(&q.doc).to_string())
            .or_default()
            .push(P {
                span: (a, b),
                content: q.content,
                speaker: q.speaker,
                kind: None,
                conf: 1.0,
            });
    }
    let options = Options {
        tagger: false,
        filter: false,
    };
    let mut rules: HashMap<String, Vec<P>> = HashMap::new();
    let mut arts: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for d in &gold {
        let a = analyze_with(&Document::new(d.name.clone(), d.text.clone()), &options);
        arts.insert(
            d.name.clone(),
            a.artifacts
                .iter()
                .map(|x| (x.span.char_start, x.span.char_end))
                .collect(),
        );
        rules.insert(
            d.name.clone(),
            a.quotes
                .iter()
                .map(|q| P {
                    span: (q.content.char_start, q.content.char_end),
                    content: q.content.text.clone(),
                    speaker: q.speaker.mention.as_ref().map(|m| m.text.clone()),
                    kind: Some(q.kind),
                    conf: q.confidence,
                })
                .collect(),
        );
    }
    let all: fn(&P) -> bool = |_| true;
    let none: fn(&P) -> bool = |_| false;
    let direct: fn(&P) -> bool = is_direct;
    let not_direct: fn(&P) -> bool = |r| !is_direct(r);
    // Every policy is this one with some fields changed: the model alone.
    let base = |name: &'static str| Policy {
        name,
        rules_first: none,
        rules_fill: false,
        min_conf: 0.0,
        model: true,
        fill_only: None,
        speaker_match: false,
        rule_span: none,
        artifacts: false,
        rule_speaker: none,
    };
    let mut policies = vec![
        base("model only"),
        Policy {
            rules_first: all,
            model: false,
            ..base("rules only")
        },
        Policy {
            rules_first: all,
            ..base("rules win everywhere, model fills (old)")
        },
        Policy {
            rules_fill: true,
            ..base("model wins, rules fill")
        },
        Policy {
            rules_fill: true,
            rule_speaker: all,
            ..base("model wins, rules fill, rule speaker")
        },
        Policy {
            rule_speaker: all,
            ..base("model wins, rule speaker, no fill")
        },
        Policy {
            rules_first: direct,
            rules_fill: true,
            ..base("rules win on direct, model, rules fill")
        },
        Policy {
            rules_first: direct,
            rules_fill: true,
            rule_speaker: all,
            ..base("rules win on direct, model + rule speaker, rules fill")
        },
        Policy {
            rules_first: direct,
            rule_speaker: all,
            ..base("rules win on direct, model + rule speaker, no fill")
        },
    ];
    for (name, fill_only, speaker_match, rule_speaker) in [
        (
            "model wins, speaker of a matching rule, rules fill",
            None,
            true,
            all,
        ),
        (
            "model wins, speaker of a direct rule, rules fill",
            None,
            false,
            direct,
        ),
        (
            "model wins, speaker of a matching direct rule, rules fill",
            None,
            true,
            direct,
        ),
        (
            "model wins, rule speaker, direct rules fill",
            Some(direct),
            false,
            all,
        ),
        (
            "model wins, rule speaker, non-direct rules fill",
            Some(not_direct),
            false,
            all,
        ),
        (
            "model wins, matching rule speaker, direct rules fill",
            Some(direct),
            true,
            all,
        ),
    ] {
        policies.push(Policy {
            rules_fill: true,
            fill_only,
            speaker_match,
            rule_speaker,
            ..base(name)
        });
    }
    for (name, rule_span, artifacts) in [
        (
            "model wins, matching rule speaker, rules fill, no artifacts",
            none,
            true,
        ),
        (
            "model wins, matching rule span+speaker, rules fill",
            all,
            false,
        ),
        (
            "model wins, matching direct rule span+speaker, rules fill",
            direct,
            false,
        ),
        (
            "model wins, matching direct rule span+speaker, rules fill, no artifacts",
            direct,
            true,
        ),
    ] {
        policies.push(Policy {
            rules_fill: true,
            speaker_match: true,
            rule_span,
            artifacts,
            rule_speaker: all,
            ..base(name)
        });
    }
    for t in [0.4, 0.5, 0.6, 0.7, 0.8] {
        let name: &'static str = Box::leak(
            format!("model wins, rule speaker, rules fill if conf >= {t}").into_boxed_str(),
        );
        policies.push(Policy {
            rules_fill: true,
            min_conf: t,
            rule_speaker: all,
            ..base(name)
        });
        let name: &'static str = Box::leak(
            format!("rules win on direct, rule speaker, fill if conf >= {t}").into_boxed_str(),
        );
        policies.push(Policy {
            rules_first: direct,
            rules_fill: true,
            min_conf: t,
            rule_speaker: all,
            ..base(name)
        });
    }
    println!("| policy | content P | R | F1 | speaker acc |");
    println!("| --- | --- | --- | --- | --- |");
    let empty = Vec::new();
    let noart = Vec::new();
    // The chosen policy with two refinements: model contents shorter than `w` words are
    // dropped, and rule candidates of confidence >= `t` that overlap model contents
    // without matching any of them are kept beside them.
    let chosen = Policy {
        rules_fill: true,
        speaker_match: true,
        rule_speaker: all,
        ..base("chosen")
    };
    for w in [1usize, 2, 3] {
        for t in [2.0f32, 0.9, 0.8, 0.7, 0.6, 0.5] {
            let mut preds = Vec::new();
            for d in &gold {
                let r = rules.get(&d.name).unwrap_or(&empty);
                let m: Vec<P> = model
                    .get(&d.name)
                    .unwrap_or(&empty)
                    .iter()
                    .filter(|x| x.content.split_whitespace().count() >= w)
                    .cloned()
                    .collect();
                let mut out = apply(&chosen, r, &m, &noart);
                for x in r {
                    if x.conf >= t
                        && !out.iter().any(|o| content_matches(o.span, x.span))
                        && out.iter().any(|o| overlaps(o.span, x.span))
                    {
                        out.push(x.clone());
                    }
                }
                preds.extend(out.into_iter().map(|x| x.prediction(&d.name)));
            }
            let s = score(&gold, &preds);
            println!(
                "| chosen, model words >= {w}, extra rules conf >= {t} | {:.3} | {:.3} | {:.3} | {:.3} |",
                s.content_p, s.content_r, s.content_f1, s.speaker_acc
            );
        }
    }
    if std::env::var_os("ALL_POLICIES").is_none() {
        return;
    }
    for p in &policies {
        let mut preds = Vec::new();
        for d in &gold {
            let r = rules.get(&d.name).unwrap_or(&empty);
            let m = model.get(&d.name).unwrap_or(&empty);
            let out = apply(p, r, m, arts.get(&d.name).unwrap_or(&noart));
            preds.extend(out.into_iter().map(|x| x.prediction(&d.name)));
        }
        let s = score(&gold, &preds);
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            p.name, s.content_p, s.content_r, s.content_f1, s.speaker_acc
        );
    }
}
