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

// The forms below are excerpts of real logs in ../shared/corpus/realworld (origins and
// licences in its SOURCES.md), cut to the lines that show the form.

fn lines(name: &str, text: &str) -> Analysis {
    ktriage::analyze::analyze_bytes(name, text.as_bytes(), Options::default())
}

#[test]
fn watchdog_warning_that_says_hard_lockup_is_one_hard_lockup() {
    // abrt-hardlockup-x86_64-1 (abrt test data, 3.8 Fedora): a 3.x WARN whose message is the
    // hard-lockup notice, with inline `<NMI>` and `<<EOE>>` markers.
    let a = lines(
        "hardlockup.log",
        "\
Jan 11 22:31:37 :HOSTNAME: kernel: ------------[ cut here ]------------
Jan 11 22:31:38 :HOSTNAME: kernel: WARNING: at kernel/watchdog.c:245 watchdog_overflow_callback+0x9c/0xd0()
Jan 11 22:31:38 :HOSTNAME: kernel: Hardware name: Bochs
Jan 11 22:31:38 :HOSTNAME: kernel: Watchdog detected hard LOCKUP on cpu 0
Jan 11 22:31:38 :HOSTNAME: kernel: Modules linked in: tcp_lp fuse ebtable_nat xt_CHECKSUM
Jan 12 14:32:19 :HOSTNAME: kernel: Pid: 0, comm: swapper/0 Not tainted 3.8.9-200.fc18.x86_64 #1
Jan 12 14:32:21 :HOSTNAME: kernel: Call Trace:
Jan 12 14:32:21 :HOSTNAME: kernel:   <NMI>  [<ffffffff810eb800>] ? watchdog_overflow_callback+0x60/0xd0
Jan 12 14:32:21 :HOSTNAME: kernel:   [<ffffffff8105cd86>] warn_slowpath_common+0x66/0x80
Jan 12 19:08:41 :HOSTNAME: kernel:   [<ffffffff81646e1d>] perf_event_nmi_handler+0x1d/0x20
Jan 12 19:08:41 :HOSTNAME: kernel:   <<EOE>>  [<ffffffff810944f0>] account_idle_ticks+0x90/0xa0
Jan 12 19:08:41 :HOSTNAME: kernel:   [<ffffffff8101c06b>] cpu_idle+0x11b/0x140
",
    );
    assert_eq!(a.reports.len(), 1, "{:?}", a.reports);
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::HardLockup);
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(0), Some(0), Some("swapper/0"))
    );
    let ctx: Vec<(&str, FrameContext)> = r
        .frames
        .iter()
        .map(|f| (f.function.as_str(), f.context))
        .collect();
    assert_eq!(ctx[0], ("watchdog_overflow_callback", FrameContext::Nmi));
    assert!(ctx.contains(&("perf_event_nmi_handler", FrameContext::Nmi)));
    assert!(ctx.contains(&("account_idle_ticks", FrameContext::Task)));
    assert!(ctx.contains(&("cpu_idle", FrameContext::Task)));
}

#[test]
fn syslog_without_a_host_name_is_kernel_text() {
    // gh-hwerror-x86_64-2 (a GitHub issue paste): `Feb 23 03:28:16 kernel: ...`, no host.
    let a = lines(
        "sbridge.log",
        "\
Feb 23 03:28:16 kernel: mce: [Hardware Error]: Machine check events logged
Feb 23 03:28:16 kernel: EDAC sbridge MC1: HANDLING MCE MEMORY ERROR
Feb 23 03:28:16 kernel: EDAC sbridge MC1: CPU 1: Machine Check Event: 0 Bank 11: 8c00004f000800c2
Feb 23 03:28:16 kernel: EDAC sbridge MC1: TSC 0
",
    );
    let hw: Vec<&Report> = a
        .reports
        .iter()
        .filter(|r| r.kind == ReportKind::HardwareError)
        .collect();
    assert!(hw.iter().any(|r| r.cpu == Some(1)), "{:?}", a.reports);
}

