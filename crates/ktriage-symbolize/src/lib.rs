//! Kernel call traces to source lines, in process: `func+0x1c/0x80` through the symbol table
//! of a vmlinux or a module (any ELF executable or relocatable object with DWARF), then the
//! line table and inline chain at that address.
//!
//! * A relocatable object (a `.ko`) has its allocated sections laid out at bases of their own
//!   and its debug sections' absolute relocations applied against them.
//! * An executable is read without applying relocation sections (Debian's `--emit-relocs`
//!   vmlinux carries hundreds of MB of `.rela.debug_*` that an executable does not need);
//!   compressed debug sections (`SHF_COMPRESSED`) are inflated.
//! * `func+off/len` is resolved by name (KASLR does not matter); `len` is checked against the
//!   symbol's size, so a vmlinux that did not print the log is flagged, not silently used.
//! * A return address (a frame of a call trace) is looked up at `addr - 1`, the trapping PC
//!   (`RIP:`, `pc :`) at `addr` ([`Lookup`]).
//! * Every read is checked: a file that is not ELF, or has no symbols or no line table, is an
//!   [`Error`] naming it; a truncated or hostile DWARF gives no location, never a panic.

// Unsafe code only where a file is mapped and where the mapping is declared address-stable
// (see `Bytes`); everything else is safe.
#![deny(unsafe_code)]
#![warn(missing_docs)]

use gimli::{EndianReader, RunTimeEndian};
use object::{Object, ObjectSection, ObjectSymbol};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Why a binary cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The file is not an ELF object this crate reads, or its headers are damaged.
    #[error("{path}: not a readable ELF file ({why})")]
    NotElf {
        /// The file.
        path: String,
        /// The parser's reason.
        why: String,
    },
    /// The file has no function symbols.
    #[error("{path}: no function symbols (a stripped image?)")]
    NoSymbols {
        /// The file.
        path: String,
    },
    /// The file has no line table (`.debug_line`): no debug information.
    #[error(
        "{path}: no DWARF line table (install the -dbg / debuginfo package and pass its vmlinux)"
    )]
    NoDebugInfo {
        /// The file.
        path: String,
    },
}

/// One source position: `file:line` in `function` (the function the code belongs to at that
/// level of the inline chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// The function (an inlined one for all but the last entry of a chain).
    pub function: Option<String>,
    /// Source file as the compiler recorded it (directory joined).
    pub file: Option<String>,
    /// Line, 0 when unknown.
    pub line: u32,
}

/// How an address is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A return address (a call trace frame): the call is the instruction before it.
    Return,
    /// The address of the instruction itself (the trapping PC).
    Exact,
}

/// A `func+off/len` resolved through the symbol table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The address (in the binary's link-time layout).
    pub address: u64,
    /// The symbol's length as the kernel prints it (distance to the next symbol).
    pub symbol_size: u64,
    /// Whether the printed length equals the symbol's size (false: another build printed
    /// the log, or the symbol is ambiguous).
    pub size_matches: bool,
}

#[derive(Debug, Clone)]
struct Symbol {
    address: u64,
    /// `st_size`.
    size: u64,
    /// Distance to the next code symbol (what kallsyms prints as the length).
    span: u64,
}

/// A file's bytes: mapped (a vmlinux is large, and only the pages looked at are read) or owned.
enum Backing {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// Shared, address-stable bytes for the DWARF readers.
#[derive(Clone)]
struct Bytes(Arc<Backing>);

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match &*self.0 {
            Backing::Mapped(m) => m,
            Backing::Owned(v) => v,
        }
    }
}

// SAFETY: the bytes are a mapping or a `Vec`'s heap buffer owned by the `Arc`; neither moves
// nor changes while a clone of the `Arc` exists, so every clone derefs to the same address.
#[allow(unsafe_code)]
unsafe impl stable_deref_trait::StableDeref for Bytes {}
// SAFETY: as above; a clone shares the same `Arc`.
#[allow(unsafe_code)]
unsafe impl stable_deref_trait::CloneStableDeref for Bytes {}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

