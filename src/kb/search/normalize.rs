//! Turning what an engineer pastes into what search should look at.
//!
//! A pasted line carries a timestamp, a level, a pod name, addresses, request ids, maybe a
//! JSON wrapper; a pasted trace carries dozens of stack frames around the one line that
//! says what went wrong. Normalising unwraps JSON log lines, drops stack frames, masks the
//! variable parts, and weights the lines that carry the error. Entry titles and aliases go
//! through the same masking, so both sides compare like with like.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

/// Input beyond this many bytes is not looked at (a 1 MB paste stays fast).
pub const MAX_INPUT: usize = 256 * 1024;
/// Lines beyond this many are not looked at.
const MAX_LINES: usize = 2000;
/// Characters of one line looked at.
const MAX_LINE: usize = 4000;

/// One kept line of the input.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Line {
    /// The line as pasted (JSON unwrapped), for patterns.
    pub raw: String,
    /// The line with variable parts masked, lowercase, for words and containment.
    pub masked: String,
    /// How much this line's words count: 2 for lines that carry the error, 1 otherwise.
    pub weight: f32,
}

/// A normalised query.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Normalized {
    /// The kept lines, in input order.
    pub lines: Vec<Line>,
}

impl Normalized {
    /// The masked lines joined, for display (`--explain`).
    pub fn masked_text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.masked.as_str())
            .collect::<Vec<_>>()
            .join(" ⏎ ")
    }
}

fn re(p: &str) -> Regex {
    // These are fixed patterns written here; a failure is a programming error caught by
    // the tests, and an empty never-matching regex keeps release builds from panicking.
    Regex::new(&ascii_classes(p))
        .or_else(|_| Regex::new(p))
        .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
}

/// `p` with its Perl classes and word boundaries made ASCII-only. What they mask (times,
/// addresses, ids, paths) is ASCII, and Unicode classes made compiling these patterns take
/// 9 ms of every run; ASCII ones take 1.4 ms.
fn ascii_classes(p: &str) -> String {
    let mut out = String::with_capacity(p.len() * 2);
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('s') => out.push_str(r"[\t\n\x0B\x0C\r ]"),
            Some('S') => out.push_str(r"[^\t\n\x0B\x0C\r ]"),
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// One mask: a pattern, its replacement, and a cheap test that a line must pass for the
/// pattern to have any chance of matching. Most typed queries pass few tests, so most
/// patterns are never compiled in a run (compiling all of them was a tenth of a search).
struct Mask {
    pattern: &'static str,
    with: &'static str,
    may_match: fn(&[u8]) -> bool,
}

fn has(b: &[u8], c: u8) -> bool {
    b.contains(&c)
}

fn has_digit(b: &[u8]) -> bool {
    b.iter().any(u8::is_ascii_digit)
}

/// Whether `b` holds `word` in any ASCII case (what `(?i)` means for these ASCII words).
fn has_word(b: &[u8], word: &[u8]) -> bool {
    b.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word))
}

