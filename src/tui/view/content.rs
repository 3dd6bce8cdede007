//! The text of each pane, wrapped to a width. Shared by the views (to draw) and by
//! `update` (to clamp scrolling), so both always agree on how long a pane is.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::wrap;
use crate::kb::Entry;
use crate::kb::fit;
use crate::tui::state::{Pane, State};
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

/// Build the lines of `pane` for `entry` at `width` cells, with the picks, versions and
/// outcomes the state holds.
pub fn pane_text(s: &State, entry: &Entry, pane: Pane, width: usize) -> PaneText {
    let width = width.max(8);
    let theme = Theme { color: s.color };
    let mut t = PaneText::default();
    match pane {
        Pane::RootCause => prose(&mut t.lines, &entry.root_cause, width, "", theme.text()),
        Pane::Versions => versions(&mut t, s, entry, width, theme),
        Pane::Workarounds => workarounds(&mut t, s, entry, width, theme),
        Pane::Related => related(&mut t, s, entry, width, theme),
        Pane::Evidence => evidence(&mut t, entry, width, theme),
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

fn versions(t: &mut PaneText, s: &State, entry: &Entry, width: usize, theme: Theme) {
    if let Some(about) = s.selected_fit().and_then(|f| f.describe()) {
        let style = if s.selected_fit().is_some_and(|f| f.not_yours()) {
            theme.bad()
        } else {
            theme.good()
        };
        prose(&mut t.lines, &about, width, "", style);
    }
    let Some(table) = present::version_table(entry) else {
        t.lines.push(Line::styled(
            "No version-specific behaviour recorded.",
            theme.dim(),
        ));
        return;
    };
    // Which rows hold the user's version: marked `▶` and named "yours".
    let holds: Vec<bool> = entry
        .versions
        .iter()
        .map(|r| fit::row_holds(r, s.versions.as_ref()) == Some(true))
        .collect();
    let mark = |i: usize| if holds[i] { "▶ " } else { "  " };
    let any = holds.iter().any(|h| *h);
    if table
        .iter()
        .all(|l| wrap::width(l) + 2 * usize::from(any) <= width)
    {
        for (i, l) in table.into_iter().enumerate() {
            let (lead, style) = match i {
                0 => ("  ", theme.heading()),
                _ if holds[i - 1] => ("▶ ", theme.selected()),
                _ => (mark(i - 1), theme.text()),
            };
            let lead = if any { lead } else { "" };
            t.lines.push(Line::styled(format!("{lead}{l}"), style));
        }
    } else {
        // Too narrow for columns: one row per line, labelled.
        for (i, v) in entry.versions.iter().enumerate() {
            let line = format!(
                "{}{} — {}; introduced {}; deprecated {}{}",
                if any { mark(i) } else { "" },
                v.version,
                v.status.as_str(),
                v.introduced.as_deref().unwrap_or("—"),
                v.deprecated.as_deref().unwrap_or("—"),
                if holds[i] { " (yours)" } else { "" }
            );
            let style = if holds[i] {
                theme.selected()
            } else {
                theme.text()
            };
            prose(&mut t.lines, &line, width, "", style);
        }
    }
    for r in present::ranges(entry) {
        prose(&mut t.lines, &r, width, "", theme.dim());
    }
}

fn related(t: &mut PaneText, s: &State, entry: &Entry, width: usize, theme: Theme) {
    if entry.related.is_empty() {
        t.lines
            .push(Line::styled("No related entries recorded.", theme.dim()));
        return;
    }
    for (i, id) in entry.related.iter().enumerate() {
        t.anchors.push(t.lines.len());
        let picked = i == s.entry.related;
        let lead = if picked { "▶ " } else { "  " };
        match s.by_id.get(id).and_then(|&d| s.entries.get(d)) {
            Some(e) => {
                let style = if picked {
                    theme.selected()
                } else {
                    theme.text()
                };
                hanging(&mut t.lines, lead, &e.title, width, style);
                prose(&mut t.lines, &e.id, width, "  ", theme.dim());
            }
            None => {
                let style = if picked {
                    theme.selected()
                } else {
                    theme.dim()
                };
                hanging(
                    &mut t.lines,
                    lead,
                    &format!("{id} (not loaded)"),
                    width,
                    style,
                );
            }
        }
    }
}

fn evidence(t: &mut PaneText, entry: &Entry, width: usize, theme: Theme) {
    let (backed, total) = entry.wordings_backed();
    let unbacked: Vec<&str> = entry
        .wordings()
        .filter(|w| !entry.evidence.iter().any(|e| e.wording == *w))
        .collect();
    if entry.evidence.is_empty() {
        t.lines.push(Line::styled(
            "No evidence recorded: no wording of this entry is backed by a source line, a run, docs or a report.",
            theme.dim(),
        ));
    } else {
        let style = if backed == total {
            theme.good()
        } else {
            theme.bad()
        };
        prose(&mut t.lines, &present::backing(entry), width, "", style);
    }
    for ev in &entry.evidence {
        t.anchors.push(t.lines.len());
        let (head, wording) = present::evidence_lines(ev);
        hanging(&mut t.lines, "• ", &head, width, theme.heading());
        prose(&mut t.lines, &wording, width, "  ", theme.text());
    }
    if !entry.evidence.is_empty() {
        for w in unbacked {
            hanging(
                &mut t.lines,
                "? ",
                &format!("not backed: “{w}”"),
                width,
                theme.dim(),
            );
        }
    }
}

fn workarounds(t: &mut PaneText, s: &State, entry: &Entry, width: usize, theme: Theme) {
    let picked = s.entry.workaround;
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
        let mut rate = w
            .success_rate
            .as_ref()
            .map_or("unrated".to_string(), |r| present::rate(r, "success"));
        if let Some(tally) = s.tally(&entry.id, &w.title) {
            rate.push_str(&format!("; {}", tally.describe()));
        }
        let excluded = fit::workaround_excluded(w, s.versions.as_ref());
        let marker = if i == picked { "▶" } else { " " };
        let lead = format!("{marker} {}. ", i + 1);
        let style = match (i == picked, excluded.is_some()) {
            (true, _) => theme.selected(),
            (false, true) => theme.dim(),
            (false, false) => theme.heading(),
        };
        hanging(
            &mut t.lines,
            &lead,
            &format!("{} ({rate})", w.title),
            width,
            style,
        );
        if let Some(why) = &excluded {
            prose(
                &mut t.lines,
                &format!("not for your version: {why}"),
                width,
                "   ",
                theme.bad(),
            );
        }
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
