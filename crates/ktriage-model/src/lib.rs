//! The typed analysis document: sources, boots, reports, events, incidents.
//!
//! Everything here serialises to the `ktriage/analysis/1` JSON schema. The parsing crate builds
//! it, the diagnosis crate reads it and adds incidents, the CLI renders it.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

pub mod decoded;
pub mod frames;
pub mod hex;
pub mod kind;
pub mod time;
pub mod vmcore;
pub use decoded::Decoded;
pub use kind::{KindClass, KindInfo, KINDS};
pub use time::WallTime;

/// The JSON Schema of the document, generated from these types (`ktriage schema` prints it;
/// `schema/analysis-1.schema.json` in the repository is this, checked by a test).
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema =
        serde_json::to_value(generator.into_root_schema_for::<Analysis>()).unwrap_or_default();
    if let Some(o) = schema.as_object_mut() {
        o.insert("$id".into(), SCHEMA.into());
    }
    schema
}

/// Schema identifier of the JSON document.
pub const SCHEMA: &str = "ktriage/analysis/1";

/// The whole result of one `ktriage analyze` run.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Analysis {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Every input read, in order.
    pub sources: Vec<Source>,
    /// Kernel boots seen across all sources.
    pub boots: Vec<Boot>,
    /// Multi-line kernel reports, in order of appearance.
    pub reports: Vec<Report>,
    /// Single notable lines, in order of appearance.
    pub events: Vec<Event>,
    /// Reports and events linked into diagnosed incidents.
    pub incidents: Vec<Incident>,
    /// IPMI System Event Log records from SEL listings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sel_records: Vec<SelRecord>,
    /// Interrupt tables read from `/proc/interrupts` copies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interrupt_tables: Vec<InterruptTable>,
    /// Problems met while reading input (bad lines, unreadable files), analysis went on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<InputWarning>,
}

impl Analysis {
    /// The report with this id (`r<N>` is the N-th report), in constant time.
    pub fn report_by_id(&self, id: &str) -> Option<&Report> {
        let n: usize = id.strip_prefix('r')?.parse().ok()?;
        self.reports
            .get(n.checked_sub(1)?)
            .filter(|r| r.id == id)
            .or_else(|| self.reports.iter().find(|r| r.id == id))
    }

    /// Every finding of every incident, in incident order.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.incidents.iter().flat_map(|i| &i.findings)
    }
}

/// What kind of text a source holds, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Kernel log text: console capture, dmesg, syslog, journal export.
    KernelLog,
    /// `journalctl -o json` export.
    JournalJson,
    /// `ipmitool sel list` / `sel elist` / `sel get` output.
    IpmiSel,
    /// A copy of `/proc/interrupts`.
    ProcInterrupts,
    /// A copy of `/proc/cmdline`.
    ProcCmdline,
    /// A vmcore (kernel log extracted from the dump).
    Vmcore,
}

/// One input file (or stdin).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Source {
    /// Path as given (or `-` for stdin).
    pub path: String,
    /// Recognised content kind.
    pub kind: SourceKind,
    /// Compression the file was read through, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<&'static str>,
    /// Physical lines read.
    pub lines: u64,
    /// Bytes read (after decompression).
    pub bytes: u64,
    /// Line-prefix styles seen (e.g. `kernel_timestamp`, `syslog`, `journal_short_iso`).
    pub prefixes: Vec<&'static str>,
    /// Crash facts of a vmcore source (format, release, crash time, registers, completeness).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmcore: Option<vmcore::VmcoreFacts>,
    /// First line stamped in local time that also carries a UTC stamp (e.g. a JSON logger's
    /// `"ts":"...Z"`): it tells the source's UTC offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_anchor: Option<ClockAnchor>,
}

/// A line with both a local wall stamp and an embedded UTC stamp.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ClockAnchor {
    /// 1-based line.
    pub line: u64,
    /// The local stamp as printed (ISO form).
    pub wall: WallTime,
    /// The line's text (prefix stripped).
    pub text: String,
}

/// A place in an input: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Location {
    /// Source path.
    pub path: String,
    /// 1-based physical line number.
    pub line: u64,
}

/// A range of lines in one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// Source path.
    pub path: String,
    /// First physical line (1-based).
    pub first_line: u64,
    /// Last physical line (1-based, inclusive).
    pub last_line: u64,
}

