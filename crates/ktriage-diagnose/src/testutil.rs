//! Test helpers: parse a log with `ktriage-parse`, then diagnose it.

use ktriage_model::Analysis;

/// Options of a test run (parsing and diagnosis together).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// UTC offset (minutes) of sources that print local time without a zone.
    pub tz_offset_minutes: Option<i32>,
}

/// Parses `data` as a log named `name` and diagnoses it.
pub fn analyze_bytes(name: &str, data: &[u8], opts: Options) -> Analysis {
    let mut a = ktriage_parse::analyze::analyze_bytes(name, data, Default::default());
    crate::diagnose(
        &mut a,
        &crate::Options {
            tz_offset_minutes: opts.tz_offset_minutes,
        },
    );
    a
}
