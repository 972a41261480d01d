//! Fuzzes the line framer: arbitrary bytes split into lines must frame without panicking, and
//! the needle gate must pass every record in which a report or event needle counts.
#![no_main]
use ktriage::patterns::{needle_counts_in, VOCAB};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut framer = ktriage::frame::Framer::new();
    let check = |text: &str| {
        if needle_counts_in(text) {
            assert!(VOCAB.gate.may_match(text.as_bytes()), "gate rejects {text:?}");
        }
    };
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        framer.push_line(i as u64 + 1, line, &mut |r| check(&r.text));
    }
    framer.finish(&mut |r| check(&r.text));
});
