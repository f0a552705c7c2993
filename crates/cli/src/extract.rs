//! `whosaid extract`: read articles, analyse each one, write one JSON line per article.
//!
//! The reading and batching machinery here ([`InputArgs`], [`run_with`]) is shared with
//! `whosaid clean`: records are read on a reader thread, parsed (HTML) and processed on
//! `--threads` workers that live for the whole run (see [`crate::workers`]), and written
//! in input order.

use crate::workers::outcomes;
use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use whosaid_core::pipeline::{analyze_with, Options};
use whosaid_io::{
    is_broken_pipe, read_inputs, total_size, Article, ErrorRecord, Format, Inputs, JsonLine,
    JsonlWriter, RawRecord, ReadOptions, Stats,
};

/// The exit-code contract, shown in `--help`.
pub const EXIT_CODES: &str = "\
Exit status:
  0  every record was processed (or there was none); also when stdout is closed early (| head)
  1  partial failure: some records failed, each reported as {\"id\", \"error\"} on stdout
     and as `whosaid: PATH[:LINE]: message` on stderr, and the others were processed
  2  usage error, no record could be read (all failed), or the output could not be written";

/// The input options shared by `whosaid extract` and `whosaid clean`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files, directories (read recursively in path order, hidden entries skipped),
    /// glob patterns (quoted, e.g. 'crawl/*.warc.gz'), or `-` for stdin; no input reads
    /// stdin. Each input is plain text (one article), JSON Lines (one article a line:
    /// {"id", "title", "text", "url", "date", "source"}), an HTML page, or a WARC file
    /// (response records holding HTML pages); gzip-compressed inputs are read as is.
    /// The format is detected from the first bytes and the file name.
    #[arg(value_name = "FILE|DIR|-")]
    pub inputs: Vec<PathBuf>,

    /// Read every input, stdin included, in this format instead of detecting it:
    /// text, jsonl, html or warc.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, conflicts_with = "jsonl")]
    pub format: Option<Format>,

    /// Same as --format jsonl.
    #[arg(long)]
    pub jsonl: bool,

    /// Largest record accepted: a whole text or HTML file, one JSON Lines line, or one
    /// WARC record. Larger records become error records without being read into
    /// memory. Accepts K, M, G suffixes (KiB, MiB, GiB).
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_bytes: u64,

    /// Worker threads (0 = all cores). Output order is the input order whatever the
    /// number of threads.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// No progress bar, no summary, no warnings on stderr (errors are still reported).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Print the summary (processed / failed / skipped) on stderr even when stderr is
    /// not a terminal.
    #[arg(long, conflicts_with = "quiet")]
    pub stats: bool,
}

impl InputArgs {
    /// The reader options these arguments ask for.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: match (self.format, self.jsonl) {
                (Some(f), _) => f,
                (None, true) => Format::Jsonl,
                (None, false) => Format::Auto,
            },
            max_bytes: self.max_bytes,
        }
    }
}

/// Arguments of `whosaid extract`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ExtractArgs {
    #[command(flatten)]
    /// What to read and how.
    pub input: InputArgs,

    /// Keep the quotes the quote filter drops as unlikely to be attributions (more
    /// recall, less precision: on PolNeAR train, cross-validated, recall 0.633 → 0.662
    /// and precision 0.726 → 0.669). Their `confidence` tells them apart.
    #[arg(long)]
    pub all_quotes: bool,
}

/// What became of one record.
#[derive(Debug)]
pub enum Outcome<T> {
    /// The article was processed.
    Done(T),
    /// It could not be read or processed: the record to write and the stderr message.
    Failed(ErrorRecord, String),
}

/// One record's outcome and the warnings met on the way.
#[derive(Debug)]
pub struct Processed<T> {
    /// What became of it.
    pub outcome: Outcome<T>,
    /// Warnings for stderr (`LOCATION: warning: ...`).
    pub warnings: Vec<String>,
}

/// Counts of a finished run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Records processed.
    pub done: usize,
    /// Records that failed.
    pub failed: usize,
    /// WARC records skipped as not being HTML pages.
    pub skipped: u64,
    /// The reader of stdout went away; the run stopped early.
    pub closed: bool,
}

