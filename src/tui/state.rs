//! The explorer's state: a few small sub-states. Views read it; only `update` changes it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::kb::Entry;
use crate::kb::corpus::Corpus;
use crate::kb::fit::{self, EntryFit, Fits, Lookup};
use crate::kb::follow::Tracked;
use crate::kb::search::{Confidence, Hit, typed_words};

/// The panes of an entry, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    /// Why it happens.
    RootCause,
    /// The version compatibility table.
    Versions,
    /// What to do, best first.
    Workarounds,
    /// What not to do.
    DeadEnds,
    /// Entries this one leads to or is often confused with.
    Related,
    /// What backs each wording of the entry.
    Evidence,
}

impl Pane {
    /// Every pane, in reading order.
    pub const ALL: [Pane; 6] = [
        Pane::RootCause,
        Pane::Versions,
        Pane::Workarounds,
        Pane::DeadEnds,
        Pane::Related,
        Pane::Evidence,
    ];

    /// Position in [`Pane::ALL`].
    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane's heading.
    pub fn title(self) -> &'static str {
        match self {
            Pane::RootCause => "Root cause",
            Pane::Versions => "Version compatibility",
            Pane::Workarounds => "Workarounds",
            Pane::DeadEnds => "Dead ends",
            Pane::Related => "Related",
            Pane::Evidence => "Evidence",
        }
    }

    /// A short heading, for narrow tab rows.
    pub fn short(self) -> &'static str {
        match self {
            Pane::RootCause => "Cause",
            Pane::Versions => "Versions",
            Pane::Workarounds => "Fixes",
            Pane::DeadEnds => "Dead ends",
            Pane::Related => "Related",
            Pane::Evidence => "Evidence",
        }
    }

    /// The next pane, wrapping.
    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    /// The previous pane, wrapping.
    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// Where keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The query line and result list.
    List,
    /// A pane of the selected entry.
    Entry(Pane),
}

/// The query line: text and a cursor counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The query as typed or pasted (may hold newlines from a pasted stack trace).
    pub text: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

impl Query {
    /// A query with the cursor at the end.
    pub fn new(text: &str) -> Query {
        Query {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Insert text at the cursor.
    pub fn insert(&mut self, s: &str) {
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, s);
        self.cursor += s.chars().count();
    }

    /// Delete the character before the cursor.
    pub fn delete_back(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let start = self.byte_at(self.cursor - 1);
        let end = self.byte_at(self.cursor);
        self.text.replace_range(start..end, "");
        self.cursor -= 1;
    }

    /// Delete the word before the cursor (and the blanks after it), like a shell's Ctrl-W.
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut start = self.cursor.min(chars.len());
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.replace_range(a..b, "");
        self.cursor = start;
    }

    /// Empty the query.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Move the cursor, staying inside the text.
    pub fn move_cursor(&mut self, delta: isize) {
        let len = self.text.chars().count() as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, len) as usize;
    }

    /// Cursor to the start or the end.
    pub fn cursor_to(&mut self, end: bool) {
        self.cursor = if end { self.text.chars().count() } else { 0 };
    }
}

/// The result list.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Ranked hits shown in the list.
    pub hits: Vec<Hit>,
    /// How many entries matched in all.
    pub total: usize,
    /// The selected row.
    pub selected: usize,
    /// The first visible row.
    pub offset: usize,
    /// Generation of the latest query sent to the search.
    pub asked: u64,
    /// Generation of the query these hits answer.
    pub answered: u64,
}

impl Results {
    /// Whether a newer query is still being searched.
    pub fn pending(&self) -> bool {
        self.answered < self.asked
    }
}

/// Where the reader is inside the selected entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryView {
    /// Scroll offset of each pane, in wrapped lines (index: [`Pane::index`]).
    pub scroll: [usize; 6],
    /// The picked workaround (0-based); Ctrl-Y copies its snippet.
    pub workaround: usize,
    /// The picked related entry (0-based); Enter follows it.
    pub related: usize,
}

