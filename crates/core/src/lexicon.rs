//! Word lists the rules consult: reporting verbs and nouns, titles, first names
//! with gender, country and organisation name variants.
//!
//! The lists are compact text files under `crates/core/data/`, generated from
//! public sources (US Census first names, nam_dict, WordNet 3.0, ISO 3166 via
//! pycountry, plus small documented hand supplements) by
//! `scripts/build_lexicons.py`; `data/SOURCES.md` gives each source and licence.
//! They are embedded with `include_str!` and parsed once, lazily, into hash maps.
//! Lookups lowercase ASCII words into a stack buffer and so do not allocate.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// The FxHash function (rustc's): a multiply-rotate per 8 bytes. The keys are fixed
/// words embedded in the binary, so SipHash's flood resistance buys nothing here and
/// costs most of a lookup.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FxHasher`]s.
pub(crate) type Fx = BuildHasherDefault<FxHasher>;
/// A hash map keyed with [`FxHasher`] (for keys that are words, not attacker-chosen).
pub(crate) type FxMap<K, V> = HashMap<K, V, Fx>;
type FxSet<K> = HashSet<K, Fx>;

pub(crate) use crate::packing::{pack_lower, pack_lower_bytes, Packed};

/// An open-addressing map from [`Packed`] words: a lookup is a multiply and one or two
/// integer compares, with no string hashing and no byte compares through a pointer.
///
/// The probed table holds one `u32` a slot: a fingerprint of the key (hash bits the
/// home slot does not use) above the entry's index plus one (0: a free slot); the keys and
/// values sit in a dense side table read only when a fingerprint matches. Most lookups
/// are of words not in the map and end in the slot table (4 bytes a slot instead of the
/// 16-byte key and the value: the word lists' table takes 128 instead of 640 KiB of cache).
pub(crate) struct PackedMap<V> {
    slots: Vec<u32>,
    entries: Vec<(Packed, V)>,
    /// Bits of a slot that hold the entry index plus one.
    index_bits: u32,
}

impl<V: Copy + Default> PackedMap<V> {
    /// The map of `entries`; `merge(old, new)` combines the values of a repeated key.
    pub(crate) fn new(
        entries: impl Iterator<Item = (Packed, V)>,
        merge: impl Fn(V, V) -> V,
    ) -> Self {
        let input: Vec<(Packed, V)> = entries.collect();
        // at most a quarter full: a word not in the map (most lookups) meets an empty
        // slot after ~1.4 probes on average instead of ~2 at half full; the names (20k)
        // stay at half full, few are looked up
        let spread = if input.len() <= 8192 { 4 } else { 2 };
        let cap = (input.len() * spread).next_power_of_two().max(16);
        let index_bits = (usize::BITS - input.len().leading_zeros()).max(1);
        let mut slots = vec![0u32; cap];
        let mut dense: Vec<(Packed, V)> = Vec::with_capacity(input.len());
        for (k, v) in input {
            let (mut i, fp) = Self::home(k, cap - 1, index_bits);
            loop {
                let s = slots[i];
                if s == 0 {
                    dense.push((k, v));
                    slots[i] = fp | dense.len() as u32;
                    break;
                }
                if s >> index_bits == fp >> index_bits {
                    let j = (s & Self::index_mask(index_bits)) as usize - 1;
                    if dense[j].0 == k {
                        dense[j].1 = merge(dense[j].1, v);
                        break;
                    }
                }
                i = (i + 1) & (cap - 1);
            }
        }
        PackedMap {
            slots,
            entries: dense,
            index_bits,
        }
    }

    #[inline(always)]
    fn index_mask(index_bits: u32) -> u32 {
        (1u32 << index_bits).wrapping_sub(1)
    }

    /// The home slot of `k` and its fingerprint (in the bits above `index_bits`, the
    /// others 0).
    #[inline(always)]
    fn home((lo, hi): Packed, mask: usize, index_bits: u32) -> (usize, u32) {
        let h = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let fp = ((h >> 8) as u32) & !Self::index_mask(index_bits);
        ((h >> 40) as usize & mask, fp)
    }

