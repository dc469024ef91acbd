//! Reading the JavaScript options object into the core's validated types. Every mistake is a
//! synchronous `TypeError` that names the option and what was expected; unknown keys are refused
//! too, so a typo (`proactivewindow`) does not silently fall back to a default.

use crate::core::classify::{Code, MatchRules};
use crate::core::options::{
    default_access_expired, default_session_expired, is_dotted_path, is_header_name, Attach, CookieOptions,
    RefreshEndpoint, ResponsePaths, SendPlacement, StorageKeys, DEFAULT_CODE_FIELD,
    DEFAULT_PROACTIVE_WINDOW_SECS, DEFAULT_REFRESH_TIMEOUT_MS,
};
use crate::ports::{KeyValueStore, Transport};
use crate::vault::MemoryStore;
use crate::web::cookie::CookieJar;
use crate::web::errors::{bad_option, type_error};
use crate::web::js;
use crate::web::storage::{Area, CustomStorage, WebStorage};
use crate::web::transport::{FunctionFetch, GlobalFetch};
use js_sys::{Array, Function, Object};
use wasm_bindgen::{JsCast, JsValue};

/// A matcher: rules given as data, or the app's function of `{status, body}`.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// `{status, codes}`.
    Rules(MatchRules),
    /// `(r) => boolean`.
    Function(Function),
}

impl Matcher {
    /// Whether evaluating this matcher needs the parsed body.
    pub fn needs_body(&self) -> bool {
        match self {
            Matcher::Rules(rules) => rules.needs_body(),
            Matcher::Function(_) => true,
        }
    }
}

/// How tokens are refreshed.
#[derive(Debug, Clone)]
pub enum Refresher {
    /// A refresh endpoint described by options.
    Endpoint(Box<RefreshEndpoint>),
    /// The app's function: `(tokens) => Promise<TokenInput | null>`.
    Function(Function),
}

/// Everything the client needs, validated.
#[derive(Debug)]
pub struct Config {
    /// `baseURL`.
    pub base_url: Option<String>,
    /// Origins that receive the token.
    pub allowed_origins: Vec<String>,
    /// Where the token goes.
    pub attach: Attach,
    /// How to refresh.
    pub refresher: Refresher,
    /// Refresh timeout in ms.
    pub timeout_ms: f64,
    /// Proactive window in ms.
    pub window_ms: f64,
    /// `accessExpired`.
    pub access_expired: Matcher,
    /// `sessionExpired`.
    pub session_expired: Matcher,
    /// `codeField`.
    pub code_field: String,
    /// `onSessionExpired`.
    pub on_session_expired: Option<Function>,
    /// Storage keys.
    pub storage_keys: StorageKeys,
}

/// The parsed options: the configuration and the ports they select.
pub struct Parsed {
    /// The configuration.
    pub config: Config,
    /// The token storage.
    pub store: Box<dyn KeyValueStore>,
    /// The transport.
    pub transport: Box<dyn Transport>,
}

impl std::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parsed").field("config", &self.config).field("storage", &self.store.kind()).finish()
    }
}

type Result<T> = std::result::Result<T, JsValue>;

/// One options object being read, with the dotted name used in messages (`refresh.send`).
struct Reader<'a> {
    value: &'a JsValue,
    path: &'a str,
}

