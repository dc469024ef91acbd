//! Reading the options.
//!
//! [`read`] is the new reader: serde-wasm-bindgen deserializes the options object and
//! [`crate::core::settings`] validates it (every rule and every message is there); this file only
//! tells the core what kind each JS value is, copies an object's properties one level at a time so
//! that a getter or proxy that throws is an error and not an exception, and resolves URLs with
//! the browser's `URL`.
//!
//! [`parse`] is the old reader over `js/options.js`, kept until the client switches to [`read`]:
//! `js/options.js` checks the JavaScript values (throwing a `TypeError` that names the option) and
//! hands over a flat object with `null` for what is absent; [`parse`] reads it into the core's
//! types, applying the defaults of [`crate::core::options`], picks the ports the options select,
//! and normalises the allowed origins with `URL`.

use crate::core::classify::{Code, MatchRules};
use crate::core::options::{
    default_access_expired, default_session_expired, Attach, RefreshEndpoint, ResponsePaths, SendPlacement,
    StorageKeys, DEFAULT_CODE_FIELD, DEFAULT_PROACTIVE_WINDOW_SECS, DEFAULT_REFRESH_TIMEOUT_MS,
};
use crate::core::options::{CookieOptions, StorageChoice};
use crate::core::settings::{self, Host, Kind, OptionError, Problem, Settings};
use crate::core::{json, text};
use crate::ports::{KeyValueStore, Transport};
use crate::prelude::*;
use crate::vault::MemoryStore;
use crate::web::js;
use crate::web::storage::open_store;
use crate::web::transport::{FunctionFetch, GlobalFetch};
use js_sys::{Array, Function, Object, Reflect, TypeError};
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Url;

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
    /// Origins that receive the token (normalised by `js/options.js`).
    pub allowed_origins: Array,
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

impl core::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Parsed").field("config", &self.config).field("storage", &self.store.kind()).finish()
    }
}

type Result<T> = core::result::Result<T, JsValue>;

#[wasm_bindgen(module = "/js/options.js")]
extern "C" {
    /// Checks the options; throws a `TypeError` naming the first bad one.
    #[wasm_bindgen(catch)]
    fn normalize(options: &JsValue) -> Result<JsValue>;
}

fn text(value: &JsValue, key: &str) -> Option<String> {
    js::get(value, key).as_string()
}

fn function(value: &JsValue, key: &str) -> Option<Function> {
    js::get(value, key).dyn_into().ok()
}

/// A matcher: `null` (the default), a function, or `{status, codes}` (codes as strings).
fn matcher(value: JsValue, default: fn() -> MatchRules) -> Matcher {
    if value.is_null() || value.is_undefined() {
        return Matcher::Rules(default());
    }
    match value.dyn_into::<Function>() {
        Ok(function) => Matcher::Function(function),
        // `status` and `codes` come as text, one item per line (see `js/options.js`).
        Err(rules) => {
            let lines = |key: &str| text(&rules, key).unwrap_or_default();
            let (status, codes) = (lines("status"), lines("codes"));
            Matcher::Rules(MatchRules {
                status: text::split(&status, b'\n')
                    .filter_map(|s| json::parse_number(s.as_bytes()))
                    .map(|s| s as u16)
                    .collect(),
                codes: text::split(&codes, b'\n').filter(|c| !c.is_empty()).map(Code::from_text).collect(),
            })
        }
    }
}

/// `refresh` (already checked): the app's function, or the endpoint with the default paths for
/// what the options leave out.
fn refresher(refresh: &JsValue) -> Refresher {
    if let Some(function) = function(refresh, "fn") {
        return Refresher::Function(function);
    }
    let mut response = ResponsePaths::default();
    let paths = js::get(refresh, "response");
    for (key, slot) in [
        ("accessToken", &mut response.access),
        ("refreshToken", &mut response.refresh),
        ("expiresIn", &mut response.expires_in),
        ("expiresAt", &mut response.expires_at),
    ] {
        *slot = text(&paths, key);
    }
    let send = js::get(refresh, "send");
    Refresher::Endpoint(Box::new(RefreshEndpoint {
        url: text(refresh, "url").unwrap_or_default(),
        method: text(refresh, "method").unwrap_or_else(|| "POST".to_owned()),
        send: SendPlacement {
            header: text(&send, "header"),
            scheme: text(&send, "scheme"),
            body_field: text(&send, "bodyField"),
            query: text(&send, "query"),
            access_token_field: text(&send, "accessTokenField"),
        },
        response,
    }))
}

