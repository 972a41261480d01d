//! Report boundaries: the one place that decides whether a record starts, continues or ends a
//! kernel report.
//!
//! The [`Segmenter`] is fed every record of one source with the report marker the pattern
//! table found on it (if any). It keeps the open report, a report that a stray line
//! interrupted ("cooling": it may resume a few records later), and the state of quiet stack
//! dumps (traces printed after a benign message, dropped). It tells its caller what happened
//! through [`Boundary`] values, in order: a report opened, closed (ready to be finished) or
//! dropped.
//!
//! Rules, in the order they apply to a record:
//! * `** replaying previous printk message`: the first copy of a cut line starts nothing.
//! * Records of another printk caller (`[T123]`/`[C1]`) than the open report's are set aside
//!   unless they start or continue a report.
//! * An end marker (`---[ end trace`) is fed to the open report (or to one set aside by a few
//!   stray lines) and closes it; it may still
//!   take the x86 register block printed right after (see [`ReportBuilder::resumable_by`]).
//! * A start marker closes what is open and opens a report of its kind.
//! * A continue/part marker continues an open report of a listed kind (continue: only in its
//!   header), otherwise starts one.
//! * A refine marker (`Watchdog detected hard LOCKUP` under a 3.x watchdog `WARNING:`) gives
//!   an open report of a listed kind, still in its header, its real kind; otherwise starts one.
//! * An orphan marker (a register or CPU line) continues the open report if it accepts it,
//!   resumes a cooling one, or opens a `register_dump` (dropped when it follows a quiet dump).
//! * Any other record continues the open report if it accepts it; otherwise the open report
//!   starts cooling. A body line (frame, register) within three stray records resumes it
//!   (lines of other drivers interleaved without caller ids are set aside); a cooling report
//!   is closed after three more stray records.

use super::ReportBuilder;
use crate::frame::{Caller, Record};
use crate::model::ReportKind;
use crate::patterns::{Role, REPLAY_NOTICE};

/// What the segmenter did with a record, for its caller to act on.
pub enum Boundary {
    /// A report opened at this line.
    Opened {
        /// Its first line.
        first_line: u64,
    },
    /// A report is complete: finish it.
    Closed(Box<ReportBuilder>),
    /// A report was dropped (a quiet dump or a replayed line).
    Dropped {
        /// Its first line.
        first_line: u64,
    },
}

/// Records during which a stack dump after a quiet (non-crash) message is dropped.
const QUIET_DUMP_RECORDS: u32 = 4;
/// Stray records after which a cooling report is closed for good.
const COOLING_RECORDS: u32 = 3;

/// Report-boundary state of one source.
#[derive(Default)]
pub struct Segmenter {
    open: Option<Box<ReportBuilder>>,
    open_caller: Option<Caller>,
    /// A report interrupted by a stray line, kept a few records in case its body resumes.
    cooling: Option<(Box<ReportBuilder>, u32)>,
    /// Records left during which a stack dump follows a quiet (non-crash) message.
    quiet_dump: u32,
    /// The open report is a quiet dump that will be dropped.
    open_is_quiet: bool,
}

impl Segmenter {
    /// A quiet message (e.g. a benign `dump_stack()` caller) was seen: the dump that follows
    /// is not a report.
    pub fn quiet_dump_ahead(&mut self) {
        self.quiet_dump = QUIET_DUMP_RECORDS;
    }

    /// Nothing open, cooling or expected: a record without a marker changes nothing.
    pub fn is_idle(&self) -> bool {
        self.open.is_none() && self.cooling.is_none() && self.quiet_dump == 0
    }

    /// Feeds one record (`t`: its text without leading blanks) with the role of the marker
    /// found on it.
    pub fn push(
        &mut self,
        rec: &Record,
        t: &str,
        role: Option<Role>,
        path: &str,
        boot: usize,
        out: &mut impl FnMut(Boundary),
    ) {
        // A report line cut short and printed again: the first copy starts nothing.
        if t.starts_with(REPLAY_NOTICE) {
            if self
                .open
                .as_ref()
                .is_some_and(|b| b.report.lines.len() == 1)
            {
                self.open_is_quiet = true;
                self.close(out);
            }
            return;
        }
        self.segment(rec, role, path, boot, out);
        self.quiet_dump = self.quiet_dump.saturating_sub(1);
    }

