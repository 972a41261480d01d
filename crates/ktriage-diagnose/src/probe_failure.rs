//! `probe-failure` and `irq-vector-exhaustion`: drivers that failed to probe, and the case
//! where the failures are `-ENOSPC` from interrupt allocation (x86 runs out of interrupt
//! vectors on the CPUs it may use, typically a kdump capture kernel booted with `nr_cpus=1`).
//! Weighed against `/proc/interrupts` copies: how many lines each CPU carries against the
//! x86 per-CPU budget.

use super::{util, Claim, Ctx, Node};
use crate::knowledge::X86_VECTORS_PER_CPU_USABLE;
use crate::model::*;

/// Rule id of probe failures.
pub const RULE: &str = "probe-failure";
/// Rule id of vector exhaustion.
pub const RULE_IRQ: &str = "irq-vector-exhaustion";

/// Drivers whose failure leaves the machine without its disk.
pub const STORAGE_DRIVERS: &[&str] = &[
    "virtio_blk",
    "virtio_scsi",
    "nvme",
    "ahci",
    "megaraid_sas",
    "mpt3sas",
    "mpt2sas",
    "hpsa",
    "smartpqi",
    "xen_blkfront",
    "ata_piix",
    "vmw_pvscsi",
    "hv_storvsc",
    "sd",
    "sdhci",
    "mmc",
    "aacraid",
    "isci",
    "qla2xxx",
    "lpfc",
    "be2iscsi",
    "pm80xx",
    "hisi_sas",
    "mptsas",
];

/// `-EPROBE_DEFER`: not a failure.
const EPROBE_DEFER: i32 = -517;
/// `-ENOSPC`.
const ENOSPC: i32 = -28;

