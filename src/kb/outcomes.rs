//! A record of what worked: one JSON object per line, appended each time someone says a
//! workaround of an entry worked (or did not).
//!
//! The file is `<data>/outcomes.jsonl`, or whatever `ERRDEX_OUTCOMES` names (a team file
//! kept in a repository, say). It is only ever appended to: [`append`] writes a whole line
//! with one `write` on a file opened for appending, then syncs it, so two processes
//! recording at once never mix their lines, and a crash can at worst leave a torn last
//! line. [`read`] skips a line it cannot use (torn, edited by hand, a merge conflict
//! marker) with a [`Diagnostic`] that says where it is and what to do, and keeps the rest.
//!
//! The rates these records give are *measured*, and always come with their sample size:
//! [`WorkaroundTally::summary`] says "3 of 4 worked (measured)", never a bare percentage.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::diag::{Diagnostic, Severity};
use super::fsutil;
use super::paths::Paths;

/// The environment variable that names the outcomes file, overriding the data folder.
pub const ENV_VAR: &str = "ERRDEX_OUTCOMES";
/// The file's name inside the data folder.
pub const FILE_NAME: &str = "outcomes.jsonl";
/// A file larger than this is refused by [`read`] (an error, not a partial read).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// A line longer than this is skipped by [`read`] with a warning.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// How much of the query [`append`] keeps: it is context for a reader, not data.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The fields every record must have; named in the hint for a line that lacks one.
const REQUIRED: &str = "time, entry, workaround, index, worked and query";

/// One recorded outcome: a workaround of an entry worked, or did not.
///
/// Written as one JSON object per line. Reading tolerates fields it does not know (a newer
/// errdex may add some) but not a missing one, except `host`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// When it was recorded, written as RFC 3339 UTC to the second
    /// (`2026-11-25T10:32:11Z`).
    #[serde(with = "rfc3339")]
    pub time: SystemTime,
    /// The entry's id.
    pub entry: String,
    /// The workaround's title, which stays the same when workarounds are reordered.
    pub workaround: String,
    /// The workaround's 1-based position when it was recorded (for reading only).
    pub index: usize,
    /// Whether it worked.
    pub worked: bool,
    /// The query as it was typed or pasted (may span lines).
    pub query: String,
    /// The machine it was recorded on, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Outcome {
    /// A record made now (to the whole second, as it will be written).
    pub fn now(
        entry: impl Into<String>,
        workaround: impl Into<String>,
        index: usize,
        worked: bool,
        query: impl Into<String>,
        host: Option<String>,
    ) -> Outcome {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Outcome {
            time: UNIX_EPOCH + Duration::from_secs(secs),
            entry: entry.into(),
            workaround: workaround.into(),
            index,
            worked,
            query: query.into(),
            host,
        }
    }

    /// The time as written in the file (`2026-11-25T10:32:11Z`), or `?` for a time that
    /// RFC 3339 cannot express (before 1970 or after 9999).
    pub fn time_text(&self) -> String {
        format_time(self.time).unwrap_or_else(|| "?".into())
    }
}

/// RFC 3339 UTC to the second, or None outside 1970..=9999 (where humantime would fail).
fn format_time(t: SystemTime) -> Option<String> {
    const YEAR_10000: u64 = 253_402_300_800;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    (secs < YEAR_10000).then(|| humantime::format_rfc3339_seconds(t).to_string())
}

/// `time` as RFC 3339 text; reading accepts fractions of a second and `+00:00`.
mod rfc3339 {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer, de, ser};

    pub fn serialize<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        match super::format_time(*t) {
            Some(text) => s.serialize_str(&text),
            None => Err(ser::Error::custom("time is before 1970 or after 9999")),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        humantime::parse_rfc3339(&text)
            .map_err(|e| de::Error::custom(format_args!("time `{text}`: {e}")))
    }
}

/// Where the outcomes file is: `env_override` (the value of `ERRDEX_OUTCOMES`, passed in
/// so that this stays a pure function) when set and not empty, else
/// `<data_dir>/outcomes.jsonl`; None when neither is known.
pub fn outcomes_path(data_dir: Option<&Path>, env_override: Option<OsString>) -> Option<PathBuf> {
    match env_override.filter(|v| !v.is_empty()) {
        Some(v) => Some(PathBuf::from(v)),
        None => data_dir.map(|d| d.join(FILE_NAME)),
    }
}

