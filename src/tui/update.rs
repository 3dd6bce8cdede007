//! `update(&mut State, Action) -> Vec<Effect>`: every behaviour of the explorer, with no I/O.
//! The run loop performs the effects (search, copy, quit, suspend) and feeds results back.

use super::action::Action;
use super::state::{Focus, Pane, SnippetPopup, State, Visit};
use super::view::content::pane_text;
use super::view::layout::{self, Areas};
use crate::kb::search::Hit;
use crate::kb::{markdown, redact};

/// How many followed entries Back can return through.
pub const MAX_HISTORY: usize = 64;

/// The largest query kept (a pasted log beyond this is cut; search normalises the rest).
pub const MAX_QUERY_BYTES: usize = 1 << 20;

/// Something for the run loop to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Search for `query`; answer with `Action::Results` carrying `generation`.
    Search {
        /// Which query this is; only the latest is shown.
        generation: u64,
        /// The query text.
        query: String,
    },
    /// Copy a snippet; answer with `Action::Copied`.
    Copy {
        /// The snippet's code as written in the entry.
        code: String,
        /// What it is, for messages.
        title: String,
    },
    /// Turn mouse capture on or off (off while the user selects text in a popup).
    MouseCapture(bool),
    /// Append an outcome to the outcomes file; answer with `Action::Recorded`.
    Record {
        /// The entry's id.
        entry: String,
        /// The workaround's title.
        workaround: String,
        /// Its 1-based position.
        index: usize,
        /// Whether it worked.
        worked: bool,
        /// The query as typed.
        query: String,
    },
    /// Open the entry at this position in `$EDITOR`, then reload; answer with
    /// `Action::Reloaded`.
    Edit {
        /// The entry's position in `State::entries`.
        doc: usize,
    },
    /// Write a new entry scaffolded from this text, open it in `$EDITOR`, then reload;
    /// answer with `Action::Reloaded`.
    NewEntry {
        /// The query it is written from.
        query: String,
    },
    /// Suspend to the shell.
    Suspend,
    /// Leave the explorer.
    Quit,
}

