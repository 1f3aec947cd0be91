//! End to end: `hamburglar scan` over a clone of the leaky-repo corpus,
//! scored against its ground truth.

mod common;

use common::{clone_leaky_repo, hamburglar, ndjson, score};

#[test]
fn scan_finds_the_planted_secrets_of_leaky_repo() {
    let dir = clone_leaky_repo();
    let out = hamburglar()
        .args(["scan", "--format", "ndjson", "--no-progress"])
        .arg(dir.path().join("repo"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings mean exit status 1");
    let findings = ndjson(&out.stdout);
    let s = score(&findings);
    eprintln!(
        "leaky-repo: {}/44 files, {}/96 risk lines, noise files: {:?}",
        s.files, s.lines, s.noise
    );
    assert!(s.files >= 40, "files reported: {}", s.files);
    assert!(s.lines >= 90, "risk lines reported: {}", s.lines);
    assert!(
        s.noise.len() <= 3,
        "files outside the ground truth: {:?}",
        s.noise
    );
}
