//! Converting outside formats into entries: the seed's Markdown export and deadends.dev
//! JSON canons. Rates from those sources are kept with basis `estimated`.

use serde_json::Value;

use super::entry::{
    Basis, DeadEnd, Entry, Rate, Snippet, Verification, VersionRow, VersionStatus, Workaround,
    best_first, one_line,
};
use super::validate::{is_valid_id, slugify};

/// The input formats `errdex import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Markdown export format (`errdex show --markdown`).
    Markdown,
    /// deadends.dev canon JSON files.
    Deadends,
}

impl Format {
    /// Guess the format from a file name.
    pub fn guess(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "md" | "markdown" | "txt" => Some(Format::Markdown),
            "json" => Some(Format::Deadends),
            _ => None,
        }
    }
}

/// Convert one deadends.dev canon. Returns the entry and notes on what was dropped.
pub fn from_deadends(json: &str) -> Result<(Entry, Vec<String>), String> {
    let v: Value = serde_json::from_str(json).map_err(|e| {
        format!(
            "not valid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    let mut notes = Vec::new();
    let s = |v: &Value| v.as_str().map(str::trim).unwrap_or("").to_string();
    let raw_id = s(&v["id"]);
    let error = &v["error"];
    let title = one_line(&s(&error["signature"]));
    if title.is_empty() {
        return Err("no error.signature".into());
    }
    let domain = slugify(&s(&error["domain"]));
    let id = convert_id(&raw_id).unwrap_or_else(|| format!("{domain}/{}", slugify(&title)));
    let category = snake(&s(&error["category"]));
    let rate = |v: &Value| {
        v.as_f64()
            .filter(|x| (0.0..=1.0).contains(x))
            .map(|value| Rate {
                value,
                basis: Basis::Estimated,
            })
    };
    let mut patterns = Vec::new();
    let regex = s(&error["regex"]);
    if !regex.is_empty() {
        // Python syntax; keep it only where Rust's regex reads it and it recognises the title.
        let case_insensitive = format!("(?i){regex}");
        match super::pattern::compile(&case_insensitive) {
            Ok(re) if re.is_match(&title) => patterns.push(case_insensitive),
            Ok(_) => notes.push(format!(
                "pattern `{regex}` does not match the title; left out"
            )),
            Err(e) => notes.push(format!(
                "pattern `{regex}` is not Rust regex syntax ({e}); left out"
            )),
        }
    }
    let verdict = &v["verdict"];
    let mut references = Vec::new();
    let mut add_refs = |item: &Value| {
        for r in item["sources"].as_array().into_iter().flatten() {
            let r = s(r);
            if !r.is_empty() && !references.contains(&r) {
                references.push(r);
            }
        }
    };
    let mut workarounds: Vec<Workaround> = Vec::new();
    for w in v["workarounds"].as_array().into_iter().flatten() {
        add_refs(w);
        let title = one_line(&s(&w["action"]));
        if title.is_empty() {
            continue;
        }
        let how = s(&w["how"]);
        workarounds.push(Workaround {
            title,
            success_rate: rate(&w["success_rate"]),
            snippet: (!how.is_empty()).then(|| Snippet {
                language: "text".into(),
                code: format!("{how}\n"),
            }),
            tradeoff: non_empty(s(&w["tradeoff"])),
            condition: non_empty(s(&w["condition"])),
            requires: None,
        });
    }
    best_first(&mut workarounds);
    let mut dead_ends = Vec::new();
    for d in v["dead_ends"].as_array().into_iter().flatten() {
        add_refs(d);
        let title = one_line(&s(&d["action"]));
        let mut why = s(&d["why_fails"]);
        if let Some(c) = non_empty(s(&d["condition"])) {
            why = format!("{why} (When: {c})");
        }
        if title.is_empty() || why.trim().is_empty() {
            continue;
        }
        dead_ends.push(DeadEnd {
            title,
            why,
            fail_rate: rate(&d["fail_rate"]),
        });
    }
    let runtime = &v["environment"]["runtime"];
    let mut versions = Vec::new();
    let name = s(&runtime["name"]);
    let range = s(&runtime["version_range"]);
    if !name.is_empty() && !range.is_empty() {
        versions.push(VersionRow {
            version: format!("{name} {range}"),
            status: VersionStatus::Active,
            introduced: None,
            deprecated: None,
            package: Some(super::installed::normalise_package(&name)),
            range: super::version::parse_range(&range).ok().map(|_| range),
        });
    }
    let mut related = Vec::new();
    for key in ["leads_to", "preceded_by", "frequently_confused_with"] {
        for r in v["transition_graph"][key].as_array().into_iter().flatten() {
            if let Some(rid) = convert_id(&s(&r["error_id"]))
                && !related.contains(&rid)
                && rid != id
            {
                related.push(rid);
            }
        }
    }
    // errdex's `reviewed` means every wording is backed by evidence, which a canon does not
    // carry: a canon a person reviewed is kept as `community`, and the note says so.
    let verification = match s(&v["metadata"]["review_status"]).as_str() {
        "human_reviewed" => {
            notes.push(
                "review_status human_reviewed imported as `community`: the canon gives no evidence for its wording"
                    .into(),
            );
            Verification::Community
        }
        "community_verified" => Verification::Community,
        _ => Verification::AiGenerated,
    };
    let mut root_cause = s(&verdict["summary"]);
    if root_cause.is_empty() {
        root_cause = title.clone();
        notes.push("no verdict.summary; the root cause repeats the title".into());
    }
    let entry = Entry {
        id,
        title,
        domain,
        category: if category.is_empty() {
            "uncategorized".into()
        } else {
            category
        },
        verification,
        fix_rate: rate(&verdict["fix_success_rate"]),
        aliases: Vec::new(),
        patterns,
        root_cause,
        versions,
        workarounds,
        dead_ends,
        related,
        references,
        evidence: Vec::new(),
        tags: vec!["deadends".into()],
        wrapper: false,
    };
    Ok((entry, notes))
}

/// `docker/no-space-left/docker24-linux` → `docker/no-space-left-docker24-linux`.
pub fn convert_id(raw: &str) -> Option<String> {
    let mut parts = raw.split('/').filter(|p| !p.is_empty());
    let domain = slugify(parts.next()?);
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        return None;
    }
    let id = format!("{domain}/{}", slugify(&rest.join("-")));
    is_valid_id(&id).then_some(id)
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("c_{out}")
    } else {
        out
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_flatten_their_variant() {
        assert_eq!(
            convert_id("docker/no-space-left/docker24-linux").as_deref(),
            Some("docker/no-space-left-docker24-linux")
        );
        assert_eq!(convert_id("docker"), None);
    }
}
