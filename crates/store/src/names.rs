//! Speaker names across the corpus: name keys, titles taken from mentions, and the
//! clustering that makes "Sergei Lavrov", "Sergey Lavrov", "S. Lavrov" and "Lavrov" one
//! speaker.
//!
//! The rules, applied by [`cluster`]:
//!
//! 1. A name is reduced to its [`name_key`]: lowercase, diacritics folded, dots and
//!    apostrophes dropped, honorifics (`Mr.`, `Dr.`, `Sen.`...) and suffixes (`Jr.`,
//!    `III`) removed. The last word is the surname, the first the first name.
//! 2. A gazetteer alias wins: a name whose key is one of an entry's aliases is that entry.
//! 3. Full names are grouped by surname; within a surname, a first name joins the most
//!    quoted entity whose first name is *compatible*: equal, at edit distance 1 when both
//!    have at least 4 letters (Sergei/Sergey, Aleksei/Alexei after folding), or an initial
//!    of it (`S.` for Sergei). Initials are attached last, to the dominant match.
//! 4. A surname alone ("Lavrov") goes to the dominant (most quoted) full-name entity with
//!    that surname, or stays an entity of its own when there is none.
//! 5. Organisations and places (names seen mostly with the `nominal` resolution) are
//!    matched by their whole key only.
//!
//! The canonical name of an entity is its gazetteer name, else its most quoted full-name
//! spelling.

use crate::norm::fold_char;
use std::collections::{BTreeMap, HashMap};
use whosaid_core::lexicon::is_title;

/// Words dropped from the start of a name key.
pub(crate) const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "sen",
    "senator",
    "rep",
    "gov",
    "gen",
    "rev",
    "hon",
    "president",
    "pres",
    "mx",
    "madam",
    "messrs",
];

/// Honorifics that are no role ("Mr.", "Dr."), unlike "Senator" or "President".
const SOCIAL: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "madam", "messrs",
];

/// Words dropped from the end of a name key.
pub(crate) const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"];

/// Words that may open a role before a name and are not part of the role itself.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "then", "by", "one", "several", "many", "some", "other", "another", "her",
    "his", "their", "its", "our", "my", "your", "numerous", "few", "both", "all", "each", "most",
    "and", "but", "as", "also", "said", "says", "told",
];

/// The comparison key of a person or organisation name: folded words joined by one space,
/// honorifics and suffixes removed. Empty when nothing is left.
///
/// ```
/// use whosaid_store::names::name_key;
/// assert_eq!(name_key("Mr. Sergéi  Lavrov's"), "sergei lavrov");
/// assert_eq!(name_key("Martin Luther King, Jr."), "martin luther king");
/// ```
pub fn name_key(name: &str) -> String {
    // The folded words are written straight into `out`, one space apart; `words` holds
    // each word's byte range there, so that honorifics and suffixes are cut by slicing.
    let mut out = String::with_capacity(name.len());
    let mut words: Vec<(usize, usize)> = Vec::with_capacity(8);
    for raw in name.split(|c: char| c.is_whitespace() || c == ',') {
        let raw = raw
            .strip_suffix("'s")
            .or_else(|| raw.strip_suffix("’s"))
            .unwrap_or(raw);
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let start = out.len();
        for c in raw.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                }
            } else if c.is_alphanumeric() {
                fold_char(c, &mut out);
            }
        }
        if out.len() == start {
            out.truncate(before);
        } else {
            words.push((start, out.len()));
        }
    }
    let word = |&(s, e): &(usize, usize)| &out[s..e];
    let mut first = 0;
    while words.len() - first > 1 && HONORIFICS.contains(&word(&words[first])) {
        first += 1;
    }
    let mut last = words.len();
    while last - first > 1 && SUFFIXES.contains(&word(&words[last - 1])) {
        last -= 1;
    }
    if first == 0 && last == words.len() {
        return out;
    }
    match (
        words.get(first),
        last.checked_sub(1).and_then(|l| words.get(l)),
    ) {
        (Some(&(s, _)), Some(&(_, e))) => out[s..e].to_string(),
        _ => String::new(),
    }
}

/// A name key split into the parts the clustering compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    /// The first word, when the name has more than one.
    pub first: Option<String>,
    /// The last word.
    pub surname: String,
}

