//! go.mod: the `go` and `toolchain` directives and `require` lines.

use std::collections::HashSet;

use super::names::{normalise_package, plain_name};
use super::{
    FileCtx, Installed, MAX_PACKAGES, Problems, printable, read_version, too_many_packages,
};
use crate::kb::diag::{Diagnostic, Severity};

/// A word of a go.mod line with its 1-based column.
struct Token<'a> {
    text: &'a str,
    column: usize,
}

/// Split a go.mod line into words (quotes removed), dropping a `//` comment.
fn go_tokens(line: &str) -> Vec<Token<'_>> {
    let code = match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    };
    let mut tokens = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        let after = &rest[start..];
        let (word_len, text) =
            if let Some(q) = after.chars().next().filter(|c| matches!(c, '"' | '`')) {
                // A quoted module path: the text between the quotes (to the end if unclosed).
                match after[1..].find(q) {
                    Some(i) => (i + 2, &after[1..1 + i]),
                    None => (after.len(), &after[1..]),
                }
            } else if after.starts_with(['(', ')']) {
                (1, &after[..1])
            } else {
                let len = after
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(after.len());
                (len, &after[..len])
            };
        tokens.push(Token {
            text,
            column: line[..offset + start].chars().count() + 1,
        });
        offset += start + word_len;
        rest = &code[offset..];
    }
    tokens
}

pub(super) fn go_mod(text: &str, file: &FileCtx) -> (Vec<Installed>, Vec<Diagnostic>) {
    const HINT: &str = "see https://go.dev/ref/mod#go-mod-file; `go mod tidy` rewrites the file";
    let mut out: Vec<Installed> = Vec::new();
    let mut problems = Problems::new(file);
    let mut go_line: Option<Installed> = None;
    let mut toolchain: Option<Installed> = None;
    let mut block: Option<(String, usize, usize)> = None;
    let mut seen: HashSet<String> = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let tokens = go_tokens(line);
        let Some(first) = tokens.first() else {
            continue;
        };
        let requirement: &[Token<'_>] = match &block {
            Some((verb, ..)) => {
                if first.text == ")" {
                    block = None;
                    continue;
                }
                if verb != "require" {
                    continue;
                }
                &tokens
            }
            None => {
                if tokens.len() == 2 && tokens[1].text == "(" {
                    block = Some((first.text.to_string(), n, first.column));
                    continue;
                }
                match first.text {
                    "go" | "toolchain" => {
                        let Some(value) = tokens.get(1) else {
                            problems.push(file.diag(
                                (n, first.column),
                                Severity::Warning,
                                format!("`{}` without a version", first.text),
                                HINT,
                            ));
                            continue;
                        };
                        if first.text == "toolchain" && value.text == "default" {
                            continue;
                        }
                        let shown = value.text.strip_prefix("go").unwrap_or(value.text);
                        match read_version(value.text) {
                            Some(v) => {
                                let found = file.installed("go".to_string(), v, shown);
                                if first.text == "go" {
                                    go_line = Some(found);
                                } else {
                                    toolchain = Some(found);
                                }
                            }
                            None => problems.push(file.diag(
                                (n, value.column),
                                Severity::Warning,
                                format!("cannot read `{}` as a Go version", printable(value.text)),
                                "write it like `go 1.22` or `toolchain go1.22.3`",
                            )),
                        }
                        continue;
                    }
                    "require" => &tokens[1..],
                    ")" => {
                        problems.push(file.diag(
                            (n, first.column),
                            Severity::Warning,
                            "`)` closes no block".to_string(),
                            HINT,
                        ));
                        continue;
                    }
                    _ => continue,
                }
            }
        };
        let column = requirement.first().map_or(first.column, |t| t.column);
        let (Some(path), Some(version)) = (requirement.first(), requirement.get(1)) else {
            problems.push(file.diag(
                (n, column),
                Severity::Warning,
                "a requirement needs a module path and a version".to_string(),
                "write it like `github.com/google/uuid v1.6.0`",
            ));
            continue;
        };
        match read_version(version.text) {
            Some(v) if plain_name(path.text) => {
                let package = normalise_package(path.text);
                if out.len() >= MAX_PACKAGES && !seen.contains(&package) {
                    problems.push(too_many_packages(file, n));
                    block = None;
                    break;
                }
                if seen.insert(package.clone()) {
                    out.push(file.installed(package, v, version.text));
                }
            }
            Some(_) => problems.push(file.diag(
                (n, path.column),
                Severity::Warning,
                format!("`{}` is not a module path", printable(path.text)),
                HINT,
            )),
            None => problems.push(file.diag(
                (n, version.column),
                Severity::Warning,
                format!(
                    "cannot read `{}` as a module version",
                    printable(version.text)
                ),
                "module versions look like v1.62.1 or v0.0.0-20240101000000-abcdef123456",
            )),
        }
    }
    if let Some((verb, line, column)) = block {
        problems.push(file.diag(
            (line, column),
            Severity::Warning,
            format!("this `{}` block is never closed", printable(&verb)),
            "end the block with `)` on a line of its own",
        ));
    }
    // `toolchain` names the Go that builds the module; it wins over the `go` line.
    if let Some(go) = toolchain.or(go_line) {
        out.insert(0, go);
    }
    (out, problems.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::installed::test_support::{ctx, pairs};

    #[test]
    fn go_mod_reads_directives_blocks_and_odd_versions() {
        let text = "module example.com/app\n\ngo 1.21\ntoolchain go1.22.3\n\n\
            require github.com/google/uuid v1.6.0\n\
            require (\n\
            \tgoogle.golang.org/grpc v1.62.1\n\
            \tgithub.com/docker/docker v24.0.7+incompatible // indirect\n\
            \tgolang.org/x/net v0.0.0-20240101000000-abcdef123456 // indirect\n\
            \t\"example.com/quoted\" v1.0.0\n\
            )\n\
            replace (\n\tgithub.com/a/b => ../b\n)\nexclude example.com/bad v1.9.9\n";
        let (found, problems) = go_mod(text, &ctx("go.mod"));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            pairs(&found),
            [
                ("go", "1.22.3"),
                ("github.com/google/uuid", "1.6.0"),
                ("grpc-go", "1.62.1"),
                ("github.com/docker/docker", "24.0.7"),
                ("golang.org/x/net", "0.0.0"),
                ("example.com/quoted", "1.0.0"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(found[0].shown, "1.22.3");
        assert_eq!(found[3].shown, "v24.0.7+incompatible");
        // Without a toolchain line the go line counts.
        let (found, _) = go_mod("module m\ngo 1.22\n", &ctx("go.mod"));
        assert_eq!(pairs(&found), [("go".to_string(), "1.22.0".to_string())]);
        assert_eq!(found[0].shown, "1.22");
    }

    #[test]
    fn go_mod_problems_point_at_the_line() {
        let text = "module m\ngo latest\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b\n\texample.com/c vX\n";
        let (found, problems) = go_mod(text, &ctx("go.mod"));
        assert_eq!(
            pairs(&found),
            [("example.com/a".to_string(), "1.0.0".to_string())]
        );
        let at: Vec<(usize, usize)> = problems.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(2, 4), (5, 2), (6, 16), (3, 1)], "{problems:?}");
        assert!(problems[3].message.contains("never closed"));
        assert!(
            problems
                .iter()
                .all(|d| d.hint.is_some() && d.file == "go.mod")
        );
    }
}
