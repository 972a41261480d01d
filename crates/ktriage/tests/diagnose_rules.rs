//! Each diagnosis rule on real logs (tests/fixtures/cases: shared/cases; tests/fixtures/lab:
//! shared/lab corpus; see tests/fixtures/diagnose/README.md): where it must fire, and at least
//! one near miss where it must not.

use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::*;

fn fixture(rel: &str) -> String {
    format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn run(files: &[&str], opts: Options) -> Analysis {
    let paths: Vec<String> = files.iter().map(|f| fixture(f)).collect();
    let (a, errors) = analyze_paths(&paths, opts);
    assert!(errors.is_empty(), "{errors:?}");
    a
}

fn rules(a: &Analysis) -> Vec<&'static str> {
    a.findings().map(|f| f.rule).collect()
}

fn finding<'a>(a: &'a Analysis, rule: &str) -> &'a Finding {
    a.findings()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} in {:?}", rules(a)))
}

fn incident_of<'a>(a: &'a Analysis, rule: &str) -> &'a Incident {
    a.incidents
        .iter()
        .find(|i| i.findings.iter().any(|f| f.rule == rule))
        .unwrap_or_else(|| panic!("no {rule}"))
}

fn tz8() -> Options {
    Options {
        tz_offset_minutes: Some(480),
        ..Default::default()
    }
}

const CSD_CASE: &[&str] = &[
    "cases/csd-lock-memory-error/softlockup.log",
    "cases/csd-lock-memory-error/rcu-stall.log",
    "cases/csd-lock-memory-error/sel-list.txt",
    "cases/csd-lock-memory-error/sel-get-0146.txt",
    "cases/csd-lock-memory-error/messages",
];

#[test]
fn csd_lock_wait_names_the_oopsed_cpu() {
    let a = run(
        &["cases/nested-oops-die-lock/console.log"],
        Options::default(),
    );
    let f = finding(&a, "csd-lock-wait");
    assert!(f.message.contains("Waited-for CPU: CPU 0"), "{}", f.message);
    assert!(f.message.contains("CPU 35"));
    assert!(f.advice.iter().any(|s| s.contains("csd_lock_timeout=")));
}

#[test]
fn csd_lock_wait_lone_x86_lockup_target_unknown() {
    let a = run(
        &["cases/slides-x86-64-softlockup-tlb-syslog/console.log"],
        Options::default(),
    );
    let f = finding(&a, "csd-lock-wait");
    assert!(
        f.message.contains("Waited-for CPU: unknown"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("flush_tlb_mm_range") || f.message.contains("smp_call_function_many")
    );
}

#[test]
fn csd_lock_wait_links_files_of_one_task() {
    let a = run(CSD_CASE, tz8());
    let inc = incident_of(&a, "csd-lock-wait");
    assert_eq!(inc.reports.len(), 3, "{inc:?}");
    let f = finding(&a, "csd-lock-wait");
    assert!(f.message.contains("Waited-for CPU: unknown"));
    assert!(
        f.advice.iter().any(|s| s.contains("SEL 146")),
        "{:?}",
        f.advice
    );
}

#[test]
fn csd_lock_wait_near_miss_plain_soft_lockup() {
    // lkdtm SOFTLOCKUP spins in its own loop: a lockup, not a CSD wait.
    let a = run(&["lab/SOFTLOCKUP-amd64.log"], Options::default());
    assert!(!rules(&a).contains(&"csd-lock-wait"), "{:?}", rules(&a));
    assert!(rules(&a).contains(&"hang-without-panic"));
}

#[test]
fn nested_oops_root_is_first_oops() {
    let a = run(
        &["cases/nested-oops-die-lock/console.log"],
        Options::default(),
    );
    assert_eq!(a.incidents.len(), 1);
    let inc = &a.incidents[0];
    assert_eq!(inc.root.as_deref(), Some("r1"));
    assert_eq!(inc.reports.len(), 7);
    assert!(finding(&a, "nested-oops")
        .advice
        .iter()
        .any(|s| s.contains("die notifier")));
}

#[test]
fn nested_oops_near_miss_single_oops_then_panic() {
    let a = run(&["lab/EXCEPTION-panic-amd64.log"], Options::default());
    assert!(!rules(&a).contains(&"nested-oops"), "{:?}", rules(&a));
}

#[test]
fn null_deref_real_lkdtm() {
    let a = run(&["lab/ACCESS_NULL-amd64.log"], Options::default());
    let f = finding(&a, "null-pointer-dereference");
    assert!(f.message.contains("lkdtm_ACCESS_NULL"), "{}", f.message);
    assert!(f.advice.iter().any(|s| s.contains("modinfo -n lkdtm")));
    let a = run(
        &["cases/slides-arm32-oops-rpmsg/console.log"],
        Options::default(),
    );
    let f = finding(&a, "null-pointer-dereference");
    assert!(f.message.contains("0x2c") && f.message.contains("rpmsg_sock_release"));
}

#[test]
fn null_deref_near_miss_write_to_read_only() {
    let a = run(&["lab/WRITE_RO-amd64.log"], Options::default());
    assert!(
        !rules(&a).contains(&"null-pointer-dereference"),
        "{:?}",
        rules(&a)
    );
}

#[test]
fn panic_joins_its_oops() {
    let a = run(&["lab/EXCEPTION-panic-amd64.log"], Options::default());
    let inc = incident_of(&a, "panic-after-oops");
    let oops = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Oops)
        .unwrap();
    assert_eq!(inc.root.as_deref(), Some(oops.id.as_str()));
    // A soft lockup made fatal by softlockup_panic is not an oops: its own rule, rooted at the
    // soft lockup.
    let a = run(&["lab/SOFTLOCKUP-panic-amd64.log"], Options::default());
    let f = finding(&a, "panic-on-detector");
    assert!(f.message.contains("softlockup_panic"), "{}", f.message);
    assert!(!rules(&a).contains(&"panic-after-oops"), "{:?}", rules(&a));
    let inc = incident_of(&a, "panic-on-detector");
    let lockup = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::SoftLockup)
        .unwrap();
    assert_eq!(inc.root.as_deref(), Some(lockup.id.as_str()));
    // It panicked: no advice to make it panic.
    assert!(!rules(&a).contains(&"hang-without-panic"));
}

