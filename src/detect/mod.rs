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
    /// The secret (lossy UTF-8); for a credential of several parts, the
    /// parts joined by `:`.
    pub secret: String,
    /// The parts of a credential of several parts (empty otherwise).
    pub parts: Vec<String>,
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
    pub(crate) rank: (rule::Confidence, usize, std::cmp::Reverse<u32>),
    /// The index of the rule in the detector (`None` for YARA rules).
    pub(crate) rule_index: Option<u32>,
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
    /// Rules with a `path` and no `regex`, which never run on content.
    path_only: Vec<u32>,
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
    interrupt: Option<Interrupt>,
}

/// A check that tells a long scan to stop early (a cancelled run).
pub type Interrupt = std::sync::Arc<dyn Fn() -> bool + Send + Sync>;

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
        let late = self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d);
        if late || self.interrupt.as_ref().is_some_and(|stop| stop()) {
            self.timed_out = true;
        }
        self.timed_out
    }

    /// Stops every later scan early once `interrupt` returns true.
    pub fn set_interrupt(&mut self, interrupt: Interrupt) {
        self.interrupt = Some(interrupt);
    }
}

impl Detector {
    /// Builds a detector over compiled rules and a global allowlist.
    pub fn new(rules: Vec<Rule>, allowlist: Allowlist) -> Detector {
        let prefilter = Prefilter::new(&rules);
        let path_only = (0..rules.len() as u32)
            .filter(|&i| rules[i as usize].regex.is_none())
            .collect();
        Detector {
            rules,
            path_only,
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
        let first = out.len();
        if self.yara.scan(raw, &mut scratch.yara, out) {
            scratch.timed_out = true;
        }
        let yara_end = out.len();
        // YARA spans are offsets in the raw bytes: comparable with the text
        // rules' only when the text scanned is the raw bytes themselves.
        let (kind, same_offsets) = match read::decode(raw) {
            Text::Binary => {
                if binary_as_text {
                    self.scan_text(raw, None, scratch, out);
                }
                (ContentKind::Binary, true)
            }
            Text::Text { text, encoding } => {
                self.scan_text(&text, encoding, scratch, out);
                (ContentKind::Text, std::ptr::eq(text.as_ptr(), raw.as_ptr()))
            }
        };
        if same_offsets {
            drop_yara_overlaps(out, first, yara_end);
        }
        kind
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
            self.scan_rule(r, rule, scratch, text, encoding, &mut lines, out);
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
            self.scan_rule(index as u32, rule, scratch, text, None, &mut None, out);
        }
    }

    /// Runs one rule over `text`.
    #[allow(clippy::too_many_arguments)]
    fn scan_rule(
        &self,
        index: u32,
        rule: &Rule,
        scratch: &mut DetectScratch,
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
        let mut seen = 0usize;
        while at <= text.len() {
            let Some(whole) = regex.captures_read_at(&mut locs, text, at) else {
                break;
            };
            at = if whole.end() > whole.start() {
                whole.end()
            } else {
                whole.end() + 1
            };
            seen += 1;
            // A file of endless matches must still honour the time budget.
            if seen.is_multiple_of(256) && scratch.over_budget() {
                return;
            }
            let Some(parts) = secret_parts(rule, &locs) else {
                continue;
            };
            let (s, e) = (parts[0].0, parts[parts.len() - 1].1);
            let judged = &text[parts[parts.len() - 1].0..e];
            if !self.accepts(rule, judged) {
                continue;
            }
            let lines = lines.get_or_insert_with(|| LineIndex::new(text));
            // A finding is located at its secret, not at the text around
            // it: that is what an editor should highlight, and what the
            // git sources compare with the lines a commit adds.
            let start = lines.position(text, s);
            let end = lines.position(
                text,
                if text[..e].ends_with(b"\n") && e > s {
                    e - 1
                } else {
                    e
                },
            );
            let line_text = lines.line_bytes(text, lines.position(text, judged_start(&parts)).line);
            if line_is_suppressed(line_text)
                || self.allowlist.allows(judged, line_text)
                || rule.allows(judged, line_text)
            {
                continue;
            }
            let lossy = |(a, b): (usize, usize)| String::from_utf8_lossy(&text[a..b]).into_owned();
            let pieces: Vec<String> = parts.iter().copied().map(lossy).collect();
            out.push(Match {
                rule: rule.meta.clone(),
                secret: pieces.join(":"),
                parts: if pieces.len() > 1 { pieces } else { Vec::new() },
                matched: lossy((whole.start(), whole.end())),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                entropy: entropy::shannon(judged),
                encoding,
                span: s..e,
                rank: (rule.spec.confidence, whole.len(), std::cmp::Reverse(index)),
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
        for &i in &self.path_only {
            let rule = &self.rules[i as usize];
            if !rule.applies_to(path) {
                continue;
            }
            out.push(Match {
                rule: rule.meta.clone(),
                secret: path.to_string(),
                parts: Vec::new(),
                matched: path.to_string(),
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                entropy: entropy::shannon(path.as_bytes()),
                encoding: None,
                span: 0..0,
                rank: (rule.spec.confidence, 0, std::cmp::Reverse(i)),
                rule_index: Some(i),
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
    // Kept spans by start; kept spans never overlap each other, so only
    // the neighbours of a candidate can overlap it.
    let mut kept: std::collections::BTreeMap<usize, (usize, Match)> = Default::default();
    for m in out.drain(first..) {
        let (s, e) = (m.span.start, m.span.end.max(m.span.start + 1));
        let before = kept
            .range(..=s)
            .next_back()
            .is_some_and(|(_, (end, _))| *end > s);
        let after = kept.range(s..).next().is_some_and(|(&start, _)| start < e);
        if !before && !after {
            kept.insert(s, (e, m));
        }
    }
    out.extend(kept.into_values().map(|(_, m)| m));
}

/// The byte ranges of a match's secret, by the rule's `secret_group`:
/// `None` when a group that must hold the secret did not take part.
fn secret_parts(rule: &Rule, locs: &regex::bytes::CaptureLocations) -> Option<Vec<(usize, usize)>> {
    if rule.secret_groups.is_empty() {
        // By default the secret is the first group that took part.
        let first = (1..locs.len()).find_map(|g| locs.get(g));
        return Some(vec![first.or_else(|| locs.get(0))?]);
    }
    rule.secret_groups.iter().map(|&g| locs.get(g)).collect()
}

/// Where the judged (last) part of a secret starts.
fn judged_start(parts: &[(usize, usize)]) -> usize {
    parts[parts.len() - 1].0
}

/// Drops the YARA matches (`out[first..yara_end]`) whose bytes a text rule
/// also matched (`out[yara_end..]`): the text rule names the secret more
/// precisely, and a key found by both is reported once. YARA matches never
/// hide each other.
fn drop_yara_overlaps(out: &mut Vec<Match>, first: usize, yara_end: usize) {
    if yara_end == first || yara_end == out.len() {
        return;
    }
    let text: Vec<std::ops::Range<usize>> =
        out[yara_end..].iter().map(|m| m.span.clone()).collect();
    let overlaps = |m: &Match| {
        text.iter()
            .any(|t| m.span.start < t.end && t.start < m.span.end)
    };
    let mut i = first;
    let mut end = yara_end;
    while i < end {
        if overlaps(&out[i]) {
            out.remove(i);
            end -= 1;
        } else {
            i += 1;
        }
    }
}
