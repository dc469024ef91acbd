//! The [`Timer`] port in the browser: `Date.now()`, gloo-timers' `TimeoutFuture` (cleared when
//! dropped), and wasm-bindgen-futures' `spawn_local`.

use crate::ports::Timer;
use crate::web::platform::WebPlatform;
use gloo_timers::future::TimeoutFuture;
use std::future::Future;

impl Timer for WebPlatform {
    fn now(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin {
        TimeoutFuture::new(ms)
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(task);
    }
}
