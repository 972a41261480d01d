//! `analyze --vmlinux`: the frames and trapping instruction of every report, located in the
//! source through the vmlinux's symbols and DWARF ([`ktriage_symbolize`]).

use ktriage_model::{Analysis, InlinedCall, InputWarning, Location, SourceLocation};
use ktriage_symbolize::{Lookup, SourceLine, Symbols};

/// Adds `source` to the `ip`, `lr` and frames of every report, from the kernel image or the
/// frame's module; a function whose printed length is not its length in the binary is not
/// located, and the document gets one warning saying how many were skipped so (and one per
/// module that could not be found or read).
pub fn annotate(a: &mut Analysis, syms: &mut Symbols, only: Option<&str>) {
    let base = syms.basepath();
    let release = syms.release();
    let printed = releases(a);
    let vmlinux_path = syms.path().to_string();
    // Reports of another kernel than the image's are not located (their lines would be
    // another build's).
    let other: Vec<Option<String>> = printed
        .iter()
        .map(|kernel| match (kernel.as_deref(), only) {
            // Images found by release locate only the reports that print it.
            (None, Some(_)) => Some(String::new()),
            (None, None) => None,
            (Some(kernel), _) => {
                let image = only.or(release.as_deref())?;
                (kernel != image).then(|| kernel.to_string())
            }
        })
        .collect();
    let mut mismatched = 0usize;
    let mut locate = |function: &str,
                      offset: &Option<String>,
                      size: &Option<String>,
                      module: Option<&str>,
                      how| {
        let hex = |s: &Option<String>| {
            s.as_deref()
                .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
        };
        let offset = hex(offset)?;
        let how = if offset == 0 { Lookup::Exact } else { how };
        let found = syms.lookup(module, function, offset, hex(size), how)?;
        if !found.resolved.size_matches {
            mismatched += 1;
            return None;
        }
        // A module built out of tree against a headers package names its files below it.
        let module_base = found
            .lines
            .first()
            .and_then(|l| l.file.as_deref())
            .and_then(|f| f.strip_prefix("/usr/src/"))
            .and_then(|rest| rest.split_once('/'))
            .map(|(dir, _)| format!("/usr/src/{dir}"));
        let base = if module.is_none() {
            base.as_deref()
        } else {
            module_base.as_deref()
        };
        source_of(&found.lines, base)
    };
    for (r, other) in a.reports.iter_mut().zip(&other) {
        if other.is_some() {
            continue;
        }
        for loc in [r.ip.as_mut(), r.lr.as_mut()].into_iter().flatten() {
            loc.source = locate(
                &loc.function,
                &loc.offset,
                &loc.size,
                loc.module.as_deref(),
                Lookup::Exact,
            );
        }
        for f in r.frames.iter_mut() {
            f.source = locate(
                &f.function,
                &f.offset,
                &f.size,
                f.module.as_deref(),
                Lookup::Return,
            );
        }
    }
    syms.save();
    let others: std::collections::BTreeSet<&String> = other.iter().flatten().collect();
    if let (Some(release), false, None) = (&release, others.is_empty(), only) {
        let n = other.iter().flatten().count();
        a.warnings.push(InputWarning {
            source: Location {
                path: vmlinux_path.clone(),
                line: 0,
            },
            message: format!(
                "this vmlinux is {release}, but {n} report(s) come from {}: they are not \
                 located (pass that kernel's vmlinux)",
                others.into_iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            incomplete: false,
        });
    }
    for p in std::mem::take(&mut syms.problems) {
        a.warnings.push(InputWarning {
            source: Location {
                path: String::new(),
                line: 0,
            },
            message: p,
            incomplete: false,
        });
    }
    if mismatched > 0 {
        a.warnings.push(InputWarning {
            source: Location {
                path: vmlinux_path,
                line: 0,
            },
            message: format!(
                "{mismatched} frame(s) name a function whose length differs in this vmlinux or \
                 its modules: the log comes from another build; those frames are not located"
            ),
            incomplete: false,
        });
    }
}

/// The kernel release each report was printed by (its CPU line, else its boot's banner).
pub fn releases(a: &Analysis) -> Vec<Option<String>> {
    a.reports
        .iter()
        .map(|r| {
            let kernel = r
                .kernel
                .clone()
                .or_else(|| a.boots.get(r.boot).and_then(|b| b.kernel.clone()))?;
            kernel.split_whitespace().next().map(str::to_string)
        })
        .collect()
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
