//! The analysis pipeline: sources -> records -> boots, reports, events -> [`Analysis`].

use crate::boot::BootTracker;
use crate::event::parse_event;
use crate::frame::{style, Framer, Origin, Record};
use crate::input::{self, LineReader};
use crate::model::*;
use crate::patterns::{scan_record, MARKERS};
use crate::report::record_time;
use crate::report::segment::{Boundary, Segmenter};
use crate::scan;
use crate::signature::{SignatureWindows, RECENT_LINES};
use crate::sources;
use crate::title;
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
    /// Read every file, also those whose content is not a log (binaries, other JSON).
    pub all_files: bool,
    /// Worker threads (0: all cores; 1: one thread, no parallel scan).
    pub threads: usize,
    /// Frame every line, quiet or not (no quiet-line scan): the reference the scan is
    /// tested and measured against.
    pub frame_every_line: bool,
}

/// An ISO 8601 UTC stamp embedded in a message (`2024-03-27T12:48:45.46512Z`).
static UTC_STAMP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z").expect("static regex")
});

/// Builds an [`Analysis`] from inputs added one by one.
pub struct Analyzer {
    /// The document being built.
    pub analysis: Analysis,
    opts: Options,
    next_report: usize,
    next_event: usize,
}

/// Inputs at least this large (or of unknown size) are read on a worker of the thread pool,
/// whose other workers scan the second halves of its blocks; smaller ones never start it.
const POOL_INPUT_BYTES: u64 = 4 << 20;
/// Blocks at least this large are scanned on two cores.
const PARALLEL_SCAN_BYTES: usize = 256 * 1024;
/// A block of whole lines and where it starts in its source.
struct BlockAt<'b> {
    data: &'b [u8],
    term: u8,
    /// Number of its first line.
    first_line: u64,
}

impl BlockAt<'_> {
    /// End (exclusive, before the terminator) of the line starting at `pos`.
    fn line_end(&self, pos: usize) -> usize {
        memchr::memchr(self.term, &self.data[pos..]).map_or(self.data.len(), |i| pos + i)
    }

    /// Start of the line ending at `end`.
    fn line_start(&self, end: usize) -> usize {
        memchr::memrchr(self.term, &self.data[..end]).map_or(0, |i| i + 1)
    }
}

/// The raw lines before the current block (at most [`RECENT_LINES`]), for the windows of
/// signatures that open near a block's start.
#[derive(Default)]
struct RecentLines {
    lines: std::collections::VecDeque<(u64, Vec<u8>)>,
}

impl RecentLines {
    /// Keeps the last lines of `block` (its last line is `last_line`).
    fn keep_tail(&mut self, block: &BlockAt, last_line: u64) {
        let mut end = block.data.len() - usize::from(block.data.last() == Some(&block.term));
        let mut taken = Vec::new();
        let mut n = last_line;
        while n >= block.first_line && taken.len() < RECENT_LINES && !block.data.is_empty() {
            let start = block.line_start(end);
            taken.push((n, input::cut_line(&block.data[start..end]).0));
            if start == 0 {
                break;
            }
            end = start - 1;
            n -= 1;
        }
        for (n, l) in taken.into_iter().rev() {
            if self.lines.len() == RECENT_LINES {
                if let Some((_, mut buf)) = self.lines.pop_front() {
                    buf.clear();
                    buf.extend_from_slice(l);
                    self.lines.push_back((n, buf));
                    continue;
                }
            }
            self.lines.push_back((n, l.to_vec()));
        }
    }

    /// The raw lines up to line `line`, which ends at `end` in `block` (oldest first).
    fn lines_upto<'a>(
        &'a self,
        block: &BlockAt<'a>,
        end: usize,
        line: u64,
    ) -> Vec<(u64, &'a [u8])> {
        let mut out = Vec::with_capacity(RECENT_LINES);
        let mut e = end;
        let mut n = line;
        while n >= block.first_line && out.len() < RECENT_LINES {
            let s = block.line_start(e);
            out.push((n, input::cut_line(&block.data[s..e]).0));
            if s == 0 {
                break;
            }
            e = s - 1;
            n -= 1;
        }
        let more = RECENT_LINES - out.len();
        let before = block.first_line.min(line + 1);
        out.extend(
            self.lines
                .iter()
                .rev()
                .filter(|(k, _)| *k < before)
                .take(more)
                .map(|(k, l)| (*k, l.as_slice())),
        );
        out.reverse();
        out
    }
}

