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

/// Why the first bytes of a file are not a log worth reading, if they are not: binary data
/// (an executable, an image: more than a tenth control bytes once a leading run of NULs, as a
/// serial console prints after a power cycle, is skipped) or JSON that is not a journal
/// export (`journalctl -o json` records carry `MESSAGE` and `__REALTIME_TIMESTAMP`).
pub fn not_a_log(head: &[u8]) -> Option<&'static str> {
    let start = head.iter().position(|&b| b != 0).unwrap_or(head.len());
    let rest = &head[start..head.len().min(start + 8192)];
    if rest.is_empty() {
        return None;
    }
    let control = rest
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..=0x1a).contains(&b) || (0x1c..=0x1f).contains(&b))
        .count();
    if control * 10 > rest.len() {
        return Some("binary data");
    }
    // JSON opens with `{"` or `[` then `{`, `"`, `[` or `]` (a printk stamp `[  12.3]` does not).
    let mut it = rest.iter().copied().filter(|b| !b.is_ascii_whitespace());
    let json = matches!(
        (it.next(), it.next()),
        (Some(b'{'), Some(b'"' | b'}')) | (Some(b'['), Some(b'{' | b'"' | b'[' | b']'))
    );
    if json
        && memchr::memmem::find(rest, b"\"MESSAGE\"").is_none()
        && memchr::memmem::find(rest, b"__REALTIME_TIMESTAMP").is_none()
    {
        return Some("JSON that is not a journal export");
    }
    None
}

/// A single line with `BOOT_IMAGE=` or `root=` and no `name:` words: a copy of /proc/cmdline.
fn looks_like_proc_cmdline(head: &str) -> bool {
    let t = head.trim_end();
    !t.contains('\n')
        && (t.starts_with("BOOT_IMAGE=")
            || (t.contains("root=") && t.split_whitespace().all(|w| !w.ends_with(':'))))
}
