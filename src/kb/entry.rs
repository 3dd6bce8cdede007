//! The entry model: one source of truth for the schema of an error entry.
//!
//! This file depends on nothing but `serde` and `std`, because the build script compiles it
//! too (to turn the bundled YAML corpus into a compact blob at build time). Validation that
//! goes beyond types lives in `validate.rs`.

use serde::{Deserialize, Serialize};

/// Bumped when the layout of the bundled blob (see `build.rs`) changes.
pub const BUNDLED_FORMAT: u32 = 1;

/// One error entry: what the error is, why it happens, and what to do (and not do) about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `<domain>/<slug>`, lowercase, unique across all sources.
    pub id: String,
    /// The error as users see it.
    pub title: String,
    /// The area the error belongs to (`grpc`, `postgres`, …); the first half of the id.
    pub domain: String,
    /// A snake_case kind of error (`network_error`, `auth_error`, …).
    pub category: String,
    /// How far the entry's content has been checked.
    pub verification: Verification,
    /// Share of cases in which following the entry fixed the error, where the data gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_rate: Option<Rate>,
    /// Other exact wordings of the same error (other clients, languages, versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Regular expressions (Rust `regex` syntax) that recognise the error in a log line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// What actually happened, as a mechanism, not a restatement of the message.
    pub root_cause: String,
    /// Version compatibility rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionRow>,
    /// What to do, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workarounds: Vec<Workaround>,
    /// What people try that does not help, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dead_ends: Vec<DeadEnd>,
    /// Ids of entries this error leads to or is often confused with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Documentation the facts come from: names or links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// What backs each wording (the title and aliases): an upstream source line, a run, docs
    /// or a public report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Free words that help search (`keepalive`, `load-balancer`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The error only reports that something else failed (`could not compile`, `exit code 1`,
    /// `CrashLoopBackOff`): the real cause is usually another line of the same output, so
    /// search ranks an entry for that line above this one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wrapper: bool,
}

/// How far an entry's content has been checked, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// Produced by a generator; unchecked.
    AiGenerated,
    /// Written by a person from documentation.
    Authored,
    /// Confirmed by users of a community.
    Community,
    /// Reviewed by a second person.
    Reviewed,
    /// The error and the fix were reproduced.
    Reproduced,
}

impl Verification {
    /// Every value, in order.
    pub const ALL: [Verification; 5] = [
        Verification::AiGenerated,
        Verification::Authored,
        Verification::Community,
        Verification::Reviewed,
        Verification::Reproduced,
    ];

    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Verification::AiGenerated => "ai_generated",
            Verification::Authored => "authored",
            Verification::Community => "community",
            Verification::Reviewed => "reviewed",
            Verification::Reproduced => "reproduced",
        }
    }
}

/// A rate (fraction 0..=1) together with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// The fraction, 0..=1; shown as a percentage.
    pub value: f64,
    /// Where the number comes from.
    pub basis: Basis,
}

impl Rate {
    /// The rate as a whole percentage, rounded.
    pub fn percent(&self) -> u32 {
        (self.value.clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

/// Where a rate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A guess or a generator's number; not counted.
    Estimated,
    /// Reported by a source (a survey, a vendor), not measured here.
    Reported,
    /// Counted from recorded outcomes.
    Measured,
}

impl Basis {
    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Estimated => "estimated",
            Basis::Reported => "reported",
            Basis::Measured => "measured",
        }
    }
}

/// One row of the version compatibility table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionRow {
    /// The version as shown (`gRPC v1.42.0`, `OpenSSH 8.8`).
    pub version: String,
    /// Whether the behaviour is current in that version.
    pub status: VersionStatus,
    /// The version in which the behaviour or message appeared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    /// The version in which it was deprecated or went away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The package the range concerns (`grpc-go`, `openssl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// A machine-readable range of that package's versions (`>=1.42, <1.63`; `||` separates
    /// alternatives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
}

