//! Splitting text into lowercase words for the index and for queries.
//!
//! Building the index runs this over every token of the corpus (over a million at 10,000
//! entries), so the common case, a plain ASCII word, is read straight into an integer key:
//! no copy into a buffer and no string hashing. Words with `_` or non-ASCII characters take
//! a slower path that gives the same words.

/// Words too common in error messages and prose to tell entries apart (all of them
/// four bytes or shorter, which the fast path relies on).
const STOP: [&str; 21] = [
    "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or",
    "that", "the", "this", "to", "was", "with",
];

/// A word as the index keys it. A word of at most 16 bytes is packed into an integer
/// (little-endian, zero-padded: words never contain a NUL byte, so no two words share a
/// key); a longer one stays text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word<'a> {
    /// Up to 16 bytes, packed.
    Short(u128),
    /// More than 16 bytes.
    Long(&'a str),
}

impl<'a> Word<'a> {
    /// The key of an (already lowercase) word.
    pub fn of(w: &'a str) -> Word<'a> {
        if w.len() <= 16 {
            Word::Short(pack(w.as_bytes()))
        } else {
            Word::Long(w)
        }
    }

    /// The word's bytes, handed to `f` (a short word is unpacked on the stack).
    pub fn with_str<T>(self, f: impl FnOnce(&str) -> T) -> T {
        match self {
            Word::Long(w) => f(w),
            Word::Short(key) => {
                let bytes = key.to_le_bytes();
                let len = 16 - (key.leading_zeros() / 8) as usize;
                // Packed from a `&str` cut at a character boundary, so this is valid UTF-8.
                f(std::str::from_utf8(&bytes[..len]).unwrap_or_default())
            }
        }
    }
}

/// Bytes into a zero-padded little-endian integer (at most 16).
const fn pack(b: &[u8]) -> u128 {
    let mut v = 0u128;
    let mut i = 0;
    while i < b.len() && i < 16 {
        v |= (b[i] as u128) << (8 * i);
        i += 1;
    }
    v
}

/// Stop words as keys in a table of 128 where none collide: a multiplier is searched for
/// at compile time, so a check is one multiply and one look-up, with no branches.
const STOP_TABLE: (u32, [u32; 128]) = {
    let mut m: u32 = 0x9e37_79b1;
    loop {
        let mut table = [0u32; 128];
        let mut ok = true;
        let mut i = 0;
        while i < STOP.len() {
            let k = pack(STOP[i].as_bytes()) as u32;
            let slot = (k.wrapping_mul(m) >> 25) as usize;
            if table[slot] != 0 {
                ok = false;
                break;
            }
            table[slot] = k;
            i += 1;
        }
        if ok {
            break (m, table);
        }
        m = m.wrapping_add(2);
    }
};

/// Whether a short word's key is a stop word's.
#[inline(always)]
fn is_stop_key(key: u128) -> bool {
    let k = key as u32;
    let (m, table) = &STOP_TABLE;
    (key >> 32 == 0) & (table[(k.wrapping_mul(*m) >> 25) as usize] == k)
}

fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// Eight bytes at a time (SWAR): for each byte, its top bit in a mask, of those from `lo`
/// to `hi` (ASCII bytes only: `x + (0x80 - lo)` has its top bit set from `lo` up and
/// `x + (0x7f - hi)` from past `hi`; neither sum carries into the next byte).
const ONES: u64 = u64::MAX / 255;
const TOPS: u64 = ONES * 0x80;

fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    (x + ONES * u64::from(0x80 - lo)) & !(x + ONES * u64::from(0x7f - hi)) & TOPS
}

