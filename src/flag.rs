//! A flag raised once, and the task to wake when it is: what turns an event (an abort, a timer,
//! `dispose()`) into something a future can wait on.

use std::cell::Cell;
use std::task::{Context, Poll, Waker};

/// See the module documentation.
#[derive(Default)]
pub struct Flag {
    raised: Cell<bool>,
    waker: Cell<Option<Waker>>,
}

impl std::fmt::Debug for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flag").field("raised", &self.raised.get()).finish_non_exhaustive()
    }
}

impl Flag {
    /// Raises the flag and wakes the waiting task, if any.
    pub fn raise(&self) {
        self.raised.set(true);
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    /// Whether it was raised.
    pub fn raised(&self) -> bool {
        self.raised.get()
    }

    /// Ready once raised; otherwise keeps `cx`'s waker for [`Flag::raise`].
    pub fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.raised.get() {
            Poll::Ready(())
        } else {
            self.waker.set(Some(cx.waker().clone()));
            Poll::Pending
        }
    }
}
