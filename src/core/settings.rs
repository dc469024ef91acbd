//! Validating the options object. The browser side hands it over as JSON text in which every
//! function was replaced by [`FUNCTION`], so all of the checking is plain Rust, tested natively;
//! the browser side then picks up the functions themselves where these settings say they are.
//!
//! Every mistake is an [`OptionError`] naming the option and what was expected; unknown keys are
//! refused too, so a typo (`proactivewindow`) does not silently fall back to a default.

use super::classify::{Code, MatchRules};
use super::json::Json;
use super::options::{
    default_access_expired, default_session_expired, is_dotted_path, is_header_name, Attach, CookieOptions,
    RefreshEndpoint, ResponsePaths, SendPlacement, StorageKeys, DEFAULT_CODE_FIELD,
    DEFAULT_PROACTIVE_WINDOW_SECS, DEFAULT_REFRESH_TIMEOUT_MS,
};
use crate::prelude::*;

/// What a function value becomes in the JSON text of the options.
pub const FUNCTION: &str = "\u{0}function";

/// Where tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageChoice {
    /// `localStorage` (the default).
    Local,
    /// `sessionStorage`.
    Session,
    /// `document.cookie`.
    Cookie,
    /// Memory only.
    Memory,
    /// The app's `{getItem, setItem, removeItem}` object.
    Custom,
}

/// How tokens are refreshed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshChoice {
    /// A refresh endpoint described by options.
    Endpoint(Box<RefreshEndpoint>),
    /// The app's function.
    Function,
}

/// A matcher as configured.
#[derive(Debug, Clone, PartialEq)]
pub enum MatcherChoice {
    /// `{status, codes}` (or the default).
    Rules(MatchRules),
    /// The app's function of `{status, body}`.
    Function,
}

/// The validated options, all but the functions themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `baseURL`.
    pub base_url: Option<String>,
    /// `storage`.
    pub storage: StorageChoice,
    /// `storageKeys`.
    pub storage_keys: StorageKeys,
    /// `cookie`.
    pub cookie: CookieOptions,
    /// `attach`.
    pub attach: Attach,
    /// `refresh`.
    pub refresh: RefreshChoice,
    /// `refresh.timeout`, else `timeout`, in ms.
    pub timeout_ms: f64,
    /// `proactiveWindow`, in ms.
    pub window_ms: f64,
    /// `accessExpired`.
    pub access_expired: MatcherChoice,
    /// `sessionExpired`.
    pub session_expired: MatcherChoice,
    /// `codeField`.
    pub code_field: String,
    /// Whether `onSessionExpired` is given.
    pub on_session_expired: bool,
    /// Whether a `fetch` function is given.
    pub fetch: bool,
    /// `allowedOrigins` as given (the browser side normalises them with `URL`).
    pub allowed_origins: Option<Vec<String>>,
}

/// A bad option: which one, what was expected, and what kind of value came instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The dotted option name, e.g. `refresh.send.header`.
    pub option: String,
    /// What was expected, e.g. "a header name such as 'Authorization'".
    pub expected: &'static str,
    /// The kind of value given (`string`, `undefined`…), or `unknown option`.
    pub got: &'static str,
}

impl OptionError {
    /// The `TypeError` message.
    pub fn message(&self) -> String {
        if self.got == UNKNOWN {
            return ["unknown option `", &self.option, "` (expected one of: ", self.expected, ")"].concat();
        }
        ["option `", &self.option, "` must be ", self.expected, " (got ", self.got, ")"].concat()
    }
}

const UNKNOWN: &str = "unknown option";
const HEADER_NAME: &str = "a header name such as 'Authorization'";
const SCHEME: &str = "a string such as 'Bearer', or null for the raw token";
const PATH: &str = "a dotted path such as 'data.token'";
const NAME: &str = "a non-empty string";
const URL: &str = "a URL string such as '/api' or 'https://api.example.com'";
const MS: &str = "a number of milliseconds (at least 1)";
const SECONDS: &str = "a number of seconds (0 or more)";
const FUNCTION_EXPECTED: &str = "a function";
const STORAGE: &str =
    "'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem";
