//! Runs every syzkaller corpus file (tests/fixtures/syzkaller) through the parser, the way
//! syzkaller's own report_test.go does (spec §12), and compares every field.
//!
//! Known differences are listed in tests/known_misses.txt (`FILE FIELD reason`). The test fails
//! on any difference not listed there, and on any listed difference that no longer occurs, so
//! both regressions and improvements show up.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Expected values from a corpus file's headers.
#[derive(Default, Debug)]
struct Case {
    title: String,
    alts: Vec<String>,
    crash_type: Option<String>,
    frame: Option<String>,
    corrupted: bool,
    suppressed: bool,
    panicked: bool,
    executor: Option<String>,
    start: Option<String>,
    end: Option<String>,
    log: Vec<u8>,
    report: Option<Vec<u8>>,
}

/// Splits like Go's bufio.Scanner: no empty line after a final `\n`.
fn scan_lines(data: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.ends_with(b"\n") || data.is_empty() {
        v.pop();
    }
    v
}

fn parse_case(path: &Path) -> Case {
    let data: Vec<u8> = fs::read(path)
        .unwrap()
        .into_iter()
        .filter(|&b| b != b'\r')
        .collect();
    let lines = scan_lines(&data);
    let mut c = Case::default();
    let mut i = 0;
    while i < lines.len() {
        let ln = String::from_utf8_lossy(lines[i]).into_owned();
        i += 1;
        if ln.is_empty() {
            break;
        }
        if ln.starts_with('#') {
            continue;
        }
        let (key, val) = ln
            .split_once(':')
            .unwrap_or_else(|| panic!("bad header {ln:?}"));
        let val = val.strip_prefix(' ').unwrap_or(val).to_string();
        match key {
            "TITLE" => c.title = val,
            "ALT" => c.alts.push(val),
            "TYPE" => c.crash_type = Some(val),
            "FRAME" => c.frame = Some(val),
            "CORRUPTED" => c.corrupted = val.trim() == "Y",
            "SUPPRESSED" => c.suppressed = val.trim() == "Y",
            "PANICKED" => c.panicked = val.trim() == "Y",
            "EXECUTOR" => c.executor = Some(val),
            "START" => c.start = Some(val),
            "END" => c.end = Some(val),
            _ => panic!("{}: unknown header {ln:?}", path.display()),
        }
    }
    let mut prev_empty = false;
    while i < lines.len() {
        let ln = lines[i];
        i += 1;
        if prev_empty && ln == b"REPORT:" {
            let mut rep = Vec::new();
            for l in &lines[i..] {
                rep.extend_from_slice(l);
                rep.push(b'\n');
            }
            c.report = Some(rep);
            break;
        }
        c.log.extend_from_slice(ln);
        c.log.push(b'\n');
        prev_empty = ln.is_empty();
    }
    c
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len().max(1)).position(|w| w == needle)
}

