//! The pipeline: the ordered stages that turn a [`Document`] into an [`Analysis`].

use crate::analysis::Analysis;
use crate::doc::Document;

/// Finds every attributed statement in `doc`.
pub fn analyze(doc: &Document) -> Analysis {
    Analysis {
        id: doc.id.clone(),
        quotes: Vec::new(),
        artifacts: Vec::new(),
    }
}
