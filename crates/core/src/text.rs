//! Tokenization and sentence segmentation for news text.
//!
//! Tokens and sentences carry byte offsets into the original text; nothing is
//! normalised or copied. The tokenizer knows news abbreviations (`U.S.`, `Mr.`,
//! `Sept.`), decimal numbers (`3.5`, `1,000`), clitics (`Assad's` → `Assad` `'s`),
//! curly and straight quote marks (an apostrophe inside a word is not a quote
//! mark) and dashes; every newline ends a paragraph.

use std::ops::Range;

/// What a token is, as far as the tokenizer can tell without a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, possibly with digits, inner hyphens, inner apostrophes or abbreviation dots.
    Word,
    /// Digits, possibly with inner `.`/`,` (`3.5`, `1,000`).
    Number,
    /// A clitic split from the word before it (`'s`, `n't`, `'re`, …).
    Clitic,
    /// An opening quote mark (`“`, `‘`, `«`, or a straight mark in opening position).
    OpenQuote,
    /// A closing quote mark (`”`, `’`, `»`, or a straight mark in closing position).
    CloseQuote,
    /// A dash (`-` standing alone, `–`, `—`, `--`).
    Dash,
    /// Sentence-final punctuation: `.`, `?`, `!`, `…`.
    Terminal,
    /// Any other punctuation or symbol.
    Punct,
}

/// One token: a byte range of the text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// What the token is.
    pub kind: TokenKind,
    /// True when a newline separates this token from the previous one.
    pub line_start: bool,
    /// True when whitespace precedes the token (or it starts the text).
    pub space_before: bool,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    /// True for any quote mark.
    pub fn is_quote(&self) -> bool {
        matches!(self.kind, TokenKind::OpenQuote | TokenKind::CloseQuote)
    }
}

/// One sentence: a range of tokens and the byte range they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Indices into the token vector.
    pub tokens: Range<usize>,
    /// Byte offset of the first token.
    pub start: usize,
    /// Byte offset one past the last token.
    pub end: usize,
    /// Index of the paragraph (line block) the sentence belongs to.
    pub paragraph: usize,
}

/// Abbreviations that keep their final period and never end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "adm", "prof",
    "rev", "hon", "pres", "maj", "cmdr", "gens", "sens", "reps", "st", "ft", "mt", "vs", "v",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "atty", "supt", "insp",
    "det", "cpl", "pvt", "messrs", "mme", "mlle", "fig",
];

/// Abbreviations that keep their period but may end a sentence (`Inc.`, `etc.`).
const OTHER_ABBREVIATIONS: &[&str] = &[
    "jr", "sr", "inc", "co", "corp", "ltd", "llc", "bros", "etc", "al", "approx", "dept", "est",
    "univ", "assn", "ave", "blvd", "rd", "ala", "ariz", "ark", "calif", "colo", "conn", "del",
    "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
    "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "vt", "wash", "wis",
    "wyo",
];

/// Words after which an abbreviation such as `U.S.` is taken to end its sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "the",
    "a",
    "an",
    "but",
    "and",
    "this",
    "that",
    "these",
    "those",
    "there",
    "his",
    "her",
    "its",
    "their",
    "our",
    "in",
    "on",
    "at",
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "still",
    "however",
    "meanwhile",
    "yet",
    "so",
    "then",
    "what",
    "who",
    "why",
    "how",
    "some",
    "many",
    "most",
    "all",
    "one",
    "mr",
    "mrs",
    "ms",
];

/// A word of at most 7 ASCII bytes, lowercased, as a little-endian integer with its
/// length in the top byte (0 for longer or non-ASCII words).
const fn word_key(w: &[u8]) -> u64 {
    if w.len() > 7 {
        return 0;
    }
    let mut k = (w.len() as u64) << 56;
    let mut i = 0;
    while i < w.len() {
        if w[i] >= 0x80 {
            return 0;
        }
        k |= (w[i].to_ascii_lowercase() as u64) << (8 * i);
        i += 1;
    }
    k
}

