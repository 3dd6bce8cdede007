//! What loading a folder of entries produced, kept in the cache folder so the next run
//! reads one file instead of parsing and checking every entry again.
//!
//! One cache file per source folder (named by a hash of the folder's path, which it also
//! records). For each entry file it keeps the file's size and modification time and what
//! loading it gave: the entry, or the diagnostics. A file whose size or time changed, or
//! that is new, is loaded again; one that is gone is dropped. A cache written by another
//! build of errdex, or that does not decode, is ignored and rebuilt. Writing goes to a
//! temporary file in the same folder that is then renamed over the old one, so a reader
//! sees the old cache or the new one, never half of either, and two writers at once only
//! race for which whole file stays.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::diag::Diagnostic;
use super::entry::Entry;

/// Bumped when what is cached changes meaning.
const FORMAT: u32 = 1;
/// A file changed this close to when the cache was written may change again within the
/// same timestamp without its size changing: it is not trusted from the cache.
pub(crate) const RACY: Duration = Duration::from_secs(2);

/// What loading one entry file gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileResult {
    /// The entry, when the file had no errors.
    pub entry: Option<Entry>,
    /// Every problem found in the file.
    pub diags: Vec<Diagnostic>,
}

/// A file's size and modification time, which say whether it changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    secs: u64,
    nanos: u32,
}

impl Stamp {
    /// The stamp of `meta`.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let t = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .unwrap_or_default();
        Stamp {
            size: meta.len(),
            secs: t.as_secs(),
            nanos: t.subsec_nanos(),
        }
    }

    /// The modification time.
    pub(crate) fn time(&self) -> SystemTime {
        UNIX_EPOCH + Duration::new(self.secs, self.nanos)
    }

    /// Size, seconds and nanoseconds, to be written elsewhere.
    pub(crate) fn parts(self) -> (u64, u64, u32) {
        (self.size, self.secs, self.nanos)
    }

    /// A stamp from its [`Stamp::parts`] (nanoseconds past a second are cut).
    pub(crate) fn from_parts(size: u64, secs: u64, nanos: u32) -> Stamp {
        Stamp {
            size,
            secs,
            nanos: nanos.min(999_999_999),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CachedFile {
    path: PathBuf,
    stamp: Stamp,
    result: FileResult,
}

#[derive(Serialize, Deserialize)]
struct SourceCache {
    format: u32,
    /// Which build of errdex wrote it.
    build: String,
    /// The source folder.
    root: PathBuf,
    /// When it was written.
    written: Stamp,
    files: Vec<CachedFile>,
}

/// The cache of one source folder: what it held when last read, and what changed since.
pub struct FolderCache {
    file: PathBuf,
    root: PathBuf,
    build: String,
    old: rustc_hash::FxHashMap<PathBuf, (Stamp, FileResult)>,
    written: SystemTime,
    /// Something to tell the user (the cache could not be read), at most one line.
    pub note: Option<String>,
    changed: bool,
    new: Vec<CachedFile>,
}

impl FolderCache {
    /// Open the cache of `root` kept in `cache_dir` (it need not exist yet).
    pub fn open(cache_dir: &Path, root: &Path) -> FolderCache {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut h = rustc_hash::FxHasher::default();
        h.write(root.as_os_str().as_encoded_bytes());
        let file = cache_dir.join(format!("sources-{:016x}.json", h.finish()));
        let build = build_id();
        let mut cache = FolderCache {
            file,
            root,
            build,
            old: Default::default(),
            written: UNIX_EPOCH,
            note: None,
            changed: false,
            new: Vec::new(),
        };
        match std::fs::read(&cache.file) {
            Ok(bytes) => match serde_json::from_slice::<SourceCache>(&bytes) {
                Ok(c) if c.format == FORMAT && c.build == cache.build && c.root == cache.root => {
                    cache.written = c.written.time();
                    cache.old = c
                        .files
                        .into_iter()
                        .map(|f| (f.path, (f.stamp, f.result)))
                        .collect();
                }
                // Another build's cache: rebuilt quietly.
                Ok(_) => cache.changed = true,
                Err(e) => {
                    cache.changed = true;
                    cache.note = Some(format!(
                        "the cache {} could not be read ({e}); it is rebuilt",
                        cache.file.display()
                    ));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => cache.changed = true,
            Err(e) => {
                cache.changed = true;
                cache.note = Some(format!(
                    "the cache {} could not be read ({e}); it is rebuilt",
                    cache.file.display()
                ));
            }
        }
        cache
    }

    /// Where this folder's cache is kept.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// What `path` gave when it had `stamp`, if the cache knows and can trust it.
    pub fn take(&mut self, path: &Path, stamp: Stamp) -> Option<FileResult> {
        let (old, _) = self.old.get(path)?;
        let trusted = *old == stamp
            && stamp
                .time()
                .checked_add(RACY)
                .is_some_and(|t| t <= self.written);
        if !trusted {
            return None;
        }
        self.old.remove(path).map(|(_, r)| r)
    }

    /// Record what `path` gives now; `fresh` when it was loaded rather than taken from the
    /// cache.
    pub fn keep(&mut self, path: PathBuf, stamp: Stamp, result: FileResult, fresh: bool) {
        self.changed |= fresh;
        self.new.push(CachedFile {
            path,
            stamp,
            result,
        });
    }

    /// Whether the cache must be written even if every file came from it: it could not be
    /// used, or files it knew are gone.
    pub fn stale(&self) -> bool {
        self.changed || !self.old.is_empty()
    }

    /// Write the cache if anything changed (files loaded again, or gone). Failing to write
    /// is not an error: the next run loads the files again.
    pub fn save(self) -> Option<String> {
        // Files left in `old` are gone from the folder.
        if !self.changed && self.old.is_empty() {
            return None;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let cache = SourceCache {
            format: FORMAT,
            build: self.build,
            root: self.root,
            written: Stamp {
                size: 0,
                secs: now.as_secs(),
                nanos: now.subsec_nanos(),
            },
            files: self.new,
        };
        let dir = self.file.parent()?;
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            serde_json::to_writer(std::io::BufWriter::new(tmp.as_file_mut()), &cache)
                .map_err(std::io::Error::from)?;
            tmp.as_file_mut().flush()?;
            tmp.persist(&self.file).map_err(|e| e.error)?;
            Ok(())
        };
        write()
            .err()
            .map(|e| format!("the cache {} was not written: {e}", self.file.display()))
    }
}

/// This build of errdex: its version and its executable's size and time, so a rebuilt
/// binary (new checks, new entry fields) never trusts an older build's cache.
pub(crate) fn build_id() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| Stamp::of(&m));
    match exe {
        Some(s) => format!(
            "{}+{}.{}.{}",
            env!("CARGO_PKG_VERSION"),
            s.size,
            s.secs,
            s.nanos
        ),
        None => env!("CARGO_PKG_VERSION").to_string(),
    }
}