const REFRESH: &str = "an object such as { url: '/auth/refresh' } or an async function returning new tokens";
const MATCHER: &str = "an object such as { status: [401], codes: [50014] } or a function";
const STATUSES: &str = "an array of HTTP statuses such as [401]";
const CODES: &str = "an array of codes (numbers or strings) such as [50014]";
const ORIGINS: &str = "an array of origins such as ['https://api.example.com']";

type Result<T> = core::result::Result<T, OptionError>;

/// One options object being read, with its dotted name for messages.
struct Section<'a> {
    value: &'a Json,
    path: &'a str,
}

fn kind(value: Option<&Json>) -> &'static str {
    match value {
        None => "undefined",
        Some(Json::Text(text)) if text == FUNCTION => "function",
        Some(value) => value.kind(),
    }
}

fn is_function(value: &Json) -> bool {
    value.as_str() == Some(FUNCTION)
}

impl<'a> Section<'a> {
    /// `value` must be an object whose keys are all in `allowed` (a comma-separated list, which
    /// is also what the error for an unknown key shows).
    fn open(value: &'a Json, path: &'a str, allowed: &'static str, expected: &'static str) -> Result<Self> {
        let Json::Object(members) = value else {
            let option = if path.is_empty() { "options" } else { path };
            return Err(OptionError { option: option.to_owned(), expected, got: kind(Some(value)) });
        };
        if let Some((key, _)) = members.iter().find(|(key, _)| !allowed.split(", ").any(|k| k == key)) {
            return Err(OptionError { option: name(path, key), expected: allowed, got: UNKNOWN });
        }
        Ok(Section { value, path })
    }

    fn get(&self, key: &str) -> Option<&'a Json> {
        self.value.get(key)
    }

    fn error(&self, key: &str, expected: &'static str) -> OptionError {
        OptionError { option: name(self.path, key), expected, got: kind(self.get(key)) }
    }

    /// A string that passes `valid`, or `None` when absent.
    fn text(&self, key: &str, expected: &'static str, valid: fn(&str) -> bool) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::Text(text)) if text != FUNCTION && valid(text) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(key, expected)),
        }
    }

    /// A string, or `null` meaning "none": `Ok(None)` when absent.
    fn text_or_null(&self, key: &str, expected: &'static str) -> Result<Option<Option<String>>> {
        match self.get(key) {
            Some(Json::Null) => Ok(Some(None)),
            _ => self.text(key, expected, |_| true).map(|t| t.map(Some)),
        }
    }

    /// A number at least `min`.
    fn number(&self, key: &str, min: f64, expected: &'static str) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(value) => {
                value.as_f64().filter(|n| *n >= min).map(Some).ok_or_else(|| self.error(key, expected))
            }
        }
    }

    /// A function marker: `Ok(true)` when given, `Ok(false)` when absent.
    fn function(&self, key: &str) -> Result<bool> {
        match self.get(key) {
            None => Ok(false),
            Some(value) if is_function(value) => Ok(true),
            Some(_) => Err(self.error(key, FUNCTION_EXPECTED)),
        }
    }
}

