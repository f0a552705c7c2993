//! `whosaid provenance` and `whosaid stories`: where each sentence of an article came
//! from, and groups of articles sharing sentences (see the `whosaid-provenance` crate).
//!
//! With `--db`, the index lives in the corpus database itself, in `prov_`-prefixed
//! tables the provenance crate owns: each run first indexes the store's articles added
//! since the last run (by `articles.id`, remembered in `prov_meta`), then traces reading
//! only candidate buckets from disk, so memory stays bounded. With `--corpus` (files or
//! directories read by `whosaid-io` like `extract`'s inputs) the index is built in
//! memory for the run.

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;
use whosaid_io::{is_broken_pipe, JsonlWriter, ReadOptions};
use whosaid_provenance::{stories, Article, Index};
use whosaid_store::Store;

use crate::extract::{open_inputs, InputArgs};

/// Where the corpus to search comes from.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// The corpus database (`whosaid ingest`); its stored articles are the sources.
    #[arg(long, value_name = "PATH", required_unless_present = "corpus")]
    pub db: Option<PathBuf>,

    /// Instead of --db: files or directories of articles to index in memory for this
    /// run, read like extract's inputs.
    #[arg(long, value_name = "FILE|DIR", conflicts_with = "db")]
    pub corpus: Vec<PathBuf>,
}

/// Arguments of `whosaid provenance`.
#[derive(Debug, Args)]
pub struct ProvenanceArgs {
    #[command(flatten)]
    /// The articles to trace.
    pub input: InputArgs,

    #[command(flatten)]
    /// The sources.
    pub corpus: CorpusArgs,

    /// Trace an article already in the corpus, by id (repeatable). With --id and no
    /// input, stdin is not read.
    #[arg(long, value_name = "ID")]
    pub id: Vec<String>,
}

/// Arguments of `whosaid stories`.
#[derive(Debug, Args)]
pub struct StoriesArgs {
    #[command(flatten)]
    /// The articles to group.
    pub corpus: CorpusArgs,

    /// Sentences two articles must share to be in one story.
    #[arg(long, default_value_t = 2)]
    pub min_shared: usize,

    /// Similarity a shared sentence needs (0–1).
    #[arg(long, default_value_t = 0.5)]
    pub min_similarity: f64,

    /// Speakers listed per story (from the store's quotes).
    #[arg(long, default_value_t = 5)]
    pub top: usize,
}

/// `prov_meta` key: the highest store `articles.id` already indexed.
const SYNCED: &str = "store_articles_id";

/// Articles read from the store per batch while syncing.
const SYNC_BATCH: i64 = 2_000;

/// Opens the corpus's index: the `prov_` tables of the database at `--db`, brought up to
/// date with its `articles`; or an in-memory index of the `--corpus` files. Returns the
/// index, the store (for speakers) and the number of reader errors.
fn load(args: &CorpusArgs, quiet: bool) -> Result<(Index, Option<Store>, usize)> {
    if let Some(db) = &args.db {
        if !db.exists() {
            bail!("{}: no such corpus database", db.display());
        }
        let s = Store::open(db).with_context(|| format!("cannot open {}", db.display()))?;
        let mut index = Index::open(db)
            .with_context(|| format!("cannot open the provenance index in {}", db.display()))?;
        let mut last = index.meta(SYNCED)?.unwrap_or(0);
        let mut added = 0usize;
        loop {
            let batch: Vec<(i64, Article)> = {
                let mut st = s.connection().prepare(
                    "SELECT id, doc_id, date, text FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2",
                )?;
                let rows = st.query_map([last, SYNC_BATCH], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        Article {
                            id: r.get(1)?,
                            date: r.get(2)?,
                            text: r.get(3)?,
                        },
                    ))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            let Some(&(max, _)) = batch.last() else { break };
            for (id, a) in batch {
                index.add(a)?;
                // Written with the article: a stopped sync resumes after it, never twice.
                index.set_meta(SYNCED, id)?;
                added += 1;
            }
            last = max;
        }
        // One merge of the new band rows, in key order, for the whole sync.
        index.flush()?;
        if added > 0 && !quiet {
            eprintln!("whosaid: provenance index: {added} new articles indexed");
        }
        return Ok((index, Some(s), 0));
    }
    let mut index = Index::in_memory()?;
    let mut errors = 0;
    for rec in open_inputs(&args.corpus, &ReadOptions::default()) {
        match rec {
            Ok(doc) => index.add(Article {
                id: doc.id,
                text: doc.text,
                date: doc.date,
            })?,
            Err(e) => {
                errors += 1;
                if !quiet {
                    eprintln!("whosaid: {e}");
                }
            }
        }
    }
    index.flush()?;
    Ok((index, None, errors))
}

fn write_or_quit<T: Serialize>(out: &mut JsonlWriter<impl io::Write>, v: &T) -> Result<bool> {
    match out.write(v) {
        Ok(()) => Ok(true),
        Err(e) if is_broken_pipe(&e) => Ok(false),
        Err(e) => Err(e).context("cannot write output"),
    }
}

