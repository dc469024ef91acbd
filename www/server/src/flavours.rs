//! The five backend conventions of DESIGN.md (seeds 000–004): where each reads the access token,
//! how it says "access expired" and "session expired", and what its login and refresh endpoints
//! take and answer. Everything else (routing, CORS, faults, counters) is shared and lives elsewhere.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::http::{ApiRequest, Reply};
use crate::state::Ledger;
use crate::tokens::{Claims, Issued, Kind, Pair, Refusal};

/// The user when a login names none.
const DEFAULT_USER: &str = "u";

/// One backend convention, served under its own path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `X-Token`; "access expired" is HTTP 200 `{code: 50014}`; `POST /refreshJwt/{refreshToken}`;
    /// "session expired" is `{code: 10007}`.
    S000,
    /// OAuth style: `Authorization: Bearer`, `POST /api/v1/refresh_token` with `{refresh_token}`,
    /// `{access_token, refresh_token, expires_in}`, HTTP 401 for everything that fails.
    S001,
    /// `X-Token`; HTTP 401 `{code: 50014}`; the refresh token is sent in the `X-Token` header;
    /// "session expired" is HTTP 401 `{code: 50015}`.
    S002,
    /// WeChat-style `errcode`s, the token in the query (`?token=`), no refresh token: the app logs
    /// in again (`POST /relogin`).
    S003,
    /// `Authorization: <token>` (no scheme); HTTP 200 `{code: 409}`; the refresh call sends both
    /// tokens and gets a new access token only (no rotation).
    S004,
}

/// The user a login or re-login names (`{user}`), else the default one.
fn user_of(req: &ApiRequest) -> String {
    req.json_str("user").filter(|user| !user.is_empty()).unwrap_or(DEFAULT_USER).to_owned()
}

/// Redeems a refresh token; a reuse detection is counted here so every flavour counts it alike.
fn redeem(
    ledger: &mut Ledger,
    token: Option<&str>,
    rotate: bool,
) -> Result<(Claims, Issued), (Refusal, Option<Claims>)> {
    let result = ledger.authority.redeem(token, rotate);
    if matches!(result, Err((Refusal::Reused, _))) {
        ledger.counters.reuse_detections += 1;
    }
    result
}

/// `{code: 0, data}`: the envelope of seeds 000, 001 (API answers), 002 and 004.
fn code_envelope(data: Value) -> Value {
    json!({ "code": 0, "data": data })
}

/// `{code: 0, data: {token, refreshToken}}`.
fn login_answer(access_token: &str, refresh_token: Option<&str>) -> Value {
    code_envelope(json!({ "token": access_token, "refreshToken": refresh_token }))
}

/// A 200 JSON answer.
fn ok(value: &Value) -> Reply {
    Reply::json(StatusCode::OK, value)
}

impl Flavour {
    /// Every flavour, in route order.
    pub const ALL: [Flavour; 5] = [Flavour::S000, Flavour::S001, Flavour::S002, Flavour::S003, Flavour::S004];

