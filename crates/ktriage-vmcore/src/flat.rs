//! makedumpfile's flattened format: a stream of `{offset, size}` records replayed with
//! "last writer wins" into a virtual file.

use crate::error::{Error, Result};
use crate::source::{be_i64, read_exact_at, ReadAt};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Size of the flattened header.
pub(crate) const FLAT_HEADER_SIZE: u64 = 4096;
/// Signature at offset 0.
pub(crate) const FLAT_SIGNATURE: &[u8; 16] = b"makedumpfile\0\0\0\0";
/// Most records accepted (each costs a map entry).
const MAX_RECORDS: usize = 32 << 20;
/// Largest reassembled file size accepted (1 PiB).
const MAX_VIRTUAL_SIZE: u64 = 1 << 50;

/// The reassembled view of a flattened file.
pub(crate) struct FlatSource {
    inner: Arc<dyn ReadAt>,
    /// dest start -> (len, src offset); intervals never overlap.
    map: BTreeMap<u64, (u64, u64)>,
    size: u64,
    /// Problems found while scanning (truncation, odd records).
    pub(crate) warnings: Vec<String>,
}

impl FlatSource {
    /// Scans the record list once and builds the interval map.
    pub(crate) fn new(inner: Arc<dyn ReadAt>) -> Result<FlatSource> {
        let mut hdr = [0u8; 32];
        read_exact_at(&*inner, 0, &mut hdr, "flattened header")?;
        let ty = be_i64(&hdr, 16);
        let version = be_i64(&hdr, 24);
        if ty != 1 {
            return Err(Error::Unsupported(format!(
                "flattened dump of type {ty} (expected 1)"
            )));
        }
        let mut warnings = Vec::new();
        if version != 1 {
            warnings.push(format!("flattened dump version {version} (expected 1)"));
        }
        let file_len = inner.size();
        let mut map: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
        let mut size = 0u64;
        let mut pos = FLAT_HEADER_SIZE;
        let mut records = 0usize;
        let mut ended = false;
        while pos < file_len {
            let mut rh = [0u8; 16];
            if inner.read_at(pos, &mut rh)? < 16 {
                break;
            }
            let off = be_i64(&rh, 0);
            let len = be_i64(&rh, 8);
            if off == -1 {
                ended = true;
                break;
            }
            if off < 0 || len < 0 {
                warnings.push(format!(
                    "flattened record at {pos:#x} has a negative offset or size; stopped there"
                ));
                ended = true;
                break;
            }
            let (off, len) = (off as u64, len as u64);
            let src = pos + 16;
            let avail = file_len - src.min(file_len);
            let take = len.min(avail);
            if !matches!(off.checked_add(take), Some(e) if e <= MAX_VIRTUAL_SIZE) {
                warnings.push(format!(
                    "flattened record at {pos:#x} targets an absurd offset {off:#x}; stopped there"
                ));
                ended = true;
                break;
            }
            if take > 0 {
                insert(&mut map, off, take, src);
                size = size.max(off + take);
                records += 1;
                if records > MAX_RECORDS {
                    return Err(Error::Unsupported(format!(
                        "flattened dump with more than {MAX_RECORDS} records; reassemble it with 'makedumpfile -R'"
                    )));
                }
            }
            if take < len {
                warnings.push(format!(
                    "flattened record at {pos:#x} is truncated ({take} of {len} bytes present)"
                ));
                ended = true;
                break;
            }
            pos = src + len;
        }
        if !ended {
            warnings.push("flattened dump has no end marker (truncated?)".to_string());
        }
        Ok(FlatSource {
            inner,
            map,
            size,
            warnings,
        })
    }
}

/// Inserts `[d, d+l)` mapped to `s`, trimming older intervals it overlaps.
fn insert(map: &mut BTreeMap<u64, (u64, u64)>, d: u64, l: u64, s: u64) {
    let end = d + l;
    let mut hit = Vec::new();
    for (&k, &(kl, ks)) in map.range(..end).rev() {
        if k + kl <= d {
            break;
        }
        hit.push((k, kl, ks));
    }
    for (k, kl, ks) in hit {
        map.remove(&k);
        if k < d {
            map.insert(k, (d - k, ks));
        }
        let kend = k + kl;
        if kend > end {
            map.insert(end, (kend - end, ks + (end - k)));
        }
    }
    map.insert(d, (l, s));
}

impl ReadAt for FlatSource {
    fn size(&self) -> u64 {
        self.size
    }
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        if off >= self.size {
            return Ok(0);
        }
        let n = buf
            .len()
            .min((self.size - off).min(usize::MAX as u64) as usize);
        let mut done = 0usize;
        while done < n {
            let cur = off + done as u64;
            let want = n - done;
            match self.map.range(..=cur).next_back() {
                Some((&k, &(kl, ks))) if cur < k + kl => {
                    let chunk = want.min((k + kl - cur) as usize);
                    let got = self
                        .inner
                        .read_at(ks + (cur - k), &mut buf[done..done + chunk])?;
                    if got < chunk {
                        return Ok(done + got);
                    }
                    done += chunk;
                }
                _ => {
                    // A gap never written: reads as zeros, like a sparse file.
                    let next = self
                        .map
                        .range(cur..)
                        .next()
                        .map(|(&k, _)| k)
                        .unwrap_or(self.size);
                    let chunk = want.min((next - cur) as usize);
                    buf[done..done + chunk].fill(0);
                    done += chunk;
                }
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_writer_wins() {
        let mut m = BTreeMap::new();
        insert(&mut m, 0, 100, 1000);
        insert(&mut m, 10, 20, 5000);
        insert(&mut m, 90, 20, 7000);
        let v: Vec<_> = m.iter().map(|(&k, &(l, s))| (k, l, s)).collect();
        assert_eq!(
            v,
            vec![
                (0, 10, 1000),
                (10, 20, 5000),
                (30, 60, 1030),
                (90, 20, 7000)
            ]
        );
        insert(&mut m, 0, 200, 9);
        assert_eq!(m.len(), 1);
    }
}
