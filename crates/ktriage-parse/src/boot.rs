//! Boot detection: where in a source a kernel boot starts.
//!
//! A boot starts at the start of a source, at a `Linux version` / `Booting Linux on physical
//! CPU` banner (the second banner of one boot, printed right after the first, starts
//! nothing), and where the printk timestamp goes back to near zero without a banner.

use crate::frame::Record;
use crate::model::BootMarker;
use crate::patterns::{BOOT_BANNERS, VERSION_BANNER};

/// Records after a `Booting Linux` banner within which `Linux version` is the same boot.
const BANNER_PAIR_RECORDS: u64 = 30;

/// Whether a printk timestamp `b` after `a` goes back to near zero: a new boot.
#[inline]
pub fn timestamp_resets(a: f64, b: f64) -> bool {
    b + 1.0 < a && b < 10.0
}

/// Boot state of one source.
#[derive(Debug, Default)]
pub struct BootTracker {
    /// Index (in the document's boots) of the current boot.
    pub current: Option<usize>,
    current_marker: Option<BootMarker>,
    last_uptime: Option<f64>,
    records_in_boot: u64,
}

impl BootTracker {
    /// Looks at the next record (`t`: its text without leading blanks): `Some(marker)` when a
    /// boot starts at it. The caller adds the boot and calls [`BootTracker::started`].
    pub fn observe(&mut self, rec: &Record, t: &str) -> Option<BootMarker> {
        let banner = BOOT_BANNERS.iter().any(|b| t.starts_with(b));
        let reset =
            matches!((self.last_uptime, rec.uptime), (Some(a), Some(b)) if timestamp_resets(a, b));
        if rec.uptime.is_some() {
            self.last_uptime = rec.uptime;
        }
        let marker = if self.current.is_none() {
            Some(if banner {
                BootMarker::LinuxVersion
            } else {
                BootMarker::Start
            })
        } else if banner {
            let recent_banner = self.records_in_boot < BANNER_PAIR_RECORDS
                && self.current_marker == Some(BootMarker::LinuxVersion);
            (!(recent_banner && t.starts_with(VERSION_BANNER))).then_some(BootMarker::LinuxVersion)
        } else if reset {
            Some(BootMarker::TimestampReset)
        } else {
            None
        };
        if marker.is_none() {
            self.records_in_boot += 1;
        }
        marker
    }

    /// Whether a record stamped `uptime` starts a boot by its timestamp alone.
    pub fn resets(&self, uptime: f64) -> bool {
        self.last_uptime
            .is_some_and(|a| timestamp_resets(a, uptime))
    }

    /// `n` quiet records were passed over ([`crate::scan`]), the last one stamped `uptime`:
    /// what [`BootTracker::observe`] would have done with them (none starts a boot).
    pub fn quiet_records(&mut self, n: u64, uptime: f64) {
        if n > 0 {
            self.records_in_boot += n;
            self.last_uptime = Some(uptime);
        }
    }

    /// The boot the last [`BootTracker::observe`] announced is `index`.
    pub fn started(&mut self, index: usize, marker: BootMarker) {
        self.current = Some(index);
        self.current_marker = Some(marker);
        self.records_in_boot = 1;
    }

    /// True before the first record.
    pub fn is_new(&self) -> bool {
        self.current.is_none()
    }
}
