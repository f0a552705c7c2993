//! # whosaid-store
//!
//! A corpus you can ask: whosaid analyses of many articles kept in one SQLite file
//! (WAL mode, FTS5 over quotations), with speakers made one entity across articles,
//! quotations deduplicated across articles, search, and Quotebank-compatible export.
//!
//! ```
//! use whosaid_core::{analyze, Document};
//! use whosaid_store::{Prepared, SearchQuery, Store};
//!
//! let mut store = Store::open_in_memory()?;
//! let doc = Document::new("a1", "\"We will win,\" Mayor Ann Lee said.");
//! let analysis = analyze(&doc);
//! let report = store.ingest_batch(&[Prepared::new(doc, analysis)], &[])?;
//! assert_eq!(report.articles, 1);
//! store.canonicalize()?;
//! let hits = store.search(&SearchQuery::new("win"))?;
//! assert_eq!(hits.len(), report.quotes);
//! # Ok::<(), whosaid_store::StoreError>(())
//! ```
//!
//! ## Guarantees
//!
//! * **Idempotent**: an article whose id, URL or content hash (SHA-256 of the text) is
//!   already stored is skipped, by check and by `UNIQUE` constraints.
//! * **Crash-safe and resumable**: [`Store::ingest_batch`] writes a whole batch (each
//!   article with all of its rows) in one transaction; after a crash or `kill -9` the
//!   file holds whole batches only, and re-running the same ingest adds the rest.
//! * **Derived tables rebuilt whole**: speakers, aliases, titles and the name map are a
//!   function of the stored quotes and the gazetteer; [`Store::canonicalize`] recomputes
//!   them in one transaction (the `meta` flag `speakers_dirty` says when it is due, and
//!   search and export run it first when needed).

#![warn(missing_docs)]

pub mod export;
pub mod gazetteer;
mod ingest;
pub mod names;
pub mod norm;
mod query;
pub mod schema;

pub use export::QuotebankRecord;
pub use gazetteer::read_gazetteer;
pub use ingest::{BatchReport, Prepared};
pub use names::GazetteerEntry;
pub use query::{Hit, SearchQuery, SpeakerSummary};

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Everything that can go wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Writing an export stream failed.
    #[error("cannot write output: {0}")]
    Write(#[from] std::io::Error),
    /// A gazetteer line is malformed.
    #[error("gazetteer line {line}: {message}")]
    Gazetteer {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// JSON could not be encoded or decoded.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// The Parquet writer or reader failed.
    #[error("parquet error: {0}")]
    Parquet(String),
    /// A search argument is unusable.
    #[error("invalid query: {0}")]
    Query(String),
    /// The file is a corpus of another schema version.
    #[error(
        "corpus schema version {found}, this whosaid reads version {}: ingest into a new file",
        schema::SCHEMA_VERSION
    )]
    SchemaVersion {
        /// The version recorded in the file.
        found: String,
    },
    /// Stored data is not what this version wrote.
    #[error("corrupt corpus: {0}")]
    Corrupt(String),
}

/// A result with a [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Figures about a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Stats {
    /// Articles stored.
    pub articles: u64,
    /// Bytes of article text stored.
    pub text_bytes: u64,
    /// Sentences stored.
    pub sentences: u64,
    /// Quote occurrences stored (one per quote per article).
    pub quotes: u64,
    /// Speaker entities, or `None` when quotes or the gazetteer changed since they were
    /// last grouped: [`Store::ensure_canonical`] (run by search, speakers and export)
    /// groups them again.
    pub speakers: Option<u64>,
    /// Artifacts stored.
    pub artifacts: u64,
    /// Reader errors recorded.
    pub errors: u64,
}

/// Brings a version 5 corpus to version 6, in one transaction: the speaker index goes,
/// the schema's new tables are created and `speaker_articles` is counted from the quotes.
fn migrate_from_5(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "BEGIN;
         DROP INDEX IF EXISTS quotes_speaker;
         {}
         INSERT OR REPLACE INTO speaker_articles(key, articles)
             SELECT speaker_key, count(DISTINCT article_id) FROM quotes
             WHERE speaker_key IS NOT NULL GROUP BY speaker_key;
         UPDATE meta SET value = '{}' WHERE key = 'schema_version';
         COMMIT;",
        schema::SCHEMA,
        schema::SCHEMA_VERSION
    ))?;
    Ok(())
}

