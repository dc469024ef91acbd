//! The store port over the storages of `js/storage.js`: Web Storage, cookies, or the app's own
//! object. (Memory is [`crate::vault::MemoryStore`], which is also every store's fallback.)

use crate::ports::{KeyValueStore, StoreError};
use crate::prelude::*;
use crate::web::js;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/js/storage.js")]
extern "C" {
    /// A storage of `js/storage.js`.
    #[derive(Debug, Clone)]
    pub type JsStore;

    /// The store for a `storage` option value (`'localStorage'`, `'sessionStorage'`, `'cookie'`
    /// or the app's object; `null` for memory), cookies written with `cookie_attributes`.
    #[wasm_bindgen(js_name = openStore)]
    pub fn open_store(storage: &JsValue, cookie_attributes: &str) -> Option<JsStore>;

    #[wasm_bindgen(method, getter)]
    fn kind(this: &JsStore) -> String;
    #[wasm_bindgen(method, catch, js_name = get)]
    fn get_js(this: &JsStore, key: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = set)]
    fn set_js(this: &JsStore, key: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = remove)]
    fn remove_js(this: &JsStore, key: &str) -> Result<(), JsValue>;
}

fn failed(error: JsValue) -> StoreError {
    StoreError::Failed(js::message_of(&error))
}

impl KeyValueStore for JsStore {
    fn kind(&self) -> &'static str {
        match JsStore::kind(self).as_str() {
            "localStorage" => "localStorage",
            "sessionStorage" => "sessionStorage",
            "cookie" => "cookie",
            _ => "custom",
        }
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.get_js(key).map_err(failed)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.set_js(key, value).map_err(failed)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.remove_js(key).map_err(failed)
    }
}
