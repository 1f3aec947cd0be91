//! YARA rules: binary-aware detection through yara-x.
//!
//! `--yara PATH` adds YARA rules to a run, next to the text rules. They
//! scan an item's raw bytes, before and whatever the decoding, so they see
//! binary files (keystores, password databases) that the text rules skip.
//! This module owns their whole life:
//!
//! - the sources: `.yar`/`.yara` files, folders of them (recursive), and
//!   `builtin`, the credential-container rules embedded from `rules/yara/`;
//! - compiling once per run, or loading the compiled form from the disk
//!   cache, keyed by the yara-x version and a hash of the sources;
//! - one yara-x scanner per worker thread, with a per-item timeout;
//! - turning a matching rule into [`Match`](super::Match)es like any other rule's.
//!
//! Without the `yara` cargo feature the options still exist, so the command
//! line is the same in both builds; asking for YARA rules is then an error
//! that says the build has no YARA support.

use std::path::PathBuf;
use std::time::Duration;

#[cfg(feature = "yara")]
pub use engine::{YaraRules, YaraScanner};
#[cfg(not(feature = "yara"))]
pub use stub::{YaraRules, YaraScanner};

/// The value of `--yara` that names the built-in rules.
pub const BUILTIN: &str = "builtin";

/// The built-in YARA rule files: (file name, source). The file name's stem
/// is the namespace, so the rule ids read `credentials:<rule>`.
pub const BUILTIN_FILES: &[(&str, &str)] = &[(
    "credentials.yar",
    include_str!("../../rules/yara/credentials.yar"),
)];

/// What YARA rules a run uses, and how they run.
#[derive(Debug, Clone)]
pub struct YaraOptions {
    /// Rule files and folders, in any order; [`BUILTIN`] names the
    /// built-in rules. Empty: YARA does not run.
    pub sources: Vec<PathBuf>,
    /// Where compiled rules are cached; `None` means the user cache
    /// folder (`~/.cache/hamburglar/yara` on Linux), or no cache where the
    /// platform has none.
    pub cache_dir: Option<PathBuf>,
    /// How long one item's YARA scan may take. yara-x checks its clock
    /// once a second, so this is rounded up to whole seconds and a scan
    /// may overrun it by up to a second.
    pub timeout: Duration,
}

impl Default for YaraOptions {
    fn default() -> Self {
        YaraOptions {
            sources: Vec::new(),
            cache_dir: None,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Why YARA rules could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum YaraError {
    /// This build was made without the `yara` cargo feature.
    #[error(
        "YARA is unavailable: this hamburglar was built without the `yara` \
         cargo feature, so --yara cannot be used (rebuild with the default \
         features to get YARA support)"
    )]
    Unavailable,
    /// A rule file or folder could not be read.
    #[error("--yara {}: {cause}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A folder holds no `.yar` or `.yara` file.
    #[error("--yara {}: no .yar or .yara files in this folder", path.display())]
    NoRules {
        /// The folder.
        path: PathBuf,
    },
    /// A rule does not compile; yara-x's report names the file and line.
    #[error("YARA rules do not compile:\n{0}")]
    Compile(String),
}

/// The compiled YARA rules of a run and what their findings say.
#[cfg(feature = "yara")]
mod engine {
    use std::collections::{BTreeMap, HashMap};
    use std::fs;
    use std::io::ErrorKind;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use sha2::{Digest, Sha256};

    use super::{YaraError, YaraOptions, BUILTIN, BUILTIN_FILES};
    use crate::detect::entropy;
    use crate::detect::lines::LineIndex;
    use crate::detect::rule::{Category, Confidence, RuleMeta, Severity};
    use crate::detect::Match;

    /// The most bytes of a matched pattern kept as a finding's secret; a
    /// regex pattern can match megabytes, the finding needs its start.
    const MAX_SECRET_BYTES: usize = 256;

    /// The first bytes of a cache file: the file's own format version.
    const CACHE_MAGIC: &[u8; 8] = b"HBYARAC1";

    /// The start of every cache file's name, and of its temporary files.
    const CACHE_PREFIX: &str = "rules-yara-x-";

    /// Cache files not written for this long are deleted when another is
    /// written: each edit of a rule set leaves its old file behind, and a
    /// big rule set's file can run to a hundred MiB (yara-x keeps every
    /// atom of every pattern in it).
    const CACHE_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

