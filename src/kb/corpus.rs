//! The entries of a catalog, each decoded the first time something reads it.
//!
//! A search shows ten entries out of hundreds or tens of thousands; the index it runs on
//! holds what ranking needs. So the bundled corpus and a cached snapshot keep each entry as
//! an encoded record and decode it on first use: start-up does not grow with the corpus.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use super::entry::{Entry, Verification};
use super::load::{Loaded, Origin};
use super::search::Index;

/// Where encoded records live.
#[derive(Clone)]
pub enum Blob {
    /// Compiled into the binary.
    Static(&'static [u8]),
    /// A file mapped into memory.
    Mapped(Arc<memmap2::Mmap>),
}

impl Blob {
    fn bytes(&self) -> &[u8] {
        match self {
            Blob::Static(b) => b,
            Blob::Mapped(m) => m,
        }
    }
}

struct Item {
    id: Box<str>,
    origin: Origin,
    entry: OnceLock<Entry>,
    /// The encoded entry: which blob, and where in it (none when decoded from the start).
    record: Option<(u32, Range<usize>)>,
    /// The record's checksum, checked before decoding it (records read from a file).
    sum: Option<u64>,
}

/// Entries in catalog order, with where each came from.
#[derive(Default)]
pub struct Corpus {
    items: Vec<Item>,
    blobs: Vec<Blob>,
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("len", &self.items.len())
            .finish()
    }
}

impl PartialEq for Corpus {
    /// The same entries from the same places, in the same order (decoding both sides).
    fn eq(&self, other: &Corpus) -> bool {
        self.len() == other.len()
            && (0..self.len())
                .all(|i| self.origin(i) == other.origin(i) && self.get(i) == other.get(i))
    }
}

impl From<Vec<Entry>> for Corpus {
    /// Entries given whole, all counted as bundled (tests and benches).
    fn from(entries: Vec<Entry>) -> Corpus {
        Corpus::from_loaded(entries.into_iter().map(|entry| Loaded {
            entry,
            origin: Origin::Bundled(String::new()),
        }))
    }
}

impl Corpus {
    /// Entries already decoded.
    pub fn from_loaded(loaded: impl IntoIterator<Item = Loaded>) -> Corpus {
        let mut c = Corpus::default();
        for l in loaded {
            c.push(l);
        }
        c
    }

    /// Add a blob of records; returns the number to give [`Corpus::push_record`].
    pub fn add_blob(&mut self, blob: Blob) -> u32 {
        self.blobs.push(blob);
        (self.blobs.len() - 1) as u32
    }

    /// Add a decoded entry at the end.
    pub fn push(&mut self, l: Loaded) {
        self.items.push(Item {
            id: l.entry.id.as_str().into(),
            origin: l.origin,
            entry: OnceLock::from(l.entry),
            record: None,
            sum: None,
        });
    }

    /// Add an encoded entry at the end: its JSON is at `range` of blob `blob`, and has the
    /// checksum `sum` if one is given.
    pub fn push_record(
        &mut self,
        id: &str,
        origin: Origin,
        blob: u32,
        range: Range<usize>,
        sum: Option<u64>,
    ) {
        self.items.push(Item {
            id: id.into(),
            origin,
            entry: OnceLock::new(),
            record: Some((blob, range)),
            sum,
        });
    }

    /// Where entry `i`'s record is in the blob compiled into the binary, if it is there.
    pub fn bundled_range(&self, i: usize) -> Option<Range<usize>> {
        let item = self.items.get(i)?;
        let (blob, range) = item.record.as_ref()?;
        matches!(self.blobs.get(*blob as usize)?, Blob::Static(_)).then(|| range.clone())
    }

    /// Put the entry at `i` in place of what is there (a later source's entry with the same id).
    pub fn replace(&mut self, i: usize, l: Loaded) {
        if let Some(item) = self.items.get_mut(i) {
            item.id = l.entry.id.as_str().into();
            item.origin = l.origin;
            item.entry = OnceLock::from(l.entry);
            item.record = None;
            item.sum = None;
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Entry `i`, decoded if it was not yet.
    pub fn get(&self, i: usize) -> Option<&Entry> {
        self.items.get(i).map(|item| self.entry(item))
    }

    fn entry<'a>(&'a self, item: &'a Item) -> &'a Entry {
        item.entry.get_or_init(|| self.decode(item))
    }

    fn decode(&self, item: &Item) -> Entry {
        let decoded = item.record.as_ref().and_then(|(blob, range)| {
            let bytes = self.blobs.get(*blob as usize)?.bytes().get(range.clone())?;
            if item
                .sum
                .is_some_and(|sum| super::codec::checksum(bytes) != sum)
            {
                return None;
            }
            serde_json::from_slice::<Entry>(bytes).ok()
        });
        // A record that fails its checksum (a cache file changed behind errdex's back) is
        // loaded from its file instead; only if that fails too does the entry say so.
        decoded
            .or_else(|| match &item.origin {
                Origin::File(path) => super::load::load_file_at(path, super::validate::Depth::Load)
                    .0
                    .filter(|e| *e.id == *item.id),
                Origin::Bundled(_) => None,
            })
            .unwrap_or_else(|| unreadable(&item.id))
    }

    /// The id of entry `i` (without decoding it).
    pub fn id(&self, i: usize) -> Option<&str> {
        self.items.get(i).map(|item| &*item.id)
    }

    /// Where entry `i` came from.
    pub fn origin(&self, i: usize) -> Option<&Origin> {
        self.items.get(i).map(|item| &item.origin)
    }

    /// Every entry in order (decoding each).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.items.iter().map(|item| self.entry(item))
    }

    /// The ids in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.items.iter().map(|item| &*item.id)
    }

    /// The position of the entry with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|item| &*item.id == id)
    }

    /// A search index built over every entry (decoding them).
    pub fn build_index(&self) -> Index {
        let all: Vec<&Entry> = self.iter().collect();
        Index::new(&all)
    }

    /// Entry `i` with its origin, copied.
    pub fn loaded(&self, i: usize) -> Option<Loaded> {
        Some(Loaded {
            entry: self.get(i)?.clone(),
            origin: self.origin(i)?.clone(),
        })
    }

    /// Every entry with its origin, copied.
    pub fn to_loaded(&self) -> Vec<Loaded> {
        (0..self.len()).filter_map(|i| self.loaded(i)).collect()
    }

    /// The entries, decoding those that were not yet.
    pub fn into_entries(self) -> Vec<Entry> {
        for item in &self.items {
            self.entry(item);
        }
        self.items
            .into_iter()
            .map(|item| {
                let id = item.id;
                item.entry.into_inner().unwrap_or_else(|| unreadable(&id))
            })
            .collect()
    }

    /// How many entries are decoded so far (for tests of laziness).
    pub fn decoded(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.entry.get().is_some())
            .count()
    }
}

fn unreadable(id: &str) -> Entry {
    let domain = id.split('/').next().unwrap_or_default().to_string();
    Entry {
        id: id.to_string(),
        title: format!("{id} (could not be read)"),
        domain,
        category: "unknown".into(),
        verification: Verification::AiGenerated,
        fix_rate: None,
        aliases: Vec::new(),
        patterns: Vec::new(),
        root_cause: "This entry's record could not be decoded. Run errdex with --no-cache to \
                     load it from its file again."
            .into(),
        versions: Vec::new(),
        workarounds: Vec::new(),
        dead_ends: Vec::new(),
        related: Vec::new(),
        references: Vec::new(),
        evidence: Vec::new(),
        tags: Vec::new(),
        wrapper: false,
    }
}
