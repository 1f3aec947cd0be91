//! The engine through the library API, with sources made for the test:
//! the in-flight bound, progress, streaming, cancellation, the blob cache.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hamburglar::detect::ruleset::{Catalogue, RuleSelection};
use hamburglar::detect::Detector;
use hamburglar::engine::{Feed, ProgressReporter, Scan, ScanOptions, ScanProgress};
use hamburglar::source::{Content, Item, Load, LoadError, Provenance, Source};

use common::AWS_KEY_ID;

fn detector() -> Detector {
    let sel = RuleSelection::default();
    Catalogue::load(&sel).unwrap().detector(&sel).unwrap()
}

/// Counts items that exist (made by the source, not yet dropped by the
/// engine), independently of the engine's own bookkeeping.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
    loads: AtomicUsize,
}

/// Content that sleeps a little when loaded, so items pile up.
struct Slow {
    text: String,
    delay: Duration,
    gauge: Arc<Gauge>,
}

impl Load for Slow {
    fn load(&self) -> Result<Vec<u8>, LoadError> {
        self.gauge.loads.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        Ok(self.text.clone().into_bytes())
    }
}

impl Drop for Slow {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A source of `n` synthetic files; `secret(i)` decides which hold a key.
struct Synthetic {
    n: usize,
    delay: Duration,
    gauge: Arc<Gauge>,
    secret: fn(usize) -> bool,
    key: Option<gix::ObjectId>,
}

impl Synthetic {
    fn new(n: usize, delay_ms: u64, secret: fn(usize) -> bool) -> Synthetic {
        Synthetic {
            n,
            delay: Duration::from_millis(delay_ms),
            gauge: Arc::default(),
            secret,
            key: None,
        }
    }
}

impl Source for Synthetic {
    fn name(&self) -> &'static str {
        "synthetic"
    }

    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()> {
        for i in 0..self.n {
            let text = if (self.secret)(i) {
                format!("line one\nAWS_ACCESS_KEY_ID={AWS_KEY_ID}\n")
            } else {
                format!("nothing in file {i}\n")
            };
            let now = self.gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.gauge.max.fetch_max(now, Ordering::SeqCst);
            let slow = Slow {
                text,
                delay: self.delay,
                gauge: self.gauge.clone(),
            };
            let mut item = Item::new(
                Provenance::Worktree {
                    path: format!("f{i}.txt"),
                },
                Content::Deferred(Box::new(slow)),
            );
            item.key = self.key;
            if feed.send(item).is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
}

fn options(threads: usize, concurrency: usize) -> ScanOptions {
    ScanOptions {
        threads,
        concurrency,
        progress_interval: Duration::from_millis(5),
        ..ScanOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_in_flight_never_exceed_the_bound() {
    for j in [1usize, 4, 64] {
        let source = Synthetic::new(300, 1, |i| i % 10 == 0);
        let gauge = source.gauge.clone();
        let mut scan = Scan::new(detector(), options(2, j)).start(source);
        let mut found = 0;
        while scan.next_finding().await.is_some() {
            found += 1;
        }
        let stats = scan.finish().await.unwrap();
        assert_eq!(found, 30);
        assert!(
            stats.max_in_flight <= j,
            "j={j}: engine saw {}",
            stats.max_in_flight
        );
        // The source's own count includes the one item waiting for a slot.
        let seen = gauge.max.load(Ordering::SeqCst);
        assert!(seen <= j + 1, "j={j}: {seen} items existed at once");
        if j == 4 {
            assert_eq!(
                stats.max_in_flight, 4,
                "the bound is reached, so the check has teeth"
            );
        }
        if j == 64 {
            assert!(seen > 5, "with j=64 more items pile up: {seen}");
        }
    }
}

/// Records every call it gets.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(&'static str, ScanProgress)>>,
}

impl ProgressReporter for Recorder {
    fn start(&self, p: &ScanProgress) {
        self.calls.lock().unwrap().push(("start", p.clone()));
    }
    fn progress(&self, p: &ScanProgress) {
        self.calls.lock().unwrap().push(("progress", p.clone()));
    }
    fn complete(&self, p: &ScanProgress) {
        self.calls.lock().unwrap().push(("complete", p.clone()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_reporter_sees_start_progress_complete() {
    let recorder = Arc::new(Recorder::default());
    let source = Synthetic::new(150, 1, |i| i % 50 == 0);
    let mut scan = Scan::new(detector(), options(2, 8))
        .reporter(recorder.clone())
        .start(source);
    while scan.next_finding().await.is_some() {}
    let stats = scan.finish().await.unwrap();
    let calls = recorder.calls.lock().unwrap();
    assert_eq!(calls.first().unwrap().0, "start");
    let (last, final_progress) = calls.last().unwrap();
    assert_eq!(*last, "complete");
    assert!(calls.iter().filter(|c| c.0 == "progress").count() >= 2);
    assert_eq!(calls.iter().filter(|c| c.0 == "complete").count(), 1);
    assert_eq!(final_progress.scanned, 150);
    assert_eq!(final_progress.findings, 3);
    assert_eq!(final_progress.remaining, 0);
    assert_eq!(stats.scanned, 150);
    let mid = calls
        .iter()
        .find(|c| c.0 == "progress" && c.1.scanned > 0 && c.1.scanned < 150);
    assert!(mid.is_some(), "some update shows the scan part-way");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_finding_arrives_before_the_scan_ends() {
    let source = Synthetic::new(400, 2, |i| i == 0);
    let mut scan = Scan::new(detector(), options(2, 16)).start(source);
    let progress = scan.progress();
    let first = scan.next_finding().await.expect("a finding");
    let at_first = progress.snapshot();
    assert_eq!(first.provenance.path(), "f0.txt");
    assert!(
        at_first.scanned < 200,
        "only {} of 400 scanned at the first finding",
        at_first.scanned
    );
    while scan.next_finding().await.is_some() {}
    assert_eq!(scan.finish().await.unwrap().scanned, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_loses_no_finding_already_made() {
    let source = Synthetic::new(2000, 1, |_| true);
    let mut scan = Scan::new(detector(), options(2, 8)).start(source);
    let cancel = scan.canceller();
    let mut received = 0u64;
    while let Some(_f) = scan.next_finding().await {
        received += 1;
        if received == 10 {
            cancel.cancel();
        }
    }
    let stats = scan.finish().await.unwrap();
    assert!(stats.cancelled);
    assert!(received >= 10);
    assert!(received < 2000, "the scan stopped early ({received})");
    assert_eq!(stats.findings, received, "every finding made was delivered");
    assert_eq!(
        stats.discovered,
        stats.scanned + stats.skipped + stats.errors,
        "every item is accounted for: {stats:?}"
    );
    assert!(stats
        .skipped_by_reason
        .get("interrupted")
        .is_some_and(|&n| n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_with_the_same_key_are_scanned_once() {
    let mut source = Synthetic::new(20, 0, |_| true);
    source.key = Some(gix::ObjectId::empty_blob(gix::hash::Kind::Sha1));
    let gauge = source.gauge.clone();
    let mut scan = Scan::new(detector(), options(2, 8)).start(source);
    let mut found = 0;
    while scan.next_finding().await.is_some() {
        found += 1;
    }
    let stats = scan.finish().await.unwrap();
    assert_eq!(found, 20, "each item still reports its findings");
    assert_eq!(
        gauge.loads.load(Ordering::SeqCst),
        1,
        "the content was read once"
    );
    assert_eq!(stats.reused, 19);
}
