//! Rule 8, the Rust stores of `web::storage::open`: each kind round-trips the raw strings other
//! code reads; cookies other code set (malformed, duplicated) do not break reading ours; a write
//! that does not stick, a storage that throws or is unavailable, and an app's object that throws,
//! returns odd values or a promise are `StoreError`s, never exceptions. These tests share the
//! page's storage: each clears it before and after.

use crate::support::*;
use fetch_with_refresh::core::events::Fallback;
use fetch_with_refresh::core::options::{CookieOptions, SameSite, StorageChoice, StorageKeys};
use fetch_with_refresh::core::tokens::{Secret, TokenSet};
use fetch_with_refresh::core::vault::TokenVault;
use fetch_with_refresh::ports::{KeyValueStore, StoreError};
use fetch_with_refresh::web::storage::{open, CookieStore, CustomStore};
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn open_kind(choice: StorageChoice<JsValue>) -> Box<dyn KeyValueStore> {
    open(&choice, &CookieOptions::default())
}

fn cookies() -> String {
    js("document.cookie").as_string().unwrap()
}

/// The failure message, or a panic when `result` is not a `StoreError`.
fn failure<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) -> String {
    match result {
        Err(StoreError::Failed(message)) => message,
        Ok(value) => panic!("{what}: succeeded with {value:?}"),
    }
}

fn tokens(access: &str, refresh: &str, expires_at: f64) -> TokenSet {
    TokenSet {
        access: Secret::new(access).unwrap(),
        refresh: Secret::new(refresh),
        expires_at: Some(expires_at),
        issued_at: None,
    }
}

/// A vault over `store`, and the fallback reports it makes.
struct Watched {
    vault: TokenVault,
    reports: RefCell<Vec<Fallback>>,
}

impl Watched {
    fn new(store: Box<dyn KeyValueStore>) -> Watched {
        Watched { vault: TokenVault::new(StorageKeys::default(), store), reports: RefCell::default() }
    }

    fn save(&self, tokens: &TokenSet) {
        self.vault.save(tokens, &|f| self.reports.borrow_mut().push(f));
    }

    fn load(&self) -> Option<TokenSet> {
        self.vault.load(&|f| self.reports.borrow_mut().push(f))
    }

    fn clear(&self) {
        self.vault.clear(&|f| self.reports.borrow_mut().push(f));
    }

    fn fallbacks(&self) -> Vec<Fallback> {
        self.reports.borrow().clone()
    }
}

/// An app storage object over a `Map` (`.m`), like the one a Vue app would pass.
fn map_store() -> JsValue {
    js("(() => { const m = new Map(); return { m, getItem: (k) => m.has(k) ? m.get(k) : null, \
        setItem: (k, v) => { m.set(k, v); }, removeItem: (k) => { m.delete(k); } }; })()")
}

#[wasm_bindgen_test]
fn every_kind_round_trips_through_the_store_port() {
    reset_storage();
    let kinds = [
        (StorageChoice::Local, "localStorage"),
        (StorageChoice::Session, "sessionStorage"),
        (StorageChoice::Cookie, "cookie"),
        (StorageChoice::Memory, "memory"),
        (StorageChoice::Custom(map_store()), "custom"),
    ];
    for (choice, kind) in kinds {
        let store = open_kind(choice);
        assert_eq!(store.kind(), kind);
        assert_eq!(store.get("fwr_k"), Ok(None), "{kind}");
        store.set("fwr_k", "v1 é;=%").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(Some("v1 é;=%".to_owned())), "{kind}");
        store.set("fwr_k", "v2").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(Some("v2".to_owned())), "{kind}");
        store.remove("fwr_k").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(None), "{kind}");
        store.remove("fwr_k").unwrap();
    }
    reset_storage();
}

