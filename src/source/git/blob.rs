//! Reading a blob on a worker thread, raw as stored in git.
//!
//! The size is checked from the object header before anything is
//! inflated, a blob missing from a partial clone is skipped rather than
//! failing the scan, and Git LFS pointer files (a few lines naming an
//! object stored elsewhere) are skipped: there is nothing of the real file
//! in them to scan.

use gix::ObjectId;

use super::SharedRepo;
use crate::source::{Load, LoadError};

/// The skip reason of a blob missing from the object database (a partial
/// clone, `--filter=blob:none`).
pub const MISSING_BLOB: &str = "missing blob (partial clone)";

/// The skip reason of a Git LFS pointer file.
pub const LFS_POINTER: &str = "lfs pointer";

/// LFS pointer files are at most this large (the LFS specification).
const LFS_POINTER_MAX_BYTES: u64 = 1024;

/// Reads one blob through the calling thread's repository.
pub struct BlobLoader {
    /// Where the blob is.
    repo: SharedRepo,
    /// The blob.
    id: ObjectId,
    /// Larger blobs are skipped (`too large`) without being inflated.
    max_size: u64,
}

impl BlobLoader {
    /// Reads blob `id`, skipping it if larger than `max_size` bytes.
    pub fn new(repo: SharedRepo, id: ObjectId, max_size: u64) -> BlobLoader {
        BlobLoader { repo, id, max_size }
    }
}

impl Load for BlobLoader {
    fn load(&self) -> Result<Vec<u8>, LoadError> {
        self.repo.with(|repo| {
            let size = blob_size(repo, self.id)?;
            if size > self.max_size {
                return Err(LoadError::Skip("too large".into()));
            }
            let data = read_raw(repo, self.id)?;
            if size <= LFS_POINTER_MAX_BYTES && is_lfs_pointer(&data) {
                return Err(LoadError::Skip(LFS_POINTER.into()));
            }
            Ok(data)
        })
    }
}

/// The size of blob `id` from its header, without inflating it.
pub(super) fn blob_size(repo: &gix::Repository, id: ObjectId) -> Result<u64, LoadError> {
    match repo.try_find_header(id) {
        Ok(Some(header)) => Ok(header.size()),
        Ok(None) => Err(LoadError::Skip(MISSING_BLOB.into())),
        Err(e) => Err(LoadError::Failed(format!("reading object {id}: {e}"))),
    }
}

/// The bytes of blob `id`, exactly as stored.
pub(super) fn read_raw(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, LoadError> {
    match repo.try_find_object(id) {
        Ok(Some(object)) if object.kind == gix::object::Kind::Blob => Ok(object.detach().data),
        Ok(Some(object)) => Err(LoadError::Failed(format!(
            "object {id} is a {}, not a blob",
            object.kind
        ))),
        Ok(None) => Err(LoadError::Skip(MISSING_BLOB.into())),
        Err(e) => Err(LoadError::Failed(format!("reading object {id}: {e}"))),
    }
}

/// True for a Git LFS pointer file: the spec's version line first, then
/// an `oid sha256:` line and a `size` line.
fn is_lfs_pointer(data: &[u8]) -> bool {
    const VERSION: &[u8] = b"version https://git-lfs.github.com/spec/v1\n";
    let Some(rest) = data.strip_prefix(VERSION) else {
        return false;
    };
    let has_line = |prefix: &[u8]| rest.split(|&b| b == b'\n').any(|l| l.starts_with(prefix));
    has_line(b"oid sha256:") && has_line(b"size ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_lfs_pointers() {
        let pointer = b"version https://git-lfs.github.com/spec/v1\n\
            oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n\
            size 12345\n";
        assert!(is_lfs_pointer(pointer));
        assert!(!is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\nhello\n"
        ));
        assert!(!is_lfs_pointer(b"oid sha256:00\nsize 1\n"));
    }
}
