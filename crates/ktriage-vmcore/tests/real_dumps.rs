//! Real dumps of Debian's 6.1 kernel (see fixtures/README.md), compared with the output
//! of makedumpfile --dump-dmesg and vmcore-dmesg on the same crash.

use ktriage_vmcore::*;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn expected(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn assert_same(ours: &[u8], theirs: &[u8], what: &str) {
    if ours != theirs {
        let a = String::from_utf8_lossy(ours);
        let b = String::from_utf8_lossy(theirs);
        for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
            assert_eq!(x, y, "{what}: first difference at line {}", i + 1);
        }
        panic!(
            "{what}: outputs differ in length ({} vs {} bytes)",
            ours.len(),
            theirs.len()
        );
    }
}

#[test]
fn qemu_d31_kdump_matches_makedumpfile() {
    let core = Vmcore::open(fixture("amd64-6.1-qemu-d31.kdump")).unwrap();
    assert_eq!(core.format(), Format::Kdump);
    assert_eq!(core.arch(), Arch::X86_64);
    let log = core.dmesg().unwrap();
    assert_eq!(log.layout, LogLayout::Lockless);
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    assert_same(
        &log.render(Style::Makedumpfile),
        &expected("amd64-6.1-qemu-d31.makedumpfile.txt"),
        "makedumpfile --dump-dmesg",
    );
    let last = log.records.last().unwrap();
    assert!(String::from_utf8_lossy(&last.text).contains("end Kernel panic - not syncing"));
    let f = core.facts();
    assert_eq!(f.producer, Producer::Qemu);
    assert_eq!(f.kernel_release.as_deref(), Some("6.1.0-56-amd64"));
    assert_eq!(
        f.build_id.as_deref(),
        Some("eb4fbcd037e7253717950bf2b93bd5566f47c56f")
    );
    assert_eq!(f.crash_time, None); // QEMU dumps of a live guest have no CRASHTIME
    assert_eq!(f.prstatus.len(), 2);
    assert_eq!(f.qemu_cpus, 2);
    assert_eq!(f.completeness.dump_level, Some(31));
    assert_eq!(f.completeness.compression, vec!["zlib"]);
    assert!(f.completeness.excluded_pages > 10_000);
    assert!(f.completeness.is_complete());
    let u = f.utsname.unwrap();
    assert!(u.version.starts_with("#1 SMP PREEMPT_DYNAMIC Debian 6.1."));
}

#[test]
fn real_kexec_kdump_subset() {
    let core = Vmcore::open(fixture("amd64-6.1-kexec.subset.kdump")).unwrap();
    let log = core.dmesg().unwrap();
    assert_same(
        &log.render(Style::Makedumpfile),
        &expected("amd64-6.1-kexec.makedumpfile.txt"),
        "makedumpfile --dump-dmesg (run in the capture kernel)",
    );
    assert_same(
        &log.render(Style::VmcoreDmesg),
        &expected("amd64-6.1-kexec.vmcore-dmesg.txt"),
        "vmcore-dmesg",
    );
    let f = core.facts();
    assert_eq!(f.crash_time, Some(1795241775));
    assert_eq!(f.prstatus.len(), 2);
    // The panicking task (see "CPU: 0 PID: 120" in the log) is in the first note.
    assert_eq!(f.prstatus[0].pid, 120);
    assert_eq!(f.prstatus[1].pid, 0);
    let pc = f.prstatus[0].pc.unwrap();
    assert!(pc >= 0xffff_ffff_8000_0000, "{pc:#x}");
    let text = String::from_utf8_lossy(&log.render(Style::Plain)).into_owned();
    assert!(text.contains("CPU: 0 PID: 120 Comm: sh"));
}

#[test]
fn arm64_qemu_subset_matches_console() {
    let core = Vmcore::open(fixture("arm64-6.1-qemu.subset.kdump")).unwrap();
    assert_eq!(core.arch(), Arch::Aarch64);
    let log = core.dmesg().unwrap();
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    // loglevel=8 sends every record to the serial console, so the console is the log.
    assert_same(
        &log.render(Style::Plain),
        &expected("arm64-6.1-qemu.console.txt"),
        "serial console",
    );
    let f = core.facts();
    assert_eq!(f.kernel_release.as_deref(), Some("6.1.0-56-arm64"));
    assert_eq!(f.utsname.unwrap().machine, "aarch64");
    assert_eq!(f.prstatus.len(), 2);
    assert!(f.prstatus[0].pc.is_some());
}

#[test]
fn real_dump_survives_truncation_and_flattening() {
    let full = std::fs::read(fixture("amd64-6.1-kexec.subset.kdump")).unwrap();
    let reference = Vmcore::from_bytes(full.clone())
        .unwrap()
        .dmesg()
        .unwrap()
        .render(Style::Makedumpfile);
    let flat = synth::flatten(&full, 65536, true);
    let core = Vmcore::from_bytes(flat).unwrap();
    assert_eq!(core.format(), Format::FlattenedKdump);
    assert_eq!(core.dmesg().unwrap().render(Style::Makedumpfile), reference);
    // Cut the file at many places: an error or a (partial) log, never a panic.
    let mut partial = 0;
    for i in 1..40 {
        let cut = full.len() * i / 40;
        if let Ok(core) = Vmcore::from_bytes(full[..cut].to_vec()) {
            let _ = core.facts();
            if let Ok(d) = core.dmesg() {
                if !d.warnings.is_empty() {
                    partial += 1;
                }
            }
        }
    }
    assert!(partial > 0);
}

#[test]
fn dynamic_ring_in_direct_map_amd64() {
    // log_buf_len=1M: the ring lives in a memblock allocation in the (KASLR-randomized)
    // direct map, reached through a page-table walk (QEMU ELF, no p_vaddr).
    let core = Vmcore::open(fixture("amd64-6.1-logbuf1M.subset.kdump")).unwrap();
    let log = core.dmesg().unwrap();
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    assert_same(
        &log.render(Style::Makedumpfile),
        &expected("amd64-6.1-logbuf1M.makedumpfile.txt"),
        "makedumpfile --dump-dmesg",
    );
    let prb = core
        .read_virt_u64(core.vmcoreinfo().symbol("prb").unwrap())
        .unwrap();
    let text = core.read_virt_u64(prb + 56).unwrap();
    assert!(
        text < 0xffff_ffff_8000_0000,
        "ring not in the direct map: {text:#x}"
    );
}

#[test]
fn dynamic_ring_in_linear_map_arm64() {
    let core = Vmcore::open(fixture("arm64-6.1-logbuf1M.subset.kdump")).unwrap();
    let log = core.dmesg().unwrap();
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
    assert_same(
        &log.render(Style::Plain),
        &expected("arm64-6.1-logbuf1M.console.txt"),
        "serial console",
    );
}
