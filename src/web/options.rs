//! Reading the JavaScript options object. It crosses into wasm once, as `JSON.stringify` text in
//! which every function is replaced by a marker; the core validates that text
//! ([`crate::core::settings`]), and this file only picks up the functions and normalises the
//! allowed origins with `URL`. Every mistake is a synchronous `TypeError` naming the option.

use crate::core::classify::MatchRules;
use crate::core::json::Json;
use crate::core::options::{Attach, RefreshEndpoint, StorageKeys};
use crate::core::settings::{self, MatcherChoice, RefreshChoice, StorageChoice, FUNCTION};
use crate::ports::{KeyValueStore, Transport};
use crate::prelude::*;
use crate::vault::MemoryStore;
use crate::web::cookie::CookieJar;
use crate::web::errors::type_error;
use crate::web::js;
use crate::web::storage::{Area, CustomStorage, WebStorage};
use crate::web::transport::{FunctionFetch, GlobalFetch};
use js_sys::{Function, JSON};
use wasm_bindgen::closure::Closure;
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

impl core::fmt::Debug for Parsed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Parsed").field("config", &self.config).field("storage", &self.store.kind()).finish()
    }
}

type Result<T> = core::result::Result<T, JsValue>;

/// The options as JSON text, functions replaced by [`FUNCTION`]; `None` for `undefined`.
fn stringify(options: &JsValue) -> Result<Option<String>> {
    let replacer = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_key: JsValue, value: JsValue| {
        if value.is_function() {
            JsValue::from_str(FUNCTION)
        } else {
            value
        }
    });
    let text = JSON::stringify_with_replacer(options, replacer.as_ref()).map_err(|_| {
        type_error("options must be a plain object (JSON.stringify failed on it: a cycle or a BigInt?)")
    })?;
    Ok(JsValue::from(text).as_string())
}

/// Parses the options given to `configure` or `new AuthClient`.
pub fn parse(options: &JsValue) -> Result<Parsed> {
    let json = match stringify(options)? {
        Some(text) => Json::parse(&text).ok_or_else(|| type_error("options must be a plain object"))?,
        None => return Err(type_error("options must be an object (got undefined)")),
    };
    let settings = settings::parse(&json).map_err(|error| type_error(&error.message()))?;
    let function = |key: &str| {
        js::get(options, key).dyn_into::<Function>().unwrap_or_else(|_| Function::from(JsValue::UNDEFINED))
    };
    let matcher = |choice: MatcherChoice, key: &str| match choice {
        MatcherChoice::Rules(rules) => Matcher::Rules(rules),
        MatcherChoice::Function => Matcher::Function(function(key)),
    };
    let store: Box<dyn KeyValueStore> = match settings.storage {
        StorageChoice::Local => Box::new(WebStorage(Area::Local)),
        StorageChoice::Session => Box::new(WebStorage(Area::Session)),
        StorageChoice::Cookie => Box::new(CookieJar::new(&settings.cookie)),
        StorageChoice::Memory => Box::new(MemoryStore::default()),
        StorageChoice::Custom => match CustomStorage::new(&js::get(options, "storage")) {
            Some(custom) => Box::new(custom),
            None => {
                return Err(type_error("option `storage` must have getItem, setItem and removeItem methods"))
            }
        },
    };
    let transport: Box<dyn Transport> =
        if settings.fetch { Box::new(FunctionFetch(function("fetch"))) } else { Box::new(GlobalFetch) };
    let allowed_origins = allowed_origins(settings.allowed_origins.as_deref(), settings.base_url.as_deref())?;
    let config = Config {
        refresher: match settings.refresh {
            RefreshChoice::Endpoint(endpoint) => Refresher::Endpoint(endpoint),
            RefreshChoice::Function => Refresher::Function(function("refresh")),
        },
        access_expired: matcher(settings.access_expired, "accessExpired"),
        session_expired: matcher(settings.session_expired, "sessionExpired"),
        on_session_expired: settings.on_session_expired.then(|| function("onSessionExpired")),
        base_url: settings.base_url,
        allowed_origins,
        attach: settings.attach,
        timeout_ms: settings.timeout_ms,
        window_ms: settings.window_ms,
        code_field: settings.code_field,
        storage_keys: settings.storage_keys,
    };
    Ok(Parsed { config, store, transport })
}

/// `allowedOrigins` normalised through `URL`; by default the page's origin and `baseURL`'s.
fn allowed_origins(given: Option<&[String]>, base_url: Option<&str>) -> Result<Vec<String>> {
    let page = js::page_href();
    let origin_of = |text: &str| -> Option<String> {
        let url = match &page {
            Some(page) => web_sys::Url::new_with_base(text, page),
            None => web_sys::Url::new(text),
        };
        url.ok().map(|u| u.origin()).filter(|o| o != "null")
    };
    if let Some(given) = given {
        return given
            .iter()
            .map(|text| {
                origin_of(text).ok_or_else(|| {
                    type_error(
                        &[
                            "option `allowedOrigins` has `",
                            text,
                            "`, which is not an origin such as 'https://api.example.com'",
                        ]
                        .concat(),
                    )
                })
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
