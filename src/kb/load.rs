//! Where entries come from, in order of precedence, and how a file becomes entries or
//! diagnostics. A bad file never stops loading: it is skipped and reported.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::codec::Reader;
use super::corpus::{Blob, Corpus};
use super::diag::{Diagnostic, Severity};
use super::entry::Entry;
use super::fsutil;
use super::locate::{locate, parse_path};
use super::search::{Index, IndexBytes};
use super::snapshot::Check;
use super::validate::{Depth, validate_at};
use super::yaml::{self, YamlError};

static BUNDLED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/bundled.bin"));

/// Where a loaded entry came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary from the repository's `entries/` folder.
    Bundled(String),
    /// A file on disk.
    File(PathBuf),
}

impl Origin {
    /// The path to show the user.
    pub fn display(&self) -> String {
        match self {
            Origin::Bundled(p) => format!("(bundled) {p}"),
            Origin::File(p) => p.display().to_string(),
        }
    }
}

/// An entry and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The entry.
    pub entry: Entry,
    /// Its source file.
    pub origin: Origin,
}

/// Everything loaded from all sources, and what went wrong on the way.
#[derive(Default)]
pub struct Catalog {
    /// Entries, one per id, later sources having replaced earlier ones.
    pub entries: Corpus,
    /// Problems found, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Things to tell the user that are not about entries (a cache that could not be read).
    pub notes: Vec<String>,
    /// The search index over `entries`, when it was read instead of built: the bundled
    /// corpus alone, or a snapshot of the same sources.
    index: Option<Index>,
    /// The packages the entries name, when they were read with the index.
    packages: Option<BTreeSet<String>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("entries", &self.entries)
            .field("diagnostics", &self.diagnostics)
            .field("notes", &self.notes)
            .field("index_read", &self.index.is_some())
            .finish()
    }
}

impl Catalog {
    /// A catalog read whole, with its index (see `snapshot.rs`).
    pub(crate) fn from_parts(
        entries: Corpus,
        diagnostics: Vec<Diagnostic>,
        index: Index,
        packages: BTreeSet<String>,
    ) -> Catalog {
        Catalog {
            entries,
            diagnostics,
            notes: Vec::new(),
            index: Some(index),
            packages: Some(packages),
        }
    }

    /// Number of files or entries that were skipped because of errors.
    pub fn skipped(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.file.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// The entry with this id, with its origin.
    pub fn get(&self, id: &str) -> Option<(&Entry, &Origin)> {
        let i = self.entries.position(id)?;
        Some((self.entries.get(i)?, self.entries.origin(i)?))
    }

    /// The search index over the entries: the one read with them, or one built now.
    pub fn index(&mut self) -> Index {
        self.index
            .take()
            .unwrap_or_else(|| self.entries.build_index())
    }

    /// Every package the entries name in a version range or a workaround's `requires`.
    pub fn packages(&self) -> BTreeSet<String> {
        match &self.packages {
            Some(p) => p.clone(),
            None => super::fit::packages(self.entries.iter()),
        }
    }

    /// The entries, in catalog order, without their origins (each decoded).
    pub fn into_entries(self) -> Vec<Entry> {
        self.entries.into_entries()
    }
}

/// The sources to load, in order of precedence (later wins).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Load the corpus compiled into the binary.
    pub bundled: bool,
    /// Folders, lowest precedence first (user data folder, ERRDEX_PATH, --entries).
    pub dirs: Vec<PathBuf>,
    /// Where to keep what loading each folder gave (None: load every file every time).
    pub cache: Option<PathBuf>,
    /// How a run tells whether the snapshot of these sources is current.
    pub check: Check,
    /// A value of `ERRDEX_CACHE_CHECK` that names no check (then `check` is the default).
    pub bad_check: Option<String>,
}

/// The environment the sources depend on, injectable for tests.
#[derive(Debug, Clone, Default)]
pub struct SourceEnv {
    /// The user's entries folder (under the data folder), if the platform has one.
    pub user_entries: Option<PathBuf>,
    /// The value of `ERRDEX_PATH`.
    pub errdex_path: Option<String>,
    /// errdex's cache folder, if the platform has one.
    pub cache_dir: Option<PathBuf>,
    /// The value of `ERRDEX_CACHE_CHECK`.
    pub cache_check: Option<String>,
}