/// Masks, applied in order.
const MASKS: [Mask; 14] = [
    // klog: E1124 10:32:11.004512    1 main.go:88]
    Mask {
        pattern: r"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w./-]+:\d+\]",
        with: " ",
        may_match: |b| matches!(b, [b'I' | b'W' | b'E' | b'F', d, ..] if d.is_ascii_digit()),
    },
    // ISO 8601 and friends: 2026-11-24T10:32:11.004Z, 2026-11-24 10:32:11,004 +0100
    Mask {
        pattern: r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|\s?[+-]\d{2}:?\d{2})?\b",
        with: " ",
        may_match: |b| has(b, b'-') && has(b, b':') && has_digit(b),
    },
    // syslog: Nov 24 10:32:11 host
    Mask {
        pattern: r"^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}( [\w.-]+)?",
        with: " ",
        may_match: |b| b.first().is_some_and(u8::is_ascii_uppercase) && has(b, b':'),
    },
    // bare times: 10:32:11.004
    Mask {
        pattern: r"\b\d{2}:\d{2}:\d{2}([.,]\d+)?\b",
        with: " ",
        may_match: |b| has(b, b':') && has_digit(b),
    },
    // levels in brackets or as key=value: [ERROR] level=error
    Mask {
        pattern: r"(?i)\[(trace|debug|info|notice|warn|warning|error|err|fatal|crit|critical)\]|\blevel=\w+",
        with: " ",
        may_match: |b| has(b, b'[') || has_word(b, b"level="),
    },
    // UUIDs
    Mask {
        pattern: r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",
        with: " ",
        may_match: |b| b.len() >= 36 && has(b, b'-'),
    },
    // key=value ids: request_id=abc123def, trace-id: 4bf92f3577b34da6
    Mask {
        pattern: r"(?i)\b[\w-]*id[=:]\s*[\w-]{6,}",
        with: " ",
        may_match: |b| has_word(b, b"id=") || has_word(b, b"id:"),
    },
    // IPv4 with optional port, IPv6 (bracketed or bare) with optional port
    Mask {
        pattern: r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b",
        with: " ",
        may_match: |b| has(b, b'.') && has_digit(b),
    },
    Mask {
        pattern: r"(?i)\[[0-9a-f:]*:[0-9a-f:]*\](:\d+)?",
        with: " ",
        may_match: |b| has(b, b'[') && has(b, b':'),
    },
    Mask {
        pattern: r"(?i)(^|[\s(])(::|[0-9a-f]{1,4}:)[0-9a-f:]*:[0-9a-f]*(:\d+)?\b",
        with: " ",
        may_match: |b| b.iter().filter(|&&c| c == b':').nth(1).is_some(),
    },
    // Kubernetes pod names: deployment-<replicaset hash>-<pod hash> → deployment
    Mask {
        pattern: r"\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b",
        with: "$1",
        may_match: |b| b.iter().filter(|&&c| c == b'-').nth(1).is_some(),
    },
    // hex: 0x7f0c9e2b4d10, long hex runs (hashes, container ids); both need a digit
    Mask {
        pattern: r"(?i)\b0x[0-9a-f]+\b|\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b",
        with: " ",
        may_match: has_digit,
    },
    // paths: keep the last component (docker.sock, index.js, mysqld.sock)
    // (absolute, ./ ../ or ~/ paths only: HTTP/1.1, nginx/1.22.1, text/html stay)
    Mask {
        pattern: r#"(^|[\s"'(=\[])(?:~|\.{1,2})?(?:/[\w.@-]+)*/([\w.@-]+)"#,
        with: "$1$2",
        may_match: |b| has(b, b'/'),
    },
    // long numbers (ports, pids, sizes, ids); short codes like 1045, 137 stay
    Mask {
        pattern: r"\b\d{6,}\b",
        with: " ",
        may_match: has_digit,
    },
];

/// Each mask's pattern, compiled when a line first passes its test.
static COMPILED: [OnceLock<Regex>; MASKS.len()] = [const { OnceLock::new() }; MASKS.len()];

/// Mask `k`'s pattern, compiled on first use.
fn compiled(k: usize) -> &'static Regex {
    COMPILED[k].get_or_init(|| re(MASKS[k].pattern))
}

/// Lines that carry the error in a trace.
static ERROR_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)caused by:|error\b|error\[e\d+\]|panic:|fatal|exception\b|traceback|err!|\bfailed\b")
});

/// Lines that name the error precisely: an error code, or a Java root cause. These weigh
/// most, above summaries such as `error: could not compile` that follow them.
static CODE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)caused by:|error\[e\d{4}\]|\berror ts\d{4}|\berror \d{4} \(|\b[a-z]+(error|exception)(\[[\w.]+\])?: \S",
    )
});

/// Stack frames: noise around the error.
static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"^\s+at [\w$.<>/\\ -]+\(.*\)\s*$", // Java, Node (at f (file:1:2))
        r"|^\s+at [\w$./\\:-]+\s*$",        // Node without a name
        r"|^\s+File .+, line \d+",          // Python
        r"|^\s+\.\.\. \d+ (more|common)",   // Java elided frames
        r"|^\s*goroutine \d+ \[",           // Go
        r"|^\s+[\w./-]+\.go:\d+( \+0x[0-9a-f]+)?\s*$", // Go file:line
        r"|^\s*[\w.*/()-]+\(0x[0-9a-f, .]*\)\s*$", // Go function(args)
        r"|^\s*\d+: [\w:<>]+$",             // Rust backtrace frame
        r"|^\s+at [\w/.-]+:\d+(:\d+)?\s*$", // Rust/other `at file:line`
    ))
});

