//! Speaker resolution: name mentions, one canonical name per entity in the article, and
//! pronouns resolved to an earlier person by gender, number and salience.
//!
//! * Every run of capitalized words is a mention; leading titles, roles and
//!   nationality adjectives (`Russian Foreign Minister`) are split off the name.
//! * Mentions with the same surname are one person (`Putin`, `Mr Putin`,
//!   `Vladimir Putin`), unless their first names clearly differ; the canonical name is
//!   the longest full name seen. Countries, capitals and institutions map to one
//!   entity through [`lexicon::canonical_entity`] (`Moscow`, `the Kremlin` → Russia).
//! * A person is known to be one by a known first name, a personal title, or by
//!   speaking; gender comes from first names ([`lexicon::first_name_gender`]) and
//!   titles (`Mr`, `Mrs`, `spokeswoman`).
//! * A pronoun goes to the most salient earlier person (recent, a speaker, a subject);
//!   if that person's gender contradicts the pronoun, to the most salient person of the
//!   pronoun's gender, and when there is none it stays unresolved — never a guess.

use crate::analysis::{Resolution, Speaker};
use crate::candidate::Candidate;
use crate::doc::{CharMap, Span};
use crate::layout::Layout;
use crate::lexicon::FxMap;
use crate::lexicon::{self, Gender};
use crate::tagger::classes::{ner as class_ner, pos as class_pos, suffix_hash};
use crate::tagger::{word_hash, WordClasses};
use crate::text::TokenKind;
use crate::wordclass::{
    is_adverb, is_capitalized_non_name, is_determiner, is_function_word, is_nationality,
    is_person_title, is_role_word, is_subordinator, pronoun_class, role_gender, PronounClass,
};
use std::ops::Range;

/// Words that open sentences before a name and are no part of it ("Despite Rubio's
/// lead", "Neither Cruz nor …"), beyond the function words and adverbs of `wordclass`.
const SENTENCE_OPENERS: &[&str] = &[
    "despite",
    "neither",
    "either",
    "besides",
    "against",
    "among",
    "amid",
    "without",
    "within",
    "alongside",
    "plus",
    "maybe",
    "perhaps",
    "first",
    "given",
    "unlike",
    "like",
    "until",
    "unless",
    "whether",
    "stop",
    "even",
    "only",
    "yes",
    "thanks",
    "asked",
    "told",
    "team",
];

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// A person (or something named like one, until evidence says otherwise).
    Person,
    /// A country, city, government or other organisation.
    Organisation,
}

/// One entity of the article and what is known about it.
#[derive(Debug, Clone)]
pub struct Entity<'a> {
    /// The canonical name: the longest full name seen, or the lexicon's name.
    pub canonical: &'a str,
    /// Person or organisation.
    pub kind: EntityKind,
    /// Gender, when first names and titles agree on one.
    pub gender: Option<Gender>,
    /// True when something shows the entity is a person (first name, title, speaking).
    pub is_person: bool,
    name_tokens: usize,
    first_name: Option<&'a str>,
    gender_conflict: bool,
    /// The entity found before this one under the same surname (or organisation name)
    /// key, if any: the keys' entity lists, most recent first, without a list apiece.
    prev_same_key: Option<usize>,
}

/// One mention of an entity in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The whole phrase, titles included.
    pub full: Range<usize>,
    /// The name part.
    pub name: Range<usize>,
    /// Index into [`Resolver::entities`].
    pub entity: usize,
    sentence: usize,
    subject: bool,
    speaker: bool,
    in_quote: bool,
    modifier: bool,
}

/// The article's entities and mentions, ready to turn candidate sources into speakers.
#[derive(Debug)]
pub struct Resolver<'l, 'a> {
    l: &'l Layout<'a>,
    map: &'l CharMap,
    /// The entities, in order of first mention.
    pub entities: Vec<Entity<'a>>,
    /// The mentions, in text order (pronouns resolved while building are included).
    pub mentions: Vec<Mention>,
    pronouns: FxMap<usize, Option<usize>>,
    /// The tagger's word classes, when a model is loaded (see [`Resolver::common_noun`]).
    classes: Option<&'l WordClasses>,
}

impl<'l, 'a> Resolver<'l, 'a> {
    /// Collects mentions and entities of the whole text, then resolves the pronoun
    /// sources of `candidates` in text order (each resolved pronoun becomes a mention,
    /// so "He said … He added" chains).
    pub fn new(
        l: &'l Layout<'a>,
        map: &'l CharMap,
        in_quote: &[bool],
        candidates: &[Candidate],
        classes: Option<&'l WordClasses>,
    ) -> Self {
        let mut speaker_tok = vec![false; l.tokens.len()];
        for c in candidates {
            if let Some(s) = &c.source {
                for slot in &mut speaker_tok[s.clone()] {
                    *slot = true;
                }
            }
        }
        let mut r = Resolver {
            l,
            map,
            classes,
            entities: Vec::new(),
            // (about one mention per ten tokens in news)
            mentions: Vec::with_capacity(l.tokens.len() / 8),
            pronouns: FxMap::default(),
        };
        r.collect_mentions(in_quote, &speaker_tok);
        let mut pronoun_sources: Vec<usize> = candidates
            .iter()
            .filter_map(|c| c.source.as_ref())
            .filter(|s| s.len() == 1 && pronoun_class(l.word(s.start)).is_some())
            .map(|s| s.start)
            .collect();
        pronoun_sources.sort_unstable();
        pronoun_sources.dedup();
        for p in pronoun_sources {
            let found = r.resolve_pronoun(p);
            r.pronouns.insert(p, found);
            if let Some(e) = found {
                let at = r.mentions.partition_point(|m| m.full.start < p);
                r.mentions.insert(
                    at,
                    Mention {
                        full: p..p + 1,
                        name: p..p + 1,
                        entity: e,
                        sentence: l.sentence(p),
                        subject: true,
                        speaker: true,
                        in_quote: in_quote.get(p).copied().unwrap_or(false),
                        modifier: false,
                    },
                );
            }
        }
        r
    }