/// The outcomes file this process uses, and why it is that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomesFile {
    /// The file (it need not exist yet).
    pub path: PathBuf,
    /// Whether `ERRDEX_OUTCOMES` chose it (rather than the data folder).
    pub from_env: bool,
}

impl OutcomesFile {
    /// The file from a data folder and the value of `ERRDEX_OUTCOMES` (see
    /// [`outcomes_path`]).
    pub fn new(data_dir: Option<&Path>, env_override: Option<OsString>) -> Option<OutcomesFile> {
        let from_env = env_override.as_ref().is_some_and(|v| !v.is_empty());
        outcomes_path(data_dir, env_override).map(|path| OutcomesFile { path, from_env })
    }

    /// The file from the real environment: `ERRDEX_OUTCOMES`, else the platform's data
    /// folder; None when there is neither (no home folder).
    pub fn from_process() -> Option<OutcomesFile> {
        let data = Paths::discover().map(|p| p.data_dir);
        OutcomesFile::new(data.as_deref(), std::env::var_os(ENV_VAR))
    }

    /// [`read`] this file.
    pub fn read(&self) -> io::Result<Log> {
        read(&self.path)
    }

    /// [`append`] to this file.
    pub fn append(&self, outcome: &Outcome) -> io::Result<()> {
        append(&self.path, outcome)
    }
}

/// This machine's name, when the system gives one that is valid UTF-8 and not empty.
pub fn host_name() -> Option<String> {
    gethostname::gethostname()
        .into_string()
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Append one record to the file, creating it (and its folders) if needed.
///
/// The file is opened for appending and never truncated or rewritten. If it does not end
/// with a newline (a torn last line), one is written first so the new record starts on
/// its own line. The record goes out as one buffer in one `write_all`, which for a local
/// regular file opened with `O_APPEND` means concurrent writers never interleave within
/// a line; then the data is synced to disk. A query longer than [`MAX_QUERY_BYTES`] is
/// shortened (it is context), so a record always fits [`read`]'s line limit; a record
/// that still would not (a workaround title of many kilobytes) is refused.
///
/// Two writers that both find a torn last line may each write the separating newline;
/// the empty line that leaves is ignored by [`read`].
pub fn append(path: &Path, outcome: &Outcome) -> io::Result<()> {
    let line = encode(outcome)?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    // Never through a link, never to a FIFO or device: a shared outcomes file could be a
    // link planted to ~/.bashrc.
    let mut file = fsutil::open_regular(path, fsutil::Access::Append)?;
    let mut buf = Vec::with_capacity(line.len() + 1);
    if !ends_with_newline(&mut file)? {
        buf.push(b'\n');
    }
    buf.extend_from_slice(&line);
    file.write_all(&buf)?;
    file.sync_data()
}

/// Whether the file is empty or ends with `\n`.
fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The record as one line with its newline, the query shortened until the line fits.
fn encode(outcome: &Outcome) -> io::Result<Vec<u8>> {
    let to_line = |o: &Outcome| -> io::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(o).map_err(|e| invalid_input(e.to_string()))?;
        line.push(b'\n');
        Ok(line)
    };
    let mut record = std::borrow::Cow::Borrowed(outcome);
    if outcome.query.len() > MAX_QUERY_BYTES {
        record.to_mut().query = shorten(&outcome.query, MAX_QUERY_BYTES);
    }
    let mut line = to_line(&record)?;
    while line.len() > MAX_LINE_BYTES && !record.query.is_empty() {
        // Escaped control characters can make a query up to six times longer as JSON.
        let half = shorten(&record.query, record.query.len() / 2);
        record.to_mut().query = half;
        line = to_line(&record)?;
    }
    if line.len() > MAX_LINE_BYTES {
        return Err(invalid_input(format!(
            "an outcome record of {} bytes is over the {} KiB line limit \
             (is the workaround title that long?)",
            line.len(),
            MAX_LINE_BYTES / 1024
        )));
    }
    Ok(line)
}

