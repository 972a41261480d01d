//! Wall-clock alignment: puts syslog/journal times, SEL records and embedded UTC stamps on
//! one UTC timeline.
//!
//! * Syslog lines print local time without a zone and without a year (`--03-27T20:48:45`).
//!   The zone comes from `--tz`, else from a line that carries both its local stamp and an
//!   embedded UTC stamp (`"ts":"2024-03-27T12:48:45.46512Z"` in an etcd JSON message); the
//!   year from sources that print one (SEL records carry full dates).
//! * SEL times are already ISO 8601 with a zone (see `sources::sel`).

use crate::model::{Analysis, Evidence, Time, WallTime};
use crate::Options;
use ktriage_model::time::days_from_civil;
use regex::Regex;
use std::sync::LazyLock;

static EMBEDDED_UTC_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z").expect("utc regex")
});

fn year_of(w: &WallTime) -> Option<i32> {
    w.year.map(i32::from)
}

/// The inferred offset of a source, and the line it was read from.
#[derive(Debug, Clone)]
pub struct Inferred {
    /// Minutes east of UTC.
    pub offset: i32,
    /// The line that carried both stamps.
    pub evidence: Evidence,
}

/// Timeline of the whole analysis.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Zone of sources printing local time (`--tz`).
    pub tz: Option<i32>,
    /// Year for walls printed without one, from sources that print it.
    pub year: Option<i32>,
    /// Offset inferred from a line with both a local and an embedded UTC stamp.
    pub inferred: Option<Inferred>,
}

/// Offset (minutes, rounded to 15) between a local wall stamp and a UTC stamp embedded in
/// the same line's text, when the text carries one within a day of it.
pub fn infer_offset(local: &WallTime, text: &str) -> Option<(i32, i32)> {
    let c = EMBEDDED_UTC_RE.captures(text)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let year = n(1)? as i32;
    let utc_days = days_from_civil(i64::from(year), n(2)?, n(3)?);
    let utc = utc_days as f64 * 86400.0 + (n(4)? * 3600 + n(5)? * 60 + n(6)?) as f64;
    let local_epoch = local.epoch_with(year_of(local).unwrap_or(year), 0);
    let diff_min = (local_epoch - utc) / 60.0;
    if diff_min.abs() > 14.0 * 60.0 {
        return None;
    }
    let off = ((diff_min / 15.0).round() * 15.0) as i32;
    Some((off, year))
}

impl Clock {
    /// Builds the timeline from the options and what the sources print.
    pub fn new(a: &Analysis, opts: &Options) -> Clock {
        let mut years: Vec<i32> = a
            .sel_records
            .iter()
            .filter_map(|s| s.time.as_ref().and_then(year_of))
            .collect();
        let walls = a
            .reports
            .iter()
            .filter_map(|r| r.time.as_ref())
            .chain(a.events.iter().filter_map(|e| e.time.as_ref()))
            .chain(a.boots.iter().filter_map(|b| b.time.as_ref()));
        years.extend(walls.filter_map(|t| t.wall.as_ref().and_then(year_of)));
        years.sort_unstable();
        // The most common year.
        let mut year = None;
        let mut best = 0;
        let mut i = 0;
        while i < years.len() {
            let j = years[i..].iter().take_while(|y| **y == years[i]).count();
            if j > best {
                best = j;
                year = Some(years[i]);
            }
            i += j;
        }
        let mut inferred = None;
        // Lines whose text carries an embedded UTC stamp next to a local wall stamp.
        let texts = a
            .events
            .iter()
            .map(|e| (&e.time, &e.source.path, e.source.line, e.text.as_str()))
            .chain(a.reports.iter().flat_map(|r| {
                r.lines
                    .iter()
                    .take(3)
                    .map(move |l| (&r.time, &r.source.path, l.line, l.text.as_str()))
            }));
        // Per-source anchors found while reading (user-space lines such as etcd's JSON).
        let anchors: Vec<(Option<Time>, &String, u64, &str)> = a
            .sources
            .iter()
            .filter_map(|s| {
                let c = s.clock_anchor.as_ref()?;
                Some((
                    Some(Time {
                        uptime: None,
                        wall: Some(c.wall),
                    }),
                    &s.path,
                    c.line,
                    c.text.as_str(),
                ))
            })
            .collect();
        let texts = anchors
            .iter()
            .map(|(t, p, l, x)| (t, *p, *l, *x))
            .chain(texts);
        for (t, path, line, text) in texts {
            let Some(w) = t.as_ref().and_then(|t| t.wall) else {
                continue;
            };
            if w.offset_minutes.is_some() {
                continue;
            }
            if let Some((off, y)) = infer_offset(&w, text) {
                if year.is_none() {
                    year = Some(y);
                }
                inferred = Some(Inferred {
                    offset: off,
                    evidence: Evidence {
                        path: path.clone(),
                        line,
                        text: text.to_string(),
                    },
                });
                break;
            }
        }
        Clock {
            tz: opts.tz_offset_minutes,
            year,
            inferred,
        }
    }

