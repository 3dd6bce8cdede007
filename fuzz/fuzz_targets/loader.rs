//! Any bytes as an entry file: parsing, validation and location never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = errdex::kb::load::check_text("fuzz.yaml", text);
        let _ = errdex::kb::markdown::parse(text);
    }
});
