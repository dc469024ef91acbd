//! The API routes of every flavour: login, refresh (through the fault plan) and the protected routes
//! (`/api/me`, `/api/echo`, `/api/text`), whose token checks follow the flavour's conventions.
//!
//! The route table is data (five flavours × the same routes), matched like the Node backend matched
//! it: exact segments, `:name` for one non-empty segment (percent-decoded; a malformed escape is no
//! match), and the method must be one of the route's, so every other request gets the same 404.

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::json;

use crate::faults::Step;
use crate::flavours::Flavour;
use crate::http::{percent_decode, ApiRequest, Outcome, Reply, TEXT_TYPE};
use crate::state::{Backend, Ledger};
use crate::tokens::{AccessCheck, Claims};

/// The routes behind the access token, the same in every flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protected {
    /// `GET /api/me`: `{user, tokenJti}`.
    Me,
    /// `POST|PUT|PATCH /api/echo`: the exact request bytes back, so tests can check that a replay
    /// sent the same body.
    Echo,
    /// `GET /api/text`: a non-JSON answer the library must hand through untouched.
    Text,
}

impl Protected {
    /// Every protected route.
    const ALL: [Protected; 3] = [Protected::Me, Protected::Echo, Protected::Text];

    /// Its methods and path (after the flavour prefix).
    fn route(self) -> (&'static [Method], &'static str) {
        const GET: &[Method] = &[Method::GET];
        const WRITE: &[Method] = &[Method::POST, Method::PUT, Method::PATCH];
        match self {
            Protected::Me => (GET, "/api/me"),
            Protected::Echo => (WRITE, "/api/echo"),
            Protected::Text => (GET, "/api/text"),
        }
    }

