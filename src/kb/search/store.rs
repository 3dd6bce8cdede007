//! How the index is laid out in memory, and how it is built.
//!
//! Building runs over every token of the corpus, so the layout avoids work per token and
//! per entry: words are looked up by an integer key (see `tokens::Word`), the entries'
//! strings are copied end to end into a buffer instead of one allocation each, and the
//! postings are one array cut into one slice per word. Large corpora are split into parts
//! that are tokenised on separate threads and then merged; word ids and postings come out
//! exactly as a single pass in entry order would make them.

use std::borrow::Borrow;
use std::num::NonZero;
use std::sync::{Arc, OnceLock};

use super::Doc;
use super::tokens::{Word, for_each_key};
use crate::kb::Entry;
use crate::kb::codec::{Reader, Writer, range_in};
use crate::kb::entry::Verification;

/// Field weights: words of the title count most, root-cause prose least.
const W_TITLE: f32 = 3.0;
const W_ALIAS: f32 = 2.0;
const W_TAG: f32 = 1.5;
const W_META: f32 = 1.5;
const W_ROOT: f32 = 0.4;
/// Below this many entries the index is built on the calling thread alone: the bundled
/// corpus (365 entries, 2.7 ms) gains little from a second thread, 1,000 entries go from
/// 7 to 4.5 ms on two cores.
const PARALLEL_MIN: usize = 1000;
/// At most this many parts built at once.
const MAX_PARTS: usize = 8;

/// Strings end to end in one buffer: string `k` is `text[ends[k - 1]..ends[k]]`.
#[derive(Default)]
pub(super) struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    /// String `k`.
    #[inline]
    pub(super) fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    /// How many strings.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    fn write(&self, w: &mut Writer) {
        w.str(&self.text);
        w.usize(self.ends.len());
        for &e in &self.ends {
            w.usize(e);
        }
    }

    fn read(r: &mut Reader<'_>) -> Option<Strings> {
        let text = r.str()?.to_string();
        let n = r.len(8)?;
        let mut ends = Vec::with_capacity(n);
        let mut last = 0;
        for _ in 0..n {
            let e = r.usize()?;
            // Ends only grow, stay inside the text and on character boundaries, so `get`
            // never panics on a garbled file.
            if e < last || e > text.len() || !text.is_char_boundary(e) {
                return None;
            }
            last = e;
            ends.push(e);
        }
        Some(Strings { text, ends })
    }
}

/// The words of the index: an id for each word, and each id's word.
///
/// A hash table of its own (open addressing, linear probing, at most half full) whose
/// slot holds everything one token of the corpus needs while the index is built: the key,
/// the id, and the word's tallies. A token then costs one cache line, not one per table.
pub(super) struct Vocab {
    slots: Vec<Slot>,
    /// `64 - log2(slots.len())`: a hash's top bits pick the first slot.
    shift: u32,
    /// Each id's word.
    words: Strings,
}

/// One slot of the vocabulary.
#[derive(Clone, Copy)]
struct Slot {
    /// The word's key if short, [`LONG`] for a long word (its text is compared), 0 if empty.
    key: u128,
    id: u32,
    /// While building: the last entry the word was seen in, where its pair for that
    /// entry is, and how many entries it is in.
    last: u32,
    pair: u32,
    df: u32,
}

/// The key of every long word: no word packs to it (UTF-8 has no 0xff byte).
const LONG: u128 = u128::MAX;

const EMPTY: Slot = Slot {
    key: 0,
    id: 0,
    last: u32::MAX,
    pair: 0,
    df: 0,
};

impl Default for Vocab {
    fn default() -> Vocab {
        Vocab::with_slots(1024)
    }
}

/// A key's hash: multiply-xor of its halves (top bits used).
fn hash_short(key: u128) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let (lo, hi) = (key as u64, (key >> 64) as u64);
    (lo.wrapping_mul(K) ^ hi).wrapping_mul(K)
}

fn hash_long(w: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(w.as_bytes());
    hash_short(u128::from(h.finish()))
}

impl Vocab {
    fn with_slots(n: usize) -> Vocab {
        Vocab {
            slots: vec![EMPTY; n],
            shift: 64 - n.trailing_zeros(),
            words: Strings::default(),
        }
    }

