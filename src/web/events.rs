//! The `on(type, listener)` events: the core's [`Notice`]s as plain JS objects, handed to the
//! listeners kept by `Emitter` in `js/web.js`.
//! An event never carries a token.

use crate::core::classify::Code;
use crate::core::json;
use crate::core::machine::{EndReason, Notice, ReplayReason, SessionEnd, TokenSource, Trigger};
use crate::vault::{Fallback, Operation};
use crate::web::{errors, js};
use js_sys::{Function, Object};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    /// The listeners (see `js/web.js`).
    #[derive(Debug)]
    pub type Emitter;

    /// An emitter with no listeners.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Emitter;
    /// Adds a listener; returns the unsubscribe function. Throws a `TypeError` for an unknown
    /// event type or a listener that is not a function.
    #[wasm_bindgen(method, catch)]
    pub fn on(this: &Emitter, kind: &str, listener: &JsValue) -> Result<Function, JsValue>;
    /// Whether anyone listens to `kind` (to skip building events nobody reads).
    #[wasm_bindgen(method)]
    pub fn wants(this: &Emitter, kind: &str) -> bool;
    /// Calls the listeners of `kind` with `event`.
    #[wasm_bindgen(method)]
    pub fn emit(this: &Emitter, kind: &str, event: &Object);
    /// Removes every listener.
    #[wasm_bindgen(method)]
    pub fn clear(this: &Emitter);
}

/// The request a notice is about, for `request-queued` and `request-replayed`.
#[derive(Debug, Clone, Copy)]
pub struct RequestInfo<'a> {
    /// Its method.
    pub method: &'a str,
    /// Its URL, without any token.
    pub url: &'a str,
}

fn event(kind: &'static str) -> Object {
    let event = Object::new();
    js::set(&event, "type", kind);
    event
}

fn trigger_name(trigger: Trigger) -> &'static str {
    match trigger {
        Trigger::Proactive => "proactive",
        Trigger::Expired => "expired",
        Trigger::Rejected => "rejected",
        Trigger::Manual => "manual",
    }
}

/// A code as JS: a number when it is one, the text otherwise.
pub fn code_value(code: &Code) -> JsValue {
    match json::parse_number(code.as_str().as_bytes()) {
        Some(number) => number.into(),
        None => code.as_str().into(),
    }
}

/// The `onSessionExpired` argument and the body of the `session-expired` event.
pub fn session_info(target: &Object, end: &SessionEnd) {
    let reason = match end.reason {
        EndReason::RefreshRejected => "refresh-rejected",
        EndReason::SessionExpiredResponse => "session-expired-response",
        EndReason::NoRefreshToken => "no-refresh-token",
        EndReason::RefreshFunction => "refresh-function",
    };
    js::set(target, "reason", reason);
    if let Some(status) = end.status {
        js::set(target, "status", status);
    }
    if let Some(code) = &end.code {
        js::set(target, "code", code_value(code));
    }
}

fn optional_time(value: Option<f64>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from)
}

/// The event for `notice`: its type and object. `request` describes the request the notice names,
/// `duration_ms` the refresh that just ended.
pub fn notice_event(
    notice: &Notice,
    request: Option<RequestInfo<'_>>,
    duration_ms: f64,
) -> (&'static str, Object) {
    let with_request = |kind: &'static str| {
        let e = event(kind);
        if let Some(request) = request {
            js::set(&e, "method", request.method);
            js::set(&e, "url", request.url);
        }
        e
    };
    match notice {
        Notice::RefreshStarted { trigger, queued } => {
            let e = event("refresh-start");
            js::set(&e, "reason", trigger_name(*trigger));
            js::set(&e, "queued", *queued as u32);
            ("refresh-start", e)
        }
        Notice::RefreshSucceeded { replayed, expires_at } => {
            let e = event("refresh-success");
            js::set(&e, "durationMs", duration_ms);
            js::set(&e, "replayed", *replayed as u32);
            js::set(&e, "expiresAt", optional_time(*expires_at));
            ("refresh-success", e)
        }
        Notice::RefreshFailed { failure, rejected } => {
            let e = event("refresh-failure");
            js::set(&e, "reason", errors::failure_reason(failure.kind));
            if let Some(status) = failure.status {
                js::set(&e, "status", status);
            }
            js::set(&e, "durationMs", duration_ms);
            js::set(&e, "rejected", *rejected as u32);
            ("refresh-failure", e)
        }
        Notice::SessionEnded { end, rejected } => {
            let e = event("session-expired");
            session_info(&e, end);
            js::set(&e, "rejected", *rejected as u32);
            ("session-expired", e)
        }
        Notice::TokensChanged { source, expires_at, has_refresh } => {
            let e = event("tokens-changed");
            let source = match source {
                TokenSource::Set => "set",
                TokenSource::Refresh => "refresh",
                TokenSource::Clear => "clear",
                TokenSource::SessionExpired => "session-expired",
            };
            js::set(&e, "source", source);
            js::set(&e, "expiresAt", optional_time(*expires_at));
            js::set(&e, "hasRefreshToken", *has_refresh);
            ("tokens-changed", e)
        }
        Notice::Queued { queued, .. } => {
            let e = with_request("request-queued");
            js::set(&e, "queued", *queued as u32);
            ("request-queued", e)
        }
        Notice::Replayed { reason, .. } => {
            let e = with_request("request-replayed");
            let reason = match reason {
                ReplayReason::Refreshed => "refreshed",
                ReplayReason::TokenChanged => "token-changed",
            };
            js::set(&e, "reason", reason);
            ("request-replayed", e)
        }
    }
}

/// The `storage-fallback` event.
pub fn fallback_event(fallback: &Fallback) -> Object {
    let e = event("storage-fallback");
    js::set(&e, "storage", fallback.storage);
    let operation = match fallback.operation {
        Operation::Read => "read",
        Operation::Write => "write",
        Operation::Remove => "remove",
    };
    js::set(&e, "operation", operation);
    js::set(&e, "message", fallback.error.message());
    e
}
