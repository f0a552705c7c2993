//! The rule stage: quote marks paired into quotations, reporting cues, and the
//! attribution shapes of news prose, turned into [`Candidate`]s.
//!
//! Shapes recognised (the speaker may be a name, a title phrase, a pronoun or an
//! organisation):
//!
//! * direct, speaker after: `"…," X said.` · `"…", said X.` · `"…," he told reporters.`
//! * direct, speaker before: `X said: "…"` · `X labelled "…"` · `X …, saying "…"`
//! * a quote broken by its attribution: `"…," X said. "…"` (two quotes, one speaker),
//!   and a later quote in the same or the next paragraph with no attribution of its own
//! * multi-sentence and multi-paragraph quotes (an unclosed paragraph continues in the
//!   next paragraph that opens with a mark); straight and curly marks; nested singles
//! * reported speech: `X said (that) …` — mixed when the clause holds quoted words,
//!   indirect otherwise; `according to X, …`; `… that he said …` inside relative clauses
//! * headlines: `Speaker: 'quote'` in the first paragraph.
//!
//! Everything is a linear scan over tokens with bounded look-around.

use crate::candidate::{Candidate, Origin};
use crate::layout::Layout;
use crate::text::TokenKind;
use crate::wordclass::{
    is_adverb, is_auxiliary, is_capitalized_non_name, is_determiner, is_preposition, is_role_word,
    is_subject_pronoun, is_subordinator, is_weekday,
};
use std::ops::Range;

/// A quotation delimited by marks at the top level (nested marks are part of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// Token index of the opening mark.
    pub open: usize,
    /// Token index of the closing mark; `None` when the quote is never closed and runs
    /// to the end of its paragraph.
    pub close: Option<usize>,
    /// The tokens between the marks.
    pub inner: Range<usize>,
}

fn is_double(w: &str) -> bool {
    matches!(w, "\"" | "“" | "”" | "„" | "«" | "»" | "``" | "''")
}

/// Pairs quote marks into top-level quotations, in text order.
///
/// Double marks pair first; single marks pair only outside double quotes and within
/// one paragraph (so apostrophes and nested quotes never open a quotation). A double
/// quote left open at the end of a paragraph continues when the next paragraph opens
/// with a mark (the news convention for long quotes), and otherwise ends there.
pub fn quote_spans(l: &Layout) -> Vec<QuoteSpan> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (pn, p) in l.paragraphs.iter().enumerate() {
        let mut single: Option<usize> = None;
        let mut i = p.start;
        if open.is_some() && i < p.end {
            i += 1; // the continuation mark of a multi-paragraph quote
        }
        while i < p.end {
            let t = l.tokens[i];
            if !t.is_quote() {
                i += 1;
                continue;
            }
            let w = l.word(i);
            if is_double(w) {
                match open {
                    None => {
                        let glued = w == "\""
                            && l.tokens
                                .get(i + 1)
                                .is_some_and(|n| !n.space_before && !n.line_start);
                        if t.kind == TokenKind::OpenQuote || glued {
                            open = Some(i);
                        }
                    }
                    Some(o) => {
                        if t.kind == TokenKind::CloseQuote || w == "\"" || w == "''" {
                            out.push(QuoteSpan {
                                open: o,
                                close: Some(i),
                                inner: o + 1..i,
                            });
                            open = None;
                        } else {
                            // A new opening mark: the earlier quote was never closed.
                            out.push(QuoteSpan {
                                open: o,
                                close: None,
                                inner: o + 1..i,
                            });
                            open = Some(i);
                        }
                    }
                }
            } else if open.is_none() {
                if t.kind == TokenKind::OpenQuote {
                    single = Some(i);
                } else if let Some(o) = single.take() {
                    if i > o + 1 && i - o <= 80 {
                        out.push(QuoteSpan {
                            open: o,
                            close: Some(i),
                            inner: o + 1..i,
                        });
                    }
                }
            }
            i += 1;
        }
        if let Some(o) = open {
            let continues = l.paragraphs.get(pn + 1).is_some_and(|q| {
                !q.is_empty()
                    && is_double(l.word(q.start))
                    && l.kind(q.start) == Some(TokenKind::OpenQuote)
            });
            if !continues {
                out.push(QuoteSpan {
                    open: o,
                    close: None,
                    inner: o + 1..p.end,
                });
                open = None;
            }
        }
    }
    out.sort_by_key(|q| q.open);
    out
}

const NONE: u32 = u32::MAX;

/// The rule stage's view of one document.
struct Rules<'l, 'a> {
    l: &'l Layout<'a>,
    quotes: &'l [QuoteSpan],
    /// For each token, the index of the top-level quote it lies inside (marks included).
    quote_of: Vec<u32>,
    /// Paragraphs that are artifacts; nothing is taken from them.
    blocked: &'l [bool],
    /// Cue tokens already attributed.
    used_cue: Vec<bool>,
    /// For each token, the lemma of the communication verb it is (lowercase words
    /// only; "according" stands for itself), computed once.
    lemma: Vec<Option<&'static str>>,
    /// The tokens a cue may start at, in order: those with a lemma and the nine-byte
    /// words starting with `A` ("According"); [`Rules::cue_at_with`] is `None` at every
    /// other token, so the scan for reported speech visits only these.
    cue_starts: Vec<u32>,
    /// The commas that end a reported clause (`, according to …`, `, adding …`), in
    /// order: a binary search per cue finds the first after its clause start (a scan
    /// per cue was quadratic in a long unpunctuated sentence).
    clause_breaks: Vec<u32>,
    /// Number of word tokens before each token (a prefix sum: word counts of long
    /// contents in O(1)).
    words_before: Vec<u32>,
    out: Vec<Candidate>,
}

/// Finds rule candidates in the document.
///
/// `quotes` comes from [`quote_spans`]; `blocked[p]` is true for paragraphs that are
/// artifacts (see [`crate::artifacts`]), which yield no candidate. Candidates come back
/// sorted by content start.
pub fn candidates(l: &Layout, quotes: &[QuoteSpan], blocked: &[bool]) -> Vec<Candidate> {
    let mut quote_of = vec![NONE; l.tokens.len()];
    for (n, q) in quotes.iter().enumerate() {
        let end = q.close.map_or(q.inner.end, |c| c + 1);
        for slot in &mut quote_of[q.open..end.min(l.tokens.len())] {
            *slot = n as u32;
        }
    }
    let mut r = Rules {
        l,
        quotes,
        quote_of,
        blocked,
        used_cue: vec![false; l.tokens.len()],
        lemma: Vec::new(),
        cue_starts: Vec::new(),
        clause_breaks: Vec::new(),
        words_before: Vec::new(),
        out: Vec::new(),
    };
    let scan = scan_tokens(l, &r.quote_of);
    r.lemma = scan.lemma;
    r.cue_starts = scan.cue_starts;
    r.words_before = scan.words_before;
    let breaks: Vec<u32> = scan
        .commas
        .into_iter()
        .filter(|&m| r.is_clause_break(m as usize))
        .collect();
    r.clause_breaks = breaks;
    let headline_quote = r.headline();
    r.direct_quotes(headline_quote);
    r.reported_speech();
    r.out.sort_by_key(|c| (c.content.start, c.content.end));
    r.out
}

