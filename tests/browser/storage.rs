//! Rule 8: the storages. Tokens round-trip through localStorage, sessionStorage, cookies and the
//! app's own object under the documented keys; other code's writes are seen; corrupt values mean no
//! token; a storage that throws, or a write that does not stick, falls back to memory with one event.
//! These tests share the page's storage: each clears it before and after.

use crate::support::*;
use fetch_with_refresh::bindings::AuthClient;
use fetch_with_refresh::core::options::{CookieOptions, SameSite, StorageChoice};
use fetch_with_refresh::core::vault::MemoryStore;
use fetch_with_refresh::ports::{KeyValueStore, StoreError};
use fetch_with_refresh::web::storage::open;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn local(key: &str) -> Option<String> {
    js(&format!("localStorage.getItem('{key}')")).as_string()
}

fn session(key: &str) -> Option<String> {
    js(&format!("sessionStorage.getItem('{key}')")).as_string()
}

fn cookies() -> String {
    js("document.cookie").as_string().unwrap()
}

/// A client with `storage` (and more options) given as a JS expression, over `server`.
fn client_on(server: &JsValue, extra: &str) -> AuthClient {
    crate::support::client(server, extra)
}

#[wasm_bindgen_test]
fn local_storage_is_the_default_and_uses_the_default_keys() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let defaults = options(&server, &JsValue::UNDEFINED);
    js_sys::Reflect::delete_property(
        defaults.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str("storage"),
    )
    .unwrap();
    let client = AuthClient::new(defaults).unwrap();

    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: 1893456000000}");
    assert_eq!(local("access_token").as_deref(), Some("A1"));
    assert_eq!(local("refresh_token").as_deref(), Some("R1"));
    assert_eq!(local("access_token_expires_at").as_deref(), Some("1893456000000"));
    assert_tokens(&client, Some("A1"), Some("R1"), Some(1_893_456_000_000.0));

    // Written as one set: a set without refresh token or expiry removes the old ones.
    set_tokens(&client, "{accessToken: 'A2'}");
    assert_eq!(local("access_token").as_deref(), Some("A2"));
    assert_eq!(local("refresh_token"), None);
    assert_eq!(local("access_token_expires_at"), None);

    client.clear_tokens().unwrap();
    assert_eq!((local("access_token"), local("refresh_token")), (None, None));
    assert_tokens(&client, None, None, None);
    reset_storage();
}

#[wasm_bindgen_test]
fn session_storage_uses_custom_storage_keys() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let client = client_on(
        &server,
        "{storage: 'sessionStorage', storageKeys: {accessToken: 'tk', refreshToken: 'rtk', expiresAt: 'utilTime'}}",
    );
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1', expiresAt: 1893456000000}");
    assert_eq!(session("tk").as_deref(), Some("A1"));
    assert_eq!(session("rtk").as_deref(), Some("R1"));
    assert_eq!(session("utilTime").as_deref(), Some("1893456000000"));
    assert_eq!(session("access_token"), None);
    assert_eq!(local("tk"), None, "written to localStorage instead");
    assert_tokens(&client, Some("A1"), Some("R1"), Some(1_893_456_000_000.0));
    client.clear_tokens().unwrap();
    assert_eq!((session("tk"), session("rtk"), session("utilTime")), (None, None, None));
    reset_storage();
}

#[wasm_bindgen_test]
fn cookie_storage_round_trips_encoded_values() {
    reset_storage();
    let server = backend(&JsValue::UNDEFINED);
    let client = client_on(&server, "{storage: 'cookie', cookie: {sameSite: 'Strict', path: '/'}}");
    set_tokens(&client, "{accessToken: 'A1.b_c-d~', refreshToken: 'R1/+=x', expiresAt: 1893456000000}");
    let jar = cookies();
    assert!(jar.contains("access_token=A1.b_c-d~"), "{jar}");
    assert!(jar.contains("refresh_token=R1%2F%2B%3Dx"), "{jar}");
    assert!(jar.contains("access_token_expires_at=1893456000000"), "{jar}");
    assert_tokens(&client, Some("A1.b_c-d~"), Some("R1/+=x"), Some(1_893_456_000_000.0));
    client.clear_tokens().unwrap();
    assert!(!cookies().contains("access_token"), "{}", cookies());
    assert!(!cookies().contains("refresh_token"), "{}", cookies());
    assert_tokens(&client, None, None, None);
    reset_storage();
}