/// The [`word_key`]s of a list of lowercase words, sorted (for a binary search).
const fn sorted_keys<const N: usize>(words: &[&str]) -> [u64; N] {
    let mut out = [0u64; N];
    let mut i = 0;
    while i < N {
        out[i] = word_key(words[i].as_bytes());
        // insertion sort: the lists are short
        let mut j = i;
        while j > 0 && out[j - 1] > out[j] {
            let t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    out
}

const TITLE_KEYS: [u64; TITLE_ABBREVIATIONS.len()] = sorted_keys(TITLE_ABBREVIATIONS);
const OTHER_KEYS: [u64; OTHER_ABBREVIATIONS.len()] = sorted_keys(OTHER_ABBREVIATIONS);

/// Whether `word`, in any ASCII case, is one of the lowercase words whose sorted keys are
/// `keys` (the same answer as comparing with each word by `eq_ignore_ascii_case`).
fn in_keys(word: &str, keys: &[u64]) -> bool {
    word.len() <= 6 && {
        let k = word_key(word.as_bytes());
        k != 0 && keys.binary_search(&k).is_ok()
    }
}

fn is_title_abbrev(word: &str) -> bool {
    in_keys(word, &TITLE_KEYS)
}

fn is_other_abbrev(word: &str) -> bool {
    in_keys(word, &OTHER_KEYS)
}

fn is_word_char(c: char) -> bool {
    // General Punctuation (curly quotes, dashes, ellipsis: most non-ASCII characters of
    // news) holds no letter or digit: no Unicode table lookup for it
    if matches!(c as u32, 0x2000..=0x206F) {
        return c == '\u{200D}';
    }
    c.is_alphanumeric() || c == '_' || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x200D)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}'
}

/// Splits `text` into tokens.
///
/// ```
/// use whosaid_core::text::{tokenize, TokenKind};
/// let t = "Mr. Putin said “no.”";
/// let toks = tokenize(t);
/// let words: Vec<&str> = toks.iter().map(|k| k.text(t)).collect();
/// assert_eq!(words, ["Mr.", "Putin", "said", "“", "no", ".", "”"]);
/// assert_eq!(toks[3].kind, TokenKind::OpenQuote);
/// ```
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    // (news text has about one token per six bytes: few documents outgrow this)
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 4 + 1);
    let mut i = 0;
    let mut line_start = true;
    let mut space_before = true;
    while i < text.len() {
        if bytes[i] == b' ' {
            space_before = true;
            i += 1;
            continue;
        }
        let start = i;
        // `plain`: a word of ASCII letters, digits and underscores only (no clitic)
        let (end, kind, plain) = if ASCII_WORD_BYTE[bytes[i] as usize] {
            // an ASCII word character: no decoding
            scan_word(text, i)
        } else {
            let c = match bytes[i] {
                // ASCII whitespace (`char::is_whitespace`: tab to carriage return)
                b @ b'\t'..=b'\r' => {
                    if b == b'\n' || b == b'\r' {
                        line_start = true;
                    }
                    space_before = true;
                    i += 1;
                    continue;
                }
                // other ASCII bytes outside words are symbols: no decoding, no class tests
                b @ 0..=0x7f => b as char,
                _ => match text[i..].chars().next() {
                    Some(c) => c,
                    None => break,
                },
            };
            if c.is_ascii() {
                let (end, kind) = scan_symbol(text, i, c, space_before, &tokens);
                (end, kind, true)
            } else if is_space(c) {
                if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
                    line_start = true;
                }
                space_before = true;
                i += c.len_utf8();
                continue;
            } else if is_word_char(c) {
                scan_word(text, i)
            } else {
                let (end, kind) = scan_symbol(text, i, c, space_before, &tokens);
                (end, kind, false)
            }
        };
        debug_assert!(end > start && text.is_char_boundary(end));
        // Split clitics off words: Assad's -> Assad 's ; don't -> do n't.
        if kind == TokenKind::Word && !plain {
            if let Some(cut) = clitic_cut(&text[start..end]) {
                tokens.push(Token {
                    start,
                    end: start + cut,
                    kind,
                    line_start,
                    space_before,
                });
                tokens.push(Token {
                    start: start + cut,
                    end,
                    kind: TokenKind::Clitic,
                    line_start: false,
                    space_before: false,
                });
                line_start = false;
                space_before = false;
                i = end;
                continue;
            }
        }
        tokens.push(Token {
            start,
            end,
            kind,
            line_start,
            space_before,
        });
        line_start = false;
        space_before = false;
        i = end;
    }
    tokens
}

