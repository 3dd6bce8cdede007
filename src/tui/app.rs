//! The run loop: events in, `update`, effects out. Generic over the ratatui backend so the
//! real loop can be driven on a `TestBackend` in tests.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event as TermEvent, MouseButton, MouseEventKind};

use super::action::Action;
use super::clipboard::{self, ClipboardEnv};
use super::keymap::map_key;
use super::state::State;
use super::update::{Effect, update};
use super::view;
use crate::kb::fit::{self, Fits};
use crate::kb::outcomes::{self, Outcome};
use crate::kb::search::{Hit, Index};

/// How many hits the list holds.
pub const LIST_LIMIT: usize = 500;
/// How long a toast stays.
const TOAST: Duration = Duration::from_secs(4);

/// Something that happened outside the state.
#[derive(Debug)]
pub enum Event {
    /// A key, mouse, paste or resize event from the terminal.
    Term(TermEvent),
    /// Search results.
    Found(Action),
    /// A termination signal (SIGTERM, SIGHUP…).
    Signal(i32),
    /// The terminal input could not be read any more.
    InputClosed,
}

/// Turn a terminal event into an action, given where the focus is.
pub fn action_for(ev: TermEvent, s: &State) -> Option<Action> {
    match ev {
        TermEvent::Key(k) => map_key(k, s.focus, s.overlay_open()),
        TermEvent::Paste(t) => Some(Action::Paste(t)),
        TermEvent::Resize(w, h) => Some(Action::Resize(w, h)),
        TermEvent::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Wheel {
                column: m.column,
                row: m.row,
                delta: 3,
            }),
            MouseEventKind::ScrollUp => Some(Action::Wheel {
                column: m.column,
                row: m.row,
                delta: -3,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// The index and how each entry fits the user's versions: what a search needs.
#[derive(Clone)]
pub struct Ranker {
    /// The word index over the entries.
    pub index: Arc<Index>,
    /// Per entry, whether it concerns the user's versions (not-yours ranks lower).
    pub fits: Arc<Fits>,
}

impl Ranker {
    /// Rank the entries for `query`: the shared search, then version demotion.
    pub fn search(&self, query: &str) -> (Vec<Hit>, usize) {
        let (mut hits, total) = self.index.search_counted(query, LIST_LIMIT);
        fit::demote(&mut hits, &self.fits);
        (hits, total)
    }
}

/// Work for the search worker.
pub enum Job {
    /// A query and its generation.
    Search(u64, String),
    /// Use a new index from now on (after a reload).
    Replace(Ranker),
}

/// Where searches run: on the calling thread (tests) or on a worker (the real app).
pub enum Searcher {
    /// Search synchronously.
    Inline(Ranker),
    /// Send queries to a worker thread; results come back as events.
    Worker(Sender<Job>),
}

impl Searcher {
    /// Start a worker that always answers the newest query it has.
    pub fn worker(ranker: Ranker, events: Sender<Event>) -> Searcher {
        let (tx, rx): (Sender<Job>, Receiver<Job>) = mpsc::channel();
        thread::spawn(move || {
            let mut ranker = ranker;
            while let Ok(first) = rx.recv() {
                let mut query = None;
                for job in std::iter::once(first).chain(rx.try_iter()) {
                    match job {
                        Job::Search(generation, text) => query = Some((generation, text)),
                        Job::Replace(r) => ranker = r,
                    }
                }
                let Some((generation, text)) = query else {
                    continue;
                };
                let (hits, total) = ranker.search(&text);
                let found = Action::Results {
                    generation,
                    hits,
                    total,
                };
                if events.send(Event::Found(found)).is_err() {
                    break;
                }
            }
        });
        Searcher::Worker(tx)
    }

    /// Search with `ranker` from now on.
    pub fn replace(&mut self, ranker: Ranker) {
        match self {
            Searcher::Inline(r) => *r = ranker,
            Searcher::Worker(tx) => {
                let _ = tx.send(Job::Replace(ranker));
            }
        }
    }
}

/// The explorer: state, search, clipboard and a terminal to draw on.
pub struct App<'a, B: Backend> {
    /// What is shown.
    pub state: State,
    /// The terminal.
    pub terminal: Terminal<B>,
    searcher: Searcher,
    clipboard: &'a dyn ClipboardEnv,
    osc_out: Box<dyn Write + 'a>,
    toast_until: Option<Instant>,
    /// Set when the loop should end.
    pub quit: bool,
    /// Ctrl-Z was pressed; the real loop suspends.
    pub suspend_requested: bool,
    /// Mouse capture changes the real loop must apply.
    pub mouse_capture: Option<bool>,
    /// The entry the real loop must open in the editor.
    pub edit_requested: Option<usize>,
    /// The query the real loop must write a new entry from.
    pub new_requested: Option<String>,
    /// Where `+`/`-` append outcomes (None: no data folder and no `ERRDEX_OUTCOMES`).
    pub outcomes_file: Option<PathBuf>,
    /// The host name written with each outcome, when the config asks for it.
    pub host: Option<String>,
}

impl<'a, B: Backend> App<'a, B> {
    /// An explorer over `state`, searching with `searcher`.
    pub fn new(
        state: State,
        terminal: Terminal<B>,
        searcher: Searcher,
        clipboard: &'a dyn ClipboardEnv,
        osc_out: Box<dyn Write + 'a>,
    ) -> Self {
        App {
            state,
            terminal,
            searcher,
            clipboard,
            osc_out,
            toast_until: None,
            quit: false,
            suspend_requested: false,
            mouse_capture: None,
            edit_requested: None,
            new_requested: None,
            outcomes_file: None,
            host: None,
        }
    }

    /// Search with a new index (after a reload or new versions).
    pub fn replace_ranker(&mut self, ranker: Ranker) {
        self.searcher.replace(ranker);
    }

    /// Run the first search (for the initial query); a message set before the start (what
    /// versions were found) goes away like any other.
    pub fn start(&mut self) {
        if self.state.toast.is_some() {
            self.toast_until = Some(Instant::now() + TOAST * 2);
        }
        let q = self.state.query.text.clone();
        self.state.results.asked += 1;
        if self.state.findings_shown() {
            // The findings arrive from the log's reader; there is nothing to search yet.
            self.state.results.answered = self.state.results.asked;
            return;
        }
        let generation = self.state.results.asked;
        self.run_effects(vec![Effect::Search {
            generation,
            query: q,
        }]);
    }

    /// Apply an action and carry out its effects.
    pub fn dispatch(&mut self, action: Action) {
        let fx = update(&mut self.state, action);
        self.run_effects(fx);
    }

    fn run_effects(&mut self, fx: Vec<Effect>) {
        for effect in fx {
            match effect {
                Effect::Search { generation, query } => match &self.searcher {
                    Searcher::Inline(ranker) => {
                        let (hits, total) = ranker.search(&query);
                        self.dispatch(Action::Results {
                            generation,
                            hits,
                            total,
                        });
                    }
                    Searcher::Worker(tx) => {
                        let _ = tx.send(Job::Search(generation, query));
                    }
                },
                Effect::Record {
                    entry,
                    workaround,
                    index,
                    worked,
                    query,
                } => {
                    let result = match &self.outcomes_file {
                        Some(path) => {
                            let o = Outcome::now(
                                entry.clone(),
                                workaround.clone(),
                                index,
                                worked,
                                query,
                                self.host.clone(),
                            );
                            outcomes::append(path, &o)
                                .map_err(|e| format!("{}: {e}", path.display()))
                        }
                        None => Err("no data folder; set ERRDEX_OUTCOMES to a file".into()),
                    };
                    self.toast_until = Some(Instant::now() + TOAST);
                    self.dispatch(Action::Recorded {
                        entry,
                        workaround,
                        worked,
                        result,
                    });
                }
                Effect::Edit { doc } => self.edit_requested = Some(doc),
                Effect::NewEntry { query } => self.new_requested = Some(query),
                Effect::Copy { code, title } => {
                    let report = clipboard::copy(&code, &title, self.clipboard, &mut self.osc_out);
                    self.toast_until = Some(Instant::now() + TOAST);
                    self.dispatch(Action::Copied(report));
                }
                Effect::MouseCapture(on) => self.mouse_capture = Some(on),
                Effect::Suspend => self.suspend_requested = true,
                Effect::Quit => self.quit = true,
            }
        }
    }

    /// Draw the current state.
    pub fn draw(&mut self) -> io::Result<()> {
        let state = &self.state;
        self.terminal
            .draw(|f| view::draw(f, state))
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(())
    }

    /// Handle one outside event.
    pub fn handle(&mut self, ev: Event) {
        match ev {
            Event::Term(t) => {
                if let Some(a) = action_for(t, &self.state) {
                    self.dispatch(a);
                }
            }
            Event::Found(a) => self.dispatch(a),
            Event::Signal(_) | Event::InputClosed => self.quit = true,
        }
    }

    /// How long to wait for the next event before the toast must go.
    pub fn wait(&mut self) -> Option<Duration> {
        let until = self.toast_until?;
        let now = Instant::now();
        if now >= until {
            self.toast_until = None;
            self.dispatch(Action::ClearToast);
            None
        } else {
            Some(until - now)
        }
    }

    /// Wait for an event on `rx`, waking for the toast's end.
    pub fn next_event(&mut self, rx: &Receiver<Event>) -> Option<Event> {
        loop {
            match self.wait() {
                Some(d) => match rx.recv_timeout(d) {
                    Ok(ev) => return Some(ev),
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return None,
                },
                None => return rx.recv().ok(),
            }
        }
    }
}

/// Stops and restarts the input thread, so that a program the explorer runs (the editor)
/// gets every key while it runs.
#[derive(Clone, Default)]
pub struct InputControl {
    inner: Arc<(Mutex<Pause>, Condvar)>,
}

#[derive(Default)]
struct Pause {
    asked: bool,
    parked: bool,
}

impl InputControl {
    /// Stop reading the terminal; returns once the input thread has stopped (or after a
    /// second, should it be stuck).
    pub fn pause(&self) {
        let (lock, cv) = &*self.inner;
        let Ok(mut p) = lock.lock() else {
            return;
        };
        p.asked = true;
        let deadline = Instant::now() + Duration::from_secs(1);
        while !p.parked {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match cv.wait_timeout(p, left) {
                Ok((guard, _)) => p = guard,
                Err(_) => return,
            }
        }
    }

    /// Read the terminal again.
    pub fn resume(&self) {
        let (lock, cv) = &*self.inner;
        if let Ok(mut p) = lock.lock() {
            p.asked = false;
            cv.notify_all();
        }
    }

    /// Called by the input thread between reads: waits while a pause is asked for.
    fn checkpoint(&self) {
        let (lock, cv) = &*self.inner;
        let Ok(mut p) = lock.lock() else {
            return;
        };
        while p.asked {
            p.parked = true;
            cv.notify_all();
            match cv.wait(p) {
                Ok(guard) => p = guard,
                Err(_) => return,
            }
        }
        p.parked = false;
    }
}

/// Read terminal events on a thread of their own. Reads wait at most 100 ms, so that a
/// pause asked for through the returned control takes effect quickly.
pub fn spawn_input(events: Sender<Event>) -> InputControl {
    let control = InputControl::default();
    let inner = control.clone();
    thread::spawn(move || {
        loop {
            inner.checkpoint();
            match event::poll(Duration::from_millis(100)).and_then(|ready| {
                if ready {
                    event::read().map(Some)
                } else {
                    Ok(None)
                }
            }) {
                Ok(Some(ev)) => {
                    if events.send(Event::Term(ev)).is_err() {
                        break;
                    }
                }
                Ok(None) => {}
                Err(_) => {
                    let _ = events.send(Event::InputClosed);
                    break;
                }
            }
        }
    });
    control
}
