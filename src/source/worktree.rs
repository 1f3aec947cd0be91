//! The working tree: files of a folder, walked with `ignore`.
//!
//! `.gitignore`, `.git/info/exclude`, the global excludes file, `.ignore`
//! and `.hamburglarignore` files are honoured (even outside a git
//! repository) unless `--no-ignore`. Hidden files are scanned, since `.env`,
//! `.npmrc` and `.ssh/` are where secrets live; the `.git` folder never is.
//! Symbolic links are not followed unless asked; when they are, loops are
//! detected by the walker and reported, never followed forever. FIFOs,
//! sockets and devices found by the walk are skipped without being opened
//! (a FIFO could block forever). Named on the command line, a FIFO (or
//! `<(cmd)`) is read to its end like standard input, and a device or a
//! socket is skipped with a warning.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;

use super::{Content, Item, Provenance, Source};
use crate::detect::allow::gitignore_style;
use crate::engine::Feed;

/// Options and roots of a working-tree scan.
#[derive(Debug, Clone, Default)]
pub struct Worktree {
    roots: Vec<PathBuf>,
    no_ignore: bool,
    follow_symlinks: bool,
    include: Vec<String>,
    exclude: Vec<String>,
    stdin_limit: u64,
}

impl Worktree {
    /// Scans these roots: folders, files, or `-` for standard input.
    pub fn new(roots: Vec<PathBuf>) -> Worktree {
        Worktree {
            roots,
            stdin_limit: 100 << 20,
            ..Worktree::default()
        }
    }

    /// Scans ignored files too.
    pub fn no_ignore(mut self, yes: bool) -> Worktree {
        self.no_ignore = yes;
        self
    }

    /// Follows symbolic links.
    pub fn follow_symlinks(mut self, yes: bool) -> Worktree {
        self.follow_symlinks = yes;
        self
    }

    /// Scans only files matching one of these gitignore-style globs.
    pub fn include(mut self, globs: Vec<String>) -> Worktree {
        self.include = globs;
        self
    }

    /// Never scans files or folders matching these gitignore-style globs.
    pub fn exclude(mut self, globs: Vec<String>) -> Worktree {
        self.exclude = globs;
        self
    }

    /// The most bytes read from standard input or from a FIFO named as a
    /// root.
    pub fn stdin_limit(mut self, bytes: u64) -> Worktree {
        self.stdin_limit = bytes;
        self
    }
}

impl Source for Worktree {
    fn name(&self) -> &'static str {
        "worktree"
    }

    fn run(self: Box<Self>, feed: &Feed) -> anyhow::Result<()> {
        let include = compile_globs(&self.include).context("bad --include glob")?;
        let exclude = compile_globs(&self.exclude).context("bad --exclude glob")?;
        // Every root is checked before any is scanned: a typo in the last
        // of several roots should not cost a full scan of the others.
        let kinds = self
            .roots
            .iter()
            .map(|root| check_root(root))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let several = self.roots.len() > 1;
        let filters = Filters {
            include: &include,
            exclude: &exclude,
        };
        for (root, kind) in self.roots.iter().zip(kinds) {
            let sent = match kind {
                RootKind::Stdin => feed.send(super::stdin::read_item(self.stdin_limit)?),
                RootKind::Pipe => feed.send(self.read_pipe(root, several)?),
                RootKind::Unreadable(what) => {
                    log::warn!("{}: not scanned: {what}", root.display());
                    feed.skip(&shown_path(root, root, several), "not a regular file");
                    Ok(())
                }
                RootKind::Walk => self.walk(root, several, &filters, feed),
            };
            if sent.is_err() {
                return Ok(());
            }
        }
        Ok(())
    }
}

/// What a root named on the command line is, and so how it is scanned.
enum RootKind {
    /// `-`: standard input.
    Stdin,
    /// A FIFO (a named pipe, or `<(cmd)`): read to its end, like stdin.
    Pipe,
    /// A device or a socket, which has no end to read to: skipped with a
    /// warning.
    Unreadable(&'static str),
    /// A folder or a regular file: walked.
    Walk,
}

impl Worktree {
    /// Reads a FIFO named as a root into one item, as standard input is
    /// read: to its end, or to the size limit.
    ///
    /// Opening blocks until the FIFO has a writer and reading blocks until
    /// the writer closes it, as with standard input; Ctrl-C still ends
    /// the run, since the engine does not wait long for a source stuck in
    /// a read once the scan is cancelled.
    fn read_pipe(&self, root: &Path, several: bool) -> anyhow::Result<Item> {
        let shown = root.display();
        let file = std::fs::File::open(root).with_context(|| format!("cannot open {shown}"))?;
        let what = shown.to_string();
        let bytes = super::stdin::read_bounded(file, self.stdin_limit, &what)
            .with_context(|| format!("reading {shown}"))?;
        Ok(Item::new(
            Provenance::Worktree {
                path: shown_path(root, root, several),
            },
            Content::Bytes(bytes),
        ))
    }
}

/// The user's include and exclude globs.
struct Filters<'a> {
    include: &'a Option<GlobSet>,
    exclude: &'a Option<GlobSet>,
}

