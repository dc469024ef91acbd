//! The refresh/queue state machine: events in, effects out.
//!
//! The machine decides, for every request, whether it goes out now, waits for the one refresh in
//! flight, is replayed, or fails; and, for the client as a whole, when a refresh starts, when tokens
//! are saved or cleared, and when the app is told the session is over. It performs no I/O: the
//! driver ([`crate::client`]) feeds it [`Input`]s (with the tokens it just read from storage and the
//! time) and carries out the [`Effect`]s it returns, in order.
//!
//! Invariants the tests check: at most one refresh runs at a time; every request that enters ends
//! with exactly one `Deliver` or `Fail`; a request is sent at most twice; `SessionExpired` is
//! emitted once until new tokens appear.

use super::classify::{Class, Code};
use super::policy::{freshness, Freshness};
use super::tokens::{Secret, TokenSet};

/// Identifies one call of `fetch` (or of `refresh()`) for the life of a client.
pub type RequestId = u32;

/// Why a refresh was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The token is inside the proactive window: refresh in the background.
    Proactive,
    /// The token is past its expiry by the local clock.
    Expired,
    /// The server refused the token.
    Rejected,
    /// The app called `refresh()`.
    Manual,
}

/// What kind of transient failure a refresh met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The refresh call did not get an answer (offline, DNS, CORS…).
    Network,
    /// The refresh call took longer than the timeout.
    Timeout,
    /// The refresh endpoint answered with a status that is neither success nor refusal (5xx…).
    Status,
    /// The answer was not JSON or had no usable access token.
    Malformed,
    /// The app's refresh function threw.
    Function,
    /// There is nothing to refresh with.
    NoRefreshToken,
    /// Another tab held the refresh lock for longer than this tab would wait.
    LockTimeout,
    /// The renewal limit (`renewLimit`) was reached: the server keeps refusing fresh tokens.
    RateLimited,
}

/// A transient refresh failure: the tokens are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshFailure {
    /// What went wrong.
    pub kind: FailureKind,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The refresh endpoint refused the refresh token.
    RefreshRejected,
    /// An API response matched `sessionExpired`.
    SessionExpiredResponse,
    /// The access token was refused and there is no refresh token to renew it with.
    NoRefreshToken,
    /// The app's refresh function resolved with `null`.
    RefreshFunction,
    /// The app logged out (`clearTokens()`) in another tab.
    Logout,
    /// Another tab saw the session end.
    OtherTab,
}

/// How a session ended, as `onSessionExpired` and the event report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEnd {
    /// Why.
    pub reason: EndReason,
    /// The HTTP status of the answer that ended it, if any.
    pub status: Option<u16>,
    /// The business code of that answer, if any.
    pub code: Option<Code>,
}

/// The outcome of one refresh, as the driver reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum RefreshResult {
    /// New tokens (already merged with the refresh token being kept, if the answer had none).
    Renewed(TokenSet),
    /// Another tab had renewed the tokens already: these are its tokens, and no call was made.
    Adopted(TokenSet),
    /// The session is over.
    Refused(SessionEnd),
    /// A transient failure.
    Failed(RefreshFailure),
}

impl RefreshResult {
    /// A transient failure of this kind, with the status of the answer when there was one.
    pub fn failed(kind: FailureKind, status: Option<u16>) -> RefreshResult {
        RefreshResult::Failed(RefreshFailure { kind, status })
    }

    /// The end of the session, for this reason (no answer to report).
    pub fn ended(reason: EndReason) -> RefreshResult {
        RefreshResult::Refused(SessionEnd { reason, status: None, code: None })
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The session is over: the user must log in again.
    SessionExpired,
    /// The refresh failed for another reason; the tokens are kept.
    Refresh(RefreshFailure),
}

/// Why a request was sent a second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayReason {
    /// After a refresh.
    Refreshed,
    /// The tokens had changed since it was sent (another request or tab refreshed them).
    TokenChanged,
}