impl Bytes {
    fn owned(v: Vec<u8>) -> Bytes {
        Bytes(Arc::new(Backing::Owned(v)))
    }
}

type Reader = EndianReader<RunTimeEndian, Bytes>;

/// An executable with its function symbols and DWARF, ready for lookups.
pub struct Binary {
    path: String,
    by_name: HashMap<String, Vec<Symbol>>,
    ctx: addr2line::Context<Reader>,
    build_id: Option<Vec<u8>>,
    release: Option<String>,
}

impl Binary {
    /// Reads `path` (see [`Binary::from_bytes`]), mapped when the system allows it.
    pub fn open(path: &Path) -> Result<Binary, Error> {
        Binary::from_shared(&path.display().to_string(), map_file(path)?)
    }

    /// Parses an ELF executable held in memory; `name` is used in errors.
    pub fn from_bytes(name: &str, data: Vec<u8>) -> Result<Binary, Error> {
        Binary::from_shared(name, Bytes::owned(data))
    }

    fn from_shared(name: &str, data: Bytes) -> Result<Binary, Error> {
        let file = object::File::parse(&*data).map_err(|e| Error::NotElf {
            path: name.to_string(),
            why: e.to_string(),
        })?;
        // A relocatable object (a module) has no addresses: each allocated section is laid
        // out at a base of its own, symbols are section-relative, and the debug sections get
        // their relocations applied against those bases.
        let relocatable = file.kind() == object::ObjectKind::Relocatable;
        let bases = if relocatable {
            section_bases(&file)
        } else {
            HashMap::new()
        };
        let address_of = |s: &object::Symbol<'_, '_>| -> u64 {
            let base = s
                .section_index()
                .and_then(|i| bases.get(&i).copied())
                .unwrap_or(0);
            base.wrapping_add(s.address())
        };
        // Code symbols: functions, and labels in code sections (assembly entry points such
        // as `entry_SYSCALL_64_after_hwframe`), as kallsyms lists them.
        let code_sections: std::collections::HashSet<object::SectionIndex> = file
            .sections()
            .filter(|s| s.kind() == object::SectionKind::Text)
            .map(|s| s.index())
            .collect();
        let mut by_name: HashMap<String, Vec<Symbol>> = HashMap::new();
        let mut starts: Vec<u64> = Vec::new();
        for s in file.symbols() {
            let code = match s.kind() {
                object::SymbolKind::Text => true,
                // Untyped symbols (`STT_NOTYPE`) in code: what `nm` shows as `T`/`t`.
                object::SymbolKind::Label | object::SymbolKind::Unknown => s
                    .section_index()
                    .is_some_and(|i| code_sections.contains(&i)),
                _ => false,
            };
            let address = address_of(&s);
            if !code || address == 0 {
                continue;
            }
            let Ok(n) = s.name() else { continue };
            if n.is_empty() {
                continue;
            }
            starts.push(address);
            by_name.entry(n.to_string()).or_default().push(Symbol {
                address,
                size: s.size(),
                span: 0,
            });
        }
        // The kernel prints a function's length as the distance to the next symbol.
        starts.sort_unstable();
        starts.dedup();
        for syms in by_name.values_mut() {
            for sym in syms.iter_mut() {
                let i = starts.partition_point(|&a| a <= sym.address);
                sym.span = starts.get(i).map_or(sym.size, |&next| next - sym.address);
            }
        }
        if by_name.is_empty() {
            return Err(Error::NoSymbols {
                path: name.to_string(),
            });
        }
        if file.section_by_name(".debug_line").is_none() {
            return Err(Error::NoDebugInfo {
                path: name.to_string(),
            });
        }
        let endian = if file.is_little_endian() {
            RunTimeEndian::Little
        } else {
            RunTimeEndian::Big
        };
        let whole = Reader::new(data.clone(), endian);
        // Section bytes without relocations: a sub-range of the file, or inflated.
        let load = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
            let Some(section) = file.section_by_name(id.name()) else {
                return Ok(Reader::new(Bytes::owned(Vec::new()), endian));
            };
            let compressed = section
                .compressed_file_range()
                .is_ok_and(|r| r.format != object::CompressionFormat::None);
            if relocatable && section.relocations().next().is_some() {
                let mut bytes = if compressed {
                    inflate(&data, &section)
                } else {
                    section.data().map(<[u8]>::to_vec).unwrap_or_default()
                };
                relocate(&file, &section, &bases, &mut bytes);
                return Ok(Reader::new(Bytes::owned(bytes), endian));
            }
            match (compressed, section.file_range()) {
                (false, Some((off, size))) => {
                    let (off, size) = (off as usize, size as usize);
                    if off.checked_add(size).is_some_and(|e| e <= data.len()) {
                        Ok(whole.range(off..off + size))
                    } else {
                        Ok(Reader::new(Bytes::owned(Vec::new()), endian))
                    }
                }
                _ => Ok(Reader::new(Bytes::owned(inflate(&data, &section)), endian)),
            }
        };
        let dwarf = gimli::Dwarf::load(load).map_err(|e| Error::NotElf {
            path: name.to_string(),
            why: format!("DWARF: {e}"),
        })?;
        let ctx = addr2line::Context::from_dwarf(dwarf).map_err(|e| Error::NotElf {
            path: name.to_string(),
            why: format!("DWARF: {e}"),
        })?;
        let build_id = file.build_id().ok().flatten().map(<[u8]>::to_vec);
        let release = file
            .section_by_name(".rodata")
            .and_then(|s| s.data().ok())
            .and_then(banner_release);
        Ok(Binary {
            path: name.to_string(),
            by_name,
            ctx,
            build_id,
            release,
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kernel release of the image's `Linux version` banner (`6.1.0-57-amd64`), when
    /// it has one.
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// The GNU build id, when the binary has one.
    pub fn build_id(&self) -> Option<&[u8]> {
        self.build_id.as_deref()
    }

    /// `function+offset`, with the printed length when there is one: the kernel prints the
    /// distance to the next symbol, which the symbol's span in this binary must equal (or its
    /// ELF size, as other tools print).
    pub fn resolve(&self, function: &str, offset: u64, len: Option<u64>) -> Option<Resolved> {
        let candidates = self.by_name.get(function)?;
        let fits = |s: &&Symbol| {
            len.is_none_or(|l| s.span == l || s.size == l) && offset < s.span.max(s.size).max(1)
        };
        let (sym, size_matches) = match candidates.iter().find(fits) {
            Some(s) => (
                s,
                len.is_none_or(|_| candidates.iter().filter(fits).count() == 1),
            ),
            None => (candidates.first()?, false),
        };
        Some(Resolved {
            address: sym.address.checked_add(offset)?,
            symbol_size: sym.span,
            size_matches,
        })
    }

    /// The source lines at `address`, innermost inlined function first (as `addr2line -i`
    /// prints them); empty when the line table does not cover it.
    pub fn locate(&self, address: u64, how: Lookup) -> Vec<SourceLine> {
        let probe = match how {
            Lookup::Return => address.saturating_sub(1),
            Lookup::Exact => address,
        };
        let mut out = Vec::new();
        let Ok(mut frames) = self.ctx.find_frames(probe).skip_all_loads() else {
            return out;
        };
        // A bound against a hostile inline chain.
        while out.len() < 64 {
            let Ok(Some(f)) = frames.next() else { break };
            let function = f
                .function
                .as_ref()
                .and_then(|n| n.raw_name().ok().map(|s| s.into_owned()));
            let (file, line) = f.location.map_or((None, 0), |l| {
                (l.file.map(str::to_string), l.line.unwrap_or(0))
            });
            out.push(SourceLine {
                function,
                file,
                line,
            });
        }
        if out.iter().all(|l| l.file.is_none()) {
            if let Ok(Some(l)) = self.ctx.find_location(probe) {
                out = vec![SourceLine {
                    function: None,
                    file: l.file.map(str::to_string),
                    line: l.line.unwrap_or(0),
                }];
            }
        }
        out
    }
}

/// Where each allocated section of a relocatable object is laid out: one after the other from
/// 1 MiB, each on a 4 KiB boundary, so that no two overlap (debug sections stay at 0, as the
/// offsets into them that relocations resolve to).
fn section_bases(file: &object::File<'_>) -> HashMap<object::SectionIndex, u64> {
    let mut bases = HashMap::new();
    let mut next: u64 = 1 << 20;
    for s in file.sections() {
        let alloc = match s.flags() {
            object::SectionFlags::Elf { sh_flags } => {
                sh_flags & u64::from(object::elf::SHF_ALLOC) != 0
            }
            _ => false,
        };
        if alloc {
            bases.insert(s.index(), next);
            next = next.saturating_add(s.size().saturating_add(0xfff) & !0xfff);
        }
    }
    bases
}

/// Applies a debug section's absolute relocations (`R_X86_64_64`/`_32`, `R_AARCH64_ABS64`/
/// `ABS32`...) against the section bases; others are left as they are.
fn relocate(
    file: &object::File<'_>,
    section: &object::Section<'_, '_>,
    bases: &HashMap<object::SectionIndex, u64>,
    bytes: &mut [u8],
) {
    let little = file.is_little_endian();
    for (offset, r) in section.relocations() {
        if r.kind() != object::RelocationKind::Absolute {
            continue;
        }
        let target = match r.target() {
            object::RelocationTarget::Symbol(i) => file.symbol_by_index(i).ok().map(|sym| {
                let base = sym
                    .section_index()
                    .and_then(|i| bases.get(&i).copied())
                    .unwrap_or(0);
                base.wrapping_add(sym.address())
            }),
            object::RelocationTarget::Section(i) => Some(bases.get(&i).copied().unwrap_or(0)),
            _ => None,
        };
        let Some(target) = target else { continue };
        let value = target.wrapping_add(r.addend() as u64);
        let at = offset as usize;
        match r.size() {
            64 => {
                if let Some(dst) = at.checked_add(8).and_then(|e| bytes.get_mut(at..e)) {
                    let v = if little {
                        value.to_le_bytes()
                    } else {
                        value.to_be_bytes()
                    };
                    dst.copy_from_slice(&v);
                }
            }
            32 => {
                if let Some(dst) = at.checked_add(4).and_then(|e| bytes.get_mut(at..e)) {
                    let v = value as u32;
                    let v = if little {
                        v.to_le_bytes()
                    } else {
                        v.to_be_bytes()
                    };
                    dst.copy_from_slice(&v);
                }
            }
            _ => {}
        }
    }
}

/// A compressed section's bytes, inflated as far as its stream really goes: the size its
/// header claims only caps the output (a hostile header cannot make it allocate more than
/// the data decompresses to). Empty when it cannot be read.
fn inflate(data: &[u8], section: &object::Section<'_, '_>) -> Vec<u8> {
    use std::io::Read;
    let Ok(range) = section.compressed_file_range() else {
        return Vec::new();
    };
    let (off, size) = (range.offset as usize, range.compressed_size as usize);
    let Some(input) = off.checked_add(size).and_then(|end| data.get(off..end)) else {
        return Vec::new();
    };
    // DWARF never compresses a thousandfold; zlib cannot go further either.
    let cap = range
        .uncompressed_size
        .min((size as u64).saturating_mul(1100).saturating_add(1 << 20));
    let mut out = Vec::new();
    let read = match range.format {
        object::CompressionFormat::Zlib => flate2::read::ZlibDecoder::new(input)
            .take(cap)
            .read_to_end(&mut out),
        object::CompressionFormat::Zstandard => match zstd::stream::read::Decoder::new(input) {
            Ok(d) => d.take(cap).read_to_end(&mut out),
            Err(e) => Err(e),
        },
        _ => return Vec::new(),
    };
    // A stream cut short keeps what it gave (DWARF parsing stops where the bytes end).
    let _ = read;
    out
}

/// The release in a `Linux version RELEASE (` banner found in `data`.
fn banner_release(data: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(data, b"Linux version ")? + 14;
    let rest = data.get(at..at + 128.min(data.len() - at))?;
    let end = rest.iter().position(|&c| c == b' ' || c == 0)?;
    let r = std::str::from_utf8(&rest[..end]).ok()?;
    (!r.is_empty()).then(|| r.to_string())
}

/// A `func+off/len` located: the address it resolved to and the source lines there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// How the name resolved.
    pub resolved: Resolved,
    /// The inline chain at the address, innermost first.
    pub lines: Vec<SourceLine>,
}

/// The kernel image and, on demand, the modules a trace names (`.ko`, `.ko.xz`, `.ko.zst`,
/// `.ko.gz` found under a directory, `-` and `_` alike as modprobe has them). Answers about
/// the kernel image are remembered per build id in a cache directory, so a second run on the
/// same trace does not parse the image at all.
pub struct Symbols {
    path: String,
    /// The mapped image, parsed on the first lookup the cache cannot answer.
    data: Option<Bytes>,
    vmlinux: Option<Binary>,
    modules_dir: Option<std::path::PathBuf>,
    modules: HashMap<String, Option<Binary>>,
    cache: Option<cache::Cache>,
    /// Modules that could not be found or read, each said once.
    pub problems: Vec<String>,
}

impl Symbols {
    /// The kernel image, with the directory to find modules in (none: module frames are not
    /// located); no cache.
    pub fn new(vmlinux: Binary, modules_dir: Option<std::path::PathBuf>) -> Symbols {
        Symbols {
            path: vmlinux.path.clone(),
            data: None,
            vmlinux: Some(vmlinux),
            modules_dir,
            modules: HashMap::new(),
            cache: None,
            problems: Vec::new(),
        }
    }

