//! `hamburglar staged`: the changes `git commit` is about to record; the
//! pre-commit hook.

use std::path::PathBuf;

use clap::Args;

use super::{drive, ScanCommonArgs};
use crate::source::staged::Staged;

/// Arguments of `hamburglar staged`.
#[derive(Debug, Args)]
pub struct StagedArgs {
    /// The repository: any folder inside it (`GIT_DIR`, when set, wins, as
    /// in a git hook).
    #[arg(short = 'C', long = "repo", value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Report every finding in the staged files, not only those on lines
    /// the staging adds.
    #[arg(long)]
    pub all_lines: bool,
    #[command(flatten)]
    pub common: ScanCommonArgs,
}

/// Runs `hamburglar staged`.
pub fn run(args: StagedArgs) -> anyhow::Result<i32> {
    let source = Staged::new(args.repo)
        .all_lines(args.all_lines)
        .max_file_size(args.common.engine.max_file_size);
    drive(Box::new(source), &args.common)
}
