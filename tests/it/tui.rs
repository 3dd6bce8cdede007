//! The explorer without a terminal: update logic, the run loop on a TestBackend with a fake
//! clipboard, and rendered screens at fixed sizes (insta snapshots).

use std::cell::RefCell;
use std::sync::Arc;

use errdex::kb::Entry;
use errdex::kb::corpus::Corpus;
use errdex::kb::fit::Fits;
use errdex::kb::load::load_path;
use errdex::tui::action::Action;
use errdex::tui::app::{App, Event, Ranker, Searcher};
use errdex::tui::clipboard::{ClipboardEnv, CopyReport};
use errdex::tui::state::{Focus, Pane, State};
use errdex::tui::update::{Effect, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};

use super::fixtures;

const SEED: &str = "grpc/grpc-connection-reset-by-peer";

/// The fixture catalog: the seed, the tcp reset entry and a small sample.
fn entries() -> Arc<Corpus> {
    Arc::new(Corpus::from(entry_list()))
}

/// The fixture entries, to change before building a state over them.
fn entry_list() -> Vec<Entry> {
    let (loaded, diags) = load_path(&fixtures().join("tui"));
    assert!(diags.is_empty(), "{diags:?}");
    loaded.into_iter().map(|l| l.entry).collect()
}

/// A state over the fixture catalog with the results of `query` applied.
fn state_for(query: &str, size: (u16, u16)) -> State {
    state_over(entries(), query, size)
}

/// A state over `entries` with the results of `query` applied, as the run loop would.
pub(super) fn state_over(entries: Arc<Corpus>, query: &str, size: (u16, u16)) -> State {
    let index = entries.build_index();
    let mut s = State::new(entries, query, size);
    s.color = false;
    let (hits, total) = index.search_counted(query, 500);
    s.results.asked = 1;
    update(
        &mut s,
        Action::Results {
            generation: 1,
            hits,
            total,
        },
    );
    s
}

fn selected_id(s: &State) -> String {
    s.selected_entry().map(|e| e.id.clone()).unwrap_or_default()
}

#[test]
fn typing_asks_for_a_search_with_a_new_generation() {
    let mut s = state_for("", (120, 40));
    let fx = update(&mut s, Action::InsertChar('x'));
    assert_eq!(
        fx,
        [Effect::Search {
            generation: 2,
            query: "x".into()
        }]
    );
    let fx = update(&mut s, Action::Paste("line one\r\nline two\n".into()));
    assert_eq!(
        fx,
        [Effect::Search {
            generation: 3,
            query: "xline one\nline two".into()
        }]
    );
}

#[test]
fn stale_results_are_ignored() {
    let mut s = state_for("grpc", (120, 40));
    s.results.asked = 5;
    update(
        &mut s,
        Action::Results {
            generation: 5,
            hits: vec![],
            total: 0,
        },
    );
    assert!(s.results.hits.is_empty());
    let older = state_for("tcp", (120, 40)).results.hits;
    update(
        &mut s,
        Action::Results {
            generation: 4,
            hits: older,
            total: 1,
        },
    );
    assert!(
        s.results.hits.is_empty(),
        "generation 4 answered after 5 is dropped"
    );
}

#[test]
fn escape_goes_back_one_step_at_a_time() {
    let mut s = state_for("reset", (120, 40));
    update(&mut s, Action::FocusEntry);
    assert_eq!(s.focus, Focus::Entry(Pane::Workarounds));
    update(&mut s, Action::ToggleHelp);
    assert!(s.help);
    assert!(update(&mut s, Action::Back).is_empty());
    assert!(!s.help);
    update(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::List);
    let fx = update(&mut s, Action::Back);
    assert_eq!(s.query.text, "");
    assert!(matches!(fx[..], [Effect::Search { .. }]));
    assert_eq!(update(&mut s, Action::Back), [Effect::Quit]);
}

