//! `driver-error`: driver messages with error codes (or `abnormal` / `unsuccessful`) that no
//! other rule explains, tied to the report they follow when they come right after one.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "driver-error";

/// Driver lines within this many seconds after a report belong with it.
const NEAR_SECONDS: f64 = 30.0;

/// The driver tag of an event: `[ascend]`, `xhci_hcd`, `nvme`...
fn tag(e: &Event) -> String {
    let t = e.text.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        if let Some((tag, _)) = rest.split_once(']') {
            return tag.to_string();
        }
    }
    e.subject
        .as_deref()
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or("driver")
        .trim_end_matches(':')
        .to_string()
}

/// Runs the rule.
pub fn run(cx: &Ctx, prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut groups: Vec<(String, usize, Vec<usize>)> = Vec::new();
    for (k, e) in a.events.iter().enumerate() {
        if !matches!(e.kind, EventKind::DriverError | EventKind::DeviceError)
            || Ctx::claimed(prior, Node::Event(k))
        {
            continue;
        }
        let t = tag(e);
        match groups.iter_mut().find(|g| g.0 == t && g.1 == e.boot) {
            Some(g) => g.2.push(k),
            None => groups.push((t, e.boot, vec![k])),
        }
    }
    let mut out = Vec::new();
    for (t, _, ev) in groups {
        let first = &a.events[ev[0]];
        // The report these lines follow.
        let near = a.reports.iter().enumerate().rev().find(|(_, r)| {
            r.source.path == first.source.path
                && r.source.first_line < first.source.line
                && match (util::uptime(&r.time), util::uptime(&first.time)) {
                    (Some(x), Some(y)) => y >= x && y - x <= NEAR_SECONDS,
                    _ => first.source.line - r.source.last_line <= 20,
                }
        });
        let quotes: Vec<String> = ev
            .iter()
            .take(3)
            .map(|&k| {
                let e = &a.events[k];
                let mut q = format!("`{}`", strip_tag(&e.text));
                if let Some(er) = &e.errno {
                    q.push_str(&format!(" ({} {}: {})", er.code, er.name, er.meaning));
                }
                q
            })
            .collect();
        let mut msg = format!(
            "[{t}] driver errors ({}): {}",
            util::at_event(first),
            quotes.join("; ")
        );
        if let Some((_, r)) = near {
            let dt = match (util::uptime(&r.time), util::uptime(&first.time)) {
                (Some(x), Some(y)) => format!("{:.1} s ", y - x),
                _ => String::new(),
            };
            msg.push_str(&format!(
                ". They come {dt}after {} ({}, {}): a device that stops answering can keep a CPU busy in its interrupt/softirq handling or make a driver wait forever, so check the device before blaming the core kernel.",
                r.display_title,
                r.id,
                util::who(r)
            ));
        } else {
            msg.push('.');
        }
        let mut c = Claim::new(RULE, Severity::Warning, msg);
        for &k in ev.iter().take(4) {
            c.finding.evidence.push(util::ev_event(&a.events[k]));
        }
        c.finding.advice.push(format!(
            "Find the first error of this driver: `dmesg -T | grep -i '{t}'` (or `journalctl -k -b -1 | grep -i '{t}'` after a reboot); check the device with `lspci -vvv` (link state, AER errors) and the vendor's health tool, and the driver and firmware versions."
        ));
        c.finding.advice.push(format!(
            "To see whether the hang follows the device: unload its driver before the operation that hangs (`modprobe -r MODULE` for the {t} driver) and retry."
        ));
        c.members.extend(ev.iter().map(|&k| Node::Event(k)));
        if let Some((i, _)) = near {
            c.members.push(Node::Report(i));
        }
        c.weight = 15;
        c.confidence = 0.5;
        out.push(c);
    }
    out
}

fn strip_tag(t: &str) -> &str {
    let mut s = t.trim_start();
    while let Some(rest) = s.strip_prefix('[') {
        match rest.split_once(']') {
            Some((_, r)) => s = r.trim_start(),
            None => break,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bracket_tags() {
        assert_eq!(strip_tag("[ascend] [devdrv] [f 322] <k> msg"), "<k> msg");
        assert_eq!(strip_tag("plain"), "plain");
    }
}
