//! `ktriage analyze` on real lab vmcores of an lkdtm EXCEPTION crash must report the oops
//! with the same fields as the serial console log of the same boot (tests/fixtures/vmcore,
//! see its README for how the dumps and logs were made).

use ktriage::analyze::{analyze_paths, Options};
use ktriage::model::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_ktriage");

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/vmcore/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// One crash, two captures: the dump (kernel log from the printk ring) and the console.
struct Case {
    arch: Arch,
    dump: &'static str,
    console: &'static str,
    release: &'static str,
    title: &'static str,
    panic_title: &'static str,
}

const AMD64: Case = Case {
    arch: Arch::X86_64,
    dump: "amd64-6.1-EXCEPTION.subset.kdump",
    console: "amd64-6.1-EXCEPTION.console.log",
    release: "6.1.0-56-amd64",
    title: "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
    panic_title: "kernel panic: Fatal exception",
};

const ARM64: Case = Case {
    arch: Arch::Arm64,
    dump: "arm64-6.1-EXCEPTION.subset.kdump",
    console: "arm64-6.1-EXCEPTION.console.log",
    release: "6.1.0-56-arm64",
    title: "BUG: unable to handle kernel NULL pointer dereference in lkdtm_EXCEPTION",
    panic_title: "kernel panic: Oops: Fatal exception",
};

fn analyze(path: &str) -> Analysis {
    let (a, errors) = analyze_paths(&[path.to_string()], Options::default());
    assert!(errors.is_empty(), "{path}: {errors:?}");
    assert!(a.warnings.is_empty(), "{path}: {:?}", a.warnings);
    a
}

fn only<'a>(a: &'a Analysis, kind: ReportKind, what: &str) -> &'a Report {
    let rs: Vec<&Report> = a.reports.iter().filter(|r| r.kind == kind).collect();
    assert_eq!(
        rs.len(),
        1,
        "{what}: expected one {kind:?} report, got {rs:#?}"
    );
    rs[0]
}

fn base_name(p: &str) -> &str {
    Path::new(p)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(p)
}

/// Every frame field that comes from the log text.
type FrameFields<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    bool,
    FrameContext,
);

fn frame_fields(r: &Report) -> Vec<FrameFields<'_>> {
    r.frames
        .iter()
        .map(|f| {
            (
                f.function.as_str(),
                f.offset.as_deref(),
                f.size.as_deref(),
                f.module.as_deref(),
                f.address.as_deref(),
                f.reliable,
                f.context,
            )
        })
        .collect()
}

