//! Checks an entry beyond what its types enforce. Each problem names the field path it is
//! about; the loader turns that into `file:line:column` with [`super::locate`].

use super::diag::Severity;
use super::entry::{Entry, EvidenceKind, Rate, Verification};
use super::pattern;

/// One problem with one entry, before it has a position in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// serde-style path of the field (`workarounds[1].snippet.code`).
    pub field: String,
    /// Error skips the entry; warning only fails lint.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

fn error(field: impl Into<String>, message: impl Into<String>, hint: &str) -> Problem {
    Problem {
        field: field.into(),
        severity: Severity::Error,
        message: message.into(),
        hint: (!hint.is_empty()).then(|| hint.to_string()),
    }
}

fn warning(field: impl Into<String>, message: impl Into<String>, hint: &str) -> Problem {
    Problem {
        severity: Severity::Warning,
        ..error(field, message, hint)
    }
}

/// A package named other than the way versions are compared (`python`, `golang`, `Node.js`)
/// still matches after normalising, but the row reads differently from what `errdex paths`
/// and `--have` show; say which spelling to use.
fn check_package_name(out: &mut Vec<Problem>, field: String, name: &str) {
    if name.trim().is_empty() {
        return;
    }
    let normal = super::installed::normalise_package(name);
    if normal != name {
        out.push(warning(
            field,
            format!("package `{name}` is written `{normal}` where versions are compared"),
            &format!("write `package: {normal}`"),
        ));
    }
}

/// Most items one list of an entry may hold (workarounds, aliases, patterns, …).
pub const MAX_ITEMS: usize = 200;
/// Largest text field (a root cause, a snippet), in bytes.
pub const MAX_TEXT: usize = 64 * 1024;
/// Largest one-line field (a title, an alias), in bytes.
pub const MAX_LINE: usize = 2048;

fn check_limits(out: &mut Vec<Problem>, entry: &Entry) {
    let lists = [
        ("aliases", entry.aliases.len()),
        ("patterns", entry.patterns.len()),
        ("versions", entry.versions.len()),
        ("workarounds", entry.workarounds.len()),
        ("dead_ends", entry.dead_ends.len()),
        ("related", entry.related.len()),
        ("references", entry.references.len()),
        ("tags", entry.tags.len()),
        ("evidence", entry.evidence.len()),
    ];
    for (field, n) in lists {
        if n > MAX_ITEMS {
            out.push(error(
                field,
                format!("{field} has {n} items; the limit is {MAX_ITEMS}"),
                "keep the entry to what an engineer reads during an outage; split it",
            ));
        }
    }
    let mut texts: Vec<(String, &str, usize)> = vec![
        ("title".into(), entry.title.as_str(), MAX_LINE),
        ("root_cause".into(), entry.root_cause.as_str(), MAX_TEXT),
    ];
    texts.extend(
        entry
            .aliases
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("aliases[{i}]"), a.as_str(), MAX_LINE)),
    );
    for (i, w) in entry.workarounds.iter().enumerate() {
        texts.push((
            format!("workarounds[{i}].title"),
            w.title.as_str(),
            MAX_LINE,
        ));
        if let Some(sn) = &w.snippet {
            texts.push((
                format!("workarounds[{i}].snippet.code"),
                sn.code.as_str(),
                MAX_TEXT,
            ));
        }
    }
    for (i, d) in entry.dead_ends.iter().enumerate() {
        texts.push((format!("dead_ends[{i}].why"), d.why.as_str(), MAX_TEXT));
    }
    for (i, ev) in entry.evidence.iter().enumerate() {
        texts.push((
            format!("evidence[{i}].wording"),
            ev.wording.as_str(),
            MAX_LINE,
        ));
        if let Some(src) = &ev.source {
            texts.push((format!("evidence[{i}].source"), src.as_str(), MAX_LINE));
        }
        if let Some(note) = &ev.note {
            texts.push((format!("evidence[{i}].note"), note.as_str(), MAX_TEXT));
        }
    }
    for (field, text, max) in texts {
        if text.len() > max {
            out.push(error(
                field.clone(),
                format!("{field} is {} bytes; the limit is {max}", text.len()),
                "shorten it; link to longer material from references",
            ));
        }
    }
}

/// Is `s` a valid `<domain>/<slug>` id?
pub fn is_valid_id(s: &str) -> bool {
    match s.split_once('/') {
        Some((domain, slug)) => is_valid_name(domain) && is_valid_name(slug),
        None => false,
    }
}

