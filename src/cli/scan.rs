//! `errdex scan`: stream logs of any size and report the known errors in them.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use super::{Cli, CliError, ERROR, FOUND, NOT_FOUND};
use crate::kb::follow::{self, Change, Findings, Input, Report, Start, Tracked};
use crate::kb::scan::{Finding, Scanner};
use crate::text;

/// Findings listed in the text summary (all of them with --json).
const SUMMARY_ROWS: usize = 20;

/// Arguments of `errdex scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array of findings (id, title, count, first_line, last_line, sample,
    /// file); with --follow, JSON Lines: one object per event (see --follow).
    #[arg(long)]
    pub json: bool,
    /// Keep reading as the files grow, like `tail -F`: start at their end, reopen a file
    /// replaced by rotation, read a truncated one again from the start. Each known error is
    /// printed when first seen, then its count as it changes (at most once a second); Ctrl-C
    /// prints the totals. With --json each event is one line: event (new, count or total),
    /// id, title, count, line, sample, file, time.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// With --follow: read what the files already hold first.
    #[arg(long, requires = "follow")]
    pub from_start: bool,
    /// Log files to scan; `-` or nothing reads stdin.
    pub files: Vec<PathBuf>,
}

/// Scan every input and print what was found.
pub fn run(cli: &Cli, args: &Args) -> Result<u8, CliError> {
    let catalog = super::load_catalog(cli);
    super::note_skipped(&catalog);
    let entries = catalog.into_entries();
    let scanner = Scanner::new(&entries);
    if args.follow {
        return follow(scanner, args);
    }
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

/// `--follow`: report as lines arrive until every input closed or a signal came.
fn follow(scanner: Scanner, args: &Args) -> Result<u8, CliError> {
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::Stdin]
    } else {
        args.files.iter().map(|p| Input::from_arg(p)).collect()
    };
    if inputs.iter().filter(|i| **i == Input::Stdin).count() > 1 {
        return Err(CliError::Usage("stdin (`-`) can be followed once".into()));
    }
    let names: Vec<String> = inputs.iter().map(Input::name).collect();
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let scanner = Arc::new(scanner);
    let (tx, rx) = mpsc::sync_channel(64);
    let start = if args.from_start {
        Start::Beginning
    } else {
        Start::End
    };
    follow::spawn(Arc::clone(&scanner), &inputs, start, tx);
    if !args.json {
        let from = if args.from_start || inputs == [Input::Stdin] {
            ""
        } else {
            " from their end"
        };
        let names: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::Stdin => "stdin".to_string(),
                Input::File(_) => text::inline(&i.name()).into_owned(),
            })
            .collect();
        eprintln!(
            "errdex scan: following {}{from}; Ctrl-C stops and prints the totals",
            names.join(", ")
        );
    }
    let mut out = Events {
        out: io::stdout().lock(),
        json: args.json,
        scanner: &scanner,
        names: &names,
    };
    let mut findings = Findings::new(inputs.len());
    let mut changed: BTreeSet<usize> = BTreeSet::new();
    let mut tick = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(follow::POLL) {
            Ok(Report::Batch(batch)) => {
                for change in findings.add(&batch, SystemTime::now()) {
                    match change {
                        Change::New(i) => out.event("new", &findings.all[i], true)?,
                        Change::More(i) => {
                            changed.insert(i);
                        }
                    }
                }
            }
            Ok(Report::Note { input, message }) => {
                eprintln!("errdex scan: {}: {message}", text::inline(&names[input]));
            }
            Ok(Report::Closed { input, error }) => {
                if let Some(e) = error {
                    eprintln!("errdex scan: {}: {e}", text::inline(&names[input]));
                }
                findings.close(input);
                if !findings.any_open() {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if tick.elapsed() >= COUNT_EVERY {
            for &i in &changed {
                out.event("count", &findings.all[i], false)?;
            }
            changed.clear();
            tick = Instant::now();
        }
    }
    for &i in &changed {
        out.event("count", &findings.all[i], false)?;
    }
    let signalled = stop.load(Ordering::Relaxed);
    if args.json {
        for t in &findings.all {
            out.event("total", t, true)?;
        }
    } else {
        let mut all: Vec<Finding> = findings
            .all
            .iter()
            .map(|t| {
                let (id, title) = scanner.entry(t.entry);
                Finding {
                    file: names[t.input].clone(),
                    id: id.to_string(),
                    title: title.to_string(),
                    count: t.count,
                    first_line: t.first_line,
                    last_line: t.last_line,
                    sample: t.sample.clone(),
                }
            })
            .collect();
        writeln!(
            out.out,
            "-- {} line{} read",
            findings.total_lines(),
            if findings.total_lines() == 1 { "" } else { "s" }
        )?;
        summary(&mut out.out, &mut all, names.len() > 1)?;
    }
    out.out.flush()?;
    Ok(if signalled || !findings.all.is_empty() {
        FOUND
    } else {
        NOT_FOUND
    })
}

/// Count updates of one finding are printed at most this often.
const COUNT_EVERY: Duration = Duration::from_secs(1);

/// One line of `scan --follow --json`.
#[derive(serde::Serialize)]
struct FollowEvent<'a> {
    event: &'a str,
    id: &'a str,
    title: &'a str,
    count: u64,
    line: u64,
    sample: &'a str,
    file: &'a str,
    time: &'a str,
}

/// Where follow events go, flushed one by one so a pipe sees each at once.
struct Events<'a, W: Write> {
    out: W,
    json: bool,
    scanner: &'a Scanner,
    names: &'a [String],
}

impl<W: Write> Events<'_, W> {
    /// Print `t` as event `kind`; `first` shows its first line and sample, else the last.
    fn event(&mut self, kind: &str, t: &Tracked, first: bool) -> io::Result<()> {
        let (id, title) = self.scanner.entry(t.entry);
        let seen = if first { t.first_seen } else { t.last_seen };
        let time = humantime::format_rfc3339_seconds(seen).to_string();
        let (line, sample) = if first {
            (t.first_line, &t.sample)
        } else {
            (t.last_line, &t.last_sample)
        };
        let file = &self.names[t.input];
        if self.json {
            let v = FollowEvent {
                event: kind,
                id,
                title,
                count: t.count,
                line,
                sample,
                file,
                time: &time,
            };
            serde_json::to_writer(&mut self.out, &v).map_err(io::Error::from)?;
            writeln!(self.out)?;
        } else {
            let clock = time.get(11..19).unwrap_or(&time);
            if kind == "new" {
                writeln!(
                    self.out,
                    "{clock}  new    {id}  {}:{line}  {}",
                    text::inline(file),
                    text::inline(&truncate(title, 70))
                )?;
                writeln!(
                    self.out,
                    "          e.g. {}",
                    text::inline(&truncate(sample, 110))
                )?;
            } else {
                writeln!(
                    self.out,
                    "{clock}  {:>5}× {id}  last {}:{line}",
                    t.count,
                    text::inline(file)
                )?;
            }
        }
        self.out.flush()
    }
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
