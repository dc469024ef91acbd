//! Turning a caller's `fetch(input, init)` into something that can be sent twice. The object work
//! (resolving the URL, checking the origin, reading the body once, building each attempt) is done
//! by `prepare` and `Outgoing.attempt` in `js/web.js`; this file declares them and puts the
//! token where the options say.

use crate::core::options::{credential, Attach};
use crate::core::tokens::Secret;
use crate::core::url;
use crate::prelude::*;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    /// A request made replayable (see `js/web.js`).
    #[derive(Debug)]
    pub type Outgoing;

    #[wasm_bindgen(js_name = prepare)]
    fn prepare_js(input: &JsValue, init: &JsValue, allowed_origins: &Array) -> Promise;

    /// The absolute URL, without any token: safe for events.
    #[wasm_bindgen(method, getter)]
    pub fn url(this: &Outgoing) -> String;
    /// The method, for events.
    #[wasm_bindgen(method, getter)]
    pub fn method(this: &Outgoing) -> String;
    /// Resolves with the abort reason when the caller aborts (never otherwise).
    #[wasm_bindgen(method, getter)]
    pub fn aborted(this: &Outgoing) -> Promise;
    /// The abort reason when the caller has aborted already.
    #[wasm_bindgen(method, getter, js_name = abortReason)]
    pub fn abort_reason(this: &Outgoing) -> Option<JsValue>;
    /// True for a stream body, which can be sent only once.
    #[wasm_bindgen(method, getter)]
    pub fn stream(this: &Outgoing) -> bool;
    #[wasm_bindgen(method, js_name = attempt)]
    fn attempt_js(
        this: &Outgoing,
        header: Option<&str>,
        value: Option<&str>,
        query: Option<&str>,
        token: Option<&str>,
    ) -> Array;
}

/// `prepare`'s promise: an [`Outgoing`], or `null` when the call is not ours (another origin,
/// `auth: false`) and goes to `fetch` untouched. A string input gets `baseURL` first.
pub fn prepare(
    input: &JsValue,
    init: &JsValue,
    base_url: Option<&str>,
    allowed_origins: &Array,
) -> (JsValue, Promise) {
    let input = match input.as_string() {
        Some(text) => JsValue::from_str(&url::join(base_url, &text)),
        None => input.clone(),
    };
    let promise = prepare_js(&input, init, allowed_origins);
    (input, promise)
}

impl Outgoing {
    /// `(input, init)` for one attempt, with `token` attached as configured.
    pub fn attempt(&self, attach: &Attach, token: Option<&Secret>) -> (JsValue, JsValue) {
        let pair = match (attach, token) {
            (Attach::Header { name, scheme }, Some(token)) => {
                self.attempt_js(Some(name), Some(&credential(scheme.as_deref(), token)), None, None)
            }
            (Attach::Query { name }, Some(token)) => {
                self.attempt_js(None, None, Some(name), Some(token.expose()))
            }
            (_, None) => self.attempt_js(None, None, None, None),
        };
        (pair.get(0), pair.get(1))
    }
}
