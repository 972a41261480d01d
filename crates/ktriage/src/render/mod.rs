//! Renderers: human text summary, JSON document, syzkaller test-file headers.

use crate::model::*;
use owo_colors::OwoColorize;
use std::fmt::Write as _;

/// Writes the JSON document.
pub fn json(a: &Analysis, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, a).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// syzkaller test-file headers for the first report (`TITLE:`, `ALT:`, `TYPE:`, `CORRUPTED: Y`).
pub fn syz(a: &Analysis) -> String {
    let mut s = String::new();
    if let Some(r) = a.reports.first() {
        let _ = writeln!(s, "TITLE: {}", r.title);
        let mut alts = r.alt_titles.clone();
        alts.sort();
        for alt in alts {
            let _ = writeln!(s, "ALT: {alt}");
        }
        if let Some(t) = &r.crash_type {
            let _ = writeln!(s, "TYPE: {t}");
        }
        if r.corrupted {
            let _ = writeln!(s, "CORRUPTED: Y");
        }
    }
    s
}

fn sev_tag(s: Severity) -> String {
    match s {
        Severity::Critical => "CRIT".red().bold().to_string(),
        Severity::Warning => "WARN".yellow().bold().to_string(),
        Severity::Info => "info".dimmed().to_string(),
    }
}

fn where_of(span: &Span) -> String {
    let file = short_path(&span.path);
    if span.first_line == span.last_line {
        format!("{file}:{}", span.first_line)
    } else {
        format!("{file}:{}-{}", span.first_line, span.last_line)
    }
}

