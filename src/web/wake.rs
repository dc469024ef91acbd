//! The [`Wakeups`] port over the page: one listener for `visibilitychange` on the document and
//! `online` on the window, removed when dropped.

use crate::ports::Wakeups;
use crate::web::platform::WebPlatform;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, EventTarget, Window};

const VISIBILITY: &str = "visibilitychange";
const ONLINE: &str = "online";

/// The listener of [`Wakeups::watch`], on the document and the window; removed when dropped.
pub struct WakeListeners {
    window: Window,
    document: Option<Document>,
    callback: Closure<dyn FnMut()>,
}

impl std::fmt::Debug for WakeListeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WakeListeners").finish_non_exhaustive()
    }
}

impl WakeListeners {
    /// Adds (or removes) the listener on `target` for `kind`.
    fn on(&self, target: &EventTarget, kind: &str, add: bool) {
        let listener = self.callback.as_ref().unchecked_ref();
        let _ = if add {
            target.add_event_listener_with_callback(kind, listener)
        } else {
            target.remove_event_listener_with_callback(kind, listener)
        };
    }

    fn set(&self, add: bool) {
        self.on(&self.window, ONLINE, add);
        if let Some(document) = &self.document {
            self.on(document, VISIBILITY, add);
        }
    }
}

impl Drop for WakeListeners {
    fn drop(&mut self) {
        self.set(false);
    }
}

impl Wakeups for WebPlatform {
    fn visible(&self) -> bool {
        let document = web_sys::window().and_then(|window| window.document());
        document.is_none_or(|document| !document.hidden())
    }

    fn watch(&self, on_change: Box<dyn Fn()>) {
        // A worker has no window to watch: its requests check the expiry themselves.
        let Some(window) = web_sys::window() else { return };
        let document = window.document();
        let listeners = WakeListeners { window, document, callback: Closure::new(on_change) };
        listeners.set(true);
        *self.wakeups.borrow_mut() = Some(listeners);
    }

    fn stop_watching(&self) {
        self.wakeups.take();
    }
}
