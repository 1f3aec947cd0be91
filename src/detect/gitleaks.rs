//! Gitleaks-format rule files, so users can bring their configuration.
//!
//! A gitleaks config (`[[rules]]` with `regex`, `secretGroup`, `entropy`,
//! `keywords`, `path`, `[[rules.allowlists]]` or `[rules.allowlist]`, a
//! global `[allowlist]` or `[[allowlists]]`, and `[extend]`) is converted
//! into hamburglar's own rule model. What does not carry over is said in
//! warnings, never silently dropped:
//!
//! - gitleaks rules have no category, severity or confidence: they load as
//!   `secret`, `high`, `medium`;
//! - `[extend] useDefault = true` means hamburglar's built-in catalogue
//!   (gitleaks' own defaults are not shipped); `[extend] path` loads that
//!   file too; `disabledRules` turns rules off;
//! - allowlists with `condition = "AND"` cannot be expressed and are left
//!   out (so more is reported, never less); `commits` allowlists apply to
//!   nothing here; `regexTarget = "match"` is checked against the secret.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::allow::AllowlistSpec;
use super::rule::{Category, Confidence, RuleAllowlist, RuleSpec, SecretGroup, Severity};
use super::ruleset::RuleFile;

/// A gitleaks configuration file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    extend: Option<Extend>,
    #[serde(default)]
    allowlist: Option<Allow>,
    #[serde(default)]
    allowlists: Vec<Allow>,
    #[serde(default)]
    rules: Vec<Rule>,
}

/// `[extend]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

/// One `[[rules]]` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<Allow>,
    #[serde(default)]
    allowlists: Vec<Allow>,
}

/// An allowlist, global or per rule.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Allow {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
}

/// A converted gitleaks file.
#[derive(Debug, Default)]
pub struct Converted {
    /// The rules and global allowlist in hamburglar's model.
    pub file: RuleFile,
    /// `[extend] useDefault`: also use the built-in catalogue.
    pub use_default: bool,
    /// `[extend] path`: another config to load first.
    pub extends: Option<PathBuf>,
    /// Rules turned off by `[extend] disabledRules`.
    pub disabled: Vec<String>,
    /// What did not carry over.
    pub warnings: Vec<String>,
}

/// True if `text` looks like a gitleaks config rather than hamburglar's
/// own format (camelCase keys, `[extend]`, `title`, or rules without a
/// category).
pub fn looks_like_gitleaks(text: &str) -> bool {
    let Ok(value) = text.parse::<toml::Table>() else {
        return false;
    };
    if value.contains_key("extend") || value.contains_key("title") {
        return true;
    }
    let rules = value.get("rules").and_then(|r| r.as_array());
    rules.is_some_and(|rs| {
        rs.iter().any(|r| {
            let t = r.as_table();
            t.is_some_and(|t| !t.contains_key("category") || t.contains_key("secretGroup"))
        })
    })
}

/// Converts a gitleaks config; `path` names it in messages and anchors a
/// relative `[extend] path`.
pub fn convert(path: &Path, text: &str) -> Result<Converted, String> {
    let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Converted::default();
    let _ = config.title;
    if let Some(ext) = config.extend {
        out.use_default = ext.use_default;
        out.extends = ext
            .path
            .map(|p| path.parent().unwrap_or(Path::new(".")).join(p));
        out.disabled = ext.disabled_rules;
    }
    let globals = config.allowlist.into_iter().chain(config.allowlists);
    let mut global = AllowlistSpec::default();
    for allow in globals {
        let what = format!("{}: global allowlist", path.display());
        let Some(a) = usable(allow, &what, &mut out.warnings) else {
            continue;
        };
        global
            .path_regexes
            .extend(a.paths.iter().map(|p| go_regex_to_rust(p)));
        global.stopwords.extend(a.stopwords);
        let regexes = a.regexes.iter().map(|p| go_regex_to_rust(p));
        match a.regex_target.as_deref() {
            Some("line") => global.lines.extend(regexes),
            _ => global.regexes.extend(regexes),
        }
    }
    out.file.allowlist = Some(global);
    for rule in config.rules {
        out.file
            .rules
            .push(convert_rule(path, rule, &mut out.warnings));
    }
    Ok(out)
}

/// Converts one rule.
fn convert_rule(path: &Path, rule: Rule, warnings: &mut Vec<String>) -> RuleSpec {
    let mut allow = RuleAllowlist::default();
    for a in rule.allowlist.into_iter().chain(rule.allowlists) {
        let what = format!("{}: rule {} allowlist", path.display(), rule.id);
        let Some(a) = usable(a, &what, warnings) else {
            continue;
        };
        allow
            .paths
            .extend(a.paths.iter().map(|p| go_regex_to_rust(p)));
        allow.stopwords.extend(a.stopwords);
        let regexes = a.regexes.iter().map(|p| go_regex_to_rust(p));
        match a.regex_target.as_deref() {
            Some("line") => allow.lines.extend(regexes),
            _ => allow.regexes.extend(regexes),
        }
    }
    let mut description = rule.description.unwrap_or_else(|| rule.id.clone());
    if !rule.tags.is_empty() {
        description.push_str(&format!(" [{}]", rule.tags.join(", ")));
    }
    RuleSpec {
        id: rule.id,
        description,
        category: Category::Secret,
        severity: Severity::High,
        confidence: Confidence::Medium,
        keywords: rule
            .keywords
            .into_iter()
            .map(|k| k.to_ascii_lowercase())
            .collect(),
        regex: rule.regex.map(|r| go_regex_to_rust(&r)),
        path: rule.path.map(|r| go_regex_to_rust(&r)),
        secret_group: rule.secret_group.filter(|&g| g > 0).map(SecretGroup::One),
        entropy: rule.entropy,
        validator: None,
        filter_placeholders: false,
        examples: Vec::new(),
        negative_examples: Vec::new(),
        allowlist: Some(allow),
    }
}

