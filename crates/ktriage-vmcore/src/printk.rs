//! Kernel log extraction for the three printk layouts.

use crate::error::{Error, Result};
use crate::source::{c_str, le_u16, le_u32, le_u64};
use crate::vmcoreinfo::VmcoreInfo;
use crate::Vmcore;

/// Which printk buffer layout the kernel used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLayout {
    /// Lockless `printk_ringbuffer` (5.10+).
    Lockless,
    /// Structured `log_buf` of `struct printk_log` records (3.5 - 5.9).
    Structured,
    /// Plain character buffer (before 3.5).
    Plain,
}

impl std::fmt::Display for LogLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LogLayout::Lockless => "lockless printk_ringbuffer (5.10+)",
            LogLayout::Structured => "structured log_buf (3.5-5.9)",
            LogLayout::Plain => "plain log_buf (< 3.5)",
        })
    }
}

/// One kernel log record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Sequence number (lockless ring only).
    pub seq: Option<u64>,
    /// Timestamp in nanoseconds since boot.
    pub ts_nsec: u64,
    /// Log level (0 = emerg .. 7 = debug).
    pub level: u8,
    /// Syslog facility (0 = kernel).
    pub facility: u8,
    /// printk flags (LOG_NEWLINE = 2, LOG_CONT = 8, ...).
    pub flags: u8,
    /// Caller: task id, or CPU number with bit 31 set.
    pub caller_id: Option<u32>,
    /// Message text, without a trailing newline.
    pub text: Vec<u8>,
    /// Dictionary (`KEY=VALUE` entries separated by NUL): `SUBSYSTEM=`/`DEVICE=` and friends.
    pub dict: Vec<u8>,
    /// True when the record has no data block (empty line, or text lost).
    pub dataless: bool,
}

impl Record {
    /// The caller formatted as the kernel does: `T<pid>` or `C<cpu>`.
    pub fn caller(&self) -> Option<String> {
        self.caller_id.map(format_caller)
    }
}

/// Formats a caller id as `T<pid>` or `C<cpu>`.
pub(crate) fn format_caller(id: u32) -> String {
    if id & 0x8000_0000 != 0 {
        format!("C{}", id & 0x7fff_ffff)
    } else {
        format!("T{id}")
    }
}

/// The extracted kernel log.
#[derive(Debug, Clone)]
pub struct Dmesg {
    /// Layout found in the dump.
    pub layout: LogLayout,
    /// Records, oldest first.
    pub records: Vec<Record>,
    /// Problems found while reading (lost pages, dropped or damaged records).
    pub warnings: Vec<String>,
    /// The raw buffer for the plain (< 3.5) layout, which tools print verbatim.
    pub raw: Option<Vec<u8>>,
    /// True when the layout records a caller id (makedumpfile then prints it).
    pub has_caller_id: bool,
    /// Structured layout: index of the record that followed the wrap marker, and the
    /// marker's timestamp (vmcore-dmesg prints the marker as an empty record).
    pub(crate) wrap_marker: Option<(usize, u64)>,
}

/// Hard limits against absurd VMCOREINFO values.
const MAX_TEXT_RING: u64 = 1 << 30;
const MAX_COUNT_BITS: u32 = 26;
const MAX_STRUCT_SIZE: u64 = 4096;

fn key<T>(v: Option<T>, name: &str) -> Result<T> {
    v.ok_or_else(|| Error::MissingKey(name.to_string()))
}

fn small(v: Option<u64>, name: &str) -> Result<usize> {
    match v {
        Some(x) if x <= MAX_STRUCT_SIZE => Ok(x as usize),
        Some(x) => Err(Error::Corrupt(format!("{name} = {x} is implausible"))),
        None => Err(Error::MissingKey(name.to_string())),
    }
}

/// Allocation budget for log buffers: generous, but tied to the dump's size.
fn budget(core: &Vmcore) -> u64 {
    (64u64 << 20)
        .saturating_add(core.file_size().saturating_mul(32))
        .min(1536 << 20)
}

/// Extracts the kernel log, choosing the layout from the VMCOREINFO keys present.
pub(crate) fn extract(core: &Vmcore) -> Result<Dmesg> {
    let vi = core.vmcoreinfo();
    if !core.has_vmcoreinfo() {
        return Err(Error::NoVmcoreinfo);
    }
    if vi.has("SYMBOL(prb)") {
        lockless(core, vi)
    } else if vi.has("SYMBOL(log_first_idx)") {
        structured(core, vi)
    } else if vi.has("SYMBOL(log_end)") {
        plain(core, vi)
    } else {
        Err(Error::NoLog(
            "VMCOREINFO has none of SYMBOL(prb), SYMBOL(log_first_idx), SYMBOL(log_end)".into(),
        ))
    }
}

