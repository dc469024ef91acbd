//! Rule 9 and the edges of the glue: every promise settles, errors from the transport reach the
//! caller, listeners may call back into the client, the default transport is the global `fetch`,
//! and a storage that cannot even be reached falls back to memory.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn transport_errors_and_bad_inputs_reject_and_nothing_hangs() {
    let fetch = js("(() => {
        const f = (input, init) => {
            const url = typeof input === 'string' ? input : input.url;
            f.urls.push(url);
            if (url.includes('/sync')) throw f.syncError;
            if (url.includes('/plain')) return Promise.resolve({ status: 200 });
            if (url.includes('/reject')) return Promise.reject(f.networkError);
            if (url.endsWith('/auth/refresh')) return Promise.resolve(new Response(JSON.stringify({ access_token: 'N1' }), { headers: { 'content-type': 'application/json' } }));
            if (url.includes('/replay-fails')) {
                const auth = new Headers(init && init.headers).get('authorization');
                return auth === 'Bearer N1' ? Promise.reject(f.networkError) : Promise.resolve(new Response('', { status: 401 }));
            }
            return Promise.resolve(new Response('ok'));
        };
        f.urls = [];
        f.syncError = new TypeError('sync boom');
        f.networkError = new TypeError('Failed to fetch');
        return f;
    })()");
    let extra = js("{}");
    set(&extra, "fetch", fetch.clone());
    let server = backend(&JsValue::UNDEFINED);
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let error = rejected(get_url(&client, "https://api.test/sync"), "a transport that throws").await;
    assert!(error == get(&fetch, "syncError"), "not the transport's error: {error:?}");
    let error =
        rejected(get_url(&client, "https://api.test/plain"), "a transport resolving a non-Response").await;
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
    let error = rejected(get_url(&client, "https://api.test/reject"), "a transport that rejects").await;
    assert!(error == get(&fetch, "networkError"), "not the transport's error: {error:?}");
    let error = rejected(get_url(&client, "https://api.test/replay-fails"), "a replay that fails").await;
    assert!(error == get(&fetch, "networkError"), "not the transport's error: {error:?}");
    let error = rejected(get_url(&client, "http://[not a url"), "an invalid URL").await;
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
    let init = js("{method: 'GET', body: 'x'}");
    let error =
        rejected(client.fetch(JsValue::from_str("https://api.test/get-body"), init), "GET with a body").await;
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");
    let error = rejected(client.fetch(JsValue::from_f64(5.0), JsValue::UNDEFINED), "a number as input").await;
    assert!(error.is_instance_of::<js_sys::TypeError>(), "{error:?}");

    // The client is not stuck after all that.
    let response = resolved(get_url(&client, "https://api.test/ok"), "a normal request afterwards").await;
    assert_eq!(body_text(&response).await, "ok");
    assert_eq!(get(&client.get_tokens(), "accessToken").as_string().as_deref(), Some("N1"));
}

#[wasm_bindgen_test]
async fn listeners_and_callbacks_may_call_back_into_the_client() {
    let server = backend(&js("{valid: ['L1']}"));
    set(&server, "refreshReply", func("call, s", "return s.json(401, {error: 'invalid_grant'})"));
    let client = Rc::new(crate::support::client(&server, ""));
    let joined = js("[]");
    let weak = Rc::downgrade(&client);
    let joined_in = joined.clone();
    let listener = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let Some(client) = weak.upgrade() else { return };
        let _ = client.get_tokens();
        match get(&event, "type").as_string().as_deref() {
            Some("refresh-start") => {
                joined_in.unchecked_ref::<js_sys::Array>().push(&track(&client.refresh()));
            }
            Some("session-expired") => {
                client.set_tokens(js("{accessToken: 'L1', refreshToken: 'LR1'}")).unwrap();
            }
            _ => {}
        }
    })
    .into_js_value();
    for kind in EVENT_TYPES {
        client.on(kind.to_owned(), listener.clone()).unwrap();
    }
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let error = rejected(get_url(&client, "https://api.test/me"), "the session ends").await;
    assert_error(&error, "SessionExpiredError", "the session ends");
    let from_listener = items(&joined);
    assert_eq!(from_listener.len(), 1);
    until("refresh() called from a listener settles", || get(&from_listener[0], "settled").is_truthy()).await;
    assert_error(&get(&from_listener[0], "error"), "SessionExpiredError", "refresh() joined from a listener");
    // The listener logged in again while the session ended: its tokens stand and work.
    assert_tokens(&client, Some("L1"), Some("LR1"), None);
    let response = resolved(get_url(&client, "https://api.test/me"), "after the re-login").await;
    assert_eq!(text(&body_json(&response).await, "token"), "L1");
}

#[wasm_bindgen_test]
async fn the_default_transport_is_the_global_fetch_looked_up_per_call() {
    let server = backend(&js("{valid: ['A1']}"));
    let options = options(&server, &JsValue::UNDEFINED);
    js_sys::Reflect::delete_property(options.unchecked_ref::<js_sys::Object>(), &JsValue::from_str("fetch"))
        .unwrap();
    let client = AuthClient::new(options).unwrap();
    set_tokens(&client, "{accessToken: 'A1'}");

    // Patched after the client was made, as a mock library would; restored before asserting.
    let global = js_sys::global();
    let original = get(&global, "fetch");
    set(&global, "fetch", get(&server, "fetch"));
    let outcome = settle(get_url(&client, "https://api.test/me")).await;
    set(&global, "fetch", original);
    let response = outcome.unwrap_or_else(|e| panic!("rejected: {}", message(&e)));
    assert_eq!(status(&response), 200);
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 1, "the patched global fetch was not used");
    assert_eq!(header(&sent[0], "authorization").as_deref(), Some("Bearer A1"));
}

#[wasm_bindgen_test]
async fn an_unreachable_local_storage_falls_back_to_memory() {
    reset_storage();
    // Blocked storage (privacy settings, sandboxed iframes): reading `localStorage` throws.
    let saved = js("Object.getOwnPropertyDescriptor(window, 'localStorage')");
    js("Object.defineProperty(window, 'localStorage', {configurable: true, \
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }})");
    let server = backend(&js("{valid: ['A1']}"));
    // No assertion until the property is restored: a failure here must not break later tests.
    let outcome = async {
        let client = crate::support::client(&server, "{storage: 'localStorage'}");
        let log = listen(&client);
        let before = client.get_tokens();
        set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
        let after = client.get_tokens();
        let response = settle(get_url(&client, "https://api.test/me")).await;
        (before, after, response, log)
    }
    .await;
    func("d", "Object.defineProperty(window, 'localStorage', d)").call1(&JsValue::NULL, &saved).unwrap();

    let (before, after, response, log) = outcome;
    assert!(before.is_null());
    assert_eq!(text(&after, "accessToken"), "A1");
    let response = response.unwrap_or_else(|e| panic!("rejected: {}", message(&e)));
    assert_eq!(text(&body_json(&response).await, "token"), "A1");
    let fallbacks = events_of(&log, "storage-fallback");
    assert_eq!(fallbacks.len(), 1, "{}", stringify(&log));
    assert_eq!(text(&fallbacks[0], "storage"), "localStorage");
    assert_no_tokens(&log, &["A1", "R1"]);
    assert_eq!(js("localStorage.length").as_f64(), Some(0.0), "localStorage was not restored or was written");
}
