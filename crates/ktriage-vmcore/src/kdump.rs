//! kdump-compressed format ("KDUMP   "), as written by makedumpfile and QEMU.

use crate::error::{Error, PageFault, Result};
use crate::source::{c_str, le_u32, le_u64, read_exact_at, read_vec_at, ReadAt};
use std::io::Read;

/// Signature at offset 0.
pub(crate) const KDUMP_SIGNATURE: &[u8; 8] = b"KDUMP   ";
/// Size of the 64-bit `disk_dump_header`.
pub(crate) const HEADER_SIZE: usize = 464;
/// Size of the 64-bit `kdump_sub_header`.
pub(crate) const SUB_HEADER_SIZE: usize = 104;
/// `status`: pages may be zlib-compressed.
pub const DUMP_DH_COMPRESSED_ZLIB: u32 = 0x1;
/// `status`: pages may be LZO-compressed.
pub const DUMP_DH_COMPRESSED_LZO: u32 = 0x2;
/// `status`: pages may be snappy-compressed.
pub const DUMP_DH_COMPRESSED_SNAPPY: u32 = 0x4;
/// `status`: the dump is incomplete (the writer ran out of space).
pub const DUMP_DH_COMPRESSED_INCOMPLETE: u32 = 0x8;
/// `status`: vmemmap pages were excluded.
pub const DUMP_DH_EXCLUDED_VMEMMAP: u32 = 0x10;
/// `status`: pages may be zstd-compressed.
pub const DUMP_DH_COMPRESSED_ZSTD: u32 = 0x20;
const MAX_BITMAP_BYTES: u64 = 1 << 30;

/// The fields of `disk_dump_header` and `kdump_sub_header` this reader uses.
#[derive(Debug, Clone, Default)]
pub struct KdumpHeader {
    /// `header_version` (makedumpfile and QEMU write 6).
    pub header_version: i32,
    /// `utsname` fields: sysname, nodename, release, version, machine, domainname.
    pub utsname: [String; 6],
    /// `timestamp.tv_sec` (makedumpfile stores CRASHTIME there; QEMU leaves 0).
    pub timestamp_sec: i64,
    /// `status` flags (`DUMP_DH_*`).
    pub status: u32,
    /// Block size, the dumped kernel's page size.
    pub block_size: u32,
    /// Sub-header size in blocks.
    pub sub_hdr_size: u32,
    /// Bitmap size in blocks (both bitmaps).
    pub bitmap_blocks: u32,
    /// Number of page frames covered.
    pub max_mapnr: u64,
    /// `nr_cpus`.
    pub nr_cpus: u32,
    /// Sub-header `phys_base` as the writer knew it (a hint only).
    pub phys_base: u64,
    /// Sub-header `dump_level` (version 1+).
    pub dump_level: Option<i32>,
    /// Sub-header `split` (version 2+).
    pub split: bool,
    /// First pfn of this part when split.
    pub start_pfn: u64,
    /// End pfn of this part when split.
    pub end_pfn: u64,
}

/// An opened kdump-compressed dump.
pub(crate) struct KdumpFile {
    pub(crate) header: KdumpHeader,
    pub(crate) page_shift: u32,
    bitmap1: Vec<u8>,
    bitmap2: Vec<u8>,
    /// Set bits of bitmap2 before each 4096-bit chunk.
    rank_prefix: Vec<u64>,
    rank_base: u64,
    data_offset: u64,
    pub(crate) notes: Vec<u8>,
    pub(crate) vmcoreinfo: Option<Vec<u8>>,
    pub(crate) warnings: Vec<String>,
}

const CHUNK_BITS: u64 = 4096;

