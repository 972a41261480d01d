//! Kernel report parsing: per-line field extraction for one report, per architecture.
//!
//! A [`ReportBuilder`] is fed the records of one report in order; it fills the typed
//! [`Report`] fields (CPU line, registers, call trace with contexts, Code: bytes, decoded
//! values) and says whether a record still belongs to the report ([`ReportBuilder::accepts`]).

use crate::frame::{Origin, Record};
use crate::model::*;
use crate::patterns::END_OF_TRACE;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Most lines kept per report; a longer report keeps parsing fields but stops storing lines.
pub const MAX_REPORT_LINES: usize = 1000;
/// Most frames kept per report.
pub const MAX_FRAMES: usize = 512;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        pub(super) static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect("static regex"));
    };
}

mod body;
mod code;
mod cpu_line;
mod headline;
mod registers;
pub mod segment;
mod trace;

pub use body::is_body_line;
use body::is_sanitizer_body;
use registers::ARCHES;
use trace::arch_from_frames;
pub use trace::infer_contexts;

// Bare address frame: [<ffff000008081a40>] with nothing else useful.
re!(
    LOC_RE,
    r"([A-Za-z0-9_.$]+)\+(0x[0-9a-fA-F]+)(?:/(0x[0-9a-fA-F]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?"
);

/// Report headlines that name their architecture: POWER's Hypervisor Maintenance and machine
/// check interrupts, its watchdog.
const HEADLINE_ARCHES: &[(&str, Arch)] = &[
    ("Hypervisor Maintenance interrupt", Arch::Ppc64),
    ("Machine check interrupt [", Arch::Ppc64),
    ("Watchdog CPU:", Arch::Ppc64),
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
    arch_votes: [u8; 7],
    /// The trace was announced as `Call trace:` (arm64's spelling; x86 prints `Call Trace:`).
    lower_case_trace: bool,
    /// The first line carried a printk timestamp or came from the kernel's syslog ident or
    /// journal transport.
    kernel_stamped: bool,
    /// A `CPU: N PID: N` line that ended before `Comm:` (a hard wrap), kept for the next line.
    cut_cpu_line: Option<String>,
    /// The trace is over (s390 `Last Breaking-Event-Address:`): later frame-shaped lines are
    /// not callers.
    trace_over: bool,
    /// A `Call Trace:` line was seen (a frame-shaped wrapped header line is not a trace).
    trace_announced: bool,
}

impl ReportBuilder {
    /// Starts a report of `kind` at `rec`.
    pub fn start(kind: ReportKind, rec: &Record, path: &str, boot: usize) -> Self {
        let time = record_time(rec);
        let report = Report {
            id: String::new(),
            kind,
            title: String::new(),
            display_title: String::new(),
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
            arch_votes: [0; 7],
            kernel_stamped: rec.uptime.is_some() || rec.origin.0 == Origin::Kernel,
            lower_case_trace: false,
            cut_cpu_line: None,
            trace_over: false,
            trace_announced: false,
        };
        b.feed_line(rec);
        b.parse_headline(rec.text.trim());
        // Headlines only one architecture prints.
        if let Some((_, arch)) = HEADLINE_ARCHES
            .iter()
            .find(|(needle, _)| rec.text.contains(needle))
        {
            b.vote(*arch);
        }
        if kind == ReportKind::Oops {
            b.parse_oops_counter(rec.text.trim());
        }
        if kind == ReportKind::RegisterDump {
            b.parse_body(rec.text.trim());
        }
        b
    }

    /// Whether an orphan body line `n` records after this report stopped continues it: a
    /// report interrupted by a stray line before its trace (syslog splitting a long line), or
    /// the register block x86 prints again right after `---[ end trace`.
    pub fn resumable_by(&self, t: &str, n: u32) -> bool {
        if self.closed {
            // The register block printed again after `---[ end trace`, or (arm64 4.x WARN)
            // the call trace printed after the end marker.
            let regs_again = self.report.ip.is_some()
                && (t.starts_with("RIP: ") || t.starts_with("pc : ") || t.starts_with("EIP: "));
            let trace_after = self.report.frames.is_empty()
                && (t.starts_with("Call trace:") || t.starts_with("Call Trace:"));
            n <= 3 && (regs_again || trace_after)
        } else {
            // The last line of a 2.6/3.x i386 or x86-64 oops, printed after `Code:`:
            // `EIP: [<c04ac80f>] func+0x4d/0xab SS:ESP 0068:d6959e28`, `RIP  [<ffffffff..>] func`.
            let closing_ip =
                (t.starts_with("EIP: [<") && t.contains("SS:ESP")) || t.starts_with("RIP  [<");
            // The user-mode registers x86 prints after a trace that entered by a system call
            // (`RIP: 0033:0x7f..`, `RIP: 0023:0xf1908549`): never a report of their own.
            let user_regs = !self.report.frames.is_empty()
                && (t.starts_with("RIP: 0033:") || t.starts_with("RIP: 0023:"));
            n <= 3 && (self.report.frames.is_empty() || closing_ip || user_regs)
        }
    }