/// One step of the history of followed related entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The entry shown then: None for the list's selection, else a followed entry.
    pub shown: Option<usize>,
    /// Where the reader was in it.
    pub view: EntryView,
    /// Which pane had the focus.
    pub focus: Focus,
}

/// How often a workaround was recorded as working, from the outcomes file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records that say it worked.
    pub worked: u32,
    /// Records that say it did not.
    pub failed: u32,
}

impl Tally {
    /// `team: 3 of 4 worked (measured)`: a measured rate always comes with its sample.
    pub fn describe(&self) -> String {
        format!(
            "team: {} of {} worked (measured)",
            self.worked,
            self.worked + self.failed
        )
    }
}

/// Recorded outcomes by (entry id, workaround title).
pub type Tallies = HashMap<(String, String), Tally>;

/// A snippet shown for copying by hand, when no clipboard was known to work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPopup {
    /// Heading (which workaround).
    pub title: String,
    /// The line above the text (why it is shown, how to close it).
    pub note: String,
    /// The exact text.
    pub code: String,
}

/// The log the explorer follows (`errdex --follow FILE`, or a stream piped in).
#[derive(Debug, Clone, Default)]
pub struct LogView {
    /// What is followed, for the list's heading ("stdin", a file name).
    pub name: String,
    /// The known errors found so far, one per entry, in the order shown.
    pub rows: Vec<Tracked>,
    /// Lines read so far.
    pub lines: u64,
    /// Whether the stream is still open (files always are).
    pub open: bool,
    /// Most frequent first (else most recent first).
    pub by_count: bool,
}

impl LogView {
    /// Put the rows in the order asked for: most recent (then most frequent) first, or
    /// most frequent (then most recent) first.
    pub fn sort(&mut self) {
        if self.by_count {
            self.rows.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then(b.last_seen.cmp(&a.last_seen))
                    .then(a.entry.cmp(&b.entry))
            });
        } else {
            self.rows.sort_by(|a, b| {
                b.last_seen
                    .cmp(&a.last_seen)
                    .then(b.last_line.cmp(&a.last_line))
                    .then(b.count.cmp(&a.count))
                    .then(a.entry.cmp(&b.entry))
            });
        }
    }
}

/// The user's versions, shareable with the search thread.
pub type Versions = Arc<dyn Lookup + Send + Sync>;

/// Everything the explorer shows.
#[derive(Clone)]
pub struct State {
    /// Every loaded entry, with where it came from; hits point into it.
    pub entries: Arc<Corpus>,
    /// Entry position by id, for following related entries.
    pub by_id: Arc<HashMap<String, usize>>,
    /// Whether each entry concerns the user's versions (same order as `entries`).
    pub fits: Arc<Fits>,
    /// The user's versions.
    pub versions: Versions,
    /// Recorded outcomes of workarounds.
    pub tallies: Tallies,
    /// A followed related entry shown instead of the list's selection.
    pub shown: Option<usize>,
    /// Where Back returns to, newest last.
    pub history: Vec<Visit>,
    /// The query line.
    pub query: Query,
    /// The result list.
    pub results: Results,
    /// Where keys go.
    pub focus: Focus,
    /// Scroll and pick inside the selected entry.
    pub entry: EntryView,
    /// Whether the help overlay is open.
    pub help: bool,
    /// A short message in the status line.
    pub toast: Option<String>,
    /// The copy-by-hand popup.
    pub popup: Option<SnippetPopup>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Entry files skipped because of errors.
    pub skipped: usize,
    /// Whether colours are on (off with NO_COLOR).
    pub color: bool,
    /// The followed log, in log mode: its findings are the list while the query is empty.
    pub log: Option<LogView>,
}

