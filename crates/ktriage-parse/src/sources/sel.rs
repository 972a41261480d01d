//! `ipmitool sel list|elist|get` output.
//!
//! Three shapes are read, in any mix, from any file name:
//!
//! * `sel list`: ` 146 | 03/27/2024 | 12:48:44 | Memory #0xeb | Transition to Non-recoverable | Asserted`
//! * `sel elist`: the same with sensor names (`Memory RAS_MEMORY`) and sometimes extra fields;
//! * `sel get ID`: a `SEL Record ID : 0146` block of `key : value` lines, possibly followed by the
//!   sensor's SDR (`Sensor ID : RAS_MEMORY (0xeb)`).
//!
//! SEL timestamps are the BMC clock, normally UTC.

use crate::model::time::days_from_civil;
use crate::model::{InputWarning, Location, SelRecord, Severity, WallTime};

/// Most "unrecognised line" warnings reported for one file.
const MAX_LINE_WARNINGS: usize = 20;

/// Sensor type names as ipmitool prints them (ipmitool `sensor_type_desc[]`, IPMI 2.0 table
/// 42-3), used to split an `elist` field such as `Memory RAS_MEMORY` into type and sensor.
const SENSOR_TYPES: &[&str] = &[
    "Temperature",
    "Voltage",
    "Current",
    "Fan",
    "Physical Security",
    "Platform Security",
    "Processor",
    "Power Supply",
    "Power Unit",
    "Cooling Device",
    "Other",
    "Memory",
    "Drive Slot (Bay)",
    "Drive Slot / Bay",
    "POST Memory Resize",
    "System Firmwares",
    "System Firmware Progress",
    "Event Logging Disabled",
    "Watchdog1",
    "System Event",
    "Critical Interrupt",
    "Button",
    "Module / Board",
    "Microcontroller",
    "Add-in Card",
    "Chassis",
    "Chip Set",
    "Other FRU",
    "Cable / Interconnect",
    "Terminator",
    "System Boot Initiated",
    "Boot Error",
    "OS Boot",
    "OS Critical Stop",
    "Slot / Connector",
    "System ACPI Power State",
    "Watchdog2",
    "Platform Alert",
    "Entity Presence",
    "Monitor ASIC",
    "LAN",
    "Management Subsys Health",
    "Battery",
    "Session Audit",
    "Version Change",
    "FRU State",
];

/// One severity rule: case-insensitive substrings of the sensor type and of the event
/// description (empty matches anything). The first matching rule wins, so specific rules
/// (and "Transition to OK") come before general ones.
struct SeverityRule {
    sensor_type: &'static str,
    description: &'static str,
    severity: Severity,
}

const fn rule(
    sensor_type: &'static str,
    description: &'static str,
    severity: Severity,
) -> SeverityRule {
    SeverityRule {
        sensor_type,
        description,
        severity,
    }
}

use Severity::{Critical, Info, Warning};

