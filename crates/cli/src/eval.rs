//! `whosaid eval`: score whosaid (or any predictions) against PolNeAR gold or the seed gold.
//!
//! ```text
//! whosaid eval --gold DIR [PRED] [--json] [--write-predictions FILE] [--errors]
//! whosaid eval --seed [--seed-gold FILE] [PRED] [--json]
//! ```
//!
//! Without PRED, whosaid itself is run on the gold articles. The figures are those of the
//! reference scorers in `../shared` (see `whosaid_eval::report` for every definition).

use anyhow::{bail, Context, Result};
use clap::{ArgGroup, Args};
use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use whosaid_core::{analyze, Analysis, Document};
use whosaid_eval::predictions::{self, PredictedQuote};
use whosaid_eval::{brat, errors, report, seed};

/// Where `--seed` looks for its gold unless `--seed-gold` says otherwise (relative to the
/// current directory: run from the workspace root).
pub const DEFAULT_SEED_GOLD: &str = "../shared/seed/us-russia-relations.gold.json";

/// The exit-code contract of `whosaid eval`, shown in `--help`.
pub const EVAL_EXIT_CODES: &str = "\
Exit status:
  0  scored (with --seed: every seed check holds)
  1  with --seed: some seed check fails (the misses are printed)
  2  usage error, the gold could not be loaded, the predictions could not be read,
     or an output could not be written

Figures (PolNeAR): content P/R/F1 with overlap >= 50% of the longer span, tp/fp/fn and
speaker accuracy are exactly those of eval-data/polnear/score.py (the speaker is the
mention's words). Also: exact content (same boundaries after trimming edge whitespace,
quote marks and .,;:!?), strict content (identical offsets), cue P/R/F1 (a predicted cue of
a content-matched relation overlapping the gold Cue), and recall per gold kind (direct:
every word inside quote marks; mixed: other contents with quote marks; indirect) with
precision per predicted kind. Unreadable prediction lines are reported and skipped.";

/// Arguments of `whosaid eval`.
#[derive(Debug, Args)]
#[command(
    after_help = EVAL_EXIT_CODES,
    group(ArgGroup::new("mode").required(true).args(["gold", "seed"]))
)]
pub struct EvalArgs {
    /// A PolNeAR split: `DIR/text/*.txt` and `DIR/attributions/*_ANNOTATOR.ann`.
    #[arg(long, value_name = "DIR")]
    pub gold: Option<PathBuf>,

    /// Score the seed article against its hand annotation (a port of seed/score.py).
    #[arg(long)]
    pub seed: bool,

    /// The seed gold JSON [default: ../shared/seed/us-russia-relations.gold.json].
    #[arg(long, value_name = "FILE", requires = "seed")]
    pub seed_gold: Option<PathBuf>,

    /// Predictions as JSON Lines (`-` for stdin): whosaid's records ({"id", "quotes"}) or
    /// the reference scorer's ({"doc", "content", "content_start", "content_end",
    /// "speaker"}), detected per line. Without it, whosaid extracts from the gold texts.
    #[arg(value_name = "PRED")]
    pub pred: Option<PathBuf>,

    /// Print the figures as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Also write the scored predictions in the reference scorer's JSON Lines format
    /// (so `score.py DIR FILE` can check them).
    #[arg(long, value_name = "FILE", requires = "gold")]
    pub write_predictions: Option<PathBuf>,

    /// Also list the misses and false positives grouped by quote shape, by speaker type of
    /// the gold source and by cause, with counts and examples (see `whosaid_eval::errors`).
    #[arg(long, requires = "gold")]
    pub errors: bool,
}

/// Runs `whosaid eval`; errors are printed on stderr and mapped to the exit contract.
pub fn run(args: EvalArgs) -> ExitCode {
    let result = match (&args.gold, args.seed) {
        (Some(dir), _) => eval_gold(dir, &args),
        (None, true) => eval_seed(&args),
        (None, false) => Err(anyhow::anyhow!("one of --gold DIR or --seed is required")),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid eval: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause its parent already printed.
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let msg = cause.to_string();
        if !out.contains(&msg) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&msg);
        }
    }
    out
}

/// Prints `out` on stdout; a closed stdout (`| head`) is not an error.
fn emit(out: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e).context("writing stdout"),
        _ => Ok(()),
    }
}

