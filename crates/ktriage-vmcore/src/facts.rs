//! Crash facts available without debuginfo.

use crate::elf::parse_notes;
use crate::error::Result;
use crate::kdump::{
    DUMP_DH_COMPRESSED_INCOMPLETE, DUMP_DH_COMPRESSED_LZO, DUMP_DH_COMPRESSED_SNAPPY,
    DUMP_DH_COMPRESSED_ZLIB, DUMP_DH_COMPRESSED_ZSTD,
};
use crate::printk::Dmesg;
use crate::source::{c_str, le_u32, le_u64};
use crate::{Arch, Backend, Format, Vmcore};

/// Who wrote the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Producer {
    /// QEMU `dump-guest-memory`, or a dump derived from one (registers are vCPU state,
    /// `pr_pid` is a vCPU index + 1).
    Qemu,
    /// makedumpfile (kdump-compressed) or another kdump-compressed writer.
    Makedumpfile,
    /// A kernel /proc/vmcore copy or `makedumpfile -E`.
    KernelElf,
}

impl std::fmt::Display for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Producer::Qemu => "QEMU dump-guest-memory",
            Producer::Makedumpfile => "makedumpfile (kdump-compressed)",
            Producer::KernelElf => "kernel /proc/vmcore (ELF)",
        })
    }
}

/// The kernel's `struct new_utsname`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Utsname {
    /// `sysname` ("Linux").
    pub sysname: String,
    /// `nodename` (host name).
    pub nodename: String,
    /// `release` (`uname -r`).
    pub release: String,
    /// `version` (`#1 SMP PREEMPT_DYNAMIC ...`).
    pub version: String,
    /// `machine` (`x86_64`, `aarch64`).
    pub machine: String,
    /// `domainname`.
    pub domainname: String,
}

/// One NT_PRSTATUS note (positional: note index is not a CPU number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrStatus {
    /// Position of the note among the NT_PRSTATUS notes.
    pub index: usize,
    /// `pr_pid`: the task running on that CPU (0 = idle; a vCPU index + 1 for QEMU).
    pub pid: i32,
    /// Program counter (`rip` / `pc`).
    pub pc: Option<u64>,
    /// Stack pointer (`rsp` / `sp`).
    pub sp: Option<u64>,
    /// All general registers by name, in `pr_reg` order.
    pub registers: Vec<(&'static str, u64)>,
}

/// How complete the dump is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completeness {
    /// The writer flagged the dump incomplete (ELF `e_flags & 1`, kdump `status & 0x8`).
    pub incomplete_flag: bool,
    /// The file ends before data its headers describe.
    pub truncated: bool,
    /// Pages whose data is missing (incomplete or truncated dump).
    pub lost_pages: u64,
    /// RAM pages filtered out by the writer (dump level), read as zeros.
    pub excluded_pages: u64,
    /// Pages with data in the dump.
    pub dumped_pages: Option<u64>,
    /// makedumpfile dump level (`-d`), when recorded.
    pub dump_level: Option<i32>,
    /// Page compression methods announced by a kdump header.
    pub compression: Vec<&'static str>,
}

impl Completeness {
    /// True when nothing is missing beyond deliberately filtered pages.
    pub fn is_complete(&self) -> bool {
        !self.incomplete_flag && !self.truncated && self.lost_pages == 0
    }
}

/// Facts about the crash and the dump.
#[derive(Debug, Clone)]
pub struct Facts {
    /// Container format.
    pub format: Format,
    /// Architecture.
    pub arch: Arch,
    /// Who wrote the dump.
    pub producer: Producer,
    /// Kernel release (`OSRELEASE`, else utsname).
    pub kernel_release: Option<String>,
    /// GNU build id of vmlinux (`BUILD-ID`, 5.9+).
    pub build_id: Option<String>,
    /// Crash time in seconds since the epoch (`CRASHTIME`, else the kdump timestamp).
    pub crash_time: Option<i64>,
    /// Page size of the dumped kernel.
    pub page_size: u64,
    /// KASLR slide (`KERNELOFFSET`).
    pub kernel_offset: Option<u64>,
    /// utsname read from kernel memory (or the kdump header).
    pub utsname: Option<Utsname>,
    /// NT_PRSTATUS notes.
    pub prstatus: Vec<PrStatus>,
    /// Number of QEMU CPU-state notes.
    pub qemu_cpus: usize,
    /// Completeness of the dump.
    pub completeness: Completeness,
    /// True when VMCOREINFO was found.
    pub has_vmcoreinfo: bool,
    /// Problems noticed while opening or reading.
    pub warnings: Vec<String>,
}

const X86_REGS: [&str; 27] = [
    "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi",
    "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs",
    "gs",
];
const ARM64_REGS: [&str; 34] = [
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
    "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27",
    "x28", "x29", "x30", "sp", "pc", "pstate",
];

fn prstatus(arch: Arch, index: usize, desc: &[u8]) -> PrStatus {
    let pid = le_u32(desc, 32) as i32;
    let names: &[&'static str] = match arch {
        Arch::X86_64 => &X86_REGS,
        Arch::Aarch64 => &ARM64_REGS,
        Arch::Unknown(_) => &[],
    };
    let mut registers = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let off = 112 + i * 8;
        if off + 8 > desc.len() {
            break;
        }
        registers.push((*n, le_u64(desc, off)));
    }
    let get = |n: &str| registers.iter().find(|(k, _)| *k == n).map(|&(_, v)| v);
    let (pc, sp) = match arch {
        Arch::X86_64 => (get("rip"), get("rsp")),
        Arch::Aarch64 => (get("pc"), get("sp")),
        Arch::Unknown(_) => (None, None),
    };
    PrStatus {
        index,
        pid,
        pc,
        sp,
        registers,
    }
}

