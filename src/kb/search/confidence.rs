//! How sure a hit is: a label a person can act on, where the score is only an order.
//!
//! - [`Confidence::Exact`]: one of the entry's patterns, or its title or an alias, is found
//!   in a line of the query, the entry names every technology the query names, and it is
//!   not a wrapper (an entry for a line that only reports that something else failed).
//! - [`Confidence::Likely`]: strong evidence short of that: such a match for a wrapper or
//!   lacking a technology the query names, a one-line query that is part of the title or an
//!   alias, or a few typed words (no error punctuation) all found in the entry.
//! - [`Confidence::Weak`]: only some words are shared. The closest entry, not the error.
//!
//! The thresholds were set on the evaluation sets in `tests/fixtures/eval` (covered cases and
//! real errors no entry covers); `tests/it/eval.rs` reports how often each label is right.

use serde::Serialize;

use super::Signals;

/// How sure a hit is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Only some words are shared.
    #[default]
    Weak,
    /// Strong evidence short of an exact match.
    Likely,
    /// A pattern or an exact wording of the entry matches the query.
    Exact,
}

impl Confidence {
    /// The label as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Weak => "weak",
            Confidence::Likely => "likely",
            Confidence::Exact => "exact",
        }
    }
}

impl std::fmt::Display for Confidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Share of a typed query's word weight an entry must account for, with no pattern or
/// wording match, to be `likely`. Only for typed words: on pasted errors shared words say
/// little (on the evaluation sets, words-only top hits of pasted errors at coverage 0.7 or
/// more were the right entry 2 times in 15).
pub const LIKELY_COVERAGE: f64 = 0.99;

/// Words a query may have, at most, to count as typed words rather than a pasted error.
pub const TYPED_WORDS: usize = 6;

/// Whether `query` looks like a few words typed to find an entry (`grpc reset`), not a
/// pasted message: one line, few words, no error punctuation.
pub fn typed_words(query: &str) -> bool {
    let q = query.trim();
    !q.is_empty()
        && q.split_whitespace().count() <= TYPED_WORDS
        && q.chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' || c == '.')
}

/// Technology names: a query that names one is about that technology, and an entry that
/// never mentions it is about something else (a gRPC reset is not a bare TCP reset, a CUDA
/// out-of-memory is not Redis's). Words that are also everyday words or path parts (`go`,
/// `node`, `git`, `rust`, `python`, `java`) are left out.
pub const TECH_WORDS: &[&str] = &[
    "amqp",
    "ansible",
    "azure",
    "boto3",
    "cargo",
    "cuda",
    "docker",
    "dotnet",
    "elasticsearch",
    "gradle",
    "grpc",
    "helm",
    "kafka",
    "kubectl",
    "kubelet",
    "kubernetes",
    "mariadb",
    "maven",
    "mongodb",
    "mysql",
    "nccl",
    "nextjs",
    "nginx",
    "npm",
    "nuget",
    "openssl",
    "pnpm",
    "postgres",
    "postgresql",
    "psql",
    "pytorch",
    "rabbitmq",
    "redis",
    "rustc",
    "systemd",
    "terraform",
    "torch",
    "tsc",
    "typescript",
    "yarn",
];

/// Whether `word` (lowercase) names a technology.
pub fn is_tech(word: &str) -> bool {
    TECH_WORDS.binary_search(&word).is_ok()
}

/// What a label depends on besides the hit's signals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// The query is [`typed_words`].
    pub typed: bool,
    /// The query has one line.
    pub one_line: bool,
    /// The entry is a wrapper (see `Entry::wrapper`).
    pub wrapper: bool,
}

/// The label for a hit's signals.
pub fn judge(s: &Signals, cx: Context) -> Confidence {
    let matched = s.is_matched();
    if matched && s.missing_tech.is_empty() && !cx.wrapper {
        return Confidence::Exact;
    }
    // A line of a long paste found inside a wording is often a short generic line.
    let partial = s.contained.is_some() && !s.wording_in_query && cx.one_line;
    let typed = cx.typed;
    let all_typed = typed && s.coverage >= LIKELY_COVERAGE && s.missing_tech.is_empty();
    if matched || partial || all_typed {
        return Confidence::Likely;
    }
    Confidence::Weak
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tech_words_are_sorted_for_binary_search() {
        assert!(TECH_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_tech("grpc") && is_tech("cuda") && !is_tech("node"));
    }

    #[test]
    fn labels_follow_the_evidence() {
        let pattern = Signals {
            pattern: Some(0),
            ..Signals::default()
        };
        let pasted = Context {
            one_line: true,
            ..Context::default()
        };
        let typed = Context {
            typed: true,
            one_line: true,
            wrapper: false,
        };
        assert_eq!(judge(&pattern, pasted), Confidence::Exact);
        let wrapper = Context {
            wrapper: true,
            ..pasted
        };
        assert_eq!(judge(&pattern, wrapper), Confidence::Likely);
        let lacking = Signals {
            missing_tech: vec!["grpc".into()],
            ..pattern.clone()
        };
        assert_eq!(judge(&lacking, pasted), Confidence::Likely);
        let inside = Signals {
            contained: Some("connection reset by peer".into()),
            wording_in_query: false,
            ..Signals::default()
        };
        assert_eq!(judge(&inside, pasted), Confidence::Likely);
        assert_eq!(judge(&inside, Context::default()), Confidence::Weak);
        let all = Signals {
            coverage: 1.0,
            ..Signals::default()
        };
        assert_eq!(judge(&all, typed), Confidence::Likely);
        // The same words in a pasted error are only words.
        assert_eq!(judge(&all, pasted), Confidence::Weak);
        let some = Signals {
            coverage: 0.6,
            ..Signals::default()
        };
        assert_eq!(judge(&some, typed), Confidence::Weak);
    }

    #[test]
    fn typed_words_are_not_pasted_errors() {
        assert!(typed_words("grpc reset"));
        assert!(typed_words("connection reset by peer grpc"));
        assert!(!typed_words("error: no context exists"));
        assert!(!typed_words("Load key \"badkey\": error in libcrypto"));
        assert!(!typed_words("one two three four five six seven"));
    }
}