impl SourceEnv {
    /// Read the real environment.
    pub fn from_process() -> Self {
        let paths = super::paths::Paths::discover();
        SourceEnv {
            user_entries: paths.as_ref().map(|p| p.entries_dir.clone()),
            errdex_path: std::env::var("ERRDEX_PATH").ok(),
            cache_dir: paths.map(|p| p.cache_dir),
            cache_check: std::env::var("ERRDEX_CACHE_CHECK").ok(),
        }
    }
}

impl Sources {
    /// Build the source list from the environment and the command line.
    pub fn new(env: &SourceEnv, no_bundled: bool, extra: &[PathBuf]) -> Self {
        let mut dirs = Vec::new();
        if let Some(user) = &env.user_entries
            && user.is_dir()
        {
            dirs.push(user.clone());
        }
        if let Some(path) = &env.errdex_path {
            dirs.extend(std::env::split_paths(path).filter(|p| !p.as_os_str().is_empty()));
        }
        dirs.extend(extra.iter().cloned());
        let (check, bad_check) = match Check::parse(env.cache_check.as_deref()) {
            Ok(check) => (check, None),
            Err(bad) => (Check::default(), Some(bad)),
        };
        Sources {
            bundled: !no_bundled,
            dirs,
            cache: env.cache_dir.clone(),
            check,
            bad_check,
        }
    }

    /// The same sources, loaded without the cache (`--no-cache`).
    pub fn without_cache(mut self) -> Self {
        self.cache = None;
        self
    }
}

/// The bundled corpus as the build script laid it out: entries as records (decoded on
/// first use), the packages they name, and the index.
struct Bundled {
    corpus: Corpus,
    packages: BTreeSet<String>,
    index: Option<Index>,
}

fn read_bundled(with_index: bool) -> Option<Bundled> {
    let mut r = Reader::new(BUNDLED);
    if r.u32()? != super::entry::BUNDLED_FORMAT {
        return None;
    }
    let mut corpus = Corpus::default();
    let blob = corpus.add_blob(Blob::Static(BUNDLED));
    let n = r.len(24)?;
    for _ in 0..n {
        let path = r.str()?;
        let id = r.str()?;
        let record = r.bytes()?;
        let end = r.position();
        corpus.push_record(
            id,
            Origin::Bundled(path.to_string()),
            blob,
            end - record.len()..end,
            None,
        );
    }
    let n = r.len(8)?;
    let mut packages = BTreeSet::new();
    for _ in 0..n {
        packages.insert(r.str()?.to_string());
    }
    let index = r.bytes()?;
    let index = if with_index {
        let range = super::codec::range_in(BUNDLED, index);
        Some(Index::read(IndexBytes::Static(BUNDLED), range)?)
    } else {
        None
    };
    Some(Bundled {
        corpus,
        packages,
        index,
    })
}

/// The blob the build script wrote (see `build.rs`).
pub(crate) fn bundled_blob() -> &'static [u8] {
    BUNDLED
}

/// The corpus compiled into the binary, with the repository path of each entry.
pub fn bundled() -> Vec<Loaded> {
    // The build script wrote this blob from the same types; it cannot fail to read.
    read_bundled(false)
        .map(|b| b.corpus.to_loaded())
        .unwrap_or_default()
}

/// Load every source into one catalog: from the snapshot the last run left when no entry
/// file changed since (see `snapshot.rs`), else from the files (and the per-folder caches).
pub fn load(sources: &Sources) -> Catalog {
    let mut catalog = load_checked(sources);
    if let Some(bad) = &sources.bad_check {
        catalog.notes.push(format!(
            "ERRDEX_CACHE_CHECK={bad:?} names no check; use `files` (the default) or \
             `folders`. Checking every file."
        ));
    }
    catalog
}

