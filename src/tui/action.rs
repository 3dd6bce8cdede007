//! What the user wants, named by intent. Keys, mouse and the outside world become these.

use std::sync::Arc;

use super::clipboard::CopyReport;
use super::state::Pane;
use crate::kb::corpus::Corpus;
use crate::kb::search::Hit;

/// One thing to do to the explorer's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Type a character into the query.
    InsertChar(char),
    /// Insert pasted text (a whole stack trace becomes one query).
    Paste(String),
    /// Delete the character before the cursor.
    DeleteBack,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Clear the query line.
    ClearQuery,
    /// Move the query cursor left.
    CursorLeft,
    /// Move the query cursor right.
    CursorRight,
    /// Move the query cursor to the start.
    CursorHome,
    /// Move the query cursor to the end.
    CursorEnd,
    /// Select the next result.
    SelectNext,
    /// Select the previous result.
    SelectPrev,
    /// Move the selection a page down.
    PageDown,
    /// Move the selection a page up.
    PageUp,
    /// Move focus into the selected entry.
    FocusEntry,
    /// Focus the next pane of the entry.
    NextPane,
    /// Focus the previous pane of the entry.
    PrevPane,
    /// In the entry: scroll the pane, or pick the next workaround.
    Down,
    /// In the entry: scroll the pane, or pick the previous workaround.
    Up,
    /// Go back one step: overlay → entry → list → clear query → quit.
    Back,
    /// Copy the selected workaround's snippet.
    CopySnippet,
    /// Pick workaround N (1-based) and copy its snippet.
    PickAndCopy(usize),
    /// Open or close the help overlay.
    ToggleHelp,
    /// Quit now.
    Quit,
    /// Suspend to the shell (Ctrl-Z).
    Suspend,
    /// Mouse wheel at a screen position.
    Wheel {
        /// Column.
        column: u16,
        /// Row.
        row: u16,
        /// Lines to scroll: positive is down.
        delta: i32,
    },
    /// Mouse click at a screen position.
    Click {
        /// Column.
        column: u16,
        /// Row.
        row: u16,
    },
    /// The terminal has a new size.
    Resize(u16, u16),
    /// Search results for the query of generation `generation`.
    Results {
        /// The query generation they answer.
        generation: u64,
        /// The ranked hits shown in the list.
        hits: Vec<Hit>,
        /// How many entries matched in all.
        total: usize,
    },
    /// The outcome of a copy.
    Copied(CopyReport),
    /// The toast has been shown long enough.
    ClearToast,
    /// Focus a given pane (used by clicks and tests).
    FocusPane(Pane),
    /// Show the picked related entry; Back returns.
    FollowRelated,
    /// Record that the picked workaround worked (true) or did not (false).
    Record(bool),
    /// The outcome of recording.
    Recorded {
        /// The entry's id.
        entry: String,
        /// The workaround's title.
        workaround: String,
        /// Whether it worked.
        worked: bool,
        /// Ok, or what went wrong.
        result: Result<(), String>,
    },
    /// Copy the shown entry as Markdown for an incident channel.
    CopyMarkdown,
    /// Edit the shown entry's file in `$EDITOR`.
    Edit,
    /// Write a new entry from the query (as `errdex new --from-query`) and open it in
    /// `$EDITOR`, then reload.
    NewFromQuery,
    /// The outcomes file has been read.
    TalliesLoaded {
        /// Recorded outcomes by entry and workaround.
        tallies: super::state::Tallies,
        /// Something to say about the file (lines skipped, not readable).
        note: Option<String>,
    },
    /// What the followed log holds now: the known errors (one per entry), lines read and
    /// whether the stream is still open.
    LogUpdate {
        /// The findings, any order.
        rows: Vec<crate::kb::follow::Tracked>,
        /// Lines read.
        lines: u64,
        /// Still open.
        open: bool,
    },
    /// The piped stream ended and was one short message: search for it, as a query.
    LogAsQuery(String),
    /// Order the findings by count or by recency (the other one).
    ToggleOrder,
    /// Entries were loaded again (after an edit).
    Reloaded {
        /// Every entry, with where it came from.
        entries: Arc<Corpus>,
        /// What to tell the user (what was checked, how many problems).
        message: String,
        /// The problems found in the edited file, one per line, to show in full.
        problems: Option<String>,
    },
}
