//! Values a human decodes by hand from a report: arm64 ESR and PSTATE, arm32 FSR and CPSR, x86
//! EFLAGS and page-fault error code, RCU stall fields, the `Oops:` line.
//!
//! Fields are declared in the order of their JSON names (the document sorts keys), so the JSON
//! reads the same as the decoders' tables in `ktriage-parse::decode`.

use schemars::JsonSchema;
use serde::Serialize;

/// arm64 Exception Syndrome Register, decoded as `mem_abort_decode()` / `esr_get_class_string()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Esr {
    /// `read`, `write`, `cache maintenance` or `instruction fetch` (aborts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<&'static str>,
    /// Access size in bytes (data aborts with ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_size: Option<u64>,
    /// SError asynchronous error type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aet: Option<u64>,
    /// Name of the SError type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aet_name: Option<&'static str>,
    /// Acquire/release (ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ar: Option<u64>,
    /// What a known BRK immediate means (`BUG()/WARN()`, `KASAN check failure`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brk_meaning: Option<&'static str>,
    /// Cache maintenance bit (data aborts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cm: Option<u64>,
    /// BRK immediate (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Data fault status code (hex), data aborts and SErrors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dfsc: Option<String>,
    /// External abort bit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ea: Option<u64>,
    /// Exception class (hex).
    pub ec: String,
    /// Exception class name as the kernel prints it.
    pub ec_name: &'static str,
    /// FAR not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fnv: Option<u64>,
    /// Name of the fault status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsc_name: Option<&'static str>,
    /// SError implementation-defined syndrome bit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<u64>,
    /// Instruction fault status code (hex), instruction aborts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifsc: Option<String>,
    /// Instruction length in bits (16 or 32).
    pub il: u64,
    /// Instruction specific syndrome (hex).
    pub iss: String,
    /// ISS2 (hex), when nonzero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss2: Option<String>,
    /// Instruction syndrome valid (data aborts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isv: Option<u64>,
    /// Stage-2 fault on a stage-1 translation table walk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s1ptw: Option<u64>,
    /// Syndrome access size (ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sas: Option<u64>,
    /// Synchronous error type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set: Option<u64>,
    /// 64-bit register transfer (ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sf: Option<u64>,
    /// Syndrome register transfer: the register the load or store used (ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srt: Option<u64>,
    /// Syndrome sign extend (ISV=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sse: Option<u64>,
    /// The register value (hex).
    pub value: String,
    /// Write not read (data aborts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wnr: Option<u64>,
}

/// arm32 fault status (`Internal error: Oops: a05`, `Unhandled fault: ... (0x817)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Fsr {
    /// `read`, `write`, `cache maintenance` or `instruction fetch`.
    pub access: &'static str,
    /// Cache maintenance bit.
    pub cm: u64,
    /// External abort type bit.
    pub ext: u64,
    /// `short-descriptor` or `long-descriptor (LPAE)`.
    pub format: &'static str,
    /// Fault name from the kernel's `fsr_info[]` / `ifsr_info[]`.
    pub fsc_name: String,
    /// Linux's prefetch-abort marker (bit 31).
    pub prefetch_abort: bool,
    /// Fault status (hex).
    pub status: String,
    /// The value as printed (hex).
    pub value: String,
    /// Write not read.
    pub wnr: u64,
}

/// arm64 PSTATE (`pstate: 60400005`), decoded like the kernel's `print_pstate()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Pstate {
    /// SError mask.
    pub a: bool,
    /// The saved state is AArch32.
    pub aarch32: bool,
    /// ALLINT mask.
    pub allint: bool,
    /// Branch type (`--`, `jc`, `-c`, `j-`), AArch64 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btype: Option<&'static str>,
    /// Carry.
    pub c: bool,
    /// Debug mask.
    pub d: bool,
    /// Data independent timing.
    pub dit: bool,
    /// Exception level, AArch64 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub el: Option<u64>,
    /// FIQ mask.
    pub f: bool,
    /// IRQ mask.
    pub i: bool,
    /// Illegal execution state.
    pub il: bool,
    /// IRQs not masked.
    pub interrupts_enabled: bool,
    /// Mode (`EL1h`, AArch32 `SVC_32`).
    pub mode: String,
    /// Negative.
    pub n: bool,
    /// Privileged access never.
    pub pan: bool,
    /// Names of the set flags.
    pub set: Vec<&'static str>,
    /// Stack pointer in use, AArch64 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sp: Option<&'static str>,
    /// Software step.
    pub ss: bool,
    /// Speculative store bypass safe.
    pub ssbs: bool,
    /// Tag check override.
    pub tco: bool,
    /// The kernel's rendering (`nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--`), AArch64 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// User access override.
    pub uao: bool,
    /// Overflow.
    pub v: bool,
    /// The value (hex).
    pub value: String,
    /// Zero.
    pub z: bool,
}

