//! Errors and edge inputs through the real binary: unreadable roots,
//! pipes and devices named on the command line, rule-file mistakes, a
//! closed stdout, hostile file names, sizes and output paths.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::Path;

use common::{hamburglar, GITHUB_TOKEN};

/// A temp dir that every user may enter, so a test can run the binary as
/// `nobody` on files inside it.
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o755);
    dir
}

/// Sets the permission bits of `path`.
#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// The binary, run as a user that file permissions apply to.
///
/// Root reads every file whatever its mode, so as root the binary runs as
/// `nobody` through `runuser`. `None` (and a note on stderr) when that is
/// not possible here: the caller then skips its test.
#[cfg(unix)]
fn unprivileged() -> Option<assert_cmd::Command> {
    let bin = env!("CARGO_BIN_EXE_hamburglar");
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        let mut cmd = assert_cmd::Command::new(bin);
        cmd.env("NO_COLOR", "1");
        return Some(cmd);
    }
    let runs = std::process::Command::new("runuser")
        .args(["-u", "nobody", "--", bin, "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        eprintln!("skipped: running as root and `runuser -u nobody` is unavailable");
        return None;
    }
    let mut cmd = assert_cmd::Command::new("runuser");
    cmd.args(["-u", "nobody", "--", bin]).env("NO_COLOR", "1");
    Some(cmd)
}

/// Text with one secret the built-in rules find.
fn secret_text() -> String {
    format!("token = \"{GITHUB_TOKEN}\"\n")
}

/// Scanning `root` stops the run: exit 2, naming the path and the cause.
#[cfg(unix)]
fn assert_fatal_root(mut cmd: assert_cmd::Command, root: &std::path::Path) {
    let out = cmd
        .args(["scan", "--no-progress", "--format", "ndjson"])
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains(&*root.to_string_lossy()), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_root_is_fatal() {
    let Some(cmd) = unprivileged() else {
        return;
    };
    let dir = open_tempdir();
    let file = dir.path().join("secret.txt");
    fs::write(&file, secret_text()).unwrap();
    set_mode(&file, 0o000);

    assert_fatal_root(cmd, &file);
}

#[cfg(unix)]
#[test]
fn unlistable_folder_root_is_fatal() {
    let Some(cmd) = unprivileged() else {
        return;
    };
    let dir = open_tempdir();
    let sub = dir.path().join("locked");
    fs::create_dir(&sub).unwrap();
    fs::write(sub.join("a.txt"), secret_text()).unwrap();
    set_mode(&sub, 0o000);

    assert_fatal_root(cmd, &sub);
}

#[cfg(unix)]
#[test]
fn unreadable_file_inside_a_folder_is_counted_and_the_scan_goes_on() {
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let dir = open_tempdir();
    fs::write(dir.path().join("found.txt"), secret_text()).unwrap();
    let locked = dir.path().join("locked.txt");
    fs::write(&locked, secret_text()).unwrap();
    set_mode(&locked, 0o000);

    let out = cmd
        .args(["scan", "--no-progress", "--format", "ndjson"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.contains("locked.txt"), "{stderr}");
    assert!(stderr.contains("1 error(s)"), "{stderr}");
    let findings = common::ndjson(&out.stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "found.txt");
}

#[test]
fn missing_root_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let out = hamburglar()
        .args(["scan", "--no-progress"])
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains(&*missing.to_string_lossy()), "{stderr}");
}

/// Makes a FIFO at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[cfg(unix)]
#[test]
fn fifo_named_as_a_root_is_read_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    // Opening for writing waits for the scan to open the other end; the
    // thread is left behind if the scan never does.
    let writer_end = fifo.clone();
    std::thread::spawn(move || fs::write(writer_end, secret_text()));

    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "ndjson"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let findings = common::ndjson(&out.stdout);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["source"], "worktree");
    assert_eq!(findings[0]["path"], fifo.to_string_lossy().as_ref());
}

#[cfg(unix)]
#[test]
fn fifo_found_in_a_folder_is_skipped_unopened() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe"));
    fs::write(dir.path().join("found.txt"), secret_text()).unwrap();

    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "ndjson"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings = common::ndjson(&out.stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["path"], "found.txt");
}