fn short_path(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

fn time_of(t: &Option<Time>) -> String {
    match t {
        Some(Time {
            uptime: Some(u), ..
        }) => format!("{u:>10.3}"),
        Some(Time { wall: Some(w), .. }) => {
            let w = w.to_string();
            format!("{:>10}", w.get(w.len().saturating_sub(8)..).unwrap_or(&w))
        }
        _ => format!("{:>10}", "-"),
    }
}

fn who(r: &Report) -> String {
    let mut s = String::new();
    if let Some(c) = r.cpu {
        let _ = write!(s, "CPU {c}");
    }
    if let Some(comm) = &r.comm {
        if !s.is_empty() {
            s.push(' ');
        }
        let _ = write!(s, "{comm}");
        if let Some(p) = r.pid {
            let _ = write!(s, "[{p}]");
        }
    }
    s
}

fn detail_lines(r: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let mut facts = Vec::new();
    if let Some(fa) = &r.fault_address {
        facts.push(format!("fault address {fa}"));
    }
    if let Some(esr) = &r.decoded.esr {
        let mut s = format!("ESR {} {}", esr.value, esr.ec_name);
        if let Some(w) = esr.wnr {
            let _ = write!(s, ", {}", if w == 1 { "write" } else { "read" });
        }
        if let Some(f) = esr.fsc_name {
            let _ = write!(s, ", {f}");
        }
        facts.push(s);
    }
    if let Some(pf) = &r.decoded.page_fault {
        facts.push(format!("page fault: {}", pf.summary));
    }
    if let Some(s) = r.decoded.stuck_seconds {
        facts.push(format!("stuck {s} s"));
    }
    if let Some(s) = r.decoded.blocked_seconds {
        facts.push(format!("blocked > {s} s"));
    }
    if let Some(t) = &r.taint {
        if !t.flags.is_empty() {
            let letters: String = t.flags.iter().map(|f| f.letter).collect();
            facts.push(format!("tainted {letters}"));
        }
    }
    if let Some(k) = r.kdump_loaded {
        facts.push(if k {
            "kdump loaded".into()
        } else {
            "kdump NOT loaded".into()
        });
    }
    if !facts.is_empty() {
        out.push(facts.join("; "));
    }
    if let Some(code) = &r.code {
        if let Some(line) = trapping_line(code) {
            out.push(line);
            out.extend(code_view(code));
        }
    }
    let mut chain: Vec<String> = Vec::new();
    if let Some(ip) = &r.ip {
        let mut s = format!("at {}", ip.function);
        if let (Some(o), Some(sz)) = (&ip.offset, &ip.size) {
            let _ = write!(s, "+{o}/{sz}");
        }
        if let Some(m) = &ip.module {
            let _ = write!(s, " [{m}]");
        }
        if let Some(src) = &ip.source {
            let _ = write!(s, " ({}:{})", src.file, src.line);
        }
        chain.push(s);
    }
    for f in r.frames.iter().filter(|f| f.reliable).take(6) {
        if chain.len() == 1 && r.ip.as_ref().is_some_and(|ip| ip.function == f.function) {
            continue;
        }
        chain.push(f.function.clone());
    }
    if !chain.is_empty() {
        out.push(chain.join(" <- "));
    }
    out
}

/// A few decoded instructions around the trapping one, as `scripts/decodecode` shows them:
/// offset from the trapping instruction, bytes, text, the trapping one marked `=>`.
fn code_view(code: &ktriage_model::Code) -> Vec<String> {
    let Some(at) = code.instructions.iter().position(|i| i.trapping) else {
        return Vec::new();
    };
    let from = at.saturating_sub(4);
    let to = (at + 3).min(code.instructions.len());
    code.instructions[from..to]
        .iter()
        .map(|i| {
            let mark = if i.trapping { "=>" } else { "  " };
            format!("{mark} {:>+4}  {:<24} {}", i.offset, i.bytes, i.text)
        })
        .collect()
}

/// The trapping instruction and what its memory operand names: `trapping instruction
/// mov 0x198(%rbx),%rax: reads rbx+0x198 = 0x198, the fault address`.
fn trapping_line(code: &ktriage_model::Code) -> Option<String> {
    let t = code.instructions.iter().find(|i| i.trapping)?;
    let mut s = format!("trapping instruction {}", t.text);
    if let Some(acc) = &code.access {
        let verb = match acc.kind {
            ktriage_model::AccessKind::Read => "reads",
            ktriage_model::AccessKind::Write => "writes",
            ktriage_model::AccessKind::ReadWrite => "reads and writes",
        };
        let mut terms: Vec<String> = Vec::new();
        terms.extend(acc.base.clone());
        if let Some(i) = &acc.index {
            terms.push(if acc.scale > 1 {
                format!("{i}*{}", acc.scale)
            } else {
                i.clone()
            });
        }
        let mut expr = terms.join("+");
        if acc.displacement != 0 || expr.is_empty() {
            let d = acc.displacement;
            let sign = if d < 0 {
                "-"
            } else if expr.is_empty() {
                ""
            } else {
                "+"
            };
            let _ = write!(expr, "{sign}{:#x}", d.unsigned_abs());
        }
        let _ = write!(s, ": {verb} {expr}");
        if let Some(a) = &acc.address {
            if a != &expr {
                let _ = write!(s, " = {a}");
            }
            if acc.matches_fault == Some(true) {
                s.push_str(", the fault address");
            }
        }
    }
    Some(s)
}

/// Writes the human summary: incidents first, then each boot's reports and events in log order.
fn full_text(a: &Analysis, limit: Option<usize>) -> String {
    let mut s = String::new();
    if let Some(line) = nothing_wrong(a) {
        // Nothing wrong: the answer is the one line.
        s.push_str(&line);
        return s;
    }
    let crit = critical_reports(a);
    let _ = writeln!(
        s,
        "{} {} source(s), {} boot(s), {} report(s) ({} critical), {} event(s), {} incident(s)",
        "ktriage:".bold(),
        a.sources.len(),
        a.boots.len(),
        a.reports.len(),
        crit,
        a.events.len(),
        a.incidents.len()
    );
    // The answer first: one line per incident, most severe first as diagnosis ordered them.
    let shown = limit.unwrap_or(usize::MAX).min(a.incidents.len());
    for inc in &a.incidents[..shown] {
        let root = inc
            .root
            .as_deref()
            .and_then(|r| a.report_by_id(r))
            .map(|r| format!("  [{} {}]", r.id, where_of(&r.source)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{} {} {}  ({:.0}%){root}",
            sev_tag(incident_severity(inc)),
            format!("{}:", inc.id).bold(),
            inc.summary,
            inc.confidence * 100.0
        );
    }
    if shown < a.incidents.len() {
        let _ = writeln!(
            s,
            "  (+{} more incident(s); --limit)",
            a.incidents.len() - shown
        );
    }
    for inc in &a.incidents[..shown] {
        let _ = writeln!(s);
        let sev = incident_severity(inc);
        let _ = writeln!(
            s,
            "{} {} {}  (confidence {:.0}%)",
            sev_tag(sev),
            format!("incident {}:", inc.id).bold(),
            inc.summary,
            inc.confidence * 100.0
        );
        if let Some(root) = &inc.root {
            if let Some(r) = a.report_by_id(root) {
                let _ = writeln!(
                    s,
                    "  root cause: {} {} ({})",
                    r.id,
                    r.display_title,
                    where_of(&r.source)
                );
            }
        }
        for f in &inc.findings {
            let _ = writeln!(s, "  {} [{}] {}", "-".bold(), f.rule.cyan(), f.message);
            for e in f.evidence.iter().take(6) {
                let _ = writeln!(
                    s,
                    "      {} {}:{}  {}",
                    "saw".dimmed(),
                    short_path(&e.path),
                    e.line,
                    clip(&e.text, 100)
                );
            }
            if f.evidence.len() > 6 {
                let _ = writeln!(
                    s,
                    "      {} (+{} more)",
                    "saw".dimmed(),
                    f.evidence.len() - 6
                );
            }
            for adv in &f.advice {
                let _ = writeln!(s, "      {} {}", "do:".green().bold(), adv);
            }
        }
    }
    for boot in &a.boots {
        let reports: Vec<&Report> = a.reports.iter().filter(|r| r.boot == boot.index).collect();
        let events: Vec<&Event> = a
            .events
            .iter()
            .filter(|e| e.boot == boot.index && e.severity >= Severity::Warning)
            .collect();
        let _ = writeln!(s);
        let mut head = format!(
            "boot {} ({}:{}",
            boot.index,
            short_path(&boot.source.path),
            boot.source.line
        );
        if let Some(k) = &boot.kernel {
            let _ = write!(head, ", kernel {k}");
        }
        if boot.capture_kernel {
            head.push_str(", kdump capture kernel");
        }
        head.push(')');
        let _ = writeln!(s, "{}", head.bold());
        if reports.is_empty() && events.is_empty() {
            let _ = writeln!(s, "  nothing notable");
            continue;
        }
        // Merge reports and events in log order (per source line).
        let mut items: Vec<(u64, &str, Item)> = Vec::new();
        let mut i = 0;
        while i < reports.len() {
            let r = reports[i];
            let mut j = i + 1;
            if r.kind.info().foldable {
                while j < reports.len() && reports[j].kind == r.kind {
                    j += 1;
                }
            }
            items.push((
                r.source.first_line,
                &r.source.path,
                Item::Reports(&reports[i..j]),
            ));
            i = j;
        }
        for e in &events {
            items.push((e.source.line, &e.source.path, Item::Event(e)));
        }
        items.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
        for (_, _, item) in items {
            match item {
                Item::Reports(rs) if rs.len() == 1 => {
                    let r = rs[0];
                    let _ = writeln!(
                        s,
                        "  {} {} {:<5} {}  {}  {}",
                        time_of(&r.time),
                        sev_tag(r.severity),
                        r.id,
                        r.display_title.bold(),
                        who(r),
                        where_of(&r.source).dimmed()
                    );
                    for d in detail_lines(r) {
                        let _ = writeln!(s, "  {:>10}            {}", "", d);
                    }
                }
                Item::Reports(rs) => {
                    let r = rs[0];
                    let mut cpus: Vec<u32> = rs.iter().filter_map(|r| r.cpu).collect();
                    cpus.sort_unstable();
                    cpus.dedup();
                    let mut tasks: Vec<(Option<&str>, Option<u32>)> =
                        rs.iter().map(|r| (r.comm.as_deref(), r.pid)).collect();
                    tasks.sort_unstable();
                    tasks.dedup();
                    let mut line = format!("{} {}", rs.len(), r.kind.info().plural);
                    // The same task reported again is one task.
                    if tasks.len() < rs.len() && tasks.iter().all(|t| t.1.is_some()) {
                        let _ = match tasks.len() {
                            1 => write!(line, " (one task, reported {} times)", rs.len()),
                            n => write!(line, " ({n} tasks, some reported again)"),
                        };
                    }
                    match cpus.len() {
                        0 => {}
                        1 => {
                            let _ = write!(line, " on CPU {}", cpus[0]);
                        }
                        _ => {
                            let _ = write!(
                                line,
                                " on CPUs {}",
                                ktriage_diagnose::util::cpu_ranges(&cpus)
                            );
                        }
                    }
                    let span = |label: &str, v: Vec<u64>| match (v.iter().min(), v.iter().max()) {
                        (Some(lo), Some(hi)) if lo == hi => format!(", {label} {lo} s"),
                        (Some(lo), Some(hi)) => format!(", {label} {lo}-{hi} s"),
                        _ => String::new(),
                    };
                    line.push_str(&span(
                        "stuck",
                        rs.iter().filter_map(|r| r.decoded.stuck_seconds).collect(),
                    ));
                    line.push_str(&span(
                        "blocked >",
                        rs.iter()
                            .filter_map(|r| r.decoded.blocked_seconds)
                            .collect(),
                    ));
                    let last = rs[rs.len() - 1];
                    let _ = writeln!(
                        s,
                        "  {} {} {}..{} {}  {}",
                        time_of(&r.time),
                        sev_tag(r.severity),
                        r.id,
                        last.id,
                        line.bold(),
                        format!(
                            "{}:{}-{}",
                            short_path(&r.source.path),
                            r.source.first_line,
                            last.source.last_line
                        )
                        .dimmed()
                    );
                    let _ = writeln!(
                        s,
                        "  {:>10}            first: {} {}",
                        "",
                        r.display_title,
                        who(r)
                    );
                }
                Item::Event(e) => {
                    let mut line = e.text.clone();
                    if let Some(er) = &e.errno {
                        let _ = write!(line, "  ({} {}: {})", er.code, er.name, er.meaning);
                    }
                    if let Some(n) = e.details.repeats {
                        let _ = write!(line, "  (x{n})");
                    }
                    let _ = writeln!(
                        s,
                        "  {} {} {:<5} {}  {}",
                        time_of(&e.time),
                        sev_tag(e.severity),
                        e.id,
                        clip(&line, 140),
                        format!("{}:{}", short_path(&e.source.path), e.source.line).dimmed()
                    );
                }
            }
        }
    }
    if !a.sel_records.is_empty() {
        let notable: Vec<&SelRecord> = a
            .sel_records
            .iter()
            .filter(|r| r.severity >= Severity::Warning)
            .collect();
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{} ({} records, {} notable)",
            "IPMI SEL".bold(),
            a.sel_records.len(),
            notable.len()
        );
        for r in notable {
            let _ = writeln!(
                s,
                "  {} {} {} {} {} {}",
                r.time.map_or_else(|| "-".to_string(), |t| t.to_string()),
                sev_tag(r.severity),
                r.sensor_type,
                r.description,
                r.direction.as_deref().unwrap_or(""),
                format!("{}:{}", short_path(&r.source.path), r.source.line).dimmed()
            );
        }
    }
    s
}

/// How much the text output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// One line per incident (`-q`).
    Verdict,
    /// The answer, each incident's cause, why and first step, and the timeline (default).
    Summary,
    /// Everything: every finding with its evidence and next steps (`-v`).
    Full,
}

