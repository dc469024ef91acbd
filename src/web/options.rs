//! Reading the options.
//!
//! [`read`]: serde-wasm-bindgen deserializes the options object and [`crate::core::settings`]
//! validates it (every rule and every message is there); this file only tells the core what kind
//! each JS value is, copies an object's properties one level at a time so that a getter or proxy
//! that throws is an error and not an exception, and resolves URLs with the browser's `URL`.

use crate::core::options::{CookieOptions, StorageChoice};
use crate::core::settings::{self, Host, Kind, OptionError, Problem, Settings};
use js_sys::{Array, Function, Object, Reflect, TypeError};
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Url;

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
pub fn read(options: &JsValue) -> Result<Options, JsValue> {
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
