//! Rules 2–5 through the fetch path: reactive refresh and the queue, token-changed replays, no
//! refresh loop, proactive and expired tokens, and the end of a session.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// 10 concurrent requests refused (as `expired` says), one refresh, 10 replays.
async fn storm(expired: &str) {
    let server = backend(&js(&format!("{{expired: '{expired}'}}")));
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let gate = hold_refresh(&server);

    let pending: Vec<Promise> =
        (0..10).map(|i| get_url(&client, &format!("https://api.test/item/{i}"))).collect();
    until("10 requests queued", || events_of(&log, "request-queued").len() == 10).await;
    assert_eq!(refresh_calls(&server).len(), 1, "one refresh for 10 refused requests");
    release(&gate);
    for (i, promise) in pending.into_iter().enumerate() {
        let response = resolved(promise, &format!("request {i}")).await;
        assert_eq!(status(&response), 200, "request {i}");
        let body = body_json(&response).await;
        assert_eq!(text(&body, "path"), format!("/item/{i}"), "request {i} got another request's answer");
        assert_eq!(text(&body, "token"), "N1");
    }

    let refreshes = refresh_calls(&server);
    assert_eq!(refreshes.len(), 1, "exactly one refresh call");
    assert_eq!(text(&refreshes[0], "method"), "POST");
    assert_eq!(text(&refreshes[0], "text"), r#"{"refresh_token":"R1"}"#);
    assert_eq!(header(&refreshes[0], "authorization"), None, "the refresh call carries the access token");
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 20, "10 first attempts and 10 replays");
    let (first, replays) = sent.split_at(10);
    for call in first {
        assert_eq!(token_of(&server, call).as_deref(), Some("A1"));
    }
    for call in replays {
        assert_eq!(token_of(&server, call).as_deref(), Some("N1"), "a replay without the new token");
    }
    // The replays go out in the order the requests queued.
    let queued: Vec<String> = events_of(&log, "request-queued").iter().map(|e| text(e, "url")).collect();
    let replayed: Vec<String> = replays.iter().map(|c| text(c, "url")).collect();
    assert_eq!(replayed, queued);
    let counts: Vec<f64> = events_of(&log, "request-queued").iter().map(|e| num(e, "queued")).collect();
    assert_eq!(counts, (1..=10).map(f64::from).collect::<Vec<_>>());

    let starts = events_of(&log, "refresh-start");
    assert_eq!(starts.len(), 1);
    assert_eq!(text(&starts[0], "reason"), "rejected");
    let successes = events_of(&log, "refresh-success");
    assert_eq!(successes.len(), 1);
    assert_eq!(num(&successes[0], "replayed"), 10.0);
    assert!(num(&successes[0], "durationMs") >= 0.0);
    assert!(num(&successes[0], "expiresAt") > js_sys::Date::now());
    let replay_events = events_of(&log, "request-replayed");
    assert_eq!(replay_events.len(), 10);
    for event in &replay_events {
        assert_eq!(text(event, "reason"), "refreshed");
        assert_eq!(text(event, "method"), "GET");
    }
    let changes = events_of(&log, "tokens-changed");
    assert_eq!(changes.iter().map(|e| text(e, "source")).collect::<Vec<_>>(), ["set", "refresh"]);
    assert_no_tokens(&log, &["A1", "R1", "N1", "R-N1"]);
    let expires_at = get(&client.get_tokens(), "expiresAt").as_f64();
    assert!(expires_at.is_some(), "expires_in of the answer was not kept");
    assert_tokens(&client, Some("N1"), Some("R-N1"), expires_at);
}

#[wasm_bindgen_test]
async fn ten_concurrent_401s_make_one_refresh_and_are_all_replayed() {
    storm("status").await;
}

#[wasm_bindgen_test]
async fn ten_concurrent_code_50014_answers_make_one_refresh_and_are_all_replayed() {
    storm("code").await;
}

