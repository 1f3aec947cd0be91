//! `hamburglar scan` through the real binary: walking rules, output
//! formats, exit codes, stdin, a closed pipe, and Ctrl-C.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{hamburglar, locations, ndjson, AWS_KEY_ID, GITHUB_TOKEN, STRIPE_KEY};

/// Writes `text` to `root/rel`, creating folders.
fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// A tree with secrets in visible, hidden, ignored and nested files.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    write(r, ".gitignore", "ignored.txt\nbuild/\n");
    write(r, "ignored.txt", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    write(r, "build/out.txt", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    write(r, ".env", &format!("AWS_ACCESS_KEY_ID={AWS_KEY_ID}\n"));
    write(
        r,
        "src/app.py",
        &format!("\n\nstripe.api_key = \"{STRIPE_KEY}\"\n"),
    );
    write(r, "docs/readme.md", "nothing to see here\n");
    write(r, ".git/config", &format!("token = {GITHUB_TOKEN}\n"));
    dir
}

/// Runs `scan` with NDJSON output and extra arguments.
fn scan(root: &Path, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = hamburglar()
        .args(["scan", "--format", "ndjson", "--no-progress"])
        .args(extra)
        .arg(root)
        .output()
        .unwrap();
    (out.status.code(), ndjson(&out.stdout))
}

fn paths(findings: &[serde_json::Value]) -> Vec<String> {
    let mut p: Vec<String> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p.dedup();
    p
}

#[test]
fn gitignored_files_are_skipped_and_hidden_files_scanned() {
    let dir = tree();
    let (code, findings) = scan(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&findings), vec![".env", "src/app.py"]);
}

#[test]
fn no_ignore_scans_ignored_files_but_never_dot_git() {
    let dir = tree();
    let (_, findings) = scan(dir.path(), &["--no-ignore"]);
    assert_eq!(
        paths(&findings),
        vec![".env", "build/out.txt", "ignored.txt", "src/app.py"]
    );
}

#[test]
fn include_and_exclude_globs() {
    let dir = tree();
    let (_, only_py) = scan(dir.path(), &["--include", "*.py"]);
    assert_eq!(paths(&only_py), vec!["src/app.py"]);
    let (_, no_src) = scan(dir.path(), &["--exclude", "src"]);
    assert_eq!(paths(&no_src), vec![".env"]);
    let (_, no_env) = scan(dir.path(), &["--exclude", ".env", "--exclude", "*.md"]);
    assert_eq!(paths(&no_env), vec!["src/app.py"]);
}

#[test]
fn max_file_size_skips_large_files() {
    let dir = tree();
    let big = format!("{}\nkey = {GITHUB_TOKEN}\n", "x".repeat(5000));
    write(dir.path(), "big.txt", &big);
    let (_, small_only) = scan(dir.path(), &["--max-file-size", "4K"]);
    assert!(!paths(&small_only).contains(&"big.txt".to_string()));
    let (_, all) = scan(dir.path(), &[]);
    assert!(paths(&all).contains(&"big.txt".to_string()));
}

#[test]
fn ndjson_lines_carry_every_field() {
    let dir = tree();
    let (_, findings) = scan(dir.path(), &[]);
    assert!(!findings.is_empty());
    for f in &findings {
        for key in [
            "rule",
            "description",
            "category",
            "severity",
            "confidence",
            "source",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "secret",
            "match",
            "entropy",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
        assert_eq!(f["source"], "worktree");
        let secret = f["secret"].as_str().unwrap();
        assert!(secret.ends_with("****"), "secret not redacted: {secret}");
        assert!(!f["match"].as_str().unwrap().contains(GITHUB_TOKEN));
    }
    let stripe = findings.iter().find(|f| f["path"] == "src/app.py").unwrap();
    assert_eq!(stripe["line"], 3);
    assert_eq!(stripe["column"].as_u64(), Some(19), "{stripe}");
}

#[test]
fn show_secrets_prints_them_and_fingerprints_ignore_position() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", &format!("k = \"{GITHUB_TOKEN}\"\n"));
    write(
        dir.path(),
        "b.txt",
        &format!("\n\n\n    k = \"{GITHUB_TOKEN}\"\n"),
    );
    let (_, findings) = scan(dir.path(), &["--show-secrets"]);
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert_eq!(findings[0]["secret"], GITHUB_TOKEN);
    assert_eq!(findings[0]["fingerprint"], findings[1]["fingerprint"]);
}

