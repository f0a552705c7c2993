//! # whosaid-core
//!
//! The pure core of whosaid: it reads one news article and finds every attributed
//! statement in it — the quotation (or reported clause), its cue, its speaker resolved
//! to one canonical name, and the addressee. No I/O happens here: callers hand in a
//! [`Document`] and get back an [`Analysis`].
//!
//! ```
//! use whosaid_core::{analyze, Document};
//! let doc = Document::new("a1", "\"We will win,\" Smith said.");
//! let analysis = analyze(&doc);
//! assert_eq!(analysis.id, "a1");
//! ```
//!
//! Every offset is a byte offset into the original UTF-8 text, with the matching
//! Unicode code-point offset beside it (see [`Span`]).

pub mod analysis;
pub mod artifacts;
mod cache;
pub mod candidate;
pub mod confidence;
pub mod doc;
pub mod filter;
pub mod layout;
pub mod lexicon;
mod packing;
pub mod pipeline;
pub mod quotes;
pub mod refine;
pub mod speakers;
pub mod tagger;
pub mod text;
pub mod wordclass;

pub use analysis::{Analysis, Artifact, ArtifactKind, Quote, QuoteKind, Resolution, Speaker};
pub use doc::{CharMap, Document, Span};
pub use pipeline::analyze;
