//! The evaluator of `expect.json` case files, mirroring `shared/bin/check-cases`: positive
//! selectors (reports, findings, together, root, advice) and the negative keys
//! (`forbid_findings`, `forbid_reports`, `kinds_at_most`, `max_reports`).

#![allow(dead_code)]

use ktriage::analyze::{analyze_paths, Options};
use serde_json::Value;
use std::collections::HashSet;

/// `+08:00` / `-0530` / `Z` as minutes east of UTC.
pub fn parse_tz(s: &str) -> Option<i32> {
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

/// Problems found in the case in folder `dir`, as check-cases words them.
pub fn check_case(dir: &str) -> Vec<String> {
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
    let mut problems: Vec<String> = errors.iter().map(|e| format!("input: {e}")).collect();
    let doc = serde_json::to_value(&analysis).unwrap();
    let reports = doc["reports"].as_array().cloned().unwrap_or_default();
    let incidents = doc["incidents"].as_array().cloned().unwrap_or_default();
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
    for rule in exp["forbid_findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        if !with_rule(rule.as_str().unwrap_or("")).is_empty() {
            problems.push(format!(
                "finding {rule} is present, but the log contradicts it"
            ));
        }
    }
    for sel in exp["forbid_reports"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let hits: Vec<&Value> = reports.iter().filter(|r| report_matches(&sel, r)).collect();
        if let Some(first) = hits.first() {
            problems.push(format!(
                "{} report(s) match the forbidden {sel} (first: {} {})",
                hits.len(),
                first["id"],
                first["title"]
            ));
        }
    }
    if let Some(most) = exp["kinds_at_most"].as_object() {
        for (kind, n) in most {
            let count = reports
                .iter()
                .filter(|r| r["kind"] == kind.as_str())
                .count();
            if count as u64 > n.as_u64().unwrap_or(0) {
                problems.push(format!("{count} {kind} report(s), at most {n} expected"));
            }
        }
    }
    if let Some(n) = exp["max_reports"].as_u64() {
        if reports.len() as u64 > n {
            problems.push(format!("{} reports, at most {n} expected", reports.len()));
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

/// The text output without ANSI colours (owo-colors writes them always).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{1b}' && it.peek() == Some(&'[') {
            it.next();
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
