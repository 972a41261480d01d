//! The quiet-line scan, the block reader, the two-core scan and the signature thread change
//! nothing: on every real log of the repository's fixtures (origins in each fixture
//! folder's README and SOURCES.md), the document equals the one made by framing every line
//! on one thread.

use ktriage_parse::analyze::{analyze_bytes, analyze_paths, Options};

/// Every fixture file of the repository (real logs, sorted).
fn fixtures() -> Vec<std::path::PathBuf> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut files = Vec::new();
    for dir in [
        "ktriage/tests/fixtures",
        "ktriage-syz/tests/fixtures/syzkaller",
    ] {
        for e in walkdir::WalkDir::new(format!("{root}/{dir}")).sort_by_file_name() {
            let e = e.expect("fixture dir");
            let name = e.file_name().to_string_lossy();
            if e.file_type().is_file() && !name.ends_with(".json") && !name.ends_with(".md") {
                files.push(e.into_path());
            }
        }
    }
    files
}

fn reference() -> Options {
    Options {
        threads: 1,
        frame_every_line: true,
        ..Default::default()
    }
}

fn json(a: &ktriage_parse::model::Analysis) -> String {
    serde_json::to_string(a).expect("serialise")
}

#[test]
fn every_fixture_gives_the_same_document_with_the_scan() {
    let files = fixtures();
    assert!(files.len() > 600, "{} fixtures", files.len());
    let mut quiet_lines_seen = false;
    for f in &files {
        let data = std::fs::read(f).expect("fixture");
        let name = f.display().to_string();
        let want = json(&analyze_bytes(&name, &data, reference()));
        let got = json(&analyze_bytes(&name, &data, Options::default()));
        assert!(want == got, "{name}: the quiet scan changed the document");
        quiet_lines_seen |= data.starts_with(b"[");
    }
    assert!(quiet_lines_seen);
}

/// All lab logs (Debian kernels crashed by lkdtm under QEMU) back to back, as a file read in
/// 1 MiB blocks, with lines cut across reads.
fn lab_concatenation(dir: &std::path::Path) -> std::path::PathBuf {
    let lab = concat!(env!("CARGO_MANIFEST_DIR"), "/../ktriage/tests/fixtures/lab");
    let mut logs: Vec<_> = std::fs::read_dir(lab)
        .expect("lab fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    let mut all = Vec::new();
    while all.len() < 6 << 20 {
        for p in &logs {
            all.extend(std::fs::read(p).expect("lab log"));
        }
    }
    let path = dir.join("lab-all.log");
    std::fs::write(&path, &all).expect("write");
    path
}

#[test]
fn a_large_file_on_two_cores_gives_the_one_thread_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = lab_concatenation(dir.path());
    let paths = [path.display().to_string()];
    let (want, _) = analyze_paths(&paths, reference());
    assert!(want.reports.len() > 100 && want.boots.len() > 100);
    let one_thread = Options {
        threads: 1,
        ..Default::default()
    };
    let (one, _) = analyze_paths(&paths, one_thread);
    assert!(json(&want) == json(&one), "one thread, quiet scan");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let (two, _) = pool.install(|| analyze_paths(&paths, Options::default()));
    assert!(json(&want) == json(&two), "two threads");
}
