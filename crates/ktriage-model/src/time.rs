//! Wall-clock time: the one date type of the document and the one place for calendar math.

/// Wall-clock time as printed by syslog, journal or `dmesg -T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WallTime {
    /// Year, when printed.
    pub year: Option<u16>,
    /// Month 1-12.
    pub month: u8,
    /// Day of month.
    pub day: u8,
    /// Hour.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Second.
    pub second: u8,
    /// Microseconds.
    pub micros: u32,
    /// UTC offset in minutes, when printed.
    pub offset_minutes: Option<i32>,
}

impl WallTime {
    /// ISO 8601 form; `--MM-DD` style month-day when the year is unknown.
    pub fn iso(&self) -> String {
        let mut s = match self.year {
            Some(y) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                y, self.month, self.day, self.hour, self.minute, self.second
            ),
            None => format!(
                "--{:02}-{:02}T{:02}:{:02}:{:02}",
                self.month, self.day, self.hour, self.minute, self.second
            ),
        };
        if self.micros != 0 {
            s.push_str(&format!(".{:06}", self.micros));
        }
        if let Some(off) = self.offset_minutes {
            if off == 0 {
                s.push('Z');
            } else {
                let sign = if off < 0 { '-' } else { '+' };
                let a = off.abs();
                s.push_str(&format!("{}{:02}:{:02}", sign, a / 60, a % 60));
            }
        }
        s
    }

    /// Seconds since 1970 treating the time as UTC shifted by its offset; needs a year.
    pub fn epoch_seconds(&self) -> Option<f64> {
        let y = self.year? as i64;
        let days = days_from_civil(y, self.month as i64, self.day as i64);
        let secs =
            days * 86400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64
                - self.offset_minutes.unwrap_or(0) as i64 * 60;
        Some(secs as f64 + self.micros as f64 / 1e6)
    }

    /// Seconds since 1970 of this wall time read in `year` at `offset_minutes` east of UTC
    /// (the caller supplies what the log did not print).
    pub fn epoch_with(&self, year: i32, offset_minutes: i32) -> f64 {
        let days = days_from_civil(i64::from(year), i64::from(self.month), i64::from(self.day));
        let secs = days * 86400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(offset_minutes) * 60;
        secs as f64 + f64::from(self.micros) / 1e6
    }

    /// The UTC instant `us` (microseconds since 1970) as local time `offset_minutes` east of UTC.
    pub fn at_offset(us: i64, offset_minutes: i32) -> WallTime {
        let mut w = WallTime::from_epoch_micros(
            us.saturating_add(i64::from(offset_minutes).saturating_mul(60_000_000)),
        );
        w.offset_minutes = Some(offset_minutes);
        w
    }

    /// Builds a UTC wall time from seconds since 1970.
    pub fn from_epoch_micros(us: i64) -> WallTime {
        let secs = us.div_euclid(1_000_000);
        let micros = us.rem_euclid(1_000_000) as u32;
        let days = secs.div_euclid(86400);
        let rem = secs.rem_euclid(86400);
        let (y, m, d) = civil_from_days(days);
        WallTime {
            year: u16::try_from(y).ok(),
            month: m as u8,
            day: d as u8,
            hour: (rem / 3600) as u8,
            minute: (rem % 3600 / 60) as u8,
            second: (rem % 60) as u8,
            micros,
            offset_minutes: Some(0),
        }
    }
}

impl std::fmt::Display for WallTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.iso())
    }
}

/// In the document a wall time is its ISO 8601 text.
impl serde::Serialize for WallTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// In the schema a wall time is an ISO 8601 string; the year is `--` when the log did not
/// print it (`--03-27T20:48:45`), the offset is there only when the log printed a zone.
impl schemars::JsonSchema for WallTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "WallTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 8601 wall-clock time as printed; `--MM-DD` when the year is unknown",
            "pattern": "^(\\d{4}|-)-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{6})?(Z|[+-]\\d{2}:\\d{2})?$"
        })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}
