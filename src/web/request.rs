//! Turning a caller's `fetch(input, init)` into something that can be sent twice: the URL resolved
//! against `baseURL`, the origin checked, the body buffered once so a replay sends the same bytes,
//! and one function that builds each attempt with the token in its place.

use crate::core::options::{credential, Attach};
use crate::core::tokens::Secret;
use crate::core::url;
use crate::prelude::*;
use crate::web::{errors, js};
use js_sys::{Object, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, ReadableStream, Request};

/// The `RequestInit` members copied from the normalised request onto every attempt.
const COPIED_MEMBERS: [&str; 8] =
    ["mode", "credentials", "cache", "redirect", "referrer", "referrerPolicy", "integrity", "keepalive"];

/// Where a call goes.
#[derive(Debug)]
pub enum Route {
    /// Not ours to touch (another origin, or `auth: false`): hand these to `fetch` as they are.
    Direct {
        /// The input, with `baseURL` applied to a relative string.
        input: JsValue,
        /// The caller's init.
        init: JsValue,
    },
    /// Attach the token, classify the answer, refresh and replay as needed.
    Auth(Prepared),
}

/// The request body, read once.
#[derive(Debug)]
enum Body {
    None,
    Bytes(Uint8Array),
    /// A stream cannot be read twice: sent once, from this request, and never replayed.
    Stream(Request),
}

/// A request ready to be sent, and sent again.
#[derive(Debug)]
pub struct Prepared {
    /// The absolute URL, without any token: safe for events.
    pub url: String,
    /// The method, for events.
    pub method: String,
    headers: Headers,
    body: Body,
    /// `mode`, `credentials`, `signal`… copied onto every attempt.
    template: Object,
    /// Aborts when the caller's signal does.
    pub signal: web_sys::AbortSignal,
}

impl Prepared {
    /// False for a stream body, which can be sent only once.
    pub fn replayable(&self) -> bool {
        !matches!(self.body, Body::Stream(_))
    }
}

/// Decides where a call goes and, for ours, buffers what a replay needs.
///
/// `allowed` tells whether an origin may receive the token. Errors are what `fetch` itself would
/// reject with (an invalid URL, a GET with a body…).
pub async fn prepare(
    input: JsValue,
    init: JsValue,
    base_url: Option<&str>,
    allowed: impl Fn(&str) -> bool,
) -> Result<Route, JsValue> {
    let input = match input.as_string() {
        Some(text) => JsValue::from_str(&url::join(base_url, &text)),
        None => input,
    };
    let wants_auth = js::get(&init, "auth") != JsValue::FALSE;
    let target = match input.dyn_ref::<Request>() {
        Some(request) => request.url(),
        None => {
            let text = input
                .as_string()
                .or_else(|| js::get(&input, "href").as_string())
                .ok_or_else(|| errors::type_error("fetch input must be a string, a URL or a Request"))?;
            absolute(&text)?
        }
    };
    let origin = web_sys::Url::new(&target).map(|u| u.origin()).unwrap_or_default();
    if !wants_auth || !allowed(&origin) {
        return Ok(Route::Direct { input, init });
    }
    let init_object: &web_sys::RequestInit = init.unchecked_ref();
    let request = match input.dyn_ref::<Request>() {
        Some(request) if init.is_undefined() => Clone::clone(request),
        Some(request) => Request::new_with_request_and_init(request, init_object)?,
        None => Request::new_with_str_and_init(&target, init_object)?,
    };
    let streamed = js::get(&init, "body").has_type::<ReadableStream>();
    let body = if request.body().is_none() {
        Body::None
    } else if streamed {
        Body::Stream(Clone::clone(&request))
    } else {
        let bytes = JsFuture::from(request.array_buffer()?).await?;
        Body::Bytes(Uint8Array::new(&bytes))
    };
    let template = Object::new();
    for member in COPIED_MEMBERS {
        js::set(&template, member, js::get(&request, member));
    }
    // The request's signal follows the caller's (from `init.signal` or the input Request).
    let signal = request.signal();
    js::set(&template, "signal", signal.clone());
    Ok(Route::Auth(Prepared {
        url: request.url(),
        method: request.method(),
        headers: request.headers(),
        body,
        template,
        signal,
    }))
}

/// Resolves `target` against the page, as `fetch` would.
fn absolute(target: &str) -> Result<String, JsValue> {
    let parsed = match js::page_href() {
        Some(page) => web_sys::Url::new_with_base(target, &page),
        None => web_sys::Url::new(target),
    };
    Ok(parsed?.href())
}

/// Builds one attempt: `(input, init)` for `fetch`, with `token` attached as configured.
pub fn attempt(
    prepared: &Prepared,
    attach: &Attach,
    token: Option<&Secret>,
) -> Result<(JsValue, JsValue), JsValue> {
    let headers = Headers::new_with_headers(&prepared.headers)?;
    let mut target = prepared.url.clone();
    if let Some(token) = token {
        match attach {
            Attach::Header { name, scheme } => headers.set(name, &credential(scheme.as_deref(), token))?,
            Attach::Query { name } => target = url::with_query(&target, name, token.expose()),
        }
    }
    let init = Object::assign(&Object::new(), &prepared.template);
    js::set(&init, "method", prepared.method.as_str());
    js::set(&init, "headers", headers);
    let input = match &prepared.body {
        Body::None => JsValue::from_str(&target),
        Body::Bytes(bytes) => {
            js::set(&init, "body", bytes.clone());
            JsValue::from_str(&target)
        }
        Body::Stream(request) => {
            let moved = Request::new_with_request_and_init(request, init.unchecked_ref())?;
            return Ok((moved.into(), JsValue::UNDEFINED));
        }
    };
    Ok((input, init.into()))
}
