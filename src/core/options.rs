//! The validated options the crate works from, with the documented defaults.
//!
//! The browser side reads the JavaScript options object into these types (and keeps what cannot
//! be plain data, such as matcher functions, next to them); everything here is checked once, when
//! the client is created, so the request path never re-validates.

use super::classify::{Code, MatchRules};
use super::tokens::Secret;
use crate::core::text::cat;

/// Default proactive window: refresh in the background within 30 minutes of expiry.
pub const DEFAULT_PROACTIVE_WINDOW_SECS: f64 = 1800.0;
/// Default refresh timeout.
pub const DEFAULT_REFRESH_TIMEOUT_MS: f64 = 10_000.0;
/// Default dotted path of the business code in JSON bodies.
pub const DEFAULT_CODE_FIELD: &str = "code";
/// Default JSON body field that carries the refresh token.
pub const DEFAULT_REFRESH_BODY_FIELD: &str = "refresh_token";
/// The placeholders a refresh URL template may contain.
pub const REFRESH_TOKEN_PLACEHOLDER: &str = "refreshToken";
/// See [`REFRESH_TOKEN_PLACEHOLDER`].
pub const ACCESS_TOKEN_PLACEHOLDER: &str = "accessToken";

/// Default `accessExpired`: HTTP 401, or business code 50014.
pub fn default_access_expired() -> MatchRules {
    MatchRules { status: vec![401], codes: vec![Code::from_text("50014")] }
}

/// Default `sessionExpired`: business codes 50015 and 10007.
pub fn default_session_expired() -> MatchRules {
    MatchRules { status: vec![], codes: vec![Code::from_text("50015"), Code::from_text("10007")] }
}

/// The storage keys of the three stored values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageKeys {
    /// Key of the access token.
    pub access: String,
    /// Key of the refresh token.
    pub refresh: String,
    /// Key of the access token's expiry (epoch milliseconds).
    pub expires_at: String,
}

impl Default for StorageKeys {
    fn default() -> Self {
        StorageKeys {
            access: "access_token".to_owned(),
            refresh: "refresh_token".to_owned(),
            expires_at: "access_token_expires_at".to_owned(),
        }
    }
}

/// Where the access token goes on an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attach {
    /// In a header, as `scheme token` or the raw token when `scheme` is `None`.
    Header {
        /// Header name.
        name: String,
        /// Scheme put before the token, e.g. `Bearer`.
        scheme: Option<String>,
    },
    /// In a query parameter of the URL.
    Query {
        /// Parameter name.
        name: String,
    },
}

impl Default for Attach {
    fn default() -> Self {
        Attach::Header { name: "Authorization".to_owned(), scheme: Some("Bearer".to_owned()) }
    }
}

/// A header value carrying `token`, with `scheme` in front when there is one.
pub fn credential(scheme: Option<&str>, token: &Secret) -> String {
    match scheme {
        Some(scheme) => cat(&[scheme, " ", token.expose()]),
        None => token.expose().to_owned(),
    }
}

/// Where the refresh call puts the refresh token (and, optionally, the old access token).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendPlacement {
    /// Header carrying the refresh token.
    pub header: Option<String>,
    /// Scheme before the refresh token in that header (default: none, the raw token).
    pub scheme: Option<String>,
    /// JSON body field carrying the refresh token.
    pub body_field: Option<String>,
    /// Query parameter carrying the refresh token.
    pub query: Option<String>,
    /// JSON body field carrying the current access token (seed 004 sends both).
    pub access_token_field: Option<String>,
}

/// Where the refresh answer's values are: a configured dotted path each, or (`None`) the common
/// shapes of [`DEFAULT_ACCESS_PATHS`] and its siblings, tried in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponsePaths {
    /// Path of the new access token.
    pub access: Option<String>,
    /// Path of the new refresh token.
    pub refresh: Option<String>,
    /// Path of the lifetime in seconds.
    pub expires_in: Option<String>,
    /// Path of the expiry in epoch milliseconds.
    pub expires_at: Option<String>,
}

impl ResponsePaths {
    /// The fields of the object the app passes to `setTokens` or returns from its refresh
    /// function: `{accessToken, refreshToken?, expiresIn?, expiresAt?}`.
    pub fn token_fields() -> ResponsePaths {
        let field = |name: &str| Some(name.to_owned());
        ResponsePaths {
            access: field("accessToken"),
            refresh: field("refreshToken"),
            expires_in: field("expiresIn"),
            expires_at: field("expiresAt"),
        }
    }
}

/// Where an answer usually has its access token: `{access_token}` (OAuth 2), `{accessToken}`,
/// `{token}`, each possibly under `data` (`{code, data: {token, refreshToken}}`).
pub const DEFAULT_ACCESS_PATHS: &[&str] =
    &["access_token", "accessToken", "token", "data.access_token", "data.accessToken", "data.token"];
/// Where an answer usually has its refresh token.
pub const DEFAULT_REFRESH_PATHS: &[&str] =
    &["refresh_token", "refreshToken", "data.refresh_token", "data.refreshToken"];
/// Where an answer usually has the lifetime in seconds.
pub const DEFAULT_EXPIRES_IN_PATHS: &[&str] =
    &["expires_in", "expiresIn", "data.expires_in", "data.expiresIn"];
