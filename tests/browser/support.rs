//! Fixtures shared by the browser tests: a scripted fake backend injected as the `fetch` option
//! (it records every call: URL, headers, body bytes, the raw input and init), small JS helpers, and
//! Rust helpers to await promises and read JS values.

use fetch_with_refresh::bindings::AuthClient;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The refresh endpoint of the fake API.
pub const REFRESH_URL: &str = "https://api.test/auth/refresh";

/// Options setting every documented option (a JS expression).
pub const EVERY_OPTION: &str = "{
        baseURL: 'https://api.test/v1',
        storage: 'memory',
        storageKeys: { accessToken: 'tk', refreshToken: 'rtk', expiresAt: 'exp' },
        cookie: { path: '/', domain: 'example.com', sameSite: 'Strict', secure: true, maxAge: 3600 },
        attach: { header: 'X-Token', scheme: null },
        refresh: {
            url: '/refreshJwt/{refreshToken}',
            method: 'put',
            send: { header: 'X-Refresh', scheme: 'Bearer', bodyField: 'rt', query: 'r', accessTokenField: 'token' },
            response: { accessToken: 'data.token', refreshToken: 'data.refreshToken', expiresIn: 'data.ttl', expiresAt: 'data.exp' },
            timeout: 5000,
        },
        proactiveWindow: 0,
        accessExpired: { status: [401], codes: [50014, '409'] },
        sessionExpired: ({ status, body }) => status === 401 && body && body.code === 50015,
        codeField: 'meta.code',
        onSessionExpired: async () => {},
        allowedOrigins: ['https://api.test', 'http://127.0.0.1:1'],
        fetch: (input, init) => fetch(input, init),
    }";

/// Every event type `on` accepts.
pub const EVENT_TYPES: [&str; 9] = [
    "refresh-start",
    "refresh-success",
    "refresh-failure",
    "session-expired",
    "tokens-changed",
    "request-queued",
    "request-replayed",
    "storage-fallback",
    "cross-tab-off",
];

#[wasm_bindgen(inline_js = r#"
const API = 'https://api.test';
const REFRESH_URL = 'https://api.test/auth/refresh';

export function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject, released: false, release() { this.released = true; resolve(); } };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Follows a promise without awaiting it: `settled`, then `value` or `error`.
export function track(promise) {
  const t = { settled: false, ok: undefined, value: undefined, error: undefined };
  promise.then(
    (value) => Object.assign(t, { settled: true, ok: true, value }),
    (error) => Object.assign(t, { settled: true, ok: false, error }),
  );
  return t;
}

export function jsonResponse(status, body, extra) {
  return new Response(JSON.stringify(body), {
    status,
    statusText: extra?.statusText ?? '',
    headers: { 'content-type': 'application/json', ...(extra?.headers ?? {}) },
  });
}

// A transport (the `fetch` option) that records each call and answers with `handler(call)`.
// `call` = { n, input, init, url, method, headers (lower-case names), bytes, text, response }.
export function transport(handler) {
  const calls = [];
  const fetch = (input, init) => {
    const call = { n: calls.length, input, init };
    calls.push(call);
    let request;
    try {
      request = new Request(input, init);
    } catch (e) {
      call.error = e;
      return Promise.reject(e);
    }
    call.url = request.url;
    call.method = request.method;
    call.headers = Object.fromEntries(request.headers);
    call.signal = init && init.signal;
    call.options = JSON.stringify(['credentials', 'mode', 'cache', 'redirect', 'referrerPolicy', 'keepalive', 'integrity']
      .map((k) => [k, request[k]]));
    return request.arrayBuffer().then((buffer) => {
      call.bytes = new Uint8Array(buffer);
      call.text = new TextDecoder().decode(call.bytes);
      return handler(call);
    }).then((response) => {
      call.response = response;
      return response;
    });
  };
  return { fetch, calls };
}

function tokenOf(call) {
  const auth = call.headers['authorization'];
  if (auth) return auth.startsWith('Bearer ') ? auth.slice(7) : auth;
  if (call.headers['x-token']) return call.headers['x-token'];
  return new URL(call.url).searchParams.get('token');
}

