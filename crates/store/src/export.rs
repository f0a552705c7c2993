//! Quotebank-compatible export: one record per deduplicated quotation.
//!
//! Fields, as in Quotebank (Vaucher et al., 2021):
//!
//! | field | meaning |
//! | --- | --- |
//! | `quoteID` | `FIRSTDAY-HHHHHHHHHHHHHHHH`: the first day the quotation was seen (or `0000-00-00` when no article is dated) and its quote-group id (`norm::quote_group_id`, a hash of the normalised quotation) in 16 hex digits |
//! | `quotation` | the quotation as first seen |
//! | `speaker` | the most frequent canonical speaker over its occurrences, or `"None"` |
//! | `qids` | Wikidata ids of `speaker` (from the gazetteer), possibly empty |
//! | `date` | first-seen date as `YYYY-MM-DD HH:MM:SS`, `null` when no article is dated |
//! | `numOccurrences` | number of occurrences (one per quote found per article) |
//! | `probas` | `[[speaker, "p"], ...]`: share of occurrences per speaker (`"None"` for unresolved), 4 decimals, most likely first |
//! | `urls` | URLs of the articles (the article id when it has no URL), in first-seen order |
//!
//! JSON Lines writes exactly these keys. CSV has the same columns with `qids` and `urls`
//! joined by `|` and `probas` as its JSON text. Parquet (feature `parquet`) has
//! `qids`/`urls` as `LIST<STRING>` and `probas` as `LIST<STRUCT<speaker: STRING, proba:
//! DOUBLE>>`; [`read_parquet`] reads such a file back.

use crate::norm::quotebank_date;
use crate::{Result, Store};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;

/// One deduplicated quotation, Quotebank-style.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotebankRecord {
    /// `FIRSTDAY-HHHHHHHHHHHHHHHH` (first-seen day, quote-group id in hex).
    #[serde(rename = "quoteID")]
    pub quote_id: String,
    /// The quotation.
    pub quotation: String,
    /// Most likely speaker, or `"None"`.
    pub speaker: String,
    /// Wikidata ids of the speaker.
    pub qids: Vec<String>,
    /// First-seen date, `YYYY-MM-DD HH:MM:SS`.
    pub date: Option<String>,
    /// Occurrences across the corpus.
    #[serde(rename = "numOccurrences")]
    pub num_occurrences: u64,
    /// `[speaker, probability]` pairs, most likely first; probability as a decimal string.
    pub probas: Vec<[String; 2]>,
    /// Article URLs (or ids).
    pub urls: Vec<String>,
}

/// The speaker string Quotebank uses for "nobody".
pub const NO_SPEAKER: &str = "None";

struct Group {
    id: i64,
    quotation: String,
    date: Option<String>,
    day: Option<String>,
    speakers: Vec<(Option<i64>, u64)>,
    occurrences: u64,
    urls: Vec<String>,
}

impl Group {
    fn finish(self, speakers: &HashMap<i64, (String, Option<String>)>) -> QuotebankRecord {
        let mut counts = self.speakers;
        counts.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.0.is_none().cmp(&b.0.is_none()))
                .then_with(|| a.0.cmp(&b.0))
        });
        let total = self.occurrences.max(1) as f64;
        let name = |id: Option<i64>| {
            id.and_then(|i| speakers.get(&i))
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| NO_SPEAKER.to_string())
        };
        let probas: Vec<[String; 2]> = counts
            .iter()
            .map(|(id, n)| [name(*id), format!("{:.4}", *n as f64 / total)])
            .collect();
        let top = counts.first().and_then(|(id, _)| *id);
        QuotebankRecord {
            quote_id: format!(
                "{}-{:016x}",
                self.day.as_deref().unwrap_or("0000-00-00"),
                self.id
            ),
            quotation: self.quotation,
            speaker: name(top),
            qids: top
                .and_then(|i| speakers.get(&i))
                .and_then(|(_, q)| q.clone())
                .into_iter()
                .collect(),
            date: self.date.as_deref().and_then(quotebank_date),
            num_occurrences: self.occurrences,
            probas,
            urls: self.urls,
        }
    }
}

