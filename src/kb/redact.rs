//! Making a pasted error fit to share: addresses, host names and ids become placeholders
//! (`<ip>`, `<host>`, `<id>`), so a message posted to an incident channel or written into
//! a new entry says what went wrong without saying where. Unlike search's masking, the
//! text stays readable: case, words and punctuation are kept.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::search::normalize;

fn re(p: &str) -> Regex {
    // Fixed patterns written here; the tests compile every one of them.
    Regex::new(p).unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
}

/// Top-level domains that mark a two-label name as a host (`api.example.com` has three
/// labels and needs none).
const HOST_TLDS: &[&str] = &[
    "com", "net", "org", "io", "dev", "cloud", "internal", "local", "lan", "corp", "svc", "app",
];

/// Replacements, in order: (pattern, what to do with a match).
static RULES: LazyLock<Vec<(Regex, Rule)>> = LazyLock::new(|| {
    vec![
        // user@host and e-mail addresses
        (
            re(r"\b[\w.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\b"),
            Rule::Fixed("<user>@<host>"),
        ),
        // URLs: keep the scheme and the path, mask credentials and the host
        (
            re(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/\s@]+@)?([^/\s:]+)(:\d+)?"),
            Rule::Url,
        ),
        // UUIDs
        (
            re(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
            Rule::Fixed("<uuid>"),
        ),
        // key=value and key: value ids, hosts and nodes
        (
            re(
                r#"(?i)\b([\w-]*(?:id|host|hostname|node|pod|instance|user|account)[=:]\s*"?)([^\s",;)\]}]+)"#,
            ),
            Rule::KeyValue,
        ),
        // syslog host: `Nov 24 10:32:11 web-1 sshd[812]:`
        (
            re(r"(?m)^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} )([\w.-]+)"),
            Rule::Second("<host>"),
        ),
        // IPv4 with an optional port; IPv6, bracketed or bare, with an optional port
        (re(r"\b\d{1,3}(\.\d{1,3}){3}\b"), Rule::Fixed("<ip>")),
        (
            re(
                r"(?i)\[[0-9a-f:]*:[0-9a-f:.]*\]|\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*::(?:[0-9a-f]{1,4}:)*[0-9a-f]{1,4}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b|(?:^|\s)::1\b",
            ),
            Rule::Ipv6,
        ),
        // Kubernetes pod names: api-7d9f8b6c5-x2x9q → api-<pod>
        (
            re(r"\b([a-z][a-z0-9-]*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b"),
            Rule::Pod,
        ),
        // dotted host names (lowercase labels); names followed by `/` are package paths
        (
            re(r"\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\b/?"),
            Rule::Host,
        ),
        // long hex runs with digits and letters: container ids, hashes, 0x addresses
        (
            re(r"(?i)\b0x[0-9a-f]{6,}\b|\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b"),
            Rule::Hex,
        ),
    ]
});

#[derive(Debug, Clone, Copy)]
enum Rule {
    Fixed(&'static str),
    Second(&'static str),
    Url,
    KeyValue,
    Ipv6,
    Pod,
    Host,
    Hex,
}

fn looks_like_host(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    if labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return false; // a version number: 1.22.3
    }
    if labels.iter().any(|l| l.chars().all(|c| c.is_ascii_digit())) && labels.len() < 4 {
        return false; // go1.22.3, v1.2 and file names like app.2024.log stay
    }
    let tld = labels.last().copied().unwrap_or("");
    labels.len() >= 3 || HOST_TLDS.contains(&tld)
}

fn apply(rule: Rule, c: &Captures<'_>) -> String {
    let all = &c[0];
    match rule {
        Rule::Fixed(s) => s.to_string(),
        Rule::Second(s) => format!("{}{s}", &c[1]),
        Rule::Url => {
            let port = c.get(4).map_or("", |m| m.as_str());
            let port = if port.is_empty() { "" } else { ":<port>" };
            format!("{}<host>{port}", &c[1])
        }
        Rule::KeyValue => {
            let value = &c[2];
            if value.starts_with('<') {
                all.to_string() // already masked by an earlier rule
            } else {
                let key = c[1].to_ascii_lowercase();
                let what = if key.contains("host") || key.contains("node") {
                    "<host>"
                } else if key.contains("user") || key.contains("account") {
                    "<user>"
                } else {
                    "<id>"
                };
                format!("{}{what}", &c[1])
            }
        }
        Rule::Ipv6 => {
            // Keep a leading blank a bare `::1` match took with it.
            let lead = if all.starts_with(char::is_whitespace) {
                &all[..1]
            } else {
                ""
            };
            format!("{lead}<ip>")
        }
        Rule::Pod => format!("{}-<pod>", &c[1]),
        Rule::Host => {
            if all.ends_with('/') || !looks_like_host(all) {
                all.to_string()
            } else {
                "<host>".to_string()
            }
        }
        Rule::Hex => {
            let digits = all.trim_start_matches("0x").trim_start_matches("0X");
            if digits.len() >= 8 {
                "<hex>".to_string()
            } else {
                all.to_string()
            }
        }
    }
}

/// Replace addresses, host names and ids in `text` with placeholders.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    for (pattern, rule) in RULES.iter() {
        out = pattern
            .replace_all(&out, |c: &Captures<'_>| apply(*rule, c))
            .into_owned();
    }
    out
}

