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
use fetch_with_refresh::bindings::AuthClient;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(inline_js = r#"
// Records what would reach the page unhandled while it is on: uncaught errors and unhandled
// rejections (a panic is one: it traps as `RuntimeError: unreachable`, and so is a JS exception
// thrown through Rust). (Wrapping console.error too made the headless runner hang.)
export function watchPage() {
  const problems = [];
  const onError = (e) => problems.push(`uncaught error: ${e.message ?? e.error}`);
  const onRejection = (e) => problems.push(`unhandled rejection: ${e.reason?.name}: ${e.reason?.message ?? e.reason}`);
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return {
    problems,
    stop() {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
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
    // requests reject saying so. (They never settled: `Headers.set` threw through Rust.)
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
        client.dispose();
        watch.assert_clean(case.what).await;
        reset_storage();
    }
}

/// What a refresh answer must lead to.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// The waiting requests reject with `RefreshError` `malformed` (status 200); the old tokens
    /// are kept; nobody is logged out.
    Malformed,
    /// The new token is taken and the waiting requests go out with it; `getTokens().expiresAt`
    /// is then this.
    Taken(Expiry),
}

/// An expiry, as `getTokens()` reports it.
#[derive(Debug, Clone, Copy)]
enum Expiry {
    /// `null`: unknown, only the reactive path applies.
    Unknown,
    /// This many ms after the refresh answered (±50 ms).
    In(f64),
    /// Exactly this epoch ms.
    At(f64),
}

struct AnswerCase {
    what: &'static str,
    /// The refresh endpoint's reply (a JS function body over `call, s`; see `answering`).
    reply: &'static str,
    /// The access token it issues (a JS expression, `jwt` in scope).
    token: &'static str,
    outcome: Answer,
}

const ANSWERS: &[AnswerCase] = &[
    // Past the 1 MiB read cap, with or without a Content-Length: not read, so not taken.
    AnswerCase {
        what: "a body over 1 MiB",
        reply: "return s.accept('new-access', {pad: 'x'.repeat(1100000)})",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    AnswerCase {
        what: "a body over 1 MiB without Content-Length",
        reply: "return s.raw('new-access', new Blob([JSON.stringify({access_token: 'new-access', pad: 'x'.repeat(1100000)})]).stream())",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    // JSON nested 10,000 deep: JSON.parse copes; only the token's path is looked at.
    AnswerCase {
        what: "an array nested 10,000 deep",
        reply: "return s.raw('new-access', '['.repeat(10000) + ']'.repeat(10000))",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    AnswerCase {
        what: "a token next to an array nested 10,000 deep",
        reply: "return s.raw('new-access', '{\"access_token\":\"new-access\",\"deep\":' + '['.repeat(10000) + ']'.repeat(10000) + '}')",
        token: "'new-access'",
        outcome: Answer::Taken(Expiry::Unknown),
    },
    // expires_in: numeric text is a number, other text, negative or infinite is refused; a float
    // is kept; it is always seconds (milliseconds by mistake make a 41-day token).
    AnswerCase {
        what: "expires_in as numeric text",
        reply: "return s.accept('new-access', {expires_in: '120'})",
        token: "'new-access'",
        outcome: Answer::Taken(Expiry::In(120_000.0)),
    },
    AnswerCase {
        what: "expires_in as other text",
        reply: "return s.accept('new-access', {expires_in: 'soon'})",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    AnswerCase {
        what: "expires_in as a float",
        reply: "return s.accept('new-access', {expires_in: 120.5})",
        token: "'new-access'",
        outcome: Answer::Taken(Expiry::In(120_500.0)),
    },
    AnswerCase {
        what: "expires_in in milliseconds",
        reply: "return s.accept('new-access', {expires_in: 3600000})",
        token: "'new-access'",
        outcome: Answer::Taken(Expiry::In(3_600_000_000.0)),
    },
    AnswerCase {
        what: "a negative expires_in",
        reply: "return s.accept('new-access', {expires_in: -5})",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    AnswerCase {
        what: "expires_in of 1e400 (Infinity)",
        reply: "return s.raw('new-access', '{\"access_token\":\"new-access\",\"expires_in\":1e400}')",
        token: "'new-access'",
        outcome: Answer::Malformed,
    },
    // Taken, but an expiry past 10^15 ms is not written to storage, so it reads back unknown.
    AnswerCase {
        what: "expires_in above 2^53",
        reply: "return s.accept('new-access', {expires_in: 2 ** 53 + 2})",
        token: "'new-access'",
        outcome: Answer::Taken(Expiry::Unknown),
    },
    // A JWT's exp: seconds (a fraction kept), milliseconds from 10^11 on; text, negative or above
    // 2^53 is no expiry.
    AnswerCase {
        what: "a JWT exp as text",
        reply: "return s.accept(jwt('{\"exp\":\"4102444800\"}'))",
        token: "jwt('{\"exp\":\"4102444800\"}')",
        outcome: Answer::Taken(Expiry::Unknown),
    },
    AnswerCase {
        what: "a JWT exp as a float",
        reply: "return s.accept(jwt('{\"exp\":4102444800.5}'))",
        token: "jwt('{\"exp\":4102444800.5}')",
        outcome: Answer::Taken(Expiry::At(4_102_444_800_500.0)),
    },
    AnswerCase {
        what: "a JWT exp in milliseconds",
        reply: "return s.accept(jwt('{\"exp\":4102444800000}'))",
        token: "jwt('{\"exp\":4102444800000}')",
        outcome: Answer::Taken(Expiry::At(4_102_444_800_000.0)),
    },
    AnswerCase {
        what: "a negative JWT exp",
        reply: "return s.accept(jwt('{\"exp\":-5}'))",
        token: "jwt('{\"exp\":-5}')",
        outcome: Answer::Taken(Expiry::Unknown),
    },
    AnswerCase {
        what: "a JWT exp above 2^53",
        reply: "return s.accept(jwt('{\"exp\":9007199254740994}'))",
        token: "jwt('{\"exp\":9007199254740994}')",
        outcome: Answer::Taken(Expiry::Unknown),
    },
    AnswerCase {
        what: "a JWT exp of 1e400",
        reply: "return s.accept(jwt('{\"exp\":1e400}'))",
        token: "jwt('{\"exp\":1e400}')",
        outcome: Answer::Taken(Expiry::Unknown),
    },
];

/// Requests waiting for each refresh.
const WAITING: usize = 5;

#[wasm_bindgen_test]
async fn odd_refresh_answers_are_refused_as_malformed_or_taken_with_a_clear_expiry() {
    for case in ANSWERS {
        let watch = Watch::start();
        let server = answering(&backend(&js("{refreshToken: 'old-refresh-R1'}")));
        set(&server, "refreshReply", func("call, s", &format!("const jwt = s.jwt; {}", case.reply)));
        let on_expired = recorder();
        let extra = js("{}");
        set(&extra, "onSessionExpired", on_expired.clone());
        let client = AuthClient::new(options(&server, &extra)).unwrap();
        let log = listen(&client);
        // Expired by the local clock: every request waits for the one refresh.
        set_tokens(&client, "{accessToken: 'old-access-A1', refreshToken: 'old-refresh-R1', expiresAt: 1}");

        let requests =
            (0..WAITING).map(|i| get_url(&client, &format!("https://api.test/wait/{i}"))).collect();
        let outcomes = all_settle(requests, case.what).await;
        let answered = js_sys::Date::now();
        assert_eq!(refresh_calls(&server).len(), 1, "{}: refresh calls", case.what);
        match case.outcome {
            Answer::Malformed => {
                for outcome in &outcomes {
                    assert!(!get(outcome, "ok").is_truthy(), "{}: a request resolved", case.what);
                    let error = get(outcome, "error");
                    assert_clear_error(
                        &error,
                        "RefreshError",
                        "no access token",
                        &["old-", "new-"],
                        case.what,
                    );
                    assert_eq!(text(&error, "reason"), "malformed", "{}", case.what);
                    assert_eq!(num(&error, "status"), 200.0, "{}", case.what);
                }
                assert_tokens(&client, Some("old-access-A1"), Some("old-refresh-R1"), Some(1.0));
                assert_eq!(events_of(&log, "refresh-failure").len(), 1, "{}", case.what);
                assert!(
                    api_calls(&server).is_empty(),
                    "{}: a request went out with the old token",
                    case.what
                );
            }
            Answer::Taken(expiry) => {
                let token = expr(case.token).as_string().unwrap();
                for outcome in &outcomes {
                    assert!(
                        get(outcome, "ok").is_truthy(),
                        "{}: {}",
                        case.what,
                        message(&get(outcome, "error"))
                    );
                    let response = get(outcome, "value");
                    assert_eq!(status(&response), 200, "{}", case.what);
                    assert_eq!(text(&body_json(&response).await, "token"), token, "{}", case.what);
                }
                let tokens = client.get_tokens();
                assert_eq!(text(&tokens, "accessToken"), token, "{}", case.what);
                assert_eq!(
                    text(&tokens, "refreshToken"),
                    "old-refresh-R1",
                    "{}: refresh token kept",
                    case.what
                );
                let at = get(&tokens, "expiresAt");
                match expiry {
                    Expiry::Unknown => assert!(at.is_null(), "{}: expiresAt {at:?}", case.what),
                    Expiry::At(expected) => assert_eq!(at.as_f64(), Some(expected), "{}", case.what),
                    Expiry::In(ms) => {
                        let at = at.as_f64().unwrap_or_else(|| panic!("{}: no expiresAt", case.what));
                        assert!(
                            (at - (answered + ms)).abs() < 50.0,
                            "{}: expires {} ms from now",
                            case.what,
                            at - answered
                        );
                    }
                }
            }
        }
        assert!(items(&get(&on_expired, "calls")).is_empty(), "{}: onSessionExpired was called", case.what);
        assert!(events_of(&log, "session-expired").is_empty(), "{}", case.what);
        assert_no_tokens(&log, &["old-access", "old-refresh", "new-access", "eyJ"]);
        client.dispose();
        watch.assert_clean(case.what).await;
    }
}

/// JWT-shaped tokens that are not quite JWTs (JS expressions, `jwt` and `base64url` in scope), and
/// the expiry read from each: `None` when there is none to read, and the token is then opaque.
const NOT_QUITE_JWTS: &[(&str, &str, Option<f64>)] = &[
    ("a well-formed JWT (the control)", "jwt('{\"exp\":4102444800}')", Some(4_102_444_800_000.0)),
    ("two segments", "jwt('{\"exp\":4102444800}').split('.').slice(0, 2).join('.')", None),
    ("four segments", "jwt('{\"exp\":4102444800}') + '.c2ln'", None),
    // A length no base64 has (one character left over), and padding inside the text.
    ("a stray base64 character", "jwt('{\"exp\":4102444800}').replace('.c2ln', 'A.c2ln')", None),
    ("padding inside the payload", "jwt('{\"exp\":4102444800}').replace('.', '.e=')", None),
    // Trailing padding, even too much of it, is dropped: the payload still reads.
    ("extra trailing padding", "jwt('{\"exp\":4102444800}').replace('.c2ln', '===.c2ln')", Some(4_102_444_800_000.0)),
    ("a payload of bytes ff fe (not UTF-8)", "jwt([0xff, 0xfe])", None),
    ("a payload that is not an object", "jwt('[4102444800]')", None),
    // Bytes that are not UTF-8 inside a string of the payload are skipped, never decoded.
    (
        "ff fe inside a string of the payload",
        "jwt([...new TextEncoder().encode('{\"n\":\"'), 0xff, 0xfe, ...new TextEncoder().encode('\",\"exp\":4102444800}')])",
        Some(4_102_444_800_000.0),
    ),
];

#[wasm_bindgen_test]
async fn not_quite_jwts_are_opaque_tokens_without_an_expiry() {
    for (what, token, expires_at) in NOT_QUITE_JWTS {
        let token_value = expr(token);
        let token_text = token_value.as_string().unwrap();
        // Given to setTokens, and found in storage.
        for from_storage in [false, true] {
            reset_storage();
            let watch = Watch::start();
            let what = format!("{what} ({})", if from_storage { "in storage" } else { "setTokens" });
            let server = backend(&JsValue::UNDEFINED);
            call1(&get(&server, "valid"), "add", &token_value);
            let client = if from_storage {
                store("access_token", &token_value);
                store("refresh_token", &JsValue::from_str("R1"));
                client(&server, "{storage: 'localStorage'}")
            } else {
                let client = client(&server, "");
                let tokens = js("{refreshToken: 'R1'}");
                set(&tokens, "accessToken", token_value.clone());
                client
                    .set_tokens(tokens)
                    .unwrap_or_else(|e| panic!("{what}: setTokens threw {}", message(&e)));
                client
            };
            let tokens = client.get_tokens();
            assert_eq!(text(&tokens, "accessToken"), token_text, "{what}");
            assert_eq!(get(&tokens, "expiresAt").as_f64(), *expires_at, "{what}: expiresAt");
            assert!(expires_at.is_some() || get(&tokens, "expiresAt").is_null(), "{what}");

            let outcomes = all_settle(vec![get_url(&client, "https://api.test/me")], &what).await;
            let response = get(&outcomes[0], "value");
            assert_eq!(status(&response), 200, "{what}: {}", message(&get(&outcomes[0], "error")));
            assert_eq!(text(&body_json(&response).await, "token"), token_text, "{what}: the token sent");
            assert!(refresh_calls(&server).is_empty(), "{what}: a refresh was made");
            client.dispose();
            watch.assert_clean(&what).await;
            reset_storage();
        }
    }
}

/// Option objects `new AuthClient` must refuse with a `TypeError` naming the option (JS
/// expressions over `s`, the fake backend's options: `refresh`, `storage`, `allowedOrigins`,
/// `fetch`), and the message's end after `fetch-with-refresh: `.
const BAD_OPTIONS: &[(&str, &str, &str)] = &[
    (
        "a getter that throws",
        "Object.defineProperty({...s}, 'storage', {get() { throw new Error('boom'); }, enumerable: true})",
        "option `storage` could not be read (reading it threw)",
    ),
    (
        "a getter that throws in a nested option",
        "({...s, refresh: {get url() { throw new Error('boom'); }}})",
        "option `refresh.url` could not be read (reading it threw)",
    ),
    (
        "a getter on the prototype that throws",
        "(() => { const o = Object.create({get storage() { throw new Error('boom'); }}); for (const k of ['refresh', 'allowedOrigins', 'fetch']) o[k] = s[k]; return o; })()",
        "option `storage` could not be read (reading it threw)",
    ),
    ("a cycle", "(() => { const o = {...s}; o.self = o; return o; })()", "unknown option `self`"),
    (
        "a cycle through a nested option",
        "(() => { const r = {...s.refresh}; r.send = r; return {...s, refresh: r}; })()",
        "unknown option `refresh.send.url`",
    ),
    (
        "a cycle through a known key",
        "(() => { const r = {...s.refresh, response: {}}; r.response.accessToken = r; return {...s, refresh: r}; })()",
        "option `refresh.response.accessToken` must be a dotted path such as 'data.token' (got object)",
    ),
    (
        "a cycle in retry",
        "(() => { const retry = {attempts: 1}; retry.again = retry; return {...s, retry}; })()",
        "unknown option `retry.again`",
    ),
    (
        "a proxy whose get trap throws",
        "new Proxy(s, {get() { throw new Error('boom'); }})",
        "could not be read (reading it threw)",
    ),
    (
        "a proxy whose ownKeys trap throws",
        "new Proxy(s, {ownKeys() { throw new Error('boom'); }})",
        "option `options` could not be read (reading it threw)",
    ),
    (
        "a nested proxy whose get trap throws",
        "({...s, refresh: new Proxy(s.refresh, {get() { throw new Error('boom'); }})})",
        "option `refresh.url` could not be read (reading it threw)",
    ),
    (
        "a revoked proxy",
        "(() => { const p = Proxy.revocable(s, {}); p.revoke(); return p.proxy; })()",
        "option `options` could not be read (reading it threw)",
    ),
    (
        "a revoked proxy as the storage",
        "(() => { const p = Proxy.revocable({getItem() {}, setItem() {}, removeItem() {}}, {}); p.revoke(); return {...s, storage: p.proxy}; })()",
        "option `storage` must be",
    ),
    (
        "a proxy throwing a non-Error",
        "({...s, attach: new Proxy({}, {ownKeys() { throw undefined; }})})",
        "option `attach` could not be read (reading it threw)",
    ),
];

#[wasm_bindgen_test]
async fn odd_option_objects_are_type_errors_naming_the_option() {
    let watch = Watch::start();
    let server = backend(&js("{valid: ['A1']}"));
    let base = options(&server, &JsValue::UNDEFINED);
    for (what, src, expected) in BAD_OPTIONS {
        let given = func("s", &format!("return ({src});")).call1(&JsValue::NULL, &base).unwrap();
        let error = match AuthClient::new(given) {
            Ok(_) => panic!("{what}: accepted"),
            Err(error) => error,
        };
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{what}: {error:?}");
        assert_clear_error(&error, "TypeError", expected, &[], what);
        assert!(message(&error).starts_with("fetch-with-refresh: "), "{what}: {}", message(&error));
        assert!(!message(&error).contains("boom"), "{what}: the thrown value leaked into the message");
    }
    // A function is taken as it is, even a revoked proxy of one (it is not called until a request
    // goes out): that request rejects with what calling it threw.
    let revoked =
        js("(() => { const p = Proxy.revocable(function fetch() {}, {}); p.revoke(); return p.proxy; })()");
    let given = options(&server, &JsValue::UNDEFINED);
    set(&given, "fetch", revoked);
    let revoked_client = AuthClient::new(given)
        .unwrap_or_else(|e| panic!("a revoked function proxy as fetch: {}", message(&e)));
    set_tokens(&revoked_client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let outcome =
        all_settle(vec![get_url(&revoked_client, "https://api.test/revoked")], "a revoked fetch").await;
    assert!(!get(&outcome[0], "ok").is_truthy(), "a revoked fetch: resolved");
    assert!(get(&outcome[0], "error").is_instance_of::<js_sys::TypeError>(), "a revoked fetch");

    // The module is fine afterwards (a panic would have left it trapping): a client works.
    let client = client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let outcome = all_settle(vec![get_url(&client, "https://api.test/after")], "a request afterwards").await;
    assert_eq!(text(&body_json(&get(&outcome[0], "value")).await, "token"), "A1");
    client.dispose();
    revoked_client.dispose();
    watch.assert_clean("odd option objects").await;
}

#[wasm_bindgen_test]
async fn inherited_options_are_read_but_not_from_a_polluted_object_prototype() {
    // Options carried by a prototype count, as `options.storage` would read them: here 'memory',
    // so nothing reaches localStorage, and the inherited transport is the one called.
    reset_storage();
    let watch = Watch::start();
    let server = backend(&js("{valid: ['A1']}"));
    let inherited = func("o", "return Object.create(o)")
        .call1(&JsValue::NULL, &options(&server, &JsValue::UNDEFINED))
        .unwrap();
    let client =
        AuthClient::new(inherited).unwrap_or_else(|e| panic!("inherited options refused: {}", message(&e)));
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    assert_eq!(js("localStorage.length").as_f64(), Some(0.0), "the inherited storage: 'memory' was not used");
    let outcome = all_settle(vec![get_url(&client, "https://api.test/me")], "inherited").await;
    assert_eq!(text(&body_json(&get(&outcome[0], "value")).await, "token"), "A1");
    assert_eq!(api_calls(&server).len(), 1, "the inherited fetch was not used");

    // Enumerable keys on Object.prototype (prototype pollution) are not options: a polluted
    // allowedOrigins does not send the token elsewhere. Restored before any assertion.
    let server = backend(&js("{valid: ['A1']}"));
    let own = js("{refresh: {url: 'https://api.test/auth/refresh'}, storage: 'memory'}");
    set(&own, "fetch", get(&server, "fetch"));
    js("Object.prototype.allowedOrigins = ['https://evil.test']");
    let polluted = AuthClient::new(own);
    js("delete Object.prototype.allowedOrigins");
    let client = polluted.unwrap_or_else(|e| panic!("refused: {}", message(&e)));
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let outcome = all_settle(vec![get_url(&client, "https://evil.test/steal")], "polluted").await;
    assert!(get(&outcome[0], "ok").is_truthy(), "{}", message(&get(&outcome[0], "error")));
    let sent = api_calls(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(header(&sent[0], "authorization"), None, "the token went to a polluted allowedOrigins");
    client.dispose();
    watch.assert_clean("inherited options").await;
    reset_storage();
}

#[wasm_bindgen_test]
async fn an_answered_token_no_header_can_carry_rejects_the_waiting_requests() {
    // A refresh answer whose token has a lone surrogate: taken (as U+FFFD), and the waiting
    // requests reject saying why, instead of never settling.
    let watch = Watch::start();
    let server = answering(&backend(&js("{refreshToken: 'R1'}")));
    set(&server, "refreshReply", func("call, s", "return s.accept('new\\uD800access-5e1d')"));
    let client = crate::support::client(&server, "");
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: 1}");
    let requests = (0..WAITING).map(|i| get_url(&client, &format!("https://api.test/wait/{i}"))).collect();
    for outcome in all_settle(requests, "an answered token no header can carry").await {
        let error = get(&outcome, "error");
        let says = "the access token cannot be sent in the `Authorization` header";
        assert_clear_error(&error, "TypeError", says, &["5e1d"], "an answered token");
    }
    assert_eq!(refresh_calls(&server).len(), 1);
    assert!(api_calls(&server).is_empty(), "a request went out");
    client.dispose();
    watch.assert_clean("an answered token no header can carry").await;
}

#[wasm_bindgen_test]
async fn a_stored_refresh_token_no_header_can_carry_is_a_refresh_error() {
    // A stored refresh token sent in a header: the refresh call cannot be built; that is a
    // RefreshError (reason `network`, the TypeError as its cause), the tokens are kept.
    let watch = Watch::start();
    reset_storage();
    store("access_token", &JsValue::from_str("A1"));
    store("refresh_token", &js("'R\\uD800fresh-9c4b'"));
    store("access_token_expires_at", &JsValue::from_str("1"));
    let before = storage_digest();
    let server = backend(&JsValue::UNDEFINED);
    let client = crate::support::client(
        &server,
        "{storage: 'localStorage', refresh: {url: 'https://api.test/auth/refresh', send: {header: 'X-Token'}}, \
          retry: {attempts: 0}}",
    );
    let log = listen(&client);
    let outcome = all_settle(vec![get_url(&client, "https://api.test/me")], "a stored refresh token").await;
    let error = get(&outcome[0], "error");
    assert_clear_error(&error, "RefreshError", "Token refresh failed", &["9c4b"], "a stored refresh token");
    assert_eq!(text(&error, "reason"), "network");
    let cause = get(&error, "cause");
    let says = "the refresh token cannot be sent in the `X-Token` header";
    assert_clear_error(&cause, "TypeError", says, &["9c4b", "R\u{FFFD}fresh"], "its cause");
    assert!(calls(&server).is_empty(), "a call went out");
    assert!(events_of(&log, "session-expired").is_empty());
    assert_eq!(storage_digest(), before, "storage changed");
    client.dispose();
    watch.assert_clean("a stored refresh token no header can carry").await;
    reset_storage();
}
