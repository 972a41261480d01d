//! Golden outputs: the `ktriage/analysis/1` JSON and the human text of every seed case, every
//! lab log, every vmcore fixture and a sample of the syzkaller corpus, byte for byte.
//!
//! They pin the document while the engine is restructured: any change of output shows here as a
//! snapshot diff (`cargo insta review`, or `INSTA_UPDATE=always` to accept a deliberate change).
//! Paths are relative to the crate folder so the snapshots do not depend on the machine.

mod common;

use common::{parse_tz, strip_ansi};
use ktriage::analyze::{analyze_paths, Options};
use std::path::Path;

/// JSON and text of one analysis of `paths` (relative to the crate folder).
fn outputs(paths: &[String], opts: Options) -> (String, String) {
    let (a, errors) = analyze_paths(paths, opts);
    assert!(errors.is_empty(), "{paths:?}: {errors:?}");
    let mut json = Vec::new();
    ktriage::render::json(&a, &mut json).expect("JSON to memory");
    let json = String::from_utf8(json).expect("JSON is UTF-8");
    (json, strip_ansi(&ktriage::render::text(&a)))
}

fn check(name: &str, paths: &[String], opts: Options) {
    let (json, text) = outputs(paths, opts);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("golden");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(paths.join(" "));
    settings.bind(|| {
        insta::assert_snapshot!(format!("{name}.json"), json);
        insta::assert_snapshot!(format!("{name}.txt"), text);
    });
}

fn sorted_dir(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn seed_cases() {
    for case in sorted_dir("tests/fixtures/cases") {
        let dir = format!("tests/fixtures/cases/{case}");
        let expect = Path::new(&dir).join("expect.json");
        if !expect.exists() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&expect).expect("expect.json"))
                .expect("expect.json parses");
        let inputs: Vec<String> = v["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .map(|i| format!("{dir}/{}", i.as_str().expect("input name")))
            .collect();
        let mut opts = Options::default();
        if let Some(args) = v["args"].as_array() {
            let args: Vec<&str> = args.iter().filter_map(|a| a.as_str()).collect();
            for w in args.windows(2) {
                match w[0] {
                    "--tz" => opts.tz_offset_minutes = parse_tz(w[1]),
                    "--sel-tz" => opts.sel_tz_minutes = parse_tz(w[1]),
                    _ => {}
                }
            }
        }
        check(&format!("case-{case}"), &inputs, opts);
    }
}

#[test]
fn lab_logs() {
    for name in sorted_dir("tests/fixtures/lab") {
        if let Some(stem) = name.strip_suffix(".log") {
            let p = format!("tests/fixtures/lab/{name}");
            check(&format!("lab-{stem}"), &[p], Options::default());
        }
    }
}

#[test]
fn vmcore_fixtures() {
    for name in sorted_dir("tests/fixtures/vmcore") {
        if name.ends_with(".kdump") || name.ends_with(".console.log") {
            let p = format!("tests/fixtures/vmcore/{name}");
            check(&format!("vmcore-{name}"), &[p], Options::default());
        }
    }
}

#[test]
fn syzkaller_sample() {
    let dir = "../ktriage-syz/tests/fixtures/syzkaller";
    let mut names = sorted_dir(dir);
    names.retain(|n| n.bytes().all(|b| b.is_ascii_digit()));
    names.sort_by_key(|n| n.parse::<u32>().unwrap_or(u32::MAX));
    // Every 8th file: about 60 reports of every family, in a fixed, reviewable set.
    for name in names.iter().step_by(8) {
        let p = format!("{dir}/{name}");
        check(&format!("syz-{name}"), &[p], Options::default());
    }
}
