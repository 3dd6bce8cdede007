//! Writing entries and telling errdex what you run, through the real binary: `errdex new`,
//! related entries in `errdex show`, and versions from `--have`, the config file and the
//! project in the current folder.

use super::{errdex, home, stderr, stdout};

const PASTED: &str = "2026-11-24T10:32:11Z ERROR worker-5f7d8c9b4-q8z2x request_id=c0ffee1234 \
                      dial tcp 10.1.2.3:6379: i/o timeout";

#[test]
fn new_scaffolds_a_masked_entry_and_lint_names_what_is_missing() {
    let h = home();
    let dir = h.path().join("mine");
    let out = errdex(h.path())
        .args(["new", "--no-edit", "--domain", "redis", "--dir"])
        .arg(&dir)
        .args(["--from-query", PASTED])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let path = std::path::PathBuf::from(stdout(&out).trim());
    assert!(
        path.ends_with("redis/dial-tcp-ip-6379-i-o-timeout.yaml"),
        "{path:?}"
    );
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(
        text.contains("title: \"dial tcp <ip>:6379: i/o timeout\""),
        "{text}"
    );
    for secret in ["10.1.2.3", "q8z2x", "c0ffee1234", "2026-11-24"] {
        assert!(!text.contains(secret), "{secret} leaked into\n{text}");
    }
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:", path.display())) && err.contains("root"),
        "{err}"
    );
    // A second scaffold of the same error never replaces the first.
    let again = errdex(h.path())
        .args(["new", "--no-edit", "--domain", "redis", "--dir"])
        .arg(&dir)
        .args(["--from-query", "-"])
        .write_stdin(PASTED)
        .output()
        .expect("runs");
    assert!(stdout(&again).trim().ends_with("i-o-timeout-2.yaml"));
    assert_eq!(std::fs::read_to_string(&path).expect("kept"), text);
}

#[test]
fn a_filled_in_scaffold_loads_with_the_users_entries() {
    let h = home();
    let out = errdex(h.path())
        .args([
            "new",
            "--no-edit",
            "--domain",
            "redis",
            "--from-query",
            PASTED,
        ])
        .output()
        .expect("runs");
    let path = std::path::PathBuf::from(stdout(&out).trim());
    assert!(
        path.starts_with(h.path().join("data")),
        "the user's data folder: {path:?}"
    );
    let text = std::fs::read_to_string(&path).expect("written");
    std::fs::write(
        &path,
        text.replace(
            "root_cause: \"\"",
            "root_cause: \"The client gave up waiting for Redis to answer within its dial timeout.\"",
        ),
    )
    .expect("edits");
    let found = errdex(h.path())
        .args([
            "search",
            "--json",
            "--explain",
            "dial tcp 10.9.9.9:6379: i/o timeout",
        ])
        .output()
        .expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&found.stdout).expect("json");
    let hits = doc["hits"].as_array().expect("hits");
    let mine = hits
        .iter()
        .position(|h| h["id"] == "redis/dial-tcp-ip-6379-i-o-timeout")
        .expect("the new entry is found");
    // The scaffold's pattern recognises the line; the generic tcp entry may still lead.
    assert!(mine < 2, "{doc}");
    assert_eq!(hits[mine]["signals"]["pattern"], 0, "{doc}");
}

#[test]
fn show_lists_related_entries_with_their_titles() {
    let h = home();
    let out = errdex(h.path())
        .args(["show", "grpc/grpc-connection-reset-by-peer"])
        .output()
        .expect("runs");
    let text = stdout(&out);
    let related = text
        .split("Related (errdex show ID)\n")
        .nth(1)
        .expect("a Related section");
    let first = related.lines().next().expect("a related line");
    assert!(
        first.starts_with("  - ") && first.contains(" — "),
        "id and title: {first}"
    );
}

#[test]
fn have_marks_and_demotes_entries_that_are_not_your_version() {
    let h = home();
    // Git 2.9 made `git merge` refuse unrelated histories; the entry's one row says so.
    let query = "fatal: refusing to merge unrelated histories";
    let run = |have: Option<&str>| {
        let mut cmd = errdex(h.path());
        cmd.args(["search", "--json", "-n", "5"]);
        if let Some(v) = have {
            cmd.args(["--have", v]);
        }
        let out = cmd.arg(query).output().expect("runs");
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let plain = run(None);
    let id = "git/refusing-to-merge-unrelated-histories";
    assert_eq!(plain[0]["id"], id);
    assert!(plain[0].get("version_fit").is_none());
    let new = run(Some("git=2.43.0"));
    assert_eq!(new[0]["id"], id);
    assert_eq!(new[0]["version_fit"], "yours");
    let old = run(Some("git=2.8.0"));
    let pos = old
        .as_array()
        .expect("array")
        .iter()
        .position(|h| h["id"] == id)
        .expect("still listed");
    assert_eq!(old[pos]["version_fit"], "not_yours");
    assert!(
        old[pos]["version_note"]
            .as_str()
            .is_some_and(|n| n.contains("git 2.8.0")),
        "{old}"
    );
    let bad = errdex(h.path())
        .args(["search", "--have", "gradle", query])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("PKG=VERSION"), "{}", stderr(&bad));
}

#[test]
fn versions_come_from_the_project_folder_and_the_config_file() {
    let h = home();
    let project = h.path().join("svc");
    std::fs::create_dir_all(&project).expect("dir");
    std::fs::write(
        project.join("go.mod"),
        "module example.com/svc\n\ngo 1.20\n",
    )
    .expect("go.mod");
    let show = |cmd: &mut assert_cmd::Command| {
        let out = cmd
            .current_dir(&project)
            .args(["show", "go/context-deadline-exceeded"])
            .output()
            .expect("runs");
        stdout(&out)
    };
    let text = show(&mut errdex(h.path()));
    assert!(
        text.contains("not for your version: needs go >=1.21, you have 1.20"),
        "{text}"
    );
    // The config file overrides the project; --have overrides both.
    let config = h.path().join("errdex.yaml");
    std::fs::write(&config, "versions:\n  go: \"1.22\"\n").expect("config");
    let text = show(errdex(h.path()).env("ERRDEX_CONFIG", &config));
    assert!(!text.contains("not for your version"), "{text}");
    let text = show(
        errdex(h.path())
            .env("ERRDEX_CONFIG", &config)
            .args(["--have", "go=1.19"]),
    );
    assert!(text.contains("you have 1.19"), "{text}");
    // A broken config is reported with its position and does not stop the command.
    std::fs::write(&config, "versions:\n  go: [1\n").expect("config");
    let out = errdex(h.path())
        .env("ERRDEX_CONFIG", &config)
        .current_dir(&project)
        .args(["show", "go/context-deadline-exceeded"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains(&format!("{}:", config.display())),
        "{}",
        stderr(&out)
    );
}

/// A linked folder inside the entries folder would carry a new entry out of it.
#[cfg(unix)]
#[test]
fn new_refuses_to_write_through_a_linked_folder() {
    let h = home();
    let dir = h.path().join("entries");
    let outside = h.path().join("outside");
    std::fs::create_dir_all(&dir).expect("entries");
    std::fs::create_dir_all(&outside).expect("outside");
    std::os::unix::fs::symlink(&outside, dir.join("postgres")).expect("plant");
    let out = errdex(h.path())
        .args(["new", "--no-edit", "--domain", "postgres", "--from-query"])
        .arg("FATAL:  sorry, too many clients already")
        .arg("--dir")
        .arg(&dir)
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&outside).expect("list").count(), 0);
}
