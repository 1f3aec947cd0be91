//! `hamburglar scan [PATH…]`: files and folders, or `-` for stdin.

use std::path::PathBuf;

use clap::Args;

use super::{drive, ScanCommonArgs};
use crate::source::worktree::Worktree;

/// Arguments of `hamburglar scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders or files to scan; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Scan files that .gitignore and friends exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Scan only files matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files and folders matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow_symlinks: bool,
    #[command(flatten)]
    pub common: ScanCommonArgs,
}

/// Runs `hamburglar scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<i32> {
    let source = Worktree::new(args.paths)
        .no_ignore(args.no_ignore)
        .follow_symlinks(args.follow_symlinks)
        .include(args.include)
        .exclude(args.exclude)
        .stdin_limit(args.common.engine.max_file_size);
    drive(Box::new(source), &args.common)
}
