//! Parser tests on the seed logs (tests/fixtures/cases, cut from shared/seeds; see its README).

use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::*;

fn case(name: &str, files: &[&str], opts: Options) -> Analysis {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cases/");
    let paths: Vec<String> = files.iter().map(|f| format!("{dir}{name}/{f}")).collect();
    let (a, errors) = analyze_paths(&paths, opts);
    assert!(errors.is_empty(), "{errors:?}");
    a
}

fn fnames(r: &Report) -> Vec<&str> {
    r.frames.iter().map(|f| f.function.as_str()).collect()
}

fn frame<'a>(r: &'a Report, name: &str) -> &'a Frame {
    r.frames
        .iter()
        .find(|f| f.function == name)
        .unwrap_or_else(|| panic!("no frame {name} in {:?}", fnames(r)))
}

/// Seed 003: nested oops in a die notifier, then soft lockups on five other CPUs.
#[test]
fn seed003_nested_oops_and_lockups() {
    let a = case("nested-oops-die-lock", &["console.log"], Options::default());
    let kinds: Vec<ReportKind> = a.reports.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ReportKind::Oops,
            ReportKind::Oops,
            ReportKind::SoftLockup,
            ReportKind::SoftLockup,
            ReportKind::SoftLockup,
            ReportKind::SoftLockup,
            ReportKind::SoftLockup
        ]
    );
    let first = &a.reports[0];
    assert_eq!(first.cpu, Some(0));
    assert_eq!(first.pid, Some(58147));
    assert_eq!(first.comm.as_deref(), Some("gen_seri_oops/0"));
    assert_eq!(first.arch, Some(Arch::Arm64));
    assert_eq!(first.fault_address.as_deref(), Some("0x0"));
    assert_eq!(first.kdump_loaded, Some(true));
    let ip = first.ip.as_ref().unwrap();
    assert_eq!(
        (ip.function.as_str(), ip.module.as_deref()),
        ("gen_seri_oops", Some("kpgen_kbox"))
    );
    assert_eq!(first.lr.as_ref().unwrap().function, "gen_seri_oops");
    assert_eq!(
        fnames(first),
        vec!["gen_seri_oops", "kthread", "ret_from_fork"]
    );
    assert!(first
        .frames
        .iter()
        .all(|f| f.reliable && f.context == FrameContext::Task));
    let esr = first.decoded.esr.as_ref().unwrap();
    assert_eq!(esr.ec, "0x25");
    assert_eq!(esr.wnr, Some(1));
    assert_eq!(esr.il, 32);
    let code = first.code.as_ref().unwrap();
    assert_eq!(code.fault_index, Some(4));
    assert_eq!(code.unit, 4);
    assert!(first.decoded.pstate.is_some());
    assert_eq!(
        first.registers.get("x29").map(String::as_str),
        Some("0xffff000033ea3e50")
    );
    // The nested oops: a read at NULL+8.
    let nested = &a.reports[1];
    assert_eq!(nested.fault_address.as_deref(), Some("0x8"));
    assert_eq!(nested.decoded.esr.as_ref().unwrap().wnr, Some(0));
    // Soft lockups, one of them on a line joined with its register dump.
    let lockups: Vec<(Option<u32>, Option<&str>, Option<u32>)> = a.reports[2..]
        .iter()
        .map(|r| (r.cpu, r.comm.as_deref(), r.pid))
        .collect();
    assert_eq!(
        lockups,
        vec![
            (Some(35), Some("docker-containe"), Some(29506)),
            (Some(51), Some("vm_io_monitor.p"), Some(10065)),
            (Some(30), Some("kill"), Some(2031)),
            (Some(58), Some("libvirtd"), Some(29334)),
            (Some(2), Some("logrotate"), Some(2045)),
        ]
    );
    let l35 = &a.reports[2];
    assert_eq!(l35.decoded.stuck_seconds, Some(22));
    assert_eq!(l35.arch, Some(Arch::Arm64));
    assert_eq!(l35.kernel.as_deref(), Some("4.19.5-1.1.29.aarch64"));
    assert_eq!(l35.ip.as_ref().unwrap().function, "smp_call_function_many");
    assert!(frame(l35, "kick_all_cpus_sync").reliable);
    assert_eq!(frame(l35, "el0_ia").context, FrameContext::Exception);
    let taint: String = l35
        .taint
        .as_ref()
        .unwrap()
        .flags
        .iter()
        .map(|f| f.letter)
        .collect();
    assert_eq!(taint, "OEL");
    // `die event detected` is an event between the two oopses.
    assert!(a
        .events
        .iter()
        .any(|e| e.kind == EventKind::DieEvent && e.source.line == 30));
}

