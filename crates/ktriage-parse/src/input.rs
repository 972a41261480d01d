//! Opening inputs: files, directories, stdin; transparent gzip/xz/zstd; bounded line reading.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Read buffer of a file or decompressor: the size of the blocks the analyzer scans.
pub const READ_BUFFER: usize = 1 << 20;

/// Longest physical line kept; the rest of a longer line is dropped (and reported).
pub const MAX_LINE: usize = 64 * 1024;

/// Errors opening an input.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// Offending path.
        path: String,
        /// Underlying error.
        source: io::Error,
    },
    /// A vmcore could not be opened, or its kernel log not read.
    #[error("{path}: {what}{source}")]
    Vmcore {
        /// Offending path.
        path: String,
        /// What was being read (`""` for the dump itself, `"reading the kernel log: "`).
        what: &'static str,
        /// Underlying error.
        source: ktriage_vmcore::Error,
    },
}

/// How [`walk`] expands the command-line paths.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Follow symbolic links inside directories (`-L`); links named on the command line are
    /// always read.
    pub follow_links: bool,
    /// `-g` globs: `PATTERN` includes, `!PATTERN` excludes; matched against the path below
    /// the directory given (and the file name). Files named on the command line always count.
    pub globs: Vec<String>,
}

/// One input to read: a file path, or stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name used in reports and messages (lossy for non-UTF-8 names).
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(p) => p.to_string_lossy().into_owned(),
        }
    }
}

/// What the walk found: the inputs, in order, and the paths it could not read (each named).
#[derive(Debug, Default)]
pub struct Walk {
    /// Files (and stdin) to read.
    pub inputs: Vec<Input>,
    /// Missing or unreadable paths; the walk went on past each.
    pub problems: Vec<InputError>,
}

/// A `-g` glob that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("bad --glob {glob:?}: {source}")]
pub struct GlobError {
    /// The glob as given.
    pub glob: String,
    /// Why it does not parse.
    pub source: globset::Error,
}

struct Globs {
    include: Option<globset::GlobSet>,
    exclude: globset::GlobSet,
}

impl Globs {
    fn new(globs: &[String]) -> Result<Globs, GlobError> {
        let mut inc = globset::GlobSetBuilder::new();
        let mut exc = globset::GlobSetBuilder::new();
        let mut any_inc = false;
        for g in globs {
            let (neg, pat) = match g.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, g.as_str()),
            };
            let glob = globset::GlobBuilder::new(pat)
                .literal_separator(false)
                .build()
                .map_err(|e| GlobError {
                    glob: g.clone(),
                    source: e,
                })?;
            if neg {
                exc.add(glob);
            } else {
                inc.add(glob);
                any_inc = true;
            }
        }
        let build = |b: globset::GlobSetBuilder, g: &str| {
            b.build().map_err(|e| GlobError {
                glob: g.to_string(),
                source: e,
            })
        };
        Ok(Globs {
            include: if any_inc { Some(build(inc, "")?) } else { None },
            exclude: build(exc, "")?,
        })
    }

    fn admits(&self, rel: &Path) -> bool {
        let name = rel.file_name().map(Path::new).unwrap_or(rel);
        let hit = |set: &globset::GlobSet| set.is_match(rel) || set.is_match(name);
        !hit(&self.exclude) && self.include.as_ref().is_none_or(hit)
    }
}

/// Expands the command-line paths like ripgrep: directories recursively (sorted, no depth
/// limit, symlink loops detected when following links), `-` for stdin. A missing or
/// unreadable path, at the top or deep inside a directory, is a problem named by its own path;
/// the walk goes on.
pub fn walk(paths: &[PathBuf], opts: &WalkOptions) -> Result<Walk, GlobError> {
    let globs = Globs::new(&opts.globs)?;
    let mut w = Walk::default();
    for p in paths {
        if p.as_os_str() == "-" {
            w.inputs.push(Input::Stdin);
            continue;
        }
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                w.problems.push(InputError::Io {
                    path: p.to_string_lossy().into_owned(),
                    source: e,
                });
                continue;
            }
        };
        if !meta.is_dir() {
            w.inputs.push(Input::File(p.clone()));
            continue;
        }
        let walker = walkdir::WalkDir::new(p)
            .follow_links(opts.follow_links)
            .sort_by_file_name();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let ft = e.file_type();
                    if !ft.is_file() {
                        continue;
                    }
                    let rel = e.path().strip_prefix(p).unwrap_or(e.path());
                    if globs.admits(rel) {
                        w.inputs.push(Input::File(e.into_path()));
                    }
                }
                Err(e) => {
                    let path = e.path().unwrap_or(p).to_string_lossy().into_owned();
                    let source = match e.io_error() {
                        Some(io) => io::Error::new(io.kind(), io.to_string()),
                        None => io::Error::other(e.to_string()),
                    };
                    w.problems.push(InputError::Io { path, source });
                }
            }
        }
    }
    Ok(w)
}