    fn collect_mentions(&mut self, in_quote: &[bool], speaker_tok: &[bool]) {
        let l = self.l;
        // key -> the latest entity under it (earlier ones chain by `prev_same_key`)
        // (sized for a usual article: no rehashing while its names go in)
        let mut by_surname: FxMap<&str, usize> =
            FxMap::with_capacity_and_hasher(64, Default::default());
        let mut by_org: FxMap<&'static str, usize> =
            FxMap::with_capacity_and_hasher(16, Default::default());
        let mut i = 0;
        while i < l.tokens.len() {
            if !l.is_cap_word(i) || {
                let (w, info) = (l.word(i), l.info(i));
                info.is_capitalized_non_name(w) && !info.is_role_word(w)
            } {
                i += 1;
                continue;
            }
            // The run of name words.
            let mut e = i + 1;
            while e < l.tokens.len() && !l.tokens[e].line_start {
                let we = l.word(e);
                let cap = l.is_cap_word(e) && !l.info(e).is_capitalized_non_name(we);
                let particle = matches!(
                    we,
                    "de" | "van" | "von" | "bin" | "al" | "da" | "di" | "del"
                ) && l.is_cap_word(e + 1);
                // `Secretary of State`, and organisations: `Bank of America`.
                let of = we == "of" && l.is_cap_word(e + 1) && {
                    let (w, info) = (l.word(e - 1), l.info(e - 1));
                    info.is_role_word(w) || info.is_org_word(w)
                };
                if cap || particle || of {
                    e += 1;
                } else {
                    break;
                }
            }
            // A capitalised word opening a sentence ("Maybe Trump", "Despite Rubio") is
            // part of the name only with evidence that it is one: a known first name, a
            // title, role, nationality or entity, or the same word capitalised in the
            // middle of a sentence elsewhere in the article.
            if e - i >= 2 && self.opens_sentence(i) && !self.may_start_name(i) {
                i += 1;
                continue;
            }
            let full = i..e;
            i = e;
            // "Officials said", "Analysts say": a plural or mass noun opening a sentence,
            // unless the article capitalises it inside a sentence too (`Ban` of `Ban
            // Ki-moon`).
            if full.len() == 1
                && self.opens_sentence(full.start)
                && self.common_noun(full.start)
                && !self.capitalised_inside_a_sentence(full.start)
            {
                continue;
            }
            // Titles, roles and nationalities before the name: everything up to the
            // last such word that still has a name after it.
            let mut n = full.start;
            for k in full.start..full.end - 1 {
                let wk = l.word(k);
                if l.info(k).is_role_word(wk)
                    || is_nationality(wk)
                    || (wk == "of" && k > full.start && l.info(k - 1).is_role_word(l.word(k - 1)))
                    || lexicon::canonical_entity(wk).is_some()
                {
                    n = k + 1;
                }
            }
            // A title's `of` complement runs up to a first name followed by a surname
            // (`Chief of Staff Katie Walsh`, `Director of National Intelligence James
            // Clapper`).
            if (full.start..n).any(|k| l.word(k) == "of") {
                if let Some(k) = (n..full.end - 1).find(|&k| lexicon::is_first_name(l.word(k))) {
                    n = k;
                }
            }
            let name = n..full.end;
            let full_text = l.slice(&full);
            let name_text = l.slice(&name);
            let sentence = l.sentence(full.start);
            let speaker = speaker_tok[full.clone()].iter().any(|&b| b);
            let (after, after_info) = (l.word(full.end), l.info(full.end));
            let modifier = l.kind(full.end) == Some(TokenKind::Clitic)
                || (l.is_lower_word(full.end)
                    && !l.tokens[full.end].line_start
                    && !after_info.is_function_word(after)
                    && after_info.lemma(after).is_none()
                    && !after_info.is_adverb(after));
            let subject = self.is_subject(full.start);
            let mention = |entity| Mention {
                full: full.clone(),
                name: name.clone(),
                entity,
                sentence,
                subject,
                speaker,
                in_quote: in_quote.get(full.start).copied().unwrap_or(false),
                modifier,
            };
            // Organisations and places.
            let org = lexicon::canonical_entity(full_text).or_else(|| {
                (name.start > full.start)
                    .then(|| lexicon::canonical_entity(name_text))
                    .flatten()
            });
            if let Some(canon) = org {
                let id = *by_org.entry(canon).or_insert_with(|| {
                    self.entities.push(Entity {
                        canonical: canon,
                        kind: EntityKind::Organisation,
                        gender: None,
                        is_person: false,
                        name_tokens: 0,
                        first_name: None,
                        gender_conflict: false,
                        prev_same_key: None,
                    });
                    self.entities.len() - 1
                });
                let m = mention(id);
                self.mentions.push(m);
                continue;
            }
            let prefix = full.start..name.start;
            // (and groups: `Republicans`, `Establishment Democrats`, `Russians`)
            let is_org = name.clone().any(|k| l.info(k).is_org_word(l.word(k)))
                || self.plural_proper_noun(name.end - 1);
            let surname = l.word(name.end - 1);
            // Names keep their case in running text, so the slice itself is the key
            // (organisations by their whole name, people by surname).
            let key = if is_org { name_text } else { surname };
            let first = (name.len() >= 2).then(|| l.word(name.start));
            let first_gender = first.and_then(lexicon::first_name_gender);
            let title_gender = prefix.clone().find_map(|k| role_gender(l.word(k)));
            let evidence = !is_org
                && (first_gender.is_some()
                    || prefix.clone().any(|k| is_person_title(l.word(k)))
                    || speaker);
            // Find the entity: same surname and compatible first name, most recent first.
            let latest = by_surname.get(key).copied();
            let entities = &self.entities;
            // ... and no gender against the title's (`Mr. Clinton` after Hillary Clinton
            // and Bill Clinton is Bill).
            let found =
                std::iter::successors(latest, |&id| entities[id].prev_same_key).find(|&id| {
                    let names = match (entities[id].first_name, first) {
                        (Some(a), Some(b)) => same_first_name(a, b),
                        _ => true,
                    };
                    let genders = match (title_gender, entities[id].gender) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    };
                    names && genders
                });
            let id = match found {
                Some(id) => id,
                None => {
                    self.entities.push(Entity {
                        canonical: name_text,
                        kind: if is_org {
                            EntityKind::Organisation
                        } else {
                            EntityKind::Person
                        },
                        gender: None,
                        is_person: false,
                        name_tokens: name.len(),
                        first_name: None,
                        gender_conflict: false,
                        prev_same_key: latest,
                    });
                    by_surname.insert(key, self.entities.len() - 1);
                    self.entities.len() - 1
                }
            };
            let ent = &mut self.entities[id];
            if name.len() > ent.name_tokens {
                ent.canonical = name_text;
                ent.name_tokens = name.len();
            }
            if ent.first_name.is_none() {
                ent.first_name = first;
            }
            ent.is_person |= evidence;
            for g in [first_gender, title_gender].into_iter().flatten() {
                match ent.gender {
                    None if !ent.gender_conflict => ent.gender = Some(g),
                    Some(h) if h != g => {
                        ent.gender = None;
                        ent.gender_conflict = true;
                    }
                    _ => {}
                }
            }
            let m = mention(id);
            self.mentions.push(m);
        }
    }

    /// Whether the capitalised word `i` is a common noun (`Officials`, `Analysts`,
    /// `Witnesses`) by the word classes: CoreNLP's silver tags of PolNeAR train give the
    /// word so capitalised NN or NNS and no entity class most often (it is `Sanders`'s
    /// NNP that keeps a surname a name). Without a model, no word is.
    fn common_noun(&self, i: usize) -> bool {
        let c = self.word_class(i);
        // (Penn tag ids of whosaid-train's word classes: 1 NN, 6 NNS)
        matches!(class_pos(c), 1 | 6) && class_ner(c) == 0
    }

    /// Whether the capitalised word `i` is a plural proper noun that names no person
    /// (`Republicans`, `Democrats`, `Russians`): NNPS and no PERSON class by the word
    /// classes. Without a model, no word is.
    fn plural_proper_noun(&self, i: usize) -> bool {
        let c = self.word_class(i);
        // (Penn tag id 28 NNPS; entity class 1 PERSON)
        class_pos(c) == 28 && class_ner(c) != 1
    }

    /// The word class of token `i` (0 without a model).
    fn word_class(&self, i: usize) -> u16 {
        let Some(classes) = self.classes else {
            return 0;
        };
        let b = self.l.word(i).as_bytes();
        classes.class_with(
            word_hash(b),
            b.first().is_some_and(u8::is_ascii_uppercase),
            || suffix_hash(b),
        )
    }

    /// Whether the word of token `i` is also a token of the text that does not open its
    /// sentence (by [`Resolver::opens_sentence`]).
    fn capitalised_inside_a_sentence(&self, i: usize) -> bool {
        self.any_token_of(self.l.word(i), |k| k != i && !self.opens_sentence(k))
    }

    /// True when token `i` is the first word of its sentence or line (after quote marks
    /// and punctuation only).
    fn opens_sentence(&self, i: usize) -> bool {
        let l = self.l;
        if l.tokens[i].line_start {
            return true;
        }
        let s = l.sentence_range(i);
        (s.start..i).all(|k| {
            !matches!(
                l.kind(k),
                Some(TokenKind::Word | TokenKind::Number | TokenKind::Clitic)
            )
        })
    }

    /// True when the capitalised word `i`, which opens a sentence, may begin a name:
    /// unless it is a known first name, an initial, a title, role, nationality or entity,
    /// false only when something shows it is a common word — an adverb or an `-ly`/`-ing`
    /// form, a sentence opener such as "Despite" or "Neither", or the same word in
    /// lowercase elsewhere in the article. Unknown words (foreign first names) stay.
    fn may_start_name(&self, i: usize) -> bool {
        let l = self.l;
        let w = l.word(i);
        // An initial ("J. Smith") is a name part.
        if w.trim_end_matches('.').chars().count() == 1
            || lexicon::first_name_gender(w).is_some()
            || lexicon::gender_ratio(w).is_some()
            || is_role_word(w)
            || is_person_title(w)
            || is_nationality(w)
            || lexicon::canonical_entity(w).is_some()
        {
            return true;
        }
        let lower = w.to_lowercase();
        let common = (lower.len() > 4 && (lower.ends_with("ly") || lower.ends_with("ing")))
            || is_adverb(&lower)
            || is_function_word(&lower)
            || SENTENCE_OPENERS.contains(&lower.as_str())
            || self.has_lower_word(&lower);
        !common
    }

    /// True when some lowercase word token of the text is `word`.
    fn has_lower_word(&self, word: &str) -> bool {
        self.any_token_of(word, |k| self.l.is_lower_word(k))
    }

    /// Whether some token of the text is exactly `word` and passes `test`: every
    /// occurrence of the bytes in the text (overlapping ones too), found by `memmem`, is
    /// checked for a token with exactly its range, instead of comparing every token.
    fn any_token_of(&self, word: &str, test: impl Fn(usize) -> bool) -> bool {
        let l = self.l;
        let (text, needle) = (l.text.as_bytes(), word.as_bytes());
        if needle.is_empty() {
            return false;
        }
        let finder = memchr::memmem::Finder::new(needle);
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|t| finder.find(t)) {
            let p = from + at;
            let k = l.tokens.partition_point(|t| t.start < p);
            if l.tokens
                .get(k)
                .is_some_and(|t| t.start == p && t.end == p + needle.len())
                && test(k)
            {
                return true;
            }
            from = p + 1;
        }
        false
    }

    /// True when the phrase starting at `start` opens its sentence's main clause.
    fn is_subject(&self, start: usize) -> bool {
        let l = self.l;
        let s = l.sentence_range(start);
        let mut first = s.start;
        while first < start && l.tokens[first].is_quote() {
            first += 1;
        }
        if first == start {
            return true;
        }
        // `Earlier Wednesday, Putin …` · `While X, Putin …`
        let w = l.word(first);
        start > first + 1
            && l.word(start - 1) == ","
            && (crate::wordclass::is_preposition(w)
                || is_subordinator(w)
                || w.ends_with("ing")
                || is_capitalized_non_name(w))
            && !(first..start - 1).any(|k| l.word(k) == ",")
    }

    /// The entity a pronoun at token `p` refers to, if any person in the text fits.
    fn resolve_pronoun(&self, p: usize) -> Option<usize> {
        let class = pronoun_class(self.l.word(p))?;
        let wanted = match class {
            PronounClass::Male => Gender::Male,
            PronounClass::Female => Gender::Female,
            PronounClass::Neuter => return self.resolve_it(p),
            PronounClass::Plural | PronounClass::Deictic => return None,
        };
        let sp = self.l.sentence(p);
        let end = self.mentions.partition_point(|m| m.full.start < p);
        let mut best_any: Option<(f32, usize)> = None;
        let mut best_match: Option<(f32, usize)> = None;
        for m in self.mentions[..end].iter().rev() {
            let dist = sp.saturating_sub(m.sentence);
            if dist > 8 {
                break;
            }
            let ent = &self.entities[m.entity];
            if ent.kind != EntityKind::Person || !ent.is_person {
                continue;
            }
            let score = -(dist as f32) + if m.speaker { 1.5 } else { 0.0 }
                + if m.subject { 0.7 } else { 0.0 }
                // The subject of the pronoun's own sentence binds it most strongly.
                + if m.subject && dist == 0 { 2.0 } else { 0.0 }
                - if m.in_quote { 1.0 } else { 0.0 }
                - if m.modifier { 0.7 } else { 0.0 };
            if best_any.is_none_or(|(b, _)| score > b) {
                best_any = Some((score, m.entity));
            }
            if ent.gender == Some(wanted) && best_match.is_none_or(|(b, _)| score > b) {
                best_match = Some((score, m.entity));
            }
        }
        let (_, top) = best_any?;
        match self.entities[top].gender {
            Some(g) if g != wanted => best_match.map(|(_, e)| e),
            _ => Some(top),
        }
    }

    /// `it said`: the organisation mentioned last, within the sentence or the one before.
    fn resolve_it(&self, p: usize) -> Option<usize> {
        let sp = self.l.sentence(p);
        let end = self.mentions.partition_point(|m| m.full.start < p);
        self.mentions[..end]
            .iter()
            .rev()
            .take_while(|m| sp.saturating_sub(m.sentence) <= 1)
            .find(|m| self.entities[m.entity].kind == EntityKind::Organisation)
            .map(|m| m.entity)
    }

    fn span(&self, r: &Range<usize>) -> Span {
        let t = self.l.tokens;
        Span::new(self.l.text, self.map, t[r.start].start, t[r.end - 1].end)
    }

    /// Whether name mention `m` of source `src` is the complement of a role noun before it
    /// (`the mayor of Boston`, `the senator from Ohio`, `the head of the WHO`, `the
    /// attorney for John Smith`): the speaker is the role's holder, not who or what the
    /// role is of, unless the role speaks for the body (`a spokesman for the Kremlin`: the
    /// Kremlin speaking). A name after the complement is no complement (`Secretary of
    /// State John Kerry`).
    fn completes_role(&self, src: &Range<usize>, m: &Mention) -> bool {
        // (`Staff Katie Walsh` of `Chief of Staff Katie Walsh` is the end of a title and a
        // person's name: a first name after its first word, then a surname)
        let person = (m.name.start + 1..m.name.end.saturating_sub(1))
            .any(|k| lexicon::is_first_name(self.l.word(k)));
        !person
            && (self.role_before(src.start, m.name.start).is_some()
                || self.role_before(src.start, m.full.start).is_some())
    }

    /// The start of the role phrase whose complement begins at token `at` (`the mayor
    /// of` before `Boston`: the index of `the`), looking back no further than `floor`
    /// and the sentence's start; None when no role noun and preposition come right
    /// before (determiners between them and `at` allowed), or when the role speaks for
    /// the body (`spokesman for`).
    fn role_before(&self, floor: usize, at: usize) -> Option<usize> {
        let (first, i) = self.word_pair_before(floor, at)?;
        let prep = self.l.word(i - 1);
        let role = self.l.word(i - 2);
        let ok = ["of", "from", "for", "at"]
            .iter()
            .any(|p| prep.eq_ignore_ascii_case(p))
            && (is_role_word(role) || role.eq_ignore_ascii_case("head"))
            && !role.to_ascii_lowercase().starts_with("spokes");
        let mut start = i - 2;
        if start > first && is_determiner(self.l.word(start - 1)) {
            start -= 1;
        }
        ok.then_some(start)
    }

    /// The person named in apposition right after `src` (`The mayor of Boston, Michelle
    /// Wu, said`; `Her spokesman, John Smith, told`): a name mention between commas,
    /// with a known first name or a title, when `src` itself names no person.
    fn apposition_after(&self, src: &Range<usize>) -> Option<&Mention> {
        if self.l.word(src.end) != "," {
            return None;
        }
        let k = self
            .mentions
            .partition_point(|m| m.full.start < src.end + 1);
        let m = self
            .mentions
            .get(k)
            .filter(|m| m.full.start == src.end + 1)?;
        let ent = &self.entities[m.entity];
        let person = ent.kind == EntityKind::Person
            && (ent.first_name.is_some_and(lexicon::is_first_name) || ent.is_person);
        if !person || self.l.word(m.full.end) != "," {
            return None;
        }
        // A source that names a person itself keeps it ("Dmitry Peskov, Putin's
        // spokesman, said" is not read backwards).
        let named = self.mentions[..k].iter().rev().take(8).any(|n| {
            n.full.start >= src.start
                && n.full.end <= src.end
                && self.entities[n.entity].kind == EntityKind::Person
                && !self.completes_role(src, n)
        });
        (!named).then_some(m)
    }

    /// Where the phrase before token `at` (determiners skipped) ends, for a look at its
    /// last two words (`mayor of` before `the Boston …`): `(first, i)` with the
    /// preposition at `i - 1`, `first` the sentence's start or `floor` if later; None when
    /// fewer than two words precede.
    fn word_pair_before(&self, floor: usize, at: usize) -> Option<(usize, usize)> {
        let first = self.l.sentence_range(at).start.max(floor);
        let mut i = at;
        while i > first && is_determiner(self.l.word(i - 1)) {
            i -= 1;
        }
        (i >= first + 2).then_some((first, i))
    }

    /// The name a place or body after `of` / `from` belongs to: `Ted Cruz` of `Sen. Ted
    /// Cruz of Texas`, `Smith` of `Professor Smith of the University of Texas`; `m`
    /// itself when no name of `src` comes right before such a preposition.
    fn head_before_of<'m>(&'m self, src: &Range<usize>, mut m: &'m Mention) -> &'m Mention {
        while let Some(n) = self.name_before_of(src.start, m.full.start) {
            m = n;
        }
        m
    }

    /// The name mention that ends right before `of` or `from` (and determiners) before
    /// token `at`, no earlier than `floor` and the sentence's start.
    fn name_before_of(&self, floor: usize, at: usize) -> Option<&Mention> {
        let (first, i) = self.word_pair_before(floor, at)?;
        if !matches!(self.l.word(i - 1), "of" | "from") {
            return None;
        }
        let k = self.mentions.partition_point(|n| n.full.end < i - 1);
        self.mentions
            .get(k)
            .filter(|n| n.full.end == i - 1 && n.full.start >= first)
    }

    /// Whether a name mention lies within `r`; with `person_at_end`, a person's name
    /// that ends where `r` does (`Raffaello Pantucci` of `Raffaello Pantucci, director
    /// of …`, not `the Republican presidential primary` of `…, Gov. John Kasich`).
    fn ends_a_name(&self, r: Range<usize>, person_at_end: bool) -> bool {
        let k = self.mentions.partition_point(|m| m.full.start < r.start);
        self.mentions[k..]
            .iter()
            .take_while(|m| m.full.start < r.end)
            .any(|m| {
                m.full.end <= r.end
                    && (!person_at_end
                        || (m.full.end == r.end
                            && self.entities[m.entity].kind == EntityKind::Person))
            })
    }

    /// The speaker a candidate's source mention stands for.
    pub fn resolve(&self, source: Option<&Range<usize>>) -> Speaker {
        let Some(src) = source.filter(|s| !s.is_empty() && s.end <= self.l.tokens.len()) else {
            return Speaker::unresolved(None);
        };
        let mention = self.span(src);
        if src.len() == 1 && pronoun_class(self.l.word(src.start)).is_some() {
            let found = match self.pronouns.get(&src.start) {
                Some(f) => *f,
                None => self.resolve_pronoun(src.start),
            };
            return match found {
                Some(e) => Speaker {
                    mention: Some(mention),
                    name: Some(self.entities[e].canonical.to_string()),
                    resolution: Resolution::Pronoun,
                },
                None => Speaker::unresolved(Some(mention)),
            };
        }
        // A source that is the complement of a role before it (`the United States` of
        // `The President of the United States said`) takes the role in.
        // So does a place or body whose name is before `of` (`Texas` of `Sen. Ted Cruz of
        // Texas, now …, said`).
        // (from the start of a name the source begins inside: `Texas` of `the University
        // of Texas`)
        let inside = self.mentions.partition_point(|m| m.full.end <= src.start);
        let begin = self
            .mentions
            .get(inside)
            .filter(|m| m.full.start < src.start)
            .map_or(src.start, |m| m.full.start);
        let start = self.role_before(0, begin).unwrap_or_else(|| {
            // (through bodies to the person: `Smith` of `Professor Smith of the University
            // of Texas`)
            let (mut at, mut start) = (begin, begin);
            while let Some(n) = self.name_before_of(0, at) {
                at = n.full.start;
                if self.entities[n.entity].kind == EntityKind::Person {
                    start = at;
                }
            }
            start
        });
        // The mention is the phrase as found; the name is read from it up to a name's
        // parenthetical, comma or dash: `Sen. Elizabeth Warren (D-Mass.)`, `Rep. Paul Ryan,
        // R-Wis.,` (US party and state), `Mitt Romney, who campaigned`, `The mayor of
        // Boston, Michelle Wu` (the apposition is read below). (PolNeAR's sources run on:
        // its annotators mark `who` as the source of `Mitt Romney, who … said`.)
        let mention = self.span(&(start..src.end));
        let end = (src.start + 1..src.end)
            .find(|&k| matches!(self.l.word(k), "(" | "," | "—" | "–" | "--"))
            .filter(|&k| self.ends_a_name(src.start..k, self.l.word(k) != "("))
            .unwrap_or(src.end);
        let src = &(start..end);
        // "The mayor of Boston, Michelle Wu, said": the name in apposition is the speaker.
        if let Some(m) = self.apposition_after(src) {
            return Speaker {
                mention: Some(self.span(&m.full)),
                name: Some(self.entities[m.entity].canonical.to_string()),
                resolution: Resolution::Named,
            };
        }
        // The head of a phrase is its last name mention.
        let end = self.mentions.partition_point(|m| m.full.start < src.end);
        if let Some(m) = self.mentions[..end]
            .iter()
            .rev()
            .take(8)
            .find(|m| m.full.end > src.start)
            // A name that only modifies the head noun ("French officials",
            // "Mr. Lee's campaign") does not name the speaker, nor one that completes
            // a role ("the mayor of Boston").
            .filter(|m| {
                // (a possessive source is its possessor: `Trump's` of `Trump's claim that …`)
                let possessor =
                    m.full.end + 1 == src.end && self.l.kind(m.full.end) == Some(TokenKind::Clitic);
                (m.full.end >= src.end || possessor) && !self.completes_role(src, m)
            })
        {
            let m = self.head_before_of(src, m);
            let ent = &self.entities[m.entity];
            let resolution = match ent.kind {
                EntityKind::Person => Resolution::Named,
                EntityKind::Organisation => Resolution::Nominal,
            };
            return Speaker {
                mention: Some(mention),
                name: Some(ent.canonical.to_string()),
                resolution,
            };
        }
        // A common noun phrase: "officials", "a Kremlin spokesman".
        let text = self.l.slice(src);
        let name = lexicon::canonical_entity(text)
            .map(str::to_string)
            .unwrap_or_else(|| {
                let mut a = src.start;
                while a + 1 < src.end && is_determiner(self.l.word(a)) {
                    a += 1;
                }
                self.l.slice(&(a..src.end)).to_string()
            });
        Speaker {
            mention: Some(mention),
            name: Some(name),
            resolution: Resolution::Nominal,
        }
    }
}

