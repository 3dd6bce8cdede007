//! The one place that owns the terminal: entering and leaving raw mode, the alternate
//! screen, bracketed paste and mouse capture, and putting it all back on quit, on error, on
//! panic, on SIGTERM/SIGHUP and around Ctrl-Z.

use std::io::{self, Stdout, Write};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};

/// The real terminal.
pub type Tty = Terminal<CrosstermBackend<Stdout>>;

/// Switch the terminal into the explorer's mode.
pub fn enter() -> io::Result<Tty> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    ) {
        leave();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Put the terminal back as it was. Safe to call more than once and from a panic hook:
/// errors are ignored, nothing here can panic.
pub fn leave() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restore the terminal before the previous panic hook prints the panic message.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}

/// Turn mouse capture on or off (off lets the user select text with the mouse).
pub fn set_mouse_capture(on: bool) -> io::Result<()> {
    let mut out = io::stdout();
    if on {
        execute!(out, EnableMouseCapture)
    } else {
        execute!(out, DisableMouseCapture)
    }
}

/// Ctrl-Z: restore the terminal, stop the process, and take the terminal back on `fg`.
pub fn suspend(tty: &mut Tty) -> io::Result<()> {
    leave();
    #[cfg(unix)]
    {
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
    }
    // Execution continues here after SIGCONT.
    take_back(tty)
}

/// After another program had the terminal: the explorer's modes again, and a full redraw.
fn take_back(tty: &mut Tty) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    redraw_all(tty)
}

/// Give the terminal to another program (an editor) while `f` runs, then take it back.
/// The input thread must be paused around this, or it would read the program's keys.
pub fn hand_over<T>(tty: &mut Tty, f: impl FnOnce() -> T) -> io::Result<T> {
    leave();
    let result = f();
    take_back(tty)?;
    Ok(result)
}

/// Clear the screen and make the next draw repaint every cell.
///
/// Not `Terminal::clear`: it asks the terminal for the cursor position, which needs
/// crossterm's event reader, and the input thread holds that while it waits for a key, so
/// the two would wait on each other until the next key press. A full-screen `resize`
/// clears without asking anything.
pub fn redraw_all(tty: &mut Tty) -> io::Result<()> {
    let size = tty.size()?;
    tty.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}
