//! The errors that reach JavaScript: `Error` objects told apart by `name`, with a clear message
//! and never a token. Messages are constants here, in one place.

use crate::core::machine::{Failure, FailureKind, RefreshFailure};
use crate::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(
        name: &str,
        message: &str,
        reason: Option<&str>,
        status: Option<u16>,
        cause: &JsValue,
    ) -> JsValue;
}

/// `name` of the error for a refused refresh token.
pub const SESSION_EXPIRED: &str = "SessionExpiredError";
/// `name` of the error for a transient refresh failure.
pub const REFRESH_FAILED: &str = "RefreshError";
/// `name` of the error for a call on a disposed client.
pub const DISPOSED: &str = "DisposedError";

const SESSION_EXPIRED_MESSAGE: &str =
    "The session has expired: the refresh token was refused. The user must log in again.";
const DISPOSED_MESSAGE: &str = "This AuthClient has been disposed.";

fn named(name: &str, message: &str) -> JsValue {
    make_error(name, message, None, None, &JsValue::UNDEFINED)
}

/// The error a request rejects with for `failure`; `cause` is the error underneath a refresh
/// failure, when there was one (the network error, what the refresh function threw).
pub fn failure(failure: &Failure, cause: Option<JsValue>) -> JsValue {
    match failure {
        Failure::SessionExpired => named(SESSION_EXPIRED, SESSION_EXPIRED_MESSAGE),
        Failure::Refresh(failure) => refresh_failed(failure, &cause.unwrap_or(JsValue::UNDEFINED)),
    }
}

/// A `RefreshError` with `reason`, `status` when there was an answer, and `cause`.
fn refresh_failed(failure: &RefreshFailure, cause: &JsValue) -> JsValue {
    let message = match failure.kind {
        FailureKind::Network => "Token refresh failed: the refresh request got no answer (network error).",
        FailureKind::Timeout => "Token refresh failed: the refresh request timed out.",
        FailureKind::Status => "Token refresh failed: the refresh endpoint answered with an error status.",
        FailureKind::Malformed => "Token refresh failed: the answer was not JSON or had no access token.",
        FailureKind::Function => "Token refresh failed: the refresh function threw or rejected.",
        FailureKind::NoRefreshToken => "Token refresh failed: there is no refresh token to refresh with.",
    };
    make_error(REFRESH_FAILED, message, Some(failure_reason(failure.kind)), failure.status, cause)
}

/// The `reason` string of a refresh failure, shared by errors and events.
pub fn failure_reason(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Network => "network",
        FailureKind::Timeout => "timeout",
        FailureKind::Status => "status",
        FailureKind::Malformed => "malformed",
        FailureKind::Function => "function",
        FailureKind::NoRefreshToken => "no-refresh-token",
    }
}

/// The error for calls on a disposed client.
pub fn disposed() -> JsValue {
    named(DISPOSED, DISPOSED_MESSAGE)
}

/// A `TypeError` for bad options or arguments; `message` names the option and what was expected.
pub fn type_error(message: &str) -> JsValue {
    named("TypeError", message)
}

/// A `TypeError` saying that `option` must be `expected` and what it got instead.
pub fn bad_option(option: &str, expected: &str, got: &JsValue) -> JsValue {
    let got = if got.is_null() { "null".to_owned() } else { got.js_typeof().as_string().unwrap_or_default() };
    type_error(&cat(&["option `", option, "` must be ", expected, " (got ", &got, ")"]))
}

/// The error for a `fetch` that resolved with something other than a `Response`.
pub fn not_a_response() -> JsValue {
    type_error("fetch resolved with something that is not a Response")
}