impl KdumpFile {
    /// Parses headers and loads the bitmaps.
    pub(crate) fn open(src: &dyn ReadAt) -> Result<KdumpFile> {
        let mut h = [0u8; HEADER_SIZE];
        read_exact_at(src, 0, &mut h, "kdump header")?;
        let mut warnings = Vec::new();
        let header_version = le_u32(&h, 8) as i32;
        let mut utsname: [String; 6] = Default::default();
        for (i, u) in utsname.iter_mut().enumerate() {
            *u = c_str(&h[12 + i * 65..12 + (i + 1) * 65]);
        }
        let timestamp_sec = le_u64(&h, 408) as i64;
        let status = le_u32(&h, 424);
        let block_size = le_u32(&h, 428);
        let sub_hdr_size = le_u32(&h, 432);
        let bitmap_blocks = le_u32(&h, 436);
        let max_mapnr32 = le_u32(&h, 440);
        let nr_cpus = le_u32(&h, 460);
        if !block_size.is_power_of_two() || !(1024..=(1 << 20)).contains(&block_size) {
            return Err(Error::Corrupt(format!("kdump block_size {block_size}")));
        }
        if !(0..=64).contains(&header_version) {
            return Err(Error::Corrupt(format!(
                "kdump header_version {header_version}"
            )));
        }
        let bs = block_size as u64;
        let page_shift = block_size.trailing_zeros();
        let mut sub = [0u8; SUB_HEADER_SIZE];
        let have_sub = sub_hdr_size > 0;
        if have_sub {
            read_exact_at(src, bs, &mut sub, "kdump sub-header")?;
        }
        let v = header_version;
        let mut header = KdumpHeader {
            header_version,
            utsname,
            timestamp_sec,
            status,
            block_size,
            sub_hdr_size,
            bitmap_blocks,
            max_mapnr: max_mapnr32 as u64,
            nr_cpus,
            ..Default::default()
        };
        if have_sub {
            header.phys_base = le_u64(&sub, 0);
            if v >= 1 {
                header.dump_level = Some(le_u32(&sub, 8) as i32);
            }
            if v >= 2 {
                header.split = le_u32(&sub, 12) != 0;
            }
            if v >= 6 {
                header.start_pfn = le_u64(&sub, 80);
                header.end_pfn = le_u64(&sub, 88);
                header.max_mapnr = le_u64(&sub, 96);
            } else if v >= 2 {
                header.start_pfn = le_u64(&sub, 16);
                header.end_pfn = le_u64(&sub, 24);
            }
        }
        if !header.split {
            header.start_pfn = 0;
            header.end_pfn = header.max_mapnr;
        }
        // Notes and VMCOREINFO live in the sub-header area.
        let sub_area_end = (1 + sub_hdr_size as u64) * bs;
        let mut notes = Vec::new();
        let mut vmcoreinfo = None;
        if have_sub && v >= 3 {
            let off = le_u64(&sub, 32);
            let size = le_u64(&sub, 40);
            if size > 0 {
                if size <= crate::vmcoreinfo::MAX_VMCOREINFO_BYTES as u64 {
                    match read_vec_at(src, off, size, "VMCOREINFO") {
                        Ok(b) => vmcoreinfo = Some(b),
                        Err(e) => warnings.push(e.to_string()),
                    }
                } else {
                    warnings.push(format!("absurd VMCOREINFO size {size}; ignored"));
                }
            }
        }
        if have_sub && v >= 4 {
            let off = le_u64(&sub, 48);
            let size = le_u64(&sub, 56);
            if size > 0 {
                if size <= crate::elf::MAX_NOTE_BYTES {
                    match read_vec_at(src, off, size, "notes") {
                        Ok(b) => notes = b,
                        Err(e) => warnings.push(e.to_string()),
                    }
                } else {
                    warnings.push(format!("absurd note size {size}; ignored"));
                }
            }
        }
        // Bitmaps.
        let bitmap_off = sub_area_end;
        let bitmap_len = bitmap_blocks as u64 * bs;
        if bitmap_len > MAX_BITMAP_BYTES {
            return Err(Error::Unsupported(format!(
                "kdump bitmap of {bitmap_len} bytes"
            )));
        }
        let need_bytes = header.max_mapnr.div_ceil(8);
        let one_bitmap_blocks = need_bytes.div_ceil(bs);
        let (b1_len, two) = if bitmap_blocks as u64 >= 2 * one_bitmap_blocks && bitmap_blocks >= 2 {
            (bitmap_len / 2, true)
        } else {
            (bitmap_len, false)
        };
        let bitmap1 = read_vec_at(src, bitmap_off, b1_len, "kdump bitmap")?;
        let bitmap2 = if two {
            read_vec_at(src, bitmap_off + b1_len, b1_len, "kdump second bitmap")?
        } else {
            bitmap1.clone()
        };
        let covered = bitmap1.len() as u64 * 8;
        if header.max_mapnr > covered {
            warnings.push(format!(
                "max_mapnr {} exceeds the {} pages the bitmap covers; clamped",
                header.max_mapnr, covered
            ));
            header.max_mapnr = covered;
        }
        let rank_base = 0;
        let mut rank_prefix = Vec::with_capacity(bitmap2.len() / 512 + 1);
        let mut acc = 0u64;
        for chunk in bitmap2.chunks(512) {
            rank_prefix.push(acc);
            acc += chunk.iter().map(|b| b.count_ones() as u64).sum::<u64>();
        }
        let mut kd = KdumpFile {
            header,
            page_shift,
            bitmap1,
            bitmap2,
            rank_prefix,
            rank_base,
            data_offset: (1 + sub_hdr_size as u64 + bitmap_blocks as u64) * bs,
            notes,
            vmcoreinfo,
            warnings,
        };
        if kd.header.split {
            kd.rank_base = kd.rank(kd.header.start_pfn.min(kd.header.max_mapnr));
        }
        Ok(kd)
    }

