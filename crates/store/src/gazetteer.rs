//! The user gazetteer: known speakers, their aliases and Wikidata ids.
//!
//! Two formats, chosen by the file extension (`.jsonl`/`.ndjson` is JSON Lines,
//! anything else CSV):
//!
//! **CSV** — one entity per row, columns `name,aliases,wikidata`; `aliases` is a
//! `|`-separated list (may be empty), `wikidata` an id like `Q192190` (may be empty).
//! Fields may be double-quoted (`""` inside quotes is a quote). A first row whose first
//! field is `name` is a header; blank lines and lines starting with `#` are skipped.
//!
//! ```text
//! name,aliases,wikidata
//! Sergei Lavrov,Sergey Lavrov|Sergej Lawrow,Q192190
//! "Clinton, Hillary",Hillary Rodham Clinton,Q6294
//! ```
//!
//! **JSON Lines** — one object per line:
//! `{"name": "Sergei Lavrov", "aliases": ["Sergey Lavrov"], "wikidata": "Q192190"}`
//! (`aliases` and `wikidata` optional).
//!
//! A small example ships as `crates/store/examples/gazetteer.csv`.

use crate::names::GazetteerEntry;
use crate::StoreError;
use serde::Deserialize;
use std::path::Path;

/// Reads a gazetteer file (CSV, or JSON Lines by extension).
pub fn read_gazetteer(path: &Path) -> Result<Vec<GazetteerEntry>, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let jsonl = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"));
    if jsonl {
        parse_jsonl(&text)
    } else {
        parse_csv(&text)
    }
}

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(alias = "canonical")]
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default, alias = "qid")]
    wikidata: Option<String>,
}

/// Parses a JSON Lines gazetteer.
pub fn parse_jsonl(text: &str) -> Result<Vec<GazetteerEntry>, StoreError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let e: JsonEntry = serde_json::from_str(line).map_err(|e| StoreError::Gazetteer {
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(entry(i + 1, e.name, e.aliases, e.wikidata)?);
    }
    Ok(out)
}

fn entry(
    line: usize,
    name: String,
    aliases: Vec<String>,
    wikidata: Option<String>,
) -> Result<GazetteerEntry, StoreError> {
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(StoreError::Gazetteer {
            line,
            message: "empty name".into(),
        });
    }
    Ok(GazetteerEntry {
        name,
        aliases: aliases
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        wikidata: wikidata
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty()),
    })
}

/// Parses a CSV gazetteer (`name,aliases,wikidata`).
pub fn parse_csv(text: &str) -> Result<Vec<GazetteerEntry>, StoreError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields = split_csv_line(line).map_err(|message| StoreError::Gazetteer {
            line: i + 1,
            message,
        })?;
        if out.is_empty() && fields.first().is_some_and(|f| f.trim() == "name") {
            continue;
        }
        if fields.len() > 3 {
            return Err(StoreError::Gazetteer {
                line: i + 1,
                message: format!("expected at most 3 fields, found {}", fields.len()),
            });
        }
        let mut it = fields.into_iter();
        let name = it.next().unwrap_or_default();
        let aliases = it
            .next()
            .map(|a| a.split('|').map(str::to_string).collect())
            .unwrap_or_default();
        out.push(entry(i + 1, name, aliases, it.next())?);
    }
    Ok(out)
}

/// Splits one CSV line into fields (RFC 4180 quoting within the line).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && at_start {
            quoted = true;
            at_start = false;
        } else if c == ',' {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
        } else {
            cur.push(c);
            at_start = false;
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    fields.push(cur);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_quotes_and_comments() {
        let g = parse_csv(
            "name,aliases,wikidata\n# comment\nSergei Lavrov,Sergey Lavrov|Sergej Lawrow,Q192190\n\n\"Clinton, Hillary\",,\n",
        )
        .expect("valid csv");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].aliases, vec!["Sergey Lavrov", "Sergej Lawrow"]);
        assert_eq!(g[0].wikidata.as_deref(), Some("Q192190"));
        assert_eq!(g[1].name, "Clinton, Hillary");
        assert!(g[1].aliases.is_empty());
        assert_eq!(g[1].wikidata, None);
    }

    #[test]
    fn bad_csv_names_the_line() {
        let e = parse_csv("a,b,c,d\n").expect_err("too many fields");
        assert!(e.to_string().contains("line 1"), "{e}");
        assert!(parse_csv("\"open,x\n").is_err());
    }

    #[test]
    fn jsonl() {
        let g = parse_jsonl(
            "{\"name\":\"A B\",\"aliases\":[\"B\"],\"wikidata\":\"Q1\"}\n{\"name\":\"C\"}\n",
        )
        .expect("valid jsonl");
        assert_eq!(g.len(), 2);
        assert_eq!(g[1].wikidata, None);
        assert!(parse_jsonl("{\"aliases\":[]}").is_err());
    }

    #[test]
    fn shipped_example_parses() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gazetteer.csv");
        let g = read_gazetteer(&p).expect("example gazetteer");
        assert!(g.iter().any(|e| e.wikidata.as_deref() == Some("Q192190")));
    }
}
