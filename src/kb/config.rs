//! The config file (`config.yaml` in errdex's config folder, or `ERRDEX_CONFIG`), and the
//! merge of the three ways users say which versions they run: the project in the current
//! folder, then the config file, then `--have` flags, each overriding the one before.
//!
//! Reading the environment and choosing the folder is the caller's job; everything here
//! takes them as arguments.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::diag::{Diagnostic, Severity};
use super::fsutil;
use super::installed::{self, HAVE_EXAMPLE, Installed, Source, Versions};
use super::locate::{Seg, locate};
use super::yaml;

/// The config file's name inside errdex's config folder.
pub const FILE_NAME: &str = "config.yaml";

/// A config file larger than this is not read (bytes).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The fields a config file may have, for hints about misspelt ones.
const FIELDS: [&str; 2] = ["versions", "record_host"];

/// The settings of `config.yaml`. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Package → version as written (`go: 1.22.3`, `node: "20.11.1"`); overrides what the
    /// project's files say and is overridden by `--have`. `versions:` with nothing under
    /// it is no versions.
    #[serde(deserialize_with = "null_as_empty")]
    pub versions: BTreeMap<String, String>,
    /// Whether errdex may store this machine's host name with what it records; off unless
    /// set.
    pub record_host: bool,
    /// Where each key of `versions` is written, as 1-based (line, column); filled by
    /// [`parse`], empty for a config built in code.
    #[serde(skip)]
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// A value written as null (`versions:` and nothing more) reads as the empty value.
fn null_as_empty<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// Which config file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    /// The file.
    pub path: PathBuf,
    /// Whether it was named by `ERRDEX_CONFIG` (then a missing file is worth a warning).
    pub from_env: bool,
}

/// The config file to read: `ERRDEX_CONFIG` when set and not empty (pass its value), else
/// `config.yaml` in `config_dir` (from [`super::paths::Paths`]); None when neither is known.
pub fn location(
    errdex_config: Option<&OsStr>,
    config_dir: Option<&Path>,
) -> Option<ConfigLocation> {
    match errdex_config.filter(|v| !v.is_empty()) {
        Some(path) => Some(ConfigLocation {
            path: PathBuf::from(path),
            from_env: true,
        }),
        None => config_dir.map(|dir| ConfigLocation {
            path: dir.join(FILE_NAME),
            from_env: false,
        }),
    }
}

/// Read the config file at `location`. A missing file gives the defaults (with a warning
/// only when `ERRDEX_CONFIG` named it); a file that cannot be read or parsed gives the
/// defaults and a diagnostic.
pub fn load(location: &ConfigLocation) -> (Config, Vec<Diagnostic>) {
    let label = location.path.display().to_string();
    let problem = |message: String, hint: &str, severity| Diagnostic {
        file: label.clone(),
        line: 1,
        column: 1,
        severity,
        message,
        hint: Some(hint.to_string()),
    };
    let meta = match std::fs::metadata(&location.path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let diags = if location.from_env {
                vec![problem(
                    "ERRDEX_CONFIG names this file, which does not exist".to_string(),
                    "create it, or unset ERRDEX_CONFIG to use the default location",
                    Severity::Warning,
                )]
            } else {
                Vec::new()
            };
            return (Config::default(), diags);
        }
        Err(e) => {
            let d = problem(
                format!("cannot read: {e}"),
                "check its permissions",
                Severity::Error,
            );
            return (Config::default(), vec![d]);
        }
    };
    if !meta.is_file() || meta.len() > MAX_CONFIG_BYTES {
        let d = problem(
            format!(
                "not a regular file of at most {MAX_CONFIG_BYTES} bytes; errdex uses its defaults"
            ),
            "point ERRDEX_CONFIG at a small YAML file",
            Severity::Error,
        );
        return (Config::default(), vec![d]);
    }
    match fsutil::read_regular(
        &location.path,
        fsutil::Access::ReadFollowing,
        MAX_CONFIG_BYTES,
    ) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => parse(&text, &label),
            Err(_) => (
                Config::default(),
                vec![problem(
                    "the file is not valid UTF-8; errdex uses its defaults".to_string(),
                    "save it as UTF-8",
                    Severity::Error,
                )],
            ),
        },
        Err(e) => (
            Config::default(),
            vec![problem(
                format!("cannot read: {e}"),
                "check its permissions",
                Severity::Error,
            )],
        ),
    }
}

