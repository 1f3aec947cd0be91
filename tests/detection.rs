//! Detection depth: the Nosey Parker example corpus, gitleaks-format
//! configs, categories, allowlists and the per-item time budget.

mod common;

use hamburglar::detect::rule::Category;
use hamburglar::detect::ruleset::{Catalogue, RuleSelection};
use hamburglar::detect::DetectScratch;
use serde_json::Value;

use common::{corpora, hamburglar, ndjson, GITHUB_TOKEN};

/// The Nosey Parker corpus: 430 texts some rule should report, 144 that
/// the rule they illustrate should not. Its negatives are per rule: 21 of
/// them are, character for character, "match" texts of another rule (a
/// Slack user token is a negative for the bot-token rule), so a scanner
/// that finds every match text must report those 21 too. They are
/// counted apart from the other 123.
#[test]
fn noseyparker_examples_are_caught_and_negatives_mostly_not() {
    let sel = RuleSelection::default();
    let detector = Catalogue::load(&sel).unwrap().detector(&sel).unwrap();
    let path = corpora().join("rule-examples/noseyparker-examples.jsonl");
    let examples: Vec<Value> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let match_texts: std::collections::HashSet<&str> = examples
        .iter()
        .filter(|e| e["expect"] == "match")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    let mut scratch = DetectScratch::default();
    let (mut hits, mut matches, mut negatives) = (0, 0, 0);
    let (mut reported, mut reported_contradictory) = (0, 0);
    for ex in &examples {
        let text = ex["text"].as_str().unwrap();
        let mut out = Vec::new();
        detector.scan_text(text.as_bytes(), None, &mut scratch, &mut out);
        let rule = ex["rule"].as_str().unwrap();
        if ex["expect"] == "match" {
            matches += 1;
            if out.is_empty() {
                eprintln!("MISS {rule}: {text:?}");
            } else {
                hits += 1;
            }
            continue;
        }
        negatives += 1;
        if out.is_empty() {
            continue;
        }
        let ids: Vec<_> = out.iter().map(|m| m.rule.id.as_str()).collect();
        if match_texts.contains(text) {
            reported_contradictory += 1;
            eprintln!("REPORTED no-match (also a match text) {rule} by {ids:?}: {text:?}");
        } else {
            reported += 1;
            eprintln!("REPORTED no-match {rule} by {ids:?}: {text:?}");
        }
    }
    eprintln!(
        "noseyparker: {hits}/{matches} match texts found; {} of {negatives} no-match texts \
         reported ({reported_contradictory} of them also match texts, {reported} others)",
        reported + reported_contradictory
    );
    assert_eq!((matches, negatives), (430, 144));
    assert!(hits >= 380, "only {hits} of 430 found");
    assert!(
        reported <= 10,
        "{reported} of the 123 true negatives reported"
    );
}

#[test]
fn gitleaks_default_config_loads_and_every_rule_compiles() {
    let config = corpora().join("gitleaks-config/gitleaks.toml");
    let out = hamburglar()
        .args(["rules", "list", "--no-builtin-rules", "--rules"])
        .arg(&config)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("222 rules"), "{stderr}");
    assert!(
        !stderr.contains("left out"),
        "a rule did not compile: {stderr}"
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.lines().any(|l| l.starts_with("aws-access-token ")));
}

