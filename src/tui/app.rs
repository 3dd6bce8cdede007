//! The run loop: events in, `update`, effects out. Generic over the ratatui backend so the
//! real loop can be driven on a `TestBackend` in tests.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
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
use crate::kb::search::Index;

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

/// A query for the search worker: its generation and text.
type Job = (u64, String);

/// Where searches run: on the calling thread (tests) or on a worker (the real app).
pub enum Searcher {
    /// Search synchronously.
    Inline(Arc<Index>),
    /// Send queries to a worker thread; results come back as events.
    Worker(Sender<Job>),
}

impl Searcher {
    /// Start a worker that always answers the newest query it has.
    pub fn worker(index: Arc<Index>, events: Sender<Event>) -> Searcher {
        let (tx, rx): (Sender<Job>, Receiver<Job>) = mpsc::channel();
        thread::spawn(move || {
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let (hits, total) = index.search_counted(&job.1, LIST_LIMIT);
                let found = Action::Results {
                    generation: job.0,
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
        }
    }

    /// Run the first search (for the initial query).
    pub fn start(&mut self) {
        let q = self.state.query.text.clone();
        self.state.results.asked += 1;
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
                    Searcher::Inline(index) => {
                        let (hits, total) = index.search_counted(&query, LIST_LIMIT);
                        self.dispatch(Action::Results {
                            generation,
                            hits,
                            total,
                        });
                    }
                    Searcher::Worker(tx) => {
                        let _ = tx.send((generation, query));
                    }
                },
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

/// Read terminal events on a thread of their own.
pub fn spawn_input(events: Sender<Event>) {
    thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if events.send(Event::Term(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = events.send(Event::InputClosed);
                    break;
                }
            }
        }
    });
}