    /// Starts loading the slot where [`PackedMap::get`] of `k` begins its probe.
    #[inline(always)]
    pub(crate) fn prefetch(&self, k: Packed) {
        let mask = self.slots.len().wrapping_sub(1);
        if let Some(slot) = self.slots.get(Self::home(k, mask, self.index_bits).0) {
            crate::cache::prefetch(slot);
        }
    }

    /// The value of `k`.
    #[inline]
    pub(crate) fn get(&self, k: Packed) -> Option<V> {
        let mask = self.slots.len().wrapping_sub(1);
        let ib = self.index_bits;
        let (mut i, fp) = Self::home(k, mask, ib);
        while let Some(&s) = self.slots.get(i) {
            if s == 0 {
                return None;
            }
            if s >> ib == fp >> ib {
                let j = (s & Self::index_mask(ib)) as usize;
                if let Some(&(key, v)) = self.entries.get(j.wrapping_sub(1)) {
                    if key == k {
                        return Some(v);
                    }
                }
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Number of keys.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The file `build.rs` makes the first-name table of (read here by the tests only).
#[cfg(test)]
const NAMES: &str = include_str!("../data/names.tsv");
const VERBS: &str = include_str!("../data/verbs.txt");
const PHRASAL: &str = include_str!("../data/phrasal_verbs.txt");
const NOUNS: &str = include_str!("../data/nouns.txt");
const TITLES: &str = include_str!("../data/titles.txt");
const ENTITIES: &str = include_str!("../data/entities.tsv");

/// Usual gender of a first name or a pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Mostly men.
    Male,
    /// Mostly women.
    Female,
}

/// Lines of an embedded data file, without comments and blank lines.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let (line, after) = split_at_byte(t, b'\n').map_or((t, None), |(l, r)| (l, Some(r)));
        rest = after;
        Some(line)
    })
    .map(str::trim_end)
    .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `s` split around its first byte `b` (an ASCII byte, so both sides are `str`s). A
/// plain byte loop: on the short lines of the data files, setting up `str::split`'s
/// `memchr` search costs more than the search.
fn split_at_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|x| x == b)?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// Calls `f` with `word` lowercased, without allocating for short ASCII words.
fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    let bytes = word.as_bytes();
    // Most words are already lowercase ASCII: no copy, no re-validation.
    if bytes
        .iter()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return f(word);
    }
    let mut buf = [0u8; 64];
    if bytes.len() <= buf.len() && word.is_ascii() {
        let dst = &mut buf[..bytes.len()];
        dst.copy_from_slice(bytes);
        dst.make_ascii_lowercase();
        // ASCII lowercasing keeps the bytes valid UTF-8.
        match std::str::from_utf8(dst) {
            Ok(s) => f(s),
            Err(_) => f(&word.to_lowercase()),
        }
    } else {
        f(&word.to_lowercase())
    }
}

/// A name's entry: gender (if clear) and the US Census male share in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct NameInfo {
    gender: Option<Gender>,
    male_pct: Option<u8>,
}

impl NameInfo {
    /// The entry `build.rs` encoded as `e`.
    fn decode(e: u16) -> NameInfo {
        NameInfo {
            gender: match e & 3 {
                1 => Some(Gender::Male),
                2 => Some(Gender::Female),
                _ => None,
            },
            male_pct: (e & 4 != 0).then_some((e >> 8) as u8),
        }
    }
}

/// The first names of `data/names.tsv` that pack ([`pack_lower`]), built into the binary
/// by `build.rs`: sorted by key, [`NAME_RECORD`] bytes each (the key's two integers,
/// then the entry [`NameInfo::decode`] reads, little-endian): no run parses the file.
static PACKED_NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/names_packed.bin"));
/// Bytes of a [`PACKED_NAMES`] record.
const NAME_RECORD: usize = 18;
/// The other first names (long, not ASCII or with capitals), sorted, with their entries.
static OTHER_NAMES: &[(&str, u16)] = include!(concat!(env!("OUT_DIR"), "/names_other.rs"));

