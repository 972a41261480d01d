//! Builders of small synthetic x86_64 dumps, for tests and fuzz seeds.
//!
//! They lay out kernel structures the way the kernel does (lockless ring, structured and
//! plain `log_buf`), map them with real page tables, and write the memory as an ELF core,
//! a kdump-compressed file or a flattened stream.

use std::collections::{BTreeSet, VecDeque};
use std::fmt::Write as _;

/// x86_64 kernel image base; synthetic image addresses are `KERNEL_MAP + pa`.
pub const KERNEL_MAP: u64 = 0xffff_ffff_8000_0000;
/// x86_64 direct map base used by synthetic kernels.
pub const DIRECT_MAP: u64 = 0xffff_8880_0000_0000;
const PAGE: u64 = 4096;

/// Physical memory of a synthetic machine, starting at physical address 0.
#[derive(Debug, Clone)]
pub struct PhysMem {
    /// RAM contents.
    pub data: Vec<u8>,
    next_free: u64,
}

impl PhysMem {
    /// RAM of `size` bytes (rounded up to pages); page 0 is left unused.
    pub fn new(size: usize) -> PhysMem {
        PhysMem {
            data: vec![0; size.div_ceil(PAGE as usize) * PAGE as usize],
            next_free: PAGE,
        }
    }
    /// Allocates `len` bytes, page aligned; returns the physical address.
    ///
    /// # Panics
    /// When the synthetic RAM is exhausted (a bug in the test that builds it).
    pub fn alloc(&mut self, len: u64) -> u64 {
        let pa = self.next_free;
        self.next_free += len.div_ceil(PAGE).max(1) * PAGE;
        assert!(
            self.next_free <= self.data.len() as u64,
            "synthetic RAM too small"
        );
        pa
    }
    /// Writes bytes at `pa`.
    pub fn write(&mut self, pa: u64, b: &[u8]) {
        self.data[pa as usize..pa as usize + b.len()].copy_from_slice(b);
    }
    /// Writes a little-endian u64 at `pa`.
    pub fn write_u64(&mut self, pa: u64, v: u64) {
        self.write(pa, &v.to_le_bytes());
    }
    /// Writes a little-endian u32 at `pa`.
    pub fn write_u32(&mut self, pa: u64, v: u32) {
        self.write(pa, &v.to_le_bytes());
    }
    /// Reads a little-endian u64 at `pa`.
    pub fn read_u64(&self, pa: u64) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.data[pa as usize..pa as usize + 8]);
        u64::from_le_bytes(a)
    }
    /// Maps `[va, va+len)` to `[pa, pa+len)` with 4 KiB pages under the 4-level root `pgd`.
    pub fn map_4k(&mut self, pgd: u64, va: u64, pa: u64, len: u64) {
        let mut off = 0;
        while off < len {
            let v = va + off;
            let mut table = pgd;
            for level in (2..=4).rev() {
                let idx = (v >> (12 + 9 * (level - 1))) & 511;
                let e = self.read_u64(table + idx * 8);
                table = if e & 1 == 0 {
                    let t = self.alloc(PAGE);
                    self.write_u64(table + idx * 8, t | 0x63);
                    t
                } else {
                    e & 0x000f_ffff_ffff_f000
                };
            }
            let idx = (v >> 12) & 511;
            self.write_u64(table + idx * 8, (pa + off) | 0x63);
            off += PAGE;
        }
    }
}

/// One synthetic log message.
#[derive(Debug, Clone, Default)]
pub struct SynthRecord {
    /// Timestamp in ns.
    pub ts_nsec: u64,
    /// Level 0..7.
    pub level: u8,
    /// Caller id (`T<pid>` or `C<cpu>` with bit 31).
    pub caller_id: u32,
    /// Text (may contain newlines or any byte).
    pub text: Vec<u8>,
}

impl SynthRecord {
    /// A record with `text` at `ts_nsec`, level 6, caller T1.
    pub fn new(ts_nsec: u64, text: impl Into<Vec<u8>>) -> SynthRecord {
        SynthRecord {
            ts_nsec,
            level: 6,
            caller_id: 1,
            text: text.into(),
        }
    }
}