/// [`load`], with the snapshot checked as `sources.check` says.
fn load_checked(sources: &Sources) -> Catalog {
    let cache = sources
        .cache
        .as_deref()
        .filter(|_| !sources.dirs.is_empty());
    // With the folder check, a snapshot whose folders are as they were is used without
    // listing a single file; otherwise it is still compared file by file below.
    let folders = sources.check == Check::Folders;
    let mut opened_first = None;
    if folders && let Some(opened) = cache.and_then(|c| super::snapshot::open(c, sources)) {
        if opened.folders_unchanged() {
            return opened.into_catalog();
        }
        opened_first = Some(opened);
    }
    // Read the snapshot on one thread while the files are listed on the others.
    let (opened, listing) = std::thread::scope(|scope| {
        let opened = cache
            .filter(|_| !folders)
            .map(|c| scope.spawn(move || super::snapshot::open(c, sources)));
        let listing = cache.and_then(|_| super::snapshot::files(sources));
        (opened.and_then(|h| h.join().ok().flatten()), listing)
    });
    let opened = opened.or(opened_first);
    let (Some(cache), Some(listing)) = (cache, listing) else {
        return load_files_of(sources);
    };
    if let Some(opened) = opened.filter(|o| o.lists(&listing.files)) {
        return opened.into_catalog();
    }
    let mut catalog = load_files_of(sources);
    if catalog.index.is_none() {
        // Entries came from the folders: index them once, and keep it all for next time.
        let index = catalog.entries.build_index();
        catalog.packages = Some(catalog.packages());
        catalog.notes.extend(super::snapshot::write(
            cache, sources, &listing, &catalog, &index,
        ));
        catalog.index = Some(index);
    }
    catalog
}

/// [`load`] without the snapshot.
fn load_files_of(sources: &Sources) -> Catalog {
    let mut catalog = Catalog::default();
    if sources.bundled
        && let Some(b) = read_bundled(true)
    {
        catalog.entries = b.corpus;
        catalog.index = b.index;
        catalog.packages = Some(b.packages);
    }
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for dir in &sources.dirs {
        let (entries, diags) = match &sources.cache {
            Some(cache_dir) if dir.is_dir() => {
                let (entries, diags, notes) = load_dir_cached(dir, cache_dir);
                catalog.notes.extend(notes);
                (entries, diags)
            }
            _ => load_path_at(dir, Depth::Load),
        };
        catalog.diagnostics.extend(diags);
        if entries.is_empty() {
            continue;
        }
        // What was read with the bundled corpus no longer describes the catalog.
        catalog.index = None;
        catalog.packages = None;
        if by_id.is_empty() {
            by_id = catalog
                .entries
                .ids()
                .enumerate()
                .map(|(i, id)| (id.to_string(), i))
                .collect();
        }
        for loaded in entries {
            match by_id.get(&loaded.entry.id) {
                Some(&i) => catalog.entries.replace(i, loaded),
                None => {
                    by_id.insert(loaded.entry.id.clone(), catalog.entries.len());
                    catalog.entries.push(loaded);
                }
            }
        }
    }
    catalog
}

/// Load one file or every `*.yaml`/`*.yml` below a folder. Ids repeated across the files
/// of this one path are reported, and the later file is skipped.
pub fn load_path(path: &Path) -> (Vec<Loaded>, Vec<Diagnostic>) {
    load_path_at(path, Depth::Full)
}

/// [`load_path`], checking at `depth`.
pub fn load_path_at(path: &Path, depth: Depth) -> (Vec<Loaded>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let files = yaml_files(path, &mut diags);
    let (loaded, more) = load_files_at(&files, depth);
    diags.extend(more);
    (loaded.into_iter().map(|(l, _)| l).collect(), diags)
}

