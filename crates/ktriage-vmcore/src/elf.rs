//! ELF64 core files: /proc/vmcore copies, `makedumpfile -E`, QEMU `dump-guest-memory`.

use crate::error::{Error, Result};
use crate::source::{le_u16, le_u32, le_u64, read_exact_at, read_vec_at, ReadAt};

/// `e_machine` of x86_64.
pub(crate) const EM_X86_64: u16 = 62;
/// `e_machine` of AArch64.
pub(crate) const EM_AARCH64: u16 = 183;
const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;
const PN_XNUM: u16 = 0xffff;
/// Most program headers accepted.
const MAX_PHNUM: u64 = 1 << 22;
/// Most note bytes accepted in total.
pub(crate) const MAX_NOTE_BYTES: u64 = 64 << 20;

/// One PT_LOAD segment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Load {
    pub(crate) offset: u64,
    pub(crate) vaddr: u64,
    pub(crate) paddr: u64,
    pub(crate) filesz: u64,
    pub(crate) memsz: u64,
}

/// The parsed headers of an ELF core.
pub(crate) struct ElfCore {
    pub(crate) machine: u16,
    pub(crate) flags: u32,
    /// PT_LOADs sorted by `paddr`.
    pub(crate) loads: Vec<Load>,
    /// PT_LOADs sorted by `vaddr` (only when virtual addresses are meaningful).
    pub(crate) vloads: Vec<Load>,
    /// Concatenated PT_NOTE contents.
    pub(crate) notes: Vec<u8>,
    pub(crate) warnings: Vec<String>,
}

impl ElfCore {
    /// Parses the ELF header, program headers and notes.
    pub(crate) fn parse(src: &dyn ReadAt) -> Result<ElfCore> {
        let mut eh = [0u8; 64];
        read_exact_at(src, 0, &mut eh, "ELF header")?;
        match eh[4] {
            2 => {}
            1 => return Err(Error::Unsupported("32-bit ELF cores".into())),
            c => return Err(Error::Corrupt(format!("ELF class {c}"))),
        }
        match eh[5] {
            1 => {}
            2 => return Err(Error::Unsupported("big-endian ELF cores".into())),
            d => return Err(Error::Corrupt(format!("ELF data encoding {d}"))),
        }
        let mut warnings = Vec::new();
        let e_type = le_u16(&eh, 16);
        if e_type != 4 {
            warnings.push(format!("ELF type {e_type} is not ET_CORE (4)"));
        }
        let machine = le_u16(&eh, 18);
        let phoff = le_u64(&eh, 32);
        let shoff = le_u64(&eh, 40);
        let flags = le_u32(&eh, 48);
        let phentsize = le_u16(&eh, 54) as u64;
        let mut phnum = le_u16(&eh, 56) as u64;
        if phentsize < 56 {
            return Err(Error::Corrupt(format!("e_phentsize {phentsize} < 56")));
        }
        if phnum == PN_XNUM as u64 {
            let mut sh = [0u8; 64];
            read_exact_at(src, shoff, &mut sh, "section header 0 (PN_XNUM)")?;
            phnum = le_u32(&sh, 44) as u64;
        }
        if phnum > MAX_PHNUM {
            return Err(Error::Corrupt(format!("{phnum} program headers")));
        }
        let table = read_vec_at(src, phoff, phnum * phentsize, "program headers")?;
        let mut loads = Vec::new();
        let mut notes = Vec::new();
        for i in 0..phnum as usize {
            let ph = &table[i * phentsize as usize..];
            let p_type = le_u32(ph, 0);
            let l = Load {
                offset: le_u64(ph, 8),
                vaddr: le_u64(ph, 16),
                paddr: le_u64(ph, 24),
                filesz: le_u64(ph, 32),
                memsz: le_u64(ph, 40),
            };
            match p_type {
                PT_LOAD => {
                    let mut l = l;
                    if l.memsz < l.filesz {
                        l.memsz = l.filesz;
                    }
                    if l.paddr.checked_add(l.memsz).is_none() {
                        warnings.push(format!("PT_LOAD {i} wraps the address space; ignored"));
                        continue;
                    }
                    loads.push(l);
                }
                PT_NOTE => {
                    if notes.len() as u64 + l.filesz > MAX_NOTE_BYTES {
                        warnings.push(format!("PT_NOTE {i} is too large; ignored"));
                        continue;
                    }
                    match read_vec_at(src, l.offset, l.filesz, "PT_NOTE") {
                        Ok(mut v) => {
                            // Each segment holds whole 4-byte aligned notes.
                            while notes.len() & 3 != 0 {
                                notes.push(0);
                            }
                            notes.append(&mut v);
                        }
                        Err(e) => warnings.push(format!("PT_NOTE {i}: {e}")),
                    }
                }
                _ => {}
            }
        }
        loads.sort_by_key(|l| l.paddr);
        let virt_meaningful = loads.iter().any(|l| l.vaddr != l.paddr && l.vaddr != 0);
        let mut vloads: Vec<Load> = if virt_meaningful {
            loads.iter().copied().filter(|l| l.vaddr != 0).collect()
        } else {
            Vec::new()
        };
        vloads.retain(|l| l.vaddr.checked_add(l.memsz).is_some());
        vloads.sort_by_key(|l| l.vaddr);
        Ok(ElfCore {
            machine,
            flags,
            loads,
            vloads,
            notes,
            warnings,
        })
    }

