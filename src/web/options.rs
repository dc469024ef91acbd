//! Reading the options. `js/options.js` checks the JavaScript values (throwing a `TypeError` that
//! names the option) and hands over a flat object with `null` for what is absent; this file reads
//! it into the core's types, applying the defaults of [`crate::core::options`], picks the ports the
//! options select, and normalises the allowed origins with `URL`.

use crate::core::classify::{Code, MatchRules};
use crate::core::options::{
    default_access_expired, default_session_expired, Attach, RefreshEndpoint, ResponsePaths, SendPlacement,
    StorageKeys, DEFAULT_CODE_FIELD, DEFAULT_PROACTIVE_WINDOW_SECS, DEFAULT_REFRESH_TIMEOUT_MS,
};
use crate::core::{json, text};
use crate::ports::KeyValueStore;
use crate::prelude::*;
use crate::vault::MemoryStore;
use crate::web::js;
use crate::web::storage::open_store;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::wasm_bindgen;
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
    /// The `fetch` option.
    pub fetch: Option<Function>,
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
    let fetch = function(&o, "fetch");
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
    Ok(Parsed { config, store, fetch })
}