#[test]
fn hang_without_panic_never_in_a_boot_that_panicked() {
    // ChromeOS crash-reporter test data: a hung task, NMI backtraces of every CPU, then the
    // hung_task_panic panic; the hung task's incident must not say the machine did not panic.
    let a = run(
        &["realworld/pt-cros-hungtask-arm64-1/dmesg.txt"],
        Options::default(),
    );
    assert!(rules(&a).contains(&"panic-on-detector"), "{:?}", rules(&a));
    assert!(
        !rules(&a).contains(&"hang-without-panic"),
        "{:?}",
        rules(&a)
    );
    // `NMI backtrace for cpu N skipped: idling` prints no backtrace: not a report.
    assert!(a
        .reports
        .iter()
        .all(|r| !r.headline.contains("skipped: idling")));
    // The panic printed no registers: it runs on the boot's architecture.
    let panic = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Panic)
        .unwrap();
    assert_eq!(panic.arch, Some(Arch::Arm64));
}

#[test]
fn panic_near_miss_without_oops() {
    let a = run(&["lab/PANIC-amd64.log"], Options::default());
    assert!(!rules(&a).contains(&"panic-after-oops"), "{:?}", rules(&a));
}

#[test]
fn hardware_error_and_log_gap_linked_by_time() {
    let a = run(CSD_CASE, tz8());
    let inc = incident_of(&a, "log-gap");
    assert!(inc.findings.iter().any(|f| f.rule == "hardware-error"));
    let gap = finding(&a, "log-gap");
    assert!(gap.message.contains("12:48:45 UTC"), "{}", gap.message);
    assert!(gap.message.contains("1 s before"), "{}", gap.message);
}

