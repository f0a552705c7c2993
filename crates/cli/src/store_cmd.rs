//! The corpus commands over `whosaid-store`: `ingest`, `search`, `speakers`, `export`.

use crate::extract::{open_inputs, thread_count, InputArgs, Outcome};
use crate::workers::outcomes;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, ValueEnum};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::TryRecvError;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use whosaid_core::pipeline::analyze_with_sentences;
use whosaid_io::{is_broken_pipe, Article};
use whosaid_store::export::csv_field;
use whosaid_store::norm::content_hash;
use whosaid_store::{read_gazetteer, BatchReport, Prepared, SearchQuery, Store, StoredAs};

/// Articles in the first batch of an ingest (later ones double up to `--batch`).
const FIRST_BATCH: usize = 64;
/// Articles sent to a waiting writer at least (fewer only at the end of the input). The
/// workers hand results on as a steady stream, and a writer given whatever was ready wrote
/// batches of 40–120 articles, each costing it more per article than a large one (its
/// fixed cost per commit): 20k synthetic articles took 7.7–8.0 s to ingest with 16 here,
/// 7.3–7.4 with 256 and 7.2–7.4 with 1,024 (a longer tail: the last batch is written
/// after the analysis ends).
const MIN_BATCH: usize = 256;
/// [`MIN_BATCH`] once the whole input is read (at most the workers' window of articles
/// is left to analyse); an idle writer then also indexes every waiting quote. The end of an
/// ingest is serial: the last batch, the index of the quotes still waiting, the closing
/// checkpoint. Small last batches, and the index filled while the last articles are
/// analysed, shorten it: PolNeAR train + dev (923 articles, all their 22k quotes indexed at
/// the end before) took 0.2793 → 0.2593 s and 0.2779 → 0.2653 s (medians of 10 and 12
/// alternated runs); 20k synthetic articles the same (5.11 and 5.10 s, medians of 5).
const LAST_MIN_BATCH: usize = 32;
/// Quotes stored before the writer adds them to the full-text index in one go, when
/// batches keep it busy (about 40,000 news articles; see `Store::set_index_chunk`). Fewer,
/// larger FTS5 segments are rewritten by fewer merges; the gain is small: the writer alone
/// (`write_bench`, 20k synthetic articles, 1,024 a batch) took 8.3 and 9.3 s indexing each
/// batch, 8.0 and 8.5 s in one chunk.
const INDEX_CHUNK: u64 = 1_000_000;
/// Quotes that must wait before an idle writer adds them to the full-text index (all are
/// added at the end of the ingest). Indexing whenever the writer idled made many small
/// FTS5 segments, merged again later: 20k synthetic articles took 7.4–8.2 s to ingest
/// (14.1–15.5 s of CPU) that way, 7.3–7.7 s (13.6–14.5 s) with 100,000 here, alternated.
/// Until then those quotes are stored but not yet found by a search.
const IDLE_INDEX_MIN: u64 = 100_000;
/// While fewer than IDLE_INDEX_EARLY quotes are indexed, the writer indexes from this
/// many waiting quotes, idle or after a batch: a small input is indexed while it is
/// analysed, not all after the analysis (PolNeAR train + dev: 19,650 quotes, 49 ms of a
/// 0.22 s ingest, came after it; with the index filled only while idle, the writer, busy
/// through the second half of the analysis, still left ~10k of them for the end). Beyond
/// that the small segments would cost merges (doubling the threshold from 4,000 up to
/// IDLE_INDEX_MIN all along made 20k synthetic articles 8% slower).
const IDLE_INDEX_FIRST: u64 = 4_000;
/// See IDLE_INDEX_FIRST.
const IDLE_INDEX_EARLY: u64 = 24_000;
/// Bytes of article text per batch at most.
const BATCH_BYTES: usize = 32 << 20;
/// Articles the writer stores before it commits (see `Store::set_commit_every`), unless
/// it runs out of batches once the input is all read: then it commits while it waits.
/// With a commit per batch (1,024 articles) a 1M-article ingest took 279.8 s; with this,
/// 238.4 s (and 227.2 s once the content hash left its index), `extract` 113–115 s.
const COMMIT_ARTICLES: u64 = 16_384;
/// An idle writer commits once this many articles wait, or as many as it committed
/// before, whichever is more: a few commits, doubling, before the first COMMIT_ARTICLES,
/// each copied into the database file by the checkpointer thread while the analysis goes
/// on, so that a small input does not end with one checkpoint of all it wrote (two
/// fsyncs of ~10 ms each and the copy on PolNeAR train + dev). Small corpora only: each
/// commit rewrites the pages it touched, which at 1M cost 227 → 245 s when every idle
/// moment committed.
const IDLE_COMMIT_MIN: u64 = 256;

