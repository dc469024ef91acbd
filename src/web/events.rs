//! The `on(type, listener)` events in the browser: the core's payloads ([`crate::core::events`])
//! serialized with serde-wasm-bindgen into plain objects, and the listeners, kept by
//! `js/events.js`. Which event types exist, what a listener must be and what each event says are
//! the core's decisions; this file converts and calls.
//! An event never carries a token.

use crate::core::classify::Code;
use crate::core::errors::{unknown_event_message, LISTENER_NOT_A_FUNCTION};
use crate::core::events::{CodeValue, Event, EventKind, Fallback, SessionInfo};
use crate::core::machine::{Notice, SessionEnd};
use crate::web::errors::type_error;
use js_sys::{Function, Object};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

pub use crate::core::events::RequestInfo;

#[wasm_bindgen(module = "/js/events.js")]
extern "C" {
    /// The listener table of `js/events.js`, by event type number ([`EventKind::index`]).
    #[derive(Debug)]
    type Listeners;

    #[wasm_bindgen(constructor)]
    fn new() -> Listeners;
    #[wasm_bindgen(method)]
    fn add(this: &Listeners, kind: usize, listener: &Function) -> Function;
    #[wasm_bindgen(method)]
    fn has(this: &Listeners, kind: usize) -> bool;
    #[wasm_bindgen(method)]
    fn emit(this: &Listeners, kind: usize, event: &JsValue);
    #[wasm_bindgen(method)]
    fn clear(this: &Listeners);
}

/// How every value crosses to JavaScript: plain objects, `null` for `None` (the `expiresAt` of
/// the events); keys the core leaves out (`status`, `code`) stay absent.
const SERIALIZER: Serializer = Serializer::json_compatible();

/// `value` as a JavaScript value. The core's payloads always serialize (strings, small numbers,
/// booleans and structs); should one ever fail, an empty object goes out instead.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&SERIALIZER).unwrap_or_else(|_| Object::new().into())
}

/// `value` (a struct) as a plain object.
fn to_object<T: Serialize + ?Sized>(value: &T) -> Object {
    to_js(value).unchecked_into()
}

/// The listeners of one client.
#[derive(Debug)]
pub struct Emitter {
    listeners: Listeners,
}

impl Default for Emitter {
    fn default() -> Emitter {
        Emitter::new()
    }
}

impl Emitter {
    /// An emitter with no listeners.
    pub fn new() -> Emitter {
        Emitter { listeners: Listeners::new() }
    }

    /// `on(type, listener)`: adds a listener and returns the unsubscribe function. A `TypeError`
    /// for an unknown event type (naming the valid ones) or a listener that is not a function.
    pub fn on(&self, kind: &str, listener: &JsValue) -> Result<Function, JsValue> {
        let Some(kind) = EventKind::parse(kind) else {
            return Err(type_error(&unknown_event_message(kind)));
        };
        if !listener.is_function() {
            return Err(type_error(LISTENER_NOT_A_FUNCTION));
        }
        Ok(self.listeners.add(kind.index(), listener.unchecked_ref()))
    }

    /// Whether anyone listens to events of type `kind`.
    pub fn wants_kind(&self, kind: EventKind) -> bool {
        self.listeners.has(kind.index())
    }

    /// Whether anyone listens to `kind` (to skip building events nobody reads); false for a name
    /// that is not an event type.
    pub fn wants(&self, kind: &str) -> bool {
        EventKind::parse(kind).is_some_and(|kind| self.wants_kind(kind))
    }

    /// Calls the listeners of `kind` with `event` (an event object built by this module).
    pub fn emit(&self, kind: &str, event: &Object) {
        if let Some(kind) = EventKind::parse(kind) {
            self.listeners.emit(kind.index(), event);
        }
    }

    /// Serializes `event` and hands it to its listeners, when it has any.
    pub fn notify(&self, event: &Event<'_>) {
        let kind = event.kind();
        if self.wants_kind(kind) {
            self.listeners.emit(kind.index(), &to_js(event));
        }
    }

    /// Removes every listener.
    pub fn clear(&self) {
        self.listeners.clear();
    }
}

/// A code as JS: a number when it is one, the text otherwise (see [`CodeValue`]).
pub fn code_value(code: &Code) -> JsValue {
    to_js(&CodeValue::of(code))
}

/// The `onSessionExpired` argument, `{ reason, status?, code? }`.
pub fn session_expired_argument(end: &SessionEnd) -> JsValue {
    to_js(&SessionInfo::of(end))
}

/// Writes the `onSessionExpired` argument's fields onto `target`.
pub fn session_info(target: &Object, end: &SessionEnd) {
    Object::assign(target, &to_object(&SessionInfo::of(end)));
}

/// The event for `notice`: its type and object. `request` describes the request the notice names,
/// `duration_ms` the refresh that just ended.
pub fn notice_event(
    notice: &Notice,
    request: Option<RequestInfo<'_>>,
    duration_ms: f64,
) -> (&'static str, Object) {
    let event = Event::from_notice(notice, request, duration_ms);
    (event.kind().as_str(), to_object(&event))
}

/// The `storage-fallback` event.
pub fn fallback_event(fallback: &Fallback) -> Object {
    to_object(&Event::from_fallback(fallback))
}