/// Lowercase ASCII letters, digits and dashes, starting with a letter or digit.
fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && s.len() <= 100
}

/// Turn arbitrary text into a slug usable in an id.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 80 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-').to_string();
    if trimmed.is_empty() {
        "entry".to_string()
    } else {
        trimmed
    }
}

fn check_text(out: &mut Vec<Problem>, field: String, value: &str, what: &str, one_line: bool) {
    if value.trim().is_empty() {
        out.push(error(
            field,
            format!("{what} is empty"),
            "write the text, or remove the item",
        ));
    } else if one_line && value.trim().contains('\n') {
        out.push(error(
            field,
            format!("{what} spans several lines"),
            "keep it on one line; put details in root_cause",
        ));
    }
}

fn check_rate(out: &mut Vec<Problem>, field: String, rate: &Option<Rate>) {
    if let Some(r) = rate
        && !(r.value.is_finite() && (0.0..=1.0).contains(&r.value))
    {
        out.push(error(
            format!("{field}.value"),
            format!("rate {} is outside 0..=1", r.value),
            "write rates as fractions: 0.75 for 75%",
        ));
    }
}

/// Check one entry on its own (cross-entry checks happen in the loader).
pub fn validate(entry: &Entry) -> Vec<Problem> {
    validate_at(entry, Depth::Full)
}

/// How thoroughly to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything `errdex lint` checks.
    Full,
    /// What loading for a search needs: patterns are only parsed, not compiled (search
    /// compiles the few it runs), and whether they match a wording is left to lint.
    Load,
}

