//! Arbitrary input never panics the parsers and normalisers, and each call finishes fast.

use std::time::{Duration, Instant};

use errdex::kb::load::check_text;
use errdex::kb::markdown;
use errdex::kb::search::{normalize, query};
use proptest::prelude::*;

/// Text that looks enough like the real thing to reach deep code paths.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("id: a/b\n".to_string()),
                Just("title: x\n".to_string()),
                Just("workarounds:\n  - title: w\n".to_string()),
                Just("    snippet: {language: bash, code: x}\n".to_string()),
                Just(
                    "# T\n- **ID:** `a/b`\n## Workarounds\n1. **x** (80% success)\n   ```\n"
                        .to_string()
                ),
                Just("## Dead Ends\n- **** — why (70% fail)\n".to_string()),
                Just("'exact ^pre suf$ !not a | b domain:x ".to_string()),
                Just("{\"msg\":\"x\",\"err\":{\"message\":\"y\"}}\n".to_string()),
                Just("\tat com.x.Y(Y.java:1)\nCaused by: z\n".to_string()),
                Just(
                    "2026-11-24T10:32:11Z 10.0.0.1:80 3f2504e0-4f89-11d3-9a0c-0305e82c3301 "
                        .to_string()
                ),
                "[ -~]{0,40}",
                "[\\x00-\\x1f]{0,8}",
            ],
            0..40,
        )
        .prop_map(|v| v.concat()),
    ]
}

fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "{what} took {:?}",
        t.elapsed()
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_loader_never_panics(text in texty()) {
        let (entry, diags) = quick("check_text", || check_text("x.yaml", &text));
        prop_assert!(entry.is_some() || !diags.is_empty());
        for d in diags {
            prop_assert!(d.line >= 1 && d.column >= 1);
        }
    }

    #[test]
    fn the_markdown_reader_never_panics(text in texty()) {
        let _ = quick("markdown::parse", || markdown::parse(&text));
    }

    #[test]
    fn the_query_parser_never_panics(text in texty()) {
        let q = quick("query::parse", || query::parse(&text));
        prop_assert!(q.groups.iter().all(|g| !g.is_empty()));
    }

    #[test]
    fn the_normaliser_never_panics(text in texty()) {
        let n = quick("normalize", || normalize::normalize(&text));
        for l in n.lines {
            prop_assert!(!l.masked.is_empty());
            prop_assert!(l.weight >= 1.0);
        }
    }
}

/// The search skips compiling a pattern when the query holds none of its prefilter
/// literals, so every wording a pattern matches must hold one of them: checked over the
/// bundled corpus and the imported deadends.dev canons (whose patterns are mostly
/// alternations), where present.
#[test]
fn every_wording_a_pattern_matches_holds_one_of_its_literals() {
    let mut entries = super::bundled_entries();
    match super::deadends_entries() {
        Some(more) => entries.extend(more),
        None => eprintln!("skipped the canons: ../shared/datasets/deadends-canons is absent"),
    }
    let (mut checked, mut prefiltered) = (0, 0);
    for e in &entries {
        for p in &e.patterns {
            let (Ok(re), Some(lits)) = (
                errdex::kb::pattern::compile(p),
                errdex::kb::pattern::any_literal(p),
            ) else {
                continue;
            };
            prefiltered += 1;
            for w in std::iter::once(&e.title).chain(&e.aliases) {
                if re.is_match(w) {
                    checked += 1;
                    let lower = w.to_lowercase();
                    assert!(
                        lits.iter().any(|l| lower.contains(l.as_str())),
                        "{}: {p} matches {w:?} but holds none of {lits:?}",
                        e.id
                    );
                }
            }
        }
    }
    assert!(
        prefiltered > 500 && checked > 500,
        "{prefiltered} {checked}"
    );
}
