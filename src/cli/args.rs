//! Option groups shared by the scanning commands.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::Args;

use crate::detect::rule::{Category, Confidence};
use crate::detect::ruleset::RuleSelection;
use crate::detect::yara::YaraOptions;
use crate::engine::ScanOptions;
use crate::report::Format;

/// The options every scanning command takes.
#[derive(Debug, Clone, Args)]
pub struct ScanCommonArgs {
    /// Which rules run.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// How the engine runs.
    #[command(flatten)]
    pub engine: EngineArgs,
    /// Where findings go.
    #[command(flatten)]
    pub output: OutputArgs,
}

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
    /// Skip files larger than this: bytes, or K, M, G (also KB or KiB,
    /// ...; all binary multiples); decimals allowed (1.5M).
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

/// Parses a size: a number with an optional unit, `K`, `M` or `G`, alone
/// or followed by `B` or `iB` (any case). Every unit is a binary multiple
/// (`1K` = `1KB` = `1KiB` = 1024 bytes), as in the rest of the
/// command line. A decimal number (`1.5M`) is rounded down to whole
/// bytes. Zero is refused: it would skip every file.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let unit_at = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (number, unit) = (s[..unit_at].trim(), &s[unit_at..]);
    let multiple: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "unknown size unit {unit:?} in {s:?} (expected K, M or G, \
                 optionally followed by B or iB)"
            ))
        }
    };
    let bytes = scaled(number, multiple).ok_or_else(|| {
        format!("not a size: {s:?} (expected a number of bytes, e.g. 100M or 1.5GiB)")
    })?;
    match bytes {
        Some(0) => Err(format!("size {s:?} is zero: every file would be skipped")),
        Some(n) => Ok(n),
        None => Err(format!("size too large: {s:?}")),
    }
}

/// `number` (digits, with at most one decimal point) times `multiple`,
/// rounded down; `None` if `number` is malformed, `Some(None)` if the
/// product does not fit in 64 bits. Computed in integers, so `1.1M` is
/// exact where a float would be off by a byte.
fn scaled(number: &str, multiple: u64) -> Option<Option<u64>> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    // 10^fraction.len() must fit in a u128.
    if whole.len() + fraction.len() == 0
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 30
    {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let scale = 10u128.pow(fraction.len() as u32);
    let fraction: u128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let bytes = whole
        .checked_mul(u128::from(multiple))
        .zip((fraction * u128::from(multiple)).checked_div(scale))
        .and_then(|(w, f)| w.checked_add(f));
    Some(bytes.and_then(|b| u64::try_from(b).ok()))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_in_bytes_and_binary_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("512B"), Ok(512));
        for k in ["1K", "1k", "1KB", "1kb", "1KiB", "1kib", " 1 K "] {
            assert_eq!(parse_size(k), Ok(1024), "{k}");
        }
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("100MB"), Ok(100 << 20));
        assert_eq!(parse_size("100MiB"), Ok(100 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GB"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
    }

    #[test]
    fn decimal_sizes_round_down() {
        assert_eq!(parse_size("1.5M"), Ok(3 << 19));
        assert_eq!(parse_size("1.5MiB"), Ok(3 << 19));
        assert_eq!(parse_size("0.5K"), Ok(512));
        assert_eq!(parse_size(".5K"), Ok(512));
        assert_eq!(parse_size("1.1M"), Ok(1_153_433));
        assert_eq!(parse_size("2.0"), Ok(2));
        assert_eq!(parse_size("1.9"), Ok(1));
    }

    #[test]
    fn zero_and_nonsense_are_refused() {
        for bad in ["0", "0K", "0.0M", "0.0001K"] {
            let err = parse_size(bad).unwrap_err();
            assert!(err.contains("zero"), "{bad}: {err}");
        }
        for bad in ["", "M", "-1M", "1.2.3M", "1e3", "inf", "1X", "1MBB", "1 0M"] {
            assert!(parse_size(bad).is_err(), "{bad} was accepted");
        }
        assert!(parse_size("99999999999G")
            .unwrap_err()
            .contains("too large"));
        assert!(parse_size("18446744073709551616").is_err());
    }
}
