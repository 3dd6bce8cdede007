//! Detecting the versions a project pins, over hand-written project folders in
//! `tests/fixtures/projects/`, and merging them with the config file and `--have` flags.

use std::path::{Path, PathBuf};

use errdex::kb::Severity;
use errdex::kb::installed::{Detected, Installed, Source, detect, normalise_package};
use semver::Version;

fn project(case: &str) -> PathBuf {
    super::fixtures().join("projects").join(case)
}

/// (package, version, shown) of every detected version, in order.
fn listed(d: &Detected) -> Vec<(String, String, String)> {
    d.versions
        .iter()
        .map(|i| (i.package.clone(), i.version.to_string(), i.shown.clone()))
        .collect()
}

fn find<'a>(d: &'a Detected, package: &str) -> Option<&'a Installed> {
    d.versions.iter().find(|i| i.package == package)
}

fn triple(p: &str, v: &str, s: &str) -> (String, String, String) {
    (p.to_string(), v.to_string(), s.to_string())
}

#[test]
fn go_mod_toolchain_requires_and_odd_versions() {
    let d = detect(&project("go"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.found, [project("go").join("go.mod")]);
    assert_eq!(
        listed(&d),
        [
            triple("go", "1.22.3", "1.22.3"),
            triple("github.com/spf13/cobra", "1.8.0", "v1.8.0"),
            triple("github.com/jackc/pgx/v5", "5.5.5", "v5.5.5"),
            triple("grpc-go", "1.62.1", "v1.62.1"),
            triple("google.golang.org/protobuf", "1.33.0", "v1.33.0"),
            triple("github.com/docker/docker", "24.0.7", "v24.0.7+incompatible"),
            triple("github.com/inconshreveable/mousetrap", "1.1.0", "v1.1.0"),
            triple("golang.org/x/net", "0.22.0", "v0.22.0"),
            triple(
                "golang.org/x/sys",
                "0.0.0",
                "v0.0.0-20240312152122-5f08fbb34913"
            ),
            triple(
                "google.golang.org/genproto/googleapis/rpc",
                "0.0.0",
                "v0.0.0-20240318140521-94a12d6c2237"
            ),
        ]
    );
    assert!(
        d.versions
            .iter()
            .all(|i| i.source == Source::File(project("go").join("go.mod")))
    );
}

#[test]
fn cargo_lock_v3_and_v4() {
    let d = detect(&project("cargo-v3"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let syn = find(&d, "syn").expect("syn");
    assert_eq!(syn.version, Version::new(2, 0, 48), "the highest of two");
    assert_eq!(
        find(&d, "serde-derive").map(|i| i.shown.as_str()),
        Some("1.0.197")
    );
    // The openssl crate is bindings, not OpenSSL 0.10: it must not answer for `openssl`.
    assert!(find(&d, "openssl").is_none());
    assert_eq!(
        find(&d, "crates:openssl").map(|i| i.shown.as_str()),
        Some("0.10.64")
    );
    assert_eq!(d.versions.len(), 7, "{:?}", listed(&d));

    let d = detect(&project("cargo-v4"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        listed(&d),
        [
            triple("clap", "4.5.4", "4.5.4"),
            triple("clap-builder", "4.5.2", "4.5.2"),
            triple("tool", "0.2.0", "0.2.0"),
            triple("rustls", "0.23.5", "0.23.5"),
        ]
    );
}

#[test]
fn package_lock_v3_prefers_top_level_copies() {
    let d = detect(&project("npm-v3"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let shown = |p: &str| find(&d, p).map(|i| i.shown.clone());
    assert_eq!(shown("react").as_deref(), Some("18.2.0"));
    assert_eq!(shown("react-dom").as_deref(), Some("18.2.0"));
    assert_eq!(shown("@types/node").as_deref(), Some("20.11.30"));
    assert_eq!(
        shown("semver").as_deref(),
        Some("7.6.0"),
        "not the nested 5.7.2"
    );
    assert_eq!(shown("only-nested").as_deref(), Some("0.3.1"));
    assert_eq!(
        shown("lodash").as_deref(),
        Some("4.17.21"),
        "an alias's real name"
    );
    assert_eq!(
        shown("npm:mongodb").as_deref(),
        Some("6.5.0"),
        "the driver, not the server"
    );
    for absent in [
        "mongodb",
        "lodash4",
        "ui",
        "storefront",
        "some-tool/node_modules/semver",
    ] {
        assert!(find(&d, absent).is_none(), "{absent}");
    }
    assert_eq!(d.versions.len(), 9, "{:?}", listed(&d));
}

#[test]
fn package_lock_v1_reads_top_level_dependencies() {
    let d = detect(&project("npm-v1"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let mut got = listed(&d);
    got.sort();
    assert_eq!(
        got,
        [
            triple("debug", "4.3.1", "4.3.1"),
            triple("express", "4.17.1", "4.17.1"),
            triple("left-pad", "1.3.0", "1.3.0"),
            triple("npm", "6.14.18", "6.14.18"),
        ]
    );
}

#[test]
fn poetry_lock_normalises_names() {
    let d = detect(&project("poetry"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        listed(&d),
        [
            triple("certifi", "2024.2.2", "2024.2.2"),
            triple("requests", "2.31.0", "2.31.0"),
            triple("typing-extensions", "4.10.0", "4.10.0"),
            triple("pypi:kubernetes", "29.0.0", "29.0.0"),
        ]
    );
}

#[test]
fn requirements_txt_exact_pins_with_extras_markers_and_comments() {
    let d = detect(&project("pip"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        listed(&d),
        [
            triple("django", "4.2.11", "4.2.11"),
            triple("uvicorn", "0.29.0", "0.29.0"),
            triple("psycopg", "3.1.18", "3.1.18"),
            triple("torch", "2.2.1", "2.2.1"),
            triple("gunicorn", "21.2.0", "21.2.0"),
            triple("attrs", "23.2.0", "23.2.0"),
            triple("zope-interface", "6.2.0", "6.2"),
        ]
    );
}

#[test]
fn the_earlier_file_wins_and_a_package_is_listed_once() {
    let d = detect(&project("python-both"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        d.found,
        [
            project("python-both").join("poetry.lock"),
            project("python-both").join("requirements.txt"),
        ]
    );
    assert_eq!(
        listed(&d),
        [
            triple("requests", "2.31.0", "2.31.0"),
            triple("idna", "3.6.0", "3.6"),
        ]
    );
    assert_eq!(
        d.versions[0].source,
        Source::File(project("python-both").join("poetry.lock"))
    );
}

#[test]
fn broken_files_are_located_and_the_rest_still_counts() {
    let dir = project("broken");
    let d = detect(&dir);
    assert_eq!(d.found.len(), 4);
    // go.mod is read up to its unclosed block; requirements.txt is fine; the two lock
    // files are skipped.
    assert_eq!(
        listed(&d),
        [
            triple("go", "1.22.0", "1.22"),
            triple("github.com/google/uuid", "1.6.0", "v1.6.0"),
            triple("requests", "2.31.0", "2.31.0"),
        ]
    );
    let at = |name: &str| -> Vec<(usize, usize, Severity)> {
        d.problems
            .iter()
            .filter(|p| p.file.ends_with(name))
            .map(|p| (p.line, p.column, p.severity))
            .collect()
    };
    assert_eq!(
        at("go.mod"),
        [(7, 2, Severity::Warning), (5, 1, Severity::Warning)],
        "{:?}",
        d.problems
    );
    assert_eq!(
        at("Cargo.lock"),
        [(10, 1, Severity::Error)],
        "{:?}",
        d.problems
    );
    assert_eq!(
        at("package-lock.json"),
        [(7, 5, Severity::Error)],
        "{:?}",
        d.problems
    );
    let cargo = d
        .problems
        .iter()
        .find(|p| p.file.ends_with("Cargo.lock"))
        .expect("a Cargo.lock problem");
    assert!(
        cargo
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("merge-conflict"),
        "{cargo}"
    );
    let shown = cargo.to_string();
    assert!(shown.contains("Cargo.lock:10:1: error: "), "{shown}");
    assert!(
        !shown.contains('\n') || shown.contains("\n  hint: "),
        "{shown}"
    );
    assert!(d.problems.iter().all(|p| p.hint.is_some()));
}

#[test]
fn only_the_named_folder_is_read() {
    assert_eq!(detect(&project("nested")), Detected::default());
    let d = detect(&project("nested").join("service"));
    assert_eq!(d.versions.len(), 1);
    assert_eq!(d.versions[0].package, "go");
}

#[test]
fn unreadable_and_oversized_files_are_skipped_with_a_diagnostic() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path();
    std::fs::write(dir.join("go.mod"), b"module m\n\ngo 1.2\xff\n").expect("write");
    let big = std::fs::File::create(dir.join("requirements.txt")).expect("create");
    big.set_len(33 * 1024 * 1024).expect("a sparse 33 MiB file");
    std::fs::create_dir(dir.join("poetry.lock")).expect("a folder where a file should be");
    std::fs::write(
        dir.join("package-lock.json"),
        r#"{"lockfileVersion":3,"packages":{"node_modules/react":{"version":"18.3.1"}}}"#,
    )
    .expect("write");
    let d = detect(dir);
    assert_eq!(d.found.len(), 4);
    let names: Vec<&str> = d.versions.iter().map(|i| i.package.as_str()).collect();
    assert_eq!(names, ["react"]);
    let problems: Vec<(String, usize, usize)> = d
        .problems
        .iter()
        .map(|p| {
            let file = Path::new(&p.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, p.line, p.column)
        })
        .collect();
    assert_eq!(
        problems,
        [
            ("go.mod".to_string(), 3, 7),
            ("poetry.lock".to_string(), 1, 1),
            ("requirements.txt".to_string(), 1, 1),
        ]
    );
    assert!(d.problems[0].message.contains("UTF-8"));
    assert!(d.problems[2].message.contains("byte limit"));
}

#[test]
fn hostile_names_and_versions_never_reach_the_status_line() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        tmp.path().join("package-lock.json"),
        "{\"lockfileVersion\":3,\"packages\":{\
         \"node_modules/evil\\u001b[2J\":{\"version\":\"1.0.0\"},\
         \"node_modules/ok\":{\"version\":\"1.0.0\\u001b]52;c;eA==\\u0007\"},\
         \"node_modules/fine\":{\"version\":\"2.0.0\"}}}",
    )
    .expect("write");
    let d = detect(tmp.path());
    let names: Vec<&str> = d.versions.iter().map(|i| i.package.as_str()).collect();
    assert_eq!(names, ["fine"]);
    assert_eq!(d.problems.len(), 1, "one note for the skipped name");
    assert_eq!(d.problems[0].severity, Severity::Warning);
}

#[test]
fn corpus_package_names_are_already_normal() {
    // Entries name packages the way `normalise_package` leaves them, so a version held for
    // `python3` or `golang` reaches the rows that say `cpython` or `go`.
    let mut names = std::collections::BTreeSet::new();
    for loaded in errdex::kb::load::bundled() {
        for row in &loaded.entry.versions {
            if let Some(p) = &row.package {
                names.insert(p.clone());
            }
        }
    }
    assert!(names.len() >= 20, "{names:?}");
    for name in &names {
        assert_eq!(&normalise_package(name), name, "entry package `{name}`");
    }
}

/// A file of tiny distinct records just under the byte limit: what a hostile teammate can
/// commit as a project file. `record(i)` writes one record.
#[cfg(target_os = "linux")]
fn hostile_file(head: &str, record: impl Fn(usize) -> String, tail: &str) -> String {
    let limit = errdex::kb::installed::MAX_PROJECT_FILE_BYTES as usize - 4096;
    let mut text = String::with_capacity(limit + 4096);
    text.push_str(head);
    let mut i = 0;
    while text.len() + tail.len() < limit {
        text.push_str(&record(i));
        i += 1;
    }
    text.push_str(tail);
    text
}

/// Run `errdex search --json x` in `dir` and return (exit status, stderr, peak RSS in MiB)
/// of that process alone.
///
/// Linux carries the spawning process's memory high-water mark into the child's `ru_maxrss`
/// at exec, and this test process is large (it holds the hostile files, and other tests run
/// in it). So the search is spawned from a fresh, small copy of this test binary running
/// [`peak_rss_probe`], which reports what `wait4` says about its own child.
#[cfg(target_os = "linux")]
fn search_in(dir: &Path, home: &Path) -> (i32, String, u64) {
    let exe = std::env::current_exe().expect("path of the test binary");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "it::installed::peak_rss_probe",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ERRDEX_PROBE_DIR", dir)
        .env("ERRDEX_PROBE_HOME", home)
        .output()
        .expect("run the probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("errdex-probe: "))
        .unwrap_or_else(|| panic!("the probe printed no result: {stdout}"));
    let mut fields = line.split(' ');
    let code = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("exit code");
    let peak = fields.next().and_then(|f| f.parse().ok()).expect("peak");
    (
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        peak,
    )
}

/// Not a test on its own: [`search_in`] runs it in a fresh process. It runs one search in
/// `ERRDEX_PROBE_DIR`, copies the search's stderr to its own and prints the exit code and
/// the peak RSS in MiB of that child alone (`wait4`).
#[cfg(target_os = "linux")]
#[test]
#[ignore = "run by hostile_project_files_cost_bounded_memory in a fresh process"]
#[expect(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also returns its rusage"
)]
fn peak_rss_probe() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let (Some(dir), Some(home)) = (
        std::env::var_os("ERRDEX_PROBE_DIR"),
        std::env::var_os("ERRDEX_PROBE_HOME"),
    ) else {
        panic!("peak_rss_probe needs ERRDEX_PROBE_DIR and ERRDEX_PROBE_HOME");
    };
    let home = Path::new(&home);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("errdex"))
        .args(["search", "--json", "x"])
        .current_dir(dir)
        .env_remove("ERRDEX_PATH")
        .env_remove("ERRDEX_OUTCOMES")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn errdex");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our own child, not yet waited for; both pointers are valid.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    eprint!("{stderr}");
    println!("\nerrdex-probe: {code} {}", usage.ru_maxrss / 1024);
}

/// Project detection runs before every search and before the explorer's first frame, on
/// files a teammate may have committed. However the records are shaped, a file within the
/// byte limit costs bounded memory and ends in a diagnostic that names the file.
#[cfg(target_os = "linux")]
#[test]
fn hostile_project_files_cost_bounded_memory() {
    let go_mod = hostile_file(
        "module m\n\ngo 1.22\n\nrequire (\n",
        |i| format!("\tm{i} v1.{i}.0\n"),
        ")\n",
    );
    let cargo = hostile_file(
        "version = 4\n",
        |i| format!("[[package]]\nname=\"c{i}\"\nversion=\"1.{i}.0\"\n"),
        "",
    );
    let npm = hostile_file(
        "{\"lockfileVersion\":3,\"packages\":{\"\":{}",
        |i| format!(",\"node_modules/n{i}\":{{\"version\":\"1.{i}.0\"}}"),
        "}}",
    );
    let poetry_array = hostile_file("x = [", |_| "1,".to_string(), "1]\n");
    let pins = hostile_file("", |i| format!("p{i}==1.{i}\n"), "");
    let bad_pins = hostile_file("", |i| format!("p{i}==x\n"), "");
    let cases = [
        ("go.mod", go_mod),
        ("Cargo.lock", cargo),
        ("package-lock.json", npm),
        ("poetry.lock", poetry_array),
        ("requirements.txt", pins),
        ("requirements.txt", bad_pins),
    ];
    let home = tempfile::tempdir().expect("temporary folder");
    let mut failures = Vec::new();
    for (name, text) in cases {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join(name), &text).expect("write the hostile file");
        drop(text);
        let (code, stderr, peak) = search_in(dir.path(), home.path());
        let named = stderr.lines().any(|l| l.contains(name));
        // A diagnostic is its message line plus indented hints.
        let diagnostics = stderr.lines().filter(|l| !l.starts_with(' ')).count();
        // 1 is "nothing found" (the query `x` matches nothing well); 2 would be an error.
        if code > 1 || peak >= 160 || !named || diagnostics > 25 {
            failures.push(format!(
                "{name}: exit {code}, peak {peak} MiB, {diagnostics} diagnostics, first: {:?}",
                stderr.lines().next()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
