//! Kernel report parsing: per-line field extraction for one report, per architecture.
//!
//! A [`ReportBuilder`] is fed the records of one report in order; it fills the typed
//! [`Report`] fields (CPU line, registers, call trace with contexts, Code: bytes, decoded
//! values) and says whether a record still belongs to the report ([`ReportBuilder::accepts`]).

pub mod segment;

use crate::decode;
use crate::frame::Record;
use crate::model::decoded::{OopsLine, ProcessorState, RcuStallInfo};
use crate::model::*;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Most lines kept per report; a longer report keeps parsing fields but stops storing lines.
pub const MAX_REPORT_LINES: usize = 1000;
/// Most frames kept per report.
pub const MAX_FRAMES: usize = 512;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).expect("static regex"));
    };
}

// A call-trace frame: optional addresses, optional `?`, name+off/size, optional [module].
re!(
    FRAME_RE,
    r"^\s*(?:\[<?(?:0x)?([0-9a-fA-F]+)>?\]\s*){0,2}(\?\s+)?([A-Za-z0-9_.$<>:\-]+?)\+(0x[0-9a-fA-F]+)(?:/(0x[0-9a-fA-F]+))?(?:\s+\[([A-Za-z0-9_\-]+)(?:\]|\s|$))?(\s+\(unreliable\))?"
);
// arm32: [<c0c3ac54>] (rpmsg_sock_release) from [<c0543c30>] (sock_release+0x20/0x98)
re!(
    ARM_FRAME_RE,
    r"^\s*\[<([0-9a-f]+)>\]\s+\(([A-Za-z0-9_.$]+)(?:\+(0x[0-9a-f]+)/(0x[0-9a-f]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?\)\s+from\s+\[<([0-9a-f]+)>\]\s+\(([A-Za-z0-9_.$]+)(?:\+(0x[0-9a-f]+)/(0x[0-9a-f]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?\)"
);
// Bare address frame: [<ffff000008081a40>] with nothing else useful.
re!(
    LOC_RE,
    r"([A-Za-z0-9_.$]+)\+(0x[0-9a-fA-F]+)(?:/(0x[0-9a-fA-F]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?"
);
// Register pairs: `RAX: 0000000000000003`, `x29: ffff...`, `r10: ea895308`, `sp : ec98dee8`.
re!(
    REG_RE,
    r"(?:^|\s)([A-Za-z][A-Za-z0-9_]{0,6})\s*:\s?(?:[0-9a-fA-F]{4}:)?([0-9a-fA-F]{8,16})\b"
);
re!(
    SOFT_LOCKUP_RE,
    r"CPU#(\d+) stuck for (\d+)s!(?: \[(.+):(\d+)\])?"
);
re!(HARD_LOCKUP_RE, r"hard LOCKUP on cpu (\d+)");
re!(
    HUNG_RE,
    r"INFO: task (.+):(\d+) (?:blocked for more than (\d+) seconds|can't die for more than (\d+) seconds)"
);
re!(
    RCU_CPU_RE,
    r"^\s*(\d+)-[.\w]{3,5}:\s*\((\d+) ticks this GP\)(?:.*?fqs=(\d+))?"
);
re!(RCU_CPU_ANY_RE, r"^\s*(\d+)-[.\w]{3,5}:\s*\(([^)]*)\)");
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
    WARN_RE,
    r"WARNING: CPU: (\d+) PID: (\d+) at (\S+)(?: (\S+))?"
);
re!(PROCESS_RE, r"^Process (.+) \(pid: (\d+), stack limit");
re!(TASK_LINE_RE, r"^task:(\S+)\s+state:\s*(\S+).*?pid:\s*(\d+)");
re!(PF_CODE_RE, r"#PF: error_code\((0x[0-9a-f]+)\)");
re!(
    OOPS_LINE_RE,
    r"(?:Oops|Internal error: Oops):? (?:- \w+ )?([0-9a-fA-F]+) \[#(\d+)\]\s*(.*)"
);
re!(ESR_RE, r"ESR = (0x[0-9a-fA-F]+)");
re!(NMI_CPU_RE, r"NMI backtrace for cpu (\d+)");
re!(OOM_COMM_RE, r"^(.+?) invoked oom-killer:");
re!(
    OOM_KILLED_RE,
    r"(?:Killed process|Kill process) (\d+) \(([^)]*)\)"
);
re!(MCE_CPU_RE, r"CPU:? (\d+)");
re!(PANIC_RE, r"Kernel panic - not syncing:\s?(.*)");

/// Functions whose frame marks the entry of an interrupt on arm/arm64/x86 traces without markers.
const IRQ_ENTRY: &[&str] = &[
    "el1_irq",
    "el0_irq",
    "el1h_64_irq",
    "el1h_64_irq_handler",
    "el0t_64_irq",
    "el0t_64_irq_handler",
    "__irq_svc",
    "__irq_usr",
    "call_on_irq_stack",
    "ret_from_intr",
    "common_interrupt",
    "asm_common_interrupt",
    "apic_timer_interrupt",
    "asm_sysvec_apic_timer_interrupt",
    "asm_sysvec_call_function_single",
    "irq_exit_rcu",
];
/// Functions that run softirqs.
const SOFTIRQ_RUNNERS: &[&str] = &[
    "__do_softirq",
    "do_softirq",
    "__softirqentry_text_start",
    "handle_softirqs",
];
/// Exception-entry functions (faults, traps). EL0 syscall entries (`el0t_64_sync`, `el0_svc`)
/// are not here: a system call runs in task context.
const EXCEPTION_ENTRY: &[&str] = &[
    "el1_sync",
    "el1h_64_sync",
    "el1h_64_sync_handler",
    "el1_abort",
    "el1_da",
    "el1_ia",
    "el0_da",
    "el0_ia",
    "__dabt_svc",
    "__dabt_usr",
    "asm_exc_page_fault",
    "asm_exc_invalid_op",
    "asm_exc_general_protection",
    "page_fault",
];