    /// The word with id `id`.
    #[inline]
    pub(super) fn word(&self, id: u32) -> &str {
        self.words.get(id as usize)
    }

    /// How many words.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// The slot where the word is, or the empty slot where it would go.
    #[inline]
    fn find(&self, w: Word<'_>) -> usize {
        match w {
            Word::Short(key) => self.probe(hash_short(key), |s| s.key == key),
            Word::Long(w) => self.find_long(w),
        }
    }

    #[inline(never)]
    fn find_long(&self, w: &str) -> usize {
        self.probe(hash_long(w), |s| s.key == LONG && self.word(s.id) == w)
    }

    /// From the slot `hash` picks, the first that is empty or `is` the word.
    #[inline(always)]
    fn probe(&self, hash: u64, is: impl Fn(&Slot) -> bool) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = (hash >> self.shift) as usize;
        loop {
            let s = &self.slots[at];
            if s.key == 0 || is(s) {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// The word's slot, added with the next id if new.
    #[inline]
    fn intern(&mut self, w: Word<'_>) -> &mut Slot {
        let at = self.find(w);
        if self.slots[at].key == 0 {
            return self.add(w, at);
        }
        &mut self.slots[at]
    }

    #[cold]
    fn add(&mut self, w: Word<'_>, mut at: usize) -> &mut Slot {
        let id = self.words.len() as u32;
        w.with_str(|s| self.words.push(s));
        // At most half full, so probes stay short.
        if self.words.len() * 2 > self.slots.len() {
            self.grow();
            at = self.find(w);
        }
        let key = match w {
            Word::Short(key) => key,
            Word::Long(_) => LONG,
        };
        self.slots[at] = Slot { key, id, ..EMPTY };
        &mut self.slots[at]
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let size = old.len() * 2;
        self.slots = vec![EMPTY; size];
        self.shift = 64 - size.trailing_zeros();
        for s in old.into_iter().filter(|s| s.key != 0) {
            let hash = if s.key == LONG {
                hash_long(self.word(s.id))
            } else {
                hash_short(s.key)
            };
            let mut at = (hash >> self.shift) as usize;
            while self.slots[at].key != 0 {
                at = (at + 1) & (size - 1);
            }
            self.slots[at] = s;
        }
    }

    fn write(&self, w: &mut Writer) {
        self.words.write(w);
        w.usize(self.slots.len());
        for s in &self.slots {
            w.u64(s.key as u64);
            w.u64((s.key >> 64) as u64);
            w.u32(s.id);
        }
    }

    /// For each word id, how many entries it is in.
    fn df(&self) -> Vec<u32> {
        let mut df = vec![0; self.len()];
        for s in self.slots.iter().filter(|s| s.key != 0) {
            df[s.id as usize] = s.df;
        }
        df
    }
}

/// For each word, the entries it is in (in entry order) with its weighted term frequency.
#[derive(Default)]
pub(super) struct Postings {
    /// Word `w`'s postings are `list[starts[w]..starts[w + 1]]`.
    starts: Vec<usize>,
    list: Vec<(u32, f32)>,
}

impl Postings {
    fn write(&self, w: &mut Writer) {
        w.usize(self.starts.len());
        for &s in &self.starts {
            w.usize(s);
        }
        w.usize(self.list.len());
        for &(doc, tf) in &self.list {
            w.u32(doc);
            w.u32(tf.to_bits());
        }
    }

    /// The postings of word `id`.
    #[cfg(test)]
    fn get(&self, id: u32) -> &[(u32, f32)] {
        let w = id as usize;
        &self.list[self.starts[w]..self.starts[w + 1]]
    }
}

/// What building makes.
pub(super) struct Built {
    pub docs: Vec<Doc>,
    /// Each part's strings (see `Doc::part`).
    pub strings: Vec<Strings>,
    pub vocab: Vocab,
    /// Word ids in byte order of their words.
    pub sorted: Vec<u32>,
    pub postings: Postings,
}

/// Word ids of `vocab` in byte order of their words.
fn sorted_ids(vocab: &Vocab) -> Vec<u32> {
    let mut v: Vec<u32> = (0..vocab.len() as u32).collect();
    v.sort_unstable_by_key(|&id| vocab.word(id));
    v
}

impl Built {
    /// The index data as bytes, read back by [`Stored::read`].
    pub fn bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.usize(self.docs.len());
        for d in &self.docs {
            w.usize(d.part);
            w.usize(d.first);
            w.u32(d.aliases);
            w.u32(d.tags);
            w.u32(d.patterns);
            w.u8(d.verification as u8);
            w.u8(u8::from(d.wrapper));
            w.f64(d.len);
        }
        w.usize(self.strings.len());
        for s in &self.strings {
            s.write(&mut w);
        }
        self.vocab.write(&mut w);
        w.usize(self.sorted.len());
        for &id in &self.sorted {
            w.u32(id);
        }
        self.postings.write(&mut w);
        w.buf
    }
}

/// Where an index's bytes are kept: compiled into the binary, or shared (a mapped file, or
/// bytes just written).
#[derive(Clone)]
pub enum IndexBytes {
    Static(&'static [u8]),
    Shared(Arc<dyn AsRef<[u8]> + Send + Sync>),
}

impl IndexBytes {
    pub fn all(&self) -> &[u8] {
        match self {
            IndexBytes::Static(b) => b,
            IndexBytes::Shared(b) => (**b).as_ref(),
        }
    }
}

/// A stretch of the index's bytes.
#[derive(Clone, Copy, Default)]
struct Span {
    at: usize,
    len: usize,
}

impl Span {
    /// Where `inner`, a slice of `outer`, lies in it.
    fn of(outer: &[u8], inner: &[u8]) -> Span {
        let r = range_in(outer, inner);
        Span {
            at: r.start,
            len: r.len(),
        }
    }
}

/// A little-endian integer of `N` bytes at item `k` of a table of `N`-byte items.
#[inline]
fn item<const N: usize>(table: &[u8], k: usize) -> Option<[u8; N]> {
    let at = k.checked_mul(N)?;
    table.get(at..at + N)?.try_into().ok()
}

/// One part's strings, read in place: string `k` is `text[end(k - 1)..end(k)]`. A string
/// whose bounds or bytes do not hold together (a garbled file) reads as empty.
#[derive(Clone, Copy)]
pub(super) struct StrTable<'a> {
    text: &'a [u8],
    ends: &'a [u8],
}

impl<'a> StrTable<'a> {
    fn end(&self, k: usize) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(item(self.ends, k)?)).ok()
    }

    /// String `k`.
    #[inline]
    pub(super) fn get(&self, k: usize) -> &'a str {
        let start = if k == 0 { Some(0) } else { self.end(k - 1) };
        start
            .zip(self.end(k))
            .and_then(|(s, e)| self.text.get(s..e))
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// A word's postings, read in place: (entry, weighted term frequency), in entry order.
#[derive(Clone, Copy)]
pub(super) struct Posts<'a> {
    raw: &'a [u8],
    n_docs: u32,
}

