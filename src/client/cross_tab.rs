//! The driver's cross-tab side: the refresh taken in turn under the tabs' lock, the shared record
//! read and written around it, and what the other tabs are told and what this tab does when it
//! hears them. The decisions are the core's ([`crate::core::tabs`]); this carries them out over the
//! [`crate::ports::Tabs`] port.

use super::{first, Client, Coordination, First};
use crate::core::machine::{EndReason, FailureKind, Input, RefreshResult};
use crate::core::options::MAX_TIMER_MS;
use crate::core::tabs::{self, CrossTabOff, Follow, Message, SharedRecord, Turn};
use crate::core::tokens::{Secret, TokenSet};
use crate::ports::Platform;
use std::rc::{Rc, Weak};

/// How much longer than the refresh timeout a tab waits for another tab's refresh lock: the
/// holder's own refresh is bounded by the timeout; the margin covers reading and writing the
/// shared record around it.
pub const LOCK_MARGIN_MS: f64 = 2_000.0;

impl<P: Platform> Client<P> {
    /// The name the tabs coordinate under, when they do. The first time, asks the platform
    /// whether they can (and tells the listeners once when they cannot).
    fn coordinated(&self) -> Option<&str> {
        let name = self.config.coordination.as_deref()?;
        if self.coordination.get() == Coordination::Unknown {
            match self.platform.coordination() {
                Ok(()) => self.coordination.set(Coordination::On),
                Err(reason) => self.coordination_off(reason),
            }
        }
        (self.coordination.get() == Coordination::On).then_some(name)
    }

    /// Coordination is off from now on: this tab refreshes alone.
    fn coordination_off(&self, reason: CrossTabOff) {
        if self.coordination.replace(Coordination::Off) != Coordination::Off {
            self.platform.cross_tab_off(reason);
        }
    }

    /// How long a tab waits for the lock, and holds it at most.
    fn turn_ms(&self) -> u32 {
        (self.config.timeout_ms + LOCK_MARGIN_MS).min(MAX_TIMER_MS) as u32
    }

    /// Waits for the lock, at most [`Client::turn_ms`]: `Ok(Some(held))`, `Ok(None)` when the
    /// lock could not be requested (coordination is then off), `Err(())` when the wait ran out.
    async fn take_turn(&self, name: &str) -> Result<Option<P::Held>, ()> {
        match first(self.platform.lock(name), self.platform.sleep(self.turn_ms())).await {
            First::Left(Ok(held)) => Ok(Some(held)),
            First::Left(Err(reason)) => {
                self.coordination_off(reason);
                Ok(None)
            }
            First::Right(()) => Err(()),
        }
    }

    /// The shared record, if it can be read; a store that fails turns coordination off.
    async fn read_record(&self, name: &str) -> Option<SharedRecord> {
        match self.platform.read_shared(name).await {
            Ok(text) => SharedRecord::decode(&text?),
            Err(reason) => {
                self.coordination_off(reason);
                None
            }
        }
    }

    /// Stores the shared record; `false` when the store failed (coordination is then off).
    async fn write_record(&self, name: &str, record: &SharedRecord) -> bool {
        let written = self.platform.write_shared(name, &record.encode()).await;
        written.map_err(|reason| self.coordination_off(reason)).is_ok()
    }

    /// The refresh, in this tab's turn: under the cross-tab lock (waited for at most
    /// [`Client::turn_ms`]) when the tabs coordinate, and within the refresh timeout, which bounds
    /// reading and writing the shared record as well as the refresh call. The outcome, and what to
    /// tell the other tabs once the lock is released.
    pub(super) async fn refresh_in_turn(&self) -> (RefreshResult, Option<Message>) {
        let mut coordinated = None;
        if let Some(name) = self.coordinated() {
            // What this tab held when it decided to refresh; the turn compares it with the record.
            let Some(basis) = self.refresh_basis.take() else {
                return (RefreshResult::failed(FailureKind::NoRefreshToken, None), None);
            };
            match self.take_turn(name).await {
                Ok(Some(held)) => coordinated = Some((name, basis, held)),
                Ok(None) => {}
                Err(()) => return (RefreshResult::failed(FailureKind::LockTimeout, None), None),
            }
        }
        let turn = self.turn(coordinated.as_ref().map(|(name, basis, _)| (*name, basis)));
        // The options reader keeps the timeout within what a timer honours.
        match first(turn, self.platform.sleep(self.config.timeout_ms as u32)).await {
            First::Left(outcome) => outcome,
            First::Right(()) => {
                *self.refresh_cause.borrow_mut() = None;
                (RefreshResult::failed(FailureKind::Timeout, None), None)
            }
        }
        // The lock, if held, is released here, before anyone is told.
    }

