//! The SQLite schema. Every table is created `IF NOT EXISTS`, so opening an existing
//! corpus is a no-op; [`SCHEMA_VERSION`] is recorded in `meta`.

/// The version written to `meta.schema_version`.
pub const SCHEMA_VERSION: &str = "8";

/// FTS5 settings of `quotes_fts`, kept in the index and written once. An ingest batch's
/// terms (about 25,000 quotes) fit the 64 MiB term buffer, so that a batch flushes one
/// segment rather than a dozen; segments are merged 16 at a time rather than 4, so each
/// posting is rewritten fewer times as the index grows. (At 1M articles FTS5 merging
/// was a quarter of the ingest writer's time with 4; 16 instead of 8 took the 1M ingest
/// from 231.7 to 222.5 s, user 396 → 381 s, search p99 over 1,000 queries 22.9 ms, the
/// same as with 8. Corpora keep the value they were created with.)
pub const FTS_SETTINGS: &str = "
INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('automerge', 16);
";

/// The DDL, run on every open.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per article; the UNIQUE keys (id, URL) and the content hashes in
-- article_hashes make re-ingest a no-op. Sentence offsets
-- are packed in `sentences` (see norm::encode_spans: four varints per sentence, each a
-- delta, about 5 bytes a sentence) rather than one row per sentence, which cost more to
-- write than the article itself.
CREATE TABLE IF NOT EXISTS articles (
    id             INTEGER PRIMARY KEY,
    doc_id         TEXT NOT NULL UNIQUE,
    url            TEXT UNIQUE,
    title          TEXT,
    date           TEXT,
    day            TEXT,            -- date normalised to YYYY-MM-DD when it starts with one
    source         TEXT,
    content_hash   TEXT NOT NULL,   -- SHA-256 of the text, hex (UNIQUE before version 8)
    bytes          INTEGER NOT NULL,
    sentence_count INTEGER NOT NULL,
    sentences      BLOB NOT NULL,   -- (start, end, char_start, char_end) of each sentence
    text           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_day ON articles(day);
-- The first 64 bits of each article's content hash (norm::hash_key), appended in article
-- order. Store keeps them in a hash set, loaded once and caught up by article id, and
-- skips an article whose text is stored already. A UNIQUE index on the hash did the same,
-- but a hash key lands on a random page of the index: a million-article ingest rewrote
-- most of that index at every commit (25 GB of the 82 GB it wrote; 280 s against 252 s
-- without it).
CREATE TABLE IF NOT EXISTS article_hashes (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    hash       INTEGER NOT NULL
);
-- A search by outlet without words walks that outlet's articles newest first.
CREATE INDEX IF NOT EXISTS articles_source_day ON articles(source COLLATE NOCASE, day);

-- A quote's content, cue, mention and addressee are spans of its article's text. The
-- writer stores a span's text only when it is not the article's bytes between the span's
-- offsets (never, for what whosaid_core found): content is then '' and the others NULL
-- with their offsets set, and readers take the text from the article (quote_text_sql).
-- The text was half of each row's bytes (version 6 stored it; those rows read the same).
CREATE TABLE IF NOT EXISTS quotes (
    id             INTEGER PRIMARY KEY,
    article_id     INTEGER NOT NULL REFERENCES articles(id),
    idx            INTEGER NOT NULL,
    group_id       INTEGER,         -- norm::quote_group_id: the same for the same quotation
    kind           TEXT NOT NULL,
    content        TEXT NOT NULL,   -- '' when the article's text at start..end
    start          INTEGER NOT NULL,
    end            INTEGER NOT NULL,
    char_start     INTEGER NOT NULL,
    char_end       INTEGER NOT NULL,
    cue            TEXT,            -- NULL with cue_start set: the article's text
    cue_start      INTEGER,
    cue_end        INTEGER,
    mention        TEXT,            -- NULL with mention_start set: the article's text
    mention_start  INTEGER,
    mention_end    INTEGER,
    speaker_name   TEXT,
    speaker_key    TEXT,            -- names::name_key(speaker_name)
    resolution     TEXT NOT NULL,
    mention_alias  TEXT,            -- the name as written in the mention
    title          TEXT,            -- the role before the name in the mention
    addressee      TEXT,            -- NULL with addressee_start set: the article's text
    addressee_start INTEGER,
    addressee_end  INTEGER,
    confidence     REAL NOT NULL,
    UNIQUE (article_id, idx)
);
-- No index on group_id or speaker_key, and no table of groups: each is keyed by a hash or
-- a name, so every quote written would dirty a random page of it, and each batch's commit
-- rewrote thousands of such pages (a group index: 17× the database size written at 90k
-- articles; the speaker index: 20k articles added to 200k took 12.9 s with it, 9.7 s
-- without). Export sorts by group; a speaker's quotes are found through the `who` token
-- of quotes_fts.

-- Full-text index of the quotes, contentless (the text lives in `quotes`). Besides the
-- quotation it indexes one token for the speaker key (`who`) and one for the article's
-- outlet (`outlet`), norm::index_tag (SQL function whosaid_tag), so that a search with a
-- speaker or outlet filter intersects posting lists inside FTS5 instead of walking every
-- match of its words (Store::search keeps the exact SQL checks as well).
CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5(
    content, who, outlet, content='', contentless_delete=1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- No insert trigger: the quotes stored since meta.fts_quote_id are indexed with one
-- INSERT ... SELECT, by each batch or every Store::set_index_chunk quotes. A trigger
-- makes every quote insert a multi-row write with a statement savepoint, and FTS5
-- flushes its pending terms to a new segment at every savepoint, which made the index
-- cost more than the analysis.
CREATE TRIGGER IF NOT EXISTS quotes_fts_delete AFTER DELETE ON quotes BEGIN
    DELETE FROM quotes_fts WHERE rowid = old.id;
END;

CREATE TABLE IF NOT EXISTS artifacts (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    idx        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;

-- Records the readers could not turn into articles, kept once per (record, reason).
CREATE TABLE IF NOT EXISTS ingest_errors (
    id        INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    error     TEXT NOT NULL,
    UNIQUE (record_id, error)
);

-- The user gazetteer as last loaded.
CREATE TABLE IF NOT EXISTS gazetteer (
    idx      INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    aliases  TEXT NOT NULL,         -- JSON array
    wikidata TEXT
);

-- Articles quoting each speaker key, added to by each ingest batch (Store::speakers sums
-- them over a speaker's keys).
CREATE TABLE IF NOT EXISTS speaker_articles (
    key      TEXT PRIMARY KEY,      -- quotes.speaker_key
    articles INTEGER NOT NULL
) WITHOUT ROWID;

-- Quotes per speaker name as the articles gave it, added to by each ingest batch, so
-- that Store::canonicalize reads this small table rather than every quote. alias and
-- title are '' when the mention had none.
CREATE TABLE IF NOT EXISTS speaker_names (
    key        TEXT NOT NULL,       -- quotes.speaker_key
    name       TEXT NOT NULL,       -- quotes.speaker_name
    resolution TEXT NOT NULL,
    alias      TEXT NOT NULL,       -- quotes.mention_alias
    title      TEXT NOT NULL,       -- quotes.title
    quotes     INTEGER NOT NULL,
    PRIMARY KEY (key, name, resolution, alias, title)
) WITHOUT ROWID;

-- Derived by Store::canonicalize from quotes + gazetteer; rebuilt whole.
CREATE TABLE IF NOT EXISTS speakers (
    id        INTEGER PRIMARY KEY,
    canonical TEXT NOT NULL,
    wikidata  TEXT,
    quotes    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS name_map (
    key        TEXT PRIMARY KEY,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    norm       TEXT NOT NULL,
    alias      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, norm)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_norm ON aliases(norm);
CREATE TABLE IF NOT EXISTS titles (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    norm       TEXT NOT NULL,
    title      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, norm)
) WITHOUT ROWID;
"#;

/// The SQL expression of a quote's span text `column` (`content`, `cue`, `mention` or
/// `addressee`) in a query that names the quote `q` and its article `a`: the text as
/// stored, or, when the writer left it out, the article's text between the span's byte
/// offsets.
pub fn quote_text_sql(column: &str) -> String {
    let (start, end) = match column {
        "content" => ("start".to_string(), "end".to_string()),
        _ => (format!("{column}_start"), format!("{column}_end")),
    };
    format!(
        "coalesce(nullif(q.{column}, ''), \
         CAST(substr(CAST(a.text AS BLOB), q.{start} + 1, q.{end} - q.{start}) AS TEXT))"
    )
}
