//! Line framing: turns physical lines into log records.
//!
//! Each physical line is cleaned (ANSI escapes, CR overwrites, backspaces), split where several
//! printk records were joined on one line, stripped of its prefixes (printk timestamp, caller id,
//! syslog / journal / `dmesg -T` stamps, `<N>` priorities, journal JSON) and re-joined with the
//! record it continues when a terminal or viewer wrapped it.

pub use ktriage_model::time::{days_from_civil, WallTime};

/// printk caller id (`CONFIG_PRINTK_CALLER`): `[T123]` task or `[C1]` CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Caller {
    /// Printed from task context, with its PID.
    Task(u32),
    /// Printed from interrupt context on this CPU.
    Cpu(u32),
}

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The kernel (printk timestamp, `kernel:` syslog ident, kernel journal transport).
    Kernel,
    /// A user-space program (syslog ident other than `kernel`).
    User,
    /// A bare line with no prefix (console capture, prose, shell).
    Unknown,
}

/// Bit flags naming the prefix styles recognised on a line.
pub mod style {
    /// `[   12.345678]` printk timestamp.
    pub const KERNEL_TIMESTAMP: u16 = 1;
    /// `[T123]` / `[C1]` caller id.
    pub const CALLER: u16 = 1 << 1;
    /// `Mar 27 20:48:45 host ident:` BSD syslog / journal short.
    pub const SYSLOG: u16 = 1 << 2;
    /// `2024-03-27T20:48:45+08:00 host ident:` RFC 3339 syslog / journal short-iso.
    pub const SYSLOG_ISO: u16 = 1 << 3;
    /// `[Wed Mar 27 20:48:45 2024]` from `dmesg -T`.
    pub const DMESG_HUMAN: u16 = 1 << 4;
    /// `<4>` priority.
    pub const PRIORITY: u16 = 1 << 5;
    /// `journalctl -o json` record.
    pub const JOURNAL_JSON: u16 = 1 << 6;
    /// ANSI escapes, CR or backspace were removed.
    pub const CONSOLE_CONTROL: u16 = 1 << 7;
    /// Short-precise syslog stamp with microseconds.
    pub const SYSLOG_PRECISE: u16 = 1 << 8;
    /// `kern  :alert : ` facility and level decoded by `dmesg -x`.
    pub const DMESG_DECODE: u16 = 1 << 9;
    /// `[  12.345678] host kernel: ` from `journalctl -o short-monotonic`.
    pub const JOURNAL_MONOTONIC: u16 = 1 << 10;
    /// `1711443600.123456 host kernel: ` from `journalctl -o short-unix`.
    pub const JOURNAL_UNIX: u16 = 1 << 11;
    /// `Tue 2024-03-26 10:00:00 CET host kernel: ` from `journalctl -o short-full`.
    pub const JOURNAL_FULL: u16 = 1 << 12;
    /// `6,1234,5678,-;text` records of `/dev/kmsg`.
    pub const KMSG: u16 = 1 << 13;
    /// `journalctl -o export` records (`__CURSOR=...`, `MESSAGE=...`, blank line).
    pub const JOURNAL_EXPORT: u16 = 1 << 14;
    /// LAVA's `log.yaml`: `- {"dt": "...", "lvl": "target", "msg": "..."}`.
    pub const LAVA_YAML: u16 = 1 << 15;

    /// Names of the style bits, for reports.
    pub const NAMES: [(u16, &str); 16] = [
        (KERNEL_TIMESTAMP, "kernel_timestamp"),
        (CALLER, "printk_caller"),
        (SYSLOG, "syslog"),
        (SYSLOG_ISO, "syslog_rfc3339"),
        (DMESG_HUMAN, "dmesg_human_time"),
        (PRIORITY, "printk_priority"),
        (JOURNAL_JSON, "journal_json"),
        (CONSOLE_CONTROL, "console_control_chars"),
        (SYSLOG_PRECISE, "journal_short_precise"),
        (DMESG_DECODE, "dmesg_decode"),
        (JOURNAL_MONOTONIC, "journal_short_monotonic"),
        (JOURNAL_UNIX, "journal_short_unix"),
        (JOURNAL_FULL, "journal_short_full"),
        (KMSG, "dev_kmsg"),
        (JOURNAL_EXPORT, "journal_export"),
        (LAVA_YAML, "lava_yaml"),
    ];
}

/// One log record: a printk message (possibly re-joined from wrapped lines) with its metadata.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// First physical line (1-based).
    pub first_line: u64,
    /// Last physical line (1-based); differs from `first_line` for wrapped records.
    pub last_line: u64,
    /// Message text with every prefix stripped.
    pub text: String,
    /// printk timestamp in seconds.
    pub uptime: Option<f64>,
    /// printk caller id.
    pub caller: Option<Caller>,
    /// Wall-clock stamp.
    pub wall: Option<WallTime>,
    /// Syslog identifier (`kernel`, `systemd`, `etcd`...), empty when none.
    pub ident: String,
    /// Where the record came from.
    pub origin: OriginField,
    /// Prefix styles seen ([`style`] bits).
    pub styles: u16,
}

/// Newtype so that `Record` can derive `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginField(pub Origin);

impl Default for OriginField {
    fn default() -> Self {
        OriginField(Origin::Unknown)
    }
}

impl Record {
    /// True when the record came from the kernel or carries a kernel timestamp.
    pub fn is_kernel(&self) -> bool {
        self.origin.0 == Origin::Kernel
    }
}

/// Parsed prefix of one line segment.
#[derive(Debug, Clone, Default)]
struct Prefix {
    text_start: usize,
    uptime: Option<f64>,
    caller: Option<Caller>,
    wall: Option<WallTime>,
    ident: (usize, usize),
    origin: Option<Origin>,
    styles: u16,
}

