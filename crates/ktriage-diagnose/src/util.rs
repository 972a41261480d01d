//! Small helpers shared by the rules: evidence, report facts, wording.

use crate::model::*;

/// Evidence pointing at a report's first line.
pub fn ev_report(r: &Report) -> Evidence {
    Evidence {
        path: r.source.path.clone(),
        line: r.source.first_line,
        text: r.headline.clone(),
    }
}

/// Evidence pointing at the first line of a report whose text satisfies `pred`, else its headline.
pub fn ev_report_line(r: &Report, pred: impl Fn(&str) -> bool) -> Evidence {
    match r.lines.iter().find(|l| pred(l.text.trim_start())) {
        Some(l) => Evidence {
            path: r.source.path.clone(),
            line: l.line,
            text: l.text.trim().to_string(),
        },
        None => ev_report(r),
    }
}

/// Evidence pointing at an event.
pub fn ev_event(e: &Event) -> Evidence {
    Evidence {
        path: e.source.path.clone(),
        line: e.source.line,
        text: e.text.clone(),
    }
}

/// Evidence pointing at a SEL record (rebuilt in `sel list` shape).
pub fn ev_sel(s: &SelRecord) -> Evidence {
    let mut text = format!(
        "SEL {} | {} | {}",
        s.record_id,
        s.time.map_or_else(|| "-".to_string(), |t| t.to_string()),
        s.sensor_type
    );
    if let Some(sn) = &s.sensor {
        text.push(' ');
        text.push_str(sn);
    }
    text.push_str(" | ");
    text.push_str(&s.description);
    if let Some(d) = &s.direction {
        text.push_str(" | ");
        text.push_str(d);
    }
    Evidence {
        path: s.source.path.clone(),
        line: s.source.line,
        text,
    }
}

/// File name without folders.
pub fn short(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// `file:line` of a report's first line.
pub fn at_report(r: &Report) -> String {
    format!("{}:{}", short(&r.source.path), r.source.first_line)
}

/// `file:line` of an event.
pub fn at_event(e: &Event) -> String {
    format!("{}:{}", short(&e.source.path), e.source.line)
}

/// Uptime of a report or event, when printed.
pub fn uptime(t: &Option<Time>) -> Option<f64> {
    t.as_ref().and_then(|t| t.uptime)
}

/// `function+off/size [module]` of the faulting location, when known.
pub fn where_ip(r: &Report) -> Option<String> {
    let ip = r.ip.as_ref()?;
    if ip.function.is_empty() {
        return None;
    }
    let mut s = ip.function.clone();
    if let Some(o) = &ip.offset {
        s.push('+');
        s.push_str(o);
        if let Some(z) = &ip.size {
            s.push('/');
            s.push_str(z);
        }
    }
    if let Some(m) = &ip.module {
        s.push_str(&format!(" [{m}]"));
    }
    // With `--vmlinux`: the source line of the trapping instruction.
    if let Some(src) = &ip.source {
        s.push_str(&format!(" ({}:{})", src.file, src.line));
    }
    Some(s)
}

/// `CPU 3 (comm[pid])`, as far as known.
pub fn who(r: &Report) -> String {
    let mut s = match r.cpu {
        Some(c) => format!("CPU {c}"),
        None => "an unknown CPU".to_string(),
    };
    if let Some(c) = &r.comm {
        s.push_str(&format!(" ({c}"));
        if let Some(p) = r.pid {
            s.push_str(&format!("[{p}]"));
        }
        s.push(')');
    }
    s
}

/// Joins numbers as `1, 2 and 3`.
pub fn list<T: std::fmt::Display>(v: &[T]) -> String {
    match v.len() {
        0 => String::new(),
        1 => v[0].to_string(),
        n => {
            let head: Vec<String> = v[..n - 1].iter().map(|x| x.to_string()).collect();
            format!("{} and {}", head.join(", "), v[n - 1])
        }
    }
}

/// True when two reports may come from the same boot: same boot index, or at least one of
/// the two boots was not seen starting (a file that is a fragment of a longer log) and the
/// uptimes do not contradict it.
pub fn same_boot_possible(a: &Analysis, x: &Report, y: &Report) -> bool {
    if x.boot == y.boot {
        return true;
    }
    let frag = |b: usize| {
        a.boots
            .get(b)
            .is_some_and(|b| b.marker == BootMarker::Start)
    };
    if !(frag(x.boot) || frag(y.boot)) {
        return false;
    }
    match (uptime(&x.time), uptime(&y.time)) {
        (Some(p), Some(q)) => (p - q).abs() < 6.0 * 3600.0,
        _ => true,
    }
}

/// True when two boot indices may be the same boot (see [`same_boot_possible`]).
pub fn boots_compatible(a: &Analysis, x: usize, y: usize) -> bool {
    x == y
        || a.boots
            .get(x)
            .is_some_and(|b| b.marker == BootMarker::Start)
        || a.boots
            .get(y)
            .is_some_and(|b| b.marker == BootMarker::Start)
}

/// Parses a hex address string (`0x2c`, `0000002c`).
pub fn hex(s: &str) -> Option<u64> {
    ktriage_model::hex::parse_hex(s)
}

/// True for report kinds that say a CPU or task made no progress.
pub fn is_stall_kind(k: ReportKind) -> bool {
    k.class() == KindClass::Stall
}

/// True for report kinds that are a kernel crash of the current task.
pub fn is_oops_kind(k: ReportKind) -> bool {
    k.class() == KindClass::Crash
}

/// Whether the kernel handled this report in die() (and so took die_lock): an oops, or a
/// `BUG()` (`kernel BUG at`, or any report with an `Oops:`/`invalid opcode:` line). Detector
/// BUGs (`BUG: sleeping function called from invalid context`, `BUG: scheduling while
/// atomic`, `BUG: Bad page state`) print and go on.
pub fn went_through_die(r: &Report) -> bool {
    r.kind == ReportKind::Oops || r.decoded.oops.is_some() || r.headline.contains("kernel BUG at")
}

/// Boots (in order, each once) holding an event of `kind`.
pub fn boots_with_event(a: &Analysis, kind: EventKind) -> Vec<usize> {
    let mut boots: Vec<usize> = a
        .events
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.boot)
        .collect();
    boots.dedup();
    boots
}