/// arm32 CPSR (`psr: 80010013`), decoded like the kernel's `__show_regs()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Cpsr {
    /// Asynchronous abort mask.
    pub a: bool,
    /// Carry.
    pub c: bool,
    /// Big-endian data.
    pub e: bool,
    /// FIQ mask.
    pub f: bool,
    /// FIQs not masked.
    pub fiqs_enabled: bool,
    /// IRQ mask.
    pub i: bool,
    /// IRQs not masked.
    pub interrupts_enabled: bool,
    /// Instruction set (`ARM`, `Thumb`...).
    pub isa: &'static str,
    /// Jazelle.
    pub j: bool,
    /// Processor mode (`SVC_32`).
    pub mode: &'static str,
    /// Negative.
    pub n: bool,
    /// Saturation.
    pub q: bool,
    /// Names of the set flags.
    pub set: Vec<&'static str>,
    /// Thumb.
    pub t: bool,
    /// The kernel's rendering (`nZCv  IRQs off  FIQs on  Mode SVC_32  ISA ARM`).
    pub text: String,
    /// Overflow.
    pub v: bool,
    /// The value (hex).
    pub value: String,
    /// Zero.
    pub z: bool,
}

/// The processor state register of a report: arm64 PSTATE or arm32 CPSR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ProcessorState {
    /// arm64 `pstate:`.
    Pstate(Pstate),
    /// arm32 `psr:`.
    Cpsr(Cpsr),
}

/// x86 EFLAGS (`EFLAGS: 00010246`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Eflags {
    /// Names of the set flags.
    pub flags: Vec<&'static str>,
    /// IF set.
    pub interrupts_enabled: bool,
    /// I/O privilege level.
    pub iopl: u64,
    /// The value (hex).
    pub value: String,
}

/// x86 page-fault error code (`#PF: error_code(0x0002)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PageFault {
    /// `read access`, `write access` or `instruction fetch`.
    pub access: &'static str,
    /// Names of the set bits (`P`, `W`, `U`...).
    pub bits: Vec<&'static str>,
    /// What each bit says, set or clear.
    pub descriptions: Vec<&'static str>,
    /// `user` or `supervisor`.
    pub mode: &'static str,
    /// The kernel's summary (`not-present page`, `permissions violation`...).
    pub summary: &'static str,
    /// The code (hex).
    pub value: String,
}

/// RCU CPU stall details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RcuStallInfo {
    /// CPU that detected the stall (`detected by N`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected_by: Option<u32>,
    /// An expedited grace period stalled.
    pub expedited: bool,
    /// RCU flavour (`rcu_sched`, `rcu_preempt`), when printed.
    pub flavor: Option<String>,
    /// Force-quiescent-state scans (`fqs=N`) of the first stalled CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fqs: Option<u64>,
    /// Grace period number (`g=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_period: Option<i64>,
    /// Jiffies since the grace period started (`t=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jiffies: Option<u64>,
    /// Callbacks queued (`q=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<u64>,
    /// The stalled CPU reported itself.
    pub self_detected: bool,
    /// CPUs listed as stalled.
    pub stalled_cpus: Vec<u32>,
    /// Scheduling-clock ticks this grace period of the first stalled CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticks_this_gp: Option<u64>,
    /// Each stalled CPU's line (`3-...0: (0 ticks this GP) idle=... fqs=0`), decoded.
    pub cpus: Vec<RcuStalledCpu>,
}

