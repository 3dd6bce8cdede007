//! The real binary in a real terminal: tmux, detached, fixed size, default settings.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::home;

struct Tmux {
    socket: String,
}

impl Tmux {
    /// A tmux server of our own running `command` in a 120x40 window, or None when tmux is
    /// not installed (CI installs it; the test says so when it skips).
    fn start(command: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed");
            return None;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let t = Tmux {
            socket: format!("errdex-e2e-{}-{nanos}", std::process::id()),
        };
        let ok = t
            .cmd(&["new-session", "-d", "-x", "120", "-y", "40", command])
            .status
            .success();
        assert!(ok, "tmux starts");
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p"]).stdout).into_owned()
    }

    /// Wait until the screen satisfies `want`, or fail with the last screen.
    fn wait_for(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if want(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn launch(home: &Path, tail: &str) -> String {
    launch_with(home, "", "", tail)
}

/// A shell command line running `{before}errdex {args}` with a clean environment, then `tail`.
fn launch_with(home: &Path, before: &str, args: &str, tail: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    format!(
        "env -u ERRDEX_PATH HOME={h} XDG_DATA_HOME={h}/data TERM=xterm-256color sh -c '{before}{} {args}; {tail}'",
        bin.display(),
        h = home.display()
    )
}

#[test]
fn type_a_query_see_the_panes_and_copy_the_snippet() {
    let h = home();
    let Some(t) = Tmux::start(&launch(h.path(), "sleep 30")) else {
        return;
    };
    t.wait_for("the query line", |s| s.contains("❯"));
    t.cmd(&[
        "send-keys",
        "-l",
        "UNAVAILABLE grpc connection reset by peer",
    ]);
    // A capture can land in the middle of a frame being written; wait for a whole one.
    let panes = [
        "Root cause",
        "Version compatibility",
        "Workarounds (3)",
        "Dead ends (3)",
    ];
    let screen = t.wait_for("the seed entry with its panes", |s| {
        s.contains("grpc/grpc-connection-reset-by-peer") && panes.iter().all(|p| s.contains(p))
    });
    assert!(screen.contains("Related ("), "{screen}");
    t.cmd(&["send-keys", "C-y"]);
    t.wait_for("the copy toast", |s| s.contains("via tmux + OSC 52"));
    let buffer = String::from_utf8_lossy(&t.cmd(&["show-buffer"]).stdout).into_owned();
    let entry = errdex::kb::yaml::parse_entry(include_str!(
        "../../entries/grpc/grpc-connection-reset-by-peer.yaml"
    ))
    .expect("the seed parses");
    let code = &entry.workarounds[0].snippet.as_ref().expect("snippet").code;
    assert_eq!(buffer, errdex::tui::clipboard::prepare(code));
    assert_eq!(
        buffer,
        code.trim_end_matches('\n'),
        "the seed's snippet needs no cleaning"
    );
    t.cmd(&["send-keys", "C-c"]);
    t.wait_for("the shell after quitting", |s| !s.contains("❯"));
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("TERM", 143);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("HUP", 129);
}

fn signal_restores_the_terminal(signal: &str, code: i32) {
    let h = home();
    let tail = "echo exit=$?; stty -a | tr \" ;\" \"\\n\\n\" | grep -x -e icanon -e echo; echo end-of-check; sleep 30";
    let Some(t) = Tmux::start(&launch(h.path(), tail)) else {
        return;
    };
    t.wait_for("the explorer", |s| s.contains("❯"));
    // The pane runs `env … sh -c 'errdex; …'`; env execs sh, so errdex is the pane's child.
    let pane_pid = String::from_utf8_lossy(&t.cmd(&["display", "-p", "#{pane_pid}"]).stdout)
        .trim()
        .to_string();
    let out = Command::new("pgrep")
        .args(["-P", &pane_pid, "-x", "errdex"])
        .output()
        .expect("pgrep");
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "errdex runs under the pane's shell");
    Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .expect("kill");
    let screen = t.wait_for("the shell after the signal", |s| s.contains("end-of-check"));
    assert!(
        screen.contains(&format!("exit={code}")),
        "128 + SIG{signal}:\n{screen}"
    );
    assert!(
        screen.lines().any(|l| l.trim() == "icanon"),
        "canonical mode is back:\n{screen}"
    );
    assert!(
        screen.lines().any(|l| l.trim() == "echo"),
        "echo is back:\n{screen}"
    );
    assert!(
        !screen.contains("Workarounds"),
        "the alternate screen is gone:\n{screen}"
    );
}

#[test]
fn ctrl_z_suspends_and_fg_redraws_at_once() {
    let h = home();
    let Some(t) = Tmux::start("env PS1='$ ' bash --norc --noprofile") else {
        return;
    };
    t.wait_for("the shell", |s| s.contains('$'));
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    let run = format!(
        "HOME={h} XDG_DATA_HOME={h}/data {} grpc",
        bin.display(),
        h = h.path().display()
    );
    t.cmd(&["send-keys", "-l", &run]);
    t.cmd(&["send-keys", "Enter"]);
    t.wait_for("the explorer", |s| s.contains("❯ grpc"));
    t.cmd(&["send-keys", "C-z"]);
    t.wait_for("the shell after Ctrl-Z", |s| s.contains("Stopped"));
    t.cmd(&["send-keys", "-l", "fg"]);
    t.cmd(&["send-keys", "Enter"]);
    // Before the fix, the first frame after `fg` waited for a key press.
    t.wait_for("the explorer again, without a key press", |s| {
        s.contains("❯ grpc")
    });
    t.cmd(&["send-keys", "C-c"]);
}

#[test]
fn resize_storms_and_a_1x1_window_are_survived() {
    let h = home();
    let Some(t) = Tmux::start(&launch(h.path(), "echo exit=$?; sleep 30")) else {
        return;
    };
    t.wait_for("the explorer", |s| s.contains("❯"));
    t.cmd(&["send-keys", "-l", "reset"]);
    for i in 0..30 {
        let (w, hgt) = if i % 3 == 0 {
            ("1", "1")
        } else if i % 3 == 1 {
            ("61", "16")
        } else {
            ("200", "60")
        };
        t.cmd(&["resize-window", "-x", w, "-y", hgt]);
    }
    t.cmd(&["resize-window", "-x", "50", "-y", "10"]);
    t.wait_for("the too-small message", |s| {
        s.contains("terminal too small")
    });
    t.cmd(&["resize-window", "-x", "120", "-y", "40"]);
    let screen = t.wait_for("the explorer at full size", |s| {
        s.contains("❯ reset") && s.contains("Workarounds")
    });
    assert!(!screen.contains("exit="), "still running:\n{screen}");
    t.cmd(&["send-keys", "C-c"]);
    t.wait_for("a clean exit", |s| s.contains("exit=0"));
}

#[test]
fn piped_text_becomes_the_query() {
    let h = home();
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data sh -c 'printf \"%s\" \"14 UNAVAILABLE: read ECONNRESET\" | {} ; sleep 30'",
        bin.display(),
        h = h.path().display()
    );
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    t.wait_for("the explorer with the piped query", |s| {
        s.contains("❯ 14 UNAVAILABLE: read ECONNRESET")
            && s.contains("grpc/grpc-connection-reset-by-peer")
            && s.contains("Workarounds")
    });
    t.cmd(&["send-keys", "C-c"]);
}

#[test]
fn an_escape_sequence_in_an_entry_is_shown_escaped_on_a_real_terminal() {
    let h = home();
    let dir = h.path().join("hostile");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("evil.yaml"),
        "id: h/evil\ntitle: \"evil \\e[2J\\e[31mred \\e]52;c;ZXZpbA==\\a done\"\ndomain: h\ncategory: c\nverification: authored\nroot_cause: \"cause \\e[5m blink\"\n",
    )
    .expect("write");
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    let cmd = format!(
        "env HOME={h} XDG_DATA_HOME={h}/data {} --no-bundled --entries {} evil; sleep 30",
        bin.display(),
        dir.display(),
        h = h.path().display()
    );
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    let screen = t.wait_for("the hostile entry", |s| s.contains("h/evil"));
    assert!(
        screen.contains(r"evil \x1b[2J\x1b[31mred \x1b]52;c;ZXZpbA==\x07 done"),
        "{screen}"
    );
    assert!(screen.contains(r"cause \x1b[5m blink"), "{screen}");
    // Nothing was interpreted: the screen was not cleared and the tmux buffer is untouched.
    assert!(screen.contains("❯ evil"), "{screen}");
    let buffers = String::from_utf8_lossy(&t.cmd(&["list-buffers"]).stdout).into_owned();
    assert!(
        !buffers.contains("evil"),
        "no OSC 52 reached the terminal: {buffers}"
    );
    t.cmd(&["send-keys", "C-c"]);
}

