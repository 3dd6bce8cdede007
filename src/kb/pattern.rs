//! Compiling entry patterns with bounds, so a hostile pattern cannot take the process down.

use regex::{Regex, RegexBuilder};

/// Largest compiled program one pattern may produce (bytes).
pub const SIZE_LIMIT: usize = 1 << 20;
/// Largest pattern source accepted (bytes).
pub const MAX_PATTERN_LEN: usize = 4096;

/// Compile one entry pattern with errdex's limits.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern is {} bytes long; the limit is {MAX_PATTERN_LEN}",
            pattern.len()
        ));
    }
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(4 * SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("pattern compiles to more than {limit} bytes; simplify it")
            }
            other => one_line(&other.to_string()),
        })
}

/// Parse `pattern` without compiling it: the syntax errors [`compile`] would report, for a
/// fraction of the cost (sizes are only known once compiled).
pub fn parse(pattern: &str) -> Result<(), String> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern is {} bytes long; the limit is {MAX_PATTERN_LEN}",
            pattern.len()
        ));
    }
    regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| one_line(&e.to_string()))
}

/// A lowercase literal that every match of `pattern` must contain, when one of at least
/// three characters can be read off the pattern's source without compiling it.
///
/// Used as a prefilter: a query (lowercased) that does not contain the literal cannot match,
/// so the pattern need not be compiled or run. Conservative by construction: only runs of
/// plain characters outside any group, in a pattern without alternation, are considered,
/// and a character followed by `?`, `*` or `{` is dropped from its run.
pub fn required_literal(pattern: &str) -> Option<String> {
    // After the leading flag groups, another `(?` is a group of another kind (`(?:`,
    // `(?P<`); under `x` whitespace in the pattern matches nothing: no literal either way.
    let (flags, rest) = split_flags(pattern)?;
    if flags.contains('x') || rest.starts_with("(?") || has_top_level_alternation(rest) {
        return None;
    }
    let mut best = String::new();
    let mut run = String::new();
    let mut depth = 0usize;
    let mut chars = rest.chars().peekable();
    let finish = |run: &mut String, best: &mut String| {
        if run.chars().count() > best.chars().count() {
            *best = run.clone();
        }
        run.clear();
    };
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() || e == ' ' => Some(e),
                _ => None,
            },
            '(' => {
                depth += 1;
                None
            }
            ')' => {
                depth = depth.saturating_sub(1);
                None
            }
            '[' => {
                // Skip the class, honouring escapes and a leading `]`.
                let mut first = true;
                while let Some(k) = chars.next() {
                    match k {
                        '\\' => {
                            chars.next();
                        }
                        ']' if !first => break,
                        _ => {}
                    }
                    first = false;
                }
                None
            }
            '.' | '^' | '$' | '+' => None,
            '?' | '*' | '{' => {
                run.pop();
                if c == '{' {
                    for k in chars.by_ref() {
                        if k == '}' {
                            break;
                        }
                    }
                }
                None
            }
            other => Some(other),
        };
        match literal {
            Some(l) if depth == 0 => {
                // A quantifier after this character makes it optional; look ahead.
                if matches!(chars.peek(), Some('?' | '*' | '{')) {
                    finish(&mut run, &mut best);
                } else {
                    run.push(l);
                    if matches!(chars.peek(), Some('+')) {
                        finish(&mut run, &mut best);
                    }
                }
            }
            _ => finish(&mut run, &mut best),
        }
    }
    finish(&mut run, &mut best);
    (best.chars().count() >= 3).then(|| best.to_lowercase())
}

/// Lowercase literals one of which every match of `pattern` contains: the
/// [`required_literal`] when there is one, else one per branch of a top-level alternation
/// (bare, or wrapped whole in one `(…)` or `(?:…)` group), when every branch has its own.
///
/// A weaker prefilter than one literal, for patterns such as `(?i)(ANR|Application Not
/// Responding)`: a query that holds none of the literals cannot match, so the pattern need
/// not be compiled for it.
pub fn any_literal(pattern: &str) -> Option<Vec<String>> {
    if let Some(one) = required_literal(pattern) {
        return Some(vec![one]);
    }
    let (flags, mut rest) = split_flags(pattern)?;
    if !has_top_level_alternation(rest) {
        rest = whole_group(rest)?;
        if !has_top_level_alternation(rest) {
            return None;
        }
    }
    top_level_branches(rest)
        .into_iter()
        .map(|b| required_literal(&format!("{flags}{b}")))
        .collect()
}

/// The leading flag groups (`(?i)`, `(?is)`) and what follows them.
fn split_flags(pattern: &str) -> Option<(&str, &str)> {
    let mut rest = pattern;
    while let Some(after) = rest.strip_prefix("(?") {
        let end = after.find(')')?;
        if !after[..end]
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '-')
        {
            break;
        }
        rest = &after[end + 1..];
    }
    Some(pattern.split_at(pattern.len() - rest.len()))
}

/// The inside of a group that spans all of `p` (`(…)` or `(?:…)`, not repeated).
fn whole_group(p: &str) -> Option<&str> {
    let inner = p
        .strip_prefix("(?:")
        .or_else(|| p.strip_prefix('(').filter(|rest| !rest.starts_with('?')))?;
    let inner = inner.strip_suffix(')')?;
    // The closing parenthesis must be the one that matches the opening: the inside is
    // balanced on its own.
    let mut groups = Structure::new(inner);
    for (_, c, depth) in groups.by_ref() {
        if c == ')' && depth == 0 {
            return None;
        }
    }
    (groups.depth == 0 && !groups.in_class).then_some(inner)
}

