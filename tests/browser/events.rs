//! The events and errors as JavaScript receives them: the core's payloads serialized by
//! serde-wasm-bindgen (plain objects, exact keys, `null` where the API says null, optional keys
//! absent, codes as numbers or strings, no token anywhere), the listener table, and the error
//! classes of `js/errors.js` (`instanceof`, `name`, `reason`, `status`, `cause`, the guards).

use crate::support::*;
use fetch_with_refresh::core::classify::Code;
use fetch_with_refresh::core::errors as spec;
use fetch_with_refresh::core::events::{CodeValue, Event, EventKind, Fallback, Operation, RequestInfo};
use fetch_with_refresh::core::machine::{
    EndReason, Failure, FailureKind, Notice, RefreshFailure, ReplayReason, SessionEnd, TokenSource, Trigger,
};
use fetch_with_refresh::core::names::Named;
use fetch_with_refresh::core::tabs::CrossTabOff;
use fetch_with_refresh::web::errors::{self, DisposedError, RefreshError, SessionExpiredError};
use fetch_with_refresh::web::events::{self, Emitter};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

// The guards and a class, imported here from js/errors.js: wasm-bindgen gives the test crate the
// library's copy of the module (one copy, so `instanceof` holds across both).
#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = isSessionExpiredError)]
    fn is_session_expired_error(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = isRefreshError)]
    fn is_refresh_error(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = isDisposedError)]
    fn is_disposed_error(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = isAuthError)]
    fn is_auth_error(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = RefreshError)]
    type ImportedRefreshError;
}

fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &JsValue::from_str(key)).unwrap()
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && JsValue::from(Object::get_prototype_of(value)) == js("Object.prototype")
}

/// The event for `notice` as listeners receive it, with its type.
fn notice_event(
    notice: &Notice,
    request: Option<RequestInfo<'_>>,
    duration_ms: f64,
) -> (&'static str, JsValue) {
    let event = Event::from_notice(notice, request, duration_ms);
    (event.kind().as_str(), events::to_js(&event))
}

/// Whether `emitter` has listeners for the event type named `kind` (false for no such type).
fn wants(emitter: &Emitter, kind: &str) -> bool {
    EventKind::parse(kind).is_some_and(|kind| emitter.wants_kind(kind))
}

const GET: RequestInfo<'static> = RequestInfo { method: "GET", url: "https://api.test/items?q=a%20b" };

fn end(reason: EndReason, status: Option<u16>, code: Option<&str>) -> SessionEnd {
    SessionEnd { reason, status, code: code.map(Code::from_text) }
}

