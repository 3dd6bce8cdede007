//! Search: one ranking function that the explorer and every command call, so they can
//! never disagree.
//!
//! Signals, combined into one score:
//! - a word index over title, aliases, tags, domain, category and root cause, with rarity
//!   weighting (BM25) and per-field weights;
//! - the entry's regex `patterns` matching the query;
//! - the title or an alias contained in the query, or the query in them;
//! - a fuzzy subsequence match on titles and aliases, for short typed queries.

mod tokens;

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use regex::Regex;

use super::entry::Entry;
pub use tokens::{for_each_word, words};

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Field weights: words of the title count most, root-cause prose least.
const W_TITLE: f32 = 3.0;
const W_ALIAS: f32 = 2.0;
const W_TAG: f32 = 1.5;
const W_META: f32 = 1.5;
const W_ROOT: f32 = 0.4;
/// Bonuses on the BM25 scale.
const PATTERN_BONUS: f64 = 12.0;
const CONTAIN_BONUS: f64 = 8.0;
const FUZZY_MAX: f64 = 4.0;
/// Queries up to this many characters also get fuzzy matching.
const FUZZY_MAX_QUERY: usize = 40;
/// Patterns are tried on this many of the best word-index candidates: a pasted line that
/// carries an error shares its words with that entry, and compiling every pattern of a
/// large corpus on each query would cost more than the whole rest of the search.
const PATTERN_CANDIDATES: usize = 32;

/// Why an entry scored, for `--explain` and for highlighting.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Signals {
    /// BM25 score of the word index.
    pub words: f64,
    /// Query words found in the entry.
    pub matched_words: Vec<String>,
    /// Index of the first pattern that matched the query.
    pub pattern: Option<usize>,
    /// The title or alias that was contained in the query (or contained it).
    pub contained: Option<String>,
    /// Fuzzy score, scaled.
    pub fuzzy: f64,
}

/// One ranked result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Position of the entry in the slice the index was built from.
    pub doc: usize,
    /// The combined score; higher is better.
    pub score: f64,
    /// What contributed.
    pub signals: Signals,
    /// Character positions in the title to highlight.
    pub title_matches: Vec<usize>,
}

/// What the index keeps of an entry. Phrases, literals and compiled patterns are only
/// needed for candidates of a query, so they are made on first use.
struct Doc {
    title: String,
    aliases: Vec<String>,
    patterns: Vec<String>,
    /// Lowercase title and aliases, for containment.
    phrases: OnceLock<Vec<String>>,
    /// Per pattern, a lowercase literal every match contains (see `pattern::required_literal`).
    literals: OnceLock<Vec<Option<String>>>,
    compiled: OnceLock<Vec<Option<Regex>>>,
    len: f64,
}

/// The search index over a fixed list of entries.
pub struct Index {
    docs: Vec<Doc>,
    vocab: FxHashMap<Box<str>, u32>,
    postings: Vec<Vec<(u32, f32)>>,
    avg_len: f64,
}