/// Per-source streaming state.
struct SourceState<'a> {
    path: &'a str,
    boots: BootTracker,
    segmenter: Segmenter,
    signatures: SignatureWindows,
    last_line: u64,
    last_event_key: Option<(EventKind, Option<String>, usize)>,
    clock_anchor: Option<ClockAnchor>,
    /// Line numbers of lines cut at [`input::MAX_LINE`] (first few only).
    truncated: Vec<u64>,
    /// The raw lines before the current block.
    recent: RecentLines,
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
        let input = if path == "-" {
            input::Input::Stdin
        } else {
            input::Input::File(path.into())
        };
        self.add_input(&input).map(|_| ())
    }

    /// Reads and analyses one input. `Ok(Some(why))`: skipped, its content is not a log
    /// (unless [`Options::all_files`]). Errors name the file.
    pub fn add_input(
        &mut self,
        input: &input::Input,
    ) -> Result<Option<&'static str>, input::InputError> {
        let name = input.display();
        let path = name.as_str();
        let opened = input::open_input(input)?;
        let compression = opened.compression.name();
        let mut reader = opened.reader;
        // Sniff content kind from the first bytes.
        let head = reader.fill_buf().map_err(|e| input::InputError::Io {
            path: path.to_string(),
            source: match compression {
                Some(c) => std::io::Error::new(
                    e.kind(),
                    format!("{c} input ends early at byte 0 of decompressed data ({e})"),
                ),
                None => e,
            },
        })?;
        let stdin = *input == input::Input::Stdin;
        let kind = sources::sniff(head, stdin);
        if kind != SourceKind::Vmcore && !self.opts.all_files {
            if let Some(why) = sources::not_a_log(head) {
                return Ok(Some(why));
            }
        }
        match kind {
            SourceKind::Vmcore => self.add_vmcore(path),
            SourceKind::KernelLog | SourceKind::JournalJson => {
                let large = match input {
                    input::Input::File(p) => {
                        std::fs::metadata(p).is_ok_and(|m| m.len() >= POOL_INPUT_BYTES)
                    }
                    input::Input::Stdin => true,
                };
                if large && self.opts.threads != 1 && rayon::current_thread_index().is_none() {
                    // On a worker of the pool, so that the block scans' second halves are
                    // taken by the other workers while this one scans the first.
                    let (this, mut result) = (&mut *self, Ok(()));
                    rayon::join(|| result = this.add_log(path, compression, reader), || ());
                    result
                } else {
                    self.add_log(path, compression, reader)
                }
            }
            kind @ (SourceKind::IpmiSel | SourceKind::ProcInterrupts | SourceKind::ProcCmdline) => {
                self.add_small_text(path, compression, reader, kind)
            }
        }
        .map(|_| None)
    }

    /// Extracts a vmcore's kernel log and analyses it, with the dump's facts on the source.
    fn add_vmcore(&mut self, path: &str) -> Result<(), input::InputError> {
        let dump = crate::vmcore::read_dump(path)?;
        // An incomplete dump's warnings say what is missing; the run reports it in its status.
        let incomplete = !dump.facts.completeness.complete;
        for w in &dump.warnings {
            self.analysis.warnings.push(InputWarning {
                source: Location {
                    path: path.to_string(),
                    line: 0,
                },
                message: w.clone(),
                incomplete,
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
            // Logs are streamed by `add_log`, dumps by `add_vmcore`.
            SourceKind::KernelLog | SourceKind::JournalJson | SourceKind::Vmcore => {}
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

    /// Appends the document another analyzer made of the next input, as if this one had
    /// read it: report and event ids continue this document's numbering, boot indices shift
    /// past this document's boots (a source without boots of its own, such as a
    /// `/proc/cmdline` copy, belongs to the last boot read before it).
    fn absorb(&mut self, part: Analysis) {
        let shift = self.analysis.boots.len();
        let own_boots = !part.boots.is_empty();
        let boot = |b: usize| {
            if own_boots {
                b + shift
            } else {
                shift.saturating_sub(1)
            }
        };
        for mut b in part.boots {
            b.index += shift;
            self.analysis.boots.push(b);
        }
        for mut r in part.reports {
            r.boot = boot(r.boot);
            self.next_report += 1;
            r.id = format!("r{}", self.next_report);
            self.analysis.reports.push(r);
        }
        for mut e in part.events {
            e.boot = boot(e.boot);
            e.id = self.event_id();
            self.analysis.events.push(e);
        }
        self.analysis.sources.extend(part.sources);
        self.analysis.sel_records.extend(part.sel_records);
        self.analysis.interrupt_tables.extend(part.interrupt_tables);
        self.analysis.warnings.extend(part.warnings);
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
        let first_report = self.analysis.reports.len();
        let mut lines = LineReader::new(reader);
        let mut framer = Framer::new();
        let mut st = SourceState {
            path,
            boots: BootTracker::default(),
            segmenter: Segmenter::default(),
            signatures: SignatureWindows::new(!self.opts.no_signatures),
            last_line: 0,
            last_event_key: None,
            clock_anchor: None,
            truncated: Vec::new(),
            recent: RecentLines::default(),
        };
        // Only on a worker of the pool (a large input, or files read in parallel): asking
        // elsewhere would start the pool.
        let two_cores = self.opts.threads != 1
            && rayon::current_thread_index().is_some()
            && rayon::current_num_threads() > 1;
        if two_cores {
            st.signatures.use_worker();
        }
        let mut reported = 0u64;
        let mut read_error = None;
        loop {
            let block = match lines.next_block() {
                Ok(Some(b)) => b,
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            };
            self.feed_block(&mut st, &mut framer, block.data, block.term, two_cores);
            self.report_progress(&mut reported, lines.bytes());
        }
        if let Some(e) = read_error {
            let what = if compression.is_some() {
                " of decompressed data"
            } else {
                ""
            };
            self.analysis.warnings.push(InputWarning {
                source: Location {
                    path: path.to_string(),
                    line: st.last_line + 1,
                },
                message: format!(
                    "input ends early at byte {}{what} ({e}); analysed what came before",
                    lines.bytes()
                ),
                incomplete: true,
            });
        }
        let this = &mut *self;
        framer.finish(&mut |rec| this.on_record(&mut st, rec));
        let after = BlockAt {
            data: &[],
            term: b'\n',
            first_line: st.last_line + 1,
        };
        self.after_push(&mut st, &after, 0);
        self.close_reports(&mut st);
        st.signatures
            .flush(st.last_line, true, &mut self.analysis.reports);
        for l in &st.truncated {
            self.analysis.warnings.push(InputWarning {
                source: Location {
                    path: path.to_string(),
                    line: *l,
                },
                message: format!("line longer than {} bytes was cut", input::MAX_LINE),
                incomplete: false,
            });
        }
        self.report_progress(&mut reported, lines.bytes());
        inherit_boot_arch(&mut self.analysis.reports[first_report..]);
        for r in &mut self.analysis.reports[first_report..] {
            r.display_title = crate::title::display_title(r);
            r.decoded.fault_address = r
                .fault_address
                .as_deref()
                .and_then(crate::decode::parse_hex)
                .and_then(|a| {
                    let kasan = r
                        .decoded
                        .oops
                        .as_ref()
                        .is_some_and(|o| o.flags.contains("KASAN"));
                    crate::decode::classify_address(a, r.arch, kasan)
                });
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

    /// Adds the bytes read since the last call (`reported` so far of `now`) to the shared
    /// progress counter (inputs read in parallel add to it together).
    fn report_progress(&self, reported: &mut u64, now: u64) {
        if let Some(p) = &self.opts.progress {
            p.fetch_add(now - *reported, std::sync::atomic::Ordering::Relaxed);
        }
        *reported = now;
    }

    /// Feeds a block of whole lines: the quiet-line scan first ([`scan`]), then every line
    /// that needs framing through the framer, and runs of quiet lines, when nothing is open
    /// around them, passed over with the same effect.
    fn feed_block(
        &mut self,
        st: &mut SourceState,
        framer: &mut Framer,
        data: &[u8],
        term: u8,
        two_cores: bool,
    ) {
        let facts = scan::BlockFacts::of(data);
        let found = if self.opts.frame_every_line {
            scan::Scan::every_line_loud(data, term)
        } else if two_cores && data.len() >= PARALLEL_SCAN_BYTES {
            scan::scan_block_parallel(data, term, facts)
        } else {
            scan::scan_block(data, term, facts)
        };
        let block = BlockAt {
            data,
            term,
            first_line: st.last_line + 1,
        };
        let mut loud = found.loud.iter().peekable();
        let (mut index, mut pos) = (0u32, 0usize);
        while index < found.lines {
            let (next_loud, next_loud_at) = loud
                .peek()
                .map_or((found.lines, data.len()), |&&(i, o)| (i, o as usize));
            if index < next_loud && self.idle(st, framer) {
                let taken =
                    self.quiet_run(st, framer, &block, pos, next_loud_at, next_loud - index);
                index += taken;
                pos = if index == next_loud {
                    next_loud_at
                } else {
                    block.line_end(pos) + 1
                };
                continue;
            }
            if index == next_loud {
                loud.next();
            }
            let end = block.line_end(pos);
            self.framed_line(st, framer, &block, pos, end);
            index += 1;
            pos = (end + 1).min(data.len());
        }
        st.recent.keep_tail(&block, st.last_line);
    }

    /// Nothing is open or filling and the framer reads the next line on its own: a quiet
    /// line changes only the boot tracker.
    fn idle(&self, st: &SourceState, framer: &Framer) -> bool {
        st.segmenter.is_idle() && st.signatures.is_idle() && framer.is_plain() && !st.boots.is_new()
    }

    /// The physical line `block.data[start..end]` through the framer (the next line number).
    fn framed_line(
        &mut self,
        st: &mut SourceState,
        framer: &mut Framer,
        block: &BlockAt,
        start: usize,
        end: usize,
    ) {
        let (raw, cut) = input::cut_line(&block.data[start..end]);
        let line_no = st.last_line + 1;
        st.last_line = line_no;
        if cut && st.truncated.len() < 16 {
            st.truncated.push(line_no);
        }
        let want_sig = st.signatures.enabled();
        if want_sig {
            st.signatures.push_raw(line_no, raw);
        }
        let this = &mut *self;
        framer.push_line(line_no, raw, &mut |rec| this.on_record(st, rec));
        self.after_push(st, block, end);
    }

    /// After a line was framed (the current line ends at `end` in `block`): windows that
    /// opened get the raw lines before, and complete windows are applied.
    fn after_push(&mut self, st: &mut SourceState, block: &BlockAt, end: usize) {
        if !st.signatures.enabled() {
            return;
        }
        if st.signatures.awaits_recent() {
            let recent = st.recent.lines_upto(block, end, st.last_line);
            st.signatures.fill_recent(&recent);
        }
        st.signatures
            .flush(st.last_line, false, &mut self.analysis.reports);
    }

    /// Passes over the `n` quiet lines at `block.data[start..end]` with the effect framing
    /// them would have had: the record held back before them is emitted, the boot tracker
    /// counts them and the framer holds the last one back. Returns the lines taken: 1 when
    /// the first one turned out to need framing (it was framed), else `n`.
    fn quiet_run(
        &mut self,
        st: &mut SourceState,
        framer: &mut Framer,
        block: &BlockAt,
        start: usize,
        end: usize,
        n: u32,
    ) -> u32 {
        let first_end = block.line_end(start);
        let uptime = |s: usize, e: usize| {
            scan::plain_printk_prefix(crate::frame::trim_end(&block.data[s..e]))
                .map_or(0.0, |(u, _)| u)
        };
        let first_no = st.last_line + 1;
        if framer.has_pending() {
            // Framing the first line would emit the held-back record, with this line already
            // read.
            st.last_line = first_no;
            if st.signatures.enabled() {
                st.signatures
                    .push_raw(first_no, &block.data[start..first_end]);
            }
            let this = &mut *self;
            framer.flush_pending(&mut |rec| this.on_record(st, rec));
            if !self.idle(st, framer) || st.boots.resets(uptime(start, first_end)) {
                let this = &mut *self;
                framer.push_line(first_no, &block.data[start..first_end], &mut |rec| {
                    this.on_record(st, rec)
                });
                self.after_push(st, block, first_end);
                return 1;
            }
        } else if st.boots.resets(uptime(start, first_end)) {
            self.framed_line(st, framer, block, start, first_end);
            return 1;
        }
        let last_no = first_no + u64::from(n) - 1;
        let last_end = end - usize::from(end > start && block.data[end - 1] == block.term);
        let last_start = block.line_start(last_end).max(start);
        if n > 1 {
            let prev_end = last_start - 1;
            let prev_start = block.line_start(prev_end).max(start);
            st.boots
                .quiet_records(u64::from(n) - 1, uptime(prev_start, prev_end));
        }
        st.last_line = last_no;
        let this = &mut *self;
        framer.push_line(last_no, &block.data[last_start..last_end], &mut |rec| {
            this.on_record(st, rec)
        });
        n
    }

    fn on_record(&mut self, st: &mut SourceState, rec: &Record) {
        let t = rec.text.trim_start();
        if let Some(marker) = st.boots.observe(rec, t) {
            self.close_reports(st);
            let index = self.analysis.boots.len();
            self.analysis.boots.push(Boot {
                index,
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
            st.boots.started(index, marker);
        }
        if st.clock_anchor.is_none() {
            st.clock_anchor = clock_anchor(rec);
        }
        let boot = st.boots.current.unwrap_or(0);
        let mut role = None;
        if let Some(hits) = scan_record(&rec.text, t, rec.origin.0 == Origin::User) {
            if hits.quiet_dump {
                st.segmenter.quiet_dump_ahead();
            }
            for kind in hits.events.iter().flatten() {
                self.add_event(st, *kind, rec, boot);
            }
            role = hits.marker.map(|i| MARKERS[i].role);
        }
        let (doc, next_report) = (&mut self.analysis, &mut self.next_report);
        let (signatures, last_line) = (&mut st.signatures, st.last_line);
        st.segmenter.push(rec, t, role, st.path, boot, &mut |b| {
            on_boundary(doc, next_report, signatures, last_line, b)
        });
    }

    /// Closes the open and cooling reports of a source (a new boot, or its end).
    fn close_reports(&mut self, st: &mut SourceState) {
        let (doc, next_report) = (&mut self.analysis, &mut self.next_report);
        let (signatures, last_line) = (&mut st.signatures, st.last_line);
        st.segmenter
            .close(&mut |b| on_boundary(doc, next_report, signatures, last_line, b));
    }

    fn add_event(&mut self, st: &mut SourceState, kind: EventKind, rec: &Record, boot: usize) {
        let Some(mut ev) = parse_event(kind, rec, st.path, boot) else {
            return;
        };
        // Boot facts: the version banner and the command line describe the boot.
        if let Some(b) = self.analysis.boots.get_mut(boot) {
            if kind == EventKind::KernelVersion {
                b.kernel = ev.details.release.clone();
            }
            if kind == EventKind::CommandLine {
                b.command_line = ev.details.cmdline.clone();
                b.capture_kernel = ev.details.capture_kernel == Some(true);
            }
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
}

/// Acts on what the segmenter decided: a closed report is finished, named and added to the
/// document; the signature windows follow every report's life.
fn on_boundary(
    doc: &mut Analysis,
    next_report: &mut usize,
    signatures: &mut SignatureWindows,
    last_line: u64,
    b: Boundary,
) {
    match b {
        Boundary::Opened { first_line } => signatures.opened(first_line),
        Boundary::Dropped { first_line } => signatures.dropped(first_line),
        Boundary::Closed(builder) if builder.is_unattested() || is_copy(doc, &builder.report) => {
            signatures.dropped(builder.report.source.first_line);
        }
        Boundary::Closed(builder) => {
            let mut report = builder.finish();
            *next_report += 1;
            report.id = format!("r{}", *next_report);
            title::assign_own_title(&mut report);
            let first_line = report.source.first_line;
            signatures.closed(first_line, doc.reports.len(), last_line);
            doc.reports.push(report);
        }
    }
}

/// A report printed again without its printk timestamp after the kernel printed it with one
/// in the same boot of the same source: a test harness's `dmesg` listing on the console (the
/// last 256 reports are compared, so a storm of unstamped reports stays linear).
fn is_copy(doc: &Analysis, r: &Report) -> bool {
    r.time.as_ref().and_then(|t| t.uptime).is_none()
        && doc.reports.iter().rev().take(256).any(|p| {
            p.boot == r.boot
                && p.time.as_ref().and_then(|t| t.uptime).is_some()
                && p.headline == r.headline
                && p.source.path == r.source.path
        })
}

/// A report that printed no register or architecture-specific frame runs on the architecture
/// the other reports of its boot show (one machine, one architecture), when they agree.
fn inherit_boot_arch(reports: &mut [Report]) {
    let mut by_boot: std::collections::BTreeMap<usize, Option<Arch>> = Default::default();
    for r in reports.iter() {
        if let Some(a) = r.arch {
            by_boot
                .entry(r.boot)
                .and_modify(|seen| {
                    if *seen != Some(a) {
                        *seen = None;
                    }
                })
                .or_insert(Some(a));
        }
    }
    for r in reports.iter_mut().filter(|r| r.arch.is_none()) {
        r.arch = by_boot.get(&r.boot).copied().flatten();
    }
}

/// A record stamped in local time that also carries an embedded UTC stamp tells the source's
/// UTC offset.
fn clock_anchor(rec: &Record) -> Option<ClockAnchor> {
    let w = rec.wall.filter(|w| w.offset_minutes.is_none())?;
    let text = rec.text.as_str();
    (memchr::memchr(b'Z', text.as_bytes()).is_some() && UTC_STAMP.is_match(text)).then(|| {
        ClockAnchor {
            line: rec.first_line,
            wall: w,
            text: text.to_string(),
        }
    })
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
                incomplete: false,
            });
            errors.push(e);
        }
    }
    (a.analysis, errors)
}

/// What reading a set of inputs gave: the document (no incidents yet), the inputs that could
/// not be read, and those skipped because their content is not a log.
pub struct Outcome {
    /// The document.
    pub analysis: Analysis,
    /// Inputs that could not be opened or read (each named).
    pub errors: Vec<input::InputError>,
    /// Inputs skipped by content, with why.
    pub not_logs: Vec<(String, &'static str)>,
}

/// Reads inputs in order; a bad input is recorded and the rest still read. With more than
/// one thread and several inputs, the inputs are read in parallel, each into a document of
/// its own, and the documents joined in input order ([`Analyzer::absorb`]): the result is
/// the same as reading them one after the other.
pub fn analyze_inputs(inputs: &[input::Input], opts: Options) -> Outcome {
    let mut a = Analyzer::new(opts.clone());
    let mut errors = Vec::new();
    let mut not_logs = Vec::new();
    let distinct = {
        let mut seen = std::collections::HashSet::new();
        inputs.iter().all(|i| seen.insert(i.display()))
    };
    let parallel = opts.threads != 1 && inputs.len() > 1 && distinct;
    let mut record =
        |a: &mut Analyzer, i: &input::Input, r: Result<Option<&'static str>, input::InputError>| {
            match r {
                Ok(None) => {}
                Ok(Some(why)) => not_logs.push((i.display(), why)),
                Err(e) => {
                    a.analysis.warnings.push(InputWarning {
                        source: Location {
                            path: i.display(),
                            line: 0,
                        },
                        message: e.to_string(),
                        incomplete: true,
                    });
                    errors.push(e);
                }
            }
        };
    if parallel {
        use rayon::prelude::*;
        let parts: Vec<_> = inputs
            .par_iter()
            .map(|i| {
                let mut part = Analyzer::new(opts.clone());
                let r = part.add_input(i);
                (part.analysis, r)
            })
            .collect();
        for (i, (part, r)) in inputs.iter().zip(parts) {
            a.absorb(part);
            record(&mut a, i, r);
        }
    } else {
        for i in inputs {
            let r = a.add_input(i);
            record(&mut a, i, r);
        }
    }
    Outcome {
        analysis: a.analysis,
        errors,
        not_logs,
    }
}

/// Parses an in-memory log (for tests and fuzzing); no incidents yet.
pub fn analyze_bytes(name: &str, data: &[u8], opts: Options) -> Analysis {
    let mut a = Analyzer::new(opts);
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let _ = a.add_log(name, None, reader);
    a.analysis
}