#[wasm_bindgen_test]
fn events_are_plain_objects_with_exact_keys() {
    let cases = [
        (
            Notice::RefreshStarted { trigger: Trigger::Proactive, queued: 3 },
            "queued,reason,type",
            r#"{"type":"refresh-start","reason":"proactive","queued":3}"#,
        ),
        (
            Notice::RefreshSucceeded { replayed: 2, expires_at: Some(1_893_456_000_000.0), adopted: false },
            "adopted,durationMs,expiresAt,replayed,type",
            r#"{"type":"refresh-success","durationMs":8.5,"replayed":2,"expiresAt":1893456000000,"adopted":false}"#,
        ),
        (
            Notice::RefreshSucceeded { replayed: 0, expires_at: None, adopted: true },
            "adopted,durationMs,expiresAt,replayed,type",
            r#"{"type":"refresh-success","durationMs":8.5,"replayed":0,"expiresAt":null,"adopted":true}"#,
        ),
        (
            Notice::RefreshFailed {
                failure: RefreshFailure { kind: FailureKind::Status, status: Some(502) },
                rejected: 1,
            },
            "durationMs,reason,rejected,status,type",
            r#"{"type":"refresh-failure","reason":"status","status":502,"durationMs":8.5,"rejected":1}"#,
        ),
        (
            Notice::RefreshFailed {
                failure: RefreshFailure { kind: FailureKind::NoRefreshToken, status: None },
                rejected: 0,
            },
            "durationMs,reason,rejected,type",
            r#"{"type":"refresh-failure","reason":"no-refresh-token","durationMs":8.5,"rejected":0}"#,
        ),
        (
            Notice::SessionEnded {
                end: end(EndReason::SessionExpiredResponse, Some(401), Some("50015")),
                rejected: 2,
            },
            "code,reason,rejected,status,type",
            r#"{"type":"session-expired","reason":"session-expired-response","status":401,"code":50015,"rejected":2}"#,
        ),
        (
            Notice::SessionEnded {
                end: end(EndReason::RefreshRejected, None, Some("SESSION_GONE")),
                rejected: 0,
            },
            "code,reason,rejected,type",
            r#"{"type":"session-expired","reason":"refresh-rejected","code":"SESSION_GONE","rejected":0}"#,
        ),
        (
            Notice::SessionEnded { end: end(EndReason::NoRefreshToken, None, None), rejected: 0 },
            "reason,rejected,type",
            r#"{"type":"session-expired","reason":"no-refresh-token","rejected":0}"#,
        ),
        (
            Notice::TokensChanged {
                source: TokenSource::SessionExpired,
                expires_at: None,
                has_refresh: false,
            },
            "expiresAt,hasRefreshToken,source,type",
            r#"{"type":"tokens-changed","source":"session-expired","expiresAt":null,"hasRefreshToken":false}"#,
        ),
        (
            Notice::Queued { id: 4, queued: 2 },
            "method,queued,type,url",
            r#"{"type":"request-queued","method":"GET","url":"https://api.test/items?q=a%20b","queued":2}"#,
        ),
        (
            Notice::Replayed { id: 4, reason: ReplayReason::Refreshed },
            "method,reason,type,url",
            r#"{"type":"request-replayed","method":"GET","url":"https://api.test/items?q=a%20b","reason":"refreshed"}"#,
        ),
    ];
    for (notice, keys, json) in cases {
        let (kind, event) = notice_event(&notice, Some(GET), 8.5);
        assert!(is_plain_object(&event), "{notice:?}: not a plain object");
        assert_eq!(text(&event, "type"), kind);
        assert_eq!(keys_of(&event), keys, "{notice:?}");
        assert_eq!(stringify(&event), json, "{notice:?}");
    }

    let fallback = Fallback {
        storage: "localStorage",
        operation: Operation::Read,
        message: "storage failed: SecurityError".into(),
    };
    let event = events::to_js(&Event::from_fallback(&fallback));
    assert!(is_plain_object(&event));
    assert_eq!(
        stringify(&event),
        r#"{"type":"storage-fallback","storage":"localStorage","operation":"read","message":"storage failed: SecurityError"}"#
    );
}

