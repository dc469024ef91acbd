//! Timers: a deadline raced against a future. The timer is cleared when the race is dropped,
//! whichever side won, so no callback outlives the refresh it guarded.

use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

#[derive(Default)]
struct Alarm {
    rang: bool,
    waker: Option<Waker>,
}

/// Runs `future` for at most `ms` milliseconds; `None` when the time ran out first.
pub async fn with_timeout<F: Future>(future: F, ms: f64) -> Option<F::Output> {
    let alarm = Rc::new(RefCell::new(Alarm::default()));
    let ringer = Rc::clone(&alarm);
    // Clamped to what setTimeout accepts; options are validated to be finite and positive.
    let millis = ms.clamp(0.0, f64::from(i32::MAX)) as u32;
    let _timer = Timeout::new(millis, move || {
        let mut alarm = ringer.borrow_mut();
        alarm.rang = true;
        if let Some(waker) = alarm.waker.take() {
            waker.wake();
        }
    });
    let mut future = pin!(future);
    poll_fn(|cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        let mut alarm = alarm.borrow_mut();
        if alarm.rang {
            return Poll::Ready(None);
        }
        alarm.waker = Some(cx.waker().clone());
        Poll::Pending
    })
    .await
}