/// One stalled CPU's line of an RCU stall warning, as `Documentation/RCU/stallwarn.rst`
/// describes its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct RcuStalledCpu {
    /// The CPU.
    pub cpu: u32,
    /// The four state characters as printed (`...0`, `O..!`).
    pub flags: String,
    /// Scheduling-clock interrupts the CPU took during the stalled grace period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticks_this_gp: Option<u64>,
    /// Grace periods RCU's irq_work probe has waited on this CPU (the fourth character as a
    /// digit): it was queued and has not run, so the CPU is not taking interrupts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub irq_work_pending_gps: Option<u8>,
    /// `O`: the CPU is offline.
    pub offline: bool,
    /// What the line says about the CPU, when it says something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
}

/// The `Oops: 0002 [#1] SMP PTI` line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct OopsLine {
    /// The error code as printed (hex).
    pub code: String,
    /// The oops counter (`[#N]`).
    pub count: Option<u32>,
    /// Build flags after the counter (`SMP PTI`).
    pub flags: String,
}

/// What a fault address is, when it is a value the kernel or the hardware gives a meaning
/// (`include/linux/poison.h`, `ZERO_SIZE_PTR`, `ERR_PTR()`, the x86-64 canonical hole).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct AddressClass {
    /// The value's name (`LIST_POISON1`, `POISON_FREE`, `ERR_PTR`, `non-canonical`...).
    pub name: &'static str,
    /// What it means for the bug.
    pub meaning: String,
    /// Bytes past the named value (a member offset), when not zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The error an `ERR_PTR` carries (`ENOMEM`), when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<String>,
}

/// An x86 machine-check bank status register (`MCi_STATUS`), decoded as the Intel SDM
/// (vol. 3B, "Machine-Check Architecture") and the AMD APM lay it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MceStatus {
    /// The register as printed (hex).
    pub value: String,
    /// Names of the set architectural flag bits (`VAL`, `OVER`, `UC`, `EN`, `MISCV`, `ADDRV`,
    /// `PCC`, `S`, `AR`).
    pub flags: Vec<&'static str>,
    /// Bit 61: the error was not corrected.
    pub uncorrected: bool,
    /// Bit 57: the processor context is corrupt (the interrupted code cannot go on).
    pub context_corrupt: bool,
    /// Bit 62: an earlier error was lost.
    pub overflow: bool,
    /// MCA error code (bits 15-0), hex.
    pub mcacod: String,
    /// Model-specific error code (bits 31-16), hex.
    pub mscod: String,
    /// What the MCA error code says (`memory controller read error`, `L2 data-read cache
    /// error`...).
    pub class: String,
    /// The error is in memory (a memory-controller error code).
    pub memory: bool,
}

/// One machine-check record: the bank, its status and the address the kernel printed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct MceRecord {
    /// The bank (`Bank 6:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank: Option<u32>,
    /// `MCi_STATUS`, decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MceStatus>,
    /// `MCi_ADDR` (hex), when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    /// `MCi_MISC` (hex), when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub misc: Option<String>,
    /// The memory module the kernel (EDAC, GHES) named (`CPU_SrcID#0_Ha#0_Chan#2_DIMM#0`,
    /// `DIMM_A1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimm: Option<String>,
}

/// Everything decoded from a report's registers and headers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Decoded {
    /// arm64 Exception Syndrome Register.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esr: Option<Esr>,
    /// arm32 fault status (from `Oops: a05` / FSR).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fsr: Option<Fsr>,
    /// arm64 PSTATE / arm32 CPSR flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pstate: Option<ProcessorState>,
    /// x86 EFLAGS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eflags: Option<Eflags>,
    /// x86 page-fault error code bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_fault: Option<PageFault>,
    /// Soft lockup: seconds stuck.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stuck_seconds: Option<u64>,
    /// Hung task: seconds blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_seconds: Option<u64>,
    /// RCU stall details (ticks, grace period, jiffies, stalled CPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcu_stall: Option<RcuStallInfo>,
    /// Oops counter and flags (`[#1] SMP PREEMPT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oops: Option<OopsLine>,
    /// What the fault address is (a poison value, an error pointer, the NULL page...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault_address: Option<AddressClass>,
    /// Machine-check record (bank, `MCi_STATUS` decoded, address, DIMM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mce: Option<MceRecord>,
}