#[test]
fn ctrl_y_copies_the_first_workaround_until_another_is_picked() {
    let mut s = state_for("UNAVAILABLE grpc connection reset", (120, 40));
    assert_eq!(selected_id(&s), SEED);
    let first = s
        .selected_entry()
        .and_then(|e| e.workarounds[0].snippet.clone())
        .expect("snippet");
    match &update(&mut s, Action::CopySnippet)[..] {
        [Effect::Copy { code, .. }] => assert_eq!(code, &first.code),
        other => panic!("{other:?}"),
    }
    update(&mut s, Action::FocusEntry);
    update(&mut s, Action::Down);
    assert_eq!(s.entry.workaround, 1);
    let second = s
        .selected_entry()
        .and_then(|e| e.workarounds[1].snippet.clone())
        .expect("snippet");
    match &update(&mut s, Action::CopySnippet)[..] {
        [Effect::Copy { code, .. }] => assert_eq!(code, &second.code),
        other => panic!("{other:?}"),
    }
    match &update(&mut s, Action::PickAndCopy(3))[..] {
        [Effect::Copy { title, .. }] => assert!(title.contains("workaround 3")),
        other => panic!("{other:?}"),
    }
    assert!(update(&mut s, Action::PickAndCopy(9)).is_empty());
    assert!(
        s.toast
            .as_deref()
            .is_some_and(|t| t.contains("no workaround 9"))
    );
}

#[test]
fn an_unconfirmed_copy_opens_a_popup_without_mouse_capture() {
    let mut s = state_for("reset", (120, 40));
    let report = CopyReport {
        text: "echo hi".into(),
        title: "t".into(),
        confirmed: vec![],
        osc52: true,
    };
    assert_eq!(
        update(&mut s, Action::Copied(report)),
        [Effect::MouseCapture(false)]
    );
    assert_eq!(s.popup.as_ref().map(|p| p.code.as_str()), Some("echo hi"));
    assert_eq!(update(&mut s, Action::Back), [Effect::MouseCapture(true)]);
    assert!(s.popup.is_none());
}

#[test]
fn selection_and_scrolling_stay_in_bounds() {
    let mut s = state_for("reset", (120, 40));
    for _ in 0..10 {
        update(&mut s, Action::SelectNext);
    }
    assert_eq!(s.results.selected, s.results.hits.len() - 1);
    update(&mut s, Action::PageUp);
    assert_eq!(s.results.selected, 0);
    update(&mut s, Action::NextPane);
    assert_eq!(s.focus, Focus::Entry(Pane::RootCause));
    for _ in 0..200 {
        update(&mut s, Action::Down);
    }
    let scrolled = s.entry.scroll[Pane::RootCause.index()];
    assert!(
        scrolled < 20,
        "scroll is clamped to the content: {scrolled}"
    );
}

#[test]
fn clicks_select_rows_and_focus_panes() {
    let mut s = state_for("reset", (120, 40));
    assert!(s.results.hits.len() >= 2);
    update(&mut s, Action::Click { column: 5, row: 3 });
    assert_eq!(
        s.results.selected, 1,
        "row 3 is the second result (row 1 is the border)"
    );
    update(&mut s, Action::Click { column: 80, row: 5 });
    assert!(matches!(s.focus, Focus::Entry(_)));
}

/// A clipboard that records what it was given and always has tmux.
struct FakeTmux(RefCell<Vec<Vec<u8>>>);

impl ClipboardEnv for FakeTmux {
    fn var(&self, name: &str) -> Option<String> {
        (name == "TMUX").then(|| "/tmp/tmux-test".to_string())
    }
    fn run(&self, _: &str, _: &[&str], input: &[u8]) -> Result<(), String> {
        self.0.borrow_mut().push(input.to_vec());
        Ok(())
    }
}

fn key(c: KeyCode, m: KeyModifiers) -> Event {
    Event::Term(TermEvent::Key(KeyEvent::new(c, m)))
}

