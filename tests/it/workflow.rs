//! The outage workflow in the explorer, without a terminal: following related entries and
//! coming back, recording what worked, sharing an entry as Markdown, version marks, and
//! reloading after an edit.

use std::collections::BTreeMap;
use std::sync::Arc;

use errdex::kb::corpus::Corpus;
use errdex::kb::entry::{Requirement, VersionRow, VersionStatus};
use errdex::kb::fit::{self, Fits, Lookup};
use errdex::kb::load::load_path;
use errdex::kb::{Entry, outcomes};
use errdex::tui::action::Action;
use errdex::tui::app::{App, Event, Ranker, Searcher};
use errdex::tui::clipboard::{ClipboardEnv, CopyReport};
use errdex::tui::state::{Focus, Pane, State};
use errdex::tui::update::{Effect, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use semver::Version;

use super::fixtures;

const SEED: &str = "grpc/grpc-connection-reset-by-peer";
const TCP: &str = "tcp/connection-reset-by-peer";

/// The explorer fixtures, with the seed pointing at the tcp entry and at an id not loaded.
fn entries() -> Vec<Entry> {
    let (loaded, diags) = load_path(&fixtures().join("tui"));
    assert!(diags.is_empty(), "{diags:?}");
    let mut entries: Vec<Entry> = loaded.into_iter().map(|l| l.entry).collect();
    let seed = entries
        .iter_mut()
        .find(|e| e.id == SEED)
        .expect("seed fixture");
    seed.related = vec![TCP.into(), "nowhere/not-loaded".into()];
    entries
}

fn state(entries: Vec<Entry>, query: &str, size: (u16, u16)) -> State {
    super::tui::state_over(Arc::new(Corpus::from(entries)), query, size)
}

/// No versions known: every entry's fit is unknown.
fn no_fits(entries: &Arc<Corpus>) -> Arc<Fits> {
    Arc::new(Fits::new(Arc::clone(entries), Arc::new(fit::Nothing)))
}

fn shown_id(s: &State) -> String {
    s.selected_entry().map(|e| e.id.clone()).unwrap_or_default()
}

fn render(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).expect("test terminal");
    t.draw(|f| errdex::tui::view::draw(f, s)).expect("draws");
    format!("{}", t.backend())
}

/// Versions given by hand, as `--have` would.
struct Have(BTreeMap<String, (Version, String)>);

impl Have {
    fn of(pairs: &[(&str, &str)]) -> Have {
        Have(
            pairs
                .iter()
                .map(|(p, v)| {
                    let parsed = errdex::kb::version::parse_version(v).expect("version");
                    (p.to_string(), (parsed, v.to_string()))
                })
                .collect(),
        )
    }
}

impl Lookup for Have {
    fn version_of(&self, package: &str) -> Option<(&Version, &str)> {
        self.0.get(package).map(|(v, s)| (v, s.as_str()))
    }
}

#[test]
fn related_entries_are_listed_followed_and_returned_from() {
    let mut s = state(entries(), "UNAVAILABLE grpc connection reset", (120, 40));
    assert_eq!(shown_id(&s), SEED);
    update(&mut s, Action::FocusPane(Pane::Related));
    let screen = render(&s);
    assert!(screen.contains("Related (2)"), "{screen}");
    assert!(
        screen.contains("read: connection reset by peer"),
        "{screen}"
    );
    assert!(
        screen.contains("nowhere/not-loaded (not loaded)"),
        "{screen}"
    );

    // An id that is not loaded cannot be followed, and says so.
    update(&mut s, Action::Down);
    update(&mut s, Action::FollowRelated);
    assert_eq!(shown_id(&s), SEED);
    assert!(s.toast.as_deref().is_some_and(|t| t.contains("not loaded")));

    update(&mut s, Action::Up);
    update(&mut s, Action::FollowRelated);
    assert_eq!(shown_id(&s), TCP);
    assert_eq!(s.history.len(), 1);
    assert!(render(&s).contains("↳1 read: connection reset by peer"));

    // Back returns to where the reader was: the seed, its Related pane, the same pick.
    update(&mut s, Action::Back);
    assert_eq!(shown_id(&s), SEED);
    assert_eq!(s.focus, Focus::Entry(Pane::Related));
    assert_eq!(s.entry.related, 0);
    assert!(s.history.is_empty());
    update(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::List);
}

