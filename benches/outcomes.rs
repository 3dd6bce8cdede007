//! The record of what worked at 10,000 records: reading and tallying the whole file, and
//! appending one record (synced to disk) to it.
//!
//! The files live in cargo's target tmp folder (on disk, so the fsync is real). The
//! 10,000-record file is left there as `outcomes-10k.jsonl` for timing the command:
//! `ERRDEX_OUTCOMES=target/tmp/outcomes-10k.jsonl errdex outcomes --json`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use errdex::kb::load;
use errdex::kb::outcomes::{self, Outcome};

const RECORDS: usize = 10_000;

/// `n` records over the bundled entries' real ids and workaround titles, a few hosts,
/// one every ten minutes, about one in four failed.
fn records(n: usize) -> Vec<Outcome> {
    let pairs: Vec<(String, String, usize)> = load::bundled()
        .into_iter()
        .flat_map(|l| {
            let id = l.entry.id.clone();
            l.entry
                .workarounds
                .into_iter()
                .enumerate()
                .map(move |(i, w)| (id.clone(), w.title, i + 1))
        })
        .collect();
    (0..n)
        .map(|i| {
            // Half the records land on a few popular workarounds, the rest anywhere.
            let pick = if i % 2 == 0 {
                (i * i + 7 * i) % pairs.len().min(400)
            } else {
                (i * 7919) % pairs.len()
            };
            let (entry, workaround, index) = &pairs[pick];
            Outcome {
                time: UNIX_EPOCH + Duration::from_secs(1_795_602_731 + 600 * i as u64),
                entry: entry.clone(),
                workaround: workaround.clone(),
                index: *index,
                worked: i % 4 != 0,
                query: format!(
                    "2026-11-24T10:32:11Z ERROR [api-{i:x}] rpc error: code = Unavailable \
                     desc = connection reset by peer"
                ),
                host: (i % 3 != 0).then(|| format!("host-{}", i % 7)),
            }
        })
        .collect()
}

/// Write `records` as an outcomes file in one go.
fn write_file(path: &Path, records: &[Outcome]) {
    let mut text = String::new();
    for r in records {
        text.push_str(&serde_json::to_string(r).expect("a record serialises"));
        text.push('\n');
    }
    std::fs::write(path, text).expect("write the outcomes file");
}

fn bench(c: &mut Criterion) {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&tmp).expect("target tmp folder");
    let recs = records(RECORDS);
    let read_path = tmp.join("outcomes-10k.jsonl");
    write_file(&read_path, &recs);
    let size = std::fs::metadata(&read_path).map_or(0, |m| m.len());
    let log = outcomes::read(&read_path).expect("reads");
    assert_eq!((log.records.len(), log.problems.len()), (RECORDS, 0));
    println!(
        "{} ({} KiB): {} workarounds with records",
        read_path.display(),
        size / 1024,
        log.tallies().len()
    );

    c.bench_function("outcomes: read + tally 10k records", |b| {
        b.iter(|| {
            let log = outcomes::read(black_box(&read_path)).expect("reads");
            black_box(log.tallies())
        })
    });

    c.bench_function("outcomes: tally 10k records (in memory)", |b| {
        b.iter(|| black_box(black_box(&log).tallies()))
    });

    let dir = tempfile::tempdir_in(&tmp).expect("temp folder on disk");
    let append_path = dir.path().join("outcomes.jsonl");
    write_file(&append_path, &recs);
    let one = Outcome::now(
        "grpc/grpc-connection-reset-by-peer",
        "Retry UNAVAILABLE on the client with a service-config retry policy",
        1,
        true,
        "14 UNAVAILABLE: read ECONNRESET",
        Some("bench".into()),
    );
    // Cut the file back to its 10,000 records before each append (not timed), so every
    // append is to the same file.
    let len = std::fs::metadata(&append_path).map_or(0, |m| m.len());
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&append_path)
        .expect("open");
    c.bench_function("outcomes: append 1 record to 10k (with fsync)", |b| {
        b.iter_batched(
            || file.set_len(len).expect("truncate back"),
            |()| outcomes::append(black_box(&append_path), black_box(&one)).expect("appends"),
            BatchSize::PerIteration,
        )
    });
    let log = outcomes::read(&append_path).expect("reads");
    assert_eq!((log.records.len(), log.problems.len()), (RECORDS + 1, 0));
}

criterion_group!(benches, bench);
criterion_main!(benches);
