//! Sources in order, later overriding earlier by id: bundled, user data folder,
//! ERRDEX_PATH, --entries; --no-bundled leaves the bundled corpus out.

use std::fs;
use std::path::Path;

use super::{errdex, home, stdout};

const SEED: &str = "grpc/grpc-connection-reset-by-peer";

fn write_override(dir: &Path, title: &str) {
    let file = dir.join("grpc/override.yaml");
    fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    fs::write(
        &file,
        format!(
            "id: {SEED}\ntitle: \"{title}\"\ndomain: grpc\ncategory: network_error\nverification: authored\nroot_cause: overridden\n"
        ),
    )
    .expect("write");
}

fn shown_title(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.args(["show", "--json", SEED]).output().expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["title"].as_str().unwrap_or_default().to_string()
}

#[test]
fn later_sources_override_earlier_ones_by_id() {
    let h = home();
    let user = h.path().join("data/errdex/entries");
    let env_dir = h.path().join("env");
    let flag_dir = h.path().join("flag");
    write_override(&user, "from the user folder");
    assert_eq!(shown_title(&mut errdex(h.path())), "from the user folder");
    write_override(&env_dir, "from ERRDEX_PATH");
    let path = std::env::join_paths([h.path().join("missing"), env_dir.clone()]).expect("joins");
    assert_eq!(
        shown_title(errdex(h.path()).env("ERRDEX_PATH", &path)),
        "from ERRDEX_PATH"
    );
    write_override(&flag_dir, "from --entries");
    assert_eq!(
        shown_title(
            errdex(h.path())
                .env("ERRDEX_PATH", &path)
                .arg("--entries")
                .arg(&flag_dir)
        ),
        "from --entries"
    );
}

#[test]
fn no_bundled_leaves_the_corpus_out() {
    let h = home();
    let out = errdex(h.path())
        .args(["--no-bundled", "search", "connection reset by peer"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

#[test]
fn works_from_any_folder_with_no_files_beside_it() {
    let h = home();
    let out = errdex(h.path())
        .current_dir(h.path())
        .args(["show", SEED])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
}
