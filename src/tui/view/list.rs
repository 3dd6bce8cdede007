//! The result list: domain tag and title, matched characters highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::wrap;
use crate::kb::search::Confidence;
use crate::text;
use crate::tui::state::{Focus, State};

/// Draw the list into `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let focused = state.focus == Focus::List;
    let block = if state.weak_only() {
        theme.block(focused).title(Span::styled(
            " No entry matches this error — closest: ",
            theme.bad(),
        ))
    } else {
        theme.block(focused).title(" Results ")
    };
    let labels = state.labels_shown();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let r = &state.results;
    if r.hits.is_empty() {
        let msg = if state.entries.is_empty() {
            "No entries loaded. See `errdex paths` and `errdex lint`."
        } else if r.pending() {
            "Searching…"
        } else {
            "No match. Try fewer words, or paste the whole error line."
        };
        let lines: Vec<Line<'_>> = wrap::words(msg, inner.width as usize)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim()))
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let tag_w = 12.min(inner.width as usize / 4);
    let mut lines = Vec::new();
    for (i, hit) in r
        .hits
        .iter()
        .enumerate()
        .skip(r.offset)
        .take(inner.height as usize)
    {
        let Some(e) = state.entries.get(hit.doc) else {
            continue;
        };
        let selected = i == r.selected;
        // Weak hits of a pasted error are only the closest entries: shown dimmed.
        let weak = labels && hit.confidence == Confidence::Weak;
        let tag = wrap::truncate(&text::inline(&e.domain), tag_w);
        let pad = " ".repeat(tag_w.saturating_sub(wrap::width(&tag)));
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, theme.text()),
            Span::styled(format!("{tag}{pad} "), theme.domain()),
        ];
        let not_yours = state.fits.get(hit.doc).is_some_and(|f| f.not_yours());
        let full_room = (inner.width as usize).saturating_sub(3 + tag_w);
        // Entries that do not concern the user's version say so, at the end of the row.
        let mark = match not_yours {
            false => "",
            true if full_room >= 40 => " [not your version]",
            true => " [not yours]",
        };
        let room = full_room.saturating_sub(wrap::width(mark));
        let escaped = text::inline(&e.title);
        // Match positions count characters of the raw title; they only hold when escaping
        // changed nothing.
        let clean = matches!(escaped, std::borrow::Cow::Borrowed(_));
        let title = wrap::truncate(&escaped, room);
        let mut run = String::new();
        let mut run_hit = false;
        for (ci, c) in title.chars().enumerate() {
            let is_hit = !weak && clean && hit.title_matches.binary_search(&ci).is_ok();
            if is_hit != run_hit && !run.is_empty() {
                spans.push(styled_run(std::mem::take(&mut run), run_hit, weak, theme));
            }
            run_hit = is_hit;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(styled_run(run, run_hit, weak, theme));
        }
        if not_yours {
            spans.push(Span::styled(mark, theme.dim()));
        }
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn styled_run(s: String, hit: bool, weak: bool, theme: Theme) -> Span<'static> {
    let style = if weak {
        theme.dim()
    } else if hit {
        theme.matched()
    } else {
        theme.text()
    };
    Span::styled(s, style)
}