/// The packed first names in a [`PackedMap`], filled on first use from the records of
/// [`PACKED_NAMES`] (a copy, no parse).
fn packed_names() -> &'static PackedMap<NameInfo> {
    static NAMES_MAP: OnceLock<PackedMap<NameInfo>> = OnceLock::new();
    NAMES_MAP.get_or_init(|| {
        let le8 = |b: &[u8]| b.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c));
        let records = PACKED_NAMES.chunks_exact(NAME_RECORD).map(|r| {
            let entry = r.get(16..).and_then(|e| e.first_chunk::<2>());
            (
                (le8(r), le8(r.get(8..).unwrap_or_default())),
                NameInfo::decode(entry.map_or(0, |e| u16::from_le_bytes(*e))),
            )
        });
        // (the keys are unique)
        PackedMap::new(records, |_, last| last)
    })
}

/// The entry of first name `name` (any case).
fn name_info(name: &str) -> Option<NameInfo> {
    let packed = packed_names();
    // (a word that lowercases to a packing one, such as one with a Kelvin sign, is
    // looked up packed as well)
    lookup(name, packed, |n| match pack_lower(n) {
        Some(k) => packed.get(k),
        None => OTHER_NAMES
            .binary_search_by(|&(o, _)| o.cmp(n))
            .ok()
            .and_then(|i| OTHER_NAMES.get(i))
            .map(|&(_, e)| NameInfo::decode(e)),
    })
}

/// Whether `name` (any case) is a known first name, of whatever gender.
pub fn is_first_name(name: &str) -> bool {
    name_info(name).is_some()
}

/// The usual gender of a first name (`"Sergei"` → Male), if the name is known and
/// clear (≥ 90% one way in the US Census, or marked single-gender in nam_dict).
pub fn first_name_gender(name: &str) -> Option<Gender> {
    name_info(name).and_then(|i| i.gender)
}

/// Share of men (0.0–1.0) bearing a first name in the 1990 US Census, if listed
/// there (`"Jordan"` → about 0.82).
pub fn gender_ratio(name: &str) -> Option<f32> {
    name_info(name)
        .and_then(|i| i.male_pct)
        .map(|p| f32::from(p) / 100.0)
}

fn verbs() -> &'static FxMap<&'static str, &'static str> {
    static MAP: OnceLock<FxMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = FxMap::default();
        for line in data_lines(VERBS) {
            let mut forms = line.split(' ');
            let Some(lemma) = forms.next() else { continue };
            map.entry(lemma).or_insert(lemma);
            for form in forms.filter(|f| !f.is_empty()) {
                map.entry(form).or_insert(lemma);
            }
        }
        map
    })
}

/// The entries of a word map whose keys pack ([`pack_lower`]), for [`lookup`]. Keys with
/// capitals are left out: a lowercased word never matches them.
fn pack_keys<V: Copy + Default + 'static>(
    entries: impl Iterator<Item = (&'static str, V)> + 'static,
) -> PackedMap<V> {
    PackedMap::new(packable(entries), |first, _| first)
}

/// The communication-verb forms that pack ([`pack_lower`]) with their lemmas, as
/// [`reporting_verb_lemma`] finds them (for [`crate::wordclass::WordInfo`]'s table).
pub(crate) fn packed_verb_forms() -> impl Iterator<Item = (Packed, &'static str)> {
    packable(verbs().iter().map(|(&f, &l)| (f, l)))
}

/// The one-word titles that pack ([`pack_lower`]), as [`is_title`] finds them (for
/// [`crate::wordclass::WordInfo`]'s table).
pub(crate) fn packed_titles() -> impl Iterator<Item = Packed> {
    packable(titles().iter().map(|&t| (t, ()))).map(|(k, ())| k)
}

