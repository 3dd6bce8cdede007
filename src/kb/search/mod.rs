//! Search: one ranking function that the explorer and every command call, so they can
//! never disagree.
//!
//! The query is parsed for syntax (`query`), then normalised (`normalize`): JSON log
//! lines unwrapped, stack frames dropped, variable parts masked, error lines weighted.
//!
//! Signals, combined into one score:
//! - a word index over title, aliases, tags, domain, category and root cause, with rarity
//!   weighting (BM25) and per-field weights;
//! - the entry's regex `patterns` matching the query;
//! - the title or an alias contained in the query, or the query in them;
//! - a fuzzy subsequence match on titles and aliases, for short typed queries.

pub mod normalize;
pub mod query;
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
/// How much a matching pattern / a contained wording multiplies the word score by, above 1.
const PATTERN_FACTOR: f64 = 0.5;
const CONTAIN_FACTOR: f64 = 0.3;
/// Queries up to this many characters also get fuzzy matching.
const FUZZY_MAX_QUERY: usize = 40;
/// Patterns and containment are tried on this many of the best word-index candidates: a
/// pasted line that carries an error shares its words with that entry, and compiling every
/// pattern of a large corpus on each query would cost more than the rest of the search.
const CONTAIN_CANDIDATES: usize = 32;
/// Hits that get their matched words and title highlights (the rest keep rank and score).
pub const DETAILED_HITS: usize = 100;
/// A word in at least this many entries (or 5% of them) only re-scores candidates.
const COMMON_MIN: usize = 200;
/// Titles scored by the fuzzy matcher: the best word-index candidates.
const FUZZY_CANDIDATES: usize = 200;
/// Up to this many entries, a query the word index found nothing for is fuzzy-matched
/// against every title (typos in a single word, run-together words).
const FUZZY_FULL_SCAN: usize = 5000;
/// Vocabulary words a partly typed word expands to, at most.
const PREFIX_EXPANSIONS: usize = 24;
/// Weight of a word reached by completing the word being typed, or by correcting a typo.
const PREFIX_WEIGHT: f32 = 0.8;
const TYPO_WEIGHT: f32 = 0.6;
/// Patterns are tried on at most this many kept lines of a trace.
const PATTERN_LINES: usize = 40;

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
    id: String,
    title: String,
    aliases: Vec<String>,
    tags: Vec<String>,
    domain: String,
    category: String,
    verification: &'static str,
    patterns: Vec<String>,
    /// Masked lowercase title and aliases, for containment.
    phrases: OnceLock<Vec<String>>,
    /// Lowercase title and aliases, for `^prefix` and `suffix$`.
    lowered: OnceLock<Vec<String>>,
    /// Lowercase title, aliases, id and tags, one per line, for `'exact` and `!not`.
    haystack: OnceLock<String>,
    /// Per pattern, a lowercase literal every match contains (see `pattern::required_literal`).
    literals: OnceLock<Vec<Option<String>>>,
    compiled: OnceLock<Vec<Option<Regex>>>,
    len: f64,
}

/// The search index over a fixed list of entries.
pub struct Index {
    docs: Vec<Doc>,
    vocab: FxHashMap<Box<str>, u32>,
    /// The vocabulary sorted, for completing a word being typed.
    sorted_vocab: OnceLock<Vec<(Box<str>, u32)>>,
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
                id: e.id.clone(),
                title: e.title.clone(),
                aliases: e.aliases.clone(),
                tags: e.tags.clone(),
                domain: e.domain.clone(),
                category: e.category.clone(),
                verification: e.verification.as_str(),
                patterns: e.patterns.clone(),
                phrases: OnceLock::new(),
                lowered: OnceLock::new(),
                haystack: OnceLock::new(),
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
            sorted_vocab: OnceLock::new(),
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

    /// How a query is read: its syntax and its normalised lines (for `--explain`).
    pub fn analyze(input: &str) -> (query::Query, normalize::Normalized) {
        let q = query::parse(input);
        let n = normalize::normalize(&q.text);
        (q, n)
    }