// A fake backend: access tokens in `valid` are accepted; anything else is "expired" (HTTP 401, or
// with `expired: 'code'` HTTP 200 {code: 50014}). The refresh endpoint takes {refresh_token} and,
// when it is the current one, issues N1, N2… with refresh tokens R-N1, R-N2…
// Hooks: refreshGate (a deferred the refresh waits on), refreshReply(call, s), apiGate(call) →
// promise, apiReply(call, s). `s.json` builds JSON responses for hooks written with new Function.
export function backend(config) {
  const s = Object.assign({
    valid: [],
    refreshToken: 'R1',
    refreshUrl: REFRESH_URL,
    issued: 0,
    expired: 'status',
    expiresIn: 3600,
    refreshGate: null,
    refreshReply: null,
    apiGate: null,
    apiReply: null,
    json: jsonResponse,
  }, config ?? {});
  s.valid = new Set(s.valid);
  const isRefresh = (call) => call.url.split('?')[0] === s.refreshUrl;
  s.issue = (call) => {
    let sent = null;
    try { sent = JSON.parse(call.text).refresh_token; } catch { /* not JSON */ }
    if (sent !== s.refreshToken) return jsonResponse(401, { error: 'invalid_grant' });
    s.issued += 1;
    const access = `N${s.issued}`;
    s.valid.add(access);
    s.refreshToken = `R-N${s.issued}`;
    return jsonResponse(200, { access_token: access, refresh_token: s.refreshToken, expires_in: s.expiresIn });
  };
  const t = transport(async (call) => {
    if (isRefresh(call)) {
      if (s.refreshGate) await s.refreshGate.promise;
      return s.refreshReply ? s.refreshReply(call, s) : s.issue(call);
    }
    if (s.apiGate) await s.apiGate(call, s);
    if (s.apiReply) return s.apiReply(call, s);
    const token = tokenOf(call);
    if (token !== null && s.valid.has(token)) {
      return jsonResponse(200, { ok: true, path: new URL(call.url).pathname, token, method: call.method, body: call.text });
    }
    return s.expired === 'code' ? jsonResponse(200, { code: 50014 }) : jsonResponse(401, { code: 401, error: 'token_expired' });
  });
  s.fetch = t.fetch;
  s.calls = t.calls;
  s.api = () => t.calls.filter((c) => !isRefresh(c));
  s.refreshes = () => t.calls.filter(isRefresh);
  s.tokenOf = tokenOf;
  return s;
}

// Client options over a fake backend: memory storage, the fake API allowed, its refresh endpoint.
export function options(server, extra) {
  return Object.assign(
    { storage: 'memory', allowedOrigins: [API], refresh: { url: server.refreshUrl ?? REFRESH_URL }, fetch: server.fetch },
    extra ?? {},
  );
}

export function eventSink() {
  const events = [];
  return { events, push: (e) => { events.push(e); } };
}

export function recorder() {
  const calls = [];
  const fn = (...args) => { calls.push(args); };
  fn.calls = calls;
  return fn;
}

export function resetStorage() {
  // The cross-tab record store: deleted once the clients' connections close (they close on
  // `versionchange`); later opens wait for the deletion.
  indexedDB.deleteDatabase('fetch-with-refresh');
  localStorage.clear();
  sessionStorage.clear();
  for (const pair of document.cookie.split(';')) {
    const name = pair.split('=')[0].trim();
    // (A `__Host-` cookie is only replaced by a Secure one.)
    if (name) document.cookie = `${name}=; Path=/; Max-Age=0${name.startsWith('__Host-') ? '; Secure' : ''}`;
  }
}

export function responseHeaders(response) {
  return JSON.stringify([...response.headers].sort());
}

export function stringify(value) {
  return JSON.stringify(value);
}