fn lockless(core: &Vmcore, vi: &VmcoreInfo) -> Result<Dmesg> {
    let mut warnings = Vec::new();
    let prb_sym = key(vi.symbol("prb"), "SYMBOL(prb)")?;
    let rb = core.read_virt_u64(prb_sym)?;
    let rb_size = small(vi.size("printk_ringbuffer"), "SIZE(printk_ringbuffer)")?;
    let o_desc_ring = small(
        vi.offset("printk_ringbuffer.desc_ring"),
        "OFFSET(printk_ringbuffer.desc_ring)",
    )?;
    let o_text_ring = small(
        vi.offset("printk_ringbuffer.text_data_ring"),
        "OFFSET(printk_ringbuffer.text_data_ring)",
    )?;
    let o_count_bits = small(
        vi.offset("prb_desc_ring.count_bits"),
        "OFFSET(prb_desc_ring.count_bits)",
    )?;
    let o_descs = small(
        vi.offset("prb_desc_ring.descs"),
        "OFFSET(prb_desc_ring.descs)",
    )?;
    let o_infos = small(
        vi.offset("prb_desc_ring.infos"),
        "OFFSET(prb_desc_ring.infos) (5.10-rc dict-ring layouts are not supported)",
    )?;
    let o_head = small(
        vi.offset("prb_desc_ring.head_id"),
        "OFFSET(prb_desc_ring.head_id)",
    )?;
    let o_tail = small(
        vi.offset("prb_desc_ring.tail_id"),
        "OFFSET(prb_desc_ring.tail_id)",
    )?;
    let o_counter = small(
        vi.offset("atomic_long_t.counter").or(Some(0)),
        "OFFSET(atomic_long_t.counter)",
    )?;
    let sz_desc = small(vi.size("prb_desc"), "SIZE(prb_desc)")?;
    let o_state = small(
        vi.offset("prb_desc.state_var"),
        "OFFSET(prb_desc.state_var)",
    )?;
    let o_lpos = small(
        vi.offset("prb_desc.text_blk_lpos"),
        "OFFSET(prb_desc.text_blk_lpos)",
    )?;
    let o_begin = small(
        vi.offset("prb_data_blk_lpos.begin"),
        "OFFSET(prb_data_blk_lpos.begin)",
    )?;
    let o_next = small(
        vi.offset("prb_data_blk_lpos.next"),
        "OFFSET(prb_data_blk_lpos.next)",
    )?;
    let sz_info = small(vi.size("printk_info"), "SIZE(printk_info)")?;
    let o_seq = small(vi.offset("printk_info.seq"), "OFFSET(printk_info.seq)")?;
    let o_ts = small(
        vi.offset("printk_info.ts_nsec"),
        "OFFSET(printk_info.ts_nsec)",
    )?;
    let o_text_len = small(
        vi.offset("printk_info.text_len"),
        "OFFSET(printk_info.text_len)",
    )?;
    let o_caller = vi
        .offset("printk_info.caller_id")
        .filter(|&o| o <= MAX_STRUCT_SIZE);
    let o_dev_info = vi
        .offset("printk_info.dev_info")
        .filter(|&o| o <= MAX_STRUCT_SIZE);
    let o_subsys = vi.offset("dev_printk_info.subsystem").unwrap_or(0) as usize;
    let o_device = vi.offset("dev_printk_info.device").unwrap_or(16) as usize;
    let len_subsys = vi.length("printk_info_subsystem").unwrap_or(16).min(256) as usize;
    let len_device = vi.length("printk_info_device").unwrap_or(48).min(256) as usize;
    let o_size_bits = small(
        vi.offset("prb_data_ring.size_bits"),
        "OFFSET(prb_data_ring.size_bits)",
    )?;
    let o_data = small(
        vi.offset("prb_data_ring.data"),
        "OFFSET(prb_data_ring.data)",
    )?;

    let mut rbuf = vec![0u8; rb_size.max(o_desc_ring + 48).max(o_text_ring + 32)];
    let ex = core.read_virtual(rb, &mut rbuf[..rb_size])?;
    if ex > 0 {
        warnings.push("the printk_ringbuffer structure was filtered out of the dump".into());
    }
    let dr = &rbuf[o_desc_ring..];
    let count_bits = le_u32(dr, o_count_bits);
    if count_bits > MAX_COUNT_BITS {
        return Err(Error::Corrupt(format!(
            "prb desc_ring count_bits = {count_bits}"
        )));
    }
    let count = 1u64 << count_bits;
    let descs_va = le_u64(dr, o_descs);
    let infos_va = le_u64(dr, o_infos);
    let head = le_u64(dr, o_head + o_counter);
    let tail = le_u64(dr, o_tail + o_counter);
    let tr = &rbuf[o_text_ring..];
    let size_bits = le_u32(tr, o_size_bits);
    if size_bits > 30 || (1u64 << size_bits) > MAX_TEXT_RING {
        return Err(Error::Corrupt(format!(
            "prb text_data_ring size_bits = {size_bits}"
        )));
    }
    let text_size = 1u64 << size_bits;
    let data_va = le_u64(tr, o_data);
    let need = text_size + count * (sz_desc as u64 + sz_info as u64);
    if need > budget(core) {
        return Err(Error::Corrupt(format!(
            "printk ring of {need} bytes is implausible for a dump of {} bytes",
            core.file_size()
        )));
    }
    let descs = core.read_virt_lossy(
        descs_va,
        (count as usize) * sz_desc,
        "printk descriptor ring",
        &mut warnings,
    );
    let infos = core.read_virt_lossy(
        infos_va,
        (count as usize) * sz_info,
        "printk info array",
        &mut warnings,
    );
    let text = core.read_virt_lossy(
        data_va,
        text_size as usize,
        "printk text ring",
        &mut warnings,
    );

    const ID_MASK: u64 = (1 << 62) - 1;
    let mut records = Vec::new();
    let mut id = tail & ID_MASK;
    let head = head & ID_MASK;
    let mut steps = 0u64;
    let mut id_mismatch = 0u64;
    let mut bad_blocks = 0u64;
    let mut lost_text = 0u64;
    let mut last_seq: Option<u64> = None;
    let mut seq_gaps = 0u64;
    loop {
        if steps >= count {
            warnings.push(format!(
                "printk ring: head id {head} not reached from tail id {tail} within {count} descriptors (corrupt ids?)"
            ));
            break;
        }
        steps += 1;
        let idx = (id & (count - 1)) as usize;
        let d = &descs[idx * sz_desc..(idx + 1) * sz_desc];
        let sv = le_u64(d, o_state + o_counter);
        let state = sv >> 62;
        if (sv & ID_MASK) == id && (state == 1 || state == 2) {
            let begin = le_u64(d, o_lpos + o_begin);
            let next = le_u64(d, o_lpos + o_next);
            let inf = &infos[idx * sz_info..(idx + 1) * sz_info];
            let seq = le_u64(inf, o_seq);
            let ts = le_u64(inf, o_ts);
            let text_len = le_u16(inf, o_text_len) as u64;
            let fl = inf.get(o_text_len + 3).copied().unwrap_or(0);
            let mut rec = Record {
                seq: Some(seq),
                ts_nsec: ts,
                facility: inf.get(o_text_len + 2).copied().unwrap_or(0),
                flags: fl & 0x1f,
                level: fl >> 5,
                caller_id: o_caller.map(|o| le_u32(inf, o as usize)),
                ..Default::default()
            };
            if let Some(o) = o_dev_info {
                let di = &inf[(o as usize).min(inf.len())..];
                let sub = c_str(di.get(o_subsys..o_subsys + len_subsys).unwrap_or(&[]));
                let dev = c_str(di.get(o_device..o_device + len_device).unwrap_or(&[]));
                if !sub.is_empty() {
                    rec.dict
                        .extend_from_slice(format!("SUBSYSTEM={sub}\0").as_bytes());
                }
                if !dev.is_empty() {
                    rec.dict
                        .extend_from_slice(format!("DEVICE={dev}\0").as_bytes());
                }
            }
            if begin & 1 == 1 && next & 1 == 1 {
                rec.dataless = true;
                if begin != 3 || next != 3 {
                    lost_text += 1;
                }
            } else {
                match block_range(begin, next, size_bits) {
                    Some((off, blen)) if blen >= 8 => {
                        let off = off as usize;
                        let blk_id = le_u64(&text, off);
                        if blk_id & ID_MASK != id {
                            id_mismatch += 1;
                        }
                        let n = text_len.min(blen - 8) as usize;
                        rec.text = text[off + 8..off + 8 + n].to_vec();
                    }
                    _ => {
                        bad_blocks += 1;
                    }
                }
            }
            if let Some(prev) = last_seq {
                if seq > prev + 1 {
                    seq_gaps += seq - prev - 1;
                }
            }
            last_seq = Some(seq);
            records.push(rec);
        }
        if id == head {
            break;
        }
        id = (id + 1) & ID_MASK;
    }
    if id_mismatch > 0 {
        warnings.push(format!(
            "{id_mismatch} record(s) whose text block carries another id (overwritten while the dump was taken?)"
        ));
    }
    if bad_blocks > 0 {
        warnings.push(format!(
            "{bad_blocks} record(s) with an invalid text block position were emptied"
        ));
    }
    if lost_text > 0 {
        warnings.push(format!("{lost_text} record(s) lost their text (ring full)"));
    }
    if seq_gaps > 0 {
        warnings.push(format!(
            "{seq_gaps} message(s) missing between records (not finalized or overwritten)"
        ));
    }
    Ok(Dmesg {
        layout: LogLayout::Lockless,
        records,
        warnings,
        raw: None,
        has_caller_id: o_caller.is_some(),
        wrap_marker: None,
    })
}

