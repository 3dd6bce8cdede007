//! Scanning logs of any size for known errors.
//!
//! Every entry pattern is compiled once (as a byte regex, so invalid UTF-8 is fine). An
//! Aho-Corasick automaton over the patterns' required literals (see
//! `pattern::required_literal`) and the entries' longer aliases picks, for each line, the
//! few patterns that can match; only those run. In front of it, one regex over the literals'
//! first bytes (a lazy DFA with a bounded cache) turns away the many lines that hold none:
//! as fast as a full DFA over every literal, which at 700 entries took 40 MB and a fifth of a
//! second to build. Patterns without a usable literal run on
//! every line through one regex set. Lines are read in segments of at most
//! [`MAX_SEGMENT`] bytes, so a gigabyte without a newline needs no more memory than that;
//! each further segment of a long line starts with the last [`OVERLAP`] bytes of the one
//! before, so a match that crosses a boundary is not lost.

use std::collections::HashMap;
use std::io::{self, BufRead};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::entry::Entry;
use super::pattern;

/// The longest piece of one line looked at at a time.
pub const MAX_SEGMENT: usize = 64 * 1024;
/// How much of a piece is looked at again with the next piece of the same line, so an error
/// that crosses a piece boundary is still found (when its match is at most this long).
pub const OVERLAP: usize = 4 * 1024;
/// The longest sample line kept per finding.
const SAMPLE: usize = 400;
/// Compiled-size limit of the literal gate (its NFA grows with the literals).
const GATE_SIZE_LIMIT: usize = 64 << 20;
/// How much of each literal the gate looks for.
const GATE_HEAD: usize = 16;
/// Lazy-DFA cache of the literal gate: bounded, whatever the corpus size.
const GATE_CACHE: usize = 8 << 20;
/// Aliases shorter than this are too generic to count as a match on their own.
const MIN_ALIAS: usize = 16;
/// Aliases longer than this are example lines, not wordings that recur verbatim.
const MAX_ALIAS: usize = 120;

/// What the literal prefilter points at.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// Run pattern `n` (an index into `Scanner::patterns`).
    Pattern(usize),
    /// The alias itself matched: a finding for entry `n`.
    Alias(usize),
}

/// Known errors found in one input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The input (`-` for stdin).
    pub file: String,
    /// The entry's id.
    pub id: String,
    /// The entry's title.
    pub title: String,
    /// Lines that matched.
    pub count: u64,
    /// First matching line (1-based).
    pub first_line: u64,
    /// Last matching line.
    pub last_line: u64,
    /// The first matching line (lossy UTF-8, cut to a few hundred characters).
    pub sample: String,
}

/// The compiled matchers for a set of entries.
pub struct Scanner {
    ids: Vec<(String, String)>,
    /// (entry index, source, regex compiled on first use)
    patterns: Vec<(usize, String, OnceLock<Option<Regex>>)>,
    literals: AhoCorasick,
    /// The literals as one regex: a lazy DFA with a bounded cache answers "any literal
    /// here?" for the many lines that have none, as fast as a full DFA and in a fraction of
    /// its memory. `None` when it would not compile within its limits.
    gate: Option<Regex>,
    /// For each distinct literal, what it points at.
    targets: Vec<Vec<Target>>,
    /// Patterns without a literal, as one set; values index `always_entry`.
    always: Option<RegexSet>,
    always_entry: Vec<usize>,
}

/// Running totals of one input.
#[derive(Default)]
struct Tally {
    count: u64,
    first: u64,
    last: u64,
    sample: String,
}