    /// Opens the kernel image at `path` with a cache of answers below `cache_dir` (one file
    /// per build id). With answers cached for its build id, the image is only parsed when a
    /// lookup misses; otherwise it is parsed now, and errors are its.
    pub fn open(
        path: &Path,
        modules_dir: Option<std::path::PathBuf>,
        cache_dir: Option<&Path>,
    ) -> Result<Symbols, Error> {
        let name = path.display().to_string();
        let data = map_file(path)?;
        let build_id = object::File::parse(&*data)
            .ok()
            .and_then(|f| f.build_id().ok().flatten().map(<[u8]>::to_vec));
        let cache = match (cache_dir, build_id) {
            (Some(dir), Some(id)) => Some(cache::Cache::load(dir, &id)),
            _ => None,
        };
        let mut syms = Symbols {
            path: name.clone(),
            data: Some(data),
            vmlinux: None,
            modules_dir,
            modules: HashMap::new(),
            cache,
            problems: Vec::new(),
        };
        if syms.cache.as_ref().is_none_or(|c| c.is_empty()) {
            syms.parse()?;
        }
        Ok(syms)
    }

    /// Whether the image has been parsed (not when the cache answered everything so far).
    pub fn parsed(&self) -> bool {
        self.vmlinux.is_some()
    }

