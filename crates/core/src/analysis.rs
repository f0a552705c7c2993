//! The output of the pipeline: quotes with their cue, speaker and addressee.

use crate::doc::Span;
use serde::{Deserialize, Serialize};

/// How a statement is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// The whole statement is inside quote marks.
    Direct,
    /// Reported speech that contains quoted words.
    Mixed,
    /// Reported speech with no quote marks.
    Indirect,
    /// A `Speaker: 'quote'` headline.
    Headline,
}

/// How the speaker was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// The mention names the speaker.
    Named,
    /// A pronoun resolved to an earlier named entity.
    Pronoun,
    /// An organisation, place or role standing for the speaker ("the Kremlin").
    Nominal,
    /// Nobody in the text fits; no guess is made.
    Unresolved,
}

/// Who said it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// The words in the text that refer to the speaker.
    pub mention: Option<Span>,
    /// The canonical name of the speaker within the article, when resolved.
    pub name: Option<String>,
    /// How the speaker was found.
    pub resolution: Resolution,
}

impl Speaker {
    /// A speaker that the text does not identify.
    pub fn unresolved(mention: Option<Span>) -> Self {
        Speaker {
            mention,
            name: None,
            resolution: Resolution::Unresolved,
        }
    }
}

/// One attributed statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Direct, mixed, indirect or headline.
    pub kind: QuoteKind,
    /// What was said: the quoted words without their marks, or the reported clause. A
    /// quote broken by its attribution (`"A," X said. "B."`) is one statement whose
    /// content is its extent, from A's first word to B's last (PolNeAR's definition);
    /// its pieces are in `fragments`.
    pub content: Span,
    /// The quoted pieces of a content broken by its attribution (A and B above), in
    /// text order; empty when the content is one piece.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fragments: Vec<Span>,
    /// The reporting words ("said", "according to", ":").
    pub cue: Option<Span>,
    /// Who said it.
    pub speaker: Speaker,
    /// To whom it was said ("reporters" in "told reporters").
    pub addressee: Option<Span>,
    /// How sure the pipeline is of the attribution, in [0, 1].
    pub confidence: f32,
}

/// What kind of non-article text was found pasted into the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// A photo caption pasted as prose.
    PhotoCaption,
    /// A sentence cut off in the middle.
    TruncatedSentence,
    /// An author line ("• Leroy Wright").
    Byline,
    /// Share/subscribe/read-more boilerplate.
    Boilerplate,
}

/// A span of the text that is not article prose; no quote is taken from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    /// What it is.
    pub kind: ArtifactKind,
    /// Where it is.
    pub span: Span,
}

/// Everything whosaid found in one article: the JSON record written per article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The document's id.
    pub id: String,
    /// Attributed statements in text order.
    pub quotes: Vec<Quote>,
    /// Pasted non-article text that was set aside.
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
}
