//! The scan cache: each content-addressed item is scanned once per run.
//!
//! In history, the same blob is introduced by many commits (cherry-picks,
//! reverts, merges of the same change, renames). The first worker to meet
//! a blob id scans it; a worker meeting it again, even while the first scan
//! is still running, waits for and reuses that result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::detect::Match;
use crate::source::ContentKey;

/// The outcome of scanning one content-addressed item.
#[derive(Debug, Clone)]
pub(crate) enum Scanned {
    /// The matches (often none).
    Matches(Arc<[Match]>),
    /// Not scanned on purpose, with the reason.
    Skipped(String),
    /// Could not be read.
    Failed(String),
}

/// Single-flight cache of scan outcomes keyed by content address.
#[derive(Default)]
pub(crate) struct ScanCache {
    map: Mutex<HashMap<ContentKey, Arc<OnceLock<Scanned>>>>,
}

impl ScanCache {
    /// Returns the cached outcome for `key`, computing it with `scan` if
    /// no worker has yet; the bool is true when the outcome was reused.
    pub(crate) fn get_or_scan(
        &self,
        key: ContentKey,
        scan: impl FnOnce() -> Scanned,
    ) -> (Scanned, bool) {
        let cell = {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key).or_default().clone()
        };
        let mut computed = false;
        let out = cell.get_or_init(|| {
            computed = true;
            scan()
        });
        (out.clone(), !computed)
    }
}
