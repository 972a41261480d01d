//! Single-line events: probe failures, IRQ request failures, systemd/dracut waits, reboots,
//! command lines, IPMI timeouts. Each event pattern (see [`crate::patterns::EVENTS`]) is parsed
//! here into subject, errno and details.

use crate::decode;
use crate::frame::Record;
use crate::model::{Errno, Event, EventDetails, EventKind, Location, Severity};
use crate::report::record_time;
use regex::Regex;
use std::sync::LazyLock;

static ERRNO_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:error|err is|ret=|fail,|failed|returned|startup error|err)[:=]?\s*(-\d{1,4})\b")
        .expect("static regex")
});
static PROBE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\S+): )?probe (?:of (\S+)|with driver (\S+)) failed with error (-?\d+)")
        .expect("static regex")
});
static PROBE_ANY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\S+): probe of (\S+) failed with error (-?\d+)").expect("static regex")
});
static IRQ_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)request(?:_irq| interrupt| irq)\s*(\d+)?").expect("static regex")
});
static JOB_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"A (start|stop) job is running for (.+?) \((\d+(?:min)? ?(?:\d+s)?|\d+s) / ([^)]+)\)",
    )
    .expect("static regex")
});
static DEV_TIMEOUT_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Timed out waiting for device (.+?)\.?$").expect("static regex"));
static NOT_EXIST_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(/dev/\S+|\S*root\S*) does not exist").expect("static regex"));
static CSD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"csd: .*?CSD lock \(#(\d+)\) (?:on|handling prior) CPU#(\d+).*?(?:for CPU#(\d+))?")
        .expect("static regex")
});
static CSD_FOR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"for CPU#(\d+)").expect("static regex"));

/// Parses `text` as an event of `kind`; `None` when the line does not really say it.
pub fn parse_event(kind: EventKind, rec: &Record, path: &str, boot: usize) -> Option<Event> {
    let text = rec.text.trim();
    let mut subject = None;
    let mut errno: Option<Errno> = None;
    let mut details = EventDetails::default();
    let mut severity = Severity::Warning;
    match kind {
        EventKind::ProbeFailure => {
            let c = PROBE_RE
                .captures(text)
                .or_else(|| PROBE_ANY_RE.captures(text))?;
            if c.len() == 5 {
                let driver = c.get(1).map(|m| m.as_str().trim_end_matches(':'));
                let dev = c.get(2).or(c.get(3)).map(|m| m.as_str());
                subject = Some(match (driver, dev) {
                    (Some(d), Some(v)) => {
                        details.driver = Some(d.to_string());
                        details.device = Some(v.to_string());
                        format!("{d} {v}")
                    }
                    (None, Some(v)) => v.to_string(),
                    (Some(d), None) => d.to_string(),
                    (None, None) => String::new(),
                });
                errno = c[4].parse::<i64>().ok().and_then(decode::errno);
            } else {
                details.driver = Some(c[1].to_string());
                details.device = Some(c[2].to_string());
                subject = Some(format!("{} {}", &c[1], &c[2]));
                errno = c[3].parse::<i64>().ok().and_then(decode::errno);
            }
            severity = Severity::Critical;
        }
        EventKind::IrqRequestFailure => {
            let lower = text.to_ascii_lowercase();
            if !(lower.contains("fail") || lower.contains("unable") || lower.contains("error")) {
                return None;
            }
            if let Some(c) = IRQ_RE.captures(text) {
                if let Some(n) = c.get(1) {
                    details.irq = n.as_str().parse().ok();
                }
            }
            subject = device_prefix(text);
            errno = find_errno(text);
            severity = Severity::Critical;
        }
        EventKind::DriverError => {
            errno = find_errno(text);
            if errno.is_none() && !text.contains("abnormal") && !text.contains("unsuccessful") {
                return None;
            }
            if text.contains("probe of ") {
                return None;
            }
            subject = device_prefix(text);
        }
        EventKind::DeviceError => {
            subject = device_prefix(text);
            errno = find_errno(text);
        }
        EventKind::StartJobRunning => {
            let c = JOB_RE.captures(text)?;
            subject = Some(c[2].to_string());
            details.job = Some(c[1].to_string());
            details.elapsed = Some(c[3].to_string());
            details.limit = Some(c[4].trim().to_string());
            details.elapsed_seconds = duration_seconds(&c[3]);
            details.limit_seconds = duration_seconds(&c[4]);
        }
        EventKind::DeviceTimeout => {
            subject = DEV_TIMEOUT_RE.captures(text).map(|c| c[1].to_string());
            severity = Severity::Critical;
        }
        EventKind::DracutInitqueueTimeout => {
            subject = Some("dracut-initqueue".into());
        }
        EventKind::CouldNotBoot => {
            severity = Severity::Critical;
        }
        EventKind::DoesNotExist => {
            let c = NOT_EXIST_RE.captures(text)?;
            subject = Some(c[1].to_string());
            severity = Severity::Critical;
        }
        EventKind::Reboot | EventKind::PowerOff => {
            if !(text.starts_with("reboot:")
                || text.contains("Restarting system")
                || text.starts_with("Power down"))
            {
                return None;
            }
            severity = Severity::Info;
        }
        EventKind::CommandLine => {
            let i = text.find("ommand line:")?;
            if !(text.starts_with("Command line:") || text.starts_with("Kernel command line:")) {
                return None;
            }
            let cmd = text[i + 12..].trim().to_string();
            let capture = is_capture_cmdline(&cmd);
            details.capture_kernel = Some(capture);
            details.nr_cpus = cmdline_value(&cmd, "nr_cpus");
            details.maxcpus = cmdline_value(&cmd, "maxcpus");
            details.crashkernel = cmdline_value(&cmd, "crashkernel");
            details.irqpoll = cmdline_value(&cmd, "irqpoll");
            details.reset_devices = cmdline_value(&cmd, "reset_devices");
            details.root = cmdline_value(&cmd, "root");
            details.cmdline = Some(cmd);
            severity = Severity::Info;
        }
        EventKind::KernelOffset => {
            severity = Severity::Info;
        }
        EventKind::IpmiBtTimeout => {
            subject = Some("IPMI BT".into());
        }
        EventKind::KernelVersion => {
            let rest = text.strip_prefix("Linux version ")?;
            let rel = rest.split_whitespace().next()?;
            details.release = Some(rel.to_string());
            severity = Severity::Info;
        }
        EventKind::CsdLockTimeout => {
            if let Some(c) = CSD_RE.captures(text) {
                details.waiting_cpu = c[2].parse().ok();
            }
            if let Some(c) = CSD_FOR_RE.captures(text) {
                details.target_cpu = c[1].parse().ok();
            }
            severity = Severity::Critical;
        }
        EventKind::DieEvent => {
            severity = Severity::Critical;
        }
        EventKind::HardwareErrorLine => {
            // `EDAC MC: Ver: 3.0.0` and other EDAC driver notices are not errors.
            if text.contains("EDAC ")
                && !(text.contains(" CE ") || text.contains(" UE ") || text.contains("error"))
            {
                return None;
            }
            severity =
                if text.contains("UE ") || text.contains("Uncorrected") || text.contains("Fatal") {
                    Severity::Critical
                } else {
                    Severity::Warning
                };
        }
    }
    Some(Event {
        id: String::new(),
        kind,
        severity,
        source: Location {
            path: path.to_string(),
            line: rec.first_line,
        },
        boot,
        time: record_time(rec),
        subject,
        errno,
        details,
        text: text.to_string(),
    })
}

