//! `analyze --vmlinux`: the frames and trapping instruction of every report, located in the
//! source through the vmlinux's symbols and DWARF ([`ktriage_symbolize`]).

use ktriage_model::{Analysis, CodeLocation, InlinedCall, InputWarning, Location, SourceLocation};
use ktriage_symbolize::{trace, Binary, Lookup, SourceLine};

/// Adds `source` to the `ip`, `lr` and frames of every report that the binary covers (not
/// modules' frames); a function whose printed length is not its size in the binary is not
/// located, and the document gets one warning saying how many were skipped so.
pub fn annotate(a: &mut Analysis, bin: &Binary) {
    let base = trace::basepath(bin);
    let mut mismatched = 0usize;
    let mut locate = |function: &str, offset: &Option<String>, size: &Option<String>, how| {
        let hex = |s: &Option<String>| {
            s.as_deref()
                .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
        };
        let r = bin.resolve(function, hex(offset)?, hex(size))?;
        if !r.size_matches {
            mismatched += 1;
            return None;
        }
        let how = if hex(offset) == Some(0) {
            Lookup::Exact
        } else {
            how
        };
        source_of(&bin.locate(r.address, how), base.as_deref())
    };
    for r in &mut a.reports {
        for loc in [r.ip.as_mut(), r.lr.as_mut()].into_iter().flatten() {
            locate_code(loc, &mut locate);
        }
        for f in r.frames.iter_mut().filter(|f| f.module.is_none()) {
            f.source = locate(&f.function, &f.offset, &f.size, Lookup::Return);
        }
    }
    if mismatched > 0 {
        a.warnings.push(InputWarning {
            source: Location {
                path: bin.path().to_string(),
                line: 0,
            },
            message: format!(
                "{mismatched} frame(s) name a function whose length differs in this vmlinux: \
                 the log comes from another build; those frames are not located"
            ),
            incomplete: false,
        });
    }
}

fn locate_code(
    loc: &mut CodeLocation,
    locate: &mut impl FnMut(&str, &Option<String>, &Option<String>, Lookup) -> Option<SourceLocation>,
) {
    if loc.module.is_none() {
        loc.source = locate(&loc.function, &loc.offset, &loc.size, Lookup::Exact);
    }
}

/// The document's shape of an `addr2line -i` chain (innermost first).
fn source_of(lines: &[SourceLine], base: Option<&str>) -> Option<SourceLocation> {
    let strip = |f: &str| -> String {
        base.and_then(|b| f.strip_prefix(b))
            .map_or(f, |r| r.trim_start_matches('/'))
            .to_string()
    };
    let first = lines.first()?;
    let file = strip(first.file.as_deref()?);
    let inlined = lines
        .windows(2)
        .map(|w| InlinedCall {
            function: w[0].function.clone().unwrap_or_default(),
            file: w[1].file.as_deref().map(strip).unwrap_or_default(),
            line: w[1].line,
        })
        .collect();
    Some(SourceLocation {
        file,
        line: first.line,
        inlined,
    })
}