#[wasm_bindgen_test]
fn the_cross_tab_off_event_names_its_reason() {
    let event = events::to_js(&Event::CrossTabOff { reason: CrossTabOff::IndexedDbFailed });
    assert!(is_plain_object(&event));
    assert_eq!(stringify(&event), r#"{"type":"cross-tab-off","reason":"indexeddb-failed"}"#);
}

#[wasm_bindgen_test]
fn null_where_the_api_says_null_and_nothing_where_it_is_optional() {
    let (_, success) =
        notice_event(&Notice::RefreshSucceeded { replayed: 0, expires_at: None, adopted: false }, None, 1.0);
    assert!(get(&success, "expiresAt").is_null(), "expiresAt must be null, not undefined");
    let failure = Notice::RefreshFailed {
        failure: RefreshFailure { kind: FailureKind::Timeout, status: None },
        rejected: 0,
    };
    let (_, failed) = notice_event(&failure, None, 1.0);
    assert!(!has(&failed, "status"), "status must be absent: {}", keys_of(&failed));
    let argument = events::session_expired_argument(&end(EndReason::RefreshFunction, None, None));
    assert!(is_plain_object(&argument));
    assert_eq!(keys_of(&argument), "reason");
    assert!(!has(&argument, "status") && !has(&argument, "code"));
}

#[wasm_bindgen_test]
fn codes_are_numbers_when_numeric_and_strings_otherwise() {
    let cases = [
        ("50014", Some(50014.0), None),
        ("-1", Some(-1.0), None),
        ("TOKEN_EXPIRED", None, Some("TOKEN_EXPIRED")),
        ("007", None, Some("007")),
    ];
    for (code, number, string) in cases {
        let value = events::to_js(&CodeValue::of(&Code::from_text(code)));
        assert_eq!(value.as_f64(), number, "{code}");
        assert_eq!(value.as_string().as_deref(), string, "{code}");
    }
    let argument =
        events::session_expired_argument(&end(EndReason::SessionExpiredResponse, Some(200), Some("10007")));
    assert_eq!(stringify(&argument), r#"{"reason":"session-expired-response","status":200,"code":10007}"#);
}

#[wasm_bindgen_test]
async fn no_event_or_callback_argument_carries_a_token() {
    let server = backend(&js("{valid: []}"));
    let client = client(
        &server,
        "{onSessionExpired: (info) => { globalThis.__fwrInfos = [...(globalThis.__fwrInfos ?? []), info]; }}",
    );
    let log = listen(&client);
    set_tokens(
        &client,
        "{accessToken: 'SECRET-ACCESS-1', refreshToken: 'SECRET-REFRESH-1', expiresIn: 3600}",
    );
    set(&server, "refreshToken", "SECRET-REFRESH-1");
    // Refused, refreshed, replayed; then the refresh token is refused: the session ends.
    let response = resolved(get_url(&client, "https://api.test/items?q=1"), "first request").await;
    assert_eq!(status(&response), 200);
    set(&server, "valid", js("new Set()"));
    set(&server, "refreshToken", "SECRET-SOMETHING-ELSE");
    let error = rejected(get_url(&client, "https://api.test/items?q=2"), "second request").await;
    assert_eq!(name(&error), spec::SESSION_EXPIRED);
    let kinds: Vec<String> = js_sys::Array::from(&log).iter().map(|e| text(&e, "type")).collect();
    for kind in ["tokens-changed", "refresh-start", "refresh-success", "request-replayed", "session-expired"]
    {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
    assert_no_tokens(&log, &["SECRET", "N1", "R-N1"]);
    assert_no_tokens(&js("globalThis.__fwrInfos"), &["SECRET", "N1", "R-N1"]);
    assert_no_tokens(&error, &["SECRET", "N1", "R-N1"]);
    assert!(!message(&error).contains("SECRET"));
    js("delete globalThis.__fwrInfos");
}

#[wasm_bindgen_test]
fn the_emitter_knows_the_event_types() {
    let emitter = Emitter::new();
    let error = emitter.on("refresh-done", &recorder().into()).expect_err("an unknown type was accepted");
    assert!(error.is_instance_of::<js_sys::TypeError>());
    assert_eq!(message(&error), spec::type_error_message(&spec::unknown_event_message("refresh-done")));
    for kind in EventKind::all() {
        assert!(message(&error).contains(kind.as_str()), "the message does not list {}", kind.as_str());
    }
    let error = emitter.on("refresh-start", &JsValue::from_str("not a function")).expect_err("accepted");
    assert!(error.is_instance_of::<js_sys::TypeError>());
    assert_eq!(message(&error), spec::type_error_message(spec::LISTENER_NOT_A_FUNCTION));

    let first = recorder();
    let second = recorder();
    let count = |f: &Function| items(&get(f, "calls")).len();
    assert!(!wants(&emitter, "request-queued"));
    let off = emitter.on("request-queued", &first.clone().into()).unwrap();
    emitter.on("request-queued", &func("", "throw new Error('listener bug')").into()).unwrap();
    emitter.on("request-queued", &second.clone().into()).unwrap();
    assert!(
        wants(&emitter, "request-queued")
            && !wants(&emitter, "request-replayed")
            && !wants(&emitter, "nothing")
    );

    let notice = Notice::Queued { id: 1, queued: 1 };
    let event = fetch_with_refresh::core::events::Event::from_notice(&notice, Some(GET), 0.0);
    emitter.notify(&event);
    assert_eq!((count(&first), count(&second)), (1, 1), "a throwing listener stopped the others");
    let received = js_sys::Array::from(&items(&get(&first, "calls"))[0]).get(0);
    assert_eq!(text(&received, "url"), GET.url);

    off.call0(&JsValue::NULL).unwrap();
    emitter.notify(&event);
    assert_eq!((count(&first), count(&second)), (1, 2));
    emitter.clear();
    assert!(!wants(&emitter, "request-queued"));
    emitter.notify(&event);
    assert_eq!((count(&first), count(&second)), (1, 2));
}

fn refresh_failure(kind: FailureKind, status: Option<u16>) -> Failure {
    Failure::Refresh(RefreshFailure { kind, status })
}

#[wasm_bindgen_test]
fn errors_are_instances_of_their_classes() {
    let cause: JsValue = js_sys::TypeError::new("Failed to fetch").into();
    let session = errors::failure(&Failure::SessionExpired, None);
    let network = errors::failure(&refresh_failure(FailureKind::Network, None), Some(cause.clone()));
    let status = errors::failure(&refresh_failure(FailureKind::Status, Some(503)), None);
    let disposed = errors::disposed();

    assert!(session.is_instance_of::<SessionExpiredError>() && !session.is_instance_of::<RefreshError>());
    assert!(network.is_instance_of::<RefreshError>() && status.is_instance_of::<RefreshError>());
    assert!(disposed.is_instance_of::<DisposedError>() && !disposed.is_instance_of::<SessionExpiredError>());
    for (error, name, message) in [
        (&session, spec::SESSION_EXPIRED, spec::SESSION_EXPIRED_MESSAGE),
        (&network, spec::REFRESH_FAILED, spec::refresh_message(FailureKind::Network)),
        (&status, spec::REFRESH_FAILED, spec::refresh_message(FailureKind::Status)),
        (&disposed, spec::DISPOSED, spec::DISPOSED_MESSAGE),
    ] {
        assert!(error.is_instance_of::<js_sys::Error>(), "{name} is not an Error");
        assert_eq!(self::name(error), name);
        assert_eq!(self::message(error), message);
        // The name is the class's (on its prototype), so the stack trace shows it too.
        assert!(
            !Object::keys(error.unchecked_ref::<Object>()).includes(&"name".into(), 0),
            "{name}: own name"
        );
        assert!(text(error, "stack").starts_with(name), "{name}: {}", text(error, "stack"));
        assert!(is_auth_error(error), "{name}");
    }

    assert_eq!(text(&network, "reason"), "network");
    assert!(!has(&network, "status"), "a network failure has no status");
    assert_eq!(get(&network, "cause"), cause);
    assert_eq!(text(&status, "reason"), "status");
    assert_eq!(num(&status, "status"), 503.0);
    assert!(!has(&status, "cause"), "no cause was given");
    assert!(!has(&session, "reason") && !has(&session, "cause"));
    for kind in
        [FailureKind::Timeout, FailureKind::Malformed, FailureKind::Function, FailureKind::NoRefreshToken]
    {
        let error = errors::failure(&refresh_failure(kind, None), None);
        assert_eq!(text(&error, "reason"), kind.name());
    }
}

#[wasm_bindgen_test]
fn the_guards_recognise_errors_by_name_across_copies() {
    let session = errors::failure(&Failure::SessionExpired, None);
    let refresh = errors::failure(&refresh_failure(FailureKind::Timeout, None), None);
    let disposed = errors::disposed();
    assert!(refresh.is_instance_of::<ImportedRefreshError>(), "two copies of js/errors.js");
    // An error of another realm (an iframe's) or of another copy of the package: not an instance
    // of our classes, but its name says what it is.
    let frame =
        js("(() => { const f = document.createElement('iframe'); document.body.append(f); return f; })()");
    let foreign = Function::new_with_args(
        "frame",
        "const e = new frame.contentWindow.Error('elsewhere'); e.name = 'RefreshError'; return e;",
    )
    .call1(&JsValue::NULL, &frame)
    .unwrap();
    call0(&frame, "remove");
    assert!(!foreign.is_instance_of::<RefreshError>() && !foreign.is_instance_of::<js_sys::Error>());
    let cases = [
        (&session, [true, false, false]),
        (&refresh, [false, true, false]),
        (&disposed, [false, false, true]),
        (&foreign, [false, true, false]),
        (&js("Object.assign(new Error('x'), {name: 'SessionExpiredError'})"), [true, false, false]),
        (&js("new Error('x')"), [false, false, false]),
        (&js("new TypeError('x')"), [false, false, false]),
        (&JsValue::NULL, [false, false, false]),
        (&JsValue::UNDEFINED, [false, false, false]),
        (&JsValue::from_str("RefreshError"), [false, false, false]),
    ];
    for (error, expected) in cases {
        let got = [is_session_expired_error(error), is_refresh_error(error), is_disposed_error(error)];
        assert_eq!(got, expected, "{error:?}");
        assert_eq!(is_auth_error(error), expected.contains(&true), "{error:?}");
    }
}

#[wasm_bindgen_test]
fn type_errors_carry_the_prefix_and_the_option() {
    let error = errors::type_error("setTokens: `accessToken` must be a non-empty token string");
    assert!(error.is_instance_of::<js_sys::TypeError>());
    assert_eq!(
        message(&error),
        "fetch-with-refresh: setTokens: `accessToken` must be a non-empty token string"
    );
    let cases = [
        (JsValue::NULL, "null"),
        (JsValue::from(5), "number"),
        (js("[]"), "array"),
        (JsValue::UNDEFINED, "undefined"),
    ];
    for (got, kind) in cases {
        let error = errors::bad_option("refresh.url", "a string", &got);
        assert!(error.is_instance_of::<js_sys::TypeError>());
        assert_eq!(
            message(&error),
            format!("fetch-with-refresh: option `refresh.url` must be a string (got {kind})")
        );
    }
}