/// When something happened: kernel uptime and, if the line carried one, wall-clock time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Time {
    /// Seconds since boot from the printk timestamp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime: Option<f64>,
    /// Wall-clock time as printed, as ISO 8601 (`2024-03-27T20:48:45`, with the offset when
    /// printed; `--03-27T20:48:45` when the year is not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wall: Option<WallTime>,
}

/// What told the parser that a boot started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BootMarker {
    /// The `Linux version` / `Booting Linux on physical CPU` banner.
    LinuxVersion,
    /// The printk timestamp went back to near zero without a banner.
    TimestampReset,
    /// The start of a source, with no banner (a capture that begins mid-boot).
    Start,
}

/// One kernel boot seen in the input.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Boot {
    /// 0-based index in `boots`.
    pub index: usize,
    /// Where the boot was detected.
    pub source: Location,
    /// What told us a boot started.
    pub marker: BootMarker,
    /// Kernel release (`uname -r`) when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Kernel command line when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
    /// True when the command line shows a kdump capture kernel (`elfcorehdr=`, `reset_devices`...).
    pub capture_kernel: bool,
    /// Wall-clock time of the first line of the boot, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
}

/// Kind of a multi-line kernel report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Kernel oops: bad memory access or exception in kernel mode.
    Oops,
    /// `kernel BUG at` or another `BUG:` report.
    Bug,
    /// `WARNING:` with backtrace.
    Warning,
    /// `Kernel panic - not syncing`.
    Panic,
    /// Soft lockup watchdog.
    SoftLockup,
    /// Hard lockup (NMI watchdog).
    HardLockup,
    /// RCU CPU stall or expedited stall.
    RcuStall,
    /// Task blocked for too long (hung task detector).
    HungTask,
    /// KASAN report.
    Kasan,
    /// KMSAN report.
    Kmsan,
    /// KCSAN report.
    Kcsan,
    /// UBSAN report.
    Ubsan,
    /// KFENCE report.
    Kfence,
    /// Lockdep report.
    Lockdep,
    /// OOM killer invocation.
    Oom,
    /// kmemleak report.
    MemoryLeak,
    /// MCE / EDAC / GHES hardware error.
    HardwareError,
    /// `NMI backtrace for cpu N`.
    NmiBacktrace,
    /// SysRq-triggered dump (show-regs, show-state, blocked tasks...).
    SysrqDump,
    /// Register/stack dump whose trigger line is not in the log.
    RegisterDump,
}

/// How bad something is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Worth a look.
    Warning,
    /// Machine crashed, hung or lost data.
    Critical,
}

/// CPU architecture of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    /// 64-bit x86.
    X86_64,
    /// 32-bit x86.
    I386,
    /// 64-bit Arm.
    Arm64,
    /// 32-bit Arm.
    Arm,
    /// 64-bit RISC-V.
    Riscv64,
    /// 64-bit PowerPC.
    Ppc64,
    /// IBM Z.
    S390,
}

/// A code location as printed: `function+offset/size [module]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CodeLocation {
    /// Function name exactly as printed (suffixes such as `.isra.0` kept).
    pub function: String,
    /// Offset into the function (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Function size (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Module name when the function is in a module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Raw address when printed (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Where the instruction is in the source (`analyze --vmlinux`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
}

/// A source position found through the vmlinux's DWARF: the line of the code itself, and the
/// chain of inlined functions it sits in, innermost first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct SourceLocation {
    /// Source file as the compiler recorded it, without the build directory.
    pub file: String,
    /// Line (0: unknown).
    pub line: u32,
    /// Inlined functions the code belongs to, innermost first, each with where it was
    /// inlined (the position in its caller).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inlined: Vec<InlinedCall>,
}

/// An inlined function and the place in its caller where it was inlined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct InlinedCall {
    /// The inlined function.
    pub function: String,
    /// Where it was inlined: file.
    pub file: String,
    /// Where it was inlined: line.
    pub line: u32,
}

/// Execution context of a stack frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrameContext {
    /// Process (task) context.
    Task,
    /// Hard interrupt.
    Irq,
    /// Softirq / bottom half.
    Softirq,
    /// Non-maskable interrupt.
    Nmi,
    /// Exception entry (fault, trap, double fault...).
    Exception,
}

/// One call-trace entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Frame {
    /// Function name exactly as printed.
    pub function: String,
    /// Offset into the function (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Function size (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// Module name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Raw address when printed (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// False for `?` frames (stack scan guesses, not unwound).
    pub reliable: bool,
    /// Context the frame ran in.
    pub context: FrameContext,
    /// Where the call is in the source (`analyze --vmlinux`; a return address is looked up
    /// one byte back, at the call).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLocation>,
}

