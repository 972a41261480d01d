//! `ipmi-bt-timeout`: the host's IPMI BT interface times out and resets: the BMC does not answer.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "ipmi-bt-timeout";

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for boot in util::boots_with_event(a, EventKind::IpmiBtTimeout) {
        let ev: Vec<usize> = (0..a.events.len())
            .filter(|&k| a.events[k].kind == EventKind::IpmiBtTimeout && a.events[k].boot == boot)
            .collect();
        let n: u64 = ev.iter().map(|&k| a.events[k].details.count()).sum();
        let first = &a.events[ev[0]];
        let last = &a.events[*ev.last().unwrap_or(&ev[0])];
        let span = match (util::uptime(&first.time), util::uptime(&last.time)) {
            (Some(x), Some(y)) if y > x => format!(" between {x:.1} s and {y:.1} s of uptime"),
            (Some(x), _) => format!(" from {x:.1} s of uptime"),
            _ => String::new(),
        };
        let msg = format!(
            "The IPMI BT interface timed out or reset {n} time(s){span} ({}): the BMC is not answering the host's requests (busy, hung, or rebooting). While it is, ipmitool, the IPMI watchdog, sensor monitoring and SEL logging from the host fail.",
            util::at_event(first)
        );
        let mut c = Claim::new(RULE, Severity::Warning, msg);
        c.finding.evidence.push(util::ev_event(first));
        if last.source.line != first.source.line {
            c.finding.evidence.push(util::ev_event(last));
        }
        c.advise(&[
            "Check BMC health: `ipmitool mc info` and `ipmitool mc selftest` from the host, or over the network `ipmitool -I lanplus -H BMC_IP -U USER mc info`; look at the BMC's own log in its web UI.",
            "If the BMC does not answer, reset it: `ipmitool mc reset cold` (same as `ipmitool bmc reset cold`) or from the BMC web UI; then update the BMC firmware, which fixes most recurring BT timeouts.",
            "If it keeps happening, reduce host-side load on the interface: stop polling agents (ipmievd, monitoring), and tune the driver, e.g. `modprobe ipmi_si kipmid_max_busy_us=100` (or `ipmi_si.kipmid_max_busy_us=100` on the command line) and check `cat /sys/module/ipmi_si/parameters/*`.",
        ]);
        c.members.extend(ev.iter().map(|&k| Node::Event(k)));
        c.weight = 25;
        c.confidence = 0.7;
        c.summary = Some(format!("BMC not answering: {n} IPMI BT timeouts/resets"));
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn other_ipmi_lines_are_not_timeouts() {
        // Near miss: ordinary IPMI driver messages.
        let log = "[    5.000000] ipmi_si IPI0001:00: IPMI bt interface initialized\n";
        let a = analyze_bytes("c.log", log.as_bytes(), Options::default());
        assert!(!super::util::fired(&a, super::RULE));
    }
}