impl Summary {
    /// The exit code of the contract in [`EXIT_CODES`].
    pub fn exit_code(&self) -> ExitCode {
        if self.closed || self.failed == 0 {
            ExitCode::SUCCESS
        } else if self.done == 0 {
            ExitCode::from(2)
        } else {
            ExitCode::from(1)
        }
    }
}

/// The message of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Parses one raw record and applies `work` to its article. Pure and `Send`; a panic
/// in the HTML extraction or in `work` becomes an error record for that article only.
pub fn process<T>(raw: RawRecord, work: &(impl Fn(Article) -> T + Sync)) -> Processed<T> {
    let parsed = match panic::catch_unwind(AssertUnwindSafe(|| raw.parse())) {
        Ok(p) => p,
        Err(payload) => {
            let reason = format!("internal error: reading failed: {}", panic_text(&*payload));
            return Processed {
                outcome: Outcome::Failed(ErrorRecord::new("", reason.clone()), reason),
                warnings: Vec::new(),
            };
        }
    };
    let outcome = match parsed.article {
        Err(e) => Outcome::Failed(ErrorRecord::from(&e), e.to_string()),
        Ok(article) => {
            let id = article.doc.id.clone();
            // One article that trips a bug must not take the others down.
            match panic::catch_unwind(AssertUnwindSafe(|| work(article))) {
                Ok(t) => Outcome::Done(t),
                Err(payload) => {
                    let reason =
                        format!("internal error: analysis failed: {}", panic_text(&*payload));
                    let message = format!("{id}: {reason}");
                    Outcome::Failed(ErrorRecord::new(id, reason), message)
                }
            }
        }
    };
    Processed {
        outcome,
        warnings: parsed.warnings,
    }
}

/// The number of worker threads `--threads N` asks for (0 = all cores).
pub fn thread_count(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    }
}

/// The progress bar on stderr, when there is one.
struct Progress {
    bar: Option<ProgressBar>,
    stats: Arc<Stats>,
}

impl Progress {
    fn new(show: bool, inputs: &[PathBuf], stats: Arc<Stats>) -> Self {
        let bar = show.then(|| {
            let total = total_size(inputs);
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            let template = if total.is_some() {
                "{spinner} {elapsed} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}"
            } else {
                "{spinner} {elapsed} {bytes} {bytes_per_sec} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, stats }
    }

    fn update(&self, summary: &Summary) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.stats.bytes_read());
            // Short, so that the line fits an 80-column terminal with the bar.
            bar.set_message(format!("{} ok {} failed", summary.done, summary.failed));
        }
    }