/// Brings a corpus of version 5 to 7 to version 8, in one transaction: the content hash
/// of every stored article is copied into `article_hashes` (its UNIQUE index stays and
/// keeps working).
fn migrate_to_8(conn: &Connection) -> Result<()> {
    // Rolled back when dropped uncommitted.
    let tx = conn.unchecked_transaction()?;
    {
        let mut read = tx.prepare("SELECT id, content_hash FROM articles ORDER BY id")?;
        let mut write =
            tx.prepare("INSERT OR IGNORE INTO article_hashes(article_id, hash) VALUES (?1, ?2)")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let (id, hash): (i64, String) = (row.get(0)?, row.get(1)?);
            write.execute(rusqlite::params![id, norm::hash_key(&hash)])?;
        }
    }
    tx.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
        [schema::SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}

/// The content-hash keys ([`norm::hash_key`]) of the stored articles, in memory: which
/// texts the corpus holds, without an index whose keys land on random pages.
#[derive(Debug, Default)]
struct KnownHashes {
    /// The largest article id read from `article_hashes`.
    through: i64,
    keys: foldhash::HashSet<i64>,
}

impl KnownHashes {
    /// Reads the keys of the articles stored since the last call (by this or another
    /// connection: article ids only grow, and no article is deleted).
    fn catch_up(&mut self, conn: &Connection) -> Result<()> {
        let mut st = conn.prepare_cached(
            "SELECT article_id, hash FROM article_hashes WHERE article_id > ?1 ORDER BY article_id",
        )?;
        let mut rows = st.query([self.through])?;
        while let Some(row) = rows.next()? {
            let (id, key): (i64, i64) = (row.get(0)?, row.get(1)?);
            self.keys.insert(key);
            self.through = self.through.max(id);
        }
        Ok(())
    }

    /// Records the key of an article just written with id `article`.
    fn add(&mut self, article: i64, key: i64) {
        self.keys.insert(key);
        self.through = self.through.max(article);
    }
}

/// Adds the quotes stored after the full-text index's watermark (`meta.fts_quote_id`) to
/// the index when at least `min` of them wait, and moves the watermark, inside the
/// caller's transaction. Returns the number indexed.
fn index_waiting(tx: &Connection, min: u64) -> Result<u64> {
    let (done, last): (i64, i64) = tx.query_row(
        "SELECT (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_quote_id'),
                (SELECT coalesce(max(id), 0) FROM quotes)",
        [],
        |r| Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(0), r.get(1)?)),
    )?;
    let waiting = u64::try_from(last - done).unwrap_or(0);
    if waiting == 0 || waiting < min {
        return Ok(0);
    }
    tx.prepare_cached(&format!(
        "INSERT INTO quotes_fts(rowid, content, who, outlet)
         SELECT q.id, {}, whosaid_tag('k', q.speaker_key), whosaid_tag('o', a.source)
         FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.id > ?1 AND q.id <= ?2",
        schema::quote_text_sql("content")
    ))?
    .execute([done, last])?;
    tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'fts_quote_id'")?
        .execute([last])?;
    Ok(waiting)
}

