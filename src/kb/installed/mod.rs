//! Which versions of which packages the user runs: from `--have` flags, the config file, and
//! the project in the current folder (go.mod, Cargo.lock, package-lock.json, poetry.lock,
//! requirements.txt).
//!
//! Everything here is pure except [`detect`], which reads the few files it knows by name in
//! one folder (never walking below it). Package names are compared after
//! [`normalise_package`], so `Python`, `python3` and `cpython` are the same package.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use semver::Version;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

mod gomod;
mod names;
mod npm;
mod requirements;
mod toml_lock;

pub use names::normalise_package;
use names::{Ecosystem, is_program, plain_name};

use super::diag::{Diagnostic, Severity};
use super::version::parse_version;

/// Project files larger than this are skipped with a diagnostic (bytes).
pub const MAX_PROJECT_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Packages read from one project file; a file naming more is read only that far, with a
/// warning. Large real lock files name a few thousand; the bound keeps a hostile file of
/// tiny records from costing memory in proportion to its size.
pub const MAX_PACKAGES: usize = 50_000;

/// Problems reported per project file; the rest are counted in one last diagnostic.
pub const MAX_PROBLEMS: usize = 20;

/// Lines plus commas a TOML lock file may have before it is skipped unread. The TOML parser
/// holds the whole document, so its memory grows with the number of items, not only bytes;
/// errdex's own Cargo.lock (277 packages) has about 3,100 and a 78-package poetry.lock
/// about 4,200.
pub const MAX_TOML_RECORDS: usize = 200_000;

/// What to do about a file errdex reads only in part.
const TOO_BIG_HINT: &str =
    "name the versions that matter with --have PKG=VERSION or in the config file";

/// The files [`detect`] reads, in the order that decides which wins when two name the same
/// package.
pub const PROJECT_FILES: [&str; 5] = [
    "go.mod",
    "Cargo.lock",
    "package-lock.json",
    "poetry.lock",
    "requirements.txt",
];

/// Longest package name accepted (npm's limit; Go module paths are rarely longer).
const MAX_NAME: usize = 214;
/// Longest version text accepted (a Go pseudo-version with `+incompatible` is ~50).
const MAX_VERSION: usize = 128;

/// The example every message about a malformed `--have` ends with.
pub const HAVE_EXAMPLE: &str = "expected PKG=VERSION, e.g. --have node=20.11.1";

/// Where a version came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A `--have PKG=VERSION` flag.
    Flag,
    /// The `versions:` of a config file.
    Config(PathBuf),
    /// A project file found by [`detect`].
    File(PathBuf),
}

impl Source {
    /// Precedence: a higher rank overrides a lower one (file < config < flag).
    pub fn rank(&self) -> u8 {
        match self {
            Source::File(_) => 0,
            Source::Config(_) => 1,
            Source::Flag => 2,
        }
    }
}

/// Short form for a status line: `--have`, `config.yaml`, `go.mod` (file names only).
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--have"),
            Source::Config(p) | Source::File(p) => {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_else(|| p.to_string_lossy());
                f.write_str(&printable(&name))
            }
        }
    }
}

/// One package at one version, and where errdex learnt it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The package, normalised with [`normalise_package`] (or qualified as
    /// `<ecosystem>:<name>` when a library shares the name of a program; see [`detect`]).
    pub package: String,
    /// The version for comparisons: major.minor.patch, read leniently (pre-release and
    /// build parts dropped, so a Go pseudo-version `v0.0.0-2024…` is 0.0.0).
    pub version: Version,
    /// The version as written (`v1.62.1`, `1.22`).
    pub shown: String,
    /// Where it came from.
    pub source: Source,
}