/// True when a kernel command line is a kdump capture kernel's.
pub fn is_capture_cmdline(cmd: &str) -> bool {
    cmd.split_whitespace()
        .any(|w| w.starts_with("elfcorehdr=") || w == "reset_devices")
}

/// Value of `key=` on a command line (or `key` alone -> "1").
pub fn cmdline_value(cmd: &str, key: &str) -> Option<String> {
    for w in cmd.split_whitespace() {
        if let Some(v) = w.strip_prefix(key) {
            if let Some(v) = v.strip_prefix('=') {
                return Some(v.to_string());
            }
            if v.is_empty() {
                return Some("1".into());
            }
        }
    }
    None
}

fn find_errno(text: &str) -> Option<Errno> {
    ERRNO_RE
        .captures(text)
        .and_then(|c| c[1].parse::<i64>().ok())
        .and_then(decode::errno)
}

/// The device or driver a line is about: `xhci_hcd 0000:ec:00.4: ...` -> `xhci_hcd 0000:ec:00.4`,
/// `[ascend] [devdrv] ...` -> `ascend devdrv`.
fn device_prefix(text: &str) -> Option<String> {
    if text.starts_with('[') {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            parts.push(&r[..end]);
            rest = r[end + 1..].trim_start();
            if parts.len() >= 2 {
                break;
            }
        }
        return Some(parts.join(" "));
    }
    // Up to the last ": " among the first few tokens.
    let mut cut = text.len().min(80);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let i = head.rfind(": ")?;
    let s = &head[..i];
    if s.split_whitespace().count() <= 3 {
        Some(s.to_string())
    } else {
        s.split(": ").next().map(str::to_string)
    }
}

/// `1min 30s` -> 90, `25s` -> 25, `2min` -> 120.
pub fn duration_seconds(s: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut any = false;
    for tok in s.split_whitespace() {
        if let Some(n) = tok.strip_suffix("min") {
            total += n.parse::<u64>().ok()? * 60;
            any = true;
        } else if let Some(n) = tok.strip_suffix("ms") {
            let _ = n.parse::<u64>().ok()?;
            any = true;
        } else if let Some(n) = tok.strip_suffix('s') {
            total += n.parse::<u64>().ok()?;
            any = true;
        } else if let Some(n) = tok.strip_suffix('h') {
            total += n.parse::<u64>().ok()? * 3600;
            any = true;
        }
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("1min 30s"), Some(90));
        assert_eq!(duration_seconds("25s"), Some(25));
        assert_eq!(duration_seconds("no limit"), None);
    }

    #[test]
    fn device_prefixes() {
        assert_eq!(
            device_prefix("xhci_hcd 0000:ec:00.4: startup error -28").as_deref(),
            Some("xhci_hcd 0000:ec:00.4")
        );
        assert_eq!(
            device_prefix("[ascend] [devdrv] [x 322] <kworker> unsuccessful").as_deref(),
            Some("ascend devdrv")
        );
    }

    #[test]
    fn device_prefix_cuts_on_a_char_boundary() {
        // Found by the `analyze` fuzz target: a multi-byte char straddling byte 80.
        let text = format!("{}\u{fffd}: x", "a".repeat(79));
        assert_eq!(
            device_prefix(&text),
            None,
            "the `: ` lies past the 80-byte window"
        );
        let text = format!("drv: {}\u{fffd} tail", "a".repeat(74));
        assert_eq!(device_prefix(&text).as_deref(), Some("drv"));
    }

    #[test]
    fn capture_cmdline() {
        assert!(is_capture_cmdline(
            "BOOT_IMAGE=x irqpoll nr_cpus=1 reset_devices elfcorehdr=0x7f000000"
        ));
        assert!(!is_capture_cmdline(
            "BOOT_IMAGE=x root=/dev/sda1 crashkernel=512M"
        ));
        assert_eq!(
            cmdline_value("a nr_cpus=1 b", "nr_cpus").as_deref(),
            Some("1")
        );
    }
}
