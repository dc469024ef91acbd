//! The events as listeners receive them (serialized with serde_json, which stands in for
//! serde-wasm-bindgen's `json_compatible` serializer: `None` is `null`, structs are objects), and
//! the generated `tests/types/emitted.ts` that checks `js/index.d.ts` against them.

use super::*;
use crate::core::classify::{Class, Code};
use crate::core::errors::ErrorClass;
use crate::core::machine::{Effect, Input, Machine, RefreshFailure, RefreshResult};
use crate::core::tabs::CrossTabOff;
use crate::core::tokens::{Secret, TokenSet};
use serde_json::{json, Value};

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("events serialize")
}

fn code(text: &str) -> Code {
    Code::from_text(text)
}

fn end(reason: EndReason, status: Option<u16>, code: Option<Code>) -> SessionEnd {
    SessionEnd { reason, status, code }
}

const GET: RequestInfo<'static> = RequestInfo { method: "GET", url: "https://api.example.com/me?q=1" };

/// A notice of each kind, twice where a field may be missing: all of them with all of them
/// present, then with none.
fn notices() -> Vec<Notice> {
    vec![
        Notice::RefreshStarted { trigger: Trigger::Expired, queued: 2 },
        Notice::RefreshSucceeded { replayed: 3, expires_at: Some(1_700_000_000_000.0), adopted: false },
        Notice::RefreshSucceeded { replayed: 0, expires_at: None, adopted: true },
        Notice::RefreshFailed {
            failure: RefreshFailure { kind: FailureKind::Status, status: Some(503) },
            rejected: 1,
        },
        Notice::RefreshFailed {
            failure: RefreshFailure { kind: FailureKind::Network, status: None },
            rejected: 0,
        },
        Notice::SessionEnded {
            end: end(EndReason::SessionExpiredResponse, Some(401), Some(code("50015"))),
            rejected: 4,
        },
        Notice::SessionEnded { end: end(EndReason::RefreshFunction, None, None), rejected: 0 },
        Notice::TokensChanged {
            source: TokenSource::Refresh,
            expires_at: Some(1_700_000_000_000.0),
            has_refresh: true,
        },
        Notice::TokensChanged { source: TokenSource::Clear, expires_at: None, has_refresh: false },
        Notice::Queued { id: 7, queued: 1 },
        Notice::Replayed { id: 7, reason: ReplayReason::TokenChanged },
    ]
}

fn fallback() -> Fallback {
    Fallback {
        storage: "cookie",
        operation: Operation::Write,
        message: "storage failed: the value was not stored".into(),
    }
}

/// Every example event, serialized.
fn examples() -> Vec<Value> {
    let notices = notices();
    let fallback = fallback();
    let mut events: Vec<Event<'_>> = notices.iter().map(|n| Event::from_notice(n, Some(GET), 12.5)).collect();
    events.push(Event::from_fallback(&fallback));
    events.push(Event::CrossTabOff { reason: CrossTabOff::NoWebLocks });
    events.iter().map(to_json).collect()
}

#[test]
fn each_notice_becomes_its_event() {
    let expected = [
        json!({"type": "refresh-start", "reason": "expired", "queued": 2}),
        json!({"type": "refresh-success", "durationMs": 12.5, "replayed": 3, "expiresAt": 1_700_000_000_000.0, "adopted": false}),
        json!({"type": "refresh-success", "durationMs": 12.5, "replayed": 0, "expiresAt": null, "adopted": true}),
        json!({"type": "refresh-failure", "reason": "status", "status": 503, "durationMs": 12.5, "rejected": 1}),
        json!({"type": "refresh-failure", "reason": "network", "durationMs": 12.5, "rejected": 0}),
        json!({"type": "session-expired", "reason": "session-expired-response", "status": 401, "code": 50015.0,
               "rejected": 4}),
        json!({"type": "session-expired", "reason": "refresh-function", "rejected": 0}),
        json!({"type": "tokens-changed", "source": "refresh", "expiresAt": 1_700_000_000_000.0,
               "hasRefreshToken": true}),
        json!({"type": "tokens-changed", "source": "clear", "expiresAt": null, "hasRefreshToken": false}),
        json!({"type": "request-queued", "method": "GET", "url": "https://api.example.com/me?q=1", "queued": 1}),
        json!({"type": "request-replayed", "method": "GET", "url": "https://api.example.com/me?q=1",
               "reason": "token-changed"}),
        json!({"type": "storage-fallback", "storage": "cookie", "operation": "write",
               "message": "storage failed: the value was not stored"}),
        json!({"type": "cross-tab-off", "reason": "no-web-locks"}),
    ];
    let got = examples();
    assert_eq!(got.len(), expected.len());
    for (got, expected) in got.iter().zip(expected) {
        assert_eq!(got, &expected);
    }
}

