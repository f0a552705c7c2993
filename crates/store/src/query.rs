//! Search over quotations and the speaker list.

use crate::names::{first_names_compatible, name_key, NameParts};
use crate::norm::{day, index_tag};
use crate::schema::quote_text_sql;
use crate::{Result, Store, StoreError};
use rusqlite::types::Value;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A search: full-text terms plus filters. Build with [`SearchQuery::new`] and set fields.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Words to find in the quotation (all must occur; stemmed, case- and
    /// accent-insensitive). `"double-quoted parts"` are phrases, a trailing `*` makes a
    /// prefix. Empty matches every quote.
    pub text: String,
    /// Only quotes of the speaker known by this name (any alias; see
    /// [`Store::find_speakers`]).
    pub speaker: Option<String>,
    /// Only quotes from articles dated on or after this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only quotes from articles dated on or before this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Only quotes from this outlet (case-insensitive).
    pub source: Option<String>,
    /// Only quotes of this kind (`direct`, `mixed`, `indirect`, `headline`).
    pub kind: Option<String>,
    /// At most this many hits.
    pub limit: usize,
}

impl SearchQuery {
    /// A query for `text` with no filters and a limit of 20.
    pub fn new(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            limit: 20,
            ..Default::default()
        }
    }
}

/// One quote found by [`Store::search`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Row id of the quote occurrence.
    pub quote_id: i64,
    /// Id of the deduplicated quotation (see export's `quoteID`).
    pub group_id: Option<i64>,
    /// The quotation.
    pub quotation: String,
    /// `direct`, `mixed`, `indirect` or `headline`.
    pub kind: String,
    /// The canonical speaker, when resolved.
    pub speaker: Option<String>,
    /// The speaker entity's id.
    pub speaker_id: Option<i64>,
    /// The speaker's name as the article resolved it.
    pub speaker_name: Option<String>,
    /// The words that refer to the speaker.
    pub mention: Option<String>,
    /// The reporting words.
    pub cue: Option<String>,
    /// Confidence of the attribution.
    pub confidence: f64,
    /// The article's id.
    pub article: String,
    /// The article's URL.
    pub url: Option<String>,
    /// The article's title.
    pub title: Option<String>,
    /// The article's date as given.
    pub date: Option<String>,
    /// The outlet.
    pub source: Option<String>,
}

/// A speaker with its counts, aliases and titles, from [`Store::speakers`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerSummary {
    /// Entity id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// Wikidata id from the gazetteer.
    pub wikidata: Option<String>,
    /// Quote occurrences attributed.
    pub quotes: u64,
    /// Articles quoting the speaker (summed over its name keys, so an article that names
    /// one person in two ways the per-article resolver did not join counts twice).
    pub articles: u64,
    /// Other names seen, most frequent first.
    pub aliases: Vec<String>,
    /// Roles seen before the name, most frequent first.
    pub titles: Vec<String>,
}

/// Turns user words into FTS5 terms: phrases and words quoted (so no FTS5 syntax error is
/// possible), a trailing `*` kept as a prefix marker. A quote matches when it has all.
pub fn fts_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for (i, part) in text.split('"').enumerate() {
        if i % 2 == 1 {
            let words: Vec<String> = part.split_whitespace().map(clean_word).collect();
            let words: Vec<String> = words.into_iter().filter(|w| !w.is_empty()).collect();
            if !words.is_empty() {
                terms.push(format!("\"{}\"", words.join(" ")));
            }
            continue;
        }
        for w in part.split_whitespace() {
            let prefix = w.ends_with('*');
            let c = clean_word(w);
            if !c.is_empty() {
                terms.push(format!("\"{c}\"{}", if prefix { "*" } else { "" }));
            }
        }
    }
    terms
}

/// An FTS5 filter on `column`: any of `values` as its [`index_tag`] token, or None when
/// there are none.
fn tag_any(column: &str, prefix: char, values: &[String]) -> Option<String> {
    let tags: Vec<String> = values.iter().map(|v| index_tag(prefix, v)).collect();
    (!tags.is_empty()).then(|| format!("{column} : ({})", tags.join(" OR ")))
}

