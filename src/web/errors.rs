//! The errors that reach JavaScript: instances of the classes of `js/errors.js` (so `instanceof`
//! works and `name` tells them apart), built with what [`crate::core::errors`] says (class,
//! message, `reason`, `status`), and `TypeError`s for bad options and arguments. None carries a
//! token.

use crate::core::errors::{self as spec, ErrorClass, ErrorSpec};
use crate::core::machine::{Failure, FailureKind};
use crate::core::names::Named;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    /// `SessionExpiredError` of `js/errors.js`.
    #[wasm_bindgen(extends = js_sys::Error)]
    #[derive(Debug, Clone)]
    pub type SessionExpiredError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str) -> SessionExpiredError;

    /// `RefreshError` of `js/errors.js`.
    #[wasm_bindgen(extends = js_sys::Error)]
    #[derive(Debug, Clone)]
    pub type RefreshError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str, reason: &str, status: Option<u16>, cause: &JsValue) -> RefreshError;

    /// `DisposedError` of `js/errors.js`.
    #[wasm_bindgen(extends = js_sys::Error)]
    #[derive(Debug, Clone)]
    pub type DisposedError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str) -> DisposedError;
}

/// `name` of the error for a refused refresh token.
pub const SESSION_EXPIRED: &str = spec::SESSION_EXPIRED;
/// `name` of the error for a transient refresh failure.
pub const REFRESH_FAILED: &str = spec::REFRESH_FAILED;
/// `name` of the error for a call on a disposed client.
pub const DISPOSED: &str = spec::DISPOSED;

/// The error `spec` describes; `cause` is the error underneath a `RefreshError`, if any.
pub fn build(spec: &ErrorSpec, cause: &JsValue) -> JsValue {
    match spec.class {
        ErrorClass::SessionExpired => SessionExpiredError::new(spec.message).into(),
        ErrorClass::Refresh => {
            let reason = spec.reason.map_or("", FailureKind::name);
            RefreshError::new(spec.message, reason, spec.status, cause).into()
        }
        ErrorClass::Disposed => DisposedError::new(spec.message).into(),
    }
}

/// The error a request rejects with for `failure`; `cause` is the error underneath a refresh
/// failure, when there was one (the network error, what the refresh function threw).
pub fn failure(failure: &Failure, cause: Option<JsValue>) -> JsValue {
    build(&ErrorSpec::of(failure), &cause.unwrap_or(JsValue::UNDEFINED))
}

/// The `reason` string of a refresh failure, shared by errors and events.
pub fn failure_reason(kind: FailureKind) -> &'static str {
    kind.name()
}

/// The error for calls on a disposed client.
pub fn disposed() -> JsValue {
    build(&ErrorSpec::DISPOSED, &JsValue::UNDEFINED)
}

/// A `TypeError` for bad options or arguments; `message` names the option and what was expected.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(&spec::type_error_message(message)).into()
}

/// A `TypeError` saying that `option` must be `expected` and what it got instead.
pub fn bad_option(option: &str, expected: &str, got: &JsValue) -> JsValue {
    let got = if got.is_null() { "null".into() } else { got.js_typeof().as_string().unwrap_or_default() };
    type_error(&spec::bad_option_message(option, expected, &got))
}

/// The error for a `fetch` that resolved with something other than a `Response`.
pub fn not_a_response() -> JsValue {
    type_error("fetch resolved with something that is not a Response")
}
