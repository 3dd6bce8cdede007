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

mod confidence;
pub mod normalize;
pub mod query;
mod store;
mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use regex::Regex;

use super::entry::{Entry, Verification};
pub use confidence::{Confidence, LIKELY_COVERAGE, TECH_WORDS, typed_words};
pub use tokens::{for_each_word, words};

const K1: f64 = 1.2;
const B: f64 = 0.75;
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
/// What a technology the query names and an entry lacks multiplies the entry's score by.
const TECH_MISSING_FACTOR: f64 = 0.5;
/// A pattern whose literal text is this long (characters) counts in full, however much of
/// the line it covers; shorter and looser ones count less (down to `MIN_PATTERN_STRENGTH`).
const FULL_PATTERN_LITERAL: f64 = 30.0;
const MIN_PATTERN_STRENGTH: f64 = 0.3;
/// A wrapper entry (see `Entry::wrapper`) scores at most this share of the best specific
/// entry matched by pattern or wording in the same query.
const WRAPPER_SHARE: f64 = 0.9;
/// A top hit that only shares words gives way to a matched hit among this many below it.
const PROMOTE_WINDOW: usize = 5;
/// A pattern this strong (see `MIN_PATTERN_STRENGTH`) is a match worth promoting; a
/// looser one (a common phrase of a long line) is not.
const STRONG_PATTERN: f64 = 0.5;

/// Bumped when the layout [`Index::to_bytes`] writes changes.
const INDEX_FORMAT: u32 = 2;

/// Why an entry scored, for `--explain` and for highlighting.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Signals {
    /// BM25 score of the word index.
    pub words: f64,
    /// Query words found in the entry.
    pub matched_words: Vec<String>,
    /// Index of the first pattern that matched the query.
    pub pattern: Option<usize>,
    /// How specific that pattern's match is, 0.3–1: how much of the line it covers, or how
    /// long its literal text is, whichever is more.
    pub pattern_strength: f64,
    /// The title or alias that was contained in the query (or contained it).
    pub contained: Option<String>,
    /// True when that wording is inside a query line; false when the query is inside it.
    pub wording_in_query: bool,
    /// Share of the query's distinctive word weight (rarity times line weight) found in the
    /// entry, 0–1. Words no entry has count too, so an error the corpus does not know
    /// scores low.
    pub coverage: f64,
    /// Technologies the query names that the entry never mentions.
    pub missing_tech: Vec<String>,
    /// Fuzzy score, scaled.
    pub fuzzy: f64,
}

/// One ranked result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Position of the entry in the slice the index was built from.
    pub doc: usize,
    /// The combined score; higher is better. A matched hit that goes before a weak one that
    /// scored more takes that score (see `promote_matched`).
    pub score: f64,
    /// How sure the hit is (see [`Confidence`]).
    pub confidence: Confidence,
    /// What contributed.
    pub signals: Signals,
    /// Character positions in the title to highlight.
    pub title_matches: Vec<usize>,
}

/// What the index keeps of an entry: where its strings are, and what is derived from them
/// on first use (phrases, literals and compiled patterns are only needed for candidates of
/// a query).
struct Doc {
    /// Which part of the index the entry was built in: its strings are in that part's
    /// buffer, from `first` on: id, title, domain, category, then aliases, tags, patterns.
    part: usize,
    first: usize,
    aliases: u32,
    tags: u32,
    patterns: u32,
    verification: Verification,
    /// The entry only reports that something else failed (see `Entry::wrapper`).
    wrapper: bool,
    len: f64,
    derived: OnceLock<Box<Derived>>,
}

impl Doc {
    /// Where its masked wordings start among its strings (see `Doc::first`).
    fn phrases_at(&self) -> usize {
        4 + self.aliases as usize + self.tags as usize + self.patterns as usize
    }

    /// How many strings it has: the fields and lists, then the masked title and aliases.
    fn n_strings(&self) -> usize {
        self.phrases_at() + 1 + self.aliases as usize
    }
}

