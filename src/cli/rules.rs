//! `hamburglar rules list | check`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{RuleArgs, EXIT_CLEAN, EXIT_ERROR};
use crate::detect::ruleset::{parse_rule_file, Catalogue, RuleSelection};
use crate::detect::{DetectScratch, Detector};

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules that would run: id, category, severity, keywords.
    List {
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Check every rule against its own examples and negative examples.
    Check {
        /// A rule file to check instead of the built-in catalogue.
        file: Option<PathBuf>,
    },
}

/// Runs a `rules` subcommand.
pub fn run(cmd: RulesCommand) -> anyhow::Result<i32> {
    match cmd {
        RulesCommand::List { rules } => list(&rules),
        RulesCommand::Check { file } => check(file),
    }
}

fn list(args: &RuleArgs) -> anyhow::Result<i32> {
    let selection = args.selection()?;
    let detector = Catalogue::load(&selection)?.detector(&selection)?;
    println!(
        "{:<44} {:<7} {:<9} {:<7} keywords",
        "id", "category", "severity", "conf"
    );
    for rule in detector.rules() {
        let m = &rule.meta;
        println!(
            "{:<44} {:<8} {:<9} {:<7} {}",
            m.id,
            m.category.as_str(),
            m.severity.as_str(),
            m.confidence.as_str(),
            rule.spec.keywords.join(",")
        );
    }
    let unkeyed = detector.unkeyed_rules().len();
    eprintln!(
        "{} rules, {unkeyed} without keywords (run on every item)",
        detector.rules().len()
    );
    Ok(EXIT_CLEAN)
}

/// Checks rules against their examples; returns the failures.
pub fn check_rules(detector: &Detector) -> Vec<String> {
    let mut failures = Vec::new();
    let mut scratch = DetectScratch::default();
    for (index, rule) in detector.rules().iter().enumerate() {
        let id = &rule.meta.id;
        if rule.spec.examples.is_empty() {
            failures.push(format!("{id}: has no examples"));
        }
        for ex in &rule.spec.examples {
            if !fires(detector, &mut scratch, index, ex) {
                failures.push(format!("{id}: example does not match: {ex:?}"));
            }
        }
        for ex in &rule.spec.negative_examples {
            if fires(detector, &mut scratch, index, ex) {
                failures.push(format!("{id}: negative example matches: {ex:?}"));
            }
        }
    }
    failures
}

/// True if the rule at `index` reports something in `text`.
fn fires(detector: &Detector, scratch: &mut DetectScratch, index: usize, text: &str) -> bool {
    let mut out = Vec::new();
    detector.scan_one_rule(index, text.as_bytes(), scratch, &mut out);
    !out.is_empty()
}

fn check(file: Option<PathBuf>) -> anyhow::Result<i32> {
    let mut selection = RuleSelection {
        categories: [
            crate::detect::rule::Category::Secret,
            crate::detect::rule::Category::Ioc,
            crate::detect::rule::Category::Pii,
        ]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)?;
        parse_rule_file(&path, &text)?;
        selection.builtin = false;
        selection.files = vec![path];
    }
    let detector = Catalogue::load(&selection)?.detector(&selection)?;
    let failures = check_rules(&detector);
    for f in &failures {
        println!("FAIL {f}");
    }
    println!(
        "{} rules checked, {} failure(s)",
        detector.rules().len(),
        failures.len()
    );
    Ok(if failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}