/// Options of the text output.
#[derive(Debug, Clone, Copy)]
pub struct TextView {
    /// How much to say.
    pub detail: Detail,
    /// At most this many incidents.
    pub limit: Option<usize>,
}

/// The full text output (every finding, evidence and step).
pub fn text(a: &Analysis) -> String {
    full_text(a, None)
}

/// The text output at a level of detail.
pub fn text_with(a: &Analysis, view: &TextView) -> String {
    match view.detail {
        Detail::Full => full_text(a, view.limit),
        Detail::Verdict => verdict_text(a, view.limit),
        Detail::Summary => summary_text(a, view.limit),
    }
}

/// Columns of the summary: the terminal's (`COLUMNS`), at most 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&c| c >= 40)
        .map_or(100, |c| c.min(100))
}

/// Word-wraps `text` to `width` columns with `indent` before every line, at most `max` lines
/// (the last one ends with `…` when cut).
fn wrap(text: &str, indent: &str, width: usize, max: usize) -> Vec<String> {
    let room = width.saturating_sub(visible_len(indent)).max(20);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let w = visible_len(word);
        if !cur.is_empty() && visible_len(&cur) + 1 + w > room {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        if w > room {
            cur.push_str(&clip(word, room));
        } else {
            cur.push_str(word);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(l) = lines.last_mut() {
            *l = clip(&format!("{l} …"), room);
        }
    }
    lines.into_iter().map(|l| format!("{indent}{l}")).collect()
}

/// Printed width of `s`: characters, without ANSI colour sequences.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\u{1b}') => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

fn nothing_wrong(a: &Analysis) -> Option<String> {
    if a.sources.is_empty() {
        return Some(format!(
            "{} no input could be read (see the warnings above)\n",
            "ktriage:".bold()
        ));
    }
    let notable_events = a.events.iter().any(|e| e.severity >= Severity::Warning);
    (a.incidents.is_empty() && a.reports.is_empty() && !notable_events).then(|| {
        let lines: u64 = a.sources.iter().map(|src| src.lines).sum();
        format!(
            "{} nothing wrong found: no kernel report and no warning in {} source(s), {} boot(s), {lines} line(s)\n",
            "ktriage:".bold(),
            a.sources.len(),
            a.boots.len(),
        )
    })
}

fn critical_reports(a: &Analysis) -> usize {
    a.reports
        .iter()
        .filter(|r| r.severity == Severity::Critical)
        .count()
}

fn incident_severity(inc: &Incident) -> Severity {
    inc.findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info)
}

