//! Decoders for values a human decodes by hand: errno, taint, ESR, FSR, PSTATE, EFLAGS, x86 page-fault codes.
//!
//! Every function here is pure, total (never panics) and table driven: the knowledge lives in
//! the `const` tables below, each citing the kernel source it was taken from.

use crate::model::decoded::{
    AddressClass, Cpsr, Eflags, Esr, Fsr, MceStatus, PageFault, Pstate, RcuStalledCpu,
};
use crate::model::{Arch, Errno, Taint, TaintFlag};

// ---------------------------------------------------------------------------------------------
// Hex helper
// ---------------------------------------------------------------------------------------------

pub use ktriage_model::hex::parse_hex;

// ---------------------------------------------------------------------------------------------
// errno
// ---------------------------------------------------------------------------------------------

/// One errno: number, symbolic name and strerror text.
struct ErrnoInfo {
    code: u16,
    name: &'static str,
    meaning: &'static str,
}

const fn e(code: u16, name: &'static str, meaning: &'static str) -> ErrnoInfo {
    ErrnoInfo {
        code,
        name,
        meaning,
    }
}

/// include/uapi/asm-generic/errno-base.h + errno.h (x86, arm, arm64, riscv, powerpc, s390 use
/// these numbers; 41 and 58 are unused there), texts as glibc's strerror prints them, then the
/// kernel-internal codes of include/linux/errno.h that must never reach user space but do
/// appear in kernel logs.
const ERRNO_TABLE: &[ErrnoInfo] = &[
    e(1, "EPERM", "Operation not permitted"),
    e(2, "ENOENT", "No such file or directory"),
    e(3, "ESRCH", "No such process"),
    e(4, "EINTR", "Interrupted system call"),
    e(5, "EIO", "Input/output error"),
    e(6, "ENXIO", "No such device or address"),
    e(7, "E2BIG", "Argument list too long"),
    e(8, "ENOEXEC", "Exec format error"),
    e(9, "EBADF", "Bad file descriptor"),
    e(10, "ECHILD", "No child processes"),
    e(11, "EAGAIN", "Resource temporarily unavailable"),
    e(12, "ENOMEM", "Cannot allocate memory"),
    e(13, "EACCES", "Permission denied"),
    e(14, "EFAULT", "Bad address"),
    e(15, "ENOTBLK", "Block device required"),
    e(16, "EBUSY", "Device or resource busy"),
    e(17, "EEXIST", "File exists"),
    e(18, "EXDEV", "Invalid cross-device link"),
    e(19, "ENODEV", "No such device"),
    e(20, "ENOTDIR", "Not a directory"),
    e(21, "EISDIR", "Is a directory"),
    e(22, "EINVAL", "Invalid argument"),
    e(23, "ENFILE", "Too many open files in system"),
    e(24, "EMFILE", "Too many open files"),
    e(25, "ENOTTY", "Inappropriate ioctl for device"),
    e(26, "ETXTBSY", "Text file busy"),
    e(27, "EFBIG", "File too large"),
    e(28, "ENOSPC", "No space left on device"),
    e(29, "ESPIPE", "Illegal seek"),
    e(30, "EROFS", "Read-only file system"),
    e(31, "EMLINK", "Too many links"),
    e(32, "EPIPE", "Broken pipe"),
    e(33, "EDOM", "Numerical argument out of domain"),
    e(34, "ERANGE", "Numerical result out of range"),
    e(35, "EDEADLK", "Resource deadlock avoided"),
    e(36, "ENAMETOOLONG", "File name too long"),
    e(37, "ENOLCK", "No locks available"),
    e(38, "ENOSYS", "Function not implemented"),
    e(39, "ENOTEMPTY", "Directory not empty"),
    e(40, "ELOOP", "Too many levels of symbolic links"),
    e(42, "ENOMSG", "No message of desired type"),
    e(43, "EIDRM", "Identifier removed"),
    e(44, "ECHRNG", "Channel number out of range"),
    e(45, "EL2NSYNC", "Level 2 not synchronized"),
    e(46, "EL3HLT", "Level 3 halted"),
    e(47, "EL3RST", "Level 3 reset"),
    e(48, "ELNRNG", "Link number out of range"),
    e(49, "EUNATCH", "Protocol driver not attached"),
    e(50, "ENOCSI", "No CSI structure available"),
    e(51, "EL2HLT", "Level 2 halted"),
    e(52, "EBADE", "Invalid exchange"),
    e(53, "EBADR", "Invalid request descriptor"),
    e(54, "EXFULL", "Exchange full"),
    e(55, "ENOANO", "No anode"),
    e(56, "EBADRQC", "Invalid request code"),
    e(57, "EBADSLT", "Invalid slot"),
    e(59, "EBFONT", "Bad font file format"),
    e(60, "ENOSTR", "Device not a stream"),
    e(61, "ENODATA", "No data available"),
    e(62, "ETIME", "Timer expired"),
    e(63, "ENOSR", "Out of streams resources"),
    e(64, "ENONET", "Machine is not on the network"),
    e(65, "ENOPKG", "Package not installed"),
    e(66, "EREMOTE", "Object is remote"),
    e(67, "ENOLINK", "Link has been severed"),
    e(68, "EADV", "Advertise error"),
    e(69, "ESRMNT", "Srmount error"),
    e(70, "ECOMM", "Communication error on send"),
    e(71, "EPROTO", "Protocol error"),
    e(72, "EMULTIHOP", "Multihop attempted"),
    e(73, "EDOTDOT", "RFS specific error"),
    e(74, "EBADMSG", "Bad message"),
    e(75, "EOVERFLOW", "Value too large for defined data type"),
    e(76, "ENOTUNIQ", "Name not unique on network"),
    e(77, "EBADFD", "File descriptor in bad state"),
    e(78, "EREMCHG", "Remote address changed"),
    e(79, "ELIBACC", "Can not access a needed shared library"),
    e(80, "ELIBBAD", "Accessing a corrupted shared library"),
    e(81, "ELIBSCN", ".lib section in a.out corrupted"),
    e(
        82,
        "ELIBMAX",
        "Attempting to link in too many shared libraries",
    ),
    e(83, "ELIBEXEC", "Cannot exec a shared library directly"),
    e(
        84,
        "EILSEQ",
        "Invalid or incomplete multibyte or wide character",
    ),
    e(
        85,
        "ERESTART",
        "Interrupted system call should be restarted",
    ),
    e(86, "ESTRPIPE", "Streams pipe error"),
    e(87, "EUSERS", "Too many users"),
    e(88, "ENOTSOCK", "Socket operation on non-socket"),
    e(89, "EDESTADDRREQ", "Destination address required"),
    e(90, "EMSGSIZE", "Message too long"),
    e(91, "EPROTOTYPE", "Protocol wrong type for socket"),
    e(92, "ENOPROTOOPT", "Protocol not available"),
    e(93, "EPROTONOSUPPORT", "Protocol not supported"),
    e(94, "ESOCKTNOSUPPORT", "Socket type not supported"),
    e(95, "EOPNOTSUPP", "Operation not supported"),
    e(96, "EPFNOSUPPORT", "Protocol family not supported"),
    e(
        97,
        "EAFNOSUPPORT",
        "Address family not supported by protocol",
    ),
    e(98, "EADDRINUSE", "Address already in use"),
    e(99, "EADDRNOTAVAIL", "Cannot assign requested address"),
    e(100, "ENETDOWN", "Network is down"),
    e(101, "ENETUNREACH", "Network is unreachable"),
    e(102, "ENETRESET", "Network dropped connection on reset"),
    e(103, "ECONNABORTED", "Software caused connection abort"),
    e(104, "ECONNRESET", "Connection reset by peer"),
    e(105, "ENOBUFS", "No buffer space available"),
    e(106, "EISCONN", "Transport endpoint is already connected"),
    e(107, "ENOTCONN", "Transport endpoint is not connected"),
    e(
        108,
        "ESHUTDOWN",
        "Cannot send after transport endpoint shutdown",
    ),
    e(109, "ETOOMANYREFS", "Too many references: cannot splice"),
    e(110, "ETIMEDOUT", "Connection timed out"),
    e(111, "ECONNREFUSED", "Connection refused"),
    e(112, "EHOSTDOWN", "Host is down"),
    e(113, "EHOSTUNREACH", "No route to host"),
    e(114, "EALREADY", "Operation already in progress"),
    e(115, "EINPROGRESS", "Operation now in progress"),
    e(116, "ESTALE", "Stale file handle"),
    e(117, "EUCLEAN", "Structure needs cleaning"),
    e(118, "ENOTNAM", "Not a XENIX named type file"),
    e(119, "ENAVAIL", "No XENIX semaphores available"),
    e(120, "EISNAM", "Is a named type file"),
    e(121, "EREMOTEIO", "Remote I/O error"),
    e(122, "EDQUOT", "Disk quota exceeded"),
    e(123, "ENOMEDIUM", "No medium found"),
    e(124, "EMEDIUMTYPE", "Wrong medium type"),
    e(125, "ECANCELED", "Operation canceled"),
    e(126, "ENOKEY", "Required key not available"),
    e(127, "EKEYEXPIRED", "Key has expired"),
    e(128, "EKEYREVOKED", "Key has been revoked"),
    e(129, "EKEYREJECTED", "Key was rejected by service"),
    e(130, "EOWNERDEAD", "Owner died"),
    e(131, "ENOTRECOVERABLE", "State not recoverable"),
    e(132, "ERFKILL", "Operation not possible due to RF-kill"),
    e(133, "EHWPOISON", "Memory page has hardware error"),
    // include/linux/errno.h: kernel-internal codes.
    e(
        512,
        "ERESTARTSYS",
        "Interrupted by a signal; system call will be restarted (kernel-internal)",
    ),
    e(
        513,
        "ERESTARTNOINTR",
        "System call will be restarted regardless of signal handlers (kernel-internal)",
    ),
    e(
        514,
        "ERESTARTNOHAND",
        "Restart if no signal handler (kernel-internal)",
    ),
    e(515, "ENOIOCTLCMD", "No ioctl command (kernel-internal)"),
    e(
        516,
        "ERESTART_RESTARTBLOCK",
        "Restart by calling sys_restart_syscall (kernel-internal)",
    ),
    e(
        517,
        "EPROBE_DEFER",
        "Driver requests probe retry (a dependency is not ready yet)",
    ),
    e(
        518,
        "EOPENSTALE",
        "open found a stale dentry (kernel-internal)",
    ),
    e(519, "ENOPARAM", "Parameter not supported"),
    e(521, "EBADHANDLE", "Illegal NFS file handle"),
    e(522, "ENOTSYNC", "Update synchronization mismatch"),
    e(523, "EBADCOOKIE", "Cookie is stale"),
    e(524, "ENOTSUPP", "Operation is not supported"),
    e(525, "ETOOSMALL", "Buffer or request is too small"),
    e(526, "ESERVERFAULT", "An untranslatable error occurred"),
    e(527, "EBADTYPE", "Type not supported by server"),
    e(
        528,
        "EJUKEBOX",
        "Request initiated, but will not complete before timeout",
    ),
    e(529, "EIOCBQUEUED", "iocb queued, will get completion event"),
    e(530, "ERECALLCONFLICT", "Conflict with recalled state"),
    e(531, "ENOGRACE", "NFS file lock reclaim refused"),
];

