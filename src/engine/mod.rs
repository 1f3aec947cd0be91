//! The engine: one bounded, streaming scan of whatever a source yields.
//!
//! ```text
//!  source thread ──Feed::send──▶ bounded queue ──▶ N worker threads
//!      (blocks while -j items        (crossbeam)       read, detect, scope
//!       are in flight)                                      │
//!                                 findings (bounded mpsc) ◀─┘
//!                                          │
//!                               ScanHandle::next_finding (one consumer)
//! ```
//!
//! tokio orchestrates: the in-flight semaphore, the findings channel, the
//! progress ticker, cancellation and completion. The CPU work runs on a
//! fixed pool of OS threads. Nothing here knows which source is driving.
//!
//! ```
//! use hamburglar::detect::ruleset::{Catalogue, RuleSelection};
//! use hamburglar::engine::{Scan, ScanOptions};
//! use hamburglar::source::worktree::Worktree;
//!
//! # fn main() -> anyhow::Result<()> {
//! # let dir = tempfile::tempdir()?;
//! # std::fs::write(dir.path().join(".env"), "AWS_ACCESS_KEY_ID=AKIAQ4TZ7XJ2KD5RMN3W\n")?;
//! # let root = dir.path().to_path_buf();
//! let runtime = tokio::runtime::Runtime::new()?;
//! runtime.block_on(async {
//!     // The built-in `secret` rules.
//!     let selection = RuleSelection::default();
//!     let detector = Catalogue::load(&selection)?.detector(&selection)?;
//!
//!     // Scan a folder; findings arrive as soon as they are made.
//!     let mut scan = Scan::new(detector, ScanOptions::default()).start(Worktree::new(vec![root]));
//!     let progress = scan.progress(); // snapshot() from anywhere
//!     let cancel = scan.canceller(); // cancel() stops the scan
//!     let mut found = Vec::new();
//!     while let Some(finding) = scan.next_finding().await {
//!         found.push((finding.provenance.path().to_string(), finding.line, finding.rule.id.clone()));
//!     }
//!     let stats = scan.finish().await?;
//!     assert_eq!(found, vec![(".env".to_string(), 1, "aws-access-key-id".to_string())]);
//!     assert_eq!(stats.findings, 1);
//!     assert_eq!(progress.snapshot().scanned, 1);
//!     drop(cancel);
//!     Ok::<_, anyhow::Error>(())
//! })
//! # }
//! ```

mod cache;
mod feed;
pub mod progress;
mod shared;
mod worker;

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, Semaphore};

pub use feed::{Cancelled, Feed};
/// The cancellation token type of [`Scan::cancel_token`], re-exported so
/// callers need no `tokio-util` of their own.
pub use tokio_util::sync::CancellationToken;

pub use progress::{BarProgress, NoProgress, ProgressReporter, ScanProgress};

use crate::detect::Detector;
use crate::report::Finding;
use crate::source::Source;
use shared::Shared;

/// Options of the engine, independent of the source.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads running the detectors (default: the cores).
    pub threads: usize,
    /// Items in flight at most, queued or being scanned (`-j`).
    pub concurrency: usize,
    /// Files larger than this are skipped and counted.
    pub max_file_size: u64,
    /// Scan binary content with the text rules too.
    pub scan_binary_as_text: bool,
    /// Capacity of the findings channel.
    pub findings_buffer: usize,
    /// The longest rule matching may take on one item; past it the item
    /// is skipped and counted as `timeout`.
    pub item_timeout: Option<Duration>,
    /// How often progress is published.
    pub progress_interval: Duration,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            concurrency: 50,
            max_file_size: 100 << 20,
            scan_binary_as_text: false,
            findings_buffer: 256,
            item_timeout: Some(Duration::from_secs(60)),
            progress_interval: Duration::from_millis(100),
        }
    }
}

