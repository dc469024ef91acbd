//! Web Storage (`localStorage`, `sessionStorage`) and the app's own `{getItem, setItem,
//! removeItem}` object as [`KeyValueStore`]s.

use crate::ports::{KeyValueStore, StoreError};
use crate::prelude::*;
use crate::web::js;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

/// Which Web Storage area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `localStorage`: shared by the tabs of the origin, kept across sessions.
    Local,
    /// `sessionStorage`: this tab only.
    Session,
}

/// `localStorage` or `sessionStorage`. The area is looked up on every call: reading the property
/// itself throws when storage is disabled, and that must become a fallback, not an exception.
#[derive(Debug, Clone, Copy)]
pub struct WebStorage(pub Area);

impl WebStorage {
    fn area(&self) -> Result<web_sys::Storage, StoreError> {
        let name = self.kind();
        let value = js_sys::Reflect::get(&js::global(), &JsValue::from_str(name))
            .map_err(|e| StoreError::Unavailable(js::message_of(&e)))?;
        value
            .dyn_into::<web_sys::Storage>()
            .map_err(|_| StoreError::Unavailable(cat(&[name, " is not available here"])))
    }
}

fn failed(error: JsValue) -> StoreError {
    StoreError::Failed(js::message_of(&error))
}

impl KeyValueStore for WebStorage {
    fn kind(&self) -> &'static str {
        match self.0 {
            Area::Local => "localStorage",
            Area::Session => "sessionStorage",
        }
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.area()?.get_item(key).map_err(failed)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.area()?.set_item(key, value).map_err(failed)
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.area()?.remove_item(key).map_err(failed)
    }
}

/// The app's own storage object (a Pinia/Vuex-backed adapter, an encrypted store…).
#[derive(Debug, Clone)]
pub struct CustomStorage {
    target: JsValue,
    get_item: Function,
    set_item: Function,
    remove_item: Function,
}

impl CustomStorage {
    /// Wraps `target` when it has the three methods; `None` otherwise.
    pub fn new(target: &JsValue) -> Option<CustomStorage> {
        let method = |name: &str| js::get(target, name).dyn_into::<Function>().ok();
        Some(CustomStorage {
            target: target.clone(),
            get_item: method("getItem")?,
            set_item: method("setItem")?,
            remove_item: method("removeItem")?,
        })
    }
}

impl KeyValueStore for CustomStorage {
    fn kind(&self) -> &'static str {
        "custom"
    }

    /// A value that is not a string (a number, an object) is not a token: it reads as absent,
    /// and the vault treats the set as corrupt.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = self.get_item.call1(&self.target, &JsValue::from_str(key)).map_err(failed)?;
        Ok(value.as_string())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let stored = self
            .set_item
            .call2(&self.target, &JsValue::from_str(key), &JsValue::from_str(value))
            .map_err(failed)?;
        if stored.has_type::<js_sys::Promise>() {
            // An async store would need the asynchronous storage port; say so instead of
            // pretending the write happened.
            return Err(StoreError::Failed(
                "setItem returned a Promise; storage must be synchronous".to_owned(),
            ));
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.remove_item.call1(&self.target, &JsValue::from_str(key)).map(drop).map_err(failed)
    }
}
