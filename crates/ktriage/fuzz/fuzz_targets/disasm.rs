//! Fuzzes `Code:` decoding: any bytes, any trapping marker, 64- and 32-bit, with and without
//! a function and address to name branch targets from; the memory operand resolved against a
//! register dump. Every decoded instruction must lie inside the bytes and one must trap.
#![no_main]
use ktriage_disasm::{decode_x86, Site};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let [trap, flags, offset, bytes @ ..] = data else {
        return;
    };
    let bitness = if flags & 1 == 0 { 64 } else { 32 };
    let site = (flags & 2 != 0).then(|| Site {
        function: "f".into(),
        offset: Some(u64::from(*offset)),
        size: (flags & 8 != 0).then_some(0x40),
        address: (flags & 4 != 0).then_some(0xffff_ffff_8100_0000u64.wrapping_add(u64::from(*offset))),
    });
    let Some(d) = decode_x86(bytes, usize::from(*trap), bitness, site) else {
        return;
    };
    assert_eq!(d.instructions.iter().filter(|i| i.trapping).count(), 1);
    for i in &d.instructions {
        let at = usize::from(*trap) as i64 + i.offset;
        let len = i.bytes.split(' ').count() as i64;
        assert!(at >= 0 && at + len <= bytes.len() as i64);
    }
    if let Some(op) = d.access {
        let regs: BTreeMap<String, String> = ["rax", "rbx", "rdx", "r12", "eax", "esi"]
            .iter()
            .map(|r| (r.to_string(), "0xffffffffffffffff".to_string()))
            .collect();
        std::hint::black_box(op.resolve(&regs, Some(u64::MAX), Some("0x0"), bitness));
    }
});
