//! `rcu-stall-blocks-tasks`: hung tasks blocked in `synchronize_rcu()` (or its expedited,
//! `wait_rcu_gp` and `rcu_barrier` forms) while an RCU stall is reported in the same boot.
//! A grace period ends only when every CPU passes a quiescent state; the stalled CPU holds it
//! open, so every task waiting for it sleeps in D state until the hung-task detector names
//! it. The stall is the cause, the hung tasks are its consequence.

use super::{util, Claim, Ctx, Node};
use crate::model::frames::{frame_is, FrameRole};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "rcu-stall-blocks-tasks";

/// How far (seconds) a hung-task report may be from the stall: the detector names a task
/// `hung_task_timeout_secs` (120 s by default) after it blocked, the stall is printed
/// `rcu_cpu_stall_timeout` (21-60 s) after the grace period began, and either may repeat.
const WINDOW_SECONDS: f64 = 900.0;

/// The frame a task waits for the grace period in.
fn gp_wait(r: &Report) -> Option<&Frame> {
    r.frames
        .iter()
        .find(|f| frame_is(&f.function, FrameRole::RcuGpWaiter))
}

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    // The hung tasks waiting for a grace period, once (a storm of stalls stays linear).
    let candidates: Vec<usize> = a
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == ReportKind::HungTask && gp_wait(r).is_some())
        .map(|(k, _)| k)
        .collect();
    let mut taken = vec![false; a.reports.len()];
    for (i, stall) in a.reports.iter().enumerate() {
        if stall.kind != ReportKind::RcuStall || candidates.is_empty() {
            continue;
        }
        let t0 = cx.clock.epoch_of(&stall.time).or(util::uptime(&stall.time));
        let waiters: Vec<usize> = candidates
            .iter()
            .map(|&k| (k, &a.reports[k]))
            .filter(|&(k, r)| {
                !taken[k] && r.boot == stall.boot && {
                    let t = cx.clock.epoch_of(&r.time).or(util::uptime(&r.time));
                    match (t0, t) {
                        (Some(x), Some(y)) => (y - x).abs() <= WINDOW_SECONDS,
                        _ => r.source.path == stall.source.path,
                    }
                }
            })
            .map(|(k, _)| k)
            .collect();
        if waiters.is_empty() {
            continue;
        }
        for &k in &waiters {
            taken[k] = true;
        }
        let named: Vec<String> = waiters
            .iter()
            .take(4)
            .map(|&k| {
                let r = &a.reports[k];
                let f = gp_wait(r).map_or("", |f| f.function.as_str());
                format!("{} in {f} ({}, {})", util::who(r), r.id, util::at_report(r))
            })
            .collect();
        let more = waiters.len().saturating_sub(4);
        let stalled = stall
            .decoded
            .rcu_stall
            .as_ref()
            .map(|s| {
                s.stalled_cpus
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
            })
            .filter(|c| !c.is_empty())
            .map(|c| format!(" on CPU {}", util::list(&c)))
            .unwrap_or_default();
        let msg = format!(
            "{} hung task(s) wait for an RCU grace period: {}{}. The RCU stall{stalled} ({}, {}) holds that grace period open: it ends only when every CPU passes a quiescent state, so the stall is the cause and the hung tasks its consequence.",
            waiters.len(),
            named.join("; "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            stall.id,
            util::at_report(stall),
        );
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report(stall));
        for &k in waiters.iter().take(4) {
            let r = &a.reports[k];
            c.finding.evidence.push(util::ev_report(r));
            c.finding.evidence.push(util::ev_report_line(r, |t| {
                t.contains("synchronize_") || t.contains("wait_rcu_") || t.contains("rcu_barrier")
            }));
        }
        c.advise(&[
            "Debug the stall, not the hung tasks: the stalled CPU's stack in the stall report (or `echo l > /proc/sysrq-trigger` while it lasts) shows what keeps it from a quiescent state; the hung tasks will clear when it does.",
        ]);
        c.members.push(Node::Report(i));
        c.members.extend(waiters.iter().map(|&k| Node::Report(k)));
        c.root = Some((i, 60));
        c.summary = Some(format!(
            "{}{stalled}: {} task(s) hung waiting for the grace period",
            stall.display_title,
            waiters.len()
        ));
        c.weight = 60;
        c.confidence = 0.8;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    /// gh-bcachefs-rcustall-x86_64-1 (koverstreet/bcachefs#98; two excerpts of one paste).
    const STALL_AND_WAITER: &str = "\
Apr 04 19:35:44 bismuth kernel: rcu: INFO: rcu_sched detected expedited stalls on CPUs/tasks: { 0-... } 15467 jiffies s: 29801 root: 0x1/.
Apr 04 19:35:44 bismuth kernel: rcu: blocking rcu_node structures:
Apr 04 19:35:44 bismuth kernel: Task dump for CPU 0:
Apr 04 19:35:44 bismuth kernel: bch_rebalance   R    0   353      2 0x80004008
Apr 04 19:36:20 bismuth kernel: INFO: task kworker/3:0:23628 blocked for more than 122 seconds.
Apr 04 19:36:20 bismuth kernel:       Not tainted 5.3.0 #1-NixOS
Apr 04 19:36:20 bismuth kernel: kworker/3:0     D    0 23628      2 0x80004080
Apr 04 19:36:20 bismuth kernel: Call Trace:
Apr 04 19:36:20 bismuth kernel:  ? __schedule+0x57c/0xc20
Apr 04 19:36:20 bismuth kernel:  schedule+0x2f/0xa0
Apr 04 19:36:20 bismuth kernel:  synchronize_rcu_expedited+0x2eb/0x540
Apr 04 19:36:20 bismuth kernel:  ieee80211_restart_work+0xb3/0xe0 [mac80211]
";

    #[test]
    fn hung_task_in_synchronize_rcu_joins_the_stall() {
        let a = analyze_bytes("rcu.log", STALL_AND_WAITER.as_bytes(), Options::default());
        let f = crate::util::finding(&a, super::RULE).expect("rcu-stall-blocks-tasks");
        assert!(
            f.message.contains("synchronize_rcu_expedited"),
            "{}",
            f.message
        );
        let inc = a
            .incidents
            .iter()
            .find(|i| i.findings.iter().any(|f| f.rule == super::RULE))
            .unwrap();
        let stall = a
            .reports
            .iter()
            .find(|r| r.kind == crate::model::ReportKind::RcuStall)
            .unwrap();
        assert_eq!(inc.root.as_deref(), Some(stall.id.as_str()));
        assert_eq!(inc.reports.len(), 2);
    }

    #[test]
    fn hung_task_elsewhere_is_not_linked() {
        // Near miss: the same hung task without a stall in the log, and the stall with a
        // hung task that waits for I/O, not for RCU.
        let lone = STALL_AND_WAITER
            .lines()
            .skip(4)
            .collect::<Vec<_>>()
            .join("\n");
        let a = analyze_bytes("hung.log", lone.as_bytes(), Options::default());
        assert!(!crate::util::fired(&a, super::RULE));
        let io = STALL_AND_WAITER.replace("synchronize_rcu_expedited", "io_schedule");
        let a = analyze_bytes("io.log", io.as_bytes(), Options::default());
        assert!(!crate::util::fired(&a, super::RULE));
    }
}
