//! Writing entries: scaffolds for new ones, editable copies of existing ones, and the
//! editor that opens them. Nothing here draws on a terminal; the explorer and `errdex new`
//! hand the terminal over around [`open_in_editor`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::entry::Entry;
use super::load::Origin;
use super::{fsutil, redact, yaml};

/// A lowercase slug of `text` for ids and file names: letters and digits, words joined by
/// `-`, at most 60 characters; `entry` when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 60 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        "entry".to_string()
    } else {
        out
    }
}

/// Quote a string for a YAML scalar on one line (a JSON string is a valid double-quoted
/// YAML scalar).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The text of a new entry: the pasted error (made shareable, see [`redact::message`]) as
/// title and alias, the fields to fill in left empty so that `errdex lint` points at them,
/// and comments that say what each field wants.
pub fn scaffold(domain: &str, pasted: &str) -> (String, String) {
    let message = redact::message(pasted);
    let domain = slug(domain);
    let id = format!("{domain}/{}", slug(&message));
    let alias = if message.is_empty() {
        "aliases: []\n".to_string()
    } else {
        format!("aliases:\n  - {}\n", quoted(&message))
    };
    let patterns = if message.is_empty() {
        "patterns: []\n".to_string()
    } else {
        format!("patterns:\n  - {}\n", quoted(&pattern_for(&message)))
    };
    let text = format!(
        "# A new errdex entry. Fill in the empty fields; errdex checks the file when the\n\
         # editor closes (or run `errdex lint` on it). Field reference: errdex's README.\n\
         id: {id}\n\
         # The error as users see it, without times, hosts or ids.\n\
         title: {title}\n\
         domain: {domain}\n\
         # A snake_case kind: network_error, auth_error, config_error, resource_error, …\n\
         category: unknown_error\n\
         verification: authored\n\
         # Other exact wordings of the same error.\n\
         {alias}\
         # Regular expressions that recognise the error in a log line (Rust regex syntax).\n\
         {patterns}\
         # What actually happens, as a mechanism; not a restatement of the message.\n\
         root_cause: \"\"\n\
         # Best first. Each: title, condition (when it applies), tradeoff, snippet {{language, code}},\n\
         # requires {{package, range}} when it needs certain versions.\n\
         workarounds: []\n\
         # What people try that does not help. Each: title, why.\n\
         dead_ends: []\n\
         related: []\n\
         references: []\n\
         tags: []\n",
        title = quoted(&message),
    );
    (id, text)
}

/// A regular expression for a message with placeholders: the text matched literally, each
/// `<ip>`, `<host>`, `<id>`… matching any run of non-blanks.
pub fn pattern_for(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase()) {
            out.push_str(&regex::escape(&rest[..start + 1]));
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&regex::escape(&rest[..start]));
        out.push_str(r"\S+");
        rest = &rest[start + len + 1..];
    }
    out.push_str(&regex::escape(rest));
    out
}

/// Where a new entry with `id` goes under `entries_dir`: `<domain>/<slug>.yaml`, with
/// `-2`, `-3`… added when that file exists, so nothing is overwritten.
pub fn new_entry_path(entries_dir: &Path, id: &str) -> PathBuf {
    let (domain, name) = id.split_once('/').unwrap_or(("local", id));
    let dir = entries_dir.join(slug(domain));
    let base = slug(name);
    let mut path = dir.join(format!("{base}.yaml"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{base}-{n}.yaml"));
        n += 1;
    }
    path
}

/// Write a new file at `path` below the entries folder `root` without ever replacing one
/// (not even a dangling link) and without writing through a linked folder inside `root`.
pub fn create_new(root: &Path, path: &Path, text: &str) -> io::Result<()> {
    fsutil::no_links_below(root, path)?;
    if path.exists() || fs::symlink_metadata(path).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists; errdex does not overwrite it", path.display()),
        ));
    }
    fsutil::write_new(path, text.as_bytes())
}

