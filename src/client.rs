//! The driver: runs the core's [`Machine`] over the ports of [`crate::ports`]. It owns the
//! per-request mailboxes (the queue of pending promises), the single refresh task and its
//! deadline; it feeds the machine what happens and carries out what the machine decides, and
//! nothing else. It names no browser type, so the native tests run it over fake ports.
//!
//! No `RefCell` borrow is ever held across a call into a port (a listener or callback may call
//! back into the client), and no path panics: every failure becomes a rejected promise.

use crate::core::attach;
use crate::core::classify::{
    classify, lacks_scope, refresh_verdict, should_read_body, Class, Code, RefreshVerdict, BODY_READ_CAP,
};
use crate::core::events::Fallback;
use crate::core::machine::{
    Effect, EndReason, Failure, FailureKind, Input, Machine, Notice, RefreshResult, RequestId, SessionEnd,
};
use crate::core::options::{Config, Matcher, Refresher, ResponsePaths};
use crate::core::refresh::{build_request, read_answer, PlainRequest, Scalar};
use crate::core::retry::{http_date_ms, is_transient, retry_after_ms, Renewals};
use crate::core::tokens::{TokenError, TokenSet};
use crate::core::vault::TokenVault;
use crate::flag::Flag;
use crate::ports::{KeyValueStore, Platform, RefreshAnswer};
use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

mod cross_tab;
mod wake;

pub use cross_tab::LOCK_MARGIN_MS;

/// Whether this client coordinates its refreshes with the other tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coordination {
    /// Not asked yet (asked at the first refresh or when the client starts listening).
    Unknown,
    /// On.
    On,
    /// Off: `crossTab: false`, or an API is missing or failed (the event was sent).
    Off,
}

/// What a waiting request is told to do next.
#[derive(Debug)]
enum Command {
    Send(Option<crate::core::tokens::Secret>),
    Deliver,
    Fail(Failure),
    Dispose,
}

/// One request's pending promise, as a one-slot mailbox the driver posts commands to.
#[derive(Default)]
struct Mailbox {
    command: Cell<Option<Command>>,
    waker: Cell<Option<Waker>>,
    method: String,
    url: String,
}

impl std::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailbox").field("method", &self.method).finish_non_exhaustive()
    }
}

impl Mailbox {
    fn post(&self, command: Command) {
        self.command.set(Some(command));
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    fn poll(&self, cx: &mut Context<'_>) -> Poll<Command> {
        match self.command.take() {
            Some(command) => Poll::Ready(command),
            None => {
                self.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

/// Which of two futures finished first.
enum First<A, B> {
    Left(A),
    Right(B),
}

/// Runs `a` and `b` together until one finishes; the other is dropped (which cancels it).
async fn first<A: Future, B: Future>(a: A, b: B) -> First<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(First::Left(out));
        }
        b.as_mut().poll(cx).map(First::Right)
    })
    .await
}

/// Why `setTokens` refused its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetTokensError {
    /// The client has been disposed.
    Disposed,
    /// The token set is not valid.
    Invalid(TokenError),
}

/// A client: the state behind one `AuthClient`.
pub struct Client<P: Platform> {
    config: Config<P::Function>,
    platform: P,
    machine: RefCell<Machine>,
    vault: TokenVault,
    mailboxes: RefCell<Vec<(RequestId, Rc<Mailbox>)>>,
    next_id: Cell<RequestId>,
    refresh_started: Cell<f64>,
    /// What made the last refresh fail (a network error, what the refresh function threw), for
    /// the `cause` of the `RefreshError`s it causes.
    refresh_cause: RefCell<Option<P::Error>>,
    /// The tokens the machine decided to refresh with (those of the input that started the
    /// refresh, kept when the tabs coordinate): what the cross-tab record is compared with.
    refresh_basis: RefCell<Option<TokenSet>>,
    /// The refreshes made lately, against `renewLimit`.
    renewals: RefCell<Renewals>,
    /// Raised by `dispose()`; the refresh task waits on it.
    disposal: Flag,
    coordination: Cell<Coordination>,
    /// The `autoRefresh` timer, when one is armed (dropping it clears it).
    auto_refresh: RefCell<Option<P::Alarm>>,
}

