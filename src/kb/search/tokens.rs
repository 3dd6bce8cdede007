//! Splitting text into lowercase words for the index and for queries.

/// Words too common in error messages and prose to tell entries apart. A `match` lets the
/// compiler dispatch on length first; this runs once per token of the whole corpus.
fn is_stop(w: &str) -> bool {
    matches!(
        w,
        "an" | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "in"
            | "is"
            | "it"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "this"
            | "to"
            | "was"
            | "with"
    )
}

/// Lowercase words of `text`: runs of letters and digits; words joined by `_` are also
/// split into their parts. Stop words and one-letter words are left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_word(text, &mut buf, |w| out.push(w.to_string()));
    out
}

/// Call `f` with each word of `text` (as [`words`] defines them) without allocating per
/// word: `buf` is reused for lowercasing.
pub fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if raw.is_empty() {
            continue;
        }
        buf.clear();
        if raw.is_ascii() {
            buf.extend(raw.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            buf.extend(raw.chars().flat_map(char::to_lowercase));
        }
        if raw.contains('_') {
            for part in buf.split('_') {
                emit(part, &mut f);
            }
        }
        emit(buf, &mut f);
    }
}

fn emit(w: &str, f: &mut impl FnMut(&str)) {
    let w = w.trim_matches('_');
    let short = w.len() < 2 || (w.len() < 5 && w.chars().count() < 2);
    if short || is_stop(w) {
        return;
    }
    f(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_lowercases() {
        assert_eq!(
            words("ERROR 1045 (28000): Access denied for user"),
            ["error", "1045", "28000", "access", "denied", "user"]
        );
        assert_eq!(
            words("max_allowed_packet"),
            ["max", "allowed", "packet", "max_allowed_packet"]
        );
    }
}
