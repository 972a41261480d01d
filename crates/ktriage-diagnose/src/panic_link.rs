//! A panic joins the incident of the report that caused it, which becomes the root:
//! * `panic-after-oops`: an oops, BUG or sanitizer crash (or the tail of one whose first line
//!   was lost) made the kernel panic (`Fatal exception`, `Attempted to kill init`, `Fatal
//!   exception in interrupt`);
//! * `panic-on-detector`: a detector the machine was configured to make fatal fired
//!   (`softlockup: hung tasks`, `hung_task: blocked tasks`, `Hard LOCKUP`, `RCU Stall`,
//!   `panic_on_warn`, out of memory, a machine check).
//!
//! The cause is the closest earlier report of the same boot of the kind the panic's reason
//! names (a `softlockup:` panic is the soft lockup's, not a CPU dump printed after it), else
//! the closest one that can cause a panic.

use super::{knowledge, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id for a crash that became a panic.
pub const RULE: &str = "panic-after-oops";
/// The rule id for a detector made fatal by a sysctl.
pub const DETECTOR_RULE: &str = "panic-on-detector";

/// Kinds a panic reason names: `Kernel panic - not syncing: REASON` contains the text.
const REASON_KINDS: &[(&str, &[ReportKind])] = &[
    ("softlockup: hung tasks", &[ReportKind::SoftLockup]),
    ("hung_task: blocked tasks", &[ReportKind::HungTask]),
    ("Hard LOCKUP", &[ReportKind::HardLockup]),
    ("RCU Stall", &[ReportKind::RcuStall]),
    ("panic_on_warn", &[ReportKind::Warning]),
    ("Out of memory", &[ReportKind::Oom]),
    ("System is deadlocked on memory", &[ReportKind::Oom]),
    ("MCE", &[ReportKind::HardwareError]),
    ("Machine check", &[ReportKind::HardwareError]),
];

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for (j, p) in a.reports.iter().enumerate() {
        if p.kind != ReportKind::Panic {
            continue;
        }
        // Reports of one boot are contiguous (sources are read one after another): walk back
        // from the panic while the boot lasts.
        let same_boot = |i: &usize| a.reports[*i].boot == p.boot;
        let named: &[ReportKind] = p
            .panic_reason
            .as_deref()
            .and_then(|reason| REASON_KINDS.iter().find(|(k, _)| reason.contains(k)))
            .map_or(&[], |(_, kinds)| *kinds);
        let earlier = || (0..j).rev().take_while(same_boot);
        let cause = earlier()
            .find(|&i| named.contains(&a.reports[i].kind))
            .or_else(|| earlier().find(|&i| a.reports[i].kind.info().can_cause_panic));
        let Some(i) = cause else { continue };
        let r = &a.reports[i];
        let close = match (util::uptime(&r.time), util::uptime(&p.time)) {
            (Some(x), Some(y)) => y - x <= 120.0,
            _ => p.source.first_line.saturating_sub(r.source.last_line) < 200,
        };
        if !close {
            continue;
        }
        let reason = p.panic_reason.clone().unwrap_or_else(|| p.title.clone());
        let why = knowledge::panic_reason(&reason);
        let at = util::where_ip(r)
            .map(|w| format!(" at {w}"))
            .unwrap_or_default();
        let what = if r.kind == ReportKind::RegisterDump {
            format!("the register dump{at} just before it ({}, {}; its first line was lost, it is the tail of an oops)", r.id, util::at_report(r))
        } else {
            format!("{} ({}, {}){at}", r.display_title, r.id, util::at_report(r))
        };
        let mut msg = format!(
            "The panic `{reason}` ({}) is the consequence of {what}",
            util::at_report(p)
        );
        if let Some(w) = why {
            msg.push_str(&format!(": {w}"));
        }
        msg.push('.');
        let rule = match r.kind.class() {
            KindClass::Crash | KindClass::Fragment => RULE,
            _ => DETECTOR_RULE,
        };
        let mut c = Claim::new(rule, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report_line(r, |t| {
            t.starts_with("RIP")
                || t.starts_with("EIP")
                || t.starts_with("pc :")
                || t.starts_with("PC is at")
                || t.starts_with("IP:")
        }));
        c.finding.evidence.push(util::ev_report(p));
        let func =
            r.ip.as_ref()
                .map(|ip| ip.function.clone())
                .filter(|f| !f.is_empty());
        match (&func, r.ip.as_ref().and_then(|ip| ip.module.clone())) {
            (Some(f), Some(m)) => c.finding.advice.push(format!(
                "Fix the cause, not the panic: {f} is in module {m}; resolve the line with `gdb -batch -ex 'list *({})' $(modinfo -n {m})` or `./scripts/faddr2line {m}.ko {}`.",
                util::where_ip(r).unwrap_or_default().split(' ').next().unwrap_or(f).split('/').next().unwrap_or(f),
                util::where_ip(r).unwrap_or_default().split(' ').next().unwrap_or(f)
            )),
            (Some(f), None) => c.finding.advice.push(format!(
                "Fix the cause, not the panic: resolve {f} with `./scripts/faddr2line vmlinux {}`.",
                util::where_ip(r).unwrap_or_default()
            )),
            _ => c.finding.advice.push("Fix the cause, not the panic: read the report printed before it.".to_string()),
        }
        // A log read out of a vmcore: the dump was taken, nothing to set up.
        if p.kdump_loaded != Some(true) && !util::from_vmcore(a, p) {
            c.finding.advice.push(
                "Capture the next one: load kdump (`crashkernel=` on the command line, `systemctl enable --now kdump`, `kdumpctl status`) and set `kernel.panic=10` so the machine reboots by itself."
                    .to_string(),
            );
        }
        c.members.push(Node::Report(i));
        c.members.push(Node::Report(j));
        c.root = Some((i, 80));
        c.summary = Some(match &func {
            Some(f) => format!(
                "{} in {f} led to kernel panic: {reason}",
                r.kind.as_str().replace('_', " ")
            ),
            None => format!("{} led to kernel panic: {reason}", r.display_title),
        });
        c.weight = 70;
        c.confidence = 0.85;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn lone_panic_has_no_cause() {
        // Near miss: a panic with nothing before it in the log stays on its own.
        let log = "[   10.000000] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n";
        let a = analyze_bytes("p.log", log.as_bytes(), Options::default());
        assert!(!super::util::fired(&a, super::RULE));
    }
}
