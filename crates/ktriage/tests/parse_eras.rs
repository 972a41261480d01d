//! Report forms of every era, on real lines of the own corpus (tests/fixtures/realworld, origins
//! in its SOURCES.md): 2.6/3.x headers, old and new WARNING lines, firmware text that is not a
//! kernel report.

use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::*;

fn case(dir: &str, file: &str) -> Analysis {
    let p = format!(
        "{}/tests/fixtures/realworld/{dir}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let (a, errors) = analyze_paths(&[p], Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    a
}

#[test]
fn i386_2_6_header_lines() {
    // `Pid: 410, comm: plymouthd Not tainted (2.6.32-13-generic #18-Ubuntu) A780GM-A`,
    // `EIP: 0060:[<c05a4fda>] EFLAGS: 00010246 CPU: 0`, `Process plymouthd (pid: 410, ti=...`.
    let a = case("ar-fwts-oops-i386-1", "dmesg.txt");
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Oops);
    assert_eq!((r.cpu, r.pid), (Some(0), Some(410)));
    assert_eq!(r.comm.as_deref(), Some("plymouthd"));
    assert_eq!(r.kernel.as_deref(), Some("2.6.32-13-generic"));
    assert_eq!(r.arch, Some(Arch::I386));
}

#[test]
fn x86_64_2_6_bare_cpu_line() {
    // `CPU 0 ` on its own line, then `Pid: 638, comm: setfont Not tainted 2.6.32-21-generic`.
    let a = case("ar-fwts-oops-x86_64-1", "dmesg.txt");
    let r = &a.reports[0];
    assert_eq!((r.cpu, r.pid), (Some(0), Some(638)));
    assert_eq!(r.comm.as_deref(), Some("setfont"));
    assert_eq!(r.kernel.as_deref(), Some("2.6.32-21-generic"));
}

#[test]
fn old_warning_at_line_names_the_function() {
    // 3.1: `WARNING: at .../omap_hwmod.c:1509 _enable+0x1fc/0x230()`.
    let a = case("ar-omap-warning-arm-1", "console.log");
    let w = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Warning)
        .expect("a warning");
    let ip = w.ip.as_ref().expect("ip from the WARNING line");
    assert_eq!(ip.function, "_enable");
    assert_eq!(ip.offset.as_deref(), Some("0x1fc"));
}

#[test]
fn new_warning_form_names_cpu_task_and_function() {
    // 6.x: `WARNING: drivers/gpu/.../amdgpu_dma_buf.c:219 at amdgpu_dma_buf_map+0x18f/0x220
    // [amdgpu], CPU#22: kwin_wayla:cs0/3455`.
    let a = case("gh-cachyos-warning-x86_64-1", "dmesg.txt");
    let w = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Warning)
        .expect("a warning");
    assert_eq!((w.cpu, w.pid), (Some(22), Some(3455)));
    assert_eq!(w.comm.as_deref(), Some("kwin_wayla:cs0"));
    let ip = w.ip.as_ref().expect("ip");
    assert_eq!(ip.function, "amdgpu_dma_buf_map");
    assert_eq!(ip.module.as_deref(), Some("amdgpu"));
}

#[test]
fn firmware_lines_are_not_kernel_reports() {
    // A Chromebook's coreboot and TF-A output before the kernel: `[WARN ]  RO_VPD is
    // uninitialized or empty.`, `INFO:    [DEVAPC] dump DEVAPC registers:`.
    let a = case("pt-logspec-none-arm64-1", "console.log");
    for r in &a.reports {
        assert!(
            !r.headline.contains("RO_VPD") && !r.headline.contains("[DEVAPC]"),
            "{} {}",
            r.id,
            r.headline
        );
    }
}

#[test]
fn kfence_report_keeps_its_allocation_and_free_stacks() {
    // ChromeOS crash-reporter test data: blank lines, `kfence-#117: ...`, `allocated by task
    // 5582 on cpu 2 at ...`, `freed by task ...`, then the CPU line: one report.
    let a = case("pt-cros-kfence-arm64-1", "dmesg.txt");
    assert_eq!(
        a.reports.len(),
        1,
        "{:?}",
        a.reports.iter().map(|r| &r.headline).collect::<Vec<_>>()
    );
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Kfence);
    assert_eq!((r.cpu, r.pid), (Some(2), Some(5582)));
    assert!(!a.findings().any(|f| f.rule == "hang-without-panic"));
}

