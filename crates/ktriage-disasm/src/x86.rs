//! x86-64 and i386 with iced-x86: GNU syntax, as objdump prints it.

use crate::{Decoded, Operand, RegRef, Site};
use iced_x86::{
    Decoder, DecoderOptions, Formatter, GasFormatter, InstructionInfoFactory, OpAccess, OpKind,
    Register, SymbolResolver, SymbolResult,
};
use ktriage_model::{AccessKind, Instruction};

/// Instructions of `bytes` decoded forward from `start` to `end`: each (offset, length,
/// instruction); None when one is invalid or crosses `end`.
fn decode_run(
    bytes: &[u8],
    start: usize,
    end: usize,
    bitness: u32,
    base: u64,
) -> Option<Vec<(usize, iced_x86::Instruction)>> {
    let mut dec = Decoder::with_ip(
        bitness,
        &bytes[start..end],
        base.wrapping_add(start as u64),
        DecoderOptions::NONE,
    );
    let mut out = Vec::new();
    while dec.can_decode() {
        let i = dec.decode();
        if i.is_invalid() {
            return None;
        }
        out.push((i.ip().wrapping_sub(base) as usize, i));
    }
    Some(out)
}

/// Instructions from `start` to the end of `bytes`, up to the first that does not decode (the
/// last one is usually cut short).
fn decode_run_lenient(
    bytes: &[u8],
    start: usize,
    bitness: u32,
    base: u64,
) -> Vec<(usize, iced_x86::Instruction)> {
    let mut dec = Decoder::with_ip(
        bitness,
        &bytes[start..],
        base.wrapping_add(start as u64),
        DecoderOptions::NONE,
    );
    let mut out = Vec::new();
    while dec.can_decode() {
        let i = dec.decode();
        if i.is_invalid() {
            break;
        }
        out.push((i.ip().wrapping_sub(base) as usize, i));
    }
    out
}

/// Where the bytes are placed when the log gives no address: far from zero, so that the
/// function's start (trapping IP less its offset) is above it in 32-bit and 64-bit code.
const PLACE: u64 = 0x4000_0000;

/// Names branch targets as objdump on vmlinux would: `func+0xc` inside the trapping function;
/// outside it the absolute address when the log printed one, else `.+0x40` from the branch.
struct BranchTargets {
    site: Option<Site>,
    /// The function's start in the decoder's addresses.
    start: Option<u64>,
    known_address: bool,
}

impl SymbolResolver for BranchTargets {
    fn symbol(
        &mut self,
        instruction: &iced_x86::Instruction,
        operand: u32,
        _instruction_operand: Option<u32>,
        address: u64,
        _address_size: u32,
    ) -> Option<SymbolResult<'_>> {
        if !matches!(
            instruction.op_kind(operand),
            OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
        ) {
            return None;
        }
        let inside = match (&self.site, self.start) {
            (Some(site), Some(start)) => address
                .checked_sub(start)
                .is_some_and(|off| site.size.is_some_and(|size| off < size)),
            _ => false,
        };
        match (&self.site, self.start) {
            (Some(site), Some(start)) if inside => {
                Some(SymbolResult::with_str(start, site.function.as_str()))
            }
            _ if self.known_address => None,
            _ => Some(SymbolResult::with_str(instruction.ip(), ".")),
        }
    }
}

/// Decodes x86 `bytes` around the instruction at `trap`: from the trapping byte to the end
/// (the last instruction dropped if cut short), and before it from the earliest byte whose
/// decoding lands exactly on `trap` (the bytes before the first instruction are not
/// decoded, as with decodecode). None when the trapping instruction itself does not decode.
///
/// With a `site`, branch targets are named from the trapping function (`jmp func+0xc`).
pub fn decode_x86(bytes: &[u8], trap: usize, bitness: u32, site: Option<Site>) -> Option<Decoded> {
    if trap >= bytes.len() {
        return None;
    }
    let mask = if bitness == 64 { u64::MAX } else { 0xffff_ffff };
    let trap_ip = site
        .as_ref()
        .and_then(|s| s.address)
        .unwrap_or_else(|| PLACE + site.as_ref().and_then(|s| s.offset).unwrap_or(0) % PLACE)
        & mask;
    let base = trap_ip.wrapping_sub(trap as u64) & mask;
    let start = site
        .as_ref()
        .and_then(|s| s.offset)
        .and_then(|o| trap_ip.checked_sub(o));
    let before = (0..trap)
        .find_map(|s| decode_run(bytes, s, trap, bitness, base))
        .unwrap_or_default();
    let after = decode_run_lenient(bytes, trap, bitness, base);
    let trapping = after.first()?.1;
    let resolver = BranchTargets {
        known_address: site.as_ref().is_some_and(|s| s.address.is_some()),
        site,
        start,
    };
    let mut fmt = GasFormatter::with_options(Some(Box::new(resolver)), None);
    fmt.options_mut().set_uppercase_hex(false);
    fmt.options_mut().set_space_after_operand_separator(false);
    fmt.options_mut().set_small_hex_numbers_in_decimal(false);
    // As objdump prints it: the displacement from `%rip`, the target being unknown here.
    fmt.options_mut().set_rip_relative_addresses(true);
    fmt.options_mut().set_branch_leading_zeros(false);
    let instructions = before
        .iter()
        .chain(after.iter())
        .map(|(at, i)| {
            let mut text = String::new();
            fmt.format(i, &mut text);
            let raw = &bytes[*at..*at + i.len()];
            Instruction {
                offset: *at as i64 - trap as i64,
                bytes: raw
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                text,
                trapping: *at == trap,
            }
        })
        .collect();
    Some(Decoded {
        instructions,
        access: memory_operand(&trapping),
    })
}