#[test]
fn the_type_key_is_the_kind_and_every_kind_is_emitted() {
    let notices = notices();
    let fallback = fallback();
    let mut events: Vec<Event<'_>> = notices.iter().map(|n| Event::from_notice(n, None, 0.0)).collect();
    events.push(Event::from_fallback(&fallback));
    events.push(Event::CrossTabOff { reason: CrossTabOff::IndexedDbFailed });
    for event in &events {
        assert_eq!(to_json(event)["type"], Value::from(event.kind().as_str()), "{event:?}");
    }
    for kind in EventKind::all() {
        assert!(events.iter().any(|e| e.kind() == *kind), "{kind:?} is never emitted");
        assert_eq!(EventKind::all()[kind.index()], *kind);
        assert_eq!(EventKind::parse(kind.as_str()), Some(*kind));
    }
    assert_eq!(EventKind::parse("refresh-done"), None);
    assert_eq!(EventKind::parse("Refresh-Start"), None);
}

#[test]
fn a_request_the_driver_lost_is_reported_with_empty_method_and_url() {
    let notice = Notice::Queued { id: 1, queued: 2 };
    let expected = json!({"type": "request-queued", "method": "", "url": "", "queued": 2});
    assert_eq!(to_json(&Event::from_notice(&notice, None, 0.0)), expected);
}

#[test]
fn codes_are_numbers_when_javascript_would_write_them_so() {
    let cases = [
        ("50014", json!(50014.0)),
        ("-1", json!(-1.0)),
        ("0", json!(0.0)),
        ("TOKEN_EXPIRED", json!("TOKEN_EXPIRED")),
        ("007", json!("007")),
        ("1.5", json!("1.5")),
        ("1e3", json!("1e3")),
        ("-0", json!("-0")),
        ("", json!("")),
    ];
    for (text, expected) in cases {
        let code = code(text);
        assert_eq!(to_json(&CodeValue::of(&code)), expected, "{text:?}");
    }
    assert_eq!(to_json(&CodeValue::of(&Code::from_number(50014.0).expect("a code"))), json!(50014.0));
}

#[test]
fn the_session_expired_argument_leaves_out_what_is_unknown() {
    let cases = [
        (
            end(EndReason::RefreshRejected, Some(401), None),
            json!({"reason": "refresh-rejected", "status": 401}),
        ),
        (
            end(EndReason::SessionExpiredResponse, Some(200), Some(code("SESSION_GONE"))),
            json!({"reason": "session-expired-response", "status": 200, "code": "SESSION_GONE"}),
        ),
        (end(EndReason::NoRefreshToken, None, None), json!({"reason": "no-refresh-token"})),
        (
            end(EndReason::RefreshFunction, None, Some(code("10007"))),
            json!({"reason": "refresh-function", "code": 10007.0}),
        ),
    ];
    for (end, expected) in cases {
        assert_eq!(to_json(&SessionInfo::of(&end)), expected);
    }
}