impl Store {
    /// Calls `f` with every deduplicated quotation, in quote-group order. Brings the
    /// speaker tables up to date first when needed.
    pub fn for_each_quotebank_record<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(QuotebankRecord) -> Result<()>,
    {
        self.ensure_canonical()?;
        let mut speakers: HashMap<i64, (String, Option<String>)> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT id, canonical, wikidata FROM speakers")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                speakers.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
            }
        }
        // Undated articles sort after dated ones within a group.
        let mut st = self.conn.prepare(&format!(
            "SELECT q.group_id, {}, m.speaker_id, coalesce(a.url, a.doc_id), a.date, a.day
             FROM quotes q JOIN articles a ON a.id = q.article_id
             LEFT JOIN name_map m ON m.key = q.speaker_key
             WHERE q.group_id IS NOT NULL
             ORDER BY q.group_id, a.day IS NULL, a.day, q.id",
            crate::schema::quote_text_sql("content")
        ))?;
        let mut rows = st.query([])?;
        let mut cur: Option<Group> = None;
        while let Some(r) = rows.next()? {
            let gid: i64 = r.get(0)?;
            if cur.as_ref().is_some_and(|g| g.id != gid) {
                if let Some(g) = cur.take() {
                    f(g.finish(&speakers))?;
                }
            }
            let g = cur.get_or_insert_with(|| Group {
                id: gid,
                quotation: String::new(),
                date: None,
                day: None,
                speakers: Vec::new(),
                occurrences: 0,
                urls: Vec::new(),
            });
            if g.occurrences == 0 {
                g.quotation = r.get(1)?;
                g.date = r.get(4)?;
                g.day = r.get(5)?;
            }
            g.occurrences += 1;
            let sp: Option<i64> = r.get(2)?;
            match g.speakers.iter_mut().find(|(s, _)| *s == sp) {
                Some((_, n)) => *n += 1,
                None => g.speakers.push((sp, 1)),
            }
            let url: String = r.get(3)?;
            if !g.urls.contains(&url) {
                g.urls.push(url);
            }
        }
        if let Some(g) = cur.take() {
            f(g.finish(&speakers))?;
        }
        Ok(())
    }

    /// Writes every deduplicated quotation as Quotebank JSON Lines; returns the count.
    pub fn export_jsonl<W: Write>(&mut self, mut out: W) -> Result<u64> {
        let mut n = 0;
        self.for_each_quotebank_record(|rec| {
            serde_json::to_writer(&mut out, &rec)?;
            out.write_all(b"\n")?;
            n += 1;
            Ok(())
        })?;
        out.flush()?;
        Ok(n)
    }

    /// Writes every deduplicated quotation as CSV with a header row; returns the count.
    pub fn export_csv<W: Write>(&mut self, mut out: W) -> Result<u64> {
        out.write_all(b"quoteID,quotation,speaker,qids,date,numOccurrences,probas,urls\n")?;
        let mut n = 0;
        self.for_each_quotebank_record(|rec| {
            let probas = serde_json::to_string(&rec.probas)?;
            let fields = [
                rec.quote_id,
                rec.quotation,
                rec.speaker,
                rec.qids.join("|"),
                rec.date.unwrap_or_default(),
                rec.num_occurrences.to_string(),
                probas,
                rec.urls.join("|"),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.write_all(line.join(",").as_bytes())?;
            out.write_all(b"\n")?;
            n += 1;
            Ok(())
        })?;
        out.flush()?;
        Ok(n)
    }
}

/// Quotes a CSV field when it holds a comma, quote mark or line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(feature = "parquet")]
pub use self::pq::{read_parquet, write_parquet, ParquetWriter};

#[cfg(feature = "parquet")]
mod pq {
    use super::QuotebankRecord;
    use crate::{Result, Store, StoreError};
    use parquet::basic::Compression;
    use parquet::column::writer::ColumnWriter;
    use parquet::data_type::ByteArray;
    use parquet::file::properties::WriterProperties;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::file::writer::SerializedFileWriter;
    use parquet::record::{Field, ListAccessor, RowAccessor};
    use parquet::schema::parser::parse_message_type;
    use std::fs::File;
    use std::path::Path;
    use std::sync::Arc;

    const SCHEMA: &str = "
        message quotebank {
            required binary quoteID (STRING);
            required binary quotation (STRING);
            required binary speaker (STRING);
            required group qids (LIST) { repeated group list { required binary element (STRING); } }
            optional binary date (STRING);
            required int64 numOccurrences;
            required group probas (LIST) {
                repeated group list {
                    required group element { required binary speaker (STRING); required double proba; }
                }
            }
            required group urls (LIST) { repeated group list { required binary element (STRING); } }
        }";

