//! `/proc/interrupts` copies.
//!
//! The header names the CPU columns (`CPU0 CPU1 ...`); numbered rows (`38: 0 0 IR-PCI-MSI
//! 6144-edge PCIe PME`) are interrupt lines, each holding an x86 vector on the CPU it is routed
//! to; lettered rows (`NMI:`, `LOC:`, `ERR:`) are architecture counters.

use crate::model::{InputWarning, InterruptTable, Location};

/// Most "unrecognised line" warnings reported for one file.
const MAX_LINE_WARNINGS: usize = 20;

/// Trigger-type words that end the chip/hwirq part of a row on architectures that print them
/// as separate tokens (arm GIC: `GICv3  27 Level  arch_timer`).
const TRIGGER_WORDS: &[&str] = &["Level", "Edge", "level", "edge"];

/// CPU numbers of a `CPU0 CPU1 ...` header line, or `None` if the line is not one.
fn header_cpus(line: &str) -> Option<Vec<u32>> {
    let ids: Option<Vec<u32>> = line
        .split_whitespace()
        .map(|t| t.strip_prefix("CPU").and_then(|n| n.parse().ok()))
        .collect();
    ids.filter(|v| !v.is_empty())
}

/// Splits `  38:   0   5  IR-PCI-MSI ...` into label and the rest.
fn row(line: &str) -> Option<(&str, &str)> {
    let (label, rest) = line.trim_start().split_once(':')?;
    let ok = !label.is_empty()
        && label.len() <= 8
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then_some((label, rest))
}

/// True when `head` is a copy of `/proc/interrupts`: a `CPUn` header, then `label:` rows.
pub fn looks_like_proc_interrupts(head: &str) -> bool {
    let mut lines = head.lines().filter(|l| !l.trim().is_empty());
    if lines.next().and_then(header_cpus).is_none() {
        return false;
    }
    match lines.next().and_then(row) {
        Some((_, rest)) => rest
            .split_whitespace()
            .next()
            .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// Per-CPU counts of a row: up to `cpus` leading numbers, and the text after them.
fn counts(rest: &str, cpus: usize) -> (Vec<u64>, Vec<&str>) {
    let mut nums = Vec::new();
    let mut tail = Vec::new();
    for tok in rest.split_whitespace() {
        if nums.len() < cpus && tail.is_empty() {
            if let Ok(n) = tok.parse::<u64>() {
                nums.push(n);
                continue;
            }
        }
        tail.push(tok);
    }
    (nums, tail)
}

/// Parses a `/proc/interrupts` copy into an [`InterruptTable`].
pub fn parse_proc_interrupts(
    text: &str,
    path: &str,
) -> (Option<InterruptTable>, Vec<InputWarning>) {
    let mut warnings = Vec::new();
    let warn = |warnings: &mut Vec<InputWarning>, line: u64, message: String| {
        warnings.push(InputWarning {
            source: Location {
                path: path.to_string(),
                line,
            },
            message,
            incomplete: false,
        });
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header)) = lines.next() else {
        warn(&mut warnings, 0, "empty /proc/interrupts copy".to_string());
        return (None, warnings);
    };
    let Some(cpu_ids) = header_cpus(header) else {
        warn(
            &mut warnings,
            header_line,
            "no CPU column header in /proc/interrupts copy".to_string(),
        );
        return (None, warnings);
    };
    let cpus = cpu_ids.len();
    let mut irq_lines = 0usize;
    let mut per_cpu_lines = vec![0usize; cpus];
    let mut unrecognised = 0usize;
    for (no, line) in lines {
        let Some((label, rest)) = row(line) else {
            unrecognised += 1;
            if unrecognised <= MAX_LINE_WARNINGS {
                let shown: String = line.trim().chars().take(120).collect();
                warn(
                    &mut warnings,
                    no,
                    format!("unrecognised /proc/interrupts line: {shown}"),
                );
            }
            continue;
        };
        if !label.bytes().all(|b| b.is_ascii_digit()) {
            continue; // NMI:, LOC:, ERR:, IPI0: ... counters, no device vector.
        }
        let (nums, _) = counts(rest, cpus);
        if nums.len() < cpus {
            warn(
                &mut warnings,
                no,
                format!("IRQ {label}: {} of {cpus} CPU counts readable", nums.len()),
            );
        }
        irq_lines += 1;
        if cpus == 1 {
            per_cpu_lines[0] += 1;
        } else {
            for (slot, n) in per_cpu_lines.iter_mut().zip(&nums) {
                if *n > 0 {
                    *slot += 1;
                }
            }
        }
    }
    if unrecognised > MAX_LINE_WARNINGS {
        let n = unrecognised - MAX_LINE_WARNINGS;
        warn(
            &mut warnings,
            0,
            format!("{n} more unrecognised /proc/interrupts lines"),
        );
    }
    let table = InterruptTable {
        source: Location {
            path: path.to_string(),
            line: header_line,
        },
        cpus,
        irq_lines,
        per_cpu_lines,
    };
    (Some(table), warnings)
}

/// Driver/handler family of an action name: leading letters, `_`, `-` and spaces
/// (`nvme0q1` -> `nvme`, `ahci[0000:ac:00.1]` -> `ahci`, `PCIe PME` -> `PCIe PME`).
fn family(name: &str) -> &str {
    let end = name
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphabetic() || matches!(c, '_' | '-' | ' ')))
        .map_or(name.len(), |(i, _)| i);
    name[..end].trim_matches(|c: char| c == ' ' || c == '-')
}

