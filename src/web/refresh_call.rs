//! The refresh itself, under a deadline: the endpoint call the core described as a plain request,
//! or the app's refresh function. The promise work (racing a timer, aborting the call) is done by
//! `withTimeout` in `js/web.js`.

use crate::core::json;
use crate::core::refresh::PlainRequest;
use crate::prelude::*;
use crate::web::js;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = withTimeout)]
    fn with_timeout(start: &Function, ms: f64) -> Promise;
    #[wasm_bindgen(js_name = refreshCall)]
    fn refresh_call(fetch: &Function, url: &str, method: &str, headers: &str, body: Option<&str>)
        -> Function;
    #[wasm_bindgen(js_name = refreshFunction)]
    fn refresh_function(refresh: &Function, tokens: &JsValue) -> Function;
}

/// Calls the refresh endpoint with `fetch`: resolves with `[response, body]` (the body parsed when
/// it is JSON), rejects with `{timeout: true}` after `ms`, or with the network error.
pub fn call_endpoint(fetch: &Function, request: &PlainRequest, ms: f64) -> Promise {
    // The headers as JSON `[[name, value], …]`: one string crosses instead of an array of arrays.
    let mut headers = String::from("[");
    for (i, (name, value)) in request.headers.iter().enumerate() {
        headers.push_str(if i == 0 { "[" } else { ",[" });
        json::push_string(&mut headers, name);
        headers.push(',');
        json::push_string(&mut headers, value);
        headers.push(']');
    }
    headers.push(']');
    let start = refresh_call(fetch, &request.url, &request.method, &headers, request.body.as_deref());
    with_timeout(&start, ms)
}

/// Calls the app's refresh function with the current tokens; rejects with `{timeout: true}` after
/// `ms`, or with what the function threw.
pub fn call_function(refresh: &Function, tokens: &JsValue, ms: f64) -> Promise {
    with_timeout(&refresh_function(refresh, tokens), ms)
}

/// Whether a rejection of the two calls above is the deadline.
pub fn timed_out(error: &JsValue) -> bool {
    js::get(error, "timeout").is_truthy()
}
