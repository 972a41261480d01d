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
}

fn sensor_in(s: &SelRecord, list: &[&str]) -> bool {
    list.iter().any(|t| s.sensor_type.eq_ignore_ascii_case(t))
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
        });
    }
    for (k, r) in a.reports.iter().enumerate() {
        if r.kind == ReportKind::HardwareError {
            items.push(Item {
                node: Node::Report(k),
                at: cx.clock.epoch_of(&r.time),
                primary: true,
                text: format!("{} ({})", r.title, util::at_report(r)),
                ev: util::ev_report(r),
            });
        }
    }
    for (k, e) in a.events.iter().enumerate() {
        if e.kind == EventKind::HardwareErrorLine {
            items.push(Item {
                node: Node::Event(k),
                at: cx.clock.epoch_of(&e.time),
                primary: true,
                text: format!("`{}` ({})", e.text, util::at_event(e)),
                ev: util::ev_event(e),
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
        let memory = texts
            .iter()
            .any(|t| t.contains("Memory") || t.contains("EDAC") || t.contains("memory"));
        let fatal = texts.iter().any(|t| {
            t.contains("Non-recoverable")
                || t.contains("Uncorrect")
                || t.contains("Fatal")
                || t.contains("UE")
        });
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
            if memory {
                "An uncorrectable memory error can stop the machine outright or hold CPUs in firmware (MCE/SDEI/SMM handling), which the kernel sees as lockups and CPUs that stop answering IPIs."
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
        if memory {
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
