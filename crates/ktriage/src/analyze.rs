//! The whole pipeline: parse the inputs ([`ktriage_parse`]), then diagnose ([`ktriage_diagnose`]).

use ktriage_model::Analysis;
use ktriage_parse::input::InputError;

/// Options of one `ktriage analyze` run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// UTC offset (minutes) of sources that print local time without a zone.
    pub tz_offset_minutes: Option<i32>,
    /// UTC offset (minutes) of IPMI SEL times (default UTC).
    pub sel_tz_minutes: Option<i32>,
    /// Skip syzkaller signatures (titles fall back to ktriage's own).
    pub no_signatures: bool,
    /// Bytes read so far across all inputs, for a caller's progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    /// Read every file, also those whose content is not a log (`--all-files`).
    pub all_files: bool,
    /// Worker threads (`--threads`; 0: all cores).
    pub threads: usize,
    /// A vmlinux with debug info: frames get their source lines (`--vmlinux`).
    pub vmlinux: Option<std::path::PathBuf>,
    /// Where the modules with debug info are (`--modules`).
    pub modules: Option<std::path::PathBuf>,
    /// A root to find each release's debug images below (`--debuginfo-root`), when no
    /// `vmlinux` is given.
    pub debuginfo_root: Option<std::path::PathBuf>,
}

impl Options {
    fn parse(&self) -> ktriage_parse::analyze::Options {
        ktriage_parse::analyze::Options {
            sel_tz_minutes: self.sel_tz_minutes,
            no_signatures: self.no_signatures,
            progress: self.progress.clone(),
            all_files: self.all_files,
            threads: self.threads,
            frame_every_line: false,
        }
    }

    /// Locates the reports' frames in the vmlinux, if one was given; a vmlinux that cannot be
    /// read is a warning naming it (the analysis goes on without symbols).
    fn symbolize(&self, a: &mut Analysis) {
        let cache = ktriage_symbolize::cache::default_dir();
        let open = |a: &mut Analysis, path: &std::path::Path, modules, only: Option<&str>| {
            match ktriage_symbolize::Symbols::open(path, modules, cache.as_deref()) {
                Ok(mut syms) => crate::symbols::annotate(a, &mut syms, only),
                Err(e) => a.warnings.push(ktriage_model::InputWarning {
                    source: ktriage_model::Location {
                        path: path.display().to_string(),
                        line: 0,
                    },
                    message: format!("{e}; analysed without source lines"),
                    incomplete: true,
                }),
            }
        };
        if let Some(path) = &self.vmlinux {
            open(a, path, self.modules.clone(), None);
            return;
        }
        let Some(root) = &self.debuginfo_root else {
            return;
        };
        // Each kernel release the reports print, with its own debug images.
        let printed = crate::symbols::releases(a);
        let unnamed = printed.iter().filter(|r| r.is_none()).count();
        if unnamed > 0 {
            a.warnings.push(ktriage_model::InputWarning {
                source: ktriage_model::Location {
                    path: root.display().to_string(),
                    line: 0,
                },
                message: format!(
                    "{unnamed} report(s) print no kernel release: they are not located (pass \
                     their kernel's --vmlinux)"
                ),
                incomplete: false,
            });
        }
        let releases: std::collections::BTreeSet<String> = printed.into_iter().flatten().collect();
        for release in releases {
            match ktriage_symbolize::find_debuginfo(root, &release) {
                Ok(found) => open(
                    a,
                    &found.vmlinux,
                    self.modules.clone().or(found.modules),
                    Some(&release),
                ),
                Err(looked) => a.warnings.push(ktriage_model::InputWarning {
                    source: ktriage_model::Location {
                        path: root.display().to_string(),
                        line: 0,
                    },
                    message: format!(
                        "no debug vmlinux of {release} below it (looked at {}); its reports \
                         are not located",
                        looked
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    incomplete: false,
                }),
            }
        }
    }

    fn diagnose(&self) -> ktriage_diagnose::Options {
        ktriage_diagnose::Options {
            tz_offset_minutes: self.tz_offset_minutes,
        }
    }
}

/// Analyses paths; unreadable paths are reported in `errors` (and the document's warnings)
/// and skipped.
pub fn analyze_paths(paths: &[String], opts: Options) -> (Analysis, Vec<InputError>) {
    let (mut a, errors) = ktriage_parse::analyze::analyze_paths(paths, opts.parse());
    ktriage_disasm::annotate(&mut a);
    opts.symbolize(&mut a);
    ktriage_diagnose::diagnose(&mut a, &opts.diagnose());
    (a, errors)
}

/// Analyses inputs (as [`ktriage_parse::input::walk`] lists them): the document with its
/// incidents, the inputs that could not be read and those skipped by content.
pub fn analyze_inputs(
    inputs: &[ktriage_parse::input::Input],
    opts: Options,
) -> ktriage_parse::analyze::Outcome {
    let mut out = ktriage_parse::analyze::analyze_inputs(inputs, opts.parse());
    ktriage_disasm::annotate(&mut out.analysis);
    opts.symbolize(&mut out.analysis);
    ktriage_diagnose::diagnose(&mut out.analysis, &opts.diagnose());
    out
}

/// Analyses an in-memory log (for tests and fuzzing).
pub fn analyze_bytes(name: &str, data: &[u8], opts: Options) -> Analysis {
    let mut a = ktriage_parse::analyze::analyze_bytes(name, data, opts.parse());
    ktriage_disasm::annotate(&mut a);
    opts.symbolize(&mut a);
    ktriage_diagnose::diagnose(&mut a, &opts.diagnose());
    a
}