/// Apply one action.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    match action {
        Action::InsertChar(c) => {
            s.focus = Focus::List;
            leave_followed(s);
            s.query.insert(c.encode_utf8(&mut [0; 4]));
            search(s, &mut fx);
        }
        Action::Paste(text) => {
            let mut t = text.replace("\r\n", "\n").replace('\r', "\n");
            let keep = t.trim_end_matches('\n').len();
            t.truncate(keep);
            let room = MAX_QUERY_BYTES.saturating_sub(s.query.text.len());
            if t.len() > room {
                let mut cut = room;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t.truncate(cut);
                s.toast = Some("pasted text cut to 1 MiB".into());
            }
            s.focus = Focus::List;
            leave_followed(s);
            s.query.insert(&t);
            search(s, &mut fx);
        }
        Action::DeleteBack => edit(s, &mut fx, |q| q.delete_back()),
        Action::DeleteWord => edit(s, &mut fx, |q| q.delete_word()),
        Action::ClearQuery => edit(s, &mut fx, |q| q.clear()),
        Action::CursorLeft => s.query.move_cursor(-1),
        Action::CursorRight => s.query.move_cursor(1),
        Action::CursorHome => s.query.cursor_to(false),
        Action::CursorEnd => s.query.cursor_to(true),
        Action::SelectNext => select(s, 1),
        Action::SelectPrev => select(s, -1),
        Action::PageDown => select(s, layout::list_rows(s) as isize),
        Action::PageUp => select(s, -(layout::list_rows(s) as isize)),
        Action::FocusEntry => {
            if s.selected_entry().is_some() {
                s.focus = Focus::Entry(Pane::Workarounds);
            }
        }
        Action::FollowRelated => follow(s),
        Action::Record(worked) => record(s, worked, &mut fx),
        Action::Recorded {
            entry,
            workaround,
            worked,
            result,
        } => match result {
            Ok(()) => {
                let t = s.tallies.entry((entry, workaround)).or_default();
                if worked {
                    t.worked += 1;
                } else {
                    t.failed += 1;
                }
                let what = if worked { "worked" } else { "did not work" };
                s.toast = Some(format!("recorded: {what} ({})", t.describe()));
            }
            Err(e) => s.toast = Some(format!("not recorded: {e}")),
        },
        Action::TalliesLoaded { tallies, note } => {
            // Records made in this session before the file was read are in the file too.
            s.tallies = tallies;
            if note.is_some() && s.toast.is_none() {
                s.toast = note;
            }
        }
        Action::CopyMarkdown => match s.selected_entry() {
            Some(e) => {
                let text = incident_markdown(s, e);
                fx.push(Effect::Copy {
                    code: text,
                    title: format!("{} as Markdown", e.id),
                });
            }
            None => s.toast = Some("nothing selected to copy".into()),
        },
        Action::Edit => match s.selected_doc() {
            Some(doc) => fx.push(Effect::Edit { doc }),
            None => s.toast = Some("no entry selected to edit".into()),
        },
        Action::NewFromQuery => {
            if s.query.text.trim().is_empty() {
                s.toast = Some("type or paste the error first; ^O writes an entry from it".into());
            } else {
                fx.push(Effect::NewEntry {
                    query: s.query.text.clone(),
                });
            }
        }
        Action::Reloaded {
            entries,
            message,
            problems,
        } => {
            if let Some(text) = problems {
                s.popup = Some(SnippetPopup {
                    title: "Problems in the edited file".into(),
                    note: "Errors skip the entry until fixed; e edits it again. Esc closes.".into(),
                    code: text,
                });
                fx.push(Effect::MouseCapture(false));
            }
            let keep = s.selected_entry().map(|e| e.id.clone());
            s.set_entries(entries);
            s.toast = Some(message);
            // Answers to queries asked before the reload point into the old entries.
            s.results.answered = s.results.asked;
            s.results.hits.clear();
            // Show the edited entry again, wherever the new search puts it.
            s.shown = keep.and_then(|id| s.by_id.get(&id).copied());
            search(s, &mut fx);
        }
        Action::NextPane | Action::PrevPane => {
            if s.selected_entry().is_some() {
                s.focus = Focus::Entry(match (s.focus, action == Action::NextPane) {
                    (Focus::List, true) => Pane::RootCause,
                    (Focus::List, false) => Pane::DeadEnds,
                    (Focus::Entry(p), true) => p.next(),
                    (Focus::Entry(p), false) => p.prev(),
                });
            }
        }
        Action::Down => step_in_entry(s, 1),
        Action::Up => step_in_entry(s, -1),
        Action::Back => {
            if s.popup.take().is_some() {
                fx.push(Effect::MouseCapture(true));
            } else if s.help {
                s.help = false;
            } else if let Some(v) = s.history.pop() {
                s.shown = v.shown;
                s.entry = v.view;
                s.focus = v.focus;
            } else if matches!(s.focus, Focus::Entry(_)) {
                // Back in the list, the entry shown is the list's selection again (after a
                // reload the edited entry was shown wherever the search put it).
                s.focus = Focus::List;
                s.shown = None;
            } else if !s.query.text.is_empty() {
                edit(s, &mut fx, |q| q.clear());
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::CopySnippet => copy_picked(s, &mut fx),
        Action::PickAndCopy(n) => {
            let count = s.selected_entry().map_or(0, |e| e.workarounds.len());
            if n >= 1 && n <= count {
                s.entry.workaround = n - 1;
                reveal_workaround(s);
                copy_picked(s, &mut fx);
            } else {
                s.toast = Some(format!(
                    "there is no workaround {n} (this entry has {count})"
                ));
            }
        }
        Action::ToggleHelp => s.help = !s.help,
        Action::Quit => fx.push(Effect::Quit),
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Wheel { column, row, delta } => wheel(s, column, row, delta),
        Action::Click { column, row } => click(s, column, row),
        Action::Resize(w, h) => s.size = (w, h),
        Action::Results {
            generation,
            hits,
            total,
        } => {
            // Answers can arrive out of order; keep only the newest.
            if generation > s.results.answered {
                let same_top = s.results.hits.first().map(|h| h.doc) == hits.first().map(|h| h.doc);
                s.results.hits = hits;
                s.results.total = total;
                s.results.answered = generation;
                s.results.selected = 0;
                s.results.offset = 0;
                if !same_top {
                    s.entry = Default::default();
                }
                if s.results.hits.is_empty() && s.shown.is_none() {
                    s.focus = Focus::List;
                }
            }
        }
        Action::Copied(report) => {
            s.toast = Some(report.message());
            if report.confirmed.is_empty() {
                s.popup = Some(SnippetPopup {
                    title: report.title.clone(),
                    note: "No clipboard was confirmed. Select the text with the mouse; Esc closes."
                        .into(),
                    code: report.text.clone(),
                });
                fx.push(Effect::MouseCapture(false));
            }
        }
        Action::ClearToast => s.toast = None,
        Action::LogUpdate { rows, lines, open } => {
            if let Some(log) = s.log.as_mut() {
                log.rows = rows;
                log.lines = lines;
                log.open = open;
                log.sort();
            }
            if s.findings_shown() {
                show_findings(s);
            }
        }
        Action::LogAsQuery(text) => {
            s.log = None;
            if s.query.text.is_empty() {
                s.query = super::state::Query::new(text.trim_end_matches('\n'));
            }
            search(s, &mut fx);
        }
        Action::ToggleOrder => match s.log.as_mut() {
            Some(log) => {
                log.by_count = !log.by_count;
                log.sort();
                s.toast = Some(
                    if log.by_count {
                        "findings: most frequent first"
                    } else {
                        "findings: most recent first"
                    }
                    .into(),
                );
                if s.findings_shown() {
                    show_findings(s);
                }
            }
            None => {
                s.toast = Some("^T orders a followed log's findings (errdex --follow FILE)".into())
            }
        },
        Action::FocusPane(p) => {
            if s.selected_entry().is_some() {
                s.focus = Focus::Entry(p);
            }
        }
    }
    clamp(s);
    fx
}