/// Load every entry file below the folder `dir` as [`load_path`] does, reusing what the
/// cache in `cache_dir` knows about files that did not change, and loading the others on
/// every core. Returns the entries, the problems and notes about the cache itself.
pub fn load_dir_cached(
    dir: &Path,
    cache_dir: &Path,
) -> (Vec<Loaded>, Vec<Diagnostic>, Vec<String>) {
    let mut diags = Vec::new();
    let files = yaml_files(dir, &mut diags);
    let mut cache = super::cache::FolderCache::open(cache_dir, dir);
    let mut results: Vec<Option<(super::cache::Stamp, super::cache::FileResult, bool)>> =
        Vec::with_capacity(files.len());
    let mut misses = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let stamp = std::fs::metadata(file)
            .ok()
            .map(|m| super::cache::Stamp::of(&m));
        match stamp.and_then(|s| cache.take(file, s).map(|r| (s, r))) {
            Some((s, r)) => results.push(Some((s, r, false))),
            None => {
                results.push(None);
                misses.push((i, stamp));
            }
        }
    }
    // Load what the cache did not have, spread over the cores.
    let loaded = parallel_map(&misses, |&(i, _)| {
        let (entry, _, diags) = load_file_at(&files[i], Depth::Load);
        super::cache::FileResult { entry, diags }
    });
    for ((i, stamp), result) in misses.into_iter().zip(loaded) {
        // A file whose metadata could not be read gets a stamp no later run matches.
        results[i] = Some((stamp.unwrap_or_default(), result, true));
    }
    // Only a changed folder rewrites its cache, and only then are the entries copied for it.
    let save = cache.stale() || results.iter().flatten().any(|(_, _, fresh)| *fresh);
    let mut entries = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (file, r) in files.iter().zip(results) {
        let Some((stamp, result, fresh)) = r else {
            continue;
        };
        diags.extend(result.diags.iter().cloned());
        let entry = if save {
            let entry = result.entry.clone();
            cache.keep(file.clone(), stamp, result, fresh);
            entry
        } else {
            result.entry
        };
        if let Some(entry) = entry {
            if let Some(first) = seen.get(&entry.id) {
                // Only then is the text needed, to point at the id.
                let text = std::fs::read_to_string(file).unwrap_or_default();
                diags.push(duplicate_id(file, &text, &entry.id, first));
            } else {
                seen.insert(entry.id.clone(), file.clone());
                entries.push(Loaded {
                    entry,
                    origin: Origin::File(file.clone()),
                });
            }
        }
    }
    let mut notes: Vec<String> = cache.note.take().into_iter().collect();
    if save {
        notes.extend(cache.save());
    }
    (entries, diags, notes)
}

/// The problem of a second file (its `text`) defining an id already loaded from `first`.
fn duplicate_id(file: &Path, text: &str, id: &str, first: &Path) -> Diagnostic {
    let (line, column) = locate(text, &parse_path("id"));
    Diagnostic {
        file: file.display().to_string(),
        line,
        column,
        severity: Severity::Error,
        message: format!("duplicate id `{id}`"),
        hint: Some(format!(
            "`{}` already defines it; give one of them another id",
            first.display()
        )),
    }
}

/// `f` over `items` on every core, results in order.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if items.len() < 64 || cores < 2 {
        return items.iter().map(&f).collect();
    }
    let per = items.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                (
                    chunk,
                    scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()),
                )
            })
            .collect();
        // A thread that died is redone here, so every item keeps its result.
        handles
            .into_iter()
            .flat_map(|(chunk, h)| h.join().unwrap_or_else(|_| chunk.iter().map(f).collect()))
            .collect()
    })
}

/// Load the given files as one set, keeping each entry's text (for locating later
/// problems). A repeated id is reported and the later file skipped.
pub fn load_files(files: &[PathBuf]) -> (Vec<(Loaded, String)>, Vec<Diagnostic>) {
    load_files_at(files, Depth::Full)
}

fn load_files_at(files: &[PathBuf], depth: Depth) -> (Vec<(Loaded, String)>, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        let (entry, text, mut file_diags) = load_file_at(file, depth);
        diags.append(&mut file_diags);
        let (Some(entry), Some(text)) = (entry, text) else {
            continue;
        };
        if let Some(first) = seen.get(&entry.id) {
            diags.push(duplicate_id(file, &text, &entry.id, first));
            continue;
        }
        seen.insert(entry.id.clone(), file.clone());
        entries.push((
            Loaded {
                entry,
                origin: Origin::File(file.clone()),
            },
            text,
        ));
    }
    (entries, diags)
}

/// Whether `p` is named like an entry file (`*.yaml` or `*.yml`).
pub(crate) fn is_entry_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// The entry files below `path` (or `path` itself), sorted; unreadable parts are reported.
pub fn yaml_files(path: &Path, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name();
    for item in walker {
        match item {
            Ok(item) => {
                let p = item.path();
                let is_yaml = is_entry_file(p);
                if is_yaml && item.file_type().is_file() {
                    files.push(p.to_path_buf());
                } else if is_yaml && item.file_type().is_dir() && item.depth() > 0 {
                    // A folder named like an entry: walk into it, but say so once.
                } else if item.depth() == 0 && item.file_type().is_file() {
                    // A file named explicitly, whatever its extension.
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                let where_ = e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| path.display().to_string());
                let (message, hint) = if e.loop_ancestor().is_some() {
                    (
                        "symbolic link loop".to_string(),
                        "remove the link that points back to a parent folder",
                    )
                } else {
                    (
                        format!("cannot read: {}", io_reason(&e)),
                        "check that the path exists and is readable",
                    )
                };
                diags.push(Diagnostic {
                    file: where_,
                    line: 1,
                    column: 1,
                    severity: Severity::Error,
                    message,
                    hint: Some(hint.to_string()),
                });
            }
        }
    }
    files
}