/// The paragraph, source and cue of the last attributed direct quote.
type LastDirect = (usize, Option<Range<usize>>, Option<Range<usize>>);

/// The per-token facts of [`Rules`] from one pass over the tokens.
struct TokenScan {
    /// [`Rules::lemma`].
    lemma: Vec<Option<&'static str>>,
    /// [`Rules::cue_starts`].
    cue_starts: Vec<u32>,
    /// The one-byte `,` tokens (those [`Rules::is_clause_break`] may accept).
    commas: Vec<u32>,
    /// [`Rules::words_before`].
    words_before: Vec<u32>,
}

/// [`TokenScan`] of the document: the lemmas of [`cue_lemma`], where cues may start,
/// the commas and the word counts.
fn scan_tokens(l: &Layout, quote_of: &[u32]) -> TokenScan {
    let bytes = l.text.as_bytes();
    let n = l.tokens.len();
    let mut scan = TokenScan {
        lemma: Vec::with_capacity(n),
        cue_starts: Vec::new(),
        commas: Vec::new(),
        words_before: Vec::with_capacity(n + 1),
    };
    let mut words = 0u32;
    for (i, t) in l.tokens.iter().enumerate() {
        scan.words_before.push(words);
        let lemma = match t.kind {
            TokenKind::Word => {
                words += 1;
                // (see `Rules::cue_at_with`: a capitalized "According" has no lemma)
                let according = t.end - t.start == 9 && bytes.get(t.start) == Some(&b'A');
                let lemma = cue_lemma(l, quote_of, i);
                if lemma.is_some() || according {
                    scan.cue_starts.push(i as u32);
                }
                lemma
            }
            TokenKind::Punct => {
                if t.end - t.start == 1 && bytes.get(t.start) == Some(&b',') {
                    scan.commas.push(i as u32);
                }
                None
            }
            _ => None,
        };
        scan.lemma.push(lemma);
    }
    scan.words_before.push(words);
    scan
}

/// The communication-verb lemma of word token `i` when it is a lowercase word outside
/// quotations (see [`Rules::cue_at_with`]): one lexicon lookup per content word, none
/// for grammar words.
#[inline]
fn cue_lemma(l: &Layout, quote_of: &[u32], i: usize) -> Option<&'static str> {
    let bytes = l.text.as_bytes();
    let t = l.tokens.get(i)?;
    // Words inside quotations never cue an attribution of their own here; nor
    // do words under three bytes (the length and kind first: no text read).
    if t.kind != TokenKind::Word
        || t.end - t.start < 3
        || quote_of.get(i).is_some_and(|&q| q != NONE)
    {
        return None;
    }
    // (a word without a lemma, most, is settled by its bytes, lowercase or not:
    // "said" and the like have one, see the test
    // `wordclass::tests::say_forms_have_a_lemma`)
    let info = l.info(i);
    if !info.may_have_lemma() {
        return (bytes.get(t.start..t.end) == Some(b"according".as_slice())).then_some("according");
    }
    // (`is_lower_word`, without its checks of the kind and the range again)
    let lower = match bytes.get(t.start) {
        Some(&b) if b.is_ascii() => b.is_ascii_lowercase(),
        _ => l.is_lower_word(i),
    };
    if !lower {
        return None;
    }
    let w = l.word(i);
    if matches!(w, "said" | "says" | "say" | "saying") {
        return Some("say");
    }
    if w == "according" {
        return Some("according");
    }
    // (the function-word test only for the few words the lexicon knows)
    info.lemma(w).filter(|_| !info.is_function_word(w))
}

/// What an attribution pattern found around a cue.
struct Attribution {
    source: Option<Range<usize>>,
    cue: Range<usize>,
    addressee: Option<Range<usize>>,
}

impl Rules<'_, '_> {
    fn word(&self, i: usize) -> &str {
        self.l.word(i)
    }

    fn is_blocked(&self, i: usize) -> bool {
        self.blocked
            .get(self.l.paragraph(i))
            .copied()
            .unwrap_or(false)
    }

    fn in_quote(&self, i: usize) -> bool {
        self.quote_of.get(i).is_some_and(|&q| q != NONE)
    }

    /// The length and lemma of a reporting cue starting at token `i`: a strong
    /// speech verb (see [`cue_strength`]), or with `broad`, any communication verb of
    /// the lexicon (for positions where the quote marks already vouch for it).
    #[inline]
    fn cue_at_with(&self, i: usize, broad: bool) -> Option<(usize, &'static str)> {
        // Only lowercase words have a lemma (see `cue_lemmas`): most tokens stop here,
        // but for a capitalized "According" (nine bytes from an `A`: its length and first
        // byte first).
        match self.lemma.get(i).copied().flatten() {
            Some(lemma) => self.cue_of_lemma(i, lemma, broad),
            None => {
                let t = self.l.tokens.get(i)?;
                if t.end - t.start != 9 || self.l.text.as_bytes().get(t.start) != Some(&b'A') {
                    return None;
                }
                (self.l.is_cap_word(i)
                    && self.word(i).eq_ignore_ascii_case("according")
                    && self.word(i + 1).eq_ignore_ascii_case("to"))
                .then_some((2, "according to"))
            }
        }
    }

    /// [`Rules::cue_at_with`] for word `i` of communication-verb lemma `lemma`.
    fn cue_of_lemma(
        &self,
        i: usize,
        lemma: &'static str,
        broad: bool,
    ) -> Option<(usize, &'static str)> {
        if lemma == "according" {
            return self
                .word(i + 1)
                .eq_ignore_ascii_case("to")
                .then_some((2, "according to"));
        }
        match cue_strength(lemma) {
            Some(_) => Some((1, lemma)),
            None if broad && !is_light_verb(lemma) => Some((1, lemma)),
            None => None,
        }
    }

    /// A strong reporting cue at `i` (see [`Rules::cue_at_with`]).
    /// Number of word tokens in `r`.
    fn words_in(&self, r: &Range<usize>) -> usize {
        let at = |i: usize| self.words_before.get(i).copied().unwrap_or(0) as usize;
        at(r.end).saturating_sub(at(r.start))
    }

