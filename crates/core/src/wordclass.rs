//! Small closed word classes the rule stages consult: pronouns, auxiliaries,
//! prepositions, subordinators, role words, month and weekday names.
//!
//! These are grammar words, not data: they do not grow with the corpus, so they live
//! here as short lists instead of in [`crate::lexicon`]. The longer lists share one
//! lookup table of packed words (`class_bits`: one probe finds every list a word is
//! on); the short ones are `match`es. Every check is case-insensitive and allocates
//! nothing.

use crate::lexicon::{pack_lower, pack_lower_bytes, Gender, Packed, PackedMap};
use std::sync::OnceLock;

/// `word` lowercased (into `buf` when it has a capital), or `None` when it is too long
/// or not ASCII (no word of these lists is).
fn lower<'b>(word: &'b str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let b = word.as_bytes();
    if b.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    // Most words are lowercase already: no copy, no re-validation.
    if !b.iter().any(u8::is_ascii_uppercase) {
        return Some(word);
    }
    let dst = &mut buf[..b.len()];
    dst.copy_from_slice(b);
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).ok()
}

/// Case-insensitive membership of a word in a list of lowercase literals, compiled to
/// a `match` (no allocation, no linear scan of strings).
macro_rules! word_in {
    ($word:expr, $($w:literal)|+) => {{
        let mut buf = [0u8; 24];
        match lower($word, &mut buf) {
            Some(w) => matches!(w, $($w)|+),
            None => false,
        }
    }};
}

/// The word lists below, one bit each: [`class_bits`] finds every list a word is on with
/// one lookup in a [`PackedMap`] (a `match` on strings compares the literals one by one).
const AUXILIARY: u16 = 1 << 0;
const ADVERB: u16 = 1 << 1;
const PREPOSITION: u16 = 1 << 2;
const SUBORDINATOR: u16 = 1 << 3;
const DETERMINER: u16 = 1 << 4;
const OTHER_FUNCTION: u16 = 1 << 5;
const NON_NAME: u16 = 1 << 6;
const MONTH: u16 = 1 << 7;
const WEEKDAY: u16 = 1 << 8;
const ROLE: u16 = 1 << 9;
const PERSON_TITLE: u16 = 1 << 10;
const ORG: u16 = 1 << 11;
/// A one-word title of [`crate::lexicon::is_title`] (only in [`WordInfo`]'s table).
const TITLE: u16 = 1 << 12;
/// Set in a [`WordInfo`] that holds every answer for its word (the word packs, or is no
/// word at all); without it the tests fall back on the word's text.
const KNOWN: u16 = 1 << 15;

/// Words of [`is_auxiliary`].
const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "was", "were", "is", "are", "be", "been", "will", "would", "could",
    "can", "may", "might", "should", "shall", "did", "does", "do", "not", "n't", "never",
];

/// Words of [`is_adverb`] besides `-ly` words.
const ADVERBS: &[&str] = &[
    "also",
    "later",
    "earlier",
    "then",
    "again",
    "once",
    "already",
    "just",
    "still",
    "often",
    "further",
    "first",
    "previously",
    "reportedly",
    "soon",
    "now",
    "too",
    "even",
    "long",
];

/// Words of [`is_preposition`].
const PREPOSITIONS: &[&str] = &[
    "in",
    "at",
    "on",
    "during",
    "following",
    "after",
    "before",
    "to",
    "from",
    "with",
    "via",
    "through",
    "by",
    "for",
    "of",
    "about",
    "over",
    "under",
    "ahead",
    "amid",
    "into",
    "upon",
    "while",
    "when",
    "as",
    "since",
    "last",
    "this",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "later",
    "outside",
    "inside",
    "near",
    "behind",
];

/// Words of [`is_subordinator`].
const SUBORDINATORS: &[&str] = &[
    "while", "although", "though", "because", "if", "unless", "whereas", "since", "when",
    "whether", "once", "until", "after", "before",
];

