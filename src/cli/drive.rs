//! Running a scan from the command line: rules, engine, writer, Ctrl-C,
//! and the exit status.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use super::EXIT_INTERRUPTED;
use super::{ScanCommonArgs, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::detect::ruleset::Catalogue;
use crate::engine::{BarProgress, NoProgress, ProgressReporter, Scan, ScanError, ScanStats};
use crate::report::{self, Format};
use crate::source::git::MISSING_BLOB;
use crate::source::Source;

/// Scans `source` with the rules, engine options and output the user
/// asked for; returns the exit status.
pub fn drive(source: Box<dyn Source>, common: &ScanCommonArgs) -> anyhow::Result<i32> {
    let ScanCommonArgs {
        rules,
        engine,
        output,
    } = common;
    let selection = rules.selection()?;
    let detector = Catalogue::load(&selection)?.detector(&selection)?;
    let to_terminal = output.output.is_none() && io::stdout().is_terminal();
    let format = match (output.format, output.stream) {
        (Some(f), _) => f,
        (None, true) => Format::Ndjson,
        (None, false) if to_terminal => Format::Human,
        (None, false) => Format::Ndjson,
    };
    let out: Box<dyn Write + Send> = match &output.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout())),
    };
    let mut writer = report::writer(format, out, output.show_secrets);
    // Named in write errors: "Input/output error" alone does not say
    // which file refused the findings.
    let target = match &output.output {
        Some(p) => format!("writing findings to {}", p.display()),
        None => "writing findings to stdout".to_string(),
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(async move {
            let bar = (!output.no_progress).then(|| Arc::new(BarProgress::stderr()));
            let reporter: Arc<dyn ProgressReporter> = match &bar {
                Some(b) if !b.is_hidden() => b.clone(),
                _ => Arc::new(NoProgress),
            };
            let cancel = CancellationToken::new();
            let interrupted = Arc::new(AtomicBool::new(false));
            tokio::spawn(on_ctrl_c(cancel.clone(), interrupted.clone()));

            let mut scan = Scan::new(detector, engine.options())
                .cancel_token(cancel.clone())
                .reporter(reporter)
                .start_boxed(source);
            let mut written = 0u64;
            let mut closed = false;
            while let Some(finding) = scan.next_finding().await {
                if closed {
                    continue;
                }
                let result = match &bar {
                    Some(b) => b.suspend(|| writer.finding(&finding)),
                    None => writer.finding(&finding),
                };
                match result {
                    Ok(()) => written += 1,
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                        // The reader went away (`| head -1`): stop quietly.
                        closed = true;
                        cancel.cancel();
                    }
                    Err(e) => return Err(anyhow::Error::new(e).context(target)),
                }
            }
            let stats = match scan.finish().await {
                Ok(stats) => stats,
                Err(ScanError::Source(e)) => return Err(e),
                Err(e) => return Err(e.into()),
            };
            if !closed {
                match writer.finish(&stats) {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => closed = true,
                    other => other.context(target)?,
                }
            }
            let interrupted = interrupted.load(Ordering::SeqCst);
            if !closed {
                summary(&stats, written, interrupted);
            }
            Ok(if interrupted {
                EXIT_INTERRUPTED
            } else if written > 0 || (closed && stats.findings > 0) {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            })
        })
        .or_else(|e: anyhow::Error| {
            eprintln!("hamburglar: error: {e:#}");
            Ok(EXIT_ERROR)
        })
}

/// Cancels the scan on the first Ctrl-C; a second one exits at once.
async fn on_ctrl_c(cancel: CancellationToken, interrupted: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        interrupted.store(true, Ordering::SeqCst);
        cancel.cancel();
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(EXIT_INTERRUPTED);
    }
}

/// The one-line summary on stderr.
fn summary(stats: &ScanStats, written: u64, interrupted: bool) {
    let lead = if interrupted { "interrupted: " } else { "" };
    let commits = if stats.commits > 0 {
        format!("{} commits, ", stats.commits)
    } else {
        String::new()
    };
    let mut line = format!(
        "hamburglar: {lead}{written} finding(s); {commits}{} item(s) scanned, {} skipped, \
         {} error(s), {} in {:.2}s",
        stats.scanned,
        stats.skipped,
        stats.errors,
        crate::engine::progress::human_bytes(stats.bytes as f64),
        stats.elapsed_secs,
    );
    if stats.reused > 0 {
        line.push_str(&format!("; {} blob scan(s) reused", stats.reused));
    }
    if !stats.skipped_by_reason.is_empty() {
        let reasons: Vec<String> = stats
            .skipped_by_reason
            .iter()
            .map(|(why, n)| format!("{why}: {n}"))
            .collect();
        line.push_str(&format!("\nhamburglar: skipped: {}", reasons.join(", ")));
    }
    let _ = writeln!(io::stderr(), "{line}");
    if let Some(n) = stats.skipped_by_reason.get(MISSING_BLOB) {
        // A blobless clone would otherwise pass as clean.
        log::warn!(
            "{n} blob(s) are missing from this partial clone and were not scanned; \
             fetch them (or scan a full clone) before trusting a clean result"
        );
    }
}
