//! `hamburglar staged`: the changes `git commit` is about to record; the
//! pre-commit hook.

use std::path::PathBuf;

use clap::Args;

use super::{drive, EngineArgs, OutputArgs, RuleArgs};
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
    pub rules: RuleArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `hamburglar staged`.
pub fn run(args: StagedArgs) -> anyhow::Result<i32> {
    let source = Staged::new(args.repo)
        .all_lines(args.all_lines)
        .max_file_size(args.engine.max_file_size);
    drive(Box::new(source), &args.rules, &args.engine, &args.output)
}