/// A synthetic kernel: memory plus VMCOREINFO and CPU notes.
#[derive(Debug, Clone)]
pub struct SynthKernel {
    /// Physical memory.
    pub mem: PhysMem,
    /// VMCOREINFO text.
    pub vmcoreinfo: String,
    /// `pr_pid` of each NT_PRSTATUS note.
    pub cpu_pids: Vec<i32>,
    /// Physical address of the page-table root.
    pub pgd: u64,
}

/// Options of the lockless ring builder.
#[derive(Debug, Clone)]
pub struct LocklessOpts {
    /// log2 of the descriptor count.
    pub count_bits: u32,
    /// log2 of the text ring size.
    pub size_bits: u32,
    /// Id of the first descriptor used.
    pub first_id: u64,
    /// Let a block end exactly at the end of the ring (2025 kernels) instead of wrapping.
    pub perfect_fit: bool,
    /// State of the newest descriptor (2 finalized, 1 committed, 0 reserved mid-write).
    pub last_state: u64,
    /// Put the text ring in the direct map (reached by a page-table walk).
    pub text_in_direct_map: bool,
}

impl Default for LocklessOpts {
    fn default() -> Self {
        LocklessOpts {
            count_bits: 5,
            size_bits: 12,
            first_id: 0,
            perfect_fit: false,
            last_state: 2,
            text_in_direct_map: true,
        }
    }
}

fn base_kernel(release: &str) -> (SynthKernel, String) {
    let mut mem = PhysMem::new(4 << 20);
    let pgd = mem.alloc(PAGE);
    // Map the whole RAM in the direct map.
    let len = mem.data.len() as u64;
    // Reserve table pages before mapping: map_4k allocates as needed.
    mem.map_4k(pgd, DIRECT_MAP, 0, len);
    let uts = mem.alloc(512);
    let mut u = [0u8; 390];
    for (i, s) in [
        "Linux",
        "synth-host",
        release,
        "#1 SMP synthetic",
        "x86_64",
        "(none)",
    ]
    .iter()
    .enumerate()
    {
        u[i * 65..i * 65 + s.len()].copy_from_slice(s.as_bytes());
    }
    mem.write(uts + 4, &u);
    let mut vi = String::new();
    let _ = writeln!(vi, "OSRELEASE={release}");
    let _ = writeln!(vi, "BUILD-ID=0123456789abcdef0123456789abcdef01234567");
    let _ = writeln!(vi, "PAGESIZE=4096");
    let _ = writeln!(vi, "SYMBOL(init_uts_ns)={:x}", KERNEL_MAP + uts);
    let _ = writeln!(vi, "OFFSET(uts_namespace.name)=4");
    let _ = writeln!(vi, "SYMBOL(init_top_pgt)={:x}", KERNEL_MAP + pgd);
    let _ = writeln!(vi, "NUMBER(phys_base)=0");
    let _ = writeln!(vi, "NUMBER(KERNEL_IMAGE_SIZE)=1073741824");
    (
        SynthKernel {
            mem,
            vmcoreinfo: String::new(),
            cpu_pids: vec![0, 42],
            pgd,
        },
        vi,
    )
}

