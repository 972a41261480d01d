//! vmcore inputs: recognised by magic, their kernel log analysed like any other log, their
//! crash facts attached to the source.

use crate::input::InputError;
use crate::model::vmcore::{VmcoreCompleteness, VmcoreFacts, VmcorePrstatus};
use crate::model::WallTime;
use ktriage_vmcore::{Facts, Style, Vmcore};

/// True when the first bytes of an input are a vmcore (ELF core, kdump-compressed, flattened).
pub fn is_vmcore(head: &[u8]) -> bool {
    ktriage_vmcore::detect_format(head).is_some()
}

/// The dump's crash facts as the document holds them.
pub fn document_facts(f: &Facts) -> VmcoreFacts {
    let hex = |v: u64| format!("0x{v:x}");
    let c = &f.completeness;
    VmcoreFacts {
        format: f.format.to_string(),
        arch: f.arch.to_string(),
        producer: f.producer.to_string(),
        kernel_release: f.kernel_release.clone(),
        build_id: f.build_id.clone(),
        crash_time: f.crash_time,
        crash_time_utc: f
            .crash_time
            .map(|t| WallTime::from_epoch_micros(t.saturating_mul(1_000_000))),
        page_size: f.page_size,
        kernel_offset: f.kernel_offset.map(hex),
        hostname: f.utsname.as_ref().map(|u| u.nodename.clone()),
        prstatus: f
            .prstatus
            .iter()
            .map(|p| VmcorePrstatus {
                index: p.index,
                pid: p.pid,
                pc: p.pc.map(hex),
                sp: p.sp.map(hex),
            })
            .collect(),
        qemu_cpus: f.qemu_cpus,
        completeness: VmcoreCompleteness {
            complete: c.is_complete(),
            incomplete_flag: c.incomplete_flag,
            truncated: c.truncated,
            lost_pages: c.lost_pages,
            excluded_pages: c.excluded_pages,
            dumped_pages: c.dumped_pages,
            dump_level: c.dump_level,
            compression: c.compression.iter().map(|s| s.to_string()).collect(),
            log_whole: None,
        },
        has_vmcoreinfo: f.has_vmcoreinfo,
        warnings: f.warnings.clone(),
    }
}

/// The kernel log of a dump as `[%5lu.%06lu] text` lines, its facts, and reading warnings.
pub struct DumpLog {
    /// Log text, one printk record per line.
    pub text: Vec<u8>,
    /// Crash facts.
    pub facts: VmcoreFacts,
    /// Problems met while reading the dump or its log.
    pub warnings: Vec<String>,
}

/// Opens a dump and extracts its log and facts.
pub fn read_dump(path: &str) -> Result<DumpLog, InputError> {
    let (core, notes) = open_dump(path)?;
    let facts = core.facts();
    let mut warnings: Vec<String> = notes;
    warnings.extend(facts.warnings.iter().cloned());
    let dmesg = core.dmesg().map_err(|source| InputError::Vmcore {
        path: path.to_string(),
        what: "reading the kernel log: ",
        source,
    })?;
    warnings.extend(dmesg.warnings.iter().cloned());
    let mut facts = document_facts(&facts);
    facts.completeness.log_whole = Some(dmesg.warnings.is_empty());
    let style = if dmesg.has_caller_id {
        Style::PlainWithCaller
    } else {
        Style::Plain
    };
    Ok(DumpLog {
        text: console_form(dmesg.render(style)),
        facts,
        warnings,
    })
}

/// Opens a dump; a gzip, xz or zstd one is first decompressed to an unlinked temporary file
/// (the dump formats need random access). The notes say so, and say when the compressed file
/// ended early (what was decompressed is read; the missing pages count as lost).
pub fn open_dump(path: &str) -> Result<(Vmcore, Vec<String>), InputError> {
    let vm_err = |source| InputError::Vmcore {
        path: path.to_string(),
        what: "",
        source,
    };
    let mut opened = crate::input::open(path)?;
    let Some(kind) = opened.compression.name() else {
        drop(opened);
        return Vmcore::open(path).map(|c| (c, Vec::new())).map_err(vm_err);
    };
    let io_err = |source| InputError::Io {
        path: path.to_string(),
        source,
    };
    let mut tmp = tempfile::tempfile().map_err(io_err)?;
    let mut notes = Vec::new();
    match std::io::copy(&mut opened.reader, &mut tmp) {
        Ok(n) => notes.push(format!(
            "{kind}-compressed dump decompressed to a temporary file ({n} bytes)"
        )),
        Err(e) => {
            let n = std::io::Seek::stream_position(&mut tmp).unwrap_or(0);
            notes.push(format!(
                "{kind}-compressed dump ends early after {n} decompressed bytes ({e}): the rest of the dump is missing"
            ));
        }
    }
    Vmcore::from_file(tmp).map(|c| (c, notes)).map_err(vm_err)
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
pub fn facts_text(v: &VmcoreFacts) -> String {
    fn show<T: std::fmt::Display>(x: Option<T>) -> String {
        x.map_or_else(|| "-".to_string(), |x| x.to_string())
    }
    let mut s = String::new();
    for (label, value) in [
        ("format", v.format.clone()),
        ("written by", v.producer.clone()),
        ("architecture", v.arch.clone()),
        ("kernel release", show(v.kernel_release.as_ref())),
        ("build id", show(v.build_id.as_ref())),
        ("crash time (UTC)", show(v.crash_time_utc)),
        ("hostname", show(v.hostname.as_ref())),
        ("page size", v.page_size.to_string()),
        ("KASLR offset", show(v.kernel_offset.as_ref())),
        ("VMCOREINFO", v.has_vmcoreinfo.to_string()),
    ] {
        s.push_str(&format!("{label:<18} {value}\n"));
    }
    let c = &v.completeness;
    s.push_str(&format!(
        "{:<18} {} (lost pages {}, excluded pages {}, dump level {})\n",
        "complete",
        c.complete,
        c.lost_pages,
        c.excluded_pages,
        show(c.dump_level)
    ));
    if let Some(whole) = c.log_whole {
        s.push_str(&format!(
            "{:<18} {}\n",
            "kernel log whole",
            if whole {
                "yes"
            } else {
                "no (pages of the printk ring are missing)"
            }
        ));
    }
    for p in &v.prstatus {
        s.push_str(&format!(
            "{:<18} #{} pid {} pc {} sp {}\n",
            "NT_PRSTATUS",
            p.index,
            p.pid,
            show(p.pc.as_ref()),
            show(p.sp.as_ref())
        ));
    }
    for w in &v.warnings {
        s.push_str(&format!("{:<18} {w}\n", "warning"));
    }
    s
}
