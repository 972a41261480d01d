//! Data tables: which lines start, continue or end a kernel report, and which lines are events.
//!
//! Matching is a single Aho-Corasick pass over each record's text; the tables below are the
//! whole vocabulary. Order matters only inside one line: the earliest, then the first listed wins.

use crate::model::{EventKind, ReportKind};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::LazyLock;

/// Where in the record text a needle must sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Anywhere in the text.
    Anywhere,
    /// At the start of the text (after leading spaces).
    Start,
    /// Anywhere, but not right after a letter or digit (so `ODEBUG:` is not `BUG:`).
    Word,
}

/// What a matched report marker does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Starts a new report of this kind.
    Start(ReportKind),
    /// Part of an open report of one of the listed kinds (in its header); otherwise starts one.
    ContinueOr(&'static [ReportKind], ReportKind),
    /// Part of an open report of one of the listed kinds (anywhere in it); otherwise starts one.
    Part(&'static [ReportKind], ReportKind),
    /// Names what an open report of one of the listed kinds (in its header) really is: the
    /// report takes this kind (a 3.x `WARNING: at kernel/watchdog.c` whose message says
    /// `Watchdog detected hard LOCKUP`); otherwise starts one.
    Refine(&'static [ReportKind], ReportKind),
    /// Starts a register/stack dump when no report is open (its trigger line is lost).
    Orphan,
    /// Ends the open report (line included).
    End,
}

/// One report marker.
#[derive(Debug, Clone, Copy)]
pub struct Marker {
    /// Literal text searched.
    pub needle: &'static str,
    /// Placement rule.
    pub at: At,
    /// What it does.
    pub role: Role,
    /// Substrings that, when present in the line, cancel the marker.
    pub unless: &'static [&'static str],
    /// Substring that must also be present in the line.
    pub also: Option<&'static str>,
}

const fn m(needle: &'static str, at: At, role: Role) -> Marker {
    Marker {
        needle,
        at,
        role,
        unless: &[],
        also: None,
    }
}

const fn mu(needle: &'static str, at: At, role: Role, unless: &'static [&'static str]) -> Marker {
    Marker {
        needle,
        at,
        role,
        unless,
        also: None,
    }
}

const fn ma(needle: &'static str, at: At, role: Role, also: &'static str) -> Marker {
    Marker {
        needle,
        at,
        role,
        unless: &[],
        also: Some(also),
    }
}

use ReportKind as K;
const OOPS_ONLY: &[ReportKind] = &[K::Oops];
const OOPS_BUG: &[ReportKind] = &[K::Oops, K::Bug, K::Kasan];
const OOM_ONLY: &[ReportKind] = &[K::Oops, K::Oom];
/// The kinds a `Kernel panic` line names when it follows their header (an arm64 SError).
const SERROR_PANIC: &[ReportKind] = &[K::Panic];
const SLUB_BUG: &[ReportKind] = &[K::Bug];

/// Lines suppressed as report starts (user-space or benign messages that contain the words).
const WARNING_UNLESS: &[&str] = &[
    "WARNING: /etc/ssh/moduli does not exist",
    "WARNING: workqueue cpumask: online intersect > possible intersect",
    "WARNING: The mand mount option",
    "WARNING: the mand mount option",
    "WARNING: Unsupported flag value",
    "WARNING: Unprivileged eBPF is enabled",
    "missed to adjust virtual screen size",
    "WARNING: See https",
    "WARNING: kernel not compiled with CPU_SRSO",
    "EXT4-fs",
    "EXT4-FS",
    "uses deprecated v2 capabilities",
    "uses wireless extensions",
    "XFS (",
];

const BUG_UNLESS: &[&str] = &["BUG: no syscalls can create resource"];

const INFO_UNLESS: &[&str] = &[
    "INFO: lockdep is turned off",
    "INFO: Stall ended before state dump start",
    "INFO: NMI handler",
    "INFO: recovery required on readonly filesystem",
    "took too long",
    "is not present in /proc/kallsyms",
    "INFO: no syscalls can create resource",
    "rmt_storage:INFO:",
    "_INFO:",
];

/// The report-marker table. When several markers match one line, the first listed wins.
pub static MARKERS: &[Marker] = &[
    // Ends (before the starts they contain: `---[ end Kernel panic - not syncing`).
    m("---[ end Kernel panic", At::Anywhere, Role::End),
    m(END_OF_TRACE, At::Anywhere, Role::End),
    // Oopses.
    m("BUG: unable to handle", At::Word, Role::Start(K::Oops)),
    m(
        "BUG: kernel NULL pointer dereference",
        At::Word,
        Role::Start(K::Oops),
    ),
    m(
        "Unable to handle kernel",
        At::Anywhere,
        Role::Start(K::Oops),
    ),
    mu(
        "general protection fault",
        At::Anywhere,
        Role::ContinueOr(OOPS_ONLY, K::Oops),
        &["traps:", " error:"],
    ),
    m("stack segment: ", At::Anywhere, Role::Start(K::Oops)),
    m("PANIC: double fault", At::Anywhere, Role::Start(K::Oops)),
    m("Bad mode in ", At::Anywhere, Role::Start(K::Oops)),
    m(
        "Insufficient stack space to handle exception",
        At::Anywhere,
        Role::Start(K::Bug),
    ),
    m(
        "divide error: ",
        At::Anywhere,
        Role::ContinueOr(OOPS_BUG, K::Oops),
    ),
    mu(
        "invalid opcode: ",
        At::Anywhere,
        Role::ContinueOr(OOPS_BUG, K::Oops),
        &["traps:"],
    ),
    mu(
        "int3: ",
        At::Anywhere,
        Role::ContinueOr(OOPS_BUG, K::Oops),
        &["traps:"],
    ),
    // arm64 BUG() (`brk`): `Internal error: Oops - BUG: 0 [#1] SMP`.
    m(
        "Internal error: Oops - BUG",
        At::Anywhere,
        Role::ContinueOr(OOPS_BUG, K::Bug),
    ),
    // MIPS BUG(): `Kernel bug detected[#1]:`.
    m("Kernel bug detected", At::Anywhere, Role::Start(K::Bug)),
    m(
        "Internal error: ",
        At::Anywhere,
        Role::ContinueOr(OOPS_BUG, K::Oops),
    ),
    m("Unhandled fault:", At::Anywhere, Role::Start(K::Oops)),
    m("Alignment trap:", At::Anywhere, Role::Start(K::Oops)),
    // `Oops: 0000 [#1] SMP`, `Oops: general protection fault, ...: 0000 [#1]`; the counter
    // is what tells it from a driver's `Oops: efitime: can't read time!`.
    ma(
        "Oops: ",
        At::Start,
        Role::ContinueOr(OOPS_BUG, K::Oops),
        "[#",
    ),
    m("Oops - ", At::Start, Role::ContinueOr(OOPS_BUG, K::Oops)),
    // Sanitizers and BUG variants (before the generic BUG:).
    m("BUG: KASAN:", At::Word, Role::Start(K::Kasan)),
    m("BUG: KMSAN:", At::Word, Role::Start(K::Kmsan)),
    m("BUG: KCSAN:", At::Word, Role::Start(K::Kcsan)),
    m("BUG: KFENCE:", At::Word, Role::Start(K::Kfence)),
    m("UBSAN:", At::Word, Role::Start(K::Ubsan)),
    m("BUG: soft lockup", At::Word, Role::Start(K::SoftLockup)),
    m("BUG: memory leak", At::Word, Role::Start(K::MemoryLeak)),
    m(
        "unreferenced object 0x",
        At::Start,
        Role::Part(&[K::MemoryLeak], K::MemoryLeak),
    ),
    m("BUG: spinlock", At::Word, Role::Start(K::Lockdep)),
    m("BUG: rwlock", At::Word, Role::Start(K::Lockdep)),
    m("BUG: held lock freed", At::Word, Role::Start(K::Lockdep)),
    m("BUG: bad unlock balance", At::Word, Role::Start(K::Lockdep)),
    m("BUG: workqueue lockup", At::Word, Role::Start(K::HungTask)),
    // The kernel always prints `BUG: ` with a space; at least five bytes also keeps the gate exact.
    mu("BUG: ", At::Word, Role::Start(K::Bug), BUG_UNLESS),
    m("kernel BUG at", At::Anywhere, Role::Start(K::Bug)),
    m("Kernel BUG", At::Anywhere, Role::Start(K::Bug)),
    m("BUG kmalloc-", At::Anywhere, Role::Start(K::Bug)),
    // Lockdep.
    m(
        "WARNING: possible circular locking dependency",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: possible recursive locking",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: possible irq lock inversion",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: inconsistent lock state",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: suspicious RCU usage",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: bad unlock balance",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: held lock freed",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: Nested lock was not taken",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "WARNING: lock held when returning",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    ma(
        "WARNING: ",
        At::Word,
        Role::Start(K::Lockdep),
        "still has locks held",
    ),
    ma(
        "WARNING: ",
        At::Word,
        Role::Start(K::Lockdep),
        "lock order detected",
    ),
    m(
        "INFO: possible circular locking",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "INFO: possible recursive locking",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "INFO: inconsistent lock state",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "INFO: possible irq lock inversion",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    ma(
        "INFO: ",
        At::Word,
        Role::Start(K::Lockdep),
        "lock order detected",
    ),
    m(
        "INFO: trying to register non-static key",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    m(
        "INFO: suspicious RCU usage",
        At::Word,
        Role::Start(K::Lockdep),
    ),
    mu(
        "WARNING:",
        At::Word,
        Role::Start(K::Warning),
        WARNING_UNLESS,
    ),
    // Hangs and stalls.
    ma(
        "detected stall",
        At::Anywhere,
        Role::Start(K::RcuStall),
        "rcu",
    ),
    ma(
        "detected expedited stall",
        At::Anywhere,
        Role::Start(K::RcuStall),
        "rcu",
    ),
    ma(
        "blocked for more than",
        At::Anywhere,
        Role::Start(K::HungTask),
        "INFO: task",
    ),
    ma(
        "can't die for more than",
        At::Anywhere,
        Role::Start(K::HungTask),
        "INFO: task",
    ),
    m(
        "detected hard LOCKUP",
        At::Anywhere,
        Role::Refine(&[K::Warning], K::HardLockup),
    ),
    // powerpc's watchdog: `Watchdog CPU:59 Hard LOCKUP`.
    ma(
        "Hard LOCKUP",
        At::Anywhere,
        Role::Start(K::HardLockup),
        "Watchdog CPU:",
    ),
    // SLUB debug reports (`BUG kmalloc-64 (Not tainted): Poison overwritten`) go on with
    // `INFO:` lines of their own; they are part of the report, not reports.
    m(
        "INFO: Allocated in ",
        At::Start,
        Role::Part(SLUB_BUG, K::Bug),
    ),
    m("INFO: Freed in ", At::Start, Role::Part(SLUB_BUG, K::Bug)),
    m("INFO: Slab 0x", At::Start, Role::Part(SLUB_BUG, K::Bug)),
    m("INFO: Object 0x", At::Start, Role::Part(SLUB_BUG, K::Bug)),
    m("INFO: 0x", At::Start, Role::Part(SLUB_BUG, K::Bug)),
    m("INFO: Freepointer", At::Start, Role::Part(SLUB_BUG, K::Bug)),
    mu("INFO:", At::Start, Role::Start(K::Bug), INFO_UNLESS),
    m(
        "unregister_netdevice: waiting for",
        At::Anywhere,
        Role::Start(K::Bug),
    ),
    m(
        "VFS: Close: file count is 0",
        At::Anywhere,
        Role::Start(K::Bug),
    ),
    m(
        "VFS: Busy inodes after unmount",
        At::Anywhere,
        Role::Start(K::Bug),
    ),
    // Panic. arm64's arm64_serror_panic() prints `SError Interrupt on CPU6, code 0x... --
    // SError` and the registers before it panics: one report, named by the panic line.
    m(
        "SError Interrupt on CPU",
        At::Anywhere,
        Role::Start(K::Panic),
    ),
    m(
        "Kernel panic - not syncing",
        At::Anywhere,
        Role::Refine(SERROR_PANIC, K::Panic),
    ),
    m("trusty: panic", At::Anywhere, Role::Start(K::Panic)),
    m("rust_kernel: panicked", At::Anywhere, Role::Start(K::Panic)),
    // OOM.
    m("invoked oom-killer:", At::Anywhere, Role::Start(K::Oom)),
    // warn_alloc(): `comm: page allocation failure: order:7, mode:0x40cc0(...)` and its stack.
    m(
        "page allocation failure: order:",
        At::Anywhere,
        Role::Start(K::Warning),
    ),
    m(
        "Out of memory: Kill",
        At::Start,
        Role::Part(OOM_ONLY, K::Oom),
    ),
    m(
        "Out of memory and no killable",
        At::Start,
        Role::Part(OOM_ONLY, K::Oom),
    ),
    m(
        "Memory cgroup out of memory:",
        At::Start,
        Role::Part(OOM_ONLY, K::Oom),
    ),
    // Hardware errors: each machine-check record starts a report (several records are
    // printed back to back), the lines that follow it are part of it.
    m(
        "Machine Check Exception:",
        At::Anywhere,
        Role::Start(K::HardwareError),
    ),
    ma(
        "Machine Check: ",
        At::Anywhere,
        Role::Start(K::HardwareError),
        " Bank ",
    ),
    m(
        "Machine Check Event:",
        At::Anywhere,
        Role::Start(K::HardwareError),
    ),
    // powerpc: `Severe Machine check interrupt [Not recovered]`, `Harmless Hypervisor
    // Maintenance interrupt [Recovered]`.
    m(
        "Machine check interrupt",
        At::Anywhere,
        Role::Start(K::HardwareError),
    ),
    m(
        "Hypervisor Maintenance interrupt",
        At::Anywhere,
        Role::Start(K::HardwareError),
    ),
    m(
        "[Hardware Error]:",
        At::Anywhere,
        Role::Part(&[K::HardwareError], K::HardwareError),
    ),
    m(
        "Machine check events logged",
        At::Anywhere,
        Role::Start(K::HardwareError),
    ),
    ma(
        "EDAC ",
        At::Start,
        Role::Part(&[K::HardwareError], K::HardwareError),
        " error",
    ),
    // Dumps.
    // `NMI backtrace for cpu 3 skipped: idling at cpu_do_idle+0x74/0x78` prints no backtrace.
    mu(
        "NMI backtrace for cpu",
        At::Start,
        Role::Start(K::NmiBacktrace),
        &["skipped: idling"],
    ),
    m("sysrq: Show", At::Start, Role::Start(K::SysrqDump)),
    m("SysRq : Show", At::Start, Role::Start(K::SysrqDump)),
    m("sysrq: SysRq : Show", At::Start, Role::Start(K::SysrqDump)),
    // Orphan register/stack dumps (trigger line lost).
    ma("CPU: ", At::Start, Role::Orphan, "PID: "),
    m("pc : ", At::Start, Role::Orphan),
    m("PC is at ", At::Start, Role::Orphan),
    m("RIP: ", At::Start, Role::Orphan),
    ma("RIP ", At::Start, Role::Orphan, "[<"),
    m("EIP: ", At::Start, Role::Orphan),
    m("NIP: ", At::Start, Role::Orphan),
    m("epc : ", At::Start, Role::Orphan),
    m("Call Trace:", At::Start, Role::Orphan),
    m("Call trace:", At::Start, Role::Orphan),
];

/// One event pattern.
#[derive(Debug, Clone, Copy)]
pub struct EventPattern {
    /// Literal text searched.
    pub needle: &'static str,
    /// Event kind it yields (the event module parses details).
    pub kind: EventKind,
}

const fn e(needle: &'static str, kind: EventKind) -> EventPattern {
    EventPattern { needle, kind }
}

use EventKind as E;

/// The event-pattern table.
pub static EVENTS: &[EventPattern] = &[
    e("probe of ", E::ProbeFailure),
    e("probe with driver ", E::ProbeFailure),
    e("request interrupt", E::IrqRequestFailure),
    e("request_irq", E::IrqRequestFailure),
    e("failed to request irq", E::IrqRequestFailure),
    e("Failed to request irq", E::IrqRequestFailure),
    e("failed to allocate irq", E::IrqRequestFailure),
    e("unable to request IRQ", E::IrqRequestFailure),
    e("startup error -", E::DriverError),
    e(" err is -", E::DriverError),
    e("ret=-", E::DriverError),
    e("unsuccessful", E::DriverError),
    e("Device is abnormal", E::DriverError),
    e(" fail, -", E::DriverError),
    e("failed with error -", E::DriverError),
    e("I/O error, dev ", E::DeviceError),
    e("blk_update_request: I/O error", E::DeviceError),
    e("Buffer I/O error", E::DeviceError),
    e("A start job is running for", E::StartJobRunning),
    e("A stop job is running for", E::StartJobRunning),
    e("Timed out waiting for device", E::DeviceTimeout),
    e("dracut-initqueue timeout", E::DracutInitqueueTimeout),
    e("Could not boot", E::CouldNotBoot),
    e("does not exist", E::DoesNotExist),
    e("reboot: Restarting system", E::Reboot),
    e("Restarting system", E::Reboot),
    e("reboot: Power down", E::PowerOff),
    e("Power down", E::PowerOff),
    e("Command line:", E::CommandLine),
    e("Kernel command line:", E::CommandLine),
    e("Kernel Offset:", E::KernelOffset),
    e("IPMI BT: timeout", E::IpmiBtTimeout),
    e("IPMI: BT reset", E::IpmiBtTimeout),
    e("Linux version ", E::KernelVersion),
    e("csd: Detected non-responsive CSD lock", E::CsdLockTimeout),
    e("csd: CSD lock (#", E::CsdLockTimeout),
    e("die event detected", E::DieEvent),
    e("mce: [Hardware Error]", E::HardwareErrorLine),
    e("EDAC ", E::HardwareErrorLine),
    e("[Hardware Error]", E::HardwareErrorLine),
];

/// A message the kernel prints with a `dump_stack()` that is not a crash.
#[derive(Debug, Clone, Copy)]
pub struct QuietTrigger {
    /// Literal text searched.
    pub needle: &'static str,
    /// The line must start with this (`""`: anywhere).
    pub line_start: &'static str,
}

const fn q(needle: &'static str) -> QuietTrigger {
    QuietTrigger {
        needle,
        line_start: "",
    }
}

/// Messages the kernel prints with a `dump_stack()` that are not crashes (fault injection,
/// allocation-failure and duplicate-name notices, CPUs stopped by a panic): the stack dump
/// after them is not a report.
pub static QUIET_DUMP_TRIGGERS: &[QuietTrigger] = &[
    q("FAULT_INJECTION: forcing a failure"),
    q("FAULT_FLAG_ALLOW_RETRY missing"),
    q("vmalloc: allocation failure"),
    q("sysfs: cannot create duplicate filename"),
    q("unchecked MSR access error"),
    q("kobject_add_internal failed"),
    q("Not enough msr switch entries"),
    // kmemleak_warn(): kmemleak's own bookkeeping failed, it disables itself; not a crash.
    q("kmemleak: Cannot insert"),
    q("kmemleak: Trying to color unknown object"),
    q("kmemleak: Partially freeing unknown object"),
    q("kmemleak: Freeing unknown object"),
    // arm/arm64 ipi_cpu_stop(): `CPU1: stopping`, each other CPU's stack as panic() stops
    // it: where it was, not a report of its own.
    QuietTrigger {
        needle: ": stopping",
        line_start: "CPU",
    },
];

/// What a needle in the combined automaton refers to.
#[derive(Debug, Clone, Copy)]
pub enum Hit {
    /// Index into [`MARKERS`].
    Marker(usize),
    /// Index into [`EVENTS`].
    Event(usize),
    /// Index into [`QUIET_DUMP_TRIGGERS`].
    QuietDump(usize),
}

/// Combined automaton over both tables, with the meaning of each pattern id.
pub struct Vocabulary {
    /// The automaton.
    pub ac: AhoCorasick,
    /// Pattern id -> table entry.
    pub hits: Vec<Hit>,
    /// Pattern id -> whether the needle counts only at the start of the text (after blanks).
    pub start_only: Vec<bool>,
    /// Cheap pre-test: false means no needle occurs in the text.
    pub gate: Gate,
}

/// Ordinary kernel and syslog text (lab boot logs, a production `/var/log/messages`), used to
/// pick the rarest fragments of each needle for the [`Gate`]. Origin: `data/README.md`.
const NORMAL_TEXT: &[u8] = include_bytes!("../data/normal-text.txt");

/// Bits in the gate's fragment set (a power of two; 2^16 bits is 8 KiB, inside L1).
const GATE_BITS: usize = 1 << 16;

/// A pre-test that rejects most records without running the automaton.
///
/// A needle that must start its text contributes its first 4 bytes to the *at-start* set,
/// probed once at the text's first non-blank byte. Any other needle of 6 bytes or more
/// contributes three 4-byte fragments at adjacent offsets (its rarest such triple in
/// ordinary kernel text) to the *anywhere* set, probed at every third offset: one fragment
/// of each occurrence always lands on a probed offset. The few shorter ones are searched
/// for as they are. So a needle present in the text is never missed (false positives only
/// cost an automaton run). The anywhere probes do not depend on where a text starts, so a
/// whole block is probed at once ([`Gate::block_hits`]).
pub struct Gate {
    anywhere: Box<[u64; GATE_BITS / 64]>,
    at_start: Box<[u64; GATE_BITS / 64]>,
    /// Needles too short for three fragments that may occur anywhere.
    short: Vec<memchr::memmem::Finder<'static>>,
    /// Set when some needle is too short for the scheme: every text passes.
    pass_all: bool,
}

/// Fragments per anywhere needle, and so the stride of the anywhere probes.
pub const STRIDE: usize = 3;
/// Bytes per probe window (two probes, `STRIDE` apart, from one 8-byte load).
pub const WINDOW: usize = 2 * STRIDE;

#[inline]
fn gate_slot(quad: u32) -> usize {
    (quad.wrapping_mul(0x9E37_79B1) >> 16) as usize & (GATE_BITS - 1)
}

#[inline]
fn quad_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// The 8 bytes at `i` as one little-endian load.
#[inline]
fn word_at(b: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

#[inline]
fn probe(bits: &[u64; GATE_BITS / 64], quad: u32) -> u64 {
    let slot = gate_slot(quad);
    bits[slot / 64] >> (slot % 64)
}

/// Lists the windows of a four-window `chunk` at `at` that hit (out of the hot loop).
#[cold]
#[inline(never)]
fn push_windows(bits: &[u64; GATE_BITS / 64], chunk: &[u8], at: usize, out: &mut Vec<u32>) {
    for k in 0..4 {
        if word_at(chunk, k * WINDOW).is_some_and(|w| probe_pair(bits, w) & 1 != 0) {
            out.push((at + k * WINDOW) as u32);
        }
    }
}

/// The anywhere probes at `i` and `i + STRIDE` from one load at `i`.
#[inline]
fn probe_pair(bits: &[u64; GATE_BITS / 64], w: u64) -> u64 {
    probe(bits, w as u32) | probe(bits, (w >> (8 * STRIDE)) as u32)
}

impl Gate {
    /// Builds the gate for `needles` (text, must start the text after blanks).
    pub fn new(needles: &[(&'static str, bool)], normal: &[u8]) -> Gate {
        // How often each slot's quads occur in ordinary text (saturating: only the rarest
        // matter).
        let mut freq = vec![0u8; GATE_BITS];
        for line in normal.split(|&c| c == b'\n') {
            for q in line.windows(4) {
                let f = &mut freq[gate_slot(u32::from_le_bytes([q[0], q[1], q[2], q[3]]))];
                *f = f.saturating_add(1);
            }
        }
        let mut anywhere = Box::new([0u64; GATE_BITS / 64]);
        let mut at_start = Box::new([0u64; GATE_BITS / 64]);
        let mut short = Vec::new();
        let mut pass_all = false;
        let set =
            |bits: &mut [u64; GATE_BITS / 64], slot: usize| bits[slot / 64] |= 1 << (slot % 64);
        for &(needle, must_start) in needles {
            let b = needle.as_bytes();
            if b.len() < 4 || (b.len() < 5 && !must_start) {
                pass_all = true;
            } else if must_start {
                set(&mut at_start, gate_slot(quad_at(b, 0)));
            } else if b.len() < 3 + STRIDE {
                short.push(memchr::memmem::Finder::new(b).into_owned());
            } else {
                let score = |o: usize| -> u64 {
                    (0..STRIDE)
                        .map(|k| u64::from(freq[gate_slot(quad_at(b, o + k))]))
                        .sum()
                };
                let o = (0..=b.len() - 3 - STRIDE)
                    .min_by_key(|&o| score(o))
                    .unwrap_or(0);
                for k in 0..STRIDE {
                    set(&mut anywhere, gate_slot(quad_at(b, o + k)));
                }
            }
        }
        Gate {
            anywhere,
            at_start,
            short,
            pass_all,
        }
    }

    /// Whether some needle may occur in `text` (false: none does).
    #[inline]
    pub fn may_match(&self, text: &[u8]) -> bool {
        if self.pass_all {
            return true;
        }
        let start = text
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .unwrap_or(text.len());
        let t = &text[start..];
        self.starts_with_needle(t)
            || self.anywhere_in(t)
            || self.short.iter().any(|f| f.find(t).is_some())
    }

    /// Whether a needle that must start the text may start `t` (its first non-blank byte).
    #[inline]
    pub fn starts_with_needle(&self, t: &[u8]) -> bool {
        self.pass_all || (t.len() >= 4 && probe(&self.at_start, quad_at(t, 0)) & 1 != 0)
    }

    /// Whether an anywhere probe of `t` hits.
    #[inline]
    fn anywhere_in(&self, t: &[u8]) -> bool {
        let bits: &[u64; GATE_BITS / 64] = &self.anywhere;
        let mut hit = 0u64;
        let mut i = 0;
        while let Some(w) = word_at(t, i) {
            hit |= probe_pair(bits, w);
            i += WINDOW;
        }
        while i + 4 <= t.len() {
            hit |= probe(bits, quad_at(t, i));
            i += STRIDE;
        }
        hit & 1 != 0
    }

    /// Offsets `w` (multiples of 6, ascending) in `block` where a probe at `w` or `w + 3`
    /// hits the anywhere set, merged with the offsets where a short needle starts (every
    /// window when the gate passes everything). An occurrence of a needle that need not
    /// start its text has a fragment at an offset `p` that is a multiple of 3, and the
    /// window at `p - p % 6` is listed; a short needle's own offset is.
    pub fn block_hits(&self, block: &[u8], out: &mut Vec<u32>) {
        out.clear();
        if self.pass_all {
            out.extend((0..block.len() as u32).step_by(WINDOW));
            return;
        }
        let bits: &[u64; GATE_BITS / 64] = &self.anywhere;
        let mut i = 0;
        // Four windows per step, looked at one by one only when one of them hits.
        while let Some(chunk) = block.get(i..i + 3 * WINDOW + 8) {
            let w = |k: usize| {
                u64::from_le_bytes(<[u8; 8]>::try_from(&chunk[k..k + 8]).unwrap_or([0; 8]))
            };
            let any = probe_pair(bits, w(0))
                | probe_pair(bits, w(WINDOW))
                | probe_pair(bits, w(2 * WINDOW))
                | probe_pair(bits, w(3 * WINDOW));
            if any & 1 != 0 {
                push_windows(bits, chunk, i, out);
            }
            i += 4 * WINDOW;
        }
        while let Some(w) = word_at(block, i) {
            if probe_pair(bits, w) & 1 != 0 {
                out.push(i as u32);
            }
            i += WINDOW;
        }
        // The tail: probes at i and i + 3 where 4 bytes remain.
        let tail = [i, i + STRIDE]
            .iter()
            .filter(|&&k| k + 4 <= block.len())
            .fold(0, |h, &k| h | probe(bits, quad_at(block, k)));
        if tail & 1 != 0 {
            out.push(i as u32);
        }
        if !self.short.is_empty() {
            let before = out.len();
            for f in &self.short {
                out.extend(f.find_iter(block).map(|p| p as u32));
            }
            if out.len() > before {
                out.sort_unstable();
            }
        }
    }
}

/// The vocabulary, built once.
pub static VOCAB: LazyLock<Vocabulary> = LazyLock::new(|| {
    // (needle, counts only at the start, meaning)
    let mut needles: Vec<(&str, bool, Hit)> = Vec::new();
    for (i, mk) in MARKERS.iter().enumerate() {
        needles.push((mk.needle, mk.at == At::Start, Hit::Marker(i)));
    }
    for (i, ev) in EVENTS.iter().enumerate() {
        needles.push((ev.needle, false, Hit::Event(i)));
    }
    for (i, q) in QUIET_DUMP_TRIGGERS.iter().enumerate() {
        needles.push((q.needle, false, Hit::QuietDump(i)));
    }
    let gated: Vec<(&'static str, bool)> = needles.iter().map(|&(n, s, _)| (n, s)).collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .start_kind(aho_corasick::StartKind::Unanchored)
        .build(gated.iter().map(|&(n, _)| n))
        .expect("static needles build");
    Vocabulary {
        ac,
        hits: needles.iter().map(|&(_, _, h)| h).collect(),
        start_only: gated.iter().map(|&(_, s)| s).collect(),
        gate: Gate::new(&gated, NORMAL_TEXT),
    }
});

/// Whether a marker applies to `text` at byte offset `pos`.
pub fn marker_applies(mk: &Marker, text: &str, pos: usize) -> bool {
    let ok_at = match mk.at {
        At::Anywhere => true,
        At::Start => text[..pos].bytes().all(|b| b == b' ' || b == b'\t'),
        At::Word => pos == 0 || !text.as_bytes()[pos - 1].is_ascii_alphanumeric(),
    };
    ok_at && mk.unless.iter().all(|u| !text.contains(u)) && mk.also.is_none_or(|a| text.contains(a))
}

/// Whether some needle occurs in `text` where it counts (start-only needles at the start); the
/// [`Gate`] must pass every such text.
pub fn needle_counts_in(text: &str) -> bool {
    VOCAB.ac.find_overlapping_iter(text).any(|m| {
        !VOCAB.start_only[m.pattern().as_usize()]
            || text[..m.start()].bytes().all(|b| b == b' ' || b == b'\t')
    })
}

/// Line starts that belong to the body of any report (registers, trace markers, decode
/// lines, lockdep and RCU detail lines).
pub static BODY_PREFIXES: &[&str] = &[
    // MIPS register dump, four registers a line: `$ 0   : 00000000 ...`, `$28   : ...`;
    // `epc   : 80036d94 tasklet_action+0xf4/0x1d0`.
    "$ 0   :",
    "$ 4   :",
    "$ 8   :",
    "$12   :",
    "$16   :",
    "$20   :",
    "$24   :",
    "$28   :",
    "Hi    : ",
    "Lo    : ",
    "epc   : ",
    "ra    : ",
    "Status: ",
    "Cause : ",
    "PrId  : ",
    "BadVA : ",
    "CPU: ",
    "Pid: ",
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
    "pmr_save:",
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
    "<EOE>",
    "<<EOE>>",
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

/// Line starts of the free text sanitizer and leak reports print between their stacks
/// (`Allocated by`, `The buggy address`, shadow-memory dumps...).
pub static SANITIZER_TEXT_PREFIXES: &[&str] = &[
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
    "Pid: ",
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
    // KFENCE (`kfence-#72: 0x...-0x..., size=32, cache=kmalloc-32`, `allocated by task 484 on
    // cpu 0 at 32.919330s:`) and KCSAN access lines.
    "kfence-#",
    "allocated by task",
    "freed by task",
    "Out-of-bounds",
    "Use-after-free",
    "Invalid read",
    "Invalid write",
    "Invalid free",
    "Corrupted memory",
    "race at unknown origin",
    // lockdep's explanation between its stacks.
    "Chain exists of",
    "Possible unsafe locking scenario",
    "Possible interrupt unsafe locking scenario",
    "CPU0",
    "----",
    "-> #",
    "the existing dependency chain",
    "which lock already depends on",
    "but task is already holding",
    "and the lock",
    "the shortest dependencies",
    "ORIG_RAX",
];

/// Banners that start a boot (`Booting Linux` is followed by `Linux version` in the same boot).
pub const BOOT_BANNERS: &[&str] = &["Linux version ", "Booting Linux on physical CPU"];
/// The version banner, which may follow `Booting Linux on physical CPU` in the same boot.
pub const VERSION_BANNER: &str = "Linux version ";
/// What the kernel prints before a line it prints again because the first copy was cut.
pub const REPLAY_NOTICE: &str = "** replaying previous printk message";
/// The line that closes an oops, BUG or WARNING (`---[ end trace 0000000000000000 ]---`).
pub const END_OF_TRACE: &str = "---[ end trace";

/// What the pattern table found on one record.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RecordHits {
    /// The report marker that applies (index in [`MARKERS`]): the first listed wins.
    pub marker: Option<usize>,
    /// Event kinds found, each once, in the order their needles matched (at most four).
    pub events: [Option<EventKind>; 4],
    /// A quiet-dump needle: the stack dump that follows is not a report.
    pub quiet_dump: bool,
}

/// One pass of the vocabulary over a record's text (`trimmed`: the same without leading
/// blanks). User-space records (a syslog ident other than `kernel`) start no report, and
/// without the word `kernel` neither a quiet dump.
/// `None` when no needle can occur in the text (most records: the gate rejects them far more
/// cheaply than the overlapping search that collects every hit).
#[inline]
pub fn scan_record(text: &str, trimmed: &str, from_user_space: bool) -> Option<RecordHits> {
    if !VOCAB.gate.may_match(text.as_bytes()) {
        return None;
    }
    Some(collect_hits(text, trimmed, from_user_space))
}

fn collect_hits(text: &str, trimmed: &str, from_user_space: bool) -> RecordHits {
    let mut hits = RecordHits::default();
    let markers = !from_user_space || trimmed.contains("kernel");
    let mut events: [Option<usize>; 4] = [None; 4];
    let mut n_events = 0;
    for m in VOCAB.ac.find_overlapping_iter(text) {
        match VOCAB.hits[m.pattern().as_usize()] {
            Hit::Marker(i) if markers && !from_user_space => {
                if hits.marker.is_none_or(|j| i < j) && marker_applies(&MARKERS[i], text, m.start())
                {
                    hits.marker = Some(i);
                }
            }
            Hit::Event(i) => {
                if n_events < events.len() && !events[..n_events].contains(&Some(i)) {
                    events[n_events] = Some(i);
                    n_events += 1;
                }
            }
            Hit::QuietDump(i)
                if markers && trimmed.starts_with(QUIET_DUMP_TRIGGERS[i].line_start) =>
            {
                hits.quiet_dump = true
            }
            Hit::Marker(_) | Hit::QuietDump(_) => {}
        }
    }
    let mut k = 0;
    for ev in events.iter().take(n_events).flatten() {
        let kind = EVENTS[*ev].kind;
        if !hits.events.contains(&Some(kind)) {
            hits.events[k] = Some(kind);
            k += 1;
        }
    }
    hits
}

/// Every needle of the tables with whether it counts only at the start of the text.
#[cfg(test)]
pub(crate) fn tests_vocabulary() -> impl Iterator<Item = (&'static str, bool)> {
    let starts = MARKERS.iter().map(|m| (m.needle, m.at == At::Start));
    let events = EVENTS.iter().map(|e| (e.needle, false));
    starts
        .chain(events)
        .chain(QUIET_DUMP_TRIGGERS.iter().map(|q| (q.needle, false)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Framer;

    /// Every needle with whether it counts only at the start of the text.
    fn vocabulary() -> impl Iterator<Item = (&'static str, bool)> {
        let starts = MARKERS.iter().map(|m| (m.needle, m.at == At::Start));
        let events = EVENTS.iter().map(|e| (e.needle, false));
        starts
            .chain(events)
            .chain(QUIET_DUMP_TRIGGERS.iter().map(|q| (q.needle, false)))
    }

    #[test]
    fn gate_passes_every_needle_at_every_alignment() {
        assert!(!VOCAB.gate.pass_all, "a needle is too short for the gate");
        for (needle, at_start) in vocabulary() {
            let blank = ["", " ", "  ", "\t", "   "];
            let words = ["x", "xy", "abc ", "[ 1.2] ", "pci 0000:00:01.0: "];
            let prefixes: Vec<&str> = if at_start {
                blank.to_vec()
            } else {
                blank.iter().chain(words.iter()).copied().collect()
            };
            for p in prefixes {
                for s in ["", ".", " tail text"] {
                    let text = format!("{p}{needle}{s}");
                    assert!(
                        VOCAB.gate.may_match(text.as_bytes()),
                        "gate misses {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn gate_is_exact_and_selective_on_real_logs() {
        // Every lab console log (Debian 6.1 crashed with lkdtm, see tests/fixtures/lab/README.md).
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../ktriage/tests/fixtures/lab");
        let (mut records, mut passed, mut counted) = (0usize, 0usize, 0usize);
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "log"))
            .collect();
        paths.sort();
        assert!(paths.len() > 40);
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let mut framer = Framer::new();
            let mut check = |text: &str| {
                records += 1;
                let pass = VOCAB.gate.may_match(text.as_bytes());
                passed += pass as usize;
                if needle_counts_in(text) {
                    counted += 1;
                    assert!(pass, "{}: gate rejects {text:?}", path.display());
                }
            };
            for (i, line) in data.split(|&b| b == b'\n').enumerate() {
                framer.push_line(i as u64 + 1, line, &mut |r| check(&r.text));
            }
            framer.finish(&mut |r| check(&r.text));
        }
        assert!(counted > 500, "{counted} records with a needle");
        // Crash logs are needle-dense, yet most records are still turned away.
        assert!(
            passed * 3 < records,
            "gate passes {passed} of {records} records"
        );
    }
}