/// Parse the text of a config file named `file` (for diagnostics). Empty text or only
/// comments gives the defaults; text that does not parse gives the defaults and one
/// diagnostic at its `line:column` with a hint.
pub fn parse(text: &str, file: &str) -> (Config, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let has_content = text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && t != "---" && t != "..."
    });
    if !has_content {
        return (Config::default(), Vec::new());
    }
    match yaml::parse::<Config>(text) {
        Ok(mut config) => {
            config.positions = config
                .versions
                .keys()
                .map(|k| {
                    let at = locate(text, &[Seg::Key("versions"), Seg::Key(k)]);
                    (k.clone(), at)
                })
                .collect();
            (config, Vec::new())
        }
        Err(e) => {
            let (mut line, mut column) = (e.line, e.column);
            let unknown = e
                .message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next());
            if let Some(key) = unknown {
                // serde points at the mapping; point at the misspelt key when it is found.
                let path: Vec<Seg<'_>> = match e.field.as_deref() {
                    Some(parent) => vec![Seg::Key(parent), Seg::Key(key)],
                    None => vec![Seg::Key(key)],
                };
                (line, column) = locate(text, &path);
            }
            let message = match &e.field {
                Some(f) => format!("{f}: {}; errdex uses its defaults", e.message),
                None => format!("{}; errdex uses its defaults", e.message),
            };
            let diag = Diagnostic {
                file: file.to_string(),
                line,
                column,
                severity: Severity::Error,
                message,
                hint: Some(hint_for(&e.message, unknown)),
            };
            (Config::default(), vec![diag])
        }
    }
}

fn hint_for(message: &str, unknown: Option<&str>) -> String {
    if let Some(key) = unknown {
        let nearest = FIELDS
            .iter()
            .map(|f| (strsim::damerau_levenshtein(key, f), *f))
            .min()
            .filter(|(d, f)| *d <= 2.max(f.len() / 3));
        return match nearest {
            Some((_, f)) => format!("did you mean `{f}`?"),
            None => format!("the config file knows only {}", FIELDS.join(" and ")),
        };
    }
    if message.starts_with("the document is refused") {
        return "a config file is a few lines of `versions:` and `record_host:`; replace this one"
            .to_string();
    }
    if message.starts_with("invalid type") || message.starts_with("expected ") {
        return "`versions:` is a mapping of package to version (`go: 1.22.3`); \
                `record_host:` is true or false"
            .to_string();
    }
    "check indentation and quoting here; see the Configuration section of the README".to_string()
}

/// The versions a config file sets, with a diagnostic (at the key's `line:column`) for each
/// name or version that cannot be read and for two keys that name the same package (the
/// first one written counts).
pub fn versions_from_config(config: &Config, path: &Path) -> (Vec<Installed>, Vec<Diagnostic>) {
    let label = path.display().to_string();
    let at = |key: &str| config.positions.get(key).copied().unwrap_or((1, 1));
    let mut keys: Vec<&String> = config.versions.keys().collect();
    keys.sort_by_key(|k| (at(k), (*k).clone()));
    let mut out: Vec<Installed> = Vec::new();
    let mut first_key: BTreeMap<String, &str> = BTreeMap::new();
    let mut problems = Vec::new();
    for key in keys {
        let value = config.versions.get(key).map_or("", String::as_str);
        let (line, column) = at(key);
        let diag = |severity, message: String, hint: String| Diagnostic {
            file: label.clone(),
            line,
            column,
            severity,
            message: format!("versions.{message}"),
            hint: Some(hint),
        };
        match Installed::new(key, value, Source::Config(path.to_path_buf())) {
            Ok(found) => match first_key.get(&found.package) {
                Some(first) => problems.push(diag(
                    Severity::Warning,
                    format!(
                        "{key}: names the same package as `{first}` ({}); the first one counts",
                        found.package
                    ),
                    "keep one of the two".to_string(),
                )),
                None => {
                    first_key.insert(found.package.clone(), key);
                    out.push(found);
                }
            },
            Err(message) => problems.push(diag(
                Severity::Error,
                format!("{key}: {message}; ignored"),
                "write one version per package, like `go: 1.22.3` or `node: \"20.11.1\"`"
                    .to_string(),
            )),
        }
    }
    (out, problems)
}

/// Merge the three sources of versions, later overriding earlier: what [`installed::detect`]
/// finds in `project_dir`, then the config file's `versions:`, then each `--have` flag (a
/// later flag overriding an earlier one). Problems from all three are returned; a bad flag
/// is reported with the file name `--have`. (A CLI can refuse bad flags earlier with
/// [`Installed::from_flag`] as clap's value parser.)
pub fn resolve(
    flags: &[String],
    config: Option<(&Config, &Path)>,
    project_dir: Option<&Path>,
) -> (Versions, Vec<Diagnostic>) {
    let mut versions = Versions::new();
    let mut problems = Vec::new();
    if let Some(dir) = project_dir {
        let detected = installed::detect(dir);
        problems.extend(detected.problems);
        versions.extend(detected.versions);
    }
    if let Some((config, path)) = config {
        let (found, diags) = versions_from_config(config, path);
        problems.extend(diags);
        versions.extend(found);
    }
    for flag in flags {
        match Installed::from_flag(flag) {
            Ok(found) => {
                versions.add(found);
            }
            Err(message) => problems.push(Diagnostic {
                file: "--have".to_string(),
                line: 1,
                column: 1,
                severity: Severity::Error,
                message: message
                    .strip_suffix(&format!("; {HAVE_EXAMPLE}"))
                    .unwrap_or(&message)
                    .to_string(),
                hint: Some(HAVE_EXAMPLE.to_string()),
            }),
        }
    }
    (versions, problems)
}

#[cfg(test)]
mod tests {
    use semver::Version;

    use super::*;

