//! VMCOREINFO parsing (`KEY=VALUE` lines exported by the crashed kernel).

use std::collections::HashMap;

/// Largest VMCOREINFO text accepted (the kernel's own buffer is 4 KiB).
pub const MAX_VMCOREINFO_BYTES: usize = 1 << 20;

/// Parsed VMCOREINFO: the raw text plus a key lookup (the first occurrence of a key wins).
#[derive(Debug, Clone, Default)]
pub struct VmcoreInfo {
    text: String,
    entries: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

/// Parses an unsigned hexadecimal number, with or without a `0x` prefix.
pub fn parse_hex(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// Parses a NUMBER() value: `0x` hex, or signed decimal; the result is two's complement.
pub fn parse_number(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.starts_with("0x") || s.starts_with("0X") {
        return parse_hex(s).map(|v| v as i64);
    }
    if let Some(rest) = s.strip_prefix('-') {
        return rest.parse::<u64>().ok().and_then(|v| {
            if v <= i64::MAX as u64 + 1 {
                Some((v as i64).wrapping_neg())
            } else {
                None
            }
        });
    }
    if let Ok(v) = s.parse::<u64>() {
        return Some(v as i64);
    }
    // makedumpfile falls back to hex when decimal fails.
    parse_hex(s).map(|v| v as i64)
}

impl VmcoreInfo {
    /// Parses VMCOREINFO text; stops at the first NUL and ignores lines without `=`.
    pub fn parse(bytes: &[u8]) -> VmcoreInfo {
        let bytes = &bytes[..bytes.len().min(MAX_VMCOREINFO_BYTES)];
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        for line in text.split('\n') {
            let line = line.trim_end_matches('\r');
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            if k.is_empty() {
                continue;
            }
            if !index.contains_key(k) {
                index.insert(k.to_string(), entries.len());
            }
            entries.push((k.to_string(), v.to_string()));
        }
        VmcoreInfo {
            text,
            entries,
            index,
        }
    }

    /// The raw text (up to the first NUL).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// All `(key, value)` pairs in file order, duplicates included.
    pub fn entries(&self) -> &[(String, String)] {
        &self.entries
    }

    /// True when no key was found.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The raw value of `key` (first occurrence).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.index.get(key).map(|&i| self.entries[i].1.as_str())
    }

    /// True when `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// `SYMBOL(name)`: a runtime (already relocated) address in hex.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.get(&format!("SYMBOL({name})")).and_then(parse_hex)
    }

    /// `SIZE(name)` in bytes (decimal).
    pub fn size(&self, name: &str) -> Option<u64> {
        self.get(&format!("SIZE({name})"))
            .and_then(|v| v.trim().parse().ok())
    }

    /// `OFFSET(struct.field)` in bytes (decimal).
    pub fn offset(&self, name: &str) -> Option<u64> {
        self.get(&format!("OFFSET({name})"))
            .and_then(|v| v.trim().parse().ok())
    }

    /// `LENGTH(name)` (decimal).
    pub fn length(&self, name: &str) -> Option<u64> {
        self.get(&format!("LENGTH({name})"))
            .and_then(|v| v.trim().parse().ok())
    }

    /// `NUMBER(name)`: signed decimal or `0x` hex.
    pub fn number(&self, name: &str) -> Option<i64> {
        self.get(&format!("NUMBER({name})")).and_then(parse_number)
    }

    /// `OSRELEASE`, the kernel release (`uname -r`).
    pub fn osrelease(&self) -> Option<&str> {
        self.get("OSRELEASE")
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// `BUILD-ID`, the GNU build id of vmlinux in hex (5.9+).
    pub fn build_id(&self) -> Option<&str> {
        self.get("BUILD-ID")
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// `PAGESIZE` in bytes.
    pub fn page_size(&self) -> Option<u64> {
        self.get("PAGESIZE").and_then(|v| v.trim().parse().ok())
    }

    /// `CRASHTIME`: seconds since the epoch at the crash (kdump path only).
    pub fn crash_time(&self) -> Option<i64> {
        self.get("CRASHTIME").and_then(|v| v.trim().parse().ok())
    }

    /// `KERNELOFFSET`: the KASLR slide in hex.
    pub fn kernel_offset(&self) -> Option<u64> {
        self.get("KERNELOFFSET").and_then(parse_hex)
    }
}