    fn bit(map: &[u8], pfn: u64) -> bool {
        map.get((pfn >> 3) as usize)
            .is_some_and(|b| (b >> (pfn & 7)) & 1 == 1)
    }

    /// Number of set bits of bitmap2 below `pfn`.
    fn rank(&self, pfn: u64) -> u64 {
        let chunk = (pfn / CHUNK_BITS) as usize;
        let Some(&base) = self.rank_prefix.get(chunk) else {
            return self.rank_prefix.last().copied().unwrap_or(0);
        };
        let start = chunk * 512;
        let byte = (pfn >> 3) as usize;
        let mut n = base;
        for b in &self.bitmap2[start..byte.min(self.bitmap2.len())] {
            n += b.count_ones() as u64;
        }
        if let Some(b) = self.bitmap2.get(byte) {
            let mask = (1u16 << (pfn & 7)) - 1;
            n += (*b as u16 & mask).count_ones() as u64;
        }
        n
    }

    /// Total number of dumped pages (set bits of bitmap2).
    pub(crate) fn dumped_pages(&self) -> u64 {
        self.rank(self.header.max_mapnr)
    }

    /// Pages that are RAM but were filtered out (bitmap1 set, bitmap2 clear).
    pub(crate) fn excluded_pages(&self) -> u64 {
        let ram: u64 = self
            .bitmap1
            .iter()
            .map(|b| b.count_ones() as u64)
            .sum::<u64>();
        ram.saturating_sub(self.dumped_pages())
    }

    /// Reads the page descriptor of a dumped page.
    fn page_desc(&self, src: &dyn ReadAt, pfn: u64) -> Result<(u64, u32, u32), PageFault> {
        let idx = self.rank(pfn) - self.rank_base;
        let off = idx
            .checked_mul(24)
            .and_then(|o| o.checked_add(self.data_offset))
            .ok_or(PageFault::Lost)?;
        let mut pd = [0u8; 24];
        match src.read_at(off, &mut pd) {
            Ok(24) => {}
            Ok(_) => return Err(PageFault::Lost),
            Err(e) => return Err(PageFault::Corrupt(e.to_string())),
        }
        Ok((le_u64(&pd, 0), le_u32(&pd, 8), le_u32(&pd, 12)))
    }

    /// Counts dumped pages whose data is missing: every page descriptor is checked against
    /// the file (offset 0, descriptor or data past the end of the file), in any order the
    /// writer used. Descriptors are read in chunks (one read per 2730 pages).
    pub(crate) fn lost_pages(&self, src: &dyn ReadAt) -> u64 {
        let total = self.dumped_pages().saturating_sub(self.rank_base);
        let file_len = src.size();
        const CHUNK: u64 = 2730; // descriptors per 64 KiB read
        let mut buf = vec![0u8; (CHUNK * 24) as usize];
        let mut lost = 0u64;
        let mut i = 0u64;
        while i < total {
            let n = CHUNK.min(total - i);
            let off = self.data_offset.saturating_add(i * 24);
            let want = (n * 24) as usize;
            let got = src.read_at(off, &mut buf[..want]).unwrap_or(0).min(want);
            let whole = (got / 24) as u64;
            for d in buf[..got].chunks_exact(24) {
                let o = le_u64(d, 0);
                let sz = le_u32(d, 8) as u64;
                if o == 0 || o.saturating_add(sz) > file_len {
                    lost += 1;
                }
            }
            // Descriptors past the end of the file: their pages are lost too.
            lost += n - whole;
            i += n;
        }
        lost
    }

