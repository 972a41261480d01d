//! Parser tests on real Debian 6.1 console logs (tests/fixtures/lab, made by shared/lab with lkdtm).

use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::*;

fn lab(name: &str) -> Analysis {
    let p = format!(
        "{}/tests/fixtures/lab/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    );
    let (a, errors) = analyze_paths(&[p], Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    a
}

type Expect = (
    ReportKind,
    &'static str,
    Option<Arch>,
    Option<u32>,
    Option<&'static str>,
    Option<&'static str>,
    usize,
);

/// First report of each lab log: kind, title, arch, CPU, comm, where the CPU was, report count.
const FIRST_REPORTS: &[(&str, Option<Expect>)] = &[
    (
        "ACCESS_NULL-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_ACCESS_NULL"),
            1,
        )),
    ),
    (
        "BUG-amd64",
        Some((
            ReportKind::Bug,
            "kernel BUG in lkdtm_BUG",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_BUG"),
            1,
        )),
    ),
    (
        "CORRUPT_LIST_ADD-amd64",
        Some((
            ReportKind::Bug,
            "BUG: corrupted list in lkdtm_CORRUPT_LIST_ADD",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("__list_add_valid.cold"),
            1,
        )),
    ),
    (
        "CORRUPT_LIST_ADD-arm64",
        Some((
            ReportKind::Bug,
            "BUG: corrupted list in lkdtm_CORRUPT_LIST_ADD",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("__list_add_valid"),
            2,
        )),
    ),
    (
        "CORRUPT_LIST_DEL-amd64",
        Some((
            ReportKind::Bug,
            "BUG: corrupted list in lkdtm_CORRUPT_LIST_DEL",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("__list_del_entry_valid.cold"),
            1,
        )),
    ),
    (
        "CORRUPT_LIST_DEL-arm64",
        Some((
            ReportKind::Bug,
            "BUG: corrupted list in lkdtm_CORRUPT_LIST_DEL",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("__list_del_entry_valid"),
            2,
        )),
    ),
    (
        "CORRUPT_STACK-amd64",
        Some((
            ReportKind::Panic,
            "kernel panic: stack is corrupted in lkdtm_CORRUPT_STACK",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "EXCEPTION-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            1,
        )),
    ),
    (
        "EXCEPTION-arm64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            1,
        )),
    ),
    (
        "EXCEPTION-kexec-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            1,
        )),
    ),
    (
        "EXCEPTION-panic-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            2,
        )),
    ),
    (
        "EXCEPTION-panic-vmcore-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            2,
        )),
    ),
    (
        "EXCEPTION-panic-vmcore-arm64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_EXCEPTION"),
            2,
        )),
    ),
    (
        "EXEC_DATA-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel paging request in data_area",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("data_area"),
            1,
        )),
    ),
    (
        "EXEC_DATA-arm64",
        Some((
            ReportKind::Oops,
            "Unable to handle kernel execute from non-executable memory at virtual address ADDR",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("lkdtm_FORTIFY_STR_OBJECT"),
            1,
        )),
    ),
    (
        "EXHAUST_STACK-amd64",
        Some((
            ReportKind::Bug,
            "BUG: stack guard page was hit in full_proxy_write",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("recursive_loop"),
            2,
        )),
    ),
    (
        "EXHAUST_STACK-arm64",
        Some((
            ReportKind::Bug,
            "Insufficient stack space to handle exception!",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("recursive_loop"),
            2,
        )),
    ),
    (
        "HUNG_TASK-amd64",
        Some((
            ReportKind::HungTask,
            "INFO: task hung in direct_entry",
            Some(Arch::X86_64),
            None,
            Some("sh"),
            None,
            3,
        )),
    ),
    (
        "HUNG_TASK-arm64",
        Some((
            ReportKind::HungTask,
            "INFO: task hung in lkdtm_HUNG_TASK",
            Some(Arch::Arm64),
            None,
            Some("sh"),
            None,
            3,
        )),
    ),
    (
        "HUNG_TASK-panic-amd64",
        Some((
            ReportKind::HungTask,
            "INFO: task hung in direct_entry",
            Some(Arch::X86_64),
            None,
            Some("sh"),
            None,
            2,
        )),
    ),
    (
        "HUNG_TASK-panic-arm64",
        Some((
            ReportKind::HungTask,
            "INFO: task hung in lkdtm_HUNG_TASK",
            Some(Arch::Arm64),
            None,
            Some("sh"),
            None,
            2,
        )),
    ),
    (
        "OOM-amd64",
        Some((
            ReportKind::Oom,
            "out of memory: awk invoked oom-killer",
            Some(Arch::X86_64),
            Some(0),
            Some("awk"),
            None,
            1,
        )),
    ),
    (
        "OOM-arm64",
        Some((
            ReportKind::Oom,
            "out of memory: awk invoked oom-killer",
            Some(Arch::Arm64),
            Some(0),
            Some("awk"),
            None,
            1,
        )),
    ),
    (
        "PANIC-amd64",
        Some((
            ReportKind::Panic,
            "kernel panic: dumptest",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "PANIC-arm64",
        Some((
            ReportKind::Panic,
            "kernel panic: dumptest",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "PANIC-kexec-amd64",
        Some((
            ReportKind::Panic,
            "kernel panic: dumptest",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "PANIC-vmcore-amd64",
        Some((
            ReportKind::Panic,
            "kernel panic: dumptest",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "PANIC-vmcore-arm64",
        Some((
            ReportKind::Panic,
            "kernel panic: dumptest",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            None,
            1,
        )),
    ),
    (
        "RCU_STALL-amd64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            2,
        )),
    ),
    ("READ_AFTER_FREE-amd64", None),
    ("READ_AFTER_FREE-arm64", None),
    (
        "REFCOUNT_INC_OVERFLOW-amd64",
        Some((
            ReportKind::Warning,
            "WARNING: refcount bug in lkdtm_REFCOUNT_INC_OVERFLOW",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("refcount_warn_saturate"),
            1,
        )),
    ),
    (
        "REFCOUNT_INC_OVERFLOW-arm64",
        Some((
            ReportKind::Warning,
            "WARNING: refcount bug in lkdtm_REFCOUNT_INC_OVERFLOW",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("refcount_warn_saturate"),
            1,
        )),
    ),
    (
        "SLAB_FREE_DOUBLE-amd64",
        Some((
            ReportKind::Bug,
            "kernel BUG in direct_entry",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("kmem_cache_free"),
            1,
        )),
    ),
    (
        "SLAB_FREE_DOUBLE-arm64",
        Some((
            ReportKind::Bug,
            "kernel BUG in lkdtm_SLAB_FREE_DOUBLE",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("set_freepointer"),
            2,
        )),
    ),
    (
        "SOFTLOCKUP-amd64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            3,
        )),
    ),
    (
        "SOFTLOCKUP-arm64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            3,
        )),
    ),
    (
        "SOFTLOCKUP-panic-amd64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            3,
        )),
    ),
    (
        "SOFTLOCKUP-panic-vmcore-amd64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            3,
        )),
    ),
    (
        "SOFTLOCKUP-panic-vmcore-arm64",
        Some((
            ReportKind::RcuStall,
            "INFO: rcu detected stall in corrupted",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_SOFTLOCKUP"),
            3,
        )),
    ),
    (
        "SYSRQ_c-amd64",
        Some((
            ReportKind::Panic,
            "kernel panic: sysrq triggered crash",
            Some(Arch::X86_64),
            Some(0),
            Some("init"),
            None,
            1,
        )),
    ),
    (
        "SYSRQ_c-arm64",
        Some((
            ReportKind::Panic,
            "kernel panic: sysrq triggered crash",
            Some(Arch::Arm64),
            Some(1),
            Some("init"),
            None,
            1,
        )),
    ),
    (
        "SYSRQ_l-amd64",
        Some((
            ReportKind::SysrqDump,
            "sysrq: Show backtrace of all active CPUs",
            Some(Arch::X86_64),
            None,
            None,
            None,
            2,
        )),
    ),
    (
        "SYSRQ_l-arm64",
        Some((
            ReportKind::SysrqDump,
            "sysrq: Show backtrace of all active CPUs",
            Some(Arch::Arm64),
            None,
            None,
            None,
            1,
        )),
    ),
    (
        "SYSRQ_t-amd64",
        Some((
            ReportKind::SysrqDump,
            "sysrq: Show State",
            Some(Arch::X86_64),
            None,
            Some("init"),
            None,
            1,
        )),
    ),
    (
        "SYSRQ_t-arm64",
        Some((
            ReportKind::SysrqDump,
            "sysrq: Show State",
            Some(Arch::Arm64),
            None,
            Some("init"),
            None,
            1,
        )),
    ),
    (
        "USERCOPY_KERNEL-amd64",
        Some((
            ReportKind::Bug,
            "BUG: bad usercopy in lkdtm_USERCOPY_KERNEL",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("usercopy_abort"),
            1,
        )),
    ),
    (
        "USERCOPY_KERNEL-arm64",
        Some((
            ReportKind::Bug,
            "BUG: bad usercopy in lkdtm_USERCOPY_KERNEL",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("usercopy_abort"),
            2,
        )),
    ),
    (
        "WARNING-amd64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_WARNING"),
            1,
        )),
    ),
    (
        "WARNING-arm64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING",
            Some(Arch::Arm64),
            Some(1),
            Some("sh"),
            Some("lkdtm_WARNING"),
            1,
        )),
    ),
    (
        "WARNING-panic-amd64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_WARNING"),
            2,
        )),
    ),
    (
        "WARNING-panic-arm64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_WARNING"),
            2,
        )),
    ),
    (
        "WARNING_MESSAGE-amd64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING_MESSAGE",
            Some(Arch::X86_64),
            Some(0),
            Some("sh"),
            Some("lkdtm_WARNING_MESSAGE"),
            1,
        )),
    ),
    (
        "WARNING_MESSAGE-arm64",
        Some((
            ReportKind::Warning,
            "WARNING in lkdtm_WARNING_MESSAGE",
            Some(Arch::Arm64),
            Some(0),
            Some("sh"),
            Some("lkdtm_WARNING_MESSAGE"),
            1,
        )),
    ),
    (
        "WRITE_RO-amd64",
        Some((
            ReportKind::Oops,
            "BUG: unable to handle kernel paging request in lkdtm_WRITE_RO",
            Some(Arch::X86_64),
            Some(1),
            Some("sh"),
            Some("lkdtm_WRITE_RO"),
            1,
        )),
    ),
];

