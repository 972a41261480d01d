//! The parsing engine: interprets the rule tables of `tables.rs` (spec §2–§10).

use std::collections::{HashSet, VecDeque};
use std::sync::LazyLock;

use memchr::memmem;
use regex::bytes::{Captures, Regex};

use crate::regexes::{any, re, skip, translate};
use crate::tables::{
    Extractor, Format, Oops, Part, Stack, CONSOLE_OUTPUT_RE, CORRUPTED_LINES, EOI_MARK,
    EXECUTOR_RE, FRAME_RES, GCE_HANGUP, HANG_BORING, HANG_DECISIVE, INFO_MESSAGES_WITH_STACK,
    MAX_PREFIX, MAX_PREFIX_TASK, MAX_TITLE_LEN, MIN_LINES, MIN_LINES_KMSAN, NMI_LINE, OOPSES,
    PANIC_MARKER, QUESTIONABLE_MARK, REPLAY_MARKER, REPORT_START_IGNORES, REPORT_TAIL_MARKERS,
    RISCV_STACK_START, STACK_START_RES, STALL_ANCHORS, STALL_SMP_CALL, STRIP_FRAME_PREFIXES,
    SUPPRESSIONS, TAINT_LINE, TITLE_FRAME_RE, TITLE_NORMALISATION, TITLE_TIMESTAMP_RE,
    TITLE_TO_TYPE, UNRELIABLE_SUFFIX,
};

fn compile(pat: &str) -> Regex {
    // The tables are compiled by unit tests, so this cannot fail at run time.
    Regex::new(&translate(pat)).expect("table regex")
}

static CONSOLE_RE: LazyLock<Regex> = LazyLock::new(|| compile(CONSOLE_OUTPUT_RE));
/// Prefilter: a line containing none of the oops headers cannot match any oops.
static HEADERS_RE: LazyLock<Regex> = LazyLock::new(|| {
    let heads: Vec<String> = OOPSES.iter().map(|o| regex::escape(o.header)).collect();
    let heads: Vec<&str> = heads.iter().map(|s| s.as_str()).collect();
    compile(&crate::regexes::join(&heads))
});
static STACK_START_ANY: LazyLock<Regex> =
    LazyLock::new(|| compile(&crate::regexes::join(STACK_START_RES)));
static CORRUPTED_LINE_RE: LazyLock<Regex> =
    LazyLock::new(|| compile(&crate::regexes::join(CORRUPTED_LINES)));
static FRAME_RE: LazyLock<Vec<Regex>> =
    LazyLock::new(|| FRAME_RES.iter().map(|p| compile(p)).collect());
static NORMALISE: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    TITLE_NORMALISATION
        .iter()
        .map(|(p, r)| (compile(p), *r))
        .collect()
});

fn contains(hay: &[u8], needle: &str) -> bool {
    memmem::find(hay, needle.as_bytes()).is_some()
}

/// A substring finder for a constant needle, built once (building one per call is slow).
macro_rules! finder {
    ($needle:expr) => {{
        static F: LazyLock<memmem::Finder<'static>> =
            LazyLock::new(|| memmem::Finder::new($needle.as_bytes()));
        &*F
    }};
}

/// Substring finders for a fixed list of needles, built once.
struct Finders(Vec<memmem::Finder<'static>>);

impl Finders {
    fn new<'a>(needles: impl IntoIterator<Item = &'a &'static str>) -> Self {
        Finders(
            needles
                .into_iter()
                .map(|n| memmem::Finder::new(n.as_bytes()))
                .collect(),
        )
    }

    /// Whether any needle occurs in `hay`.
    fn any_in(&self, hay: &[u8]) -> bool {
        self.0.iter().any(|f| f.find(hay).is_some())
    }
}

static OOPS_HEADERS: LazyLock<Vec<memmem::Finder<'static>>> = LazyLock::new(|| {
    OOPSES
        .iter()
        .map(|o| memmem::Finder::new(o.header.as_bytes()))
        .collect()
});
static INFO_WITH_STACK: LazyLock<Finders> =
    LazyLock::new(|| Finders::new(INFO_MESSAGES_WITH_STACK));
static TAIL_MARKERS: LazyLock<Finders> = LazyLock::new(|| Finders::new(REPORT_TAIL_MARKERS));
static BORING_HANG_FRAMES: LazyLock<Finders> = LazyLock::new(|| Finders::new(HANG_BORING));

