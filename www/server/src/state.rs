//! The mutable state of one backend: the token authority, the counters, flavour 003's server-side
//! sessions and the fault plan, with the admin reset over all of them.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::counters::Counters;
use crate::faults::Faults;
use crate::tokens::Authority;

/// Everything a request handler may change, behind one lock (each handler step is short and never
/// awaits while holding it, so the backend behaves like the single-threaded Node one).
#[derive(Debug)]
pub struct Ledger {
    /// Issues and checks tokens.
    pub authority: Authority,
    /// What the tests read back.
    pub counters: Counters,
    /// Flavour 003 has no client-side refresh token: the server keeps the session's refresh token,
    /// keyed by user, so an expire-refresh (or a reset) also ends the re-login ability until the
    /// next real login.
    pub sessions: HashMap<String, String>,
}

/// One backend's state.
#[derive(Debug)]
pub struct Backend {
    /// Tokens, counters and sessions.
    ledger: Mutex<Ledger>,
    /// The refresh faults to inject.
    pub faults: Faults,
}

impl Backend {
    /// A backend issuing tokens with `authority`.
    pub fn new(authority: Authority) -> Self {
        let ledger = Ledger { authority, counters: Counters::default(), sessions: HashMap::new() };
        Self { ledger: Mutex::new(ledger), faults: Faults::default() }
    }

    /// The ledger, locked (a panic elsewhere never makes it unusable).
    pub fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> Counters {
        self.ledger().counters.clone()
    }

    /// Before each test: every token issued so far expires, the faults are cleared (hung calls
    /// dropped) and the counters start from zero.
    pub fn reset(&self) {
        {
            let mut ledger = self.ledger();
            ledger.authority.reset();
            ledger.counters = Counters::default();
        }
        self.faults.reset();
    }
}
