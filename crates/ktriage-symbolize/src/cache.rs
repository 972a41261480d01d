//! Answers about a kernel image remembered per build id: one text file per image under the
//! cache directory (`$XDG_CACHE_HOME/ktriage/symbols/BUILDID`), a line per lookup, written
//! whole to a temporary file and renamed. A line that does not parse is ignored, so a damaged
//! file only costs speed.

use crate::{Located, Lookup, Resolved, SourceLine};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Field separators (never in a symbol or path the cache keeps).
const FIELD: char = '\u{1f}';
const ITEM: char = '\u{1e}';

/// The cache of one image.
pub(crate) struct Cache {
    path: PathBuf,
    entries: HashMap<String, String>,
    dirty: bool,
}

/// The key of a lookup.
pub(crate) fn key(function: &str, offset: u64, len: Option<u64>, how: Lookup) -> String {
    let how = match how {
        Lookup::Return => 'r',
        Lookup::Exact => 'x',
    };
    format!(
        "{function}{FIELD}{offset:x}{FIELD}{}{FIELD}{how}",
        len.map_or(String::new(), |l| format!("{l:x}"))
    )
}

fn clean(s: &str) -> bool {
    !s.contains(['\n', '\t', FIELD, ITEM])
}

impl Cache {
    /// The cache file of build id `id` below `dir` (empty when there is none yet).
    pub(crate) fn load(dir: &Path, id: &[u8]) -> Cache {
        let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(hex);
        let mut entries = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(&path) {
            for line in text.lines() {
                if let Some((k, v)) = line.split_once('\t') {
                    entries.insert(k.to_string(), v.to_string());
                }
            }
        }
        Cache {
            path,
            entries,
            dirty: false,
        }
    }

    /// Whether nothing is cached.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A cached text value.
    pub(crate) fn get_text(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Remembers a text value.
    pub(crate) fn put_text(&mut self, key: &str, value: &str) {
        if clean(value) {
            self.entries.insert(key.to_string(), value.to_string());
            self.dirty = true;
        }
    }

    /// A cached lookup: `Some(None)` when it is known not to resolve.
    pub(crate) fn get(&self, key: &str) -> Option<Option<Located>> {
        let v = self.entries.get(key)?;
        if v == "-" {
            return Some(None);
        }
        let mut f = v.split(FIELD);
        let hex = |s: Option<&str>| u64::from_str_radix(s?, 16).ok();
        let address = hex(f.next())?;
        let symbol_size = hex(f.next())?;
        let size_matches = f.next()? == "1";
        let lines = f
            .next()
            .unwrap_or("")
            .split(ITEM)
            .filter(|s| !s.is_empty())
            .map(|item| {
                let mut p = item.split('\u{1d}');
                let function = p.next().filter(|s| !s.is_empty()).map(str::to_string);
                let file = p.next().filter(|s| !s.is_empty()).map(str::to_string);
                let line = p.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                SourceLine {
                    function,
                    file,
                    line,
                }
            })
            .collect();
        Some(Some(Located {
            resolved: Resolved {
                address,
                symbol_size,
                size_matches,
            },
            lines,
        }))
    }

    /// Remembers a lookup (when its strings can be written).
    pub(crate) fn put(&mut self, key: &str, found: Option<&Located>) {
        if key.contains(['\n', '\t']) {
            return;
        }
        let value = match found {
            None => "-".to_string(),
            Some(l) => {
                let ok = l.lines.iter().all(|s| {
                    s.function.as_deref().is_none_or(clean) && s.file.as_deref().is_none_or(clean)
                });
                if !ok {
                    return;
                }
                let lines: Vec<String> = l
                    .lines
                    .iter()
                    .map(|s| {
                        format!(
                            "{}\u{1d}{}\u{1d}{}",
                            s.function.as_deref().unwrap_or(""),
                            s.file.as_deref().unwrap_or(""),
                            s.line
                        )
                    })
                    .collect();
                format!(
                    "{:x}{FIELD}{:x}{FIELD}{}{FIELD}{}",
                    l.resolved.address,
                    l.resolved.symbol_size,
                    u8::from(l.resolved.size_matches),
                    lines.join(&ITEM.to_string())
                )
            }
        };
        self.entries.insert(key.to_string(), value);
        self.dirty = true;
    }

    /// Writes the file when something was learnt.
    pub(crate) fn save(&mut self) {
        if !self.dirty {
            return;
        }
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let mut text = String::new();
        for (k, v) in &self.entries {
            text.push_str(k);
            text.push('\t');
            text.push_str(v);
            text.push('\n');
        }
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &self.path).is_ok() {
            self.dirty = false;
        } else {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The cache directory: `$XDG_CACHE_HOME/ktriage/symbols`, else `~/.cache/ktriage/symbols`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("ktriage").join("symbols"))
}
