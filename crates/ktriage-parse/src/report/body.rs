//! Body lines of a report: what each line after the headline says, by its prefix.

use super::headline::MCE_CPU_RE;
use super::registers::looks_like_register_line;
use super::trace::{
    context_marker, is_register_name, looks_like_frame, ARM_BARE_FRAME_RE, ARM_FRAME_RE, FRAME_RE,
};
use super::{hex_norm, parse_location, ReportBuilder, LOC_RE};
use crate::decode;
use crate::model::decoded::{OopsLine, ProcessorState};
use crate::model::{Arch, Frame, ReportKind};
use crate::patterns::{BODY_PREFIXES, SANITIZER_TEXT_PREFIXES};
use regex::Regex;
use std::sync::LazyLock;

re!(
    RCU_CPU_RE,
    r"^\s*(\d+)-([.\w!?]{3,5}):\s*\((\d+) ticks this GP\)(?:.*?fqs=(\d+))?"
);

re!(
    KERNEL_IDENT_RE,
    r"^(\d+\.\d+[\w.+~-]*) #\S+.*(?:Not tainted|Tainted: )"
);

re!(RCU_CPU_ANY_RE, r"^\s*(\d+)-([.\w!?]{3,5}):\s*\(([^)]*)\)");

re!(
    RCU_T_RE,
    r"\(?(?:detected by (\d+), )?t=(\d+) jiffies,? g=(-?\d+),? q=(\d+)"
);

re!(
    VIRT_ADDR_RE,
    r"(?:at virtual address|address:|at address|for address:?|dereference at|paging request at|data at address|non-canonical address) (?:0x)?([0-9a-fA-F]+)"
);

re!(
    KASAN_ACCESS_RE,
    r"(Read|Write) (?:of size|at addr) (\d+)? ?(?:at addr )?([0-9a-f]+) by task (.+)/(\d+)"
);

re!(
    PROCESS_RE,
    r"^Process (.+) \(pid: (\d+), (?:stack limit|ti=|threadinfo)"
);

re!(TASK_LINE_RE, r"^task:(\S+)\s+state:\s*(\S+).*?pid:\s*(\d+)");

re!(PF_CODE_RE, r"#PF: error_code\((0x[0-9a-f]+)\)");

re!(
    OOPS_LINE_RE,
    r"(?:Oops|Internal error: Oops|general protection fault[^:]*):? (?:- \w+ )?([0-9a-fA-F]+) \[#(\d+)\]\s*(.*)"
);

re!(ESR_RE, r"ESR = (0x[0-9a-fA-F]+)");

/// What a line handler did: the line is fully parsed, or later rules may still read it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Nothing else applies to this line.
    Done,
    /// The generic rules (decodes, IP lines, frames, registers) still look at it.
    Next,
}

/// A body-line handler: gets the report and the whole (trimmed) line.
type Handler = fn(&mut ReportBuilder, &str) -> Flow;

