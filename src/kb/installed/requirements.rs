//! requirements.txt: exact `name==version` pins; options, ranges and markers are left out.

use std::collections::HashSet;

use super::names::{Ecosystem, lock_package};
use super::{FileCtx, Installed, MAX_NAME, printable, read_version};
use crate::kb::diag::{Diagnostic, Severity};

/// Whether `name` is a PEP 508 distribution name.
fn pep508_name(name: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(ok_char)
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

pub(super) fn requirements(text: &str, file: &FileCtx) -> (Vec<Installed>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    // Join `\`-continued lines, remembering where each logical line starts.
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        match raw.strip_suffix('\\') {
            Some(head) => {
                joined.push_str(head);
                joined.push(' ');
                pending = Some((start, joined));
            }
            None => {
                joined.push_str(raw);
                logical.push((start, joined));
            }
        }
    }
    logical.extend(pending);
    for (n, line) in logical {
        // A comment starts at `#` at the start or after whitespace.
        let mut code = line.as_str();
        if let Some(i) = code
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || code[..i].ends_with(char::is_whitespace)))
            .map(|(i, _)| i)
        {
            code = &code[..i];
        }
        let code_trimmed = code.trim_start();
        if code_trimmed.is_empty() || code_trimmed.starts_with('-') {
            continue; // blank, or an option line (-r, -c, -e, --index-url, …): not followed
        }
        // Environment markers, then per-requirement options (`--hash=…`).
        let code = code.split(';').next().unwrap_or("");
        let code = match code.find(" --").or_else(|| code.find("\t--")) {
            Some(i) => &code[..i],
            None => code,
        };
        let Some(eq) = code.find("==") else { continue };
        let name_part = &code[..eq];
        let version_part = code[eq + 2..].strip_prefix('=').unwrap_or(&code[eq + 2..]);
        let name = match name_part.find('[') {
            Some(i) => &name_part[..i],
            None => name_part,
        }
        .trim();
        let version = version_part.trim();
        if !pep508_name(name) || version.contains([',', '*', ' ', '<', '>', '!', '~']) {
            continue; // not an exact pin of one version
        }
        let Some(v) = read_version(version) else {
            let column = line[..eq + 2].chars().count()
                + 1
                + (version_part.len() - version_part.trim_start().len());
            problems.push(file.diag(
                (n, column),
                Severity::Warning,
                format!("cannot read `{}` as a version", printable(version)),
                "pins look like `requests==2.31.0`",
            ));
            continue;
        };
        let package = lock_package(Ecosystem::PyPI, name);
        if seen.insert(package.clone()) {
            out.push(file.installed(package, v, version));
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::installed::test_support::{ctx, pairs};

    #[test]
    fn requirements_take_exact_pins_only() {
        let text = "# pinned\n\
            requests==2.31.0  # http\n\
            uvicorn[standard]==0.27.1 ; python_version >= \"3.8\"\n\
            Django===4.2.9\n\
            numpy>=1.26\n\
            flask==3.*\n\
            -r base.txt\n\
            --index-url https://example.invalid/simple\n\
            -e .\n\
            attrs==23.2.0 \\\n    --hash=sha256:abc\n\
            pkg @ https://example.invalid/pkg.whl\n\
            broken==final\n\
            requests==1.0.0\n";
        let (found, problems) = requirements(text, &ctx("requirements.txt"));
        assert_eq!(
            pairs(&found),
            [
                ("requests", "2.31.0"),
                ("uvicorn", "0.27.1"),
                ("django", "4.2.9"),
                ("attrs", "23.2.0"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (13, 9));
    }
}
