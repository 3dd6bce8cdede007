//! The Markdown export format (the seed's format): writing an entry, and reading one back.
//!
//! The seed's sections come first and keep its layout. Fields the seed has no place for
//! (aliases, patterns, snippet languages, conditions, references, related, tags) get extra
//! sections so that an export read back gives the same entry.

use std::fmt::Write as _;

use super::entry::{
    Basis, DeadEnd, Entry, Evidence, EvidenceKind, Rate, Requirement, Snippet, Verification,
    VersionRow, VersionStatus, Workaround, best_first, one_line,
};

/// Render an entry as Markdown.
pub fn render(e: &Entry) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", e.title);
    let _ = writeln!(s, "- **ID:** `{}`", e.id);
    let _ = writeln!(s, "- **Domain:** {}", e.domain);
    let _ = writeln!(s, "- **Category:** {}", e.category);
    let _ = writeln!(s, "- **Verification:** {}", e.verification.as_str());
    if let Some(r) = &e.fix_rate {
        let _ = writeln!(s, "- **Fix Rate:** {}", rate_text(r));
    }
    if !e.tags.is_empty() {
        let _ = writeln!(s, "- **Tags:** {}", e.tags.join(", "));
    }
    if e.wrapper {
        let _ = writeln!(s, "- **Wrapper:** yes");
    }
    let _ = writeln!(s, "\n## Root Cause\n\n{}\n", e.root_cause.trim_end());
    if !e.versions.is_empty() {
        s.push_str("## Version Compatibility\n\n");
        s.push_str("| Version | Status | Introduced | Deprecated |\n");
        s.push_str("|---------|--------|------------|------------|\n");
        for v in &e.versions {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(&v.version),
                v.status.as_str(),
                v.introduced.as_deref().map_or("—".into(), cell),
                v.deprecated.as_deref().map_or("—".into(), cell)
            );
        }
        let ranges: Vec<String> = e
            .versions
            .iter()
            .filter(|v| v.package.is_some() || v.range.is_some())
            .map(|v| {
                format!(
                    "- {}: package `{}`, range `{}`",
                    v.version,
                    v.package.as_deref().unwrap_or(""),
                    v.range.as_deref().unwrap_or("")
                )
            })
            .collect();
        if !ranges.is_empty() {
            let _ = writeln!(s, "\nRanges:\n\n{}", ranges.join("\n"));
        }
        s.push('\n');
    }
    if !e.workarounds.is_empty() {
        s.push_str("## Workarounds\n\n");
        for (i, w) in e.workarounds.iter().enumerate() {
            let _ = write!(s, "{}. **{}**", i + 1, w.title);
            if let Some(r) = &w.success_rate {
                let _ = write!(s, " ({} success)", rate_text(r));
            }
            s.push('\n');
            if let Some(c) = &w.condition {
                let _ = writeln!(s, "   - *When:* {}", one_line(c));
            }
            if let Some(t) = &w.tradeoff {
                let _ = writeln!(s, "   - *Tradeoff:* {}", one_line(t));
            }
            if let Some(r) = &w.requires {
                let _ = writeln!(
                    s,
                    "   - *Requires:* `{}` `{}`",
                    one_line(&r.package),
                    one_line(&r.range)
                );
            }
            if let Some(sn) = &w.snippet {
                let fence = fence_for(&sn.code);
                let _ = writeln!(s, "   {fence}{}", sn.language);
                for line in sn.code.trim_end_matches('\n').lines() {
                    if line.is_empty() {
                        s.push('\n');
                    } else {
                        let _ = writeln!(s, "   {line}");
                    }
                }
                let _ = writeln!(s, "   {fence}");
            }
        }
        s.push('\n');
    }
    if !e.dead_ends.is_empty() {
        s.push_str("## Dead Ends\n\n");
        for d in &e.dead_ends {
            let _ = write!(s, "- **{}** — {}", d.title, one_line(&d.why));
            if let Some(r) = &d.fail_rate {
                let _ = write!(s, " ({} fail)", rate_text(r));
            }
            s.push('\n');
        }
        s.push('\n');
    }
    list_section(&mut s, "Aliases", &e.aliases, true);
    list_section(&mut s, "Patterns", &e.patterns, true);
    list_section(&mut s, "Related", &e.related, false);
    list_section(&mut s, "References", &e.references, false);
    evidence_section(&mut s, &e.evidence);
    while s.ends_with("\n\n") {
        s.pop();
    }
    s
}