/// The file to edit for an entry: its own file, or for a bundled entry a copy written to
/// `entries_dir` first (the copy then overrides the bundled entry by id). An existing copy
/// is opened as it is, never overwritten.
pub fn editable_file(entry: &Entry, origin: &Origin, entries_dir: &Path) -> io::Result<PathBuf> {
    match origin {
        Origin::File(p) => Ok(p.clone()),
        Origin::Bundled(_) => {
            let (domain, name) = entry.id.split_once('/').unwrap_or(("local", &entry.id));
            let path = entries_dir
                .join(slug(domain))
                .join(format!("{}.yaml", slug(name)));
            fsutil::no_links_below(entries_dir, &path)?;
            if !path.exists() {
                let text = format!(
                    "# A copy of errdex's bundled entry {}, made to be edited. It overrides the\n\
                     # bundled one (same id); delete this file to go back to it.\n{}",
                    entry.id,
                    yaml::to_yaml(entry)
                );
                fsutil::write_new(&path, text.as_bytes())?;
            }
            Ok(path)
        }
    }
}

/// The editor to run: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Run `editor` on `path` and wait for it. The editor string goes through `sh`, so values
/// such as `code --wait` work; the path is passed as an argument, never spliced into it.
///
/// The path is made absolute first, so it can never read as an option (`-rf/…`).
pub fn open_in_editor(editor: &str, path: &Path) -> io::Result<()> {
    let path = fsutil::absolute(path)?;
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("errdex-editor")
        .arg(&path)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "the editor (`{editor}`) exited with {status}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::load;

    #[test]
    fn slugs_are_short_lowercase_words() {
        assert_eq!(
            slug("ECONNRESET: socket hang up"),
            "econnreset-socket-hang-up"
        );
        assert_eq!(slug("¿¿??"), "entry");
        assert!(slug(&"word ".repeat(40)).len() <= 60);
    }

    #[test]
    fn a_scaffold_parses_and_lint_points_at_what_is_missing() {
        let pasted = "2026-11-24T10:32:11Z ERROR worker-5f7d8c9b4-q8z2x dial tcp \
                      10.1.2.3:6379: i/o timeout";
        let (id, text) = scaffold("redis", pasted);
        assert_eq!(id, "redis/dial-tcp-ip-6379-i-o-timeout");
        assert!(
            text.contains("title: \"dial tcp <ip>:6379: i/o timeout\""),
            "{text}"
        );
        assert!(!text.contains("10.1.2.3"));
        let (entry, diags) = load::check_text("new.yaml", &text);
        assert!(entry.is_none(), "an empty root cause must not pass");
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("root_cause") || d.message.contains("root cause")),
            "{diags:?}"
        );
    }

    #[test]
    fn patterns_match_the_message_with_any_value_in_its_placeholders() {
        let p = pattern_for("dial tcp <ip>:6379: i/o timeout (code <id>) a<b");
        let re = regex::Regex::new(&p).expect("compiles");
        assert!(re.is_match("dial tcp 10.0.0.9:6379: i/o timeout (code 77f3) a<b"));
        assert!(!re.is_match("dial tcp 10.0.0.9:5432: i/o timeout (code 77f3) a<b"));
    }

    #[test]
    fn new_paths_never_replace_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = new_entry_path(dir.path(), "redis/timeout");
        assert!(first.ends_with("redis/timeout.yaml"));
        create_new(dir.path(), &first, "x").expect("writes");
        let second = new_entry_path(dir.path(), "redis/timeout");
        assert!(second.ends_with("redis/timeout-2.yaml"));
        assert!(create_new(dir.path(), &first, "y").is_err());
        assert_eq!(std::fs::read_to_string(&first).expect("reads"), "x");
    }

    #[test]
    fn bundled_entries_are_copied_once_and_files_are_edited_in_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bundled = load::bundled();
        let first = bundled.first().expect("a bundled entry");
        let path = editable_file(&first.entry, &first.origin, dir.path()).expect("copies");
        let text = std::fs::read_to_string(&path).expect("reads");
        let (back, diags) = load::check_text("copy.yaml", &text);
        assert_eq!(back.as_ref(), Some(&first.entry), "{diags:?}");
        std::fs::write(&path, "changed").expect("writes");
        let again = editable_file(&first.entry, &first.origin, dir.path()).expect("opens");
        assert_eq!(again, path);
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "changed");
        let own = Origin::File(dir.path().join("mine.yaml"));
        assert_eq!(
            editable_file(&first.entry, &own, dir.path()).expect("own"),
            dir.path().join("mine.yaml")
        );
    }

    #[test]
    fn the_editor_gets_the_path_as_one_argument() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a file; rm -rf x.yaml");
        std::fs::write(&path, "old\n").expect("writes");
        open_in_editor("sed -i s/old/new/", &path).expect("runs");
        assert_eq!(std::fs::read_to_string(&path).expect("reads"), "new\n");
        assert!(open_in_editor("false", &path).is_err());
    }
}
