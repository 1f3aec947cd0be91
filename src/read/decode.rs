//! Text or binary, and which encoding.
//!
//! Binary means a NUL byte in the first 8000 bytes, git's own rule, so the
//! working tree and history agree on what is text. UTF-16 is recognised by
//! its BOM, or without one by NULs on one parity of byte positions, and is
//! decoded to UTF-8. Bytes that are not valid UTF-8 are decoded with the
//! encoding `chardetng` guesses. Decoding keeps every `\n`, so line numbers
//! in the decoded text are the line numbers of the file.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How far into a buffer the binary check looks.
const BINARY_PROBE: usize = 8000;

/// The text of an item, ready for the rules.
#[derive(Debug)]
pub enum Text<'a> {
    /// Binary content: the regex rules do not run on it.
    Binary,
    /// Text, as UTF-8 (or raw bytes that are mostly ASCII).
    Text {
        /// The text to scan.
        text: Cow<'a, [u8]>,
        /// The encoding decoded from; `None` for UTF-8.
        encoding: Option<&'static str>,
    },
}

/// Classifies and, where needed, decodes `bytes`.
pub fn decode(bytes: &[u8]) -> Text<'_> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        if enc == UTF_8 {
            return Text::Text {
                text: Cow::Borrowed(&bytes[bom..]),
                encoding: None,
            };
        }
        return decode_with(enc, &bytes[bom..]);
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    if memchr::memchr(0, probe).is_some() {
        return match utf16_without_bom(probe) {
            Some(enc) => decode_with(enc, bytes),
            None => Text::Binary,
        };
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Text::Text {
            text: Cow::Borrowed(bytes),
            encoding: None,
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    if enc == UTF_8 {
        // Mostly UTF-8 with a few bad bytes: the rules run on the raw
        // bytes, and reported text is converted lossily.
        return Text::Text {
            text: Cow::Borrowed(bytes),
            encoding: None,
        };
    }
    decode_with(enc, bytes)
}

/// Decodes with a known encoding.
fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> Text<'static> {
    let (text, _had_errors) = enc.decode_without_bom_handling(bytes);
    Text::Text {
        text: Cow::Owned(text.into_owned().into_bytes()),
        encoding: Some(enc.name()),
    }
}

/// Recognises UTF-16 text without a BOM: ASCII-heavy UTF-16 has a NUL in
/// nearly every second byte and almost none in the others.
fn utf16_without_bom(probe: &[u8]) -> Option<&'static Encoding> {
    let pairs = probe.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in probe.chunks_exact(2) {
        even += (pair[0] == 0) as usize;
        odd += (pair[1] == 0) as usize;
    }
    let mostly = |n: usize| n * 10 >= pairs * 4;
    let rarely = |n: usize| n * 20 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(UTF_16LE)
    } else if mostly(even) && rarely(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    }

    #[test]
    fn utf8_is_borrowed() {
        match decode(b"key = 1\n") {
            Text::Text {
                text: Cow::Borrowed(t),
                encoding: None,
            } => assert_eq!(t, b"key = 1\n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn binary_has_nul() {
        assert!(matches!(
            decode(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00"),
            Text::Binary
        ));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        for bom in [true, false] {
            match decode(&utf16le("a = 1\ntoken = ghp_x\n", bom)) {
                Text::Text { text, encoding } => {
                    assert_eq!(&*text, b"a = 1\ntoken = ghp_x\n");
                    assert_eq!(encoding, Some("UTF-16LE"));
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn latin1_is_decoded() {
        match decode(b"caf\xe9 password=hunter2\n") {
            Text::Text { text, encoding } => {
                assert_eq!(
                    std::str::from_utf8(&text).unwrap(),
                    "café password=hunter2\n"
                );
                assert!(encoding.is_some());
            }
            other => panic!("{other:?}"),
        }
    }
}