/// Turns physical lines into [`Record`]s; holds one record back to join wrapped continuations.
#[derive(Default)]
pub struct Framer {
    pending: Record,
    has_pending: bool,
    prev_physical_len: usize,
    scratch: Vec<u8>,
    lossy: String,
    /// Union of the style bits seen in this input.
    pub styles_seen: u16,
    /// A `journalctl -o export` record being collected: its first line and fields.
    export: Option<(u64, JournalEntry)>,
}

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

impl Framer {
    /// A framer with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one physical line; completed records are passed to `out`.
    pub fn push_line(&mut self, line_no: u64, raw: &[u8], out: &mut dyn FnMut(&Record)) {
        let mut styles_extra = 0u16;
        let mut cleaned = std::mem::take(&mut self.scratch);
        let line: &[u8] = if needs_cleaning(raw) {
            clean_console(raw, &mut cleaned);
            styles_extra |= style::CONSOLE_CONTROL;
            &cleaned
        } else {
            raw
        };
        self.push_cleaned(line_no, line, styles_extra, out);
        self.scratch = cleaned;
    }

    fn push_cleaned(
        &mut self,
        line_no: u64,
        line: &[u8],
        styles_extra: u16,
        out: &mut dyn FnMut(&Record),
    ) {
        let trimmed_end = trim_end(line);
        // LAVA's log.yaml: the device's console output is `lvl: target`; the rest is the
        // harness talking (prompts, regexes, results) and not the machine's.
        if trimmed_end.starts_with(b"- {\"dt\": ") {
            if let Ok(e) = serde_json::from_slice::<LavaLine>(&trimmed_end[2..]) {
                self.styles_seen |= style::LAVA_YAML;
                if e.lvl == "target" {
                    if let serde_json::Value::String(msg) = e.msg {
                        self.push_cleaned(
                            line_no,
                            msg.as_bytes(),
                            styles_extra | style::LAVA_YAML,
                            out,
                        );
                    }
                }
                return;
            }
        }
        // `journalctl -o export`: records of `KEY=value` lines, each ended by a blank line.
        if trimmed_end.starts_with(b"__CURSOR=") {
            self.flush(out);
            self.export = Some((line_no, JournalEntry::default()));
            self.styles_seen |= style::JOURNAL_EXPORT;
            return;
        }
        if let Some((first, entry)) = self.export.as_mut() {
            if !trimmed_end.is_empty() {
                export_field(entry, trimmed_end);
                return;
            }
            let first = *first;
            if let Some((_, entry)) = self.export.take() {
                if let Some(mut rec) = journal_record(first, entry, style::JOURNAL_EXPORT) {
                    rec.last_line = line_no.saturating_sub(1).max(first);
                    self.styles_seen |= rec.styles;
                    self.pending = rec;
                    self.has_pending = true;
                    self.prev_physical_len = 0;
                }
            }
            return;
        }
        if trimmed_end.iter().all(|b| b.is_ascii_whitespace()) {
            self.prev_physical_len = 0;
            return;
        }
        // `/dev/kmsg` dictionary lines (` SUBSYSTEM=pci`, ` DEVICE=+pci:0000:00:01.0`) after a
        // record are metadata, not text.
        if self.styles_seen & style::KMSG != 0 && is_kmsg_dictionary(trimmed_end) {
            return;
        }
        if trimmed_end.first() == Some(&b'{')
            && memchr::memmem::find(line, b"\"MESSAGE\"").is_some()
        {
            if let Some(rec) = parse_journal_json(line_no, trimmed_end) {
                self.flush(out);
                self.styles_seen |= rec.styles;
                self.pending = rec;
                self.has_pending = true;
                self.prev_physical_len = 0;
                return;
            }
        }
        let mut seg_start = 0usize;
        let mut first_segment = true;
        loop {
            let next = find_embedded_timestamp(trimmed_end, seg_start + 1);
            let seg_end = next.unwrap_or(trimmed_end.len());
            let seg = &trimmed_end[seg_start..seg_end];
            self.push_segment(line_no, seg, first_segment, styles_extra, out);
            first_segment = false;
            match next {
                Some(n) => seg_start = n,
                None => break,
            }
        }
        self.prev_physical_len = trimmed_end.len();
    }

    fn push_segment(
        &mut self,
        line_no: u64,
        seg: &[u8],
        first_segment: bool,
        styles_extra: u16,
        out: &mut dyn FnMut(&Record),
    ) {
        let p = parse_prefix(seg);
        let body = trim_end(&seg[p.text_start.min(seg.len())..]);
        let styles = p.styles | styles_extra;
        self.styles_seen |= styles;
        let body_str = to_str(body, &mut self.lossy);
        if p.styles & !style::CONSOLE_CONTROL == 0
            && first_segment
            && self.has_pending
            && self.pending.styles & !style::CONSOLE_CONTROL != 0
            && self.prev_physical_len >= 60
            && !body_str.trim().is_empty()
            && !looks_like_record_start(body_str)
        {
            // A wrapped continuation of the pending record.
            let glue = self.prev_physical_len < 120
                || !(self
                    .pending
                    .text
                    .ends_with(|c: char| c.is_ascii_alphanumeric())
                    && body_str.starts_with(|c: char| c.is_ascii_alphanumeric()));
            if glue {
                self.pending.text.push(' ');
            }
            self.pending.text.push_str(body_str.trim_start());
            self.pending.last_line = line_no;
            return;
        }
        // Emit the previous record and start a new one.
        if self.has_pending {
            out(&self.pending);
        }
        let rec = &mut self.pending;
        rec.first_line = line_no;
        rec.last_line = line_no;
        rec.text.clear();
        rec.text.push_str(body_str);
        rec.uptime = p.uptime;
        rec.caller = p.caller;
        rec.wall = p.wall;
        rec.ident.clear();
        if p.ident.1 > p.ident.0 {
            rec.ident
                .push_str(&String::from_utf8_lossy(&seg[p.ident.0..p.ident.1]));
        }
        rec.origin = OriginField(p.origin.unwrap_or(Origin::Unknown));
        rec.styles = styles;
        self.has_pending = true;
    }