#[wasm_bindgen_test]
fn values_are_the_raw_strings_other_code_reads() {
    reset_storage();
    let expiry = 1_893_456_000_000.0;
    let custom = map_store();
    let other_code_read = |body: &str, key: &str| {
        func("s, k", body).call2(&JsValue::NULL, &custom, &JsValue::from_str(key)).unwrap().as_string()
    };
    let other_code_write = |body: &str, key: &str, value: &str| {
        func("s, k, v", body)
            .call3(&JsValue::NULL, &custom, &JsValue::from_str(key), &JsValue::from_str(value))
            .unwrap();
    };
    let kinds = [
        (StorageChoice::Local, "return localStorage.getItem(k)", "localStorage.setItem(k, v)"),
        (StorageChoice::Session, "return sessionStorage.getItem(k)", "sessionStorage.setItem(k, v)"),
        (StorageChoice::Custom(custom.clone()), "return s.m.has(k) ? s.m.get(k) : null", "s.m.set(k, v)"),
    ];
    for (choice, read, write) in kinds {
        let watched = Watched::new(open_kind(choice));
        watched.save(&tokens("A1", "R1/+=x", expiry));
        // `A1`, not `"A1"` as gloo's typed set would store it.
        assert_eq!(other_code_read(read, "access_token").as_deref(), Some("A1"), "{read}");
        assert_eq!(other_code_read(read, "refresh_token").as_deref(), Some("R1/+=x"), "{read}");
        assert_eq!(
            other_code_read(read, "access_token_expires_at").as_deref(),
            Some("1893456000000"),
            "{read}"
        );
        assert_eq!(watched.load(), Some(tokens("A1", "R1/+=x", expiry)), "{read}");

        // What other code writes is what the next read gets.
        other_code_write(write, "access_token", "EXT");
        assert_eq!(watched.load().map(|t| t.access.expose().to_owned()).as_deref(), Some("EXT"), "{read}");
        watched.clear();
        assert_eq!(other_code_read(read, "access_token"), None, "{read}");
        assert!(watched.fallbacks().is_empty(), "{read}");
    }

    // Cookies hold the percent-encoded value, as encodeURIComponent writes it.
    let watched = Watched::new(open_kind(StorageChoice::Cookie));
    watched.save(&tokens("A1.b_c-d~", "R1/+=x", expiry));
    let jar = cookies();
    assert!(jar.contains("access_token=A1.b_c-d~"), "{jar}");
    assert!(jar.contains("refresh_token=R1%2F%2B%3Dx"), "{jar}");
    assert!(jar.contains("access_token_expires_at=1893456000000"), "{jar}");
    assert_eq!(watched.load(), Some(tokens("A1.b_c-d~", "R1/+=x", expiry)));
    js("document.cookie = 'access_token=EXT%2F1; Path=/'");
    assert_eq!(watched.load().map(|t| t.access.expose().to_owned()).as_deref(), Some("EXT/1"));
    watched.clear();
    assert!(!cookies().contains("access_token"), "{}", cookies());
    assert!(watched.fallbacks().is_empty());
    reset_storage();
}

/// A partitioned cookie `name=value` (CHIPS): a second cookie of the same name and path next to
/// the unpartitioned one, which a page cannot otherwise get (`history.replaceState` does not move
/// Chromium's cookie URL, and a `Domain` equal to the IP host is the host-only cookie). Removed
/// when dropped, as `reset_storage` only removes unpartitioned cookies.
struct Partitioned {
    name: &'static str,
}

impl Partitioned {
    const ATTRIBUTES: &'static str = "; Path=/; Secure; SameSite=None; Partitioned";

    fn set(name: &'static str, value: &str) -> Partitioned {
        js(&format!("document.cookie = '{name}={value}{}'", Self::ATTRIBUTES));
        Partitioned { name }
    }
}

impl Drop for Partitioned {
    fn drop(&mut self) {
        js(&format!("document.cookie = '{}={}; Max-Age=0'", self.name, Self::ATTRIBUTES));
    }
}