/// Expands paths (directories recursively, `-` for stdin) with default options; the first
/// problem is the error. For callers that want all or nothing.
pub fn expand_paths(paths: &[String]) -> Result<Vec<String>, InputError> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let w = walk(&paths, &WalkOptions::default()).map_err(|e| InputError::Io {
        path: e.glob.clone(),
        source: io::Error::other(e.to_string()),
    })?;
    if let Some(e) = w.problems.into_iter().next() {
        return Err(e);
    }
    Ok(w.inputs.iter().map(Input::display).collect())
}

/// The live kernel log device.
pub const KMSG: &str = "/dev/kmsg";

/// Whether `p` is the kernel log device (`/dev/kmsg`, or a character device of that name).
fn is_kmsg(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    p == Path::new(KMSG)
        || (p.file_name() == Some(std::ffi::OsStr::new("kmsg"))
            && std::fs::metadata(p).is_ok_and(|m| m.file_type().is_char_device()))
}

/// Reads `/dev/kmsg` like `dmesg` does: non-blocking, one record per read, stopping at the
/// end of the buffer instead of waiting for the next message; records overwritten while
/// reading (`EPIPE`) are skipped.
struct KmsgReader {
    file: File,
    record: Vec<u8>,
    pos: usize,
    done: bool,
}

impl KmsgReader {
    fn open(p: &Path) -> io::Result<KmsgReader> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(p)?;
        Ok(KmsgReader {
            file,
            record: vec![0; 0],
            pos: 0,
            done: false,
        })
    }
}

impl Read for KmsgReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.record.len() {
            if self.done {
                return Ok(0);
            }
            // A record is at most 8 KiB of text plus its dictionary.
            self.record.resize(16 * 1024, 0);
            self.pos = 0;
            match self.file.read(&mut self.record) {
                Ok(0) => {
                    self.done = true;
                    self.record.clear();
                }
                Ok(n) => {
                    self.record.truncate(n);
                    if self.record.last() != Some(&b'\n') {
                        self.record.push(b'\n');
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.done = true;
                    self.record.clear();
                }
                Err(e) if e.raw_os_error() == Some(libc::EPIPE) => self.record.clear(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.record.clear(),
                Err(e) => return Err(e),
            }
        }
        let n = out.len().min(self.record.len() - self.pos);
        out[..n].copy_from_slice(&self.record[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Compression detected from a stream's magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip.
    Gzip,
    /// xz.
    Xz,
    /// zstd.
    Zstd,
}

impl Compression {
    /// Detects compression from the first bytes of a stream.
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Compression::Xz
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// Name for reports, `None` for plain input.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
            Compression::Xz => Some("xz"),
            Compression::Zstd => Some("zstd"),
        }
    }
}

/// An opened input: a buffered, decompressed byte stream.
pub struct Opened {
    /// Path as given.
    pub path: String,
    /// Compression the stream is read through.
    pub compression: Compression,
    /// The decompressed stream.
    pub reader: Box<dyn BufRead + Send>,
}

/// Opens a path (or `-` for stdin), decompressing by magic.
pub fn open(path: &str) -> Result<Opened, InputError> {
    let input = if path == "-" {
        Input::Stdin
    } else {
        Input::File(PathBuf::from(path))
    };
    open_input(&input)
}

/// Opens an input, decompressing by magic; errors carry its display name.
pub fn open_input(input: &Input) -> Result<Opened, InputError> {
    let path = input.display();
    let path = path.as_str();
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(io::stdin()),
        Input::File(p) if is_kmsg(p) => {
            Box::new(KmsgReader::open(p).map_err(|e| InputError::Io {
                path: path.to_string(),
                source: e,
            })?)
        }
        Input::File(p) => Box::new(File::open(p).map_err(|e| InputError::Io {
            path: path.to_string(),
            source: e,
        })?),
    };
    let mut buffered = BufReader::with_capacity(READ_BUFFER, raw);
    let head = buffered.fill_buf().map_err(|e| InputError::Io {
        path: path.to_string(),
        source: e,
    })?;
    let compression = Compression::sniff(head);
    let reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )),
        Compression::Xz => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            xz2::bufread::XzDecoder::new_multi_decoder(buffered),
        )),
        Compression::Zstd => {
            let dec =
                zstd::stream::read::Decoder::with_buffer(buffered).map_err(|e| InputError::Io {
                    path: path.to_string(),
                    source: e,
                })?;
            Box::new(BufReader::with_capacity(READ_BUFFER, dec))
        }
    };
    Ok(Opened {
        path: path.to_string(),
        compression,
        reader,
    })
}

