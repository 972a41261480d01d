//! One row of metadata per report kind: the only place a kind's name, severity, class,
//! meaning, advice, panic sysctl, plural, title rule and header policy are decided.
//!
//! Adding a kind: a variant of [`ReportKind`](crate::ReportKind), its row in [`KINDS`] (in the
//! same order; a test checks it), and the markers that start it in `ktriage-parse`'s
//! `patterns::MARKERS`. Everything else reads the row.

use crate::{ReportKind, Severity};

/// What a kind of report says about the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindClass {
    /// The current task crashed in the kernel (oops, BUG, KASAN/KFENCE/UBSAN report).
    Crash,
    /// A CPU or task made no progress (soft/hard lockup, RCU stall, hung task).
    Stall,
    /// The kernel stopped.
    Panic,
    /// A WARN_ON fired.
    Warning,
    /// A checker that does not stop the task (KMSAN, KCSAN, lockdep).
    Checker,
    /// Memory ran out or leaked.
    Resource,
    /// The hardware reported an error.
    Hardware,
    /// A dump taken on request or by a detector for another report (NMI backtrace, SysRq).
    Dump,
    /// A register/stack dump whose trigger line is not in the log.
    Fragment,
}

/// How a report's own title is made when syzkaller's rules do not give one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleRule {
    /// `PREFIX in FUNCTION` (the guilty function), or `PREFIX` alone.
    InFunction(&'static str),
    /// The headline, cut at 120 characters.
    Headline,
    /// The headline without its `BUG: ` prefix, cut.
    HeadlineWithoutBug,
    /// Oops: the fault class named by the headline, `in FUNCTION`.
    Oops,
    /// `kernel BUG in FUNCTION` for `kernel BUG at`, else the headline.
    KernelBug,
    /// `kernel panic: REASON`.
    Panic,
    /// `WARNING in FUNCTION`; a warning printed by a message of its own (`comm: page
    /// allocation failure: order:7, mode:...`) is named by that message.
    Warning,
    /// `out of memory: COMM invoked oom-killer`.
    Oom,
    /// `NMI backtrace for cpu N in FUNCTION`.
    NmiBacktrace,
    /// `register dump in FUNCTION`, or `stack dump` without registers.
    Dump,
}

/// Which lines a report of this kind takes before its call trace, besides its body lines
/// (registers, frames, trace markers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderPolicy {
    /// Any line is part of the header until the trace starts (at most 400 lines).
    pub free_header: bool,
    /// Any line is part of the report up to this many lines (0: no such allowance).
    pub any_line_until: usize,
    /// Sanitizer free text (`Allocated by`, `The buggy address`, shadow dumps) is part of it
    /// (up to 2000 lines).
    pub sanitizer_text: bool,
    /// Every line is part of it, blank ones included (a SysRq dump prints whole task lists).
    pub verbatim: bool,
}

const STRICT: HeaderPolicy = HeaderPolicy {
    free_header: false,
    any_line_until: 0,
    sanitizer_text: false,
    verbatim: false,
};
const FREE: HeaderPolicy = HeaderPolicy {
    free_header: true,
    ..STRICT
};
const SANITIZER: HeaderPolicy = HeaderPolicy {
    free_header: true,
    sanitizer_text: true,
    ..STRICT
};

/// Everything ktriage knows about one report kind.
#[derive(Debug, Clone, Copy)]
pub struct KindInfo {
    /// The kind this row describes.
    pub kind: ReportKind,
    /// The snake_case name used in JSON.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// What it says about the machine.
    pub class: KindClass,
    /// Singular noun for people (`soft lockup`).
    pub noun: &'static str,
    /// Plural for folded repeats (`soft lockups`).
    pub plural: &'static str,
    /// Consecutive repeats are folded into one line in the text output.
    pub foldable: bool,
    /// A report of this kind can be what a later panic was about.
    pub can_cause_panic: bool,
    /// What it means, in one sentence for someone woken at 3 a.m.
    pub meaning: &'static str,
    /// First next step when no rule explains it (`None`: the hang rule speaks for it).
    pub advice: Option<&'static str>,
    /// The sysctl that turns it into a panic (so kdump captures it).
    pub panic_sysctl: Option<&'static str>,
    /// How its own title is made.
    pub title: TitleRule,
    /// Which non-body lines it takes.
    pub header: HeaderPolicy,
}

