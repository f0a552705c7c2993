//! The seed scorer: a faithful port of `../shared/seed/score.py`.
//!
//! Every required gold quote must be found — the output quote with the highest word-overlap
//! ratio (first one on ties) must share at least half of the larger word set — and carry the
//! right canonical speaker (the last word of the gold speaker inside the predicted one; no
//! speaker, or an unresolved one, where the gold has none; anything where the gold is
//! ambiguous). Each output quote taking half its words from an artifact costs one point.
//! It prints up to five misses and the line `seed: OK/REQ required quotes right, N quotes
//! output`; it passes when OK = REQ.

use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Errors while loading the seed gold.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The gold file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The gold file is not the expected JSON.
    #[error("{path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// One hand-annotated statement of the seed article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeedQuote {
    /// `direct`, `mixed`, `indirect` or `headline`.
    pub kind: String,
    /// The content: an exact substring of the article.
    pub content: String,
    /// The canonical speaker, or none when the text never names one.
    pub speaker: Option<String>,
    /// The words in the text that refer to the speaker.
    #[serde(default)]
    pub mention: Option<String>,
    /// `named`, `pronoun`, `nominal`, `unresolved` or `ambiguous`.
    pub resolution: String,
    /// The reporting words.
    #[serde(default)]
    pub cue: Option<String>,
    /// False for borderline statements a system may or may not report.
    pub required: bool,
}

/// A piece of non-article text pasted into the seed article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeedArtifact {
    /// `photo_caption`, `truncated_sentence`, `byline`.
    pub kind: String,
    /// Its words.
    pub text: String,
}

/// The seed gold file (`us-russia-relations.gold.json`); other fields are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SeedGold {
    /// The article's file name, next to the gold file.
    pub document: String,
    /// Every attributed statement.
    pub quotes: Vec<SeedQuote>,
    /// The pasted non-article texts.
    #[serde(default)]
    pub artifacts: Vec<SeedArtifact>,
}

/// Loads the seed gold.
pub fn load_gold(path: &Path) -> Result<SeedGold, SeedError> {
    let text = std::fs::read_to_string(path).map_err(|source| SeedError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_gold(&text).map_err(|source| SeedError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the seed gold from its JSON text.
pub fn parse_gold(text: &str) -> Result<SeedGold, serde_json::Error> {
    serde_json::from_str(text)
}

/// The quotes of every whosaid record in a JSON Lines output, as the scorer collects them:
/// unparsable lines and lines without a `quotes` array are skipped.
pub fn quotes_from_jsonl(output: &str) -> Vec<Value> {
    let mut quotes = Vec::new();
    // Python's universal newlines: `\r` ends a line too.
    for line in output.split(['\n', '\r']) {
        if let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line) {
            if let Some(Value::Array(qs)) = record.get("quotes") {
                quotes.extend(qs.iter().cloned());
            }
        }
    }
    quotes
}

/// The outcome of scoring the seed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeedOutcome {
    /// Required quotes right, minus one per quote taken from an artifact.
    pub ok: i64,
    /// Required quotes.
    pub required: usize,
    /// Quotes in the output.
    pub quotes: usize,
    /// Every miss, in the scorer's order (it prints the first five).
    pub misses: Vec<String>,
}

impl SeedOutcome {
    /// True when every required quote is right and none was taken from an artifact.
    pub fn passed(&self) -> bool {
        self.ok == self.required as i64
    }

    /// The lines the scorer prints.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self.misses.iter().take(5).cloned().collect();
        out.push(format!(
            "seed: {}/{} required quotes right, {} quotes output",
            self.ok, self.required, self.quotes
        ));
        out
    }
}

const STRIP: &[char] = &['"', '“', '”', '‘', '’', '\'', '.', ',', ':', ';'];

