//! A report's first line: what each kind's headline says (CPU, task, seconds stuck, panic
//! reason, fault address).

use super::body::VIRT_ADDR_RE;
use super::{hex_norm, parse_location, ReportBuilder};
use crate::model::decoded::RcuStallInfo;
use crate::model::ReportKind;
use regex::Regex;
use std::sync::LazyLock;

re!(
    SOFT_LOCKUP_RE,
    r"CPU#(\d+) stuck for (\d+)s!(?: \[(.+):(\d+)\])?"
);

re!(HARD_LOCKUP_RE, r"hard LOCKUP on cpu (\d+)");

re!(
    HUNG_RE,
    r"INFO: task (.+):(\d+) (?:blocked for more than (\d+) seconds|can't die for more than (\d+) seconds)"
);

re!(
    WARN_RE,
    r"WARNING: CPU: (\d+) PID: (\d+) at (\S+)(?: (\S+))?"
);

re!(NMI_CPU_RE, r"NMI backtrace for cpu (\d+)");

re!(OOM_COMM_RE, r"^(.+?) invoked oom-killer:");

re!(MCE_CPU_RE, r"CPU:? (\d+)");

re!(PANIC_RE, r"Kernel panic - not syncing:\s?(.*)");

impl ReportBuilder {
    pub(super) fn parse_headline(&mut self, t: &str) {
        let r = &mut self.report;
        match r.kind {
            ReportKind::SoftLockup => {
                if let Some(c) = SOFT_LOCKUP_RE.captures(t) {
                    r.cpu = c.get(1).and_then(|m| m.as_str().parse().ok());
                    r.decoded.stuck_seconds = c.get(2).and_then(|m| m.as_str().parse().ok());
                    r.comm = c.get(3).map(|m| m.as_str().to_string());
                    r.pid = c.get(4).and_then(|m| m.as_str().parse().ok());
                }
            }
            ReportKind::HardLockup => {
                if let Some(c) = HARD_LOCKUP_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            ReportKind::HungTask => {
                if let Some(c) = HUNG_RE.captures(t) {
                    r.comm = Some(c[1].to_string());
                    r.pid = c[2].parse().ok();
                    r.decoded.blocked_seconds =
                        c.get(3).or(c.get(4)).and_then(|m| m.as_str().parse().ok());
                }
            }
            ReportKind::RcuStall => {
                let expedited = t.contains("expedited");
                let self_detected = t.contains("self-detected");
                let flavor = t
                    .split_whitespace()
                    .find(|w| w.starts_with("rcu_"))
                    .map(|w| w.trim_end_matches(':').to_string());
                r.decoded.rcu_stall = Some(RcuStallInfo {
                    flavor,
                    self_detected,
                    expedited,
                    ..RcuStallInfo::default()
                });
            }
            ReportKind::Panic => {
                if let Some(c) = PANIC_RE.captures(t) {
                    r.panic_reason = Some(c[1].trim().to_string());
                }
            }
            ReportKind::Warning => {
                if let Some(c) = WARN_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                    r.pid = c[2].parse().ok();
                    if let Some(loc) = c.get(4).and_then(|m| parse_location(m.as_str())) {
                        r.ip.get_or_insert(loc);
                    }
                }
            }
            ReportKind::NmiBacktrace => {
                if let Some(c) = NMI_CPU_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            ReportKind::Oom => {
                if let Some(c) = OOM_COMM_RE.captures(t) {
                    r.comm = Some(c[1].trim().to_string());
                }
            }
            ReportKind::HardwareError => {
                if let Some(c) = MCE_CPU_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            _ => {}
        }
        if matches!(
            r.kind,
            ReportKind::Oops | ReportKind::Kasan | ReportKind::Kfence | ReportKind::Bug
        ) {
            if let Some(c) = VIRT_ADDR_RE.captures(t) {
                r.fault_address = Some(hex_norm(&c[1]));
            }
        }
    }
}