// ---------------------------------------------------------------------------------------------
// Lines and contexts (§3)
// ---------------------------------------------------------------------------------------------

/// Iterates `(start, end, line)` over `\n`-separated lines (no empty line after a final `\n`).
struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, usize, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.buf.len() {
            return None;
        }
        let start = self.pos;
        let end = memchr::memchr(b'\n', &self.buf[start..]).map_or(self.buf.len(), |i| start + i);
        self.pos = end + 1;
        Some((start, end, &self.buf[start..end]))
    }
}

fn lines(buf: &[u8]) -> Lines<'_> {
    Lines { buf, pos: 0 }
}

/// The console context of a line: no timestamp, timestamp only, or a printk caller id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx<'a> {
    None,
    Console,
    Caller(&'a [u8]),
}

impl Ctx<'_> {
    fn is_task(&self) -> bool {
        matches!(self, Ctx::Caller(c) if c.contains(&b'T'))
    }
    fn is_cpu(&self) -> bool {
        matches!(self, Ctx::Caller(c) if c.contains(&b'C'))
    }
}

/// `\[ *[0-9]+\.[0-9]+\](\[ *(?:C|T)[0-9]+\])? ` at the start of `line`, as [`CONSOLE_RE`]
/// reads a line that starts with `[`.
fn console_prefix(line: &[u8]) -> Ctx<'_> {
    fn digits(b: &[u8], mut i: usize) -> usize {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    }
    fn spaces(b: &[u8], mut i: usize) -> usize {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }
    // `[ *[0-9]+\.[0-9]+\]`
    let i = spaces(line, 1);
    let j = digits(line, i);
    if j == i || line.get(j) != Some(&b'.') {
        return Ctx::None;
    }
    let k = digits(line, j + 1);
    if k == j + 1 || line.get(k) != Some(&b']') {
        return Ctx::None;
    }
    let after = k + 1;
    match line.get(after) {
        Some(b' ') => Ctx::Console,
        Some(b'[') => {
            // `\[ *(?:C|T)[0-9]+\]` then the space.
            let c = spaces(line, after + 1);
            if !matches!(line.get(c), Some(b'C' | b'T')) {
                return Ctx::None;
            }
            let d = digits(line, c + 1);
            if d == c + 1 || line.get(d) != Some(&b']') || line.get(d + 1) != Some(&b' ') {
                return Ctx::None;
            }
            Ctx::Caller(&line[after..d + 1])
        }
        _ => Ctx::None,
    }
}

fn context(line: &[u8]) -> Ctx<'_> {
    // Cheap rejection: every context has a `]` followed by a space or `[`.
    if memchr::memchr(b']', line).is_none() {
        return Ctx::None;
    }
    // The usual shape, `[ ts] ` or `[ ts][ T1] ` at the very start, parsed by hand; the regex
    // reads the rest (and any line with a ` login: ` it might prefer to match through).
    if line.first() == Some(&b'[') && finder!(" login: ").find(line).is_none() {
        return console_prefix(line);
    }
    match CONSOLE_RE.captures(line) {
        None => Ctx::None,
        Some(c) => match c.get(1) {
            Some(m) => Ctx::Caller(&line[m.range()]),
            None => Ctx::Console,
        },
    }
}

/// Strips the timestamp prefix; returns the rest and whether the line is a questionable frame.
fn strip_prefix<'a>(line: &'a [u8], ctx: Ctx) -> (&'a [u8], bool) {
    if ctx == Ctx::None {
        return (line, false);
    }
    let Some(i) = finder!("] ").find(line) else {
        return (line, false);
    };
    let rest = &line[i + 2..];
    if finder!(EOI_MARK).find(rest).is_none() {
        if let Some(q) = finder!(QUESTIONABLE_MARK).find(rest) {
            return (&rest[q + 2..], true);
        }
        if let Some(r) = rest.strip_suffix(UNRELIABLE_SUFFIX.as_bytes()) {
            return (r, true);
        }
    }
    (rest, false)
}

// ---------------------------------------------------------------------------------------------
// Oops matching (§4)
// ---------------------------------------------------------------------------------------------

/// Whether `line` starts a report of the `k`-th oops format.
fn match_oops(line: &[u8], k: usize) -> bool {
    if OOPS_HEADERS[k].find(line).is_none() {
        return false;
    }
    !any(OOPSES[k].suppressions).is_some_and(|r| r.is_match(line))
}

