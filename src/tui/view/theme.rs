//! Styles: the 16 ANSI colours on the terminal's own background, so the screen reads on
//! light and dark themes; with NO_COLOR only bold, dim and reverse remain.

use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders};

/// The explorer's styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours are used.
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    /// Plain text.
    pub fn text(self) -> Style {
        Style::new()
    }
    /// Secondary text (ids, hints).
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }
    /// Pane and section headings.
    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The selected row or item: reverse video shows on every terminal and without colour.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    /// Characters of a title that the query matched.
    pub fn matched(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// The domain tag in the list.
    pub fn domain(self) -> Style {
        self.fg(Color::Magenta)
    }
    /// Code in snippets.
    pub fn code(self) -> Style {
        self.fg(Color::Green)
    }
    /// Good news (success rates, "copied").
    pub fn good(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    /// Bad news (fail rates, dead ends).
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// A focused pane's border.
    pub fn focused_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// An unfocused pane's border.
    pub fn border(self) -> Style {
        self.dim()
    }

    /// A bordered block, its border marked when it has the focus.
    pub fn block(self, focused: bool) -> Block<'static> {
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focused {
                self.focused_border()
            } else {
                self.border()
            })
    }
}
