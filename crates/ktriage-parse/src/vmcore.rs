//! vmcore inputs: recognised by magic, their kernel log analysed like any other log, their
//! crash facts attached to the source.

use ktriage_vmcore::{Facts, Style, Vmcore};
use serde_json::{json, Value};

/// True when the first bytes of an input are a vmcore (ELF core, kdump-compressed, flattened).
pub fn is_vmcore(head: &[u8]) -> bool {
    ktriage_vmcore::detect_format(head).is_some()
}

/// The dump's crash facts as JSON (format, producer, release, build id, crash time, registers,
/// completeness, warnings).
pub fn facts_json(f: &Facts) -> Value {
    let prstatus: Vec<Value> = f
        .prstatus
        .iter()
        .map(|p| {
            json!({
                "index": p.index,
                "pid": p.pid,
                "pc": p.pc.map(|v| format!("0x{v:x}")),
                "sp": p.sp.map(|v| format!("0x{v:x}")),
            })
        })
        .collect();
    let c = &f.completeness;
    json!({
        "format": f.format.to_string(),
        "arch": f.arch.to_string(),
        "producer": f.producer.to_string(),
        "kernel_release": f.kernel_release,
        "build_id": f.build_id,
        "crash_time": f.crash_time,
        "crash_time_utc": f.crash_time.map(|t| crate::frame::WallTime::from_epoch_micros(t.saturating_mul(1_000_000)).iso()),
        "page_size": f.page_size,
        "kernel_offset": f.kernel_offset.map(|v| format!("0x{v:x}")),
        "hostname": f.utsname.as_ref().map(|u| u.nodename.clone()),
        "prstatus": prstatus,
        "qemu_cpus": f.qemu_cpus,
        "completeness": {
            "complete": c.is_complete(),
            "incomplete_flag": c.incomplete_flag,
            "truncated": c.truncated,
            "lost_pages": c.lost_pages,
            "excluded_pages": c.excluded_pages,
            "dumped_pages": c.dumped_pages,
            "dump_level": c.dump_level,
            "compression": c.compression,
        },
        "has_vmcoreinfo": f.has_vmcoreinfo,
        "warnings": f.warnings,
    })
}

/// The kernel log of a dump as `[%5lu.%06lu] text` lines, its facts, and reading warnings.
pub struct DumpLog {
    /// Log text, one printk record per line.
    pub text: Vec<u8>,
    /// Crash facts.
    pub facts: Value,
    /// Problems met while reading the dump or its log.
    pub warnings: Vec<String>,
}

/// Opens a dump and extracts its log and facts.
pub fn read_dump(path: &str) -> Result<DumpLog, String> {
    let core = Vmcore::open(path).map_err(|e| format!("{path}: {e}"))?;
    let facts = core.facts();
    let mut warnings: Vec<String> = facts.warnings.clone();
    let dmesg = core
        .dmesg()
        .map_err(|e| format!("{path}: reading the kernel log: {e}"))?;
    warnings.extend(dmesg.warnings.iter().cloned());
    let style = if dmesg.has_caller_id {
        Style::PlainWithCaller
    } else {
        Style::Plain
    };
    Ok(DumpLog {
        text: console_form(dmesg.render(style)),
        facts: facts_json(&facts),
        warnings,
    })
}

/// Rewrites `[    1.234567] [  T115] text` (dmesg tools) as `[    1.234567][  T115] text`, the
/// console form that kernel consoles print and syzkaller's rules expect.
fn console_form(text: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        let close = if line.first() == Some(&b'[') {
            memchr::memchr(b']', line)
        } else {
            None
        };
        match close {
            Some(i) if line.get(i + 1..i + 3) == Some(b" [") => {
                out.extend_from_slice(&line[..=i]);
                out.extend_from_slice(&line[i + 2..]);
            }
            _ => out.extend_from_slice(line),
        }
    }
    out
}

/// Human text of a dump's facts for `ktriage vmcore info`.
pub fn facts_text(v: &Value) -> String {
    let mut s = String::new();
    let get = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let show = |x: Value| match x {
        Value::Null => "-".to_string(),
        Value::String(s) => s,
        other => other.to_string(),
    };
    for (label, key) in [
        ("format", "format"),
        ("written by", "producer"),
        ("architecture", "arch"),
        ("kernel release", "kernel_release"),
        ("build id", "build_id"),
        ("crash time (UTC)", "crash_time_utc"),
        ("hostname", "hostname"),
        ("page size", "page_size"),
        ("KASLR offset", "kernel_offset"),
        ("VMCOREINFO", "has_vmcoreinfo"),
    ] {
        s.push_str(&format!("{label:<18} {}\n", show(get(key))));
    }
    if let Some(c) = v.get("completeness") {
        s.push_str(&format!(
            "{:<18} {} (lost pages {}, excluded pages {}, dump level {})\n",
            "complete",
            show(c["complete"].clone()),
            show(c["lost_pages"].clone()),
            show(c["excluded_pages"].clone()),
            show(c["dump_level"].clone())
        ));
    }
    if let Some(ps) = v.get("prstatus").and_then(Value::as_array) {
        for p in ps {
            s.push_str(&format!(
                "{:<18} #{} pid {} pc {} sp {}\n",
                "NT_PRSTATUS",
                show(p["index"].clone()),
                show(p["pid"].clone()),
                show(p["pc"].clone()),
                show(p["sp"].clone())
            ));
        }
    }
    if let Some(ws) = v.get("warnings").and_then(Value::as_array) {
        for w in ws {
            s.push_str(&format!("{:<18} {}\n", "warning", show(w.clone())));
        }
    }
    s
}
