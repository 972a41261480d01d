//! `dracut-initqueue-timeout`: dracut's initqueue gave up waiting for the root device
//! (`dracut-initqueue timeout`, `Could not boot`, `/dev/... does not exist`).

use super::{probe_failure, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "dracut-initqueue-timeout";

/// Runs the rule.
pub fn run(cx: &Ctx, prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for boot in util::boots_with_event(a, EventKind::DracutInitqueueTimeout) {
        let ev: Vec<usize> = (0..a.events.len())
            .filter(|&k| {
                let e = &a.events[k];
                e.boot == boot
                    && matches!(
                        e.kind,
                        EventKind::DracutInitqueueTimeout
                            | EventKind::CouldNotBoot
                            | EventKind::DoesNotExist
                    )
            })
            .collect();
        let timeouts: u64 = ev
            .iter()
            .filter(|&&k| a.events[k].kind == EventKind::DracutInitqueueTimeout)
            .map(|&k| a.events[k].details.count())
            .sum();
        let gave_up = ev
            .iter()
            .any(|&k| a.events[k].kind == EventKind::CouldNotBoot);
        let missing: Vec<String> = ev
            .iter()
            .filter(|&&k| a.events[k].kind == EventKind::DoesNotExist)
            .filter_map(|&k| a.events[k].subject.clone())
            .collect();
        let first = &a.events[ev[0]];
        let mut msg = format!(
            "dracut's initqueue timed out waiting for the root device ({timeouts} timeout line(s) from {})",
            util::at_event(first)
        );
        if !missing.is_empty() {
            msg.push_str(&format!("; {} does not exist", util::list(&missing)));
        }
        if gave_up {
            msg.push_str(" and gave up (`Could not boot`)");
        }
        msg.push_str(
            ". The root device never appeared: its storage driver is missing from the initramfs or failed to probe, or root= names a UUID/label/LV that does not exist.",
        );
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        for &k in &ev {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        c.advise(&[
            "Get a shell at the failure: add `rd.shell rd.break=initqueue` (and `rd.debug` for a trace) to the kernel command line; in the shell check `ls /dev/disk/by-uuid/`, `blkid`, `lsmod`, `cat /proc/cmdline` (root=), and read /run/initramfs/rdsosreport.txt.",
            "Check the initramfs holds the storage driver: `lsinitrd /boot/initramfs-$(uname -r).img | grep -e virtio -e nvme -e ahci -e megaraid -e mpt3sas`; if it is missing, rebuild with `dracut -f --add-drivers \"virtio_blk nvme\" /boot/initramfs-KVER.img KVER` (KVER = the failing kernel).",
            "Check root= against the disk: from a rescue system compare `blkid` with the root= / rd.lvm.lv= values in /etc/default/grub and /proc/cmdline.",
        ]);
        c.members.extend(ev.iter().map(|&k| Node::Event(k)));
        // A failing storage driver of the same boot is the reason.
        for p in prior
            .iter()
            .filter(|p| p.finding.rule == probe_failure::RULE)
        {
            if p.members
                .iter()
                .any(|m| matches!(m, Node::Event(k) if a.events[*k].boot == boot))
            {
                c.members.extend(p.members.iter().copied());
            }
        }
        c.weight = 35;
        c.confidence = 0.8;
        c.summary = Some(
            "boot failed in the initramfs: root device never appeared (dracut initqueue timeout)"
                .into(),
        );
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn could_not_boot_alone_is_not_timeout() {
        // Near miss: an unrelated dracut warning without the initqueue timeout.
        let log = "[    3.000000] dracut-pre-udev[200]: Warning: something unrelated\n";
        let a = analyze_bytes("c.log", log.as_bytes(), Options::default());
        assert!(!super::util::fired(&a, super::RULE));
    }
}
