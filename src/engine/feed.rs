//! The feed: the one door through which a source hands items to the engine.
//!
//! `send` blocks until the engine has room: a semaphore with `-j` permits
//! bounds the items in flight (queued or being scanned), so a source never
//! runs ahead of the workers and memory stays flat however large the tree.

use std::fmt::Display;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::shared::Shared;
use crate::source::Item;

/// The scan was cancelled; the source should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the scan was cancelled")]
pub struct Cancelled;

/// One item on its way to a worker, holding its in-flight permit.
pub(crate) struct Job {
    /// The item to scan.
    pub(crate) item: Item,
    /// Released (and the in-flight gauge lowered) when the job is dropped.
    slot: InFlight,
    /// Set once a worker has dealt with the item.
    done: bool,
}

impl Job {
    /// Marks the item as dealt with (scanned, skipped or failed).
    pub(crate) fn finish(mut self) {
        self.done = true;
    }
}

impl Drop for Job {
    /// A job dropped unprocessed (the scan was cancelled while it was
    /// queued) is counted, so the totals always add up.
    fn drop(&mut self) {
        if !self.done {
            self.slot
                .shared
                .note_skip(self.item.provenance.path(), "interrupted");
        }
    }
}

/// Proof that an item holds one of the `-j` in-flight slots.
pub(crate) struct InFlight {
    _permit: OwnedSemaphorePermit,
    shared: Arc<Shared>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.shared.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// What a source uses to hand items to the engine and report on its walk.
pub struct Feed {
    pub(crate) shared: Arc<Shared>,
    pub(crate) queue: crossbeam_channel::Sender<Job>,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) runtime: tokio::runtime::Handle,
}

impl Feed {
    /// Hands one item to the engine, blocking while `-j` items are already
    /// in flight. Returns `Err(Cancelled)` once the scan is cancelled; the
    /// source should then return.
    pub fn send(&self, item: Item) -> Result<(), Cancelled> {
        self.shared.discovered.fetch_add(1, Ordering::Relaxed);
        let Ok(permit) = self.acquire() else {
            self.shared.note_skip(item.provenance.path(), "interrupted");
            return Err(Cancelled);
        };
        let slot = self.occupy(permit);
        // A send refused because the workers are gone drops the job, which
        // counts it as interrupted.
        let job = Job {
            item,
            slot,
            done: false,
        };
        self.queue.send(job).map_err(|_| Cancelled)
    }

    /// Counts an item that the source decided not to scan, with the
    /// reason (logged at debug level with the item's name).
    pub fn skip(&self, what: &str, reason: &str) {
        self.shared.discovered.fetch_add(1, Ordering::Relaxed);
        self.shared.note_skip(what, reason);
    }

    /// Reports an item that could not be read; the scan goes on.
    pub fn error(&self, what: &str, err: impl Display) {
        self.shared.discovered.fetch_add(1, Ordering::Relaxed);
        self.shared.note_error(what, &err.to_string());
    }

    /// Counts one commit walked (history progress).
    pub fn commit_walked(&self) {
        self.shared.commits.fetch_add(1, Ordering::Relaxed);
    }

    /// True once the scan is cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancel.is_cancelled()
    }

    /// Waits for an in-flight slot, or for cancellation.
    fn acquire(&self) -> Result<OwnedSemaphorePermit, Cancelled> {
        let slots = self.slots.clone();
        let cancel = self.shared.cancel.clone();
        self.runtime.block_on(async move {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(Cancelled),
                p = slots.acquire_owned() => p.map_err(|_| Cancelled),
            }
        })
    }

    /// Records that a slot is taken; the gauge is checked independently of
    /// the semaphore so tests can observe the bound rather than assume it.
    fn occupy(&self, permit: OwnedSemaphorePermit) -> InFlight {
        let now = self.shared.in_flight.fetch_add(1, Ordering::AcqRel) + 1;
        self.shared.max_in_flight.fetch_max(now, Ordering::AcqRel);
        InFlight {
            _permit: permit,
            shared: self.shared.clone(),
        }
    }
}