impl Index {
    /// Build the index over `entries` (positions in this slice are the hits' `doc`).
    pub fn new(entries: &[Entry]) -> Index {
        let mut vocab: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut postings: Vec<Vec<(u32, f32)>> = Vec::new();
        let mut docs = Vec::with_capacity(entries.len());
        let mut buf = String::new();
        // Weights of the current document by word id; `touched` lists the ids to flush, so
        // accumulating is linear in the number of tokens (no per-document sort or map).
        let mut acc: Vec<f32> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let mut add = |text: &str, w: f32| {
                for_each_word(text, &mut buf, |word| {
                    let id = match vocab.get(word) {
                        Some(&id) => id,
                        None => {
                            let id = postings.len() as u32;
                            vocab.insert(word.into(), id);
                            postings.push(Vec::new());
                            acc.push(0.0);
                            id
                        }
                    };
                    let slot = &mut acc[id as usize];
                    if *slot == 0.0 {
                        touched.push(id);
                    }
                    *slot += w;
                });
            };
            add(&e.title, W_TITLE);
            for a in &e.aliases {
                add(a, W_ALIAS);
            }
            for t in &e.tags {
                add(t, W_TAG);
            }
            add(&e.domain, W_META);
            add(&e.category, W_META);
            add(&e.root_cause, W_ROOT);
            let mut len = 0.0;
            for id in touched.drain(..) {
                let w = std::mem::take(&mut acc[id as usize]);
                len += f64::from(w);
                postings[id as usize].push((i as u32, w));
            }
            docs.push(Doc {
                title: e.title.clone(),
                aliases: e.aliases.clone(),
                patterns: e.patterns.clone(),
                phrases: OnceLock::new(),
                literals: OnceLock::new(),
                compiled: OnceLock::new(),
                len,
            });
        }
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            docs.iter().map(|d| d.len).sum::<f64>() / docs.len() as f64
        };
        Index {
            docs,
            vocab,
            postings,
            avg_len: avg_len.max(1.0),
        }
    }

    /// Number of entries indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Rank entries for `query`; at most `limit` hits, best first. An empty query lists
    /// every entry in index order with score 0.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_counted(query, limit).0
    }

    /// Like [`Index::search`], also returning how many entries matched in all.
    pub fn search_counted(&self, query: &str, limit: usize) -> (Vec<Hit>, usize) {
        let query = query.trim();
        if query.is_empty() {
            let all = (0..self.docs.len().min(limit))
                .map(|doc| Hit {
                    doc,
                    score: 0.0,
                    signals: Signals::default(),
                    title_matches: Vec::new(),
                })
                .collect();
            return (all, self.docs.len());
        }
        let mut signals: HashMap<usize, Signals> = HashMap::new();
        let mut qwords = words(query);
        qwords.sort();
        qwords.dedup();
        let n = self.docs.len() as f64;
        for w in &qwords {
            let Some(list) = self
                .vocab
                .get(w.as_str())
                .map(|&id| &self.postings[id as usize])
            else {
                continue;
            };
            let idf = (1.0 + (n - list.len() as f64 + 0.5) / (list.len() as f64 + 0.5)).ln();
            for &(doc, tf) in list {
                let tf = f64::from(tf);
                let norm = 1.0 - B + B * self.docs[doc as usize].len / self.avg_len;
                let s = signals.entry(doc as usize).or_default();
                s.words += idf * tf * (K1 + 1.0) / (tf + K1 * norm);
                s.matched_words.push(w.clone());
            }
        }
        let query_lower = query.to_lowercase();
        // Containment is cheap: check every word-index candidate (or every entry when the
        // index found nothing). Patterns only on the best candidates (see PATTERN_CANDIDATES).
        let mut candidates: Vec<(usize, f64)> = if signals.is_empty() {
            (0..self.docs.len()).map(|d| (d, 0.0)).collect()
        } else {
            signals.iter().map(|(&d, s)| (d, s.words)).collect()
        };
        let with_words = !signals.is_empty();
        candidates.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (rank, &(doc, _)) in candidates.iter().enumerate() {
            let d = &self.docs[doc];
            let pattern = if with_words && rank < PATTERN_CANDIDATES {
                d.matching_pattern(query, &query_lower)
            } else {
                None
            };
            let contained = d
                .phrases()
                .iter()
                .find(|p| {
                    p.len() >= 8 && query_lower.contains(p.as_str())
                        || query_lower.len() >= 8 && p.contains(&query_lower)
                })
                .cloned();
            if pattern.is_some() || contained.is_some() {
                let s = signals.entry(doc).or_default();
                s.pattern = pattern;
                s.contained = contained;
            }
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let fuzzy_on = query.chars().count() <= FUZZY_MAX_QUERY;
        let mut hits: Vec<Hit> = Vec::new();
        if fuzzy_on {
            for (doc, d) in self.docs.iter().enumerate() {
                if let Some(score) = matcher.fuzzy_match(&d.title, query) {
                    let scaled = (score as f64 / (query.chars().count() as f64 * 24.0)).min(1.0);
                    signals.entry(doc).or_default().fuzzy = scaled * FUZZY_MAX;
                }
            }
        }
        for (doc, s) in signals {
            let score = s.words
                + if s.pattern.is_some() {
                    PATTERN_BONUS
                } else {
                    0.0
                }
                + if s.contained.is_some() {
                    CONTAIN_BONUS
                } else {
                    0.0
                }
                + s.fuzzy;
            if score <= 0.0 {
                continue;
            }
            hits.push(Hit {
                doc,
                score,
                signals: s,
                title_matches: Vec::new(),
            });
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        let total = hits.len();
        hits.truncate(limit);
        for hit in &mut hits {
            hit.title_matches = self.highlight(hit.doc, query, &hit.signals, &matcher, fuzzy_on);
        }
        (hits, total)
    }

    /// Character positions of the title that the query matched.
    fn highlight(
        &self,
        doc: usize,
        query: &str,
        s: &Signals,
        matcher: &SkimMatcherV2,
        fuzzy_on: bool,
    ) -> Vec<usize> {
        let title = &self.docs[doc].title;
        if fuzzy_on
            && s.fuzzy > 0.0
            && s.matched_words.is_empty()
            && let Some((_, idx)) = matcher.fuzzy_indices(title, query)
        {
            return idx;
        }
        let lower = &self.docs[doc].phrases()[0];
        let mut marks = Vec::new();
        // Map byte offsets of the lowercased title to character positions (lowercasing can
        // change byte lengths, so only trust it when lengths agree).
        if lower.len() != title.len() {
            return marks;
        }
        for w in &s.matched_words {
            let mut from = 0;
            while let Some(pos) = lower[from..].find(w.as_str()) {
                let start = from + pos;
                let end = start + w.len();
                let before_ok = lower[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if before_ok {
                    let first = lower[..start].chars().count();
                    marks.extend(first..first + lower[start..end].chars().count());
                }
                from = end;
            }
        }
        marks.sort_unstable();
        marks.dedup();
        marks
    }
}

impl Doc {
    /// Lowercase title first, then aliases.
    fn phrases(&self) -> &[String] {
        self.phrases.get_or_init(|| {
            std::iter::once(&self.title)
                .chain(&self.aliases)
                .map(|t| t.to_lowercase())
                .collect()
        })
    }

    /// The first pattern that matches; patterns whose required literal is missing from the
    /// query are skipped without being compiled.
    fn matching_pattern(&self, query: &str, query_lower: &str) -> Option<usize> {
        let literals = self.literals.get_or_init(|| {
            self.patterns
                .iter()
                .map(|p| super::pattern::required_literal(p))
                .collect()
        });
        let possible = |i: usize| {
            literals[i]
                .as_deref()
                .is_none_or(|lit| query_lower.contains(lit))
        };
        if !(0..self.patterns.len()).any(possible) {
            return None;
        }
        let compiled = self.compiled.get_or_init(|| {
            self.patterns
                .iter()
                .map(|p| super::pattern::compile(p).ok())
                .collect()
        });
        (0..self.patterns.len())
            .find(|&i| possible(i) && compiled[i].as_ref().is_some_and(|re| re.is_match(query)))
    }
}
