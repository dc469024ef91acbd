//! The `AuthClient` export: option checks, `setTokens`/`getTokens`/`clearTokens`, `on`, `refresh()`
//! and `dispose()`. (`configure` and `fetchWithRefresh` live in the JS entry, `js/index.js`, which
//! keeps the default client; the pack tests cover them.)

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn type_error_for(options: &str) -> JsValue {
    match AuthClient::new(js(options)) {
        Ok(_) => panic!("new AuthClient({options}) was accepted"),
        Err(error) => error,
    }
}

#[wasm_bindgen_test]
fn bad_options_throw_a_type_error_naming_the_option() {
    // Through the constructor, a few of each kind; every option's cases are in options.rs (the
    // reader) and core/settings/tests.rs (the rules and messages).
    let cases = [
        ("{storage: 'memory'}", "refresh"),
        ("{proactivewindow: 30, refresh: {url: '/r'}}", "proactivewindow"),
        ("{refresh: {url: '/r', send: {header: 'a b'}}}", "refresh.send.header"),
        ("{refresh: {url: '/r', timeout: 2147483648}}", "refresh.timeout"),
        ("{accessExpired: {status: ['401']}, refresh: {url: '/r'}}", "accessExpired.status"),
        ("{storage: {getItem() {}}, refresh: {url: '/r'}}", "storage"),
    ];
    for (options, option) in cases {
        let error = type_error_for(options);
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{options}: not a TypeError: {error:?}");
        let text = message(&error);
        assert!(text.contains(option), "{options}: the message {text:?} does not name `{option}`");
    }
    for options in ["null", "undefined", "'x'", "[]"] {
        let error = type_error_for(options);
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{options}: not a TypeError: {error:?}");
    }
}

#[wasm_bindgen_test]
fn every_documented_option_is_accepted() {
    let options = EVERY_OPTION;
    if let Err(error) = AuthClient::new(js(options)) {
        panic!("documented options refused: {}", message(&error));
    }
    for storage in ["'localStorage'", "'sessionStorage'", "'cookie'", "'memory'"] {
        let options = format!("{{storage: {storage}, refresh: async () => null}}");
        if let Err(error) = AuthClient::new(js(&options)) {
            panic!("storage {storage} refused: {}", message(&error));
        }
    }
    let custom =
        "{storage: {getItem() { return null; }, setItem() {}, removeItem() {}}, refresh: {url: '/r'}}";
    assert!(AuthClient::new(js(custom)).is_ok(), "a custom storage object was refused");
    assert!(AuthClient::new(js("{attach: {query: 'token'}, refresh: {url: '/r'}}")).is_ok());
}

