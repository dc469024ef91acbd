//! Reading and validating the options object of `new AuthClient(options)` / `configure(options)`.
//!
//! Every mistake is an [`OptionError`] naming the option's path (`refresh.send.header`), what was
//! expected and what kind of value was given; [`OptionError::message`] is the one place its text
//! is written (the browser throws it as a `TypeError`).
//!
//! How it is read: each object of the options (the options themselves, `refresh`, `refresh.send`,
//! `cookie`…) is deserialized with serde, from the `[key, value]` pairs the [`Host`] reads off it,
//! into a struct that lists its keys (`deny_unknown_fields`, so a typo such as `proactivewindow` is
//! an error rather than a silent default). The values are kept as the host's deserializer gives
//! them (in the browser an index into the JS values read, see `web/options.rs`; in the native
//! tests JSON) and judged here, one by one, so that a function where a function belongs is
//! taken as it is, a nested object is read only where the options have one (which ends cycles),
//! and a wrong value is named by its kind (`got string`), never printed. The browser side only says
//! what kind a value is, lists an object's properties when asked, and resolves URLs with the
//! browser's `URL`.

use super::call::{CallDefaults, Envelope, Validate};
use super::classify::{Code, MatchRules};
use super::errors::TYPE_ERROR_PREFIX as PREFIX;
use super::options::{
    default_access_expired, default_session_expired, Attach, Config, CookieOptions, Matcher, RefreshEndpoint,
    Refresher, ResponsePaths, SameSite, SendPlacement, StorageChoice, StorageKeys, DEFAULT_CODE_FIELD,
    DEFAULT_PROACTIVE_WINDOW_SECS, DEFAULT_REFRESH_TIMEOUT_MS, MAX_TIMER_MS,
};
use super::origin::{default_allowed_origins, is_https, may_receive, origin_of};
use super::retry::{RenewLimit, RetryPolicy};
use super::tabs::coordination_name;
use crate::core::text::{cat, is_latin1};
use core::fmt;
use core::marker::PhantomData;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor,
};
use serde::Deserialize;

/// The kind of a value, named as JavaScript's `typeof` names it (with `null` and `array` apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `undefined`, or a key that is absent.
    Undefined,
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// A `BigInt`.
    BigInt,
    /// A `Symbol`.
    Symbol,
    /// A function.
    Function,
    /// An array.
    Array,
    /// Any other object.
    Object,
}

impl Kind {
    /// The kind's name in messages: `string`, `null`, `array`…
    pub fn name(self) -> &'static str {
        match self {
            Kind::Undefined => "undefined",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::BigInt => "bigint",
            Kind::Symbol => "symbol",
            Kind::Function => "function",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// What is wrong with an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The value is of the wrong kind, or out of range.
    Invalid {
        /// What the option takes, in words (`a header name such as 'Authorization'`).
        expected: &'static str,
        /// What it was given.
        got: Kind,
    },
    /// The key is not an option.
    Unknown {
        /// The keys this object takes.
        expected: &'static [&'static str],
    },
    /// This option and `with` were both given, and they exclude each other.
    Conflict {
        /// The other option.
        with: &'static str,
    },
    /// Reading the value threw (a getter or a proxy of the app's).
    Unreadable,
}

/// A mistake in the options: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The option's dotted path (`refresh.send.header`; `options` for the object itself).
    pub path: String,
    /// What is wrong.
    pub problem: Problem,
}

impl OptionError {
    /// An [`OptionError`] at `path`.
    pub fn new(path: &str, problem: Problem) -> OptionError {
        OptionError { path: path.to_owned(), problem }
    }

