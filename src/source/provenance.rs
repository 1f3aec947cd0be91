//! Provenance: where a finding's content came from.
//!
//! Every finding carries one provenance value, serialised flat into the
//! finding's JSON with a `source` tag, so a consumer can tell a working-tree
//! hit from a staged or historical one and locate the exact blob.

use std::sync::Arc;

use serde::Serialize;

/// Where an item came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum Provenance {
    /// A file of a working tree or any folder.
    Worktree {
        /// The path relative to the scan root, `/`-separated.
        path: String,
    },
    /// Standard input (`hamburglar scan -`).
    Stdin {
        /// Always `-`.
        path: String,
    },
    /// A blob staged in the git index.
    Staged {
        /// The path in the index.
        path: String,
        /// The staged blob id (hex).
        blob: String,
    },
    /// A blob introduced by a commit.
    History {
        /// The path in the commit's tree.
        path: String,
        /// The blob id (hex).
        blob: String,
        /// The commit that introduced the lines reported.
        commit: Arc<CommitInfo>,
        /// True when the commit is at a shallow-clone boundary: its parents
        /// are missing, so everything in it counts as added.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        shallow_boundary: bool,
    },
}

impl Provenance {
    /// The path of the item, as shown to users.
    pub fn path(&self) -> &str {
        match self {
            Provenance::Worktree { path }
            | Provenance::Stdin { path }
            | Provenance::Staged { path, .. }
            | Provenance::History { path, .. } => path,
        }
    }

    /// The source's name as written in output (`worktree`, `stdin`, ...).
    pub fn source_name(&self) -> &'static str {
        match self {
            Provenance::Worktree { .. } => "worktree",
            Provenance::Stdin { .. } => "stdin",
            Provenance::Staged { .. } => "staged",
            Provenance::History { .. } => "history",
        }
    }
}

/// The metadata of a commit, shared by all findings in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// The full commit id (hex).
    pub id: String,
    /// The author's name.
    pub author: String,
    /// The author's email address.
    pub email: String,
    /// The author date, ISO 8601 with offset.
    pub date: String,
    /// The first line of the commit message.
    pub message: String,
}
