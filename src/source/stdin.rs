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
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut buf)
        .context("reading standard input")?;
    Ok(Item::new(
        Provenance::Stdin { path: "-".into() },
        Content::Bytes(buf),
    ))
}
