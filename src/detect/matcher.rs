//! The matcher: finds rule matches in one buffer.
//!
//! One Aho-Corasick automaton holds the keywords of every rule
//! (ASCII-case-insensitive). A pass over the buffer marks the rules whose
//! keywords occur; only those rules' regexes run. Most buffers contain no
//! keyword at all, so most of the regexes never run: this prefilter is what
//! makes the catalogue cheap to grow.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::rule::Rule;

/// The keyword prefilter over a fixed list of rules.
#[derive(Debug, Clone)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, the rules that listed that keyword.
    keyword_rules: Vec<Vec<u32>>,
    /// Rules without keywords: they always run.
    unkeyed: Vec<u32>,
    rule_count: usize,
}

/// Scratch space for one worker: the candidate bitset.
#[derive(Debug, Default)]
pub struct Candidates {
    bits: Vec<u64>,
    list: Vec<u32>,
    seen: Vec<bool>,
}

impl Candidates {
    /// The candidate rule indexes of the last [`Prefilter::candidates`]
    /// call, ascending.
    pub fn rules(&self) -> &[u32] {
        &self.list
    }
}

impl Prefilter {
    /// Builds the automaton over the keywords of `rules`.
    pub fn new(rules: &[Rule]) -> Prefilter {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut unkeyed = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.regex.is_none() {
                // Path-only rules never run on content.
                continue;
            }
            if rule.spec.keywords.is_empty() {
                unkeyed.push(i as u32);
                continue;
            }
            for k in &rule.spec.keywords {
                let k = k.to_ascii_lowercase();
                let id = *index.entry(k.clone()).or_insert_with(|| {
                    keywords.push(k);
                    keyword_rules.push(Vec::new());
                    keywords.len() - 1
                });
                keyword_rules[id].push(i as u32);
            }
        }
        let automaton = (!keywords.is_empty()).then(|| {
            // A full DFA: a few MiB for hundreds of keywords, and the
            // fastest search kind, which matters as every byte of every
            // item goes through it.
            AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::DFA))
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&keywords)
                .expect("keywords are plain ASCII literals")
        });
        Prefilter {
            automaton,
            keyword_rules,
            unkeyed,
            rule_count: rules.len(),
        }
    }

    /// Rules without keywords, which run on every buffer.
    pub fn unkeyed(&self) -> &[u32] {
        &self.unkeyed
    }

    /// Fills `out` with the rules worth running on `hay`.
    pub fn candidates(&self, hay: &[u8], out: &mut Candidates) {
        let words = self.rule_count.div_ceil(64);
        out.bits.clear();
        out.bits.resize(words, 0);
        out.list.clear();
        let mark = |r: u32, bits: &mut Vec<u64>| {
            bits[(r / 64) as usize] |= 1 << (r % 64);
        };
        for &r in &self.unkeyed {
            mark(r, &mut out.bits);
        }
        if let Some(ac) = &self.automaton {
            out.seen.clear();
            out.seen.resize(self.keyword_rules.len(), false);
            for m in ac.find_overlapping_iter(hay) {
                let id = m.pattern().as_usize();
                if !std::mem::replace(&mut out.seen[id], true) {
                    for &r in &self.keyword_rules[id] {
                        mark(r, &mut out.bits);
                    }
                }
            }
        }
        for (w, &bits) in out.bits.iter().enumerate() {
            let mut b = bits;
            while b != 0 {
                let t = b.trailing_zeros();
                out.list.push(w as u32 * 64 + t);
                b &= b - 1;
            }
        }
    }
}