/// One decoded taint letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct TaintFlag {
    /// The letter as printed (`G`, `P`, `O`, `E`, `L`, `W`...).
    pub letter: char,
    /// What it means.
    pub meaning: &'static str,
}

/// Kernel taint state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Taint {
    /// The taint string as printed (`G      OE`), or `Not tainted`.
    pub raw: String,
    /// Each set flag with its meaning (`G` is not a flag and is left out).
    pub flags: Vec<TaintFlag>,
}

/// The `Code:` line: instruction bytes around the faulting instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Code {
    /// Bytes as hex, space-separated, as printed (arm64 prints 32-bit words).
    pub bytes: String,
    /// Index (in printed units) of the faulting instruction, marked `<..>` or `(..)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault_index: Option<usize>,
    /// Width of one printed unit in bytes (1 for x86 bytes, 4 for arm64 words, 2 for Thumb).
    pub unit: u8,
    /// The bytes decoded as instructions (x86-64 and i386), aligned so that one starts at the
    /// trapping marker; empty when the architecture is not decoded or no decoding lands there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<Instruction>,
    /// The trapping instruction's memory operand, its address computed from the register dump.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<MemoryAccess>,
}

/// One instruction decoded from the `Code:` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Instruction {
    /// Bytes from the start of the trapping instruction (negative before it).
    pub offset: i64,
    /// Its bytes as hex, space-separated.
    pub bytes: String,
    /// AT&T syntax, as objdump prints it.
    pub text: String,
    /// The instruction at the trapping marker.
    pub trapping: bool,
}

/// How an instruction uses its memory operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// Reads memory.
    Read,
    /// Writes memory.
    Write,
    /// Reads and writes memory (`add %eax,(%rbx)`, `lock cmpxchg`).
    ReadWrite,
}

/// The trapping instruction's memory operand: base + index * scale + displacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MemoryAccess {
    /// Read, write or both.
    pub kind: AccessKind,
    /// Base register as the dump names it (`RBX`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Index register as the dump names it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Scale of the index (1, 2, 4, 8).
    pub scale: u8,
    /// Signed displacement.
    pub displacement: i64,
    /// Bytes accessed (0 when the instruction does not say, as with `xsave`).
    pub size: u32,
    /// The address the operand names (hex), when every register it uses is in the dump.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Whether the report's fault address is one of the bytes accessed from `address` (when
    /// both are known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_fault: Option<bool>,
    /// The pointer: the base register's value from the dump (hex), when it is printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_value: Option<String>,
    /// What that value is, when it is a known one (NULL, list or slab poison, an error
    /// pointer, non-canonical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_class: Option<decoded::AddressClass>,
    /// A KASAN shadow check (`cmpb $0x0,(%rdx,%rax)` with one register at the shadow offset):
    /// the first byte of the 8 the shadow byte stands for, the pointer the code was about to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kasan_pointer: Option<String>,
    /// arm64: whether the data abort's ESR says the same (WnR against a read or a write;
    /// with ISV=1 also the transferred register and the size), when it is a data abort's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esr_agrees: Option<bool>,
}