/// Seed 000: a register dump whose trigger line was lost; CPU 0 stuck in softirq.
#[test]
fn seed000_headless_register_dump() {
    let a = case("reboot-softirq-stuck", &["console.log"], Options::default());
    assert_eq!(a.reports.len(), 1);
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::RegisterDump);
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(0), Some(0), Some("swapper/0"))
    );
    assert_eq!(r.arch, Some(Arch::Arm64));
    assert_eq!(r.kernel.as_deref(), Some("4.14.0-115.el7a.0.1.aarch64"));
    assert_eq!(r.ip.as_ref().unwrap().function, "__do_softirq");
    assert_eq!(r.lr.as_ref().unwrap().function, "irq_exit");
    assert_eq!(frame(r, "__do_softirq").context, FrameContext::Softirq);
    assert_eq!(frame(r, "gic_handle_irq").context, FrameContext::Irq);
    assert_eq!(frame(r, "arch_cpu_idle").context, FrameContext::Task);
    assert_eq!(
        frame(r, "start_kernel").address.as_deref(),
        Some("0xffff000008c00dac")
    );
    let ev: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::DriverError)
        .collect();
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[1].errno.as_ref().map(|e| e.name), Some("ENODEV"));
    assert_eq!(ev[1].subject.as_deref(), Some("ascend devdrv"));
}

/// Seed 004 (slides): x86-32 oops with `?` frames, then a panic.
#[test]
fn seed004_x86_32_oops_and_panic() {
    let a = case(
        "slides-x86-32-oops-panic",
        &["console.log"],
        Options::default(),
    );
    let oops = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Oops)
        .unwrap();
    assert_eq!(oops.arch, Some(Arch::I386));
    assert_eq!(
        (oops.cpu, oops.pid, oops.comm.as_deref()),
        (Some(0), Some(1), Some("swapper/0"))
    );
    assert_eq!(oops.fault_address.as_deref(), Some("0x8"));
    assert_eq!(oops.ip.as_ref().unwrap().function, "kallsym_init");
    assert!(frame(oops, "fedcore_init").reliable);
    assert!(!frame(oops, "__class_create").reliable);
    assert_eq!(oops.taint.as_ref().unwrap().raw, "Not tainted");
    // The Code: line was wrapped over three physical lines.
    let code = oops.code.as_ref().unwrap();
    assert_eq!(code.bytes.split(' ').count(), 64);
    assert_eq!(
        code.bytes.split(' ').nth(code.fault_index.unwrap()),
        Some("a1")
    );
    let pf = oops.decoded.page_fault.as_ref().unwrap();
    assert_eq!(pf.summary, "not-present page", "{pf:?}");
    let panic = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Panic)
        .unwrap();
    assert!(panic
        .panic_reason
        .as_deref()
        .unwrap()
        .starts_with("Attempted to kill init!"));
}

/// Seed 004 (slides): arm32 NULL dereference at 0x2c in rpmsg_sock_release.
#[test]
fn seed004_arm32_oops() {
    let a = case(
        "slides-arm32-oops-rpmsg",
        &["console.log"],
        Options::default(),
    );
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Oops);
    assert_eq!(r.arch, Some(Arch::Arm));
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(1), Some(188), Some("mediaserver"))
    );
    assert_eq!(r.fault_address.as_deref(), Some("0x2c"));
    assert_eq!(r.ip.as_ref().unwrap().function, "rpmsg_sock_release");
    assert!(r.decoded.fsr.is_some());
    assert!(r.decoded.pstate.is_some());
    assert_eq!(r.modules, vec!["bcmhdhd", "exfat", "cmemk", "pvrsvkm"]);
    assert!(r.title.contains("rpmsg_sock_release"), "{}", r.title);
}

/// Seed 004 (slides): a soft lockup in flush_tlb_mm_range read from syslog with wrapped lines.
#[test]
fn seed004_syslog_soft_lockup() {
    let a = case(
        "slides-x86-64-softlockup-tlb-syslog",
        &["console.log"],
        Options::default(),
    );
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::SoftLockup);
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(2), Some(131042), Some("worker"))
    );
    assert_eq!(r.arch, Some(Arch::X86_64));
    assert_eq!(r.decoded.stuck_seconds, Some(44));
    assert_eq!(r.ip.as_ref().unwrap().function, "smp_call_function_many");
    assert_eq!(fnames(r)[0], "flush_tlb_mm_range");
    assert!(fnames(r).contains(&"__x64_sys_munmap"));
    assert!(r
        .time
        .as_ref()
        .unwrap()
        .wall
        .unwrap()
        .to_string()
        .ends_with("01-30T22:14:43"));
    assert!(r.modules.contains(&"vhost".to_string()), "{:?}", r.modules);
    assert_eq!(a.reports.len(), 1);
}

/// Seed 001's inputs, in the order an engineer hands them over.
const CSD_FILES: &[&str] = &[
    "softlockup.log",
    "rcu-stall.log",
    "sel-list.txt",
    "sel-get-0146.txt",
    "messages",
];

