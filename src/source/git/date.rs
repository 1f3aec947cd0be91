//! Commit dates: ISO 8601 for findings, git's date syntax for
//! `--since-date` / `--until-date`.

use anyhow::Context as _;

/// Formats a git time as ISO 8601 in its own offset, like
/// `git log --date=iso-strict`: `2024-03-01T12:30:00+01:00`.
pub fn iso8601(time: gix::date::Time) -> String {
    let local = time.seconds + i64::from(time.offset);
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let sign = if time.offset < 0 { '-' } else { '+' };
    let offset = time.offset.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        offset / 3600,
        offset % 3600 / 60,
    )
}

/// Parses a date as git does (`2024-03-01`, `2024-03-01T12:00:00+01:00`,
/// `2 weeks ago`, a Unix time, ...) into seconds since the Unix epoch.
pub fn parse_date(text: &str) -> anyhow::Result<i64> {
    let now = gix::date::ZonedDateTime::now();
    let time = gix::date::parse(text, Some(now)).with_context(|| format!("bad date {text:?}"))?;
    Ok(time.seconds)
}

/// The proleptic Gregorian date of a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601_in_the_commit_offset() {
        let t = gix::date::Time {
            seconds: 1_709_296_200,
            offset: 3600,
        };
        assert_eq!(iso8601(t), "2024-03-01T13:30:00+01:00");
        let t = gix::date::Time {
            seconds: 0,
            offset: -(5 * 3600 + 30 * 60),
        };
        assert_eq!(iso8601(t), "1969-12-31T18:30:00-05:30");
        let t = gix::date::Time {
            seconds: 951_782_400,
            offset: 0,
        };
        assert_eq!(iso8601(t), "2000-02-29T00:00:00+00:00");
    }

    #[test]
    fn parses_git_dates() {
        assert_eq!(
            parse_date("2024-03-01T12:30:00+00:00").unwrap(),
            1_709_296_200
        );
        assert!(parse_date("not a date at all").is_err());
    }
}
