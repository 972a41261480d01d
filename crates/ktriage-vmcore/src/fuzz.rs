//! Fuzzing entry point shared by the cargo-fuzz target and the randomized tests.

use crate::{Style, Vmcore, VmcoreInfo};

/// Parses `data` as a dump and as VMCOREINFO text, exercising every reader; must never
/// panic, hang or allocate without bound, whatever the input.
pub fn fuzz_one(data: &[u8]) {
    let vi = VmcoreInfo::parse(data);
    let _ = (vi.osrelease(), vi.symbol("prb"), vi.number("phys_base"));
    if let Ok(core) = Vmcore::from_bytes(data.to_vec()) {
        let _ = core.facts();
        if let Ok(log) = core.dmesg() {
            for s in [
                Style::Plain,
                Style::PlainWithCaller,
                Style::Makedumpfile,
                Style::MakedumpfileCaller,
                Style::VmcoreDmesg,
            ] {
                let _ = log.render(s);
            }
        }
    }
}
