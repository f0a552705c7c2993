//! Byte-to-text decoding of fetched HTML pages.

use encoding_rs::{Encoding, UTF_8};

/// Something worth knowing that happened while decoding a page.
///
/// Decoding never fails: every warning comes with usable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A charset label (from HTTP or a `<meta>` tag) that `encoding_rs` does not know;
    /// the page was decoded by the next rule instead.
    UnknownCharset(String),
    /// The bytes were not valid in the encoding that was used (`encoding` is its name);
    /// malformed sequences became U+FFFD.
    Malformed {
        /// Name of the encoding the page was decoded with.
        encoding: &'static str,
    },
    /// No charset was declared and the bytes are not valid UTF-8: they were decoded
    /// as UTF-8 with U+FFFD for every malformed sequence.
    LossyUtf8,
    /// A `<meta>` tag declared a legacy single-byte charset (`declared`) but the bytes are
    /// valid UTF-8 with non-ASCII characters, so they were decoded as UTF-8.
    DeclaredCharsetIgnored {
        /// The charset label the page declared.
        declared: String,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::UnknownCharset(l) => write!(f, "unknown charset label {l:?}"),
            Warning::Malformed { encoding } => {
                write!(f, "malformed {encoding} byte sequences replaced")
            }
            Warning::LossyUtf8 => write!(
                f,
                "no charset declared and bytes are not UTF-8; decoded lossily"
            ),
            Warning::DeclaredCharsetIgnored { declared } => {
                write!(
                    f,
                    "declared charset {declared:?} ignored: bytes are valid UTF-8"
                )
            }
        }
    }
}

/// Decodes the raw bytes of an HTML page to text.
///
/// The encoding is chosen as a browser would: a byte-order mark first, then the
/// charset of the HTTP `Content-Type` header (`content_type_charset`, e.g. `"iso-8859-1"`),
/// then a `<meta charset>` or `<meta http-equiv="Content-Type">` declaration in the
/// first few kilobytes. Without any of these the bytes are read as UTF-8, lossily
/// (with [`Warning::LossyUtf8`]) when they are not valid UTF-8.
///
/// One practical exception: when only a `<meta>` tag declares a legacy single-byte
/// charset but the bytes are valid UTF-8 containing non-ASCII text (a page re-saved
/// as UTF-8 that kept its old declaration), UTF-8 is used and
/// [`Warning::DeclaredCharsetIgnored`] is returned.
///
/// ```
/// let bytes = b"<meta charset=windows-1252><p>caf\xe9</p>";
/// let (text, warning) = whosaid_html::decode(bytes, None);
/// assert!(text.contains("caf\u{e9}"));
/// assert!(warning.is_none());
/// ```
pub fn decode(bytes: &[u8], content_type_charset: Option<&str>) -> (String, Option<Warning>) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return decode_with(enc, rest, None);
    }
    let mut warning = None;
    if let Some(label) = content_type_charset {
        match Encoding::for_label(
            label
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .as_bytes(),
        ) {
            Some(enc) => return decode_with(enc, bytes, None),
            None => warning = Some(Warning::UnknownCharset(label.to_string())),
        }
    }
    if let Some(label) = prescan_meta_charset(bytes) {
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) => {
                // A meta declaration of UTF-16 means UTF-8 (the bytes are ASCII-compatible).
                let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    UTF_8
                } else {
                    enc
                };
                if enc != UTF_8 && enc.is_single_byte() && !bytes.is_ascii() {
                    if let Ok(s) = std::str::from_utf8(bytes) {
                        return (
                            s.to_string(),
                            Some(Warning::DeclaredCharsetIgnored { declared: label }),
                        );
                    }
                }
                return decode_with(enc, bytes, warning);
            }
            None => warning = Some(Warning::UnknownCharset(label)),
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), warning),
        Err(_) => (
            String::from_utf8_lossy(bytes).into_owned(),
            warning.or(Some(Warning::LossyUtf8)),
        ),
    }
}

fn decode_with(
    enc: &'static Encoding,
    bytes: &[u8],
    warning: Option<Warning>,
) -> (String, Option<Warning>) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let w = if had_errors {
        Some(Warning::Malformed {
            encoding: enc.name(),
        })
    } else {
        warning
    };
    (text.into_owned(), w)
}

/// Finds a charset declared by a `<meta>` tag in the first 4 KiB (a simplified
/// version of the HTML prescan: comments are skipped, attributes parsed loosely).
fn prescan_meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut i = 0;
    while i < lower.len() {
        let rest = &lower[i..];
        if rest.starts_with(b"<!--") {
            i += find(&lower[i + 4..], b"-->").map_or(lower.len(), |p| p + 7);
            continue;
        }
        if rest.starts_with(b"<meta")
            && rest
                .get(5)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            let end = find(rest, b">").unwrap_or(rest.len());
            let tag = &rest[5..end];
            if let Some(label) = meta_tag_charset(tag) {
                return Some(label);
            }
            i += end.max(1);
            continue;
        }
        i += 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads `charset=` (attribute or inside `content=`) from the inside of a lowercased meta tag.
fn meta_tag_charset(tag: &[u8]) -> Option<String> {
    let pos = find(tag, b"charset")?;
    let mut j = pos + 7;
    while tag.get(j).is_some_and(|b| b.is_ascii_whitespace()) {
        j += 1;
    }
    if tag.get(j) != Some(&b'=') {
        return None;
    }
    j += 1;
    while tag
        .get(j)
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
    {
        j += 1;
    }
    let start = j;
    while tag.get(j).is_some_and(|b| {
        !b.is_ascii_whitespace() && !matches!(*b, b'"' | b'\'' | b';' | b'/' | b'>')
    }) {
        j += 1;
    }
    let label = std::str::from_utf8(tag.get(start..j)?).ok()?;
    if label.is_empty() {
        None
    } else {
        Some(label.to_string())
    }
}
