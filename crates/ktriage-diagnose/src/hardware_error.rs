//! `hardware-error`: MCE/EDAC/GHES reports and lines and IPMI SEL records (memory, processor,
//! critical interrupt, power) placed on one UTC timeline and clustered by time.

use super::{clock, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "hardware-error";

/// SEL sensor types that are hardware faults by themselves.
const PRIMARY_SENSORS: &[&str] = &[
    "Memory",
    "Processor",
    "Critical Interrupt",
    "Power Supply",
    "Power Unit",
    "Voltage",
    "Temperature",
];
/// Sensors that follow a fault (chassis health roll-up).
const SECONDARY_SENSORS: &[&str] = &["Chassis", "System Event", "Watchdog 2", "OS Critical Stop"];

/// Records closer than this (seconds) are one hardware event.
const CLUSTER_SECONDS: f64 = 120.0;

#[derive(Debug, Clone)]
struct Item {
    node: Node,
    at: Option<f64>,
    primary: bool,
    text: String,
    ev: Evidence,
    /// What a decoded machine-check record says: (in memory, uncorrected), when decoded.
    mce: Option<(bool, bool)>,
    /// The memory module the kernel named.
    dimm: Option<String>,
}

/// `CPU 3 bank 6: corrected L2 instruction-fetch cache error (MCi_STATUS cc59...: VAL OVER
/// MISCV ADDRV), ADDR 0x143200200, DIMM ...`.
fn mce_text(r: &Report, m: &decoded::MceRecord) -> String {
    let mut t = String::new();
    if let Some(c) = r.cpu {
        t.push_str(&format!("CPU {c} "));
    }
    if let Some(b) = m.bank {
        t.push_str(&format!("bank {b}: "));
    }
    if let Some(s) = &m.status {
        let how = match (s.uncorrected, s.context_corrupt) {
            (true, true) => "uncorrected, processor context corrupt,",
            (true, false) => "uncorrected",
            _ => "corrected",
        };
        t.push_str(&format!(
            "{how} {} (MCi_STATUS {}: {}{})",
            s.class,
            s.value,
            s.flags.join(" "),
            if s.overflow {
                "; earlier errors were lost"
            } else {
                ""
            }
        ));
    }
    if let Some(a) = &m.addr {
        t.push_str(&format!(", ADDR {a}"));
    }
    if let Some(d) = &m.dimm {
        t.push_str(&format!(", DIMM {d}"));
    }
    t
}

fn sensor_in(s: &SelRecord, list: &[&str]) -> bool {
    list.iter().any(|t| s.sensor_type.eq_ignore_ascii_case(t))
}

/// An EDAC line that names no address and no module (`EDAC MC0: UE page 0x0, offset 0x0,
/// grain 1073741824, row 2, labels ":": i3200 UE`, printed every second on boards the driver
/// misreads): not evidence of a memory error by itself.
fn undecoded_edac(t: &str) -> bool {
    t.contains("page 0x0, offset 0x0") && t.contains("labels \":\"")
}

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut items: Vec<Item> = Vec::new();
    let mut seen: Vec<(String, Option<WallTime>)> = Vec::new();
    for (k, s) in a.sel_records.iter().enumerate() {
        if s.direction
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("Deasserted"))
            || s.severity < Severity::Warning
        {
            continue;
        }
        let primary = sensor_in(s, PRIMARY_SENSORS);
        if !primary && !sensor_in(s, SECONDARY_SENSORS) {
            continue;
        }
        let key = (s.record_id.clone(), s.time);
        let dup = seen.contains(&key);
        if !dup {
            seen.push(key);
        }
        let name = match &s.sensor {
            Some(n) => format!("{} {n}", s.sensor_type),
            None => s.sensor_type.clone(),
        };
        items.push(Item {
            node: Node::Sel(k),
            at: s.time.as_ref().and_then(|t| cx.clock.epoch(t)),
            primary,
            text: if dup {
                String::new()
            } else {
                format!("SEL {} {name} `{}`", s.record_id, s.description)
            },
            ev: util::ev_sel(s),
            mce: None,
            dimm: None,
        });
    }
    for (k, r) in a.reports.iter().enumerate() {
        if r.kind == ReportKind::HardwareError {
            let m = r.decoded.mce.as_ref();
            let text = match m.filter(|m| m.status.is_some() || m.dimm.is_some()) {
                Some(m) => format!("{} ({})", mce_text(r, m), util::at_report(r)),
                None => format!("{} ({})", r.display_title, util::at_report(r)),
            };
            items.push(Item {
                node: Node::Report(k),
                at: cx.clock.epoch_of(&r.time),
                primary: true,
                text,
                ev: util::ev_report(r),
                mce: m.and_then(|m| m.status.as_ref()).map(|s| {
                    (
                        s.memory || m.is_some_and(|m| m.dimm.is_some()),
                        s.uncorrected,
                    )
                }),
                dimm: m.and_then(|m| m.dimm.clone()),
            });
        }
    }
    for (k, e) in a.events.iter().enumerate() {
        if e.kind == EventKind::HardwareErrorLine {
            items.push(Item {
                node: Node::Event(k),
                at: cx.clock.epoch_of(&e.time),
                primary: !undecoded_edac(&e.text),
                text: format!("`{}` ({})", e.text, util::at_event(e)),
                ev: util::ev_event(e),
                mce: None,
                dimm: None,
            });
        }
    }
    // Cluster by time; untimed items form one cluster per kind of node.
    items.sort_by(|x, y| match (x.at, y.at) {
        (Some(p), Some(q)) => p.total_cmp(&q),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut clusters: Vec<Vec<Item>> = Vec::new();
    for it in items {
        let join = clusters.last().is_some_and(|c| {
            let last = c.last().map(|l| l.at);
            match (last.flatten(), it.at) {
                (Some(p), Some(q)) => q - p <= CLUSTER_SECONDS,
                (None, None) => true,
                _ => false,
            }
        });
        if join {
            if let Some(c) = clusters.last_mut() {
                c.push(it);
            }
        } else {
            clusters.push(vec![it]);
        }
    }
    let mut out = Vec::new();
    for cl in clusters {
        if !cl.iter().any(|i| i.primary) {
            continue;
        }
        let at = cl.iter().find_map(|i| i.at);
        let texts: Vec<String> = cl
            .iter()
            .filter(|i| !i.text.is_empty())
            .map(|i| i.text.clone())
            .collect();
        // Decoded records say it; SEL records and loose lines by their words.
        let undecoded = |i: &&Item| i.mce.is_none() && !i.text.is_empty();
        let memory = cl.iter().any(|i| i.mce.is_some_and(|(m, _)| m))
            || cl.iter().filter(undecoded).any(|i| {
                let t = &i.text;
                t.contains("Memory") || t.contains("EDAC") || t.contains("memory")
            });
        let fatal = cl.iter().any(|i| i.mce.is_some_and(|(_, uc)| uc))
            || cl.iter().filter(undecoded).any(|i| {
                let t = &i.text;
                t.contains("Non-recoverable")
                    || t.contains("Uncorrect")
                    || t.contains("Fatal")
                    || t.contains("UE")
            });
        let dimms: Vec<&str> = {
            let mut d: Vec<&str> = cl.iter().filter_map(|i| i.dimm.as_deref()).collect();
            d.dedup();
            d
        };
        let what = match (memory, fatal) {
            (true, true) => "an uncorrectable memory error",
            (true, false) => "a memory error",
            (false, true) => "an uncorrectable hardware error",
            (false, false) => "a hardware error",
        };
        let when = at
            .map(|t| format!(" at {}", clock::fmt_utc(t)))
            .unwrap_or_default();
        let msg = format!(
            "The hardware reported {what}{when}: {}. {}",
            texts.join("; "),
            if memory && fatal {
                "An uncorrectable memory error can stop the machine outright or hold CPUs in firmware (MCE/SDEI/SMM handling), which the kernel sees as lockups and CPUs that stop answering IPIs."
            } else if memory {
                "A corrected memory error does not stop the machine by itself, but a module that keeps correcting errors often goes on to an uncorrectable one, and firmware error handling (SMM/SDEI) can stall CPUs for a moment each time."
            } else {
                "Hardware faults can stop the machine without any kernel message."
            }
        );
        let sev = if fatal {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let mut c = Claim::new(RULE, sev, msg);
        for i in &cl {
            c.finding.evidence.push(i.ev.clone());
        }
        if !dimms.is_empty() {
            c.finding.advice.push(format!(
                "The kernel named the memory module: {}. Check its corrected-error count (`ras-mc-ctl --error-count`, `edac-util -v`); replace it if errors repeat or any is uncorrected, and map the name to a slot with `ras-mc-ctl --print-labels` or `dmidecode -t memory`.",
                dimms.join(", ")
            ));
        } else if memory {
            c.finding.advice.push(
                "Identify the failing DIMM: `ipmitool sel get ID` for each record (the event data names the slot on many BMCs), the BMC web UI / vendor tool, and `ras-mc-ctl --errors` or `edac-util -v` on the host; replace the memory module and check its neighbours' corrected-error counts."
                    .to_string(),
            );
        } else {
            c.finding.advice.push(
                "Read the full records: `ipmitool sel elist` and `ipmitool sel get ID`; check `ras-mc-ctl --errors` and the vendor's hardware diagnostics; replace the failing part."
                    .to_string(),
            );
        }
        if a.sel_records.is_empty() {
            c.finding.advice.push("Get the BMC's view of the same time: `ipmitool sel elist` (SEL times are UTC unless the BMC is set otherwise).".to_string());
        }
        c.members.extend(cl.iter().map(|i| i.node));
        c.at = at;
        c.weight = 75;
        c.confidence = if fatal { 0.8 } else { 0.5 };
        c.summary = Some(format!("{}{when}", {
            let mut s = what.to_string();
            if let Some(f) = s.get_mut(0..1) {
                f.make_ascii_uppercase();
            }
            s
        }));
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    /// ar-edac-hwerror-x86_64-2 (grondo/edac-utils#10, a Sandy Bridge server's `dmesg -T`).
    const SBRIDGE_CE: &str = "\
[Mon Jan 27 19:27:15 2020] mce: [Hardware Error]: Machine check events logged
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: HANDLING MCE MEMORY ERROR
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: CPU 0: Machine Check Event: 0 Bank 5: 8c00004000010092
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: TSC 0
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: ADDR 849923380
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: MISC 42525286
[Mon Jan 27 19:27:15 2020] EDAC sbridge MC0: PROCESSOR 0:206d7 TIME 1580149818 SOCKET 0 APIC 0
[Mon Jan 27 19:27:15 2020] EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#2_DIMM#0 (channel:2 slot:0 page:0x849923 offset:0x380 grain:32 syndrome:0x0 -  area:DRAM err_code:0001:0092 socket:0 ha:0 channel_mask:4 rank:0)
";

    #[test]
    fn corrected_memory_error_is_decoded_with_its_dimm() {
        let a = analyze_bytes("sbridge.txt", SBRIDGE_CE.as_bytes(), Options::default());
        let r = a
            .reports
            .iter()
            .find(|r| r.decoded.mce.as_ref().is_some_and(|m| m.status.is_some()))
            .expect("a decoded machine-check record");
        let m = r.decoded.mce.as_ref().unwrap();
        assert_eq!((r.cpu, m.bank), (Some(0), Some(5)));
        assert_eq!(m.addr.as_deref(), Some("0x849923380"));
        assert_eq!(m.misc.as_deref(), Some("0x42525286"));
        let s = m.status.as_ref().unwrap();
        assert!(!s.uncorrected && s.memory);
        let f = crate::util::finding(&a, super::RULE).expect("hardware-error finding");
        assert_eq!(f.severity, crate::model::Severity::Warning);
        assert!(
            f.message.contains("corrected memory controller read error"),
            "{}",
            f.message
        );
        // Never called uncorrectable when the record says corrected.
        assert!(!f.message.contains("An uncorrectable"), "{}", f.message);
        assert!(f
            .advice
            .iter()
            .any(|s| s.contains("CPU_SrcID#0_Ha#0_Chan#2_DIMM#0")));
    }

    #[test]
    fn uncorrected_legacy_record_is_critical() {
        // abrt test data (abrt-hwerror-x86_64-1): the 2.6 console form.
        let log = "\
CPU 0: Machine Check Exception: 0000000000000007
Bank 3: b40000000000083b at 000000fdfc000cfc
Kernel panic - not syncing: Unable to continue
";
        let a = analyze_bytes("mce.txt", log.as_bytes(), Options::default());
        let m = a.reports[0].decoded.mce.as_ref().expect("mce record");
        assert_eq!(m.bank, Some(3));
        assert_eq!(m.addr.as_deref(), Some("0xfdfc000cfc"));
        assert!(m.status.as_ref().unwrap().uncorrected);
        let f = crate::util::finding(&a, super::RULE).expect("hardware-error finding");
        assert_eq!(f.severity, crate::model::Severity::Critical);
    }
    #[test]
    fn undecodable_edac_lines_are_not_a_memory_error() {
        // Near miss (fwts test data, Launchpad bug 783502, ar-fwts-oops-x86_64-4): i3200_edac
        // prints UE records at page 0 with no label every second on a board it misreads.
        let log = "\
[    4.210041] EDAC MC0: UE page 0x0, offset 0x0, grain 1073741824, row 2, labels \":\": i3200 UE
[    4.210051] EDAC MC0: UE page 0x0, offset 0x0, grain 1073741824, row 4, labels \":\": i3200 UE
[    5.210028] EDAC MC0: UE page 0x0, offset 0x0, grain 1073741824, row 0, labels \":\": i3200 UE
";
        let a = analyze_bytes("i3200.txt", log.as_bytes(), Options::default());
        assert!(!crate::util::fired(&a, super::RULE));
    }
}
