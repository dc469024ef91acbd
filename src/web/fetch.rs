//! The [`Transport`] port in the browser. The caller's request is made replayable by `prepare` in
//! `js/web.js` (object work only); each attempt goes out through the `fetch` option or the global
//! `fetch`; the refresh call is built with gloo-net. Where the token goes, which answers are read
//! and what they mean are decided by the core and the driver, not here.

use crate::core::classify::{should_read_body, Head, BODY_READ_CAP};
use crate::core::refresh::{PlainRequest, Scalar};
use crate::core::text::{cat, is_latin1};
use crate::core::url;
use crate::ports::{Destination, Prepared, RefreshAnswer, Transport};
use crate::web::abort::AbortWatch;
use crate::web::platform::WebPlatform;
use crate::web::{errors, js};
use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Function, Promise};
use std::future::Future;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    /// A request made replayable (see `js/web.js`).
    #[derive(Debug, Clone)]
    pub type Outgoing;

    #[wasm_bindgen(catch, js_name = hrefOf)]
    fn href_of(input: &JsValue, joined: Option<&str>) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_name = prepare)]
    fn prepare_js(input: &JsValue, init: &JsValue, href: &str) -> Result<Outgoing, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn method(this: &Outgoing) -> String;
    /// The caller's signal: none when a string input came without one.
    #[wasm_bindgen(method, getter)]
    fn signal(this: &Outgoing) -> Option<web_sys::AbortSignal>;
    #[wasm_bindgen(method, getter)]
    fn stream(this: &Outgoing) -> bool;
    /// The read of the body, when the request's body is being buffered.
    #[wasm_bindgen(method, getter)]
    fn ready(this: &Outgoing) -> Option<Promise>;
    /// One attempt through `fetch` (the global one for `None`), as a promise.
    #[wasm_bindgen(method)]
    fn send(
        this: &Outgoing,
        fetch: Option<&Function>,
        url: &str,
        header: Option<&str>,
        value: Option<&str>,
    ) -> Promise;
    #[wasm_bindgen(js_name = readJson)]
    fn read_json_js(response: &web_sys::Response, cap: u32) -> Promise;
    /// `fn(a, b)` as a promise, whatever it returns or throws; the global `fetch` for `None`.
    #[wasm_bindgen(js_name = callLater)]
    pub(crate) fn call_later(function: Option<&Function>, a: &JsValue, b: &JsValue) -> Promise;
}