    /// Whether the comma at `m` ends a reported clause (`, according to`, `, adding`).
    fn is_clause_break(&self, m: usize) -> bool {
        // (a one-byte token first: no text compare for most)
        let comma = self.l.tokens.get(m).is_some_and(|t| {
            t.end - t.start == 1 && self.l.text.as_bytes().get(t.start) == Some(&b',')
        });
        comma
            && (self.word(m + 1).eq_ignore_ascii_case("according")
                || (self.word(m + 1).ends_with("ing") && self.cue_at(m + 1).is_some()))
    }

    #[inline]
    fn cue_at(&self, i: usize) -> Option<(usize, &'static str)> {
        self.cue_at_with(i, false)
    }

    /// The cue range including directly preceding auxiliaries (`has said`).
    fn cue_with_aux(&self, i: usize, len: usize, floor: usize) -> Range<usize> {
        let mut s = i;
        while s > floor && self.l.info(s - 1).is_auxiliary(self.word(s - 1)) && s + 3 > i {
            s -= 1;
        }
        s..i + len
    }

    /// The noun phrase ending just before `end`, not reaching below `floor`.
    fn left_np(&self, end: usize, floor: usize) -> Option<Range<usize>> {
        if end == 0 || end <= floor {
            return None;
        }
        let j = end - 1;
        let w = self.word(j);
        if self.l.kind(j) != Some(TokenKind::Word) {
            return None;
        }
        if is_subject_pronoun(w) {
            return Some(j..end);
        }
        let l = self.l;
        let info = l.info(j);
        let cap_head = l.is_cap_word(j) && !info.is_capitalized_non_name(w);
        if cap_head || (info.is_role_word(w) && !info.is_function_word(w)) {
            let mut s = j;
            while s > floor {
                let k = s - 1;
                let (wk, ik) = (self.word(k), l.info(k));
                let name_word = (l.is_cap_word(k) && !ik.is_capitalized_non_name(wk))
                    || (ik.is_role_word(wk) && l.kind(k) == Some(TokenKind::Word))
                    || (wk == "of" && k > floor && l.info(k - 1).is_role_word(self.word(k - 1)))
                    || (is_particle(wk) && l.is_cap_word(s));
                if name_word {
                    s = k;
                } else if wk.eq_ignore_ascii_case("the") {
                    s = k;
                    break;
                } else if l.kind(k) == Some(TokenKind::Clitic)
                    && k > floor
                    && l.is_cap_word(k - 1)
                    && l.info(s).is_role_word(self.word(s))
                {
                    s = k; // Russia's foreign minister …
                } else {
                    break;
                }
            }
            return Some(s..end);
        }
        // A common noun phrase: "officials", "a Kremlin spokesman", "the ministry".
        if l.is_lower_word(j)
            && !info.is_function_word(w)
            && !info.is_adverb(w)
            && !w.ends_with("ing")
            && !w.ends_with("ed")
        {
            let mut s = j;
            while s > floor && j - s < 4 {
                let (wk, ik) = (self.word(s - 1), l.info(s - 1));
                let modifier = (l.is_lower_word(s - 1)
                    && !ik.is_function_word(wk)
                    && !ik.is_adverb(wk)
                    && !ik.is_auxiliary(wk))
                    || (l.is_cap_word(s - 1) && !ik.is_capitalized_non_name(wk));
                if !modifier {
                    break;
                }
                s -= 1;
            }
            if s > floor && l.info(s - 1).is_determiner(self.word(s - 1)) {
                s -= 1;
            }
            return Some(s..end);
        }
        None
    }

    /// The noun phrase starting at `start`, not reaching `ceil`.
    fn right_np(&self, start: usize, ceil: usize) -> Option<Range<usize>> {
        self.right_np_with(start, ceil, true)
    }

    /// A name, title phrase, pronoun or `the X` starting at `start` (no common nouns
    /// unless after a determiner).
    fn right_name(&self, start: usize, ceil: usize) -> Option<Range<usize>> {
        self.right_np_with(start, ceil, false)
    }

    /// The noun phrase starting at `start`; `bare_nouns` admits a common noun without
    /// a determiner (`reporters`).
    fn right_np_with(&self, start: usize, ceil: usize, bare_nouns: bool) -> Option<Range<usize>> {
        if start >= ceil {
            return None;
        }
        let l = self.l;
        let w = self.word(start);
        if l.kind(start) != Some(TokenKind::Word) {
            return None;
        }
        if is_subject_pronoun(w) || crate::wordclass::is_object_pronoun(w) {
            return Some(start..start + 1);
        }
        let determiner = l.info(start).is_determiner(w);
        let mut e = start;
        if determiner {
            e += 1;
        }
        let mut lower_words = 0;
        while e < ceil && e - start < 8 {
            let (we, ie) = (self.word(e), l.info(e));
            let name_word = (l.is_cap_word(e) && !ie.is_capitalized_non_name(we))
                || (ie.is_role_word(we) && l.kind(e) == Some(TokenKind::Word))
                || (we == "of" && e > start && l.info(e - 1).is_role_word(self.word(e - 1)))
                || (is_particle(we) && l.is_cap_word(e + 1));
            if name_word {
                e += 1;
            } else if l.is_lower_word(e)
                && (bare_nouns || determiner)
                && !ie.is_function_word(we)
                && !ie.is_auxiliary(we)
                && !ie.is_adverb(we)
                && ie.lemma(we).is_none()
                && lower_words < 3
            {
                lower_words += 1;
                e += 1;
            } else {
                break;
            }
        }
        // Do not end on a connector.
        while e > start && (self.word(e - 1) == "of" || is_particle(self.word(e - 1))) {
            e -= 1;
        }
        if e == start || (e == start + 1 && determiner) {
            return None;
        }
        Some(start..e)
    }

    /// The speaker left of a cue at `cue_start`: `X said`, `X also has said`,
    /// `X, who …, said`.
    fn left_source(&self, cue_start: usize, floor: usize) -> Option<Range<usize>> {
        let mut k = cue_start;
        let mut skipped = 0;
        while k > floor && skipped < 4 {
            let (w, info) = (self.word(k - 1), self.l.info(k - 1));
            if info.is_auxiliary(w) || info.is_adverb(w) {
                k -= 1;
                skipped += 1;
            } else {
                break;
            }
        }
        if k > floor && self.word(k - 1) == "," {
            // Apposition or inserted phrase between commas: find the opening comma.
            // `Nevada's governor, Brian Sandoval, a Republican, said`: up to three
            // inserted phrases, nearest name first.
            let mut m = k - 1;
            let lowest = floor.max(k.saturating_sub(40));
            let mut commas = 0;
            while m > lowest {
                m -= 1;
                if self.word(m) == "," {
                    if let Some(np) = self.left_np(m, floor).filter(|r| self.is_namelike(r)) {
                        return Some(np);
                    }
                    commas += 1;
                    if commas == 3 {
                        return None;
                    }
                }
                if self.l.tokens[m].is_quote() || self.l.kind(m) == Some(TokenKind::Terminal) {
                    return None;
                }
            }
            return None;
        }
        self.left_np(k, floor)
    }