const RESOLVE_FAULT: &str = "resolve the faulting line: `./scripts/faddr2line vmlinux FUNC+OFF/SIZE` (or `gdb -batch -ex 'list *(FUNC+OFF)' vmlinux`, the module's .ko for module code), then search the kernel's git log for fixes";
const SEE_HANG_RULE: &str = "see the findings of the hang rule below";
const READ_WITH_TRIGGER: &str = "read it together with the lockup or request that triggered it";
const MEMORY_SAFETY: &str =
    "a memory-safety checker caught an invalid access (use-after-free, out-of-bounds)";

/// The kind table, in [`ReportKind`] order.
pub static KINDS: [KindInfo; 20] = [
    KindInfo {
        kind: ReportKind::Oops,
        name: "oops",
        severity: Severity::Critical,
        class: KindClass::Crash,
        noun: "oops",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "the kernel faulted in kernel mode and killed the running task; the kernel may be left inconsistent",
        advice: Some(RESOLVE_FAULT),
        panic_sysctl: Some("kernel.panic_on_oops=1"),
        title: TitleRule::Oops,
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::Bug,
        name: "bug",
        severity: Severity::Critical,
        class: KindClass::Crash,
        noun: "BUG",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "a kernel assertion (BUG_ON) or a detected corruption stopped the running task",
        advice: Some(RESOLVE_FAULT),
        panic_sysctl: Some("kernel.panic_on_oops=1"),
        title: TitleRule::KernelBug,
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::Warning,
        name: "warning",
        severity: Severity::Warning,
        class: KindClass::Warning,
        noun: "warning",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "a kernel WARN_ON fired: an unexpected state, not fatal by itself",
        advice: Some("resolve the WARN line with `./scripts/faddr2line vmlinux FUNC+OFF/SIZE` and read the condition there; set kernel.panic_on_warn=1 only to capture a vmcore of it"),
        panic_sysctl: Some("kernel.panic_on_warn=1"),
        title: TitleRule::Warning,
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::Panic,
        name: "panic",
        severity: Severity::Critical,
        class: KindClass::Panic,
        noun: "panic",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "the kernel stopped: it panicked and will reboot only if kernel.panic > 0 or kdump is loaded",
        advice: Some("look at the report printed just before the panic (it is the cause); keep kdump loaded (`kdumpctl status`) to capture a vmcore next time"),
        panic_sysctl: None,
        title: TitleRule::Panic,
        header: STRICT,
    },
    KindInfo {
        kind: ReportKind::SoftLockup,
        name: "soft_lockup",
        severity: Severity::Critical,
        class: KindClass::Stall,
        noun: "soft lockup",
        plural: "soft lockups",
        foldable: true,
        can_cause_panic: true,
        meaning: "a CPU ran kernel code for longer than 2 x watchdog_thresh (20 s by default) without scheduling: preemption was off or the CPU looped in the kernel",
        advice: None,
        panic_sysctl: Some("kernel.softlockup_panic=1"),
        title: TitleRule::InFunction("BUG: soft lockup"),
        header: STRICT,
    },
    KindInfo {
        kind: ReportKind::HardLockup,
        name: "hard_lockup",
        severity: Severity::Critical,
        class: KindClass::Stall,
        noun: "hard lockup",
        plural: "hard lockups",
        foldable: true,
        can_cause_panic: true,
        meaning: "a CPU did not take timer interrupts for about 10 s: it looped with interrupts disabled",
        advice: None,
        panic_sysctl: Some("kernel.hardlockup_panic=1"),
        title: TitleRule::InFunction("watchdog: hard LOCKUP"),
        header: STRICT,
    },
    KindInfo {
        kind: ReportKind::RcuStall,
        name: "rcu_stall",
        severity: Severity::Critical,
        class: KindClass::Stall,
        noun: "RCU stall",
        plural: "RCU stalls",
        foldable: true,
        can_cause_panic: true,
        meaning: "a CPU did not pass an RCU quiescent state for rcu_cpu_stall_timeout (21-60 s): it looped in the kernel without scheduling",
        advice: None,
        panic_sysctl: Some("kernel.panic_on_rcu_stall=1"),
        title: TitleRule::InFunction("INFO: rcu detected stall"),
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::HungTask,
        name: "hung_task",
        severity: Severity::Critical,
        class: KindClass::Stall,
        noun: "hung task",
        plural: "hung tasks",
        foldable: true,
        can_cause_panic: true,
        meaning: "a task stayed in uninterruptible sleep (D state) past hung_task_timeout_secs (120 s by default): it waits for I/O or a lock that never comes",
        advice: None,
        panic_sysctl: Some("kernel.hung_task_panic=1"),
        title: TitleRule::InFunction("INFO: task hung"),
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::Kasan,
        name: "kasan",
        severity: Severity::Critical,
        class: KindClass::Crash,
        noun: "KASAN report",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: MEMORY_SAFETY,
        advice: Some(RESOLVE_FAULT),
        panic_sysctl: Some("kasan.fault=panic"),
        title: TitleRule::HeadlineWithoutBug,
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::Kmsan,
        name: "kmsan",
        severity: Severity::Critical,
        class: KindClass::Checker,
        noun: "KMSAN report",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "KMSAN saw a use of uninitialised memory",
        advice: Some(SEE_HANG_RULE),
        panic_sysctl: None,
        title: TitleRule::HeadlineWithoutBug,
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::Kcsan,
        name: "kcsan",
        severity: Severity::Critical,
        class: KindClass::Checker,
        noun: "KCSAN report",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "KCSAN saw a data race",
        advice: Some(SEE_HANG_RULE),
        panic_sysctl: None,
        title: TitleRule::HeadlineWithoutBug,
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::Ubsan,
        name: "ubsan",
        severity: Severity::Critical,
        class: KindClass::Crash,
        noun: "UBSAN report",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "UBSAN saw undefined behaviour (shift, overflow, out-of-bounds index)",
        advice: Some(RESOLVE_FAULT),
        panic_sysctl: None,
        title: TitleRule::Headline,
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::Kfence,
        name: "kfence",
        severity: Severity::Critical,
        class: KindClass::Crash,
        noun: "KFENCE report",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: MEMORY_SAFETY,
        advice: Some(RESOLVE_FAULT),
        panic_sysctl: None,
        title: TitleRule::HeadlineWithoutBug,
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::Lockdep,
        name: "lockdep",
        severity: Severity::Critical,
        class: KindClass::Checker,
        noun: "lockdep report",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "lockdep saw a locking order that can deadlock",
        advice: Some(SEE_HANG_RULE),
        panic_sysctl: None,
        title: TitleRule::Headline,
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::Oom,
        name: "oom",
        severity: Severity::Warning,
        class: KindClass::Resource,
        noun: "OOM kill",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "memory ran out and the OOM killer chose a task to kill",
        advice: Some("see which task used the memory in the OOM report's task table; check memory cgroup limits and leaks"),
        panic_sysctl: Some("vm.panic_on_oom=1"),
        title: TitleRule::Oom,
        header: HeaderPolicy {
            any_line_until: 2000,
            ..FREE
        },
    },
    KindInfo {
        kind: ReportKind::MemoryLeak,
        name: "memory_leak",
        severity: Severity::Warning,
        class: KindClass::Resource,
        noun: "memory leak",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "kmemleak found unreferenced allocations",
        advice: Some(SEE_HANG_RULE),
        panic_sysctl: None,
        title: TitleRule::InFunction("memory leak"),
        header: SANITIZER,
    },
    KindInfo {
        kind: ReportKind::HardwareError,
        name: "hardware_error",
        severity: Severity::Critical,
        class: KindClass::Hardware,
        noun: "hardware error",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "the hardware reported an error (MCE/EDAC/GHES)",
        advice: Some("check the BMC SEL (`ipmitool sel elist`) and `ras-mc-ctl --errors`; replace the failing part"),
        panic_sysctl: None,
        title: TitleRule::Headline,
        header: FREE,
    },
    KindInfo {
        kind: ReportKind::NmiBacktrace,
        name: "nmi_backtrace",
        severity: Severity::Warning,
        class: KindClass::Dump,
        noun: "NMI backtrace",
        plural: "NMI backtraces",
        foldable: true,
        can_cause_panic: false,
        meaning: "an NMI backtrace shows where a CPU was when another CPU asked for it (lockup or sysrq-l)",
        advice: Some(READ_WITH_TRIGGER),
        panic_sysctl: None,
        title: TitleRule::NmiBacktrace,
        header: STRICT,
    },
    KindInfo {
        kind: ReportKind::SysrqDump,
        name: "sysrq_dump",
        severity: Severity::Warning,
        class: KindClass::Dump,
        noun: "SysRq dump",
        plural: "reports",
        foldable: false,
        can_cause_panic: false,
        meaning: "a SysRq dump taken on request",
        advice: Some(READ_WITH_TRIGGER),
        panic_sysctl: None,
        title: TitleRule::Headline,
        header: HeaderPolicy {
            verbatim: true,
            ..SANITIZER
        },
    },
    KindInfo {
        kind: ReportKind::RegisterDump,
        name: "register_dump",
        severity: Severity::Warning,
        class: KindClass::Fragment,
        noun: "stuck-CPU dump",
        plural: "reports",
        foldable: false,
        can_cause_panic: true,
        meaning: "a register and stack dump whose trigger line is missing from the log (cut or lost): the CPU was caught here, typically by a lockup detector",
        advice: None,
        panic_sysctl: None,
        title: TitleRule::Dump,
        header: STRICT,
    },
];

