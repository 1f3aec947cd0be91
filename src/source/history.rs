//! Commit history as a source: the lines each commit adds.
//!
//! The commits of the range are walked once, newest first. Each commit's
//! tree is diffed against its parent's, with rename tracking (git's 50%
//! similarity, set here rather than read from `diff.renames`), and every
//! added or modified file becomes one item: the new blob, keyed by its
//! id so the engine scans each unique blob once however many commits
//! introduce it, with the lines the commit adds as its scope. A secret
//! that stays in a file over many commits is therefore reported at the
//! commit that introduced it, and a renamed file reports only its edits.
//! A copy (a new path whose source file still exists) is not tracked: all
//! its lines count as added, as in `git log -p` without `-C`.
//!
//! Merges: a line counts as added only if it is new relative to every
//! parent, so a side branch's lines are reported at the side branch's
//! commits, not again at the merge, while an edit made in the merge
//! itself (an "evil merge", a conflict resolution) is reported there.
//! With `--first-parent`, merges are diffed against their first parent
//! only and side branches are not walked.
//!
//! Root commits are diffed against the empty tree. A commit at a shallow
//! clone's boundary has no parents to diff against: all its files count
//! as added, and its findings say `"shallow_boundary": true`. Blobs
//! missing from a partial clone are skipped and counted; if rename
//! tracking cannot read them, that commit is diffed without it.

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use gix::bstr::{BString, ByteSlice};
use gix::object::tree::diff::Change;
use gix::revision::walk::Sorting;
use gix::traverse::commit::simple::CommitTimeOrder;
use gix::ObjectId;

use super::git::{self, AddedLines, Baseline, BlobLoader, RangeSpec, SharedRepo};
use super::{CommitInfo, Content, Item, Provenance, Scope, Source};
use crate::engine::{Cancelled, Feed};

/// The object cache of the walking thread: trees and commits are read
/// again by the next commit's diff.
const WALK_OBJECT_CACHE_BYTES: usize = 64 << 20;

/// The history of a repository over a range of commits.
#[derive(Debug, Clone)]
pub struct History {
    /// A folder inside the repository.
    dir: PathBuf,
    /// The commits to walk.
    range: RangeSpec,
    /// Follow only first parents.
    first_parent: bool,
    /// Stop after this many commits.
    max_commits: Option<u64>,
    /// Stop the walk at commits older than this (Unix time).
    since_time: Option<i64>,
    /// Pass over commits newer than this (Unix time).
    until_time: Option<i64>,
    /// Larger blobs are skipped.
    max_file_size: u64,
}

impl History {
    /// The history of the repository at or above `dir` (or the one
    /// `GIT_DIR` names), over `range`.
    pub fn new(dir: PathBuf, range: RangeSpec) -> History {
        History {
            dir,
            range,
            first_parent: false,
            max_commits: None,
            since_time: None,
            until_time: None,
            max_file_size: 100 << 20,
        }
    }

    /// Follows only the first parent of merges, diffing merges against it.
    pub fn first_parent(mut self, yes: bool) -> History {
        self.first_parent = yes;
        self
    }

    /// Stops after this many commits.
    pub fn max_commits(mut self, n: Option<u64>) -> History {
        self.max_commits = n;
        self
    }

    /// Walks only commits committed at or after this Unix time; the walk
    /// stops at older commits.
    pub fn since_time(mut self, seconds: Option<i64>) -> History {
        self.since_time = seconds;
        self
    }

    /// Scans only commits committed at or before this Unix time (newer
    /// ones are walked through, not scanned).
    pub fn until_time(mut self, seconds: Option<i64>) -> History {
        self.until_time = seconds;
        self
    }

    /// Skips blobs larger than this many bytes.
    pub fn max_file_size(mut self, bytes: u64) -> History {
        self.max_file_size = bytes;
        self
    }
}