    /// Writes a line to `err` without tearing the bar.
    fn line<E: Write>(&self, err: &mut E, text: &str) {
        match &self.bar {
            // stderr going away is no reason to stop.
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(err, "{text}");
            }),
            None => {
                let _ = writeln!(err, "{text}");
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Bytes of output lines gathered before they are written (as `BufWriter`'s 64 KiB did).
const OUTPUT_BATCH: usize = 64 * 1024;

/// [`read_inputs`] of the command line's inputs, passing over the file stdout writes to
/// (`whosaid extract dir > dir/out.jsonl` would otherwise read its own output).
pub fn open_inputs(paths: &[PathBuf], opts: &ReadOptions) -> Inputs {
    let inputs = read_inputs(paths, opts);
    match stdout_metadata() {
        Some(meta) => inputs.excluding_output(&meta),
        None => inputs,
    }
}

/// The metadata of the file stdout is, if it can be had.
fn stdout_metadata() -> Option<std::fs::Metadata> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = io::stdout().as_fd().try_clone_to_owned().ok()?;
        std::fs::File::from(fd).metadata().ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Reads the inputs of `args`, applies `work` to each article on the worker threads
/// and writes its result (or the error record) as one JSON line to `out` (best
/// unbuffered: lines are gathered into batches of [`OUTPUT_BATCH`] bytes here), in
/// input order; messages go to `err`.
pub fn run_with<T, W, E>(
    args: &InputArgs,
    work: impl Fn(Article) -> T + Sync,
    out: W,
    mut err: E,
) -> Result<Summary>
where
    T: JsonLine + Send,
    W: Write,
    E: Write,
{
    let started = Instant::now();
    let is_tty = io::stderr().is_terminal();
    let inputs = open_inputs(&args.inputs, &args.read_options());
    let stats = inputs.stats();
    let progress = Progress::new(is_tty && !args.quiet, &args.inputs, Arc::clone(&stats));
    // (`out` unbuffered: the writer gathers lines itself, with no copy into a buffer)
    let mut out = JsonlWriter::batched(out, OUTPUT_BATCH);
    let mut summary = Summary::default();
    let threads = thread_count(args.threads);
    let mut result = Ok(());
    std::thread::scope(|scope| {
        for done in outcomes(scope, inputs, threads, &work) {
            if !args.quiet {
                for w in &done.warnings {
                    progress.line(&mut err, &format!("whosaid: {w}"));
                }
            }
            let written = match &done.outcome {
                Outcome::Done(value) => {
                    summary.done += 1;
                    out.write_line(value)
                }
                Outcome::Failed(record, message) => {
                    summary.failed += 1;
                    progress.line(&mut err, &format!("whosaid: {message}"));
                    out.write(record)
                }
            };
            progress.update(&summary);
            if let Err(e) = written {
                if is_broken_pipe(&e) {
                    summary.closed = true;
                } else {
                    result = Err(e).context("cannot write output");
                }
                break;
            }
        }
    });
    if result.is_ok() && !summary.closed {
        match out.flush() {
            Err(e) if is_broken_pipe(&e) => summary.closed = true,
            other => result = other.context("cannot write output"),
        }
    }
    progress.finish();
    summary.skipped = stats.skipped();
    if !args.quiet && (is_tty || args.stats) {
        let secs = started.elapsed().as_secs_f64();
        let mb = stats.bytes_read() as f64 / 1e6;
        let _ = writeln!(
            err,
            "whosaid: {} processed, {} failed, {} skipped (non-HTML WARC records); \
             {mb:.1} MB read in {secs:.1} s ({:.1} MB/s)",
            summary.done,
            summary.failed,
            summary.skipped,
            mb / secs.max(1e-3),
        );
    }
    result.map(|()| summary)
}

/// Entry point of a command on the real stdout and stderr.
pub fn main_with<T: JsonLine + Send>(
    args: &InputArgs,
    work: impl Fn(Article) -> T + Sync,
) -> ExitCode {
    let stdout = io::stdout();
    match run_with(args, work, stdout.lock(), io::stderr()) {
        Ok(summary) => summary.exit_code(),
        Err(e) => {
            let _ = writeln!(io::stderr(), "whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Entry point of `whosaid extract` on the real stdout and stderr.
pub fn main(args: ExtractArgs) -> ExitCode {
    let options = Options {
        filter: !args.all_quotes,
        ..Options::default()
    };
    main_with(&args.input, |article| analyze_with(&article.doc, &options))
}

/// Parses a `--format` value.
pub fn parse_format(s: &str) -> Result<Format, String> {
    match s.parse::<Format>()? {
        Format::Auto => Err("auto is the default; name a format: text, jsonl, html or warc".into()),
        f => Ok(f),
    }
}

/// Parses a byte count with an optional K/M/G (KiB/MiB/GiB) suffix.
pub fn parse_size(s: &str) -> Result<u64> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    if num.is_empty() {
        bail!("expected a number of bytes, e.g. 1000000 or 64M");
    }
    let n: u64 = num.parse().context("number too large")?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => bail!("unknown unit {other:?}: use K, M or G"),
    };
    let bytes = n.checked_mul(mult).context("number too large")?;
    if bytes == 0 {
        bail!("must be at least 1 byte");
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M").ok(), Some(64 << 20));
        assert_eq!(parse_size("100").ok(), Some(100));
        assert_eq!(parse_size("2kib").ok(), Some(2048));
        assert_eq!(parse_size("1G").ok(), Some(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("5T").is_err());
        assert!(parse_size("99999999999999999999").is_err());
    }

    #[test]
    fn exit_codes() {
        let s = |done, failed, closed| Summary {
            done,
            failed,
            skipped: 0,
            closed,
        };
        assert_eq!(s(3, 0, false).exit_code(), ExitCode::SUCCESS);
        assert_eq!(s(0, 0, false).exit_code(), ExitCode::SUCCESS);
        assert_eq!(s(2, 1, false).exit_code(), ExitCode::from(1));
        assert_eq!(s(0, 2, false).exit_code(), ExitCode::from(2));
        assert_eq!(s(0, 2, true).exit_code(), ExitCode::SUCCESS);
    }
}