fn truncated_by_replay(out: &[u8], end: usize) -> bool {
    if end >= out.len() {
        return false;
    }
    let next = &out[end + 1..];
    let next = &next[..memchr::memchr(b'\n', next).unwrap_or(next.len())];
    finder!(REPLAY_MARKER).find(next).is_some()
}

fn find_first_oops(out: &[u8]) -> Option<(usize, &'static Oops)> {
    for (start, end, line) in lines(out) {
        if !HEADERS_RE.is_match(line) {
            continue;
        }
        for (k, oops) in OOPSES.iter().enumerate() {
            if match_oops(line, k) && !truncated_by_replay(out, end) {
                return Some((start, oops));
            }
        }
    }
    None
}

/// Whether any line of `out` starts a crash report (spec ContainsCrash).
pub(crate) fn contains_crash(out: &[u8]) -> bool {
    lines(out).any(|(_, _, line)| {
        HEADERS_RE.is_match(line) && (0..OOPSES.len()).any(|k| match_oops(line, k))
    })
}

// ---------------------------------------------------------------------------------------------
// Report extraction (§5)
// ---------------------------------------------------------------------------------------------

struct Found<'a> {
    prefix: VecDeque<&'a [u8]>,
    report: Vec<u8>,
    report_end: usize,
    end_pos: usize,
}

fn find_report(out: &[u8], start: usize) -> Found<'_> {
    let oops_end = memchr::memchr(b'\n', &out[start..]).map_or(out.len(), |i| start + i);
    let oops_line = &out[start..oops_end];
    let ctx = context(oops_line);
    let max_prefix = if ctx.is_task() {
        MAX_PREFIX_TASK
    } else {
        MAX_PREFIX
    };
    let min_lines = if contains(oops_line, "BUG: KMSAN:") {
        MIN_LINES_KMSAN
    } else {
        MIN_LINES
    };
    let ignores = any(REPORT_START_IGNORES);
    let mut f = Found {
        prefix: VecDeque::new(),
        report: Vec::new(),
        report_end: 0,
        end_pos: 0,
    };
    let mut second_report: Option<usize> = None;
    let mut text_lines = 0usize;
    let mut skip_text = false;
    let mut cpu_traceback = false;

    for (p, e, line) in lines(out) {
        let c1 = context(line);
        let (s, q) = strip_prefix(line, c1);
        if p < start {
            if c1 == ctx && !s.is_empty() && !q {
                f.prefix.push_back(s);
                if f.prefix.len() > max_prefix {
                    f.prefix.pop_front();
                }
            }
            continue;
        }
        let is_oops = p == start;

        // Second report / EndPos scan over all contexts.
        let header_hit = HEADERS_RE.is_match(line);
        let mut some_oops_failed = !header_hit;
        if header_hit {
            for k in 0..OOPSES.len() {
                if !match_oops(line, k) {
                    some_oops_failed = true;
                    continue;
                }
                if truncated_by_replay(out, e) {
                    continue;
                }
                f.end_pos = e;
                if !is_oops && second_report.is_none() && !ignores.is_some_and(|r| r.is_match(line))
                {
                    second_report = Some(p);
                }
            }
        }
        if some_oops_failed && !is_oops && second_report.is_none() && INFO_WITH_STACK.any_in(line) {
            second_report = Some(p);
        }

        // Membership.
        if !is_oops && (q || (c1 != ctx && !(cpu_traceback && c1.is_cpu()))) {
            continue;
        }
        text_lines += 1;
        let mut skip_line = skip_text;
        if finder!(TAINT_LINE).find(line).is_some() {
            skip_line = true;
        } else if finder!(NMI_LINE).find(line).is_some() {
            cpu_traceback = true;
        } else if TAIL_MARKERS.any_in(line) && text_lines > min_lines {
            skip_text = true;
            skip_line = true;
        }
        if !is_oops && skip_line {
            continue;
        }
        f.report.extend_from_slice(s);
        f.report.push(b'\n');
        if second_report.is_none() || matches!(ctx, Ctx::Caller(_)) {
            f.report_end = f.report.len();
        }
    }
    f
}

// ---------------------------------------------------------------------------------------------
// Title extraction (§6)
// ---------------------------------------------------------------------------------------------

struct Desc {
    title: Vec<u8>,
    corrupted: Option<&'static str>,
    alts: Vec<Vec<u8>>,
    chosen: Option<&'static Format>,
}

