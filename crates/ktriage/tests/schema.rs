//! The published JSON Schema (`schema/analysis-1.schema.json`) is the one generated from the
//! document types, and the JSON of every fixture validates against it, with unknown
//! properties forbidden so that the schema provably describes every field the output has.

use ktriage::analyze::{analyze_paths, Options};
use serde_json::Value;

const SCHEMA_FILE: &str = "../../schema/analysis-1.schema.json";

fn committed() -> Value {
    let text = std::fs::read_to_string(SCHEMA_FILE).expect("schema file");
    serde_json::from_str(&text).expect("schema file is JSON")
}

#[test]
fn committed_schema_is_the_generated_one() {
    assert!(
        committed() == ktriage::model::json_schema(),
        "schema/analysis-1.schema.json is stale: run `cargo run --release -- schema > schema/analysis-1.schema.json`"
    );
}

/// The schema with `additionalProperties: false` on every object that lists its properties.
fn strict(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if o.contains_key("properties") && !o.contains_key("additionalProperties") {
                    o.insert("additionalProperties".into(), Value::Bool(false));
                }
                for (_, x) in o.iter_mut() {
                    walk(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

fn files_in(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("dir entry").path().to_string_lossy().into_owned())
        .filter(|p| keep(p))
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_validates() {
    let validator = jsonschema::validator_for(&strict(committed())).expect("schema compiles");
    let mut inputs: Vec<Vec<String>> = Vec::new();
    for case in files_in("tests/fixtures/cases", |p| !p.ends_with(".md")) {
        inputs.push(files_in(&case, |p| !p.ends_with("expect.json")));
    }
    for f in files_in("tests/fixtures/lab", |p| p.ends_with(".log")) {
        inputs.push(vec![f]);
    }
    for f in files_in("tests/fixtures/vmcore", |p| {
        p.ends_with(".kdump") || p.ends_with(".log")
    }) {
        inputs.push(vec![f]);
    }
    for f in files_in("../ktriage-syz/tests/fixtures/syzkaller", |_| true) {
        inputs.push(vec![f]);
    }
    assert!(inputs.len() > 500, "{} inputs", inputs.len());
    for paths in &inputs {
        let (a, _) = analyze_paths(paths, Options::default());
        let doc = serde_json::to_value(&a).expect("document serialises");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{paths:?}: {errors:#?}");
    }
}