/// The entries of a word map whose keys have no capitals (a lowercased word never
/// matches those) and pack, with their keys packed.
fn packable<V: 'static>(
    entries: impl Iterator<Item = (&'static str, V)> + 'static,
) -> impl Iterator<Item = (Packed, V)> {
    entries
        .filter(|(k, _)| !k.bytes().any(|b| b.is_ascii_uppercase()))
        .filter_map(|(k, v)| Some((pack_lower(k)?, v)))
}

/// `word`, in any case, in a word map: in its packed copy ([`pack_keys`]) when the word
/// packs (every key it can match is there), else lowercased in the map itself by `slow`.
fn lookup<V: Copy + Default>(
    word: &str,
    packed: &PackedMap<V>,
    slow: impl FnOnce(&str) -> Option<V>,
) -> Option<V> {
    match pack_lower(word) {
        Some(k) => packed.get(k),
        None => with_lower(word, slow),
    }
}

/// The lemma of a reporting/communication verb form (`"labelled"` → `"label"`), if it is one.
pub fn reporting_verb_lemma(word: &str) -> Option<&'static str> {
    static PACKED: OnceLock<PackedMap<&'static str>> = OnceLock::new();
    let packed = PACKED.get_or_init(|| pack_keys(verbs().iter().map(|(&f, &l)| (f, l))));
    lookup(word, packed, |w| verbs().get(w).copied())
}

fn phrasal() -> &'static FxSet<&'static str> {
    static SET: OnceLock<FxSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| data_lines(PHRASAL).collect())
}

/// True if verb lemma `head` with `particle` is a reporting phrasal verb
/// (`("point", "out")`, `("speak", "up")`).
pub fn is_reporting_phrasal(head: &str, particle: &str) -> bool {
    let mut buf = [0u8; 64];
    let n = head.len() + 1 + particle.len();
    if n > buf.len() || !head.is_ascii() || !particle.is_ascii() {
        return false;
    }
    buf[..head.len()].copy_from_slice(head.as_bytes());
    buf[head.len()] = b' ';
    buf[head.len() + 1..n].copy_from_slice(particle.as_bytes());
    buf[..n].make_ascii_lowercase();
    std::str::from_utf8(&buf[..n]).is_ok_and(|s| phrasal().contains(s))
}

fn nouns() -> &'static FxSet<&'static str> {
    static SET: OnceLock<FxSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        data_lines(NOUNS)
            .flat_map(|l| l.split(' '))
            .filter(|w| !w.is_empty())
            .collect()
    })
}

/// True for a noun (singular or plural) that names a statement and so can cue an
/// attribution (`"statement"`, `"claims"`, `"accusation"`, `"tweet"`).
pub fn is_reporting_noun(word: &str) -> bool {
    with_lower(word, |w| nouns().contains(w))
}

fn titles() -> &'static FxSet<&'static str> {
    static SET: OnceLock<FxSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| data_lines(TITLES).collect())
}

/// True for a title or role that may precede a name (`"minister"`, `"President"`,
/// `"Sen."`, `"Mr"`; also multi-word titles such as `"foreign minister"`).
/// A trailing dot is ignored.
pub fn is_title(word: &str) -> bool {
    let w = word.strip_suffix('.').unwrap_or(word);
    static PACKED: OnceLock<PackedMap<()>> = OnceLock::new();
    let packed = PACKED.get_or_init(|| pack_keys(titles().iter().map(|&t| (t, ()))));
    lookup(w, packed, |w| titles().contains(w).then_some(())).is_some()
}

/// Maps of name variants: case-sensitive abbreviations and lowercased names.
struct Entities {
    exact: FxMap<&'static str, &'static str>,
    folded: FxMap<String, &'static str>,
    /// Byte length of the longest key of `folded`: a longer ASCII name matches none.
    longest: usize,
}

/// Abbreviations like `US`, `WHO` are matched case-sensitively so that the
/// words "us" and "who" are not taken for them.
fn is_exact_abbrev(v: &str) -> bool {
    v.len() <= 5 && !v.is_empty() && v.bytes().all(|b| b.is_ascii_uppercase())
}