    /// Mixed into the cache key, so a change in how hamburglar compiles
    /// (namespaces, compiler options) never reuses an older file.
    const COMPILE_SCHEME: &[u8] = b"hamburglar yara scheme 1";

    /// Every rule set compiled or loaded by this process, by cache key.
    ///
    /// A yara-x scanner borrows its rules, and the scanners live in
    /// per-thread scratch that outlives any one borrow, so the rules are
    /// leaked to `'static`. Keying them by the hash of their sources bounds
    /// the leak to one copy per distinct rule set for the life of the
    /// process, however many detectors are built from it.
    static LOADED: Mutex<BTreeMap<[u8; 32], &'static CompiledRules>> = Mutex::new(BTreeMap::new());

    /// A rule set with the metadata every finding of each rule repeats.
    pub(crate) struct CompiledRules {
        /// What yara-x scans with.
        rules: yara_x::Rules,
        /// Each rule's finding metadata, by namespace, then identifier.
        metas: HashMap<String, HashMap<String, Arc<RuleMeta>>>,
    }

    /// The YARA rules a detector runs, shared read-only by the workers.
    #[derive(Clone, Default)]
    pub struct YaraRules {
        /// The rules, or `None` when `--yara` was not given.
        compiled: Option<&'static CompiledRules>,
        /// The per-item scan timeout.
        timeout: Duration,
    }

    /// One worker thread's yara-x scanner, created on the first item.
    ///
    /// A yara-x scanner holds a WebAssembly store and cannot move between
    /// threads, so each worker builds its own (see `DetectScratch`).
    #[derive(Default)]
    pub struct YaraScanner {
        /// The scanner, with the rules it was built for.
        current: Option<(&'static CompiledRules, yara_x::Scanner<'static>)>,
    }

    /// One YARA source file, read.
    struct SourceFile {
        /// `builtin:<name>` or the path, as errors and the cache key show it.
        origin: String,
        /// The file name's stem: the namespace of its rules.
        namespace: String,
        /// The rules.
        text: String,
    }

    impl YaraRules {
        /// Loads the rules `options` name: from this process's earlier
        /// load, else from the disk cache, else by compiling them (and then
        /// caching them). No sources: YARA does not run.
        ///
        /// A cache file that is missing, truncated, corrupt or from another
        /// yara-x is ignored and rewritten; a cache folder that cannot be
        /// written is logged at `-v` and the run goes on without it.
        pub fn load(options: &YaraOptions) -> Result<YaraRules, YaraError> {
            if options.sources.is_empty() {
                return Ok(YaraRules::default());
            }
            let files = collect(&options.sources)?;
            let key = cache_key(&files);
            let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
            let compiled = match loaded.get(&key) {
                Some(&compiled) => compiled,
                None => {
                    let cache = cache_file(options.cache_dir.as_deref(), &key);
                    let rules = obtain(&files, cache.as_deref())?;
                    let compiled: &'static CompiledRules =
                        Box::leak(Box::new(CompiledRules::new(rules)));
                    loaded.insert(key, compiled);
                    compiled
                }
            };
            Ok(YaraRules {
                compiled: Some(compiled),
                timeout: options.timeout,
            })
        }

        /// True if there are rules to run.
        pub fn is_active(&self) -> bool {
            self.compiled.is_some()
        }

        /// True if both hold the very same compiled rules.
        #[cfg(test)]
        pub(crate) fn same_rules(&self, other: &YaraRules) -> bool {
            match (self.compiled, other.compiled) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                _ => false,
            }
        }

        /// The finding metadata of every rule, sorted by id.
        pub fn rules(&self) -> Vec<Arc<RuleMeta>> {
            let Some(compiled) = self.compiled else {
                return Vec::new();
            };
            let mut all: Vec<_> = compiled
                .metas
                .values()
                .flat_map(|m| m.values().cloned())
                .collect();
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all
        }