fn search(s: &mut State, fx: &mut Vec<Effect>) {
    s.results.asked += 1;
    if s.findings_shown() {
        // In log mode an empty query lists the log's findings, not the whole corpus.
        s.results.answered = s.results.asked;
        s.results.selected = 0;
        s.results.offset = 0;
        show_findings(s);
        return;
    }
    fx.push(Effect::Search {
        generation: s.results.asked,
        query: s.query.text.clone(),
    });
}

/// The list becomes the log's findings, in the order of `log.rows`; the selection stays on
/// the same entry when the rows move.
fn show_findings(s: &mut State) {
    let Some(log) = s.log.as_ref() else {
        return;
    };
    let was = s.results.hits.get(s.results.selected).map(|h| h.doc);
    s.results.hits = log
        .rows
        .iter()
        .filter(|t| t.entry < s.entries.len())
        .map(|t| Hit {
            doc: t.entry,
            score: t.count as f64,
            confidence: crate::kb::search::Confidence::Exact,
            signals: Default::default(),
            title_matches: Vec::new(),
        })
        .collect();
    s.results.total = s.results.hits.len();
    s.results.answered = s.results.asked;
    if let Some(doc) = was
        && let Some(i) = s.results.hits.iter().position(|h| h.doc == doc)
    {
        s.results.selected = i;
    }
}

fn edit(s: &mut State, fx: &mut Vec<Effect>, f: impl FnOnce(&mut super::state::Query)) {
    let before = s.query.text.clone();
    f(&mut s.query);
    s.focus = Focus::List;
    if s.query.text != before {
        // A new query shows its own results: followed entries are left.
        leave_followed(s);
        search(s, fx);
    }
}

