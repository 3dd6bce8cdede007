//! The whole catalog of a set of sources, as the last run left it: the entries as records
//! decoded on first use, the problems found, the packages named and the search index.
//!
//! The per-folder cache (`cache.rs`) spares a run from parsing files that did not change, but
//! it still decodes every entry and builds the index. When not one entry file of any source
//! changed, this snapshot replaces all of that: the run stats the files, reads one file and
//! decodes only what it shows. One snapshot per list of sources, in the cache folder.
//!
//! It is used only if it was written by this build, for the same sources, and lists the same
//! files with the same sizes and times, none of them changed within two seconds of the
//! snapshot being written. Its tables carry a checksum, and each record its own, checked when
//! the record is decoded. Anything else means it is not used, and the run writes a new one.
//!
//! Stat'ing every file is most of a warm run at 10,000 entries. With `ERRDEX_CACHE_CHECK=folders`
//! a run stats only the folders the snapshot lists (and any file named as a source): adding,
//! removing or renaming a file changes its folder's time, and so does `git checkout` or
//! `git pull`, which replace the files they update. An edit made in place, as most editors
//! make it, does not, and is not seen until something else in that folder changes: that is
//! the price of the opt-in, and why it is not the default.

use std::collections::BTreeSet;
use std::hash::Hasher;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::cache::{RACY, Stamp, build_id};
use super::codec::{Reader, Writer, checksum};
use super::corpus::{Blob, Corpus};
use super::diag::Diagnostic;
use super::load::{Catalog, Origin, Sources};
use super::search::{Index, IndexBytes};

/// Bumped when the layout changes.
const FORMAT: u32 = 2;

/// How a run tells whether the snapshot still describes the sources.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Check {
    /// Stat every entry file (the default): any change is seen.
    #[default]
    Files,
    /// Stat only the folders: files added, removed or replaced are seen, edits in place not.
    Folders,
}

impl Check {
    /// The check `ERRDEX_CACHE_CHECK` names (`files` or `folders`; unset or empty is
    /// `files`), or the value when it is neither.
    pub fn parse(value: Option<&str>) -> Result<Check, String> {
        match value.map(str::trim) {
            None | Some("" | "files") => Ok(Check::Files),
            Some("folders") => Ok(Check::Folders),
            Some(other) => Err(other.to_string()),
        }
    }

    /// The name `ERRDEX_CACHE_CHECK` takes for it.
    pub fn name(self) -> &'static str {
        match self {
            Check::Files => "files",
            Check::Folders => "folders",
        }
    }
}

/// The entry files of the sources, in load order, and the folders they are in (with each
/// source that is a file), each with its stamp.
#[derive(Debug, Default)]
pub struct Listing {
    /// Every entry file, in load order.
    pub files: Vec<(PathBuf, Stamp)>,
    /// Every folder walked, each stat'ed before it was listed, and each source that is a file.
    pub folders: Vec<(PathBuf, Stamp)>,
}

/// Every entry file of the sources, in load order, with its stamp; `None` when a folder
/// could not be walked or holds a symbolic link (the run then loads without a snapshot, and
/// the loader's own walk reports what it finds).
///
/// The same files `load::yaml_files` finds, for less: the file type comes from the folder
/// listing, so only entry files and folders are stat'ed (for their stamps).
pub fn files(sources: &Sources) -> Option<Listing> {
    let mut listing = Listing::default();
    for dir in &sources.dirs {
        let meta = std::fs::symlink_metadata(dir).ok()?;
        if meta.is_file() {
            // A file named as a source is loaded whatever its name.
            listing.files.push((dir.clone(), Stamp::of(&meta)));
            listing.folders.push((dir.clone(), Stamp::of(&meta)));
        } else if meta.is_dir() {
            let mut below = Listing::default();
            walk(dir, Stamp::of(&meta), &mut below)?;
            // Component by component, as the loader walks each folder in name order.
            below
                .files
                .sort_unstable_by(|a, b| component_order(&a.0, &b.0));
            listing.files.extend(below.files);
            listing.folders.extend(below.folders);
        } else {
            return None;
        }
    }
    Some(listing)
}

/// The order `Path::cmp` gives the clean paths a walk makes (no `.`, `..` or doubled
/// separators), at the cost of a byte comparison: a separator sorts before every other byte,
/// so a folder's name ends where the name of a longer sibling goes on. Comparing paths
/// component by component was an eighth of a warm start at 10,000 entries.
fn component_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let sep = std::path::MAIN_SEPARATOR as u8;
    let key = |c: &u8| if *c == sep { 0 } else { *c };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    a.iter().map(key).cmp(b.iter().map(key))
}

