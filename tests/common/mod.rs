//! Helpers shared by the integration tests: the real binary, NDJSON
//! parsing, and the leaky-repo corpus with its ground truth.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// A made-up GitHub classic token that the built-in rules catch.
pub const GITHUB_TOKEN: &str = "ghp_R7fK2pQ9xW4mZ8vT1yL6nB3cH5jD0sAeUgVi";
/// A made-up AWS access key id.
pub const AWS_KEY_ID: &str = "AKIAQ4TZ7XJ2KD5RMN3W";
/// A made-up Stripe live secret key.
pub const STRIPE_KEY: &str = "sk_live_51Hq8ZpLk3Vt9XwR2mN7bY4cJ6dF0gS1aE";

/// The `hamburglar` binary under test.
pub fn hamburglar() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("hamburglar").unwrap();
    cmd.env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env("NO_COLOR", "1");
    cmd
}

/// Parses NDJSON output into JSON values, failing on any invalid line.
pub fn ndjson(stdout: &[u8]) -> Vec<Value> {
    std::str::from_utf8(stdout)
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect()
}

/// The (path, line, rule) triples of findings, sorted.
pub fn locations(findings: &[Value]) -> Vec<(String, u64, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The shared corpora folder, `../shared/corpora` from the crate root.
pub fn corpora() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora")
}

/// Clones the leaky-repo bundle into a fresh temp dir.
pub fn clone_leaky_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let bundle = corpora().join("leaky-repo/leaky-repo.bundle");
    let status = Command::new("git")
        .args(["-c", "init.defaultBranch=master", "clone", "-q"])
        .arg(&bundle)
        .arg(dir.path().join("repo"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("running git");
    assert!(status.success(), "git clone of the bundle failed");
    dir
}

/// The leaky-repo ground truth: file name to risk-line count.
pub fn leaky_truth() -> BTreeMap<String, usize> {
    let csv = std::fs::read_to_string(corpora().join("leaky-repo/secrets.csv")).unwrap();
    csv.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            (cols[0].to_string(), cols[1].trim().parse().unwrap())
        })
        .collect()
}

/// A leaky-repo score as its README defines it.
#[derive(Debug)]
pub struct Score {
    /// Files of the CSV with at least one finding.
    pub files: usize,
    /// Sum over CSV files of min(distinct lines reported, risk lines).
    pub lines: usize,
    /// Files reported that the CSV does not list.
    pub noise: Vec<String>,
}

/// Scores findings against the ground truth. A finding reports every
/// line of its region (`line..=end_line`): a user name and password pair
/// found as one match reports both lines.
pub fn score(findings: &[Value]) -> Score {
    let truth = leaky_truth();
    let mut lines: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for f in findings {
        let path = f["path"].as_str().unwrap().to_string();
        let first = f["line"].as_u64().unwrap();
        let last = f["end_line"].as_u64().unwrap();
        lines.entry(path).or_default().extend(first..=last);
    }
    let mut score = Score {
        files: 0,
        lines: 0,
        noise: Vec::new(),
    };
    for (path, reported) in &lines {
        match truth.get(path) {
            Some(&risk) => {
                score.files += 1;
                score.lines += reported.len().min(risk);
            }
            None => score.noise.push(path.clone()),
        }
    }
    score
}
