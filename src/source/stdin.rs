//! Standard input as a source: `hamburglar scan -`.

use std::io::Read;

use anyhow::Context as _;

use super::{Content, Item, Provenance, Source};
use crate::engine::Feed;

/// Reads standard input to its end, up to a size limit, as one item.
#[derive(Debug, Clone)]
pub struct Stdin {
    limit: u64,
}

impl Stdin {
    /// Reads at most `limit` bytes.
    pub fn new(limit: u64) -> Stdin {
        Stdin { limit }
    }
}

impl Source for Stdin {
    fn name(&self) -> &'static str {
        "stdin"
    }

    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()> {
        let _ = feed.send(read_item(self.limit)?);
        Ok(())
    }
}

/// Reads standard input (at most `limit` bytes) into one item named `-`.
pub(crate) fn read_item(limit: u64) -> anyhow::Result<Item> {
    let buf = read_bounded(std::io::stdin().lock(), limit, "standard input")
        .context("reading standard input")?;
    Ok(Item::new(
        Provenance::Stdin { path: "-".into() },
        Content::Bytes(buf),
    ))
}

/// Reads a stream to its end or to `limit` bytes, whichever comes first.
///
/// A stream longer than the limit is cut there and a warning names `what`:
/// only its first `limit` bytes are scanned. The rest is never read, so a
/// stream without end (`<(yes)`) cannot hold the scan.
pub(crate) fn read_bounded(reader: impl Read, limit: u64, what: &str) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    // One byte past the limit tells "exactly the limit" from "more".
    reader.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        buf.truncate(limit as usize);
        log::warn!("{what}: longer than --max-file-size; only the first {limit} bytes are scanned");
    }
    Ok(buf)
}