/// Arguments of `whosaid ingest`.
#[derive(Debug, Args)]
#[command(after_help = "\
Re-running the same ingest adds nothing: an article whose id, URL or content hash is
already stored is skipped without being analysed. The writer commits every 16,384
articles, and once the input is all read whenever it has no batch waiting; after a crash
or kill the same command resumes where the last commit ended.

Quotes become searchable when the writer has time to index them (100,000 at a time, or
any number once the whole input is read), or in chunks of about a million while batches
keep it busy, and all of them when the ingest ends. After a crash, the next ingest first
indexes the quotes stored but not yet indexed.

Exit status: 0 all records stored or already present; 1 some input records failed (each
reported on stderr and kept in the ingest_errors table); 2 usage or database error, or
every record failed.")]
pub struct IngestArgs {
    #[command(flatten)]
    /// What to read and how (the options of `whosaid extract`).
    pub input: InputArgs,

    /// The corpus database (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,

    /// Articles per batch handed to the writer (at most 32 MB of text). Larger batches
    /// cost the writer less per article: on 20k synthetic articles (one transaction a
    /// batch then), 128 a batch took 21 s and wrote 1.8 GB, 1,024 took 11 s and wrote
    /// 1.0 GB (peak RSS 100 → 170 MB).
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub batch: u32,

    /// Speaker gazetteer (CSV `name,aliases,wikidata` or JSON Lines; see
    /// crates/store/examples/gazetteer.csv). Replaces the one stored in the corpus.
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Option<PathBuf>,

    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
}

/// What a run of `whosaid ingest` did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct IngestSummary {
    /// Articles added.
    pub added: usize,
    /// Articles skipped because their text was already stored.
    pub already_stored: usize,
    /// Articles skipped because their id or URL was already stored with a different text
    /// (two articles under one id or URL: the corpus keeps the first; each is named on
    /// stderr).
    pub conflicts: usize,
    /// Input records that failed (reader errors and analysis failures).
    pub failed: usize,
    /// Quote occurrences added.
    pub quotes: usize,
    /// Bytes of text added.
    pub bytes: usize,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Seconds the writer thread spent in transactions (wall time, overlapping the
    /// analysis of the next batch).
    pub writer_seconds: f64,
    /// Seconds spent adding the last waiting quotes to the full-text index at the end.
    pub index_seconds: f64,
    /// Corpus totals after the run.
    pub corpus: whosaid_store::Stats,
}

/// What the writer thread has stored so far.
type Written = (Store, BatchReport, f64);

