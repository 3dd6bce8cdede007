//! `errdex scan`: stream logs of any size and report the known errors in them.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;

use super::{Cli, CliError, ERROR, FOUND, NOT_FOUND};
use crate::kb::scan::{Finding, Scanner};
use crate::text;

/// Findings listed in the text summary (all of them with --json).
const SUMMARY_ROWS: usize = 20;

/// Arguments of `errdex scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array of findings (id, title, count, first_line, last_line, sample, file).
    #[arg(long)]
    pub json: bool,
    /// Log files to scan; `-` or nothing reads stdin.
    pub files: Vec<PathBuf>,
}

/// Scan every input and print what was found.
pub fn run(cli: &Cli, args: &Args) -> Result<u8, CliError> {
    let catalog = super::load_catalog(cli);
    super::note_skipped(&catalog);
    let entries = catalog.into_entries();
    let scanner = Scanner::new(&entries);
    let mut findings: Vec<Finding> = Vec::new();
    let mut failed = false;
    let inputs: Vec<PathBuf> = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    for path in &inputs {
        let name = path.display().to_string();
        let (found, err) = if name == "-" {
            scanner.scan("-", &mut io::stdin().lock())
        } else {
            match File::open(path) {
                Ok(f) => scanner.scan(&name, &mut BufReader::with_capacity(256 * 1024, f)),
                Err(e) => (Vec::new(), Some(e)),
            }
        };
        findings.extend(found);
        if let Some(e) = err {
            eprintln!("errdex scan: {}: {e}", text::inline(&name));
            failed = true;
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &findings).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        summary(&mut out, &mut findings, inputs.len() > 1)?;
    }
    out.flush()?;
    Ok(if failed {
        ERROR
    } else if findings.is_empty() {
        NOT_FOUND
    } else {
        FOUND
    })
}

/// One screen: the most frequent findings first, each with its line range and a sample.
fn summary(out: &mut dyn Write, findings: &mut [Finding], show_file: bool) -> io::Result<()> {
    if findings.is_empty() {
        writeln!(out, "no known errors found")?;
        return Ok(());
    }
    findings.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_line.cmp(&b.first_line)));
    let total: u64 = findings.iter().map(|f| f.count).sum();
    writeln!(
        out,
        "{} known error{} on {total} line{}:",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        if total == 1 { "" } else { "s" }
    )?;
    for f in findings.iter().take(SUMMARY_ROWS) {
        let file = if show_file {
            format!("{}:", text::inline(&f.file))
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>8}×  {file}{}-{}  {}  {}",
            f.count,
            f.first_line,
            f.last_line,
            f.id,
            text::inline(&truncate(&f.title, 70))
        )?;
        writeln!(
            out,
            "           e.g. {}",
            text::inline(&truncate(&f.sample, 110))
        )?;
    }
    if findings.len() > SUMMARY_ROWS {
        writeln!(
            out,
            "… and {} more (--json lists all)",
            findings.len() - SUMMARY_ROWS
        )?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
