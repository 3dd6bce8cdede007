//! In-process cost of the explorer: the first frame, and one keystroke (update, search,
//! redraw of the whole 120x40 screen) over the bundled corpus.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use errdex::kb::corpus::Corpus;
use errdex::kb::load;
use errdex::kb::search::Index;
use errdex::tui::action::Action;
use errdex::tui::state::State;
use errdex::tui::update::{Effect, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn step(s: &mut State, index: &Index, term: &mut Terminal<TestBackend>, a: Action) {
    for fx in update(s, a) {
        if let Effect::Search { generation, query } = fx {
            let (hits, total) = index.search_counted(&query, 500);
            update(
                s,
                Action::Results {
                    generation,
                    hits,
                    total,
                },
            );
        }
    }
    term.draw(|f| errdex::tui::view::draw(f, s)).expect("draws");
}

fn bench(c: &mut Criterion) {
    c.bench_function(
        "explorer: first frame (read corpus and index, search, draw)",
        |b| {
            b.iter(|| {
                let mut catalog = load::load(&load::Sources {
                    bundled: true,
                    ..Default::default()
                });
                let index = catalog.index();
                let mut s = State::new(Arc::new(catalog.entries), "", (120, 40));
                let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
                step(&mut s, &index, &mut term, Action::Resize(120, 40));
                let (hits, total) = index.search_counted("", 500);
                update(
                    &mut s,
                    Action::Results {
                        generation: 1,
                        hits,
                        total,
                    },
                );
                term.draw(|f| errdex::tui::view::draw(f, &s))
                    .expect("draws");
                black_box(term);
            })
        },
    );
    let entries: Vec<_> = load::bundled().into_iter().map(|l| l.entry).collect();
    let index = Index::new(&entries);
    let entries = Arc::new(Corpus::from(entries));
    c.bench_function(
        "explorer: type 'connection refused', one key at a time",
        |b| {
            b.iter(|| {
                let mut s = State::new(entries.clone(), "", (120, 40));
                let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
                for ch in "connection refused".chars() {
                    step(&mut s, &index, &mut term, Action::InsertChar(ch));
                }
                black_box(term);
            })
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