/// Aborts the refresh call when dropped (the deadline passed, or the client was disposed).
struct AbortOnDrop(AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl WebPlatform {
    /// `fetch(input, init)` through the `fetch` option or the global `fetch`; rejects when the
    /// answer is not a `Response`.
    async fn fetch_response(&self, input: &JsValue, init: &JsValue) -> Result<web_sys::Response, JsValue> {
        let answer = JsFuture::from(call_later(self.fetch.as_ref(), input, init)).await?;
        answer.dyn_into::<web_sys::Response>().map_err(|_| errors::not_a_response())
    }

    /// Reads a JSON body when it says it is JSON (up to the cap): `[response, body]`.
    async fn read(
        &self,
        response: web_sys::Response,
        cap: u32,
    ) -> Result<(web_sys::Response, Option<JsValue>), JsValue> {
        if response.body().is_none() {
            return Ok((response, None));
        }
        let pair = JsFuture::from(read_json_js(&response, cap)).await?;
        let body = js::get(&pair, "1");
        let response = js::get(&pair, "0").unchecked_into();
        Ok((response, (!body.is_undefined()).then_some(body)))
    }
}

impl Transport for WebPlatform {
    fn destination(&self, call: &Self::Call, base_url: Option<&str>) -> Result<Destination, JsValue> {
        let (input, init) = call;
        let joined = input.as_string().map(|text| url::join(base_url, &text));
        let url = href_of(input, joined.as_deref())?;
        Ok(Destination { url, auth: js::get(init, "auth").as_bool() != Some(false) })
    }

    fn pass_through(
        &self,
        call: Self::Call,
        destination: &Destination,
    ) -> impl Future<Output = Result<web_sys::Response, JsValue>> {
        let (input, init) = call;
        // A string input goes out with the baseURL applied; anything else as the caller gave it.
        let input = if input.is_string() { JsValue::from_str(&destination.url) } else { input };
        async move {
            let answer = JsFuture::from(call_later(self.fetch.as_ref(), &input, &init)).await?;
            answer.dyn_into::<web_sys::Response>().map_err(|_| errors::not_a_response())
        }
    }

    fn prepare(
        &self,
        call: Self::Call,
        destination: &Destination,
    ) -> impl Future<Output = Result<Prepared<Outgoing>, JsValue>> {
        let prepared = prepare_js(&call.0, &call.1, &destination.url);
        async move {
            let request = prepared?;
            // Only a body being buffered costs a turn of the event loop.
            if let Some(ready) = request.ready() {
                JsFuture::from(ready).await?;
            }
            Ok(Prepared { method: request.method(), replayable: !request.stream(), request })
        }
    }

    fn abort_reason(&self, request: &Outgoing) -> Option<JsValue> {
        request.signal().filter(|signal| signal.aborted()).map(|signal| signal.reason())
    }

    fn aborted(&self, request: &Outgoing) -> impl Future<Output = JsValue> + Unpin {
        AbortWatch::new(request.signal())
    }

    fn send(
        &self,
        request: &Outgoing,
        url: &str,
        header: Option<(&str, &str)>,
    ) -> impl Future<Output = Result<web_sys::Response, JsValue>> {
        // A JS exception thrown through Rust would leave the request (and the tasks queued with it)
        // never settling: a value `Headers.set` refuses is an error for this request instead.
        let sent = match header {
            Some((name, value)) if !is_latin1(value) => Err(unsendable("access", name)),
            _ => Ok(request.send(self.fetch.as_ref(), url, header.map(|h| h.0), header.map(|h| h.1))),
        };
        async move {
            let answer = JsFuture::from(sent?).await?;
            answer.dyn_into::<web_sys::Response>().map_err(|_| errors::not_a_response())
        }
    }

    fn head(&self, response: &web_sys::Response) -> Head {
        let response = gloo_net::http::Response::from(<web_sys::Response as Clone>::clone(response));
        let headers = response.headers();
        Head {
            status: response.status(),
            content_type: headers.get("content-type"),
            content_length: headers.get("content-length").and_then(|text| text.trim().parse().ok()),
        }
    }

    fn challenge(&self, response: &web_sys::Response) -> Option<String> {
        response.headers().get("www-authenticate").ok().flatten()
    }

    fn read_json(
        &self,
        response: web_sys::Response,
        cap: u32,
    ) -> impl Future<Output = Result<(web_sys::Response, Option<JsValue>), JsValue>> {
        self.read(response, cap)
    }

    fn lookup(&self, body: &JsValue, path: &str) -> Option<Scalar> {
        js::scalar(&js::get_path(body, path))
    }

    fn call_refresh(
        &self,
        plain: &PlainRequest,
    ) -> impl Future<Output = Result<RefreshAnswer<JsValue>, JsValue>> {
        let built = build_refresh(plain);
        async move {
            let (request, abort) = built?;
            let response = self.fetch_response(&request, &JsValue::UNDEFINED).await?;
            let head = self.head(&response);
            let headers = response.headers();
            let retry_after = headers.get("retry-after").ok().flatten();
            let date = headers.get("date").ok().flatten();
            let (_, body) = if should_read_body(true, &head, BODY_READ_CAP) {
                self.read(response, BODY_READ_CAP).await?
            } else {
                (response, None)
            };
            drop(abort);
            Ok(RefreshAnswer { status: head.status, body, retry_after, date })
        }
    }
}

/// The `TypeError` for a `token` (`access`, `refresh`) that the `header` cannot carry; never the
/// token itself.
fn unsendable(token: &str, header: &str) -> JsValue {
    errors::type_error(&cat(&[
        "the ",
        token,
        " token cannot be sent in the `",
        header,
        "` header: it has characters outside ISO-8859-1, which no header can carry (is the stored value corrupt?)",
    ]))
}

/// The refresh call as a `Request` (gloo-net's builder), with the guard that aborts it.
fn build_refresh(plain: &PlainRequest) -> Result<(JsValue, AbortOnDrop), JsValue> {
    let controller = AbortController::new()?;
    let method = Method::from_bytes(plain.method.as_bytes())
        .map_err(|_| errors::type_error("the refresh method is not an HTTP method"))?;
    let mut builder = RequestBuilder::new(&plain.url).method(method).abort_signal(Some(&controller.signal()));
    for (name, value) in &plain.headers {
        // gloo-net's `header` throws through Rust for what `Headers.set` refuses.
        if !is_latin1(value) {
            return Err(unsendable("refresh", name));
        }
        builder = builder.header(name, value);
    }
    let request = match &plain.body {
        Some(body) => builder.body(JsValue::from_str(body)),
        None => builder.build(),
    }
    // gloo-net's message would quote the URL, which may carry the refresh token.
    .map_err(|_| errors::type_error("the refresh request could not be built: check `refresh.url`"))?;
    Ok((web_sys::Request::from(request).into(), AbortOnDrop(controller)))
}