/// Apply the masks to one line and lowercase it.
pub fn mask(line: &str) -> String {
    let mut s = line.to_string();
    for (k, m) in MASKS.iter().enumerate() {
        if !(m.may_match)(s.as_bytes()) {
            continue;
        }
        let re = compiled(k);
        if re.is_match(&s) {
            s = re.replace_all(&s, m.with).into_owned();
        }
    }
    let collapsed: Vec<&str> = s.split_whitespace().collect();
    collapsed.join(" ").to_lowercase()
}

/// Pull the message out of a JSON log line: its `msg`/`message`/`error`/`err`/`exception`
/// fields (and `error.message` when nested), in that order. None when not a JSON object.
fn unwrap_json(line: &str) -> Option<String> {
    let t = line.trim();
    if !(t.starts_with('{') && t.ends_with('}')) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(t).ok()?;
    let obj = v.as_object()?;
    let mut parts = Vec::new();
    for key in [
        "msg",
        "message",
        "error",
        "err",
        "error_description",
        "detail",
        "exception",
        "stack",
        "stacktrace",
    ] {
        match obj.get(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => parts.push(s.clone()),
            Some(serde_json::Value::Object(o)) => {
                for inner in ["message", "msg", "type", "stack"] {
                    if let Some(serde_json::Value::String(s)) = o.get(inner) {
                        parts.push(s.clone());
                    }
                }
            }
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Normalise a query as typed or pasted.
pub fn normalize(input: &str) -> Normalized {
    let mut cut = input.len().min(MAX_INPUT);
    while !input.is_char_boundary(cut) {
        cut -= 1;
    }
    let input = &input[..cut];
    let mut raw_lines: Vec<String> = Vec::new();
    for line in input.lines().take(MAX_LINES) {
        let line: String = line.chars().take(MAX_LINE).collect();
        match unwrap_json(&line) {
            Some(inner) => {
                // The fields first, then the line itself: an error response body such as
                // {"error":"invalid_grant",…} is an entry's title as it stands.
                raw_lines.extend(inner.lines().map(str::to_string));
                raw_lines.push(line);
            }
            None => raw_lines.push(line),
        }
    }
    let multi = raw_lines.iter().filter(|l| !l.trim().is_empty()).count() > 1;
    let mut lines: Vec<Line> = Vec::new();
    for raw in raw_lines {
        if raw.trim().is_empty() || (multi && FRAME.is_match(&raw)) {
            continue;
        }
        let masked = mask(&raw);
        if masked.is_empty() {
            continue;
        }
        let weight = if !multi {
            1.0
        } else if CODE_LINE.is_match(&raw) {
            3.0
        } else if ERROR_LINE.is_match(&raw) {
            2.0
        } else {
            1.0
        };
        lines.push(Line {
            raw,
            masked,
            weight,
        });
    }
    // In a trace, the last kept line is usually the exception itself (Python puts it last).
    if multi && let Some(last) = lines.last_mut() {
        last.weight = last.weight.max(2.0);
    }
    Normalized { lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A mask's test may only skip lines its pattern cannot match.
    fn assert_gates_hold(line: &str) {
        for (k, m) in MASKS.iter().enumerate() {
            assert!(
                !compiled(k).is_match(line) || (m.may_match)(line.as_bytes()),
                "the test of mask `{}` skips {line:?}, which it matches",
                m.pattern
            );
        }
    }

    #[test]
    fn mask_tests_never_skip_a_line_their_pattern_matches() {
        // Every line of the evaluation sets: real pasted errors of every kind.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval");
        let mut lines = 0;
        for name in ["cases.jsonl", "heldout.jsonl", "uncovered.jsonl"] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            for case in text.lines() {
                let v: serde_json::Value = serde_json::from_str(case).unwrap_or_default();
                for line in v["input"].as_str().unwrap_or("").lines() {
                    assert_gates_hold(line);
                    lines += 1;
                }
            }
        }
        assert!(lines > 1000, "{lines} lines read");
        for line in [
            "deadbeef-dead-beef-dead-beefdeadbeef",
            "ID: abcdefgh",
            "LEVEL=warn x",
            "[::1]:8080",
            "fe80::1",
        ] {
            assert_gates_hold(line);
        }
    }

    proptest! {
        #[test]
        fn mask_tests_hold_for_log_like_text(line in "[A-Za-z0-9 :./\\[\\]=_@~'\"(-]{0,60}") {
            assert_gates_hold(&line);
        }
    }

    #[test]
    fn masks_the_variable_parts_of_a_log_line() {
        let m = mask(
            "2026-11-24T10:32:11.004Z ERROR [api-7d9f8c6b5-x2x9q] request_id=7f3c2a91b0 read tcp 10.1.2.3:44412->10.2.3.4:50051: read: connection reset by peer",
        );
        assert_eq!(
            m,
            "error [api] read tcp -> : read: connection reset by peer"
        );
    }

    #[test]
    fn masks_klog_syslog_uuids_paths_and_long_numbers() {
        assert_eq!(
            mask(
                "E1124 10:32:11.004512    1 main.go:88] failed to sync: 3f2504e0-4f89-11d3-9a0c-0305e82c3301"
            ),
            "failed to sync:"
        );
        assert_eq!(
            mask("Nov 24 10:32:11 web01 kernel: Out of memory: Killed process 48213 (java)"),
            "kernel: out of memory: killed process 48213 (java)"
        );
        assert_eq!(
            mask("dial unix /var/run/docker.sock: connect: permission denied"),
            "dial unix docker.sock: connect: permission denied"
        );
        assert_eq!(
            mask("Error: listen EADDRINUSE: address already in use :::3000"),
            mask("Error: listen EADDRINUSE: address already in use :::8080")
        );
        assert_eq!(
            mask("ERROR 1045 (28000): Access denied"),
            "error 1045 (28000): access denied"
        );
    }

    #[test]
    fn unwraps_json_log_lines() {
        let n = normalize(
            r#"{"ts":"2026-11-24T10:32:11Z","level":"error","msg":"request failed","err":"dial tcp 10.0.0.5:5432: connect: connection refused"}"#,
        );
        let text = n.masked_text();
        assert!(text.contains("request failed"), "{text}");
        assert!(
            text.contains("dial tcp : connect: connection refused"),
            "{text}"
        );
        assert!(!text.contains("2026"), "{text}");
    }

    #[test]
    fn keeps_and_weights_the_lines_of_a_trace_that_carry_the_error() {
        let trace = "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    import requests\nModuleNotFoundError: No module named 'requests'";
        let n = normalize(trace);
        let kept: Vec<(&str, f32)> = n
            .lines
            .iter()
            .map(|l| (l.masked.as_str(), l.weight))
            .collect();
        assert_eq!(
            kept,
            [
                ("traceback (most recent call last):", 2.0),
                ("import requests", 1.0),
                ("modulenotfounderror: no module named 'requests'", 3.0)
            ]
        );
        let java = "java.lang.RuntimeException: boom\n\tat com.example.App.main(App.java:12)\n\t... 3 more\nCaused by: java.net.ConnectException: Connection refused";
        let n = normalize(java);
        assert_eq!(n.lines.len(), 2);
        assert!(n.lines.iter().all(|l| l.weight == 3.0));
        let rustc = "error[E0308]: mismatched types\n --> src/main.rs:4:19\nerror: could not compile `app` due to 1 previous error";
        let w: Vec<f32> = normalize(rustc).lines.iter().map(|l| l.weight).collect();
        assert_eq!(w, [3.0, 1.0, 2.0]);
    }

    #[test]
    fn huge_input_is_cut_without_splitting_a_character() {
        let big = "é".repeat(MAX_INPUT);
        let n = normalize(&big);
        assert!(n.lines[0].raw.chars().count() <= MAX_LINE);
    }
}
