//! The quiet-line scan: which lines of a block can be passed over without framing.
//!
//! Most of a console capture is ordinary kernel chatter. A *quiet* line is one whose whole
//! effect on the analysis is known without building its record: a plain printk line
//! (`[  12.345678] text`, no caller id, no syslog or journal prefix, nothing to clean, no
//! second record joined onto it) whose text no needle of the pattern tables can match (the
//! same gate [`crate::patterns::scan_record`] runs first), that is no boot banner or replay
//! notice, and whose timestamp does not go back to a new boot after the quiet line before it.
//! Such a line only advances the boot tracker (its uptime, one more record); when nothing
//! is open around it the analyzer skips the run of quiet lines up to the next line that needs
//! framing ([`crate::analyze`]).
//!
//! [`scan_block`] marks the lines of a block that are *not* quiet; it has no state across
//! blocks, so the halves of a large block are scanned on two cores.

use crate::boot::timestamp_resets;
use crate::frame::{find_embedded_timestamp, needs_cleaning, trim_end};
use crate::input::cut_line;
use crate::patterns::{BOOT_BANNERS, REPLAY_NOTICE, STRIDE, VOCAB};

/// A plain printk prefix `[ *D{1,10}.D{1,9}] ` (no caller id, vendor stamp or second record
/// after it, no `host kernel:` of `journalctl -o short-monotonic`): the uptime and where the
/// text starts. Its text's first byte other than a blank or tab is printable ASCII. The
/// framer's prefix parser gives the same on every such line (tested on every fixture line),
/// and nothing else of it applies: the line starts with `[`.
#[inline]
pub fn plain_printk_prefix(b: &[u8]) -> Option<(f64, usize)> {
    let (uptime, k) = printk_stamp(b)?;
    let text = &b[k + 2..];
    // A caller id (`[T12]`, `[0:  swapper/0:    1]`) or a second stamp after one or two blanks.
    let first = *text.first()?;
    if first == b'[' || (first == b' ' && text.get(1) == Some(&b'[')) {
        return None;
    }
    let visible = text.iter().position(|&c| c != b' ' && c != b'\t')?;
    if !(0x21..=0x7e).contains(&text[visible]) {
        return None;
    }
    // `[  12.3] host kernel: text` is `journalctl -o short-monotonic`: the framer's. Its
    // host token starts after at most two more blanks.
    let blanks = text.iter().take(2).take_while(|&&c| c == b' ').count();
    let host = &text[blanks..];
    let is_kernel_ident =
        |t: &[u8]| t.starts_with(b"kernel") && matches!(t.get(6), Some(b':' | b'['));
    // The host token ends at its first whitespace; only a blank can be followed by an ident,
    // so looking after the first blank is enough (or more than enough).
    if is_kernel_ident(host) || first_blank(host).is_some_and(|e| is_kernel_ident(&host[e + 1..])) {
        return None;
    }
    Some((uptime, k + 2))
}

/// `[ *D{1,10}.D{1,9}]` followed by a blank: the uptime and the offset of the `]`. The
/// common `[%5lu.%06lu] ` is read at fixed places.
#[inline]
fn printk_stamp(b: &[u8]) -> Option<(f64, usize)> {
    if let Some(f) = b.get(..15) {
        if f[0] == b'[' && f[6] == b'.' && f[13] == b']' && f[14] == b' ' {
            let mut int = 0u64;
            let mut digits = 0;
            let mut ok = true;
            for &c in &f[1..6] {
                if c.is_ascii_digit() {
                    int = int * 10 + u64::from(c - b'0');
                    digits += 1;
                } else {
                    // Only leading blanks.
                    ok &= c == b' ' && digits == 0;
                }
            }
            let mut frac = 0u64;
            for &c in &f[7..13] {
                ok &= c.is_ascii_digit();
                frac = frac * 10 + u64::from(c.wrapping_sub(b'0'));
            }
            if ok && digits > 0 {
                return Some((int as f64 + frac as f64 / 1e6, 13));
            }
        }
    }
    if b.first() != Some(&b'[') {
        return None;
    }
    let mut k = 1;
    while b.get(k) == Some(&b' ') {
        k += 1;
    }
    let int_start = k;
    let mut int = 0u64;
    // Wrapping: a run of more digits than a stamp has is rejected below.
    while let Some(d) = b.get(k).filter(|d| d.is_ascii_digit()) {
        int = int.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        k += 1;
    }
    if k == int_start || k - int_start > 10 || b.get(k) != Some(&b'.') {
        return None;
    }
    k += 1;
    let frac_start = k;
    let mut frac = 0u64;
    while let Some(d) = b.get(k).filter(|d| d.is_ascii_digit()) {
        frac = frac.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        k += 1;
    }
    let frac_len = k - frac_start;
    if frac_len == 0 || frac_len > 9 || b.get(k) != Some(&b']') || b.get(k + 1) != Some(&b' ') {
        return None;
    }
    Some((int as f64 + frac as f64 / POW10[frac_len], k))
}

