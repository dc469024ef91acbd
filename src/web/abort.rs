//! Watching a caller's `AbortSignal` while its request waits in the queue, with a guard that
//! removes the listener when the request ends (a listener left behind keeps the request's objects
//! alive for the life of the signal).

use crate::flag::Flag;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

/// Resolves with the abort reason when the signal aborts; dropping it removes the listener.
#[must_use = "the watch stops listening when dropped"]
pub struct AbortWatch {
    signal: AbortSignal,
    listener: Closure<dyn FnMut()>,
    state: Rc<Flag>,
}

impl std::fmt::Debug for AbortWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbortWatch").field("aborted", &self.state.raised()).finish_non_exhaustive()
    }
}

impl AbortWatch {
    /// Starts listening to `signal`'s `abort` event.
    pub fn new(signal: AbortSignal) -> AbortWatch {
        let state = Rc::new(Flag::default());
        let seen = Rc::clone(&state);
        let listener = Closure::<dyn FnMut()>::new(move || seen.raise());
        // Adding a listener to an AbortSignal does not throw.
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortWatch { signal, listener, state }
    }
}

impl Future for AbortWatch {
    type Output = JsValue;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        if self.signal.aborted() {
            return Poll::Ready(self.signal.reason());
        }
        self.state.poll(cx).map(|()| self.signal.reason())
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        let _ =
            self.signal.remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}
