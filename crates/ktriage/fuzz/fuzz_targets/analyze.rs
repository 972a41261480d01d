//! Fuzzes the whole log analysis (framing, report segmentation and parsing, events, signatures).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = ktriage::analyze::analyze_bytes("fuzz", data, Default::default());
    std::hint::black_box(serde_json::to_string(&a).ok());
});