    /// Rows per row group.
    const ROW_GROUP: usize = 16_384;

    fn perr(e: impl std::fmt::Display) -> StoreError {
        StoreError::Parquet(e.to_string())
    }

    /// Repetition/definition levels and values of a `LIST` column whose list is
    /// required (max definition level 1).
    fn list_levels<'a, I, T>(lists: I) -> (Vec<T>, Vec<i16>, Vec<i16>)
    where
        I: Iterator<Item = Vec<T>>,
        T: 'a,
    {
        let (mut vals, mut defs, mut reps) = (Vec::new(), Vec::new(), Vec::new());
        for list in lists {
            if list.is_empty() {
                defs.push(0);
                reps.push(0);
            }
            for (i, v) in list.into_iter().enumerate() {
                vals.push(v);
                defs.push(1);
                reps.push(i16::from(i > 0));
            }
        }
        (vals, defs, reps)
    }

    fn bytes(s: &str) -> ByteArray {
        ByteArray::from(s.as_bytes().to_vec())
    }

    fn write_group(
        writer: &mut SerializedFileWriter<File>,
        rows: &[QuotebankRecord],
    ) -> Result<()> {
        let mut rg = writer.next_row_group().map_err(perr)?;
        let mut col = 0;
        while let Some(mut c) = rg.next_column().map_err(perr)? {
            let done = match (col, c.untyped()) {
                (0..=2, ColumnWriter::ByteArrayColumnWriter(w)) => {
                    let vals: Vec<ByteArray> = rows
                        .iter()
                        .map(|r| match col {
                            0 => bytes(&r.quote_id),
                            1 => bytes(&r.quotation),
                            _ => bytes(&r.speaker),
                        })
                        .collect();
                    w.write_batch(&vals, None, None).map(|_| ())
                }
                (3 | 8, ColumnWriter::ByteArrayColumnWriter(w)) => {
                    let (vals, defs, reps) = list_levels(rows.iter().map(|r| {
                        let l = if col == 3 { &r.qids } else { &r.urls };
                        l.iter().map(|s| bytes(s)).collect()
                    }));
                    w.write_batch(&vals, Some(&defs), Some(&reps)).map(|_| ())
                }
                (4, ColumnWriter::ByteArrayColumnWriter(w)) => {
                    let vals: Vec<ByteArray> = rows
                        .iter()
                        .filter_map(|r| r.date.as_deref())
                        .map(bytes)
                        .collect();
                    let defs: Vec<i16> = rows.iter().map(|r| i16::from(r.date.is_some())).collect();
                    w.write_batch(&vals, Some(&defs), None).map(|_| ())
                }
                (5, ColumnWriter::Int64ColumnWriter(w)) => {
                    let vals: Vec<i64> = rows
                        .iter()
                        .map(|r| i64::try_from(r.num_occurrences).unwrap_or(i64::MAX))
                        .collect();
                    w.write_batch(&vals, None, None).map(|_| ())
                }
                (6, ColumnWriter::ByteArrayColumnWriter(w)) => {
                    let (vals, defs, reps) = list_levels(
                        rows.iter()
                            .map(|r| r.probas.iter().map(|p| bytes(&p[0])).collect()),
                    );
                    w.write_batch(&vals, Some(&defs), Some(&reps)).map(|_| ())
                }
                (7, ColumnWriter::DoubleColumnWriter(w)) => {
                    let (vals, defs, reps) = list_levels(rows.iter().map(|r| {
                        r.probas
                            .iter()
                            .map(|p| p[1].parse::<f64>().unwrap_or(0.0))
                            .collect()
                    }));
                    w.write_batch(&vals, Some(&defs), Some(&reps)).map(|_| ())
                }
                _ => return Err(StoreError::Parquet(format!("unexpected column {col}"))),
            };
            done.map_err(perr)?;
            c.close().map_err(perr)?;
            col += 1;
        }
        rg.close().map_err(perr)?;
        Ok(())
    }

    /// A streaming Parquet writer of [`QuotebankRecord`]s: rows are buffered and written
    /// one row group at a time, so memory stays bounded whatever the corpus size.
    pub struct ParquetWriter {
        writer: SerializedFileWriter<File>,
        buf: Vec<QuotebankRecord>,
        rows: u64,
    }