#[wasm_bindgen_test]
async fn a_custom_storage_object_round_trips_and_is_read_for_each_request() {
    let server = backend(&js("{valid: ['A1', 'EXT']}"));
    let store = js(
        "(() => { const m = new Map(); return { m, getItem: (k) => m.has(k) ? m.get(k) : null, \
                    setItem: (k, v) => { m.set(k, String(v)); }, removeItem: (k) => { m.delete(k); } }; })()",
    );
    let extra = js("{storageKeys: {accessToken: 'token'}}");
    set(&extra, "storage", store.clone());
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    let stored = |key: &str| {
        func("s, k", "return s.m.has(k) ? s.m.get(k) : null")
            .call2(&JsValue::NULL, &store, &key.into())
            .unwrap()
            .as_string()
    };
    assert_eq!(stored("token").as_deref(), Some("A1"));
    assert_eq!(stored("refresh_token").as_deref(), Some("R1"));
    assert_tokens(&client, Some("A1"), Some("R1"), None);

    // Another piece of code changes the stored token: the next request uses it.
    func("s", "s.setItem('token', 'EXT')").call1(&JsValue::NULL, &store).unwrap();
    let response = resolved(get_url(&client, "https://api.test/me"), "after an outside write").await;
    assert_eq!(text(&body_json(&response).await, "token"), "EXT");
}

