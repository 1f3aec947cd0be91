//! Reading files from disk, safely.
//!
//! A path is opened non-blocking and checked *after* opening (`fstat`), so
//! a file swapped for a FIFO between the walk and the read cannot hang a
//! worker. Files above [`MMAP_THRESHOLD`] are memory-mapped instead of
//! copied; a file truncated by another process while mapped can raise
//! SIGBUS, a risk accepted for large files only, where copying would cost
//! the most.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

use memmap2::Mmap;

/// Files at least this large are memory-mapped.
pub const MMAP_THRESHOLD: u64 = 16 << 20;

/// The bytes of one file: owned or mapped.
pub enum Bytes {
    /// Read into memory.
    Owned(Vec<u8>),
    /// Memory-mapped.
    Mapped(Mmap),
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a regular file (FIFO, socket, device, directory).
    #[error("not a regular file")]
    NotRegular,
    /// Larger than the size limit.
    #[error("larger than the size limit ({size} > {limit} bytes)")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// An I/O error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Bytes, ReadError> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular);
    }
    let size = meta.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    if size >= MMAP_THRESHOLD {
        // SAFETY: the map is read-only and dropped after the scan of this
        // item; see the module docs for the truncation risk.
        let map = unsafe { Mmap::map(&file)? };
        return Ok(Bytes::Mapped(map));
    }
    let mut buf = Vec::with_capacity(size as usize + 1);
    // A file may grow after the stat: never read past the limit.
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(Bytes::Owned(buf))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_and_rejects_large() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"hello").unwrap();
        assert_eq!(&*read_file(&p, 100).unwrap(), b"hello");
        assert!(matches!(
            read_file(&p, 3),
            Err(ReadError::TooLarge { size: 5, limit: 3 })
        ));
        assert!(matches!(
            read_file(dir.path(), 100),
            Err(ReadError::NotRegular)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(matches!(read_file(&p, 100), Err(ReadError::NotRegular)));
    }
}
