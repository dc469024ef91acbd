//! CORS on every response: the browser tests call this backend from pages on other 127.0.0.1
//! ports (the end-to-end pages are served by the backend itself: same origin, no CORS). The allowed
//! headers echo the preflight's list, because the `*` wildcard never covers `Authorization`;
//! credentials are allowed for any origin that asks (a test backend only). The exposed headers are
//! `*` and, by name, those the library reads, since `*` is no wildcard for a request with
//! credentials: `Retry-After` (an injected 429), `Date` (the server's clock) and `WWW-Authenticate`.

use axum::extract::Request;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ORIGIN, VARY,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// `Access-Control-Expose-Headers` (see the module documentation).
pub const EXPOSED: &str = "*, Retry-After, Date, WWW-Authenticate";

/// Adds the CORS headers to the answer of every request (preflights are answered 204 by the
/// dispatcher, like any other route).
pub async fn apply(request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let requested = request.headers().get(ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let credentialed = origin.as_ref().is_some_and(|o| !o.is_empty());
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.unwrap_or(HeaderValue::from_static("*")));
    if credentialed {
        headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        headers.insert(VARY, HeaderValue::from_static("Origin, Access-Control-Request-Headers"));
    }
    headers
        .insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET,POST,PUT,PATCH,DELETE,OPTIONS"));
    if let Some(requested) = requested {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
    }
    headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED));
    headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}
