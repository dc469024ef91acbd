//! The browser platform the client runs on: its opaque values are JavaScript objects. The ports
//! are implemented in [`crate::web::fetch`] (transport), [`crate::web::app`] (callbacks, events,
//! errors), [`crate::web::timer`] (time), [`crate::web::tabs`] (cross-tab coordination) and
//! [`crate::web::wake`] (the page waking up).

use crate::ports::Values;
use crate::web::events::Emitter;
use crate::web::fetch::Outgoing;
use crate::web::tabs::{Channel, Database};
use crate::web::wake::WakeListeners;
use js_sys::Function;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// See the module documentation.
#[derive(Debug)]
pub struct WebPlatform {
    /// The `fetch` option; the global `fetch` (looked up at each call) when `None`.
    pub(crate) fetch: Option<Function>,
    /// The `on(type, listener)` listeners.
    pub(crate) listeners: Emitter,
    /// The shared store's database, opened at its first use (closed when dropped).
    pub(crate) database: RefCell<Option<Database>>,
    /// The channel to the other tabs, opened by the first `listen` or `broadcast` (closed when
    /// dropped).
    pub(crate) channel: RefCell<Option<Channel>>,
    /// The page's wake-up listeners, set by `watch` (removed when dropped).
    pub(crate) wakeups: RefCell<Option<WakeListeners>>,
}

impl WebPlatform {
    /// A platform sending with `fetch` (or the global one).
    pub fn new(fetch: Option<Function>) -> WebPlatform {
        WebPlatform {
            fetch,
            listeners: Emitter::new(),
            database: RefCell::default(),
            channel: RefCell::default(),
            wakeups: RefCell::default(),
        }
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