/// The entry files and folders below `root` (whose stamp is `stamp`) with their stamps, in
/// no particular order. The file type comes from the folder listing, and each stat is made
/// relative to the open folder. One thread: spreading the walk over both cores made it
/// slower on the machine this was measured on.
fn walk(root: &Path, stamp: Stamp, found: &mut Listing) -> Option<()> {
    let mut dirs = vec![(root.to_path_buf(), stamp)];
    while let Some((dir, stamp)) = dirs.pop() {
        let below = list(&dir, &mut found.files)?;
        found.folders.push((dir, stamp));
        dirs.extend(below);
    }
    Some(())
}

/// List one folder: its entry files (stat'ed) go to `found`; its subfolders are returned,
/// stat'ed before they are listed, so that a change made while they are listed shows as a
/// newer time next run. `None` for a folder that cannot be read or holds a symbolic link.
fn list(dir: &Path, found: &mut Vec<(PathBuf, Stamp)>) -> Option<Vec<(PathBuf, Stamp)>> {
    let mut subdirs = Vec::new();
    for item in std::fs::read_dir(dir).ok()? {
        let item = item.ok()?;
        let kind = item.file_type().ok()?;
        if kind.is_symlink() {
            return None;
        } else if kind.is_dir() {
            subdirs.push((item.path(), Stamp::of(&item.metadata().ok()?)));
        } else if kind.is_file() && super::load::is_entry_file(Path::new(&item.file_name())) {
            found.push((item.path(), Stamp::of(&item.metadata().ok()?)));
        }
    }
    Some(subdirs)
}

/// Where the snapshot of `sources` is kept in `cache_dir`.
pub fn path(cache_dir: &Path, sources: &Sources) -> PathBuf {
    let mut h = rustc_hash::FxHasher::default();
    h.write_u8(u8::from(sources.bundled));
    for d in &sources.dirs {
        h.write(d.as_os_str().as_encoded_bytes());
        h.write_u8(0);
    }
    cache_dir.join(format!("snapshot-{:016x}.bin", h.finish()))
}

fn write_stamp(w: &mut Writer, s: Stamp) {
    let (size, secs, nanos) = s.parts();
    w.u64(size);
    w.u64(secs);
    w.u32(nanos);
}

fn read_stamp(r: &mut Reader<'_>) -> Option<Stamp> {
    Some(Stamp::from_parts(r.u64()?, r.u64()?, r.u32()?))
}

/// The snapshot file mapped into memory, so that only what is read of it is loaded: the
/// tables, the index and the records of the entries shown.
fn map(file: &Path) -> Option<memmap2::Mmap> {
    let f = std::fs::File::open(file).ok()?;
    // SAFETY: the mapping is read-only, and errdex never changes a snapshot file in place:
    // a new one is written to a temporary file and renamed over it, which leaves this
    // mapping on the old file. Another program truncating the file while it is mapped
    // would end the process with SIGBUS; the cache folder is the user's own.
    unsafe { memmap2::Mmap::map(&f) }.ok()
}

/// A snapshot read, before its file list is compared with the sources' files (so that
/// reading it and listing the files can run at the same time).
pub struct Opened {
    catalog: Catalog,
    bytes: Arc<memmap2::Mmap>,
    /// Where the file table starts in `bytes`, and how many files it lists.
    files_at: usize,
    n_files: usize,
    /// Where the folder table starts in `bytes`, and how many folders it lists.
    folders_at: usize,
    n_folders: usize,
    written: SystemTime,
}

impl Opened {
    /// The `n` (path, stamp) rows of the table at `at`; a row that does not decode ends it
    /// with `None`.
    fn table(&self, at: usize, n: usize) -> impl Iterator<Item = Option<(&str, Stamp)>> {
        let mut r = self.bytes.get(at..).map(Reader::new);
        (0..n).map(move |_| {
            let r = r.as_mut()?;
            Some((r.str()?, read_stamp(r)?))
        })
    }

    /// Whether a stamp is old enough, when the snapshot was written, that a later change
    /// within the same clock tick cannot hide behind it.
    fn trusted(&self, s: Stamp) -> bool {
        s.time()
            .checked_add(RACY)
            .is_some_and(|t| t <= self.written)
    }

