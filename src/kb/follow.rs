//! Following logs as they grow: the known errors in them, counted as lines arrive.
//!
//! Each input is read on a thread of its own ([`spawn`]): a file is followed like `tail -F`
//! (from its end unless asked otherwise, reopened when it is replaced by rename rotation,
//! read again from the start when it is truncated), stdin until it closes. A thread matches
//! what it reads with the shared [`Scanner`] and sends, per chunk read, one [`Batch`] of
//! counts through a bounded channel, so a fast writer is slowed down rather than buffered.
//! [`Findings`] adds the batches up. Nothing here keeps the log: memory is one chunk per
//! input plus a few counters and one sample line per (input, entry).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::SyncSender;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::scan::{LineMatcher, Scanner, Splitter, sample};

/// How often a followed file is looked at again when it has nothing new.
pub const POLL: Duration = Duration::from_millis(100);
/// How much is read at a time.
const CHUNK: usize = 64 * 1024;
/// Width of one sparkline bucket.
pub const BUCKET_SECS: u64 = 10;
/// Buckets kept per finding (the last two minutes).
pub const BUCKETS: usize = 12;
/// Up to this much of a stream's start is kept, so a piped stream that turns out to be one
/// short message can still become a query.
pub const HEAD: usize = 4096;

/// Where lines come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, read until it closes.
    Stdin,
    /// A file, followed by name.
    File(PathBuf),
}

impl Input {
    /// `-` is stdin, anything else a file.
    pub fn from_arg(path: &Path) -> Input {
        if path.as_os_str() == "-" {
            Input::Stdin
        } else {
            Input::File(path.to_path_buf())
        }
    }

    /// The name findings carry (`-` for stdin).
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// Matches of one entry within one chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The entry (an index into the scanner's entries).
    pub entry: usize,
    /// Lines that matched in the chunk.
    pub count: u64,
    /// The first and last of them.
    pub first_line: u64,
    /// The last of them.
    pub last_line: u64,
    /// The last matching line (cut).
    pub sample: String,
}

/// What a reader thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A chunk was read: the matches in it and the input's lines so far.
    Batch(Batch),
    /// Something the user should know (the file was truncated, rotated, is missing…).
    Note {
        /// The input (an index into the inputs given to [`spawn`]).
        input: usize,
        /// What happened, in words.
        message: String,
    },
    /// The input ended (stdin closed, or a file could not be read any more).
    Closed {
        /// The input.
        input: usize,
        /// Why, when it was an error.
        error: Option<String>,
    },
}

/// The matches of one chunk of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The input (an index into the inputs given to [`spawn`]).
    pub input: usize,
    /// Lines that ended in this chunk.
    pub lines: u64,
    /// The first bytes of the stream (stdin only, at most [`HEAD`]), in the first batches.
    pub head: Option<Vec<u8>>,
    /// Matches, by entry.
    pub hits: Vec<Hit>,
}

/// How to start on a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At its end: only lines written from now on.
    End,
    /// At its beginning: what is there, then what is written.
    Beginning,
}

/// Start one reader thread per input. They run until the input closes (stdin) or for as
/// long as the process does (files); when `reports` is dropped they stop at their next send.
pub fn spawn(scanner: Arc<Scanner>, inputs: &[Input], start: Start, reports: SyncSender<Report>) {
    for (i, input) in inputs.iter().enumerate() {
        let (scanner, sender, input) = (Arc::clone(&scanner), reports.clone(), input.clone());
        let name = format!("errdex-follow-{i}");
        let spawned = thread::Builder::new().name(name).spawn(move || {
            let mut reader = Reader::new(&scanner, i, sender);
            let _ = match input {
                Input::Stdin => reader.stdin(),
                Input::File(path) => reader.file(&path, start),
            };
        });
        if let Err(e) = spawned {
            let _ = reports.send(Report::Closed {
                input: i,
                error: Some(format!("cannot start a reader: {e}")),
            });
        }
    }
}

/// The receiving side went away: stop reading.
struct Gone;

/// One input's reading state.
struct Reader<'s> {
    matcher: LineMatcher<'s>,
    lines: Splitter,
    input: usize,
    reports: SyncSender<Report>,
    /// Matches not sent yet, by entry.
    pending: Vec<Hit>,
    slot: HashMap<usize, usize>,
    head: Option<Vec<u8>>,
}