    /// Whether a record is held back (it is emitted by the next line or [`Framer::finish`]).
    pub fn has_pending(&self) -> bool {
        self.has_pending
    }

    /// Whether the next line is read on its own: no `journalctl -o export` record is being
    /// collected.
    pub fn is_plain(&self) -> bool {
        self.export.is_none()
    }

    /// Emits the held-back record now (the next line does not continue it).
    pub fn flush_pending(&mut self, out: &mut dyn FnMut(&Record)) {
        self.flush(out);
    }

    fn flush(&mut self, out: &mut dyn FnMut(&Record)) {
        if self.has_pending {
            out(&self.pending);
            self.has_pending = false;
        }
    }

    /// Emits the held-back record at end of input.
    pub fn finish(&mut self, out: &mut dyn FnMut(&Record)) {
        // An export record without its closing blank line (the end of the stream).
        if let Some((first, entry)) = self.export.take() {
            self.flush(out);
            if let Some(rec) = journal_record(first, entry, style::JOURNAL_EXPORT) {
                self.styles_seen |= rec.styles;
                self.pending = rec;
                self.has_pending = true;
            }
        }
        self.flush(out);
        self.prev_physical_len = 0;
    }
}

fn to_str<'a>(b: &'a [u8], lossy: &'a mut String) -> &'a str {
    match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(_) => {
            lossy.clear();
            lossy.push_str(&String::from_utf8_lossy(b));
            lossy.as_str()
        }
    }
}

/// `b` without trailing blanks and line ends.
pub(crate) fn trim_end(b: &[u8]) -> &[u8] {
    let mut e = b.len();
    while e > 0 && matches!(b[e - 1], b' ' | b'\t' | b'\r' | b'\n') {
        e -= 1;
    }
    &b[..e]
}

/// Lines a wrapped continuation never starts with: status lines of systemd and shells.
fn looks_like_record_start(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("[  OK  ]")
        || t.starts_with("[FAILED]")
        || t.starts_with("[DEPEND]")
        || t.starts_with("[ TIME ]")
        || t.starts_with("Starting ")
        || t.starts_with("Stopping ")
        || t.starts_with('$')
        || t.starts_with('#')
}

/// Whether the framer cleans `b` (escapes, CR overwrites, backspaces, NULs) before parsing it.
pub(crate) fn needs_cleaning(b: &[u8]) -> bool {
    memchr::memchr3(0x1b, b'\r', 0x08, b).is_some_and(|i| {
        // A lone trailing CR (CRLF files) needs no cleaning pass.
        !(b[i] == b'\r' && i + 1 == b.len())
    }) || memchr::memchr(0, b).is_some()
}

/// Removes ANSI escape sequences, applies CR overwrites and backspaces.
pub fn clean_console(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    // Keep what follows the last CR that has visible text after it.
    let mut start = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'\r', &raw[i..]) {
        let pos = i + off;
        let rest = &raw[pos + 1..];
        if rest.iter().any(|&c| c != b'\r' && c != b' ' && c != b'\n') && !only_escapes(rest) {
            start = pos + 1;
        }
        i = pos + 1;
    }
    let src = &raw[start..];
    let mut k = 0;
    while k < src.len() {
        let c = src[k];
        match c {
            0x1b => {
                k += 1;
                if k < src.len() && src[k] == b'[' {
                    k += 1;
                    while k < src.len() && !(0x40..=0x7e).contains(&src[k]) {
                        k += 1;
                    }
                    k += 1;
                } else if k < src.len() && src[k] == b']' {
                    while k < src.len() && src[k] != 0x07 {
                        if src[k] == 0x1b && k + 1 < src.len() && src[k + 1] == b'\\' {
                            k += 1;
                            break;
                        }
                        k += 1;
                    }
                    k += 1;
                } else {
                    k += 1;
                }
            }
            0x08 => {
                out.pop();
                k += 1;
            }
            // NULs: a serial console's line noise after a power cycle.
            b'\r' | 0 => k += 1,
            _ => {
                out.push(c);
                k += 1;
            }
        }
    }
}

fn only_escapes(b: &[u8]) -> bool {
    let mut tmp = Vec::new();
    let mut k = 0;
    // Strip escapes from b (without CR handling) and see whether anything visible stays.
    while k < b.len() {
        if b[k] == 0x1b {
            k += 1;
            if k < b.len() && b[k] == b'[' {
                k += 1;
                while k < b.len() && !(0x40..=0x7e).contains(&b[k]) {
                    k += 1;
                }
            }
            k += 1;
            continue;
        }
        tmp.push(b[k]);
        k += 1;
    }
    tmp.iter().all(|c| c.is_ascii_whitespace())
}