#[test]
fn the_run_loop_searches_draws_and_copies() {
    let entries = entries();
    let index = Arc::new(entries.build_index());
    let state = State::new(Arc::clone(&entries), "", (100, 30));
    let clip = FakeTmux(RefCell::new(Vec::new()));
    let osc: Vec<u8> = Vec::new();
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    let mut app = App::new(
        state,
        terminal,
        Searcher::Inline(Ranker {
            index,
            fits: Arc::new(Fits::new(entries, Arc::new(errdex::kb::fit::Nothing))),
        }),
        &clip,
        Box::new(osc),
    );
    app.start();
    for c in "econnreset".chars() {
        app.handle(key(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.draw().expect("draws");
    let screen = format!("{}", app.terminal.backend());
    assert!(screen.contains("❯ econnreset"), "{screen}");
    assert!(screen.contains("Workarounds"), "{screen}");
    app.handle(key(KeyCode::Char('y'), KeyModifiers::CONTROL));
    let copied = clip.0.borrow().last().cloned().expect("copied");
    let expected = app
        .state
        .selected_entry()
        .and_then(|e| e.workarounds[0].snippet.clone())
        .expect("snippet");
    assert_eq!(
        String::from_utf8(copied).expect("utf8"),
        expected.code.trim_end_matches('\n')
    );
    app.draw().expect("draws");
    assert!(format!("{}", app.terminal.backend()).contains("via tmux + OSC 52"));
    app.handle(key(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

fn render(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).expect("test terminal");
    t.draw(|f| errdex::tui::view::draw(f, s)).expect("draws");
    format!("{}", t.backend())
}

#[test]
fn screen_120x40() {
    insta::assert_snapshot!(render(&state_for("connection reset by peer", (120, 40))));
}

#[test]
fn screen_80x24() {
    insta::assert_snapshot!(render(&state_for("connection reset by peer", (80, 24))));
}

#[test]
fn screen_80x24_entry_focused() {
    let mut s = state_for("connection reset by peer", (80, 24));
    update(&mut s, Action::FocusEntry);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn screen_60x15() {
    insta::assert_snapshot!(render(&state_for("connection reset by peer", (60, 15))));
}

#[test]
fn screen_too_small() {
    let screen = render(&state_for("reset", (50, 10)));
    assert!(
        screen.contains("terminal too small (need 60×15, have 50×10)"),
        "{screen}"
    );
    // Even 1x1 draws without panicking.
    render(&state_for("reset", (1, 1)));
}

#[test]
fn screen_help_overlay() {
    let mut s = state_for("reset", (100, 30));
    update(&mut s, Action::ToggleHelp);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn escape_sequences_in_entries_are_shown_escaped() {
    let mut hostile = entry_list();
    hostile[0].title = "evil \x1b[31mred\x1b[0m \x07 title".into();
    hostile[0].root_cause = "cause with \x1b]52;c;ZXZpbA==\x07 inside".into();
    let s = state_over(Arc::new(Corpus::from(hostile)), "evil", (120, 40));
    let screen = render(&s);
    assert!(
        screen.contains("evil \\x1b[31mred\\x1b[0m \\x07 title"),
        "{screen}"
    );
    assert!(screen.contains("\\x1b]52;c;ZXZpbA==\\x07"), "{screen}");
    assert!(!screen.contains('\x1b'));
}

#[test]
fn the_readme_documents_every_key_of_the_help_overlay() {
    let readme = include_str!("../../README.md");
    for (key, what) in errdex::tui::view::KEYS {
        assert!(
            readme.contains(&format!("| {key} | {what} |")),
            "README lacks `{key}`"
        );
    }
}

#[test]
fn no_color_keeps_the_selection_visible_and_the_skipped_count_shows() {
    use ratatui::style::{Color, Modifier};
    let mut s = state_for("connection reset by peer", (120, 40));
    s.skipped = 2;
    let mut t = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    t.draw(|f| errdex::tui::view::draw(f, &s)).expect("draws");
    let buf = t.backend().buffer().clone();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "no colour at all with NO_COLOR"
    );
    let selected_row = (0..40u16)
        .find(|&y| buf[(1u16, y)].symbol() == "▶")
        .expect("a selected row");
    assert!(
        buf[(5u16, selected_row)]
            .modifier
            .contains(Modifier::REVERSED),
        "selection is reversed"
    );
    let status: String = (0..120u16)
        .map(|x| buf[(x, 39u16)].symbol().to_string())
        .collect();
    assert!(
        status.contains("2 entries skipped — errdex lint"),
        "{status}"
    );

    s.color = true;
    t.draw(|f| errdex::tui::view::draw(f, &s)).expect("draws");
    let coloured = t
        .backend()
        .buffer()
        .content()
        .iter()
        .any(|c| c.fg != Color::Reset);
    assert!(coloured, "the default palette uses colour");
}

#[test]
fn entries_at_the_size_limits_render() {
    let mut big = entry_list();
    let e = &mut big[0];
    e.root_cause = "word ".repeat(13_000);
    let w = e.workarounds[0].clone();
    e.workarounds = (0..200)
        .map(|i| {
            let mut w = w.clone();
            w.title = format!("workaround {i} {}", "long title ".repeat(150));
            if let Some(s) = &mut w.snippet {
                s.code = "x".repeat(60_000);
            }
            w
        })
        .collect();
    let mut s = state_over(Arc::new(Corpus::from(big)), "word", (120, 40));
    update(&mut s, Action::FocusEntry);
    s.entry.workaround = 195;
    for _ in 0..10 {
        update(&mut s, Action::Down);
    }
    assert_eq!(s.entry.workaround, 199);
    let screen = render(&s);
    assert!(
        screen.contains("200. workaround 199"),
        "the last workaround is in view"
    );
    let e = s.selected_entry().expect("selected");
    let text = errdex::tui::view::content::pane_text(&s, e, Pane::Workarounds, 80);
    let summary = text
        .lines
        .iter()
        .filter(|l| l.to_string().contains("copying takes the whole snippet"))
        .count();
    assert_eq!(
        summary, 200,
        "every long snippet is previewed, not laid out whole"
    );
}

#[test]
fn a_huge_paste_is_cut_to_the_query_limit_and_still_searches() {
    let mut s = state_for("", (120, 40));
    let paste = "2026-11-24T10:32:11Z ERROR read: connection reset by peer\n".repeat(40_000);
    assert!(paste.len() > errdex::tui::update::MAX_QUERY_BYTES);
    let fx = update(&mut s, Action::Paste(paste));
    assert!(s.query.text.len() <= errdex::tui::update::MAX_QUERY_BYTES);
    assert_eq!(s.toast.as_deref(), Some("pasted text cut to 1 MiB"));
    let Some(Effect::Search { query, .. }) = fx.first() else {
        panic!("a search is asked for: {fx:?}");
    };
    let index = s.entries.build_index();
    let (hits, _) = index.search_counted(query, 5);
    assert_eq!(
        s.entries.id(hits[0].doc),
        Some("tcp/connection-reset-by-peer")
    );
}

/// A finding of entry `doc`, `count` times, last seen `secs` after an epoch.
fn tracked(doc: usize, count: u64, secs: u64) -> errdex::kb::follow::Tracked {
    let mut f = errdex::kb::follow::Findings::new(1);
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000 + secs);
    f.add(
        &errdex::kb::follow::Batch {
            input: 0,
            lines: count,
            head: None,
            hits: vec![errdex::kb::follow::Hit {
                entry: doc,
                count,
                first_line: 1,
                last_line: count,
                sample: "x".into(),
            }],
        },
        at,
    );
    f.all.remove(0)
}

#[test]
fn log_mode_lists_findings_while_the_query_is_empty_and_searches_when_typing() {
    let entries = entries();
    let mut s = State::new(Arc::clone(&entries), "", (120, 40));
    s.log = Some(errdex::tui::state::LogView {
        name: "app.log".into(),
        open: true,
        ..Default::default()
    });
    let rows = vec![tracked(0, 5, 10), tracked(1, 9, 5)];
    let fx = update(
        &mut s,
        Action::LogUpdate {
            rows,
            lines: 14,
            open: true,
        },
    );
    assert!(fx.is_empty(), "findings need no search: {fx:?}");
    // Latest first: entry 0 was seen last.
    let docs = |s: &State| s.results.hits.iter().map(|h| h.doc).collect::<Vec<_>>();
    assert_eq!(docs(&s), [0, 1]);
    // The selection stays on its entry when the order changes.
    update(&mut s, Action::SelectNext);
    update(&mut s, Action::ToggleOrder);
    assert_eq!(docs(&s), [1, 0], "most frequent first");
    assert_eq!(s.selected_doc(), Some(1));
    update(&mut s, Action::FocusEntry);
    assert!(matches!(s.focus, Focus::Entry(_)));
    update(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::List);
    // Typing searches every entry; clearing the query brings the findings back.
    let fx = update(&mut s, Action::InsertChar('x'));
    assert!(matches!(fx.as_slice(), [Effect::Search { .. }]), "{fx:?}");
    assert!(!s.findings_shown());
    let fx = update(&mut s, Action::ClearQuery);
    assert!(fx.is_empty());
    assert_eq!(docs(&s), [1, 0]);
    // A late answer to the typed query does not replace the findings.
    let typed = s.results.asked - 1;
    update(
        &mut s,
        Action::Results {
            generation: typed,
            hits: vec![],
            total: 0,
        },
    );
    assert_eq!(docs(&s), [1, 0]);
}

#[test]
fn a_short_piped_message_becomes_the_query() {
    let mut s = State::new(entries(), "", (120, 40));
    s.log = Some(errdex::tui::state::LogView::default());
    let fx = update(
        &mut s,
        Action::LogAsQuery("14 UNAVAILABLE: read ECONNRESET\n".into()),
    );
    assert!(s.log.is_none());
    assert_eq!(s.query.text, "14 UNAVAILABLE: read ECONNRESET");
    assert!(
        matches!(fx.as_slice(), [Effect::Search { query, .. }] if query == "14 UNAVAILABLE: read ECONNRESET")
    );
}