    /// The kernel image's path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Parses the image (once).
    fn parse(&mut self) -> Result<&Binary, Error> {
        if self.vmlinux.is_none() {
            let data = self.data.take().ok_or_else(|| Error::NotElf {
                path: self.path.clone(),
                why: "could not be read again".into(),
            })?;
            self.vmlinux = Some(Binary::from_shared(&self.path, data)?);
        }
        self.vmlinux.as_ref().ok_or_else(|| Error::NotElf {
            path: self.path.clone(),
            why: "unreadable".into(),
        })
    }

    /// The parsed kernel image (parsing it if the cache kept it from being parsed so far).
    pub fn vmlinux(&mut self) -> Option<&Binary> {
        self.parse().ok()
    }

    /// The kernel release the image prints in its banner (cached like the answers).
    pub fn release(&mut self) -> Option<String> {
        const KEY: &str = "\u{1}release";
        if let Some(c) = &self.cache {
            if let Some(v) = c.get_text(KEY) {
                return (!v.is_empty()).then(|| v.to_string());
            }
        }
        let r = self
            .parse()
            .ok()
            .and_then(|b| b.release().map(str::to_string));
        if let Some(c) = &mut self.cache {
            c.put_text(KEY, r.as_deref().unwrap_or(""));
        }
        r
    }