/// Renders a title template: `%N`, `%[N]v` and `%[N]s` are replaced by the N-th argument.
pub(crate) fn render(tpl: &str, args: &[Vec<u8>]) -> Vec<u8> {
    let t = tpl.as_bytes();
    let mut out = Vec::with_capacity(t.len() + 32);
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'%' {
            let (digits_start, bracket) = if t.get(i + 1) == Some(&b'[') {
                (i + 2, true)
            } else {
                (i + 1, false)
            };
            let mut j = digits_start;
            while j < t.len() && t[j].is_ascii_digit() {
                j += 1;
            }
            let valid = j > digits_start
                && (!bracket
                    || (t.get(j) == Some(&b']') && matches!(t.get(j + 1), Some(b'v' | b's'))));
            if valid {
                let n: usize = std::str::from_utf8(&t[digits_start..j])
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if let Some(a) = n.checked_sub(1).and_then(|k| args.get(k)) {
                    out.extend_from_slice(a);
                }
                i = if bracket { j + 2 } else { j };
                continue;
            }
        }
        out.push(t[i]);
        i += 1;
    }
    out
}

fn extract_description(text: &[u8], oops: &'static Oops) -> Desc {
    let mut start_pos = text.len();
    let mut desc: Vec<u8> = Vec::new();
    let mut alts: Vec<Vec<u8>> = Vec::new();
    let mut chosen: Option<&'static Format> = None;
    let mut matched_title = false;
    let mut corrupted: Option<&'static str> = None;

    for fmt in oops.formats {
        let title_re = re(fmt.title);
        let Some(tm) = title_re.find(text) else {
            continue;
        };
        if tm.start() > start_pos || (tm.start() == start_pos && !desc.is_empty()) {
            continue;
        }
        if tm.start() < start_pos {
            desc.clear();
            chosen = None;
            start_pos = tm.start();
        }
        matched_title = true;
        let caps: Captures = match fmt.report {
            Some(r) => match re(r).captures(text) {
                Some(c) => c,
                None => continue,
            },
            None => match title_re.captures(text) {
                Some(c) => c,
                None => continue,
            },
        };
        let match_start = caps.get(0).map_or(0, |m| m.start());
        let arg_prefix: Vec<Vec<u8>> = (1..caps.len())
            .map(|i| caps.get(i).map_or(Vec::new(), |m| m.as_bytes().to_vec()))
            .collect();
        corrupted = None;
        let mut frames: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        if let Some(stack) = &fmt.stack {
            let (fr, ok) = extract_stack_frames(&text[match_start..], stack);
            if !ok {
                corrupted = Some("extracted no frames");
            }
            frames = fr;
        }
        let mut args = arg_prefix.clone();
        args.extend(frames.iter().map(|(canon, _)| canon.clone()));
        desc = render(fmt.fmt, &args);
        for a in fmt.alt {
            alts.push(render(a, &args));
        }
        // Partially stripped variants (raw frames, then each single strip prefix).
        for i in 0..=STRIP_FRAME_PREFIXES.len() {
            let seq: Vec<Vec<u8>> = if i == 0 {
                frames.iter().map(|(_, raw)| raw.clone()).collect()
            } else {
                let p = STRIP_FRAME_PREFIXES[i - 1].as_bytes();
                let mut changed = false;
                let seq = frames
                    .iter()
                    .map(|(_, raw)| match raw.strip_prefix(p) {
                        Some(r) => {
                            changed = true;
                            r.to_vec()
                        }
                        None => raw.clone(),
                    })
                    .collect();
                if !changed {
                    continue;
                }
                seq
            };
            let mut args2 = arg_prefix.clone();
            args2.extend(seq);
            let t = render(fmt.fmt, &args2);
            if t != desc {
                alts.push(t);
            }
            for a in fmt.alt {
                alts.push(render(a, &args2));
            }
        }
        let mut seen = HashSet::new();
        alts.retain(|a| seen.insert(a.clone()));
        chosen = Some(fmt);
    }

    if desc.is_empty() {
        if matched_title {
            corrupted = Some("matched title but not report regexp");
        }
        match memmem::find(text, oops.header.as_bytes()) {
            None => {
                return Desc {
                    title: Vec::new(),
                    corrupted,
                    alts,
                    chosen: None,
                };
            }
            Some(i) => {
                let rest = &text[i..];
                desc = rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())].to_vec();
            }
        }
    }
    if corrupted.is_none() && chosen.is_some_and(|f| f.corrupted) {
        corrupted = Some("report format is marked as corrupted");
    }
    Desc {
        title: desc,
        corrupted,
        alts,
        chosen,
    }
}