/// Builds a 5.10+ kernel whose lockless ring holds `records` (older ones are overwritten
/// as the kernel would when the ring is full).
pub fn lockless_kernel(records: &[SynthRecord], o: &LocklessOpts) -> SynthKernel {
    let (mut k, mut vi) = base_kernel("6.1.0-synthetic");
    let count = 1u64 << o.count_bits;
    let size = 1u64 << o.size_bits;
    let prb_ptr = k.mem.alloc(8);
    let prb = k.mem.alloc(88);
    let descs = k.mem.alloc(count * 24);
    let infos = k.mem.alloc(count * 88);
    let text = k.mem.alloc(size);
    let text_va = if o.text_in_direct_map {
        DIRECT_MAP + text
    } else {
        KERNEL_MAP + text
    };
    k.mem.write_u64(prb_ptr, KERNEL_MAP + prb);
    // Simulate the writer.
    const ID_MASK: u64 = (1 << 62) - 1;
    let mut head_lpos = 0u64;
    let mut live: VecDeque<(u64, u64, u64)> = VecDeque::new(); // id, begin, next
    let n = records.len() as u64;
    for (i, r) in records.iter().enumerate() {
        let id = (o.first_id + i as u64) & ID_MASK;
        let idx = id & (count - 1);
        let (begin, next) = if r.text.is_empty() {
            (3, 3)
        } else {
            let blk = (8 + r.text.len() as u64).div_ceil(8) * 8;
            let begin = head_lpos;
            let wraps = |a: u64| a >> o.size_bits;
            let end_probe = if o.perfect_fit {
                begin + blk - 1
            } else {
                begin + blk
            };
            let next = if wraps(begin) == wraps(end_probe) {
                begin + blk
            } else {
                (wraps(begin + blk) << o.size_bits) + blk
            };
            head_lpos = next;
            (begin, next)
        };
        // Invalidate records whose data is overwritten or whose descriptor is reused.
        while let Some(&(oid, ob, _)) = live.front() {
            let data_gone = ob != 3 && head_lpos.saturating_sub(ob) > size;
            let desc_gone = id.wrapping_sub(oid) >= count;
            if data_gone || desc_gone {
                live.pop_front();
                if !desc_gone {
                    let oidx = oid & (count - 1);
                    k.mem.write_u64(descs + oidx * 24, (3u64 << 62) | oid);
                }
            } else {
                break;
            }
        }
        if r.text.len() as u64 + 8 > size {
            continue;
        }
        if begin != 3 {
            let off = begin & (size - 1);
            let wrapped = (begin >> o.size_bits) != ((next - 1) >> o.size_bits);
            k.mem.write_u64(text + off, id);
            let data_off = if wrapped {
                k.mem.write_u64(text, id);
                0
            } else {
                off
            };
            k.mem.write(text + data_off + 8, &r.text);
        }
        let state = if i as u64 + 1 == n { o.last_state } else { 2 };
        k.mem.write_u64(descs + idx * 24, (state << 62) | id);
        k.mem.write_u64(descs + idx * 24 + 8, begin);
        k.mem.write_u64(descs + idx * 24 + 16, next);
        let inf = infos + idx * 88;
        k.mem.write(inf, &[0u8; 88]);
        k.mem.write_u64(inf, i as u64);
        k.mem.write_u64(inf + 8, r.ts_nsec);
        k.mem
            .write(inf + 16, &(r.text.len().min(0xffff) as u16).to_le_bytes());
        k.mem.write(inf + 19, &[(r.level << 5) | 2]);
        k.mem.write_u32(inf + 20, r.caller_id);
        live.push_back((id, begin, next));
    }
    let tail = live.front().map(|l| l.0).unwrap_or(o.first_id);
    let head = live.back().map(|l| l.0).unwrap_or(o.first_id);
    k.mem.write_u32(prb, o.count_bits);
    k.mem.write_u64(prb + 8, KERNEL_MAP + descs);
    k.mem.write_u64(prb + 16, KERNEL_MAP + infos);
    k.mem.write_u64(prb + 24, head);
    k.mem.write_u64(prb + 32, tail);
    k.mem.write_u32(prb + 48, o.size_bits);
    k.mem.write_u64(prb + 56, text_va);
    k.mem.write_u64(prb + 64, head_lpos);
    let _ = writeln!(vi, "SYMBOL(prb)={:x}", KERNEL_MAP + prb_ptr);
    let _ = writeln!(vi, "SYMBOL(printk_rb_static)={:x}", KERNEL_MAP + prb);
    let _ = writeln!(vi, "SYMBOL(clear_seq)={:x}", KERNEL_MAP + prb_ptr);
    for line in [
        "SIZE(printk_ringbuffer)=88",
        "OFFSET(printk_ringbuffer.desc_ring)=0",
        "OFFSET(printk_ringbuffer.text_data_ring)=48",
        "OFFSET(printk_ringbuffer.fail)=80",
        "SIZE(prb_desc_ring)=48",
        "OFFSET(prb_desc_ring.count_bits)=0",
        "OFFSET(prb_desc_ring.descs)=8",
        "OFFSET(prb_desc_ring.infos)=16",
        "OFFSET(prb_desc_ring.head_id)=24",
        "OFFSET(prb_desc_ring.tail_id)=32",
        "SIZE(prb_desc)=24",
        "OFFSET(prb_desc.state_var)=0",
        "OFFSET(prb_desc.text_blk_lpos)=8",
        "SIZE(prb_data_blk_lpos)=16",
        "OFFSET(prb_data_blk_lpos.begin)=0",
        "OFFSET(prb_data_blk_lpos.next)=8",
        "SIZE(printk_info)=88",
        "OFFSET(printk_info.seq)=0",
        "OFFSET(printk_info.ts_nsec)=8",
        "OFFSET(printk_info.text_len)=16",
        "OFFSET(printk_info.caller_id)=20",
        "OFFSET(printk_info.dev_info)=24",
        "SIZE(dev_printk_info)=64",
        "OFFSET(dev_printk_info.subsystem)=0",
        "LENGTH(printk_info_subsystem)=16",
        "OFFSET(dev_printk_info.device)=16",
        "LENGTH(printk_info_device)=48",
        "SIZE(prb_data_ring)=32",
        "OFFSET(prb_data_ring.size_bits)=0",
        "OFFSET(prb_data_ring.data)=8",
        "OFFSET(atomic_long_t.counter)=0",
        "CRASHTIME=1700000000",
    ] {
        vi.push_str(line);
        vi.push('\n');
    }
    k.vmcoreinfo = vi;
    k
}