#[test]
fn arm32_trace_without_addresses() {
    // logspec-panic-arm-1 (kernelci, 6.10 on a BCM2835): `f from g+0x10/0x14` lines.
    let a = lines(
        "vfs.log",
        "\
[    7.113510] Kernel panic - not syncing: VFS: Unable to mount root fs on \"/dev/ram0\" or unknown-block(1,0)
[    7.123065] CPU: 1 PID: 1 Comm: swapper/0 Not tainted 6.10.0-rc1-next-20240531 #1
[    7.130542] Hardware name: BCM2835
[    7.133938] Call trace:
[    7.133956]  unwind_backtrace from show_stack+0x10/0x14
[    7.141726]  show_stack from dump_stack_lvl+0x50/0x64
[    7.146792]  dump_stack_lvl from panic+0x104/0x364
[    7.151593]  panic from mount_root_generic+0x270/0x278
[    7.156739]  mount_root_generic from prepare_namespace+0x1f8/0x248
",
    );
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Panic);
    let names: Vec<&str> = r.frames.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(
        names,
        [
            "unwind_backtrace",
            "show_stack",
            "dump_stack_lvl",
            "panic",
            "mount_root_generic",
            "prepare_namespace"
        ]
    );
    assert_eq!(r.frames[5].offset.as_deref(), Some("0x1f8"));
    assert_eq!(r.arch, Some(Arch::Arm));
}

#[test]
fn s390_psw_and_parenthesised_first_frame() {
    // satyr-warning-s390-1 (satyr test data, RHEL 7 s390x).
    let a = lines(
        "s390.log",
        "\
[16164.389575] WARNING: at /tmp/will_oops.VBwBJthHLD/will_oops.c:11
[16164.389606] CPU: 0 PID: 32037 Comm: insmod Tainted: GF          O--------------   3.10.0-54.0.1.el7.s390x #1
[16164.389614] Krnl PSW : 0704f00180000000 000003ff8086d03a (will_oops_init+0x3a/0x1000 [will_oops])
[16164.398666] Call Trace:
[16164.398670] ([<000003ff8086d036>] will_oops_init+0x36/0x1000 [will_oops])
[16164.398685]  [<000000000010014e>] do_one_initcall+0xce/0x160
[16164.398692]  [<00000000001ab224>] load_module+0x1414/0x19f4
[16164.400586] Last Breaking-Event-Address:
[16164.400588]  [<000003ff8086d036>] will_oops_init+0x36/0x1000 [will_oops]
[16164.400600] ---[ end trace 4e37b1eb61ae9844 ]---
",
    );
    let r = &a.reports[0];
    assert_eq!(r.arch, Some(Arch::S390));
    let ip = r.ip.as_ref().expect("ip from the PSW");
    assert_eq!(
        (
            ip.function.as_str(),
            ip.module.as_deref(),
            ip.address.as_deref()
        ),
        ("will_oops_init", Some("will_oops"), Some("0x3ff8086d03a"))
    );
    let names: Vec<&str> = r.frames.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(names, ["will_oops_init", "do_one_initcall", "load_module"]);
}

