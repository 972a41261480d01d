//! Linux vmcore reader: kernel log and crash facts, without debuginfo.
//!
//! Opens ELF64 cores (/proc/vmcore copies, `makedumpfile -E`, QEMU `dump-guest-memory`),
//! kdump-compressed dumps (zlib, LZO, snappy, zstd, raw pages) and makedumpfile's flattened
//! format. Files are read with positioned reads, never loaded whole, and every size or
//! offset found in a dump is checked before use.
//!
//! ```no_run
//! let core = ktriage_vmcore::Vmcore::open("vmcore")?;
//! let log = core.dmesg()?;
//! std::io::Write::write_all(&mut std::io::stdout(), &log.render(ktriage_vmcore::Style::Plain))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod elf;
mod error;
mod facts;
mod flat;
mod fuzz;
mod kdump;
mod printk;
mod render;
mod source;
pub mod synth;
mod translate;
mod vmcoreinfo;

pub use error::{Error, PageFault, Result};
pub use facts::{Completeness, Facts, PrStatus, Producer, Utsname};
pub use fuzz::fuzz_one;
pub use kdump::{
    KdumpHeader, DUMP_DH_COMPRESSED_INCOMPLETE, DUMP_DH_COMPRESSED_LZO, DUMP_DH_COMPRESSED_SNAPPY,
    DUMP_DH_COMPRESSED_ZLIB, DUMP_DH_COMPRESSED_ZSTD, DUMP_DH_EXCLUDED_VMEMMAP,
};
pub use printk::{Dmesg, LogLayout, Record};
pub use render::Style;
pub use translate::Arch;
pub use vmcoreinfo::{parse_hex, parse_number, VmcoreInfo};

use elf::ElfCore;
use kdump::KdumpFile;
use source::{FileSource, MemSource, ReadAt};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use translate::{Hints, Translator};

/// Container format of a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ELF64 core.
    Elf,
    /// kdump-compressed ("KDUMP   ").
    Kdump,
    /// makedumpfile flattened stream holding a kdump-compressed dump.
    FlattenedKdump,
    /// makedumpfile flattened stream holding an ELF core.
    FlattenedElf,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Elf => "ELF64 core",
            Format::Kdump => "kdump-compressed",
            Format::FlattenedKdump => "flattened kdump-compressed",
            Format::FlattenedElf => "flattened ELF64 core",
        })
    }
}

/// Format detected from the first bytes of a file, if any.
pub fn detect_format(head: &[u8]) -> Option<Format> {
    if head.starts_with(b"\x7fELF") {
        // Only an ELF core file (e_type ET_CORE) is a dump; executables and objects are not.
        const ET_CORE: u16 = 4;
        let e_type = match (head.get(5), head.get(16..18)) {
            (Some(1), Some(t)) => u16::from_le_bytes([t[0], t[1]]),
            (Some(2), Some(t)) => u16::from_be_bytes([t[0], t[1]]),
            _ => return None,
        };
        (e_type == ET_CORE).then_some(Format::Elf)
    } else if head.starts_with(kdump::KDUMP_SIGNATURE) {
        Some(Format::Kdump)
    } else if head.starts_with(flat::FLAT_SIGNATURE) {
        Some(Format::FlattenedKdump)
    } else {
        None
    }
}

enum Backend {
    Elf(ElfCore),
    Kdump(Box<KdumpFile>),
}

const CACHE_PAGES: usize = 128;

/// An opened vmcore.
pub struct Vmcore {
    src: Arc<dyn ReadAt>,
    format: Format,
    backend: Backend,
    vmcoreinfo: VmcoreInfo,
    has_vmcoreinfo: bool,
    notes: Vec<u8>,
    arch: Arch,
    page_size: u64,
    xlat: Translator,
    warnings: Vec<String>,
    cache: Mutex<HashMap<u64, Arc<[u8]>>>,
    access_log: Mutex<Option<std::collections::BTreeSet<u64>>>,
}

impl fmt::Debug for Vmcore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vmcore")
            .field("format", &self.format)
            .field("arch", &self.arch)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

impl Vmcore {
    /// Opens the dump at `path` (headers, notes and kdump bitmaps are read; pages are not).
    pub fn open(path: impl AsRef<Path>) -> Result<Vmcore> {
        let file = std::fs::File::open(path.as_ref())?;
        Self::from_source(Arc::new(FileSource::new(file)?))
    }

    /// Opens a dump from an open file (a temporary file holding a decompressed dump).
    pub fn from_file(file: std::fs::File) -> Result<Vmcore> {
        Self::from_source(Arc::new(FileSource::new(file)?))
    }

