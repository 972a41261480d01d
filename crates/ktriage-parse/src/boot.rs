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
            matches!((self.last_uptime, rec.uptime), (Some(a), Some(b)) if b + 1.0 < a && b < 10.0);
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
