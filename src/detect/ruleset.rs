//! Rule sets: which rules a run uses, loaded from the catalogue and from
//! the user's rule files, then selected by category, id and confidence.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::allow::{Allowlist, AllowlistSpec};
use super::rule::{Category, Confidence, Rule, RuleError, RuleSpec};
use super::yara::{YaraError, YaraOptions, YaraRules};
use super::{builtin, gitleaks, Detector};

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
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A rule file is not valid TOML of the expected shape.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A rule does not compile.
    #[error("{}: {cause}", path.display())]
    Rule {
        /// The file the rule came from.
        path: PathBuf,
        /// The cause.
        cause: RuleError,
    },
    /// One rule file (or the built-in catalogue, taken as one) defines a
    /// rule id twice; which one was meant cannot be told.
    #[error("{}: rule id {id:?} is defined twice{}", path.display(), first_in(path, first))]
    DuplicateId {
        /// The file with the second definition.
        path: PathBuf,
        /// The id.
        id: String,
        /// The file with the first definition.
        first: PathBuf,
    },
    /// The allowlist does not compile.
    #[error(transparent)]
    Allowlist(#[from] super::allow::AllowlistError),
    /// `--disable` or `--enable` names an unknown rule.
    #[error("unknown rule id {0:?} (see `hamburglar rules list`)")]
    UnknownRule(String),
    /// The YARA rules could not be loaded (or this build has no YARA).
    #[error(transparent)]
    Yara(#[from] YaraError),
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
    /// YARA rules to run too (`--yara`); they are not filtered by
    /// category, id or confidence.
    pub yara: YaraOptions,
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
            yara: YaraOptions::default(),
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
    /// A rule from a foreign format (gitleaks): if it does not compile it
    /// is left out with a warning instead of failing the run.
    pub lenient: bool,
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
    /// Rule ids turned off by the files themselves (gitleaks
    /// `disabledRules`).
    pub disabled: Vec<String>,
    /// What could not be loaded or carried over, for the user to read.
    pub warnings: Vec<String>,
}

impl Catalogue {
    /// Loads the built-in files and the user's files.
    pub fn load(selection: &RuleSelection) -> Result<Catalogue, RuleSetError> {
        let mut cat = Catalogue::default();
        if selection.builtin {
            // The built-in files are one catalogue split by theme: an id in
            // two of them is a mistake, not an override.
            let mut seen = HashMap::new();
            for (name, text) in builtin::files() {
                let origin = PathBuf::from(format!("builtin:{name}"));
                let file = parse_rule_file(&origin, text)?;
                unique_ids(&file, &origin, &mut seen)?;
                cat.add(file, &origin, false);
            }
        }
        for path in &selection.files {
            cat.load_file(path, 0)?;
        }
        for w in &cat.warnings {
            log::warn!("{w}");
        }
        Ok(cat)
    }

    /// Loads one user rule file, in hamburglar's format or gitleaks'.
    fn load_file(&mut self, path: &Path, depth: usize) -> Result<(), RuleSetError> {
        let text = std::fs::read_to_string(path).map_err(|cause| RuleSetError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        if !gitleaks::looks_like_gitleaks(&text) {
            let file = parse_rule_file(path, &text)?;
            unique_ids(&file, path, &mut HashMap::new())?;
            self.add(file, path, false);
            return Ok(());
        }
        let converted = gitleaks::convert(path, &text).map_err(|message| RuleSetError::Parse {
            path: path.to_path_buf(),
            message,
        })?;
        if let Some(base) = &converted.extends {
            if depth < 8 {
                self.load_file(base, depth + 1)?;
            } else {
                self.warnings
                    .push(format!("{}: [extend] nested too deep", path.display()));
            }
        }
        if converted.use_default && !self.rules.iter().any(|r| !r.lenient) {
            self.warnings.push(format!(
                "{}: [extend] useDefault asks for the default rules, but the built-in \
                 rules are off (--no-builtin-rules)",
                path.display()
            ));
        }
        unique_ids(&converted.file, path, &mut HashMap::new())?;
        self.disabled.extend(converted.disabled);
        self.warnings.extend(converted.warnings);
        self.add(converted.file, path, true);
        Ok(())
    }

    /// Adds a file's rules; a rule whose id is already known replaces it.
    /// `lenient` marks rules of a foreign format (see [`SourcedRule`]).
    pub fn add(&mut self, file: RuleFile, origin: &Path, lenient: bool) {
        for spec in file.rules {
            let sourced = SourcedRule {
                spec,
                origin: origin.to_path_buf(),
                lenient,
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
            if !selected(&r.spec, selection) || self.disabled.contains(&r.spec.id) {
                continue;
            }
            match Rule::compile(r.spec.clone()) {
                Ok(rule) => rules.push(rule),
                Err(cause) if r.lenient => {
                    log::warn!("{}: {cause}; the rule is left out", r.origin.display());
                }
                Err(cause) => {
                    return Err(RuleSetError::Rule {
                        path: r.origin.clone(),
                        cause,
                    });
                }
            }
        }
        let allowlist = Allowlist::compile(&self.allowlists)?;
        let yara = YaraRules::load(&selection.yara)?;
        Ok(Detector::new(rules, allowlist).with_yara(yara))
    }
}

/// Fails if a rule of `file` has an id already in `seen` (id to the file
/// that defined it), then records the file's ids there.
///
/// A rule file replacing a rule of another file is an override; the same
/// id twice within one file is an error, since one of the two would be
/// dropped without a word.
fn unique_ids(
    file: &RuleFile,
    origin: &Path,
    seen: &mut HashMap<String, PathBuf>,
) -> Result<(), RuleSetError> {
    for spec in &file.rules {
        if let Some(first) = seen.insert(spec.id.clone(), origin.to_path_buf()) {
            return Err(RuleSetError::DuplicateId {
                path: origin.to_path_buf(),
                id: spec.id.clone(),
                first,
            });
        }
    }
    Ok(())
}

/// Names the file of a first definition when it is another file.
fn first_in(path: &Path, first: &Path) -> String {
    if path == first {
        String::new()
    } else {
        format!(" (first in {})", first.display())
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