/// At most `max` bytes of `s`, cut at a character boundary, with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    let keep = max.saturating_sub('…'.len_utf8());
    let mut end = keep.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn invalid_input(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// The records of an outcomes file, and the lines that had to be skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Log {
    /// Every record that parsed, in file order.
    pub records: Vec<Outcome>,
    /// One warning per skipped line, pointing at `file:line:column`.
    pub problems: Vec<Diagnostic>,
}

/// Read the outcomes file. A file that does not exist is an empty log.
///
/// Lines that cannot be used are skipped and reported in [`Log::problems`]: invalid JSON
/// (a torn last line, a hand edit), a missing field, a merge conflict marker, invalid
/// UTF-8, a line over [`MAX_LINE_BYTES`]. Empty lines are ignored. A file over
/// [`MAX_FILE_BYTES`] is an error. Errors do not name the file; the caller knows it.
pub fn read(path: &Path) -> io::Result<Log> {
    let file = match fsutil::open_regular(path, fsutil::Access::Read) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Log::default()),
        Err(e) => return Err(e),
    };
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "the outcomes file is over the {} MiB limit; move older lines to another \
                 file (every line is a record on its own)",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    };
    if file.metadata()?.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(parse(&path.display().to_string(), &bytes))
}

/// Parse the bytes of an outcomes file; `file` names it in diagnostics.
pub fn parse(file: &str, bytes: &[u8]) -> Log {
    let mut log = Log::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let torn_tail = !bytes.is_empty() && !bytes.ends_with(b"\n");
    let count = bytes.split(|&b| b == b'\n').count();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let last = torn_tail && i + 1 == count;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(line, last) {
            Ok(outcome) => log.records.push(outcome),
            Err(p) => log.problems.push(Diagnostic {
                file: file.to_string(),
                line: i + 1,
                column: p.column,
                severity: Severity::Warning,
                message: p.message,
                hint: Some(p.hint),
            }),
        }
    }
    log
}

/// Why one line was skipped.
struct LineProblem {
    column: usize,
    message: String,
    hint: String,
}

fn parse_line(line: &[u8], torn: bool) -> Result<Outcome, LineProblem> {
    if line.len() > MAX_LINE_BYTES {
        return Err(LineProblem {
            column: MAX_LINE_BYTES + 1,
            message: format!(
                "line of {} bytes is over the {} KiB limit for a record",
                line.len(),
                MAX_LINE_BYTES / 1024
            ),
            hint: "errdex never writes a record this long; delete the line".into(),
        });
    }
    if let Some(marker) = conflict_marker(line) {
        return Err(LineProblem {
            column: 1,
            message: format!("merge conflict marker `{marker}`"),
            hint: "keep the records from both sides (each line is a record; order does not \
                   matter) and delete the marker lines"
                .into(),
        });
    }
    let text = std::str::from_utf8(line).map_err(|e| LineProblem {
        column: e.valid_up_to() + 1,
        message: "line is not valid UTF-8".into(),
        hint: "errdex writes UTF-8 JSON; fix the line or delete it".into(),
    })?;
    serde_json::from_str::<Outcome>(text).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let what = full.strip_suffix(&position).unwrap_or(&full);
        let (message, hint) = if torn && e.is_eof() {
            (
                format!("incomplete last line (a write was cut off?): {what}"),
                "it is skipped, and the next record starts on a new line; delete it to \
                 silence this"
                    .to_string(),
            )
        } else if e.is_eof() {
            (
                format!("incomplete line (a write was cut off?): {what}"),
                "the records after it are read; delete it to silence this".to_string(),
            )
        } else if what.starts_with("missing field") {
            (
                format!("not an outcome record: {what}"),
                format!("every record needs {REQUIRED}"),
            )
        } else if what.contains("time `") {
            (
                format!("not an outcome record: {what}"),
                "write the time as RFC 3339 UTC, like 2026-11-25T10:32:11Z".to_string(),
            )
        } else {
            (
                format!("not an outcome record: {what}"),
                "each line is one JSON object as errdex writes it; fix the line or delete it"
                    .to_string(),
            )
        };
        LineProblem {
            column: e.column().max(1),
            message,
            hint,
        }
    })
}

/// The marker if the line is one git writes around a merge conflict.
fn conflict_marker(line: &[u8]) -> Option<&'static str> {
    ["<<<<<<<", "|||||||", "=======", ">>>>>>>"]
        .into_iter()
        .find(|m| {
            line.starts_with(m.as_bytes())
                && line
                    .get(m.len())
                    .is_none_or(|&b| b == b' ' || b == b'\t' || b == b'\r')
        })
}

