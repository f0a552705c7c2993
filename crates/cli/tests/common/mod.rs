//! Helpers shared by the CLI's integration tests (`mod common;` in each): the io tests'
//! fixtures (scratch directories, news pages, WARC records, gzip) and a run of the built
//! binary with its JSON Lines output.
#![allow(dead_code)]

#[path = "../../../io/tests/common/mod.rs"]
mod fixtures;

pub use fixtures::*;

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

impl TempDir {
    /// `name` inside the directory (nothing is created).
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

/// What a run of `whosaid` gave: its exit code, stdout as JSON records and as text, stderr.
pub struct Run {
    pub code: i32,
    pub records: Vec<Value>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ids(&self) -> Vec<String> {
        self.records
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("<no id>").to_string())
            .collect()
    }

    pub fn is_error(&self, i: usize) -> bool {
        self.records[i].get("error").is_some()
    }
}

/// Runs `whosaid` with `args`, feeding `stdin` from a thread (so big inputs can't deadlock).
pub fn run(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn whosaid");
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let out = child.wait_with_output().expect("wait for whosaid");
    if let Some(f) = feeder {
        f.join().expect("stdin feeder");
    }
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let records = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    Run {
        code: out.status.code().expect("exit code"),
        records,
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
