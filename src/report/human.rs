//! Human-readable text: a short block per finding, then a summary line.

use std::io::{self, Write};

use super::{shown, Finding, Report};
use crate::engine::ScanStats;
use crate::source::Provenance;

/// The text writer.
pub struct Human {
    out: Box<dyn Write + Send>,
    show_secrets: bool,
}

impl Human {
    /// A writer over `out`.
    pub fn new(out: Box<dyn Write + Send>, show_secrets: bool) -> Human {
        Human { out, show_secrets }
    }
}

impl Report for Human {
    fn finding(&mut self, f: &Finding) -> io::Result<()> {
        let f = shown(f, self.show_secrets);
        let o = &mut self.out;
        writeln!(
            o,
            "{}:{}:{}: {} [{}] {}",
            f.provenance.path(),
            f.line,
            f.column,
            f.rule.id,
            f.rule.severity.as_str(),
            f.rule.description
        )?;
        writeln!(o, "    secret: {}", f.secret)?;
        match &f.provenance {
            Provenance::Staged { blob, .. } => writeln!(o, "    staged blob {blob}")?,
            Provenance::History { blob, commit, .. } => {
                writeln!(
                    o,
                    "    commit {} by {} <{}> {}",
                    commit.id, commit.author, commit.email, commit.date
                )?;
                writeln!(o, "    {}  (blob {blob})", commit.message)?;
            }
            _ => {}
        }
        writeln!(o, "    fingerprint {}", f.fingerprint)?;
        o.flush()
    }

    fn finish(&mut self, _stats: &ScanStats) -> io::Result<()> {
        // The summary goes to stderr (see the CLI): stdout carries only
        // findings.
        self.out.flush()
    }
}