impl<'s> Reader<'s> {
    fn new(scanner: &'s Scanner, input: usize, reports: SyncSender<Report>) -> Reader<'s> {
        Reader {
            matcher: LineMatcher::new(scanner),
            lines: Splitter::default(),
            input,
            reports,
            pending: Vec::new(),
            slot: HashMap::new(),
            head: None,
        }
    }

    fn send(&self, report: Report) -> Result<(), Gone> {
        self.reports.send(report).map_err(|_| Gone)
    }

    fn note(&self, message: String) -> Result<(), Gone> {
        self.send(Report::Note {
            input: self.input,
            message,
        })
    }

    /// Match `bytes` (and, when `end`, the unfinished last line), then report.
    fn take(&mut self, bytes: &[u8], end: bool) -> Result<(), Gone> {
        let Reader {
            matcher,
            lines,
            pending,
            slot,
            ..
        } = self;
        let before = lines.lines();
        let mut on_piece = |piece: &[u8], line: u64| {
            for &entry in matcher.matches(piece) {
                let i = *slot.entry(entry).or_insert_with(|| {
                    pending.push(Hit {
                        entry,
                        count: 0,
                        first_line: line,
                        last_line: 0,
                        sample: String::new(),
                    });
                    pending.len() - 1
                });
                let hit = &mut pending[i];
                // A long line cut into pieces counts once.
                if hit.last_line != line {
                    hit.count += 1;
                    hit.last_line = line;
                    hit.sample = sample(piece);
                }
            }
        };
        lines.feed(bytes, &mut on_piece);
        if end {
            lines.finish(&mut on_piece);
        }
        self.slot.clear();
        let hits = std::mem::take(&mut self.pending);
        self.send(Report::Batch(Batch {
            input: self.input,
            lines: self.lines.lines() - before,
            head: self.head.clone(),
            hits,
        }))
    }

    /// Read stdin until it closes.
    fn stdin(&mut self) -> Result<(), Gone> {
        let mut buf = vec![0; CHUNK];
        let mut stdin = io::stdin().lock();
        let mut head: Vec<u8> = Vec::new();
        let mut head_open = true;
        loop {
            match stdin.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if head_open {
                        let room = HEAD.saturating_sub(head.len());
                        head.extend_from_slice(&buf[..n.min(room)]);
                        head_open = n < room;
                        self.head = Some(head.clone());
                    } else {
                        self.head = None;
                    }
                    self.take(&buf[..n], false)?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.take(&[], true)?;
                    return self.send(Report::Closed {
                        input: self.input,
                        error: Some(e.to_string()),
                    });
                }
            }
        }
        self.take(&[], true)?;
        self.send(Report::Closed {
            input: self.input,
            error: None,
        })
    }

    /// Follow the file at `path` by name, for ever.
    fn file(&mut self, path: &Path, start: Start) -> Result<(), Gone> {
        let mut buf = vec![0; CHUNK];
        let mut open: Option<(File, Identity, u64)> = None;
        let mut first = true;
        let mut missing_said = false;
        loop {
            let Some((file, identity, pos)) = open.as_mut() else {
                match File::open(path) {
                    Ok(mut f) => {
                        let id = identity(&f);
                        // A file that appears later (or anew after a rotation) is read whole.
                        let at = if first && start == Start::End {
                            // Line numbers still count from the top of the file.
                            let lines = count_lines(&mut f, &mut buf);
                            self.lines.start_at(lines);
                            f.seek(SeekFrom::End(0)).unwrap_or(0)
                        } else {
                            0
                        };
                        if first && start == Start::End {
                            self.note(format!("following from line {}", self.lines.lines() + 1))?;
                        } else if missing_said {
                            self.note("appeared; reading it".into())?;
                        }
                        open = Some((f, id, at));
                        first = false;
                        missing_said = false;
                    }
                    Err(e) => {
                        if !missing_said {
                            self.note(format!("{e}; waiting for it to appear"))?;
                            missing_said = true;
                        }
                        first = false;
                        thread::sleep(POLL);
                    }
                }
                continue;
            };
            match file.read(&mut buf) {
                Ok(0) => {}
                Ok(n) => {
                    *pos += n as u64;
                    self.take(&buf[..n], false)?;
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.note(format!("read failed ({e}); opening it again"))?;
                    self.lines.restart();
                    open = None;
                    thread::sleep(POLL);
                    continue;
                }
            }
            // Nothing new: was the file truncated, or replaced?
            match std::fs::metadata(path) {
                Ok(meta) if !same_file(&meta, identity) => {
                    // Rotated: read what was written to the old file since, then the new one.
                    loop {
                        match file.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => self.take(&buf[..n], false)?,
                        }
                    }
                    self.take(&[], true)?;
                    self.note("replaced (rotated); reading the new file from its start".into())?;
                    self.lines.restart();
                    open = None;
                    continue;
                }
                Ok(meta) if meta.len() < *pos => {
                    self.take(&[], true)?;
                    self.note("truncated; reading it again from the start".into())?;
                    self.lines.restart();
                    *pos = file.seek(SeekFrom::Start(0)).unwrap_or(0);
                    continue;
                }
                Ok(_) => {}
                Err(_) if !missing_said => {
                    self.note("removed; waiting for a new file with its name".into())?;
                    missing_said = true;
                }
                Err(_) => {}
            }
            thread::sleep(POLL);
        }
    }
}

