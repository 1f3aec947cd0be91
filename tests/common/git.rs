//! Fixture git repositories for the `staged` and `history` tests.
//!
//! Repositories are built by running the real `git` with a fixed
//! identity, a clock that advances one minute per commit (so commit order
//! and dates are deterministic), no user or system configuration and no
//! signing. Secrets are made up, random-looking, and caught by the
//! built-in rules.

#![allow(dead_code)]

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

/// The Unix time of the first fixture commit (2024-01-01T00:00:00Z).
pub const EPOCH: i64 = 1_704_067_200;

/// Environment variables through which git points a process at another
/// repository or index; cleared so the tests never see the caller's.
const GIT_LOCATION_VARS: [&str; 5] = [
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
];

/// A `git` command with the fixture configuration, run in `dir`.
pub fn git_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Lovelace")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Lovelace")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("LC_ALL", "C")
        .args([
            "-c",
            "user.name=Ada Lovelace",
            "-c",
            "user.email=ada@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "core.autocrlf=false",
            "-c",
            "protocol.file.allow=always",
            "-c",
            "advice.detachedHead=false",
        ]);
    for var in GIT_LOCATION_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs git in `dir` and returns its trimmed stdout; panics on failure.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir).args(args).output().expect("running git");
    assert!(
        out.status.success(),
        "git {args:?} failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

/// A repository in a temporary folder.
pub struct Fixture {
    dir: TempDir,
    clock: Cell<i64>,
}

impl Fixture {
    /// A new repository on branch `main` with no commit.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        let f = Fixture {
            dir,
            clock: Cell::new(EPOCH),
        };
        f.git(&["init", "-q"]);
        f
    }

    /// The repository's working tree.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// A scratch folder next to the repository (for clones, indexes).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs git in the repository; returns trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.path(), args)
    }

    /// Runs git in the repository with the commit clock advanced one
    /// minute; for commands that make commits or tags.
    pub fn git_at_next_tick(&self, args: &[&str]) -> Output {
        let date = self.tick();
        git_cmd(&self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args(args)
            .output()
            .expect("running git")
    }

    /// Advances the clock one minute and returns the git date string.
    fn tick(&self) -> String {
        let now = self.clock.get() + 60;
        self.clock.set(now);
        format!("{now} +0000")
    }

    /// The Unix time of the last commit made.
    pub fn now(&self) -> i64 {
        self.clock.get()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Reads a file of the working tree.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// Commits what is staged; returns the new commit id.
    pub fn commit(&self, message: &str) -> String {
        let out = self.git_at_next_tick(&["commit", "-q", "--allow-empty", "-m", message]);
        assert!(
            out.status.success(),
            "commit failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.head()
    }

    /// Stages everything and commits it; returns the new commit id.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.commit(message)
    }

    /// The id HEAD points to.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    /// The blob id of `path` at `rev` (`:path` for the staged one).
    pub fn blob(&self, rev: &str, path: &str) -> String {
        self.git(&["rev-parse", &format!("{rev}:{path}")])
    }

    /// Runs `hamburglar ARGS --format ndjson --no-progress --show-secrets`
    /// in the repository.
    pub fn hamburglar(&self, args: &[&str]) -> Run {
        self.hamburglar_with(args, &[])
    }

    /// Like [`Fixture::hamburglar`], with extra environment variables.
    pub fn hamburglar_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = hamburglar_cmd();
        cmd.current_dir(self.path()).args(args).args([
            "--format",
            "ndjson",
            "--no-progress",
            "--show-secrets",
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().unwrap())
    }

    /// Runs `hamburglar ARGS --format json` and returns the whole
    /// document (findings and statistics).
    pub fn hamburglar_json(&self, args: &[&str]) -> Value {
        let out = hamburglar_cmd()
            .current_dir(self.path())
            .args(args)
            .args(["--format", "json", "--no-progress", "--show-secrets"])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "hamburglar {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

/// The `hamburglar` binary under test, with no git location variables
/// and no user or system git configuration.
pub fn hamburglar_cmd() -> assert_cmd::Command {
    let mut cmd = crate::common::hamburglar();
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for var in GIT_LOCATION_VARS {
        cmd.env_remove(var);
    }
    for var in ["PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"] {
        cmd.env_remove(var);
    }
    cmd
}

/// The outcome of one hamburglar run.
#[derive(Debug)]
pub struct Run {
    /// The exit status.
    pub code: i32,
    /// The findings, one JSON object each.
    pub findings: Vec<Value>,
    /// What was written to stderr.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            findings: crate::common::ndjson(&out.stdout),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the run ended with `code` (0 clean, 1 findings).
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "exit status; stderr: {}", self.stderr);
        self
    }

    /// The distinct secrets found, each with the (commit id or "", path)
    /// of its findings, sorted.
    pub fn secrets(&self) -> BTreeMap<String, Vec<(String, String)>> {
        let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for f in &self.findings {
            let at = (
                f["commit"]["id"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap().to_string(),
            );
            let list = out
                .entry(f["secret"].as_str().unwrap().to_string())
                .or_default();
            if !list.contains(&at) {
                list.push(at);
            }
        }
        for list in out.values_mut() {
            list.sort();
        }
        out
    }

    /// The findings of one secret.
    pub fn of(&self, secret: &str) -> Vec<&Value> {
        self.findings
            .iter()
            .filter(|f| f["secret"] == secret)
            .collect()
    }
}

/// A deterministic xorshift generator for made-up secrets.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `len` characters drawn from `alphabet`.
    pub fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

/// Letters and digits.
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A made-up GitHub classic token (`ghp_` and 36 letters or digits).
pub fn github_token(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    format!("ghp_{}", rng.string(ALNUM, 36))
}

/// A made-up AWS access key id (`AKIA` and 16 of `A-Z2-7`).
pub fn aws_key(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0xA5A5);
    format!(
        "AKIA{}",
        rng.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    )
}

/// A made-up PEM RSA private key block (ends with a newline).
pub fn pem_key(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let b64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::from("-----BEGIN RSA PRIVATE KEY-----\n");
    s.push_str("MIIEowIBAAKCAQEA");
    s.push_str(&rng.string(b64, 48));
    s.push('\n');
    for _ in 0..6 {
        s.push_str(&rng.string(b64, 64));
        s.push('\n');
    }
    s.push_str(&rng.string(b64, 20));
    s.push_str("==\n-----END RSA PRIVATE KEY-----\n");
    s
}

/// The text of a Git LFS pointer file.
pub fn lfs_pointer(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    format!(
        "version https://git-lfs.github.com/spec/v1\noid sha256:{}\nsize {}\n",
        rng.string(b"0123456789abcdef", 64),
        1000 + rng.below(100_000)
    )
}
