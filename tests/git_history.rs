//! `hamburglar history`: commit ranges, attribution of added lines,
//! merges, renames, shallow and partial clones, on fixture repositories
//! built with the real `git`; an oracle against `git log -p`; and the
//! leaky-repo corpus.

mod common;
#[path = "common/git.rs"]
mod fixture;

use std::collections::{BTreeMap, BTreeSet};

use fixture::{aws_key, git_in, github_token, lfs_pointer, pem_key, Fixture, Rng};

/// Root commit and a linear history: each secret at the commit that
/// added it, with the commit's metadata and the blob it is in; a secret
/// that stays over later commits is reported once.
#[test]
fn root_commit_and_linear_history() {
    let f = Fixture::new();
    let (s1, s2, s3) = (github_token(21), aws_key(22), github_token(23));
    f.write("app/settings.py", format!("DEBUG = False\nA = '{s1}'\n"));
    let c1 = f.commit_all("root: settings\n\nwith a body line");
    f.write(
        "app/settings.py",
        format!("DEBUG = False\nA = '{s1}'\nB = '{s2}'\n"),
    );
    let c2 = f.commit_all("add B");
    f.write("notes.md", "nothing here\n");
    f.commit_all("notes");
    f.write(
        "app/settings.py",
        format!("DEBUG = True\nA = '{s1}'\nB = '{s2}'\n"),
    );
    f.write("app/other.py", format!("C = '{s3}'\n"));
    let c4 = f.commit_all("more");

    let run = f.hamburglar(&["history"]);
    run.expect_code(1);
    let secrets = run.secrets();
    assert_eq!(secrets.len(), 3, "{secrets:#?}");
    assert_eq!(
        secrets[&s1],
        vec![(c1.clone(), "app/settings.py".to_string())]
    );
    assert_eq!(
        secrets[&s2],
        vec![(c2.clone(), "app/settings.py".to_string())]
    );
    assert_eq!(secrets[&s3], vec![(c4.clone(), "app/other.py".to_string())]);

    let hit = run.of(&s1)[0];
    assert_eq!(hit["source"], "history");
    assert_eq!(hit["line"], 2);
    assert_eq!(hit["column"], 6);
    assert_eq!(hit["blob"], f.blob(&c1, "app/settings.py"));
    let commit = &hit["commit"];
    assert_eq!(commit["id"], c1);
    assert_eq!(commit["author"], "Ada Lovelace");
    assert_eq!(commit["email"], "ada@example.com");
    assert_eq!(commit["date"], "2024-01-01T00:01:00+00:00");
    assert_eq!(commit["message"], "root: settings");
    assert!(hit.get("shallow_boundary").is_none());
    assert_eq!(run.of(&s2)[0]["line"], 3);
    assert!(
        run.stderr.contains("4 commits"),
        "progress counts commits: {}",
        run.stderr
    );
}

