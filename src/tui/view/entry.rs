//! The selected entry: a header with its facts, and the four panes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::content::pane_text;
use super::layout::Areas;
use super::theme::Theme;
use super::wrap;
use crate::tui::state::{Focus, Pane, State};
use crate::{present, text};

/// Draw the header, the tab row (if any) and the panes.
pub fn draw(frame: &mut Frame<'_>, areas: &Areas, state: &State, theme: Theme) {
    let Some(e) = state.selected_entry() else {
        return;
    };
    if let Some(h) = areas.header {
        let w = h.width as usize;
        let facts = format!(" {}", present::facts(e));
        // A followed related entry says how far back the list is.
        let lead = match state.history.len() {
            0 => " ".to_string(),
            n => format!(" ↳{n} "),
        };
        let title = wrap::truncate(
            &text::inline(&e.title),
            w.saturating_sub(wrap::width(&lead)),
        );
        let mut second = vec![Span::styled(wrap::truncate(&facts, w), theme.dim())];
        if let Some(fit) = state.selected_fit() {
            let room = w.saturating_sub(wrap::width(&facts) + 3);
            let note = match fit {
                f if f.not_yours() => Some(("not your version", theme.bad())),
                crate::kb::fit::EntryFit::Yours { .. } => Some(("your version", theme.good())),
                _ => None,
            };
            if let Some((note, style)) = note.filter(|(n, _)| wrap::width(n) <= room) {
                second.push(Span::styled(" · ", theme.dim()));
                second.push(Span::styled(note, style));
            }
        }
        let mut lines = vec![
            Line::from(vec![
                Span::styled(lead, theme.dim()),
                Span::styled(title, theme.heading()),
            ]),
            Line::from(second),
        ];
        if h.height >= 3
            && state.shown.is_none()
            && let (Some(t), Some(log)) = (state.finding(state.results.selected), &state.log)
        {
            let seen = format!(
                " {}× in {}, last at line {}: ",
                t.count, log.name, t.last_line
            );
            let sample = wrap::truncate(
                &text::inline(&t.last_sample),
                w.saturating_sub(wrap::width(&seen)),
            );
            lines.push(Line::from(vec![
                Span::styled(wrap::truncate(&text::inline(&seen), w), theme.dim()),
                Span::styled(sample, theme.good()),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), h);
    }
    if let Some(t) = areas.tabs {
        let shown = areas.panes.first().map(|(p, _)| *p);
        let full: usize = Pane::ALL.iter().map(|p| wrap::width(p.title()) + 5).sum();
        let name = |p: Pane| {
            if full <= t.width as usize {
                p.title()
            } else {
                p.short()
            }
        };
        let mut spans = Vec::new();
        for (i, p) in Pane::ALL.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" │ ", theme.dim()));
            }
            let style = if Some(p) == shown {
                theme.selected()
            } else {
                theme.dim()
            };
            spans.push(Span::styled(format!(" {} ", name(p)), style));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), t);
    }
    for &(pane, rect) in &areas.panes {
        draw_pane(frame, rect, pane, state, theme);
    }
}

fn draw_pane(frame: &mut Frame<'_>, rect: Rect, pane: Pane, state: &State, theme: Theme) {
    let Some(e) = state.selected_entry() else {
        return;
    };
    let focused = state.focus == Focus::Entry(pane);
    let inner_w = rect.width.saturating_sub(2) as usize;
    let inner_h = rect.height.saturating_sub(2) as usize;
    let content = pane_text(state, e, pane, inner_w);
    let scroll = state.entry.scroll[pane.index()];
    let count = match pane {
        Pane::Workarounds => format!(" ({})", e.workarounds.len()),
        Pane::DeadEnds => format!(" ({})", e.dead_ends.len()),
        Pane::Related => format!(" ({})", e.related.len()),
        Pane::Evidence => format!(" ({})", e.evidence.len()),
        _ => String::new(),
    };
    let more_above = scroll > 0;
    let more_below = scroll + inner_h < content.lines.len();
    let arrows = match (more_above, more_below) {
        (true, true) => " ↑↓",
        (true, false) => " ↑",
        (false, true) => " ↓",
        (false, false) => "",
    };
    let block = theme.block(focused).title(Span::styled(
        format!(" {}{count}{arrows} ", pane.title()),
        if focused {
            theme.focused_border()
        } else {
            theme.heading()
        },
    ));
    let lines: Vec<Line<'static>> = content
        .lines
        .into_iter()
        .skip(scroll)
        .take(inner_h)
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}