/// The final statistics of a scan.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanStats {
    /// The source's name.
    pub source: String,
    /// Items the source yielded.
    pub discovered: u64,
    /// Items scanned.
    pub scanned: u64,
    /// Items skipped on purpose.
    pub skipped: u64,
    /// Skipped items by reason.
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Items that could not be read.
    pub errors: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Findings delivered.
    pub findings: u64,
    /// Commits walked (history).
    pub commits: u64,
    /// Content-addressed items whose earlier scan was reused.
    pub reused: u64,
    /// The most items ever in flight at once, as observed.
    pub max_in_flight: usize,
    /// Wall time, seconds.
    pub elapsed_secs: f64,
    /// True if the scan was cancelled before the source was exhausted.
    pub cancelled: bool,
}

/// Why a scan failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The source could not start or continue (unreadable root, no repo).
    #[error("{0:#}")]
    Source(anyhow::Error),
    /// A thread of the engine panicked.
    #[error("internal error: {0}")]
    Panic(String),
}

/// A configured scan, ready to start on a source.
pub struct Scan {
    detector: Arc<Detector>,
    options: ScanOptions,
    reporter: Arc<dyn ProgressReporter>,
    cancel: CancellationToken,
}

impl Scan {
    /// A scan with these rules and options, no progress display.
    pub fn new(detector: Detector, options: ScanOptions) -> Scan {
        Scan::with_shared_detector(Arc::new(detector), options)
    }

    /// A scan sharing an already-built detector.
    pub fn with_shared_detector(detector: Arc<Detector>, options: ScanOptions) -> Scan {
        Scan {
            detector,
            options,
            reporter: Arc::new(NoProgress),
            cancel: CancellationToken::new(),
        }
    }

    /// Publishes progress to `reporter`.
    pub fn reporter(mut self, reporter: Arc<dyn ProgressReporter>) -> Scan {
        self.reporter = reporter;
        self
    }

    /// Cancels the scan when `token` is cancelled (e.g. one wired to
    /// Ctrl-C). The scan uses a child of it, so dropping the scan's handle
    /// never cancels the caller's token.
    pub fn cancel_token(mut self, token: CancellationToken) -> Scan {
        self.cancel = token.child_token();
        self
    }

    /// Starts scanning `source`. Must be called inside a tokio runtime.
    pub fn start(self, source: impl Source) -> ScanHandle {
        self.start_boxed(Box::new(source))
    }

    /// Starts scanning a boxed source. Must be called inside a tokio
    /// runtime.
    pub fn start_boxed(self, source: Box<dyn Source>) -> ScanHandle {
        let runtime = tokio::runtime::Handle::current();
        let shared = Arc::new(Shared::new(self.cancel.clone()));
        let opts = self.options.clone();
        let concurrency = opts.concurrency.max(1);
        let (queue_tx, queue_rx) = crossbeam_channel::bounded(concurrency);
        let (findings_tx, findings_rx) = mpsc::channel(opts.findings_buffer.max(1));
        let cache = Arc::new(cache::ScanCache::default());

        let mut workers = Vec::new();
        for i in 0..opts.threads.max(1) {
            let worker = worker::Worker {
                detector: self.detector.clone(),
                shared: shared.clone(),
                cache: cache.clone(),
                options: opts.clone(),
                findings: findings_tx.clone(),
            };
            let rx = queue_rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("hamburglar-worker-{i}"))
                .spawn(move || worker.run(rx))
                .expect("spawning a worker thread");
            workers.push(spawned);
        }
        drop(findings_tx);

