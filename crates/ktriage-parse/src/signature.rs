//! Signature windows: the raw text around each report, kept until it is long enough for
//! syzkaller's rules (which look up to 50 lines back and 250 lines past the report), then
//! handed to `ktriage-syz` and applied to the report's title.

use crate::model::Report;
use crate::title;

/// Raw lines a window takes up to the current one: 50 before a report, and its first line.
pub const RECENT_LINES: usize = 51;
/// Raw lines kept after a report ends for its signature window.
const WINDOW_AFTER: u64 = 250;
/// Byte cap of one signature window.
const WINDOW_CAP: usize = 512 * 1024;

/// A report waiting for its raw-text window to fill before its signature is computed.
struct Pending {
    /// Index in the document's reports, once the report is closed.
    report_index: Option<usize>,
    first_line: u64,
    window: Vec<u8>,
    /// (line number, byte offset) of each raw line in the window.
    line_offsets: Vec<(u64, usize)>,
    closed_at: Option<u64>,
    full: bool,
}

/// The raw-text windows of one source's reports.
pub struct SignatureWindows {
    /// False when signatures are not wanted: nothing is kept.
    enabled: bool,
    pending: Vec<Pending>,
    /// A window opened and waits for the lines before it.
    awaiting: bool,
    /// The signature thread, when there is one.
    worker: Option<Worker>,
}

impl SignatureWindows {
    /// Windows for one source (none kept unless `enabled`).
    pub fn new(enabled: bool) -> Self {
        SignatureWindows {
            enabled,
            pending: Vec::new(),
            awaiting: false,
            worker: None,
        }
    }