/// Builds a 3.5 - 5.9 kernel with a structured `log_buf` of `buf_len` bytes; `caller`
/// adds the 5.1+ `caller_id` field (20-byte header, 4-byte alignment).
pub fn structured_kernel(records: &[SynthRecord], buf_len: u32, caller: bool) -> SynthKernel {
    let (mut k, mut vi) = base_kernel(if caller {
        "5.4.0-synthetic"
    } else {
        "4.19.0-synthetic"
    });
    let (hdr, align) = if caller { (20u32, 4u32) } else { (16, 8) };
    let vars = k.mem.alloc(64);
    let buf = k.mem.alloc(buf_len as u64);
    let (mut first, mut next) = (0u32, 0u32);
    let (mut first_seq, mut next_seq) = (0u64, 0u64);
    let len_at = |m: &PhysMem, idx: u32| -> u32 {
        let p = (buf + idx as u64) as usize;
        u16::from_le_bytes([m.data[p + 8], m.data[p + 9]]) as u32
    };
    let log_next = |m: &PhysMem, idx: u32| -> u32 {
        let l = len_at(m, idx);
        if l == 0 {
            len_at(m, 0)
        } else {
            idx + l
        }
    };
    for r in records {
        let text_len = r.text.len().min(buf_len as usize / 4) as u32;
        let size = (hdr + text_len).div_ceil(align) * align;
        loop {
            if first_seq >= next_seq {
                break;
            }
            let free = if next > first {
                (buf_len - next).max(first)
            } else {
                first - next
            };
            if free >= size + hdr {
                break;
            }
            first = log_next(&k.mem, first);
            first_seq += 1;
        }
        if first_seq == next_seq {
            first = 0;
            next = 0;
        }
        if next + size + hdr > buf_len {
            k.mem.write(buf + next as u64, &vec![0u8; hdr as usize]);
            next = 0;
        }
        let p = buf + next as u64;
        k.mem.write(p, &vec![0u8; size as usize]);
        k.mem.write_u64(p, r.ts_nsec);
        k.mem.write(p + 8, &(size as u16).to_le_bytes());
        k.mem.write(p + 10, &(text_len as u16).to_le_bytes());
        k.mem.write(p + 15, &[(r.level << 5) | 2]);
        if caller {
            k.mem.write_u32(p + 16, r.caller_id);
        }
        k.mem.write(p + hdr as u64, &r.text[..text_len as usize]);
        next += size;
        next_seq += 1;
    }
    k.mem.write_u64(vars, DIRECT_MAP + buf);
    k.mem.write_u32(vars + 8, buf_len);
    k.mem.write_u32(vars + 12, first);
    k.mem.write_u32(vars + 16, next);
    let _ = writeln!(vi, "SYMBOL(log_buf)={:x}", KERNEL_MAP + vars);
    let _ = writeln!(vi, "SYMBOL(log_buf_len)={:x}", KERNEL_MAP + vars + 8);
    let _ = writeln!(vi, "SYMBOL(log_first_idx)={:x}", KERNEL_MAP + vars + 12);
    let _ = writeln!(vi, "SYMBOL(clear_idx)={:x}", KERNEL_MAP + vars + 20);
    let _ = writeln!(vi, "SYMBOL(log_next_idx)={:x}", KERNEL_MAP + vars + 16);
    let _ = writeln!(vi, "SIZE(printk_log)={hdr}");
    let _ = writeln!(vi, "OFFSET(printk_log.ts_nsec)=0");
    let _ = writeln!(vi, "OFFSET(printk_log.len)=8");
    let _ = writeln!(vi, "OFFSET(printk_log.text_len)=10");
    let _ = writeln!(vi, "OFFSET(printk_log.dict_len)=12");
    if caller {
        let _ = writeln!(vi, "OFFSET(printk_log.caller_id)=16");
    }
    k.vmcoreinfo = vi;
    k
}

