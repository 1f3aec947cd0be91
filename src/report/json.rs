//! JSON: one document with every finding and the scan statistics, written
//! when the scan ends.

use std::io::{self, Write};

use super::{shown, Finding, Report};
use crate::engine::ScanStats;

/// The JSON document writer.
pub struct Json {
    out: Box<dyn Write + Send>,
    show_secrets: bool,
    findings: Vec<Finding>,
}

impl Json {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>, show_secrets: bool) -> Json {
        Json {
            out,
            show_secrets,
            findings: Vec::new(),
        }
    }
}

impl Report for Json {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        self.findings.push(shown(f, self.show_secrets).into_owned());
        Ok(())
    }

    fn finish(&mut self, stats: &ScanStats) -> io::Result<()> {
        let doc = serde_json::json!({ "findings": self.findings, "stats": stats });
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
