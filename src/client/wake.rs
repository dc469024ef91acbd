//! The driver's waking side: the expiry is checked again when the page becomes visible or the
//! browser comes back online, and, with `autoRefresh`, when the token enters its refresh window.
//! The machine decides what a wake-up does ([`Input::Wake`]); this only says when one happens.

use super::Client;
use crate::core::machine::Input;
use crate::core::options::MAX_TIMER_MS;
use crate::core::policy::refresh_due_at;
use crate::ports::Platform;
use std::rc::{Rc, Weak};

impl<P: Platform> Client<P> {
    /// Starts what a client does on its own: it listens to the other tabs, watches the page wake
    /// up, and (with `autoRefresh`) arms the refresh timer. Everything registered holds the client
    /// weakly and is removed by `dispose()`.
    pub fn start(self: &Rc<Self>) {
        self.listen_to_tabs();
        let client = Rc::downgrade(self);
        self.platform.watch(Box::new(move || {
            if let Some(client) = Weak::upgrade(&client) {
                client.wake();
            }
        }));
        self.schedule();
    }

    /// The page may have woken up: when it is visible, the machine checks the expiry (a token
    /// past it, or inside its window, is refreshed now, in the background). A hidden page does
    /// nothing: the visible one refreshes, and this one checks again when it is shown.
    pub(super) fn wake(self: &Rc<Self>) {
        if self.disposed() || !self.platform.visible() {
            return;
        }
        let tokens = self.load();
        self.feed(Input::Wake { now: self.platform.now(), tokens: tokens.as_ref() });
        if !self.machine.borrow().refreshing() {
            // Nothing due yet (or nothing to refresh with): the timer waits for the window.
            self.schedule();
        }
    }

    /// With `autoRefresh`, (re)arms the one timer for when the stored token enters its refresh
    /// window; it wakes the client then. Called at the start and whenever the tokens change; a
    /// previous timer is cleared first (dropped), and none is armed without an expiry. A refresh
    /// that fails arms nothing: the next wake-up (the page shown, the network back) or request
    /// tries again, so that a failing endpoint is not called in a loop.
    pub(super) fn schedule(self: &Rc<Self>) {
        if !self.config.auto_refresh {
            return;
        }
        self.auto_refresh.take();
        if self.disposed() {
            return;
        }
        let Some(due) = self.load().and_then(|tokens| refresh_due_at(&tokens, self.config.window_ms)) else {
            return;
        };
        // A later time than a browser timer can wait is waited for in steps.
        let delay = (due - self.platform.now()).clamp(0.0, MAX_TIMER_MS) as u32;
        let client = Rc::downgrade(self);
        let alarm = self.platform.alarm(
            delay,
            Box::new(move || {
                if let Some(client) = Weak::upgrade(&client) {
                    client.auto_refresh.take();
                    client.wake();
                }
            }),
        );
        *self.auto_refresh.borrow_mut() = Some(alarm);
    }
}