    /// The source directory the image was built in (see [`trace::basepath`]).
    pub fn basepath(&mut self) -> Option<String> {
        const KEY: &str = "\u{1}basepath";
        if let Some(c) = &self.cache {
            if let Some(v) = c.get_text(KEY) {
                return (!v.is_empty()).then(|| v.to_string());
            }
        }
        let base = self.parse().ok().and_then(trace::basepath);
        if let Some(c) = &mut self.cache {
            c.put_text(KEY, base.as_deref().unwrap_or(""));
        }
        base
    }

    /// `function+offset/len` in the image (`module` `None`) or in a module, with the source
    /// lines at its address looked up `how`.
    pub fn lookup(
        &mut self,
        module: Option<&str>,
        function: &str,
        offset: u64,
        len: Option<u64>,
        how: Lookup,
    ) -> Option<Located> {
        let key = cache::key(function, offset, len, how);
        if module.is_none() {
            if let Some(hit) = self.cache.as_ref().and_then(|c| c.get(&key)) {
                return hit;
            }
        }
        let bin = self.binary(module)?;
        let found = bin.resolve(function, offset, len).map(|resolved| Located {
            lines: bin.locate(resolved.address, how),
            resolved,
        });
        if module.is_none() {
            if let Some(c) = &mut self.cache {
                c.put(&key, found.as_ref());
            }
        }
        found
    }