/// Byte length of the stem when `word` ends in a clitic that should be split off.
fn clitic_cut(word: &str) -> Option<usize> {
    const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];
    // Most words hold no apostrophe: one byte scan instead of two reverse searches.
    if !word.bytes().any(|b| b == b'\'' || b == 0x99) {
        return None;
    }
    // Find the last apostrophe (ASCII ' or U+2019) in the word.
    let (ap, ap_len) = match (word.rfind('\''), word.rfind('’')) {
        (Some(a), Some(b)) if b > a => (b, 3),
        (Some(a), _) => (a, 1),
        (None, Some(b)) => (b, 3),
        (None, None) => return None,
    };
    if ap == 0 {
        return None;
    }
    let tail = &word[ap + ap_len..];
    if CLITICS.iter().any(|c| tail.eq_ignore_ascii_case(c)) {
        return Some(ap);
    }
    // n't: the n belongs to the clitic (do|n't), unless the stem would be empty.
    if tail.eq_ignore_ascii_case("t")
        && ap >= 2
        && word.as_bytes()[ap - 1].eq_ignore_ascii_case(&b'n')
    {
        return Some(ap - 1);
    }
    None
}

/// ASCII letters, digits and `_`: the bytes of a word's leading run in [`scan_word`].
const ASCII_WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// The end of the run of ASCII word bytes ([`ASCII_WORD_BYTE`]) from `start`.
///
/// Sixteen bytes at a time with SSE2 (part of every x86_64 CPU), the end found as the
/// first zero bit of the chunk's mask: a byte loop's exit branch, taken after an
/// unpredictable number of bytes, was mispredicted at most word ends (a sixth of
/// `tokenize`'s time sat right after it). The last 15 bytes of a text go byte by byte.
#[inline(always)]
fn ascii_word_run(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    #[cfg(target_arch = "x86_64")]
    while let Some(chunk) = bytes.get(end..end + 16).and_then(|c| c.first_chunk::<16>()) {
        let m = ascii_word_mask16(chunk);
        if m != 0xffff {
            return end + (!m).trailing_zeros() as usize;
        }
        end += 16;
    }
    while bytes.get(end).is_some_and(|&b| ASCII_WORD_BYTE[b as usize]) {
        end += 1;
    }
    end
}

/// Bit `i` set when `chunk[i]` is an ASCII word byte ([`ASCII_WORD_BYTE`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn ascii_word_mask16(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of every x86_64 CPU; the load reads the 16 bytes of `chunk`
    #[allow(unused_unsafe)]
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        // signed compares: bytes from 0x80 up are negative, in no range below
        let within = |x: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(hi as i8 + 1)),
            )
        };
        // an ASCII letter is a byte whose value with bit 5 set is in a..=z
        let letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z');
        let digit = within(v, b'0', b'9');
        let under = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), under)) as u32
    }
}

