//! Native tests of the option checks, with JSON standing in for the JS options object:
//! `{"$fn": "name"}` is a function, `{"$throws": "key"}` an object whose getter `key` throws.

use super::*;
use crate::core::retry::{RenewLimit, RetryPolicy};
use serde_json::Value;

const PAGE: &str = "https://app.example.com/home";

/// A host over JSON: what the browser side does over JS values.
struct Json;

fn is_function(value: &Value) -> bool {
    value.get("$fn").is_some()
}

impl Host for Json {
    type Value = Value;
    type Function = String;
    type Storage = Value;

    fn kind(&self, value: &Value) -> Kind {
        match value {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(_) => Kind::Number,
            Value::String(_) => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) if is_function(value) => Kind::Function,
            Value::Object(_) => Kind::Object,
        }
    }

    fn text(&self, value: &Value) -> Option<String> {
        value.as_str().map(str::to_owned)
    }

    fn number(&self, value: &Value) -> Option<f64> {
        value.as_f64()
    }

    fn boolean(&self, value: &Value) -> Option<bool> {
        value.as_bool()
    }

    fn function(&self, value: &Value) -> Option<String> {
        value.get("$fn").and_then(Value::as_str).map(str::to_owned)
    }

    fn storage(&self, value: &Value) -> Option<Value> {
        let methods = ["getItem", "setItem", "removeItem"];
        methods.iter().all(|m| value.get(m).is_some_and(is_function)).then(|| value.clone())
    }

    fn items(&self, value: &Value, _path: &str) -> Result<Vec<Value>, OptionError> {
        Ok(value.as_array().cloned().unwrap_or_default())
    }

    fn section<T: DeserializeOwned>(&self, value: &Value, path: &str) -> Result<T, OptionError> {
        if let Some(key) = value.get("$throws").and_then(Value::as_str) {
            return Err(OptionError { path: option_path(path, key), problem: Problem::Unreadable });
        }
        parse_entries(value.as_object().cloned().unwrap_or_default(), path)
    }

    fn resolve(&self, url: &str) -> Option<String> {
        let scheme = url.split_once(':').is_some_and(|(s, _)| !s.contains('/'));
        Some(if scheme {
            url.to_owned()
        } else if url.starts_with("//") {
            cat(&["https:", url])
        } else if url.starts_with('/') {
            cat(&["https://app.example.com", url])
        } else {
            cat(&["https://app.example.com/", url])
        })
    }

    fn page(&self) -> Option<String> {
        Some(PAGE.to_owned())
    }
}

fn read(options: &str) -> Result<Settings<String, Value>, OptionError> {
    let value: Value = serde_json::from_str(options).unwrap_or_else(|e| panic!("bad JSON {options}: {e}"));
    validate(&Json, &value)
}

fn accepted(options: &str) -> Settings<String, Value> {
    read(options).unwrap_or_else(|e| panic!("{options} refused: {}", e.message()))
}

fn refused(options: &str) -> String {
    match read(options) {
        Ok(_) => panic!("{options} accepted"),
        Err(error) => error.message(),
    }
}

fn endpoint(settings: &Settings<String, Value>) -> &RefreshEndpoint {
    match &settings.config.refresher {
        Refresher::Endpoint(endpoint) => endpoint,
        Refresher::Custom(_) => panic!("a custom refresher"),
    }
}

const TOP_KEYS: &str =
    "baseURL, storage, storageKeys, cookie, attach, refresh, proactiveWindow, accessExpired, \
sessionExpired, codeField, onSessionExpired, allowedOrigins, fetch, timeout, crossTab, retry, renewLimit, autoRefresh, \
headers, requestTimeout, validateStatus, envelope";