/// `- **source** <url> — note`, then the wording it backs quoted on the next line.
fn evidence_section(s: &mut String, items: &[Evidence]) {
    if items.is_empty() {
        return;
    }
    s.push_str("## Evidence\n\n");
    for ev in items {
        let _ = write!(s, "- **{}**", ev.kind.as_str());
        if let Some(src) = &ev.source {
            let _ = write!(s, " <{}>", one_line(src));
        }
        if let Some(note) = &ev.note {
            let _ = write!(s, " — {}", one_line(note));
        }
        let _ = writeln!(s, "\n  > {}", one_line(&ev.wording));
    }
    s.push('\n');
}

/// Read one `- **kind** <url> — note` line of the Evidence section.
fn evidence_head(item: &str) -> Option<Evidence> {
    let (kind, rest) = split_bold(item);
    let kind = EvidenceKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind.trim().to_ascii_lowercase())?;
    let mut rest = rest.trim();
    let mut source = None;
    if let Some(after) = rest.strip_prefix('<')
        && let Some(end) = after.find('>')
    {
        source = Some(after[..end].trim().to_string());
        rest = after[end + 1..].trim();
    }
    let note = rest
        .strip_prefix('—')
        .or_else(|| rest.strip_prefix("- "))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Some(Evidence {
        wording: String::new(),
        kind,
        source,
        note,
    })
}

fn list_section(s: &mut String, name: &str, items: &[String], fenced: bool) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(s, "## {name}\n");
    if fenced {
        let joined = items.join("\n");
        let fence = fence_for(&joined);
        let _ = writeln!(s, "{fence}text\n{joined}\n{fence}\n");
    } else {
        for item in items {
            let _ = writeln!(s, "- {item}");
        }
        s.push('\n');
    }
}

fn fence_for(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn rate_text(r: &Rate) -> String {
    match r.basis {
        Basis::Estimated => format!("{}%", r.percent()),
        other => format!("{}%, {}", r.percent(), other.as_str()),
    }
}

/// A Markdown document that could not be read as an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// What the reader had to repair, to tell the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repairs {
    /// Human-readable notes, one per repair.
    pub notes: Vec<String>,
}

#[derive(PartialEq, Clone, Copy)]
enum Section {
    Head,
    RootCause,
    Versions,
    Workarounds,
    DeadEnds,
    Aliases,
    Patterns,
    Related,
    References,
    Evidence,
    Other,
}

