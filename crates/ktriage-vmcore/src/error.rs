//! Error type of the crate.

use std::fmt;

/// Why a page of physical memory could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageFault {
    /// The address is not RAM (no segment or bitmap bit covers it).
    Hole,
    /// The page should be in the dump but its data is missing (incomplete or truncated dump).
    Lost,
    /// The page exists but its stored data is damaged.
    Corrupt(String),
    /// The page uses a compression method this reader does not know.
    Unsupported(String),
    /// The page belongs to another part of a split dump.
    OtherSplitPart,
}

impl fmt::Display for PageFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageFault::Hole => f.write_str("not in the dump (hole)"),
            PageFault::Lost => f.write_str("data missing (incomplete or truncated dump)"),
            PageFault::Corrupt(s) => write!(f, "corrupt page: {s}"),
            PageFault::Unsupported(s) => write!(f, "unsupported page encoding: {s}"),
            PageFault::OtherSplitPart => f.write_str("in another part of a split dump"),
        }
    }
}

/// Errors returned by this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system I/O error.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The file is empty.
    #[error("the file is empty (0 bytes)")]
    Empty,
    /// The magic bytes match no known dump format.
    #[error("not a vmcore: unrecognized magic bytes {0}")]
    UnknownFormat(String),
    /// The dump uses a feature this reader does not support.
    #[error("unsupported dump: {0}")]
    Unsupported(String),
    /// A structure in the dump is inconsistent.
    #[error("corrupt dump: {0}")]
    Corrupt(String),
    /// A structure lies past the end of the file.
    #[error("truncated dump: {0}")]
    Truncated(String),
    /// The dump carries no VMCOREINFO note.
    #[error("the dump has no VMCOREINFO (QEMU dumps need '-device vmcoreinfo')")]
    NoVmcoreinfo,
    /// A required VMCOREINFO key is missing or malformed.
    #[error("VMCOREINFO lacks a usable {0}")]
    MissingKey(String),
    /// A physical page could not be read.
    #[error("physical address {pa:#x}: {fault}")]
    Page {
        /// The physical address.
        pa: u64,
        /// What went wrong.
        fault: PageFault,
    },
    /// A kernel virtual address could not be translated.
    #[error("cannot translate virtual address {va:#x}: {reason}")]
    Translate {
        /// The virtual address.
        va: u64,
        /// Why.
        reason: String,
    },
    /// No kernel log could be located.
    #[error("no kernel log: {0}")]
    NoLog(String),
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