/// How bad a SEL event is, judged from sensor type and description.
const SEVERITY_RULES: &[SeverityRule] = &[
    // Recoveries and presence first: never alarming, whatever the sensor.
    rule("", "Transition to OK", Info),
    rule("", "Transition to Running", Info),
    rule("", "Transition to In Test", Info),
    rule("", "Transition to Power Save", Info),
    rule("", "Transition to Idle", Info),
    rule("", "Fully Redundant", Info),
    rule("", "Redundancy Regained", Info),
    rule("", "Presence detected", Info),
    rule("", "Device Present", Info),
    rule("", "Device Inserted", Info),
    rule("", "Device Enabled", Info),
    rule("", "State Deasserted", Info),
    // Memory.
    rule("Memory", "Uncorrectable", Critical),
    rule("Memory", "Non-recoverable", Critical),
    rule("Memory", "Parity", Critical),
    rule("Memory", "Critical Overtemperature", Critical),
    rule("Memory", "Transition to Critical", Critical),
    rule("Memory", "Correctable ECC logging limit", Warning),
    rule("Memory", "Correctable", Warning),
    rule("Memory", "Scrub Failed", Warning),
    rule("Memory", "Device Disabled", Warning),
    rule("Memory", "Configuration Error", Warning),
    rule("Memory", "Spare", Warning),
    rule("Memory", "Throttled", Warning),
    // Processor.
    rule("Processor", "IERR", Critical),
    rule("Processor", "Thermal Trip", Critical),
    rule("Processor", "FRB", Critical),
    rule("Processor", "Uncorrectable", Critical),
    rule("Processor", "Non-recoverable", Critical),
    rule("Processor", "Transition to Critical", Critical),
    rule("Processor", "Correctable", Warning),
    rule("Processor", "Configuration Error", Warning),
    rule("Processor", "Throttled", Warning),
    rule("Processor", "Disabled", Warning),
    // Critical Interrupt (PCI/bus errors, NMIs).
    rule("Critical Interrupt", "Bus Uncorrectable", Critical),
    rule("Critical Interrupt", "Bus Fatal", Critical),
    rule("Critical Interrupt", "PCI PERR", Critical),
    rule("Critical Interrupt", "PCI SERR", Critical),
    rule("Critical Interrupt", "Bus Timeout", Critical),
    rule("Critical Interrupt", "Non-recoverable", Critical),
    rule("Critical Interrupt", "Transition to Critical", Critical),
    rule("Critical Interrupt", "Bus Correctable", Warning),
    rule("Critical Interrupt", "Bus Degraded", Warning),
    rule("Critical Interrupt", "NMI", Warning),
    rule("Critical Interrupt", "", Warning),
    // Power.
    rule("Power Supply", "Failure detected", Critical),
    rule("Power Supply", "Non-recoverable", Critical),
    rule("Power Supply", "Transition to Critical", Critical),
    rule("Power Supply", "Predictive failure", Warning),
    rule("Power Supply", "lost", Warning),
    rule("Power Supply", "out-of-range", Warning),
    rule("Power Supply", "Configuration error", Warning),
    rule("Power Unit", "failure", Critical),
    rule("Power Unit", "AC lost", Warning),
    rule("Power Unit", "", Info),
    // Chassis and platform.
    rule("Chassis", "Transition to Critical", Critical),
    rule("Chassis", "Non-recoverable", Critical),
    rule("OS Critical Stop", "", Critical),
    rule("Chip Set", "Transition to Critical", Critical),
    rule("Chip Set", "", Warning),
    rule("Watchdog", "", Warning),
    rule("Boot Error", "", Warning),
    rule("System Firmware", "Error", Warning),
    rule("System Firmware", "Hang", Warning),
    rule("System Firmware", "", Info),
    // Threshold and generic state transitions.
    rule("", "Non-recoverable", Critical),
    rule("", "Transition to Critical", Critical),
    rule("", "Upper Critical", Critical),
    rule("", "Lower Critical", Critical),
    rule("", "Failure detected", Critical),
    rule("", "Non-critical", Warning),
    rule("", "Redundancy Lost", Warning),
    rule("", "Redundancy Degraded", Warning),
    rule("", "Degraded", Warning),
    rule("", "Predictive Failure", Warning),
    rule("", "Fault", Warning),
    rule("", "failure", Warning),
    rule("", "failed", Warning),
    // Routine records.
    rule("System Boot Initiated", "", Info),
    rule("System ACPI Power State", "", Info),
    rule("OS Boot", "", Info),
    rule("Event Logging Disabled", "", Info),
    rule("System Event", "", Info),
];

/// Severity of an event from [`SEVERITY_RULES`]; a deasserted event (the condition ended) is
/// one step less severe.
pub fn sel_severity(sensor_type: &str, description: &str, direction: Option<&str>) -> Severity {
    let st = sensor_type.to_ascii_lowercase();
    let desc = description.to_ascii_lowercase();
    let base = SEVERITY_RULES
        .iter()
        .find(|r| {
            st.contains(&r.sensor_type.to_ascii_lowercase())
                && desc.contains(&r.description.to_ascii_lowercase())
        })
        .map_or(Info, |r| r.severity);
    let deasserted = direction.is_some_and(|d| d.eq_ignore_ascii_case("Deasserted"));
    match (base, deasserted) {
        (Critical, true) => Warning,
        (_, true) => Info,
        (s, false) => s,
    }
}

