//! The `ktriage` binary as a user runs it: paths that are missing, unreadable, symlinked, deep
//! or oddly named; truncated compressed logs; the journal and `/dev/kmsg` formats; exit codes;
//! output sizes. The log content is the lab's real amd64 NULL-dereference oops
//! (tests/fixtures/lab/EXCEPTION-amd64.log), re-prefixed the way each tool prints it.

use assert_cmd::Command;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The real oops lines (lab EXCEPTION-amd64, lines 374-414) as `(uptime, text)`.
fn oops_lines() -> Vec<(f64, String)> {
    let log = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lab/EXCEPTION-amd64.log"
    ))
    .unwrap();
    log.lines()
        .skip(373)
        .take(41)
        .map(|l| {
            let (ts, text) = l.split_once("] ").expect("printk stamp");
            let up: f64 = ts.trim_start_matches('[').trim().parse().unwrap();
            (up, text.to_string())
        })
        .collect()
}

fn oops_text() -> String {
    oops_lines()
        .iter()
        .map(|(t, l)| format!("[{t:12.6}] {l}\n"))
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ktriage-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ktriage() -> Command {
    let mut c = Command::cargo_bin("ktriage").unwrap();
    c.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // `--vmlinux` answers are cached: in a directory of the tests', not the user's.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join(format!("ktriage-cli-cache-{}", std::process::id())),
        );
    c
}

/// Runs `analyze --json` and returns (document, stderr, exit code).
fn analyze_json(args: &[&std::ffi::OsStr]) -> (serde_json::Value, String, i32) {
    let out = ktriage()
        .arg("analyze")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn first_oops(doc: &serde_json::Value) -> (Option<u64>, Option<String>) {
    let r = doc["reports"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["kind"] == "oops"))
        .expect("an oops report");
    (
        r["cpu"].as_u64(),
        r["ip"]["function"].as_str().map(str::to_string),
    )
}

const WANT: (Option<u64>, Option<&str>) = (Some(0), Some("lkdtm_EXCEPTION"));

fn assert_oops(doc: &serde_json::Value) {
    let (cpu, ip) = first_oops(doc);
    assert_eq!((cpu, ip.as_deref()), WANT, "{doc}");
}

#[test]
fn a_missing_path_is_named_and_the_rest_is_analysed() {
    let d = tmp("missing");
    let log = d.join("console.log");
    std::fs::write(&log, oops_text()).unwrap();
    let missing = d.join("nope.log");
    let (doc, err, code) = analyze_json(&[missing.as_os_str(), log.as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains(&*missing.to_string_lossy()), "{err}");
    assert_eq!(err.matches("nope.log").count(), 1, "named once: {err}");
    assert_oops(&doc);
}

#[test]
fn an_unreadable_subdirectory_is_named_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp("private");
    std::fs::write(d.join("kern.log"), oops_text()).unwrap();
    let private = d.join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::write(private.join("secret.log"), "x\n").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = std::fs::read_dir(&private).is_ok(); // root reads it anyway
    let (doc, err, code) = analyze_json(&[d.as_os_str()]);
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_oops(&doc);
    if !root {
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&*private.to_string_lossy()), "{err}");
        assert!(!err.contains("kern.log"), "{err}");
    }
}