/// Parses the options given to `new AuthClient`.
pub fn parse(options: &JsValue) -> Result<Parsed> {
    let o = normalize(options)?;
    let (keys, names) = (StorageKeys::default(), js::get(&o, "storageKeys"));
    let storage_keys = StorageKeys {
        access: text(&names, "accessToken").unwrap_or(keys.access),
        refresh: text(&names, "refreshToken").unwrap_or(keys.refresh),
        expires_at: text(&names, "expiresAt").unwrap_or(keys.expires_at),
    };
    let cookie_attributes = text(&o, "cookie").unwrap_or_default();
    let store: Box<dyn KeyValueStore> = match open_store(&js::get(&o, "storage"), &cookie_attributes) {
        Some(store) => Box::new(store),
        None => Box::new(MemoryStore::default()),
    };
    let transport: Box<dyn Transport> = match function(&o, "fetch") {
        Some(fetch) => Box::new(FunctionFetch(fetch)),
        None => Box::new(GlobalFetch),
    };
    let attach = js::get(&o, "attach");
    let attach = match text(&attach, "query") {
        Some(name) => Attach::Query { name },
        None => {
            let scheme = js::get(&attach, "scheme");
            Attach::Header {
                name: text(&attach, "header").unwrap_or_else(|| "Authorization".to_owned()),
                scheme: if scheme.is_undefined() { Some("Bearer".to_owned()) } else { scheme.as_string() },
            }
        }
    };
    let refresh = js::get(&o, "refresh");
    let base_url = text(&o, "baseURL");
    let allowed_origins = js::get(&o, "allowedOrigins").unchecked_into();
    let config = Config {
        refresher: refresher(&refresh),
        timeout_ms: js::get(&refresh, "timeout").as_f64().unwrap_or(DEFAULT_REFRESH_TIMEOUT_MS),
        window_ms: js::get(&o, "proactiveWindow").as_f64().unwrap_or(DEFAULT_PROACTIVE_WINDOW_SECS) * 1000.0,
        access_expired: matcher(js::get(&o, "accessExpired"), default_access_expired),
        session_expired: matcher(js::get(&o, "sessionExpired"), default_session_expired),
        code_field: text(&o, "codeField").unwrap_or_else(|| DEFAULT_CODE_FIELD.to_owned()),
        on_session_expired: function(&o, "onSessionExpired"),
        base_url,
        allowed_origins,
        attach,
        storage_keys,
    };
    Ok(Parsed { config, store, transport })
}

// The new reader.

/// The options of `new AuthClient(options)`, read and validated by [`read`].
#[derive(Debug)]
pub struct Options {
    /// What the driver needs.
    pub config: crate::core::options::Config<Function>,
    /// Where the tokens are kept (a custom storage is the app's object itself).
    pub storage: StorageChoice<JsValue>,
    /// The `cookie` option.
    pub cookie: CookieOptions,
    /// The `fetch` option.
    pub fetch: Option<Function>,
}

/// Reads and validates the options given to `new AuthClient(options)`. Every mistake is a
/// `TypeError` naming the option (``fetch-with-refresh: option `refresh.send.header` must be a
/// header name such as 'Authorization' (got string)``); a getter or proxy that throws is one too.
///
/// ```js
/// new AuthClient({
///   baseURL: 'https://api.example.com',
///   attach: { header: 'X-Token', scheme: null },
///   refresh: { url: '/refreshJwt/{refreshToken}', response: { accessToken: 'data.token' } },
///   accessExpired: { codes: [50014] },
///   sessionExpired: { codes: [50015, 10007] },
/// });
/// ```
pub fn read(options: &JsValue) -> Result<Options> {
    let page = web_sys::window().and_then(|window| window.location().href().ok());
    let settings = settings::validate(&Browser { page }, &Given(options.clone()))
        .map_err(|error| JsValue::from(TypeError::new(&error.message())))?;
    let Settings { config, storage, cookie, fetch } = settings;
    Ok(Options { config, storage, cookie, fetch })
}

/// A value of the options as given: serde-wasm-bindgen hands the JS value over unconverted.
#[derive(Debug, Clone, Default)]
struct Given(JsValue);

impl<'de> Deserialize<'de> for Given {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(deserializer).map(Given)
    }
}

/// The browser as the core's [`Host`]: facts about JS values, and `URL` against the page.
struct Browser {
    /// `location.href`, when there is a window.
    page: Option<String>,
}

/// How far up a prototype chain options are looked for (a proxy can make it endless).
const MAX_PROTOTYPES: usize = 32;