impl<P: Platform> std::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("machine", &self.machine)
            .field("vault", &self.vault)
            .field("disposed", &self.disposal.raised())
            .finish_non_exhaustive()
    }
}

/// Removes a request's mailbox when its call ends, however it ends.
struct Registration<'a, P: Platform> {
    client: &'a Client<P>,
    id: RequestId,
}

impl<P: Platform> Drop for Registration<'_, P> {
    fn drop(&mut self) {
        self.client.mailboxes.borrow_mut().retain(|(id, _)| *id != self.id);
    }
}

impl<P: Platform> Client<P> {
    /// A client over `platform`, keeping its tokens in `store`.
    pub fn new(config: Config<P::Function>, store: Box<dyn KeyValueStore>, platform: P) -> Client<P> {
        let custom = matches!(config.refresher, Refresher::Custom(_));
        Client {
            machine: RefCell::new(Machine::new(config.window_ms, custom)),
            vault: TokenVault::new(config.storage_keys.clone(), store),
            config,
            platform,
            mailboxes: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
            refresh_started: Cell::new(0.0),
            refresh_cause: RefCell::new(None),
            refresh_basis: RefCell::new(None),
            renewals: RefCell::new(Renewals::default()),
            disposal: Flag::default(),
            coordination: Cell::new(Coordination::Unknown),
            auto_refresh: RefCell::new(None),
        }
    }

    /// The platform the client runs on.
    pub fn platform(&self) -> &P {
        &self.platform
    }

    fn disposed(&self) -> bool {
        self.disposal.raised()
    }

