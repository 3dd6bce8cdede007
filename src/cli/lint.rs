//! `errdex lint`: check entry files; every problem as `file:line:column`, exit 1 if any.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use super::{Cli, CliError, FOUND, NOT_FOUND};
use crate::kb::load::{self, SourceEnv, Sources};
use crate::kb::locate::{locate, parse_path};
use crate::kb::validate::validate;
use crate::kb::{Diagnostic, Entry, Severity};

/// Arguments of `errdex lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to check (default: every source errdex loads).
    pub paths: Vec<PathBuf>,
}

/// One checked entry: where it is, and its text when it came from a file.
struct Checked {
    file: String,
    entry: Entry,
    text: Option<String>,
}

/// Check and report.
pub fn run(cli: &Cli, args: &Args) -> Result<u8, CliError> {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    let mut files_seen = 0usize;
    let sources = Sources::new(&SourceEnv::from_process(), cli.no_bundled, &cli.entries);
    let dirs = if args.paths.is_empty() {
        if sources.bundled {
            for l in load::bundled() {
                let file = l.origin.display();
                for p in validate(&l.entry) {
                    diags.push(Diagnostic {
                        file: file.clone(),
                        line: 1,
                        column: 1,
                        severity: p.severity,
                        message: format!("{}: {}", p.field, p.message),
                        hint: p.hint,
                    });
                }
                files_seen += 1;
                checked.push(Checked {
                    file,
                    entry: l.entry,
                    text: None,
                });
            }
        }
        sources.dirs.clone()
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for dir in &dirs {
        files.extend(load::yaml_files(dir, &mut diags));
    }
    files_seen += files.len();
    let (loaded, more) = load::load_files(&files);
    diags.extend(more);
    checked.extend(loaded.into_iter().map(|(l, text)| Checked {
        file: l.origin.display(),
        entry: l.entry,
        text: Some(text),
    }));
    // Ids that related entries may point at: what is checked, plus every loaded source.
    let mut known: HashSet<String> = checked.iter().map(|c| c.entry.id.clone()).collect();
    known.extend(load::load(&sources).entries.ids().map(str::to_string));
    diags.extend(cross_checks(&checked, &known));

    let mut out = BufWriter::new(io::stdout().lock());
    for d in &diags {
        writeln!(out, "{}", crate::text::block(&d.to_string()))?;
    }
    out.flush()?;
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    eprintln!(
        "errdex lint: {} entries in {files_seen} files checked: {errors} error(s), {warnings} warning(s)",
        checked.len()
    );
    Ok(if diags.is_empty() { FOUND } else { NOT_FOUND })
}

fn at(c: &Checked, field: &str) -> (usize, usize) {
    c.text
        .as_deref()
        .map_or((1, 1), |t| locate(t, &parse_path(field)))
}

/// Problems between entries: shared titles or aliases, related ids that do not exist,
/// ids repeated between a bundled entry and a file being checked with it.
fn cross_checks(checked: &[Checked], known: &HashSet<String>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut wordings: HashMap<String, (usize, String)> = HashMap::new();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (n, c) in checked.iter().enumerate() {
        if let Some(&first) = ids.get(c.entry.id.as_str()) {
            let (line, column) = at(c, "id");
            out.push(Diagnostic {
                file: c.file.clone(),
                line,
                column,
                severity: Severity::Error,
                message: format!("duplicate id `{}`", c.entry.id),
                hint: Some(format!("`{}` already defines it", checked[first].file)),
            });
            continue;
        }
        ids.insert(&c.entry.id, n);
        let texts = std::iter::once(("title".to_string(), &c.entry.title)).chain(
            c.entry
                .aliases
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("aliases[{i}]"), a)),
        );
        for (field, text) in texts {
            let key = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            match wordings.get(&key) {
                Some((other, other_field)) if *other != n => {
                    let (line, column) = at(c, &field);
                    out.push(Diagnostic {
                        file: c.file.clone(),
                        line,
                        column,
                        severity: Severity::Warning,
                        message: format!(
                            "{field}: `{text}` is also {other_field} of `{}`",
                            checked[*other].entry.id
                        ),
                        hint: Some("one wording should lead to one entry: merge them, or make this one more specific".into()),
                    });
                }
                Some(_) => {}
                None => {
                    wordings.insert(key, (n, format!("the {field}")));
                }
            }
        }
        for (i, r) in c.entry.related.iter().enumerate() {
            if !known.contains(r) {
                let (line, column) = at(c, &format!("related[{i}]"));
                out.push(Diagnostic {
                    file: c.file.clone(),
                    line,
                    column,
                    severity: Severity::Warning,
                    message: format!("related[{i}]: no entry has the id `{r}`"),
                    hint: Some("check the id (errdex search can find it), or remove it".into()),
                });
            }
        }
    }
    out
}
