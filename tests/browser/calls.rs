//! The axios-shaped calls (`request(config)`, and the shorthands `get(url, config)`,
//! `post(url, data, config)`… through `call(method, url, a, b)`): what goes out (method, URL with
//! `baseURL` and `params`, headers, body), what the promise resolves with (`{data, status,
//! statusText, headers, config}`, or an envelope's payload), what it rejects with (`RequestError`
//! with axios' codes, the client's own errors unwrapped, a `TypeError` naming a bad field), the
//! timeout and the signal, and the refresh rules unchanged underneath.
//!
//! Every call goes to the scripted fake backend of `support.rs`, which records what it got.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use fetch_with_refresh::web::errors::{RefreshError, RequestError, SessionExpiredError};
use js_sys::{Object, Promise, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
// Helpers put on a fake backend `s` for the hooks written with new Function:
// s.reply(status, text, headers, statusText) a plain Response; s.stalled(call, type) a 200 whose
// body sends 'partial' and then nothing, erroring when the call's signal aborts (as a real fetch's
// body does); s.netError, the TypeError a failed fetch rejects with.
export function tools(s) {
  s.reply = (status, text, headers, statusText) =>
    new Response(text, { status, statusText: statusText ?? '', headers: headers ?? {} });
  s.stalled = (call, type) => {
    const signal = call.signal;
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('partial'));
        signal?.addEventListener('abort', () => c.error(signal.reason));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': type } });
  };
  s.netError = new TypeError('Failed to fetch');
  return s;
}

// Holds every API call (not the refresh) until `release()`, or until the call's signal aborts:
// then it rejects with the abort reason, as `fetch` does.
export function holdApi(s) {
  let release;
  const open = new Promise((resolve) => { release = resolve; });
  s.apiGate = (call) => new Promise((resolve, reject) => {
    open.then(resolve);
    const signal = call.signal;
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason));
  });
  return { release: () => release() };
}

// Records what reaches the page unhandled (uncaught errors, unhandled rejections) until `stop()`,
// which returns it as text.
export function watchPage() {
  const problems = [];
  const onError = (e) => problems.push(`uncaught error: ${e.message ?? e.error}`);
  const onRejection = (e) => problems.push(`unhandled rejection: ${e.reason?.name}: ${e.reason?.message ?? e.reason}`);
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return {
    stop() {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
      return problems.join('\n');
    },
  };
}
"#)]
extern "C" {
    fn tools(server: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = holdApi)]
    fn hold_api(server: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = watchPage)]
    fn watch_page() -> JsValue;
}

/// A fake API that accepts the token A1 and answers with `reply` (the body of `(call, s) => …`;
/// empty: the backend's echo), and a client over it with the options `extra`, holding A1 and R1.
fn api(reply: &str, extra: &str) -> (JsValue, AuthClient) {
    let server = tools(&backend(&js("{valid: ['A1']}")));
    if !reply.is_empty() {
        set(&server, "apiReply", func("call, s", reply));
    }
    let client = client(&server, extra);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    (server, client)
}

/// A config from a JS expression (empty: `undefined`).
fn config(src: &str) -> JsValue {
    if src.is_empty() {
        JsValue::UNDEFINED
    } else {
        js(src)
    }
}

/// `client.request(config)`.
fn request(client: &AuthClient, src: &str) -> Promise {
    client.request(config(src))
}

/// `client.get(url, config)`.
fn get_call(client: &AuthClient, url: &str, src: &str) -> Promise {
    client.call(Some("get".into()), JsValue::from_str(url), config(src), JsValue::UNDEFINED)
}

/// `client.post(url, data, config)`.
fn post_call(client: &AuthClient, url: &str, data: JsValue, src: &str) -> Promise {
    client.call(Some("post".into()), JsValue::from_str(url), data, config(src))
}

/// `client[method](url, a, b)`.
fn shorthand(client: &AuthClient, method: &str, url: &str, a: JsValue, b: JsValue) -> Promise {
    client.call(Some(method.into()), JsValue::from_str(url), a, b)
}

/// The one API call the backend got.
fn only_call(server: &JsValue, what: &str) -> JsValue {
    let sent = api_calls(server);
    assert_eq!(sent.len(), 1, "{what}: expected exactly one API call");
    sent.into_iter().next().unwrap()
}

/// The last API call the backend got.
fn last_call(server: &JsValue) -> JsValue {
    api_calls(server).pop().expect("no API call")
}

/// Awaits a rejection that must be a `RequestError` with `code` and `message`; returns it.
async fn request_error(promise: Promise, code: &str, expected: &str, what: &str) -> JsValue {
    let error = rejected(promise, what).await;
    assert_error(&error, "RequestError", what);
    assert!(error.is_instance_of::<RequestError>(), "{what}: not an instance of RequestError");
    assert_eq!(get(&error, "code").as_string().as_deref(), Some(code), "{what}: code ({})", message(&error));
    assert_eq!(message(&error), expected, "{what}: message");
    assert!(get(&error, "config").is_object(), "{what}: no config on the error");
    error
}

#[wasm_bindgen_test]
async fn the_page_watch_sees_unhandled_rejections() {
    // The watch the signal and timer tests rely on does see what it should.
    let watch = watch_page();
    js("void Promise.reject(new Error('probe for the watch'))");
    sleep(30).await;
    let found = call0(&watch, "stop").as_string().unwrap_or_default();
    assert!(found.contains("probe for the watch"), "the watch missed an unhandled rejection: {found:?}");
}

/// Awaits a rejection that must be a `TypeError` naming `field`.
async fn type_error(promise: Promise, field: &str, what: &str) {
    let error = rejected(promise, what).await;
    assert_error(&error, "TypeError", what);
    let text = message(&error);
    assert!(text.contains(&format!("`{field}`")), "{what}: the message does not name `{field}`: {text}");
}

/// `Object.is(a, b)`.
fn same(a: &JsValue, b: &JsValue) -> bool {
    Object::is(a, b)
}

// ---------------------------------------------------------------------------------------------
// The resolved shape, the method, the URL.

