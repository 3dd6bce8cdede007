//! Making untrusted entry text safe to print on a terminal.

use std::borrow::Cow;

/// Whether a character must not reach a terminal raw: C0/C1 controls, DEL, and the
/// bidirectional overrides that can make text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escape(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Escape every unsafe character, newlines and tabs included (for one-line contexts).
pub fn inline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Escape unsafe characters but keep newlines (and tabs, as four spaces) for multi-line text.
pub fn block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_unsafe(c) => escape(c, &mut out),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(inline("a\x1b[31mb"), "a\\x1b[31mb");
        assert_eq!(inline("x\ny"), "x\\ny");
        assert_eq!(block("x\ny\x07"), "x\ny\\x07");
        assert_eq!(inline("\u{202E}abc"), "\\u{202e}abc");
        assert!(matches!(inline("plain"), Cow::Borrowed(_)));
    }
}