#[wasm_bindgen_test]
async fn other_matchers_and_code_fields_trigger_the_refresh() {
    // codeField with a dotted path and a string code; a function matcher (seed 003's errcodes).
    let cases = [
        (
            "{codeField: 'meta.code', accessExpired: {codes: [40001]}}",
            "return s.json(200, {meta: {code: '40001'}})",
        ),
        (
            "{accessExpired: ({status, body}) => status === 200 && body.errcode === 42001}",
            "return s.json(200, {errcode: 42001})",
        ),
    ];
    for (extra, refused) in cases {
        let server = backend(&JsValue::UNDEFINED);
        let reply =
            format!("if (s.tokenOf(call) === 'A1') {{ {refused} }} return s.json(200, {{ok: true}});");
        set(&server, "apiReply", func("call, s", &reply));
        let client = client(&server, extra);
        set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
        let response = resolved(get_url(&client, "https://api.test/me"), extra).await;
        assert_eq!(status(&response), 200, "{extra}");
        assert!(get(&body_json(&response).await, "ok").is_truthy(), "{extra}: not the replayed answer");
        assert_eq!(refresh_calls(&server).len(), 1, "{extra}");
        assert_eq!(token_of(&server, &api_calls(&server)[1]).as_deref(), Some("N1"), "{extra}");
    }
}

#[wasm_bindgen_test]
async fn a_request_sent_with_an_older_token_is_replayed_without_a_refresh() {
    let server = backend(&js("{valid: ['A2']}"));
    let hold = deferred();
    set(&server, "hold", hold.clone());
    set(&server, "apiGate", func("call, s", "if (call.n === 0) return s.hold.promise;"));
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let pending = get_url(&client, "https://api.test/me");
    until("the first attempt", || api_calls(&server).len() == 1).await;
    set_tokens(&client, "{accessToken: 'A2', refreshToken: 'R2'}");
    release(&hold);
    let response = resolved(pending, "a request sent with A1").await;
    assert_eq!(status(&response), 200);
    assert_eq!(text(&body_json(&response).await, "token"), "A2");
    let tokens: Vec<Option<String>> = api_calls(&server).iter().map(|c| token_of(&server, c)).collect();
    assert_eq!(tokens, [Some("A1".to_owned()), Some("A2".to_owned())]);
    assert!(refresh_calls(&server).is_empty(), "a refresh was made although the token had changed");
    let replayed = events_of(&log, "request-replayed");
    assert_eq!(replayed.len(), 1);
    assert_eq!(text(&replayed[0], "reason"), "token-changed");
    assert_eq!(text(&replayed[0], "url"), "https://api.test/me");
}

#[wasm_bindgen_test]
async fn a_backend_that_keeps_refusing_gets_one_replay_and_the_caller_its_answer() {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "apiReply", func("call, s", "return s.json(401, {code: 401, error: 'still refused'})"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    let response = resolved(get_url(&client, "https://api.test/me"), "always 401").await;
    assert_eq!(status(&response), 401);
    assert_eq!(text(&body_json(&response).await, "error"), "still refused");
    assert_eq!(api_calls(&server).len(), 2, "one attempt and one replay");
    assert_eq!(refresh_calls(&server).len(), 1);
    sleep(50).await;
    assert_eq!(calls(&server).len(), 3, "calls kept going after the answer");
}

#[wasm_bindgen_test]
async fn no_background_refresh_in_the_first_half_of_a_known_lifetime() {
    // A 60-second token (its lifetime known from expiresIn) is inside the 30-minute window, but in
    // the first half of its life: no refresh.
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresIn: 60}");
    for i in 0..5 {
        let response = resolved(get_url(&client, &format!("https://api.test/{i}")), "request").await;
        assert_eq!(text(&body_json(&response).await, "token"), "A1");
    }
    sleep(20).await;
    assert!(refresh_calls(&server).is_empty(), "refreshed in the first half of the token's life");
}

#[wasm_bindgen_test]
async fn a_token_inside_the_window_is_sent_at_once_with_one_background_refresh() {
    // Default window: 1800 s; this token has 60 s left, and its lifetime is not known (an explicit
    // expiry of an opaque token), so it is not protected as a token in its first half.
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() + 60000}");
    let gate = hold_refresh(&server);

    // Both requests resolve while the refresh is still held: they did not wait for it.
    let first = resolved(get_url(&client, "https://api.test/one"), "first request").await;
    assert_eq!(text(&body_json(&first).await, "token"), "A1");
    until("the background refresh", || refresh_calls(&server).len() == 1).await;
    let second = resolved(get_url(&client, "https://api.test/two"), "second request").await;
    assert_eq!(text(&body_json(&second).await, "token"), "A1");
    assert!(!get(&gate, "released").is_truthy());
    assert_eq!(refresh_calls(&server).len(), 1, "a second proactive refresh started");
    let starts = events_of(&log, "refresh-start");
    assert_eq!(starts.len(), 1);
    assert_eq!(text(&starts[0], "reason"), "proactive");
    assert!(events_of(&log, "request-queued").is_empty(), "a request waited for the proactive refresh");

    release(&gate);
    until("the new token is stored", || {
        get(&client.get_tokens(), "accessToken").as_string().as_deref() == Some("N1")
    })
    .await;
    let third = resolved(get_url(&client, "https://api.test/three"), "third request").await;
    assert_eq!(text(&body_json(&third).await, "token"), "N1");
    assert_eq!(refresh_calls(&server).len(), 1);

    // proactiveWindow: 0 turns it off.
    let server = backend(&js("{valid: ['A1']}"));
    let client = crate::support::client(&server, "{proactiveWindow: 0}");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() + 60000}");
    resolved(get_url(&client, "https://api.test/one"), "window 0").await;
    sleep(20).await;
    assert!(refresh_calls(&server).is_empty(), "proactiveWindow: 0 still refreshed");
}

