//! Wrapping text to a width in terminal cells (wide characters count twice).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Word-wrap prose: single line breaks (as YAML block text has) are reflowed, blank lines
/// separate paragraphs, words longer than the width are split. Empty input gives one empty
/// line.
pub fn words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let paragraphs: Vec<String> = text
        .trim_end_matches('\n')
        .split("\n\n")
        .map(|p| p.replace('\n', " "))
        .collect();
    for (i, para) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        let mut line = String::new();
        let mut line_w = 0;
        for word in para.split_whitespace() {
            let w = self::width(word);
            if line_w > 0 && line_w + 1 + w > width {
                out.push(std::mem::take(&mut line));
                line_w = 0;
            }
            if w > width {
                for piece in hard(word, width) {
                    if line_w > 0 {
                        out.push(std::mem::take(&mut line));
                    }
                    line_w = self::width(&piece);
                    line = piece;
                }
                continue;
            }
            if line_w > 0 {
                line.push(' ');
                line_w += 1;
            }
            line.push_str(word);
            line_w += w;
        }
        out.push(line);
    }
    out
}

/// Split a line into pieces of at most `width` cells, without regard for words.
pub fn hard(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for c in line.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if cur_w + w > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            cur_w = 0;
        }
        cur.push(c);
        cur_w += w;
    }
    out.push(cur);
    out
}

/// Cut a string to at most `width` cells, ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if self::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_splits_long_ones() {
        assert_eq!(words("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(words("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(words("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(words("one\ntwo three\n", 20), ["one two three"]);
        assert_eq!(words("", 5), [""]);
    }

    #[test]
    fn counts_wide_characters_twice() {
        assert_eq!(hard("日本語", 4), ["日本", "語"]);
        assert_eq!(truncate("日本語です", 5), "日本…");
    }
}
