//! Plain-text pieces of an entry shared by `errdex show` and the explorer, so both say the
//! same thing the same way. Every string returned here is already escaped for a terminal.

use crate::kb::Entry;
use crate::kb::entry::{Evidence, Rate};
use crate::text;

/// `80% success, estimated`.
pub fn rate(r: &Rate, what: &str) -> String {
    format!("{}% {what}, {}", r.percent(), r.basis.as_str())
}

/// The facts line: `id · domain · category · reviewed · 4/4 wordings backed · fix rate 76%
/// (estimated)`.
pub fn facts(e: &Entry) -> String {
    let mut s = format!(
        "{} · {} · {} · {} · {}",
        e.id,
        text::inline(&e.domain),
        text::inline(&e.category),
        e.verification.as_str(),
        backing(e)
    );
    if let Some(r) = &e.fix_rate {
        s.push_str(&format!(
            " · fix rate {}% ({})",
            r.percent(),
            r.basis.as_str()
        ));
    }
    s
}

/// `4/4 wordings backed`: how many of the title and aliases have evidence.
pub fn backing(e: &Entry) -> String {
    let (backed, total) = e.wordings_backed();
    let noun = if total == 1 { "wording" } else { "wordings" };
    format!("{backed}/{total} {noun} backed")
}

/// One evidence item as lines: `source: <url>` with its note, then the wording it backs.
pub fn evidence_lines(ev: &Evidence) -> (String, String) {
    let mut head = ev.kind.as_str().to_string();
    if let Some(src) = &ev.source {
        head.push_str(": ");
        head.push_str(&text::inline(src));
    }
    if let Some(note) = &ev.note {
        head.push_str(if ev.source.is_some() { " — " } else { ": " });
        head.push_str(&text::inline(note));
    }
    (head, format!("“{}”", text::inline(&ev.wording)))
}

/// The version table as padded lines, header first; None when the entry has no rows.
/// Widths count terminal cells.
pub fn version_table(e: &Entry) -> Option<Vec<String>> {
    if e.versions.is_empty() {
        return None;
    }
    let dash = |o: &Option<String>| {
        o.as_deref()
            .map_or("—".to_string(), |s| text::inline(s).into_owned())
    };
    let header = ["Version", "Status", "Introduced", "Deprecated"].map(String::from);
    let rows: Vec<[String; 4]> = std::iter::once(header)
        .chain(e.versions.iter().map(|v| {
            [
                text::inline(&v.version).into_owned(),
                v.status.as_str().to_string(),
                dash(&v.introduced),
                dash(&v.deprecated),
            ]
        }))
        .collect();
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let widths: Vec<usize> = (0..4)
        .map(|i| rows.iter().map(|r| width(&r[i])).max().unwrap_or(0))
        .collect();
    Some(
        rows.iter()
            .map(|r| {
                r.iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c}{}", " ".repeat(w - width(c))))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            })
            .collect(),
    )
}

/// `range of grpc-go: >=1.42, <1.63` for each row that has a range.
pub fn ranges(e: &Entry) -> Vec<String> {
    e.versions
        .iter()
        .filter_map(|v| {
            let range = v.range.as_deref()?;
            let of = v.package.as_deref().unwrap_or(&v.version);
            Some(format!(
                "range of {}: {}",
                text::inline(of),
                text::inline(range)
            ))
        })
        .collect()
}