impl Source for History {
    fn name(&self) -> &'static str {
        "history"
    }

    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()> {
        let mut repo = git::open(&self.dir)?;
        repo.object_cache_size_if_unset(WALK_OBJECT_CACHE_BYTES);
        let range = self.range.resolve(&repo)?;
        if range.tips.is_empty() {
            log::info!("HEAD is unborn and no revision was named: no history to scan");
            return Ok(());
        }
        let shared = SharedRepo::new(repo.clone());
        let sorting = match self.since_time {
            Some(seconds) => Sorting::ByCommitTimeCutoff {
                order: CommitTimeOrder::NewestFirst,
                seconds,
            },
            None => Sorting::ByCommitTime(CommitTimeOrder::NewestFirst),
        };
        let mut walk = repo
            .rev_walk(range.tips)
            .with_hidden(range.hidden)
            .sorting(sorting);
        if self.first_parent {
            walk = walk.first_parent_only();
        }
        let mut differ = TreeDiffer::new(&repo)?;
        let mut walked = 0u64;
        for info in walk.all().context("walking history")? {
            if feed.is_cancelled() {
                return Ok(());
            }
            let info = info.context("walking history")?;
            if self.max_commits.is_some_and(|max| walked >= max) {
                break;
            }
            let commit = match info.object() {
                Ok(c) => c,
                Err(e) => {
                    feed.error(&info.id.to_string(), e);
                    continue;
                }
            };
            if let Some(until) = self.until_time {
                if commit.time().is_ok_and(|t| t.seconds > until) {
                    continue;
                }
            }
            walked += 1;
            feed.commit_walked();
            let parents: Vec<ObjectId> = info.parent_ids.iter().copied().collect();
            let job = CommitJob {
                repo: &repo,
                shared: &shared,
                commit: &commit,
                parents,
            };
            match self.scan_commit(&job, &mut differ, feed) {
                Ok(Ok(())) => {}
                Ok(Err(Cancelled)) => return Ok(()),
                Err(e) => feed.error(&info.id.to_string(), format!("{e:#}")),
            }
        }
        Ok(())
    }
}

/// One commit to turn into items.
struct CommitJob<'a, 'repo> {
    /// The walking thread's repository.
    repo: &'repo gix::Repository,
    /// The repository the workers read blobs from.
    shared: &'a SharedRepo,
    /// The commit.
    commit: &'a gix::Commit<'repo>,
    /// The parents the walk follows (none at a shallow boundary; only the
    /// first with `--first-parent`).
    parents: Vec<ObjectId>,
}

impl History {
    /// Sends an item for each file `job`'s commit adds or modifies. The
    /// outer error is about this commit only; the inner one is the scan's
    /// cancellation.
    fn scan_commit(
        &self,
        job: &CommitJob<'_, '_>,
        differ: &mut TreeDiffer,
        feed: &Feed,
    ) -> anyhow::Result<Result<(), Cancelled>> {
        let repo = job.repo;
        let tree = job.commit.tree()?;
        let shallow_boundary = job.parents.is_empty() && job.commit.parent_ids().next().is_some();
        let first = match job.parents.first() {
            Some(&p) => repo.find_commit(p)?.tree()?,
            None => repo.empty_tree(),
        };
        let mut changes = differ.changes(&first, &tree)?;
        for &parent in job.parents.iter().skip(1) {
            let other = differ.changes(&repo.find_commit(parent)?.tree()?, &tree)?;
            merge_parent(&mut changes, other);
        }
        if changes.is_empty() {
            return Ok(Ok(()));
        }

        let info = Arc::new(commit_info(job.commit));
        for change in changes {
            let path = git::display_path(change.path.as_bstr());
            if change.mode.is_commit() {
                feed.skip(&path, "submodule");
                continue;
            }
            // A symbolic link's blob is its target path: scanned as text,
            // never followed; a new or changed target is all new.
            let link = change.mode.is_link();
            if !change.mode.is_blob() && !link {
                continue;
            }
            let scope = if change.olds.is_empty() || link {
                Scope::All
            } else {
                let baseline = Baseline::Every(change.olds);
                Scope::Lines(Box::new(AddedLines::new(job.shared.clone(), baseline)))
            };
            let loader = BlobLoader::new(job.shared.clone(), change.id, self.max_file_size);
            let item = Item {
                provenance: Provenance::History {
                    path,
                    blob: change.id.to_string(),
                    commit: info.clone(),
                    shallow_boundary,
                },
                content: Content::Deferred(Box::new(loader)),
                scope,
                key: Some(change.id),
            };
            if let Err(cancelled) = feed.send(item) {
                return Ok(Err(cancelled));
            }
        }
        Ok(Ok(()))
    }
}

/// Keeps of a merge's changes (against its first parent) those that are
/// also changes against another parent, adding that parent's old blob to
/// the baseline. A file identical to that parent's adds nothing.
fn merge_parent(changes: &mut Vec<FileChange>, other: Vec<FileChange>) {
    let mut against: HashMap<BString, FileChange> =
        other.into_iter().map(|c| (c.path.clone(), c)).collect();
    changes.retain_mut(|change| match against.remove(&change.path) {
        Some(o) if o.id == change.id => {
            change.olds.extend(o.olds);
            true
        }
        // Unchanged relative to this parent: nothing new in the merge.
        _ => false,
    });
}