/// `--since` with annotated and lightweight tags, revspecs (`A..B`,
/// `A...B`, `^A B`), `--branch`, `--all`, `--max-commits` and dates.
#[test]
fn ranges_tags_branches_and_dates() {
    let f = Fixture::new();
    let secret = |i: u64| github_token(100 + i);
    f.write("a.txt", format!("{}\n", secret(1)));
    f.commit_all("one");
    let t1 = f.now();
    let annotated = f.git_at_next_tick(&["tag", "-a", "v1.0", "-m", "release 1.0"]);
    assert!(annotated.status.success());
    f.write("a.txt", format!("{}\n{}\n", secret(1), secret(2)));
    let c2 = f.commit_all("two");
    f.git(&["tag", "light"]);
    f.write(
        "a.txt",
        format!("{}\n{}\n{}\n", secret(1), secret(2), secret(3)),
    );
    let c3 = f.commit_all("three");
    let t3 = f.now();
    f.git(&["checkout", "-q", "-b", "topic", "v1.0"]);
    f.write("b.txt", format!("{}\n", secret(4)));
    let c4 = f.commit_all("topic");
    f.git(&["checkout", "-q", "main"]);

    let found = |args: &[&str]| -> BTreeSet<String> {
        let run = f.hamburglar(args);
        assert!(run.code <= 1, "{args:?}: {}", run.stderr);
        run.secrets().into_keys().collect()
    };
    let set = |ids: &[u64]| ids.iter().map(|&i| secret(i)).collect::<BTreeSet<_>>();

    assert_eq!(found(&["history"]), set(&[1, 2, 3]));
    assert_eq!(found(&["history", "--since", "v1.0"]), set(&[2, 3]));
    assert_eq!(found(&["history", "--since", "light"]), set(&[3]));
    assert_eq!(found(&["history", "v1.0..main"]), set(&[2, 3]));
    assert_eq!(found(&["history", "light..main"]), set(&[3]));
    assert_eq!(found(&["history", "main...topic"]), set(&[2, 3, 4]));
    assert_eq!(found(&["history", "^light", "main", "topic"]), set(&[3, 4]));
    assert_eq!(found(&["history", "--branch", "topic"]), set(&[1, 4]));
    assert_eq!(found(&["history", "--all"]), set(&[1, 2, 3, 4]));
    assert_eq!(found(&["history", "--max-commits", "1"]), set(&[3]));
    assert_eq!(found(&["history", &format!("{c2}^!")]), set(&[2]));
    let since = format!("@{t3}");
    assert_eq!(
        found(&["history", "--all", "--since-date", &since]),
        set(&[3, 4])
    );
    let until = format!("@{t1}");
    assert_eq!(found(&["history", "--until-date", &until]), set(&[1]));

    // The pre-commit `pre-push` stage passes its range through the
    // environment when no revision is named.
    let env = [
        ("PRE_COMMIT_FROM_REF", c2.as_str()),
        ("PRE_COMMIT_TO_REF", c3.as_str()),
    ];
    let run = f.hamburglar_with(&["history"], &env);
    assert_eq!(
        run.secrets().into_keys().collect::<BTreeSet<_>>(),
        set(&[3])
    );
    let env = [("PRE_COMMIT_TO_REF", c4.as_str())];
    let run = f.hamburglar_with(&["history"], &env);
    assert_eq!(
        run.secrets().into_keys().collect::<BTreeSet<_>>(),
        set(&[1, 4])
    );

    let run = f.hamburglar(&["history", "no-such-rev"]);
    assert_eq!(run.code, 2, "an unknown revision is an error");
}

