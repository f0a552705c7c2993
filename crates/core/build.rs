//! Generates the first-name table from `data/names.tsv` at build time, so that no run
//! parses the 23k lines (about 12M instructions a process) before its first lookup.
//!
//! Two files go to `OUT_DIR`, read by `src/lexicon.rs`:
//!
//! * `names_packed.bin`: the names that pack ([`packing::pack_lower`]) and hold no
//!   capital, sorted by their packed key; 18 bytes each: the key's two integers and the
//!   entry ([`entry`]), little-endian;
//! * `names_other.rs`: the other names (long, not ASCII or with capitals) with their
//!   entries, sorted, as a Rust slice expression.
//!
//! A name listed twice keeps its last line, as a map built line by line would.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::Path;

#[path = "src/packing.rs"]
#[allow(dead_code)]
mod packing;

/// The entry of a name as `lexicon` decodes it: bits 0–1 the gender (0 unknown, 1 male,
/// 2 female), bit 2 set when the Census share follows in bits 8–15.
fn entry(gender: &str, pct: &str) -> u16 {
    let g = match gender {
        "M" => 1,
        "F" => 2,
        _ => 0,
    };
    match pct.parse::<u8>() {
        Ok(p) => g | 4 | u16::from(p) << 8,
        Err(_) => g,
    }
}

fn main() {
    println!("cargo:rerun-if-changed=data/names.tsv");
    println!("cargo:rerun-if-changed=src/packing.rs");
    let text = fs::read_to_string("data/names.tsv").expect("data/names.tsv");
    let mut packed: BTreeMap<packing::Packed, u16> = BTreeMap::new();
    let mut other: BTreeMap<&str, u16> = BTreeMap::new();
    // (the lines as `lexicon`'s `data_lines` reads them)
    let lines = text
        .split('\n')
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    for line in lines {
        let Some((name, rest)) = line.split_once('\t') else {
            continue;
        };
        let Some((g, rest)) = rest.split_once('\t') else {
            continue;
        };
        let pct = rest.split_once('\t').map_or(rest, |(p, _)| p);
        let e = entry(g, pct);
        // (a name with capitals is never found packed: lookups lowercase the word)
        match packing::pack_lower(name).filter(|_| !name.bytes().any(|b| b.is_ascii_uppercase())) {
            Some(k) => packed.insert(k, e),
            None => other.insert(name, e),
        };
    }
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    let mut bin = Vec::with_capacity(packed.len() * 18);
    for ((lo, hi), e) in &packed {
        bin.extend_from_slice(&lo.to_le_bytes());
        bin.extend_from_slice(&hi.to_le_bytes());
        bin.extend_from_slice(&e.to_le_bytes());
    }
    fs::write(Path::new(&out).join("names_packed.bin"), bin).expect("names_packed.bin");
    let mut rs = String::from("&[\n");
    for (name, e) in &other {
        rs.push_str(&format!("    ({name:?}, {e}),\n"));
    }
    rs.push_str("]\n");
    fs::write(Path::new(&out).join("names_other.rs"), rs).expect("names_other.rs");
}