/// Words of [`is_determiner`].
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "some", "many", "several", "two",
    "three", "other", "one", "another", "both", "most", "these", "those", "this", "that", "senior",
    "top",
];

/// Words of [`is_function_word`] besides determiners, prepositions and auxiliaries.
const OTHER_FUNCTION_WORDS: &[&str] = &[
    "and", "or", "but", "nor", "so", "yet", "which", "who", "whom", "whose", "what", "where",
    "there", "here", "it", "no", "than", "then", "if", "said", "says",
];

/// Words of [`is_capitalized_non_name`] besides function words, months and weekdays.
const NON_NAMES: &[&str] = &[
    "still",
    "however",
    "meanwhile",
    "moments",
    "also",
    "speaking",
    "asked",
    "according",
    "indeed",
    "instead",
    "now",
    "even",
    "although",
    "because",
    "though",
    "unless",
    "why",
    "how",
    "we",
    "i",
    "he",
    "she",
    "they",
    "you",
    "my",
    "your",
    "next",
    "like",
    "every",
    "all",
    "yes",
    "only",
    "just",
    "editor",
    "breaking",
    "update",
    "photo",
    "read",
    "watch",
    "share",
];

/// Words of [`is_month`].
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Words of [`is_weekday`].
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words of [`is_role_word`] besides titles.
const ROLE_WORDS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "col",
    "capt",
    "adm",
    "prof",
    "rev",
    "president",
    "vice",
    "prime",
    "minister",
    "secretary",
    "chancellor",
    "senator",
    "congressman",
    "congresswoman",
    "representative",
    "governor",
    "mayor",
    "general",
    "ambassador",
    "envoy",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "director",
    "judge",
    "justice",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "deputy",
    "attorney",
    "special",
    "foreign",
    "defense",
    "defence",
    "leader",
    "candidate",
    "nominee",
    "sheriff",
    "officer",
    "commander",
    "adviser",
    "advisor",
    "speaker",
    "ceo",
    "founder",
    "host",
    "anchor",
    "author",
    "professor",
    "coach",
    "former",
    "democratic",
    "republican",
    "gop",
    "un",
    "u.n.",
    "state",
    "house",
    "senate",
    "majority",
    "minority",
    "press",
    "white",
    "national",
    "security",
    "campaign",
    "manager",
    "executive",
    "official",
];

/// Words of [`is_person_title`] besides gendered roles.
const PERSON_TITLES: &[&str] = &[
    "dr",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "col",
    "capt",
    "adm",
    "prof",
    "rev",
    "president",
    "minister",
    "secretary",
    "chancellor",
    "senator",
    "representative",
    "governor",
    "mayor",
    "ambassador",
    "envoy",
    "spokesperson",
    "judge",
    "justice",
    "candidate",
    "nominee",
    "sheriff",
    "officer",
    "commander",
    "adviser",
    "advisor",
    "professor",
    "coach",
    "host",
    "anchor",
    "author",
    "director",
    "leader",
    "ceo",
    "founder",
    "manager",
    "chief",
    "speaker",
];

/// Words of [`is_org_word`].
const ORG_WORDS: &[&str] = &[
    "ministry",
    "department",
    "council",
    "party",
    "committee",
    "agency",
    "university",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "group",
    "association",
    "union",
    "nations",
    "house",
    "office",
    "bank",
    "court",
    "army",
    "police",
    "news",
    "times",
    "post",
    "journal",
    "institute",
    "foundation",
    "organization",
    "organisation",
    "commission",
    "government",
    "administration",
    "senate",
    "congress",
    "pentagon",
    "kremlin",
    "federation",
    "republic",
    "states",
    "kingdom",
    "network",
    "press",
    "service",
    "center",
    "centre",
    "company",
    "airbase",
    "base",
    "city",
    "county",
    "street",
    "campaign",
    "fund",
    "board",
    "coalition",
    "alliance",
    "forces",
    "reuters",
    "cnn",
    "bbc",
    "fox",
    "msnbc",
    "nbc",
    "abc",
    "cbs",
    "ap",
    "twitter",
    "facebook",
    "google",
];

