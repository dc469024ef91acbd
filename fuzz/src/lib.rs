//! What the fuzz targets share: splitting an input into texts, a base64url encoder, a JSON host
//! for the option checks (as the library's native tests have), and the refresh answer's lookup.

use fetch_with_refresh::core::refresh::Scalar;
use fetch_with_refresh::core::settings::{option_path, parse_entries, Host, Kind, OptionError, Problem};
use fetch_with_refresh::core::tokens::{Secret, TokenSet};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Asserts that `set`'s Debug output does not depend on its tokens' text.
pub fn assert_debug_hides_tokens(set: &TokenSet) {
    let x = Secret::new("x").unwrap();
    let blank = TokenSet {
        access: x.clone(),
        refresh: set.refresh.as_ref().map(|_| x.clone()),
        expires_at: set.expires_at,
        issued_at: set.issued_at,
    };
    assert_eq!(format!("{set:?}"), format!("{blank:?}"));
}

/// The fuzz input as up to `n` texts, separated by NUL bytes (each decoded lossily as UTF-8; the
/// last takes the rest, NULs included). Always `n` texts: the missing ones are empty.
pub fn texts(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> =
        data.splitn(n, |b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    out.resize(n, String::new());
    out
}

/// Base64url of `bytes` (RFC 4648 §5), with `=` padding when `padded`, and with the standard
/// alphabet's `+` and `/` when `standard`.
pub fn base64(bytes: &[u8], padded: bool, standard: bool) -> String {
    let alphabet: &[u8; 64] = if standard {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
        }
        if padded {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// A dotted path read out of a parsed JSON answer, as the browser side does (`web/js.rs`): a
/// string or a number is a [`Scalar`], anything else (or a missing key) is `None`.
pub fn lookup(value: &Value, path: &str) -> Option<Scalar> {
    let found = path.split('.').try_fold(value, |current, key| current.get(key))?;
    match found {
        Value::String(text) => Some(Scalar::Text(text.clone())),
        other => other.as_f64().map(Scalar::Number),
    }
}

/// Every string value (not key) in `value`.
pub fn string_values<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(text) => out.push(text),
        Value::Array(items) => items.iter().for_each(|item| string_values(item, out)),
        Value::Object(map) => map.values().for_each(|item| string_values(item, out)),
        _ => {}
    }
}

/// Every key in `value`, at any depth.
pub fn keys<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        Value::Object(map) => map.iter().for_each(|(key, item)| {
            out.push(key);
            keys(item, out);
        }),
        _ => {}
    }
}

/// The options host over JSON, as in the library's native tests (`src/core/settings/tests.rs`):
/// `{"$fn": "name"}` is a function, `{"$throws": "key"}` an object whose getter `key` throws.
pub struct Json;

fn is_function(value: &Value) -> bool {
    value.get("$fn").is_some()
}

impl Host for Json {
    type Value = Value;
    type Function = String;
    type Storage = Value;

    fn kind(&self, value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) if is_function(value) => Kind::Function,
            Value::Object(_) => Kind::Object,
        }
    }

    fn text(&self, value: &Value) -> Option<String> {
        value.as_str().map(str::to_owned)
    }

    fn number(&self, value: &Value) -> Option<f64> {
        value.as_f64()
    }

    fn boolean(&self, value: &Value) -> Option<bool> {
        value.as_bool()
    }

    fn function(&self, value: &Value) -> Option<String> {
        value.get("$fn").and_then(Value::as_str).map(str::to_owned)
    }

    fn storage(&self, value: &Value) -> Option<Value> {
        let methods = ["getItem", "setItem", "removeItem"];
        methods.iter().all(|m| value.get(m).is_some_and(is_function)).then(|| value.clone())
    }

    fn items(&self, value: &Value, _path: &str) -> Result<Vec<Value>, OptionError> {
        Ok(value.as_array().cloned().unwrap_or_default())
    }

    fn section<T: DeserializeOwned>(&self, value: &Value, path: &str) -> Result<T, OptionError> {
        if let Some(key) = value.get("$throws").and_then(Value::as_str) {
            return Err(OptionError { path: option_path(path, key), problem: Problem::Unreadable });
        }
        parse_entries(value.as_object().cloned().unwrap_or_default(), path)
    }

    /// What the browser's `URL` does, roughly: absolute URLs as they are, the rest against the page.
    fn resolve(&self, url: &str) -> Option<String> {
        let scheme = url.split_once(':').is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
        Some(if scheme {
            url.to_owned()
        } else if url.starts_with("//") {
            ["https:", url].concat()
        } else if url.starts_with('/') {
            ["https://app.example.com", url].concat()
        } else {
            ["https://app.example.com/", url].concat()
        })
    }

    fn page(&self) -> Option<String> {
        Some("https://app.example.com/home".to_owned())
    }
}
