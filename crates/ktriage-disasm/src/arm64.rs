//! arm64 with yaxpeax-arm: the kernel prints `Code:` as 32-bit words, one per instruction, the
//! trapping one in parentheses, so each word decodes on its own.

use crate::{Decoded, Operand, RegRef, Site};
use ktriage_model::{AccessKind, Instruction};
use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::{
    InstDecoder, Instruction as A64, Operand as Op, SIMDSizeCode, ShiftStyle, SizeCode,
};

/// Decodes arm64 `words` (instruction values as printed), the one at index `trap` being the
/// trapping instruction. With a `site`, branch targets inside the function are named from it
/// (`b lkdtm_SOFTLOCKUP+0xc`). None when the trapping word does not decode.
pub fn decode_arm64(words: &[u32], trap: usize, site: Option<Site>) -> Option<Decoded> {
    if trap >= words.len() {
        return None;
    }
    let decoder = InstDecoder::default();
    let decode = |w: u32| {
        let bytes = w.to_le_bytes();
        let mut reader = U8Reader::new(&bytes);
        decoder.decode(&mut reader).ok()
    };
    let trapping = decode(words[trap])?;
    let instructions = words
        .iter()
        .enumerate()
        .map(|(k, &w)| {
            let offset = (k as i64 - trap as i64) * 4;
            let text = match decode(w) {
                Some(i) => text_of(&i, offset, site.as_ref()),
                // objdump's word for an undefined encoding.
                None => format!(".inst {w:#010x}"),
            };
            Instruction {
                offset,
                bytes: format!("{w:08x}"),
                text,
                trapping: k == trap,
            }
        })
        .collect();
    Some(Decoded {
        instructions,
        access: memory_operand(&trapping),
    })
}

/// The instruction as text, a branch target named from the function when it is inside it.
fn text_of(i: &A64, offset: i64, site: Option<&Site>) -> String {
    let text = i.to_string();
    let mnemonic = i.opcode.to_string();
    if mnemonic.starts_with("adr") || mnemonic.starts_with("ld") || mnemonic.starts_with("prf") {
        return text;
    }
    let Some(off) = i.operands.iter().find_map(|o| match o {
        Op::PCOffset(d) => Some(*d),
        _ => None,
    }) else {
        return text;
    };
    let Some(name) = site.and_then(|s| s.name_target(offset.wrapping_add(off))) else {
        return text;
    };
    let shown = if off < 0 {
        format!("$-{:#x}", off.wrapping_neg())
    } else {
        format!("$+{off:#x}")
    };
    text.replacen(&shown, &name, 1)
}

/// What a load/store opcode does to memory, from its name (`ldr`, `stp`, `ldaddal`,
/// `casal`, `swpb`, `stlxr`...). None for everything else (prefetches included).
fn access_of(mnemonic: &str) -> Option<AccessKind> {
    const ATOMIC: [&str; 8] = ["add", "clr", "eor", "set", "smax", "smin", "umax", "umin"];
    if mnemonic.starts_with("cas") || mnemonic.starts_with("swp") {
        return Some(AccessKind::ReadWrite);
    }
    if let Some(rest) = mnemonic.strip_prefix("ld") {
        return Some(if ATOMIC.iter().any(|a| rest.starts_with(a)) {
            AccessKind::ReadWrite
        } else {
            AccessKind::Read
        });
    }
    if let Some(rest) = mnemonic.strip_prefix("st") {
        return Some(if ATOMIC.iter().any(|a| rest.starts_with(a)) {
            AccessKind::ReadWrite
        } else {
            AccessKind::Write
        });
    }
    None
}

/// Bytes a data register moves.
fn register_size(o: &Op) -> Option<u32> {
    Some(match o {
        Op::Register(SizeCode::X, _) | Op::RegisterOrSP(SizeCode::X, _) => 8,
        Op::Register(SizeCode::W, _) | Op::RegisterOrSP(SizeCode::W, _) => 4,
        Op::SIMDRegister(s, _) => simd_size(*s),
        _ => return None,
    })
}

fn simd_size(s: SIMDSizeCode) -> u32 {
    match s {
        SIMDSizeCode::B => 1,
        SIMDSizeCode::H => 2,
        SIMDSizeCode::S => 4,
        SIMDSizeCode::D => 8,
        SIMDSizeCode::Q => 16,
    }
}

fn register_number(o: &Op) -> Option<u8> {
    match o {
        Op::Register(_, n) | Op::RegisterOrSP(_, n) | Op::SIMDRegister(_, n) => Some(*n as u8),
        _ => None,
    }
}

/// A base register: 31 is the stack pointer.
fn base_reg(n: u16) -> RegRef {
    if n == 31 {
        RegRef::full("sp")
    } else {
        RegRef::full(&format!("x{n}"))
    }
}