/// Returns the failed fields of one case, each with a short description.
fn check(c: &Case) -> Vec<(&'static str, String)> {
    let mut fails: Vec<(&'static str, String)> = Vec::new();
    let has = ktriage_syz::contains_crash(&c.log);
    if has == c.title.is_empty() {
        fails.push(("contains_crash", format!("got {has}")));
    }
    let sig = ktriage_syz::parse(&c.log);
    let Some(sig) = sig else {
        if !c.title.is_empty() {
            fails.push(("title", format!("want {:?}, got no report", c.title)));
        }
        return fails;
    };
    if sig.title != c.title {
        fails.push(("title", format!("want {:?}, got {:?}", c.title, sig.title)));
    }
    let want_type = c.crash_type.as_deref().filter(|t| !t.is_empty());
    if sig.crash_type.as_deref() != want_type {
        fails.push((
            "type",
            format!("want {want_type:?}, got {:?}", sig.crash_type),
        ));
    }
    if ktriage_syz::title_to_type(&sig.title) != sig.crash_type.as_deref() {
        fails.push(("type", "crash_type differs from title_to_type".into()));
    }
    if sig.corrupted != c.corrupted {
        fails.push((
            "corrupted",
            format!("want {}, got {:?}", c.corrupted, sig.corrupted_reason),
        ));
    }
    if sig.suppressed != c.suppressed {
        fails.push(("suppressed", format!("want {}", c.suppressed)));
    }
    if sig.panicked != c.panicked {
        fails.push(("panicked", format!("want {}", c.panicked)));
    }
    let mut want_alts = c.alts.clone();
    want_alts.sort();
    let mut got_alts = sig.alt_titles.clone();
    got_alts.sort();
    if want_alts != got_alts {
        fails.push(("alt", format!("want {want_alts:?}, got {got_alts:?}")));
    }
    if let Some(frame) = &c.frame {
        if sig.guilty_frame.as_deref().unwrap_or("") != frame {
            fails.push((
                "frame",
                format!("want {frame:?}, got {:?}", sig.guilty_frame),
            ));
        }
    }
    if let Some(rep) = &c.report {
        if &sig.report != rep {
            fails.push((
                "report",
                format!("got report:\n{}", String::from_utf8_lossy(&sig.report)),
            ));
        }
    }
    if sig.executor != c.executor {
        fails.push((
            "executor",
            format!("want {:?}, got {:?}", c.executor, sig.executor),
        ));
    }
    let len = c.log.len();
    if sig.report.is_empty()
        || sig.start_pos >= sig.end_pos
        || sig.end_pos > len
        || sig.start_pos >= sig.skip_pos
        || sig.skip_pos > sig.end_pos
    {
        fails.push((
            "positions",
            format!(
                "start {} skip {} end {} len {len}",
                sig.start_pos, sig.skip_pos, sig.end_pos
            ),
        ));
    }
    if let Some(start) = &c.start {
        let s = find(&c.log, start.as_bytes());
        let e = match &c.end {
            Some(end) => find(&c.log, end.as_bytes()).map(|p| p + end.len()),
            None => s.map(|p| p + start.len()),
        };
        if s != Some(sig.start_pos) || e != Some(sig.end_pos) {
            fails.push((
                "start_end",
                format!("want {s:?}..{e:?}, got {}..{}", sig.start_pos, sig.end_pos),
            ));
        }
    }
    if sig.start_pos != 0 {
        match ktriage_syz::parse_from(&c.log, sig.start_pos) {
            Some(again) if again.title == sig.title && again.start_pos == sig.start_pos => {}
            other => fails.push((
                "parse_from",
                format!("from start: {:?}", other.map(|o| (o.title, o.start_pos))),
            )),
        }
        if let Some(after) = ktriage_syz::parse_from(&c.log, sig.end_pos) {
            if after.title == sig.title {
                fails.push(("parse_from", "same title again after end_pos".into()));
            }
        }
    }
    fails
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/syzkaller");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    v.sort_by_key(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    });
    v
}

/// `FILE FIELD reason` lines of tests/known_misses.txt.
fn known_misses() -> BTreeSet<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/known_misses.txt");
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut it = l.split_whitespace();
            let file = it.next().unwrap_or_default().to_string();
            let field = it.next().unwrap_or_default().to_string();
            (file, field)
        })
        .collect()
}

#[test]
fn syzkaller_corpus() {
    let files = fixtures();
    assert!(files.len() >= 400, "corpus missing: {} files", files.len());
    let known = known_misses();
    let mut actual: BTreeSet<(String, String)> = BTreeSet::new();
    let mut per_field: BTreeMap<&str, usize> = BTreeMap::new();
    let mut details = String::new();
    let mut fully = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let case = parse_case(path);
        let fails = check(&case);
        if fails.is_empty() {
            fully += 1;
        }
        let mut fields_seen = BTreeSet::new();
        for (field, msg) in fails {
            if fields_seen.insert(field) {
                *per_field.entry(field).or_default() += 1;
            }
            if !known.contains(&(name.clone(), field.to_string())) {
                details.push_str(&format!("{name} {field}: {msg}\n"));
            }
            actual.insert((name.clone(), field.to_string()));
        }
    }
    println!("corpus: {fully}/{} files pass every field", files.len());
    for field in [
        "contains_crash",
        "title",
        "alt",
        "type",
        "corrupted",
        "suppressed",
        "panicked",
        "frame",
        "report",
        "executor",
        "positions",
        "start_end",
        "parse_from",
    ] {
        let n = per_field.get(field).copied().unwrap_or(0);
        println!("  {field:<15} {}/{} pass", files.len() - n, files.len());
    }
    let fixed: Vec<_> = known.difference(&actual).collect();
    assert!(
        details.is_empty() && fixed.is_empty(),
        "unexpected failures:\n{details}\nknown misses that now pass (remove them): {fixed:?}"
    );
}