/// Where an answer usually has the expiry in epoch milliseconds.
pub const DEFAULT_EXPIRES_AT_PATHS: &[&str] =
    &["expires_at", "expiresAt", "data.expires_at", "data.expiresAt"];

/// The refresh endpoint, when refresh is configured as options rather than a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshEndpoint {
    /// URL template, joined to `baseURL`; may contain `{refreshToken}` and `{accessToken}`.
    pub url: String,
    /// HTTP method (default `POST`).
    pub method: String,
    /// Where the tokens go.
    pub send: SendPlacement,
    /// Where the new tokens are read from.
    pub response: ResponsePaths,
}

/// The largest delay a browser timer honours (2^31-1 ms, about 24.8 days): a longer one fires at
/// once. A timeout option above it is refused rather than silently shortened.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// A matcher (`accessExpired`, `sessionExpired`): rules given as data, or the app's function of
/// `{status, body}` (`F` is a JS function in the browser, a closure in native tests).
#[derive(Debug, Clone)]
pub enum Matcher<F> {
    /// `{status, codes}`.
    Rules(MatchRules),
    /// `(r) => boolean`.
    Custom(F),
}

impl<F> Matcher<F> {
    /// Whether evaluating this matcher needs the parsed body.
    pub fn needs_body(&self) -> bool {
        match self {
            Matcher::Rules(rules) => rules.needs_body(),
            Matcher::Custom(_) => true,
        }
    }
}

/// How tokens are refreshed.
#[derive(Debug, Clone)]
pub enum Refresher<F> {
    /// A refresh endpoint described by options.
    Endpoint(Box<RefreshEndpoint>),
    /// The app's function: `(tokens) => Promise<TokenInput | null>`.
    Custom(F),
}

/// Where the tokens are kept (the `storage` option). `S` is the app's own storage object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageChoice<S> {
    /// `localStorage` (the default).
    Local,
    /// `sessionStorage`.
    Session,
    /// `document.cookie`.
    Cookie,
    /// Memory only: gone with the page.
    Memory,
    /// The app's `{getItem, setItem, removeItem}` object.
    Custom(S),
}

impl<S> StorageChoice<S> {
    /// The storage's name, as the option gives it (`custom` for the app's own object).
    pub fn name(&self) -> &'static str {
        match self {
            StorageChoice::Local => "localStorage",
            StorageChoice::Session => "sessionStorage",
            StorageChoice::Cookie => "cookie",
            StorageChoice::Memory => "memory",
            StorageChoice::Custom(_) => "custom",
        }
    }
}

/// The `SameSite` attribute of the token cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `Strict`.
    Strict,
    /// `Lax` (the default).
    Lax,
    /// `None` (implies `Secure`).
    None,
}

/// The `cookie` option, as given (defaults are applied where the attributes are written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CookieOptions {
    /// `Path` (default `/`).
    pub path: Option<String>,
    /// `Domain` (default: none, a host-only cookie).
    pub domain: Option<String>,
    /// `SameSite` (default `Lax`).
    pub same_site: Option<SameSite>,
    /// `Secure` (default: on for https pages, and always with `SameSite=None`).
    pub secure: Option<bool>,
    /// `Max-Age` in seconds (default: a session cookie).
    pub max_age: Option<f64>,
    /// `hostPrefix`: the names start with `__Host-`, so the browser only keeps them when they are
    /// `Secure`, `Path=/` and without `Domain` (which the options check).
    pub host_prefix: bool,
}

/// Everything the driver needs, validated. `F` is an app function (a matcher, the refresh
/// function, `onSessionExpired`).
#[derive(Debug, Clone)]
pub struct Config<F> {
    /// `baseURL`.
    pub base_url: Option<String>,
    /// The origins that receive the token, each as `scheme://host[:port]` (normalised).
    pub allowed_origins: Vec<String>,
    /// Where the token goes.
    pub attach: Attach,
    /// How to refresh.
    pub refresher: Refresher<F>,
    /// Refresh timeout in ms, at most [`MAX_TIMER_MS`].
    pub timeout_ms: f64,
    /// Proactive window in ms.
    pub window_ms: f64,
    /// `accessExpired`.
    pub access_expired: Matcher<F>,
    /// `sessionExpired`.
    pub session_expired: Matcher<F>,
    /// `codeField`, as a dotted path.
    pub code_field: String,
    /// `onSessionExpired`.
    pub on_session_expired: Option<F>,
    /// Storage keys.
    pub storage_keys: StorageKeys,
    /// How transient refresh failures are tried again (`retry`).
    pub retry: crate::core::retry::RetryPolicy,
    /// At most so many refreshes in so long (`renewLimit`).
    pub renew_limit: crate::core::retry::RenewLimit,
    /// The name the tabs coordinate their refreshes under
    /// ([`crate::core::tabs::coordination_name`]); `None` with `crossTab: false`.
    pub coordination: Option<String>,
    /// `autoRefresh`: refresh on a timer when the token enters its refresh window (in a visible
    /// page), not at the next request.
    pub auto_refresh: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_put_the_scheme_first() {
        let token = Secret::new("abc").expect("usable");
        assert_eq!(credential(Some("Bearer"), &token), "Bearer abc");
        assert_eq!(credential(None, &token), "abc");
    }
}