/// Read a Markdown export back into an entry, repairing the seed format's known defects
/// (empty dead-end titles, snippets that only repeat their workaround's title).
pub fn parse(text: &str) -> Result<(Entry, Repairs), MdError> {
    let mut repairs = Repairs::default();
    let mut title = None;
    let (mut id, mut domain, mut category, mut verification) = (None, None, None, None);
    let mut fix_rate = None;
    let mut tags = Vec::new();
    let mut wrapper = false;
    let mut root = String::new();
    let mut versions: Vec<VersionRow> = Vec::new();
    let mut workarounds: Vec<Workaround> = Vec::new();
    let mut dead_ends: Vec<DeadEnd> = Vec::new();
    let (mut aliases, mut patterns, mut related, mut references) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut evidence_at: Vec<usize> = Vec::new();
    let mut section = Section::Head;
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        i += 1;
        if let Some(h) = line.strip_prefix("# ") {
            if title.is_none() {
                title = Some(h.trim().to_string());
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            section = match h.trim().to_ascii_lowercase().as_str() {
                "root cause" => Section::RootCause,
                "version compatibility" => Section::Versions,
                "workarounds" => Section::Workarounds,
                "dead ends" => Section::DeadEnds,
                "aliases" => Section::Aliases,
                "patterns" => Section::Patterns,
                "related" => Section::Related,
                "references" => Section::References,
                "evidence" => Section::Evidence,
                _ => Section::Other,
            };
            continue;
        }
        match section {
            Section::Head => {
                if let Some((key, value)) = head_field(line) {
                    match key.as_str() {
                        "id" => id = Some(value.trim_matches('`').to_string()),
                        "domain" => domain = Some(value),
                        "category" => category = Some(value),
                        "verification" => {
                            verification = Some(parse_verification(&value).ok_or(MdError {
                                line: lineno,
                                message: format!(
                                    "unknown verification `{value}` (expected one of: ai_generated, authored, community, reviewed, reproduced)"
                                ),
                            })?)
                        }
                        "fix rate" => fix_rate = parse_rate(&value),
                        "tags" => {
                            tags = value.split(',').map(|t| t.trim().to_string()).collect()
                        }
                        "wrapper" => wrapper = value.trim().eq_ignore_ascii_case("yes"),
                        _ => {}
                    }
                }
            }
            Section::RootCause => {
                root.push_str(line);
                root.push('\n');
            }
            Section::Versions => {
                if let Some(row) = parse_version_row(line) {
                    versions.push(row);
                } else if let Some(rest) = line.strip_prefix("- ") {
                    parse_range_note(rest, &mut versions);
                }
            }
            Section::Workarounds => {
                if let Some(item) = numbered_item(line) {
                    let (t, rate) = bold_and_rate(item, "success");
                    workarounds.push(Workaround {
                        title: t,
                        success_rate: rate,
                        snippet: None,
                        tradeoff: None,
                        condition: None,
                        requires: None,
                    });
                } else if let Some(w) = workarounds.last_mut() {
                    let trimmed = line.trim_start();
                    if let Some(c) = trimmed.strip_prefix("- *When:* ") {
                        w.condition = Some(c.trim().to_string());
                    } else if let Some(t) = trimmed.strip_prefix("- *Tradeoff:* ") {
                        w.tradeoff = Some(t.trim().to_string());
                    } else if let Some(r) = trimmed.strip_prefix("- *Requires:* ") {
                        w.requires = parse_requires(r);
                    } else if trimmed.starts_with("```") {
                        let (snippet, next) = read_fence(&lines, i - 1);
                        i = next;
                        w.snippet = Some(snippet);
                    }
                }
            }
            Section::DeadEnds => {
                if let Some(item) = line.strip_prefix("- ") {
                    let (t, rest) = split_bold(item);
                    let rest = rest.trim_start().trim_start_matches(['—', '-']).trim();
                    let (why, rate) = trailing_rate(rest, "fail");
                    dead_ends.push(DeadEnd {
                        title: t,
                        why: why.to_string(),
                        fail_rate: rate,
                    });
                }
            }
            Section::Aliases | Section::Patterns => {
                if line.trim_start().starts_with("```") {
                    let (block, next) = read_fence(&lines, i - 1);
                    i = next;
                    let target = if section == Section::Aliases {
                        &mut aliases
                    } else {
                        &mut patterns
                    };
                    target.extend(block.code.lines().map(str::to_string));
                }
            }
            Section::Related | Section::References => {
                if let Some(item) = line.strip_prefix("- ") {
                    let item = item.trim().trim_matches('`').to_string();
                    if section == Section::Related {
                        related.push(item);
                    } else {
                        references.push(item);
                    }
                }
            }
            Section::Evidence => {
                if let Some(item) = line.strip_prefix("- ") {
                    match evidence_head(item) {
                        Some(ev) => {
                            evidence.push(ev);
                            evidence_at.push(lineno);
                        }
                        None => {
                            return Err(MdError {
                                line: lineno,
                                message: format!(
                                    "evidence item `{}` does not start with a kind in bold (expected one of: reproduced, source, docs, report)",
                                    one_line(item)
                                ),
                            });
                        }
                    }
                } else if let Some(quoted) = line.trim_start().strip_prefix("> ")
                    && let Some(ev) = evidence.last_mut()
                {
                    ev.wording = quoted.trim().to_string();
                }
            }
            Section::Other => {}
        }
    }
    if let Some(at) = evidence.iter().position(|e| e.wording.is_empty()) {
        return Err(MdError {
            line: evidence_at[at],
            message: "this evidence item quotes no wording; put `  > the exact wording` on the line after it".into(),
        });
    }
    let title = title.ok_or(MdError {
        line: 1,
        message: "no `# title` line".into(),
    })?;
    let domain = domain
        .or_else(|| {
            id.as_ref()
                .and_then(|i: &String| i.split('/').next().map(str::to_string))
        })
        .ok_or(MdError {
            line: 1,
            message: "no `- **Domain:**` or `- **ID:**` line".into(),
        })?;
    let id = id.unwrap_or_else(|| format!("{domain}/{}", super::validate::slugify(&title)));
    repair_dead_ends(&mut dead_ends, &mut repairs);
    repair_snippets(&mut workarounds, &mut repairs);
    let before: Vec<String> = workarounds.iter().map(|w| w.title.clone()).collect();
    best_first(&mut workarounds);
    if workarounds.iter().map(|w| &w.title).ne(before.iter()) {
        repairs
            .notes
            .push("workarounds were not best first; reordered them by success rate".into());
    }
    let entry = Entry {
        id,
        title,
        domain,
        category: category.unwrap_or_else(|| "uncategorized".into()),
        verification: verification.unwrap_or(Verification::AiGenerated),
        fix_rate,
        aliases,
        patterns,
        root_cause: root.trim().to_string(),
        versions,
        workarounds,
        dead_ends,
        related,
        references,
        evidence,
        tags,
        wrapper,
    };
    Ok((entry, repairs))
}

