//! Agreement tests of `whosaid eval` with the reference scorers in `../shared`: the same
//! predictions are scored by `python3 score.py` and by the built binary, and every figure
//! the reference prints must agree. Skipped (with a note) only when `python3` is absent.

use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use whosaid_eval::brat::{load_split, GoldDoc};

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn dev() -> PathBuf {
    shared().join("eval-data/polnear/dev")
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-agreement");
    fs::create_dir_all(&dir).expect("create temp dir");
    dir.join(format!("{}-{name}", std::process::id()))
}

fn python3() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("note: python3 not found; skipping the agreement test");
    }
    ok
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.code().is_some(),
        "killed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// score.py's figures on PRED.
fn reference(pred: &Path) -> Value {
    let out = run(Command::new("python3")
        .arg(shared().join("eval-data/polnear/score.py"))
        .arg(dev())
        .arg(pred));
    assert!(
        out.status.success(),
        "score.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("score.py prints JSON")
}

/// `whosaid eval --gold DEV [PRED] --json [extra]`.
fn ours(pred: Option<&Path>, extra: &[&str]) -> Value {
    let mut cmd = Command::new(BIN);
    cmd.arg("eval").arg("--gold").arg(dev()).arg("--json");
    if let Some(p) = pred {
        cmd.arg(p);
    }
    cmd.args(extra);
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "whosaid eval failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("whosaid eval --json prints JSON")
}

fn assert_agree(reference: &Value, ours: &Value, what: &str) {
    for k in ["tp", "fp", "fn", "speaker_n"] {
        assert_eq!(reference[k], ours[k], "{what}: {k}");
    }
    for k in ["content_p", "content_r", "content_f1", "speaker_acc"] {
        let r = reference[k].as_f64().expect("reference figure");
        let o = ours[k].as_f64().expect("our figure");
        assert!(
            (format!("{o:.3}").parse::<f64>().unwrap_or(o) - r).abs() < 1e-9,
            "{what}: {k}: score.py {r} vs whosaid {o}"
        );
    }
    // The rounded copy is score.py's line, value for value.
    assert_eq!(reference, &ours["score_py"], "{what}: score_py");
    // The table's repeated headline counts agree with the flat ones.
    assert_eq!(ours["content"]["tp"], ours["tp"], "{what}");
    assert_eq!(ours["content"]["fn"], ours["fn"], "{what}");
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Synthetic predictions derived from the gold: exact, shifted, truncated and widened
/// spans, some without offsets, speakers right, partly right, wrong and missing, random
/// cues and kinds, false positives, unknown documents and unresolvable contents; shuffled.
fn synthetic(gold: &[GoldDoc], seed: u64) -> Vec<Value> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut preds = Vec::new();
    let kinds = ["direct", "mixed", "indirect", "headline"];
    for doc in gold {
        let chars: Vec<char> = doc.text.chars().collect();
        let n = chars.len();
        let slice = |a: usize, b: usize| -> String {
            chars[a.min(n)..b.min(n).max(a.min(n))].iter().collect()
        };
        let words: Vec<&str> = doc.text.split_whitespace().collect();
        let doc_name = if rng.chance(20) {
            format!("dev/text/{}", doc.name)
        } else {
            doc.name.clone()
        };
        for ann in &doc.annotators {
            for rel in &ann.relations {
                if rng.chance(15) {
                    continue;
                }
                let (a, b) = rel.content.extent();
                let len = b.saturating_sub(a).max(1);
                let (a, b) = match rng.below(5) {
                    0 => (a, b),
                    1 => {
                        let d = rng.below(len) + 1;
                        if rng.chance(50) {
                            (a + d, (b + d).min(n))
                        } else {
                            (a.saturating_sub(d), b.saturating_sub(d))
                        }
                    }
                    2 => (a, a + len * (30 + rng.below(71)) / 100),
                    3 => (
                        a.saturating_sub(rng.below(len)),
                        (b + rng.below(len)).min(n),
                    ),
                    _ => (a + 1, b.saturating_sub(1).max(a + 1)),
                };
                let speaker = match (rng.below(6), &rel.source) {
                    (0 | 1, Some(s)) => json!(s.text),
                    (2, Some(s)) => json!(s.text.split_whitespace().last().unwrap_or("")),
                    (3, _) => Value::Null,
                    (4, _) => json!(""),
                    _ => json!(words.get(rng.below(words.len())).copied().unwrap_or("he")),
                };
                let mut p = json!({"doc": doc_name, "content": slice(a, b), "speaker": speaker});
                if rng.chance(80) {
                    p["content_start"] = json!(a);
                    p["content_end"] = json!(b);
                } else if rng.chance(10) {
                    p["content"] = json!("a content found nowhere in the text §§");
                }
                if rng.chance(70) {
                    p["kind"] = json!(kinds[rng.below(kinds.len())]);
                }
                match (&rel.cue, rng.below(3)) {
                    (Some(c), 0 | 1) => {
                        let (ca, cb) = c.extent();
                        let shift = rng.below(3);
                        p["cue_start"] = json!(ca + shift);
                        p["cue_end"] = json!(cb + shift);
                    }
                    (_, 2) => {
                        let ca = rng.below(n);
                        p["cue_start"] = json!(ca);
                        p["cue_end"] = json!((ca + 4).min(n));
                    }
                    _ => {}
                }
                preds.push(p);
            }
        }
        for _ in 0..rng.below(6) {
            let a = rng.below(n);
            let b = (a + 1 + rng.below(300)).min(n);
            preds.push(
                json!({"doc": doc.name, "content": slice(a, b), "content_start": a,
                "content_end": b, "speaker": words.get(rng.below(words.len())).copied()}),
            );
        }
    }
    preds.push(
        json!({"doc": "not-in-the-gold.txt", "content": "x", "content_start": 0,
        "content_end": 1, "speaker": "he"}),
    );
    // Fisher–Yates: the greedy matching depends on the order.
    for i in (1..preds.len()).rev() {
        let j = rng.below(i + 1);
        preds.swap(i, j);
    }
    preds
}

fn write_lines(path: &Path, lines: &[Value]) {
    let mut s = String::new();
    for l in lines {
        s.push_str(&l.to_string());
        s.push('\n');
    }
    fs::write(path, s).expect("write predictions");
}

/// The same predictions as whosaid records, one per document (order kept within a doc).
fn as_records(preds: &[Value]) -> Vec<Value> {
    let mut order: Vec<String> = Vec::new();
    let mut by_doc: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for p in preds {
        // Grouped by file name: score.py orders each article's predictions across spellings.
        let doc = p["doc"].as_str().unwrap_or_default();
        let doc = doc.rsplit('/').next().unwrap_or(doc).to_string();
        let span =
            |t: &Value, a: &Value, b: &Value| json!({"text": t, "char_start": a, "char_end": b});
        let mut q = json!({
            "content": span(&p["content"], &p["content_start"], &p["content_end"]),
            "speaker": {
                "mention": p["speaker"].as_str().map(|s| span(&json!(s), &json!(0), &json!(0))),
                "name": "Canonical Name Never Scored",
                "resolution": "named"
            },
            "confidence": 0.5
        });
        if p.get("kind").is_some() {
            q["kind"] = p["kind"].clone();
        }
        if p.get("cue_start").is_some() {
            q["cue"] = span(&json!("said"), &p["cue_start"], &p["cue_end"]);
        }
        if !by_doc.contains_key(&doc) {
            order.push(doc.clone());
        }
        by_doc.entry(doc).or_default().push(q);
    }
    order
        .into_iter()
        .map(|d| {
            let quotes = by_doc.remove(&d).unwrap_or_default();
            json!({"id": d, "quotes": quotes, "artifacts": []})
        })
        .collect()
}

#[test]
fn polnear_synthetic_predictions_agree_with_score_py() {
    if !python3() {
        return;
    }
    let gold = load_split(&dev()).expect("PolNeAR dev");
    for seed in 1..=3u64 {
        let preds = synthetic(&gold, seed);
        let path = tmp(&format!("synthetic-{seed}.jsonl"));
        write_lines(&path, &preds);
        let r = reference(&path);
        assert!(
            r["tp"].as_u64().unwrap_or(0) > 500,
            "a meaningful test: {r}"
        );
        assert!(
            r["fp"].as_u64().unwrap_or(0) > 100,
            "a meaningful test: {r}"
        );
        let o = ours(Some(&path), &[]);
        assert_agree(&r, &o, &format!("synthetic {seed}"));

        // Whosaid's own record format: same figures (the mention is the speaker, not the name).
        let records = tmp(&format!("synthetic-{seed}.records.jsonl"));
        write_lines(&records, &as_records(&preds));
        let o2 = ours(Some(&records), &[]);
        assert_agree(&r, &o2, &format!("synthetic {seed} as whosaid records"));
        assert_eq!(o["cue"], o2["cue"]);
        assert_eq!(o["kinds"], o2["kinds"]);

        // --write-predictions round-trips through score.py.
        let written = tmp(&format!("synthetic-{seed}.written.jsonl"));
        let o3 = ours(
            Some(&records),
            &["--write-predictions", written.to_str().expect("utf-8 path")],
        );
        assert_eq!(o2, o3);
        assert_agree(
            &reference(&written),
            &o3,
            &format!("synthetic {seed} written"),
        );
        eprintln!("synthetic {seed}: {r}");
    }
}

#[test]
fn polnear_whosaid_output_agrees_with_score_py() {
    if !python3() {
        return;
    }
    // What `whosaid extract` writes, scored by both.
    let out = run(Command::new(BIN).arg("extract").arg(dev().join("text")));
    assert!(
        out.status.code() != Some(2),
        "whosaid extract failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let extracted = tmp("extract.jsonl");
    fs::write(&extracted, &out.stdout).expect("write extract output");
    let written = tmp("extract.written.jsonl");
    let o = ours(
        Some(&extracted),
        &["--write-predictions", written.to_str().expect("utf-8 path")],
    );
    assert_agree(&reference(&written), &o, "whosaid extract output");

    // The built-in extraction gives the same figures.
    let written2 = tmp("builtin.written.jsonl");
    let o2 = ours(
        None,
        &[
            "--write-predictions",
            written2.to_str().expect("utf-8 path"),
        ],
    );
    assert_agree(&reference(&written2), &o2, "whosaid eval's own extraction");
    assert_eq!(o["content"], o2["content"]);
    eprintln!("whosaid on dev: {}", reference(&written2));
}

/// The core issue's bar on PolNeAR dev as `whosaid eval` prints it (and `score.py`, which
/// the test above shows agrees): content F1 at least 0.70, speaker accuracy at least 0.80.
#[test]
fn polnear_dev_meets_the_core_bar() {
    let o = ours(None, &[]);
    let f1 = o["content_f1"].as_f64().expect("content_f1");
    let speaker = o["speaker_acc"].as_f64().expect("speaker_acc");
    assert!(f1 >= 0.70, "dev content F1 {f1}");
    assert!(speaker >= 0.80, "dev speaker accuracy {speaker}");
}

fn seed_gold() -> PathBuf {
    shared().join("seed/us-russia-relations.gold.json")
}

/// Runs both seed scorers on OUT; asserts identical stdout and exit code, returns the code.
fn seed_agree(name: &str, lines: &[String]) -> i32 {
    let path = tmp(name);
    fs::write(&path, lines.join("\n") + "\n").expect("write seed output");
    let py = run(Command::new("python3")
        .arg(shared().join("seed/score.py"))
        .arg(seed_gold())
        .arg(&path));
    let rs = run(Command::new(BIN)
        .args(["eval", "--seed", "--seed-gold"])
        .arg(seed_gold())
        .arg(&path));
    assert_eq!(
        String::from_utf8_lossy(&py.stdout),
        String::from_utf8_lossy(&rs.stdout),
        "{name}: stdout (stderr: {})",
        String::from_utf8_lossy(&rs.stderr)
    );
    assert_eq!(py.status.code(), rs.status.code(), "{name}: exit code");
    py.status.code().unwrap_or(-1)
}

fn seed_quotes() -> Vec<Value> {
    let gold: Value =
        serde_json::from_str(&fs::read_to_string(seed_gold()).expect("seed gold")).expect("json");
    gold["quotes"].as_array().cloned().unwrap_or_default()
}

#[test]
fn seed_scorer_agrees_on_a_passing_output() {
    if !python3() {
        return;
    }
    let quotes: Vec<Value> = seed_quotes()
        .iter()
        .map(|g| {
            json!({
                "kind": g["kind"],
                "content": {"text": g["content"], "char_start": 0, "char_end": 0},
                "speaker": {
                    "mention": {"text": g["mention"]},
                    "name": g["speaker"],
                    "resolution": if g["speaker"].is_null() { json!("unresolved") } else { g["resolution"].clone() }
                }
            })
        })
        .collect();
    let half = quotes.len() / 2;
    let lines = vec![
        json!({"id": "us-russia-relations.txt", "quotes": quotes[..half]}).to_string(),
        String::new(),
        json!({"id": "us-russia-relations.txt", "quotes": quotes[half..]}).to_string(),
    ];
    assert_eq!(seed_agree("seed-pass.jsonl", &lines), 0);
}

#[test]
fn seed_scorer_agrees_on_failing_outputs() {
    if !python3() {
        return;
    }
    let gold = seed_quotes();
    let mut quotes = Vec::new();
    for (i, g) in gold.iter().enumerate() {
        let content = g["content"].as_str().unwrap_or_default();
        match i % 5 {
            0 => {} // missed
            1 => quotes.push(json!({"content": content, "speaker": "Vladimir Putin"})),
            2 => quotes.push(json!({"content": {"text": content},
                "speaker": {"name": "O'Brien “the” Ñame\u{a0}x", "resolution": "named"}})),
            3 => {
                // Only the first half of the words.
                let words: Vec<&str> = content.split_whitespace().collect();
                let part = words[..words.len() / 2].join(" ");
                quotes.push(json!({"content": part, "speaker": g["speaker"]}));
            }
            _ => quotes.push(json!({"content": content, "speaker": {"canonical": g["speaker"]}})),
        }
    }
    quotes.push(json!({"content": "Russian President Vladimir Putin speaks at a joint news conference", "speaker": "Putin"}));
    quotes.push(json!({"content": "• Leroy Wright", "speaker": null}));
    quotes.push(json!({"content": "", "speaker": null}));
    let lines = vec![
        "not json at all".to_string(),
        json!({"id": "x", "quotes": quotes}).to_string(),
        json!({"id": "y", "error": "could not read"}).to_string(),
        json!({"id": "z", "quotes": null}).to_string(),
    ];
    assert_eq!(seed_agree("seed-fail.jsonl", &lines), 1);
    assert_eq!(seed_agree("seed-empty.jsonl", &[]), 1);
}

#[test]
fn usage_and_gold_errors_exit_2() {
    let code = |args: &[&str]| run(Command::new(BIN).args(args)).status.code();
    assert_eq!(code(&["eval"]), Some(2));
    assert_eq!(code(&["eval", "--gold", "/nonexistent/split"]), Some(2));
    assert_eq!(
        code(&["eval", "--seed", "--seed-gold", "/nonexistent/gold.json"]),
        Some(2)
    );
    let dev = dev();
    let dev = dev.to_str().expect("utf-8 path");
    assert_eq!(
        code(&["eval", "--gold", dev, "/nonexistent/pred.jsonl"]),
        Some(2)
    );
    assert_eq!(code(&["eval", "--gold", dev, "--seed"]), Some(2));
}