fn driver_of(e: &Event) -> String {
    e.details
        .driver
        .clone()
        .or_else(|| {
            e.subject
                .as_ref()
                .map(|s| s.split_whitespace().next().unwrap_or(s).to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// True when a driver is a storage driver.
pub fn is_storage(driver: &str) -> bool {
    STORAGE_DRIVERS.contains(&driver)
}

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    let mut boots: Vec<usize> = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ProbeFailure)
        .map(|e| e.boot)
        .collect();
    boots.sort_unstable();
    boots.dedup();
    for boot in boots {
        let probes: Vec<usize> = (0..a.events.len())
            .filter(|&k| {
                let e = &a.events[k];
                e.kind == EventKind::ProbeFailure
                    && e.boot == boot
                    && e.errno.as_ref().is_none_or(|er| er.code != EPROBE_DEFER)
            })
            .collect();
        if probes.is_empty() {
            continue;
        }
        let enospc = |k: &usize| {
            a.events[*k]
                .errno
                .as_ref()
                .is_some_and(|er| er.code == ENOSPC)
        };
        let irq_fails: Vec<usize> = (0..a.events.len())
            .filter(|&k| {
                let e = &a.events[k];
                e.boot == boot
                    && (e.kind == EventKind::IrqRequestFailure
                        || (e.kind == EventKind::DriverError && enospc(&k)))
            })
            .collect();
        let mut lines = Vec::new();
        let mut drivers: Vec<String> = Vec::new();
        for &k in &probes {
            let e = &a.events[k];
            let d = driver_of(e);
            let dev = e.details.device.clone().unwrap_or_default();
            let code = e
                .errno
                .as_ref()
                .map(|er| format!("{} {} ({})", er.code, er.name, er.meaning))
                .unwrap_or_else(|| "an error".into());
            lines.push(format!("{d}: probe of {dev} failed with {code}"));
            if !drivers.contains(&d) {
                drivers.push(d);
            }
        }
        let storage: Vec<&String> = drivers.iter().filter(|d| is_storage(d)).collect();
        let mut msg = format!(
            "{} ({}).",
            lines.join("; "),
            util::at_event(&a.events[probes[0]])
        );
        if !storage.is_empty() {
            msg.push_str(&format!(
                " {} is a storage driver: without it the disk behind it never appears, so anything waiting for that disk (root mount, kdump's dump target) waits until it times out.",
                util::list(&storage)
            ));
        }
        let any_enospc = probes.iter().any(enospc);
        let members: Vec<Node> = probes
            .iter()
            .chain(irq_fails.iter())
            .map(|&k| Node::Event(k))
            .collect();
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        for &k in &probes {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        if !any_enospc {
            c.finding.advice.push(format!(
                "Read the driver's lines just before the failure: `dmesg | grep -e {}`; the errno says what it lacked.",
                drivers.join(" -e ")
            ));
        } else {
            c.finding.advice.push(
                "ENOSPC (-28) from a probe is almost always interrupt allocation (request_irq / MSI-X vector setup), not disk space: see the irq-vector-exhaustion finding."
                    .to_string(),
            );
        }
        c.members = members.clone();
        c.weight = 40;
        c.confidence = 0.8;
        if !storage.is_empty() {
            c.summary = Some(format!(
                "{} probe failed{}: the disk never appeared",
                util::list(&storage),
                if any_enospc { " with ENOSPC" } else { "" }
            ));
        }
        out.push(c);

        if !probes.iter().any(enospc) {
            continue;
        }
        // Vector exhaustion: ENOSPC probes, weighed against interrupt tables and the CPU count.
        let cmd_nr_cpus = a
            .events
            .iter()
            .filter(|e| e.kind == EventKind::CommandLine && util::boots_compatible(a, e.boot, boot))
            .find_map(|e| e.details.nr_cpus.clone());
        let capture = a.boots.get(boot).is_some_and(|b| b.capture_kernel)
            || a.events.iter().any(|e| {
                e.kind == EventKind::CommandLine
                    && e.boot == boot
                    && e.details.capture_kernel == Some(true)
            });
        let budget = X86_VECTORS_PER_CPU_USABLE;
        let mut table_facts = Vec::new();
        let mut table_ev = Vec::new();
        let mut pressure = false;
        for t in &a.interrupt_tables {
            let p = t.vector_pressure();
            let Some(&(cpu, n)) = p.first() else { continue };
            let pct = n * 100 / budget;
            if t.cpus == 1 {
                table_facts.push(format!(
                    "{} shows a single CPU carrying all {} numbered interrupt lines: {n} of about {budget} device vectors ({pct}%) before the failing drivers asked for theirs (MSI-X asks one vector per queue, managed interrupts reserve theirs up front)",
                    util::short(&t.source.path),
                    t.irq_lines
                ));
                pressure = pressure || pct >= 50;
            } else {
                table_facts.push(format!(
                    "{} shows {} CPUs; the busiest (CPU {cpu}) carries {n} lines of about {budget} ({pct}%)",
                    util::short(&t.source.path),
                    t.cpus
                ));
                pressure = pressure || pct >= 80;
            }
            table_ev.push(Evidence {
                path: t.source.path.clone(),
                line: t.source.line,
                text: format!(
                    "{} CPU column(s), {} numbered interrupt lines",
                    t.cpus, t.irq_lines
                ),
            });
        }
        let failed: Vec<String> = probes
            .iter()
            .filter(|k| enospc(k))
            .map(|&k| driver_of(&a.events[k]))
            .collect();
        let mut msg = format!(
            "{} failed with -28 ENOSPC: on x86 that is the interrupt vector allocator finding no free vector on the CPUs the interrupt may use (each CPU has about {budget} device vectors)",
            util::list(&failed)
        );
        if let Some(&k) = irq_fails
            .iter()
            .find(|&&k| a.events[k].kind == EventKind::IrqRequestFailure)
        {
            msg.push_str(&format!(
                "; the interrupt request itself failed first (`{}`, {})",
                a.events[k].text,
                util::at_event(&a.events[k])
            ));
        }
        msg.push('.');
        if !table_facts.is_empty() {
            msg.push(' ');
            msg.push_str(&table_facts.join("; "));
            msg.push('.');
        }
        let one_cpu =
            a.interrupt_tables.iter().any(|t| t.cpus == 1) || cmd_nr_cpus.as_deref() == Some("1");
        if one_cpu {
            msg.push_str(
                " With one CPU every device's vectors land on it; a kdump capture kernel booted with nr_cpus=1 (the default KDUMP_COMMANDLINE_APPEND on RHEL-like systems) on a machine with many PCIe ports and queues runs out.",
            );
        }
        if capture {
            msg.push_str(" This boot is a kdump capture kernel.");
        }
        let mut c = Claim::new(RULE_IRQ, Severity::Critical, msg);
        for &k in irq_fails.iter().take(2) {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        for &k in probes.iter().filter(|k| enospc(k)) {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        c.finding.evidence.extend(table_ev);
        let storage_s = if storage.is_empty() {
            failed.first().cloned().unwrap_or_default()
        } else {
            storage[0].clone()
        };
        c.finding.advice.push(format!(
            "Boot the capture kernel with more CPUs so vectors spread: in /etc/sysconfig/kdump change `nr_cpus=1` in KDUMP_COMMANDLINE_APPEND to `nr_cpus=4` (raise `crashkernel=` if the capture kernel then runs short of memory), run `kdumpctl restart`, and test with `echo c > /proc/sysrq-trigger` on a machine you may crash; {storage_s} must then probe without ENOSPC."
        ));
        c.finding.advice.push(
            "Or free vectors for the disk: keep drivers the dump does not need out of the capture kernel (`rd.driver.blacklist=xhci_hcd` in KDUMP_COMMANDLINE_APPEND); see which handlers hold most vectors with `awk '$1 ~ /^[0-9]+:/ {print $NF}' /proc/interrupts | sort | uniq -c | sort -rn | head`."
                .to_string(),
        );
        c.finding.advice.push(format!(
            "Confirm inside the capture kernel: add `rd.break=initqueue` to KDUMP_COMMANDLINE_APPEND, crash the machine, and in the emergency shell run `dmesg | grep -e 'error -28' -e {storage_s}` and `cat /proc/interrupts`."
        ));
        c.members = members;
        c.weight = 80;
        c.confidence = if pressure || !irq_fails.is_empty() {
            0.85
        } else {
            0.6
        };
        c.summary = Some(format!(
            "{}{} could not get an interrupt vector (ENOSPC){}",
            if capture {
                "kdump capture kernel: "
            } else if one_cpu {
                "1-CPU boot (kdump capture kernel with nr_cpus=1?): "
            } else {
                ""
            },
            storage_s,
            if one_cpu {
                ", all interrupts sit on one CPU; its disk never appeared"
            } else {
                ""
            }
        ));
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn enospc_probe_means_vectors() {
        let log = "\
[   57.333334] xhci_hcd 0000:ec:00.4: request interrupt 251 failed
[   57.334356] xhci_hcd: probe of 0000:ec:00.4 failed with error -28
[   58.031863] virtio_blk: probe of virtio0 failed with error -28
";
        let a = analyze_bytes("d.log", log.as_bytes(), Options::default());
        let rules: Vec<&str> = a.findings().map(|f| f.rule).collect();
        assert!(rules.contains(&super::RULE), "{rules:?}");
        assert!(rules.contains(&super::RULE_IRQ), "{rules:?}");
        assert_eq!(a.incidents.len(), 1);
    }

    #[test]
    fn other_errno_is_not_vectors() {
        // Near miss: a probe failing with -ENODEV is a probe failure, not vector exhaustion.
        let log = "[    5.000000] ahci: probe of 0000:00:17.0 failed with error -19\n";
        let a = analyze_bytes("d.log", log.as_bytes(), Options::default());
        let rules: Vec<&str> = a.findings().map(|f| f.rule).collect();
        assert!(rules.contains(&super::RULE), "{rules:?}");
        assert!(!rules.contains(&super::RULE_IRQ), "{rules:?}");
    }
}