/// Where a `tokens-changed` notice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// The app called `setTokens`.
    Set,
    /// A refresh renewed them.
    Refresh,
    /// The app called `clearTokens`.
    Clear,
    /// The session ended.
    SessionExpired,
    /// Another tab renewed them.
    OtherTab,
}

/// Something the app may observe (the `on` events). Notices never carry tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A refresh started.
    RefreshStarted {
        /// Why.
        trigger: Trigger,
        /// How many requests wait on it so far.
        queued: usize,
    },
    /// A refresh succeeded.
    RefreshSucceeded {
        /// How many waiting requests are now sent again.
        replayed: usize,
        /// The new expiry.
        expires_at: Option<f64>,
        /// True when another tab had renewed the tokens and this one took its result.
        adopted: bool,
    },
    /// A refresh failed transiently.
    RefreshFailed {
        /// What went wrong.
        failure: RefreshFailure,
        /// How many waiting requests were rejected.
        rejected: usize,
    },
    /// The session ended (reported once until new tokens appear).
    SessionEnded {
        /// How.
        end: SessionEnd,
        /// How many waiting requests were rejected.
        rejected: usize,
    },
    /// The tokens changed.
    TokensChanged {
        /// Who changed them.
        source: TokenSource,
        /// The new expiry, if any.
        expires_at: Option<f64>,
        /// Whether a refresh token is held.
        has_refresh: bool,
    },
    /// A request now waits for the refresh.
    Queued {
        /// Which.
        id: RequestId,
        /// How many wait now.
        queued: usize,
    },
    /// A request is sent again.
    Replayed {
        /// Which.
        id: RequestId,
        /// Why.
        reason: ReplayReason,
    },
}

/// What the driver must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send request `id` with this token (`None`: without one). Sending twice is a replay.
    Send {
        /// Which request.
        id: RequestId,
        /// The access token to attach.
        token: Option<Secret>,
    },
    /// Hand request `id` the response it got.
    Deliver {
        /// Which request.
        id: RequestId,
    },
    /// Reject request `id`.
    Fail {
        /// Which request.
        id: RequestId,
        /// Why.
        failure: Failure,
    },
    /// Run the one refresh, with the tokens in storage.
    StartRefresh {
        /// Why.
        trigger: Trigger,
    },
    /// Store this token set.
    SaveTokens(TokenSet),
    /// Remove the stored tokens.
    ClearTokens,
    /// Call `onSessionExpired` (the machine emits this once per session).
    CallSessionExpired(SessionEnd),
    /// Tell the listeners.
    Notify(Notice),
}

