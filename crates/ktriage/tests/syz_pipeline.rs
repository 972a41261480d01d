//! syzkaller parity through the whole ktriage pipeline: for every syzkaller corpus file
//! (crates/ktriage-syz/tests/fixtures/syzkaller, Apache-2.0, see its README) the first report's
//! title, type and corrupted flag, and "no report" for files without a crash. Known misses are
//! listed, with reasons, in tests/fixtures/syz_pipeline_misses.txt: a new miss or a fixed one
//! fails the test, so improvements and regressions both show.

use ktriage::analyze::{analyze_bytes, Options};
use std::collections::BTreeSet;
use std::path::Path;

struct Want {
    title: Option<String>,
    crash_type: Option<String>,
    corrupted: bool,
}

fn parse_test(data: &[u8]) -> (Want, Vec<u8>) {
    let data: Vec<u8> = data.iter().copied().filter(|&b| b != b'\r').collect();
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(data.len());
    let head = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut log = data[(split + 2).min(data.len())..].to_vec();
    if let Some(cut) = log.windows(10).position(|w| w == b"\n\nREPORT:\n") {
        log.truncate(cut + 1);
    }
    let mut want = Want {
        title: None,
        crash_type: None,
        corrupted: false,
    };
    for line in head.lines() {
        if let Some(v) = line.strip_prefix("TITLE: ") {
            want.title = Some(v.to_string());
        } else if line == "TITLE:" {
            want.title = Some(String::new());
        } else if let Some(v) = line.strip_prefix("TYPE: ") {
            want.crash_type = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("CORRUPTED: ") {
            want.corrupted = v.trim() == "Y";
        }
    }
    (want, log)
}

#[test]
fn corpus_first_report_matches_syzkaller() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("../ktriage-syz/tests/fixtures/syzkaller");
    let known: BTreeSet<String> =
        std::fs::read_to_string(root.join("tests/fixtures/syz_pipeline_misses.txt"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .collect();
    let mut misses = BTreeSet::new();
    let mut detail = Vec::new();
    let (mut n_title, mut n_files) = (0, 0);
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        n_files += 1;
        let (want, log) = parse_test(&std::fs::read(&p).unwrap());
        let a = analyze_bytes(&name, &log, Options::default());
        let got = a.reports.first();
        let mut miss = |field: &str, got: String, want: String| {
            misses.insert(format!("{name} {field}"));
            detail.push(format!("{name} {field}: got {got:?}, want {want:?}"));
        };
        match &want.title {
            None => {
                if let Some(r) = got.filter(|r| !r.suppressed) {
                    miss("report", r.title.clone(), "no report".into());
                }
            }
            Some(t) => {
                n_title += 1;
                let gt = got.map(|r| r.title.clone());
                if gt.as_deref() != Some(t.as_str()) {
                    miss("title", format!("{gt:?}"), t.clone());
                }
                if let Some(ty) = &want.crash_type {
                    let gty = got.and_then(|r| r.crash_type.clone());
                    if gty.as_deref() != Some(ty.as_str()) {
                        miss("type", format!("{gty:?}"), ty.clone());
                    }
                }
                if got.map(|r| r.corrupted) != Some(want.corrupted) {
                    miss(
                        "corrupted",
                        format!("{:?}", got.map(|r| r.corrupted)),
                        want.corrupted.to_string(),
                    );
                }
            }
        }
    }
    assert!(n_files > 450 && n_title > 400, "{n_files} files");
    let new: Vec<&String> = misses.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&misses).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "new misses {new:?}\nfixed (remove from the list) {fixed:?}\n{}",
        detail.join("\n")
    );
}
