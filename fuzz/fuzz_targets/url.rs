//! URL text: joining a base URL, templates, query parameters, percent-encoding and -decoding (the
//! cookie's), and origins.
#![no_main]

use fetch_with_refresh::core::cookie;
use fetch_with_refresh::core::origin::origin_of;
use fetch_with_refresh::core::url::{encode_component, fill, has_placeholder, is_absolute, join, with_query};
use fetch_with_refresh_fuzz::texts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [base, path, name, value]: [String; 4] = texts(data, 4).try_into().unwrap();

    // Joining: the path alone when absolute, else exactly one slash between base and path.
    assert_eq!(join(None, &path), path);
    let joined = join(Some(&base), &path);
    if path.starts_with("//") {
        assert!(is_absolute(&path));
    }
    if is_absolute(&path) {
        assert_eq!(joined, path);
    } else if path.is_empty() {
        assert_eq!(joined, base);
    } else {
        let (head, tail) = (base.trim_end_matches('/'), path.trim_start_matches('/'));
        assert_eq!(joined, [head, "/", tail].concat());
        assert!(!head.ends_with('/') && !tail.starts_with('/'));
    }

    // encodeURIComponent: unreserved ASCII and %XX only, and decodeURIComponent gives it back.
    let encoded = encode_component(&value);
    let mut bytes = encoded.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            for _ in 0..2 {
                assert!(matches!(bytes.next(), Some(b'0'..=b'9' | b'A'..=b'F')), "{encoded}");
            }
        } else {
            assert!(b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b), "{encoded}");
        }
    }
    assert_eq!(cookie::decode(&encoded).as_deref(), Some(value.as_str()));
    // decodeURIComponent on any text: what UTF-8 decoding of the escaped bytes gives.
    assert_eq!(cookie::decode(&base), reference_decode(&base), "{base:?}");

    // Templates: only `{name}` is replaced.
    let filled = fill(&base, &name, &value);
    if !name.contains(['{', '}']) && !has_placeholder(&base, &name) {
        assert_eq!(filled, base);
    }

    // A query parameter goes before the fragment, which is kept as it was.
    let with = with_query(&path, &name, &value);
    let pair = [encode_component(&name), "=".to_owned(), encode_component(&value)].concat();
    let (head, fragment) = match path.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (path.as_str(), None),
    };
    assert!(with.starts_with(head));
    match fragment {
        Some(fragment) => assert!(with.ends_with(&[pair.as_str(), "#", fragment].concat()), "{with}"),
        None => assert!(with.ends_with(&pair), "{with}"),
    }

    // An origin is its own origin.
    for text in [&base, &path, &joined] {
        if let Some(origin) = origin_of(text) {
            assert_eq!(origin_of(&origin).as_deref(), Some(origin.as_str()));
            assert!(!origin.contains(['@', '?', '#', '\\']) && origin.matches('/').count() == 2, "{origin}");
        }
    }
});

/// Percent-decoding as `decodeURIComponent`: `None` for a bad escape or bytes that are not UTF-8.
fn reference_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