        /// Scans raw bytes, appending one match per public pattern of each
        /// matching rule: its first occurrence, so a keystore full of
        /// repeated markers is one finding per pattern, not thousands. A
        /// rule that matches without a pattern (a condition on the header
        /// bytes alone) gives one match with an empty secret at line 1,
        /// column 1.
        ///
        /// Returns true if the scan ran past its timeout. Any other scan
        /// error (none is expected for bytes in memory) is logged, and the
        /// item goes on to the text rules.
        pub(crate) fn scan(
            &self,
            raw: &[u8],
            scanner: &mut YaraScanner,
            out: &mut Vec<Match>,
        ) -> bool {
            let Some(compiled) = self.compiled else {
                return false;
            };
            let yara = scanner.for_rules(compiled);
            yara.set_timeout(self.timeout);
            let results = match yara.scan(raw) {
                Ok(results) => results,
                Err(yara_x::ScanError::Timeout) => {
                    log::debug!("YARA scan timed out after {:?}", self.timeout);
                    return true;
                }
                Err(e) => {
                    log::warn!("YARA scan failed: {e}");
                    return false;
                }
            };

            let mut lines: Option<LineIndex> = None;
            for rule in results.matching_rules() {
                let Some(meta) = compiled.meta(rule.namespace(), rule.identifier()) else {
                    continue;
                };
                let mut reported = false;
                for pattern in rule.patterns() {
                    if let Some(m) = pattern.matches().next() {
                        out.push(to_match(meta, raw, m.range(), &mut lines));
                        reported = true;
                    }
                }
                if !reported {
                    out.push(to_match(meta, raw, 0..0, &mut lines));
                }
            }
            false
        }
    }

    impl YaraScanner {
        /// This thread's scanner for `compiled`, built on first use and
        /// rebuilt if the scratch moves to a detector with other rules.
        fn for_rules(&mut self, compiled: &'static CompiledRules) -> &mut yara_x::Scanner<'static> {
            let stale = !matches!(&self.current, Some((c, _)) if std::ptr::eq(*c, compiled));
            if stale {
                self.current = None;
            }
            let (_, scanner) = self
                .current
                .get_or_insert_with(|| (compiled, yara_x::Scanner::new(&compiled.rules)));
            scanner
        }
    }

    impl CompiledRules {
        /// Indexes the finding metadata of every public rule.
        fn new(rules: yara_x::Rules) -> CompiledRules {
            let mut metas: HashMap<String, HashMap<String, Arc<RuleMeta>>> = HashMap::new();
            for rule in rules.iter() {
                // A private rule only feeds other rules' conditions; it
                // never reports, so it needs no metadata.
                if rule.is_private() {
                    continue;
                }
                let meta = Arc::new(rule_meta(&rule));
                metas
                    .entry(rule.namespace().to_string())
                    .or_default()
                    .insert(rule.identifier().to_string(), meta);
            }
            CompiledRules { rules, metas }
        }

        /// The metadata of one rule.
        fn meta(&self, namespace: &str, identifier: &str) -> Option<&Arc<RuleMeta>> {
            self.metas.get(namespace)?.get(identifier)
        }
    }

    /// What every finding of a YARA rule says about it: id
    /// `namespace:identifier`, the `description`, `severity` (default
    /// high) and `confidence` (default medium) metadata, the tags, and
    /// the category `secret`. A `severity` or `confidence` that is not one
    /// of hamburglar's names is logged and the default kept.
    fn rule_meta(rule: &yara_x::Rule) -> RuleMeta {
        let id = format!("{}:{}", rule.namespace(), rule.identifier());
        let mut meta = RuleMeta {
            description: format!("YARA rule {id}"),
            category: Category::Secret,
            severity: Severity::High,
            confidence: Confidence::Medium,
            tags: rule.tags().map(|t| t.identifier().to_string()).collect(),
            id,
        };
        for (key, value) in rule.metadata() {
            let text = match &value {
                yara_x::MetaValue::String(s) => Some(*s),
                _ => None,
            };
            match key {
                "description" => {
                    if let Some(s) = text {
                        meta.description = s.to_string();
                    }
                }
                "severity" => match text.and_then(parse_severity) {
                    Some(s) => meta.severity = s,
                    None => log::warn!(
                        "YARA rule {}: ignoring severity {} \
                         (expected info, low, medium, high or critical)",
                        meta.id,
                        shown(&value)
                    ),
                },
                "confidence" => match text.and_then(parse_confidence) {
                    Some(c) => meta.confidence = c,
                    None => log::warn!(
                        "YARA rule {}: ignoring confidence {} \
                         (expected low, medium or high)",
                        meta.id,
                        shown(&value)
                    ),
                },
                _ => {}
            }
        }
        meta
    }

