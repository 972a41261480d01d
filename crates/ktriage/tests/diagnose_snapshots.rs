//! Snapshots of the human text for the nested-oops and kdump cases: what an engineer reads
//! at 3 a.m. ANSI colours are stripped (owo-colors writes them always).

mod common;

use common::strip_ansi;
use ktriage::analyze::{analyze_paths, Options};

fn text(files: &[&str]) -> String {
    // Relative paths (tests run in the crate folder) keep the snapshot machine-independent.
    let paths: Vec<String> = files
        .iter()
        .map(|f| format!("tests/fixtures/cases/{f}"))
        .collect();
    let (a, errors) = analyze_paths(&paths, Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    strip_ansi(&ktriage::render::text(&a))
}

#[test]
fn nested_oops_text() {
    insta::assert_snapshot!(text(&["nested-oops-die-lock/console.log"]));
}

#[test]
fn kdump_text() {
    insta::assert_snapshot!(text(&[
        "kdump-capture-irq-exhaustion/serial-console.log",
        "kdump-capture-irq-exhaustion/dmesg-capture-kernel.txt",
        "kdump-capture-irq-exhaustion/proc-interrupts.txt",
    ]));
}

#[test]
fn strips_ansi() {
    assert_eq!(strip_ansi("\u{1b}[1;31mCRIT\u{1b}[0m x"), "CRIT x");
}
