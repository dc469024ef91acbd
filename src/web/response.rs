//! Reading an API response once to classify it. `inspect` in `js/web.js` reads a JSON body as
//! bytes, parses it, and hands back an equal `Response` rebuilt from those bytes (cheaper than
//! `clone().json()`, which tees the stream); anything that is not JSON passes through unread.

use crate::core::classify::Code;
use crate::prelude::*;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    /// `[response, body]` (see `js/web.js`); rejects when `response` is not a `Response`.
    pub fn inspect(response: &JsValue, read_body: bool) -> Promise;
    #[wasm_bindgen(js_name = codeOf)]
    fn code_of(body: &JsValue, path: &str) -> Option<String>;
    /// The app's matcher on `{status, body}`; a throw is "no match".
    pub fn matches(matcher: &Function, status: u16, body: &JsValue) -> bool;
}

/// The business code at the dotted `path` of a parsed body.
pub fn code(body: &JsValue, path: &str) -> Option<Code> {
    if body.is_undefined() {
        return None;
    }
    code_of(body, path).map(|text| Code::from_text(&text))
}
