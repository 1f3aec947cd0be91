//! Nothing a scanned repository configures is ever executed.
//!
//! A fixture repository sets every configurable command git knows of
//! (fsmonitor, pager, external diff, clean/smudge/process filters,
//! textconv, hooks, editors, helpers) to a script that leaves a marker
//! file. The test first proves the markers work by letting real `git`
//! trip several of them, then clears them, runs `hamburglar staged` and
//! `hamburglar history` (which must still find the planted secrets), and
//! checks that no marker appeared.

mod common;
#[path = "common/git.rs"]
mod fixture;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use fixture::{aws_key, git_cmd, github_token, Fixture};

/// Writes an executable script that touches `markers/NAME-$0` and passes
/// stdin through (so filters still work under git).
fn marker_script(path: &Path, markers: &Path, name: &str) {
    let body = format!(
        "#!/bin/sh\ntouch '{}/{name}'\ncat 2>/dev/null\nexit 0\n",
        markers.display()
    );
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The marker files present.
fn markers_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn nothing_the_repository_configures_is_executed() {
    let f = Fixture::new();
    let markers = f.scratch("markers");
    let bin = f.scratch("bin");
    let hooks = f.scratch("hooks");
    for d in [&markers, &bin, &hooks] {
        std::fs::create_dir_all(d).unwrap();
    }
    let script = |name: &str| {
        let path = bin.join(name);
        marker_script(&path, &markers, name);
        path.display().to_string()
    };
    let settings = [
        ("core.fsmonitor", script("fsmonitor")),
        ("core.pager", script("pager")),
        ("pager.log", script("pager-log")),
        ("diff.external", script("diff-external")),
        ("filter.evil.clean", script("filter-clean")),
        ("filter.evil.smudge", script("filter-smudge")),
        ("filter.proc.process", script("filter-process")),
        ("diff.evil.textconv", script("textconv")),
        ("diff.evil.command", script("diff-command")),
        ("merge.evil.driver", script("merge-driver")),
        ("core.editor", script("editor")),
        ("sequence.editor", script("sequence-editor")),
        ("core.askPass", script("askpass")),
        ("core.sshCommand", script("ssh")),
        ("credential.helper", script("credential")),
        ("gpg.program", script("gpg")),
        ("core.alternateRefsCommand", script("alternate-refs")),
        ("core.hooksPath", hooks.display().to_string()),
    ];
    for hook in [
        "pre-commit",
        "post-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "pre-push",
        "fsmonitor-watchman",
    ] {
        marker_script(&hooks.join(hook), &markers, &format!("hook-{hook}"));
    }
    for (key, value) in &settings {
        f.git(&["config", key, value]);
    }
    f.write(
        ".gitattributes",
        "*.txt filter=evil diff=evil merge=evil\n*.proc filter=proc\n",
    );

    let body: String = (0..12).map(|i| format!("line {i}\n")).collect();
    let (s1, s2, s3) = (github_token(201), aws_key(202), github_token(203));
    f.write("a.txt", format!("{body}{s1}\n"));
    f.write("b.proc", "plain\n");
    f.commit_all("one");
    f.git(&["mv", "a.txt", "renamed.txt"]);
    f.write("renamed.txt", format!("{body}{s1}\n{s2}\n"));
    f.commit_all("rename and edit");
    f.write("renamed.txt", format!("{body}{s1}\n{s2}\n{s3}\n"));
    f.git(&["add", "renamed.txt"]);

    // The markers work: git itself trips them.
    git_cmd(&f.path())
        .args(["status", "--short"])
        .output()
        .unwrap();
    git_cmd(&f.path())
        .args(["diff", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    git_cmd(&f.path())
        .args(["log", "-p", "--no-ext-diff", "-1"])
        .output()
        .unwrap();
    let tripped = markers_in(&markers);
    for expected in [
        "diff-command",
        "filter-clean",
        "filter-process",
        "fsmonitor",
        "hook-pre-commit",
        "textconv",
    ] {
        assert!(
            tripped.iter().any(|m| m == expected),
            "{expected} not in {tripped:?}"
        );
    }
    for m in &tripped {
        std::fs::remove_file(markers.join(m)).unwrap();
    }

    let staged = f.hamburglar(&["staged"]);
    staged.expect_code(1);
    assert_eq!(
        staged.secrets().into_keys().collect::<Vec<_>>(),
        vec![s3.clone()]
    );
    let history = f.hamburglar(&["history", "--all"]);
    history.expect_code(1);
    assert!(history.secrets().contains_key(&s1) && history.secrets().contains_key(&s2));
    let all = f.hamburglar(&["staged", "--all-lines"]);
    all.expect_code(1);

    assert_eq!(
        markers_in(&markers),
        Vec::<String>::new(),
        "hamburglar ran a configured command"
    );
}