fn read_input(path: &Path) -> Result<String> {
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("reading predictions from stdin")?;
        buf
    } else {
        std::fs::read(path).with_context(|| format!("reading predictions {}", path.display()))?
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Analyses documents on every core; a document whose analysis panics yields no quotes
/// and is reported on stderr.
fn analyze_all(docs: &[Document]) -> Vec<Analysis> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(docs.len().max(1));
    let mut results: Vec<(usize, Analysis)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(doc) = docs.get(k) else { break };
                        match panic::catch_unwind(AssertUnwindSafe(|| analyze(doc))) {
                            Ok(a) => out.push((k, a)),
                            Err(_) => {
                                eprintln!("whosaid eval: {}: analysis panicked; no quotes", doc.id);
                                out.push((
                                    k,
                                    Analysis {
                                        id: doc.id.clone(),
                                        quotes: Vec::new(),
                                        artifacts: Vec::new(),
                                    },
                                ));
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|r| r.0);
    results.into_iter().map(|r| r.1).collect()
}

/// Reads `DIR/text/*.txt` in name order as documents whose id is the file name.
fn read_texts(dir: &Path) -> Result<Vec<Document>> {
    let text_dir = dir.join("text");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&text_dir)
        .with_context(|| format!("reading {}", text_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let id = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Document::new(id, text))
        })
        .collect()
}

fn eval_gold(dir: &Path, args: &EvalArgs) -> Result<ExitCode> {
    let gold = brat::load_split(dir)
        .with_context(|| format!("loading the gold split {}", dir.display()))?;
    if gold.is_empty() {
        bail!("{}: no annotations in attributions/", dir.display());
    }
    let preds: Vec<PredictedQuote> = match &args.pred {
        Some(path) => {
            let read = predictions::read_jsonl(&read_input(path)?);
            for e in &read.errors {
                eprintln!("whosaid eval: {}:{e} (skipped)", path.display());
            }
            read.quotes
        }
        None => {
            let docs = read_texts(dir)?;
            let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
            let t = Instant::now();
            let analyses = analyze_all(&docs);
            let secs = t.elapsed().as_secs_f64();
            eprintln!(
                "whosaid eval: extracted {} articles ({} kB) in {:.1} ms ({:.1} MB/s)",
                docs.len(),
                bytes / 1000,
                secs * 1e3,
                bytes as f64 / 1e6 / secs.max(1e-9)
            );
            analyses
                .iter()
                .flat_map(predictions::from_analysis)
                .collect()
        }
    };
    if let Some(out) = &args.write_predictions {
        let file =
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
        predictions::write_jsonl(io::BufWriter::new(file), &preds)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    let report = report::evaluate(&gold, &preds);
    let errors = args.errors.then(|| errors::analyze(&gold, &preds));
    if args.json {
        let line = match &errors {
            // Through a Value only with --errors: its map sorts the keys.
            Some(e) => {
                let mut v = serde_json::to_value(&report)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("errors".into(), serde_json::to_value(e)?);
                }
                v.to_string()
            }
            None => serde_json::to_string(&report)?,
        };
        emit(&format!("{line}\n"))?;
    } else {
        let mut out = report.table();
        if let Some(e) = &errors {
            out.push_str(&e.table());
        }
        emit(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn eval_seed(args: &EvalArgs) -> Result<ExitCode> {
    let gold_path = args
        .seed_gold
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SEED_GOLD));
    if !gold_path.is_file() {
        bail!(
            "seed gold not found at {} (run from the workspace root, or pass --seed-gold FILE)",
            gold_path.display()
        );
    }
    let gold = seed::load_gold(&gold_path).context("loading the seed gold")?;
    let output = match &args.pred {
        Some(path) => read_input(path)?,
        None => {
            let text_path = gold_path
                .parent()
                .unwrap_or(Path::new("."))
                .join(&gold.document);
            let text = std::fs::read_to_string(&text_path)
                .with_context(|| format!("reading the seed article {}", text_path.display()))?;
            let analyses = analyze_all(&[Document::new(gold.document.clone(), text)]);
            let mut out = String::new();
            for a in &analyses {
                out.push_str(&serde_json::to_string(a)?);
                out.push('\n');
            }
            out
        }
    };
    let outcome = seed::score(&gold, &seed::quotes_from_jsonl(&output));
    if args.json {
        let mut v = serde_json::to_value(&outcome)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("passed".into(), outcome.passed().into());
        }
        emit(&format!("{v}\n"))?;
    } else {
        emit(&(outcome.lines().join("\n") + "\n"))?;
    }
    Ok(if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