    /// The segment containing physical address `pa`.
    pub(crate) fn find_phys(&self, pa: u64) -> Option<&Load> {
        find(&self.loads, pa, |l| l.paddr)
    }

    /// The segment containing virtual address `va` (only when `p_vaddr` is meaningful).
    pub(crate) fn find_virt(&self, va: u64) -> Option<&Load> {
        find(&self.vloads, va, |l| l.vaddr)
    }
}

fn find(v: &[Load], a: u64, key: impl Fn(&Load) -> u64) -> Option<&Load> {
    let idx = v.partition_point(|l| key(l) <= a);
    // Segments can overlap (kernel text vs RAM): look back a few, then scan.
    for l in v[..idx].iter().rev().take(8) {
        if a - key(l) < l.memsz {
            return Some(l);
        }
    }
    v[..idx.saturating_sub(8)]
        .iter()
        .find(|l| a >= key(l) && a - key(l) < l.memsz)
}

/// One ELF note.
#[derive(Debug, Clone)]
pub(crate) struct Note<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) ntype: u32,
    pub(crate) desc: &'a [u8],
}

/// Iterates over the notes of a PT_NOTE blob; stops at `n_namesz == 0` or at the end.
pub(crate) fn parse_notes(blob: &[u8]) -> Vec<Note<'_>> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos + 12 <= blob.len() {
        let namesz = le_u32(blob, pos) as usize;
        let descsz = le_u32(blob, pos + 4) as usize;
        let ntype = le_u32(blob, pos + 8);
        if namesz == 0 && descsz == 0 {
            // Empty per-CPU buffer or padding: skip 4 bytes at a time looking for more.
            pos += 4;
            continue;
        }
        let name_start = pos + 12;
        let name_end = match name_start.checked_add(namesz) {
            Some(e) if e <= blob.len() => e,
            _ => break,
        };
        let desc_start = match name_start.checked_add(align4(namesz)) {
            Some(s) => s,
            None => break,
        };
        let desc_end = match desc_start.checked_add(descsz) {
            Some(e) if e <= blob.len() => e,
            _ => break,
        };
        let mut name = &blob[name_start..name_end];
        while let [rest @ .., 0] = name {
            name = rest;
        }
        out.push(Note {
            name,
            ntype,
            desc: &blob[desc_start..desc_end],
        });
        pos = match desc_start.checked_add(align4(descsz)) {
            Some(p) => p,
            None => break,
        };
    }
    out
}

fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}
