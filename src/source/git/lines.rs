//! The line scope of git items: the lines a blob adds relative to the
//! blob(s) it replaces.
//!
//! The engine asks for these lines only for items that have matches, so
//! the line diff (gix's imara-diff, histogram algorithm, with git's
//! slider heuristics so a repeated line is attributed where `git diff`
//! puts it) runs for a handful of blobs, not for every change.

use std::sync::Arc;

use gix::diff::blob::{Algorithm, Diff, InternedInput};
use gix::ObjectId;

use super::blob::{blob_size, read_raw};
use super::SharedRepo;
use crate::source::{LineSet, LoadError, ScopeLines};

/// Old blobs larger than this are not diffed: every line of the new blob
/// then counts as added (a finding is never hidden by a skipped diff).
const MAX_BASELINE_BYTES: u64 = 64 << 20;

/// A rename partner must share at least this share of its lines with the
/// new blob, like git's default 50% similarity.
const MIN_SIMILARITY: f64 = 0.5;

/// What a new blob is compared against.
#[derive(Debug, Clone)]
pub enum Baseline {
    /// A line counts as added only if it is new relative to every one of
    /// these blobs (one per parent of a merge; one for a plain change).
    Every(Vec<ObjectId>),
    /// The blob was added at a path that did not exist before: if one of
    /// these (deleted) blobs shares at least half its lines it is taken as
    /// the rename source, otherwise every line is added.
    MostSimilar(Arc<[ObjectId]>),
}

/// Computes the lines a new blob adds relative to its [`Baseline`].
pub struct AddedLines {
    /// Where the old blobs are.
    repo: SharedRepo,
    /// What the new blob is compared against.
    baseline: Baseline,
}

impl AddedLines {
    /// Lines added relative to `baseline`, read through `repo`.
    pub fn new(repo: SharedRepo, baseline: Baseline) -> AddedLines {
        AddedLines { repo, baseline }
    }
}

impl ScopeLines for AddedLines {
    fn lines(&self, content: &[u8]) -> Result<LineSet, LoadError> {
        self.repo.with(|repo| match &self.baseline {
            Baseline::Every(olds) => {
                let mut added: Option<LineSet> = None;
                for &old in olds {
                    let Some(old) = read_baseline(repo, old)? else {
                        return Ok(all_lines(content));
                    };
                    let these = added_lines(&old, content).0;
                    match &mut added {
                        Some(set) => set.intersect(&these),
                        None => added = Some(these),
                    }
                    if added.as_ref().is_some_and(LineSet::is_empty) {
                        break;
                    }
                }
                Ok(added.unwrap_or_else(|| all_lines(content)))
            }
            Baseline::MostSimilar(candidates) => {
                let total = line_count(content).max(1) as f64;
                let mut best: Option<(f64, LineSet)> = None;
                for &old in candidates.iter() {
                    let Some(old) = read_baseline(repo, old)? else {
                        continue;
                    };
                    let (added, kept) = added_lines(&old, content);
                    let similarity = kept as f64 / total.max(line_count(&old) as f64);
                    if similarity >= MIN_SIMILARITY
                        && best.as_ref().is_none_or(|(s, _)| similarity > *s)
                    {
                        best = Some((similarity, added));
                    }
                }
                Ok(best.map_or_else(|| all_lines(content), |(_, set)| set))
            }
        })
    }
}

/// An old blob's bytes, or `None` when it is missing (partial clone) or
/// too large to diff.
fn read_baseline(repo: &gix::Repository, id: ObjectId) -> Result<Option<Vec<u8>>, LoadError> {
    match blob_size(repo, id) {
        Ok(size) if size > MAX_BASELINE_BYTES => return Ok(None),
        Ok(_) => {}
        Err(LoadError::Skip(_)) => return Ok(None),
        Err(e) => return Err(e),
    }
    match read_raw(repo, id) {
        Ok(data) => Ok(Some(data)),
        Err(LoadError::Skip(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The 1-based lines of `new` that are not in `old`, and how many lines
/// of `new` were kept from `old`.
pub fn added_lines(old: &[u8], new: &[u8]) -> (LineSet, usize) {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let mut lines = Vec::new();
    for hunk in diff.hunks() {
        lines.extend(hunk.after.map(|l| l + 1));
    }
    let kept = input.after.len() - lines.len();
    (LineSet::from_lines(lines), kept)
}

/// Every line of `content`.
fn all_lines(content: &[u8]) -> LineSet {
    LineSet::from_lines((1..=line_count(content) as u32).collect())
}

/// The number of lines, counting a last line without a newline.
fn line_count(content: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', content).count();
    newlines + usize::from(!content.is_empty() && !content.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(set: &LineSet) -> Vec<u32> {
        set.iter().collect()
    }

    #[test]
    fn added_lines_are_the_new_ones() {
        let (set, kept) = added_lines(b"a\nb\nc\n", b"a\nX\nb\nc\nY\n");
        assert_eq!(lines(&set), vec![2, 5]);
        assert_eq!(kept, 3);
    }

    #[test]
    fn a_changed_last_line_without_newline_is_added() {
        let (set, _) = added_lines(b"a\nb", b"a\nb\nc\n");
        assert_eq!(lines(&set), vec![2, 3]);
    }

    #[test]
    fn counts_lines() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a"), 1);
        assert_eq!(line_count(b"a\n"), 1);
        assert_eq!(line_count(b"a\nb"), 2);
    }
}
