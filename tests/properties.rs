//! Properties of the pure core's text handling, checked over generated inputs (a few hundred
//! cases each, seconds in all): the same functions `make fuzz` fuzzes for millions of executions.
//! No panic on any input; the shared record reads back what it wrote; a base URL and a path join
//! with one slash; a JWT's expiry is a finite positive time, read through base64url exactly as the
//! payload says.
//!
//! Native only (proptest is not built for wasm32).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fetch_with_refresh::core::cookie;
use fetch_with_refresh::core::errors::TYPE_ERROR_PREFIX;
use fetch_with_refresh::core::json::{integer_text, parse_number, top_level_number};
use fetch_with_refresh::core::machine::EndReason;
use fetch_with_refresh::core::options::ResponsePaths;
use fetch_with_refresh::core::origin::origin_of;
use fetch_with_refresh::core::refresh::read_answer;
use fetch_with_refresh::core::settings::validate;
use fetch_with_refresh::core::tabs::{Message, SharedRecord};
use fetch_with_refresh::core::tokens::{jwt_expiry_ms, Secret, TokenSet};
use fetch_with_refresh::core::url::{encode_component, fill, has_placeholder, is_absolute, join, with_query};
use proptest::prelude::*;
use serde_json::Value;

/// The fuzz crate's helpers: the JSON options host (as the settings tests have), base64url, the
/// refresh answer's lookup.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod shared;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

/// Text that is often close to what the functions read: digits, dots, slashes, braces, JSON.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[-0-9.eE+]{0,24}",
        "[a-zA-Z0-9_./:@?#%{}\\[\\]\"\\\\, -]{0,48}",
        "1\n[a-z.]{0,8}\n[a-z]{0,4}\n[0-9a-f-]{0,16}(\n[0-9a-f]{16}){0,2}",
    ]
}

/// A token: what `Secret::new` takes.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~+/=-]{1,64}"
}

/// Any JSON value, small, with the keys the options and the refresh answers use.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("refresh".to_owned()),
        Just("url".to_owned()),
        Just("send".to_owned()),
        Just("response".to_owned()),
        Just("storage".to_owned()),
        Just("storageKeys".to_owned()),
        Just("baseURL".to_owned()),
        Just("allowedOrigins".to_owned()),
        Just("cookie".to_owned()),
        Just("attach".to_owned()),
        Just("timeout".to_owned()),
        Just("$fn".to_owned()),
        Just("access_token".to_owned()),
        Just("expires_in".to_owned()),
        Just("data".to_owned()),
        Just("token".to_owned()),
        "[a-zA-Z]{1,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        texty().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