impl State {
    /// A fresh explorer over `entries` with an initial query (no versions known, every
    /// entry bundled until [`State::set_entries`] says otherwise).
    pub fn new(entries: Arc<Corpus>, query: &str, size: (u16, u16)) -> State {
        let nothing: Versions = Arc::new(fit::Nothing);
        let mut s = State {
            entries: Arc::clone(&entries),
            by_id: Arc::new(HashMap::new()),
            fits: Arc::new(Fits::new(Arc::clone(&entries), Arc::clone(&nothing))),
            versions: nothing,
            tallies: Tallies::new(),
            shown: None,
            history: Vec::new(),
            query: Query::new(query),
            results: Results::default(),
            focus: Focus::List,
            entry: EntryView::default(),
            help: false,
            toast: None,
            popup: None,
            size,
            skipped: 0,
            color: true,
            log: None,
        };
        s.set_entries(entries);
        s
    }

    /// Replace the entries (at start and after a reload), with the lookups made from them.
    pub fn set_entries(&mut self, entries: Arc<Corpus>) {
        self.by_id = Arc::new(
            entries
                .ids()
                .enumerate()
                .map(|(i, id)| (id.to_string(), i))
                .collect(),
        );
        self.fits = Arc::new(Fits::new(Arc::clone(&entries), Arc::clone(&self.versions)));
        self.entries = entries;
        self.shown = None;
        self.history.clear();
    }

    /// Use these versions for marks and ranking.
    pub fn set_versions(&mut self, versions: Versions) {
        self.fits = Arc::new(Fits::new(Arc::clone(&self.entries), Arc::clone(&versions)));
        self.versions = versions;
    }

    /// The position of the entry shown: a followed related entry, or the list's selection.
    /// Whether hits show their confidence: for a pasted error, not while a few words are
    /// typed (the labels would change on every key).
    pub fn labels_shown(&self) -> bool {
        let q = self.query.text.trim();
        !q.is_empty() && !typed_words(q)
    }

    /// A pasted error that no entry matches better than weakly: the list says so above the
    /// closest hits.
    pub fn weak_only(&self) -> bool {
        self.labels_shown()
            && !self.results.hits.is_empty()
            && self
                .results
                .hits
                .iter()
                .all(|h| h.confidence == Confidence::Weak)
    }

    pub fn selected_doc(&self) -> Option<usize> {
        match self.shown {
            Some(doc) => Some(doc),
            None => self.results.hits.get(self.results.selected).map(|h| h.doc),
        }
    }

    /// The entry shown, if any.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.entries.get(self.selected_doc()?)
    }

    /// How the shown entry relates to the user's versions.
    pub fn selected_fit(&self) -> Option<&EntryFit> {
        self.fits.get(self.selected_doc()?)
    }

    /// The recorded outcomes of a workaround of an entry.
    pub fn tally(&self, entry: &str, workaround: &str) -> Option<Tally> {
        self.tallies
            .get(&(entry.to_string(), workaround.to_string()))
            .copied()
    }

    /// Whether the list shows the followed log's findings (log mode, empty query).
    pub fn findings_shown(&self) -> bool {
        self.log.is_some() && self.query.text.is_empty()
    }

    /// The finding behind row `i` of the list, when it shows findings.
    pub fn finding(&self, i: usize) -> Option<&Tracked> {
        self.log
            .as_ref()
            .filter(|_| self.findings_shown())
            .and_then(|l| l.rows.get(i))
    }

    /// Whether an overlay (help or popup) takes the keys.
    pub fn overlay_open(&self) -> bool {
        self.help || self.popup.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_edits_by_characters() {
        let mut q = Query::new("héllo wörld");
        q.delete_back();
        assert_eq!(q.text, "héllo wörl");
        q.move_cursor(-4);
        q.insert("X");
        assert_eq!(q.text, "héllo Xwörl");
        q.cursor_to(true);
        q.delete_word();
        assert_eq!(q.text, "héllo ");
        q.delete_word();
        assert_eq!((q.text.as_str(), q.cursor), ("", 0));
        q.move_cursor(-3);
        assert_eq!(q.cursor, 0);
    }

    #[test]
    fn panes_cycle() {
        assert_eq!(Pane::Related.next(), Pane::Evidence);
        assert_eq!(Pane::Evidence.next(), Pane::RootCause);
        assert_eq!(Pane::DeadEnds.next(), Pane::Related);
        assert_eq!(Pane::RootCause.prev(), Pane::Evidence);
    }
}