/// An event fed to the machine. `tokens` is what storage holds at that moment.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A new request. `replayable` is false for a stream body, which cannot be sent twice.
    Start {
        /// Its id.
        id: RequestId,
        /// The time, epoch ms.
        now: f64,
        /// The stored tokens.
        tokens: Option<&'a TokenSet>,
        /// Whether it may be sent twice.
        replayable: bool,
    },
    /// Request `id` got an answer, classified.
    Response {
        /// Which request.
        id: RequestId,
        /// What the answer means.
        class: Class,
        /// Its HTTP status.
        status: u16,
        /// Its business code, if read.
        code: Option<&'a Code>,
        /// The stored tokens, read again for an answer that is not [`Class::Ok`] (an `Ok` one is
        /// delivered whatever they are; the driver may pass `None`).
        tokens: Option<&'a TokenSet>,
    },
    /// The app called `refresh()`: `id` waits for the refresh in flight or a new one.
    JoinRefresh {
        /// The waiter's id.
        id: RequestId,
        /// The stored tokens.
        tokens: Option<&'a TokenSet>,
    },
    /// The refresh finished.
    RefreshFinished {
        /// Its outcome.
        result: &'a RefreshResult,
        /// The stored tokens (used when the app changed them while the refresh ran).
        tokens: Option<&'a TokenSet>,
    },
    /// Request `id` is gone (aborted, network error): forget it.
    Left {
        /// Which request.
        id: RequestId,
    },
    /// The app stored new tokens.
    TokensSet(&'a TokenSet),
    /// The app cleared the tokens.
    TokensCleared,
    /// Another tab renewed the tokens; `tokens` is what storage holds now.
    RenewedElsewhere(&'a TokenSet),
    /// The session these tokens belong to ended in another tab.
    EndedElsewhere(EndReason),
    /// The page woke up (it became visible again, came back online, or the `autoRefresh` timer
    /// fired): a token inside its refresh window, or past its expiry, is refreshed now, in the
    /// background, rather than at the next request.
    Wake {
        /// The time, epoch ms.
        now: f64,
        /// The stored tokens.
        tokens: Option<&'a TokenSet>,
    },
}

impl Input<'_> {
    /// The stored tokens this input carries, if it carries them.
    pub fn tokens(&self) -> Option<&TokenSet> {
        match self {
            Input::Start { tokens, .. }
            | Input::Response { tokens, .. }
            | Input::JoinRefresh { tokens, .. }
            | Input::RefreshFinished { tokens, .. }
            | Input::Wake { tokens, .. } => *tokens,
            Input::TokensSet(tokens) | Input::RenewedElsewhere(tokens) => Some(tokens),
            Input::Left { .. } | Input::TokensCleared | Input::EndedElsewhere(_) => None,
        }
    }
}

/// What the machine remembers of one request.
#[derive(Debug, Clone)]
struct Pending {
    id: RequestId,
    sends: u8,
    sent: Option<Secret>,
    replayable: bool,
    /// A `refresh()` call: it waits for the refresh and is never sent.
    waiter_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshState {
    Idle,
    /// A refresh is in flight. `blocking` when some request needs its result (the token is
    /// expired or was refused): new requests then wait for it instead of going out.
    Running {
        blocking: bool,
    },
}

/// The state machine. See the module documentation.
#[derive(Debug)]
pub struct Machine {
    window_ms: f64,
    custom_refresh: bool,
    pending: Vec<Pending>,
    queue: Vec<RequestId>,
    refresh: RefreshState,
    /// The session ended and the app has been told; cleared when new tokens appear.
    ended: bool,
    /// Counts the app's own token changes (`setTokens`, `clearTokens`). A refresh that started
    /// before one of them is stale: its result must not overwrite what the app did.
    epoch: u32,
    /// `epoch` when the running refresh started.
    refresh_epoch: u32,
    /// Tokens were seen in storage since the session last ended or was cleared: a session that
    /// ends in another tab (which may clear a shared storage first) is this tab's too.
    held: bool,
}

impl Machine {
    /// A machine with a proactive window of `window_ms`. `custom_refresh` is true when the app
    /// refreshes with its own function, which needs no refresh token.
    pub fn new(window_ms: f64, custom_refresh: bool) -> Machine {
        Machine {
            window_ms,
            custom_refresh,
            pending: Vec::new(),
            queue: Vec::new(),
            refresh: RefreshState::Idle,
            ended: false,
            epoch: 0,
            refresh_epoch: 0,
            held: false,
        }
    }

    /// Whether a refresh is in flight.
    pub fn refreshing(&self) -> bool {
        self.refresh != RefreshState::Idle
    }