fn select(s: &mut State, delta: isize) {
    let n = s.results.hits.len();
    if n == 0 {
        return;
    }
    let next = (s.results.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    if next != s.results.selected || s.shown.is_some() {
        s.results.selected = next;
        leave_followed(s);
        s.entry = Default::default();
    }
}

/// Back to the list's selection: forget followed entries.
fn leave_followed(s: &mut State) {
    s.shown = None;
    s.history.clear();
}

fn follow(s: &mut State) {
    let Some(e) = s.selected_entry() else {
        return;
    };
    let Some(id) = e.related.get(s.entry.related).cloned() else {
        s.toast = Some("this entry lists no related entries".into());
        return;
    };
    let Some(&doc) = s.by_id.get(&id) else {
        s.toast = Some(format!(
            "`{}` is not loaded (see errdex paths)",
            crate::text::inline(&id)
        ));
        return;
    };
    if s.history.len() == MAX_HISTORY {
        s.history.remove(0);
    }
    s.history.push(Visit {
        shown: s.shown,
        view: s.entry.clone(),
        focus: s.focus,
    });
    s.shown = Some(doc);
    s.entry = Default::default();
    s.focus = Focus::Entry(Pane::Workarounds);
}

fn record(s: &mut State, worked: bool, fx: &mut Vec<Effect>) {
    let Some(e) = s.selected_entry() else {
        s.toast = Some("no entry selected".into());
        return;
    };
    let i = s.entry.workaround;
    let Some(w) = e.workarounds.get(i) else {
        s.toast = Some("this entry has no workarounds to record".into());
        return;
    };
    fx.push(Effect::Record {
        entry: e.id.clone(),
        workaround: w.title.clone(),
        index: i + 1,
        worked,
        query: s.query.text.clone(),
    });
}

/// The entry as Markdown for an incident channel: the error as seen (from the query, with
/// addresses, hosts and ids masked), the picked workaround, recorded outcomes, then the
/// entry itself.
pub fn incident_markdown(s: &State, e: &crate::kb::Entry) -> String {
    let mut out = String::new();
    let seen = redact::message(&s.query.text);
    if !seen.is_empty() {
        out.push_str(&format!(
            "**Seen:** `{}`

",
            seen.replace('`', "'")
        ));
    }
    if let Some(w) = e.workarounds.get(s.entry.workaround) {
        out.push_str(&format!(
            "**Trying:** workaround {}: {}",
            s.entry.workaround + 1,
            w.title
        ));
        if let Some(t) = s.tally(&e.id, &w.title) {
            out.push_str(&format!(" ({})", t.describe()));
        }
        out.push_str(
            "

",
        );
    }
    out.push_str(&markdown::render(e));
    out
}

fn step_in_entry(s: &mut State, delta: isize) {
    match s.focus {
        Focus::Entry(Pane::Workarounds) => {
            let count = s.selected_entry().map_or(0, |e| e.workarounds.len());
            if count > 0 {
                let next = (s.entry.workaround as isize + delta).clamp(0, count as isize - 1);
                s.entry.workaround = next as usize;
                reveal_workaround(s);
            }
        }
        Focus::Entry(Pane::Related) => {
            let count = s.selected_entry().map_or(0, |e| e.related.len());
            if count > 0 {
                let next = (s.entry.related as isize + delta).clamp(0, count as isize - 1);
                s.entry.related = next as usize;
                reveal(s, Pane::Related, s.entry.related);
            }
        }
        Focus::Entry(p) => scroll(s, p, delta),
        Focus::List => select(s, delta),
    }
}

fn scroll(s: &mut State, pane: Pane, delta: isize) {
    let v = &mut s.entry.scroll[pane.index()];
    *v = (*v as isize + delta).max(0) as usize;
}

/// The wrapped length and visible height of a pane, when it is on screen.
fn pane_metrics(s: &State, areas: &Areas, pane: Pane) -> Option<(usize, usize, Vec<usize>)> {
    let rect = areas.pane(pane)?;
    let e = s.selected_entry()?;
    let t = pane_text(s, e, pane, rect.width.saturating_sub(2) as usize);
    Some((
        t.lines.len(),
        rect.height.saturating_sub(2) as usize,
        t.anchors,
    ))
}

fn reveal_workaround(s: &mut State) {
    reveal(s, Pane::Workarounds, s.entry.workaround);
}

/// Scroll `pane` so that its item `item` is in view.
fn reveal(s: &mut State, pane: Pane, item: usize) {
    let Some(areas) = layout::areas(s) else {
        return;
    };
    let Some((_, height, anchors)) = pane_metrics(s, &areas, pane) else {
        return;
    };
    let Some(&at) = anchors.get(item) else {
        return;
    };
    let v = &mut s.entry.scroll[pane.index()];
    if at < *v || at >= *v + height.max(1) {
        *v = at;
    }
}

fn copy_picked(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(e) = s.selected_entry() else {
        s.toast = Some("nothing selected to copy".into());
        return;
    };
    let i = s.entry.workaround;
    match e.workarounds.get(i) {
        Some(w) => match &w.snippet {
            Some(sn) => fx.push(Effect::Copy {
                code: sn.code.clone(),
                title: format!("{} — workaround {}: {}", e.id, i + 1, w.title),
            }),
            None => s.toast = Some(format!("workaround {} has no snippet", i + 1)),
        },
        None => s.toast = Some("this entry has no workarounds".into()),
    }
}

fn inside(r: ratatui::layout::Rect, column: u16, row: u16) -> bool {
    column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
}

fn wheel(s: &mut State, column: u16, row: u16, delta: i32) {
    let Some(areas) = layout::areas(s) else {
        return;
    };
    if areas.list.is_some_and(|r| inside(r, column, row)) {
        select(s, delta as isize);
    } else if let Some(&(pane, _)) = areas.panes.iter().find(|(_, r)| inside(*r, column, row)) {
        scroll(s, pane, delta as isize);
    }
}

fn click(s: &mut State, column: u16, row: u16) {
    let Some(areas) = layout::areas(s) else {
        return;
    };
    if let Some(r) = areas.list.filter(|r| inside(*r, column, row)) {
        s.focus = Focus::List;
        leave_followed(s);
        if row > r.y && row < r.y + r.height - 1 {
            let target = s.results.offset + (row - r.y - 1) as usize;
            if target < s.results.hits.len() && target != s.results.selected {
                s.results.selected = target;
                s.entry = Default::default();
            }
        }
    } else if let Some(&(pane, _)) = areas.panes.iter().find(|(_, r)| inside(*r, column, row)) {
        s.focus = Focus::Entry(pane);
    }
}

/// Keep selection, list offset, workaround pick and pane scrolls inside their bounds.
fn clamp(s: &mut State) {
    let n = s.results.hits.len();
    s.results.selected = s.results.selected.min(n.saturating_sub(1));
    let count = s.selected_entry().map_or(0, |e| e.workarounds.len());
    s.entry.workaround = s.entry.workaround.min(count.saturating_sub(1));
    let related = s.selected_entry().map_or(0, |e| e.related.len());
    s.entry.related = s.entry.related.min(related.saturating_sub(1));
    // One layout for the list and every pane: laying out builds the panes' text.
    let areas = layout::areas(s);
    let rows = layout::rows_in(areas.as_ref());
    let r = &mut s.results;
    if r.selected < r.offset {
        r.offset = r.selected;
    } else if r.selected >= r.offset + rows {
        r.offset = r.selected + 1 - rows;
    }
    r.offset = r.offset.min(n.saturating_sub(rows));
    let Some(areas) = areas else {
        return;
    };
    for pane in Pane::ALL {
        if let Some((len, height, _)) = pane_metrics(s, &areas, pane) {
            let max = len.saturating_sub(height);
            let v = &mut s.entry.scroll[pane.index()];
            *v = (*v).min(max);
        }
    }
}