fn head_field(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix("- **")?;
    let (key, value) = rest.split_once(":**")?;
    Some((key.trim().to_ascii_lowercase(), value.trim().to_string()))
}

fn parse_verification(s: &str) -> Option<Verification> {
    Verification::ALL
        .into_iter()
        .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
}

/// `76%`, `76%, measured`.
fn parse_rate(s: &str) -> Option<Rate> {
    let (num, basis) = match s.split_once(',') {
        Some((n, b)) => (n, b.trim()),
        None => (s, "estimated"),
    };
    let value: f64 = num.trim().trim_end_matches('%').trim().parse().ok()?;
    let basis = match basis {
        "reported" => Basis::Reported,
        "measured" => Basis::Measured,
        _ => Basis::Estimated,
    };
    Some(Rate {
        value: value / 100.0,
        basis,
    })
}

fn parse_version_row(line: &str) -> Option<VersionRow> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let cells: Vec<String> = split_cells(inner);
    if cells.len() < 2 || cells[0].eq_ignore_ascii_case("version") || cells[0].starts_with("--") {
        return None;
    }
    let status = match cells[1].to_ascii_lowercase().as_str() {
        "active" => VersionStatus::Active,
        "deprecated" => VersionStatus::Deprecated,
        "removed" => VersionStatus::Removed,
        _ => return None,
    };
    let opt = |i: usize| {
        cells
            .get(i)
            .filter(|c| !matches!(c.as_str(), "" | "—" | "-" | "–"))
            .cloned()
    };
    Some(VersionRow {
        version: cells[0].clone(),
        status,
        introduced: opt(2),
        deprecated: opt(3),
        package: None,
        range: None,
    })
}