    /// The answer for a request whose token was accepted.
    fn answer(self, flavour: Flavour, token: &Claims, req: &ApiRequest) -> Reply {
        match self {
            Protected::Me => Reply::json(
                StatusCode::OK,
                &flavour.envelope(json!({ "user": token.sub, "tokenJti": token.jti })),
            ),
            Protected::Echo => Reply::json(
                StatusCode::OK,
                &flavour.envelope(json!({
                    "body": String::from_utf8_lossy(&req.bytes),
                    "bodyBase64": STANDARD.encode(&req.bytes),
                    "contentType": req.header("content-type"),
                    "method": req.method.as_str(),
                    "tokenJti": token.jti,
                })),
            ),
            Protected::Text => Reply::bytes(StatusCode::OK, b"hello".to_vec(), TEXT_TYPE),
        }
    }
}

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST <prefix>/login`.
    Login(Flavour),
    /// The flavour's refresh endpoint.
    Refresh(Flavour),
    /// A protected route.
    Protected(Flavour, Protected),
}

/// One route: methods, pattern and what it does.
#[derive(Debug, Clone)]
struct Route {
    /// The methods it answers.
    methods: &'static [Method],
    /// E.g. `/s000/refreshJwt/:refreshToken`.
    pattern: String,
    /// What it does.
    endpoint: Endpoint,
}

/// A request matched to a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    /// `METHOD /pattern`: the counters' key and the log's label (never a token).
    pub key: String,
    /// The `:name` parameters, decoded.
    pub params: Vec<(String, String)>,
    /// What the route does.
    pub endpoint: Endpoint,
}

/// The route table of every flavour.
#[derive(Debug, Clone)]
pub struct Api {
    /// In match order: per flavour, login, refresh, then the protected routes.
    routes: Vec<Route>,
}

impl Default for Api {
    fn default() -> Self {
        const POST: &[Method] = &[Method::POST];
        let mut routes = Vec::new();
        for flavour in Flavour::ALL {
            let prefix = flavour.prefix();
            routes.push(Route {
                methods: POST,
                pattern: format!("{prefix}/login"),
                endpoint: Endpoint::Login(flavour),
            });
            routes.push(Route {
                methods: POST,
                pattern: format!("{prefix}{}", flavour.refresh_path()),
                endpoint: Endpoint::Refresh(flavour),
            });
            for protected in Protected::ALL {
                let (methods, path) = protected.route();
                routes.push(Route {
                    methods,
                    pattern: format!("{prefix}{path}"),
                    endpoint: Endpoint::Protected(flavour, protected),
                });
            }
        }
        Self { routes }
    }
}

/// The parameters of `path` under `pattern`, or `None` when it does not match.
fn match_pattern(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) => match w.strip_prefix(':') {
                Some(name) if !g.is_empty() => params.push((name.to_owned(), percent_decode(g)?)),
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

impl Api {
    /// The route for a request, or `None`.
    pub fn find(&self, method: &Method, path: &str) -> Option<Matched> {
        self.routes.iter().filter(|route| route.methods.contains(method)).find_map(|route| {
            let params = match_pattern(&route.pattern, path)?;
            Some(Matched { key: format!("{method} {}", route.pattern), params, endpoint: route.endpoint })
        })
    }

    /// Whether `path` is under a flavour's prefix (an API path: never the app's index page).
    pub fn is_api_path(path: &str) -> bool {
        Flavour::ALL.iter().any(|f| {
            path.strip_prefix(f.prefix()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }
}

/// Every protected request goes through the flavour's token location and expiry signal.
fn guarded(ledger: &mut Ledger, flavour: Flavour, route: Protected, req: &ApiRequest) -> Reply {
    let Some(token) = flavour.read_token(req).filter(|token| !token.is_empty()) else {
        return Reply::json(StatusCode::UNAUTHORIZED, &json!({ "code": 401, "error": "missing_token" }));
    };
    match ledger.authority.check_access(&token) {
        AccessCheck::Invalid => {
            Reply::json(StatusCode::UNAUTHORIZED, &json!({ "code": 401, "error": "invalid_token" }))
        }
        AccessCheck::Expired(claims) => {
            ledger.counters.tokens_seen.push(claims.jti);
            flavour.access_expired()
        }
        AccessCheck::Valid(claims) => {
            ledger.counters.tokens_seen.push(claims.jti.clone());
            route.answer(flavour, &claims, req)
        }
    }
}

/// Runs a matched API request (already counted, body read).
pub async fn handle(backend: &Backend, endpoint: Endpoint, req: &ApiRequest) -> Outcome {
    match endpoint {
        Endpoint::Login(flavour) => flavour.login(&mut backend.ledger(), req).into(),
        Endpoint::Protected(flavour, route) => guarded(&mut backend.ledger(), flavour, route, req).into(),
        Endpoint::Refresh(flavour) => {
            backend.ledger().counters.refresh_calls += 1;
            match backend.faults.next() {
                Step::Pass => flavour.refresh(&mut backend.ledger(), req).into(),
                Step::Fail500 => Reply::json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &json!({ "code": 500, "msg": "injected fault" }),
                )
                .into(),
                Step::Malformed => Reply::text(StatusCode::OK, "not json{").into(),
                Step::TooMany(seconds) => {
                    Reply::json(StatusCode::TOO_MANY_REQUESTS, &json!({ "code": 429, "msg": "slow down" }))
                        .with_header(RETRY_AFTER, HeaderValue::from(seconds))
                        .into()
                }
                Step::Hang(hung) => {
                    hung.released().await;
                    Outcome::Severed
                }
                Step::Delay(delay) => {
                    tokio::time::sleep(delay).await;
                    flavour.refresh(&mut backend.ledger(), req).into()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_like_the_node_table() {
        let api = Api::default();
        let m = api.find(&Method::GET, "/s000/api/me").unwrap();
        assert_eq!(m.key, "GET /s000/api/me");
        assert_eq!(m.endpoint, Endpoint::Protected(Flavour::S000, Protected::Me));

        let m = api.find(&Method::POST, "/s000/refreshJwt/a.b%2Fc").unwrap();
        assert_eq!(m.key, "POST /s000/refreshJwt/:refreshToken");
        assert_eq!(m.params, vec![("refreshToken".to_owned(), "a.b/c".to_owned())]);
        assert_eq!(api.find(&Method::POST, "/s000/refreshJwt/%zz"), None, "malformed escape");
        assert_eq!(api.find(&Method::POST, "/s000/refreshJwt/"), None, "empty parameter");
        assert_eq!(api.find(&Method::POST, "/s000/refreshJwt/a/b"), None, "two segments");

        assert_eq!(api.find(&Method::PUT, "/s004/api/echo").unwrap().key, "PUT /s004/api/echo");
        assert_eq!(api.find(&Method::GET, "/s004/api/echo"), None, "wrong method");
        assert_eq!(api.find(&Method::HEAD, "/s001/api/me"), None, "HEAD is not GET");
        assert_eq!(api.find(&Method::GET, "/s001/api/me/"), None, "trailing slash");
        assert_eq!(
            api.find(&Method::POST, "/s003/relogin").unwrap().endpoint,
            Endpoint::Refresh(Flavour::S003)
        );
        assert_eq!(api.find(&Method::POST, "/s005/login"), None);
    }

    #[test]
    fn api_paths_are_the_flavour_prefixes() {
        assert!(Api::is_api_path("/s001"));
        assert!(Api::is_api_path("/s001/anything"));
        assert!(!Api::is_api_path("/s0011"));
        assert!(!Api::is_api_path("/about"));
    }
}