/// Whether the error, as the entry names it, happens in a row's versions. errdex marks an
/// entry "not your version" when the rows with a range for one of the user's packages say
/// the error does not happen in the user's version (see `kb::fit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// The error happens in these versions.
    Active,
    /// It still happens, but the behaviour behind it is on its way out.
    Deprecated,
    /// It no longer happens in these versions (fixed, reworded or gone).
    Removed,
}

impl VersionStatus {
    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Active => "active",
            VersionStatus::Deprecated => "deprecated",
            VersionStatus::Removed => "removed",
        }
    }
}

/// Something that fixes or works around the error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workaround {
    /// What to do, in one line.
    pub title: String,
    /// How often it worked, where the data gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_rate: Option<Rate>,
    /// Code or commands to copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Snippet>,
    /// What it costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tradeoff: Option<String>,
    /// When it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The versions it needs, in a form errdex can check against the user's versions
    /// (`{ package: go, range: ">=1.21" }`); the condition says it in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Requirement>,
}

/// A package and a range of its versions that something needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The package, named as in version rows (`go`, `node`, `openssh`).
    pub package: String,
    /// Comparators separated by commas; `||` separates alternatives (`>=22.18, <23 || >=23.6`).
    pub range: String,
}

/// A piece of code to copy, with its language for display and checking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snippet {
    /// `bash`, `python`, `go`, `yaml`, `sql`, `text`, …
    pub language: String,
    /// The exact text that is copied.
    pub code: String,
}

/// Something people try that does not help.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadEnd {
    /// What people try.
    pub title: String,
    /// Why it does not help.
    pub why: String,
    /// How often it failed, where the data gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_rate: Option<Rate>,
}

/// What backs one wording of an entry: where the exact text was seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The exact title or alias it backs (by text, so it survives reordering).
    pub wording: String,
    /// What kind of evidence it is.
    pub kind: EvidenceKind,
    /// A URL: for `source`, a permalink to the file and line at a tag or commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For `reproduced`, the command and the program's version; otherwise any detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The kinds of evidence, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Printed on a real run (`note` says the command and version).
    Reproduced,
    /// The line of upstream code that prints it, at a tag or commit.
    Source,
    /// Official documentation quoting it.
    Docs,
    /// A public issue or forum thread where a user pasted it.
    Report,
}

impl EvidenceKind {
    /// Every value, strongest first.
    pub const ALL: [EvidenceKind; 4] = [
        EvidenceKind::Reproduced,
        EvidenceKind::Source,
        EvidenceKind::Docs,
        EvidenceKind::Report,
    ];

    /// The name used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Reproduced => "reproduced",
            EvidenceKind::Source => "source",
            EvidenceKind::Docs => "docs",
            EvidenceKind::Report => "report",
        }
    }
}

impl Entry {
    /// Every package the entry names in a version range or a workaround's `requires`.
    pub fn packages(&self) -> impl Iterator<Item = &str> {
        let rows = self
            .versions
            .iter()
            .filter(|r| r.range.is_some())
            .filter_map(|r| r.package.as_deref());
        let requires = self
            .workarounds
            .iter()
            .filter_map(|w| w.requires.as_ref().map(|r| r.package.as_str()));
        rows.chain(requires)
    }

    /// The entry's wordings: the title, then each alias.
    pub fn wordings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// How many of the entry's wordings have at least one evidence item, and how many there are.
    pub fn wordings_backed(&self) -> (usize, usize) {
        let mut backed = 0;
        let mut total = 0;
        for w in self.wordings() {
            total += 1;
            if self.evidence.iter().any(|e| e.wording == w) {
                backed += 1;
            }
        }
        (backed, total)
    }
}

/// Order workarounds best first by their rate (stable; unrated ones after the rated), as
/// the format asks and the importers repair.
pub fn best_first(workarounds: &mut [Workaround]) {
    workarounds.sort_by(|a, b| {
        let key = |w: &Workaround| w.success_rate.map_or(-1.0, |r| r.value);
        key(b).total_cmp(&key(a))
    });
}

/// Collapse runs of whitespace, newlines included, into single spaces: how one-line fields
/// (titles, wordings) are normalised when they come from outside formats.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