#[wasm_bindgen_test]
fn set_tokens_validates_and_get_tokens_reports_the_set() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    assert_tokens(&client, None, None, None);

    let bad = [
        ("{accessToken: ''}", "accessToken"),
        ("{accessToken: 'undefined'}", "accessToken"),
        ("{accessToken: 'null'}", "accessToken"),
        ("{accessToken: 'two words'}", "accessToken"),
        ("{refreshToken: 'R1'}", "accessToken"),
        ("{accessToken: 42}", "accessToken"),
        ("{accessToken: 'A1', expiresIn: -1}", "expiresIn"),
        ("{accessToken: 'A1', expiresAt: -5}", "expiresAt"),
        ("{accessToken: 'A1', expiresIn: NaN}", "expiresIn"),
        ("{accessToken: 'A1', refreshToken: ''}", "refreshToken"),
        ("'A1'", "setTokens"),
        ("null", "setTokens"),
    ];
    for (input, named) in bad {
        let error =
            client.set_tokens(js(input)).err().unwrap_or_else(|| panic!("setTokens({input}) accepted"));
        assert!(
            error.is_instance_of::<js_sys::TypeError>(),
            "setTokens({input}): not a TypeError: {error:?}"
        );
        let text = message(&error);
        assert!(text.contains(named), "setTokens({input}): {text:?} does not name {named}");
    }
    // A refused token is not echoed back in the error.
    let error = client.set_tokens(js("{accessToken: 'secret value'}")).err().unwrap();
    assert!(!message(&error).contains("secret value"), "{}", message(&error));
    assert_tokens(&client, None, None, None);
    assert!(events_of(&log, "tokens-changed").is_empty(), "a refused setTokens changed the tokens");

    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: 1893456000000}");
    assert_tokens(&client, Some("A1"), Some("R1"), Some(1_893_456_000_000.0));

    // expiresAt wins over expiresIn.
    set_tokens(&client, "{accessToken: 'A1', expiresIn: 10, expiresAt: 1893456000000}");
    assert_tokens(&client, Some("A1"), None, Some(1_893_456_000_000.0));

    let before = js_sys::Date::now();
    set_tokens(&client, "{accessToken: 'A2', expiresIn: 60}");
    let after = js_sys::Date::now();
    let tokens = client.get_tokens();
    assert!(get(&tokens, "refreshToken").is_null(), "a set without refresh token kept the old one");
    let at = num(&tokens, "expiresAt");
    assert!(at >= before + 60_000.0 - 1.0 && at <= after + 60_000.0 + 1.0, "expiresIn 60 gave {at}");

    // Without expiresIn/expiresAt the JWT's exp claim gives the expiry.
    let jwt = js("'eyJhbGciOiJIUzI1NiJ9.' + btoa(JSON.stringify({sub: 'u', exp: 2000000000})).replace(/=+$/, '') + '.c2ln'")
        .as_string()
        .unwrap();
    set_tokens(&client, &format!("{{accessToken: '{jwt}', refreshToken: 'R3'}}"));
    assert_tokens(&client, Some(&jwt), Some("R3"), Some(2_000_000_000_000.0));

    // An opaque token without expiry: unknown.
    set_tokens(&client, "{accessToken: 'opaque', expiresAt: null}");
    assert_tokens(&client, Some("opaque"), None, None);

    client.clear_tokens().unwrap();
    assert_tokens(&client, None, None, None);

    let changes = events_of(&log, "tokens-changed");
    let sources: Vec<String> = changes.iter().map(|e| text(e, "source")).collect();
    assert_eq!(sources, ["set", "set", "set", "set", "set", "clear"]);
    let has_refresh: Vec<bool> = changes.iter().map(|e| get(e, "hasRefreshToken").is_truthy()).collect();
    assert_eq!(has_refresh, [true, false, false, true, false, false]);
    assert_eq!(num(&changes[0], "expiresAt"), 1_893_456_000_000.0);
    assert!(get(&changes[5], "expiresAt").is_null());
    assert_no_tokens(&log, &["A1", "A2", "R1", "R3", "opaque", &jwt]);
}

#[wasm_bindgen_test]
fn on_refuses_unknown_events_and_unsubscribes() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let error =
        client.on("refresh-started".to_owned(), recorder().into()).expect_err("unknown event accepted");
    assert!(error.is_instance_of::<js_sys::TypeError>(), "not a TypeError: {error:?}");
    assert!(message(&error).contains("refresh-started"), "{}", message(&error));
    let error =
        client.on("refresh-start".to_owned(), JsValue::from_str("no")).expect_err("non-function accepted");
    assert!(error.is_instance_of::<js_sys::TypeError>(), "not a TypeError: {error:?}");

    let first = recorder();
    let second = recorder();
    // A listener that throws does not stop the others, nor the call that emitted.
    client.on("tokens-changed".to_owned(), func("", "throw new Error('listener bug')").into()).unwrap();
    let off_first: Function = client.on("tokens-changed".to_owned(), first.clone().into()).unwrap();
    client.on("tokens-changed".to_owned(), second.clone().into()).unwrap();
    let count = |f: &Function| items(&get(f, "calls")).len();

    set_tokens(&client, "{accessToken: 'A1'}");
    assert_eq!((count(&first), count(&second)), (1, 1));
    let event = items(&get(&first, "calls"))[0].clone().unchecked_into::<js_sys::Array>().get(0);
    assert_eq!(text(&event, "type"), "tokens-changed");
    assert_eq!(text(&event, "source"), "set");

    off_first.call0(&JsValue::NULL).unwrap();
    set_tokens(&client, "{accessToken: 'A2'}");
    assert_eq!((count(&first), count(&second)), (1, 2), "the unsubscribed listener still gets events");
    off_first.call0(&JsValue::NULL).unwrap();
    client.clear_tokens().unwrap();
    assert_eq!((count(&first), count(&second)), (1, 3));
}

