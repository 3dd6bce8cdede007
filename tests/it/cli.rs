//! search, show, paths, completions, help and exit codes, as a user runs them.

use std::io::Read;
use std::process::Stdio;

use super::{errdex, home, stderr, stdout};

const SEED: &str = "grpc/grpc-connection-reset-by-peer";

#[test]
fn search_json_has_the_promised_fields_and_ranks_the_seed_first() {
    let h = home();
    let line = "2026-11-24T10:32:11Z ERROR rpc error: code = Unavailable desc = error reading from server: read tcp 10.1.2.3:4444->10.2.3.4:50051: read: connection reset by peer";
    let out = errdex(h.path())
        .args(["search", "--json", "--limit", "3", line])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let hits = hits.as_array().expect("an array");
    assert!(!hits.is_empty() && hits.len() <= 3);
    assert_eq!(hits[0]["id"], SEED);
    for key in ["id", "title", "domain", "category", "score"] {
        assert!(hits[0].get(key).is_some(), "hit has `{key}`");
    }
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["score"].as_f64().expect("number"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked best first: {scores:?}"
    );
}

#[test]
fn search_reads_the_query_from_stdin() {
    let h = home();
    let out = errdex(h.path())
        .args(["search", "--json", "-"])
        .write_stdin("some log prefix\n14 UNAVAILABLE: read ECONNRESET\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(hits[0]["id"], SEED);
}

#[test]
fn search_with_no_hit_exits_1() {
    let h = home();
    let out = errdex(h.path())
        .args(["search", "qqqqzzzzxxxx"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

#[test]
fn explain_names_the_signals() {
    let h = home();
    let out = errdex(h.path())
        .args(["search", "--explain", "14 UNAVAILABLE: read ECONNRESET"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(text.contains(SEED), "{text}");
    assert!(
        text.contains("pattern #2"),
        "the seed's second pattern matched: {text}"
    );
}

#[test]
fn bare_query_searches_when_not_on_a_terminal() {
    let h = home();
    let out = errdex(h.path())
        .args(["connection", "reset", "by", "peer"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("connection-reset-by-peer"));
}

#[test]
fn show_prints_every_section() {
    let h = home();
    let out = errdex(h.path())
        .args(["show", SEED])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "Root cause",
        "Version compatibility",
        "gRPC v1.42.0",
        "Workarounds (best first)",
        "1. Retry UNAVAILABLE",
        "(80% success, estimated)",
        "Dead ends",
        "Raise the client deadline or timeout (80% fail, estimated)",
        "fix rate 76% (estimated)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn show_json_uses_the_yaml_field_names() {
    let h = home();
    let out = errdex(h.path())
        .args(["show", "--json", SEED])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["id"], SEED);
    assert_eq!(v["fix_rate"]["value"], 0.76);
    assert_eq!(v["fix_rate"]["basis"], "estimated");
    assert_eq!(v["workarounds"][0]["success_rate"]["value"], 0.8);
    assert_eq!(v["dead_ends"][2]["fail_rate"]["value"], 0.85);
    assert_eq!(v["workarounds"].as_array().map(Vec::len), Some(3));
}

#[test]
fn show_markdown_writes_the_export_format() {
    let h = home();
    let out = errdex(h.path())
        .args(["show", "--markdown", SEED])
        .output()
        .expect("runs");
    let text = stdout(&out);
    assert!(text.starts_with("# UNAVAILABLE: grpc: connection error: connection reset by peer\n"));
    assert!(text.contains("- **Fix Rate:** 76%"));
    assert!(text.contains("| gRPC v1.55.0 | active | — | — |"));
    assert!(text.contains("1. **Retry UNAVAILABLE on the client"));
    assert!(text.contains("(80% success)"));
    assert!(text.contains("- **Restart the client** — "));
}

#[test]
fn show_unknown_id_suggests_near_ones() {
    let h = home();
    let out = errdex(h.path())
        .args(["show", "grpc/grpc-connection-reset-by-per"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("did you mean: grpc/grpc-connection-reset-by-peer"));
}

#[test]
fn usage_errors_exit_2() {
    let h = home();
    let out = errdex(h.path()).args(["show"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = errdex(h.path())
        .args(["import", "--out", "x", "/no/such/path.md"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no such file or folder"));
}

#[test]
fn help_shows_an_example_and_version_prints() {
    let h = home();
    let out = errdex(h.path()).arg("--help").output().expect("runs");
    assert!(stdout(&out).contains("errdex search --json"));
    let out = errdex(h.path()).arg("--version").output().expect("runs");
    assert!(stdout(&out).starts_with("errdex "));
}

#[test]
fn completions_are_printed() {
    let h = home();
    for shell in ["bash", "zsh", "fish"] {
        let out = errdex(h.path())
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("errdex"));
    }
}

#[test]
fn paths_prints_the_data_folder() {
    let h = home();
    let out = errdex(h.path()).arg("paths").output().expect("runs");
    let text = stdout(&out);
    let expected = h.path().join("data/errdex/entries");
    assert!(
        text.contains(&format!("entries: {}", expected.display())),
        "{text}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let h = home();
    let args = ["search", "--json", "--explain", "--limit", "100000", "e"];
    // The output must be larger than any pipe buffer (64 KiB on Linux, up to 1 MiB when
    // raised), or errdex finishes writing before the reader goes away and nothing is tested.
    let whole = errdex(h.path()).args(args).output().expect("runs");
    assert!(
        whole.stdout.len() > 128 * 1024,
        "only {} bytes: too little to fill the pipe",
        whole.stdout.len()
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("errdex"))
        .env("HOME", h.path())
        .env("XDG_DATA_HOME", h.path().join("data"))
        .env("XDG_CONFIG_HOME", h.path().join("config"))
        .env_remove("ERRDEX_PATH")
        .env_remove("ERRDEX_OUTCOMES")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut first = [0u8; 1];
    let mut pipe = child.stdout.take().expect("stdout");
    pipe.read_exact(&mut first).expect("reads a byte");
    drop(pipe);
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn without_a_terminal_a_bare_errdex_says_so_and_a_query_searches() {
    let h = home();
    let out = errdex(h.path()).env("TERM", "dumb").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the explorer needs a terminal"),
        "{}",
        stderr(&out)
    );
    let out = errdex(h.path())
        .env("TERM", "dumb")
        .args(["connection", "reset", "by", "peer"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("connection-reset-by-peer"));
}

/// A mistyped long option is a usage error with clap's suggestion; pasted text that starts
/// with `-` is still a query, and `--` still ends the options.
#[test]
fn mistyped_options_are_usage_errors_and_pasted_dashes_are_queries() {
    let home = tempfile::tempdir().expect("temporary folder");
    let out = errdex(home.path())
        .args(["search", "--jsno", "x"])
        .output()
        .expect("run errdex");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'--jsno'") && stderr.contains("'--json'"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = errdex(home.path())
        .args(["search", "--json", "-bash: kubectl: command not found"])
        .output()
        .expect("run errdex");
    assert_eq!(out.status.code(), Some(0));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(hits[0]["id"], "shell/command-not-found");

    // After `--` the same word is text to search for, not an option.
    let out = errdex(home.path())
        .args(["search", "--json", "--", "--jsno"])
        .output()
        .expect("run errdex");
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).expect("JSON");
}

#[test]
fn man_prints_a_roff_page_with_every_subcommand() {
    let h = home();
    let out = errdex(h.path()).arg("man").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH errdex 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    for sub in ["search", "scan", "lint", "import", "man", "completions"] {
        assert!(page.contains(&format!("errdex\\-{sub}(1)")), "{sub}");
    }
    assert!(
        page.contains("\\-\\-follow"),
        "the follow flag is documented"
    );
    // --out-dir writes the pages the main one refers to.
    let dir = h.path().join("man1");
    let out = errdex(h.path())
        .args(["man", "--out-dir"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scan = std::fs::read_to_string(dir.join("errdex-scan.1")).expect("errdex-scan.1");
    assert!(
        scan.contains(".TH errdex-scan 1") && scan.contains("\\-\\-from\\-start"),
        "{scan}"
    );
    assert!(dir.join("errdex.1").is_file());
}

#[test]
fn follow_without_a_terminal_points_to_scan_follow() {
    let h = home();
    let out = errdex(h.path())
        .args(["--follow", "app.log"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("errdex scan --follow"),
        "{}",
        stderr(&out)
    );
}