    /// The path prefix of its routes.
    pub fn prefix(self) -> &'static str {
        match self {
            Flavour::S000 => "/s000",
            Flavour::S001 => "/s001",
            Flavour::S002 => "/s002",
            Flavour::S003 => "/s003",
            Flavour::S004 => "/s004",
        }
    }

    /// Wraps a protected route's data the way this backend does.
    pub fn envelope(self, data: Value) -> Value {
        match self {
            Flavour::S003 => json!({ "errcode": 0, "data": data }),
            _ => code_envelope(data),
        }
    }

    /// Where the access token comes from.
    pub fn read_token(self, req: &ApiRequest) -> Option<String> {
        match self {
            Flavour::S000 | Flavour::S002 => req.header("x-token"),
            Flavour::S001 => {
                let value = req.header("authorization")?;
                let token = value.strip_prefix("Bearer ")?;
                (!token.is_empty() && !token.chars().any(char::is_whitespace)).then(|| token.to_owned())
            }
            Flavour::S003 => crate::http::query_get(req.query.as_deref(), "token"),
            Flavour::S004 => req.header("authorization"),
        }
    }

    /// The answer to a protected request whose access token expired.
    pub fn access_expired(self) -> Reply {
        let (status, body) = match self {
            Flavour::S000 => (StatusCode::OK, json!({ "code": 50014, "msg": "access token expired" })),
            Flavour::S001 => (StatusCode::UNAUTHORIZED, json!({ "code": 401, "error": "token_expired" })),
            Flavour::S002 => {
                (StatusCode::UNAUTHORIZED, json!({ "code": 50014, "msg": "access token expired" }))
            }
            Flavour::S003 => (StatusCode::OK, json!({ "errcode": 42001, "errmsg": "access_token expired" })),
            Flavour::S004 => (StatusCode::OK, json!({ "code": 409, "msg": "token expired" })),
        };
        Reply::json(status, &body)
    }

    /// `{access_token, refresh_token, token_type, expires_in}` (seed 001).
    fn oauth_answer(ledger: &Ledger, access_token: &str, refresh_token: Option<&str>) -> Value {
        json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
            "token_type": "Bearer",
            "expires_in": ledger.authority.access_ttl(),
        })
    }

    /// `POST <prefix>/login` with `{user?}`: a new session.
    pub fn login(self, ledger: &mut Ledger, req: &ApiRequest) -> Reply {
        let user = user_of(req);
        let Pair { access_token, refresh_token } = ledger.authority.issue_pair(&user, None);
        match self {
            Flavour::S001 => ok(&Self::oauth_answer(ledger, &access_token, Some(&refresh_token))),
            Flavour::S003 => {
                ledger.sessions.insert(user.clone(), refresh_token);
                ok(&json!({ "errcode": 0, "Token": access_token, "AppKey": format!("appkey-{user}") }))
            }
            Flavour::S000 | Flavour::S002 | Flavour::S004 => {
                ok(&login_answer(&access_token, Some(&refresh_token)))
            }
        }
    }

    /// The path (after the prefix; `:name` is a parameter) of the refresh endpoint, always a POST.
    pub fn refresh_path(self) -> &'static str {
        match self {
            Flavour::S000 => "/refreshJwt/:refreshToken",
            Flavour::S001 => "/api/v1/refresh_token",
            Flavour::S002 => "/sys/user/refreshtoken",
            Flavour::S003 => "/relogin",
            Flavour::S004 => "/refreshToken",
        }
    }

    /// The refresh endpoint itself (faults and counting are applied by the caller).
    pub fn refresh(self, ledger: &mut Ledger, req: &ApiRequest) -> Reply {
        match self {
            Flavour::S000 => match redeem(ledger, req.param("refreshToken"), true) {
                Ok((_, issued)) => ok(&login_answer(&issued.access_token, issued.refresh_token.as_deref())),
                Err(_) => ok(&json!({ "code": 10007, "msg": "refresh token expired, log in again" })),
            },
            Flavour::S001 => match redeem(ledger, req.json_str("refresh_token"), true) {
                Ok((_, issued)) => {
                    ok(&Self::oauth_answer(ledger, &issued.access_token, issued.refresh_token.as_deref()))
                }
                Err(_) => Reply::json(
                    StatusCode::UNAUTHORIZED,
                    &json!({ "error": "invalid_grant", "error_description": "refresh token refused" }),
                ),
            },
            // The seed's request interceptor swaps the X-Token header for the refresh token here.
            Flavour::S002 => match redeem(ledger, req.header("x-token").as_deref(), true) {
                Ok((_, issued)) => ok(&login_answer(&issued.access_token, issued.refresh_token.as_deref())),
                Err(_) => Reply::json(
                    StatusCode::UNAUTHORIZED,
                    &json!({ "code": 50015, "msg": "refresh token expired, log in again" }),
                ),
            },
            Flavour::S003 => {
                let user = user_of(req);
                let session = ledger.sessions.get(&user).cloned();
                match redeem(ledger, session.as_deref(), false) {
                    Ok((_, issued)) => ok(&json!({
                        "errcode": 0,
                        "Token": issued.access_token,
                        "AppKey": format!("appkey-{user}"),
                    })),
                    Err(_) => ok(&json!({ "errcode": 40003, "errmsg": "relogin refused, log in again" })),
                }
            }
            // The seed sends both tokens; the old access token must be ours (signature) and belong
            // to the same user, though it is of course expired. No rotation: no refresh token back.
            Flavour::S004 => {
                let refused =
                    Reply::json(StatusCode::UNAUTHORIZED, &json!({ "code": 401, "msg": "refresh refused" }));
                let Some(old) = ledger.authority.decode(req.json_str("token"), Kind::Access) else {
                    return refused;
                };
                match redeem(ledger, req.json_str("refreshToken"), false) {
                    Ok((claims, issued)) if claims.sub == old.sub => {
                        ok(&code_envelope(json!({ "token": issued.access_token })))
                    }
                    _ => refused,
                }
            }
        }
    }
}
