//! Report titles: syzkaller-convention signatures when the report is one syzkaller knows,
//! otherwise ktriage's own title in the same style (`KIND in FUNCTION`).

use crate::model::frames::{frame_is, FrameRole};
use crate::model::kind::TitleRule;
use crate::model::{Report, ReportKind};

fn base_name(f: &str) -> &str {
    f.split('.').next().unwrap_or(f)
}

/// The function a title should name: where the CPU was, else the first meaningful frame.
pub fn guilty_function(r: &Report) -> Option<String> {
    if let Some(ip) = &r.ip {
        if !frame_is(base_name(&ip.function), FrameRole::NeverGuilty) {
            return Some(ip.function.clone());
        }
    }
    r.frames
        .iter()
        .filter(|f| f.reliable)
        .map(|f| f.function.as_str())
        .find(|f| {
            !frame_is(base_name(f), FrameRole::NeverGuilty)
                && !frame_is(f, FrameRole::LockPrimitive)
        })
        .map(str::to_string)
}

/// Sets a title in syzkaller's style from the parsed fields.
pub fn assign_own_title(r: &mut Report) {
    let f = guilty_function(r);
    let in_f = |s: &str| match &f {
        Some(f) => format!("{s} in {f}"),
        None => s.to_string(),
    };
    let head = r.headline.as_str();
    r.title = match r.kind.info().title {
        TitleRule::Oops => {
            if head.contains("NULL pointer dereference") {
                in_f("BUG: unable to handle kernel NULL pointer dereference")
            } else if head.contains("general protection fault") {
                in_f("general protection fault")
            } else if head.contains("paging request") || head.contains("page fault") {
                in_f("BUG: unable to handle kernel paging request")
            } else if head.contains("Internal error") {
                in_f("Internal error")
            } else if let Some(w) = [
                "divide error",
                "invalid opcode",
                "int3",
                "stack segment",
                "PANIC: double fault",
                "Unhandled fault",
                "Alignment trap",
            ]
            .iter()
            .find(|w| head.contains(*w))
            {
                in_f(w)
            } else {
                in_f("BUG: unable to handle kernel")
            }
        }
        TitleRule::KernelBug => {
            if head.contains("kernel BUG") {
                in_f("kernel BUG")
            } else {
                cut_title(head)
            }
        }
        TitleRule::InFunction(prefix) => in_f(prefix),
        TitleRule::Warning => match head.split_once("page allocation failure: ") {
            Some((_, rest)) => in_f(&format!(
                "page allocation failure: {}",
                rest.split(',').next().unwrap_or(rest).trim()
            )),
            None => in_f("WARNING"),
        },
        TitleRule::Panic => match &r.panic_reason {
            Some(reason) => format!("kernel panic: {reason}"),
            None => "kernel panic".to_string(),
        },
        TitleRule::HeadlineWithoutBug => cut_title(head.trim_start_matches("BUG: ")),
        TitleRule::Headline => cut_title(head),
        TitleRule::Oom => match &r.comm {
            Some(c) => format!("out of memory: {c} invoked oom-killer"),
            None => "out of memory".to_string(),
        },
        TitleRule::NmiBacktrace => match r.cpu {
            Some(c) => in_f(&format!("NMI backtrace for cpu {c}")),
            None => in_f("NMI backtrace"),
        },
        TitleRule::Dump => {
            if r.registers.is_empty() && r.ip.is_none() {
                in_f("stack dump")
            } else {
                in_f("register dump")
            }
        }
    };
    r.guilty_frame = f;
}

fn cut_title(s: &str) -> String {
    let s = s.trim();
    let mut end = s.len().min(120);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Overrides the title with a syzkaller signature of the same report.
pub fn apply_signature(r: &mut Report, sig: ktriage_syz::Signature) {
    // A panic keeps a qualifier syzkaller drops when it is words only (`Fatal exception in
    // interrupt` is not `Fatal exception`); numbers (`exitcode=0x0000000b`) are dropped.
    if r.kind == ReportKind::Panic {
        if let Some(rest) = r.title.strip_prefix(sig.title.as_str()) {
            let words_only = !rest.is_empty()
                && rest.starts_with(' ')
                && rest.chars().all(|c| c.is_ascii_alphabetic() || c == ' ');
            if words_only {
                let mut alts = vec![sig.title];
                alts.extend(sig.alt_titles);
                r.alt_titles = alts;
                r.crash_type = sig.crash_type;
                r.corrupted = sig.corrupted;
                return;
            }
        }
    }
    r.title = sig.title;
    r.alt_titles = sig.alt_titles;
    r.crash_type = sig.crash_type;
    r.corrupted = sig.corrupted;
    r.suppressed = sig.suppressed;
    if sig.guilty_frame.is_some() {
        r.guilty_frame = sig.guilty_frame;
    }
}

/// The title for people (see `Report::display_title`): the syzkaller title unless it says
/// `in corrupted`; then the function the report names: its IP, unless that is stack-dump or
/// lock machinery, else its guilty frame; else the title without a place. (Not the first
/// frame of its trace: in an RCU stall that may be another task's stack, the grace-period
/// kthread's.)
pub fn display_title(r: &Report) -> String {
    let Some(base) = r.title.strip_suffix(" in corrupted") else {
        return r.title.clone();
    };
    let plain = |f: &str| {
        f != "corrupted"
            && !frame_is(f, FrameRole::Machinery)
            && !frame_is(f, FrameRole::NeverGuilty)
            && !frame_is(f, FrameRole::LockPrimitive)
    };
    let func =
        r.ip.as_ref()
            .map(|ip| ip.function.as_str())
            .filter(|f| plain(f))
            .or(r.guilty_frame.as_deref().filter(|f| plain(f)));
    match func {
        Some(f) => format!("{base} in {f}"),
        None => base.to_string(),
    }
}