#[test]
fn every_lab_log_first_report() {
    let mut failures = Vec::new();
    for (name, want) in FIRST_REPORTS {
        let a = lab(name);
        let got = a.reports.first().map(|r| {
            (
                r.kind,
                r.title.as_str(),
                r.arch,
                r.cpu,
                r.comm.as_deref(),
                r.ip.as_ref().map(|i| i.function.as_str()),
                a.reports.len(),
            )
        });
        if got != *want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
        assert_eq!(
            a.boots.len(),
            if name.contains("kexec") { 2 } else { 1 },
            "{name}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn amd64_null_dereference_fields() {
    let a = lab("EXCEPTION-amd64");
    let r = &a.reports[0];
    assert_eq!(r.pid, Some(115));
    assert_eq!(r.fault_address.as_deref(), Some("0x0"));
    assert_eq!(r.kernel.as_deref(), Some("6.1.0-56-amd64"));
    let letters: String = r
        .taint
        .as_ref()
        .unwrap()
        .flags
        .iter()
        .map(|f| f.letter)
        .collect();
    assert_eq!(letters, "OE");
    assert_eq!(r.ip.as_ref().unwrap().module.as_deref(), Some("lkdtm"));
    let pf = r.decoded.page_fault.as_ref().unwrap();
    assert_eq!(pf.access, "write access", "{pf:?}");
    let code = r.code.as_ref().unwrap();
    assert_eq!(code.unit, 1);
    assert_eq!(
        code.bytes.split(' ').nth(code.fault_index.unwrap()),
        Some("c7")
    );
    assert!(r.decoded.eflags.is_some());
    assert_eq!(
        r.registers.get("rax").map(String::as_str),
        Some("0xffffffffc040d4a0")
    );
    assert!(
        r.frames.iter().any(|f| !f.reliable),
        "amd64 traces carry `?` frames"
    );
    assert!(r.frames.iter().all(|f| f.context == FrameContext::Task));
    assert!(r
        .frames
        .iter()
        .any(|f| f.function == "full_proxy_write" && f.reliable));
}

#[test]
fn arm64_null_dereference_esr() {
    let a = lab("EXCEPTION-arm64");
    let r = &a.reports[0];
    let esr = r.decoded.esr.as_ref().unwrap();
    assert_eq!(esr.ec, "0x25");
    assert_eq!(esr.wnr, Some(1));
    assert!(
        esr.fsc_name.unwrap().contains("level 2 translation"),
        "{esr:?}"
    );
    assert!(r.decoded.pstate.is_some());
    assert_eq!(r.ip.as_ref().unwrap().module.as_deref(), Some("lkdtm"));
    assert_eq!(r.code.as_ref().unwrap().unit, 4);
    // A system call from user space: every frame, down to the EL0 entry, is task context.
    assert_eq!(
        r.frames.last().map(|f| f.function.as_str()),
        Some("el0t_64_sync")
    );
    assert!(r
        .frames
        .iter()
        .all(|f| f.context == FrameContext::Task && f.reliable));
}

#[test]
fn lockups_stalls_and_hangs() {
    let a = lab("SOFTLOCKUP-amd64");
    let lockup = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::SoftLockup)
        .unwrap();
    assert!(lockup.decoded.stuck_seconds.unwrap() >= 20);
    assert_eq!(lockup.pid, Some(115));
    let stall = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::RcuStall)
        .unwrap();
    let d = stall.decoded.rcu_stall.as_ref().unwrap();
    assert!(d.self_detected);
    assert!(d.ticks_this_gp.unwrap() > 0);
    let a = lab("HUNG_TASK-arm64");
    let h = &a.reports[0];
    assert_eq!(h.kind, ReportKind::HungTask);
    assert_eq!(h.decoded.blocked_seconds, Some(10));
    let a = lab("HUNG_TASK-panic-amd64");
    let p = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Panic)
        .unwrap();
    assert_eq!(p.panic_reason.as_deref(), Some("hung_task: blocked tasks"));
}

