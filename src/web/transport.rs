//! The [`Transport`] port: the global `fetch`, or a function the app passes as the `fetch` option
//! (a test double, an instrumented fetch, Node's undici…).

use crate::ports::Transport;
use crate::web::{errors, js};
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

/// `globalThis.fetch`, looked up on every call so that a fetch patched after the client was
/// created (by a mock service worker library, a test) is the one used.
#[derive(Debug, Clone, Copy, Default)]
pub struct GlobalFetch;

/// A fetch function given by the app.
#[derive(Debug, Clone)]
pub struct FunctionFetch(pub Function);

fn call(fetch: &Function, input: &JsValue, init: &JsValue) -> Result<Promise, JsValue> {
    let result = fetch.call2(&JsValue::UNDEFINED, input, init)?;
    // A fetch that returns a plain value instead of a promise is wrapped, so the driver can await it.
    Ok(result.dyn_into::<Promise>().unwrap_or_else(|value| Promise::resolve(&value)))
}

impl Transport for GlobalFetch {
    fn fetch(&self, input: &JsValue, init: &JsValue) -> Result<Promise, JsValue> {
        let fetch = js::get(&js::global(), "fetch")
            .dyn_into::<Function>()
            .map_err(|_| errors::type_error("there is no global fetch here; pass the `fetch` option"))?;
        call(&fetch, input, init)
    }
}

impl Transport for FunctionFetch {
    fn fetch(&self, input: &JsValue, init: &JsValue) -> Result<Promise, JsValue> {
        call(&self.0, input, init)
    }
}
