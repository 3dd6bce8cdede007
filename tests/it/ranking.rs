//! Ranking follows the error's own words: the technology it names, the specific error
//! rather than the wrapper that reports it, a loose pattern never above a precise entry;
//! and confidence labels on every hit.

use errdex::kb::Entry;
use errdex::kb::search::{Confidence, Index};

use super::{bundled_entries, deadends_entries, errdex};

/// The ids of the top `k` hits.
fn top(entries: &[Entry], query: &str, k: usize) -> Vec<String> {
    Index::new(entries)
        .search(query, k)
        .into_iter()
        .map(|h| entries[h.doc].id.clone())
        .collect()
}

#[test]
fn the_technology_the_query_names_outranks_a_generic_pattern() {
    let entries = bundled_entries();
    let ids = top(&entries, "connection reset by peer grpc", 3);
    assert_eq!(ids[0], "grpc/grpc-connection-reset-by-peer", "{ids:?}");
    // Without the technology word the generic entry is the answer.
    let ids = top(&entries, "read: connection reset by peer", 1);
    assert_eq!(ids[0], "tcp/connection-reset-by-peer", "{ids:?}");
}

/// `cargo build` on a crate calling a generic function with a type that lacks the trait
/// (reproduced with cargo 1.95): the E0277 entry first, the "could not compile" summary
/// after it.
const CARGO_E0277: &str = r#"   Compiling e277 v0.1.0 (/tmp/e277)
error[E0277]: the trait bound `Bot: Greet` is not satisfied
 --> src/main.rs:4:18
  |
4 | fn main() { call(Bot); }
  |             ---- ^^^ unsatisfied trait bound
  |             |
  |             required by a bound introduced by this call
  |
help: the trait `Greet` is not implemented for `Bot`
 --> src/main.rs:2:1
  |
2 | struct Bot;
  | ^^^^^^^^^^
note: required by a bound in `call`
 --> src/main.rs:3:12
  |
3 | fn call<T: Greet>(t: T) { t.hi() }
  |            ^^^^^ required by this bound in `call`

For more information about this error, try `rustc --explain E0277`.
error: could not compile `e277` (bin "e277") due to 1 previous error
"#;

/// From a public report (github.com/camptocamp/ipahealthcheck_exporter/issues/5): the
/// restart limit is hit because the binary could not be executed.
const SYSTEMD_203: &str =
    " ipahealthcheck_exporter.service: Main process exited, code=exited, status=203/EXEC
 ipahealthcheck_exporter.service: Failed with result 'exit-code'.
 ipahealthcheck_exporter.service: Scheduled restart job, restart counter is at 5.
 Stopped Prometheus ipahealthcheck_exporter.
 ipahealthcheck_exporter.service: Start request repeated too quickly.
 ipahealthcheck_exporter.service: Failed with result 'exit-code'.
 Failed to start Prometheus ipahealthcheck_exporter.";

#[test]
fn the_specific_error_outranks_the_wrapper_that_reports_it() {
    let entries = bundled_entries();
    let ids = top(&entries, CARGO_E0277, 3);
    assert_eq!(ids[0], "rust/e0277-trait-bound-not-satisfied", "{ids:?}");
    assert!(
        ids.contains(&"cargo/could-not-compile".to_string()),
        "{ids:?}"
    );
    let ids = top(&entries, SYSTEMD_203, 3);
    assert_eq!(ids[0], "systemd/status-203-exec", "{ids:?}");
    assert!(
        ids.contains(&"systemd/start-request-repeated-too-quickly".to_string()),
        "{ids:?}"
    );
    // Alone, the wrapper line still finds its own entry.
    let ids = top(
        &entries,
        "error: could not compile `e277` (bin \"e277\") due to 1 previous error",
        1,
    );
    assert_eq!(ids[0], "cargo/could-not-compile");
}

#[test]
fn over_the_deadends_canons_cuda_out_of_memory_is_a_cuda_entry() {
    let Some(imported) = deadends_entries() else {
        eprintln!("skipped: ../shared/datasets/deadends-canons is absent");
        return;
    };
    // On the canons alone and with the bundled corpus added.
    let mut with_bundled = bundled_entries();
    with_bundled.extend(imported.iter().cloned());
    for entries in [imported, with_bundled] {
        let index = Index::new(&entries);
        let hits = index.search("CUDA error: out of memory", 3);
        let first = &entries[hits[0].doc];
        let about_cuda = |e: &Entry| {
            let text = format!("{} {} {}", e.id, e.title, e.tags.join(" ")).to_lowercase();
            text.contains("cuda")
        };
        assert!(
            about_cuda(first),
            "{} first; top 3 {:?}",
            first.id,
            hits.iter().map(|h| &entries[h.doc].id).collect::<Vec<_>>()
        );
    }
}

/// A gRPC peer sending a message the receiver's protobuf schema cannot read, which no entry
/// covers (from github.com/thought-machine/please/issues/1037). It shares many words with
/// the grpc entries, so it tests that sharing words is not enough for a label.
/// (runc's `init-p: broken pipe` served here until it got an entry of its own.)
const UNCOVERED: &str = "Failed to upload build action: rpc error: code = Internal desc = grpc: failed to unmarshal the received message proto: can't skip unknown wire type 7";

