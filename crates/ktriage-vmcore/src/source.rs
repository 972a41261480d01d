//! Byte sources: a file read with positioned reads, or a buffer in memory.

use crate::error::{Error, Result};
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

/// Random-access byte source.
pub(crate) trait ReadAt: Send + Sync {
    /// Total length in bytes.
    fn size(&self) -> u64;
    /// Reads up to `buf.len()` bytes at `off`; returns how many were read (short at the end).
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<usize>;
}

/// A file read with `pread`, never loaded whole.
pub(crate) struct FileSource {
    file: File,
    len: u64,
}

impl FileSource {
    pub(crate) fn new(file: File) -> Result<Self> {
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl ReadAt for FileSource {
    fn size(&self) -> u64 {
        self.len
    }
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            let pos = match off.checked_add(done as u64) {
                Some(p) if p < self.len => p,
                _ => break,
            };
            match self.file.read_at(&mut buf[done..], pos) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}

/// A dump held in memory (tests, fuzzing, small inputs).
pub(crate) struct MemSource(pub(crate) Arc<[u8]>);

impl ReadAt for MemSource {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&self, off: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = self.0.len() as u64;
        if off >= len {
            return Ok(0);
        }
        let start = off as usize;
        let n = buf.len().min(self.0.len() - start);
        buf[..n].copy_from_slice(&self.0[start..start + n]);
        Ok(n)
    }
}

/// Reads exactly `buf.len()` bytes at `off`, or fails with [`Error::Truncated`].
pub(crate) fn read_exact_at(src: &dyn ReadAt, off: u64, buf: &mut [u8], what: &str) -> Result<()> {
    let n = src.read_at(off, buf)?;
    if n < buf.len() {
        return Err(Error::Truncated(format!(
            "{what}: {} bytes at offset {off:#x} but the file ends at {:#x}",
            buf.len(),
            src.size()
        )));
    }
    Ok(())
}

/// Reads `len` bytes at `off` into a new vector, checking the range against the file size
/// first so that a hostile length never causes a large allocation.
pub(crate) fn read_vec_at(src: &dyn ReadAt, off: u64, len: u64, what: &str) -> Result<Vec<u8>> {
    let end = off.checked_add(len);
    match end {
        Some(e) if e <= src.size() => {}
        _ => {
            return Err(Error::Truncated(format!(
                "{what}: {len} bytes at offset {off:#x} but the file ends at {:#x}",
                src.size()
            )))
        }
    }
    let mut v = vec![0u8; len as usize];
    read_exact_at(src, off, &mut v, what)?;
    Ok(v)
}

/// Little-endian field helpers over byte slices; out-of-range reads yield 0.
pub(crate) fn le_u16(b: &[u8], off: usize) -> u16 {
    b.get(off..off + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

/// Little-endian u32 at `off` (0 when out of range).
pub(crate) fn le_u32(b: &[u8], off: usize) -> u32 {
    b.get(off..off.saturating_add(4))
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

/// Little-endian u64 at `off` (0 when out of range).
pub(crate) fn le_u64(b: &[u8], off: usize) -> u64 {
    b.get(off..off.saturating_add(8))
        .map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            u64::from_le_bytes(a)
        })
        .unwrap_or(0)
}

/// Big-endian i64 at `off` (0 when out of range).
pub(crate) fn be_i64(b: &[u8], off: usize) -> i64 {
    b.get(off..off.saturating_add(8))
        .map(|s| {
            let mut a = [0u8; 8];
            a.copy_from_slice(s);
            i64::from_be_bytes(a)
        })
        .unwrap_or(0)
}

/// A NUL-terminated C string inside a fixed-size field, lossily decoded.
pub(crate) fn c_str(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}