#[test]
fn log_gap_near_miss_without_zone_is_not_linked() {
    // Without --tz, and with etcd's embedded stamps stripped of their `Z` (so no UTC offset
    // can be inferred), the syslog stamps cannot be put next to the UTC SEL times.
    let dir = std::env::temp_dir().join(format!("ktriage-nozone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for f in CSD_CASE {
        let data = std::fs::read_to_string(fixture(f)).unwrap();
        let data = data.replace("Z\",\"caller\"", "\",\"caller\"");
        let p = dir.join(f.rsplit('/').next().unwrap());
        std::fs::write(&p, data).unwrap();
        paths.push(p.to_string_lossy().into_owned());
    }
    let (a, errors) = analyze_paths(&paths, Options::default());
    std::fs::remove_dir_all(&dir).ok();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(a.sources.iter().all(|s| s.clock_anchor.is_none()));
    let inc = incident_of(&a, "log-gap");
    assert!(!inc.findings.iter().any(|f| f.rule == "hardware-error"));
    assert!(finding(&a, "log-gap")
        .advice
        .iter()
        .any(|s| s.contains("--tz")));
}

#[test]
fn log_gap_offset_inferred_from_embedded_utc() {
    // The same logs as they are: etcd's `"ts":"...Z"` next to the local syslog stamp gives
    // +08:00, so the silence lines up with the memory error without --tz.
    let a = run(CSD_CASE, Options::default());
    let inc = incident_of(&a, "log-gap");
    assert!(inc.findings.iter().any(|f| f.rule == "hardware-error"));
}

#[test]
fn hardware_error_near_miss_ok_records() {
    // SEL records that only say `Transition to OK` are not hardware errors.
    let sel = std::fs::read_to_string(fixture("cases/csd-lock-memory-error/sel-list.txt")).unwrap();
    let ok: String = sel
        .lines()
        .filter(|l| l.contains("Transition to OK") || l.contains("Power State"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = std::env::temp_dir().join(format!("ktriage-sel-ok-{}.txt", std::process::id()));
    std::fs::write(&p, ok).unwrap();
    let (a, _) = analyze_paths(&[p.to_string_lossy().into_owned()], Options::default());
    let _ = std::fs::remove_file(&p);
    assert!(!a.sel_records.is_empty());
    assert!(!rules(&a).contains(&"hardware-error"), "{:?}", rules(&a));
}

#[test]
fn kdump_capture_kernel_story() {
    let files = [
        "cases/kdump-capture-irq-exhaustion/serial-console.log",
        "cases/kdump-capture-irq-exhaustion/dmesg-capture-kernel.txt",
        "cases/kdump-capture-irq-exhaustion/proc-interrupts.txt",
    ];
    let a = run(&files, Options::default());
    assert_eq!(a.incidents.len(), 1, "{:?}", a.incidents);
    let f = finding(&a, "irq-vector-exhaustion");
    assert!(f.message.contains("160"), "{}", f.message);
    assert!(f
        .advice
        .iter()
        .any(|s| s.contains("nr_cpus=4") && s.contains("KDUMP_COMMANDLINE_APPEND")));
    assert!(rules(&a).contains(&"systemd-start-job-stuck"));
    assert!(
        !rules(&a).contains(&"driver-error"),
        "ENOSPC lines belong to the probe story"
    );
}

#[test]
fn start_job_near_miss_without_probe_failure() {
    // The serial console alone: the job is stuck, but nothing says why.
    let a = run(
        &["cases/kdump-capture-irq-exhaustion/serial-console.log"],
        Options::default(),
    );
    assert!(rules(&a).contains(&"systemd-start-job-stuck"));
    assert!(!rules(&a).contains(&"probe-failure"));
    assert!(!rules(&a).contains(&"irq-vector-exhaustion"));
    assert!(
        !rules(&a).contains(&"dracut-initqueue-timeout"),
        "`Started dracut initqueue hook` is not a timeout"
    );
}

#[test]
fn probe_failure_debug_module_log() {
    let a = run(
        &["cases/kdump-capture-irq-exhaustion/dmesg-debug-module.txt"],
        Options::default(),
    );
    assert!(rules(&a).contains(&"probe-failure"));
    assert!(rules(&a).contains(&"irq-vector-exhaustion"));
}

#[test]
fn dracut_timeout() {
    let a = run(
        &["cases/initramfs-root-missing/console.log"],
        Options::default(),
    );
    let f = finding(&a, "dracut-initqueue-timeout");
    assert!(f.advice.iter().any(|s| s.contains("lsinitrd")));
    assert!(f
        .advice
        .iter()
        .any(|s| s.contains("dracut -f --add-drivers")));
}

#[test]
fn driver_error_after_stuck_cpu() {
    let a = run(
        &["cases/reboot-softirq-stuck/console.log"],
        Options::default(),
    );
    let inc = incident_of(&a, "driver-error");
    assert_eq!(inc.root.as_deref(), Some("r1"));
    assert!(finding(&a, "driver-error").message.contains("ENODEV"));
    let hang = finding(&a, "hang-without-panic");
    assert!(hang
        .advice
        .iter()
        .any(|s| s.contains("initcall_debug no_console_suspend ignore_loglevel")));
}

#[test]
fn driver_error_near_miss_lab() {
    let a = run(&["lab/ACCESS_NULL-amd64.log"], Options::default());
    assert!(!rules(&a).contains(&"driver-error"), "{:?}", rules(&a));
}

#[test]
fn ipmi_bt_timeouts() {
    let a = run(
        &["cases/slides-ipmi-bt-timeouts/console.log"],
        Options::default(),
    );
    let f = finding(&a, "ipmi-bt-timeout");
    assert!(f.advice.iter().any(|s| s.contains("ipmitool mc info")));
    let a = run(&["lab/HUNG_TASK-amd64.log"], Options::default());
    assert!(!rules(&a).contains(&"ipmi-bt-timeout"));
}

#[test]
fn hung_task_reports_of_one_task_are_one_incident() {
    let a = run(&["lab/HUNG_TASK-amd64.log"], Options::default());
    assert_eq!(
        a.incidents.len(),
        1,
        "{:?}",
        a.incidents.iter().map(|i| &i.summary).collect::<Vec<_>>()
    );
    let f = finding(&a, "hang-without-panic");
    assert!(f
        .advice
        .iter()
        .any(|s| s.contains("kernel.hung_task_panic=1")));
}

#[test]
fn every_report_is_in_an_incident() {
    for f in [
        "lab/SOFTLOCKUP-arm64.log",
        "lab/WARNING-amd64.log",
        "lab/OOM-amd64.log",
        "lab/BUG-amd64.log",
    ] {
        let a = run(&[f], Options::default());
        for r in &a.reports {
            assert!(
                a.incidents.iter().any(|i| i.reports.contains(&r.id)),
                "{f}: {} not in an incident",
                r.id
            );
        }
    }
}