impl Installed {
    /// A version a person wrote (a flag, the config file): the name is checked and
    /// normalised, the version read leniently. The error says which part is wrong.
    pub fn new(name: &str, version: &str, source: Source) -> Result<Installed, String> {
        let (name, version) = (name.trim(), version.trim());
        if name.is_empty() {
            return Err("no package name".to_string());
        }
        if version.is_empty() {
            return Err(format!("no version for `{}`", printable(name)));
        }
        if !plain_name(name) {
            return Err(format!(
                "`{}` is not a package name (ASCII letters, digits and `-_.@/+:~` only, at \
                 most {MAX_NAME})",
                printable(name)
            ));
        }
        let parsed = read_version(version).ok_or_else(|| {
            format!(
                "cannot read `{}` as a version (it should start with a number, like 1.22.3)",
                printable(version)
            )
        })?;
        Ok(Installed {
            package: normalise_package(name),
            version: parsed,
            shown: version.to_string(),
            source,
        })
    }

    /// Read one `--have` argument (`PKG=VERSION` or `PKG@VERSION`); the error is a sentence
    /// fit to show the user, ending with an example. Suits clap's `value_parser`.
    pub fn from_flag(arg: &str) -> Result<Installed, String> {
        let (package, version, shown) = parse_have(arg)?;
        Ok(Installed {
            package,
            version,
            shown,
            source: Source::Flag,
        })
    }
}

/// The versions that apply: one per package, the highest-precedence source winning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versions {
    by_package: BTreeMap<String, Installed>,
}

impl Versions {
    /// No versions.
    pub fn new() -> Versions {
        Versions::default()
    }

    /// Add a version. It replaces one already held for the package unless that one came from
    /// a source of higher precedence ([`Source::rank`]); among equals, the later one wins.
    /// Returns true when `installed` was kept.
    pub fn add(&mut self, installed: Installed) -> bool {
        match self.by_package.get(&installed.package) {
            Some(held) if held.source.rank() > installed.source.rank() => false,
            _ => {
                self.by_package.insert(installed.package.clone(), installed);
                true
            }
        }
    }

    /// The version held for `package`, which is normalised first (so `python3` finds
    /// `cpython`, and an entry's `package:` can be passed as written).
    pub fn get(&self, package: &str) -> Option<&Installed> {
        self.by_package
            .get(package)
            .or_else(|| self.by_package.get(&normalise_package(package)))
    }

    /// Every version held, by package name.
    pub fn iter(&self) -> impl Iterator<Item = &Installed> {
        self.by_package.values()
    }

    /// How many packages have a version.
    pub fn len(&self) -> usize {
        self.by_package.len()
    }

    /// Whether no package has a version.
    pub fn is_empty(&self) -> bool {
        self.by_package.is_empty()
    }

    /// One status line, at most `max_width` columns:
    /// `your versions: go 1.22.3 (go.mod), react 18.2.0 (package-lock.json) +12 more`.
    ///
    /// Flags come first, then the config file, then programs (go, node, cpython, …) before
    /// libraries; [`Versions::summary_preferring`] lets the caller pull others forward.
    pub fn summary(&self, max_width: usize) -> String {
        self.summary_preferring(max_width, |_| false)
    }

    /// Like [`Versions::summary`], listing the packages for which `prefer` is true (say, the
    /// ones some entry has a range for) before the others of the same source.
    pub fn summary_preferring(&self, max_width: usize, prefer: impl Fn(&str) -> bool) -> String {
        const PREFIX: &str = "your versions: ";
        if self.is_empty() {
            return fit(format!("{PREFIX}none known"), max_width);
        }
        let mut items: Vec<&Installed> = self.iter().collect();
        items.sort_by_key(|i| {
            (
                std::cmp::Reverse(i.source.rank()),
                !prefer(&i.package),
                !is_program(&i.package),
                i.package.clone(),
            )
        });
        let total = items.len();
        let mut best: Option<String> = None;
        let mut line = PREFIX.to_string();
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                line.push_str(", ");
            }
            line.push_str(&format!(
                "{} {} ({})",
                printable(&item.package),
                printable(&item.shown),
                item.source
            ));
            let rest = total - n - 1;
            let candidate = if rest > 0 {
                format!("{line} +{rest} more")
            } else {
                line.clone()
            };
            if candidate.width() > max_width {
                break;
            }
            best = Some(candidate);
        }
        best.unwrap_or_else(|| {
            let noun = if total == 1 { "package" } else { "packages" };
            fit(format!("{PREFIX}{total} {noun}"), max_width)
        })
    }
}

