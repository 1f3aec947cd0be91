//! `hamburglar staged`: the index against HEAD, on fixture repositories
//! built with the real `git`.

mod common;
#[path = "common/git.rs"]
mod fixture;

use std::os::unix::ffi::OsStrExt;

use fixture::{aws_key, github_token, hamburglar_cmd, lfs_pointer, pem_key, Fixture};

/// Only lines the staging adds are reported; `--all-lines` reports every
/// finding of the staged blob; provenance names the staged blob.
#[test]
fn reports_only_lines_added_relative_to_head() {
    let f = Fixture::new();
    let (old, new) = (github_token(1), aws_key(2));
    f.write("config.txt", format!("name = demo\nold {old}\nport = 80\n"));
    f.commit_all("base");
    f.write(
        "config.txt",
        format!("name = demo\nold {old}\nport = 80\nid {new}\n"),
    );
    f.git(&["add", "config.txt"]);

    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    assert_eq!(run.secrets().keys().collect::<Vec<_>>(), vec![&new]);
    let hit = run.of(&new)[0];
    assert_eq!(hit["source"], "staged");
    assert_eq!(hit["path"], "config.txt");
    assert_eq!(hit["line"], 4);
    assert_eq!(hit["column"], 4);
    assert_eq!(hit["blob"], f.blob("", "config.txt"));
    assert!(hit.get("commit").is_none());

    let all = f.hamburglar(&["staged", "--all-lines"]);
    all.expect_code(1);
    assert!(all.secrets().contains_key(&old) && all.secrets().contains_key(&new));

    // Nothing staged: nothing to report.
    f.commit("second");
    f.hamburglar(&["staged"]).expect_code(0);
}

/// The staged content is scanned, not the working file.
#[test]
fn scans_the_index_not_the_working_tree() {
    let f = Fixture::new();
    f.write("app.env", "A=1\n");
    f.commit_all("base");

    let secret = github_token(3);
    f.write("app.env", format!("A=1\nB {secret}\n"));
    f.git(&["add", "app.env"]);
    f.write("app.env", "A=1\n");
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    assert!(
        run.secrets().contains_key(&secret),
        "staged secret missed: {:?}",
        run.findings
    );

    // The reverse: clean content staged, a secret only in the working file.
    f.git(&["add", "app.env"]);
    f.write("app.env", format!("A=1\nB {secret}\n"));
    let run = f.hamburglar(&["staged"]);
    run.expect_code(0);
    assert!(run.findings.is_empty());
}

/// An unborn HEAD counts as the empty tree: the first commit is checked.
#[test]
fn first_commit_on_unborn_head() {
    let f = Fixture::new();
    let secret = aws_key(4);
    f.write("src/main.rs", format!("fn main() {{}}\n// {secret}\n"));
    f.git(&["add", "."]);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    let hit = run.of(&secret)[0];
    assert_eq!(hit["path"], "src/main.rs");
    assert_eq!(hit["line"], 2);
}

/// Multi-line rules see the whole staged blob; a PEM key already in HEAD
/// is not reported for an unrelated added line, and is when a line of its
/// own changes.
#[test]
fn multi_line_key_is_scoped_by_the_lines_it_spans() {
    let f = Fixture::new();
    let key = pem_key(5);
    f.write("id_rsa", format!("# deploy key\n{key}"));
    f.commit_all("key");

    f.write("id_rsa", format!("# deploy key\n{key}# comment\n"));
    f.git(&["add", "id_rsa"]);
    f.hamburglar(&["staged", "--all-lines"]).expect_code(1);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(0);

    let edited = key.replacen("MIIEowIBAAKCAQEA", "MIIEowIBAAKCAQEB", 1);
    f.write("id_rsa", format!("# deploy key\n{edited}"));
    f.git(&["add", "id_rsa"]);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    // The finding spans the key (its BEGIN line is 2, its END line 11)
    // and so covers line 3, the one that changed.
    let pem: Vec<_> = run
        .findings
        .iter()
        .filter(|h| h["rule"] == "pem-private-key")
        .collect();
    assert_eq!(pem.len(), 1, "{:?}", run.findings);
    let (first, last) = (
        pem[0]["line"].as_u64().unwrap(),
        pem[0]["end_line"].as_u64().unwrap(),
    );
    assert!(
        (2..=3).contains(&first) && (10..=11).contains(&last),
        "{first}..{last}"
    );
}