    fn report_fallback(&self) -> impl Fn(Fallback) + '_ {
        move |fallback: Fallback| self.platform.storage_fell_back(&fallback)
    }

    fn load(&self) -> Option<TokenSet> {
        self.vault.load(&self.report_fallback())
    }

    /// The stored tokens, read until two reads agree (at most three reads): another tab may be
    /// writing them value by value at this very moment. For the cross-tab decisions, not for
    /// every request.
    fn load_settled(&self) -> Option<TokenSet> {
        let mut last = self.load();
        for _ in 0..2 {
            let again = self.load();
            if again == last {
                break;
            }
            last = again;
        }
        last
    }

    /// Feeds the machine and carries out what it decides. After `dispose()` nothing is fed: no
    /// refresh starts and nothing is written.
    fn feed(self: &Rc<Self>, input: Input<'_>) {
        if self.disposed() {
            return;
        }
        let effects = self.machine.borrow_mut().handle(input);
        if self.config.coordination.is_some()
            && effects.iter().any(|e| matches!(e, Effect::StartRefresh { .. }))
        {
            // Exactly what the machine decided on: a second read may already see another tab's
            // renewed tokens.
            *self.refresh_basis.borrow_mut() = input.tokens().cloned();
        }
        self.apply(effects);
    }

    fn mailbox(&self, id: RequestId) -> Option<Rc<Mailbox>> {
        self.mailboxes.borrow().iter().find(|(i, _)| *i == id).map(|(_, m)| Rc::clone(m))
    }

    fn post(&self, id: RequestId, command: Command) {
        if let Some(mailbox) = self.mailbox(id) {
            mailbox.post(command);
        }
    }

    /// Carries out the machine's effects, in order.
    fn apply(self: &Rc<Self>, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Send { id, token } => self.post(id, Command::Send(token)),
                Effect::Deliver { id } => self.post(id, Command::Deliver),
                Effect::Fail { id, failure } => self.post(id, Command::Fail(failure)),
                Effect::StartRefresh { .. } => {
                    self.refresh_started.set(self.platform.now());
                    self.platform.spawn(Rc::clone(self).run_refresh());
                }
                Effect::SaveTokens(tokens) => self.vault.save(&tokens, &self.report_fallback()),
                Effect::ClearTokens => self.vault.clear(&self.report_fallback()),
                Effect::CallSessionExpired(end) => {
                    if let Some(callback) = &self.config.on_session_expired {
                        self.platform.session_expired(callback, &end);
                    }
                }
                Effect::Notify(notice) => {
                    let request = match &notice {
                        Notice::Queued { id, .. } | Notice::Replayed { id, .. } => self.mailbox(*id),
                        _ => None,
                    };
                    let request = request.as_ref().map(|m| (m.method.as_str(), m.url.as_str()));
                    let duration = self.platform.now() - self.refresh_started.get();
                    self.platform.notify(&notice, request, duration);
                    if let Notice::TokensChanged { .. } = notice {
                        self.schedule();
                    }
                }
            }
        }
    }

    fn register(&self, method: String, url: String) -> (RequestId, Rc<Mailbox>) {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let mailbox = Rc::new(Mailbox { method, url, ..Mailbox::default() });
        self.mailboxes.borrow_mut().push((id, Rc::clone(&mailbox)));
        (id, mailbox)
    }

    /// `fetch(input, init)` with tokens attached, refreshed and replayed as the options say.
    pub async fn fetch(self: Rc<Self>, call: P::Call) -> Result<P::Response, P::Error> {
        if self.disposed() {
            return Err(self.platform.disposed());
        }
        let destination = self.platform.destination(&call, self.config.base_url.as_deref())?;
        if !attach::is_ours(&destination.url, destination.auth, &self.config.allowed_origins) {
            return self.platform.pass_through(call, &destination).await;
        }
        let prepared = self.platform.prepare(call, &destination).await?;
        if let Some(reason) = self.platform.abort_reason(&prepared.request) {
            // Aborted before it started: nothing is sent.
            return Err(reason);
        }
        if self.disposed() {
            return Err(self.platform.disposed());
        }
        let (id, mailbox) = self.register(prepared.method, destination.url);
        let _registration = Registration { client: &self, id };
        // An abort while the request waits (for a refresh) takes it out of the queue at once; in
        // flight, `fetch` itself rejects. Dropping the watch removes its listener.
        let mut aborted = self.platform.aborted(&prepared.request);
        let tokens = self.load();
        let now = self.platform.now();
        self.feed(Input::Start { id, now, tokens: tokens.as_ref(), replayable: prepared.replayable });
        let mut answer = None;
        loop {
            let command = poll_fn(|cx| match mailbox.poll(cx) {
                Poll::Ready(command) => Poll::Ready(Ok(command)),
                Poll::Pending => std::pin::Pin::new(&mut aborted).poll(cx).map(Err),
            });
            match command.await {
                Ok(Command::Send(token)) => {
                    let attempt = attach::attempt(&self.config.attach, &mailbox.url, token.as_ref());
                    let header = attempt.header.as_ref().map(|(name, value)| (name.as_str(), value.as_str()));
                    let outcome = self.exchange(&prepared.request, &attempt.url, header).await;
                    if self.disposed() {
                        return Err(self.platform.disposed());
                    }
                    let (response, status, code, class) = match outcome {
                        Ok(parts) => parts,
                        Err(error) => {
                            self.feed(Input::Left { id });
                            return Err(error);
                        }
                    };
                    answer = Some(response);
                    // An answer that is fine is delivered whatever the storage holds now: only
                    // the others read it again (the next request reads it anyway).
                    let tokens = if class == Class::Ok { None } else { self.load() };
                    if tokens.is_none() && class != Class::Ok {
                        // Refused, and the tokens are gone meanwhile: maybe the session ended in
                        // another tab, whose message has not arrived yet. (Boxed: a rare path
                        // that need not make every request's future larger.)
                        Box::pin(self.ended_elsewhere(token.as_ref())).await;
                    }
                    self.feed(Input::Response {
                        id,
                        class,
                        status,
                        code: code.as_ref(),
                        tokens: tokens.as_ref(),
                    });
                }
                // The machine delivers only a request that got an answer.
                Ok(Command::Deliver) => {
                    if let Some(response) = answer.take() {
                        return Ok(response);
                    }
                }
                Ok(Command::Fail(failure)) => return Err(self.error(&failure)),
                Ok(Command::Dispose) => return Err(self.platform.disposed()),
                Err(reason) => {
                    self.feed(Input::Left { id });
                    return Err(reason);
                }
            }
        }
    }

    /// Sends one attempt and classifies the answer: the response to hand over, its status, its
    /// business code and what it means.
    async fn exchange(
        &self,
        request: &P::Request,
        url: &str,
        header: Option<(&str, &str)>,
    ) -> Result<(P::Response, u16, Option<Code>, crate::core::classify::Class), P::Error> {
        let response = self.platform.send(request, url, header).await?;
        let head = self.platform.head(&response);
        let needs_body = self.config.access_expired.needs_body() || self.config.session_expired.needs_body();
        let (response, body) = if should_read_body(needs_body, &head, BODY_READ_CAP) {
            self.platform.read_json(response, BODY_READ_CAP).await?
        } else {
            (response, None)
        };
        let code = body.as_ref().and_then(|body| self.code(body));
        let body = body.as_ref();
        let session = self.matches(&self.config.session_expired, head.status, code.as_ref(), body);
        let access = self.matches(&self.config.access_expired, head.status, code.as_ref(), body);
        // Only an answer a matcher calls expired is checked for a missing scope: an answer that
        // is not costs no further read.
        let lacks = (session || access) && {
            let error = body.and_then(|body| match self.platform.lookup(body, "error")? {
                Scalar::Text(text) => Some(text),
                Scalar::Number(_) => None,
            });
            lacks_scope(self.platform.challenge(&response).as_deref(), error.as_deref())
        };
        let class = classify(session, access, lacks);
        Ok((response, head.status, code, class))
    }

    /// The business code at `codeField` of a parsed body.
    fn code(&self, body: &P::Body) -> Option<Code> {
        match self.platform.lookup(body, &self.config.code_field)? {
            Scalar::Text(text) => Some(Code::from_text(&text)),
            Scalar::Number(number) => Code::from_number(number),
        }
    }

    fn matches(
        &self,
        matcher: &Matcher<P::Function>,
        status: u16,
        code: Option<&Code>,
        body: Option<&P::Body>,
    ) -> bool {
        match matcher {
            Matcher::Rules(rules) => rules.matches(status, code),
            Matcher::Custom(function) => self.platform.matches(function, status, body),
        }
    }

    /// The error a failed request rejects with.
    fn error(&self, failure: &Failure) -> P::Error {
        let cause = match failure {
            Failure::Refresh(_) => self.refresh_cause.borrow().clone(),
            Failure::SessionExpired => None,
        };
        self.platform.failure(failure, cause)
    }

    /// `refresh()`: joins the refresh in flight or starts one; resolves when it is done.
    pub async fn refresh(self: Rc<Self>) -> Result<(), P::Error> {
        if self.disposed() {
            return Err(self.platform.disposed());
        }
        let (id, mailbox) = self.register("POST".to_owned(), String::new());
        let _registration = Registration { client: &self, id };
        let tokens = self.load();
        self.feed(Input::JoinRefresh { id, tokens: tokens.as_ref() });
        loop {
            match poll_fn(|cx| mailbox.poll(cx)).await {
                Command::Deliver => return Ok(()),
                Command::Fail(failure) => return Err(self.error(&failure)),
                Command::Dispose => return Err(self.platform.disposed()),
                // A refresh waiter is never sent.
                Command::Send(_) => {}
            }
        }
    }

    /// The one refresh: in this tab's turn, under the deadline, and abandoned (its call aborted,
    /// its lock request withdrawn) by `dispose()`. The lock is released before the other tabs and
    /// the listeners are told.
    async fn run_refresh(self: Rc<Self>) {
        *self.refresh_cause.borrow_mut() = None;
        let disposed = poll_fn(|cx| self.disposal.poll(cx));
        let (result, message) = match first(self.refresh_in_turn(), disposed).await {
            First::Left(done) => done,
            First::Right(()) => return,
        };
        if let (Some(message), Some(name)) = (message, &self.config.coordination) {
            self.platform.broadcast(name, message.as_str());
        }
        let tokens = self.load();
        self.feed(Input::RefreshFinished { result: &result, tokens: tokens.as_ref() });
    }

    /// Calls the refresh endpoint until it answers something other than a transient failure
    /// (no answer, 5xx, 429, 408), at most `1 + retry.attempts` times, waiting between tries as
    /// the retry policy says and never past the refresh timeout: the last answer or error.
    async fn call_with_retries(&self, plain: &PlainRequest) -> Result<RefreshAnswer<P::Body>, P::Error> {
        let started = self.platform.now();
        let mut retry = 0;
        loop {
            let answer = self.platform.call_refresh(plain).await;
            let status = answer.as_ref().ok().map(|answer| answer.status);
            if retry >= self.config.retry.attempts || !is_transient(status) {
                return answer;
            }
            let now = self.platform.now();
            let asked = answer
                .as_ref()
                .ok()
                .and_then(|a| a.retry_after.as_deref())
                .and_then(|h| retry_after_ms(h, now));
            let delay = self.config.retry.delay_ms(retry, self.platform.random(), asked);
            if now + delay - started >= self.config.timeout_ms {
                // No time left for another try: this answer is the outcome.
                return answer;
            }
            self.platform.sleep(delay as u32).await;
            retry += 1;
        }
    }

    /// Calls the refresh endpoint (or the app's refresh function) with `tokens`, unless the
    /// renewal limit is reached.
    async fn perform_refresh(&self, tokens: Option<&TokenSet>) -> RefreshResult {
        let failed = RefreshResult::failed;
        let Some(tokens) = tokens else {
            return failed(FailureKind::NoRefreshToken, None);
        };
        if !self.renewals.borrow_mut().admit(self.platform.now(), &self.config.renew_limit) {
            return failed(FailureKind::RateLimited, None);
        }
        let endpoint = match &self.config.refresher {
            Refresher::Custom(function) => {
                return match self.platform.call_refresh_function(function, tokens).await {
                    Ok(None) => RefreshResult::ended(EndReason::RefreshFunction),
                    Ok(Some(value)) => {
                        match self.read_tokens(&value, &ResponsePaths::token_fields(), tokens, None) {
                            Ok(renewed) => RefreshResult::Renewed(renewed),
                            Err(_) => failed(FailureKind::Malformed, None),
                        }
                    }
                    Err(error) => self.refresh_failed(error, FailureKind::Function),
                };
            }
            Refresher::Endpoint(endpoint) => endpoint,
        };
        let Some(refresh) = &tokens.refresh else {
            return failed(FailureKind::NoRefreshToken, None);
        };
        let plain = build_request(endpoint, self.config.base_url.as_deref(), tokens, refresh);
        let RefreshAnswer { status, body, date, .. } = match self.call_with_retries(&plain).await {
            Ok(answer) => answer,
            Err(error) => return self.refresh_failed(error, FailureKind::Network),
        };
        let code = body.as_ref().and_then(|body| self.code(body));
        let session = self.matches(&self.config.session_expired, status, code.as_ref(), body.as_ref());
        let oauth_error = match body.as_ref().and_then(|body| self.platform.lookup(body, "error")) {
            Some(Scalar::Text(text)) => Some(text),
            _ => None,
        };
        match refresh_verdict(status, session, oauth_error.as_deref()) {
            RefreshVerdict::Refused => RefreshResult::Refused(SessionEnd {
                reason: EndReason::RefreshRejected,
                status: Some(status),
                code,
            }),
            RefreshVerdict::Failed => failed(FailureKind::Status, Some(status)),
            RefreshVerdict::Answered => {
                let server_now = date.as_deref().and_then(http_date_ms);
                let read =
                    body.as_ref().map(|body| self.read_tokens(body, &endpoint.response, tokens, server_now));
                match read {
                    Some(Ok(renewed)) => RefreshResult::Renewed(renewed),
                    _ => failed(FailureKind::Malformed, Some(status)),
                }
            }
        }
    }

    /// Reads new tokens out of `body`, answered when the server's clock said `server_now`; a
    /// missing refresh token keeps the current one.
    fn read_tokens(
        &self,
        body: &P::Body,
        paths: &ResponsePaths,
        current: &TokenSet,
        server_now: Option<f64>,
    ) -> Result<TokenSet, TokenError> {
        let lookup = |path: &str| self.platform.lookup(body, path);
        read_answer(paths, lookup, self.platform.now(), server_now, current.refresh.clone())
    }

    /// A refresh call or function that failed: `kind`, with the error kept as the cause.
    fn refresh_failed(&self, error: P::Error, kind: FailureKind) -> RefreshResult {
        *self.refresh_cause.borrow_mut() = Some(error);
        RefreshResult::failed(kind, None)
    }

    /// `setTokens(t)`: validates and stores a new set (`{accessToken, refreshToken?,
    /// expiresIn?, expiresAt?}`).
    pub fn set_tokens(self: &Rc<Self>, value: &P::Body) -> Result<(), SetTokensError> {
        if self.disposed() {
            return Err(SetTokensError::Disposed);
        }
        let lookup = |path: &str| self.platform.lookup(value, path);
        let tokens = read_answer(&ResponsePaths::token_fields(), lookup, self.platform.now(), None, None)
            .map_err(SetTokensError::Invalid)?;
        self.vault.save(&tokens, &self.report_fallback());
        self.feed(Input::TokensSet(&tokens));
        Ok(())
    }

    /// `getTokens()`: the stored set, if any.
    pub fn get_tokens(&self) -> Option<TokenSet> {
        self.load()
    }

    /// `clearTokens()` (a logout). After `dispose()` it does nothing: a disposed client writes
    /// nothing.
    pub fn clear_tokens(self: &Rc<Self>) -> Result<(), P::Error> {
        if self.disposed() {
            return Err(self.platform.disposed());
        }
        let cleared = self.load();
        self.vault.clear(&self.report_fallback());
        self.feed(Input::TokensCleared);
        if let Some(cleared) = cleared {
            self.platform.spawn(Rc::clone(self).announce_logout(cleared));
        }
        Ok(())
    }

    /// `dispose()`: final. Every pending call rejects with `DisposedError`, the refresh in flight
    /// is abandoned (its call aborted, its result never stored), listeners are dropped, and no
    /// later answer starts a refresh or writes to storage.
    pub fn dispose(&self) {
        if self.disposed() {
            return;
        }
        self.disposal.raise();
        self.platform.forget_listeners();
        self.platform.stop_listening();
        self.platform.stop_watching();
        self.auto_refresh.take();
        // Posting wakes the waiting task later (a microtask): nothing re-enters while borrowed.
        for (_, mailbox) in self.mailboxes.borrow().iter() {
            mailbox.post(Command::Dispose);
        }
    }

    /// Whether `dispose()` was called.
    pub fn is_disposed(&self) -> bool {
        self.disposed()
    }
}
