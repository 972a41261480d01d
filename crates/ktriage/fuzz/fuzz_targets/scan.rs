//! Differential: the quiet-line scan (and the block reader) never changes the document.
//! Any input where analysing with the scan differs from framing every line is a bug.
#![no_main]
use ktriage_parse::analyze::{analyze_bytes, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let reference = Options {
        threads: 1,
        frame_every_line: true,
        ..Default::default()
    };
    let want = serde_json::to_string(&analyze_bytes("fuzz", data, reference)).ok();
    let got = serde_json::to_string(&analyze_bytes("fuzz", data, Options::default())).ok();
    assert!(want == got, "the quiet scan changed the document");
});