    /// True when a phrase starts with a name, title, pronoun or "the".
    fn is_namelike(&self, r: &Range<usize>) -> bool {
        let w = self.word(r.start);
        self.l.is_cap_word(r.start) || is_subject_pronoun(w) || is_role_word(w) || is_determiner(w)
    }

    /// The subject of the main clause of the sentence holding `cue` (for participial
    /// cues: `X did Y, saying "…"`): an earlier speaker in the sentence, else its first
    /// noun phrase.
    fn main_subject(&self, cue: usize) -> Option<Range<usize>> {
        let s = self.l.sentence_range(cue);
        if let Some(prior) = self.out.iter().rev().find(|c| {
            c.cue
                .as_ref()
                .is_some_and(|r| r.start >= s.start && r.start < cue)
                && c.source.is_some()
        }) {
            return prior.source.clone();
        }
        let mut start = s.start;
        while start < cue && self.l.tokens[start].is_quote() {
            start += 1;
        }
        let w = self.word(start);
        let opener = is_preposition(w)
            || is_subordinator(w)
            || w.ends_with("ing")
            || (self.l.is_cap_word(start) && is_capitalized_non_name(w));
        if opener {
            // Skip a leading adverbial phrase up to its comma.
            let comma = (start..cue).find(|&i| self.word(i) == ",")?;
            start = comma + 1;
        }
        let np = self.right_name(start, cue)?;
        self.is_namelike(&np).then_some(np)
    }

    /// `Speaker: 'quote'` in the first paragraph. Returns the quote it used.
    fn headline(&mut self) -> Option<usize> {
        let p = self.l.paragraphs.first()?.clone();
        if p.is_empty() || self.blocked.first().copied().unwrap_or(false) {
            return None;
        }
        let colon = (p.start..p.end.min(p.start + 10)).find(|&i| self.word(i) == ":")?;
        let source = self.left_np(colon, p.start)?;
        if source.start != p.start || !self.l.is_cap_word(source.end - 1) {
            return None;
        }
        let quote = self
            .quotes
            .iter()
            .position(|q| q.open > colon && q.open < p.end);
        let content = match quote {
            Some(n) => self.quotes[n].inner.clone(),
            None => {
                let mut e = p.end;
                while e > colon + 1 && self.l.kind(e - 1) == Some(TokenKind::Terminal) {
                    e -= 1;
                }
                colon + 1..e
            }
        };
        if content.is_empty() {
            return None;
        }
        self.out.push(Candidate {
            content,
            cue: Some(colon..colon + 1),
            source: Some(source),
            addressee: None,
            score: 0.8,
            origin: Origin::Rule,
        });
        quote
    }

    /// Direct quotes: each top-level quote that is a statement on its own, with the
    /// attribution after it, before it, inherited from the quote before it, or none.
    fn direct_quotes(&mut self, skip: Option<usize>) {
        // (paragraph, source, cue) of the last attributed direct quote.
        let mut last: Option<LastDirect> = None;
        // A quote already joined to the one before it (`"A," X said. "B."`).
        let mut joined: Option<usize> = None;
        for n in 0..self.quotes.len() {
            if Some(n) == skip || Some(n) == joined {
                continue;
            }
            let q = self.quotes[n].clone();
            if self.is_blocked(q.open) {
                continue;
            }
            let content = self.trim_inner(&q.inner);
            if content.is_empty() {
                continue;
            }
            let words = self.words_in(&content);
            let para = self.l.paragraph(q.open);
            let attribution = self
                .after_attribution(&q)
                .map(|a| (a, 0.95))
                .or_else(|| self.before_attribution(&q).map(|a| (a, 0.9)));
            if let Some((a, score)) = attribution {
                for i in a.cue.clone() {
                    self.used_cue[i] = true;
                }
                last = Some((para, a.source.clone(), Some(a.cue.clone())));
                // `"A," X said. "B."`: one statement broken by its attribution; PolNeAR
                // takes its extent, from A's first word to B's last.
                let mut content = content;
                if let Some(b) = self.continuation(n, &a, skip) {
                    content = content.start..self.trim_inner(&self.quotes[b].inner).end;
                    joined = Some(b);
                }
                self.out.push(Candidate {
                    content,
                    cue: Some(a.cue),
                    source: a.source,
                    addressee: a.addressee,
                    score,
                    origin: Origin::Rule,
                });
                continue;
            }
            // No attribution of its own: only a statement-like quote counts.
            let sentence_start = self.l.sentence_range(q.open).start;
            let para_start = self.l.paragraph_range(q.open).start;
            let statement = q.open == sentence_start
                || q.open == para_start
                || self.word(q.open.wrapping_sub(1)) == ":";
            if !statement || words < 3 || self.continues_as_clause(&q) {
                continue;
            }
            let inherited = last
                .as_ref()
                .filter(|(p, _, _)| *p == para || (*p + 1 == para && q.open == para_start));
            let (source, cue, score) = match inherited {
                Some((_, s, c)) => (s.clone(), c.clone(), 0.7),
                None => (None, None, 0.45),
            };
            if inherited.is_none() {
                last = None;
            }
            self.out.push(Candidate {
                content,
                cue,
                source,
                addressee: None,
                score,
                origin: Origin::Rule,
            });
        }
    }

    /// The quote that continues quote `n` after its attribution `a` (`"A," X said. "B."`
    /// or `"A," X said, "B."`): the next quotation, in the same paragraph, opening a
    /// sentence or right after a comma, with nothing but the attribution between the two
    /// and no attribution of its own.
    fn continuation(&self, n: usize, a: &Attribution, skip: Option<usize>) -> Option<usize> {
        let q = &self.quotes[n];
        let close = q.close?;
        let b = n + 1;
        if Some(b) == skip {
            return None;
        }
        let next = self.quotes.get(b)?;
        let p = self.l.paragraph_range(close);
        if next.open >= p.end || next.open <= close + 1 || next.open - close > 24 {
            return None;
        }
        // Only the attribution (and a comma or full stop) between the marks.
        let end = [Some(&a.cue), a.source.as_ref(), a.addressee.as_ref()]
            .into_iter()
            .flatten()
            .map(|r| r.end)
            .max()
            .unwrap_or(a.cue.end);
        let gap_ok = (end..next.open).all(|i| {
            matches!(
                self.l.kind(i),
                Some(TokenKind::Terminal | TokenKind::Punct | TokenKind::Dash)
            )
        }) && end < next.open;
        let before = self.word(next.open - 1);
        let opens = self.l.sentence_range(next.open).start == next.open
            || matches!(before, "," | ":" | "." | "—" | "–");
        if !gap_ok || !opens || self.trim_inner(&next.inner).is_empty() {
            return None;
        }
        if self.after_attribution(next).is_some() {
            return None;
        }
        Some(b)
    }

