//! Rule 12 through the whole client in the browser: two `AuthClient`s on one page over the same
//! `localStorage` keys behave as two tabs (one Web Lock name, one IndexedDB record, one
//! BroadcastChannel name), in front of one fake backend that rotates refresh tokens.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// A "tab": a client over localStorage whose `onSessionExpired` is `on_expired`.
fn tab(server: &JsValue, on_expired: &Function, extra: &str) -> AuthClient {
    let extra =
        js(&format!("({{ storage: 'localStorage', ...{} }})", if extra.is_empty() { "{}" } else { extra }));
    set(&extra, "onSessionExpired", on_expired.clone());
    AuthClient::new(options(server, &extra)).unwrap_or_else(|e| panic!("options refused: {}", message(&e)))
}

fn expired_tokens() -> String {
    format!("{{accessToken: 'A1', refreshToken: 'R1', expiresAt: {}}}", js_sys::Date::now() - 1_000.0)
}

#[wasm_bindgen_test]
async fn two_tabs_on_an_expired_token_make_one_refresh_and_one_takes_the_others_result() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let (a_expired, b_expired) = (recorder(), recorder());
    let a = tab(&server, &a_expired, "");
    let b = tab(&server, &b_expired, "");
    let (a_log, b_log) = (listen(&a), listen(&b));
    set_tokens(&a, &expired_tokens());
    let gate = hold_refresh(&server);
    let pending: Vec<Promise> = vec![get_url(&a, "https://api.test/a"), get_url(&b, "https://api.test/b")];
    until("the first refresh call", || refresh_calls(&server).len() == 1).await;
    sleep(50).await;
    assert_eq!(refresh_calls(&server).len(), 1, "the other tab waits for the lock");
    release(&gate);
    for (i, promise) in pending.into_iter().enumerate() {
        let response = resolved(promise, &format!("tab {i}")).await;
        assert_eq!(status(&response), 200);
        assert_eq!(text(&body_json(&response).await, "token"), "N1");
    }
    assert_eq!(refresh_calls(&server).len(), 1, "one refresh for both tabs");
    let successes: Vec<JsValue> = events_of(&a_log, "refresh-success")
        .into_iter()
        .chain(events_of(&b_log, "refresh-success"))
        .collect();
    assert_eq!(successes.len(), 2);
    let adopted = successes.iter().filter(|e| get(e, "adopted").as_bool() == Some(true)).count();
    assert_eq!(adopted, 1, "one tab refreshed, the other took its result");
    assert!(events_of(&a_log, "cross-tab-off").is_empty() && events_of(&b_log, "cross-tab-off").is_empty());
    assert_eq!(text(&a.get_tokens(), "refreshToken"), "R-N1");
    assert_no_tokens(&a_log, &["A1", "R1", "N1", "R-N1"]);
    assert_no_tokens(&b_log, &["A1", "R1", "N1", "R-N1"]);
    a.dispose();
    b.dispose();
    reset_storage();
}

#[wasm_bindgen_test]
async fn a_logout_in_one_tab_ends_the_session_in_the_other() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let (a_expired, b_expired) = (recorder(), recorder());
    let a = tab(&server, &a_expired, "");
    let b = tab(&server, &b_expired, "");
    let b_log = listen(&b);
    set_tokens(&a, "{accessToken: 'A1', refreshToken: 'R1', expiresIn: 3600}");
    // Tab b has seen the session (its listener starts with a look at storage).
    sleep(20).await;
    a.clear_tokens().unwrap();
    until("tab b is told", || items(&get(&b_expired, "calls")).len() == 1).await;
    let info = get(&items(&get(&b_expired, "calls"))[0], "0");
    assert_eq!(text(&info, "reason"), "logout");
    assert!(items(&get(&a_expired, "calls")).is_empty(), "the tab that logged out is not told");
    let ended = events_of(&b_log, "session-expired");
    assert_eq!(ended.len(), 1);
    assert_eq!(text(&ended[0], "reason"), "logout");
    assert!(b.get_tokens().is_null());
    sleep(50).await;
    assert_eq!(items(&get(&b_expired, "calls")).len(), 1, "once");
    assert!(refresh_calls(&server).is_empty());
    a.dispose();
    b.dispose();
    reset_storage();
}

#[wasm_bindgen_test]
async fn without_web_locks_a_tab_refreshes_alone_and_says_why_once() {
    reset_storage();
    // Hide `navigator.locks` (an own property shadows the prototype's getter) for this client.
    js("Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true })");
    let server = backend(&JsValue::UNDEFINED);
    let a = tab(&server, &recorder(), "");
    let log = listen(&a);
    set_tokens(&a, &expired_tokens());
    let first = resolved(get_url(&a, "https://api.test/one"), "first").await;
    assert_eq!(status(&first), 200);
    resolved(a.refresh(), "refresh()").await;
    js("delete navigator.locks");
    let off = events_of(&log, "cross-tab-off");
    assert_eq!(off.len(), 1, "said once");
    assert_eq!(text(&off[0], "reason"), "no-web-locks");
    assert_eq!(refresh_calls(&server).len(), 2, "the tab refreshed on its own, twice");
    a.dispose();
    reset_storage();
}

#[wasm_bindgen_test]
async fn cross_tab_false_is_quiet() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let a = tab(&server, &recorder(), "{crossTab: false}");
    let log = listen(&a);
    set_tokens(&a, &expired_tokens());
    assert_eq!(status(&resolved(get_url(&a, "https://api.test/one"), "request").await), 200);
    assert!(events_of(&log, "cross-tab-off").is_empty(), "the app chose it: no event");
    assert_eq!(events_of(&log, "refresh-success").len(), 1);
    a.dispose();
    reset_storage();
}