fn clean_word(w: &str) -> String {
    w.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_day(what: &str, d: &Option<String>) -> Result<Option<String>> {
    match d {
        None => Ok(None),
        Some(s) => day(s)
            .map(Some)
            .ok_or_else(|| StoreError::Query(format!("{what}: expected YYYY-MM-DD, got {s:?}"))),
    }
}

/// [`Store::search`] ranks by relevance when each of its words is in at most this many
/// quotes; with a more common word, newest first. (FTS5's BM25 counts the quotes of every
/// term to weigh it, which for a word in millions of quotes costs seconds.)
pub const RANK_MAX: i64 = 2000;

impl Store {
    /// The speaker entities known by `name`: those with `name` among their aliases (or
    /// name keys), only the most quoted of them for a one-word name; failing that, those
    /// whose full name is compatible with it by the clustering rules (same surname,
    /// compatible first name; a surname alone picks the most quoted speaker with that
    /// surname). Ids, most quoted first.
    pub fn find_speakers(&self, name: &str) -> Result<Vec<i64>> {
        let key = name_key(name);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT s.id FROM speakers s WHERE s.id IN (
                 SELECT speaker_id FROM aliases WHERE norm = ?1
                 UNION SELECT speaker_id FROM name_map WHERE key = ?1)
             ORDER BY s.quotes DESC, s.id",
        )?;
        let mut ids: Vec<i64> = st
            .query_map([&key], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !ids.is_empty() {
            // A surname alone means its dominant speaker, as in the clustering.
            if !key.contains(' ') {
                ids.truncate(1);
            }
            return Ok(ids);
        }
        let Some(parts) = NameParts::of_key(&key) else {
            return Ok(Vec::new());
        };
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT a.speaker_id, a.norm, s.quotes FROM aliases a
             JOIN speakers s ON s.id = a.speaker_id
             WHERE a.norm = ?1 OR a.norm LIKE '% ' || ?1
             ORDER BY s.quotes DESC, a.speaker_id",
        )?;
        let mut found = Vec::new();
        let rows = st.query_map([&parts.surname], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, norm) = row?;
            let ok = match (&parts.first, NameParts::of_key(&norm).and_then(|p| p.first)) {
                (Some(a), Some(b)) => first_names_compatible(a, &b),
                (None, _) => true,
                (Some(_), None) => false,
            };
            if ok && !found.contains(&id) {
                found.push(id);
                if parts.first.is_none() {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// True when sorting the `speaker_quotes` quotes of a speaker filter reads fewer rows
    /// than walking the corpus newest first until `limit` of them are found (about
    /// `limit × all quotes / speaker_quotes` rows).
    fn few_enough_to_sort(&self, speaker_quotes: Option<i64>, limit: i64) -> Result<bool> {
        let Some(n) = speaker_quotes else {
            return Ok(false);
        };
        let all: i64 = self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM quotes", [], |r| r.get(0))?;
        Ok(n.saturating_mul(n) <= limit.max(1).saturating_mul(all))
    }

    /// True when each of `terms` is in at most [`RANK_MAX`] quotes (a count that stops
    /// there, so it costs little whatever the word).
    fn all_rare(&self, terms: &[String]) -> Result<bool> {
        let mut st = self.conn.prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ?1 LIMIT ?2)",
        )?;
        for t in terms {
            let n: i64 = st.query_row(
                rusqlite::params![format!("content : {t}"), RANK_MAX + 1],
                |r| r.get(0),
            )?;
            if n > RANK_MAX {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Finds quotes. With words to match: best match first (FTS5 BM25) when each word is
    /// in at most 2,000 quotes (`RANK_MAX`), newest first (last ingested) when one is more
    /// common, since ranking every match of a very common word costs more than it tells.
    /// Without words: newest article first. Brings the speaker tables up to date first
    /// when ingest left them stale.
    pub fn search(&mut self, q: &SearchQuery) -> Result<Vec<Hit>> {
        self.ensure_canonical()?;
        let mut conds: Vec<String> = Vec::new();
        // ?1 is the FTS5 expression (set below, once the filters are known).
        let mut args: Vec<Value> = vec![Value::Null];
        let terms = fts_terms(&q.text);
        // Words that are all punctuation or symbols ("💥", "-") match nothing the index
        // holds; listing every quote instead would answer another question.
        if terms.is_empty() && !q.text.trim().is_empty() {
            return Err(StoreError::Query(format!(
                "{:?} has no word to search for (letters or digits); leave the words out to \
                 list quotes by the filters alone",
                q.text
            )));
        }
        // Filters the index can apply too: `who` holds a token for the quote's speaker key,
        // `outlet` one for its article's outlet. The exact checks stay in SQL (the tokens
        // are hashes and fold case beyond ASCII), the index narrows the walk.
        let mut index_filters: Vec<String> = Vec::new();
        // Quotes of the speaker filter, to choose what drives a search without words.
        let mut speaker_quotes: Option<i64> = None;
        if let Some(name) = &q.speaker {
            let ids = self.find_speakers(name)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            let list = list.join(",");
            speaker_quotes = Some(self.conn.query_row(
                &format!("SELECT coalesce(sum(quotes), 0) FROM speakers WHERE id IN ({list})"),
                [],
                |r| r.get(0),
            )?);
            let keys: Vec<String> = {
                let mut st = self.conn.prepare_cached(&format!(
                    "SELECT key FROM name_map WHERE speaker_id IN ({list})"
                ))?;
                let rows = st.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            match tag_any("who", 'k', &keys) {
                Some(f) => index_filters.push(f),
                // A speaker entity always has a name key; without one nothing is its.
                None => return Ok(Vec::new()),
            }
            conds.push(format!(
                "q.speaker_key IN (SELECT key FROM name_map WHERE speaker_id IN ({list}))"
            ));
        }
        if let Some(d) = check_day("--from", &q.from)? {
            args.push(Value::Text(d));
            conds.push(format!("a.day >= ?{}", args.len()));
        }
        if let Some(d) = check_day("--to", &q.to)? {
            args.push(Value::Text(d));
            conds.push(format!("a.day <= ?{}", args.len()));
        }
        if let Some(s) = &q.source {
            if let Some(f) = tag_any("outlet", 'o', std::slice::from_ref(s)) {
                index_filters.push(f);
            }
            args.push(Value::Text(s.clone()));
            conds.push(format!("a.source = ?{} COLLATE NOCASE", args.len()));
        }
        if let Some(k) = &q.kind {
            let k = k.to_lowercase();
            if !["direct", "mixed", "indirect", "headline"].contains(&k.as_str()) {
                return Err(StoreError::Query(format!(
                    "--kind: expected direct, mixed, indirect or headline, got {k:?}"
                )));
            }
            args.push(Value::Text(k));
            conds.push(format!("q.kind = ?{}", args.len()));
        }
        // Rank when every word is rare: the matches of the words alone are then few, and
        // are ranked on the words alone, then kept when they match the filters too (see
        // ranked_hits). Otherwise walk the matches of the words and the filters the index
        // can apply, newest first.
        let ranked = !terms.is_empty() && self.all_rare(&terms)?;
        let words = format!("content : ({})", terms.join(" "));
        // The words with the filters the index can apply.
        let filtered = std::iter::once(words.clone())
            .chain(index_filters.iter().cloned())
            .collect::<Vec<_>>()
            .join(" AND ");
        let fts = (!terms.is_empty()).then(|| if ranked { words } else { filtered.clone() });
        if let Some(f) = &fts {
            args[0] = Value::Text(f.clone());
        } else if !index_filters.is_empty() {
            // No words: the filters alone, for a speaker's quotes sorted by date.
            args[0] = Value::Text(index_filters.join(" AND "));
        }
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        args.push(Value::Integer(limit));
        let limit_arg = args.len();

        let columns = format!(
            "SELECT q.id, q.group_id, {}, q.kind, s.canonical, s.id,
                    q.speaker_name, {}, {}, q.confidence, a.doc_id, a.url, a.title,
                    a.date, a.source",
            quote_text_sql("content"),
            quote_text_sql("mention"),
            quote_text_sql("cue")
        );
        let columns = columns.as_str();
        let joins = "JOIN articles a ON a.id = q.article_id
             LEFT JOIN name_map m ON m.key = q.speaker_key
             LEFT JOIN speakers s ON s.id = m.speaker_id";
        if let (true, Some(f)) = (ranked, &fts) {
            let filtered = (!index_filters.is_empty()).then_some(filtered.as_str());
            return self.ranked_hits(f, filtered, columns, joins, &conds, args, q.limit);
        }
        let (from, order) = match &fts {
            // Without words, newest article first: the speaker's quotes sorted when they are
            // few, else the articles walked newest first (by the day index) until enough
            // quotes pass — whichever reads fewer rows.
            None if self.few_enough_to_sort(speaker_quotes, limit)? => {
                conds.push(
                    "q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?1)".into(),
                );
                (format!("FROM quotes q {joins}"), "a.day DESC, q.id DESC")
            }
            None => (
                "FROM articles a CROSS JOIN quotes q ON q.article_id = a.id
                 LEFT JOIN name_map m ON m.key = q.speaker_key
                 LEFT JOIN speakers s ON s.id = m.speaker_id"
                    .to_string(),
                "a.day DESC, q.id DESC",
            ),
            Some(_) => {
                if conds.is_empty() {
                    conds.push(format!(
                        "q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?1
                         ORDER BY rowid DESC LIMIT ?{limit_arg})"
                    ));
                    (format!("FROM quotes q {joins}"), "q.id DESC")
                } else {
                    // Walk the matches newest first until enough pass the filters (the
                    // speaker and outlet filters are in the match already).
                    conds.push("quotes_fts MATCH ?1".into());
                    (
                        format!("FROM quotes_fts f JOIN quotes q ON q.id = f.rowid {joins}"),
                        "f.rowid DESC",
                    )
                }
            }
        };
        let mut sql = format!("{columns} {from}");
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY {order} LIMIT ?{limit_arg}"));

        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args), hit_of)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The ranked search: the matches of the words (few, see [`RANK_MAX`]) best first by
    /// BM25 from the index alone, kept when they also match `filtered` (the words with the
    /// speaker and outlet filters, also from the index), then rows read and checked in
    /// that order, a growing slice at a time, until `limit` pass — so a query reads about
    /// `limit` quotes, not every match. (BM25 is computed on the words alone: over the
    /// filters it would count every quote of the speaker to weigh them.)
    #[allow(clippy::too_many_arguments)]
    fn ranked_hits(
        &self,
        fts: &str,
        filtered: Option<&str>,
        columns: &str,
        joins: &str,
        conds: &[String],
        args: Vec<Value>,
        limit: usize,
    ) -> Result<Vec<Hit>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?1
                 ORDER BY bm25(quotes_fts, 1.0, 0.0, 0.0), rowid",
            )?
            .query_map([fts], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let ids = match filtered {
            None => ids,
            Some(f) => {
                let keep: HashSet<i64> = self
                    .conn
                    .prepare_cached("SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?1")?
                    .query_map([f], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                ids.into_iter().filter(|i| keep.contains(i)).collect()
            }
        };
        let mut hits = Vec::with_capacity(limit.min(ids.len()));
        let mut at = 0;
        let mut step = limit.max(1);
        while at < ids.len() && hits.len() < limit {
            let part = &ids[at..(at + step).min(ids.len())];
            let list: Vec<String> = part.iter().map(|i| i.to_string()).collect();
            let mut sql = format!(
                "{columns} FROM quotes q {joins} WHERE q.id IN ({})",
                list.join(",")
            );
            for c in conds {
                sql.push_str(" AND ");
                sql.push_str(c);
            }
            let mut st = self.conn.prepare(&sql)?;
            // Parameters are numbered across the whole search; bind those this SQL uses.
            let used = st.parameter_count();
            let mut found: HashMap<i64, Hit> = st
                .query_map(rusqlite::params_from_iter(args.iter().take(used)), hit_of)?
                .map(|h| h.map(|h| (h.quote_id, h)))
                .collect::<rusqlite::Result<_>>()?;
            for id in part {
                if let Some(h) = found.remove(id) {
                    if hits.len() < limit {
                        hits.push(h);
                    }
                }
            }
            at += part.len();
            step = step.saturating_mul(2);
        }
        Ok(hits)
    }

    /// The most quoted speakers, with their aliases and titles.
    pub fn speakers(&mut self, limit: usize) -> Result<Vec<SpeakerSummary>> {
        self.ensure_canonical()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut st = self.conn.prepare(
            "SELECT s.id, s.canonical, s.wikidata, s.quotes,
                (SELECT coalesce(sum(sa.articles), 0) FROM name_map m
                   JOIN speaker_articles sa ON sa.key = m.key WHERE m.speaker_id = s.id)
             FROM speakers s ORDER BY s.quotes DESC, s.canonical LIMIT ?1",
        )?;
        let rows: Vec<(i64, String, Option<String>, i64, i64)> = st
            .query_map([limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut aliases_st = self.conn.prepare(
            "SELECT alias FROM aliases WHERE speaker_id = ?1 ORDER BY count DESC, alias",
        )?;
        let mut titles_st = self
            .conn
            .prepare("SELECT title FROM titles WHERE speaker_id = ?1 ORDER BY count DESC, title")?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, wikidata, quotes, articles) in rows {
            let aliases: Vec<String> = aliases_st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?
                .into_iter()
                .filter(|a| a != &name)
                .collect();
            let titles = titles_st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            out.push(SpeakerSummary {
                id,
                name,
                wikidata,
                quotes: u64::try_from(quotes).unwrap_or(0),
                articles: u64::try_from(articles).unwrap_or(0),
                aliases,
                titles,
            });
        }
        Ok(out)
    }
}

/// A search result row (the columns of [`Store::search`]'s query) as a [`Hit`].
fn hit_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Hit> {
    Ok(Hit {
        quote_id: r.get(0)?,
        group_id: r.get(1)?,
        quotation: r.get(2)?,
        kind: r.get(3)?,
        speaker: r.get(4)?,
        speaker_id: r.get(5)?,
        speaker_name: r.get(6)?,
        mention: r.get(7)?,
        cue: r.get(8)?,
        confidence: r.get(9)?,
        article: r.get(10)?,
        url: r.get(11)?,
        title: r.get(12)?,
        date: r.get(13)?,
        source: r.get(14)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_are_quoted() {
        assert_eq!(fts_terms("we will"), ["\"we\"", "\"will\""]);
        assert_eq!(fts_terms("\"will win\" lav*"), ["\"will win\"", "\"lav\"*"]);
        assert_eq!(fts_terms("AND OR ( )"), ["\"AND\"", "\"OR\""]);
        assert!(fts_terms("  ").is_empty());
        assert_eq!(fts_terms("\"unbalanced"), ["\"unbalanced\""]);
    }
}
