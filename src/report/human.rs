//! Human-readable text: a short block per finding, then a summary line.
//!
//! The text goes to a terminal, where a file name or a secret holding an
//! escape sequence could recolour, hide or rewrite what the user reads,
//! and a newline could forge a finding. Every text field is therefore
//! written through [`Escaped`]: control characters (C0, DEL, C1) appear
//! as escapes such as `\x1b` or `\n`. A backslash is written as it is,
//! so a path that already contains the text `\x1b` reads the same as one
//! holding the character; the NDJSON and JSON formats are exact.

use std::fmt;
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
            Escaped(f.provenance.path()),
            f.line,
            f.column,
            Escaped(&f.rule.id),
            f.rule.severity.as_str(),
            Escaped(&f.rule.description)
        )?;
        writeln!(o, "    secret: {}", Escaped(&f.secret))?;
        match &f.provenance {
            Provenance::Staged { blob, .. } => writeln!(o, "    staged blob {blob}")?,
            Provenance::History { blob, commit, .. } => {
                writeln!(
                    o,
                    "    commit {} by {} <{}> {}",
                    Escaped(&commit.id),
                    Escaped(&commit.author),
                    Escaped(&commit.email),
                    Escaped(&commit.date)
                )?;
                writeln!(o, "    {}  (blob {blob})", Escaped(&commit.message))?;
            }
            _ => {}
        }
        writeln!(o, "    fingerprint {}", Escaped(&f.fingerprint))?;
        o.flush()
    }

    fn finish(&mut self, _stats: &ScanStats) -> io::Result<()> {
        // The summary goes to stderr (see the CLI): stdout carries only
        // findings.
        self.out.flush()
    }
}

/// Text shown with its control characters escaped: `\n`, `\r`, `\t`,
/// `\xNN` for the other C0 characters and DEL, `\u{NN}` for C1.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        // Plain runs are written whole; only control characters are
        // written one by one.
        while let Some(at) = rest.find(is_control) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if (c as u32) < 0x80 => write!(f, "\\x{:02x}", c as u32)?,
                c => write!(f, "\\u{{{:x}}}", c as u32)?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// True for C0 controls, DEL and C1 controls: the characters a terminal
/// may act on instead of showing.
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\x1f' | '\x7f' | '\u{80}'..='\u{9f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let shown = Escaped("a\x1b[31mred\x1b[0m\nb\tc\r\x7f\u{9b}é").to_string();
        assert_eq!(shown, "a\\x1b[31mred\\x1b[0m\\nb\\tc\\r\\x7f\\u{9b}é");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(Escaped("src/app.py").to_string(), "src/app.py");
        assert_eq!(Escaped("").to_string(), "");
    }
}