/// The offset of the first blank in `b`.
#[inline]
fn first_blank(b: &[u8]) -> Option<usize> {
    find_byte(b, b' ')
}

/// The offset of the first `byte` in `b`, eight bytes at a time (short texts, where a
/// `memchr` call costs more than it saves).
#[inline]
fn find_byte(b: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut i = 0;
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(w.try_into().unwrap_or_default()) ^ (ONES * u64::from(byte));
        // The lowest flagged byte is exactly the first zero byte of x.
        let z = x.wrapping_sub(ONES) & !x & (ONES * 0x80);
        if z != 0 {
            return Some(i + (z.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|&c| c == byte).map(|p| p + i)
}

/// Powers of ten up to 10^9, exact in f64.
const POW10: [f64; 10] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// What a block's bytes are known to be, so that per-line checks can be skipped.
#[derive(Debug, Clone, Copy)]
pub struct BlockFacts {
    /// Every byte is ASCII (so every line is UTF-8).
    pub ascii: bool,
    /// No byte that the framer would clean (escape, backspace, NUL, CR).
    pub clean: bool,
}

impl BlockFacts {
    /// Facts of `data`.
    pub fn of(data: &[u8]) -> BlockFacts {
        BlockFacts {
            ascii: data.is_ascii(),
            clean: memchr::memchr3(0x1b, 0x08, 0, data).is_none()
                && memchr::memchr(b'\r', data).is_none(),
        }
    }
}

/// The uptime of `raw` (one physical line, without terminator) and where its text starts
/// and ends, when it has the quiet form: everything but the anywhere probes of the gate and
/// the timestamp check against the line before it.
#[inline]
fn quiet_form(raw: &[u8], facts: BlockFacts) -> Option<(f64, usize, usize)> {
    let (raw, cut) = cut_line(raw);
    if cut || (!facts.clean && needs_cleaning(raw)) {
        return None;
    }
    let line = trim_end(raw);
    let (uptime, start) = plain_printk_prefix(line)?;
    let text = &line[start..];
    if !facts.ascii && std::str::from_utf8(text).is_err() {
        return None;
    }
    // The text from its first visible byte (printable ASCII), as the boot tracker, the
    // segmenter and the gate see it.
    let t = &text[text.iter().position(|&c| c != b' ' && c != b'\t')?..];
    if (find_byte(&line[1..], b'[').is_some() && find_embedded_timestamp(line, 1).is_some())
        || BOOT_BANNERS.iter().any(|b| t.starts_with(b.as_bytes()))
        || t.starts_with(REPLAY_NOTICE.as_bytes())
        || VOCAB.gate.starts_with_needle(t)
    {
        return None;
    }
    Some((uptime, start, line.len()))
}

/// The uptime of `raw` (one physical line, without terminator) when it is quiet on its own
/// (everything but the timestamp check against the line before it).
#[inline]
pub fn quiet_uptime(raw: &[u8], facts: BlockFacts) -> Option<f64> {
    let (uptime, start, end) = quiet_form(raw, facts)?;
    let text = &raw[start..end];
    (!(VOCAB.gate.may_match(text) && VOCAB.ac.is_match(text))).then_some(uptime)
}

/// The lines of a block that are not quiet.
#[derive(Debug, Default)]
pub struct Scan {
    /// (line index in the block, byte offset) of each line that is not quiet, in order.
    pub loud: Vec<(u32, u32)>,
    /// Lines in the block.
    pub lines: u32,
}

impl Scan {
    /// Every line of `data` marked not quiet.
    pub fn every_line_loud(data: &[u8], term: u8) -> Scan {
        let mut scan = Scan::default();
        let mut pos = 0usize;
        for end in memchr::memchr_iter(term, data).chain(std::iter::once(data.len())) {
            if pos >= data.len() {
                break;
            }
            scan.loud.push((scan.lines, pos as u32));
            scan.lines += 1;
            pos = end + 1;
        }
        scan
    }
}

/// Scans `data` (whole lines ended by `term`, at most 4 GiB) for the lines that are not
/// quiet: the gate's anywhere probes over the whole block first, then each line's form. A
/// quiet line whose timestamp goes back to a new boot after the quiet line before it is not
/// quiet; the first line's check against what came before is the caller's.
pub fn scan_block(data: &[u8], term: u8, facts: BlockFacts) -> Scan {
    let mut hits = Vec::new();
    VOCAB.gate.block_hits(data, &mut hits);
    let mut hit = 0usize;
    let mut scan = Scan::default();
    let mut prev: Option<f64> = None;
    let mut pos = 0usize;
    let mut index = 0u32;
    let mut ends = memchr::memchr_iter(term, data);
    while pos < data.len() {
        let end = ends.next().unwrap_or(data.len());
        let uptime = quiet_form(&data[pos..end], facts).and_then(|(u, start, stop)| {
            // A probe window (probes at w, w + STRIDE) that reaches into the text.
            let (lo, hi) = (pos + start, pos + stop);
            while hits.get(hit).is_some_and(|&w| (w as usize) + STRIDE < lo) {
                hit += 1;
            }
            let gated = hits.get(hit).is_some_and(|&w| (w as usize) < hi)
                && VOCAB.ac.is_match(&data[lo..hi]);
            (!gated && !prev.is_some_and(|p| timestamp_resets(p, u))).then_some(u)
        });
        if uptime.is_none() {
            scan.loud.push((index, pos as u32));
        }
        prev = uptime;
        index += 1;
        pos = end + 1;
    }
    scan.lines = index;
    scan
}

/// [`scan_block`] on two cores: the block is split at a line boundary near its middle and
/// the halves scanned in parallel (the second half's first line is checked against the last
/// line of the first afterwards).
pub fn scan_block_parallel(data: &[u8], term: u8, facts: BlockFacts) -> Scan {
    let mid = data.len() / 2;
    let Some(cut) = memchr::memchr(term, &data[mid..]).map(|i| mid + i + 1) else {
        return scan_block(data, term, facts);
    };
    if cut >= data.len() {
        return scan_block(data, term, facts);
    }
    let (a, b) = rayon::join(
        || scan_block(&data[..cut], term, facts),
        || scan_block(&data[cut..], term, facts),
    );
    let mut scan = a;
    // The first line of the second half against the last line of the first.
    let first_b_loud = b.loud.first().is_some_and(|&(i, _)| i == 0);
    let last_a_quiet = scan.loud.last().is_none_or(|&(i, _)| i + 1 < scan.lines);
    if !first_b_loud && last_a_quiet {
        let last_a = last_line(&data[..cut], term);
        let first_b = data[cut..].split(|&c| c == term).next().unwrap_or_default();
        let resets = match (quiet_uptime(last_a, facts), quiet_uptime(first_b, facts)) {
            (Some(p), Some(u)) => timestamp_resets(p, u),
            _ => false,
        };
        if resets {
            scan.loud.push((scan.lines, cut as u32));
        }
    }
    for &(i, off) in &b.loud {
        scan.loud.push((scan.lines + i, cut as u32 + off));
    }
    scan.lines += b.lines;
    scan
}

/// The last line of `data` (which ends with `term`).
pub fn last_line(data: &[u8], term: u8) -> &[u8] {
    let body = data.strip_suffix(&[term]).unwrap_or(data);
    let start = memchr::memrchr(term, body).map_or(0, |i| i + 1);
    &body[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{style, Framer, Record};

    /// Every line of the real fixtures that the quick prefix accepts frames to a record with
    /// that uptime and text, a kernel timestamp and nothing else.
    #[test]
    fn plain_prefix_agrees_with_the_framer_on_every_fixture_line() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut files = Vec::new();
        for dir in [
            "ktriage/tests/fixtures",
            "ktriage-syz/tests/fixtures/syzkaller",
        ] {
            for e in walkdir::WalkDir::new(format!("{root}/{dir}")) {
                let e = e.expect("fixture dir");
                if e.file_type().is_file() {
                    files.push(e.into_path());
                }
            }
        }
        let (mut checked, mut accepted) = (0usize, 0usize);
        for f in files {
            let data = std::fs::read(&f).expect("fixture");
            for raw in data.split(|&c| c == b'\n') {
                checked += 1;
                let line = trim_end(raw);
                let Some((uptime, start)) = plain_printk_prefix(line) else {
                    continue;
                };
                if needs_cleaning(raw) || find_embedded_timestamp(line, 1).is_some() {
                    continue;
                }
                accepted += 1;
                let mut framer = Framer::new();
                let mut recs: Vec<Record> = Vec::new();
                framer.push_line(1, raw, &mut |r| recs.push(r.clone()));
                framer.finish(&mut |r| recs.push(r.clone()));
                assert_eq!(
                    recs.len(),
                    1,
                    "{}: {:?}",
                    f.display(),
                    String::from_utf8_lossy(raw)
                );
                let r = &recs[0];
                let text = String::from_utf8_lossy(&line[start..]);
                assert_eq!(r.uptime, Some(uptime), "{:?}", r.text);
                assert_eq!(r.text, text, "{}", f.display());
                assert_eq!(r.styles, style::KERNEL_TIMESTAMP, "{:?}", r.text);
                assert!(r.caller.is_none() && r.wall.is_none() && r.ident.is_empty());
            }
        }
        assert!(
            checked > 100_000 && accepted > 20_000,
            "{checked} {accepted}"
        );
    }

    /// A quiet line is one the pattern tables find nothing on; a line with a needle never is.
    #[test]
    fn lines_with_a_needle_are_never_quiet() {
        let facts = BlockFacts {
            ascii: true,
            clean: true,
        };
        for (needle, must_start) in crate::patterns::tests_vocabulary() {
            // (Records lose trailing blanks, so a needle ending in one is followed by text.)
            let line = format!("[   12.345678] {needle}x");
            if plain_printk_prefix(line.as_bytes()).is_some() {
                assert!(quiet_uptime(line.as_bytes(), facts).is_none(), "{line}");
            }
            if !must_start {
                let line = format!("[   12.345678] x: {needle} y");
                assert!(quiet_uptime(line.as_bytes(), facts).is_none(), "{line}");
                // And in a block, wherever the line starts.
                for pad in 0..7 {
                    let block = format!(
                        "{}\n{line}\n",
                        "[    1.000000] ok".to_string() + &"z".repeat(pad)
                    );
                    let s = scan_block(block.as_bytes(), b'\n', BlockFacts::of(block.as_bytes()));
                    assert_eq!(s.loud.last().map(|l| l.0), Some(1), "{block:?}");
                }
            }
        }
        assert_eq!(
            quiet_uptime(b"[   12.345678] pci 0000:00:01.0: BAR 0 assigned", facts),
            Some(12.345678)
        );
    }

    /// The two-core scan marks the same lines as the one-core scan, wherever the cut falls.
    #[test]
    fn parallel_scan_equals_serial_scan() {
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ktriage/tests/fixtures/lab/PANIC-kexec-amd64.log"
        ))
        .expect("fixture");
        for len in [data.len(), data.len() / 3, 4000, 100] {
            let mut block = data[..len].to_vec();
            if block.last() != Some(&b'\n') {
                block.push(b'\n');
            }
            let facts = BlockFacts::of(&block);
            let one = scan_block(&block, b'\n', facts);
            let two = scan_block_parallel(&block, b'\n', facts);
            assert_eq!(one.loud, two.loud, "{len}");
            assert_eq!(one.lines, two.lines);
        }
    }
}