/// A merge of a clean side branch reports the side branch's secret at
/// the side commit only; an evil merge's own line is reported at the
/// merge. With `--first-parent`, side commits are not walked and the
/// merge carries everything it brings to the first parent.
#[test]
fn merges_clean_and_evil() {
    let f = Fixture::new();
    let (side, evil, main_s) = (github_token(31), aws_key(32), github_token(33));
    let base: String = (0..6).map(|i| format!("base {i}\n")).collect();
    f.write("shared.txt", &base);
    f.commit_all("base");
    f.git(&["checkout", "-q", "-b", "side"]);
    f.write("side.txt", format!("{side}\n"));
    f.write("shared.txt", format!("{side}\n{base}"));
    let side_commit = f.commit_all("side work");
    f.git(&["checkout", "-q", "main"]);
    f.write("main.txt", format!("{main_s}\n"));
    f.commit_all("main work");
    let out = f.git_at_next_tick(&["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
    assert!(out.status.success());
    let clean_merge = f.head();

    let run = f.hamburglar(&["history"]);
    let secrets = run.secrets();
    assert_eq!(
        secrets[&side],
        vec![
            (side_commit.clone(), "shared.txt".into()),
            (side_commit.clone(), "side.txt".into())
        ]
    );
    assert!(run
        .findings
        .iter()
        .all(|h| h["commit"]["id"] != clean_merge));

    // An evil merge: the merge commit itself adds a line.
    f.git(&["checkout", "-q", "-b", "side2", "HEAD~1"]);
    f.write("side2.txt", "harmless\n");
    f.commit_all("side2");
    f.git(&["checkout", "-q", "main"]);
    let out = f.git_at_next_tick(&["merge", "-q", "--no-ff", "--no-commit", "side2"]);
    assert!(out.status.success());
    f.write("shared.txt", format!("{side}\n{base}{evil}\n"));
    f.git(&["add", "shared.txt"]);
    let evil_merge = f.commit("evil merge");

    let run = f.hamburglar(&["history"]);
    let secrets = run.secrets();
    assert_eq!(
        secrets[&evil],
        vec![(evil_merge.clone(), "shared.txt".into())]
    );
    assert_eq!(
        secrets[&side].len(),
        2,
        "side secret not repeated at merges: {secrets:#?}"
    );

    let fp = f.hamburglar(&["history", "--first-parent"]);
    let secrets = fp.secrets();
    assert_eq!(
        secrets[&evil],
        vec![(evil_merge.clone(), "shared.txt".into())]
    );
    assert_eq!(
        secrets[&side],
        vec![
            (clean_merge.clone(), "shared.txt".into()),
            (clean_merge, "side.txt".into())
        ]
    );
    assert!(fp.findings.iter().all(|h| h["commit"]["id"] != side_commit));
}

/// A renamed and edited file reports only the edit at the rename.
#[test]
fn rename_with_edit_reports_only_the_edit() {
    let f = Fixture::new();
    let (old, new) = (github_token(41), github_token(42));
    let body: String = (0..10).map(|i| format!("setting_{i} = {i}\n")).collect();
    f.write("conf/old.ini", format!("{body}key {old}\n"));
    let c1 = f.commit_all("add");
    f.git(&["mv", "conf/old.ini", "conf/new.ini"]);
    f.write("conf/new.ini", format!("{body}key {old}\nkey2 {new}\n"));
    let c2 = f.commit_all("rename and edit");
    assert!(f
        .git(&["show", "--stat", "-M", "--format=", "HEAD"])
        .contains("=>"));

    let run = f.hamburglar(&["history"]);
    let secrets = run.secrets();
    assert_eq!(secrets[&old], vec![(c1, "conf/old.ini".into())]);
    assert_eq!(secrets[&new], vec![(c2, "conf/new.ini".into())]);
}

/// A secret added then removed is still found in history (while the
/// working tree is clean); the same blob introduced again is scanned
/// once and reported at each commit that adds it back.
#[test]
fn added_then_removed_and_blobs_scanned_once() {
    let f = Fixture::new();
    let secret = aws_key(51);
    f.write("deploy.sh", "echo deploy\n");
    f.commit_all("script");
    f.write("deploy.sh", format!("echo deploy\nexport KEY={secret}\n"));
    let added = f.commit_all("oops");
    f.write("deploy.sh", "echo deploy\n");
    f.commit_all("remove key");
    f.write("deploy.sh", format!("echo deploy\nexport KEY={secret}\n"));
    let again = f.commit_all("revert the removal");
    f.write("deploy.sh", "echo deploy\n");
    f.commit_all("remove again");

    let scan = fixture::hamburglar_cmd()
        .current_dir(f.path())
        .args(["scan", ".", "--format", "ndjson", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(0), "the working tree is clean");

    let doc = f.hamburglar_json(&["history"]);
    let commits: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["secret"] == secret)
        .map(|h| h["commit"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(commits, BTreeSet::from([added.as_str(), again.as_str()]));
    assert_eq!(doc["stats"]["commits"], 5);
    // Five items (one per commit) of two distinct blobs: three reuses.
    assert_eq!(doc["stats"]["reused"], 3, "{}", doc["stats"]);
}

/// A symbolic link's blob is its target text: scanned (never followed),
/// and reported at the commit that set the target.
#[test]
fn symlink_targets_are_scanned_as_text() {
    let f = Fixture::new();
    f.write("README", "hi\n");
    f.commit_all("base");
    std::os::unix::fs::symlink(github_token(65), f.path().join("link")).unwrap();
    f.commit_all("a link named like a token");
    f.write("README", "hello\n");
    f.commit_all("unrelated");

    let doc = f.hamburglar_json(&["history"]);
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "link");
    assert_eq!(findings[0]["secret"], github_token(65));
    assert_eq!(
        findings[0]["commit"]["message"],
        "a link named like a token"
    );
}

/// Binary blobs, submodules and LFS pointers are skipped and counted.
#[test]
fn binary_submodule_and_lfs_are_skipped() {
    let sub = Fixture::new();
    sub.write("lib.txt", format!("{}\n", github_token(61)));
    sub.commit_all("sub");

    let f = Fixture::new();
    f.write("README", "hi\n");
    f.commit_all("base");
    let mut binary = b"\x00\x01\x02 binary ".to_vec();
    binary.extend_from_slice(github_token(62).as_bytes());
    f.write("blob.dat", binary);
    f.write("model.bin", lfs_pointer(63));
    f.write(
        ".gitattributes",
        "*.bin filter=lfs diff=lfs merge=lfs -text\n",
    );
    f.commit_all("assets");
    f.git(&[
        "submodule",
        "add",
        "-q",
        sub.path().to_str().unwrap(),
        "vendor/sub",
    ]);
    f.commit_all("submodule");
    f.write("plain.txt", format!("{}\n", aws_key(64)));
    f.commit_all("plain");

    let doc = f.hamburglar_json(&["history"]);
    let secrets: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["secret"].as_str().unwrap())
        .collect();
    assert_eq!(secrets, BTreeSet::from([aws_key(64).as_str()]));
    let skipped = &doc["stats"]["skipped_by_reason"];
    for reason in ["binary", "submodule", "lfs pointer"] {
        assert_eq!(skipped[reason], 1, "skip reason {reason:?} in {skipped}");
    }
}

/// A shallow clone: the boundary commit's files count as added and are
/// marked; nothing fails. `--since` a tag whose commit was not fetched
/// still bounds the walk.
#[test]
fn shallow_clone_marks_the_boundary() {
    let f = Fixture::new();
    let secret = |i: u64| github_token(70 + i);
    f.write("a.txt", format!("{}\n", secret(1)));
    f.commit_all("one");
    f.write("a.txt", format!("{}\n{}\n", secret(1), secret(2)));
    f.commit_all("two");
    f.write(
        "a.txt",
        format!("{}\n{}\n{}\n", secret(1), secret(2), secret(3)),
    );
    let c3 = f.commit_all("three");
    f.write("b.txt", format!("{}\n", secret(4)));
    let c4 = f.commit_all("four");

    let clone = f.scratch("shallow");
    let url = format!("file://{}", f.path().display());
    git_in(
        &f.scratch(""),
        &["clone", "-q", "--depth", "2", &url, clone.to_str().unwrap()],
    );
    let run = fixture::Run::from(
        fixture::hamburglar_cmd()
            .current_dir(&clone)
            .args([
                "history",
                "--format",
                "ndjson",
                "--no-progress",
                "--show-secrets",
            ])
            .output()
            .unwrap(),
    );
    run.expect_code(1);
    let secrets = run.secrets();
    for i in 1..=3 {
        assert_eq!(secrets[&secret(i)], vec![(c3.clone(), "a.txt".into())]);
        assert_eq!(run.of(&secret(i))[0]["shallow_boundary"], true);
    }
    assert_eq!(secrets[&secret(4)], vec![(c4.clone(), "b.txt".into())]);
    assert!(run.of(&secret(4))[0].get("shallow_boundary").is_none());
    assert!(run.stderr.contains("0 error(s)"), "{}", run.stderr);
}

/// A blobless partial clone: missing blobs are skipped and counted.
#[test]
fn partial_clone_skips_missing_blobs() {
    let f = Fixture::new();
    f.git(&["config", "uploadpack.allowFilter", "true"]);
    f.write("a.txt", format!("{}\n", github_token(81)));
    f.commit_all("one");
    f.write("b.txt", format!("{}\n", github_token(82)));
    f.commit_all("two");

    let clone = f.scratch("partial");
    let url = format!("file://{}", f.path().display());
    let args = ["clone", "-q", "--no-checkout", "--filter=blob:none", &url];
    git_in(
        &f.scratch(""),
        &[&args[..], &[clone.to_str().unwrap()]].concat(),
    );
    let out = fixture::hamburglar_cmd()
        .current_dir(&clone)
        .args(["history", "--format", "json", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["stats"]["skipped_by_reason"]["missing blob (partial clone)"],
        2
    );
    assert_eq!(doc["stats"]["errors"], 0);
}

/// An unborn HEAD has no history: a clean, empty run.
#[test]
fn unborn_head_has_no_history() {
    let f = Fixture::new();
    f.write("a.txt", format!("{}\n", github_token(91)));
    f.git(&["add", "a.txt"]);
    let run = f.hamburglar(&["history"]);
    run.expect_code(0);
    assert!(run.findings.is_empty());
}

/// A non-UTF-8 file name in history is reported (lossily).
#[test]
fn non_utf8_file_name_in_history() {
    use std::os::unix::ffi::OsStrExt;
    let f = Fixture::new();
    let name = std::ffi::OsStr::from_bytes(b"na\xefve.cfg");
    std::fs::write(f.path().join(name), format!("{}\n", github_token(92))).unwrap();
    let c = f.commit_all("latin-1 name");
    let run = f.hamburglar(&["history"]);
    run.expect_code(1);
    assert_eq!(run.findings[0]["path"], "na\u{FFFD}ve.cfg");
    assert_eq!(run.findings[0]["commit"]["id"], c);
}

/// A multi-line key added in one commit is reported there; later edits
/// around it do not report it again.
#[test]
fn pem_key_attributed_once() {
    let f = Fixture::new();
    f.write("keys/id_rsa", format!("# key\n{}", pem_key(93)));
    let c1 = f.commit_all("key");
    f.write("keys/id_rsa", format!("# the key\n{}# end\n", pem_key(93)));
    f.commit_all("comments");
    let run = f.hamburglar(&["history"]);
    let pem: Vec<_> = run
        .findings
        .iter()
        .filter(|h| h["rule"] == "pem-private-key")
        .collect();
    assert_eq!(pem.len(), 1);
    assert_eq!(pem[0]["commit"]["id"], c1);
}

// ---------------------------------------------------------------------
// The oracle: what hamburglar attributes equals what `git log -p` shows.
// ---------------------------------------------------------------------

/// One (commit, path, added line) triple.
type Added = BTreeSet<(String, String, String)>;

/// The model of a fixture's files while the oracle repository is built.
struct Model {
    rng: Rng,
    seed: u64,
    serial: u64,
    next_file: usize,
}

impl Model {
    /// A new unique token line.
    fn token(&mut self) -> String {
        self.serial += 1;
        github_token(self.seed * 1_000_000 + self.serial)
    }

    /// Makes one random change to `files` and writes them all out.
    fn edit(&mut self, f: &Fixture, files: &mut BTreeMap<String, Vec<String>>, prefix: &str) {
        let op = self.rng.below(10);
        if files.is_empty() || op < 3 {
            self.next_file += 1;
            let name = format!(
                "{prefix}dir{}/file{}.txt",
                self.next_file % 3,
                self.next_file
            );
            let lines = (0..1 + self.rng.below(6)).map(|_| self.token()).collect();
            files.insert(name, lines);
        } else {
            let names: Vec<String> = files.keys().cloned().collect();
            let name = names[self.rng.below(names.len())].clone();
            match op {
                3..=6 => {
                    let mut lines = files.remove(&name).unwrap();
                    for _ in 0..1 + self.rng.below(3) {
                        let at = self.rng.below(lines.len() + 1);
                        lines.insert(at, self.token());
                    }
                    if lines.len() > 2 && self.rng.below(2) == 0 {
                        lines.remove(self.rng.below(lines.len()));
                    }
                    if lines.len() > 3 && self.rng.below(3) == 0 {
                        // Move a line: a diff may call either end "added".
                        let l = lines.remove(self.rng.below(lines.len()));
                        let at = self.rng.below(lines.len() + 1);
                        lines.insert(at, l);
                    }
                    files.insert(name, lines);
                }
                7 if files[&name].len() >= 6 => {
                    // Rename with a small edit (similarity stays high).
                    let mut lines = files.remove(&name).unwrap();
                    lines.push(self.token());
                    self.next_file += 1;
                    std::fs::remove_file(f.path().join(&name)).unwrap();
                    files.insert(format!("{prefix}moved/file{}.txt", self.next_file), lines);
                }
                8 => {
                    files.remove(&name);
                    std::fs::remove_file(f.path().join(&name)).unwrap();
                }
                _ => {
                    let lines = files.get_mut(&name).unwrap();
                    let at = self.rng.below(lines.len());
                    lines[at] = self.token();
                }
            }
        }
        for (name, lines) in files.iter() {
            f.write(
                name,
                lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
            );
        }
    }
}

/// Builds a repository of many commits where every line is a unique
/// token, with edits, moves, deletions, renames, side branches and
/// (sometimes evil) merges.
fn oracle_repo(seed: u64) -> Fixture {
    let f = Fixture::new();
    let mut model = Model {
        rng: Rng::new(seed),
        seed,
        serial: 0,
        next_file: 0,
    };
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for round in 0..12 {
        for _ in 0..5 {
            model.edit(&f, &mut files, "");
            f.commit_all("main work");
        }
        if round % 2 == 1 {
            continue;
        }
        // A side branch, working on its own files and on shared ones.
        let branch = format!("side{round}");
        f.git(&["checkout", "-q", "-b", &branch]);
        let mut side_files = files.clone();
        for _ in 0..3 {
            model.edit(&f, &mut side_files, &format!("{branch}/"));
            f.commit_all("side work");
        }
        f.git(&["checkout", "-q", "main"]);
        model.edit(&f, &mut files, "");
        f.commit_all("main meanwhile");
        let merge = [
            "merge",
            "-q",
            "--no-ff",
            "--no-commit",
            "-X",
            "ours",
            &branch,
        ];
        if !f.git_at_next_tick(&merge).status.success() {
            // A conflict `-X ours` cannot settle (a rename against a
            // deletion): keep what the merge left in the working tree.
            f.git(&["add", "-A"]);
        }
        if round % 4 == 0 {
            // Evil: the merge adds a line of its own.
            let name = f.git(&["ls-files"]).lines().next().unwrap().to_string();
            let text = format!("{}{}\n", f.read(&name), model.token());
            f.write(&name, text);
            f.git(&["add", &name]);
        }
        f.commit(&format!("merge {branch}"));
        // Resync the model with what the merge produced.
        files.clear();
        for name in f.git(&["ls-files"]).lines() {
            let lines = f.read(name).lines().map(str::to_string).collect();
            files.insert(name.to_string(), lines);
        }
    }
    f
}

/// The added lines `git log -p -U0` reports: `--first-parent` diffs each
/// commit (merges too) against its first parent; otherwise merges are
/// read from the combined diff (`-c`), where a line is added only if it
/// is new relative to every parent (all its columns are `+`).
fn git_log_added(f: &Fixture, first_parent: bool) -> Added {
    let mut args = vec![
        "log",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--format=COMMIT %H",
    ];
    if first_parent {
        args.push("--first-parent");
    } else {
        args.push("-c");
    }
    let log = f.git(&args);
    let mut out = Added::new();
    let (mut commit, mut path, mut columns) = (String::new(), String::new(), 1usize);
    let mut in_hunk = false;
    for line in log.lines() {
        if let Some(id) = line.strip_prefix("COMMIT ") {
            commit = id.to_string();
            in_hunk = false;
        } else if line.starts_with("diff --git ") {
            columns = 1;
            in_hunk = false;
        } else if line.starts_with("diff --combined ") || line.starts_with("diff --cc ") {
            columns = 0;
            in_hunk = false;
        } else if let Some(p) = line.strip_prefix("+++ ") {
            path = p.strip_prefix("b/").unwrap_or(p).to_string();
        } else if line.starts_with("@@") {
            in_hunk = true;
            if columns == 0 {
                columns = line.chars().take_while(|&c| c == '@').count() - 1;
            }
        } else if in_hunk && line.len() > columns && line[..columns].bytes().all(|b| b == b'+') {
            out.insert((commit.clone(), path.clone(), line[columns..].to_string()));
        }
    }
    out
}

/// The (commit, path, line) triples hamburglar reports.
fn hamburglar_added(f: &Fixture, first_parent: bool) -> Added {
    let mut args = vec!["history"];
    if first_parent {
        args.push("--first-parent");
    }
    let run = f.hamburglar(&args);
    assert!(run.code <= 1, "{}", run.stderr);
    // Each line is one token; other rules may match it too.
    run.findings
        .iter()
        .filter(|h| h["rule"] == "github-pat-classic")
        .map(|h| {
            (
                h["commit"]["id"].as_str().unwrap().to_string(),
                h["path"].as_str().unwrap().to_string(),
                h["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Compares two attributions, printing the differences.
fn assert_same(ours: &Added, git: &Added) {
    let missing: Vec<_> = git.difference(ours).collect();
    let extra: Vec<_> = ours.difference(git).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} lines attributed by git, {} by hamburglar\nmissing: {missing:#?}\nextra: {extra:#?}",
        git.len(),
        ours.len()
    );
}

#[test]
fn oracle_first_parent_matches_git_log() {
    let f = oracle_repo(7);
    let git = git_log_added(&f, true);
    assert!(
        git.len() > 100,
        "the fixture is big enough: {} lines",
        git.len()
    );
    assert_same(&hamburglar_added(&f, true), &git);
}

#[test]
fn oracle_all_parents_matches_git_log_combined() {
    let f = oracle_repo(11);
    let git = git_log_added(&f, false);
    assert!(
        git.len() > 100,
        "the fixture is big enough: {} lines",
        git.len()
    );
    let merges = f.git(&["rev-list", "--merges", "HEAD"]).lines().count();
    assert!(merges >= 4, "the fixture has merges: {merges}");
    assert_same(&hamburglar_added(&f, false), &git);
}

// ---------------------------------------------------------------------
// leaky-repo: history finds what scan finds, at the introducing commit.
// ---------------------------------------------------------------------

/// The text of `path` at `rev`, empty when it has no such file.
fn file_at(repo: &std::path::Path, rev: &str, path: &str) -> String {
    let out = fixture::git_cmd(repo)
        .args(["show", &format!("{rev}:{path}")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn leaky_repo_history_reports_every_secret_scan_finds() {
    let dir = common::clone_leaky_repo();
    let repo = dir.path().join("repo");
    let run_in = |args: &[&str]| {
        fixture::Run::from(
            fixture::hamburglar_cmd()
                .current_dir(&repo)
                .args(args)
                .args(["--format", "ndjson", "--no-progress", "--show-secrets"])
                .output()
                .unwrap(),
        )
    };
    let scan = run_in(&["scan", "."]);
    let history = run_in(&["history"]);
    scan.expect_code(1);
    history.expect_code(1);
    eprintln!(
        "leaky-repo: {} scan findings, {} history findings",
        scan.findings.len(),
        history.findings.len()
    );
    let order: BTreeMap<String, usize> = git_in(&repo, &["rev-list", "--topo-order", "HEAD"])
        .lines()
        .rev()
        .enumerate()
        .map(|(i, id)| (id.to_string(), i))
        .collect();

    // Every history finding touches a line its commit adds: one of its
    // lines is in none of the parents' versions of the file.
    for h in &history.findings {
        let (commit, path) = (
            h["commit"]["id"].as_str().unwrap(),
            h["path"].as_str().unwrap(),
        );
        let now = file_at(&repo, commit, path);
        let (first, last) = (h["line"].as_u64().unwrap(), h["end_line"].as_u64().unwrap());
        let span: Vec<&str> = now
            .lines()
            .skip(first as usize - 1)
            .take((last - first + 1) as usize)
            .collect();
        let secret_start = h["secret"].as_str().unwrap().lines().next().unwrap();
        // A user name and password pair is reported as `user:password`.
        let first_part = secret_start.split(':').next().unwrap();
        assert!(
            span.iter()
                .any(|l| l.contains(secret_start) || l.contains(first_part)),
            "{commit}:{path}:{first}"
        );
        let parents = git_in(&repo, &["rev-list", "--parents", "-n1", commit]);
        for parent in parents.split(' ').skip(1) {
            let before = file_at(&repo, parent, path);
            let new = span.iter().any(|l| !before.lines().any(|b| b == *l));
            assert!(new, "{commit} added no line of {path}:{first}-{last}");
        }
    }

    // Every secret scan finds is in history, under the path it was
    // introduced at (a file renamed since is followed back); its earliest
    // report is at a commit whose parents did not have the secret.
    for f in &scan.findings {
        let (rule, path, secret) = (
            f["rule"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["secret"].as_str().unwrap(),
        );
        let lineage = git_in(
            &repo,
            &["log", "--follow", "--name-only", "--format=", "--", path],
        );
        let earliest = history
            .findings
            .iter()
            // The secret, whichever rule found it: where matches of two
            // rules overlap one wins, and that can depend on the lines
            // around it, which differ between versions of the file.
            // A password may also be reported with its user name, as a
            // `user:password` pair, where the lines around it allow.
            .filter(|h| {
                let found = h["secret"].as_str().unwrap();
                found == secret || found.ends_with(&format!(":{secret}"))
            })
            .filter(|h| lineage.lines().any(|p| h["path"] == p))
            .min_by_key(|h| order[h["commit"]["id"].as_str().unwrap()]);
        let Some(h) = earliest else {
            panic!("found by scan, not by history: {rule} {path} {secret}");
        };
        let commit = h["commit"]["id"].as_str().unwrap();
        let first_line = secret.lines().next().unwrap();
        let parents = git_in(&repo, &["rev-list", "--parents", "-n1", commit]);
        for parent in parents.split(' ').skip(1) {
            for former in lineage.lines() {
                let before = file_at(&repo, parent, former);
                assert!(
                    !before.contains(first_line),
                    "{secret} was in {parent}:{former} before {commit}"
                );
            }
        }
    }
    assert!(history.stderr.contains("commits"), "{}", history.stderr);
}