/// How long a connection waits for another one's lock before "database is locked".
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `step` again while it fails with SQLITE_BUSY, for up to `timeout` (sleeping 1 ms,
/// doubling up to 50 ms between tries), for the statements SQLite does not retry with the
/// connection's busy handler.
fn retry_busy<T>(
    timeout: std::time::Duration,
    mut step: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let start = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        match step() {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && start.elapsed() < timeout =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Tags kept by the `whosaid_tag` SQL function before it forgets them all.
const RECENT_TAGS: usize = 4096;

/// How an article is already in the corpus ([`Store::stored_as`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredAs {
    /// Its text (the same content hash): a re-ingest.
    Text,
    /// Its id or URL, with another text: a conflict; the corpus keeps the stored one.
    IdOrUrl,
}

/// A corpus database.
pub struct Store {
    conn: Connection,
    /// Quotes that may wait for the full-text index (see [`Store::set_index_chunk`]).
    index_chunk: u64,
    /// Articles after which a write transaction commits (see [`Store::set_commit_every`]).
    commit_every: u64,
    /// Articles written in the open write transaction; None when none is open.
    uncommitted: Option<u64>,
    /// The stored texts' hash keys, loaded on first use (None until then, and after a
    /// rollback, which may have taken keys it held away).
    hashes: std::cell::RefCell<Option<KnownHashes>>,
}

impl Store {
    /// Opens (creating if needed) the corpus at `path`, in WAL mode.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let conn = Connection::open(path.as_ref())?;
        Store::setup(conn)
    }

    /// A corpus in memory, for tests and one-off use.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // 16 KiB pages for a new corpus (an existing one keeps its own; the size is fixed
        // by the first write): fewer pages and syscalls per article written, and fewer
        // B-tree levels. 20k synthetic articles ingested in 4.63-4.75 s against 5.09-5.12
        // s with 4 KiB pages, and 20k more added to 200k in 6.29-6.45 s against
        // 6.53-7.32 s (8 and 32 KiB lie between; 64 KiB was slower); 1M articles in 313 s
        // against 357.7 s, search p99 20.3 against 31.5 ms (runs one after the other).
        conn.execute_batch("PRAGMA page_size=16384;")?;
        // In-memory databases answer "memory"; that is fine. Switching a new corpus to WAL
        // needs it to itself: while another connection is creating the same corpus (two
        // ingests started together) SQLite answers "database is locked" at once, without
        // calling the busy handler, so the switch is retried as that handler would wait.
        let _mode: String = retry_busy(BUSY_TIMEOUT, || {
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        })?;
        // synchronous=NORMAL in WAL mode: a commit is durable once the WAL is synced at a
        // checkpoint, and a crash never corrupts the file or splits a transaction.
        // Checkpoints every 16 MiB of WAL (4096 pages) rather than 4 MiB: pages written
        // by several batches (indexes, FTS segments) are copied back once.
        // foreign_keys=OFF (the bundled SQLite turns them on): the REFERENCES clauses say
        // what points where, and the store writes both ends itself, an article before
        // its quotes in one transaction. Checking them looked the article up again for
        // every quote and artifact row: 7.7% of `ingest_batch`'s instructions
        // (`foreign_key_check` finds nothing after an ingest, see the tests).
        conn.execute_batch(
            "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;
             PRAGMA wal_autocheckpoint=4096; PRAGMA foreign_keys=OFF;",
        )?;
        let has_meta: bool = conn.query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get(0),
        )?;
        let mut hashes_missing = false;
        if has_meta {
            let found: Option<String> = conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'schema_version'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            hashes_missing = matches!(found.as_deref(), Some("5" | "6" | "7"));
            match found.as_deref() {
                Some("5") => migrate_from_5(&conn)?,
                // Version 7 only stopped writing span texts that the article holds;
                // version 8 adds article_hashes (filled below).
                Some("6" | "7") => {}
                Some(v) if v != schema::SCHEMA_VERSION => {
                    return Err(StoreError::SchemaVersion {
                        found: v.to_string(),
                    })
                }
                _ => {}
            }
        }
        // whosaid_tag(prefix, value): norm::index_tag, for the index's filter columns.
        // Called for two columns of every quote indexed, whose values repeat from row to
        // row (an article's outlet, its speakers), so recent tags are kept.
        let recent: std::cell::RefCell<(String, foldhash::HashMap<String, String>)> =
            Default::default();
        conn.create_scalar_function(
            "whosaid_tag",
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| {
                let prefix = ctx.get_raw(0).as_str()?.chars().next().unwrap_or('x');
                let Some(value) = ctx.get_raw(1).as_str_or_null()? else {
                    return Ok(None);
                };
                let (key, tags) = &mut *recent.borrow_mut();
                key.clear();
                key.push(prefix);
                key.push_str(value);
                if let Some(tag) = tags.get(key.as_str()) {
                    return Ok(Some(tag.clone()));
                }
                if tags.len() >= RECENT_TAGS {
                    tags.clear();
                }
                let tag = norm::index_tag(prefix, value);
                tags.insert(key.clone(), tag.clone());
                Ok(Some(tag))
            },
        )?;
        conn.execute_batch(schema::SCHEMA)?;
        if hashes_missing {
            migrate_to_8(&conn)?;
        }
        // Written only when missing: a write would wait for an ingest's transaction, and
        // a search that opens the corpus during an ingest must not.
        let (versioned, watermarked): (bool, bool) = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'schema_version'),
                    EXISTS (SELECT 1 FROM meta WHERE key = 'fts_quote_id')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if !versioned {
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?1)",
                [schema::SCHEMA_VERSION],
            )?;
        }
        let tuned: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM quotes_fts_config WHERE k = 'automerge')",
            [],
            |r| r.get(0),
        )?;
        if !tuned {
            conn.execute_batch(schema::FTS_SETTINGS)?;
        }
        if !watermarked {
            // Corpora written before the watermark existed indexed every batch's quotes.
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value)
                 SELECT 'fts_quote_id', coalesce(max(id), 0) FROM quotes",
                [],
            )?;
        }
        Ok(Store {
            conn,
            index_chunk: 1,
            commit_every: 1,
            uncommitted: None,
            hashes: Default::default(),
        })
    }

    /// Lets [`Store::ingest_batch`] (and [`Store::flush_index_from`]) leave their write
    /// transaction open until at least `articles` articles are written in it (default 1:
    /// each batch commits). [`Store::commit`] commits the open one. Every commit writes
    /// each page it changed to the write-ahead log, and the keys of some indexes land on
    /// pages all over their B-trees (the day and outlet + day of articles not ingested in
    /// date order; before version 8 the content hash): with one commit per 1,024 articles
    /// a million-article corpus wrote each of those pages about a thousand times. Crash safety is kept (a crash loses the batches
    /// since the last commit, which a resumed ingest writes again); the cost is that the
    /// open transaction's changed pages stay in the page cache until its commit, and
    /// that an error rolls back every batch since the last commit.
    pub fn set_commit_every(&mut self, articles: u64) {
        self.commit_every = articles.max(1);
    }

    /// Articles written in the open write transaction (0 when none is open).
    pub fn uncommitted(&self) -> u64 {
        self.uncommitted.unwrap_or(0)
    }

    /// Commits the write transaction that [`Store::set_commit_every`] left open, if any.
    pub fn commit(&mut self) -> Result<()> {
        if self.uncommitted.take().is_some() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    /// Runs `write` in the open write transaction (beginning one if none is open); `write`
    /// returns its result and the articles it added. Commits when the transaction holds
    /// [`Store::set_commit_every`] articles; on error rolls it back.
    fn in_write<T>(
        &mut self,
        write: impl FnOnce(&Connection, &mut KnownHashes) -> Result<(T, u64)>,
    ) -> Result<T> {
        if self.uncommitted.is_none() {
            // IMMEDIATE: the write lock first, so that the hashes read next are the latest
            // (a deferred transaction that read before another writer committed could not
            // write afterwards).
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.uncommitted = Some(0);
        }
        let written = (|| {
            let hashes = self.hashes.get_mut().get_or_insert_with(Default::default);
            hashes.catch_up(&self.conn)?;
            write(&self.conn, hashes)
        })();
        match written {
            Ok((value, articles)) => {
                let total = self.uncommitted.unwrap_or(0) + articles;
                self.uncommitted = Some(total);
                if self.commit_every <= 1 || total >= self.commit_every {
                    self.commit()?;
                }
                Ok(value)
            }
            Err(e) => {
                self.uncommitted = None;
                *self.hashes.get_mut() = None;
                // An error that already ended the transaction leaves nothing to roll back.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Lets up to `quotes` stored quotes wait before [`Store::ingest_batch`] adds them to
    /// the full-text index (default 1: every batch indexes its own quotes). Indexing many
    /// batches' quotes at once writes fewer, larger FTS5 segments, so the index is
    /// rewritten by fewer merges as the corpus grows; until then the waiting quotes are
    /// stored but not found by [`Store::search`]. [`Store::flush_index`] indexes them.
    pub fn set_index_chunk(&mut self, quotes: u64) {
        self.index_chunk = quotes.max(1);
    }

    /// Adds every stored quote not yet in the full-text index to it, in one transaction
    /// (after an ingest with [`Store::set_index_chunk`], or one stopped by a crash).
    /// Returns the number of quotes indexed.
    pub fn flush_index(&mut self) -> Result<u64> {
        self.flush_index_from(1)
    }

    /// [`Store::flush_index`] when at least `min` quotes wait for the index; otherwise
    /// nothing. Returns the number of quotes indexed.
    pub fn flush_index_from(&mut self, min: u64) -> Result<u64> {
        self.in_write(|conn, _| Ok((index_waiting(conn, min.max(1))?, 0)))
    }

    /// The underlying connection, for queries this API does not cover.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// True when an article with this id, URL or content hash is already stored.
    pub fn contains(&self, doc_id: &str, url: Option<&str>, content_hash: &str) -> Result<bool> {
        Ok(self.stored_as(doc_id, url, content_hash)?.is_some())
    }

    /// How an article with this id, URL and content hash is already stored, if it is:
    /// its text, or only its id or URL (with another text).
    pub fn stored_as(
        &self,
        doc_id: &str,
        url: Option<&str>,
        content_hash: &str,
    ) -> Result<Option<StoredAs>> {
        {
            let mut hashes = self.hashes.borrow_mut();
            let hashes = hashes.get_or_insert_with(Default::default);
            hashes.catch_up(&self.conn)?;
            if hashes.keys.contains(&norm::hash_key(content_hash)) {
                return Ok(Some(StoredAs::Text));
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT 1 FROM articles WHERE doc_id = ?1 OR (?2 IS NOT NULL AND url = ?2) LIMIT 1",
        )?;
        Ok(st
            .query_row(rusqlite::params![doc_id, url], |_| Ok(()))
            .optional()?
            .map(|()| StoredAs::IdOrUrl))
    }

    /// The sentence spans `(start, end, char_start, char_end)` (byte and char offsets into
    /// the text) of the stored article with this id; `None` when there is none.
    pub fn sentences(&self, doc_id: &str) -> Result<Option<Vec<norm::SentenceSpan>>> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT sentences FROM articles WHERE doc_id = ?1",
                [doc_id],
                |r| r.get(0),
            )
            .optional()?;
        match blob {
            None => Ok(None),
            Some(b) => norm::decode_spans(&b)
                .map(Some)
                .ok_or_else(|| StoreError::Corrupt(format!("sentences of {doc_id}"))),
        }
    }

    /// Copies the transactions committed so far from the write-ahead log into the database
    /// file (`PRAGMA wal_checkpoint(PASSIVE)`): waits for no one, and lets another
    /// connection go on writing meanwhile. Whatever it copies, the checkpoint run when the
    /// last connection closes need not copy again.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Counts of what is stored: counters kept by each ingest batch, so this costs the
    /// same for any corpus size.
    pub fn stats(&self) -> Result<Stats> {
        let count = |key: &str| -> Result<u64> {
            Ok(self.meta(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
        };
        let speakers = if self.speakers_dirty()? {
            None
        } else {
            let n: i64 = self
                .conn
                .query_row("SELECT count(*) FROM speakers", [], |r| r.get(0))?;
            Some(u64::try_from(n).unwrap_or(0))
        };
        Ok(Stats {
            articles: count("count_articles")?,
            text_bytes: count("count_text_bytes")?,
            sentences: count("count_sentences")?,
            quotes: count("count_quotes")?,
            speakers,
            artifacts: count("count_artifacts")?,
            errors: count("count_errors")?,
        })
    }

    /// Distinct quotations after normalisation (quote groups). Reads every quote: its
    /// cost grows with the corpus.
    pub fn quote_groups(&self) -> Result<u64> {
        let v: i64 = self.conn.query_row(
            "SELECT count(*) FROM (SELECT DISTINCT group_id FROM quotes WHERE group_id IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(v).unwrap_or(0))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// True when quotes or the gazetteer changed since the last [`Store::canonicalize`].
    pub fn speakers_dirty(&self) -> Result<bool> {
        Ok(self.meta("speakers_dirty")?.as_deref() == Some("1"))
    }

    /// Runs [`Store::canonicalize`] if [`Store::speakers_dirty`].
    pub fn ensure_canonical(&mut self) -> Result<()> {
        if self.speakers_dirty()? {
            self.canonicalize()?;
        }
        Ok(())
    }

    /// Replaces the stored gazetteer (used by the next [`Store::canonicalize`]).
    pub fn set_gazetteer(&mut self, entries: &[GazetteerEntry]) -> Result<()> {
        self.commit()?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM gazetteer", [])?;
        {
            let mut st = tx.prepare(
                "INSERT INTO gazetteer(idx, name, aliases, wikidata) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, e) in entries.iter().enumerate() {
                let aliases = serde_json::to_string(&e.aliases)?;
                st.execute(rusqlite::params![i as i64, e.name, aliases, e.wikidata])?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('speakers_dirty', '1')",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The stored gazetteer.
    pub fn gazetteer(&self) -> Result<Vec<GazetteerEntry>> {
        let mut st = self
            .conn
            .prepare("SELECT name, aliases, wikidata FROM gazetteer ORDER BY idx")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, aliases, wikidata) = row?;
            out.push(GazetteerEntry {
                name,
                aliases: serde_json::from_str(&aliases)?,
                wikidata,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
