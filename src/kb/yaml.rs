//! The one place that reads and writes YAML: entries, and the config file through [`parse`]
//! (serde-saphyr stays behind these functions; see the README for why not serde_yaml).
//!
//! Like `entry.rs`, this file is also compiled by the build script, so it uses nothing but
//! `serde`, `serde-saphyr`, `std` and the entry model.

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

/// How deep collections may nest in one document. Entries need 4 levels; the rest is room.
pub const MAX_DEPTH: usize = 64;
/// How many nodes (scalars, sequences, mappings) one document may have.
pub const MAX_NODES: usize = 250_000;
/// How many aliases (`*name`) one document may use.
pub const MAX_ALIASES: usize = 1_000;

fn options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.budget = serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        max_nodes: MAX_NODES,
        max_aliases: MAX_ALIASES,
        max_anchors: MAX_ALIASES,
        max_documents: 1,
    };
    options
}

/// Parse any YAML document into a type that serde can build (an entry, the config file).
///
/// Every document is parsed within the budgets above, so deep nesting, alias bombs and
/// node floods fail fast with a message saying so. When the typed parse fails, the document
/// is walked once more without a type: if that breaks a budget, that is the error reported
/// (a nesting bomb inside a field of the wrong type is still called a nesting bomb).
///
/// No size or emptiness checks: callers decide what an empty or oversized document means.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|typed| {
        let untyped =
            serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(text, options()).err();
        let e = match untyped {
            Some(u) if is_limit(&plain_message(&u)) => u,
            _ => typed,
        };
        let (line, column) = e
            .without_snippet()
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .filter(|&(l, c)| l > 0 && c > 0)
            .unwrap_or((1, 1));
        YamlError {
            message: explain(&plain_message(&e)),
            field: None,
            line,
            column,
        }
    })
}

/// The error's text without the snippet and without the ` at line L, column C` that
/// errdex reports in its own `file:line:column` form.
fn plain_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let trimmed = match full.rfind(" at line ") {
        Some(i) if full[i..].contains(", column ") => &full[..i],
        _ => &full,
    };
    trimmed.trim().to_string()
}

/// Whether the parser stopped at one of its limits rather than at a mistake.
fn is_limit(message: &str) -> bool {
    message.starts_with("budget breached") || message.contains("recursion limit")
}

/// Budget breaches in words a user can act on.
fn explain(message: &str) -> String {
    if message.contains("recursion limit") {
        return format!("the document is refused: collections nest deeper than {MAX_DEPTH} levels");
    }
    let Some(what) = message.strip_prefix("budget breached: ") else {
        return message.to_string();
    };
    let limit = if what.starts_with("Depth") {
        format!("collections nest deeper than {MAX_DEPTH} levels")
    } else if what.starts_with("Aliases") || what.starts_with("Anchors") {
        format!("more than {MAX_ALIASES} aliases or anchors")
    } else if what.starts_with("Nodes") {
        format!("more than {MAX_NODES} values")
    } else if what.starts_with("Documents") {
        "more than one YAML document (`---`)".to_string()
    } else {
        format!("a parser limit was reached ({what})")
    };
    format!("the document is refused: {limit}")
}

/// Write one entry as YAML. Long lines are not folded, so a snippet's text stays as it is.
pub fn to_yaml(entry: &Entry) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    // Serialising plain data structs to a String cannot fail; fall back to an explicit
    // comment rather than panicking if the serializer ever disagrees.
    serde_saphyr::to_string_with_options(entry, options)
        .unwrap_or_else(|e| format!("# errdex could not serialise this entry: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Small {
        id: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn errors_carry_line_column_and_a_message_without_them() {
        let e = parse::<Small>("id: a\ntags: [x, [y]]\n").expect_err("wrong type");
        assert_eq!(e.line, 2);
        assert!(!e.message.contains(" at line "), "{}", e.message);
    }

    #[test]
    fn nesting_and_alias_bombs_are_named_as_such_even_in_a_typed_field() {
        let deep = format!("id: a\ntags: {}\n", "[".repeat(100_000));
        let e = parse::<Small>(&deep).expect_err("deep");
        assert!(e.message.contains("nest deeper"), "{}", e.message);
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            laughs.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        laughs.push_str("id: *a9\n");
        let e = parse::<Small>(&laughs).expect_err("laughs");
        assert!(
            e.message.starts_with("the document is refused"),
            "{}",
            e.message
        );
        let e = parse::<Small>("id: a\n---\nid: b\n").expect_err("two documents");
        assert!(e.message.contains("one YAML document"), "{}", e.message);
    }

    #[test]
    fn long_lines_are_written_unfolded_and_read_back_the_same() {
        let mut entry = crate::kb::load::bundled()
            .into_iter()
            .next()
            .expect("a bundled entry")
            .entry;
        entry.root_cause = "word ".repeat(60).trim_end().to_string();
        let text = to_yaml(&entry);
        assert!(!text.contains(">-") && !text.contains(": >"), "{text}");
        assert_eq!(parse_entry(&text).expect("round trip"), entry);
    }
}
