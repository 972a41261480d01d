//! Wall-clock time: the one date type of the document and the one place for calendar math.

/// Wall-clock time as printed by syslog, journal or `dmesg -T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
