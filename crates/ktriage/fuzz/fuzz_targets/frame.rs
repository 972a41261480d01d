//! Fuzzes the line framer: arbitrary bytes split into lines must frame without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut framer = ktriage::frame::Framer::new();
    let mut n = 0usize;
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        framer.push_line(i as u64 + 1, line, &mut |r| {
            n += r.text.len();
        });
    }
    framer.finish(&mut |r| n += r.text.len());
    std::hint::black_box(n);
});
