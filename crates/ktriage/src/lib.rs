//! ktriage: find, parse and explain Linux kernel crash and hang reports.
//!
//! Pipeline: [`input`] (files, decompression, bounded line reading) -> [`frame`] (prefix
//! stripping, wrapped/joined line repair) -> [`report`] and [`event`] (kernel reports and
//! notable lines, driven by the tables in [`patterns`]) -> [`diagnose`] (incidents) ->
//! [`render`] (text, JSON, syzkaller headers). [`analyze`] runs the whole pipeline.

pub mod analyze;
pub mod decode;
pub mod diagnose;
pub mod event;
pub mod frame;
pub mod input;
pub mod model;
pub mod patterns;
pub mod render;
pub mod report;
pub mod sources;
pub mod title;
pub mod vmcore;