#[test]
fn crlf_files_count_lines_right() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "win.txt",
        &format!("a\r\nb\r\nk = {AWS_KEY_ID}\r\n"),
    );
    let (_, findings) = scan(dir.path(), &[]);
    assert_eq!(locations(&findings)[0].1, 3);
    assert_eq!(findings[0]["column"], 5);
}

#[test]
fn concurrency_does_not_change_findings() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        let text = if i % 7 == 0 {
            format!("line\nAWS_ACCESS_KEY_ID={AWS_KEY_ID}\n")
        } else {
            format!("file {i}\n")
        };
        write(dir.path(), &format!("d{}/f{i}.txt", i % 10), &text);
    }
    let (_, one) = scan(dir.path(), &["-j", "1", "--threads", "1"]);
    let (_, many) = scan(dir.path(), &["-j", "64"]);
    assert_eq!(one.len(), 29);
    assert_eq!(locations(&one), locations(&many));
}

#[test]
fn exit_codes() {
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "a.txt", "hello\n");
    hamburglar()
        .args(["scan", "--no-progress"])
        .arg(clean.path())
        .assert()
        .code(0);
    let dirty = tree();
    hamburglar()
        .args(["scan", "--no-progress"])
        .arg(dirty.path())
        .assert()
        .code(1);
    hamburglar()
        .args(["scan", "--no-progress", "/no/such/path/hamburglar"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/no/such/path/hamburglar"));
    hamburglar()
        .args(["scan", "--no-such-flag"])
        .assert()
        .code(2);
    hamburglar()
        .args(["scan", "--rules", "/no/such/rules.toml", "."])
        .assert()
        .code(2);
}

#[test]
fn stdin_is_scanned() {
    let out = hamburglar()
        .args(["scan", "--format", "ndjson", "-"])
        .write_stdin(format!("hello\nexport GITHUB_TOKEN={GITHUB_TOKEN}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings = ndjson(&out.stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["source"], "stdin");
    assert_eq!(findings[0]["path"], "-");
    assert_eq!(findings[0]["line"], 2);
}

#[test]
fn json_is_one_document_with_stats() {
    let dir = tree();
    let out = hamburglar()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
    assert_eq!(doc["stats"]["findings"], 2);
    assert!(doc["stats"]["scanned"].as_u64().unwrap() >= 3);
}

#[test]
fn human_output_names_path_line_and_rule() {
    let dir = tree();
    let out = hamburglar()
        .args(["scan", "--format", "human"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("src/app.py:3:19"), "{text}");
    assert!(!text.contains(STRIPE_KEY));
}

#[cfg(unix)]
#[test]
fn fifos_and_symlink_loops_do_not_hang() {
    let dir = tree();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("src/loop")).unwrap();
    let (code, findings) = scan(dir.path(), &["--follow-symlinks"]);
    assert_eq!(code, Some(1));
    assert_eq!(paths(&findings), vec![".env", "src/app.py"]);
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        write(
            dir.path(),
            &format!("f{i}.txt"),
            &format!("k = {AWS_KEY_ID}\n"),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("hamburglar");
    let mut child = Command::new(bin)
        .args(["scan", "--format", "ndjson", "-j", "1", "--threads", "1"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // Dropping the reader closes the pipe, like `| head -1`.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&first).is_ok());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(status.code(), Some(0) | Some(1)),
        "{status:?} {stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_every_finding_made() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let body = format!("{}\nk = {AWS_KEY_ID}\n", "filler line\n".repeat(2000));
        write(dir.path(), &format!("d{}/f{i}.txt", i % 30), &body);
    }
    let bin = assert_cmd::cargo::cargo_bin("hamburglar");
    let mut child = Command::new(bin)
        .args(["scan", "--format", "ndjson", "--threads", "1", "-j", "4"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..5 {
        let mut l = String::new();
        reader.read_line(&mut l).unwrap();
        lines.push(l);
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    lines.extend(rest.lines().map(str::to_string));
    for l in &lines {
        serde_json::from_str::<serde_json::Value>(l.trim()).expect("a whole JSON line");
    }
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let reported: usize = stderr
        .split("interrupted: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the summary says how many findings were made");
    assert_eq!(reported, lines.len(), "every finding made was written");
    assert!(lines.len() < 3000, "the scan stopped early");
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_scan_stuck_on_silent_stdin() {
    let bin = assert_cmd::cargo::cargo_bin("hamburglar");
    let mut child = Command::new(bin)
        .args(["scan", "--format", "ndjson", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the rules to compile and the handler to be set.
    std::thread::sleep(std::time::Duration::from_millis(3000));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed().as_secs() < 20, "the scan did not stop");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130));
}
