//! Reading the options.
//!
//! [`read`]: serde derive reads each object of the options into the core's structs (refusing
//! unknown keys) and [`crate::core::settings`] validates every value (every rule and every message
//! is there); this file only tells the core what kind each JS value is, copies an object's
//! properties one level at a time so that a getter or proxy that throws is an error and not an
//! exception, and resolves URLs with the browser's `URL`.
//!
//! The deserializer is this file's `Raw`, not serde-wasm-bindgen's: the core takes every value as
//! it is and judges it itself, so serde only has to carry each value to its field, which `Raw` does
//! by index into a table of the values read. serde-wasm-bindgen's deserializer would do the same
//! job with its own error messages, which link float formatting and Unicode tables into the module:
//! measured, 18.4 KB gzipped (the package's budget is 60 KB). serde-wasm-bindgen serializes what
//! goes back to JS (events, `getTokens()`).

use crate::core::options::{CookieOptions, StorageChoice};
use crate::core::settings::{self, Host, Kind, OptionError, Problem, Settings};
use js_sys::{Array, Function, Reflect, TypeError};
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde::Deserialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;
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
    /// The defaults of the axios-shaped calls.
    pub calls: crate::core::call::CallDefaults<Function>,
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
    let browser = Browser { page, values: RefCell::new(vec![options.clone()]) };
    let settings = settings::validate(&browser, &Given(0))
        .map_err(|error| JsValue::from(TypeError::new(&error.message())))?;
    let Settings { config, storage, cookie, fetch, calls } = settings;
    Ok(Options { config, storage, cookie, fetch, calls })
}

/// A value of the options: its index in the reader's table of the values it read. serde carries
/// the index (a generic deserializer cannot carry a JS value); the host looks the value up.
#[derive(Debug, Clone, Copy, Default)]
struct Given(u32);

impl<'de> Deserialize<'de> for Given {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        struct Index;
        impl Visitor<'_> for Index {
            type Value = Given;
            fn expecting(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                formatter.write_str("an option value")
            }
            fn visit_u32<E: de::Error>(self, index: u32) -> core::result::Result<Given, E> {
                Ok(Given(index))
            }
        }
        deserializer.deserialize_u32(Index)
    }
}

/// The deserializer of one value of an object of the options: it hands serde the value's index.
struct Raw(u32);

impl IntoDeserializer<'_, Refused> for Raw {
    type Deserializer = Raw;
    fn into_deserializer(self) -> Raw {
        self
    }
}

impl<'de> Deserializer<'de> for Raw {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> core::result::Result<V::Value, Refused> {
        visitor.visit_u32(self.0)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A refusal from serde, without a message: the core names the option and what is wrong with it
/// (building serde's messages would link float formatting for nothing).
#[derive(Debug)]
struct Refused;

impl core::fmt::Display for Refused {
    fn fmt(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        formatter.write_str("refused")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<M: core::fmt::Display>(_: M) -> Self {
        Refused
    }
    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Refused
    }
    fn invalid_value(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Refused
    }
    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Refused
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Refused
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Refused
    }
    fn missing_field(_: &'static str) -> Self {
        Refused
    }
    fn duplicate_field(_: &'static str) -> Self {
        Refused
    }
}

/// The browser as the core's [`Host`]: facts about JS values, and `URL` against the page.
struct Browser {
    /// `location.href`, when there is a window.
    page: Option<String>,
    /// Every value read so far; a [`Given`] is an index into it.
    values: RefCell<Vec<JsValue>>,
}

impl Browser {
    /// The value behind `given`.
    fn value(&self, given: &Given) -> JsValue {
        self.values.borrow().get(given.0 as usize).cloned().unwrap_or(JsValue::UNDEFINED)
    }

    /// Keeps `value` in the table; its index.
    fn keep(&self, value: JsValue) -> Given {
        let mut values = self.values.borrow_mut();
        values.push(value);
        Given(values.len() as u32 - 1)
    }
}

fn unreadable(path: &str, key: &str) -> OptionError {
    OptionError { path: settings::option_path(path, key), problem: Problem::Unreadable }
}

#[wasm_bindgen(module = "/js/web.js")]
extern "C" {
    #[wasm_bindgen(js_name = propertiesOf)]
    fn properties_of(object: &JsValue) -> Array;
}

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, which throws for a revoked proxy: js-sys's binding would let that exception
    /// run through Rust and out of `new AuthClient` as the engine's message, naming no option.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// The properties of `object` as `[key, value]` pairs, what serde reads an object of the options
/// from: the enumerable string keys, own and inherited (those `for…in` visits, `Object.prototype`'s
/// aside), each read once (by `propertiesOf` in `js/web.js`). A key whose value is `undefined` is
/// left out, as absent. A getter or a proxy that throws is an error naming the key.
fn entries(object: &JsValue, path: &str) -> core::result::Result<Vec<(String, JsValue)>, OptionError> {
    let flat = properties_of(object);
    if flat.get(0).as_bool() == Some(false) {
        return Err(unreadable(path, &flat.get(1).as_string().unwrap_or_default()));
    }
    let mut pairs = Vec::with_capacity(flat.length() as usize / 2);
    let mut items = flat.iter();
    while let (Some(key), Some(value)) = (items.next(), items.next()) {
        pairs.push((key.as_string().unwrap_or_default(), value));
    }
    Ok(pairs)
}

/// The kind of a JS value, as the options' messages name it.
pub(crate) fn kind_of(value: &JsValue) -> Kind {
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
    } else if is_array(value).unwrap_or(false) {
        Kind::Array
    } else {
        // A revoked proxy too: reading it is what throws, and that names the option.
        Kind::Object
    }
}

impl Host for Browser {
    type Value = Given;
    type Function = Function;
    type Storage = JsValue;

    fn kind(&self, value: &Given) -> Kind {
        kind_of(&self.value(value))
    }

    fn text(&self, value: &Given) -> Option<String> {
        self.value(value).as_string()
    }

    fn number(&self, value: &Given) -> Option<f64> {
        self.value(value).as_f64()
    }

    fn boolean(&self, value: &Given) -> Option<bool> {
        self.value(value).as_bool()
    }

    fn function(&self, value: &Given) -> Option<Function> {
        self.value(value).dyn_into().ok()
    }

    fn storage(&self, value: &Given) -> Option<JsValue> {
        let value = self.value(value);
        let method =
            |name: &str| Reflect::get(&value, &JsValue::from_str(name)).is_ok_and(|m| m.is_function());
        (method("getItem") && method("setItem") && method("removeItem")).then_some(value)
    }

    fn items(&self, value: &Given, path: &str) -> core::result::Result<Vec<Given>, OptionError> {
        let value = self.value(value);
        let length = Reflect::get(&value, &JsValue::from_str("length")).map_err(|_| unreadable(path, ""))?;
        // At most one item more than the core takes: enough for it to refuse a longer array.
        let count = length.as_f64().unwrap_or(0.0).min((settings::MAX_ITEMS + 1) as f64) as u32;
        let mut items = Vec::with_capacity(count as usize);
        for i in 0..count {
            let item = Reflect::get_u32(&value, i).map_err(|_| unreadable(path, ""))?;
            items.push(self.keep(item));
        }
        Ok(items)
    }

    fn section<T: DeserializeOwned>(
        &self,
        value: &Given,
        path: &str,
    ) -> core::result::Result<T, OptionError> {
        let pairs = entries(&self.value(value), path)?.into_iter();
        settings::parse_entries(pairs.map(|(key, value)| (key, Raw(self.keep(value).0))), path)
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
