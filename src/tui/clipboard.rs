//! Copying a snippet where outages happen: inside tmux, over SSH, on a desktop.
//!
//! Order: tmux's own buffer when `$TMUX` is set (`tmux load-buffer -w -`, which works with
//! tmux's default `set-clipboard external`, where an application's OSC 52 is ignored); an
//! OSC 52 sequence always (most terminals honour it, also over SSH); then a display's
//! clipboard tool. Only tmux and the tools can confirm success; when none did, the caller
//! shows the snippet for copying by hand.

use std::io::{self, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// The outside world the clipboard needs, injectable for tests.
pub trait ClipboardEnv {
    /// An environment variable.
    fn var(&self, name: &str) -> Option<String>;
    /// Run `program args…` with `input` on its stdin; Ok when it exited successfully.
    fn run(&self, program: &str, args: &[&str], input: &[u8]) -> Result<(), String>;
}

/// The real environment and processes.
pub struct SystemEnv;

impl ClipboardEnv for SystemEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn run(&self, program: &str, args: &[&str], input: &[u8]) -> Result<(), String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).map_err(|e| e.to_string())?;
        }
        // Clipboard tools return at once (xclip and wl-copy fork to serve the selection);
        // never let one that hangs freeze the explorer.
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(status) if status.success() => return Ok(()),
                Some(status) => return Err(format!("exited with {status}")),
                None if Instant::now() > deadline => {
                    let _ = child.kill();
                    return Err("timed out".into());
                }
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyReport {
    /// The text that was copied.
    pub text: String,
    /// What the text was (for the popup's heading).
    pub title: String,
    /// Methods known to have worked (`tmux`, `xclip`, …).
    pub confirmed: Vec<String>,
    /// Whether an OSC 52 sequence was written.
    pub osc52: bool,
}

impl CopyReport {
    /// Lines in the copied text.
    pub fn lines(&self) -> usize {
        self.text.lines().count().max(1)
    }

    /// The status-line message.
    pub fn message(&self) -> String {
        let n = self.lines();
        let s = if n == 1 { "" } else { "s" };
        let mut via = self.confirmed.clone();
        if self.osc52 {
            via.push("OSC 52".to_string());
        }
        if self.confirmed.is_empty() {
            format!("sent {n} line{s} via OSC 52 (unconfirmed) — shown for copying by hand")
        } else {
            format!("copied {n} line{s} via {}", via.join(" + "))
        }
    }
}

