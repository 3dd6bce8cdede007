//! Compiles the bundled corpus (`entries/**/*.yaml`) into a JSON blob embedded in the binary,
//! so errdex works from any folder and never parses YAML at run time for bundled entries.
//! A bundled file that does not parse fails the build, with its file:line:column.

use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/kb/entry.rs"]
#[allow(dead_code)]
mod entry;
#[path = "src/kb/yaml.rs"]
#[allow(dead_code)]
mod yaml;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    for item in read.flatten() {
        let path = item.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=entries");
    println!("cargo:rerun-if-changed=src/kb/entry.rs");
    println!("cargo:rerun-if-changed=src/kb/yaml.rs");
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("entries"), &mut files);
    files.sort();
    let mut bundled = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = match fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{rel}: cannot read: {e}"));
                continue;
            }
        };
        match yaml::parse_entry(&text) {
            Ok(entry) => bundled.push(serde_json::json!({ "path": rel, "entry": entry })),
            Err(e) => failures.push(format!(
                "{rel}:{}:{}: {}{}",
                e.line,
                e.column,
                e.field.map(|f| format!("{f}: ")).unwrap_or_default(),
                e.message
            )),
        }
    }
    if !failures.is_empty() {
        panic!(
            "bundled entries do not parse (run `errdex lint entries` for hints):\n{}",
            failures.join("\n")
        );
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.json");
    let json = serde_json::to_string(&bundled).expect("entries serialise to JSON");
    fs::write(out, json).expect("write bundled.json");
}
