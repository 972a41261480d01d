//! `null-pointer-dereference`: an oops whose fault address lies in the first page (< 4096):
//! a member at that offset of a NULL struct pointer.

use super::{util, Claim, Ctx, Node};
use crate::model::*;

/// The rule id.
pub const RULE: &str = "null-pointer-dereference";

/// Lowest address that is not a NULL-pointer access (first page).
const PAGE: u64 = 4096;

/// Runs the rule.
pub fn run(cx: &Ctx, _prior: &[Claim]) -> Vec<Claim> {
    let a = cx.a;
    let mut out = Vec::new();
    for (i, r) in a.reports.iter().enumerate() {
        if !matches!(
            r.kind,
            ReportKind::Oops | ReportKind::Bug | ReportKind::Kasan
        ) {
            continue;
        }
        let Some(raw) = r.fault_address.as_deref().and_then(util::hex) else {
            continue;
        };
        // KASAN's shadow check faults on the shadow of the address: the shadow of the NULL
        // page stands for the access near NULL.
        let addr = match &r.decoded.fault_address {
            Some(c) if c.name == "KASAN shadow of the NULL page" => c.offset.unwrap_or(0),
            _ => raw,
        };
        if addr >= PAGE {
            continue;
        }
        let func =
            r.ip.as_ref()
                .map(|ip| ip.function.clone())
                .filter(|f| !f.is_empty());
        let module = r.ip.as_ref().and_then(|ip| ip.module.clone());
        let loc = util::where_ip(r);
        let access = r
            .decoded
            .esr
            .as_ref()
            .and_then(|e| e.wnr)
            .map(|w| if w == 1 { "write to" } else { "read of" })
            .or_else(|| {
                let pf = r.decoded.page_fault.as_ref()?.access;
                Some(if pf.contains("write") {
                    "write to"
                } else {
                    "read of"
                })
            })
            .unwrap_or("access to");
        let what = if addr == 0 {
            "the NULL pointer itself (offset 0: the first member, or the pointer is dereferenced directly)".to_string()
        } else {
            format!("the member at offset {addr:#x} ({addr} bytes) of a struct reached through a NULL pointer")
        };
        let place = match (&loc, &module) {
            (Some(l), _) => format!("in {l}"),
            (None, _) => "in a function the log does not show (the report is cut)".to_string(),
        };
        let msg = format!(
            "NULL pointer dereference {place} ({}, {}): {access} address {addr:#x}, which is {what}.",
            r.id,
            util::at_report(r)
        );
        let msg = match util::access_sentence(r, false) {
            Some(how) => format!("{msg} {how}"),
            None => msg,
        };
        let mut c = Claim::new(RULE, Severity::Critical, msg);
        c.finding.evidence.push(util::ev_report(r));
        c.finding.evidence.push(util::ev_report_line(r, |t| {
            t.starts_with("pc :")
                || t.starts_with("PC is at")
                || t.starts_with("RIP")
                || t.starts_with("IP:")
                || t.starts_with("EIP is at")
        }));
        c.finding
            .evidence
            .dedup_by(|x, y| x.line == y.line && x.path == y.path);
        if let Some(f) = &func {
            let fo = loc
                .as_deref()
                .and_then(|l| l.split(' ').next())
                .unwrap_or(f)
                .to_string();
            let fo_short = fo.split('/').next().unwrap_or(&fo).to_string();
            let obj = match &module {
                Some(m) => format!("$(modinfo -n {m})"),
                None => "vmlinux".to_string(),
            };
            c.finding.advice.push(format!(
                "Find the source line: `gdb -batch -ex 'list *({fo_short})' {obj}` or `./scripts/faddr2line {} {fo}` (needs debug info: kernel-debuginfo / the module built with -g).",
                match &module {
                    Some(m) => format!("{m}.ko"),
                    None => "vmlinux".into(),
                }
            ));
            c.finding.advice.push(format!(
                "Find which pointer was NULL: the struct member at offset {addr:#x} ({addr}) in that line; `pahole -C STRUCT {obj}` prints member offsets (look for {addr}), or `gdb -batch -ex 'ptype /o struct STRUCT' {obj}`."
            ));
        } else {
            c.finding.advice.push(format!(
                "The faulting function is not in the log: get the full oops (serial console, `journalctl -k -b -1`, or a vmcore: `crash> log`), then look for the struct member at offset {addr:#x} with `pahole -C STRUCT vmlinux`."
            ));
        }
        c.members.push(Node::Report(i));
        c.root = Some((i, 50));
        c.summary = Some(format!(
            "NULL pointer dereference {place}{}",
            if addr == 0 {
                String::new()
            } else {
                format!(" (member at offset {addr:#x})")
            }
        ));
        c.weight = 50;
        c.confidence = 0.9;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testutil::{analyze_bytes, Options};

    #[test]
    fn high_fault_address_is_not_null() {
        // Near miss: a paging fault at a normal kernel address is not a NULL dereference.
        let log = "\
[  100.000000] BUG: unable to handle page fault for address: ffffc90000a3f000
[  100.000100] #PF: supervisor read access in kernel mode
[  100.000150] Oops: 0000 [#1] SMP
[  100.000200] CPU: 1 PID: 10 Comm: a Not tainted 5.4.0 #1
[  100.000300] RIP: 0010:foo+0x10/0x20
[  100.000600] ---[ end trace 0123456789abcdef ]---
";
        let a = analyze_bytes("pf.log", log.as_bytes(), Options::default());
        assert_eq!(a.reports.len(), 1);
        assert!(!super::util::fired(&a, super::RULE));
    }
}
