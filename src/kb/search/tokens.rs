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

/// Lowercase words of `text`: runs of ASCII letters, digits and `_`, and of non-ASCII
/// characters (so accented and non-Latin words stay whole); words joined by `_` are also
/// split into their parts. Stop words and one-letter words are left out.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_word(text, &mut buf, |w| out.push(w.to_string()));
    out
}

/// Call `f` with each word of `text` (as [`words`] defines them) without allocating per
/// word: `buf` is reused for lowercasing. This runs over every token of the corpus when
/// the index is built, so it scans bytes rather than characters.
pub fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let in_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && !in_word(bytes[i]) {
            i += 1;
        }
        let start = i;
        let (mut ascii, mut underscore) = (true, false);
        while i < bytes.len() && in_word(bytes[i]) {
            ascii &= bytes[i] < 0x80;
            underscore |= bytes[i] == b'_';
            i += 1;
        }
        if start == i {
            continue;
        }
        // Word boundaries fall on ASCII bytes, so this slice is valid UTF-8.
        let raw = &text[start..i];
        buf.clear();
        if ascii {
            buf.push_str(raw);
            buf.make_ascii_lowercase();
        } else {
            buf.extend(raw.chars().flat_map(char::to_lowercase));
        }
        if underscore {
            for part in buf.split('_') {
                emit(part, &mut f);
            }
            // The joined word too, unless it is a single part (`__init__` is just `init`).
            let whole = buf.trim_matches('_');
            if whole.contains('_') {
                emit(whole, &mut f);
            }
        } else {
            emit(buf, &mut f);
        }
    }
}

fn emit(w: &str, f: &mut impl FnMut(&str)) {
    let short = w.len() < 2 || (w.len() < 5 && w.chars().count() < 2);
    if short || (w.len() <= 4 && is_stop(w)) {
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
        assert_eq!(
            words("Größe überschritten: café"),
            ["größe", "überschritten", "café"]
        );
        assert_eq!(words("__init__ ok"), ["init", "ok"]);
    }
}