/// How one workaround of one entry fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkaroundTally {
    /// The entry's id.
    pub entry: String,
    /// The workaround's title.
    pub workaround: String,
    /// Times it worked.
    pub worked: usize,
    /// Times it did not.
    pub failed: usize,
    /// The newest record's time.
    pub last: SystemTime,
}

impl WorkaroundTally {
    /// Every record counted.
    pub fn total(&self) -> usize {
        self.worked + self.failed
    }

    /// `3 of 4 worked (measured)`: the rate always with its sample size.
    pub fn summary(&self) -> String {
        format!("{} of {} worked (measured)", self.worked, self.total())
    }

    /// `team: 3 of 4 worked (measured)`, with `who` saying whose records these are.
    pub fn summary_for(&self, who: &str) -> String {
        format!("{who}: {}", self.summary())
    }
}

impl fmt::Display for WorkaroundTally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

impl Log {
    /// Tallies of every workaround with a record, by entry id then workaround title.
    pub fn tallies(&self) -> Vec<WorkaroundTally> {
        self.tally_where(|_| true)
    }

    /// Tallies of one entry's workarounds, by workaround title.
    pub fn tally(&self, entry: &str) -> Vec<WorkaroundTally> {
        self.tally_where(|o| o.entry == entry)
    }

    /// The tally of one workaround of one entry, if it has records.
    pub fn tally_of(&self, entry: &str, workaround: &str) -> Option<WorkaroundTally> {
        self.tally_where(|o| o.entry == entry && o.workaround == workaround)
            .pop()
    }