    /// Writes the answers learnt to the cache (a failure only costs the next run its speed).
    pub fn save(&mut self) {
        if let Some(c) = &mut self.cache {
            c.save();
        }
    }

    /// The binary a frame's code is in: the kernel image, or the module named.
    pub fn binary(&mut self, module: Option<&str>) -> Option<&Binary> {
        let Some(m) = module else {
            return self.parse().ok();
        };
        let dir = self.modules_dir.as_ref()?;
        if !self.modules.contains_key(m) {
            let loaded = match find_module(dir, m) {
                None => {
                    self.problems.push(format!(
                        "{}: no module {m} (.ko, .ko.xz, .ko.zst, .ko.gz) below it",
                        dir.display()
                    ));
                    None
                }
                Some(p) => match read_module(&p) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        self.problems.push(e.to_string());
                        None
                    }
                },
            };
            self.modules.insert(m.to_string(), loaded);
        }
        self.modules.get(m).and_then(Option::as_ref)
    }
}

/// The file's bytes, mapped when the system allows it.
fn map_file(path: &Path) -> Result<Bytes, Error> {
    let name = path.display().to_string();
    let io = |e| Error::Io {
        path: name.clone(),
        source: e,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    // SAFETY: the mapping is read-only and the file is not expected to change while it is
    // read (a debug image installed by the package manager); a file truncated under us
    // would fault, as it would for binutils and LLVM tools, which map it too.
    #[allow(unsafe_code)]
    let mapped = unsafe { memmap2::Mmap::map(&f) };
    Ok(match mapped {
        Ok(m) => Bytes(Arc::new(Backing::Mapped(m))),
        Err(_) => Bytes::owned(std::fs::read(path).map_err(io)?),
    })
}

/// A kernel release's debug images as a distribution installs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debuginfo {
    /// The vmlinux with debug info.
    pub vmlinux: std::path::PathBuf,
    /// The directory of its modules' debug files, when there is one.
    pub modules: Option<std::path::PathBuf>,
}

