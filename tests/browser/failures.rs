//! Rule 6: a refresh that fails for a transient reason (5xx, network, malformed answer, timeout)
//! rejects the waiting requests with `RefreshError`, keeps the tokens and does not end the session.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// Two requests wait on a refresh answered by `reply` (the body of `(call, s) => …`); both must
/// reject with a `RefreshError` of `reason` and `status`, and the client must recover afterwards.
async fn transient(reply: &str, extra: &str, reason: &str, expected_status: Option<u16>) {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "refreshReply", func("call, s", reply));
    let on_expired = recorder();
    let extra = if extra.is_empty() { js("{}") } else { js(extra) };
    set(&extra, "onSessionExpired", on_expired.clone());
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let gate = hold_refresh(&server);
    let started = js_sys::Date::now();
    let waiting = [get_url(&client, "https://api.test/a"), get_url(&client, "https://api.test/b")];
    until("two requests queued", || events_of(&log, "request-queued").len() == 2).await;
    release(&gate);
    for promise in waiting {
        let error = rejected(promise, reply).await;
        assert_error(&error, "RefreshError", reply);
        assert_eq!(get(&error, "reason").as_string().as_deref(), Some(reason), "{reply}: reason");
        assert_eq!(get(&error, "status").as_f64(), expected_status.map(f64::from), "{reply}: status");
        let text = message(&error);
        assert!(!text.contains("A1") && !text.contains("R1"), "a token in the message: {text}");
    }
    let elapsed = js_sys::Date::now() - started;
    // No answer, a 5xx: tried again 3 times (the default `retry`); anything else once.
    let transient = reason == "network" || expected_status.is_some_and(|status| status >= 500);
    assert_eq!(refresh_calls(&server).len(), if transient { 4 } else { 1 }, "{reply}");
    assert_tokens(&client, Some("A1"), Some("R1"), None);
    assert!(items(&get(&on_expired, "calls")).is_empty(), "{reply}: onSessionExpired was called");
    assert!(events_of(&log, "session-expired").is_empty(), "{reply}: session-expired emitted");
    let failures = events_of(&log, "refresh-failure");
    assert_eq!(failures.len(), 1, "{reply}");
    assert_eq!(text(&failures[0], "reason"), reason);
    assert_eq!(get(&failures[0], "status").as_f64(), expected_status.map(f64::from));
    assert_eq!(num(&failures[0], "rejected"), 2.0);
    let duration = num(&failures[0], "durationMs");
    assert!(duration >= 0.0 && duration <= elapsed + 1.0, "durationMs {duration} (elapsed {elapsed})");
    assert_no_tokens(&log, &["A1", "R1"]);

    // Not stuck: once the endpoint works again, the next request refreshes and succeeds.
    set(&server, "refreshReply", JsValue::NULL);
    let response = resolved(get_url(&client, "https://api.test/c"), "after the failure").await;
    assert_eq!(status(&response), 200, "{reply}: no recovery");
    assert_eq!(text(&body_json(&response).await, "token"), "N1");
}

#[wasm_bindgen_test]
async fn a_5xx_refresh_answer_is_a_refresh_error() {
    transient("return s.json(500, {error: 'boom'})", "", "status", Some(500)).await;
    transient("return new Response('down', {status: 503})", "", "status", Some(503)).await;
    transient("return s.json(400, {error: 'invalid_request'})", "", "status", Some(400)).await;
}

#[wasm_bindgen_test]
async fn a_network_error_on_refresh_is_a_refresh_error() {
    transient("return Promise.reject(new TypeError('Failed to fetch'))", "", "network", None).await;
}

#[wasm_bindgen_test]
async fn a_refresh_answer_that_is_not_json_is_malformed() {
    let html =
        "return new Response('<html>oops</html>', {status: 200, headers: {'content-type': 'text/html'}})";
    transient(html, "", "malformed", Some(200)).await;
    let broken =
        "return new Response('{not json', {status: 200, headers: {'content-type': 'application/json'}})";
    transient(broken, "", "malformed", Some(200)).await;
}

#[wasm_bindgen_test]
async fn a_refresh_answer_without_access_token_is_malformed() {
    transient("return s.json(200, {ok: true, refresh_token: 'R9'})", "", "malformed", Some(200)).await;
    transient("return s.json(200, {access_token: ''})", "", "malformed", Some(200)).await;
}

#[wasm_bindgen_test]
async fn a_refresh_that_hangs_past_the_timeout_is_a_refresh_error() {
    let extra = format!("{{refresh: {{url: '{REFRESH_URL}', timeout: 200}}}}");
    let started = js_sys::Date::now();
    transient("return new Promise(() => {})", &extra, "timeout", None).await;
    let elapsed = js_sys::Date::now() - started;
    assert!(elapsed >= 190.0, "rejected after {elapsed} ms, before the 200 ms timeout");
}

#[wasm_bindgen_test]
async fn refresh_error_carries_the_underlying_cause() {
    // js/index.d.ts: `cause` is "the underlying error (network error, error thrown by the refresh
    // function), when there was one".
    let server = backend(&JsValue::UNDEFINED);
    let network = js("new TypeError('Failed to fetch')");
    set(&server, "networkError", network.clone());
    set(&server, "refreshReply", func("call, s", "return Promise.reject(s.networkError)"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "network failure").await;
    assert_error(&error, "RefreshError", "network failure");
    assert!(
        get(&error, "cause") == network,
        "RefreshError.cause is not the network error: {:?}",
        get(&error, "cause")
    );

    let thrown = js("new Error('relogin failed')");
    let extra = js("{}");
    let refresh =
        func("thrown", "return async () => { throw thrown; }").call1(&JsValue::NULL, &thrown).unwrap();
    set(&extra, "refresh", refresh);
    let server = backend(&JsValue::UNDEFINED);
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    set_tokens(&client, "{accessToken: 'A1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "refresh function throws").await;
    assert_error(&error, "RefreshError", "refresh function throws");
    assert!(
        get(&error, "cause") == thrown,
        "RefreshError.cause is not the thrown error: {:?}",
        get(&error, "cause")
    );
}