#[test]
fn symlinks_deep_trees_and_non_utf8_names() {
    use std::os::unix::ffi::OsStrExt;
    let d = tmp("walk");
    let real = tmp("walk-real");
    std::fs::write(real.join("target.log"), oops_text()).unwrap();
    std::os::unix::fs::symlink(real.join("target.log"), d.join("link.log")).unwrap();
    // Inside a directory a link is followed only with -L.
    let (doc, _, code) = analyze_json(&[d.as_os_str()]);
    assert_eq!(
        (code, doc["reports"].as_array().map(Vec::len)),
        (0, Some(0))
    );
    let (doc, _, code) = analyze_json(&["-L".as_ref(), d.as_os_str()]);
    assert_eq!(code, 0);
    assert_oops(&doc);
    // Named on the command line, it is always read.
    let (doc, _, _) = analyze_json(&[d.join("link.log").as_os_str()]);
    assert_oops(&doc);
    // 40 levels deep, under a name that is not UTF-8.
    let mut deep = tmp("deep");
    let top = deep.clone();
    for i in 0..40 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    let odd = deep.join(std::ffi::OsStr::from_bytes(b"kern-\xff.log"));
    std::fs::write(&odd, oops_text()).unwrap();
    let (doc, err, code) = analyze_json(&[top.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    assert_oops(&doc);
}

#[test]
fn globs_select_files_and_non_logs_are_skipped_with_a_count() {
    let d = tmp("globs");
    std::fs::write(d.join("kern.log"), oops_text()).unwrap();
    std::fs::write(d.join("kern.txt"), oops_text()).unwrap();
    std::fs::write(d.join("expect.json"), "{\"inputs\": [\"kern.log\"]}\n").unwrap();
    std::fs::copy(std::env::current_exe().unwrap(), d.join("a.out")).unwrap();
    let (doc, err, code) = analyze_json(&[d.as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(doc["sources"].as_array().map(Vec::len), Some(2), "{err}");
    assert!(err.contains("skipped 2 file(s)"), "{err}");
    let (doc, _, _) = analyze_json(&["-g".as_ref(), "*.log".as_ref(), d.as_os_str()]);
    assert_eq!(doc["sources"].as_array().map(Vec::len), Some(1));
    let (doc, _, _) = analyze_json(&["-g".as_ref(), "!*.txt".as_ref(), d.as_os_str()]);
    assert_eq!(
        doc["sources"][0]["path"]
            .as_str()
            .map(|p| p.ends_with("kern.log")),
        Some(true)
    );
    let (doc, _, _) = analyze_json(&["--all-files".as_ref(), d.as_os_str()]);
    assert_eq!(doc["sources"].as_array().map(Vec::len), Some(4));
}

fn compress(kind: &str, data: &[u8]) -> Vec<u8> {
    match kind {
        "gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "xz" => {
            let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        _ => zstd::encode_all(data, 3).unwrap(),
    }
}

#[test]
fn truncated_compressed_logs_warn_with_the_offset_and_exit_2() {
    let d = tmp("trunc");
    // Enough text that a cut in the middle leaves the oops in what was read.
    let mut text = oops_text();
    // Varied lines, so that each format emits several blocks (zstd decodes 128 KiB blocks).
    for i in 0..20_000u64 {
        text.push_str(&format!(
            "[{:12.6}] usb 1-1: new high-speed USB device number {} using xhci_hcd, id {:x}\n",
            9.0 + i as f64 / 1000.0,
            i % 127,
            i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ));
    }
    for kind in ["gz", "xz", "zst"] {
        let whole = compress(kind, text.as_bytes());
        let p = d.join(format!("kern.log.{kind}"));
        std::fs::write(&p, &whole).unwrap();
        let (doc, err, code) = analyze_json(&[p.as_os_str()]);
        assert_eq!(code, 0, "{kind} whole: {err}");
        assert_oops(&doc);
        std::fs::write(&p, &whole[..whole.len() * 2 / 3]).unwrap();
        let (doc, err, code) = analyze_json(&[p.as_os_str()]);
        assert_eq!(code, 2, "{kind} cut: {err}");
        assert!(
            err.contains(&*p.to_string_lossy()) && err.contains("at byte "),
            "{kind}: {err}"
        );
        assert_oops(&doc);
        assert!(doc["warnings"][0]["incomplete"].as_bool().unwrap_or(false));
    }
}

#[test]
fn every_journal_format_and_kmsg_records() {
    let lines = oops_lines();
    let t0 = 1_711_443_600i64;
    let render = |f: &dyn Fn(f64, &str) -> String| -> String {
        lines.iter().map(|(t, l)| f(*t, l)).collect()
    };
    let forms: Vec<(&str, String)> = vec![
        (
            "short-monotonic",
            render(&|t, l| format!("[{t:12.6}] host kernel: {l}\n")),
        ),
        (
            "short-full",
            render(&|_, l| format!("Tue 2024-03-26 10:00:00 CET host kernel: {l}\n")),
        ),
        (
            "short-unix",
            render(&|t, l| format!("{}.{:06} host kernel: {l}\n", t0 + t as i64, 0)),
        ),
        (
            "syslog with printk stamp",
            render(&|t, l| format!("Mar 26 10:00:00 host kernel: [{t:12.6}] {l}\n")),
        ),
        (
            "/dev/kmsg",
            render(&|t, l| {
                format!(
                    "4,{},{},-;{l}\n SUBSYSTEM=cpu\n",
                    (t * 1000.0) as u64,
                    (t * 1e6) as u64
                )
            }),
        ),
        (
            "export",
            render(&|t, l| {
                let us = (t * 1e6) as u64;
                format!(
                    "__CURSOR=s=abc;i={us}\n__REALTIME_TIMESTAMP={}\n__MONOTONIC_TIMESTAMP={us}\n_BOOT_ID=0f\n_TRANSPORT=kernel\nPRIORITY=4\nSYSLOG_IDENTIFIER=kernel\n_SOURCE_MONOTONIC_TIMESTAMP={us}\nMESSAGE={l}\n\n",
                    (t0 as u64) * 1_000_000 + us
                )
            }),
        ),
        ("bare CR", render(&|t, l| format!("[{t:12.6}] {l}\r"))),
        ("NUL run", format!("{}{}", "\0".repeat(300), oops_text())),
    ];
    let d = tmp("formats");
    for (name, text) in forms {
        let p = d.join("log");
        std::fs::write(&p, &text).unwrap();
        let (doc, err, code) = analyze_json(&[p.as_os_str()]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(doc["boots"].as_array().map(Vec::len), Some(1), "{name}");
        let (cpu, ip) = first_oops(&doc);
        assert_eq!((cpu, ip.as_deref()), WANT, "{name}");
    }
}

#[test]
fn stdin_exit_codes_and_colour() {
    let out = ktriage()
        .args(["analyze", "--fail-on", "critical", "-"])
        .write_stdin(oops_text())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "NO_COLOR: {text}");
    let out = ktriage()
        .args(["analyze", "--color", "always", "-"])
        .write_stdin(oops_text())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    // Usage errors are 2.
    let out = ktriage()
        .args(["analyze", "--bogus", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_shipped_example_fits_a_screen_and_quiet_is_the_verdict() {
    let example: &Path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nested-oops-die-lock.log"
    ));
    let out = ktriage().arg("analyze").arg(example).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 30, "{} lines:\n{text}", lines.len());
    assert!(lines.iter().all(|l| l.chars().count() <= 100), "{text}");
    assert!(
        text.contains("die_lock") && text.contains("do first:"),
        "{text}"
    );
    let out = ktriage()
        .arg("analyze")
        .arg("-q")
        .arg(example)
        .output()
        .unwrap();
    let quiet = String::from_utf8(out.stdout).unwrap();
    assert!(quiet.starts_with("CRIT i1:"), "{quiet}");
    assert!(quiet.lines().count() <= 3, "{quiet}");
    let out = ktriage()
        .arg("analyze")
        .arg("-v")
        .arg(example)
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("saw "));
}

#[test]
fn version_completions_and_man_page() {
    let out = ktriage().arg("--version").output().unwrap();
    let v = String::from_utf8(out.stdout).unwrap();
    assert!(v.starts_with("ktriage ") && v.contains('('), "{v}");
    let out = ktriage().args(["completions", "bash"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("_ktriage"));
    let out = ktriage().arg("man").output().unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains(".TH ktriage"));
    let out = ktriage().args(["analyze", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("--follow-links") && help.contains("--glob"),
        "{help}"
    );
    let out = ktriage().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(
        help.contains("Exit status:") && help.contains("Examples:"),
        "{help}"
    );
}

#[test]
fn a_warn_storm_is_one_incident_with_a_count() {
    // The lab's real WARNING report (lab WARNING-amd64, lines 374-418), printed 3000 times by
    // tasks on 64 CPUs, as a WARN in a hot path does.
    let log = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lab/WARNING-amd64.log"
    ))
    .unwrap();
    // (The guest's `LAB-DONE` marker, interleaved before the end line, is left out.)
    let report: Vec<&str> = log
        .lines()
        .skip(373)
        .take(45)
        .filter(|l| l.contains("] "))
        .collect();
    let mut storm = String::new();
    for n in 0..3000u32 {
        let cpu = n % 64;
        for l in &report {
            let (_, text) = l.split_once("] ").unwrap();
            let text = text.replace("CPU: 1 PID: 115", &format!("CPU: {cpu} PID: {}", 1000 + n));
            storm.push_str(&format!("[{:12.6}] {text}\n", 10.0 + f64::from(n) * 0.01));
        }
    }
    let d = tmp("storm");
    let p = d.join("storm.log");
    std::fs::write(&p, storm).unwrap();
    let (doc, _, code) = analyze_json(&[p.as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(doc["reports"].as_array().map(Vec::len), Some(3000));
    let incidents = doc["incidents"].as_array().unwrap();
    assert_eq!(
        incidents.len(),
        1,
        "{:?}",
        incidents.iter().map(|i| &i["summary"]).collect::<Vec<_>>()
    );
    let summary = incidents[0]["summary"].as_str().unwrap();
    assert!(summary.contains(": 3000 times on CPUs 0-63"), "{summary}");
    let out = ktriage().arg("analyze").arg(&p).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().count() <= 40 && text.len() < 8 * 1024,
        "{} bytes:\n{text}",
        text.len()
    );
}

fn vmcore_fixture() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vmcore/amd64-6.1-EXCEPTION.subset.kdump"
    ))
}

