//! Cross-checks address translation on a dump: for the printk structures and a sample of
//! kernel-image and direct-map addresses, the arithmetic translation must agree with a
//! page-table walk.
//!
//! `cargo run --release -p ktriage-vmcore --example xlat_check -- DUMP`

use ktriage_vmcore::Vmcore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: xlat_check DUMP")?;
    let core = Vmcore::open(&path)?;
    let vi = core.vmcoreinfo();
    let mut addrs = Vec::new();
    for (k, v) in vi.entries() {
        if k.starts_with("SYMBOL(") {
            if let Some(a) = ktriage_vmcore::parse_hex(v) {
                addrs.push((k.clone(), a));
            }
        }
    }
    if let Some(prb) = vi.symbol("prb") {
        if let Ok(rb) = core.read_virt_u64(prb) {
            addrs.push(("*prb".into(), rb));
            for (name, off) in [("descs", 8u64), ("infos", 16), ("text", 56)] {
                if let Ok(p) = core.read_virt_u64(rb + off) {
                    addrs.push((name.into(), p));
                }
            }
        }
    }
    let (mut ok, mut bad, mut unmapped) = (0, 0, 0);
    for (name, va) in addrs {
        match (core.virt_to_phys(va), core.virt_to_phys_walk(va)) {
            (Ok(a), Ok(b)) if a == b => ok += 1,
            (Ok(a), Ok(b)) => {
                bad += 1;
                println!("MISMATCH {name} {va:#x}: arithmetic {a:#x} walk {b:#x}");
            }
            (a, b) => {
                unmapped += 1;
                println!("{name} {va:#x}: {a:?} / {b:?}");
            }
        }
    }
    println!("{ok} agree, {bad} differ, {unmapped} not translated both ways");
    Ok(())
}
