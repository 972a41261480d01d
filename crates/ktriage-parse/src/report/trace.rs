//! Call traces: frame lines (every architecture's form), trace starts, execution contexts
//! (`<IRQ>`/`<NMI>` markers, or inferred from entry functions), architecture from frame names.

use super::{ReportBuilder, MAX_FRAMES};
use crate::model::frames::{frame_is, FrameRole};
use crate::model::{Arch, Frame, FrameContext};
use regex::Regex;
use std::sync::LazyLock;

// A call-trace frame: optional addresses, optional `?`, name+off/size, optional [module].
re!(
    FRAME_RE,
    r"^\s*\(?(?:\[<?(?:0x)?([0-9a-fA-F]+)>?\]\s*){0,2}(\?\s+)?([A-Za-z0-9_.$<>:\-]+?)\+(0x[0-9a-fA-F]+)(?:/(0x[0-9a-fA-F]+))?(?:\s+\[([A-Za-z0-9_\-]+)(?:\]|\s|$))?(\s+\(unreliable\))?"
);

// arm32: [<c0c3ac54>] (rpmsg_sock_release) from [<c0543c30>] (sock_release+0x20/0x98)
re!(
    ARM_FRAME_RE,
    r"^\s*\[<([0-9a-f]+)>\]\s+\(([A-Za-z0-9_.$]+)(?:\+(0x[0-9a-f]+)/(0x[0-9a-f]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?\)\s+from\s+\[<([0-9a-f]+)>\]\s+\(([A-Za-z0-9_.$]+)(?:\+(0x[0-9a-f]+)/(0x[0-9a-f]+))?(?:\s+\[([A-Za-z0-9_\-]+)\])?\)"
);

// arm32 since 5.x (no addresses unless CONFIG_ARM_UNWIND prints them):
// `unwind_backtrace from show_stack+0x10/0x14`, `mount_root_generic from prepare_namespace+0x1f8/0x248`.
re!(
    ARM_BARE_FRAME_RE,
    r"^\s*([A-Za-z0-9_.$]+) from ([A-Za-z0-9_.$]+)\+(0x[0-9a-f]+)/(0x[0-9a-f]+)(?:\s+\[([A-Za-z0-9_\-]+)\])?\s*$"
);

impl ReportBuilder {
    pub(super) fn start_trace(&mut self) {
        self.in_trace = true;
        self.trace_announced = true;
        if !self.saw_context_markers {
            self.context = FrameContext::Task;
        }
    }

    pub(super) fn start_trace_keep_context(&mut self) {
        self.in_trace = true;
        self.trace_announced = true;
    }

    pub(super) fn push_frame(&mut self, f: Frame) {
        self.trace_frames += 1;
        if self.report.frames.len() < MAX_FRAMES {
            self.report.frames.push(f);
        }
    }
}

pub(super) fn arch_from_frames(frames: &[Frame]) -> Option<Arch> {
    const ONLY: [(FrameRole, Arch); 5] = [
        (FrameRole::Arm64Only, Arch::Arm64),
        (FrameRole::X86_64Only, Arch::X86_64),
        (FrameRole::I386Only, Arch::I386),
        (FrameRole::ArmOnly, Arch::Arm),
        (FrameRole::Ppc64Only, Arch::Ppc64),
    ];
    frames.iter().find_map(|f| {
        ONLY.iter()
            .find(|(role, _)| frame_is(&f.function, *role))
            .map(|(_, arch)| *arch)
    })
}

/// Assigns irq/softirq/exception contexts to frames of traces printed without markers.
pub fn infer_contexts(frames: &mut [Frame]) {
    // Frames are printed innermost first. Everything up to an interrupt entry ran in that
    // interrupt; frames up to a softirq runner ran in softirq.
    let irq_idx = frames
        .iter()
        .position(|f| frame_is(&f.function, FrameRole::IrqEntry));
    if let Some(idx) = irq_idx {
        for f in frames[..=idx].iter_mut() {
            f.context = FrameContext::Irq;
        }
        if let Some(s) = frames[..idx]
            .iter()
            .position(|f| frame_is(&f.function, FrameRole::SoftirqRunner))
        {
            for f in frames[..=s].iter_mut() {
                f.context = FrameContext::Softirq;
            }
        }
    }
    let limit = irq_idx.unwrap_or(frames.len());
    if let Some(idx) = frames[..limit]
        .iter()
        .position(|f| frame_is(&f.function, FrameRole::ExceptionEntry))
    {
        for f in frames[..=idx].iter_mut() {
            if f.context == FrameContext::Task {
                f.context = FrameContext::Exception;
            }
        }
    }
}

pub(super) fn context_marker(t: &str) -> Option<FrameContext> {
    Some(match t {
        "<IRQ>" => FrameContext::Irq,
        "</IRQ>" | "<TASK>" | "</TASK>" | "<EOI>" | "</NMI>" | "<EOE>" | "<<EOE>>" => {
            FrameContext::Task
        }
        "<NMI>" => FrameContext::Nmi,
        "<SOFTIRQ>" => FrameContext::Softirq,
        "</SOFTIRQ>" => FrameContext::Irq,
        t if t.starts_with("<#") => FrameContext::Exception,
        _ => return None,
    })
}

pub(super) fn is_register_name(s: &str) -> bool {
    matches!(
        s,
        "RIP" | "EIP" | "IP" | "pc" | "lr" | "NIP" | "LR" | "epc" | "ra"
    )
}

pub(super) fn looks_like_frame(t: &str) -> bool {
    // Cheap pre-check before the regex: a `+0x` somewhere.
    memchr::memmem::find(t.as_bytes(), b"+0x").is_some()
}