const END_REASONS: [EndReason; 6] = [
    EndReason::RefreshRejected,
    EndReason::SessionExpiredResponse,
    EndReason::NoRefreshToken,
    EndReason::RefreshFunction,
    EndReason::Logout,
    EndReason::OtherTab,
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nothing_panics_on_any_text(text in texty(), other in texty()) {
        let _ = parse_number(text.as_bytes());
        let _ = top_level_number(text.as_bytes(), other.as_bytes());
        let _ = SharedRecord::decode(&text);
        let _ = Message::parse(&text);
        let _ = cookie::decode(&text);
        let _ = cookie::find(&text, &other);
        let _ = origin_of(&text);
        let _ = with_query(&text, &other, &text);
        let _ = fill(&text, &other, &text);
        let _ = join(Some(&text), &other);
        let _ = TokenSet::from_stored(Some(text.clone()), Some(other.clone()), Some(text.clone()));
    }

    #[test]
    fn jwt_expiry_is_a_finite_positive_time(text in texty(), exp in texty(), number in any::<f64>()) {
        for token in [text, jwt(&["{\"exp\":", &exp, "}"].concat()), jwt(&["{\"exp\":", &number.to_string(), "}"].concat())] {
            if let Some(at) = jwt_expiry_ms(&token) {
                prop_assert!(at.is_finite() && at > 0.0, "{}", at);
            }
        }
    }

    #[test]
    fn jwt_payloads_read_through_base64url(payload in prop_oneof![
        any::<Vec<u8>>(),
        (any::<u32>(), "[ a-z\":,0-9]{0,12}").prop_map(|(exp, more)| ["{\"a\":\"", &more, "\",\"exp\":", &exp.to_string(), "}"].concat().into_bytes()),
    ], padded in any::<bool>(), standard in any::<bool>()) {
        let token = ["eyJhbGciOiJIUzI1NiJ9.", &shared::base64(&payload, padded, standard), ".sig"].concat();
        let expected = top_level_number(&payload, b"exp").filter(|exp| *exp > 0.0 && *exp <= 9_007_199_254_740_992.0).map(|exp| if exp >= 1e11 { exp } else { exp * 1000.0 });
        prop_assert_eq!(jwt_expiry_ms(&token), expected);
    }

    #[test]
    fn numbers_are_finite_and_whole_ones_read_back(text in texty(), whole in -999_999_999_999_999i64..=999_999_999_999_999) {
        if let Some(value) = parse_number(text.as_bytes()) {
            prop_assert!(value.is_finite());
        }
        let whole = whole as f64;
        let written = integer_text(whole).unwrap();
        prop_assert_eq!(parse_number(written.as_bytes()), Some(whole));
    }

    #[test]
    fn shared_records_read_back_what_they_wrote(
        access in token(),
        refresh in proptest::option::of(token()),
        expires_at in proptest::option::of(-999_999_999_999_999i64..=999_999_999_999_999),
        ended in proptest::option::of(0..END_REASONS.len()),
        replaced in prop::collection::vec(any::<u64>(), 0..=8),
    ) {
        let record = match ended {
            None => SharedRecord {
                tokens: Some({
                    let access = Secret::new(access).unwrap();
                    let expires_at = expires_at.map(|at| at as f64);
                    TokenSet {
                        issued_at: TokenSet::issued_from_jwt(&access, expires_at),
                        access,
                        refresh: refresh.map(|r| Secret::new(r).unwrap()),
                        expires_at,
                    }
                }),
                ended: None,
                replaced,
            },
            Some(i) => SharedRecord { tokens: None, ended: Some(END_REASONS[i]), replaced },
        };
        prop_assert_eq!(SharedRecord::decode(&record.encode()), Some(record));
    }

    #[test]
    fn any_record_read_is_written_and_read_again_the_same(text in texty()) {
        if let Some(first) = SharedRecord::decode(&text) {
            let written = first.encode();
            let second = SharedRecord::decode(&written);
            prop_assert!(second.is_some());
            prop_assert_eq!(second.unwrap().encode(), written);
        }
    }

    #[test]
    fn a_base_and_a_relative_path_join_with_one_slash(
        base in "(https://[a-z]{1,8}\\.com)?(/[a-z0-9]{0,5}){0,3}/{0,3}",
        path in "/?[a-z0-9?=&#]{1,10}(/[a-z]{0,4}){0,2}",
        any_base in texty(),
        any_path in texty(),
    ) {
        let joined = join(Some(&base), &path);
        let (head, tail) = (base.trim_end_matches('/'), path.trim_start_matches('/'));
        prop_assert!(!is_absolute(&path));
        prop_assert_eq!(&joined, &[head, "/", tail].concat());
        prop_assert!(!joined.get(head.len()..).unwrap().starts_with("//"), "{}", joined);
        if is_absolute(&any_path) {
            prop_assert_eq!(join(Some(&any_base), &any_path), any_path);
        } else if !any_path.is_empty() {
            let joined = join(Some(&any_base), &any_path);
            let (head, tail) = (any_base.trim_end_matches('/'), any_path.trim_start_matches('/'));
            prop_assert_eq!(joined, [head, "/", tail].concat());
        }
    }

    #[test]
    fn components_encode_and_decode_back(text in any::<String>(), template in texty()) {
        prop_assert_eq!(cookie::decode(&encode_component(&text)), Some(text.clone()));
        if !has_placeholder(&template, "refreshToken") {
            prop_assert_eq!(fill(&template, "refreshToken", &text), template);
        }
    }

    #[test]
    fn refresh_answers_give_tokens_or_an_error(answer in json(), access in token(), expires_in in any::<f64>()) {
        let mut with_token = answer.clone();
        if let Value::Object(map) = &mut with_token {
            map.insert("access_token".to_owned(), Value::String(access));
            if let Some(n) = serde_json::Number::from_f64(expires_in) {
                map.insert("expires_in".to_owned(), Value::Number(n));
            }
        }
        for value in [&answer, &with_token] {
            for paths in [ResponsePaths::default(), ResponsePaths::token_fields()] {
                if let Ok(set) = read_answer(&paths, |path| shared::lookup(value, path), 1.7e12, None, None) {
                    prop_assert!(set.expires_at.is_none_or(|at| !at.is_nan() && at >= 0.0));
                }
            }
        }
    }

    #[test]
    fn options_are_accepted_or_refused_with_a_message(options in json()) {
        let nested = Value::Object([("refresh".to_owned(), options.clone())].into_iter().collect());
        for value in [&options, &nested] {
            if let Err(error) = validate(&shared::Json, value) {
                prop_assert!(error.message().starts_with(TYPE_ERROR_PREFIX));
            }
        }
    }
}

/// A JWT with this payload (the header and signature are not read).
fn jwt(payload: &str) -> String {
    ["eyJhbGciOiJIUzI1NiJ9.", &shared::base64(payload.as_bytes(), false, false), ".sig"].concat()
}