    impl ParquetWriter {
        /// Creates the file at `path` (snappy-compressed).
        pub fn create(path: &Path) -> Result<ParquetWriter> {
            let schema = Arc::new(parse_message_type(SCHEMA).map_err(perr)?);
            let props = Arc::new(
                WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .build(),
            );
            let file = File::create(path).map_err(|source| StoreError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let writer = SerializedFileWriter::new(file, schema, props).map_err(perr)?;
            Ok(ParquetWriter {
                writer,
                buf: Vec::with_capacity(ROW_GROUP),
                rows: 0,
            })
        }

        /// Adds one record.
        pub fn push(&mut self, rec: QuotebankRecord) -> Result<()> {
            self.buf.push(rec);
            if self.buf.len() >= ROW_GROUP {
                self.flush_group()?;
            }
            Ok(())
        }

        fn flush_group(&mut self) -> Result<()> {
            if !self.buf.is_empty() {
                write_group(&mut self.writer, &self.buf)?;
                self.rows += self.buf.len() as u64;
                self.buf.clear();
            }
            Ok(())
        }

        /// Writes what is buffered and the file footer; returns the number of rows.
        pub fn finish(mut self) -> Result<u64> {
            self.flush_group()?;
            self.writer.close().map_err(perr)?;
            Ok(self.rows)
        }
    }

    /// Writes `records` to a Parquet file (snappy-compressed) at `path`.
    pub fn write_parquet<I>(path: &Path, records: I) -> Result<u64>
    where
        I: IntoIterator<Item = QuotebankRecord>,
    {
        let mut w = ParquetWriter::create(path)?;
        for r in records {
            w.push(r)?;
        }
        w.finish()
    }

    fn strings(f: &Field) -> Result<Vec<String>> {
        match f {
            Field::ListInternal(l) => (0..l.len())
                .map(|i| l.get_string(i).cloned().map_err(perr))
                .collect(),
            other => Err(StoreError::Parquet(format!("expected a list, got {other}"))),
        }
    }

    /// Reads a file written by [`write_parquet`] back into records.
    pub fn read_parquet(path: &Path) -> Result<Vec<QuotebankRecord>> {
        let file = File::open(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let reader = SerializedFileReader::new(file).map_err(perr)?;
        let mut out = Vec::new();
        for row in reader.get_row_iter(None).map_err(perr)? {
            let row = row.map_err(perr)?;
            let mut rec = QuotebankRecord {
                quote_id: String::new(),
                quotation: String::new(),
                speaker: String::new(),
                qids: Vec::new(),
                date: None,
                num_occurrences: 0,
                probas: Vec::new(),
                urls: Vec::new(),
            };
            for (name, field) in row.get_column_iter() {
                match (name.as_str(), field) {
                    ("quoteID", Field::Str(s)) => rec.quote_id = s.clone(),
                    ("quotation", Field::Str(s)) => rec.quotation = s.clone(),
                    ("speaker", Field::Str(s)) => rec.speaker = s.clone(),
                    ("date", Field::Str(s)) => rec.date = Some(s.clone()),
                    ("date", Field::Null) => rec.date = None,
                    ("numOccurrences", Field::Long(n)) => {
                        rec.num_occurrences = u64::try_from(*n).unwrap_or(0)
                    }
                    ("qids", f) => rec.qids = strings(f)?,
                    ("urls", f) => rec.urls = strings(f)?,
                    ("probas", Field::ListInternal(l)) => {
                        for i in 0..l.len() {
                            let g = l.get_group(i).map_err(perr)?;
                            let speaker = g.get_string(0).map_err(perr)?.clone();
                            let p = g.get_double(1).map_err(perr)?;
                            rec.probas.push([speaker, format!("{p:.4}")]);
                        }
                    }
                    (n, f) => {
                        return Err(StoreError::Parquet(format!("unexpected column {n} = {f}")))
                    }
                }
            }
            out.push(rec);
        }
        Ok(out)
    }

    impl Store {
        /// Writes every deduplicated quotation to a Parquet file; returns the count.
        pub fn export_parquet(&mut self, path: &Path) -> Result<u64> {
            let mut w = ParquetWriter::create(path)?;
            self.for_each_quotebank_record(|r| w.push(r))?;
            w.finish()
        }
    }
}