/// Builds one [`Report`] from its records.
pub struct ReportBuilder {
    /// The report being filled.
    pub report: Report,
    in_trace: bool,
    trace_frames: usize,
    context: FrameContext,
    saw_context_markers: bool,
    header_lines: usize,
    last_uptime: Option<f64>,
    closed: bool,
    code_open: bool,
    arch_votes: [u8; 7],
}

fn arch_index(a: Arch) -> usize {
    match a {
        Arch::X86_64 => 0,
        Arch::I386 => 1,
        Arch::Arm64 => 2,
        Arch::Arm => 3,
        Arch::Riscv64 => 4,
        Arch::Ppc64 => 5,
        Arch::S390 => 6,
    }
}

const ARCHES: [Arch; 7] = [
    Arch::X86_64,
    Arch::I386,
    Arch::Arm64,
    Arch::Arm,
    Arch::Riscv64,
    Arch::Ppc64,
    Arch::S390,
];

impl ReportBuilder {
    /// Starts a report of `kind` at `rec`.
    pub fn start(kind: ReportKind, rec: &Record, path: &str, boot: usize) -> Self {
        let time = record_time(rec);
        let report = Report {
            id: String::new(),
            kind,
            title: String::new(),
            crash_type: None,
            corrupted: false,
            alt_titles: Vec::new(),
            guilty_frame: None,
            suppressed: false,
            severity: kind.severity(),
            source: Span {
                path: path.to_string(),
                first_line: rec.first_line,
                last_line: rec.last_line,
            },
            boot,
            time,
            cpu: None,
            pid: None,
            comm: None,
            kernel: None,
            taint: None,
            hardware: None,
            arch: None,
            registers: BTreeMap::new(),
            ip: None,
            lr: None,
            fault_address: None,
            frames: Vec::new(),
            code: None,
            modules: Vec::new(),
            panic_reason: None,
            kdump_loaded: None,
            decoded: Decoded::default(),
            headline: rec.text.trim().to_string(),
            ended: false,
            lines: Vec::new(),
        };
        let mut b = ReportBuilder {
            report,
            in_trace: false,
            trace_frames: 0,
            context: FrameContext::Task,
            saw_context_markers: false,
            header_lines: 0,
            last_uptime: rec.uptime,
            closed: false,
            code_open: false,
            arch_votes: [0; 7],
        };
        b.feed_line(rec);
        b.parse_headline(rec.text.trim());
        if kind == ReportKind::RegisterDump {
            b.parse_body(rec.text.trim(), rec);
        }
        b
    }

    /// Whether an orphan body line `n` records after this report stopped continues it: a
    /// report interrupted by a stray line before its trace (syslog splitting a long line), or
    /// the register block x86 prints again right after `---[ end trace`.
    pub fn resumable_by(&self, t: &str, n: u32) -> bool {
        if self.closed {
            n == 0
                && self.report.ip.is_some()
                && (t.starts_with("RIP: ") || t.starts_with("pc : ") || t.starts_with("EIP: "))
        } else {
            n <= 3 && self.report.frames.is_empty()
        }
    }

    /// Reopens a report that an end marker closed.
    pub fn reopen(&mut self) {
        self.closed = false;
    }

    /// Kind of the report being built.
    pub fn kind(&self) -> ReportKind {
        self.report.kind
    }

    /// True once an end marker was seen.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// True while the report has not reached its call trace.
    pub fn in_header(&self) -> bool {
        !self.in_trace && self.report.frames.is_empty()
    }

    /// Marks the report ended by an end-of-trace line (which is fed first).
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Whether `rec` (not a report marker) still belongs to this report.
    pub fn accepts(&self, rec: &Record) -> bool {
        if self.closed {
            return false;
        }
        if let (Some(a), Some(b)) = (self.last_uptime, rec.uptime) {
            if b + 1.0 < a || b - a > 60.0 {
                return false;
            }
        }
        let t = rec.text.trim();
        let policy = self.report.kind.info().header;
        if t.is_empty() || policy.verbatim {
            return self.header_lines < MAX_REPORT_LINES * 4;
        }
        if is_body_line(t) {
            return true;
        }
        if policy.free_header && !self.in_trace && self.header_lines < 400 {
            return true;
        }
        if self.header_lines < policy.any_line_until {
            return true;
        }
        // Sanitizer reports carry free text between their stacks.
        if policy.sanitizer_text && self.header_lines < 2000 {
            return is_sanitizer_body(t);
        }
        false
    }

    /// Adds a record to the report and parses what it says.
    pub fn feed(&mut self, rec: &Record) {
        self.feed_line(rec);
        let t = rec.text.trim();
        self.parse_body(t, rec);
    }

