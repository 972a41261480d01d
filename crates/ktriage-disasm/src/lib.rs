//! The faulting instruction of a kernel report: the `Code:` bytes decoded in process (x86-64
//! and i386 with iced-x86, arm64 and 32-bit ARM with yaxpeax-arm), aligned so that an instruction starts at
//! the trapping marker, as the kernel's `scripts/decodecode` does with objdump; and the
//! trapping instruction's memory operand with its address computed from the register dump,
//! compared with the fault address (and on arm64 with the ESR's syndrome).
#![deny(unsafe_code)]

mod arm32;
mod arm64;
mod x86;

pub use arm32::decode_arm32;
pub use arm64::decode_arm64;
pub use x86::decode_x86;

use ktriage_model::{AccessKind, Analysis, Arch, Code, Instruction, MemoryAccess, Report};
use ktriage_parse::decode::classify_address;
use std::collections::BTreeMap;

/// Decodes the `Code:` line of every report whose architecture is decoded.
pub fn annotate(a: &mut Analysis) {
    for r in a.reports.iter_mut() {
        annotate_report(r);
    }
}

/// Decodes one report's `Code:` line in place (nothing when it has none, its architecture is
/// not decoded, or no decoding lands on the trapping marker).
pub fn annotate_report(r: &mut Report) {
    // The bytes of a user-space RIP (a KASAN report's syscall registers) say nothing about
    // the kernel's fault: only a trap at a kernel symbol is decoded.
    let kernel_trap =
        r.ip.as_ref()
            .is_some_and(|ip| !ip.function.starts_with("0x"));
    if !kernel_trap {
        return;
    }
    let Some(code) = r.code.as_ref() else { return };
    let Some(trap) = code.fault_index else { return };
    let site = r.ip.as_ref().map(|ip| Site {
        function: ip.function.clone(),
        offset: ip.offset.as_deref().and_then(parse_hex),
        size: ip.size.as_deref().and_then(parse_hex),
        address: ip.address.as_deref().and_then(parse_hex),
    });
    let address = site.as_ref().and_then(|s| s.address);
    let units = code_units(code);
    let (decoded, arch) = match (r.arch, code.unit) {
        (Some(arch @ (Arch::X86_64 | Arch::I386)), 1) => {
            let Ok(bytes) = units
                .iter()
                .map(|&b| u8::try_from(b))
                .collect::<Result<Vec<u8>, _>>()
            else {
                return;
            };
            let bitness = if arch == Arch::X86_64 { 64 } else { 32 };
            (x86::decode_x86(&bytes, trap, bitness, site), arch)
        }
        (Some(Arch::Arm64), 4) => {
            let Ok(words) = units
                .iter()
                .map(|&w| u32::try_from(w))
                .collect::<Result<Vec<u32>, _>>()
            else {
                return;
            };
            (arm64::decode_arm64(&words, trap, site), Arch::Arm64)
        }
        (Some(Arch::Arm), 4) => {
            let Ok(words) = units
                .iter()
                .map(|&w| u32::try_from(w))
                .collect::<Result<Vec<u32>, _>>()
            else {
                return;
            };
            (arm32::decode_arm32(&words, trap, site), Arch::Arm)
        }
        _ => return,
    };
    let Some(decoded) = decoded else { return };
    let access = decoded.access.map(|op| {
        let mut acc = op.resolve(&r.registers, address, r.fault_address.as_deref(), arch);
        if arch == Arch::Arm64 {
            acc.esr_agrees = r.decoded.esr.as_ref().and_then(|e| op.agrees_with_esr(e));
        }
        acc
    });
    if let Some(code) = r.code.as_mut() {
        code.access = access;
        code.instructions = decoded.instructions;
    }
}

/// The printed units of a `Code:` line (bytes, or 16/32-bit words), as numbers (a unit
/// that does not parse ends them: the marker's index must still count from the start).
fn code_units(code: &Code) -> Vec<u64> {
    code.bytes
        .split(' ')
        .map_while(|h| u64::from_str_radix(h, 16).ok())
        .collect()
}

/// What decoding the bytes gave.
#[derive(Debug)]
pub struct Decoded {
    /// The instructions, the trapping one marked.
    pub instructions: Vec<Instruction>,
    /// The trapping instruction's memory operand, registers not yet read.
    pub access: Option<Operand>,
}

/// Where the trapping instruction is, as the report's RIP / pc line names it.
#[derive(Debug, Clone)]
pub struct Site {
    /// The function.
    pub function: String,
    /// The trapping instruction's offset in it.
    pub offset: Option<u64>,
    /// The function's size.
    pub size: Option<u64>,
    /// The trapping instruction's address, when printed (older kernels, `[<ffffffff8104c0a5>]`).
    pub address: Option<u64>,
}

impl Site {
    /// A branch target given as an offset from the trapping instruction, named from the
    /// function when it lies inside it (`func+0xc`).
    fn name_target(&self, from_trap: i64) -> Option<String> {
        let off = self.offset?.checked_add_signed(from_trap)?;
        (off < self.size?).then(|| format!("{}+{off:#x}", self.function))
    }
}

/// A register an operand reads, as the dump names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegRef {
    /// Its name (`rbx`, `r08`, `x1`, `w9`, `sp`).
    pub name: String,
    /// A wider register it is part of, looked up when the dump does not print this one
    /// (`rax` for `eax`, `x9` for `w9`).
    pub wider: Option<String>,
    /// Bits of the value used (64, 32, 16, 8).
    pub bits: u32,
    /// Sign-extended from `bits` (arm64 `sxtw`).
    pub signed: bool,
}

impl RegRef {
    /// A full-width register.
    fn full(name: &str) -> RegRef {
        RegRef {
            name: name.to_string(),
            wider: None,
            bits: 64,
            signed: false,
        }
    }