    /// A metadata value as a rule's author wrote it, for messages.
    fn shown(value: &yara_x::MetaValue) -> String {
        match value {
            yara_x::MetaValue::String(s) => format!("{s:?}"),
            yara_x::MetaValue::Integer(i) => i.to_string(),
            yara_x::MetaValue::Float(f) => f.to_string(),
            yara_x::MetaValue::Bool(b) => b.to_string(),
            yara_x::MetaValue::Bytes(b) => format!("{b:?}"),
        }
    }

    /// A severity name, any case.
    fn parse_severity(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// A confidence name, any case.
    fn parse_confidence(s: &str) -> Option<Confidence> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    /// A match of a YARA pattern at `range` of the raw bytes, located by
    /// line and column like a text match. Binary bytes in the secret are
    /// escaped (see [`printable`]).
    fn to_match(
        meta: &Arc<RuleMeta>,
        raw: &[u8],
        range: std::ops::Range<usize>,
        lines: &mut Option<LineIndex>,
    ) -> Match {
        let lines = lines.get_or_insert_with(|| LineIndex::new(raw));
        let start = lines.position(raw, range.start);
        // A match that ends with a newline ends on the line it closes.
        let end_at = if range.end > range.start && raw[range.end - 1] == b'\n' {
            range.end - 1
        } else {
            range.end
        };
        let end = lines.position(raw, end_at);
        let data = &raw[range.clone()];
        let secret = printable(&data[..data.len().min(MAX_SECRET_BYTES)]);
        Match {
            rule: meta.clone(),
            matched: secret.clone(),
            secret,
            parts: Vec::new(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            entropy: entropy::shannon(data),
            encoding: None,
            span: range,
            rank: (meta.confidence, 0, std::cmp::Reverse(u32::MAX)),
            rule_index: None,
        }
    }

    /// Matched bytes as text: valid UTF-8 is kept, and each byte that is
    /// not (or is a control character other than tab) is written `\xNN`,
    /// so a binary header reads `\xfe\xed\xfe\xed` rather than
    /// replacement characters, and stays distinct per content.
    pub(super) fn printable(bytes: &[u8]) -> String {
        let mut s = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                if c.is_control() && c != '\t' && (c as u32) < 0x80 {
                    s.push_str(&format!("\\x{:02x}", c as u32));
                } else {
                    s.push(c);
                }
            }
            for b in chunk.invalid() {
                s.push_str(&format!("\\x{b:02x}"));
            }
        }
        s
    }

    /// Reads every source: files as given, folders recursively (files
    /// ending `.yar` or `.yara`), `builtin` from the binary. Sorted by
    /// origin and deduplicated, so the same set in another order compiles
    /// (and caches) the same.
    fn collect(sources: &[PathBuf]) -> Result<Vec<SourceFile>, YaraError> {
        let mut files = Vec::new();
        for source in sources {
            if source.as_os_str() == BUILTIN {
                for (name, text) in BUILTIN_FILES {
                    files.push(SourceFile {
                        origin: format!("builtin:{name}"),
                        namespace: stem(Path::new(name)),
                        text: text.to_string(),
                    });
                }
                continue;
            }
            let io = |e| YaraError::Io {
                path: source.clone(),
                cause: e,
            };
            if fs::metadata(source).map_err(io)?.is_dir() {
                let mut found = Vec::new();
                walk(source, &mut found)?;
                if found.is_empty() {
                    return Err(YaraError::NoRules {
                        path: source.clone(),
                    });
                }
                for path in found {
                    files.push(read_source(&path)?);
                }
            } else {
                files.push(read_source(source)?);
            }
        }
        files.sort_by(|a, b| a.origin.cmp(&b.origin));
        files.dedup_by(|a, b| a.origin == b.origin);
        Ok(files)
    }