    fn feed_line(&mut self, rec: &Record) {
        self.header_lines += 1;
        if rec.uptime.is_some() {
            self.last_uptime = rec.uptime;
        }
        self.report.source.last_line = self.report.source.last_line.max(rec.last_line);
        if self.report.lines.len() < MAX_REPORT_LINES {
            if memchr::memmem::find(rec.text.as_bytes(), b"---[ end trace").is_some() {
                self.report.ended = true;
            }
            self.report.lines.push(ReportLine {
                line: rec.first_line,
                uptime: rec.uptime,
                text: rec.text.clone(),
            });
        }
    }

    fn vote(&mut self, a: Arch) {
        let i = arch_index(a);
        self.arch_votes[i] = self.arch_votes[i].saturating_add(1);
    }

    fn parse_headline(&mut self, t: &str) {
        let r = &mut self.report;
        match r.kind {
            ReportKind::SoftLockup => {
                if let Some(c) = SOFT_LOCKUP_RE.captures(t) {
                    r.cpu = c.get(1).and_then(|m| m.as_str().parse().ok());
                    r.decoded.stuck_seconds = c.get(2).and_then(|m| m.as_str().parse().ok());
                    r.comm = c.get(3).map(|m| m.as_str().to_string());
                    r.pid = c.get(4).and_then(|m| m.as_str().parse().ok());
                }
            }
            ReportKind::HardLockup => {
                if let Some(c) = HARD_LOCKUP_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            ReportKind::HungTask => {
                if let Some(c) = HUNG_RE.captures(t) {
                    r.comm = Some(c[1].to_string());
                    r.pid = c[2].parse().ok();
                    r.decoded.blocked_seconds =
                        c.get(3).or(c.get(4)).and_then(|m| m.as_str().parse().ok());
                }
            }
            ReportKind::RcuStall => {
                let expedited = t.contains("expedited");
                let self_detected = t.contains("self-detected");
                let flavor = t
                    .split_whitespace()
                    .find(|w| w.starts_with("rcu_"))
                    .map(|w| w.trim_end_matches(':').to_string());
                r.decoded.rcu_stall = Some(RcuStallInfo {
                    flavor,
                    self_detected,
                    expedited,
                    ..RcuStallInfo::default()
                });
            }
            ReportKind::Panic => {
                if let Some(c) = PANIC_RE.captures(t) {
                    r.panic_reason = Some(c[1].trim().to_string());
                }
            }
            ReportKind::Warning => {
                if let Some(c) = WARN_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                    r.pid = c[2].parse().ok();
                    if let Some(loc) = c.get(4).and_then(|m| parse_location(m.as_str())) {
                        r.ip.get_or_insert(loc);
                    }
                }
            }
            ReportKind::NmiBacktrace => {
                if let Some(c) = NMI_CPU_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            ReportKind::Oom => {
                if let Some(c) = OOM_COMM_RE.captures(t) {
                    r.comm = Some(c[1].trim().to_string());
                }
            }
            ReportKind::HardwareError => {
                if let Some(c) = MCE_CPU_RE.captures(t) {
                    r.cpu = c[1].parse().ok();
                }
            }
            _ => {}
        }
        if matches!(
            r.kind,
            ReportKind::Oops | ReportKind::Kasan | ReportKind::Kfence | ReportKind::Bug
        ) {
            if let Some(c) = VIRT_ADDR_RE.captures(t) {
                r.fault_address = Some(hex_norm(&c[1]));
            }
        }
    }

    fn parse_body(&mut self, t: &str, rec: &Record) {
        if t.is_empty() {
            return;
        }
        // Code: continuation lines (wrapped hex bytes) are handled by the framer; here a
        // `Code:` line is parsed whole.
        self.code_open = false;
        let b = t.as_bytes();
        match b[0] {
            b'C' if t.starts_with("CPU: ") => self.parse_cpu_line(t),
            b'C' if t.starts_with("Call Trace:") || t.starts_with("Call trace:") => {
                self.start_trace();
                return;
            }
            b'C' if t.starts_with("Code: ") => {
                self.parse_code(&t[6..]);
                return;
            }
            b'C' if t.starts_with("CR2: ")
                && self.report.fault_address.is_none()
                && self.report.kind == ReportKind::Oops =>
            {
                if let Some(v) = t[5..].split_whitespace().next() {
                    self.report.fault_address = Some(hex_norm(v));
                }
            }
            b'B' if t.starts_with("Backtrace:") => {
                self.start_trace();
                return;
            }
            b'H' if t.starts_with("Hardware name: ") => {
                self.report.hardware = Some(t[15..].trim().to_string());
                return;
            }
            b'M' if t.starts_with("Modules linked in:") => {
                self.parse_modules(&t[18..]);
                return;
            }
            b'<' => {
                if let Some(ctx) = context_marker(t) {
                    self.saw_context_markers = true;
                    self.context = ctx;
                    self.in_trace = true;
                    return;
                }
            }
            b'P' if t.starts_with("PC is at ") => {
                self.report.ip = parse_location(t[9..].trim());
                return;
            }
            b'L' if t.starts_with("LR is at ") => {
                self.report.lr = parse_location(t[9..].trim());
                return;
            }
            b'P' if t.starts_with("Process ") => {
                if let Some(c) = PROCESS_RE.captures(t) {
                    self.report.comm.get_or_insert_with(|| c[1].to_string());
                    self.report.pid = self.report.pid.or(c[2].parse().ok());
                }
                return;
            }
            b'E' if t.starts_with("ESR = ") => {
                if let Some(c) = ESR_RE.captures(t) {
                    if let Some(v) = decode::parse_hex(&c[1]) {
                        self.report.decoded.esr = Some(decode::decode_esr(v));
                        self.report.registers.insert("esr".into(), hex_norm(&c[1]));
                        self.vote(Arch::Arm64);
                    }
                }
                return;
            }
            b'E' if t.starts_with("Exception stack(") => {
                self.start_trace_keep_context();
                return;
            }
            b'#' if t.starts_with("#PF: error_code(") => {
                if let Some(c) = PF_CODE_RE.captures(t) {
                    if let Some(v) = decode::parse_hex(&c[1]) {
                        self.report.decoded.page_fault = Some(decode::decode_x86_pf_error(v));
                    }
                }
                return;
            }
            b't' if t.starts_with("task:") => {
                if let Some(c) = TASK_LINE_RE.captures(t) {
                    if self.report.comm.is_none() {
                        self.report.comm = Some(c[1].to_string());
                        self.report.pid = c[3].parse().ok();
                    }
                }
                return;
            }
            _ => {}
        }
        if self.report.kind == ReportKind::RcuStall {
            let r = t.strip_prefix("rcu:").map(str::trim_start).unwrap_or(t);
            if RCU_CPU_ANY_RE.is_match(r) {
                self.parse_rcu_cpu(r);
                return;
            }
        }
        if self.report.kind == ReportKind::RcuStall && t.contains("t=") && t.contains("jiffies") {
            self.parse_rcu_t(t);
            return;
        }
        if t.contains("Oops") || t.starts_with("Internal error:") {
            if let Some(c) = OOPS_LINE_RE.captures(t) {
                self.parse_oops_line(&c[1], &c[2], &c[3]);
            }
        }
        if self.report.kind == ReportKind::Kasan && self.report.fault_address.is_none() {
            if let Some(c) = KASAN_ACCESS_RE.captures(t) {
                self.report.fault_address = Some(hex_norm(&c[3]));
                self.report.comm.get_or_insert_with(|| c[4].to_string());
                self.report.pid = self.report.pid.or(c[5].parse().ok());
            }
        }
        if self.report.kind == ReportKind::Oom {
            if let Some(c) = OOM_KILLED_RE.captures(t) {
                let _ = c;
            }
        }
        if self.report.fault_address.is_none() && matches!(self.report.kind, ReportKind::Oops) {
            if let Some(c) = VIRT_ADDR_RE.captures(t) {
                self.report.fault_address = Some(hex_norm(&c[1]));
            }
        }
        // Instruction pointer lines.
        if let Some(rest) = t.strip_prefix("RIP: ").or_else(|| t.strip_prefix("RIP  ")) {
            self.parse_x86_ip(rest.trim(), Arch::X86_64, "rip");
            self.parse_registers(t);
            return;
        }
        if let Some(rest) = t
            .strip_prefix("EIP: ")
            .or_else(|| t.strip_prefix("EIP is at "))
        {
            self.vote(Arch::I386);
            if t.starts_with("EIP is at ") {
                if self.report.ip.is_none() {
                    self.report.ip = parse_location(rest.trim());
                }
            } else {
                self.parse_x86_ip(rest.trim(), Arch::I386, "eip");
                self.parse_registers(t);
            }
            return;
        }
        if let Some(rest) = t.strip_prefix("IP: ") {
            self.parse_x86_ip(rest.trim(), Arch::X86_64, "ip");
            return;
        }
        if let Some(rest) = t.strip_prefix("pc : ") {
            if let Some(loc) = parse_location(rest.trim()) {
                if !self.in_trace || self.report.ip.is_none() {
                    self.report.ip = Some(loc);
                }
                self.vote(Arch::Arm64);
                return;
            }
            // Old arm64: `pc : [<ffff000008081a40>] lr : [<...>] pstate: 20400009`
            self.parse_registers(t);
            self.vote(Arch::Arm64);
            return;
        }
        if let Some(rest) = t.strip_prefix("lr : ") {
            if let Some(loc) = parse_location(rest.trim()) {
                self.report.lr = Some(loc);
                return;
            }
        }
        if let Some(rest) = t.strip_prefix("epc : ") {
            self.vote(Arch::Riscv64);
            if let Some(loc) = parse_location(rest.trim()) {
                self.report.ip = Some(loc);
                return;
            }
        }
        if let Some(rest) = t.strip_prefix("pstate: ") {
            if let Some(v) = rest.split_whitespace().next().and_then(decode::parse_hex) {
                self.report.decoded.pstate = Some(ProcessorState::Pstate(decode::decode_pstate(v)));
                self.report
                    .registers
                    .insert("pstate".into(), format!("0x{v:08x}"));
            }
            self.vote(Arch::Arm64);
            return;
        }
        if t.starts_with("NIP:") || t.starts_with("NIP [") || t.starts_with("MSR:") {
            self.vote(Arch::Ppc64);
            if let Some(loc) = LOC_RE
                .captures(t)
                .and_then(|c| parse_location(c.get(0)?.as_str()))
            {
                if t.starts_with("NIP [") {
                    self.report.ip = Some(loc);
                }
            }
            self.parse_registers(t);
            return;
        }
        if t.starts_with("Krnl PSW") {
            self.vote(Arch::S390);
        }
        if t.starts_with("Flags: ") && t.contains("ISA ") {
            self.vote(Arch::Arm);
            return;
        }
        // Frames.
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
            });
            return;
        }
        if looks_like_frame(t) {
            if let Some(cap) = FRAME_RE.captures(t) {
                let fname = cap[3].to_string();
                if is_register_name(&fname) {
                    // `RIP: 0010:foo+0x..` handled above; anything else is not a frame.
                } else {
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
                    });
                    return;
                }
            }
        }
        // Register lines.
        if looks_like_register_line(t) {
            self.parse_registers(t);
        }
        let _ = rec;
    }

    fn start_trace(&mut self) {
        self.in_trace = true;
        if !self.saw_context_markers {
            self.context = FrameContext::Task;
        }
    }

    fn start_trace_keep_context(&mut self) {
        self.in_trace = true;
    }

    fn push_frame(&mut self, f: Frame) {
        self.trace_frames += 1;
        if self.report.frames.len() < MAX_FRAMES {
            self.report.frames.push(f);
        }
    }

    fn parse_cpu_line(&mut self, t: &str) {
        // CPU: 65 PID: 925 Comm: kcompactd4 Kdump: loaded Tainted: G        W  OEL   --------- -  - 4.18.0-372.19.1.es8_10.aarch64 #1
        let r = &mut self.report;
        let rest = &t[5..];
        let mut it = rest.split_whitespace();
        let cpu = it.next().and_then(|s| s.parse::<u32>().ok());
        if cpu.is_none() {
            return;
        }
        if r.cpu.is_none() || r.kind != ReportKind::RcuStall {
            r.cpu = cpu.or(r.cpu);
        }
        if let Some(pid_at) = rest.find("PID: ") {
            let p = &rest[pid_at + 5..];
            if let Some(pid) = p.split_whitespace().next().and_then(|s| s.parse().ok()) {
                r.pid = Some(pid);
            }
        }
        let Some(comm_at) = rest.find("Comm: ") else {
            return;
        };
        let after = &rest[comm_at + 6..];
        let stops = [" Kdump: ", " Tainted: ", " Not tainted", " Tainted:"];
        let mut end = after.len();
        for s in stops {
            if let Some(i) = after.find(s) {
                end = end.min(i);
            }
        }
        if end == after.len() {
            // No taint marker: comm is the first token.
            end = after.find(' ').unwrap_or(after.len());
        }
        r.comm = Some(after[..end].trim().to_string());
        let tail = &after[end..];
        if let Some(i) = tail.find("Kdump: ") {
            let k = &tail[i + 7..];
            r.kdump_loaded = Some(k.starts_with("loaded"));
        }
        let mut release_from = tail;
        if let Some(i) = tail.find("Not tainted") {
            r.taint = Some(decode::decode_taint("Not tainted"));
            release_from = &tail[i + 11..];
        } else if let Some(i) = tail.find("Tainted:") {
            let after_t = &tail[i + 8..];
            // Flags are single letters / letter clusters; stop at the first token with a digit
            // or made of dashes (RHEL prints `--------- -  -` before the release).
            let mut flags_end = 0;
            let bytes = after_t.as_bytes();
            let mut k = 0;
            while k < bytes.len() {
                let c = bytes[k];
                if c == b' ' {
                    k += 1;
                    continue;
                }
                let tok_end = after_t[k..].find(' ').map(|x| k + x).unwrap_or(bytes.len());
                let tok = &after_t[k..tok_end];
                if tok.bytes().all(|c| c.is_ascii_uppercase()) && tok.len() <= 20 {
                    flags_end = tok_end;
                    k = tok_end;
                } else {
                    break;
                }
            }
            let flags = after_t[..flags_end].trim();
            r.taint = Some(decode::decode_taint(if flags.is_empty() {
                ""
            } else {
                flags
            }));
            release_from = &after_t[flags_end..];
        }
        if let Some(rel) = release_from
            .split_whitespace()
            .find(|w| w.as_bytes()[0].is_ascii_digit() && w.contains('.'))
        {
            let rel = rel.split('#').next().unwrap_or(rel);
            r.kernel = Some(rel.to_string());
            let lower = rel.to_ascii_lowercase();
            if lower.contains("aarch64") || lower.ends_with("arm64") {
                self.vote(Arch::Arm64);
            } else if lower.contains("x86_64") || lower.contains("amd64") {
                self.vote(Arch::X86_64);
            } else if lower.contains("i686") || lower.contains("i386") {
                self.vote(Arch::I386);
            }
        }
    }

    fn parse_modules(&mut self, s: &str) {
        let s = s.split("[last unloaded").next().unwrap_or(s);
        for tok in s.split_whitespace() {
            if tok == "……" || tok == "..." || tok.starts_with('[') {
                continue;
            }
            let name = tok.split('(').next().unwrap_or(tok);
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                && self.report.modules.len() < 1024
            {
                self.report.modules.push(name.to_string());
            }
        }
    }

    fn parse_code(&mut self, s: &str) {
        let mut bytes = Vec::new();
        let mut fault = None;
        let mut unit = 1u8;
        for (i, tok) in s.split_whitespace().enumerate() {
            let (core, marked) =
                if let Some(x) = tok.strip_prefix('<').and_then(|x| x.strip_suffix('>')) {
                    (x, true)
                } else if let Some(x) = tok.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                    (x, true)
                } else {
                    (tok, false)
                };
            if core.is_empty() || !core.bytes().all(|c| c.is_ascii_hexdigit()) {
                if core.starts_with("Unable") || core.starts_with("Bad") {
                    break;
                }
                continue;
            }
            unit = (core.len() / 2).clamp(1, 8) as u8;
            if marked {
                fault = Some(i);
            }
            bytes.push(core.to_ascii_lowercase());
        }
        if !bytes.is_empty() {
            self.report.code = Some(Code {
                bytes: bytes.join(" "),
                fault_index: fault,
                unit,
            });
        }
        self.code_open = true;
    }

    fn parse_oops_line(&mut self, code: &str, count: &str, flags: &str) {
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
            if self.report.kind == ReportKind::Oops
                && self.report.fault_address.is_some()
                && self.report.decoded.page_fault.is_none()
                && code.len() == 4
            {
                self.report.decoded.page_fault = Some(decode::decode_x86_pf_error(v));
            }
        }
    }

    fn parse_rcu_cpu(&mut self, t: &str) {
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
            if let Some(c2) = RCU_CPU_RE.captures(t) {
                if stall.ticks_this_gp.is_none() {
                    stall.ticks_this_gp = c2[2].parse::<u64>().ok();
                    if let Some(f) = c2.get(3) {
                        stall.fqs = f.as_str().parse::<u64>().ok();
                    }
                }
            }
        }
    }

    fn parse_rcu_t(&mut self, t: &str) {
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

    fn parse_x86_ip(&mut self, rest: &str, arch: Arch, reg: &str) {
        self.vote(arch);
        // `0010:func+0x1/0x2`, `0010:[<addr>] [<addr>] func+..`, `[<addr>] func+..`, `0033:0x7f..`
        let s = rest;
        let loc = LOC_RE
            .captures(s)
            .and_then(|c| parse_location(c.get(0)?.as_str()));
        let addr = s
            .split(['<', '>', '[', ']', ':', ' '])
            .find(|w| w.len() >= 8 && w.bytes().all(|c| c.is_ascii_hexdigit()))
            .map(hex_norm);
        if let Some(mut loc) = loc {
            if loc.address.is_none() {
                loc.address = addr.clone();
            }
            // The first RIP of a report is where the CPU was; later ones (user mode, IRQ) are not.
            if self.report.ip.is_none() {
                self.report.ip = Some(loc);
            }
        }
        if let Some(a) = addr {
            self.report.registers.entry(reg.to_string()).or_insert(a);
        }
    }

    fn parse_registers(&mut self, t: &str) {
        for c in REG_RE.captures_iter(t) {
            let name = c[1].to_ascii_lowercase();
            if name == "cpu" || name == "pid" {
                continue;
            }
            if self.report.registers.len() >= 128 {
                break;
            }
            let v = hex_norm(&c[2]);
            match name.as_str() {
                "rax" | "rbx" | "r08" | "r15" => self.vote(Arch::X86_64),
                "eax" | "ebx" | "esi" => self.vote(Arch::I386),
                "x29" | "x0" | "x30" => self.vote(Arch::Arm64),
                "r10" | "fp" | "ip" if !self.report.registers.contains_key("x29") => {
                    self.vote(Arch::Arm)
                }
                "psr" => self.vote(Arch::Arm),
                "eflags" => {
                    if let Some(x) = decode::parse_hex(&c[2]) {
                        self.report.decoded.eflags = Some(decode::decode_eflags(x));
                    }
                }
                _ => {}
            }
            if name == "psr" {
                if let Some(x) = decode::parse_hex(&c[2]) {
                    self.report.decoded.pstate =
                        Some(ProcessorState::Cpsr(decode::decode_cpsr(x as u32)));
                }
            }
            self.report.registers.entry(name).or_insert(v);
        }
    }

    /// Finishes the report: infers the architecture and the frame contexts.
    pub fn finish(mut self) -> Report {
        // Arch by votes; ties broken by table order.
        let mut best = None;
        let mut best_n = 0;
        for (i, &n) in self.arch_votes.iter().enumerate() {
            if n > best_n {
                best_n = n;
                best = Some(ARCHES[i]);
            }
        }
        if best.is_none() {
            best = arch_from_frames(&self.report.frames);
        }
        self.report.arch = best;
        if !self.saw_context_markers {
            infer_contexts(&mut self.report.frames);
        }
        // Reports are kept until the end: drop the growth slack.
        self.report.frames.shrink_to_fit();
        self.report.lines.shrink_to_fit();
        self.report.modules.shrink_to_fit();
        self.report
    }
}

