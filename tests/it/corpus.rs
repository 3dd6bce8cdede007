//! Quality gates for the bundled corpus: size, coverage of the listed messages (by running
//! the real search), the writing rules, and snippets that parse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use super::bundled_entries;
use errdex::kb::Entry;
use errdex::kb::entry::Verification;
use errdex::kb::load::bundled;
use errdex::kb::search::{Index, words};

const SEED: &str = "grpc/grpc-connection-reset-by-peer";

#[test]
fn at_least_300_entries_in_40_domains() {
    let entries = bundled_entries();
    let domains: BTreeSet<&str> = entries.iter().map(|e| e.domain.as_str()).collect();
    eprintln!(
        "corpus: {} entries in {} domains",
        entries.len(),
        domains.len()
    );
    assert!(entries.len() >= 300, "{} entries", entries.len());
    assert!(domains.len() >= 40, "{} domains", domains.len());
}

/// Placeholders of CORPUS-TOPICS.md filled with plausible values; single letters mean
/// different things in different domains.
fn fill(domain: &str, message: &str) -> String {
    let local: &[(&str, &str)] = match domain {
        "terraform" => &[
            ("<a>", "aws_security_group.app"),
            ("<b>", "aws_security_group.db"),
        ],
        "cuda-pytorch" => &[
            ("<a>", "64"),
            ("<b>", "9216"),
            ("<c>", "4096"),
            ("<d>", "128"),
        ],
        "cargo" => &[
            ("<c>", "openssl-sys"),
            ("<v>", "0.9.102"),
            ("<r>", "^1.0.300"),
        ],
        "pip" => &[
            ("<a>", "requests"),
            ("<b>", "urllib3"),
            ("<p>", "tensorflow"),
        ],
        "typescript" => &[("<a>", "string | undefined"), ("<b>", "string")],
        _ => &[],
    };
    let mut out = message.to_string();
    for (k, v) in local {
        out = out.replace(k, v);
    }
    let values: &[(&str, &str)] = &[
        ("<addr>", "10.0.9.21:50051"),
        ("<a>", "10.0.3.7:52814"),
        ("<b>", "10.0.9.21:8080"),
        ("<ip>", "10.0.9.21"),
        ("<port>", "8080"),
        ("<host>", "api.example.com"),
        ("<h>", "api.example.com"),
        ("<n>", "3"),
        ("<m>", "requests"),
        ("<svc>", "helloworld.Greeter"),
        ("<cmd>", "kubectl"),
        ("<script>", "deploy.sh"),
        ("<var>", "DEPLOY_ENV"),
        ("<tok>", "("),
        ("<pid>", "4821"),
        ("<name>", "java"),
        ("<lib>", "libssl"),
        ("<u>", "app"),
        ("<img>", "registry.example.com/team/api:1.4.2"),
        ("<K>", "Ingress"),
        ("<v>", "v1beta1"),
        ("<s>", "db-credentials"),
        ("<ns>", "default"),
        ("<t>", "orders"),
        ("<db>", "appdb"),
        ("<c>", "users_email_key"),
    ];
    for (k, v) in values {
        out = out.replace(k, v);
    }
    // Any other placeholder: a neutral word.
    while let (Some(a), Some(b)) = (out.find('<'), out.find('>')) {
        if b <= a {
            break;
        }
        out.replace_range(a..=b, "example");
    }
    out
}

/// Every listed message as (domain, message as printed).
fn topics() -> Vec<(String, String)> {
    let text = include_str!("../fixtures/corpus-topics.md");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((label, rest)) = line.split_once(": ") else {
            continue;
        };
        if label.starts_with('#') || label.contains("Error messages") || rest.is_empty() {
            continue;
        }
        let domain = label.split_whitespace().next().unwrap_or(label).to_string();
        for message in rest.split(" | ") {
            let first = message.split(" / ").next().unwrap_or(message).trim();
            out.push((domain.clone(), fill(&domain, first)));
        }
    }
    out
}