#[wasm_bindgen_test]
async fn a_request_refused_during_a_proactive_refresh_joins_it() {
    // A1 is inside the window and already refused by the server.
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() + 60000}");
    let gate = hold_refresh(&server);
    let pending = [get_url(&client, "https://api.test/one"), get_url(&client, "https://api.test/two")];
    until("both refused requests queued", || events_of(&log, "request-queued").len() == 2).await;
    // While it is blocking, a new request waits too instead of going out with the refused token.
    let third = get_url(&client, "https://api.test/three");
    until("the third request queued", || events_of(&log, "request-queued").len() == 3).await;
    assert_eq!(api_calls(&server).len(), 2);
    release(&gate);
    for promise in pending.into_iter().chain([third]) {
        let response = resolved(promise, "after the proactive refresh").await;
        assert_eq!(text(&body_json(&response).await, "token"), "N1");
    }
    assert_eq!(refresh_calls(&server).len(), 1, "a second refresh started");
    assert_eq!(api_calls(&server).len(), 5);
    assert_eq!(text(&events_of(&log, "refresh-start")[0], "reason"), "proactive");
}

#[wasm_bindgen_test]
async fn an_expired_token_makes_requests_wait_for_the_refresh() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");

    let pending: Vec<Promise> =
        (0..3).map(|i| get_url(&client, &format!("https://api.test/e/{i}"))).collect();
    for (i, promise) in pending.into_iter().enumerate() {
        let response = resolved(promise, &format!("request {i}")).await;
        assert_eq!(status(&response), 200);
        assert_eq!(text(&body_json(&response).await, "token"), "N1");
    }
    let sent = calls(&server);
    assert_eq!(text(&sent[0], "url"), REFRESH_URL, "the first call was not the refresh");
    assert_eq!(sent.len(), 4);
    for call in &sent[1..] {
        assert_eq!(token_of(&server, call).as_deref(), Some("N1"), "the expired token was sent");
    }
    let starts = events_of(&log, "refresh-start");
    assert_eq!(starts.len(), 1);
    assert_eq!(text(&starts[0], "reason"), "expired");
    assert_eq!(events_of(&log, "request-queued").len(), 3);
}

/// A client whose `onSessionExpired` is `on_expired`.
fn client_with_callback(server: &JsValue, on_expired: &Function, extra: &str) -> AuthClient {
    let extra = if extra.is_empty() { js("{}") } else { js(extra) };
    set(&extra, "onSessionExpired", on_expired.clone());
    AuthClient::new(options(server, &extra)).unwrap()
}

/// The arguments `onSessionExpired` got, one per call.
fn expired_calls(on_expired: &Function) -> Vec<JsValue> {
    items(&get(on_expired, "calls")).iter().map(|args| get(args, "0")).collect()
}