#[wasm_bindgen_test]
fn foreign_malformed_and_duplicate_cookies_do_not_break_reading_ours() {
    reset_storage();
    // Other code's cookies: a bad percent-escape, a pair without `=` (an empty name).
    js("document.cookie = 'bad=%E0%A4%A; Path=/'");
    js("document.cookie = 'justavalue; Path=/'");
    js("document.cookie = 'access_token_x=%; Path=/'");
    assert!(
        js("(() => { try { document.cookie.split('; ').map(decodeURIComponent); return false; } \
            catch { return true; } })()")
        .as_bool()
            == Some(true),
        "the jar should be one a decode-everything reader throws on: {}",
        cookies()
    );
    let watched = Watched::new(open_kind(StorageChoice::Cookie));
    watched.save(&tokens("A1", "R1", 1_893_456_000_000.0));
    assert_eq!(watched.load(), Some(tokens("A1", "R1", 1_893_456_000_000.0)));
    assert!(watched.fallbacks().is_empty(), "{:?}", watched.fallbacks());
    // The nameless cookie is removed by its value (`reset_storage` removes named ones).
    js("document.cookie = 'justavalue; Path=/; Max-Age=0'");
    reset_storage();
    assert_eq!(cookies(), "");

    // Our name twice, the malformed one older, so listed first.
    let duplicate = Partitioned::set("access_token", "%E0%A4%A");
    let store = open_kind(StorageChoice::Cookie);
    store.set("access_token", "A1").unwrap();
    let jar = cookies();
    assert!(jar.starts_with("access_token=%E0%A4%A;") && jar.contains("access_token=A1"), "{jar}");
    // A duplicate whose value does not decode is skipped: ours is read, and written.
    assert_eq!(store.get("access_token"), Ok(Some("A1".to_owned())));
    store.set("access_token", "A2").unwrap();
    assert_eq!(store.get("access_token"), Ok(Some("A2".to_owned())));
    drop(duplicate);
    reset_storage();

    // A duplicate that decodes: the first in the browser's order is read, every time; a write of
    // ours that it hides does not read back, so it is not taken as stored.
    let duplicate = Partitioned::set("access_token", "OTHER");
    let watched = Watched::new(open_kind(StorageChoice::Cookie));
    watched.save(&tokens("A3", "R3", 1_893_456_000_000.0));
    assert!(cookies().contains("access_token=A3"), "{}", cookies());
    assert_eq!(store.get("access_token"), Ok(Some("OTHER".to_owned())));
    assert_eq!(store.get("access_token"), Ok(Some("OTHER".to_owned())));
    assert_eq!(watched.fallbacks().len(), 1, "the hidden write is reported once");
    assert_eq!(watched.load(), Some(tokens("A3", "R3", 1_893_456_000_000.0)), "kept in memory");
    drop(duplicate);
    assert_eq!(store.get("access_token"), Ok(Some("A3".to_owned())));
    reset_storage();
}

#[wasm_bindgen_test]
fn an_oversized_cookie_write_is_a_store_error_and_the_vault_falls_back() {
    reset_storage();
    let store = open_kind(StorageChoice::Cookie);
    let big = "b".repeat(5000);
    let message = failure(store.set("fwr_big", &big), "a 5 KB cookie");
    assert!(message.contains("not stored"), "{message}");
    assert!(!message.contains("bbbb"), "the value leaked into the error: {message}");
    assert_eq!(store.get("fwr_big"), Ok(None));

    // An older value is not mistaken for the new one.
    store.set("fwr_big", "small").unwrap();
    assert!(failure(store.set("fwr_big", &big), "over an older value").contains("not stored"));
    assert_eq!(store.get("fwr_big"), Ok(Some("small".to_owned())));

    let watched = Watched::new(open_kind(StorageChoice::Cookie));
    watched.save(&tokens(&big, "R1", 1_893_456_000_000.0));
    assert_eq!(watched.load(), Some(tokens(&big, "R1", 1_893_456_000_000.0)), "kept in memory");
    let fallbacks = watched.fallbacks();
    assert_eq!(fallbacks.len(), 1, "{fallbacks:?}");
    assert_eq!(fallbacks[0].storage, "cookie");
    reset_storage();
}

#[wasm_bindgen_test]
fn cookie_attributes_on_this_http_page() {
    reset_storage();
    assert_eq!(js("location.protocol").as_string().as_deref(), Some("http:"));
    let with = |options: CookieOptions| CookieStore::new(&options).attributes().to_owned();
    assert_eq!(with(CookieOptions::default()), "; Path=/; SameSite=Lax", "no Secure on http");
    let strict = CookieOptions { same_site: Some(SameSite::Strict), ..CookieOptions::default() };
    assert_eq!(with(strict), "; Path=/; SameSite=Strict");
    let secure = CookieOptions { secure: Some(true), ..CookieOptions::default() };
    assert_eq!(with(secure), "; Path=/; SameSite=Lax; Secure");
    let none = CookieOptions { same_site: Some(SameSite::None), ..CookieOptions::default() };
    assert_eq!(with(none), "; Path=/; SameSite=None; Secure");

    // Without Secure, the cookie sticks on this http page; a Max-Age does not keep a removed
    // cookie alive.
    let lasting = CookieOptions { max_age: Some(3600.0), ..CookieOptions::default() };
    assert_eq!(with(lasting.clone()), "; Path=/; SameSite=Lax; Max-Age=3600");
    let store = open(&StorageChoice::Cookie, &lasting);
    store.set("fwr_attr", "1").unwrap();
    assert!(cookies().contains("fwr_attr=1"), "{}", cookies());
    store.remove("fwr_attr").unwrap();
    assert!(!cookies().contains("fwr_attr"), "{}", cookies());

    // A cookie this page cannot read back (another path) is not taken as stored.
    let elsewhere = CookieOptions { path: Some("/elsewhere/".to_owned()), ..CookieOptions::default() };
    assert!(failure(open(&StorageChoice::Cookie, &elsewhere).set("fwr_path", "1"), "another path")
        .contains("not stored"));
    reset_storage();
}