/// True when `head` holds `ipmitool sel list`/`elist` lines or `sel get` blocks.
pub fn looks_like_sel(head: &str) -> bool {
    head.lines()
        .any(|l| is_get_header(l).is_some() || parse_list_line(l).is_some())
}

/// Record id of a `SEL Record ID : 0146` line.
fn is_get_header(line: &str) -> Option<&str> {
    let t = line.trim();
    let (key, value) = t.split_once(':')?;
    if !key.trim().eq_ignore_ascii_case("SEL Record ID") {
        return None;
    }
    let id = value.trim();
    (!id.is_empty() && id.len() <= 8 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
}

/// Record ids as compared and stored: lowercase hex without leading zeros (`0146` -> `146`).
fn normalise_id(id: &str) -> String {
    let t = id.trim().trim_start_matches('0').to_ascii_lowercase();
    if t.is_empty() {
        "0".to_string()
    } else {
        t
    }
}

/// A SEL date and time as numbers: (year, month, day, hour, minute, second).
type DateTime = (i64, u32, u32, u32, u32, u32);

/// Parses `MM/DD/YYYY` (or `MM/DD/YY`) and `HH:MM:SS`.
fn parse_date_time(date: &str, time: &str) -> Option<DateTime> {
    let mut d = date.trim().split('/');
    let month: u32 = d.next()?.trim().parse().ok()?;
    let day: u32 = d.next()?.trim().parse().ok()?;
    let ytext = d.next()?.trim();
    if d.next().is_some() || !(2..=4).contains(&ytext.len()) {
        return None;
    }
    let mut year: i64 = ytext.parse().ok()?;
    if ytext.len() == 2 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut t = time.trim().split(':');
    let hour: u32 = t.next()?.trim().parse().ok()?;
    let minute: u32 = t.next()?.trim().parse().ok()?;
    let second: u32 = t.next()?.trim().parse().ok()?;
    if t.next().is_some() {
        return None;
    }
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && hour < 24
        && minute < 60
        && second < 61;
    valid.then_some((year, month, day, hour, minute, second))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    match m {
        2 if is_leap(y) => 29,
        1..=12 => DAYS[(m - 1) as usize],
        _ => 0,
    }
}

/// A UTC SEL time as a wall time at `tz_offset_minutes` east of UTC (`Z` when zero).
fn wall_time(dt: DateTime, tz_offset_minutes: i32) -> WallTime {
    let (y, mo, d, h, mi, s) = dt;
    let secs = days_from_civil(y, i64::from(mo), i64::from(d)) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(s);
    WallTime::at_offset(secs.saturating_mul(1_000_000), tz_offset_minutes)
}

/// Splits `Memory #0xeb` / `Memory RAS_MEMORY` / `Critical Interrupt` into type and sensor.
fn split_sensor(field: &str) -> (String, Option<String>) {
    let f = field.trim();
    if let Some(pos) = f.find(" #0x") {
        return (
            f[..pos].trim().to_string(),
            Some(f[pos + 1..].trim().to_string()),
        );
    }
    let best = SENSOR_TYPES
        .iter()
        .filter(|t| {
            f.len() >= t.len()
                && f.is_char_boundary(t.len())
                && f[..t.len()].eq_ignore_ascii_case(t)
                && (f.len() == t.len() || f[t.len()..].starts_with(' '))
        })
        .max_by_key(|t| t.len());
    match best {
        Some(t) => {
            let rest = f[t.len()..].trim();
            (
                f[..t.len()].to_string(),
                (!rest.is_empty()).then(|| rest.to_string()),
            )
        }
        None => (f.to_string(), None),
    }
}

/// Normalises an event direction (`Asserted`, `Assertion Event`, `Deasserted <----`).
fn direction(text: &str) -> Option<String> {
    let t = text
        .split("<-")
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if t.starts_with("deassert") {
        Some("Deasserted".to_string())
    } else if t.starts_with("assert") {
        Some("Asserted".to_string())
    } else {
        None
    }
}

/// Drops trailing `<----` style marks somebody added to a line.
fn strip_marks(s: &str) -> &str {
    s.split("<-").next().unwrap_or("").trim()
}

/// A parsed `sel list`/`elist` line, before it gets a location.
struct ListLine {
    id: String,
    time: Option<DateTime>,
    bad_time: bool,
    sensor_type: String,
    sensor: Option<String>,
    description: String,
    direction: Option<String>,
}

/// Parses one `sel list`/`elist` line.
fn parse_list_line(line: &str) -> Option<ListLine> {
    let fields: Vec<&str> = line.split('|').map(str::trim).collect();
    if fields.len() < 5 {
        return None;
    }
    let id = fields[0];
    if id.is_empty() || id.len() > 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (date, time) = (fields[1], fields[2]);
    let pre_init = date.eq_ignore_ascii_case("Pre-Init");
    let date_shape = date.contains('/') && date.bytes().all(|b| b.is_ascii_digit() || b == b'/');
    let time_shape = !time.is_empty() && time.bytes().all(|b| b.is_ascii_digit() || b == b':');
    if !(pre_init || date_shape) || !time_shape {
        return None;
    }
    let parsed = if pre_init {
        None
    } else {
        parse_date_time(date, time)
    };
    let (sensor_type, sensor) = split_sensor(fields[3]);
    let mut description = strip_marks(fields[4]).to_string();
    let mut dir = None;
    for extra in &fields[5..] {
        let e = strip_marks(extra);
        if e.is_empty() {
            continue;
        }
        match (dir.is_none(), direction(e)) {
            (true, Some(d)) => dir = Some(d),
            _ => {
                description.push_str(" | ");
                description.push_str(e);
            }
        }
    }
    Some(ListLine {
        id: normalise_id(id),
        time: parsed,
        bad_time: !pre_init && parsed.is_none(),
        sensor_type,
        sensor,
        description,
        direction: dir,
    })
}

/// A `sel get` block being collected.
struct GetBlock {
    line: u64,
    id: String,
    fields: Vec<(String, String)>,
}

impl GetBlock {
    /// First value of a key (case-insensitive).
    fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// Removes a trailing ` (0x0c)` code from `Memory (0x0c)` / `RAS_MEMORY (0xeb)`.
fn strip_code(v: &str) -> &str {
    match v.rfind(" (") {
        Some(pos) if v.ends_with(')') => v[..pos].trim(),
        _ => v.trim(),
    }
}

/// Collects records and warnings while parsing.
struct Collector<'a> {
    path: &'a str,
    tz: i32,
    records: Vec<SelRecord>,
    warnings: Vec<InputWarning>,
    unrecognised: usize,
}

impl Collector<'_> {
    fn warn(&mut self, line: u64, message: String) {
        self.warnings.push(InputWarning {
            source: Location {
                path: self.path.to_string(),
                line,
            },
            message,
            incomplete: false,
        });
    }

    fn time(&mut self, dt: Option<DateTime>, bad: bool, line: u64, raw: &str) -> Option<WallTime> {
        if bad {
            self.warn(line, format!("SEL timestamp not understood: {raw}"));
        }
        dt.map(|dt| wall_time(dt, self.tz))
    }

    fn push_list(&mut self, l: ListLine, line: u64, raw: &str) {
        let time = self.time(l.time, l.bad_time, line, raw.trim());
        let severity = sel_severity(&l.sensor_type, &l.description, l.direction.as_deref());
        self.records.push(SelRecord {
            record_id: l.id,
            source: Location {
                path: self.path.to_string(),
                line,
            },
            time,
            sensor_type: l.sensor_type,
            sensor: l.sensor,
            description: l.description,
            direction: l.direction,
            severity,
        });
    }

    fn push_block(&mut self, b: GetBlock) {
        let (dt, bad, raw_ts) = match b.get("Timestamp") {
            Some(ts) if ts.to_ascii_lowercase().starts_with("pre-init") => (None, false, ""),
            Some(ts) => {
                let mut parts = ts.split_whitespace();
                let parsed = match (parts.next(), parts.next()) {
                    (Some(d), Some(t)) => parse_date_time(d, t),
                    _ => None,
                };
                (parsed, parsed.is_none(), ts)
            }
            None => (None, false, ""),
        };
        let raw_ts = raw_ts.to_string();
        let time = self.time(dt, bad, b.line, &raw_ts);
        let sensor_type = match b.get("Sensor Type") {
            Some(st) => strip_code(st).to_string(),
            None => match b.get("Record Type") {
                Some(rt) => format!("OEM record {}", rt.trim().to_ascii_lowercase()),
                None => "Unknown".to_string(),
            },
        };
        let sensor = b
            .get("Sensor ID")
            .map(|s| strip_code(s).to_string())
            .or_else(|| {
                b.get("Sensor Number")
                    .map(|n| format!("#0x{}", n.trim().to_ascii_lowercase()))
            });
        let description = b
            .get("Description")
            .or_else(|| b.get("Event Type"))
            .map(|d| strip_marks(d).to_string())
            .unwrap_or_default();
        let dir = b.get("Event Direction").and_then(direction);
        let severity = sel_severity(&sensor_type, &description, dir.as_deref());
        self.records.push(SelRecord {
            record_id: b.id,
            source: Location {
                path: self.path.to_string(),
                line: b.line,
            },
            time,
            sensor_type,
            sensor,
            description,
            direction: dir,
            severity,
        });
    }
}

