//! What the two git sources share: opening a repository without running
//! anything it configures, reading blobs on the worker threads, and the
//! line scope "lines added relative to older blobs".
//!
//! Git is read only through `gix`; hamburglar never runs the `git`
//! program. Raw objects are all that is ever read: no clean/smudge or
//! `process` filter, no `textconv` driver, no `diff.external`, no
//! `core.fsmonitor` hook and no pager, so a hostile repository cannot make
//! a scan execute a command.

mod blob;
mod date;
mod lines;
mod range;
mod repo;

use std::path::Path;

use anyhow::Context as _;
use gix::bstr::BStr;

pub use blob::{BlobLoader, LFS_POINTER, MISSING_BLOB};
pub use date::{iso8601, parse_date};
pub use lines::{added_lines, AddedLines, Baseline};
pub use range::{CommitRange, RangeSpec};
pub use repo::SharedRepo;

/// Opens the repository containing `dir`, as git would for a hook.
///
/// `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE` win over the search
/// upwards from `dir`, so a pre-commit hook sees the temporary index of
/// `git commit -a` or `git commit PATH`. The configuration of the git
/// installation is never asked of the `git` program; config `include`s are
/// followed only in repositories owned by the current user; global and
/// system attribute files are ignored (only the repository's own are read,
/// for rename detection).
pub fn open(dir: &Path) -> anyhow::Result<gix::Repository> {
    // Git accepts ceiling directories that do not match the path; so do we.
    let search = gix::discover::upwards::Options {
        match_ceiling_dir_or_error: false,
        ..Default::default()
    };
    let repo = gix::ThreadSafeRepository::discover_with_environment_overrides_opts(
        dir,
        search,
        |options, trust| {
            let mut permissions = options.permissions;
            permissions.config.git_binary = false;
            permissions.config.includes = trust == gix::sec::Trust::Full;
            permissions.attributes = gix::open::permissions::Attributes::isolated();
            options.permissions(permissions).lossy_config(true)
        },
    )
    .with_context(|| format!("no git repository at or above {}", dir.display()))?;
    Ok(repo.to_thread_local())
}

/// A git path as shown in findings: `/`-separated, with bytes that are not
/// UTF-8 replaced by U+FFFD (the blob id still names the exact object).
pub fn display_path(path: &BStr) -> String {
    String::from_utf8_lossy(path).into_owned()
}