/// A dump printed because panic, kexec or reboot stopped this CPU (`ipi_cpu_stop` in its
/// trace): it shows where the stop found the CPU, not a CPU stuck by itself.
pub fn stopped_cpu(r: &Report) -> bool {
    r.frames.iter().any(|f| {
        crate::model::frames::frame_is(&f.function, crate::model::frames::FrameRole::CpuStop)
    })
}

/// Sorted, distinct CPU numbers as ranges: `0-3, 7, 9-10`.
pub fn cpu_ranges(cpus: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let mut j = i;
        while j + 1 < cpus.len() && cpus[j + 1] == cpus[j] + 1 {
            j += 1;
        }
        out.push(if j > i {
            format!("{}-{}", cpus[i], cpus[j])
        } else {
            cpus[i].to_string()
        });
        i = j + 1;
    }
    out.join(", ")
}

/// Whether the report was read out of a vmcore (so a dump of that crash exists).
pub fn from_vmcore(a: &Analysis, r: &Report) -> bool {
    a.sources
        .iter()
        .any(|s| s.path == r.source.path && s.kind == SourceKind::Vmcore)
}

/// The first finding of `rule`, in any incident (for rule tests).
#[cfg(test)]
pub fn finding<'a>(a: &'a Analysis, rule: &str) -> Option<&'a Finding> {
    a.findings().find(|f| f.rule == rule)
}

/// Whether any incident carries a finding of `rule` (for rule tests).
#[cfg(test)]
pub fn fired(a: &Analysis, rule: &str) -> bool {
    a.findings().any(|f| f.rule == rule)
}