/// Check an entry at `depth`; see [`validate`].
pub fn validate_at(entry: &Entry, depth: Depth) -> Vec<Problem> {
    let mut out = Vec::new();
    check_limits(&mut out, entry);
    if !is_valid_id(&entry.id) {
        out.push(error(
            "id",
            format!("id `{}` is not of the form <domain>/<slug>", entry.id),
            "use lowercase letters, digits and dashes on both sides of one `/`, e.g. `grpc/deadline-exceeded`",
        ));
    } else if entry.id.split('/').next() != Some(entry.domain.as_str()) {
        out.push(error(
            "id",
            format!(
                "id `{}` does not start with the entry's domain `{}`",
                entry.id, entry.domain
            ),
            "make the part before `/` equal to `domain`",
        ));
    }
    if !is_valid_name(&entry.domain) {
        out.push(error(
            "domain",
            format!("domain `{}` is not a lowercase name", entry.domain),
            "use lowercase letters, digits and dashes, e.g. `postgres`",
        ));
    }
    let category_ok = entry.category.starts_with(|c: char| c.is_ascii_lowercase())
        && entry
            .category
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !category_ok {
        out.push(error(
            "category",
            format!("category `{}` is not snake_case", entry.category),
            "e.g. `network_error`, `auth_error`, `config_error`",
        ));
    }
    check_text(&mut out, "title".into(), &entry.title, "title", true);
    check_text(
        &mut out,
        "root_cause".into(),
        &entry.root_cause,
        "root_cause",
        false,
    );
    check_rate(&mut out, "fix_rate".into(), &entry.fix_rate);
    for (i, alias) in entry.aliases.iter().enumerate() {
        check_text(&mut out, format!("aliases[{i}]"), alias, "alias", true);
    }
    match depth {
        Depth::Full => check_patterns(&mut out, entry),
        Depth::Load => parse_patterns(&mut out, entry),
    }
    for (i, row) in entry.versions.iter().enumerate() {
        check_text(
            &mut out,
            format!("versions[{i}].version"),
            &row.version,
            "version",
            true,
        );
        if let Some(range) = &row.range
            && let Err(e) = super::version::parse_range(range)
        {
            out.push(error(
                format!("versions[{i}].range"),
                format!("range `{range}` does not parse: {e}"),
                "write comparators separated by commas, e.g. `>=1.42, <1.63`",
            ));
        }
        if let Some(p) = row.package.as_deref() {
            check_package_name(&mut out, format!("versions[{i}].package"), p);
        }
        if row.range.is_some() && row.package.as_deref().is_none_or(|p| p.trim().is_empty()) {
            out.push(warning(
                format!("versions[{i}].range"),
                "a range without a package cannot be checked against the user's versions",
                "add `package:` naming what the range is of, e.g. `package: openssl`",
            ));
        }
    }
    for (i, w) in entry.workarounds.iter().enumerate() {
        let field = format!("workarounds[{i}]");
        check_text(
            &mut out,
            format!("{field}.title"),
            &w.title,
            "workaround title",
            true,
        );
        check_rate(&mut out, format!("{field}.success_rate"), &w.success_rate);
        if let Some(r) = &w.requires {
            check_package_name(&mut out, format!("{field}.requires.package"), &r.package);
            if r.package.trim().is_empty() {
                out.push(error(
                    format!("{field}.requires.package"),
                    "`requires` names no package",
                    "name the package the range is of, e.g. `package: go`",
                ));
            }
            if let Err(e) = super::version::parse_range(&r.range) {
                out.push(error(
                    format!("{field}.requires.range"),
                    format!("range `{}` does not parse: {e}", r.range),
                    "write comparators separated by commas, `||` between alternatives, e.g. `>=1.21`",
                ));
            }
        }
        if let Some(s) = &w.snippet {
            check_text(
                &mut out,
                format!("{field}.snippet.code"),
                &s.code,
                "snippet",
                false,
            );
            let lang_ok = !s.language.is_empty()
                && s.language.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '#' | '-')
                });
            if !lang_ok {
                out.push(error(
                    format!("{field}.snippet.language"),
                    format!("snippet language `{}` is not a lowercase name", s.language),
                    "e.g. `bash`, `python`, `go`, `yaml`, `text`",
                ));
            }
        }
    }
    let rated: Vec<(usize, f64)> = entry
        .workarounds
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.success_rate.map(|r| (i, r.value)))
        .collect();
    if let Some(pair) = rated.windows(2).find(|p| p[1].1 > p[0].1) {
        out.push(warning(
            format!("workarounds[{}].success_rate", pair[1].0),
            format!(
                "workarounds are not best first: #{} ({:.0}%) is rated above #{} ({:.0}%)",
                pair[1].0 + 1,
                pair[1].1 * 100.0,
                pair[0].0 + 1,
                pair[0].1 * 100.0
            ),
            "order workarounds best first; errdex shows them in file order",
        ));
    }
    for (i, d) in entry.dead_ends.iter().enumerate() {
        check_text(
            &mut out,
            format!("dead_ends[{i}].title"),
            &d.title,
            "dead end title",
            true,
        );
        check_text(
            &mut out,
            format!("dead_ends[{i}].why"),
            &d.why,
            "dead end `why`",
            false,
        );
        check_rate(&mut out, format!("dead_ends[{i}].fail_rate"), &d.fail_rate);
    }
    check_evidence(&mut out, entry);
    for (i, r) in entry.related.iter().enumerate() {
        if !is_valid_id(r) {
            out.push(error(
                format!("related[{i}]"),
                format!("related id `{r}` is not of the form <domain>/<slug>"),
                "name another entry by its id",
            ));
        }
    }
    out
}

/// Branch names that move: a source link on one of them stops pointing at the line it cited.
const MOVING_REFS: [&str; 6] = ["main", "master", "HEAD", "develop", "trunk", "dev"];

/// What is wrong with a `source` link, if anything: it must be a URL, and a link into a
/// GitHub or GitLab file must name a tag or commit and a line.
fn source_link_problem(url: &str, kind: EvidenceKind) -> Option<&'static str> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Some("is not an http(s) URL");
    }
    if kind != EvidenceKind::Source {
        return None;
    }
    let after_blob = url
        .split_once("/-/blob/")
        .or_else(|| url.split_once("/blob/"))
        .map(|(_, rest)| rest);
    match after_blob {
        Some(rest) => {
            let git_ref = rest.split('/').next().unwrap_or("");
            if MOVING_REFS.contains(&git_ref) {
                Some("links a branch, which moves; link the file at a tag or commit")
            } else if !rest.contains("#L") {
                Some("names no line; add `#L<line>` for the line that prints the wording")
            } else {
                None
            }
        }
        None => None,
    }
}