#[test]
fn cpu_line_cut_by_a_hard_wrap() {
    // satyr-oops-x86_64-2 (satyr test data, 5.3 Fedora): `CPU: 1 PID: 1` / `88243 Comm: ...`.
    let a = lines(
        "wrap.log",
        "\
BUG: kernel NULL pointer dereference, address: 0000000000000008
#PF: supervisor read access in kernel mode
Oops: 0000 [#1] SMP NOPTI
CPU: 1 PID: 1
88243 Comm: QSGRenderThread Not tainted 5.3.6-300.fc31.x86_64 #1
RIP: 0010:amdgpu_vm_sdma_commit+0x46/0x120 [amdgpu]
",
    );
    let r = &a.reports[0];
    assert_eq!(r.cpu, Some(1));
    assert_eq!(r.pid, Some(188243));
    assert_eq!(r.comm.as_deref(), Some("QSGRenderThread"));
}

#[test]
fn user_registers_and_end_marker_after_stray_lines_stay_in_the_oops() {
    // logspec-oops-x86_64-1 (kernelci, Chromebook 5.10): a driver's lines interleave with the
    // end of the oops; the user-mode registers, the end marker and the executive-summary
    // registers after it are the oops's, not register dumps.
    let a = lines(
        "interleaved.log",
        "\
[    5.545000] BUG: unable to handle page fault for address: ffff0a00ffffff04
[    5.545001] #PF: supervisor read access in kernel mode
[    5.545002] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    5.545003] CPU: 1 PID: 137 Comm: udevd Not tainted 5.10.234-rc1 #1
[    5.545004] RIP: 0010:string_nocheck+0x19/0x3d
[    5.545005] Call Trace:
[    5.557518]  do_init_module+0x4b/0x1fd
[    5.557530]  entry_SYSENTER_compat_after_hwframe+0x65/0x77
[    5.557536] RIP: 0023:0xed16d549
[    5.565749] elants_i2c i2c-ELAN0001:00: software reset failed: -121
[    5.574544] RSP: 002b:00000000ff86cb8c EFLAGS: 00200206 ORIG_RAX: 000000000000015e
[    5.574554] Modules linked in: cros_usbpd_notify industrialio snd_timer coreboot_table
[    5.581315] elants_i2c i2c-ELAN0001:00: elants_i2c_send failed (77 77 77 77): -121
[    5.588958] CR2: 0000000000200286
[    5.591694] elants_i2c i2c-ELAN0001:00: software reset failed: -121
[    5.595584] ---[ end trace 12399734e348c13f ]---
[    5.601023] RIP: 0010:string_nocheck+0x19/0x3d
[    5.605583] elants_i2c i2c-ELAN0001:00: elants_i2c_send failed (4d 61 69 6e): -121
[    5.609156] RSP: 0018:ffffad38c03e7a60 EFLAGS: 00210293
[    5.609172] Kernel panic - not syncing: Fatal exception
",
    );
    let kinds: Vec<ReportKind> = a.reports.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [ReportKind::Oops, ReportKind::Panic],
        "{:?}",
        a.reports
    );
    assert!(a.reports[0].ended);
}

#[test]
fn a_harness_dmesg_listing_is_not_a_second_oops() {
    // logspec-oops-x86_64-2 (kernelci LAVA): the test harness runs `dmesg -x --level=alert`
    // after the oops; its `kern  :alert : ` lines are a copy.
    let a = lines(
        "copy.log",
        "\
[    5.800000] BUG: kernel NULL pointer dereference, address: 00000000000002fc
[    5.800001] #PF: supervisor read access in kernel mode
[    5.800002] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    5.800003] CPU: 1 PID: 154 Comm: udevd Not tainted 6.1.0 #1
[    5.800004] RIP: 0010:cros_ec_check_features+0x7/0x110
[    5.894582] ---[ end trace 4cdc93594ee70233 ]---
+ KERNELCI_LAVA=y /bin/sh /opt/kernelci/dmesg.sh
kern  :alert : BUG: kernel NULL pointer dereference, address: 00000000000002fc
kern  :alert : #PF: supervisor read access in kernel mode
kern  :alert : #PF: error_code(0x0000) - not-present page
",
    );
    assert_eq!(a.reports.len(), 1, "{:?}", a.reports);
    // A `dmesg -x` file on its own is the kernel's log: its reports count.
    let alone = lines(
        "dmesg-x.log",
        "\
kern  :alert : BUG: kernel NULL pointer dereference, address: 00000000000002fc
kern  :alert : #PF: supervisor read access in kernel mode
kern  :alert : Oops: 0000 [#1] PREEMPT SMP NOPTI
",
    );
    assert_eq!(alone.reports.len(), 1);
    assert_eq!(alone.reports[0].kind, ReportKind::Oops);
}

