//! The acceptance cases (tests/fixtures/cases/*/expect.json, copies of shared/cases) run
//! through the library, with a Rust evaluator of expect.json mirroring shared/bin/check-cases.

mod common;

fn case_dir(name: &str) -> String {
    format!("{}/tests/fixtures/cases/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn check(name: &str) -> Vec<String> {
    common::check_case(&case_dir(name))
}

macro_rules! case {
    ($fn:ident, $name:literal) => {
        #[test]
        fn $fn() {
            let p = check($name);
            assert!(p.is_empty(), "{}: {p:#?}", $name);
        }
    };
    ($fn:ident, $name:literal, ignore = $why:literal) => {
        #[test]
        #[ignore = $why]
        fn $fn() {
            let p = check($name);
            assert!(p.is_empty(), "{}: {p:#?}", $name);
        }
    };
}

case!(csd_lock_memory_error, "csd-lock-memory-error");
case!(initramfs_root_missing, "initramfs-root-missing");
case!(kdump_capture_irq_exhaustion, "kdump-capture-irq-exhaustion");
case!(nested_oops_die_lock, "nested-oops-die-lock");
case!(reboot_softirq_stuck, "reboot-softirq-stuck");
case!(slides_arm32_oops_rpmsg, "slides-arm32-oops-rpmsg");
case!(slides_ipmi_bt_timeouts, "slides-ipmi-bt-timeouts");
case!(slides_x86_32_oops_panic, "slides-x86-32-oops-panic");
case!(
    slides_x86_64_oops_in_interrupt,
    "slides-x86-64-oops-in-interrupt"
);
case!(
    slides_x86_64_softlockup_tlb_syslog,
    "slides-x86-64-softlockup-tlb-syslog"
);

/// Every case folder has a test above.
#[test]
fn all_cases_listed() {
    let dir = format!("{}/tests/fixtures/cases", env!("CARGO_MANIFEST_DIR"));
    let n = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().join("expect.json").exists())
        })
        .count();
    assert_eq!(n, 10);
}