    /// The quote's inner tokens without a trailing comma or colon.
    fn trim_inner(&self, inner: &Range<usize>) -> Range<usize> {
        let mut e = inner.end;
        while e > inner.start && matches!(self.word(e - 1), "," | ":" | ";") {
            e -= 1;
        }
        inner.start..e
    }

    /// True when the sentence goes on after the closing mark with more words than an
    /// attribution: the quote is then part of a larger clause.
    fn continues_as_clause(&self, q: &QuoteSpan) -> bool {
        let Some(c) = q.close else { return false };
        let next = c + 1;
        if next >= self.l.tokens.len() || self.l.tokens[next].line_start {
            return false;
        }
        self.l.sentence(next) == self.l.sentence(c) && self.l.is_lower_word(next)
    }

    /// `"…," X said` · `"…", said X` · `"…," he told reporters` · `"…," according to X`.
    fn after_attribution(&self, q: &QuoteSpan) -> Option<Attribution> {
        let c = q.close?;
        let p = self.l.paragraph_range(c);
        let mut k = c + 1;
        if k < p.end && matches!(self.word(k), "," | "—" | "–" | "-" | "--") {
            k += 1;
        }
        if k >= p.end {
            return None;
        }
        // `said X` first, then `X said` (a role word like "coach" may also be a verb).
        self.inverted_after(k, &p)
            .or_else(|| self.subject_after(k, &p))
    }

    /// `"…", said X` — the cue at `k`, the speaker after it.
    fn inverted_after(&self, k: usize, p: &Range<usize>) -> Option<Attribution> {
        let (len, _) = self.cue_at_with(k, true)?;
        let src = self.right_name(k + len, p.end)?;
        if !self.is_namelike(&src) {
            return None;
        }
        let next = src.end;
        self.finish_after(Some(src), k..k + len, next, p)
    }

    /// `"…," X said` · `"…," X, a spokesman, said` — the speaker at `k`.
    fn subject_after(&self, k: usize, p: &Range<usize>) -> Option<Attribution> {
        let src = self.right_name(k, p.end)?;
        if !self.is_namelike(&src) {
            return None;
        }
        let mut m = src.end;
        if self.word(m) == "," {
            m = (m + 1..p.end.min(m + 16)).find(|&i| self.word(i) == ",")? + 1;
        }
        let mut skipped = 0;
        while m < p.end && skipped < 3 && (is_adverb(self.word(m)) || is_auxiliary(self.word(m))) {
            m += 1;
            skipped += 1;
        }
        let (len, _) = self.cue_at_with(m, true)?;
        let cue = self.cue_with_aux(m, len, src.end);
        self.finish_after(Some(src), cue, m + len, p)
    }

    /// Adds the addressee of `tell` and checks that the attribution ends at `next`
    /// rather than opening a clause of its own.
    fn finish_after(
        &self,
        source: Option<Range<usize>>,
        cue: Range<usize>,
        mut next: usize,
        p: &Range<usize>,
    ) -> Option<Attribution> {
        let mut addressee = None;
        if self.is_tell(cue.end - 1) {
            if let Some(a) = self.right_np(next, p.end) {
                next = a.end;
                addressee = Some(a);
            }
        }
        if next < p.end {
            let w = self.word(next);
            let ok = matches!(
                self.l.kind(next),
                Some(TokenKind::Terminal | TokenKind::OpenQuote | TokenKind::Dash)
            ) || matches!(w, "," | ";" | ":")
                || (is_preposition(w) && !w.eq_ignore_ascii_case("that"))
                || is_weekday(w)
                || is_adverb(w);
            if !ok {
                return None;
            }
        }
        Some(Attribution {
            source,
            cue,
            addressee,
        })
    }

    fn is_tell(&self, i: usize) -> bool {
        self.l.info(i).lemma(self.word(i)) == Some("tell")
    }

    /// `X said: "…"` · `X labelled "…"` · `X told reporters: "…"` · `…, saying "…"`.
    fn before_attribution(&self, q: &QuoteSpan) -> Option<Attribution> {
        let o = q.open;
        let p = self.l.paragraph_range(o);
        if o <= p.start || self.continues_as_clause(q) {
            return None;
        }
        let mut k = o - 1;
        let punct = matches!(self.word(k), ":" | ",");
        if punct || self.word(k).eq_ignore_ascii_case("that") {
            if k == p.start {
                return None;
            }
            k -= 1;
        }
        let lowest = p.start.max(k.saturating_sub(8));
        let mut j = k + 1;
        while j > lowest {
            j -= 1;
            let t = self.l.tokens[j];
            if t.is_quote() || t.kind == TokenKind::Terminal {
                return None;
            }
            if self.used_cue[j] {
                return None;
            }
            let Some((len, lemma)) = self.cue_at_with(j, punct) else {
                continue;
            };
            let adjacent = j + len == k + 1;
            if !adjacent && !punct {
                return None;
            }
            if j > p.start && self.word(j - 1).eq_ignore_ascii_case("to") && lemma != "according to"
            {
                return None;
            }
            // Everything between the cue and the mark must be a phrase, not a clause.
            let between = j + len..k + 1;
            if between
                .clone()
                .any(|i| !matches!(self.l.kind(i), Some(TokenKind::Word | TokenKind::Clitic)))
            {
                return None;
            }
            let sentence_start = self.l.sentence_range(j).start.max(p.start);
            let source = if lemma == "according to" {
                self.right_np(j + len, k + 1)
            } else if self.word(j).ends_with("ing") {
                self.main_subject(j)
            } else {
                self.left_source(j, sentence_start)
                    .or_else(|| self.right_np(j + len, k + 1))
            };
            let addressee = (lemma == "tell" && !between.is_empty())
                .then(|| self.right_np(between.start, between.end))
                .flatten();
            return Some(Attribution {
                source,
                cue: self.cue_with_aux(j, len, sentence_start),
                addressee,
            });
        }
        None
    }

    /// Reported speech: every unused cue outside quotes with a speaker and a clause.
    fn reported_speech(&mut self) {
        for s in 0..self.l.sentences.len() {
            let range = self.l.sentences[s].tokens.clone();
            if range.is_empty() || self.is_blocked(range.start) {
                continue;
            }
            let mut i = range.start;
            // (only the tokens a cue may start at: the others would be skipped)
            let mut next = self.cue_starts.partition_point(|&p| (p as usize) < i);
            while i < range.end {
                while self.cue_starts.get(next).is_some_and(|&p| (p as usize) < i) {
                    next += 1;
                }
                match self.cue_starts.get(next) {
                    Some(&p) if (p as usize) < range.end => i = p as usize,
                    _ => break,
                }
                if self.used_cue[i] || self.in_quote(i) {
                    i += 1;
                    continue;
                }
                let Some((len, lemma)) = self.cue_at(i) else {
                    i += 1;
                    continue;
                };
                if let Some(c) = self.reported_at(i, len, lemma, range.clone()) {
                    for k in c.cue.clone().into_iter().flatten() {
                        self.used_cue[k] = true;
                    }
                    self.out.push(c);
                }
                i += len;
            }
        }
    }

