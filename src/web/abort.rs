//! Watching a caller's `AbortSignal` while its request waits in the queue, with a guard that
//! removes the listener when the request ends (a listener left behind keeps the request's objects
//! alive for the life of the signal).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

#[derive(Default)]
struct Fired {
    fired: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

/// Resolves with the abort reason when the signal aborts; dropping it removes the listener.
#[must_use = "the watch stops listening when dropped"]
pub struct AbortWatch {
    signal: AbortSignal,
    listener: Closure<dyn FnMut()>,
    state: Rc<Fired>,
}

impl std::fmt::Debug for AbortWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbortWatch").field("fired", &self.state.fired.get()).finish_non_exhaustive()
    }
}

impl AbortWatch {
    /// Starts listening to `signal`'s `abort` event.
    pub fn new(signal: AbortSignal) -> AbortWatch {
        let state = Rc::new(Fired::default());
        let seen = Rc::clone(&state);
        let listener = Closure::<dyn FnMut()>::new(move || {
            seen.fired.set(true);
            if let Some(waker) = seen.waker.take() {
                waker.wake();
            }
        });
        // Adding a listener to an AbortSignal does not throw.
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortWatch { signal, listener, state }
    }
}

impl Future for AbortWatch {
    type Output = JsValue;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        if self.state.fired.get() || self.signal.aborted() {
            Poll::Ready(self.signal.reason())
        } else {
            self.state.waker.set(Some(cx.waker().clone()));
            Poll::Pending
        }
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        let _ =
            self.signal.remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}
