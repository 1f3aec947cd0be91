//! The git index as a source: what `git commit` is about to record.
//!
//! This is the pre-commit hook's view. The index is compared with HEAD's
//! tree (an unborn HEAD counts as the empty tree, so the first commit is
//! checked too) and every stage-0 regular file that is added or modified
//! is scanned, as staged: the working-tree file is never read, so a secret
//! staged and then removed from the working file is still caught, and one
//! only in the working file is not.
//!
//! The whole staged blob is scanned, so multi-line rules such as PEM keys
//! match; only findings touching a line the staging adds relative to HEAD
//! are reported (every finding with `--all-lines`). A file added at a new
//! path is compared with the most similar file deleted from HEAD by the
//! same staging (at least half its lines shared), so `git mv` plus an edit
//! reports the edit only; a pure `git mv` reports nothing. With more than
//! 1,000 deleted files, renames are not looked for.
//!
//! Skipped and counted, with a reason: submodules (gitlinks),
//! intent-to-add entries (`git add -N`), conflicted paths, Git LFS pointer
//! files, and blobs over the size limit. A symbolic link's target text is
//! scanned; the link is never followed.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use gix::bstr::BStr;
use gix::index::entry::{Flags, Mode, Stage};
use gix::ObjectId;

use super::git::{self, AddedLines, Baseline, BlobLoader, SharedRepo};
use super::{Content, Item, Provenance, Scope, Source};
use crate::engine::Feed;

/// Beyond this many files deleted by the staging, an added file is not
/// compared with them to find its rename source (git's rename limit).
const RENAME_CANDIDATE_LIMIT: usize = 1000;

/// The staged changes of a repository.
#[derive(Debug, Clone)]
pub struct Staged {
    /// A folder inside the repository.
    dir: PathBuf,
    /// Report findings on every line, not only on added ones.
    all_lines: bool,
    /// Larger staged blobs are skipped.
    max_file_size: u64,
}

impl Staged {
    /// The staged changes of the repository at or above `dir` (or the
    /// one `GIT_DIR` names).
    pub fn new(dir: PathBuf) -> Staged {
        Staged {
            dir,
            all_lines: false,
            max_file_size: 100 << 20,
        }
    }

    /// Reports every finding in the staged blobs, not only those on
    /// lines the staging adds.
    pub fn all_lines(mut self, yes: bool) -> Staged {
        self.all_lines = yes;
        self
    }

    /// Skips staged blobs larger than this many bytes.
    pub fn max_file_size(mut self, bytes: u64) -> Staged {
        self.max_file_size = bytes;
        self
    }
}

impl Source for Staged {
    fn name(&self) -> &'static str {
        "staged"
    }

    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()> {
        let repo = git::open(&self.dir)?;
        let index = repo.index_or_empty().context("reading the git index")?;
        let head_tree = repo
            .head_tree_id_or_empty()
            .context("reading HEAD")?
            .detach();
        let head = repo
            .index_from_tree(&head_tree)
            .context("reading HEAD's tree")?;
        let shared = SharedRepo::new(repo.clone());
        let renames = RenameSources::new(&head, &index);

        let mut last_conflict: Option<&BStr> = None;
        for entry in index.entries() {
            let path = entry.path(&index);
            let shown = git::display_path(path);
            if entry.stage() != Stage::Unconflicted {
                // A conflicted path has up to three entries; count it once.
                if last_conflict != Some(path) {
                    feed.skip(&shown, "conflicted");
                    last_conflict = Some(path);
                }
                continue;
            }
            if entry.mode == Mode::DIR {
                // A sparse index folds whole folders the user did not
                // check out into one entry; their content is HEAD's.
                continue;
            }
            if entry.flags.contains(Flags::INTENT_TO_ADD) {
                feed.skip(&shown, "intent-to-add");
                continue;
            }
            let before = head.entry_by_path(path).filter(|h| h.mode != Mode::DIR);
            if before.is_some_and(|h| h.id == entry.id) {
                continue;
            }
            if entry.mode == Mode::COMMIT {
                feed.skip(&shown, "submodule");
                continue;
            }
            // A symbolic link's blob is its target path: scanned as text
            // (a token pasted as a link target is pushed like any file),
            // never followed. A new or changed target is all new.
            let link = entry.mode == Mode::SYMLINK;
            let scope = if self.all_lines || link {
                Scope::All
            } else {
                match before {
                    Some(h) if is_file(h.mode) => baseline(&shared, vec![h.id]),
                    Some(_) => Scope::All,
                    None if renames.exact(entry.id) => continue,
                    None => match renames.candidates() {
                        Some(c) => Scope::Lines(Box::new(AddedLines::new(
                            shared.clone(),
                            Baseline::MostSimilar(c),
                        ))),
                        None => Scope::All,
                    },
                }
            };
            let item = Item {
                provenance: Provenance::Staged {
                    path: shown,
                    blob: entry.id.to_string(),
                },
                content: Content::Deferred(Box::new(BlobLoader::new(
                    shared.clone(),
                    entry.id,
                    self.max_file_size,
                ))),
                scope,
                key: Some(entry.id),
            };
            if feed.send(item).is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// A line scope of lines added relative to `olds`.
fn baseline(repo: &SharedRepo, olds: Vec<ObjectId>) -> Scope {
    Scope::Lines(Box::new(AddedLines::new(
        repo.clone(),
        Baseline::Every(olds),
    )))
}

/// True for a regular (possibly executable) file entry.
fn is_file(mode: Mode) -> bool {
    mode == Mode::FILE || mode == Mode::FILE_EXECUTABLE
}

/// The files of HEAD that the staging deletes: where a file added at a
/// new path may have been moved from.
struct RenameSources {
    /// The deleted blobs, to spot pure renames.
    set: HashSet<ObjectId>,
    /// The same, for the line scope of added files; `None` when there is
    /// none or too many.
    shared: Option<Arc<[ObjectId]>>,
}

impl RenameSources {
    /// Finds the regular files in `head` that are missing from `index`.
    fn new(head: &gix::index::File, index: &gix::index::File) -> RenameSources {
        let ids: Vec<ObjectId> = head
            .entries()
            .iter()
            .filter(|h| is_file(h.mode))
            .filter(|h| index.entry_by_path(h.path(head)).is_none())
            .map(|h| h.id)
            .collect();
        let set = ids.iter().copied().collect();
        let shared = (!ids.is_empty() && ids.len() <= RENAME_CANDIDATE_LIMIT)
            .then(|| Arc::from(ids.as_slice()));
        RenameSources { set, shared }
    }

    /// True if a deleted file had exactly this content: a pure rename.
    fn exact(&self, id: ObjectId) -> bool {
        self.set.contains(&id)
    }

    /// The deleted files' blobs, if there are any and not too many.
    fn candidates(&self) -> Option<Arc<[ObjectId]>> {
        self.shared.clone()
    }
}
