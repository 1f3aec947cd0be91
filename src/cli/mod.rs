//! The command line: `hamburglar scan | staged | history | rules`.
//!
//! Every scanning command builds a source and hands it to [`drive`], the
//! one place that runs the engine, writes findings, handles Ctrl-C and a
//! closed stdout, and decides the exit status: 0 clean, 1 findings,
//! 2 error, 130 interrupted.

mod args;
mod drive;
mod history;
mod rules;
mod scan;
mod staged;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

pub use args::{EngineArgs, OutputArgs, RuleArgs, ScanCommonArgs};
pub use drive::drive;
pub use rules::check_rules;

/// Exit status: no findings.
pub const EXIT_CLEAN: i32 = 0;
/// Exit status: findings were reported.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: an error stopped the run (bad arguments, unreadable root).
pub const EXIT_ERROR: i32 = 2;
/// Exit status: interrupted by Ctrl-C.
pub const EXIT_INTERRUPTED: i32 = 130;

/// hamburglar: find secrets and sensitive data in files and git history.
#[derive(Debug, Parser)]
#[command(name = "hamburglar", version, about, long_about = None)]
pub struct Cli {
    /// Log more (repeat for more detail); logs go to stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log only errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (a working tree), or `-` for stdin.
    Scan(scan::ScanArgs),
    /// Scan the changes staged for the next commit (the pre-commit hook).
    Staged(staged::StagedArgs),
    /// Scan the lines each commit of a range adds.
    History(history::HistoryArgs),
    /// List or check the rules.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
}

/// Runs the command line and returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    init_logging(&cli);
    let result = match cli.command {
        Command::Scan(args) => scan::run(args),
        Command::Staged(args) => staged::run(args),
        Command::History(args) => history::run(args),
        Command::Rules(cmd) => rules::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hamburglar: error: {e:#}");
            EXIT_ERROR
        }
    }
}

/// Logs to stderr: warnings by default, errors with `-q`, more with `-v`.
fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => log::LevelFilter::Error,
        (false, 0) => log::LevelFilter::Warn,
        (false, 1) => log::LevelFilter::Info,
        (false, 2) => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    env_logger::Builder::new()
        .filter_level(level)
        .filter_module("gix", log::LevelFilter::Warn)
        .filter_module("globset", log::LevelFilter::Warn)
        .filter_module("ignore", log::LevelFilter::Warn)
        .format_timestamp(None)
        .format_target(false)
        .write_style(if std::io::stderr().is_terminal() {
            env_logger::WriteStyle::Auto
        } else {
            env_logger::WriteStyle::Never
        })
        .init();
}