impl Scanner {
    /// Compile the matchers of `entries`. Patterns that do not compile are skipped (lint
    /// reports them).
    pub fn new<E: std::borrow::Borrow<Entry>>(entries: &[E]) -> Scanner {
        let mut ids = Vec::with_capacity(entries.len());
        let mut patterns = Vec::new();
        let mut lits: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut slot: HashMap<String, usize> = HashMap::new();
        let mut add =
            |lit: String, t: Target, lits: &mut Vec<String>, targets: &mut Vec<Vec<Target>>| {
                let i = *slot.entry(lit.clone()).or_insert_with(|| {
                    lits.push(lit);
                    targets.push(Vec::new());
                    lits.len() - 1
                });
                targets[i].push(t);
            };
        let mut always_src = Vec::new();
        let mut always_entry = Vec::new();
        for (ei, e) in entries.iter().enumerate() {
            let e = e.borrow();
            ids.push((e.id.clone(), e.title.clone()));
            for p in &e.patterns {
                match pattern::required_literal(p) {
                    Some(lit) => {
                        add(
                            lit,
                            Target::Pattern(patterns.len()),
                            &mut lits,
                            &mut targets,
                        );
                        patterns.push((ei, p.clone(), OnceLock::new()));
                    }
                    None if pattern::compile(p).is_ok() => {
                        always_src.push(p.clone());
                        always_entry.push(ei);
                    }
                    None => {}
                }
            }
            // Aliases that are fixed wordings (no numbers, not whole example lines) recur
            // verbatim in logs; the rest carry example addresses and ids that never do.
            let fixed = |a: &&String| {
                (MIN_ALIAS..=MAX_ALIAS).contains(&a.len()) && !a.chars().any(|c| c.is_ascii_digit())
            };
            for a in e.aliases.iter().filter(fixed) {
                add(a.to_lowercase(), Target::Alias(ei), &mut lits, &mut targets);
            }
        }
        let gate = (!lits.is_empty())
            .then(|| {
                // A line holds a literal only if it holds the literal's head, so the gate
                // needs only heads: far fewer states, and most lines still fail it at once.
                let mut heads: Vec<&str> = lits.iter().map(|l| head(l)).collect();
                heads.sort_unstable();
                heads.dedup();
                let alternation: Vec<String> = heads.iter().map(|h| regex::escape(h)).collect();
                RegexBuilder::new(&alternation.join("|"))
                    .unicode(false)
                    .size_limit(GATE_SIZE_LIMIT)
                    .dfa_size_limit(GATE_CACHE)
                    .build()
                    .ok()
            })
            .flatten();
        let literals = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&lits)
            .unwrap_or_else(|_| {
                AhoCorasick::new(Vec::<String>::new()).unwrap_or_else(|_| unreachable!())
            });
        let always = if always_src.is_empty() {
            None
        } else {
            RegexSetBuilder::new(&always_src)
                .size_limit(pattern::SIZE_LIMIT * 8)
                .build()
                .ok()
        };
        Scanner {
            ids,
            patterns,
            literals,
            gate,
            targets,
            always,
            always_entry,
        }
    }

    /// How many patterns run only when their literal is present, and how many on every line.
    pub fn pattern_counts(&self) -> (usize, usize) {
        (self.patterns.len(), self.always_entry.len())
    }

    /// Scan `input`, naming it `file` in the findings. Findings are in order of first line.
    /// Returns what was found before an I/O error together with the error, if any.
    pub fn scan(&self, file: &str, input: &mut dyn BufRead) -> (Vec<Finding>, Option<io::Error>) {
        let mut tallies: HashMap<usize, Tally> = HashMap::new();
        let mut matcher = LineMatcher::new(self);
        let mut lines = Splitter::default();
        let mut on_piece = |piece: &[u8], line_no: u64| {
            for &ei in matcher.matches(piece) {
                let t = tallies.entry(ei).or_default();
                // A line cut into pieces counts once per entry.
                if t.last == line_no && t.count > 0 {
                    continue;
                }
                t.count += 1;
                if t.first == 0 {
                    t.first = line_no;
                    t.sample = sample(piece);
                }
                t.last = line_no;
            }
        };
        let mut error = None;
        loop {
            let buf = match input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            };
            if buf.is_empty() {
                break;
            }
            let n = buf.len();
            lines.feed(buf, &mut on_piece);
            input.consume(n);
        }
        lines.finish(&mut on_piece);
        let mut found: Vec<Finding> = tallies
            .into_iter()
            .map(|(ei, t)| Finding {
                file: file.to_string(),
                id: self.ids[ei].0.clone(),
                title: self.ids[ei].1.clone(),
                count: t.count,
                first_line: t.first,
                last_line: t.last,
                sample: t.sample,
            })
            .collect();
        found.sort_by(|a, b| a.first_line.cmp(&b.first_line).then(a.id.cmp(&b.id)));
        (found, error)
    }

    /// The id and title of entry `i` (an index into the entries the scanner was made from).
    pub fn entry(&self, i: usize) -> (&str, &str) {
        let (id, title) = &self.ids[i];
        (id, title)
    }
}