/// Returns the allowlist if it can be honoured, warning otherwise.
fn usable(a: Allow, what: &str, warnings: &mut Vec<String>) -> Option<Allow> {
    let _ = &a.description;
    if a.condition
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("and"))
    {
        warnings.push(format!(
            "{what}: condition = \"AND\" is not supported; the allowlist is ignored \
             (findings it would hide are reported)"
        ));
        return None;
    }
    if !a.commits.is_empty() {
        warnings.push(format!("{what}: `commits` entries are ignored"));
    }
    Some(a)
}

/// Rewrites a Go (RE2) pattern for the `regex` crate.
///
/// Two differences matter in gitleaks configs: RE2's `\w`, `\d`, `\s` and
/// `\b` are ASCII-only, where the `regex` crate's are Unicode-aware (and a
/// `[\w-]{50,1000}` over Unicode classes blows past the size limit); and
/// RE2 takes a `{` that starts no valid repetition as a literal, where the
/// `regex` crate rejects it.
pub fn go_regex_to_rust(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut class_depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let e = chars[i + 1];
                out.push_str(&ascii_escape(e, class_depth > 0));
                i += 2;
                continue;
            }
            '[' if class_depth > 0 && chars.get(i + 1) == Some(&':') => {
                // A POSIX class such as [:alnum:] inside a bracket.
                let end = chars[i..].iter().collect::<String>().find(":]");
                if let Some(end) = end {
                    out.extend(&chars[i..i + end + 2]);
                    i += end + 2;
                    continue;
                }
                out.push(c);
            }
            '[' => {
                out.push(c);
                class_depth += 1;
                // A `]` or `^]` right after the opening bracket is literal.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            '{' if class_depth == 0 && !is_repetition(&chars[i..]) => out.push_str("\\{"),
            '}' if class_depth == 0 && !closes_repetition(&out) => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The ASCII meaning of an escape, as RE2 gives it.
fn ascii_escape(e: char, in_class: bool) -> String {
    match (e, in_class) {
        ('w', false) => "[0-9A-Za-z_]".into(),
        ('w', true) => "0-9A-Za-z_".into(),
        ('d', false) => "[0-9]".into(),
        ('d', true) => "0-9".into(),
        ('s', false) => r"[\t\n\f\r ]".into(),
        ('s', true) => r"\t\n\f\r ".into(),
        ('W', false) => "[^0-9A-Za-z_]".into(),
        ('D', false) => "[^0-9]".into(),
        ('S', false) => r"[^\t\n\f\r ]".into(),
        ('b', false) => r"(?-u:\b)".into(),
        ('B', false) => r"(?-u:\B)".into(),
        _ => format!("\\{e}"),
    }
}

/// True if `rest` (starting at `{`) is `{n}`, `{n,}` or `{n,m}`.
fn is_repetition(rest: &[char]) -> bool {
    let Some(end) = rest.iter().position(|&c| c == '}') else {
        return false;
    };
    let inner: String = rest[1..end].iter().collect();
    let mut parts = inner.splitn(2, ',');
    let min = parts.next().unwrap_or("");
    let max = parts.next();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    digits(min) && max.is_none_or(|m| m.is_empty() || digits(m))
}

/// True if the `}` about to be written closes a repetition in `out`.
fn closes_repetition(out: &str) -> bool {
    let Some(open) = out.rfind('{') else {
        return false;
    };
    if out[..open].ends_with('\\') {
        return false;
    }
    let inner = &out[open + 1..];
    !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_patterns_become_ascii_and_literal_braces() {
        assert_eq!(go_regex_to_rust(r"a\w{3}"), "a[0-9A-Za-z_]{3}");
        assert_eq!(go_regex_to_rust(r"[\w.-]{2,}"), "[0-9A-Za-z_.-]{2,}");
        assert_eq!(
            go_regex_to_rust(r"^\$(?:\d+|{\d+})$"),
            r"^\$(?:[0-9]+|\{[0-9]+\})$"
        );
        assert_eq!(go_regex_to_rust(r"\{\{x}}"), r"\{\{x\}\}");
        assert_eq!(go_regex_to_rust(r"[[:alnum:]]+\b"), r"[[:alnum:]]+(?-u:\b)");
        assert_eq!(go_regex_to_rust(r"[]a]"), r"[\]a]");
        for p in [r"^\$(?:\d+|{\d+})$", r"['\x22]?\$?{{[^}]+}}", r"x{1,3}y{2}"] {
            regex::bytes::Regex::new(&go_regex_to_rust(p)).unwrap();
        }
    }
}