    /// Reads page `pfn` into `out` (`block_size` bytes). `Ok(false)` means the page was
    /// excluded by the writer (zeros were stored in `out`).
    pub(crate) fn read_page(
        &self,
        src: &dyn ReadAt,
        pfn: u64,
        out: &mut [u8],
    ) -> Result<bool, PageFault> {
        let bs = self.header.block_size as usize;
        debug_assert_eq!(out.len(), bs);
        if pfn >= self.header.max_mapnr || !Self::bit(&self.bitmap1, pfn) {
            return Err(PageFault::Hole);
        }
        if !Self::bit(&self.bitmap2, pfn) {
            out.fill(0);
            return Ok(false);
        }
        if self.header.split && (pfn < self.header.start_pfn || pfn >= self.header.end_pfn) {
            return Err(PageFault::OtherSplitPart);
        }
        let (offset, size, flags) = self.page_desc(src, pfn)?;
        if offset == 0 {
            return Err(PageFault::Lost);
        }
        if size == 0 || size as usize > bs {
            return Err(PageFault::Corrupt(format!(
                "page descriptor size {size} (block size {bs})"
            )));
        }
        let mut data = vec![0u8; size as usize];
        match src.read_at(offset, &mut data) {
            Ok(n) if n == data.len() => {}
            Ok(_) => return Err(PageFault::Lost),
            Err(e) => return Err(PageFault::Corrupt(e.to_string())),
        }
        decompress(flags, &data, out)?;
        Ok(true)
    }
}

/// Decodes one stored page into `out`, which must be filled exactly.
pub(crate) fn decompress(flags: u32, data: &[u8], out: &mut [u8]) -> Result<(), PageFault> {
    let bs = out.len();
    let comp = flags
        & (DUMP_DH_COMPRESSED_ZLIB
            | DUMP_DH_COMPRESSED_LZO
            | DUMP_DH_COMPRESSED_SNAPPY
            | DUMP_DH_COMPRESSED_ZSTD);
    let bad = |what: &str| PageFault::Corrupt(what.to_string());
    match comp {
        0 => {
            if data.len() != bs {
                return Err(bad("raw page of the wrong size"));
            }
            out.copy_from_slice(data);
        }
        DUMP_DH_COMPRESSED_ZLIB => {
            let mut d = flate2::read::ZlibDecoder::new(data);
            let mut filled = 0;
            while filled < bs {
                match d.read(&mut out[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) => return Err(PageFault::Corrupt(format!("zlib: {e}"))),
                }
            }
            if filled != bs {
                return Err(bad("zlib page decodes to the wrong size"));
            }
        }
        DUMP_DH_COMPRESSED_LZO => {
            let v = lzo_decompress(data, bs)?;
            out.copy_from_slice(&v);
        }
        DUMP_DH_COMPRESSED_SNAPPY => {
            match snap::raw::decompress_len(data) {
                Ok(n) if n == bs => {}
                _ => return Err(bad("snappy page decodes to the wrong size")),
            }
            snap::raw::Decoder::new()
                .decompress(data, out)
                .map_err(|e| PageFault::Corrupt(format!("snappy: {e}")))?;
        }
        DUMP_DH_COMPRESSED_ZSTD => {
            let mut d = zstd::bulk::Decompressor::new()
                .map_err(|e| PageFault::Corrupt(format!("zstd: {e}")))?;
            let n = d
                .decompress_to_buffer(data, out)
                .map_err(|e| PageFault::Corrupt(format!("zstd: {e}")))?;
            if n != bs {
                return Err(bad("zstd page decodes to the wrong size"));
            }
        }
        other => {
            return Err(PageFault::Unsupported(format!(
                "compression flags {other:#x}"
            )))
        }
    }
    Ok(())
}

/// LZO1X decompression, isolated so that a malformed stream cannot take the process down.
fn lzo_decompress(data: &[u8], bs: usize) -> Result<Vec<u8>, PageFault> {
    let r = std::panic::catch_unwind(|| lzokay_native::decompress_all(data, Some(bs)));
    match r {
        Ok(Ok(v)) if v.len() == bs => Ok(v),
        Ok(Ok(_)) => Err(PageFault::Corrupt(
            "LZO page decodes to the wrong size".into(),
        )),
        Ok(Err(e)) => Err(PageFault::Corrupt(format!("LZO: {e:?}"))),
        Err(_) => Err(PageFault::Corrupt("LZO: malformed stream".into())),
    }
}