/// `p` split at each `|` outside every group and class (escapes honoured).
fn top_level_branches(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _, _) in Structure::new(p).filter(|&(_, c, depth)| c == '|' && depth == 0) {
        out.push(&p[start..i]);
        start = i + 1;
    }
    out.push(&p[start..]);
    out
}

/// Whether `|` occurs outside every group and class (escapes honoured).
fn has_top_level_alternation(p: &str) -> bool {
    Structure::new(p).any(|(_, c, depth)| c == '|' && depth == 0)
}

/// The `(`, `)` and `|` of a pattern's source outside classes and escapes, each with its
/// byte offset and the group depth before it (an unmatched `)` leaves the depth at 0).
struct Structure<'a> {
    chars: std::str::CharIndices<'a>,
    depth: usize,
    in_class: bool,
}

impl<'a> Structure<'a> {
    fn new(p: &'a str) -> Self {
        Structure {
            chars: p.char_indices(),
            depth: 0,
            in_class: false,
        }
    }
}

impl Iterator for Structure<'_> {
    type Item = (usize, char, usize);

    fn next(&mut self) -> Option<Self::Item> {
        while let Some((i, c)) = self.chars.next() {
            match c {
                '\\' => {
                    self.chars.next();
                }
                '[' if !self.in_class => self.in_class = true,
                ']' if self.in_class => self.in_class = false,
                '(' | ')' | '|' if !self.in_class => {
                    let before = self.depth;
                    match c {
                        '(' => self.depth += 1,
                        ')' => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    return Some((i, c, before));
                }
                _ => {}
            }
        }
        None
    }
}

/// regex's syntax errors draw a multi-line picture; keep the last line, which says what.
fn one_line(msg: &str) -> String {
    msg.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .unwrap_or_else(|| msg.lines().next().unwrap_or(msg).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_longest_required_literal() {
        assert_eq!(
            required_literal("(?i)unavailable.*connection reset by peer").as_deref(),
            Some("connection reset by peer")
        );
        assert_eq!(
            required_literal(r"java\.net\.SocketException: Connection reset").as_deref(),
            Some("java.net.socketexception: connection reset")
        );
        assert_eq!(
            required_literal(r"code = (Unavailable|Internal)").as_deref(),
            Some("code = ")
        );
        assert_eq!(
            required_literal("colou?r mismatch").as_deref(),
            Some("r mismatch")
        );
        assert_eq!(required_literal("a|b"), None);
        assert_eq!(required_literal(r"\d+ \w+"), None);
        assert_eq!(required_literal("ab(cdefgh)?"), None);
        assert_eq!(required_literal("(?x)connection refused"), None);
    }

    #[test]
    fn reads_one_literal_per_branch_of_an_alternation() {
        let lits = |p: &str| any_literal(p);
        assert_eq!(
            lits("(?i)(ActivityNotFoundException|Unable to find.*activity)"),
            Some(vec![
                "activitynotfoundexception".into(),
                "unable to find".into()
            ])
        );
        assert_eq!(
            lits("ECONNREFUSED|connection refused"),
            Some(vec!["econnrefused".into(), "connection refused".into()])
        );
        assert_eq!(
            lits("(?:disk full|No space left)"),
            Some(vec!["disk full".into(), "no space left".into()])
        );
        assert_eq!(lits("colou?r mismatch"), Some(vec!["r mismatch".into()]));
        // A branch without a literal of its own, a repeated group, a group that does not
        // span the whole pattern, or a named group: no prefilter.
        assert_eq!(lits(r"(?i)(ANR|\d+ m)"), None);
        assert_eq!(lits("(abcd|efgh)+"), None);
        assert_eq!(lits("(abcd|efgh) (ijkl|mnop)"), None);
        assert_eq!(lits("(?P<n>abcd|efgh)"), None);
        assert_eq!(
            lits(r"(abc\)|def)"),
            Some(vec!["abc)".into(), "def".into()])
        );
    }

    #[test]
    fn one_of_the_branch_literals_is_in_every_match() {
        let cases = [
            (
                "(?i)(Android resource linking failed|AAPT2.*error|resource.*linking)",
                "AAPT2 aapt2-8.1.0-linux Daemon #0: error: resource not found",
            ),
            (
                "(?i)(device unauthorized|adb.*unauthorized)",
                "adb: device unauthorized.",
            ),
            (
                "(ENOSPC|no space left on device)",
                "write /var/lib/x: no space left on device",
            ),
        ];
        for (p, text) in cases {
            let re = compile(p).expect("compiles");
            assert!(re.is_match(text), "{p}");
            let lits = any_literal(p).expect("has literals");
            let lower = text.to_lowercase();
            assert!(lits.iter().any(|l| lower.contains(l)), "{p}: {lits:?}");
        }
    }

    #[test]
    fn the_literal_is_in_every_match() {
        let cases = [
            (
                r"(?i)ENHANCE_YOUR_CALM.*too_many_pings",
                "received prior goaway: code: ENHANCE_YOUR_CALM, debug data: \"too_many_pings\"",
            ),
            (
                r"ERROR \d{4} \(\d+\): Access denied",
                "ERROR 1045 (28000): Access denied for user",
            ),
            (
                r"Sort exceeded memory limit of \d+ bytes",
                "Sort exceeded memory limit of 104857600 bytes",
            ),
            (r"[Ee]rror: spawn [a-z]+ ENOENT", "Error: spawn git ENOENT"),
        ];
        for (p, text) in cases {
            let re = compile(p).expect("compiles");
            assert!(re.is_match(text), "{p}");
            let lit = required_literal(p).expect("has a literal");
            assert!(text.to_lowercase().contains(&lit), "{p}: {lit:?}");
        }
    }
}