fn name(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

fn any(_: &str) -> bool {
    true
}

fn non_empty(text: &str) -> bool {
    !text.is_empty()
}

const TOP_LEVEL: &str = "baseURL, storage, storageKeys, cookie, attach, refresh, proactiveWindow, \
accessExpired, sessionExpired, codeField, onSessionExpired, allowedOrigins, fetch, timeout";

/// Validates the options (as JSON text with functions marked) into [`Settings`].
pub fn parse(options: &Json) -> Result<Settings> {
    let top = Section::open(options, "", TOP_LEVEL, "an object")?;
    let default_timeout = top.number("timeout", 1.0, MS)?.unwrap_or(DEFAULT_REFRESH_TIMEOUT_MS);
    let (refresh, timeout_ms) = refresh(&top, default_timeout)?;
    Ok(Settings {
        base_url: top.text("baseURL", URL, any)?,
        storage: storage(&top)?,
        storage_keys: storage_keys(&top)?,
        cookie: cookie(&top)?,
        attach: attach(&top)?,
        refresh,
        timeout_ms,
        window_ms: top.number("proactiveWindow", 0.0, SECONDS)?.unwrap_or(DEFAULT_PROACTIVE_WINDOW_SECS)
            * 1000.0,
        access_expired: matcher(&top, "accessExpired")?
            .unwrap_or_else(|| MatcherChoice::Rules(default_access_expired())),
        session_expired: matcher(&top, "sessionExpired")?
            .unwrap_or_else(|| MatcherChoice::Rules(default_session_expired())),
        code_field: top
            .text("codeField", PATH, is_dotted_path)?
            .unwrap_or_else(|| DEFAULT_CODE_FIELD.to_owned()),
        on_session_expired: top.function("onSessionExpired")?,
        fetch: top.function("fetch")?,
        allowed_origins: allowed_origins(&top)?,
    })
}

fn storage(top: &Section<'_>) -> Result<StorageChoice> {
    let custom = |value: &Json| {
        ["getItem", "setItem", "removeItem"].iter().all(|m| value.get(m).is_some_and(is_function))
    };
    match top.get("storage") {
        None => Ok(StorageChoice::Local),
        Some(Json::Text(kind)) if kind == "localStorage" => Ok(StorageChoice::Local),
        Some(Json::Text(kind)) if kind == "sessionStorage" => Ok(StorageChoice::Session),
        Some(Json::Text(kind)) if kind == "cookie" => Ok(StorageChoice::Cookie),
        Some(Json::Text(kind)) if kind == "memory" => Ok(StorageChoice::Memory),
        Some(value) if custom(value) => Ok(StorageChoice::Custom),
        Some(_) => Err(top.error("storage", STORAGE)),
    }
}

fn storage_keys(top: &Section<'_>) -> Result<StorageKeys> {
    let mut keys = StorageKeys::default();
    let Some(value) = top.get("storageKeys") else { return Ok(keys) };
    let section = Section::open(value, "storageKeys", "accessToken, refreshToken, expiresAt", "an object")?;
    for (key, slot) in [
        ("accessToken", &mut keys.access),
        ("refreshToken", &mut keys.refresh),
        ("expiresAt", &mut keys.expires_at),
    ] {
        if let Some(text) = section.text(key, NAME, non_empty)? {
            *slot = text;
        }
    }
    Ok(keys)
}

fn cookie(top: &Section<'_>) -> Result<CookieOptions> {
    let Some(value) = top.get("cookie") else { return Ok(CookieOptions::default()) };
    let section = Section::open(value, "cookie", "path, domain, sameSite, secure, maxAge", "an object")?;
    let secure = match section.get("secure") {
        None => false,
        Some(Json::Bool(secure)) => *secure,
        Some(_) => return Err(section.error("secure", "true or false")),
    };
    Ok(CookieOptions {
        path: section.text("path", "a path starting with '/'", |p| p.starts_with('/') && !p.contains(';'))?,
        domain: section.text("domain", "a domain name", |d| !d.is_empty() && !d.contains([';', ' ']))?,
        same_site: section
            .text("sameSite", "'Strict', 'Lax' or 'None'", |s| matches!(s, "Strict" | "Lax" | "None"))?,
        secure,
        max_age: section.number("maxAge", 0.0, SECONDS)?.map(|secs| secs.min(f64::from(u32::MAX)) as u32),
    })
}

fn attach(top: &Section<'_>) -> Result<Attach> {
    let Some(value) = top.get("attach") else { return Ok(Attach::default()) };
    let section = Section::open(value, "attach", "header, scheme, query", "an object")?;
    let header = section.text("header", HEADER_NAME, is_header_name)?;
    let scheme = section.text_or_null("scheme", SCHEME)?;
    match section.text("query", NAME, non_empty)? {
        Some(_) if header.is_some() || scheme.is_some() => {
            Err(section.error("query", "alone: `attach.query` excludes `attach.header` and `attach.scheme`"))
        }
        Some(name) => Ok(Attach::Query { name }),
        None => Ok(Attach::Header {
            name: header.unwrap_or_else(|| "Authorization".to_owned()),
            scheme: scheme.unwrap_or_else(|| Some("Bearer".to_owned())),
        }),
    }
}

/// `refresh`, with the effective timeout (`refresh.timeout`, else `default_timeout`).
fn refresh(top: &Section<'_>, default_timeout: f64) -> Result<(RefreshChoice, f64)> {
    let value = match top.get("refresh") {
        Some(value) if is_function(value) => return Ok((RefreshChoice::Function, default_timeout)),
        Some(value @ Json::Object(_)) => value,
        _ => return Err(top.error("refresh", REFRESH)),
    };
    let section = Section::open(value, "refresh", "url, method, send, response, timeout", REFRESH)?;
    let url = section.text("url", URL, any)?.ok_or_else(|| section.error("url", URL))?;
    let method = section
        .text("method", "an HTTP method such as 'POST'", is_header_name)?
        .map_or_else(|| "POST".to_owned(), |m| m.to_ascii_uppercase());
    let timeout = section.number("timeout", 1.0, MS)?.unwrap_or(default_timeout);
    let endpoint = RefreshEndpoint { url, method, send: send(&section)?, response: response(&section)? };
    Ok((RefreshChoice::Endpoint(Box::new(endpoint)), timeout))
}

fn send(refresh: &Section<'_>) -> Result<SendPlacement> {
    let Some(value) = refresh.get("send") else { return Ok(SendPlacement::default()) };
    let keys = "header, scheme, bodyField, query, accessTokenField";
    let section = Section::open(value, "refresh.send", keys, "an object")?;
    Ok(SendPlacement {
        header: section.text("header", HEADER_NAME, is_header_name)?,
        scheme: section.text_or_null("scheme", SCHEME)?.flatten(),
        body_field: section.text("bodyField", NAME, non_empty)?,
        query: section.text("query", NAME, non_empty)?,
        access_token_field: section.text("accessTokenField", NAME, non_empty)?,
    })
}

fn response(refresh: &Section<'_>) -> Result<ResponsePaths> {
    let mut paths = ResponsePaths::default();
    let Some(value) = refresh.get("response") else { return Ok(paths) };
    let keys = "accessToken, refreshToken, expiresIn, expiresAt";
    let section = Section::open(value, "refresh.response", keys, "an object")?;
    for (key, slot) in [
        ("accessToken", &mut paths.access),
        ("refreshToken", &mut paths.refresh),
        ("expiresIn", &mut paths.expires_in),
        ("expiresAt", &mut paths.expires_at),
    ] {
        if let Some(path) = section.text(key, PATH, is_dotted_path)? {
            *slot = vec![path];
        }
    }
    Ok(paths)
}

fn matcher(top: &Section<'_>, key: &'static str) -> Result<Option<MatcherChoice>> {
    let value = match top.get(key) {
        None => return Ok(None),
        Some(value) if is_function(value) => return Ok(Some(MatcherChoice::Function)),
        Some(value) => value,
    };
    let section = Section::open(value, key, "status, codes", MATCHER)?;
    let items = |field: &str, expected: &'static str| match section.get(field) {
        None => Ok(&[][..]),
        Some(Json::Array(items)) => Ok(items.as_slice()),
        Some(_) => Err(section.error(field, expected)),
    };
    let mut rules = MatchRules::default();
    for item in items("status", STATUSES)? {
        match item.as_f64() {
            Some(n) if n % 1.0 == 0.0 && (100.0..=599.0).contains(&n) => rules.status.push(n as u16),
            _ => return Err(section.error("status", STATUSES)),
        }
    }
    for item in items("codes", CODES)? {
        let code = match item {
            Json::Text(text) if text != FUNCTION => Some(Code::from_text(text)),
            _ => item.as_f64().and_then(Code::from_number),
        };
        rules.codes.push(code.ok_or_else(|| section.error("codes", CODES))?);
    }
    Ok(Some(MatcherChoice::Rules(rules)))
}