    /// Adds the YARA files under `dir` to `found`. Symbolic links to
    /// folders are not followed, so a link loop cannot recurse forever.
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), YaraError> {
        let io = |e| YaraError::Io {
            path: dir.to_path_buf(),
            cause: e,
        };
        for entry in fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let path = entry.path();
            if entry.file_type().map_err(io)?.is_dir() {
                walk(&path, found)?;
            } else if is_yara_file(&path) {
                found.push(path);
            }
        }
        Ok(())
    }

    /// True for a `.yar` or `.yara` file name, any case.
    fn is_yara_file(path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yar") || e.eq_ignore_ascii_case("yara"))
    }

    /// Reads one rule file.
    fn read_source(path: &Path) -> Result<SourceFile, YaraError> {
        let text = fs::read_to_string(path).map_err(|cause| YaraError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        Ok(SourceFile {
            origin: path.display().to_string(),
            namespace: stem(path),
            text,
        })
    }

    /// A file name without its extension: the namespace of its rules.
    fn stem(path: &Path) -> String {
        path.file_stem().map_or_else(
            || "default".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    }

    /// The cache key of a rule set: SHA-256 over the yara-x version,
    /// hamburglar's compile scheme and every source's origin, namespace
    /// and text (length-prefixed, so no two sets can collide by
    /// concatenation).
    fn cache_key(files: &[SourceFile]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(COMPILE_SCHEME);
        h.update(yara_x::VERSION.as_bytes());
        for f in files {
            for part in [&f.origin, &f.namespace, &f.text] {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
        }
        h.finalize().into()
    }

    /// The cache file of a rule set, in `dir` or the user cache folder.
    fn cache_file(dir: Option<&Path>, key: &[u8; 32]) -> Option<PathBuf> {
        let dir = match dir {
            Some(d) => d.to_path_buf(),
            None => dirs::cache_dir()?.join("hamburglar").join("yara"),
        };
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("{CACHE_PREFIX}{}-{hex}.bin", yara_x::VERSION);
        Some(dir.join(name))
    }

    /// Loads the rules from the cache file, or compiles and caches them.
    fn obtain(files: &[SourceFile], cache: Option<&Path>) -> Result<yara_x::Rules, YaraError> {
        if let Some(path) = cache {
            let started = Instant::now();
            match read_cache(path) {
                Ok(Some(rules)) => {
                    log::info!(
                        "loaded compiled YARA rules from cache {} in {:.2?}",
                        path.display(),
                        started.elapsed()
                    );
                    return Ok(rules);
                }
                Ok(None) => {}
                Err(why) => log::info!("ignoring the YARA cache {}: {why}", path.display()),
            }
        }

        let started = Instant::now();
        let rules = compile(files)?;
        log::info!(
            "compiled {} YARA rule(s) from {} file(s) in {:.2?}",
            rules.iter().len(),
            files.len(),
            started.elapsed()
        );
        if let Some(path) = cache {
            match write_cache(path, &rules) {
                Ok(()) => {
                    log::debug!("cached the compiled YARA rules in {}", path.display());
                    prune_cache(path);
                }
                Err(e) => log::info!(
                    "not caching the compiled YARA rules in {}: {e}",
                    path.display()
                ),
            }
        }
        Ok(rules)
    }

    /// Compiles the sources, each file in the namespace of its stem.
    /// `include` is refused: an included file would escape the cache key
    /// (pass its folder to `--yara` instead).
    fn compile(files: &[SourceFile]) -> Result<yara_x::Rules, YaraError> {
        let mut compiler = yara_x::Compiler::new();
        compiler.enable_includes(false);
        for f in files {
            compiler.new_namespace(&f.namespace);
            let source = yara_x::SourceCode::from(f.text.as_str()).with_origin(f.origin.clone());
            compiler
                .add_source(source)
                .map_err(|e| YaraError::Compile(e.to_string()))?;
        }
        for warning in compiler.warnings() {
            log::warn!("{warning}");
        }
        Ok(compiler.build())
    }

    /// Reads a cache file: `Ok(None)` if there is none, an error saying
    /// why if it cannot be used.
    ///
    /// yara-x trusts the bytes it deserializes (bad ones can panic in a
    /// scan), so a file is used only if its SHA-256 checksum, written with
    /// it, still matches: a truncated or damaged file is never handed over.
    fn read_cache(path: &Path) -> Result<Option<yara_x::Rules>, String> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let header = CACHE_MAGIC.len() + 32;
        if bytes.len() < header || &bytes[..CACHE_MAGIC.len()] != CACHE_MAGIC {
            return Err("not a hamburglar YARA cache file".into());
        }
        let (sum, payload) = bytes[CACHE_MAGIC.len()..].split_at(32);
        if Sha256::digest(payload).as_slice() != sum {
            return Err("checksum mismatch (damaged or truncated)".into());
        }
        yara_x::Rules::deserialize(payload)
            .map(Some)
            .map_err(|e| e.to_string())
    }

    /// Writes a cache file whole or not at all: into a temporary file
    /// beside it, then renamed over it, so a reader never sees half a file.
    fn write_cache(path: &Path, rules: &yara_x::Rules) -> std::io::Result<()> {
        let payload = rules.serialize().map_err(std::io::Error::other)?;
        let mut bytes = Vec::with_capacity(CACHE_MAGIC.len() + 32 + payload.len());
        bytes.extend_from_slice(CACHE_MAGIC);
        bytes.extend_from_slice(&Sha256::digest(&payload));
        bytes.extend_from_slice(&payload);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, &bytes)?;
        fs::rename(&tmp, path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }

    /// Deletes the cache files beside `written` (ours by their name) that
    /// are older than [`CACHE_MAX_AGE`]. Loading a file does not touch
    /// it, so a rule set in daily use is recompiled once a month.
    fn prune_cache(written: &Path) {
        let Some(entries) = written.parent().and_then(|d| fs::read_dir(d).ok()) else {
            return;
        };
        let now = std::time::SystemTime::now();
        for entry in entries.flatten() {
            let path = entry.path();
            let ours = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(CACHE_PREFIX));
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > CACHE_MAX_AGE);
            if ours && stale && path != written {
                match fs::remove_file(&path) {
                    Ok(()) => log::debug!("removed the stale YARA cache {}", path.display()),
                    Err(e) => log::debug!("could not remove {}: {e}", path.display()),
                }
            }
        }
    }
}

