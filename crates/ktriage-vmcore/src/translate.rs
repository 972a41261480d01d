//! Kernel virtual to physical address translation for x86_64 and arm64.

use crate::error::{Error, Result};
use crate::vmcoreinfo::VmcoreInfo;
use std::fmt;

/// Architecture of the dumped kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// x86_64 (amd64).
    X86_64,
    /// AArch64 (arm64).
    Aarch64,
    /// Anything else; the ELF machine number when known.
    Unknown(u16),
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arch::X86_64 => f.write_str("x86_64"),
            Arch::Aarch64 => f.write_str("aarch64"),
            Arch::Unknown(m) => write!(f, "unknown (machine {m})"),
        }
    }
}

/// x86_64 `__START_KERNEL_map`.
pub(crate) const START_KERNEL_MAP: u64 = 0xffff_ffff_8000_0000;

/// Translation parameters derived from VMCOREINFO (and dump headers).
#[derive(Debug, Clone)]
pub(crate) enum Translator {
    X86_64 {
        phys_base: u64,
        image_size: u64,
        pgd: Option<u64>,
        l5: bool,
        sme_mask: u64,
    },
    Arm64 {
        kimage_voffset: Option<u64>,
        phys_offset: Option<u64>,
        va_bits: u32,
        vabits_actual: u32,
        page_shift: u32,
        flipped: bool,
        pgd: Option<u64>,
        stext: Option<u64>,
    },
    None,
}

/// Inputs gathered from the dump container that help translation.
#[derive(Debug, Default, Clone)]
pub(crate) struct Hints {
    /// phys_base from a kernel-text PT_LOAD.
    pub(crate) elf_phys_base: Option<u64>,
    /// phys_base from the kdump sub-header.
    pub(crate) kdump_phys_base: Option<u64>,
    /// kimage_voffset from a kernel-text PT_LOAD (arm64).
    pub(crate) elf_kimage_voffset: Option<u64>,
    /// Page size from the container.
    pub(crate) page_size: Option<u64>,
}

impl Translator {
    /// Builds the translator for `arch` from VMCOREINFO; `warnings` collects doubts.
    pub(crate) fn new(
        arch: Arch,
        vi: &VmcoreInfo,
        hints: &Hints,
        warnings: &mut Vec<String>,
    ) -> Translator {
        match arch {
            Arch::X86_64 => {
                let phys_base = match vi.number("phys_base") {
                    Some(v) => v as u64,
                    None => match (hints.elf_phys_base, hints.kdump_phys_base) {
                        (Some(p), _) => p,
                        (None, Some(p)) => p,
                        (None, None) => {
                            if !vi.is_empty() {
                                warnings.push(
                                    "phys_base unknown (no NUMBER(phys_base)); assuming 0".into(),
                                );
                            }
                            0
                        }
                    },
                };
                let image_size = vi
                    .number("KERNEL_IMAGE_SIZE")
                    .map(|v| v as u64)
                    .filter(|&v| v > 0 && v <= 1 << 31)
                    .unwrap_or(512 << 20);
                let root = vi
                    .symbol("init_top_pgt")
                    .or_else(|| vi.symbol("init_level4_pgt"));
                let pgd = root.and_then(|va| {
                    va.checked_sub(START_KERNEL_MAP)
                        .filter(|&o| o < image_size)
                        .map(|o| o.wrapping_add(phys_base))
                });
                Translator::X86_64 {
                    phys_base,
                    image_size,
                    pgd,
                    l5: vi.number("pgtable_l5_enabled") == Some(1),
                    sme_mask: vi.number("sme_mask").map(|v| v as u64).unwrap_or(0),
                }
            }
            Arch::Aarch64 => {
                let page_size = vi
                    .page_size()
                    .or(hints.page_size)
                    .filter(|p| matches!(p, 4096 | 16384 | 65536))
                    .unwrap_or(4096);
                let page_shift = page_size.trailing_zeros();
                let va_bits = vi
                    .number("VA_BITS")
                    .filter(|v| (36..=52).contains(v))
                    .unwrap_or(48) as u32;
                let vabits_actual = vi
                    .number("TCR_EL1_T1SZ")
                    .filter(|v| (12..=28).contains(v))
                    .map(|t| 64 - t as u32)
                    .unwrap_or(va_bits);
                let kimage_voffset = vi
                    .number("kimage_voffset")
                    .map(|v| v as u64)
                    .or(hints.elf_kimage_voffset);
                let phys_offset = vi.number("PHYS_OFFSET").map(|v| v as u64);
                let stext = vi.symbol("_stext");
                let page_end = (1u64 << (va_bits.min(48) - 1)).wrapping_neg();
                let flipped = stext.map(|s| s > page_end).unwrap_or(true);
                let pgd = match (vi.symbol("swapper_pg_dir"), kimage_voffset) {
                    (Some(s), Some(k)) => Some(s.wrapping_sub(k)),
                    _ => None,
                };
                Translator::Arm64 {
                    kimage_voffset,
                    phys_offset,
                    va_bits,
                    vabits_actual,
                    page_shift,
                    flipped,
                    pgd,
                    stext,
                }
            }
            Arch::Unknown(_) => Translator::None,
        }
    }

