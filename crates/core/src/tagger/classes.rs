//! Word classes for the tagger's features: a compact word → (part of speech, entity class)
//! table learned by `whosaid-train` from the CoreNLP silver annotations of PolNeAR train,
//! with a capitalisation + suffix fallback for unseen words. Stored inside the model file.
//!
//! A class is a `u16`: bits 0–5 the most frequent Penn tag's id (0 = unknown), bits 6–8 the
//! most frequent entity class, bits 9–10 how dominant that tag is (see `whosaid-train`).

use super::features::word_hash;

/// Open-addressing table from class keys ([`word_key`], [`suffix_key`]) to classes: one
/// `u64` per slot (the key's top 48 bits, then the class), at most ~2/3 full.
#[derive(Debug, Clone, Default)]
pub struct WordClasses {
    slots: Vec<u64>,
    pairs: Vec<(u64, u16)>,
}

const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Key of a word: its [`word_hash`] and whether its first byte is an ASCII capital.
#[inline]
pub fn word_key(word: u64, first_upper: bool) -> u64 {
    (word.rotate_left(7) ^ (first_upper as u64 + 0x7f)).wrapping_mul(K) | 1
}

/// Key of the suffix fallback: the hash of the word's last 3 bytes and its capitalisation.
#[inline]
pub fn suffix_key(suffix: u64, first_upper: bool) -> u64 {
    (suffix.rotate_left(11) ^ (first_upper as u64 + 0x3a1)).wrapping_mul(K) | 1
}

/// Hash of the last (up to) 3 bytes of a word, as the features and the suffix keys use it.
#[inline]
pub fn suffix_hash(bytes: &[u8]) -> u64 {
    word_hash(&bytes[bytes.len().saturating_sub(3)..])
}

impl WordClasses {
    /// Builds the table from `(key, class)` pairs (keys differing only in their low 16 bits
    /// collide; the first pair wins).
    pub fn new(pairs: &[(u64, u16)]) -> Self {
        let cap = (pairs.len() * 3 / 2 + 1).next_power_of_two().max(16);
        let mut slots = vec![0u64; cap];
        for &(k, v) in pairs {
            let tag = k | 0xffff;
            let mut i = (k >> 20) as usize & (cap - 1);
            while slots[i] != 0 && slots[i] | 0xffff != tag {
                i = (i + 1) & (cap - 1);
            }
            if slots[i] == 0 {
                slots[i] = (tag & !0xffff) | v as u64;
                if slots[i] == 0 {
                    // key bits all zero and class 0: nothing to store
                    continue;
                }
            }
        }
        WordClasses {
            slots,
            pairs: pairs.to_vec(),
        }
    }

    #[inline]
    fn get(&self, k: u64) -> Option<u16> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let tag = k | 0xffff;
        let mut i = Self::home(k, mask);
        loop {
            let x = self.slots[i];
            if x | 0xffff == tag {
                return Some(x as u16);
            }
            if x == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot where the probe for key `k` starts (`mask`: the slot count less one).
    #[inline(always)]
    fn home(k: u64, mask: usize) -> usize {
        (k >> 20) as usize & mask
    }

    /// Starts loading the slot where the lookup of the word's own entry
    /// ([`WordClasses::class_with`]) begins its probe.
    #[inline(always)]
    pub(crate) fn prefetch(&self, word: u64, first_upper: bool) {
        let mask = self.slots.len().wrapping_sub(1);
        if let Some(slot) = self
            .slots
            .get(Self::home(word_key(word, first_upper), mask))
        {
            crate::cache::prefetch(slot);
        }
    }

    /// Class of a token: the word's own entry, else its suffix's, else 0.
    #[inline]
    pub fn class(&self, word: u64, suffix: u64, first_upper: bool) -> u16 {
        self.class_with(word, first_upper, || suffix)
    }

    /// [`WordClasses::class`] with the suffix hash computed only when the word has no
    /// entry of its own.
    #[inline]
    pub fn class_with(&self, word: u64, first_upper: bool, suffix: impl FnOnce() -> u64) -> u16 {
        self.get(word_key(word, first_upper))
            .or_else(|| self.get(suffix_key(suffix(), first_upper)))
            .unwrap_or(0)
    }

    /// The pairs the table was built from.
    pub fn pairs(&self) -> &[(u64, u16)] {
        &self.pairs
    }
}

/// Part-of-speech id of a class.
#[inline]
pub fn pos(c: u16) -> u64 {
    (c & 63) as u64
}

/// Entity class of a class.
#[inline]
pub fn ner(c: u16) -> u64 {
    ((c >> 6) & 7) as u64
}