#[test]
fn page_allocation_failure_is_a_warning_with_its_stack() {
    // `updater: page allocation failure: order:7, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), ...`
    // then the CPU line and the stack: not a register dump without a trigger.
    let a = case("gh-bcachefs-pagealloc-x86_64-1", "dmesg.txt");
    assert_eq!(a.reports.len(), 1);
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Warning);
    assert_eq!((r.cpu, r.pid), (Some(5), Some(319221)));
    assert!(
        r.title.starts_with("page allocation failure: order:7"),
        "{}",
        r.title
    );
    assert!(!a.findings().any(|f| f.rule == "hang-without-panic"));
}

#[test]
fn machine_check_records_are_reports_with_their_cpu() {
    // EDAC sbridge: `EDAC sbridge MC1: CPU 0: Machine Check Event: 0 Bank 7: cc00418000010091`.
    let a = case("ar-edac-hwerror-x86_64-1", "dmesg.txt");
    let hw: Vec<&Report> = a
        .reports
        .iter()
        .filter(|r| r.kind == ReportKind::HardwareError)
        .collect();
    assert!(hw.iter().any(|r| r.cpu == Some(0)), "{hw:#?}");
    // AMD: the CPU is on the decode line `[Hardware Error]: CPU:0 (16:30:1) MC0_STATUS[...]`.
    let a = case("ar-amd-hwerror-x86_64-1", "dmesg.txt");
    assert_eq!(a.reports.len(), 1);
    assert_eq!(a.reports[0].kind, ReportKind::HardwareError);
    assert_eq!(a.reports[0].cpu, Some(0));
    // powerpc: `Severe Machine check interrupt [Not recovered]` starts one.
    let a = case("ar-powernv-hwerror-ppc64-1", "console.log");
    assert!(a
        .reports
        .iter()
        .any(|r| r.kind == ReportKind::HardwareError
            && r.headline.contains("Machine check interrupt")));
}

#[test]
fn android_caller_prefix_and_arm64_trace_spelling() {
    // Samsung 3.18: `<4>[    0.102385]  [0:      swapper/0:    1] WARNING: CPU: 0 PID: 1 at
    // ../mm/nobootmem.c:228 ___alloc_bootmem_nopanic+0x44/0x94()`, then `Call trace:` with
    // `[<ffffffc0000a787c>] dump_backtrace+0x0/0x104` and no registers.
    let a = case("ar-samsung-warning-arm64-2", "dmesg.txt");
    let w = &a.reports[0];
    assert_eq!(w.kind, ReportKind::Warning);
    assert_eq!((w.cpu, w.pid), (Some(0), Some(1)));
    assert_eq!(w.comm.as_deref(), Some("swapper/0"));
    assert_eq!(w.arch, Some(Arch::Arm64));
    assert!(w.frames.iter().any(|f| f.function == "sec_debug_init"));
}

#[test]
fn lockdep_report_keeps_its_explanation_and_stack() {
    // ChromeOS: `Chain exists of:`, `&kctx->reg_lock --> ...`, `Possible unsafe locking
    // scenario:`, `CPU0  CPU1`, `1 lock held by chrome/1993:`, then `stack backtrace:` and the
    // CPU line: one lockdep report with the task, no register dump, no hang.
    let a = case("pt-cros-lockdep-arm64-1", "dmesg.txt");
    assert_eq!(
        a.reports.len(),
        1,
        "{:?}",
        a.reports.iter().map(|r| &r.headline).collect::<Vec<_>>()
    );
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Lockdep);
    assert_eq!((r.cpu, r.pid), (Some(5), Some(1993)));
    assert!(!a.findings().any(|f| f.rule == "hang-without-panic"));
}

#[test]
fn edac_banner_is_not_a_memory_error() {
    // Meizu ramoops: `[7:1:swapper/0] EDAC MC: Ver: 3.0.0` is the EDAC core's banner (the
    // `[cpu:pid:comm]` vendor prefix framed as a caller); no hardware-error finding.
    let a = case("ar-meizu-panic-arm64-1", "console-ramoops.txt");
    assert!(!a.findings().any(|f| f.rule == "hardware-error"));
    assert!(a
        .events
        .iter()
        .all(|e| e.kind != EventKind::HardwareErrorLine || !e.text.contains("Ver:")));
}
