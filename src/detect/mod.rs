//! Detection: from bytes to matches.
//!
//! A [`Detector`] holds the compiled rules of a run, the keyword
//! prefilter, the global allowlist and (with the `yara` feature) the
//! compiled YARA rules. Workers share one detector read-only; each keeps
//! its own [`DetectScratch`] for per-thread state.

pub mod allow;
pub mod builtin;
pub mod entropy;
pub mod gitleaks;
pub mod lines;
pub mod matcher;
pub mod placeholder;
pub mod rule;
pub mod ruleset;
pub mod validate;
pub mod yara;

use std::sync::Arc;

use crate::read::{self, Text};
use allow::{line_is_suppressed, Allowlist};
use lines::LineIndex;
use matcher::{Candidates, Prefilter};
use rule::{Rule, RuleMeta};
use yara::{YaraRules, YaraScanner};

/// One accepted match in one buffer: a finding without provenance.
///
/// Matches of a content-addressed item (a git blob) are cached and reused
/// for every commit that introduces the same blob.
#[derive(Debug, Clone)]
pub struct Match {
    /// The rule that matched.
    pub rule: Arc<RuleMeta>,
    /// The secret (lossy UTF-8).
    pub secret: String,
    /// The whole matched text (lossy UTF-8), which contains the secret.
    pub matched: String,
    /// First line of the match, 1-based.
    pub line: u32,
    /// Column of the first character, 1-based.
    pub column: u32,
    /// Last line of the match.
    pub end_line: u32,
    /// Column just past the last character.
    pub end_column: u32,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// The text encoding the item was decoded from, when not UTF-8.
    pub encoding: Option<&'static str>,
    /// Byte range of the secret in the scanned text.
    pub span: std::ops::Range<usize>,
    /// The rule's confidence, the match length and the rule's catalogue
    /// position, to rank overlaps.
    rank: (rule::Confidence, usize, std::cmp::Reverse<u32>),
    /// The index of the rule in the detector (`None` for YARA rules).
    rule_index: Option<u32>,
}

/// What kind of content a buffer turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// Text (after decoding): the text rules ran.
    Text,
    /// Binary: the text rules did not run (unless asked to).
    Binary,
}

/// The rules of a run, compiled, with their prefilter.
pub struct Detector {
    rules: Vec<Rule>,
    prefilter: Prefilter,
    allowlist: Allowlist,
    yara: YaraRules,
}

/// Per-worker scratch space. It holds the thread's YARA scanner, which
/// cannot move between threads, so a scratch stays on the thread that
/// made it.
#[derive(Default)]
pub struct DetectScratch {
    candidates: Candidates,
    yara: YaraScanner,
    deadline: Option<std::time::Instant>,
    timed_out: bool,
}

impl DetectScratch {
    /// Gives the next item at most `budget` of rule matching; `None`
    /// means no limit.
    pub fn set_budget(&mut self, budget: Option<std::time::Duration>) {
        self.deadline = budget.map(|b| std::time::Instant::now() + b);
        self.timed_out = false;
    }

    /// True if the last scan stopped because its time budget ran out.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// Checks the budget, remembering when it ran out.
    fn over_budget(&mut self) -> bool {
        if self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            self.timed_out = true;
        }
        self.timed_out
    }
}

impl Detector {
    /// Builds a detector over compiled rules and a global allowlist.
    pub fn new(rules: Vec<Rule>, allowlist: Allowlist) -> Detector {
        let prefilter = Prefilter::new(&rules);
        Detector {
            rules,
            prefilter,
            allowlist,
            yara: YaraRules::default(),
        }
    }

    /// Adds YARA rules, which run on the raw bytes of every item.
    pub fn with_yara(mut self, yara: YaraRules) -> Detector {
        self.yara = yara;
        self
    }

    /// The YARA rules (inactive unless `--yara` was given).
    pub fn yara(&self) -> &YaraRules {
        &self.yara
    }