fn arch_from_frames(frames: &[Frame]) -> Option<Arch> {
    for f in frames {
        let n = f.function.as_str();
        if n.starts_with("el1") || n.starts_with("el0") || n == "gic_handle_irq" {
            return Some(Arch::Arm64);
        }
        if n.starts_with("entry_SYSCALL_64")
            || n.starts_with("asm_sysvec")
            || n.starts_with("__x64_")
        {
            return Some(Arch::X86_64);
        }
        if n.starts_with("__irq_svc") || n.starts_with("ret_fast_syscall") {
            return Some(Arch::Arm);
        }
    }
    None
}

/// Assigns irq/softirq/exception contexts to frames of traces printed without markers.
pub fn infer_contexts(frames: &mut [Frame]) {
    // Frames are printed innermost first. Everything up to an interrupt entry ran in that
    // interrupt; frames up to a softirq runner ran in softirq.
    let irq_idx = frames
        .iter()
        .position(|f| IRQ_ENTRY.contains(&f.function.as_str()));
    if let Some(idx) = irq_idx {
        for f in frames[..=idx].iter_mut() {
            f.context = FrameContext::Irq;
        }
        if let Some(s) = frames[..idx]
            .iter()
            .position(|f| SOFTIRQ_RUNNERS.contains(&f.function.as_str()))
        {
            for f in frames[..=s].iter_mut() {
                f.context = FrameContext::Softirq;
            }
        }
    }
    let limit = irq_idx.unwrap_or(frames.len());
    if let Some(idx) = frames[..limit]
        .iter()
        .position(|f| EXCEPTION_ENTRY.contains(&f.function.as_str()))
    {
        for f in frames[..=idx].iter_mut() {
            if f.context == FrameContext::Task {
                f.context = FrameContext::Exception;
            }
        }
    }
}

