//! Any text as a query: parsing, normalising and searching a small index never panic.
#![no_main]

use std::sync::LazyLock;

use errdex::kb::search::Index;
use libfuzzer_sys::fuzz_target;

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let entries: Vec<_> = errdex::kb::load::bundled().into_iter().map(|l| l.entry).collect();
    Index::new(&entries)
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = errdex::kb::search::query::parse(&text);
    let _ = errdex::kb::search::normalize::normalize(&text);
    let _ = INDEX.search_counted(&text, 20);
});
