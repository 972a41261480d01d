//! The `CPU: N PID: N Comm: X Tainted: ... RELEASE` line and `Modules linked in:`.

use super::ReportBuilder;
use crate::decode;
use crate::model::{Arch, ReportKind};

impl ReportBuilder {
    pub(super) fn parse_cpu_line(&mut self, t: &str) {
        // CPU: 65 PID: 925 Comm: kcompactd4 Kdump: loaded Tainted: G        W  OEL   --------- -  - 4.18.0-372.19.1.es8_10.aarch64 #1
        let r = &mut self.report;
        let rest = &t[5..];
        let mut it = rest.split_whitespace();
        let cpu = it.next().and_then(|s| s.parse::<u32>().ok());
        // The kernel prints `CPU: N PID: N` (or `CPU: N UID: N PID: N`); firmware prints
        // `CPU: 00 missing read_resources`.
        if cpu.is_none() || !rest.contains("PID: ") {
            return;
        }
        if r.cpu.is_none() || r.kind != ReportKind::RcuStall {
            r.cpu = cpu.or(r.cpu);
        }
        if let Some(pid_at) = rest.find("PID: ") {
            let p = &rest[pid_at + 5..];
            if let Some(pid) = p.split_whitespace().next().and_then(|s| s.parse().ok()) {
                r.pid = Some(pid);
            }
        }
        let Some(comm_at) = rest.find("Comm: ") else {
            return;
        };
        self.parse_task_tail(&rest[comm_at + 6..], true);
    }

    /// The 2.6/3.x form `Pid: 410, comm: plymouthd Not tainted (2.6.32-13-generic #18-Ubuntu)`:
    /// PID, command, taint and release when the newer `CPU:` line did not give them.
    pub(super) fn parse_pid_line(&mut self, t: &str) {
        let rest = &t[5..];
        let Some((pid, after)) = rest.split_once(", comm: ") else {
            return;
        };
        let Ok(pid) = pid.trim().parse::<u32>() else {
            return;
        };
        if self.report.pid.is_some() && self.report.comm.is_some() {
            return;
        }
        self.report.pid = Some(pid);
        self.parse_task_tail(after, false);
    }

    /// `COMM [Kdump: loaded] (Not tainted | Tainted: FLAGS) RELEASE ...` after `Comm: ` or
    /// `comm: `; `overwrite` keeps what an earlier line said otherwise.
    fn parse_task_tail(&mut self, after: &str, overwrite: bool) {
        let r = &mut self.report;
        // Fields after the command: kdump state, taint, and vendor fields (Samsung's
        // `FTT: 0 0`).
        let stops = [
            " Kdump: ",
            " Tainted: ",
            " Not tainted",
            " Tainted:",
            " FTT: ",
        ];
        let mut end = after.len();
        for s in stops {
            if let Some(i) = after.find(s) {
                end = end.min(i);
            }
        }
        if end == after.len() {
            // No taint marker: comm is the first token.
            end = after.find(' ').unwrap_or(after.len());
        }
        if overwrite || r.comm.is_none() {
            r.comm = Some(after[..end].trim().to_string());
        }
        self.parse_taint_tail(&after[end..]);
    }

    /// The hung-task detector's second line, `      Not tainted 4.20.0-next-20190102+ #5` or
    /// `      Tainted: P           O      5.7.0 #1`: taint and release of the report.
    pub(super) fn parse_taint_line(&mut self, t: &str) {
        if self.report.kernel.is_none() && self.report.taint.is_none() {
            self.parse_taint_tail(t);
        }
    }

    /// `[Kdump: loaded] (Not tainted | Tainted: FLAGS) RELEASE ...`.
    fn parse_taint_tail(&mut self, tail: &str) {
        let r = &mut self.report;
        if let Some(i) = tail.find("Kdump: ") {
            let k = &tail[i + 7..];
            r.kdump_loaded = Some(k.starts_with("loaded"));
        }
        let mut release_from = tail;
        if let Some(i) = tail.find("Not tainted") {
            r.taint = Some(decode::decode_taint("Not tainted"));
            release_from = &tail[i + 11..];
        } else if let Some(i) = tail.find("Tainted:") {
            let after_t = &tail[i + 8..];
            // Flags are single letters / letter clusters; stop at the first token with a digit
            // or made of dashes (RHEL prints `--------- -  -` before the release).
            let mut flags_end = 0;
            let bytes = after_t.as_bytes();
            let mut k = 0;
            while k < bytes.len() {
                let c = bytes[k];
                if c == b' ' {
                    k += 1;
                    continue;
                }
                let tok_end = after_t[k..].find(' ').map(|x| k + x).unwrap_or(bytes.len());
                let tok = &after_t[k..tok_end];
                if tok.bytes().all(|c| c.is_ascii_uppercase()) && tok.len() <= 20 {
                    flags_end = tok_end;
                    k = tok_end;
                } else {
                    break;
                }
            }
            let flags = after_t[..flags_end].trim();
            r.taint = Some(decode::decode_taint(if flags.is_empty() {
                ""
            } else {
                flags
            }));
            release_from = &after_t[flags_end..];
        }
        if let Some(rel) = release_from
            .split_whitespace()
            .map(|w| w.trim_start_matches('('))
            .find(|w| w.as_bytes().first().is_some_and(u8::is_ascii_digit) && w.contains('.'))
        {
            let rel = rel.split('#').next().unwrap_or(rel);
            r.kernel = Some(rel.to_string());
            let lower = rel.to_ascii_lowercase();
            if lower.contains("aarch64") || lower.ends_with("arm64") {
                self.vote(Arch::Arm64);
            } else if lower.contains("x86_64") || lower.contains("amd64") {
                self.vote(Arch::X86_64);
            } else if lower.contains("i686") || lower.contains("i386") {
                self.vote(Arch::I386);
            }
        }
    }

    pub(super) fn parse_modules(&mut self, s: &str) {
        let s = s.split("[last unloaded").next().unwrap_or(s);
        for tok in s.split_whitespace() {
            if tok == "……" || tok == "..." || tok.starts_with('[') {
                continue;
            }
            let name = tok.split('(').next().unwrap_or(tok);
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                && self.report.modules.len() < 1024
            {
                self.report.modules.push(name.to_string());
            }
        }
    }
}
