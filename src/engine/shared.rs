//! The counters and flags shared by the source, the workers and the
//! progress publisher of one scan.
//!
//! Counters are relaxed atomics bumped once per item, never per byte or per
//! match, so sharing them costs nothing measurable; per-kind skip and error
//! tallies are rare events and sit behind a mutex.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::progress::ScanProgress;
use crate::report::Escaped;

/// State of one scan seen by every thread taking part in it.
pub(crate) struct Shared {
    pub(crate) started: Instant,
    pub(crate) cancel: CancellationToken,
    pub(crate) discovered: AtomicU64,
    pub(crate) scanned: AtomicU64,
    pub(crate) skipped: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) bytes: AtomicU64,
    pub(crate) findings: AtomicU64,
    pub(crate) commits: AtomicU64,
    pub(crate) reused: AtomicU64,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) max_in_flight: AtomicUsize,
    pub(crate) current: Mutex<String>,
    pub(crate) skip_reasons: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    /// Fresh counters for a scan that starts now.
    pub(crate) fn new(cancel: CancellationToken) -> Shared {
        Shared {
            started: Instant::now(),
            cancel,
            discovered: AtomicU64::new(0),
            scanned: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
            commits: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            current: Mutex::new(String::new()),
            skip_reasons: Mutex::new(BTreeMap::new()),
        }
    }

    /// Counts a skipped item under `reason`, saying why at debug level.
    pub(crate) fn note_skip(&self, what: &str, reason: &str) {
        log::debug!("skipping {}: {reason}", Escaped(what));
        self.skipped.fetch_add(1, Ordering::Relaxed);
        let mut reasons = self.skip_reasons.lock().unwrap_or_else(|e| e.into_inner());
        *reasons.entry(reason.to_string()).or_default() += 1;
    }

    /// Counts an item that failed, and tells the user on stderr.
    pub(crate) fn note_error(&self, what: &str, err: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        // Paths come from the scanned tree: never let one drive the terminal.
        log::warn!("{}: {}", Escaped(what), Escaped(err));
    }

    /// Names the item a worker is on, for the progress display.
    pub(crate) fn set_current(&self, what: &str) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.clear();
        current.push_str(what);
    }

    /// A consistent-enough snapshot of the counters.
    pub(crate) fn snapshot(&self) -> ScanProgress {
        let elapsed = self.started.elapsed();
        let secs = elapsed.as_secs_f64().max(1e-9);
        let discovered = self.discovered.load(Ordering::Relaxed);
        let scanned = self.scanned.load(Ordering::Relaxed);
        let skipped = self.skipped.load(Ordering::Relaxed);
        let errors = self.errors.load(Ordering::Relaxed);
        let bytes = self.bytes.load(Ordering::Relaxed);
        let current = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        ScanProgress {
            discovered,
            scanned,
            skipped,
            errors,
            remaining: discovered.saturating_sub(scanned + skipped + errors),
            current,
            bytes,
            findings: self.findings.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            elapsed,
            files_per_sec: scanned as f64 / secs,
            bytes_per_sec: bytes as f64 / secs,
        }
    }
}