/// The end and kind of the word starting at `start`, and whether it consists of ASCII
/// letters, digits and underscores only.
fn scan_word(text: &str, start: usize) -> (usize, TokenKind, bool) {
    // Fast path: the run of ASCII word bytes most words consist of, one byte at a time; the
    // general loop below takes over at the first other character with the same state.
    // (news words are short: a table test per byte costs fewer instructions than
    // eight-byte tests with their set-up)
    let bytes = text.as_bytes();
    let mut end = ascii_word_run(bytes, start);
    // (decided by the first byte of most words)
    let run = &bytes[start..end];
    let mut all_digits =
        run.first().is_none_or(u8::is_ascii_digit) && run.iter().all(u8::is_ascii_digit);
    // The run ends at an ASCII byte that never joins a word (space, most punctuation) or
    // at the end: the word is the run, a number when it is all digits.
    if !matches!(bytes.get(end), Some(&b) if b >= 0x80 || matches!(b, b'-' | b'\'' | b'.' | b',' | b'&'))
    {
        let kind = if all_digits && end > start {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        return (end, kind, true);
    }
    let resume = end;
    let mut iter = text[resume..].char_indices().peekable();
    while let Some((off, c)) = iter.next() {
        let pos = resume + off;
        if is_word_char(c) {
            if !c.is_ascii_digit() {
                all_digits = false;
            }
            end = pos + c.len_utf8();
            continue;
        }
        // Inner connectors: hyphen, apostrophe, period, comma (numbers), ampersand (AT&T).
        let next = iter.peek().map(|&(_, n)| n);
        let next_is_word = next.map(is_word_char).unwrap_or(false);
        let joins = match c {
            '-' | '‐' => next_is_word,
            c if is_apostrophe(c) => next.map(|n| n.is_alphabetic()).unwrap_or(false),
            '.' => {
                next_is_word
                    && (all_digits && next.map(|n| n.is_ascii_digit()).unwrap_or(false)
                        || (!all_digits
                            && next.map(|n| n.is_alphabetic()).unwrap_or(false)
                            && is_initialism_so_far(&text[start..pos])))
            }
            ',' => {
                all_digits && next.map(|n| n.is_ascii_digit()).unwrap_or(false) && {
                    // 1,000 but not "1,2": require three digits after the comma.
                    let rest = &text[pos + 1..];
                    rest.len() >= 3
                        && rest.as_bytes()[..3].iter().all(u8::is_ascii_digit)
                        && !rest
                            .as_bytes()
                            .get(3)
                            .map(u8::is_ascii_digit)
                            .unwrap_or(false)
                }
            }
            '&' => {
                next_is_word
                    && text[start..pos].chars().all(|c| c.is_uppercase())
                    && next.map(|n| n.is_uppercase()).unwrap_or(false)
            }
            _ => false,
        };
        if joins {
            end = pos + c.len_utf8();
            continue;
        }
        // A final period belongs to initialisms (U.S.) and known abbreviations (Mr.).
        if c == '.' {
            let w = &text[start..pos];
            if w.contains('.') && is_initialism_so_far(w)
                || is_title_abbrev(w)
                || is_other_abbrev(w)
                || (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()))
            {
                end = pos + 1;
            }
        }
        break;
    }
    let word = &text[start..end];
    let kind = if word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        TokenKind::Number
    } else {
        TokenKind::Word
    };
    (end, kind, false)
}

/// True when `w` looks like `U`, `U.S`, `a.m` — single letters joined by periods.
fn is_initialism_so_far(w: &str) -> bool {
    w.split('.')
        .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic))
}

fn scan_symbol(
    text: &str,
    i: usize,
    c: char,
    space_before: bool,
    tokens: &[Token],
) -> (usize, TokenKind) {
    let clen = c.len_utf8();
    match c {
        '“' | '«' | '„' => (i + clen, TokenKind::OpenQuote),
        '”' | '»' => (i + clen, TokenKind::CloseQuote),
        '‘' => (i + clen, TokenKind::OpenQuote),
        '"' | '\'' | '’' | '`' => {
            let next = text[i + clen..].chars().next();
            let next_is_space = next.map(is_space).unwrap_or(true);
            // Straight marks: opening after space/open punctuation, closing otherwise.
            let prev_open = tokens
                .last()
                .map(|t| {
                    matches!(t.kind, TokenKind::OpenQuote | TokenKind::Dash)
                        || text[t.start..t.end] == *"("
                })
                .unwrap_or(true);
            let opening = (space_before || prev_open) && !next_is_space;
            if c == '`' && next == Some('`') {
                return (i + 2, TokenKind::OpenQuote);
            }
            if c == '\'' && next == Some('\'') {
                let kind = if opening {
                    TokenKind::OpenQuote
                } else {
                    TokenKind::CloseQuote
                };
                return (i + 2, kind);
            }
            (
                i + clen,
                if opening {
                    TokenKind::OpenQuote
                } else {
                    TokenKind::CloseQuote
                },
            )
        }
        '—' | '–' | '―' => (i + clen, TokenKind::Dash),
        '-' => {
            let mut end = i + 1;
            while text[end..].starts_with('-') {
                end += 1;
            }
            (end, TokenKind::Dash)
        }
        '.' => {
            let mut end = i + 1;
            while text[end..].starts_with('.') {
                end += 1;
            }
            (end, TokenKind::Terminal)
        }
        '?' | '!' | '…' => {
            let mut end = i + clen;
            while let Some(n) = text[end..].chars().next() {
                if matches!(n, '?' | '!') {
                    end += 1;
                } else {
                    break;
                }
            }
            (end, TokenKind::Terminal)
        }
        _ => (i + clen, TokenKind::Punct),
    }
}

