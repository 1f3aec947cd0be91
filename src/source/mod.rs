//! Sources: where content comes from.
//!
//! A source knows where content lives and what to call it. It walks its
//! domain (a folder, standard input, the git index, commit history) and
//! hands the engine [`Item`]s through a [`Feed`]: each item says how to get
//! its bytes ([`Content`]), where it came from ([`Provenance`]) and which of
//! its lines may be reported ([`Scope`]). The engine never learns which
//! source it is driving.

pub mod git;
pub mod history;
mod item;
mod provenance;
pub mod staged;
pub mod stdin;
pub mod worktree;

pub use item::{Content, ContentKey, Item, LineSet, Load, LoadError, Scope, ScopeLines};
pub use provenance::{CommitInfo, Provenance};

use crate::engine::Feed;

/// A producer of items for the engine.
///
/// `run` is called once, on a thread of its own (never on the async
/// executor), and may block: the [`Feed`] applies back-pressure by blocking
/// `send` until the engine has room for another item. A source returns when
/// it has nothing more to give, or early when [`Feed::send`] reports that the
/// scan was cancelled.
pub trait Source: Send + 'static {
    /// The short name of this source (`worktree`, `stdin`, `staged`,
    /// `history`), used in progress messages and statistics.
    fn name(&self) -> &'static str;

    /// Walks the source, sending every item to `feed`.
    ///
    /// An error returned here is fatal for the scan (an unreadable root, a
    /// missing repository); errors about single items are reported through
    /// [`Feed::error`] and the walk goes on.
    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()>;
}
