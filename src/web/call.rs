//! The axios-shaped calls (`request`, `get`, `post`…) in the browser: the config object is read
//! into plain values, [`crate::core::call`] and [`crate::core::params`] decide what goes out, the
//! client's `fetch` sends it (so the refresh rules apply unchanged), and the answer is read as the
//! `responseType` asks and handed back as `{data, status, statusText, headers, config}`, or as
//! the payload of its business envelope. This file reads, builds and sends; it decides nothing.

use crate::client::Client;
use crate::core::call::{
    self, BodyPlan, CallDefaults, CallError, DataKind, Envelope, ResponseType, Unwrapped, Validate,
};
use crate::core::classify::Code;
use crate::core::errors::call_config_message as bad;
use crate::core::json::integer_text;
use crate::core::params::{self, Param};
use crate::core::refresh::Scalar;
use crate::core::settings::{is_header_value, is_token};
use crate::core::url;
use crate::web::platform::WebPlatform;
use crate::web::{errors, js};
use js_sys::{Array, Function, Promise};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = propertiesOf)]
    fn properties_of(object: &JsValue) -> Array;
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = textOf)]
    fn text_of(value: &JsValue) -> Option<String>;
    #[wasm_bindgen(js_name = kindOfData)]
    fn kind_of_data(value: &JsValue) -> u8;
    #[wasm_bindgen(catch, js_name = headerPairsOf)]
    fn header_pairs_of(headers: &JsValue) -> Result<Vec<JsValue>, JsValue>;
    #[wasm_bindgen(catch, js_name = fieldsOf)]
    fn fields_of(config: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_name = configOf)]
    fn config_of(given: &JsValue, url: &str, method: &str, with_data: bool, data: &JsValue) -> JsValue;
    #[wasm_bindgen(catch, js_name = initOf)]
    fn init_of(
        method: &str,
        headers: Vec<String>,
        body: Option<JsValue>,
        duplex: bool,
        signal: Option<AbortSignal>,
        credentials: bool,
        auth: bool,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = responseOf)]
    fn response_of(data: &JsValue, response: &web_sys::Response, config: &JsValue) -> JsValue;
    /// The body the client's `fetch` already parsed, or undefined.
    #[wasm_bindgen(js_name = parsedOf)]
    fn parsed_of(response: &web_sys::Response) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse(text)`, the text staying a JavaScript string.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> Result<JsValue, JsValue>;
}

// The positions of the fields `fieldsOf` reads.
const URL: u32 = 0;
const METHOD: u32 = 1;
const BASE_URL: u32 = 2;
const HEADERS_FIELD: u32 = 3;
const PARAMS: u32 = 4;
const DATA: u32 = 5;
const RESPONSE_TYPE: u32 = 6;
const TIMEOUT: u32 = 7;
const SIGNAL: u32 = 8;
const VALIDATE_STATUS: u32 = 9;
const WITH_CREDENTIALS: u32 = 10;
const AUTH: u32 = 11;
const ENVELOPE: u32 = 12;

/// How deep `params` may nest: deeper is taken for a cycle (axios refuses circular params too).
const MAX_PARAMS_DEPTH: u32 = 32;

/// Why the call's own signal aborted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Timeout,
    Canceled,
}

/// The signal a call goes out with when it has a `timeout`: aborted by the timer or by the
/// caller's `signal`. Dropping it clears the timer and removes the listener on the caller's signal.
struct Deadline {
    controller: AbortController,
    stopped: Rc<Cell<Option<Stop>>>,
    _timer: Option<gloo_timers::callback::Timeout>,
    caller: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Deadline {
    fn new(timeout_ms: f64, caller: Option<AbortSignal>) -> Result<Deadline, JsValue> {
        let controller = AbortController::new()?;
        let stopped = Rc::new(Cell::new(None));
        let stop = |why: Stop| {
            let (controller, stopped) = (controller.clone(), Rc::clone(&stopped));
            move || {
                if stopped.get().is_none() {
                    stopped.set(Some(why));
                    controller.abort();
                }
            }
        };
        let timer = (timeout_ms > 0.0)
            .then(|| gloo_timers::callback::Timeout::new(timeout_ms as u32, stop(Stop::Timeout)));
        let caller = caller.map(|signal| {
            let on_abort = stop(Stop::Canceled);
            if signal.aborted() {
                on_abort();
            }
            let listener = Closure::<dyn FnMut()>::new(on_abort);
            let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
            (signal, listener)
        });
        Ok(Deadline { controller, stopped, _timer: timer, caller })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some((signal, listener)) = &self.caller {
            let _ = signal.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
    }
}

/// A bad field of a call's config: its name and what it takes, the words of the `TypeError` the
/// call rejects with (built in one place, [`From`]).
#[derive(Debug, Clone, Copy)]
struct Bad(&'static str, &'static str);

impl From<Bad> for JsValue {
    fn from(Bad(field, expected): Bad) -> JsValue {
        errors::type_error(&bad(field, expected))
    }
}

const HEADERS: &str = "an object of header names and ISO-8859-1 values, or a Headers";

/// A call as read from its arguments.
struct Call {
    /// The config as `response.config` and errors carry it.
    config: JsValue,
    url: String,
    method: String,
    /// `[name, value, …]`.
    headers: Vec<String>,
    body: Option<JsValue>,
    duplex: bool,
    credentials: bool,
    auth: bool,
    response_type: ResponseType,
    timeout_ms: f64,
    caller_signal: Option<AbortSignal>,
    validate: Validate<Function>,
    envelope: Option<Envelope>,
}

/// The client's `fetch`, behind one boxed future for every caller (`fetch()` and the calls): the
/// driver's state machine is compiled once, not inlined into each of them.
pub fn fetch(
    client: Rc<Client<WebPlatform>>,
    input: JsValue,
    init: JsValue,
) -> Pin<Box<dyn Future<Output = Result<web_sys::Response, JsValue>>>> {
    Box::pin(client.fetch((input, init)))
}

/// `request(config)` when `shorthand` is `None`; else `get(url, config)` and its siblings, or
/// `post(url, data, config)` and its siblings (`a` and `b` are the arguments after the URL).
pub async fn request(
    client: Rc<Client<WebPlatform>>,
    defaults: Rc<CallDefaults<Function>>,
    shorthand: Option<String>,
    url: JsValue,
    a: JsValue,
    b: JsValue,
) -> Result<JsValue, JsValue> {
    let call = read(&defaults, shorthand, url, a, b)?;
    let deadline = match call.timeout_ms > 0.0 {
        true => Some(Deadline::new(call.timeout_ms, call.caller_signal.clone())?),
        false => None,
    };
    let signal = deadline.as_ref().map(|d| d.controller.signal()).or_else(|| call.caller_signal.clone());
    let init = init_of(
        &call.method,
        call.headers.clone(),
        call.body.clone(),
        call.duplex,
        signal,
        call.credentials,
        call.auth,
    )
    .map_err(|_| JsValue::from(Bad("headers", HEADERS)))?;
    let stopped = || deadline.as_ref().and_then(|d| d.stopped.get());
    let fail = |error: JsValue| transport_error(&call, stopped(), error);
    let response = fetch(client, JsValue::from_str(&call.url), init).await.map_err(fail)?;
    let data = read_body(&response, call.response_type).await.map_err(fail)?;
    drop(deadline);
    settle(&call, &response, data)
}

/// The arguments read into a [`Call`]; a `TypeError` naming the field for a bad one.
fn read(
    defaults: &CallDefaults<Function>,
    shorthand: Option<String>,
    url_argument: JsValue,
    a: JsValue,
    b: JsValue,
) -> Result<Call, Bad> {
    let with_data = shorthand.as_deref().is_some_and(call::takes_data);
    let (given, data) = if with_data { (b, Some(a)) } else { (a, None) };
    if !given.is_undefined() && !given.is_null() && !given.is_object() {
        return Err(Bad("config", "an object"));
    }
    let fields = fields_of(&given).map_err(|_| Bad("config", "an object whose fields can be read"))?;
    let field = |at: u32| fields.get(at);

    let url = if url_argument.is_undefined() { field(URL) } else { url_argument };
    let url = match (url.as_string(), url.is_object()) {
        (Some(text), _) => text,
        (None, true) => text_of(&url).unwrap_or_default(),
        (None, false) if url.is_undefined() => String::new(),
        _ => return Err(Bad("url", "a string or a URL")),
    };
    let method = match shorthand {
        Some(method) => Some(method),
        None => optional_text(&field(METHOD), "method")?,
    };
    let method = call::method(method.as_deref()).ok_or(Bad("method", "an HTTP method such as 'post'"))?;

    let mut href = match optional_text(&field(BASE_URL), "baseURL")? {
        // The call's baseURL, resolved here, so that the client's is not put in front of it too.
        Some(base) => resolve(&url::join(Some(&base), &url))?,
        None => url.clone(),
    };
    let query = query_of(&field(PARAMS))?;
    href = params::with_query(&href, &query);

    let data = data.unwrap_or_else(|| field(DATA));
    let kind = data_kind(&data);
    let plan = call::body_plan(&method, kind);
    let call_headers = headers_of(&field(HEADERS_FIELD))?;
    let mut headers = Vec::new();
    for (name, value) in call::headers(&defaults.headers, &call_headers, plan, kind) {
        if !is_token(&name) || !is_header_value(&value) {
            return Err(Bad("headers", HEADERS));
        }
        headers.push(name);
        headers.push(value);
    }
    let body = match plan {
        BodyPlan::None => None,
        BodyPlan::AsIs => Some(data.clone()),
        BodyPlan::Json => Some(
            js_sys::JSON::stringify(&data)
                .map_err(|_| Bad("data", "a value JSON.stringify can write (no cycles, no BigInt)"))?
                .into(),
        ),
    };

    let response_type = match optional_text(&field(RESPONSE_TYPE), "responseType")? {
        None => ResponseType::Json,
        Some(text) => ResponseType::parse(&text)
            .ok_or(Bad("responseType", "'json', 'text', 'blob' or 'arraybuffer'"))?,
    };
    let timeout = field(TIMEOUT);
    let timeout_ms = match timeout.as_f64() {
        _ if timeout.is_undefined() => defaults.timeout_ms,
        Some(ms) if call::is_timeout(ms) => ms,
        _ => return Err(Bad("timeout", "a number of milliseconds from 0 (none) to 2147483647")),
    };
    let caller_signal = match field(SIGNAL).dyn_into::<AbortSignal>() {
        Ok(signal) => Some(signal),
        Err(signal) if signal.is_undefined() || signal.is_null() => None,
        Err(_) => return Err(Bad("signal", "an AbortSignal")),
    };
    let validate = match field(VALIDATE_STATUS).dyn_into::<Function>() {
        Ok(function) => Validate::Custom(function),
        Err(value) if value.is_null() || value.as_bool() == Some(false) => Validate::Any,
        Err(value) if value.is_undefined() => defaults.validate_status.clone(),
        Err(_) => return Err(Bad("validateStatus", "a function of the status, or null")),
    };
    let envelope = envelope_of(&field(ENVELOPE), defaults.envelope.as_ref())?;
    // What `response.config` and errors carry: the caller's config with the call's url, method
    // (lower-case, as axios has it) and data.
    let config = config_of(&given, &url, &method.to_ascii_lowercase(), with_data, &data);
    Ok(Call {
        config,
        url: href,
        duplex: kind == DataKind::Stream && body.is_some(),
        method,
        headers,
        body,
        credentials: field(WITH_CREDENTIALS).as_bool() == Some(true),
        auth: field(AUTH).as_bool() != Some(false),
        response_type,
        timeout_ms,
        caller_signal,
        validate,
        envelope,
    })
}

/// A field that is a string or absent.
fn optional_text(value: &JsValue, name: &'static str) -> Result<Option<String>, Bad> {
    match value.as_string() {
        Some(text) => Ok(Some(text)),
        None if value.is_undefined() || value.is_null() => Ok(None),
        None => Err(Bad(name, "a string")),
    }
}

/// `url` resolved against the page.
fn resolve(url: &str) -> Result<String, Bad> {
    let page = web_sys::window().and_then(|window| window.location().href().ok());
    let parsed = match page {
        Some(page) => web_sys::Url::new_with_base(url, &page),
        None => web_sys::Url::new(url),
    };
    parsed.map(|url| url.href()).map_err(|_| Bad("baseURL", "a base URL that makes the url a URL"))
}

/// What the `data` of a call is (facts from `kindOfData` in `js/web.js`).
fn data_kind(data: &JsValue) -> DataKind {
    match kind_of_data(data) {
        0 => DataKind::Absent,
        1 => DataKind::Text,
        2 => DataKind::Form,
        3 => DataKind::Search,
        4 => DataKind::Binary,
        5 => DataKind::Stream,
        6 => DataKind::Object,
        _ => DataKind::Scalar,
    }
}

/// The `[key, value]` pairs of an object (its enumerable string keys).
fn pairs(object: &JsValue) -> Vec<(String, JsValue)> {
    let flat = properties_of(object);
    let mut out = Vec::with_capacity(flat.length() as usize / 2);
    if flat.get(0).as_bool() == Some(false) {
        // A getter that throws: nothing to read.
        return out;
    }
    let mut items = flat.iter();
    while let (Some(key), Some(value)) = (items.next(), items.next()) {
        out.push((key.as_string().unwrap_or_default(), value));
    }
    out
}

/// The call's `headers` (a plain object or a `Headers`, flattened by `headerPairsOf`):
/// `null`/`undefined` values remove a default.
fn headers_of(value: &JsValue) -> Result<Vec<(String, Option<String>)>, Bad> {
    let flat = header_pairs_of(value).map_err(|_| Bad("headers", HEADERS))?;
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut items = flat.into_iter();
    while let (Some(name), Some(value)) = (items.next(), items.next()) {
        out.push((name.as_string().unwrap_or_default(), value.as_string()));
    }
    Ok(out)
}

/// The query of the call's `params`: serialized as axios does, or a `URLSearchParams`' own text.
fn query_of(value: &JsValue) -> Result<String, Bad> {
    if value.is_undefined() || value.is_null() {
        return Ok(String::new());
    }
    if let Some(search) = value.dyn_ref::<web_sys::UrlSearchParams>() {
        return Ok(search.to_string().into());
    }
    if !value.is_object() {
        return Err(Bad("params", "an object or a URLSearchParams"));
    }
    let mut top = Vec::new();
    for (key, item) in pairs(value) {
        let param = if params::wants_json(&key) && item.is_object() {
            let text = js_sys::JSON::stringify(&item)
                .map_err(|_| Bad("params", "values JSON.stringify can write"))?;
            Param::Json(text.into())
        } else {
            param_of(&item, 0)?
        };
        top.push((key, param));
    }
    Ok(params::serialize(&top))
}

/// One value of `params` as the core's [`Param`]: arrays and plain objects are visited, a `Date`
/// is its ISO text, anything else the string JavaScript makes of it.
fn param_of(value: &JsValue, depth: u32) -> Result<Param, Bad> {
    if value.is_undefined() || value.is_null() {
        return Ok(Param::Absent);
    }
    if depth > MAX_PARAMS_DEPTH {
        return Err(Bad("params", "an object that does not contain itself"));
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        let items: Result<Vec<Param>, Bad> = array.iter().map(|item| param_of(&item, depth + 1)).collect();
        return items.map(Param::List);
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        return Ok(Param::Text(date.to_iso_string().into()));
    }
    if value.is_object() && is_plain_object(value) {
        let mut entries = Vec::new();
        for (key, item) in pairs(value) {
            entries.push((key, param_of(&item, depth + 1)?));
        }
        return Ok(Param::Map(entries));
    }
    Ok(Param::Text(text_of(value).unwrap_or_default()))
}

/// The call's `envelope` over the client's: `false` none, `true` the defaults (or the client's),
/// an object its fields over the client's envelope (or the defaults).
fn envelope_of(value: &JsValue, default: Option<&Envelope>) -> Result<Option<Envelope>, Bad> {
    if value.is_undefined() {
        return Ok(default.cloned());
    }
    if let Some(on) = value.as_bool() {
        return Ok(on.then(|| default.cloned().unwrap_or_default()));
    }
    if !value.is_object() {
        return Err(Bad("envelope", "true, false or an object such as { code: 'code', success: [0] }"));
    }
    let path = |name: &'static str| optional_text(&js::get(value, name), name);
    let data = js::get(value, "data");
    let data = if data.is_null() { Some(None) } else { path("data")?.map(Some) };
    let success = js::get(value, "success");
    let success = match success.dyn_ref::<Array>() {
        Some(items) => Some(items.iter().filter_map(|item| code_of(&item)).collect()),
        None if success.is_undefined() => None,
        None => return Err(Bad("envelope.success", "an array of codes such as [0]")),
    };
    let base = default.cloned().unwrap_or_default();
    Ok(Some(base.with(path("code")?, success, data, path("message")?)))
}

/// A business code in a body: a string or a whole number.
fn code_of(value: &JsValue) -> Option<Code> {
    match js::scalar(value)? {
        Scalar::Text(text) => Some(Code::from_text(&text)),
        Scalar::Number(number) => Code::from_number(number),
    }
}

/// Reads the answer's body as `responseType` asks: `json` is the text, parsed when it is JSON.
async fn read_body(response: &web_sys::Response, response_type: ResponseType) -> Result<JsValue, JsValue> {
    if response_type == ResponseType::Json {
        // The client read and parsed a JSON answer already: no second read.
        let parsed = parsed_of(response);
        if !parsed.is_undefined() {
            return Ok(parsed);
        }
    }
    let promise: Promise = match response_type {
        ResponseType::Json | ResponseType::Text => response.text()?,
        ResponseType::Blob => response.blob()?,
        ResponseType::ArrayBuffer => response.array_buffer()?,
    };
    let body = JsFuture::from(promise).await?;
    let is_text = body.dyn_ref::<js_sys::JsString>().is_some_and(|text| text.length() > 0);
    if response_type == ResponseType::Json && is_text {
        return Ok(parse_json(&body).unwrap_or(body));
    }
    Ok(body)
}

/// The error for a call whose `fetch` or body read failed: the client's own errors as they are,
/// the call's timeout or the caller's abort, else a network error carrying what `fetch` threw.
fn transport_error(call: &Call, stopped: Option<Stop>, error: JsValue) -> JsValue {
    if errors::is_auth_error(&error) {
        return error;
    }
    let aborted = call.caller_signal.as_ref().is_some_and(AbortSignal::aborted);
    let (code, figure, cause) = match stopped {
        Some(Stop::Timeout) => (
            CallError::Timeout,
            integer_text(call.timeout_ms.round()).unwrap_or_default(),
            JsValue::UNDEFINED,
        ),
        Some(Stop::Canceled) => (CallError::Canceled, String::new(), reason(call)),
        None if aborted => (CallError::Canceled, String::new(), reason(call)),
        None => (CallError::Network, String::new(), error),
    };
    errors::request_error(
        &call::error_message(code, &figure),
        code,
        &call.config,
        &JsValue::UNDEFINED,
        &cause,
        &JsValue::UNDEFINED,
    )
}

/// The caller's abort reason.
fn reason(call: &Call) -> JsValue {
    call.caller_signal.as_ref().map_or(JsValue::UNDEFINED, AbortSignal::reason)
}

/// The answer settled: `{data, status, statusText, headers, config}`, refused by `validateStatus`,
/// or unwrapped from its envelope.
fn settle(call: &Call, response: &web_sys::Response, data: JsValue) -> Result<JsValue, JsValue> {
    let status = response.status();
    let out = response_of(&data, response, &call.config);

    let accepted = match &call.validate {
        Validate::Success => call::accepted_by_default(status),
        Validate::Any => true,
        Validate::Custom(function) => {
            function.call1(&JsValue::UNDEFINED, &JsValue::from(status))?.is_truthy()
        }
    };
    if !accepted {
        let code = CallError::refused(status);
        let message = call::error_message(code, &call::status_text(status));
        return Err(errors::request_error(
            &message,
            code,
            &call.config,
            &out,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ));
    }
    let Some(envelope) = &call.envelope else { return Ok(out) };
    if call.response_type != ResponseType::Json || !data.is_object() {
        return Ok(data);
    }
    let raw_code = js::get_path(&data, &envelope.code);
    match call::unwrap(envelope, code_of(&raw_code)) {
        Unwrapped::NotEnvelope => Ok(data),
        Unwrapped::Success => Ok(match &envelope.data {
            Some(path) => js::get_path(&data, path),
            None => data,
        }),
        Unwrapped::Failure(code) => {
            let message = js::get_path(&data, &envelope.message)
                .as_string()
                .filter(|message| !message.is_empty())
                .unwrap_or_else(|| call::error_message(CallError::Business, code.as_str()));
            Err(errors::request_error(
                &message,
                CallError::Business,
                &call.config,
                &out,
                &JsValue::UNDEFINED,
                &raw_code,
            ))
        }
    }
}