/// True when two first names are spellings of one (`Sergei`, `Sergey`).
fn same_first_name(a: &str, b: &str) -> bool {
    let mut x = a.chars().flat_map(char::to_lowercase);
    let mut y = b.chars().flat_map(char::to_lowercase);
    (0..3).all(|_| x.next() == y.next())
}

#[cfg(test)]
mod tests {
    use crate::{Document, Resolution, Speaker};

    /// The rule stage alone (the learned tagger off): these tests are about speakers.
    fn analyze(doc: &Document) -> crate::Analysis {
        crate::pipeline::analyze_with(
            doc,
            &crate::pipeline::Options {
                tagger: false,
                filter: false,
            },
        )
    }

    fn speakers(t: &str) -> Vec<Speaker> {
        analyze(&Document::new("t", t))
            .quotes
            .into_iter()
            .map(|q| q.speaker)
            .collect()
    }

    #[test]
    fn sentence_opening_words_are_not_names() {
        let t = "Donald Trump spoke in Ohio. Maybe Trump said \"we will win.\" \
                 Despite Rubio's lead, Senator Marco Rubio said he was worried. \
                 Berhanu Nega said the vote was rigged.";
        let names: Vec<String> = speakers(t).into_iter().filter_map(|s| s.name).collect();
        assert!(names.contains(&"Donald Trump".to_string()), "{names:?}");
        assert!(names.contains(&"Marco Rubio".to_string()), "{names:?}");
        // An unknown word opening a sentence may be a foreign first name: kept.
        assert!(names.contains(&"Berhanu Nega".to_string()), "{names:?}");
        assert!(names
            .iter()
            .all(|n| !n.starts_with("Maybe") && !n.starts_with("Despite")));
    }

