//! Against the real reference backend (www/server, the `fwr-backend` binary), through the browser's
//! own `fetch`: its URL comes at build time from `FWR_BACKEND` (set by
//! `scripts/browser-tests.sh`). The page runs on another 127.0.0.1 port, so these are CORS
//! requests, preflights included.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn backend_url() -> &'static str {
    match option_env!("FWR_BACKEND") {
        Some(url) if !url.is_empty() => url.trim_end_matches('/'),
        _ => panic!(
            "FWR_BACKEND was not set when these tests were built: run them with `make test-browser` \
             (scripts/browser-tests.sh starts the reference backend and sets FWR_BACKEND to its URL)"
        ),
    }
}

/// The browser's `fetch(url, init)`.
fn native_fetch(url: &str, init: &JsValue) -> Promise {
    let fetch: Function = get(&js_sys::global(), "fetch").unchecked_into();
    fetch.call2(&js_sys::global(), &JsValue::from_str(url), init).unwrap().unchecked_into()
}

/// POSTs JSON (a JS expression) with the browser's fetch; returns the parsed answer.
async fn post_json(url: &str, body: &str) -> JsValue {
    let init = js(&format!(
        "{{method: 'POST', headers: {{'content-type': 'application/json'}}, body: JSON.stringify({body})}}"
    ));
    let response = resolved(native_fetch(url, &init), url).await;
    assert_eq!(status(&response), 200, "POST {url}");
    body_json(&response).await
}

async fn admin(action: &str) {
    post_json(&format!("{}/__admin/{action}", backend_url()), "{}").await;
}

async fn counters() -> JsValue {
    let url = format!("{}/__admin/counters", backend_url());
    body_json(&resolved(native_fetch(&url, &JsValue::UNDEFINED), &url).await).await
}

#[wasm_bindgen_test]
async fn flavour_s001_refreshes_once_for_concurrent_requests_on_the_real_backend() {
    let b = backend_url();
    admin("reset").await;
    let login = post_json(&format!("{b}/s001/login"), "{user: 'u'}").await;
    let on_expired = recorder();
    let options = js(&format!(
        "{{baseURL: '{b}/s001', storage: 'memory', allowedOrigins: ['{b}'], proactiveWindow: 0, \
           refresh: {{url: '/api/v1/refresh_token'}}}}"
    ));
    set(&options, "onSessionExpired", on_expired.clone());
    let client = AuthClient::new(options).unwrap();
    let tokens = js("{}");
    set(&tokens, "accessToken", get(&login, "access_token"));
    set(&tokens, "refreshToken", get(&login, "refresh_token"));
    set(&tokens, "expiresIn", get(&login, "expires_in"));
    client.set_tokens(tokens).unwrap();
    let first_access = text(&login, "access_token");

    admin("expire-access").await;
    let pending: Vec<Promise> = (0..5).map(|_| get_url(&client, "/api/me")).collect();
    for (i, promise) in pending.into_iter().enumerate() {
        let response = resolved(promise, &format!("GET /api/me #{i}")).await;
        assert_eq!(status(&response), 200, "request {i}");
        assert_eq!(text(&response, "url"), format!("{b}/s001/api/me"));
        // The JSON answer was read and rebuilt: what the constructor cannot set survives, on the
        // response and on its clones.
        let call = |name: &str| get(&response, name).unchecked_into::<Function>().call0(&response).unwrap();
        let copy = call("clone");
        for key in ["url", "redirected", "type"] {
            assert_eq!(stringify(&get(&copy, key)), stringify(&get(&response, key)), "clone().{key}");
        }
        assert_eq!(text(&response, "type"), "cors");
        assert_eq!(
            text(&get(&copy, "clone").unchecked_into::<Function>().call0(&copy).unwrap(), "url"),
            text(&response, "url")
        );
        assert_eq!(text(&body_json(&copy).await, "data.user"), "u");
        assert_eq!(text(&body_json(&response).await, "data.user"), "u");
    }
    let seen = counters().await;
    assert_eq!(num(&seen, "refreshCalls"), 1.0, "{}", stringify(&seen));
    let me = js_sys::Reflect::get(&get(&seen, "requests"), &"GET /s001/api/me".into()).unwrap();
    assert_eq!(me.as_f64(), Some(10.0), "5 refused attempts and 5 replays: {}", stringify(&seen));
    assert_eq!(num(&seen, "reuseDetections"), 0.0);
    let renewed = text(&client.get_tokens(), "accessToken");
    assert_ne!(renewed, first_access, "the tokens were not renewed");

    // A POST body is replayed byte for byte.
    admin("expire-access").await;
    let init =
        js("{method: 'POST', headers: {'content-type': 'text/plain;charset=UTF-8'}, body: 'héllo ✓ 日本'}");
    let response = resolved(client.fetch(JsValue::from_str("/api/echo"), init), "POST /api/echo").await;
    assert_eq!(status(&response), 200);
    let echo = body_json(&response).await;
    assert_eq!(text(&echo, "data.body"), "héllo ✓ 日本");
    assert_eq!(text(&echo, "data.method"), "POST");
    let seen = counters().await;
    assert_eq!(num(&seen, "refreshCalls"), 2.0, "{}", stringify(&seen));
    let echoes = js_sys::Reflect::get(&get(&seen, "requests"), &"POST /s001/api/echo".into()).unwrap();
    assert_eq!(echoes.as_f64(), Some(2.0));

    // A non-JSON answer comes through unread.
    let response = resolved(get_url(&client, "/api/text"), "GET /api/text").await;
    assert_eq!(status(&response), 200);
    assert!(!get(&response, "bodyUsed").is_truthy());
    assert_eq!(body_text(&response).await, "hello");

    // The refresh token dies: the session ends, once.
    admin("expire-refresh").await;
    admin("expire-access").await;
    let waiting = [get_url(&client, "/api/me"), get_url(&client, "/api/me")];
    for promise in waiting {
        let error = rejected(promise, "after expire-refresh").await;
        assert_error(&error, "SessionExpiredError", "after expire-refresh");
    }
    let infos = items(&get(&on_expired, "calls"));
    assert_eq!(infos.len(), 1);
    assert_eq!(text(&get(&infos[0], "0"), "reason"), "refresh-rejected");
    assert_eq!(num(&get(&infos[0], "0"), "status"), 401.0);
    assert!(client.get_tokens().is_null());
}

