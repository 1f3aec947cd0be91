//! NDJSON: one finding per line, written and flushed as it is found, so a
//! consumer reading a pipe sees each finding at once.

use std::io::{self, Write};

use super::{shown, Finding, Report};
use crate::engine::ScanStats;

/// The NDJSON writer.
pub struct Ndjson {
    out: Box<dyn Write + Send>,
    show_secrets: bool,
}

impl Ndjson {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>, show_secrets: bool) -> Ndjson {
        Ndjson { out, show_secrets }
    }
}

impl Report for Ndjson {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, &*shown(f, self.show_secrets))?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    fn finish(&mut self, _stats: &ScanStats) -> io::Result<()> {
        self.out.flush()
    }
}