    /// No window is filling: raw lines are not needed.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty()
    }

    /// Whether raw lines are kept at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Keeps a raw line in every window still filling.
    pub fn push_raw(&mut self, line_no: u64, raw: &[u8]) {
        for p in self.pending.iter_mut() {
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

    /// A report opened at `first_line`: its window starts with the raw lines up to the
    /// current one, which the caller hands over next ([`SignatureWindows::fill_recent`]).
    pub fn opened(&mut self, first_line: u64) {
        if !self.enabled {
            return;
        }
        self.awaiting = true;
        self.pending.push(Pending {
            report_index: None,
            first_line,
            window: Vec::new(),
            line_offsets: Vec::new(),
            closed_at: None,
            full: false,
        });
    }

    /// Whether a window that just opened waits for [`SignatureWindows::fill_recent`].
    pub fn awaits_recent(&self) -> bool {
        self.awaiting
    }

    /// Starts the windows that just opened with `recent`: the raw lines up to the current one
    /// (at most [`RECENT_LINES`], oldest first).
    pub fn fill_recent(&mut self, recent: &[(u64, &[u8])]) {
        self.awaiting = false;
        for p in self
            .pending
            .iter_mut()
            .filter(|p| p.line_offsets.is_empty())
        {
            for &(n, l) in recent {
                p.line_offsets.push((n, p.window.len()));
                p.window.extend_from_slice(l);
                p.window.push(b'\n');
            }
        }
    }

    /// The report that opened at `first_line` was dropped.
    pub fn dropped(&mut self, first_line: u64) {
        self.pending
            .retain(|p| !(p.report_index.is_none() && p.first_line == first_line));
    }

    /// The report that opened at `first_line` is `reports[index]`, closed at `line`.
    pub fn closed(&mut self, first_line: u64, index: usize, line: u64) {
        if let Some(p) = self
            .pending
            .iter_mut()
            .find(|p| p.report_index.is_none() && p.first_line == first_line)
        {
            p.report_index = Some(index);
            p.closed_at = Some(line);
        }
    }

    /// Applies every window that is complete at `line` (all of them with `all`).
    pub fn flush(&mut self, line: u64, all: bool, reports: &mut [Report]) {
        if self.pending.is_empty() {
            if self.worker.is_some() {
                self.collect(all, reports);
            }
            return;
        }
        let mut i = 0;
        while i < self.pending.len() {
            let p = &self.pending[i];
            let ready = all || p.full || p.closed_at.is_some_and(|c| line >= c + WINDOW_AFTER);
            if ready && p.report_index.is_some() {
                let p = self.pending.swap_remove(i);
                self.apply(p, reports);
            } else if ready && all {
                self.pending.swap_remove(i);
            } else {
                i += 1;
            }
        }
        self.collect(all, reports);
    }
}

impl SignatureWindows {
    /// Computes the signatures of complete windows on a thread of their own from now on
    /// (their results are applied by later calls of [`SignatureWindows::flush`], all of
    /// them by the last one): parsing goes on meanwhile.
    pub fn use_worker(&mut self) {
        if !self.enabled || self.worker.is_some() {
            return;
        }
        let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
        let (outbox, done) = std::sync::mpsc::channel::<Done>();
        let spawned = std::thread::Builder::new()
            .name("ktriage-signatures".into())
            .spawn(move || {
                for job in inbox {
                    let sig = ktriage_syz::parse_from(&job.window, job.start);
                    if outbox
                        .send((job.report_index, job.start, job.end, sig))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        // Without a thread, signatures are computed in place.
        if let Ok(handle) = spawned {
            self.worker = Some(Worker {
                jobs: Some(jobs),
                done,
                handle: Some(handle),
                outstanding: 0,
            });
        }
    }

    /// Names the report of a complete window: now, or on the worker thread.
    fn apply(&mut self, p: Pending, reports: &mut [Report]) {
        let Some(report) = p.report_index.and_then(|i| reports.get(i)) else {
            return;
        };
        let first = report.source.first_line;
        let last = report.source.last_line;
        let Some(start) = p
            .line_offsets
            .iter()
            .find(|(n, _)| *n == first)
            .map(|(_, o)| *o)
        else {
            return;
        };
        let end = p
            .line_offsets
            .iter()
            .find(|(n, _)| *n > last)
            .map(|(_, o)| *o)
            .unwrap_or(p.window.len());
        let index = p.report_index.unwrap_or_default();
        if let Some(w) = self.worker.as_mut() {
            let job = Job {
                report_index: index,
                window: p.window,
                start,
                end,
            };
            if let Some(Ok(())) = w.jobs.as_ref().map(|j| j.send(job)) {
                w.outstanding += 1;
                return;
            }
            return;
        }
        let sig = ktriage_syz::parse_from(&p.window, start);
        name_report(reports, (index, start, end, sig));
    }

    /// Applies the signatures the worker has finished; with `wait`, all of them (the worker
    /// is then stopped).
    fn collect(&mut self, wait: bool, reports: &mut [Report]) {
        let Some(w) = self.worker.as_mut() else {
            return;
        };
        if wait {
            w.jobs = None;
        }
        while w.outstanding > 0 {
            let next = if wait {
                w.done.recv().ok()
            } else {
                w.done.try_recv().ok()
            };
            let Some(done) = next else { break };
            w.outstanding -= 1;
            name_report(reports, done);
        }
        if wait {
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
            self.worker = None;
        }
    }
}

/// A complete window for the worker.
struct Job {
    report_index: usize,
    window: Vec<u8>,
    start: usize,
    end: usize,
}

/// (report index, start, end, signature) of a window.
type Done = (usize, usize, usize, Option<ktriage_syz::Signature>);

/// The thread that computes signatures, and what it still owes.
struct Worker {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    done: std::sync::mpsc::Receiver<Done>,
    handle: Option<std::thread::JoinHandle<()>>,
    outstanding: usize,
}

/// Applies the signature found in a window to its report, when it starts inside the report.
fn name_report(reports: &mut [Report], (index, start, end, sig): Done) {
    let (Some(report), Some(sig)) = (reports.get_mut(index), sig) else {
        return;
    };
    if sig.start_pos < start || sig.start_pos >= end {
        return;
    }
    title::apply_signature(report, sig);
}