/// A multi-line kernel report (oops, BUG, WARNING, lockup, stall, ...).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    /// Stable id within this analysis (`r1`, `r2`, ...).
    pub id: String,
    /// What kind of report.
    pub kind: ReportKind,
    /// Title in syzkaller's conventions (`BUG: soft lockup in FUNC`).
    pub title: String,
    /// The title for people: `title`, or, where that says `corrupted` (syzkaller's word for a
    /// report it could not place), the same title with the function the report does name.
    pub display_title: String,
    /// syzkaller crash type (`HANG`, `KASAN-READ`, ...), when known.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub crash_type: Option<String>,
    /// True when the report is cut or mangled so the title may be wrong.
    pub corrupted: bool,
    /// Other titles under which the same bug may be filed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alt_titles: Vec<String>,
    /// The frame the title names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guilty_frame: Option<String>,
    /// True for reports syzkaller would suppress (e.g. OOM in the fuzzer).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub suppressed: bool,
    /// Severity of the report.
    pub severity: Severity,
    /// Where the report is.
    pub source: Span,
    /// Index of the boot it belongs to.
    pub boot: usize,
    /// When it was printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// CPU the report is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// PID of the current task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// Command name of the current task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comm: Option<String>,
    /// Kernel release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// Taint flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taint: Option<Taint>,
    /// `Hardware name:` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hardware: Option<String>,
    /// Architecture, inferred from register names and line shapes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<Arch>,
    /// Register name -> value (hex string).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub registers: BTreeMap<String, String>,
    /// Where the CPU was (RIP / pc / EIP / PC is at).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<CodeLocation>,
    /// Caller (arm `lr` / `LR is at`) when printed symbolically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lr: Option<CodeLocation>,
    /// Faulting address (hex string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault_address: Option<String>,
    /// Call trace in printed order.
    pub frames: Vec<Frame>,
    /// The `Code:` bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// `Modules linked in:` list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    /// Reason given by `Kernel panic - not syncing:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panic_reason: Option<String>,
    /// `Kdump: loaded` / `not loaded` from the CPU line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kdump_loaded: Option<bool>,
    /// Values decoded from registers and headers.
    pub decoded: Decoded,
    /// The report's first line, as printed (prefix stripped).
    pub headline: String,
    /// True when the report printed its closing `---[ end trace` line.
    #[serde(skip)]
    pub ended: bool,
    /// Every line of the report, prefix stripped (capped).
    #[serde(skip)]
    pub lines: Vec<ReportLine>,
}

/// One line of a report, kept for rules and renderers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    /// 1-based physical line number.
    pub line: u64,
    /// Uptime timestamp, if any.
    pub uptime: Option<f64>,
    /// Text with the prefix stripped.
    pub text: String,
}

/// An errno decoded from a negative return code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Errno {
    /// The number as printed (negative).
    pub code: i32,
    /// Symbolic name (`ENOSPC`).
    pub name: &'static str,
    /// strerror text.
    pub meaning: &'static str,
}

/// Kind of a single-line event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `probe of DEV failed with error -N`.
    ProbeFailure,
    /// A failed interrupt request (`request interrupt N failed`, `request_irq ... failed`).
    IrqRequestFailure,
    /// A device/driver error line with an error code.
    DriverError,
    /// I/O or device error (`I/O error, dev`, `blk_update_request`, ...).
    DeviceError,
    /// systemd `A start job is running for UNIT (N s / LIMIT)`.
    StartJobRunning,
    /// systemd `Timed out waiting for device`.
    DeviceTimeout,
    /// dracut-initqueue timeout.
    DracutInitqueueTimeout,
    /// dracut `Could not boot`.
    CouldNotBoot,
    /// `... does not exist` (root device missing).
    DoesNotExist,
    /// Reboot requested / restarting system.
    Reboot,
    /// Power-off.
    PowerOff,
    /// Kernel command line.
    CommandLine,
    /// `Kernel Offset:` (KASLR).
    KernelOffset,
    /// IPMI BT interface timeout or reset.
    IpmiBtTimeout,
    /// `Linux version` banner.
    KernelVersion,
    /// Machine-check / EDAC / GHES single line.
    HardwareErrorLine,
    /// csd: Detected non-responsive CSD lock.
    CsdLockTimeout,
    /// `die event detected` and other die-notifier lines.
    DieEvent,
}

/// A single notable line that is not a multi-line report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Event {
    /// Stable id (`e1`, `e2`, ...).
    pub id: String,
    /// What kind of event.
    pub kind: EventKind,
    /// Severity.
    pub severity: Severity,
    /// Where it is.
    pub source: Location,
    /// Index of the boot it belongs to.
    pub boot: usize,
    /// When it was printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// The device, driver or unit it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Decoded errno, if the line carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<Errno>,
    /// Extra parsed values (e.g. `elapsed`, `limit`, `irq`, `capture_kernel`).
    #[serde(skip_serializing_if = "EventDetails::is_empty")]
    pub details: EventDetails,
    /// The line as printed (prefix stripped).
    pub text: String,
}