#[wasm_bindgen_test]
fn a_host_prefix_writes_secure_host_only_cookies_named_host() {
    // Chromium counts http://127.0.0.1 as a secure context and keeps Secure (and so `__Host-`)
    // cookies set here; the browser refuses a `__Host-` cookie without Secure or with a Domain.
    reset_storage();
    let host = CookieOptions { host_prefix: true, ..CookieOptions::default() };
    assert_eq!(CookieStore::new(&host).attributes(), "; Path=/; SameSite=Lax; Secure");
    let store = open(&StorageChoice::Cookie, &host);
    store.set("fwr_host", "v/1").unwrap();
    assert!(cookies().contains("__Host-fwr_host=v%2F1"), "{}", cookies());
    assert!(!cookies().split("; ").any(|pair| pair.starts_with("fwr_host=")), "{}", cookies());
    assert_eq!(store.get("fwr_host"), Ok(Some("v/1".to_owned())));
    // A cookie of the bare name (other code's, or an older client's) is not ours.
    js("document.cookie = 'fwr_host=plain; Path=/'");
    assert_eq!(store.get("fwr_host"), Ok(Some("v/1".to_owned())));
    assert_eq!(
        open(&StorageChoice::Cookie, &CookieOptions::default()).get("fwr_host"),
        Ok(Some("plain".to_owned()))
    );
    store.remove("fwr_host").unwrap();
    assert!(!cookies().contains("__Host-fwr_host"), "{}", cookies());
    assert_eq!(store.get("fwr_host"), Ok(None));
    // What the prefix guards against: the browser itself drops a `__Host-` cookie written
    // without Secure. (A Domain cannot be shown here: Chromium takes `Domain=127.0.0.1` on an IP
    // host as host-only.)
    js("document.cookie = '__Host-fwr_bad=1; Path=/'");
    assert!(!cookies().contains("__Host-fwr_bad"), "{}", cookies());
    reset_storage();
}

