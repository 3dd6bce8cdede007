//! `update(&mut State, Action) -> Vec<Effect>`: every behaviour of the explorer, with no I/O.
//! The run loop performs the effects (search, copy, quit, suspend) and feeds results back.

use super::action::Action;
use super::state::{Focus, Pane, SnippetPopup, State};
use super::view::content::pane_text;
use super::view::layout::{self, Areas};
use super::view::theme::Theme;

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
            } else if matches!(s.focus, Focus::Entry(_)) {
                s.focus = Focus::List;
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
                if s.results.hits.is_empty() {
                    s.focus = Focus::List;
                }
            }
        }
        Action::Copied(report) => {
            s.toast = Some(report.message());
            if report.confirmed.is_empty() {
                s.popup = Some(SnippetPopup {
                    title: report.title.clone(),
                    code: report.text.clone(),
                });
                fx.push(Effect::MouseCapture(false));
            }
        }
        Action::ClearToast => s.toast = None,
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
    fx.push(Effect::Search {
        generation: s.results.asked,
        query: s.query.text.clone(),
    });
}

fn edit(s: &mut State, fx: &mut Vec<Effect>, f: impl FnOnce(&mut super::state::Query)) {
    let before = s.query.text.clone();
    f(&mut s.query);
    s.focus = Focus::List;
    if s.query.text != before {
        search(s, fx);
    }
}

fn select(s: &mut State, delta: isize) {
    let n = s.results.hits.len();
    if n == 0 {
        return;
    }
    let next = (s.results.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    if next != s.results.selected {
        s.results.selected = next;
        s.entry = Default::default();
    }
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
    let t = pane_text(
        e,
        pane,
        rect.width.saturating_sub(2) as usize,
        Theme { color: s.color },
        s.entry.workaround,
    );
    Some((
        t.lines.len(),
        rect.height.saturating_sub(2) as usize,
        t.anchors,
    ))
}

fn reveal_workaround(s: &mut State) {
    let Some(areas) = layout::areas(s) else {
        return;
    };
    let Some((_, height, anchors)) = pane_metrics(s, &areas, Pane::Workarounds) else {
        return;
    };
    let Some(&at) = anchors.get(s.entry.workaround) else {
        return;
    };
    let v = &mut s.entry.scroll[Pane::Workarounds.index()];
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
