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
    /// The signal and the listener on it; none for a request without a signal (which never aborts).
    watched: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    state: Rc<Flag>,
}

impl std::fmt::Debug for AbortWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbortWatch").field("aborted", &self.state.raised()).finish_non_exhaustive()
    }
}

impl AbortWatch {
    /// Starts listening to `signal`'s `abort` event; without a signal, pending for ever (and
    /// nothing is registered).
    pub fn new(signal: Option<AbortSignal>) -> AbortWatch {
        let state = Rc::new(Flag::default());
        let watched = signal.map(|signal| {
            let seen = Rc::clone(&state);
            let listener = Closure::<dyn FnMut()>::new(move || seen.raise());
            // Adding a listener to an AbortSignal does not throw.
            let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
            (signal, listener)
        });
        AbortWatch { watched, state }
    }
}

impl Future for AbortWatch {
    type Output = JsValue;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        let Some((signal, _)) = &self.watched else {
            return Poll::Pending;
        };
        if signal.aborted() {
            return Poll::Ready(signal.reason());
        }
        self.state.poll(cx).map(|()| signal.reason())
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let Some((signal, listener)) = &self.watched {
            let _ = signal.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        }
    }
}