    /// The message: ``fetch-with-refresh: option `x` must be … (got string)``, ``unknown option `x`
    /// (expected one of: a, b)``, ``options `x` and `y` exclude each other``, or ``option `x` could
    /// not be read (reading it threw)``. It names kinds, never values.
    pub fn message(&self) -> String {
        let path = self.path.as_str();
        match &self.problem {
            Problem::Invalid { expected, got } => {
                cat(&[PREFIX, "option `", path, "` must be ", expected, " (got ", got.name(), ")"])
            }
            Problem::Unknown { expected } => {
                let mut text = cat(&[PREFIX, "unknown option `", path, "` (expected one of: "]);
                for (i, key) in expected.iter().enumerate() {
                    if i > 0 {
                        text.push_str(", ");
                    }
                    text.push_str(key);
                }
                text.push(')');
                text
            }
            Problem::Conflict { with } => {
                cat(&[PREFIX, "options `", path, "` and `", with, "` exclude each other"])
            }
            Problem::Unreadable => cat(&[PREFIX, "option `", path, "` could not be read (reading it threw)"]),
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

fn invalid(path: &str, expected: &'static str, got: Kind) -> OptionError {
    OptionError::new(path, Problem::Invalid { expected, got })
}

/// What the options are read from: in the browser the JS values themselves, in tests JSON.
///
/// The host only reports facts about a value (its kind, its text, whether it has the three
/// storage methods) and reads an object one level deep; every decision is [`validate`]'s.
pub trait Host {
    /// A value of the options, as given (deserialized as it is, never converted).
    type Value: DeserializeOwned + Default;
    /// An app function (a custom refresh, a matcher, `onSessionExpired`, `fetch`).
    type Function;
    /// The app's storage object.
    type Storage;

    /// The kind of `value`.
    fn kind(&self, value: &Self::Value) -> Kind;
    /// `value` when it is a string.
    fn text(&self, value: &Self::Value) -> Option<String>;
    /// `value` when it is a number.
    fn number(&self, value: &Self::Value) -> Option<f64>;
    /// `value` when it is a boolean.
    fn boolean(&self, value: &Self::Value) -> Option<bool>;
    /// `value` when it is a function.
    fn function(&self, value: &Self::Value) -> Option<Self::Function>;
    /// `value` when it is an object with `getItem`, `setItem` and `removeItem` functions.
    fn storage(&self, value: &Self::Value) -> Option<Self::Storage>;
    /// The items of `value`, an array (the option at `path`).
    fn items(&self, value: &Self::Value, path: &str) -> Result<Vec<Self::Value>, OptionError>;
    /// Reads `value`, an object (the option at `path`), into `T`, normally with
    /// [`parse_entries`] over the object's properties and the host's serde deserializer.
    fn section<T: DeserializeOwned>(&self, value: &Self::Value, path: &str) -> Result<T, OptionError>;
    /// `url` resolved against the page, as an absolute `href`, or `None` when it is not a URL.
    fn resolve(&self, url: &str) -> Option<String>;
    /// The page's own `href`, when there is a page.
    fn page(&self) -> Option<String>;
}

/// A value as given, or `None` when its key is absent. (`null` is a value: `attach.scheme: null`
/// means the raw token, which is why serde's `Option`, which reads `null` as absent, is not used.)
#[derive(Debug)]
struct Slot<V>(Option<V>);

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Slot(None)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Slot<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        V::deserialize(deserializer).map(|value| Slot(Some(value)))
    }
}

/// The properties of an object of the options as serde reads them: `[key, value]` pairs from the
/// host, handed out one by one, keeping the last key read (so that an error can name it). Every
/// key the object has goes through serde's key matching (serde-wasm-bindgen, asked for a struct,
/// would look up the struct's own keys only and never see an unknown one).
struct Entries<I, D, E> {
    pairs: I,
    value: Option<D>,
    key: Option<String>,
    error: PhantomData<E>,
}

impl<'de, I, D, E> MapAccess<'de> for Entries<I, D, E>
where
    I: Iterator<Item = (String, D)>,
    D: IntoDeserializer<'de, E>,
    E: de::Error,
{
    type Error = E;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        let Some((key, value)) = self.pairs.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(self.key.insert(key).as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        match self.value.take() {
            Some(value) => seed.deserialize(value.into_deserializer()),
            None => Err(E::custom("a key without value")),
        }
    }
}

/// The keys a struct deserialized by serde derive takes (for the message naming an unknown key):
/// a deserializer that only records what `deserialize_struct` is asked for.
fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe;
    #[derive(Debug)]
    struct Keys(&'static [&'static str]);
    impl fmt::Display for Keys {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("keys")
        }
    }
    impl std::error::Error for Keys {}
    impl de::Error for Keys {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Keys(&[])
        }
    }
    impl<'de> Deserializer<'de> for Probe {
        type Error = Keys;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Keys> {
            Err(Keys(&[]))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Keys> {
            Err(Keys(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    match T::deserialize(Probe) {
        Err(Keys(fields)) => fields,
        Ok(_) => &[],
    }
}

/// The path of `key` in the object at `path` (`refresh` + `send` is `refresh.send`); either may
/// be empty (the options themselves are `options`).
pub fn option_path(path: &str, key: &str) -> String {
    match (path.is_empty(), key.is_empty()) {
        (true, true) => "options".to_owned(),
        (true, false) => key.to_owned(),
        (false, true) => path.to_owned(),
        (false, false) => cat(&[path, ".", key]),
    }
}

/// Reads one object of the options (at `path`; empty for the options themselves), given as its
/// `[key, value]` pairs, into `T`; each value is deserialized by the host's serde deserializer
/// (`web/options.rs`'s in the browser, serde_json's in the tests). A key `T` does not take is an
/// [`OptionError`] naming its full path (`refresh.send.hedaer`).
pub fn parse_entries<'de, T, I, D, E>(pairs: I, path: &str) -> Result<T, OptionError>
where
    T: DeserializeOwned,
    I: IntoIterator<Item = (String, D)>,
    D: IntoDeserializer<'de, E>,
    E: de::Error,
{
    let mut entries = Entries { pairs: pairs.into_iter(), value: None, key: None, error: PhantomData };
    match T::deserialize(de::value::MapAccessDeserializer::new(&mut entries)) {
        Ok(value) => Ok(value),
        Err(_) => Err(refusal(path, entries.key.as_deref(), keys_of::<T>())),
    }
}

/// The error for an object of the options that serde refused at `key` (the last key read), when
/// the object takes the keys `expected`. Every value is taken as it is, so the only refusal is a
/// key; a failure on a known key means the deserializer could not read it. (Not generic: one copy
/// for every object of the options.)
fn refusal(path: &str, key: Option<&str>, expected: &'static [&'static str]) -> OptionError {
    let key = key.unwrap_or_default();
    let problem = if key.is_empty() || expected.contains(&key) {
        Problem::Unreadable
    } else {
        Problem::Unknown { expected }
    };
    OptionError { path: option_path(path, key), problem }
}

// The objects of the options, key by key (values as the host gives them).

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawOptions<V> {
    #[serde(rename = "baseURL")]
    base_url: Slot<V>,
    storage: Slot<V>,
    storage_keys: Slot<V>,
    cookie: Slot<V>,
    attach: Slot<V>,
    refresh: Slot<V>,
    proactive_window: Slot<V>,
    access_expired: Slot<V>,
    session_expired: Slot<V>,
    code_field: Slot<V>,
    on_session_expired: Slot<V>,
    allowed_origins: Slot<V>,
    fetch: Slot<V>,
    timeout: Slot<V>,
    cross_tab: Slot<V>,
    retry: Slot<V>,
    renew_limit: Slot<V>,
    auto_refresh: Slot<V>,
    headers: Slot<V>,
    request_timeout: Slot<V>,
    validate_status: Slot<V>,
    envelope: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawEnvelope<V> {
    code: Slot<V>,
    success: Slot<V>,
    data: Slot<V>,
    message: Slot<V>,
}

/// An object whose keys are the app's (the `headers` option): every `[key, value]` pair, in order.
struct AnyKeys<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for AnyKeys<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Pairs<V> {
            type Value = AnyKeys<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyKeys<V>, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(AnyKeys(pairs))
            }
        }
        deserializer.deserialize_map(Pairs(PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawRetry<V> {
    attempts: Slot<V>,
    base_delay: Slot<V>,
    max_delay: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawRenewLimit<V> {
    count: Slot<V>,
    per: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawStorageKeys<V> {
    access_token: Slot<V>,
    refresh_token: Slot<V>,
    expires_at: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawCookie<V> {
    path: Slot<V>,
    domain: Slot<V>,
    same_site: Slot<V>,
    secure: Slot<V>,
    max_age: Slot<V>,
    host_prefix: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawAttach<V> {
    header: Slot<V>,
    scheme: Slot<V>,
    query: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawRefresh<V> {
    url: Slot<V>,
    method: Slot<V>,
    send: Slot<V>,
    response: Slot<V>,
    timeout: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawSend<V> {
    header: Slot<V>,
    scheme: Slot<V>,
    body_field: Slot<V>,
    query: Slot<V>,
    access_token_field: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawResponse<V> {
    access_token: Slot<V>,
    refresh_token: Slot<V>,
    expires_in: Slot<V>,
    expires_at: Slot<V>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default, bound = "V: Deserialize<'de> + Default")]
struct RawMatcher<V> {
    status: Slot<V>,
    codes: Slot<V>,
}

/// What a text option must be.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// An HTTP header name (an RFC 9110 token).
    Header,
    /// An HTTP method (a token too).
    Method,
    /// A dotted path with no empty segment.
    Path,
    /// A non-empty string.
    Name,
    /// Any string.
    Url,
    /// A cookie path: starts with `/`, no `;`.
    CookiePath,
    /// A cookie domain: not empty, no `;` or space.
    Domain,
}

impl Rule {
    fn expected(self) -> &'static str {
        match self {
            Rule::Header => "a header name such as 'Authorization'",
            Rule::Method => "an HTTP method such as 'POST'",
            Rule::Path => "a dotted path such as 'data.token'",
            Rule::Name => "a non-empty string",
            Rule::Url => "a URL string such as '/api' or 'https://api.example.com'",
            Rule::CookiePath => "a path starting with '/'",
            Rule::Domain => "a domain name",
        }
    }

    fn accepts(self, text: &str) -> bool {
        match self {
            Rule::Header | Rule::Method => is_token(text),
            Rule::Path => text.split('.').all(|segment| !segment.is_empty()),
            Rule::Name => !text.is_empty(),
            Rule::Url => true,
            Rule::CookiePath => text.starts_with('/') && !text.contains(';'),
            Rule::Domain => !text.is_empty() && !text.contains([';', ' ']),
        }
    }
}

/// Whether `text` is an HTTP token (RFC 9110 §5.6.2): what header names and methods are made of.
pub fn is_token(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

const MS: &str = "a number of milliseconds from 1 to 2147483647";
const SECONDS: &str = "a number of seconds (0 or more)";
const SCHEME: &str = "a string such as 'Bearer', or null for the raw token";
const OBJECT: &str = "an object";
const FUNCTION: &str = "a function";
const STORAGE: &str =
    "'localStorage', 'sessionStorage', 'cookie', 'memory' or an object with getItem, setItem and removeItem";
const REFRESH: &str = "an object such as { url: '/auth/refresh' } or an async function returning new tokens";
const MATCHER: &str = "an object such as { status: [401], codes: [50014] } or a function";
const STATUS: &str = "an array of HTTP statuses such as [401]";
const CODES: &str = "an array of codes (numbers or strings) such as [50014]";
const ORIGINS: &str = "an array of origins such as ['https://api.example.com']";
const ORIGINS_HTTPS: &str =
    "an array of https: origins on an https: page (http: only for localhost, 127.0.0.1 or [::1])";
const REFRESH_URL_HTTPS: &str =
    "an https: URL on an https: page (http: only for localhost, 127.0.0.1 or [::1])";
const SAME_SITE: &str = "'Strict', 'Lax' or 'None'";
const BOOLEAN: &str = "true or false";
const ATTEMPTS: &str = "a whole number of retries from 0 to 10";
const DELAY: &str = "a number of milliseconds from 0 to 2147483647";
const COUNT: &str = "a whole number of refreshes from 1 to 1000";
const PER: &str = "a number of seconds above 0";
const REQUEST_TIMEOUT: &str = "a number of milliseconds from 0 (none) to 2147483647";
const VALIDATE_STATUS: &str = "a function of the status returning true to resolve, or null for every status";
const ENVELOPE: &str = "true, false or an object such as { code: 'code', success: [0], data: 'data' }";
const ENVELOPE_DATA: &str = "a dotted path such as 'data', or null for the whole body";
const HEADER_VALUE: &str = "a header value string (ISO-8859-1, no line breaks)";

/// The options, validated, with the defaults applied: what the client is built from.
#[derive(Debug)]
pub struct Settings<F, S> {
    /// What the driver needs.
    pub config: Config<F>,
    /// Where the tokens are kept.
    pub storage: StorageChoice<S>,
    /// The `cookie` option (for the cookie storage).
    pub cookie: CookieOptions,
    /// The `fetch` option: the transport the app gives, if any.
    pub fetch: Option<F>,
    /// The defaults of the axios-shaped calls.
    pub calls: CallDefaults<F>,
}

/// Reads and validates the options object `options` through `host`.
pub fn validate<H: Host>(
    host: &H,
    options: &H::Value,
) -> Result<Settings<H::Function, H::Storage>, OptionError> {
    let r = Reader { host };
    let kind = host.kind(options);
    if kind != Kind::Object {
        return Err(invalid("options", OBJECT, kind));
    }
    let o: RawOptions<H::Value> = host.section(options, "")?;

    let keys: RawStorageKeys<H::Value> = r.section(&o.storage_keys, "storageKeys")?.unwrap_or_default();
    let access = r.text(&keys.access_token, "storageKeys.accessToken", Rule::Name)?;
    let refresh = r.text(&keys.refresh_token, "storageKeys.refreshToken", Rule::Name)?;
    let expires_at = r.text(&keys.expires_at, "storageKeys.expiresAt", Rule::Name)?;
    let defaults = StorageKeys::default();
    let storage_keys = StorageKeys {
        access: access.unwrap_or(defaults.access),
        refresh: refresh.unwrap_or(defaults.refresh),
        expires_at: expires_at.unwrap_or(defaults.expires_at),
    };

    let cookie = r.cookie(&o.cookie)?;
    let attach = r.attach(&o.attach)?;
    let base_url = r.text(&o.base_url, "baseURL", Rule::Url)?;
    let code_field = r.text(&o.code_field, "codeField", Rule::Path)?;
    let storage = r.storage(&o.storage)?;
    let timeout = r.number(&o.timeout, "timeout", 1.0, MAX_TIMER_MS, MS)?;
    let (refresher, refresh_timeout) = r.refresher(&o.refresh)?;
    if let Refresher::Endpoint(endpoint) = &refresher {
        // The refresh token goes there: never over plain http from an https page.
        let href = host.resolve(&super::url::join(base_url.as_deref(), &endpoint.url));
        let origin = href.as_deref().and_then(origin_of);
        if origin.is_some_and(|origin| !may_receive(&origin, is_https(host.page().as_deref()))) {
            return Err(invalid("refresh.url", REFRESH_URL_HTTPS, Kind::String));
        }
    }
    let window = r.number(&o.proactive_window, "proactiveWindow", 0.0, f64::MAX, SECONDS)?;
    let access_expired = r.matcher(&o.access_expired, ACCESS_EXPIRED, default_access_expired)?;
    let session_expired = r.matcher(&o.session_expired, SESSION_EXPIRED, default_session_expired)?;
    let on_session_expired = r.function(&o.on_session_expired, "onSessionExpired")?;
    let allowed_origins = r.allowed_origins(&o.allowed_origins, base_url.as_deref())?;
    let fetch = r.function(&o.fetch, "fetch")?;
    // Tokens kept in memory are this page's alone: by default they are not coordinated, so that
    // they are never written to IndexedDB either.
    let cross_tab = r.flag(&o.cross_tab, "crossTab")?.unwrap_or(!matches!(storage, StorageChoice::Memory));
    let coordination =
        cross_tab.then(|| coordination_name(storage.name(), &storage_keys.access, &storage_keys.refresh));

    let retry = r.retry(&o.retry)?;
    let renew_limit = r.renew_limit(&o.renew_limit)?;
    let auto_refresh = r.flag(&o.auto_refresh, "autoRefresh")?.unwrap_or(false);

    let config = Config {
        base_url,
        allowed_origins,
        attach,
        refresher,
        timeout_ms: refresh_timeout.or(timeout).unwrap_or(DEFAULT_REFRESH_TIMEOUT_MS),
        window_ms: window.unwrap_or(DEFAULT_PROACTIVE_WINDOW_SECS) * 1000.0,
        access_expired,
        session_expired,
        code_field: code_field.unwrap_or_else(|| DEFAULT_CODE_FIELD.to_owned()),
        on_session_expired,
        storage_keys,
        retry,
        renew_limit,
        coordination,
        auto_refresh,
    };
    let calls = CallDefaults {
        headers: r.headers(&o.headers)?,
        timeout_ms: r
            .number(&o.request_timeout, "requestTimeout", 0.0, MAX_TIMER_MS, REQUEST_TIMEOUT)?
            .unwrap_or(0.0),
        validate_status: r.validate_status(&o.validate_status)?,
        envelope: r.envelope(&o.envelope)?,
    };
    Ok(Settings { config, storage, cookie, fetch, calls })
}

/// Whether `text` can be a header value as given: ISO-8859-1, without the line breaks and NUL
/// that `Headers` refuses.
pub fn is_header_value(text: &str) -> bool {
    is_latin1(text) && !text.contains(['\r', '\n', '\0'])
}

/// The paths of a matcher option.
struct MatcherPaths {
    root: &'static str,
    status: &'static str,
    codes: &'static str,
}

const ACCESS_EXPIRED: MatcherPaths =
    MatcherPaths { root: "accessExpired", status: "accessExpired.status", codes: "accessExpired.codes" };
const SESSION_EXPIRED: MatcherPaths =
    MatcherPaths { root: "sessionExpired", status: "sessionExpired.status", codes: "sessionExpired.codes" };

/// The longest array an option takes (statuses, codes, origins): longer ones are refused, and a
/// host reads at most one item more.
pub const MAX_ITEMS: usize = 256;

struct Reader<'h, H> {
    host: &'h H,
}

impl<H: Host> Reader<'_, H> {
    fn kind(&self, value: &H::Value) -> Kind {
        self.host.kind(value)
    }

    /// An object option read into `T`, or `None` when absent.
    fn section<T: DeserializeOwned>(
        &self,
        slot: &Slot<H::Value>,
        path: &str,
    ) -> Result<Option<T>, OptionError> {
        match &slot.0 {
            None => Ok(None),
            Some(value) => self.object(value, path, OBJECT).map(Some),
        }
    }

    /// `value`, an object, read into `T`; anything else is refused as not `expected`.
    fn object<T: DeserializeOwned>(
        &self,
        value: &H::Value,
        path: &str,
        expected: &'static str,
    ) -> Result<T, OptionError> {
        match self.kind(value) {
            Kind::Object => self.host.section(value, path),
            kind => Err(invalid(path, expected, kind)),
        }
    }

    /// A string option passing `rule`, or `None` when absent.
    fn text(&self, slot: &Slot<H::Value>, path: &str, rule: Rule) -> Result<Option<String>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        match self.host.text(value) {
            Some(text) if rule.accepts(&text) => Ok(Some(text)),
            _ => Err(invalid(path, rule.expected(), self.kind(value))),
        }
    }

    /// A scheme: a string, or `null` for the raw token. `Err` is absent: `Ok(None)` is `null`.
    fn scheme(&self, slot: &Slot<H::Value>, path: &str) -> Result<Option<Option<String>>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        match (self.kind(value), self.host.text(value)) {
            (Kind::Null, _) => Ok(Some(None)),
            (_, Some(text)) => Ok(Some(Some(text))),
            (kind, None) => Err(invalid(path, SCHEME, kind)),
        }
    }

    /// A finite number in `min..=max`, or `None` when absent.
    fn number(
        &self,
        slot: &Slot<H::Value>,
        path: &str,
        min: f64,
        max: f64,
        expected: &'static str,
    ) -> Result<Option<f64>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        match self.host.number(value) {
            Some(n) if n.is_finite() && n >= min && n <= max => Ok(Some(n)),
            _ => Err(invalid(path, expected, self.kind(value))),
        }
    }

    /// A function option, or `None` when absent.
    fn function(&self, slot: &Slot<H::Value>, path: &str) -> Result<Option<H::Function>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        match self.host.function(value) {
            Some(function) => Ok(Some(function)),
            None => Err(invalid(path, FUNCTION, self.kind(value))),
        }
    }

    /// The items of an array option, or `None` when absent.
    fn items(
        &self,
        slot: &Slot<H::Value>,
        path: &str,
        expected: &'static str,
    ) -> Result<Option<Vec<H::Value>>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        match self.kind(value) {
            Kind::Array => {
                let items = self.host.items(value, path)?;
                if items.len() > MAX_ITEMS {
                    return Err(invalid(path, expected, Kind::Array));
                }
                Ok(Some(items))
            }
            kind => Err(invalid(path, expected, kind)),
        }
    }

    fn storage(&self, slot: &Slot<H::Value>) -> Result<StorageChoice<H::Storage>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(StorageChoice::Local) };
        if let Some(name) = self.host.text(value) {
            return match name.as_str() {
                "localStorage" => Ok(StorageChoice::Local),
                "sessionStorage" => Ok(StorageChoice::Session),
                "cookie" => Ok(StorageChoice::Cookie),
                "memory" => Ok(StorageChoice::Memory),
                _ => Err(invalid("storage", STORAGE, Kind::String)),
            };
        }
        match self.kind(value) {
            Kind::Object => self.host.storage(value).map(StorageChoice::Custom),
            _ => None,
        }
        .ok_or_else(|| invalid("storage", STORAGE, self.kind(value)))
    }

    fn cookie(&self, slot: &Slot<H::Value>) -> Result<CookieOptions, OptionError> {
        let Some(c) = self.section::<RawCookie<H::Value>>(slot, "cookie")? else {
            return Ok(CookieOptions::default());
        };
        let path = self.text(&c.path, "cookie.path", Rule::CookiePath)?;
        let domain = self.text(&c.domain, "cookie.domain", Rule::Domain)?;
        let same_site = self.text(&c.same_site, "cookie.sameSite", Rule::Name)?;
        let same_site = match same_site.as_deref() {
            None => None,
            Some("Strict") => Some(SameSite::Strict),
            Some("Lax") => Some(SameSite::Lax),
            Some("None") => Some(SameSite::None),
            Some(_) => return Err(invalid("cookie.sameSite", SAME_SITE, Kind::String)),
        };
        let secure = self.flag(&c.secure, "cookie.secure")?;
        let host_prefix = self.flag(&c.host_prefix, "cookie.hostPrefix")?.unwrap_or(false);
        // A `__Host-` cookie is kept only when it is `Secure`, `Path=/` and has no `Domain`.
        if host_prefix {
            if domain.is_some() {
                return Err(OptionError::new(
                    "cookie.hostPrefix",
                    Problem::Conflict { with: "cookie.domain" },
                ));
            }
            if secure == Some(false) {
                return Err(invalid(
                    "cookie.secure",
                    "true (or left out) with `cookie.hostPrefix`",
                    Kind::Boolean,
                ));
            }
            if path.as_deref().is_some_and(|path| path != "/") {
                return Err(invalid(
                    "cookie.path",
                    "'/' (or left out) with `cookie.hostPrefix`",
                    Kind::String,
                ));
            }
        }
        Ok(CookieOptions {
            path,
            domain,
            same_site,
            secure,
            max_age: self.number(&c.max_age, "cookie.maxAge", 0.0, f64::MAX, SECONDS)?,
            host_prefix,
        })
    }

    fn retry(&self, slot: &Slot<H::Value>) -> Result<RetryPolicy, OptionError> {
        let defaults = RetryPolicy::default();
        let Some(o) = self.section::<RawRetry<H::Value>>(slot, "retry")? else { return Ok(defaults) };
        let attempts = self.number(&o.attempts, "retry.attempts", 0.0, 10.0, ATTEMPTS)?;
        if attempts.is_some_and(|n| n.fract() != 0.0) {
            return Err(invalid("retry.attempts", ATTEMPTS, Kind::Number));
        }
        let base = self.number(&o.base_delay, "retry.baseDelay", 0.0, MAX_TIMER_MS, DELAY)?;
        let max = self.number(&o.max_delay, "retry.maxDelay", 0.0, MAX_TIMER_MS, DELAY)?;
        let policy = RetryPolicy {
            attempts: attempts.map_or(defaults.attempts, |n| n as u32),
            base_delay_ms: base.unwrap_or(defaults.base_delay_ms),
            max_delay_ms: max.unwrap_or(defaults.max_delay_ms),
        };
        if policy.max_delay_ms < policy.base_delay_ms {
            return Err(invalid(
                "retry.maxDelay",
                "a number of milliseconds not below retry.baseDelay",
                Kind::Number,
            ));
        }
        Ok(policy)
    }

    fn renew_limit(&self, slot: &Slot<H::Value>) -> Result<RenewLimit, OptionError> {
        let defaults = RenewLimit::default();
        let Some(o) = self.section::<RawRenewLimit<H::Value>>(slot, "renewLimit")? else {
            return Ok(defaults);
        };
        let count = self.number(&o.count, "renewLimit.count", 1.0, 1000.0, COUNT)?;
        if count.is_some_and(|n| n.fract() != 0.0) {
            return Err(invalid("renewLimit.count", COUNT, Kind::Number));
        }
        let per = self.number(&o.per, "renewLimit.per", 0.001, MAX_TIMER_MS / 1000.0, PER)?;
        Ok(RenewLimit {
            count: count.map_or(defaults.count, |n| n as u32),
            per_ms: per.map_or(defaults.per_ms, |s| s * 1000.0),
        })
    }

    fn flag(&self, slot: &Slot<H::Value>, path: &'static str) -> Result<Option<bool>, OptionError> {
        match &slot.0 {
            None => Ok(None),
            Some(value) => match self.host.boolean(value) {
                Some(flag) => Ok(Some(flag)),
                None => Err(invalid(path, BOOLEAN, self.kind(value))),
            },
        }
    }

    fn attach(&self, slot: &Slot<H::Value>) -> Result<Attach, OptionError> {
        let Some(a) = self.section::<RawAttach<H::Value>>(slot, "attach")? else {
            return Ok(Attach::default());
        };
        let header = self.text(&a.header, "attach.header", Rule::Header)?;
        let scheme = self.scheme(&a.scheme, "attach.scheme")?;
        if let Some(name) = self.text(&a.query, "attach.query", Rule::Name)? {
            return match (&a.header.0, &a.scheme.0) {
                (None, None) => Ok(Attach::Query { name }),
                (Some(_), _) => {
                    Err(OptionError::new("attach.query", Problem::Conflict { with: "attach.header" }))
                }
                (None, Some(_)) => {
                    Err(OptionError::new("attach.query", Problem::Conflict { with: "attach.scheme" }))
                }
            };
        }
        match Attach::default() {
            Attach::Header { name, scheme: bearer } => {
                Ok(Attach::Header { name: header.unwrap_or(name), scheme: scheme.unwrap_or(bearer) })
            }
            query => Ok(query),
        }
    }

    /// `refresh`: the app's function, or the endpoint with its own timeout when it has one.
    fn refresher(&self, slot: &Slot<H::Value>) -> Result<(Refresher<H::Function>, Option<f64>), OptionError> {
        let value = slot.0.as_ref();
        if let Some(function) = value.and_then(|v| self.host.function(v)) {
            return Ok((Refresher::Custom(function), None));
        }
        let Some(value) = value else { return Err(invalid("refresh", REFRESH, Kind::Undefined)) };
        let r: RawRefresh<H::Value> = self.object(value, "refresh", REFRESH)?;
        let url = self.text(&r.url, "refresh.url", Rule::Url)?;
        let method = self.text(&r.method, "refresh.method", Rule::Method)?;
        let Some(url) = url else {
            return Err(invalid("refresh.url", Rule::Url.expected(), Kind::Undefined));
        };
        let send: RawSend<H::Value> = self.section(&r.send, "refresh.send")?.unwrap_or_default();
        let header = self.text(&send.header, "refresh.send.header", Rule::Header)?;
        let body_field = self.text(&send.body_field, "refresh.send.bodyField", Rule::Name)?;
        let query = self.text(&send.query, "refresh.send.query", Rule::Name)?;
        let access_token_field =
            self.text(&send.access_token_field, "refresh.send.accessTokenField", Rule::Name)?;
        let scheme = self.scheme(&send.scheme, "refresh.send.scheme")?.flatten();
        let response: RawResponse<H::Value> =
            self.section(&r.response, "refresh.response")?.unwrap_or_default();
        let access = self.text(&response.access_token, "refresh.response.accessToken", Rule::Path)?;
        let refresh = self.text(&response.refresh_token, "refresh.response.refreshToken", Rule::Path)?;
        let expires_in = self.text(&response.expires_in, "refresh.response.expiresIn", Rule::Path)?;
        let expires_at = self.text(&response.expires_at, "refresh.response.expiresAt", Rule::Path)?;
        let endpoint = RefreshEndpoint {
            url,
            method: method.map_or_else(|| "POST".to_owned(), |m| m.to_ascii_uppercase()),
            send: SendPlacement { header, scheme, body_field, query, access_token_field },
            response: ResponsePaths { access, refresh, expires_in, expires_at },
        };
        let timeout = self.number(&r.timeout, "refresh.timeout", 1.0, MAX_TIMER_MS, MS)?;
        Ok((Refresher::Endpoint(Box::new(endpoint)), timeout))
    }

    fn matcher(
        &self,
        slot: &Slot<H::Value>,
        paths: MatcherPaths,
        default: fn() -> MatchRules,
    ) -> Result<Matcher<H::Function>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(Matcher::Rules(default())) };
        if let Some(function) = self.host.function(value) {
            return Ok(Matcher::Custom(function));
        }
        let m: RawMatcher<H::Value> = self.object(value, paths.root, MATCHER)?;
        let mut rules = MatchRules::default();
        for item in self.items(&m.status, paths.status, STATUS)?.unwrap_or_default() {
            match self.host.number(&item) {
                Some(s) if s.fract() == 0.0 && (100.0..=599.0).contains(&s) => rules.status.push(s as u16),
                _ => return Err(invalid(paths.status, STATUS, self.kind(&item))),
            }
        }
        rules.codes = self.codes(&m.codes, paths.codes)?.unwrap_or_default();
        Ok(Matcher::Rules(rules))
    }

    /// An array of business codes (numbers or strings), or `None` when absent.
    fn codes(&self, slot: &Slot<H::Value>, path: &str) -> Result<Option<Vec<Code>>, OptionError> {
        let Some(items) = self.items(slot, path, CODES)? else { return Ok(None) };
        let mut codes = Vec::with_capacity(items.len());
        for item in items {
            let code = match self.host.text(&item) {
                // An empty code can never be a body's code: it is left out.
                Some(text) if text.trim_ascii().is_empty() => continue,
                Some(text) => Some(Code::from_text(&text)),
                None => self.host.number(&item).and_then(Code::from_number),
            };
            match code {
                Some(code) => codes.push(code),
                None => return Err(invalid(path, CODES, self.kind(&item))),
            }
        }
        Ok(Some(codes))
    }

    /// The `headers` option: header names and string values, in order.
    fn headers(&self, slot: &Slot<H::Value>) -> Result<Vec<(String, String)>, OptionError> {
        let Some(AnyKeys(pairs)) = self.section::<AnyKeys<H::Value>>(slot, "headers")? else {
            return Ok(Vec::new());
        };
        let mut headers = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let path = option_path("headers", &name);
            if !is_token(&name) {
                return Err(invalid(&path, Rule::Header.expected(), Kind::String));
            }
            match self.host.text(&value) {
                Some(text) if is_header_value(&text) => headers.push((name, text)),
                _ => return Err(invalid(&path, HEADER_VALUE, self.kind(&value))),
            }
        }
        Ok(headers)
    }

    /// `validateStatus`: a function, or `null` for every status.
    fn validate_status(&self, slot: &Slot<H::Value>) -> Result<Validate<H::Function>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(Validate::Success) };
        if self.kind(value) == Kind::Null {
            return Ok(Validate::Any);
        }
        match self.host.function(value) {
            Some(function) => Ok(Validate::Custom(function)),
            None => Err(invalid("validateStatus", VALIDATE_STATUS, self.kind(value))),
        }
    }

    /// `envelope`: `true` for `{code, data, message}` with success code 0, an object for other
    /// paths and codes, `false` (or absent) for none.
    fn envelope(&self, slot: &Slot<H::Value>) -> Result<Option<Envelope>, OptionError> {
        let Some(value) = &slot.0 else { return Ok(None) };
        if let Some(on) = self.host.boolean(value) {
            return Ok(on.then(Envelope::default));
        }
        let e: RawEnvelope<H::Value> = self.object(value, "envelope", ENVELOPE)?;
        let data = match &e.data.0 {
            None => None,
            Some(value) if self.kind(value) == Kind::Null => Some(None),
            Some(value) => match self.host.text(value) {
                Some(text) if Rule::Path.accepts(&text) => Some(Some(text)),
                _ => return Err(invalid("envelope.data", ENVELOPE_DATA, self.kind(value))),
            },
        };
        Ok(Some(Envelope::default().with(
            self.text(&e.code, "envelope.code", Rule::Path)?,
            self.codes(&e.success, "envelope.success")?,
            data,
            self.text(&e.message, "envelope.message", Rule::Path)?,
        )))
    }

    /// `allowedOrigins`, each entry resolved against the page and reduced to its origin; by
    /// default the page's origin and `baseURL`'s.
    fn allowed_origins(
        &self,
        slot: &Slot<H::Value>,
        base_url: Option<&str>,
    ) -> Result<Vec<String>, OptionError> {
        let Some(items) = self.items(slot, "allowedOrigins", ORIGINS)? else {
            let page = self.host.page();
            let base = base_url.and_then(|url| self.host.resolve(url));
            return Ok(default_allowed_origins(page.as_deref(), base.as_deref()));
        };
        let mut origins = Vec::with_capacity(items.len());
        let https = is_https(self.host.page().as_deref());
        for item in &items {
            let origin = self
                .host
                .text(item)
                .and_then(|url| self.host.resolve(&url))
                .and_then(|href| origin_of(&href));
            match origin {
                Some(origin) if !may_receive(&origin, https) => {
                    return Err(invalid("allowedOrigins", ORIGINS_HTTPS, Kind::String))
                }
                Some(origin) if !origins.contains(&origin) => origins.push(origin),
                Some(_) => {}
                None => return Err(invalid("allowedOrigins", ORIGINS, self.kind(item))),
            }
        }
        Ok(origins)
    }
}

#[cfg(test)]
mod tests;
