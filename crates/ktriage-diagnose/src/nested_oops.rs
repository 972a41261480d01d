//! `nested-oops`: an oops that starts before the previous oops on the same CPU finished, or
//! inside the die path. The first oops holds `die_lock`; the nested one spins on it forever
//! with interrupts off, so the CPU never reaches panic/kdump and every CPU that waits for it
//! (IPIs, TLB flushes) locks up. The first oops is the root.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// Frames that show a report was raised from inside the die path.
const DIE_PATH: &[&str] = &[
    "notify_die",
    "die",
    "__die",
    "oops_end",
    "oops_begin",
    "atomic_notifier_call_chain",
    "notifier_call_chain",
];

/// The rule id.
pub const RULE: &str = "nested-oops";

fn in_die_path(r: &Report) -> bool {
    r.frames
        .iter()
        .any(|f| DIE_PATH.contains(&f.function.as_str()))
}

/// (first, nested) report index pairs.
pub fn pairs(a: &Analysis) -> Vec<(usize, usize, Vec<usize>)> {
    let mut out = Vec::new();
    let rs = &a.reports;
    // Die-notifier lines are rare: collect them once.
    let all_dies: Vec<usize> = a
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EventKind::DieEvent)
        .map(|(k, _)| k)
        .collect();
    for j in 1..rs.len() {
        let b = &rs[j];
        if !util::is_oops_kind(b.kind) || !util::went_through_die(b) {
            continue;
        }
        // The closest earlier oops in the same source; it holds die_lock only if it went
        // through die().
        let Some(i) = (0..j)
            .rev()
            .find(|&i| rs[i].source.path == b.source.path && util::is_oops_kind(rs[i].kind))
            .filter(|&i| util::went_through_die(&rs[i]))
        else {
            continue;
        };
        let a0 = &rs[i];
        if a0.boot != b.boot || (a0.cpu.is_some() && b.cpu.is_some() && a0.cpu != b.cpu) {
            continue;
        }
        let close = match (util::uptime(&a0.time), util::uptime(&b.time)) {
            (Some(x), Some(y)) => (0.0..2.0).contains(&(y - x)),
            _ => b.source.first_line <= a0.source.last_line + 5,
        };
        let die_events: Vec<usize> = all_dies
            .iter()
            .map(|&k| (k, &a.events[k]))
            .filter(|(_, e)| {
                e.source.path == b.source.path
                    && e.source.line >= a0.source.first_line
                    && e.source.line <= b.source.first_line
            })
            .map(|(k, _)| k)
            .collect();
        let unfinished = !a0.ended;
        let nested = close
            && ((unfinished && b.source.first_line <= a0.source.last_line + 5)
                || !die_events.is_empty()
                || in_die_path(b));
        if nested {
            out.push((i, j, die_events));
        }
    }
    out
}

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for (i, j, dies) in cx.nested_pairs.iter().cloned() {
        let first = &a.reports[i];
        let second = &a.reports[j];
        let cpu = first.cpu.or(second.cpu);
        let t0 = util::uptime(&first.time);
        // Everything that stalls afterwards in this boot on other CPUs waits for this CPU.
        // Reports are in order of appearance, grouped per source: scan forward within it.
        let victims: Vec<usize> = a
            .reports
            .iter()
            .enumerate()
            .skip(j + 1)
            .take_while(|(_, r)| r.source.path == first.source.path && r.boot == first.boot)
            .filter(|(_, r)| {
                r.boot == first.boot
                    && r.source.path == first.source.path
                    && (util::is_stall_kind(r.kind) || r.kind == ReportKind::NmiBacktrace)
                    && (r.cpu.is_none() || r.cpu != cpu)
                    && match (t0, util::uptime(&r.time)) {
                        (Some(x), Some(y)) => y >= x,
                        _ => true,
                    }
            })
            .map(|(k, _)| k)
            .collect();
        let cpu_s = cpu.map_or("the same CPU".to_string(), |c| format!("CPU {c}"));
        let first_where = util::where_ip(first).unwrap_or_else(|| "an unknown function".into());
        let mut msg = format!(
            "{cpu_s} oopsed in {first_where} ({}, {}) and, before that oops finished (no `---[ end trace` line), a second oops ({}, {}{}) began on the same CPU",
            first.id,
            util::at_report(first),
            second.id,
            util::at_report(second),
            second
                .fault_address
                .as_ref()
                .map(|f| format!(", address {f}"))
                .unwrap_or_default(),
        );
        if !dies.is_empty() {
            msg.push_str(" inside the die path (`die event detected`: a die notifier was running)");
        }
        msg.push_str(
            ". die() takes die_lock with interrupts off and then calls the die notifier chain; the nested oops calls die() again and spins on die_lock forever. \
             The CPU never reaches panic or crash_kexec, so kdump does not run and the machine does not reboot, and every other CPU that sends it an IPI and waits locks up",
        );
        if !victims.is_empty() {
            let cpus: Vec<String> = victims
                .iter()
                .filter_map(|&k| a.reports[k].cpu.map(|c| c.to_string()))
                .collect();
            msg.push_str(&format!(
                ": {} later lockup report(s) on CPU {}",
                victims.len(),
                util::list(&cpus)
            ));
        }
        msg.push('.');
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report(first));
        if !first.ended {
            c.finding
                .evidence
                .push(util::ev_report_line(first, |t| t.starts_with("Code:")));
        }
        for &d in &dies {
            c.finding.evidence.push(util::ev_event(&a.events[d]));
        }
        c.finding.evidence.push(util::ev_report(second));
        for &k in victims.iter().take(3) {
            c.finding.evidence.push(util::ev_report(&a.reports[k]));
        }
        let module = first.ip.as_ref().and_then(|ip| ip.module.clone());
        c.finding.advice.push(match &module {
            Some(m) => format!(
                "Find the die notifier that faulted: a module hooked into the die path (register_die_notifier: crash-box, kbox, vendor RAS or tracing modules) oopsed while handling the first oops. The first oops is in module {m}; check `grep -l register_die_notifier` in the sources of the out-of-tree modules loaded (see Modules linked in / taint) and fix or unload the faulty one (`rmmod MODULE`)."
            ),
            None => "Find the die notifier that faulted: a module hooked into the die path (register_die_notifier: crash-box, kbox, vendor RAS or tracing modules) oopsed while handling the first oops; fix or unload it (`rmmod MODULE`).".to_string(),
        });
        c.advise(&[
            "With the die path clean, make oopses fatal so kdump captures the first one: `sysctl -w kernel.panic_on_oops=1` (boot parameter `oops=panic`), and check `kdumpctl status`.",
            "Until the notifier is fixed, let another CPU break the deadlock: `sysctl -w kernel.softlockup_panic=1` makes the first soft lockup panic, so kdump still captures a vmcore (`crash vmlinux vmcore`, then `bt -a` and `log`).",
        ]);
        c.members.push(Node::Report(i));
        c.members.push(Node::Report(j));
        c.members.extend(dies.iter().map(|&d| Node::Event(d)));
        c.members.extend(victims.iter().map(|&k| Node::Report(k)));
        c.root = Some((i, 100));
        c.summary = Some(format!(
            "{cpu_s} deadlocked on die_lock: a second oops inside the die path of the first ({first_where}){}",
            if victims.is_empty() {
                String::new()
            } else {
                format!("; {} other CPU(s) then locked up waiting for it", victims.len())
            }
        ));
        c.weight = 100;
        c.confidence = if dies.is_empty() { 0.75 } else { 0.9 };
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    const NESTED: &str = "\
[  254.202183] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000
[  254.250838] Internal error: Oops: 96000044 [#1] SMP
[  254.255785] CPU: 0 PID: 58147 Comm: gen_seri_oops/0 Kdump: loaded Tainted: G           OE
[  254.278851] pc : gen_seri_oops+0x28/0x38 [kpgen_kbox]
[  254.283971] lr : gen_seri_oops+0x1c/0x38 [kpgen_kbox]
[  254.391639] Call trace:
[  254.397760]  gen_seri_oops+0x28/0x38 [kpgen_kbox]
[  254.406069]  kthread+0x108/0x138
[  254.412721]  ret_from_fork+0x10/0x18
[  254.419733] Code: 95c66ac7 d2800001 52800c22 52800000 (39000022)
[  254.429390] die event detected
[  254.436533] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008
[  254.448966] Mem abort info:
";

    #[test]
    fn fires_on_oops_inside_die_path() {
        let a = analyze_bytes("nested.log", NESTED.as_bytes(), Options::default());
        let inc = a
            .incidents
            .iter()
            .find(|i| i.findings.iter().any(|f| f.rule == super::RULE))
            .expect("nested-oops finding");
        assert_eq!(inc.root.as_deref(), Some(a.reports[0].id.as_str()));
        let f = inc.findings.iter().find(|f| f.rule == super::RULE).unwrap();
        assert!(f.message.contains("die_lock"));
        assert!(f.advice.iter().any(|s| s.contains("die notifier")));
    }

    #[test]
    fn two_finished_oopses_are_not_nested() {
        // Near miss: two oopses on the same CPU, the first closed by its end-trace line and
        // far apart in time: a second, separate crash, not a nested one.
        let log = "\
[  100.000000] BUG: unable to handle kernel NULL pointer dereference at 0000000000000010
[  100.000100] Oops: 0000 [#1] SMP
[  100.000200] CPU: 1 PID: 10 Comm: a Not tainted 5.4.0 #1
[  100.000300] RIP: 0010:foo+0x10/0x20
[  100.000400] Call Trace:
[  100.000500]  bar+0x1/0x2
[  100.000600] ---[ end trace 0123456789abcdef ]---
[  300.000000] BUG: unable to handle kernel NULL pointer dereference at 0000000000000018
[  300.000100] Oops: 0000 [#2] SMP
[  300.000200] CPU: 1 PID: 11 Comm: b Not tainted 5.4.0 #1
[  300.000300] RIP: 0010:foo+0x14/0x20
[  300.000600] ---[ end trace 0123456789abcdf0 ]---
";
        let a = analyze_bytes("two.log", log.as_bytes(), Options::default());
        assert_eq!(
            a.reports.len(),
            2,
            "{:?}",
            a.reports.iter().map(|r| &r.title).collect::<Vec<_>>()
        );
        assert!(!super::util::fired(&a, super::RULE));
    }

    #[test]
    fn detector_bugs_do_not_take_die_lock() {
        // Near miss (abrt/satyr tests/kerneloopses/rhbz-836206, GPL-2.0-or-later): a might_sleep
        // BUG then `scheduling while atomic` in the same task, the first without an end line.
        // Neither goes through die(), so nothing holds die_lock.
        let log = "\
[  120.825464] BUG: sleeping function called from invalid context at mm/memory.c:3927
[  120.833021] in_atomic(): 1, irqs_disabled(): 0, pid: 1109, name: NetworkManager
[  120.833025] Pid: 1109, comm: NetworkManager Not tainted 3.3.0-0.15.el7.x86_64 #1
[  120.833026] Call Trace:
[  120.833031]  [<ffffffff81099a6c>] __might_sleep+0x13c/0x200
[  120.833041]  [<ffffffff8151ce1f>] put_cmsg+0x6f/0x110
[  120.833075]  [<ffffffff8166bbe9>] system_call_fastpath+0x16/0x1b
[  120.836197] BUG: scheduling while atomic: NetworkManager/1109/0x00000003
[  120.836229] Pid: 1109, comm: NetworkManager Not tainted 3.3.0-0.15.el7.x86_64 #1
[  120.836230] Call Trace:
[  120.836234]  [<ffffffff81656174>] __schedule_bug+0x80/0x85
[  120.836243]  [<ffffffff816600bc>] do_nanosleep+0x9c/0xd0
";
        let a = analyze_bytes("detector.log", log.as_bytes(), Options::default());
        assert_eq!(a.reports.len(), 2);
        assert!(!super::util::fired(&a, super::RULE));
    }
}