/// Position and length of a data block in a ring of `1 << bits` bytes, or `None` when
/// the logical positions are inconsistent. A block wraps when its first and last bytes
/// fall in different laps (`next - 1` rule, correct for blocks ending on the boundary).
pub(crate) fn block_range(begin: u64, next: u64, bits: u32) -> Option<(u64, u64)> {
    let size = 1u64 << bits;
    if next <= begin || next - begin > size {
        return None;
    }
    let last = next - 1;
    if begin >> bits == last >> bits {
        Some((begin & (size - 1), next - begin))
    } else if (begin >> bits).wrapping_add(1) == last >> bits {
        Some((0, next & (size - 1)))
    } else {
        None
    }
}

fn structured(core: &Vmcore, vi: &VmcoreInfo) -> Result<Dmesg> {
    let mut warnings = Vec::new();
    let (sname, size) = match vi.size("printk_log") {
        Some(s) => ("printk_log", s),
        None => ("log", key(vi.size("log"), "SIZE(printk_log)")?),
    };
    let hdr = small(Some(size), "SIZE(printk_log)")?;
    let off = |f: &str| {
        small(
            vi.offset(&format!("{sname}.{f}")),
            &format!("OFFSET({sname}.{f})"),
        )
    };
    let o_ts = off("ts_nsec")?;
    let o_len = off("len")?;
    let o_text_len = off("text_len")?;
    let o_dict_len = off("dict_len")?;
    let o_caller = vi
        .offset(&format!("{sname}.caller_id"))
        .filter(|&o| o <= MAX_STRUCT_SIZE)
        .map(|o| o as usize);
    let buf_ptr = core.read_virt_u64(key(vi.symbol("log_buf"), "SYMBOL(log_buf)")?)?;
    let buf_len = core.read_virt_u32(key(vi.symbol("log_buf_len"), "SYMBOL(log_buf_len)")?)? as u64;
    let first =
        core.read_virt_u32(key(vi.symbol("log_first_idx"), "SYMBOL(log_first_idx)")?)? as u64;
    let next = core.read_virt_u32(key(vi.symbol("log_next_idx"), "SYMBOL(log_next_idx)")?)? as u64;
    if buf_len == 0 || buf_len > MAX_TEXT_RING || buf_len > budget(core) {
        return Err(Error::Corrupt(format!("log_buf_len = {buf_len}")));
    }
    let buf = core.read_virt_lossy(buf_ptr, buf_len as usize, "log_buf", &mut warnings);
    let mut records = Vec::new();
    let mut wrap_marker = None;
    let mut i = first;
    let mut wraps = 0;
    let mut steps = 0u64;
    let max_steps = buf_len / hdr.max(1) as u64 + 2;
    if first >= buf_len || next >= buf_len {
        warnings.push(format!(
            "log_first_idx {first} / log_next_idx {next} outside log_buf_len {buf_len}"
        ));
    } else {
        while i != next {
            steps += 1;
            if steps > max_steps {
                warnings.push("log_buf walk did not reach log_next_idx; stopped".into());
                break;
            }
            let fits = i + hdr as u64 <= buf_len;
            let len = if fits {
                le_u16(&buf, i as usize + o_len) as u64
            } else {
                0
            };
            if len == 0 {
                // Wrap marker: continue at the start of the buffer.
                wraps += 1;
                if wraps > 1 {
                    warnings.push("log_buf wrapped twice (corrupt indices); stopped".into());
                    break;
                }
                let ts = if fits {
                    le_u64(&buf, i as usize + o_ts)
                } else {
                    0
                };
                wrap_marker = Some((records.len(), ts));
                i = 0;
                continue;
            }
            if len < hdr as u64 || i + len > buf_len {
                warnings.push(format!(
                    "log_buf record at {i} has a bad length {len}; stopped"
                ));
                break;
            }
            let r = &buf[i as usize..(i + len) as usize];
            let text_len = le_u16(r, o_text_len) as usize;
            let dict_len = le_u16(r, o_dict_len) as usize;
            let t_end = (hdr + text_len).min(r.len());
            let d_end = (t_end + dict_len).min(r.len());
            let fl = r.get(o_dict_len + 3).copied().unwrap_or(0);
            records.push(Record {
                seq: None,
                ts_nsec: le_u64(r, o_ts),
                level: fl >> 5,
                flags: fl & 0x1f,
                facility: r.get(o_dict_len + 2).copied().unwrap_or(0),
                caller_id: o_caller.map(|o| le_u32(r, o)),
                text: r[hdr..t_end].to_vec(),
                dict: r[t_end..d_end].to_vec(),
                dataless: false,
            });
            i += len;
        }
    }
    Ok(Dmesg {
        layout: LogLayout::Structured,
        records,
        warnings,
        raw: None,
        has_caller_id: o_caller.is_some(),
        wrap_marker,
    })
}