#[test]
fn bad_options_are_named_with_what_was_expected_and_the_kind_given() {
    let r = r#""refresh": {"url": "/r"}"#;
    let with = |rest: &str| cat(&["{", rest, ", ", r, "}"]);
    let cases: Vec<(String, String)> = vec![
        // The options themselves.
        ("null".into(), "option `options` must be an object (got null)".into()),
        ("\"x\"".into(), "option `options` must be an object (got string)".into()),
        ("[]".into(), "option `options` must be an object (got array)".into()),
        ("5".into(), "option `options` must be an object (got number)".into()),
        (r#"{"$fn": "f"}"#.into(), "option `options` must be an object (got function)".into()),
        // refresh.
        (
            r#"{"storage": "memory"}"#.into(),
            "option `refresh` must be an object such as { url: '/auth/refresh' } or an async function \
             returning new tokens (got undefined)"
                .into(),
        ),
        (
            r#"{"refresh": "x"}"#.into(),
            "option `refresh` must be an object such as { url: '/auth/refresh' } or an async function \
             returning new tokens (got string)"
                .into(),
        ),
        (
            r#"{"refresh": null}"#.into(),
            "option `refresh` must be an object such as { url: '/auth/refresh' } or an async function \
             returning new tokens (got null)"
                .into(),
        ),
        (
            r#"{"refresh": {"url": 5}}"#.into(),
            "option `refresh.url` must be a URL string such as '/api' or 'https://api.example.com' (got number)"
                .into(),
        ),
        (
            r#"{"refresh": {}}"#.into(),
            "option `refresh.url` must be a URL string such as '/api' or 'https://api.example.com' (got undefined)"
                .into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "timeout": 0}}"#.into(),
            "option `refresh.timeout` must be a number of milliseconds from 1 to 2147483647 (got number)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "timeout": 2147483648}}"#.into(),
            "option `refresh.timeout` must be a number of milliseconds from 1 to 2147483647 (got number)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "timeout": "5000"}}"#.into(),
            "option `refresh.timeout` must be a number of milliseconds from 1 to 2147483647 (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "sned": {}}}"#.into(),
            "unknown option `refresh.sned` (expected one of: url, method, send, response, timeout)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "send": {"hedaer": "X"}}}"#.into(),
            "unknown option `refresh.send.hedaer` (expected one of: header, scheme, bodyField, query, \
             accessTokenField)"
                .into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "send": {"header": "a b"}}}"#.into(),
            "option `refresh.send.header` must be a header name such as 'Authorization' (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "send": {"scheme": true}}}"#.into(),
            "option `refresh.send.scheme` must be a string such as 'Bearer', or null for the raw token (got boolean)"
                .into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "send": {"bodyField": ""}}}"#.into(),
            "option `refresh.send.bodyField` must be a non-empty string (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "send": "header"}}"#.into(),
            "option `refresh.send` must be an object (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "response": {"accessToken": "data."}}}"#.into(),
            "option `refresh.response.accessToken` must be a dotted path such as 'data.token' (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "response": {"expiresIn": "a..b"}}}"#.into(),
            "option `refresh.response.expiresIn` must be a dotted path such as 'data.token' (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "response": {"token": "t"}}}"#.into(),
            "unknown option `refresh.response.token` (expected one of: accessToken, refreshToken, expiresIn, \
             expiresAt)"
                .into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "method": "P OST"}}"#.into(),
            "option `refresh.method` must be an HTTP method such as 'POST' (got string)".into(),
        ),
        (
            r#"{"refresh": {"url": "/r", "method": 5}}"#.into(),
            "option `refresh.method` must be an HTTP method such as 'POST' (got number)".into(),
        ),
        // Top-level values.
        (with(r#""storage": "disk""#), "option `storage` must be 'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem (got string)".into()),
        (with(r#""storage": {"getItem": {"$fn": "g"}}"#), "option `storage` must be 'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem (got object)".into()),
        (with(r#""storage": null"#), "option `storage` must be 'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem (got null)".into()),
        (with(r#""proactiveWindow": "30""#), "option `proactiveWindow` must be a number of seconds (0 or more) (got string)".into()),
        (with(r#""proactiveWindow": -1"#), "option `proactiveWindow` must be a number of seconds (0 or more) (got number)".into()),
        (with(r#""proactivewindow": 30"#), cat(&["unknown option `proactivewindow` (expected one of: ", TOP_KEYS, ")"])),
        (with(r#""crossTab": "yes""#), "option `crossTab` must be true or false (got string)".into()),
        (with(r#""retry": {"attempts": 1.5}"#), "option `retry.attempts` must be a whole number of retries from 0 to 10 (got number)".into()),
        (with(r#""retry": {"attempts": 11}"#), "option `retry.attempts` must be a whole number of retries from 0 to 10 (got number)".into()),
        (with(r#""retry": {"baseDelay": -1}"#), "option `retry.baseDelay` must be a number of milliseconds from 0 to 2147483647 (got number)".into()),
        (with(r#""retry": {"baseDelay": 500, "maxDelay": 100}"#), "option `retry.maxDelay` must be a number of milliseconds not below retry.baseDelay (got number)".into()),
        (with(r#""retry": {"tries": 2}"#), "unknown option `retry.tries` (expected one of: attempts, baseDelay, maxDelay)".into()),
        (with(r#""retry": 3"#), "option `retry` must be an object (got number)".into()),
        (with(r#""renewLimit": {"count": 0}"#), "option `renewLimit.count` must be a whole number of refreshes from 1 to 1000 (got number)".into()),
        (with(r#""renewLimit": {"per": 0}"#), "option `renewLimit.per` must be a number of seconds above 0 (got number)".into()),
        (with(r#""renewLimit": {"window": 30}"#), "unknown option `renewLimit.window` (expected one of: count, per)".into()),
        (with(r#""crossTab": 1"#), "option `crossTab` must be true or false (got number)".into()),
        (with(r#""autoRefresh": "on""#), "option `autoRefresh` must be true or false (got string)".into()),
        (with(r#""timeout": 0"#), "option `timeout` must be a number of milliseconds from 1 to 2147483647 (got number)".into()),
        (with(r#""timeout": 2147483648"#), "option `timeout` must be a number of milliseconds from 1 to 2147483647 (got number)".into()),
        (with(r#""timeout": 1e300"#), "option `timeout` must be a number of milliseconds from 1 to 2147483647 (got number)".into()),
        (with(r#""codeField": """#), "option `codeField` must be a dotted path such as 'data.token' (got string)".into()),
        (with(r#""codeField": {"$fn": "f"}"#), "option `codeField` must be a dotted path such as 'data.token' (got function)".into()),
        (with(r#""onSessionExpired": "no""#), "option `onSessionExpired` must be a function (got string)".into()),
        (with(r#""fetch": "no""#), "option `fetch` must be a function (got string)".into()),
        (with(r#""fetch": {}"#), "option `fetch` must be a function (got object)".into()),
        (with(r#""baseURL": 5"#), "option `baseURL` must be a URL string such as '/api' or 'https://api.example.com' (got number)".into()),
        (with(r#""allowedOrigins": "x""#), "option `allowedOrigins` must be an array of origins such as ['https://api.example.com'] (got string)".into()),
        (with(r#""allowedOrigins": [42]"#), "option `allowedOrigins` must be an array of origins such as ['https://api.example.com'] (got number)".into()),
        (with(r#""allowedOrigins": ["data:text/plain,x"]"#), "option `allowedOrigins` must be an array of origins such as ['https://api.example.com'] (got string)".into()),
        // No token over plain http from this https page (loopback aside).
        (with(r#""allowedOrigins": ["https://api.example.com", "http://api.example.com"]"#), "option `allowedOrigins` must be an array of https: origins on an https: page (http: only for localhost, 127.0.0.1 or [::1]) (got string)".into()),
        (with(r#""allowedOrigins": ["http://localhost.evil.com"]"#), "option `allowedOrigins` must be an array of https: origins on an https: page (http: only for localhost, 127.0.0.1 or [::1]) (got string)".into()),
        (r#"{"refresh": {"url": "http://auth.example.com/refresh"}}"#.into(), "option `refresh.url` must be an https: URL on an https: page (http: only for localhost, 127.0.0.1 or [::1]) (got string)".into()),
        (r#"{"refresh": {"url": "/refresh"}, "baseURL": "http://api.example.com"}"#.into(), "option `refresh.url` must be an https: URL on an https: page (http: only for localhost, 127.0.0.1 or [::1]) (got string)".into()),
        // storageKeys.
        (with(r#""storageKeys": {"accessToken": ""}"#), "option `storageKeys.accessToken` must be a non-empty string (got string)".into()),
        (with(r#""storageKeys": {"expiresAt": 1}"#), "option `storageKeys.expiresAt` must be a non-empty string (got number)".into()),
        (with(r#""storageKeys": {"access": "a"}"#), "unknown option `storageKeys.access` (expected one of: accessToken, refreshToken, expiresAt)".into()),
        (with(r#""storageKeys": []"#), "option `storageKeys` must be an object (got array)".into()),
        // cookie.
        (with(r#""cookie": {"sameSite": "lax"}"#), "option `cookie.sameSite` must be 'Strict', 'Lax' or 'None' (got string)".into()),
        (with(r#""cookie": {"sameSite": 1}"#), "option `cookie.sameSite` must be a non-empty string (got number)".into()),
        (with(r#""cookie": {"secure": "yes"}"#), "option `cookie.secure` must be true or false (got string)".into()),
        (with(r#""cookie": {"path": "x"}"#), "option `cookie.path` must be a path starting with '/' (got string)".into()),
        (with(r#""cookie": {"path": "/a;b"}"#), "option `cookie.path` must be a path starting with '/' (got string)".into()),
        (with(r#""cookie": {"domain": ""}"#), "option `cookie.domain` must be a domain name (got string)".into()),
        (with(r#""cookie": {"domain": "a b"}"#), "option `cookie.domain` must be a domain name (got string)".into()),
        (with(r#""cookie": {"domain": "a;b"}"#), "option `cookie.domain` must be a domain name (got string)".into()),
        (with(r#""cookie": {"maxAge": -1}"#), "option `cookie.maxAge` must be a number of seconds (0 or more) (got number)".into()),
        (with(r#""cookie": {"httpOnly": true}"#), "unknown option `cookie.httpOnly` (expected one of: path, domain, sameSite, secure, maxAge, hostPrefix)".into()),
        (with(r#""cookie": "x""#), "option `cookie` must be an object (got string)".into()),
        (with(r#""cookie": {"hostPrefix": "yes"}"#), "option `cookie.hostPrefix` must be true or false (got string)".into()),
        (with(r#""cookie": {"hostPrefix": true, "domain": "example.com"}"#), "options `cookie.hostPrefix` and `cookie.domain` exclude each other".into()),
        (with(r#""cookie": {"hostPrefix": true, "secure": false}"#), "option `cookie.secure` must be true (or left out) with `cookie.hostPrefix` (got boolean)".into()),
        (with(r#""cookie": {"hostPrefix": true, "path": "/app"}"#), "option `cookie.path` must be '/' (or left out) with `cookie.hostPrefix` (got string)".into()),
        // attach.
        (with(r#""attach": {"header": "Bad Header"}"#), "option `attach.header` must be a header name such as 'Authorization' (got string)".into()),
        (with(r#""attach": {"header": ""}"#), "option `attach.header` must be a header name such as 'Authorization' (got string)".into()),
        (with(r#""attach": {"scheme": 5}"#), "option `attach.scheme` must be a string such as 'Bearer', or null for the raw token (got number)".into()),
        (with(r#""attach": {"query": ""}"#), "option `attach.query` must be a non-empty string (got string)".into()),
        (with(r#""attach": {"query": "token", "header": "X-Token"}"#), "options `attach.query` and `attach.header` exclude each other".into()),
        (with(r#""attach": {"query": "token", "scheme": null}"#), "options `attach.query` and `attach.scheme` exclude each other".into()),
        (with(r#""attach": {"place": "query"}"#), "unknown option `attach.place` (expected one of: header, scheme, query)".into()),
        // Matchers.
        (with(r#""accessExpired": {"status": ["401"]}"#), "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got string)".into()),
        (with(r#""accessExpired": {"status": 401}"#), "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got number)".into()),
        (with(r#""accessExpired": {"status": [99]}"#), "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got number)".into()),
        (with(r#""accessExpired": {"status": [600]}"#), "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got number)".into()),
        (with(r#""accessExpired": {"status": [401.5]}"#), "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got number)".into()),
        (with(r#""accessExpired": {"code": [1]}"#), "unknown option `accessExpired.code` (expected one of: status, codes)".into()),
        (with(r#""accessExpired": true"#), "option `accessExpired` must be an object such as { status: [401], codes: [50014] } or a function (got boolean)".into()),
        (with(r#""sessionExpired": {"codes": [1.5]}"#), "option `sessionExpired.codes` must be an array of codes (numbers or strings) such as [50014] (got number)".into()),
        (with(r#""sessionExpired": {"codes": [null]}"#), "option `sessionExpired.codes` must be an array of codes (numbers or strings) such as [50014] (got null)".into()),
        (with(r#""sessionExpired": {"codes": "50015"}"#), "option `sessionExpired.codes` must be an array of codes (numbers or strings) such as [50014] (got string)".into()),
        // The defaults of the axios-shaped calls.
        (with(r#""headers": "x""#), "option `headers` must be an object (got string)".into()),
        (with(r#""headers": {"X App": "1"}"#), "option `headers.X App` must be a header name such as 'Authorization' (got string)".into()),
        (with(r#""headers": {"X-App": 1}"#), "option `headers.X-App` must be a header value string (ISO-8859-1, no line breaks) (got number)".into()),
        (with(r#""headers": {"X-App": "a\nb"}"#), "option `headers.X-App` must be a header value string (ISO-8859-1, no line breaks) (got string)".into()),
        (with(r#""headers": {"X-App": "\u20ac"}"#), "option `headers.X-App` must be a header value string (ISO-8859-1, no line breaks) (got string)".into()),
        (with(r#""requestTimeout": -1"#), "option `requestTimeout` must be a number of milliseconds from 0 (none) to 2147483647 (got number)".into()),
        (with(r#""requestTimeout": 2147483648"#), "option `requestTimeout` must be a number of milliseconds from 0 (none) to 2147483647 (got number)".into()),
        (with(r#""requestTimeout": "5s""#), "option `requestTimeout` must be a number of milliseconds from 0 (none) to 2147483647 (got string)".into()),
        (with(r#""validateStatus": true"#), "option `validateStatus` must be a function of the status returning true to resolve, or null for every status (got boolean)".into()),
        (with(r#""envelope": "code""#), "option `envelope` must be true, false or an object such as { code: 'code', success: [0], data: 'data' } (got string)".into()),
        (with(r#""envelope": {"cod": "x"}"#), "unknown option `envelope.cod` (expected one of: code, success, data, message)".into()),
        (with(r#""envelope": {"code": ""}"#), "option `envelope.code` must be a dotted path such as 'data.token' (got string)".into()),
        (with(r#""envelope": {"data": 1}"#), "option `envelope.data` must be a dotted path such as 'data', or null for the whole body (got number)".into()),
        (with(r#""envelope": {"data": "a..b"}"#), "option `envelope.data` must be a dotted path such as 'data', or null for the whole body (got string)".into()),
        (with(r#""envelope": {"success": 0}"#), "option `envelope.success` must be an array of codes (numbers or strings) such as [50014] (got number)".into()),
        (with(r#""envelope": {"success": [{}]}"#), "option `envelope.success` must be an array of codes (numbers or strings) such as [50014] (got object)".into()),
        (with(r#""envelope": {"message": 5}"#), "option `envelope.message` must be a dotted path such as 'data.token' (got number)".into()),
        // A getter that throws.
        (r#"{"$throws": "refresh"}"#.into(), "option `refresh` could not be read (reading it threw)".into()),
        (with(r#""cookie": {"$throws": "path"}"#), "option `cookie.path` could not be read (reading it threw)".into()),
    ];
    for (options, expected) in cases {
        assert_eq!(refused(&options), cat(&["fetch-with-refresh: ", &expected]), "{options}");
    }
}

#[test]
fn too_many_items_are_refused() {
    let statuses = vec!["401"; MAX_ITEMS + 1].join(",");
    let options = cat(&[r#"{"refresh": {"url": "/r"}, "accessExpired": {"status": ["#, &statuses, "]}}"]);
    assert!(refused(&options).contains("`accessExpired.status`"));
    let statuses = vec!["401"; MAX_ITEMS].join(",");
    let options = cat(&[r#"{"refresh": {"url": "/r"}, "accessExpired": {"status": ["#, &statuses, "]}}"]);
    accepted(&options);
}

#[test]
fn the_defaults_apply_to_what_is_left_out() {
    let s = accepted(r#"{"refresh": {"url": "/auth/refresh"}}"#);
    let c = &s.config;
    assert_eq!(c.base_url, None);
    assert_eq!(c.allowed_origins, ["https://app.example.com"]);
    assert_eq!(c.attach, Attach::default());
    assert_eq!(c.timeout_ms, DEFAULT_REFRESH_TIMEOUT_MS);
    assert_eq!(c.window_ms, DEFAULT_PROACTIVE_WINDOW_SECS * 1000.0);
    assert!(matches!(&c.access_expired, Matcher::Rules(r) if *r == default_access_expired()));
    assert!(matches!(&c.session_expired, Matcher::Rules(r) if *r == default_session_expired()));
    assert_eq!(c.code_field, DEFAULT_CODE_FIELD);
    assert_eq!(c.on_session_expired, None);
    assert_eq!(c.storage_keys, StorageKeys::default());
    assert_eq!(s.storage, StorageChoice::Local);
    assert_eq!(s.cookie, CookieOptions::default());
    assert_eq!(s.fetch, None);
    assert_eq!(
        s.config.coordination.as_deref(),
        Some("fetch-with-refresh:localStorage:access_token:refresh_token"),
        "tabs coordinate by default, under a name for the storage and its keys"
    );
    assert!(!s.config.auto_refresh, "autoRefresh is off by default, as in the seeds");
    let memory = accepted(r#"{"refresh": {"url": "/r"}, "storage": "memory"}"#);
    assert_eq!(memory.config.coordination, None, "tokens in memory are not shared, nor written to IndexedDB");
    let memory = accepted(r#"{"refresh": {"url": "/r"}, "storage": "memory", "crossTab": true}"#);
    assert_eq!(
        memory.config.coordination.as_deref(),
        Some("fetch-with-refresh:memory:access_token:refresh_token")
    );
    let session = accepted(
        r#"{"refresh": {"url": "/r"}, "storage": "sessionStorage", "storageKeys": {"accessToken": "t"}}"#,
    );
    assert_eq!(
        session.config.coordination.as_deref(),
        Some("fetch-with-refresh:sessionStorage:t:refresh_token")
    );
    let e = endpoint(&s);
    assert_eq!((e.url.as_str(), e.method.as_str()), ("/auth/refresh", "POST"));
    assert_eq!(e.send, SendPlacement::default());
    assert_eq!(e.response, ResponsePaths::default());
}

#[test]
fn every_documented_option_is_read() {
    let s = accepted(
        r#"{
            "baseURL": "https://api.test/v1",
            "storage": "memory",
            "storageKeys": {"accessToken": "tk", "refreshToken": "rtk", "expiresAt": "exp"},
            "cookie": {"path": "/app", "domain": "example.com", "sameSite": "Strict", "secure": true, "maxAge": 3600},
            "attach": {"header": "X-Token", "scheme": null},
            "refresh": {
                "url": "/refreshJwt/{refreshToken}",
                "method": "put",
                "send": {"header": "X-Refresh", "scheme": "Bearer", "bodyField": "rt", "query": "r", "accessTokenField": "token"},
                "response": {"accessToken": "data.token", "refreshToken": "data.refreshToken", "expiresIn": "data.ttl", "expiresAt": "data.exp"},
                "timeout": 5000
            },
            "proactiveWindow": 0,
            "accessExpired": {"status": [401], "codes": [50014, "409", " "]},
            "sessionExpired": {"$fn": "sessionExpired"},
            "codeField": "meta.code",
            "onSessionExpired": {"$fn": "onSessionExpired"},
            "allowedOrigins": ["https://api.test", "http://127.0.0.1:1", "/same-page", "HTTPS://API.TEST:443/x"],
            "fetch": {"$fn": "fetch"},
            "timeout": 2147483647,
            "crossTab": false,
            "retry": {"attempts": 5, "baseDelay": 100, "maxDelay": 1000},
            "renewLimit": {"count": 4, "per": 30},
            "autoRefresh": true
        }"#,
    );
    let c = &s.config;
    assert_eq!(c.base_url.as_deref(), Some("https://api.test/v1"));
    assert_eq!(c.allowed_origins, ["https://api.test", "http://127.0.0.1:1", "https://app.example.com"]);
    assert_eq!(c.attach, Attach::Header { name: "X-Token".into(), scheme: None });
    assert_eq!(c.timeout_ms, 5000.0, "refresh.timeout wins over timeout");
    assert_eq!(c.window_ms, 0.0);
    let Matcher::Rules(rules) = &c.access_expired else { panic!("accessExpired is rules") };
    assert_eq!(rules.status, [401]);
    assert_eq!(rules.codes, [Code::from_text("50014"), Code::from_text("409")]);
    assert!(matches!(&c.session_expired, Matcher::Custom(f) if f == "sessionExpired"));
    assert_eq!(c.code_field, "meta.code");
    assert_eq!(c.on_session_expired.as_deref(), Some("onSessionExpired"));
    assert_eq!(c.coordination, None, "crossTab: false");
    assert_eq!(c.retry, RetryPolicy { attempts: 5, base_delay_ms: 100.0, max_delay_ms: 1_000.0 });
    assert_eq!(c.renew_limit, RenewLimit { count: 4, per_ms: 30_000.0 });
    assert!(c.auto_refresh);
    assert_eq!(
        c.storage_keys,
        StorageKeys { access: "tk".into(), refresh: "rtk".into(), expires_at: "exp".into() }
    );
    assert_eq!(s.storage, StorageChoice::Memory);
    assert_eq!(
        s.cookie,
        CookieOptions {
            path: Some("/app".into()),
            domain: Some("example.com".into()),
            same_site: Some(SameSite::Strict),
            secure: Some(true),
            max_age: Some(3600.0),
            host_prefix: false,
        }
    );
    let host = accepted(
        r#"{"refresh": {"url": "/r"}, "cookie": {"hostPrefix": true, "path": "/", "secure": true}}"#,
    );
    assert!(host.cookie.host_prefix);
    let host =
        accepted(r#"{"refresh": {"url": "/r"}, "cookie": {"hostPrefix": false, "domain": "example.com"}}"#);
    assert!(!host.cookie.host_prefix);
    assert_eq!(s.fetch.as_deref(), Some("fetch"));
    let e = endpoint(&s);
    assert_eq!((e.url.as_str(), e.method.as_str()), ("/refreshJwt/{refreshToken}", "PUT"));
    assert_eq!(
        e.send,
        SendPlacement {
            header: Some("X-Refresh".into()),
            scheme: Some("Bearer".into()),
            body_field: Some("rt".into()),
            query: Some("r".into()),
            access_token_field: Some("token".into()),
        }
    );
    assert_eq!(
        e.response,
        ResponsePaths {
            access: Some("data.token".into()),
            refresh: Some("data.refreshToken".into()),
            expires_in: Some("data.ttl".into()),
            expires_at: Some("data.exp".into()),
        }
    );
}

#[test]
fn storages_and_attach_places() {
    let storages = [
        ("\"localStorage\"", StorageChoice::Local),
        ("\"sessionStorage\"", StorageChoice::Session),
        ("\"cookie\"", StorageChoice::Cookie),
        ("\"memory\"", StorageChoice::Memory),
    ];
    for (storage, expected) in storages {
        let s = accepted(&cat(&[r#"{"refresh": {"$fn": "r"}, "storage": "#, storage, "}"]));
        assert_eq!(s.storage, expected, "{storage}");
    }
    let custom =
        r#"{"getItem": {"$fn": "g"}, "setItem": {"$fn": "s"}, "removeItem": {"$fn": "r"}, "other": 1}"#;
    let s = accepted(&cat(&[r#"{"refresh": {"url": "/r"}, "storage": "#, custom, "}"]));
    assert!(
        matches!(s.storage, StorageChoice::Custom(ref v) if v["other"] == 1),
        "the object itself is kept"
    );

    let attach = [
        ("{}", Attach::default()),
        (r#"{"header": "X-Token", "scheme": null}"#, Attach::Header { name: "X-Token".into(), scheme: None }),
        (
            r#"{"header": "X-Token"}"#,
            Attach::Header { name: "X-Token".into(), scheme: Some("Bearer".into()) },
        ),
        (
            r#"{"scheme": "Token"}"#,
            Attach::Header { name: "Authorization".into(), scheme: Some("Token".into()) },
        ),
        (r#"{"scheme": null}"#, Attach::Header { name: "Authorization".into(), scheme: None }),
        (r#"{"query": "token"}"#, Attach::Query { name: "token".into() }),
    ];
    for (given, expected) in attach {
        let s = accepted(&cat(&[r#"{"refresh": {"url": "/r"}, "attach": "#, given, "}"]));
        assert_eq!(s.config.attach, expected, "{given}");
    }
}

#[test]
fn a_custom_refresh_takes_the_top_level_timeout() {
    let s = accepted(r#"{"refresh": {"$fn": "refresh"}, "timeout": 2500}"#);
    assert!(matches!(&s.config.refresher, Refresher::Custom(f) if f == "refresh"));
    assert_eq!(s.config.timeout_ms, 2500.0);
    let s = accepted(r#"{"refresh": {"$fn": "refresh"}}"#);
    assert_eq!(s.config.timeout_ms, DEFAULT_REFRESH_TIMEOUT_MS);
    // An endpoint without its own timeout takes the top-level one too.
    let s = accepted(r#"{"refresh": {"url": "/r"}, "timeout": 1}"#);
    assert_eq!(s.config.timeout_ms, 1.0);
    let s = accepted(r#"{"refresh": {"url": "/r", "timeout": 2147483647}}"#);
    assert_eq!(s.config.timeout_ms, MAX_TIMER_MS);
}

#[test]
fn default_allowed_origins_come_from_the_page_and_base_url() {
    let cases = [
        (
            r#""baseURL": "https://api.example.com/v1""#,
            &["https://app.example.com", "https://api.example.com"][..],
        ),
        (r#""baseURL": "/api""#, &["https://app.example.com"][..]),
        (
            r#""baseURL": "//cdn.example.com/api""#,
            &["https://app.example.com", "https://cdn.example.com"][..],
        ),
        (r#""baseURL": "https://app.example.com:443""#, &["https://app.example.com"][..]),
        (r#""baseURL": "data:x""#, &["https://app.example.com"][..]),
        (r#""allowedOrigins": []"#, &[][..]),
        // An http baseURL of this https page gets no token; a loopback one does.
        (
            r#""baseURL": "http://127.0.0.1:8787/api""#,
            &["https://app.example.com", "http://127.0.0.1:8787"][..],
        ),
        (
            r#""allowedOrigins": ["http://localhost:3000", "http://[::1]:1", "//cdn.example.com/x"]"#,
            &["http://localhost:3000", "http://[::1]:1", "https://cdn.example.com"][..],
        ),
    ];
    for (given, expected) in cases {
        let s = accepted(&cat(&[r#"{"refresh": {"url": "/r"}, "#, given, "}"]));
        assert_eq!(s.config.allowed_origins, expected, "{given}");
    }
}

#[test]
fn an_http_base_url_of_an_https_page_is_left_out_of_the_default_origins() {
    // With a custom refresh (no refresh URL to refuse), the requests to it go out without a token.
    let s = accepted(r#"{"refresh": {"$fn": "r"}, "baseURL": "http://api.example.com/v1"}"#);
    assert_eq!(s.config.allowed_origins, ["https://app.example.com"]);
    let s = accepted(r#"{"refresh": {"url": "http://localhost:8080/refresh"}}"#);
    assert_eq!(endpoint(&s).url, "http://localhost:8080/refresh");
}

#[test]
fn messages_name_kinds_never_values() {
    let secret = "s3cr3t-t0ken";
    let cases = [
        cat(&[r#"{"refresh": {"url": "/r"}, "storage": ""#, secret, r#""}"#]),
        cat(&[r#"{"refresh": {"url": "/r"}, "attach": {"header": "a "#, secret, r#""}}"#]),
        cat(&[r#"{"refresh": {"url": "/r"}, "cookie": {"sameSite": ""#, secret, r#""}}"#]),
        cat(&[r#"{"refresh": {"url": "/r"}, "accessExpired": {"codes": [{"x": ""#, secret, r#""}]}}"#]),
    ];
    for options in &cases {
        let message = refused(options);
        assert!(!message.contains(secret), "{message}");
    }
}

#[test]
fn keys_are_listed_as_serde_reads_them() {
    assert_eq!(keys_of::<RawMatcher<Value>>(), ["status", "codes"]);
    assert_eq!(keys_of::<RawOptions<Value>>().join(", "), TOP_KEYS);
    assert_eq!(Kind::BigInt.name(), "bigint");
    assert_eq!(Kind::Symbol.name(), "symbol");
    let error = OptionError::new("x", Problem::Unreadable);
    assert_eq!(error.to_string(), error.message());
}

#[test]
fn header_names_are_tokens() {
    for good in ["Authorization", "X-Token", "x_token", "a!#$%&'*+-.^_`|~9"] {
        assert!(is_token(good), "{good}");
    }
    for bad in ["", "a b", "a:b", "a\nb", "ä", "(a)", "a/b", "a,b", "a\"b"] {
        assert!(!is_token(bad), "{bad}");
    }
}

#[test]
fn the_defaults_of_the_calls_are_read() {
    use crate::core::call::{Envelope, Validate};
    let none = accepted(r#"{"refresh": {"url": "/r"}}"#).calls;
    assert!(none.headers.is_empty());
    assert_eq!(none.timeout_ms, 0.0);
    assert!(matches!(none.validate_status, Validate::Success));
    assert_eq!(none.envelope, None);

    let all = accepted(
        r#"{"refresh": {"url": "/r"}, "headers": {"X-App": "demo", "Accept": "application/json"},
            "requestTimeout": 5000, "validateStatus": {"$fn": "v"},
            "envelope": {"code": "errcode", "success": [0, "ok", " "], "data": null, "message": "errmsg"}}"#,
    )
    .calls;
    let pair = |n: &str, v: &str| (n.to_owned(), v.to_owned());
    assert_eq!(all.headers, vec![pair("X-App", "demo"), pair("Accept", "application/json")]);
    assert_eq!(all.timeout_ms, 5000.0);
    assert!(matches!(all.validate_status, Validate::Custom(ref f) if f == "v"));
    let expected = Envelope {
        code: "errcode".into(),
        success: vec![Code::from_text("0"), Code::from_text("ok")],
        data: None,
        message: "errmsg".into(),
    };
    assert_eq!(all.envelope, Some(expected));

    let cases = [
        (r#""envelope": true"#, Some(Envelope::default())),
        (r#""envelope": false"#, None),
        (r#""envelope": {}"#, Some(Envelope::default())),
        (
            r#""envelope": {"data": "result.items"}"#,
            Some(Envelope { data: Some("result.items".into()), ..Envelope::default() }),
        ),
    ];
    for (option, expected) in cases {
        let options = cat(&[r#"{"refresh": {"url": "/r"}, "#, option, "}"]);
        assert_eq!(accepted(&options).calls.envelope, expected, "{option}");
    }
    assert!(matches!(
        accepted(r#"{"refresh": {"url": "/r"}, "validateStatus": null}"#).calls.validate_status,
        Validate::Any
    ));
}