    /// This tab's turn. Coordinated (`name` and the `basis` tokens given), it reads the record
    /// and refreshes only when no other tab already did, then writes the record.
    async fn turn(&self, coordinated: Option<(&str, &TokenSet)>) -> (RefreshResult, Option<Message>) {
        let mut recorded = None;
        let tokens = match coordinated {
            None => self.load(),
            Some((name, basis)) => {
                let previous = self.read_record(name).await;
                let stored = self.load_settled();
                match tabs::decide(basis, stored.as_ref(), previous.as_ref()) {
                    Turn::Adopt(tokens) => return (RefreshResult::Adopted(tokens), None),
                    Turn::Ended(reason) => return (RefreshResult::ended(reason), None),
                    Turn::Gone => return (RefreshResult::failed(FailureKind::NoRefreshToken, None), None),
                    Turn::Refresh(tokens) => {
                        recorded = Some((name, previous));
                        Some(tokens)
                    }
                }
            }
        };
        let result = self.perform_refresh(tokens.as_ref()).await;
        let (Some((name, previous)), Some(used)) = (recorded, tokens) else { return (result, None) };
        let (record, message, result) = match result {
            // Cleared while the refresh ran (a logout in another tab that shares this storage, or
            // the app's own code): the session is not brought back; it ends here and everywhere.
            RefreshResult::Renewed(_) if self.load_settled().is_none() => (
                tabs::record_logout(&used, previous.as_ref()),
                Message::Ended,
                RefreshResult::ended(EndReason::Logout),
            ),
            RefreshResult::Renewed(renewed) => (
                tabs::record_after(&used, Some(&renewed), EndReason::OtherTab, previous.as_ref()),
                Message::Renewed,
                RefreshResult::Renewed(renewed),
            ),
            RefreshResult::Refused(end) => (
                tabs::record_after(&used, None, end.reason, previous.as_ref()),
                Message::Ended,
                RefreshResult::Refused(end),
            ),
            result => return (result, None),
        };
        let written = self.write_record(name, &record).await;
        (result, written.then_some(message))
    }

    /// Starts hearing the other tabs (called once, when the client is made). The channel holds
    /// the client weakly: a client dropped without `dispose()` is not kept alive by it. Where the
    /// tabs cannot coordinate, nothing is done here: the first refresh tells the listeners why
    /// (they are not registered yet).
    pub fn listen_to_tabs(self: &Rc<Self>) {
        let Some(name) = self.config.coordination.as_deref() else { return };
        if self.platform.coordination().is_err() {
            return;
        }
        let client = Rc::downgrade(self);
        let heard = move |text: String| {
            if let (Some(client), Some(message)) = (Weak::upgrade(&client), Message::parse(&text)) {
                let task = Rc::clone(&client).follow(message);
                client.platform.spawn(task);
            }
        };
        self.platform.listen(name, Box::new(heard));
        // Whether this tab holds a session, for a logout elsewhere that clears a shared storage.
        let client = Rc::clone(self);
        self.platform.spawn(async move {
            let tokens = client.load();
            client.machine.borrow_mut().observe(tokens.as_ref());
        });
    }

    /// Another tab posted `message`: read the record and follow it. (No lock is held and no
    /// promise of the app waits on this.)
    async fn follow(self: Rc<Self>, message: Message) {
        let Some(name) = self.config.coordination.as_deref() else { return };
        let record = self.read_record(name).await;
        if self.disposed() {
            return;
        }
        let stored = self.load_settled();
        let held = self.machine.borrow().holds_session();
        match tabs::follow(message, stored.as_ref(), held, record.as_ref()) {
            Follow::Take(tokens) => {
                self.vault.save(&tokens, &self.report_fallback());
                self.feed(Input::RenewedElsewhere(&tokens));
            }
            Follow::InStep(tokens) => self.feed(Input::RenewedElsewhere(&tokens)),
            Follow::End(reason) => self.feed(Input::EndedElsewhere(reason)),
            Follow::Ignore => {}
        }
    }

    /// A request sent with `sent` was refused, and the tokens are gone from storage meanwhile:
    /// when the record says another tab ended that session, this tab ends it too, now (the
    /// other tab's message may still be on its way), so that the request fails as the session's
    /// end rather than as a logout of this tab's own.
    pub(super) async fn ended_elsewhere(self: &Rc<Self>, sent: Option<&Secret>) {
        let (Some(name), Some(sent)) = (self.coordinated(), sent) else { return };
        if let Some(reason) = self.read_record(name).await.and_then(|record| record.ended_for(sent)) {
            self.feed(Input::EndedElsewhere(reason));
        }
    }

    /// A logout here ends the session in the other tabs: the record says so (under the lock, so
    /// that no refresh in another tab overwrites it), then the others are told. It completes even
    /// when the client is disposed meanwhile: the logout was asked before.
    pub(super) async fn announce_logout(self: Rc<Self>, cleared: TokenSet) {
        let Some(name) = self.coordinated() else { return };
        let Ok(Some(held)) = self.take_turn(name).await else { return };
        let write = async {
            let previous = self.read_record(name).await;
            self.write_record(name, &tabs::record_logout(&cleared, previous.as_ref())).await
        };
        let written = matches!(first(write, self.platform.sleep(self.turn_ms())).await, First::Left(true));
        drop(held);
        if written {
            self.platform.broadcast(name, Message::Ended.as_str());
        }
    }
}
