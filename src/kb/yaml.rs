//! The one place that reads and writes YAML: entries, and the config file through [`parse`]
//! (serde_yaml stays behind these functions).
//!
//! Like `entry.rs`, this file is also compiled by the build script, so it uses nothing but
//! `serde`, `serde_yaml`, `std` and the entry model.

use super::entry::Entry;

/// Refuse documents larger than this before parsing them (bytes).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A YAML document that did not become an [`Entry`] (or other value), with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong, without the location.
    pub message: String,
    /// The field path serde reported (`workarounds[1]`), when it reported one.
    pub field: Option<String>,
    /// 1-based line, when known.
    pub line: usize,
    /// 1-based column, when known.
    pub column: usize,
}

/// Parse one entry from YAML text.
pub fn parse_entry(text: &str) -> Result<Entry, YamlError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(YamlError {
            message: format!(
                "file is {} bytes, more than the {} byte limit for one entry",
                text.len(),
                MAX_FILE_BYTES
            ),
            field: None,
            line: 1,
            column: 1,
        });
    }
    if text.trim().is_empty() {
        return Err(YamlError {
            message: "the file is empty".to_string(),
            field: None,
            line: 1,
            column: 1,
        });
    }
    parse::<Entry>(text)
}

/// Parse any YAML document into a type that serde can build (an entry, the config file).
///
/// No size or emptiness checks: callers decide what an empty or oversized document means.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str::<T>(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        let (field, message) = split_error(&e.to_string());
        YamlError {
            message,
            field,
            line,
            column,
        }
    })
}

/// Write one entry as YAML.
pub fn to_yaml(entry: &Entry) -> String {
    // Serialising plain data structs to a String cannot fail; fall back to an explicit
    // comment rather than panicking if serde_yaml ever disagrees.
    serde_yaml::to_string(entry)
        .unwrap_or_else(|e| format!("# errdex could not serialise this entry: {e}\n"))
}

/// serde_yaml formats errors as `path: message at line L column C`; take the parts apart.
fn split_error(full: &str) -> (Option<String>, String) {
    let without_location = match full.rfind(" at line ") {
        Some(i) if full[i..].contains(" column ") => &full[..i],
        _ => full,
    };
    // A leading field path looks like `workarounds[0].snippet: ` — no spaces before the colon.
    if let Some((head, rest)) = without_location.split_once(": ") {
        let looks_like_path = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
        if looks_like_path {
            return (Some(head.to_string()), rest.to_string());
        }
    }
    (None, without_location.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_path_message_and_location() {
        let (field, msg) = split_error("workarounds[1]: missing field `title` at line 5 column 5");
        assert_eq!(field.as_deref(), Some("workarounds[1]"));
        assert_eq!(msg, "missing field `title`");
        let (field, msg) =
            split_error("did not find expected key at line 2 column 1, while parsing");
        assert_eq!(field, None);
        assert!(msg.starts_with("did not find expected key"));
    }
}
