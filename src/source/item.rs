//! Items: one unit of content handed from a source to the engine.

use std::fmt;
use std::path::PathBuf;

use super::Provenance;

/// One piece of content to scan, with its provenance.
pub struct Item {
    /// Where the content came from; copied into every finding.
    pub provenance: Provenance,
    /// How to get the bytes.
    pub content: Content,
    /// Which lines may be reported.
    pub scope: Scope,
    /// A content address (e.g. a git blob id). Items with the same key are
    /// scanned once per run; later items reuse the first scan's matches.
    pub key: Option<ContentKey>,
}

impl Item {
    /// An item whose every line is reported and that has no content key.
    pub fn new(provenance: Provenance, content: Content) -> Item {
        Item {
            provenance,
            content,
            scope: Scope::All,
            key: None,
        }
    }
}

/// A content address: the raw bytes of an object id.
pub type ContentKey = gix::ObjectId;

/// How the engine gets an item's bytes.
pub enum Content {
    /// Bytes already in memory.
    Bytes(Vec<u8>),
    /// A file on disk, read by a worker thread (regular files only).
    File(PathBuf),
    /// Bytes produced on a worker thread by the source's own loader
    /// (e.g. a git blob read through a thread-local repository).
    Deferred(Box<dyn Load>),
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Content::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Content::File(p) => write!(f, "File({})", p.display()),
            Content::Deferred(_) => f.write_str("Deferred"),
        }
    }
}

/// A loader of bytes, run on a worker thread.
///
/// May be called more than once for the same item (a second time only when
/// the item has matches and its [`Scope`] needs the bytes again).
pub trait Load: Send {
    /// Produces the item's bytes.
    fn load(&self) -> Result<Vec<u8>, LoadError>;
}

/// Why an item's bytes could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The item is deliberately not scanned (too large, not a regular
    /// file, missing from a partial clone, ...). Counted, not an error.
    #[error("skipped: {0}")]
    Skip(String),
    /// The item could not be read.
    #[error("{0}")]
    Failed(String),
}

/// Which lines of an item may be reported.
pub enum Scope {
    /// Every line (working tree, stdin, `--all-lines`).
    All,
    /// Only lines chosen by a source-specific rule (lines added by a
    /// commit or by the staging), computed only for items with matches.
    Lines(Box<dyn ScopeLines>),
}

/// Computes the lines of an item that may be reported.
pub trait ScopeLines: Send {
    /// Returns the reportable lines of `content` (the item's bytes).
    fn lines(&self, content: &[u8]) -> Result<LineSet, LoadError>;
}

/// A set of 1-based line numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineSet {
    sorted: Vec<u32>,
}

impl LineSet {
    /// Builds a set from line numbers in any order.
    pub fn from_lines(mut lines: Vec<u32>) -> LineSet {
        lines.sort_unstable();
        lines.dedup();
        LineSet { sorted: lines }
    }

    /// True if any line in `first..=last` is in the set.
    pub fn touches(&self, first: u32, last: u32) -> bool {
        let i = self.sorted.partition_point(|&l| l < first);
        self.sorted.get(i).is_some_and(|&l| l <= last)
    }

    /// True if the set has no line.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The lines, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.sorted.iter().copied()
    }

    /// Keeps only the lines also in `other` (set intersection).
    pub fn intersect(&mut self, other: &LineSet) {
        self.sorted
            .retain(|&l| other.sorted.binary_search(&l).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_set_touches_ranges() {
        let set = LineSet::from_lines(vec![9, 3, 3, 5]);
        assert!(set.touches(3, 3));
        assert!(set.touches(4, 5));
        assert!(!set.touches(6, 8));
        assert!(set.touches(1, 100));
        assert!(!set.touches(10, 12));
    }

    #[test]
    fn line_set_intersection() {
        let mut a = LineSet::from_lines(vec![1, 2, 3, 7]);
        a.intersect(&LineSet::from_lines(vec![2, 7, 8]));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![2, 7]);
    }
}