fn unreadable(path: &str, key: &str) -> OptionError {
    OptionError { path: settings::option_path(path, key), problem: Problem::Unreadable }
}

/// The properties of `object` as `[key, value]` pairs, what serde reads an object of the options
/// from: the enumerable string keys, own and inherited (those `for…in` visits, `Object.prototype`'s
/// aside), each read once. A key whose value is `undefined` is left out, as absent. Reading never
/// throws: a getter or a proxy that throws is an error naming the key.
fn entries(object: &JsValue, path: &str) -> core::result::Result<Vec<(String, JsValue)>, OptionError> {
    let mut pairs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let object_prototype = JsValue::from(Object::get_prototype_of(&Object::new()));
    let mut level = object.clone();
    for _ in 0..MAX_PROTOTYPES {
        let keys = Reflect::own_keys(&level).map_err(|_| unreadable(path, ""))?;
        for key in keys.iter() {
            let Some(name) = key.as_string() else { continue };
            if seen.contains(&name) {
                continue;
            }
            let descriptor = Reflect::get_own_property_descriptor(level.unchecked_ref::<Object>(), &key)
                .map_err(|_| unreadable(path, &name))?;
            let enumerable = Reflect::get(&descriptor, &JsValue::from_str("enumerable"))
                .is_ok_and(|enumerable| enumerable.is_truthy());
            if enumerable {
                let value = Reflect::get(object, &key).map_err(|_| unreadable(path, &name))?;
                if !value.is_undefined() {
                    pairs.push((name.clone(), value));
                }
            }
            seen.push(name);
        }
        level = Reflect::get_prototype_of(&level).map_err(|_| unreadable(path, ""))?.into();
        if level.is_null() || level == object_prototype {
            break;
        }
    }
    Ok(pairs)
}

fn kind_of(value: &JsValue) -> Kind {
    if value.is_undefined() {
        Kind::Undefined
    } else if value.is_null() {
        Kind::Null
    } else if value.as_bool().is_some() {
        Kind::Boolean
    } else if value.is_string() {
        Kind::String
    } else if value.as_f64().is_some() {
        Kind::Number
    } else if value.is_bigint() {
        Kind::BigInt
    } else if value.is_symbol() {
        Kind::Symbol
    } else if value.is_function() {
        Kind::Function
    } else if Array::is_array(value) {
        Kind::Array
    } else {
        Kind::Object
    }
}

impl Host for Browser {
    type Value = Given;
    type Function = Function;
    type Storage = JsValue;

    fn kind(&self, value: &Given) -> Kind {
        kind_of(&value.0)
    }

    fn text(&self, value: &Given) -> Option<String> {
        value.0.as_string()
    }

    fn number(&self, value: &Given) -> Option<f64> {
        value.0.as_f64()
    }

    fn boolean(&self, value: &Given) -> Option<bool> {
        value.0.as_bool()
    }

    fn function(&self, value: &Given) -> Option<Function> {
        value.0.is_function().then(|| value.0.clone().unchecked_into())
    }

    fn storage(&self, value: &Given) -> Option<JsValue> {
        let method =
            |name: &str| Reflect::get(&value.0, &JsValue::from_str(name)).is_ok_and(|m| m.is_function());
        (method("getItem") && method("setItem") && method("removeItem")).then(|| value.0.clone())
    }

    fn items(&self, value: &Given, path: &str) -> core::result::Result<Vec<Given>, OptionError> {
        let length =
            Reflect::get(&value.0, &JsValue::from_str("length")).map_err(|_| unreadable(path, ""))?;
        // At most one item more than the core takes: enough for it to refuse a longer array.
        let count = length.as_f64().unwrap_or(0.0).min((settings::MAX_ITEMS + 1) as f64) as u32;
        (0..count)
            .map(|i| Reflect::get_u32(&value.0, i).map(Given).map_err(|_| unreadable(path, "")))
            .collect()
    }

    fn section<T: DeserializeOwned>(
        &self,
        value: &Given,
        path: &str,
    ) -> core::result::Result<T, OptionError> {
        let pairs = entries(&value.0, path)?.into_iter();
        settings::parse_entries(
            pairs.map(|(key, value)| (key, serde_wasm_bindgen::Deserializer::from(value))),
            path,
        )
    }

    fn resolve(&self, url: &str) -> Option<String> {
        let parsed = match &self.page {
            Some(page) => Url::new_with_base(url, page),
            None => Url::new(url),
        };
        parsed.ok().map(|url| url.href())
    }

    fn page(&self) -> Option<String> {
        self.page.clone()
    }
}