fn utsname_from(b: &[u8]) -> Utsname {
    let f = |i: usize| c_str(b.get(i * 65..(i + 1) * 65).unwrap_or(&[]));
    Utsname {
        sysname: f(0),
        nodename: f(1),
        release: f(2),
        version: f(3),
        machine: f(4),
        domainname: f(5),
    }
}

impl Vmcore {
    /// Extracts the kernel log (layout chosen from VMCOREINFO keys).
    pub fn dmesg(&self) -> Result<Dmesg> {
        crate::printk::extract(self)
    }

    /// The kernel's utsname read from memory (`init_uts_ns`), if reachable.
    pub fn utsname(&self) -> Option<Utsname> {
        let vi = self.vmcoreinfo();
        let base = vi.symbol("init_uts_ns")?;
        let off = vi.offset("uts_namespace.name").unwrap_or(0).min(4096);
        let mut b = vec![0u8; 390];
        self.read_virtual(base.wrapping_add(off), &mut b).ok()?;
        let u = utsname_from(&b);
        if u.sysname.is_empty() && u.release.is_empty() {
            None
        } else {
            Some(u)
        }
    }

    /// Collects crash facts: release, build id, crash time, registers, completeness.
    pub fn facts(&self) -> Facts {
        let vi = self.vmcoreinfo();
        let notes = parse_notes(self.notes_blob());
        let mut prs = Vec::new();
        let mut qemu_cpus = 0;
        for n in &notes {
            if n.name == b"CORE" && n.ntype == 1 {
                prs.push(prstatus(self.arch(), prs.len(), n.desc));
            } else if n.name == b"QEMU" {
                qemu_cpus += 1;
            }
        }
        // QEMU leaves tell-tale signs even without its x86 CPU notes: physical-only
        // PT_LOADs (p_vaddr == p_paddr), or a kdump header whose utsname only has `machine`.
        let producer = match &self.backend {
            _ if qemu_cpus > 0 => Producer::Qemu,
            Backend::Elf(e) if e.vloads.is_empty() && !e.loads.is_empty() => Producer::Qemu,
            Backend::Elf(_) => Producer::KernelElf,
            Backend::Kdump(k) if k.header.utsname[0].is_empty() => Producer::Qemu,
            Backend::Kdump(_) => Producer::Makedumpfile,
        };
        let mut c = Completeness::default();
        let mut utsname = self.utsname();
        let mut crash_time = vi.crash_time();
        match &self.backend {
            Backend::Elf(e) => {
                c.incomplete_flag = e.flags & 1 != 0;
                let len = self.file_size();
                let ps = self.page_size();
                let mut excluded = 0u64;
                let mut lost = 0u64;
                let mut dumped = 0u64;
                for l in &e.loads {
                    excluded += (l.memsz - l.filesz) / ps;
                    dumped += l.filesz / ps;
                    let end = l.offset.saturating_add(l.filesz);
                    if end > len {
                        c.truncated = true;
                        lost += (end - len.max(l.offset)) / ps;
                    }
                }
                c.excluded_pages = excluded;
                c.lost_pages = lost;
                c.dumped_pages = Some(dumped);
            }
            Backend::Kdump(k) => {
                let h = &k.header;
                c.incomplete_flag = h.status & DUMP_DH_COMPRESSED_INCOMPLETE != 0;
                c.dump_level = h.dump_level;
                c.excluded_pages = k.excluded_pages();
                c.dumped_pages = Some(k.dumped_pages());
                c.lost_pages = k.lost_pages(&*self.src);
                c.truncated = c.lost_pages > 0 && !c.incomplete_flag;
                for (flag, name) in [
                    (DUMP_DH_COMPRESSED_ZLIB, "zlib"),
                    (DUMP_DH_COMPRESSED_LZO, "lzo"),
                    (DUMP_DH_COMPRESSED_SNAPPY, "snappy"),
                    (DUMP_DH_COMPRESSED_ZSTD, "zstd"),
                ] {
                    if h.status & flag != 0 {
                        c.compression.push(name);
                    }
                }
                if utsname.is_none() && !h.utsname[2].is_empty() {
                    utsname = Some(Utsname {
                        sysname: h.utsname[0].clone(),
                        nodename: h.utsname[1].clone(),
                        release: h.utsname[2].clone(),
                        version: h.utsname[3].clone(),
                        machine: h.utsname[4].clone(),
                        domainname: h.utsname[5].clone(),
                    });
                }
                if crash_time.is_none() && h.timestamp_sec > 0 {
                    crash_time = Some(h.timestamp_sec);
                }
            }
        }
        let kernel_release = vi
            .osrelease()
            .map(str::to_string)
            .or_else(|| utsname.as_ref().map(|u| u.release.clone()))
            .filter(|s| !s.is_empty());
        let mut warnings = self.warnings().to_vec();
        if c.incomplete_flag {
            warnings.push("the dump is flagged incomplete by its writer".into());
        }
        if c.lost_pages > 0 {
            warnings.push(format!("{} page(s) of the dump are missing", c.lost_pages));
        }
        Facts {
            format: self.format(),
            arch: self.arch(),
            producer,
            kernel_release,
            build_id: vi.build_id().map(str::to_string),
            crash_time,
            page_size: self.page_size(),
            kernel_offset: vi.kernel_offset(),
            utsname,
            prstatus: prs,
            qemu_cpus,
            completeness: c,
            has_vmcoreinfo: self.has_vmcoreinfo(),
            warnings,
        }
    }
}