// ---------------------------------------------------------------------------------------------
// Stack-frame extraction (§7)
// ---------------------------------------------------------------------------------------------

type Frame = (Vec<u8>, Vec<u8>);

fn extract_stack_frames(text: &[u8], stack: &Stack) -> (Vec<Frame>, bool) {
    let (frames, ok) = run_parts(text, stack.parts, stack);
    if !ok && !stack.parts2.is_empty() {
        return run_parts(text, stack.parts2, stack);
    }
    (frames, ok)
}

fn run_parts(text: &[u8], parts: &[Part], stack: &Stack) -> (Vec<Frame>, bool) {
    let skip_re = skip(stack.skip);
    let mut lines = text.split(|&b| b == b'\n');
    let mut ok = true;
    let mut results: Vec<Frame> = Vec::new();
    let mut n_stacks = 0usize;
    let mut part_idx = 0usize;
    let mut raw: Vec<Vec<u8>> = Vec::new();

    let append = |caps: &Captures, raw: &mut Vec<Vec<u8>>| {
        for m in caps.iter().skip(1).flatten() {
            let name = demangle(m.as_bytes());
            if !skip_re.is_match(&name) {
                raw.push(name);
            }
        }
    };

    loop {
        if part_idx == parts.len() || (matches!(parts[part_idx], Part::Stack) && n_stacks > 0) {
            match extract(&raw, stack.extractor) {
                Some(fr) => results.push(fr),
                None => {
                    results.push((b"corrupted".to_vec(), b"corrupted".to_vec()));
                    ok = false;
                }
            }
            raw.clear();
        }
        if part_idx == parts.len() {
            break;
        }
        match parts[part_idx] {
            Part::Stack => {
                n_stacks += 1;
                let next_re = match parts.get(part_idx + 1) {
                    Some(Part::Re(p)) => Some(re(p)),
                    _ => None,
                };
                for line in lines.by_ref() {
                    if CORRUPTED_LINE_RE.is_match(line) {
                        ok = false;
                        break;
                    }
                    if STACK_START_ANY.is_match(line) {
                        break;
                    }
                    if let Some(caps) = next_re.and_then(|r| r.captures(line)) {
                        append(&caps, &mut raw);
                        part_idx += 1;
                        break;
                    }
                    if let Some(caps) = FRAME_RE.iter().find_map(|r| r.captures(line)) {
                        append(&caps, &mut raw);
                    }
                }
            }
            Part::Re(p) => {
                let r = re(p);
                for line in lines.by_ref() {
                    if CORRUPTED_LINE_RE.is_match(line) {
                        ok = false;
                        break;
                    }
                    if let Some(caps) = r.captures(line) {
                        append(&caps, &mut raw);
                        break;
                    }
                }
            }
        }
        part_idx += 1;
    }
    (results, ok)
}

/// The frame with the single strip prefix that leaves the shortest name (§7.1).
fn strip_frame(raw: &[u8]) -> &[u8] {
    let mut best = raw;
    for p in STRIP_FRAME_PREFIXES {
        if let Some(r) = raw.strip_prefix(p.as_bytes()) {
            if r.len() < best.len() {
                best = r;
            }
        }
    }
    best
}

fn extract(raw: &[Vec<u8>], extractor: Extractor) -> Option<Frame> {
    if raw.is_empty() {
        return None;
    }
    let stripped: Vec<&[u8]> = raw.iter().map(|r| strip_frame(r)).collect();
    let (frame, idx) = match extractor {
        Extractor::None => (stripped[0].to_vec(), 0),
        Extractor::Stall => stall_extractor(&stripped)?,
        Extractor::Hang => hang_extractor(&stripped)?,
    };
    if frame.is_empty() {
        return None;
    }
    Some((frame, raw.get(idx)?.clone()))
}

/// §7.3 stall: the frame just before the first anchor frame.
pub(crate) fn stall_extractor(frames: &[&[u8]]) -> Option<(Vec<u8>, usize)> {
    let anchors = any(STALL_ANCHORS)?;
    for (i, f) in frames.iter().enumerate() {
        if anchors.is_match(f) {
            if contains(f, STALL_SMP_CALL) {
                return Some((STALL_SMP_CALL.as_bytes().to_vec(), i));
            }
            let j = i.saturating_sub(1);
            return Some((frames[j].to_vec(), j));
        }
    }
    None
}

