//! 32-bit ARM (A32) with yaxpeax-arm: the kernel prints an ARM-mode `Code:` as 32-bit words,
//! one per instruction, the trapping one in parentheses. Thumb (`Code:` in 16-bit halfwords)
//! is not decoded: no real Thumb oops in the corpora to check it against.

use crate::{Decoded, Operand, RegRef, Site};
use ktriage_model::{AccessKind, Instruction};
use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv7::{
    InstDecoder, Instruction as A32, Operand as Op, Reg, RegShiftStyle, ShiftStyle,
};

/// Decodes ARM-mode `words` (instruction values as printed), the one at index `trap`
/// trapping. With a `site`, branch targets inside the function are named from it. None when
/// the trapping word does not decode.
pub fn decode_arm32(words: &[u32], trap: usize, site: Option<Site>) -> Option<Decoded> {
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
                None => format!(".word {w:#010x}"),
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

/// The instruction as text, a branch target named from the function when it is inside it
/// (an ARM branch counts from the instruction's address plus 8).
fn text_of(i: &A32, offset: i64, site: Option<&Site>) -> String {
    let text = objdump_names(&i.to_string());
    let Some(d) = i.operands.iter().find_map(|o| match o {
        Op::BranchOffset(d) => Some(i64::from(*d)),
        _ => None,
    }) else {
        return text;
    };
    // yaxpeax shows the offset in words, from pc+8: `b $+0x3c`.
    let target = offset + 8 + d * 4;
    let Some(name) = site.and_then(|s| s.name_target(target)) else {
        return text;
    };
    match text.find('$') {
        Some(at) => {
            let end = text[at..].find([' ', ',']).map_or(text.len(), |e| at + e);
            format!("{}{name}{}", &text[..at], &text[end..])
        }
        None => text,
    }
}

/// yaxpeax calls r9 and r10 `sb` and `sl` (their APCS names); objdump and the kernel's
/// register dump say `r9` and `r10`.
fn objdump_names(text: &str) -> String {
    let Some((mnemonic, operands)) = text.split_once(' ') else {
        return text.to_string();
    };
    let mut out = format!("{mnemonic} ");
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "sb" => "r9",
            "sl" => "r10",
            w => w,
        });
        word.clear();
    };
    for c in operands.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A register as the dump names it (`r0`..`r10`, `fp`, `ip`, `sp`, `lr`, `pc`).
fn reg(r: Reg) -> RegRef {
    let name = match r.number() {
        11 => "fp".to_string(),
        12 => "ip".to_string(),
        13 => "sp".to_string(),
        14 => "lr".to_string(),
        15 => "pc".to_string(),
        n => format!("r{n}"),
    };
    RegRef {
        name,
        wider: None,
        bits: 32,
        signed: false,
    }
}

/// The memory operand of a single load or store (`ldr`, `strb`, `ldrd`, `ldrex`...; not
/// `ldm`/`stm`/`push`/`pop`).
fn memory_operand(i: &A32) -> Option<Operand> {
    let m = i.opcode.to_string();
    let kind = if m.starts_with("ldr") {
        AccessKind::Read
    } else if m.starts_with("str") {
        AccessKind::Write
    } else if m.starts_with("swp") {
        AccessKind::ReadWrite
    } else {
        return None;
    };
    // What follows `ldr`/`str`/`swp`: `b`, `sb`, `h`, `sh`, `d`, `ex`, `exb`, `t`...
    let suffix = m.get(3..).unwrap_or("");
    let size = if suffix.contains('d') {
        8
    } else if suffix.contains('b') {
        1
    } else if suffix.contains('h') {
        2
    } else {
        4
    };
    let mut op = Operand {
        kind,
        base: None,
        index: None,
        scale: 1,
        displacement: 0,
        size,
        based_segment: false,
        pc_relative: None,
        data_register: None,
    };
    for o in &i.operands {
        match *o {
            Op::RegDeref(base) | Op::RegDerefPostindexOffset(base, ..) => {
                op.base = Some(reg(base));
            }
            Op::RegDerefPostindexReg(base, ..) | Op::RegDerefPostindexRegShift(base, ..) => {
                op.base = Some(reg(base));
            }
            Op::RegDerefPreindexOffset(base, imm, add, _) => {
                op.base = Some(reg(base));
                op.displacement = if add { i64::from(imm) } else { -i64::from(imm) };
            }
            Op::RegDerefPreindexReg(base, index, true, _) => {
                op.base = Some(reg(base));
                op.index = Some(reg(index));
            }
            Op::RegDerefPreindexRegShift(base, shift, true, _) => {
                let RegShiftStyle::RegImm(s) = shift.into_shift() else {
                    return None;
                };
                if s.stype() != ShiftStyle::LSL {
                    return None;
                }
                op.base = Some(reg(base));
                op.index = Some(reg(s.shiftee()));
                op.scale = 1u8.checked_shl(u32::from(s.imm())).unwrap_or(0);
            }
            _ => continue,
        }
        // A literal load: pc reads as the instruction's address plus 8.
        if op.base.as_ref().is_some_and(|b| b.name == "pc") {
            op.pc_relative = Some(8);
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

    /// Words binutils' ARM objdump prints as `str r3, [r2]` (satyr's arm oops test data,
    /// ../shared/corpus/realworld/satyr-oops-arm-1, trapping `e5823000`), `ldr r3, [sp, #44]`
    /// and `ldr r4, [r3, #8]`: text, kind, size, address.
    #[test]
    fn addressing_modes() {
        let words = [0xe5823000, 0xe59d302c, 0xe5934008];
        let regs: BTreeMap<String, String> =
            [("r2", "0x0"), ("r3", "0xc0000000"), ("sp", "0xd0000000")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let acc = |trap: usize| {
            let d = decode_arm32(&words, trap, None).unwrap();
            (
                d.instructions[trap].text.clone(),
                d.access
                    .unwrap()
                    .resolve(&regs, None, Some("0x0"), Arch::Arm),
            )
        };
        let (t, a) = acc(0);
        assert_eq!(t, "str r3, [r2]");
        assert_eq!(
            (a.kind, a.size, a.address.as_deref(), a.matches_fault),
            (AccessKind::Write, 4, Some("0x0"), Some(true))
        );
        let (_, a) = acc(1);
        assert_eq!(
            (a.kind, a.address.as_deref()),
            (AccessKind::Read, Some("0xd000002c"))
        );
        let (_, a) = acc(2);
        assert_eq!(a.address.as_deref(), Some("0xc0000008"));
    }

    #[test]
    fn hostile_words_do_not_panic() {
        assert!(decode_arm32(&[], 0, None).is_none());
        let _ = decode_arm32(&[0xffff_ffff, 0, 0xe7f001f2], 2, None);
        let _ = decode_arm32(&[0xffff_ffff], 0, None);
    }
}
