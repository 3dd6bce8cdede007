//! The text of each pane, wrapped to a width. Shared by the views (to draw) and by
//! `update` (to clamp scrolling), so both always agree on how long a pane is.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::wrap;
use crate::kb::Entry;
use crate::tui::state::Pane;
use crate::{present, text};

/// Display lines of one snippet shown in the pane; the rest is summarised (a copy still
/// takes the whole snippet). Keeps every key fast on entries at the size limits.
pub const SNIPPET_PREVIEW: usize = 60;

/// A pane's wrapped lines, and where each item starts (for keeping a pick in view).
#[derive(Debug, Clone, Default)]
pub struct PaneText {
    /// The lines, already wrapped to the width asked for.
    pub lines: Vec<Line<'static>>,
    /// Line index at which each item (workaround, dead end) starts.
    pub anchors: Vec<usize>,
}

fn prose(
    out: &mut Vec<Line<'static>>,
    s: &str,
    width: usize,
    indent: &str,
    style: ratatui::style::Style,
) {
    let avail = width.saturating_sub(wrap::width(indent)).max(1);
    for l in wrap::words(&text::block(s), avail) {
        out.push(Line::from(vec![
            Span::raw(indent.to_string()),
            Span::styled(l, style),
        ]));
    }
}

/// A heading whose wrapped lines hang under its text, after a `lead` like "▶ 1. ".
fn hanging(
    out: &mut Vec<Line<'static>>,
    lead: &str,
    s: &str,
    width: usize,
    style: ratatui::style::Style,
) {
    let lead_w = wrap::width(lead);
    let lines = wrap::words(&text::inline(s), width.saturating_sub(lead_w).max(1));
    for (i, l) in lines.into_iter().enumerate() {
        let first = if i == 0 {
            lead.to_string()
        } else {
            " ".repeat(lead_w)
        };
        out.push(Line::from(vec![
            Span::styled(first, style),
            Span::styled(l, style),
        ]));
    }
}

/// Build the lines of `pane` for `entry` at `width` cells. `picked` marks a workaround.
pub fn pane_text(entry: &Entry, pane: Pane, width: usize, theme: Theme, picked: usize) -> PaneText {
    let width = width.max(8);
    let mut t = PaneText::default();
    match pane {
        Pane::RootCause => prose(&mut t.lines, &entry.root_cause, width, "", theme.text()),
        Pane::Versions => versions(&mut t, entry, width, theme),
        Pane::Workarounds => workarounds(&mut t, entry, width, theme, picked),
        Pane::DeadEnds => {
            if entry.dead_ends.is_empty() {
                t.lines
                    .push(Line::styled("No dead ends recorded.", theme.dim()));
            }
            for d in &entry.dead_ends {
                t.anchors.push(t.lines.len());
                let mut head = d.title.clone();
                if let Some(r) = &d.fail_rate {
                    head.push_str(&format!(" ({})", present::rate(r, "fail")));
                }
                hanging(&mut t.lines, "✗ ", &head, width, theme.bad());
                prose(&mut t.lines, &d.why, width, "  ", theme.text());
            }
        }
    }
    t
}

fn versions(t: &mut PaneText, entry: &Entry, width: usize, theme: Theme) {
    let Some(table) = present::version_table(entry) else {
        t.lines.push(Line::styled(
            "No version-specific behaviour recorded.",
            theme.dim(),
        ));
        return;
    };
    if table.iter().all(|l| wrap::width(l) <= width) {
        for (i, l) in table.into_iter().enumerate() {
            let style = if i == 0 {
                theme.heading()
            } else {
                theme.text()
            };
            t.lines.push(Line::styled(l, style));
        }
    } else {
        // Too narrow for columns: one row per line, labelled.
        for v in &entry.versions {
            let s = format!(
                "{} — {}; introduced {}; deprecated {}",
                v.version,
                v.status.as_str(),
                v.introduced.as_deref().unwrap_or("—"),
                v.deprecated.as_deref().unwrap_or("—")
            );
            prose(&mut t.lines, &s, width, "", theme.text());
        }
    }
    for r in present::ranges(entry) {
        prose(&mut t.lines, &r, width, "", theme.dim());
    }
}

fn workarounds(t: &mut PaneText, entry: &Entry, width: usize, theme: Theme, picked: usize) {
    if entry.workarounds.is_empty() {
        t.lines
            .push(Line::styled("No workarounds recorded.", theme.dim()));
        return;
    }
    for (i, w) in entry.workarounds.iter().enumerate() {
        if i > 0 {
            t.lines.push(Line::raw(""));
        }
        t.anchors.push(t.lines.len());
        let rate = w
            .success_rate
            .as_ref()
            .map_or("unrated".to_string(), |r| present::rate(r, "success"));
        let marker = if i == picked { "▶" } else { " " };
        let lead = format!("{marker} {}. ", i + 1);
        let style = if i == picked {
            theme.selected()
        } else {
            theme.heading()
        };
        hanging(
            &mut t.lines,
            &lead,
            &format!("{} ({rate})", w.title),
            width,
            style,
        );
        if let Some(c) = &w.condition {
            prose(
                &mut t.lines,
                &format!("when: {c}"),
                width,
                "   ",
                theme.dim(),
            );
        }
        if let Some(c) = &w.tradeoff {
            prose(
                &mut t.lines,
                &format!("tradeoff: {c}"),
                width,
                "   ",
                theme.dim(),
            );
        }
        if let Some(s) = &w.snippet {
            let lang = text::inline(&s.language);
            t.lines
                .push(Line::styled(format!("   ┌─ {lang}"), theme.dim()));
            let avail = width.saturating_sub(5).max(1);
            let code = s.code.trim_end_matches('\n');
            let mut shown = 0;
            let mut lines = code.split('\n');
            for line in lines.by_ref() {
                // Cut before escaping and wrapping: only what fits in the preview is shaped.
                let room = (SNIPPET_PREVIEW - shown) * avail;
                let cut: String = line.chars().take(room).collect();
                for piece in wrap::hard(&text::block(&cut), avail) {
                    if shown == SNIPPET_PREVIEW {
                        break;
                    }
                    shown += 1;
                    t.lines.push(Line::from(vec![
                        Span::styled("   │ ", theme.dim()),
                        Span::styled(piece, theme.code()),
                    ]));
                }
                if shown == SNIPPET_PREVIEW {
                    break;
                }
            }
            let rest = lines.count();
            if shown == SNIPPET_PREVIEW && (rest > 0 || code.len() > SNIPPET_PREVIEW * avail) {
                t.lines.push(Line::styled(
                    format!("   │ … {rest} more lines, and long lines cut (copying takes the whole snippet)"),
                    theme.dim(),
                ));
            }
            t.lines.push(Line::styled("   └─", theme.dim()));
        } else {
            t.lines.push(Line::styled("   (no snippet)", theme.dim()));
        }
    }
}