/// Reads physical lines in blocks straight out of the reader's buffer: a block is a run of
/// whole lines (each ended by the terminator, but perhaps the last one at the end of input),
/// handed out without a copy. A line that spans two reads is assembled in a carry buffer of
/// at most [`MAX_LINE`]` + 1` bytes; lines longer than [`MAX_LINE`] are cut by their consumer
/// ([`Block::lines`], [`LineReader::next_line`]) and the rest of a carried one is dropped.
pub struct LineReader<R> {
    inner: R,
    /// The line assembled across reads (the current block when `in_carry`).
    carry: Vec<u8>,
    in_carry: bool,
    /// Bytes of the current block still to be consumed from `inner`.
    consume: usize,
    /// Bytes handed out (or dropped from a carried line) so far.
    bytes: u64,
    /// The line terminator: `\n`, or `\r` for a file that ends its lines with bare CRs
    /// (decided on the first buffer: CRs and no LF).
    terminator: Option<u8>,
    /// [`LineReader::next_line`]'s place in the current block (offset, block length).
    pos: usize,
    block_len: usize,
    line_no: u64,
    /// Line numbers of lines that were cut (first few only).
    pub truncated: Vec<u64>,
}

/// A run of whole lines; see [`LineReader::next_block`].
pub struct Block<'a> {
    /// The lines, each ended by `term` (the last one perhaps not, at the end of input).
    pub data: &'a [u8],
    /// The line terminator.
    pub term: u8,
}

impl<'a> Block<'a> {
    /// The block's lines (without terminator), each cut at [`MAX_LINE`], with whether it was.
    pub fn lines(&self) -> BlockLines<'a> {
        BlockLines {
            data: self.data,
            pos: 0,
            term: self.term,
        }
    }
}

/// Iterator over the lines of a [`Block`].
pub struct BlockLines<'a> {
    data: &'a [u8],
    pos: usize,
    term: u8,
}

impl<'a> BlockLines<'a> {
    /// Byte offset of the next line in the block.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Continues at byte offset `pos` (a line start).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos;
    }
}

impl<'a> Iterator for BlockLines<'a> {
    type Item = (&'a [u8], bool);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..).filter(|r| !r.is_empty())?;
        let (line, step) = match memchr::memchr(self.term, rest) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += step;
        Some(cut_line(line))
    }
}

/// A line cut at [`MAX_LINE`], with whether it was.
#[inline]
pub fn cut_line(line: &[u8]) -> (&[u8], bool) {
    if line.len() > MAX_LINE {
        (&line[..MAX_LINE], true)
    } else {
        (line, false)
    }
}

/// Longest block handed out (an in-memory reader may offer its whole input at once).
pub const MAX_BLOCK: usize = 16 << 20;

/// Where the next block comes from.
enum Next {
    /// `n` bytes of the reader's buffer.
    Direct(usize),
    /// The carry buffer.
    Carry,
    End,
}

impl<R: BufRead> LineReader<R> {
    /// Wraps a buffered reader.
    pub fn new(inner: R) -> Self {
        LineReader {
            inner,
            carry: Vec::new(),
            in_carry: false,
            consume: 0,
            bytes: 0,
            terminator: None,
            pos: 0,
            block_len: 0,
            line_no: 0,
            truncated: Vec::new(),
        }
    }