/// Runs `whosaid ingest`, messages to `err`.
///
/// Records are read and processed by the machinery of `whosaid extract` (a reader thread,
/// workers that parse each record, look its article up in the corpus and analyse it only
/// when it is not stored yet); the results, in input order, are gathered into batches for
/// a writer thread that stores each in one transaction while the next is analysed.
pub fn ingest<E: Write>(args: &IngestArgs, mut err: E) -> Result<IngestSummary> {
    let start = Instant::now();
    let gazetteer = args.gazetteer.as_deref().map(read_gazetteer).transpose()?;
    // A second connection answers "already stored?" while the writer writes (WAL), for a
    // corpus that holds articles when the ingest starts.
    let lookup = if args.db.exists() {
        let lookup =
            Store::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
        (lookup.stats()?.articles > 0).then(|| Mutex::new(lookup))
    } else {
        None
    };
    let threads = thread_count(args.input.threads);
    // The first batches are small and double up to --batch, so that writing starts early
    // and overlaps the analysis even for a small input.
    let mut batch_size = (args.batch as usize).min(FIRST_BATCH);
    let mut summary = IngestSummary::default();
    let inputs =
        open_inputs(&args.input.inputs, &args.input.read_options()).excluding_database(&args.db);

    type Batch = (Vec<Prepared>, Vec<(String, String)>);
    // Up to four batches wait for the writer, so that the workers go on while a commit
    // or checkpoint holds it up: a 1M-article ingest took 244.7 s this way against
    // 254.7 s with one (+70 MB peak RSS).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    // True while the writer waits for a batch: then whatever is ready (at least MIN_BATCH)
    // is sent, so that the writer keeps pace with the analysis and the last batch, written
    // after the analysis ends, stays small.
    let writer_idle = Arc::new(AtomicBool::new(false));
    let idle = Arc::clone(&writer_idle);
    // True once the reader has read the whole input (see LAST_MIN_BATCH).
    let input_read = Arc::new(AtomicBool::new(false));
    let last_articles = Arc::clone(&input_read);
    // A second connection copies what is committed from the write-ahead log into the
    // database file (a passive checkpoint) after each commit the writer signals, on the
    // core the workers leave, so that the checkpoint when the corpus closes has only the
    // last transactions to copy. An optimisation only: if it fails, that closing
    // checkpoint copies everything, as it would without it. (Later commits, every
    // COMMIT_ARTICLES, checkpoint in the writer's own commit: wal_autocheckpoint.)
    let (ckpt_tx, ckpt_rx) = std::sync::mpsc::channel::<()>();
    let db = args.db.clone();
    let checkpointer = std::thread::spawn(move || -> whosaid_store::Result<()> {
        // Opened at the first signal, once the writer has created the corpus.
        let mut store = None;
        while ckpt_rx.recv().is_ok() {
            while ckpt_rx.try_recv().is_ok() {}
            let store = match &mut store {
                Some(store) => store,
                None => store.insert(Store::open(&db)?),
            };
            store.checkpoint()?;
        }
        Ok(())
    });
    let ckpt_writer = ckpt_tx.clone();
    // The writer opens (or creates) the corpus itself, so that the workers start analysing
    // at once (the first batch waits for it): PolNeAR train + dev, creating the corpus
    // took 3 ms before the analysis started.
    let db = args.db.clone();
    let writer = std::thread::spawn(move || -> Result<Written> {
        let mut store =
            Store::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
        // Quotes a killed ingest stored but did not index yet.
        store.flush_index()?;
        store.set_index_chunk(INDEX_CHUNK);
        store.set_commit_every(COMMIT_ARTICLES);
        if let Some(entries) = &gazetteer {
            store.set_gazetteer(entries)?;
        }
        let mut total = BatchReport::default();
        let mut busy = 0.0f64;
        // Quotes this writer indexed while idle or after an early batch.
        let mut indexed = 0u64;
        loop {
            // Waiting quotes are indexed while the writer would otherwise wait for the next
            // batch (once IDLE_INDEX_MIN of them wait; see IDLE_INDEX_FIRST for the first
            // ones), and in chunks of INDEX_CHUNK while batches keep coming.
            let (prepared, errors) = match rx.try_recv() {
                Ok(batch) => batch,
                Err(TryRecvError::Empty) => {
                    let t0 = Instant::now();
                    let input_read = last_articles.load(Ordering::Acquire);
                    let min = if input_read {
                        1
                    } else if indexed < IDLE_INDEX_EARLY {
                        IDLE_INDEX_FIRST
                    } else {
                        IDLE_INDEX_MIN
                    };
                    indexed += store.flush_index_from(min)?;
                    let waiting = store.uncommitted();
                    let committed = (total.articles as u64).saturating_sub(waiting);
                    if input_read || waiting >= IDLE_COMMIT_MIN.max(committed) {
                        // See IDLE_COMMIT_MIN; near the end, with nothing to write,
                        // always, so that the checkpointer copies it while the last
                        // articles are analysed.
                        store.commit()?;
                        let _ = ckpt_writer.send(());
                    }
                    busy += t0.elapsed().as_secs_f64();
                    idle.store(true, Ordering::Release);
                    let next = rx.recv();
                    idle.store(false, Ordering::Release);
                    match next {
                        Ok(batch) => batch,
                        Err(_) => break,
                    }
                }
                Err(TryRecvError::Disconnected) => break,
            };
            let t0 = Instant::now();
            let r = store.ingest_batch(&prepared, &errors)?;
            if indexed < IDLE_INDEX_EARLY {
                indexed += store.flush_index_from(IDLE_INDEX_FIRST)?;
            }
            busy += t0.elapsed().as_secs_f64();
            total.articles += r.articles;
            total.duplicates += r.duplicates;
            total.conflicts.extend(r.conflicts);
            total.quotes += r.quotes;
            total.bytes += r.bytes;
            total.errors += r.errors;
        }
        Ok((store, total, busy))
    });

    // Each worker asks whether its article is stored already before analysing it, unless
    // the corpus was empty when the ingest started: then only an article earlier in the
    // same input can be, and the writer's UNIQUE keys skip that one.
    let work = |article: Article| -> whosaid_store::Result<Fresh> {
        yield_to_writer();
        let doc = article.doc;
        let hash = content_hash(&doc.text);
        let url = doc.url.as_deref().filter(|u| !u.is_empty());
        let stored = match lookup.as_ref().map(Mutex::lock) {
            None => None,
            Some(Ok(store)) => store.stored_as(&doc.id, url, &hash)?,
            Some(Err(poisoned)) => poisoned.into_inner().stored_as(&doc.id, url, &hash)?,
        };
        Ok(match stored {
            Some(StoredAs::Text) => Fresh::Stored,
            Some(StoredAs::IdOrUrl) => Fresh::Conflict(doc.id),
            None => {
                let (analysis, sentences) = analyze_with_sentences(&doc);
                Fresh::New(Box::new(Prepared::with_sentences(
                    doc, analysis, &sentences, hash,
                )))
            }
        })
    };
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut bytes = 0;
    let mut writer_gone = false;
    std::thread::scope(|scope| -> Result<()> {
        let mut results = outcomes(scope, inputs, threads, &work);
        let mut min_batch = MIN_BATCH;
        while let Some(done) = results.next() {
            if min_batch != LAST_MIN_BATCH && results.input_read() {
                min_batch = LAST_MIN_BATCH;
                input_read.store(true, Ordering::Release);
            }
            if !args.input.quiet {
                for w in &done.warnings {
                    let _ = writeln!(err, "whosaid: {w}");
                }
            }
            match done.outcome {
                Outcome::Done(Ok(Fresh::New(p))) => {
                    bytes += p.doc.text.len();
                    prepared.push(*p);
                }
                Outcome::Done(Ok(Fresh::Stored)) => summary.already_stored += 1,
                Outcome::Done(Ok(Fresh::Conflict(id))) => {
                    report_conflict(&mut err, args.input.quiet, &id);
                    summary.conflicts += 1;
                }
                Outcome::Done(Err(e)) => return Err(e).context("cannot look up stored articles"),
                Outcome::Failed(record, message) => {
                    let _ = writeln!(err, "whosaid: {message}");
                    summary.failed += 1;
                    errors.push((record.id, record.error));
                }
            }
            let ready = prepared.len() + errors.len();
            if ready >= batch_size
                || bytes >= BATCH_BYTES
                || (ready >= min_batch && writer_idle.load(Ordering::Acquire))
            {
                batch_size = (batch_size * 2).min(args.batch as usize);
                bytes = 0;
                let batch = (std::mem::take(&mut prepared), std::mem::take(&mut errors));
                if tx.send(batch).is_err() {
                    // The writer stopped on an error; joining it below reports the error.
                    writer_gone = true;
                    break;
                }
            }
        }
        Ok(())
    })?;
    if !writer_gone && (!prepared.is_empty() || !errors.is_empty()) {
        let _ = tx.send((prepared, errors));
    }
    drop(tx);
    let (mut store, written, busy) = writer
        .join()
        .map_err(|_| anyhow!("internal error: the database writer failed"))??;
    summary.added = written.articles;
    summary.already_stored += written.duplicates - written.conflicts.len();
    summary.conflicts += written.conflicts.len();
    for id in &written.conflicts {
        report_conflict(&mut err, args.input.quiet, id);
    }
    summary.quotes = written.quotes;
    summary.bytes = written.bytes;
    summary.writer_seconds = busy;
    let t0 = Instant::now();
    store.flush_index()?;
    store.commit()?;
    let _ = ckpt_tx.send(());
    drop(ckpt_tx);
    summary.index_seconds = t0.elapsed().as_secs_f64();
    if let Ok(Err(e)) = checkpointer.join() {
        let _ = writeln!(
            err,
            "whosaid: early checkpoint of {} failed ({e}); the closing one copies everything",
            args.db.display()
        );
    }
    // The speaker entities are grouped again by the first search, `speakers` or export
    // that needs them (Store::ensure_canonical), not here: several ingests in a row pay for
    // it once.
    summary.corpus = store.stats()?;
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// What a worker made of one input article.
enum Fresh {
    /// Not stored yet: analysed, ready for the writer.
    New(Box<Prepared>),
    /// Its text is stored already.
    Stored,
    /// Its id or URL is stored with a different text (the id).
    Conflict(String),
}

/// Names on `err` an article skipped because its id or URL is stored with another text.
fn report_conflict<E: Write>(err: &mut E, quiet: bool, id: &str) {
    if !quiet {
        let _ = writeln!(
            err,
            "whosaid: {id}: not stored: an article with this id or URL is already stored \
             with a different text (the stored one is kept)"
        );
    }
}

/// Lowers the calling worker thread's priority by 10 nice steps, once per thread. The writer
/// is the one thread every article passes through: with as many workers as cores, three
/// busy threads share the cores evenly and a writer given two thirds of a core can set the
/// pace. At a lower priority the workers take what the writer leaves (measured together
/// with the skipped lookup on 20k synthetic articles: 9% less wall time; at 1M the ingest
/// is bound by its total CPU instead, see the README). Linux only (elsewhere a no-op):
/// there a thread's nice value is its own.
fn yield_to_writer() {
    thread_local! {
        static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    DONE.with(|done| {
        if !done.replace(true) {
            #[cfg(target_os = "linux")]
            // SAFETY: nice(3) takes no memory; on Linux it changes the calling thread only
            // (its -1 may be an error or the new value: either way nothing to undo).
            unsafe {
                libc::nice(10);
            }
        }
    });
}

/// Entry point of `whosaid ingest`.
pub fn ingest_main(args: IngestArgs) -> ExitCode {
    let mut stderr = io::stderr();
    match ingest(&args, &mut stderr) {
        Ok(s) => {
            let secs = s.seconds.max(1e-9);
            if !args.input.quiet {
                let _ = writeln!(
                stderr,
                "whosaid: ingest: {} articles added ({} quotes, {:.1} MB) in {:.2} s ({:.0} articles/s, {:.2} MB/s); {} already stored;{} {} failed records\n\
                 whosaid: corpus {}: {} articles, {} quotes, {}",
                s.added,
                s.quotes,
                s.bytes as f64 / 1e6,
                s.seconds,
                s.added as f64 / secs,
                s.bytes as f64 / 1e6 / secs,
                s.already_stored,
                if s.conflicts > 0 {
                    format!(" {} not stored (id or URL stored with another text);", s.conflicts)
                } else {
                    String::new()
                },
                s.failed,
                args.db.display(),
                s.corpus.articles,
                s.corpus.quotes,
                match s.corpus.speakers {
                    Some(n) => format!("{n} speakers"),
                    None => "speakers grouped by the next search, speakers or export".into(),
                },
                );
            }
            if args.json {
                match serde_json::to_string(&s) {
                    Ok(j) => println!("{j}"),
                    Err(e) => {
                        let _ = writeln!(stderr, "whosaid: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            if s.failed == 0 {
                ExitCode::SUCCESS
            } else if s.added + s.already_stored + s.conflicts == 0 {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            let _ = writeln!(stderr, "whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// How `search` and `speakers` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// An aligned table (the default on a terminal).
    Table,
    /// One JSON object per line (the default when piped).
    Jsonl,
    /// CSV with a header row.
    Csv,
}

fn list_format(f: Option<ListFormat>) -> ListFormat {
    f.unwrap_or(if io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Jsonl
    })
}

/// Arguments of `whosaid search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in quotations (all of them; `"a phrase"`, `prefix*`). Empty with
    /// filters lists the newest quotes.
    #[arg(value_name = "QUERY", default_value = "")]
    pub query: String,
    /// The corpus database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Only this speaker, by any of their names or aliases.
    #[arg(long, value_name = "NAME")]
    pub speaker: Option<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only articles dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only this outlet.
    #[arg(long, value_name = "OUTLET")]
    pub source: Option<String>,
    /// Only this kind: direct, mixed, indirect, headline.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// At most this many quotes.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format (default: table on a terminal, JSON Lines otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

fn open_existing(db: &Path) -> Result<Store> {
    if !db.exists() {
        bail!(
            "{}: no such corpus (create it with whosaid ingest)",
            db.display()
        );
    }
    Store::open(db).with_context(|| format!("cannot open {}", db.display()))
}

/// Shortens `s` to at most `width` chars, with `…` when cut; line breaks become spaces.
fn fit(s: &str, width: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= width {
        return flat;
    }
    let mut out: String = flat.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(120)
}

fn search<W: Write>(args: &SearchArgs, out: &mut W) -> Result<usize> {
    let mut store = open_existing(&args.db)?;
    let q = SearchQuery {
        text: args.query.clone(),
        speaker: args.speaker.clone(),
        from: args.from.clone(),
        to: args.to.clone(),
        source: args.source.clone(),
        kind: args.kind.clone(),
        limit: args.limit,
    };
    let hits = store.search(&q)?;
    if let Some(name) = args.speaker.as_deref().filter(|_| hits.is_empty()) {
        // An empty answer should tell "nobody by that name" from "no such quotes".
        if store.find_speakers(name)?.is_empty() {
            eprintln!(
                "whosaid: no speaker in {} is known as {name:?}",
                args.db.display()
            );
        }
    }
    match list_format(args.format) {
        ListFormat::Jsonl => {
            for h in &hits {
                serde_json::to_writer(&mut *out, h)?;
                out.write_all(b"\n")?;
            }
        }
        ListFormat::Csv => {
            writeln!(
                out,
                "quote_id,group_id,date,speaker,speaker_name,kind,quotation,cue,confidence,article,url,source"
            )?;
            for h in &hits {
                let f = [
                    h.quote_id.to_string(),
                    h.group_id.map(|g| g.to_string()).unwrap_or_default(),
                    h.date.clone().unwrap_or_default(),
                    h.speaker.clone().unwrap_or_default(),
                    h.speaker_name.clone().unwrap_or_default(),
                    h.kind.clone(),
                    h.quotation.clone(),
                    h.cue.clone().unwrap_or_default(),
                    format!("{:.3}", h.confidence),
                    h.article.clone(),
                    h.url.clone().unwrap_or_default(),
                    h.source.clone().unwrap_or_default(),
                ];
                let line: Vec<String> = f.iter().map(|s| csv_field(s)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
        ListFormat::Table => {
            let width = terminal_width();
            let quote_w = width.saturating_sub(10 + 22 + 9 + 16 + 4).max(20);
            writeln!(
                out,
                "{} {} {} {} SOURCE",
                pad("DATE", 10),
                pad("SPEAKER", 22),
                pad("KIND", 9),
                pad("QUOTE", quote_w),
            )?;
            for h in &hits {
                let date = h.date.as_deref().map(|d| d.get(..10).unwrap_or(d));
                writeln!(
                    out,
                    "{} {} {} {} {}",
                    pad(date.unwrap_or("-"), 10),
                    pad(
                        h.speaker
                            .as_deref()
                            .or(h.speaker_name.as_deref())
                            .unwrap_or("-"),
                        22
                    ),
                    pad(&h.kind, 9),
                    pad(&h.quotation, quote_w),
                    fit(h.source.as_deref().unwrap_or(&h.article), 16)
                )?;
            }
            writeln!(out, "({} quotes)", hits.len())?;
        }
    }
    out.flush()?;
    Ok(hits.len())
}

/// Whether `e` is the reader of stdout having gone (`whosaid export -o - | head`): the
/// output was wanted no further, which is no failure.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(is_broken_pipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

fn finish(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Entry point of `whosaid search`.
pub fn search_main(args: SearchArgs) -> ExitCode {
    let mut out = BufWriter::new(io::stdout().lock());
    finish(search(&args, &mut out).map(|_| ()))
}

/// Arguments of `whosaid speakers`.
#[derive(Debug, Args)]
pub struct SpeakersArgs {
    /// The corpus database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// At most this many speakers, most quoted first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Output format (default: table on a terminal, JSON Lines otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

fn speakers<W: Write>(args: &SpeakersArgs, out: &mut W) -> Result<()> {
    let mut store = open_existing(&args.db)?;
    let list = store.speakers(args.limit)?;
    match list_format(args.format) {
        ListFormat::Jsonl => {
            for s in &list {
                serde_json::to_writer(&mut *out, s)?;
                out.write_all(b"\n")?;
            }
        }
        ListFormat::Csv => {
            writeln!(out, "id,name,wikidata,quotes,articles,aliases,titles")?;
            for s in &list {
                let f = [
                    s.id.to_string(),
                    s.name.clone(),
                    s.wikidata.clone().unwrap_or_default(),
                    s.quotes.to_string(),
                    s.articles.to_string(),
                    s.aliases.join("|"),
                    s.titles.join("|"),
                ];
                let line: Vec<String> = f.iter().map(|x| csv_field(x)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
        ListFormat::Table => {
            let width = terminal_width();
            let rest = width.saturating_sub(28 + 7 + 9 + 10 + 4).max(20);
            writeln!(
                out,
                "{} {:>7} {:>9} {} ALIASES / TITLES",
                pad("SPEAKER", 28),
                "QUOTES",
                "ARTICLES",
                pad("WIKIDATA", 10)
            )?;
            for s in &list {
                let mut extra = s.aliases.join(", ");
                if !s.titles.is_empty() {
                    extra.push_str(" / ");
                    extra.push_str(&s.titles.join(", "));
                }
                writeln!(
                    out,
                    "{} {:>7} {:>9} {} {}",
                    pad(&s.name, 28),
                    s.quotes,
                    s.articles,
                    pad(s.wikidata.as_deref().unwrap_or("-"), 10),
                    fit(&extra, rest)
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Entry point of `whosaid speakers`.
pub fn speakers_main(args: SpeakersArgs) -> ExitCode {
    let mut out = BufWriter::new(io::stdout().lock());
    finish(speakers(&args, &mut out))
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Quotebank JSON Lines.
    Jsonl,
    /// CSV with a header row (lists joined by `|`, probas as JSON).
    Csv,
    /// Apache Parquet (snappy).
    Parquet,
}

/// Arguments of `whosaid export`.
#[derive(Debug, Args)]
#[command(after_help = "\
One record per deduplicated quotation with Quotebank's fields: quoteID, quotation,
speaker, qids, date, numOccurrences, probas, urls (see whosaid_store::export).")]
pub struct ExportArgs {
    /// The corpus database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output format (default: from the extension of -o, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Output file (`-` for stdout, JSON Lines and CSV only); a name ending in `.gz`
    /// (`quotes.jsonl.gz`, `quotes.csv.gz`) is written gzip-compressed.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

fn export(args: &ExportArgs) -> Result<u64> {
    let mut store = open_existing(&args.db)?;
    // `quotes.jsonl.gz` / `quotes.csv.gz`: gzip-compressed, the format from the name
    // under the `.gz`.
    let ext_of = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    };
    let mut ext = ext_of(&args.output);
    let gzip = ext.as_deref() == Some("gz");
    if gzip {
        ext = args.output.file_stem().and_then(|s| ext_of(Path::new(s)));
    }
    let format = args.format.unwrap_or(match ext.as_deref() {
        Some("csv") => ExportFormat::Csv,
        Some("parquet") | Some("pq") => ExportFormat::Parquet,
        _ => ExportFormat::Jsonl,
    });
    let stdout = args.output.as_os_str() == "-";
    if format == ExportFormat::Parquet {
        if stdout {
            bail!("Parquet needs a file: use -o FILE.parquet");
        }
        if gzip {
            bail!("Parquet is compressed already (snappy): use -o FILE.parquet");
        }
        return export_parquet(&mut store, &args.output);
    }
    let write = |store: &mut Store, out: &mut dyn Write| -> Result<u64> {
        Ok(match format {
            ExportFormat::Csv => store.export_csv(out)?,
            _ => store.export_jsonl(out)?,
        })
    };
    if stdout {
        return write(&mut store, &mut BufWriter::new(io::stdout().lock()));
    }
    let file = std::fs::File::create(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    let mut out = BufWriter::new(file);
    let n = if gzip {
        let mut gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
        let n = write(&mut store, &mut gz)?;
        gz.finish()?;
        n
    } else {
        write(&mut store, &mut out)?
    };
    out.into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    Ok(n)
}

#[cfg(feature = "parquet")]
fn export_parquet(store: &mut Store, path: &Path) -> Result<u64> {
    Ok(store.export_parquet(path)?)
}

#[cfg(not(feature = "parquet"))]
fn export_parquet(_store: &mut Store, _path: &Path) -> Result<u64> {
    bail!("this whosaid was built without Parquet support (cargo feature `parquet`)")
}

/// Entry point of `whosaid export`.
pub fn export_main(args: ExportArgs) -> ExitCode {
    match export(&args) {
        Ok(n) => {
            if args.output.as_os_str() != "-" {
                let _ = writeln!(
                    io::stderr(),
                    "whosaid: exported {n} quotations to {}",
                    args.output.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => finish(Err(e)),
    }
}
