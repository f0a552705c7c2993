//! Normalisation shared by ingest, search and export: content hashes, quote keys for
//! deduplication, name keys for speakers, and dates.

use sha2::{Digest, Sha256};

/// The content hash of an article text: SHA-256 of its bytes, as 64 lowercase hex digits.
pub fn content_hash(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// The 64-bit key of a [`content_hash`] (its first 16 hex digits) under which the
/// store remembers which texts it holds. A string that is not such a hash gets
/// [`quote_group_id`] of itself. Two different texts share a key with probability
/// about n² / 2⁶⁵ among n articles (3·10⁻⁸ at a million).
///
/// ```
/// use whosaid_store::norm::{content_hash, hash_key};
/// assert_eq!(hash_key(&content_hash("a")), hash_key(&content_hash("a")));
/// assert_ne!(hash_key(&content_hash("a")), hash_key(&content_hash("b")));
/// ```
pub fn hash_key(content_hash: &str) -> i64 {
    match content_hash
        .get(..16)
        .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
    {
        // The bits as they are, sign included: SQLite integers are signed.
        Some(k) => i64::from_ne_bytes(k.to_ne_bytes()),
        None => quote_group_id(content_hash),
    }
}

/// Folds one character for comparison: lowercase, common Latin diacritics removed.
/// Returns the folded chars (usually one; `ß` gives two, combining marks none).
pub fn fold_char(c: char, out: &mut String) {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å'
        | 'Ā' | 'Ă' | 'Ą' => 'a',
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => 'c',
        'ď' | 'đ' | 'Ď' | 'Đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę'
        | 'Ě' => 'e',
        'ğ' | 'Ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => {
            'i'
        }
        'ł' | 'Ł' => 'l',
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō'
        | 'Ő' => 'o',
        'ř' | 'Ř' => 'r',
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => 's',
        'ť' | 'ţ' | 'Ť' | 'Ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => {
            'u'
        }
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => 'y',
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => 'z',
        'ß' => {
            out.push_str("ss");
            return;
        }
        '\u{300}'..='\u{36f}' => return,
        _ => {
            for l in c.to_lowercase() {
                out.push(l);
            }
            return;
        }
    };
    out.push(base);
}

/// The deduplication key of a quotation: lowercase, diacritics folded, and every run of
/// punctuation, quote marks and whitespace folded to one space (trimmed). Two quotes with
/// the same key are the same quote. Empty when the text has no letter or digit.
///
/// ```
/// use whosaid_store::norm::quote_key;
/// assert_eq!(quote_key("“We will WIN,”  he—"), quote_key("we will win he"));
/// ```
pub fn quote_key(text: &str) -> String {
    // Built as bytes: ASCII (the common case) is pushed byte by byte without decoding.
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut folded = String::new();
    let mut gap = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (word, c) = if b.is_ascii() {
            i += 1;
            (b.is_ascii_alphanumeric(), char::from(b))
        } else {
            let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            i += c.len_utf8();
            (c.is_alphanumeric(), c)
        };
        if word {
            if gap && !out.is_empty() {
                out.push(b' ');
            }
            gap = false;
            if b.is_ascii() {
                out.push(b.to_ascii_lowercase());
            } else {
                folded.clear();
                fold_char(c, &mut folded);
                out.extend_from_slice(folded.as_bytes());
            }
        } else if c == '\'' || c == '’' {
            // "don't" and "don’t" are one word.
        } else {
            gap = true;
        }
    }
    // Only ASCII bytes and whole folded chars were pushed, so this never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// The id of the quote group of a quote key: the first 63 bits of its SHA-256, so it is a
/// positive SQLite integer. Two different keys share an id with probability about
/// n²/2⁶⁴ over n distinct quotations (5 × 10⁻⁴ at 10⁸).
///
/// ```
/// use whosaid_store::norm::{quote_group_id, quote_key};
/// let id = quote_group_id(&quote_key("We will win."));
/// assert!(id > 0);
/// assert_eq!(id, quote_group_id(&quote_key("“we WILL win”")));
/// ```
pub fn quote_group_id(key: &str) -> i64 {
    let d = Sha256::digest(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    // Zero is kept out so that every id is a valid, positive rowid.
    i64::try_from(u64::from_be_bytes(b) >> 1)
        .unwrap_or(i64::MAX)
        .max(1)
}

/// The full-text token standing for an exact value (a speaker key, an outlet) in the
/// index's `who` and `outlet` columns: `prefix` and a 63-bit hash of the lowercased value
/// in decimal, which the FTS5 tokenizer keeps as one token and no stemmer changes.
///
/// ```
/// use whosaid_store::norm::index_tag;
/// assert_eq!(index_tag('k', "sergei lavrov"), index_tag('k', "Sergei Lavrov"));
/// assert_ne!(index_tag('k', "sergei lavrov"), index_tag('o', "sergei lavrov"));
/// ```
pub fn index_tag(prefix: char, value: &str) -> String {
    // ASCII without capitals (speaker keys, most outlets) is its own lowercase.
    let id = if value
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        quote_group_id(&value.to_lowercase())
    } else {
        quote_group_id(value)
    };
    format!("{prefix}{id}")
}