    #[test]
    fn a_role_and_its_complement_and_a_name_in_apposition() {
        let one = |t: &str| -> (Option<String>, Resolution) {
            let s = speakers(t);
            assert_eq!(s.len(), 1, "{t}: {s:?}");
            (s[0].name.clone(), s[0].resolution)
        };
        let named = |n: &str| (Some(n.to_string()), Resolution::Named);
        let nominal = |n: &str| (Some(n.to_string()), Resolution::Nominal);
        // The place or body a role is of does not speak.
        assert_eq!(
            one("The mayor of Boston said \"we will rebuild the bridge.\""),
            nominal("mayor of Boston")
        );
        assert_eq!(
            one("The President of the United States said \"the talks were useful.\""),
            nominal("President of the United States")
        );
        assert_eq!(
            one("The attorney for John Smith said \"the vote was rigged.\""),
            nominal("attorney for John Smith")
        );
        // A name in apposition after the role does.
        for t in [
            "The mayor of Boston, Michelle Wu, said \"we will rebuild the bridge.\"",
            "Her spokeswoman, Michelle Wu, said \"we will rebuild the bridge.\"",
        ] {
            assert_eq!(one(t), named("Michelle Wu"), "{t}");
        }
        assert_eq!(
            one("The chairman of the Federal Reserve, Jerome Powell, said \"rates will rise.\""),
            named("Jerome Powell")
        );
        // Unchanged: a name after the complement, a name before its apposition, and a
        // spokesman speaking for the body.
        assert_eq!(
            one("Secretary of State John Kerry said \"the talks were useful.\""),
            named("John Kerry")
        );
        assert_eq!(
            one("Dmitry Peskov, a spokesman for the Kremlin, said \"the talks were useful.\""),
            named("Dmitry Peskov")
        );
        assert_eq!(
            one("A spokesman for the Kremlin said \"the talks were useful.\""),
            nominal("Russia")
        );
    }

