//! `errdex scan` as a user runs it.

use std::fs;

use super::{errdex, home, stderr, stdout};

const LOG: &[u8] = b"2026-11-24T10:00:00Z INFO started\n\
2026-11-24T10:00:01Z ERROR dial tcp 10.0.0.5:8443: connect: connection refused\n\
\xff\xfe\xfd not text at all\n\
FATAL:  sorry, too many clients already\n\
2026-11-24T10:00:03Z ERROR dial tcp 10.0.0.5:8443: connect: connection refused\n";

#[test]
fn scan_reports_findings_from_stdin_as_json() {
    let h = home();
    let out = errdex(h.path())
        .args(["scan", "--json"])
        .write_stdin(LOG)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let all = v.as_array().expect("array");
    let refused = all
        .iter()
        .find(|f| f["id"] == "tcp/connection-refused")
        .expect("connection refused found");
    assert_eq!(refused["count"], 2);
    assert_eq!(refused["first_line"], 2);
    assert_eq!(refused["last_line"], 5);
    assert_eq!(refused["file"], "-");
    assert!(
        refused["sample"]
            .as_str()
            .is_some_and(|s| s.contains("connect: connection refused"))
    );
    for key in ["id", "title", "count", "first_line", "last_line", "sample"] {
        assert!(refused.get(key).is_some(), "{key}");
    }
    assert!(
        all.iter()
            .any(|f| f["id"] == "postgres/too-many-clients" && f["first_line"] == 4)
    );
}

#[test]
fn scan_prints_a_summary_and_exits_1_when_nothing_is_known() {
    let h = home();
    let file = h.path().join("app.log");
    fs::write(&file, LOG).expect("write");
    let out = errdex(h.path())
        .arg("scan")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("2 known errors on 3 lines:"), "{text}");
    assert!(text.contains("2×  2-5  tcp/connection-refused"), "{text}");
    let out = errdex(h.path())
        .arg("scan")
        .write_stdin("all good\nnothing to see\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "no known errors found\n");
}

#[test]
fn a_missing_file_is_an_error_but_the_others_are_still_scanned() {
    let h = home();
    let file = h.path().join("app.log");
    fs::write(&file, LOG).expect("write");
    let out = errdex(h.path())
        .args(["scan", "--json", "/no/such/file.log"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/no/such/file.log"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(!v.as_array().expect("array").is_empty());
}

#[test]
fn a_very_long_line_is_scanned_in_bounded_pieces() {
    let h = home();
    let mut log = vec![b'x'; 3 * 1024 * 1024];
    log.extend_from_slice(b" FATAL:  sorry, too many clients already\nnext line\n");
    let out = errdex(h.path())
        .args(["scan", "--json"])
        .write_stdin(log)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let f = &v.as_array().expect("array")[0];
    assert_eq!(f["id"], "postgres/too-many-clients");
    assert_eq!(
        (f["first_line"].as_u64(), f["count"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        f["sample"]
            .as_str()
            .is_some_and(|s| s.chars().count() <= 401)
    );
}

#[test]
fn scan_finds_an_error_that_crosses_a_64_kib_piece_boundary() {
    // The audit's case: the error starts 65,500 bytes into a line.
    let h = home();
    let mut log = vec![b'x'; 65_500];
    log.extend_from_slice(b" FATAL:  sorry, too many clients already\n");
    let out = errdex(h.path())
        .args(["scan", "--json"])
        .write_stdin(log)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .any(|f| f["id"] == "postgres/too-many-clients"),
        "{v}"
    );
}

/// `scan --help` says that only exact (pattern) findings are reported.
#[test]
fn scan_help_says_it_reports_exact_findings_only() {
    let home = super::home();
    let out = super::errdex(home.path())
        .args(["scan", "--help"])
        .output()
        .expect("run errdex");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Only exact findings are reported"), "{text}");
}