    fn reported_at(&self, i: usize, len: usize, lemma: &str, s: Range<usize>) -> Option<Candidate> {
        let prev = if i > s.start { self.word(i - 1) } else { "" };
        if lemma == "according to" {
            return self.according_to(i, s);
        }
        if prev.eq_ignore_ascii_case("to") {
            return None; // "declined to confirm"
        }
        let gerund = self.word(i).ends_with("ing");
        if gerund && prev != "," && !is_auxiliary(prev) {
            return None; // "a resolution condemning …", "Speaking amid …"
        }
        // `-s` forms are often plural nouns ("smaller states such as …"): a bare
        // lowercase phrase before one is not a speaker.
        let w = self.word(i);
        if w.ends_with('s') && w != "says" {
            if let Some(src) = self.left_np(i, s.start) {
                let first = self.word(src.start);
                if self.l.is_lower_word(src.start)
                    && !is_determiner(first)
                    && !is_subject_pronoun(first)
                    && !is_role_word(first)
                {
                    return None;
                }
            }
        }
        let cue = self.cue_with_aux(i, len, s.start);
        // `Relations are bad, said Putin.` · `…, said Jo Lin, an analyst.`: the clause
        // before, the speaker after.
        if prev == "," && !gerund {
            if let Some(src) = self
                .right_name(i + len, s.end)
                .filter(|r| self.is_namelike(r))
            {
                let end = src.end;
                if end >= s.end
                    || self.word(end) == ","
                    || self.l.kind(end) == Some(TokenKind::Terminal)
                {
                    let content = self.trim_clause(s.start..i - 1);
                    return self.reported(content, cue, Some(src), None, 0.75);
                }
            }
        }
        let source = if gerund && prev == "," {
            self.main_subject(i)
        } else {
            self.left_source(i, s.start)
        };
        let mut k = i + len;
        let mut addressee = None;
        if lemma == "tell" {
            if let Some(a) = self.right_np(k, s.end) {
                k = a.end;
                addressee = Some(a);
            }
        }
        let Some(source) = source else {
            // `Relations are bad, said Putin.`: the clause before, the speaker after.
            if prev == "," {
                let src = self.right_np(i + len, s.end)?;
                let end = src.end;
                if !self.is_namelike(&src)
                    || (end < s.end && self.l.kind(end) != Some(TokenKind::Terminal))
                {
                    return None;
                }
                let content = self.trim_clause(s.start..i - 1);
                return self.reported(content, cue, Some(src), None, 0.7);
            }
            return None;
        };
        // `Turnout will fall, he said.`: the clause before the speaker.
        let ends_here = k >= s.end || self.l.kind(k) == Some(TokenKind::Terminal);
        if ends_here && source.start > s.start && self.word(source.start - 1) == "," {
            let content = self.trim_clause(s.start..source.start - 1);
            return self.reported(content, cue, Some(source), addressee, 0.75);
        }
        if k < s.end && self.word(k) == ":" {
            k += 1;
        }
        let mut that = false;
        if k < s.end && self.word(k).eq_ignore_ascii_case("that") {
            k += 1;
            that = true;
        } else if k < s.end && (is_preposition(self.word(k)) || is_adverb(self.word(k))) {
            // `said in Moscow following talks that …`
            let t = (k + 1..s.end.min(k + 14))
                .take_while(|&m| !self.l.tokens[m].is_quote())
                .find(|&m| self.word(m).eq_ignore_ascii_case("that"))?;
            k = t + 1;
            that = true;
        }
        if k >= s.end
            || !matches!(
                self.l.kind(k),
                Some(TokenKind::Word | TokenKind::OpenQuote | TokenKind::Number)
            )
        {
            return None;
        }
        // Verbs that also take plain objects report speech only with "that" or marks.
        let needs_that = cue_strength(lemma).unwrap_or(true);
        if needs_that && !that && self.l.kind(k) != Some(TokenKind::OpenQuote) {
            return None;
        }
        // The clause ends at the sentence end, or before `, adding …`/`, according to`.
        let mut end = s.end;
        let first_break = self.clause_breaks.partition_point(|&b| (b as usize) < k);
        if let Some(&b) = self.clause_breaks.get(first_break) {
            if (b as usize) < s.end {
                end = b as usize;
            }
        }
        // A quote that runs past the sentence end is part of the clause.
        if end == s.end && end > k {
            if let Some(&qn) = self.quote_of.get(end - 1) {
                if qn != NONE {
                    if let Some(c) = self.quotes[qn as usize].close {
                        end = end.max(c + 1);
                    }
                }
            }
        }
        let content = self.trim_clause(k..end);
        let score = if that { 0.85 } else { 0.75 };
        self.reported(content, cue, Some(source), addressee, score)
    }

    /// `According to X, …` and `…, according to X.`
    fn according_to(&self, i: usize, s: Range<usize>) -> Option<Candidate> {
        let src = self.right_np(i + 2, s.end)?;
        let cue = i..i + 2;
        if i == s.start {
            if self.word(src.end) != "," {
                return None;
            }
            let content = self.trim_clause(src.end + 1..s.end);
            return self.reported(content, cue, Some(src), None, 0.8);
        }
        if self.word(i - 1) == "," {
            let content = self.trim_clause(s.start..i - 1);
            return self.reported(content, cue, Some(src), None, 0.8);
        }
        None
    }

    fn reported(
        &self,
        content: Range<usize>,
        cue: Range<usize>,
        source: Option<Range<usize>>,
        addressee: Option<Range<usize>>,
        score: f32,
    ) -> Option<Candidate> {
        let words = self.words_in(&content);
        if words < 3 {
            return None;
        }
        Some(Candidate {
            content,
            cue: Some(cue),
            source,
            addressee,
            score,
            origin: Origin::Rule,
        })
    }

    /// A clause without trailing terminal punctuation, commas or dangling marks.
    fn trim_clause(&self, r: Range<usize>) -> Range<usize> {
        let (mut a, mut e) = (r.start, r.end);
        while e > a {
            let last = e - 1;
            let drop = match self.l.kind(last) {
                Some(TokenKind::Terminal) => true,
                Some(TokenKind::Punct) => matches!(self.word(last), "," | ";" | ":"),
                Some(TokenKind::Dash) => true,
                // A closing mark whose quote opened before the clause is dangling.
                Some(TokenKind::CloseQuote) => self
                    .quote_of
                    .get(last)
                    .is_some_and(|&q| q == NONE || self.quotes[q as usize].open < a),
                _ => false,
            };
            if !drop {
                break;
            }
            e -= 1;
        }
        while a < e && matches!(self.word(a), "," | ":" | "—" | "–") {
            a += 1;
        }
        a..e
    }
}