/// Newlines in what `f` holds from where it is (read in `buf`-sized chunks).
fn count_lines(f: &mut File, buf: &mut [u8]) -> u64 {
    let mut n = 0;
    loop {
        match f.read(buf) {
            Ok(0) | Err(_) => return n,
            Ok(k) => n += memchr::memchr_iter(b'\n', &buf[..k]).count() as u64,
        }
    }
}

/// What tells one file from another under the same name.
type Identity = Option<(u64, u64)>;

#[cfg(unix)]
fn identity(f: &File) -> Identity {
    use std::os::unix::fs::MetadataExt;
    f.metadata().ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &File) -> Identity {
    None
}

#[cfg(unix)]
fn same_file(meta: &std::fs::Metadata, id: &Identity) -> bool {
    use std::os::unix::fs::MetadataExt;
    id.is_none_or(|(dev, ino)| meta.dev() == dev && meta.ino() == ino)
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &Identity) -> bool {
    true
}

/// One known error in one input, counted so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// The input (an index into the inputs).
    pub input: usize,
    /// The entry (an index into the scanner's entries).
    pub entry: usize,
    /// Matching lines so far.
    pub count: u64,
    /// The line it was first seen on.
    pub first_line: u64,
    /// The line it was last seen on.
    pub last_line: u64,
    /// The first matching line (cut).
    pub sample: String,
    /// The last matching line (cut).
    pub last_sample: String,
    /// When it was first and last seen.
    pub first_seen: SystemTime,
    /// When it was last seen.
    pub last_seen: SystemTime,
    /// Counts in the last [`BUCKETS`] windows of [`BUCKET_SECS`], oldest first, as of
    /// `bucket_epoch`.
    pub buckets: [u64; BUCKETS],
    bucket_epoch: u64,
}

impl Tracked {
    /// The counts per window up to `now`, oldest first (for a sparkline).
    pub fn recent(&self, now: SystemTime) -> [u64; BUCKETS] {
        let mut b = self.buckets;
        shift(&mut b, epoch(now).saturating_sub(self.bucket_epoch));
        b
    }

    /// Matching lines in the last minute (counted in whole windows).
    pub fn last_minute(&self, now: SystemTime) -> u64 {
        let per_minute = (60 / BUCKET_SECS) as usize;
        self.recent(now)[BUCKETS - per_minute..].iter().sum()
    }
}

fn epoch(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) / BUCKET_SECS
}

fn shift(b: &mut [u64; BUCKETS], by: u64) {
    let by = by.min(BUCKETS as u64) as usize;
    b.rotate_left(by);
    for slot in &mut b[BUCKETS - by..] {
        *slot = 0;
    }
}

/// What changed when a report was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A known error seen for the first time in its input (an index into `Findings::all`).
    New(usize),
    /// More lines of one already seen.
    More(usize),
}