#[wasm_bindgen_test]
async fn a_call_resolves_with_data_status_status_text_lower_case_headers_and_config() {
    let (server, client) = api(
        "return s.reply(201, JSON.stringify({id: 7, name: 'x'}), \
         {'Content-Type': 'application/json', 'X-Trace-Id': 'abc'}, 'Created')",
        "",
    );
    let url = "https://api.test/items?from=1";
    let out = resolved(
        request(&client, &format!("{{url: '{url}', method: 'PoSt', data: {{name: 'x'}}, timeout: 0}}")),
        "request",
    )
    .await;
    assert_eq!(keys_of(&out), "config,data,headers,status,statusText", "{}", stringify(&out));
    assert_eq!(stringify(&get(&out, "data")), r#"{"id":7,"name":"x"}"#);
    assert_eq!(num(&out, "status"), 201.0);
    assert_eq!(text(&out, "statusText"), "Created");
    let headers = get(&out, "headers");
    assert_eq!(text(&headers, "x-trace-id"), "abc");
    assert_eq!(text(&headers, "content-type"), "application/json");
    assert!(get(&headers, "X-Trace-Id").is_undefined(), "a header name is not lower-case");
    let given = get(&out, "config");
    assert_eq!(text(&given, "method"), "post", "config.method must be lower-case");
    assert_eq!(text(&given, "url"), url);
    assert_eq!(stringify(&get(&given, "data")), r#"{"name":"x"}"#);
    assert_eq!(num(&given, "timeout"), 0.0, "the caller's other fields are kept in config");

    let sent = only_call(&server, "request");
    assert_eq!(text(&sent, "method"), "POST");
    assert_eq!(text(&sent, "url"), url);
    assert_eq!(token_of(&server, &sent).as_deref(), Some("A1"));
}

#[wasm_bindgen_test]
async fn shorthands_send_their_method_and_config_keeps_the_url_as_given() {
    let (server, client) = api("", "{baseURL: 'https://api.test/v1'}");
    let cases = [
        ("get", "GET", false),
        ("delete", "DELETE", false),
        ("head", "HEAD", false),
        ("options", "OPTIONS", false),
        ("post", "POST", true),
        ("put", "PUT", true),
        ("patch", "PATCH", true),
    ];
    for (i, (method, sent_as, with_data)) in cases.into_iter().enumerate() {
        let url = format!("/things/{i}");
        let (a, b) = if with_data {
            (js("({n: 1})"), js("({headers: {'X-Which': 'b'}})"))
        } else {
            (js("({headers: {'X-Which': 'a'}})"), JsValue::UNDEFINED)
        };
        let out = resolved(shorthand(&client, method, &url, a, b), method).await;
        assert_eq!(num(&out, "status"), 200.0, "{method}");
        assert_eq!(text(&out, "config.method"), method, "{method}: config.method");
        assert_eq!(text(&out, "config.url"), url, "{method}: config.url is the url as given");
        let sent = last_call(&server);
        assert_eq!(text(&sent, "method"), sent_as, "{method}");
        assert_eq!(text(&sent, "url"), format!("https://api.test/v1/things/{i}"), "{method}");
        let which = if with_data { "b" } else { "a" };
        assert_eq!(header(&sent, "x-which").as_deref(), Some(which), "{method}: the config argument");
        if with_data {
            assert_eq!(text(&sent, "text"), r#"{"n":1}"#, "{method}: the data argument is the body");
            assert_eq!(stringify(&get(&out, "config.data")), r#"{"n":1}"#, "{method}: config.data");
        } else if method != "head" {
            assert_eq!(text(&out, "data.method"), sent_as, "{method}: data is the parsed body");
        }
    }
    assert_eq!(api_calls(&server).len(), cases.len());
    // A URL object as the url.
    let url = js("new URL('https://api.test/from-url?x=1')");
    let out =
        resolved(client.call(Some("get".into()), url, JsValue::UNDEFINED, JsValue::UNDEFINED), "URL").await;
    assert_eq!(num(&out, "status"), 200.0);
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/from-url?x=1");
    assert_eq!(text(&out, "config.url"), "https://api.test/from-url?x=1");
}

#[wasm_bindgen_test]
async fn the_method_defaults_to_get_and_any_case_goes_out_upper_case() {
    let (server, client) = api("", "");
    let cases = [
        ("{url: 'https://api.test/m'}", "GET", "get"),
        ("{url: 'https://api.test/m', method: 'delete'}", "DELETE", "delete"),
        ("{url: 'https://api.test/m', method: 'PaTcH', data: 'x'}", "PATCH", "patch"),
        ("{url: 'https://api.test/m', method: 'propfind'}", "PROPFIND", "propfind"),
        ("{url: 'https://api.test/m', method: 'PUT', data: 'y'}", "PUT", "put"),
    ];
    for (src, sent_as, lower) in cases {
        let out = resolved(request(&client, src), src).await;
        assert_eq!(text(&last_call(&server), "method"), sent_as, "{src}");
        assert_eq!(text(&out, "config.method"), lower, "{src}: config.method");
    }
    // A shorthand's method wins over the config's.
    let out = resolved(get_call(&client, "https://api.test/m", "{method: 'post'}"), "get with method").await;
    assert_eq!(text(&last_call(&server), "method"), "GET");
    assert_eq!(text(&out, "config.method"), "get");
}

#[wasm_bindgen_test]
async fn an_invalid_method_is_a_type_error_naming_method() {
    let (server, client) = api("", "");
    for src in [
        "{url: 'https://api.test/m', method: 'GET /x'}",
        "{url: 'https://api.test/m', method: ''}",
        "{url: 'https://api.test/m', method: 'pöst'}",
        "{url: 'https://api.test/m', method: 42}",
    ] {
        type_error(request(&client, src), "method", src).await;
    }
    assert!(calls(&server).is_empty(), "a call with a bad method went out");
}

#[wasm_bindgen_test]
async fn the_client_base_url_applies_and_a_calls_own_base_url_wins() {
    let (server, client) = api("", "{baseURL: 'https://api.test/v1/'}");
    let cases = [
        ("/users", "", "https://api.test/v1/users"),
        ("users", "", "https://api.test/v1/users"),
        ("https://api.test/abs", "", "https://api.test/abs"),
        ("/users", "{baseURL: 'https://api.test/v2/'}", "https://api.test/v2/users"),
        ("users", "{baseURL: 'https://api.test/v2'}", "https://api.test/v2/users"),
        ("https://api.test/abs", "{baseURL: 'https://api.test/v2'}", "https://api.test/abs"),
    ];
    for (url, src, expected) in cases {
        let out = resolved(get_call(&client, url, src), url).await;
        assert_eq!(text(&last_call(&server), "url"), expected, "{url} with {src:?}");
        assert_eq!(text(&out, "config.url"), url, "config.url is the url as given");
    }
    // In `request(config)` too.
    resolved(request(&client, "{url: 'r', baseURL: 'https://api.test/v3'}"), "request with baseURL").await;
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/v3/r");
}

// ---------------------------------------------------------------------------------------------
// params.

#[wasm_bindgen_test]
async fn params_are_serialized_as_axios_does_after_an_existing_query() {
    let (server, client) = api("", "");
    let params = "{params: {a: 1, b: 'x y', gone: null, nothing: undefined, f: false, list: [1, 2], \
                  nested: {k: 'v', deep: {z: 1}, arr: ['p', 'q']}, \
                  at: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), 'filter{}': {s: 1}, t: true}}";
    resolved(get_call(&client, "https://api.test/search?q=1", params), "params").await;
    let expected = "https://api.test/search?q=1&a=1&b=x+y&f=false&list%5B%5D=1&list%5B%5D=2\
                    &nested%5Bk%5D=v&nested%5Bdeep%5D%5Bz%5D=1&nested%5Barr%5D%5B0%5D=p\
                    &nested%5Barr%5D%5B1%5D=q&at=2020-01-02T03:04:05.000Z\
                    &filter%7B%7D=%7B%22s%22:1%7D&t=true";
    assert_eq!(text(&last_call(&server), "url"), expected);

    // Without a query: after a `?`; the fragment is dropped, as axios does.
    resolved(get_call(&client, "https://api.test/p#frag", "{params: {page: 2}}"), "params, fragment").await;
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/p?page=2");
    // Nothing left: no `?`.
    resolved(get_call(&client, "https://api.test/none", "{params: {a: null}}"), "params all null").await;
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/none");
    // The client's baseURL comes first, then the query.
    let (server, client) = api("", "{baseURL: 'https://api.test/v1'}");
    resolved(get_call(&client, "/s", "{params: {'q': 'é&='}}"), "params with baseURL").await;
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/v1/s?q=%C3%A9%26%3D");
}

#[wasm_bindgen_test]
async fn url_search_params_are_sent_as_their_text() {
    let (server, client) = api("", "");
    let src = "{params: new URLSearchParams([['a', '1'], ['b', 'x y'], ['a', '2']])}";
    resolved(get_call(&client, "https://api.test/u?q=0", src), "URLSearchParams").await;
    assert_eq!(text(&last_call(&server), "url"), "https://api.test/u?q=0&a=1&b=x+y&a=2");
}

// ---------------------------------------------------------------------------------------------
// data.

#[wasm_bindgen_test]
async fn an_object_is_sent_as_json_with_its_content_type() {
    let (server, client) = api("", "");
    let data = js("({name: 'x', tags: [1, true, null], nested: {a: 'é'}})");
    resolved(post_call(&client, "https://api.test/items", data, ""), "post an object").await;
    let sent = only_call(&server, "post an object");
    assert_eq!(text(&sent, "text"), r#"{"name":"x","tags":[1,true,null],"nested":{"a":"é"}}"#);
    assert_eq!(header(&sent, "content-type").as_deref(), Some("application/json"));
    assert_eq!(text(&sent, "method"), "POST");

    // An array too, and `request` with `data`.
    resolved(request(&client, "{url: 'https://api.test/list', method: 'put', data: [1, 2]}"), "array").await;
    let sent = last_call(&server);
    assert_eq!(text(&sent, "text"), "[1,2]");
    assert_eq!(header(&sent, "content-type").as_deref(), Some("application/json"));
}

#[wasm_bindgen_test]
async fn a_given_content_type_is_kept_for_json() {
    let (server, client) = api("", "{headers: {'Content-Type': 'application/vnd.client+json'}}");
    let data = || js("({a: 1})");
    let cfg = "{headers: {'content-type': 'application/vnd.api+json'}}";
    resolved(post_call(&client, "https://api.test/j", data(), cfg), "call content-type").await;
    let sent = last_call(&server);
    assert_eq!(header(&sent, "content-type").as_deref(), Some("application/vnd.api+json"));
    assert_eq!(text(&sent, "text"), r#"{"a":1}"#);
    resolved(post_call(&client, "https://api.test/j", data(), ""), "client content-type").await;
    assert_eq!(header(&last_call(&server), "content-type").as_deref(), Some("application/vnd.client+json"));
}

#[wasm_bindgen_test]
async fn strings_search_params_forms_blobs_and_buffers_are_sent_as_they_are() {
    let (server, client) = api("", "");
    let post = |data: &str, cfg: &str| post_call(&client, "https://api.test/up", js(data), cfg);

    resolved(post("'plain text é'", ""), "a string").await;
    let sent = last_call(&server);
    assert_eq!(text(&sent, "text"), "plain text é", "a string is not JSON-quoted");
    assert_eq!(header(&sent, "content-type").as_deref(), Some("text/plain;charset=UTF-8"));

    resolved(post("new URLSearchParams({a: '1', b: 'x y'})", ""), "URLSearchParams").await;
    let sent = last_call(&server);
    assert_eq!(text(&sent, "text"), "a=1&b=x+y");
    assert_eq!(
        header(&sent, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded;charset=UTF-8")
    );

    let form = "(() => { const f = new FormData(); f.append('field', 'value-1'); return f; })()";
    resolved(post(form, "{headers: {'Content-Type': 'multipart/form-data'}}"), "FormData").await;
    let sent = last_call(&server);
    let content_type = header(&sent, "content-type").unwrap_or_default();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("FormData: the browser's content type was replaced: {content_type:?}"));
    let body = text(&sent, "text");
    assert!(body.contains(boundary) && body.contains("value-1"), "FormData body: {body}");

    resolved(post("new Blob(['blob ', new Uint8Array([0, 255])], {type: 'application/x-test'})", ""), "Blob")
        .await;
    let sent = last_call(&server);
    assert_eq!(bytes(&sent, "bytes"), b"blob \x00\xff");
    assert_eq!(header(&sent, "content-type").as_deref(), Some("application/x-test"));

    resolved(post("new Uint8Array([0, 1, 2, 254, 255]).buffer", ""), "ArrayBuffer").await;
    let sent = last_call(&server);
    assert_eq!(bytes(&sent, "bytes"), [0, 1, 2, 254, 255]);
    assert_eq!(header(&sent, "content-type"), None, "an ArrayBuffer got a content type");

    resolved(post("new Uint8Array([9, 3, 4, 9]).subarray(1, 3)", ""), "a view").await;
    let sent = last_call(&server);
    assert_eq!(bytes(&sent, "bytes"), [3, 4], "a view sends its part");
    assert_eq!(header(&sent, "content-type"), None);
}

#[wasm_bindgen_test]
async fn get_and_head_send_no_body() {
    let (server, client) = api("", "");
    for src in [
        "{url: 'https://api.test/g', data: {a: 1}}",
        "{url: 'https://api.test/g', method: 'head', data: 'text'}",
    ] {
        resolved(request(&client, src), src).await;
        let sent = last_call(&server);
        assert_eq!(text(&sent, "text"), "", "{src}: a body went out");
        assert_eq!(header(&sent, "content-type"), None, "{src}: a content type went out");
    }
    resolved(get_call(&client, "https://api.test/g", "{data: {a: 1}}"), "get with data").await;
    assert_eq!(text(&last_call(&server), "text"), "");
    assert_eq!(api_calls(&server).len(), 3);
}

#[wasm_bindgen_test]
async fn post_sends_its_data_argument_not_the_configs() {
    let (server, client) = api("", "");
    let out = resolved(
        post_call(&client, "https://api.test/p", js("({from: 'argument'})"), "{data: {from: 'config'}}"),
        "post with both",
    )
    .await;
    assert_eq!(text(&last_call(&server), "text"), r#"{"from":"argument"}"#);
    assert_eq!(text(&out, "config.data.from"), "argument");
}

// ---------------------------------------------------------------------------------------------
// headers.

#[wasm_bindgen_test]
async fn client_headers_are_merged_under_the_calls_without_case_and_null_removes_one() {
    let extra =
        "{headers: {'X-App': 'web', 'Accept': 'application/json', 'X-Remove': 'gone', 'X-Undef': 'u'}}";
    let (server, client) = api("", extra);
    resolved(get_call(&client, "https://api.test/h", ""), "defaults only").await;
    let sent = last_call(&server);
    assert_eq!(header(&sent, "x-app").as_deref(), Some("web"));
    assert_eq!(header(&sent, "accept").as_deref(), Some("application/json"));
    assert_eq!(header(&sent, "x-remove").as_deref(), Some("gone"));
    assert_eq!(header(&sent, "authorization").as_deref(), Some("Bearer A1"));

    let cfg =
        "{headers: {'x-app': 'call', 'X-REMOVE': null, 'x-undef': undefined, 'X-Num': 5, 'X-Bool': true}}";
    resolved(get_call(&client, "https://api.test/h", cfg), "merged").await;
    let sent = last_call(&server);
    assert_eq!(header(&sent, "x-app").as_deref(), Some("call"), "the call's header must replace the default");
    assert_eq!(header(&sent, "accept").as_deref(), Some("application/json"));
    assert_eq!(header(&sent, "x-remove"), None, "null did not remove the default");
    assert_eq!(header(&sent, "x-undef"), None, "undefined did not remove the default");
    assert_eq!(header(&sent, "x-num").as_deref(), Some("5"));
    assert_eq!(header(&sent, "x-bool").as_deref(), Some("true"));
    assert_eq!(header(&sent, "authorization").as_deref(), Some("Bearer A1"));
}

#[wasm_bindgen_test]
async fn a_headers_instance_is_accepted() {
    let (server, client) = api("", "{headers: {'X-App': 'web'}}");
    let cfg = "{headers: new Headers([['X-H', '1'], ['x-app', 'from-headers']])}";
    resolved(get_call(&client, "https://api.test/h", cfg), "Headers").await;
    let sent = last_call(&server);
    assert_eq!(header(&sent, "x-h").as_deref(), Some("1"));
    assert_eq!(header(&sent, "x-app").as_deref(), Some("from-headers"));
}

#[wasm_bindgen_test]
async fn a_bad_header_is_a_type_error_and_nothing_is_sent() {
    let (server, client) = api("", "");
    for cfg in [
        "{headers: {'X-Bad': 'a\\nb'}}",
        "{headers: {'X-Bad': '日本'}}",
        "{headers: {'bad name': 'v'}}",
        "{headers: {'': 'v'}}",
    ] {
        type_error(get_call(&client, "https://api.test/h", cfg), "headers", cfg).await;
    }
    assert!(calls(&server).is_empty(), "a call with a bad header went out");
}

#[wasm_bindgen_test]
async fn the_client_headers_and_timeout_do_not_touch_fetch() {
    let (server, client) = api("", "{headers: {'X-App': 'web'}, requestTimeout: 10}");
    let gate = hold_api(&server);
    let pending = track(&get_url(&client, "https://api.test/f"));
    until("fetch sent", || api_calls(&server).len() == 1).await;
    sleep(40).await;
    assert!(!get(&pending, "settled").is_truthy(), "requestTimeout applied to fetch()");
    release(&gate);
    until("fetch settled", || get(&pending, "settled").is_truthy()).await;
    assert!(get(&pending, "ok").is_truthy());
    assert_eq!(header(&last_call(&server), "x-app"), None, "the headers option applied to fetch()");
}

// ---------------------------------------------------------------------------------------------
// responseType.

#[wasm_bindgen_test]
async fn json_bodies_are_parsed_and_other_text_stays_text() {
    let (server, client) = api("return s.reply(200, s.next, {'content-type': s.type})", "");
    let cases = [
        (r#"{"a":[1,2]}"#, "application/json", Some(r#"{"a":[1,2]}"#), None),
        (r#"{"a":1}"#, "text/plain", Some(r#"{"a":1}"#), None),
        ("[1,2]", "application/json", Some("[1,2]"), None),
        ("not json", "text/plain", None, Some("not json")),
        ("{broken", "application/json", None, Some("{broken")),
        ("", "application/json", None, Some("")),
        ("", "text/plain", None, Some("")),
    ];
    for (body, content_type, json, as_text) in cases {
        set(&server, "next", body);
        set(&server, "type", content_type);
        let out = resolved(get_call(&client, "https://api.test/r", ""), body).await;
        let data = get(&out, "data");
        match (json, as_text) {
            (Some(json), _) => {
                assert!(data.is_object(), "{body:?} ({content_type}): not parsed: {data:?}");
                assert_eq!(stringify(&data), json);
            }
            (None, Some(expected)) => {
                assert_eq!(data.as_string().as_deref(), Some(expected), "{body:?} ({content_type})")
            }
            _ => unreachable!(),
        }
    }
    // Also the explicit `responseType: 'json'`.
    set(&server, "next", r#"{"b":2}"#);
    let out = resolved(get_call(&client, "https://api.test/r", "{responseType: 'json'}"), "json").await;
    assert_eq!(num(&out, "data.b"), 2.0);
    // A 204 without a body.
    set(&server, "apiReply", func("call, s", "return new Response(null, {status: 204})"));
    let out = resolved(get_call(&client, "https://api.test/r", ""), "204").await;
    assert_eq!(num(&out, "status"), 204.0);
    assert_eq!(get(&out, "data").as_string().as_deref(), Some(""), "a 204 gives ''");
}

#[wasm_bindgen_test]
async fn text_blob_and_arraybuffer_response_types() {
    let (_server, client) = api(
        "return s.reply(200, new Uint8Array([123, 34, 97, 34, 58, 49, 125, 0, 255]), \
         {'content-type': 'application/octet-stream'})",
        "",
    );
    let raw: [u8; 9] = [123, 34, 97, 34, 58, 49, 125, 0, 255];

    let out =
        resolved(get_call(&client, "https://api.test/b", "{responseType: 'arraybuffer'}"), "arraybuffer")
            .await;
    let data = get(&out, "data");
    assert!(data.is_instance_of::<js_sys::ArrayBuffer>(), "arraybuffer: {data:?}");
    assert_eq!(Uint8Array::new(&data).to_vec(), raw);

    let out = resolved(get_call(&client, "https://api.test/b", "{responseType: 'blob'}"), "blob").await;
    let data = get(&out, "data");
    assert!(data.is_instance_of::<web_sys::Blob>(), "blob: {data:?}");
    assert_eq!(get(&data, "type").as_string().as_deref(), Some("application/octet-stream"));
    let buffer = resolved(call0(&data, "arrayBuffer").unchecked_into(), "blob.arrayBuffer()").await;
    assert_eq!(Uint8Array::new(&buffer).to_vec(), raw);

    let (_server, client) = api("return s.json(200, {a: 1})", "");
    let out = resolved(get_call(&client, "https://api.test/t", "{responseType: 'text'}"), "text").await;
    assert_eq!(get(&out, "data").as_string().as_deref(), Some(r#"{"a":1}"#), "text must not be parsed");
}

// ---------------------------------------------------------------------------------------------
// validateStatus.

#[wasm_bindgen_test]
async fn a_4xx_rejects_with_err_bad_request_and_the_response() {
    let (server, client) = api("return s.json(404, {error: 'no such item'}, {statusText: 'Not Found'})", "");
    let url = "https://api.test/items/9";
    let error = request_error(
        get_call(&client, url, "{headers: {'X-A': '1'}}"),
        "ERR_BAD_REQUEST",
        "Request failed with status code 404",
        "404",
    )
    .await;
    assert_eq!(num(&error, "status"), 404.0, "error.status");
    let response = get(&error, "response");
    assert_eq!(keys_of(&response), "config,data,headers,status,statusText");
    assert_eq!(num(&response, "status"), 404.0);
    assert_eq!(text(&response, "statusText"), "Not Found");
    assert_eq!(text(&response, "data.error"), "no such item", "error.response.data is the parsed body");
    assert_eq!(text(&response, "headers.content-type"), "application/json");
    assert_eq!(text(&error, "config.url"), url);
    assert_eq!(text(&error, "config.method"), "get");
    assert_eq!(text(&error, "config.headers.X-A"), "1");
    assert_eq!(refresh_calls(&server).len(), 0);

    // 400, 403, 499 alike (401 is the refresh's: see the refresh tests).
    for code in [400, 403, 499] {
        set(&server, "apiReply", func("call, s", &format!("return s.json({code}, {{}})")));
        let error = request_error(
            get_call(&client, url, ""),
            "ERR_BAD_REQUEST",
            &format!("Request failed with status code {code}"),
            &code.to_string(),
        )
        .await;
        assert_eq!(num(&error, "status"), f64::from(code));
    }
}

#[wasm_bindgen_test]
async fn a_5xx_or_other_refused_status_rejects_with_err_bad_response() {
    let (server, client) = api("return s.reply(503, 'down', {'content-type': 'text/plain'})", "");
    let error = request_error(
        get_call(&client, "https://api.test/x", ""),
        "ERR_BAD_RESPONSE",
        "Request failed with status code 503",
        "503",
    )
    .await;
    assert_eq!(num(&error, "status"), 503.0);
    assert_eq!(text(&error, "response.data"), "down");
    set(&server, "apiReply", func("call, s", "return s.json(500, {e: 1})"));
    let error = request_error(
        get_call(&client, "https://api.test/x", ""),
        "ERR_BAD_RESPONSE",
        "Request failed with status code 500",
        "500",
    )
    .await;
    assert_eq!(num(&error, "response.data.e"), 1.0);
    // A 3xx that reaches the caller is refused by the default too.
    set(&server, "apiReply", func("call, s", "return new Response(null, {status: 304})"));
    request_error(
        get_call(&client, "https://api.test/x", ""),
        "ERR_BAD_RESPONSE",
        "Request failed with status code 304",
        "304",
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_custom_validate_status_decides() {
    let (server, client) = api("return s.json(s.status ?? 404, {n: 1})", "");
    let seen = recorder();
    let cfg = js("({})");
    let validate = func("seen", "return (status) => { seen(status); return status < 500; }")
        .call1(&JsValue::NULL, &seen)
        .unwrap();
    set(&cfg, "validateStatus", validate);
    let out = resolved(
        client.call(Some("get".into()), "https://api.test/v".into(), cfg.clone(), JsValue::UNDEFINED),
        "404 accepted",
    )
    .await;
    assert_eq!(num(&out, "status"), 404.0);
    assert_eq!(num(&out, "data.n"), 1.0);
    assert_eq!(stringify(&get(&seen, "calls")), "[[404]]", "validateStatus got the status");

    set(&server, "status", 200);
    let only_201 = "{validateStatus: (status) => status === 201}";
    request_error(
        get_call(&client, "https://api.test/v", only_201),
        "ERR_BAD_RESPONSE",
        "Request failed with status code 200",
        "200 refused",
    )
    .await;
    set(&server, "status", 422);
    request_error(
        get_call(&client, "https://api.test/v", only_201),
        "ERR_BAD_REQUEST",
        "Request failed with status code 422",
        "422 refused",
    )
    .await;
}

#[wasm_bindgen_test]
async fn validate_status_null_resolves_every_status() {
    let (server, client) = api("return s.json(s.status, {status: s.status})", "");
    for code in [200, 302, 404, 500, 503] {
        set(&server, "status", code);
        let out =
            resolved(get_call(&client, "https://api.test/n", "{validateStatus: null}"), &code.to_string())
                .await;
        assert_eq!(num(&out, "status"), f64::from(code));
        assert_eq!(num(&out, "data.status"), f64::from(code));
    }
}

#[wasm_bindgen_test]
async fn the_client_validate_status_option_applies_and_a_call_overrides_it() {
    let (server, client) = api("return s.json(s.status, {})", "{validateStatus: (status) => status < 500}");
    set(&server, "status", 404);
    let out = resolved(get_call(&client, "https://api.test/c", ""), "404 by the client's option").await;
    assert_eq!(num(&out, "status"), 404.0);
    set(&server, "status", 500);
    request_error(
        get_call(&client, "https://api.test/c", ""),
        "ERR_BAD_RESPONSE",
        "Request failed with status code 500",
        "500",
    )
    .await;
    // The call's own wins.
    let out = resolved(get_call(&client, "https://api.test/c", "{validateStatus: null}"), "call null").await;
    assert_eq!(num(&out, "status"), 500.0);
    set(&server, "status", 404);
    let cfg = "{validateStatus: (status) => status === 200}";
    request_error(
        get_call(&client, "https://api.test/c", cfg),
        "ERR_BAD_REQUEST",
        "Request failed with status code 404",
        "call fn",
    )
    .await;

    // `validateStatus: null` as the client's option: every status resolves.
    let (server, client) = api("return s.json(503, {})", "{validateStatus: null}");
    let out = resolved(get_call(&client, "https://api.test/c", ""), "client null").await;
    assert_eq!(num(&out, "status"), 503.0);
    assert_eq!(api_calls(&server).len(), 1);
}

// ---------------------------------------------------------------------------------------------
// timeout.

#[wasm_bindgen_test]
async fn a_held_answer_past_the_timeout_rejects_with_econnaborted() {
    let (server, client) = api("", "");
    let _gate = hold_api(&server);
    let started = js_sys::Date::now();
    let error = request_error(
        get_call(&client, "https://api.test/slow", "{timeout: 80}"),
        "ECONNABORTED",
        "timeout of 80ms exceeded",
        "timeout",
    )
    .await;
    let elapsed = js_sys::Date::now() - started;
    assert!(elapsed >= 75.0, "rejected after {elapsed} ms, before the 80 ms timeout");
    assert!(get(&error, "response").is_undefined(), "a timeout has no response");
    assert_eq!(num(&error, "config.timeout"), 80.0);
    let sent = only_call(&server, "timeout");
    assert!(get(&sent, "signal.aborted").is_truthy(), "the request itself was not aborted");
}

#[wasm_bindgen_test]
async fn the_request_timeout_option_applies_and_a_calls_zero_turns_it_off() {
    let (server, client) = api("", "{requestTimeout: 60}");
    let gate = hold_api(&server);
    request_error(
        get_call(&client, "https://api.test/slow", ""),
        "ECONNABORTED",
        "timeout of 60ms exceeded",
        "option",
    )
    .await;
    // The call's own timeout wins.
    request_error(
        get_call(&client, "https://api.test/slow", "{timeout: 30}"),
        "ECONNABORTED",
        "timeout of 30ms exceeded",
        "call's timeout",
    )
    .await;
    // 0: none.
    let pending = track(&get_call(&client, "https://api.test/slow", "{timeout: 0}"));
    until("sent", || api_calls(&server).len() == 3).await;
    sleep(150).await;
    assert!(
        !get(&pending, "settled").is_truthy(),
        "timeout: 0 still timed out: {:?}",
        get(&pending, "error")
    );
    release(&gate);
    until("settled", || get(&pending, "settled").is_truthy()).await;
    assert!(get(&pending, "ok").is_truthy(), "timeout 0: {}", message(&get(&pending, "error")));
    assert_eq!(num(&pending, "value.status"), 200.0);
}

#[wasm_bindgen_test]
async fn a_body_that_stalls_past_the_timeout_rejects_with_econnaborted() {
    for content_type in ["text/plain", "application/json"] {
        let (server, client) = api(&format!("return s.stalled(call, '{content_type}')"), "");
        let pending = track(&get_call(&client, "https://api.test/stall", "{timeout: 60}"));
        until(&format!("{content_type}: settled"), || get(&pending, "settled").is_truthy()).await;
        assert!(!get(&pending, "ok").is_truthy(), "{content_type}: resolved with a stalled body");
        let error = get(&pending, "error");
        assert_error(&error, "RequestError", content_type);
        assert_eq!(text(&error, "code"), "ECONNABORTED", "{content_type}: {}", message(&error));
        assert_eq!(message(&error), "timeout of 60ms exceeded");
        assert_eq!(api_calls(&server).len(), 1);
    }
}

#[wasm_bindgen_test]
async fn a_timeout_while_waiting_for_the_refresh_rejects_only_that_call() {
    let server = tools(&backend(&JsValue::UNDEFINED));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");
    let gate = hold_refresh(&server);

    let timed = track(&get_call(&client, "https://api.test/timed", "{timeout: 60}"));
    let other = track(&get_call(&client, "https://api.test/other", ""));
    let plain = track(&get_url(&client, "https://api.test/plain"));
    until("the timed call settles", || get(&timed, "settled").is_truthy()).await;
    assert!(!get(&timed, "ok").is_truthy(), "resolved while the refresh was held");
    let error = get(&timed, "error");
    assert_error(&error, "RequestError", "timeout in the queue");
    assert_eq!(text(&error, "code"), "ECONNABORTED");
    assert_eq!(message(&error), "timeout of 60ms exceeded");
    assert!(!get(&other, "settled").is_truthy() && !get(&plain, "settled").is_truthy());

    release(&gate);
    until("the others settle", || get(&other, "settled").is_truthy() && get(&plain, "settled").is_truthy())
        .await;
    assert!(get(&other, "ok").is_truthy(), "other: {}", message(&get(&other, "error")));
    assert_eq!(text(&get(&other, "value"), "data.token"), "N1");
    assert_eq!(text(&get(&other, "value"), "data.path"), "/other");
    assert!(get(&plain, "ok").is_truthy(), "fetch: {}", message(&get(&plain, "error")));
    assert_eq!(status(&get(&plain, "value")), 200);
    assert_eq!(refresh_calls(&server).len(), 1);
    let urls: Vec<String> = api_calls(&server).iter().map(|c| text(c, "url")).collect();
    assert_eq!(urls, ["https://api.test/other", "https://api.test/plain"], "the timed-out call went out");
}

#[wasm_bindgen_test]
async fn a_call_that_settles_in_time_leaves_no_timer() {
    let (server, client) = api("", "");
    let watch = watch_page();
    let out = resolved(get_call(&client, "https://api.test/fast", "{timeout: 60}"), "fast").await;
    assert_eq!(num(&out, "status"), 200.0);
    let sent = only_call(&server, "fast");
    assert!(
        get(&sent, "signal").is_instance_of::<web_sys::AbortSignal>(),
        "a call with a timeout went out without a signal"
    );
    sleep(150).await;
    assert!(!get(&sent, "signal.aborted").is_truthy(), "the timer fired after the call ended");
    // An error status too.
    set(&server, "apiReply", func("call, s", "return s.json(404, {})"));
    let error = rejected(get_call(&client, "https://api.test/fast", "{timeout: 60}"), "404").await;
    assert_eq!(text(&error, "code"), "ERR_BAD_REQUEST");
    let sent = last_call(&server);
    sleep(150).await;
    assert!(!get(&sent, "signal.aborted").is_truthy(), "the timer fired after the 404");
    let found = call0(&watch, "stop").as_string().unwrap_or_default();
    assert!(found.is_empty(), "the page saw\n{found}");
}

// ---------------------------------------------------------------------------------------------
// signal.

#[wasm_bindgen_test]
async fn aborting_the_signal_rejects_with_err_canceled_and_the_reason() {
    for cfg in ["", "timeout: 5000"] {
        let (server, client) = api("", "");
        let _gate = hold_api(&server);
        let controller = js("new AbortController()");
        let given = js(&format!("{{{cfg}}}"));
        set(&given, "signal", get(&controller, "signal"));
        let pending =
            track(&client.call(Some("get".into()), "https://api.test/a".into(), given, JsValue::UNDEFINED));
        until("sent", || api_calls(&server).len() == 1).await;
        let reason = js("new Error('user left')");
        get(&controller, "abort").unchecked_into::<js_sys::Function>().call1(&controller, &reason).unwrap();
        until("settled", || get(&pending, "settled").is_truthy()).await;
        assert!(!get(&pending, "ok").is_truthy());
        let error = get(&pending, "error");
        assert_error(&error, "RequestError", cfg);
        assert_eq!(text(&error, "code"), "ERR_CANCELED", "{cfg:?}: {}", message(&error));
        assert_eq!(message(&error), "canceled");
        assert!(
            same(&get(&error, "cause"), &reason),
            "{cfg:?}: the cause is not the reason: {:?}",
            get(&error, "cause")
        );
        assert!(get(&error, "config.signal").is_instance_of::<web_sys::AbortSignal>());
    }
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_rejects_and_sends_nothing() {
    for cfg in ["", "timeout: 5000"] {
        let (server, client) = api("", "");
        let reason = js("new Error('before')");
        let signal = js_sys::Function::new_with_args("r", "return AbortSignal.abort(r)")
            .call1(&JsValue::NULL, &reason)
            .unwrap();
        let given = js(&format!("{{{cfg}}}"));
        set(&given, "signal", signal);
        let error = request_error(
            client.call(Some("get".into()), "https://api.test/a".into(), given, JsValue::UNDEFINED),
            "ERR_CANCELED",
            "canceled",
            cfg,
        )
        .await;
        assert!(
            same(&get(&error, "cause"), &reason),
            "{cfg:?}: the cause is not the reason: {:?}",
            get(&error, "cause")
        );
        assert!(calls(&server).is_empty(), "{cfg:?}: an aborted call went out");
    }
}

#[wasm_bindgen_test]
async fn aborting_while_waiting_for_the_refresh_rejects_with_err_canceled() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");
    let gate = hold_refresh(&server);
    let controller = js("new AbortController()");
    let given = js("({})");
    set(&given, "signal", get(&controller, "signal"));
    let pending =
        track(&client.call(Some("get".into()), "https://api.test/q".into(), given, JsValue::UNDEFINED));
    let other = track(&get_call(&client, "https://api.test/r", ""));
    until("the refresh starts", || refresh_calls(&server).len() == 1).await;
    let reason = js("new Error('navigated away')");
    get(&controller, "abort").unchecked_into::<js_sys::Function>().call1(&controller, &reason).unwrap();
    until("settled", || get(&pending, "settled").is_truthy()).await;
    let error = get(&pending, "error");
    assert_error(&error, "RequestError", "abort in the queue");
    assert_eq!(text(&error, "code"), "ERR_CANCELED");
    assert!(same(&get(&error, "cause"), &reason), "the cause is not the reason");
    release(&gate);
    until("the other settles", || get(&other, "settled").is_truthy()).await;
    assert!(get(&other, "ok").is_truthy());
    let urls: Vec<String> = api_calls(&server).iter().map(|c| text(c, "url")).collect();
    assert_eq!(urls, ["https://api.test/r"]);
}

/// The caller aborts while the body is read (the answer's headers came, its body stalls): the
/// call rejects with `ERR_CANCELED` whose `cause` is the abort reason. (Chromium's body read
/// rejects with its own `TypeError: Failed to fetch` when the stream errors, not with the reason:
/// the cause has to come from the signal.)
#[wasm_bindgen_test]
async fn aborting_while_the_body_is_read_rejects_with_err_canceled_and_the_reason() {
    let mut wrong = Vec::new();
    for cfg in ["timeout: 5000", ""] {
        for content_type in ["text/plain", "application/json"] {
            let what = format!("{{{cfg}}} with a {content_type} body");
            let (server, client) = api(&format!("return s.stalled(call, '{content_type}')"), "");
            let controller = js("new AbortController()");
            let given = js(&format!("{{{cfg}}}"));
            set(&given, "signal", get(&controller, "signal"));
            let pending = track(&client.call(
                Some("get".into()),
                "https://api.test/body".into(),
                given,
                JsValue::UNDEFINED,
            ));
            until("sent", || api_calls(&server).len() == 1).await;
            sleep(30).await;
            assert!(!get(&pending, "settled").is_truthy(), "{what}: settled with a stalled body");
            let reason = js("new Error('stop reading')");
            get(&controller, "abort")
                .unchecked_into::<js_sys::Function>()
                .call1(&controller, &reason)
                .unwrap();
            until("settled", || get(&pending, "settled").is_truthy()).await;
            let error = get(&pending, "error");
            assert_error(&error, "RequestError", &what);
            assert_eq!(text(&error, "code"), "ERR_CANCELED", "{what}: {}", message(&error));
            assert_eq!(message(&error), "canceled", "{what}");
            let cause = get(&error, "cause");
            if !same(&cause, &reason) {
                wrong.push(format!(
                    "{what}: cause is {} ({}), not the abort reason",
                    name(&cause),
                    message(&cause)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "ERR_CANCELED without the abort reason as its cause:\n{}", wrong.join("\n"));
}

#[wasm_bindgen_test]
async fn aborting_after_the_call_ended_does_nothing() {
    for cfg in ["", "timeout: 5000"] {
        let (server, client) = api("", "");
        let watch = watch_page();
        let controller = js("new AbortController()");
        let given = js(&format!("{{{cfg}}}"));
        set(&given, "signal", get(&controller, "signal"));
        let promise =
            client.call(Some("get".into()), "https://api.test/done".into(), given, JsValue::UNDEFINED);
        let tracked = track(&promise);
        let out = resolved(promise, cfg).await;
        assert_eq!(num(&out, "status"), 200.0);
        call0(&controller, "abort");
        sleep(50).await;
        assert!(get(&tracked, "ok").is_truthy());
        if !cfg.is_empty() {
            assert!(get(&last_call(&server), "signal").is_instance_of::<web_sys::AbortSignal>());
            // The call's own signal (the timer's) no longer follows the caller's.
            assert!(
                !get(&last_call(&server), "signal.aborted").is_truthy(),
                "the caller's abort still reached the ended call"
            );
        }
        let found = call0(&watch, "stop").as_string().unwrap_or_default();
        assert!(found.is_empty(), "{cfg:?}: the page saw\n{found}");
    }
}

#[wasm_bindgen_test]
async fn a_network_failure_is_err_network_with_the_cause() {
    let (server, client) = api("return Promise.reject(s.netError)", "");
    let error =
        request_error(get_call(&client, "https://api.test/n", ""), "ERR_NETWORK", "Network Error", "network")
            .await;
    let cause = get(&error, "cause");
    assert!(same(&cause, &get(&server, "netError")), "the cause is not the fetch error: {cause:?}");
    assert!(get(&error, "response").is_undefined(), "a network error has no response");
    assert_eq!(refresh_calls(&server).len(), 0);
}

// ---------------------------------------------------------------------------------------------
// The refresh rules underneath.

#[wasm_bindgen_test]
async fn a_401_refreshes_once_and_resolves_with_the_replayed_answer() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let out = resolved(
        post_call(&client, "https://api.test/items", js("({name: 'x'})"), ""),
        "post on an expired token",
    )
    .await;
    assert_eq!(num(&out, "status"), 200.0);
    assert_eq!(text(&out, "data.token"), "N1");
    assert_eq!(text(&out, "data.body"), r#"{"name":"x"}"#, "the replay lost the body");
    assert_eq!(refresh_calls(&server).len(), 1);
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2);
    assert_eq!(token_of(&server, &sent[0]).as_deref(), Some("A1"));
    assert_eq!(token_of(&server, &sent[1]).as_deref(), Some("N1"));
    assert_eq!(header(&sent[1], "content-type").as_deref(), Some("application/json"));
    assert_tokens(&client, Some("N1"), Some("R-N1"), get(&client.get_tokens(), "expiresAt").as_f64());
}

#[wasm_bindgen_test]
async fn twenty_concurrent_gets_on_an_expired_token_make_one_refresh() {
    for known in [true, false] {
        let server = backend(&JsValue::UNDEFINED);
        let client = client(&server, "");
        let tokens = if known {
            "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}"
        } else {
            "{accessToken: 'A1', refreshToken: 'R1'}"
        };
        set_tokens(&client, tokens);
        let gate = hold_refresh(&server);
        let pending: Vec<JsValue> =
            (0..20).map(|i| track(&get_call(&client, &format!("https://api.test/item/{i}"), ""))).collect();
        until("the refresh starts", || refresh_calls(&server).len() == 1).await;
        sleep(20).await;
        release(&gate);
        until("all settle", || pending.iter().all(|t| get(t, "settled").is_truthy())).await;
        for (i, t) in pending.iter().enumerate() {
            assert!(get(t, "ok").is_truthy(), "{tokens}: call {i}: {}", message(&get(t, "error")));
            let out = get(t, "value");
            assert_eq!(text(&out, "data.path"), format!("/item/{i}"), "call {i} got another's answer");
            assert_eq!(text(&out, "data.token"), "N1");
        }
        assert_eq!(refresh_calls(&server).len(), 1, "{tokens}: exactly one refresh");
        let expected = if known { 20 } else { 40 };
        assert_eq!(api_calls(&server).len(), expected, "{tokens}");
    }
}

#[wasm_bindgen_test]
async fn a_dead_refresh_token_rejects_with_session_expired_error() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R-dead'}");
    let error = rejected(get_call(&client, "https://api.test/me", ""), "dead refresh token").await;
    assert_error(&error, "SessionExpiredError", "dead refresh token");
    assert!(error.is_instance_of::<SessionExpiredError>());
    assert!(!error.is_instance_of::<RequestError>(), "the session's end was wrapped");
    assert_eq!(refresh_calls(&server).len(), 1);
    assert_tokens(&client, None, None, None);
    // With an envelope too.
    set_tokens(&client, "{accessToken: 'A2', refreshToken: 'R-dead'}");
    let error = rejected(get_call(&client, "https://api.test/me", "{envelope: true}"), "with envelope").await;
    assert_error(&error, "SessionExpiredError", "dead refresh token, envelope");
}

#[wasm_bindgen_test]
async fn a_failing_refresh_rejects_with_refresh_error() {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "refreshReply", func("call, s", "return s.json(200, {nothing: true})"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_call(&client, "https://api.test/me", ""), "failing refresh").await;
    assert_error(&error, "RefreshError", "failing refresh");
    assert!(error.is_instance_of::<RefreshError>());
    assert_eq!(text(&error, "reason"), "malformed");
    assert!(get(&error, "code").is_undefined(), "the RefreshError was turned into a RequestError");
    assert_tokens(&client, Some("A1"), Some("R1"), None);
}

#[wasm_bindgen_test]
async fn auth_false_sends_no_token_and_never_refreshes() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = request_error(
        post_call(&client, "https://api.test/login", js("({user: 'u'})"), "{auth: false}"),
        "ERR_BAD_REQUEST",
        "Request failed with status code 401",
        "auth: false",
    )
    .await;
    assert_eq!(num(&error, "status"), 401.0);
    let sent = only_call(&server, "auth: false");
    assert_eq!(token_of(&server, &sent), None, "a token went out with auth: false");
    assert_eq!(header(&sent, "authorization"), None);
    assert_eq!(text(&sent, "text"), r#"{"user":"u"}"#);
    assert_eq!(refresh_calls(&server).len(), 0, "auth: false refreshed");
    assert_tokens(&client, Some("A1"), Some("R1"), None);
    // `request` too.
    resolved(
        request(&client, "{url: 'https://api.test/open', auth: false, validateStatus: null}"),
        "request",
    )
    .await;
    assert_eq!(token_of(&server, &last_call(&server)), None);
}

#[wasm_bindgen_test]
async fn a_backend_that_keeps_refusing_rejects_with_the_replays_401() {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "apiReply", func("call, s", "return s.json(401, {code: 401, attempt: call.n})"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = request_error(
        get_call(&client, "https://api.test/never", ""),
        "ERR_BAD_REQUEST",
        "Request failed with status code 401",
        "refused twice",
    )
    .await;
    assert_eq!(num(&error, "status"), 401.0);
    assert_eq!(refresh_calls(&server).len(), 1, "one refresh, no loop");
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 2, "one attempt and one replay");
    assert_eq!(token_of(&server, &sent[1]).as_deref(), Some("N1"));
    assert_eq!(num(&error, "response.data.attempt"), num(&sent[1], "n"), "the data is the replay's answer");
}

#[wasm_bindgen_test]
async fn a_disposed_client_rejects_calls_with_disposed_error() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");
    let _gate = hold_refresh(&server);
    let waiting = track(&get_call(&client, "https://api.test/w", "{timeout: 5000}"));
    until("the refresh starts", || refresh_calls(&server).len() == 1).await;
    client.dispose();
    until("the waiting call settles", || get(&waiting, "settled").is_truthy()).await;
    let error = get(&waiting, "error");
    assert_error(&error, "DisposedError", "waiting call, disposed");
    assert!(!error.is_instance_of::<RequestError>(), "the DisposedError was wrapped");
    let error = rejected(post_call(&client, "https://api.test/w", js("({a: 1})"), ""), "after dispose").await;
    assert_error(&error, "DisposedError", "call after dispose");
    assert!(api_calls(&server).is_empty());
}

#[wasm_bindgen_test]
async fn with_credentials_sends_credentials_include() {
    let (server, client) = api("", "");
    resolved(get_call(&client, "https://api.test/c", "{withCredentials: true}"), "withCredentials").await;
    assert!(text(&last_call(&server), "options").contains(r#"["credentials","include"]"#));
    resolved(get_call(&client, "https://api.test/c", ""), "without").await;
    assert!(!text(&last_call(&server), "options").contains(r#"["credentials","include"]"#));
}

// ---------------------------------------------------------------------------------------------
// The envelope.

#[wasm_bindgen_test]
async fn the_envelope_resolves_with_the_data_of_a_success_code() {
    let (server, client) = api("return s.json(200, s.body)", "{envelope: true}");
    set(&server, "body", js("({code: 0, data: {id: 7, tags: ['a']}, message: 'ok'})"));
    let out = resolved(get_call(&client, "https://api.test/e", ""), "code 0").await;
    assert_eq!(stringify(&out), r#"{"id":7,"tags":["a"]}"#);
    // '0' is 0.
    set(&server, "body", js("({code: '0', data: 5})"));
    let out = resolved(get_call(&client, "https://api.test/e", ""), "code '0'").await;
    assert_eq!(out.as_f64(), Some(5.0));
    // A success without data: undefined.
    set(&server, "body", js("({code: 0})"));
    let out = resolved(post_call(&client, "https://api.test/e", js("({a: 1})"), ""), "no data").await;
    assert!(out.is_undefined(), "{out:?}");
    assert_eq!(text(&last_call(&server), "text"), r#"{"a":1}"#);
}

#[wasm_bindgen_test]
async fn another_business_code_rejects_with_err_business() {
    let (server, client) = api("return s.json(200, s.body, {statusText: 'OK'})", "{envelope: true}");
    set(&server, "body", js("({code: 40001, message: 'name taken', data: null})"));
    let url = "https://api.test/items";
    let error = request_error(
        post_call(&client, url, js("({name: 'x'})"), ""),
        "ERR_BUSINESS",
        "name taken",
        "40001",
    )
    .await;
    assert_eq!(get(&error, "businessCode").as_f64(), Some(40001.0), "businessCode as the body has it");
    let response = get(&error, "response");
    assert_eq!(keys_of(&response), "config,data,headers,status,statusText");
    assert_eq!(stringify(&get(&response, "data")), r#"{"code":40001,"message":"name taken","data":null}"#);
    assert_eq!(num(&response, "status"), 200.0);
    assert_eq!(num(&error, "status"), 200.0);
    assert_eq!(text(&error, "config.url"), url);
    assert_eq!(text(&error, "config.method"), "post");

    // A string code and no message.
    set(&server, "body", js("({code: 'E_TAKEN'})"));
    let error = request_error(
        get_call(&client, url, ""),
        "ERR_BUSINESS",
        "the server answered business code E_TAKEN",
        "E_TAKEN",
    )
    .await;
    assert_eq!(get(&error, "businessCode").as_string().as_deref(), Some("E_TAKEN"));
    assert_eq!(refresh_calls(&server).len(), 0);
}

#[wasm_bindgen_test]
async fn a_body_without_a_code_resolves_as_it_is() {
    let (server, client) = api("return s.reply(200, s.text, {'content-type': s.type})", "{envelope: true}");
    let cases = [
        (r#"[1,2]"#, "application/json", Some(r#"[1,2]"#)),
        (r#"{"items":[],"total":0}"#, "application/json", Some(r#"{"items":[],"total":0}"#)),
        ("hello", "text/plain", None),
    ];
    for (body, content_type, json) in cases {
        set(&server, "text", body);
        set(&server, "type", content_type);
        let out = resolved(get_call(&client, "https://api.test/raw", ""), body).await;
        match json {
            Some(json) => assert_eq!(stringify(&out), json, "{body}"),
            None => assert_eq!(out.as_string().as_deref(), Some(body), "{body}"),
        }
    }
    // A blob is handed over as it is.
    set(&server, "text", r#"{"code":1}"#);
    set(&server, "type", "application/json");
    let out = resolved(get_call(&client, "https://api.test/raw", "{responseType: 'blob'}"), "blob").await;
    assert!(out.is_instance_of::<web_sys::Blob>(), "{out:?}");
}

#[wasm_bindgen_test]
async fn the_seed_003_envelope_resolves_with_the_whole_body() {
    let extra = "{envelope: {code: 'errcode', success: [0], data: null, message: 'errmsg'}}";
    let (server, client) = api("return s.json(200, s.body)", extra);
    set(&server, "body", js("({errcode: 0, errmsg: '', list: [1, 2]})"));
    let out = resolved(get_call(&client, "https://api.test/s3", ""), "errcode 0").await;
    assert_eq!(stringify(&out), r#"{"errcode":0,"errmsg":"","list":[1,2]}"#);
    set(&server, "body", js("({errcode: 42001, errmsg: 'access_token expired', code: 0})"));
    let error = request_error(
        get_call(&client, "https://api.test/s3", ""),
        "ERR_BUSINESS",
        "access_token expired",
        "42001",
    )
    .await;
    assert_eq!(get(&error, "businessCode").as_f64(), Some(42001.0));
    assert_eq!(num(&error, "response.data.errcode"), 42001.0);
}

#[wasm_bindgen_test]
async fn a_calls_envelope_false_gives_the_plain_response() {
    let (server, client) = api("return s.json(200, s.body)", "{envelope: true}");
    set(&server, "body", js("({code: 40001, message: 'no', data: 1})"));
    let out = resolved(get_call(&client, "https://api.test/p", "{envelope: false}"), "envelope: false").await;
    assert_eq!(keys_of(&out), "config,data,headers,status,statusText");
    assert_eq!(num(&out, "data.code"), 40001.0);
    // And `envelope: true` on a client without one.
    let (server, client) = api("return s.json(200, s.body)", "");
    set(&server, "body", js("({code: 0, data: 'payload'})"));
    let out = resolved(get_call(&client, "https://api.test/p", "{envelope: true}"), "envelope: true").await;
    assert_eq!(out.as_string().as_deref(), Some("payload"));
    let out = resolved(get_call(&client, "https://api.test/p", ""), "no envelope").await;
    assert_eq!(text(&out, "data.data"), "payload");
}

#[wasm_bindgen_test]
async fn a_calls_envelope_object_goes_over_the_clients() {
    let extra = "{envelope: {code: 'status', success: ['ok'], data: 'result', message: 'msg'}}";
    let (server, client) = api("return s.json(200, s.body)", extra);
    set(&server, "body", js("({status: 'ok', result: 5, data: 1, code: 9})"));
    let out = resolved(get_call(&client, "https://api.test/o", ""), "client's envelope").await;
    assert_eq!(out.as_f64(), Some(5.0));
    // Only `data` changed: the code is still the client's `status`.
    let out =
        resolved(get_call(&client, "https://api.test/o", "{envelope: {data: 'data'}}"), "data over").await;
    assert_eq!(out.as_f64(), Some(1.0));
    // `data: null`: the whole body.
    let out =
        resolved(get_call(&client, "https://api.test/o", "{envelope: {data: null}}"), "data null").await;
    assert_eq!(num(&out, "result"), 5.0);
    // Another success list and code.
    let cfg = "{envelope: {code: 'code', success: [9]}}";
    let out = resolved(get_call(&client, "https://api.test/o", cfg), "code over").await;
    assert_eq!(out.as_f64(), Some(5.0), "data stays the client's `result`");
    set(&server, "body", js("({status: 'bad', msg: 'refused here', meta: {m: 'nested'}})"));
    request_error(
        get_call(&client, "https://api.test/o", ""),
        "ERR_BUSINESS",
        "refused here",
        "client's message",
    )
    .await;
    let cfg = "{envelope: {message: 'meta.m'}}";
    request_error(get_call(&client, "https://api.test/o", cfg), "ERR_BUSINESS", "nested", "message over")
        .await;
    assert_eq!(api_calls(&server).len(), 6);
}

#[wasm_bindgen_test]
async fn a_refused_status_with_an_envelope_is_err_bad_request() {
    let (_server, client) =
        api("return s.json(400, {code: 40001, message: 'bad input'})", "{envelope: true}");
    let error = request_error(
        get_call(&client, "https://api.test/x", ""),
        "ERR_BAD_REQUEST",
        "Request failed with status code 400",
        "400 with an envelope",
    )
    .await;
    assert_eq!(num(&error, "response.data.code"), 40001.0);
    // validateStatus accepts it: then the envelope decides.
    let error = request_error(
        get_call(&client, "https://api.test/x", "{validateStatus: null}"),
        "ERR_BUSINESS",
        "bad input",
        "400 accepted",
    )
    .await;
    assert_eq!(num(&error, "status"), 400.0);
}

#[wasm_bindgen_test]
async fn an_access_expired_code_in_an_envelope_is_refreshed_before_unwrapping() {
    let server = backend(&JsValue::UNDEFINED);
    set(
        &server,
        "apiReply",
        func(
            "call, s",
            "return s.tokenOf(call) === 'N1' ? s.json(200, {code: 0, data: {user: 'ann'}}) \
             : s.json(200, {code: 50014, message: 'token expired'})",
        ),
    );
    let client = client(&server, "{envelope: true}");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let gate = hold_refresh(&server);
    let pending: Vec<Promise> =
        (0..3).map(|i| get_call(&client, &format!("https://api.test/user/{i}"), "")).collect();
    until("three first attempts", || api_calls(&server).len() == 3).await;
    release(&gate);
    for (i, promise) in pending.into_iter().enumerate() {
        let out = resolved(promise, &format!("call {i}")).await;
        assert_eq!(stringify(&out), r#"{"user":"ann"}"#, "call {i}");
    }
    assert_eq!(refresh_calls(&server).len(), 1, "one refresh for the 50014 answers");
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 6);
    assert!(sent[3..].iter().all(|c| token_of(&server, c).as_deref() == Some("N1")));
}

// ---------------------------------------------------------------------------------------------
// Bad config.

#[wasm_bindgen_test]
async fn bad_config_fields_are_type_errors_naming_them_and_every_call_settles() {
    let (server, client) = api("", "");
    let url = "https://api.test/bad";
    let bad = |src: &str| get_call(&client, url, src);
    let cyclic = js("(() => { const o = {a: 1}; o.self = o; return o; })()");
    let cases: Vec<(Promise, &str, &str)> = vec![
        (bad("{responseType: 'document'}"), "responseType", "responseType document"),
        (bad("{responseType: 'stream'}"), "responseType", "responseType stream"),
        (bad("{timeout: -1}"), "timeout", "timeout -1"),
        (bad("{timeout: NaN}"), "timeout", "timeout NaN"),
        (bad("{timeout: '100'}"), "timeout", "timeout '100'"),
        (bad("{timeout: 2 ** 31}"), "timeout", "timeout 2^31"),
        (post_call(&client, url, cyclic.clone(), ""), "data", "data with a cycle"),
        (post_call(&client, url, js("({n: 10n})"), ""), "data", "data with a BigInt"),
        (
            request(&client, &format!("{{url: '{url}', method: 'post', data: {{n: 1n}}}}")),
            "data",
            "request BigInt",
        ),
        (bad("{signal: {aborted: false}}"), "signal", "signal not a signal"),
        (bad("{signal: 'x'}"), "signal", "signal a string"),
        (client.request(JsValue::from_f64(5.0)), "config", "request(5)"),
        (client.request(JsValue::from_str("https://api.test/bad")), "config", "request('url')"),
        (
            client.call(Some("get".into()), url.into(), JsValue::from_f64(5.0), JsValue::UNDEFINED),
            "config",
            "get(url, 5)",
        ),
        (
            client.call(Some("post".into()), url.into(), js("({})"), JsValue::from_bool(true)),
            "config",
            "post(url, data, true)",
        ),
        (request(&client, &format!("{{url: '{url}', method: 'GET /x'}}")), "method", "request method"),
        (request(&client, "{url: 5}"), "url", "url a number"),
        (bad("{params: 5}"), "params", "params a number"),
        (bad("{validateStatus: 'yes'}"), "validateStatus", "validateStatus a string"),
        (bad("{envelope: 'x'}"), "envelope", "envelope a string"),
        (bad("{baseURL: 5}"), "baseURL", "baseURL a number"),
    ];
    let tracked: Vec<(JsValue, &str, &str)> =
        cases.iter().map(|(p, field, what)| (track(p), *field, *what)).collect();
    until("every bad call settles", || tracked.iter().all(|(t, _, _)| get(t, "settled").is_truthy())).await;
    let mut wrong = Vec::new();
    for (t, field, what) in &tracked {
        let error = get(t, "error");
        let ok = get(t, "ok").is_truthy();
        let named = message(&error).contains(&format!("`{field}`"));
        if ok || name(&error) != "TypeError" || !named {
            wrong.push(format!(
                "{what}: {} {}: {}",
                if ok { "resolved" } else { "rejected" },
                name(&error),
                message(&error)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "bad configs not refused with a TypeError naming the field:\n{}",
        wrong.join("\n")
    );
    assert!(calls(&server).is_empty(), "a bad call went out: {}", calls(&server).len());
}
