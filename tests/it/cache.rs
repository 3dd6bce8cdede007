//! The cache of user entry folders: reused when nothing changed, never stale, never fatal.

use std::fs;
use std::path::Path;

use super::{errdex, home, stderr, stdout};

/// An entry file's text with this id and title word.
fn entry(id: &str, word: &str) -> String {
    format!(
        "id: {id}\ntitle: \"{word} happened in the cache test\"\ndomain: net\ncategory: network_error\n\
         verification: authored\nroot_cause: |\n  A test entry about {word}.\nworkarounds:\n  - title: Do a thing\n    \
         snippet:\n      language: bash\n      code: |\n        echo {word}\ndead_ends:\n  - title: Wait\n    why: It does not pass.\n"
    )
}

/// `errdex search --json --no-bundled QUERY` with `dir` as ERRDEX_PATH: the ids found, and
/// stderr.
fn search(home: &Path, dir: &Path, query: &str, extra: &[&str]) -> (Vec<String>, String) {
    let out = errdex(home)
        .env("ERRDEX_PATH", dir)
        .args(extra)
        .args(["--no-bundled", "search", "--json", query])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let ids = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (ids, stderr(&out))
}

/// The title of entry `id` as loaded with `dir` as ERRDEX_PATH, None when it is not there.
fn title(home: &Path, dir: &Path, id: &str) -> Option<String> {
    title_checked(home, dir, id, None)
}

/// [`title`], with ERRDEX_CACHE_CHECK set to `check` when there is one.
fn title_checked(home: &Path, dir: &Path, id: &str, check: Option<&str>) -> Option<String> {
    let mut cmd = errdex(home);
    cmd.env("ERRDEX_PATH", dir);
    if let Some(check) = check {
        cmd.env("ERRDEX_CACHE_CHECK", check);
    }
    let out = cmd
        .args(["--no-bundled", "show", "--json", id])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    v["title"].as_str().map(String::from)
}

/// A team folder under `home` with an empty `net` domain folder in it.
fn team(home: &Path) -> std::path::PathBuf {
    let dir = home.join("team");
    fs::create_dir_all(dir.join("net")).expect("mkdir");
    dir
}

