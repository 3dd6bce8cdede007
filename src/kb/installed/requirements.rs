//! requirements.txt: exact `name==version` pins; options, ranges and markers are left out.

use std::collections::HashSet;

use super::names::{Ecosystem, lock_package};
use semver::Version;

use super::{
    FileCtx, Installed, MAX_NAME, MAX_PACKAGES, Problems, printable, read_version,
    too_many_packages,
};
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
    let mut problems = Problems::new(file);
    let mut seen = HashSet::new();
    // Join `\`-continued lines into one buffer, remembering where the logical line starts;
    // lines are handled one at a time, so memory does not grow with the file.
    let mut joined = String::new();
    let mut start = 1;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, raw)) = lines.next() {
        if joined.is_empty() {
            start = i + 1;
        }
        if let Some(head) = raw.strip_suffix('\\') {
            joined.push_str(head);
            joined.push(' ');
            if lines.peek().is_some() {
                continue;
            }
        } else {
            joined.push_str(raw);
        }
        let pin = pin(&joined, start, file, &mut problems);
        joined.clear();
        let Some((package, v, version)) = pin else {
            continue;
        };
        if seen.contains(&package) {
            continue;
        }
        if out.len() >= MAX_PACKAGES {
            problems.push(too_many_packages(file, start));
            break;
        }
        seen.insert(package.clone());
        out.push(file.installed(package, v, &version));
    }
    (out, problems.finish())
}

/// The exact pin on logical line `n` (`name==version`), if it is one: the package name as
/// errdex keeps it, the version, and the version as written.
fn pin(
    line: &str,
    n: usize,
    file: &FileCtx,
    problems: &mut Problems<'_>,
) -> Option<(String, Version, String)> {
    // A comment starts at `#` at the start or after whitespace.
    let mut code = line;
    if let Some(i) = code
        .char_indices()
        .find(|&(i, c)| c == '#' && (i == 0 || code[..i].ends_with(char::is_whitespace)))
        .map(|(i, _)| i)
    {
        code = &code[..i];
    }
    let code_trimmed = code.trim_start();
    if code_trimmed.is_empty() || code_trimmed.starts_with('-') {
        return None; // blank, or an option line (-r, -c, -e, --index-url, …): not followed
    }
    // Environment markers, then per-requirement options (`--hash=…`).
    let code = code.split(';').next().unwrap_or("");
    let code = match code.find(" --").or_else(|| code.find("\t--")) {
        Some(i) => &code[..i],
        None => code,
    };
    let eq = code.find("==")?;
    let name_part = &code[..eq];
    let version_part = code[eq + 2..].strip_prefix('=').unwrap_or(&code[eq + 2..]);
    let name = match name_part.find('[') {
        Some(i) => &name_part[..i],
        None => name_part,
    }
    .trim();
    let version = version_part.trim();
    if !pep508_name(name) || version.contains([',', '*', ' ', '<', '>', '!', '~']) {
        return None; // not an exact pin of one version
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
        return None;
    };
    Some((lock_package(Ecosystem::PyPI, name), v, version.to_string()))
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
