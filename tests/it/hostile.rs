//! Hostile entries and hostile input: every surface answers, nothing panics or hangs, and
//! nothing raw reaches a terminal.

use std::fs;
use std::path::Path;

use super::{errdex, home, stderr, stdout};

/// Write the hostile entry files into `dir` (generated here: some are megabytes).
fn hostile_entries(dir: &Path) {
    let base = |n: &str| {
        format!(
            "id: h/{n}\ntitle: t {n}\ndomain: h\ncategory: c\nverification: authored\nroot_cause: r\n"
        )
    };
    let write = |name: &str, body: &[u8]| fs::write(dir.join(name), body).expect("write");
    write(
        "escape.yaml",
        base("escape")
            .replace(
                "title: t escape",
                r#"title: "evil \e[2J\e]52;c;ZXZpbA==\a \u202e title""#,
            )
            .as_bytes(),
    );
    write(
        "escape-snippet.yaml",
        format!(
            "{}workarounds:\n  - title: w\n    snippet: {{language: bash, code: \"echo \\e]52;c;ZXZpbA==\\a hi\"}}\n",
            base("escape-snippet")
        )
        .as_bytes(),
    );
    write(
        "huge-rc.yaml",
        base("huge")
            .replace(
                "root_cause: r",
                &format!("root_cause: \"{}\"", "y".repeat(5 << 20)),
            )
            .as_bytes(),
    );
    let many: String = (0..10_000).map(|i| format!("  - title: w{i}\n")).collect();
    write(
        "many.yaml",
        format!("{}workarounds:\n{many}", base("many")).as_bytes(),
    );
    // Nesting where the type would accept it (a mapping of mappings has no typed field to
    // fail first, so it is reported for its depth), and 100,000 levels in a flow sequence.
    write(
        "deep.yaml",
        format!(
            "{}tags: {}{}\n",
            base("deep"),
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
        .as_bytes(),
    );
    write(
        "deep-map.yaml",
        format!(
            "{}x: {}1{}\n",
            base("deep-map"),
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        )
        .as_bytes(),
    );
    // Ten levels of ten aliases each: 10^10 values once expanded.
    let mut laughs = base("laughs");
    laughs.push_str("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        laughs.push_str(&format!(
            "x{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    laughs.push_str("aliases: *a9\n");
    write("laughs.yaml", laughs.as_bytes());
    write(
        "long-line.yaml",
        base("long")
            .replace(
                "root_cause: r",
                &format!("root_cause: \"{}\"", "x".repeat(100_000)),
            )
            .as_bytes(),
    );
    write("invalid-utf8.yaml", b"id: h/bad\ntitle: \xff\xfe\n");
    write("empty.yaml", b"");
    write(
        "patterns.yaml",
        format!(
            "{}patterns:\n  - '{}b'\n  - '{}'\n",
            base("patterns"),
            "(a*)*".repeat(200),
            (0..3000)
                .map(|i| format!("w{i}"))
                .collect::<Vec<_>>()
                .join("|")
        )
        .as_bytes(),
    );
    fs::create_dir_all(dir.join("dir.yaml")).expect("dir");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir, dir.join("loop")).expect("symlink");
        // A file that cannot be read (chmod 000 does not stop root): a dangling link.
        std::os::unix::fs::symlink("/no/such/target.yaml", dir.join("unreadable.yaml"))
            .expect("symlink");
    }
}

