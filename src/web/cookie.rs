//! `document.cookie` as a [`KeyValueStore`], with the configured attributes. A write is read
//! back: the browser silently drops a cookie over its size limit, and a token that silently
//! vanishes would log the user out on the next request.

use crate::core::options::CookieOptions;
use crate::core::url::encode_component;
use crate::ports::{KeyValueStore, StoreError};
use crate::prelude::*;
use crate::web::js;
use wasm_bindgen::JsCast;

/// Cookies of the current document.
#[derive(Debug, Clone)]
pub struct CookieJar {
    /// The attributes every cookie is written with, e.g. `; Path=/; SameSite=Lax; Secure`.
    attributes: String,
}

impl CookieJar {
    /// A jar writing cookies with `options`. Defaults: `Path=/`, `SameSite=Lax`, `Secure` on
    /// https pages, no `Max-Age` (a session cookie).
    pub fn new(options: &CookieOptions) -> CookieJar {
        let mut attributes = String::new();
        let mut add = |name: &str, value: &str| {
            attributes.push_str("; ");
            attributes.push_str(name);
            if !value.is_empty() {
                attributes.push('=');
                attributes.push_str(value);
            }
        };
        add("Path", options.path.as_deref().unwrap_or("/"));
        if let Some(domain) = &options.domain {
            add("Domain", domain);
        }
        add("SameSite", options.same_site.as_deref().unwrap_or("Lax"));
        let https = js::page_href().is_some_and(|href| href.starts_with("https:"));
        if options.secure || https || options.same_site.as_deref() == Some("None") {
            add("Secure", "");
        }
        if let Some(max_age) = options.max_age {
            add("Max-Age", &crate::core::json::integer_text(f64::from(max_age)).unwrap_or_default());
        }
        CookieJar { attributes }
    }

    fn document() -> Result<web_sys::HtmlDocument, StoreError> {
        js::get(&js::global(), "document")
            .dyn_into::<web_sys::HtmlDocument>()
            .map_err(|_| StoreError::Unavailable("document.cookie is not available here".to_owned()))
    }

    fn write(&self, name: &str, value: &str, extra: &str) -> Result<(), StoreError> {
        let cookie = cat(&[&encode_component(name), "=", &encode_component(value), &self.attributes, extra]);
        Self::document()?.set_cookie(&cookie).map_err(|e| StoreError::Failed(js::message_of(&e)))
    }
}

/// Finds `name` in a `document.cookie` string and decodes its value.
fn find(cookies: &str, name: &str) -> Option<String> {
    let wanted = encode_component(name);
    cookies.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        if key != wanted {
            return None;
        }
        js_sys::decode_uri_component(value).ok().map(String::from)
    })
}

impl KeyValueStore for CookieJar {
    fn kind(&self) -> &'static str {
        "cookie"
    }

    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let cookies = Self::document()?.cookie().map_err(|e| StoreError::Failed(js::message_of(&e)))?;
        Ok(find(&cookies, key))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(key, value, "")?;
        if self.get(key)?.as_deref() == Some(value) {
            Ok(())
        } else {
            Err(StoreError::NotStored)
        }
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.write(key, "", "; Max-Age=0")
    }
}
