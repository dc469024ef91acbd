//! The browser platform the client runs on: its opaque values are JavaScript objects. The ports
//! are implemented in [`crate::web::fetch`] (transport), [`crate::web::app`] (callbacks, events,
//! errors) and [`crate::web::timer`] (time).

use crate::ports::Values;
use crate::web::events::Emitter;
use crate::web::fetch::Outgoing;
use js_sys::Function;
use wasm_bindgen::JsValue;

/// See the module documentation.
#[derive(Debug)]
pub struct WebPlatform {
    /// The `fetch` option; the global `fetch` (looked up at each call) when `None`.
    pub(crate) fetch: Option<Function>,
    /// The `on(type, listener)` listeners.
    pub(crate) listeners: Emitter,
}

impl WebPlatform {
    /// A platform sending with `fetch` (or the global one).
    pub fn new(fetch: Option<Function>) -> WebPlatform {
        WebPlatform { fetch, listeners: Emitter::new() }
    }

    /// The listeners, for `on`.
    pub fn listeners(&self) -> &Emitter {
        &self.listeners
    }
}

impl Values for WebPlatform {
    type Call = (JsValue, JsValue);
    type Request = Outgoing;
    type Response = web_sys::Response;
    type Body = JsValue;
    type Error = JsValue;
    type Function = Function;
}