impl ReportKind {
    /// Every kind, in declaration order.
    pub const ALL: [ReportKind; 20] = [
        ReportKind::Oops,
        ReportKind::Bug,
        ReportKind::Warning,
        ReportKind::Panic,
        ReportKind::SoftLockup,
        ReportKind::HardLockup,
        ReportKind::RcuStall,
        ReportKind::HungTask,
        ReportKind::Kasan,
        ReportKind::Kmsan,
        ReportKind::Kcsan,
        ReportKind::Ubsan,
        ReportKind::Kfence,
        ReportKind::Lockdep,
        ReportKind::Oom,
        ReportKind::MemoryLeak,
        ReportKind::HardwareError,
        ReportKind::NmiBacktrace,
        ReportKind::SysrqDump,
        ReportKind::RegisterDump,
    ];

    /// This kind's row of [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// Default severity of a report of this kind.
    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// The class of the kind.
    pub fn class(self) -> KindClass {
        self.info().class
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_kind_order_and_names_match_the_json() {
        for (i, k) in ReportKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i);
            assert_eq!(KINDS[i].kind, *k, "row {i}");
            let json = serde_json::to_value(k).expect("kind serialises");
            assert_eq!(json.as_str(), Some(KINDS[i].name), "{k:?}");
        }
    }

    #[test]
    fn classes_say_what_the_rules_ask() {
        let crash: Vec<&str> = KINDS
            .iter()
            .filter(|k| k.class == KindClass::Crash)
            .map(|k| k.name)
            .collect();
        assert_eq!(crash, ["oops", "bug", "kasan", "ubsan", "kfence"]);
        let stall: Vec<&str> = KINDS
            .iter()
            .filter(|k| k.class == KindClass::Stall)
            .map(|k| k.name)
            .collect();
        assert_eq!(
            stall,
            ["soft_lockup", "hard_lockup", "rcu_stall", "hung_task"]
        );
        // Only stalls (and fragments) leave their advice to the hang rule.
        for k in &KINDS {
            assert_eq!(
                k.advice.is_none(),
                matches!(k.class, KindClass::Stall | KindClass::Fragment),
                "{}",
                k.name
            );
        }
    }
}
