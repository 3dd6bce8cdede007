//! The result list: domain tag and title, matched characters highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::wrap;
use crate::kb::search::Confidence;
use crate::text;
use crate::tui::state::{Focus, State};

/// Draw the list into `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let focused = state.focus == Focus::List;
    if state.findings_shown() {
        return findings(frame, area, state, theme);
    }
    let block = if state.weak_only() {
        theme.block(focused).title(Span::styled(
            " No entry matches this error — closest: ",
            theme.bad(),
        ))
    } else {
        theme.block(focused).title(" Results ")
    };
    let labels = state.labels_shown();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let r = &state.results;
    if r.hits.is_empty() {
        let msg = if state.entries.is_empty() {
            "No entries loaded. See `errdex paths` and `errdex lint`."
        } else if r.pending() {
            "Searching…"
        } else {
            "No match. Try fewer words, or paste the whole error line."
        };
        return note(frame, inner, msg, theme);
    }
    let tag_w = 12.min(inner.width as usize / 4);
    let mut lines = Vec::new();
    for (i, hit) in r
        .hits
        .iter()
        .enumerate()
        .skip(r.offset)
        .take(inner.height as usize)
    {
        let Some(e) = state.entries.get(hit.doc) else {
            continue;
        };
        let selected = i == r.selected;
        // Weak hits of a pasted error are only the closest entries: shown dimmed.
        let weak = labels && hit.confidence == Confidence::Weak;
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, theme.text()),
            Span::styled(domain_cell(&e.domain, tag_w), theme.domain()),
        ];
        let not_yours = state.fits.get(hit.doc).is_some_and(|f| f.not_yours());
        let full_room = (inner.width as usize).saturating_sub(3 + tag_w);
        // Entries that do not concern the user's version say so, at the end of the row.
        let mark = match not_yours {
            false => "",
            true if full_room >= 40 => " [not your version]",
            true => " [not yours]",
        };
        let room = full_room.saturating_sub(wrap::width(mark));
        let escaped = text::inline(&e.title);
        // Match positions count characters of the raw title; they only hold when escaping
        // changed nothing.
        let clean = matches!(escaped, std::borrow::Cow::Borrowed(_));
        let title = wrap::truncate(&escaped, room);
        let mut run = String::new();
        let mut run_hit = false;
        for (ci, c) in title.chars().enumerate() {
            let is_hit = !weak && clean && hit.title_matches.binary_search(&ci).is_ok();
            if is_hit != run_hit && !run.is_empty() {
                spans.push(styled_run(std::mem::take(&mut run), run_hit, weak, theme));
            }
            run_hit = is_hit;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(styled_run(run, run_hit, weak, theme));
        }
        if not_yours {
            spans.push(Span::styled(mark, theme.dim()));
        }
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A message in place of the rows (nothing found yet, nothing loaded), wrapped and dimmed.
fn note(frame: &mut Frame<'_>, inner: Rect, msg: &str, theme: Theme) {
    let lines: Vec<Line<'_>> = wrap::words(msg, inner.width as usize)
        .into_iter()
        .map(|l| Line::styled(l, theme.dim()))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The domain column: escaped, cut and padded to `width`, then one blank.
fn domain_cell(domain: &str, width: usize) -> String {
    let tag = wrap::truncate(&text::inline(domain), width);
    let pad = " ".repeat(width.saturating_sub(wrap::width(&tag)));
    format!("{tag}{pad} ")
}

fn styled_run(s: String, hit: bool, weak: bool, theme: Theme) -> Span<'static> {
    let style = if weak {
        theme.dim()
    } else if hit {
        theme.matched()
    } else {
        theme.text()
    };
    Span::styled(s, style)
}

/// The followed log's known errors: count, when last seen, the last two minutes as a
/// sparkline, domain and title.
fn findings(frame: &mut Frame<'_>, area: Rect, state: &State, theme: Theme) {
    let Some(log) = state.log.as_ref() else {
        return;
    };
    let focused = state.focus == Focus::List;
    let order = if log.by_count {
        "by count"
    } else {
        "latest first"
    };
    let heading = format!(
        " {}: {} known error{} · {order} (^T) ",
        text::inline(&log.name),
        log.rows.len(),
        if log.rows.len() == 1 { "" } else { "s" }
    );
    let block = theme.block(focused).title(heading);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let r = &state.results;
    if r.hits.is_empty() {
        let msg = if log.open {
            format!(
                "Following {}: no known error in the {} line{} read so far. New lines are \
                 matched as they arrive; type to search every entry.",
                text::inline(&log.name),
                log.lines,
                if log.lines == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{} ended: no known error in its {} line{}. Type to search every entry.",
                text::inline(&log.name),
                log.lines,
                if log.lines == 1 { "" } else { "s" }
            )
        };
        return note(frame, inner, &msg, theme);
    }
    let now = std::time::SystemTime::now();
    let width = inner.width as usize;
    // Count, age and sparkline go when the list is narrow, the title never.
    let spark = width >= 60;
    let tag_w = 10.min(width / 5);
    let mut lines = Vec::new();
    for (i, hit) in r
        .hits
        .iter()
        .enumerate()
        .skip(r.offset)
        .take(inner.height as usize)
    {
        let (Some(e), Some(t)) = (state.entries.get(hit.doc), log.rows.get(i)) else {
            continue;
        };
        let selected = i == r.selected;
        let count = format!("{:>6}× ", compact(t.count));
        let age = format!("{:>4} ", ago(now, t.last_seen));
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, theme.text()),
            Span::styled(count.clone(), theme.heading()),
            Span::styled(age.clone(), theme.dim()),
        ];
        let mut used = 2 + wrap::width(&count) + wrap::width(&age);
        if spark {
            let s = sparkline(&t.recent(now));
            used += wrap::width(&s) + 1;
            spans.push(Span::styled(format!("{s} "), theme.good()));
        }
        used += tag_w + 1;
        spans.push(Span::styled(domain_cell(&e.domain, tag_w), theme.domain()));
        let title = wrap::truncate(&text::inline(&e.title), width.saturating_sub(used));
        spans.push(Span::styled(title, theme.text()));
        let mut line = Line::from(spans);
        if selected {
            line = line.style(theme.selected());
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// 1234 → "1234", 12345 → "12.3k", 1234567 → "1.2M".
fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// How long ago `then` was, in the largest whole unit: "now", "42s", "5m", "3h", "2d".
fn ago(now: std::time::SystemTime, then: std::time::SystemTime) -> String {
    let s = now.duration_since(then).map_or(0, |d| d.as_secs());
    match s {
        0 => "now".into(),
        1..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Counts as bars, scaled to the largest; an empty window is a blank.
fn sparkline(counts: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                BARS[((c * 8 - 1) / max).min(7) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ages_and_bars_are_short() {
        assert_eq!(compact(42), "42");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(2_500_000), "2.5M");
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(10_000);
        let at = |s| t + std::time::Duration::from_secs(s);
        assert_eq!(ago(t, t), "now");
        assert_eq!(ago(at(42), t), "42s");
        assert_eq!(ago(at(300), t), "5m");
        assert_eq!(ago(at(7200), t), "2h");
        // A clock that went back is "now", not a panic.
        assert_eq!(ago(t, at(5)), "now");
        assert_eq!(sparkline(&[0, 1, 4, 8]), " ▁▄█");
        assert_eq!(sparkline(&[0, 0]), "  ");
    }
}