/// The scorer's words: whitespace-split, edge quote marks and `.,:;` stripped, lowercased.
pub fn words(s: &str) -> Vec<String> {
    crate::polnear::py_split(s)
        .map(|w| w.trim_matches(STRIP))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn word_set(s: &str) -> HashSet<String> {
    words(s).into_iter().collect()
}

/// A quote's content words: the string itself, or the `text` of a content object.
pub fn content_of(q: &Value) -> &str {
    match q.get("content") {
        Some(Value::String(s)) => s,
        Some(Value::Object(o)) => o.get("text").and_then(Value::as_str).unwrap_or(""),
        _ => "",
    }
}

/// A quote's speaker: the string itself, or the first string among the speaker object's
/// `canonical`, `name`, `entity`, `mention`, `text`.
pub fn speaker_of(q: &Value) -> &str {
    match q.get("speaker") {
        Some(Value::String(s)) => s,
        Some(Value::Object(o)) => ["canonical", "name", "entity", "mention", "text"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .unwrap_or(""),
        _ => "",
    }
}

/// The first `n` code points of `s` (Python's `s[:n]`).
fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Python's `repr()` of a string.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !py_printable(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one char, for the categories news text meets: control
/// characters, separators other than the space, and the common format characters are not.
fn py_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let n = c as u32;
    !matches!(n,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb
        | 0xe000..=0xf8ff)
}

/// Scores output quotes (as [`quotes_from_jsonl`] collects them) against the seed gold.
pub fn score(gold: &SeedGold, quotes: &[Value]) -> SeedOutcome {
    let sets: Vec<HashSet<String>> = quotes.iter().map(|q| word_set(content_of(q))).collect();
    let mut ok: i64 = 0;
    let mut required = 0;
    let mut misses = Vec::new();
    for g in gold.quotes.iter().filter(|g| g.required) {
        required += 1;
        let gw = word_set(&g.content);
        // max() keeps the first of equal keys.
        let mut best: Option<(usize, f64)> = None;
        for (k, qw) in sets.iter().enumerate() {
            let inter = gw.intersection(qw).count();
            let key = inter as f64 / gw.len().max(qw.len()).max(1) as f64;
            match best {
                Some((_, b)) if key <= b => {}
                _ => best = Some((k, key)),
            }
        }
        let hit = best.filter(|&(k, _)| {
            let qw = &sets[k];
            gw.intersection(qw).count() as f64 >= 0.5 * gw.len().max(qw.len()) as f64
        });
        let Some((k, _)) = hit else {
            misses.push(format!("missed: {}", head(&g.content, 40)));
            continue;
        };
        let q = &quotes[k];
        let sp = speaker_of(q);
        if g.resolution == "ambiguous" {
            ok += 1;
        } else if let Some(gs) = &g.speaker {
            let last = crate::polnear::py_split(gs).last().unwrap_or("");
            if !sp.is_empty() && sp.to_lowercase().contains(&last.to_lowercase()) {
                ok += 1;
            } else {
                misses.push(format!(
                    "speaker {} != {} for: {}",
                    py_repr(sp),
                    py_repr(gs),
                    head(&g.content, 30)
                ));
            }
        } else {
            let dumped = serde_json::to_string(q.get("speaker").unwrap_or(&Value::Null))
                .unwrap_or_default()
                .to_lowercase();
            if sp.is_empty() || dumped.contains("unresolved") {
                ok += 1;
            } else {
                misses.push(format!(
                    "invented speaker {} for: {}",
                    py_repr(sp),
                    head(&g.content, 30)
                ));
            }
        }
    }
    for a in &gold.artifacts {
        let aw = word_set(&a.text);
        for (q, qw) in quotes.iter().zip(&sets) {
            if !qw.is_empty() && aw.intersection(qw).count() as f64 >= 0.5 * qw.len() as f64 {
                misses.push(format!(
                    "quote taken from the {}: {}",
                    a.kind,
                    head(content_of(q), 30)
                ));
                ok -= 1;
            }
        }
    }
    SeedOutcome {
        ok,
        required,
        quotes: quotes.len(),
        misses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold() -> SeedGold {
        serde_json::from_value(json!({
            "document": "a.txt",
            "quotes": [
                {"kind": "direct", "content": "We will win this war", "speaker": "Sergey Lavrov", "mention": "Lavrov", "resolution": "named", "required": true},
                {"kind": "direct", "content": "nobody knows", "speaker": null, "mention": "she", "resolution": "unresolved", "required": true},
                {"kind": "direct", "content": "maybe", "speaker": null, "resolution": "ambiguous", "required": false}
            ],
            "artifacts": [{"kind": "byline", "text": "• Leroy Wright"}]
        }))
        .unwrap()
    }

    #[test]
    fn words_strip_marks_and_case() {
        assert_eq!(words("“We,  WIN.” '' ok"), vec!["we", "win", "ok"]);
    }

    #[test]
    fn passes_and_fails_like_the_scorer() {
        let out = r#"{"id": "a", "quotes": [{"content": {"text": "We will win this war"}, "speaker": {"mention": {"text": "he"}, "name": "Sergey Lavrov", "resolution": "pronoun"}}, {"content": "nobody knows", "speaker": {"name": null, "resolution": "unresolved"}}]}"#;
        let r = score(&gold(), &quotes_from_jsonl(out));
        assert!(r.passed(), "{r:?}");
        assert_eq!(
            r.lines(),
            vec!["seed: 2/2 required quotes right, 2 quotes output"]
        );

        let out = "garbage\n{\"id\": \"a\", \"quotes\": [{\"content\": \"we will win\", \"speaker\": \"Putin\"}, {\"content\": \"Leroy Wright\"}]}\n";
        let r = score(&gold(), &quotes_from_jsonl(out));
        assert!(!r.passed());
        assert_eq!(
            r.lines(),
            vec![
                "speaker 'Putin' != 'Sergey Lavrov' for: We will win this war",
                "missed: nobody knows",
                "quote taken from the byline: Leroy Wright",
                "seed: -1/2 required quotes right, 2 quotes output",
            ]
        );
    }

    #[test]
    fn repr_like_python() {
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("x\u{a0}y\n"), "'x\\xa0y\\n'");
        assert_eq!(py_repr("Мосва"), "'Мосва'");
    }
}