fn split_cells(inner: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(last) = cells.last_mut() {
                    last.push('|');
                }
            }
            '|' => cells.push(String::new()),
            _ => {
                if let Some(last) = cells.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// `` `go` `>=1.21` `` after `*Requires:*`.
fn parse_requires(rest: &str) -> Option<Requirement> {
    let mut parts = rest.trim().split('`').filter(|p| !p.trim().is_empty());
    let package = parts.next()?.trim().to_string();
    let range = parts.next()?.trim().to_string();
    Some(Requirement { package, range })
}

/// `- gRPC v1.42.0: package `grpc`, range `>=1.42``
fn parse_range_note(rest: &str, versions: &mut [VersionRow]) {
    let Some((version, detail)) = rest.rsplit_once(": package `") else {
        return;
    };
    let Some((package, range)) = detail.split_once("`, range `") else {
        return;
    };
    let range = range.trim_end_matches('`');
    if let Some(row) = versions.iter_mut().find(|v| v.version == version) {
        row.package = (!package.is_empty()).then(|| package.to_string());
        row.range = (!range.is_empty()).then(|| range.to_string());
    }
}

fn numbered_item(line: &str) -> Option<&str> {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

/// `**title**` followed by anything; the title may be empty (`****`).
fn split_bold(s: &str) -> (String, &str) {
    let Some(rest) = s.trim_start().strip_prefix("**") else {
        return (String::new(), s);
    };
    match rest.find("**") {
        Some(end) => (rest[..end].trim().to_string(), &rest[end + 2..]),
        None => (rest.trim().to_string(), ""),
    }
}

fn bold_and_rate(s: &str, word: &str) -> (String, Option<Rate>) {
    let (title, rest) = split_bold(s);
    let (_, rate) = trailing_rate(rest.trim(), word);
    (title, rate)
}

/// Split `text (80% fail)` into `text` and the rate.
fn trailing_rate<'a>(s: &'a str, word: &str) -> (&'a str, Option<Rate>) {
    let suffix = format!(" {word})");
    if let Some(open) = s.rfind('(')
        && s.ends_with(&suffix)
    {
        let inner = &s[open + 1..s.len() - suffix.len()];
        if let Some(rate) = parse_rate(inner) {
            return (s[..open].trim_end(), Some(rate));
        }
    }
    (s, None)
}

/// Read a fenced block starting at `start`; returns the snippet and the next line index.
fn read_fence(lines: &[&str], start: usize) -> (Snippet, usize) {
    let opener = lines[start];
    let indent = opener.len() - opener.trim_start().len();
    let trimmed = opener.trim_start();
    let ticks = trimmed.len() - trimmed.trim_start_matches('`').len();
    let language = trimmed[ticks..].trim();
    let fence = "`".repeat(ticks);
    let mut code = String::new();
    let mut i = start + 1;
    while i < lines.len() {
        let l = lines[i];
        if l.trim() == fence {
            i += 1;
            break;
        }
        let strip = l.len() - l.trim_start_matches(' ').len();
        code.push_str(&l[strip.min(indent)..]);
        code.push('\n');
        i += 1;
    }
    (
        Snippet {
            language: if language.is_empty() {
                "text".to_string()
            } else {
                language.to_string()
            },
            code,
        },
        i,
    )
}

fn repair_dead_ends(dead_ends: &mut [DeadEnd], repairs: &mut Repairs) {
    for (n, d) in dead_ends.iter_mut().enumerate() {
        if d.title.trim().is_empty() {
            d.title = title_from(&d.why);
            repairs.notes.push(format!(
                "dead end {} had no title; took \"{}\" from its text: review it",
                n + 1,
                d.title
            ));
        }
    }
}

fn repair_snippets(workarounds: &mut [Workaround], repairs: &mut Repairs) {
    for (n, w) in workarounds.iter_mut().enumerate() {
        let repeats = w
            .snippet
            .as_ref()
            .is_some_and(|s| one_line(&s.code) == one_line(&w.title));
        if repeats {
            w.snippet = None;
            repairs.notes.push(format!(
                "workaround {} had a snippet that only repeated its title; dropped it: write a real one",
                n + 1
            ));
        }
    }
}

/// A short title from the first clause of a sentence.
fn title_from(why: &str) -> String {
    let clause = why
        .split([';', '.', '—'])
        .map(str::trim)
        .find(|c| !c.is_empty())
        .unwrap_or("Untitled dead end");
    let mut t: String = clause.chars().take(80).collect();
    if clause.chars().count() > 80 {
        t.push('…');
    }
    t
}
