//! The refresh call as plain data, and reading the new tokens out of its answer.

use super::json;
use super::options::{
    credential, RefreshEndpoint, ResponsePaths, ACCESS_TOKEN_PLACEHOLDER, DEFAULT_ACCESS_PATHS,
    DEFAULT_EXPIRES_AT_PATHS, DEFAULT_EXPIRES_IN_PATHS, DEFAULT_REFRESH_BODY_FIELD, DEFAULT_REFRESH_PATHS,
    REFRESH_TOKEN_PLACEHOLDER,
};
use super::tokens::{Secret, TokenError, TokenInput, TokenSet};
use super::url;
use core::fmt;

/// An HTTP request as plain values; the browser side turns it into a `fetch` call.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainRequest {
    /// HTTP method.
    pub method: String,
    /// Full URL (it may carry a token: never print it).
    pub url: String,
    /// Headers to set.
    pub headers: Vec<(String, String)>,
    /// JSON body text, if any.
    pub body: Option<String>,
}

impl fmt::Debug for PlainRequest {
    /// Shows the shape only: the URL, headers and body may all carry tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainRequest")
            .field("method", &self.method)
            .field("headers", &self.headers.len())
            .field("has_body", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

/// Builds the refresh call for `endpoint` with the current `tokens` and refresh token `refresh`.
///
/// The refresh token goes wherever the options say: the URL template's `{refreshToken}`, a header,
/// a query parameter, a JSON body field. When none of these is configured it goes in the JSON body
/// field `refresh_token`, the common default.
pub fn build_request(
    endpoint: &RefreshEndpoint,
    base_url: Option<&str>,
    tokens: &TokenSet,
    refresh: &Secret,
) -> PlainRequest {
    let send = &endpoint.send;
    let in_template = url::has_placeholder(&endpoint.url, REFRESH_TOKEN_PLACEHOLDER);
    let mut url = url::fill(&endpoint.url, REFRESH_TOKEN_PLACEHOLDER, refresh.expose());
    url = url::fill(&url, ACCESS_TOKEN_PLACEHOLDER, tokens.access.expose());
    url = url::join(base_url, &url);
    if let Some(name) = &send.query {
        url = url::with_query(&url, name, refresh.expose());
    }
    let mut headers = Vec::new();
    if let Some(name) = &send.header {
        headers.push((name.clone(), credential(send.scheme.as_deref(), refresh)));
    }
    let nothing_else = send.header.is_none() && send.query.is_none() && !in_template;
    let body_field = send.body_field.as_deref().or(nothing_else.then_some(DEFAULT_REFRESH_BODY_FIELD));
    let mut fields: Vec<(&str, &str)> = Vec::new();
    if let Some(field) = body_field {
        fields.push((field, refresh.expose()));
    }
    if let Some(field) = &send.access_token_field {
        fields.push((field, tokens.access.expose()));
    }
    let body = (!fields.is_empty()).then(|| {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        let mut body = String::from("{");
        for (i, (name, value)) in fields.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            json::push_string(&mut body, name);
            body.push(':');
            json::push_string(&mut body, value);
        }
        body.push('}');
        body
    });
    PlainRequest { method: endpoint.method.clone(), url, headers, body }
}

/// A scalar read from a JSON answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A JSON string.
    Text(String),
    /// A JSON number.
    Number(f64),
}

impl Scalar {
    /// A token. A number where a token should be is not a token: it reads as the empty text,
    /// which no token validation accepts, rather than as "absent".
    fn into_text(self) -> Option<String> {
        match self {
            Scalar::Text(text) => Some(text),
            Scalar::Number(_) => Some(String::new()),
        }
    }

    /// A number, also from numeric text; other text is `NaN`, which no expiry validation accepts.
    fn into_number(self) -> Option<f64> {
        match self {
            Scalar::Number(n) => Some(n),
            Scalar::Text(text) => Some(json::parse_number(text.trim_ascii().as_bytes()).unwrap_or(f64::NAN)),
        }
    }
}

