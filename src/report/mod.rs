//! Reporting: findings out, in the format the user asked for.
//!
//! Every format implements [`Report`]: it is handed each finding as soon
//! as it is made (streaming formats write it at once), then the final
//! statistics. Writers redact secrets unless told otherwise.

pub mod finding;
mod human;
mod json;
mod ndjson;

use std::io::{self, Write};

pub use finding::Finding;
pub(crate) use human::Escaped;
pub use human::Human;
pub use json::Json;
pub use ndjson::Ndjson;

use crate::engine::ScanStats;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable text, one block per finding.
    Human,
    /// One JSON object per line, written as found.
    Ndjson,
    /// One JSON document with every finding and the statistics.
    Json,
}

/// A destination for findings.
pub trait Report {
    /// Writes (or collects) one finding.
    fn finding(&mut self, f: &Finding) -> io::Result<()>;
    /// Writes what remains once the scan is over.
    fn finish(&mut self, stats: &ScanStats) -> io::Result<()>;
}

/// Creates the writer for `format` over `out`.
pub fn writer(
    format: Format,
    out: Box<dyn Write + Send>,
    show_secrets: bool,
) -> Box<dyn Report + Send> {
    match format {
        Format::Human => Box::new(Human::new(out, show_secrets)),
        Format::Ndjson => Box::new(Ndjson::new(out, show_secrets)),
        Format::Json => Box::new(Json::new(out, show_secrets)),
    }
}

/// The finding as it should be shown: redacted unless `show_secrets`.
fn shown(f: &Finding, show_secrets: bool) -> std::borrow::Cow<'_, Finding> {
    std::borrow::Cow::Owned(f.for_output(show_secrets))
}