/// The function words: [`is_function_word`].
const FUNCTION: u16 = DETERMINER | PREPOSITION | AUXILIARY | OTHER_FUNCTION;

/// The lists of [`class_bits`] and their bits.
const LISTS: [(u16, &[&str]); 12] = [
    (AUXILIARY, AUXILIARIES),
    (ADVERB, ADVERBS),
    (PREPOSITION, PREPOSITIONS),
    (SUBORDINATOR, SUBORDINATORS),
    (DETERMINER, DETERMINERS),
    (OTHER_FUNCTION, OTHER_FUNCTION_WORDS),
    (NON_NAME, NON_NAMES),
    (MONTH, MONTHS),
    (WEEKDAY, WEEKDAYS),
    (ROLE, ROLE_WORDS),
    (PERSON_TITLE, PERSON_TITLES),
    (ORG, ORG_WORDS),
];

/// The bits of the lists `word` (any case) is on; 0 for most words.
fn class_bits(word: &str) -> u16 {
    pack_lower(word).map_or(0, |k| WordInfo::packed_bits(k) & !TITLE)
}

/// Whether `word`, in any case, is on one of the lists of `bits`.
#[inline]
fn in_class(word: &str, bits: u16) -> bool {
    class_bits(word) & bits != 0
}

/// What the word lists know of one token, from one lookup: the lists of this module it
/// is on, whether it is a title ([`crate::lexicon::is_title`]) and its communication-verb
/// lemma ([`crate::lexicon::reporting_verb_lemma`]). [`crate::layout::Layout`] keeps one
/// per token, so the rules and the speaker stage need not look a word up again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordInfo {
    bits: u16,
    /// 0: no lemma; [`ASK_LEXICON`]: the word did not pack, ask the lexicon; else the
    /// lemma's index in [`Table::lemmas`] plus one.
    lemma: u16,
}

/// What [`WordInfo::of_tokens`] looks up for a token.
#[derive(Clone, Copy)]
enum Key {
    /// A word, packed.
    Packed(Packed),
    /// A word that does not pack.
    Unpacked,
    /// Not a word (or no text).
    NoWord,
}

/// [`WordInfo::lemma`] of a word the table cannot hold.
const ASK_LEXICON: u16 = u16::MAX;

/// [`WordInfo`]'s table: the packed words of the lists, titles and verb forms.
struct Table {
    map: PackedMap<WordInfo>,
    /// The lemmas the entries point to.
    lemmas: Vec<&'static str>,
}

/// The table of [`WordInfo`], built on first use.
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut lemmas: Vec<&'static str> = Vec::new();
        let mut index: crate::lexicon::FxMap<&'static str, u16> = Default::default();
        let verbs: Vec<(Packed, WordInfo)> = crate::lexicon::packed_verb_forms()
            .map(|(k, lemma)| {
                let n = *index.entry(lemma).or_insert_with(|| {
                    lemmas.push(lemma);
                    lemmas.len() as u16
                });
                (k, WordInfo { bits: 0, lemma: n })
            })
            .collect();
        let lists = LISTS
            .iter()
            .flat_map(|&(bit, words)| {
                words
                    .iter()
                    .filter_map(move |w| Some((pack_lower(w)?, bit)))
            })
            .chain(crate::lexicon::packed_titles().map(|k| (k, TITLE)))
            .map(|(k, bits)| (k, WordInfo { bits, lemma: 0 }));
        let map = PackedMap::new(lists.chain(verbs), |a, b| WordInfo {
            bits: a.bits | b.bits,
            lemma: if a.lemma != 0 { a.lemma } else { b.lemma },
        });
        Table { map, lemmas }
    })
}

impl WordInfo {
    /// The entry of `word` (any case).
    pub fn of(word: &str) -> Self {
        Self::in_table(table(), word.as_bytes())
    }

