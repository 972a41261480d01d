//! Lazy compilation of the table patterns (spec §1).
//!
//! Patterns are Go RE2 text. They are turned into Rust `regex::bytes` patterns with Unicode off:
//! macros are expanded, `\<`/`\>` become literal `<`/`>`, and `\s` becomes Go's ASCII class.
//! Each distinct pattern (or pattern list) is compiled once per process, on first use.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::bytes::Regex;

use crate::tables::MACROS;

/// Expands `{{NAME}}` macros (recursively) and rewrites Go-only escapes for Rust's regex crate.
pub(crate) fn translate(pat: &str) -> String {
    let mut s = pat.to_string();
    // Macros may nest (RIPFRAME uses PC and FUNC); a few rounds are enough.
    for _ in 0..4 {
        if !s.contains("{{") {
            break;
        }
        for (name, exp) in MACROS {
            let key = format!("{{{{{name}}}}}");
            if s.contains(&key) {
                s = s.replace(&key, exp);
            }
        }
    }
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str("(?-u)");
    let mut chars = s.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('<') => out.push('<'),
                Some('>') => out.push('>'),
                Some('s') if !in_class => out.push_str(r"[\t\n\f\r ]"),
                Some('s') => out.push_str(r"\t\n\f\r "),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str(r"\\"),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is literal.
                let rest = chars.as_str();
                if let Some(r) = rest.strip_prefix("^]") {
                    out.push_str("^]");
                    chars = r.chars();
                } else if let Some(r) = rest.strip_prefix(']') {
                    out.push(']');
                    chars = r.chars();
                }
            }
            '[' if in_class && chars.as_str().starts_with(':') => {
                // POSIX class such as [[:xdigit:]] inside a bracket expression.
                let rest = chars.as_str();
                if let Some(end) = rest.find(":]") {
                    out.push('[');
                    out.push_str(&rest[..end + 2]);
                    chars = rest[end + 2..].chars();
                } else {
                    out.push(c);
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Compiles an already translated pattern; the tables are tested to compile.
fn build(translated: &str) -> &'static Regex {
    match Regex::new(translated) {
        Ok(re) => Box::leak(Box::new(re)),
        // Unreachable with the shipped tables: a unit test compiles every one of them.
        Err(e) => panic!("bad table regex {translated:?}: {e}"),
    }
}

type Key = (usize, usize);

fn cache() -> &'static Mutex<HashMap<(u8, Key), &'static Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<(u8, Key), &'static Regex>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(kind: u8, key: Key, make: impl FnOnce() -> String) -> &'static Regex {
    let mut map = match cache().lock() {
        Ok(m) => m,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(re) = map.get(&(kind, key)) {
        return re;
    }
    let re = build(&make());
    map.insert((kind, key), re);
    re
}

/// The compiled regex for one table pattern.
pub(crate) fn re(pat: &'static str) -> &'static Regex {
    cached(0, (pat.as_ptr() as usize, pat.len()), || translate(pat))
}

/// Joins patterns into one alternation (each alternative in its own group, so inline flags
/// such as `(?i)` stay local).
pub(crate) fn join(pats: &[&str]) -> String {
    let mut s = String::new();
    for (i, p) in pats.iter().enumerate() {
        if i > 0 {
            s.push('|');
        }
        s.push_str("(?:");
        s.push_str(p);
        s.push(')');
    }
    s
}

/// One regex matching any pattern of a static list (`None` for an empty list).
pub(crate) fn any(pats: &'static [&'static str]) -> Option<&'static Regex> {
    if pats.is_empty() {
        return None;
    }
    Some(cached(1, (pats.as_ptr() as usize, pats.len()), || {
        translate(&join(pats))
    }))
}

/// The skip regex of a stack spec: the default skip list plus the spec's own patterns.
pub(crate) fn skip(extra: &'static [&'static str]) -> &'static Regex {
    cached(2, (extra.as_ptr() as usize, extra.len()), || {
        let mut all: Vec<&str> = crate::tables::DEFAULT_SKIP.to_vec();
        all.extend_from_slice(extra);
        translate(&join(&all))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_escapes_are_rewritten() {
        let pc = re("{{PC}}");
        assert!(pc.is_match(b"[<ffffffff81234567>]"));
        assert!(pc.is_match(b"[ffffffff81234567]"));
        assert!(!pc.is_match(b"[<zz>]"));
        let sp = Regex::new(&translate(r"a\sb")).unwrap();
        assert!(sp.is_match(b"a\tb"));
        assert!(!sp.is_match(b"a\x0bb"));
    }

    #[test]
    fn dot_matches_invalid_utf8() {
        let r = Regex::new(&translate("a.b[^x]c")).unwrap();
        assert!(r.is_match(b"a\xffb\xfec"));
        assert!(!r.is_match(b"a\nb c"));
    }
}