/// Builds a pre-3.5 kernel whose plain `log_buf` received `text` (wrapping as needed).
pub fn plain_kernel(text: &[u8], buf_len: u32) -> SynthKernel {
    let (mut k, mut vi) = base_kernel("2.6.32-synthetic");
    let vars = k.mem.alloc(64);
    let buf = k.mem.alloc(buf_len as u64);
    let mut end = 0u32;
    for &c in text {
        k.mem.write(buf + (end % buf_len) as u64, &[c]);
        end = end.wrapping_add(1);
    }
    k.mem.write_u64(vars, DIRECT_MAP + buf);
    k.mem.write_u32(vars + 8, buf_len);
    k.mem.write_u32(vars + 12, end);
    let _ = writeln!(vi, "SYMBOL(log_buf)={:x}", KERNEL_MAP + vars);
    let _ = writeln!(vi, "SYMBOL(log_buf_len)={:x}", KERNEL_MAP + vars + 8);
    let _ = writeln!(vi, "SYMBOL(log_end)={:x}", KERNEL_MAP + vars + 12);
    let _ = writeln!(vi, "SYMBOL(logged_chars)={:x}", KERNEL_MAP + vars + 16);
    k.vmcoreinfo = vi;
    k
}

fn note(out: &mut Vec<u8>, name: &[u8], ntype: u32, desc: &[u8]) {
    out.extend_from_slice(&(name.len() as u32 + 1).to_le_bytes());
    out.extend_from_slice(&(desc.len() as u32).to_le_bytes());
    out.extend_from_slice(&ntype.to_le_bytes());
    out.extend_from_slice(name);
    out.push(0);
    while out.len() & 3 != 0 {
        out.push(0);
    }
    out.extend_from_slice(desc);
    while out.len() & 3 != 0 {
        out.push(0);
    }
}

impl SynthKernel {
    /// The notes blob: one NT_PRSTATUS per CPU, then VMCOREINFO.
    pub fn notes(&self) -> Vec<u8> {
        let mut n = Vec::new();
        for (i, &pid) in self.cpu_pids.iter().enumerate() {
            let mut d = vec![0u8; 336];
            d[32..36].copy_from_slice(&pid.to_le_bytes());
            let rip = KERNEL_MAP + 0x1000 * (i as u64 + 1);
            d[112 + 16 * 8..112 + 17 * 8].copy_from_slice(&rip.to_le_bytes());
            d[112 + 19 * 8..112 + 20 * 8].copy_from_slice(&(rip + 0x100).to_le_bytes());
            note(&mut n, b"CORE", 1, &d);
        }
        note(&mut n, b"VMCOREINFO", 0, self.vmcoreinfo.as_bytes());
        n
    }

    /// An ELF64 core with one PT_NOTE and one PT_LOAD (`p_vaddr == p_paddr`, like QEMU).
    pub fn elf(&self) -> Vec<u8> {
        let notes = self.notes();
        let phnum = 2u64;
        let note_off = 64 + 56 * phnum;
        let load_off = (note_off + notes.len() as u64).div_ceil(PAGE) * PAGE;
        let mut f = vec![0u8; 64];
        f[..4].copy_from_slice(b"\x7fELF");
        f[4] = 2;
        f[5] = 1;
        f[6] = 1;
        f[16..18].copy_from_slice(&4u16.to_le_bytes());
        f[18..20].copy_from_slice(&62u16.to_le_bytes());
        f[20..24].copy_from_slice(&1u32.to_le_bytes());
        f[32..40].copy_from_slice(&64u64.to_le_bytes());
        f[52..54].copy_from_slice(&64u16.to_le_bytes());
        f[54..56].copy_from_slice(&56u16.to_le_bytes());
        f[56..58].copy_from_slice(&(phnum as u16).to_le_bytes());
        let ph = |t: u32, off: u64, va: u64, pa: u64, sz: u64| {
            let mut p = Vec::with_capacity(56);
            p.extend_from_slice(&t.to_le_bytes());
            p.extend_from_slice(&0u32.to_le_bytes());
            for v in [off, va, pa, sz, sz, 0] {
                p.extend_from_slice(&v.to_le_bytes());
            }
            p
        };
        f.extend(ph(4, note_off, 0, 0, notes.len() as u64));
        let ram = self.mem.data.len() as u64;
        f.extend(ph(1, load_off, 0, 0, ram));
        f.extend_from_slice(&notes);
        f.resize(load_off as usize, 0);
        f.extend_from_slice(&self.mem.data);
        f
    }