#[test]
fn no_event_carries_a_token() {
    const ACCESS: &str = "SECRET-ACCESS-eyJhbGciOiJIUzI1NiJ9";
    const REFRESH: &str = "SECRET-REFRESH-d1f0c2";
    const RENEWED: &str = "SECRET-RENEWED-ACCESS";
    const NOW: f64 = 1_000_000.0;
    let set = |access: &str, expires_at: f64| TokenSet {
        access: Secret::new(access).expect("a token"),
        refresh: Secret::new(REFRESH),
        expires_at: Some(expires_at),
        issued_at: None,
    };
    let expired = set(ACCESS, NOW - 1.0);
    let renewed = set(RENEWED, NOW + 3_600_000.0);
    let refused = end(EndReason::RefreshRejected, Some(401), Some(code("50015")));
    let rounds = [
        vec![
            Input::TokensSet(&expired),
            Input::Start { id: 1, now: NOW, tokens: Some(&expired), replayable: true },
            Input::Start { id: 2, now: NOW, tokens: Some(&expired), replayable: true },
        ],
        vec![
            Input::Response {
                id: 3,
                class: Class::AccessExpired,
                status: 401,
                code: None,
                tokens: Some(&renewed),
            },
            Input::TokensCleared,
        ],
    ];
    let results = [
        RefreshResult::Renewed(renewed.clone()),
        RefreshResult::Failed(RefreshFailure { kind: FailureKind::Timeout, status: None }),
        RefreshResult::Refused(refused),
    ];
    let mut effects = Vec::new();
    for result in &results {
        let mut machine = Machine::new(30_000.0, false);
        for input in rounds[0].iter().copied() {
            effects.extend(machine.handle(input));
        }
        effects.extend(machine.handle(Input::Start {
            id: 3,
            now: NOW,
            tokens: Some(&renewed),
            replayable: true,
        }));
        effects.extend(machine.handle(Input::RefreshFinished { result, tokens: Some(&expired) }));
        for input in rounds[1].iter().copied() {
            effects.extend(machine.handle(input));
        }
    }
    let fallback = fallback();
    let notices: Vec<&Notice> =
        effects.iter().filter_map(|e| if let Effect::Notify(n) = e { Some(n) } else { None }).collect();
    let mut events: Vec<Event<'_>> = notices.iter().map(|n| Event::from_notice(n, Some(GET), 3.0)).collect();
    events.push(Event::from_fallback(&fallback));
    let mut kinds: Vec<EventKind> = events.iter().map(Event::kind).collect();
    kinds.dedup();
    assert!(kinds.len() >= 6, "the story must emit most kinds: {kinds:?}");
    for event in &events {
        let text = serde_json::to_string(event).expect("serializes");
        let debug = format!("{event:?}");
        for secret in [ACCESS, REFRESH, RENEWED, "SECRET"] {
            assert!(!text.contains(secret) && !debug.contains(secret), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// tests/types/emitted.ts: what the module emits, for tsc to check against js/index.d.ts.

const EMITTED_TS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/types/emitted.ts");

/// `export const name = { 'value': 0, … } satisfies Record<declared, 0>;`: a value the module
/// emits that `declared` lacks is an excess property; a value `declared` has that nothing emits
/// is a missing one.
fn union(out: &mut String, name: &str, what: &str, declared: &str, values: &[&str]) {
    out.push_str(&format!("\n/** {what} */\nexport const {name} = {{\n"));
    for value in values {
        out.push_str(&format!("\t'{value}': 0,\n"));
    }
    out.push_str(&format!("}} satisfies Record<{declared}, 0>;\n"));
}

fn names<T: Named>() -> Vec<&'static str> {
    T::ALL.iter().map(|value| value.name()).collect()
}

/// `refresh-start` → `refreshStart`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        match c {
            '-' => upper = true,
            c if upper => {
                out.push(c.to_ascii_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

fn keys(value: &Value) -> Vec<String> {
    value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
}

/// The text of `tests/types/emitted.ts`.
fn emitted_ts() -> String {
    let mut out = String::from(
        "// GENERATED by the native test `core::events::tests::emitted_types_are_committed`\n\
         // (src/core/events/tests.rs) from the values the module emits; `tsc -p tests/types` checks them\n\
         // against js/index.d.ts. Do not edit: when the test fails it prints the new text (or run it with\n\
         // FWR_WRITE_EMITTED=1 to write it).\n\
         //\n\
         // Each object lists every value the module emits for one union: a value the declaration lacks is\n\
         // an excess property, and a value it declares that nothing emits is a missing property. Each event\n\
         // the module can emit is then assigned to its declared type, with every optional key present and\n\
         // with none.\n\n\
         import type {\n\tAuthError,\n\tAuthEventMap,\n\tRefreshError,\n\tRefreshFailureEvent,\n\tRefreshStartEvent,\n\
         \tRequestReplayedEvent,\n\tSessionExpiredEvent,\n\tSessionExpiredInfo,\n\tStorageFallbackEvent,\n\
         \tTokensChangedEvent,\n} from '../../js/index.js';\n",
    );
    let unions: [(&str, &str, &str, Vec<&str>); 10] = [
        ("eventTypes", "Event types.", "keyof AuthEventMap", names::<EventKind>()),
        ("triggers", "Why a refresh started.", "RefreshStartEvent['reason']", names::<Trigger>()),
        (
            "failureReasons",
            "Why a refresh failed (the event).",
            "RefreshFailureEvent['reason']",
            names::<FailureKind>(),
        ),
        (
            "errorReasons",
            "Why a refresh failed (the error).",
            "RefreshError['reason']",
            names::<FailureKind>(),
        ),
        ("sessionEndReasons", "Why the session ended.", "SessionExpiredInfo['reason']", names::<EndReason>()),
        (
            "sessionEventReasons",
            "Why the session ended (the event).",
            "SessionExpiredEvent['reason']",
            names::<EndReason>(),
        ),
        (
            "replayReasons",
            "Why a request was sent again.",
            "RequestReplayedEvent['reason']",
            names::<ReplayReason>(),
        ),
        ("tokenSources", "Who changed the tokens.", "TokensChangedEvent['source']", names::<TokenSource>()),
        (
            "storageOperations",
            "What the failing storage was doing.",
            "StorageFallbackEvent['operation']",
            names::<Operation>(),
        ),
        ("errorNames", "The `name` of each error class.", "AuthError['name']", names::<ErrorClass>()),
    ];
    for (name, what, declared, values) in &unions {
        union(&mut out, name, what, declared, values);
    }

    // Every key each event may carry (from the examples with every optional field present).
    let examples = examples();
    for kind in EventKind::all() {
        let mut all: Vec<String> = Vec::new();
        for example in examples.iter().filter(|e| e["type"] == kind.as_str()) {
            for key in keys(example) {
                if !all.contains(&key) {
                    all.push(key);
                }
            }
        }
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let what = format!("The keys of `{}`.", kind.as_str());
        union(
            &mut out,
            &format!("{}Keys", camel(kind.as_str())),
            &what,
            &format!("keyof AuthEventMap['{}']", kind.as_str()),
            &refs,
        );
    }
    let info = end(EndReason::SessionExpiredResponse, Some(401), Some(code("50015")));
    let info_keys = keys(&to_json(&SessionInfo::of(&info)));
    let refs: Vec<&str> = info_keys.iter().map(String::as_str).collect();
    union(
        &mut out,
        "sessionInfoKeys",
        "The keys of the `onSessionExpired` argument.",
        "keyof SessionExpiredInfo",
        &refs,
    );

    out.push_str("\n// The events themselves, as the module serializes them.\n");
    for (i, example) in examples.iter().enumerate() {
        let kind = example["type"].as_str().unwrap_or_default();
        out.push_str(&format!("export const event{i}: AuthEventMap['{kind}'] = {example};\n"));
    }
    let info = to_json(&SessionInfo::of(&info));
    let bare = to_json(&SessionInfo::of(&end(EndReason::NoRefreshToken, None, None)));
    out.push_str(&format!("export const sessionInfo0: SessionExpiredInfo = {info};\n"));
    out.push_str(&format!("export const sessionInfo1: SessionExpiredInfo = {bare};\n"));
    out
}

#[test]
fn emitted_types_are_committed() {
    let expected = emitted_ts();
    let committed = std::fs::read_to_string(EMITTED_TS).unwrap_or_default();
    if committed == expected {
        return;
    }
    if std::env::var_os("FWR_WRITE_EMITTED").is_some() {
        std::fs::write(EMITTED_TS, &expected).expect("writes tests/types/emitted.ts");
        return;
    }
    panic!(
        "tests/types/emitted.ts is not what the module emits; rerun with FWR_WRITE_EMITTED=1 or \
         replace it with:\n{expected}"
    );
}
