//! `rcu-stall-no-ticks`: an RCU stall's per-CPU line says the stalled CPU took no
//! scheduling-clock interrupt during the grace period (`(0 ticks this GP)`), or that RCU's
//! irq_work probe is still pending on it (the fourth flag a digit, `3-...0:`). Such a CPU is
//! not looping with interrupts on: it runs with interrupts disabled (a hard lockup), is held
//! in firmware or an NMI, or, in a virtual machine, its vCPU was not running
//! (`Documentation/RCU/stallwarn.rst`). The per-CPU decoding is the parser's
//! (`RcuStalledCpu::meaning`); this rule turns it into a finding on the stall's incident.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "rcu-stall-no-ticks";

/// Runs the rule: one claim per boot and set of such CPUs (a stall printed again every
/// `rcu_cpu_stall_timeout` is the same stall), rooted at its first report.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out: Vec<Claim> = Vec::new();
    // (boot, CPUs) of each claim in `out`.
    let mut keys: Vec<(usize, Vec<u32>)> = Vec::new();
    for (i, r) in a.reports.iter().enumerate() {
        let Some(stall) = r.decoded.rcu_stall.as_ref() else {
            continue;
        };
        let quiet: Vec<&decoded::RcuStalledCpu> = stall
            .cpus
            .iter()
            .filter(|c| {
                !c.offline && (c.ticks_this_gp == Some(0) || c.irq_work_pending_gps.is_some())
            })
            .collect();
        let Some(first) = quiet.first() else {
            continue;
        };
        let key = (r.boot, quiet.iter().map(|c| c.cpu).collect::<Vec<u32>>());
        if let Some(k) = keys.iter().position(|k| *k == key) {
            let c = &mut out[k];
            c.members.push(Node::Report(i));
            c.finding.evidence.push(util::ev_report(r));
            c.finding
                .message
                .push_str(&format!(" Again at {} ({}).", util::at_report(r), r.id));
            continue;
        }
        let cpus: Vec<String> = key.1.iter().map(|c| c.to_string()).collect();
        let meaning = first.meaning.clone().unwrap_or_default();
        let msg = format!(
            "The RCU stall ({}, {}) names CPU {} as `{}-{}: ({} ticks this GP)`: {meaning}.",
            r.id,
            util::at_report(r),
            util::list(&cpus),
            first.cpu,
            first.flags,
            first
                .ticks_this_gp
                .map_or("?".to_string(), |t| t.to_string()),
        );
        let mut c = Claim::new(RULE, Severity::Warning, msg);
        c.finding.evidence.push(util::ev_report_line(r, |t| {
            t.contains("ticks this GP") && t.contains(&format!("{}-", first.cpu))
        }));
        c.advise(&[
            "Catch the CPU with interrupts off: enable the hard-lockup detector (`nmi_watchdog=1` on the kernel command line, `sysctl -w kernel.nmi_watchdog=1 kernel.hardlockup_panic=1`) so its NMI prints that CPU's stack, or take `echo l > /proc/sysrq-trigger` while it stalls.",
            "In a virtual machine, check whether the vCPU ran at all: steal time (`st` in `top`, the `steal` column of /proc/stat) and the host's load and vCPU pinning; a `kthread starved` line in the same stall points the same way.",
        ]);
        c.members.push(Node::Report(i));
        c.root = Some((i, 20));
        c.summary = Some(format!(
            "{}: CPU {} took no timer interrupts",
            r.display_title,
            util::list(&cpus)
        ));
        c.weight = 20;
        c.confidence = 0.6;
        out.push(c);
        keys.push(key);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn zero_ticks_cpu_is_named() {
        // gh-tetragon-rcustall-1 (cilium/tetragon#328, a VM under load).
        let log = "\
[  103.087243] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:
[  103.087558] rcu: \t1-...!: (0 ticks this GP) idle=cf8/0/0x0 softirq=20/20 fqs=0 
[  103.087558] \t(detected by 0, t=26002 jiffies, g=1127, q=6)
";
        let a = analyze_bytes("rcu.log", log.as_bytes(), Options::default());
        let f = crate::util::finding(&a, super::RULE).expect("rcu-stall-no-ticks");
        assert!(f.message.contains("CPU 1"), "{}", f.message);
        assert!(f.message.contains("vCPU"), "{}", f.message);
    }

    #[test]
    fn the_same_stall_printed_again_is_one_finding() {
        // gh-tetragon-rcustall-1: the stall printed again 79 s later, same CPU, same flags.
        let log = "\
[  103.087243] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:
[  103.087558] rcu: \t1-...!: (0 ticks this GP) idle=cf8/0/0x0 softirq=20/20 fqs=0 
[  182.556239] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:
[  182.556604] rcu: \t1-...!: (0 ticks this GP) idle=d0c/0/0x0 softirq=20/20 fqs=1 
";
        let a = analyze_bytes("rcu.log", log.as_bytes(), Options::default());
        assert_eq!(a.reports.len(), 2);
        let n = a
            .incidents
            .iter()
            .filter(|i| i.findings.iter().any(|f| f.rule == super::RULE))
            .count();
        assert_eq!(n, 1);
        let inc = &a.incidents[0];
        assert_eq!(inc.reports.len(), 2);
        assert_eq!(inc.root.as_deref(), Some(a.reports[0].id.as_str()));
    }

    #[test]
    fn ticking_cpu_is_not_named() {
        // Seed 001 (CSD lock wait): the stalled CPU took millions of ticks: it loops with
        // interrupts on.
        let log = "\
[32380.382030] rcu: INFO: rcu_sched self-detected stall on CPU
[32380.388373] rcu:     65-....: (3920456 ticks this GP) idle=b2e/1/0x4000000000000002 softirq=1073098/1073098 fqs=1552284
";
        let a = analyze_bytes("rcu2.log", log.as_bytes(), Options::default());
        assert_eq!(
            a.reports[0].decoded.rcu_stall.as_ref().unwrap().cpus.len(),
            1
        );
        assert!(!crate::util::fired(&a, super::RULE));
    }
}
