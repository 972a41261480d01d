//! The project's own corpus of real logs (tests/fixtures/realworld: CI boot logs, other
//! projects' test data and bug-report pastes, each labelled by hand in its `expect.json`
//! before ktriage ran on it; origins and licences in SOURCES.md there), checked case by case
//! against a ledger of known misses.
//!
//! The ledger (`KNOWN_MISSES.txt`, one `case<TAB>first problem` per line) makes the test fail
//! both ways: a case that starts failing is a regression, a listed case that now passes is a
//! fix to take off the ledger. `KTRIAGE_BLESS_LEDGER=1 cargo test --release --test realworld`
//! rewrites it after a deliberate change.

mod common;

use std::collections::BTreeMap;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/realworld");

fn ledger_path() -> String {
    format!("{DIR}/KNOWN_MISSES.txt")
}

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(DIR)
        .expect("realworld fixtures")
        .filter_map(|e| {
            let p = e.ok()?.path();
            p.join("expect.json")
                .exists()
                .then(|| p.file_name()?.to_str().map(String::from))?
        })
        .collect();
    v.sort();
    v
}

#[test]
fn realworld_cases_match_the_ledger() {
    let cases = cases();
    assert!(cases.len() >= 150, "{} cases", cases.len());
    let mut failing: BTreeMap<String, String> = BTreeMap::new();
    for c in &cases {
        let problems = common::check_case(&format!("{DIR}/{c}"));
        if let Some(first) = problems.first() {
            failing.insert(c.clone(), first.replace(['\t', '\n'], " "));
        }
    }
    if std::env::var_os("KTRIAGE_BLESS_LEDGER").is_some() {
        let mut text = String::from(
            "# Real-world cases that do not pass yet, with their first problem (see tests/realworld.rs).\n",
        );
        for (c, p) in &failing {
            text.push_str(&format!("{c}\t{p}\n"));
        }
        std::fs::write(ledger_path(), text).expect("ledger written");
        return;
    }
    let ledger = std::fs::read_to_string(ledger_path()).expect("KNOWN_MISSES.txt");
    let listed: BTreeMap<&str, &str> = ledger
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect();
    let regressions: Vec<String> = failing
        .iter()
        .filter(|(c, _)| !listed.contains_key(c.as_str()))
        .map(|(c, p)| format!("{c}: {p}"))
        .collect();
    let fixes: Vec<&str> = listed
        .keys()
        .filter(|c| !failing.contains_key(**c))
        .copied()
        .collect();
    let passed = cases.len() - failing.len();
    eprintln!("realworld: {passed} of {} cases pass", cases.len());
    assert!(
        regressions.is_empty() && fixes.is_empty(),
        "regressions (newly failing): {regressions:#?}\nfixed (take them off KNOWN_MISSES.txt): {fixes:#?}"
    );
}