/// One posting's 8 bytes: entry, then weighted term frequency.
#[inline]
fn posting(c: &[u8]) -> (u32, f32) {
    (
        u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
        f32::from_bits(u32::from_le_bytes([c[4], c[5], c[6], c[7]])),
    )
}

impl<'a> Posts<'a> {
    #[inline]
    fn at(&self, i: usize) -> (u32, f32) {
        posting(&item::<8>(self.raw, i).unwrap_or([0xff; 8]))
    }

    /// How many entries the word is in.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.raw.len() / 8
    }

    /// The postings in entry order (an entry past the index, from a garbled file, is left out).
    #[inline]
    pub(super) fn iter(self) -> impl Iterator<Item = (u32, f32)> + 'a {
        let n_docs = self.n_docs;
        self.raw
            .chunks_exact(8)
            .map(posting)
            .filter(move |&(doc, _)| doc < n_docs)
    }

    /// The weighted term frequency of `doc`, if the word is in it.
    pub(super) fn find(&self, doc: u32) -> Option<f32> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (d, tf) = self.at(mid);
            match d.cmp(&doc) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(tf),
            }
        }
        None
    }
}

/// An index as read back from bytes. The small tables (entries' records and the words) are
/// decoded at once; the large ones (the entries' strings, the word table's slots, the
/// postings) stay in the bytes and are read where a query touches them, so opening costs
/// the same at 10,000 entries as at 400. Reading never panics: a table whose bounds do not
/// hold together is refused when it is opened, and a garbled item inside one reads as empty.
pub(super) struct Stored {
    bytes: IndexBytes,
    /// Where in `bytes` the index data is.
    range: std::ops::Range<usize>,
    pub docs: Vec<Doc>,
    /// Each part's text and string ends.
    parts: Vec<(Span, Span)>,
    words: Strings,
    /// The word table: `n_slots` slots of 20 bytes (key's low and high halves, id).
    slots: Span,
    n_slots: usize,
    shift: u32,
    /// Word ids (4 bytes each) in byte order of their words.
    sorted: Span,
    /// Each word's first posting (8 bytes each, one more than words), and the postings.
    starts: Span,
    list: Span,
}