#[test]
fn e_edits_a_bundled_entry_in_the_editor_and_the_explorer_reloads_it() {
    let h = home();
    // An "editor" that changes the title, and records that it ran with the terminal.
    let editor = h.path().join("edit.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/^title: .*/title: edited by the e2e editor/' \"$1\"\n\
         [ -t 0 ] && echo tty > \"$1.ran\"\n",
    )
    .expect("script");
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    let cmd = format!(
        "env -u ERRDEX_PATH -u VISUAL HOME={h} XDG_DATA_HOME={h}/data EDITOR='sh {e}' \
         TERM=xterm-256color sh -c '{b} UNAVAILABLE grpc connection reset; echo exit=$?; sleep 30'",
        h = h.path().display(),
        e = editor.display(),
        b = bin.display()
    );
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    t.wait_for("the seed entry", |s| {
        s.contains("grpc/grpc-connection-reset-by-peer")
    });
    t.cmd(&["send-keys", "Enter"]);
    t.cmd(&["send-keys", "e"]);
    let screen = t.wait_for("the reloaded entry", |s| {
        s.contains("edited by the e2e editor") && s.contains("checked and reloaded")
    });
    assert!(screen.contains("no problems"), "{screen}");
    let copy = h
        .path()
        .join("data/errdex/entries/grpc/grpc-connection-reset-by-peer.yaml");
    let text = std::fs::read_to_string(&copy).expect("the editable copy");
    assert!(text.contains("title: edited by the e2e editor"), "{text}");
    let ran = copy.with_extension("yaml.ran");
    assert_eq!(
        std::fs::read_to_string(ran).expect("the editor ran").trim(),
        "tty",
        "the editor must get the terminal"
    );
    t.cmd(&["send-keys", "C-c"]);
    t.wait_for("a clean exit", |s| s.contains("exit=0"));
}