/// True for decoration lines people put in pasted SEL listings (` ====(1)====`, ` ...`).
fn is_separator(t: &str) -> bool {
    t.chars().all(|c| {
        matches!(
            c,
            '=' | '-' | '.' | '(' | ')' | '*' | '<' | '>' | '#' | '~' | '_'
        ) || c.is_ascii_digit()
            || c.is_whitespace()
    })
}

/// Parses SEL listings; times become ISO 8601 (UTC `Z`, or shifted by `tz_offset_minutes` and
/// marked `+HH:MM`). Records with the same id and time are merged into one.
pub fn parse_sel(
    text: &str,
    path: &str,
    tz_offset_minutes: i32,
) -> (Vec<SelRecord>, Vec<InputWarning>) {
    let mut c = Collector {
        path,
        tz: tz_offset_minutes,
        records: Vec::new(),
        warnings: Vec::new(),
        unrecognised: 0,
    };
    let mut block: Option<GetBlock> = None;
    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx as u64 + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(id) = is_get_header(t) {
            if let Some(b) = block.take() {
                c.push_block(b);
            }
            block = Some(GetBlock {
                line: line_no,
                id: normalise_id(id),
                fields: Vec::new(),
            });
            continue;
        }
        if let Some(l) = parse_list_line(raw) {
            if let Some(b) = block.take() {
                c.push_block(b);
            }
            c.push_list(l, line_no, raw);
            continue;
        }
        if let Some(b) = block.as_mut() {
            if let Some((k, v)) = t.split_once(':') {
                let k = k.trim();
                if !k.is_empty() {
                    b.fields.push((k.to_string(), v.trim().to_string()));
                    continue;
                }
            }
        }
        if is_separator(t) {
            continue;
        }
        c.unrecognised += 1;
        if c.unrecognised <= MAX_LINE_WARNINGS {
            let shown: String = t.chars().take(120).collect();
            c.warn(line_no, format!("unrecognised SEL line: {shown}"));
        }
    }
    if let Some(b) = block.take() {
        c.push_block(b);
    }
    if c.unrecognised > MAX_LINE_WARNINGS {
        let n = c.unrecognised - MAX_LINE_WARNINGS;
        c.warn(0, format!("{n} more unrecognised SEL lines"));
    }
    (merge_sel_records(c.records), c.warnings)
}