impl Stored {
    /// Index data written by [`Built::bytes`], at `range` of `bytes`; `None` if it does not hold
    /// together.
    pub fn read(bytes: IndexBytes, range: std::ops::Range<usize>) -> Option<Stored> {
        let all = bytes.all();
        let mut r = Reader::new(all.get(range.clone())?);
        let n_docs = r.len(38)?;
        let mut docs = Vec::with_capacity(n_docs);
        for _ in 0..n_docs {
            let (part, first) = (r.usize()?, r.usize()?);
            let (aliases, tags, patterns) = (r.u32()?, r.u32()?, r.u32()?);
            let verification = *Verification::ALL.get(usize::from(r.u8()?))?;
            let wrapper = r.u8()? != 0;
            let len = r.f64()?;
            docs.push(Doc {
                part,
                first,
                aliases,
                tags,
                patterns,
                verification,
                wrapper,
                len,
                derived: OnceLock::new(),
            });
        }
        let n_parts = r.len(16)?;
        let mut parts = Vec::with_capacity(n_parts);
        for _ in 0..n_parts {
            let text = r.bytes()?;
            let n = r.len(8)?;
            let ends = r.take(n * 8)?;
            parts.push((Span::of(all, text), Span::of(all, ends)));
        }
        // Every entry's strings are where its record says.
        for d in &docs {
            let end = d.first.checked_add(d.n_strings())?;
            if parts.get(d.part)?.1.len / 8 < end {
                return None;
            }
        }
        let words = Strings::read(&mut r)?;
        let n_slots = r.len(20)?;
        // At least two slots, at least half of them empty: every probe ends.
        if !n_slots.is_power_of_two() || n_slots < 2 || words.len() * 2 > n_slots {
            return None;
        }
        let slots = Span::of(all, r.take(n_slots * 20)?);
        let n = r.len(4)?;
        if n != words.len() {
            return None;
        }
        let sorted = Span::of(all, r.take(n * 4)?);
        if r.len(8)? != words.len() + 1 {
            return None;
        }
        let starts = r.take((words.len() + 1) * 8)?;
        let len = r.len(8)?;
        let list = r.take(len * 8)?;
        let first = u64::from_le_bytes(item(starts, 0)?);
        let last = u64::from_le_bytes(item(starts, words.len())?);
        if first != 0 || usize::try_from(last).ok()? != len || !r.done() {
            return None;
        }
        Some(Stored {
            docs,
            parts,
            words,
            slots,
            n_slots,
            shift: 64 - n_slots.trailing_zeros(),
            sorted,
            starts: Span::of(all, starts),
            list: Span::of(all, list),
            bytes,
            range,
        })
    }

    /// The index data as it was read (what [`Built::bytes`] wrote).
    pub(super) fn raw(&self) -> &[u8] {
        self.bytes.all().get(self.range.clone()).unwrap_or(&[])
    }

    fn span(&self, s: Span) -> &[u8] {
        self.bytes.all().get(s.at..s.at + s.len).unwrap_or(&[])
    }