fn io_reason(e: &walkdir::Error) -> String {
    e.io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string())
}

/// Read, parse and check one file. Returns the entry when it has no errors, the text when
/// it could be read, and every problem found.
pub fn load_file(file: &Path) -> (Option<Entry>, Option<String>, Vec<Diagnostic>) {
    load_file_at(file, Depth::Full)
}

/// [`load_file`], checking at `depth`.
pub fn load_file_at(file: &Path, depth: Depth) -> (Option<Entry>, Option<String>, Vec<Diagnostic>) {
    let name = file.display().to_string();
    let diag = |line, column, message: String, hint: &str| Diagnostic {
        file: name.clone(),
        line,
        column,
        severity: Severity::Error,
        message,
        hint: Some(hint.to_string()),
    };
    if let Ok(meta) = std::fs::metadata(file)
        && meta.len() > yaml::MAX_FILE_BYTES as u64
    {
        let message = format!(
            "file is {} bytes, more than the {} byte limit for one entry",
            meta.len(),
            yaml::MAX_FILE_BYTES
        );
        return (
            None,
            None,
            vec![diag(1, 1, message, "split it or shorten it")],
        );
    }
    // Entry files may be links (a shared folder of links is fine to read), but never a FIFO
    // or a device: those would hang the load or read without end.
    let read = fsutil::read_regular(
        file,
        fsutil::Access::ReadFollowing,
        yaml::MAX_FILE_BYTES as u64,
    );
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let message = format!("cannot read: {e}");
            return (
                None,
                None,
                vec![diag(1, 1, message, "check the file's permissions")],
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column =
                valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            let message = "the file is not valid UTF-8".to_string();
            return (
                None,
                None,
                vec![diag(line, column, message, "save the file as UTF-8")],
            );
        }
    };
    let (entry, diags) = check_text_at(&name, &text, depth);
    (entry, Some(text), diags)
}

/// Parse and check the text of one entry file named `name`.
pub fn check_text(name: &str, text: &str) -> (Option<Entry>, Vec<Diagnostic>) {
    check_text_at(name, text, Depth::Full)
}

/// [`check_text`] at `depth`.
pub fn check_text_at(name: &str, text: &str, depth: Depth) -> (Option<Entry>, Vec<Diagnostic>) {
    let entry = match yaml::parse_entry(text) {
        Ok(e) => e,
        Err(e) => return (None, vec![yaml_diagnostic(name, text, e)]),
    };
    let diags: Vec<Diagnostic> = validate_at(&entry, depth)
        .into_iter()
        .map(|p| {
            let (line, column) = locate(text, &parse_path(&p.field));
            Diagnostic {
                file: name.to_string(),
                line,
                column,
                severity: p.severity,
                message: format!("{}: {}", p.field, p.message),
                hint: p.hint,
            }
        })
        .collect();
    let ok = diags.iter().all(|d| d.severity != Severity::Error);
    (ok.then_some(entry), diags)
}

fn yaml_diagnostic(name: &str, text: &str, e: YamlError) -> Diagnostic {
    let hint = hint_for(&e.message);
    // serde points unknown and missing fields at their mapping; point at the key when we can.
    let (mut line, mut column) = (e.line, e.column);
    if let Some(unknown) = backticked(&e.message).first()
        && e.message.starts_with("unknown field")
    {
        let mut path = e.field.clone().map(|f| format!("{f}.")).unwrap_or_default();
        path.push_str(unknown);
        let (l, c) = locate(text, &parse_path(&path));
        if (l, c) != (1, 1) || e.line == 1 {
            (line, column) = (l, c);
        }
    }
    let message = match &e.field {
        Some(f) => format!("{f}: {}", e.message),
        None => e.message.clone(),
    };
    Diagnostic {
        file: name.to_string(),
        line,
        column,
        severity: Severity::Error,
        message,
        hint,
    }
}

