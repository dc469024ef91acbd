//! Bad input, with a clear outcome and nothing lost, through the module's exports: what other code
//! left in storage (2 MB values, an expiry that is not a time, lone surrogates), refresh answers
//! that are huge, deeply nested or give odd lifetimes, JWT-shaped tokens that are not quite JWTs,
//! and option objects built from prototypes, throwing getters, cycles and proxies.
//!
//! Every case checks that its promises settle (within the helpers' 5 s), that nothing reached the
//! page as an uncaught error, an unhandled rejection or a panic (see [`Watch`]), and, where an error
//! is expected, that it is an `Error` with a `name` and a message saying what was wrong, without
//! the token.

use crate::support::*;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
// Records what would reach the page unhandled while it is on: uncaught errors, unhandled
// rejections, and console errors that tell of a panic or a JS exception thrown through Rust.
export function watchPage() {
  const problems = [];
  const onError = (e) => problems.push(`uncaught error: ${e.message ?? e.error}`);
  const onRejection = (e) => problems.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`);
  const consoleError = console.error;
  console.error = function (...args) {
    const text = args.map(String).join(' ');
    if (/panicked at|RuntimeError|unreachable|not marked as `catch`/.test(text)) problems.push(`console: ${text.slice(0, 300)}`);
    return consoleError.apply(this, args);
  };
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return {
    problems,
    stop() {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
      console.error = consoleError;
      return problems.join('\n');
    },
  };
}

// localStorage as [key, length, FNV-1a of its UTF-16 units]: compares 2 MB values (and lone
// surrogates) exactly without printing them.
export function storageDigest() {
  const hash = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return (h >>> 0).toString(16);
  };
  return JSON.stringify(Object.keys(localStorage).sort().map((k) => [k, localStorage.getItem(k).length, hash(localStorage.getItem(k))]));
}

export function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

// An unsigned JWT-shaped token whose payload is `payload`: JSON text, or raw bytes.
export function jwt(payload) {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : Uint8Array.from(payload);
  return `${base64url(new TextEncoder().encode('{"alg":"HS256","typ":"JWT"}'))}.${base64url(bytes)}.c2ln`;
}

export const jwtFunction = () => jwt;

// The fake backend's refresh answers: `s.accept(token, fields)` answers {access_token, ...fields}
// as JSON and makes the token valid; `s.raw(token, text)` answers `text` as JSON.
export function answering(s) {
  s.accept = (token, fields) => {
    s.valid.add(token);
    return s.json(200, { access_token: token, ...fields });
  };
  s.raw = (token, text, init) => {
    s.valid.add(token);
    return new Response(text, { headers: { 'content-type': 'application/json' }, ...init });
  };
  s.jwt = jwt;
  return s;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = watchPage)]
    fn watch_page() -> JsValue;
    #[wasm_bindgen(js_name = storageDigest)]
    fn storage_digest() -> String;
    /// The `jwt(payload)` function above.
    #[wasm_bindgen(js_name = jwtFunction)]
    fn jwt_function() -> JsValue;
    fn answering(server: &JsValue) -> JsValue;
}

/// Watches the page for what would reach it unhandled; [`Watch::assert_clean`] ends the watch.
struct Watch(JsValue);

impl Watch {
    fn start() -> Watch {
        Watch(watch_page())
    }

    /// Lets pending rejection reports arrive, stops watching and asserts there was nothing.
    async fn assert_clean(self, what: &str) {
        sleep(30).await;
        let found = call0(&self.0, "stop").as_string().unwrap_or_default();
        assert!(found.is_empty(), "{what}: the page saw\n{found}");
    }
}

/// Tracks `promises` and waits (at most 5 s) until every one has settled; their trackers.
async fn all_settle(promises: Vec<Promise>, what: &str) -> Vec<JsValue> {
    let tracked: Vec<JsValue> = promises.iter().map(track).collect();
    until(what, || tracked.iter().all(|t| get(t, "settled").is_truthy())).await;
    tracked
}

/// Asserts that `error` is an `Error` named `expected` whose message contains `says` and none of
/// `secrets`.
fn assert_clear_error(error: &JsValue, expected: &str, says: &str, secrets: &[&str], what: &str) {
    assert_error(error, expected, what);
    let text = message(error);
    assert!(text.contains(says), "{what}: the message does not say `{says}`: {text}");
    for secret in secrets {
        assert!(!text.contains(secret), "{what}: the message carries a token: {text}");
    }
}

/// Evaluates a JS expression with `jwt(payload)` in scope.
fn expr(src: &str) -> JsValue {
    func("jwt", &format!("return ({src});"))
        .call1(&JsValue::NULL, &jwt_function())
        .unwrap_or_else(|e| panic!("evaluating {src}: {}", message(&e)))
}

/// Calls a method of `target` with one argument.
fn call1(target: &JsValue, method: &str, arg: &JsValue) -> JsValue {
    get(target, method).unchecked_into::<js_sys::Function>().call1(target, arg).unwrap()
}

/// `localStorage.setItem(key, value)` with a JS value (a lone surrogate stays one).
fn store(key: &str, value: &JsValue) {
    func("k, v", "localStorage.setItem(k, v)").call2(&JsValue::NULL, &key.into(), value).unwrap();
}

/// 2100-01-01 in seconds: an expiry no test reaches.
const FAR_EXP: f64 = 4_102_444_800.0;
/// A JWT expiring then (a JS expression).
const FAR_JWT: &str = "jwt('{\"sub\":\"u\",\"exp\":4102444800}')";

/// What the requests made over the stored values must give.
#[derive(Debug, Clone, Copy)]
enum Sent {
    /// They carried `Authorization: Bearer` and this token (a JS expression).
    Token(&'static str),
    /// They went out without a token (the stored set counts as none): the backend's 401 came back.
    NoToken,
    /// They rejected with a `TypeError` saying this.
    TypeError(&'static str),
}

struct StoredCase {
    what: &'static str,
    /// The values under the default keys (JS expressions, `jwt` in scope).
    access: &'static str,
    refresh: &'static str,
    expiry: &'static str,
    sent: Sent,
    /// `getTokens().expiresAt` when there are tokens (`None`: `null`, unknown).
    expires_at: Option<f64>,
}

const STORED: &[StoredCase] = &[
    // Over the 16 KiB a token may have: no tokens at all.
    StoredCase {
        what: "a 2 MB access token",
        access: "'A'.repeat(2 * 1024 * 1024)",
        refresh: "'stored-refresh'",
        expiry: "'4102444800000'",
        sent: Sent::NoToken,
        expires_at: None,
    },
    // An unreadable expiry falls back to the JWT's `exp`…
    StoredCase {
        what: "a 2 MB expiry",
        access: FAR_JWT,
        refresh: "'stored-refresh'",
        expiry: "'1'.repeat(2 * 1024 * 1024)",
        sent: Sent::Token(FAR_JWT),
        expires_at: Some(FAR_EXP * 1000.0),
    },
    StoredCase {
        what: "an expiry that is not a number",
        access: FAR_JWT,
        refresh: "'stored-refresh'",
        expiry: "'soon'",
        sent: Sent::Token(FAR_JWT),
        expires_at: Some(FAR_EXP * 1000.0),
    },
    StoredCase {
        what: "an expiry of 1e400",
        access: FAR_JWT,
        refresh: "'stored-refresh'",
        expiry: "'1e400'",
        sent: Sent::Token(FAR_JWT),
        expires_at: Some(FAR_EXP * 1000.0),
    },
    StoredCase {
        what: "a lone surrogate in the expiry of a JWT",
        access: FAR_JWT,
        refresh: "'stored-refresh'",
        expiry: "'4102444800000\\uD800'",
        sent: Sent::Token(FAR_JWT),
        expires_at: Some(FAR_EXP * 1000.0),
    },
    // …or, for an opaque token, to "unknown": the token is sent, no refresh is scheduled.
    StoredCase {
        what: "a negative expiry",
        access: "'stored-access'",
        refresh: "'stored-refresh'",
        expiry: "'-5'",
        sent: Sent::Token("'stored-access'"),
        expires_at: None,
    },
    StoredCase {
        what: "a lone surrogate in the expiry",
        access: "'stored-access'",
        refresh: "'stored-refresh'",
        expiry: "'17\\uD800'",
        sent: Sent::Token("'stored-access'"),
        expires_at: None,
    },
    // Read as U+FFFD (wasm-bindgen decodes UTF-16 to UTF-8), which no header can carry: the
    // requests reject saying so. (They never settled: `Headers.set` threw through Rust.) See
    // `stored_tokens_a_header_cannot_carry_count_as_no_token` for the rule proposed instead.
    StoredCase {
        what: "a lone surrogate in the access token",
        access: "'tok\\uD800en-7f3a'",
        refresh: "'stored-refresh'",
        expiry: "'4102444800000'",
        sent: Sent::TypeError("cannot be sent in the `Authorization` header"),
        expires_at: Some(FAR_EXP * 1000.0),
    },
];

#[wasm_bindgen_test]
async fn odd_stored_values_have_a_clear_outcome_and_nothing_in_storage_is_lost() {
    for case in STORED {
        reset_storage();
        let watch = Watch::start();
        store("another-app", &JsValue::from_str("its value, kept"));
        store("access_token", &expr(case.access));
        store("refresh_token", &expr(case.refresh));
        store("access_token_expires_at", &expr(case.expiry));
        let before = storage_digest();
        let server = backend(&JsValue::UNDEFINED);
        if let Sent::Token(token) = case.sent {
            call1(&get(&server, "valid"), "add", &expr(token));
        }
        let client = client(&server, "{storage: 'localStorage'}");
        let log = listen(&client);

        let requests = (0..3).map(|i| get_url(&client, &format!("https://api.test/stored/{i}"))).collect();
        for outcome in all_settle(requests, case.what).await {
            let (ok, value, error) =
                (get(&outcome, "ok").is_truthy(), get(&outcome, "value"), get(&outcome, "error"));
            match case.sent {
                Sent::Token(token) => {
                    assert!(ok, "{}: rejected: {}", case.what, message(&error));
                    assert_eq!(status(&value), 200, "{}", case.what);
                    let sent = text(&body_json(&value).await, "token");
                    assert!(expr(token) == JsValue::from_str(&sent), "{}: sent another token", case.what);
                }
                Sent::NoToken => {
                    assert!(ok, "{}: rejected: {}", case.what, message(&error));
                    assert_eq!(status(&value), 401, "{}", case.what);
                }
                Sent::TypeError(says) => {
                    assert!(!ok, "{}: resolved", case.what);
                    assert_clear_error(&error, "TypeError", says, &["7f3a", "tok\u{FFFD}en"], case.what);
                }
            }
        }
        for call in api_calls(&server) {
            let sent = header(&call, "authorization");
            assert_eq!(sent.is_some(), matches!(case.sent, Sent::Token(_)), "{}: Authorization", case.what);
        }
        assert!(refresh_calls(&server).is_empty(), "{}: a refresh was made", case.what);

        let tokens = client.get_tokens();
        if let Sent::NoToken = case.sent {
            assert!(tokens.is_null(), "{}: getTokens() is not null", case.what);
        } else {
            let at = get(&tokens, "expiresAt");
            assert_eq!(at.as_f64(), case.expires_at, "{}: expiresAt", case.what);
            assert!(case.expires_at.is_some() || at.is_null(), "{}: expiresAt {at:?}", case.what);
        }
        assert_eq!(storage_digest(), before, "{}: storage changed", case.what);
        let quiet = ["session-expired", "storage-fallback", "refresh-start", "tokens-changed"];
        for kind in quiet {
            assert!(events_of(&log, kind).is_empty(), "{}: {kind}", case.what);
        }
        watch.assert_clean(case.what).await;
        reset_storage();
    }
}