    /// Part `part`'s strings.
    #[inline]
    pub(super) fn strings(&self, part: usize) -> StrTable<'_> {
        let (text, ends) = self.parts.get(part).copied().unwrap_or_default();
        StrTable {
            text: self.span(text),
            ends: self.span(ends),
        }
    }

    /// The word with id `id` (empty past the vocabulary).
    #[inline]
    pub(super) fn word(&self, id: u32) -> &str {
        if (id as usize) < self.words.len() {
            self.words.get(id as usize)
        } else {
            ""
        }
    }

    /// The id of a word (lowercase, as the tokeniser gives words), if it is in the index.
    pub(super) fn id(&self, w: &str) -> Option<u32> {
        let (hash, key) = match Word::of(w) {
            Word::Short(key) => (hash_short(key), key),
            Word::Long(w) => (hash_long(w), LONG),
        };
        let table = self.span(self.slots);
        let mask = self.n_slots - 1;
        let mut at = (hash >> self.shift) as usize;
        for _ in 0..self.n_slots {
            let s: [u8; 20] = item(table, at)?;
            let k = u128::from(u64::from_le_bytes(s[..8].try_into().ok()?))
                | (u128::from(u64::from_le_bytes(s[8..16].try_into().ok()?)) << 64);
            if k == 0 {
                return None;
            }
            if k == key {
                let id = u32::from_le_bytes(s[16..].try_into().ok()?);
                let found = (id as usize) < self.words.len() && (k != LONG || self.word(id) == w);
                if found {
                    return Some(id);
                }
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// Word ids in byte order of their words (ids past the vocabulary left out).
    pub(super) fn sorted(&self) -> impl Iterator<Item = u32> + '_ {
        self.sorted_from(0)
    }

    /// Word ids in byte order from the first word that is not less than `w`.
    pub(super) fn sorted_at(&self, w: &str) -> impl Iterator<Item = u32> + '_ {
        let table = self.span(self.sorted);
        let at = |i: usize| item(table, i).map_or(u32::MAX, u32::from_le_bytes);
        let (mut lo, mut hi) = (0, table.len() / 4);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.word(at(mid)) < w {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        self.sorted_from(lo)
    }

    fn sorted_from(&self, from: usize) -> impl Iterator<Item = u32> + '_ {
        let n = self.words.len();
        self.span(self.sorted)
            .chunks_exact(4)
            .skip(from)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .filter(move |&id| (id as usize) < n)
    }

    /// The postings of word `id` (none for a garbled range).
    #[inline]
    pub(super) fn postings(&self, id: u32) -> Posts<'_> {
        let starts = self.span(self.starts);
        let bound = |k: usize| {
            item(starts, k)
                .and_then(|b| usize::try_from(u64::from_le_bytes(b)).ok())
                .and_then(|v| v.checked_mul(8))
        };
        let w = id as usize;
        let raw = bound(w)
            .zip(bound(w + 1))
            .and_then(|(s, e)| self.span(self.list).get(s..e))
            .unwrap_or(&[]);
        Posts {
            raw,
            n_docs: u32::try_from(self.docs.len()).unwrap_or(u32::MAX),
        }
    }
}

/// One part of the entries, tokenised, with word ids of its own.
#[derive(Default)]
struct Part {
    vocab: Vocab,
    docs: Vec<Doc>,
    strings: Strings,
    /// Each entry's distinct words with their weights, entry after entry.
    pairs: Vec<(u32, f32)>,
    /// Where each entry's pairs end.
    pair_ends: Vec<usize>,
}

/// Build the index data over `entries`.
pub(super) fn build<E: Borrow<Entry> + Sync>(entries: &[E]) -> Built {
    let threads = std::thread::available_parallelism().map_or(1, NonZero::get);
    let n_parts = if entries.len() >= PARALLEL_MIN {
        threads.clamp(1, MAX_PARTS)
    } else {
        1
    };
    build_in(entries, n_parts)
}

/// Build over `entries` in `n_parts` parts.
fn build_in<E: Borrow<Entry> + Sync>(entries: &[E], n_parts: usize) -> Built {
    let chunk = entries.len().div_ceil(n_parts).max(1);
    let parts: Vec<Part> = on_threads(
        entries
            .chunks(chunk)
            .enumerate()
            .map(|(p, c)| move || part(c, p))
            .collect(),
    );
    merge(parts)
}