impl<'a> Reader<'a> {
    /// Reads `value` as an object whose keys must all be in `allowed`.
    fn new(value: &'a JsValue, path: &'a str, allowed: &[&str]) -> Result<Reader<'a>> {
        if !value.is_object() || Array::is_array(value) {
            return Err(bad_option(path, "an object", value));
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                let name = self::name(path, &key);
                let expected = ["one of: ", &allowed.join(", ")].concat();
                return Err(type_error(&["unknown option `", &name, "` (", &expected, ")"].concat()));
            }
        }
        Ok(Reader { value, path })
    }

    fn name(&self, key: &str) -> String {
        name(self.path, key)
    }

    /// The raw value under `key`, `None` when `undefined`.
    fn raw(&self, key: &str) -> Option<JsValue> {
        let value = js::get(self.value, key);
        (!value.is_undefined()).then_some(value)
    }

    fn string(&self, key: &str, expected: &str) -> Result<Option<String>> {
        self.raw(key)
            .map(|v| v.as_string().ok_or_else(|| bad_option(&self.name(key), expected, &v)))
            .transpose()
    }

    /// A string that also passes `valid`.
    fn checked(&self, key: &str, expected: &str, valid: fn(&str) -> bool) -> Result<Option<String>> {
        match self.string(key, expected)? {
            Some(text) if !valid(&text) => {
                Err(bad_option(&self.name(key), expected, &JsValue::from_str(&text)))
            }
            other => Ok(other),
        }
    }

    /// A string, or `null` meaning "none": `Ok(None)` when absent, `Ok(Some(None))` for `null`.
    fn string_or_null(&self, key: &str, expected: &str) -> Result<Option<Option<String>>> {
        match self.raw(key) {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(Some(None)),
            Some(v) => {
                v.as_string().map(|s| Some(Some(s))).ok_or_else(|| bad_option(&self.name(key), expected, &v))
            }
        }
    }

    /// A finite number at least `min`.
    fn number(&self, key: &str, min: f64, expected: &str) -> Result<Option<f64>> {
        self.raw(key)
            .map(|v| {
                v.as_f64()
                    .filter(|n| n.is_finite() && *n >= min)
                    .ok_or_else(|| bad_option(&self.name(key), expected, &v))
            })
            .transpose()
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>> {
        self.raw(key)
            .map(|v| v.as_bool().ok_or_else(|| bad_option(&self.name(key), "true or false", &v)))
            .transpose()
    }

    fn function(&self, key: &str) -> Result<Option<Function>> {
        self.raw(key)
            .map(|v| v.dyn_into::<Function>().map_err(|v| bad_option(&self.name(key), "a function", &v)))
            .transpose()
    }
}