/// The trapping instruction's memory access in words, when the decoded operand agrees with
/// the fault address (or the log printed none): "The trapping instruction `mov
/// 0x198(%rbx),%rax` reads 8 bytes at RBX+0x198; RBX = 0x0 is the NULL pointer." None when
/// the `Code:` line was not decoded, the instruction has no memory operand, or its address
/// contradicts the fault address (registers of another CPU). `brief`: the base value's class
/// is named without its meaning (the finding has said it).
pub fn access_sentence(r: &Report, brief: bool) -> Option<String> {
    let code = r.code.as_ref()?;
    let insn = code.instructions.iter().find(|i| i.trapping)?;
    let acc = code.access.as_ref()?;
    if acc.matches_fault == Some(false) {
        return None;
    }
    let verb = match acc.kind {
        AccessKind::Read => "reads",
        AccessKind::Write => "writes",
        AccessKind::ReadWrite => "reads and writes",
    };
    let upper = |s: &str| s.to_ascii_uppercase();
    let mut terms: Vec<String> = acc.base.iter().map(|b| upper(b)).collect();
    if let Some(i) = &acc.index {
        terms.push(if acc.scale > 1 {
            format!("{}*{}", upper(i), acc.scale)
        } else {
            upper(i)
        });
    }
    let mut expr = terms.join("+");
    let d = acc.displacement;
    if d != 0 || expr.is_empty() {
        let sign = match (d < 0, expr.is_empty()) {
            (true, _) => "-",
            (false, true) => "",
            (false, false) => "+",
        };
        expr.push_str(&format!("{sign}{:#x}", d.unsigned_abs()));
    }
    let size = match acc.size {
        0 => String::new(),
        1 => "1 byte ".to_string(),
        n => format!("{n} bytes "),
    };
    let mut s = format!(
        "The trapping instruction `{}` {verb} {size}at {expr}",
        insn.text
    );
    if let Some(a) = &acc.address {
        if a != &expr {
            s.push_str(&format!(" = {a}"));
        }
    }
    if acc.matches_fault == Some(true) {
        s.push_str(", the fault address");
    }
    s.push('.');
    if let Some(p) = &acc.kasan_pointer {
        s.push_str(&format!(
            " It is KASAN's check of the shadow byte of pointer {p}: the pointer the code was about to use."
        ));
    } else if let (Some(b), Some(v)) = (&acc.base, &acc.base_value) {
        let reg = upper(b);
        match &acc.base_class {
            Some(c) if c.name == "NULL page" && hex(v) == Some(0) => {
                if d == 0 && acc.index.is_none() {
                    s.push_str(&format!(" {reg} is the NULL pointer"));
                } else {
                    s.push_str(&format!(" {reg} = 0x0 is the NULL pointer"));
                }
                if d > 0 {
                    s.push_str(&format!(
                        ", and {d:#x} the offset of the member {verb_noun}",
                        verb_noun = match acc.kind {
                            AccessKind::Write => "written",
                            _ => "read",
                        }
                    ));
                }
                s.push('.');
            }
            Some(c) if c.name == "NULL page" => {
                s.push_str(&format!(" {reg} = {v} lies in the NULL page."))
            }
            Some(c) if brief => s.push_str(&format!(" {reg} = {v} is {}.", c.name)),
            Some(c) => s.push_str(&format!(" {reg} = {v} is {}: {}.", c.name, c.meaning)),
            None => s.push_str(&format!(" {reg} = {v}.")),
        }
    }
    // arm64 dumps cut short leave the base register out: the fault address, less the
    // offset, is what it held (x86 is not inferred: a `%gs:` operand has no address either).
    if let (None, None, Some(b), None, Some(f), Some(Arch::Arm64)) = (
        &acc.address,
        &acc.index,
        &acc.base,
        &acc.base_value,
        r.fault_address.as_deref().and_then(hex),
        r.arch,
    ) {
        if b != "pc" {
            let v = f.wrapping_sub(d as u64);
            s.push_str(&format!(
                " {} is not in the register dump; the fault address less the offset puts it at {v:#x}{}.",
                upper(b),
                if v < 0x1000 { ", a NULL pointer" } else { "" }
            ));
        }
    }
    match acc.esr_agrees {
        Some(true) => s.push_str(match acc.kind {
            AccessKind::Write => " The ESR agrees: WnR=1, a write.",
            AccessKind::Read => " The ESR agrees: WnR=0, a read.",
            AccessKind::ReadWrite => " The ESR agrees.",
        }),
        Some(false) => s.push_str(" The ESR's syndrome does not match this instruction's access: the `Code:` bytes or registers may not be this fault's."),
        None => {}
    }
    Some(s)
}
