//! The query line at the top and the status line at the bottom.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::wrap;
use crate::tui::state::{Focus, State};

/// How a query character is shown: newlines of a pasted trace as `⏎`, tabs as `→`, other
/// control characters escaped.
fn shown(c: char) -> String {
    match c {
        '\n' => "⏎".to_string(),
        '\t' => "→".to_string(),
        c => crate::text::inline(&c.to_string()).into_owned(),
    }
}

/// Draw the query line and place the cursor on it when the list has the focus.
pub fn query_line(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let r = &state.results;
    let count = format!(
        " {}{}/{} ",
        if r.pending() { "… " } else { "" },
        r.total,
        state.entries.len()
    );
    let prompt = "❯ ";
    let room = (area.width as usize).saturating_sub(wrap::width(prompt) + wrap::width(&count) + 1);
    let pieces: Vec<String> = state.query.text.chars().map(shown).collect();
    // Keep the cursor in view: show the window of pieces that ends at it when needed.
    let widths: Vec<usize> = pieces.iter().map(|p| wrap::width(p)).collect();
    let cursor = state.query.cursor.min(pieces.len());
    let mut start = 0;
    while widths[start..cursor].iter().sum::<usize>() > room.saturating_sub(1) {
        start += 1;
    }
    let mut shown_text = String::new();
    let mut used = 0;
    for (p, w) in pieces.iter().zip(&widths).skip(start) {
        if used + w > room {
            break;
        }
        shown_text.push_str(p);
        used += w;
    }
    let pad = " ".repeat(room.saturating_sub(used) + 1);
    let line = Line::from(vec![
        Span::styled(prompt, theme.heading()),
        Span::styled(shown_text, theme.text()),
        Span::raw(pad),
        Span::styled(count, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    if state.focus == Focus::List && !state.overlay_open() {
        let x = wrap::width(prompt) + widths[start..cursor].iter().sum::<usize>();
        frame.set_cursor_position(Position::new(area.x + x as u16, area.y));
    }
}

const LIST_HINTS: &[&str] = &[
    "↑↓ select",
    "Enter open",
    "^Y copy fix",
    "F1 help",
    "Esc clear/quit",
    "PgUp/PgDn page",
    "^O new entry",
];
const ENTRY_HINTS: &[&str] = &[
    "Tab pane",
    "↑↓ pick/scroll",
    "y copy",
    "1-9 copy #N",
    "Esc back",
    "? help",
    "+/- worked?",
    "r related",
    "M share",
    "e edit",
];

/// Draw the status line: a toast, or the key hints that fit, and the skipped-entries count.
pub fn status_line(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let mut right = if state.skipped > 0 {
        let s = if state.skipped == 1 { "y" } else { "ies" };
        format!(" {} entr{s} skipped — errdex lint ", state.skipped)
    } else {
        String::new()
    };
    if let Some(log) = &state.log {
        // In log mode: lines read and whether the stream is still open, always in view.
        let open = if log.open { "following" } else { "ended" };
        right = format!(" {} lines · {open}{right}", log.lines);
    }
    let room = (area.width as usize).saturating_sub(wrap::width(&right));
    let left = match &state.toast {
        Some(t) => Span::styled(wrap::truncate(&format!(" {t}"), room), theme.good()),
        None => {
            let in_entry = matches!(state.focus, Focus::Entry(_));
            let hints = if in_entry { ENTRY_HINTS } else { LIST_HINTS };
            // When nothing matches, writing the entry is the thing to do: say it first.
            let first: &[&str] = if !in_entry && state.weak_only() {
                &["^O write an entry for this error"]
            } else if !in_entry && state.findings_shown() {
                &["Enter open", "^T order", "type to search all"]
            } else {
                &[]
            };
            let mut s = String::new();
            for h in first.iter().chain(
                hints
                    .iter()
                    .filter(|h| first.is_empty() || (**h != "^O new entry" && !first.contains(h))),
            ) {
                let next = if s.is_empty() {
                    format!(" {h}")
                } else {
                    format!("{s} · {h}")
                };
                if wrap::width(&next) > room {
                    break;
                }
                s = next;
            }
            Span::styled(s, theme.dim())
        }
    };
    let used = wrap::width(&left.content);
    let line = Line::from(vec![
        left,
        Span::raw(" ".repeat(room.saturating_sub(used))),
        Span::styled(right, theme.bad()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