    /// The entry of a word of bytes `word` in `table`.
    #[inline]
    fn in_table(table: &Table, word: &[u8]) -> Self {
        match pack_lower_bytes(word) {
            Some(k) => Self::packed_in_table(table, k),
            None => Self::unpacked(),
        }
    }

    /// The entry of packed word `k` in `table`.
    #[inline]
    fn packed_in_table(table: &Table, k: Packed) -> Self {
        let info = table.map.get(k).unwrap_or_default();
        WordInfo {
            bits: info.bits | KNOWN,
            lemma: info.lemma,
        }
    }

    /// The entry of a word that does not pack (no list word is this long or not ASCII,
    /// but a verb form may be).
    #[inline]
    fn unpacked() -> Self {
        WordInfo {
            bits: 0,
            lemma: ASK_LEXICON,
        }
    }

    /// The entries of `tokens` of `text`: a word's or clitic's from the table, any other
    /// token's [`WordInfo::none`].
    ///
    /// In two passes: every token's packed word first (each word's table slot requested
    /// as it is packed, so that the cache misses of many words overlap), then the lookups.
    pub fn of_tokens(text: &str, tokens: &[crate::text::Token]) -> Vec<Self> {
        use crate::text::TokenKind;
        let (table, bytes) = (table(), text.as_bytes());
        let keys: Vec<Key> = tokens
            .iter()
            .map(|t| match t.kind {
                TokenKind::Word | TokenKind::Clitic => match bytes.get(t.start..t.end) {
                    Some(w) => match pack_lower_bytes(w) {
                        Some(k) => {
                            table.map.prefetch(k);
                            Key::Packed(k)
                        }
                        None => Key::Unpacked,
                    },
                    None => Key::NoWord,
                },
                _ => Key::NoWord,
            })
            .collect();
        keys.into_iter()
            .map(|k| match k {
                Key::Packed(k) => Self::packed_in_table(table, k),
                Key::Unpacked => Self::unpacked(),
                Key::NoWord => Self::none(),
            })
            .collect()
    }

    /// [`WordInfo::of_tokens`] one token at a time (the lookups' reference).
    #[cfg(test)]
    fn of_tokens_serial(text: &str, tokens: &[crate::text::Token]) -> Vec<Self> {
        use crate::text::TokenKind;
        let (table, bytes) = (table(), text.as_bytes());
        tokens
            .iter()
            .map(|t| match t.kind {
                TokenKind::Word | TokenKind::Clitic => match bytes.get(t.start..t.end) {
                    Some(w) => Self::in_table(table, w),
                    None => Self::none(),
                },
                _ => Self::none(),
            })
            .collect()
    }

    /// The list bits of packed word `k` (0 for most words).
    #[inline]
    fn packed_bits(k: Packed) -> u16 {
        table().map.get(k).map_or(0, |i| i.bits)
    }

    /// The entry of a token that is no word (a number, a quote mark, punctuation): on no
    /// list, no verb.
    pub fn none() -> Self {
        WordInfo {
            bits: KNOWN,
            lemma: 0,
        }
    }

    /// False when the word surely has no lemma ([`WordInfo::lemma`] is `None`).
    #[inline]
    pub fn may_have_lemma(self) -> bool {
        self.lemma != 0
    }

