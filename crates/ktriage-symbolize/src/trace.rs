//! A log line rewritten the way `scripts/decode_stacktrace.sh` prints it, so the output drops
//! into people's habits and scripts: whitespace-separated words, `[<address>]` words dropped,
//! a split `[ 12.345]` stamp rejoined, and the last word `func+0x1c/0x80` replaced by
//! `func (file:line inlined-file:line ...)` (innermost first). Unlike the script, a call
//! trace frame is looked up at its return address minus one, so the line is the call's, not
//! the one after it; the trapping PC (`RIP:`, `pc :`, `PC is at`, `EIP:`, `NIP:`, `epc :`)
//! and `func+0x0` are exact.

use crate::{Binary, Lookup, SourceLine, Symbols};

/// Whether `word` is `[<hex>]`, a raw address the script drops.
fn is_address_word(word: &str) -> bool {
    word.starts_with("[<") && word.ends_with(">]")
}

/// `[segment:]name+0xoff/0xlen` split (the `(...)` of `%pS` stripped): the segment with its
/// colon (`0010:` of `RIP: 0010:func+0x1c/0x80`), the name, the offset and the length.
fn split_symbol(word: &str) -> Option<(&str, &str, u64, u64)> {
    let w = word.trim_start_matches('(').trim_end_matches(')');
    let (segment, w) = match w.find(':') {
        Some(c) if w.find('+').is_some_and(|p| c < p) => (&w[..=c], &w[c + 1..]),
        _ => ("", w),
    };
    let (name, rest) = w.rsplit_once('+')?;
    let (off, len) = rest.split_once('/')?;
    let hex = |s: &str| u64::from_str_radix(s.strip_prefix("0x")?, 16).ok();
    if name.is_empty() {
        return None;
    }
    Some((segment, name, hex(off)?, hex(len)?))
}

/// Whether the line prints the trapping instruction's address rather than a return address.
fn is_trapping_pc(line: &str) -> bool {
    ["RIP:", "pc :", "PC is at", "EIP:", "NIP:", "epc :", "IP:"]
        .iter()
        .any(|m| line.contains(m))
}

/// The `addr2line -i`-style locations, paths without `basepath/`, joined by blanks.
pub fn code_text(lines: &[SourceLine], basepath: Option<&str>) -> String {
    lines
        .iter()
        .map(|l| {
            let file = l.file.as_deref().unwrap_or("??");
            let file = basepath
                .and_then(|b| file.strip_prefix(b))
                .map_or(file, |f| f.trim_start_matches('/'));
            if l.line == 0 {
                format!("{file}:?")
            } else {
                format!("{file}:{}", l.line)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The source directory the binary was built in, as the script finds it: the directory
/// `init/main.c` (where `kernel_init` lives) sits in.
pub fn basepath(bin: &Binary) -> Option<String> {
    let r = bin.resolve("kernel_init", 0, None)?;
    let loc = bin.locate(r.address, Lookup::Exact);
    let file = loc.last()?.file.as_deref()?;
    file.strip_suffix("/init/main.c").map(str::to_string)
}

/// One log line, symbolized against the kernel image alone (see [`symbolize_line_with`]).
pub fn symbolize_line(bin: &Binary, line: &str, basepath: Option<&str>) -> Option<String> {
    symbolize(
        &mut |m, name, off, len, how| {
            if m.is_some() {
                return None;
            }
            let resolved = bin.resolve(name, off, len)?;
            Some(crate::Located {
                lines: bin.locate(resolved.address, how),
                resolved,
            })
        },
        line,
        basepath,
    )
}

/// One log line, symbolized with the kernel image and the modules it names (`None`: the line
/// has no address to decode and stays as is).
pub fn symbolize_line_with(
    syms: &mut Symbols,
    line: &str,
    basepath: Option<&str>,
) -> Option<String> {
    symbolize(
        &mut |m, name, off, len, how| syms.lookup(m, name, off, len, how),
        line,
        basepath,
    )
}

/// A frame's lookup: (module, function, offset, length, how).
type LookupFn<'a> =
    dyn FnMut(Option<&str>, &str, u64, Option<u64>, Lookup) -> Option<crate::Located> + 'a;

fn symbolize(lookup: &mut LookupFn<'_>, line: &str, basepath: Option<&str>) -> Option<String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let has_address = line.split_whitespace().any(is_address_word)
        || line.split_whitespace().any(|w| split_symbol(w).is_some());
    if !has_address {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    let mut it = line.split_whitespace().peekable();
    while let Some(w) = it.next() {
        if is_address_word(w) {
            continue;
        }
        if w == "[" && it.peek().is_some_and(|n| n.ends_with(']')) {
            let n = it.next().unwrap_or_default();
            words.push(format!("[{n:>13}"));
            continue;
        }
        words.push(w.to_string());
    }
    // `[module buildid]`: the build id word goes with the module.
    if words.len() >= 2 {
        let last = &words[words.len() - 1];
        if last.ends_with(']')
            && last[..last.len() - 1]
                .bytes()
                .all(|c| c.is_ascii_hexdigit())
        {
            let id = words.pop().unwrap_or_default();
            if let Some(prev) = words.last_mut() {
                prev.push(' ');
                prev.push_str(&id);
            }
        }
    }
    let module = match words.last() {
        Some(w) if w.starts_with('[') && w.trim_end_matches(')').ends_with(']') => words.pop(),
        _ => None,
    };
    let symbol = words.pop()?;
    // `[lkdtm]` or `[lkdtm 3835fd16...]` (the module's build id after a blank).
    let module_name = module.as_deref().map(|m| {
        let m = m
            .trim_end_matches(')')
            .trim_start_matches('[')
            .trim_end_matches(']');
        m.split(' ').next().unwrap_or(m).to_string()
    });
    let base = if module_name.is_some() {
        None
    } else {
        basepath
    };
    let rewritten = match split_symbol(&symbol) {
        None => symbol.clone(),
        Some((segment, name, off, len)) => {
            let how = if off == 0 || is_trapping_pc(line) {
                Lookup::Exact
            } else {
                Lookup::Return
            };
            match lookup(module_name.as_deref(), name, off, Some(len), how) {
                // Not located (no binary for it, another build, no line): left as printed.
                Some(l) if l.resolved.size_matches && l.lines.iter().any(|s| s.file.is_some()) => {
                    format!("{segment}{name} ({})", code_text(&l.lines, base))
                }
                _ => symbol.clone(),
            }
        }
    };
    let mut out = words.join(" ");
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(&rewritten);
    out.push(' ');
    if let Some(m) = module {
        out.push_str(&m);
    }
    Some(out)
}

/// Whether the line's frame names a function of the kernel image whose printed length is not
/// its length there (the log came from another build).
pub fn size_mismatch(syms: &mut Symbols, line: &str) -> bool {
    let module = line
        .split_whitespace()
        .last()
        .is_some_and(|w| w.ends_with(']') && w.starts_with('['));
    !module
        && line
            .split_whitespace()
            .rev()
            .find_map(split_symbol)
            .and_then(|(_, name, off, len)| syms.lookup(None, name, off, Some(len), Lookup::Return))
            .is_some_and(|l| !l.resolved.size_matches)
}
