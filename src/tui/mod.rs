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
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

use crate::kb::corpus::Corpus;
use crate::kb::fit::Fits;
use crate::kb::follow::{self, Findings, Input, Report, Start};
use crate::kb::scan::Scanner;
use crate::kb::search::Index;
use crate::kb::{Catalog, author, load};
use action::Action;
use app::{App, Event, InputControl, Ranker, Searcher};
use state::{State, Tallies, Versions};

/// What the explorer needs besides the entries and the query.
pub struct Options {
    /// Load every source again (after an edit).
    pub reload: Box<dyn Fn() -> Catalog>,
    /// The user's versions.
    pub versions: Versions,
    /// What the status line says about them at start (what was detected, from where).
    pub versions_note: Option<String>,
    /// Recorded outcomes so far, and a note when some could not be read. They are read on
    /// a thread of their own and arrive after the first frame (a team file of 10,000
    /// records takes about as long to read as the whole first frame).
    pub tallies: Option<std::thread::JoinHandle<(Tallies, Option<String>)>>,
    /// Where `+`/`-` append outcomes.
    pub outcomes_file: Option<PathBuf>,
    /// The host name to record with outcomes, when the config asks for it.
    pub host: Option<String>,
    /// The user's entries folder, where edited copies of bundled entries go.
    pub entries_dir: Option<PathBuf>,
    /// Logs to follow (log mode): their findings are the list while the query is empty.
    pub follow: Vec<Input>,
}

/// The catalog's index (read or built) and its entries, shareable with the threads.
pub fn split(mut catalog: Catalog) -> (Arc<Index>, Arc<Corpus>) {
    let index = Arc::new(catalog.index());
    (index, Arc::new(catalog.entries))
}

/// Open the explorer over `catalog` with `query`; returns the process exit status.
pub fn run(catalog: Catalog, query: &str, mut options: Options) -> io::Result<u8> {
    let skipped = catalog.skipped();
    let (index, entries) = split(catalog);
    terminal::install_panic_hook();
    let tty = terminal::enter()?;
    let size = tty.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
    let mut state = State::new(entries, query, size);
    state.set_versions(options.versions.clone());
    state.skipped = skipped;
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    state.toast = options.versions_note.clone();
    if !options.follow.is_empty() {
        state.log = Some(state::LogView {
            name: log_name(&options.follow),
            open: true,
            ..Default::default()
        });
    }

    let (tx, rx) = mpsc::channel();
    let ranker = Ranker {
        index,
        fits: Arc::clone(&state.fits),
    };
    let searcher = Searcher::worker(ranker, tx.clone());
    let input = app::spawn_input(tx.clone());
    if !options.follow.is_empty() {
        spawn_log(
            Arc::clone(&state.entries),
            options.follow.clone(),
            tx.clone(),
        );
    }
    if let Some(reader) = options.tallies.take() {
        let tx = tx.clone();
        std::thread::spawn(move || {
            if let Ok((tallies, note)) = reader.join() {
                let _ = tx.send(Event::Found(Action::TalliesLoaded { tallies, note }));
            }
        });
    }
    #[cfg(unix)]
    spawn_signals(tx);
    let env = clipboard::SystemEnv;
    let mut app = App::new(state, tty, searcher, &env, Box::new(io::stdout()));
    app.outcomes_file = options.outcomes_file.clone();
    app.host = options.host.clone();
    app.start();
    let result = event_loop(&mut app, &rx, &input, &options);
    terminal::leave();
    result
}

/// `e`: open the entry's file in the editor (a bundled entry is copied to the user's
/// folder first), then check the file, load every source again and show what was found.
fn edit(
    app: &mut App<'_, ratatui::backend::CrosstermBackend<io::Stdout>>,
    doc: usize,
    input: &InputControl,
    options: &Options,
) -> io::Result<()> {
    let s = &app.state;
    let (Some(entry), Some(origin)) = (s.entries.get(doc).cloned(), s.entries.origin(doc).cloned())
    else {
        return Ok(());
    };
    let Some(dir) = options.entries_dir.as_deref() else {
        app.state.toast = Some("no data folder known: cannot copy the entry to edit it".into());
        return Ok(());
    };
    let path = match author::editable_file(&entry, &origin, dir) {
        Ok(p) => p,
        Err(e) => {
            app.state.toast = Some(format!("cannot edit {}: {e}", entry.id));
            return Ok(());
        }
    };
    open_and_reload(app, &path, input, options)
}

/// `^O`: write a new entry scaffolded from the query into the user's folder (as `errdex new
/// --from-query` does), open it in the editor, then check it and reload.
fn new_entry(
    app: &mut App<'_, ratatui::backend::CrosstermBackend<io::Stdout>>,
    query: &str,
    input: &InputControl,
    options: &Options,
) -> io::Result<()> {
    let Some(dir) = options.entries_dir.as_deref() else {
        app.state.toast = Some("no data folder known: cannot write a new entry".into());
        return Ok(());
    };
    let (id, text) = author::scaffold("local", query);
    let path = author::new_entry_path(dir, &id);
    if let Err(e) = author::create_new(dir, &path, &text) {
        app.state.toast = Some(format!("cannot write {}: {e}", path.display()));
        return Ok(());
    }
    open_and_reload(app, &path, input, options)
}