/// The evidence rule: every evidence item names a wording the entry has and carries what its
/// kind needs; a `reviewed` or `reproduced` entry backs its title and every alias.
fn check_evidence(out: &mut Vec<Problem>, entry: &Entry) {
    let has = |w: &str| entry.wordings().any(|x| x == w);
    for (i, ev) in entry.evidence.iter().enumerate() {
        let field = format!("evidence[{i}]");
        if ev.wording.trim().is_empty() {
            out.push(error(
                format!("{field}.wording"),
                "evidence names no wording",
                "copy the title or alias it backs, exactly",
            ));
        } else if !has(&ev.wording) {
            let shown: String = ev.wording.chars().take(120).collect();
            out.push(warning(
                format!("{field}.wording"),
                format!("evidence backs `{shown}`, which is neither the title nor an alias"),
                "copy the wording exactly from `title` or `aliases`, or add it as an alias",
            ));
        }
        match (&ev.source, ev.kind) {
            (None, EvidenceKind::Reproduced) => {}
            (None, kind) => out.push(warning(
                field.clone(),
                format!("{} evidence has no `source`", kind.as_str()),
                match kind {
                    EvidenceKind::Source => {
                        "link the line that prints it at a tag or commit, e.g. https://github.com/o/r/blob/v1.2.3/src/x.c#L42"
                    }
                    EvidenceKind::Docs => "link the documentation page that quotes it",
                    _ => "link the issue or thread where it was pasted",
                },
            )),
            (Some(url), kind) => {
                if let Some(why) = source_link_problem(url, kind) {
                    let shown: String = url.chars().take(160).collect();
                    out.push(warning(
                        format!("{field}.source"),
                        format!("source `{shown}` {why}"),
                        "press `y` on the line in GitHub's file view for a permalink at a commit",
                    ));
                }
            }
        }
        if ev.kind == EvidenceKind::Reproduced
            && ev.note.as_deref().is_none_or(|n| n.trim().is_empty())
        {
            out.push(warning(
                field.clone(),
                "reproduced evidence has no `note`",
                "say the command that printed it and the program's version",
            ));
        }
    }
    if matches!(
        entry.verification,
        Verification::Reviewed | Verification::Reproduced
    ) {
        let level = entry.verification.as_str();
        let backed = |w: &str| entry.evidence.iter().any(|e| e.wording == w);
        if !backed(&entry.title) {
            out.push(warning(
                "title",
                format!("a `{level}` entry's title has no evidence"),
                "add an `evidence:` item whose `wording` is the title: the source line that prints it, a run, docs or a report",
            ));
        }
        for (i, alias) in entry.aliases.iter().enumerate() {
            if !backed(alias) {
                let shown: String = alias.chars().take(120).collect();
                out.push(warning(
                    format!("aliases[{i}]"),
                    format!("a `{level}` entry's alias `{shown}` has no evidence"),
                    "back it with an `evidence:` item, or remove the alias if nothing prints it",
                ));
            }
        }
        if entry.verification == Verification::Reproduced
            && !entry
                .evidence
                .iter()
                .any(|e| e.kind == EvidenceKind::Reproduced)
        {
            out.push(warning(
                "verification",
                "a `reproduced` entry has no `reproduced` evidence",
                "add the run that printed the error (`kind: reproduced` with a `note`), or set `verification: reviewed`",
            ));
        }
    }
}

/// The cheap half of [`check_patterns`]: a pattern that does not even parse is an error.
fn parse_patterns(out: &mut Vec<Problem>, entry: &Entry) {
    for (i, p) in entry.patterns.iter().enumerate() {
        if let Err(e) = pattern::parse(p) {
            out.push(pattern_error(i, p, &e));
        }
    }
}

/// Pattern `i` (`p`) does not compile, for the reason `e`.
fn pattern_error(i: usize, p: &str, e: &str) -> Problem {
    let hint = if e.contains("limit") || e.contains("simplify") {
        "split it into several patterns, or match a shorter distinctive part"
    } else {
        "patterns use Rust regex syntax (no lookaround or backreferences)"
    };
    let shown: String = p.chars().take(120).collect();
    error(
        format!("patterns[{i}]"),
        format!("pattern `{shown}` does not compile: {e}"),
        hint,
    )
}

fn check_patterns(out: &mut Vec<Problem>, entry: &Entry) {
    for (i, p) in entry.patterns.iter().enumerate() {
        let field = format!("patterns[{i}]");
        match pattern::compile(p) {
            Err(e) => out.push(pattern_error(i, p, &e)),
            Ok(re) => {
                let hits =
                    re.is_match(&entry.title) || entry.aliases.iter().any(|a| re.is_match(a));
                if !hits {
                    out.push(warning(
                        field,
                        format!("pattern `{p}` matches neither the title nor any alias"),
                        "add the wording it is meant to catch as an alias, or fix the pattern",
                    ));
                }
            }
        }
    }
}
