//! Splitting text into lowercase words for the index and for queries.

/// Words too common in error messages and prose to tell entries apart.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "was", "with",
];

/// Lowercase words of `text`: runs of letters and digits; words joined by `_` are also
/// split into their parts. Stop words and one-letter words are left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if raw.is_empty() {
            continue;
        }
        let lower = raw.to_lowercase();
        if raw.contains('_') {
            for part in lower.split('_') {
                push_word(&mut out, part);
            }
        }
        push_word(&mut out, &lower);
    }
    out
}

fn push_word(out: &mut Vec<String>, w: &str) {
    let w = w.trim_matches('_');
    if w.chars().count() < 2 || STOP.contains(&w) {
        return;
    }
    out.push(w.to_string());
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