/// The memory operand of a load or store, with the data register and the access size.
fn memory_operand(i: &A64) -> Option<Operand> {
    let mnemonic = i.opcode.to_string();
    let kind = access_of(&mnemonic)?;
    // Exclusive and release stores name the status register first (`stlxr w1, x0, [x2]`).
    let status_first = mnemonic.starts_with("st") && mnemonic.contains("xr")
        || mnemonic.starts_with("st") && mnemonic.contains("xp");
    let data = if status_first {
        &i.operands[1]
    } else {
        &i.operands[0]
    };
    let pair = (mnemonic.ends_with('p') || mnemonic == "ldpsw") && !mnemonic.starts_with("cas");
    let unit = if mnemonic.ends_with('b') {
        Some(1)
    } else if mnemonic.ends_with('h') {
        Some(2)
    } else if mnemonic.ends_with("sw") || mnemonic == "ldpsw" {
        Some(4)
    } else {
        None
    };
    let size = unit
        .or_else(|| register_size(data))
        .map(|s| if pair { s * 2 } else { s })
        .unwrap_or(0);
    let mut op = Operand {
        kind,
        base: None,
        index: None,
        scale: 1,
        displacement: 0,
        size,
        based_segment: false,
        pc_relative: None,
        data_register: register_number(data),
    };
    for o in &i.operands {
        match *o {
            Op::RegPreIndex(base, imm, _) => {
                op.base = Some(base_reg(base));
                op.displacement = i64::from(imm);
            }
            // The access is at the base; the offset is added after it.
            Op::RegPostIndex(base, _) | Op::RegPostIndexReg(base, _) => {
                op.base = Some(base_reg(base));
            }
            Op::RegRegOffset(base, index, size, style, amount) => {
                op.base = Some(base_reg(base));
                let (name, bits) = match size {
                    SizeCode::W => (format!("w{index}"), 32),
                    SizeCode::X => (format!("x{index}"), 64),
                };
                op.index = Some(if index == 31 {
                    RegRef::full(if bits == 32 { "wzr" } else { "xzr" })
                } else {
                    RegRef {
                        wider: (bits == 32).then(|| format!("x{index}")),
                        name,
                        bits,
                        signed: matches!(style, ShiftStyle::SXTW | ShiftStyle::SXTX),
                    }
                });
                op.scale = 1u8.checked_shl(u32::from(amount)).unwrap_or(0);
            }
            // A literal load: the address is the instruction's own plus the offset.
            Op::PCOffset(d) => {
                op.base = Some(RegRef::full("pc"));
                op.displacement = d;
                op.pc_relative = Some(0);
            }
            _ => continue,
        }
        return Some(op);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ktriage_model::Arch;
    use std::collections::BTreeMap;

    /// Three words binutils' aarch64 objdump prints as `ldr w0, [x0, w1, sxtw]`, `str wzr,
    /// [x0]` (the lab's EXCEPTION oops, tests/fixtures/lab/EXCEPTION-arm64.log) and `ldp x0,
    /// x1, [sp, #16]`: their texts (yaxpeax spells out `sxtw #0`), sizes, data registers, and
    /// a sign-extended index.
    #[test]
    fn addressing_modes() {
        let words = [0xb861c800, 0xb900001f, 0xa94107e0];
        let regs: BTreeMap<String, String> =
            [("x0", "0x1000"), ("x1", "0xffffffff"), ("sp", "0x8000")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let at = |trap: usize| {
            let d = decode_arm64(&words, trap, None).unwrap();
            let acc = d
                .access
                .clone()
                .unwrap()
                .resolve(&regs, None, None, Arch::Arm64);
            (d, acc)
        };
        let (d, acc) = at(0);
        assert_eq!(d.instructions[0].text, "ldr w0, [x0, w1, sxtw #0]");
        assert_eq!(d.instructions[1].text, "str wzr, [x0]");
        assert_eq!(d.instructions[2].text, "ldp x0, x1, [sp, #0x10]");
        // w1 = -1, sign-extended: one byte below x0.
        assert_eq!(
            (acc.kind, acc.size, acc.address.as_deref()),
            (AccessKind::Read, 4, Some("0xfff"))
        );
        let (d, acc) = at(1);
        assert_eq!(d.access.unwrap().data_register, Some(31));
        assert_eq!(
            (acc.kind, acc.size, acc.address.as_deref()),
            (AccessKind::Write, 4, Some("0x1000"))
        );
        let (_, acc) = at(2);
        assert_eq!(
            (acc.kind, acc.size, acc.address.as_deref()),
            (AccessKind::Read, 16, Some("0x8010"))
        );
    }

    /// Hostile input: a marker past the end, nothing, undefined words.
    #[test]
    fn hostile_words_do_not_panic() {
        assert!(decode_arm64(&[], 0, None).is_none());
        assert!(decode_arm64(&[0xd503201f], 3, None).is_none());
        let d = decode_arm64(&[0x0000_0000, 0xffff_ffff, 0xd503201f], 2, None).unwrap();
        assert_eq!(d.instructions.len(), 3);
    }
}