/// Values an event line carries besides its subject and errno; which are set depends on the
/// kind. In JSON every value is a string (the document's `details` map).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct EventDetails {
    /// Command line: a kdump capture kernel's (`elfcorehdr=`, `reset_devices`).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub capture_kernel: Option<bool>,
    /// Command line: the whole line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<String>,
    /// Command line: `crashkernel=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crashkernel: Option<String>,
    /// Probe failure: the device.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Probe failure: the driver.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// Start job: elapsed time as printed (`1min 30s`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<String>,
    /// Start job: elapsed seconds.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub elapsed_seconds: Option<u64>,
    /// IRQ request failure: the interrupt number.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub irq: Option<u64>,
    /// Command line: `irqpoll`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub irqpoll: Option<String>,
    /// Start job: `start` or `stop`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    /// Folded repeats: elapsed seconds of the last one.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub last_elapsed_seconds: Option<u64>,
    /// Folded repeats: line of the last one.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub last_line: Option<u64>,
    /// Start job: the limit as printed (`no limit`, `1min 30s`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Start job: the limit in seconds.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub limit_seconds: Option<u64>,
    /// Command line: `maxcpus=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maxcpus: Option<String>,
    /// Command line: `nr_cpus=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nr_cpus: Option<String>,
    /// Kernel version banner: the release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Folded repeats: how many lines this event stands for.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub repeats: Option<u64>,
    /// Command line: `reset_devices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_devices: Option<String>,
    /// Command line: `root=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// CSD lock: the CPU the lock waits for.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub target_cpu: Option<u32>,
    /// CSD lock: the CPU that waits.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "as_string")]
    #[schemars(with = "Option<String>")]
    pub waiting_cpu: Option<u32>,
}

impl EventDetails {
    /// True when no value is set.
    pub fn is_empty(&self) -> bool {
        *self == EventDetails::default()
    }

    /// How many log lines the event stands for (1 unless repeats were folded into it).
    pub fn count(&self) -> u64 {
        self.repeats.unwrap_or(1)
    }
}

fn as_string<T: std::fmt::Display, S: serde::Serializer>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// One IPMI SEL record.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SelRecord {
    /// Record id (hex, as printed).
    pub record_id: String,
    /// Where it is.
    pub source: Location,
    /// Timestamp as ISO 8601 in UTC (or the zone given by `--sel-tz`), when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<WallTime>,
    /// Sensor type (`Memory`, `Processor`, `Critical Interrupt`, ...).
    pub sensor_type: String,
    /// Sensor number / name as printed (`#0xeb`, `RAS_MEMORY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensor: Option<String>,
    /// Event description (`Transition to Non-recoverable`).
    pub description: String,
    /// `Asserted` / `Deasserted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// Severity judged from sensor type and description.
    pub severity: Severity,
}

/// Interrupt counts of one `/proc/interrupts` copy.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InterruptTable {
    /// Where it is.
    pub source: Location,
    /// Number of CPU columns.
    pub cpus: usize,
    /// Number of numbered (vector-consuming) IRQ lines.
    pub irq_lines: usize,
    /// Per CPU: how many numbered IRQ lines have a nonzero count or are routed there.
    pub per_cpu_lines: Vec<usize>,
}

impl InterruptTable {
    /// (CPU column, numbered lines on it), most loaded first. The column is the CPU number
    /// when all CPUs are online.
    pub fn vector_pressure(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self.per_cpu_lines.iter().copied().enumerate().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}

/// A problem met while reading input; analysis continued.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct InputWarning {
    /// Where (line 0 when it concerns the whole file).
    pub source: Location,
    /// What went wrong.
    pub message: String,
    /// The input could not be read to its end (a truncated or corrupt compressed file, a
    /// read error): what came before was analysed, the rest is missing.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

/// Reports and events linked into one diagnosed incident.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Incident {
    /// Stable id (`i1`, ...).
    pub id: String,
    /// One-line summary.
    pub summary: String,
    /// Id of the report judged to be the cause, if any.
    pub root: Option<String>,
    /// Ids of member reports.
    pub reports: Vec<String>,
    /// Ids of member events.
    pub events: Vec<String>,
    /// How sure the diagnosis is, 0.0-1.0.
    pub confidence: f64,
    /// What the rules concluded.
    pub findings: Vec<Finding>,
}

/// One conclusion of a diagnosis rule, with evidence and advice.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Finding {
    /// Rule id (`csd-lock-wait`, `nested-oops`, ...).
    pub rule: &'static str,
    /// How bad.
    pub severity: Severity,
    /// What the rule concluded.
    pub message: String,
    /// What it saw, with file and line.
    pub evidence: Vec<Evidence>,
    /// Next steps, with exact commands or parameters.
    pub advice: Vec<String>,
}

/// A piece of evidence: a line in a source.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Evidence {
    /// Source path.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// The line's text (prefix stripped).
    pub text: String,
}