#[test]
fn gitleaks_config_rules_and_allowlists_apply() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join(".gitleaks.toml");
    std::fs::write(
        &config,
        r#"
title = "custom"
[extend]
useDefault = true
disabledRules = ["github-pat-classic"]

[allowlist]
paths = ['''(?:^|/)fixtures/''']

[[rules]]
id = "acme-key"
description = "ACME key"
regex = '''acme_(?:live|test)_(\w{16})'''
secretGroup = 1
keywords = ["acme_"]
[[rules.allowlists]]
stopwords = ["aaaaaaaa"]
"#,
    )
    .unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("fixtures")).unwrap();
    std::fs::write(tree.join("a.txt"), "k = acme_live_Q2w3E4r5T6y7U8i9\n").unwrap();
    std::fs::write(tree.join("b.txt"), "k = acme_live_aaaaaaaabbbbbbbb\n").unwrap();
    std::fs::write(
        tree.join("fixtures/c.txt"),
        "k = acme_live_Q2w3E4r5T6y7U8i9\n",
    )
    .unwrap();
    std::fs::write(tree.join("d.txt"), format!("t = {GITHUB_TOKEN}\n")).unwrap();
    let out = hamburglar()
        .args(["scan", "--format", "ndjson", "--show-secrets", "--rules"])
        .arg(&config)
        .arg(&tree)
        .output()
        .unwrap();
    let findings = ndjson(&out.stdout);
    let got: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("a.txt".to_string(), "acme-key".to_string())],
        "{findings:?}"
    );
    assert_eq!(findings[0]["secret"], "Q2w3E4r5T6y7U8i9");
}

#[test]
fn ioc_and_pii_are_off_by_default() {
    let sel = RuleSelection::default();
    let cat = Catalogue::load(&sel).unwrap();
    let detector = cat.detector(&sel).unwrap();
    assert!(detector
        .rules()
        .iter()
        .all(|r| r.meta.category == Category::Secret));
    let all = RuleSelection {
        categories: [Category::Secret, Category::Ioc, Category::Pii]
            .into_iter()
            .collect(),
        ..RuleSelection::default()
    };
    let more = cat.detector(&all).unwrap();
    assert!(more.rules().len() > detector.rules().len());
    let enabled = RuleSelection {
        enable: vec!["ioc".into()],
        ..RuleSelection::default()
    };
    let with_ioc = cat.detector(&enabled).unwrap();
    assert!(with_ioc
        .rules()
        .iter()
        .any(|r| r.meta.category == Category::Ioc));
    assert!(!with_ioc
        .rules()
        .iter()
        .any(|r| r.meta.category == Category::Pii));
}

#[test]
fn min_confidence_drops_low_confidence_rules() {
    let sel = RuleSelection::default();
    let cat = Catalogue::load(&sel).unwrap();
    let high = RuleSelection {
        min_confidence: hamburglar::detect::rule::Confidence::High,
        ..RuleSelection::default()
    };
    let d = cat.detector(&high).unwrap();
    assert!(!d.rules().is_empty());
    assert!(d
        .rules()
        .iter()
        .all(|r| r.meta.confidence == hamburglar::detect::rule::Confidence::High));
    assert!(d.rules().len() < cat.detector(&sel).unwrap().rules().len());
}

#[test]
fn global_allowlist_in_a_rule_file() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("allow.toml");
    std::fs::write(
        &rules,
        r#"
[allowlist]
paths = ["testdata/**"]
stopwords = ["R7fK2p"]
"#,
    )
    .unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("testdata")).unwrap();
    std::fs::write(tree.join("testdata/x.txt"), "aws = AKIAQ4TZ7XJ2KD5RMN3W\n").unwrap();
    std::fs::write(tree.join("y.txt"), format!("t = {GITHUB_TOKEN}\n")).unwrap();
    std::fs::write(tree.join("z.txt"), "aws = AKIAQ4TZ7XJ2KD5RMN3W\n").unwrap();
    let out = hamburglar()
        .args(["scan", "--format", "ndjson", "--rules"])
        .arg(&rules)
        .arg(&tree)
        .output()
        .unwrap();
    let findings = ndjson(&out.stdout);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "z.txt");
}

#[test]
fn item_time_budget_skips_and_counts() {
    let out = hamburglar()
        .args([
            "scan",
            "--format",
            "json",
            "--item-timeout",
            "0.000000001",
            "-",
        ])
        .write_stdin(format!("t = {GITHUB_TOKEN}\n"))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
    assert_eq!(doc["stats"]["skipped_by_reason"]["timeout"], 1);
    assert_eq!(out.status.code(), Some(0));
}