    /// The rules, in catalogue order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The indexes of rules without keywords (they run on every item).
    pub fn unkeyed_rules(&self) -> &[u32] {
        self.prefilter.unkeyed()
    }

    /// True if the global allowlist excludes this path from scanning.
    pub fn allows_path(&self, path: &str) -> bool {
        self.allowlist.allows_path(path.as_bytes())
    }

    /// Scans an item's raw bytes: the YARA rules (if any) run on the
    /// bytes as they are, text or binary; then the text is decoded
    /// (UTF-16, legacy encodings) and the text rules run on it. Binary
    /// content is left to the YARA rules unless `binary_as_text`.
    ///
    /// A YARA scan that runs past its timeout ends the item's scan like
    /// an exhausted time budget: [`DetectScratch::timed_out`] turns true.
    pub fn scan(
        &self,
        raw: &[u8],
        binary_as_text: bool,
        scratch: &mut DetectScratch,
        out: &mut Vec<Match>,
    ) -> ContentKind {
        if self.yara.scan(raw, &mut scratch.yara, out) {
            scratch.timed_out = true;
        }
        match read::decode(raw) {
            Text::Binary => {
                if binary_as_text {
                    self.scan_text(raw, None, scratch, out);
                }
                ContentKind::Binary
            }
            Text::Text { text, encoding } => {
                self.scan_text(&text, encoding, scratch, out);
                ContentKind::Text
            }
        }
    }

    /// Finds every accepted match of every rule in `text`, appending to
    /// `out`. `encoding` is recorded on each match.
    pub fn scan_text(
        &self,
        text: &[u8],
        encoding: Option<&'static str>,
        scratch: &mut DetectScratch,
        out: &mut Vec<Match>,
    ) {
        self.prefilter.candidates(text, &mut scratch.candidates);
        let mut lines: Option<LineIndex> = None;
        let first = out.len();
        let candidates = std::mem::take(&mut scratch.candidates);
        for &r in candidates.rules() {
            if scratch.over_budget() {
                break;
            }
            let rule = &self.rules[r as usize];
            self.scan_rule(r, rule, text, encoding, &mut lines, out);
        }
        scratch.candidates = candidates;
        dedup_overlaps(out, first);
    }

    /// The ids of the rules the keyword prefilter picks for `text`.
    pub fn candidate_rules(&self, text: &[u8], scratch: &mut DetectScratch) -> Vec<&str> {
        self.prefilter.candidates(text, &mut scratch.candidates);
        let ids = scratch.candidates.rules().iter();
        ids.map(|&r| self.rules[r as usize].meta.id.as_str())
            .collect()
    }

    /// Runs the rule at `index` alone over `text`, if the prefilter picks
    /// it: what `rules check` uses to test a rule against its examples
    /// without other rules winning overlaps.
    pub fn scan_one_rule(
        &self,
        index: usize,
        text: &[u8],
        scratch: &mut DetectScratch,
        out: &mut Vec<Match>,
    ) {
        self.prefilter.candidates(text, &mut scratch.candidates);
        if scratch.candidates.rules().contains(&(index as u32)) {
            let rule = &self.rules[index];
            self.scan_rule(index as u32, rule, text, None, &mut None, out);
        }
    }