/// The explicit memory operand of an instruction, with how it is used (stack pushes and
/// string instructions' implicit operands are not memory operands here).
fn memory_operand(i: &iced_x86::Instruction) -> Option<Operand> {
    if !(0..i.op_count()).any(|n| i.op_kind(n) == iced_x86::OpKind::Memory) {
        return None;
    }
    // `lea` computes an address and touches no memory.
    if i.mnemonic() == iced_x86::Mnemonic::Lea {
        return None;
    }
    let mut factory = InstructionInfoFactory::new();
    let info = factory.info(i);
    let stack = |r: Register| matches!(r, Register::RSP | Register::ESP | Register::SP);
    let used = info
        .used_memory()
        .iter()
        .find(|m| m.base() == i.memory_base() && m.index() == i.memory_index())
        .or_else(|| info.used_memory().iter().find(|m| !stack(m.base())))?;
    let kind = match used.access() {
        OpAccess::Read | OpAccess::CondRead => AccessKind::Read,
        OpAccess::Write | OpAccess::CondWrite => AccessKind::Write,
        OpAccess::ReadWrite | OpAccess::ReadCondWrite => AccessKind::ReadWrite,
        _ => return None,
    };
    let reg = |r: Register| (r != Register::None).then(|| reg_ref(r));
    let base = reg(i.memory_base());
    if matches!(i.memory_base(), Register::RIP | Register::EIP) {
        // The decoder's displacement of a RIP-relative operand is already the target, from
        // an IP that is only the offset in the bytes: what was encoded is that target less
        // the next instruction's offset. The address needs the real RIP, left to resolve.
        return Some(Operand {
            kind,
            base,
            index: None,
            scale: 1,
            displacement: i.memory_displacement64().wrapping_sub(i.next_ip()) as i64,
            size: i.memory_size().size() as u32,
            based_segment: false,
            pc_relative: Some(i.len() as u32),
            data_register: None,
        });
    }
    let displacement = i.memory_displacement64() as i64;
    let segment = i.memory_segment();
    Some(Operand {
        kind,
        base,
        index: reg(i.memory_index()),
        scale: i.memory_index_scale() as u8,
        displacement,
        size: i.memory_size().size() as u32,
        based_segment: matches!(segment, Register::FS | Register::GS),
        pc_relative: None,
        data_register: None,
    })
}

/// A register as the dump's keys spell it (`rbx`, `r08`, `eax`), with the 64-bit one it is
/// part of.
fn reg_ref(r: Register) -> RegRef {
    let name = |r: Register| {
        let name = format!("{r:?}").to_ascii_lowercase();
        match name.strip_prefix('r') {
            Some(n) if n.len() == 1 && n.as_bytes()[0].is_ascii_digit() => format!("r0{n}"),
            _ => name,
        }
    };
    let full = r.full_register();
    RegRef {
        name: name(r),
        wider: (full != r).then(|| name(full)),
        bits: (r.size() * 8).min(64) as u32,
        signed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ktriage_model::Arch;
    use std::collections::BTreeMap;

    /// The lab's amd64 ACCESS_NULL oops (tests/fixtures/lab/ACCESS_NULL-amd64.log): the
    /// trapping `48 8b 1c 25 00 00 00 00` is `mov 0x0,%rbx`, a read of absolute address 0.
    #[test]
    fn lab_access_null() {
        let hex = "48 89 de 5b e9 a3 5e 06 e9 48 c7 c7 30 ae 4c c0 5b e9 43 0a 74 e9 0f 1f 44 00 \
                   00 53 31 f6 48 c7 c7 98 ae 4c c0 e8 2f 0a 74 e9 48 8b 1c 25 00 00 00 00 b8 de \
                   c0 de c0 48 c7 c7 c0 ae 4c c0 48 01";
        let bytes: Vec<u8> = hex
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        let d = decode_x86(&bytes, 42, 64, None).unwrap();
        let t = d.instructions.iter().find(|i| i.trapping).unwrap();
        assert_eq!(t.bytes, "48 8b 1c 25 00 00 00 00");
        assert_eq!(t.text, "mov 0x0,%rbx");
        assert_eq!(t.offset, 0);
        let op = d.access.unwrap();
        assert_eq!(
            (op.kind, op.base.as_ref(), op.displacement),
            (AccessKind::Read, None, 0)
        );
        let acc = op.resolve(&BTreeMap::new(), None, Some("0x0"), Arch::X86_64);
        assert_eq!(acc.address.as_deref(), Some("0x0"));
        assert_eq!(acc.matches_fault, Some(true));
        // The instructions before end exactly at the trapping one.
        let before: Vec<&Instruction> = d.instructions.iter().filter(|i| i.offset < 0).collect();
        let last = before.last().unwrap();
        assert_eq!(last.offset + last.bytes.split(' ').count() as i64, 0);
    }

    /// Hostile input: a marker past the end, empty bytes, all-invalid bytes.
    #[test]
    fn hostile_bytes_do_not_panic() {
        assert!(decode_x86(&[], 0, 64, None).is_none());
        assert!(decode_x86(&[0x90], 5, 64, None).is_none());
        let _ = decode_x86(&[0x0f; 64], 42, 64, None);
        let _ = decode_x86(&[0x48], 0, 64, None);
        let _ = decode_x86(&[0xff; 3], 1, 32, None);
    }
}