#[test]
fn a_new_query_or_another_selection_leaves_followed_entries() {
    let mut s = state(entries(), "UNAVAILABLE grpc connection reset", (120, 40));
    update(&mut s, Action::FocusPane(Pane::Related));
    update(&mut s, Action::FollowRelated);
    assert_eq!(shown_id(&s), TCP);
    let fx = update(&mut s, Action::InsertChar('x'));
    assert!(matches!(fx.as_slice(), [Effect::Search { .. }]));
    assert!(s.shown.is_none() && s.history.is_empty());

    // Follow a related entry for real, then pick another hit in the list: the followed
    // entry and its history are left behind and the list's pick is shown.
    let mut s = state(entries(), "UNAVAILABLE grpc connection reset", (120, 40));
    assert_eq!(shown_id(&s), SEED);
    update(&mut s, Action::FocusPane(Pane::Related));
    update(&mut s, Action::FollowRelated);
    assert_eq!(shown_id(&s), TCP, "the related entry was followed");
    assert_eq!(s.history.len(), 1);
    update(&mut s, Action::SelectNext);
    assert!(s.shown.is_none() && s.history.is_empty());
    assert_eq!(s.results.selected, 1);
    let second = s.entries.id(s.results.hits[1].doc).expect("listed");
    assert_eq!(
        shown_id(&s),
        second,
        "the list's second hit is what is shown"
    );
}

#[test]
fn plus_and_minus_ask_to_record_the_picked_workaround_and_show_the_tally() {
    let mut s = state(entries(), "UNAVAILABLE grpc connection reset", (120, 40));
    update(&mut s, Action::FocusEntry);
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Record(true));
    let second = s.selected_entry().expect("entry").workarounds[1]
        .title
        .clone();
    assert_eq!(
        fx,
        [Effect::Record {
            entry: SEED.into(),
            workaround: second.clone(),
            index: 2,
            worked: true,
            query: "UNAVAILABLE grpc connection reset".into(),
        }]
    );
    for worked in [true, true, false] {
        update(
            &mut s,
            Action::Recorded {
                entry: SEED.into(),
                workaround: second.clone(),
                worked,
                result: Ok(()),
            },
        );
    }
    assert!(
        s.toast
            .as_deref()
            .is_some_and(|t| t.contains("did not work") && t.contains("2 of 3 worked")),
        "{:?}",
        s.toast
    );
    let screen = render(&s);
    assert!(
        screen.contains("team: 2 of 3 worked (measured)"),
        "{screen}"
    );
    // The entry's own rate stays next to it, with its basis.
    assert!(screen.contains("estimated"), "{screen}");
    update(
        &mut s,
        Action::Recorded {
            entry: SEED.into(),
            workaround: second.clone(),
            worked: true,
            result: Err("disk full".into()),
        },
    );
    assert!(
        s.toast
            .as_deref()
            .is_some_and(|t| t.contains("not recorded"))
    );
    assert_eq!(s.tally(SEED, &second).map(|t| t.worked), Some(2));
}

struct NoClipboard;

impl ClipboardEnv for NoClipboard {
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn run(&self, program: &str, _: &[&str], _: &[u8]) -> Result<(), String> {
        Err(format!("{program}: not here"))
    }
}

