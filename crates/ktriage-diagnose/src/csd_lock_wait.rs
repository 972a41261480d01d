//! `csd-lock-wait`: lockups and stalls of a CPU that spins in `smp_call_function_many*`,
//! `on_each_cpu*`, `kick_all_cpus_sync`, `flush_tlb_*` or `csd_lock_wait`, waiting for other
//! CPUs to run an IPI callback. The lockup is on the waiting CPU; the cause is the CPU that
//! does not answer. Names that CPU only when the log shows it.

use super::{knowledge, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "csd-lock-wait";

/// Where a report's CPU waits for a CSD lock: (waiting function, caller), when it does.
pub fn waits_in(r: &Report) -> Option<(String, Option<String>)> {
    let frames: Vec<&Frame> = r
        .frames
        .iter()
        .filter(|f| f.reliable && !knowledge::is_machinery(&f.function))
        .collect();
    let ip =
        r.ip.as_ref()
            .map(|ip| ip.function.as_str())
            .filter(|f| !f.is_empty());
    let (at, rest) = match ip {
        Some(f) if knowledge::is_csd_waiter(f) => (f.to_string(), &frames[..]),
        Some(f) if knowledge::is_spin_helper(f) || knowledge::is_machinery(f) => {
            let (first, rest) = frames.split_first()?;
            (first.function.clone(), rest)
        }
        Some(_) => return None,
        None => {
            let (first, rest) = frames.split_first()?;
            (first.function.clone(), rest)
        }
    };
    if !knowledge::is_csd_waiter(&at) {
        return None;
    }
    let caller = rest
        .iter()
        .map(|f| f.function.as_str())
        .find(|f| *f != at)
        .map(str::to_string);
    Some((at, caller))
}

/// How the waited-for CPU was identified.
struct Target {
    cpu: u32,
    why: String,
    evidence: Vec<Evidence>,
    members: Vec<Node>,
    root: Option<(usize, u8)>,
}

impl Target {
    /// The waited-for CPU named by report `i`, which becomes the root with `weight`.
    fn from_report(cpu: u32, i: usize, r: &Report, why: String, weight: u8) -> Target {
        Target {
            cpu,
            why,
            evidence: vec![util::ev_report(r)],
            members: vec![Node::Report(i)],
            root: Some((i, weight)),
        }
    }
}

fn find_target(cx: &Ctx, waiters: &[usize]) -> Option<Target> {
    let a = cx.a;
    let w0 = &a.reports[waiters[0]];
    let waiting: Vec<u32> = waiters.iter().filter_map(|&i| a.reports[i].cpu).collect();
    // 1. The kernel's own CSD-lock debug lines.
    for (k, e) in a.events.iter().enumerate() {
        if e.kind != EventKind::CsdLockTimeout || !util::boots_compatible(a, e.boot, w0.boot) {
            continue;
        }
        if let Some(t) = e.details.target_cpu {
            return Some(Target {
                cpu: t,
                why: format!(
                    "the kernel's CSD-lock debug line at {} names it",
                    util::at_event(e)
                ),
                evidence: vec![util::ev_event(e)],
                members: vec![Node::Event(k)],
                root: None,
            });
        }
    }
    // 2. A CPU that oopsed and never finished the oops (interrupts stay off): nested oops first.
    let t_first = waiters
        .iter()
        .filter_map(|&i| util::uptime(&a.reports[i].time))
        .fold(f64::INFINITY, f64::min);
    for &(i, j, _) in &cx.nested_pairs {
        let r = &a.reports[i];
        let Some(cpu) = r.cpu.or(a.reports[j].cpu) else {
            continue;
        };
        if r.boot == w0.boot
            && !waiting.contains(&cpu)
            && util::uptime(&r.time).is_none_or(|t| t <= t_first)
        {
            return Some(Target {
                cpu,
                why: format!(
                    "it oopsed at {} ({}) and oopsed again inside the die path ({}), so it spins on die_lock with interrupts off and never services IPIs",
                    util::at_report(r),
                    r.id,
                    a.reports[j].id
                ),
                evidence: vec![util::ev_report(r), util::ev_report(&a.reports[j])],
                members: vec![Node::Report(i), Node::Report(j)],
                root: Some((i, 90)),
            });
        }
    }
    for (i, r) in a.reports.iter().enumerate() {
        let Some(cpu) = r.cpu else { continue };
        if r.boot != w0.boot || waiting.contains(&cpu) || waiters.contains(&i) {
            continue;
        }
        let before = util::uptime(&r.time).is_none_or(|t| t <= t_first);
        if util::is_oops_kind(r.kind) && !r.ended && before {
            return Some(Target::from_report(
                cpu,
                i,
                r,
                format!(
                    "it oopsed at {} ({}) and the oops never finished (no `---[ end trace`): it is stuck with interrupts off",
                    util::at_report(r),
                    r.id
                ),
                90,
            ));
        }
        if r.kind == ReportKind::HardLockup {
            return Some(Target::from_report(
                cpu,
                i,
                r,
                format!(
                    "it reports a hard lockup at {} ({}): it runs with interrupts off and cannot take the IPI",
                    util::at_report(r),
                    r.id
                ),
                80,
            ));
        }
    }
    // 3. The one CPU missing from an all-CPU backtrace.
    let mut seen: Vec<u32> = a
        .reports
        .iter()
        .filter(|r| r.boot == w0.boot && matches!(r.kind, ReportKind::NmiBacktrace))
        .filter_map(|r| r.cpu)
        .chain(waiting.iter().copied())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() >= 2 {
        let max = *seen.last().unwrap_or(&0);
        let missing: Vec<u32> = (0..=max).filter(|c| !seen.contains(c)).collect();
        if missing.len() == 1 && seen.len() as u32 == max {
            return Some(Target {
                cpu: missing[0],
                why: format!(
                    "it is the only CPU missing from the all-CPU backtrace (CPUs 0-{max})"
                ),
                evidence: Vec::new(),
                members: Vec::new(),
                root: None,
            });
        }
    }
    None
}

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let waiters: Vec<(usize, String, Option<String>)> = a
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            util::is_stall_kind(r.kind)
                || (matches!(r.kind, ReportKind::RegisterDump | ReportKind::NmiBacktrace)
                    && !util::stopped_cpu(r))
        })
        .filter_map(|(i, r)| waits_in(r).map(|(f, c)| (i, f, c)))
        .collect();
    // Episodes: waiters of compatible boots.
    let mut episodes: Vec<Vec<usize>> = Vec::new();
    for (pos, (i, _, _)) in waiters.iter().enumerate() {
        let r = &a.reports[*i];
        match episodes
            .iter_mut()
            .find(|ep| util::same_boot_possible(a, &a.reports[waiters[ep[0]].0], r))
        {
            Some(ep) => ep.push(pos),
            None => episodes.push(vec![pos]),
        }
    }
    let mut out = Vec::new();
    for ep in episodes {
        let idx: Vec<usize> = ep.iter().map(|&p| waiters[p].0).collect();
        let first = &a.reports[idx[0]];
        let (func, caller) = (&waiters[ep[0]].1, &waiters[ep[0]].2);
        let mut cpus: Vec<u32> = idx.iter().filter_map(|&i| a.reports[i].cpu).collect();
        cpus.sort_unstable();
        cpus.dedup();
        let waiting = if cpus.is_empty() {
            "A CPU".to_string()
        } else if cpus.len() == 1 {
            util::who(first)
        } else {
            format!("CPUs {}", util::list(&cpus))
        };
        let target = find_target(cx, &idx);
        let kinds: Vec<String> = idx
            .iter()
            .map(|&i| {
                format!(
                    "{} {}",
                    a.reports[i].kind.as_str().replace('_', " "),
                    a.reports[i].id
                )
            })
            .collect();
        let mut msg = format!(
            "{waiting} spin{} in {func}{} waiting for a CSD lock ({}). The caller sent an IPI (cross-CPU function call) and, with interrupts enabled, spins until every target CPU has run the callback and released the CSD lock; \
             a target CPU that never services the IPI (interrupts off, stuck in an NMI or firmware, hung hardware, or dead in a nested oops) makes every caller spin. The lockup is on the waiting CPU, the cause is on the target. ",
            if cpus.len() == 1 { "s" } else { "" },
            caller.as_ref().map(|c| format!(" (called from {c})")).unwrap_or_default(),
            util::list(&kinds),
        );
        match &target {
            Some(t) => msg.push_str(&format!("Waited-for CPU: CPU {}, because {}.", t.cpu, t.why)),
            None => msg.push_str(
                "Waited-for CPU: unknown; the log shows no other CPU's state (no CSD-lock debug line, no oops with interrupts off, no all-CPU backtrace).",
            ),
        }
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        for &i in idx.iter().take(4) {
            let r = &a.reports[i];
            c.finding.evidence.push(util::ev_report_line(r, |t| {
                t.contains(func.as_str())
                    && (t.starts_with("pc :") || t.starts_with("RIP") || t.starts_with("PC is"))
            }));
            if let Some(caller) = caller {
                c.finding
                    .evidence
                    .push(util::ev_report_line(r, |t| t.starts_with(caller.as_str())));
            }
        }
        c.finding
            .evidence
            .dedup_by(|x, y| x.path == y.path && x.line == y.line);
        if let Some(t) = &target {
            c.finding.evidence.extend(t.evidence.iter().cloned());
            c.members.extend(t.members.iter().copied());
            c.root = t.root;
        }
        c.advise(&[
            "Name the CPU that does not answer: boot with `csd_lock_timeout=5000` on a kernel built with CONFIG_CSD_LOCK_WAIT_DEBUG=y (5.18+; older kernels: `csdlock_debug=1`); it prints `csd: Detected non-responsive CSD lock ... on CPU#N` and that CPU's backtrace.",
            "Get every CPU's stack at the next lockup: `sysctl -w kernel.softlockup_all_cpu_backtrace=1` (and `kernel.hardlockup_all_cpu_backtrace=1`), or `echo l > /proc/sysrq-trigger` while it hangs; the CPU with interrupts off, in NMI/firmware, or missing from the list is the one being waited for.",
            "In a vmcore (`crash vmlinux vmcore`): `bt -a` shows what the target CPU was doing; check whether it sat with interrupts off, in an NMI/SDEI/SMM handler or in a nested oops.",
        ]);
        let mut hw: Vec<&SelRecord> = a
            .sel_records
            .iter()
            .filter(|s| {
                s.severity == Severity::Critical
                    && ["Memory", "Processor", "Critical Interrupt"]
                        .iter()
                        .any(|t| s.sensor_type.eq_ignore_ascii_case(t))
            })
            .collect();
        hw.dedup_by(|x, y| x.record_id == y.record_id && x.time == y.time);
        let latest = hw.iter().max_by(|x, y| x.time.cmp(&y.time)).copied();
        match latest {
            None => c.finding.advice.push(
                "Check hardware: `ipmitool sel elist`, `ras-mc-ctl --errors`, `journalctl -k | grep -i -e mce -e edac -e ghes`; a CPU held in firmware by a machine check or memory error never answers IPIs."
                    .to_string(),
            ),
            Some(latest) => c.finding.advice.push(format!(
                "Check hardware: the BMC SEL holds {} critical Memory/Processor record(s) (latest: SEL {} {} `{}` at {}); a CPU held in firmware by an uncorrectable memory error never answers IPIs, so the CSD wait and the memory error may be one story: run `ras-mc-ctl --errors`, check the DIMM the BMC names and replace it.",
                hw.len(),
                latest.record_id,
                latest.sensor_type,
                latest.description,
                latest
                    .time
                    .map_or_else(|| "an unknown time".to_string(), |t| t.to_string())
            )),
        }
        if first.arch == Some(Arch::Arm64)
            && func.starts_with("smp_call_function_many")
            && target.is_none()
        {
            let x0 = first.registers.get("x0").and_then(|v| util::hex(v));
            let x1 = first.registers.get("x1").and_then(|v| util::hex(v));
            if let (Some(x0), Some(x1)) = (x0, x1) {
                if x1 & 1 == 1 && x1 < 16 && x0 < 4096 {
                    c.finding.advice.push(format!(
                        "Unverified hint: on some arm64 builds (4.18 el8, per a published disassembly) x0 holds the waited-for CPU and x1 the CSD flags inside the csd_lock_wait loop; here x0 = {x0}, x1 = {x1:#x} (CSD_FLAG_LOCK set). Confirm for this build with `gdb -batch -ex 'disassemble smp_call_function_many_cond' vmlinux` before trusting CPU {x0}."
                    ));
                }
            }
        }
        c.members.extend(idx.iter().map(|&i| Node::Report(i)));
        c.summary = Some(match &target {
            Some(t) => format!(
                "{waiting} stuck in {func} waiting for CPU {} to answer an IPI (CSD lock)",
                t.cpu
            ),
            None => format!(
                "{waiting} stuck in {func} waiting for another CPU to answer an IPI (CSD lock); the CPU it waits for is not in the log"
            ),
        });
        c.weight = 60;
        c.confidence = if target.is_some() { 0.85 } else { 0.6 };
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    const LONE: &str = "\
[ 1000.000000] watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [kworker/3:1:123]
[ 1000.000100] CPU: 3 PID: 123 Comm: kworker/3:1 Tainted: G             L    5.10.0 #1
[ 1000.000200] pc : smp_call_function_many_cond+0x34c/0x3a0
[ 1000.000300] lr : smp_call_function_many_cond+0x308/0x3a0
[ 1000.000400] sp : ffff80003344f900
[ 1000.000500] Call trace:
[ 1000.000600]  smp_call_function_many_cond+0x34c/0x3a0
[ 1000.000700]  on_each_cpu_cond_mask+0x58/0xd0
[ 1000.000800]  invalidate_bh_lrus+0x2c/0x38
[ 1000.000900]  kthread+0x124/0x130
";

    #[test]
    fn lone_waiter_fires_with_unknown_target() {
        let a = analyze_bytes("lone.log", LONE.as_bytes(), Options::default());
        let f = a
            .findings()
            .find(|f| f.rule == super::RULE)
            .expect("csd-lock-wait");
        assert!(
            f.message.contains("Waited-for CPU: unknown"),
            "{}",
            f.message
        );
        assert!(!f.message.contains("Waited-for CPU: CPU"));
        assert!(f.advice.iter().any(|s| s.contains("csd_lock_timeout=")));
        assert!(f
            .advice
            .iter()
            .any(|s| s.contains("softlockup_all_cpu_backtrace=1")));
    }

    #[test]
    fn lockup_elsewhere_is_not_csd() {
        // Near miss: a soft lockup spinning in its own loop, with on_each_cpu further down
        // the stack (it runs the callback locally: it is not waiting for anyone).
        let log = "\
[ 1000.000000] watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [insmod:123]
[ 1000.000100] CPU: 3 PID: 123 Comm: insmod Tainted: G           O  L    5.10.0 #1
[ 1000.000200] pc : my_callback+0x10/0x40 [mymod]
[ 1000.000300] lr : on_each_cpu+0x40/0x70
[ 1000.000500] Call trace:
[ 1000.000600]  my_callback+0x10/0x40 [mymod]
[ 1000.000700]  on_each_cpu+0x40/0x70
[ 1000.000900]  kthread+0x124/0x130
";
        let a = analyze_bytes("spin.log", log.as_bytes(), Options::default());
        assert_eq!(a.reports.len(), 1);
        assert!(!super::util::fired(&a, super::RULE));
    }
}
