//! The full-screen explorer: keys become actions (`keymap`), `update` turns actions into
//! state changes and effects, views draw the state, and `app` runs the loop. `terminal` is
//! the only place that touches terminal modes.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod keymap;
pub mod state;
pub mod terminal;
pub mod update;
pub mod view;

use std::io;
use std::sync::Arc;
use std::sync::mpsc;

use crate::kb::Catalog;
use crate::kb::search::Index;
use app::{App, Event, Searcher};
use state::State;

/// Open the explorer over `catalog` with `query`; returns the process exit status.
pub fn run(catalog: Catalog, query: &str) -> io::Result<u8> {
    let skipped = catalog.skipped();
    let entries = Arc::new(catalog.into_entries());
    let index = Arc::new(Index::new(&entries));
    terminal::install_panic_hook();
    let tty = terminal::enter()?;
    let size = tty.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
    let mut state = State::new(entries, query, size);
    state.skipped = skipped;
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    let (tx, rx) = mpsc::channel();
    let searcher = Searcher::worker(index, tx.clone());
    app::spawn_input(tx.clone());
    #[cfg(unix)]
    spawn_signals(tx);
    let env = clipboard::SystemEnv;
    let mut app = App::new(state, tty, searcher, &env, Box::new(io::stdout()));
    app.start();
    let result = event_loop(&mut app, &rx);
    terminal::leave();
    result
}

fn event_loop(
    app: &mut App<'_, ratatui::backend::CrosstermBackend<io::Stdout>>,
    rx: &mpsc::Receiver<Event>,
) -> io::Result<u8> {
    loop {
        app.draw()?;
        let Some(ev) = app.next_event(rx) else {
            return Ok(0);
        };
        let signal = match ev {
            Event::Signal(sig) => Some(sig),
            _ => None,
        };
        app.handle(ev);
        // Take whatever else is already queued before drawing again (a paste burst, a
        // resize storm), so drawing never falls behind.
        while let Ok(more) = rx.try_recv() {
            app.handle(more);
            if app.quit {
                break;
            }
        }
        if let Some(on) = app.mouse_capture.take() {
            terminal::set_mouse_capture(on)?;
        }
        if app.suspend_requested {
            app.suspend_requested = false;
            terminal::suspend(&mut app.terminal)?;
        }
        if app.quit {
            return Ok(signal.map_or(0, |s| (128 + s).clamp(0, 255) as u8));
        }
    }
}

#[cfg(unix)]
fn spawn_signals(tx: mpsc::Sender<Event>) {
    use signal_hook::consts::{SIGHUP, SIGQUIT, SIGTERM};
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGQUIT]) {
        std::thread::spawn(move || {
            for sig in signals.forever() {
                if tx.send(Event::Signal(sig)).is_err() {
                    break;
                }
            }
        });
    }
}