#[wasm_bindgen_test]
async fn flavour_s000_business_codes_on_the_real_backend() {
    let b = backend_url();
    admin("reset").await;
    let login = post_json(&format!("{b}/s000/login"), "{user: 'u'}").await;
    let on_expired = recorder();
    let options = js(&format!(
        "{{baseURL: '{b}/s000', storage: 'memory', allowedOrigins: ['{b}'], proactiveWindow: 0, \
           attach: {{header: 'X-Token', scheme: null}}, refresh: {{url: '/refreshJwt/{{refreshToken}}'}}, \
           accessExpired: {{codes: [50014]}}, sessionExpired: {{codes: [10007]}}}}"
    ));
    set(&options, "onSessionExpired", on_expired.clone());
    let client = AuthClient::new(options).unwrap();
    let tokens = js("{}");
    set(&tokens, "accessToken", get(&login, "data.token"));
    set(&tokens, "refreshToken", get(&login, "data.refreshToken"));
    client.set_tokens(tokens).unwrap();

    admin("expire-access").await;
    let pending: Vec<Promise> = (0..3).map(|_| get_url(&client, "/api/me")).collect();
    for promise in pending {
        let response = resolved(promise, "GET /s000/api/me").await;
        let body = body_json(&response).await;
        assert_eq!(num(&body, "code"), 0.0, "{}", stringify(&body));
        assert_eq!(text(&body, "data.user"), "u");
    }
    assert_eq!(num(&counters().await, "refreshCalls"), 1.0);

    admin("expire-refresh").await;
    admin("expire-access").await;
    let error = rejected(get_url(&client, "/api/me"), "refresh answered {code: 10007}").await;
    assert_error(&error, "SessionExpiredError", "refresh answered {code: 10007}");
    let infos = items(&get(&on_expired, "calls"));
    assert_eq!(infos.len(), 1);
    let info = get(&infos[0], "0");
    assert_eq!(text(&info, "reason"), "refresh-rejected");
    assert_eq!(num(&info, "code"), 10007.0);
    assert!(client.get_tokens().is_null());
}
