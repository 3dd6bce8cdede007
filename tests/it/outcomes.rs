//! `errdex outcomes`: the record of what worked, read by the real binary from the file
//! that `ERRDEX_OUTCOMES` names.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use errdex::kb::outcomes::{self, Outcome};

use super::{errdex, home, stderr, stdout};

const RESET: &str = "grpc/grpc-connection-reset-by-peer";
const X509: &str = "tls/x509-certificate-signed-by-unknown-authority";
const RETRY: &str = "Retry UNAVAILABLE on the client with a service-config retry policy";

/// 2026-11-25T10:32:11Z plus `minutes`.
fn record(entry: &str, workaround: &str, worked: bool, minutes: u64) -> Outcome {
    Outcome {
        time: UNIX_EPOCH + Duration::from_secs(1_795_602_731 + minutes * 60),
        entry: entry.into(),
        workaround: workaround.into(),
        index: 1,
        worked,
        query: "rpc error: code = Unavailable\nconnection reset by peer".into(),
        host: None,
    }
}

/// A team file with three records written out of time order, then a torn last line.
fn team_file(dir: &Path) -> PathBuf {
    let path = dir.join("team/outcomes.jsonl");
    let mut late = record(RESET, RETRY, false, 60);
    late.host = Some("ci-runner-3".into());
    for r in [
        record(RESET, RETRY, true, 10),
        late,
        record(X509, "Install the corporate CA in the image", true, 0),
    ] {
        outcomes::append(&path, &r).expect("append");
    }
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str(r#"{"time":"2026-11-25T12:00:00Z","entry":"grpc/grpc-conn"#);
    std::fs::write(&path, text).expect("tear the last line");
    path
}

fn lines_with(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

#[test]
fn a_missing_file_says_so_and_exits_1() {
    let h = home();
    let path = h.path().join("nothing/here.jsonl");
    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("no outcomes recorded yet"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");

    let out = errdex(h.path())
        .args(["outcomes", "--json"])
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v, serde_json::json!([]));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(!path.exists(), "reading never creates the file");
}

#[test]
fn an_empty_file_has_no_records_and_exits_1() {
    let h = home();
    let path = h.path().join("o.jsonl");
    std::fs::write(&path, "").expect("write");
    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("no outcomes recorded"), "{text}");
    assert!(text.contains("0 records in"), "{text}");
}

#[test]
fn records_are_listed_oldest_first_with_tallies_and_the_torn_line_is_named() {
    let h = home();
    let path = team_file(h.path());
    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().take(3).collect();
    assert!(
        rows[0].starts_with("2026-11-25T10:32:11Z  +  tls/"),
        "{text}"
    );
    assert!(
        rows[1].starts_with("2026-11-25T10:42:11Z  +  grpc/"),
        "{text}"
    );
    assert!(
        rows[2].starts_with("2026-11-25T11:32:11Z  -  grpc/"),
        "{text}"
    );
    assert!(rows[2].ends_with("[ci-runner-3]"), "host shown: {text}");
    assert!(
        text.contains(&format!("{RESET} — {RETRY}: 1 of 2 worked (measured)")),
        "{text}"
    );
    assert!(text.contains("Install the corporate CA in the image: 1 of 1 worked (measured)"));
    assert!(
        text.contains(&format!("3 records in {}", path.display())),
        "{text}"
    );
    assert!(text.contains("from ERRDEX_OUTCOMES"), "{text}");

    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:4:", path.display())),
        "names file:line: {err}"
    );
    assert!(err.contains("warning: incomplete last line"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn json_is_an_array_of_the_records_oldest_first() {
    let h = home();
    let path = team_file(h.path());
    let out = errdex(h.path())
        .args(["outcomes", "--json"])
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 3);
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r["time"].as_str().expect("time"))
        .collect();
    assert_eq!(
        times,
        [
            "2026-11-25T10:32:11Z",
            "2026-11-25T10:42:11Z",
            "2026-11-25T11:32:11Z"
        ]
    );
    assert_eq!(rows[2]["worked"], false);
    assert_eq!(rows[2]["host"], "ci-runner-3");
    assert!(rows[1].get("host").is_none(), "no host, no field");
    assert_eq!(
        rows[1]["query"],
        "rpc error: code = Unavailable\nconnection reset by peer"
    );
    assert!(stderr(&out).contains(":4:"), "problems still on stderr");
}

#[test]
fn entry_filters_the_records_and_the_tallies() {
    let h = home();
    let path = team_file(h.path());
    let out = errdex(h.path())
        .args(["outcomes", "--entry", X509])
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(lines_with(&text, X509), 2, "one row, one tally: {text}");
    assert_eq!(lines_with(&text, RESET), 0, "{text}");
    assert!(text.contains("1 record in"), "{text}");

    let out = errdex(h.path())
        .args(["outcomes", "--json", "--entry", RESET])
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["entry"] == RESET));

    let out = errdex(h.path())
        .args(["outcomes", "--entry", "dns/never-recorded"])
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no outcomes recorded for dns/never-recorded"));
}

