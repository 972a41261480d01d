//! ktriage: find, parse and explain Linux kernel crash and hang reports.
//!
//! This crate is the command line and its renderers, over three layers that Cargo keeps apart:
//! [`model`] (the typed `ktriage/analysis/1` document), `ktriage-parse` (bytes to document:
//! [`input`], [`frame`], [`patterns`], [`report`], [`event`], [`title`]) and `ktriage-diagnose`
//! ([`diagnose`]: incidents and findings). [`analyze`] runs parsing then diagnosis;
//! [`render`] writes text, JSON and syzkaller headers.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analyze;
pub mod render;
pub mod symbols;

pub use ktriage_diagnose as diagnose;
pub use ktriage_model as model;
pub use ktriage_parse::{decode, event, frame, input, patterns, report, sources, title, vmcore};
