//! Search at scale: generated corpora of 10,000 and 100,000 realistic entries, made from
//! the bundled entries as templates (each copy names its own component, so the
//! vocabulary grows the way a real corpus does).
//!
//! Criterion measures index build and a pasted line. Per-key latency while typing is
//! measured by hand (criterion reports one figure per benchmark, and the goal is about the
//! median key and the worst key), and printed.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use errdex::kb::Entry;
use errdex::kb::load;
use errdex::kb::search::Index;

const PASTED: &str = "2026-11-24T10:32:11.004Z ERROR [api-7d9f8c6b5-x2x9q] rpc error: code = Unavailable desc = error reading from server: read tcp 10.1.2.3:44412->10.2.3.4:50051: read: connection reset by peer";

fn base36(mut n: usize) -> String {
    let digits = b"abcdefghijklmnopqrstuvwxyz";
    let mut s = Vec::new();
    loop {
        s.push(digits[n % 26]);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    String::from_utf8(s).unwrap_or_default()
}

/// `n` entries made from the bundled ones.
pub fn corpus(n: usize) -> Vec<Entry> {
    let templates: Vec<Entry> = load::bundled().into_iter().map(|l| l.entry).collect();
    (0..n)
        .map(|i| {
            let mut e = templates[i % templates.len()].clone();
            let component = format!("svc{}", base36(i));
            e.id = format!("{}/gen-{i}", e.domain);
            e.title = format!("{} ({component})", e.title);
            for a in &mut e.aliases {
                a.push_str(&format!(" [{component}]"));
            }
            e.tags.push(component);
            e
        })
        .collect()
}

/// Median, p99 and worst per-key latency typing `text` one character at a time, over
/// `reps`; the worst key's prefix is printed with it.
fn typing(index: &Index, text: &str, reps: usize) -> (Duration, Duration, Duration) {
    let mut per_key: Vec<Duration> = Vec::new();
    let mut worst_key = (Duration::ZERO, "");
    for _ in 0..reps {
        for end in 1..=text.len() {
            let t = Instant::now();
            black_box(index.search_counted(&text[..end], 500));
            let d = t.elapsed();
            if d > worst_key.0 {
                worst_key = (d, &text[..end]);
            }
            per_key.push(d);
        }
    }
    eprintln!("scale: the slowest key made {:?}", worst_key.1);
    per_key.sort();
    let median = per_key[per_key.len() / 2];
    let p99 = per_key[per_key.len() * 99 / 100];
    (median, p99, worst_key.0)
}

fn bench(c: &mut Criterion) {
    let ten = corpus(10_000);
    c.bench_function("scale: index build, 10k entries", |b| {
        b.iter(|| black_box(Index::new(black_box(&ten))))
    });
    let index10 = Index::new(&ten);
    let (m, p99, w) = typing(&index10, "connection refused", 20);
    eprintln!(
        "scale: typing 'connection refused' at 10k: median key {m:?}, p99 {p99:?}, worst key {w:?}"
    );
    c.bench_function("scale: pasted 150-char line, 10k entries", |b| {
        b.iter(|| black_box(index10.search_counted(black_box(PASTED), 500)))
    });
    drop(index10);
    drop(ten);

    let hundred = corpus(100_000);
    let t = Instant::now();
    let index100 = Index::new(&hundred);
    eprintln!("scale: index build at 100k: {:?}", t.elapsed());
    let (m, p99, w) = typing(&index100, "connection refused", 5);
    eprintln!(
        "scale: typing 'connection refused' at 100k: median key {m:?}, p99 {p99:?}, worst key {w:?}"
    );
    c.bench_function("scale: pasted 150-char line, 100k entries", |b| {
        b.iter(|| black_box(index100.search_counted(black_box(PASTED), 500)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