#[test]
fn hostile_entry_files_are_reported_and_skipped_on_every_surface() {
    let h = home();
    let dir = h.path().join("hostile");
    fs::create_dir_all(&dir).expect("mkdir");
    hostile_entries(&dir);
    let lint = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(lint.status.code(), Some(1));
    let report = stdout(&lint);
    for (file, what) in [
        ("huge-rc.yaml", "byte limit"),
        ("many.yaml", "the limit is 200"),
        ("long-line.yaml", "the limit is 65536"),
        ("invalid-utf8.yaml", "not valid UTF-8"),
        ("empty.yaml", "the file is empty"),
        ("patterns.yaml", "patterns[1]"),
        ("loop", "symbolic link loop"),
        ("unreadable.yaml", "cannot read"),
    ] {
        assert!(
            report.lines().any(|l| l.contains(file) && l.contains(what)),
            "{file}: {what}\n{report}"
        );
    }
    assert!(!report.contains('\x1b'), "lint output is escaped");
    // Each bomb is refused for being one, not for a wrong type or an unknown field.
    for (file, what) in [
        ("deep.yaml:", "nest deeper than 64"),
        ("deep-map.yaml:", "nest deeper than 64"),
        ("laughs.yaml:", "the document is refused"),
    ] {
        assert!(
            report.lines().any(|l| l.contains(file) && l.contains(what)),
            "{file}: {what}\n{report}"
        );
    }

    let show = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(&dir)
        .args(["show", "h/escape"])
        .output()
        .expect("runs");
    let text = stdout(&show);
    assert!(
        text.contains("evil \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 \\u{202e} title"),
        "{text}"
    );
    assert!(!text.contains('\x1b') && !text.contains('\u{202e}'));
    let md = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(&dir)
        .args(["show", "--markdown", "h/escape-snippet"])
        .output()
        .expect("runs");
    assert!(!stdout(&md).contains('\x1b'), "{}", stdout(&md));

    let json = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(&dir)
        .args(["search", "--json", "evil"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert_eq!(
        v[0]["title"],
        "evil \u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} \u{202e} title"
    );
    assert!(stderr(&json).contains("skipped because of errors"));
}

#[test]
fn hostile_queries_are_answered() {
    let h = home();
    let mut big = Vec::with_capacity(1 << 20);
    while big.len() < (1 << 20) {
        big.extend_from_slice(b"2026-11-24T10:32:11Z ERROR read tcp 10.0.0.1:1->10.0.0.2:2: read: connection reset by peer\n");
    }
    let inputs: Vec<Vec<u8>> = vec![
        big,
        b"connection\0reset\0by\0peer".to_vec(),
        b"\xff\xfe\xfd connection reset \xc3\x28".to_vec(),
        b"   \n\t  \n".to_vec(),
        b"!!! ||| '''' ^^^ $$$ ::: ((( ]]]".to_vec(),
        b"' ! ^ $ | domain: !domain: a | | b".to_vec(),
        "é".repeat(300_000).into_bytes(),
    ];
    for input in inputs {
        let out = errdex(h.path())
            .args(["search", "--json", "-"])
            .write_stdin(input.clone())
            .output()
            .expect("runs");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "exit {code:?}: {}",
            stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        assert!(v.is_array());
    }
}

#[test]
fn hostile_logs_are_scanned() {
    let h = home();
    let mut noise = vec![0u8; 4 << 20];
    let mut x: u32 = 2463534242;
    for b in noise.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    let out = errdex(h.path())
        .arg("scan")
        .write_stdin(noise)
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    // stdin closed at once
    let out = errdex(h.path())
        .arg("scan")
        .write_stdin(Vec::new())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}

/// 200,000 `[` in the config file stalled every command for more than 30 s; now the file is
/// refused for its depth and the command answers with the defaults.
#[test]
fn a_nesting_bomb_in_the_config_file_is_refused_and_the_command_answers() {
    let h = home();
    let config = h.path().join("config.yaml");
    fs::write(&config, format!("versions: {}\n", "[".repeat(200_000))).expect("write");
    let out = errdex(h.path())
        .env("ERRDEX_CONFIG", &config)
        .args(["search", "FATAL:  sorry, too many clients already"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("postgres/too-many-clients"));
    let err = stderr(&out);
    assert!(
        err.contains("config.yaml:1:") && err.contains("nest deeper than 64"),
        "{err}"
    );
}
