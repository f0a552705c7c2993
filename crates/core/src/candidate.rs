//! Candidate attributions: what the rule stage and the learned tagger propose, in token
//! indices, before the two are merged and speakers are resolved.

use std::ops::Range;

/// Which stage proposed a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The rule stage (quote marks, cue verbs, "according to", headlines).
    Rule,
    /// The learned sequence tagger.
    Model,
}

/// One proposed attribution relation; all ranges index the document's token vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The tokens of what was said (for a direct quote: inside the marks).
    pub content: Range<usize>,
    /// The tokens of the reporting words, if found.
    pub cue: Option<Range<usize>>,
    /// The tokens of the speaker mention, if found.
    pub source: Option<Range<usize>>,
    /// The tokens of the addressee ("reporters" in "told reporters"), if found.
    pub addressee: Option<Range<usize>>,
    /// The proposer's confidence in [0, 1].
    pub score: f32,
    /// Who proposed it.
    pub origin: Origin,
}
