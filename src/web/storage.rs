//! The token store port ([`KeyValueStore`]) over the browser's storages: [`open`] gives the
//! store for the `storage` option: localStorage or sessionStorage ([`WebStore`], through
//! gloo-storage), cookies ([`CookieStore`]), the app's own object ([`CustomStore`]) or memory
//! ([`MemoryStore`], which is also every store's fallback in the vault).
//!
//! Every failure of a storage is a [`StoreError`] carrying the storage's message (never a stored
//! value), so the vault can fall back to memory; nothing here throws into JavaScript.

use crate::core::options::{CookieOptions, StorageChoice};
use crate::core::text::cat;
use crate::core::vault::MemoryStore;
use crate::ports::{KeyValueStore, StoreError};
pub use crate::web::cookie::CookieStore;
pub use crate::web::custom_store::CustomStore;
use crate::web::js;
use gloo_storage::{LocalStorage, SessionStorage, Storage as _};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// The store for the `storage` option; cookies are written with the `cookie` option's attributes.
pub fn open(choice: &StorageChoice<JsValue>, cookie: &CookieOptions) -> Box<dyn KeyValueStore> {
    match choice {
        StorageChoice::Local => Box::new(WebStore::new(WebArea::Local)),
        StorageChoice::Session => Box::new(WebStore::new(WebArea::Session)),
        StorageChoice::Cookie => Box::new(CookieStore::new(cookie)),
        StorageChoice::Memory => Box::<MemoryStore>::default(),
        StorageChoice::Custom(target) => Box::new(CustomStore::new(target.clone())),
    }
}

/// A storage failure carrying what the storage threw.
pub(crate) fn failed(error: JsValue) -> StoreError {
    StoreError::Failed(js::message_of(&error))
}

/// `localStorage` or `sessionStorage`, values kept as the raw strings other code reads (gloo's
/// typed `get`/`set` would store `"\"A1\""`).
///
/// Reading `window.localStorage` throws when storage is disabled or the page is sandboxed, and
/// can start to throw later (the user blocks it): the getter is read again at each use, and each
/// failure is reported to the vault, which falls back to memory. The window is found once (finding
/// it costs an `instanceof Window` that Chromium makes slowly, and the page's global never
/// changes), and so is gloo's handle on the area.
#[derive(Debug)]
pub struct WebStore {
    area: WebArea,
    window: Option<web_sys::Window>,
    found: RefCell<Option<web_sys::Storage>>,
}

/// Which of the two Web Storage areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebArea {
    /// `localStorage`.
    Local,
    /// `sessionStorage`.
    Session,
}

impl WebStore {
    /// The store over `area` of this page.
    pub fn new(area: WebArea) -> WebStore {
        WebStore { area, window: web_sys::window(), found: RefCell::new(None) }
    }

    /// The storage area now, or why there is none.
    fn area(&self) -> Result<web_sys::Storage, StoreError> {
        let unavailable = || StoreError::Failed(cat(&[self.kind(), " is not available here"]));
        let window = self.window.as_ref().ok_or_else(unavailable)?;
        let probe = match self.area {
            WebArea::Local => window.local_storage(),
            WebArea::Session => window.session_storage(),
        };
        match probe {
            Ok(Some(_)) => {}
            Ok(None) => return Err(unavailable()),
            Err(error) => return Err(failed(error)),
        }
        if let Some(found) = &*self.found.borrow() {
            return Ok(found.clone());
        }
        // gloo's `raw()` throws a JS exception straight through the Rust stack when the storage is
        // unavailable; the probe above read the same getter just before, with no JavaScript run in
        // between, so here it succeeds.
        let area = match self.area {
            WebArea::Local => LocalStorage::raw(),
            WebArea::Session => SessionStorage::raw(),
        };
        *self.found.borrow_mut() = Some(area.clone());
        Ok(area)
    }
}

impl KeyValueStore for WebStore {
    fn kind(&self) -> &'static str {
        match self.area {
            WebArea::Local => "localStorage",
            WebArea::Session => "sessionStorage",
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