#[wasm_bindgen_test]
fn an_app_store_that_throws_or_returns_odd_values() {
    let custom = |src: &str| open_kind(StorageChoice::Custom(js(src)));

    let throwing = custom(
        "{getItem() { throw new Error('get blocked'); }, setItem() { throw new DOMException('full', \
         'QuotaExceededError'); }, removeItem() { throw 'remove blocked'; }}",
    );
    assert_eq!(failure(throwing.get("k"), "getItem throws"), "get blocked");
    assert_eq!(failure(throwing.set("k", "SECRET"), "setItem throws"), "full");
    assert_eq!(failure(throwing.remove("k"), "removeItem throws"), "remove blocked");

    // A value that is not a string reads as absent.
    for odd in ["42", "({token: 'x'})", "undefined", "Promise.resolve('A1')", "true"] {
        let store = custom(&format!("{{getItem: () => {odd}, setItem() {{}}, removeItem() {{}}}}"));
        assert_eq!(store.get("k"), Ok(None), "getItem returning {odd}");
    }

    // setItem returning a promise or a thenable: not a synchronous store.
    for returned in ["Promise.resolve()", "({then() {}})", "Object.assign(() => {}, {then() {}})"] {
        let store = custom(&format!("{{getItem: () => null, setItem: () => {returned}, removeItem() {{}}}}"));
        let message = failure(store.set("k", "SECRET"), returned);
        assert!(message.contains("synchronous"), "{returned}: {message}");
        assert!(!message.contains("SECRET"), "{message}");
    }
    // Other return values are fine (a `then` that is not a function is no thenable).
    for returned in ["undefined", "true", "({then: 1})", "'ok'"] {
        let store = custom(&format!("{{getItem: () => null, setItem: () => {returned}, removeItem() {{}}}}"));
        assert_eq!(store.set("k", "v"), Ok(()), "setItem returning {returned}");
    }

    // Missing methods are errors at the call, not exceptions.
    let partial = custom("{getItem: () => 'A1'}");
    assert_eq!(partial.get("k"), Ok(Some("A1".to_owned())));
    assert_eq!(failure(partial.set("k", "v"), "no setItem"), "storage.setItem is not a function");
    assert_eq!(failure(partial.remove("k"), "no removeItem"), "storage.removeItem is not a function");

    // Methods are called on the object (`this`), with the key and value as strings.
    let target = js("{ seen: [], getItem(k) { this.seen.push(['get', k]); return null; }, \
                     setItem(k, v) { this.seen.push(['set', k, v]); }, removeItem(k) { this.seen.push(['remove', k]); } }");
    let store = open_kind(StorageChoice::Custom(target.clone()));
    store.get("a").unwrap();
    store.set("b", "c").unwrap();
    store.remove("d").unwrap();
    assert_eq!(stringify(&get(&target, "seen")), r#"[["get","a"],["set","b","c"],["remove","d"]]"#);

    // Through a vault: one fallback, tokens kept in memory, no token in the report.
    let watched = Watched::new(custom("{getItem: () => null, setItem: async () => {}, removeItem() {}}"));
    watched.save(&tokens("A1", "R1", 1_893_456_000_000.0));
    assert_eq!(watched.load(), Some(tokens("A1", "R1", 1_893_456_000_000.0)));
    let fallbacks = watched.fallbacks();
    assert_eq!(fallbacks.len(), 1);
    assert_eq!(fallbacks[0].storage, "custom");
    let dump = format!("{fallbacks:?} {}", fallbacks[0].message);
    assert!(!dump.contains("A1") && !dump.contains("R1"), "{dump}");
    let holding = CustomStore::new(map_store());
    holding.set("access_token", "A1").unwrap();
    assert_eq!(format!("{holding:?}"), "CustomStore { .. }", "Debug prints the app's object");
}

/// Replaces `window[name]` with a getter running `body` until dropped.
struct Overridden {
    name: &'static str,
    original: JsValue,
}

impl Overridden {
    fn new(name: &'static str, body: &str) -> Overridden {
        let original = js(&format!("Object.getOwnPropertyDescriptor(window, '{name}')"));
        assert!(!original.is_undefined(), "window.{name} is not an own property here");
        js(&format!("Object.defineProperty(window, '{name}', {{configurable: true, get() {{ {body} }}}})"));
        Overridden { name, original }
    }
}

impl Drop for Overridden {
    fn drop(&mut self) {
        func("name, d", "Object.defineProperty(window, name, d)")
            .call2(&JsValue::NULL, &JsValue::from_str(self.name), &self.original)
            .unwrap();
    }
}

#[wasm_bindgen_test]
fn web_storage_that_is_or_becomes_unavailable_is_a_store_error() {
    reset_storage();
    for (choice, name) in [(StorageChoice::Local, "localStorage"), (StorageChoice::Session, "sessionStorage")]
    {
        let store = open_kind(choice.clone());
        store.set("fwr_k", "v").unwrap();

        // Reading `window.localStorage` starts to throw (the user blocked storage).
        {
            let _blocked = Overridden::new(name, "throw new DOMException('access denied', 'SecurityError');");
            assert_eq!(failure(store.get("fwr_k"), name), "access denied");
            assert_eq!(failure(store.set("fwr_k", "w"), name), "access denied");
            assert_eq!(failure(store.remove("fwr_k"), name), "access denied");
            // A store opened now is no different.
            assert_eq!(failure(open_kind(choice.clone()).get("fwr_k"), name), "access denied");
        }
        // No storage at all.
        {
            let _gone = Overridden::new(name, "return null;");
            let message = failure(store.get("fwr_k"), name);
            assert_eq!(message, format!("{name} is not available here"));
        }
        assert_eq!(store.get("fwr_k"), Ok(Some("v".to_owned())), "{name} is back");

        // A write over the quota.
        let message = failure(store.set("fwr_huge", &"q".repeat(6 * 1024 * 1024)), "over the quota");
        assert!(!message.is_empty() && !message.contains("qqqq"), "{message}");
        store.remove("fwr_k").unwrap();
    }
    reset_storage();
}