    /// Its value from the dump.
    fn value(&self, registers: &BTreeMap<String, String>) -> Option<u64> {
        if matches!(self.name.as_str(), "xzr" | "wzr") {
            return Some(0);
        }
        let get = |n: &str| registers.get(n).and_then(|v| parse_hex(v));
        let v = get(&self.name).or_else(|| get(self.wider.as_deref()?))?;
        if self.bits >= 64 {
            return Some(v);
        }
        let mask = (1u64 << self.bits) - 1;
        let x = v & mask;
        Some(if self.signed && (x >> (self.bits - 1)) & 1 == 1 {
            x | !mask
        } else {
            x
        })
    }
}

/// A memory operand as the instruction encodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operand {
    /// Read, write or both.
    pub kind: AccessKind,
    /// Base register, if any.
    pub base: Option<RegRef>,
    /// Index register, if any.
    pub index: Option<RegRef>,
    /// Scale of the index.
    pub scale: u8,
    /// Displacement.
    pub displacement: i64,
    /// Bytes accessed.
    pub size: u32,
    /// A segment with a base of its own (`%gs:` per-CPU data): the address is not the sum.
    pub based_segment: bool,
    /// PC-relative (`0x10(%rip)`, an arm64 literal): the bytes from the trapping
    /// instruction's address to where the displacement counts from (x86: its length).
    pub pc_relative: Option<u32>,
    /// arm64: the register the load or store transfers (what the ESR's SRT names).
    pub data_register: Option<u8>,
}

impl Operand {
    /// The operand with its registers named as the dump names them and its address computed.
    /// `ip` is the trapping instruction's address when the log printed it.
    pub fn resolve(
        &self,
        registers: &BTreeMap<String, String>,
        ip: Option<u64>,
        fault_address: Option<&str>,
        arch: Arch,
    ) -> MemoryAccess {
        let value = |r: &RegRef| r.value(registers);
        let mut address = match (self.based_segment, self.pc_relative) {
            (true, _) => None,
            (false, Some(next)) => ip.map(|ip| ip.wrapping_add(u64::from(next))),
            (false, None) => Some(0),
        }
        .map(|a| a.wrapping_add(self.displacement as u64));
        if self.pc_relative.is_none() {
            for (reg, mul) in [(&self.base, 1u64), (&self.index, u64::from(self.scale))] {
                if let Some(reg) = reg {
                    address = match (address, value(reg)) {
                        (Some(a), Some(v)) => Some(a.wrapping_add(v.wrapping_mul(mul))),
                        _ => None,
                    };
                }
            }
        }
        if matches!(arch, Arch::I386 | Arch::Arm) {
            address = address.map(|a| a & 0xffff_ffff);
        }
        let fault = fault_address.and_then(parse_hex);
        let base_value = self
            .base
            .as_ref()
            .filter(|_| self.pc_relative.is_none())
            .and_then(value);
        // Generic KASAN's inline check reads the shadow byte at (ptr >> 3) + offset, the
        // offset in one register: the other one is the pointer, shifted.
        let kasan_pointer = match (
            self.base.as_ref().and_then(value),
            self.index.as_ref().and_then(value),
        ) {
            (Some(b), Some(i)) if arch == Arch::X86_64 && self.scale == 1 => [b, i]
                .contains(&KASAN_SHADOW_OFFSET)
                .then(|| address.map(|a| a.wrapping_sub(KASAN_SHADOW_OFFSET) << 3))
                .flatten(),
            _ => None,
        };
        MemoryAccess {
            kind: self.kind,
            base: self.base.as_ref().map(|r| r.name.clone()),
            index: self.index.as_ref().map(|r| r.name.clone()),
            scale: self.scale,
            displacement: self.displacement,
            size: self.size,
            address: address.map(|a| format!("{a:#x}")),
            matches_fault: match (address, fault) {
                (Some(a), Some(f)) => Some(f.wrapping_sub(a) < u64::from(self.size.max(1))),
                _ => None,
            },
            base_value: base_value.map(|v| format!("{v:#x}")),
            base_class: base_value.and_then(|v| classify_address(v, Some(arch), false)),
            kasan_pointer: kasan_pointer.map(|p| format!("{p:#x}")),
            esr_agrees: None,
        }
    }

    /// Whether an arm64 data abort's syndrome says what the instruction does: WnR against a
    /// read or a write; with ISV=1 also the transferred register (SRT) and the size (SAS).
    /// None when the ESR is not a data abort's.
    pub fn agrees_with_esr(&self, esr: &ktriage_model::decoded::Esr) -> Option<bool> {
        let wnr = esr.wnr?;
        // Cache maintenance and atomics report WnR as the architecture defines for each:
        // only a plain load or store is checked.
        if esr.cm == Some(1) {
            return None;
        }
        let mut agrees = match self.kind {
            AccessKind::Read => wnr == 0,
            AccessKind::Write => wnr == 1,
            AccessKind::ReadWrite => true,
        };
        if esr.isv == Some(1) {
            if let (Some(srt), Some(reg)) = (esr.srt, self.data_register) {
                agrees &= srt == u64::from(reg);
            }
            if let Some(size) = esr.access_size {
                agrees &= size == u64::from(self.size);
            }
        }
        Some(agrees)
    }
}

/// x86-64 generic KASAN's shadow offset (`CONFIG_KASAN_SHADOW_OFFSET`, the default).
const KASAN_SHADOW_OFFSET: u64 = 0xdfff_fc00_0000_0000;

fn parse_hex(s: &str) -> Option<u64> {
    let h = s.trim();
    let h = h
        .strip_prefix("0x")
        .or_else(|| h.strip_prefix("0X"))
        .unwrap_or(h);
    u64::from_str_radix(h, 16).ok()
}
