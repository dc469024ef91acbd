//! Timers: a deadline raced against a future. The timer is cleared when the race is dropped,
//! whichever side won, so no callback outlives the refresh it guarded.

use alloc::rc::Rc;
use core::cell::Cell;
use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::{Poll, Waker};
use js_sys::Function;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

#[derive(Default)]
struct Alarm {
    rang: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

/// Clears the timeout when dropped.
struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// Runs `future` for at most `ms` milliseconds; `None` when the time ran out first.
pub async fn with_timeout<F: Future>(future: F, ms: f64) -> Option<F::Output> {
    let alarm = Rc::new(Alarm::default());
    let ringer = Rc::clone(&alarm);
    let callback = Closure::<dyn FnMut()>::new(move || {
        ringer.rang.set(true);
        if let Some(waker) = ringer.waker.take() {
            waker.wake();
        }
    });
    let _timer = Timer { id: set_timeout(callback.as_ref().unchecked_ref(), ms), _callback: callback };
    let mut future = pin!(future);
    poll_fn(|cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        if alarm.rang.get() {
            return Poll::Ready(None);
        }
        alarm.waker.set(Some(cx.waker().clone()));
        Poll::Pending
    })
    .await
}
