//! Progress: what a scan has done so far, and who is told about it.
//!
//! The engine publishes a [`ScanProgress`] snapshot to a
//! [`ProgressReporter`] when the scan starts, every tick while it runs,
//! and once when it completes. [`NoProgress`] ignores them;
//! [`BarProgress`] draws an `indicatif` bar on stderr, and only when stderr
//! is a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A snapshot of a running scan.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ScanProgress {
    /// Items found by the source so far (scanned, skipped or pending).
    pub discovered: u64,
    /// Items whose content was scanned.
    pub scanned: u64,
    /// Items not scanned on purpose (too large, binary, not a file, ...).
    pub skipped: u64,
    /// Items that could not be read.
    pub errors: u64,
    /// Items discovered but not yet finished.
    pub remaining: u64,
    /// The item a worker started most recently.
    pub current: String,
    /// Bytes of content scanned.
    pub bytes: u64,
    /// Findings made.
    pub findings: u64,
    /// Commits walked (history only).
    pub commits: u64,
    /// Items in flight right now (queued or being scanned).
    pub in_flight: usize,
    /// Time since the scan started.
    #[serde(serialize_with = "serialize_secs")]
    pub elapsed: Duration,
    /// Items scanned per second, over the whole scan so far.
    pub files_per_sec: f64,
    /// Bytes scanned per second, over the whole scan so far.
    pub bytes_per_sec: f64,
}

fn serialize_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Receives progress snapshots. Calls come from the engine's async task,
/// so implementations must be quick and must not block.
pub trait ProgressReporter: Send + Sync {
    /// The scan has started.
    fn start(&self, _progress: &ScanProgress) {}
    /// A periodic update while the scan runs.
    fn progress(&self, _progress: &ScanProgress) {}
    /// The scan has finished (or was cancelled); the last snapshot.
    fn complete(&self, _progress: &ScanProgress) {}
}

/// A reporter that ignores every update.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressReporter for NoProgress {}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub struct BarProgress {
    bar: ProgressBar,
}

impl BarProgress {
    /// A bar on stderr; hidden automatically when stderr is not a terminal.
    pub fn stderr() -> BarProgress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {elapsed} {pos}/{len} items {msg}")
            .expect("the progress template is valid");
        bar.set_style(style);
        BarProgress { bar }
    }

    /// True when nothing will be drawn (stderr is not a terminal).
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// Runs `f` with the bar cleared, so lines written to stderr are not
    /// mixed with it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    fn update(&self, p: &ScanProgress) {
        self.bar.set_length(p.discovered);
        self.bar.set_position(p.scanned + p.skipped + p.errors);
        let commits = if p.commits > 0 {
            format!("{} commits, ", p.commits)
        } else {
            String::new()
        };
        self.bar.set_message(format!(
            "{commits}{:.0} files/s, {}/s, {} findings  {}",
            p.files_per_sec,
            human_bytes(p.bytes_per_sec),
            p.findings,
            p.current
        ));
    }
}

impl ProgressReporter for BarProgress {
    fn start(&self, p: &ScanProgress) {
        self.bar.enable_steady_tick(Duration::from_millis(120));
        self.update(p);
    }

    fn progress(&self, p: &ScanProgress) {
        self.update(p);
    }

    fn complete(&self, p: &ScanProgress) {
        self.update(p);
        self.bar.finish_and_clear();
    }
}

/// Formats a byte rate for humans (`12.3 MiB`).
pub(crate) fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut n = n;
    let mut unit = 0;
    while n >= 1024.0 && unit + 1 < UNITS.len() {
        n /= 1024.0;
        unit += 1;
    }
    format!("{n:.1} {}", UNITS[unit])
}