/// Numbered rows per handler family (`pciehp`, `ahci`, `nvme`...), most first: who holds
/// the vectors. A row shared by several handlers (`PCIe PME, pciehp`) counts for each.
pub fn handler_counts(text: &str) -> Vec<(String, usize)> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(cpus) = lines.next().and_then(header_cpus).map(|v| v.len()) else {
        return Vec::new();
    };
    let mut out: Vec<(String, usize)> = Vec::new();
    for line in lines {
        let Some((label, rest)) = row(line) else {
            continue;
        };
        if !label.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let (_, tail) = counts(rest, cpus);
        // Chip, hwirq-type (`6144-edge`) or hwirq + trigger word, then the action names.
        let start = tail
            .iter()
            .position(|t| {
                TRIGGER_WORDS.contains(t)
                    || t.rsplit_once('-').is_some_and(|(_, ty)| {
                        !ty.is_empty() && ty.bytes().all(|b| b.is_ascii_alphabetic())
                    }) && t.starts_with(|c: char| c.is_ascii_digit())
            })
            .map_or(tail.len().saturating_sub(1), |i| i + 1);
        let names = tail.get(start..).unwrap_or(&[]).join(" ");
        let mut seen: Vec<&str> = Vec::new();
        for name in names.split(',') {
            let fam = family(name.trim());
            if fam.is_empty() || seen.contains(&fam) {
                continue;
            }
            seen.push(fam);
            match out.iter_mut().find(|(n, _)| n == fam) {
                Some((_, c)) => *c += 1,
                None => out.push((fam.to_string(), 1)),
            }
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(
            "../ktriage/tests/fixtures/cases/kdump-capture-irq-exhaustion/proc-interrupts.txt",
        );
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn recognises_copies() {
        assert!(looks_like_proc_interrupts(&fixture()));
        assert!(looks_like_proc_interrupts(
            "           CPU0       CPU1\n  0:         44          0   IO-APIC   2-edge      timer\n"
        ));
        assert!(looks_like_proc_interrupts(
            "\n           CPU0       CPU1\nNMI:          0          0   Non-maskable interrupts\n"
        ));
        assert!(!looks_like_proc_interrupts("CPU0 CPU1\n"));
        assert!(!looks_like_proc_interrupts(
            "[    0.000000] CPU0: Intel\n 0: 1\n"
        ));
        assert!(!looks_like_proc_interrupts(
            "CPU: 0 PID: 1\nRIP: 0010:foo+0x1/0x2\n"
        ));
        assert!(!looks_like_proc_interrupts(""));
    }

    #[test]
    fn capture_kernel_one_cpu() {
        // cases/kdump-capture-irq-exhaustion/proc-interrupts.txt: the kdump capture kernel
        // runs on one CPU and holds 160 numbered lines on it.
        let (t, warnings) = parse_proc_interrupts(&fixture(), "proc-interrupts.txt");
        assert!(warnings.is_empty(), "{warnings:?}");
        let t = t.unwrap();
        assert_eq!(t.cpus, 1);
        assert_eq!(t.irq_lines, 160);
        assert_eq!(t.per_cpu_lines, vec![160]);
        assert_eq!(t.source.line, 1);
        assert_eq!(t.vector_pressure(), vec![(0, 160)]);
        let h = handler_counts(&fixture());
        assert_eq!(h[0], ("pciehp".to_string(), 79));
        assert!(h.contains(&("ahci".to_string(), 42)));
        assert!(h.contains(&("nvme".to_string(), 4)));
        assert!(h.contains(&("AMD-Vi".to_string(), 8)));
        assert!(h.contains(&("PCIe PME".to_string(), 38)));
    }

    #[test]
    fn several_cpus() {
        let text = "\
            CPU0       CPU1       CPU2
   0:         44          0          0   IO-APIC   2-edge      timer
   1:          0          9          0   IO-APIC   1-edge      i8042
  24:          0          0          0   PCI-MSI 512000-edge      ahci[0000:00:1f.2]
  25:          5          7          0   PCI-MSI 32768-edge      eth0
 NMI:          0          0          0   Non-maskable interrupts
 LOC:     123456     123456     123456   Local timer interrupts
 ERR:          0
 MIS:          0
";
        let (t, warnings) = parse_proc_interrupts(text, "x");
        assert!(warnings.is_empty(), "{warnings:?}");
        let t = t.unwrap();
        assert_eq!(t.cpus, 3);
        assert_eq!(t.irq_lines, 4);
        assert_eq!(t.per_cpu_lines, vec![2, 2, 0]);
        assert_eq!(t.vector_pressure(), vec![(0, 2), (1, 2), (2, 0)]);
        // arm64 GIC layout.
        let arm = "\
           CPU0       CPU1
 11:      10440       9876     GICv3  27 Level     arch_timer
 47:          0          0     GICv3  78 Edge      virtio0
IPI0:      123        456       Rescheduling interrupts
";
        let (t, w) = parse_proc_interrupts(arm, "arm");
        assert!(w.is_empty());
        assert_eq!(t.unwrap().irq_lines, 2);
        assert_eq!(
            handler_counts(arm),
            vec![("arch_timer".to_string(), 1), ("virtio".to_string(), 1)]
        );
    }

    #[test]
    fn bad_input_never_panics() {
        let (t, w) = parse_proc_interrupts("", "e");
        assert!(t.is_none());
        assert_eq!(w.len(), 1);
        let (t, w) = parse_proc_interrupts("hello world\n 1: 2\n", "e");
        assert!(t.is_none());
        assert_eq!(w[0].source.line, 1);
        let (t, w) = parse_proc_interrupts("CPU0 CPU1\n 5: 1\n garbage \u{e9}\n", "e");
        let t = t.unwrap();
        assert_eq!(t.irq_lines, 1);
        assert_eq!(t.per_cpu_lines, vec![1, 0]);
        assert_eq!(w.len(), 2);
        let junk = format!("CPU0\n{}", "junk\n".repeat(40));
        let (_, w) = parse_proc_interrupts(&junk, "j");
        assert_eq!(w.len(), MAX_LINE_WARNINGS + 1);
        for s in [
            "CPU0\n\u{e9}: \u{e9}",
            "CPU0\n1:",
            "CPU99999999999\n",
            ":::",
        ] {
            let _ = parse_proc_interrupts(s, "g");
            let _ = handler_counts(s);
            let _ = looks_like_proc_interrupts(s);
        }
    }
}