/// Run each job on a thread of its own (the first on this one), results in order.
fn on_threads<T: Send>(jobs: Vec<impl FnOnce() -> T + Send>) -> Vec<T> {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else {
        return Vec::new();
    };
    std::thread::scope(|s| {
        let others: Vec<_> = jobs.map(|job| s.spawn(job)).collect();
        let mut done = vec![first()];
        for h in others {
            done.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        done
    })
}

/// Tokenise `entries` into part number `part_no`.
fn part<E: Borrow<Entry>>(entries: &[E], part_no: usize) -> Part {
    let mut p = Part::default();
    // Sized from the text up front, so the buffers are not copied as they grow.
    let (mut kept, mut indexed, mut count) = (0, 0, 0);
    for e in entries {
        let e = e.borrow();
        let listed = e.aliases.iter().chain(&e.tags);
        let listed_len: usize = listed.clone().map(String::len).sum();
        let patterns: usize = e.patterns.iter().map(String::len).sum();
        let fields = e.id.len() + e.title.len() + e.domain.len() + e.category.len();
        kept += fields + listed_len + patterns;
        indexed += fields + listed_len + e.root_cause.len();
        count += 5 + 2 * e.aliases.len() + e.tags.len() + e.patterns.len();
        kept += e.title.len() + e.aliases.iter().map(String::len).sum::<usize>();
    }
    p.strings.text.reserve(kept);
    p.strings.ends.reserve(count);
    // About one distinct word per eight bytes of text (if more, the buffer grows).
    p.pairs.reserve(indexed / 8);
    p.pair_ends.reserve(entries.len());
    p.docs.reserve(entries.len());
    let mut buf = String::new();
    for (i, e) in entries.iter().enumerate() {
        let e = e.borrow();
        let i = i as u32;
        let from = p.pairs.len();
        let mut add = |text: &str, w: f32| {
            for_each_key(text, &mut buf, |word| {
                // A word's first token in an entry adds its pair; later ones add weight.
                let s = p.vocab.intern(word);
                if s.last == i {
                    p.pairs[s.pair as usize].1 += w;
                } else {
                    s.last = i;
                    s.pair = p.pairs.len() as u32;
                    s.df += 1;
                    p.pairs.push((s.id, w));
                }
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
        let len = p.pairs[from..]
            .iter()
            .fold(0.0, |len, &(_, w)| len + f64::from(w));
        p.pair_ends.push(p.pairs.len());
        p.docs.push(doc(e, part_no, &mut p.strings, len));
    }
    p
}

/// An entry's record; its strings go to `strings` (see `Doc::first`).
fn doc(e: &Entry, part: usize, strings: &mut Strings, len: f64) -> Doc {
    let first = strings.len();
    for s in [&e.id, &e.title, &e.domain, &e.category] {
        strings.push(s);
    }
    for s in e.aliases.iter().chain(&e.tags).chain(&e.patterns) {
        strings.push(s);
    }
    // The masked title and aliases, which every query is compared with: masked here once,
    // at build time for the bundled corpus, rather than on each run.
    for s in std::iter::once(&e.title).chain(&e.aliases) {
        strings.push(&super::normalize::mask(s));
    }
    Doc {
        part,
        first,
        aliases: e.aliases.len() as u32,
        tags: e.tags.len() as u32,
        patterns: e.patterns.len() as u32,
        verification: e.verification,
        wrapper: e.wrapper,
        len,
        derived: OnceLock::new(),
    }
}

/// Parts into one index: the first part's word ids stay, later parts' words are looked up
/// (new ones numbered in order of first use, as one pass would), and the postings are laid
/// out by counting, each part writing its own share of every word's list.
fn merge(parts: Vec<Part>) -> Built {
    let mut vocab = Vocab::default();
    let n_docs: usize = parts.iter().map(|p| p.docs.len()).sum();
    let mut docs: Vec<Doc> = Vec::new();
    let mut strings = Vec::with_capacity(parts.len());
    let mut shares = Vec::with_capacity(parts.len());
    let mut first_doc = 0;
    for (i, p) in parts.into_iter().enumerate() {
        let df = p.vocab.df();
        let remap = if i == 0 {
            vocab = p.vocab;
            docs = p.docs;
            docs.reserve(n_docs - docs.len());
            None
        } else {
            docs.extend(p.docs);
            let ids =
                (0..p.vocab.len() as u32).map(|id| vocab.intern(Word::of(p.vocab.word(id))).id);
            Some(ids.collect::<Vec<u32>>())
        };
        strings.push(p.strings);
        shares.push(Share {
            remap,
            df,
            pairs: p.pairs,
            pair_ends: p.pair_ends,
            first_doc,
        });
        first_doc += shares[i].pair_ends.len() as u32;
    }
    // How many entries of each part every word (by merged id) is in.
    let n_words = vocab.len();
    let counts: Vec<Vec<u32>> = shares
        .iter()
        .map(|share| {
            let mut n = vec![0u32; n_words];
            for (id, &c) in share.df.iter().enumerate() {
                n[share.global(id as u32) as usize] = c;
            }
            n
        })
        .collect();
    let mut starts = Vec::with_capacity(n_words + 1);
    let mut total = 0;
    starts.push(0);
    for w in 0..n_words {
        total += counts.iter().map(|n| n[w] as usize).sum::<usize>();
        starts.push(total);
    }
    let mut list = vec![(0u32, 0f32); total];
    // Cut the list into one slice per word and part, each part's after the previous one's,
    // so the parts can fill their slices at the same time.
    let mut cuts: Vec<Vec<&mut [(u32, f32)]>> =
        shares.iter().map(|_| Vec::with_capacity(n_words)).collect();
    let mut rest: &mut [(u32, f32)] = &mut list;
    for w in 0..n_words {
        for (cut, n) in cuts.iter_mut().zip(&counts) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(n[w] as usize);
            cut.push(head);
            rest = tail;
        }
    }
    let jobs: Vec<_> = shares
        .iter()
        .zip(cuts)
        .map(|(share, cut)| move || share.scatter(cut))
        .collect();
    on_threads(jobs);
    let sorted = sorted_ids(&vocab);
    Built {
        docs,
        strings,
        vocab,
        sorted,
        postings: Postings { starts, list },
    }
}

/// A part's share of the postings.
struct Share {
    /// The part's word ids in the merged vocabulary (None: the same).
    remap: Option<Vec<u32>>,
    /// How many entries each of the part's words is in.
    df: Vec<u32>,
    pairs: Vec<(u32, f32)>,
    pair_ends: Vec<usize>,
    /// The merged number of the part's first entry.
    first_doc: u32,
}

impl Share {
    /// A word id of the part in the merged vocabulary.
    fn global(&self, id: u32) -> u32 {
        self.remap.as_ref().map_or(id, |r| r[id as usize])
    }

    /// Write the part's postings into its slice of each word's list (by merged word id).
    fn scatter(&self, mut cut: Vec<&mut [(u32, f32)]>) {
        let mut from = 0;
        for (doc, &end) in (self.first_doc..).zip(&self.pair_ends) {
            for &(id, w) in &self.pairs[from..end] {
                let slot = &mut cut[self.global(id) as usize];
                let (first, rest) = std::mem::take(slot).split_at_mut(1);
                first[0] = (doc, w);
                *slot = rest;
            }
            from = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words by id (then in byte order), postings by word, and each entry's length and
    /// strings.
    type Summary = (Vec<String>, Vec<Vec<(u32, u32)>>, Vec<(u64, Vec<String>)>);

    /// Everything built, as comparable values (weights and lengths as bits).
    fn summary(b: &Built) -> Summary {
        let words = (0..b.vocab.len() as u32)
            .chain(b.sorted.iter().copied())
            .map(|id| b.vocab.word(id).to_string())
            .collect();
        let postings = (0..b.vocab.len() as u32)
            .map(|id| {
                let list = b.postings.get(id);
                list.iter().map(|&(d, w)| (d, w.to_bits())).collect()
            })
            .collect();
        let docs = b
            .docs
            .iter()
            .map(|d| {
                let s = &b.strings[d.part];
                let strings = (d.first..d.first + d.n_strings()).map(|k| s.get(k).to_string());
                (d.len.to_bits(), strings.collect())
            })
            .collect();
        (words, postings, docs)
    }

    /// The same, of an index read back.
    fn summary_read(r: &Stored) -> Summary {
        let n = r.words.len() as u32;
        let words = (0..n)
            .chain(r.sorted())
            .map(|id| r.word(id).to_string())
            .collect();
        let postings = (0..n)
            .map(|id| {
                r.postings(id)
                    .iter()
                    .map(|(d, w)| (d, w.to_bits()))
                    .collect()
            })
            .collect();
        let docs = r
            .docs
            .iter()
            .map(|d| {
                let s = r.strings(d.part);
                let strings = (d.first..d.first + d.n_strings()).map(|k| s.get(k).to_string());
                (d.len.to_bits(), strings.collect())
            })
            .collect();
        (words, postings, docs)
    }

    fn read(bytes: &[u8]) -> Option<Stored> {
        let range = 0..bytes.len();
        Stored::read(IndexBytes::Shared(Arc::new(bytes.to_vec())), range)
    }

    #[test]
    fn an_index_read_back_is_the_one_written_and_a_cut_one_is_refused() {
        let entries: Vec<Entry> = crate::kb::load::bundled()
            .into_iter()
            .take(40)
            .map(|l| l.entry)
            .collect();
        let built = build_in(&entries, 1);
        let buf = built.bytes();
        let back = read(&buf).expect("reads back");
        assert!(summary_read(&back) == summary(&built));
        // Every word is found by its text, and a word not in the index is not.
        for id in 0..built.vocab.len() as u32 {
            assert_eq!(back.id(built.vocab.word(id)), Some(id));
        }
        assert_eq!(back.id("zzzz-no-such-word"), None);
        // Completion starts at the first word not less than the prefix.
        let first = back.sorted_at("conn").next().map(|id| back.word(id));
        assert!(first.is_some_and(|w| w.starts_with("conn")), "{first:?}");
        // The byte order and the masked wordings are stored, not made again on reading.
        let sorted: Vec<&str> = back.sorted().map(|id| back.word(id)).collect();
        assert!(
            sorted.windows(2).all(|w| w[0] < w[1]),
            "words in byte order"
        );
        let d = &back.docs[0];
        let phrase = back.strings(d.part).get(d.first + d.phrases_at());
        assert_eq!(
            phrase,
            crate::kb::search::normalize::mask(&entries[0].title)
        );
        // A range inside larger bytes reads the same.
        let mut padded = vec![7u8; 13];
        padded.extend_from_slice(&buf);
        padded.extend_from_slice(&[9; 5]);
        let inner = Stored::read(IndexBytes::Shared(Arc::new(padded)), 13..13 + buf.len());
        assert!(inner.is_some_and(|i| summary_read(&i) == summary(&built)));
        for cut in (0..buf.len()).step_by(97) {
            assert!(read(&buf[..cut]).is_none(), "cut at {cut}");
        }
        // Changed bytes never panic, opening or searching: each either reads or is refused.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut bytes = buf.clone();
            let at = (seed as usize) % bytes.len();
            bytes[at] ^= (seed >> 32) as u8 | 1;
            if let Some(r) = read(&bytes) {
                let _ = summary_read(&r);
                let _ = r.id("connection");
                let _ = r.sorted_at("co").take(3).count();
            }
        }
    }

    #[test]
    fn parts_merge_into_what_one_pass_makes() {
        let mut entries: Vec<Entry> = crate::kb::load::bundled()
            .into_iter()
            .map(|l| l.entry)
            .collect();
        // Words that only later parts have, and long and non-ASCII ones.
        let mut extra = entries[0].clone();
        extra.title = "Überlänge_Fehler averyveryverylongwordindeed café".into();
        entries.push(extra);
        let one = summary(&build_in(&entries, 1));
        assert!(one.0.len() > 1000);
        for n in [2, 3, 7] {
            assert!(summary(&build_in(&entries, n)) == one, "{n} parts");
        }
        assert_eq!(summary(&build_in::<Entry>(&[], 1)).0.len(), 0);
    }
}