/// Asserts that the dump's report and the console's report agree, field by field.
///
/// Compared: kind, title, alt_titles, crash_type, guilty_frame, suppressed, severity, boot,
/// time (uptime), cpu, pid, comm, kernel, taint (raw and flags), hardware, arch, registers
/// (every register both have, and the core ones must be among them), ip and lr (function,
/// offset, size, module, address), fault_address, frames (function, offset, size, module,
/// address, reliable, context), code (bytes, fault_index, unit), modules, panic_reason,
/// kdump_loaded, decoded (page_fault, esr, fsr, eflags, pstate, oops, stuck/blocked seconds,
/// rcu_stall), headline, and every report line's text and uptime.
///
/// Not compared, because they legitimately differ:
/// * `source` (path, first_line, last_line): the path is another file, and line numbers
///   count physical lines of each input. The dump yields exactly one line per printk
///   line, a console capture may also hold firmware, boot loader or user-space output
///   (this one happens not to, so the numbers are equal here, but that is luck, not
///   a property).
/// * `id`: assigned in order of appearance within one analysis; both are `r1` here but
///   they are names, not data.
/// * `corrupted`: should agree but does not yet, see `dump_oops_not_marked_corrupted`.
///
/// Uptime is compared exactly: both captures print the same `[%5lu.%06lu]` prefix of the
/// same printk record (the dump's log is rendered from the record's nanosecond timestamp
/// to microseconds, as the console does), so no precision is lost on either side.
fn assert_same_report(d: &Report, c: &Report, core_regs: &[&str]) {
    let what = |f: &str| format!("field `{f}` differs (dump left, console right)");
    assert_eq!(d.kind, c.kind, "{}", what("kind"));
    assert_eq!(d.title, c.title, "{}", what("title"));
    assert_eq!(d.alt_titles, c.alt_titles, "{}", what("alt_titles"));
    assert_eq!(d.crash_type, c.crash_type, "{}", what("crash_type"));
    assert_eq!(d.guilty_frame, c.guilty_frame, "{}", what("guilty_frame"));
    assert_eq!(d.suppressed, c.suppressed, "{}", what("suppressed"));
    assert_eq!(d.severity, c.severity, "{}", what("severity"));
    assert_eq!(d.boot, c.boot, "{}", what("boot"));
    assert_eq!(d.time, c.time, "{}", what("time"));
    assert_eq!(d.cpu, c.cpu, "{}", what("cpu"));
    assert_eq!(d.pid, c.pid, "{}", what("pid"));
    assert_eq!(d.comm, c.comm, "{}", what("comm"));
    assert_eq!(d.kernel, c.kernel, "{}", what("kernel"));
    assert_eq!(d.taint, c.taint, "{}", what("taint"));
    assert_eq!(d.hardware, c.hardware, "{}", what("hardware"));
    assert_eq!(d.arch, c.arch, "{}", what("arch"));
    let mut common = 0;
    for (name, dv) in &d.registers {
        if let Some(cv) = c.registers.get(name) {
            assert_eq!(dv, cv, "register {name} differs (dump left, console right)");
            common += 1;
        }
    }
    for name in core_regs {
        assert!(
            d.registers.contains_key(*name) && c.registers.contains_key(*name),
            "register {name} missing: dump {:?}, console {:?}",
            d.registers.keys().collect::<Vec<_>>(),
            c.registers.keys().collect::<Vec<_>>()
        );
    }
    assert!(common >= core_regs.len());
    assert_eq!(d.ip, c.ip, "{}", what("ip"));
    assert_eq!(d.lr, c.lr, "{}", what("lr"));
    assert_eq!(
        d.fault_address,
        c.fault_address,
        "{}",
        what("fault_address")
    );
    assert_eq!(frame_fields(d), frame_fields(c), "{}", what("frames"));
    assert_eq!(d.code, c.code, "{}", what("code"));
    assert_eq!(d.modules, c.modules, "{}", what("modules"));
    assert_eq!(d.panic_reason, c.panic_reason, "{}", what("panic_reason"));
    assert_eq!(d.kdump_loaded, c.kdump_loaded, "{}", what("kdump_loaded"));
    assert_eq!(
        d.decoded.page_fault,
        c.decoded.page_fault,
        "{}",
        what("page_fault")
    );
    assert_eq!(d.decoded.esr, c.decoded.esr, "{}", what("decoded.esr"));
    assert_eq!(d.decoded.fsr, c.decoded.fsr, "{}", what("decoded.fsr"));
    assert_eq!(d.decoded.eflags, c.decoded.eflags, "{}", what("eflags"));
    assert_eq!(d.decoded.pstate, c.decoded.pstate, "{}", what("pstate"));
    assert_eq!(d.decoded.oops, c.decoded.oops, "{}", what("decoded.oops"));
    assert_eq!(d.decoded, c.decoded, "{}", what("decoded"));
    assert_eq!(d.headline, c.headline, "{}", what("headline"));
    let lines = |r: &Report| {
        r.lines
            .iter()
            .map(|l| (l.text.clone(), l.uptime))
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(d), lines(c), "{}", what("lines"));
}

/// The oops of each capture, after checking what both must hold on their own.
fn oops_pair(case: &Case) -> (Analysis, Analysis) {
    let dump = analyze(&fixture(case.dump));
    let console = analyze(&fixture(case.console));
    for (a, what) in [(&dump, case.dump), (&console, case.console)] {
        let r = only(a, ReportKind::Oops, what);
        assert_eq!(r.title, case.title, "{what}");
        assert_eq!(r.arch, Some(case.arch), "{what}");
        assert_eq!(r.kernel.as_deref(), Some(case.release), "{what}");
        assert_eq!(r.comm.as_deref(), Some("sh"), "{what}");
        assert_eq!(r.fault_address.as_deref(), Some("0x0"), "{what}");
        assert_eq!(
            r.ip.as_ref()
                .map(|ip| (ip.function.as_str(), ip.module.as_deref())),
            Some(("lkdtm_EXCEPTION", Some("lkdtm"))),
            "{what}"
        );
        assert!(!r.frames.is_empty(), "{what}");
        let p = only(a, ReportKind::Panic, what);
        assert_eq!(p.title, case.panic_title, "{what}");
    }
    (dump, console)
}