#[test]
fn compressed_vmcores_are_read_by_analyze_and_vmcore() {
    let dump = std::fs::read(vmcore_fixture()).unwrap();
    let d = tmp("vmgz");
    for kind in ["gz", "xz", "zst"] {
        let p = d.join(format!("vmcore.{kind}"));
        std::fs::write(&p, compress(kind, &dump)).unwrap();
        let (doc, err, code) = analyze_json(&[p.as_os_str()]);
        assert_eq!(code, 0, "{kind}: {err}");
        assert!(
            err.contains("decompressed to a temporary file"),
            "{kind}: {err}"
        );
        assert_eq!(doc["sources"][0]["kind"], "vmcore", "{kind}");
        // That dump's oops ran on CPU 1.
        assert_eq!(
            first_oops(&doc),
            (Some(1), Some("lkdtm_EXCEPTION".to_string()))
        );
        let out = ktriage()
            .args(["vmcore", "dmesg"])
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{kind}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("lkdtm_EXCEPTION"));
    }
}

#[test]
fn truncated_vmcores_are_incomplete_at_every_size() {
    let dump = std::fs::read(vmcore_fixture()).unwrap();
    let d = tmp("vmcut");
    let p = d.join("vmcore");
    // Cut by 4 KiB, by 1-2 %, by a tenth, by half.
    for cut in [
        4096usize,
        dump.len() / 100,
        dump.len() / 50,
        dump.len() / 10,
        dump.len() / 2,
    ] {
        std::fs::write(&p, &dump[..dump.len() - cut]).unwrap();
        let out = ktriage()
            .args(["vmcore", "info", "--json"])
            .arg(&p)
            .output()
            .unwrap();
        let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if out.status.code() == Some(0) {
            assert_eq!(
                facts["completeness"]["complete"], false,
                "cut {cut}: {facts}"
            );
            assert!(
                facts["completeness"]["lost_pages"].as_u64().unwrap_or(0) > 0,
                "cut {cut}"
            );
        }
        // The log read from it: incomplete is said on stderr and in the exit status.
        let out = ktriage()
            .args(["vmcore", "dmesg"])
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "cut {cut}");
        assert!(!out.stderr.is_empty(), "cut {cut}");
        assert!(!out.stdout.contains(&0u8), "cut {cut}: NUL bytes printed");
        let (_, err, code) = analyze_json(&[p.as_os_str()]);
        assert_eq!(code, 2, "cut {cut}: {err}");
    }
    // Whole, it is complete and exits 0.
    std::fs::write(&p, &dump).unwrap();
    let out = ktriage()
        .args(["vmcore", "info", "--json"])
        .arg(&p)
        .output()
        .unwrap();
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(facts["completeness"]["log_whole"], true);
    let out = ktriage()
        .args(["vmcore", "dmesg"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn fail_on_does_not_trip_on_a_requested_sysrq_dump() {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/lab/SYSRQ_t-amd64.log"
    ));
    let out = ktriage()
        .args(["analyze", "--fail-on", "warning"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_live_kernel_log_is_read_to_its_end() {
    // This machine's own /dev/kmsg: read like dmesg (non-blocking), so the run ends.
    if std::fs::File::open("/dev/kmsg").is_err() {
        eprintln!("/dev/kmsg not readable here; nothing to check");
        return;
    }
    for args in [
        vec!["analyze", "--json"],
        vec!["analyze", "--json", "/dev/kmsg"],
    ] {
        let out = ktriage()
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["sources"][0]["path"], "/dev/kmsg");
        assert!(doc["sources"][0]["lines"].as_u64().unwrap_or(0) > 0);
        assert_eq!(doc["sources"][0]["prefixes"][0], "dev_kmsg");
    }
}

#[test]
fn a_terminal_gets_a_pager_unless_told_not_to() {
    // `script` gives the binary a terminal; the pager marks each line it shows.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("no `script` here to provide a terminal; nothing to check");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("ktriage");
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/nested-oops-die-lock.log"
    );
    let run = |extra: &str| {
        let out = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("{} analyze {extra} {example}", bin.display()),
                "/dev/null",
            ])
            .env("PAGER", "sed s/^/PAGED:/")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let paged = run("");
    assert!(
        paged
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("PAGED:ktriage:")),
        "{paged}"
    );
    let direct = run("--no-pager");
    assert!(
        direct.starts_with("ktriage:") && !direct.contains("PAGED:"),
        "{direct}"
    );
}