#[wasm_bindgen_test]
async fn a_refused_refresh_ends_the_session_once_until_new_tokens() {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "refreshReply", func("call, s", "return s.json(401, {error: 'invalid_token'})"));
    let late = deferred();
    set(&server, "late", late.clone());
    set(&server, "apiGate", func("call, s", "if (call.url.includes('/late')) return s.late.promise;"));
    let on_expired = recorder();
    let client = client_with_callback(&server, &on_expired, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");

    // Two requests are still at the server when the session ends; two wait on the refresh.
    let late_ones =
        [get_url(&client, "https://api.test/late/1"), get_url(&client, "https://api.test/late/2")];
    until("the late requests are sent", || api_calls(&server).len() == 2).await;
    let gate = hold_refresh(&server);
    let waiting = [get_url(&client, "https://api.test/a"), get_url(&client, "https://api.test/b")];
    until("two requests queued", || events_of(&log, "request-queued").len() == 2).await;
    release(&gate);
    for promise in waiting {
        let error = rejected(promise, "a request waiting on a refused refresh").await;
        assert_error(&error, "SessionExpiredError", "a request waiting on a refused refresh");
        assert!(!message(&error).contains("A1") && !message(&error).contains("R1"));
    }
    let infos = expired_calls(&on_expired);
    assert_eq!(infos.len(), 1);
    assert_eq!(text(&infos[0], "reason"), "refresh-rejected");
    assert_eq!(num(&infos[0], "status"), 401.0);
    assert!(get(&infos[0], "code").is_undefined());
    assert_tokens(&client, None, None, None);
    let ended = events_of(&log, "session-expired");
    assert_eq!(ended.len(), 1);
    assert_eq!(text(&ended[0], "reason"), "refresh-rejected");
    assert_eq!(num(&ended[0], "status"), 401.0);
    assert_eq!(num(&ended[0], "rejected"), 2.0);

    // The second wave (answers to requests sent before the end) fails the same way, silently.
    release(&late);
    for promise in late_ones {
        let error = rejected(promise, "a late answer after the session ended").await;
        assert_error(&error, "SessionExpiredError", "a late answer after the session ended");
    }
    // Without tokens a request goes out bare and its answer is the caller's.
    let bare = resolved(get_url(&client, "https://api.test/c"), "a request without tokens").await;
    assert_eq!(status(&bare), 401);
    assert_eq!(token_of(&server, api_calls(&server).last().unwrap()), None);
    assert_eq!(expired_calls(&on_expired).len(), 1, "onSessionExpired called again");
    assert_eq!(events_of(&log, "session-expired").len(), 1);
    assert_eq!(refresh_calls(&server).len(), 1);
    let cleared: Vec<String> = events_of(&log, "tokens-changed").iter().map(|e| text(e, "source")).collect();
    assert_eq!(cleared, ["set", "session-expired"]);

    // New tokens, a new session: its end is reported again.
    set_tokens(&client, "{accessToken: 'A2', refreshToken: 'R2'}");
    let error = rejected(get_url(&client, "https://api.test/d"), "the second session").await;
    assert_error(&error, "SessionExpiredError", "the second session");
    assert_eq!(expired_calls(&on_expired).len(), 2, "onSessionExpired not called for the new session");
    assert_eq!(events_of(&log, "session-expired").len(), 2);
    assert_no_tokens(&log, &["A1", "A2", "R1", "R2"]);
}

#[wasm_bindgen_test]
async fn refusals_by_status_and_code_end_the_session() {
    // (refresh answer, expected status, expected code)
    let cases = [
        ("return s.json(400, {error: 'invalid_grant'})", 400.0, None),
        ("return s.json(200, {code: 10007, msg: 'log in again'})", 200.0, Some(10007.0)),
        ("return s.json(401, {code: 50015})", 401.0, Some(50015.0)),
    ];
    for (reply, expected_status, expected_code) in cases {
        let server = backend(&JsValue::UNDEFINED);
        set(&server, "refreshReply", func("call, s", reply));
        let on_expired = recorder();
        let client = client_with_callback(&server, &on_expired, "");
        set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
        let error = rejected(get_url(&client, "https://api.test/me"), reply).await;
        assert_error(&error, "SessionExpiredError", reply);
        let infos = expired_calls(&on_expired);
        assert_eq!(infos.len(), 1, "{reply}");
        assert_eq!(text(&infos[0], "reason"), "refresh-rejected", "{reply}");
        assert_eq!(num(&infos[0], "status"), expected_status, "{reply}");
        assert_eq!(get(&infos[0], "code").as_f64(), expected_code, "{reply}");
        assert_tokens(&client, None, None, None);
    }
}

#[wasm_bindgen_test]
async fn an_api_answer_matching_session_expired_ends_the_session_without_a_refresh() {
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "apiReply", func("call, s", "return s.json(401, {code: 50015, msg: 'session over'})"));
    let on_expired = recorder();
    let client = client_with_callback(&server, &on_expired, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "a 50015 answer").await;
    assert_error(&error, "SessionExpiredError", "a 401 {code: 50015} answer");
    assert!(refresh_calls(&server).is_empty(), "sessionExpired must win over accessExpired");
    let infos = expired_calls(&on_expired);
    assert_eq!(infos.len(), 1);
    assert_eq!(text(&infos[0], "reason"), "session-expired-response");
    assert_eq!(num(&infos[0], "status"), 401.0);
    assert_eq!(num(&infos[0], "code"), 50015.0);
    assert_tokens(&client, None, None, None);
}

