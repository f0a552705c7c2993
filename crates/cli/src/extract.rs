//! `whosaid extract`: read articles, analyse each one, write one JSON line per article.

use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::{self, BufWriter, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use whosaid_core::{analyze, Analysis};
use whosaid_io::{
    is_broken_pipe, read_inputs, ErrorRecord, Format, JsonlWriter, ReadOptions, Record,
};

/// The exit-code contract, shown in `--help`.
pub const EXIT_CODES: &str = "\
Exit status:
  0  every record was processed (or there was none); also when stdout is closed early (| head)
  1  partial failure: some records failed, each reported as {\"id\", \"error\"} on stdout
     and as `whosaid: PATH[:LINE]: message` on stderr, and the others were processed
  2  usage error, no record could be read (all failed), or the output could not be written";

/// Arguments of `whosaid extract`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ExtractArgs {
    /// Plain-text files (one article each), JSON Lines files (.jsonl/.ndjson),
    /// directories (read recursively in path order, hidden entries skipped), or `-`
    /// for stdin. No input reads stdin.
    #[arg(value_name = "FILE|DIR|-")]
    pub inputs: Vec<PathBuf>,

    /// Read every input, stdin included, as JSON Lines
    /// ({"id", "title", "text", "url", "date", "source"} per line).
    #[arg(long)]
    pub jsonl: bool,

    /// Largest record accepted: a whole text file or one JSON Lines line. Larger
    /// records become error records without being read into memory. Accepts K, M, G
    /// suffixes (KiB, MiB, GiB).
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_bytes: u64,

    /// Worker threads analysing articles (0 = all cores). Output order is the input
    /// order whatever the number of threads.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
}

/// Records read and analysed together before their results are written, in order.
const BATCH_RECORDS: usize = 256;
/// Bytes of article text read ahead at most per batch (bounds memory on huge inputs).
const BATCH_BYTES: usize = 32 << 20;

impl ExtractArgs {
    /// The reader options these arguments ask for.
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            format: if self.jsonl {
                Format::Jsonl
            } else {
                Format::Auto
            },
            max_bytes: self.max_bytes,
        }
    }
}

/// What became of one record.
#[derive(Debug)]
pub enum Outcome {
    /// The article was analysed.
    Done(Analysis),
    /// It could not be read or analysed: the record to write and the stderr message.
    Failed(ErrorRecord, String),
}

/// Counts of a finished run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Records analysed.
    pub done: usize,
    /// Records that failed.
    pub failed: usize,
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

/// Turns one record into its outcome. Pure and `Send`: a parallel version can map
/// this over `read_inputs(..).par_bridge()` and reorder by index before writing.
pub fn process(record: Record) -> Outcome {
    let doc = match record {
        Ok(doc) => doc,
        Err(e) => return Outcome::Failed(ErrorRecord::from(&e), e.to_string()),
    };
    // One article that trips a bug in the analysis must not take the others down.
    match panic::catch_unwind(AssertUnwindSafe(|| analyze(&doc))) {
        Ok(analysis) => Outcome::Done(analysis),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            let reason = format!("internal error: analysis failed: {what}");
            let message = format!("{}: {reason}", doc.id);
            Outcome::Failed(ErrorRecord::new(doc.id, reason), message)
        }
    }
}

/// Analyses a batch of records on `threads` threads; outcomes come back in input order.
pub fn process_batch(batch: Vec<Record>, threads: usize) -> Vec<Outcome> {
    if threads <= 1 || batch.len() <= 1 {
        return batch.into_iter().map(process).collect();
    }
    let n = batch.len();
    let slots: Vec<std::sync::Mutex<Option<Record>>> = batch
        .into_iter()
        .map(|r| std::sync::Mutex::new(Some(r)))
        .collect();
    let results: Vec<std::sync::Mutex<Option<Outcome>>> =
        (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(n) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if k >= n {
                    break;
                }
                let record = slots[k].lock().ok().and_then(|mut s| s.take());
                if let Some(record) = record {
                    let outcome = process(record);
                    if let Ok(mut slot) = results[k].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner().ok().flatten().unwrap_or_else(|| {
                Outcome::Failed(
                    ErrorRecord::new(String::new(), "internal error: worker lost the record"),
                    "internal error: worker lost a record".to_string(),
                )
            })
        })
        .collect()
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

/// Reads records in bounded batches (count and bytes) and analyses each batch in parallel.
fn outcomes(args: &ExtractArgs) -> impl Iterator<Item = Outcome> {
    let threads = thread_count(args.threads);
    let mut records = read_inputs(&args.inputs, &args.read_options()).peekable();
    std::iter::from_fn(move || {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while batch.len() < BATCH_RECORDS && bytes < BATCH_BYTES {
            match records.next() {
                Some(r) => {
                    bytes += r.as_ref().map(|d| d.text.len()).unwrap_or(0);
                    batch.push(r);
                }
                None => break,
            }
        }
        if batch.is_empty() {
            None
        } else {
            Some(process_batch(batch, threads))
        }
    })
    .flatten()
}

/// Runs the command, writing JSON Lines to `out` and messages to `err`.
pub fn run<W: Write, E: Write>(args: &ExtractArgs, out: W, mut err: E) -> Result<Summary> {
    let mut out = JsonlWriter::new(out);
    let mut summary = Summary::default();
    for outcome in outcomes(args) {
        let written = match &outcome {
            Outcome::Done(analysis) => {
                summary.done += 1;
                out.write(analysis)
            }
            Outcome::Failed(record, message) => {
                summary.failed += 1;
                // stderr going away is no reason to stop.
                let _ = writeln!(err, "whosaid: {message}");
                out.write(record)
            }
        };
        if let Err(e) = written {
            if is_broken_pipe(&e) {
                summary.closed = true;
                return Ok(summary);
            }
            return Err(e).context("cannot write output");
        }
    }
    match out.flush() {
        Err(e) if is_broken_pipe(&e) => summary.closed = true,
        other => other.context("cannot write output")?,
    }
    Ok(summary)
}

/// Entry point of `whosaid extract` on the real stdout and stderr.
pub fn main(args: ExtractArgs) -> ExitCode {
    let stdout = io::stdout();
    let out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    match run(&args, out, io::stderr()) {
        Ok(summary) => summary.exit_code(),
        Err(e) => {
            let _ = writeln!(io::stderr(), "whosaid: {e:#}");
            ExitCode::from(2)
        }
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
            closed,
        };
        assert_eq!(s(3, 0, false).exit_code(), ExitCode::SUCCESS);
        assert_eq!(s(0, 0, false).exit_code(), ExitCode::SUCCESS);
        assert_eq!(s(2, 1, false).exit_code(), ExitCode::from(1));
        assert_eq!(s(0, 2, false).exit_code(), ExitCode::from(2));
        assert_eq!(s(0, 2, true).exit_code(), ExitCode::SUCCESS);
    }
}