fn verdict_lines(a: &Analysis, limit: Option<usize>, width: usize, s: &mut String) {
    let shown = limit.unwrap_or(usize::MAX).min(a.incidents.len());
    for inc in &a.incidents[..shown] {
        let line = format!(
            "{} {}: {} ({:.0}%)",
            sev_tag(incident_severity(inc)),
            inc.id,
            inc.summary,
            inc.confidence * 100.0
        );
        for l in wrap(&line, "", width, 2) {
            let _ = writeln!(s, "{l}");
        }
    }
    if shown < a.incidents.len() {
        let _ = writeln!(s, "(+{} more incident(s))", a.incidents.len() - shown);
    }
}

fn verdict_text(a: &Analysis, limit: Option<usize>) -> String {
    if let Some(l) = nothing_wrong(a) {
        return l;
    }
    let mut s = String::new();
    verdict_lines(a, limit, width(), &mut s);
    s
}

fn summary_text(a: &Analysis, limit: Option<usize>) -> String {
    if let Some(l) = nothing_wrong(a) {
        return l;
    }
    let width = width();
    let mut s = String::new();
    let crit = critical_reports(a);
    let _ = writeln!(
        s,
        "{} {} report(s) ({crit} critical), {} event(s) in {} source(s), {} boot(s)",
        "ktriage:".bold(),
        a.reports.len(),
        a.events.len(),
        a.sources.len(),
        a.boots.len(),
    );
    verdict_lines(a, limit, width, &mut s);
    let shown = limit.unwrap_or(usize::MAX).min(a.incidents.len());
    let mut hidden_steps = 0;
    for inc in &a.incidents[..shown] {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}", format!("{}:", inc.id).bold());
        if let Some(r) = inc.root.as_deref().and_then(|r| a.report_by_id(r)) {
            let line = format!(
                "cause: {} {} ({})",
                r.id,
                r.display_title,
                where_of(&r.source)
            );
            for l in wrap(&line, "  ", width, 2) {
                let _ = writeln!(s, "{l}");
            }
        }
        // The most telling finding explains; the others are named.
        if let Some(f) = inc.findings.first() {
            for l in wrap(&format!("why: {}", f.message), "  ", width, 4) {
                let _ = writeln!(s, "{l}");
            }
        }
        let mut others: Vec<&str> = Vec::new();
        for f in inc.findings.iter().skip(1) {
            if !others.contains(&f.rule) && Some(f.rule) != inc.findings.first().map(|f| f.rule) {
                others.push(f.rule);
            }
        }
        if !others.is_empty() {
            for l in wrap(&format!("also: {}", others.join(", ")), "  ", width, 2) {
                let _ = writeln!(s, "{l}");
            }
        }
        let mut steps = inc.findings.iter().flat_map(|f| f.advice.iter());
        if let Some(step) = steps.next() {
            for l in wrap(&format!("do first: {step}"), "  ", width, 3) {
                let _ = writeln!(
                    s,
                    "{}",
                    l.replacen("do first:", &"do first:".green().bold().to_string(), 1)
                );
            }
        }
        hidden_steps += steps.count();
    }
    if shown < a.incidents.len() || hidden_steps > 0 {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "(-v: evidence and {hidden_steps} more step(s){})",
            if shown < a.incidents.len() {
                format!(", {} more incident(s)", a.incidents.len() - shown)
            } else {
                String::new()
            }
        );
    }
    s
}

enum Item<'a> {
    Reports(&'a [&'a Report]),
    Event(&'a Event),
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}