/// `git mv` with an edit reports only the edit; a pure `git mv` nothing.
#[test]
fn renames_do_not_re_report_old_lines() {
    let f = Fixture::new();
    let (old, new) = (github_token(6), github_token(7));
    let body: String = (0..8).map(|i| format!("line {i}\n")).collect();
    f.write("a.cfg", format!("{body}{old}\n"));
    f.commit_all("base");

    f.git(&["mv", "a.cfg", "b.cfg"]);
    f.hamburglar(&["staged"]).expect_code(0);

    f.write("b.cfg", format!("{body}{old}\n{new}\n"));
    f.git(&["add", "b.cfg"]);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    assert_eq!(run.secrets().keys().collect::<Vec<_>>(), vec![&new]);
}

/// Submodules, intent-to-add entries, LFS pointers and binary blobs are
/// skipped and counted with a reason; a plain file next to them is
/// scanned, and so is a symbolic link's target text.
#[test]
fn skips_what_it_cannot_scan_and_counts_why() {
    let sub = Fixture::new();
    sub.write("lib.txt", format!("{}\n", github_token(8)));
    sub.commit_all("sub");

    let f = Fixture::new();
    f.write("README", "hi\n");
    f.commit_all("base");
    f.git(&[
        "submodule",
        "add",
        "-q",
        sub.path().to_str().unwrap(),
        "vendor/sub",
    ]);
    std::os::unix::fs::symlink(github_token(9), f.path().join("link")).unwrap();
    f.write("model.bin", lfs_pointer(10));
    f.write(
        ".gitattributes",
        "*.bin filter=lfs diff=lfs merge=lfs -text\n",
    );
    let mut binary = b"\x00\x01\x02 binary ".to_vec();
    binary.extend_from_slice(github_token(11).as_bytes());
    f.write("blob.dat", binary);
    f.write("plain.txt", format!("{}\n", aws_key(12)));
    f.git(&[
        "add",
        "link",
        "model.bin",
        ".gitattributes",
        "blob.dat",
        "plain.txt",
    ]);
    f.write("later.txt", format!("{}\n", github_token(13)));
    f.git(&["add", "-N", "later.txt"]);

    let doc = f.hamburglar_json(&["staged"]);
    let secrets: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["secret"].as_str().unwrap())
        .collect();
    // plain.txt, and the link's target text (never followed).
    let mut secrets = secrets;
    secrets.sort_unstable();
    let mut expected = vec![aws_key(12), github_token(9)];
    expected.sort_unstable();
    assert_eq!(
        secrets, expected,
        "plain.txt and the link target are scanned"
    );
    let skipped = &doc["stats"]["skipped_by_reason"];
    assert!(skipped.get("symlink").is_none(), "{skipped}");
    for reason in ["submodule", "intent-to-add", "lfs pointer", "binary"] {
        assert_eq!(skipped[reason], 1, "skip reason {reason:?} in {skipped}");
    }
}

/// A conflicted path is skipped (once, not per stage) and counted.
#[test]
fn conflicted_entries_are_skipped() {
    let f = Fixture::new();
    f.write("x.txt", "base\n");
    f.commit_all("base");
    f.git(&["checkout", "-q", "-b", "side"]);
    f.write("x.txt", format!("{}\n", github_token(14)));
    f.commit_all("side");
    f.git(&["checkout", "-q", "main"]);
    f.write("x.txt", format!("{}\n", github_token(15)));
    f.commit_all("main");
    let merge = f.git_at_next_tick(&["merge", "-q", "side"]);
    assert!(!merge.status.success(), "the merge must conflict");

    let doc = f.hamburglar_json(&["staged"]);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["stats"]["skipped_by_reason"]["conflicted"], 1);
}

