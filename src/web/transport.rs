//! The [`Transport`] port: the global `fetch`, or a function the app passes as the `fetch` option
//! (a test double, an instrumented fetch, Node's undici…).

use crate::ports::Transport;
use js_sys::Function;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = globalFetch)]
    fn global_fetch() -> Result<Function, JsValue>;
}

/// `globalThis.fetch`, looked up on every call so that a fetch patched after the client was
/// created (by a mock service worker library, a test) is the one used.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlobalFetch;

/// A fetch function given by the app.
#[derive(Debug, Clone)]
pub struct FunctionFetch(pub Function);

impl Transport for GlobalFetch {
    fn function(&self) -> Result<Function, JsValue> {
        global_fetch()
    }
}

impl Transport for FunctionFetch {
    fn function(&self) -> Result<Function, JsValue> {
        Ok(self.0.clone())
    }
}
