//! Fuzzes `Code:` decoding: any bytes, any trapping marker, 64- and 32-bit, with and without
//! a function and address to name branch targets from; the memory operand resolved against a
//! register dump; the same bytes as arm64 and ARM words. Every decoded instruction must lie inside the
//! bytes and exactly one must trap.
#![no_main]
use ktriage_disasm::{decode_arm32, decode_arm64, decode_x86, Site};
use ktriage_model::Arch;
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
    let words: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if let Some(d) = decode_arm64(&words, usize::from(*trap) % 64, site.clone()) {
        assert_eq!(d.instructions.len(), words.len());
        assert_eq!(d.instructions.iter().filter(|i| i.trapping).count(), 1);
        if let Some(op) = d.access {
            let regs: BTreeMap<String, String> = ["x0", "x1", "sp", "x30"]
                .iter()
                .map(|r| (r.to_string(), "0xffffffffffffffff".to_string()))
                .collect();
            std::hint::black_box(op.resolve(&regs, Some(u64::MAX), Some("0x0"), Arch::Arm64));
        }
    }
    if let Some(d) = decode_arm32(&words, usize::from(*trap) % 64, site.clone()) {
        assert_eq!(d.instructions.len(), words.len());
        if let Some(op) = d.access {
            let regs: BTreeMap<String, String> = ["r0", "r3", "sp", "pc"]
                .iter()
                .map(|r| (r.to_string(), "0xffffffff".to_string()))
                .collect();
            std::hint::black_box(op.resolve(&regs, Some(u64::MAX), Some("0x0"), Arch::Arm));
        }
    }
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
        let arch = if bitness == 64 { Arch::X86_64 } else { Arch::I386 };
        std::hint::black_box(op.resolve(&regs, Some(u64::MAX), Some("0x0"), arch));
    }
});