    fn tally_where(&self, keep: impl Fn(&Outcome) -> bool) -> Vec<WorkaroundTally> {
        let mut by: BTreeMap<(&str, &str), WorkaroundTally> = BTreeMap::new();
        for o in self.records.iter().filter(|o| keep(o)) {
            let t = by
                .entry((&o.entry, &o.workaround))
                .or_insert_with(|| WorkaroundTally {
                    entry: o.entry.clone(),
                    workaround: o.workaround.clone(),
                    worked: 0,
                    failed: 0,
                    last: o.time,
                });
            if o.worked {
                t.worked += 1;
            } else {
                t.failed += 1;
            }
            t.last = t.last.max(o.time);
        }
        by.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn outcome(entry: &str, workaround: &str, worked: bool, secs: u64) -> Outcome {
        Outcome {
            time: at(secs),
            entry: entry.into(),
            workaround: workaround.into(),
            index: 1,
            worked,
            query: "connection reset by peer".into(),
            host: None,
        }
    }

    /// 2026-11-25T10:32:11Z.
    const T0: u64 = 1_795_602_731;

    #[test]
    fn writes_one_json_line_with_rfc3339_time_and_reads_it_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("deep/er/outcomes.jsonl");
        let mut a = outcome("grpc/reset", "Retry UNAVAILABLE", true, T0);
        a.query = "line one\nline two \u{1b}[31m".into();
        a.host = Some("build-7".into());
        let b = outcome("grpc/reset", "Raise keepalive", false, T0 + 60);
        append(&path, &a).expect("first append creates folders and file");
        append(&path, &b).expect("second append");
        let text = fs::read_to_string(&path).expect("read back");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(text.ends_with('\n'));
        assert!(
            lines[0].starts_with(r#"{"time":"2026-11-25T10:32:11Z","entry":"grpc/reset""#),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains(r#""host":"build-7""#));
        assert!(!lines[1].contains("host"), "None is left out: {}", lines[1]);
        let log = read(&path).expect("reads");
        assert_eq!(log.problems, vec![]);
        assert_eq!(log.records, vec![a, b]);
    }

    #[test]
    fn a_missing_file_is_an_empty_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = read(&dir.path().join("nope.jsonl")).expect("not an error");
        assert!(log.records.is_empty() && log.problems.is_empty());
    }

    #[test]
    fn a_torn_last_line_is_reported_and_the_next_append_starts_a_new_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outcomes.jsonl");
        let a = outcome("tls/x509", "Install the CA", true, T0);
        let b = outcome("tls/x509", "Install the CA", false, T0 + 1);
        append(&path, &a).expect("append");
        append(&path, &b).expect("append");
        // A crash in the middle of a third write.
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(br#"{"time":"2026-11-25T10:40:00Z","entry":"tls/x5"#)
            .expect("torn write");
        drop(f);

        let log = read(&path).expect("reads");
        assert_eq!(log.records, vec![a.clone(), b.clone()]);
        assert_eq!(log.problems.len(), 1, "{:?}", log.problems);
        let p = &log.problems[0];
        assert_eq!((p.line, p.severity), (3, Severity::Warning));
        assert!(p.message.contains("incomplete last line"), "{p}");
        assert!(p.to_string().starts_with(&format!("{}:3:", path.display())));

        let c = outcome("tls/x509", "Pin the chain", true, T0 + 2);
        append(&path, &c).expect("append after the torn line");
        let log = read(&path).expect("reads");
        assert_eq!(log.records, vec![a, b, c], "the new record is whole");
        assert_eq!(
            log.problems.len(),
            1,
            "only the torn line: {:?}",
            log.problems
        );
        assert_eq!(log.problems[0].line, 3);
        assert!(
            log.problems[0].message.starts_with("incomplete line"),
            "no longer last: {}",
            log.problems[0]
        );
    }

    #[test]
    fn conflict_markers_and_bad_lines_are_skipped_with_a_located_hint() {
        let good =
            serde_json::to_string(&outcome("dns/nxdomain", "Flush", true, T0)).expect("serialises");
        let text = format!(
            "{good}\n<<<<<<< HEAD\n{good}\n=======\n{good}\n>>>>>>> origin/main\n\
             {{\"time\":\"2026-11-25T10:32:11Z\",\"entry\":\"x/y\"}}\n\
             {{\"time\":\"yesterday\",\"entry\":\"x/y\",\"workaround\":\"w\",\"index\":1,\"worked\":true,\"query\":\"q\"}}\n\
             \n[1,2]\n"
        );
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"{\"entry\":\"\xff\"}\n");
        let log = parse("team.jsonl", &bytes);
        assert_eq!(log.records.len(), 3);
        let lines: Vec<usize> = log.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 4, 6, 7, 8, 10, 11]);
        let shown: Vec<String> = log.problems.iter().map(|p| p.to_string()).collect();
        assert!(shown[0].starts_with("team.jsonl:2:1: warning: merge conflict marker `<<<<<<<`"));
        assert!(shown[0].contains("hint: keep the records from both sides"));
        assert!(
            shown[3].contains("missing field `workaround`"),
            "{}",
            shown[3]
        );
        assert!(shown[3].contains("hint: every record needs time, entry"));
        assert!(shown[4].contains("time `yesterday`"), "{}", shown[4]);
        assert!(shown[4].contains("RFC 3339"));
        assert!(shown[6].contains("team.jsonl:11:11: warning: line is not valid UTF-8"));
    }

    #[test]
    fn unknown_fields_are_tolerated_and_host_is_optional() {
        let line = r#"{"time":"2026-11-25T10:32:11.5Z","entry":"a/b","workaround":"w","index":2,"worked":false,"query":"q","team":"sre","score":{"x":1}}"#;
        let log = parse("f", line.as_bytes());
        assert_eq!(log.problems, vec![]);
        let r = &log.records[0];
        assert_eq!((r.index, r.worked, r.host.as_deref()), (2, false, None));
        assert_eq!(r.time_text(), "2026-11-25T10:32:11Z");
    }

    #[test]
    fn long_lines_are_skipped_and_long_queries_shortened_on_append() {
        let mut big = outcome("a/b", "w", true, T0);
        big.query = "x".repeat(MAX_LINE_BYTES + 10);
        let line = format!("{}\n", serde_json::to_string(&big).expect("json"));
        let log = parse("f", line.as_bytes());
        assert!(log.records.is_empty());
        assert!(log.problems[0].message.contains("over the 64 KiB limit"));

        // Control characters escape to six bytes each: still under the limit once written.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("o.jsonl");
        big.query = "\u{1}".repeat(MAX_LINE_BYTES);
        append(&path, &big).expect("shortened, not refused");
        let log = read(&path).expect("reads");
        assert_eq!(log.problems, vec![]);
        let q = &log.records[0].query;
        assert!(
            q.len() <= MAX_QUERY_BYTES && q.ends_with('…'),
            "{}",
            q.len()
        );

        big.query.clear();
        big.workaround = "w".repeat(MAX_LINE_BYTES);
        let err = append(&path, &big).expect_err("a record that cannot fit");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(
            read(&path).expect("reads").records.len(),
            1,
            "nothing written"
        );
    }

    #[test]
    fn an_oversized_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("o.jsonl");
        let f = File::create(&path).expect("create");
        f.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
        let err = read(&path).expect_err("too large");
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("256 MiB"), "{err}");
    }

    #[test]
    fn concurrent_appends_never_mix_lines() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("o.jsonl");
        let threads = 8;
        let each = 150;
        std::thread::scope(|s| {
            for t in 0..threads {
                let path = &path;
                s.spawn(move || {
                    for i in 0..each {
                        let mut o = outcome(&format!("t/{t}"), &format!("w{i}"), i % 3 != 0, T0);
                        // Records of very different sizes, some several pages long.
                        o.query = format!("{t}-{i} ").repeat(1 + (i * 37 % 900));
                        append(path, &o).expect("append");
                    }
                });
            }
        });
        let log = read(&path).expect("reads");
        assert_eq!(log.problems, vec![], "no line was interleaved");
        assert_eq!(log.records.len(), threads * each);
        for t in 0..threads {
            let mine: Vec<_> = log
                .records
                .iter()
                .filter(|r| r.entry == format!("t/{t}"))
                .collect();
            assert_eq!(mine.len(), each);
            for r in mine {
                let i: usize = r.workaround[1..].parse().expect("index");
                assert_eq!(r.query, format!("{t}-{i} ").repeat(1 + (i * 37 % 900)));
            }
        }
    }

    #[test]
    fn tallies_count_by_entry_and_title_with_the_sample_size() {
        let log = Log {
            records: vec![
                outcome("a/b", "Retry", true, T0 + 5),
                outcome("a/b", "Retry", false, T0 + 9),
                outcome("a/b", "Retry", true, T0 + 1),
                outcome("a/b", "Retry", true, T0 + 2),
                outcome("a/b", "Restart", false, T0),
                outcome("c/d", "Retry", true, T0),
            ],
            problems: vec![],
        };
        let t = log.tally("a/b");
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].workaround, "Retry");
        assert_eq!((t[1].worked, t[1].failed, t[1].last), (3, 1, at(T0 + 9)));
        assert_eq!(t[1].summary(), "3 of 4 worked (measured)");
        assert_eq!(t[1].summary_for("team"), "team: 3 of 4 worked (measured)");
        assert_eq!(t[0].summary(), "0 of 1 worked (measured)");
        assert_eq!(log.tallies().len(), 3);
        assert_eq!(log.tally_of("c/d", "Retry").map(|t| t.worked), Some(1));
        assert_eq!(log.tally_of("c/d", "Restart"), None);
    }

    #[test]
    fn the_path_comes_from_the_override_else_the_data_folder() {
        let data = Path::new("/data/errdex");
        assert_eq!(
            outcomes_path(Some(data), None),
            Some(data.join("outcomes.jsonl"))
        );
        assert_eq!(
            outcomes_path(Some(data), Some("team/outcomes.jsonl".into())),
            Some(PathBuf::from("team/outcomes.jsonl"))
        );
        assert_eq!(
            outcomes_path(Some(data), Some(OsString::new())),
            Some(data.join("outcomes.jsonl")),
            "an empty variable counts as unset"
        );
        assert_eq!(outcomes_path(None, None), None);
        let f = OutcomesFile::new(None, Some("x.jsonl".into())).expect("from the variable");
        assert!(f.from_env);
    }

    #[test]
    fn times_outside_rfc3339_are_refused_not_panicked_on() {
        let mut o = outcome("a/b", "w", true, 0);
        o.time = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(o.time_text(), "?");
        let dir = tempfile::tempdir().expect("temp dir");
        let err = append(&dir.path().join("o.jsonl"), &o).expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let now = Outcome::now("a/b", "w", 1, true, "q", host_name());
        let since = now.time.duration_since(UNIX_EPOCH).expect("after 1970");
        assert_eq!(since.subsec_nanos(), 0, "whole seconds, as written");
    }
}
