//! A report's first line: what each kind's headline says (CPU, task, seconds stuck, panic
//! reason, fault address).

use super::body::VIRT_ADDR_RE;
use super::{hex_norm, parse_location, ReportBuilder};
use crate::decode;
use crate::model::decoded::RcuStallInfo;
use crate::model::{Report, ReportKind};
use regex::Regex;
use std::sync::LazyLock;

re!(
    SOFT_LOCKUP_RE,
    r"CPU#(\d+) stuck for (\d+)s!(?: \[(.+):(\d+)\])?"
);

// `Watchdog detected hard LOCKUP on cpu 0`; powerpc: `Watchdog CPU:59 Hard LOCKUP`.
re!(
    HARD_LOCKUP_RE,
    r"(?:hard LOCKUP on cpu |Watchdog CPU:)(\d+)"
);

re!(
    HUNG_RE,
    r"INFO: task (.+):(\d+) (?:blocked for more than (\d+) seconds|can't die for more than (\d+) seconds)"
);

re!(
    WARN_RE,
    r"WARNING: CPU: (\d+) PID: (\d+) at (\S+)(?: (\S+))?"
);

// 2.6/3.x: `WARNING: at drivers/foo.c:163 func+0x90/0xac()`; 6.x: `WARNING: fs/x.c:12 at
// func+0x1/0x2, CPU#22: comm/123`.
re!(WARN_AT_RE, r"^WARNING: at \S+ (\S+?)(?:\(\))?(?:\s|$)");
re!(
    WARN_NEW_RE,
    r"^WARNING: \S+ at (.+?),? CPU#(\d+): (.+)/(\d+)\s*$"
);

re!(NMI_CPU_RE, r"NMI backtrace for cpu (\d+)");

re!(OOM_COMM_RE, r"^(.+?) invoked oom-killer:");

re!(MCE_CPU_RE, r"\bCPU:? ?(\d+)\b");

re!(PANIC_RE, r"Kernel panic - not syncing:\s?(.*)");

/// What a kind's headline says, for the kinds that print facts on their first line. A kind
/// may have several rows; they run in order.
/// Reads facts off a headline into the report.
type HeadlineParser = fn(&mut Report, &str);

const HEADLINES: &[(ReportKind, HeadlineParser)] = &[
    (ReportKind::SoftLockup, soft_lockup),
    (ReportKind::HardLockup, hard_lockup),
    (ReportKind::HungTask, hung_task),
    (ReportKind::RcuStall, rcu_stall),
    (ReportKind::Panic, panic),
    (ReportKind::Warning, warning),
    (ReportKind::NmiBacktrace, nmi_backtrace),
    (ReportKind::Oom, oom),
    (ReportKind::HardwareError, hardware_error),
    (ReportKind::Oops, fault_address),
    (ReportKind::Kasan, fault_address),
    (ReportKind::Kfence, fault_address),
    (ReportKind::Bug, fault_address),
];

/// `BUG: soft lockup - CPU#3 stuck for 23s! [comm:pid]`.
fn soft_lockup(r: &mut Report, t: &str) {
    if let Some(c) = SOFT_LOCKUP_RE.captures(t) {
        r.cpu = c.get(1).and_then(|m| m.as_str().parse().ok());
        r.decoded.stuck_seconds = c.get(2).and_then(|m| m.as_str().parse().ok());
        r.comm = c.get(3).map(|m| m.as_str().to_string());
        r.pid = c.get(4).and_then(|m| m.as_str().parse().ok());
    }
}

/// `Watchdog detected hard LOCKUP on cpu 5`.
fn hard_lockup(r: &mut Report, t: &str) {
    if let Some(c) = HARD_LOCKUP_RE.captures(t) {
        r.cpu = c[1].parse().ok();
    }
}

/// `INFO: task comm:pid blocked for more than N seconds.`
fn hung_task(r: &mut Report, t: &str) {
    if let Some(c) = HUNG_RE.captures(t) {
        r.comm = Some(c[1].to_string());
        r.pid = c[2].parse().ok();
        r.decoded.blocked_seconds = c.get(3).or(c.get(4)).and_then(|m| m.as_str().parse().ok());
    }
}

/// `rcu: INFO: rcu_sched self-detected stall on CPU`: flavour, who detected it, expedited.
fn rcu_stall(r: &mut Report, t: &str) {
    r.decoded.rcu_stall = Some(RcuStallInfo {
        flavor: t
            .split_whitespace()
            .find(|w| w.starts_with("rcu_"))
            .map(|w| w.trim_end_matches(':').to_string()),
        self_detected: t.contains("self-detected"),
        expedited: t.contains("expedited"),
        ..RcuStallInfo::default()
    });
}

/// `Kernel panic - not syncing: REASON`.
fn panic(r: &mut Report, t: &str) {
    if let Some(c) = PANIC_RE.captures(t) {
        r.panic_reason = Some(c[1].trim().to_string());
    }
}