#[test]
fn control_characters_from_the_file_never_reach_the_terminal() {
    let h = home();
    let path = h.path().join("o.jsonl");
    let mut evil = record(
        "a/\u{1b}]0;owned\u{7}",
        "Retry\u{1b}[2J\u{202e}now",
        true,
        0,
    );
    evil.host = Some("box\r\u{9b}31m".into());
    outcomes::append(&path, &evil).expect("append");
    // A bad line whose error message quotes its text, escapes and all.
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str(
        r#"{"time":"\u001b[31myesterday","entry":"a/b","workaround":"w","index":1,"worked":true,"query":"q"}"#,
    );
    text.push('\n');
    std::fs::write(&path, text).expect("write");

    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let shown = stdout(&out);
    let err = stderr(&out);
    for (name, s) in [("stdout", &shown), ("stderr", &err)] {
        assert!(
            !s.chars().any(|c| c == '\u{1b}'
                || c == '\u{7}'
                || c == '\r'
                || c == '\u{9b}'
                || c == '\u{202e}'),
            "{name} carries a raw control character: {s:?}"
        );
    }
    assert!(shown.contains(r"a/\x1b]0;owned\x07"), "{shown}");
    assert!(shown.contains(r"Retry\x1b[2J\u{202e}now"), "{shown}");
    assert!(shown.contains(r"[box\r\x9b31m]"), "{shown}");
    assert!(err.contains(r"time `\x1b[31myesterday`"), "{err}");
    assert!(err.contains(":2:"), "{err}");
}

#[test]
fn the_default_file_is_in_the_data_folder_and_paths_names_it() {
    let h = home();
    let path = h.path().join("data/errdex/outcomes.jsonl");
    outcomes::append(&path, &record(RESET, RETRY, true, 0)).expect("append");
    let out = errdex(h.path())
        .arg("outcomes")
        .env_remove("ERRDEX_OUTCOMES")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("1 record in {}\n", path.display())),
        "{text}"
    );

    let out = errdex(h.path())
        .arg("paths")
        .env_remove("ERRDEX_OUTCOMES")
        .output()
        .expect("runs");
    assert!(
        stdout(&out).contains(&format!("outcomes: {}\n", path.display())),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_unreadable_file_is_an_error_that_names_it() {
    let h = home();
    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", h.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("errdex: {}:", h.path().display())),
        "{err}"
    );
}

/// The audit's attack: the team's outcomes file committed as a link to a shell start-up file.
#[cfg(unix)]
#[test]
fn a_linked_outcomes_file_is_never_appended_to_or_read() {
    let h = home();
    let victim = h.path().join(".bashrc");
    std::fs::write(&victim, "# my shell\n").expect("victim");
    let link = h.path().join("team/outcomes.jsonl");
    std::fs::create_dir_all(link.parent().expect("parent")).expect("team");
    std::os::unix::fs::symlink(&victim, &link).expect("plant");
    let mut r = record(RESET, "Let it cool $(touch ~/PWNED)", true, 0);
    r.query = "x".into();
    let e = outcomes::append(&link, &r).expect_err("a link is refused");
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "# my shell\n"
    );
    let out = errdex(h.path())
        .arg("outcomes")
        .env("ERRDEX_OUTCOMES", &link)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&link.display().to_string()), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
}

/// A FIFO or a device never hangs `errdex outcomes` nor makes it read without end.
#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_the_outcomes_file_is_refused_at_once() {
    let h = home();
    let fifo = h.path().join("outcomes.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = errdex(h.path())
            .arg("outcomes")
            .env("ERRDEX_OUTCOMES", path)
            .timeout(Duration::from_secs(20))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
}