#[test]
fn m_puts_the_masked_markdown_in_tmux_and_plus_records_an_outcome() {
    let h = home();
    let outcomes = h.path().join("team-outcomes.jsonl");
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    let cmd = format!(
        "env -u ERRDEX_PATH HOME={h} XDG_DATA_HOME={h}/data ERRDEX_OUTCOMES={o} \
         TERM=xterm-256color sh -c '{b}; sleep 30'",
        h = h.path().display(),
        o = outcomes.display(),
        b = bin.display()
    );
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    t.wait_for("the query line", |s| s.contains("❯"));
    t.cmd(&[
        "send-keys",
        "-l",
        "E1124 10:32:11.004512 1 client.go:88] rpc error: code = Unavailable desc = \
         connection reset by peer 10.42.7.19:50051",
    ]);
    t.wait_for("the seed entry", |s| {
        s.contains("grpc/grpc-connection-reset-by-peer")
    });
    t.cmd(&["send-keys", "Enter"]);
    t.cmd(&["send-keys", "M"]);
    t.wait_for("the copy toast", |s| s.contains("via tmux"));
    let buffer = String::from_utf8_lossy(&t.cmd(&["show-buffer"]).stdout).into_owned();
    assert!(
        buffer.starts_with(
            "**Seen:** `rpc error: code = Unavailable desc = connection reset by peer <ip>:50051`"
        ),
        "{buffer}"
    );
    assert!(!buffer.contains("10.42.7.19"), "{buffer}");
    assert!(buffer.contains("## Workarounds"), "{buffer}");
    t.cmd(&["send-keys", "+"]);
    t.wait_for("the recorded toast", |s| s.contains("1 of 1 worked"));
    let log = errdex::kb::outcomes::read(&outcomes).expect("the outcomes file");
    assert_eq!(log.records.len(), 1);
    assert_eq!(log.records[0].entry, "grpc/grpc-connection-reset-by-peer");
    assert!(log.records[0].worked);
    t.cmd(&["send-keys", "C-c"]);
}

