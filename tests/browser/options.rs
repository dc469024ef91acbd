//! `web::options::read`: the options object read by serde-wasm-bindgen and validated by the core,
//! over real JS values (functions, getters, prototypes, proxies, cycles) and the page's `location`.

use crate::support::*;
use fetch_with_refresh::core::classify::Code;
use fetch_with_refresh::core::options::{
    Attach, Matcher, Refresher, SameSite, StorageChoice, DEFAULT_REFRESH_TIMEOUT_MS,
};
use fetch_with_refresh::web::options::{read, Options};
use js_sys::Object;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn accepted(options: &str) -> Options {
    read(&js(options)).unwrap_or_else(|e| panic!("{options} refused: {}", message(&e)))
}

/// The message of the `TypeError` `read` gives for `options`.
fn refused(options: &str) -> String {
    match read(&js(options)) {
        Ok(_) => panic!("{options} was accepted"),
        Err(error) => {
            assert!(error.is_instance_of::<js_sys::TypeError>(), "{options}: not a TypeError: {error:?}");
            message(&error)
        }
    }
}

fn page_origin() -> String {
    js("location.origin").as_string().unwrap()
}

#[wasm_bindgen_test]
fn bad_options_give_a_type_error_naming_the_option() {
    // Every case of exports.rs's `bad_options_throw_a_type_error_naming_the_option`, and more.
    let cases = [
        ("{storage: 'memory'}", "refresh"),
        ("{storage: 'disk', refresh: {url: '/r'}}", "storage"),
        ("{proactiveWindow: '30', refresh: {url: '/r'}}", "proactiveWindow"),
        ("{proactiveWindow: -1, refresh: {url: '/r'}}", "proactiveWindow"),
        ("{proactiveWindow: Infinity, refresh: {url: '/r'}}", "proactiveWindow"),
        ("{proactiveWindow: NaN, refresh: {url: '/r'}}", "proactiveWindow"),
        ("{attach: {header: 'Bad Header'}, refresh: {url: '/r'}}", "attach.header"),
        ("{accessExpired: {status: ['401']}, refresh: {url: '/r'}}", "accessExpired.status"),
        ("{cookie: {sameSite: 'lax'}, refresh: {url: '/r'}}", "cookie.sameSite"),
        ("{proactivewindow: 30, refresh: {url: '/r'}}", "proactivewindow"),
        ("{refresh: {url: 5}}", "refresh.url"),
        ("{allowedOrigins: 'x', refresh: {url: '/r'}}", "allowedOrigins"),
        ("{allowedOrigins: [42], refresh: {url: '/r'}}", "allowedOrigins"),
        ("{allowedOrigins: ['data:text/plain,x'], refresh: {url: '/r'}}", "allowedOrigins"),
        ("{allowedOrigins: ['http://['], refresh: {url: '/r'}}", "allowedOrigins"),
        ("{refresh: {url: '/r', timeout: 0}}", "refresh.timeout"),
        ("{refresh: {url: '/r', sned: {}}}", "refresh.sned"),
        ("{refresh: {url: '/r', send: {header: 'a b'}}}", "refresh.send.header"),
        ("{refresh: {url: '/r', response: {accessToken: 'data.'}}}", "refresh.response.accessToken"),
        ("{refresh: 'x'}", "refresh"),
        ("{refresh: null}", "refresh"),
        ("{sessionExpired: {codes: [1.5]}, refresh: {url: '/r'}}", "sessionExpired.codes"),
        ("{accessExpired: {status: 401}, refresh: {url: '/r'}}", "accessExpired.status"),
        ("{accessExpired: {status: [401n]}, refresh: {url: '/r'}}", "accessExpired.status"),
        ("{storageKeys: {accessToken: ''}, refresh: {url: '/r'}}", "storageKeys.accessToken"),
        ("{codeField: '', refresh: {url: '/r'}}", "codeField"),
        ("{codeField: () => 'code', refresh: {url: '/r'}}", "codeField"),
        ("{onSessionExpired: 'no', refresh: {url: '/r'}}", "onSessionExpired"),
        ("{fetch: 'no', refresh: {url: '/r'}}", "fetch"),
        ("{baseURL: 5, refresh: {url: '/r'}}", "baseURL"),
        ("{attach: {query: 'token', header: 'X-Token'}, refresh: {url: '/r'}}", "attach.query"),
        ("{cookie: {secure: 'yes'}, refresh: {url: '/r'}}", "cookie.secure"),
        ("{storage: {getItem() {}}, refresh: {url: '/r'}}", "storage"),
        ("{storage: {getItem() {}, setItem() {}, removeItem: 1}, refresh: {url: '/r'}}", "storage"),
        ("{storage: Symbol('x'), refresh: {url: '/r'}}", "storage"),
    ];
    for (options, option) in cases {
        let text = refused(options);
        assert!(
            text.contains(&format!("`{option}`")),
            "{options}: the message {text:?} does not name `{option}`"
        );
        assert!(text.starts_with("fetch-with-refresh: "), "{text}");
    }
    for (options, kind) in [
        ("null", "null"),
        ("undefined", "undefined"),
        ("'x'", "string"),
        ("[]", "array"),
        ("() => ({})", "function"),
    ] {
        assert_eq!(
            refused(options),
            format!("fetch-with-refresh: option `options` must be an object (got {kind})"),
            "{options}"
        );
    }
    // Kinds are named as `typeof` names them, values never.
    assert_eq!(
        refused("{storage: 'my-secret', refresh: {url: '/r'}}"),
        "fetch-with-refresh: option `storage` must be 'localStorage', 'sessionStorage', 'cookie', 'memory' or \
         an object with getItem, setItem and removeItem (got string)"
    );
    assert_eq!(
        refused("{accessExpired: {status: [401n]}, refresh: {url: '/r'}}"),
        "fetch-with-refresh: option `accessExpired.status` must be an array of HTTP statuses such as [401] \
         (got bigint)"
    );
}

