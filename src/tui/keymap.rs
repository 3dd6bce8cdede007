//! Keys to actions: a pure function of the key and where the focus is.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::state::{Focus, Pane};

/// What a key means. Only presses count (not releases or repeats of releases), so terminals
/// that report both never act twice.
pub fn map_key(key: KeyEvent, focus: Focus, overlay_open: bool) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    // Keys that mean the same everywhere.
    match key.code {
        KeyCode::Char('c') if ctrl => return Some(Action::Quit),
        KeyCode::Char('z') if ctrl => return Some(Action::Suspend),
        KeyCode::Char('y') if ctrl => return Some(Action::CopySnippet),
        KeyCode::Char('o') if ctrl => return Some(Action::NewFromQuery),
        KeyCode::Char('t') if ctrl => return Some(Action::ToggleOrder),
        KeyCode::F(1) => return Some(Action::ToggleHelp),
        KeyCode::Esc => return Some(Action::Back),
        _ => {}
    }
    if overlay_open {
        return match key.code {
            KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => Some(Action::Back),
            _ => None,
        };
    }
    let in_entry = matches!(focus, Focus::Entry(_));
    match key.code {
        KeyCode::Char('p') if ctrl => Some(Action::SelectPrev),
        KeyCode::Char('n') if ctrl => Some(Action::SelectNext),
        KeyCode::Char('w') if ctrl => Some(Action::DeleteWord),
        KeyCode::Backspace if ctrl || alt => Some(Action::DeleteWord),
        KeyCode::Char('u') if ctrl => Some(Action::ClearQuery),
        KeyCode::Char('a') if ctrl => Some(Action::CursorHome),
        KeyCode::Char('e') if ctrl => Some(Action::CursorEnd),
        KeyCode::Up if in_entry => Some(Action::Up),
        KeyCode::Down if in_entry => Some(Action::Down),
        KeyCode::Up => Some(Action::SelectPrev),
        KeyCode::Down => Some(Action::SelectNext),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Enter if focus == Focus::Entry(Pane::Related) => Some(Action::FollowRelated),
        KeyCode::Enter => Some(Action::FocusEntry),
        KeyCode::Backspace if in_entry => Some(Action::Back),
        KeyCode::Tab => Some(Action::NextPane),
        KeyCode::BackTab => Some(Action::PrevPane),
        KeyCode::Backspace => Some(Action::DeleteBack),
        KeyCode::Left => Some(Action::CursorLeft),
        KeyCode::Right => Some(Action::CursorRight),
        KeyCode::Home => Some(Action::CursorHome),
        KeyCode::End => Some(Action::CursorEnd),
        KeyCode::Char(c) if in_entry && !ctrl && !alt => match c {
            'y' => Some(Action::CopySnippet),
            '+' => Some(Action::Record(true)),
            '-' => Some(Action::Record(false)),
            'e' => Some(Action::Edit),
            'M' => Some(Action::CopyMarkdown),
            'r' => Some(Action::FocusPane(Pane::Related)),
            '?' => Some(Action::ToggleHelp),
            'j' => Some(Action::Down),
            'k' => Some(Action::Up),
            '1'..='9' => Some(Action::PickAndCopy(c as usize - '0' as usize)),
            other => Some(Action::InsertChar(other)),
        },
        KeyCode::Char(c) if !ctrl && !alt => Some(Action::InsertChar(c)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn ctrl_y_copies_from_anywhere() {
        let k = key(KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(map_key(k, Focus::List, false), Some(Action::CopySnippet));
        let e = Focus::Entry(Pane::Workarounds);
        assert_eq!(map_key(k, e, false), Some(Action::CopySnippet));
    }

    #[test]
    fn letters_type_in_the_list_and_act_in_the_entry() {
        let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
        assert_eq!(
            map_key(y, Focus::List, false),
            Some(Action::InsertChar('y'))
        );
        let e = Focus::Entry(Pane::RootCause);
        assert_eq!(map_key(y, e, false), Some(Action::CopySnippet));
        let three = key(KeyCode::Char('3'), KeyModifiers::NONE);
        assert_eq!(map_key(three, e, false), Some(Action::PickAndCopy(3)));
        let q = key(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(
            map_key(q, Focus::List, false),
            Some(Action::InsertChar('?'))
        );
        assert_eq!(map_key(q, e, false), Some(Action::ToggleHelp));
    }

    #[test]
    fn entry_keys_record_edit_share_and_follow() {
        let e = Focus::Entry(Pane::Workarounds);
        let k = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(map_key(k('+'), e, false), Some(Action::Record(true)));
        assert_eq!(map_key(k('-'), e, false), Some(Action::Record(false)));
        assert_eq!(map_key(k('e'), e, false), Some(Action::Edit));
        assert_eq!(map_key(k('M'), e, false), Some(Action::CopyMarkdown));
        // In the list the same keys type.
        assert_eq!(
            map_key(k('+'), Focus::List, false),
            Some(Action::InsertChar('+'))
        );
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        let rel = Focus::Entry(Pane::Related);
        assert_eq!(map_key(enter, rel, false), Some(Action::FollowRelated));
        assert_eq!(map_key(enter, e, false), Some(Action::FocusEntry));
        let back = key(KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(map_key(back, rel, false), Some(Action::Back));
        assert_eq!(map_key(back, Focus::List, false), Some(Action::DeleteBack));
    }

    #[test]
    fn releases_are_ignored() {
        let mut k = key(KeyCode::Char('a'), KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(map_key(k, Focus::List, false), None);
    }

    #[test]
    fn up_and_down_move_the_selection_or_act_in_the_entry() {
        let down = key(KeyCode::Down, KeyModifiers::NONE);
        assert_eq!(map_key(down, Focus::List, false), Some(Action::SelectNext));
        let e = Focus::Entry(Pane::Workarounds);
        assert_eq!(map_key(down, e, false), Some(Action::Down));
        let n = key(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(map_key(n, e, false), Some(Action::SelectNext));
    }
}