impl Extend<Installed> for Versions {
    fn extend<I: IntoIterator<Item = Installed>>(&mut self, iter: I) {
        for installed in iter {
            self.add(installed);
        }
    }
}

impl FromIterator<Installed> for Versions {
    fn from_iter<I: IntoIterator<Item = Installed>>(iter: I) -> Versions {
        let mut versions = Versions::new();
        versions.extend(iter);
        versions
    }
}

/// Cut `text` to `max_width` columns, ending with `…` when cut.
fn fit(text: String, max_width: usize) -> String {
    if text.width() <= max_width {
        return text;
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + UnicodeWidthChar::width(c).unwrap_or(0) + 1 > max_width {
            break;
        }
        out.push(c);
    }
    if max_width > 0 {
        out.push('…');
    }
    out
}

/// Replace anything a terminal could act on (controls, bidi overrides) with `?`.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || ('\u{200b}'..='\u{200f}').contains(&c) || is_bidi(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

fn is_bidi(c: char) -> bool {
    ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Read a `--have` argument: `PKG=VERSION` or `PKG@VERSION` (the last `@`, so a scoped npm
/// name like `@types/node@20.11.0` works). Returns the normalised package, the version, and
/// the version as written. Errors are sentences ending with an example.
pub fn parse_have(arg: &str) -> Result<(String, Version, String), String> {
    let arg = arg.trim();
    let split = match arg.split_once('=') {
        Some(pair) => Some(pair),
        None => arg
            .rfind('@')
            .filter(|&i| i > 0)
            .map(|i| (&arg[..i], &arg[i + 1..])),
    };
    let with_example = |problem: String| format!("{problem}; {HAVE_EXAMPLE}");
    let Some((name, version)) = split else {
        return Err(with_example(format!(
            "`{}` names no version",
            printable(arg)
        )));
    };
    let installed = Installed::new(name, version, Source::Flag).map_err(with_example)?;
    Ok((installed.package, installed.version, installed.shown))
}

/// A version as users and files write it: `1.22`, `v1.62.1`, `go1.22.3` (a Go toolchain),
/// `2.0.0+incompatible`, pseudo-versions. Refuses text that could not be shown safely.
fn read_version(text: &str) -> Option<Version> {
    let text = text.trim();
    if text.is_empty() || text.len() > MAX_VERSION || !text.chars().all(|c| c.is_ascii_graphic()) {
        return None;
    }
    let digits = text.strip_prefix("go").unwrap_or(text);
    if !digits
        .trim_start_matches(['v', 'V'])
        .starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    parse_version(&digits.to_ascii_lowercase())
}

/// What [`detect`] found in a project folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detected {
    /// One version per package, in [`PROJECT_FILES`] order; a package named by two files
    /// appears once, from the first.
    pub versions: Vec<Installed>,
    /// The project files present in the folder, whether or not they could be read.
    pub found: Vec<PathBuf>,
    /// Files (or lines) that could not be read, as `file:line:column` with a hint.
    pub problems: Vec<Diagnostic>,
}

/// Read the versions the project in `dir` pins: the files in [`PROJECT_FILES`] that exist
/// in `dir` itself (nothing below it is read). A file that cannot be read or parsed becomes
/// a diagnostic and the other files still count.
pub fn detect(dir: &Path) -> Detected {
    let mut detected = Detected::default();
    let mut seen: HashSet<String> = HashSet::new();
    for name in PROJECT_FILES {
        let path = dir.join(name);
        let label = if dir.as_os_str().is_empty() || dir == Path::new(".") {
            name.to_string()
        } else {
            path.display().to_string()
        };
        let text = match read_project_file(&path, &label) {
            FileRead::Absent => continue,
            FileRead::Failed(d) => {
                detected.found.push(path);
                detected.problems.push(d);
                continue;
            }
            FileRead::Text(t) => t,
        };
        detected.found.push(path.clone());
        let file = FileCtx {
            label,
            source: Source::File(path),
        };
        let (found, problems) = parse_project_file(name, &text, &file);
        detected.problems.extend(problems);
        for installed in found {
            if seen.insert(installed.package.clone()) {
                detected.versions.push(installed);
            }
        }
    }
    detected
}

/// The file being parsed: its name for diagnostics and its source for versions.
struct FileCtx {
    label: String,
    source: Source,
}

impl FileCtx {
    fn installed(&self, package: String, version: Version, shown: &str) -> Installed {
        Installed {
            package,
            version,
            shown: shown.to_string(),
            source: self.source.clone(),
        }
    }

    fn diag(
        &self,
        (line, column): (usize, usize),
        severity: Severity,
        message: String,
        hint: &str,
    ) -> Diagnostic {
        Diagnostic {
            file: self.label.clone(),
            line,
            column,
            severity,
            message,
            hint: Some(hint.to_string()),
        }
    }
}

/// The outcome of reading one project file.
enum FileRead {
    Absent,
    Failed(Diagnostic),
    Text(String),
}

fn read_project_file(path: &Path, label: &str) -> FileRead {
    let fail = |line, column, message: String, hint: &str| {
        FileRead::Failed(Diagnostic {
            file: label.to_string(),
            line,
            column,
            severity: Severity::Error,
            message,
            hint: Some(hint.to_string()),
        })
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileRead::Absent,
        Err(e) => return fail(1, 1, format!("cannot read: {e}"), "check its permissions"),
    };
    if !meta.is_file() {
        return fail(
            1,
            1,
            "not a regular file; skipped".to_string(),
            "errdex reads project files only when they are ordinary files",
        );
    }
    if meta.len() > MAX_PROJECT_FILE_BYTES {
        return fail(
            1,
            1,
            format!(
                "file is {} bytes, more than the {MAX_PROJECT_FILE_BYTES} byte limit; skipped",
                meta.len()
            ),
            TOO_BIG_HINT,
        );
    }
    let bytes = match super::fsutil::read_regular(
        path,
        super::fsutil::Access::ReadFollowing,
        MAX_PROJECT_FILE_BYTES,
    ) {
        Ok(b) => b,
        Err(e) => return fail(1, 1, format!("cannot read: {e}"), "check its permissions"),
    };
    if bytes.len() as u64 > MAX_PROJECT_FILE_BYTES {
        return fail(
            1,
            1,
            format!("file grew past the {MAX_PROJECT_FILE_BYTES} byte limit while read; skipped"),
            TOO_BIG_HINT,
        );
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            FileRead::Text(text)
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let (line, column) = line_column(&String::from_utf8_lossy(valid), valid.len());
            fail(
                line,
                column,
                "the file is not valid UTF-8; skipped".to_string(),
                "save it as UTF-8",
            )
        }
    }
}

