//! `systemd-start-job-stuck`: a systemd start job (typically a `.device` unit: a disk named by
//! UUID) that keeps running and does not finish. Linked to a storage driver's probe failure
//! of the same machine when there is one: that is why the device never appears.

use super::{probe_failure, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "systemd-start-job-stuck";

/// A job seen running this long (or up to its limit) counts as stuck.
const STUCK_SECONDS: u64 = 20;

/// Unit names as printed are middle-truncated (`dev-disk...33403b7c.device`): two names are
/// the same unit when their visible head and tail agree.
pub fn same_unit(x: &str, y: &str) -> bool {
    if x == y {
        return true;
    }
    let parts = |s: &str| -> (String, String) {
        match s.split_once("...") {
            Some((h, t)) => (h.to_string(), t.to_string()),
            None => (s.to_string(), s.to_string()),
        }
    };
    let (hx, tx) = parts(x);
    let (hy, ty) = parts(y);
    let head = hx.starts_with(&hy) || hy.starts_with(&hx);
    let tail = tx.ends_with(&ty) || ty.ends_with(&tx);
    head && tail
}

/// Runs the rule.
pub fn run(cx: &Ctx, prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    // Group job events by (boot, unit).
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, e) in a.events.iter().enumerate() {
        if e.kind != EventKind::StartJobRunning {
            continue;
        }
        let unit = e.subject.clone().unwrap_or_default();
        match groups.iter_mut().find(|g| {
            let f = &a.events[g[0]];
            f.boot == e.boot && same_unit(f.subject.as_deref().unwrap_or(""), &unit)
        }) {
            Some(g) => g.push(k),
            None => groups.push(vec![k]),
        }
    }
    let mut out = Vec::new();
    for g in groups {
        let last = &a.events[*g.last().unwrap_or(&g[0])];
        let first = &a.events[g[0]];
        let elapsed = g
            .iter()
            .filter_map(|&k| {
                let d = &a.events[k].details;
                d.last_elapsed_seconds.or(d.elapsed_seconds)
            })
            .max()
            .unwrap_or(0);
        let limit = first.details.limit_seconds;
        let unit = first.subject.clone().unwrap_or_default();
        let timeouts: Vec<usize> = (0..a.events.len())
            .filter(|&k| {
                let e = &a.events[k];
                e.kind == EventKind::DeviceTimeout
                    && e.boot == first.boot
                    && e.subject.as_deref().is_some_and(|s| {
                        same_unit(s, &unit) || unit.contains(s) || s.contains(&unit)
                    })
            })
            .collect();
        let stuck =
            elapsed >= STUCK_SECONDS || limit.is_some_and(|l| elapsed >= l) || !timeouts.is_empty();
        if !stuck {
            continue;
        }
        let repeats: u64 = g.iter().map(|&k| a.events[k].details.count()).sum();
        let device = unit.ends_with(".device");
        let mut msg = format!(
            "systemd waited {elapsed} s{} for {unit} ({} progress lines from {}){}",
            limit
                .map(|l| format!(" of its {l} s limit"))
                .unwrap_or_default(),
            repeats,
            util::at_event(first),
            if timeouts.is_empty() {
                ", and the log ends while it still waits".to_string()
            } else {
                format!(
                    " and timed out ({})",
                    util::at_event(&a.events[timeouts[0]])
                )
            }
        );
        if device {
            msg.push_str(": a device unit waits for a block device to appear (udev creates it when the driver finds the disk), so the disk never appeared.");
        } else {
            msg.push('.');
        }
        // The storage driver's probe failure of this machine explains it.
        let cause = prior.iter().find(|c| {
            c.finding.rule == probe_failure::RULE
                && c.members.iter().any(|m| match m {
                    Node::Event(k) => {
                        let e = &a.events[*k];
                        util::boots_compatible(a, e.boot, first.boot)
                            && e.details
                                .driver
                                .as_deref()
                                .is_some_and(probe_failure::is_storage)
                    }
                    _ => false,
                })
        });
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        if let Some(cause) = cause {
            let storage_ev = cause.members.iter().find(|m| match m {
                Node::Event(k) => a.events[*k]
                    .details
                    .driver
                    .as_deref()
                    .is_some_and(probe_failure::is_storage),
                _ => false,
            });
            if let Some(Node::Event(k)) = storage_ev {
                let e = &a.events[*k];
                c.finding.message.push_str(&format!(
                    " The disk's driver failed to probe ({}: {}), which is why.",
                    util::at_event(e),
                    e.text
                ));
            }
            c.members.extend(cause.members.iter().copied());
        }
        c.finding.evidence.push(util::ev_event(first));
        if last.source.line != first.source.line {
            c.finding.evidence.push(util::ev_event(last));
        }
        for &k in &timeouts {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        c.advise(&[
            "Get a shell while it waits: add `rd.break=initqueue` (or `rd.shell`) to the kernel command line (for the kdump capture kernel: to KDUMP_COMMANDLINE_APPEND in /etc/sysconfig/kdump), then check `ls -l /dev/disk/by-uuid/`, `lsblk`, and `dmesg | grep -i -e 'probe of' -e 'error -'`.",
            "Check the initramfs carries the disk's driver: `lsinitrd /boot/initramfs-$(uname -r).img | grep -e virtio -e nvme -e ahci -e megaraid` (kdump: `lsinitrd /boot/initramfs-$(uname -r)kdump.img`).",
        ]);
        c.members.extend(g.iter().map(|&k| Node::Event(k)));
        c.members.extend(timeouts.iter().map(|&k| Node::Event(k)));
        c.weight = 30;
        c.confidence = 0.7;
        c.summary = Some(format!("boot stuck waiting for {unit} ({elapsed} s)"));
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn truncated_unit_names_match() {
        assert!(same_unit(
            "dev-disk...233403b7c.device",
            "dev-disk...33403b7c.device"
        ));
        assert!(!same_unit("dev-sda1.device", "dev-sdb1.device"));
    }

    #[test]
    fn short_job_is_not_stuck() {
        // Near miss: a start job that shows for 3 s and then completes.
        let log = "\
[*     ] A start job is running for dev-sda1.device (2s / 1min 30s)
[**    ] A start job is running for dev-sda1.device (3s / 1min 30s)
[  OK  ] Found device /dev/sda1.
";
        let a = analyze_bytes("c.log", log.as_bytes(), Options::default());
        assert!(!util::fired(&a, RULE));
    }
}