export function keysOf(value) {
  return Object.keys(value).sort().join(',');
}
"#)]
extern "C" {
    /// A `{promise, resolve, reject, release()}` the test settles later.
    pub fn deferred() -> JsValue;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> Promise;
    /// Follows a promise: `{settled, ok, value, error}`.
    pub fn track(promise: &Promise) -> JsValue;
    /// A JSON `Response`.
    #[wasm_bindgen(js_name = jsonResponse)]
    pub fn json_response(status: u16, body: &JsValue, extra: &JsValue) -> JsValue;
    /// A recording transport answering with `handler(call)`.
    pub fn transport(handler: &Function) -> JsValue;
    /// The fake backend (see the JS).
    pub fn backend(config: &JsValue) -> JsValue;
    /// Client options over `server`, with `extra` merged over them.
    pub fn options(server: &JsValue, extra: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = eventSink)]
    fn event_sink() -> JsValue;
    /// A function recording its calls in `.calls`.
    pub fn recorder() -> Function;
    /// Clears localStorage, sessionStorage, the page's cookies and the cross-tab record store.
    #[wasm_bindgen(js_name = resetStorage)]
    pub fn reset_storage();
    /// The headers of a response as sorted JSON pairs.
    #[wasm_bindgen(js_name = responseHeaders)]
    pub fn response_headers(response: &JsValue) -> String;
    /// `JSON.stringify`.
    pub fn stringify(value: &JsValue) -> String;
    /// The sorted own keys of an object, comma-separated.
    #[wasm_bindgen(js_name = keysOf)]
    pub fn keys_of(value: &JsValue) -> String;
}

/// Evaluates a JS expression.
pub fn js(src: &str) -> JsValue {
    Function::new_no_args(&format!("return ({src});"))
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("evaluating {src}: {e:?}"))
}

/// `new Function(args, body)`.
pub fn func(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// Reads a dotted path.
pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |current, key| {
        if current.is_undefined() || current.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&current, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

/// `target[key] = value`.
pub fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    Reflect::set(target, &JsValue::from_str(key), &value.into()).unwrap();
}

/// A string at `path`, or a panic naming it.
pub fn text(value: &JsValue, path: &str) -> String {
    let v = get(value, path);
    v.as_string().unwrap_or_else(|| panic!("`{path}` is not a string: {v:?}"))
}

/// A number at `path`, or a panic naming it.
pub fn num(value: &JsValue, path: &str) -> f64 {
    let v = get(value, path);
    v.as_f64().unwrap_or_else(|| panic!("`{path}` is not a number: {v:?}"))
}

/// The items of a JS array.
pub fn items(array: &JsValue) -> Vec<JsValue> {
    Array::from(array).iter().collect()
}

/// Calls a method of `target` with no arguments.
pub fn call0(target: &JsValue, method: &str) -> JsValue {
    get(target, method).unchecked_into::<Function>().call0(target).unwrap()
}

/// The bytes of a `Uint8Array` at `path`.
pub fn bytes(value: &JsValue, path: &str) -> Vec<u8> {
    get(value, path).unchecked_into::<Uint8Array>().to_vec()
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: u32) {
    JsFuture::from(sleep_promise(ms)).await.unwrap();
}

/// Waits until `cond` holds, polling; panics after 5 s naming `what`.
pub async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        sleep(5).await;
    }
    panic!("timed out waiting for: {what}");
}

/// Awaits a promise.
pub async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Awaits a promise that must resolve.
pub async fn resolved(promise: Promise, what: &str) -> JsValue {
    match settle(promise).await {
        Ok(value) => value,
        Err(error) => panic!("{what}: rejected with {} ({})", name(&error), message(&error)),
    }
}

/// Awaits a promise that must reject; returns the error.
pub async fn rejected(promise: Promise, what: &str) -> JsValue {
    match settle(promise).await {
        Ok(value) => panic!("{what}: resolved with {value:?} instead of rejecting"),
        Err(error) => error,
    }
}

/// `error.name`.
pub fn name(error: &JsValue) -> String {
    get(error, "name").as_string().unwrap_or_default()
}

/// `error.message`.
pub fn message(error: &JsValue) -> String {
    get(error, "message").as_string().unwrap_or_default()
}

/// Asserts that `error` is an `Error` named `expected`.
pub fn assert_error(error: &JsValue, expected: &str, what: &str) {
    assert!(error.is_instance_of::<js_sys::Error>(), "{what}: not an Error object: {error:?}");
    assert_eq!(name(error), expected, "{what}: error name (message: {})", message(error));
}

/// A response's status.
pub fn status(response: &JsValue) -> u16 {
    num(response, "status") as u16
}

/// `await response.text()`.
pub async fn body_text(response: &JsValue) -> String {
    let promise: Promise = call0(response, "text").unchecked_into();
    resolved(promise, "response.text()").await.as_string().unwrap()
}

/// `await response.json()`.
pub async fn body_json(response: &JsValue) -> JsValue {
    let promise: Promise = call0(response, "json").unchecked_into();
    resolved(promise, "response.json()").await
}

