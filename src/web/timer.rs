//! The [`Timer`] port in the browser: `Date.now()`, delays and alarms on gloo-timers' `Timeout`
//! (cleared when dropped, so an abandoned deadline leaves no timer behind), and
//! wasm-bindgen-futures' `spawn_local`.

use crate::flag::Flag;
use crate::ports::Timer;
use crate::web::platform::WebPlatform;
use gloo_timers::callback::Timeout;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Resolves when its timeout fires; dropping it clears the timeout.
#[must_use = "the timer is cleared when dropped"]
#[derive(Debug)]
pub struct Sleep {
    fired: Rc<Flag>,
    _timeout: Timeout,
}

impl Sleep {
    /// A delay of `ms` milliseconds.
    pub fn new(ms: u32) -> Sleep {
        let fired = Rc::new(Flag::default());
        let raise = Rc::clone(&fired);
        Sleep { fired, _timeout: Timeout::new(ms, move || raise.raise()) }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.fired.poll(cx)
    }
}

impl Timer for WebPlatform {
    type Alarm = Timeout;

    fn now(&self) -> f64 {
        js_sys::Date::now()
    }

    fn alarm(&self, ms: u32, then: Box<dyn FnOnce()>) -> Timeout {
        Timeout::new(ms, then)
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin + 'static {
        Sleep::new(ms)
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(task);
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
