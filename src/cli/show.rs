//! `errdex show`: one entry in full, as text, JSON or Markdown.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Cli, CliError, FOUND, NOT_FOUND};
use crate::kb::{Entry, Origin, fit, markdown};
use crate::{present, text};

/// Arguments of `errdex show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The entry's id, e.g. `grpc/grpc-connection-reset-by-peer`.
    pub id: String,
    /// Print the entry as JSON (the YAML field names).
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print the entry in the Markdown export format.
    #[arg(long)]
    pub markdown: bool,
}

/// Print the entry, or say which ids come close.
pub fn run(cli: &Cli, args: &Args) -> Result<u8, CliError> {
    let catalog = super::load_catalog(cli);
    super::note_skipped(&catalog);
    let Some((entry, origin)) = catalog.get(&args.id) else {
        let mut near: Vec<(f64, &str)> = catalog
            .entries
            .ids()
            .map(|id| (strsim::jaro_winkler(&args.id, id), id))
            .filter(|(s, _)| *s > 0.75)
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0));
        eprintln!("errdex: no entry with id `{}`", text::inline(&args.id));
        if !near.is_empty() {
            let names: Vec<&str> = near.iter().take(3).map(|(_, id)| *id).collect();
            eprintln!("  did you mean: {}", names.join(", "));
        }
        return Ok(NOT_FOUND);
    };
    let body = if args.json {
        let mut s = serde_json::to_string_pretty(entry).map_err(io::Error::from)?;
        s.push('\n');
        s
    } else if args.markdown {
        let mut s = text::block(&markdown::render(entry)).into_owned();
        s.push('\n');
        s
    } else {
        let setup = super::setup(cli);
        render_text(
            entry,
            origin,
            &|id| catalog.get(id).map(|(e, _)| e.title.clone()),
            &setup.versions,
        )
    };
    let mut out = io::stdout().lock();
    out.write_all(body.as_bytes())?;
    out.flush()?;
    Ok(FOUND)
}

fn indent(s: &mut String, text: &str, pad: &str) {
    for line in text.trim_end().lines() {
        if line.trim().is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "{pad}{line}");
        }
    }
}

/// The plain-text view: every section, untrusted text escaped. `title_of` names related
/// entries that are loaded; `have` marks what concerns the user's versions.
pub fn render_text(
    e: &Entry,
    origin: &Origin,
    title_of: &dyn Fn(&str) -> Option<String>,
    have: &dyn fit::Lookup,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", text::inline(&e.title));
    let meta = present::facts(e);
    let _ = writeln!(s, "{meta}\nsource: {}\n", text::inline(&origin.display()));
    s.push_str("Root cause\n");
    indent(&mut s, &text::block(&e.root_cause), "  ");
    if let Some(table) = present::version_table(e) {
        s.push_str("\nVersion compatibility\n");
        if let Some(about) = fit::entry_fit(e, have).describe() {
            let _ = writeln!(s, "  {}", text::inline(&about));
        }
        for (i, line) in table.iter().enumerate() {
            let yours = i > 0 && fit::row_holds(&e.versions[i - 1], have) == Some(true);
            let _ = writeln!(s, "  {line}{}", if yours { "  ← yours" } else { "" });
        }
        for line in present::ranges(e) {
            let _ = writeln!(s, "  {line}");
        }
    }
    if !e.workarounds.is_empty() {
        s.push_str("\nWorkarounds (best first)\n");
        for (i, w) in e.workarounds.iter().enumerate() {
            let rated = w
                .success_rate
                .as_ref()
                .map_or("unrated".to_string(), |r| present::rate(r, "success"));
            let _ = writeln!(s, "  {}. {} ({rated})", i + 1, text::inline(&w.title));
            if let Some(why) = fit::workaround_excluded(w, have) {
                let _ = writeln!(s, "     not for your version: {}", text::inline(&why));
            }
            if let Some(c) = &w.condition {
                let _ = writeln!(s, "     when: {}", text::inline(c));
            }
            if let Some(t) = &w.tradeoff {
                let _ = writeln!(s, "     tradeoff: {}", text::inline(t));
            }
            if let Some(sn) = &w.snippet {
                let _ = writeln!(s, "     ```{}", text::inline(&sn.language));
                indent(&mut s, &text::block(&sn.code), "     ");
                s.push_str("     ```\n");
            }
        }
    }
    if !e.dead_ends.is_empty() {
        s.push_str("\nDead ends (don't waste time on these)\n");
        for d in &e.dead_ends {
            let rated = d.fail_rate.as_ref().map_or(String::new(), |r| {
                format!(" ({})", present::rate(r, "fail"))
            });
            let _ = writeln!(s, "  - {}{rated}", text::inline(&d.title));
            indent(&mut s, &text::block(&d.why), "    ");
        }
    }
    if !e.related.is_empty() {
        s.push_str("\nRelated (errdex show ID)\n");
        for id in &e.related {
            match title_of(id) {
                Some(t) => {
                    let _ = writeln!(s, "  - {} — {}", text::inline(id), text::inline(&t));
                }
                None => {
                    let _ = writeln!(s, "  - {} (not loaded)", text::inline(id));
                }
            }
        }
    }
    if !e.evidence.is_empty() {
        let _ = writeln!(s, "\nEvidence ({})", present::backing(e));
        for ev in &e.evidence {
            let (head, wording) = present::evidence_lines(ev);
            let _ = writeln!(s, "  - {head}\n    {wording}");
        }
    }
    if !e.references.is_empty() {
        s.push_str("\nReferences\n");
        for item in &e.references {
            let _ = writeln!(s, "  - {}", text::inline(item));
        }
    }
    s
}