    /// How many requests are known (sent, waiting or being replayed).
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// Feeds one event and returns what to do.
    pub fn handle(&mut self, input: Input<'_>) -> Vec<Effect> {
        let mut out = Vec::new();
        match input {
            Input::Start { id, now, tokens, replayable } => {
                self.observe(tokens);
                self.pending.push(Pending { id, sends: 0, sent: None, replayable, waiter_only: false });
                self.start(id, now, tokens, &mut out);
            }
            Input::Response { id, class, status, code, tokens } => {
                self.observe(tokens);
                self.response(id, class, status, code, tokens, &mut out);
            }
            Input::JoinRefresh { id, tokens } => {
                self.observe(tokens);
                self.pending.push(Pending { id, sends: 0, sent: None, replayable: false, waiter_only: true });
                if self.refreshing() {
                    self.queue.push(id);
                } else if self.can_refresh(tokens) {
                    self.queue.push(id);
                    self.begin_refresh(Trigger::Manual, false, &mut out);
                } else {
                    let failure = RefreshFailure { kind: FailureKind::NoRefreshToken, status: None };
                    self.fail(id, Failure::Refresh(failure), &mut out);
                }
            }
            Input::RefreshFinished { result, tokens } => self.finished(result, tokens, &mut out),
            Input::Left { id } => self.forget(id),
            Input::TokensSet(tokens) => {
                self.observe(Some(tokens));
                self.app_changed();
                out.push(Effect::Notify(changed(TokenSource::Set, Some(tokens))));
            }
            Input::TokensCleared => {
                self.held = false;
                self.app_changed();
                out.push(Effect::Notify(changed(TokenSource::Clear, None)));
            }
            Input::RenewedElsewhere(tokens) => {
                self.observe(Some(tokens));
                // A refresh of this tab's own is waiting for the lock: it takes these tokens in a
                // moment and says so then.
                if !self.refreshing() {
                    out.push(Effect::Notify(changed(TokenSource::OtherTab, Some(tokens))));
                }
            }
            Input::EndedElsewhere(reason) => {
                // The waiting requests fail now rather than when this tab's refresh gets the lock;
                // that refresh's result no longer counts.
                let waiting = core::mem::take(&mut self.queue);
                if self.refreshing() {
                    self.app_changed();
                }
                let end = SessionEnd { reason, status: None, code: None };
                self.end_session(end, waiting.len(), &mut out);
                for id in waiting {
                    self.fail(id, Failure::SessionExpired, &mut out);
                }
            }
            Input::Wake { now, tokens } => {
                self.observe(tokens);
                if let Some(tokens) = tokens.filter(|t| !self.refreshing() && self.can_refresh(Some(t))) {
                    match freshness(tokens, now, self.window_ms) {
                        Freshness::Expired => self.begin_refresh(Trigger::Expired, true, &mut out),
                        Freshness::Expiring => self.begin_refresh(Trigger::Proactive, false, &mut out),
                        Freshness::Fresh | Freshness::Unknown => {}
                    }
                }
            }
        }
        out
    }