    /// Whether the snapshot was made from exactly these files, none of them changed close
    /// to when it was written.
    pub fn lists(&self, files: &[(PathBuf, Stamp)]) -> bool {
        files.len() == self.n_files
            && self
                .table(self.files_at, self.n_files)
                .zip(files)
                .all(|(row, (file, stamp))| {
                    row.is_some_and(|(p, s)| {
                        p.as_bytes() == file.as_os_str().as_encoded_bytes()
                            && s == *stamp
                            && self.trusted(s)
                    })
                })
    }

    /// Whether every folder the snapshot lists (and every source that is a file) still has
    /// the stamp it had, and none of them nor any entry file had changed close to when the
    /// snapshot was written: [`Check::Folders`]. Costs a stat per folder, none per file.
    pub fn folders_unchanged(&self) -> bool {
        self.n_folders > 0
            && self
                .table(self.files_at, self.n_files)
                .all(|row| row.is_some_and(|(_, s)| self.trusted(s)))
            && self.table(self.folders_at, self.n_folders).all(|row| {
                row.is_some_and(|(p, s)| {
                    self.trusted(s)
                        && std::fs::symlink_metadata(p)
                            .is_ok_and(|m| !m.file_type().is_symlink() && Stamp::of(&m) == s)
                })
            })
    }

    /// The catalog, once [`Opened::lists`] said yes.
    pub fn into_catalog(self) -> Catalog {
        self.catalog
    }
}

/// Read the snapshot of `sources`, if there is one this build wrote for them.
pub fn open(cache_dir: &Path, sources: &Sources) -> Option<Opened> {
    let bytes = Arc::new(map(&path(cache_dir, sources))?);
    let mut r = Reader::new(&bytes);
    let head_len = r.usize()?;
    let head = bytes.get(8..8usize.checked_add(head_len)?)?;
    let sum = r.take(head_len).and_then(|_| r.u64())?;
    if checksum(head) != sum {
        return None;
    }
    let records_at = r.position();
    let mut r = Reader::new(head);
    if r.u32()? != FORMAT || r.str()? != build_id() || (r.u8()? != 0) != sources.bundled {
        return None;
    }
    let n = r.len(8)?;
    if n != sources.dirs.len() {
        return None;
    }
    for d in &sources.dirs {
        if r.str()?.as_bytes() != d.as_os_str().as_encoded_bytes() {
            return None;
        }
    }
    let written = read_stamp(&mut r)?.time();
    let n_files = r.len(28)?;
    let files_at = 8 + r.position();
    for _ in 0..n_files {
        r.str()?;
        read_stamp(&mut r)?;
    }
    let n_folders = r.len(28)?;
    let folders_at = 8 + r.position();
    for _ in 0..n_folders {
        r.str()?;
        read_stamp(&mut r)?;
    }
    let diagnostics: Vec<Diagnostic> = serde_json::from_slice(r.bytes()?).ok()?;
    let n = r.len(8)?;
    let mut packages = BTreeSet::new();
    for _ in 0..n {
        packages.insert(r.str()?.to_string());
    }
    let mut entries = Corpus::default();
    let bundled = entries.add_blob(Blob::Static(super::load::bundled_blob()));
    let own = entries.add_blob(Blob::Mapped(Arc::clone(&bytes)));
    let n = r.len(41)?;
    for _ in 0..n {
        let kind = r.u8()?;
        let id = r.str()?;
        let origin = r.str()?;
        let (start, end, sum) = (r.usize()?, r.usize()?, r.u64()?);
        if start > end {
            return None;
        }
        match kind {
            0 => entries.push_record(
                id,
                Origin::Bundled(origin.to_string()),
                bundled,
                start..end,
                None,
            ),
            1 => {
                let range = records_at.checked_add(start)?..records_at.checked_add(end)?;
                if range.end > bytes.len() {
                    return None;
                }
                entries.push_record(
                    id,
                    Origin::File(PathBuf::from(origin)),
                    own,
                    range,
                    Some(sum),
                );
            }
            _ => return None,
        }
    }
    let range = super::codec::range_in(&bytes, r.bytes()?);
    let index = Index::read(IndexBytes::Shared(bytes.clone()), range)?;
    if index.len() != entries.len() || !r.done() {
        return None;
    }
    Some(Opened {
        catalog: Catalog::from_parts(entries, diagnostics, index, packages),
        bytes,
        files_at,
        n_files,
        folders_at,
        n_folders,
        written,
    })
}

