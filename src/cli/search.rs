//! `errdex search`: ranked hits as text or JSON.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::{Cli, CliError, FOUND, NOT_FOUND};
use crate::kb::corpus::Corpus;
use crate::kb::fit::{self, EntryFit, Fits};
use crate::kb::search::{Confidence, Hit, Index, Signals};
use crate::text;

/// Arguments of `errdex search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array of hits.
    #[arg(long)]
    pub json: bool,
    /// Show why each hit scored.
    #[arg(long)]
    pub explain: bool,
    /// At most this many hits.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// The query; `-` reads it from stdin (a whole log line or stack trace is fine).
    #[arg(value_name = "QUERY", required = true, num_args = 1.., allow_hyphen_values = true)]
    pub query: Vec<String>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    title: &'a str,
    domain: &'a str,
    category: &'a str,
    /// `exact`, `likely` or `weak` (see the README).
    confidence: Confidence,
    score: f64,
    /// `yours` / `not_yours` when the user's versions decide it (`--have`, config, project).
    #[serde(skip_serializing_if = "Option::is_none")]
    version_fit: Option<&'static str>,
    /// Why, for `not_yours`.
    #[serde(skip_serializing_if = "Option::is_none")]
    version_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signals: Option<&'a Signals>,
}

/// Join the query words, reading stdin for `-`.
pub fn query_text(words: &[String]) -> Result<String, CliError> {
    if words.len() == 1 && words[0] == "-" {
        super::read_stdin()
    } else {
        Ok(words.join(" "))
    }
}

/// Run the search and print it.
pub fn run(cli: &Cli, args: &Args) -> Result<u8, CliError> {
    let query = query_text(&args.query)?;
    let mut catalog = super::load_catalog(cli);
    super::note_skipped(&catalog);
    let index = catalog.index();
    let entries = std::sync::Arc::new(catalog.entries);
    let setup = super::setup(cli);
    let fits = Fits::new(
        std::sync::Arc::clone(&entries),
        std::sync::Arc::new(setup.versions),
    );
    let hits = if query.trim().is_empty() {
        Vec::new()
    } else {
        // Demote within a wider window than shown, so that an entry that applies can move
        // up into the limit past ones that do not.
        let mut hits = index.search(&query, args.limit.saturating_mul(2).max(20));
        fit::demote(&mut hits, &fits);
        hits.truncate(args.limit);
        hits
    };
    let matched = hits.iter().any(|h| h.confidence > Confidence::Weak);
    if !hits.is_empty() && !matched {
        eprintln!(
            "errdex: no entry matches this error well; the closest are listed (add one with \
             `errdex new --from-query`)"
        );
    }
    print_hits(&entries, &fits, &hits, &query, args.json, args.explain)?;
    Ok(if matched { FOUND } else { NOT_FOUND })
}

fn print_hits(
    entries: &Corpus,
    fits: &Fits,
    hits: &[Hit],
    query: &str,
    json: bool,
    explain: bool,
) -> Result<(), CliError> {
    let mut out = BufWriter::new(io::stdout().lock());
    let (parsed, normalized) = Index::analyze(query);
    if json {
        let rows: Vec<JsonHit<'_>> = hits
            .iter()
            .filter_map(|h| {
                let e = entries.get(h.doc)?;
                let fit = fits.get(h.doc);
                Some(JsonHit {
                    id: &e.id,
                    title: &e.title,
                    domain: &e.domain,
                    category: &e.category,
                    confidence: h.confidence,
                    score: (h.score * 1000.0).round() / 1000.0,
                    version_fit: match fit {
                        Some(EntryFit::Yours { .. }) => Some("yours"),
                        Some(EntryFit::NotYours { .. }) => Some("not_yours"),
                        _ => None,
                    },
                    version_note: fit.and_then(EntryFit::describe),
                    signals: explain.then_some(&h.signals),
                })
            })
            .collect();
        if explain {
            // With --explain the output is an object: how the query was read, and the hits.
            let doc =
                serde_json::json!({ "query": parsed, "normalized": normalized, "hits": rows });
            serde_json::to_writer_pretty(&mut out, &doc).map_err(io::Error::from)?;
        } else {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(io::Error::from)?;
        }
        writeln!(out)?;
    } else {
        if explain {
            for l in &normalized.lines {
                writeln!(
                    out,
                    "query line (weight {}): {}",
                    l.weight,
                    text::inline(&l.masked)
                )?;
            }
            if parsed.has_filters() {
                writeln!(
                    out,
                    "filters: {}",
                    text::inline(
                        &serde_json::to_string(&(&parsed.groups, &parsed.not, &parsed.filters))
                            .unwrap_or_default()
                    )
                )?;
            }
        }
        for h in hits {
            let Some(e) = entries.get(h.doc) else {
                continue;
            };
            let mark = if fits.get(h.doc).is_some_and(EntryFit::not_yours) {
                "  [not your version]"
            } else {
                ""
            };
            writeln!(
                out,
                "{:<6}  {}  {}{mark}",
                h.confidence.as_str(),
                e.id,
                text::inline(&e.title)
            )?;
            if explain {
                let s = &h.signals;
                writeln!(
                    out,
                    "        score {:.2}  words {:.2} [{}]  coverage {:.2}  pattern {}  contained {}  \
                     missing {}  fuzzy {:.2}",
                    h.score,
                    s.words,
                    s.matched_words.join(" "),
                    s.coverage,
                    s.pattern.map_or("-".to_string(), |p| format!(
                        "#{} ({:.2})",
                        p + 1,
                        s.pattern_strength
                    )),
                    s.contained
                        .as_deref()
                        .map_or("-".into(), |c| text::inline(c).into_owned()),
                    if s.missing_tech.is_empty() {
                        "-".to_string()
                    } else {
                        s.missing_tech.join(",")
                    },
                    s.fuzzy
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