    /// Total bytes handed out so far (the whole input once the last block is out).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The next block of whole lines, or `None` at the end of input. An error leaves the
    /// lines before it handed out; a line cut short by it is lost.
    pub fn next_block(&mut self) -> io::Result<Option<Block<'_>>> {
        if self.consume > 0 {
            self.inner.consume(self.consume);
            self.consume = 0;
        }
        self.carry.clear();
        self.in_carry = false;
        let mut dropped = 0u64;
        let next = loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break if self.carry.is_empty() {
                    Next::End
                } else {
                    Next::Carry
                };
            }
            let term = *self.terminator.get_or_insert_with(|| {
                let head = &avail[..avail.len().min(64 * 1024)];
                if memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some() {
                    b'\r'
                } else {
                    b'\n'
                }
            });
            if self.carry.is_empty() {
                if let Some(i) = memchr::memrchr(term, &avail[..avail.len().min(MAX_BLOCK)]) {
                    break Next::Direct(i + 1);
                }
            }
            let (take, done) = match memchr::memchr(term, avail) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            let body = if done { take - 1 } else { take };
            let room = (MAX_LINE + 1).saturating_sub(self.carry.len());
            self.carry.extend_from_slice(&avail[..body.min(room)]);
            dropped += body.saturating_sub(room) as u64;
            if done {
                self.carry.push(term);
            }
            self.inner.consume(take);
            if done {
                break Next::Carry;
            }
        };
        let term = self.terminator.unwrap_or(b'\n');
        match next {
            Next::End => Ok(None),
            Next::Carry => {
                self.in_carry = true;
                self.bytes += self.carry.len() as u64 + dropped;
                Ok(Some(Block {
                    data: &self.carry,
                    term,
                }))
            }
            Next::Direct(n) => {
                self.consume = n;
                self.bytes += n as u64;
                let avail = self.inner.fill_buf()?;
                Ok(Some(Block {
                    data: &avail[..n],
                    term,
                }))
            }
        }
    }

    /// Returns the next line (without terminator, cut at [`MAX_LINE`]) and its 1-based
    /// number, or `None` at end.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, &[u8])>> {
        while self.pos >= self.block_len {
            match self.next_block()? {
                None => return Ok(None),
                Some(b) => {
                    self.block_len = b.data.len();
                    self.pos = 0;
                }
            }
        }
        let term = self.terminator.unwrap_or(b'\n');
        let data: &[u8] = if self.in_carry {
            &self.carry
        } else {
            &self.inner.fill_buf()?[..self.block_len]
        };
        let mut lines = BlockLines {
            data,
            pos: self.pos,
            term,
        };
        let (line, cut) = lines.next().unwrap_or((&[], false));
        self.pos = lines.pos;
        self.line_no += 1;
        if cut && self.truncated.len() < 16 {
            self.truncated.push(self.line_no);
        }
        Ok(Some((self.line_no, line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads every line through a reader that returns at most `step` bytes per call.
    fn lines_of(data: &[u8], step: usize) -> (Vec<Vec<u8>>, Vec<u64>, u64) {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(self.1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = LineReader::new(io::BufReader::with_capacity(
            step.min(1 << 20),
            Trickle(data, step),
        ));
        let mut out = Vec::new();
        while let Some((n, l)) = r.next_line().unwrap() {
            assert_eq!(n as usize, out.len() + 1);
            out.push(l.to_vec());
        }
        (out, r.truncated.clone(), r.bytes())
    }

    #[test]
    fn lines_split_at_any_read_boundary() {
        // A real console excerpt (seed 003, tests/fixtures/cases/nested-oops-die-lock).
        let data = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ktriage/tests/fixtures/cases/nested-oops-die-lock/console.log"
        ))
        .unwrap();
        let want: Vec<&[u8]> = data
            .strip_suffix(b"\n")
            .unwrap_or(&data)
            .split(|&b| b == b'\n')
            .collect();
        for step in [1, 7, 4096, usize::MAX] {
            let (got, cut, bytes) = lines_of(&data, step);
            assert_eq!(got, want, "read size {step}");
            assert!(cut.is_empty());
            assert_eq!(bytes, data.len() as u64);
        }
    }

    #[test]
    fn overlong_lines_are_cut_and_counted() {
        let mut data = b"first\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        data.extend_from_slice(b"\nlast without newline");
        for step in [1000, usize::MAX] {
            let (got, cut, bytes) = lines_of(&data, step);
            assert_eq!(got.len(), 3);
            assert_eq!(got[1].len(), MAX_LINE);
            assert_eq!(got[2], b"last without newline");
            assert_eq!(cut, vec![2]);
            assert_eq!(bytes, data.len() as u64);
        }
        // A line of exactly MAX_LINE bytes is whole.
        let exact = [vec![b'y'; MAX_LINE], b"\n".to_vec()].concat();
        let (got, cut, _) = lines_of(&exact, usize::MAX);
        assert_eq!((got[0].len(), cut.len()), (MAX_LINE, 0));
    }
}
