//! Rule sets: which rules a run uses, loaded from the catalogue and from
//! the user's rule files, then selected by category, id and confidence.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::allow::{Allowlist, AllowlistSpec};
use super::rule::{Category, Confidence, Rule, RuleError, RuleSpec};
use super::{builtin, Detector};

/// A rule file in hamburglar's own format.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// A global allowlist that applies to every rule.
    #[serde(default)]
    pub allowlist: Option<AllowlistSpec>,
}

/// Why a rule set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RuleSetError {
    /// A rule file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A rule file is not valid TOML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A rule does not compile.
    #[error("{path}: {source}")]
    Rule {
        /// The file the rule came from.
        path: PathBuf,
        /// The cause.
        source: RuleError,
    },
    /// The allowlist does not compile.
    #[error(transparent)]
    Allowlist(#[from] super::allow::AllowlistError),
    /// `--disable` or `--enable` names an unknown rule.
    #[error("unknown rule id {0:?} (see `hamburglar rules list`)")]
    UnknownRule(String),
}

/// What rules to use: the options of `--rules`, `--disable`, ...
#[derive(Debug, Clone)]
pub struct RuleSelection {
    /// Use the built-in catalogue (`--no-builtin-rules` turns it off).
    pub builtin: bool,
    /// Extra rule files; a rule whose id exists replaces it.
    pub files: Vec<PathBuf>,
    /// Categories that run (default: `secret`).
    pub categories: BTreeSet<Category>,
    /// Rule ids turned on even if their category is off.
    pub enable: Vec<String>,
    /// Rule ids turned off.
    pub disable: Vec<String>,
    /// Rules below this confidence are not run.
    pub min_confidence: Confidence,
}

impl Default for RuleSelection {
    fn default() -> Self {
        RuleSelection {
            builtin: true,
            files: Vec::new(),
            categories: [Category::Secret].into_iter().collect(),
            enable: Vec::new(),
            disable: Vec::new(),
            min_confidence: Confidence::Low,
        }
    }
}

/// A rule spec with the file it came from.
#[derive(Debug, Clone)]
pub struct SourcedRule {
    /// The spec.
    pub spec: RuleSpec,
    /// Where it was defined (`builtin:cloud.toml` or a path).
    pub origin: PathBuf,
}

/// Every rule known to a selection (before category filtering), with the
/// global allowlists. The catalogue order is kept; overrides replace in
/// place.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// The rules.
    pub rules: Vec<SourcedRule>,
    /// Global allowlists of every file.
    pub allowlists: Vec<AllowlistSpec>,
}

impl Catalogue {
    /// Loads the built-in files and the user's files.
    pub fn load(selection: &RuleSelection) -> Result<Catalogue, RuleSetError> {
        let mut cat = Catalogue::default();
        if selection.builtin {
            for (name, text) in builtin::files() {
                let origin = PathBuf::from(format!("builtin:{name}"));
                let file = parse_rule_file(&origin, text)?;
                cat.add(file, &origin);
            }
        }
        for path in &selection.files {
            let text = std::fs::read_to_string(path).map_err(|source| RuleSetError::Io {
                path: path.clone(),
                source,
            })?;
            let file = parse_rule_file(path, &text)?;
            cat.add(file, path);
        }
        Ok(cat)
    }

    /// Adds a file's rules; a rule whose id is already known replaces it.
    pub fn add(&mut self, file: RuleFile, origin: &Path) {
        for spec in file.rules {
            let sourced = SourcedRule {
                spec,
                origin: origin.to_path_buf(),
            };
            match self.rules.iter_mut().find(|r| r.spec.id == sourced.spec.id) {
                Some(slot) => *slot = sourced,
                None => self.rules.push(sourced),
            }
        }
        self.allowlists.extend(file.allowlist);
    }

    /// Compiles the selected rules into a detector.
    pub fn detector(&self, selection: &RuleSelection) -> Result<Detector, RuleSetError> {
        for id in selection.disable.iter().chain(&selection.enable) {
            let known = self.rules.iter().any(|r| &r.spec.id == id);
            if !known && !is_category(id) {
                return Err(RuleSetError::UnknownRule(id.clone()));
            }
        }
        let mut rules = Vec::new();
        for r in &self.rules {
            if !selected(&r.spec, selection) {
                continue;
            }
            let rule = Rule::compile(r.spec.clone()).map_err(|source| RuleSetError::Rule {
                path: r.origin.clone(),
                source,
            })?;
            rules.push(rule);
        }
        let allowlist = Allowlist::compile(&self.allowlists)?;
        Ok(Detector::new(rules, allowlist))
    }
}

/// True if `name` is a category name (`--enable ioc`).
fn is_category(name: &str) -> bool {
    matches!(name, "secret" | "ioc" | "pii")
}

/// Whether a rule runs under a selection.
fn selected(spec: &RuleSpec, sel: &RuleSelection) -> bool {
    if sel.disable.iter().any(|d| d == &spec.id) {
        return false;
    }
    if spec.confidence < sel.min_confidence {
        return false;
    }
    let by_id = sel
        .enable
        .iter()
        .any(|e| e == &spec.id || e == spec.category.as_str());
    by_id || sel.categories.contains(&spec.category)
}

/// Parses one rule file, naming the file in errors.
pub fn parse_rule_file(path: &Path, text: &str) -> Result<RuleFile, RuleSetError> {
    toml::from_str(text).map_err(|e| RuleSetError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