    #[test]
    fn names_end_before_party_and_place_and_titles_run_to_a_first_name() {
        // The whole pipeline: the rule stage finds no source across `(D-Mass.)`.
        let names = |t: &str| -> Vec<(Option<String>, Resolution)> {
            crate::analyze(&Document::new("t", t))
                .quotes
                .into_iter()
                .map(|q| (q.speaker.name, q.speaker.resolution))
                .collect()
        };
        let named = |n: &str| (Some(n.to_string()), Resolution::Named);
        for (t, want) in [
            (
                "Sen. Elizabeth Warren (D-Mass.) said \"the bill is dead.\"",
                "Elizabeth Warren",
            ),
            (
                "Rep. Paul Ryan, R-Wis., said \"the bill is dead.\"",
                "Paul Ryan",
            ),
            (
                "Sen. Ted Cruz of Texas, now a contender, said \"the bill is dead.\"",
                "Ted Cruz",
            ),
            (
                "RNC Chief of Staff Katie Walsh said \"the bill is dead.\"",
                "Katie Walsh",
            ),
            (
                "Director of National Intelligence James Clapper said \"the bill is dead.\"",
                "James Clapper",
            ),
        ] {
            assert_eq!(names(t), vec![named(want)], "{t}");
        }
        // Organisations with `of`: one name; a person before `of` one is the speaker.
        let nominal = |n: &str| (Some(n.to_string()), Resolution::Nominal);
        for (t, want) in [
            (
                "Bank of America said \"profits rose.\"",
                nominal("Bank of America"),
            ),
            (
                "The University of Texas said \"tuition will rise.\"",
                nominal("University of Texas"),
            ),
            (
                "Professor Smith of the University of Texas said \"the bill is dead.\"",
                named("Smith"),
            ),
        ] {
            assert_eq!(names(t), vec![want], "{t}");
        }
        // A title's gender picks the person among those of one surname.
        let t = "Bill Clinton and Hillary Clinton spoke. \"It is over,\" Mr. Clinton said. \
                 \"No,\" Mrs. Clinton said.";
        assert_eq!(
            names(t),
            vec![named("Bill Clinton"), named("Hillary Clinton")],
            "{t}"
        );
    }

