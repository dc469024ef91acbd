//! The errors that reach JavaScript: instances of the classes of `js/errors.js` (so `instanceof`
//! works and `name` tells them apart), built with what [`crate::core::errors`] says (class,
//! message, `reason`, `status`), and `TypeError`s for bad options and arguments. None carries a
//! token.

use crate::core::call::CallError;
use crate::core::errors::{self as spec, ErrorClass, ErrorSpec};
use crate::core::machine::{Failure, FailureKind};
use crate::core::names::Named;
use crate::core::settings::{OptionError, Problem};
use crate::web::options::kind_of;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

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

    /// `RequestError` of `js/errors.js`: an axios-shaped call that failed.
    #[wasm_bindgen(extends = js_sys::Error)]
    #[derive(Debug, Clone)]
    pub type RequestError;
    #[wasm_bindgen(constructor)]
    fn new(
        message: &str,
        code: &str,
        config: &JsValue,
        response: &JsValue,
        cause: &JsValue,
        business_code: &JsValue,
    ) -> RequestError;

    /// `DisposedError` of `js/errors.js`.
    #[wasm_bindgen(extends = js_sys::Error)]
    #[derive(Debug, Clone)]
    pub type DisposedError;
    #[wasm_bindgen(constructor)]
    fn new(message: &str) -> DisposedError;
}

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

/// Whether `error` is one of the client's own errors (`SessionExpiredError`, `RefreshError`,
/// `DisposedError`), which the axios-shaped calls reject with as they are.
pub fn is_auth_error(error: &JsValue) -> bool {
    error.is_instance_of::<SessionExpiredError>()
        || error.is_instance_of::<RefreshError>()
        || error.is_instance_of::<DisposedError>()
}

/// The `RequestError` of an axios-shaped call: `code` as axios names it, the call's `config`, the
/// `response` (`{data, status, …}`) when there was one, the error underneath as `cause`, and the
/// body's own code of a refused business envelope.
pub fn request_error(
    message: &str,
    code: CallError,
    config: &JsValue,
    response: &JsValue,
    cause: &JsValue,
    business_code: &JsValue,
) -> JsValue {
    RequestError::new(message, code.name(), config, response, cause, business_code).into()
}

/// The error a request rejects with for `failure`; `cause` is the error underneath a refresh
/// failure, when there was one (the network error, what the refresh function threw).
pub fn failure(failure: &Failure, cause: Option<JsValue>) -> JsValue {
    build(&ErrorSpec::of(failure), &cause.unwrap_or(JsValue::UNDEFINED))
}

/// The error for calls on a disposed client.
pub fn disposed() -> JsValue {
    build(&ErrorSpec::DISPOSED, &JsValue::UNDEFINED)
}

/// A `TypeError` for bad options or arguments; `message` names the option and what was expected.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(&spec::type_error_message(message)).into()
}

/// A `TypeError` saying that `option` must be `expected` and what kind of value it got instead
/// (the message of the options' own errors, [`OptionError`]).
pub fn bad_option(option: &str, expected: &'static str, got: &JsValue) -> JsValue {
    let error = OptionError::new(option, Problem::Invalid { expected, got: kind_of(got) });
    js_sys::TypeError::new(&error.message()).into()
}

/// The error for a `fetch` that resolved with something other than a `Response`.
pub fn not_a_response() -> JsValue {
    type_error("fetch resolved with something that is not a Response")
}