#[wasm_bindgen_test]
fn timeouts_above_the_largest_timer_are_refused() {
    let expected = |option: &str| {
        format!(
            "fetch-with-refresh: option `{option}` must be a number of milliseconds from 1 to 2147483647 \
             (got number)"
        )
    };
    assert_eq!(refused("{refresh: {url: '/r', timeout: 2 ** 31}}"), expected("refresh.timeout"));
    assert_eq!(refused("{refresh: async () => null, timeout: 2 ** 31}"), expected("timeout"));
    assert_eq!(refused("{refresh: {url: '/r', timeout: Infinity}}"), expected("refresh.timeout"));
    assert_eq!(accepted("{refresh: {url: '/r', timeout: 2 ** 31 - 1}}").config.timeout_ms, 2_147_483_647.0);
    assert_eq!(accepted("{refresh: async () => null, timeout: 1}").config.timeout_ms, 1.0);
}

#[wasm_bindgen_test]
fn unknown_nested_keys_are_named_by_their_full_path() {
    assert_eq!(
        refused("{refresh: {url: '/r', send: {hedaer: 'X-Refresh'}}}"),
        "fetch-with-refresh: unknown option `refresh.send.hedaer` (expected one of: header, scheme, bodyField, \
         query, accessTokenField)"
    );
    assert_eq!(
        refused("{refresh: {url: '/r'}, cookie: {httpOnly: true}}"),
        "fetch-with-refresh: unknown option `cookie.httpOnly` (expected one of: path, domain, sameSite, secure, \
         maxAge, hostPrefix)"
    );
}

#[wasm_bindgen_test]
fn every_documented_option_is_read() {
    let options = js(EVERY_OPTION);
    let o = read(&options).unwrap_or_else(|e| panic!("documented options refused: {}", message(&e)));
    let c = &o.config;
    assert_eq!(c.base_url.as_deref(), Some("https://api.test/v1"));
    assert_eq!(c.allowed_origins, ["https://api.test", "http://127.0.0.1:1"]);
    assert_eq!(c.attach, Attach::Header { name: "X-Token".into(), scheme: None });
    assert_eq!(c.timeout_ms, 5000.0);
    assert_eq!(c.window_ms, 0.0);
    assert_eq!(c.code_field, "meta.code");
    assert_eq!((c.storage_keys.access.as_str(), c.storage_keys.expires_at.as_str()), ("tk", "exp"));
    let Matcher::Rules(rules) = &c.access_expired else { panic!("accessExpired is rules") };
    assert_eq!(rules.status, [401]);
    assert_eq!(rules.codes, [Code::from_text("50014"), Code::from_text("409")]);
    // Functions are the app's own.
    let Matcher::Custom(session_expired) = &c.session_expired else { panic!("sessionExpired is a function") };
    assert!(Object::is(session_expired, &get(&options, "sessionExpired")));
    assert!(Object::is(c.on_session_expired.as_ref().unwrap(), &get(&options, "onSessionExpired")));
    assert!(Object::is(o.fetch.as_ref().unwrap(), &get(&options, "fetch")));
    let Refresher::Endpoint(endpoint) = &c.refresher else { panic!("an endpoint") };
    assert_eq!((endpoint.url.as_str(), endpoint.method.as_str()), ("/refreshJwt/{refreshToken}", "PUT"));
    assert_eq!(endpoint.send.header.as_deref(), Some("X-Refresh"));
    assert_eq!(endpoint.response.expires_at.as_deref(), Some("data.exp"));
    assert_eq!(o.storage, StorageChoice::Memory);
    assert_eq!(o.cookie.same_site, Some(SameSite::Strict));
    assert_eq!(o.cookie.max_age, Some(3600.0));

    for (storage, expected) in [
        ("'localStorage'", StorageChoice::Local),
        ("'sessionStorage'", StorageChoice::Session),
        ("'cookie'", StorageChoice::Cookie),
        ("'memory'", StorageChoice::Memory),
    ] {
        let o = accepted(&format!("{{storage: {storage}, refresh: async () => null}}"));
        assert_eq!(o.storage, expected, "{storage}");
        assert!(matches!(o.config.refresher, Refresher::Custom(_)));
        assert_eq!(o.config.timeout_ms, DEFAULT_REFRESH_TIMEOUT_MS);
    }
    // A custom storage is the app's object itself, even a class instance with its methods on the
    // prototype.
    let custom =
        js("{storage: {getItem() { return null; }, setItem() {}, removeItem() {}}, refresh: {url: '/r'}}");
    let o = read(&custom).unwrap_or_else(|e| panic!("a custom storage was refused: {}", message(&e)));
    assert!(matches!(o.storage, StorageChoice::Custom(ref s) if Object::is(s, &get(&custom, "storage"))));
    let class = js("{storage: new (class { getItem() { return null; } setItem() {} removeItem() {} })(), refresh: {url: '/r'}}");
    let o = read(&class).unwrap_or_else(|e| panic!("a storage class was refused: {}", message(&e)));
    assert!(matches!(o.storage, StorageChoice::Custom(ref s) if Object::is(s, &get(&class, "storage"))));
    let o = accepted("{attach: {query: 'token'}, refresh: {url: '/r'}}");
    assert_eq!(o.config.attach, Attach::Query { name: "token".into() });
}