/// Whether `e` is about `message`: one of its patterns recognises it, or most of the
/// message's words are in its title and aliases.
fn is_about(e: &Entry, message: &str) -> bool {
    let patterns = e
        .patterns
        .iter()
        .filter_map(|p| errdex::kb::pattern::compile(p).ok());
    if patterns.into_iter().any(|re| re.is_match(message)) {
        return true;
    }
    let own: BTreeSet<String> = std::iter::once(&e.title)
        .chain(&e.aliases)
        .flat_map(|t| words(t))
        .collect();
    let theirs: Vec<String> = words(message)
        .into_iter()
        .filter(|w| w.len() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    let shared = theirs.iter().filter(|w| own.contains(*w)).count();
    !theirs.is_empty() && shared * 3 >= theirs.len() * 2
}

#[test]
fn the_listed_messages_are_covered() {
    let entries = bundled_entries();
    let index = Index::new(&entries);
    let listed = topics();
    assert!(listed.len() >= 350, "parsed {} messages", listed.len());
    let mut misses = Vec::new();
    let mut by_domain: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (domain, message) in &listed {
        let top = index.search(message, 1);
        let hit = top.first().map(|h| &entries[h.doc]);
        let ok = hit.is_some_and(|e| e.domain == *domain && is_about(e, message));
        let d = by_domain.entry(domain).or_default();
        d.1 += 1;
        if ok {
            d.0 += 1;
        } else {
            misses.push(format!(
                "{domain}: {message}\n    top: {}",
                hit.map_or("(nothing)".to_string(), |e| format!(
                    "{} | {}",
                    e.id, e.title
                ))
            ));
        }
    }
    let covered = listed.len() - misses.len();
    let pct = covered as f64 * 100.0 / listed.len() as f64;
    eprintln!(
        "coverage: {covered}/{} listed messages = {pct:.1}%",
        listed.len()
    );
    for m in &misses {
        eprintln!("  miss {m}");
    }
    // About 2 points below the 98.9% measured, so that losing a few topics fails.
    assert!(pct >= 97.0, "coverage {pct:.1}% is below the 97% floor");
}

/// Sentences in prose: terminators followed by a space or the end, not counting the dots of
/// abbreviations, versions and file names.
fn sentences(text: &str) -> usize {
    let t = text
        .replace("e.g.", "eg")
        .replace("i.e.", "ie")
        .replace("etc.", "etc")
        .replace("vs.", "vs")
        .replace("...", "…");
    let chars: Vec<char> = t.trim().chars().collect();
    (0..chars.len())
        .filter(|&i| {
            matches!(chars[i], '.' | '!' | '?')
                && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
        })
        .count()
}

#[test]
fn every_entry_follows_the_writing_rules() {
    let mut problems = Vec::new();
    for e in bundled_entries() {
        let mut bad = |what: String| problems.push(format!("{}: {what}", e.id));
        if e.id != SEED {
            // Written here: authored, then reviewed or reproduced once its facts were checked.
            if !matches!(
                e.verification,
                Verification::Authored | Verification::Reviewed | Verification::Reproduced
            ) {
                bad(format!(
                    "verification {} is not one an entry written here can have",
                    e.verification.as_str()
                ));
            }
            let rated = e.fix_rate.is_some()
                || e.workarounds.iter().any(|w| w.success_rate.is_some())
                || e.dead_ends.iter().any(|d| d.fail_rate.is_some());
            if rated {
                bad("carries a rate without a measured basis".into());
            }
        }
        if e.patterns.is_empty() {
            bad("no pattern".into());
        }
        let n = sentences(&e.root_cause);
        if !(2..=5).contains(&n) {
            bad(format!("root cause has {n} sentences"));
        }
        if e.workarounds.len() < 2 {
            bad("fewer than two workarounds".into());
        }
        for (i, w) in e.workarounds.iter().enumerate() {
            match &w.snippet {
                None => bad(format!("workaround {} has no snippet", i + 1)),
                Some(s) => {
                    let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if squash(&s.code) == squash(&w.title) {
                        bad(format!("workaround {} snippet repeats its title", i + 1));
                    }
                    let placeholder = s.code.lines().any(|l| matches!(l.trim(), "..." | "…"))
                        || s.code.contains("TODO");
                    if placeholder {
                        bad(format!("workaround {} snippet has a placeholder", i + 1));
                    }
                }
            }
        }
        if e.dead_ends.is_empty() {
            bad("no dead end".into());
        }
        if e.references.is_empty() {
            bad("no references".into());
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Write `code` to a temporary file and run `program args… file`; Err with its output.
fn check_with(program: &str, args: &[&str], ext: &str, code: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join(format!("snippet.{ext}"));
    std::fs::write(&file, code).map_err(|e| e.to_string())?;
    let out = Command::new(program)
        .args(args)
        .arg(&file)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .take(3)
            .collect::<Vec<_>>()
            .join(" / "))
    }
}

fn have(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

#[test]
fn snippets_parse_in_their_language() {
    let python = have("python3");
    if !python {
        eprintln!("note: python3 is not installed; Python snippets are not compiled");
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let entries = bundled_entries();
    for e in &entries {
        for (i, w) in e.workarounds.iter().enumerate() {
            let Some(s) = &w.snippet else { continue };
            let result = match s.language.as_str() {
                "bash" | "sh" | "shell" => Some(check_with("bash", &["-n"], "sh", &s.code)),
                "python" if python => {
                    Some(check_with("python3", &["-m", "py_compile"], "py", &s.code))
                }
                "yaml" => Some(
                    // One document or several separated by `---`.
                    serde_saphyr::from_str_multiple::<serde::de::IgnoredAny, Vec<_>>(&s.code)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                ),
                "json" => Some(
                    serde_json::from_str::<serde_json::Value>(&s.code)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                ),
                "toml" => Some(
                    s.code
                        .parse::<toml::Table>()
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                ),
                _ => None,
            };
            if let Some(r) = result {
                *counts.entry(s.language.as_str()).or_default() += 1;
                if let Err(msg) = r {
                    problems.push(format!(
                        "{} workaround {} ({}): {msg}",
                        e.id,
                        i + 1,
                        s.language
                    ));
                }
            }
        }
    }
    eprintln!("snippets checked by language: {counts:?}");
    assert!(counts.get("bash").copied().unwrap_or(0) > 100, "{counts:?}");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn bundled_files_live_in_their_domain_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for l in bundled() {
        if let errdex::kb::Origin::Bundled(p) = &l.origin {
            assert!(root.join(p).is_file(), "{p}");
        }
    }
}

#[test]
fn coverage_lists_every_bundled_entry_and_nothing_else() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("entries/COVERAGE.md"),
    )
    .expect("entries/COVERAGE.md");
    // The last column of each table row: `domain/slug`.
    let listed: BTreeSet<String> = text
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("| ---") && !l.starts_with("| message"))
        .filter_map(|l| l.trim_end_matches('|').rsplit('|').next())
        .map(|c| c.trim().trim_matches('`').to_string())
        .collect();
    let bundled: BTreeSet<String> = bundled_entries().into_iter().map(|e| e.id).collect();
    let missing: Vec<&String> = bundled.difference(&listed).collect();
    let unknown: Vec<&String> = listed.difference(&bundled).collect();
    assert!(missing.is_empty(), "not in COVERAGE.md: {missing:?}");
    assert!(
        unknown.is_empty(),
        "in COVERAGE.md but not bundled: {unknown:?}"
    );
}