fn key(c: char) -> Event {
    Event::Term(TermEvent::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

#[test]
fn recording_appends_to_the_outcomes_file_and_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("team").join("outcomes.jsonl");
    let entries = Arc::new(Corpus::from(entries()));
    let ranker = Ranker {
        index: Arc::new(entries.build_index()),
        fits: no_fits(&entries),
    };
    let state = State::new(entries, "UNAVAILABLE grpc connection reset", (120, 40));
    let clip = NoClipboard;
    let terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let mut app = App::new(
        state,
        terminal,
        Searcher::Inline(ranker),
        &clip,
        Box::new(Vec::new()),
    );
    app.outcomes_file = Some(file.clone());
    app.host = Some("web-1".into());
    app.start();
    app.handle(Event::Term(TermEvent::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ))));
    app.handle(key('+'));
    app.handle(key('j'));
    app.handle(key('-'));
    let log = outcomes::read(&file).expect("reads");
    assert!(log.problems.is_empty(), "{:?}", log.problems);
    let got: Vec<(String, usize, bool, Option<String>)> = log
        .records
        .iter()
        .map(|o| (o.entry.clone(), o.index, o.worked, o.host.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (SEED.to_string(), 1, true, Some("web-1".to_string())),
            (SEED.to_string(), 2, false, Some("web-1".to_string())),
        ]
    );
    assert_eq!(log.records[0].query, "UNAVAILABLE grpc connection reset");
    app.draw().expect("draws");
    let screen = format!("{}", app.terminal.backend());
    assert!(screen.contains("team: 0 of 1 worked"), "{screen}");
}

#[test]
fn m_copies_the_entry_as_markdown_with_the_pasted_details_masked() {
    let pasted = "2026-11-24T10:32:11Z ERROR checkout-7d9f8b6c5-x2x9q request_id=a81f93bc20 \
                  rpc error: code = Unavailable desc = connection reset by peer 10.20.30.40:50051";
    let mut s = state(entries(), pasted, (120, 40));
    assert_eq!(shown_id(&s), SEED);
    update(&mut s, Action::FocusEntry);
    let fx = update(&mut s, Action::CopyMarkdown);
    let [Effect::Copy { code, title }] = fx.as_slice() else {
        panic!("expected one copy, got {fx:?}");
    };
    assert!(title.contains("as Markdown"));
    assert!(
        code.starts_with(
            "**Seen:** `rpc error: code = Unavailable desc = connection reset by peer <ip>:50051`"
        ),
        "{code}"
    );
    for secret in ["10.20.30.40", "x2x9q", "a81f93bc20", "2026-11-24"] {
        assert!(!code.contains(secret), "{secret} leaked:\n{code}");
    }
    assert!(code.contains("**Trying:** workaround 1:"), "{code}");
    assert!(code.contains(&format!("- **ID:** `{SEED}`")), "{code}");
    assert!(code.contains("## Workarounds"), "{code}");
    // The copy is an entry again: it parses as the export format.
    let body = &code[code.find("# UNAVAILABLE").expect("the entry's heading")..];
    let (back, _) = errdex::kb::markdown::parse(body).expect("parses");
    assert_eq!(back.id, SEED);
}

fn versioned() -> Vec<Entry> {
    let mut all = entries();
    let tcp = all.iter_mut().find(|e| e.id == TCP).expect("tcp fixture");
    tcp.versions = vec![
        VersionRow {
            version: "Linux before 5.0".into(),
            status: VersionStatus::Active,
            introduced: None,
            deprecated: None,
            package: Some("linux".into()),
            range: Some("<5.0".into()),
        },
        VersionRow {
            version: "Linux 5.0 and later".into(),
            status: VersionStatus::Removed,
            introduced: Some("5.0".into()),
            deprecated: None,
            package: Some("linux".into()),
            range: Some(">=5.0".into()),
        },
    ];
    tcp.workarounds[0].requires = Some(Requirement {
        package: "linux".into(),
        range: ">=6.1".into(),
    });
    all
}

#[test]
fn versions_mark_rows_entries_and_workarounds() {
    let mut s = state(versioned(), "read: connection reset by peer", (120, 40));
    s.set_versions(Arc::new(Have::of(&[("linux", "4.19")])));
    let tcp = s.by_id[TCP];
    assert!(!s.fits.get(tcp).expect("fit").not_yours());
    update(&mut s, Action::FocusEntry);
    while shown_id(&s) != TCP {
        update(&mut s, Action::SelectNext);
    }
    let screen = render(&s);
    assert!(screen.contains("▶ Linux before 5.0"), "{screen}");
    assert!(screen.contains("your version"), "{screen}");
    assert!(
        screen.contains("not for your version: needs linux >=6.1, you have 4.19"),
        "{screen}"
    );

    s.set_versions(Arc::new(Have::of(&[("linux", "6.6")])));
    assert!(s.fits.get(tcp).expect("fit").not_yours());
    let screen = render(&s);
    assert!(screen.contains("▶ Linux 5.0 and later"), "{screen}");
    assert!(screen.contains("not your version"), "{screen}");
    assert!(screen.contains("[not yours]"), "{screen}");
    assert!(!screen.contains("not for your version"), "{screen}");
}

