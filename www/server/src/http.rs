//! Small HTTP helpers shared by the handlers: replies, bounded body reading, lenient JSON, Node-style
//! header, path and query decoding, and the redaction of token-shaped text before it reaches a log.

use std::future::poll_fn;
use std::pin::Pin;

use axum::body::{Body, HttpBody};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The largest request body read (1 MiB); past it the request is answered 413.
pub const MAX_BODY: usize = 1 << 20;

/// The content type of every JSON answer.
pub const JSON_TYPE: &str = "application/json; charset=utf-8";

/// The content type of every plain-text answer.
pub const TEXT_TYPE: &str = "text/plain; charset=utf-8";

/// A complete answer: status, body and content type (plus `Cache-Control: no-store` for files, and
/// any other header it was given).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body bytes (not sent for HEAD requests: hyper drops them).
    pub body: Vec<u8>,
    /// The `Content-Type`, if any.
    pub content_type: Option<&'static str>,
    /// Whether to send `Cache-Control: no-store` (files: always the latest build).
    pub no_store: bool,
    /// Other headers (`Retry-After` on an injected 429).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// A JSON answer (`application/json; charset=utf-8`).
    pub fn json(status: StatusCode, value: &Value) -> Self {
        Self::bytes(status, value.to_string().into_bytes(), JSON_TYPE)
    }

    /// A plain-text answer (`text/plain; charset=utf-8`).
    pub fn text(status: StatusCode, text: &str) -> Self {
        Self::bytes(status, text.as_bytes().to_vec(), TEXT_TYPE)
    }

    /// An answer with the given bytes and content type.
    pub fn bytes(status: StatusCode, body: Vec<u8>, content_type: &'static str) -> Self {
        Self { status, body, content_type: Some(content_type), no_store: false, headers: Vec::new() }
    }

    /// An answer without a body or a content type (a preflight's 204).
    pub fn empty(status: StatusCode) -> Self {
        Self { status, body: Vec::new(), content_type: None, no_store: false, headers: Vec::new() }
    }

    /// The same answer with the header `name: value` too.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The same answer with `Cache-Control: no-store`.
    pub fn no_store(mut self) -> Self {
        self.no_store = true;
        self
    }

    /// The generic 404 of every unknown route: `{code: 404, error: 'not_found'}`.
    pub fn not_found() -> Self {
        Self::json(StatusCode::NOT_FOUND, &serde_json::json!({ "code": 404, "error": "not_found" }))
    }

    /// The 500 of an unexpected failure: `{code: 500, error: 'internal_error'}`.
    pub fn internal_error() -> Self {
        Self::json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &serde_json::json!({ "code": 500, "error": "internal_error" }),
        )
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        headers.remove(CONTENT_TYPE);
        if let Some(content_type) = self.content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        if self.no_store {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }
}

/// What a handler produced: an answer, or nothing at all (an injected hang that was ended: the
/// connection is dropped without an answer, as the Node backend destroyed the socket).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Send this answer.
    Reply(Reply),
    /// Drop the connection without answering.
    Severed,
}

impl From<Reply> for Outcome {
    fn from(reply: Reply) -> Self {
        Outcome::Reply(reply)
    }
}

/// A request to an API route, read whole: what the flavour handlers look at.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// The headers.
    pub headers: HeaderMap,
    /// The raw query string (flavour 003 reads its token there).
    pub query: Option<String>,
    /// The route's `:name` parameters, percent-decoded.
    pub params: Vec<(String, String)>,
    /// The body.
    pub bytes: Vec<u8>,
    /// The body parsed as JSON, whatever its content type.
    pub json: Option<Value>,
}

impl ApiRequest {
    /// A header, as Node's `req.headers[name]` (see [`header`]).
    pub fn header(&self, name: &str) -> Option<String> {
        header(&self.headers, name)
    }