    #[test]
    fn versions_keep_their_text_and_positions() {
        let text = "# mine\nversions:\n  go: 1.20\n  Python3: \"3.12.1\"\n  node: v20\nrecord_host: true\n";
        let (config, problems) = parse(text, "config.yaml");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(config.record_host);
        // YAML would read 1.20 as the number 1.2; the text is kept.
        assert_eq!(config.versions.get("go").map(String::as_str), Some("1.20"));
        assert_eq!(config.positions.get("Python3"), Some(&(4, 3)));
        let (found, problems) = versions_from_config(&config, Path::new("config.yaml"));
        assert!(problems.is_empty(), "{problems:?}");
        let got: Vec<(&str, Version)> = found
            .iter()
            .map(|i| (i.package.as_str(), i.version.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("go", Version::new(1, 20, 0)),
                ("cpython", Version::new(3, 12, 1)),
                ("node", Version::new(20, 0, 0)),
            ]
        );
        assert_eq!(
            found[0].source,
            Source::Config(PathBuf::from("config.yaml"))
        );
    }

    #[test]
    fn empty_and_comment_only_files_are_defaults() {
        for text in ["", "\n\n", "# nothing yet\n", "---\n# x\n"] {
            let (config, problems) = parse(text, "c.yaml");
            assert_eq!(config, Config::default(), "{text:?}");
            assert!(problems.is_empty());
        }
        for text in ["versions: {}\n", "versions:\n"] {
            let (config, problems) = parse(text, "c.yaml");
            assert!(problems.is_empty() && config.versions.is_empty() && !config.record_host);
        }
    }

    #[test]
    fn a_misspelt_field_points_at_the_key_with_a_hint() {
        let text = "versions:\n  go: 1.22\nrecord_hots: true\n";
        let (config, problems) = parse(text, "c.yaml");
        assert_eq!(config, Config::default());
        let d = &problems[0];
        assert_eq!(
            (d.file.as_str(), d.line, d.column),
            ("c.yaml", 3, 1),
            "{d:?}"
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `record_host`?"));
        assert_eq!(d.severity, Severity::Error);
    }

    #[test]
    fn bad_yaml_and_wrong_shapes_are_located() {
        let (_, problems) = parse("versions:\n  go: [1.22\n", "c.yaml");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].line >= 2, "{:?}", problems[0]);
        let (_, problems) = parse("versions:\n  - go\n", "c.yaml");
        assert_eq!(problems[0].line, 2, "{:?}", problems[0]);
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("mapping")
        );
        let (_, problems) = parse("record_host: maybe\n", "c.yaml");
        assert_eq!(
            (problems[0].line, problems[0].column),
            (1, 14),
            "{:?}",
            problems[0]
        );
    }

    #[test]
    fn bad_versions_and_duplicates_are_reported_not_fatal() {
        let text = "versions:\n  go: latest\n  python: 3.11\n  cpython: 3.12\n  node: 20.11.1\n";
        let (config, problems) = parse(text, "c.yaml");
        assert!(problems.is_empty());
        let (found, problems) = versions_from_config(&config, Path::new("c.yaml"));
        let names: Vec<&str> = found.iter().map(|i| i.package.as_str()).collect();
        assert_eq!(names, ["cpython", "node"]);
        assert_eq!(found[0].shown, "3.11", "the first one written counts");
        let at: Vec<(usize, usize, Severity)> = problems
            .iter()
            .map(|d| (d.line, d.column, d.severity))
            .collect();
        assert_eq!(
            at,
            [(2, 3, Severity::Error), (4, 3, Severity::Warning)],
            "{problems:?}"
        );
        assert!(problems[0].message.contains("`latest`"));
    }

    #[test]
    fn location_prefers_the_environment() {
        let dir = Path::new("/cfg");
        let env = location(Some(OsStr::new("/elsewhere/e.yaml")), Some(dir)).expect("set");
        assert_eq!(env.path, PathBuf::from("/elsewhere/e.yaml"));
        assert!(env.from_env);
        let default = location(Some(OsStr::new("")), Some(dir)).expect("default");
        assert_eq!(default.path, dir.join(FILE_NAME));
        assert!(!default.from_env);
        assert_eq!(location(None, None), None);
    }

    #[test]
    fn flags_override_config_and_bad_flags_are_diagnostics() {
        let (config, _) = parse("versions:\n  go: 1.21\n  node: 18.0.0\n", "c.yaml");
        let flags = vec![
            "go=1.22.3".to_string(),
            "node@20.11.1".to_string(),
            "go=1.23".to_string(),
            "oops".to_string(),
            "x=".to_string(),
        ];
        let (versions, problems) = resolve(&flags, Some((&config, Path::new("c.yaml"))), None);
        assert_eq!(
            versions
                .get("golang")
                .map(|i| (i.shown.as_str(), &i.source)),
            Some(("1.23", &Source::Flag))
        );
        assert_eq!(
            versions.get("node").map(|i| i.shown.as_str()),
            Some("20.11.1")
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|d| d.file == "--have"
            && d.hint.as_deref() == Some(HAVE_EXAMPLE)
            && !d.message.contains(HAVE_EXAMPLE)));
    }
}
