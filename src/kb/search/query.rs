//! Query syntax for people who type: fzf-style terms and field filters.
//!
//! - `'exact` — the entry must contain `exact` (title, aliases, id or tags);
//! - `^prefix` / `suffix$` — the title or an alias starts / ends with it;
//! - `!not` — the entry must not contain it;
//! - `a | b` — either term will do (plain words in an OR group are `'exact` terms);
//! - `domain:grpc`, `category:network_error`, `verification:reviewed` — field filters,
//!   `!domain:grpc` to exclude.
//!
//! Everything else is free text, ranked by the search. A pasted multi-line trace is never
//! parsed for syntax: it is all free text.

/// A term that filters entries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Term {
    /// Contains the text.
    Exact(String),
    /// The title or an alias starts with the text.
    Prefix(String),
    /// The title or an alias ends with the text.
    Suffix(String),
}

/// A field of an entry that can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Field {
    /// `domain:`
    Domain,
    /// `category:`
    Category,
    /// `verification:`
    Verification,
}

/// `field:value`, or its negation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Filter {
    /// Which field.
    pub field: Field,
    /// The value it must (or must not) equal.
    pub value: String,
    /// True for `!field:value`.
    pub negate: bool,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Query {
    /// The free text to rank by (operator terms contribute their words too).
    pub text: String,
    /// Each group must have at least one matching term.
    pub groups: Vec<Vec<Term>>,
    /// No term here may match.
    pub not: Vec<Term>,
    /// Field filters.
    pub filters: Vec<Filter>,
}

impl Query {
    /// Whether the query filters at all (beyond ranking).
    pub fn has_filters(&self) -> bool {
        !self.groups.is_empty() || !self.not.is_empty() || !self.filters.is_empty()
    }
}

fn field(name: &str) -> Option<Field> {
    match name {
        "domain" => Some(Field::Domain),
        "category" => Some(Field::Category),
        "verification" => Some(Field::Verification),
        _ => None,
    }
}

/// Read an operator term; None for a plain word. The forms are kept strict so that text
/// pasted from an error message (`'requests'`, `(reading 'map')`, `$HOME`) stays text.
fn operator(token: &str) -> Option<Term> {
    let lower = token.to_lowercase();
    let word_start = |s: &str| s.chars().next().is_some_and(|c| c.is_alphanumeric());
    if let Some(rest) = lower.strip_prefix('\'') {
        let plain = !rest.contains(['\'', '"']) && word_start(rest);
        return plain.then(|| Term::Exact(rest.to_string()));
    }
    if let Some(rest) = lower.strip_prefix('^') {
        return word_start(rest).then(|| Term::Prefix(rest.to_string()));
    }
    if let Some(rest) = lower.strip_suffix('$') {
        let ok = rest.chars().last().is_some_and(|c| c.is_alphanumeric()) && !rest.contains('$');
        return ok.then(|| Term::Suffix(rest.to_string()));
    }
    None
}

fn term_text(t: &Term) -> &str {
    match t {
        Term::Exact(s) | Term::Prefix(s) | Term::Suffix(s) => s,
    }
}

/// One whitespace-separated piece of a query.
enum Token {
    Bar,
    Field(Filter),
    Not(Term),
    Op(Term),
    Plain(String),
}

fn token(raw: &str) -> Token {
    if raw == "|" {
        return Token::Bar;
    }
    let (negate, body) = match raw.strip_prefix('!') {
        Some(rest) if rest.starts_with(|c: char| c.is_alphanumeric() || c == '\'' || c == '^') => {
            (true, rest)
        }
        _ => (false, raw),
    };
    if let Some((name, value)) = body.split_once(':')
        && let Some(field) = field(&name.to_lowercase())
        && !value.is_empty()
    {
        return Token::Field(Filter {
            field,
            value: value.to_lowercase(),
            negate,
        });
    }
    match (negate, operator(body)) {
        (true, t) => Token::Not(t.unwrap_or_else(|| Term::Exact(body.to_lowercase()))),
        (false, Some(t)) => Token::Op(t),
        (false, None) => Token::Plain(body.to_string()),
    }
}

/// Queries with more words than this are pasted text, not typed syntax: `|` in a docker
/// compose prefix (`web-1  | …`) or `!` in a message must not become operators.
const MAX_TYPED_WORDS: usize = 8;