fn entities() -> &'static Entities {
    static ENT: OnceLock<Entities> = OnceLock::new();
    ENT.get_or_init(|| {
        let mut exact = FxMap::default();
        let mut folded = FxMap::default();
        for line in data_lines(ENTITIES) {
            let mut fields = line.split('\t');
            let Some(canon) = fields.next() else { continue };
            for v in std::iter::once(canon).chain(fields) {
                if v.is_empty() {
                    continue;
                }
                if is_exact_abbrev(v) {
                    exact.entry(v).or_insert(canon);
                } else {
                    folded.entry(v.to_lowercase()).or_insert(canon);
                }
            }
        }
        let longest = folded.keys().map(String::len).max().unwrap_or(0);
        Entities {
            exact,
            folded,
            longest,
        }
    })
}

/// `s.trim()`, without decoding a character when its first and last bytes are ASCII
/// other than whitespace (`char::is_whitespace`: tab to carriage return, and space).
fn trim(s: &str) -> &str {
    let plain = |b: &u8| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ');
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(f), Some(l)) if plain(f) && plain(l) => s,
        _ => s.trim(),
    }
}

/// The canonical country or organisation a name variant stands for
/// (`"Russian Federation"`, `"Moscow"`, `"the Kremlin"` → `"Russia"`;
/// `"US"`, `"U.S."`, `"Washington"` → `"United States"`). A leading "the" is
/// ignored; all-caps abbreviations must match in case (`"us"` is no country).
pub fn canonical_entity(name: &str) -> Option<&'static str> {
    // (most names are trimmed already and start with no "the": no decoding, no prefix
    // compares)
    let name = trim(name);
    let name = match name.as_bytes().first() {
        Some(b't' | b'T') => ["the ", "The ", "THE "]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .map_or(name, str::trim_start),
        _ => name,
    };
    let ents = entities();
    // (only abbreviations are keys of `exact`: most names need no lookup there)
    if is_exact_abbrev(name) {
        if let Some(c) = ents.exact.get(name) {
            return Some(c);
        }
    }
    // (ASCII lowercasing keeps the length: a longer name is no key)
    if name.len() > ents.longest && name.is_ascii() {
        return None;
    }
    static PACKED: OnceLock<PackedMap<&'static str>> = OnceLock::new();
    let packed =
        PACKED.get_or_init(|| pack_keys(ents.folded.iter().map(|(n, &c)| (n.as_str(), c))));
    lookup(name, packed, |n| ents.folded.get(n).copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packing::ascii_lower8;

    #[test]
    fn packed_map_equals_a_hash_map() {
        // the verb forms and some misses; values merged as a sum, keys repeated
        let words: Vec<&str> = verbs().keys().copied().collect();
        let entries: Vec<(Packed, u32)> = words
            .iter()
            .chain(words.iter().take(500))
            .enumerate()
            .filter_map(|(i, w)| Some((pack_lower(w)?, i as u32 + 1)))
            .collect();
        let mut distinct = 0;
        for n in [0, 1, 7, 100, entries.len()] {
            let part = &entries[..n];
            let map = PackedMap::new(part.iter().copied(), |a, b| a + b);
            let mut want: FxMap<Packed, u32> = Default::default();
            for &(k, v) in part {
                *want.entry(k).or_insert(0) += v;
            }
            assert_eq!(map.len(), want.len());
            distinct = want.len();
            for &(k, _) in &entries {
                assert_eq!(map.get(k), want.get(&k).copied(), "{k:?}");
            }
            for w in ["zzzz", "", "a", "notaverbatall", "saidx", "x"] {
                if let Some(k) = pack_lower(w) {
                    assert_eq!(map.get(k), want.get(&k).copied(), "{w}");
                }
            }
        }
        // the last part is every entry: the verb forms alone
        assert!(distinct > 3000);
    }

    /// [`pack_lower`] as a copy into a zeroed 16-byte buffer.
    fn pack_lower_by_copy(word: &str) -> Option<Packed> {
        let b = word.as_bytes();
        if b.len() >= 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..b.len()].copy_from_slice(b);
        buf[15] = b.len() as u8;
        let lo = u64::from_le_bytes(buf[..8].try_into().ok()?);
        let hi = u64::from_le_bytes(buf[8..].try_into().ok()?);
        ((lo | hi) & 0x8080_8080_8080_8080 == 0).then(|| (ascii_lower8(lo), ascii_lower8(hi)))
    }

    #[test]
    fn packing_matches_a_buffer_copy() {
        let text = "AbCdEfGhIjKlMnOpQrStU_vwxyz09 Ω-é'";
        for a in 0..text.len() {
            for b in a..=text.len() {
                if let Some(w) = text.get(a..b) {
                    assert_eq!(pack_lower(w), pack_lower_by_copy(w), "{w:?}");
                }
            }
        }
    }

    #[test]
    fn data_files_parse() {
        assert!(packed_names().len() > 5000 && !OTHER_NAMES.is_empty());
        assert!(verbs().len() > 3000);
        assert!(phrasal().len() > 50);
        assert!(nouns().len() > 100);
        assert!(titles().len() > 200);
        assert!(entities().folded.len() > 300);
    }

    /// The entry of `name` as the table built from the file line by line at run time
    /// (before `build.rs` made it) gave it.
    fn name_info_by_parsing(name: &str) -> Option<NameInfo> {
        let mut packed = Vec::new();
        let mut other = FxMap::default();
        for line in data_lines(NAMES) {
            let Some((name, rest)) = split_at_byte(line, b'\t') else {
                continue;
            };
            let Some((g, rest)) = split_at_byte(rest, b'\t') else {
                continue;
            };
            let pct = split_at_byte(rest, b'\t').map_or(rest, |(p, _)| p);
            let gender = match g {
                "M" => Some(Gender::Male),
                "F" => Some(Gender::Female),
                _ => None,
            };
            let info = NameInfo {
                gender,
                male_pct: pct.parse().ok(),
            };
            match pack_lower(name).filter(|_| !name.bytes().any(|b| b.is_ascii_uppercase())) {
                Some(k) => packed.push((k, info)),
                None => {
                    other.insert(name, info);
                }
            }
        }
        let packed = PackedMap::new(packed.into_iter(), |_, last| last);
        lookup(name, &packed, |n| match pack_lower(n) {
            Some(k) => packed.get(k),
            None => other.get(n).copied(),
        })
    }

    #[test]
    fn built_name_table_matches_the_file() {
        let names: Vec<&str> = data_lines(NAMES)
            .filter_map(|l| split_at_byte(l, b'\t').map(|(n, _)| n))
            .collect();
        // (every hundredth name and its case variants: the parse per lookup is slow)
        for n in names.iter().step_by(100).chain(&names[names.len() - 50..]) {
            for w in [n.to_string(), n.to_uppercase(), n.to_lowercase()] {
                assert_eq!(name_info(&w), name_info_by_parsing(&w), "{w}");
            }
        }
        for w in ["", "x", "Xyzzyq", "Jean-Pierre", "ÅSA", "Ölrich"] {
            assert_eq!(name_info(w), name_info_by_parsing(w), "{w}");
        }
    }

    #[test]
    fn first_names() {
        for n in ["Sergei", "Sergey", "Vladimir", "Donald", "Rex", "BORIS"] {
            assert_eq!(first_name_gender(n), Some(Gender::Male), "{n}");
        }
        for n in ["Hillary", "Nikki", "Theresa", "Mary", "angela"] {
            assert_eq!(first_name_gender(n), Some(Gender::Female), "{n}");
        }
        for n in ["Jordan", "Taylor", "", "Xyzzyq"] {
            assert_eq!(first_name_gender(n), None, "{n}");
        }
        let r = gender_ratio("Jordan").unwrap_or(0.0);
        assert!(r > 0.5 && r < 0.9);
        assert_eq!(gender_ratio("Sergei"), None);
    }

    #[test]
    fn packed_verb_lookup_matches_the_map() {
        for (&form, &lemma) in verbs() {
            assert_eq!(reporting_verb_lemma(form), Some(lemma), "{form}");
            assert_eq!(
                reporting_verb_lemma(&form.to_uppercase()),
                Some(lemma),
                "{form}"
            );
        }
        for w in ["", "x", "table", "saidx", "sáid", "communicatingly"] {
            assert_eq!(reporting_verb_lemma(w), None, "{w}");
        }
    }

    #[test]
    fn packed_entity_lookup_matches_the_map() {
        for (name, &canon) in &entities().folded {
            assert_eq!(canonical_entity(name), Some(canon), "{name}");
        }
    }

    #[test]
    fn packed_title_lookup_matches_the_set() {
        for &t in titles() {
            assert!(is_title(t) && is_title(&t.to_uppercase()), "{t}");
        }
        assert!(!is_title("table") && !is_title(""));
    }

    #[test]
    fn verbs_lemmas() {
        for (form, lemma) in [
            ("labelled", "label"),
            ("labeled", "label"),
            ("said", "say"),
            ("says", "say"),
            ("saying", "say"),
            ("Told", "tell"),
            ("tweeted", "tweet"),
            ("accusing", "accuse"),
            ("warned", "warn"),
            ("insisted", "insist"),
            ("denied", "deny"),
            ("claims", "claim"),
            ("added", "add"),
            ("noted", "note"),
            ("argued", "argue"),
            ("wrote", "write"),
            ("announced", "announce"),
            ("revealed", "reveal"),
            ("acknowledged", "acknowledge"),
            ("believes", "believe"),
            ("thought", "think"),
            ("admitted", "admit"),
        ] {
            assert_eq!(reporting_verb_lemma(form), Some(lemma), "{form}");
        }
        assert_eq!(reporting_verb_lemma("table"), None);
        assert_eq!(reporting_verb_lemma(""), None);
        assert!(is_reporting_phrasal("point", "out"));
        assert!(!is_reporting_phrasal("table", "out"));
    }

    #[test]
    fn nouns_and_titles() {
        for n in ["statement", "claims", "accusation", "tweet", "remarks"] {
            assert!(is_reporting_noun(n), "{n}");
        }
        assert!(!is_reporting_noun("table"));
        for t in [
            "President",
            "minister",
            "Sen.",
            "Mr",
            "Mrs.",
            "Dr",
            "spokesman",
            "spokeswoman",
            "chairman",
            "CEO",
            "Gen.",
            "foreign minister",
            "secretary of state",
        ] {
            assert!(is_title(t), "{t}");
        }
        assert!(!is_title("table"));
        assert!(!is_title(""));
    }

    #[test]
    fn entities_canonical() {
        for v in [
            "Russian Federation",
            "Moscow",
            "the Kremlin",
            "Kremlin",
            "Russia",
        ] {
            assert_eq!(canonical_entity(v), Some("Russia"), "{v}");
        }
        for v in [
            "US",
            "U.S.",
            "USA",
            "Washington",
            "the White House",
            "United States of America",
        ] {
            assert_eq!(canonical_entity(v), Some("United States"), "{v}");
        }
        for v in ["UK", "U.K.", "Britain", "Downing Street"] {
            assert_eq!(canonical_entity(v), Some("United Kingdom"), "{v}");
        }
        assert_eq!(canonical_entity("Beijing"), Some("China"));
        assert_eq!(canonical_entity("Islamic Republic of Iran"), Some("Iran"));
        assert_eq!(canonical_entity("us"), None);
        assert_eq!(canonical_entity("who"), None);
        assert_eq!(canonical_entity("table"), None);
    }

    #[test]
    fn long_and_non_ascii_inputs() {
        let long = "x".repeat(500);
        assert_eq!(first_name_gender(&long), None);
        assert_eq!(reporting_verb_lemma(&long), None);
        assert!(!is_title(&long));
        assert_eq!(canonical_entity(&long), None);
        assert_eq!(canonical_entity("Élysée"), Some("France"));
        assert!(!is_reporting_phrasal(&long, "out"));
    }
}