/// Where the debug images of kernel `release` are below `root` (`/` for this machine).
/// Debian and Ubuntu: `usr/lib/debug/boot/vmlinux-REL` and `usr/lib/debug/lib/modules/REL`;
/// Fedora and RHEL: `usr/lib/debug/lib/modules/REL/vmlinux` and the same directory (`*.ko.debug`);
/// a kernel built by hand: `lib/modules/REL/build/vmlinux`, `boot/vmlinux-REL` and
/// `lib/modules/REL`. When none is there, the paths it looked at, for the message.
pub fn find_debuginfo(root: &Path, release: &str) -> Result<Debuginfo, Vec<std::path::PathBuf>> {
    let debug_modules = root.join("usr/lib/debug/lib/modules").join(release);
    let modules = root.join("lib/modules").join(release);
    let candidates = [
        (
            root.join("usr/lib/debug/boot")
                .join(format!("vmlinux-{release}")),
            &debug_modules,
        ),
        (debug_modules.join("vmlinux"), &debug_modules),
        (modules.join("build/vmlinux"), &modules),
        (
            root.join("boot").join(format!("vmlinux-{release}")),
            &modules,
        ),
    ];
    match candidates.iter().find(|(p, _)| p.is_file()) {
        Some((vmlinux, m)) => Ok(Debuginfo {
            vmlinux: vmlinux.clone(),
            modules: [*m, &debug_modules, &modules]
                .into_iter()
                .find(|d| d.is_dir())
                .cloned(),
        }),
        None => Err(candidates.into_iter().map(|(p, _)| p).collect()),
    }
}

/// The file of module `name` below `dir` (`-` and `_` alike).
fn find_module(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let want = name.replace('-', "_");
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            seen += 1;
            if seen > 1_000_000 {
                return None;
            }
            let p = e.path();
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(p);
                continue;
            }
            let file = e.file_name().to_string_lossy().replace('-', "_");
            let stem = [".ko", ".ko.xz", ".ko.zst", ".ko.gz", ".ko.debug"]
                .iter()
                .find_map(|x| file.strip_suffix(x));
            if stem == Some(want.as_str()) {
                return Some(p);
            }
        }
    }
    None
}

/// A module file, decompressed in memory when it is `.xz`, `.zst` or `.gz`.
fn read_module(p: &Path) -> Result<Binary, Error> {
    use std::io::Read;
    let name = p.display().to_string();
    let io = |e| Error::Io {
        path: name.clone(),
        source: e,
    };
    let raw = std::fs::read(p).map_err(io)?;
    // Bounded: a module is a few MB; 512 MB is far beyond any.
    let limit = 512 << 20;
    let mut out = Vec::new();
    let r = match p.extension().and_then(|x| x.to_str()) {
        Some("xz") => xz2::read::XzDecoder::new(&raw[..])
            .take(limit)
            .read_to_end(&mut out),
        Some("zst") => zstd::stream::read::Decoder::new(&raw[..])
            .and_then(|d| d.take(limit).read_to_end(&mut out)),
        Some("gz") => flate2::read::GzDecoder::new(&raw[..])
            .take(limit)
            .read_to_end(&mut out),
        _ => {
            out = raw;
            Ok(0)
        }
    };
    r.map_err(io)?;
    Binary::from_bytes(&name, out)
}

pub mod cache;
pub mod trace;
