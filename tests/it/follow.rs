//! `errdex scan --follow`: a running process that reports known errors as a log grows.

use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use super::{errdex_process as command, home};

const REFUSED: &str =
    "2026-12-06T10:00:01Z ERROR dial tcp 10.0.0.5:8443: connect: connection refused\n";
const TOO_MANY: &str = "2026-12-06T10:00:02Z FATAL:  sorry, too many clients already\n";
const OOM: &str = "(error) OOM command not allowed when used memory > 'maxmemory'.\n";
/// The bar: a known error is reported within a second of being written.
const WITHIN: Duration = Duration::from_secs(1);

/// A running `scan --follow`, its stdout read line by line on a thread.
struct Follower {
    child: Child,
    lines: Receiver<String>,
    errors: Receiver<String>,
}

impl Follower {
    fn start(home: &Path, args: &[&str], stdin: Stdio) -> Follower {
        let mut child = command(home)
            .args(["scan", "--follow"])
            .args(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("errdex starts");
        let out: ChildStdout = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        Follower {
            child,
            lines: line_reader(out),
            errors: line_reader(err),
        }
    }

    /// Wait until stderr says `text` (the follower has opened the file and reached its end,
    /// so what is appended from now on is new).
    fn wait_stderr(&self, text: &str) {
        let limit = Duration::from_secs(20);
        let started = Instant::now();
        while let Some(left) = limit.checked_sub(started.elapsed()) {
            match self.errors.recv_timeout(left) {
                Ok(line) if line.contains(text) => return,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("stderr never said {text:?}");
    }

    /// The next JSON event, waiting at most `limit`.
    fn event(&self, limit: Duration) -> Option<serde_json::Value> {
        let line = self.lines.recv_timeout(limit).ok()?;
        Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
    }

    /// Wait (at most `limit`) for an event of kind `kind` for entry `id`; the events
    /// skipped on the way are returned too.
    fn wait_for(&self, kind: &str, id: &str, limit: Duration) -> (serde_json::Value, Duration) {
        let started = Instant::now();
        let mut seen = Vec::new();
        while let Some(left) = limit.checked_sub(started.elapsed()) {
            match self.event(left) {
                Some(ev) if ev["event"] == kind && ev["id"] == id => {
                    return (ev, started.elapsed());
                }
                Some(ev) => seen.push(ev),
                None => break,
            }
        }
        panic!("no {kind} event for {id} within {limit:?}; saw {seen:?}");
    }

    /// Nothing more is printed for `quiet`.
    fn assert_quiet(&self, quiet: Duration) {
        if let Ok(line) = self.lines.recv_timeout(quiet) {
            panic!("unexpected output: {line}");
        }
    }

    /// Send `signal`, then collect the rest of stdout and the exit status.
    fn stop(mut self, signal: i32) -> (Vec<String>, Option<i32>, String) {
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        unsafe {
            libc::kill(self.child.id() as i32, signal);
        }
        let status = wait_at_most(&mut self.child, Duration::from_secs(10));
        let rest: Vec<String> = self.lines.try_iter().collect();
        let err: Vec<String> = self.errors.try_iter().collect();
        (rest, status, err.join("\n"))
    }
}

fn line_reader(from: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_at_most(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            // Give the reader thread a moment to see the last lines.
            thread::sleep(Duration::from_millis(100));
            return status.code();
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("errdex did not exit within {limit:?} of the signal");
}

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open the log");
    f.write_all(text.as_bytes()).expect("append");
}

#[test]
fn follows_a_file_from_its_end_and_reports_each_new_error_within_a_second() {
    let h = home();
    let log = h.path().join("app.log");
    fs::write(&log, format!("INFO old\n{REFUSED}INFO old\n")).expect("write");
    let f = Follower::start(
        h.path(),
        &["--json", log.to_str().expect("utf-8")],
        Stdio::null(),
    );
    f.wait_stderr("following from line 4");
    // What was there before is not reported.
    f.assert_quiet(Duration::from_millis(300));
    append(&log, "INFO fine\n");
    append(&log, TOO_MANY);
    let (ev, took) = f.wait_for("new", "postgres/too-many-clients", WITHIN * 3);
    assert!(took < WITHIN, "reported after {took:?}");
    // Line numbers count from the top of the file, not from where following began.
    assert_eq!(ev["line"], 5, "{ev}");
    assert_eq!(ev["count"], 1);
    assert_eq!(ev["file"], log.to_str().expect("utf-8"));
    assert!(
        ev["sample"]
            .as_str()
            .is_some_and(|s| s.contains("too many clients"))
    );
    for key in ["id", "title", "count", "line", "sample", "file", "time"] {
        assert!(ev.get(key).is_some(), "{key} missing in {ev}");
    }
    // A second sighting is a count, not a new finding.
    append(&log, TOO_MANY);
    let (ev, _) = f.wait_for("count", "postgres/too-many-clients", WITHIN * 3);
    assert_eq!(
        (ev["count"].as_u64(), ev["line"].as_u64()),
        (Some(2), Some(6))
    );
    let (rest, status, _) = f.stop(libc::SIGINT);
    assert_eq!(status, Some(0), "SIGINT ends it cleanly");
    let totals: Vec<serde_json::Value> = rest
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["event"] == "total")
        .collect();
    assert_eq!(totals.len(), 1, "{rest:?}");
    assert_eq!(totals[0]["count"], 2);
}

#[test]
fn keeps_following_after_copytruncate_and_after_rename_rotation() {
    let h = home();
    let log = h.path().join("app.log");
    fs::write(&log, "INFO start\n").expect("write");
    let f = Follower::start(
        h.path(),
        &["--json", log.to_str().expect("utf-8")],
        Stdio::null(),
    );
    f.wait_stderr("following from line 2");
    append(&log, REFUSED);
    f.wait_for("new", "tcp/connection-refused", WITHIN * 3);

    // copytruncate: the same file, emptied, then written again from the start.
    OpenOptions::new()
        .write(true)
        .open(&log)
        .and_then(|f| f.set_len(0))
        .expect("truncate");
    thread::sleep(Duration::from_millis(400));
    append(&log, TOO_MANY);
    let (ev, took) = f.wait_for("new", "postgres/too-many-clients", WITHIN * 3);
    assert!(took < WITHIN, "after truncation, reported after {took:?}");
    assert_eq!(ev["line"], 1, "read from the start again: {ev}");

    // Rename rotation: the old file moves away, a new one takes its name. Lines written to
    // the old file before the new one appears are still read.
    let old = h.path().join("app.log.1");
    fs::rename(&log, &old).expect("rotate");
    append(&old, REFUSED);
    thread::sleep(Duration::from_millis(300));
    fs::write(&log, format!("INFO new file\n{OOM}")).expect("new file");
    let (ev, took) = f.wait_for("new", "redis/oom-command-not-allowed", WITHIN * 3);
    assert!(took < WITHIN, "after rotation, reported after {took:?}");
    assert_eq!(ev["line"], 2, "the new file from its start: {ev}");
    let (rest, status, err) = f.stop(libc::SIGTERM);
    assert_eq!(status, Some(0), "SIGTERM ends it cleanly; {err}");
    let total = |id: &str| {
        rest.iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["event"] == "total" && v["id"] == id)
            .and_then(|v| v["count"].as_u64())
    };
    assert_eq!(total("tcp/connection-refused"), Some(2), "{rest:?}");
    assert!(err.contains("truncated"), "{err}");
    assert!(err.contains("rotated") || err.contains("removed"), "{err}");
}

#[test]
fn follows_stdin_while_it_is_still_open_and_prints_totals_on_sigint() {
    let h = home();
    let mut f = Follower::start(h.path(), &[], Stdio::piped());
    let mut input = f.child.stdin.take().expect("stdin");
    input
        .write_all(format!("hello\n{REFUSED}").as_bytes())
        .expect("write");
    input.flush().expect("flush");
    // Human output: the finding is printed while stdin stays open.
    let started = Instant::now();
    let first = f.lines.recv_timeout(WITHIN * 5).expect("a line");
    assert!(
        first.contains("new") && first.contains("tcp/connection-refused") && first.contains("-:2"),
        "{first}"
    );
    assert!(started.elapsed() < WITHIN * 5);
    input.write_all(REFUSED.as_bytes()).expect("write");
    input.flush().expect("flush");
    thread::sleep(Duration::from_millis(1500));
    let (rest, status, _) = f.stop(libc::SIGINT);
    drop(input);
    assert_eq!(status, Some(0));
    let text = rest.join("\n");
    assert!(text.contains("3 lines read"), "{text}");
    assert!(text.contains("2×  2-3  tcp/connection-refused"), "{text}");
}

#[test]
fn a_closed_stdin_ends_following_with_the_totals() {
    let h = home();
    let out = command(h.path())
        .args(["scan", "--follow", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            let mut i = c.stdin.take().expect("stdin");
            i.write_all(format!("{TOO_MANY}x\n{TOO_MANY}").as_bytes())?;
            drop(i);
            c.wait_with_output()
        })
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON Lines"))
        .collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    // Both sightings came in one read: one new event with both counted, then the total.
    assert_eq!(kinds, ["new", "total"], "{events:?}");
    assert_eq!(events[1]["count"], 2);
    assert_eq!(events[0]["file"], "-");
}

#[test]
fn a_missing_file_is_waited_for() {
    let h = home();
    let log = h.path().join("later.log");
    let f = Follower::start(
        h.path(),
        &["--json", log.to_str().expect("utf-8")],
        Stdio::null(),
    );
    f.wait_stderr("waiting for it to appear");
    fs::write(&log, OOM).expect("write");
    // A file that appears after the start is new: read from its first line.
    let (ev, _) = f.wait_for("new", "redis/oom-command-not-allowed", WITHIN * 3);
    assert_eq!(ev["line"], 1);
    let (_, status, err) = f.stop(libc::SIGINT);
    assert_eq!(status, Some(0));
    assert!(err.contains("appeared"), "{err}");
}

/// Stream `total` bytes through `scan --follow --json -`: the peak of errdex's own memory
/// (MiB), its exit status and what it printed. Mostly ordinary lines, one known error in a
/// hundred, ids that differ on every line, and (past 512 MiB) one line of 1 MiB with no
/// newline for a while.
fn follow_peak(total: usize) -> (f64, Option<i32>, String) {
    let h = home();
    let mut child = command(h.path())
        .args(["scan", "--follow", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut input = child.stdin.take().expect("stdin");
    let mut out = child.stdout.take().expect("stdout");
    let reader = thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let mut block = Vec::with_capacity(1 << 20);
    let mut n = 0u64;
    while block.len() < (1 << 20) - 200 {
        n += 1;
        if n % 100 == 0 {
            block.extend_from_slice(REFUSED.as_bytes());
        } else {
            writeln!(
                block,
                "2026-12-06T10:00:00Z INFO req={n:08x} path=/api/v1/items status=200"
            )
            .expect("write");
        }
    }
    let long = vec![b'x'; 1 << 20];
    let mut written = 0;
    while written < total {
        let chunk: &[u8] = if written == 512 << 20 { &long } else { &block };
        input.write_all(chunk).expect("errdex keeps reading");
        written += chunk.len();
    }
    // The peak of errdex's own address space (VmHWM), read while it still runs: wait4's
    // ru_maxrss would also count the test process, whose memory the child shared until exec.
    // Stdin is still open, so errdex has read all of it but not exited.
    thread::sleep(Duration::from_millis(300));
    let status = fs::read_to_string(format!("/proc/{}/status", child.id())).expect("status");
    let hwm_kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    drop(input);
    let code = wait_at_most(&mut child, Duration::from_secs(60));
    (hwm_kib / 1024.0, code, reader.join().expect("reader"))
}

/// The memory bar: an endless stream keeps counts and samples, never the log. The
/// whole process stays under 64 MB (start-up included: the corpus and the scan matchers,
/// whose automata are bounded caches, not sized by the corpus), and what a gigabyte adds over
/// a few megabytes through the same command stays small.
#[test]
fn a_gigabyte_through_follow_stdin_stays_under_64_mb() {
    const BAR_MIB: f64 = 64e6 / (1024.0 * 1024.0);
    let (base_mib, code, _) = follow_peak(4 << 20);
    assert_eq!(code, Some(0));
    let (peak_mib, code, events) = follow_peak(1 << 30);
    assert_eq!(code, Some(0));
    eprintln!(
        "peak RSS through scan --follow -: {base_mib:.1} MiB after 4 MiB, {peak_mib:.1} MiB after 1 GiB"
    );
    assert!(
        peak_mib < BAR_MIB,
        "peak {peak_mib:.1} MiB after 1 GiB, over the 64 MB bar ({base_mib:.1} MiB after 4 MiB)"
    );
    assert!(
        peak_mib - base_mib < 16.0,
        "a gigabyte added {:.1} MiB (peak {peak_mib:.1}, {base_mib:.1} after 4 MiB)",
        peak_mib - base_mib
    );
    let total = events
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["event"] == "total" && v["id"] == "tcp/connection-refused")
        .expect("a total");
    assert!(
        total["count"].as_u64().is_some_and(|c| c > 100_000),
        "{total}"
    );
}