    fn segment(
        &mut self,
        rec: &Record,
        role: Option<Role>,
        path: &str,
        boot: usize,
        out: &mut impl FnMut(Boundary),
    ) {
        // Lines of other printk callers do not end a report.
        if let (Some(_), Some(oc), Some(rc)) = (&self.open, self.open_caller, rec.caller) {
            if oc != rc
                && !matches!(
                    role,
                    Some(Role::Start(_))
                        | Some(Role::ContinueOr(..))
                        | Some(Role::Part(..))
                        | Some(Role::Refine(..))
                )
            {
                return;
            }
        }
        match role {
            Some(Role::End) => {
                // An end marker a few stray lines after the report stopped still ends it.
                if self.open.is_none()
                    && self
                        .cooling
                        .as_ref()
                        .is_some_and(|(b, n)| *n <= COOLING_RECORDS && !b.is_closed())
                {
                    self.open = self.cooling.take().map(|(b, _)| b);
                }
                if let Some(mut b) = self.open.take() {
                    b.feed(rec);
                    b.close();
                    self.finalize_cooling(out);
                    self.cooling = Some((b, 0));
                }
            }
            Some(Role::Start(kind)) => {
                self.close(out);
                self.open(kind, rec, path, boot, out);
            }
            Some(Role::ContinueOr(kinds, kind)) | Some(Role::Part(kinds, kind)) => {
                let anywhere = matches!(role, Some(Role::Part(..)));
                let cont = self.open.as_ref().is_some_and(|b| {
                    kinds.contains(&b.kind()) && (anywhere || b.in_header()) && !b.is_closed()
                });
                if cont {
                    if let Some(b) = self.open.as_mut() {
                        b.feed(rec);
                    }
                } else {
                    self.close(out);
                    self.open(kind, rec, path, boot, out);
                }
            }
            Some(Role::Refine(kinds, kind)) => {
                let refine = self
                    .open
                    .as_ref()
                    .is_some_and(|b| kinds.contains(&b.kind()) && b.refinable());
                match self.open.as_mut() {
                    Some(b) if refine => b.refine(kind, rec),
                    _ => {
                        self.close(out);
                        self.open(kind, rec, path, boot, out);
                    }
                }
            }
            Some(Role::Orphan) => {
                let accepted = self.open.as_ref().is_some_and(|b| b.accepts(rec));
                if accepted {
                    if let Some(b) = self.open.as_mut() {
                        b.feed(rec);
                    }
                } else if self.open.is_none()
                    && self
                        .cooling
                        .as_ref()
                        .is_some_and(|(b, n)| b.resumable_by(rec.text.trim(), *n))
                {
                    if let Some((mut b, _)) = self.cooling.take() {
                        b.reopen();
                        b.feed(rec);
                        self.open = Some(b);
                    }
                } else {
                    self.close(out);
                    self.open(ReportKind::RegisterDump, rec, path, boot, out);
                    self.open_is_quiet = self.quiet_dump > 0;
                }
            }
            None => {
                let accepted = self.open.as_ref().is_some_and(|b| b.accepts(rec));
                if accepted {
                    if let Some(b) = self.open.as_mut() {
                        b.feed(rec);
                    }
                } else if self.open.is_some() {
                    // Keep it warm: a stray line may split a report (syslog-wrapped modules).
                    self.finalize_cooling(out);
                    self.cooling = self.open.take().map(|b| (b, 0));
                } else if self
                    .cooling
                    .as_ref()
                    .is_some_and(|(b, n)| *n <= COOLING_RECORDS && b.continued_by(rec))
                {
                    // A body line (frame, register) after a few foreign lines (another
                    // driver's messages interleaved without caller ids): the report goes on.
                    if let Some((mut b, _)) = self.cooling.take() {
                        b.feed(rec);
                        self.open = Some(b);
                    }
                } else if let Some((_, n)) = self.cooling.as_mut() {
                    *n += 1;
                    if *n > COOLING_RECORDS {
                        self.finalize_cooling(out);
                    }
                }
            }
        }
    }

    fn open(
        &mut self,
        kind: ReportKind,
        rec: &Record,
        path: &str,
        boot: usize,
        out: &mut impl FnMut(Boundary),
    ) {
        self.open_is_quiet = false;
        self.open = Some(Box::new(ReportBuilder::start(kind, rec, path, boot)));
        self.open_caller = rec.caller;
        out(Boundary::Opened {
            first_line: rec.first_line,
        });
    }

    /// Closes the cooling report, keeping the open one open.
    fn finalize_cooling(&mut self, out: &mut impl FnMut(Boundary)) {
        if let Some((b, _)) = self.cooling.take() {
            let open = self.open.replace(b);
            self.close(out);
            self.open = open;
        }
    }