/// Everything followed so far: counts per (input, entry), lines read, which inputs are open.
#[derive(Debug, Default)]
pub struct Findings {
    /// In order of first sighting.
    pub all: Vec<Tracked>,
    slot: HashMap<(usize, usize), usize>,
    /// Per input: lines read.
    pub lines: Vec<u64>,
    /// Per input: still open.
    pub open: Vec<bool>,
}

impl Findings {
    /// Counting for `inputs` inputs, all open.
    pub fn new(inputs: usize) -> Findings {
        Findings {
            lines: vec![0; inputs],
            open: vec![true; inputs],
            ..Findings::default()
        }
    }

    /// Add a batch seen at `now`; returns what changed, in order.
    pub fn add(&mut self, batch: &Batch, now: SystemTime) -> Vec<Change> {
        if let Some(l) = self.lines.get_mut(batch.input) {
            *l += batch.lines;
        }
        let mut changes = Vec::with_capacity(batch.hits.len());
        let e = epoch(now);
        for hit in &batch.hits {
            let key = (batch.input, hit.entry);
            let i = match self.slot.get(&key) {
                Some(&i) => {
                    changes.push(Change::More(i));
                    i
                }
                None => {
                    self.all.push(Tracked {
                        input: batch.input,
                        entry: hit.entry,
                        count: 0,
                        first_line: hit.first_line,
                        last_line: hit.last_line,
                        sample: hit.sample.clone(),
                        last_sample: String::new(),
                        first_seen: now,
                        last_seen: now,
                        buckets: [0; BUCKETS],
                        bucket_epoch: e,
                    });
                    let i = self.all.len() - 1;
                    self.slot.insert(key, i);
                    changes.push(Change::New(i));
                    i
                }
            };
            let t = &mut self.all[i];
            t.count += hit.count;
            t.last_line = hit.last_line;
            t.last_sample.clone_from(&hit.sample);
            t.last_seen = now;
            shift(&mut t.buckets, e.saturating_sub(t.bucket_epoch));
            t.bucket_epoch = t.bucket_epoch.max(e);
            t.buckets[BUCKETS - 1] += hit.count;
        }
        changes
    }

    /// Mark input `input` closed.
    pub fn close(&mut self, input: usize) {
        if let Some(o) = self.open.get_mut(input) {
            *o = false;
        }
    }

    /// Whether any input is still open.
    pub fn any_open(&self) -> bool {
        self.open.iter().any(|&o| o)
    }

    /// Lines read over all inputs.
    pub fn total_lines(&self) -> u64 {
        self.lines.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(entry: usize, count: u64, line: u64) -> Hit {
        Hit {
            entry,
            count,
            first_line: line,
            last_line: line,
            sample: format!("line {line}"),
        }
    }

    #[test]
    fn batches_add_up_per_input_and_entry() {
        let mut f = Findings::new(2);
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let b = |input, lines, hits| Batch {
            input,
            lines,
            head: None,
            hits,
        };
        assert_eq!(
            f.add(&b(0, 10, vec![hit(3, 2, 7)]), t0),
            vec![Change::New(0)]
        );
        assert_eq!(
            f.add(&b(1, 5, vec![hit(3, 1, 2)]), t0),
            vec![Change::New(1)]
        );
        let later = t0 + Duration::from_secs(25);
        assert_eq!(
            f.add(&b(0, 10, vec![hit(3, 4, 19)]), later),
            vec![Change::More(0)]
        );
        let t = &f.all[0];
        assert_eq!((t.count, t.first_line, t.last_line), (6, 7, 19));
        assert_eq!(
            (t.sample.as_str(), t.last_sample.as_str()),
            ("line 7", "line 19")
        );
        assert_eq!(f.total_lines(), 25);
        // Two windows apart: 2 then 4, oldest first; a minute on, both have left the minute.
        let r = t.recent(later);
        assert_eq!((r[BUCKETS - 3], r[BUCKETS - 1]), (2, 4));
        assert_eq!(t.last_minute(later), 6);
        assert_eq!(t.last_minute(later + Duration::from_secs(70)), 0);
        assert_eq!(t.recent(later + Duration::from_secs(3600)), [0; BUCKETS]);
        f.close(0);
        assert!(f.any_open());
        f.close(1);
        assert!(!f.any_open());
    }
}