    /// A route parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// `json?.[field]` when it is a string (anything else is no token at all).
    pub fn json_str(&self, field: &str) -> Option<&str> {
        self.json.as_ref()?.as_object()?.get(field)?.as_str()
    }
}

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than [`MAX_BODY`]: answered 413 `body_too_large`.
    TooLarge,
    /// The connection failed while reading: answered 500 `internal_error`.
    Broken,
}

impl BodyError {
    /// The answer for this error, as the Node backend gave it.
    pub fn reply(self) -> Reply {
        match self {
            BodyError::TooLarge => Reply::json(
                StatusCode::PAYLOAD_TOO_LARGE,
                &serde_json::json!({ "code": 413, "error": "body_too_large" }),
            ),
            BodyError::Broken => Reply::internal_error(),
        }
    }
}

/// Reads a whole request body. Bounded: past [`MAX_BODY`] the rest is still read and dropped (so
/// the 413 answer can be delivered on a connection that is not mid-upload), then `TooLarge`.
pub async fn read_body(mut body: Body) -> Result<Vec<u8>, BodyError> {
    let mut bytes = Vec::new();
    let mut size = 0usize;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            size = size.saturating_add(data.len());
            if size <= MAX_BODY {
                bytes.extend_from_slice(&data);
            }
        }
    }
    if size > MAX_BODY {
        Err(BodyError::TooLarge)
    } else {
        Ok(bytes)
    }
}

/// Parses a body as JSON whatever its content type; `None` when it is empty or not JSON. Like
/// `JSON.parse(buffer.toString('utf8'))`, invalid UTF-8 is replaced rather than refused.
pub fn parse_json(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    serde_json::from_str(&String::from_utf8_lossy(bytes)).ok()
}

/// Headers whose duplicates Node drops (keeping the first) instead of joining them with `, `; only
/// those this server reads matter.
const SINGLE_VALUED: [&str; 2] = ["authorization", "content-type"];

/// A request header as Node's `req.headers[name]` gives it: bytes read as Latin-1, duplicates joined
/// with `, ` (or dropped, for the single-valued ones); `None` when absent.
pub fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values =
        headers.get_all(name).iter().map(|v| v.as_bytes().iter().map(|&b| char::from(b)).collect());
    if SINGLE_VALUED.contains(&name) {
        return values.next();
    }
    let all: Vec<String> = values.collect();
    if all.is_empty() {
        None
    } else {
        Some(all.join(", "))
    }
}