    #[test]
    fn a_common_noun_opening_a_sentence_is_no_name() {
        // With the model's word classes (the whole pipeline).
        let speaker = |t: &str| -> (Option<String>, Resolution) {
            let a = crate::analyze(&Document::new("t", t));
            let q = a.quotes.first().unwrap_or_else(|| panic!("{t}: no quote"));
            (q.speaker.name.clone(), q.speaker.resolution)
        };
        // A possessive source is its possessor; a name modifying the head noun is not.
        let t = "Donald Trump spoke. Trump's claim that the vote was rigged drew fire.";
        assert_eq!(speaker(t), (Some("Donald Trump".into()), Resolution::Named));
        let t = "Mr. Lee's campaign said the bridge would reopen in May after the repairs.";
        assert_eq!(speaker(t).1, Resolution::Nominal);
        // Plural proper nouns name groups, not people.
        let t = "Republicans said the bridge would reopen in May after the repairs.";
        assert_eq!(
            speaker(t),
            (Some("Republicans".into()), Resolution::Nominal)
        );
        for w in ["Officials", "Analysts", "Prosecutors"] {
            let t = format!("{w} said the bridge would reopen in May after the repairs.");
            assert_eq!(
                speaker(&t),
                (Some(w.to_string()), Resolution::Nominal),
                "{t}"
            );
        }
        let t = "Sanders said the bridge would reopen in May after the repairs.";
        assert_eq!(speaker(t), (Some("Sanders".into()), Resolution::Named));
        // A word the article also capitalises inside a sentence stays a name.
        let t = "Ban said the bridge would reopen in May. He met Ban Ki-moon later.";
        assert_eq!(speaker(t).1, Resolution::Named);
    }