/// A client over `server` with `extra` options (a JS expression) merged in.
pub fn client(server: &JsValue, extra: &str) -> AuthClient {
    let extra = if extra.is_empty() { JsValue::UNDEFINED } else { js(extra) };
    AuthClient::new(options(server, &extra)).unwrap_or_else(|e| panic!("options refused: {}", message(&e)))
}

/// Sets tokens from a JS expression.
pub fn set_tokens(client: &AuthClient, src: &str) {
    client.set_tokens(js(src)).unwrap_or_else(|e| panic!("setTokens({src}): {}", message(&e)));
}

/// `client.fetch(input)` with no init.
pub fn get_url(client: &AuthClient, url: &str) -> Promise {
    client.fetch(JsValue::from_str(url), JsValue::UNDEFINED)
}

/// Listens to every event; returns the array they are pushed to.
pub fn listen(client: &AuthClient) -> JsValue {
    let sink = event_sink();
    for kind in EVENT_TYPES {
        client.on(kind.to_owned(), get(&sink, "push")).unwrap();
    }
    get(&sink, "events")
}

/// The events of `kind` in `log`.
pub fn events_of(log: &JsValue, kind: &str) -> Vec<JsValue> {
    items(log).into_iter().filter(|e| get(e, "type").as_string().as_deref() == Some(kind)).collect()
}

/// Asserts that no event in `log` (as JSON) contains any of `tokens`.
pub fn assert_no_tokens(log: &JsValue, tokens: &[&str]) {
    let dump = stringify(log);
    for token in tokens {
        assert!(!dump.contains(token), "an event carries the token {token:?}: {dump}");
    }
}

/// Calls of the fake backend: all, API only, refresh only.
pub fn calls(server: &JsValue) -> Vec<JsValue> {
    items(&get(server, "calls"))
}

/// The API calls (not the refresh endpoint) the fake backend got.
pub fn api_calls(server: &JsValue) -> Vec<JsValue> {
    items(&call0(server, "api"))
}

/// The refresh calls the fake backend got.
pub fn refresh_calls(server: &JsValue) -> Vec<JsValue> {
    items(&call0(server, "refreshes"))
}

/// The token a recorded call carried (Authorization, X-Token or ?token=), or `None`.
pub fn token_of(server: &JsValue, call: &JsValue) -> Option<String> {
    get(server, "tokenOf").unchecked_into::<Function>().call1(&JsValue::NULL, call).unwrap().as_string()
}

/// A header of a recorded call (lower-case name).
pub fn header(call: &JsValue, name: &str) -> Option<String> {
    Reflect::get(&get(call, "headers"), &JsValue::from_str(name)).ok().and_then(|v| v.as_string())
}

/// Holds the refresh endpoint of `server` until the returned deferred is released.
pub fn hold_refresh(server: &JsValue) -> JsValue {
    let gate = deferred();
    set(server, "refreshGate", gate.clone());
    gate
}

/// Releases a deferred from [`deferred`].
pub fn release(gate: &JsValue) {
    call0(gate, "release");
}

/// Asserts what `getTokens()` returns: exactly `{accessToken, refreshToken, expiresAt}` with these
/// values (`None` for `null`), or `null` when `access` is `None`.
pub fn assert_tokens(
    client: &AuthClient,
    access: Option<&str>,
    refresh: Option<&str>,
    expires_at: Option<f64>,
) {
    let tokens = client.get_tokens();
    let Some(access) = access else {
        assert!(tokens.is_null(), "getTokens() should be null, got {}", stringify(&tokens));
        return;
    };
    assert_eq!(keys_of(&tokens), "accessToken,expiresAt,refreshToken", "{}", stringify(&tokens));
    assert_eq!(get(&tokens, "accessToken").as_string().as_deref(), Some(access), "{}", stringify(&tokens));
    let stored_refresh = get(&tokens, "refreshToken");
    assert_eq!(stored_refresh.as_string().as_deref(), refresh, "{}", stringify(&tokens));
    if refresh.is_none() {
        assert!(stored_refresh.is_null(), "refreshToken should be null: {}", stringify(&tokens));
    }
    let stored_expiry = get(&tokens, "expiresAt");
    assert_eq!(stored_expiry.as_f64(), expires_at, "{}", stringify(&tokens));
    if expires_at.is_none() {
        assert!(stored_expiry.is_null(), "expiresAt should be null: {}", stringify(&tokens));
    }
}