/// Give the terminal to the editor on `path`, then check that file, load every source
/// again and say what was found.
fn open_and_reload(
    app: &mut App<'_, ratatui::backend::CrosstermBackend<io::Stdout>>,
    path: &std::path::Path,
    input: &InputControl,
    options: &Options,
) -> io::Result<()> {
    input.pause();
    let ran = terminal::hand_over(&mut app.terminal, || {
        author::open_in_editor(&author::editor(), path)
    });
    input.resume();
    let ran = ran?;
    let catalog = (options.reload)();
    let (_, problems) = load::load_path(path);
    let skipped = catalog.skipped();
    let (index, entries) = split(catalog);
    let mut message = match &ran {
        Ok(()) => format!("checked and reloaded {}", path.display()),
        Err(e) => format!("{e}; reloaded {}", path.display()),
    };
    let problems = if problems.is_empty() {
        message.push_str(": no problems");
        None
    } else {
        message.push_str(&format!(": {} problem(s)", problems.len()));
        Some(
            problems
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    // The worker gets the new index before the search the reload asks for.
    app.replace_ranker(Ranker {
        index,
        fits: Arc::new(Fits::new(
            Arc::clone(&entries),
            Arc::clone(&app.state.versions),
        )),
    });
    app.state.skipped = skipped;
    app.dispatch(Action::Reloaded {
        entries,
        message,
        problems,
    });
    Ok(())
}

fn event_loop(
    app: &mut App<'_, ratatui::backend::CrosstermBackend<io::Stdout>>,
    rx: &mpsc::Receiver<Event>,
    input: &InputControl,
    options: &Options,
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
        if let Some(doc) = app.edit_requested.take() {
            edit(app, doc, input, options)?;
        }
        if let Some(query) = app.new_requested.take() {
            new_entry(app, &query, input, options)?;
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

/// How the list's heading names the followed inputs.
fn log_name(inputs: &[Input]) -> String {
    let names: Vec<String> = inputs
        .iter()
        .map(|i| match i {
            Input::Stdin => "stdin".to_string(),
            Input::File(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        })
        .collect();
    names.join(", ")
}

/// How often the list is refreshed while lines arrive (a new finding is shown at once).
const LOG_REFRESH: std::time::Duration = std::time::Duration::from_millis(250);
/// A piped stream of at most this many lines that ends is one message: it becomes the query.
const SHORT_MESSAGE_LINES: u64 = 40;

/// Follow `inputs` on threads of their own (files from their end, stdin from its start) and
/// send the explorer what they hold, merged per entry. The first frame never waits: the
/// scanner is compiled here too.
fn spawn_log(entries: Arc<Corpus>, inputs: Vec<Input>, tx: mpsc::Sender<Event>) {
    std::thread::spawn(move || {
        let scanner = Arc::new(Scanner::new(&entries.iter().collect::<Vec<_>>()));
        let (reports, rx) = mpsc::sync_channel(64);
        follow::spawn(scanner, &inputs, Start::End, reports);
        let only_stdin = inputs == [Input::Stdin];
        let mut merged = Findings::new(1);
        let mut open = vec![true; inputs.len()];
        let mut head: Option<Vec<u8>> = None;
        let mut dirty = false;
        let mut last_sent = std::time::Instant::now();
        loop {
            let (mut urgent, mut ended) = (false, false);
            match rx.recv_timeout(LOG_REFRESH) {
                Ok(Report::Batch(mut batch)) => {
                    head = batch.head.take();
                    batch.input = 0;
                    let changes = merged.add(&batch, std::time::SystemTime::now());
                    urgent = changes.iter().any(|c| matches!(c, follow::Change::New(_)));
                    dirty |= batch.lines > 0 || !changes.is_empty();
                }
                Ok(Report::Note { .. }) => {}
                Ok(Report::Closed { input, .. }) => {
                    open[input] = false;
                    ended = !open.iter().any(|&o| o);
                    dirty = true;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => ended = true,
            }
            if ended && only_stdin {
                // One short message piped in is a query, as without log mode.
                if let Some(h) = head.as_ref().filter(|h| h.len() < follow::HEAD)
                    && merged.total_lines() <= SHORT_MESSAGE_LINES
                {
                    let text = String::from_utf8_lossy(h).into_owned();
                    let _ = tx.send(Event::Found(Action::LogAsQuery(text)));
                    return;
                }
            }
            if dirty && (urgent || ended || last_sent.elapsed() >= LOG_REFRESH) {
                let update = Action::LogUpdate {
                    rows: merged.all.clone(),
                    lines: merged.total_lines(),
                    open: open.iter().any(|&o| o),
                };
                if tx.send(Event::Found(update)).is_err() {
                    return;
                }
                dirty = false;
                last_sent = std::time::Instant::now();
            }
            if ended {
                return;
            }
        }
    });
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