/// Parse the text of the project file `name` (one of [`PROJECT_FILES`]).
fn parse_project_file(name: &str, text: &str, file: &FileCtx) -> (Vec<Installed>, Vec<Diagnostic>) {
    match name {
        "go.mod" => gomod::go_mod(text, file),
        "Cargo.lock" => toml_lock::toml_lock(text, file, Ecosystem::Crates),
        "poetry.lock" => toml_lock::toml_lock(text, file, Ecosystem::PyPI),
        "package-lock.json" => npm::package_lock(text, file),
        "requirements.txt" => requirements::requirements(text, file),
        _ => (Vec::new(), Vec::new()),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where to report a lock file that does not parse, and a hint. A merge-conflict marker on
/// the bad line is named, and pointed at from its first column; otherwise the hint says how
/// to regenerate the file.
fn lock_problem(
    text: &str,
    (line, column): (usize, usize),
    regenerate: &str,
) -> ((usize, usize), String) {
    let bad = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
        .iter()
        .any(|m| bad.starts_with(m))
    {
        let hint = format!(
            "a merge-conflict marker: resolve the conflict, or regenerate the file with {regenerate}"
        );
        ((line, 1), hint)
    } else {
        let hint = format!("the file is written by a tool; regenerate it with {regenerate}");
        ((line, column), hint)
    }
}

/// The problems of one file, at most [`MAX_PROBLEMS`] of them; past that they are only
/// counted, and [`Problems::finish`] adds one line saying how many more there were.
struct Problems<'a> {
    file: &'a FileCtx,
    list: Vec<Diagnostic>,
    more: usize,
}

impl<'a> Problems<'a> {
    fn new(file: &'a FileCtx) -> Problems<'a> {
        Problems {
            file,
            list: Vec::new(),
            more: 0,
        }
    }

    fn push(&mut self, problem: Diagnostic) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            let (line, column) = self.list.last().map_or((1, 1), |d| (d.line, d.column));
            self.list.push(self.file.diag(
                (line, column),
                Severity::Warning,
                format!("{} more problem(s) in this file not shown", self.more),
                "fix the ones shown and run again to see the rest",
            ));
        }
        self.list
    }
}