#[test]
fn kmemleak_bookkeeping_dump_is_not_a_report() {
    // logspec-oops-i386-1 (kernelci, 5.10 i386): kmemleak_warn() prints a stack and disables
    // kmemleak; not a crash, not a register dump.
    let a = lines(
        "kmemleak.log",
        "\
[    1.634570] kmemleak: Cannot insert 0xf6800000 into the object search tree (overlaps existing)
[    1.634887] CPU: 2 PID: 1 Comm: swapper/0 Not tainted 5.10.234-rc1 #1
[    1.635082] Hardware name: Google Shuboz/Shuboz, BIOS Google_Shuboz.13434.780.2022_10_13_1418 09/12/2022
[    1.635366] Call Trace:
[    1.635449]  ? show_stack+0x35/0x3b
[    1.635548]  dump_stack+0x6d/0x8b
[    1.635548]  create_object.isra.0.cold+0x10/0x74
[    1.635548]  kmemleak_alloc+0x1f/0x30
[    1.635548] kmemleak: Kernel memory leak detector disabled
",
    );
    assert!(a.reports.is_empty(), "{:?}", a.reports);
}

#[test]
fn cpus_stopped_by_a_panic_are_not_register_dumps() {
    // pt-lava-panic-arm-1 (Debian 3.16 armmp under LAVA): after the panic, ipi_cpu_stop()
    // prints `CPU1: stopping` and that CPU's stack.
    let a = case("pt-lava-panic-arm-1", "console.log");
    assert!(a.reports.iter().any(|r| r.kind == ReportKind::Panic));
    assert!(
        !a.reports.iter().any(|r| r.kind == ReportKind::RegisterDump),
        "{:?}",
        a.reports
            .iter()
            .map(|r| (r.kind, r.source.first_line))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_mail_wrapped_watchdog_warning_is_one_hard_lockup() {
    // gh-spl-hardlockup-x86_64-1 (a 2.6.37 paste wrapped at 72 columns): `WARNING: at` /
    // the path / `watchdog_overflow_callback+0xd4/0x100()` on three lines, then the
    // hard-lockup message.
    let a = case("gh-spl-hardlockup-x86_64-1", "dmesg.txt");
    assert_eq!(
        a.reports.len(),
        1,
        "{:?}",
        a.reports.iter().map(|r| r.kind).collect::<Vec<_>>()
    );
    assert_eq!(a.reports[0].kind, ReportKind::HardLockup);
    assert_eq!(a.reports[0].cpu, Some(0));
}

#[test]
fn powerpc_watchdog_and_hmi_headlines() {
    // gh-skiboot-hardlockup-ppc64-1 (Ubuntu 4.15 on POWER9): `Watchdog CPU:59 Hard LOCKUP`.
    let a = case("gh-skiboot-hardlockup-ppc64-1", "dmesg.txt");
    let hl = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::HardLockup)
        .expect("a hard lockup");
    assert_eq!(
        (hl.cpu, hl.pid, hl.arch),
        (Some(59), Some(363), Some(Arch::Ppc64))
    );
    // ar-powernv-hwerror-ppc64-2: an HMI alone in its log is POWER's.
    let a = case("ar-powernv-hwerror-ppc64-2", "console.log");
    assert_eq!(a.reports[0].kind, ReportKind::HardwareError);
    assert_eq!(a.reports[0].arch, Some(Arch::Ppc64));
}

#[test]
fn mips_and_arm64_bug_forms() {
    // gh-mt76-bug-1 (OpenWrt 4.14 on a MIPS 1004Kc): `Kernel bug detected[#1]:` and the
    // MIPS register dump with `epc   :`.
    let a = case("gh-mt76-bug-1", "dmesg.txt");
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Bug);
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(2), Some(19), Some("ksoftirqd/2"))
    );
    assert_eq!(
        r.ip.as_ref().map(|i| i.function.as_str()),
        Some("tasklet_action")
    );
    // gh-wireguard-bug-arm64-2 (a pstore console): arm64 BUG() is `Internal error: Oops - BUG`.
    let a = case("gh-wireguard-bug-arm64-2", "pstore.txt");
    let r = a
        .reports
        .iter()
        .find(|r| r.pid == Some(26655))
        .expect("the BUG report");
    assert_eq!(r.kind, ReportKind::Bug);
}

