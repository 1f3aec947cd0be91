//! Workers: the fixed pool of OS threads that read and scan items.
//!
//! Detection is CPU work, so it never runs on the async executor and never
//! on tokio's blocking pool (sized for I/O, up to 512 threads). Each worker
//! takes jobs from the bounded queue, reads the content, runs the
//! detector, keeps the findings inside the item's line scope, and sends
//! them to the writer through a bounded channel: a slow writer slows the
//! workers instead of growing memory.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crossbeam_channel::RecvTimeoutError;
use tokio::sync::mpsc;

use super::cache::{ScanCache, Scanned};
use super::feed::Job;
use super::shared::Shared;
use super::ScanOptions;
use crate::detect::{ContentKind, DetectScratch, Detector, Match};
use crate::read::{self, ReadError};
use crate::report::Finding;
use crate::source::{Content, Item, LoadError, Scope};

/// What one worker thread needs, all shared read-only.
pub(crate) struct Worker {
    pub(crate) detector: Arc<Detector>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) cache: Arc<ScanCache>,
    pub(crate) options: ScanOptions,
    pub(crate) findings: mpsc::Sender<Finding>,
}

impl Worker {
    /// Runs jobs until the queue closes or the scan is cancelled. After
    /// cancellation, queued jobs are dropped unscanned; a job already
    /// started finishes, and its findings are delivered.
    pub(crate) fn run(self, queue: crossbeam_channel::Receiver<Job>) {
        let mut scratch = DetectScratch::default();
        let cancel = self.shared.cancel.clone();
        scratch.set_interrupt(std::sync::Arc::new(move || cancel.is_cancelled()));
        let tick = std::time::Duration::from_millis(50);
        loop {
            // Waking up now and then lets a cancelled scan end even while
            // its source is stuck (say, blocked reading a silent stdin).
            let job = match queue.recv_timeout(tick) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) if self.shared.cancel.is_cancelled() => return,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if self.shared.cancel.is_cancelled() {
                return;
            }
            self.process(&job.item, &mut scratch);
            job.finish();
        }
    }

    /// Scans one item and sends its findings.
    fn process(&self, item: &Item, scratch: &mut DetectScratch) {
        let path = item.provenance.path();
        self.shared.set_current(path);
        if self.detector.allows_path(path) {
            self.shared.note_skip(path, "allowlisted path");
            return;
        }

        let mut loaded: Option<read::Bytes> = None;
        let outcome = match item.key {
            Some(key) => {
                let (outcome, reused) = self.cache.get_or_scan(key, || {
                    self.load_and_scan(&item.content, &mut loaded, scratch)
                });
                if reused && matches!(outcome, Scanned::Matches(_)) {
                    self.shared.reused.fetch_add(1, Ordering::Relaxed);
                }
                outcome
            }
            None => self.load_and_scan(&item.content, &mut loaded, scratch),
        };
        let matches = match outcome {
            Scanned::Matches(m) => m,
            Scanned::Skipped(reason) => {
                self.shared.note_skip(path, &reason);
                return;
            }
            Scanned::Failed(err) => {
                self.shared.note_error(path, &err);
                return;
            }
        };
        self.shared.scanned.fetch_add(1, Ordering::Relaxed);
        for m in self.detector.path_matches(path) {
            self.send(&m, item);
        }
        // Matches are made (and cached per blob) without regard to the
        // path; rules restricted to some paths are applied here.
        let matches: Vec<&Match> = matches
            .iter()
            .filter(|m| self.detector.applies_to(m, path))
            .collect();
        if matches.is_empty() {
            return;
        }

        let lines = match &item.scope {
            Scope::All => None,
            Scope::Lines(scope) => {
                let bytes = match loaded.take() {
                    Some(b) => b,
                    None => match load(&item.content, self.options.max_file_size) {
                        Ok(b) => b,
                        Err(e) => return self.shared.note_error(path, &e.to_string()),
                    },
                };
                match scope.lines(&bytes) {
                    Ok(l) => Some(l),
                    Err(e) => return self.shared.note_error(path, &e.to_string()),
                }
            }
        };
        for m in matches {
            if lines
                .as_ref()
                .is_some_and(|l| !l.touches(m.line, m.end_line))
            {
                continue;
            }
            self.send(m, item);
        }
    }

    /// Sends one finding to the writer. A closed channel means the
    /// consumer went away; the finding is dropped, not counted.
    fn send(&self, m: &Match, item: &Item) {
        let finding = Finding::new(m, item.provenance.clone());
        if self.findings.blocking_send(finding).is_ok() {
            self.shared.findings.fetch_add(1, Ordering::Relaxed);
        } else {
            self.shared.cancel.cancel();
        }
    }

    /// Reads and scans content; keeps the bytes in `loaded` for the scope.
    fn load_and_scan(
        &self,
        content: &Content,
        loaded: &mut Option<read::Bytes>,
        scratch: &mut DetectScratch,
    ) -> Scanned {
        let bytes = match load(content, self.options.max_file_size) {
            Ok(b) => b,
            Err(LoadError::Skip(reason)) => return Scanned::Skipped(reason),
            Err(LoadError::Failed(err)) => return Scanned::Failed(err),
        };
        self.shared
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let mut matches = Vec::new();
        let binary_as_text = self.options.scan_binary_as_text;
        scratch.set_budget(self.options.item_timeout);
        let kind = self
            .detector
            .scan(&bytes, binary_as_text, scratch, &mut matches);
        *loaded = Some(bytes);
        if scratch.timed_out() {
            if self.shared.cancel.is_cancelled() {
                return Scanned::Skipped("interrupted".into());
            }
            // One pathological item must not stall the scan.
            return Scanned::Skipped("timeout".into());
        }
        if kind == ContentKind::Binary && matches.is_empty() {
            // Binary content that no binary-aware (YARA) rule matched.
            return Scanned::Skipped("binary".into());
        }
        Scanned::Matches(matches.into())
    }
}

/// Produces an item's bytes.
fn load(content: &Content, max_file_size: u64) -> Result<read::Bytes, LoadError> {
    match content {
        Content::Bytes(b) => Ok(read::Bytes::Owned(b.clone())),
        Content::File(p) => read::read_file(p, max_file_size).map_err(|e| match e {
            ReadError::NotRegular => LoadError::Skip("not a regular file".into()),
            ReadError::TooLarge { .. } => LoadError::Skip("too large".into()),
            ReadError::Io(e) => LoadError::Failed(e.to_string()),
        }),
        Content::Deferred(l) => l.load().map(read::Bytes::Owned),
    }
}