#[cfg(unix)]
#[test]
fn device_named_as_a_root_is_skipped_with_a_warning() {
    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "ndjson", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.contains("/dev/zero"), "{stderr}");
    assert!(stderr.contains("character device"), "{stderr}");
    assert!(stderr.contains("1 skipped"), "{stderr}");
}

/// A gitleaks config as gitleaks writes it: `title`, `minVersion`, rules
/// in camelCase and without examples.
const GITLEAKS_CONFIG: &str = r#"
title = "gitleaks config"
minVersion = "v8.25.0"

[[rules]]
id = "acme-token"
description = "ACME token"
regex = '''acme_[a-z0-9]{16}'''
keywords = ["acme_"]

[[rules]]
id = "beta-secret"
description = "Beta secret"
regex = '''beta_([a-z0-9]{16})'''
secretGroup = 1
keywords = ["beta_"]
"#;

#[test]
fn rules_check_accepts_a_gitleaks_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".gitleaks.toml");
    fs::write(&config, GITLEAKS_CONFIG).unwrap();

    let out = hamburglar()
        .args(["rules", "check"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("2 rules checked, 0 failure(s)"), "{stdout}");
}

#[test]
fn rules_check_reports_a_gitleaks_rule_that_does_not_compile() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".gitleaks.toml");
    let broken = "\n[[rules]]\nid = \"broken\"\nregex = '''broken_(['''\n";
    fs::write(&config, format!("{GITLEAKS_CONFIG}{broken}")).unwrap();

    let out = hamburglar()
        .args(["rules", "check"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("broken"), "{stdout}");
    assert!(stdout.contains("3 rules checked, 1 failure(s)"), "{stdout}");
}

#[test]
fn rules_check_still_wants_examples_in_hamburglar_rule_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    let rule = "[[rules]]\nid = \"acme-key\"\ndescription = \"ACME\"\n\
                category = \"secret\"\nseverity = \"high\"\nconfidence = \"high\"\n\
                keywords = [\"acme_\"]\nregex = '''acme_[a-z0-9]{16}'''\n";
    fs::write(&file, rule).unwrap();

    let out = hamburglar()
        .args(["rules", "check"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("acme-key: has no examples"), "{stdout}");
}

/// Runs the binary with a stdout whose reader has already gone, as in
/// `hamburglar rules list | head -0`: every write fails with a broken pipe.
fn with_closed_stdout(args: &[&OsStr]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hamburglar"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdout(writer)
        .stderr(std::process::Stdio::piped());
    let out = cmd.output().unwrap();
    drop(cmd);
    out
}