/// `WARNING: CPU: 0 PID: 1 at file:line func+0x../0x..`.
fn warning(r: &mut Report, t: &str) {
    if let Some(c) = WARN_RE.captures(t) {
        r.cpu = c[1].parse().ok();
        r.pid = c[2].parse().ok();
        if let Some(loc) = c.get(4).and_then(|m| parse_location(m.as_str())) {
            r.ip.get_or_insert(loc);
        }
    } else if let Some(c) = WARN_AT_RE.captures(t) {
        if let Some(loc) = parse_location(&c[1]) {
            r.ip.get_or_insert(loc);
        }
    } else if let Some(c) = WARN_NEW_RE.captures(t) {
        if let Some(loc) = parse_location(&c[1]) {
            r.ip.get_or_insert(loc);
        }
        r.cpu = c[2].parse().ok();
        r.comm = Some(c[3].to_string());
        r.pid = c[4].parse().ok();
    }
}

/// `NMI backtrace for cpu 3`.
fn nmi_backtrace(r: &mut Report, t: &str) {
    if let Some(c) = NMI_CPU_RE.captures(t) {
        r.cpu = c[1].parse().ok();
    }
}

/// `comm invoked oom-killer: gfp_mask=...`.
fn oom(r: &mut Report, t: &str) {
    if let Some(c) = OOM_COMM_RE.captures(t) {
        r.comm = Some(c[1].trim().to_string());
    }
}

/// `mce: [Hardware Error]: CPU 0: Machine Check ...`.
fn hardware_error(r: &mut Report, t: &str) {
    if let Some(c) = MCE_CPU_RE.captures(t) {
        r.cpu = c[1].parse().ok();
    }
    mce_fields(r, t);
}

// `Bank 6: cc59214000041152`, legacy `Bank 3: b40000000000083b at 000000fdfc000cfc`, AMD's
// decoder `MC22_STATUS[Over|CE|MiscV|AddrV|-|-|SyndV|-|-|-]: 0xdc2040000000011b`.
re!(
    MCE_BANK_RE,
    r"\b(?:Bank (\d+): ([0-9a-fA-F]{16})\b(?: at ([0-9a-fA-F]+))?|MC(\d+)_STATUS\[[^\]]*\]: 0x([0-9a-fA-F]{16}))"
);
re!(
    MCE_ADDR_RE,
    r"\b(?:ADDR|MC\d+_ADDR:) (?:0x)?([0-9a-fA-F]+)\b"
);
re!(
    MCE_MISC_RE,
    r"\b(?:MISC|MC\d+_MISC:) (?:0x)?([0-9a-fA-F]+)\b"
);
// EDAC: `1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#2_DIMM#0 (channel:2 ...`; GHES/CPER:
// `DIMM location: CPU_SrcID#0_Ha#0_Chan#1_DIMM#0`.
re!(
    DIMM_RE,
    r"(?:\b(?:CE|UE)\b.* error on (\S+) \(|DIMM location: (.+?)\s*$)"
);

/// The machine-check record fields a line of a hardware-error report prints.
pub(super) fn mce_fields(r: &mut Report, t: &str) {
    fn rec(r: &mut Report) -> &mut crate::model::decoded::MceRecord {
        r.decoded.mce.get_or_insert_with(Default::default)
    }
    if let Some(c) = MCE_BANK_RE.captures(t) {
        let bank = c.get(1).or(c.get(4)).and_then(|m| m.as_str().parse().ok());
        let status = c
            .get(2)
            .or(c.get(5))
            .and_then(|m| decode::parse_hex(m.as_str()));
        let m = rec(r);
        m.bank = m.bank.or(bank);
        if m.status.is_none() {
            m.status = status.map(decode::decode_mce_status);
        }
        if let Some(a) = c.get(3) {
            m.addr.get_or_insert_with(|| hex_norm(a.as_str()));
        }
        return;
    }
    if !t.contains("ADDR")
        && !t.contains("MISC")
        && !t.contains(" error on ")
        && !t.contains("DIMM location")
    {
        return;
    }
    if let Some(c) = MCE_ADDR_RE.captures(t) {
        rec(r).addr.get_or_insert_with(|| hex_norm(&c[1]));
    }
    if let Some(c) = MCE_MISC_RE.captures(t) {
        rec(r).misc.get_or_insert_with(|| hex_norm(&c[1]));
    }
    if let Some(c) = DIMM_RE.captures(t) {
        if let Some(d) = c.get(1).or(c.get(2)) {
            rec(r).dimm.get_or_insert_with(|| d.as_str().to_string());
        }
    }
}

/// `... at virtual address 0000000000000008`, `... dereference at 0000000000000010`.
fn fault_address(r: &mut Report, t: &str) {
    if let Some(c) = VIRT_ADDR_RE.captures(t) {
        r.fault_address = Some(hex_norm(&c[1]));
    }
}

impl ReportBuilder {
    /// Parses the report's first line with its kind's rows of [`HEADLINES`].
    pub(super) fn parse_headline(&mut self, t: &str) {
        let kind = self.report.kind;
        for (_, parse) in HEADLINES.iter().filter(|(k, _)| *k == kind) {
            parse(&mut self.report, t);
        }
    }
}
