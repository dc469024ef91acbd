//! The `on(type, listener)` events in the browser: the core's payloads ([`crate::core::events`])
//! serialized with serde-wasm-bindgen into plain objects, and the listeners, kept by
//! `js/events.js`. Which event types exist, what a listener must be and what each event says are
//! the core's decisions; this file converts and calls.
//! An event never carries a token.

use crate::core::errors::{unknown_event_message, LISTENER_NOT_A_FUNCTION};
use crate::core::events::{Event, EventKind, SessionInfo};
use crate::core::machine::SessionEnd;
use crate::web::errors::type_error;
use js_sys::{Function, Object};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

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

/// The `onSessionExpired` argument, `{ reason, status?, code? }`.
pub fn session_expired_argument(end: &SessionEnd) -> JsValue {
    to_js(&SessionInfo::of(end))
}