fn context_marker(t: &str) -> Option<FrameContext> {
    Some(match t {
        "<IRQ>" => FrameContext::Irq,
        "</IRQ>" | "<TASK>" | "</TASK>" | "<EOI>" | "</NMI>" | "<EOE>" => FrameContext::Task,
        "<NMI>" => FrameContext::Nmi,
        "<SOFTIRQ>" => FrameContext::Softirq,
        "</SOFTIRQ>" => FrameContext::Irq,
        t if t.starts_with("<#") => FrameContext::Exception,
        _ => return None,
    })
}

fn is_register_name(s: &str) -> bool {
    matches!(
        s,
        "RIP" | "EIP" | "IP" | "pc" | "lr" | "NIP" | "LR" | "epc" | "ra"
    )
}

fn looks_like_frame(t: &str) -> bool {
    // Cheap pre-check before the regex: a `+0x` somewhere.
    memchr::memmem::find(t.as_bytes(), b"+0x").is_some()
}

fn looks_like_register_line(t: &str) -> bool {
    let b = t.as_bytes();
    // NAME: hex or NAME : hex within the first 8 bytes.
    let colon = match memchr::memchr(b':', &b[..b.len().min(10)]) {
        Some(c) => c,
        None => return false,
    };
    colon > 0
        && b[..colon]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == b'_')
}

