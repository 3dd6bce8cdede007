//! In-process speed of loading and searching the bundled corpus.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use errdex::kb::load;
use errdex::kb::search::Index;

const PASTED: &str = "2026-11-24T10:32:11.004Z ERROR [api-7d9f8c6b5-x2x9q] rpc error: code = Unavailable desc = error reading from server: read tcp 10.1.2.3:44412->10.2.3.4:50051: read: connection reset by peer";

fn bench(c: &mut Criterion) {
    c.bench_function("bundled: decode", |b| b.iter(|| black_box(load::bundled())));
    let entries: Vec<_> = load::bundled().into_iter().map(|l| l.entry).collect();
    c.bench_function("bundled: index build", |b| {
        b.iter(|| black_box(Index::new(black_box(&entries))))
    });
    let index = Index::new(&entries);
    c.bench_function("bundled: typed query", |b| {
        b.iter(|| black_box(index.search(black_box("connection refused"), 50)))
    });
    c.bench_function("bundled: pasted log line", |b| {
        b.iter(|| black_box(index.search(black_box(PASTED), 50)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