    /// Translates `va` with a page-table walk only (no arithmetic shortcut).
    pub(crate) fn walk(&self, va: u64, read_u64: &dyn Fn(u64) -> Result<u64>) -> Result<u64> {
        let none = || Error::Translate {
            va,
            reason: "no page-table root".into(),
        };
        match *self {
            Translator::X86_64 {
                pgd, l5, sme_mask, ..
            } => walk_x86_64(va, pgd.ok_or_else(none)?, l5, sme_mask, read_u64),
            Translator::Arm64 {
                pgd,
                page_shift,
                va_bits,
                vabits_actual,
                ..
            } => {
                let bits = if page_shift == 16 {
                    va_bits
                } else {
                    vabits_actual
                };
                walk_arm64(va, pgd.ok_or_else(none)?, page_shift, bits, read_u64)
            }
            Translator::None => Err(none()),
        }
    }

    /// Translates `va`; `read_u64` reads 8 bytes of physical memory (page-table entries).
    pub(crate) fn vtop(&self, va: u64, read_u64: &dyn Fn(u64) -> Result<u64>) -> Result<u64> {
        match *self {
            Translator::X86_64 {
                phys_base,
                image_size,
                pgd,
                l5,
                sme_mask,
            } => {
                if let Some(off) = va.checked_sub(START_KERNEL_MAP) {
                    if off < image_size {
                        return Ok(off.wrapping_add(phys_base));
                    }
                }
                let pgd = pgd.ok_or_else(|| Error::Translate {
                    va,
                    reason: "no page-table root (SYMBOL(init_top_pgt))".into(),
                })?;
                walk_x86_64(va, pgd, l5, sme_mask, read_u64)
            }
            Translator::Arm64 {
                kimage_voffset,
                phys_offset,
                va_bits,
                vabits_actual,
                page_shift,
                flipped,
                pgd,
                stext,
            } => {
                let linear = if flipped {
                    va & (1u64 << (vabits_actual - 1)) == 0
                } else {
                    va & (1u64 << (va_bits - 1)) != 0
                };
                if linear {
                    if let (Some(po), true) = (phys_offset, va_bits == vabits_actual) {
                        return Ok(if flipped {
                            va.wrapping_add(1u64 << va_bits).wrapping_add(po)
                        } else {
                            (va & ((1u64 << (va_bits - 1)) - 1)).wrapping_add(po)
                        });
                    }
                } else if let Some(k) = kimage_voffset {
                    let in_image = match stext {
                        Some(s) => {
                            va >= (s & !((2 << 20) - 1)).wrapping_sub(2 << 20)
                                && va < s.saturating_add(1 << 30)
                        }
                        None => true,
                    };
                    if in_image {
                        return Ok(va.wrapping_sub(k));
                    }
                }
                let pgd = pgd.ok_or_else(|| Error::Translate {
                    va,
                    reason: "no page-table root (SYMBOL(swapper_pg_dir), NUMBER(kimage_voffset))"
                        .into(),
                })?;
                let walk_bits = if page_shift == 16 {
                    va_bits
                } else {
                    vabits_actual
                };
                walk_arm64(va, pgd, page_shift, walk_bits, read_u64)
            }
            Translator::None => Err(Error::Translate {
                va,
                reason: "unsupported architecture".into(),
            }),
        }
    }
}