/// The warning for a file that names more than [`MAX_PACKAGES`] packages, at the line where
/// reading stopped.
fn too_many_packages(file: &FileCtx, line: usize) -> Diagnostic {
    file.diag(
        (line, 1),
        Severity::Warning,
        format!("more than {MAX_PACKAGES} packages; only the first {MAX_PACKAGES} are used"),
        TOO_BIG_HINT,
    )
}

/// One warning for the packages a lock file named in a way errdex does not keep.
fn skipped_note(file: &FileCtx, skipped: usize) -> Vec<Diagnostic> {
    if skipped == 0 {
        return Vec::new();
    }
    vec![file.diag(
        (1, 1),
        Severity::Warning,
        format!("{skipped} package(s) with a name or version errdex cannot read were skipped"),
        "versions should start with a number and names be plain ASCII; --have PKG=VERSION sets one by hand",
    )]
}

#[cfg(test)]
mod test_support {
    use std::path::PathBuf;

    use super::{FileCtx, Installed, Source};

    pub(in crate::kb::installed) fn ctx(name: &str) -> FileCtx {
        FileCtx {
            label: name.to_string(),
            source: Source::File(PathBuf::from(name)),
        }
    }

    pub(in crate::kb::installed) fn pairs(found: &[Installed]) -> Vec<(String, String)> {
        found
            .iter()
            .map(|i| (i.package.clone(), i.version.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag(package: &str, version: &str) -> Installed {
        Installed {
            package: package.to_string(),
            version: parse_version(version).expect("a version"),
            shown: version.to_string(),
            source: Source::Flag,
        }
    }

    #[test]
    fn have_accepts_both_forms_and_explains_mistakes() {
        let (p, v, shown) = parse_have("node=20.11.1").expect("valid");
        assert_eq!(
            (p.as_str(), v, shown.as_str()),
            ("node", Version::new(20, 11, 1), "20.11.1")
        );
        let (p, v, shown) = parse_have("Python3@3.12").expect("valid");
        assert_eq!(
            (p.as_str(), v, shown.as_str()),
            ("cpython", Version::new(3, 12, 0), "3.12")
        );
        let (p, v, _) = parse_have("@types/node@20.11.0").expect("scoped npm name");
        assert_eq!((p.as_str(), v), ("@types/node", Version::new(20, 11, 0)));
        let (p, v, shown) = parse_have(" go = go1.22.3 ").expect("a toolchain name");
        assert_eq!(
            (p.as_str(), v, shown.as_str()),
            ("go", Version::new(1, 22, 3), "go1.22.3")
        );

        for bad in [
            "node",
            "=20",
            "node=",
            "node=latest",
            "no de=1",
            "node@",
            "x=1\u{1b}[31m",
        ] {
            let err = parse_have(bad).expect_err(bad);
            assert!(err.ends_with(HAVE_EXAMPLE), "{bad}: {err}");
            assert!(!err.contains('\u{1b}'), "escapes are not echoed: {err}");
        }
        assert!(
            parse_have("node=latest")
                .expect_err("latest")
                .contains("`latest`")
        );
        let long = format!("{}=1", "a".repeat(MAX_NAME + 1));
        assert!(parse_have(&long).is_err());
    }

    #[test]
    fn precedence_flag_over_config_over_file() {
        let file = Installed {
            source: Source::File(PathBuf::from("go.mod")),
            ..flag("go", "1.21")
        };
        let config = Installed {
            source: Source::Config(PathBuf::from("/cfg/errdex/config.yaml")),
            ..flag("go", "1.22")
        };
        let mut v = Versions::new();
        assert!(v.add(file.clone()));
        assert!(v.add(config.clone()), "config overrides a file");
        assert!(!v.add(file.clone()), "a file does not override config");
        assert_eq!(v.get("golang").map(|i| i.shown.as_str()), Some("1.22"));
        assert!(v.add(flag("go", "1.23")));
        assert!(!v.add(config));
        assert!(
            v.add(flag("go", "1.24")),
            "a later flag overrides an earlier one"
        );
        assert_eq!(
            v.get("go").map(|i| i.version.clone()),
            Some(Version::new(1, 24, 0))
        );
        assert_eq!(v.len(), 1);
        assert!(!v.is_empty());
        assert!(Versions::new().get("go").is_none());
    }

    #[test]
    fn summary_fits_the_width_and_names_sources() {
        let mut v: Versions = (0..14)
            .map(|i| Installed {
                source: Source::File(PathBuf::from("/p/package-lock.json")),
                ..flag(&format!("lib{i:02}"), "1.0.0")
            })
            .collect();
        v.add(Installed {
            source: Source::File(PathBuf::from("/p/go.mod")),
            ..flag("go", "1.22.3")
        });
        v.add(Installed {
            source: Source::Config(PathBuf::from("/c/config.yaml")),
            ..flag("react", "18.2.0")
        });
        let line = v.summary(80);
        assert!(line.width() <= 80, "{line}");
        assert_eq!(
            line,
            "your versions: react 18.2.0 (config.yaml), go 1.22.3 (go.mod) +14 more"
        );
        let wide = v.summary(1000);
        assert!(wide.ends_with("lib13 1.0.0 (package-lock.json)"), "{wide}");
        assert!(!wide.contains("more"));
        let preferred = v.summary_preferring(100, |p| p == "lib07");
        assert_eq!(
            preferred,
            "your versions: react 18.2.0 (config.yaml), lib07 1.0.0 (package-lock.json) +14 more"
        );
        assert_eq!(v.summary(30), "your versions: 16 packages");
        assert!(v.summary(10).width() <= 10);
        assert_eq!(Versions::new().summary(80), "your versions: none known");
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncdé\nx", 0), (1, 1));
        assert_eq!(line_column("ab\ncdé\nx", 3), (2, 1));
        assert_eq!(line_column("ab\ncdé\nx", 7), (2, 4));
        assert_eq!(line_column("ab", 99), (1, 3));
    }

    #[test]
    fn source_displays_short() {
        assert_eq!(Source::Flag.to_string(), "--have");
        assert_eq!(
            Source::Config(PathBuf::from("/x/errdex/config.yaml")).to_string(),
            "config.yaml"
        );
        assert_eq!(
            Source::File(PathBuf::from("/p/go.mod")).to_string(),
            "go.mod"
        );
    }
}
