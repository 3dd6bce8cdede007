//! Where everything goes, as a pure function of the state. `update` uses it to clamp
//! scrolling and to hit-test the mouse; the views use it to draw.

use ratatui::layout::Rect;

use super::content::pane_text;
use crate::tui::state::{Focus, Pane, State};

/// The smallest terminal the explorer draws in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal the explorer draws in.
pub const MIN_HEIGHT: u16 = 15;
/// From this width on, the list and the entry sit side by side.
const SIDE_BY_SIDE: u16 = 100;
/// Rows a pane needs at the least (border and two lines).
const PANE_MIN: u16 = 4;
/// Below this many rows for the panes, one pane is shown at a time.
const STACK_MIN: u16 = 28;

/// The screen's regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// The query line.
    pub query: Rect,
    /// The result list, when shown.
    pub list: Option<Rect>,
    /// The entry's header (title and facts), when an entry is shown.
    pub header: Option<Rect>,
    /// A row naming the panes, when only one pane fits.
    pub tabs: Option<Rect>,
    /// The panes shown, in screen order.
    pub panes: Vec<(Pane, Rect)>,
    /// The status line.
    pub status: Rect,
}

impl Areas {
    /// The rectangle of a pane, if shown.
    pub fn pane(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// Whether the terminal is too small to draw in.
pub fn too_small(size: (u16, u16)) -> bool {
    size.0 < MIN_WIDTH || size.1 < MIN_HEIGHT
}

/// Lay out the screen for `state`; `None` when the terminal is too small.
pub fn areas(state: &State) -> Option<Areas> {
    let (w, h) = state.size;
    if too_small(state.size) {
        return None;
    }
    let query = Rect::new(0, 0, w, 1);
    let status = Rect::new(0, h - 1, w, 1);
    let body = Rect::new(0, 1, w, h - 2);
    let (list, entry) = if w >= SIDE_BY_SIDE {
        // Findings carry a count and an age before the title: a wider list.
        let lw = if state.findings_shown() {
            (w * 45 / 100).clamp(30, 70)
        } else {
            (w * 38 / 100).clamp(30, 56)
        };
        (
            Some(Rect::new(0, body.y, lw, body.height)),
            Rect::new(lw, body.y, w - lw, body.height),
        )
    } else if matches!(state.focus, Focus::Entry(_)) {
        (None, body)
    } else {
        let rows = (state.results.hits.len() as u16 + 2).clamp(5, body.height * 2 / 5);
        (
            Some(Rect::new(0, body.y, w, rows)),
            Rect::new(0, body.y + rows, w, body.height - rows),
        )
    };
    let mut out = Areas {
        query,
        list,
        header: None,
        tabs: None,
        panes: Vec::new(),
        status,
    };
    let Some(e) = state.selected_entry() else {
        return Some(out);
    };
    if entry.height < 3 {
        return Some(out);
    }
    // A finding of a followed log adds a line: how often, where, and the log's own line.
    let head = if state.shown.is_none()
        && state.finding(state.results.selected).is_some()
        && entry.height >= 8
    {
        3
    } else {
        2
    };
    out.header = Some(Rect::new(entry.x, entry.y, entry.width, head));
    let area = Rect::new(entry.x, entry.y + head, entry.width, entry.height - head);
    if area.height >= STACK_MIN {
        let inner = area.width.saturating_sub(2) as usize;
        let want = |p: Pane| pane_text(state, e, p, inner).lines.len() as u16 + 2;
        let mut hs = [
            want(Pane::RootCause).clamp(PANE_MIN, 8),
            want(Pane::Versions).clamp(3, 7),
            0,
            want(Pane::DeadEnds).clamp(PANE_MIN, 8),
            want(Pane::Related).clamp(3, 6),
            want(Pane::Evidence).clamp(3, 5),
        ];
        let others = |hs: &[u16; 6]| hs[0] + hs[1] + hs[3] + hs[4] + hs[5];
        // Workarounds matter most in an outage: shrink the others for them first, the
        // evidence (read when deciding whether to trust the entry, not to act) before all.
        while area.height.saturating_sub(others(&hs)) < 10 {
            let Some(i) = [5, 0, 4, 3, 1].into_iter().find(|&i| hs[i] > PANE_MIN) else {
                break;
            };
            hs[i] -= 1;
        }
        hs[2] = area.height.saturating_sub(others(&hs));
        let mut spare = hs[2].saturating_sub(want(Pane::Workarounds).max(10));
        // Give room the workarounds do not need back to the root cause, dead ends,
        // related entries and evidence.
        for i in [0, 3, 4, 5] {
            let more = want(Pane::ALL[i]).saturating_sub(hs[i]).min(spare);
            hs[i] += more;
            hs[2] -= more;
            spare -= more;
        }
        let mut y = area.y;
        for (p, ph) in Pane::ALL.into_iter().zip(hs) {
            out.panes.push((p, Rect::new(area.x, y, area.width, ph)));
            y += ph;
        }
    } else {
        let shown = match state.focus {
            Focus::Entry(p) => p,
            Focus::List => Pane::Workarounds,
        };
        out.tabs = Some(Rect::new(area.x, area.y, area.width, 1));
        out.panes.push((
            shown,
            Rect::new(area.x, area.y + 1, area.width, area.height - 1),
        ));
    }
    Some(out)
}

/// Rows of results that fit in the list.
pub fn list_rows(state: &State) -> usize {
    rows_in(areas(state).as_ref())
}

/// Rows of results that fit in the list of an already computed layout.
pub fn rows_in(areas: Option<&Areas>) -> usize {
    areas
        .and_then(|a| a.list)
        .map_or(1, |r| r.height.saturating_sub(2).max(1) as usize)
}
