//! Drawing: every function here takes the state by shared reference and only draws.

pub mod content;
mod entry;
pub mod layout;
mod list;
mod overlay;
pub use overlay::KEYS;
mod status;
pub mod theme;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::widgets::{Paragraph, Wrap};

use super::state::State;
use theme::Theme;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &State) {
    let theme = Theme { color: state.color };
    let Some(areas) = layout::areas(state) else {
        draw_too_small(frame, state);
        return;
    };
    status::query_line(frame, areas.query, state, theme);
    if let Some(list) = areas.list {
        list::draw(frame, list, state, theme);
    }
    entry::draw(frame, &areas, state, theme);
    status::status_line(frame, areas.status, state, theme);
    if state.help {
        overlay::help(frame, frame.area(), theme);
    }
    if let Some(p) = &state.popup {
        overlay::snippet(frame, frame.area(), p, theme);
    }
}

fn draw_too_small(frame: &mut Frame<'_>, state: &State) {
    let area = frame.area();
    let msg = format!(
        "terminal too small (need {}×{}, have {}×{})",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT,
        state.size.0,
        state.size.1
    );
    let y = area.height / 2;
    let rect = Rect::new(
        area.x,
        area.y + y,
        area.width,
        area.height.saturating_sub(y).min(3),
    );
    frame.render_widget(
        Paragraph::new(msg)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}