/// Parses `func+0x1c/0x40 [mod]` (also `func+0x1c`, `[<addr>] func+..`).
pub fn parse_location(s: &str) -> Option<CodeLocation> {
    let c = LOC_RE.captures(s)?;
    let addr = s
        .split(['<', '>', '[', ']', ' '])
        .find(|w| w.len() >= 8 && w.bytes().all(|c| c.is_ascii_hexdigit()))
        .map(hex_norm);
    let mut function = c[1].to_string();
    // `0010:func` (x86 code segment) sticks to the name when there is no space.
    if let Some(i) = function.rfind(':') {
        function = function[i + 1..].to_string();
    }
    if function.is_empty() {
        return None;
    }
    Some(CodeLocation {
        function,
        offset: Some(c[2].to_string()),
        size: c.get(3).map(|m| m.as_str().to_string()),
        module: c.get(4).map(|m| m.as_str().to_string()),
        address: addr,
    })
}

/// `0000000000000008` -> `0x8`; keeps one digit for zero.
pub fn hex_norm(s: &str) -> String {
    let s = s.trim_start_matches("0x").trim_start_matches("0X");
    let t = s.trim_start_matches('0');
    if t.is_empty() {
        "0x0".to_string()
    } else {
        format!("0x{}", t.to_ascii_lowercase())
    }
}