    /// Closes everything: the cooling report first, then the open one (at a boot change and
    /// at the end of the source).
    pub fn close(&mut self, out: &mut impl FnMut(Boundary)) {
        if self.cooling.is_some() {
            let open = self.open.take();
            if let Some((b, _)) = self.cooling.take() {
                self.open = Some(b);
                self.close(out);
            }
            self.open = open;
        }
        let Some(b) = self.open.take() else {
            return;
        };
        if std::mem::take(&mut self.open_is_quiet) {
            out(Boundary::Dropped {
                first_line: b.report.source.first_line,
            });
            return;
        }
        out(Boundary::Closed(b));
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::{analyze_bytes, Options};
    use crate::model::{Analysis, BootMarker, ReportKind};

    /// Parses a fixture of the `ktriage` crate (real logs; origins in each folder's README).
    fn parse(rel: &str) -> Analysis {
        let p = format!("{}/../{rel}", env!("CARGO_MANIFEST_DIR"));
        let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
        analyze_bytes(rel, &data, Options::default())
    }

    fn spans(a: &Analysis) -> Vec<(ReportKind, u64, u64)> {
        a.reports
            .iter()
            .map(|r| (r.kind, r.source.first_line, r.source.last_line))
            .collect()
    }

    #[test]
    fn register_block_after_end_trace_joins_the_oops() {
        // x86 prints RIP..CR4 again after `---[ end trace` (lines 424-437): still one report.
        let a = parse("ktriage/tests/fixtures/lab/ACCESS_NULL-amd64.log");
        assert_eq!(spans(&a), [(ReportKind::Oops, 375, 437)]);
        assert!(a.reports[0].ended);
    }

    #[test]
    fn a_syslog_wrapped_line_inside_a_report_does_not_split_it() {
        // Seed 004: `Modules linked in` wrapped by syslog onto two lines without a prefix.
        let a =
            parse("ktriage/tests/fixtures/cases/slides-x86-64-softlockup-tlb-syslog/console.log");
        assert_eq!(spans(&a), [(ReportKind::SoftLockup, 1, 41)]);
        let r = &a.reports[0];
        assert_eq!((r.cpu, r.pid), (Some(2), Some(131042)));
        assert_eq!(
            a.reports
                .iter()
                .filter(|r| r.kind == ReportKind::RegisterDump)
                .count(),
            0
        );
    }

    #[test]
    fn lines_of_another_printk_caller_do_not_end_a_report() {
        // syzkaller report 392: a KASAN report from T1533 interleaved line by line with a GPF
        // from T1560; the KASAN report keeps its whole trace.
        let a = parse("ktriage-syz/tests/fixtures/syzkaller/392");
        let kasan = a
            .reports
            .iter()
            .find(|r| r.kind == ReportKind::Kasan)
            .expect("the KASAN report");
        assert_eq!((kasan.cpu, kasan.pid), (Some(1), Some(1533)));
        assert_eq!((kasan.source.first_line, kasan.source.last_line), (9, 97));
        assert!(kasan
            .frames
            .iter()
            .any(|f| f.function == "refcount_sub_and_test_checked"));
    }

    #[test]
    fn a_body_line_after_stray_lines_resumes_the_report() {
        // syzkaller report 361: a GPF whose trace is followed by the user-space `RIP: 0033:`
        // block and the kernel's register block again; it stays one oops, and the panic that
        // follows is blamed on it, not on a `register_dump` fragment.
        let a = parse("ktriage-syz/tests/fixtures/syzkaller/361");
        assert_eq!(
            a.reports.iter().map(|r| r.kind).collect::<Vec<_>>(),
            [ReportKind::Oops, ReportKind::Panic]
        );
        assert_eq!(a.reports[0].source.last_line, 75);
    }

    #[test]
    fn a_new_boot_closes_the_open_report() {
        // The lab's kexec run: the panic is cut where the capture kernel's banner starts.
        let a = parse("ktriage/tests/fixtures/lab/PANIC-kexec-amd64.log");
        assert_eq!(spans(&a), [(ReportKind::Panic, 380, 416)]);
        assert_eq!(a.boots.len(), 2);
        assert_eq!(a.boots[1].marker, BootMarker::LinuxVersion);
        assert_eq!(a.boots[1].source.line, 417);
        assert_eq!(a.reports[0].boot, 0);
    }
}