#[test]
fn labels_separate_an_exact_match_from_the_closest_entry() {
    let entries = bundled_entries();
    let index = Index::new(&entries);
    let exact = index.search(
        "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: FATAL:  sorry, too many clients already",
        1,
    );
    assert_eq!(exact[0].confidence, Confidence::Exact);
    // A real error no entry covers: the closest hits share words with it, and none of
    // them is more than weak.
    let weak = index.search(UNCOVERED, 5);
    assert!(!weak.is_empty());
    assert!(
        weak.iter().all(|h| h.confidence == Confidence::Weak),
        "{:?}",
        weak.iter()
            .map(|h| (&entries[h.doc].id, h.confidence))
            .collect::<Vec<_>>()
    );
}

#[test]
fn search_says_when_nothing_matches_and_exits_1() {
    let home = tempfile::tempdir().expect("temporary folder");
    let out = errdex(home.path())
        .args(["search", UNCOVERED])
        .output()
        .expect("run errdex");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no entry matches this error well"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().count() >= 1, "the closest are still listed");
    assert!(stdout.lines().all(|l| l.starts_with("weak ")), "{stdout}");

    let out = errdex(home.path())
        .args([
            "search",
            "--json",
            "FATAL:  sorry, too many clients already",
        ])
        .output()
        .expect("run errdex");
    assert_eq!(out.status.code(), Some(0));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert!(!hits.is_empty());
    for h in &hits {
        let c = h["confidence"]
            .as_str()
            .expect("every hit has a confidence");
        assert!(["exact", "likely", "weak"].contains(&c), "{c}");
    }
    assert_eq!(hits[0]["confidence"], "exact");
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}

fn entry(id: &str, title: &str, patterns: &[&str], root_cause: &str) -> Entry {
    Entry {
        id: id.into(),
        title: title.into(),
        domain: id.split('/').next().unwrap_or_default().into(),
        category: "runtime_error".into(),
        verification: errdex::kb::entry::Verification::Authored,
        fix_rate: None,
        aliases: vec![],
        patterns: patterns.iter().map(|p| p.to_string()).collect(),
        root_cause: root_cause.into(),
        versions: vec![],
        workarounds: vec![],
        dead_ends: vec![],
        related: vec![],
        references: vec![],
        evidence: vec![],
        tags: vec![],
        wrapper: false,
    }
}

/// A pattern that matches only a common phrase of a long line is weak evidence: an entry
/// that shares the line's rare words ranks above it.
#[test]
fn a_loose_pattern_does_not_beat_the_entry_with_the_rare_words() {
    let mut entries = vec![
        entry(
            "linux/operation-timed-out",
            "Operation timed out",
            &["(?i)timed out"],
            "A socket or a system call waited longer than its limit.",
        ),
        entry(
            "kubernetes/etcd-leader-lost",
            "etcdserver: request timed out, possibly due to previous leader failure",
            &[],
            "The etcd member lost its leader while the request was in flight; the raft \
             election must finish before etcdserver answers again.",
        ),
    ];
    for i in 0..30 {
        entries.push(entry(
            &format!("filler/f{i}"),
            &format!("unrelated failure number {i} in some request"),
            &[],
            "Nothing to do with the query.",
        ));
    }
    let ids = top(
        &entries,
        "Error from server: etcdserver: request timed out, possibly due to connection lost",
        2,
    );
    assert_eq!(ids[0], "kubernetes/etcd-leader-lost", "{ids:?}");
}

/// From a public report (github.com/aznamier/keycloak-event-listener-rabbitmq): the channel
/// close quotes many words of the "no queue" entry's alias, so on words alone that entry
/// scores more; the "no exchange" entry's pattern matches the line, and it goes first.
#[test]
fn an_exact_hit_goes_before_a_weak_one_that_shares_more_words() {
    let entries = bundled_entries();
    let line = "keycloak_1   | 09:01:52,367 ERROR [stderr] (default task-16) \
                com.rabbitmq.client.AlreadyClosedException: channel is already closed due to \
                channel error; protocol method: #method<channel.close>(reply-code=404, \
                reply-text=NOT_FOUND - no exchange 'registrations' in vhost '/', class-id=60, \
                method-id=40)";
    let index = Index::new(&entries);
    for limit in [1, 3] {
        let hits = index.search(line, limit);
        assert_eq!(hits.len(), limit);
        assert_eq!(entries[hits[0].doc].id, "rabbitmq/no-exchange-in-vhost");
        assert_eq!(hits[0].confidence, Confidence::Exact);
    }
    // The neighbour is still listed, below it, and still scores more on words alone; the
    // scores stay in rank order.
    let hits = index.search(line, 3);
    let queue = hits
        .iter()
        .find(|h| entries[h.doc].id == "rabbitmq/no-queue-in-vhost")
        .expect("the neighbour is in the top three");
    assert_eq!(queue.confidence, Confidence::Weak);
    assert!(queue.signals.words > hits[0].signals.words);
    assert!(
        hits.windows(2).all(|w| w[0].score >= w[1].score),
        "{hits:?}"
    );
}

/// Ran here against nginx 1.22.1 (the held-out case): the 429 page shares "body", "too" and
/// "nginx" with the 413 entry; the 429 entry's pattern matches, short of exact only because it
/// does not name nginx, and it goes first.
#[test]
fn a_likely_match_goes_before_a_weak_hit_too() {
    let entries = bundled_entries();
    let page = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n\
                <center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r";
    let hits = Index::new(&entries).search(page, 2);
    assert_eq!(entries[hits[0].doc].id, "http/429-too-many-requests");
    assert_eq!(hits[0].confidence, Confidence::Likely);
    assert_eq!(hits[1].confidence, Confidence::Weak);
}
