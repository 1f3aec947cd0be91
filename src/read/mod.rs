//! Reading: from an item's content to text the rules can run over.
//!
//! [`file`] opens only regular files (a FIFO, device or socket would block
//! or never end) and maps large ones; [`decode`] decides whether bytes are
//! text, and turns UTF-16 and legacy 8-bit encodings into UTF-8 so the
//! rules see the characters, not the encoding.

mod decode;
mod file;

pub use decode::{decode, Text};
pub use file::{read_file, Bytes, ReadError};