/// Parse a query. Multi-line input, and input longer than a typed query, is free text
/// except for field filters.
pub fn parse(input: &str) -> Query {
    let mut q = Query::default();
    if input.trim_end().contains('\n') {
        q.text = input.to_string();
        return q;
    }
    if input.split_whitespace().count() > MAX_TYPED_WORDS {
        let mut words = Vec::new();
        for raw in input.split_whitespace() {
            match token(raw) {
                Token::Field(f) => q.filters.push(f),
                _ => words.push(raw),
            }
        }
        q.text = words.join(" ");
        return q;
    }
    let mut words: Vec<String> = Vec::new();
    // Terms joined by `|` form one group; a lone plain word is only free text.
    let mut group: Vec<(Term, bool)> = Vec::new();
    let mut joined = false;
    let flush = |group: &mut Vec<(Term, bool)>, q: &mut Query| {
        let keep = group.len() > 1 || group.first().is_some_and(|(_, op)| *op);
        if keep {
            q.groups.push(group.drain(..).map(|(t, _)| t).collect());
        }
        group.clear();
    };
    for raw in input.split_whitespace() {
        match token(raw) {
            Token::Bar => joined = !group.is_empty(),
            Token::Field(f) => q.filters.push(f),
            Token::Not(t) => q.not.push(t),
            t @ (Token::Op(_) | Token::Plain(_)) => {
                let (term, op) = match t {
                    Token::Op(term) => {
                        words.push(term_text(&term).to_string());
                        (term, true)
                    }
                    Token::Plain(w) => {
                        words.push(w.clone());
                        (Term::Exact(w.to_lowercase()), false)
                    }
                    _ => continue,
                };
                if !joined {
                    flush(&mut group, &mut q);
                }
                group.push((term, op));
                joined = false;
            }
        }
    }
    flush(&mut group, &mut q);
    q.text = words.join(" ");
    q
}

/// Whether one term matches: `haystack` is the entry's lowercase title, aliases, id and
/// tags (one per line); `phrases` its lowercase title and aliases.
pub fn term_matches(t: &Term, haystack: &str, phrases: &[String]) -> bool {
    match t {
        Term::Exact(s) => haystack.contains(s.as_str()),
        Term::Prefix(s) => phrases.iter().any(|p| p.starts_with(s.as_str())),
        Term::Suffix(s) => phrases.iter().any(|p| p.ends_with(s.as_str())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_free_text() {
        let q = parse("connection reset by peer");
        assert_eq!(q.text, "connection reset by peer");
        assert!(!q.has_filters());
    }

    #[test]
    fn operators_and_fields() {
        let q = parse("'reset ^rpc peer$ !tcp domain:grpc !category:auth_error");
        assert_eq!(q.text, "reset rpc peer");
        assert_eq!(
            q.groups,
            [
                vec![Term::Exact("reset".into())],
                vec![Term::Prefix("rpc".into())],
                vec![Term::Suffix("peer".into())]
            ]
        );
        assert_eq!(q.not, [Term::Exact("tcp".into())]);
        assert_eq!(q.filters.len(), 2);
        assert!(q.filters[1].negate);
    }

    #[test]
    fn or_groups() {
        let q = parse("grpc | http refused");
        assert_eq!(
            q.groups,
            [vec![Term::Exact("grpc".into()), Term::Exact("http".into())]]
        );
        assert_eq!(q.text, "grpc http refused");
    }

    #[test]
    fn unbalanced_operators_are_harmless() {
        for input in [
            "'", "!", "^", "$", "|", "| a |", "!'", "'^$", "domain:", ":x", "a | | b", "$$$",
        ] {
            let q = parse(input);
            assert!(q.groups.iter().all(|g| !g.is_empty()), "{input}");
        }
    }

    #[test]
    fn quoted_values_of_pasted_messages_stay_text() {
        for input in [
            "KeyError: 'user_id'",
            "Cannot read properties of undefined (reading 'map')",
            "npm ERR! 404 'left-pad@9' is not in this registry",
            "echo $HOME",
        ] {
            let q = parse(input);
            assert!(!q.has_filters(), "{input}: {q:?}");
        }
    }

    #[test]
    fn long_pasted_lines_keep_their_pipes_and_bangs() {
        let q = parse(
            "nginx-1  | 2026/11/25 13:24:15 [error] 18593#18593: *24 connect() failed (111: Connection refused)",
        );
        assert!(!q.has_filters(), "{q:?}");
        assert!(q.text.contains("| 2026/11/25"));
        let q = parse("some long pasted line that mentions domain:grpc and more words");
        assert_eq!(q.filters.len(), 1);
    }

    #[test]
    fn pasted_traces_are_not_parsed() {
        let q = parse("npm ERR! code E404\nnpm ERR! 404 'left-pad' not found");
        assert!(!q.has_filters());
        assert!(q.text.contains("E404"));
    }
}
