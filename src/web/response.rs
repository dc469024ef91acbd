//! Reading an API response once to classify it. A JSON body is read as bytes, parsed with
//! `JSON.parse`, and the caller gets an equal `Response` rebuilt from those bytes (cheaper than
//! `clone().json()`, which tees the stream). Anything that is not JSON passes through unread.

use crate::core::classify::is_json_content_type;
use crate::web::js;
use js_sys::{Object, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Response, ResponseInit, TextDecoder};

/// Statuses whose response may not have a body (the `Response` constructor refuses one).
const NULL_BODY_STATUSES: [u16; 4] = [101, 204, 205, 304];

/// A response and what classification needs of it.
#[derive(Debug)]
pub struct Inspected {
    /// The response to hand the caller (the original, or an equal one rebuilt from its bytes).
    pub response: Response,
    /// The HTTP status.
    pub status: u16,
    /// The parsed JSON body, or `undefined` when not read or not JSON.
    pub body: JsValue,
}

/// Inspects `response`; reads the body only when `read_body` and the body is JSON.
pub async fn inspect(response: Response, read_body: bool) -> Result<Inspected, JsValue> {
    let status = response.status();
    let content_type = response.headers().get("content-type").ok().flatten().unwrap_or_default();
    let readable = read_body
        && response.body().is_some()
        && !NULL_BODY_STATUSES.contains(&status)
        && (200..600).contains(&status)
        && is_json_content_type(&content_type);
    if !readable {
        return Ok(Inspected { response, status, body: JsValue::UNDEFINED });
    }
    let bytes = Uint8Array::new(&JsFuture::from(response.array_buffer()?).await?);
    let text = TextDecoder::new()?.decode_with_buffer_source(&bytes)?;
    let body = JSON::parse(&text).unwrap_or(JsValue::UNDEFINED);
    Ok(Inspected { response: rebuild(&response, &bytes)?, status, body })
}

/// A `Response` equal to `original` with `bytes` as its body: same status, status text and
/// headers, and the read-only `url`, `redirected` and `type` the constructor cannot set.
fn rebuild(original: &Response, bytes: &Uint8Array) -> Result<Response, JsValue> {
    let init = ResponseInit::new();
    init.set_status(original.status());
    init.set_status_text(&original.status_text());
    init.set_headers(&original.headers());
    let copy = Response::new_with_opt_buffer_source_and_init(Some(bytes), &init)?;
    for key in ["url", "redirected", "type"] {
        let descriptor = Object::new();
        js::set(&descriptor, "value", js::get(original, key));
        Object::define_property(&copy, &JsValue::from_str(key), &descriptor);
    }
    Ok(copy)
}

/// Evaluates a matcher function on `{status, body}`; a throw counts as "no match".
pub fn call_matcher(matcher: &js_sys::Function, status: u16, body: &JsValue) -> bool {
    let argument = Object::new();
    js::set(&argument, "status", status);
    js::set(&argument, "body", body.clone());
    matcher.call1(&JsValue::UNDEFINED, &argument).map(|v| v.is_truthy()).unwrap_or(false)
}

/// `true` when `value` is a `Response` (a fetch replacement may resolve with something else).
pub fn as_response(value: JsValue) -> Result<Response, JsValue> {
    value
        .dyn_into::<Response>()
        .map_err(|_| crate::web::errors::type_error("fetch resolved with something that is not a Response"))
}