/// The stand-ins of a build without the `yara` feature: no rules, and an
/// error for anyone who asks for some.
#[cfg(not(feature = "yara"))]
mod stub {
    use std::sync::Arc;

    use super::{YaraError, YaraOptions};
    use crate::detect::rule::RuleMeta;
    use crate::detect::Match;

    /// No YARA rules: this build cannot run them.
    #[derive(Clone, Default)]
    pub struct YaraRules {}

    /// No scanner: this build has none.
    #[derive(Default)]
    pub struct YaraScanner {}

    impl YaraRules {
        /// No sources: nothing to do. Any source: [`YaraError::Unavailable`].
        pub fn load(options: &YaraOptions) -> Result<YaraRules, YaraError> {
            if options.sources.is_empty() {
                Ok(YaraRules {})
            } else {
                Err(YaraError::Unavailable)
            }
        }

        /// Always false.
        pub fn is_active(&self) -> bool {
            false
        }

        /// Always empty.
        pub fn rules(&self) -> Vec<Arc<RuleMeta>> {
            Vec::new()
        }

        /// Does nothing, and never times out.
        pub(crate) fn scan(
            &self,
            _raw: &[u8],
            _scanner: &mut YaraScanner,
            _out: &mut Vec<Match>,
        ) -> bool {
            false
        }
    }
}

#[cfg(all(test, feature = "yara"))]
mod tests {
    use super::engine::printable;
    use super::*;
    use crate::detect::rule::Severity;

    #[test]
    fn binary_bytes_are_escaped_and_text_kept() {
        assert_eq!(
            printable(b"\xfe\xed\x00\x02ab\tc"),
            "\\xfe\\xed\\x00\\x02ab\tc"
        );
        assert_eq!(printable("clé\n".as_bytes()), "clé\\x0a");
    }

    #[test]
    fn builtin_rules_compile_with_their_metadata() {
        let cache = tempfile::tempdir().unwrap();
        let options = YaraOptions {
            sources: vec![PathBuf::from(BUILTIN)],
            cache_dir: Some(cache.path().to_path_buf()),
            ..Default::default()
        };
        let rules = YaraRules::load(&options).unwrap();
        let metas = rules.rules();
        let git = metas
            .iter()
            .find(|m| m.id == "credentials:git_credentials_store")
            .unwrap();
        assert_eq!(git.severity, Severity::Critical);
        assert_eq!(git.tags, ["git", "plaintext"]);
        assert!(metas.len() >= 8, "{metas:?}");
    }

    #[test]
    fn a_second_load_in_process_reuses_the_rules() {
        let cache = tempfile::tempdir().unwrap();
        let options = YaraOptions {
            sources: vec![PathBuf::from(BUILTIN)],
            cache_dir: Some(cache.path().to_path_buf()),
            ..Default::default()
        };
        let a = YaraRules::load(&options).unwrap();
        let b = YaraRules::load(&options).unwrap();
        assert!(a.same_rules(&b));
    }
}
