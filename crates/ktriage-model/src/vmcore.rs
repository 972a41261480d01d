//! What a vmcore source says about the crash, besides its kernel log.
//!
//! Fields are declared in the order of their JSON names (the document sorts keys).

use crate::WallTime;
use schemars::JsonSchema;
use serde::Serialize;

/// Crash facts of a dump: container, producer, release, build id, crash time, registers,
/// completeness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VmcoreFacts {
    /// Architecture of the dumped kernel.
    pub arch: String,
    /// GNU build id of vmlinux (`BUILD-ID`, 5.9+).
    pub build_id: Option<String>,
    /// Whether every page the dump should hold is there.
    pub completeness: VmcoreCompleteness,
    /// Crash time in seconds since 1970 (`CRASHTIME`, else the kdump header's timestamp).
    pub crash_time: Option<i64>,
    /// The crash time in UTC.
    pub crash_time_utc: Option<WallTime>,
    /// Container format (`ELF64`, `kdump-compressed`, `flattened`...).
    pub format: String,
    /// True when VMCOREINFO was found.
    pub has_vmcoreinfo: bool,
    /// Node name from the dumped utsname.
    pub hostname: Option<String>,
    /// KASLR slide (hex).
    pub kernel_offset: Option<String>,
    /// Kernel release (`OSRELEASE`, else utsname).
    pub kernel_release: Option<String>,
    /// Page size of the dumped kernel.
    pub page_size: u64,
    /// Who wrote the dump (`makedumpfile`, `qemu`, `kernel`...).
    pub producer: String,
    /// One entry per NT_PRSTATUS note (a CPU's registers at the crash).
    pub prstatus: Vec<VmcorePrstatus>,
    /// Number of QEMU CPU-state notes.
    pub qemu_cpus: usize,
    /// Problems noticed while opening or reading the dump.
    pub warnings: Vec<String>,
}

/// Completeness of a dump.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VmcoreCompleteness {
    /// No page missing and no incomplete flag.
    pub complete: bool,
    /// Page compressions used (`zlib`, `lzo`, `snappy`, `zstd`).
    pub compression: Vec<String>,
    /// makedumpfile's dump level (`-d`).
    pub dump_level: Option<i32>,
    /// Pages present.
    pub dumped_pages: Option<u64>,
    /// Pages left out on purpose (dump level filtering).
    pub excluded_pages: u64,
    /// The writer flagged the dump incomplete.
    pub incomplete_flag: bool,
    /// Pages announced but not in the file.
    pub lost_pages: u64,
    /// The file is shorter than its headers say.
    pub truncated: bool,
    /// Whether the kernel log (printk ring) was read whole: `false` when pages of it were
    /// missing or records unreadable; absent when the log was not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_whole: Option<bool>,
}

/// One CPU's NT_PRSTATUS note.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct VmcorePrstatus {
    /// Note index.
    pub index: usize,
    /// Program counter (hex).
    pub pc: Option<String>,
    /// PID of the task on that CPU.
    pub pid: i32,
    /// Stack pointer (hex).
    pub sp: Option<String>,
}
