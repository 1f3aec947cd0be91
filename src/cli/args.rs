//! Option groups shared by the scanning commands.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Args;

use crate::detect::rule::{Category, Confidence};
use crate::detect::ruleset::RuleSelection;
use crate::detect::yara::YaraOptions;
use crate::engine::ScanOptions;
use crate::report::Format;

/// Where findings go and how they look.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format [default: human on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Stream findings as NDJSON (same as `--format ndjson`).
    #[arg(long, conflicts_with = "format")]
    pub stream: bool,
    /// Write findings to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secrets in full (they are redacted by default).
    #[arg(long)]
    pub show_secrets: bool,
    /// Do not draw the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// How the engine runs.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Items in flight at most (read or queued).
    #[arg(short = 'j', long, default_value_t = 50, value_name = "N")]
    pub concurrency: usize,
    /// Worker threads running the detectors [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this (bytes, or with K/M/G suffix).
    #[arg(long, default_value = "100M", value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: u64,
    /// Give up on one item after this many seconds of matching (0: never).
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub item_timeout: f64,
}

impl EngineArgs {
    /// The engine options these arguments ask for.
    pub fn options(&self) -> ScanOptions {
        let mut o = ScanOptions {
            concurrency: self.concurrency.max(1),
            ..Default::default()
        };
        if let Some(t) = self.threads {
            o.threads = t.max(1);
        }
        o.max_file_size = self.max_file_size;
        o.item_timeout = (self.item_timeout > 0.0)
            .then(|| std::time::Duration::from_secs_f64(self.item_timeout));
        o
    }
}

/// Which rules run.
#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Add rules from a TOML rule file (hamburglar's format); a rule with
    /// a built-in id replaces it. Repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_files: Vec<PathBuf>,
    /// Do not use the built-in rules.
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// Categories to run (comma-separated: secret, ioc, pii).
    #[arg(long, value_delimiter = ',', value_name = "CATS")]
    pub categories: Vec<String>,
    /// Turn on a category or a rule id (repeatable).
    #[arg(long, value_name = "RULE_OR_CATEGORY")]
    pub enable: Vec<String>,
    /// Turn off a rule id (repeatable).
    #[arg(long, value_name = "RULE_ID")]
    pub disable: Vec<String>,
    /// Run only rules of at least this confidence.
    #[arg(long, value_enum, default_value = "low")]
    pub min_confidence: Confidence,
    /// Run YARA rules too, on the raw bytes of every item: a .yar/.yara
    /// file, a folder of them (recursive), or `builtin` for hamburglar's
    /// credential-container rules. Repeatable.
    #[arg(long = "yara", value_name = "PATH|builtin")]
    pub yara: Vec<PathBuf>,
    /// Cache compiled YARA rules in DIR [default: the user cache folder].
    #[arg(long, value_name = "DIR")]
    pub yara_cache: Option<PathBuf>,
    /// Give up on one item's YARA scan after this many seconds (whole
    /// seconds; the item is then skipped as `timeout`).
    #[arg(
        long,
        default_value_t = 10,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub yara_timeout: u64,
}

impl RuleArgs {
    /// The rule selection these arguments ask for.
    ///
    /// Fails when `--no-builtin-rules` leaves nothing to run (no `--rules`
    /// and no `--yara`): a scan with no rules would find nothing and exit
    /// 0, which reads as "clean".
    pub fn selection(&self) -> anyhow::Result<RuleSelection> {
        if self.no_builtin_rules && self.rule_files.is_empty() && self.yara.is_empty() {
            anyhow::bail!("no rules to run: --no-builtin-rules needs --rules FILE or --yara PATH");
        }
        let mut sel = RuleSelection {
            builtin: !self.no_builtin_rules,
            files: self.rule_files.clone(),
            enable: self.enable.clone(),
            disable: self.disable.clone(),
            min_confidence: self.min_confidence,
            yara: YaraOptions {
                sources: self.yara.clone(),
                cache_dir: self.yara_cache.clone(),
                timeout: std::time::Duration::from_secs(self.yara_timeout),
            },
            ..Default::default()
        };
        if !self.categories.is_empty() {
            sel.categories = self
                .categories
                .iter()
                .map(|c| parse_category(c))
                .collect::<anyhow::Result<BTreeSet<_>>>()?;
        }
        Ok(sel)
    }
}

/// Parses a category name.
fn parse_category(s: &str) -> anyhow::Result<Category> {
    match s.trim() {
        "secret" | "secrets" => Ok(Category::Secret),
        "ioc" | "iocs" => Ok(Category::Ioc),
        "pii" => Ok(Category::Pii),
        other => anyhow::bail!("unknown category {other:?} (expected secret, ioc or pii)"),
    }
}

/// Parses a size: a number of bytes with an optional K, M or G suffix.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let mult = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("unknown size suffix in {s:?}")),
            };
            (&s[..i], mult)
        }
        _ => (s, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("not a size: {s:?}"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("size too large: {s:?}"))
}
