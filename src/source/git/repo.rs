//! A repository shared with the engine's worker threads.
//!
//! `gix::Repository` is `Send` but not `Sync`, and its object caches are
//! per instance. Each worker thread therefore keeps its own thread-local
//! instance, made once from the shared [`gix::ThreadSafeRepository`] and
//! reused for every blob that thread reads.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The object cache of each worker's repository instance. Old blobs read
/// for line diffs are often read again by the next commit touching the
/// same file.
const WORKER_OBJECT_CACHE_BYTES: usize = 16 << 20;

/// Distinguishes repositories opened in one process (tests and library
/// users may scan several), so a thread never reuses another's instance.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's instance of the repository it last read from.
    static LOCAL: RefCell<Option<(u64, gix::Repository)>> = const { RefCell::new(None) };
}

/// A repository any thread can read from, cheap to clone.
#[derive(Clone)]
pub struct SharedRepo {
    /// The repository and its id, shared by every clone.
    inner: Arc<Inner>,
}

/// The shared part of a [`SharedRepo`].
struct Inner {
    /// Unique in this process; names the thread-local instances.
    id: u64,
    /// The repository threads make their instances from.
    sync: gix::ThreadSafeRepository,
}

impl SharedRepo {
    /// Shares `repo` with other threads.
    pub fn new(repo: gix::Repository) -> SharedRepo {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        SharedRepo {
            inner: Arc::new(Inner {
                id,
                sync: repo.into_sync(),
            }),
        }
    }

    /// Runs `f` with this thread's instance of the repository, making it
    /// on first use.
    pub fn with<R>(&self, f: impl FnOnce(&gix::Repository) -> R) -> R {
        LOCAL.with(|cell| {
            let mut slot = cell.borrow_mut();
            let current = slot.as_ref().is_some_and(|(id, _)| *id == self.inner.id);
            if !current {
                let mut repo = self.inner.sync.to_thread_local();
                repo.object_cache_size_if_unset(WORKER_OBJECT_CACHE_BYTES);
                *slot = Some((self.inner.id, repo));
            }
            let (_, repo) = slot.as_ref().expect("filled just above");
            f(repo)
        })
    }
}
