//! Findings: a match of a rule, located in an item of a source.
//!
//! A finding is plain data, serialised the same way by every output
//! format. It always holds the full secret; writers redact it unless the
//! user asked for `--show-secrets`.

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::detect::rule::{Category, RuleMeta};
use crate::detect::Match;
use crate::source::Provenance;

/// The longest `match` text kept in a finding, in characters; a PEM block
/// is cut to this length.
const MAX_MATCH_CHARS: usize = 400;

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The rule: id, description, category, severity, confidence.
    #[serde(flatten)]
    pub rule: Arc<RuleMeta>,
    /// Where the content came from (`source`, `path`, blob, commit).
    #[serde(flatten)]
    pub provenance: Provenance,
    /// First line, 1-based.
    pub line: u32,
    /// First column, 1-based, in characters.
    pub column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column just past the last character.
    pub end_column: u32,
    /// The secret.
    pub secret: String,
    /// The matched text, which contains the secret.
    #[serde(rename = "match")]
    pub matched: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// Stable id: depends on the rule and the secret only, so moving a
    /// secret to another line or file keeps it.
    pub fingerprint: String,
    /// The encoding the text was decoded from, when not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// The parts of a credential of several parts (user name, password),
    /// each hidden on its own in `match` when redacting.
    #[serde(skip)]
    pub parts: Vec<String>,
}

impl Finding {
    /// Locates a match in an item.
    pub fn new(m: &Match, provenance: Provenance) -> Finding {
        Finding {
            fingerprint: fingerprint(&m.rule.id, &m.secret),
            rule: m.rule.clone(),
            provenance,
            line: m.line,
            column: m.column,
            end_line: m.end_line,
            end_column: m.end_column,
            secret: m.secret.clone(),
            matched: m.matched.trim_matches(['\r', '\n']).to_string(),
            entropy: (m.entropy * 1000.0).round() / 1000.0,
            encoding: m.encoding,
            parts: m.parts.clone(),
        }
    }

    /// The finding as it is written out: secrets redacted unless
    /// `show_secrets`, and `match` cut to a readable length. Redaction
    /// comes first, so no cut can leave part of a secret unhidden.
    /// Indicators (`ioc`: emails, addresses, hashes, wallets) are not
    /// secrets and are shown as found.
    pub fn for_output(&self, show_secrets: bool) -> Finding {
        let shown = show_secrets || self.rule.category == Category::Ioc;
        let mut out = if shown { self.clone() } else { self.redacted() };
        if let Some((cut, _)) = out.matched.char_indices().nth(MAX_MATCH_CHARS) {
            out.matched.truncate(cut);
            out.matched.push('…');
        }
        out
    }

    /// A copy with the secret redacted in `secret` and `match`. Should the
    /// secret not appear verbatim in `match`, the whole match is hidden.
    pub fn redacted(&self) -> Finding {
        let hidden = redact(&self.secret);
        let mut matched = self.matched.clone();
        let pieces = if self.parts.is_empty() {
            std::slice::from_ref(&self.secret)
        } else {
            &self.parts[..]
        };
        for piece in pieces.iter().filter(|p| !p.is_empty()) {
            if matched.contains(piece.as_str()) {
                matched = matched.replace(piece.as_str(), &redact(piece));
            } else {
                matched = redact(&matched);
                break;
            }
        }
        Finding {
            secret: hidden,
            matched,
            ..self.clone()
        }
    }
}

/// The stable fingerprint of a secret found by a rule: the first 16 bytes
/// of SHA-256 over `rule id`, a NUL, and the secret, in hex.
pub fn fingerprint(rule: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0]);
    h.update(secret.as_bytes());
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Hides a secret but a short prefix: enough to recognise which key it is
/// (`AKIA****`), never enough to use it. Short secrets keep nothing.
pub fn redact(secret: &str) -> String {
    let chars = secret.chars().count();
    let keep = match chars {
        0..=7 => 0,
        8..=15 => 2,
        _ => 4,
    };
    let prefix: String = secret.chars().take(keep).collect();
    format!("{prefix}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_secrets_never_leak_through_a_cut_match() {
        let secret = "A".repeat(2000);
        let m = Match {
            rule: Arc::new(RuleMeta {
                id: "pem-private-key".into(),
                description: "key".into(),
                category: crate::detect::rule::Category::Secret,
                severity: crate::detect::rule::Severity::High,
                confidence: crate::detect::rule::Confidence::High,
                tags: Vec::new(),
            }),
            secret: secret.clone(),
            parts: Vec::new(),
            matched: format!("-----BEGIN KEY-----\n{secret}\n-----END KEY-----"),
            line: 1,
            column: 1,
            end_line: 3,
            end_column: 18,
            entropy: 0.0,
            encoding: None,
            span: 0..0,
            rank: (
                crate::detect::rule::Confidence::High,
                0,
                std::cmp::Reverse(0),
            ),
            rule_index: None,
        };
        let f = Finding::new(&m, Provenance::Stdin { path: "-".into() });
        let out = f.for_output(false);
        assert!(!out.matched.contains("AAAAA"), "{}", out.matched);
        assert_eq!(out.secret, "AAAA****");
        let shown = f.for_output(true);
        assert!(shown.matched.chars().count() <= MAX_MATCH_CHARS + 1);
    }

    #[test]
    fn redaction_keeps_a_short_prefix() {
        assert_eq!(redact("AKIAQ4TZ7XJ2KD5RMN3W"), "AKIA****");
        assert_eq!(redact("hunter2"), "****");
        assert_eq!(redact("s3cr3tpw9"), "s3****");
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret() {
        let a = fingerprint("aws-access-key-id", "AKIAQ4TZ7XJ2KD5RMN3W");
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint("aws-access-key-id", "AKIAQ4TZ7XJ2KD5RMN3W"));
        assert_ne!(a, fingerprint("generic-secret", "AKIAQ4TZ7XJ2KD5RMN3W"));
        assert_ne!(a, fingerprint("aws-access-key-id", "AKIAQ4TZ7XJ2KD5RMN3X"));
    }
}