/// Log-line prefixes that say when and how loud, not what: timestamps, levels.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w./-]+:\d+\]\s*|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|\s?[+-]\d{2}:?\d{2})?\s*|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}\s+(?:[\w.-]+\s+)?|\[?(?:trace|debug|info|notice|warn|warning|error|err|fatal|crit|critical)\]?:?\s+|level=\w+\s*|\[[^\]]{1,40}\]\s*)+",
    )
});

/// The error message in a pasted text: the line that carries the error (JSON unwrapped),
/// without its timestamp and level, with addresses and ids replaced. Empty when the text
/// holds nothing but blanks.
pub fn message(pasted: &str) -> String {
    let n = normalize::normalize(pasted);
    // JSON lines come unwrapped as well; a trace's header says nothing of the error.
    let useful = |raw: &str| {
        let t = raw.trim();
        let json = t.starts_with('{') && t.ends_with('}');
        !json && !t.starts_with("Traceback (most recent")
    };
    // The heaviest line; among equals the last (a trace's last line is its exception).
    let best = n
        .lines
        .iter()
        .filter(|l| useful(&l.raw))
        .max_by(|a, b| a.weight.total_cmp(&b.weight))
        .or_else(|| n.lines.first())
        .map_or("", |l| l.raw.as_str());
    let line = PREFIX.replace(best.trim(), "");
    let redacted = redact(line.trim());
    // Placeholders left at the start are the log's own fields (pod, host), not the message.
    let words: Vec<&str> = redacted
        .split_whitespace()
        .skip_while(|w| w.contains('<') && w.contains('>'))
        .collect();
    words.join(" ").chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        for (r, _) in RULES.iter() {
            assert_ne!(r.as_str(), "$^");
        }
        assert_ne!(PREFIX.as_str(), "$^");
    }

    #[test]
    fn addresses_hosts_and_ids_become_placeholders() {
        let line = "2026-11-24T10:32:11Z ERROR api-7d9f8b6c5-x2x9q request_id=9f3a2c1d88 \
                    dial tcp 10.0.3.7:5432 via db-primary.prod.internal: connection refused";
        let r = redact(line);
        assert!(r.contains("api-<pod>"), "{r}");
        assert!(r.contains("request_id=<id>"), "{r}");
        assert!(r.contains("<ip>:5432"), "{r}");
        assert!(r.contains("via <host>:"), "{r}");
        assert!(r.contains("connection refused"), "{r}");
        for secret in ["10.0.3.7", "x2x9q", "9f3a2c1d88", "db-primary"] {
            assert!(!r.contains(secret), "{secret} left in {r}");
        }
    }

    #[test]
    fn ipv6_urls_users_and_uuids() {
        let r = redact(
            "connect to [2001:db8::1]:443 and fe80::1ff:fe23:4567:890a failed for \
             https://admin:pw@api.example.com:8443/v1/items by ops@example.org \
             trace 123e4567-e89b-12d3-a456-426614174000 from ::1",
        );
        assert!(r.contains("connect to <ip>:443"), "{r}");
        assert!(r.contains("and <ip> failed"), "{r}");
        assert!(r.contains("https://<host>:<port>/v1/items"), "{r}");
        assert!(r.contains("<user>@<host>"), "{r}");
        assert!(r.contains("trace <uuid>"), "{r}");
        assert!(r.contains("from <ip>"), "{r}");
        assert!(!r.contains("pw@"), "{r}");
    }

    #[test]
    fn code_names_versions_and_package_paths_stay() {
        let text = "java.lang.NullPointerException in go1.22.3 at google.golang.org/grpc \
                    v1.62.1 index.js:12 HTTP/1.1 Errno 111";
        assert_eq!(redact(text), text);
    }

    #[test]
    fn syslog_hosts_and_key_value_hosts() {
        let r = redact("Nov 24 10:32:11 web-1 sshd[812]: error: host=db02 user=alice denied");
        assert!(r.starts_with("Nov 24 10:32:11 <host> sshd[812]"), "{r}");
        assert!(r.contains("host=<host>"), "{r}");
        assert!(r.contains("user=<user>"), "{r}");
    }

    #[test]
    fn message_takes_the_error_line_without_time_and_level() {
        let pasted = "2026-11-24T10:32:11.004Z ERROR [api-7d9f8b6c5-x2x9q] rpc error: code = \
                      Unavailable desc = connection reset by peer (10.2.0.4:50051)";
        assert_eq!(
            message(pasted),
            "rpc error: code = Unavailable desc = connection reset by peer (<ip>:50051)"
        );
        let json = r#"{"ts":"2026-11-24T10:32:11Z","level":"error","msg":"x509: certificate signed by unknown authority"}"#;
        assert_eq!(
            message(json),
            "x509: certificate signed by unknown authority"
        );
        let trace = "Traceback (most recent call last):\n  File \"/srv/app.py\", line 3, in <module>\n    import requests\nModuleNotFoundError: No module named 'requests'\n";
        assert_eq!(
            message(trace),
            "ModuleNotFoundError: No module named 'requests'"
        );
        assert_eq!(message("   \n "), "");
    }
}