    /// Opens a dump held in memory.
    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>) -> Result<Vmcore> {
        Self::from_source(Arc::new(MemSource(bytes.into())))
    }

    fn from_source(src: Arc<dyn ReadAt>) -> Result<Vmcore> {
        if src.size() == 0 {
            return Err(Error::Empty);
        }
        let mut head = [0u8; 64];
        let n = src.read_at(0, &mut head)?;
        let mut format = detect_format(&head[..n]).ok_or_else(|| {
            let hex: Vec<String> = head[..n.min(8)]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Error::UnknownFormat(hex.join(" "))
        })?;
        let mut warnings = Vec::new();
        let src: Arc<dyn ReadAt> = if format == Format::FlattenedKdump {
            let fs = flat::FlatSource::new(src)?;
            warnings.extend(fs.warnings.iter().cloned());
            let fs: Arc<dyn ReadAt> = Arc::new(fs);
            let n = fs.read_at(0, &mut head)?;
            format = match detect_format(&head[..n]) {
                Some(Format::Elf) => Format::FlattenedElf,
                Some(Format::Kdump) => Format::FlattenedKdump,
                _ => {
                    return Err(Error::Corrupt(
                        "flattened stream holds neither an ELF nor a kdump-compressed file".into(),
                    ))
                }
            };
            fs
        } else {
            src
        };
        let mut hints = Hints::default();
        let (backend, notes, mut vi_bytes, mut arch) = match format {
            Format::Elf | Format::FlattenedElf => {
                let mut e = ElfCore::parse(&*src)?;
                warnings.append(&mut e.warnings);
                let arch = match e.machine {
                    elf::EM_X86_64 => Arch::X86_64,
                    elf::EM_AARCH64 => Arch::Aarch64,
                    m => Arch::Unknown(m),
                };
                // A kernel-text PT_LOAD gives phys_base / kimage_voffset.
                for l in &e.vloads {
                    if arch == Arch::X86_64
                        && l.vaddr >= translate::START_KERNEL_MAP
                        && hints.elf_phys_base.is_none()
                    {
                        hints.elf_phys_base = Some(
                            l.paddr
                                .wrapping_sub(l.vaddr.wrapping_sub(translate::START_KERNEL_MAP)),
                        );
                    }
                }
                if e.loads.is_empty() {
                    warnings.push("the ELF core has no PT_LOAD segment".into());
                }
                let notes = std::mem::take(&mut e.notes);
                (Backend::Elf(e), notes, None, arch)
            }
            Format::Kdump | Format::FlattenedKdump => {
                let mut k = KdumpFile::open(&*src)?;
                warnings.append(&mut k.warnings);
                hints.kdump_phys_base = Some(k.header.phys_base);
                hints.page_size = Some(k.header.block_size as u64);
                let arch = match k.header.utsname[4].as_str() {
                    "x86_64" => Arch::X86_64,
                    "aarch64" | "arm64" => Arch::Aarch64,
                    _ => Arch::Unknown(0),
                };
                let notes = std::mem::take(&mut k.notes);
                let vi = k.vmcoreinfo.take();
                (Backend::Kdump(Box::new(k)), notes, vi, arch)
            }
        };
        // VMCOREINFO from the notes when the container did not point at it.
        if vi_bytes.is_none() {
            vi_bytes = elf::parse_notes(&notes)
                .into_iter()
                .find(|n| n.name == b"VMCOREINFO")
                .map(|n| n.desc.to_vec());
        }
        let has_vmcoreinfo = vi_bytes.is_some();
        let vmcoreinfo = VmcoreInfo::parse(vi_bytes.as_deref().unwrap_or(&[]));
        if !has_vmcoreinfo {
            warnings.push("no VMCOREINFO note in the dump".into());
        }
        if let Arch::Unknown(_) = arch {
            if vmcoreinfo.has("NUMBER(kimage_voffset)") || vmcoreinfo.has("NUMBER(VA_BITS)") {
                arch = Arch::Aarch64;
            } else if vmcoreinfo.has("SYMBOL(init_top_pgt)")
                || vmcoreinfo.has("SYMBOL(init_level4_pgt)")
                || vmcoreinfo.has("NUMBER(phys_base)")
            {
                arch = Arch::X86_64;
            }
        }
        let page_size = vmcoreinfo
            .page_size()
            .filter(|p| p.is_power_of_two() && (1024..=(1 << 20)).contains(p))
            .or(hints.page_size)
            .unwrap_or(4096);
        let xlat = Translator::new(arch, &vmcoreinfo, &hints, &mut warnings);
        Ok(Vmcore {
            src,
            format,
            backend,
            vmcoreinfo,
            has_vmcoreinfo,
            notes,
            arch,
            page_size,
            xlat,
            warnings,
            cache: Mutex::new(HashMap::new()),
            access_log: Mutex::new(None),
        })
    }

    /// The container format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The parsed VMCOREINFO (empty when the dump has none).
    pub fn vmcoreinfo(&self) -> &VmcoreInfo {
        &self.vmcoreinfo
    }

    /// True when the dump carried a VMCOREINFO note.
    pub fn has_vmcoreinfo(&self) -> bool {
        self.has_vmcoreinfo
    }

    /// The architecture of the dumped kernel.
    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// The dumped kernel's page size.
    pub fn page_size(&self) -> u64 {
        self.page_size
    }

    /// Problems noticed while opening (truncation, odd headers, missing keys).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The kdump header, for kdump-compressed dumps.
    pub fn kdump_header(&self) -> Option<&KdumpHeader> {
        match &self.backend {
            Backend::Kdump(k) => Some(&k.header),
            Backend::Elf(_) => None,
        }
    }

    /// Reads physical memory into `buf`. Returns how many bytes were filtered out of the dump
    /// and read as zeros; holes and missing data are errors.
    pub fn read_physical(&self, pa: u64, buf: &mut [u8]) -> Result<u64> {
        if let Ok(mut log) = self.access_log.lock() {
            if let Some(set) = log.as_mut() {
                let ps = self.page_size;
                let first = pa / ps;
                let last = pa.saturating_add(buf.len().max(1) as u64 - 1) / ps;
                set.extend(first..=last);
            }
        }
        match &self.backend {
            Backend::Elf(e) => self.read_phys_elf(e, pa, buf),
            Backend::Kdump(k) => self.read_phys_kdump(k, pa, buf),
        }
    }

    fn read_phys_elf(&self, e: &ElfCore, pa: u64, buf: &mut [u8]) -> Result<u64> {
        let mut done = 0usize;
        let mut excluded = 0u64;
        while done < buf.len() {
            let cur = pa.checked_add(done as u64).ok_or(Error::Page {
                pa,
                fault: PageFault::Hole,
            })?;
            let l = e.find_phys(cur).ok_or(Error::Page {
                pa: cur,
                fault: PageFault::Hole,
            })?;
            let rel = cur - l.paddr;
            let chunk = (buf.len() - done).min((l.memsz - rel).min(usize::MAX as u64) as usize);
            let dst = &mut buf[done..done + chunk];
            if rel >= l.filesz {
                dst.fill(0);
                excluded += chunk as u64;
            } else {
                let in_file = chunk.min((l.filesz - rel) as usize);
                let off = l.offset.checked_add(rel).ok_or(Error::Page {
                    pa: cur,
                    fault: PageFault::Lost,
                })?;
                let got = self.src.read_at(off, &mut dst[..in_file])?;
                if got < in_file {
                    return Err(Error::Page {
                        pa: cur + got as u64,
                        fault: PageFault::Lost,
                    });
                }
                if in_file < chunk {
                    dst[in_file..].fill(0);
                    excluded += (chunk - in_file) as u64;
                }
            }
            done += chunk;
        }
        Ok(excluded)
    }

    fn kdump_page(&self, k: &KdumpFile, pfn: u64) -> Result<Option<Arc<[u8]>>> {
        if let Some(p) = self.cache.lock().ok().and_then(|c| c.get(&pfn).cloned()) {
            return Ok(Some(p));
        }
        let mut page = vec![0u8; k.header.block_size as usize];
        let present = k
            .read_page(&*self.src, pfn, &mut page)
            .map_err(|fault| Error::Page {
                pa: pfn << k.page_shift,
                fault,
            })?;
        if !present {
            return Ok(None);
        }
        let page: Arc<[u8]> = page.into();
        if let Ok(mut c) = self.cache.lock() {
            if c.len() >= CACHE_PAGES {
                c.clear();
            }
            c.insert(pfn, page.clone());
        }
        Ok(Some(page))
    }

    fn read_phys_kdump(&self, k: &KdumpFile, pa: u64, buf: &mut [u8]) -> Result<u64> {
        let bs = k.header.block_size as u64;
        let mut done = 0usize;
        let mut excluded = 0u64;
        while done < buf.len() {
            let cur = pa.checked_add(done as u64).ok_or(Error::Page {
                pa,
                fault: PageFault::Hole,
            })?;
            let pfn = cur >> k.page_shift;
            let in_page = (cur & (bs - 1)) as usize;
            let chunk = (buf.len() - done).min(bs as usize - in_page);
            match self.kdump_page(k, pfn)? {
                Some(p) => buf[done..done + chunk].copy_from_slice(&p[in_page..in_page + chunk]),
                None => {
                    buf[done..done + chunk].fill(0);
                    excluded += chunk as u64;
                }
            }
            done += chunk;
        }
        Ok(excluded)
    }

    fn read_phys_u64(&self, pa: u64) -> Result<u64> {
        let mut b = [0u8; 8];
        self.read_physical(pa, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Translates a kernel virtual address to a physical address.
    pub fn virt_to_phys(&self, va: u64) -> Result<u64> {
        if let Backend::Elf(e) = &self.backend {
            if let Some(l) = e.find_virt(va) {
                return Ok(l.paddr.wrapping_add(va - l.vaddr));
            }
        }
        self.xlat.vtop(va, &|pa| self.read_phys_u64(pa))
    }

    /// Translates `va` by walking the kernel page tables only, bypassing the arithmetic
    /// shortcuts (for cross-checking translations).
    pub fn virt_to_phys_walk(&self, va: u64) -> Result<u64> {
        self.xlat.walk(va, &|pa| self.read_phys_u64(pa))
    }

    /// Reads kernel virtual memory into `buf`, page by page. Returns the number of bytes
    /// that were filtered out of the dump and read as zeros.
    pub fn read_virtual(&self, va: u64, buf: &mut [u8]) -> Result<u64> {
        let ps = self.page_size;
        let mut done = 0usize;
        let mut excluded = 0;
        while done < buf.len() {
            let cur = va.wrapping_add(done as u64);
            let chunk = (buf.len() - done).min((ps - (cur & (ps - 1))) as usize);
            let pa = self.virt_to_phys(cur)?;
            excluded += self.read_physical(pa, &mut buf[done..done + chunk])?;
            done += chunk;
        }
        Ok(excluded)
    }

    /// Reads a little-endian u64 at a kernel virtual address.
    pub fn read_virt_u64(&self, va: u64) -> Result<u64> {
        let mut b = [0u8; 8];
        self.read_virtual(va, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads a little-endian u32 at a kernel virtual address.
    pub fn read_virt_u32(&self, va: u64) -> Result<u32> {
        let mut b = [0u8; 4];
        self.read_virtual(va, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Reads `len` bytes of virtual memory, filling unreadable pages with zeros and
    /// reporting them (and excluded pages) in `warnings` under the name `what`.
    pub(crate) fn read_virt_lossy(
        &self,
        va: u64,
        len: usize,
        what: &str,
        warnings: &mut Vec<String>,
    ) -> Vec<u8> {
        let mut buf = vec![0u8; len];
        let ps = self.page_size;
        let mut done = 0usize;
        let mut excluded = 0u64;
        let mut bad_pages = 0u64;
        let mut first_err = None;
        while done < len {
            let cur = va.wrapping_add(done as u64);
            let chunk = (len - done).min((ps - (cur & (ps - 1))) as usize);
            let r = self
                .virt_to_phys(cur)
                .and_then(|pa| self.read_physical(pa, &mut buf[done..done + chunk]));
            match r {
                Ok(x) => excluded += x,
                Err(e) => {
                    buf[done..done + chunk].fill(0);
                    bad_pages += 1;
                    if first_err.is_none() {
                        first_err = Some(e.to_string());
                    }
                }
            }
            done += chunk;
        }
        if bad_pages > 0 {
            warnings.push(format!(
                "{what}: {bad_pages} page(s) unreadable, read as zeros (first: {})",
                first_err.unwrap_or_default()
            ));
        }
        if excluded > 0 {
            warnings.push(format!(
                "{what}: {excluded} byte(s) were filtered out of the dump, read as zeros"
            ));
        }
        buf
    }

    /// Starts recording which page frames are read (to cut small test fixtures from real
    /// dumps); [`Vmcore::take_access_log`] returns them.
    pub fn start_access_log(&self) {
        if let Ok(mut log) = self.access_log.lock() {
            *log = Some(Default::default());
        }
    }

    /// Stops recording and returns the page frame numbers read since
    /// [`Vmcore::start_access_log`].
    pub fn take_access_log(&self) -> std::collections::BTreeSet<u64> {
        self.access_log
            .lock()
            .ok()
            .and_then(|mut l| l.take())
            .unwrap_or_default()
    }

    /// The raw notes blob (NT_PRSTATUS, VMCOREINFO, QEMU notes) as found in the dump.
    pub fn notes(&self) -> &[u8] {
        &self.notes
    }

    /// The raw notes blob (NT_PRSTATUS, VMCOREINFO, QEMU notes...).
    pub(crate) fn notes_blob(&self) -> &[u8] {
        &self.notes
    }

    /// Size of the underlying (reassembled) file.
    pub(crate) fn file_size(&self) -> u64 {
        self.src.size()
    }
}
