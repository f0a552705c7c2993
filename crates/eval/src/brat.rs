//! Reading PolNeAR's brat standoff annotations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Errors while loading gold annotations.
#[derive(Debug, thiserror::Error)]
pub enum BratError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line could not be parsed.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
}

/// A labelled text-bound annotation (`T` line); offsets are char offsets, one range per fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBound {
    /// `Source`, `Cue`, `Content`, …
    pub label: String,
    /// Fragments as `[start, end)` code-point offsets.
    pub fragments: Vec<(usize, usize)>,
    /// The annotated words as brat stores them.
    pub text: String,
}

impl TextBound {
    /// From the first fragment's start to the last fragment's end.
    pub fn extent(&self) -> (usize, usize) {
        let a = self.fragments.first().map(|f| f.0).unwrap_or(0);
        let b = self.fragments.last().map(|f| f.1).unwrap_or(a);
        (a, b)
    }
}

/// One attribution relation (`E` line) with its parts resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// What was said.
    pub content: TextBound,
    /// The reporting words, if annotated.
    pub cue: Option<TextBound>,
    /// The speaker mention, if annotated.
    pub source: Option<TextBound>,
}

/// The relations one annotator marked in one article.
#[derive(Debug, Clone)]
pub struct AnnotatorSet {
    /// The annotator's id (suffix of the `.ann` file name).
    pub annotator: String,
    /// Relations that have a Content, in file order.
    pub relations: Vec<Relation>,
}

/// One gold article: its text and every annotator's relations.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    /// File name of the text (`NAME.txt`).
    pub name: String,
    /// The article text.
    pub text: String,
    /// One entry per `.ann` file of this article.
    pub annotators: Vec<AnnotatorSet>,
}

/// Parses the contents of one `.ann` file.
pub fn parse_ann(path: &Path, content: &str) -> Result<Vec<Relation>, BratError> {
    let mut bounds: HashMap<&str, TextBound> = HashMap::new();
    let mut events: Vec<Vec<(&str, &str)>> = Vec::new();
    for (n, line) in content.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let err = |message: String| BratError::Parse {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        if cols[0].starts_with('T') && cols.len() >= 2 {
            let (label, pos) = cols[1]
                .split_once(' ')
                .ok_or_else(|| err("text-bound without offsets".into()))?;
            let mut fragments = Vec::new();
            for part in pos.split(';') {
                let mut it = part.split_whitespace();
                let a = it.next().and_then(|x| x.parse().ok());
                let b = it.next().and_then(|x| x.parse().ok());
                match (a, b) {
                    (Some(a), Some(b)) => fragments.push((a, b)),
                    _ => return Err(err(format!("bad offsets {part:?}"))),
                }
            }
            bounds.insert(
                cols[0],
                TextBound {
                    label: label.to_string(),
                    fragments,
                    text: cols.get(2).copied().unwrap_or("").to_string(),
                },
            );
        } else if cols[0].starts_with('E') && cols.len() >= 2 {
            events.push(
                cols[1]
                    .split_whitespace()
                    .filter_map(|p| p.split_once(':'))
                    .collect(),
            );
        }
    }
    let mut out = Vec::new();
    for ev in events {
        // A role given twice keeps its last value, as in the reference scorer's dict.
        let get = |role: &str| {
            ev.iter()
                .rev()
                .find(|(r, _)| *r == role)
                .and_then(|(_, id)| bounds.get(id))
                .cloned()
        };
        if let Some(content) = get("Content") {
            out.push(Relation {
                content,
                cue: get("Cue"),
                source: get("Source"),
            });
        }
    }
    Ok(out)
}

/// Loads a PolNeAR split (`DIR/text/*.txt`, `DIR/attributions/*_ANNOTATOR.ann`), sorted by name.
pub fn load_split(dir: &Path) -> Result<Vec<GoldDoc>, BratError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BratError::Io { path, source }
    };
    let ann_dir = dir.join("attributions");
    let mut anns: Vec<PathBuf> = std::fs::read_dir(&ann_dir)
        .map_err(io(&ann_dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "ann").unwrap_or(false))
        .collect();
    anns.sort();
    let mut docs: Vec<GoldDoc> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for ann in anns {
        let stem = ann
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (base, annotator) = stem.rsplit_once('_').unwrap_or((stem.as_str(), ""));
        let name = format!("{base}.txt");
        let content = std::fs::read_to_string(&ann).map_err(io(&ann))?;
        let relations = parse_ann(&ann, &content)?;
        let k = match index.get(&name) {
            Some(&k) => k,
            None => {
                let tp = dir.join("text").join(&name);
                let text = std::fs::read_to_string(&tp).map_err(io(&tp))?;
                docs.push(GoldDoc {
                    name: name.clone(),
                    text,
                    annotators: Vec::new(),
                });
                index.insert(name, docs.len() - 1);
                docs.len() - 1
            }
        };
        docs[k].annotators.push(AnnotatorSet {
            annotator: annotator.to_string(),
            relations,
        });
    }
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_relations_with_fragments() {
        let ann = "T1\tSource 0 3\tHer\nT2\tCue 4 8\tsaid\nT3\tContent 9 12;14 20\tabc def\nT4\tAttribution 4 8\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\nE2\tAttribution:T4 Cue:T2\n";
        let rels = parse_ann(Path::new("x.ann"), ann).unwrap();
        assert_eq!(rels.len(), 1);
        assert_eq!(rels[0].content.fragments, vec![(9, 12), (14, 20)]);
        assert_eq!(rels[0].content.extent(), (9, 20));
        assert_eq!(rels[0].source.as_ref().unwrap().text, "Her");
    }
}