    /// Whether a record that is not a report marker, seen while this report was set aside by
    /// stray lines, continues it: a non-empty body line it accepts.
    pub fn continued_by(&self, rec: &Record) -> bool {
        let t = rec.text.trim();
        !self.closed && !t.is_empty() && self.in_time(rec) && is_body_line(t)
    }

    /// False when the record's timestamp went back or jumped a minute past the report's.
    fn in_time(&self, rec: &Record) -> bool {
        match (self.last_uptime, rec.uptime) {
            (Some(a), Some(b)) => !(b + 1.0 < a || b - a > 60.0),
            _ => true,
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

    /// Whether a line may still say what the report is (see `Role::Refine`): no `Call Trace:`
    /// yet, within its first lines (a wrapped `WARNING: at` line may look like a frame).
    pub fn refinable(&self) -> bool {
        !self.trace_announced && !self.closed && self.header_lines <= 12
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
        if self.closed || !self.in_time(rec) {
            return false;
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

    /// Adds a record that says what the report really is (see `Role::Refine`): the report
    /// takes `kind`, its severity and this line as its headline.
    pub fn refine(&mut self, kind: ReportKind, rec: &Record) {
        self.feed_line(rec);
        self.report.kind = kind;
        self.report.severity = kind.severity();
        self.report.headline = rec.text.trim().to_string();
        self.parse_headline(rec.text.trim());
    }

    /// Adds a record to the report and parses what it says.
    pub fn feed(&mut self, rec: &Record) {
        self.feed_line(rec);
        let t = rec.text.trim();
        self.parse_body(t);
    }

    fn feed_line(&mut self, rec: &Record) {
        self.header_lines += 1;
        if rec.uptime.is_some() {
            self.last_uptime = rec.uptime;
        }
        self.report.source.last_line = self.report.source.last_line.max(rec.last_line);
        if self.report.lines.len() < MAX_REPORT_LINES {
            if memchr::memmem::find(rec.text.as_bytes(), END_OF_TRACE.as_bytes()).is_some() {
                self.report.ended = true;
            }
            self.report.lines.push(ReportLine {
                line: rec.first_line,
                uptime: rec.uptime,
                text: rec.text.clone(),
            });
        }
    }

    /// True when nothing says the kernel printed this report: its first line has no printk
    /// timestamp and no kernel origin, it starts with a word other software prints too
    /// (`WARNING:`, `INFO:`, `ERROR:`), and no kernel report structure followed (no CPU/PID
    /// line, instruction pointer or call trace; firmware prints `name: hex` lines too). Firmware, bootloader and test
    /// harness lines (`WARNING: RO_VPD is uninitialized`, TF-A `INFO:    BL31...`) look so.
    pub fn is_unattested(&self) -> bool {
        let r = &self.report;
        let h = r.headline.as_str();
        let generic = ["WARNING:", "INFO:", "ERROR:"]
            .iter()
            .any(|w| h.starts_with(w));
        // The kernel's own forms name a CPU, a function offset or a source line
        // (`WARNING: CPU: 5 PID: 1 at kernel/sched/core.c:2681 f+0x230/0x23c`).
        let kernel_shaped = h.contains("CPU: ")
            || h.contains("+0x")
            || [".c:", ".h:", ".rs:"].iter().any(|ext| {
                h.match_indices(ext)
                    .any(|(i, m)| h[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
            });
        !self.kernel_stamped
            && generic
            && !kernel_shaped
            && r.frames.is_empty()
            && r.ip.is_none()
            && r.cpu.is_none()
            && r.pid.is_none()
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
        // `Call trace:` with 64-bit frame addresses (`[<ffffffc0000a787c>] dump_backtrace`)
        // is arm64's dump_backtrace().
        if best.is_none()
            && self.lower_case_trace
            && self.report.frames.iter().any(|f| {
                f.address
                    .as_deref()
                    .is_some_and(|a| a.len() == 18 && a.starts_with("0xffff"))
            })
        {
            best = Some(Arch::Arm64);
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
        source: None,
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
            source: None,
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
