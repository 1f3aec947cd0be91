//! Line index: from byte offsets to 1-based lines and columns.
//!
//! Built only for items that have a match. Lines end at `\n`, so CRLF files
//! count lines like LF files; a column counts characters (UTF-8 scalar
//! values) from the line start, 1-based, and an end column points just past
//! the last character of the match.

/// Byte offsets of line starts in one buffer.
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &[u8]) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` in `text`.
    pub fn position(&self, text: &[u8], offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let chars = text[start..offset.min(text.len())]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        Position {
            line: line as u32 + 1,
            column: chars as u32 + 1,
        }
    }

    /// The byte range of the 1-based `line` (without its `\n`).
    pub fn line_bytes<'t>(&self, text: &'t [u8], line: u32) -> &'t [u8] {
        let i = line as usize - 1;
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(text.len(), |&s| s - 1);
        &text[start..end.max(start)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = b"ab\ncd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(text, 4), Position { line: 2, column: 2 });
        assert_eq!(idx.position(text, 7), Position { line: 3, column: 1 });
        assert_eq!(idx.line_bytes(text, 2), b"cd\r");
        assert_eq!(idx.line_bytes(text, 3), b"ef");
    }

    #[test]
    fn columns_count_characters() {
        let text = "é = AKIA".as_bytes();
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 5), Position { line: 1, column: 5 });
    }
}