/// A non-UTF-8 file name is reported (lossily) rather than failing.
#[test]
fn non_utf8_file_name() {
    let f = Fixture::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    let secret = github_token(16);
    std::fs::write(f.path().join(name), format!("{secret}\n")).unwrap();
    f.git(&["add", "."]);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    assert_eq!(run.of(&secret)[0]["path"], "caf\u{FFFD}.txt");
}

/// `GIT_INDEX_FILE` is honoured: the temporary index of `git commit -a`
/// and `git commit PATH`, seen by a real pre-commit hook (hooks/pre-commit
/// of this repository), blocks the commit.
#[test]
fn hook_sees_the_temporary_index_of_commit_a_and_commit_path() {
    let f = Fixture::new();
    f.write("a.txt", "one\n");
    f.write("b.txt", "two\n");
    f.commit_all("base");
    let hook = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit");
    let hooks = f.path().join(".git/hooks");
    std::fs::copy(&hook, hooks.join("pre-commit")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("hamburglar");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );

    // Nothing is staged in the real index: only the temporary one has it.
    let secret = github_token(17);
    f.write("a.txt", format!("one\n{secret}\n"));
    for args in [
        vec!["commit", "-a", "-m", "leak"],
        vec!["commit", "-m", "leak", "a.txt"],
    ] {
        let out = fixture::git_cmd(&f.path())
            .env("PATH", &path)
            .args(&args)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "{args:?} must be blocked by the hook"
        );
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("github-pat-classic"), "{args:?}: {said}");
        assert_eq!(f.head(), f.git(&["rev-parse", "main"]));
        assert_eq!(f.git(&["log", "--format=%s"]), "base");
    }
    // Without the hook's index, the real index has nothing staged.
    f.hamburglar(&["staged"]).expect_code(0);
    // With it, the same staged change is found.
    let tmp = f.scratch("tmp-index");
    std::fs::copy(f.path().join(".git/index"), &tmp).unwrap();
    let out = fixture::git_cmd(&f.path())
        .env("GIT_INDEX_FILE", &tmp)
        .args(["add", "a.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let run = f.hamburglar_with(&["staged"], &[("GIT_INDEX_FILE", tmp.to_str().unwrap())]);
    run.expect_code(1);
    assert!(run.secrets().contains_key(&secret));

    // A clean change commits through the hook.
    f.write("a.txt", "one\nfine\n");
    let out = fixture::git_cmd(&f.path())
        .env("PATH", &path)
        .args(["commit", "-a", "-m", "clean"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `-C DIR` scans another repository; a folder outside any repository is
/// an error (exit 2), not a clean run.
#[test]
fn repo_option_and_missing_repository() {
    let f = Fixture::new();
    let secret = aws_key(18);
    f.write("k.txt", format!("{secret}\n"));
    f.git(&["add", "k.txt"]);
    let out = hamburglar_cmd()
        .current_dir(std::env::temp_dir())
        .args(["staged", "--format", "ndjson", "--no-progress", "-C"])
        .arg(f.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let empty = tempfile::tempdir().unwrap();
    let out = hamburglar_cmd()
        .current_dir(empty.path())
        .env("GIT_CEILING_DIRECTORIES", empty.path().parent().unwrap())
        .args(["staged", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository of 5,000 files with one staged file: exactly its finding
/// (the timing is measured outside the tests; see the issue note).
#[test]
fn five_thousand_files_one_staged() {
    let f = Fixture::new();
    for i in 0..5000 {
        f.write(&format!("d{}/f{i}.txt", i % 50), format!("file {i}\n"));
    }
    f.commit_all("many");
    let secret = github_token(19);
    f.write("d7/f4207.txt", format!("file 4207\n{secret}\n"));
    f.git(&["add", "d7/f4207.txt"]);
    let run = f.hamburglar(&["staged"]);
    run.expect_code(1);
    assert_eq!(run.secrets().len(), 1);
    assert_eq!(run.of(&secret)[0]["path"], "d7/f4207.txt");
}