/// How a strong reporting verb takes its clause: `true` when it needs "that" (or a
/// quotation) to report speech (`confirmed its willingness` is not a statement, `denied
/// that …` is), `false` when a bare clause follows it (`said relations worsened`).
/// `None` for verbs that are not strong reporting cues.
pub fn cue_strength(lemma: &str) -> Option<bool> {
    // (`match`es on the strings: a decision tree, not a scan of the lists)
    if matches!(
        lemma,
        "say"
            | "tell"
            | "add"
            | "claim"
            | "argue"
            | "insist"
            | "note"
            | "warn"
            | "explain"
            | "state"
            | "write"
            | "tweet"
            | "report"
            | "suggest"
            | "assert"
            | "contend"
            | "maintain"
            | "predict"
            | "acknowledge"
            | "admit"
            | "believe"
            | "think"
            | "reply"
            | "respond"
            | "answer"
            | "declare"
            | "announce"
            | "testify"
            | "conclude"
            | "complain"
            | "caution"
            | "concede"
            | "reiterate"
            | "stress"
            | "emphasize"
            | "emphasise"
            | "observe"
            | "remark"
            | "comment"
            | "joke"
            | "quip"
            | "boast"
            | "allege"
            | "agree"
            | "estimate"
            | "recount"
            | "vow"
            | "promise"
            | "pledge"
            | "threaten"
            | "speculate"
            | "posit"
            | "counter"
            | "retort"
            | "confide"
            | "muse"
            | "lament"
            | "mention"
            | "hint"
            | "imply"
            | "signal"
            | "indicate"
    ) {
        Some(false)
    } else if matches!(
        lemma,
        "confirm"
            | "deny"
            | "reveal"
            | "accuse"
            | "label"
            | "call"
            | "describe"
            | "urge"
            | "demand"
            | "ask"
            | "show"
            | "recall"
            | "charge"
            | "recommend"
            | "propose"
            | "question"
            | "dispute"
            | "protest"
            | "assure"
            | "remind"
            | "inform"
            | "advise"
            | "disclose"
            | "feel"
            | "hope"
            | "fear"
            | "worry"
            | "know"
            | "expect"
            | "doubt"
            | "understand"
            | "learn"
            | "hear"
            | "read"
            | "discover"
            | "recognize"
            | "recognise"
            | "decide"
            | "guess"
            | "figure"
            | "imagine"
            | "suspect"
            | "realize"
            | "realise"
            | "prove"
            | "demonstrate"
            | "brand"
            | "dub"
            | "term"
    ) {
        Some(true)
    } else {
        None
    }
}

/// Verbs the communication lexicon lists that are too common to cue anything alone.
fn is_light_verb(lemma: &str) -> bool {
    matches!(
        lemma,
        "have"
            | "be"
            | "do"
            | "get"
            | "make"
            | "go"
            | "take"
            | "give"
            | "put"
            | "set"
            | "come"
            | "carry"
            | "air"
            | "attack"
            | "strike"
            | "run"
            | "keep"
            | "let"
            | "see"
            | "look"
            | "meet"
            | "hold"
            | "turn"
            | "leave"
            | "bring"
            | "send"
            | "move"
            | "play"
            | "work"
    )
}

