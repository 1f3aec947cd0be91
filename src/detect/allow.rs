//! Allowlists: what is never reported.
//!
//! Three layers, checked after a rule matches: a marker comment on the
//! matched line (`hamburglar:allow`, and the `gitleaks:allow` and
//! `pragma: allowlist secret` markers of other scanners so users can
//! migrate), the global [`Allowlist`] (path globs, regexes on the secret or
//! the line, stopwords), and each rule's own allowlist.

use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;
use serde::Deserialize;

use super::rule::{compile_regex, contains_ignore_case};

/// Markers that suppress findings on their line.
const INLINE_MARKERS: [&[u8]; 3] = [
    b"hamburglar:allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
];

/// True if `line` carries an inline suppression marker.
pub fn line_is_suppressed(line: &[u8]) -> bool {
    INLINE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(line, m).is_some())
}

/// The global allowlist as written in a rule file (`[allowlist]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSpec {
    /// What the allowlist is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Gitignore-style globs of paths never scanned.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes on paths never scanned (what gitleaks configs use).
    #[serde(default)]
    pub path_regexes: Vec<String>,
    /// A secret matching any of these is dropped.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// A finding whose line matches any of these is dropped.
    #[serde(default)]
    pub lines: Vec<String>,
    /// A secret containing any of these (ASCII-case-insensitive) is dropped.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

/// The compiled global allowlist.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    paths: Option<GlobSet>,
    path_regexes: Vec<Regex>,
    regexes: Vec<Regex>,
    lines: Vec<Regex>,
    stopwords: Vec<Vec<u8>>,
}

/// Why an allowlist could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum AllowlistError {
    /// A path glob is malformed.
    #[error("allowlist path {0:?}: {1}")]
    Glob(String, globset::Error),
    /// A regex is malformed or too big.
    #[error("allowlist regex {0:?}: {1}")]
    Regex(String, regex::Error),
}

impl Allowlist {
    /// Compiles and merges allowlist specs.
    pub fn compile<'a>(
        specs: impl IntoIterator<Item = &'a AllowlistSpec>,
    ) -> Result<Allowlist, AllowlistError> {
        let mut globs = GlobSetBuilder::new();
        let mut any_glob = false;
        let mut out = Allowlist::default();
        let regex = |p: &String| compile_regex(p).map_err(|e| AllowlistError::Regex(p.clone(), e));
        for spec in specs {
            for p in &spec.paths {
                let g = GlobBuilder::new(&gitignore_style(p))
                    .literal_separator(true)
                    .build()
                    .map_err(|e| AllowlistError::Glob(p.clone(), e))?;
                globs.add(g);
                any_glob = true;
            }
            for p in &spec.path_regexes {
                out.path_regexes.push(regex(p)?);
            }
            for p in &spec.regexes {
                out.regexes.push(regex(p)?);
            }
            for p in &spec.lines {
                out.lines.push(regex(p)?);
            }
            out.stopwords.extend(
                spec.stopwords
                    .iter()
                    .map(|s| s.to_ascii_lowercase().into_bytes()),
            );
        }
        if any_glob {
            let set = globs
                .build()
                .map_err(|e| AllowlistError::Glob(String::new(), e))?;
            out.paths = Some(set);
        }
        Ok(out)
    }

    /// True if the path (relative, `/`-separated) is never scanned.
    pub fn allows_path(&self, path: &[u8]) -> bool {
        self.paths
            .as_ref()
            .is_some_and(|set| set.is_match_candidate(&Candidate::from_bytes(path)))
            || self.path_regexes.iter().any(|r| r.is_match(path))
    }

    /// True if a finding with this secret on this line is dropped.
    pub fn allows(&self, secret: &[u8], line: &[u8]) -> bool {
        self.regexes.iter().any(|r| r.is_match(secret))
            || self.lines.iter().any(|r| r.is_match(line))
            || self
                .stopwords
                .iter()
                .any(|w| contains_ignore_case(secret, w))
    }
}

/// Turns a gitignore-style glob into a globset pattern: a glob without a
/// slash matches at any depth, a leading slash anchors it at the root.
pub fn gitignore_style(glob: &str) -> String {
    let trimmed = glob.trim_end_matches('/');
    if let Some(anchored) = trimmed.strip_prefix('/') {
        anchored.to_string()
    } else if trimmed.contains('/') || trimmed.starts_with("**") {
        trimmed.to_string()
    } else {
        format!("**/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markers() {
        assert!(line_is_suppressed(b"key = 'x' # hamburglar:allow"));
        assert!(line_is_suppressed(b"key = 'x' // gitleaks:allow"));
        assert!(line_is_suppressed(b"key = 'x'  # pragma: allowlist secret"));
        assert!(!line_is_suppressed(b"key = 'x'"));
    }

    #[test]
    fn path_globs_are_gitignore_like() {
        let spec = AllowlistSpec {
            paths: vec!["*.lock".into(), "/vendor/**".into()],
            ..Default::default()
        };
        let allow = Allowlist::compile([&spec]).unwrap();
        assert!(allow.allows_path(b"Cargo.lock"));
        assert!(allow.allows_path(b"a/b/yarn.lock"));
        assert!(allow.allows_path(b"vendor/x/y.go"));
        assert!(!allow.allows_path(b"src/vendor/y.go"));
        assert!(!allow.allows_path(b"src/main.rs"));
    }
}