/// Time of a record as the model's [`Time`].
pub fn record_time(rec: &Record) -> Option<Time> {
    if rec.uptime.is_none() && rec.wall.is_none() {
        return None;
    }
    Some(Time {
        uptime: rec.uptime,
        wall: rec.wall,
    })
}

static BODY_PREFIXES: &[&str] = &[
    "CPU: ",
    "Hardware name",
    "Workqueue:",
    "RIP:",
    "RIP ",
    "RSP:",
    "RSP ",
    "RAX:",
    "RDX:",
    "RBP:",
    "R10:",
    "R13:",
    "FS:",
    "CS:",
    "CR2:",
    "CR0:",
    "DR0:",
    "DR3:",
    "DR6:",
    "EIP:",
    "EIP is at",
    "EAX:",
    "ESI:",
    "DS:",
    "IP:",
    "pc :",
    "lr :",
    "sp :",
    "pstate:",
    "PC is at",
    "LR is at",
    "Flags:",
    "Control:",
    "Call Trace:",
    "Call trace:",
    "Backtrace:",
    "Code:",
    "Modules linked in",
    "Stack:",
    "Process ",
    "task:",
    "Mem abort info:",
    "ESR =",
    "EC =",
    "Exception class",
    "SET =",
    "EA =",
    "FSC =",
    "Data abort info:",
    "ISV =",
    "CM =",
    "Access size",
    "user pgtable",
    "swapper pgtable",
    "Internal error:",
    "Oops",
    "PGD ",
    "P4D ",
    "PUD ",
    "PMD ",
    "*pdpt",
    "*pde",
    "*pgd",
    "pgd = ",
    "Exception stack(",
    "<IRQ>",
    "</IRQ>",
    "<TASK>",
    "</TASK>",
    "<NMI>",
    "</NMI>",
    "<EOI>",
    "<SOFTIRQ>",
    "</SOFTIRQ>",
    "<#",
    "---[ end",
    "Kernel Offset:",
    "Sending NMI",
    "irq event stamp",
    "hardirqs last",
    "softirqs last",
    "(stack is not available)",
    "Task dump for CPU",
    "rcu:",
    "(t=",
    "(detected by",
    "#PF:",
    "#GP",
    "SS:ESP",
    "RSP <",
    "lr : ",
    "epc :",
    "ra :",
    "gp :",
    "t0 :",
    "s0 :",
    "a0 :",
    "a2 :",
    "a4 :",
    "a6 :",
    "s2 :",
    "s4 :",
    "s6 :",
    "s8 :",
    "s10:",
    "t3 :",
    "t5 :",
    "status:",
    "NIP:",
    "NIP [",
    "LR [",
    "MSR:",
    "CFAR:",
    "GPR",
    "REGS:",
    "--- interrupt:",
    "Instruction dump:",
    "Krnl PSW",
    "Krnl GPRS",
    "Krnl Code",
    "Last Breaking-Event-Address",
    "note:",
    "Showing all locks",
    "INFO: lockdep",
    "lock(",
    "*** DEADLOCK ***",
    "#0:",
    "#1:",
    "#2:",
    "#3:",
    "other info that might",
    "stack backtrace:",
    "KASAN: ",
    "Disabling lock debugging",
    "Unable to handle kernel",
    "[Hardware Error]",
    "ORIG_RAX",
    "RBX:",
    "R08:",
    "R11:",
    "R14:",
    "ES:",
    "GS:",
    "knlGS",
    "DR1:",
    "DR2:",
    "DR7:",
    "CR3:",
    "CR4:",
    "PKRU:",
    "ECX:",
    "EDX:",
    "EBP:",
    "ESP:",
    "EDI:",
    "EFLAGS:",
    "SS:",
    "DR",
];

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
    if looks_like_frame(t) && FRAME_RE.is_match(t) {
        return true;
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let hexish = first.trim_end_matches(':');
    if hexish.len() >= 4 && hexish.bytes().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    false
}