/// Which entries match a piece of a line. One per input (it keeps buffers between pieces).
pub struct LineMatcher<'s> {
    scanner: &'s Scanner,
    /// Per entry, the piece it last matched, so an entry is reported once per piece.
    hit_mark: Vec<u64>,
    stamp: u64,
    lower: Vec<u8>,
    hits: Vec<usize>,
}

impl<'s> LineMatcher<'s> {
    /// A matcher over `scanner`'s entries.
    pub fn new(scanner: &'s Scanner) -> LineMatcher<'s> {
        LineMatcher {
            scanner,
            hit_mark: vec![0; scanner.ids.len()],
            stamp: 0,
            lower: Vec::with_capacity(MAX_SEGMENT),
            hits: Vec::new(),
        }
    }

    /// The entries (indexes, each once) whose pattern or fixed wording matches `piece`.
    pub fn matches(&mut self, piece: &[u8]) -> &[usize] {
        let scanner = self.scanner;
        self.stamp += 1;
        self.hits.clear();
        let stamp = self.stamp;
        // Literals are lowercase; a lowercase copy lets a case-sensitive DFA do the work.
        self.lower.clear();
        self.lower.extend_from_slice(piece);
        self.lower.make_ascii_lowercase();
        let (hit_mark, hits) = (&mut self.hit_mark, &mut self.hits);
        let record = |ei: usize, hit_mark: &mut Vec<u64>, hits: &mut Vec<usize>| {
            if hit_mark[ei] != stamp {
                hit_mark[ei] = stamp;
                hits.push(ei);
            }
        };
        // Most log lines carry no literal at all: one fast check, then the full walk.
        let any_literal = match &scanner.gate {
            Some(gate) => gate.is_match(&self.lower),
            None => scanner.literals.is_match(&self.lower),
        };
        if any_literal {
            for m in scanner.literals.find_overlapping_iter(&self.lower) {
                for target in &scanner.targets[m.pattern().as_usize()] {
                    match *target {
                        Target::Alias(ei) => record(ei, hit_mark, hits),
                        Target::Pattern(pi) => {
                            let (ei, src, re) = &scanner.patterns[pi];
                            if hit_mark[*ei] == stamp {
                                continue;
                            }
                            let re = re.get_or_init(|| bytes_regex(src).ok());
                            if re.as_ref().is_some_and(|re| re.is_match(piece)) {
                                record(*ei, hit_mark, hits);
                            }
                        }
                    }
                }
            }
        }
        if let Some(set) = scanner.always.as_ref().filter(|set| set.is_match(piece)) {
            for i in set.matches(piece).iter() {
                record(scanner.always_entry[i], hit_mark, hits);
            }
        }
        &self.hits
    }
}

/// Cuts a byte stream into lines as it arrives, in pieces of at most [`MAX_SEGMENT`] bytes:
/// each further piece of a long line starts with the last [`OVERLAP`] bytes of the one
/// before. A line's end (`\n`, `\r\n`) is not part of it. What follows the last newline waits
/// for more bytes, or for [`Splitter::finish`].
#[derive(Debug, Default)]
pub struct Splitter {
    pending: Vec<u8>,
    /// How many bytes at the start of `pending` were already given in the piece before.
    carried: usize,
    /// Lines ended so far.
    ended: u64,
}

impl Splitter {
    /// Take `bytes`; `piece(bytes, line number)` is called for every piece now complete.
    pub fn feed(&mut self, mut bytes: &[u8], piece: &mut dyn FnMut(&[u8], u64)) {
        while !bytes.is_empty() {
            let room = MAX_SEGMENT.saturating_sub(self.pending.len());
            let window = &bytes[..bytes.len().min(room)];
            if let Some(i) = memchr::memchr(b'\n', window) {
                self.pending.extend_from_slice(&window[..i]);
                bytes = &bytes[i + 1..];
                if self.pending.last() == Some(&b'\r') {
                    self.pending.pop();
                }
                self.end_line(piece);
            } else {
                self.pending.extend_from_slice(window);
                bytes = &bytes[window.len()..];
                if self.pending.len() >= MAX_SEGMENT {
                    // The line goes on: look at the end of this piece again with the next one.
                    piece(&self.pending, self.ended + 1);
                    let keep_from = self.pending.len().saturating_sub(OVERLAP);
                    self.pending.drain(..keep_from);
                    self.carried = self.pending.len();
                }
            }
        }
    }