#[test]
fn rules_list_into_a_closed_pipe_ends_quietly() {
    let out = with_closed_stdout(&["rules".as_ref(), "list".as_ref()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn rules_check_into_a_closed_pipe_ends_quietly() {
    // A rule file of the test's own, so the outcome does not depend on
    // the built-in catalogue.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".gitleaks.toml");
    fs::write(&config, GITLEAKS_CONFIG).unwrap();
    let out = with_closed_stdout(&["rules".as_ref(), "check".as_ref(), config.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A rule in hamburglar's format with this id (and examples, so that
/// `rules check` would pass it).
fn rule_toml(id: &str) -> String {
    format!(
        "[[rules]]\nid = \"{id}\"\ndescription = \"ACME key\"\ncategory = \"secret\"\n\
         severity = \"high\"\nconfidence = \"high\"\nkeywords = [\"acme_\"]\n\
         regex = '''acme_[a-z0-9]{{16}}'''\nexamples = [\"k = acme_0123456789abcdef\"]\n\n"
    )
}

#[test]
fn duplicate_rule_id_in_one_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    let twice = format!("{}{}", rule_toml("acme-key"), rule_toml("acme-key"));
    fs::write(&file, twice).unwrap();
    let target = dir.path().join("a.txt");
    fs::write(&target, "nothing\n").unwrap();

    let scan = [
        "scan".as_ref(),
        "--no-progress".as_ref(),
        target.as_os_str(),
    ];
    let list = ["rules".as_ref(), "list".as_ref()];
    for args in [&scan[..], &list[..]] {
        let out = hamburglar()
            .args(args)
            .arg("--rules")
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&*file.to_string_lossy()), "{stderr}");
        assert!(stderr.contains("\"acme-key\""), "{stderr}");
    }
}

#[test]
fn duplicate_rule_id_in_a_gitleaks_config_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".gitleaks.toml");
    let again = "\n[[rules]]\nid = \"acme-token\"\nregex = '''acme_x[0-9]{8}'''\n";
    fs::write(&config, format!("{GITLEAKS_CONFIG}{again}")).unwrap();

    let out = hamburglar()
        .args(["rules", "check"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"acme-token\""), "{stderr}");
}

#[test]
fn user_rule_may_replace_a_builtin_rule() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mine.toml");
    fs::write(&file, rule_toml("github-pat-classic")).unwrap();

    let out = hamburglar()
        .args(["rules", "list", "--rules"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let listed = stdout
        .lines()
        .filter(|l| l.starts_with("github-pat-classic "))
        .count();
    assert_eq!(listed, 1, "{stdout}");
}

#[test]
fn no_builtin_rules_and_no_other_rules_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), secret_text()).unwrap();

    let out = hamburglar()
        .args(["scan", "--no-progress", "--no-builtin-rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no rules to run"), "{stderr}");

    // With a rule file of its own the flag is fine.
    let file = dir.path().join("mine.toml");
    fs::write(&file, rule_toml("acme-key")).unwrap();
    let out = hamburglar()
        .args(["scan", "--no-progress", "--no-builtin-rules", "--rules"])
        .arg(&file)
        .arg(dir.path().join("a.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn human_output_escapes_control_characters_in_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let coloured = "\x1b[31mred\x1b[0m.txt";
    let split = "first\nsecond.txt";
    fs::write(dir.path().join(coloured), secret_text()).unwrap();
    fs::write(dir.path().join(split), secret_text()).unwrap();

    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "human"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let raw: Vec<char> = stdout
        .chars()
        .filter(|&c| c != '\n' && c.is_control())
        .collect();
    assert!(
        raw.is_empty(),
        "raw control characters {raw:?} in {stdout:?}"
    );
    assert!(stdout.contains("\\x1b[31mred\\x1b[0m.txt:1:"), "{stdout}");
    assert!(stdout.contains("first\\nsecond.txt:1:"), "{stdout}");
    assert!(
        !stdout.lines().any(|l| l.starts_with("second.txt")),
        "{stdout}"
    );
}

#[test]
fn human_output_escapes_control_characters_in_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("mine.toml");
    let rule = rule_toml("acme-key").replace("acme_[a-z0-9]{16}", r"acme_\S{16}");
    fs::write(&rules, rule).unwrap();
    let file = dir.path().join("a.txt");
    fs::write(&file, "k = acme_\x1b[31mabcdefghijk\n").unwrap();

    let out = hamburglar()
        .args([
            "scan",
            "--no-progress",
            "--format",
            "human",
            "--show-secrets",
        ])
        .args(["--no-builtin-rules", "--rules"])
        .arg(&rules)
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
    assert!(stdout.contains("acme_\\x1b[31mabcdefghijk"), "{stdout}");
}

#[test]
fn max_file_size_takes_binary_units_and_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    fs::write(&file, secret_text()).unwrap();

    for size in ["1.5MiB", "1KB", "1kib", "0.5K"] {
        let out = hamburglar()
            .args(["scan", "--no-progress", "--format", "ndjson"])
            .args(["--max-file-size", size])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{size}: {stderr}");
    }

    // Below the file's size, the file is skipped.
    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "ndjson"])
        .args(["--max-file-size", "0.01KiB"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 skipped"), "{stderr}");
}

#[test]
fn max_file_size_zero_is_refused() {
    let out = hamburglar()
        .args(["scan", "--no-progress", "--max-file-size", "0", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--max-file-size"), "{stderr}");
    assert!(stderr.contains("zero"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn output_file_errors_name_the_file() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    fs::write(&file, secret_text()).unwrap();

    let out = hamburglar()
        .args(["scan", "--no-progress", "--format", "ndjson", "-o"])
        .arg(full)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/dev/full"), "{stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");
}
