//! `lock-holder-left-atomic`: a CPU spins on a spinlock (soft or hard lockup, RCU stall with
//! the CPU in a spin-lock slow path) after a task of the same boot hit `BUG: scheduling while
//! atomic`. A task that schedules, or exits, with a raised preempt count most often still
//! holds a spinlock it took and never released (an error path that returns without the
//! unlock): every later taker of that lock spins forever. The log cannot prove it is the same
//! lock, so the finding says "probably" and points at the holder.

use super::{util, Claim, Ctx, Node};
use crate::model::frames::{frame_is, FrameRole};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "lock-holder-left-atomic";

/// The spinning report waits on a spinlock: its IP or one of its first frames is a spinlock
/// primitive.
fn spins_on_lock(r: &Report) -> bool {
    r.ip.as_ref()
        .is_some_and(|ip| frame_is(&ip.function, FrameRole::LockPrimitive))
        || r.frames
            .iter()
            .take(4)
            .any(|f| frame_is(&f.function, FrameRole::LockPrimitive))
}

/// Runs the rule.
pub fn run(cx: &Ctx, prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    // (holder, spinners), in log order.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, r) in a.reports.iter().enumerate() {
        if !matches!(
            r.kind,
            ReportKind::SoftLockup | ReportKind::HardLockup | ReportKind::RcuStall
        ) || !spins_on_lock(r)
            || Ctx::claimed(prior, Node::Report(i))
        {
            continue;
        }
        // The closest earlier `scheduling while atomic` of the same boot.
        let Some(h) = (0..i)
            .rev()
            .take_while(|&k| a.reports[k].boot == r.boot)
            .find(|&k| {
                let b = &a.reports[k];
                b.kind == ReportKind::Bug && b.headline.contains("scheduling while atomic")
            })
        else {
            continue;
        };
        match groups.iter_mut().find(|(g, _)| *g == h) {
            Some((_, spinners)) => spinners.push(i),
            None => groups.push((h, vec![i])),
        }
    }
    let mut out = Vec::new();
    for (h, spinners) in groups {
        let holder = &a.reports[h];
        let r = &a.reports[spinners[0]];
        let spinner = util::where_ip(r).map_or(String::new(), |w| format!(" at {w}"));
        let later = if spinners.len() > 1 {
            format!(
                " and {} later report(s) of the same wait",
                spinners.len() - 1
            )
        } else {
            String::new()
        };
        let msg = format!(
            "{} spins on a spinlock{spinner} ({}, {}{later}) after {} left atomic context with it still raised (`{}`, {}, {}): a task that schedules or exits with a raised preempt count most often still holds a spinlock it never released, and every later taker of that lock spins. Probably the same lock; the log does not name it.",
            util::who(r),
            r.id,
            util::at_report(r),
            util::who(holder),
            holder.headline,
            holder.id,
            util::at_report(holder),
        );
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report(holder));
        c.finding.evidence.extend(
            spinners
                .iter()
                .take(3)
                .map(|&k| util::ev_report(&a.reports[k])),
        );
        c.advise(&[
            "Find the missing unlock in the holder's path: its trace in the `scheduling while atomic` report ends where it left atomic context; look for an error return between spin_lock() and spin_unlock() in the code it ran just before (the module named in its trace).",
            "Confirm it is the same lock with lockdep (`CONFIG_PROVE_LOCKING=y`): it reports `lock held when returning to user space` / the held-lock list of the holder at the moment it happens.",
        ]);
        c.members.push(Node::Report(h));
        c.members.extend(spinners.iter().map(|&k| Node::Report(k)));
        c.root = Some((h, 55));
        c.summary = Some(format!(
            "{} left atomic context, probably holding the spinlock {} spins on",
            util::who(holder),
            util::who(r)
        ));
        c.weight = 55;
        c.confidence = 0.6;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    /// Lab log SPINLOCKUP-amd64 (lkdtm SPINLOCKUP twice: the first call returns to user space
    /// with the spinlock held; the second spins on it), cut to the reports.
    const SPINLOCKUP: &str = "\
[    2.251837] BUG: scheduling while atomic: sh/115/0x00000002
[    2.252147] Modules linked in: lkdtm(OE) qemu_fw_cfg
[    2.252766] CPU: 0 PID: 115 Comm: sh Tainted: G           OE      6.1.0-57-amd64 #1  Debian 6.1.192-3
[    2.253528] Call Trace:
[    2.253529]  <TASK>
[    2.253529]  dump_stack_lvl+0x44/0x5c
[    2.253529]  __schedule_bug.cold+0x42/0x4e
[    2.253529]  __schedule+0x804/0xa00
[    2.253529]  do_task_dead+0x3f/0x50
[    2.253529]  do_exit+0x811/0xb10
[    2.253529]  </TASK>
[    3.283403] lkdtm: Performing direct entry SPINLOCKUP
[   24.269068] rcu: INFO: rcu_preempt self-detected stall on CPU
[   24.269068] rcu: \t1-....: (4907 ticks this GP) idle=3d8c/1/0x4000000000000000 softirq=150/150 fqs=2401
[   24.269068] \t(t=5250 jiffies g=-863 q=28 ncpus=2)
[   24.269068] CPU: 1 PID: 117 Comm: sh Tainted: G        W  OE      6.1.0-57-amd64 #1  Debian 6.1.192-3
[   24.269068] RIP: 0010:native_queued_spin_lock_slowpath+0x30/0x2a0
[   24.269068] Call Trace:
[   24.269068]  <TASK>
[   24.269068]  _raw_spin_lock+0x25/0x30
[   24.272963]  direct_entry.cold+0x18/0x24 [lkdtm]
";

    #[test]
    fn spinner_is_linked_to_the_task_that_left_atomic_context() {
        let a = analyze_bytes("spin.log", SPINLOCKUP.as_bytes(), Options::default());
        let f = crate::util::finding(&a, super::RULE).expect("lock-holder-left-atomic");
        assert!(f.message.contains("sh[115]"), "{}", f.message);
        let inc = a
            .incidents
            .iter()
            .find(|i| i.findings.iter().any(|f| f.rule == super::RULE))
            .unwrap();
        assert_eq!(inc.root.as_deref(), Some(a.reports[0].id.as_str()));
    }

    #[test]
    fn stall_not_on_a_lock_is_not_linked() {
        // Near miss: the same log with the stalled CPU in ordinary code (lab SOFTLOCKUP's
        // `lkdtm_SOFTLOCKUP` loop) is not blamed on the task.
        let log = SPINLOCKUP
            .replace(
                "native_queued_spin_lock_slowpath+0x30/0x2a0",
                "lkdtm_SOFTLOCKUP+0x1c/0x30 [lkdtm]",
            )
            .replace(
                "_raw_spin_lock+0x25/0x30",
                "lkdtm_do_action+0x1a/0x30 [lkdtm]",
            );
        let a = analyze_bytes("loop.log", log.as_bytes(), Options::default());
        assert!(!crate::util::fired(&a, super::RULE));
    }
}