/// A file a commit adds or modifies.
#[derive(Debug)]
struct FileChange {
    /// The path in the commit's tree.
    path: BString,
    /// The new object.
    id: ObjectId,
    /// The new entry's mode.
    mode: gix::object::tree::EntryMode,
    /// The blobs it replaces (the previous version, or the rename
    /// source); empty when the file is new.
    olds: Vec<ObjectId>,
}

/// Tree-to-tree diffs with rename tracking and a reused resource cache.
struct TreeDiffer {
    /// Reused across diffs; cleared after each.
    cache: gix::diff::blob::Platform,
}

impl TreeDiffer {
    /// A differ for `repo`. Its resource cache reads objects as stored in
    /// git: no filter, no `textconv`, nothing from the working tree.
    fn new(repo: &gix::Repository) -> anyhow::Result<TreeDiffer> {
        Ok(TreeDiffer {
            cache: repo.diff_resource_cache_for_tree_diff()?,
        })
    }

    /// The files added or modified from `old` to `new`. If rename
    /// tracking fails (it reads blobs, which a partial clone may lack),
    /// the diff is redone without it.
    fn changes(
        &mut self,
        old: &gix::Tree<'_>,
        new: &gix::Tree<'_>,
    ) -> anyhow::Result<Vec<FileChange>> {
        let mut out = Vec::new();
        let rewrites = Some(gix::diff::Rewrites::default());
        let tracked = self.diff(old, new, rewrites, &mut out);
        if let Err(e) = tracked {
            log::debug!("diff {} → {} without rename tracking: {e}", old.id, new.id);
            out.clear();
            self.diff(old, new, None, &mut out)?;
        }
        Ok(out)
    }

    /// Runs one diff, collecting changes into `out`.
    fn diff(
        &mut self,
        old: &gix::Tree<'_>,
        new: &gix::Tree<'_>,
        rewrites: Option<gix::diff::Rewrites>,
        out: &mut Vec<FileChange>,
    ) -> anyhow::Result<()> {
        let result = old
            .changes()?
            .options(|o| {
                o.track_path().track_rewrites(rewrites);
            })
            .for_each_to_obtain_tree_with_cache(new, &mut self.cache, |change| {
                collect(change, out);
                Ok(ControlFlow::Continue(()))
            });
        self.cache.clear_resource_cache_keep_allocation();
        result?;
        Ok(())
    }
}

/// Records `change` if it brings new content to a path.
fn collect(change: Change<'_, '_, '_>, out: &mut Vec<FileChange>) {
    let (path, id, mode, old) = match change {
        Change::Addition {
            location,
            id,
            entry_mode,
            ..
        } => (location, id, entry_mode, None),
        Change::Modification {
            location,
            previous_id,
            previous_entry_mode,
            id,
            entry_mode,
        } => {
            let old = previous_entry_mode.is_blob().then(|| previous_id.detach());
            (location, id, entry_mode, old)
        }
        Change::Rewrite {
            location,
            source_id,
            source_entry_mode,
            id,
            entry_mode,
            ..
        } => {
            let old = source_entry_mode.is_blob().then(|| source_id.detach());
            (location, id, entry_mode, old)
        }
        Change::Deletion { .. } => return,
    };
    if mode.is_tree() || old == Some(id.detach()) {
        // Folders are walked into; a pure rename or mode change adds no
        // line.
        return;
    }
    out.push(FileChange {
        path: path.to_owned(),
        id: id.detach(),
        mode,
        olds: Vec::from_iter(old),
    });
}

/// The metadata of a commit as findings show it.
fn commit_info(commit: &gix::Commit<'_>) -> CommitInfo {
    let (author, email, date) = match commit.author() {
        Ok(sig) => (
            sig.name.to_str_lossy().into_owned(),
            sig.email.to_str_lossy().into_owned(),
            sig.time().map(git::iso8601).unwrap_or_default(),
        ),
        Err(_) => Default::default(),
    };
    let message = commit.message_raw_sloppy();
    let title = message.lines().next().unwrap_or_default();
    CommitInfo {
        id: commit.id.to_string(),
        author,
        email,
        date,
        message: title.to_str_lossy().trim_end().to_string(),
    }
}
