//! Cuts a small kdump-compressed fixture out of a real dump: only the pages that reading
//! the log and the crash facts touches are kept (verbatim, zlib-compressed); every other
//! page becomes a hole.
//!
//! `cargo run --release -p ktriage-vmcore --example subset_dump -- IN OUT`

use ktriage_vmcore::synth::{write_kdump, KdumpSpec};
use ktriage_vmcore::{Vmcore, DUMP_DH_COMPRESSED_ZLIB};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: subset_dump IN OUT");
        std::process::exit(2);
    };
    let core = Vmcore::open(input)?;
    core.start_access_log();
    let facts = core.facts();
    let log = core.dmesg()?;
    let pfns = core.take_access_log();
    let ps = core.page_size();
    let mut pages = Vec::new();
    for &pfn in &pfns {
        let mut buf = vec![0u8; ps as usize];
        match core.read_physical(pfn * ps, &mut buf) {
            Ok(0) => pages.push((pfn, Some(buf))),
            Ok(_) => pages.push((pfn, None)),
            Err(_) => {}
        }
    }
    let refs: Vec<(u64, Option<&[u8]>)> = pages.iter().map(|(p, d)| (*p, d.as_deref())).collect();
    let max_mapnr = pfns.last().map_or(1, |p| p + 1);
    let uts = facts.utsname.clone().unwrap_or_default();
    let machine = match facts.arch {
        ktriage_vmcore::Arch::X86_64 => "x86_64",
        ktriage_vmcore::Arch::Aarch64 => "aarch64",
        _ => "",
    };
    let phys_base = core.kdump_header().map(|h| h.phys_base).unwrap_or_default();
    let out = write_kdump(&KdumpSpec {
        block_size: ps as u32,
        max_mapnr,
        pages: &refs,
        notes: core.notes(),
        vmcoreinfo: core.vmcoreinfo().text().as_bytes(),
        utsname: [
            &uts.sysname,
            &uts.nodename,
            &uts.release,
            &uts.version,
            machine,
            &uts.domainname,
        ],
        timestamp: facts.crash_time.unwrap_or(0),
        compression: DUMP_DH_COMPRESSED_ZLIB,
        dump_level: 31,
        phys_base,
    });
    std::fs::write(output, &out)?;
    eprintln!(
        "{} pages kept, {} records, {} bytes written",
        pages.len(),
        log.records.len(),
        out.len()
    );
    Ok(())
}