    /// [`crate::lexicon::reporting_verb_lemma`] of `word`, this entry's text.
    #[inline]
    pub fn lemma(self, word: &str) -> Option<&'static str> {
        match self.lemma {
            0 => None,
            ASK_LEXICON => crate::lexicon::reporting_verb_lemma(word),
            n => table().lemmas.get(usize::from(n) - 1).copied(),
        }
    }

    /// The bits of the lists the word is on, if this entry settles the tests of `word`
    /// (its text): not for a word the table cannot hold, nor for one ending in a dot
    /// (the tests differ in the dots they take off).
    #[inline]
    fn bits_for(self, word: &str) -> Option<u16> {
        (self.bits & KNOWN != 0 && !word.ends_with('.')).then_some(self.bits)
    }

    /// Whether `word`, this entry's text, is on one of the lists of `bits`, as `test`
    /// (the test of those lists on the text) says.
    #[inline]
    fn in_lists(self, word: &str, bits: u16, test: fn(&str) -> bool) -> bool {
        match self.bits_for(word) {
            Some(b) => b & bits != 0,
            None => test(word),
        }
    }

    /// [`is_function_word`] of `word`, this entry's text.
    #[inline]
    pub fn is_function_word(self, word: &str) -> bool {
        self.in_lists(word, FUNCTION, is_function_word)
    }

    /// [`is_auxiliary`] of `word`, this entry's text.
    #[inline]
    pub fn is_auxiliary(self, word: &str) -> bool {
        self.in_lists(word, AUXILIARY, is_auxiliary)
    }

    /// [`is_determiner`] of `word`, this entry's text.
    #[inline]
    pub fn is_determiner(self, word: &str) -> bool {
        self.in_lists(word, DETERMINER, is_determiner)
    }

    /// [`is_preposition`] of `word`, this entry's text.
    #[inline]
    pub fn is_preposition(self, word: &str) -> bool {
        self.in_lists(word, PREPOSITION, is_preposition)
    }

    /// [`is_capitalized_non_name`] of `word`, this entry's text.
    #[inline]
    pub fn is_capitalized_non_name(self, word: &str) -> bool {
        self.in_lists(
            word,
            FUNCTION | MONTH | WEEKDAY | NON_NAME,
            is_capitalized_non_name,
        )
    }

    /// [`is_role_word`] of `word`, this entry's text.
    #[inline]
    pub fn is_role_word(self, word: &str) -> bool {
        self.in_lists(word, TITLE | ROLE, is_role_word)
    }

    /// [`is_org_word`] of `word`, this entry's text.
    #[inline]
    pub fn is_org_word(self, word: &str) -> bool {
        self.in_lists(word, ORG, is_org_word)
    }

    /// [`is_adverb`] of `word`, this entry's text.
    #[inline]
    pub fn is_adverb(self, word: &str) -> bool {
        match self.bits_for(word) {
            Some(b) => {
                (word.len() > 4 && word.ends_with("ly") && is_lowercase(word)) || b & ADVERB != 0
            }
            None => is_adverb(word),
        }
    }
}

/// True when `word` starts with an uppercase letter.
pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True when `word` starts with a lowercase letter.
pub fn is_lowercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

/// Grammatical number and gender of a personal pronoun that can be a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PronounClass {
    /// he, him, his.
    Male,
    /// she, her.
    Female,
    /// it, its.
    Neuter,
    /// they, them, their.
    Plural,
    /// I, we, you: the speaker inside a quote, never an antecedent outside it.
    Deictic,
}

/// The class of a personal pronoun (`"She"` → Female), or `None` for other words.
pub fn pronoun_class(word: &str) -> Option<PronounClass> {
    // lowercased once for all five lists
    let mut buf = [0u8; 24];
    match lower(word, &mut buf)? {
        "he" | "him" | "his" | "himself" => Some(PronounClass::Male),
        "she" | "her" | "hers" | "herself" => Some(PronounClass::Female),
        "it" | "its" | "itself" => Some(PronounClass::Neuter),
        "they" | "them" | "their" | "themselves" => Some(PronounClass::Plural),
        "i" | "we" | "you" | "me" | "us" => Some(PronounClass::Deictic),
        _ => None,
    }
}

/// True for a subject pronoun that can stand as a speaker (`he`, `she`, `they`, …).
pub fn is_subject_pronoun(word: &str) -> bool {
    word_in!(word, "he" | "she" | "it" | "they" | "we" | "i" | "you")
}