#[wasm_bindgen_test]
async fn tokens_written_to_local_storage_by_other_code_are_used() {
    reset_storage();
    let server = backend(&js("{valid: ['EXT']}"));
    let client = client_on(&server, "{storage: 'localStorage'}");
    js("localStorage.setItem('access_token', 'EXT')");
    let response = resolved(get_url(&client, "https://api.test/me"), "a token from another tab").await;
    assert_eq!(text(&body_json(&response).await, "token"), "EXT");

    // An expired set written by other code: the stored refresh token is used first, and the new
    // set is written back whole.
    js("localStorage.setItem('refresh_token', 'R1'), localStorage.setItem('access_token_expires_at', String(Date.now() - 1000))");
    let response = resolved(get_url(&client, "https://api.test/me"), "an expired set from another tab").await;
    assert_eq!(text(&body_json(&response).await, "token"), "N1");
    let refreshes = refresh_calls(&server);
    assert_eq!(refreshes.len(), 1);
    assert_eq!(text(&refreshes[0], "text"), r#"{"refresh_token":"R1"}"#);
    assert_eq!(local("access_token").as_deref(), Some("N1"));
    assert_eq!(local("refresh_token").as_deref(), Some("R-N1"));
    let expires_at: f64 = local("access_token_expires_at").unwrap().parse().unwrap();
    assert!(expires_at > js_sys::Date::now() + 3_000_000.0, "expires_in 3600 stored as {expires_at}");
    reset_storage();
}

#[wasm_bindgen_test]
async fn corrupt_stored_values_mean_no_token_or_unknown_expiry() {
    reset_storage();
    let server = backend(&js("{valid: ['A1']}"));
    let client = client_on(&server, "{storage: 'localStorage'}");
    for bad in ["undefined", "null", "", "two words"] {
        js(&format!(
            "localStorage.setItem('access_token', '{bad}'), localStorage.setItem('refresh_token', 'R1')"
        ));
        assert_tokens(&client, None, None, None);
        let response = resolved(get_url(&client, "https://api.test/me"), bad).await;
        assert_eq!(status(&response), 401, "{bad:?}");
        let last = api_calls(&server).last().cloned().unwrap();
        assert_eq!(header(&last, "authorization"), None, "{bad:?} was sent as a token");
    }
    assert!(refresh_calls(&server).is_empty());

    for garbage in ["garbage", "NaN", "-5", "12abc"] {
        js(&format!(
            "localStorage.setItem('access_token', 'A1'), localStorage.setItem('access_token_expires_at', '{garbage}')"
        ));
        assert_tokens(&client, Some("A1"), Some("R1"), None);
        let response = resolved(get_url(&client, "https://api.test/me"), garbage).await;
        assert_eq!(status(&response), 200, "expiresAt {garbage:?}");
    }
    assert!(refresh_calls(&server).is_empty(), "an unreadable expiry started a refresh");
    reset_storage();
}

#[wasm_bindgen_test]
async fn a_storage_that_throws_on_write_falls_back_to_memory_once() {
    let server = backend(&js("{valid: ['A1', 'A2']}"));
    let store = js(
        "{ getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, \
                    removeItem: () => {} }",
    );
    let extra = js("{}");
    set(&extra, "storage", store);
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1', refreshToken: 'R1'}");
    assert_tokens(&client, Some("A1"), Some("R1"), None);
    let response = resolved(get_url(&client, "https://api.test/me"), "tokens from memory").await;
    assert_eq!(text(&body_json(&response).await, "token"), "A1");
    set_tokens(&client, "{accessToken: 'A2', refreshToken: 'R2'}");
    assert_tokens(&client, Some("A2"), Some("R2"), None);

    let fallbacks = events_of(&log, "storage-fallback");
    assert_eq!(fallbacks.len(), 1, "{}", stringify(&log));
    assert_eq!(text(&fallbacks[0], "storage"), "custom");
    assert_eq!(text(&fallbacks[0], "operation"), "write");
    assert!(!text(&fallbacks[0], "message").is_empty());
    assert_no_tokens(&log, &["A1", "R1", "A2", "R2"]);
}

#[wasm_bindgen_test]
async fn a_storage_that_throws_on_read_is_no_token_then_memory() {
    let server = backend(&js("{valid: ['A1']}"));
    let store =
        js("{ getItem: () => { throw new Error('blocked'); }, setItem: () => {}, removeItem: () => {} }");
    let extra = js("{}");
    set(&extra, "storage", store);
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    let log = listen(&client);
    assert_tokens(&client, None, None, None);
    let fallbacks = events_of(&log, "storage-fallback");
    assert_eq!(fallbacks.len(), 1);
    assert_eq!(text(&fallbacks[0], "operation"), "read");
    set_tokens(&client, "{accessToken: 'A1'}");
    assert_tokens(&client, Some("A1"), None, None);
    let response = resolved(get_url(&client, "https://api.test/me"), "tokens from memory").await;
    assert_eq!(status(&response), 200);
    assert_eq!(events_of(&log, "storage-fallback").len(), 1);

    // A setItem returning a promise (an async store) is not a synchronous store either.
    let store = js("{ getItem: () => null, setItem: async () => {}, removeItem: () => {} }");
    let extra = js("{}");
    set(&extra, "storage", store);
    let client = AuthClient::new(options(&server, &extra)).unwrap();
    let log = listen(&client);
    set_tokens(&client, "{accessToken: 'A1'}");
    assert_tokens(&client, Some("A1"), None, None);
    assert_eq!(events_of(&log, "storage-fallback").len(), 1, "an async setItem was taken as stored");
}

#[wasm_bindgen_test]
async fn a_cookie_over_the_size_limit_falls_back_to_memory() {
    reset_storage();
    let big = "a".repeat(5000);
    let server = backend(&js(&format!("{{valid: ['{big}']}}")));
    let client = client_on(&server, "{storage: 'cookie'}");
    let log = listen(&client);
    set_tokens(&client, &format!("{{accessToken: '{big}', refreshToken: 'R1'}}"));
    assert!(!cookies().contains(&big[..100]), "the browser kept a 5 KB cookie?");
    assert_tokens(&client, Some(&big), Some("R1"), None);
    let response = resolved(get_url(&client, "https://api.test/me"), "a big token from memory").await;
    assert_eq!(status(&response), 200);
    let fallbacks = events_of(&log, "storage-fallback");
    assert_eq!(fallbacks.len(), 1, "{}", stringify(&log));
    assert_eq!(text(&fallbacks[0], "storage"), "cookie");
    assert_eq!(text(&fallbacks[0], "operation"), "write");
    assert_no_tokens(&log, &[&big[..64], "R1"]);
    reset_storage();
}

/// The store for a `storage` option value; cookies written with `SameSite=Strict` and `path`.
fn store(kind: &str, path: &str) -> Box<dyn KeyValueStore> {
    let choice = match kind {
        "cookie" => StorageChoice::Cookie,
        "sessionStorage" => StorageChoice::Session,
        _ => StorageChoice::Local,
    };
    let path = (!path.is_empty()).then(|| path.to_owned());
    open(&choice, &CookieOptions { path, same_site: Some(SameSite::Strict), ..CookieOptions::default() })
}

/// The store for the app's own storage object.
fn custom(target: &JsValue) -> Box<dyn KeyValueStore> {
    open(&StorageChoice::Custom(target.clone()), &CookieOptions::default())
}

fn not_stored(result: Result<(), StoreError>) -> bool {
    matches!(result, Err(StoreError::Failed(message)) if message.contains("not stored"))
}

#[wasm_bindgen_test]
fn cookie_store_writes_values_that_read_back() {
    reset_storage();
    let jar = store("cookie", "/");
    assert_eq!(jar.kind(), "cookie");
    assert_eq!(jar.get("fwr test"), Ok(None));
    let value = "v w;=é,\"x\"";
    jar.set("fwr test", value).unwrap();
    assert_eq!(jar.get("fwr test"), Ok(Some(value.to_owned())));
    assert!(cookies().contains("fwr%20test=v%20w%3B%3D%C3%A9%2C%22x%22"), "{}", cookies());
    jar.set("fwr test", "second").unwrap();
    assert_eq!(jar.get("fwr test"), Ok(Some("second".to_owned())));
    jar.remove("fwr test").unwrap();
    assert_eq!(jar.get("fwr test"), Ok(None));
    assert!(!cookies().contains("fwr%20test"), "{}", cookies());

    // A value over the browser's limit does not stick, and says so.
    assert!(not_stored(jar.set("fwr_big", &"b".repeat(5000))));
    // So does a cookie this page cannot read back (another path).
    assert!(not_stored(store("cookie", "/elsewhere/").set("fwr_path", "1")));
    reset_storage();
}

#[wasm_bindgen_test]
fn web_storage_memory_and_custom_stores_implement_the_store_port() {
    reset_storage();
    let custom_target = js("(() => { const m = {}; return { m, getItem: (k) => k in m ? m[k] : null, \
                            setItem: (k, v) => { m[k] = v; }, removeItem: (k) => { delete m[k]; } }; })()");
    let app_store = custom(&custom_target);
    let stores: Vec<(&str, Box<dyn KeyValueStore>)> = vec![
        ("localStorage", store("localStorage", "")),
        ("sessionStorage", store("sessionStorage", "")),
        ("memory", Box::<MemoryStore>::default()),
        ("custom", app_store),
    ];
    for (kind, store) in &stores {
        assert_eq!(store.kind(), *kind);
        assert_eq!(store.get("fwr_k"), Ok(None), "{kind}");
        store.set("fwr_k", "v1 é").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(Some("v1 é".to_owned())), "{kind}");
        store.set("fwr_k", "v2").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(Some("v2".to_owned())), "{kind}");
        store.remove("fwr_k").unwrap();
        assert_eq!(store.get("fwr_k"), Ok(None), "{kind}");
        store.remove("fwr_k").unwrap();
    }
    store("localStorage", "").set("fwr_where", "local").unwrap();
    assert_eq!(local("fwr_where").as_deref(), Some("local"));
    assert_eq!(session("fwr_where"), None);
    store("sessionStorage", "").set("fwr_where", "session").unwrap();
    assert_eq!(session("fwr_where").as_deref(), Some("session"));
    // `memory` is the Rust MemoryStore.
    assert_eq!(open(&StorageChoice::Memory, &CookieOptions::default()).kind(), "memory");

    // A value that is not a string reads as absent.
    let odd = custom(&js("{getItem: () => 42, setItem() {}, removeItem() {}}"));
    assert_eq!(odd.get("k"), Ok(None));
    // Throwing methods become errors, not exceptions.
    let throwing = custom(&js(
        "{getItem() { throw new Error('no'); }, setItem() { throw new Error('no'); }, removeItem() { throw new Error('no'); }}",
    ));
    assert!(matches!(throwing.get("k"), Err(StoreError::Failed(_))));
    assert!(matches!(throwing.set("k", "v"), Err(StoreError::Failed(_))));
    assert!(matches!(throwing.remove("k"), Err(StoreError::Failed(_))));
    reset_storage();
}
