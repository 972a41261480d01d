//! The acceptance cases (tests/fixtures/cases/*/expect.json, copies of shared/cases) run
//! through the library, with a Rust evaluator of expect.json mirroring shared/bin/check-cases.

use ktriage::analyze::{analyze_paths, Options};
use serde_json::Value;
use std::collections::HashSet;

fn case_dir(name: &str) -> String {
    format!("{}/tests/fixtures/cases/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn parse_tz(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
}

fn as_int(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from),
        Value::String(s) => {
            let t = s.trim();
            match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(h) => i128::from_str_radix(h, 16).ok(),
                None => t.parse().ok(),
            }
        }
        _ => None,
    }
}

fn field_eq(key: &str, want: &Value, got: Option<&Value>) -> bool {
    if key == "fault_address" {
        return as_int(want).is_some() && as_int(want) == got.and_then(as_int);
    }
    if let Value::Object(w) = want {
        return match got {
            Some(Value::Object(_)) => w
                .iter()
                .all(|(k, v)| field_eq(k, v, got.and_then(|g| g.get(k)))),
            _ => false,
        };
    }
    got == Some(want)
}

fn report_matches(sel: &Value, rep: &Value) -> bool {
    sel.as_object().is_some_and(|m| {
        m.iter().all(|(k, v)| match k.as_str() {
            "id" => true,
            "title_contains" => rep["title"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains(&v.as_str().unwrap_or("").to_lowercase()),
            "frames_include" => {
                let frames = rep["frames"].as_array().cloned().unwrap_or_default();
                v.as_array().is_some_and(|fs| {
                    fs.iter().all(|fsel| {
                        frames.iter().any(|f| {
                            fsel.as_object().is_some_and(|o| {
                                o.iter().all(|(fk, fv)| field_eq(fk, fv, f.get(fk)))
                            })
                        })
                    })
                })
            }
            _ => field_eq(k, v, rep.get(k)),
        })
    })
}

/// Problems found in one case, as check-cases words them.
fn check(name: &str) -> Vec<String> {
    let dir = case_dir(name);
    let exp: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expect.json")).unwrap())
            .unwrap();
    let mut opts = Options::default();
    let args: Vec<String> = exp["args"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--tz" => opts.tz_offset_minutes = it.next().and_then(|s| parse_tz(s)),
            "--sel-tz" => opts.sel_tz_minutes = it.next().and_then(|s| parse_tz(s)),
            other => panic!("unknown arg {other}"),
        }
    }
    let paths: Vec<String> = exp["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| format!("{dir}/{}", v.as_str().unwrap()))
        .collect();
    let (analysis, errors) = analyze_paths(&paths, opts);
    assert!(errors.is_empty(), "{errors:?}");
    let doc = serde_json::to_value(&analysis).unwrap();
    let reports = doc["reports"].as_array().cloned().unwrap_or_default();
    let incidents = doc["incidents"].as_array().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let mut matched: std::collections::HashMap<String, HashSet<String>> = Default::default();
    for sel in exp["reports"].as_array().cloned().unwrap_or_default() {
        let hits: HashSet<String> = reports
            .iter()
            .filter(|r| report_matches(&sel, r))
            .filter_map(|r| r["id"].as_str().map(String::from))
            .collect();
        if hits.is_empty() {
            problems.push(format!("no report matches {sel}"));
        } else if let Some(id) = sel["id"].as_str() {
            matched.insert(id.to_string(), hits);
        }
    }
    let with_rule = |rule: &str| -> HashSet<usize> {
        incidents
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i["findings"]
                    .as_array()
                    .is_some_and(|fs| fs.iter().any(|f| f["rule"] == rule))
            })
            .map(|(k, _)| k)
            .collect()
    };
    for rule in exp["findings"].as_array().cloned().unwrap_or_default() {
        if with_rule(rule.as_str().unwrap()).is_empty() {
            problems.push(format!("no finding with rule {rule}"));
        }
    }
    let incidents_of = |tok: &str| -> HashSet<usize> {
        if let Some(rule) = tok.strip_prefix("finding:") {
            return with_rule(rule);
        }
        let ids = matched.get(tok).cloned().unwrap_or_default();
        incidents
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i["reports"].as_array().is_some_and(|rs| {
                    rs.iter()
                        .any(|r| r.as_str().is_some_and(|r| ids.contains(r)))
                })
            })
            .map(|(k, _)| k)
            .collect()
    };
    for group in exp["together"].as_array().cloned().unwrap_or_default() {
        let toks: Vec<&str> = group
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        let mut common: Option<HashSet<usize>> = None;
        for t in &toks {
            let s = incidents_of(t);
            common = Some(match common {
                None => s,
                Some(c) => c.intersection(&s).copied().collect(),
            });
        }
        if common.is_none_or(|c| c.is_empty()) {
            problems.push(format!("not in one incident: {}", toks.join(", ")));
        }
    }
    if let Some(roots) = exp["root"].as_object() {
        for (rule, sel_id) in roots {
            let ids = matched
                .get(sel_id.as_str().unwrap())
                .cloned()
                .unwrap_or_default();
            let ok = with_rule(rule).iter().any(|&k| {
                incidents[k]["root"]
                    .as_str()
                    .is_some_and(|r| ids.contains(r))
            });
            if !ok {
                problems.push(format!(
                    "incident with {rule:?} does not have {sel_id} as its root"
                ));
            }
        }
    }
    let findings: Vec<&Value> = incidents
        .iter()
        .flat_map(|i| i["findings"].as_array().into_iter().flatten())
        .collect();
    let text = serde_json::to_string(&findings).unwrap().to_lowercase();
    for s in exp["advice_contains"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let s = s.as_str().unwrap();
        // JSON escapes quotes and backslashes; the needles are plain words.
        if !text.contains(&s.to_lowercase()) {
            problems.push(format!("no finding mentions {s:?}"));
        }
    }
    problems
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
