//! Fuzzes the line framer: arbitrary bytes split into lines must frame without panicking, and
//! the needle gate must pass every record in which a report or event needle counts.
#![no_main]
use ktriage::patterns::{At, Hit, MARKERS, VOCAB};
use libfuzzer_sys::fuzz_target;

/// Whether a needle occurs where it counts (start-only markers at the start, after blanks).
fn needle_counts(text: &str) -> bool {
    VOCAB.ac.find_overlapping_iter(text).any(|m| match VOCAB.hits[m.pattern().as_usize()] {
        Hit::Marker(i) if MARKERS[i].at == At::Start => {
            text[..m.start()].bytes().all(|b| b == b' ' || b == b'\t')
        }
        _ => true,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut framer = ktriage::frame::Framer::new();
    let mut check = |text: &str| {
        if needle_counts(text) {
            assert!(VOCAB.gate.may_match(text.as_bytes()), "gate rejects {text:?}");
        }
    };
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        framer.push_line(i as u64 + 1, line, &mut |r| check(&r.text));
    }
    framer.finish(&mut |r| check(&r.text));
});
