//! Test-only control endpoints under `/__admin/` (enabled by `--admin`): the tests drive expiry,
//! faults and counters here instead of waiting for real time to pass.
//!
//! | route | effect |
//! |---|---|
//! | `POST expire-access` | every access token issued so far is expired |
//! | `POST expire-refresh` | every refresh token issued so far is expired |
//! | `POST refresh-faults` `{count, kind, ms?}` | the next `count` refresh calls fail: `500`, `malformed` (HTTP 200 `not json{`), `hang` (no answer until a reset), `delay` (`ms`, then a normal answer), `429` (`Retry-After`: `ms` rounded up to seconds, 1 without `ms`; body `{code: 429, msg: 'slow down'}`) |
//! | `GET counters` | `{requests, refreshCalls, reuseDetections, tokensSeen}` |
//! | `POST reset` | all tokens expired, faults cleared (hung calls dropped), counters zeroed |

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::http::Reply;
use crate::state::Backend;

/// The answer to `METHOD /__admin/<name>` with the request's JSON body, or `None` when no admin
/// route matches (a 404 like any unknown route).
pub fn handle(backend: &Backend, method: &Method, name: &str, json: Option<&Value>) -> Option<Reply> {
    let ok = || Reply::json(StatusCode::OK, &json!({ "ok": true }));
    let post = *method == Method::POST;
    match name {
        "expire-access" if post => {
            backend.ledger().authority.expire_access();
            Some(ok())
        }
        "expire-refresh" if post => {
            backend.ledger().authority.expire_refresh();
            Some(ok())
        }
        "refresh-faults" if post => Some(match backend.faults.set(json) {
            Ok(()) => ok(),
            Err(error) => Reply::json(StatusCode::BAD_REQUEST, &json!({ "ok": false, "error": error })),
        }),
        "counters" if *method == Method::GET => Some(match serde_json::to_value(backend.snapshot()) {
            Ok(counters) => Reply::json(StatusCode::OK, &counters),
            Err(_) => Reply::internal_error(),
        }),
        "reset" if post => {
            backend.reset();
            Some(ok())
        }
        _ => None,
    }
}