    #[test]
    fn all_mentions_share_the_longest_name() {
        let t =
            "Mr Okafor arrived late. Finance Minister David Okafor said the deficit is shrinking. \
                 Okafor said taxes would stay the same.";
        let s = speakers(t);
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(|s| s.name.as_deref() == Some("David Okafor")));
        assert_eq!(
            s[0].mention.as_ref().map(|m| m.text.as_str()),
            Some("Finance Minister David Okafor")
        );
    }

    #[test]
    fn spelling_variants_merge_by_surname() {
        let t = "Sergei Ivanov said the plan works well. Sergey Ivanov said it will continue next year.";
        let s = speakers(t);
        assert_eq!(s[0].name, s[1].name);
    }

    #[test]
    fn he_goes_to_the_last_speaker() {
        let t = "Ann Lee spoke first. Then David Okafor said the vote was fair.\n\nHe said the count would finish soon.";
        let s = speakers(t);
        assert_eq!(s[1].resolution, Resolution::Pronoun);
        assert_eq!(s[1].name.as_deref(), Some("David Okafor"));
    }

    #[test]
    fn she_skips_men_by_gender() {
        let t = "Maria Santos met David Okafor on Monday. Okafor said the talks were useful.\n\nShe said the deal is close.";
        let s = speakers(t);
        assert_eq!(s[1].name.as_deref(), Some("Maria Santos"));
    }

    #[test]
    fn she_with_only_men_around_is_unresolved() {
        let t = "Mr Okafor met David Brown on Monday.\n\n\"The deal is close\", she said.";
        let s = speakers(t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].resolution, Resolution::Unresolved);
        assert_eq!(s[0].name, None);
        assert_eq!(s[0].mention.as_ref().map(|m| m.text.as_str()), Some("she"));
    }

    #[test]
    fn titles_give_gender() {
        let t = "Mrs Patel met Mr Brown. Mr Brown said the plan was sound.\n\nShe said the plan was too expensive.";
        let s = speakers(t);
        assert_eq!(s[1].name.as_deref(), Some("Patel"));
    }

    #[test]
    fn pronoun_prefers_own_sentence_subject() {
        let t = "David Okafor said the vote was fair. Later, Tom Brown cited failures that he said were easily avoidable.";
        let a = analyze(&Document::new("t", t));
        let he = a
            .quotes
            .iter()
            .find(|q| q.speaker.mention.as_ref().is_some_and(|m| m.text == "he"))
            .map(|q| q.speaker.name.as_deref());
        assert_eq!(he, Some(Some("Tom Brown")));
    }
}

#[cfg(test)]
mod nominal_heads {
    use crate::{Document, Resolution};

    /// The rule stage alone (the learned tagger off): these tests are about speakers.
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
    fn name_modifying_a_noun_is_not_the_speaker() {
        let a = analyze(&Document::new(
            "t",
            "French officials have said that the suspect was known to police.",
        ));
        let q = a.quotes.iter().find(|q| q.cue.is_some());
        let s = q.map(|q| &q.speaker);
        assert_eq!(s.map(|s| s.resolution), Some(Resolution::Nominal));
        assert_eq!(s.and_then(|s| s.name.as_deref()), Some("French officials"));
    }
}