#[test]
fn entries_that_are_not_your_version_rank_lower() {
    let entries = Arc::new(Corpus::from(versioned()));
    let index = Arc::new(entries.build_index());
    let query = "connection reset by peer";
    let plain = Ranker {
        index: Arc::clone(&index),
        fits: no_fits(&entries),
    };
    let (before, _) = plain.search(query);
    assert_eq!(entries.id(before[0].doc), Some(TCP));
    let versioned = Ranker {
        index,
        fits: Arc::new(Fits::new(
            Arc::clone(&entries),
            Arc::new(Have::of(&[("linux", "6.6")])),
        )),
    };
    let (after, total) = versioned.search(query);
    assert_eq!(total, before.len());
    let pos = after
        .iter()
        .position(|h| entries.id(h.doc) == Some(TCP))
        .expect("still listed");
    assert!(
        pos > 0,
        "the not-your-version entry must drop below the others"
    );
}

#[test]
fn a_reload_shows_the_edited_entry_and_its_problems() {
    let mut s = state(entries(), "connection reset", (120, 40));
    update(&mut s, Action::FocusEntry);
    let id = shown_id(&s);
    let mut changed = entries();
    changed
        .iter_mut()
        .find(|e| e.id == id)
        .expect("entry")
        .title = "an edited title".into();
    changed.reverse();
    let fx = update(
        &mut s,
        Action::Reloaded {
            entries: Arc::new(Corpus::from(changed)),
            message: "checked and reloaded x.yaml: 1 problem(s)".into(),
            problems: Some("x.yaml:3:1: warning: something".into()),
        },
    );
    assert!(matches!(
        fx.as_slice(),
        [Effect::MouseCapture(false), Effect::Search { .. }]
    ));
    assert_eq!(shown_id(&s), id);
    assert_eq!(
        s.selected_entry().map(|e| e.title.as_str()),
        Some("an edited title")
    );
    assert!(
        s.popup
            .as_ref()
            .is_some_and(|p| p.code.contains("x.yaml:3:1"))
    );
    assert!(s.results.hits.is_empty() && s.results.pending());
    update(&mut s, Action::Back); // the popup
    update(&mut s, Action::Back); // the entry
    assert_eq!((s.focus, s.shown), (Focus::List, None));
}

#[test]
fn a_copy_no_clipboard_confirmed_shows_the_text_with_its_own_note() {
    let mut s = state(entries(), "grpc", (120, 40));
    let report = CopyReport {
        text: "x".into(),
        title: "t".into(),
        confirmed: vec![],
        osc52: true,
    };
    update(&mut s, Action::Copied(report));
    assert!(
        s.popup
            .as_ref()
            .is_some_and(|p| p.note.contains("No clipboard"))
    );
}

#[test]
fn tallies_read_after_the_first_frame_show_up_with_a_note_about_skipped_lines() {
    let mut s = state(entries(), "UNAVAILABLE grpc connection reset", (120, 40));
    update(&mut s, Action::FocusEntry);
    let first = s.selected_entry().expect("entry").workarounds[0]
        .title
        .clone();
    let mut tallies = errdex::tui::state::Tallies::new();
    tallies.insert(
        (SEED.to_string(), first),
        errdex::tui::state::Tally {
            worked: 7,
            failed: 2,
        },
    );
    update(
        &mut s,
        Action::TalliesLoaded {
            tallies,
            note: Some("outcomes file: 1 line(s) skipped".into()),
        },
    );
    let screen = render(&s);
    assert!(screen.contains("team: 7 of 9 worked"), "{screen}");
    assert!(screen.contains("1 line(s) skipped"), "{screen}");
}
