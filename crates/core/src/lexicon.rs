//! Word lists the rules consult: reporting verbs, titles, first names with gender,
//! country and organisation name variants.
//!
//! PLACEHOLDER: tiny inline lists; to be replaced by compact generated data files
//! (see `scripts/build_lexicons.py`) behind this same API.

/// Usual gender of a first name or a pronoun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Mostly men.
    Male,
    /// Mostly women.
    Female,
}

/// The usual gender of a first name (`"Sergei"` → Male), if the name is known and clear.
pub fn first_name_gender(name: &str) -> Option<Gender> {
    match name.to_lowercase().as_str() {
        "sergei" | "sergey" | "vladimir" | "donald" | "rex" | "bashar" | "staffan" | "sergio" => {
            Some(Gender::Male)
        }
        "hillary" | "nikki" | "theresa" | "angela" => Some(Gender::Female),
        _ => None,
    }
}

/// The lemma of a reporting/communication verb form (`"labelled"` → `"label"`), if it is one.
pub fn reporting_verb_lemma(word: &str) -> Option<&'static str> {
    const VERBS: &[(&str, &str)] = &[
        ("say", "say"),
        ("says", "say"),
        ("said", "say"),
        ("saying", "say"),
        ("tell", "tell"),
        ("tells", "tell"),
        ("told", "tell"),
        ("telling", "tell"),
        ("label", "label"),
        ("labelled", "label"),
        ("labeled", "label"),
        ("add", "add"),
        ("added", "add"),
        ("adds", "add"),
    ];
    let w = word.to_lowercase();
    VERBS.iter().find(|(f, _)| *f == w).map(|(_, l)| *l)
}

/// True for a title or role word that may precede a name (`"minister"`, `"president"`, `"mr"`).
pub fn is_title(word: &str) -> bool {
    matches!(
        word.to_lowercase().trim_end_matches('.'),
        "mr" | "mrs" | "ms" | "dr" | "president" | "minister" | "secretary" | "foreign"
    )
}

/// The canonical country or organisation a name variant stands for
/// (`"Russian Federation"`, `"Moscow"`, `"the Kremlin"` → `"Russia"`).
pub fn canonical_entity(name: &str) -> Option<&'static str> {
    match name.to_lowercase().trim_start_matches("the ") {
        "russia" | "russian federation" | "moscow" | "kremlin" => Some("Russia"),
        "us" | "u.s." | "usa" | "united states" | "washington" | "white house" => {
            Some("United States")
        }
        _ => None,
    }
}