    /// A kdump-compressed file (header version 6) with pages compressed by `compression`
    /// (a `DUMP_DH_COMPRESSED_*` flag or 0) and the pfns in `exclude` filtered out.
    pub fn kdump(&self, compression: u32, exclude: &BTreeSet<u64>) -> Vec<u8> {
        let max_mapnr = self.mem.data.len() as u64 / PAGE;
        let pages: Vec<(u64, Option<&[u8]>)> = (0..max_mapnr)
            .map(|pfn| {
                let page = &self.mem.data[(pfn * PAGE) as usize..((pfn + 1) * PAGE) as usize];
                (pfn, (!exclude.contains(&pfn)).then_some(page))
            })
            .collect();
        write_kdump(&KdumpSpec {
            block_size: PAGE as u32,
            max_mapnr,
            pages: &pages,
            notes: &self.notes(),
            vmcoreinfo: self.vmcoreinfo.as_bytes(),
            utsname: ["Linux", "synth-host", "6.1.0-synthetic", "#1", "x86_64", ""],
            timestamp: 1_700_000_000,
            compression,
            dump_level: 31,
            phys_base: 0,
        })
    }
}

/// Everything [`write_kdump`] needs.
#[derive(Debug, Clone)]
pub struct KdumpSpec<'a> {
    /// Page size.
    pub block_size: u32,
    /// Number of page frames covered by the bitmaps.
    pub max_mapnr: u64,
    /// RAM pages in increasing pfn order: `Some(data)` when dumped, `None` when excluded.
    /// Pfns not listed are holes.
    pub pages: &'a [(u64, Option<&'a [u8]>)],
    /// Notes blob copied after the sub-header.
    pub notes: &'a [u8],
    /// VMCOREINFO text (located inside `notes` when present there).
    pub vmcoreinfo: &'a [u8],
    /// utsname fields of the header.
    pub utsname: [&'a str; 6],
    /// Header timestamp (crash time).
    pub timestamp: i64,
    /// Compression flag (`DUMP_DH_COMPRESSED_*`) or 0.
    pub compression: u32,
    /// Dump level recorded in the sub-header.
    pub dump_level: i32,
    /// phys_base recorded in the sub-header.
    pub phys_base: u64,
}

