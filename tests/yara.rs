//! YARA rules through the real binary: a rule file of the test's own
//! against a binary fixture, the compiled-rules cache, the built-in
//! credential-container rules, timeouts and bad rules. Without the `yara`
//! feature, only the test that `--yara` is refused with a clear error runs.

mod common;

/// The tests of a build with YARA support.
#[cfg(feature = "yara")]
mod with_yara {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use serde_json::Value;

    use super::common::{hamburglar, ndjson};

    /// A rule of the tests' own: a made-up vault format with a magic
    /// header and the name of its key inside.
    const VAULT_RULE: &str = r#"
rule vault_blob : vault binary {
    meta:
        description = "Made-up vault blob with its master key name"
        severity = "critical"
        confidence = "high"
    strings:
        $magic = { 00 56 4C 54 ?? 00 }
        $name = "vault-master-key"
    condition:
        $magic at 0 and $name
}
"#;

    /// A second rule file, in a `.yara` file at the top of the folder.
    const CANARY_RULE: &str = r#"
rule canary : text {
    strings:
        $a = "hamburglar-canary"
    condition:
        $a
}
"#;

    /// The vault fixture: NUL bytes, invalid UTF-8, and the key name on
    /// line 3 at column 7, then again (reported once).
    fn vault_bytes() -> Vec<u8> {
        let mut b = b"\x00VLT\x07\x00\x01\x02\xff\xfe\n".to_vec();
        b.extend_from_slice(b"\x00\x00\n");
        b.extend_from_slice(b"\x10\x11abc vault-master-key\x00\xff\n");
        b.extend_from_slice(b"\x00vault-master-key\x00");
        b
    }