/// Matches `[ *digits.digits]` at `i`; returns (end index after `]`, seconds).
fn kernel_ts_at(b: &[u8], i: usize, need_bracket: bool, min_frac: usize) -> Option<(usize, f64)> {
    let mut k = i;
    if b.get(k) == Some(&b'[') {
        k += 1;
    } else if need_bracket {
        return None;
    }
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    let int_start = k;
    while b.get(k).is_some_and(u8::is_ascii_digit) {
        k += 1;
    }
    if k == int_start || k - int_start > 10 || b.get(k) != Some(&b'.') {
        return None;
    }
    let int_end = k;
    k += 1;
    let frac_start = k;
    while b.get(k).is_some_and(u8::is_ascii_digit) {
        k += 1;
    }
    let frac_len = k - frac_start;
    if frac_len < min_frac || frac_len > 9 || b.get(k) != Some(&b']') {
        return None;
    }
    // Integer accumulation (no floating-point dependency chain); both parts stay exact in f64.
    let int = b[int_start..int_end]
        .iter()
        .fold(0u64, |a, &d| a * 10 + u64::from(d - b'0'));
    let frac = b[frac_start..k]
        .iter()
        .fold(0u64, |a, &d| a * 10 + u64::from(d - b'0'));
    Some((k + 1, int as f64 + frac as f64 / POW10[frac_len]))
}

/// Powers of ten up to 10^9, exact in f64.
const POW10: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// Finds a printk timestamp embedded later in a line (records joined on one line).
pub(crate) fn find_embedded_timestamp(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        let off = memchr::memchr(b'[', &b[i..])?;
        let pos = i + off;
        let next = b.get(pos + 1).copied().unwrap_or(0);
        if (next == b' ' || next.is_ascii_digit()) && b.len() - pos >= 10 {
            if let Some((end, _)) = kernel_ts_at(b, pos, true, 6) {
                // Must be followed by a space or a caller id, as printk prints it.
                if matches!(b.get(end), Some(b' ') | Some(b'[') | None) {
                    return Some(pos);
                }
            }
        }
        i = pos + 1;
    }
    None
}

fn parse_caller(b: &[u8], i: usize) -> Option<(usize, Caller)> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut k = i + 1;
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    let kind = *b.get(k)?;
    if kind != b'T' && kind != b'C' {
        return None;
    }
    k += 1;
    let s = k;
    let mut v: u32 = 0;
    while let Some(d) = b.get(k).filter(|d| d.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add((d - b'0') as u32);
        k += 1;
    }
    if k == s || b.get(k) != Some(&b']') {
        return None;
    }
    let c = if kind == b'T' {
        Caller::Task(v)
    } else {
        Caller::Cpu(v)
    };
    Some((k + 1, c))
}

/// Android vendor caller prefixes `[CPU: COMM: PID]` (`[0:      swapper/0:    1]`,
/// `[3:  kworker/u16:4:  123]`) and `[CPU:PID:COMM]` (`[7:1:swapper/0]`): the task's PID.
fn parse_cpu_comm_pid(b: &[u8], i: usize) -> Option<(usize, Caller)> {
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let close = i + 1 + memchr::memchr(b']', b.get(i + 1..(i + 48).min(b.len()))?)?;
    let inside = std::str::from_utf8(&b[i + 1..close]).ok()?;
    let (cpu, rest) = inside.split_once(':')?;
    cpu.trim().parse::<u32>().ok()?;
    // `[0:      swapper/0:    1]` (cpu: comm: pid) or `[7:1:swapper/0]` (cpu:pid:comm).
    let comm_pid = rest
        .rsplit_once(':')
        .and_then(|(comm, pid)| Some((comm, pid.trim().parse::<u32>().ok()?)));
    let pid_comm = || {
        let (pid, comm) = rest.split_once(':')?;
        Some((comm, pid.trim().parse::<u32>().ok()?))
    };
    let (comm, pid) = comm_pid.or_else(pid_comm)?;
    if comm.trim().is_empty() {
        return None;
    }
    Some((close + 1, Caller::Task(pid)))
}

fn num(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let s = b.get(i..i + n)?;
    let mut v = 0u32;
    for &d in s {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (d - b'0') as u32;
    }
    Some(v)
}

fn month_at(b: &[u8], i: usize) -> Option<u8> {
    let s = b.get(i..i + 3)?;
    MONTHS.iter().position(|m| &m[..] == s).map(|p| p as u8 + 1)
}