        let source_name = source.name();
        let feed = Feed {
            shared: shared.clone(),
            queue: queue_tx,
            slots: Arc::new(Semaphore::new(concurrency)),
            runtime: runtime.clone(),
        };
        let (result_tx, result_rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name(format!("hamburglar-{source_name}"))
            .spawn(move || {
                let result = source.run(&feed);
                drop(feed);
                let _ = result_tx.send(result);
            })
            .expect("spawning the source thread");

        let reporter = self.reporter.clone();
        reporter.start(&shared.snapshot());
        let ticker = runtime.spawn(tick(
            shared.clone(),
            reporter.clone(),
            opts.progress_interval,
        ));
        let done_shared = shared.clone();
        let done = runtime.spawn_blocking(move || {
            let mut panicked = None;
            for w in workers {
                if let Err(p) = w.join() {
                    panicked = Some(panic_message(p));
                }
            }
            // The workers are gone, so the source's next send fails and it
            // returns; a source stuck in a read after cancellation is not
            // waited for long.
            let source_result = if done_shared.cancel.is_cancelled() {
                result_rx.recv_timeout(Duration::from_secs(2)).ok()
            } else {
                result_rx.recv().ok()
            };
            ticker.abort();
            reporter.complete(&done_shared.snapshot());
            let stats = stats(&done_shared, source_name);
            match (source_result, panicked) {
                (_, Some(p)) => Err(ScanError::Panic(p)),
                (Some(Err(e)), None) => Err(ScanError::Source(e)),
                (None, None) if !stats.cancelled => {
                    Err(ScanError::Panic("the source thread panicked".into()))
                }
                _ => Ok(stats),
            }
        });

        ScanHandle {
            findings: findings_rx,
            progress: ProgressHandle { shared },
            cancel: self.cancel,
            done: Some(done),
        }
    }
}

/// Publishes progress until aborted.
async fn tick(shared: Arc<Shared>, reporter: Arc<dyn ProgressReporter>, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        interval.tick().await;
        reporter.progress(&shared.snapshot());
    }
}

/// Collects the final statistics.
fn stats(shared: &Shared, source: &str) -> ScanStats {
    let p = shared.snapshot();
    ScanStats {
        source: source.to_string(),
        discovered: p.discovered,
        scanned: p.scanned,
        skipped: p.skipped,
        skipped_by_reason: shared
            .skip_reasons
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
        errors: p.errors,
        bytes: p.bytes,
        findings: p.findings,
        commits: p.commits,
        reused: shared.reused.load(Ordering::Relaxed),
        max_in_flight: shared.max_in_flight.load(Ordering::Relaxed),
        elapsed_secs: p.elapsed.as_secs_f64(),
        cancelled: shared.cancel.is_cancelled(),
    }
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a thread panicked".into())
}

/// A running scan: its findings, progress, and cancellation. Dropping the
/// handle before [`finish`](ScanHandle::finish) cancels the scan.
pub struct ScanHandle {
    findings: mpsc::Receiver<Finding>,
    progress: ProgressHandle,
    cancel: CancellationToken,
    done: Option<tokio::task::JoinHandle<Result<ScanStats, ScanError>>>,
}

impl ScanHandle {
    /// The next finding, as soon as it is made; `None` once the scan is
    /// over and every finding was delivered.
    pub async fn next_finding(&mut self) -> Option<Finding> {
        self.findings.recv().await
    }

    /// A handle to read progress snapshots from anywhere.
    pub fn progress(&self) -> ProgressHandle {
        self.progress.clone()
    }

    /// A token that cancels the scan: intake stops, items being scanned
    /// finish, their findings are still delivered.
    pub fn canceller(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Waits for the scan to end and returns its statistics. Findings not
    /// yet taken are discarded; drain [`next_finding`](Self::next_finding)
    /// first to keep them.
    pub async fn finish(mut self) -> Result<ScanStats, ScanError> {
        self.findings.close();
        while self.findings.recv().await.is_some() {}
        let done = self.done.take().expect("finish consumes the handle");
        match done.await {
            Ok(r) => r,
            Err(e) => Err(ScanError::Panic(e.to_string())),
        }
    }
}

impl Drop for ScanHandle {
    fn drop(&mut self) {
        // Nobody will read the findings any more: stop the workers. After
        // `finish` the scan is over and this changes nothing.
        self.cancel.cancel();
    }
}

impl tokio_stream::Stream for ScanHandle {
    type Item = Finding;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Finding>> {
        self.findings.poll_recv(cx)
    }
}

/// Reads progress of a running scan.
#[derive(Clone)]
pub struct ProgressHandle {
    shared: Arc<Shared>,
}

impl ProgressHandle {
    /// A snapshot of the counters now.
    pub fn snapshot(&self) -> ScanProgress {
        self.shared.snapshot()
    }
}