/// True for an object pronoun that can be an addressee (`him`, `reporters` is a noun).
pub fn is_object_pronoun(word: &str) -> bool {
    word_in!(word, "him" | "her" | "them" | "us" | "me" | "you" | "it")
}

/// Auxiliaries and negation that may sit between a speaker and a cue verb.
pub fn is_auxiliary(word: &str) -> bool {
    in_class(word, AUXILIARY)
}

/// Adverbs that commonly sit between a speaker and a cue verb (`also`, `later`,
/// any `-ly` word).
pub fn is_adverb(word: &str) -> bool {
    (word.len() > 4 && word.ends_with("ly") && is_lowercase(word)) || in_class(word, ADVERB)
}

/// Prepositions and adverbials that may open a phrase between a cue and its clause.
pub fn is_preposition(word: &str) -> bool {
    in_class(word, PREPOSITION)
}

/// Words that open a subordinate clause (`While`, `Although`, …).
pub fn is_subordinator(word: &str) -> bool {
    in_class(word, SUBORDINATOR)
}

/// Determiners that may open a noun phrase.
pub fn is_determiner(word: &str) -> bool {
    in_class(word, DETERMINER)
}

/// Function words that never end a noun phrase and never head a speaker mention.
pub fn is_function_word(word: &str) -> bool {
    in_class(word, FUNCTION)
}

/// Capitalized words that begin sentences or name times and are never part of a name.
pub fn is_capitalized_non_name(word: &str) -> bool {
    // "Sept." is a month, but the initial "A." is not the article.
    let word = if word.len() > 2 {
        word.trim_end_matches('.')
    } else {
        word
    };
    // Grammar words, months, weekdays, then sentence openers and the like.
    in_class(word, FUNCTION | MONTH | WEEKDAY | NON_NAME)
}

/// True for a month name (`April`, `Sept.`).
pub fn is_month(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    in_class(w, MONTH)
}

/// True for a weekday name (`Tuesday`).
pub fn is_weekday(word: &str) -> bool {
    in_class(word, WEEKDAY)
}

/// Role words that may precede a name besides [`crate::lexicon::is_title`]
/// (`"spokesman"`, `"Sen."`, `"chancellor"`); lowercase or capitalized.
pub fn is_role_word(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    crate::lexicon::is_title(word) || in_class(w, ROLE)
}

/// Role words that settle a person's gender (`Mrs`, `spokeswoman` → Female).
pub fn role_gender(word: &str) -> Option<Gender> {
    let w = word.trim_end_matches('.');
    // lowercased once for both lists
    let mut buf = [0u8; 24];
    match lower(w, &mut buf)? {
        "mrs" | "ms" | "miss" | "madam" | "spokeswoman" | "congresswoman" | "chairwoman"
        | "queen" | "princess" | "businesswoman" | "actress" | "lady" | "dame" => {
            Some(Gender::Female)
        }
        "mr" | "sir" | "spokesman" | "congressman" | "chairman" | "king" | "prince"
        | "businessman" | "pope" | "lord" => Some(Gender::Male),
        _ => None,
    }
}

/// Role words that only a person can bear (`Mr`, `President`, `Sen.`); a name after
/// one is a person's.
pub fn is_person_title(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    role_gender(word).is_some() || in_class(w, PERSON_TITLE)
}

/// Head words of organisation names (`Ministry`, `Council`, `Party`).
pub fn is_org_word(word: &str) -> bool {
    in_class(word, ORG)
}

