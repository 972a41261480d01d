//! Hexadecimal numbers as the kernel prints them.

/// Parses a hexadecimal number with or without a `0x`/`0X` prefix (surrounding blanks ignored).
pub fn parse_hex(s: &str) -> Option<u64> {
    let t = s.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // Leading zeros beyond 16 digits are fine (`0000000096000046` style padding).
    let digits = t.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    if digits.len() > 16 {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}