/// The value of one hex digit.
fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `decodeURIComponent`: every `%` must start a two-digit escape and the result must be UTF-8,
/// otherwise `None`.
pub fn percent_decode(text: &str) -> Option<String> {
    let input = text.as_bytes();
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let high = hex(*input.get(i + 1)?)?;
            let low = hex(*input.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One `application/x-www-form-urlencoded` name or value: `+` is a space, a malformed escape is
/// kept as it is, invalid UTF-8 is replaced (as `URLSearchParams` does).
fn form_decode(text: &str) -> String {
    let input = text.as_bytes();
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let escape =
                    input.get(i + 1).and_then(|&h| hex(h)).zip(input.get(i + 2).and_then(|&l| hex(l)));
                if let Some((high, low)) = escape {
                    out.push(high << 4 | low);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `new URLSearchParams(query).get(name)`: the first value of `name`, decoded.
pub fn query_get(query: Option<&str>, name: &str) -> Option<String> {
    query?
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(key, _)| form_decode(key) == name)
        .map(|(_, value)| form_decode(value))
}

/// Whether a path segment is `.` (WHATWG URL also counts `%2e`).
fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

/// Whether a path segment is `..` (or `.%2e`, `%2e.`, `%2e%2e`).
fn is_double_dot(segment: &str) -> bool {
    matches!(segment.to_ascii_lowercase().as_str(), ".." | ".%2e" | "%2e." | "%2e%2e")
}

/// The request path as `new URL(path, base).pathname` gives it (what the Node backend routed on):
/// `\` is a `/`, and `.` and `..` segments are resolved, never above the root.
pub fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(&path).split('/').collect();
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if is_double_dot(segment) {
            out.pop();
        } else if !is_single_dot(segment) {
            out.push(segment);
            continue;
        }
        if last {
            out.push("");
        }
    }
    format!("/{}", out.join("/"))
}

/// Whether a byte may appear in a base64url JWT part.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Whether `run` (base64url bytes and dots) holds three consecutive dot-separated parts of at least
/// six characters each: the shape of a JWT.
fn looks_like_jwt(run: &str) -> bool {
    let mut long_in_a_row = 0;
    for part in run.split('.') {
        long_in_a_row = if part.len() >= 6 { long_in_a_row + 1 } else { 0 };
        if long_in_a_row == 3 {
            return true;
        }
    }
    false
}

/// Replaces anything shaped like a JWT with `<token>` before a path reaches a log line: flavour 000
/// carries the refresh token in the path, and a buggy client could put one anywhere.
pub fn redact_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while !rest.is_empty() {
        let run_len = rest.bytes().take_while(|&b| is_token_byte(b) || b == b'.').count();
        if run_len == 0 {
            let next = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..next]);
            rest = &rest[next..];
            continue;
        }
        let (run, tail) = rest.split_at(run_len);
        out.push_str(if looks_like_jwt(run) { "<token>" } else { run });
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_is_strict_like_decode_uri_component() {
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("caf%C3%A9").as_deref(), Some("café"));
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn query_values_decode_like_url_search_params() {
        assert_eq!(query_get(Some("a=1&token=x.y%2Bz+w&token=2"), "token").as_deref(), Some("x.y+z w"));
        assert_eq!(query_get(Some("token"), "token").as_deref(), Some(""));
        assert_eq!(query_get(Some("t=%zz"), "t").as_deref(), Some("%zz"));
        assert_eq!(query_get(Some("a=1"), "token"), None);
        assert_eq!(query_get(None, "token"), None);
    }

    #[test]
    fn headers_join_duplicates_except_single_valued_ones() {
        let mut headers = HeaderMap::new();
        headers.append("x-token", HeaderValue::from_static("a"));
        headers.append("x-token", HeaderValue::from_static("b"));
        headers.append("authorization", HeaderValue::from_static("one"));
        headers.append("authorization", HeaderValue::from_static("two"));
        assert_eq!(header(&headers, "x-token").as_deref(), Some("a, b"));
        assert_eq!(header(&headers, "authorization").as_deref(), Some("one"));
        assert_eq!(header(&headers, "origin"), None);
    }

    #[test]
    fn paths_are_normalized_like_whatwg_urls() {
        assert_eq!(normalize_path("/static/a/../b"), "/static/b");
        assert_eq!(normalize_path("/static/%2e%2e/x"), "/x");
        assert_eq!(normalize_path("/static/%2E./x"), "/x");
        assert_eq!(normalize_path("/a/./b/."), "/a/b/");
        assert_eq!(normalize_path("/a/b/.."), "/a/");
        assert_eq!(normalize_path("/../../etc/passwd"), "/etc/passwd");
        assert_eq!(normalize_path("/static\\..\\x"), "/x");
        assert_eq!(normalize_path("//a//b/"), "//a//b/");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("/s000/api/me"), "/s000/api/me");
    }

    #[test]
    fn token_shaped_path_parts_are_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";
        assert_eq!(redact_path(&format!("/s000/refreshJwt/{jwt}")), "/s000/refreshJwt/<token>");
        assert_eq!(redact_path("/static/pkg/index.js"), "/static/pkg/index.js");
        assert_eq!(redact_path("/a/jquery.min.js"), "/a/jquery.min.js");
        assert_eq!(redact_path("/é/x"), "/é/x");
    }

    #[test]
    fn json_is_parsed_leniently() {
        assert_eq!(parse_json(b""), None);
        assert_eq!(parse_json(b"not json{"), None);
        assert_eq!(parse_json(b" {\"a\": 1} "), Some(serde_json::json!({ "a": 1 })));
    }
}
