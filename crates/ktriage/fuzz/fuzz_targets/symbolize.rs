//! Fuzzes the vmlinux loader: any bytes are an error or a binary whose lookups answer.
#![no_main]
use ktriage_symbolize::{Binary, Lookup};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bin) = Binary::from_bytes("fuzz", data.to_vec()) {
        for name in ["main", "kernel_init", "total"] {
            if let Some(r) = bin.resolve(name, 4, None) {
                std::hint::black_box(bin.locate(r.address, Lookup::Return));
            }
        }
    }
});