fn check_case(case: &Case, core_regs: &[&str]) {
    let (dump, console) = oops_pair(case);
    let d = only(&dump, ReportKind::Oops, case.dump);
    let c = only(&console, ReportKind::Oops, case.console);
    assert_same_report(d, c, core_regs);
    let dp = only(&dump, ReportKind::Panic, case.dump);
    let cp = only(&console, ReportKind::Panic, case.console);
    assert_same_report(dp, cp, &[]);
    assert_eq!(dump.reports.len(), console.reports.len());

    // The dump's source is a vmcore carrying the dump's own facts.
    assert_eq!(dump.sources.len(), 1);
    let src = &dump.sources[0];
    assert_eq!(src.kind, SourceKind::Vmcore);
    let facts = src.vmcore.as_ref().expect("vmcore facts on the source");
    assert_eq!(facts.kernel_release.as_deref(), Some(case.release));
    assert!(facts.has_vmcoreinfo);
    assert!(facts.completeness.complete, "{facts:#?}");
    assert_eq!(console.sources[0].kind, SourceKind::KernelLog);
    assert!(console.sources[0].vmcore.is_none());

    // Boots, events and the diagnosis agree too (file names in messages aside).
    let boots = |a: &Analysis| {
        a.boots
            .iter()
            .map(|b| {
                (
                    b.marker,
                    b.kernel.clone(),
                    b.command_line.clone(),
                    b.capture_kernel,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(boots(&dump), boots(&console));
    let events = |a: &Analysis| {
        a.events
            .iter()
            .map(|e| {
                (
                    e.kind,
                    e.severity,
                    e.text.clone(),
                    e.details.clone(),
                    e.time.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(events(&dump), events(&console));
    let incidents = |a: &Analysis, name: &str| {
        a.incidents
            .iter()
            .map(|i| {
                let findings = i
                    .findings
                    .iter()
                    .map(|f| {
                        let ev: Vec<String> = f.evidence.iter().map(|e| e.text.clone()).collect();
                        // Advice to set up kdump is for the console log only: the dump
                        // shows kdump worked.
                        let advice: Vec<String> = f
                            .advice
                            .iter()
                            .filter(|s| !s.starts_with("Capture the next one: load kdump"))
                            .cloned()
                            .collect();
                        (
                            f.rule,
                            f.severity,
                            f.message.replace(name, "FILE"),
                            ev,
                            advice,
                        )
                    })
                    .collect::<Vec<_>>();
                (
                    i.summary.clone(),
                    i.root.clone(),
                    i.reports.clone(),
                    findings,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        incidents(&dump, base_name(case.dump)),
        incidents(&console, base_name(case.console))
    );
    assert!(!dump.incidents.is_empty());
    assert!(
        !dump
            .findings()
            .flat_map(|f| f.advice.iter())
            .any(|s| s.contains("load kdump")),
        "a vmcore's analysis does not ask to set up kdump"
    );
}

#[test]
fn amd64_dump_oops_matches_console() {
    check_case(
        &AMD64,
        &[
            "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r08", "r15", "eflags", "cr2",
            "cr3",
        ],
    );
    // What the criterion is about, stated plainly for amd64.
    let dump = analyze(&fixture(AMD64.dump));
    let r = only(&dump, ReportKind::Oops, AMD64.dump);
    assert_eq!((r.cpu, r.pid), (Some(1), Some(115)));
    let ip = r.ip.as_ref().unwrap();
    assert_eq!(
        (ip.offset.as_deref(), ip.size.as_deref()),
        (Some("0x5"), Some("0x20"))
    );
    assert_eq!(r.frames[0].function, "direct_entry.cold");
    assert!(r.frames.iter().any(|f| !f.reliable), "`?` frames kept");
    let pf = r.decoded.page_fault.as_ref().expect("page_fault decoded");
    assert_eq!(pf.value, "0x0002");
    assert_eq!(pf.access, "write access");
    assert_eq!(
        r.taint.as_ref().map(|t| t.raw.as_str()),
        Some("G           OE")
    );
    assert_eq!(r.code.as_ref().and_then(|c| c.fault_index), Some(42));
}

#[test]
fn arm64_dump_oops_matches_console() {
    check_case(&ARM64, &["x0", "x1", "x29", "sp", "pstate"]);
    let dump = analyze(&fixture(ARM64.dump));
    let r = only(&dump, ReportKind::Oops, ARM64.dump);
    assert_eq!((r.cpu, r.pid), (Some(1), Some(114)));
    let ip = r.ip.as_ref().unwrap();
    assert_eq!(
        (ip.offset.as_deref(), ip.size.as_deref()),
        (Some("0x14"), Some("0x20"))
    );
    assert_eq!(
        r.lr.as_ref().map(|l| l.function.as_str()),
        Some("lkdtm_do_action")
    );
    let esr = r.decoded.esr.as_ref().expect("esr decoded");
    assert_eq!(esr.value, "0x96000046");
    assert_eq!(esr.wnr, Some(1));
}

/// Known bug (not fixed here): the vmcore's log is rendered by `vmcore::read_dump`
/// (crates/ktriage/src/vmcore.rs) with `Style::PlainWithCaller`, i.e. dmesg's
/// `[    3.590259] [  T115] text`. ktriage's own prefix parser accepts that, but the raw
/// window handed to `ktriage_syz::parse_from` (analyze.rs `apply_signature`) keeps it, and the
/// syzkaller console regex only knows the console form `[    3.590259][  T115] text`
/// (no space). So `[  T115]` stays in front of every line, no stack frame is recognised,
/// and the signature says corrupted ("no frames in a stack trace"): dump `corrupted: true`,
/// console `corrupted: false`; everything else is equal.
#[test]
fn dump_oops_not_marked_corrupted() {
    for case in [&AMD64, &ARM64] {
        let (dump, console) = oops_pair(case);
        let d = only(&dump, ReportKind::Oops, case.dump);
        let c = only(&console, ReportKind::Oops, case.console);
        assert!(!c.corrupted, "{}", case.console);
        assert_eq!(d.corrupted, c.corrupted, "{}: corrupted", case.dump);
    }
}

fn run(args: &[&str]) -> Output {
    let out = Command::new(BIN).args(args).output().expect("run ktriage");
    // Killed by a signal (a Rust panic aborts or exits 101; a crash is SIGSEGV/SIGABRT).
    assert!(
        out.status.code().is_some(),
        "ktriage {args:?} died from a signal: {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(
        out.status.code(),
        Some(101),
        "ktriage {args:?} panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn vmcore_dmesg_makedumpfile_format_is_byte_exact() {
    let out = run(&[
        "vmcore",
        "dmesg",
        "--format",
        "makedumpfile",
        &fixture(AMD64.dump),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want = std::fs::read(fixture("amd64-6.1-EXCEPTION.makedumpfile.txt")).unwrap();
    if out.stdout != want {
        let at = out
            .stdout
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(out.stdout.len().min(want.len()));
        let ctx = |b: &[u8]| {
            String::from_utf8_lossy(&b[at.saturating_sub(80)..(at + 80).min(b.len())]).into_owned()
        };
        panic!(
            "differs at byte {at} (got {} bytes, want {}):\n got: {:?}\nwant: {:?}",
            out.stdout.len(),
            want.len(),
            ctx(&out.stdout),
            ctx(&want)
        );
    }
}

/// The plain rendering is the console's text plus the caller column.
#[test]
fn vmcore_dmesg_plain_is_console_text() {
    for case in [&AMD64, &ARM64] {
        let out = run(&["vmcore", "dmesg", &fixture(case.dump)]);
        assert_eq!(out.status.code(), Some(0));
        let got = String::from_utf8(out.stdout).unwrap();
        let console = std::fs::read_to_string(fixture(case.console)).unwrap();
        let want: Vec<&str> = console.lines().filter(|l| l.starts_with('[')).collect();
        let got: Vec<String> = got
            .lines()
            .map(|l| {
                // `[    3.590259] [  T115] text` -> `[    3.590259] text`
                let ts_end = l.find("] ").expect("timestamp") + 1;
                let rest = &l[ts_end..];
                match rest
                    .strip_prefix(" [")
                    .and_then(|r| r.find("] ").map(|i| &r[i + 1..]))
                {
                    Some(text) => format!("{}{text}", &l[..ts_end]),
                    None => l.to_string(),
                }
            })
            .collect();
        assert_eq!(got, want, "{}", case.dump);
    }
}

#[test]
fn vmcore_info_json_parses() {
    for case in [&AMD64, &ARM64] {
        let out = run(&["vmcore", "info", "--json", &fixture(case.dump)]);
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["kernel_release"], case.release);
        assert_eq!(v["format"], "kdump-compressed");
        assert_eq!(v["has_vmcoreinfo"], true);
        assert_eq!(v["completeness"]["complete"], true);
        assert_eq!(v["prstatus"].as_array().map(Vec::len), Some(2));
        assert!(v["warnings"].as_array().is_some_and(Vec::is_empty));
    }
}

fn scratch(name: &str, data: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vmcore_analyze");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

/// Length of the kdump-compressed magic `KDUMP   `.
const MAGIC_LEN: usize = 8;

/// Cut dumps (the first 64 KiB and other prefixes) and a 0-byte file: exit status 2, or
/// success with a warning; never a panic or a signal.
#[test]
fn truncated_and_empty_dumps_fail_cleanly() {
    for case in [&AMD64, &ARM64] {
        let full = std::fs::read(fixture(case.dump)).unwrap();
        let mut cuts = vec![
            0,
            1,
            64,
            4096,
            8192,
            16384,
            32768,
            64 * 1024,
            full.len() - 1,
        ];
        cuts.retain(|&n| n < full.len());
        for n in cuts {
            let p = scratch(&format!("{}.{n}", case.dump), &full[..n]);
            let p = p.to_str().unwrap();

            for args in [
                vec!["vmcore", "dmesg", p],
                vec!["vmcore", "dmesg", "--format", "makedumpfile", p],
            ] {
                let out = run(&args);
                match out.status.code() {
                    Some(2) => assert!(!out.stderr.is_empty(), "{args:?}: no message"),
                    Some(0) => assert!(
                        !out.stderr.is_empty(),
                        "{args:?}: partial log without a warning"
                    ),
                    other => panic!("{args:?}: exit {other:?}"),
                }
            }

            let out = run(&["vmcore", "info", "--json", p]);
            match out.status.code() {
                Some(2) => assert!(!out.stderr.is_empty()),
                Some(0) => {
                    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
                    assert_eq!(v["completeness"]["complete"], false, "{p}: {v:#}");
                    assert!(
                        v["warnings"].as_array().is_some_and(|w| !w.is_empty()),
                        "{p}: {v:#}"
                    );
                }
                other => panic!("vmcore info {p}: exit {other:?}"),
            }

            let out = run(&["analyze", "--json", p]);
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            match out.status.code() {
                Some(2) => assert!(!out.stderr.is_empty()),
                Some(0) if n < MAGIC_LEN => {
                    // Too short to hold a dump's magic (0 bytes, `K`...): read as a kernel
                    // log, with nothing in it.
                    assert_eq!(v["sources"][0]["kind"], "kernel_log");
                    assert_eq!(v["reports"].as_array().map(Vec::len), Some(0));
                }
                Some(0) => assert!(
                    v["warnings"].as_array().is_some_and(|w| !w.is_empty()),
                    "{p}: partial analysis without a warning"
                ),
                other => panic!("analyze {p}: exit {other:?}"),
            }

            // The library path too.
            let (a, errors) = analyze_paths(&[p.to_string()], Options::default());
            if n >= MAGIC_LEN && errors.is_empty() {
                assert!(!a.warnings.is_empty(), "{p}: no warning");
            }
        }
    }
}