    /// Like [`Index::search`], also returning how many entries matched in all.
    pub fn search_counted(&self, input: &str, limit: usize) -> (Vec<Hit>, usize) {
        let (q, norm) = Index::analyze(input);
        if norm.lines.is_empty() {
            // Nothing to rank by: every entry that passes the filters, in index order.
            let all: Vec<usize> = (0..self.docs.len())
                .filter(|&d| self.passes(d, &q))
                .collect();
            let total = all.len();
            let hits = all
                .into_iter()
                .take(limit)
                .map(|doc| Hit {
                    doc,
                    score: 0.0,
                    signals: Signals::default(),
                    title_matches: Vec::new(),
                })
                .collect();
            return (hits, total);
        }
        // Query words, each with the weight of the heaviest line it appears on.
        let mut qwords: HashMap<String, f32> = HashMap::new();
        for line in &norm.lines {
            for w in words(&line.masked) {
                let e = qwords.entry(w).or_insert(0.0);
                *e = e.max(line.weight);
            }
        }
        let typed = q.text.trim();
        let typing = norm.lines.len() == 1 && typed.chars().count() <= FUZZY_MAX_QUERY;
        if typing {
            self.expand(&mut qwords, typed);
        }
        // Known query words with their postings, rarest first (at most 64: one bit each).
        let mut terms: Vec<Term<'_>> = qwords
            .into_iter()
            .filter_map(|(w, qw)| {
                let id = *self.vocab.get(w.as_str())?;
                Some((w, qw, self.postings[id as usize].as_slice()))
            })
            .collect();
        terms.sort_by(|a, b| a.2.len().cmp(&b.2.len()).then(a.0.cmp(&b.0)));
        terms.truncate(64);
        let n_docs = self.docs.len();
        let n = n_docs as f64;
        // Words in more than this many entries do not bring in new candidates; they only
        // add to the score of entries a rarer word found (a MaxScore-style cut).
        let common = (n_docs / 20).max(COMMON_MIN);
        let mut score = vec![0.0f64; n_docs];
        let mut mask = vec![0u64; n_docs];
        let mut touched: Vec<u32> = Vec::new();
        for (ti, (_, qw, list)) in terms.iter().enumerate() {
            let idf = (1.0 + (n - list.len() as f64 + 0.5) / (list.len() as f64 + 0.5)).ln();
            let add = |doc: u32, tf: f32, score: &mut Vec<f64>, mask: &mut Vec<u64>| {
                let tf = f64::from(tf);
                let d = doc as usize;
                let norm_len = 1.0 - B + B * self.docs[d].len / self.avg_len;
                score[d] += f64::from(*qw) * idf * tf * (K1 + 1.0) / (tf + K1 * norm_len);
                mask[d] |= 1 << ti;
            };
            if ti == 0 || list.len() <= common || touched.is_empty() {
                for &(doc, tf) in *list {
                    if mask[doc as usize] == 0 {
                        touched.push(doc);
                    }
                    add(doc, tf, &mut score, &mut mask);
                }
            } else if touched.len() * 16 < list.len() {
                for &doc in &touched {
                    if let Ok(i) = list.binary_search_by_key(&doc, |p| p.0) {
                        add(doc, list[i].1, &mut score, &mut mask);
                    }
                }
            } else {
                for &(doc, tf) in *list {
                    if mask[doc as usize] != 0 {
                        add(doc, tf, &mut score, &mut mask);
                    }
                }
            }
        }
        // Patterns and containment for the best word-index candidates only: a pasted line
        // that carries an error shares its words with that entry (see CONTAIN_CANDIDATES).
        let mut ranked: Vec<u32> = touched.clone();
        top_n(
            &mut ranked,
            FUZZY_CANDIDATES.max(CONTAIN_CANDIDATES),
            &score,
        );
        let mut extra: HashMap<usize, Signals> = HashMap::new();
        for &doc in ranked.iter().take(CONTAIN_CANDIDATES) {
            let d = &self.docs[doc as usize];
            let pattern = norm
                .lines
                .iter()
                .take(PATTERN_LINES)
                .find_map(|l| d.matching_pattern(&l.raw, &l.raw.to_lowercase()));
            let contained = d
                .phrases()
                .iter()
                .find(|p| {
                    norm.lines.iter().any(|l| {
                        p.len() >= 10 && l.masked.contains(p.as_str())
                            || l.masked.len() >= 10 && p.contains(l.masked.as_str())
                    })
                })
                .cloned();
            if pattern.is_some() || contained.is_some() {
                let e = extra.entry(doc as usize).or_default();
                e.pattern = pattern;
                e.contained = contained;
            }
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let fuzzy_on = typing;
        if fuzzy_on {
            // Fuzzy scoring of titles is for the best candidates (bonus and highlight); a
            // scan of every title only when nothing else matched and the corpus is small.
            let mut pool: Vec<usize> = ranked.iter().map(|&d| d as usize).collect();
            if pool.is_empty() && n_docs <= FUZZY_FULL_SCAN {
                pool = (0..n_docs).collect();
            }
            for doc in pool {
                if let Some(f) = matcher.fuzzy_match(&self.docs[doc].title, typed) {
                    let scaled = (f as f64 / (typed.chars().count() as f64 * 24.0)).min(1.0);
                    extra.entry(doc).or_default().fuzzy = scaled * FUZZY_MAX;
                }
            }
        }
        // Final scores: words combined with the other signals, for every candidate and
        // every fuzzy match.
        // The word score is kept in the signals before it is combined (for `--explain`).
        for (&doc, e) in &mut extra {
            if mask[doc] == 0 && score[doc] == 0.0 {
                touched.push(doc as u32);
            }
            e.words = score[doc];
            score[doc] = combine(score[doc], e);
        }
        let mut hits_docs: Vec<u32> = touched
            .into_iter()
            .filter(|&d| score[d as usize] > 0.0 && self.passes(d as usize, &q))
            .collect();
        let total = hits_docs.len();
        top_n(&mut hits_docs, limit, &score);
        let hits: Vec<Hit> = hits_docs
            .into_iter()
            .enumerate()
            .map(|(rank, d)| {
                let doc = d as usize;
                let s = extra.remove(&doc).unwrap_or_else(|| Signals {
                    words: score[doc],
                    ..Signals::default()
                });
                // Matched words and highlights are for rows people look at; further down a
                // long list they would cost more than the search itself.
                if rank >= DETAILED_HITS {
                    return Hit {
                        doc,
                        score: score[doc],
                        signals: s,
                        title_matches: Vec::new(),
                    };
                }
                let mut s = s;
                s.matched_words = terms
                    .iter()
                    .enumerate()
                    .filter(|(ti, _)| mask[doc] & (1 << ti) != 0)
                    .map(|(_, t)| t.0.clone())
                    .collect();
                s.matched_words.sort();
                let title_matches = self.highlight(doc, typed, &s, &matcher, fuzzy_on);
                Hit {
                    doc,
                    score: score[doc],
                    signals: s,
                    title_matches,
                }
            })
            .collect();
        (hits, total)
    }

    /// Typing tolerance at the vocabulary level: the last word (being typed) also stands for
    /// the indexed words it begins, and a word the index does not know stands for the
    /// known words one or two edits away. Cheaper than fuzzy-matching every title, and
    /// it ranks through the same word index.
    fn expand(&self, qwords: &mut HashMap<String, f32>, typed: &str) {
        let known = |w: &str| self.vocab.contains_key(w);
        let mut all: Vec<String> = Vec::new();
        let mut buf = String::new();
        for_each_word(typed, &mut buf, |w| all.push(w.to_string()));
        let still_typing = !typed.ends_with(char::is_whitespace);
        if still_typing
            && let Some(last) = all.last()
            && last.len() >= 2
        {
            let sorted = self.sorted_vocab();
            let from = sorted.partition_point(|(w, _)| w.as_ref() < last.as_str());
            let mut completions: Vec<&(Box<str>, u32)> = sorted[from..]
                .iter()
                .take_while(|(w, _)| w.starts_with(last.as_str()))
                .filter(|(w, _)| w.as_ref() != last.as_str())
                .collect();
            // The most common completions first: they are what people are typing towards.
            completions.sort_by_key(|(_, id)| std::cmp::Reverse(self.postings[*id as usize].len()));
            for (w, _) in completions.into_iter().take(PREFIX_EXPANSIONS) {
                qwords.entry(w.to_string()).or_insert(PREFIX_WEIGHT);
            }
        }
        for w in all.iter().filter(|w| w.len() >= 4 && !known(w)) {
            let max = if w.len() <= 6 { 1 } else { 2 };
            let near: Vec<&str> = self
                .sorted_vocab()
                .iter()
                .map(|(v, _)| v.as_ref())
                .filter(|v| v.len().abs_diff(w.len()) <= max)
                .filter(|v| strsim::damerau_levenshtein(v, w) <= max)
                .take(8)
                .collect();
            for v in near {
                qwords.entry(v.to_string()).or_insert(TYPO_WEIGHT);
            }
        }
    }

    /// The vocabulary in byte order, made on first use.
    fn sorted_vocab(&self) -> &[(Box<str>, u32)] {
        self.sorted_vocab.get_or_init(|| {
            let mut v: Vec<(Box<str>, u32)> =
                self.vocab.iter().map(|(w, &id)| (w.clone(), id)).collect();
            v.sort_unstable();
            v
        })
    }

    /// Whether entry `doc` passes the query's filters.
    fn passes(&self, doc: usize, q: &query::Query) -> bool {
        if !q.has_filters() {
            return true;
        }
        let d = &self.docs[doc];
        let fields_ok = q.filters.iter().all(|f| {
            let value = match f.field {
                query::Field::Domain => d.domain.as_str(),
                query::Field::Category => d.category.as_str(),
                query::Field::Verification => d.verification,
            };
            (value == f.value) != f.negate
        });
        if !fields_ok {
            return false;
        }
        let hay = d.haystack();
        let lowered = d.lowered();
        q.groups
            .iter()
            .all(|g| g.iter().any(|t| query::term_matches(t, hay, lowered)))
            && !q.not.iter().any(|t| query::term_matches(t, hay, lowered))
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
        let lower = &self.docs[doc].lowered()[0];
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

/// A query word, its weight, and its postings (document, weighted term frequency).
type Term<'a> = (String, f32, &'a [(u32, f32)]);

/// One score from the signals. A pattern or an exact wording is the strongest evidence
/// there is, so it scales with the word score (a long trace piles up word score for every
/// entry it shares vocabulary with) and also adds a fixed amount (for short queries).
fn combine(words: f64, s: &Signals) -> f64 {
    let pattern = if s.pattern.is_some() { 1.0 } else { 0.0 };
    let contained = if s.contained.is_some() { 1.0 } else { 0.0 };
    words * (1.0 + PATTERN_FACTOR * pattern + CONTAIN_FACTOR * contained)
        + PATTERN_BONUS * pattern
        + CONTAIN_BONUS * contained
        + s.fuzzy
}

/// Keep the `k` best documents of `v` by `score`, best first (ties by document order).
fn top_n(v: &mut Vec<u32>, k: usize, score: &[f64]) {
    let best_first = |a: &u32, b: &u32| {
        score[*b as usize]
            .total_cmp(&score[*a as usize])
            .then(a.cmp(b))
    };
    if v.len() > k {
        if k == 0 {
            v.clear();
            return;
        }
        v.select_nth_unstable_by(k - 1, best_first);
        v.truncate(k);
    }
    v.sort_by(best_first);
}

impl Doc {
    /// Masked lowercase title first, then aliases (the same masking as queries get).
    fn phrases(&self) -> &[String] {
        self.phrases.get_or_init(|| {
            std::iter::once(&self.title)
                .chain(&self.aliases)
                .map(|t| normalize::mask(t))
                .collect()
        })
    }

    /// Lowercase title first, then aliases.
    fn lowered(&self) -> &[String] {
        self.lowered.get_or_init(|| {
            std::iter::once(&self.title)
                .chain(&self.aliases)
                .map(|t| t.to_lowercase())
                .collect()
        })
    }

    /// Lowercase title, aliases, id and tags, one per line.
    fn haystack(&self) -> &str {
        self.haystack.get_or_init(|| {
            let mut h = self.lowered().join("\n");
            h.push('\n');
            h.push_str(&self.id);
            for t in &self.tags {
                h.push('\n');
                h.push_str(&t.to_lowercase());
            }
            h
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