    fn app_changed(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Notes what storage holds. Tokens present after the session ended mean a new login (here
    /// or in another tab).
    pub fn observe(&mut self, tokens: Option<&TokenSet>) {
        if tokens.is_some() {
            self.ended = false;
            self.held = true;
        }
    }

    /// Whether this tab holds a session: tokens were seen since it last ended or was cleared.
    pub fn holds_session(&self) -> bool {
        self.held
    }

    fn can_refresh(&self, tokens: Option<&TokenSet>) -> bool {
        tokens.is_some_and(|t| self.custom_refresh || t.refresh.is_some())
    }

    fn start(&mut self, id: RequestId, now: f64, tokens: Option<&TokenSet>, out: &mut Vec<Effect>) {
        let Some(tokens) = tokens else {
            return self.send(id, None, out);
        };
        if self.refresh == (RefreshState::Running { blocking: true }) {
            return self.enqueue(id, out);
        }
        match freshness(tokens, now, self.window_ms) {
            Freshness::Expired if self.can_refresh(Some(tokens)) => {
                if !self.refreshing() {
                    self.begin_refresh(Trigger::Expired, true, out);
                }
                self.enqueue(id, out);
            }
            Freshness::Expiring => {
                self.send(id, Some(tokens.access.clone()), out);
                if !self.refreshing() && self.can_refresh(Some(tokens)) {
                    self.begin_refresh(Trigger::Proactive, false, out);
                }
            }
            // Fresh, unknown, or expired with nothing to refresh with: the server decides.
            _ => self.send(id, Some(tokens.access.clone()), out),
        }
    }

    fn response(
        &mut self,
        id: RequestId,
        class: Class,
        status: u16,
        code: Option<&Code>,
        tokens: Option<&TokenSet>,
        out: &mut Vec<Effect>,
    ) {
        let Some(request) = self.pending.iter().find(|p| p.id == id).cloned() else {
            return;
        };
        let current = tokens.map(|t| &t.access);
        let may_replay = request.replayable && request.sends < 2;
        match class {
            Class::Ok => self.deliver(id, out),
            // Sent without a token: there is nothing to renew; the caller sees the answer.
            _ if request.sent.is_none() => self.deliver(id, out),
            // The tokens changed since it was sent: replay with the current ones, no refresh.
            _ if current.is_some() && current != request.sent.as_ref() => {
                if may_replay {
                    out.push(Effect::Notify(Notice::Replayed { id, reason: ReplayReason::TokenChanged }));
                    self.send(id, current.cloned(), out);
                } else {
                    self.deliver(id, out);
                }
            }
            Class::SessionExpired => {
                let end = SessionEnd {
                    reason: EndReason::SessionExpiredResponse,
                    status: Some(status),
                    code: code.cloned(),
                };
                self.end_session(end, 1, out);
                self.fail(id, Failure::SessionExpired, out);
            }
            // Tokens cleared meanwhile: by a session end (then the answer is the same) or by the
            // app logging out (then the caller sees the answer).
            Class::AccessExpired if tokens.is_none() => {
                if self.ended {
                    self.fail(id, Failure::SessionExpired, out);
                } else {
                    self.deliver(id, out);
                }
            }
            // Refused even with the token a refresh just gave: the caller gets that answer, and
            // no second refresh is started for it (a backend that always says "expired" must not
            // cause a loop).
            Class::AccessExpired if request.sends >= 2 => self.deliver(id, out),
            Class::AccessExpired if !self.can_refresh(tokens) => {
                let end = SessionEnd {
                    reason: EndReason::NoRefreshToken,
                    status: Some(status),
                    code: code.cloned(),
                };
                self.end_session(end, 1, out);
                self.fail(id, Failure::SessionExpired, out);
            }
            Class::AccessExpired => {
                if self.refreshing() {
                    self.refresh = RefreshState::Running { blocking: true };
                } else {
                    self.begin_refresh(Trigger::Rejected, true, out);
                }
                // A stream body cannot be sent again: the caller gets the answer, and the refresh
                // still renews the token for the requests that follow.
                if may_replay {
                    self.enqueue(id, out);
                } else {
                    self.deliver(id, out);
                }
            }
        }
    }

    fn finished(&mut self, result: &RefreshResult, tokens: Option<&TokenSet>, out: &mut Vec<Effect>) {
        if !self.refreshing() {
            return;
        }
        self.refresh = RefreshState::Idle;
        let waiting = core::mem::take(&mut self.queue);
        if self.refresh_epoch != self.epoch {
            return self.superseded(waiting, tokens, out);
        }
        match result {
            RefreshResult::Renewed(tokens) | RefreshResult::Adopted(tokens) => {
                let adopted = matches!(result, RefreshResult::Adopted(_));
                self.observe(Some(tokens));
                out.push(Effect::SaveTokens(tokens.clone()));
                let source = if adopted { TokenSource::OtherTab } else { TokenSource::Refresh };
                out.push(Effect::Notify(changed(source, Some(tokens))));
                let replays = waiting
                    .iter()
                    .filter(|id| self.pending.iter().any(|p| p.id == **id && p.sends > 0))
                    .count();
                out.push(Effect::Notify(Notice::RefreshSucceeded {
                    replayed: replays,
                    expires_at: tokens.expires_at,
                    adopted,
                }));
                for id in waiting {
                    let Some(request) = self.pending.iter().find(|p| p.id == id) else { continue };
                    if request.waiter_only {
                        self.deliver(id, out);
                        continue;
                    }
                    if request.sends > 0 {
                        out.push(Effect::Notify(Notice::Replayed { id, reason: ReplayReason::Refreshed }));
                    }
                    self.send(id, Some(tokens.access.clone()), out);
                }
            }
            RefreshResult::Refused(end) => {
                let rejected = waiting.len();
                self.end_session(end.clone(), rejected, out);
                for id in waiting {
                    self.fail(id, Failure::SessionExpired, out);
                }
            }
            RefreshResult::Failed(failure) => {
                out.push(Effect::Notify(Notice::RefreshFailed {
                    failure: *failure,
                    rejected: waiting.len(),
                }));
                for id in waiting {
                    self.fail(id, Failure::Refresh(*failure), out);
                }
            }
        }
    }

    /// The app set or cleared the tokens while the refresh ran: its result is dropped. The waiting
    /// requests go out with the stored token or, after a logout, fail as the session is over.
    fn superseded(&mut self, waiting: Vec<RequestId>, tokens: Option<&TokenSet>, out: &mut Vec<Effect>) {
        let token = tokens.map(|t| t.access.clone());
        for id in waiting {
            let Some(request) = self.pending.iter().find(|p| p.id == id) else { continue };
            match &token {
                _ if request.waiter_only => self.deliver(id, out),
                Some(token) if request.sends < 2 => {
                    if request.sends > 0 {
                        out.push(Effect::Notify(Notice::Replayed { id, reason: ReplayReason::TokenChanged }));
                    }
                    self.send(id, Some(token.clone()), out);
                }
                _ => self.fail(id, Failure::SessionExpired, out),
            }
        }
    }

    /// Clears the tokens and, the first time only, tells the app. `rejected` counts the requests
    /// that fail with it.
    fn end_session(&mut self, end: SessionEnd, rejected: usize, out: &mut Vec<Effect>) {
        out.push(Effect::ClearTokens);
        self.held = false;
        if self.ended {
            return;
        }
        self.ended = true;
        out.push(Effect::Notify(changed(TokenSource::SessionExpired, None)));
        out.push(Effect::Notify(Notice::SessionEnded { end: end.clone(), rejected }));
        out.push(Effect::CallSessionExpired(end));
    }

    fn begin_refresh(&mut self, trigger: Trigger, blocking: bool, out: &mut Vec<Effect>) {
        self.refresh = RefreshState::Running { blocking };
        self.refresh_epoch = self.epoch;
        out.push(Effect::StartRefresh { trigger });
        out.push(Effect::Notify(Notice::RefreshStarted { trigger, queued: self.queue.len() }));
    }

    fn enqueue(&mut self, id: RequestId, out: &mut Vec<Effect>) {
        self.queue.push(id);
        out.push(Effect::Notify(Notice::Queued { id, queued: self.queue.len() }));
    }

    fn send(&mut self, id: RequestId, token: Option<Secret>, out: &mut Vec<Effect>) {
        if let Some(request) = self.pending.iter_mut().find(|p| p.id == id) {
            request.sends += 1;
            request.sent.clone_from(&token);
        }
        out.push(Effect::Send { id, token });
    }

    fn deliver(&mut self, id: RequestId, out: &mut Vec<Effect>) {
        self.forget(id);
        out.push(Effect::Deliver { id });
    }

    fn fail(&mut self, id: RequestId, failure: Failure, out: &mut Vec<Effect>) {
        self.forget(id);
        out.push(Effect::Fail { id, failure });
    }

    fn forget(&mut self, id: RequestId) {
        self.pending.retain(|p| p.id != id);
        self.queue.retain(|q| *q != id);
    }
}

fn changed(source: TokenSource, tokens: Option<&TokenSet>) -> Notice {
    Notice::TokensChanged {
        source,
        expires_at: tokens.and_then(|t| t.expires_at),
        has_refresh: tokens.is_some_and(|t| t.refresh.is_some()),
    }
}