/// The words serde quotes in backticks, in order (`unknown field `rat`, expected `rate``).
fn backticked(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

fn hint_for(message: &str) -> Option<String> {
    if message == "the file is empty" {
        return Some("write an entry (see assets/entry.schema.json), or delete the file".into());
    }
    let words = backticked(message);
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let (bad, mut known) = words.split_first()?;
        // The parser lists the known names unquoted: `… `rot_cause`, expected one of id, title`.
        let listed: Vec<&str> = message
            .split_once("expected one of ")
            .map(|(_, rest)| rest.split(", ").map(str::trim).collect())
            .unwrap_or_default();
        if known.is_empty() {
            known = &listed;
        }
        let nearest = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(bad, k), *k))
            .min()
            .filter(|(d, k)| *d <= 2.max(k.len() / 3));
        return Some(match nearest {
            Some((_, k)) => format!("did you mean `{k}`?"),
            None => format!("expected one of: {}", known.join(", ")),
        });
    }
    if message.starts_with("missing field") {
        return Some(format!(
            "add `{}:` to this mapping (see assets/entry.schema.json)",
            words.first()?
        ));
    }
    if message.starts_with("invalid type") || message.starts_with("expected ") {
        return Some("check the value's shape: quote text, use `- item` for lists".to_string());
    }
    if message.starts_with("the document is refused") {
        return Some("the document nests or repeats too deeply; flatten it".to_string());
    }
    Some("check indentation and quoting here; quote text that contains `: ` or starts with `*`, `&`, `!`, `%`, `@` or a backtick".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_corpus_is_embedded() {
        let entries = bundled();
        assert!(
            entries
                .iter()
                .any(|l| l.entry.id == "grpc/grpc-connection-reset-by-peer")
        );
    }

    #[test]
    fn the_bundled_index_read_ranks_as_one_built_at_run_time() {
        let mut catalog = load(&Sources {
            bundled: true,
            ..Default::default()
        });
        assert!(catalog.index.is_some(), "the build script's index is used");
        let read = catalog.index();
        assert_eq!(catalog.entries.decoded(), 0, "nothing decoded to start");
        let entries: Vec<Entry> = bundled().into_iter().map(|l| l.entry).collect();
        let built = Index::new(&entries);
        assert_eq!(read.len(), built.len());
        for q in [
            "connection refused",
            "rpc error: code = Unavailable desc = connection reset by peer",
            "ModuleNotFoundError: No module named 'requests'",
            "permision denid",
            "conn",
            "",
        ] {
            assert_eq!(read.search(q, 20), built.search(q, 20), "{q}");
        }
        // A search and its ten hits decode only those ten.
        let hits = read.search("connection refused", 10);
        for h in &hits {
            assert!(catalog.entries.get(h.doc).is_some());
        }
        assert_eq!(catalog.entries.decoded(), hits.len());
        assert_eq!(
            catalog.packages(),
            super::super::fit::packages(entries.iter())
        );
    }

    #[test]
    fn a_user_folder_replaces_bundled_entries_and_drops_the_read_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let seed = bundled()
            .into_iter()
            .find(|l| l.entry.id == "grpc/grpc-connection-reset-by-peer")
            .expect("seed");
        let mut mine = seed.entry.clone();
        mine.title = "my own wording of it".into();
        std::fs::write(
            dir.path().join("seed.yaml"),
            super::super::yaml::to_yaml(&mine),
        )
        .expect("write");
        let mut catalog = load(&Sources {
            bundled: true,
            dirs: vec![dir.path().to_path_buf()],
            ..Sources::default()
        });
        assert!(catalog.index.is_none());
        let n = bundled().len();
        assert_eq!(catalog.entries.len(), n);
        let (e, origin) = catalog.get(&mine.id).expect("listed");
        assert_eq!(e.title, "my own wording of it");
        assert!(matches!(origin, Origin::File(_)));
        let index = catalog.index();
        let hits = index.search("my own wording of it", 1);
        assert_eq!(catalog.entries.id(hits[0].doc), Some(mine.id.as_str()));
    }

    #[test]
    fn hints_name_the_nearest_field() {
        let h = hint_for("unknown field `rot_cause`, expected one of `id`, `title`, `root_cause`");
        assert_eq!(h.as_deref(), Some("did you mean `root_cause`?"));
        let h = hint_for("unknown field `zzzzzz`, expected `title` or `why`");
        assert_eq!(h.as_deref(), Some("expected one of: title, why"));
    }
}
