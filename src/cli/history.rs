//! `hamburglar history [REVSPEC…]`: the lines each commit of a range adds.

use std::path::PathBuf;

use clap::Args;

use super::{drive, ScanCommonArgs};
use crate::source::git::{parse_date, RangeSpec};
use crate::source::history::History;

/// Arguments of `hamburglar history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Revisions to walk, as git understands them (`main`, `v1.0..main`,
    /// `A...B`, `^old`) [default: HEAD; in a pre-commit `pre-push` hook,
    /// `$PRE_COMMIT_FROM_REF..$PRE_COMMIT_TO_REF`].
    #[arg(value_name = "REVSPEC")]
    pub revspecs: Vec<String>,
    /// The repository: any folder inside it (`GIT_DIR`, when set, wins, as
    /// in a git hook).
    #[arg(short = 'C', long = "repo", value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Scan only what is not reachable from REV (`REV..HEAD`); REV may be
    /// a tag, a branch or a commit.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Walk every reference (branches, tags, remotes) and HEAD.
    #[arg(long)]
    pub all: bool,
    /// Walk this branch (repeatable).
    #[arg(long = "branch", value_name = "BRANCH")]
    pub branches: Vec<String>,
    /// Follow only the first parent of merges (a merge is then diffed
    /// against its first parent).
    #[arg(long)]
    pub first_parent: bool,
    /// Scan at most N commits (newest first).
    #[arg(long, value_name = "N")]
    pub max_commits: Option<u64>,
    /// Scan only commits committed on or after DATE (`2024-01-31`,
    /// `2 weeks ago`, ...).
    #[arg(long, value_name = "DATE")]
    pub since_date: Option<String>,
    /// Scan only commits committed on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until_date: Option<String>,
    #[command(flatten)]
    pub common: ScanCommonArgs,
}

/// Runs `hamburglar history`.
pub fn run(args: HistoryArgs) -> anyhow::Result<i32> {
    let mut revspecs = args.revspecs;
    let named = !revspecs.is_empty() || args.all || !args.branches.is_empty();
    if !named && args.since.is_none() {
        revspecs.extend(pre_push_range());
    }
    let range = RangeSpec {
        revspecs,
        since: args.since,
        all: args.all,
        branches: args.branches,
    };
    let since_time = args.since_date.as_deref().map(parse_date).transpose()?;
    let until_time = args.until_date.as_deref().map(parse_date).transpose()?;
    let source = History::new(args.repo, range)
        .first_parent(args.first_parent)
        .max_commits(args.max_commits)
        .since_time(since_time)
        .until_time(until_time)
        .max_file_size(args.common.engine.max_file_size);
    drive(Box::new(source), &args.common)
}

/// The range pre-commit's `pre-push` stage asks for, from
/// `PRE_COMMIT_FROM_REF` and `PRE_COMMIT_TO_REF`: `FROM..TO`, or all of
/// `TO` when there is no `FROM` (a new branch with no ancestor on the
/// remote).
fn pre_push_range() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let to = var("PRE_COMMIT_TO_REF")?;
    match var("PRE_COMMIT_FROM_REF") {
        Some(from) if !from.bytes().all(|b| b == b'0') => Some(format!("{from}..{to}")),
        _ => Some(to),
    }
}