/// Seed 001: soft lockup dump (trigger lost), RCU stall, SEL and syslog in separate files.
#[test]
fn seed001_csd_lock_sources() {
    let a = case("csd-lock-memory-error", CSD_FILES, Options::default());
    let kinds: Vec<SourceKind> = a.sources.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SourceKind::KernelLog,
            SourceKind::KernelLog,
            SourceKind::IpmiSel,
            SourceKind::IpmiSel,
            SourceKind::KernelLog
        ]
    );
    let dump = &a.reports[0];
    assert_eq!(dump.kind, ReportKind::RegisterDump);
    assert_eq!(
        (dump.cpu, dump.pid, dump.comm.as_deref()),
        (Some(65), Some(925), Some("kcompactd4"))
    );
    assert_eq!(
        dump.ip.as_ref().unwrap().function,
        "smp_call_function_many_cond"
    );
    assert_eq!(dump.arch, Some(Arch::Arm64));
    let stall = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::RcuStall)
        .unwrap();
    assert_eq!(stall.cpu, Some(65));
    let d = stall.decoded.rcu_stall.as_ref().unwrap();
    assert_eq!(d.ticks_this_gp, Some(3920456));
    assert_eq!(d.jiffies, Some(3930738));
    assert_eq!(d.grace_period, Some(4128081));
    assert!(d.self_detected);
    assert_eq!(stall.comm.as_deref(), Some("kcompactd4"));
    assert_eq!(frame(stall, "gic_handle_irq").context, FrameContext::Irq);
    assert_eq!(frame(stall, "kcompactd").context, FrameContext::Task);
    let lockup = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::SoftLockup)
        .unwrap();
    assert_eq!((lockup.cpu, lockup.pid), (Some(65), Some(925)));
    // The messages file: a user-space etcd line (wrapped), then a new boot.
    let boot = a.boots.iter().find(|b| b.kernel.is_some()).unwrap();
    assert_eq!(
        boot.kernel.as_deref(),
        Some("4.18.0-372.19.1.es8_10.aarch64")
    );
    assert!(a
        .sel_records
        .iter()
        .any(|s| s.sensor_type == "Memory" && s.severity == Severity::Critical));
}

/// Seed 002: capture kernel probe failures (ENOSPC) and a systemd start job that never ends.
#[test]
fn seed002_kdump_capture_events() {
    let a = case(
        "kdump-capture-irq-exhaustion",
        &[
            "serial-console.log",
            "dmesg-capture-kernel.txt",
            "proc-interrupts.txt",
        ],
        Options::default(),
    );
    let jobs: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::StartJobRunning)
        .collect();
    assert_eq!(jobs.len(), 2, "spinner lines fold per unit name");
    assert_eq!(jobs[0].details.limit_seconds, Some(90));
    let probes: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ProbeFailure)
        .collect();
    assert_eq!(probes.len(), 2);
    let vblk = probes
        .iter()
        .find(|e| e.details.driver.as_deref() == Some("virtio_blk"))
        .unwrap();
    assert_eq!(vblk.details.device.as_deref(), Some("virtio0"));
    let errno = vblk.errno.as_ref().unwrap();
    assert_eq!((errno.code, errno.name), (-28, "ENOSPC"));
    assert!(a
        .events
        .iter()
        .any(|e| e.kind == EventKind::IrqRequestFailure && e.details.irq == Some(251)));
    assert_eq!(a.interrupt_tables.len(), 1);
    assert_eq!(a.interrupt_tables[0].cpus, 1);
    assert!(a.reports.is_empty());
}

/// Seed 004 (slides): IPMI BT timeouts fold into few events; no reports.
#[test]
fn seed004_ipmi_bt() {
    let a = case(
        "slides-ipmi-bt-timeouts",
        &["console.log"],
        Options::default(),
    );
    assert!(a.reports.is_empty());
    let ev: Vec<&Event> = a
        .events
        .iter()
        .filter(|e| e.kind == EventKind::IpmiBtTimeout)
        .collect();
    assert!(!ev.is_empty());
    assert!(ev.len() < 7, "{}", ev.len());
}

/// Seed 001: /var/log/messages stamps local time; etcd's JSON on the same line carries UTC.
/// Without `--tz` the offset (+08:00) is inferred from that line and the finding says so.
#[test]
fn seed001_utc_offset_inferred_from_embedded_stamp() {
    let a = case("csd-lock-memory-error", CSD_FILES, Options::default());
    let anchor = a.sources[4].clock_anchor.as_ref().unwrap();
    assert_eq!(anchor.line, 1);
    assert!(anchor.text.contains("2024-03-27T12:48:45.46512Z"));
    let gap = a.findings().find(|f| f.rule == "log-gap").unwrap();
    assert!(gap.message.contains("+08:00, inferred"), "{}", gap.message);
    // The memory error and the silence are one incident.
    let inc = a
        .incidents
        .iter()
        .find(|i| i.findings.iter().any(|f| f.rule == "log-gap"))
        .unwrap();
    assert!(inc.findings.iter().any(|f| f.rule == "hardware-error"));
}
