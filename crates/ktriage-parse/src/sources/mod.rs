//! Inputs recognised by content ([`sniff`]), and the parsers of those that are not kernel logs:
//! IPMI SEL listings, /proc/interrupts.

use crate::model::SourceKind;

pub mod interrupts;
pub mod sel;

/// What the first bytes of an input say it is. Journal exports and every other text are read
/// as kernel logs (the framer recognises journal JSON line by line); stdin is never a vmcore
/// (dumps are read with positioned reads).
pub fn sniff(head: &[u8], stdin: bool) -> SourceKind {
    if !stdin && crate::vmcore::is_vmcore(head) {
        return SourceKind::Vmcore;
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(16 * 1024)]);
    if sel::looks_like_sel(&text) {
        SourceKind::IpmiSel
    } else if interrupts::looks_like_proc_interrupts(&text) {
        SourceKind::ProcInterrupts
    } else if looks_like_proc_cmdline(&text) {
        SourceKind::ProcCmdline
    } else {
        SourceKind::KernelLog
    }
}

/// A single line with `BOOT_IMAGE=` or `root=` and no `name:` words: a copy of /proc/cmdline.
fn looks_like_proc_cmdline(head: &str) -> bool {
    let t = head.trim_end();
    !t.contains('\n')
        && (t.starts_with("BOOT_IMAGE=")
            || (t.contains("root=") && t.split_whitespace().all(|w| !w.ends_with(':'))))
}