    /// Offset used for walls printed without a zone, and where it came from.
    pub fn local_offset(&self) -> Option<(i32, &'static str)> {
        if let Some(t) = self.tz {
            return Some((t, "--tz"));
        }
        self.inferred.as_ref().map(|i| (i.offset, "inferred"))
    }

    /// UTC seconds since 1970 of a wall time, when year and zone are known.
    pub fn epoch(&self, w: &WallTime) -> Option<f64> {
        let year = year_of(w).or(self.year)?;
        let off = match w.offset_minutes {
            Some(o) => o,
            None => self.local_offset()?.0,
        };
        Some(w.epoch_with(year, off))
    }

    /// Seconds since 1970 of a wall time ignoring the zone and guessing the year: only for
    /// differences between two stamps of the same source.
    pub fn relative(&self, w: &WallTime) -> f64 {
        w.epoch_with(
            year_of(w).or(self.year).unwrap_or(2001),
            w.offset_minutes.unwrap_or(0),
        )
    }

    /// UTC seconds of a report's or event's time.
    pub fn epoch_of(&self, t: &Option<Time>) -> Option<f64> {
        t.as_ref()
            .and_then(|t| t.wall.as_ref())
            .and_then(|w| self.epoch(w))
    }
}

/// `2024-03-27 12:48:44 UTC` from UTC seconds.
pub fn fmt_utc(epoch: f64) -> String {
    let w = ktriage_model::WallTime::from_epoch_micros((epoch * 1e6).round() as i64);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        w.year.unwrap_or(0),
        w.month,
        w.day,
        w.hour,
        w.minute,
        w.second
    )
}

/// `+08:00` from minutes.
pub fn fmt_offset(min: i32) -> String {
    let sign = if min < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", min.abs() / 60, min.abs() % 60)
}

/// A human duration: `1 s`, `4 min`, `20 h 16 min`, `3 days`.
pub fn fmt_duration(secs: f64) -> String {
    let s = secs.abs().round() as u64;
    if s < 120 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 3 * 86400 {
        let m = (s % 3600) / 60;
        if m == 0 {
            format!("{} h", s / 3600)
        } else {
            format!("{} h {} min", s / 3600, m)
        }
    } else {
        format!("{} days", s / 86400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(month: u8, day: u8, h: u8, m: u8, sec: u8) -> WallTime {
        WallTime {
            year: None,
            month,
            day,
            hour: h,
            minute: m,
            second: sec,
            micros: 0,
            offset_minutes: None,
        }
    }

    #[test]
    fn epoch_needs_year_and_zone() {
        let w = wall(3, 27, 20, 48, 44);
        let mut c = Clock::default();
        assert_eq!(c.epoch(&w), None, "no year, no zone");
        c.year = Some(2024);
        assert_eq!(c.epoch(&w), None, "no zone");
        c.tz = Some(480);
        assert_eq!(
            c.epoch(&w).map(fmt_utc).as_deref(),
            Some("2024-03-27 12:48:44 UTC")
        );
        // A zone printed on the stamp wins over --tz.
        let z = WallTime {
            offset_minutes: Some(0),
            ..w
        };
        assert_eq!(
            c.epoch(&z).map(fmt_utc).as_deref(),
            Some("2024-03-27 20:48:44 UTC")
        );
    }

    #[test]
    fn infers_offset_from_embedded_utc() {
        // Seed 001: etcd's JSON "ts" (UTC) on a syslog line stamped in local time.
        let w = wall(3, 27, 20, 48, 45);
        let text = r#"etcd[17285]: {"level":"warn","ts":"2024-03-27T12:48:45.46512Z","msg":"x"}"#;
        assert_eq!(infer_offset(&w, text), Some((480, 2024)));
        assert_eq!(infer_offset(&w, "no stamp here"), None);
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_offset(480), "+08:00");
        assert_eq!(fmt_offset(-330), "-05:30");
        assert_eq!(fmt_duration(1.0), "1 s");
        assert_eq!(fmt_duration(73000.0), "20 h 16 min");
        let e = wall(3, 27, 12, 48, 44).epoch_with(2024, 0);
        assert_eq!(fmt_utc(e), "2024-03-27 12:48:44 UTC");
    }
}