/// Lowercase name particles (`de Mistura`, `van Rompuy`, `bin Salman`).
fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "de" | "da"
            | "di"
            | "du"
            | "del"
            | "der"
            | "van"
            | "von"
            | "bin"
            | "al"
            | "el"
            | "la"
            | "le"
            | "dos"
    )
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{analyze_with, Options};
    use crate::{Document, Quote, QuoteKind, Resolution};

    /// The rule stage's quotes (the learned tagger off: these test the rules).
    fn quotes(t: &str) -> Vec<Quote> {
        analyze_with(
            &Document::new("t", t),
            &Options {
                tagger: false,
                filter: false,
            },
        )
        .quotes
    }

    /// (kind, content, speaker name, cue) of every quote.
    fn brief(t: &str) -> Vec<(QuoteKind, String, Option<String>, Option<String>)> {
        quotes(t)
            .into_iter()
            .map(|q| {
                (
                    q.kind,
                    q.content.text,
                    q.speaker.name,
                    q.cue.map(|c| c.text),
                )
            })
            .collect()
    }

    fn one(
        kind: QuoteKind,
        content: &str,
        speaker: &str,
        cue: &str,
    ) -> Vec<(QuoteKind, String, Option<String>, Option<String>)> {
        vec![(kind, content.into(), Some(speaker.into()), Some(cue.into()))]
    }

    #[test]
    fn speaker_before_with_colon() {
        assert_eq!(
            brief("Mayor Ann Lee said: \"The bridge opens in May.\""),
            one(
                QuoteKind::Direct,
                "The bridge opens in May.",
                "Ann Lee",
                "said"
            )
        );
    }

    #[test]
    fn quote_then_speaker_said() {
        assert_eq!(
            brief("“The bridge opens in May,” Ann Lee said."),
            one(
                QuoteKind::Direct,
                "The bridge opens in May",
                "Ann Lee",
                "said"
            )
        );
    }

    #[test]
    fn quote_then_said_speaker() {
        assert_eq!(
            brief("\"We are ready for the storm\", said Paolo Conte."),
            one(
                QuoteKind::Direct,
                "We are ready for the storm",
                "Paolo Conte",
                "said"
            )
        );
    }

    #[test]
    fn participial_saying() {
        assert_eq!(
            brief("Governor Ruth Ames rejected the plan, saying \"it costs far too much\"."),
            one(
                QuoteKind::Direct,
                "it costs far too much",
                "Ruth Ames",
                "saying"
            )
        );
    }

    #[test]
    fn quote_broken_by_its_attribution() {
        // One statement: its content is the extent (PolNeAR), its fragments the pieces.
        for t in [
            "\"The levee held,\" Tom Reyes said. \"But the next storm may be worse.\"",
            "“The levee held,” Tom Reyes said, “but the next storm may be worse.”",
        ] {
            let got = quotes(t);
            assert_eq!(got.len(), 1, "{got:?}");
            let q = &got[0];
            assert_eq!(q.kind, QuoteKind::Direct);
            assert!(q.content.text.starts_with("The levee held,"), "{q:?}");
            assert!(q.content.text.ends_with("may be worse."), "{q:?}");
            let pieces: Vec<&str> = q.fragments.iter().map(|f| f.text.as_str()).collect();
            assert_eq!(pieces.len(), 2, "{pieces:?}");
            assert_eq!(pieces[0], "The levee held");
            assert!(pieces[1].ends_with("the next storm may be worse."));
            assert_eq!(q.speaker.name.as_deref(), Some("Tom Reyes"));
            assert_eq!(q.cue.as_ref().map(|c| c.text.as_str()), Some("said"));
        }
        // A second quote with an attribution of its own stays apart.
        let got = brief("\"The levee held,\" Tom Reyes said. \"It may not,\" Ann Lee said.");
        assert_eq!(got.len(), 2, "{got:?}");
        // A plain quote has no fragments, and none are serialized.
        let q = &quotes("\"The levee held,\" Tom Reyes said.")[0];
        assert!(q.fragments.is_empty());
        assert!(!serde_json::to_string(q).unwrap().contains("fragments"));
    }

    #[test]
    fn multi_sentence_quote() {
        let got = brief("\"We tried. We failed. We will try again,\" coach Mia Holt said.");
        assert_eq!(
            got,
            one(
                QuoteKind::Direct,
                "We tried. We failed. We will try again",
                "Mia Holt",
                "said"
            )
        );
    }

    #[test]
    fn multi_paragraph_quote() {
        let t = "Ann Lee said: \"The first part is done.\n\n\"The second part starts next week.\"";
        let got = brief(t);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].1.starts_with("The first part"));
        assert!(got[0].1.ends_with("next week."));
        assert_eq!(got[0].2.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn nested_single_quotes_stay_inside() {
        let got = brief("“He told me ‘never again’ and left,” Ann Lee said.");
        assert_eq!(
            got,
            one(
                QuoteKind::Direct,
                "He told me ‘never again’ and left",
                "Ann Lee",
                "said"
            )
        );
    }

    #[test]
    fn partial_quote_makes_mixed() {
        let got = brief("Chen Wei says the council has doubts about the \"rushed\" plans.");
        assert_eq!(
            got,
            one(
                QuoteKind::Mixed,
                "the council has doubts about the \"rushed\" plans",
                "Chen Wei",
                "says"
            )
        );
    }

    #[test]
    fn reported_speech_without_marks() {
        assert_eq!(
            brief("Mayor Ann Lee said that the budget has grown too fast."),
            one(
                QuoteKind::Indirect,
                "the budget has grown too fast",
                "Ann Lee",
                "said"
            )
        );
        assert_eq!(
            brief("Ann Lee said in a radio interview on Monday that taxes will rise."),
            one(QuoteKind::Indirect, "taxes will rise", "Ann Lee", "said")
        );
    }

    #[test]
    fn according_to() {
        let got = brief("According to officials, the dam will be closed for a month.");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, QuoteKind::Indirect);
        assert_eq!(got[0].1, "the dam will be closed for a month");
        assert_eq!(got[0].3.as_deref(), Some("According to"));
        let got = brief("The dam will be closed for a month, according to the ministry.");
        assert_eq!(got[0].1, "The dam will be closed for a month");
    }

    #[test]
    fn headline_quote() {
        let got = brief("Mayor Lee: city budget 'in terrible shape'\n\nThe council met on Monday.");
        assert_eq!(
            got,
            one(QuoteKind::Headline, "in terrible shape", "Lee", ":")
        );
    }

    #[test]
    fn told_reporters_gives_addressee() {
        let q = quotes("\"Nothing is decided yet,\" Ann Lee told reporters.");
        assert_eq!(q.len(), 1);
        assert_eq!(
            q[0].addressee.as_ref().map(|a| a.text.as_str()),
            Some("reporters")
        );
        assert_eq!(q[0].cue.as_ref().map(|a| a.text.as_str()), Some("told"));
    }

    #[test]
    fn organisation_speaker_is_nominal() {
        let q = quotes("The Kremlin said the talks had been useful and frank.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.resolution, Resolution::Nominal);
        assert_eq!(q[0].speaker.name.as_deref(), Some("Russia"));
        assert_eq!(
            q[0].speaker.mention.as_ref().map(|m| m.text.as_str()),
            Some("The Kremlin")
        );
    }

    #[test]
    fn unattributed_quote_is_unresolved() {
        let q = quotes("The hall was silent.\n\n\"Nobody expected this outcome at all.\"");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].speaker.resolution, Resolution::Unresolved);
        assert!(q[0].speaker.mention.is_none());
    }

    #[test]
    fn scare_quotes_and_infinitives_are_not_quotes() {
        // The rule stage alone (the learned tagger may propose its own candidates).
        let rules = |t: &str| {
            let toks = crate::text::tokenize(t);
            let s = crate::text::split_sentences(t, &toks);
            let l = crate::layout::Layout::new(t, &toks, &s);
            let spans = super::quote_spans(&l);
            super::candidates(&l, &spans, &vec![false; l.paragraphs.len()])
        };
        assert!(rules("The so-called \"reform\" failed in the upper house.").is_empty());
        assert!(rules("The ministry declined to confirm the date of the vote.").is_empty());
        assert!(rules("A resolution condemning the attack was vetoed.").is_empty());
    }

    #[test]
    fn curly_and_straight_marks_agree() {
        let a = brief("“Prices will fall,” Ann Lee said.");
        let b = brief("\"Prices will fall,\" Ann Lee said.");
        assert_eq!(a, b);
    }
}

#[cfg(test)]
mod clause_first {
    use crate::{Document, QuoteKind};

    /// The rule stage alone (the learned tagger off).
    fn analyze(doc: &Document) -> crate::Analysis {
        crate::pipeline::analyze_with(
            doc,
            &crate::pipeline::Options {
                tagger: false,
                filter: false,
            },
        )
    }

    #[test]
    fn clause_then_speaker() {
        for t in [
            "Turnout will fall sharply this year, he said.",
            "Turnout will fall sharply this year, said Jo Lin, an analyst at the institute.",
            "Turnout will fall sharply this year, Jo Lin said.",
        ] {
            let q = analyze(&Document::new("t", t)).quotes;
            let q: Vec<_> = q.iter().filter(|q| q.cue.is_some()).collect();
            assert_eq!(q.len(), 1, "{t}: {q:?}");
            assert_eq!(q[0].kind, QuoteKind::Indirect);
            assert_eq!(
                q[0].content.text, "Turnout will fall sharply this year",
                "{t}"
            );
        }
    }

    #[test]
    fn noun_forms_of_cues_do_not_open_clauses() {
        let t = "He won conservative states, such as Texas and Oklahoma, by wide margins.";
        let toks = crate::text::tokenize(t);
        let s = crate::text::split_sentences(t, &toks);
        let l = crate::layout::Layout::new(t, &toks, &s);
        let spans = super::quote_spans(&l);
        assert!(super::candidates(&l, &spans, &[false]).is_empty());
    }
}
