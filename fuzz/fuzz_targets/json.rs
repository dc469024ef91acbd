//! The core's JSON helpers: plain numbers (against Rust's own float parser), whole numbers written
//! and read back, and the top-level number of an object (against serde_json).
#![no_main]

use fetch_with_refresh::core::json::{integer_text, parse_number, push_string, top_level_number};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Some(value) = parse_number(data) {
        assert!(value.is_finite());
        let text = std::str::from_utf8(data).expect("a parsed number is ASCII");
        let reference: f64 = text.parse().expect("a parsed number is a Rust float");
        // Digits after the ninth decimal are ignored.
        assert!(
            (value - reference).abs() <= 1e-9 + 1e-14 * reference.abs(),
            "{text}: {value} vs {reference}"
        );
        let whole = value.round();
        if let Some(written) = integer_text(whole) {
            assert_eq!(parse_number(written.as_bytes()), Some(whole), "{written}");
        }
    }
    if let Some(bits) = data.get(..8) {
        let value = f64::from_bits(u64::from_le_bytes(bits.try_into().unwrap()));
        if let Some(written) = integer_text(value) {
            assert_eq!(parse_number(written.as_bytes()), Some(value), "{written}");
        }
    }

    if let Some(found) = top_level_number(data, b"exp") {
        assert!(found.is_finite());
        // Where serde_json reads the same text (no escapes, which the scanner leaves alone), its
        // `exp` is the same number.
        if !data.contains(&b'\\') {
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(data) {
                let theirs = map.get("exp").and_then(Value::as_f64).expect("serde_json sees the number");
                assert!((found - theirs).abs() <= 1e-9 + 1e-14 * theirs.abs(), "{found} vs {theirs}");
            }
        }
    }

    let text = String::from_utf8_lossy(data);
    let mut written = String::new();
    push_string(&mut written, &text);
    assert_eq!(serde_json::from_str::<String>(&written).ok().as_deref(), Some(&*text));
});