/// The text to put on the clipboard: the code as written, without the final newline
/// (so a paste into a shell does not run it at once), without trailing blanks, and without
/// control characters other than newline and tab (entries are untrusted).
pub fn prepare(code: &str) -> String {
    code.trim_end_matches(['\n', '\r'])
        .split('\n')
        .map(|l| {
            l.trim_end()
                .chars()
                .filter(|&c| c == '\t' || !c.is_control())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The OSC 52 sequence that sets the clipboard to `text`. Base64 cannot contain ESC or BEL,
/// so the payload can never end the sequence early or start another.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// Copy `code` by every available route. `terminal` receives the OSC 52 sequence.
pub fn copy(
    code: &str,
    title: &str,
    env: &dyn ClipboardEnv,
    terminal: &mut dyn Write,
) -> CopyReport {
    let text = prepare(code);
    let mut report = CopyReport {
        text: text.clone(),
        title: title.to_string(),
        ..CopyReport::default()
    };
    let bytes = text.as_bytes();
    if env.var("TMUX").is_some() {
        // `-w` also sets the outer clipboard (tmux 3.2+); older tmux refuses it.
        let ok = env.run("tmux", &["load-buffer", "-w", "-"], bytes).is_ok()
            || env.run("tmux", &["load-buffer", "-"], bytes).is_ok();
        if ok {
            report.confirmed.push("tmux".into());
        }
    }
    report.osc52 = write_all(terminal, osc52(&text).as_bytes()).is_ok();
    let tools: &[(&str, &[&str], bool)] = &[
        ("wl-copy", &[], env.var("WAYLAND_DISPLAY").is_some()),
        (
            "xclip",
            &["-selection", "clipboard"],
            env.var("DISPLAY").is_some(),
        ),
        (
            "xsel",
            &["--clipboard", "--input"],
            env.var("DISPLAY").is_some(),
        ),
        ("pbcopy", &[], cfg!(target_os = "macos")),
        ("clip.exe", &[], env.var("WSL_DISTRO_NAME").is_some()),
    ];
    for (program, args, applies) in tools {
        if *applies && env.run(program, args, bytes).is_ok() {
            report.confirmed.push((*program).to_string());
            break;
        }
    }
    report
}

fn write_all(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::*;

    /// One recorded run: program, arguments, stdin.
    type Run = (String, Vec<String>, Vec<u8>);

    /// A fake environment: variables, and which programs succeed; records every run.
    struct Fake {
        vars: HashMap<&'static str, &'static str>,
        working: Vec<&'static str>,
        runs: RefCell<Vec<Run>>,
    }

    impl ClipboardEnv for Fake {
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).map(|v| v.to_string())
        }
        fn run(&self, program: &str, args: &[&str], input: &[u8]) -> Result<(), String> {
            self.runs.borrow_mut().push((
                program.to_string(),
                args.iter().map(|a| a.to_string()).collect(),
                input.to_vec(),
            ));
            if self.working.contains(&program) {
                Ok(())
            } else {
                Err("not found".into())
            }
        }
    }

    fn fake(vars: &[(&'static str, &'static str)], working: &[&'static str]) -> Fake {
        Fake {
            vars: vars.iter().copied().collect(),
            working: working.to_vec(),
            runs: RefCell::new(Vec::new()),
        }
    }

    #[test]
    fn inside_tmux_loads_the_buffer_and_also_sends_osc52() {
        let env = fake(&[("TMUX", "/tmp/tmux-0/default,1,0")], &["tmux"]);
        let mut term = Vec::new();
        let r = copy("echo hi\n", "w1", &env, &mut term);
        assert_eq!(r.confirmed, ["tmux"]);
        assert!(r.osc52);
        let runs = env.runs.borrow();
        assert_eq!(runs[0].0, "tmux");
        assert_eq!(runs[0].1, ["load-buffer", "-w", "-"]);
        assert_eq!(runs[0].2, b"echo hi");
        assert_eq!(term, b"\x1b]52;c;ZWNobyBoaQ==\x07");
        assert_eq!(r.message(), "copied 1 line via tmux + OSC 52");
    }

    #[test]
    fn old_tmux_without_w_falls_back() {
        struct OldTmux(RefCell<Vec<Vec<String>>>);
        impl ClipboardEnv for OldTmux {
            fn var(&self, name: &str) -> Option<String> {
                (name == "TMUX").then(|| "x".to_string())
            }
            fn run(&self, _: &str, args: &[&str], _: &[u8]) -> Result<(), String> {
                self.0
                    .borrow_mut()
                    .push(args.iter().map(|a| a.to_string()).collect());
                if args.contains(&"-w") {
                    Err("usage".into())
                } else {
                    Ok(())
                }
            }
        }
        let env = OldTmux(RefCell::new(Vec::new()));
        let r = copy("x", "t", &env, &mut Vec::new());
        assert_eq!(r.confirmed, ["tmux"]);
        assert_eq!(env.0.borrow().len(), 2);
    }

    #[test]
    fn over_ssh_only_osc52_is_sent_and_nothing_is_confirmed() {
        let env = fake(&[], &["xclip"]);
        let mut term = Vec::new();
        let r = copy("a\nb\n", "w", &env, &mut term);
        assert!(r.confirmed.is_empty());
        assert!(env.runs.borrow().is_empty(), "no display, no tool is tried");
        assert!(r.message().contains("unconfirmed"));
        assert_eq!(term, osc52("a\nb").as_bytes());
    }

    #[test]
    fn on_a_desktop_the_first_working_tool_wins() {
        let env = fake(&[("DISPLAY", ":0")], &["xsel"]);
        let r = copy("x", "t", &env, &mut Vec::new());
        assert_eq!(r.confirmed, ["xsel"]);
        let programs: Vec<String> = env.runs.borrow().iter().map(|r| r.0.clone()).collect();
        assert_eq!(programs, ["xclip", "xsel"]);
    }

    #[test]
    fn copied_text_is_exact_but_safe() {
        assert_eq!(
            prepare("  indented\n\tline  \nlast\n\n"),
            "  indented\n\tline\nlast"
        );
        assert_eq!(prepare("a\x1b]52;c;evil\x07b"), "a]52;c;evilb");
        let seq = osc52("x\x1b\x07y");
        let payload = &seq[7..seq.len() - 1];
        assert!(
            !payload.contains(['\x1b', '\x07']),
            "payload is base64: {payload}"
        );
    }
}