#[wasm_bindgen_test]
fn getters_that_throw_are_type_errors_naming_the_option() {
    let cases = [
        ("{get refresh() { throw new Error('boom'); }}", "refresh"),
        ("{refresh: {url: '/r', get send() { throw 'boom'; }}}", "refresh.send"),
        ("{refresh: {url: '/r'}, cookie: {get path() { throw new Error('boom'); }}}", "cookie.path"),
        (
            "{refresh: {url: '/r'}, allowedOrigins: Object.defineProperty([], 0, {get() { throw 1; }})}",
            "allowedOrigins",
        ),
        ("new Proxy({}, {ownKeys() { throw new Error('boom'); }})", "options"),
        // Listing the keys asks for each one's descriptor: the object as a whole cannot be read.
        (
            "new Proxy({refresh: {url: '/r'}}, {getOwnPropertyDescriptor() { throw new Error('boom'); }})",
            "options",
        ),
        ("new Proxy({}, {getPrototypeOf() { throw new Error('boom'); }})", "options"),
    ];
    for (options, option) in cases {
        assert_eq!(
            refused(options),
            format!("fetch-with-refresh: option `{option}` could not be read (reading it threw)"),
            "{options}"
        );
    }
    // A storage whose method getter throws is not a storage.
    let text = refused(
        "{storage: {get getItem() { throw 1; }, setItem() {}, removeItem() {}}, refresh: {url: '/r'}}",
    );
    assert!(text.contains("`storage`") && text.ends_with("(got object)"), "{text}");
    // Each getter is read once.
    js("globalThis.fwrReads = 0");
    accepted("{get refresh() { globalThis.fwrReads += 1; return {url: '/r'}; }}");
    assert_eq!(js("globalThis.fwrReads").as_f64(), Some(1.0), "the getter ran more than once");
    js("delete globalThis.fwrReads");
}

#[wasm_bindgen_test]
fn cyclic_objects_end() {
    let cases = [
        ("(() => { const o = {refresh: {url: '/r'}}; o.self = o; return o; })()", "unknown option `self`"),
        (
            "(() => { const r = {url: '/r'}; r.send = r; return {refresh: r}; })()",
            "unknown option `refresh.send.url`",
        ),
        (
            "(() => { const r = {url: '/r', response: {}}; r.response.accessToken = r; return {refresh: r}; })()",
            "option `refresh.response.accessToken` must be a dotted path such as 'data.token' (got object)",
        ),
        (
            "(() => { const a = []; a.push(a); return {refresh: {url: '/r'}, accessExpired: {status: a}}; })()",
            "option `accessExpired.status` must be an array of HTTP statuses such as [401] (got array)",
        ),
    ];
    for (options, expected) in cases {
        let text = refused(options);
        assert!(text.starts_with(&format!("fetch-with-refresh: {expected}")), "{options}: {text}");
    }
}