#[wasm_bindgen_test]
async fn a_refused_token_without_refresh_token_ends_the_session() {
    let server = backend(&JsValue::UNDEFINED);
    let on_expired = recorder();
    let client = client_with_callback(&server, &on_expired, "");
    set_tokens(&client, "{accessToken: 'A1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "no refresh token").await;
    assert_error(&error, "SessionExpiredError", "a refused token without refresh token");
    let infos = expired_calls(&on_expired);
    assert_eq!(infos.len(), 1);
    assert_eq!(text(&infos[0], "reason"), "no-refresh-token");
    assert!(refresh_calls(&server).is_empty());
}

#[wasm_bindgen_test]
async fn a_custom_refresh_function_renews_or_ends_the_session() {
    // Renews: it gets the snapshot and its answer is used (no refresh token, as seed 003).
    let server = backend(&js("{valid: ['F1']}"));
    let seen = recorder();
    let on_expired = recorder();
    let extra = js("{}");
    let refresh = func(
        "seen",
        "return async (tokens) => { seen(tokens); return {accessToken: 'F1', expiresIn: 3600}; }",
    )
    .call1(&JsValue::NULL, &seen)
    .unwrap();
    set(&extra, "refresh", refresh);
    set(&extra, "onSessionExpired", on_expired.clone());
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    set_tokens(&client, "{accessToken: 'A1'}");
    let response = resolved(get_url(&client, "https://api.test/me"), "custom refresh").await;
    assert_eq!(text(&body_json(&response).await, "token"), "F1");
    let args = items(&get(&seen, "calls"));
    assert_eq!(args.len(), 1);
    let snapshot = get(&args[0], "0");
    assert_eq!(keys_of(&snapshot), "accessToken,expiresAt,refreshToken");
    assert_eq!(text(&snapshot, "accessToken"), "A1");
    assert!(get(&snapshot, "refreshToken").is_null());
    assert!(refresh_calls(&server).is_empty(), "the refresh endpoint was called");
    assert_eq!(get(&client.get_tokens(), "accessToken").as_string().as_deref(), Some("F1"));

    // Resolves with null: the session is over.
    let server = backend(&JsValue::UNDEFINED);
    let on_expired = recorder();
    let client = client_with_callback(&server, &on_expired, "{refresh: async () => null}");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "refresh function → null").await;
    assert_error(&error, "SessionExpiredError", "a refresh function resolving null");
    let infos = expired_calls(&on_expired);
    assert_eq!(infos.len(), 1);
    assert_eq!(text(&infos[0], "reason"), "refresh-function");
    assert_tokens(&client, None, None, None);

    // Resolves without a usable access token: malformed.
    let server = backend(&JsValue::UNDEFINED);
    let on_expired = recorder();
    let client = client_with_callback(&server, &on_expired, "{refresh: async () => ({accessToken: ''})}");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "refresh function → no token").await;
    assert_error(&error, "RefreshError", "a refresh function resolving no access token");
    assert_eq!(get(&error, "reason").as_string().as_deref(), Some("malformed"));
    assert!(expired_calls(&on_expired).is_empty());
    assert_tokens(&client, Some("A1"), Some("R1"), None);

    // Throws: a transient failure, tokens kept.
    let server = backend(&JsValue::UNDEFINED);
    let on_expired = recorder();
    let client = client_with_callback(
        &server,
        &on_expired,
        "{refresh: async () => { throw new Error('relogin failed'); }}",
    );
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "refresh function throws").await;
    assert_error(&error, "RefreshError", "a refresh function that throws");
    assert_eq!(get(&error, "reason").as_string().as_deref(), Some("function"));
    assert!(expired_calls(&on_expired).is_empty());
    assert_tokens(&client, Some("A1"), Some("R1"), None);
}

#[wasm_bindgen_test]
async fn a_rejecting_on_session_expired_is_not_an_unhandled_rejection() {
    let unhandled = js("(() => { const seen = []; addEventListener('unhandledrejection', (e) => { if (String(e.reason).includes('dialog closed')) seen.push(e.reason); }); return seen; })()");
    let server = backend(&JsValue::UNDEFINED);
    set(&server, "refreshReply", func("call, s", "return s.json(401, {})"));
    let on_expired = func("", "return Promise.reject(new Error('dialog closed'));");
    let client = client_with_callback(&server, &on_expired, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let error = rejected(get_url(&client, "https://api.test/me"), "session end").await;
    assert_error(&error, "SessionExpiredError", "session end");
    sleep(50).await;
    assert_eq!(items(&unhandled).len(), 0, "onSessionExpired's rejection went unhandled");
}