#[test]
fn follow_prints_an_incident_when_a_growing_file_gets_one() {
    use std::io::{BufRead, BufReader};
    let d = tmp("follow");
    let p = d.join("console.log");
    std::fs::write(&p, "[    0.000000] Linux version 6.1.0-56-amd64\n").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ktriage"))
        .args(["analyze", "--follow", "--json"])
        .arg(&p)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Nothing wrong yet: nothing printed.
    assert!(rx
        .recv_timeout(std::time::Duration::from_millis(1500))
        .is_err());
    let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
    f.write_all(oops_text().as_bytes()).unwrap();
    drop(f);
    // The oops report, then its incident, each once.
    let mut got: Vec<serde_json::Value> = Vec::new();
    loop {
        let wait = if got.is_empty() { 30 } else { 3 };
        match rx.recv_timeout(std::time::Duration::from_secs(wait)) {
            Ok(line) => got.push(serde_json::from_str(&line).unwrap()),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let reports: Vec<&serde_json::Value> = got.iter().filter_map(|v| v.get("report")).collect();
    let incidents: Vec<&serde_json::Value> = got.iter().filter_map(|v| v.get("incident")).collect();
    assert_eq!(reports.len(), 1, "{got:?}");
    assert_eq!(reports[0]["kind"], "oops");
    assert_eq!(incidents.len(), 1, "{got:?}");
    let summary = incidents[0]["summary"].as_str().unwrap_or("");
    assert!(summary.contains("lkdtm_EXCEPTION"), "{got:?}");
}

/// A folder of real logs (every lab log and every seed case's files) read on one thread and
/// on several gives the same document, byte for byte, incidents included.
#[test]
fn threads_do_not_change_the_output() {
    let fixtures = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    let run = |threads: &str| {
        let out = ktriage()
            .args(["analyze", "--json", "--threads", threads])
            .arg(fixtures.join("lab"))
            .arg(fixtures.join("cases"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{threads}");
        out.stdout
    };
    let one = run("1");
    let doc: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert!(doc["sources"].as_array().unwrap().len() > 60);
    assert!(doc["incidents"].as_array().unwrap().len() > 40);
    assert!(one == run("2"), "two threads");
    assert!(one == run("0"), "all cores");
}

/// A program compiled here with gcc -g that stands in for a vmlinux, at `exe`, and a WARNING
/// report in the shape the lab's amd64 kernels print it (tests/fixtures/lab/WARNING-amd64.log)
/// naming two of its functions, printed by kernel `release`: the log, and the addresses of
/// `total+0x5` and `main+0x1b`. None when gcc is not there.
fn warning_against_gcc_program(exe: &Path, release: &str) -> Option<(String, u64, u64)> {
    let src = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ktriage-symbolize/tests/fixtures/prog.c"
    ));
    std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
    let built = std::process::Command::new("gcc")
        .args(["-g", "-O2", "-o"])
        .arg(exe)
        .arg(src)
        .status()
        .is_ok_and(|s| s.success());
    if !built {
        eprintln!("gcc not found: skipped");
        return None;
    }
    let nm = std::process::Command::new("nm")
        .arg("-S")
        .arg(exe)
        .output()
        .unwrap();
    let nm = String::from_utf8_lossy(&nm.stdout).into_owned();
    let sym = |name: &str| -> (u64, u64) {
        let w: Vec<&str> = nm
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.len() == 4 && w[3] == name)
            .expect("symbol");
        let hex = |s: &str| u64::from_str_radix(s, 16).unwrap();
        (hex(w[0]), hex(w[1]))
    };
    let (total, total_len) = sym("total");
    let (main, main_len) = sym("main");
    let log = format!(
        "[   10.100000] ------------[ cut here ]------------\n\
         [   10.100001] WARNING: CPU: 0 PID: 1 at prog.c:24 total+0x5/{total_len:#x}\n\
         [   10.100002] Modules linked in:\n\
         [   10.100003] CPU: 0 PID: 1 Comm: prog Not tainted {release} #1  Debian 6.1.158-1\n\
         [   10.100004] RIP: 0010:total+0x5/{total_len:#x}\n\
         [   10.100005] Call Trace:\n\
         [   10.100006]  <TASK>\n\
         [   10.100007]  main+0x1b/{main_len:#x}\n\
         [   10.100008]  </TASK>\n\
         [   10.100009] ---[ end trace 0000000000000000 ]---\n"
    );
    Some((log, total + 5, main + 0x1b))
}

/// binutils `addr2line -e exe ADDR`: (file, line).
fn addr2line(exe: &Path, addr: u64) -> (String, u64) {
    let out = std::process::Command::new("addr2line")
        .arg("-e")
        .arg(exe)
        .arg(format!("{addr:x}"))
        .output()
        .unwrap();
    let l = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let l = l.split(" (discriminator").next().unwrap().to_string();
    let (f, n) = l.rsplit_once(':').unwrap();
    (f.to_string(), n.parse().unwrap())
}

/// `analyze --vmlinux`: the gcc program stands in for vmlinux; the trapping RIP and the call
/// trace frame of the WARNING get the source lines binutils `addr2line -i` gives (the frame one
/// byte back, at the call). A file that is not an executable is a warning naming it, and the
/// analysis goes on.
#[test]
fn vmlinux_gives_frames_their_source_lines() {
    let dir = tmp("vmlinux");
    let exe = dir.join("prog");
    let Some((log, ip_addr, main_addr)) = warning_against_gcc_program(&exe, "6.1.0-57-amd64")
    else {
        return;
    };
    let log_path = dir.join("warn.log");
    std::fs::write(&log_path, log).unwrap();
    let addr2line = |addr| addr2line(&exe, addr);
    let (doc, stderr, code) =
        analyze_json(&["--vmlinux".as_ref(), exe.as_os_str(), log_path.as_os_str()]);
    assert_eq!(code, 0, "{stderr}");
    let r = &doc["reports"][0];
    let ip = &r["ip"]["source"];
    let (f, n) = addr2line(ip_addr);
    assert_eq!(
        (ip["file"].as_str().unwrap(), ip["line"].as_u64().unwrap()),
        (f.as_str(), n)
    );
    let frame = r["frames"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "main")
        .expect("main frame");
    let (f, n) = addr2line(main_addr - 1);
    let s = &frame["source"];
    assert_eq!(
        (s["file"].as_str().unwrap(), s["line"].as_u64().unwrap()),
        (f.as_str(), n)
    );
    // Not an executable: a warning naming it, exit status 2, the report still there.
    let (doc, stderr, code) = analyze_json(&[
        "--vmlinux".as_ref(),
        log_path.as_os_str(),
        log_path.as_os_str(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a readable ELF file"), "{stderr}");
    assert!(stderr.contains("warn.log"), "{stderr}");
    assert_eq!(doc["reports"].as_array().unwrap().len(), 1);
    assert!(doc["reports"][0]["ip"].get("source").is_none());
}

/// `analyze --debuginfo-root`: the gcc program installed where Debian puts a debug vmlinux
/// (`usr/lib/debug/boot/vmlinux-REL`) in one root and where Fedora does
/// (`usr/lib/debug/lib/modules/REL/vmlinux`) in another is found by the release the report
/// prints, and its RIP gets addr2line's line; a release with no image below the root is a
/// note naming the paths looked at, its report left unlocated.
#[test]
fn debuginfo_root_finds_the_vmlinux_of_each_release() {
    let dir = tmp("debuginfo-root");
    let release = "6.1.0-57-amd64";
    for layout in [
        format!("usr/lib/debug/boot/vmlinux-{release}"),
        format!("usr/lib/debug/lib/modules/{release}/vmlinux"),
    ] {
        let root = dir.join(layout.split('/').nth(4).unwrap());
        let exe = root.join(&layout);
        let Some((log, ip_addr, _)) = warning_against_gcc_program(&exe, release) else {
            return;
        };
        let log_path = dir.join("warn.log");
        std::fs::write(&log_path, &log).unwrap();
        let (doc, stderr, code) = analyze_json(&[
            "--debuginfo-root".as_ref(),
            root.as_os_str(),
            log_path.as_os_str(),
        ]);
        assert_eq!(code, 0, "{layout}: {stderr}");
        let ip = &doc["reports"][0]["ip"]["source"];
        let (f, n) = addr2line(&exe, ip_addr);
        assert_eq!(
            (ip["file"].as_str(), ip["line"].as_u64()),
            (Some(f.as_str()), Some(n)),
            "{layout}"
        );
        // Another release: not located, and said so with where it looked.
        std::fs::write(&log_path, log.replace(release, "6.1.0-56-amd64")).unwrap();
        let (doc, stderr, code) = analyze_json(&[
            "--debuginfo-root".as_ref(),
            root.as_os_str(),
            log_path.as_os_str(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stderr.contains("no debug vmlinux of 6.1.0-56-amd64")
                && stderr.contains("usr/lib/debug/boot/vmlinux-6.1.0-56-amd64"),
            "{stderr}"
        );
        assert!(doc["reports"][0]["ip"].get("source").is_none());
    }
}

/// The lab's Debian 6.1.0-57 vmlinux (`KTRIAGE_LAB_VMLINUX`, from `../shared/lab` with
/// `LAB_DBG=1`) against real lab logs: the 6.1.0-57 SPINLOCKUP log gets source lines, the
/// 6.1.0-56 ACCESS_NULL log is reported as another kernel's and left unlocated.
#[test]
fn a_vmlinux_of_another_kernel_is_reported_when_present() {
    let Some(vmlinux) = std::env::var_os("KTRIAGE_LAB_VMLINUX") else {
        eprintln!("KTRIAGE_LAB_VMLINUX not set: skipped");
        return;
    };
    let lab = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lab"));
    let (doc, stderr, _) = analyze_json(&[
        "--vmlinux".as_ref(),
        vmlinux.as_os_str(),
        lab.join("SPINLOCKUP-amd64.log").as_os_str(),
    ]);
    assert!(!stderr.contains("not located"), "{stderr}");
    let located = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ip"].get("source").is_some())
        .count();
    assert!(located > 0);
    let (doc, stderr, _) = analyze_json(&[
        "--vmlinux".as_ref(),
        vmlinux.as_os_str(),
        lab.join("ACCESS_NULL-amd64.log").as_os_str(),
    ]);
    assert!(
        stderr.contains("this vmlinux is 6.1.0-57-amd64") && stderr.contains("6.1.0-56-amd64"),
        "{stderr}"
    );
    assert!(doc["reports"][0]["ip"].get("source").is_none());
}
