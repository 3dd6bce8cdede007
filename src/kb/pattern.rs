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

/// regex's syntax errors draw a multi-line picture; keep the last line, which says what.
fn one_line(msg: &str) -> String {
    msg.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .unwrap_or_else(|| msg.lines().next().unwrap_or(msg).to_string())
}