    /// Writes `bytes` to `root/rel`, creating folders.
    fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p
    }

    /// A run's exit status, findings and stderr.
    struct Run {
        code: Option<i32>,
        findings: Vec<Value>,
        stderr: String,
    }

    /// Runs `scan` with NDJSON output, secrets shown and no progress bar.
    fn scan<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
        let out = hamburglar()
            .args([
                "scan",
                "--format",
                "ndjson",
                "--no-progress",
                "--show-secrets",
            ])
            .args(args)
            .output()
            .unwrap();
        Run {
            code: out.status.code(),
            findings: ndjson(&out.stdout),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The findings in a stable order (workers finish in any order).
    fn sorted(findings: &[Value]) -> Vec<String> {
        let mut all: Vec<String> = findings.iter().map(Value::to_string).collect();
        all.sort();
        all
    }

    /// The findings of one path.
    fn at<'a>(findings: &'a [Value], path: &str) -> Vec<&'a Value> {
        findings.iter().filter(|f| f["path"] == path).collect()
    }

    /// A rules folder (a nested `.yar`, a top `.yara`, a file that is
    /// not YARA) and a data folder with the vault blob.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "rules/nested/vault.yar", VAULT_RULE);
        write(r, "rules/other.yara", CANARY_RULE);
        write(r, "rules/README.txt", "not a rule file {");
        write(r, "data/blob.bin", vault_bytes());
        write(r, "data/notes.txt", "nothing to see\nhamburglar-canary\n");
        write(r, "data/plain.txt", "nothing at all\n");
        dir
    }

    fn s(p: &Path) -> &str {
        p.to_str().unwrap()
    }

    #[test]
    fn own_rule_finds_a_binary_fixture_with_positions_and_metadata() {
        let dir = fixture();
        let r = dir.path();
        let run = scan(&[
            "--yara",
            s(&r.join("rules")),
            "--yara-cache",
            s(&r.join("cache")),
            s(&r.join("data")),
        ]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);

        let blob = at(&run.findings, "blob.bin");
        assert_eq!(blob.len(), 2, "one finding per pattern: {blob:#?}");
        for f in &blob {
            assert_eq!(f["rule"], "vault:vault_blob");
            assert_eq!(f["tags"], serde_json::json!(["vault", "binary"]));
            assert_eq!(f["severity"], "critical");
            assert_eq!(f["confidence"], "high");
            assert_eq!(f["category"], "secret");
            assert_eq!(
                f["description"],
                "Made-up vault blob with its master key name"
            );
        }
        let magic = blob.iter().find(|f| f["line"] == 1).unwrap();
        assert_eq!(magic["column"], 1);
        assert_eq!(magic["secret"], "\\x00VLT\\x07\\x00");
        let name = blob.iter().find(|f| f["line"] == 3).unwrap();
        assert_eq!(name["secret"], "vault-master-key");
        assert_eq!(name["column"], 7);
        assert_eq!(name["end_line"], 3);
        assert_eq!(name["end_column"], 23);

        let notes = at(&run.findings, "notes.txt");
        assert_eq!(notes.len(), 1, "{notes:#?}");
        assert_eq!(notes[0]["rule"], "other:canary");
        assert_eq!(notes[0]["severity"], "high", "the default severity");
        assert_eq!(notes[0]["confidence"], "medium", "the default confidence");
        assert_eq!(notes[0]["line"], 2);
        assert_eq!(notes[0]["column"], 1);
        assert!(at(&run.findings, "plain.txt").is_empty());
    }

    /// Scans the fixture's data with its rules at `-v`, caching in `cache`.
    fn cached_args(r: &Path, cache: &Path) -> Vec<PathBuf> {
        vec![
            "-v".into(),
            "--yara".into(),
            r.join("rules"),
            "--yara-cache".into(),
            cache.to_path_buf(),
            r.join("data"),
        ]
    }

    /// The files of a cache folder, with their modification times.
    fn cache_files(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.path(), e.metadata().unwrap().modified().unwrap())
            })
            .collect()
    }

    #[test]
    fn second_run_loads_compiled_rules_from_the_cache() {
        let dir = fixture();
        let r = dir.path();
        let cache = r.join("cache");
        let args = cached_args(r, &cache);

        // A month-old file of another rule set is pruned when a new file
        // is written; files that are not ours are left alone.
        let old = std::time::SystemTime::now() - Duration::from_secs(40 * 24 * 3600);
        for name in ["rules-yara-x-0.0.0-stale.bin", "notes.txt"] {
            let path = write(&cache, name, "old");
            let f = fs::File::options().write(true).open(path).unwrap();
            f.set_modified(old).unwrap();
        }

        let first = scan(&args);
        assert_eq!(first.code, Some(1), "{}", first.stderr);
        assert!(!cache.join("rules-yara-x-0.0.0-stale.bin").exists());
        assert!(cache.join("notes.txt").exists());
        fs::remove_file(cache.join("notes.txt")).unwrap();
        assert!(
            first
                .stderr
                .contains("compiled 2 YARA rule(s) from 2 file(s)"),
            "{}",
            first.stderr
        );
        let files = cache_files(&cache);
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files
            .keys()
            .next()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        assert!(name.starts_with("rules-yara-x-1."), "{name}");

        let second = scan(&args);
        assert!(
            second
                .stderr
                .contains("loaded compiled YARA rules from cache"),
            "{}",
            second.stderr
        );
        assert!(
            !second.stderr.contains("compiled 2 YARA rule(s)"),
            "{}",
            second.stderr
        );
        assert_eq!(
            cache_files(&cache),
            files,
            "the cache file was not rewritten"
        );
        assert_eq!(sorted(&second.findings), sorted(&first.findings));

        // Editing a rule changes the key: compiled again, in a new file.
        let edited = VAULT_RULE.replace("\"critical\"", "\"low\"");
        write(r, "rules/nested/vault.yar", edited);
        let third = scan(&args);
        assert!(
            third.stderr.contains("compiled 2 YARA rule(s)"),
            "{}",
            third.stderr
        );
        assert_eq!(cache_files(&cache).len(), 2);
        let blob = at(&third.findings, "blob.bin");
        assert!(blob.iter().all(|f| f["severity"] == "low"), "{blob:#?}");
    }

    #[test]
    fn a_damaged_cache_file_is_ignored_and_rewritten() {
        let dir = fixture();
        let r = dir.path();
        let cache = r.join("cache");
        let args = cached_args(r, &cache);
        let first = scan(&args);
        let file = cache_files(&cache).into_keys().next().unwrap();

        // Truncated: the checksum no longer matches.
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        let second = scan(&args);
        assert!(
            second.stderr.contains("ignoring the YARA cache"),
            "{}",
            second.stderr
        );
        assert!(
            second.stderr.contains("compiled 2 YARA rule(s)"),
            "{}",
            second.stderr
        );
        assert_eq!(sorted(&second.findings), sorted(&first.findings));
        assert!(
            fs::read(&file).unwrap().len() > bytes.len() / 2,
            "rewritten"
        );

        // Not a cache file at all.
        fs::write(&file, b"garbage").unwrap();
        let third = scan(&args);
        assert!(
            third.stderr.contains("not a hamburglar YARA cache file"),
            "{}",
            third.stderr
        );
        assert_eq!(sorted(&third.findings), sorted(&first.findings));

        let fourth = scan(&args);
        assert!(
            fourth
                .stderr
                .contains("loaded compiled YARA rules from cache"),
            "{}",
            fourth.stderr
        );
    }

    /// A made-up, unencrypted OpenSSH private key (not a usable key).
    const OPENSSH_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\n\
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
        QyNTUxOQAAACBmYWtla2V5ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZQAAAJjNb3sXzW97\n\
        FwAAAAtzc2gtZWQyNTUxOQAAACBmYWtla2V5ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZQ\n\
        -----END OPENSSH PRIVATE KEY-----\n";

    /// The start of a PKCS#12 file (DER), then filler.
    fn pkcs12_bytes() -> Vec<u8> {
        let mut b = vec![
            0x30, 0x82, 0x0A, 0x1B, 0x02, 0x01, 0x03, 0x30, 0x82, 0x09, 0xE1, 0x06, 0x09, 0x2A,
            0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01, 0xA0, 0x82, 0x09, 0xD2,
        ];
        b.extend((0..512u32).map(|i| (i * 7 % 251) as u8));
        b
    }

    /// A fake Firefox key4.db: an SQLite header and NSS's table schema.
    fn key4_bytes() -> Vec<u8> {
        let mut b = b"SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20".to_vec();
        b.resize(200, 0);
        b.extend_from_slice(
            b"CREATE TABLE metaData (id PRIMARY KEY UNIQUE ON CONFLICT REPLACE, item1, item2)",
        );
        b.resize(400, 0);
        b.extend_from_slice(
            b"CREATE TABLE nssPrivate (id PRIMARY KEY UNIQUE ON CONFLICT ABORT, a0, a1, a2)",
        );
        b.resize(1024, 0);
        b
    }

    #[test]
    fn builtin_rules_find_credential_containers_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let d = r.join("data");
        write(&d, "id_ed25519", OPENSSH_KEY);
        write(
            &d,
            "vault.kdbx",
            b"\x03\xd9\xa2\x9a\x67\xfb\x4b\xb5\x00\x00\x04\x00\x02\x10\x00\x00",
        );
        write(
            &d,
            "legacy.kdb",
            b"\x03\xd9\xa2\x9a\x65\xfb\x4b\xb5\x03\x00\x00\x00",
        );
        write(&d, "client.p12", pkcs12_bytes());
        write(
            &d,
            "keystore",
            b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x01",
        );
        write(
            &d,
            "server.ppk",
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test\n\
             Public-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIGZha2VrZXlmYWtla2V5\nZmFrZWtleQ==\n\
             Private-Lines: 1\nAAAAIGZha2VrZXlmYWtla2V5ZmFrZWtleWZha2VrZXk=\n\
             Private-MAC: 0000000000000000000000000000000000000000000000000000000000000000\n",
        );
        write(
            &d,
            "tls/enc.pem",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n\
             MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIZmFrZWZha2UCAggA\n\
             -----END ENCRYPTED PRIVATE KEY-----\n",
        );
        write(
            &d,
            "tls/legacy.pem",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\
             DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n\
             ZmFrZWZha2VmYWtlZmFrZQ==\n-----END RSA PRIVATE KEY-----\n",
        );
        write(
            &d,
            "home/.git-credentials",
            "https://alice:s3cr3tT0ken@git.example.com\n",
        );
        write(&d, "profile/key4.db", key4_bytes());

        // Near misses: none of these is a credential container.
        write(
            &d,
            "docs/ssh.md",
            "Your key looks like:\n-----BEGIN OPENSSH PRIVATE KEY-----\n...\n",
        );
        write(
            &d,
            "tls/cert.pem",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        );
        write(
            &d,
            "other.db",
            b"SQLite format 3\x00\x10\x00CREATE TABLE notes (id, body)",
        );
        write(
            &d,
            "random.bin",
            (0..4096u32)
                .map(|i| (i * 31 % 256) as u8)
                .collect::<Vec<u8>>(),
        );
        write(
            &d,
            "links.txt",
            "see https://git.example.com and https://example.com/a:b\n",
        );

        let run = scan(&[
            "--no-builtin-rules",
            "--yara",
            "builtin",
            "--yara-cache",
            s(&r.join("cache")),
            s(&d),
        ]);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in &run.findings {
            let path = f["path"].as_str().unwrap().to_string();
            found
                .entry(path)
                .or_default()
                .push(f["rule"].as_str().unwrap().to_string());
        }
        let expected: BTreeMap<String, Vec<String>> = [
            ("client.p12", "pkcs12_keystore"),
            ("home/.git-credentials", "git_credentials_store"),
            ("id_ed25519", "openssh_private_key"),
            ("keystore", "java_keystore"),
            ("legacy.kdb", "keepass_database"),
            ("profile/key4.db", "firefox_key_database"),
            ("server.ppk", "putty_private_key"),
            ("tls/enc.pem", "encrypted_pem_private_key"),
            ("tls/legacy.pem", "encrypted_pem_private_key"),
            ("vault.kdbx", "keepass_database"),
        ]
        .into_iter()
        .map(|(p, r)| (p.to_string(), vec![format!("credentials:{r}")]))
        .collect();
        assert_eq!(found, expected);

        let git = at(&run.findings, "home/.git-credentials");
        assert_eq!(git[0]["severity"], "critical");
        assert_eq!(git[0]["tags"], serde_json::json!(["git", "plaintext"]));
    }

    #[test]
    fn a_key_found_by_a_text_rule_and_yara_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\n\
                   b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
                   QyNTUxOQAAACDGc8Ghw7rhyuyTBW3qtEaTpGA5hbnrWUVrkgfHCcJYLAAAAJg4cPiNOHD4\n\
                   AAAAE3Rlc3RAaGFtYnVyZ2xhci5kZXYBAg==\n\
                   -----END OPENSSH PRIVATE KEY-----\n";
        let path = write(dir.path(), "id_ed25519", key);
        let both = scan(&["--yara", "builtin", s(&path)]);
        let text_only = scan(&[s(&path)]);
        assert_eq!(text_only.findings.len(), 1, "{:?}", text_only.findings);
        assert_eq!(both.findings.len(), 1, "{:?}", both.findings);
        assert_eq!(both.findings[0]["rule"], text_only.findings[0]["rule"]);
        // On its own, with the text rule off, YARA still finds the key.
        let yara_only = scan(&[
            "--yara",
            "builtin",
            "--disable",
            "openssh-private-key",
            s(&path),
        ]);
        assert!(
            yara_only
                .findings
                .iter()
                .any(|f| f["rule"] == "credentials:openssh_private_key"),
            "{:?}",
            yara_only.findings
        );
    }

    #[test]
    fn a_yara_timeout_skips_the_item_and_the_scan_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        // Quadratic in the file size: seconds on 64 KiB, instant on a line.
        write(
            r,
            "slow.yar",
            r#"
rule quadratic {
    condition:
        filesize > 0 and
        for all i in (0..filesize - 1) : (
            for all j in (0..filesize - 1) : ( uint8(i) ^ uint8(j) < 256 )
        )
}
rule canary { strings: $a = "hamburglar-canary" condition: $a }
"#,
        );
        write(r, "data/big.bin", vec![b'x'; 64 << 10]);
        write(r, "data/small.txt", "hamburglar-canary\n");

        let started = Instant::now();
        let run = scan(&[
            "-vv",
            "--yara",
            s(&r.join("slow.yar")),
            "--yara-timeout",
            "1",
            "--yara-cache",
            s(&r.join("cache")),
            s(&r.join("data")),
        ]);
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(at(&run.findings, "big.bin").is_empty());
        let small: Vec<_> = at(&run.findings, "small.txt")
            .iter()
            .map(|f| f["rule"].clone())
            .collect();
        assert!(small.contains(&"slow:canary".into()), "{small:?}");
        assert!(small.contains(&"slow:quadratic".into()), "{small:?}");
        assert!(
            run.stderr.contains("skipping big.bin: timeout"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("1 skipped"), "{}", run.stderr);
    }

    #[test]
    fn bad_rules_and_empty_folders_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let bad = write(
            r,
            "bad/broken.yar",
            "rule broken { strings: $a = \"x\" condition: $b }",
        );
        write(r, "data/a.txt", "hello\n");
        let run = scan(&["--yara", s(&bad), s(&r.join("data"))]);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr.contains("YARA rules do not compile"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("broken.yar"), "{}", run.stderr);

        fs::create_dir_all(r.join("empty")).unwrap();
        let run = scan(&["--yara", s(&r.join("empty")), s(&r.join("data"))]);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(
            run.stderr.contains("no .yar or .yara files"),
            "{}",
            run.stderr
        );

        let run = scan(&["--yara", s(&r.join("missing.yar")), s(&r.join("data"))]);
        assert_eq!(run.code, Some(2), "{}", run.stderr);
        assert!(run.stderr.contains("missing.yar"), "{}", run.stderr);
    }
}

/// A build without YARA support refuses `--yara`, and says why.
#[cfg(not(feature = "yara"))]
#[test]
fn yara_flag_says_yara_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "hello\n").unwrap();
    let out = common::hamburglar()
        .args([
            "scan",
            "--format",
            "ndjson",
            "--no-progress",
            "--yara",
            "builtin",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("YARA is unavailable"), "{stderr}");
    assert!(stderr.contains("`yara` cargo feature"), "{stderr}");

    // Without --yara the same build scans as usual.
    let out = common::hamburglar()
        .args(["scan", "--format", "ndjson", "--no-progress"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}
