//! The small traits the driver ([`crate::client`]) works through, so that where tokens are kept and
//! how requests travel can be swapped (in tests, or by the app) without touching the logic.
//!
//! The browser implementations live in [`crate::web`]. The token store is synchronous for now
//! because every storage the browser offers for this (Web Storage, `document.cookie`, an app's
//! `getItem`/`setItem` object) is; the multi-tab work will add an asynchronous one (IndexedDB
//! inside a Web Lock), and the driver already reads tokens only at the points where it could await.

use crate::prelude::*;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = callFetch)]
    fn call_fetch(fetch: &Function, input: &JsValue, init: &JsValue) -> Promise;
}

/// Why a storage operation failed: the storage's own message (quota exceeded, disabled, a cookie
/// that did not stick…). Never carries a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The storage threw or refused the write.
    Failed(String),
}

impl StoreError {
    /// A message for the `storage-fallback` event.
    pub fn message(&self) -> String {
        let StoreError::Failed(why) = self;
        cat(&["storage failed: ", why])
    }
}

/// A string key-value store: Web Storage, cookies, memory, or the app's own object.
pub trait KeyValueStore {
    /// A short name for events (`localStorage`, `cookie`…).
    fn kind(&self) -> &'static str;
    /// Reads a value; `Ok(None)` when absent.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a value.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes a value.
    fn remove(&self, key: &str) -> Result<(), StoreError>;
}

/// Sends HTTP requests: the `fetch` function to call.
pub trait Transport {
    /// The `fetch` function; `Err` when there is none.
    fn function(&self) -> Result<Function, JsValue>;

    /// Calls `fetch(input, init)`; a synchronous throw or a result that is not a promise comes out
    /// as a promise too. `Err` when there is no `fetch`.
    fn fetch(&self, input: &JsValue, init: &JsValue) -> Result<Promise, JsValue> {
        Ok(call_fetch(&self.function()?, input, init))
    }
}
