//! Crash signatures following syzkaller's Linux report conventions.
//!
//! Given a kernel console log, find the first crash report and compute its syzkaller-style
//! title (e.g. `KASAN: use-after-free Read in aead_recvmsg`), alternative titles, crash type,
//! guilty frame and whether the report looks corrupted.
//!
//! The rules live as data in `tables.rs`; `engine.rs` interprets them. Regexes are compiled
//! lazily, only for the oops kinds that actually occur in the input.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod engine;
mod regexes;
mod tables;
#[cfg(test)]
mod unit_tests;

/// A crash signature in syzkaller's conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Normalised crash title, e.g. `WARNING in foo`.
    pub title: String,
    /// Alternative titles (normalised; may hold duplicates after normalisation).
    pub alt_titles: Vec<String>,
    /// Crash type, e.g. `KASAN-USE-AFTER-FREE-READ`, `HANG`; `None` when unknown.
    pub crash_type: Option<String>,
    /// Whether the report looks corrupted (merged lines, missing stack, ...).
    pub corrupted: bool,
    /// Why the report was judged corrupted.
    pub corrupted_reason: Option<String>,
    /// The guilty frame taken from the title (spec §10.4).
    pub guilty_frame: Option<String>,
    /// Whether the output matches a known non-kernel failure (executor OOM, ...).
    pub suppressed: bool,
    /// Whether the output contains `Kernel panic - not syncing`.
    pub panicked: bool,
    /// Byte offset of the start of the oops line.
    pub start_pos: usize,
    /// Byte offset of the end of the last oops line of the report.
    pub end_pos: usize,
    /// Byte offset where a search for the next report should resume.
    pub skip_pos: usize,
    /// The report text: context prefix lines plus the report lines, without timestamps.
    pub report: Vec<u8>,
    /// The syzkaller executor that crashed, as `proc=A, id=B`, when the report names one.
    pub executor: Option<String>,
}

/// Finds the first crash report in `output` at or after byte `min` (spec ParseFrom).
pub fn parse_from(output: &[u8], min: usize) -> Option<Signature> {
    let p = engine::parse_from(output, min)?;
    Some(Signature {
        title: p.title,
        alt_titles: p.alt_titles,
        crash_type: p.crash_type.map(str::to_string),
        corrupted: p.corrupted_reason.is_some(),
        corrupted_reason: p.corrupted_reason,
        guilty_frame: p.frame,
        suppressed: p.suppressed,
        panicked: p.panicked,
        start_pos: p.start_pos,
        end_pos: p.end_pos,
        skip_pos: p.skip_pos,
        report: p.report,
        executor: p.executor,
    })
}

/// Finds the first crash report in `output` (spec Parse).
pub fn parse(output: &[u8]) -> Option<Signature> {
    parse_from(output, 0)
}

/// Finds all crash reports in `output`, each search resuming at the previous one's `skip_pos`.
///
/// Each search reads to the end of `output` (a report takes every later line of its console
/// context), so the cost is (number of reports) x (size): pass bounded windows for huge logs.
pub fn parse_all(output: &[u8]) -> Vec<Signature> {
    let mut all = Vec::new();
    let mut pos = 0;
    while let Some(sig) = parse_from(output, pos) {
        pos = sig.skip_pos.max(pos + 1);
        all.push(sig);
        if pos >= output.len() {
            break;
        }
    }
    all
}

/// Whether any line of `output` starts a crash report (spec ContainsCrash).
pub fn contains_crash(output: &[u8]) -> bool {
    engine::contains_crash(output)
}

/// Crash type for a final title (spec §11).
pub fn title_to_type(title: &str) -> Option<&'static str> {
    engine::title_to_type(title)
}