#[test]
fn kexec_log_has_a_capture_kernel_boot() {
    let a = lab("PANIC-kexec-amd64");
    assert_eq!(a.boots.len(), 2);
    assert!(!a.boots[0].capture_kernel);
    assert!(a.boots[1].capture_kernel);
    assert!(a.boots[1]
        .command_line
        .as_deref()
        .unwrap()
        .contains("elfcorehdr="));
    assert_eq!(a.reports[0].boot, 0);
}

#[test]
fn sysrq_backtraces() {
    let a = lab("SYSRQ_l-amd64");
    let nmi: Vec<&Report> = a
        .reports
        .iter()
        .filter(|r| r.kind == ReportKind::NmiBacktrace)
        .collect();
    // CPU 1 printed `NMI backtrace for cpu 1 skipped: idling at native_safe_halt`: no
    // backtrace, so no report.
    assert_eq!(nmi.iter().map(|r| r.cpu).collect::<Vec<_>>(), vec![Some(0)]);
    // CPU 0 wrote to /proc/sysrq-trigger itself: its trace is plain task context.
    assert!(nmi[0]
        .frames
        .iter()
        .all(|f| f.context == FrameContext::Task));
    assert!(nmi[0]
        .frames
        .iter()
        .any(|f| f.function == "nmi_cpu_backtrace.cold"));
}

