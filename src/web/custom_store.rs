//! The app's own storage object, `{getItem, setItem, removeItem}` (the `storage` option given as
//! an object), called from Rust.

use crate::core::text::cat;
use crate::ports::{KeyValueStore, StoreError};
use crate::web::js;
use crate::web::storage::failed;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

/// The app's `{getItem, setItem, removeItem}` object.
///
/// A method that throws is a [`StoreError`] with the thrown message; a value that is not a string
/// (a number, an object, a promise) reads as absent; a `setItem` that returns a promise or any
/// thenable is a [`StoreError`], as the store port is synchronous and an unawaited write may not
/// have happened.
#[derive(Clone)]
pub struct CustomStore {
    target: JsValue,
}

// By hand: the object may hold the stored tokens, and `JsValue`'s `Debug` would print them.
impl core::fmt::Debug for CustomStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CustomStore").finish_non_exhaustive()
    }
}

impl CustomStore {
    /// A store over the app's object.
    pub fn new(target: JsValue) -> CustomStore {
        CustomStore { target }
    }

    /// Calls the method `name` of the object (looked up at each call: the app may replace it)
    /// with `key`, and `value` when given.
    fn invoke(&self, name: &str, key: &str, value: Option<&str>) -> Result<JsValue, StoreError> {
        let method = js::get(&self.target, name)
            .dyn_into::<Function>()
            .map_err(|_| StoreError::Failed(cat(&["storage.", name, " is not a function"])))?;
        let key = JsValue::from_str(key);
        match value {
            Some(value) => method.call2(&self.target, &key, &JsValue::from_str(value)),
            None => method.call1(&self.target, &key),
        }
        .map_err(failed)
    }
}

/// Whether `value` has a `then` method: a promise, or a promise from another realm or library.
fn is_thenable(value: &JsValue) -> bool {
    js::get(value, "then").is_function()
}

impl KeyValueStore for CustomStore {
    fn kind(&self) -> &'static str {
        "custom"
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.invoke("getItem", key, None)?.as_string())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        if is_thenable(&self.invoke("setItem", key, Some(value))?) {
            return Err(StoreError::Failed(
                "setItem returned a promise; storage must be synchronous".to_owned(),
            ));
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.invoke("removeItem", key, None)?;
        Ok(())
    }
}