fn allowed_origins(top: &Section<'_>) -> Result<Option<Vec<String>>> {
    match top.get("allowedOrigins") {
        None => Ok(None),
        Some(Json::Array(items)) => items
            .iter()
            .map(|item| item.as_str().filter(|s| *s != FUNCTION).map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .map(Some)
            .ok_or_else(|| top.error("allowedOrigins", ORIGINS)),
        Some(_) => Err(top.error("allowedOrigins", ORIGINS)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Settings> {
        // As JSON.stringify writes the marker: the NUL escaped.
        parse(&Json::parse(&text.replace("FN", r#""\u0000function""#)).expect("test JSON"))
    }

    #[test]
    fn defaults_follow_the_design() {
        let settings = parse_text(r#"{"refresh":{"url":"/auth/refresh"}}"#).expect("valid");
        assert_eq!(settings.storage, StorageChoice::Local);
        assert_eq!(settings.storage_keys, StorageKeys::default());
        assert_eq!(settings.attach, Attach::default());
        assert_eq!(settings.window_ms, 1_800_000.0);
        assert_eq!(settings.timeout_ms, 10_000.0);
        assert_eq!(settings.code_field, "code");
        assert_eq!(settings.access_expired, MatcherChoice::Rules(default_access_expired()));
        assert_eq!(settings.session_expired, MatcherChoice::Rules(default_session_expired()));
        let RefreshChoice::Endpoint(endpoint) = settings.refresh else { panic!("endpoint expected") };
        assert_eq!((endpoint.url.as_str(), endpoint.method.as_str()), ("/auth/refresh", "POST"));
        assert!(!settings.on_session_expired && !settings.fetch && settings.allowed_origins.is_none());
    }

    #[test]
    fn the_five_seed_configurations_are_accepted() {
        let seeds = [
            r#"{"baseURL":"/api","attach":{"header":"X-Token","scheme":null},"refresh":{"url":"/refreshJwt/{refreshToken}"},"accessExpired":{"codes":[50014]},"sessionExpired":{"codes":[10007]}}"#,
            r#"{"baseURL":"/","storage":"cookie","refresh":{"url":"api/v1/refresh_token"},"proactiveWindow":1800}"#,
            r#"{"attach":{"header":"X-Token","scheme":null},"refresh":{"url":"/sys/user/refreshtoken","send":{"header":"X-Token"}},"accessExpired":{"status":[401],"codes":[50014]},"sessionExpired":{"codes":[50015]}}"#,
            r#"{"baseURL":"/api","attach":{"query":"token"},"codeField":"errcode","accessExpired":{"codes":[30001,40001,42001,40014]},"refresh":FN}"#,
            r#"{"attach":{"scheme":null},"refresh":{"url":"/refreshToken","send":{"bodyField":"refreshToken","accessTokenField":"token"},"response":{"accessToken":"data.token"}},"accessExpired":{"codes":[409]}}"#,
        ];
        for seed in seeds {
            assert!(parse_text(seed).is_ok(), "{seed}: {:?}", parse_text(seed));
        }
        let seed_003 = parse_text(seeds[3]).expect("valid");
        assert_eq!(seed_003.refresh, RefreshChoice::Function);
        assert_eq!(seed_003.attach, Attach::Query { name: "token".to_owned() });
    }

    #[test]
    fn every_option_is_read() {
        let settings = parse_text(
            r#"{"baseURL":"https://api.example.com/v1","storage":{"getItem":FN,"setItem":FN,"removeItem":FN},
            "storageKeys":{"accessToken":"tk","refreshToken":"rtk","expiresAt":"utilTime"},
            "cookie":{"path":"/app","domain":"example.com","sameSite":"Strict","secure":true,"maxAge":3600},
            "attach":{"header":"X-Token","scheme":"JWT"},"timeout":5000,
            "refresh":{"url":"/t","method":"put","send":{"header":"Authorization","scheme":"Bearer","query":"rt"},
              "response":{"accessToken":"a.b","refreshToken":"c","expiresIn":"d","expiresAt":"e"},"timeout":2000},
            "proactiveWindow":0,"accessExpired":FN,"sessionExpired":{"status":[403],"codes":["E1"]},
            "codeField":"meta.code","onSessionExpired":FN,"allowedOrigins":["https://a.example"],"fetch":FN}"#,
        )
        .expect("valid");
        assert_eq!(settings.storage, StorageChoice::Custom);
        assert_eq!(settings.storage_keys.expires_at, "utilTime");
        assert_eq!(settings.cookie.max_age, Some(3600));
        assert!(settings.cookie.secure);
        assert_eq!(settings.attach, Attach::Header { name: "X-Token".into(), scheme: Some("JWT".into()) });
        assert_eq!(settings.timeout_ms, 2000.0);
        assert_eq!(settings.window_ms, 0.0);
        let RefreshChoice::Endpoint(endpoint) = &settings.refresh else { panic!("endpoint expected") };
        assert_eq!(endpoint.method, "PUT");
        assert_eq!(endpoint.send.query.as_deref(), Some("rt"));
        assert_eq!(endpoint.response.access, ["a.b"]);
        assert_eq!(settings.access_expired, MatcherChoice::Function);
        assert_eq!(
            settings.session_expired,
            MatcherChoice::Rules(MatchRules { status: vec![403], codes: vec![Code::from_text("E1")] })
        );
        assert!(settings.on_session_expired && settings.fetch);
        assert_eq!(settings.allowed_origins, Some(vec!["https://a.example".to_owned()]));
    }

    #[test]
    fn bad_options_name_the_option_and_what_was_expected() {
        let cases = [
            ("[]", "options", "object", "array"),
            ("{}", "refresh", "an object such as", "undefined"),
            (r#"{"refresh":"/r"}"#, "refresh", "an object such as", "string"),
            (r#"{"refresh":{}}"#, "refresh.url", "a URL string", "undefined"),
            (r#"{"refresh":{"url":5}}"#, "refresh.url", "a URL string", "number"),
            (r#"{"refresh":FN,"storage":"disk"}"#, "storage", "'localStorage'", "string"),
            (r#"{"refresh":FN,"storage":{"getItem":FN}}"#, "storage", "getItem, setItem", "object"),
            (r#"{"refresh":FN,"proactiveWindow":"30"}"#, "proactiveWindow", "seconds", "string"),
            (r#"{"refresh":FN,"proactiveWindow":-1}"#, "proactiveWindow", "seconds", "number"),
            (r#"{"refresh":FN,"attach":{"header":"Bad Header"}}"#, "attach.header", "header name", "string"),
            (r#"{"refresh":FN,"attach":{"query":"t","header":"X"}}"#, "attach.query", "excludes", "string"),
            (
                r#"{"refresh":FN,"accessExpired":{"status":["401"]}}"#,
                "accessExpired.status",
                "HTTP statuses",
                "array",
            ),
            (
                r#"{"refresh":FN,"accessExpired":{"status":[99]}}"#,
                "accessExpired.status",
                "HTTP statuses",
                "array",
            ),
            (r#"{"refresh":FN,"sessionExpired":{"codes":[1.5]}}"#, "sessionExpired.codes", "codes", "array"),
            (r#"{"refresh":FN,"sessionExpired":[1]}"#, "sessionExpired", "status: [401]", "array"),
            (r#"{"refresh":FN,"cookie":{"sameSite":"lax"}}"#, "cookie.sameSite", "'Strict'", "string"),
            (r#"{"refresh":FN,"cookie":{"secure":"yes"}}"#, "cookie.secure", "true or false", "string"),
            (r#"{"refresh":FN,"proactivewindow":30}"#, "proactivewindow", "proactiveWindow", UNKNOWN),
            (r#"{"refresh":{"url":"/r","sned":{}}}"#, "refresh.sned", "url, method, send", UNKNOWN),
            (r#"{"refresh":FN,"allowedOrigins":"x"}"#, "allowedOrigins", "array of origins", "string"),
            (r#"{"refresh":FN,"onSessionExpired":true}"#, "onSessionExpired", "a function", "boolean"),
            (r#"{"refresh":FN,"codeField":"data."}"#, "codeField", "dotted path", "string"),
            (r#"{"refresh":FN,"timeout":0}"#, "timeout", "milliseconds", "number"),
            (r#"{"refresh":{"url":"/r","send":{"scheme":5}}}"#, "refresh.send.scheme", "Bearer", "number"),
            (
                r#"{"refresh":{"url":"/r","response":{"accessToken":""}}}"#,
                "refresh.response.accessToken",
                "dotted",
                "string",
            ),
            (
                r#"{"refresh":FN,"storageKeys":{"accessToken":""}}"#,
                "storageKeys.accessToken",
                "non-empty",
                "string",
            ),
            (r#"{"refresh":FN,"baseURL":FN}"#, "baseURL", "URL string", "function"),
        ];
        for (text, option, expected, got) in cases {
            let error = parse_text(text).expect_err(text);
            assert_eq!((error.option.as_str(), error.got), (option, got), "{text}");
            assert!(error.expected.contains(expected), "{text}: {}", error.expected);
            assert!(error.message().contains(option), "{}", error.message());
        }
    }
}
