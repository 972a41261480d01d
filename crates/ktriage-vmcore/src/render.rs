//! Text output of a [`Dmesg`] in the formats of familiar tools.

use crate::printk::{format_caller, Dmesg, LogLayout};
use std::io::Write;

/// Output style for [`Dmesg::render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `[%5lu.%06lu] text`, the prefix repeated on every line of a multi-line record;
    /// control bytes other than tab are escaped as `\xNN`.
    Plain,
    /// Like [`Style::Plain`] with the kernel's caller column: `[%5lu.%06lu] [%6s] text`.
    PlainWithCaller,
    /// Byte-for-byte `makedumpfile --dump-dmesg` (1.6.9 - 1.7.4, as built for x86_64:
    /// continuation lines indented, bytes >= 0x80 escaped as `\xffffffNN`, data-less
    /// records skipped, no caller column).
    Makedumpfile,
    /// `makedumpfile --dump-dmesg` 1.7.5+, which adds a `[%8s] ` caller column whenever the
    /// layout records a caller id.
    MakedumpfileCaller,
    /// Byte-for-byte kexec-tools `vmcore-dmesg`: `[%5llu.%06llu] ` then the text with
    /// non-printable bytes as `\xNN`, embedded newlines raw, data-less records printed.
    VmcoreDmesg,
}

fn ts_prefix(out: &mut Vec<u8>, ts: u64) {
    let _ = write!(
        out,
        "[{:5}.{:06}] ",
        ts / 1_000_000_000,
        (ts % 1_000_000_000) / 1000
    );
}

/// C locale `isprint(c) || isspace(c)`.
fn c_printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || (0x09..=0x0d).contains(&b)
}

impl Dmesg {
    /// Renders the log as text in `style`.
    pub fn render(&self, style: Style) -> Vec<u8> {
        if let Some(raw) = &self.raw {
            // Pre-3.5 buffers are printed verbatim by every tool.
            return raw.clone();
        }
        let mut out = Vec::with_capacity(self.records.len() * 100);
        for (i, r) in self.records.iter().enumerate() {
            if style == Style::VmcoreDmesg {
                if let Some((at, ts)) = self.wrap_marker {
                    if at == i {
                        ts_prefix(&mut out, ts);
                        out.push(b'\n');
                    }
                }
            }
            match style {
                Style::Plain | Style::PlainWithCaller => {
                    let mut prefix = Vec::new();
                    ts_prefix(&mut prefix, r.ts_nsec);
                    if style == Style::PlainWithCaller {
                        if let Some(c) = r.caller_id {
                            prefix.pop();
                            let _ = write!(prefix, " [{:>6}] ", format_caller(c));
                        }
                    }
                    for line in r.text.split(|&b| b == b'\n') {
                        out.extend_from_slice(&prefix);
                        for &b in line {
                            if b < 0x20 && b != b'\t' || b == 0x7f {
                                let _ = write!(out, "\\x{b:02x}");
                            } else {
                                out.push(b);
                            }
                        }
                        out.push(b'\n');
                    }
                }
                Style::Makedumpfile | Style::MakedumpfileCaller => {
                    if r.dataless && self.layout == LogLayout::Lockless {
                        continue;
                    }
                    let start = out.len();
                    ts_prefix(&mut out, r.ts_nsec);
                    if style == Style::MakedumpfileCaller && self.has_caller_id {
                        let c = r.caller_id.map(format_caller).unwrap_or_default();
                        let _ = write!(out, "[{c:>8}] ");
                    }
                    let indent = out.len() - start;
                    for &b in &r.text {
                        if b == b'\n' {
                            out.push(b'\n');
                            out.resize(out.len() + indent, b' ');
                        } else if c_printable(b) {
                            out.push(b);
                        } else if b >= 0x80 {
                            // A signed `char` promoted to int.
                            let _ = write!(out, "\\x{:02x}", b as i8 as i32);
                        } else {
                            let _ = write!(out, "\\x{b:02x}");
                        }
                    }
                    out.push(b'\n');
                }
                Style::VmcoreDmesg => {
                    ts_prefix(&mut out, r.ts_nsec);
                    for &b in &r.text {
                        if c_printable(b) {
                            out.push(b);
                        } else {
                            let _ = write!(out, "\\x{b:02x}");
                        }
                    }
                    out.push(b'\n');
                }
            }
        }
        out
    }
}

impl std::str::FromStr for Style {
    type Err = String;

    /// Parses `plain`, `caller`, `makedumpfile`, `makedumpfile-caller` or `vmcore-dmesg`.
    fn from_str(s: &str) -> Result<Style, String> {
        Ok(match s {
            "plain" => Style::Plain,
            "caller" | "plain-caller" => Style::PlainWithCaller,
            "makedumpfile" => Style::Makedumpfile,
            "makedumpfile-caller" => Style::MakedumpfileCaller,
            "vmcore-dmesg" => Style::VmcoreDmesg,
            other => {
                return Err(format!(
                    "unknown style {other:?} (plain, caller, makedumpfile, makedumpfile-caller, vmcore-dmesg)"
                ))
            }
        })
    }
}