fn name(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

const TOP_LEVEL: [&str; 14] = [
    "baseURL",
    "storage",
    "storageKeys",
    "cookie",
    "attach",
    "refresh",
    "proactiveWindow",
    "accessExpired",
    "sessionExpired",
    "codeField",
    "onSessionExpired",
    "allowedOrigins",
    "fetch",
    "timeout",
];

const HEADER_NAME: &str = "a header name such as 'Authorization'";
const PATH: &str = "a dotted path such as 'data.token'";
const NAME: &str = "a non-empty string";

fn non_empty(text: &str) -> bool {
    !text.is_empty()
}

/// Parses the options given to `configure` or `new AuthClient`.
pub fn parse(options: &JsValue) -> Result<Parsed> {
    let top = Reader::new(options, "", &TOP_LEVEL)?;
    let base_url = top.string("baseURL", "a URL string such as '/api' or 'https://api.example.com'")?;
    let storage_keys = storage_keys(&top)?;
    let cookie = cookie_options(&top)?;
    let store = storage(&top, &cookie)?;
    let attach = attach(&top)?;
    let timeout_ms = top.number("timeout", 1.0, "a number of milliseconds (at least 1)")?;
    let (refresher, timeout_ms) = refresher(&top, timeout_ms)?;
    let window = top.number("proactiveWindow", 0.0, "a number of seconds (0 or more)")?;
    let access_expired =
        matcher(&top, "accessExpired")?.unwrap_or_else(|| Matcher::Rules(default_access_expired()));
    let session_expired =
        matcher(&top, "sessionExpired")?.unwrap_or_else(|| Matcher::Rules(default_session_expired()));
    let code_field =
        top.checked("codeField", PATH, is_dotted_path)?.unwrap_or_else(|| DEFAULT_CODE_FIELD.to_owned());
    let on_session_expired = top.function("onSessionExpired")?;
    let transport: Box<dyn Transport> = match top.function("fetch")? {
        Some(fetch) => Box::new(FunctionFetch(fetch)),
        None => Box::new(GlobalFetch),
    };
    let allowed_origins = allowed_origins(&top, base_url.as_deref())?;
    let config = Config {
        base_url,
        allowed_origins,
        attach,
        refresher,
        timeout_ms,
        window_ms: window.unwrap_or(DEFAULT_PROACTIVE_WINDOW_SECS) * 1000.0,
        access_expired,
        session_expired,
        code_field,
        on_session_expired,
        storage_keys,
    };
    Ok(Parsed { config, store, transport })
}

fn storage_keys(top: &Reader<'_>) -> Result<StorageKeys> {
    let mut keys = StorageKeys::default();
    if let Some(value) = top.raw("storageKeys") {
        let reader = Reader::new(&value, "storageKeys", &["accessToken", "refreshToken", "expiresAt"])?;
        let key = |k: &str, default: String| -> Result<String> {
            Ok(reader.checked(k, NAME, non_empty)?.unwrap_or(default))
        };
        keys = StorageKeys {
            access: key("accessToken", keys.access)?,
            refresh: key("refreshToken", keys.refresh)?,
            expires_at: key("expiresAt", keys.expires_at)?,
        };
    }
    Ok(keys)
}

fn cookie_options(top: &Reader<'_>) -> Result<CookieOptions> {
    let Some(value) = top.raw("cookie") else { return Ok(CookieOptions::default()) };
    let reader = Reader::new(&value, "cookie", &["path", "domain", "sameSite", "secure", "maxAge"])?;
    let same_site = reader
        .checked("sameSite", "'Strict', 'Lax' or 'None'", |s| matches!(s, "Strict" | "Lax" | "None"))?;
    Ok(CookieOptions {
        path: reader
            .checked("path", "a path starting with '/'", |p| p.starts_with('/') && !p.contains(';'))?,
        domain: reader.checked("domain", "a domain name", |d| !d.is_empty() && !d.contains([';', ' ']))?,
        same_site,
        secure: reader.boolean("secure")?.unwrap_or(false),
        max_age: reader
            .number("maxAge", 0.0, "a number of seconds (0 or more)")?
            .map(|secs| secs.min(f64::from(u32::MAX)) as u32),
    })
}

fn storage(top: &Reader<'_>, cookie: &CookieOptions) -> Result<Box<dyn KeyValueStore>> {
    const EXPECTED: &str =
        "'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem";
    let Some(value) = top.raw("storage") else { return Ok(Box::new(WebStorage(Area::Local))) };
    if let Some(kind) = value.as_string() {
        return match kind.as_str() {
            "localStorage" => Ok(Box::new(WebStorage(Area::Local))),
            "sessionStorage" => Ok(Box::new(WebStorage(Area::Session))),
            "cookie" => Ok(Box::new(CookieJar::new(cookie))),
            "memory" => Ok(Box::new(MemoryStore::default())),
            _ => Err(bad_option("storage", EXPECTED, &value)),
        };
    }
    match CustomStorage::new(&value) {
        Some(custom) => Ok(Box::new(custom)),
        None => Err(bad_option("storage", EXPECTED, &value)),
    }
}

fn attach(top: &Reader<'_>) -> Result<Attach> {
    let Some(value) = top.raw("attach") else { return Ok(Attach::default()) };
    let reader = Reader::new(&value, "attach", &["header", "scheme", "query"])?;
    let header = reader.checked("header", HEADER_NAME, is_header_name)?;
    let scheme = reader.string_or_null("scheme", "a string such as 'Bearer', or null for the raw token")?;
    match reader.checked("query", NAME, non_empty)? {
        Some(_) if header.is_some() || scheme.is_some() => Err(type_error(
            "options `attach.query` and `attach.header`/`attach.scheme` exclude each other: the token goes in one place",
        )),
        Some(name) => Ok(Attach::Query { name }),
        None => Ok(Attach::Header {
            name: header.unwrap_or_else(|| "Authorization".to_owned()),
            scheme: scheme.unwrap_or_else(|| Some("Bearer".to_owned())),
        }),
    }
}

/// Reads `refresh`; returns it with the effective timeout (`refresh.timeout`, else the top-level
/// `timeout`, else the default).
fn refresher(top: &Reader<'_>, timeout_ms: Option<f64>) -> Result<(Refresher, f64)> {
    const EXPECTED: &str =
        "an object such as { url: '/auth/refresh' } or an async function returning new tokens";
    let default_timeout = timeout_ms.unwrap_or(DEFAULT_REFRESH_TIMEOUT_MS);
    let Some(value) = top.raw("refresh") else {
        return Err(bad_option("refresh", EXPECTED, &JsValue::UNDEFINED));
    };
    if let Some(function) = value.dyn_ref::<Function>() {
        return Ok((Refresher::Function(function.clone()), default_timeout));
    }
    if !value.is_object() {
        return Err(bad_option("refresh", EXPECTED, &value));
    }
    let reader = Reader::new(&value, "refresh", &["url", "method", "send", "response", "timeout"])?;
    let url = reader.string("url", "a URL string such as '/auth/refresh'")?.ok_or_else(|| {
        bad_option("refresh.url", "a URL string such as '/auth/refresh'", &JsValue::UNDEFINED)
    })?;
    let method = reader
        .checked("method", "an HTTP method such as 'POST'", is_header_name)?
        .map_or_else(|| "POST".to_owned(), |m| m.to_ascii_uppercase());
    let timeout = reader.number("timeout", 1.0, "a number of milliseconds (at least 1)")?;
    let endpoint =
        RefreshEndpoint { url, method, send: send_placement(&reader)?, response: response_paths(&reader)? };
    Ok((Refresher::Endpoint(Box::new(endpoint)), timeout.unwrap_or(default_timeout)))
}

fn send_placement(refresh: &Reader<'_>) -> Result<SendPlacement> {
    let Some(value) = refresh.raw("send") else { return Ok(SendPlacement::default()) };
    let reader =
        Reader::new(&value, "refresh.send", &["header", "scheme", "bodyField", "query", "accessTokenField"])?;
    Ok(SendPlacement {
        header: reader.checked("header", HEADER_NAME, is_header_name)?,
        scheme: reader.string_or_null("scheme", "a string such as 'Bearer', or null")?.flatten(),
        body_field: reader.checked("bodyField", NAME, non_empty)?,
        query: reader.checked("query", NAME, non_empty)?,
        access_token_field: reader.checked("accessTokenField", NAME, non_empty)?,
    })
}

fn response_paths(refresh: &Reader<'_>) -> Result<ResponsePaths> {
    let mut paths = ResponsePaths::default();
    let Some(value) = refresh.raw("response") else { return Ok(paths) };
    let reader =
        Reader::new(&value, "refresh.response", &["accessToken", "refreshToken", "expiresIn", "expiresAt"])?;
    for (key, slot) in [
        ("accessToken", &mut paths.access),
        ("refreshToken", &mut paths.refresh),
        ("expiresIn", &mut paths.expires_in),
        ("expiresAt", &mut paths.expires_at),
    ] {
        if let Some(path) = reader.checked(key, PATH, is_dotted_path)? {
            *slot = vec![path];
        }
    }
    Ok(paths)
}

fn matcher(top: &Reader<'_>, key: &str) -> Result<Option<Matcher>> {
    let Some(value) = top.raw(key) else { return Ok(None) };
    if let Some(function) = value.dyn_ref::<Function>() {
        return Ok(Some(Matcher::Function(function.clone())));
    }
    let reader = Reader::new(&value, key, &["status", "codes"])?;
    let list = |field: &str, expected: &str| -> Result<Vec<JsValue>> {
        match reader.raw(field) {
            None => Ok(Vec::new()),
            Some(v) if Array::is_array(&v) => Ok(Array::from(&v).iter().collect()),
            Some(v) => Err(bad_option(&reader.name(field), expected, &v)),
        }
    };
    const STATUSES: &str = "an array of HTTP statuses such as [401]";
    const CODES: &str = "an array of codes (numbers or strings) such as [50014]";
    let status = list("status", STATUSES)?
        .into_iter()
        .map(|v| {
            v.as_f64()
                .filter(|n| n.fract() == 0.0 && (100.0..=599.0).contains(n))
                .map(|n| n as u16)
                .ok_or_else(|| bad_option(&reader.name("status"), STATUSES, &v))
        })
        .collect::<Result<Vec<u16>>>()?;
    let codes = list("codes", CODES)?
        .into_iter()
        .map(|v| match (v.as_string(), v.as_f64()) {
            (Some(text), _) => Ok(Code::from_text(&text)),
            (None, Some(n)) => {
                Code::from_number(n).ok_or_else(|| bad_option(&reader.name("codes"), CODES, &v))
            }
            _ => Err(bad_option(&reader.name("codes"), CODES, &v)),
        })
        .collect::<Result<Vec<Code>>>()?;
    Ok(Some(Matcher::Rules(MatchRules { status, codes })))
}

/// `allowedOrigins`, normalised through `URL`; by default the page's origin and `baseURL`'s.
fn allowed_origins(top: &Reader<'_>, base_url: Option<&str>) -> Result<Vec<String>> {
    const EXPECTED: &str = "an array of origins such as ['https://api.example.com']";
    let page = js::page_href();
    let origin_of = |text: &str| -> Option<String> {
        let url = match &page {
            Some(page) => web_sys::Url::new_with_base(text, page),
            None => web_sys::Url::new(text),
        };
        url.ok().map(|u| u.origin()).filter(|o| o != "null")
    };
    if let Some(value) = top.raw("allowedOrigins") {
        if !Array::is_array(&value) {
            return Err(bad_option("allowedOrigins", EXPECTED, &value));
        }
        return Array::from(&value)
            .iter()
            .map(|v| {
                v.as_string()
                    .and_then(|text| origin_of(&text))
                    .ok_or_else(|| bad_option("allowedOrigins", EXPECTED, &v))
            })
            .collect();
    }
    let mut origins: Vec<String> = page.as_deref().and_then(origin_of).into_iter().collect();
    if let Some(origin) = base_url.and_then(origin_of) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    Ok(origins)
}