impl Worktree {
    /// Walks one root, sending every file.
    fn walk(
        &self,
        root: &Path,
        several: bool,
        filters: &Filters<'_>,
        feed: &Feed,
    ) -> Result<(), crate::engine::Cancelled> {
        let exclude = filters.exclude.clone();
        let base = root.to_path_buf();
        let mut walker = WalkBuilder::new(root);
        walker
            .hidden(false)
            .standard_filters(!self.no_ignore)
            .hidden(false)
            .require_git(false)
            .follow_links(self.follow_symlinks)
            .filter_entry(move |e| {
                if e.file_name() == ".git" {
                    return false;
                }
                match (&exclude, e.path().strip_prefix(&base)) {
                    (Some(set), Ok(rel)) if e.depth() > 0 => !set.is_match(rel),
                    _ => true,
                }
            });
        if !self.no_ignore {
            walker.add_custom_ignore_filename(".hamburglarignore");
        }
        for entry in walker.build() {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let what = error_path(&err).unwrap_or_else(|| root.display().to_string());
                    feed.error(&what, &err);
                    continue;
                }
            };
            let Some(kind) = entry.file_type() else {
                // Standard input: never yielded for folder roots.
                continue;
            };
            if kind.is_dir() {
                continue;
            }
            let shown = shown_path(root, entry.path(), several);
            if kind.is_symlink() {
                feed.skip(&shown, "symlink");
                continue;
            }
            if !kind.is_file() {
                feed.skip(&shown, "not a regular file");
                continue;
            }
            if let (Some(set), Ok(rel)) = (filters.include, entry.path().strip_prefix(root)) {
                if entry.depth() > 0 && !set.is_match(rel) {
                    continue;
                }
            }
            let item = Item::new(
                Provenance::Worktree { path: shown },
                Content::File(entry.into_path()),
            );
            feed.send(item)?;
        }
        Ok(())
    }
}

/// Says how a root is scanned, failing unless it can be read: a file
/// opened, a folder listed.
///
/// A root named on the command line is what the user asked for, so one
/// that cannot be read ends the run (exit status 2) before anything is
/// scanned; files the walk finds below a root are only reported and
/// counted when unreadable. A FIFO is not opened here: opening one waits
/// for a writer.
fn check_root(root: &Path) -> anyhow::Result<RootKind> {
    if root.as_os_str() == "-" {
        return Ok(RootKind::Stdin);
    }
    let shown = root.display();
    let meta = std::fs::metadata(root).with_context(|| format!("cannot read {shown}"))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        std::fs::read_dir(root).with_context(|| format!("cannot list {shown}"))?;
        return Ok(RootKind::Walk);
    }
    if kind.is_file() {
        open_nonblocking(root).with_context(|| format!("cannot open {shown}"))?;
        return Ok(RootKind::Walk);
    }
    Ok(special_kind(&kind))
}

/// The kind of a root that is neither a folder nor a regular file.
#[cfg(unix)]
fn special_kind(kind: &std::fs::FileType) -> RootKind {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        RootKind::Pipe
    } else if kind.is_char_device() {
        RootKind::Unreadable("a character device")
    } else if kind.is_block_device() {
        RootKind::Unreadable("a block device")
    } else if kind.is_socket() {
        RootKind::Unreadable("a socket")
    } else {
        RootKind::Unreadable("not a regular file")
    }
}

/// The kind of a root that is neither a folder nor a regular file.
#[cfg(not(unix))]
fn special_kind(_kind: &std::fs::FileType) -> RootKind {
    RootKind::Unreadable("not a regular file")
}

/// Opens a file for reading without blocking: a regular file swapped for
/// a FIFO after its `stat` must not stall the walk.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Opens a file for reading.
#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The path shown for a file: relative to its root, `/`-separated; with
/// several roots, prefixed by the root as given.
fn shown_path(root: &Path, path: &Path, several: bool) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if r.as_os_str().is_empty() => return slashes(path),
        Ok(r) => r,
        Err(_) => path,
    };
    if several {
        let root = slashes(root);
        format!("{}/{}", root.trim_end_matches('/'), slashes(rel))
    } else {
        slashes(rel)
    }
}

/// A path as a `/`-separated string (lossy for non-UTF-8 names).
fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy();
    let s = if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace('\\', "/")
    };
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The path an `ignore` error is about, if it names one.
fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.display().to_string()),
        _ => None,
    }
}

/// Compiles gitignore-style globs into one set (`None` when empty).
fn compile_globs(globs: &[String]) -> anyhow::Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for g in globs {
        let glob = GlobBuilder::new(&gitignore_style(g))
            .literal_separator(true)
            .build()
            .with_context(|| format!("glob {g:?}"))?;
        set.add(glob);
        // A folder glob also covers everything below it.
        let below = format!("{}/**", gitignore_style(g));
        set.add(GlobBuilder::new(&below).literal_separator(true).build()?);
    }
    Ok(Some(set.build()?))
}