/// The most tokens in one sentence. Text without sentence punctuation (a scraped
/// table, a list, junk) is cut into pieces of at most this many tokens, after the last
/// comma, semicolon, colon or dash of the second half when there is one: every stage that
/// works per sentence (clauses, reported speech) then stays linear in the text. The longest
/// sentence of PolNeAR has about 200 tokens.
pub const MAX_SENTENCE_TOKENS: usize = 256;

/// Splits tokens into sentences. A sentence ends at terminal punctuation (with any
/// closing quotes or brackets after it) when the next token can start a sentence, and
/// always at a line break; a longer run is cut at [`MAX_SENTENCE_TOKENS`].
///
/// ```
/// use whosaid_core::text::{tokenize, split_sentences};
/// let t = "Mr. Smith left the U.S. He said: \"Bye.\" Then he left.";
/// let toks = tokenize(t);
/// let s = split_sentences(t, &toks);
/// let got: Vec<&str> = s.iter().map(|s| &t[s.start..s.end]).collect();
/// assert_eq!(got, ["Mr. Smith left the U.S.", "He said: \"Bye.\"", "Then he left."]);
/// ```
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut first = 0;
    // (paragraph numbers are set at the end, from the line starts)
    let push = |out: &mut Vec<Sentence>, a: usize, b: usize| {
        if a < b {
            out.push(Sentence {
                tokens: a..b,
                start: tokens[a].start,
                end: tokens[b - 1].end,
                paragraph: 0,
            });
        }
    };
    // Just after the last clause punctuation of the current sentence.
    let mut clause_end = 0;
    let mut i = 0;
    while i < tokens.len() {
        if i > first && tokens[i].line_start {
            push(&mut out, first, i);
            first = i;
        }
        if i - first >= MAX_SENTENCE_TOKENS {
            let cut = if clause_end > first + MAX_SENTENCE_TOKENS / 2 {
                clause_end
            } else {
                i
            };
            push(&mut out, first, cut);
            first = cut;
        }
        let t = tokens[i];
        // (`,` `;` `:` are one byte: no string compare)
        if t.kind == TokenKind::Dash
            || (t.kind == TokenKind::Punct
                && t.end == t.start + 1
                && matches!(text.as_bytes().get(t.start), Some(b',' | b';' | b':')))
        {
            clause_end = i + 1;
        }
        let ends_here = match t.kind {
            TokenKind::Terminal => true,
            TokenKind::Word if t.end > t.start && text.as_bytes().get(t.end - 1) == Some(&b'.') => {
                let w = &text[t.start..t.end - 1];
                !is_title_abbrev(w) && next_starts_sentence_after_abbrev(text, tokens, i + 1)
            }
            _ => false,
        };
        if ends_here {
            // Take closing quotes and brackets along.
            let mut j = i + 1;
            while j < tokens.len() && !tokens[j].line_start {
                let k = tokens[j];
                let s = &text[k.start..k.end];
                if k.kind == TokenKind::CloseQuote || s == ")" || s == "]" {
                    j += 1;
                } else {
                    break;
                }
            }
            if j >= tokens.len() || tokens[j].line_start || can_start_sentence(text, tokens, j) {
                push(&mut out, first, j);
                first = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if first < tokens.len() {
        push(&mut out, first, tokens.len());
    }
    // Paragraph numbers: recompute from line starts so that they are dense and exact.
    let mut p = 0;
    for (n, s) in out.iter_mut().enumerate() {
        if n > 0 && tokens[s.tokens.start].line_start {
            p += 1;
        }
        s.paragraph = p;
    }
    out
}

fn can_start_sentence(text: &str, tokens: &[Token], j: usize) -> bool {
    let t = tokens[j];
    let s = &text[t.start..t.end];
    match t.kind {
        TokenKind::OpenQuote | TokenKind::Number | TokenKind::Dash => true,
        TokenKind::Word => s.chars().next().map(|c| c.is_uppercase()).unwrap_or(false),
        TokenKind::Punct => matches!(s, "(" | "[" | "•" | "*"),
        _ => false,
    }
}

fn next_starts_sentence_after_abbrev(text: &str, tokens: &[Token], j: usize) -> bool {
    if j >= tokens.len() || tokens[j].line_start {
        return true;
    }
    let t = tokens[j];
    if t.kind == TokenKind::OpenQuote {
        return true;
    }
    if t.kind != TokenKind::Word {
        return false;
    }
    let w = text[t.start..t.end].trim_end_matches('.');
    let upper = w.chars().next().is_some_and(|c| c.is_uppercase());
    // The starters are ASCII lowercase words: compare without allocating.
    upper && SENTENCE_STARTERS.iter().any(|s| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    #[test]
    fn general_punctuation_shortcut_keeps_word_chars() {
        for u in 0x1f00..0x2100u32 {
            if let Some(c) = char::from_u32(u) {
                let full = c.is_alphanumeric() || c == '_' || super::is_combining(c);
                assert_eq!(super::is_word_char(c), full, "{u:#x}");
            }
        }
    }

    use super::*;

    #[test]
    fn word_runs_match_the_byte_loop() {
        // every byte value, next to word bytes, at every offset and in runs of every length
        let mut bytes: Vec<u8> = Vec::new();
        for b in 0..=255u8 {
            for len in [0usize, 1, 5, 15, 16, 17, 33] {
                bytes.extend((0..len).map(|k| b"aZ09_qM"[k % 7]));
                bytes.push(b);
            }
        }
        let slow = |start: usize| {
            let mut end = start;
            while bytes.get(end).is_some_and(|&b| ASCII_WORD_BYTE[b as usize]) {
                end += 1;
            }
            end
        };
        for start in 0..=bytes.len() {
            assert_eq!(ascii_word_run(&bytes, start), slow(start), "{start}");
        }
    }

    #[test]
    fn abbreviation_keys_match_the_lists() {
        let words = [
            "mr", "Mr", "MRS", "sept", "Sept", "messrs", "calif", "wyo", "m", "v", "V",
        ];
        let others = [
            "",
            "mrx",
            "septe",
            "é",
            "mré",
            "washington",
            "Inc",
            "inc",
            "al",
            "x",
        ];
        for w in words.iter().chain(&others) {
            let title = w.len() <= 6
                && TITLE_ABBREVIATIONS
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(w));
            let other = w.len() <= 6
                && OTHER_ABBREVIATIONS
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(w));
            assert_eq!(is_title_abbrev(w), title, "{w}");
            assert_eq!(is_other_abbrev(w), other, "{w}");
        }
        for a in TITLE_ABBREVIATIONS.iter().chain(OTHER_ABBREVIATIONS) {
            assert!(
                a.len() <= 6 && a.bytes().all(|b| b.is_ascii_lowercase()),
                "{a}"
            );
            assert!(is_title_abbrev(a) || is_other_abbrev(a), "{a}");
            assert!(is_title_abbrev(&a.to_uppercase()) || is_other_abbrev(&a.to_uppercase()));
        }
    }
    use proptest::prelude::*;

    fn words(t: &str) -> Vec<&str> {
        tokenize(t).iter().map(|k| k.text(t)).collect()
    }

    fn sents(t: &str) -> Vec<&str> {
        let toks = tokenize(t);
        split_sentences(t, &toks)
            .iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn news_abbreviations_and_numbers() {
        assert_eq!(
            words("Gen. Smith paid $3.5 million, 1,000 U.S. troops on Sept. 11."),
            [
                "Gen.", "Smith", "paid", "$", "3.5", "million", ",", "1,000", "U.S.", "troops",
                "on", "Sept.", "11", "."
            ]
        );
    }

    #[test]
    fn clitics_and_hyphens() {
        assert_eq!(
            words("Assad's Moscow-backed regime doesn't care"),
            [
                "Assad",
                "'s",
                "Moscow-backed",
                "regime",
                "does",
                "n't",
                "care"
            ]
        );
        assert_eq!(words("it’s"), ["it", "’s"]);
    }

    #[test]
    fn quote_marks() {
        let t = "relations 'at an all-time low' and \"no\", he said";
        let toks = tokenize(t);
        let kinds: Vec<TokenKind> = toks.iter().map(|t| t.kind).collect();
        assert_eq!(kinds[1], TokenKind::OpenQuote);
        assert_eq!(toks[6].text(t), "'");
        assert_eq!(kinds[6], TokenKind::CloseQuote);
        assert_eq!(kinds[8], TokenKind::OpenQuote);
        assert_eq!(kinds[10], TokenKind::CloseQuote);
    }

    #[test]
    fn sentences_in_news() {
        assert_eq!(
            sents(
                "Putin said that U.S. -Russia relations worsened. \"No,\" he said. Mr. Trump left."
            ),
            [
                "Putin said that U.S. -Russia relations worsened.",
                "\"No,\" he said.",
                "Mr. Trump left."
            ]
        );
        assert_eq!(
            sents("ideas coming from the U.S. He says through a translator"),
            ["ideas coming from the U.S.", "He says through a translator"]
        );
        assert_eq!(sents("One\n\nTwo"), ["One", "Two"]);
    }

    #[test]
    fn em_dash_splits() {
        assert_eq!(words("crisis—and it"), ["crisis", "—", "and", "it"]);
    }

    #[test]
    fn runaway_sentences_are_cut_after_a_clause_or_at_the_cap() {
        // 1,000 words, a comma after word 700: the cuts fall at 256 tokens, then after the
        // comma (in the second half of the next piece), then every 256 tokens.
        let mut t = String::new();
        for k in 0..1000 {
            t.push_str(if k == 700 { "w, " } else { "w " });
        }
        let toks = tokenize(&t);
        let sents = split_sentences(&t, &toks);
        let lens: Vec<usize> = sents.iter().map(|s| s.tokens.len()).collect();
        assert!(lens.iter().all(|&n| n <= MAX_SENTENCE_TOKENS), "{lens:?}");
        assert_eq!(lens[..2], [256, 256]);
        assert_eq!(toks[sents[2].tokens.end - 1].kind, TokenKind::Punct);
        assert_eq!(lens.iter().sum::<usize>(), toks.len());
    }

    proptest! {
        #[test]
        fn tokens_are_ordered_and_on_boundaries(s in "\\PC{0,80}") {
            let toks = tokenize(&s);
            let mut last = 0;
            for t in &toks {
                prop_assert!(t.start >= last && t.end > t.start && t.end <= s.len());
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                prop_assert!(!s[t.start..t.end].chars().any(char::is_whitespace));
                last = t.end;
            }
            let sents = split_sentences(&s, &toks);
            let mut next = 0;
            for x in &sents {
                prop_assert_eq!(x.tokens.start, next);
                prop_assert!(x.tokens.end > x.tokens.start);
                next = x.tokens.end;
            }
            prop_assert_eq!(next, toks.len());
        }
    }
}