/// A pasted error no entry covers: the list says so above the closest hits, the status
/// line offers ^O, and ^O writes a new entry from the query and opens it in the editor.
/// A few typed words get no banner.
#[test]
fn an_uncovered_error_says_so_and_ctrl_o_writes_an_entry_for_it() {
    let h = home();
    let editor = h.path().join("edit.sh");
    std::fs::write(&editor, "#!/bin/sh\n[ -t 0 ] && echo tty > \"$1.ran\"\n").expect("script");
    let bin = assert_cmd::cargo::cargo_bin("errdex");
    // jq 1.6 iterating over a null field (reproduced, in the uncovered evaluation set); no
    // entry covers it. (The MongoDB error used before is now covered.)
    let query = "jq: error (at <stdin>:1): Cannot iterate over null (null)";
    let cmd = format!(
        "env -u ERRDEX_PATH -u VISUAL HOME={h} XDG_DATA_HOME={h}/data EDITOR='sh {e}' \
         TERM=xterm-256color sh -c 'cd \"$HOME\"; {b} \"$0\"; echo exit=$?; sleep 30' '{query}'",
        h = h.path().display(),
        e = editor.display(),
        b = bin.display()
    );
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    // Both in one frame: a capture can land while a frame is half drawn.
    t.wait_for("the banner and the ^O offer", |s| {
        s.contains("No entry matches this error — closest:")
            && s.contains("^O write an entry for this error")
    });
    t.cmd(&["send-keys", "C-o"]);
    let screen = t.wait_for("the new entry checked and reloaded", |s| {
        s.contains("checked and reloaded")
    });
    let dir = h.path().join("data/errdex/entries/local");
    let written: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}\n{screen}", dir.display()))
        .flatten()
        .map(|d| d.path())
        .collect();
    let yaml = written
        .iter()
        .find(|p| p.extension().is_some_and(|x| x == "yaml"))
        .unwrap_or_else(|| panic!("no entry written: {written:?}"));
    let text = std::fs::read_to_string(yaml).expect("the new entry");
    assert!(text.contains("Cannot iterate over null"), "{text}");
    assert_eq!(
        std::fs::read_to_string(yaml.with_extension("yaml.ran"))
            .expect("the editor ran")
            .trim(),
        "tty"
    );
    // The scaffold still has its placeholders: the problems are shown until Esc.
    assert!(screen.contains("Problems in the edited file"), "{screen}");
    t.cmd(&["send-keys", "Escape"]);
    t.wait_for("the problems closed", |s| {
        !s.contains("Problems in the edited file")
    });
    // A few typed words: no banner while typing.
    t.cmd(&["send-keys", "C-u"]);
    t.cmd(&["send-keys", "-l", "grpc reset"]);
    let screen = t.wait_for("the typed query's results", |s| {
        s.contains("grpc/grpc-connection-reset-by-peer") || s.contains("Results")
    });
    assert!(!screen.contains("No entry matches"), "{screen}");
    t.cmd(&["send-keys", "C-c"]);
    t.wait_for("a clean exit", |s| s.contains("exit=0"));
}

const REFUSED_LINE: &str =
    "2026-12-06T10:00:01Z ERROR dial tcp 10.0.0.5:8443: connect: connection refused";
const TOO_MANY_LINE: &str = "2026-12-06T10:00:02Z FATAL:  sorry, too many clients already";

fn append_line(path: &Path, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open the log");
    writeln!(f, "{line}").expect("append");
}

/// The row of the findings list (it has a count) whose title has `title`.
fn row<'s>(screen: &'s str, title: &str) -> Option<&'s str> {
    screen
        .lines()
        .find(|l| l.contains('×') && l.contains(title))
}

