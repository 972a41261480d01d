//! Feeds arbitrary bytes to the VMCOREINFO parser and its typed getters.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let vi = ktriage_vmcore::VmcoreInfo::parse(data);
    for (k, _) in vi.entries() {
        let _ = vi.get(k);
    }
    let _ = (
        vi.osrelease(),
        vi.build_id(),
        vi.page_size(),
        vi.crash_time(),
        vi.kernel_offset(),
        vi.symbol("prb"),
        vi.number("phys_base"),
        vi.size("printk_info"),
        vi.offset("printk_info.seq"),
        vi.length("printk_info_device"),
    );
});