/// Writes a kdump-compressed file (header version 6, two bitmaps) as makedumpfile does.
pub fn write_kdump(s: &KdumpSpec<'_>) -> Vec<u8> {
    let bs = s.block_size as usize;
    let notes = s.notes;
    let max_mapnr = s.max_mapnr;
    let sub_hdr_size = (104 + notes.len()).div_ceil(bs);
    let bitmap_bytes = (max_mapnr as usize).div_ceil(8);
    let one_bitmap_blocks = bitmap_bytes.div_ceil(bs).max(1);
    let bitmap_blocks = 2 * one_bitmap_blocks;
    let mut f = vec![0u8; bs];
    f[..8].copy_from_slice(b"KDUMP   ");
    f[8..12].copy_from_slice(&6i32.to_le_bytes());
    for (i, u) in s.utsname.iter().enumerate() {
        let b = &u.as_bytes()[..u.len().min(64)];
        f[12 + i * 65..12 + i * 65 + b.len()].copy_from_slice(b);
    }
    f[408..416].copy_from_slice(&s.timestamp.to_le_bytes());
    f[424..428].copy_from_slice(&s.compression.to_le_bytes());
    f[428..432].copy_from_slice(&(bs as i32).to_le_bytes());
    f[432..436].copy_from_slice(&(sub_hdr_size as i32).to_le_bytes());
    f[436..440].copy_from_slice(&(bitmap_blocks as u32).to_le_bytes());
    f[440..444].copy_from_slice(&(max_mapnr.min(u32::MAX as u64) as u32).to_le_bytes());
    let nr_cpus = crate::elf::parse_notes(notes)
        .iter()
        .filter(|n| n.name == b"CORE" && n.ntype == 1)
        .count();
    f[460..464].copy_from_slice(&(nr_cpus as u32).to_le_bytes());
    let mut sub = vec![0u8; sub_hdr_size * bs];
    sub[0..8].copy_from_slice(&s.phys_base.to_le_bytes());
    sub[8..12].copy_from_slice(&s.dump_level.to_le_bytes());
    let note_off = bs + 104;
    let (vi_off, vi_len) = match find(notes, s.vmcoreinfo) {
        Some(p) => ((note_off + p) as u64, s.vmcoreinfo.len() as u64),
        None => (0, 0),
    };
    for (o, v) in [
        (32, vi_off),
        (40, vi_len),
        (48, note_off as u64),
        (56, notes.len() as u64),
        (80, 0),
        (88, max_mapnr),
        (96, max_mapnr),
    ] {
        sub[o..o + 8].copy_from_slice(&v.to_le_bytes());
    }
    sub[104..104 + notes.len()].copy_from_slice(notes);
    f.extend_from_slice(&sub);
    let mut b1 = vec![0u8; one_bitmap_blocks * bs];
    let mut b2 = b1.clone();
    let mut dumped = Vec::new();
    for &(pfn, data) in s.pages {
        if pfn >= max_mapnr {
            continue;
        }
        b1[(pfn / 8) as usize] |= 1 << (pfn % 8);
        if let Some(d) = data {
            b2[(pfn / 8) as usize] |= 1 << (pfn % 8);
            dumped.push(d);
        }
    }
    f.extend_from_slice(&b1);
    f.extend_from_slice(&b2);
    let mut data_off = f.len() + dumped.len() * 24;
    let mut descs = Vec::new();
    let mut data = Vec::new();
    for page in dumped {
        let (stored, flag) = compress(s.compression, page);
        descs.extend_from_slice(&(data_off as i64).to_le_bytes());
        descs.extend_from_slice(&(stored.len() as u32).to_le_bytes());
        descs.extend_from_slice(&flag.to_le_bytes());
        descs.extend_from_slice(&0u64.to_le_bytes());
        data_off += stored.len();
        data.extend_from_slice(&stored);
    }
    f.extend_from_slice(&descs);
    f.extend_from_slice(&data);
    f
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Compresses one page the way makedumpfile does: kept only when smaller than the page.
fn compress(method: u32, page: &[u8]) -> (Vec<u8>, u32) {
    use crate::kdump::*;
    let c = match method {
        DUMP_DH_COMPRESSED_ZLIB => {
            use std::io::Write;
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(page).ok().and_then(|_| e.finish().ok())
        }
        DUMP_DH_COMPRESSED_LZO => lzokay_native::compress(page).ok(),
        DUMP_DH_COMPRESSED_SNAPPY => snap::raw::Encoder::new().compress_vec(page).ok(),
        DUMP_DH_COMPRESSED_ZSTD => zstd::bulk::compress(page, 1).ok(),
        _ => None,
    };
    match c {
        Some(c) if c.len() < page.len() => (c, method),
        _ => (page.to_vec(), 0),
    }
}

/// Wraps `file` in makedumpfile's flattened format, in records of `chunk` bytes. With
/// `scramble`, records are written last-first and preceded by a garbage record for the
/// same range, which a correct reader must override (last writer wins).
pub fn flatten(file: &[u8], chunk: usize, scramble: bool) -> Vec<u8> {
    let mut out = vec![0u8; 4096];
    out[..12].copy_from_slice(b"makedumpfile");
    out[16..24].copy_from_slice(&1i64.to_be_bytes());
    out[24..32].copy_from_slice(&1i64.to_be_bytes());
    let mut recs: Vec<(usize, &[u8])> = file
        .chunks(chunk.max(1))
        .enumerate()
        .map(|(i, c)| (i * chunk.max(1), c))
        .collect();
    if scramble {
        recs.reverse();
    }
    for (off, c) in recs {
        if scramble {
            out.extend_from_slice(&(off as i64).to_be_bytes());
            out.extend_from_slice(&(c.len() as i64).to_be_bytes());
            out.resize(out.len() + c.len(), 0xa5);
        }
        out.extend_from_slice(&(off as i64).to_be_bytes());
        out.extend_from_slice(&(c.len() as i64).to_be_bytes());
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&(-1i64).to_be_bytes());
    out.extend_from_slice(&(-1i64).to_be_bytes());
    out
}