/// Decodes an errno given as printed (`-28` or `28`); the result's `code` is always negative.
pub fn errno(code: i64) -> Option<Errno> {
    let abs = code.checked_abs()?;
    let abs = u16::try_from(abs).ok()?;
    let info = ERRNO_TABLE.iter().find(|i| i.code == abs)?;
    Some(Errno {
        code: -i32::from(abs),
        name: info.name,
        meaning: info.meaning,
    })
}

// ---------------------------------------------------------------------------------------------
// Taint
// ---------------------------------------------------------------------------------------------

/// One taint flag: bit number, letter and meaning.
struct TaintInfo {
    bit: u8,
    letter: char,
    meaning: &'static str,
}

const fn t(bit: u8, letter: char, meaning: &'static str) -> TaintInfo {
    TaintInfo {
        bit,
        letter,
        meaning,
    }
}

/// Documentation/admin-guide/tainted-kernels.rst, table of taint flags (bit, letter, reason),
/// in the order the kernel prints them. `G` (bit 0 clear) is not a flag.
const TAINT_TABLE: &[TaintInfo] = &[
    t(0, 'P', "proprietary module was loaded"),
    t(1, 'F', "module was force loaded"),
    t(2, 'S', "kernel running on an out of specification system"),
    t(3, 'R', "module was force unloaded"),
    t(4, 'M', "processor reported a Machine Check Exception (MCE)"),
    t(5, 'B', "bad page referenced or some unexpected page flags"),
    t(6, 'U', "taint requested by userspace application"),
    t(
        7,
        'D',
        "kernel died recently, i.e. there was an OOPS or BUG",
    ),
    t(8, 'A', "ACPI table overridden by user"),
    t(9, 'W', "kernel issued warning"),
    t(10, 'C', "staging driver was loaded"),
    t(11, 'I', "workaround for bug in platform firmware applied"),
    t(
        12,
        'O',
        "externally-built (\"out-of-tree\") module was loaded",
    ),
    t(13, 'E', "unsigned module was loaded"),
    t(14, 'L', "soft lockup occurred"),
    t(15, 'K', "kernel has been live patched"),
    t(16, 'X', "auxiliary taint, defined for and used by distros"),
    t(
        17,
        'T',
        "kernel was built with the struct randomization plugin",
    ),
    t(18, 'N', "an in-kernel test has been run"),
    t(
        19,
        'J',
        "userspace used a mutating debug operation in fwctl",
    ),
];

/// Meaning given to a letter the table does not know.
const UNKNOWN_TAINT: &str = "unknown taint flag";

/// Bit number of a taint letter (from [`TAINT_TABLE`]), if known.
pub fn taint_bit(letter: char) -> Option<u8> {
    TAINT_TABLE
        .iter()
        .find(|t| t.letter == letter)
        .map(|t| t.bit)
}