/// Traces `a` and writes its record — or, when tracing fails (a corpus read error), an
/// `{"id","error"}` record and a stderr line naming the article, so the run goes on.
/// Counts it in `done` or `failed`; returns false when the reader has gone (stop).
fn write_trace(
    out: &mut JsonlWriter<impl io::Write>,
    index: &Index,
    a: &Article,
    done: &mut usize,
    failed: &mut usize,
) -> Result<bool> {
    match index.trace(a) {
        Ok(t) => {
            *done += 1;
            write_or_quit(out, &t)
        }
        Err(e) => {
            *failed += 1;
            eprintln!("whosaid: {}: {e}", a.id);
            let rec = whosaid_io::ErrorRecord::new(a.id.clone(), e.to_string());
            write_or_quit(out, &rec)
        }
    }
}

/// `whosaid provenance`.
pub fn provenance_main(args: ProvenanceArgs) -> ExitCode {
    match provenance(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn provenance(args: ProvenanceArgs) -> Result<ExitCode> {
    let quiet = args.input.quiet;
    let (index, _store, _) = load(&args.corpus, quiet)?;
    let stdout = io::stdout();
    let mut out = JsonlWriter::new(BufWriter::new(stdout.lock()));
    let (mut done, mut failed) = (0usize, 0usize);
    for id in &args.id {
        match index.article(id) {
            Ok(a) => {
                if !write_trace(&mut out, &index, &a, &mut done, &mut failed)? {
                    return Ok(ExitCode::SUCCESS);
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("whosaid: {e}");
                let rec = whosaid_io::ErrorRecord::new(id.clone(), e.to_string());
                if !write_or_quit(&mut out, &rec)? {
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
    if !args.input.inputs.is_empty() || args.id.is_empty() {
        let mut inputs = open_inputs(&args.input.inputs, &args.input.read_options());
        if let Some(db) = &args.corpus.db {
            inputs = inputs.excluding_database(db);
        }
        for rec in inputs {
            match rec {
                Ok(doc) => {
                    let a = Article {
                        id: doc.id,
                        text: doc.text,
                        date: doc.date,
                    };
                    if !write_trace(&mut out, &index, &a, &mut done, &mut failed)? {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("whosaid: {e}");
                    match out.write_error(&e) {
                        Ok(()) => {}
                        Err(e) if is_broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
                        Err(e) => return Err(e).context("cannot write output"),
                    }
                }
            }
        }
    }
    match out.flush() {
        Err(e) if !is_broken_pipe(&e) => return Err(e).context("cannot write output"),
        _ => {}
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else if done == 0 {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    })
}

/// One story as written.
#[derive(Serialize)]
struct StoryRecord<'a> {
    story: usize,
    first: &'a str,
    date: Option<&'a str>,
    size: usize,
    articles: &'a [String],
    top_speakers: Vec<SpeakerCount>,
}

#[derive(Serialize)]
struct SpeakerCount {
    name: String,
    quotes: usize,
}

/// Quote counts per speaker per article id, canonical names where the store has them.
fn speakers_by_article(store: &Store) -> Result<HashMap<String, HashMap<String, usize>>> {
    let mut st = store.connection().prepare(
        "SELECT a.doc_id, coalesce(sp.canonical, q.speaker_name)
         FROM quotes q JOIN articles a ON a.id = q.article_id
         LEFT JOIN name_map nm ON nm.key = q.speaker_key
         LEFT JOIN speakers sp ON sp.id = nm.speaker_id
         WHERE q.speaker_name IS NOT NULL",
    )?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut map: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for row in rows {
        let (doc, name) = row?;
        *map.entry(doc).or_default().entry(name).or_default() += 1;
    }
    Ok(map)
}

/// `whosaid stories`.
pub fn stories_main(args: StoriesArgs) -> ExitCode {
    match run_stories(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_stories(args: StoriesArgs) -> Result<()> {
    let (index, store, _) = load(&args.corpus, false)?;
    let speakers = match &store {
        Some(s) => speakers_by_article(s)?,
        None => HashMap::new(),
    };
    let stdout = io::stdout();
    let mut out = JsonlWriter::new(BufWriter::new(stdout.lock()));
    for (n, st) in stories(&index, args.min_shared, args.min_similarity)?
        .iter()
        .enumerate()
    {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for a in &st.articles {
            for (name, c) in speakers.get(a).into_iter().flatten() {
                *counts.entry(name.as_str()).or_default() += c;
            }
        }
        let mut top: Vec<(&str, usize)> = counts.into_iter().collect();
        top.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let rec = StoryRecord {
            story: n + 1,
            first: &st.first,
            date: st.date.as_deref(),
            size: st.size,
            articles: &st.articles,
            top_speakers: top
                .into_iter()
                .take(args.top)
                .map(|(name, quotes)| SpeakerCount {
                    name: name.to_string(),
                    quotes,
                })
                .collect(),
        };
        if !write_or_quit(&mut out, &rec)? {
            return Ok(());
        }
    }
    match out.flush() {
        Err(e) if !is_broken_pipe(&e) => Err(e).context("cannot write output"),
        _ => Ok(()),
    }
}
