//! `hamburglar rules list | check`.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::PathBuf;

use clap::Subcommand;

use super::{RuleArgs, EXIT_CLEAN, EXIT_ERROR};
use crate::detect::rule::{Category, Rule};
use crate::detect::ruleset::{Catalogue, RuleSelection};
use crate::detect::{DetectScratch, Detector};

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules that would run: id, category, severity, keywords.
    List {
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Check that every rule compiles and matches its own examples and
    /// none of its negative examples (gitleaks rules have no examples).
    Check {
        /// A rule file to check instead of the built-in catalogue, in
        /// hamburglar's format or gitleaks'.
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

/// Runs `rules list`: one line per rule that would run, then a count on
/// stderr.
fn list(args: &RuleArgs) -> anyhow::Result<i32> {
    let selection = args.selection()?;
    let detector = Catalogue::load(&selection)?.detector(&selection)?;
    let yara = detector.yara().rules();
    let open = to_stdout(|out| {
        writeln!(
            out,
            "{:<44} {:<8} {:<9} {:<7} keywords",
            "id", "category", "severity", "conf"
        )?;
        for rule in detector.rules() {
            let m = &rule.meta;
            writeln!(
                out,
                "{:<44} {:<8} {:<9} {:<7} {}",
                m.id,
                m.category.as_str(),
                m.severity.as_str(),
                m.confidence.as_str(),
                rule.spec.keywords.join(",")
            )?;
        }
        for m in &yara {
            let (cat, sev, conf) = (
                m.category.as_str(),
                m.severity.as_str(),
                m.confidence.as_str(),
            );
            writeln!(out, "{:<44} {cat:<8} {sev:<9} {conf:<7} (yara)", m.id)?;
        }
        Ok(())
    })?;
    if open {
        let unkeyed = detector.unkeyed_rules().len();
        let _ = writeln!(
            io::stderr(),
            "{} rules, {unkeyed} without keywords (run on every item){}",
            detector.rules().len(),
            if yara.is_empty() {
                String::new()
            } else {
                format!("; {} YARA rules", yara.len())
            }
        );
    }
    Ok(EXIT_CLEAN)
}

/// Writes to a locked stdout and flushes it. Returns false if the reader
/// went away (`| head -1`): that is not an error, the reader has what it
/// wanted, so the caller ends quietly.
fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> anyhow::Result<bool> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context("writing to stdout")),
    }
}

/// Checks rules against their examples; returns the failures.
pub fn check_rules(detector: &Detector) -> Vec<String> {
    check_examples(detector, &BTreeSet::new())
}

/// Checks rules against their examples; a rule whose id is in
/// `no_examples_needed` (a gitleaks rule, whose format has no examples)
/// may have none.
fn check_examples(detector: &Detector, no_examples_needed: &BTreeSet<String>) -> Vec<String> {
    let mut failures = Vec::new();
    let mut scratch = DetectScratch::default();
    for (index, rule) in detector.rules().iter().enumerate() {
        let id = &rule.meta.id;
        if rule.spec.examples.is_empty() && !no_examples_needed.contains(id) {
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

/// Runs `rules check`: the built-in catalogue, or one rule file loaded
/// exactly as `scan --rules FILE` loads it (hamburglar's format or
/// gitleaks').
fn check(file: Option<PathBuf>) -> anyhow::Result<i32> {
    let mut selection = RuleSelection {
        categories: [Category::Secret, Category::Ioc, Category::Pii]
            .into_iter()
            .collect(),
        ..Default::default()
    };
    if let Some(path) = file {
        selection.builtin = false;
        selection.files = vec![path];
    }
    let mut catalogue = Catalogue::load(&selection)?;
    let disabled = std::mem::take(&mut catalogue.disabled);
    catalogue.rules.retain(|r| !disabled.contains(&r.spec.id));
    let checked = catalogue.rules.len();

    // A rule that does not compile is a failure of the check, even one a
    // scan would leave out with a warning; it is dropped here so that the
    // others can still be tried on their examples.
    let mut failures = Vec::new();
    catalogue
        .rules
        .retain(|r| match Rule::compile(r.spec.clone()) {
            Ok(_) => true,
            Err(cause) => {
                failures.push(format!("{}: does not compile: {cause}", r.origin.display()));
                false
            }
        });
    let no_examples_needed = catalogue
        .rules
        .iter()
        .filter(|r| r.lenient)
        .map(|r| r.spec.id.clone())
        .collect();
    let detector = catalogue.detector(&selection)?;
    failures.extend(check_examples(&detector, &no_examples_needed));

    // A closed stdout ends the output, not the check: the exit status
    // still says whether every rule passed.
    to_stdout(|out| {
        for f in &failures {
            writeln!(out, "FAIL {f}")?;
        }
        writeln!(
            out,
            "{checked} rules checked, {} failure(s)",
            failures.len()
        )
    })?;
    Ok(if failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
}