#[test]
fn lockdep_reports_name_their_kernel() {
    // gh-zfs-lockdep-x86_64-1: `5.16.0-generic #20211119 Not tainted` under the lockdep header.
    let a = case("gh-zfs-lockdep-x86_64-1", "dmesg.txt");
    let r = a
        .reports
        .iter()
        .find(|r| r.kind == ReportKind::Lockdep)
        .expect("the lockdep report");
    assert_eq!(r.kernel.as_deref(), Some("5.16.0-generic"));
}

#[test]
fn lava_yaml_logs_and_driver_oops_words() {
    // pt-tuxrun-warning-arm64-1 (TuxRun/LAVA log.yaml on an FVP): only `lvl: target` lines
    // are the machine's console; the harness's prompt regexes (`BUG:.*?$`) are not reports.
    let a = case("pt-tuxrun-warning-arm64-1", "console.log");
    let kinds: Vec<(ReportKind, &str)> = a
        .reports
        .iter()
        .map(|r| (r.kind, r.title.as_str()))
        .collect();
    assert_eq!(kinds.len(), 1, "{kinds:?}");
    assert_eq!(kinds[0].0, ReportKind::Warning);
    // pt-abrt-warning-i386-2 (a 2.6 Mac mini boot): `Oops: efitime: can't read time!` is a
    // driver's message, not an oops; the WARNING after it is the report.
    let a = case("pt-abrt-warning-i386-2", "console.log");
    assert!(
        !a.reports.iter().any(|r| r.kind == ReportKind::Oops),
        "{:?}",
        a.reports.iter().map(|r| &r.title).collect::<Vec<_>>()
    );
    assert!(a.reports.iter().any(|r| r.kind == ReportKind::Warning));
}

#[test]
fn vendor_android_prefixes() {
    // ar-asus-warning-arm64-1 (a Qualcomm 4.4 kernel): a second stamp with the CPU,
    // `[    0.581853] [    0.581850]@1 WARNING: at ...`.
    let a = case("ar-asus-warning-arm64-1", "dmesg.txt");
    let w = &a.reports[0];
    assert_eq!(
        (w.cpu, w.pid, w.comm.as_deref()),
        (Some(1), Some(294), Some("kgsl_worker_thr"))
    );
    assert_eq!(
        w.ip.as_ref().map(|i| i.function.as_str()),
        Some("kthread_worker_fn")
    );
    // ar-samsung-warning-arm64-1 (Samsung 4.19): `Comm: kworker/3:0 FTT: 0 0 Tainted: ...`.
    let a = case("ar-samsung-warning-arm64-1", "last_kmsg.txt");
    assert_eq!(a.reports[0].comm.as_deref(), Some("kworker/3:0"));
}

#[test]
fn warning_ip_takes_its_module_from_the_rip_line() {
    // gh-rocm-warning-x86_64-1 (Ubuntu 5.4, DKMS amdgpu): the WARNING line's location has no
    // module; `RIP: 0010:rn_clk_mgr_construct+0x129/0x410 [amdgpu]` names it.
    let a = case("gh-rocm-warning-x86_64-1", "dmesg.txt");
    let ip = a.reports[0].ip.as_ref().expect("ip");
    assert_eq!(
        (ip.function.as_str(), ip.module.as_deref()),
        ("rn_clk_mgr_construct", Some("amdgpu"))
    );
}

#[test]
fn ktest_seconds_prefix() {
    // gh-bcachefs-bug-x86_64-4 (bcachefs CI under ktest): `00034 kernel BUG at fs/bcachefs/ec.c:865!`.
    let a = case("gh-bcachefs-bug-x86_64-4", "console.log");
    let r = &a.reports[0];
    assert_eq!(r.kind, ReportKind::Bug);
    assert_eq!(
        (r.cpu, r.pid, r.comm.as_deref()),
        (Some(0), Some(12), Some("kworker/0:1"))
    );
    assert_eq!(
        r.ip.as_ref().map(|i| i.function.as_str()),
        Some("ec_stripe_update_ptrs")
    );
}