#[test]
fn follow_lists_a_logs_known_errors_live_enter_opens_one_and_esc_returns() {
    let h = home();
    let log = h.path().join("app.log");
    std::fs::write(&log, format!("{REFUSED_LINE}\nINFO before\n")).expect("write");
    let follow = format!("--follow {}", log.display());
    let cmd = launch_with(h.path(), "", &follow, "echo exit=$?; sleep 30");
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    // What the file held before is not a finding; the status line counts what is read.
    t.wait_for("the empty findings list", |s| {
        s.contains("app.log: 0 known errors") && s.contains("following")
    });
    // The follower may still be opening the file: give it time to reach the end first.
    std::thread::sleep(Duration::from_millis(500));
    append_line(&log, REFUSED_LINE);
    append_line(&log, TOO_MANY_LINE);
    append_line(&log, REFUSED_LINE);
    let s = t.wait_for("two findings with counts", |s| {
        s.contains("app.log: 2 known errors")
            && row(s, "dial tcp").is_some_and(|r| r.contains("2×"))
            && row(s, "FATAL:  sorry").is_some_and(|r| r.contains("1×"))
    });
    assert!(s.contains("3 lines"), "{s}");
    // Counts go on while it runs.
    append_line(&log, TOO_MANY_LINE);
    append_line(&log, TOO_MANY_LINE);
    t.wait_for("the count to grow", |s| {
        row(s, "FATAL:  sorry").is_some_and(|r| r.contains("3×"))
    });
    // Ctrl-T orders by count: the most frequent first.
    t.cmd(&["send-keys", "C-t"]);
    t.wait_for("count order", |s| {
        s.contains("by count")
            && s.lines()
                .position(|l| l.contains("too many clients") && l.contains('×'))
                < s.lines()
                    .position(|l| l.contains("dial tcp") && l.contains('×'))
    });
    // The selection stayed on the entry it was on; Up picks the top one, Enter opens it.
    t.cmd(&["send-keys", "Up"]);
    t.wait_for("the top row selected", |s| {
        s.lines()
            .any(|l| l.contains('▶') && l.contains("FATAL:  sorry") && l.contains('×'))
    });
    t.cmd(&["send-keys", "Enter"]);
    t.wait_for("the entry", |s| {
        s.contains("postgres/too-many-clients")
            && s.contains("Workarounds")
            && s.contains("Dead ends")
    });
    // Esc comes back to the findings.
    t.cmd(&["send-keys", "Escape"]);
    t.wait_for("the findings again", |s| {
        s.contains("app.log: 2 known errors")
    });
    // Typing searches the whole corpus; clearing the query shows the findings again.
    t.cmd(&[
        "send-keys",
        "-l",
        "x509: certificate signed by unknown authority",
    ]);
    t.wait_for("corpus results", |s| {
        s.contains(" Results ") && s.contains("tls/x509-certificate-signed-by-unknown-authority")
    });
    t.cmd(&["send-keys", "C-u"]);
    t.wait_for("the findings after clearing", |s| {
        s.contains("app.log: 2 known errors")
    });
    t.cmd(&["send-keys", "C-c"]);
    t.wait_for("a clean exit", |s| s.contains("exit=0"));
}

#[test]
fn an_endless_piped_stream_draws_at_once_and_lists_what_arrives() {
    let h = home();
    let log = h.path().join("stream.log");
    std::fs::write(&log, format!("INFO first line\n{REFUSED_LINE}\n")).expect("write");
    // tail -f never ends, like kubectl logs -f.
    let tail = format!("tail -n +1 -f {} | ", log.display());
    let cmd = launch_with(h.path(), &tail, "", "echo exit=$?; sleep 30");
    let Some(t) = Tmux::start(&cmd) else {
        return;
    };
    t.wait_for("the first frame with the stream's finding", |s| {
        s.contains("stdin: 1 known error")
            && row(s, "dial tcp").is_some_and(|r| r.contains("1×"))
            && s.contains("following")
    });
    append_line(&log, TOO_MANY_LINE);
    t.wait_for("the new finding", |s| {
        s.contains("stdin: 2 known errors") && row(s, "FATAL:  sorry").is_some()
    });
    t.cmd(&["send-keys", "Enter"]);
    t.wait_for("an entry", |s| s.contains("Workarounds"));
    t.cmd(&["send-keys", "Escape"]);
    t.wait_for("the findings", |s| s.contains("stdin: 2 known errors"));
    t.cmd(&["send-keys", "C-c"]);
    // The shell waits for tail too, which ends at its next write into the closed pipe.
    std::thread::sleep(Duration::from_millis(300));
    append_line(&log, "INFO after");
    t.wait_for("a clean exit", |s| s.contains("exit=0"));
}
