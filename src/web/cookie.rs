//! The `cookie` storage: tokens in `document.cookie`, written and read with the strings of
//! [`crate::core::cookie`].

use crate::core::cookie;
use crate::core::options::CookieOptions;
use crate::ports::{KeyValueStore, StoreError};
use crate::web::storage::failed;
use wasm_bindgen::JsCast;
use web_sys::HtmlDocument;

/// Cookies of this page, each written with the same attributes (`; Path=/; SameSite=Lax`…).
///
/// A write is read back: the browser silently drops a cookie over its size limit (about 4 KB), and
/// a token that silently vanished would log the user out on the next request, so a value that did
/// not stick is a [`StoreError`] (the vault then keeps the tokens in memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieStore {
    attributes: String,
    host_prefix: bool,
}

impl CookieStore {
    /// A store writing cookies with `options`; `Secure` by default when this page is https.
    pub fn new(options: &CookieOptions) -> CookieStore {
        CookieStore {
            attributes: cookie::attributes(options, page_is_https()),
            host_prefix: options.host_prefix,
        }
    }

    /// The attributes every cookie is written with.
    pub fn attributes(&self) -> &str {
        &self.attributes
    }
}

/// Whether this page was loaded over https (`location.protocol`).
fn page_is_https() -> bool {
    web_sys::window().and_then(|window| window.location().protocol().ok()).is_some_and(|p| p == "https:")
}

/// The page's document, for `document.cookie`.
fn document() -> Result<HtmlDocument, StoreError> {
    let document = web_sys::window().and_then(|window| window.document());
    // `cookie` is defined on `Document` in browsers today; web-sys declares it on `HTMLDocument`,
    // and calls it by name, so any document will do.
    document
        .map(JsCast::unchecked_into)
        .ok_or_else(|| StoreError::Failed("document.cookie is not available here".to_owned()))
}

/// The text of `document.cookie` (reading it throws on sandboxed and opaque-origin pages).
fn jar(document: &HtmlDocument) -> Result<String, StoreError> {
    document.cookie().map_err(failed)
}

impl KeyValueStore for CookieStore {
    fn kind(&self) -> &'static str {
        "cookie"
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(cookie::find(&jar(&document()?)?, &cookie::name(key, self.host_prefix)))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let (document, name) = (document()?, cookie::name(key, self.host_prefix));
        document.set_cookie(&cookie::assignment(&name, value, &self.attributes)).map_err(failed)?;
        if cookie::find(&jar(&document)?, &name).as_deref() != Some(value) {
            return Err(StoreError::Failed("the value was not stored (too large for a cookie?)".to_owned()));
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        document()?
            .set_cookie(&cookie::removal(&cookie::name(key, self.host_prefix), &self.attributes))
            .map_err(failed)
    }
}
