//! Integration tests of `whosaid provenance` and `whosaid stories` on the seed article.

use serde_json::Value;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/seed/us-russia-relations.txt"
);

/// The unspun sources of seed sentences, among unrelated ones.
const SOURCE: &str = "Lavrov met Tillerson in Moscow on Wednesday.\n\nThe deal was suspended after U.S. missile strikes against the al-Shayrat airbase following a suspected gas attack in Khan Sheikoun, in an act Moscow labelled \"aggression against a sovereign state\".\n\nHe said the US attack on the Syrian air base \"was carried out in violation of international norms\".\n\nIt was the eighth time Russia has protected its ally at the council. \"Russia now has a lot to prove\", she said.\n";

const UNRELATED: &str = "The city council approved a new budget for public libraries on Monday.\n\nVolunteers planted four hundred trees along the river bank over the weekend.\n";

fn temp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("whosaid-prov-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    fs::create_dir_all(&p).expect("temp dir");
    p
}

fn run(args: &[&str]) -> (Vec<Value>, i32) {
    let out = Command::new(BIN).args(args).output().expect("run whosaid");
    let recs = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (recs, out.status.code().unwrap_or(-1))
}

fn pairs(rec: &Value) -> Vec<(String, String)> {
    rec["sentences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["source"]["changed"].as_array())
        .flatten()
        .map(|p| {
            (
                p[0].as_str().unwrap_or("").into(),
                p[1].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

#[test]
fn seed_spin_against_corpus_dir() {
    let dir = temp("seed");
    let corpus = dir.join("corpus");
    fs::create_dir_all(&corpus).expect("mkdir");
    fs::write(corpus.join("source.txt"), SOURCE).expect("write");
    fs::write(corpus.join("unrelated.txt"), UNRELATED).expect("write");
    let c = corpus.to_string_lossy().to_string();
    let (recs, code) = run(&["provenance", SEED, "--corpus", &c]);
    assert_eq!(code, 0);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    let keys: Vec<&str> = r
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(keys.len(), 4, "{keys:?}");
    let p = pairs(r);
    for want in [
        ("Russia", "Russian Federation"),
        ("U.S.", "USA"),
        ("international", "worldwide"),
    ] {
        assert!(
            p.contains(&(want.0.into(), want.1.into())),
            "{want:?} not in {p:?}"
        );
    }
    let src_id = corpus.join("source.txt").to_string_lossy().to_string();
    assert_eq!(r["sources"][0], Value::from(src_id));
    let o = r["originality"].as_f64().unwrap_or(0.0);
    assert!(o > 0.5 && o < 1.0, "{o}");
    let traced = r["sentences"]
        .as_array()
        .map(|v| v.iter().find(|s| !s["source"].is_null()).cloned());
    let s = traced.flatten().expect("a traced sentence");
    for k in ["text", "start", "end", "char_start", "char_end"] {
        assert!(!s[k].is_null(), "{k}");
    }
    for k in [
        "id",
        "text",
        "char_start",
        "char_end",
        "date",
        "similarity",
        "changed",
    ] {
        assert!(s["source"].get(k).is_some(), "source.{k}");
    }

    // An exact copy: similarity 1, originality 0; an unrelated article: no source.
    let copy = dir.join("copy.txt");
    fs::write(&copy, SOURCE).expect("write");
    let un = dir.join("other.txt");
    fs::write(
        &un,
        "Local schools will open later next year, the district announced in a letter to parents.\n",
    )
    .expect("write");
    let (recs, _) = run(&[
        "provenance",
        &copy.to_string_lossy(),
        &un.to_string_lossy(),
        "--corpus",
        &c,
    ]);
    assert_eq!(recs[0]["originality"].as_f64(), Some(0.0));
    for s in recs[0]["sentences"].as_array().into_iter().flatten() {
        assert_eq!(s["source"]["similarity"].as_f64(), Some(1.0));
    }
    assert!(recs[1]["sentences"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|s| s["source"].is_null()));
    assert_eq!(recs[1]["originality"].as_f64(), Some(1.0));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn db_id_and_stories() {
    let dir = temp("db");
    let db = dir.join("c.db");
    let jsonl = dir.join("in.jsonl");
    let line = |id: &str, date: &str, text: &str| {
        serde_json::json!({"id": id, "date": date, "text": text}).to_string()
    };
    let seed = fs::read_to_string(SEED).expect("seed");
    fs::write(
        &jsonl,
        [
            line("src", "2017-04-11", SOURCE),
            line("seed", "2017-04-12", &seed),
            line("other", "2017-04-10", UNRELATED),
        ]
        .join("\n"),
    )
    .expect("write");
    let dbs = db.to_string_lossy().to_string();
    let st = Command::new(BIN)
        .args(["ingest", &jsonl.to_string_lossy(), "--db", &dbs])
        .output()
        .expect("ingest");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let (recs, code) = run(&["provenance", "--db", &dbs, "--id", "seed", "--id", "src"]);
    assert_eq!(code, 0);
    assert_eq!(recs[0]["id"], "seed");
    assert_eq!(recs[0]["sources"], serde_json::json!(["src"]));
    // The source is earlier: it has no source itself.
    assert_eq!(recs[1]["sources"], serde_json::json!([]));
    let (stories, code) = run(&["stories", "--db", &dbs]);
    assert_eq!(code, 0);
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0]["first"], "src");
    assert_eq!(stories[0]["size"], 2);
    let (_, code) = run(&["provenance", "--db", &dbs, "--id", "nope"]);
    assert_eq!(code, 2);
    // The index persists in the database; articles ingested later are indexed on the
    // next run.
    let more = dir.join("more.jsonl");
    let later = format!("{SOURCE}\nA later note was added to the copy.\n");
    fs::write(&more, line("later", "2017-04-20", &later)).expect("write");
    let st = Command::new(BIN)
        .args(["ingest", &more.to_string_lossy(), "--db", &dbs])
        .output()
        .expect("ingest");
    assert!(st.status.success());
    let (recs, code) = run(&["provenance", "--db", &dbs, "--id", "later"]);
    assert_eq!(code, 0);
    assert_eq!(recs[0]["sources"][0], "src");
    assert!(recs[0]["originality"].as_f64().unwrap_or(1.0) < 0.3);
    let _ = fs::remove_dir_all(&dir);
}
