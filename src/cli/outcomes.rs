//! `errdex outcomes`: what was recorded as working (or not), oldest first, with a tally per
//! workaround; or the records as JSON.

use std::io::{self, BufWriter, Write};

use unicode_width::UnicodeWidthStr;

use super::{CliError, FOUND, NOT_FOUND};
use crate::kb::outcomes::{ENV_VAR, Log, Outcome, OutcomesFile};
use crate::text;

/// Arguments of `errdex outcomes`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array of the records, oldest first.
    #[arg(long)]
    pub json: bool,
    /// Only the records of this entry id.
    #[arg(long, value_name = "ID")]
    pub entry: Option<String>,
}

/// Read the outcomes file and print it.
pub fn run(args: &Args) -> Result<u8, CliError> {
    let file = OutcomesFile::from_process().ok_or_else(|| {
        CliError::Usage(format!(
            "no data folder is known (no home folder); set {ENV_VAR} to the outcomes file"
        ))
    })?;
    let shown_path = text::inline(&file.path.to_string_lossy()).into_owned();
    let exists = file.path.exists();
    let mut log = file
        .read()
        .map_err(|e| io::Error::new(e.kind(), format!("{shown_path}: {e}")))?;
    for p in &log.problems {
        eprintln!("{}", text::block(&p.to_string()));
    }
    if let Some(id) = &args.entry {
        log.records.retain(|r| &r.entry == id);
    }
    // Newest last; records merged from several machines need not be in file order.
    log.records.sort_by_key(|r| r.time);

    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &log.records).map_err(io::Error::from)?;
        writeln!(out)?;
        if !exists {
            eprintln!("errdex outcomes: {shown_path} does not exist (nothing recorded yet)");
        }
    } else if !exists {
        writeln!(
            out,
            "no outcomes recorded yet: {shown_path} does not exist \
             (press + or - on a workaround in the explorer to record one)"
        )?;
    } else {
        table(&mut out, &log, args.entry.as_deref())?;
        let source = if file.from_env {
            format!(" (from {ENV_VAR})")
        } else {
            String::new()
        };
        let skipped = match log.problems.len() {
            0 => String::new(),
            1 => "; 1 line skipped (see stderr)".into(),
            n => format!("; {n} lines skipped (see stderr)"),
        };
        let n = log.records.len();
        let s = if n == 1 { "" } else { "s" };
        writeln!(out, "{n} record{s} in {shown_path}{source}{skipped}")?;
    }
    out.flush()?;
    Ok(if log.records.is_empty() {
        NOT_FOUND
    } else {
        FOUND
    })
}

/// One row per record, then one line per workaround with its tally.
fn table(out: &mut dyn Write, log: &Log, entry: Option<&str>) -> io::Result<()> {
    if log.records.is_empty() {
        match entry {
            Some(id) => writeln!(out, "no outcomes recorded for {}", text::inline(id))?,
            None => writeln!(out, "no outcomes recorded")?,
        }
        return Ok(());
    }
    let ids: Vec<String> = log
        .records
        .iter()
        .map(|r| text::inline(&r.entry).into_owned())
        .collect();
    let width = ids.iter().map(|id| id.width()).max().unwrap_or(0);
    for (r, id) in log.records.iter().zip(&ids) {
        row(out, r, id, width)?;
    }
    writeln!(out)?;
    for t in log.tallies() {
        writeln!(
            out,
            "{} — {}: {}",
            text::inline(&t.entry),
            text::inline(&t.workaround),
            t.summary()
        )?;
    }
    writeln!(out)
}

fn row(out: &mut dyn Write, r: &Outcome, id: &str, width: usize) -> io::Result<()> {
    let mark = if r.worked { '+' } else { '-' };
    let pad = " ".repeat(width.saturating_sub(id.width()));
    write!(
        out,
        "{}  {mark}  {id}{pad}  {}",
        r.time_text(),
        text::inline(&r.workaround)
    )?;
    if let Some(host) = &r.host {
        write!(out, "  [{}]", text::inline(host))?;
    }
    writeln!(out)
}