/// What is derived from an entry's strings when a query first needs it.
#[derive(Default)]
struct Derived {
    /// Lowercase title and aliases, for `^prefix` and `suffix$`.
    lowered: OnceLock<Vec<String>>,
    /// Lowercase title, aliases, id and tags, one per line, for `'exact` and `!not`.
    haystack: OnceLock<String>,
    /// Per pattern, lowercase literals one of which every match contains (see
    /// `pattern::any_literal`); one literal is the pattern's required literal.
    literals: OnceLock<Vec<Option<Vec<String>>>>,
    /// Per pattern, compiled when a query first holds its literal.
    compiled: OnceLock<Vec<OnceLock<Option<Regex>>>>,
}

/// The search index over a fixed list of entries.
pub struct Index {
    stored: store::Stored,
    avg_len: f64,
}

pub use store::IndexBytes;

impl Index {
    /// Build the index over `entries` (positions in this slice are the hits' `doc`).
    pub fn new<E: std::borrow::Borrow<Entry> + Sync>(entries: &[E]) -> Index {
        let bytes = store::build(entries).bytes();
        let range = 0..bytes.len();
        let stored = store::Stored::read(IndexBytes::Shared(Arc::new(bytes)), range)
            .expect("an index reads back what was just written for it");
        Index::from_stored(stored)
    }

    fn from_stored(stored: store::Stored) -> Index {
        let docs = &stored.docs;
        let avg_len = if docs.is_empty() {
            1.0
        } else {
            docs.iter().map(|d| d.len).sum::<f64>() / docs.len() as f64
        };
        Index {
            stored,
            avg_len: avg_len.max(1.0),
        }
    }

