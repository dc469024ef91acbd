//! The [`App`] port in the browser: the app's functions called with plain objects (a throw in a
//! matcher is "no match"; a promise from `onSessionExpired` is awaited so its rejection is not
//! unhandled), the listeners, and the errors the promises reject with.

use crate::core::events::{Event, Fallback, RequestInfo};
use crate::core::machine::{Failure, Notice, SessionEnd};
use crate::core::tokens::TokenSet;
use crate::ports::{App, CrossTabOff};
use crate::web::events;
use crate::web::fetch::call_later;
use crate::web::platform::WebPlatform;
use crate::web::{errors, js};
use js_sys::{Function, Object, Promise};
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

impl App for WebPlatform {
    fn matches(&self, matcher: &Function, status: u16, body: Option<&JsValue>) -> bool {
        let argument = Object::new();
        js::set(&argument, "status", status);
        js::set(&argument, "body", body.cloned().unwrap_or(JsValue::UNDEFINED));
        matcher.call1(&JsValue::UNDEFINED, &argument).is_ok_and(|verdict| verdict.is_truthy())
    }

    fn call_refresh_function(
        &self,
        refresh: &Function,
        tokens: &TokenSet,
    ) -> impl Future<Output = Result<Option<JsValue>, JsValue>> {
        let promise = call_later(Some(refresh), &js::snapshot(tokens), &JsValue::UNDEFINED);
        async move {
            let value = JsFuture::from(promise).await?;
            Ok((!value.is_null() && !value.is_undefined()).then_some(value))
        }
    }

    fn session_expired(&self, callback: &Function, end: &SessionEnd) {
        let info = events::session_expired_argument(end);
        if let Ok(result) = callback.call1(&JsValue::UNDEFINED, &info) {
            if let Ok(promise) = result.dyn_into::<Promise>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
            }
        }
    }

    fn notify(&self, notice: &Notice, request: Option<(&str, &str)>, duration_ms: f64) {
        let request = request.map(|(method, url)| RequestInfo { method, url });
        self.listeners.notify(&Event::from_notice(notice, request, duration_ms));
    }

    fn storage_fell_back(&self, fallback: &Fallback) {
        self.listeners.notify(&Event::from_fallback(fallback));
    }

    fn cross_tab_off(&self, reason: CrossTabOff) {
        self.listeners.notify(&Event::CrossTabOff { reason });
    }

    fn forget_listeners(&self) {
        self.listeners.clear();
    }

    fn failure(&self, failure: &Failure, cause: Option<JsValue>) -> JsValue {
        errors::failure(failure, cause)
    }

    fn disposed(&self) -> JsValue {
        errors::disposed()
    }
}