impl NameParts {
    /// Splits a [`name_key`]; `None` for an empty key.
    pub fn of_key(key: &str) -> Option<NameParts> {
        let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        let surname = (*words.last()?).to_string();
        let first = (words.len() > 1).then(|| words[0].to_string());
        Some(NameParts { first, surname })
    }

    /// True when the first name is a single letter (an initial).
    pub fn is_initial(&self) -> bool {
        self.first
            .as_deref()
            .is_some_and(|f| f.chars().count() == 1)
    }
}

/// Levenshtein distance, bounded: returns `bound + 1` as soon as it is exceeded.
fn edit_distance(a: &str, b: &str, bound: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > bound {
        return bound + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            row_min = row_min.min(cur[j]);
        }
        if row_min > bound {
            return bound + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// True when two first names can be the same person's: equal, one the initial of the
/// other, or at edit distance 1 when both have at least 4 letters — except two different
/// names the first-name lexicon knows, which are two people unless one is a spelling of
/// the other (a doubled letter, or i/y, j/y, c/k, v/w).
///
/// ```
/// use whosaid_store::names::first_names_compatible;
/// assert!(first_names_compatible("sergei", "sergey"));
/// assert!(first_names_compatible("s", "sergei"));
/// assert!(!first_names_compatible("hillary", "bill"));
/// assert!(first_names_compatible("hillary", "hilary"));
/// assert!(!first_names_compatible("ivana", "ivanka"));
/// ```
pub fn first_names_compatible(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la == 1 || lb == 1 {
        return a.chars().next() == b.chars().next();
    }
    if !(la >= 4 && lb >= 4 && edit_distance(a, b, 1) <= 1) {
        return false;
    }
    // Two different first names that are both known names are two people (Ivana and
    // Ivanka Trump), unless one is a spelling of the other.
    !(is_first_name(a) && is_first_name(b)) || spelling_variant(a, b)
}

/// True when the first-name lexicon knows `name`.
fn is_first_name(name: &str) -> bool {
    whosaid_core::lexicon::first_name_gender(name).is_some()
        || whosaid_core::lexicon::gender_ratio(name).is_some()
}

/// True when two names at edit distance 1 are spellings of one name: a doubled letter
/// written once (Hillary/Hilary, Phillip/Philip) or a transliteration pair swapped
/// (Sergei/Sergey: i/y, j/y, c/k, v/w).
fn spelling_variant(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() == b.len() {
        let diffs: Vec<(char, char)> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x != y)
            .map(|(x, y)| (*x, *y))
            .collect();
        return match diffs.as_slice() {
            [(x, y)] => {
                let pair = if x < y { (*x, *y) } else { (*y, *x) };
                matches!(pair, ('i', 'y') | ('j', 'y') | ('c', 'k') | ('v', 'w'))
            }
            _ => false,
        };
    }
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    // The extra letter of the longer name doubles its neighbour.
    (0..long.len()).any(|i| {
        let doubled =
            (i > 0 && long[i - 1] == long[i]) || (i + 1 < long.len() && long[i + 1] == long[i]);
        doubled && long[..i].iter().chain(&long[i + 1..]).eq(short.iter())
    })
}

/// What a mention says besides the name: the role before it ("Russian Foreign
/// Minister" in "Russian Foreign Minister Sergei Lavrov") and the name as written there
/// ("Sergei Lavrov"). Both `None` when no word of `name` is in the mention (a pronoun).
///
/// ```
/// use whosaid_store::names::split_mention;
/// let (title, alias) = split_mention("Russian Foreign Minister Sergei Lavrov", "Sergei Lavrov");
/// assert_eq!(title.as_deref(), Some("Russian Foreign Minister"));
/// assert_eq!(alias.as_deref(), Some("Sergei Lavrov"));
/// ```
pub fn split_mention(mention: &str, name: &str) -> (Option<String>, Option<String>) {
    let name = name_key(name);
    let name_words: Vec<&str> = name.split(' ').collect();
    let words: Vec<&str> = mention.split_whitespace().collect();
    // Each mention word's key, computed once.
    let keys: Vec<String> = words.iter().map(|w| name_key(w)).collect();
    let in_name = |k: &str| name_words.contains(&k);
    let Some(pos) = keys.iter().position(|k| !k.is_empty() && in_name(k)) else {
        return (None, None);
    };
    let alias_words: Vec<&str> = words[pos..]
        .iter()
        .zip(&keys[pos..])
        .take_while(|(w, k)| in_name(k) || (k.chars().count() == 1 && w.ends_with('.')))
        .map(|(w, _)| *w)
        .collect();
    let alias = alias_words
        .join(" ")
        .trim_end_matches([',', '.', ';', ':'])
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .to_string();
    // The words before the name, as the index range lo..hi of `words`.
    let (mut lo, mut hi) = (0, pos);
    while lo < hi && lowercase_in(words[lo], DETERMINERS) {
        lo += 1;
    }
    if let Some(i) = (lo..hi)
        .rev()
        .find(|&i| lowercase_in(words[i], &["and", "or", "&"]))
    {
        lo = i + 1;
    }
    while lo < hi && SOCIAL.contains(&keys[hi - 1].as_str()) {
        hi -= 1;
    }
    let lead = &words[lo..hi];
    // A role has a title word in it ("minister", "Sen.", "campaign manager"); a comma
    // means an apposition, not a title; honorifics alone are not roles.
    let title = if lead.is_empty()
        || lead.len() > 8
        || lead.iter().any(|w| w.contains(',') || w.contains('"'))
        || !lead
            .iter()
            .any(|w| is_title(w.trim_end_matches(['.', ',', ':'])))
        || (lead.len() == 1 && SOCIAL.contains(&keys[lo].as_str()))
    {
        None
    } else {
        Some(lead.join(" "))
    };
    (title, (!alias.is_empty()).then_some(alias))
}

/// Whether the lowercased word is one of `list` (lowercase words); without allocating
/// when the word is ASCII, the common case.
fn lowercase_in(word: &str, list: &[&str]) -> bool {
    if word.is_ascii() {
        list.iter().any(|w| w.eq_ignore_ascii_case(word))
    } else {
        list.contains(&word.to_lowercase().as_str())
    }
}

/// One name as it occurs in the corpus, the input of [`cluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct NameStat {
    /// Its [`name_key`].
    pub key: String,
    /// Its most frequent spelling.
    pub display: String,
    /// Quotes attributed to it.
    pub count: u64,
    /// True when it was mostly resolved as an organisation/place (`nominal`).
    pub is_org: bool,
}