/// One bit per byte of `chunk` (little-endian), set for the bytes that are part of a
/// word: ASCII letters, digits and `_`, and every byte of a non-ASCII character.
fn word_bytes(chunk: u64) -> u64 {
    let x = chunk & !TOPS;
    let m = (chunk & TOPS)
        | in_range(x, b'0', b'9')
        | in_range(x | (ONES * 0x20), b'a', b'z')
        | in_range(x, b'_', b'_');
    // Gather the eight top bits into the low byte: the multiplier moves byte k's bit to
    // position 56 + k, and no two products overlap.
    (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// One bit per byte of `bytes[64 * at..][..64]`, set for word bytes (bytes past the end
/// are not words).
#[inline(always)]
fn window(b: &[u8], at: usize) -> u64 {
    let from = at * 64;
    let end = b.len().min(from + 64);
    let mut bits = 0;
    let mut k = from;
    while k + 8 <= end {
        bits |= word_bytes(load8(b, k)) << (k - from);
        k += 8;
    }
    if k < end {
        // The last few bytes: the 8 bytes that end with them, shifted down, when the text
        // is that long.
        let rest = end - k;
        let v = if end >= 8 {
            load8(b, end - 8) >> (8 * (8 - rest))
        } else {
            b[k..end]
                .iter()
                .rev()
                .fold(0, |v, &x| (v << 8) | u64::from(x))
        };
        bits |= word_bytes(v) << (k - from);
    }
    bits
}

/// Eight bytes from `at`, little-endian.
#[inline]
fn load8(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Lowercase every ASCII letter of a packed ASCII word: per byte, `x + 0x3f` has its top
/// bit set from `A` up and `x + 0x25` from past `Z`; neither sum carries into the next
/// byte since every byte is below 0x80.
fn lower_ascii_key(v: u128) -> u128 {
    v | (bytes_in(v, b'A', b'Z') >> 2)
}

/// [`in_range`] for 16 ASCII bytes.
fn bytes_in(v: u128, lo: u8, hi: u8) -> u128 {
    const ONES: u128 = u128::MAX / 255;
    (v + ONES * u128::from(0x80 - lo)) & !(v + ONES * u128::from(0x7f - hi)) & (ONES * 0x80)
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

/// Call `f` with each word of `text` (as [`words`] defines them); `buf` is reused.
pub fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for_each_key(text, buf, |w| w.with_str(&mut f));
}

/// Call `f` with the key of each word of `text` (as [`words`] defines them), without
/// allocating: `buf` is reused for the words that need lowercasing as text.
pub fn for_each_key(text: &str, buf: &mut String, mut f: impl FnMut(Word<'_>)) {
    let bytes = text.as_bytes();
    let windows = bytes.len().div_ceil(64);
    if windows == 0 {
        return;
    }
    let mut one = |start: usize, end: usize| match plain_key(bytes, start, end) {
        Some((key, keep)) => {
            if keep {
                f(Word::Short(key));
            }
        }
        None => slow_word(&text[start..end], buf, &mut f),
    };
    // Word bytes of window `at` not yet read.
    let mut at = 0;
    let mut bits = window(bytes, 0);
    loop {
        while bits == 0 {
            at += 1;
            if at >= windows {
                return;
            }
            bits = window(bytes, at);
        }
        let start = at * 64 + bits.trailing_zeros() as usize;
        // The word ends at the next byte that is not a word byte, maybe windows later.
        let mut ends = !bits & (u64::MAX << (start % 64));
        let end = loop {
            if ends != 0 {
                let stop = ends.trailing_zeros();
                bits &= u64::MAX << stop;
                break at * 64 + stop as usize;
            }
            at += 1;
            if at == windows {
                bits = 0;
                break bytes.len();
            }
            bits = window(bytes, at);
            ends = !bits;
        };
        one(start, end);
    }
}

/// The key of `bytes[start..end]` and whether to keep it (not a stop word or one letter),
/// if it is a plain word: at most 16 ASCII letters and digits, one byte per character.
#[inline(always)]
fn plain_key(bytes: &[u8], start: usize, end: usize) -> Option<(u128, bool)> {
    const ONES: u128 = u128::MAX / 255;
    let len = end - start;
    if len > 16 {
        return None;
    }
    let v = match bytes.get(start..start + 16) {
        // Load 16 bytes at once and keep the word's.
        Some(wide) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(wide);
            u128::from_le_bytes(a) & (u128::MAX >> (128 - 8 * len))
        }
        None => pack(&bytes[start..end]),
    };
    // No byte of a non-ASCII character, and no `_` (bytes past the word are zero).
    if (v & (ONES * 0x80)) | bytes_in(v, b'_', b'_') != 0 {
        return None;
    }
    let key = lower_ascii_key(v);
    Some((key, (len >= 2) & !is_stop_key(key)))
}

/// A word with `_` or non-ASCII characters (or longer than 16 bytes): lowercased as text,
/// and split at each `_`.
fn slow_word(raw: &str, buf: &mut String, f: &mut dyn FnMut(Word<'_>)) {
    buf.clear();
    if raw.is_ascii() {
        buf.push_str(raw);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(raw.chars().flat_map(char::to_lowercase));
    }
    if raw.contains('_') {
        for part in buf.split('_') {
            emit(part, f);
        }
        // The joined word too, unless it is a single part (`__init__` is just `init`).
        let whole = buf.trim_matches('_');
        if whole.contains('_') {
            emit(whole, f);
        }
    } else {
        emit(buf, f);
    }
}

fn emit(w: &str, f: &mut dyn FnMut(Word<'_>)) {
    let short = w.len() < 2 || (w.len() < 5 && w.chars().count() < 2);
    if short || (w.len() <= 4 && is_stop(w)) {
        return;
    }
    f(Word::of(w));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        assert_eq!(
            words("The IS x Zz AT@[`{ ExactlySixteen16 SeventeenLetters1 A1"),
            ["zz", "exactlysixteen16", "seventeenletters1", "a1"]
        );
    }

    /// The words as first specified, one character at a time, to check the fast path by.
    fn reference(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let keep = |w: &str, out: &mut Vec<String>| {
            if w.chars().count() >= 2 && !STOP.contains(&w) {
                out.push(w.to_string());
            }
        };
        let in_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii();
        for raw in text.split(|c: char| !in_word(c)).filter(|w| !w.is_empty()) {
            let lower: String = raw.chars().flat_map(char::to_lowercase).collect();
            if lower.contains('_') {
                for part in lower.split('_') {
                    keep(part, &mut out);
                }
                let whole = lower.trim_matches('_');
                if whole.contains('_') {
                    keep(whole, &mut out);
                }
            } else {
                keep(&lower, &mut out);
            }
        }
        out
    }

    #[test]
    fn keys_are_unique_and_round_trip() {
        for w in [
            "ab",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "größe",
            "x_y",
        ] {
            let key = Word::of(w);
            assert_eq!(key.with_str(str::to_string), w);
        }
        assert_ne!(Word::of("ab"), Word::of("ab0"));
    }

    proptest! {
        #[test]
        fn the_fast_path_gives_the_reference_words(
            text in "([A-Za-z0-9_ .:'é€ß-]|İ|ǅ|[a-z]{10,20}){0,200}"
        ) {
            prop_assert_eq!(words(&text), reference(&text));
        }
    }
}