fn plain(core: &Vmcore, vi: &VmcoreInfo) -> Result<Dmesg> {
    let mut warnings = Vec::new();
    let buf_ptr = core.read_virt_u64(key(vi.symbol("log_buf"), "SYMBOL(log_buf)")?)?;
    let buf_len = core.read_virt_u32(key(vi.symbol("log_buf_len"), "SYMBOL(log_buf_len)")?)? as u64;
    let end_sym = key(vi.symbol("log_end"), "SYMBOL(log_end)")?;
    // log_end was an unsigned long up to 2.6.24.
    let wide = vi
        .osrelease()
        .and_then(|r| r.strip_prefix("2.6."))
        .and_then(|r| {
            r.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse::<u32>().ok())
        })
        .is_some_and(|minor| minor <= 24);
    let log_end = if wide {
        core.read_virt_u64(end_sym)?
    } else {
        core.read_virt_u32(end_sym)? as u64
    };
    if buf_len == 0 || buf_len > MAX_TEXT_RING || buf_len > budget(core) {
        return Err(Error::Corrupt(format!("log_buf_len = {buf_len}")));
    }
    let buf = core.read_virt_lossy(buf_ptr, buf_len as usize, "log_buf", &mut warnings);
    let raw = if log_end < buf_len {
        buf[..log_end as usize].to_vec()
    } else {
        let split = (log_end % buf_len) as usize;
        let mut v = buf[split..].to_vec();
        v.extend_from_slice(&buf[..split]);
        v
    };
    let records = parse_plain_lines(&raw);
    Ok(Dmesg {
        layout: LogLayout::Plain,
        records,
        warnings,
        raw: Some(raw),
        has_caller_id: false,
        wrap_marker: None,
    })
}

