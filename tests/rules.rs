//! The built-in catalogue: every rule compiles, matches its examples and
//! none of its negative examples; the rule machinery behaves.

mod common;

use std::collections::BTreeSet;

use hamburglar::cli::check_rules;
use hamburglar::detect::rule::Category;
use hamburglar::detect::ruleset::{Catalogue, RuleSelection};
use hamburglar::detect::DetectScratch;

fn all_categories() -> RuleSelection {
    RuleSelection {
        categories: [Category::Secret, Category::Ioc, Category::Pii]
            .into_iter()
            .collect(),
        ..RuleSelection::default()
    }
}

#[test]
fn every_builtin_rule_matches_its_examples() {
    let sel = all_categories();
    let detector = Catalogue::load(&sel).unwrap().detector(&sel).unwrap();
    let failures = check_rules(&detector);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for rule in detector.rules() {
        assert!(
            !rule.spec.examples.is_empty(),
            "{} has no example",
            rule.meta.id
        );
        assert!(
            !rule.spec.negative_examples.is_empty(),
            "{} has no negative",
            rule.meta.id
        );
    }
}

#[test]
fn catalogue_is_large_with_unique_ids() {
    let sel = all_categories();
    let cat = Catalogue::load(&sel).unwrap();
    let ids: BTreeSet<_> = cat.rules.iter().map(|r| r.spec.id.clone()).collect();
    assert_eq!(ids.len(), cat.rules.len(), "rule ids are unique");
    let secrets = cat
        .rules
        .iter()
        .filter(|r| r.spec.category == Category::Secret)
        .count();
    assert!(secrets >= 60, "only {secrets} secret rules");
}

#[test]
fn keyword_prefilter_picks_rules_case_insensitively() {
    let sel = RuleSelection::default();
    let detector = Catalogue::load(&sel).unwrap().detector(&sel).unwrap();
    let mut scratch = DetectScratch::default();
    let unkeyed = detector.unkeyed_rules().len();
    let none = detector.candidate_rules(b"fn main() { println!(\"hi\"); }", &mut scratch);
    assert_eq!(
        none.len(),
        unkeyed,
        "only rules without keywords run: {none:?}"
    );
    let upper = detector.candidate_rules(b"GHP_ and Github_Pat_", &mut scratch);
    assert!(upper.contains(&"github-pat-classic"), "{upper:?}");
    assert!(upper.contains(&"github-pat-fine-grained"), "{upper:?}");
    let mut out = Vec::new();
    let text = format!("x = {}\n", common::GITHUB_TOKEN);
    detector.scan_text(text.as_bytes(), None, &mut scratch, &mut out);
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].rule.id, "github-pat-classic");
}

#[test]
fn rule_file_overrides_and_disables() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extra.toml");
    std::fs::write(
        &file,
        r#"
[[rules]]
id = "acme-token"
description = "ACME internal token"
category = "secret"
severity = "high"
confidence = "high"
keywords = ["acme_"]
regex = '''\b(acme_[a-z0-9]{24})\b'''
examples = ["t = acme_0123456789abcdefghijklmn"]
negative_examples = ["acme_short"]
"#,
    )
    .unwrap();
    let out = common::hamburglar()
        .args(["scan", "--format", "ndjson", "--rules"])
        .arg(&file)
        .arg("-")
        .write_stdin("token: acme_0123456789abcdefghijklmn\n")
        .output()
        .unwrap();
    let findings = common::ndjson(&out.stdout);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "acme-token");
    let out = common::hamburglar()
        .args([
            "scan",
            "--format",
            "ndjson",
            "--disable",
            "acme-token",
            "--rules",
        ])
        .arg(&file)
        .arg("-")
        .write_stdin("token: acme_0123456789abcdefghijklmn\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn hostile_user_pattern_is_rejected_at_load_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.toml");
    std::fs::write(
        &file,
        r#"
[[rules]]
id = "huge"
description = "too big"
category = "secret"
severity = "low"
confidence = "low"
regex = '''(\w{1000}){1000}'''
"#,
    )
    .unwrap();
    common::hamburglar()
        .args(["scan", "--rules"])
        .arg(&file)
        .arg("-")
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("huge"));
}

#[test]
fn inline_allow_markers_suppress() {
    let token = common::GITHUB_TOKEN;
    let input = format!(
        "a = \"{token}\" # hamburglar:allow\nb = \"{token}\" // gitleaks:allow\n\
         c = \"{token}\"  # pragma: allowlist secret\nd = \"{token}\"\n"
    );
    let out = common::hamburglar()
        .args(["scan", "--format", "ndjson", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    let findings = common::ndjson(&out.stdout);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["line"], 4);
}