    /// The input ended (or was cut): give what is left of the last line, if anything.
    pub fn finish(&mut self, piece: &mut dyn FnMut(&[u8], u64)) {
        if self.pending.len() > self.carried {
            self.end_line(piece);
        }
        self.pending.clear();
        self.carried = 0;
    }

    /// Start again at line 1 (the file was truncated or replaced); a partial line is dropped.
    pub fn restart(&mut self) {
        *self = Splitter::default();
    }

    /// Count lines from `lines` on, as if that many had been seen (following a file from
    /// its end).
    pub fn start_at(&mut self, lines: u64) {
        self.ended = lines;
    }

    /// Lines seen so far (a last line without a newline counts once finished).
    pub fn lines(&self) -> u64 {
        self.ended
    }

    fn end_line(&mut self, piece: &mut dyn FnMut(&[u8], u64)) {
        piece(&self.pending, self.ended + 1);
        self.ended += 1;
        self.pending.clear();
        self.carried = 0;
    }
}

/// The first [`GATE_HEAD`] bytes of a literal (cut at a character boundary).
fn head(literal: &str) -> &str {
    let mut end = literal.len().min(GATE_HEAD);
    while !literal.is_char_boundary(end) {
        end -= 1;
    }
    &literal[..end]
}

fn bytes_regex(p: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(p)
        .size_limit(pattern::SIZE_LIMIT)
        .dfa_size_limit(4 * pattern::SIZE_LIMIT)
        .build()
}

/// The sample kept for a matching line: lossy UTF-8, cut to a few hundred characters.
pub fn sample(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(&line[..line.len().min(SAMPLE * 4)]);
    let mut s: String = text.chars().take(SAMPLE).collect();
    if text.chars().count() > SAMPLE {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::entry::Verification;

    fn entry(id: &str, title: &str, patterns: &[&str]) -> Entry {
        Entry {
            id: id.into(),
            title: title.into(),
            domain: id.split('/').next().unwrap_or("x").into(),
            category: "c".into(),
            verification: Verification::Authored,
            fix_rate: None,
            aliases: vec![],
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            root_cause: "r".into(),
            versions: vec![],
            workarounds: vec![],
            dead_ends: vec![],
            related: vec![],
            references: vec![],
            evidence: vec![],
            tags: vec![],
            wrapper: false,
        }
    }

    #[test]
    fn the_gate_looks_for_heads_cut_at_a_character_boundary() {
        assert_eq!(head("short"), "short");
        assert_eq!(head("abcdefghijklmnopqrstu"), "abcdefghijklmnop");
        // 'é' is two bytes, at 15..17: the head stops before it.
        assert_eq!(head("abcdefghijklmnoé"), "abcdefghijklmno");
    }

    #[test]
    fn a_line_with_a_literal_head_but_not_the_literal_is_not_a_finding() {
        let s = Scanner::new(&[entry(
            "a/pool",
            "connection pool exhausted",
            &["(?i)connection pool exhausted"],
        )]);
        let (found, _) = s.scan("-", &mut "connection pool is fine\n".as_bytes());
        assert!(found.is_empty(), "{found:?}");
        let (found, _) = s.scan("-", &mut "x CONNECTION POOL EXHAUSTED y\n".as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn counts_lines_per_entry_with_first_and_last() {
        let s = Scanner::new(&[
            entry(
                "a/refused",
                "connection refused",
                &["(?i)connect: connection refused"],
            ),
            entry("a/oom", "oom", &[r"Out of memory: Killed process \d+"]),
            entry("a/digits", "digits", &[r"\d{3}-\d{3}"]),
        ]);
        assert_eq!(s.pattern_counts(), (2, 1));
        let log = b"ok\ndial tcp: CONNECT: connection refused\r\nmid 555-123\n\xff\xfe garbage\nOut of memory: Killed process 42 (x)\ndial tcp: connect: connection refused\n";
        let (found, err) = s.scan("log", &mut &log[..]);
        assert!(err.is_none());
        let get = |id: &str| found.iter().find(|f| f.id == id).cloned();
        let r = get("a/refused").expect("refused found");
        assert_eq!((r.count, r.first_line, r.last_line), (2, 2, 6));
        assert_eq!(r.sample, "dial tcp: CONNECT: connection refused");
        assert_eq!(get("a/oom").map(|f| f.first_line), Some(5));
        assert_eq!(get("a/digits").map(|f| f.count), Some(1));
    }

    /// A reader that gives `good` and then fails, like a file deleted or truncated on a
    /// network filesystem while being read.
    struct Failing<'a> {
        good: &'a [u8],
    }

    impl std::io::Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.good.is_empty() {
                return Err(std::io::Error::other("stale file handle"));
            }
            let n = self.good.len().min(buf.len()).min(7);
            buf[..n].copy_from_slice(&self.good[..n]);
            self.good = &self.good[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_keeps_what_was_found_before_it() {
        let s = Scanner::new(&[entry("a/refused", "refused", &["connection refused"])]);
        let mut reader = std::io::BufReader::new(Failing {
            good: b"x
connect: connection refused
and a cut li",
        });
        let (found, err) = s.scan("log", &mut reader);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].first_line, 2);
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("stale file handle")
        );
    }

    #[test]
    fn a_line_longer_than_a_segment_counts_once_and_keeps_line_numbers() {
        let s = Scanner::new(&[entry("a/x", "needle", &["needle here"])]);
        let mut log = vec![b'x'; MAX_SEGMENT * 3];
        log.extend_from_slice(b"needle here");
        log.extend(std::iter::repeat_n(b'y', MAX_SEGMENT));
        log.extend_from_slice(b" needle here\nneedle here\n");
        let (found, _) = s.scan("log", &mut &log[..]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].count, found[0].first_line, found[0].last_line),
            (2, 1, 2)
        );
        assert!(found[0].sample.chars().count() <= SAMPLE + 1);
    }

    #[test]
    fn an_error_across_a_segment_boundary_is_found() {
        let s = Scanner::new(&[entry(
            "postgres/too-many-clients",
            "FATAL:  sorry, too many clients already",
            &["sorry, too many clients already"],
        )]);
        // Every start offset around the boundary, including ones where the match ends exactly
        // at it and ones where it starts just before it.
        for start in MAX_SEGMENT - 40..MAX_SEGMENT + 2 {
            let mut log = vec![b'x'; start];
            log.extend_from_slice(b"FATAL:  sorry, too many clients already\n");
            let (found, _) = s.scan("log", &mut &log[..]);
            assert_eq!(found.len(), 1, "match starting at {start}");
            assert_eq!((found[0].count, found[0].first_line), (1, 1), "{start}");
        }
        // Further pieces of a long line keep overlapping.
        let mut log = vec![b'x'; MAX_SEGMENT * 3 - 10];
        log.extend_from_slice(b"sorry, too many clients already\nnext\n");
        let (found, _) = s.scan("log", &mut &log[..]);
        assert_eq!(found.len(), 1);
    }
}
