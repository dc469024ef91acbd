//! Small conversions between JavaScript values and Rust, used across the browser side.

use crate::core::refresh::Scalar;
use crate::core::text;
use crate::core::tokens::TokenSet;
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `target[key]`, or `undefined` when `target` is not an object or the getter throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value` on an object this crate created (cannot throw there).
pub fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a data property on a plain extensible object never fails.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

/// Reads a dotted path (`data.token`) out of a parsed JSON value.
pub fn get_path(value: &JsValue, path: &str) -> JsValue {
    text::split(path, b'.').fold(value.clone(), |current, segment| get(&current, segment))
}

/// A JSON string or number as a [`Scalar`]; anything else is `None`.
pub fn scalar(value: &JsValue) -> Option<Scalar> {
    if let Some(text) = value.as_string() {
        Some(Scalar::Text(text))
    } else {
        value.as_f64().map(Scalar::Number)
    }
}

/// The message of a thrown value (runtime or app errors: never a stored value): its `message`
/// when it has one, else the value itself when it is a string.
pub fn message_of(error: &JsValue) -> String {
    get(error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// `{accessToken, refreshToken, expiresAt}` (`null` where absent), for `getTokens()` and the
/// custom refresh function.
pub fn snapshot(tokens: &TokenSet) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    tokens.snapshot().serialize(&serializer).unwrap_or(JsValue::NULL)
}