#[wasm_bindgen_test]
async fn refresh_joins_the_refresh_in_flight() {
    let server = backend(&js("{valid: ['A1']}"));
    let client = client(&server, "");
    let log = listen(&client);

    let error = rejected(client.refresh(), "refresh() without tokens").await;
    assert_error(&error, "RefreshError", "refresh() without tokens");
    assert_eq!(get(&error, "reason").as_string().as_deref(), Some("no-refresh-token"));

    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let gate = hold_refresh(&server);
    let first = track(&client.refresh());
    let second = track(&client.refresh());
    // A manual refresh does not hold requests back: the current token still works.
    let response = resolved(get_url(&client, "https://api.test/me"), "a request during refresh()").await;
    assert_eq!(status(&response), 200);
    assert_eq!(text(&body_json(&response).await, "token"), "A1");
    until("the refresh call", || refresh_calls(&server).len() == 1).await;
    assert!(!get(&first, "settled").is_truthy(), "refresh() settled before the refresh answered");
    release(&gate);
    until("both refresh() calls settle", || {
        get(&first, "settled").is_truthy() && get(&second, "settled").is_truthy()
    })
    .await;
    assert!(get(&first, "ok").is_truthy() && get(&second, "ok").is_truthy(), "refresh() rejected");
    assert!(get(&first, "value").is_undefined(), "refresh() resolves with undefined");
    assert_eq!(refresh_calls(&server).len(), 1, "two refresh() calls made two refresh requests");
    assert_tokens(&client, Some("N1"), Some("R-N1"), get(&client.get_tokens(), "expiresAt").as_f64());
    let starts = events_of(&log, "refresh-start");
    assert_eq!(starts.len(), 1);
    assert_eq!(text(&starts[0], "reason"), "manual");
}

#[wasm_bindgen_test]
async fn dispose_rejects_waiting_requests_with_disposed_error() {
    let server = backend(&JsValue::UNDEFINED);
    let client = client(&server, "");
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: Date.now() - 1000}");
    let gate = hold_refresh(&server);
    let waiting = get_url(&client, "https://api.test/me");
    let manual = client.refresh();
    until("the refresh call", || refresh_calls(&server).len() == 1).await;

    client.dispose();
    let error = rejected(waiting, "a request waiting on the refresh").await;
    assert_error(&error, "DisposedError", "a request waiting on the refresh at dispose()");
    let error = rejected(manual, "refresh() in flight").await;
    assert_error(&error, "DisposedError", "refresh() in flight at dispose()");
    assert!(!get(&gate, "released").is_truthy(), "the test released the refresh early");

    // Later calls reject too.
    let error = rejected(get_url(&client, "https://api.test/me"), "fetch after dispose").await;
    assert_error(&error, "DisposedError", "fetch after dispose()");
    let error = rejected(client.refresh(), "refresh after dispose").await;
    assert_error(&error, "DisposedError", "refresh() after dispose()");

    // Listeners are gone: the refresh finishing reports nothing.
    let seen = items(&log).len();
    release(&gate);
    sleep(20).await;
    assert_eq!(items(&log).len(), seen, "events after dispose(): {}", stringify(&log));
    assert!(api_calls(&server).is_empty(), "a disposed request was sent: {}", api_calls(&server).len());
}