/// §7.3 hang: a decisive lock/synchronize frame, else the first non-boring frame.
pub(crate) fn hang_extractor(frames: &[&[u8]]) -> Option<(Vec<u8>, usize)> {
    for (i, f) in frames.iter().enumerate() {
        for (key, res) in HANG_DECISIVE {
            if contains(f, key) {
                let frame = res.map_or_else(|| f.to_vec(), |r| r.as_bytes().to_vec());
                return Some((frame, i));
            }
        }
    }
    for (i, f) in frames.iter().enumerate() {
        if !BORING_HANG_FRAMES.any_in(f) {
            return Some((f.to_vec(), i));
        }
    }
    None
}

/// §7.4 demangles C++ (`_Z…`) and Rust (`_R…`) symbols; other names are returned unchanged.
pub(crate) fn demangle(name: &[u8]) -> Vec<u8> {
    if !(name.starts_with(b"_R") || name.starts_with(b"_Z")) {
        return name.to_vec();
    }
    let Ok(s) = std::str::from_utf8(name) else {
        return name.to_vec();
    };
    let demangled = std::panic::catch_unwind(|| {
        if s.starts_with("_R") {
            return rustc_demangle::try_demangle(s)
                .ok()
                .map(|d| format!("{d:#}"));
        }
        let opts = cpp_demangle::DemangleOptions::new()
            .no_params()
            .no_return_type();
        cpp_demangle::Symbol::new(s.as_bytes())
            .ok()
            .and_then(|sym| sym.demangle(&opts).ok())
            .or_else(|| {
                rustc_demangle::try_demangle(s)
                    .ok()
                    .map(|d| format!("{d:#}"))
            })
    });
    match demangled {
        Ok(Some(d)) if !d.is_empty() => d.into_bytes(),
        _ => name.to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Corruption check (§9)
// ---------------------------------------------------------------------------------------------

static TIMESTAMP_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| compile(TITLE_TIMESTAMP_RE));

fn is_corrupted(title: &[u8], report: &[u8], chosen: Option<&Format>) -> Option<&'static str> {
    if TIMESTAMP_IN_TITLE.is_match(title) {
        return Some("title contains a console timestamp");
    }
    let fmt = chosen?;
    if fmt.no_stack_trace {
        return None;
    }
    let mut has_stack_trace = false;
    for pat in STACK_START_RES {
        let Some(m) = re(pat).find(report) else {
            continue;
        };
        let from = &report[m.start()..];
        if memchr::memchr_iter(b'\n', from).take(3).count() < 3 {
            return Some("call trace is missed");
        }
        let mut found = false;
        for line in from.split(|&b| b == b'\n').skip(1).take(15) {
            if STACK_START_ANY.is_match(line) {
                break;
            }
            if contains(line, "(stack is not available)")
                || FRAME_RE.iter().any(|r| r.is_match(line))
            {
                has_stack_trace = true;
                found = true;
                break;
            }
        }
        if !found && *pat != RISCV_STACK_START {
            return Some("no frames in a stack trace");
        }
    }
    if !has_stack_trace {
        return Some("no stack trace in report");
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Top level (§2, §10)
// ---------------------------------------------------------------------------------------------

/// Everything the public API reports, before conversion to `Signature`.
pub(crate) struct Parsed {
    pub title: String,
    pub alt_titles: Vec<String>,
    pub crash_type: Option<&'static str>,
    pub corrupted_reason: Option<String>,
    pub frame: Option<String>,
    pub suppressed: bool,
    pub panicked: bool,
    pub start_pos: usize,
    pub end_pos: usize,
    pub skip_pos: usize,
    pub report: Vec<u8>,
    pub executor: Option<String>,
}

/// Spec ParseFrom.
pub(crate) fn parse_from(output: &[u8], min: usize) -> Option<Parsed> {
    let out = output.get(min..)?;
    let (start, oops) = find_first_oops(out)?;
    let found = find_report(out, start);
    let mut prefix: Vec<&[u8]> = found.prefix.iter().copied().collect();
    let mut report = found.report;
    let mut desc = extract_description(&report[..found.report_end.min(report.len())], oops);
    if desc.title.is_empty() {
        prefix.clear();
        let end = found.end_pos.clamp(start, out.len());
        report = out[start..end].to_vec();
        desc = extract_description(&report, oops);
        if desc.title.is_empty() {
            return None;
        }
    }
    let mut full_report = Vec::with_capacity(report.len() + 256);
    for p in &prefix {
        full_report.extend_from_slice(p);
        full_report.push(b'\n');
    }
    full_report.extend_from_slice(&report);

    let mut corrupted_reason = desc
        .corrupted
        .or_else(|| is_corrupted(&desc.title, &report, desc.chosen))
        .map(str::to_string);
    let panicked = contains(out, PANIC_MARKER);

    let title = normalise_title(&desc.title);
    let alt_titles: Vec<String> = desc.alts.iter().map(|a| normalise_title(a)).collect();
    static SUPPRESS: LazyLock<Regex> =
        LazyLock::new(|| compile(&crate::regexes::join(SUPPRESSIONS)));
    let suppressed = SUPPRESS.is_match(output);
    if corrupted_reason.is_none() && contains(output, GCE_HANGUP) {
        corrupted_reason = Some("GCE console hang-up".to_string());
    }
    static FRAME: LazyLock<Regex> = LazyLock::new(|| compile(TITLE_FRAME_RE));
    let frame = FRAME
        .captures(title.as_bytes())
        .and_then(|c| c.get(1))
        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
        .filter(|f| !f.is_empty());
    let skip_pos = memchr::memchr(b'\n', &out[start..]).map_or(out.len(), |i| start + i);
    let end_pos = found.end_pos.max(skip_pos);
    static EXECUTOR: LazyLock<Regex> = LazyLock::new(|| compile(EXECUTOR_RE));
    let executor = EXECUTOR.captures(&full_report).and_then(|c| {
        let num = |i: usize| -> Option<u64> {
            std::str::from_utf8(c.get(i)?.as_bytes()).ok()?.parse().ok()
        };
        Some(format!("proc={}, id={}", num(1)?, num(2)?))
    });
    let crash_type = title_to_type(&title);
    Some(Parsed {
        title,
        alt_titles,
        crash_type,
        corrupted_reason,
        frame,
        suppressed,
        panicked,
        start_pos: start + min,
        end_pos: end_pos + min,
        skip_pos: skip_pos + min,
        report: full_report,
        executor,
    })
}

/// §10.1 normalisation table, then sanitising (first 120 bytes, printable ASCII, one space).
pub(crate) fn normalise_title(title: &[u8]) -> String {
    let mut t = title.to_vec();
    for (re, rep) in NORMALISE.iter() {
        // Each pass shrinks or fixes the text; the bound only guards against surprises.
        for _ in 0..256 {
            let next = match re.replace_all(&t, rep.as_bytes()) {
                std::borrow::Cow::Borrowed(_) => break,
                std::borrow::Cow::Owned(o) => o,
            };
            if next == t {
                break;
            }
            t = next;
        }
    }
    let mut out = String::with_capacity(MAX_TITLE_LEN);
    let mut prev = b' ';
    for &b in t.iter().take(MAX_TITLE_LEN) {
        let b = if b == b'\t' { b' ' } else { b };
        if !(0x20..0x7f).contains(&b) || (b == b' ' && prev == b' ') {
            continue;
        }
        out.push(b as char);
        prev = b;
    }
    out.trim().to_string()
}

/// §11 crash type of a final title.
pub(crate) fn title_to_type(title: &str) -> Option<&'static str> {
    for (ty, prefixes) in TITLE_TO_TYPE {
        if prefixes.iter().any(|p| title.starts_with(p)) {
            return *ty;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context regex alone (no hand-parsed fast path).
    fn context_by_regex(line: &[u8]) -> Ctx<'_> {
        match CONSOLE_RE.captures(line) {
            None => Ctx::None,
            Some(c) => match c.get(1) {
                Some(m) => Ctx::Caller(&line[m.range()]),
                None => Ctx::Console,
            },
        }
    }

    #[test]
    fn console_prefix_agrees_with_the_regex() {
        let shapes: &[&[u8]] = &[
            b"[   12.345678] hello",
            b"[   12.345678][ T81] hello",
            b"[   12.345678][  C1] hello",
            b"[12.3][T1] x",
            b"[12.3][T1]x",
            b"[12.3][X1] x",
            b"[12.3]x",
            b"[12.3] ",
            b"[12.3]",
            b"[.3] x",
            b"[12.] x",
            b"[ 1.2][ T] x",
            b"[ 1.2][ T1",
            b"[ 1.2] x login: [ 3.4][ C2] y",
            b"[mem 0x0-0x1] reserved",
            b"[ 1.2]\t x",
        ];
        for l in shapes {
            assert_eq!(
                context(l),
                context_by_regex(l),
                "{}",
                String::from_utf8_lossy(l)
            );
        }
        // And on every line of the syzkaller fixtures.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/syzkaller");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let data = std::fs::read(e.path()).unwrap();
            for (_, _, l) in lines(&data) {
                assert_eq!(
                    context(l),
                    context_by_regex(l),
                    "{}",
                    String::from_utf8_lossy(l)
                );
                n += 1;
            }
        }
        assert!(n > 10_000);
    }
    use crate::tables::{Format, MACROS, TITLE_NORMALISATION};

    fn all_patterns() -> Vec<&'static str> {
        let mut v: Vec<&'static str> = Vec::new();
        let push_parts = |v: &mut Vec<&'static str>, parts: &'static [Part]| {
            for p in parts {
                if let Part::Re(r) = p {
                    v.push(r);
                }
            }
        };
        for o in OOPSES {
            v.extend_from_slice(o.suppressions);
            for f in o.formats {
                let f: &'static Format = f;
                v.push(f.title);
                v.extend(f.report);
                if let Some(s) = &f.stack {
                    push_parts(&mut v, s.parts);
                    push_parts(&mut v, s.parts2);
                    v.extend_from_slice(s.skip);
                }
            }
        }
        v.extend_from_slice(STACK_START_RES);
        v.extend_from_slice(CORRUPTED_LINES);
        v.extend_from_slice(FRAME_RES);
        v.extend_from_slice(REPORT_START_IGNORES);
        v.extend_from_slice(STALL_ANCHORS);
        v.extend_from_slice(SUPPRESSIONS);
        v.extend_from_slice(crate::tables::DEFAULT_SKIP);
        v.extend(TITLE_NORMALISATION.iter().map(|(p, _)| *p));
        v.extend(MACROS.iter().map(|(_, p)| *p));
        v.extend([
            CONSOLE_OUTPUT_RE,
            TITLE_TIMESTAMP_RE,
            TITLE_FRAME_RE,
            EXECUTOR_RE,
        ]);
        v
    }

    #[test]
    fn every_table_regex_compiles() {
        for p in all_patterns() {
            let t = translate(p);
            assert!(!t.contains("{{"), "unexpanded macro in {p}");
            if let Err(e) = Regex::new(&t) {
                panic!("{p}: {e}");
            }
        }
        // The joined lists compile too.
        for o in OOPSES {
            let _ = any(o.suppressions);
            for f in o.formats {
                if let Some(s) = &f.stack {
                    let _ = skip(s.skip);
                }
            }
        }
        let _ = (&*HEADERS_RE, &*STACK_START_ANY, &*NORMALISE);
    }

    #[test]
    fn render_templates() {
        let args = vec![b"a".to_vec(), b"b".to_vec()];
        assert_eq!(render("x %1 y %2", &args), b"x a y b");
        assert_eq!(render("SYZFATAL%[2]s", &args), b"SYZFATALb");
        assert_eq!(render("%[1]v!", &args), b"a!");
        assert_eq!(render("%3 100%", &args), b" 100%");
    }

    #[test]
    fn context_and_strip() {
        let l = b"[   72.159680][ T1234] BUG: foo";
        assert_eq!(context(l), Ctx::Caller(b"[ T1234]"));
        assert!(context(l).is_task());
        assert_eq!(context(b"[   72.159680] x"), Ctx::Console);
        assert_eq!(context(b"BUG: x"), Ctx::None);
        let l = b"[   72.159680]  ? foo+0x1/0x2";
        assert_eq!(strip_prefix(l, context(l)), (&b" foo+0x1/0x2"[..], true));
        let l = b"[   72.159680] [c0000] foo+0x1/0x2 (unreliable)";
        assert_eq!(
            strip_prefix(l, context(l)),
            (&b"[c0000] foo+0x1/0x2"[..], true)
        );
        let l = b"[   72.159680]  <EOI>  ? foo+0x1/0x2";
        assert!(!strip_prefix(l, context(l)).1);
    }
}