/// A capitalized adjective of nationality (`Russian`, `Italian`, `Chinese`).
pub fn is_nationality(word: &str) -> bool {
    is_capitalized(word)
        && word.len() > 5
        && (word.ends_with("ian")
            || word.ends_with("ean")
            || word.ends_with("ese")
            || word.ends_with("ish")
            || word.ends_with("ic")
            || word_in!(
                word,
                "French" | "Dutch" | "Greek" | "Israeli" | "Iraqi" | "Thai"
            ))
        && crate::lexicon::first_name_gender(word).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_tokens_matches_serial_lookups() {
        let text = "\"We will not back down,\" Smith told reporters on Tuesday. The \
            spokeswoman said: 'Ministers announced ALL of it' — Élodie Müller-Lüdenscheidt, \
            an extraordinarily-long-hyphenated-word, isn't sure; she'd claimed it. \
            Mr. O'Neill (D-Mass.) warned 42 times, he acknowledged.";
        let tokens = crate::text::tokenize(text);
        assert!(tokens.len() > 40);
        assert_eq!(
            WordInfo::of_tokens(text, &tokens),
            WordInfo::of_tokens_serial(text, &tokens)
        );
        // a token range outside the text is no word
        let mut bad = tokens.clone();
        if let Some(t) = bad.first_mut() {
            t.end = text.len() + 10;
        }
        assert_eq!(
            WordInfo::of_tokens(text, &bad),
            WordInfo::of_tokens_serial(text, &bad)
        );
    }

    #[test]
    fn classes() {
        assert_eq!(pronoun_class("She"), Some(PronounClass::Female));
        assert_eq!(pronoun_class("Smith"), None);
        assert!(is_adverb("critically"));
        assert!(!is_adverb("Lilly"));
        assert!(is_nationality("Russian"));
        assert!(!is_nationality("Russia"));
        assert!(is_month("Sept."));
        assert_eq!(role_gender("Mrs"), Some(Gender::Female));
        assert!(is_person_title("Mr."));
    }

    #[test]
    fn word_info_answers_as_the_tests_on_the_text() {
        let listed = LISTS.iter().flat_map(|(_, words)| words.iter().copied());
        let others = [
            "",
            "x",
            "Smith",
            "said",
            "SAID",
            "labelled",
            "told",
            "e-mailed",
            "Sept.",
            "Sen.",
            "Mr.",
            "A.",
            "minister",
            "Minister",
            "secretary-general",
            "Ministry",
            "thé",
            "administrations",
            "spokeswoman",
            "critically",
            "Quickly",
            "n't",
            "directors-general",
        ];
        for w in listed.chain(others) {
            for w in [w.to_string(), w.to_uppercase(), format!("{w}.")] {
                let w = w.as_str();
                let i = WordInfo::of(w);
                assert_eq!(i.lemma(w), crate::lexicon::reporting_verb_lemma(w), "{w}");
                assert_eq!(i.is_function_word(w), is_function_word(w), "{w}");
                assert_eq!(i.is_auxiliary(w), is_auxiliary(w), "{w}");
                assert_eq!(i.is_determiner(w), is_determiner(w), "{w}");
                assert_eq!(i.is_preposition(w), is_preposition(w), "{w}");
                assert_eq!(i.is_adverb(w), is_adverb(w), "{w}");
                assert_eq!(
                    i.is_capitalized_non_name(w),
                    is_capitalized_non_name(w),
                    "{w}"
                );
                assert_eq!(i.is_role_word(w), is_role_word(w), "{w}");
                assert_eq!(i.is_org_word(w), is_org_word(w), "{w}");
            }
        }
    }

    #[test]
    fn say_forms_have_a_lemma() {
        // (the lemma pass of the rules skips words without one before it tests these)
        for w in ["said", "says", "say", "saying"] {
            assert!(WordInfo::of(w).may_have_lemma(), "{w}");
        }
    }

    #[test]
    fn class_table_finds_every_listed_word_in_any_case() {
        for (bit, words) in LISTS {
            for w in words {
                assert!(class_bits(w) & bit != 0, "{w}");
                assert!(class_bits(&w.to_uppercase()) & bit != 0, "{w}");
            }
        }
        for w in [
            "",
            "x",
            "Smith",
            "saidd",
            "thé",
            "administrations",
            "the\u{0}",
        ] {
            assert_eq!(class_bits(w), 0, "{w}");
        }
        assert!(is_function_word("THE") && is_capitalized_non_name("Sept."));
    }
}
