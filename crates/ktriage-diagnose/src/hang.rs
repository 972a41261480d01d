//! `hang-without-panic`: an incident with lockups, stalls, hung tasks or a stuck CPU's dump
//! and no panic. The kernel only reported; nothing was captured and the machine did not
//! reboot. Advice: make those detectors panic (so kdump captures the state), and debug a
//! hang at reboot with `initcall_debug`.

use super::{util, Ctx};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "hang-without-panic";

/// Adds the finding to every incident that needs it.
pub fn apply(cx: &Ctx, incidents: &mut [Incident]) {
    let a = cx.a;
    // Boot indices are global (one per boot of one source).
    let panicked_boots: std::collections::HashSet<usize> = a
        .reports
        .iter()
        .filter(|r| r.kind == ReportKind::Panic)
        .map(|r| r.boot)
        .collect();
    for inc in incidents.iter_mut() {
        let reports: Vec<&Report> = inc
            .reports
            .iter()
            .filter_map(|id| a.report_by_id(id))
            .collect();
        // A boot that panicked did reach panic, whatever incident its panic joined; a log
        // read out of a vmcore comes from a machine that was dumped.
        if reports
            .iter()
            .any(|r| panicked_boots.contains(&r.boot) || util::from_vmcore(a, r))
        {
            continue;
        }
        let crashed = reports.iter().any(|r| util::is_oops_kind(r.kind));
        let hangs: Vec<&&Report> = reports
            .iter()
            .filter(|r| {
                util::is_stall_kind(r.kind)
                    || (r.kind == ReportKind::RegisterDump
                        && !crashed
                        && !util::stopped_cpu(r)
                        && !near_other_report(a, r))
            })
            .collect();
        if hangs.is_empty() {
            continue;
        }
        let mut kinds: Vec<ReportKind> = hangs.iter().map(|r| r.kind).collect();
        kinds.sort();
        kinds.dedup();
        let names: Vec<&str> = kinds.iter().map(|k| k.info().noun).collect();
        // A reboot requested before the hang in the same boot.
        let first = hangs[0];
        let reboot = a.events.iter().find(|e| {
            matches!(e.kind, EventKind::Reboot | EventKind::PowerOff)
                && e.boot == first.boot
                && e.source.path == first.source.path
                && e.source.line < first.source.first_line
        });
        let kdump = hangs.iter().find_map(|r| r.kdump_loaded);
        let mut msg = format!(
            "{} {} and no panic: the kernel only reported, so the machine kept hanging, did not reboot, and no vmcore was taken{}.",
            hangs.len(),
            match (hangs.len(), names.len()) {
                (1, _) => names.join("/"),
                (_, 1) => format!("{}s", names[0]),
                _ => format!("reports ({})", names.join(", ")),
            },
            match kdump {
                Some(true) => " although kdump is loaded",
                _ => "",
            }
        );
        if kinds.contains(&ReportKind::RegisterDump) {
            msg.push_str(&format!(" A dump without its trigger line ({}) is usually a lockup detector's: the CPU was stuck there.", util::at_report(first)));
        }
        if let Some(e) = reboot {
            msg.push_str(&format!(" It happened after a reboot was requested ({}): the machine hangs during shutdown.", util::at_event(e)));
        }
        let mut f = Finding {
            rule: RULE,
            severity: Severity::Warning,
            message: msg,
            evidence: hangs.iter().take(3).map(|r| util::ev_report(r)).collect(),
            advice: Vec::new(),
        };
        let mut sysctls: Vec<&str> = kinds.iter().filter_map(|k| k.info().panic_sysctl).collect();
        for s in [
            "kernel.softlockup_panic=1",
            "kernel.hardlockup_panic=1",
            "kernel.hung_task_panic=1",
            "kernel.panic_on_rcu_stall=1",
        ] {
            if !sysctls.contains(&s) {
                sysctls.push(s);
            }
        }
        f.advice.push(format!(
            "Make hangs fatal so kdump captures them and the machine reboots: `sysctl -w {} kernel.panic=10` (persist in /etc/sysctl.d/90-hang-panic.conf; boot-time equivalents: softlockup_panic=1 nmi_watchdog=panic).",
            sysctls.join(" ")
        ));
        f.advice.push(
            "Check that kdump is ready to catch it: `kdumpctl status` (or `cat /sys/kernel/kexec_crash_loaded`), and test once with `echo c > /proc/sysrq-trigger` on a machine you may crash."
                .to_string(),
        );
        f.advice.push(format!(
            "{}boot with `initcall_debug no_console_suspend ignore_loglevel` on the kernel command line: every device shutdown callback is printed as it runs, and the last one printed is the one that hangs.",
            if reboot.is_some() { "The hang is at reboot: " } else { "If the machine hangs at reboot or shutdown, " }
        ));
        inc.findings.push(f);
    }
}

/// A register dump printed within seconds (or a few dozen lines) after another crash or
/// warning report of the same source is that report's tail, cut off by interleaved lines of
/// other CPUs, not a stuck CPU caught by a lockup detector.
fn near_other_report(a: &Analysis, dump: &Report) -> bool {
    let Some(at) = a.reports.iter().position(|r| r.id == dump.id) else {
        return false;
    };
    // Reports are in log order per source: look at the few before it.
    a.reports[..at].iter().rev().take(16).any(|r| {
        r.boot == dump.boot
            && r.source.path == dump.source.path
            && r.kind != ReportKind::RegisterDump
            && r.source.first_line < dump.source.first_line
            && match (util::uptime(&r.time), util::uptime(&dump.time)) {
                (Some(x), Some(y)) => (0.0..=10.0).contains(&(y - x)),
                _ => dump.source.first_line - r.source.last_line.min(dump.source.first_line) <= 50,
            }
    })
}