/// True when a sensor is only a number (`#0xeb`), so a name is richer.
fn numeric_sensor(s: &Option<String>) -> bool {
    match s {
        Some(s) => s.starts_with("#0x"),
        None => true,
    }
}

/// Merges records describing the same event (same id, same or unknown time): one record per
/// event, keeping the first location and the richer field of each pair.
pub fn merge_sel_records(records: Vec<SelRecord>) -> Vec<SelRecord> {
    let mut out: Vec<SelRecord> = Vec::with_capacity(records.len());
    for r in records {
        let same = out.iter_mut().find(|o| {
            o.record_id == r.record_id
                && (o.time == r.time || o.time.is_none() || r.time.is_none())
                && (o.sensor_type.eq_ignore_ascii_case(&r.sensor_type)
                    || o.sensor_type == "Unknown"
                    || r.sensor_type == "Unknown")
        });
        let Some(o) = same else {
            out.push(r);
            continue;
        };
        if o.time.is_none() {
            o.time = r.time;
        }
        if o.sensor_type == "Unknown" {
            o.sensor_type = r.sensor_type;
        }
        let named = numeric_sensor(&o.sensor) && !numeric_sensor(&r.sensor);
        if named || o.sensor.is_none() {
            o.sensor = r.sensor;
        }
        if o.description.len() < r.description.len() {
            o.description = r.description;
        }
        if o.direction.is_none() {
            o.direction = r.direction;
        }
        o.severity = sel_severity(&o.sensor_type, &o.description, o.direction.as_deref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../ktriage/tests/fixtures/cases/csd-lock-memory-error")
            .join(name);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn recognises_shapes() {
        assert!(looks_like_sel(&fixture("sel-list.txt")));
        assert!(looks_like_sel(&fixture("sel-get-0146.txt")));
        assert!(looks_like_sel(
            "   1 | 03/27/2024 | 12:48:44 | Memory RAS_MEMORY | Correctable ECC | Asserted"
        ));
        assert!(looks_like_sel(
            "   1 | Pre-Init  |0000000010| System Event #0x01 | Timestamp Clock Sync | Asserted"
        ));
        assert!(!looks_like_sel(
            "[    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n[ 1.0] CPU: 0 PID: 1"
        ));
        assert!(!looks_like_sel("a | b | c | d | e"));
        assert!(!looks_like_sel(""));
    }

    #[test]
    fn sel_list_fixture() {
        // cases/csd-lock-memory-error/sel-list.txt (with ====(n)==== separators, " ...",
        // blank lines and a trailing "<----" mark).
        let (recs, warnings) = parse_sel(&fixture("sel-list.txt"), "sel-list.txt", 0);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(recs.len(), 21);
        let r = recs.iter().find(|r| r.record_id == "146").unwrap();
        assert_eq!(r.sensor_type, "Memory");
        assert_eq!(r.sensor.as_deref(), Some("#0xeb"));
        assert_eq!(r.description, "Transition to Non-recoverable");
        assert_eq!(r.direction.as_deref(), Some("Asserted"));
        assert_eq!(
            r.time.map(|t| t.to_string()).as_deref(),
            Some("2024-03-27T12:48:44Z")
        );
        assert_eq!(r.severity, Severity::Critical);
        assert_eq!(r.source.line, 24);
        let sev = |id: &str| recs.iter().find(|r| r.record_id == id).unwrap().severity;
        assert_eq!(sev("124"), Severity::Info); // Critical Interrupt, Transition to OK
        assert_eq!(sev("128"), Severity::Critical); // Memory Non-recoverable
        assert_eq!(sev("129"), Severity::Critical); // Chassis Transition to Critical
        assert_eq!(sev("12a"), Severity::Warning); // ... Deasserted
        assert_eq!(sev("12d"), Severity::Info); // System Boot Initiated
        assert_eq!(sev("12b"), Severity::Info); // ACPI S4/S5 soft-off
        assert_eq!(sev("12f"), Severity::Info); // System Firmwares progress
        assert_eq!(sev("149"), Severity::Info); // Power Supply Presence detected
        let r = recs.iter().find(|r| r.record_id == "12e").unwrap();
        assert_eq!(r.sensor_type, "System ACPI Power State");
        assert_eq!(r.description, "S0/G0: working");
    }

    #[test]
    fn sel_get_fixture() {
        // cases/csd-lock-memory-error/sel-get-0146.txt, SDR part after a blank line.
        let (recs, warnings) = parse_sel(&fixture("sel-get-0146.txt"), "sel-get-0146.txt", 0);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(recs.len(), 1);
        let r = &recs[0];
        assert_eq!(r.record_id, "146");
        assert_eq!(r.sensor_type, "Memory");
        assert_eq!(r.sensor.as_deref(), Some("RAS_MEMORY"));
        assert_eq!(r.description, "Transition to Non-recoverable");
        assert_eq!(r.direction.as_deref(), Some("Asserted"));
        assert_eq!(
            r.time.map(|t| t.to_string()).as_deref(),
            Some("2024-03-27T12:48:44Z")
        );
        assert_eq!(r.severity, Severity::Critical);
        assert_eq!(r.source.line, 1);
    }

    #[test]
    fn list_and_get_merge() {
        let text = format!(
            "{}\n{}",
            fixture("sel-list.txt"),
            fixture("sel-get-0146.txt")
        );
        let (recs, _) = parse_sel(&text, "both", 0);
        let all: Vec<_> = recs.iter().filter(|r| r.record_id == "146").collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].sensor.as_deref(), Some("RAS_MEMORY"));
        assert_eq!(all[0].source.line, 24);
        // Across files.
        let (mut a, _) = parse_sel(&fixture("sel-list.txt"), "a", 0);
        let (b, _) = parse_sel(&fixture("sel-get-0146.txt"), "b", 0);
        a.extend(b);
        let merged = merge_sel_records(a);
        assert_eq!(merged.len(), 21);
        // Same id, different time (SEL cleared and reused): two events.
        let text = "  1 | 01/01/2024 | 00:00:00 | Memory #0x01 | Correctable ECC | Asserted\n\
                    \x20 1 | 02/01/2024 | 00:00:00 | Memory #0x01 | Correctable ECC | Asserted\n";
        assert_eq!(parse_sel(text, "x", 0).0.len(), 2);
    }

    #[test]
    fn timezone_offset() {
        // The csd case's syslog runs at +08:00: SEL 12:48:44 UTC = 20:48:44+08:00.
        let (recs, _) = parse_sel(&fixture("sel-get-0146.txt"), "g", 8 * 60);
        assert_eq!(
            recs[0].time.map(|t| t.to_string()).as_deref(),
            Some("2024-03-27T20:48:44+08:00")
        );
        let line = "  5 | 01/01/2024 | 02:30:00 | Memory #0x01 | Correctable ECC | Asserted";
        let (recs, _) = parse_sel(line, "x", -(5 * 60 + 30));
        assert_eq!(
            recs[0].time.map(|t| t.to_string()).as_deref(),
            Some("2023-12-31T21:00:00-05:30")
        );
        let (recs, _) = parse_sel(
            "  5 | 02/28/2024 | 23:30:00 | Memory #0x01 | Correctable ECC | Asserted",
            "x",
            60,
        );
        assert_eq!(
            recs[0].time.map(|t| t.to_string()).as_deref(),
            Some("2024-02-29T00:30:00+01:00")
        );
    }

    #[test]
    fn elist_and_oddities() {
        let text = "\
SEL Information
   1 | Pre-Init  |0000000010| System Event #0x01 | Timestamp Clock Sync | Asserted
   2 | 03/27/2024 | 12:48:44 | Memory RAS_MEMORY | Uncorrectable ECC | Asserted | CPU1 DIMM A2
   3 | 03/27/24 | 12:49:00 | Critical Interrupt PCIE_ERR | Bus Uncorrectable error | Asserted
   4 | 03/27/2024 | 12:50:00 | Power Supply PS2 Status | Failure detected () | Asserted
   5 | 03/27/2024 | 12:51:00 | Memory #0x02 | Correctable ECC | Asserted
   6 | 13/45/2024 | 12:51:00 | Processor #0x03 | IERR | Asserted
   7 | 03/27/2024 | 12:52:00 | Power Unit #0x04 | Power off/down
   8 | 03/27/2024 | 12:53:00 | OEM record e0 | 000000 | 01020304
";
        let (recs, warnings) = parse_sel(text, "elist", 0);
        assert_eq!(recs.len(), 8);
        assert_eq!(recs[0].time, None);
        assert_eq!(recs[0].severity, Severity::Info);
        assert_eq!(recs[1].sensor_type, "Memory");
        assert_eq!(recs[1].sensor.as_deref(), Some("RAS_MEMORY"));
        assert_eq!(recs[1].description, "Uncorrectable ECC | CPU1 DIMM A2");
        assert_eq!(recs[1].severity, Severity::Critical);
        assert_eq!(
            recs[2].time.map(|t| t.to_string()).as_deref(),
            Some("2024-03-27T12:49:00Z")
        );
        assert_eq!(recs[2].sensor_type, "Critical Interrupt");
        assert_eq!(recs[2].severity, Severity::Critical);
        assert_eq!(recs[3].sensor.as_deref(), Some("PS2 Status"));
        assert_eq!(recs[3].severity, Severity::Critical);
        assert_eq!(recs[4].severity, Severity::Warning);
        assert_eq!(recs[5].time, None);
        assert_eq!(recs[5].severity, Severity::Critical);
        assert_eq!(recs[6].direction, None);
        assert_eq!(recs[6].severity, Severity::Info);
        assert_eq!(recs[7].sensor_type, "OEM record e0");
        // "SEL Information" and the bad date are reported.
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].source.line, 1);
        assert_eq!(warnings[1].source.line, 7);
    }

    #[test]
    fn severity_table() {
        assert_eq!(
            sel_severity("Memory", "Correctable ECC", Some("Asserted")),
            Severity::Warning
        );
        assert_eq!(
            sel_severity("Memory", "Uncorrectable ECC", None),
            Severity::Critical
        );
        assert_eq!(
            sel_severity("Critical Interrupt", "PCI SERR", None),
            Severity::Critical
        );
        assert_eq!(
            sel_severity("Critical Interrupt", "Transition to OK", None),
            Severity::Info
        );
        assert_eq!(
            sel_severity("Temperature", "Upper Critical going high", None),
            Severity::Critical
        );
        assert_eq!(
            sel_severity("Temperature", "Upper Non-critical going high", None),
            Severity::Warning
        );
        assert_eq!(
            sel_severity("OS Critical Stop", "Run-time critical stop", None),
            Severity::Critical
        );
        assert_eq!(
            sel_severity("Fan", "Transition to Non-Critical from OK", None),
            Severity::Warning
        );
        assert_eq!(
            sel_severity("Button", "Power Button pressed", None),
            Severity::Info
        );
        assert_eq!(sel_severity("", "", None), Severity::Info);
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "|||||",
            "SEL Record ID : zz",
            "SEL Record ID : 1\n Timestamp : 99/99/9999 99:99:99\n",
            "SEL Record ID : 1\n Timestamp : \u{e9}\u{e9}\n",
            " 1 | 1/ | : | \u{e9} | x | y",
            " ffffffff | 02/29/2023 | 00:00:00 | Memory | x | Asserted",
            "\u{0}\u{ffff}|\u{e9}|",
        ] {
            let _ = parse_sel(text, "g", 0);
            let _ = parse_sel(text, "g", i32::MIN);
            let _ = parse_sel(text, "g", i32::MAX);
            let _ = looks_like_sel(text);
        }
        let many = "junk line\n".repeat(50);
        let (_, w) = parse_sel(&many, "g", 0);
        assert_eq!(w.len(), MAX_LINE_WARNINGS + 1);
    }
}
