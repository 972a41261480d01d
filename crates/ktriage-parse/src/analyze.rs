//! The analysis pipeline: sources -> records -> boots, reports, events -> [`Analysis`].

use crate::event::parse_event;
use crate::frame::{style, Framer, Origin, Record};
use crate::input::{self, LineReader};
use crate::model::*;
use crate::patterns::{marker_applies, Hit, Role, EVENTS, MARKERS, VOCAB};
use crate::report::{record_time, ReportBuilder};
use crate::sources;
use crate::title;
use std::collections::VecDeque;
use std::io::BufRead;

/// Analysis options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// UTC offset (minutes) of IPMI SEL times (default UTC).
    pub sel_tz_minutes: Option<i32>,
    /// Skip syzkaller signatures (titles fall back to ktriage's own).
    pub no_signatures: bool,
    /// Bytes read so far across all inputs, for a caller's progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// An ISO 8601 UTC stamp embedded in a message (`2024-03-27T12:48:45.46512Z`).
static UTC_STAMP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z").expect("static regex")
});

/// Raw lines kept before a report for its signature window.
const WINDOW_BEFORE: usize = 50;
/// Raw lines kept after a report ends for its signature window.
const WINDOW_AFTER: u64 = 250;
/// Byte cap of one signature window.
const WINDOW_CAP: usize = 512 * 1024;

/// A report waiting for its raw-text window to fill before its signature is computed.
struct PendingSignature {
    report_index: usize,
    first_line: u64,
    window: Vec<u8>,
    /// (line number, byte offset) of each raw line in the window.
    line_offsets: Vec<(u64, usize)>,
    closed_at: Option<u64>,
    full: bool,
}

/// Builds an [`Analysis`] from inputs added one by one.
pub struct Analyzer {
    /// The document being built.
    pub analysis: Analysis,
    opts: Options,
    next_report: usize,
    next_event: usize,
}

/// Per-source streaming state.
struct SourceState<'a> {
    path: &'a str,
    boot: Option<usize>,
    last_uptime: Option<f64>,
    records_in_boot: u64,
    open: Option<ReportBuilder>,
    open_caller: Option<crate::frame::Caller>,
    /// A report interrupted by a stray line, kept a few records in case its body resumes.
    cooling: Option<(ReportBuilder, u32)>,
    /// Records left during which a stack dump follows a quiet (non-crash) message.
    quiet_dump: u32,
    /// The open report is a quiet dump that will be dropped.
    open_is_quiet: bool,
    ring: VecDeque<(u64, Vec<u8>)>,
    pending: Vec<PendingSignature>,
    last_line: u64,
    last_event_key: Option<(EventKind, Option<String>, usize)>,
    clock_anchor: Option<ClockAnchor>,
}

impl Analyzer {
    /// A new analyzer.
    pub fn new(opts: Options) -> Self {
        Analyzer {
            analysis: Analysis {
                schema: SCHEMA,
                ..Default::default()
            },
            opts,
            next_report: 0,
            next_event: 0,
        }
    }

    /// Reads and analyses one path (file or `-`). Errors name the file.
    pub fn add_path(&mut self, path: &str) -> Result<(), input::InputError> {
        let opened = input::open(path)?;
        let compression = opened.compression.name();
        let mut reader = opened.reader;
        // Sniff content kind from the first bytes.
        let head = reader.fill_buf().map_err(|e| input::InputError::Io {
            path: path.to_string(),
            source: e,
        })?;
        if path != "-" && crate::vmcore::is_vmcore(head) {
            return self.add_vmcore(path);
        }
        let head_str = String::from_utf8_lossy(&head[..head.len().min(16 * 1024)]).into_owned();
        if sources::sel::looks_like_sel(&head_str) {
            return self.add_small_text(path, compression, reader, SourceKind::IpmiSel);
        }
        if sources::interrupts::looks_like_proc_interrupts(&head_str) {
            return self.add_small_text(path, compression, reader, SourceKind::ProcInterrupts);
        }
        if looks_like_proc_cmdline(&head_str) {
            return self.add_small_text(path, compression, reader, SourceKind::ProcCmdline);
        }
        self.add_log(path, compression, reader)
    }

