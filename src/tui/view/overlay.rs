//! Overlays: the help screen and the copy-by-hand popup.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use super::wrap;
use crate::tui::state::SnippetPopup;

/// Every key, as shown in the help overlay (and documented in the README).
pub const KEYS: &[(&str, &str)] = &[
    ("type", "edit the query (a pasted trace becomes one query)"),
    ("Backspace ^W ^U", "delete a character, a word, the line"),
    ("← → Home End", "move in the query"),
    ("↑ ↓  ^P ^N", "select a result"),
    ("PgUp PgDn", "a page of results"),
    ("Enter", "open the selected entry"),
    ("Tab  Shift-Tab", "next / previous pane"),
    (
        "↑ ↓ (entry)",
        "pick a workaround or related entry, or scroll",
    ),
    ("^Y", "copy the picked workaround's snippet, from anywhere"),
    (
        "y  1-9 (entry)",
        "copy the picked / the Nth workaround's snippet",
    ),
    (
        "+  - (entry)",
        "record: the picked workaround worked / did not",
    ),
    (
        "r  Enter (entry)",
        "go to Related; Enter follows the picked one",
    ),
    (
        "M (entry)",
        "copy the entry as Markdown, pasted details masked",
    ),
    (
        "e (entry)",
        "edit the entry in $EDITOR, then check and reload",
    ),
    ("Esc", "back: followed entry → entry → list → clear → quit"),
    ("Backspace (entry)", "back, as Esc"),
    ("? (entry)  F1", "this help"),
    ("^O", "write a new entry from the query, in $EDITOR"),
    ("^T", "log mode: order findings by count / by recency"),
    ("^Z  ^C", "suspend, quit"),
    ("mouse", "wheel scrolls, click selects"),
];

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Draw the help overlay.
pub fn help(frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let key_w = KEYS.iter().map(|(k, _)| wrap::width(k)).max().unwrap_or(0);
    let mut lines: Vec<Line<'_>> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                ratatui::text::Span::styled(format!(" {k:<key_w$}  "), theme.heading()),
                ratatui::text::Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Esc, ? or F1 closes this help", theme.dim()));
    let rect = centered(area, 78, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Keys ")),
        rect,
    );
}

/// Draw the snippet popup: the code as it is, to select with the mouse.
pub fn snippet(frame: &mut Frame<'_>, area: Rect, popup: &SnippetPopup, theme: Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let inner_w = rect.width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::styled(wrap::truncate(&popup.note, inner_w), theme.dim()),
        Line::raw(""),
    ];
    for l in crate::text::block(&popup.code).split('\n') {
        lines.push(Line::styled(l.to_string(), theme.code()));
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(format!(
            " {} ",
            wrap::truncate(&popup.title, inner_w.saturating_sub(2))
        ))),
        rect,
    );
}
