//! Findings: a match of a rule, located in an item of a source.
//!
//! A finding is plain data, serialised the same way by every output
//! format. It always holds the full secret; writers redact it unless the
//! user asked for `--show-secrets`.

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::detect::rule::RuleMeta;
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
}

impl Finding {
    /// Locates a match in an item.
    pub fn new(m: &Match, provenance: Provenance) -> Finding {
        let mut matched = m.matched.clone();
        if let Some((cut, _)) = matched.char_indices().nth(MAX_MATCH_CHARS) {
            matched.truncate(cut);
            matched.push('…');
        }
        Finding {
            fingerprint: fingerprint(&m.rule.id, &m.secret),
            rule: m.rule.clone(),
            provenance,
            line: m.line,
            column: m.column,
            end_line: m.end_line,
            end_column: m.end_column,
            secret: m.secret.clone(),
            matched,
            entropy: (m.entropy * 1000.0).round() / 1000.0,
            encoding: m.encoding,
        }
    }

    /// A copy with the secret redacted in `secret` and `match`.
    pub fn redacted(&self) -> Finding {
        let hidden = redact(&self.secret);
        let matched = if self.secret.is_empty() {
            self.matched.clone()
        } else {
            self.matched.replace(&self.secret, &hidden)
        };
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
