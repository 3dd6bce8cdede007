//! `errdex import`: the seed's Markdown (with its defects) and deadends.dev canons become
//! entries that pass lint; the seed survives a round trip through Markdown.

use std::fs;

use errdex::kb::markdown;

use super::{NON_SOFTWARE, errdex, fixtures, home, shared, stderr, stdout};

const SEED: &str = "grpc/grpc-connection-reset-by-peer";

#[test]
fn seed_round_trips_through_markdown_with_the_same_facts() {
    let h = home();
    let out_dir = h.path().join("imported");
    let out = errdex(h.path())
        .args(["import", "--format", "markdown"])
        .arg(fixtures().join("seed.md"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let notes = stderr(&out);
    assert!(notes.contains("dead end 1 had no title"), "{notes}");
    assert!(
        notes.contains("workaround 1 had a snippet that only repeated its title"),
        "{notes}"
    );
    assert!(
        out_dir
            .join("grpc/grpc-connection-reset-by-peer.yaml")
            .is_file()
    );

    let lint = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));

    let shown = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(&out_dir)
        .args(["show", "--markdown", SEED])
        .output()
        .expect("runs");
    let (back, _) = markdown::parse(&stdout(&shown)).expect("export parses");
    let original = fs::read_to_string(fixtures().join("seed.md")).expect("seed");
    let (seed, _) = markdown::parse(&original).expect("seed parses");

    assert_eq!(back.id, SEED);
    assert_eq!(back.title, seed.title);
    assert_eq!(
        (back.domain.as_str(), back.category.as_str()),
        ("grpc", "network_error")
    );
    assert_eq!(back.verification, seed.verification);
    assert_eq!(back.fix_rate.map(|r| r.percent()), Some(76));
    assert_eq!(back.root_cause, seed.root_cause);
    assert_eq!(back.versions, seed.versions);
    assert_eq!(back.versions.len(), 3);
    let rates = |e: &errdex::kb::Entry| -> Vec<(String, u32)> {
        e.workarounds
            .iter()
            .map(|w| (w.title.clone(), w.success_rate.map_or(0, |r| r.percent())))
            .collect()
    };
    assert_eq!(rates(&back), rates(&seed));
    assert_eq!(
        rates(&back).iter().map(|r| r.1).collect::<Vec<_>>(),
        [80, 75, 70],
        "best first"
    );
    let dead = |e: &errdex::kb::Entry| -> Vec<(String, u32)> {
        e.dead_ends
            .iter()
            .map(|d| (d.why.clone(), d.fail_rate.map_or(0, |r| r.percent())))
            .collect()
    };
    assert_eq!(dead(&back), dead(&seed));
    assert_eq!(
        dead(&back).iter().map(|d| d.1).collect::<Vec<_>>(),
        [80, 70, 85]
    );
    assert!(back.dead_ends.iter().all(|d| !d.title.is_empty()));
}

#[test]
fn bundled_entry_round_trips_through_markdown_exactly() {
    let h = home();
    let shown = errdex(h.path())
        .args(["show", "--markdown", "tcp/connection-reset-by-peer"])
        .output()
        .expect("runs");
    let (back, repairs) = markdown::parse(&stdout(&shown)).expect("parses");
    assert!(repairs.notes.is_empty(), "{:?}", repairs.notes);
    let json = errdex(h.path())
        .args(["show", "--json", "tcp/connection-reset-by-peer"])
        .output()
        .expect("runs");
    let original: errdex::kb::Entry = serde_json::from_slice(&json.stdout).expect("entry JSON");
    let mut expected = original.clone();
    expected.root_cause = expected.root_cause.trim().to_string();
    assert_eq!(back, expected);
}

#[test]
fn import_never_overwrites_without_force() {
    let h = home();
    let out_dir = h.path().join("imported");
    let run = |force: bool| {
        let mut cmd = errdex(h.path());
        cmd.arg("import")
            .arg(fixtures().join("seed.md"))
            .arg("--out")
            .arg(&out_dir);
        if force {
            cmd.arg("--force");
        }
        cmd.output().expect("runs")
    };
    assert_eq!(run(false).status.code(), Some(0));
    let file = out_dir.join("grpc/grpc-connection-reset-by-peer.yaml");
    fs::write(&file, "# edited by hand\n").expect("edit");
    let second = run(false);
    assert_eq!(second.status.code(), Some(1));
    assert!(stderr(&second).contains("exists (use --force to overwrite)"));
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        "# edited by hand\n"
    );
    assert_eq!(run(true).status.code(), Some(0));
    assert!(
        fs::read_to_string(&file)
            .expect("read")
            .contains("id: grpc/")
    );
}

