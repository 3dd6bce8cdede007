//! Compiles the bundled corpus (`entries/**/*.yaml`) into a blob embedded in the binary, so
//! errdex works from any folder, never parses YAML at run time for bundled entries, and
//! starts without building an index: the blob holds each entry as a record decoded on first
//! use, the packages the entries name, and the search index over them, built here by the
//! same code that builds indexes at run time. A bundled file that does not parse fails the
//! build, with its file:line:column.

use std::fs;
use std::path::{Path, PathBuf};

/// The modules the blob is made with, compiled from the library's own files.
#[path = "src/kb"]
#[allow(dead_code, unused_imports)]
mod kb {
    pub mod codec;
    pub mod entry;
    pub mod pattern;
    pub mod search;
    pub mod yaml;
    pub use entry::Entry;
}

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
    println!("cargo:rerun-if-changed=src/kb");
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    collect(&root.join("entries"), &mut files);
    files.sort();
    let mut bundled: Vec<(String, kb::Entry)> = Vec::new();
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
        match kb::yaml::parse_entry(&text) {
            Ok(entry) => bundled.push((rel, entry)),
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
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.bin");
    fs::write(out, blob(&bundled)).expect("write bundled.bin");
}

/// The blob `kb::load` reads: a format number, then per entry its path, id and JSON record,
/// then the packages named, then the index.
fn blob(bundled: &[(String, kb::Entry)]) -> Vec<u8> {
    let mut w = kb::codec::Writer::default();
    w.u32(kb::entry::BUNDLED_FORMAT);
    w.usize(bundled.len());
    for (path, entry) in bundled {
        w.str(path);
        w.str(&entry.id);
        w.bytes(&serde_json::to_vec(entry).expect("entries serialise to JSON"));
    }
    let mut packages: Vec<&str> = bundled.iter().flat_map(|(_, e)| e.packages()).collect();
    packages.sort_unstable();
    packages.dedup();
    w.usize(packages.len());
    for p in packages {
        w.str(p);
    }
    let entries: Vec<&kb::Entry> = bundled.iter().map(|(_, e)| e).collect();
    w.bytes(&kb::search::Index::new(&entries).to_bytes());
    w.buf
}
