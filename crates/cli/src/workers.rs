//! The worker pool of `whosaid extract`, `clean` and `ingest`: a reader thread reads raw
//! records, `--threads` workers that live as long as the input parse and process them,
//! and the caller's thread receives the results in input order.
//!
//! The workers are started once per run, not once per batch of 256 records, and they no
//! longer wait for each other at batch ends or for the caller while it writes the results
//! out (20k synthetic articles, `extract -j 2`: 3.70 and 3.80 s before, 3.42 and 3.47 s
//! with the pool, the same CPU time). They stop only when
//! [`WINDOW`] records (or [`WINDOW_BYTES`] bytes of input) are read but not yet taken by the
//! caller, which bounds memory whatever the input size.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;
use std::time::Duration;
use whosaid_io::{Article, Inputs, RawRecord};

use crate::extract::{process, Processed};

/// Records read but not yet taken by the caller, at most.
pub const WINDOW: usize = 512;
/// Records a worker takes at a time, at most: a worker's results reach the caller a chunk
/// at a time, so that the caller's thread is woken once per chunk rather than per record
/// (per record, ingesting 20k synthetic articles made 149k context switches instead of 28k
/// and took 16.7 s of CPU instead of 15.2).
pub const CHUNK: usize = 16;
/// Bytes of input a chunk holds, at most (a single larger record makes a chunk alone).
pub const CHUNK_BYTES: usize = 4 << 20;
/// Bytes of input (see [`RawRecord::size`]) read but not yet taken by the caller, at most
/// (a single larger record is still read, alone).
pub const WINDOW_BYTES: usize = 64 << 20;

/// How often an idle worker checks whether the caller has gone.
const POLL: Duration = Duration::from_millis(100);

/// Records and bytes in flight between the reader and the caller: the reader waits for
/// room, the caller makes room as it takes results.
#[derive(Default)]
struct InFlight {
    state: Mutex<Room>,
    room: Condvar,
}

/// What [`InFlight`] guards.
#[derive(Default)]
struct Room {
    records: usize,
    bytes: usize,
    /// The caller has gone: the reader and the workers stop.
    closed: bool,
    /// The reader has read the whole input: what is left is in flight.
    read_all: bool,
}

impl InFlight {
    /// The shared state (a panicked holder leaves it usable: every update is one store).
    fn lock(&self) -> MutexGuard<'_, Room> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until `count` records of `size` bytes fit; false when the caller has gone.
    fn acquire(&self, count: usize, size: usize) -> bool {
        let mut s = self.lock();
        while !s.closed
            && s.records > 0
            && (s.records + count > WINDOW || s.bytes + size > WINDOW_BYTES)
        {
            s = self.room.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if s.closed {
            return false;
        }
        s.records += count;
        s.bytes += size;
        true
    }

    fn release(&self, count: usize, size: usize) {
        let mut s = self.lock();
        s.records = s.records.saturating_sub(count);
        s.bytes = s.bytes.saturating_sub(size);
        self.room.notify_one();
    }

    fn is_closed(&self) -> bool {
        self.lock().closed
    }

    fn set_read_all(&self) {
        self.lock().read_all = true;
    }

    fn read_all(&self) -> bool {
        self.lock().read_all
    }

    fn close(&self) {
        self.lock().closed = true;
        self.room.notify_all();
    }
}

/// Records with the place of the first in the input, their count and size.
type Job = (usize, usize, Vec<RawRecord>);
/// A job's results, with the job's place and size.
type Done<T> = (usize, usize, Vec<Processed<T>>);

/// Results of [`outcomes`], in input order.
pub struct Outcomes<'a, T, W> {
    results: Receiver<Done<T>>,
    /// With no worker threads, the caller's thread processes each record itself.
    inline: Option<(Receiver<Job>, &'a W)>,
    pending: BTreeMap<usize, (usize, Vec<Processed<T>>)>,
    /// The results being handed out.
    current: std::vec::IntoIter<Processed<T>>,
    next: usize,
    in_flight: Arc<InFlight>,
}

impl<T, W> Outcomes<'_, T, W> {
    /// True once the reader has read the whole input: every record left is in flight, at
    /// most [`WINDOW`] of them.
    pub fn input_read(&self) -> bool {
        self.in_flight.read_all()
    }
}