fn cache_files(home: &Path) -> Vec<std::path::PathBuf> {
    let dir = home.join("cache/errdex");
    fs::read_dir(&dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("sources-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The snapshot of the sources, if one was written.
fn snapshot_file(home: &Path) -> Option<std::path::PathBuf> {
    fs::read_dir(home.join("cache/errdex"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("snapshot-"))
        })
}

/// Make the time of `path` (a file or a folder) older than the cache's racy window, as one
/// changed a while ago is. The owner may set it through a read-only handle.
fn age(path: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let f = fs::File::open(path).expect("open");
    f.set_modified(old).expect("set mtime");
}

#[test]
fn the_cache_follows_edits_additions_and_deletions() {
    let h = home();
    let dir = team(h.path());
    let a = dir.join("net/a.yaml");
    let b = dir.join("net/b.yaml");
    fs::write(&a, entry("net/a", "kumquat")).expect("write");
    fs::write(&b, entry("net/b", "rutabaga")).expect("write");
    age(&a);
    age(&b);
    let (ids, _) = search(h.path(), &dir, "kumquat happened", &[]);
    assert_eq!(ids.first().map(String::as_str), Some("net/a"));
    assert_eq!(cache_files(h.path()).len(), 1, "one cache for the folder");
    // Served from the cache: the same answer.
    let cached = fs::metadata(&cache_files(h.path())[0])
        .expect("cache")
        .modified()
        .ok();
    let (ids, _) = search(h.path(), &dir, "kumquat happened", &[]);
    assert_eq!(ids.first().map(String::as_str), Some("net/a"));
    let again = fs::metadata(&cache_files(h.path())[0])
        .expect("cache")
        .modified()
        .ok();
    assert_eq!(
        cached, again,
        "an unchanged folder does not rewrite its cache"
    );

    // An edit (same size would not matter: the time changed too) is seen at once.
    fs::write(&a, entry("net/a", "persimmon")).expect("edit");
    let (ids, _) = search(h.path(), &dir, "persimmon happened", &[]);
    assert_eq!(ids.first().map(String::as_str), Some("net/a"), "edit seen");
    let t = title(h.path(), &dir, "net/a").expect("net/a loads");
    assert!(t.starts_with("persimmon"), "old text gone: {t}");

    // A new file is loaded, a deleted one is gone.
    let c = dir.join("net/c.yaml");
    fs::write(&c, entry("net/c", "kohlrabi")).expect("write");
    fs::remove_file(&b).expect("delete");
    let (ids, _) = search(h.path(), &dir, "kohlrabi happened", &[]);
    assert_eq!(ids.first().map(String::as_str), Some("net/c"));
    assert_eq!(title(h.path(), &dir, "net/b"), None, "deleted entry gone");
    assert!(title(h.path(), &dir, "net/a").is_some());

    // A broken file stays reported when its result comes from the cache.
    fs::write(&c, "id: [unclosed\n").expect("break");
    age(&c);
    for _ in 0..2 {
        let out = errdex(h.path())
            .env("ERRDEX_PATH", &dir)
            .args(["--no-bundled", "search", "persimmon happened"])
            .output()
            .expect("runs");
        assert!(
            stderr(&out).contains("1 entry file skipped"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_garbled_or_truncated_cache_is_ignored_with_one_warning_and_rebuilt() {
    let h = home();
    let dir = team(h.path());
    let a = dir.join("net/a.yaml");
    fs::write(&a, entry("net/a", "kumquat")).expect("write");
    age(&a);
    search(h.path(), &dir, "kumquat happened", &[]);
    let cache = cache_files(h.path()).pop().expect("a cache");
    let snapshot = snapshot_file(h.path()).expect("a snapshot");
    let good = fs::read(&cache).expect("read");
    let good_snapshot = fs::read(&snapshot).expect("read");
    // A garbled snapshot is not used: the folders are read again, quietly.
    let mut flipped = good_snapshot.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    for bad in [
        good_snapshot[..good_snapshot.len() / 2].to_vec(),
        flipped,
        b"\x00\xffnot a snapshot".to_vec(),
        Vec::new(),
    ] {
        fs::write(&snapshot, &bad).expect("garble");
        let (ids, err) = search(h.path(), &dir, "kumquat happened", &[]);
        assert_eq!(ids.first().map(String::as_str), Some("net/a"), "{err}");
        assert!(err.is_empty(), "{err}");
        assert_eq!(
            fs::read(&snapshot).ok().map(|b| b.len()),
            Some(good_snapshot.len())
        );
    }
    // A record changed inside a snapshot that is otherwise whole: that entry is read from
    // its file again, never shown as the changed record says.
    let mut changed = good_snapshot.clone();
    let at = changed.len() - 20;
    changed[at] ^= 0x01;
    fs::write(&snapshot, &changed).expect("change a record");
    let out = errdex(h.path())
        .env("ERRDEX_PATH", &dir)
        .args(["--no-bundled", "show", "--json", "net/a"])
        .output()
        .expect("runs");
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        shown["title"].as_str(),
        Some("kumquat happened in the cache test"),
        "{}",
        stdout(&out)
    );
    // The changed byte is in the record's last field.
    assert_eq!(
        shown["dead_ends"][0]["why"].as_str(),
        Some("It does not pass."),
        "{}",
        stdout(&out)
    );
    // A garbled folder cache, once the snapshot is gone, gives one warning.
    for bad in [
        good[..good.len() / 2].to_vec(),
        b"\x00\xffnot json at all".to_vec(),
        Vec::new(),
    ] {
        fs::write(&cache, &bad).expect("garble");
        fs::remove_file(&snapshot).expect("remove the snapshot");
        let (ids, err) = search(h.path(), &dir, "kumquat happened", &[]);
        assert_eq!(ids.first().map(String::as_str), Some("net/a"), "{err}");
        assert_eq!(err.matches("could not be read").count(), 1, "{err}");
        // Rebuilt: the next run is quiet and still right.
        let (ids, err) = search(h.path(), &dir, "kumquat happened", &[]);
        assert_eq!(ids.first().map(String::as_str), Some("net/a"));
        assert!(err.is_empty(), "{err}");
    }
}

#[test]
fn no_cache_leaves_no_cache_and_paths_shows_it() {
    let h = home();
    let dir = team(h.path());
    fs::write(dir.join("net/a.yaml"), entry("net/a", "kumquat")).expect("write");
    let (ids, _) = search(h.path(), &dir, "kumquat happened", &["--no-cache"]);
    assert_eq!(ids.first().map(String::as_str), Some("net/a"));
    assert!(cache_files(h.path()).is_empty());
    search(h.path(), &dir, "kumquat happened", &[]);
    let out = errdex(h.path()).arg("paths").output().expect("runs");
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("cache:") && l.contains("1 folder cache")),
        "{text}"
    );
}

#[test]
fn two_processes_writing_the_cache_at_once_leave_a_whole_one() {
    let h = home();
    let dir = team(h.path());
    for i in 0..200 {
        let f = dir.join(format!("net/e{i}.yaml"));
        fs::write(&f, entry(&format!("net/e{i}"), &format!("word{i}x"))).expect("write");
        age(&f);
    }
    for round in 0..4 {
        // Each round changes a file, so both processes rewrite the cache.
        let f = dir.join("net/e7.yaml");
        fs::write(&f, entry("net/e7", &format!("round{round}x"))).expect("edit");
        age(&f);
        let spawn = || {
            super::errdex_process(h.path())
                .env("ERRDEX_PATH", &dir)
                .args(["--no-bundled", "search", "--json", "word150x happened"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (p1, p2) = (spawn(), spawn());
        for p in [p1, p2] {
            let out = p.wait_with_output().expect("waits");
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            assert!(stderr(&out).is_empty(), "{}", stderr(&out));
            assert!(stdout(&out).contains("net/e150"));
        }
        // The cache left behind is whole and current: a third run reads it without a word
        // and sees this round's edit.
        let (ids, err) = search(h.path(), &dir, &format!("round{round}x happened"), &[]);
        assert!(err.is_empty(), "{err}");
        assert_eq!(ids.first().map(String::as_str), Some("net/e7"));
        assert_eq!(cache_files(h.path()).len(), 1);
    }
}

#[test]
fn the_folder_check_follows_added_and_deleted_files_but_not_edits_in_place() {
    let h = home();
    let dir = team(h.path());
    let net = dir.join("net");
    let a = net.join("a.yaml");
    let b = net.join("b.yaml");
    fs::write(&a, entry("net/a", "kumquat")).expect("write");
    fs::write(&b, entry("net/b", "rutabaga")).expect("write");
    for f in [&a, &b] {
        age(f);
    }
    age(&net);
    age(&dir);
    let t = title_checked(h.path(), &dir, "net/a", Some("folders"));
    assert!(t.is_some_and(|t| t.starts_with("kumquat")));
    let snapshot = snapshot_file(h.path()).expect("a snapshot is written");
    let written = fs::metadata(&snapshot).and_then(|m| m.modified()).ok();

    // An edit in place leaves the folder's time alone: the folder check does not see it
    // (the price of the opt-in), and the snapshot is used as it is, not rewritten.
    fs::write(&a, entry("net/a", "persimmon")).expect("edit");
    age(&a);
    let t = title_checked(h.path(), &dir, "net/a", Some("folders")).expect("net/a loads");
    assert!(
        t.starts_with("kumquat"),
        "the folder check reads no file: {t}"
    );
    assert_eq!(
        written,
        fs::metadata(&snapshot).and_then(|m| m.modified()).ok(),
        "an unchanged folder does not rewrite the snapshot"
    );
    // The default check stats every file and sees the edit at once.
    let t = title_checked(h.path(), &dir, "net/a", Some("files")).expect("net/a loads");
    assert!(t.starts_with("persimmon"), "the file check sees edits: {t}");

    // Adding and deleting files changes the folder's time: both are seen.
    let c = net.join("c.yaml");
    fs::write(&c, entry("net/c", "kohlrabi")).expect("write");
    fs::remove_file(&b).expect("delete");
    let t = title_checked(h.path(), &dir, "net/c", Some("folders"));
    assert!(
        t.is_some_and(|t| t.starts_with("kohlrabi")),
        "added file seen"
    );
    assert_eq!(
        title_checked(h.path(), &dir, "net/b", Some("folders")),
        None,
        "deleted file gone"
    );
    // A new subfolder changes its parent's time, and its files are found.
    let more = dir.join("more/net");
    fs::create_dir_all(&more).expect("mkdir");
    fs::write(more.join("d.yaml"), entry("net/d", "parsnip")).expect("write");
    let t = title_checked(h.path(), &dir, "net/d", Some("folders"));
    assert!(
        t.is_some_and(|t| t.starts_with("parsnip")),
        "new folder seen"
    );
}

#[test]
fn an_unknown_cache_check_is_named_and_every_file_is_checked() {
    let h = home();
    let dir = team(h.path());
    let a = dir.join("net/a.yaml");
    fs::write(&a, entry("net/a", "kumquat")).expect("write");
    age(&a);
    let out = errdex(h.path())
        .env("ERRDEX_PATH", &dir)
        .env("ERRDEX_CACHE_CHECK", "folder")
        .args(["--no-bundled", "search", "--json", "kumquat happened"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("ERRDEX_CACHE_CHECK=\"folder\"") && err.contains("`folders`"),
        "{err}"
    );
    // It falls back to the file check, which sees an edit in place.
    fs::write(&a, entry("net/a", "persimmon")).expect("edit");
    age(&a);
    let t = title_checked(h.path(), &dir, "net/a", Some("folder")).expect("loads");
    assert!(t.starts_with("persimmon"), "{t}");
    let out = errdex(h.path())
        .env("ERRDEX_CACHE_CHECK", "folders")
        .arg("paths")
        .output()
        .expect("runs");
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("cache check:") && l.contains("folders")),
        "{}",
        stdout(&out)
    );
}