/// Decodes the text after `Tainted:` (`G        W  OEL`, `Not tainted`, or the verbose
/// `[W]=WARN, [O]=OOT_MODULE` form of newer kernels); spaces and a trailing kernel release
/// are ignored.
pub fn decode_taint(flags: &str) -> Taint {
    let raw = flags.trim();
    let mut letters: Vec<char> = Vec::new();
    if raw.to_ascii_lowercase().starts_with("not tainted") {
        return Taint {
            raw: raw.to_string(),
            flags: Vec::new(),
        };
    }
    if raw.contains("]=") {
        // Verbose form: `[P]=PROPRIETARY_MODULE, [W]=WARN`.
        let mut rest = raw;
        while let Some(open) = rest.find('[') {
            rest = &rest[open + 1..];
            let mut chars = rest.chars();
            if let (Some(c), Some(']')) = (chars.next(), chars.next()) {
                letters.push(c);
            }
        }
    } else {
        for token in raw.split_whitespace() {
            // The kernel release (`6.1.0-56-amd64`) starts with a digit: stop there.
            if token.starts_with(|c: char| c.is_ascii_digit()) {
                break;
            }
            letters.extend(token.chars().filter(|c| c.is_ascii_alphabetic()));
        }
    }
    let mut out: Vec<TaintFlag> = Vec::new();
    for c in letters {
        if c == 'G' || out.iter().any(|f| f.letter == c) {
            continue;
        }
        let meaning = TAINT_TABLE
            .iter()
            .find(|t| t.letter == c)
            .map_or(UNKNOWN_TAINT, |t| t.meaning);
        out.push(TaintFlag { letter: c, meaning });
    }
    Taint {
        raw: raw.to_string(),
        flags: out,
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers for bit-field tables
// ---------------------------------------------------------------------------------------------

fn bits(v: u64, shift: u32, width: u32) -> u64 {
    if shift >= 64 {
        return 0;
    }
    let mask = if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    (v >> shift) & mask
}

fn hex(v: u64, width: usize) -> String {
    format!("0x{v:0width$x}")
}

/// Looks a code up in a (code, name) table.
fn lookup(table: &[(u64, &'static str)], code: u64) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

// ---------------------------------------------------------------------------------------------
// arm64 ESR
// ---------------------------------------------------------------------------------------------

/// arch/arm64/include/asm/esr.h `ESR_ELx_EC_*` with the names of arch/arm64/kernel/traps.c
/// `esr_class_str[]`; other values print as "UNRECOGNIZED EC".
const ESR_EC_NAMES: &[(u64, &str)] = &[
    (0x00, "Unknown/Uncategorized"),
    (0x01, "WFI/WFE"),
    (0x03, "CP15 MCR/MRC"),
    (0x04, "CP15 MCRR/MRRC"),
    (0x05, "CP14 MCR/MRC"),
    (0x06, "CP14 LDC/STC"),
    (0x07, "ASIMD"),
    (0x08, "CP10 MRC/VMRS"),
    (0x09, "PAC"),
    (0x0c, "CP14 MCRR/MRRC"),
    (0x0d, "BTI"),
    (0x0e, "PSTATE.IL"),
    (0x11, "SVC (AArch32)"),
    (0x12, "HVC (AArch32)"),
    (0x13, "SMC (AArch32)"),
    (0x15, "SVC (AArch64)"),
    (0x16, "HVC (AArch64)"),
    (0x17, "SMC (AArch64)"),
    (0x18, "MSR/MRS (AArch64)"),
    (0x19, "SVE"),
    (0x1a, "ERET/ERETAA/ERETAB"),
    (0x1c, "FPAC"),
    (0x1d, "SME"),
    (0x1f, "EL3 IMP DEF"),
    (0x20, "IABT (lower EL)"),
    (0x21, "IABT (current EL)"),
    (0x22, "PC Alignment"),
    (0x24, "DABT (lower EL)"),
    (0x25, "DABT (current EL)"),
    (0x26, "SP Alignment"),
    (0x27, "MOPS"),
    (0x28, "FP (AArch32)"),
    (0x2c, "FP (AArch64)"),
    (0x2d, "Guarded Control Stack"),
    (0x2f, "SError"),
    (0x30, "Breakpoint (lower EL)"),
    (0x31, "Breakpoint (current EL)"),
    (0x32, "Software Step (lower EL)"),
    (0x33, "Software Step (current EL)"),
    (0x34, "Watchpoint (lower EL)"),
    (0x35, "Watchpoint (current EL)"),
    (0x38, "BKPT (AArch32)"),
    (0x3a, "Vector catch (AArch32)"),
    (0x3c, "BRK (AArch64)"),
];

/// arch/arm64/mm/fault.c `fault_info[]` names, indexed by DFSC/IFSC (ISS[5:0]).
const ARM64_FSC_NAMES: [&str; 64] = [
    "ttbr address size fault",
    "level 1 address size fault",
    "level 2 address size fault",
    "level 3 address size fault",
    "level 0 translation fault",
    "level 1 translation fault",
    "level 2 translation fault",
    "level 3 translation fault",
    "unknown 8",
    "level 1 access flag fault",
    "level 2 access flag fault",
    "level 3 access flag fault",
    "unknown 12",
    "level 1 permission fault",
    "level 2 permission fault",
    "level 3 permission fault",
    "synchronous external abort",
    "synchronous tag check fault",
    "unknown 18",
    "level -1 (translation table walk)",
    "level 0 (translation table walk)",
    "level 1 (translation table walk)",
    "level 2 (translation table walk)",
    "level 3 (translation table walk)",
    "synchronous parity or ECC error",
    "unknown 25",
    "unknown 26",
    "level -1 synchronous parity error (translation table walk)",
    "level 0 synchronous parity error (translation table walk)",
    "level 1 synchronous parity error (translation table walk)",
    "level 2 synchronous parity error (translation table walk)",
    "level 3 synchronous parity error (translation table walk)",
    "unknown 32",
    "alignment fault",
    "unknown 34",
    "unknown 35",
    "unknown 36",
    "unknown 37",
    "unknown 38",
    "unknown 39",
    "unknown 40",
    "level -1 address size fault",
    "unknown 42",
    "level -1 translation fault",
    "unknown 44",
    "unknown 45",
    "unknown 46",
    "unknown 47",
    "TLB conflict abort",
    "Unsupported atomic hardware update fault",
    "unknown 50",
    "unknown 51",
    "implementation fault (lockdown abort)",
    "implementation fault (unsupported exclusive)",
    "unknown 54",
    "unknown 55",
    "unknown 56",
    "unknown 57",
    "unknown 58",
    "unknown 59",
    "unknown 60",
    "section domain fault",
    "page domain fault",
    "unknown 63",
];

/// Exception classes whose ISS is a data/instruction abort syndrome.
const EC_ABORTS: &[u64] = &[0x20, 0x21, 0x24, 0x25];
/// Exception classes that are data aborts (have WnR, CM, ISV...).
const EC_DATA_ABORTS: &[u64] = &[0x24, 0x25];
/// SError exception class.
const EC_SERROR: u64 = 0x2f;
/// BRK (AArch64) exception class.
const EC_BRK64: u64 = 0x3c;

/// SError ISS[12:10] AET (asynchronous error type), Arm ARM / arch/arm64/include/asm/esr.h.
const SERROR_AET: &[(u64, &str)] = &[
    (0, "uncontainable (UC)"),
    (1, "unrecoverable state (UEU)"),
    (2, "restartable state (UEO)"),
    (3, "recoverable state (UER)"),
    (6, "corrected (CE)"),
];

/// Known kernel BRK immediates (arch/arm64/include/asm/brk-imm.h): (value, mask, meaning).
const BRK_IMMEDIATES: &[(u64, u64, &str)] = &[
    (0x004, 0xffff, "kprobes"),
    (0x005, 0xffff, "uprobes"),
    (0x006, 0xffff, "kprobes single-step"),
    (0x007, 0xffff, "kretprobes"),
    (0x100, 0xffff, "fault (uaccess fixup)"),
    (0x400, 0xffff, "kgdb dynamic breakpoint"),
    (0x401, 0xffff, "kgdb compiled breakpoint"),
    (0x800, 0xffff, "BUG()/WARN()"),
    (0x900, 0xff00, "KASAN check failure"),
    (0x5500, 0xff00, "UBSAN check failure"),
    (0x8000, 0xfc00, "CFI check failure"),
];

/// Decodes an arm64 Exception Syndrome Register value (`ESR = 0x96000044`).
pub fn decode_esr(esr: u64) -> Esr {
    let ec = bits(esr, 26, 6);
    let iss2 = bits(esr, 32, 24);
    let mut o = Esr {
        value: hex(esr, 8),
        ec: hex(ec, 2),
        ec_name: lookup(ESR_EC_NAMES, ec).unwrap_or("UNRECOGNIZED EC"),
        il: if bits(esr, 25, 1) == 1 { 32 } else { 16 },
        iss: hex(bits(esr, 0, 25), 8),
        iss2: (iss2 != 0).then(|| hex(iss2, 2)),
        ..Esr::default()
    };
    if EC_ABORTS.contains(&ec) {
        let data = EC_DATA_ABORTS.contains(&ec);
        // Abort ISS fields printed by arch/arm64/mm/fault.c `mem_abort_decode()`.
        o.set = Some(bits(esr, 11, 2));
        o.fnv = Some(bits(esr, 10, 1));
        o.ea = Some(bits(esr, 9, 1));
        o.s1ptw = Some(bits(esr, 7, 1));
        let fsc = bits(esr, 0, 6);
        o.fsc_name = Some(
            ARM64_FSC_NAMES
                .get(usize::try_from(fsc).unwrap_or(0))
                .copied()
                .unwrap_or("unknown"),
        );
        if data {
            o.dfsc = Some(hex(fsc, 2));
            // `data_abort_decode()`: ISV, CM, WnR always; the rest only with ISV=1.
            o.isv = Some(bits(esr, 24, 1));
            o.cm = Some(bits(esr, 8, 1));
            o.wnr = Some(bits(esr, 6, 1));
            if bits(esr, 24, 1) == 1 {
                o.sas = Some(bits(esr, 22, 2));
                o.sse = Some(bits(esr, 21, 1));
                o.srt = Some(bits(esr, 16, 5));
                o.sf = Some(bits(esr, 15, 1));
                o.ar = Some(bits(esr, 14, 1));
                o.access_size = Some(1u64 << bits(esr, 22, 2));
            }
            o.access = Some(if bits(esr, 8, 1) == 1 {
                "cache maintenance"
            } else if bits(esr, 6, 1) == 1 {
                "write"
            } else {
                "read"
            });
        } else {
            o.ifsc = Some(hex(fsc, 2));
            o.access = Some("instruction fetch");
        }
    } else if ec == EC_SERROR {
        o.ids = Some(bits(esr, 24, 1));
        if bits(esr, 24, 1) == 0 {
            let aet = bits(esr, 10, 3);
            o.aet = Some(aet);
            o.aet_name = lookup(SERROR_AET, aet);
            o.ea = Some(bits(esr, 9, 1));
            o.dfsc = Some(hex(bits(esr, 0, 6), 2));
        }
    } else if ec == EC_BRK64 {
        let imm = bits(esr, 0, 16);
        o.comment = Some(hex(imm, 3));
        o.brk_meaning = BRK_IMMEDIATES
            .iter()
            .find(|(v, m, _)| imm & m == *v)
            .map(|(_, _, what)| *what);
    }
    o
}

// ---------------------------------------------------------------------------------------------
// arm32 FSR
// ---------------------------------------------------------------------------------------------

/// arch/arm/mm/fsr-2level.c `fsr_info[]` (data aborts, short-descriptor format), by FS[4:0].
const ARM_FSR_2LEVEL: [&str; 32] = [
    "vector exception",
    "alignment exception",
    "terminal exception",
    "alignment exception",
    "external abort on linefetch",
    "section translation fault",
    "external abort on linefetch",
    "page translation fault",
    "external abort on non-linefetch",
    "section domain fault",
    "external abort on non-linefetch",
    "page domain fault",
    "external abort on translation",
    "section permission fault",
    "external abort on translation",
    "page permission fault",
    "unknown 16",
    "unknown 17",
    "unknown 18",
    "unknown 19",
    "lock abort",
    "unknown 21",
    "imprecise external abort",
    "unknown 23",
    "dcache parity error",
    "unknown 25",
    "unknown 26",
    "unknown 27",
    "unknown 28",
    "unknown 29",
    "unknown 30",
    "unknown 31",
];

/// arch/arm/mm/fsr-2level.c `ifsr_info[]` (prefetch aborts, short-descriptor format).
const ARM_IFSR_2LEVEL: [&str; 16] = [
    "unknown 0",
    "unknown 1",
    "debug event",
    "section access flag fault",
    "unknown 4",
    "section translation fault",
    "page access flag fault",
    "page translation fault",
    "external abort on non-linefetch",
    "section domain fault",
    "unknown 10",
    "page domain fault",
    "external abort on translation",
    "section permission fault",
    "external abort on translation",
    "page permission fault",
];

/// arch/arm/mm/fsr-3level.c `fsr_info[]` (LPAE long-descriptor format), by FS[5:0];
/// codes not listed print as "unknown N" (the `ifsr_info[]` table has the same names).
const ARM_FSR_3LEVEL: &[(u64, &str)] = &[
    (4, "reserved translation fault"),
    (5, "level 1 translation fault"),
    (6, "level 2 translation fault"),
    (7, "level 3 translation fault"),
    (8, "reserved access flag fault"),
    (9, "level 1 access flag fault"),
    (10, "level 2 access flag fault"),
    (11, "level 3 access flag fault"),
    (12, "reserved permission fault"),
    (13, "level 1 permission fault"),
    (14, "level 2 permission fault"),
    (15, "level 3 permission fault"),
    (16, "synchronous external abort"),
    (17, "asynchronous external abort"),
    (20, "synchronous abort (translation table walk)"),
    (21, "synchronous abort (translation table walk)"),
    (22, "synchronous abort (translation table walk)"),
    (23, "synchronous abort (translation table walk)"),
    (24, "synchronous parity error"),
    (25, "asynchronous parity error"),
    (28, "synchronous parity error (translation table walk)"),
    (29, "synchronous parity error (translation table walk)"),
    (30, "synchronous parity error (translation table walk)"),
    (31, "synchronous parity error (translation table walk)"),
    (33, "alignment fault"),
    (34, "debug event"),
    (52, "implementation fault (lockdown abort)"),
    (58, "implementation fault (coprocessor abort)"),
];

/// Decodes an arm32 fault status (`Internal error: Oops: a05`, `Unhandled fault: ... (0x817)`).
///
/// Bit 9 set means the long-descriptor (LPAE) format; bit 31 is Linux's `FSR_LNX_PF` marker
/// for prefetch (instruction) aborts; bit 11 is WnR, bit 12 ExT, bit 13 CM.
pub fn decode_arm32_fsr(fsr: u32) -> Fsr {
    let v = u64::from(fsr);
    let lpae = bits(v, 9, 1) == 1;
    let prefetch = bits(v, 31, 1) == 1;
    let (status, name) = if lpae {
        let st = bits(v, 0, 6);
        let name = lookup(ARM_FSR_3LEVEL, st)
            .map(str::to_string)
            .unwrap_or_else(|| format!("unknown {st}"));
        (st, name)
    } else {
        // fsr_fs(): FS[3:0] | FS[4] (bit 10) << 4.
        let st = bits(v, 0, 4) | (bits(v, 10, 1) << 4);
        let idx = usize::try_from(st).unwrap_or(0);
        let name = if prefetch {
            ARM_IFSR_2LEVEL
                .get(idx)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("unknown {st}"))
        } else {
            ARM_FSR_2LEVEL
                .get(idx)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("unknown {st}"))
        };
        (st, name)
    };
    let write = bits(v, 11, 1) == 1;
    let access = if prefetch {
        "instruction fetch"
    } else if bits(v, 13, 1) == 1 {
        "cache maintenance"
    } else if write {
        "write"
    } else {
        "read"
    };
    Fsr {
        value: format!("0x{:03x}", fsr),
        format: if lpae {
            "long-descriptor (LPAE)"
        } else {
            "short-descriptor"
        },
        status: hex(status, 2),
        fsc_name: name,
        wnr: bits(v, 11, 1),
        ext: bits(v, 12, 1),
        cm: bits(v, 13, 1),
        prefetch_abort: prefetch,
        access,
    }
}

// ---------------------------------------------------------------------------------------------
// arm64 PSTATE / arm32 CPSR
// ---------------------------------------------------------------------------------------------

/// A single-bit flag and its name.
struct Flag {
    name: &'static str,
    bit: u32,
}

const fn fl(name: &'static str, bit: u32) -> Flag {
    Flag { name, bit }
}

/// arm64 SPSR/PSTATE single-bit fields (arch/arm64/include/uapi/asm/ptrace.h `PSR_*_BIT`).
const PSTATE_FLAGS: &[Flag] = &[
    fl("N", 31),
    fl("Z", 30),
    fl("C", 29),
    fl("V", 28),
    fl("TCO", 25),
    fl("DIT", 24),
    fl("UAO", 23),
    fl("PAN", 22),
    fl("SS", 21),
    fl("IL", 20),
    fl("ALLINT", 13),
    fl("SSBS", 12),
    fl("D", 9),
    fl("A", 8),
    fl("I", 7),
    fl("F", 6),
];

/// arm64 M[3:0] (AArch64 state): mode name, exception level, stack pointer.
const ARM64_MODES: &[(u64, &str, u64, &str)] = &[
    (0b0000, "EL0t", 0, "SP_EL0"),
    (0b0100, "EL1t", 1, "SP_EL0"),
    (0b0101, "EL1h", 1, "SP_EL1"),
    (0b1000, "EL2t", 2, "SP_EL0"),
    (0b1001, "EL2h", 2, "SP_EL2"),
    (0b1100, "EL3t", 3, "SP_EL0"),
    (0b1101, "EL3h", 3, "SP_EL3"),
];

/// arch/arm64/kernel/process.c `btypes[]`, indexed by PSTATE.BTYPE.
const BTYPES: [&str; 4] = ["--", "jc", "-c", "j-"];

/// Flags whose state the kernel's `print_pstate()` shows as `+NAME`/`-NAME`.
const PSTATE_PLUS_MINUS: &[&str] = &["PAN", "UAO", "TCO", "DIT", "SSBS"];

fn case_flag(set: bool, name: &str) -> String {
    if set {
        name.to_ascii_uppercase()
    } else {
        name.to_ascii_lowercase()
    }
}

/// Decodes an arm64 `pstate:` value (NZCV, DAIF, PAN, UAO, TCO, DIT, SSBS, BTYPE, mode).
pub fn decode_pstate(v: u64) -> Pstate {
    let set = |name: &str| {
        PSTATE_FLAGS
            .iter()
            .find(|f| f.name == name)
            .is_some_and(|f| bits(v, f.bit, 1) == 1)
    };
    let mut o = Pstate {
        value: hex(v, 8),
        n: set("N"),
        z: set("Z"),
        c: set("C"),
        v: set("V"),
        tco: set("TCO"),
        dit: set("DIT"),
        uao: set("UAO"),
        pan: set("PAN"),
        ss: set("SS"),
        il: set("IL"),
        allint: set("ALLINT"),
        ssbs: set("SSBS"),
        d: set("D"),
        a: set("A"),
        i: set("I"),
        f: set("F"),
        set: PSTATE_FLAGS
            .iter()
            .filter(|f| bits(v, f.bit, 1) == 1)
            .map(|f| f.name)
            .collect(),
        aarch32: bits(v, 4, 1) == 1,
        interrupts_enabled: !set("I"),
        ..Pstate::default()
    };
    if o.aarch32 {
        let m = bits(v, 0, 5);
        o.mode = ARM32_MODES
            .get(usize::try_from(m).unwrap_or(0))
            .copied()
            .unwrap_or("?")
            .to_string();
        return o;
    }
    let btype = BTYPES[(bits(v, 10, 2) & 3) as usize];
    o.btype = Some(btype);
    let m = bits(v, 0, 4);
    match ARM64_MODES.iter().find(|(code, ..)| *code == m) {
        Some((_, name, el, sp)) => {
            o.mode = name.to_string();
            o.el = Some(*el);
            o.sp = Some(sp);
        }
        None => o.mode = format!("reserved M=0x{m:x}"),
    }
    // The kernel's own rendering, e.g. `nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--`.
    let nzcv: String = ["N", "Z", "C", "V"]
        .iter()
        .map(|n| case_flag(set(n), n))
        .collect();
    let daif: String = ["D", "A", "I", "F"]
        .iter()
        .map(|n| case_flag(set(n), n))
        .collect();
    let mut text = format!("{nzcv} {daif}");
    for n in PSTATE_PLUS_MINUS {
        text.push_str(if set(n) { " +" } else { " -" });
        text.push_str(n);
    }
    text.push_str(" BTYPE=");
    text.push_str(btype);
    o.text = Some(text);
    o
}

/// arch/arm/kernel/process.c `processor_modes[]`, indexed by CPSR M[4:0].
const ARM32_MODES: [&str; 32] = [
    "USER_26", "FIQ_26", "IRQ_26", "SVC_26", "UK4_26", "UK5_26", "UK6_26", "UK7_26", "UK8_26",
    "UK9_26", "UK10_26", "UK11_26", "UK12_26", "UK13_26", "UK14_26", "UK15_26", "USER_32",
    "FIQ_32", "IRQ_32", "SVC_32", "UK4_32", "UK5_32", "MON_32", "ABT_32", "UK8_32", "UK9_32",
    "HYP_32", "UND_32", "UK12_32", "UK13_32", "UK14_32", "SYS_32",
];

/// arch/arm/kernel/process.c `isa_modes[]`, indexed by (J << 1) | T.
const ARM32_ISA: [&str; 4] = ["ARM", "Thumb", "Jazelle", "ThumbEE"];

/// arm32 CPSR single-bit fields (arch/arm/include/uapi/asm/ptrace.h `PSR_*_BIT`).
const CPSR_FLAGS: &[Flag] = &[
    fl("N", 31),
    fl("Z", 30),
    fl("C", 29),
    fl("V", 28),
    fl("Q", 27),
    fl("J", 24),
    fl("E", 9),
    fl("A", 8),
    fl("I", 7),
    fl("F", 6),
    fl("T", 5),
];

/// Decodes an arm32 CPSR (`psr: 80010013`): NZCV, I, F, T, mode (`SVC_32`), ISA.
pub fn decode_cpsr(v: u32) -> Cpsr {
    let v64 = u64::from(v);
    let is = |b: u32| bits(v64, b, 1) == 1;
    let flag = |name: &str| CPSR_FLAGS.iter().any(|f| f.name == name && is(f.bit));
    let mode = ARM32_MODES[(v & 0x1f) as usize];
    let isa = ARM32_ISA[((bits(v64, 24, 1) << 1) | bits(v64, 5, 1)) as usize & 3];
    let nzcv: String = [("N", 31), ("Z", 30), ("C", 29), ("V", 28)]
        .iter()
        .map(|(n, b)| case_flag(is(*b), n))
        .collect();
    Cpsr {
        value: hex(v64, 8),
        n: flag("N"),
        z: flag("Z"),
        c: flag("C"),
        v: flag("V"),
        q: flag("Q"),
        j: flag("J"),
        e: flag("E"),
        a: flag("A"),
        i: flag("I"),
        f: flag("F"),
        t: flag("T"),
        set: CPSR_FLAGS
            .iter()
            .filter(|f| is(f.bit))
            .map(|f| f.name)
            .collect(),
        mode,
        isa,
        interrupts_enabled: !is(7),
        fiqs_enabled: !is(6),
        text: format!(
            "{nzcv}  IRQs {}  FIQs {}  Mode {mode}  ISA {isa}",
            if is(7) { "off" } else { "on" },
            if is(6) { "off" } else { "on" },
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// x86 EFLAGS and page-fault error code
// ---------------------------------------------------------------------------------------------

/// x86 EFLAGS single-bit flags (arch/x86/include/uapi/asm/processor-flags.h `X86_EFLAGS_*`).
const EFLAGS: &[Flag] = &[
    fl("CF", 0),
    fl("PF", 2),
    fl("AF", 4),
    fl("ZF", 6),
    fl("SF", 7),
    fl("TF", 8),
    fl("IF", 9),
    fl("DF", 10),
    fl("OF", 11),
    fl("NT", 14),
    fl("RF", 16),
    fl("VM", 17),
    fl("AC", 18),
    fl("VIF", 19),
    fl("VIP", 20),
    fl("ID", 21),
];

/// Decodes x86 EFLAGS (`EFLAGS: 00010246`): set flag names, IOPL, interrupts enabled.
pub fn decode_eflags(v: u64) -> Eflags {
    let flags: Vec<&'static str> = EFLAGS
        .iter()
        .filter(|f| bits(v, f.bit, 1) == 1)
        .map(|f| f.name)
        .collect();
    Eflags {
        value: hex(v, 8),
        flags,
        iopl: bits(v, 12, 2),
        interrupts_enabled: bits(v, 9, 1) == 1,
    }
}

/// One x86 page-fault error-code bit (arch/x86/include/asm/trap_pf.h `X86_PF_*`): name,
/// bit, text when set, text when clear.
struct PfBit {
    name: &'static str,
    bit: u32,
    set: &'static str,
    clear: Option<&'static str>,
}

const fn pf(name: &'static str, bit: u32, set: &'static str, clear: Option<&'static str>) -> PfBit {
    PfBit {
        name,
        bit,
        set,
        clear,
    }
}

/// arch/x86/include/asm/trap_pf.h, texts after arch/x86/mm/fault.c `show_fault_oops()`.
const PF_BITS: &[PfBit] = &[
    pf(
        "P",
        0,
        "protection violation on a present page",
        Some("not-present page"),
    ),
    pf("W", 1, "write access", Some("read access")),
    pf("U", 2, "user-mode access", Some("kernel-mode access")),
    pf("RSVD", 3, "reserved bit set in a page-table entry", None),
    pf("I", 4, "instruction fetch", None),
    pf("PK", 5, "protection keys violation", None),
    pf("SS", 6, "shadow stack access", None),
    pf("SGX", 15, "SGX (EPCM) violation", None),
    pf("RMP", 31, "RMP violation (SEV-SNP)", None),
];

/// Decodes an x86 page-fault error code (`#PF: error_code(0x0002)`).
pub fn decode_x86_pf_error(code: u64) -> PageFault {
    let is = |b: u32| bits(code, b, 1) == 1;
    let mut set = Vec::new();
    let mut descriptions = Vec::new();
    for b in PF_BITS {
        if is(b.bit) {
            set.push(b.name);
            descriptions.push(b.set);
        } else if let Some(c) = b.clear {
            descriptions.push(c);
        }
    }
    // The kernel's summary, as show_fault_oops() prints it after `error_code(0x....) - `.
    let summary = if !is(0) {
        "not-present page"
    } else if is(3) {
        "reserved bit violation"
    } else if is(5) {
        "protection keys violation"
    } else if is(31) {
        "RMP violation"
    } else {
        "permissions violation"
    };
    let access = if is(4) {
        "instruction fetch"
    } else if is(1) {
        "write access"
    } else {
        "read access"
    };
    PageFault {
        value: hex(code, 4),
        bits: set,
        descriptions,
        summary,
        access,
        mode: if is(2) { "user" } else { "supervisor" },
    }
}

/// A named address value: `value` (64-bit form), `value32` (32-bit form, 0 when none), how
/// far past it an access still means it (a member offset), name and meaning.
struct NamedAddress {
    value: u64,
    value32: u64,
    reach: u64,
    name: &'static str,
    meaning: &'static str,
}

/// Values from `include/linux/poison.h` and the slab allocators (64-bit with the x86-64/arm64
/// `POISON_POINTER_DELTA` of 0xdead000000000000).
const NAMED_ADDRESSES: &[NamedAddress] = &[
    NamedAddress {
        value: 0xdead000000000100,
        value32: 0x0010_0100,
        reach: 0x22,
        name: "LIST_POISON1",
        meaning: "list_del() poison of ->next: a list entry was used after it was deleted from its list (use after free or a missing list lock)",
    },
    NamedAddress {
        value: 0xdead000000000122,
        value32: 0x0020_0200,
        reach: 0xde,
        name: "LIST_POISON2",
        meaning: "list_del() poison of ->prev: a list entry was used after it was deleted from its list (use after free or a missing list lock)",
    },
    NamedAddress {
        value: 0xdead000000000000,
        value32: 0,
        reach: 0x10000,
        name: "POISON_POINTER_DELTA",
        meaning: "a poison pointer (0xdead000000000000 plus a small value: list, hlist or timer poison): an object was used after the kernel poisoned its links",
    },
    NamedAddress {
        value: 0x6b6b6b6b6b6b6b6b,
        value32: 0x6b6b_6b6b,
        reach: 0x1000,
        name: "POISON_FREE",
        meaning: "slab free poison (0x6b): the pointer was read from a freed object, a use after free",
    },
    NamedAddress {
        value: 0x5a5a5a5a5a5a5a5a,
        value32: 0x5a5a_5a5a,
        reach: 0x1000,
        name: "POISON_INUSE",
        meaning: "slab allocation poison (0x5a): the pointer was read from an object that was allocated but never initialised",
    },
    NamedAddress {
        value: 0xcccccccccccccccc,
        value32: 0xcccc_cccc,
        reach: 0x1000,
        name: "SLUB_RED_ACTIVE",
        meaning: "SLUB red zone (0xcc): the pointer was read from past the end of an object, an out-of-bounds read",
    },
    NamedAddress {
        value: 0xbbbbbbbbbbbbbbbb,
        value32: 0xbbbb_bbbb,
        reach: 0x1000,
        name: "SLUB_RED_INACTIVE",
        meaning: "SLUB inactive red zone (0xbb): the pointer was read from a freed object's red zone",
    },
    NamedAddress {
        value: 0xdead4ead,
        value32: 0xdead_4ead,
        reach: 0x100,
        name: "SPINLOCK_MAGIC",
        meaning: "a debug spinlock's magic (0xdead4ead) used as a pointer: the field read as a pointer is a spinlock, a wrong type or a stale object reused for something else",
    },
    NamedAddress {
        value: 0x10,
        value32: 0x10,
        reach: 1,
        name: "ZERO_SIZE_PTR",
        meaning: "kmalloc(0) returns ZERO_SIZE_PTR (0x10): a zero-length allocation was dereferenced, or the member at offset 0x10 of a NULL struct pointer",
    },
];

/// What a fault address is, when it is a known value: the NULL page, a poison value, an
/// error pointer, a non-canonical x86-64 address. `kasan`: the kernel was built with KASAN
/// (its `Oops:` line says so), whose shadow check faults on the shadow of the address, not on
/// the address itself.
pub fn classify_address(addr: u64, arch: Option<Arch>, kasan: bool) -> Option<AddressClass> {
    let wide = !matches!(arch, Some(Arch::I386) | Some(Arch::Arm));
    let class = |name, meaning: String, offset: Option<u64>| AddressClass {
        name,
        meaning,
        offset,
        errno: None,
    };
    for n in NAMED_ADDRESSES {
        let v = if wide { n.value } else { n.value32 };
        if v != 0 && addr >= v && addr - v < n.reach {
            return Some(class(
                n.name,
                n.meaning.to_string(),
                Some(addr - v).filter(|&o| o != 0),
            ));
        }
    }
    let top = if wide { u64::MAX } else { 0xffff_ffff };
    // -1 is as often an all-ones sentinel or uninitialised value as an ERR_PTR(-EPERM).
    if addr < top && addr > top - 4095 {
        let code = (top - addr + 1) as i64;
        let e = errno(code);
        let named = e
            .as_ref()
            .map_or(format!("-{code}"), |e| format!("-{}", e.name));
        return Some(AddressClass {
            name: "ERR_PTR",
            meaning: format!(
                "{code} bytes below zero: an error pointer, ERR_PTR({named}), used without an IS_ERR() check, or container_of()/list_entry() applied to a NULL pointer (a member {code:#x} bytes into its struct)"
            ),
            offset: None,
            errno: e.map(|e| e.name.to_string()),
        });
    }
    if addr < 0x1000 {
        let meaning = if addr == 0 {
            "the NULL pointer itself".to_string()
        } else {
            format!("offset {addr:#x} from a NULL pointer: a member of a struct reached through a NULL pointer")
        };
        return Some(class("NULL page", meaning, Some(addr).filter(|&o| o != 0)));
    }
    if arch != Some(Arch::X86_64) {
        return None;
    }
    let canonical = |a: u64| matches!(a >> 47, 0 | 0x1ffff);
    if canonical(addr) {
        return None;
    }
    if kasan {
        // Generic KASAN on x86-64: shadow = (addr >> 3) + 0xdffffc0000000000.
        const KASAN_SHADOW: u64 = 0xdffffc0000000000;
        let real = addr.wrapping_sub(KASAN_SHADOW) << 3;
        if real < 0x1000 {
            return Some(class(
                "KASAN shadow of the NULL page",
                format!("KASAN's shadow check of an access {real:#x} bytes from NULL: a NULL pointer dereference"),
                Some(real),
            ));
        }
        if real < 0x0000_8000_0000_0000 {
            return Some(class(
                "KASAN shadow of a user address",
                format!("KASAN's shadow check of address {real:#x}: a user-space address, or a small integer, used as a kernel pointer"),
                None,
            ));
        }
        if !canonical(real) {
            return Some(class(
                "KASAN shadow of a non-canonical address",
                format!("KASAN's shadow check of address {real:#x}, which is not a valid address: a wild or corrupted pointer"),
                None,
            ));
        }
    }
    Some(class(
        "non-canonical",
        "not a valid x86-64 address (bits 63-47 differ): a corrupted or uninitialised pointer; the CPU raises a general protection fault, not a page fault, so CR2 does not hold it".to_string(),
        None,
    ))
}

/// Architectural `MCi_STATUS` flag bits, high to low.
const MCI_STATUS_FLAGS: &[(u32, &str)] = &[
    (63, "VAL"),
    (62, "OVER"),
    (61, "UC"),
    (60, "EN"),
    (59, "MISCV"),
    (58, "ADDRV"),
    (57, "PCC"),
    (56, "S"),
    (55, "AR"),
];

/// Cache-hierarchy request types (`RRRR`).
const MCA_REQUESTS: [&str; 9] = [
    "generic",
    "data-read",
    "data-write",
    "data-read",
    "data-write",
    "instruction-fetch",
    "prefetch",
    "eviction",
    "snoop",
];
/// Memory-controller transaction types (`MMM`).
const MCA_MEMORY_OPS: [&str; 5] = ["generic", "read", "write", "address/command", "scrubbing"];

/// What an MCA error code (`MCACOD`, bits 15-0) says: (class, memory).
fn mca_class(code: u64) -> (String, bool) {
    let level = |ll: u64| match ll {
        3 => "generic-level".to_string(),
        l => format!("L{l}"),
    };
    let simple = match code {
        0 => Some("no error"),
        1 => Some("unclassified error"),
        2 => Some("microcode ROM parity error"),
        3 => Some("external error (BINIT# from another processor)"),
        4 => Some("FRC error"),
        5 => Some("internal parity error"),
        6 => Some("SMM handler code access violation"),
        0x400 => Some("internal timer error"),
        0xe0b => Some("I/O error"),
        _ => None,
    };
    if let Some(s) = simple {
        return (s.to_string(), false);
    }
    let c = code & !(1 << 12); // bit 12: corrected-error filtering
    if (0x400..0x800).contains(&c) {
        return ("internal unclassified error".to_string(), false);
    }
    if c & 0xfff0 == 0x0010 {
        let tt = ["instruction", "data", "generic"]
            .get(((c >> 2) & 3) as usize)
            .copied()
            .unwrap_or("generic");
        return (format!("{} {tt} TLB error", level(c & 3)), false);
    }
    if c & 0xff00 == 0x0100 {
        let rrrr = ((c >> 4) & 0xf) as usize;
        let req = MCA_REQUESTS.get(rrrr).copied().unwrap_or("generic");
        return (format!("{} {req} cache error", level(c & 3)), false);
    }
    if c & 0xff80 == 0x0080 {
        let mmm = ((c >> 4) & 7) as usize;
        let op = MCA_MEMORY_OPS.get(mmm).copied().unwrap_or("generic");
        return (format!("memory controller {op} error"), true);
    }
    if c & 0xfffc == 0x000c {
        return (format!("{} cache error", level(c & 3)), false);
    }
    if c & 0xf800 == 0x0800 {
        return ("bus or interconnect error".to_string(), false);
    }
    (format!("model-specific error code {code:#06x}"), false)
}

/// Decodes an x86 `MCi_STATUS` value.
pub fn decode_mce_status(v: u64) -> MceStatus {
    let mcacod = v & 0xffff;
    let (class, memory) = mca_class(mcacod);
    MceStatus {
        value: format!("{v:016x}"),
        flags: MCI_STATUS_FLAGS
            .iter()
            .filter(|(b, _)| v >> b & 1 == 1)
            .map(|(_, n)| *n)
            .collect(),
        uncorrected: v >> 61 & 1 == 1,
        context_corrupt: v >> 57 & 1 == 1,
        overflow: v >> 62 & 1 == 1,
        mcacod: format!("{mcacod:#06x}"),
        mscod: format!("{:#06x}", (v >> 16) & 0xffff),
        class,
        memory,
    }
}

/// A stalled CPU's line of an RCU stall warning (`Documentation/RCU/stallwarn.rst`): the
/// first character `O` means offline; the fourth, a digit, is how many grace periods RCU's
/// irq_work probe has been pending on the CPU (it cannot run while interrupts are off); `(0
/// ticks this GP)` means the CPU took no scheduling-clock interrupt in the stalled grace
/// period.
pub fn decode_rcu_cpu(cpu: u32, flags: &str, ticks: Option<u64>) -> RcuStalledCpu {
    let b = flags.as_bytes();
    let offline = b.first() == Some(&b'O');
    let irq_work_pending_gps = b.get(3).filter(|c| c.is_ascii_digit()).map(|c| c - b'0');
    let meaning = if offline {
        Some("the CPU is offline, yet RCU waits for it (a CPU-hotplug problem)".to_string())
    } else {
        match (ticks, irq_work_pending_gps) {
            (Some(0), Some(n)) => Some(format!(
                "the CPU took no scheduling-clock interrupt in this grace period and RCU's irq_work has waited {n} grace period(s) on it: it runs with interrupts disabled (a hard lockup) or is held in firmware or an NMI handler"
            )),
            (Some(0), None) => Some(
                "the CPU took no scheduling-clock interrupt in this grace period: interrupts disabled (a hard lockup), held in firmware or an NMI handler, or, in a virtual machine, its vCPU was not running".to_string(),
            ),
            (_, Some(n)) => Some(format!(
                "RCU's irq_work has waited {n} grace period(s) on this CPU: it is not taking interrupts now"
            )),
            _ => None,
        }
    };
    RcuStalledCpu {
        cpu,
        flags: flags.to_string(),
        ticks_this_gp: ticks,
        irq_work_pending_gps,
        offline,
        meaning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The decoders as the JSON document shows them (the tests check the published shape).
    mod as_json {
        use serde_json::Value;
        fn v<T: serde::Serialize>(t: T) -> Value {
            serde_json::to_value(t).expect("decodes serialise")
        }
        pub fn decode_esr(x: u64) -> Value {
            v(super::super::decode_esr(x))
        }
        pub fn decode_arm32_fsr(x: u32) -> Value {
            v(super::super::decode_arm32_fsr(x))
        }
        pub fn decode_pstate(x: u64) -> Value {
            v(super::super::decode_pstate(x))
        }
        pub fn decode_cpsr(x: u32) -> Value {
            v(super::super::decode_cpsr(x))
        }
        pub fn decode_eflags(x: u64) -> Value {
            v(super::super::decode_eflags(x))
        }
        pub fn decode_x86_pf_error(x: u64) -> Value {
            v(super::super::decode_x86_pf_error(x))
        }
    }
    use as_json::{
        decode_arm32_fsr, decode_cpsr, decode_eflags, decode_esr, decode_pstate,
        decode_x86_pf_error,
    };

    #[test]
    fn hex_parsing() {
        assert_eq!(parse_hex("0x96000044"), Some(0x9600_0044));
        assert_eq!(parse_hex("0000000096000046"), Some(0x9600_0046));
        assert_eq!(parse_hex(" a05 "), Some(0xa05));
        assert_eq!(parse_hex("0X1F"), Some(0x1f));
        assert_eq!(parse_hex("ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_hex("000000000000000000ff"), Some(0xff));
        assert_eq!(parse_hex("1ffffffffffffffff"), None);
        assert_eq!(parse_hex(""), None);
        assert_eq!(parse_hex("0x"), None);
        assert_eq!(parse_hex("xyz"), None);
    }

    #[test]
    fn errno_lookup() {
        // cases/kdump-capture-irq-exhaustion/dmesg-capture-kernel.txt: "failed with error -28".
        let e = errno(-28).unwrap();
        assert_eq!(
            (e.code, e.name, e.meaning),
            (-28, "ENOSPC", "No space left on device")
        );
        assert_eq!(errno(28).unwrap().code, -28);
        assert_eq!(errno(-517).unwrap().name, "EPROBE_DEFER");
        assert_eq!(errno(524).unwrap().name, "ENOTSUPP");
        assert_eq!(errno(-110).unwrap().name, "ETIMEDOUT");
        assert_eq!(errno(512).unwrap().name, "ERESTARTSYS");
        assert_eq!(errno(133).unwrap().name, "EHWPOISON");
        assert!(errno(0).is_none());
        assert!(errno(41).is_none());
        assert!(errno(134).is_none());
        assert!(errno(i64::MIN).is_none());
        assert!(errno(i64::MAX).is_none());
        // Every number 1..=133 except the two holes of asm-generic is known, names unique.
        for n in 1..=133 {
            assert_eq!(errno(n).is_some(), n != 41 && n != 58, "errno {n}");
        }
        let mut names: Vec<_> = ERRNO_TABLE.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ERRNO_TABLE.len());
    }

    fn letters(t: &Taint) -> String {
        t.flags.iter().map(|f| f.letter).collect()
    }

    #[test]
    fn taint_strings() {
        // lab/corpus/*-amd64.log: "Tainted: G           OE      6.1.0-56-amd64 #1".
        let t = decode_taint("G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2");
        assert_eq!(letters(&t), "OE");
        assert_eq!(t.flags[1].meaning, "unsigned module was loaded");
        // cases/csd-lock-memory-error/softlockup.log: "Tainted: G        W  OEL".
        let t = decode_taint("G        W  OEL  ");
        assert_eq!(letters(&t), "WOEL");
        assert_eq!(t.raw, "G        W  OEL");
        assert_eq!(t.flags[3].meaning, "soft lockup occurred");
        // cases/nested-oops-die-lock/console.log: spaces collapsed, "Tainted: G OEL 4.19.5-...".
        assert_eq!(
            letters(&decode_taint("G OEL 4.19.5-1.1.29.aarch64 #1")),
            "OEL"
        );
        // lab/corpus/CORRUPT_LIST_DEL-arm64.log: "Tainted: G      D    OE".
        assert_eq!(letters(&decode_taint("G      D    OE")), "DOE");
        // RHEL marker after the flags: "G           OE  ------------   4.14.0-115...".
        assert_eq!(
            letters(&decode_taint(
                "G           OE  ------------   4.14.0-115.el7a"
            )),
            "OE"
        );
        let t = decode_taint("P   M  D");
        assert_eq!(letters(&t), "PMD");
        assert_eq!(t.flags[0].meaning, "proprietary module was loaded");
        let t = decode_taint("Not tainted 6.1.0 #1");
        assert!(t.flags.is_empty());
        // Verbose form of newer kernels.
        assert_eq!(letters(&decode_taint("[W]=WARN, [O]=OOT_MODULE")), "WO");
        assert_eq!(decode_taint("G    Q").flags[0].meaning, UNKNOWN_TAINT);
        assert!(decode_taint("").flags.is_empty());
        assert_eq!(taint_bit('J'), Some(19));
        assert_eq!(TAINT_TABLE.len(), 20);
    }

    #[test]
    fn esr_data_abort_write() {
        // cases/nested-oops-die-lock/console.log: "ESR = 0x96000044", DABT (current EL), WnR = 1.
        let v = decode_esr(0x9600_0044);
        assert_eq!(v["value"], "0x96000044");
        assert_eq!(v["ec"], "0x25");
        assert_eq!(v["ec_name"], "DABT (current EL)");
        assert_eq!(v["il"], 32);
        assert_eq!(v["iss"], "0x00000044");
        assert_eq!(v["isv"], 0);
        assert_eq!(v["set"], 0);
        assert_eq!(v["fnv"], 0);
        assert_eq!(v["ea"], 0);
        assert_eq!(v["s1ptw"], 0);
        assert_eq!(v["cm"], 0);
        assert_eq!(v["wnr"], 1);
        assert_eq!(v["dfsc"], "0x04");
        assert_eq!(v["fsc_name"], "level 0 translation fault");
        assert_eq!(v["access"], "write");
        assert!(v.get("srt").is_none());
    }

    #[test]
    fn esr_data_abort_read() {
        // cases/nested-oops-die-lock/console.log: "ESR = 0x96000004", WnR = 0.
        let v = decode_esr(0x9600_0004);
        assert_eq!(v["wnr"], 0);
        assert_eq!(v["access"], "read");
        assert_eq!(v["fsc_name"], "level 0 translation fault");
        // lab/corpus/EXCEPTION-arm64.log: "ESR = 0x0000000096000046",
        // "FSC = 0x06: level 2 translation fault", "WnR = 1".
        let v = decode_esr(0x0000_0000_9600_0046);
        assert_eq!(v["fsc_name"], "level 2 translation fault");
        assert_eq!(v["wnr"], 1);
    }

    #[test]
    fn esr_instruction_abort() {
        // lab/corpus/EXEC_DATA-arm64.log: "ESR = 0x000000008600000f",
        // "EC = 0x21: IABT (current EL)", "FSC = 0x0f: level 3 permission fault".
        let v = decode_esr(0x8600_000f);
        assert_eq!(v["ec"], "0x21");
        assert_eq!(v["ec_name"], "IABT (current EL)");
        assert_eq!(v["ifsc"], "0x0f");
        assert_eq!(v["fsc_name"], "level 3 permission fault");
        assert_eq!(v["access"], "instruction fetch");
        assert!(v.get("wnr").is_none());
    }

    #[test]
    fn esr_other_classes() {
        // ISV=1 data abort: SAS=2 (4 bytes), SRT=3, SF=1.
        let v = decode_esr(0x9383_8010);
        assert_eq!(v["isv"], 1);
        assert_eq!(v["sas"], 2);
        assert_eq!(v["access_size"], 4);
        assert_eq!(v["srt"], 3);
        assert_eq!(v["sf"], 1);
        assert_eq!(v["fsc_name"], "synchronous external abort");
        // BRK #0x800 = BUG().
        let v = decode_esr(0xf200_0800);
        assert_eq!(v["ec_name"], "BRK (AArch64)");
        assert_eq!(v["brk_meaning"], "BUG()/WARN()");
        // SError, AET = UC.
        let v = decode_esr(0xbe00_0000);
        assert_eq!(v["ec_name"], "SError");
        assert_eq!(v["aet_name"], "uncontainable (UC)");
        assert_eq!(decode_esr(0x5600_0000)["ec_name"], "SVC (AArch64)");
        assert_eq!(decode_esr(0x0400_0000)["ec_name"], "WFI/WFE");
        assert_eq!(decode_esr(0x0200_0000)["ec_name"], "Unknown/Uncategorized");
        assert_eq!(decode_esr(0x8a00_0000)["ec_name"], "PC Alignment");
        assert_eq!(decode_esr(0x9a00_0000)["ec_name"], "SP Alignment");
        assert_eq!(decode_esr(0x0000_0000)["il"], 16);
        assert_eq!(decode_esr(0x0800_0000)["ec_name"], "UNRECOGNIZED EC");
        // Never panics on any value.
        for v in [u64::MAX, 1 << 63, 0xffff_ffff, 0x3f << 26] {
            let _ = decode_esr(v);
        }
    }

    #[test]
    fn arm32_fsr() {
        // cases/slides-arm32-oops-rpmsg/console.log: "Internal error: Oops: a05". Bit 9 set
        // means the LPAE long-descriptor format (the kernel runs with LPAE: "Table: ad5bc480"
        // is not 16 KiB aligned as a short-descriptor TTBR would be): write, level 1
        // translation fault at the NULL+0x2c address whose "*pgd=00000000".
        let v = decode_arm32_fsr(0xa05);
        assert_eq!(v["value"], "0xa05");
        assert_eq!(v["format"], "long-descriptor (LPAE)");
        assert_eq!(v["status"], "0x05");
        assert_eq!(v["fsc_name"], "level 1 translation fault");
        assert_eq!(v["wnr"], 1);
        assert_eq!(v["access"], "write");
        // Short-descriptor: 0x805 = write, section translation fault; 0x817 = write, page
        // permission fault (fsr-2level.c); 0x406 = imprecise external abort (FS4 set).
        let v = decode_arm32_fsr(0x805);
        assert_eq!(v["format"], "short-descriptor");
        assert_eq!(v["fsc_name"], "section translation fault");
        assert_eq!(decode_arm32_fsr(0x80f)["fsc_name"], "page permission fault");
        assert_eq!(
            decode_arm32_fsr(0x007)["fsc_name"],
            "page translation fault"
        );
        assert_eq!(decode_arm32_fsr(0x007)["access"], "read");
        assert_eq!(
            decode_arm32_fsr(0x406)["fsc_name"],
            "imprecise external abort"
        );
        assert_eq!(decode_arm32_fsr(0x1406)["ext"], 1);
        assert_eq!(
            decode_arm32_fsr(0x8000_0003)["fsc_name"],
            "section access flag fault"
        );
        assert_eq!(decode_arm32_fsr(0x8000_0003)["access"], "instruction fetch");
        assert_eq!(decode_arm32_fsr(0x23f)["fsc_name"], "unknown 63");
        let _ = decode_arm32_fsr(u32::MAX);
    }

    #[test]
    fn pstate_arm64() {
        // lab/corpus/EXEC_DATA-arm64.log: "pstate: 60402805 (nZCv daif +PAN -UAO -TCO -DIT
        // -SSBS BTYPE=-c)".
        let v = decode_pstate(0x6040_2805);
        assert_eq!(v["text"], "nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=-c");
        assert_eq!(v["mode"], "EL1h");
        assert_eq!(v["el"], 1);
        assert_eq!(v["sp"], "SP_EL1");
        assert_eq!(v["z"], true);
        assert_eq!(v["n"], false);
        assert_eq!(v["interrupts_enabled"], true);
        // lab/corpus/CORRUPT_LIST_DEL-arm64.log: "pstate: 204023c5 (nzCv DAIF +PAN ...)".
        let v = decode_pstate(0x2040_23c5);
        assert_eq!(v["text"], "nzCv DAIF +PAN -UAO -TCO -DIT -SSBS BTYPE=--");
        assert_eq!(v["interrupts_enabled"], false);
        // lab/corpus/SLAB_FREE_DOUBLE-arm64.log: "pstate: 204020c5 (nzCv daIF ...)".
        assert!(decode_pstate(0x2040_20c5)["text"]
            .as_str()
            .unwrap()
            .starts_with("nzCv daIF +PAN"));
        // cases/nested-oops-die-lock/console.log: "pstate: 80000005 (Nzcv daif -PAN -UAO)".
        let v = decode_pstate(0x8000_0005);
        assert!(v["text"]
            .as_str()
            .unwrap()
            .starts_with("Nzcv daif -PAN -UAO"));
        // cases/reboot-softirq-stuck/console.log: "pstate: 20400009" = EL2h.
        let v = decode_pstate(0x2040_0009);
        assert_eq!(v["mode"], "EL2h");
        assert_eq!(v["pan"], true);
        // AArch32 compat task in USR mode.
        let v = decode_pstate(0x6000_0010);
        assert_eq!(v["aarch32"], true);
        assert_eq!(v["mode"], "USER_32");
        assert_eq!(decode_pstate(0x0000_0002)["mode"], "reserved M=0x2");
        let _ = decode_pstate(u64::MAX);
    }

    #[test]
    fn cpsr_arm32() {
        // cases/slides-arm32-oops-rpmsg/console.log: "psr: 80010013" and
        // "Flags: Nzcv IRQs on FIQs on Mode SVC_32 ISA ARM Segment user".
        let v = decode_cpsr(0x8001_0013);
        assert_eq!(v["mode"], "SVC_32");
        assert_eq!(v["isa"], "ARM");
        assert_eq!(v["n"], true);
        assert_eq!(v["interrupts_enabled"], true);
        assert_eq!(v["fiqs_enabled"], true);
        assert_eq!(v["text"], "Nzcv  IRQs on  FIQs on  Mode SVC_32  ISA ARM");
        let v = decode_cpsr(0x6000_01b3);
        assert_eq!(v["mode"], "SVC_32");
        assert_eq!(v["isa"], "Thumb");
        assert_eq!(v["interrupts_enabled"], false);
        let _ = decode_cpsr(u32::MAX);
    }

    #[test]
    fn eflags_x86() {
        // lab/corpus/EXHAUST_STACK-amd64.log: "EFLAGS: 00000246".
        let v = decode_eflags(0x246);
        assert_eq!(v["flags"], json!(["PF", "ZF", "IF"]));
        assert_eq!(v["interrupts_enabled"], true);
        // lab/corpus/EXCEPTION-panic-amd64.log: "EFLAGS: 00010286".
        let v = decode_eflags(0x10286);
        assert_eq!(v["flags"], json!(["PF", "SF", "IF", "RF"]));
        // cases/slides-x86-64-softlockup-tlb-syslog/console.log: "EFLAGS: 00000202".
        assert_eq!(decode_eflags(0x202)["flags"], json!(["IF"]));
        // lab/corpus/OOM-amd64.log: "EFLAGS: 00010203".
        assert_eq!(decode_eflags(0x10203)["flags"], json!(["CF", "IF", "RF"]));
        let v = decode_eflags(0x3086);
        assert_eq!(v["iopl"], 3);
        assert_eq!(v["interrupts_enabled"], false);
        assert_eq!(v["value"], "0x00003086");
    }

    #[test]
    fn x86_page_fault() {
        // lab/corpus/EXCEPTION-panic-amd64.log: "#PF: supervisor write access in kernel mode",
        // "#PF: error_code(0x0002) - not-present page".
        let v = decode_x86_pf_error(0x2);
        assert_eq!(v["value"], "0x0002");
        assert_eq!(v["summary"], "not-present page");
        assert_eq!(v["access"], "write access");
        assert_eq!(v["mode"], "supervisor");
        assert_eq!(
            v["descriptions"],
            json!(["not-present page", "write access", "kernel-mode access"])
        );
        // lab/corpus/ACCESS_NULL-amd64.log: "error_code(0x0000) - not-present page", read.
        let v = decode_x86_pf_error(0);
        assert_eq!(v["summary"], "not-present page");
        assert_eq!(v["access"], "read access");
        // lab/corpus/WRITE_RO-amd64.log: "error_code(0x0003) - permissions violation".
        let v = decode_x86_pf_error(3);
        assert_eq!(v["summary"], "permissions violation");
        assert_eq!(v["bits"], json!(["P", "W"]));
        // lab/corpus/EXEC_DATA-amd64.log: "supervisor instruction fetch",
        // "error_code(0x0011) - permissions violation".
        let v = decode_x86_pf_error(0x11);
        assert_eq!(v["access"], "instruction fetch");
        assert_eq!(v["summary"], "permissions violation");
        assert_eq!(
            decode_x86_pf_error(0x9)["summary"],
            "reserved bit violation"
        );
        assert_eq!(
            decode_x86_pf_error(0x21)["summary"],
            "protection keys violation"
        );
        assert_eq!(decode_x86_pf_error(0x6)["mode"], "user");
        let _ = decode_x86_pf_error(u64::MAX);
    }

    #[test]
    fn addresses_are_named() {
        let x = Some(Arch::X86_64);
        let name = |a: u64, arch| classify_address(a, arch, false).map(|c| c.name);
        assert_eq!(name(0xdead000000000100, x), Some("LIST_POISON1"));
        assert_eq!(name(0xdead000000000122, x), Some("LIST_POISON2"));
        assert_eq!(name(0xdead000000000108, x), Some("LIST_POISON1"));
        assert_eq!(name(0xdead000000000300, x), Some("POISON_POINTER_DELTA"));
        assert_eq!(name(0x00100100, Some(Arch::I386)), Some("LIST_POISON1"));
        assert_eq!(name(0x6b6b6b6b6b6b6b6b, x), Some("POISON_FREE"));
        assert_eq!(name(0x6b6b6b6b6b6b6b83, x), Some("POISON_FREE"));
        assert_eq!(name(0x6b6b6b73, Some(Arch::Arm)), Some("POISON_FREE"));
        assert_eq!(
            name(0x5a5a5a5a5a5a5a5a, Some(Arch::Arm64)),
            Some("POISON_INUSE")
        );
        assert_eq!(name(0xdead4ead, x), Some("SPINLOCK_MAGIC"));
        assert_eq!(name(0x10, x), Some("ZERO_SIZE_PTR"));
        assert_eq!(name(0x8, x), Some("NULL page"));
        assert_eq!(name(0x0, x), Some("NULL page"));
        let e = classify_address(0xfffffffffffffff4, x, false).unwrap();
        assert_eq!((e.name, e.errno.as_deref()), ("ERR_PTR", Some("ENOMEM")));
        let e = classify_address(0xfffffffe, Some(Arch::Arm), false).unwrap();
        assert_eq!((e.name, e.errno.as_deref()), ("ERR_PTR", Some("ENOENT")));
        assert_eq!(name(0xffffffffffffffff, x), None);
        // KASAN shadows (syzkaller corpus 662, 512, 664).
        let k = |a: u64| classify_address(a, x, true).unwrap();
        assert_eq!(k(0xdffffc000000000b).name, "KASAN shadow of the NULL page");
        assert_eq!(k(0xdffffc000000000b).offset, Some(0x58));
        assert_eq!(k(0xdffffc0002c3fefa).name, "KASAN shadow of a user address");
        assert!(k(0xdffffc0002c3fefa).meaning.contains("0x161ff7d0"));
        assert_eq!(
            k(0xe0017c0000000006).name,
            "KASAN shadow of a non-canonical address"
        );
        assert_eq!(name(0xdffffc000000000b, x), Some("non-canonical"));
        // A GPF's non-canonical address (gh-zfs-gpf-x86_64-1).
        assert_eq!(name(0xbfff93fcd9822a28, x), Some("non-canonical"));
        // Ordinary kernel and user addresses are nothing special.
        assert_eq!(name(0xffff9ba3001e8000, x), None);
        assert_eq!(name(0x00007fd17b7fe700, x), None);
        assert_eq!(name(0xbfff93fcd9822a28, Some(Arch::Arm64)), None);
    }

    #[test]
    fn mce_status_is_decoded() {
        // gh-hwerror-x86_64-1: `CPU 3: Machine Check: 0 Bank 6: cc59214000041152`.
        let s = decode_mce_status(0xcc59214000041152);
        assert_eq!(s.flags, ["VAL", "OVER", "MISCV", "ADDRV"]);
        assert!(!s.uncorrected && s.overflow && !s.context_corrupt);
        assert_eq!(s.class, "L2 instruction-fetch cache error");
        // ar-edac-hwerror-x86_64-2: `Bank 5: 8c00004000010092` (EDAC: memory read error, Chan#2).
        let s = decode_mce_status(0x8c00004000010092);
        assert_eq!(s.flags, ["VAL", "MISCV", "ADDRV"]);
        assert_eq!(s.class, "memory controller read error");
        assert!(s.memory && !s.uncorrected);
        // gh-hwerror-x86_64-2: `Bank 11: 8c00004f000800c2` (EDAC: memory scrubbing error).
        assert_eq!(
            decode_mce_status(0x8c00004f000800c2).class,
            "memory controller scrubbing error"
        );
        // abrt-hwerror-x86_64-1 (legacy): `Bank 3: b40000000000083b`: uncorrected, bus.
        let s = decode_mce_status(0xb40000000000083b);
        assert_eq!(s.flags, ["VAL", "UC", "EN", "ADDRV"]);
        assert!(s.uncorrected && !s.context_corrupt);
        assert_eq!(s.class, "bus or interconnect error");
        // gh-hwerror-x86_64-3: `Bank 4: a600000000020408`: internal unclassified.
        let s = decode_mce_status(0xa600000000020408);
        assert_eq!(s.flags, ["VAL", "UC", "ADDRV", "PCC"]);
        assert!(s.context_corrupt);
        assert_eq!(s.class, "internal unclassified error");
    }

    #[test]
    fn rcu_stalled_cpu_lines_are_decoded() {
        // Seed 001: `65-....: (3920456 ticks this GP)`: ticking, no conclusion.
        let c = decode_rcu_cpu(65, "....", Some(3920456));
        assert!(c.meaning.is_none() && !c.offline);
        // ar corpus VM stall: `1-...!: (0 ticks this GP) ... fqs=0`.
        let c = decode_rcu_cpu(1, "...!", Some(0));
        assert_eq!(c.irq_work_pending_gps, None);
        assert!(c.meaning.unwrap().contains("vCPU"));
        // `3-...0: (0 ticks this GP)`: interrupts off.
        let c = decode_rcu_cpu(3, "...0", Some(0));
        assert_eq!(c.irq_work_pending_gps, Some(0));
        assert!(c.meaning.unwrap().contains("hard lockup"));
        assert!(decode_rcu_cpu(2, "O..!", Some(0)).offline);
    }
}
