//! `log-gap`: a syslog/journal source goes silent and resumes with a new boot, with no
//! shutdown or reboot messages in between: the machine died or hung without logging. Linked
//! with a hardware error that coincides (within a few seconds) with the last line.

use super::{clock, hardware_error, util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "log-gap";

/// Silence shorter than this before a new boot is a normal reboot.
const MIN_GAP_SECONDS: f64 = 300.0;
/// A hardware error this close to the last line is linked to the silence.
const LINK_SECONDS: f64 = 10.0;

/// Runs the rule.
pub fn run(cx: &Ctx, prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for b in a.boots.iter().skip(1) {
        let Some(p) = a.boots.get(b.index - 1) else {
            continue;
        };
        if p.source.path != b.source.path || b.marker != BootMarker::LinuxVersion {
            continue;
        }
        let Some(start) = b.time.as_ref().and_then(|t| t.wall) else {
            continue;
        };
        // Last wall stamp known in the previous boot.
        let mut last: Option<(WallTime, u64)> = p
            .time
            .as_ref()
            .and_then(|t| t.wall)
            .map(|w| (w, p.source.line));
        let stamps = a
            .events
            .iter()
            .filter(|e| e.boot == p.index)
            .filter_map(|e| {
                e.time
                    .as_ref()
                    .and_then(|t| t.wall)
                    .map(|w| (w, e.source.line))
            })
            .chain(
                a.reports
                    .iter()
                    .filter(|r| r.boot == p.index)
                    .filter_map(|r| {
                        r.time
                            .as_ref()
                            .and_then(|t| t.wall)
                            .map(|w| (w, r.source.last_line))
                    }),
            );
        for (w, line) in stamps {
            if last.as_ref().is_none_or(|(_, l)| line > *l) {
                last = Some((w, line));
            }
        }
        let Some((last_wall, _)) = last else { continue };
        let (t0, t1) = (cx.clock.relative(&last_wall), cx.clock.relative(&start));
        let gap = t1 - t0;
        if gap < MIN_GAP_SECONDS {
            continue;
        }
        let clean = a.events.iter().any(|e| {
            e.boot == p.index && matches!(e.kind, EventKind::Reboot | EventKind::PowerOff)
        });
        if clean {
            continue;
        }
        let file = util::short(&b.source.path);
        let abs = cx.clock.epoch(&last_wall);
        let zone = match cx.clock.local_offset() {
            Some((o, "--tz")) => format!(" ({} from --tz", clock::fmt_offset(o)),
            Some((o, _)) => {
                let at = cx
                    .clock
                    .inferred
                    .as_ref()
                    .map(|i| format!("{}:{}", util::short(&i.evidence.path), i.evidence.line))
                    .unwrap_or_default();
                format!(
                    " ({}, inferred from the UTC stamp embedded in {at}",
                    clock::fmt_offset(o)
                )
            }
            None => String::new(),
        };
        let when = match abs {
            Some(t) if !zone.is_empty() => {
                format!("{}{zone} = {})", pretty(&last_wall), clock::fmt_utc(t))
            }
            _ => pretty(&last_wall),
        };
        let mut msg = format!(
            "{file} goes silent after {when} and resumes {} later with a new boot ({file}:{}, {}), with no shutdown or reboot messages in between: the machine died or hung without logging (power or hardware fault, or a hang that was reset).",
            clock::fmt_duration(gap),
            b.source.line,
            pretty(&start)
        );
        let mut c = Claim::new(RULE, Severity::Critical, msg.clone());
        // Hardware errors at the same moment.
        let mut linked = None;
        if let Some(t) = abs {
            for (ci, h) in prior.iter().enumerate() {
                if h.finding.rule != hardware_error::RULE {
                    continue;
                }
                if let Some(ht) = h.at {
                    if (ht - t).abs() <= LINK_SECONDS
                        || (ht > t && ht < t + gap && ht - t <= LINK_SECONDS)
                    {
                        linked = Some((ci, ht));
                        break;
                    }
                }
            }
        }
        if let Some((ci, ht)) = linked {
            let d = ht - abs.unwrap_or(ht);
            msg.push_str(&format!(
                " The hardware error at {} is {} {} the last line: it most likely stopped the machine.",
                clock::fmt_utc(ht),
                clock::fmt_duration(d.abs()),
                if d <= 0.0 { "before" } else { "after" }
            ));
            c.finding.message = msg;
            c.members.push(Node::Claim(ci));
            c.summary = Some(format!(
                "{}; {file} stops {} later and the machine reboots {} after",
                prior[ci]
                    .summary
                    .clone()
                    .unwrap_or_else(|| "Hardware error".into()),
                clock::fmt_duration(d.abs()),
                clock::fmt_duration(gap)
            ));
            c.weight = 85;
            c.confidence = 0.8;
        } else {
            c.summary = Some(format!(
                "{file} stops at {} and the next boot comes {} later",
                pretty(&last_wall),
                clock::fmt_duration(gap)
            ));
            c.weight = 20;
            c.confidence = 0.5;
            if abs.is_none() && !a.sel_records.is_empty() {
                c.finding.advice.push("Pass `--tz +HH:MM` (the zone the log was written in) so this gap can be compared with the SEL records, which are UTC.".to_string());
            }
        }
        c.finding.evidence.push(Evidence {
            path: b.source.path.clone(),
            line: b.source.line.saturating_sub(1).max(1),
            text: format!(
                "(last line before the new boot; last time stamp seen: {})",
                pretty(&last_wall)
            ),
        });
        if let Some(e) = a
            .events
            .iter()
            .find(|e| e.boot == b.index && e.kind == EventKind::KernelVersion)
        {
            c.finding.evidence.push(util::ev_event(e));
        }
        if let Some(i) = &cx.clock.inferred {
            c.finding.evidence.push(i.evidence.clone());
        }
        c.advise(&[
            "Find what happened in the silent time: the BMC SEL (`ipmitool sel elist`) and its console/video capture, `last -x reboot shutdown`, and `journalctl --list-boots`.",
            "Keep the last kernel messages next time: a serial console or netconsole (`netconsole=@/eth0,6666@LOGHOST/`), kdump (`kdumpctl status`), and `kernel.panic=10` so a crash reboots on its own.",
        ]);
        if let Some(e) = a
            .events
            .iter()
            .find(|e| e.boot == b.index && e.kind == EventKind::KernelVersion)
        {
            let k = a.events.iter().position(|x| std::ptr::eq(x, e));
            if let Some(k) = k {
                c.members.push(Node::Event(k));
            }
        }
        c.at = abs;
        out.push(c);
    }
    out
}

/// `Mar 27 20:48:45` for a stamp printed without a year; ISO 8601 otherwise.
fn pretty(w: &WallTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match w.year {
        None if (1..=12).contains(&w.month) => format!(
            "{} {} {:02}:{:02}:{:02}",
            MONTHS[w.month as usize - 1],
            w.day,
            w.hour,
            w.minute,
            w.second
        ),
        _ => w.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn clean_reboot_is_not_a_gap() {
        // Near miss: the previous boot ended with a reboot message.
        let log = "\
Mar 27 20:48:45 node kernel: reboot: Restarting system
Mar 28 17:04:54 node kernel: Linux version 4.18.0 (mockbuild@x) #1 SMP
";
        let a = analyze_bytes("messages", log.as_bytes(), Options::default());
        assert!(!super::util::fired(&a, super::RULE), "{:?}", a.incidents);
    }

    #[test]
    fn silence_then_new_boot_is_a_gap() {
        let log = "\
Mar 27 20:48:45 node etcd[17285]: something
Mar 28 17:04:54 node kernel: Linux version 4.18.0 (mockbuild@x) #1 SMP
";
        let a = analyze_bytes("messages", log.as_bytes(), Options::default());
        let f = a
            .findings()
            .find(|f| f.rule == super::RULE)
            .expect("log-gap");
        assert!(f.message.contains("20 h 16 min"), "{}", f.message);
    }
}
