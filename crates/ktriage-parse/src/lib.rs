//! Kernel log parsing: from bytes to the typed document, without diagnosis.
//!
//! Pipeline: [`input`] (files, decompression, bounded line reading) -> [`frame`] (prefix
//! stripping, wrapped/joined line repair) -> [`report`] and [`event`] (kernel reports and
//! notable lines, driven by the tables in [`patterns`]) -> [`title`] (syzkaller signatures).
//! [`analyze`] runs it and returns an [`Analysis`](ktriage_model::Analysis) with no incidents;
//! `ktriage-diagnose` adds those.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analyze;
pub mod boot;
pub mod decode;
pub mod event;
pub mod frame;
pub mod input;
pub mod patterns;
pub mod report;
pub mod scan;
pub mod signature;
pub mod sources;
pub mod title;
pub mod vmcore;

/// The document types (re-exported so paths inside this crate read `crate::model`).
pub use ktriage_model as model;