/// Header and section lines, by prefix; the first prefix that matches is used.
const SECTION_LINES: &[(&str, Handler)] = &[
    ("CPU: ", |b, t| {
        b.parse_cpu_line(t);
        // Cut by a hard wrap before its command (`CPU: 1 PID: 1` / `88243 Comm: X`): the
        // next line may finish it.
        if !t.contains("Comm: ") && t.contains(" PID: ") {
            b.cut_cpu_line = Some(t.to_string());
        }
        Flow::Next
    }),
    ("Call Trace:", |b, _| {
        b.start_trace();
        Flow::Done
    }),
    ("Call trace:", |b, _| {
        // arm64's dump_backtrace() spells it in lower case.
        b.lower_case_trace = true;
        b.start_trace();
        Flow::Done
    }),
    ("Code: ", |b, t| {
        b.parse_code(&t[6..]);
        Flow::Done
    }),
    ("CR2: ", cr2),
    ("CPU ", old_cpu_line),
    ("Backtrace:", |b, _| {
        b.start_trace();
        Flow::Done
    }),
    ("Hardware name: ", |b, t| {
        let name = t[15..].trim();
        // Boards that name their architecture (`riscv-virtio,qemu (DT)`, `IBM PowerNV`).
        let lower = name.to_ascii_lowercase();
        if lower.contains("riscv") {
            b.vote(Arch::Riscv64);
        } else if lower.contains("powernv") || lower.contains("pseries") {
            b.vote(Arch::Ppc64);
        }
        b.report.hardware = Some(name.to_string());
        Flow::Done
    }),
    // s390 prints the last branch's source after the trace; it is not a caller.
    ("Last Breaking-Event-Address:", |b, _| {
        b.trace_over = true;
        Flow::Done
    }),
    ("Modules linked in:", |b, t| {
        b.parse_modules(&t[18..]);
        Flow::Done
    }),
    // A context marker alone (`<IRQ>`) or, before 4.x, inline in front of the first frame of
    // its part of the stack (`<NMI>  [<ffffffff810eb800>] ? watchdog_overflow_callback+0x60/0xd0`,
    // `<<EOE>>  [<...>] account_idle_ticks+0x90/0xa0`).
    ("<", |b, t| {
        let (marker, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        match context_marker(marker) {
            Some(ctx) => {
                b.saw_context_markers = true;
                b.context = ctx;
                b.in_trace = true;
                let rest = rest.trim_start();
                if !rest.is_empty() {
                    b.parse_body(rest);
                }
                Flow::Done
            }
            None => Flow::Next,
        }
    }),
    ("PC is at ", |b, t| {
        b.report.ip = parse_location(t[9..].trim());
        Flow::Done
    }),
    ("LR is at ", |b, t| {
        b.report.lr = parse_location(t[9..].trim());
        Flow::Done
    }),
    ("Process ", |b, t| {
        if let Some(c) = PROCESS_RE.captures(t) {
            b.report.comm.get_or_insert_with(|| c[1].to_string());
            b.report.pid = b.report.pid.or(c[2].parse().ok());
        }
        Flow::Done
    }),
    ("ESR = ", |b, t| {
        if let Some(c) = ESR_RE.captures(t) {
            if let Some(v) = decode::parse_hex(&c[1]) {
                b.report.decoded.esr = Some(decode::decode_esr(v));
                b.report.registers.insert("esr".into(), hex_norm(&c[1]));
                b.vote(Arch::Arm64);
            }
        }
        Flow::Done
    }),
    ("Not tainted ", taint_line),
    ("Tainted: ", taint_line),
    ("Pid: ", |b, t| {
        b.parse_pid_line(t);
        Flow::Done
    }),
    ("Exception stack(", |b, _| {
        b.start_trace_keep_context();
        Flow::Done
    }),
    ("#PF: error_code(", |b, t| {
        if let Some(c) = PF_CODE_RE.captures(t) {
            if let Some(v) = decode::parse_hex(&c[1]) {
                b.report.decoded.page_fault = Some(decode::decode_x86_pf_error(v));
            }
        }
        Flow::Done
    }),
    ("task:", |b, t| {
        if let Some(c) = TASK_LINE_RE.captures(t) {
            if b.report.comm.is_none() {
                b.report.comm = Some(c[1].to_string());
                b.report.pid = c[3].parse().ok();
            }
        }
        Flow::Done
    }),
];

/// `CR2:` is the fault address of a page fault that printed none in its headline. Only a
/// page fault sets CR2: after a general protection fault, a double fault or an invalid
/// opcode it still holds the last page fault's address, stale.
fn cr2(b: &mut ReportBuilder, t: &str) -> Flow {
    let h = b.report.headline.as_str();
    let page_fault = b.report.decoded.page_fault.is_some()
        || h.contains("unable to handle")
        || h.contains("Unable to handle")
        || h.contains("page fault");
    if b.report.fault_address.is_none() && b.report.kind == ReportKind::Oops && page_fault {
        if let Some(v) = t[5..].split_whitespace().next() {
            b.report.fault_address = Some(hex_norm(v));
        }
    }
    Flow::Next
}

/// A taint line of its own (hung tasks print one under their headline).
fn taint_line(b: &mut ReportBuilder, t: &str) -> Flow {
    if b.report.kind == ReportKind::HungTask {
        b.parse_taint_line(t);
        Flow::Done
    } else {
        Flow::Next
    }
}

/// The bare `CPU 2 ` line 2.6/3.x x86-64 kernels print before `Pid:`.
fn old_cpu_line(b: &mut ReportBuilder, t: &str) -> Flow {
    match t[4..].trim().parse::<u32>() {
        Ok(cpu) => {
            b.report.cpu.get_or_insert(cpu);
            Flow::Done
        }
        Err(_) => Flow::Next,
    }
}

/// Instruction-pointer and processor-state lines of each architecture, by prefix.
const IP_LINES: &[(&str, Handler)] = &[
    ("RIP: ", |b, t| x86_ip(b, t, &t[5..], Arch::X86_64, "rip")),
    ("RIP  ", |b, t| x86_ip(b, t, &t[5..], Arch::X86_64, "rip")),
    ("EIP: ", |b, t| {
        b.vote(Arch::I386);
        // 2.6/3.x i386: `EIP: 0060:[<c05a4fda>] EFLAGS: 00010246 CPU: 0`.
        if let Some(cpu) = t
            .rsplit_once(" CPU: ")
            .and_then(|(_, c)| c.trim().parse::<u32>().ok())
        {
            b.report.cpu.get_or_insert(cpu);
        }
        x86_ip(b, t, &t[5..], Arch::I386, "eip")
    }),
    ("EIP is at ", |b, t| {
        b.vote(Arch::I386);
        if b.report.ip.is_none() {
            b.report.ip = parse_location(t[10..].trim());
        }
        Flow::Done
    }),
    ("IP: ", |b, t| {
        b.parse_x86_ip(t[4..].trim(), Arch::X86_64, "ip");
        Flow::Done
    }),
    ("pc : ", |b, t| {
        if let Some(loc) = parse_location(t[5..].trim()) {
            if !b.in_trace || b.report.ip.is_none() {
                b.report.ip = Some(loc);
            }
            b.vote(Arch::Arm64);
            return Flow::Done;
        }
        // Old arm64: `pc : [<ffff000008081a40>] lr : [<...>] pstate: 20400009`
        b.parse_registers(t);
        b.vote(Arch::Arm64);
        Flow::Done
    }),
    ("lr : ", |b, t| match parse_location(t[5..].trim()) {
        Some(loc) => {
            b.report.lr = Some(loc);
            Flow::Done
        }
        None => Flow::Next,
    }),
    // MIPS: `epc   : 80036d94 tasklet_action+0xf4/0x1d0`, `ra    : 80474b78 __do_softirq+0x128/0x2ec`.
    ("epc   : ", |b, t| {
        if let Some(mut loc) = parse_location(t[8..].trim()) {
            loc.address = t[8..].split_whitespace().next().map(hex_norm);
            b.report.ip = Some(loc);
        }
        Flow::Done
    }),
    ("ra    : ", |b, t| {
        b.report.lr = parse_location(t[8..].trim());
        Flow::Done
    }),
    ("epc : ", |b, t| {
        b.vote(Arch::Riscv64);
        match parse_location(t[6..].trim()) {
            Some(loc) => {
                b.report.ip = Some(loc);
                Flow::Done
            }
            None => Flow::Next,
        }
    }),
    ("pstate: ", |b, t| {
        if let Some(v) = t[8..].split_whitespace().next().and_then(decode::parse_hex) {
            b.report.decoded.pstate = Some(ProcessorState::Pstate(decode::decode_pstate(v)));
            b.report
                .registers
                .insert("pstate".into(), format!("0x{v:08x}"));
        }
        b.vote(Arch::Arm64);
        Flow::Done
    }),
    ("NIP:", ppc_ip),
    ("NIP [", ppc_ip),
    ("MSR:", ppc_ip),
    // s390: `Krnl PSW : 0704f00180000000 000003ff8086d03a (will_oops_init+0x3a/0x1000 [will_oops])`.
    ("Krnl PSW", |b, t| {
        b.vote(Arch::S390);
        let Some((_, rest)) = t.split_once(':') else {
            return Flow::Done;
        };
        let mut words = rest.split_whitespace();
        if let (Some(mask), Some(addr)) = (words.next(), words.next()) {
            b.report
                .registers
                .insert("psw".into(), format!("{mask} {addr}"));
            let inner = rest
                .split_once('(')
                .and_then(|(_, r)| r.rsplit_once(')'))
                .map(|(l, _)| l);
            if let Some(mut loc) = inner.and_then(parse_location) {
                loc.address = Some(hex_norm(addr));
                b.report.ip = Some(loc);
            }
        }
        Flow::Done
    }),
    ("Flags: ", |b, t| {
        if t.contains("ISA ") {
            b.vote(Arch::Arm);
            Flow::Done
        } else {
            Flow::Next
        }
    }),
];

/// `RIP: 0010:func+0x1/0x2` and `EIP: ...`: the IP, and the registers on the same line.
fn x86_ip(b: &mut ReportBuilder, t: &str, rest: &str, arch: Arch, reg: &str) -> Flow {
    b.parse_x86_ip(rest.trim(), arch, reg);
    b.parse_registers(t);
    Flow::Done
}

/// powerpc `NIP [c000...] func+0x..` / `NIP:` / `MSR:` lines.
fn ppc_ip(b: &mut ReportBuilder, t: &str) -> Flow {
    b.vote(Arch::Ppc64);
    if let Some(loc) = LOC_RE
        .captures(t)
        .and_then(|c| parse_location(c.get(0)?.as_str()))
    {
        if t.starts_with("NIP [") {
            b.report.ip = Some(loc);
        }
    }
    b.parse_registers(t);
    Flow::Done
}

/// Runs the first handler of `table` whose prefix starts `t`.
fn dispatch(table: &[(&str, Handler)], b: &mut ReportBuilder, t: &str) -> Flow {
    match table.iter().find(|(p, _)| t.starts_with(p)) {
        Some((_, h)) => h(b, t),
        None => Flow::Next,
    }
}

impl ReportBuilder {
    /// Parses one body line (prefix stripped and trimmed).
    pub(super) fn parse_body(&mut self, t: &str) {
        if let Some(head) = self.cut_cpu_line.take() {
            if t.contains("Comm: ") && !t.starts_with("CPU: ") {
                // The rest of a CPU line cut mid-token: rejoin without a blank.
                self.parse_cpu_line(&format!("{head}{t}"));
                return;
            }
        }
        if t.is_empty() || dispatch(SECTION_LINES, self, t) == Flow::Done {
            return;
        }
        if self.report.kind == ReportKind::RcuStall {
            let r = t.strip_prefix("rcu:").map(str::trim_start).unwrap_or(t);
            if RCU_CPU_ANY_RE.is_match(r) {
                self.parse_rcu_cpu(r);
                return;
            }
            if t.contains("t=") && t.contains("jiffies") {
                self.parse_rcu_t(t);
                return;
            }
        }
        // AMD decodes name the CPU further down: `[Hardware Error]: CPU:0 (16:30:1) MC0_STATUS...`.
        if self.report.kind == ReportKind::HardwareError {
            if self.report.cpu.is_none() {
                if let Some(c) = MCE_CPU_RE.captures(t) {
                    self.report.cpu = c[1].parse().ok();
                }
            }
            super::headline::mce_fields(&mut self.report, t);
        }
        self.parse_oops_counter(t);
        // lockdep and RCU-usage reports name the kernel on a line of its own:
        // `5.16.0-generic #20211119 Not tainted`.
        if self.report.kernel.is_none() && (t.ends_with("Not tainted") || t.contains(" Tainted: "))
        {
            if let Some(c) = KERNEL_IDENT_RE.captures(t) {
                self.report.kernel = Some(c[1].to_string());
            }
        }
        if self.report.kind == ReportKind::Kasan && self.report.fault_address.is_none() {
            if let Some(c) = KASAN_ACCESS_RE.captures(t) {
                self.report.fault_address = Some(hex_norm(&c[3]));
                self.report.comm.get_or_insert_with(|| c[4].to_string());
                self.report.pid = self.report.pid.or(c[5].parse().ok());
            }
        }
        if self.report.fault_address.is_none() && self.report.kind == ReportKind::Oops {
            if let Some(c) = VIRT_ADDR_RE.captures(t) {
                self.report.fault_address = Some(hex_norm(&c[1]));
            }
        }
        if dispatch(IP_LINES, self, t) == Flow::Done || self.parse_frame_line(t) {
            return;
        }
        if looks_like_register_line(t) {
            self.parse_registers(t);
        }
    }

    /// A call-trace line (arm32 `f from g` pairs, or any `func+off/size` form): true when it
    /// was one.
    fn parse_frame_line(&mut self, t: &str) -> bool {
        if self.trace_over {
            return looks_like_frame(t) || t.starts_with("[<");
        }
        if let Some(cap) = ARM_FRAME_RE.captures(t) {
            self.vote(Arch::Arm);
            self.in_trace = true;
            if self.trace_frames == 0 {
                self.push_frame(Frame {
                    function: cap[2].to_string(),
                    offset: cap.get(3).map(|m| m.as_str().to_string()),
                    size: cap.get(4).map(|m| m.as_str().to_string()),
                    module: cap.get(5).map(|m| m.as_str().to_string()),
                    address: Some(hex_norm(&cap[1])),
                    reliable: true,
                    context: self.context,
                    source: None,
                });
            }
            self.push_frame(Frame {
                function: cap[7].to_string(),
                offset: cap.get(8).map(|m| m.as_str().to_string()),
                size: cap.get(9).map(|m| m.as_str().to_string()),
                module: cap.get(10).map(|m| m.as_str().to_string()),
                address: Some(hex_norm(&cap[6])),
                reliable: true,
                context: self.context,
                source: None,
            });
            return true;
        }
        if !looks_like_frame(t) {
            return false;
        }
        if let Some(cap) = ARM_BARE_FRAME_RE.captures(t) {
            // Each line names the callee and its caller with the return offset; the callee
            // is the previous line's caller, except on the first line.
            self.vote(Arch::Arm);
            self.in_trace = true;
            if self.trace_frames == 0 {
                self.push_frame(Frame {
                    function: cap[1].to_string(),
                    offset: None,
                    size: None,
                    module: None,
                    address: None,
                    reliable: true,
                    context: self.context,
                    source: None,
                });
            }
            self.push_frame(Frame {
                function: cap[2].to_string(),
                offset: Some(cap[3].to_string()),
                size: Some(cap[4].to_string()),
                module: cap.get(5).map(|m| m.as_str().to_string()),
                address: None,
                reliable: true,
                context: self.context,
                source: None,
            });
            return true;
        }
        let Some(cap) = FRAME_RE.captures(t) else {
            return false;
        };
        let fname = cap[3].to_string();
        if is_register_name(&fname) {
            // `RIP: 0010:foo+0x..` is an IP line; anything else named like a register is not
            // a frame.
            return false;
        }
        self.in_trace = true;
        let unreliable = cap.get(2).is_some() || cap.get(7).is_some();
        self.push_frame(Frame {
            function: fname,
            offset: cap.get(4).map(|m| m.as_str().to_string()),
            size: cap.get(5).map(|m| m.as_str().to_string()),
            module: cap.get(6).map(|m| m.as_str().to_string()),
            address: cap.get(1).map(|m| hex_norm(m.as_str())),
            reliable: !unreliable,
            context: self.context,
            source: None,
        });
        true
    }

    /// The `Oops: 0000 [#1] SMP` counter, also on a GPF's line (`general protection fault,
    /// probably for non-canonical address 0x...: 0000 [#1] PREEMPT SMP KASAN`).
    pub(super) fn parse_oops_counter(&mut self, t: &str) {
        let gpf = t.contains("general protection fault");
        if t.contains("Oops") || t.starts_with("Internal error:") || gpf {
            if let Some(c) = OOPS_LINE_RE.captures(t) {
                // A GPF's code is a segment selector error code, not a page-fault code.
                self.parse_oops_line(&c[1], &c[2], &c[3], !gpf);
            }
        }
    }

    pub(super) fn parse_oops_line(&mut self, code: &str, count: &str, flags: &str, pf_code: bool) {
        let v = decode::parse_hex(code);
        let flags_s = flags.trim().to_string();
        self.report.decoded.oops = Some(OopsLine {
            code: hex_norm(code),
            count: count.parse::<u32>().ok(),
            flags: flags_s,
        });
        if flags.contains(" ARM") || flags.ends_with("ARM") || flags.contains("THUMB2") {
            self.vote(Arch::Arm);
            if let Some(v) = v {
                self.report.decoded.fsr = Some(decode::decode_arm32_fsr(v as u32));
            }
        } else if code.len() >= 8 {
            // arm64 prints the ESR here.
            if let Some(v) = v {
                if self.report.decoded.esr.is_none() && (v >> 26) != 0 {
                    self.report.decoded.esr = Some(decode::decode_esr(v));
                }
            }
        } else if let Some(v) = v {
            if pf_code
                && self.report.kind == ReportKind::Oops
                && self.report.fault_address.is_some()
                && self.report.decoded.page_fault.is_none()
                && code.len() == 4
            {
                self.report.decoded.page_fault = Some(decode::decode_x86_pf_error(v));
            }
        }
    }

    pub(super) fn parse_rcu_cpu(&mut self, t: &str) {
        let Some(stall) = self.report.decoded.rcu_stall.as_mut() else {
            return;
        };
        if let Some(c) = RCU_CPU_ANY_RE.captures(t) {
            if let Ok(cpu) = c[1].parse::<u32>() {
                if stall.stalled_cpus.len() < 4096 {
                    stall.stalled_cpus.push(cpu);
                }
                if self.report.cpu.is_none() {
                    self.report.cpu = Some(cpu);
                }
            }
            let ticks = RCU_CPU_RE.captures(t).and_then(|c2| {
                let ticks = c2[3].parse::<u64>().ok();
                if stall.ticks_this_gp.is_none() {
                    stall.ticks_this_gp = ticks;
                    if let Some(f) = c2.get(4) {
                        stall.fqs = f.as_str().parse::<u64>().ok();
                    }
                }
                ticks
            });
            if let (Ok(cpu), true) = (c[1].parse::<u32>(), stall.cpus.len() < 4096) {
                stall.cpus.push(decode::decode_rcu_cpu(cpu, &c[2], ticks));
            }
        }
    }

    pub(super) fn parse_rcu_t(&mut self, t: &str) {
        let Some(stall) = self.report.decoded.rcu_stall.as_mut() else {
            return;
        };
        if let Some(c) = RCU_T_RE.captures(t) {
            if let Some(d) = c.get(1) {
                stall.detected_by = d.as_str().parse::<u32>().ok();
            }
            stall.jiffies = c[2].parse::<u64>().ok();
            stall.grace_period = c[3].parse::<i64>().ok();
            stall.q = c[4].parse::<u64>().ok();
        }
    }
}

/// Lines that belong to the body of any report (registers, frames, trace markers...).
pub fn is_body_line(t: &str) -> bool {
    let b = t.as_bytes();
    if b.is_empty() {
        return true;
    }
    if BODY_PREFIXES.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    // arm64 `x29: ffff...`, arm32 `r10: ...`, `sp : ...`.
    if (b[0] == b'x' || b[0] == b'r') && b.len() > 3 {
        let d = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if d > 0 && d <= 2 {
            let rest = &t[1 + d..];
            if rest.trim_start().starts_with(':') {
                return true;
            }
        }
    }
    // hex dumps `fd80: 0000...`, stack words `c18655ce 00012fa6 ...`, `[<addr>]` frames.
    if b[0] == b'[' && b.get(1) == Some(&b'<') {
        return true;
    }
    if b[0] == b'?' {
        return true;
    }
    if looks_like_frame(t) && (FRAME_RE.is_match(t) || ARM_BARE_FRAME_RE.is_match(t)) {
        return true;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let hexish = first.trim_end_matches(':');
    if hexish.len() >= 4 && hexish.bytes().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    is_code_continuation(t)
}

/// The rest of a `Code:` line wrapped by a terminal or a paste: only byte pairs, one of them
/// perhaps marked (`ba 16 00 00 00 89 d8 e8 a7 14 01 00 8b 43 08 85 c0 78 02 <0f> 0b`).
fn is_code_continuation(t: &str) -> bool {
    let mut n = 0;
    for tok in t.split_whitespace() {
        let core = tok
            .trim_start_matches(['<', '('])
            .trim_end_matches(['>', ')']);
        if core.len() != 2 || !core.bytes().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
        n += 1;
    }
    n >= 6
}

pub(super) fn is_sanitizer_body(t: &str) -> bool {
    SANITIZER_TEXT_PREFIXES.iter().any(|p| t.starts_with(p))
        || t.starts_with('>')
        || t.starts_with("  ")
        // lockdep: `1 lock held by chrome/1993:`, `&kctx->reg_lock --> &mm->mmap_lock`.
        || t.contains(" lock held by ")
        || t.contains(" locks held by ")
        || t.contains(" --> ")
}
