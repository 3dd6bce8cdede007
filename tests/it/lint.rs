//! `errdex lint` on fixtures of good and bad entries: every problem as file:line:column
//! with a hint, exit 1 when any is found.

use super::{errdex, fixtures, home, stdout};

/// Lint one bad fixture and return its report.
fn lint_bad(name: &str) -> String {
    let h = home();
    let file = fixtures().join("bad").join(name);
    let out = errdex(h.path())
        .arg("lint")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "lint of {name} must fail");
    let text = stdout(&out);
    assert!(
        text.starts_with(&file.display().to_string()),
        "report names the file: {text}"
    );
    text
}

#[test]
fn good_fixtures_are_clean() {
    let h = home();
    let out = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(fixtures().join("good"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn yaml_syntax_error_has_position_and_hint() {
    let r = lint_bad("syntax.yaml");
    // The parser points at the quote that is never closed.
    assert!(r.contains("syntax.yaml:2:8: error: unclosed quote"), "{r}");
    assert!(r.contains("hint: check indentation and quoting"), "{r}");
}

#[test]
fn unknown_field_names_the_nearest_known_one() {
    let r = lint_bad("unknown-field.yaml");
    assert!(
        r.contains("unknown-field.yaml:6:1: error: unknown field `rot_cause`"),
        "{r}"
    );
    assert!(r.contains("hint: did you mean `root_cause`?"), "{r}");
}

#[test]
fn unknown_value_names_the_nearest_known_one() {
    let r = lint_bad("unknown-variant.yaml");
    assert!(
        r.contains("unknown-variant.yaml:5:15: error: unknown variant `autored`"),
        "{r}"
    );
    assert!(r.contains("did you mean `authored`?"), "{r}");
}

#[test]
fn missing_field_says_what_to_add() {
    let r = lint_bad("missing-field.yaml");
    assert!(r.contains("error: missing field `root_cause`"), "{r}");
    assert!(r.contains("hint: add `root_cause:`"), "{r}");
}

#[test]
fn bad_id_is_reported_at_the_id() {
    let r = lint_bad("bad-id.yaml");
    assert!(
        r.contains(
            "bad-id.yaml:1:1: error: id: id `Net_Bad ID` is not of the form <domain>/<slug>"
        ),
        "{r}"
    );
}

#[test]
fn rate_outside_range_points_at_the_rate() {
    let r = lint_bad("rate.yaml");
    assert!(
        r.contains(
            "rate.yaml:9:5: error: workarounds[0].success_rate.value: rate 1.5 is outside 0..=1"
        ),
        "{r}"
    );
    assert!(r.contains("hint: write rates as fractions"), "{r}");
}

#[test]
fn pattern_that_does_not_compile_points_at_the_pattern() {
    let r = lint_bad("bad-pattern.yaml");
    assert!(
        r.contains(
            "bad-pattern.yaml:8:5: error: patterns[1]: pattern `(unclosed` does not compile"
        ),
        "{r}"
    );
}

#[test]
fn pattern_that_matches_nothing_is_a_warning() {
    let r = lint_bad("unmatched-pattern.yaml");
    assert!(r.contains("unmatched-pattern.yaml:7:5: warning: patterns[0]: pattern `something else` matches neither the title nor any alias"), "{r}");
}

#[test]
fn package_names_not_written_as_compared_are_warnings() {
    let r = lint_bad("package-name.yaml");
    assert!(
        r.contains("package-name.yaml:12:5: warning: versions[0].package: package `Python3` is written `cpython` where versions are compared"),
        "{r}"
    );
    assert!(r.contains("write `package: cpython`"), "{r}");
    assert!(
        r.contains("requires.package: package `golang` is written `go`"),
        "{r}"
    );
    // `go` is already normal: one warning per bad name, none for it.
    assert_eq!(r.matches("where versions are compared").count(), 2, "{r}");
}

#[test]
fn empty_title_and_snippet_are_errors() {
    let r = lint_bad("empty-title.yaml");
    assert!(
        r.contains("empty-title.yaml:2:1: error: title: title is empty"),
        "{r}"
    );
    let r = lint_bad("empty-snippet.yaml");
    assert!(
        r.contains("empty-snippet.yaml:11:7: error: workarounds[0].snippet.code: snippet is empty"),
        "{r}"
    );
}

#[test]
fn duplicate_ids_across_files_are_reported() {
    let h = home();
    let bad = fixtures().join("bad");
    let out = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(bad.join("dup-a.yaml"))
        .arg(bad.join("dup-b.yaml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let r = stdout(&out);
    assert!(
        r.contains("dup-b.yaml:1:1: error: duplicate id `net/dup`"),
        "{r}"
    );
    assert!(
        r.contains("dup-a.yaml"),
        "the hint names the first file: {r}"
    );
}

#[test]
fn a_bad_file_does_not_stop_the_others() {
    let h = home();
    let out = errdex(h.path())
        .args(["--no-bundled", "--entries"])
        .arg(fixtures().join("bad"))
        .args(["--entries"])
        .arg(fixtures().join("good"))
        .args(["search", "--json", "sample fixture"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("net/sample-refused"));
    assert!(
        super::stderr(&out).contains("skipped because of errors (run `errdex lint` for details)"),
        "{}",
        super::stderr(&out)
    );
}

#[test]
fn the_evidence_rule_names_each_unbacked_wording_and_bad_item() {
    let r = lint_bad("evidence.yaml");
    // The alias the second item misquotes is left unbacked, at its own line.
    assert!(
        r.contains(
            "evidence.yaml:7:5: warning: aliases[0]: a `reviewed` entry's alias `connect ECONNREFUSED 10.0.0.1:5432` has no evidence"
        ),
        "{r}"
    );
    assert!(
        r.contains("evidence.yaml:15:5: warning: evidence[1].wording: evidence backs `connect ECONNREFUSED 10.0.0.1`, which is neither the title nor an alias"),
        "{r}"
    );
    assert!(
        r.contains("evidence.yaml:14:5: warning: evidence[0].source: source `https://github.com/golang/go/blob/master/src/net/dial.go#L10` links a branch, which moves"),
        "{r}"
    );
    assert!(
        r.contains("evidence.yaml:18:5: warning: evidence[2]: reproduced evidence has no `note`"),
        "{r}"
    );
    // The title is backed, so it is not reported.
    assert!(!r.contains("entry's title has no evidence"), "{r}");
}

#[test]
fn a_backed_reviewed_entry_is_clean_and_an_authored_one_needs_no_evidence() {
    let h = home();
    let dir = tempfile::tempdir().expect("tempdir");
    let good = "id: net/backed\ntitle: \"boom: it failed\"\ndomain: net\ncategory: c\n\
        verification: reviewed\naliases: [\"boom!\"]\nroot_cause: r\nevidence:\n\
        \x20 - { wording: \"boom: it failed\", kind: source, source: \"https://github.com/o/r/blob/v1.2.0/x.c#L7\" }\n\
        \x20 - { wording: \"boom!\", kind: reproduced, note: \"`boom --fail`, boom 1.2.0\" }\n";
    std::fs::write(dir.path().join("backed.yaml"), good).expect("write");
    let authored = "id: net/plain\ntitle: \"plain failure\"\ndomain: net\ncategory: c\n\
        verification: authored\nroot_cause: r\n";
    std::fs::write(dir.path().join("plain.yaml"), authored).expect("write");
    let out = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Taking the evidence away from the reviewed entry makes it fail.
    let bare: String = good
        .split("evidence:")
        .next()
        .unwrap_or_default()
        .to_string();
    std::fs::write(dir.path().join("backed.yaml"), bare).expect("write");
    let out = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let r = stdout(&out);
    assert!(
        r.contains("backed.yaml:2:1: warning: title: a `reviewed` entry's title has no evidence"),
        "{r}"
    );
    assert!(r.contains("alias `boom!` has no evidence"), "{r}");
}

#[test]
fn loading_for_a_search_parses_patterns_and_lint_compiles_them() {
    use errdex::kb::validate::{Depth, validate_at};
    let (loaded, _) = errdex::kb::load::load_path(&super::fixtures().join("good"));
    let mut e = loaded.into_iter().next().expect("the fixture entry").entry;
    // A pattern that matches none of the wordings: lint warns, a search load does not care.
    e.patterns = vec!["never in any wording".into()];
    let warned = |d: Depth| {
        validate_at(&e, d)
            .iter()
            .any(|p| p.message.contains("matches neither"))
    };
    assert!(warned(Depth::Full));
    assert!(!warned(Depth::Load));
    // A pattern that does not parse is an error either way: the entry is skipped.
    e.patterns = vec!["(unclosed".into()];
    for d in [Depth::Full, Depth::Load] {
        assert!(
            validate_at(&e, d)
                .iter()
                .any(|p| p.severity == errdex::kb::Severity::Error
                    && p.message.contains("does not compile")),
            "{d:?}"
        );
    }
}