    /// Runs one rule over `text`.
    fn scan_rule(
        &self,
        index: u32,
        rule: &Rule,
        text: &[u8],
        encoding: Option<&'static str>,
        lines: &mut Option<LineIndex>,
        out: &mut Vec<Match>,
    ) {
        let Some(regex) = &rule.regex else {
            return;
        };
        let mut locs = regex.capture_locations();
        let mut at = 0;
        while at <= text.len() {
            let Some(whole) = regex.captures_read_at(&mut locs, text, at) else {
                break;
            };
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.end() + 1
            };
            let group = match rule.spec.secret_group {
                // By default the secret is the first group that took part.
                None if locs.len() > 1 => (1..locs.len()).find(|&g| locs.get(g).is_some()),
                _ => Some(rule.secret_group),
            };
            let Some((s, e)) = group.and_then(|g| locs.get(g)) else {
                continue;
            };
            let secret = &text[s..e];
            if !self.accepts(rule, secret) {
                continue;
            }
            let lines = lines.get_or_insert_with(|| LineIndex::new(text));
            // The finding spans the whole match (a user name and password
            // pair covers both lines), as other scanners report it.
            let (ms, me) = (whole.start(), whole.end());
            let start = lines.position(text, ms);
            // A match that ends with a newline ends on the line it closes.
            let end_at = if text[..me].ends_with(b"\n") && me > ms {
                me - 1
            } else {
                me
            };
            let end = lines.position(text, end_at);
            let line_text = lines.line_bytes(text, lines.position(text, s).line);
            if line_is_suppressed(line_text)
                || self.allowlist.allows(secret, line_text)
                || rule.allows(secret, line_text)
            {
                continue;
            }
            out.push(Match {
                rule: rule.meta.clone(),
                secret: String::from_utf8_lossy(secret).into_owned(),
                matched: String::from_utf8_lossy(&text[whole.start()..whole.end()]).into_owned(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                entropy: entropy::shannon(secret),
                encoding,
                span: s..e,
                rank: (rule.spec.confidence, me - ms, std::cmp::Reverse(index)),
                rule_index: Some(index),
            });
        }
    }

    /// The rule-level filters: entropy, checksum, placeholders, allowlist.
    fn accepts(&self, rule: &Rule, secret: &[u8]) -> bool {
        if secret.is_empty() {
            return false;
        }
        if rule
            .spec
            .entropy
            .is_some_and(|min| entropy::shannon(secret) < min)
        {
            return false;
        }
        if rule.spec.validator.is_some_and(|v| !v.check(secret)) {
            return false;
        }
        !(rule.spec.filter_placeholders && placeholder::is_placeholder(secret))
    }

    /// True if a match (made without regard to the path, and perhaps
    /// cached for a blob seen under another name) may be reported for an
    /// item at `path`: the rule's path restriction and path allowlist.
    pub fn applies_to(&self, m: &Match, path: &str) -> bool {
        m.rule_index
            .is_none_or(|i| self.rules[i as usize].applies_to(path))
    }

    /// Findings of path-only rules (a rule with a `path` and no `regex`
    /// reports the file itself, e.g. a `.p12` keystore).
    pub fn path_matches(&self, path: &str) -> Vec<Match> {
        let mut out = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.regex.is_some() || !rule.applies_to(path) {
                continue;
            }
            out.push(Match {
                rule: rule.meta.clone(),
                secret: path.to_string(),
                matched: path.to_string(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                entropy: entropy::shannon(path.as_bytes()),
                encoding: None,
                span: 0..0,
                rank: (rule.spec.confidence, 0, std::cmp::Reverse(i as u32)),
                rule_index: Some(i as u32),
            });
        }
        out
    }
}

/// Keeps one match per secret: where the secrets of two matches overlap,
/// the match of the more confident rule wins, then the longer match (it
/// shows more context, such as the user name of a password), then the
/// earlier rule of the catalogue; so a token caught by its provider's rule
/// is not reported again by a generic assignment rule.
fn dedup_overlaps(out: &mut Vec<Match>, first: usize) {
    let found = &mut out[first..];
    if found.len() < 2 {
        return;
    }
    found.sort_by(|a, b| b.rank.cmp(&a.rank).then(a.span.start.cmp(&b.span.start)));
    let mut kept: Vec<Match> = Vec::with_capacity(found.len());
    for m in out.drain(first..) {
        let overlaps = |k: &Match| m.span.start < k.span.end && k.span.start < m.span.end;
        if !kept.iter().any(overlaps) {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| m.span.start);
    out.extend(kept);
}