fn not_present(va: u64, level: u32) -> Error {
    Error::Translate {
        va,
        reason: format!("not mapped (level {level} entry not present)"),
    }
}

/// 4- or 5-level x86_64 walk; the depth is fixed so it cannot loop.
fn walk_x86_64(
    va: u64,
    pgd: u64,
    l5: bool,
    sme_mask: u64,
    read_u64: &dyn Fn(u64) -> Result<u64>,
) -> Result<u64> {
    const FRAME: u64 = 0x000f_ffff_ffff_f000;
    let mut table = pgd;
    let top = if l5 { 5 } else { 4 };
    for level in (1..=top).rev() {
        let shift = 12 + 9 * (level - 1);
        let idx = (va >> shift) & 511;
        let e = read_u64(table + idx * 8)?;
        if e & 1 == 0 {
            return Err(not_present(va, level));
        }
        let frame = e & FRAME & !sme_mask;
        if (level == 2 || level == 3) && e & 0x80 != 0 {
            let size = 1u64 << shift;
            return Ok((frame & !(size - 1)) | (va & (size - 1)));
        }
        if level == 1 {
            return Ok(frame | (va & 0xfff));
        }
        table = frame;
    }
    Err(not_present(va, 0))
}

/// arm64 walk with `page_shift` granules over a `va_bits` address space.
fn walk_arm64(
    va: u64,
    pgd: u64,
    page_shift: u32,
    va_bits: u32,
    read_u64: &dyn Fn(u64) -> Result<u64>,
) -> Result<u64> {
    let bits_per_level = page_shift - 3;
    let levels = (va_bits - page_shift).div_ceil(bits_per_level);
    if levels == 0 || levels > 5 {
        return Err(Error::Translate {
            va,
            reason: format!("odd arm64 geometry ({va_bits}-bit VA, {page_shift}-bit pages)"),
        });
    }
    let page_mask = (1u64 << page_shift) - 1;
    let out_addr = |d: u64| -> u64 {
        if page_shift == 16 {
            (d & 0x0000_ffff_ffff_ffff & !page_mask) | (((d >> 12) & 0xf) << 48)
        } else if va_bits == 52 {
            (d & 0x0003_ffff_ffff_ffff & !page_mask) | (((d >> 8) & 0x3) << 50)
        } else {
            d & 0x0000_ffff_ffff_ffff & !page_mask
        }
    };
    let mut table = pgd;
    for i in 0..levels {
        let level_from_bottom = levels - 1 - i;
        let shift = page_shift + bits_per_level * level_from_bottom;
        let idx_bits = if i == 0 {
            va_bits - shift
        } else {
            bits_per_level
        };
        let idx = (va >> shift) & ((1u64 << idx_bits) - 1);
        let d = read_u64(table + idx * 8)?;
        if d & 1 == 0 {
            return Err(not_present(va, level_from_bottom));
        }
        let last = level_from_bottom == 0;
        match (d & 3, last) {
            (3, true) => return Ok(out_addr(d) | (va & page_mask)),
            (3, false) => table = out_addr(d),
            (1, false) => {
                let size = 1u64 << shift;
                return Ok((out_addr(d) & !(size - 1)) | (va & (size - 1)));
            }
            _ => {
                return Err(Error::Translate {
                    va,
                    reason: format!("invalid descriptor {d:#x}"),
                })
            }
        }
    }
    Err(not_present(va, 0))
}