/// `hh:mm:ss[.frac]` at i; returns (end, h, m, s, micros, had_fraction).
fn hms_at(b: &[u8], i: usize) -> Option<(usize, u8, u8, u8, u32, bool)> {
    let h = num(b, i, 2)?;
    if b.get(i + 2) != Some(&b':') {
        return None;
    }
    let m = num(b, i + 3, 2)?;
    if b.get(i + 5) != Some(&b':') {
        return None;
    }
    let s = num(b, i + 6, 2)?;
    let mut k = i + 8;
    let mut micros = 0u32;
    let mut frac = false;
    if b.get(k) == Some(&b'.') || b.get(k) == Some(&b',') {
        let fs = k + 1;
        let mut e = fs;
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        if e > fs {
            let digits = &b[fs..e.min(fs + 6)];
            for &d in digits {
                micros = micros * 10 + (d - b'0') as u32;
            }
            for _ in digits.len()..6 {
                micros *= 10;
            }
            k = e;
            frac = true;
        }
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some((k, h as u8, m as u8, s as u8, micros, frac))
}

/// `+08:00`, `+0800`, `Z` at i; returns (end, minutes).
fn offset_at(b: &[u8], i: usize) -> Option<(usize, i32)> {
    match b.get(i)? {
        b'Z' => Some((i + 1, 0)),
        c @ (b'+' | b'-') => {
            let sign = if *c == b'-' { -1 } else { 1 };
            let h = num(b, i + 1, 2)? as i32;
            let (m, end) = if b.get(i + 3) == Some(&b':') {
                (num(b, i + 4, 2)? as i32, i + 6)
            } else {
                (num(b, i + 3, 2)? as i32, i + 5)
            };
            Some((end, sign * (h * 60 + m)))
        }
        _ => None,
    }
}

/// The origin a syslog identifier says: the kernel's own, or a program's.
fn origin_of(b: &[u8], ident: (usize, usize)) -> Origin {
    if &b[ident.0..ident.1] == b"kernel" {
        Origin::Kernel
    } else {
        Origin::User
    }
}

/// `dmesg -x` facility and level (`kern  :alert : `, `daemon:info  : `): the end of the
/// prefix and whether the facility is the kernel's.
fn dmesg_decode_at(b: &[u8], i: usize) -> Option<(usize, bool)> {
    const FACILITIES: [&[u8]; 12] = [
        b"kern",
        b"user",
        b"mail",
        b"daemon",
        b"auth",
        b"syslog",
        b"lpr",
        b"news",
        b"uucp",
        b"cron",
        b"authpriv",
        b"ftp",
    ];
    const LEVELS: [&[u8]; 8] = [
        b"emerg", b"alert", b"crit", b"err", b"warn", b"notice", b"info", b"debug",
    ];
    let word = |k: usize| {
        let e = k + b
            .get(k..)?
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        Some((&b[k..e], e))
    };
    let (fac, mut k) = word(i)?;
    if !(FACILITIES.contains(&fac) || fac.starts_with(b"local")) {
        return None;
    }
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    if b.get(k) != Some(&b':') {
        return None;
    }
    let (lvl, mut k) = word(k + 1)?;
    if !LEVELS.contains(&lvl) {
        return None;
    }
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    if b.get(k) != Some(&b':') || b.get(k + 1) != Some(&b' ') {
        return None;
    }
    Some((k + 2, fac == b"kern"))
}

/// After a syslog stamp: ` host ident[pid]: `, or without the host (`Feb 23 03:28:16 kernel: `,
/// logs whose collector dropped it: a host name never ends with a colon); returns (text
/// start, ident range).
fn host_ident(b: &[u8], i: usize) -> Option<(usize, (usize, usize))> {
    if b.get(i) != Some(&b' ') {
        return None;
    }
    let mut k = i + 1;
    while b.get(k) == Some(&b' ') && k < i + 3 {
        k += 1;
    }
    let hs = k;
    while b.get(k).is_some_and(|c| !c.is_ascii_whitespace()) {
        k += 1;
    }
    if k == hs || b.get(k) != Some(&b' ') {
        return None;
    }
    if b[k - 1] == b':' && k - hs > 1 {
        // Hostless: the token is the ident (`kernel:`, `sshd[42]:`).
        let ie = b[hs..k - 1]
            .iter()
            .position(|&c| c == b'[')
            .map_or(k - 1, |p| hs + p);
        // An ident is a program name (`:HOSTNAME:`, an anonymised host, is not).
        if ie > hs
            && b[hs].is_ascii_alphabetic()
            && b[hs..ie]
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
        {
            return Some((k + 1, (hs, ie)));
        }
    }
    k += 1;
    let is = k;
    while b
        .get(k)
        .is_some_and(|&c| c != b':' && c != b' ' && c != b'[')
    {
        k += 1;
    }
    let ie = k;
    if ie == is {
        return None;
    }
    if b.get(k) == Some(&b'[') {
        while b.get(k).is_some_and(|&c| c != b']') {
            k += 1;
        }
        k += 1;
    }
    if b.get(k) != Some(&b':') {
        return None;
    }
    k += 1;
    if b.get(k) == Some(&b' ') {
        k += 1;
    }
    Some((k, (is, ie)))
}

/// A `/dev/kmsg` dictionary line: a blank, then `KEY=value` with an upper-case key.
fn is_kmsg_dictionary(b: &[u8]) -> bool {
    b.first() == Some(&b' ')
        && b.get(1).is_some_and(u8::is_ascii_uppercase)
        && b[1..]
            .iter()
            .take_while(|&&c| c != b'=')
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        && b[1..].contains(&b'=')
}

/// `/dev/kmsg`: `PRIO,SEQ,USEC,FLAGS;` (flags `-`, `c`, `+`, then maybe more fields before `;`):
/// the text start and the uptime.
fn kmsg_at(b: &[u8]) -> Option<(usize, f64)> {
    let semi = memchr::memchr(b';', &b[..b.len().min(64)])?;
    let mut f = b[..semi].split(|&c| c == b',');
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    let (prio, seq, usec, flags) = (f.next()?, f.next()?, f.next()?, f.next()?);
    if !(digits(prio) && digits(seq) && digits(usec)) || flags.is_empty() {
        return None;
    }
    if !flags.iter().all(|c| matches!(c, b'-' | b'c' | b'+')) {
        return None;
    }
    let us: f64 = std::str::from_utf8(usec).ok()?.parse().ok()?;
    Some((semi + 1, us / 1e6))
}

/// `journalctl -o short-unix`: `1711443600.123456 host ident: `: (end of the stamp, epoch µs).
fn unix_stamp_at(b: &[u8]) -> Option<(usize, i64)> {
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(9..=11).contains(&int) || b.get(int) != Some(&b'.') {
        return None;
    }
    let frac = b[int + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if frac == 0 || frac > 9 {
        return None;
    }
    let secs: i64 = std::str::from_utf8(&b[..int]).ok()?.parse().ok()?;
    let mut us: i64 = std::str::from_utf8(&b[int + 1..int + 1 + frac.min(6)])
        .ok()?
        .parse()
        .ok()?;
    for _ in frac.min(6)..6 {
        us *= 10;
    }
    Some((int + 1 + frac, secs * 1_000_000 + us))
}

/// `dmesg -H`/`--reltime` relative stamps: `[  +0.010730]` (or `+0,010730` in a locale with
/// a decimal comma): the end of the stamp.
fn relative_stamp_at(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut k = 1;
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    if b.get(k) != Some(&b'+') {
        return None;
    }
    k += 1;
    let int = b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    k += int;
    if int == 0 || !matches!(b.get(k), Some(b'.' | b',')) {
        return None;
    }
    k += 1;
    let frac = b[k..].iter().take_while(|c| c.is_ascii_digit()).count();
    k += frac;
    if frac == 0 || b.get(k) != Some(&b']') {
        return None;
    }
    Some(k + 1)
}

fn parse_prefix(b: &[u8]) -> Prefix {
    let mut p = Prefix::default();
    let mut i = 0;
    // ktest-style consoles (bcachefs CI) count seconds in front of each line, zero-padded:
    // `00034 text`. (A line starting `88243 Comm:` is the rest of a hard-wrapped CPU line.)
    if b.len() > 6
        && b[0] == b'0'
        && b[..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[6] != b' '
    {
        let mut p = parse_prefix(&b[6..]);
        p.text_start += 6;
        if p.ident != (0, 0) {
            p.ident = (p.ident.0 + 6, p.ident.1 + 6);
        }
        return p;
    }
    if let Some(e) = relative_stamp_at(b) {
        // No uptime: the stamp counts from the previous line.
        p.styles |= style::DMESG_HUMAN;
        p.origin = Some(Origin::Kernel);
        p.text_start = e + usize::from(b.get(e) == Some(&b' '));
        return p;
    }
    if b.first().is_some_and(u8::is_ascii_digit) {
        if let Some((e, uptime)) = kmsg_at(b) {
            p.uptime = Some(uptime);
            p.styles |= style::KMSG;
            p.origin = Some(Origin::Kernel);
            p.text_start = e;
            return p;
        }
        if let Some((e, us)) = unix_stamp_at(b) {
            if let Some((ts, ident)) = host_ident(b, e) {
                let mut w = WallTime::from_epoch_micros(us);
                w.offset_minutes = Some(0);
                p.wall = Some(w);
                p.ident = ident;
                p.styles |= style::JOURNAL_UNIX;
                p.origin = Some(origin_of(b, ident));
                i = ts;
            }
        }
    }
    // `journalctl -o short-full`: `Tue 2024-03-26 10:00:00 CET host kernel: `.
    if i == 0
        && b.len() > 24
        && b[3] == b' '
        && b[..3].iter().all(u8::is_ascii_alphabetic)
        && b[8] == b'-'
        && b[11] == b'-'
    {
        if let (Some(y), Some(mo), Some(d)) = (num(b, 4, 4), num(b, 9, 2), num(b, 12, 2)) {
            if let Some((e, h, mi, sec, us, _)) = hms_at(b, 15) {
                // The zone: an abbreviation (`CET`, `UTC`) or an offset; only UTC is known.
                let z0 = e + 1;
                let z1 = z0
                    + b[z0.min(b.len())..]
                        .iter()
                        .take_while(|c| !c.is_ascii_whitespace())
                        .count();
                if b.get(e) == Some(&b' ') && z1 > z0 {
                    if let Some((ts, ident)) = host_ident(b, z1) {
                        let zone = &b[z0..z1];
                        p.wall = Some(WallTime {
                            year: Some(y as u16),
                            month: mo as u8,
                            day: d as u8,
                            hour: h,
                            minute: mi,
                            second: sec,
                            micros: us,
                            offset_minutes: (zone == b"UTC" || zone == b"GMT").then_some(0),
                        });
                        p.ident = ident;
                        p.styles |= style::JOURNAL_FULL;
                        p.origin = Some(origin_of(b, ident));
                        i = ts;
                    }
                }
            }
        }
    }
    // Syslog / journal stamps first.
    if let Some(m) = month_at(b, 0) {
        // "Mar 27 20:48:45" or "Mar  5 20:48:45"
        if b.get(3) == Some(&b' ') {
            let (day, k) = if b.get(4) == Some(&b' ') {
                (num(b, 5, 1), 6)
            } else {
                (num(b, 4, 2), 6)
            };
            if let (Some(day), Some(b' ')) = (day, b.get(k)) {
                if let Some((e, h, mi, s, us, frac)) = hms_at(b, k + 1) {
                    if let Some((ts, ident)) = host_ident(b, e) {
                        p.wall = Some(WallTime {
                            year: None,
                            month: m,
                            day: day as u8,
                            hour: h,
                            minute: mi,
                            second: s,
                            micros: us,
                            offset_minutes: None,
                        });
                        p.ident = ident;
                        p.styles |= if frac {
                            style::SYSLOG_PRECISE
                        } else {
                            style::SYSLOG
                        };
                        p.origin = Some(origin_of(b, ident));
                        i = ts;
                    }
                }
            }
        }
    } else if b.len() > 19 && b[4] == b'-' && b[7] == b'-' && (b[10] == b'T' || b[10] == b' ') {
        if let (Some(y), Some(mo), Some(d)) = (num(b, 0, 4), num(b, 5, 2), num(b, 8, 2)) {
            if let Some((e, h, mi, s, us, _)) = hms_at(b, 11) {
                let (e, off) = match offset_at(b, e) {
                    Some((e2, off)) => (e2, Some(off)),
                    None => (e, None),
                };
                if let Some((ts, ident)) = host_ident(b, e) {
                    p.wall = Some(WallTime {
                        year: Some(y as u16),
                        month: mo as u8,
                        day: d as u8,
                        hour: h,
                        minute: mi,
                        second: s,
                        micros: us,
                        offset_minutes: off,
                    });
                    p.ident = ident;
                    p.styles |= style::SYSLOG_ISO;
                    p.origin = Some(origin_of(b, ident));
                    i = ts;
                }
            }
        }
    }
    // `dmesg -x`: `kern  :alert : `.
    if let Some((e, kernel)) = dmesg_decode_at(b, i) {
        i = e;
        p.styles |= style::DMESG_DECODE;
        p.origin
            .get_or_insert(if kernel { Origin::Kernel } else { Origin::User });
    }
    // `<N>` priority.
    if b.get(i) == Some(&b'<') {
        let mut k = i + 1;
        while b.get(k).is_some_and(u8::is_ascii_digit) {
            k += 1;
        }
        if k > i + 1 && k - i <= 4 && b.get(k) == Some(&b'>') {
            i = k + 1;
            p.styles |= style::PRIORITY;
        }
    }
    // printk timestamp, optionally missing its `[` (console captures that lost a byte).
    let ts = kernel_ts_at(b, i, false, 1).or_else(|| {
        let mut k = i;
        while b.get(k) == Some(&b' ') {
            k += 1;
        }
        if k > i {
            kernel_ts_at(b, k, false, 1)
        } else {
            None
        }
    });
    if let Some((end, secs)) = ts {
        p.uptime = Some(secs);
        p.styles |= style::KERNEL_TIMESTAMP;
        if p.origin.is_none() {
            p.origin = Some(Origin::Kernel);
        }
        i = end;
        // `[   12.3][ T81]` (console) or `[   12.3] [  T81]` (dmesg/vmcore tools); Android
        // vendor kernels: `[    0.102385]  [0:      swapper/0:    1] `.
        let blanks = b[i..].iter().take(2).take_while(|&&c| c == b' ').count();
        let caller = parse_caller(b, i)
            .or_else(|| {
                if b.get(i) == Some(&b' ') {
                    parse_caller(b, i + 1)
                } else {
                    None
                }
            })
            .or_else(|| parse_cpu_comm_pid(b, i + blanks));
        if let Some((e, c)) = caller {
            p.caller = Some(c);
            p.styles |= style::CALLER;
            i = e;
        }
        // Qualcomm vendor kernels print a second stamp with the CPU: `[ 0.58] [ 0.58]@1 text`.
        if p.caller.is_none() {
            let j = i + usize::from(b.get(i) == Some(&b' '));
            if let Some((e, _)) = kernel_ts_at(b, j, true, 1) {
                let digits = b[e..]
                    .iter()
                    .skip(1)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if b.get(e) == Some(&b'@') && digits > 0 {
                    if let Some(cpu) = std::str::from_utf8(&b[e + 1..e + 1 + digits])
                        .ok()
                        .and_then(|d| d.parse().ok())
                    {
                        p.caller = Some(Caller::Cpu(cpu));
                        p.styles |= style::CALLER;
                    }
                    i = e + 1 + digits;
                }
            }
        }
        // `journalctl -o short-monotonic`: `[  12.345678] host kernel: text`. Only the
        // kernel's ident is taken: `usb 1-1: new device` is kernel text of the same shape.
        if p.wall.is_none() && p.ident == (0, 0) {
            if let Some((ts, ident)) = host_ident(b, i) {
                if &b[ident.0..ident.1] == b"kernel" {
                    p.ident = ident;
                    p.styles |= style::JOURNAL_MONOTONIC;
                    i = ts - 1;
                }
            }
        }
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
    } else if b.get(i) == Some(&b'[') && b.get(i + 4) == Some(&b' ') {
        // dmesg -T: [Wed Mar 27 20:48:45 2024]
        if let Some(m) = month_at(b, i + 5) {
            let day_at = i + 9;
            let (day, k) = if b.get(day_at) == Some(&b' ') {
                (num(b, day_at + 1, 1), day_at + 2)
            } else {
                (num(b, day_at, 2), day_at + 2)
            };
            if let (Some(day), Some(b' ')) = (day, b.get(k)) {
                if let Some((e, h, mi, s, us, _)) = hms_at(b, k + 1) {
                    if b.get(e) == Some(&b' ') && b.get(e + 5) == Some(&b']') {
                        if let Some(y) = num(b, e + 1, 4) {
                            p.wall = Some(WallTime {
                                year: Some(y as u16),
                                month: m,
                                day: day as u8,
                                hour: h,
                                minute: mi,
                                second: s,
                                micros: us,
                                offset_minutes: None,
                            });
                            p.styles |= style::DMESG_HUMAN;
                            p.origin = Some(Origin::Kernel);
                            i = e + 6;
                            if b.get(i) == Some(&b' ') {
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    p.text_start = i;
    p
}

/// One line of LAVA's `log.yaml`.
#[derive(serde::Deserialize)]
struct LavaLine {
    lvl: String,
    msg: serde_json::Value,
}

#[derive(serde::Deserialize, Default)]
struct JournalEntry {
    #[serde(rename = "MESSAGE")]
    message: Option<serde_json::Value>,
    #[serde(rename = "_SOURCE_MONOTONIC_TIMESTAMP")]
    source_monotonic: Option<String>,
    #[serde(rename = "__REALTIME_TIMESTAMP")]
    realtime: Option<String>,
    #[serde(rename = "SYSLOG_IDENTIFIER")]
    ident: Option<String>,
    #[serde(rename = "_TRANSPORT")]
    transport: Option<String>,
}

fn parse_journal_json(line_no: u64, b: &[u8]) -> Option<Record> {
    let e: JournalEntry = serde_json::from_slice(b).ok()?;
    journal_record(line_no, e, style::JOURNAL_JSON)
}

/// One field line of a `journalctl -o export` record into the entry being collected (binary
/// fields, printed as a bare name and a length, are left out).
fn export_field(e: &mut JournalEntry, line: &[u8]) {
    let Some(eq) = memchr::memchr(b'=', line) else {
        return;
    };
    let value = || String::from_utf8_lossy(&line[eq + 1..]).into_owned();
    match &line[..eq] {
        b"MESSAGE" => e.message = Some(serde_json::Value::String(value())),
        b"_SOURCE_MONOTONIC_TIMESTAMP" => e.source_monotonic = Some(value()),
        b"__REALTIME_TIMESTAMP" => e.realtime = Some(value()),
        b"SYSLOG_IDENTIFIER" => e.ident = Some(value()),
        b"_TRANSPORT" => e.transport = Some(value()),
        _ => {}
    }
}

fn journal_record(line_no: u64, e: JournalEntry, form: u16) -> Option<Record> {
    let text = match e.message? {
        serde_json::Value::String(s) => s,
        serde_json::Value::Array(a) => {
            let bytes: Vec<u8> = a
                .iter()
                .filter_map(|v| v.as_u64().map(|x| x as u8))
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => return None,
    };
    let kernel = e.transport.as_deref() == Some("kernel");
    let uptime = if kernel {
        e.source_monotonic
            .as_deref()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|us| us as f64 / 1e6)
    } else {
        None
    };
    let wall = e
        .realtime
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .map(WallTime::from_epoch_micros);
    let mut styles = form;
    if uptime.is_some() {
        styles |= style::KERNEL_TIMESTAMP;
    }
    Some(Record {
        first_line: line_no,
        last_line: line_no,
        text: text.trim_end().to_string(),
        uptime,
        caller: None,
        wall,
        ident: e.ident.unwrap_or_else(|| {
            if kernel {
                "kernel".into()
            } else {
                String::new()
            }
        }),
        origin: OriginField(if kernel { Origin::Kernel } else { Origin::User }),
        styles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(lines: &[&str]) -> Vec<Record> {
        let mut f = Framer::new();
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            f.push_line(i as u64 + 1, l.as_bytes(), &mut |r| out.push(r.clone()));
        }
        f.finish(&mut |r| out.push(r.clone()));
        out
    }

    #[test]
    fn kernel_timestamp_and_caller() {
        let r = frame(&[
            "[   30.020000][ T81] foo bar",
            "[  254.202183] Unable to handle",
        ]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "foo bar");
        assert_eq!(r[0].caller, Some(Caller::Task(81)));
        assert!((r[0].uptime.unwrap() - 30.02).abs() < 1e-9);
        assert_eq!(r[1].text, "Unable to handle");
    }

    #[test]
    fn joined_records_are_split() {
        // seed 003: several records on one physical line, first one lost its '['.
        let r = frame(&["360.462046] watchdog: BUG: soft lockup - CPU#35 stuck for 22s! [docker-containe:29506] [ 360.473208] Modules linked in: pt_MASQUERADE(E) [ 360.565132] CPU: 35 PID: 29506 Comm: docker-containe Kdump: loaded Tainted: G OEL 4.19.5-1.1.29.aarch64 #1[ 360.595535] pstate: 80000005 (Nzcv daif -PAN -UAO)"]);
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "watchdog: BUG: soft lockup - CPU#35 stuck for 22s! [docker-containe:29506]",
                "Modules linked in: pt_MASQUERADE(E)",
                "CPU: 35 PID: 29506 Comm: docker-containe Kdump: loaded Tainted: G OEL 4.19.5-1.1.29.aarch64 #1",
                "pstate: 80000005 (Nzcv daif -PAN -UAO)",
            ]
        );
        assert!((r[0].uptime.unwrap() - 360.462046).abs() < 1e-9);
    }

    #[test]
    fn syslog_prefix_and_wrapped_continuation() {
        let r = frame(&[
            "Jan 30 22:14:43 darkstar kernel: Modules linked in: cdc_acm rpcsec_gss_krb5 dm_mod vhost_net tun",
            "vhost macvtap tap",
            "Jan 30 22:14:43 darkstar kernel: CPU: 2 PID: 131042 Comm: worker",
        ]);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].text,
            "Modules linked in: cdc_acm rpcsec_gss_krb5 dm_mod vhost_net tun vhost macvtap tap"
        );
        assert_eq!(r[0].ident, "kernel");
        assert!(r[0].is_kernel());
        assert_eq!(r[0].wall.unwrap().hour, 22);
        assert_eq!(r[0].last_line, 2);
    }

    #[test]
    fn rfc3339_and_dmesg_human() {
        let r = frame(&[
            "2024-03-27T20:48:45.123456+08:00 node-2 kernel: hello",
            "[Wed Mar 27 20:48:45 2024] world",
        ]);
        assert_eq!(r[0].text, "hello");
        assert_eq!(r[0].wall.unwrap().iso(), "2024-03-27T20:48:45.123456+08:00");
        assert_eq!(r[1].text, "world");
        assert_eq!(r[1].wall.unwrap().year, Some(2024));
    }

    #[test]
    fn ansi_and_cr_are_cleaned() {
        let r = frame(&["\r\x1b[K[\x1b[0;1;31m*\x1b[0m     ] A start job is running for dev-disk (5s / 1min 30s)"]);
        assert_eq!(
            r[0].text,
            "[*     ] A start job is running for dev-disk (5s / 1min 30s)"
        );
    }

    #[test]
    fn journal_json() {
        let r = frame(&[
            r#"{"MESSAGE":"Linux version 6.1","_TRANSPORT":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"1500000","__REALTIME_TIMESTAMP":"1711543725000000"}"#,
        ]);
        assert_eq!(r[0].text, "Linux version 6.1");
        assert_eq!(r[0].uptime, Some(1.5));
        assert_eq!(r[0].wall.unwrap().iso(), "2024-03-27T12:48:45Z");
    }
}