/// Splits a plain console buffer into records: `<N>` level prefix and `[sec.usec]` stamp.
pub(crate) fn parse_plain_lines(raw: &[u8]) -> Vec<Record> {
    let mut out = Vec::new();
    for line in raw.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let mut rest = line;
        let mut level = 4u8; // default_message_loglevel
        let mut facility = 0u8;
        if rest.len() >= 3 && rest[0] == b'<' {
            if let Some(close) = rest.iter().take(6).position(|&b| b == b'>') {
                if let Some(v) = std::str::from_utf8(&rest[1..close])
                    .ok()
                    .and_then(|s| s.parse::<u32>().ok())
                {
                    level = (v & 7) as u8;
                    facility = (v >> 3).min(255) as u8;
                    rest = &rest[close + 1..];
                }
            }
        }
        let mut ts_nsec = 0;
        if rest.first() == Some(&b'[') {
            if let Some(close) = rest.iter().take(24).position(|&b| b == b']') {
                let stamp = std::str::from_utf8(&rest[1..close]).unwrap_or("").trim();
                if let Some((s, us)) = stamp.split_once('.') {
                    if let (Ok(s), Ok(us)) = (s.parse::<u64>(), us.parse::<u64>()) {
                        ts_nsec = s.saturating_mul(1_000_000_000).saturating_add(us * 1000);
                        rest = &rest[close + 1..];
                        if rest.first() == Some(&b' ') {
                            rest = &rest[1..];
                        }
                    }
                }
            }
        }
        out.push(Record {
            ts_nsec,
            level,
            facility,
            text: rest.to_vec(),
            ..Default::default()
        });
    }
    out
}