#[wasm_bindgen_test]
fn options_are_read_through_prototypes_and_odd_objects() {
    // Options carried by a prototype are read (as `options.refresh` would read them).
    let o = accepted("Object.create({refresh: {url: '/from-prototype'}, storage: 'memory'})");
    let Refresher::Endpoint(endpoint) = &o.config.refresher else { panic!("an endpoint") };
    assert_eq!(endpoint.url, "/from-prototype");
    assert_eq!(o.storage, StorageChoice::Memory);
    // An own property shadows the prototype's, and an own `undefined` is absent.
    let o = accepted(
        "Object.assign(Object.create({storage: 'disk'}), {storage: 'cookie', refresh: {url: '/r'}})",
    );
    assert_eq!(o.storage, StorageChoice::Cookie);
    let o = accepted(
        "{refresh: {url: '/r'}, attach: {header: 'X-Token', scheme: undefined}, timeout: undefined}",
    );
    assert_eq!(o.config.attach, Attach::Header { name: "X-Token".into(), scheme: Some("Bearer".into()) });
    // A class instance, a null-prototype object, non-enumerable and symbol keys.
    let o = accepted(
        "new (class { constructor() { this.refresh = {url: '/r'}; } get storage() { return 'disk'; } })()",
    );
    assert_eq!(o.storage, StorageChoice::Local, "a class's accessor is not an enumerable option");
    accepted(
        "Object.assign(Object.create(null), {refresh: Object.assign(Object.create(null), {url: '/r'})})",
    );
    accepted("Object.defineProperty({refresh: {url: '/r'}}, 'hidden', {value: 1, enumerable: false})");
    accepted("{refresh: {url: '/r'}, [Symbol('x')]: 1}");
    // A key named `__proto__` is a key like any other.
    assert!(refused(
        "JSON.parse('{\"refresh\": {\"url\": \"/r\"}, \"__proto__\": {\"storage\": \"memory\"}}')"
    )
    .contains("unknown option `__proto__`"));
    // Enumerable properties polluting Object.prototype are not options.
    js("Object.defineProperty(Object.prototype, 'polluted', {value: 1, enumerable: true, configurable: true, writable: true})");
    let result = read(&js("{refresh: {url: '/r'}}"));
    js("delete Object.prototype.polluted");
    assert!(result.is_ok(), "a polluted Object.prototype broke the options");
}

#[wasm_bindgen_test]
fn default_allowed_origins_are_the_page_and_base_url() {
    let page = page_origin();
    assert_eq!(accepted("{refresh: {url: '/r'}}").config.allowed_origins, std::slice::from_ref(&page));
    assert_eq!(
        accepted("{baseURL: 'https://API.test:443/v1', refresh: {url: '/r'}}").config.allowed_origins,
        [page.clone(), "https://api.test".to_owned()]
    );
    assert_eq!(
        accepted("{baseURL: '/api', refresh: {url: '/r'}}").config.allowed_origins,
        std::slice::from_ref(&page)
    );
    assert_eq!(
        accepted("{baseURL: 'data:,x', refresh: {url: '/r'}}").config.allowed_origins,
        std::slice::from_ref(&page)
    );
    // Listed origins are resolved against the page and reduced to their origin.
    assert_eq!(
        accepted("{allowedOrigins: ['/x', 'https://user:pw@api.test/v1', 'https://api.test@evil.test'], refresh: {url: '/r'}}")
            .config
            .allowed_origins,
        [page, "https://api.test".to_owned(), "https://evil.test".to_owned()]
    );
    assert!(accepted("{allowedOrigins: [], refresh: {url: '/r'}}").config.allowed_origins.is_empty());
}

#[wasm_bindgen_test]
fn read_never_throws_anything_but_a_type_error() {
    // Values that are not plain data anywhere in the options.
    let odd = [
        "{refresh: {url: '/r'}, storageKeys: new Map([['accessToken', 'a']])}",
        "{refresh: {url: '/r'}, allowedOrigins: new Set(['https://a.test'])}",
        "{refresh: {url: '/r'}, cookie: new Date()}",
        "{refresh: {url: new String('/r')}}",
        "{refresh: {url: '/r'}, accessExpired: {status: new Uint8Array([1])}}",
        "{refresh: {url: '/r'}, accessExpired: {codes: [Symbol('x')]}}",
        "{refresh: {url: '/r'}, codeField: 10n}",
        "{refresh: {url: '/r'}, accessExpired: {status: Object.assign([], {length: 2 ** 32 - 1})}}",
        "{refresh: {url: '/r'}, allowedOrigins: new Proxy([], {get() { throw 1; }})}",
    ];
    for options in odd {
        if let Err(error) = read(&js(options)) {
            assert!(error.is_instance_of::<js_sys::TypeError>(), "{options}: {error:?}");
        }
    }
}