/// Write the snapshot of `catalog` (loaded from `sources`, whose files and folders are
/// `listing`), with its `index`. Failing to write is not an error: the next run loads the
/// sources again.
pub fn write(
    cache_dir: &Path,
    sources: &Sources,
    listing: &Listing,
    catalog: &Catalog,
    index: &Index,
) -> Option<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut w = Writer::default();
    w.u32(FORMAT);
    w.str(&build_id());
    w.u8(u8::from(sources.bundled));
    w.usize(sources.dirs.len());
    for d in &sources.dirs {
        w.bytes(d.as_os_str().as_encoded_bytes());
    }
    write_stamp(
        &mut w,
        Stamp::from_parts(0, now.as_secs(), now.subsec_nanos()),
    );
    for table in [&listing.files, &listing.folders] {
        w.usize(table.len());
        for (f, s) in table {
            w.bytes(f.as_os_str().as_encoded_bytes());
            write_stamp(&mut w, *s);
        }
    }
    w.bytes(&serde_json::to_vec(&catalog.diagnostics).ok()?);
    let packages = catalog.packages();
    w.usize(packages.len());
    for p in &packages {
        w.str(p);
    }
    let corpus = &catalog.entries;
    let mut records: Vec<u8> = Vec::new();
    w.usize(corpus.len());
    for i in 0..corpus.len() {
        let (Some(id), Some(origin)) = (corpus.id(i), corpus.origin(i)) else {
            return None;
        };
        match (origin, corpus.bundled_range(i)) {
            (Origin::Bundled(p), Some(range)) => {
                w.u8(0);
                w.str(id);
                w.str(p);
                write_range(&mut w, range, 0);
            }
            (Origin::File(p), _) => {
                let json = serde_json::to_vec(corpus.get(i)?).ok()?;
                let start = records.len();
                records.extend_from_slice(&json);
                w.u8(1);
                w.str(id);
                w.bytes(p.as_os_str().as_encoded_bytes());
                write_range(&mut w, start..records.len(), checksum(&json));
            }
            // A bundled entry not read from the blob does not occur; nothing is written.
            (Origin::Bundled(_), None) => return None,
        }
    }
    w.bytes(&index.to_bytes());
    finish(cache_dir, sources, w.buf, &records)
}

fn write_range(w: &mut Writer, range: Range<usize>, sum: u64) {
    w.usize(range.start);
    w.usize(range.end);
    w.u64(sum);
}

/// The file: the head's length, the head, its checksum, then the records.
fn finish(cache_dir: &Path, sources: &Sources, head: Vec<u8>, records: &[u8]) -> Option<String> {
    let file = path(cache_dir, sources);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(cache_dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(cache_dir)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            out.write_all(&(head.len() as u64).to_le_bytes())?;
            out.write_all(&head)?;
            out.write_all(&checksum(&head).to_le_bytes())?;
            out.write_all(records)?;
            out.flush()?;
        }
        tmp.persist(&file).map_err(|e| e.error)?;
        Ok(())
    };
    write()
        .err()
        .map(|e| format!("the cache {} was not written: {e}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_sort_as_path_cmp_sorts_them() {
        let mut paths: Vec<PathBuf> = [
            "t/a-b/c.yaml",
            "t/a/b.yaml",
            "t/a.yaml",
            "t/a/a/z.yaml",
            "t/ab.yaml",
            "t/a b/x.yaml",
            "t/é/x.yaml",
            "t/a/b.yml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut want = paths.clone();
        want.sort();
        paths.sort_by(|a, b| component_order(a, b));
        assert_eq!(paths, want);
    }

    proptest! {
        #[test]
        fn component_order_agrees_with_path_cmp(
            a in prop::collection::vec("[a-c. _-]{1,3}", 1..4),
            b in prop::collection::vec("[a-c. _-]{1,3}", 1..4),
        ) {
            // Clean names only, as a walk makes them (`.` and `..` alone are not).
            prop_assume!(a.iter().chain(&b).all(|c| c != "." && c != ".."));
            let (pa, pb) = (PathBuf::from(a.join("/")), PathBuf::from(b.join("/")));
            prop_assert_eq!(component_order(&pa, &pb), pa.cmp(&pb));
        }
    }
}
