//! Feeds arbitrary bytes to the dump readers (headers, notes, VMCOREINFO, log walkers).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ktriage_vmcore::fuzz_one(data);
});