impl<T, W: Fn(Article) -> T + Sync> Iterator for Outcomes<'_, T, W> {
    type Item = Processed<T>;

    fn next(&mut self) -> Option<Processed<T>> {
        loop {
            if let Some(done) = self.current.next() {
                return Some(done);
            }
            let (count, size, done) = match &self.inline {
                Some((jobs, work)) => {
                    let (_, size, raws) = jobs.recv().ok()?;
                    let count = raws.len();
                    (
                        count,
                        size,
                        raws.into_iter().map(|r| process(r, *work)).collect(),
                    )
                }
                None => match self.pending.remove(&self.next) {
                    Some((size, done)) => (done.len(), size, done),
                    None => {
                        let (seq, size, done) = self.results.recv().ok()?;
                        self.pending.insert(seq, (size, done));
                        continue;
                    }
                },
            };
            self.next += count;
            self.in_flight.release(count, size);
            self.current = done.into_iter();
        }
    }
}

impl<T, W> Drop for Outcomes<'_, T, W> {
    fn drop(&mut self) {
        // The reader stops at its next record; then the workers run out of jobs.
        self.in_flight.close();
    }
}

/// Reads `records` on a reader thread and processes each ([`process`] with `work`) on
/// `threads` workers spawned in `scope` (none when `threads <= 1`: the caller's thread
/// processes them as it takes them); results come back in input order. Dropping the
/// iterator early stops the reader and, after the records already read, the workers.
pub fn outcomes<'scope, 'env, T, W>(
    scope: &'scope Scope<'scope, 'env>,
    mut records: Inputs,
    threads: usize,
    work: &'env W,
) -> Outcomes<'env, T, W>
where
    T: Send + 'env,
    W: Fn(Article) -> T + Sync,
{
    let in_flight = Arc::new(InFlight::default());
    let (job_tx, job_rx): (SyncSender<Job>, Receiver<Job>) = mpsc::sync_channel(threads);
    let reader_room = Arc::clone(&in_flight);
    // Not a scoped thread: it may sit in a blocking read of stdin when the caller stops
    // early, and it owns everything it touches. It ends when the input does, or when the
    // caller or the workers are gone.
    std::thread::spawn(move || {
        let mut seq = 0;
        let mut more = true;
        while more {
            let (mut chunk, mut size) = (Vec::with_capacity(CHUNK), 0);
            while chunk.len() < CHUNK && size < CHUNK_BYTES {
                match records.next_raw() {
                    Some(raw) => {
                        size += raw.size();
                        chunk.push(raw);
                    }
                    None => {
                        more = false;
                        reader_room.set_read_all();
                        break;
                    }
                }
            }
            let count = chunk.len();
            if count == 0
                || !reader_room.acquire(count, size)
                || job_tx.send((seq, size, chunk)).is_err()
            {
                break;
            }
            seq += count;
        }
    });
    let (result_tx, results) = mpsc::channel();
    if threads <= 1 {
        return Outcomes {
            results,
            inline: Some((job_rx, work)),
            pending: BTreeMap::new(),
            current: Vec::new().into_iter(),
            next: 0,
            in_flight,
        };
    }
    let job_rx = Arc::new(Mutex::new(job_rx));
    for _ in 0..threads {
        let (jobs, results): (_, Sender<_>) = (Arc::clone(&job_rx), result_tx.clone());
        let in_flight = Arc::clone(&in_flight);
        scope.spawn(move || loop {
            let job = jobs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .recv_timeout(POLL);
            match job {
                Ok((seq, size, raws)) => {
                    let done = raws.into_iter().map(|r| process(r, work)).collect();
                    if results.send((seq, size, done)).is_err() {
                        break;
                    }
                }
                // The reader may be blocked reading (stdin) after the caller stopped.
                Err(RecvTimeoutError::Timeout) if in_flight.is_closed() => break,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        });
    }
    Outcomes {
        results,
        inline: None,
        pending: BTreeMap::new(),
        current: Vec::new().into_iter(),
        next: 0,
        in_flight,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Outcome;
    use std::io::Write;
    use whosaid_io::{read_inputs, ReadOptions};

    /// A JSON Lines file of `n` articles (every 7th line malformed), in a fresh directory.
    fn corpus(name: &str, n: usize) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("whosaid-workers-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("in.jsonl");
        let mut f = std::fs::File::create(&path).expect("temp file");
        for i in 0..n {
            if i % 7 == 3 {
                writeln!(f, "{{not json").expect("write");
            } else {
                writeln!(f, r#"{{"id": "a{i}", "text": "Text {i}."}}"#).expect("write");
            }
        }
        path
    }

    fn ids(threads: usize, path: &std::path::Path, take: usize) -> Vec<String> {
        let work = |a: Article| a.doc.id;
        std::thread::scope(|scope| {
            let inputs = read_inputs(&[path.to_path_buf()], &ReadOptions::default());
            outcomes(scope, inputs, threads, &work)
                .take(take)
                .map(|p| match p.outcome {
                    Outcome::Done(id) => id,
                    Outcome::Failed(record, _) => format!("failed {}", record.id),
                })
                .collect()
        })
    }

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        let path = corpus("order", 2000);
        let one = ids(1, &path, usize::MAX);
        assert_eq!(one.len(), 2000);
        assert_eq!(one[0], "a0");
        assert!(one[3].starts_with("failed"), "{}", one[3]);
        assert_eq!(one[1999], "a1999");
        for threads in [2, 3, 8] {
            assert_eq!(ids(threads, &path, usize::MAX), one, "{threads} threads");
        }
        let _ = path.parent().map(std::fs::remove_dir_all);
    }

    #[test]
    fn stopping_early_ends_the_workers() {
        // More records than the window holds: the reader is blocked when the caller stops,
        // and the scope must still end.
        let path = corpus("early", 3 * WINDOW);
        let got = ids(2, &path, 5);
        assert_eq!(got[..3], ["a0", "a1", "a2"]);
        assert!(
            got[3].starts_with("failed") && got[3].ends_with("in.jsonl:4"),
            "{}",
            got[3]
        );
        assert_eq!(got[4], "a4");
        let _ = path.parent().map(std::fs::remove_dir_all);
    }

    #[test]
    fn the_input_counts_as_read_once_the_rest_fits_the_window() {
        let n = 4 * WINDOW;
        let path = corpus("read", n);
        let work = |a: Article| a.doc.id;
        std::thread::scope(|scope| {
            let inputs = read_inputs(&[path.to_path_buf()], &ReadOptions::default());
            let mut results = outcomes(scope, inputs, 2, &work);
            let mut taken = 0;
            let mut first_read_at = None;
            while results.next().is_some() {
                taken += 1;
                if first_read_at.is_none() && results.input_read() {
                    first_read_at = Some(taken);
                }
            }
            assert_eq!(taken, n);
            // (the reader marks the input read after sending its last record, so on a
            // busy machine the caller may take them all before it does)
            if first_read_at.is_none() && results.input_read() {
                first_read_at = Some(taken);
            }
            // The reader can be at most a window ahead of the caller.
            let at = first_read_at.expect("the input was read");
            assert!(at >= n - WINDOW - CHUNK, "read after {at} of {n}");
        });
        let _ = path.parent().map(std::fs::remove_dir_all);
    }
}
