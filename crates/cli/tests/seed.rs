//! The golden seed test: `whosaid extract` on the seed article must satisfy the seed's
//! reference scorer (`../shared/seed/score.py`): every required quote with the right
//! canonical speaker, and no quote taken from an artifact.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed")
}

#[test]
fn extract_passes_the_seed_scorer() {
    let python = Command::new("python3").arg("--version").output();
    if !python.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("note: python3 not found; skipping the golden seed test");
        return;
    }
    let out = Command::new(BIN)
        .arg("extract")
        .arg(seed_dir().join("us-russia-relations.txt"))
        .output()
        .expect("run whosaid extract");
    assert!(
        out.status.success(),
        "whosaid extract failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("seed-golden");
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join(format!("{}-seed.jsonl", std::process::id()));
    std::fs::write(&path, &out.stdout).expect("write extract output");
    let score = Command::new("python3")
        .arg(seed_dir().join("score.py"))
        .arg(seed_dir().join("us-russia-relations.gold.json"))
        .arg(&path)
        .output()
        .expect("run score.py");
    assert!(
        score.status.success(),
        "seed scorer failed:\n{}{}",
        String::from_utf8_lossy(&score.stdout),
        String::from_utf8_lossy(&score.stderr)
    );
}