    /// The index as bytes, to be read back by [`Index::read`] (the bundled corpus's
    /// index is built by the build script; a snapshot of the user's folders is cached).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = crate::kb::codec::Writer::default();
        w.u32(INDEX_FORMAT);
        w.buf.extend_from_slice(self.stored.raw());
        w.buf
    }

    /// An index written by [`Index::to_bytes`] of this build, at `range` of `bytes`; `None`
    /// if they are not one. Only its small tables are decoded here: the rest is read in
    /// place as queries need it, so `bytes` is kept (a mapped file stays mapped).
    pub fn read(bytes: IndexBytes, range: std::ops::Range<usize>) -> Option<Index> {
        let head = range.start.checked_add(4)?;
        let format = bytes.all().get(range.start..head)?;
        if format != INDEX_FORMAT.to_le_bytes() || head > range.end {
            return None;
        }
        store::Stored::read(bytes, head..range.end).map(Index::from_stored)
    }

    /// Entry `doc` with its strings.
    fn doc(&self, doc: usize) -> DocRef<'_> {
        let d = &self.stored.docs[doc];
        DocRef {
            d,
            s: self.stored.strings(d.part),
        }
    }

    /// Number of entries indexed.
    pub fn len(&self) -> usize {
        self.stored.docs.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.stored.docs.is_empty()
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
            let all: Vec<usize> = (0..self.stored.docs.len())
                .filter(|&d| self.passes(d, &q))
                .collect();
            let total = all.len();
            let hits = all
                .into_iter()
                .take(limit)
                .map(|doc| Hit {
                    doc,
                    score: 0.0,
                    confidence: Confidence::Weak,
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
        // Words the query has (completions and corrections only find entries; they are
        // not words an entry must account for).
        let own: std::collections::HashSet<String> = qwords.keys().cloned().collect();
        if typing {
            self.expand(&mut qwords, typed);
        }
        // Known query words with their postings, rarest first (at most 64: one bit each).
        let top_weight = qwords.values().fold(0.0f32, |a, &b| a.max(b));
        let mut terms: Vec<Term<'_>> = Vec::new();
        let mut unknown: Vec<(String, f32)> = Vec::new();
        for (w, qw) in qwords {
            match self.stored.id(&w) {
                Some(id) => terms.push((w, qw, self.stored.postings(id))),
                None => unknown.push((w, qw)),
            }
        }
        terms.sort_by(|a, b| a.2.len().cmp(&b.2.len()).then(a.0.cmp(&b.0)));
        terms.truncate(64);
        let n_docs = self.stored.docs.len();
        let n = n_docs as f64;
        let idf = |df: usize| (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
        let evidence = Evidence::new(&terms, &unknown, &own, top_weight, typing, idf);
        let typed_query = confidence::typed_words(typed);
        // Words in more than this many entries do not bring in new candidates; they only
        // add to the score of entries a rarer word found (a MaxScore-style cut).
        let common = (n_docs / 20).max(COMMON_MIN);
        let mut score = vec![0.0f64; n_docs];
        let mut mask = vec![0u64; n_docs];
        let mut touched: Vec<u32> = Vec::new();
        for (ti, (_, qw, list)) in terms.iter().enumerate() {
            let idf = idf(list.len());
            let add = |doc: u32, tf: f32, score: &mut Vec<f64>, mask: &mut Vec<u64>| {
                let tf = f64::from(tf);
                let d = doc as usize;
                let norm_len = 1.0 - B + B * self.stored.docs[d].len / self.avg_len;
                score[d] += f64::from(*qw) * idf * tf * (K1 + 1.0) / (tf + K1 * norm_len);
                mask[d] |= 1 << ti;
            };
            if ti == 0 || list.len() <= common || touched.is_empty() {
                for (doc, tf) in list.iter() {
                    if mask[doc as usize] == 0 {
                        touched.push(doc);
                    }
                    add(doc, tf, &mut score, &mut mask);
                }
            } else if touched.len() * 16 < list.len() {
                for &doc in &touched {
                    if let Some(tf) = list.find(doc) {
                        add(doc, tf, &mut score, &mut mask);
                    }
                }
            } else {
                for (doc, tf) in list.iter() {
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
            let d = self.doc(doc as usize);
            let pattern = norm
                .lines
                .iter()
                .take(PATTERN_LINES)
                .find_map(|l| d.matching_pattern(&l.raw, &l.raw.to_lowercase()));
            // A wording found inside a query line is better evidence than a query line
            // found inside a wording (a few typed words can be part of many titles).
            let inside = d
                .phrases()
                .find(|p| p.len() >= 10 && norm.lines.iter().any(|l| l.masked.contains(p)));
            let contained = inside.map(|p| (p, true)).or_else(|| {
                d.phrases()
                    .find(|p| {
                        norm.lines
                            .iter()
                            .any(|l| l.masked.len() >= 10 && p.contains(l.masked.as_str()))
                    })
                    .map(|p| (p, false))
            });
            if pattern.is_some() || contained.is_some() {
                let e = extra.entry(doc as usize).or_default();
                if let Some((i, strength)) = pattern {
                    e.pattern = Some(i);
                    e.pattern_strength = strength;
                }
                if let Some((p, in_query)) = contained {
                    e.contained = Some(p.to_string());
                    e.wording_in_query = in_query;
                }
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
                if let Some(f) = matcher.fuzzy_match(self.doc(doc).title(), typed) {
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
        // A technology the query names counts against entries that never mention it.
        if evidence.tech_bits != 0 {
            for &d in &touched {
                let missing = (evidence.tech_bits & !mask[d as usize]).count_ones();
                score[d as usize] *= TECH_MISSING_FACTOR.powi(missing as i32);
            }
        }
        // A wrapper ("could not compile", "repeated too quickly") ranks below the specific
        // error matched in the same paste, which is its cause.
        let specific = extra
            .iter()
            .filter(|(d, e)| !self.stored.docs[**d].wrapper && e.is_matched())
            .map(|(d, _)| score[*d])
            .fold(0.0f64, f64::max);
        if specific > 0.0 {
            for &d in extra.keys() {
                if self.stored.docs[d].wrapper && score[d] > specific * WRAPPER_SHARE {
                    score[d] = specific * WRAPPER_SHARE;
                }
            }
        }
        let mut hits_docs: Vec<u32> = touched
            .into_iter()
            .filter(|&d| score[d as usize] > 0.0 && self.passes(d as usize, &q))
            .collect();
        let total = hits_docs.len();
        top_n(&mut hits_docs, limit.max(PROMOTE_WINDOW + 1), &score);
        let mut hits: Vec<Hit> = hits_docs
            .into_iter()
            .enumerate()
            .map(|(rank, d)| {
                let doc = d as usize;
                let mut s = extra.remove(&doc).unwrap_or_else(|| Signals {
                    words: score[doc],
                    ..Signals::default()
                });
                s.coverage = evidence.coverage(mask[doc]);
                s.missing_tech = evidence.missing_tech(mask[doc], &terms);
                let confidence = confidence::judge(
                    &s,
                    confidence::Context {
                        typed: typed_query,
                        one_line: norm.lines.len() == 1,
                        wrapper: self.stored.docs[doc].wrapper,
                    },
                );
                // Matched words and highlights are for rows people look at; further down a
                // long list they would cost more than the search itself.
                if rank >= DETAILED_HITS {
                    return Hit {
                        doc,
                        score: score[doc],
                        confidence,
                        signals: s,
                        title_matches: Vec::new(),
                    };
                }
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
                    confidence,
                    signals: s,
                    title_matches,
                }
            })
            .collect();
        promote_matched(&mut hits);
        hits.truncate(limit);
        (hits, total)
    }

    /// Typing tolerance at the vocabulary level: the last word (being typed) also stands for
    /// the indexed words it begins, and a word the index does not know stands for the
    /// known words one or two edits away. Cheaper than fuzzy-matching every title, and
    /// it ranks through the same word index.
    fn expand(&self, qwords: &mut HashMap<String, f32>, typed: &str) {
        let known = |w: &str| self.stored.id(w).is_some();
        let mut all: Vec<String> = Vec::new();
        let mut buf = String::new();
        for_each_word(typed, &mut buf, |w| all.push(w.to_string()));
        let still_typing = !typed.ends_with(char::is_whitespace);
        // A word being typed that begins known words is unfinished, not misspelt: it is not
        // corrected (at 100k entries that scan was the slowest key of a typed query).
        let mut unfinished: Option<&str> = None;
        if still_typing
            && let Some(last) = all.last()
            && last.len() >= 2
        {
            let mut completions: Vec<u32> = self
                .stored
                .sorted_at(last)
                .take_while(|&id| self.stored.word(id).starts_with(last.as_str()))
                .filter(|&id| self.stored.word(id) != last.as_str())
                .collect();
            if !completions.is_empty() {
                unfinished = Some(last.as_str());
            }
            // The most common completions first: they are what people are typing towards
            // (picked without sorting all of them: a short prefix begins thousands of words).
            let by_use = |&id: &u32| (std::cmp::Reverse(self.stored.postings(id).len()), id);
            if completions.len() > PREFIX_EXPANSIONS {
                completions.select_nth_unstable_by_key(PREFIX_EXPANSIONS, by_use);
                completions.truncate(PREFIX_EXPANSIONS);
            }
            completions.sort_by_key(by_use);
            for id in completions.into_iter().take(PREFIX_EXPANSIONS) {
                qwords
                    .entry(self.stored.word(id).to_string())
                    .or_insert(PREFIX_WEIGHT);
            }
        }
        for w in all
            .iter()
            .filter(|w| w.len() >= 4 && !known(w) && Some(w.as_str()) != unfinished)
        {
            let max = if w.len() <= 6 { 1 } else { 2 };
            let near: Vec<&str> = self
                .stored
                .sorted()
                .map(|id| self.stored.word(id))
                .filter(|v| v.len().abs_diff(w.len()) <= max)
                .filter(|v| strsim::damerau_levenshtein(v, w) <= max)
                .take(8)
                .collect();
            for v in near {
                qwords.entry(v.to_string()).or_insert(TYPO_WEIGHT);
            }
        }
    }

    /// Whether entry `doc` passes the query's filters.
    fn passes(&self, doc: usize, q: &query::Query) -> bool {
        if !q.has_filters() {
            return true;
        }
        let d = self.doc(doc);
        let fields_ok = q.filters.iter().all(|f| {
            let value = match f.field {
                query::Field::Domain => d.domain(),
                query::Field::Category => d.category(),
                query::Field::Verification => d.d.verification.as_str(),
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
        let title = self.doc(doc).title();
        if fuzzy_on
            && s.fuzzy > 0.0
            && s.matched_words.is_empty()
            && let Some((_, idx)) = matcher.fuzzy_indices(title, query)
        {
            return idx;
        }
        let lower = &self.doc(doc).lowered()[0];
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
type Term<'a> = (String, f32, store::Posts<'a>);

/// A word no entry has counts this share of the weight of the rarest known word: it may be
/// a name from the user's system rather than part of the error.
const UNKNOWN_SHARE: f64 = 0.5;

/// What the query's words say about any entry, worked out once per query: how much each
/// word weighs, and which name a technology.
struct Evidence {
    /// Rarity times line weight, per term (bit `ti` of an entry's word mask).
    weight: Vec<f64>,
    /// All the query's word weight, known and unknown words.
    total: f64,
    /// Terms that name a technology on the query's heaviest lines.
    tech_bits: u64,
    /// Technologies the query names that no entry mentions.
    unknown_tech: Vec<String>,
}

impl Evidence {
    fn new(
        terms: &[Term<'_>],
        unknown: &[(String, f32)],
        own: &std::collections::HashSet<String>,
        top_weight: f32,
        typing: bool,
        idf: impl Fn(usize) -> f64,
    ) -> Evidence {
        let weight: Vec<f64> = terms
            .iter()
            .map(|(w, qw, list)| {
                if own.contains(w) {
                    f64::from(*qw) * idf(list.len())
                } else {
                    0.0
                }
            })
            .collect();
        // While a word is being typed its unfinished part is unknown; it says nothing.
        // Error codes (`ts18046`, `e0599`) count; bare numbers do not.
        let plain = |w: &str| w.len() >= 3 && w.chars().any(char::is_alphabetic);
        let unknown_weight: f64 = if typing {
            0.0
        } else {
            unknown
                .iter()
                .filter(|(w, _)| plain(w))
                .map(|(_, qw)| f64::from(*qw) * idf(0) * UNKNOWN_SHARE)
                .sum()
        };
        let tech_bits = terms
            .iter()
            .enumerate()
            .filter(|(_, (w, qw, _))| *qw >= top_weight && confidence::is_tech(w))
            .fold(0u64, |bits, (ti, _)| bits | 1 << ti);
        let unknown_tech = unknown
            .iter()
            .filter(|(w, qw)| *qw >= top_weight && confidence::is_tech(w))
            .map(|(w, _)| w.clone())
            .collect();
        Evidence {
            total: weight.iter().sum::<f64>() + unknown_weight,
            weight,
            tech_bits,
            unknown_tech,
        }
    }

    /// Share of the query's word weight in an entry with word mask `mask`.
    fn coverage(&self, mask: u64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let found: f64 = self
            .weight
            .iter()
            .enumerate()
            .filter(|(ti, _)| mask & (1 << ti) != 0)
            .map(|(_, w)| w)
            .sum();
        (found / self.total).min(1.0)
    }

    /// The technologies the query names that an entry with word mask `mask` lacks.
    fn missing_tech(&self, mask: u64, terms: &[Term<'_>]) -> Vec<String> {
        let mut missing: Vec<String> = terms
            .iter()
            .enumerate()
            .filter(|(ti, _)| self.tech_bits & !mask & (1 << ti) != 0)
            .map(|(_, t)| t.0.clone())
            .chain(self.unknown_tech.iter().cloned())
            .collect();
        missing.sort();
        missing
    }
}

impl Signals {
    /// Whether a pattern or a wording of the entry was found in the query.
    fn is_matched(&self) -> bool {
        self.pattern.is_some() || self.contained.is_some() && self.wording_in_query
    }
}

/// One score from the signals. A pattern or an exact wording is the strongest evidence
/// there is, so it scales with the word score (a long trace piles up word score for every
/// entry it shares vocabulary with) and also adds a fixed amount (for short queries).
fn combine(words: f64, s: &Signals) -> f64 {
    let pattern = if s.pattern.is_some() {
        s.pattern_strength
    } else {
        0.0
    };
    let contained = if s.contained.is_some() { 1.0 } else { 0.0 };
    words * (1.0 + PATTERN_FACTOR * pattern + CONTAIN_FACTOR * contained)
        + PATTERN_BONUS * pattern
        + CONTAIN_BONUS * contained
        + s.fuzzy
}

/// A long trace can share more words with a neighbouring entry than with the one whose
/// pattern it matches (a RabbitMQ "no exchange" error quoting a channel close shares the
/// "no queue" entry's alias words; nginx's 429 page shares "body", "too" and "nginx" with the
/// 413 entry). When the top hit only shares words (weak) and one of the next few matches the
/// query by a strong pattern or a whole wording found in it (exact, or likely for lacking a
/// technology the query names), that one goes first; the others keep their order.
fn promote_matched(hits: &mut [Hit]) {
    if hits
        .first()
        .is_none_or(|h| h.confidence != Confidence::Weak)
    {
        return;
    }
    let strong = |h: &Hit| {
        let s = &h.signals;
        h.confidence > Confidence::Weak
            && (s.pattern.is_some() && s.pattern_strength >= STRONG_PATTERN
                || s.contained.is_some() && s.wording_in_query)
    };
    if let Some(i) = hits.iter().take(PROMOTE_WINDOW + 1).position(strong) {
        // It takes the weak hit's score too, so that an order by score (a stable re-sort
        // after versions demote hits) keeps it first.
        hits[i].score = hits[i].score.max(hits[0].score);
        hits[..=i].rotate_right(1);
    }
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

/// An entry of the index with the buffer its strings are in.
#[derive(Clone, Copy)]
struct DocRef<'a> {
    d: &'a Doc,
    s: store::StrTable<'a>,
}

impl<'a> DocRef<'a> {
    /// The entry's `k`-th string (see `Doc::first`).
    #[inline]
    fn string(self, k: usize) -> &'a str {
        self.s.get(self.d.first + k)
    }

    fn id(self) -> &'a str {
        self.string(0)
    }

    fn title(self) -> &'a str {
        self.string(1)
    }

    fn domain(self) -> &'a str {
        self.string(2)
    }

    fn category(self) -> &'a str {
        self.string(3)
    }

    /// The entry's strings from the `from`-th, `n` of them.
    fn strings(self, from: usize, n: u32) -> impl Iterator<Item = &'a str> {
        (from..from + n as usize).map(move |k| self.string(k))
    }

    fn aliases(self) -> impl Iterator<Item = &'a str> {
        self.strings(4, self.d.aliases)
    }

    fn tags(self) -> impl Iterator<Item = &'a str> {
        self.strings(4 + self.d.aliases as usize, self.d.tags)
    }

    fn patterns(self) -> impl Iterator<Item = &'a str> {
        let from = 4 + self.d.aliases as usize + self.d.tags as usize;
        self.strings(from, self.d.patterns)
    }

    fn derived(self) -> &'a Derived {
        self.d.derived.get_or_init(Box::default)
    }

    /// Masked lowercase title first, then aliases (the same masking as queries get; done
    /// when the index was built).
    fn phrases(self) -> impl Iterator<Item = &'a str> {
        (self.d.phrases_at()..self.d.n_strings()).map(move |k| self.string(k))
    }

    /// Lowercase title first, then aliases.
    fn lowered(self) -> &'a [String] {
        self.derived().lowered.get_or_init(|| {
            std::iter::once(self.title())
                .chain(self.aliases())
                .map(str::to_lowercase)
                .collect()
        })
    }

    /// Lowercase title, aliases, id and tags, one per line.
    fn haystack(self) -> &'a str {
        self.derived().haystack.get_or_init(|| {
            let mut h = self.lowered().join("\n");
            h.push('\n');
            h.push_str(self.id());
            for t in self.tags() {
                h.push('\n');
                h.push_str(&t.to_lowercase());
            }
            h
        })
    }

    /// The first pattern that matches, with how specific its match is; patterns whose
    /// required literal is missing from the query are skipped without being compiled.
    fn matching_pattern(self, query: &str, query_lower: &str) -> Option<(usize, f64)> {
        let n = self.d.patterns as usize;
        let literals = self
            .derived()
            .literals
            .get_or_init(|| self.patterns().map(super::pattern::any_literal).collect());
        let possible = |i: usize| {
            literals[i]
                .as_deref()
                .is_none_or(|any| any.iter().any(|lit| query_lower.contains(lit.as_str())))
        };
        if !(0..n).any(possible) {
            return None;
        }
        let compiled = self
            .derived()
            .compiled
            .get_or_init(|| (0..n).map(|_| OnceLock::new()).collect());
        (0..n).find_map(|i| {
            if !possible(i) {
                return None;
            }
            let re = compiled[i].get_or_init(|| {
                self.patterns()
                    .nth(i)
                    .and_then(|p| super::pattern::compile(p).ok())
            });
            let found = re.as_ref()?.find(query)?;
            let line = query.trim().chars().count().max(1) as f64;
            let covered = query[found.range()].chars().count() as f64 / line;
            let literal = match literals[i].as_deref() {
                Some([required]) => required.chars().count() as f64 / FULL_PATTERN_LITERAL,
                _ => 0.0,
            };
            Some((i, covered.max(literal).clamp(MIN_PATTERN_STRENGTH, 1.0)))
        })
    }
}
