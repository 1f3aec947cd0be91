//! Rules: what a secret looks like, as data.
//!
//! A rule is written in TOML (see the README for the format) and compiled
//! once per run into a [`Rule`]: a linear-time `regex::bytes` pattern plus
//! the filters that decide whether a match is a real secret (entropy,
//! checksum validator, placeholder filter, allowlist).

use std::fmt;
use std::sync::Arc;

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::validate::Validator;

/// The compiled-size limit of one rule's regex. A user pattern that blows
/// past it is rejected when the rules load, never at scan time.
pub const REGEX_SIZE_LIMIT: usize = 10 << 20;

/// What kind of thing a rule finds; decides whether it runs by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Credentials: on by default.
    Secret,
    /// Indicators (emails, IPs, URLs, hashes, wallets): off by default.
    Ioc,
    /// Personal data (cards, IBANs, national ids): off by default.
    Pii,
}

impl Category {
    /// The name used in output and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Ioc => "ioc",
            Category::Pii => "pii",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a finding is, from `info` to `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, not a risk by itself.
    Info,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Immediate, broad compromise.
    Critical,
}

impl Severity {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How likely a match of the rule is a true positive.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often noise; shown only when asked for.
    Low,
    /// Usually right.
    Medium,
    /// A distinctive format; almost never wrong.
    High,
}

impl Confidence {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// A rule as written in a rule file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id, kebab-case.
    pub id: String,
    /// One line saying what the rule finds.
    pub description: String,
    /// `secret`, `ioc` or `pii`.
    pub category: Category,
    /// How bad a finding is.
    pub severity: Severity,
    /// How likely a finding is real.
    pub confidence: Confidence,
    /// Literals of which at least one must occur (ASCII-case-insensitive)
    /// for the regex to run; empty means the regex always runs.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The pattern, `regex` crate syntax, over raw bytes. A rule without
    /// one must have a `path`: it then reports matching files themselves.
    #[serde(default)]
    pub regex: Option<String>,
    /// A regex on the item's path (`/`-separated): the rule applies only
    /// to matching paths.
    #[serde(default)]
    pub path: Option<String>,
    /// The capture group holding the secret (by default the first group
    /// that took part in the match, or the whole match when the regex has
    /// none); or a list of groups for a credential made of parts, such as
    /// `[1, 2]` for a user name and its password: the secret is then the
    /// parts joined by `:`, it spans from the first to the last, and the
    /// filters (entropy, placeholders, allowlists) judge the last part.
    #[serde(default)]
    pub secret_group: Option<SecretGroup>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// A checksum the secret must pass.
    #[serde(default)]
    pub validator: Option<Validator>,
    /// Drop values that look like placeholders (`changeme`, `${VAR}`).
    #[serde(default)]
    pub filter_placeholders: bool,
    /// Strings that must produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Strings that must not produce a finding of this rule.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Secrets this rule never reports.
    #[serde(default)]
    pub allowlist: Option<RuleAllowlist>,
}

/// The capture group(s) of a rule's secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum SecretGroup {
    /// One group (0 = the whole match).
    One(usize),
    /// Several groups forming one credential (user name, password).
    Parts(Vec<usize>),
}

/// A rule's own allowlist.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleAllowlist {
    /// A secret matching any of these is dropped.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// A secret containing any of these (ASCII-case-insensitive) is dropped.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// A finding whose line matches any of these regexes is dropped.
    #[serde(default)]
    pub lines: Vec<String>,
    /// A finding in a path matching any of these regexes is dropped.
    #[serde(default)]
    pub paths: Vec<String>,
}

/// The parts of a rule that every finding of it repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// The rule id.
    #[serde(rename = "rule")]
    pub id: String,
    /// What the rule finds.
    pub description: String,
    /// The rule's category.
    pub category: Category,
    /// How bad a finding is.
    pub severity: Severity,
    /// How likely a finding is real.
    pub confidence: Confidence,
    /// Tags (YARA rules carry them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// A compiled rule, shared read-only by every worker.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// What every finding of this rule says about it.
    pub meta: Arc<RuleMeta>,
    /// The compiled pattern (`None` for a path-only rule).
    pub regex: Option<Regex>,
    /// The compiled path restriction.
    pub path: Option<Regex>,
    /// Compiled allowlist regexes on the line.
    pub allow_lines: Vec<Regex>,
    /// Compiled allowlist regexes on the path.
    pub allow_paths: Vec<Regex>,
    /// The capture groups of the secret; empty means the first group that
    /// took part (or the whole match for a regex without groups).
    pub secret_groups: Vec<usize>,
    /// Compiled allowlist regexes.
    pub allow_regexes: Vec<Regex>,
    /// Lowercased stopwords.
    pub stopwords: Vec<Vec<u8>>,
}

/// Why a rule could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The regex does not parse or is too big.
    #[error("rule {id}: bad regex: {cause}")]
    Regex {
        /// The rule id.
        id: String,
        /// The regex error (includes size-limit overflows).
        cause: regex::Error,
    },
    /// `secret_group` names a group the regex does not have.
    #[error("rule {id}: secret_group {group} but the regex has {groups} groups")]
    Group {
        /// The rule id.
        id: String,
        /// The group asked for.
        group: usize,
        /// The groups the regex has.
        groups: usize,
    },
    /// Neither `regex` nor `path` is given.
    #[error("rule {0}: needs a regex or a path")]
    Empty(String),
    /// A keyword is empty or not ASCII.
    #[error("rule {id}: keyword {keyword:?} must be non-empty ASCII")]
    Keyword {
        /// The rule id.
        id: String,
        /// The offending keyword.
        keyword: String,
    },
}

/// Compiles a user or built-in pattern with the size limit.
pub fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(2 << 20)
        .build()
}

impl Rule {
    /// Compiles a rule spec.
    pub fn compile(spec: RuleSpec) -> Result<Rule, RuleError> {
        let id = spec.id.clone();
        let compile = |p: &String| {
            compile_regex(p).map_err(|cause| RuleError::Regex {
                id: id.clone(),
                cause,
            })
        };
        let regex = spec.regex.as_ref().map(compile).transpose()?;
        let path = spec.path.as_ref().map(compile).transpose()?;
        if regex.is_none() && path.is_none() {
            return Err(RuleError::Empty(id));
        }
        let groups = regex.as_ref().map_or(0, |r| r.captures_len() - 1);
        let secret_groups = match &spec.secret_group {
            None => Vec::new(),
            Some(SecretGroup::One(g)) => vec![*g],
            Some(SecretGroup::Parts(gs)) => gs.clone(),
        };
        if let Some(&group) = secret_groups.iter().find(|&&g| g > groups) {
            return Err(RuleError::Group { id, group, groups });
        }
        if let Some(k) = spec.keywords.iter().find(|k| k.is_empty() || !k.is_ascii()) {
            return Err(RuleError::Keyword {
                id,
                keyword: k.clone(),
            });
        }
        let allow = spec.allowlist.clone().unwrap_or_default();
        let all = |ps: &[String]| ps.iter().map(compile).collect::<Result<Vec<_>, _>>();
        let allow_regexes = all(&allow.regexes)?;
        let allow_lines = all(&allow.lines)?;
        let allow_paths = all(&allow.paths)?;
        let stopwords = allow
            .stopwords
            .iter()
            .map(|s| s.to_ascii_lowercase().into_bytes());
        let meta = Arc::new(RuleMeta {
            id: spec.id.clone(),
            description: spec.description.clone(),
            category: spec.category,
            severity: spec.severity,
            confidence: spec.confidence,
            tags: Vec::new(),
        });
        Ok(Rule {
            meta,
            regex,
            path,
            secret_groups,
            allow_regexes,
            allow_lines,
            allow_paths,
            stopwords: stopwords.collect(),
            spec,
        })
    }

    /// True if the rule applies to an item at `path`: its path regex (if
    /// any) matches and its allowlist does not exclude the path.
    pub fn applies_to(&self, path: &str) -> bool {
        let p = path.as_bytes();
        self.path.as_ref().is_none_or(|r| r.is_match(p))
            && !self.allow_paths.iter().any(|r| r.is_match(p))
    }

    /// True if the rule's own allowlist drops `secret` found on `line`.
    pub fn allows(&self, secret: &[u8], line: &[u8]) -> bool {
        self.allow_regexes.iter().any(|r| r.is_match(secret))
            || self.allow_lines.iter().any(|r| r.is_match(line))
            || self
                .stopwords
                .iter()
                .any(|w| contains_ignore_case(secret, w))
    }
}

/// ASCII-case-insensitive substring test; `needle` must be lowercase.
pub(crate) fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    if needle.is_empty() {
        return true;
    }
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}