/// x86 marks the NMI part of a trace with `<NMI>` ... `</NMI>` (syzkaller corpus file 718).
#[test]
fn nmi_context_markers() {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ktriage-syz/tests/fixtures/syzkaller/718"
    );
    let data = std::fs::read(p).unwrap();
    let log = &data[data.windows(2).position(|w| w == b"\n\n").unwrap() + 2..];
    let a = ktriage::analyze::analyze_bytes("718", log, Options::default());
    let r = a
        .reports
        .iter()
        .find(|r| r.frames.iter().any(|f| f.context == FrameContext::Nmi))
        .unwrap();
    let show_regs = r.frames.iter().find(|f| f.function == "show_regs").unwrap();
    assert_eq!(show_regs.context, FrameContext::Nmi);
    assert!(!show_regs.reliable);
}

#[test]
fn spinlock_left_held_links_the_spinner_to_the_holder() {
    // lkdtm SPINLOCKUP twice: sh[115] returns to user space holding the lock (`BUG: scheduling
    // while atomic`), sh[117] spins on it (RCU stall, then soft lockups).
    let a = lab("SPINLOCKUP-amd64");
    let holder = &a.reports[0];
    assert!(holder.headline.contains("scheduling while atomic"));
    assert_eq!((holder.cpu, holder.pid), (Some(1), Some(115)));
    let inc = a
        .incidents
        .iter()
        .find(|i| {
            i.findings
                .iter()
                .any(|f| f.rule == "lock-holder-left-atomic")
        })
        .expect("lock-holder-left-atomic incident");
    assert_eq!(inc.root.as_deref(), Some(holder.id.as_str()));
    let spinners = a
        .reports
        .iter()
        .filter(|r| matches!(r.kind, ReportKind::SoftLockup | ReportKind::RcuStall))
        .count();
    assert_eq!(spinners, 4);
    assert_eq!(inc.reports.len(), 1 + spinners);
}