fn is_sanitizer_body(t: &str) -> bool {
    const P: &[&str] = &[
        "Allocated by",
        "Freed by",
        "Last potentially",
        "Second to last",
        "The buggy address",
        "The rest",
        "Memory state around",
        "page:",
        "flags:",
        "raw:",
        "page dumped",
        "head:",
        "==================",
        "Uninit was",
        "Local variable",
        "Bytes ",
        "CPU: ",
        "Memory access",
        "value changed",
        "read to",
        "write to",
        "Reported by",
        "backtrace",
        "comm ",
        "hex dump",
        "unreferenced object",
        "kasan_",
        "ORIG_RAX",
    ];
    P.iter().any(|p| t.starts_with(p)) || t.starts_with('>') || t.starts_with("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_forms() {
        let l = parse_location("gen_seri_oops+0x28/0x38 [kpgen_kbox]").unwrap();
        assert_eq!(l.function, "gen_seri_oops");
        assert_eq!(l.offset.as_deref(), Some("0x28"));
        assert_eq!(l.size.as_deref(), Some("0x38"));
        assert_eq!(l.module.as_deref(), Some("kpgen_kbox"));
        let l = parse_location("0010:smp_call_function_many+0x21d/0x280").unwrap();
        assert_eq!(l.function, "smp_call_function_many");
        let l =
            parse_location("[<ffffffffffc04b2050>] ll_timer_callback+0x20/0x30 [llaolao]").unwrap();
        assert_eq!(l.function, "ll_timer_callback");
        assert_eq!(l.module.as_deref(), Some("llaolao"));
        assert_eq!(l.address.as_deref(), Some("0xffffffffffc04b2050"));
    }

    #[test]
    fn contexts_inferred_from_arm64_irq_entry() {
        let mk = |n: &str| Frame {
            function: n.into(),
            offset: None,
            size: None,
            module: None,
            address: None,
            reliable: true,
            context: FrameContext::Task,
        };
        let mut fr: Vec<Frame> = [
            "__do_softirq",
            "irq_exit",
            "gic_handle_irq",
            "el1_irq",
            "arch_cpu_idle",
        ]
        .iter()
        .map(|n| mk(n))
        .collect();
        infer_contexts(&mut fr);
        let ctx: Vec<FrameContext> = fr.iter().map(|f| f.context).collect();
        assert_eq!(
            ctx,
            vec![
                FrameContext::Softirq,
                FrameContext::Irq,
                FrameContext::Irq,
                FrameContext::Irq,
                FrameContext::Task
            ]
        );
    }

    #[test]
    fn hex_normalised() {
        assert_eq!(hex_norm("0000000000000008"), "0x8");
        assert_eq!(hex_norm("00000000"), "0x0");
        assert_eq!(hex_norm("0x2C"), "0x2c");
    }
}
