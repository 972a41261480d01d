//! Never panic, hang or blow up on hostile input: 100 MB of random bytes and 100 MB of real log
//! lines shuffled (lab logs, seed cases, syzkaller corpus), fed through the whole pipeline.
//! Sizes shrink in debug builds (set KTRIAGE_ROBUST_MB to override); CI runs release.

use ktriage::analyze::{analyze_bytes, Options};
use std::path::Path;

fn target_bytes() -> usize {
    let default_mb = if cfg!(debug_assertions) { 8 } else { 100 };
    std::env::var("KTRIAGE_ROBUST_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_mb)
        * 1024
        * 1024
}

/// xorshift64*: deterministic, dependency-free pseudo-random numbers.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn real_lines() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures/lab",
        "../ktriage-syz/tests/fixtures/syzkaller",
    ] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    for e in std::fs::read_dir(root.join("tests/fixtures/cases")).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            for f in std::fs::read_dir(p).unwrap() {
                files.push(f.unwrap().path());
            }
        }
    }
    let mut lines = Vec::new();
    for f in files {
        if let Ok(data) = std::fs::read(&f) {
            lines.extend(data.split(|&b| b == b'\n').map(<[u8]>::to_vec));
        }
    }
    lines
}

/// The document is well formed: its JSON reads back with the same reports, events and
/// incidents, and every id an incident names exists.
fn assert_document(a: &ktriage::model::Analysis) {
    let json = serde_json::to_string(a).expect("document serialises");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("document is JSON");
    assert_eq!(doc["schema"], ktriage::model::SCHEMA);
    let len = |k: &str| doc[k].as_array().map_or(0, Vec::len);
    assert_eq!(len("reports"), a.reports.len());
    assert_eq!(len("events"), a.events.len());
    assert_eq!(len("incidents"), a.incidents.len());
    for inc in &a.incidents {
        for id in &inc.reports {
            assert!(
                a.report_by_id(id).is_some(),
                "incident {} names {id}",
                inc.id
            );
        }
        for id in &inc.events {
            assert!(
                a.events.iter().any(|e| &e.id == id),
                "incident {} names {id}",
                inc.id
            );
        }
        if let Some(root) = &inc.root {
            assert!(
                inc.reports.contains(root),
                "incident {} root {root}",
                inc.id
            );
        }
    }
}

#[test]
fn random_bytes_do_not_break_the_pipeline() {
    let n = target_bytes();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut data = Vec::with_capacity(n);
    while data.len() < n {
        let r = rng.next();
        // Mostly printable with newlines, sometimes raw binary, now and then report keywords.
        match r % 1024 {
            0 => data.extend_from_slice(b"\n[  12.345678] BUG: unable to handle kernel "),
            1 => data.extend_from_slice(b"\nCall Trace:\n ? foo+0x1/0x2 [bar]\n"),
            2..=64 => data.extend_from_slice(&r.to_le_bytes()),
            _ => {
                for k in 0..8 {
                    let b = (r >> (k * 8)) as u8;
                    data.push(if b.is_multiple_of(29) {
                        b'\n'
                    } else {
                        0x20 + b % 95
                    });
                }
            }
        }
    }
    let a = analyze_bytes("random", &data, Options::default());
    assert_eq!(a.sources.len(), 1);
    assert!(a.sources[0].bytes as usize >= n);
    assert_document(&a);
}

#[test]
fn shuffled_real_lines_do_not_break_the_pipeline() {
    let n = target_bytes();
    let lines = real_lines();
    assert!(lines.len() > 10_000);
    let mut rng = Rng(42);
    let mut data = Vec::with_capacity(n + 4096);
    while data.len() < n {
        let l = &lines[(rng.next() % lines.len() as u64) as usize];
        data.extend_from_slice(l);
        data.push(b'\n');
    }
    let a = analyze_bytes("shuffled", &data, Options::default());
    // Shuffled report lines still start reports; each must be well formed.
    assert!(!a.reports.is_empty());
    for r in &a.reports {
        assert!(r.source.first_line <= r.source.last_line);
        assert!(!r.title.is_empty());
        assert!(r.frames.len() <= ktriage::report::MAX_FRAMES);
    }
    assert_document(&a);
}

#[test]
fn one_huge_line_is_cut_with_a_warning() {
    let mut data = vec![b'A'; 3 * 1024 * 1024];
    data.extend_from_slice(b"\n[    1.000000] Kernel panic - not syncing: after a huge line\n");
    let a = analyze_bytes("huge", &data, Options::default());
    assert!(a
        .warnings
        .iter()
        .any(|w| w.source.line == 1 && w.message.contains("cut")));
    assert_eq!(a.reports.len(), 1);
    assert_eq!(a.reports[0].source.first_line, 2);
}

/// Inputs that once crashed the `analyze` fuzz target are replayed.
#[test]
fn fuzz_regressions() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fuzz");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("crash-")
        {
            let data = std::fs::read(&p).unwrap();
            let a = analyze_bytes("fuzz", &data, Options::default());
            assert_document(&a);
        }
    }
}