/// A sentence's `(start, end, char_start, char_end)`: byte and char offsets into the text.
pub type SentenceSpan = (usize, usize, usize, usize);

/// Packs sentence spans `(start, end, char_start, char_end)`, in text order, as four
/// LEB128 varints per sentence: the gap from the previous sentence's end and the length,
/// in bytes and in chars. [`decode_spans`] reverses it.
pub fn encode_spans(spans: &[SentenceSpan]) -> Vec<u8> {
    let mut out = Vec::with_capacity(spans.len() * 5);
    let (mut prev, mut prev_char) = (0usize, 0usize);
    for &(s, e, cs, ce) in spans {
        for v in [
            s.saturating_sub(prev),
            e.saturating_sub(s),
            cs.saturating_sub(prev_char),
            ce.saturating_sub(cs),
        ] {
            let mut v = v as u64;
            loop {
                let byte = (v & 0x7f) as u8;
                v >>= 7;
                if v == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        prev = e;
        prev_char = ce;
    }
    out
}

/// Unpacks what [`encode_spans`] packed; `None` when the bytes are not such a packing.
///
/// ```
/// use whosaid_store::norm::{decode_spans, encode_spans};
/// let spans = vec![(0, 12, 0, 11), (13, 300, 12, 299)];
/// assert_eq!(decode_spans(&encode_spans(&spans)), Some(spans));
/// ```
pub fn decode_spans(bytes: &[u8]) -> Option<Vec<SentenceSpan>> {
    let mut values = Vec::with_capacity(bytes.len());
    let (mut v, mut shift) = (0u64, 0u32);
    for &b in bytes {
        if shift > 56 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            values.push(usize::try_from(v).ok()?);
            v = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    if shift != 0 || values.len() % 4 != 0 {
        return None;
    }
    let (mut prev, mut prev_char) = (0usize, 0usize);
    let mut out = Vec::with_capacity(values.len() / 4);
    for c in values.chunks_exact(4) {
        let s = prev.checked_add(c[0])?;
        let e = s.checked_add(c[1])?;
        let cs = prev_char.checked_add(c[2])?;
        let ce = cs.checked_add(c[3])?;
        out.push((s, e, cs, ce));
        prev = e;
        prev_char = ce;
    }
    Some(out)
}

/// Normalises a date to `YYYY-MM-DD` when it starts with one (ISO 8601 and its
/// `YYYY/MM/DD` variant); `None` otherwise.
///
/// ```
/// use whosaid_store::norm::day;
/// assert_eq!(day("2015-11-16T10:00:00Z").as_deref(), Some("2015-11-16"));
/// assert_eq!(day("yesterday"), None);
/// ```
pub fn day(date: &str) -> Option<String> {
    let b = date.trim().as_bytes();
    if b.len() < 10 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let sep = |i: usize| b[i] == b'-' || b[i] == b'/';
    if digits(0..4) && sep(4) && digits(5..7) && sep(7) && digits(8..10) {
        let s = std::str::from_utf8(&b[..10]).ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let dom: u32 = s[8..10].parse().ok()?;
        if (1..=12).contains(&month) && (1..=31).contains(&dom) {
            return Some(format!("{}-{}-{}", &s[..4], &s[5..7], &s[8..10]));
        }
    }
    None
}

/// The date in Quotebank's `YYYY-MM-DD HH:MM:SS` form: the time is kept when the date
/// gives one as `THH:MM:SS` or ` HH:MM:SS`, else midnight.
pub fn quotebank_date(date: &str) -> Option<String> {
    let d = day(date)?;
    let rest = date.trim().get(10..).unwrap_or("");
    let time = rest
        .strip_prefix('T')
        .or_else(|| rest.strip_prefix(' '))
        .and_then(|t| t.get(..8))
        .filter(|t| {
            let b = t.as_bytes();
            b[2] == b':' && b[5] == b':' && t.bytes().filter(u8::is_ascii_digit).count() == 6
        })
        .unwrap_or("00:00:00");
    Some(format!("{d} {time}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_keys_fold_marks_case_and_space() {
        assert_eq!(quote_key("\"We will win!\""), "we will win");
        assert_eq!(quote_key("We   will\nwin"), "we will win");
        assert_eq!(quote_key("Don’t go"), quote_key("don't go"));
        assert_eq!(quote_key("Élan"), "elan");
        assert_eq!(quote_key("— …"), "");
    }

    #[test]
    fn dates() {
        assert_eq!(day("2015/11/16").as_deref(), Some("2015-11-16"));
        assert_eq!(day("2015-13-16"), None);
        assert_eq!(
            quotebank_date("2015-11-16T10:20:30Z").as_deref(),
            Some("2015-11-16 10:20:30")
        );
        assert_eq!(
            quotebank_date("2015-11-16").as_deref(),
            Some("2015-11-16 00:00:00")
        );
    }

    #[test]
    fn hashes_are_stable_hex() {
        let h = content_hash("abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
