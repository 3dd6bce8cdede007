//! Find where a field lives in a YAML entry, so semantic problems found after parsing can
//! still be reported as `file:line:column`.
//!
//! This is a reader of the block style errdex entries are written in (mappings by
//! indentation, `- ` sequence items, flow values on one line). For anything it cannot follow
//! it answers with the nearest enclosing position it did find, which is still useful.

/// One step of a path into an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index (0-based).
    Index(usize),
}

/// Render a path the way serde_yaml does: `workarounds[1].snippet.code`.
pub fn path_string(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Parse a serde-style path (`workarounds[1].snippet`) into segments.
pub fn parse_path(s: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in s.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|x| !x.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Seg::Index(n));
            }
        }
    }
    out
}

struct Line<'a> {
    text: &'a str,
    indent: usize,
}

impl Line<'_> {
    fn is_content(&self) -> bool {
        let t = self.text.trim_start();
        !t.is_empty() && !t.starts_with('#') && t != "---"
    }
    fn is_item(&self) -> bool {
        let t = &self.text[self.indent..];
        t == "-" || t.starts_with("- ")
    }
}

/// The lines of a node: `[start, end)`, with the column at which its content begins on the
/// first line (after a `- ` marker or a `key:`).
#[derive(Clone, Copy)]
struct Node {
    start: usize,
    end: usize,
    first_col: Option<usize>,
}

/// 1-based (line, column) of the value at `path`, or of the deepest part of it found.
pub fn locate(text: &str, path: &[Seg<'_>]) -> (usize, usize) {
    let lines: Vec<Line<'_>> = text
        .lines()
        .map(|t| Line {
            text: t,
            indent: t.len() - t.trim_start_matches(' ').len(),
        })
        .collect();
    let mut node = Node {
        start: 0,
        end: lines.len(),
        first_col: None,
    };
    let mut best = first_content(&lines, node).unwrap_or((0, 0));
    for seg in path {
        let found = match seg {
            Seg::Key(k) => find_key(&lines, node, k),
            Seg::Index(i) => find_item(&lines, node, *i),
        };
        match found {
            Some((pos, child)) => {
                best = pos;
                node = child;
            }
            None => break,
        }
    }
    (best.0 + 1, best.1 + 1)
}

fn content_col(lines: &[Line<'_>], node: Node, i: usize) -> usize {
    match node.first_col {
        Some(c) if i == node.start => c,
        _ => lines[i].indent,
    }
}

fn first_content(lines: &[Line<'_>], node: Node) -> Option<(usize, usize)> {
    (node.start..node.end)
        .find(|&i| {
            let c = content_col(lines, node, i);
            lines[i].is_content() && lines[i].text.len() > c
        })
        .map(|i| (i, content_col(lines, node, i)))
}

/// The end of the block that starts at line `i` with content at column `col`.
fn block_end(lines: &[Line<'_>], i: usize, col: usize, limit: usize, key: bool) -> usize {
    (i + 1..limit)
        .find(|&j| {
            let l = &lines[j];
            l.is_content() && (l.indent < col || (l.indent == col && !(key && l.is_item())))
        })
        .unwrap_or(limit)
}

fn find_key(lines: &[Line<'_>], node: Node, key: &str) -> Option<((usize, usize), Node)> {
    let (_, map_col) = first_content(lines, node)?;
    for i in node.start..node.end {
        let col = content_col(lines, node, i);
        if col != map_col || !lines[i].is_content() {
            continue;
        }
        let rest = lines[i].text.get(col..)?;
        let after = rest
            .strip_prefix(key)
            .or_else(|| rest.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| rest.strip_prefix(&format!("'{key}'")));
        if let Some(after) = after
            && after.starts_with(':')
        {
            let value_col = col + (rest.len() - after.len()) + 1;
            let inline = lines[i].text[value_col..].trim_start();
            let end = block_end(lines, i, col, node.end, true);
            // A `#` after the colon starts a comment: the value is the block below.
            let block_value = inline.is_empty()
                || inline.starts_with('#')
                || inline.starts_with('|')
                || inline.starts_with('>');
            let child = if block_value {
                Node {
                    start: i + 1,
                    end,
                    first_col: None,
                }
            } else {
                // An inline value: deeper segments cannot be followed; stay here.
                Node {
                    start: i,
                    end: i,
                    first_col: None,
                }
            };
            return Some(((i, col), child));
        }
    }
    None
}

fn find_item(lines: &[Line<'_>], node: Node, index: usize) -> Option<((usize, usize), Node)> {
    let items: Vec<usize> = (node.start..node.end)
        .filter(|&i| lines[i].is_content() && lines[i].is_item())
        .collect();
    let dash = items.iter().map(|&i| lines[i].indent).min()?;
    let i = *items
        .iter()
        .filter(|&&i| lines[i].indent == dash)
        .nth(index)?;
    let end = block_end(lines, i, dash, node.end, false);
    let content = dash + 2;
    Some((
        (i, content.min(lines[i].text.len())),
        Node {
            start: i,
            end,
            first_col: Some(content),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
# comment
id: a/b
title: x
workarounds:
  - title: first
    success_rate: { value: 0.5, basis: estimated }
  - title: second
    snippet:
      language: bash
      code: |
        echo hi
dead_ends:
- title: t
  why: w
";

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(locate(DOC, &[Seg::Key("title")]), (3, 1));
        assert_eq!(locate(DOC, &[Seg::Key("dead_ends")]), (12, 1));
    }

    #[test]
    fn finds_items_and_their_keys() {
        let p = parse_path("workarounds[1].snippet.code");
        assert_eq!(locate(DOC, &p), (10, 7));
        assert_eq!(
            locate(DOC, &parse_path("workarounds[0].success_rate")),
            (6, 5)
        );
        assert_eq!(locate(DOC, &parse_path("workarounds[1]")), (7, 5));
        assert_eq!(locate(DOC, &parse_path("dead_ends[0].why")), (14, 3));
    }

    #[test]
    fn falls_back_to_the_deepest_found() {
        assert_eq!(
            locate(DOC, &parse_path("workarounds[0].success_rate.value")),
            (6, 5)
        );
        assert_eq!(locate(DOC, &parse_path("workarounds[7]")), (4, 1));
        assert_eq!(locate("", &parse_path("id")), (1, 1));
    }

    #[test]
    fn a_comment_after_a_key_does_not_hide_its_block() {
        let doc = "versions:   # what I run\n  go: 1.22\n  node: 20  # lts\n";
        assert_eq!(
            locate(doc, &[Seg::Key("versions"), Seg::Key("node")]),
            (3, 3)
        );
    }

    #[test]
    fn renders_paths() {
        assert_eq!(
            path_string(&parse_path("workarounds[1].snippet")),
            "workarounds[1].snippet"
        );
    }
}
