//! The bundled corpus can never ship broken, and the published JSON Schema stays in step
//! with the Rust model.

use std::collections::BTreeSet;
use std::path::Path;

use errdex::kb::entry::{
    Basis, DeadEnd, Entry, Evidence, EvidenceKind, Rate, Requirement, Snippet, Verification,
    VersionRow, VersionStatus, Workaround,
};

use super::{errdex, home, stdout};

#[test]
fn bundled_corpus_lints_clean() {
    let h = home();
    let entries = Path::new(env!("CARGO_MANIFEST_DIR")).join("entries");
    let out = errdex(h.path())
        .args(["--no-bundled", "lint"])
        .arg(&entries)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn bundled_files_are_named_after_their_ids() {
    for l in errdex::kb::load::bundled() {
        let errdex::kb::Origin::Bundled(path) = &l.origin else {
            panic!("bundled entries have bundled origins");
        };
        assert_eq!(path, &format!("entries/{}.yaml", l.entry.id));
    }
}

fn full_entry() -> Entry {
    let rate = Some(Rate {
        value: 0.5,
        basis: Basis::Measured,
    });
    Entry {
        id: "a/b".into(),
        title: "t".into(),
        domain: "a".into(),
        category: "c".into(),
        verification: Verification::Authored,
        fix_rate: rate,
        aliases: vec!["x".into()],
        patterns: vec!["t".into()],
        root_cause: "r".into(),
        versions: vec![VersionRow {
            version: "v".into(),
            status: VersionStatus::Active,
            introduced: Some("1".into()),
            deprecated: Some("2".into()),
            package: Some("p".into()),
            range: Some(">=1".into()),
        }],
        workarounds: vec![Workaround {
            title: "w".into(),
            success_rate: rate,
            snippet: Some(Snippet {
                language: "bash".into(),
                code: "true".into(),
            }),
            tradeoff: Some("t".into()),
            condition: Some("c".into()),
            requires: Some(Requirement {
                package: "p".into(),
                range: ">=1 || <0.5".into(),
            }),
        }],
        dead_ends: vec![DeadEnd {
            title: "d".into(),
            why: "y".into(),
            fail_rate: rate,
        }],
        related: vec!["a/c".into()],
        references: vec!["r".into()],
        evidence: vec![
            Evidence {
                wording: "t".into(),
                kind: EvidenceKind::Source,
                source: Some("https://github.com/o/r/blob/v1.0.0/src/x.c#L42".into()),
                note: Some("printed by > main's error path — always".into()),
            },
            Evidence {
                wording: "x".into(),
                kind: EvidenceKind::Reproduced,
                source: None,
                note: Some("`prog --fail`, prog 1.2.3".into()),
            },
        ],
        tags: vec!["t".into()],
        wrapper: true,
    }
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn json_schema_matches_the_model() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/entry.schema.json"))
            .expect("the schema is JSON");
    let entry = serde_json::to_value(full_entry()).expect("serialises");
    let defs = &schema["$defs"];
    let pairs = [
        (&schema["properties"], &entry),
        (&defs["rate"]["properties"], &entry["fix_rate"]),
        (&defs["version_row"]["properties"], &entry["versions"][0]),
        (&defs["workaround"]["properties"], &entry["workarounds"][0]),
        (
            &defs["snippet"]["properties"],
            &entry["workarounds"][0]["snippet"],
        ),
        (&defs["dead_end"]["properties"], &entry["dead_ends"][0]),
        (&defs["evidence"]["properties"], &entry["evidence"][0]),
        (
            &defs["workaround"]["properties"]["requires"]["properties"],
            &entry["workarounds"][0]["requires"],
        ),
    ];
    for (schema_props, value) in pairs {
        assert_eq!(keys(schema_props), keys(value));
    }
    let verifications: Vec<String> = Verification::ALL
        .iter()
        .map(|v| v.as_str().to_string())
        .collect();
    let listed: Vec<String> = schema["properties"]["verification"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert_eq!(verifications, listed);
}

#[test]
fn every_field_survives_the_markdown_export() {
    let mut e = full_entry();
    // Code read back from a fence ends with its last line's newline, as YAML block text does.
    if let Some(s) = e.workarounds[0].snippet.as_mut() {
        s.code.push('\n');
    }
    let (back, _) =
        errdex::kb::markdown::parse(&errdex::kb::markdown::render(&e)).expect("the export parses");
    assert_eq!(back.workarounds[0].requires, e.workarounds[0].requires);
    assert_eq!(back.versions, e.versions);
    assert_eq!(back.workarounds, e.workarounds);
    assert_eq!(back.evidence, e.evidence);
}

#[test]
fn the_readme_example_entry_is_a_valid_entry() {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## The entry format")
        .nth(1)
        .expect("README has an entry format section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a YAML example");
    let (entry, diags) = errdex::kb::load::check_text("README.md", example);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == errdex::kb::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let entry = entry.expect("parses");
    assert!(entry.workarounds[0].requires.is_some());
}