    /// Extracts a vmcore's kernel log and analyses it, with the dump's facts on the source.
    fn add_vmcore(&mut self, path: &str) -> Result<(), input::InputError> {
        let dump = crate::vmcore::read_dump(path)?;
        for w in &dump.warnings {
            self.analysis.warnings.push(InputWarning {
                source: Location {
                    path: path.to_string(),
                    line: 0,
                },
                message: w.clone(),
            });
        }
        let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(dump.text));
        self.add_log(path, None, reader)?;
        if let Some(src) = self.analysis.sources.last_mut() {
            src.kind = SourceKind::Vmcore;
            src.vmcore = Some(dump.facts);
        }
        Ok(())
    }

    fn add_small_text(
        &mut self,
        path: &str,
        compression: Option<&'static str>,
        reader: Box<dyn BufRead + Send>,
        kind: SourceKind,
    ) -> Result<(), input::InputError> {
        let mut text = String::new();
        let mut limited = std::io::Read::take(reader, 64 * 1024 * 1024);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut limited, &mut bytes).map_err(|e| {
            input::InputError::Io {
                path: path.to_string(),
                source: e,
            }
        })?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        let lines = text.lines().count() as u64;
        match kind {
            SourceKind::IpmiSel => {
                let (recs, warns) =
                    sources::sel::parse_sel(&text, path, self.opts.sel_tz_minutes.unwrap_or(0));
                self.analysis.sel_records.extend(recs);
                self.analysis.warnings.extend(warns);
            }
            SourceKind::ProcInterrupts => {
                let (table, warns) = sources::interrupts::parse_proc_interrupts(&text, path);
                self.analysis.interrupt_tables.extend(table);
                self.analysis.warnings.extend(warns);
            }
            SourceKind::ProcCmdline => {
                let cmd = text.trim();
                let rec = Record {
                    first_line: 1,
                    last_line: 1,
                    text: format!("Kernel command line: {cmd}"),
                    ..Default::default()
                };
                if let Some(mut ev) = parse_event(EventKind::CommandLine, &rec, path, 0) {
                    ev.id = self.event_id();
                    ev.boot = self.analysis.boots.len().saturating_sub(1);
                    self.analysis.events.push(ev);
                }
            }
            _ => {}
        }
        self.analysis.sources.push(Source {
            path: path.to_string(),
            kind,
            compression,
            lines,
            bytes: bytes.len() as u64,
            prefixes: Vec::new(),
            vmcore: None,
            clock_anchor: None,
        });
        Ok(())
    }

    fn event_id(&mut self) -> String {
        self.next_event += 1;
        format!("e{}", self.next_event)
    }

    /// Streams a kernel log.
    fn add_log(
        &mut self,
        path: &str,
        compression: Option<&'static str>,
        reader: Box<dyn BufRead + Send>,
    ) -> Result<(), input::InputError> {
        let mut lines = LineReader::new(reader);
        let mut framer = Framer::new();
        let mut st = SourceState {
            path,
            boot: None,
            last_uptime: None,
            records_in_boot: 0,
            open: None,
            open_caller: None,
            cooling: None,
            quiet_dump: 0,
            open_is_quiet: false,
            ring: VecDeque::with_capacity(WINDOW_BEFORE + 1),
            pending: Vec::new(),
            last_line: 0,
            last_event_key: None,
            clock_anchor: None,
        };
        let want_sig = !self.opts.no_signatures;
        let base_bytes = self
            .opts
            .progress
            .as_ref()
            .map_or(0, |p| p.load(std::sync::atomic::Ordering::Relaxed));
        loop {
            let (line_no, raw) = match lines.next_line() {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    self.analysis.warnings.push(InputWarning {
                        source: Location {
                            path: path.to_string(),
                            line: st.last_line + 1,
                        },
                        message: format!("read error: {e}; analysed what came before"),
                    });
                    break;
                }
            };
            st.last_line = line_no;
            if want_sig {
                push_raw(&mut st, line_no, raw);
            }
            let this = &mut *self;
            framer.push_line(line_no, raw, &mut |rec| this.on_record(&mut st, rec));
            if want_sig {
                self.flush_signatures(&mut st, false);
            }
            if line_no & 0x3fff == 0 {
                if let Some(p) = &self.opts.progress {
                    p.store(
                        base_bytes + lines.bytes(),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                }
            }
        }
        let this = &mut *self;
        framer.finish(&mut |rec| this.on_record(&mut st, rec));
        self.close_report(&mut st);
        self.flush_signatures(&mut st, true);
        for l in &lines.truncated {
            self.analysis.warnings.push(InputWarning {
                source: Location {
                    path: path.to_string(),
                    line: *l,
                },
                message: format!("line longer than {} bytes was cut", input::MAX_LINE),
            });
        }
        if let Some(p) = &self.opts.progress {
            p.store(
                base_bytes + lines.bytes(),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        let prefixes = style::NAMES
            .iter()
            .filter(|(bit, _)| framer.styles_seen & bit != 0)
            .map(|(_, n)| *n)
            .collect();
        self.analysis.sources.push(Source {
            path: path.to_string(),
            kind: SourceKind::KernelLog,
            compression,
            lines: st.last_line,
            bytes: lines.bytes(),
            prefixes,
            vmcore: None,
            clock_anchor: st.clock_anchor.take(),
        });
        Ok(())
    }

    fn new_boot(&mut self, st: &mut SourceState, rec: &Record, marker: BootMarker) -> usize {
        let idx = self.analysis.boots.len();
        self.analysis.boots.push(Boot {
            index: idx,
            source: Location {
                path: st.path.to_string(),
                line: rec.first_line,
            },
            marker,
            kernel: None,
            command_line: None,
            capture_kernel: false,
            time: record_time(rec),
        });
        st.boot = Some(idx);
        st.records_in_boot = 0;
        idx
    }

    fn on_record(&mut self, st: &mut SourceState, rec: &Record) {
        let text = rec.text.as_str();
        // Boots.
        let t = text.trim_start();
        let starts_banner =
            t.starts_with("Linux version ") || t.starts_with("Booting Linux on physical CPU");
        let reset =
            matches!((st.last_uptime, rec.uptime), (Some(a), Some(b)) if b + 1.0 < a && b < 10.0);
        if st.boot.is_none() {
            let marker = if starts_banner {
                BootMarker::LinuxVersion
            } else {
                BootMarker::Start
            };
            self.new_boot(st, rec, marker);
        } else if starts_banner {
            // `Booting Linux` is followed by `Linux version` in the same boot.
            let recent_banner = st.records_in_boot < 30
                && self.analysis.boots[st.boot.unwrap_or(0)].marker == BootMarker::LinuxVersion;
            if !(recent_banner && t.starts_with("Linux version ")) {
                self.close_report(st);
                self.new_boot(st, rec, BootMarker::LinuxVersion);
            }
        } else if reset {
            self.close_report(st);
            self.new_boot(st, rec, BootMarker::TimestampReset);
        }
        st.records_in_boot += 1;
        if st.clock_anchor.is_none() {
            if let Some(w) = rec.wall.filter(|w| w.offset_minutes.is_none()) {
                if memchr::memchr(b'Z', text.as_bytes()).is_some() && UTC_STAMP.is_match(text) {
                    st.clock_anchor = Some(ClockAnchor {
                        line: rec.first_line,
                        wall: w,
                        text: text.to_string(),
                    });
                }
            }
        }
        if rec.uptime.is_some() {
            st.last_uptime = rec.uptime;
        }
        let boot = st.boot.unwrap_or(0);

        // One automaton pass for markers and events.
        let mut marker: Option<(usize, usize)> = None; // (pos, marker index)
        let mut events: [Option<usize>; 4] = [None; 4];
        let mut n_events = 0;
        // Most lines match nothing: the gate rejects most of them far more cheaply than the
        // overlapping search that collects every hit.
        let any_hit = VOCAB.gate.may_match(text.as_bytes());
        if !any_hit {
        } else if rec.origin.0 != Origin::User || t.contains("kernel") {
            for m in VOCAB.ac.find_overlapping_iter(text) {
                match VOCAB.hits[m.pattern().as_usize()] {
                    Hit::Marker(i) => {
                        if rec.origin.0 == Origin::User {
                            continue;
                        }
                        let better = match marker {
                            None => true,
                            Some((_, j)) => i < j,
                        };
                        if better && marker_applies(&MARKERS[i], text, m.start()) {
                            marker = Some((m.start(), i));
                        }
                    }
                    Hit::Event(i) => {
                        if n_events < events.len() && !events[..n_events].contains(&Some(i)) {
                            events[n_events] = Some(i);
                            n_events += 1;
                        }
                    }
                    Hit::QuietDump(_) => st.quiet_dump = 4,
                }
            }
        } else {
            for m in VOCAB.ac.find_overlapping_iter(text) {
                if let Hit::Event(i) = VOCAB.hits[m.pattern().as_usize()] {
                    if n_events < events.len() && !events[..n_events].contains(&Some(i)) {
                        events[n_events] = Some(i);
                        n_events += 1;
                    }
                }
            }
        }
        let mut done: [Option<EventKind>; 4] = [None; 4];
        for (k, ev) in events.iter().take(n_events).flatten().enumerate() {
            let kind = EVENTS[*ev].kind;
            if done.contains(&Some(kind)) {
                continue;
            }
            done[k] = Some(kind);
            self.add_event(st, kind, rec, boot);
        }
        // A report line cut short and printed again: the first copy starts nothing.
        if t.starts_with("** replaying previous printk message") {
            if st.open.as_ref().is_some_and(|b| b.report.lines.len() == 1) {
                st.open_is_quiet = true;
                self.close_report(st);
            }
            return;
        }
        self.segment(st, rec, marker.map(|(_, i)| i), boot);
        st.quiet_dump = st.quiet_dump.saturating_sub(1);
    }

    fn add_event(&mut self, st: &mut SourceState, kind: EventKind, rec: &Record, boot: usize) {
        let Some(mut ev) = parse_event(kind, rec, st.path, boot) else {
            return;
        };
        // Boot facts.
        match kind {
            EventKind::KernelVersion => {
                if let Some(b) = self.analysis.boots.get_mut(boot) {
                    b.kernel = ev.details.release.clone();
                }
            }
            EventKind::CommandLine => {
                if let Some(b) = self.analysis.boots.get_mut(boot) {
                    b.command_line = ev.details.cmdline.clone();
                    b.capture_kernel = ev.details.capture_kernel == Some(true);
                }
            }
            _ => {}
        }
        // Fold repeats (systemd spinners print the same job every half second).
        let key = (kind, ev.subject.clone(), boot);
        if matches!(
            kind,
            EventKind::StartJobRunning
                | EventKind::IpmiBtTimeout
                | EventKind::DracutInitqueueTimeout
        ) && st.last_event_key.as_ref() == Some(&key)
        {
            if let Some(prev) = self.analysis.events.last_mut() {
                prev.details.repeats = Some(prev.details.count() + 1);
                prev.details.last_line = Some(rec.first_line);
                if let Some(e) = ev.details.elapsed_seconds {
                    prev.details.last_elapsed_seconds = Some(e);
                }
                return;
            }
        }
        st.last_event_key = Some(key);
        ev.id = self.event_id();
        self.analysis.events.push(ev);
    }

    fn segment(&mut self, st: &mut SourceState, rec: &Record, marker: Option<usize>, boot: usize) {
        let role = marker.map(|i| MARKERS[i].role);
        // Lines of other printk callers do not end a report.
        if let (Some(_), Some(oc), Some(rc)) = (&st.open, st.open_caller, rec.caller) {
            if oc != rc
                && !matches!(
                    role,
                    Some(Role::Start(_)) | Some(Role::ContinueOr(..)) | Some(Role::Part(..))
                )
            {
                return;
            }
        }
        match role {
            Some(Role::End) => {
                if let Some(mut b) = st.open.take() {
                    b.feed(rec);
                    b.close();
                    self.finalize_cooling(st);
                    st.cooling = Some((b, 0));
                }
            }
            Some(Role::Start(kind)) => {
                self.close_report(st);
                self.open_report(st, kind, rec, boot);
            }
            Some(Role::ContinueOr(kinds, kind)) | Some(Role::Part(kinds, kind)) => {
                let anywhere = matches!(role, Some(Role::Part(..)));
                let cont = st.open.as_ref().is_some_and(|b| {
                    kinds.contains(&b.kind()) && (anywhere || b.in_header()) && !b.is_closed()
                });
                if cont {
                    if let Some(b) = st.open.as_mut() {
                        b.feed(rec);
                    }
                } else {
                    self.close_report(st);
                    self.open_report(st, kind, rec, boot);
                }
            }
            Some(Role::Orphan) => {
                let accepted = st.open.as_ref().is_some_and(|b| b.accepts(rec));
                if accepted {
                    if let Some(b) = st.open.as_mut() {
                        b.feed(rec);
                    }
                } else if st.open.is_none()
                    && st
                        .cooling
                        .as_ref()
                        .is_some_and(|(b, n)| b.resumable_by(rec.text.trim(), *n))
                {
                    if let Some((mut b, _)) = st.cooling.take() {
                        b.reopen();
                        b.feed(rec);
                        st.open = Some(b);
                    }
                } else {
                    self.close_report(st);
                    self.open_report(st, ReportKind::RegisterDump, rec, boot);
                    st.open_is_quiet = st.quiet_dump > 0;
                }
            }
            None => {
                let accepted = st.open.as_ref().is_some_and(|b| b.accepts(rec));
                if accepted {
                    if let Some(b) = st.open.as_mut() {
                        b.feed(rec);
                    }
                } else if st.open.is_some() {
                    // Keep it warm: a stray line may split a report (syslog-wrapped modules).
                    self.finalize_cooling(st);
                    st.cooling = st.open.take().map(|b| (b, 0));
                } else if let Some((_, n)) = st.cooling.as_mut() {
                    *n += 1;
                    if *n > 3 {
                        self.finalize_cooling(st);
                    }
                }
            }
        }
    }

    fn finalize_cooling(&mut self, st: &mut SourceState) {
        if let Some((b, _)) = st.cooling.take() {
            let open = st.open.replace(b);
            self.close_report(st);
            st.open = open;
        }
    }

    fn open_report(&mut self, st: &mut SourceState, kind: ReportKind, rec: &Record, boot: usize) {
        st.open_is_quiet = false;
        st.open = Some(ReportBuilder::start(kind, rec, st.path, boot));
        st.open_caller = rec.caller;
        if !self.opts.no_signatures {
            // Window: the ring (lines before and up to now), report starts at rec.first_line.
            let mut window = Vec::new();
            let mut offsets = Vec::new();
            for (n, l) in st.ring.iter() {
                offsets.push((*n, window.len()));
                window.extend_from_slice(l);
                window.push(b'\n');
            }
            st.pending.push(PendingSignature {
                report_index: usize::MAX,
                first_line: rec.first_line,
                window,
                line_offsets: offsets,
                closed_at: None,
                full: false,
            });
        }
    }

    fn close_report(&mut self, st: &mut SourceState) {
        if st.cooling.is_some() {
            let open = st.open.take();
            if let Some((b, _)) = st.cooling.take() {
                st.open = Some(b);
                self.close_report(st);
            }
            st.open = open;
        }
        let Some(b) = st.open.take() else {
            return;
        };
        if std::mem::take(&mut st.open_is_quiet) {
            let first = b.report.source.first_line;
            st.pending
                .retain(|p| !(p.report_index == usize::MAX && p.first_line == first));
            return;
        }
        let mut report = b.finish();
        self.next_report += 1;
        report.id = format!("r{}", self.next_report);
        title::assign_own_title(&mut report);
        let idx = self.analysis.reports.len();
        let first_line = report.source.first_line;
        self.analysis.reports.push(report);
        if let Some(p) = st
            .pending
            .iter_mut()
            .find(|p| p.report_index == usize::MAX && p.first_line == first_line)
        {
            p.report_index = idx;
            p.closed_at = Some(st.last_line);
        }
    }

    fn flush_signatures(&mut self, st: &mut SourceState, all: bool) {
        if st.pending.is_empty() {
            return;
        }
        let mut i = 0;
        while i < st.pending.len() {
            let ready = all
                || st.pending[i].full
                || st.pending[i]
                    .closed_at
                    .is_some_and(|c| st.last_line >= c + WINDOW_AFTER);
            if ready && st.pending[i].report_index != usize::MAX {
                let p = st.pending.swap_remove(i);
                self.apply_signature(p);
            } else if ready && all {
                st.pending.swap_remove(i);
            } else {
                i += 1;
            }
        }
    }

    fn apply_signature(&mut self, p: PendingSignature) {
        let Some(report) = self.analysis.reports.get_mut(p.report_index) else {
            return;
        };
        let first = report.source.first_line;
        let last = report.source.last_line;
        let start = p
            .line_offsets
            .iter()
            .find(|(n, _)| *n == first)
            .map(|(_, o)| *o);
        let Some(start) = start else {
            return;
        };
        let end = p
            .line_offsets
            .iter()
            .find(|(n, _)| *n > last)
            .map(|(_, o)| *o)
            .unwrap_or(p.window.len());
        let Some(sig) = ktriage_syz::parse_from(&p.window, start) else {
            return;
        };
        if sig.start_pos < start || sig.start_pos >= end {
            return;
        }
        title::apply_signature(report, sig);
    }
}

fn push_raw(st: &mut SourceState, line_no: u64, raw: &[u8]) {
    // Ring of recent raw lines, buffers reused.
    let mut buf = if st.ring.len() > WINDOW_BEFORE {
        st.ring.pop_front().map(|(_, b)| b).unwrap_or_default()
    } else {
        Vec::new()
    };
    buf.clear();
    buf.extend_from_slice(raw);
    st.ring.push_back((line_no, buf));
    for p in st.pending.iter_mut() {
        if p.full {
            continue;
        }
        if let Some(c) = p.closed_at {
            if line_no > c + WINDOW_AFTER {
                continue;
            }
        }
        if p.line_offsets.last().is_some_and(|(n, _)| *n >= line_no) {
            continue;
        }
        if p.window.len() + raw.len() + 1 > WINDOW_CAP {
            p.full = true;
            continue;
        }
        p.line_offsets.push((line_no, p.window.len()));
        p.window.extend_from_slice(raw);
        p.window.push(b'\n');
    }
}

fn looks_like_proc_cmdline(head: &str) -> bool {
    let t = head.trim_end();
    !t.contains('\n')
        && (t.starts_with("BOOT_IMAGE=")
            || (t.contains("root=") && t.split_whitespace().all(|w| !w.ends_with(':'))))
}

/// Parses paths with options; unreadable paths are reported in `errors` and skipped. The
/// document has no incidents yet: diagnosis adds them.
pub fn analyze_paths(paths: &[String], opts: Options) -> (Analysis, Vec<input::InputError>) {
    let mut a = Analyzer::new(opts);
    let mut errors = Vec::new();
    for p in paths {
        if let Err(e) = a.add_path(p) {
            a.analysis.warnings.push(InputWarning {
                source: Location {
                    path: p.clone(),
                    line: 0,
                },
                message: e.to_string(),
            });
            errors.push(e);
        }
    }
    (a.analysis, errors)
}

/// Parses an in-memory log (for tests and fuzzing); no incidents yet.
pub fn analyze_bytes(name: &str, data: &[u8], opts: Options) -> Analysis {
    let mut a = Analyzer::new(opts);
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let _ = a.add_log(name, None, reader);
    a.analysis
}