/// A small canon in the deadends.dev shape, written here for the test.
const CANON: &str = r#"{
  "id": "demo/widget-jammed/v2-linux",
  "error": {"signature": "WidgetError: widget jammed at gear 3", "regex": "widget jammed at gear \\d+",
            "domain": "demo", "category": "runtime error"},
  "environment": {"runtime": {"name": "widget", "version_range": ">=2.0,<3.0"}, "os": "linux"},
  "verdict": {"fix_success_rate": 0.6, "summary": "Gears bind when the widget overheats."},
  "dead_ends": [{"action": "Hit the widget", "why_fails": "The gear stays bound.", "fail_rate": 0.9,
                 "sources": ["https://example.com/widget-manual"]}],
  "workarounds": [{"action": "Let it cool", "success_rate": 0.5},
                  {"action": "Oil gear 3", "how": "widgetctl oil --gear 3", "success_rate": 0.7, "condition": "v2 only"}],
  "transition_graph": {"leads_to": [{"error_id": "demo/widget-broken/v2-linux"}]},
  "metadata": {"review_status": "human_reviewed"}
}"#;

#[test]
fn deadends_canon_converts_with_estimated_rates() {
    let h = home();
    let src = h.path().join("canons/demo/widget-jammed");
    fs::create_dir_all(&src).expect("mkdir");
    fs::write(src.join("v2-linux.json"), CANON).expect("write");
    let out_dir = h.path().join("out");
    let out = errdex(h.path())
        .args(["import", "--format", "deadends"])
        .arg(h.path().join("canons"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(&out_dir)
        .args(["show", "--json", "demo/widget-jammed-v2-linux"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    // errdex's `reviewed` needs evidence for every wording, which canons do not carry.
    assert_eq!(v["verification"], "community");
    assert_eq!(v["category"], "runtime_error");
    assert_eq!(v["fix_rate"]["basis"], "estimated");
    assert_eq!(v["workarounds"][0]["title"], "Oil gear 3", "best first");
    assert_eq!(
        v["workarounds"][0]["snippet"]["code"],
        "widgetctl oil --gear 3\n"
    );
    assert_eq!(v["dead_ends"][0]["fail_rate"]["value"], 0.9);
    assert_eq!(v["versions"][0]["range"], ">=2.0,<3.0");
    assert_eq!(v["related"][0], "demo/widget-broken-v2-linux");
    assert_eq!(v["patterns"][0], "(?i)widget jammed at gear \\d+");
}

#[test]
fn deadends_data_set_imports_and_lints_clean() {
    let Some(canons) = shared("datasets/deadends-canons") else {
        eprintln!("skipped: ../shared/datasets/deadends-canons is absent");
        return;
    };
    let h = home();
    let out_dir = h.path().join("out");
    let mut cmd = errdex(h.path());
    cmd.args(["import", "--format", "deadends"])
        .arg(&canons)
        .arg("--out")
        .arg(&out_dir);
    for d in NON_SOFTWARE {
        cmd.args(["--skip-domain", d]);
    }
    let out = cmd.output().expect("runs");
    let report = stderr(&out);
    let summary = report.lines().last().unwrap_or_default().to_string();
    assert!(summary.contains(" 0 failed"), "{summary}");
    let written: usize = summary
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(written > 1500, "most software canons import: {summary}");
    let lint = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    let problems = stdout(&lint);
    // Two kinds of finding come from the data itself and are reported, not hidden:
    // related ids that point at canons of skipped domains, and environment variants of one
    // canon (`…-docker24-linux`, `…-docker24-macos`) that share a title.
    let shared_titles = problems
        .lines()
        .filter(|l| l.contains("is also the title of"))
        .count();
    let real: Vec<&str> = problems
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .filter(|l| !l.contains("no entry has the id") && !l.contains("is also the title of"))
        .collect();
    eprintln!("deadends import: {written} entries, {shared_titles} titles shared between variants");
    assert!(
        real.is_empty(),
        "{} problems, first: {:?}",
        real.len(),
        real.first()
    );
    assert!(
        shared_titles * 50 < written,
        "shared titles stay rare: {shared_titles}"
    );
}