/// A gazetteer entry: a canonical name, its aliases and an optional Wikidata id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The name to show.
    pub name: String,
    /// Other names of the same entity (the canonical name need not be repeated).
    pub aliases: Vec<String>,
    /// Wikidata id, e.g. `Q192190`.
    pub wikidata: Option<String>,
}

/// One speaker entity found by [`cluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// The name shown for it.
    pub canonical: String,
    /// Wikidata id from the gazetteer.
    pub wikidata: Option<String>,
    /// The name keys that stand for it.
    pub keys: Vec<String>,
    /// Quotes attributed to it.
    pub count: u64,
    /// Index of the gazetteer entry it came from.
    pub gazetteer: Option<usize>,
}

/// Groups corpus names into speaker entities; see the [module docs](self) for the rules.
/// The result is sorted by count (descending), then canonical name, so it does not depend
/// on the order of `names`.
pub fn cluster(names: &[NameStat], gazetteer: &[GazetteerEntry]) -> Vec<Entity> {
    let mut names: Vec<&NameStat> = names.iter().filter(|n| !n.key.is_empty()).collect();
    names.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.key.len().cmp(&a.key.len()))
            .then_with(|| a.key.cmp(&b.key))
    });

    let mut entities: Vec<Entity> = Vec::new();
    // First name of each entity's representative full name, by surname.
    let mut by_surname: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut alias_of: HashMap<String, usize> = HashMap::new();
    for (gi, g) in gazetteer.iter().enumerate() {
        let idx = entities.len();
        entities.push(Entity {
            canonical: g.name.clone(),
            wikidata: g.wikidata.clone(),
            keys: Vec::new(),
            count: 0,
            gazetteer: Some(gi),
        });
        for a in std::iter::once(&g.name).chain(g.aliases.iter()) {
            let k = name_key(a);
            if !k.is_empty() {
                alias_of.entry(k).or_insert(idx);
            }
        }
        if let Some(p) = NameParts::of_key(&name_key(&g.name)) {
            if let Some(f) = p.first.filter(|f| f.chars().count() > 1) {
                by_surname.entry(p.surname).or_default().push((idx, f));
            }
        }
    }
    let mut best_display: Vec<Option<(u64, String)>> = vec![None; entities.len()];
    let assign = |entities: &mut Vec<Entity>,
                  best: &mut Vec<Option<(u64, String)>>,
                  idx: usize,
                  n: &NameStat,
                  full: bool| {
        let e = &mut entities[idx];
        e.keys.push(n.key.clone());
        e.count += n.count;
        if full && best[idx].as_ref().is_none_or(|(c, _)| n.count > *c) {
            best[idx] = Some((n.count, n.display.clone()));
        }
    };
    let new_entity =
        |entities: &mut Vec<Entity>, best: &mut Vec<Option<(u64, String)>>, n: &NameStat| {
            entities.push(Entity {
                canonical: n.display.clone(),
                wikidata: None,
                keys: Vec::new(),
                count: 0,
                gazetteer: None,
            });
            best.push(None);
            entities.len() - 1
        };

    // Pass 1: gazetteer aliases, organisations and full names with a whole first name.
    let mut initials = Vec::new();
    let mut surnames_only = Vec::new();
    for n in &names {
        if let Some(&idx) = alias_of.get(&n.key) {
            assign(&mut entities, &mut best_display, idx, n, true);
            continue;
        }
        let parts = NameParts::of_key(&n.key);
        let parts = match parts {
            Some(p) if !n.is_org => p,
            _ => {
                let idx = new_entity(&mut entities, &mut best_display, n);
                assign(&mut entities, &mut best_display, idx, n, true);
                continue;
            }
        };
        let Some(first) = parts.first.clone() else {
            surnames_only.push((*n, parts));
            continue;
        };
        if parts.is_initial() {
            initials.push((*n, parts));
            continue;
        }
        let group = by_surname.entry(parts.surname.clone()).or_default();
        let found = group
            .iter()
            .filter(|(_, f)| first_names_compatible(f, &first))
            .map(|(i, _)| *i)
            .max_by_key(|&i| (entities[i].count, std::cmp::Reverse(i)));
        let idx = match found {
            Some(i) => i,
            None => {
                let i = new_entity(&mut entities, &mut best_display, n);
                group.push((i, first));
                i
            }
        };
        assign(&mut entities, &mut best_display, idx, n, true);
    }
    // Pass 2: initials, then surnames alone, to the dominant compatible entity.
    for (n, parts) in initials {
        let first = parts.first.clone().unwrap_or_default();
        let found = by_surname.get(&parts.surname).and_then(|g| {
            g.iter()
                .filter(|(_, f)| first_names_compatible(f, &first))
                .map(|(i, _)| *i)
                .max_by_key(|&i| (entities[i].count, std::cmp::Reverse(i)))
        });
        let idx = match found {
            Some(i) => i,
            None => {
                let i = new_entity(&mut entities, &mut best_display, n);
                by_surname
                    .entry(parts.surname.clone())
                    .or_default()
                    .push((i, first));
                i
            }
        };
        assign(&mut entities, &mut best_display, idx, n, true);
    }
    for (n, parts) in surnames_only {
        let found = by_surname.get(&parts.surname).and_then(|g| {
            g.iter()
                .map(|(i, _)| *i)
                .max_by_key(|&i| (entities[i].count, std::cmp::Reverse(i)))
        });
        let idx = match found {
            Some(i) => i,
            None => new_entity(&mut entities, &mut best_display, n),
        };
        let full = entities[idx].keys.is_empty() && entities[idx].gazetteer.is_none();
        assign(&mut entities, &mut best_display, idx, n, full);
    }

    for (e, best) in entities.iter_mut().zip(best_display) {
        if e.gazetteer.is_none() {
            if let Some((_, d)) = best {
                e.canonical = d;
            }
        }
    }
    entities.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.canonical.cmp(&b.canonical))
            .then_with(|| a.keys.cmp(&b.keys))
    });
    entities
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(display: &str, count: u64) -> NameStat {
        NameStat {
            key: name_key(display),
            display: display.to_string(),
            count,
            is_org: false,
        }
    }

    fn entity_of<'a>(es: &'a [Entity], display: &str) -> &'a Entity {
        let k = name_key(display);
        es.iter()
            .find(|e| e.keys.contains(&k))
            .expect("name is in some entity")
    }

    #[test]
    fn lavrov_variants_are_one_speaker() {
        let names = [
            stat("Sergei Lavrov", 5),
            stat("Sergey Lavrov", 2),
            stat("Lavrov", 7),
            stat("S. Lavrov", 1),
            stat("Hillary Clinton", 4),
            stat("Bill Clinton", 2),
            stat("Clinton", 3),
        ];
        let es = cluster(&names, &[]);
        let lavrov = entity_of(&es, "Lavrov");
        assert_eq!(lavrov.canonical, "Sergei Lavrov");
        assert_eq!(lavrov.count, 15);
        assert_eq!(lavrov.keys.len(), 4);
        let clinton = entity_of(&es, "Clinton");
        assert_eq!(clinton.canonical, "Hillary Clinton");
        assert_eq!(clinton.count, 7);
        assert_eq!(entity_of(&es, "Bill Clinton").count, 2);
        assert_eq!(es.len(), 3);
    }

    #[test]
    fn different_known_first_names_are_different_people() {
        let names = [
            stat("Ivanka Trump", 5),
            stat("Ivana Trump", 2),
            stat("Hillary Clinton", 4),
            stat("Hilary Clinton", 1),
            stat("Phillip Morris", 2),
            stat("Philip Morris", 1),
        ];
        let es = cluster(&names, &[]);
        assert_eq!(entity_of(&es, "Ivana Trump").canonical, "Ivana Trump");
        assert_eq!(entity_of(&es, "Ivanka Trump").count, 5);
        assert_eq!(
            entity_of(&es, "Hilary Clinton").canonical,
            "Hillary Clinton"
        );
        assert_eq!(entity_of(&es, "Philip Morris").canonical, "Phillip Morris");
        assert_eq!(es.len(), 4);
    }

    #[test]
    fn order_does_not_matter() {
        let mut names = vec![
            stat("Lavrov", 1),
            stat("Sergey Lavrov", 1),
            stat("Sergei Lavrov", 1),
        ];
        let a = cluster(&names, &[]);
        names.reverse();
        assert_eq!(a, cluster(&names, &[]));
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn gazetteer_names_and_links() {
        let g = [GazetteerEntry {
            name: "Sergey Lavrov".into(),
            aliases: vec!["Sergej Lawrow".into()],
            wikidata: Some("Q192190".into()),
        }];
        let es = cluster(
            &[
                stat("Sergei Lavrov", 3),
                stat("Sergej Lawrow", 1),
                stat("Lavrov", 2),
            ],
            &g,
        );
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].canonical, "Sergey Lavrov");
        assert_eq!(es[0].wikidata.as_deref(), Some("Q192190"));
        assert_eq!(es[0].count, 6);
    }

    #[test]
    fn organisations_match_whole_keys_only() {
        let mut org = stat("the White House", 2);
        org.is_org = true;
        let es = cluster(&[org, stat("House", 1), stat("Jim House", 1)], &[]);
        assert_eq!(es.len(), 2);
        assert_eq!(entity_of(&es, "House").canonical, "Jim House");
    }

    #[test]
    fn mention_titles() {
        assert_eq!(
            split_mention(
                "the Russian Foreign Minister, Sergei Lavrov",
                "Sergei Lavrov"
            )
            .0,
            None
        );
        assert_eq!(
            split_mention("Secretary of State John Kerry", "John Kerry"),
            (
                Some("Secretary of State".to_string()),
                Some("John Kerry".to_string())
            )
        );
        assert_eq!(split_mention("he", "John Kerry"), (None, None));
        assert_eq!(
            split_mention("Mr. Rubio and Senator Ted Cruz", "Ted Cruz").0,
            Some("Senator".to_string())
        );
        assert_eq!(split_mention("one Ted Cruz", "Ted Cruz").0, None);
        assert_eq!(
            split_mention("Mr. Kerry", "John Kerry"),
            (None, Some("Kerry".to_string()))
        );
        assert_eq!(
            split_mention("Kerry, who", "John Kerry").1.as_deref(),
            Some("Kerry")
        );
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance("sergei", "sergey", 1), 1);
        assert_eq!(edit_distance("kitten", "sitting", 5), 3);
        assert_eq!(edit_distance("a", "abcdef", 1), 2);
    }
}