/// Reads tokens: from a refresh answer (with its configured or default paths), or from what the
/// app passes to `setTokens` or returns from its refresh function ([`ResponsePaths::token_fields`]).
/// `lookup` reads a dotted path of the value; a configured path is read alone, otherwise the first
/// default path that gives a value wins. A missing refresh token keeps `keep_refresh`. `server_now`
/// is the server's clock at its answer (its `Date` header), when known. Fails when there is no
/// usable access token, or a value of the wrong kind.
pub fn read_answer(
    paths: &ResponsePaths,
    lookup: impl Fn(&str) -> Option<Scalar>,
    now: f64,
    server_now: Option<f64>,
    keep_refresh: Option<Secret>,
) -> Result<TokenSet, TokenError> {
    let first = |configured: &Option<String>, defaults: &[&str]| match configured {
        Some(path) => lookup(path),
        None => defaults.iter().find_map(|path| lookup(path)),
    };
    let input = TokenInput {
        access: first(&paths.access, DEFAULT_ACCESS_PATHS).and_then(Scalar::into_text),
        refresh: first(&paths.refresh, DEFAULT_REFRESH_PATHS).and_then(Scalar::into_text),
        expires_in: first(&paths.expires_in, DEFAULT_EXPIRES_IN_PATHS).and_then(Scalar::into_number),
        expires_at: first(&paths.expires_at, DEFAULT_EXPIRES_AT_PATHS).and_then(Scalar::into_number),
        server_now,
    };
    TokenSet::from_input(input, now, keep_refresh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::options::SendPlacement;
    use std::collections::HashMap;

    fn tokens() -> TokenSet {
        TokenSet {
            access: Secret::new("acc").expect("usable"),
            refresh: Secret::new("ref/1"),
            expires_at: None,
            issued_at: None,
        }
    }

    fn endpoint(url: &str, send: SendPlacement) -> RefreshEndpoint {
        RefreshEndpoint {
            url: url.to_owned(),
            method: "POST".to_owned(),
            send,
            response: ResponsePaths::default(),
        }
    }

    #[test]
    fn refresh_requests_follow_each_seed() {
        let json_type = ("Content-Type".to_owned(), "application/json".to_owned());
        let header = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        let cases = [
            // seed 000: the token in the path, nothing else.
            (
                endpoint("/refreshJwt/{refreshToken}", SendPlacement::default()),
                Some("/api"),
                "/api/refreshJwt/ref%2F1",
                vec![],
                None,
            ),
            // seed 001: the default JSON body field.
            (
                endpoint("api/v1/refresh_token", SendPlacement::default()),
                Some("/"),
                "/api/v1/refresh_token",
                vec![json_type.clone()],
                Some(r#"{"refresh_token":"ref/1"}"#),
            ),
            // seed 002: the raw refresh token in X-Token.
            (
                endpoint(
                    "/sys/user/refreshtoken",
                    SendPlacement { header: Some("X-Token".into()), ..Default::default() },
                ),
                None,
                "/sys/user/refreshtoken",
                vec![header("X-Token", "ref/1")],
                None,
            ),
            // seed 004: both tokens in the body.
            (
                endpoint(
                    "/refreshToken",
                    SendPlacement {
                        body_field: Some("refreshToken".into()),
                        access_token_field: Some("token".into()),
                        ..Default::default()
                    },
                ),
                None,
                "/refreshToken",
                vec![json_type.clone()],
                Some(r#"{"refreshToken":"ref/1","token":"acc"}"#),
            ),
            // a query parameter, and a Bearer header.
            (
                endpoint(
                    "https://auth.example/token?grant=refresh",
                    SendPlacement { query: Some("rt".into()), ..Default::default() },
                ),
                Some("/api"),
                "https://auth.example/token?grant=refresh&rt=ref%2F1",
                vec![],
                None,
            ),
            (
                endpoint(
                    "/t",
                    SendPlacement {
                        header: Some("Authorization".into()),
                        scheme: Some("Bearer".into()),
                        ..Default::default()
                    },
                ),
                None,
                "/t",
                vec![header("Authorization", "Bearer ref/1")],
                None,
            ),
        ];
        for (endpoint, base, url, headers, body) in cases {
            let t = tokens();
            let refresh = t.refresh.clone().expect("has refresh");
            let request = build_request(&endpoint, base, &t, &refresh);
            assert_eq!(request.method, "POST");
            assert_eq!(request.url, url, "{}", endpoint.url);
            assert_eq!(request.headers, headers, "{}", endpoint.url);
            assert_eq!(request.body.as_deref(), body, "{}", endpoint.url);
        }
    }

    #[test]
    fn plain_requests_do_not_print_tokens() {
        let t = tokens();
        let request = build_request(
            &endpoint("/r/{refreshToken}", SendPlacement::default()),
            None,
            &t,
            &Secret::new("zzz-secret").expect("usable"),
        );
        assert!(!format!("{request:?}").contains("zzz"));
    }

    fn lookup_in(map: HashMap<&'static str, Scalar>) -> impl Fn(&str) -> Option<Scalar> {
        move |path| map.get(path).cloned()
    }

    #[test]
    fn answers_of_every_shape_are_read() {
        let text = |s: &str| Scalar::Text(s.to_owned());
        let now = 1_000.0;
        let cases = [
            // OAuth 2 shape (seed 001).
            (
                vec![
                    ("access_token", text("A")),
                    ("refresh_token", text("R")),
                    ("expires_in", Scalar::Number(20.0)),
                ],
                Some(("A", "R", Some(21_000.0))),
            ),
            // {code, data: {token, refreshToken}} (seeds 000, 002).
            (
                vec![
                    ("code", Scalar::Number(0.0)),
                    ("data.token", text("A")),
                    ("data.refreshToken", text("R")),
                ],
                Some(("A", "R", None)),
            ),
            // {data: {token}}: no new refresh token, the old one is kept (seed 004).
            (vec![("data.token", text("A"))], Some(("A", "ref/1", None))),
            // expires_in as text, expires_at wins over it.
            (
                vec![("accessToken", text("A")), ("expiresIn", text("10"))],
                Some(("A", "ref/1", Some(11_000.0))),
            ),
            (
                vec![
                    ("token", text("A")),
                    ("expires_in", Scalar::Number(10.0)),
                    ("expires_at", Scalar::Number(99_000.0)),
                ],
                Some(("A", "ref/1", Some(99_000.0))),
            ),
            // No access token, or not a string: malformed.
            (vec![("refresh_token", text("R"))], None),
            (vec![("access_token", Scalar::Number(5.0))], None),
            (vec![("access_token", text(""))], None),
        ];
        for (fields, expected) in cases {
            let description = format!("{fields:?}");
            let got = read_answer(
                &ResponsePaths::default(),
                lookup_in(fields.into_iter().collect()),
                now,
                None,
                tokens().refresh,
            )
            .ok()
            .map(|set| {
                let refresh = set.refresh.map(|r| r.expose().to_owned()).unwrap_or_default();
                (set.access.expose().to_owned(), refresh, set.expires_at)
            });
            let expected = expected.map(|(a, r, e)| (a.to_owned(), r.to_owned(), e));
            assert_eq!(got, expected, "{description}");
        }
    }

    #[test]
    fn app_token_objects_are_read_and_wrong_kinds_refused() {
        let text = |s: &str| Scalar::Text(s.to_owned());
        let fields = ResponsePaths::token_fields();
        let read = |pairs: Vec<(&'static str, Scalar)>| {
            read_answer(&fields, lookup_in(pairs.into_iter().collect()), 1_000.0, None, None)
        };
        let set = read(vec![
            ("accessToken", text("A")),
            ("refreshToken", text("R")),
            ("expiresIn", Scalar::Number(60.0)),
        ])
        .expect("valid");
        assert_eq!((set.access.expose(), set.expires_at), ("A", Some(61_000.0)));
        let cases = [
            (vec![("accessToken", Scalar::Number(1.0))], TokenError::BadAccessToken),
            (
                vec![("accessToken", text("A")), ("refreshToken", Scalar::Number(1.0))],
                TokenError::BadRefreshToken,
            ),
            (vec![("accessToken", text("A")), ("expiresIn", text("soon"))], TokenError::BadExpiry),
            (vec![("refreshToken", text("R"))], TokenError::BadAccessToken),
        ];
        for (pairs, expected) in cases {
            let description = format!("{pairs:?}");
            assert_eq!(read(pairs), Err(expected), "{description}");
        }
    }

    #[test]
    fn configured_paths_replace_the_defaults() {
        let paths = ResponsePaths { access: Some("result.jwt".to_owned()), ..ResponsePaths::default() };
        let map = HashMap::from([
            ("result.jwt", Scalar::Text("J".to_owned())),
            ("token", Scalar::Text("wrong".to_owned())),
        ]);
        let set = read_answer(&paths, lookup_in(map), 0.0, None, tokens().refresh).expect("valid");
        assert_eq!(set.access.expose(), "J");
    }
}
