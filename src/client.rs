//! The driver: runs the core's [`Machine`] over the ports. It owns the per-request mailboxes (the
//! queue of pending promises), the single refresh task and the listeners; it feeds the machine
//! what happens and carries out what the machine decides, and nothing else.
//!
//! No `RefCell` borrow is ever held across a call into JavaScript (a listener or callback may call
//! back into the client), and no path panics: every failure becomes a rejected promise.

use crate::core::classify::{classify, refresh_verdict, Code, RefreshVerdict};
use crate::core::machine::{
    Effect, EndReason, Failure, FailureKind, Input, Machine, RefreshFailure, RefreshResult, RequestId,
    SessionEnd,
};
use crate::core::options::ResponsePaths;
use crate::core::refresh::{build_request, read_answer};
use crate::core::tokens::{Secret, TokenError, TokenSet};
use crate::ports::Transport;
use crate::prelude::*;
use crate::vault::{Fallback, TokenVault};
use crate::web::events::{self, Emitter, RequestInfo};
use crate::web::options::{Config, Matcher, Parsed, Refresher};
use crate::web::request::{self, Outgoing};
use crate::web::{errors, js, refresh_call, response};
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::poll_fn;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use js_sys::{Function, Object, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What a waiting request is told to do next.
#[derive(Debug)]
enum Command {
    Send(Option<Secret>),
    Deliver,
    Fail(Failure),
    Abort(JsValue),
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

impl core::fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mailbox")
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
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

    async fn next(&self) -> Command {
        poll_fn(|cx| self.poll(cx)).await
    }
}

/// A client: the state behind one `AuthClient`.
pub struct Client {
    config: Config,
    machine: RefCell<Machine>,
    vault: TokenVault,
    transport: Box<dyn Transport>,
    listeners: Emitter,
    mailboxes: RefCell<Vec<(RequestId, Rc<Mailbox>)>>,
    next_id: Cell<RequestId>,
    refresh_started: Cell<f64>,
    /// What made the last refresh fail (a network error, what the refresh function threw), for
    /// the `cause` of the `RefreshError`s it causes.
    refresh_cause: RefCell<Option<JsValue>>,
    disposed: Cell<bool>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("machine", &self.machine)
            .field("vault", &self.vault)
            .field("disposed", &self.disposed.get())
            .finish_non_exhaustive()
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Removes a request's mailbox when its call ends, however it ends.
struct Registration<'a> {
    client: &'a Client,
    id: RequestId,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        self.client.mailboxes.borrow_mut().retain(|(id, _)| *id != self.id);
    }
}

impl Client {
    /// A client from parsed options.
    pub fn new(parsed: Parsed) -> Client {
        let Parsed { config, store, transport } = parsed;
        let custom = matches!(config.refresher, Refresher::Function(_));
        Client {
            machine: RefCell::new(Machine::new(config.window_ms, custom)),
            vault: TokenVault::new(config.storage_keys.clone(), store),
            config,
            transport,
            listeners: Emitter::new(),
            mailboxes: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
            refresh_started: Cell::new(0.0),
            refresh_cause: RefCell::new(None),
            disposed: Cell::new(false),
        }
    }

    fn report_fallback(&self) -> impl Fn(Fallback) + '_ {
        move |fallback: Fallback| {
            if self.listeners.wants("storage-fallback") {
                self.listeners.emit("storage-fallback", &events::fallback_event(&fallback));
            }
        }
    }

    fn load(&self) -> Option<TokenSet> {
        self.vault.load(&self.report_fallback())
    }

    fn feed(self: &Rc<Self>, input: Input<'_>) {
        let effects = self.machine.borrow_mut().handle(input);
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
                    self.refresh_started.set(now());
                    wasm_bindgen_futures::spawn_local(Rc::clone(self).run_refresh());
                }
                Effect::SaveTokens(tokens) => self.vault.save(&tokens, &self.report_fallback()),
                Effect::ClearTokens => self.vault.clear(&self.report_fallback()),
                Effect::CallSessionExpired(end) => self.call_session_expired(&end),
                Effect::Notify(notice) => {
                    let request = match &notice {
                        crate::core::machine::Notice::Queued { id, .. }
                        | crate::core::machine::Notice::Replayed { id, .. } => self.mailbox(*id),
                        _ => None,
                    };
                    let info = request.as_ref().map(|m| RequestInfo { method: &m.method, url: &m.url });
                    let duration = now() - self.refresh_started.get();
                    let (kind, event) = events::notice_event(&notice, info, duration);
                    if self.listeners.wants(kind) {
                        self.listeners.emit(kind, &event);
                    }
                }
            }
        }
    }

    fn call_session_expired(&self, end: &SessionEnd) {
        let Some(callback) = &self.config.on_session_expired else { return };
        let info = Object::new();
        events::session_info(&info, end);
        // The app's dialog may return a promise; a rejection there must not become unhandled.
        if let Ok(result) = callback.call1(&JsValue::UNDEFINED, &info) {
            if let Ok(promise) = result.dyn_into::<Promise>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
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
    pub async fn fetch(self: Rc<Self>, input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
        if self.disposed.get() {
            return Err(errors::disposed());
        }
        let (input, prepared) =
            request::prepare(&input, &init, self.config.base_url.as_deref(), &self.config.allowed_origins);
        let prepared = JsFuture::from(prepared).await?;
        if prepared.is_null() {
            return JsFuture::from(self.transport.fetch(&input, &init)?).await;
        }
        let prepared: Outgoing = prepared.unchecked_into();
        if let Some(reason) = prepared.abort_reason() {
            // Aborted before it started: nothing is sent.
            return Err(reason);
        }
        let (id, mailbox) = self.register(prepared.method(), prepared.url());
        let _registration = Registration { client: &self, id };
        // An abort while the request waits (for a refresh) takes it out of the queue at once; in
        // flight, `fetch` itself rejects.
        let mut aborted = JsFuture::from(prepared.aborted());
        let tokens = self.load();
        self.feed(Input::Start { id, now: now(), tokens: tokens.as_ref(), replayable: !prepared.stream() });
        let mut answer = JsValue::UNDEFINED;
        loop {
            let command = poll_fn(|cx| match mailbox.poll(cx) {
                Poll::Ready(command) => Poll::Ready(command),
                Poll::Pending => {
                    Pin::new(&mut aborted).poll(cx).map(|reason| Command::Abort(reason.unwrap_or_else(|e| e)))
                }
            });
            match command.await {
                Command::Send(token) => {
                    let (next, body) = match self.send(&prepared, token.as_ref()).await {
                        Ok(pair) => pair,
                        Err(error) => {
                            self.feed(Input::Left { id });
                            return Err(error);
                        }
                    };
                    let status = js::get(&next, "status").as_f64().unwrap_or(0.0) as u16;
                    let code = response::code(&body, &self.config.code_field);
                    let class = classify(
                        self.matches(&self.config.session_expired, status, code.as_ref(), &body),
                        self.matches(&self.config.access_expired, status, code.as_ref(), &body),
                    );
                    answer = next;
                    let tokens = self.load();
                    self.feed(Input::Response {
                        id,
                        class,
                        status,
                        code: code.as_ref(),
                        tokens: tokens.as_ref(),
                    });
                }
                Command::Deliver => return Ok(answer),
                Command::Fail(failure) => return Err(self.error(&failure)),
                Command::Abort(reason) => {
                    self.feed(Input::Left { id });
                    return Err(reason);
                }
                Command::Dispose => return Err(errors::disposed()),
            }
        }
    }

    /// Sends one attempt; resolves with the response to hand over and its parsed JSON body.
    async fn send(&self, prepared: &Outgoing, token: Option<&Secret>) -> Result<(JsValue, JsValue), JsValue> {
        let (input, init) = prepared.attempt(&self.config.attach, token);
        let response = JsFuture::from(self.transport.fetch(&input, &init)?).await?;
        let read_body = self.config.access_expired.needs_body() || self.config.session_expired.needs_body();
        let pair = JsFuture::from(response::inspect(&response, read_body)).await?;
        Ok((js::get(&pair, "0"), js::get(&pair, "1")))
    }

    fn matches(&self, matcher: &Matcher, status: u16, code: Option<&Code>, body: &JsValue) -> bool {
        match matcher {
            Matcher::Rules(rules) => rules.matches(status, code),
            Matcher::Function(function) => response::matches(function, status, body),
        }
    }

    /// The error a failed request rejects with.
    fn error(&self, failure: &Failure) -> JsValue {
        errors::failure(failure, self.refresh_cause.borrow().clone())
    }

    /// `refresh()`: joins the refresh in flight or starts one; resolves when it is done.
    pub async fn refresh(self: Rc<Self>) -> Result<JsValue, JsValue> {
        if self.disposed.get() {
            return Err(errors::disposed());
        }
        let (id, mailbox) = self.register("POST".to_owned(), String::new());
        let _registration = Registration { client: &self, id };
        let tokens = self.load();
        self.feed(Input::JoinRefresh { id, tokens: tokens.as_ref() });
        loop {
            match mailbox.next().await {
                Command::Deliver => return Ok(JsValue::UNDEFINED),
                Command::Fail(failure) => return Err(self.error(&failure)),
                Command::Dispose => return Err(errors::disposed()),
                // A refresh waiter is never sent and has no signal.
                Command::Send(_) | Command::Abort(_) => {}
            }
        }
    }

    async fn run_refresh(self: Rc<Self>) {
        *self.refresh_cause.borrow_mut() = None;
        let result = self.perform_refresh().await;
        if !self.disposed.get() {
            let tokens = self.load();
            self.feed(Input::RefreshFinished { result: &result, tokens: tokens.as_ref() });
        }
    }

    async fn perform_refresh(&self) -> RefreshResult {
        let failed = |kind, status| RefreshResult::Failed(RefreshFailure { kind, status });
        let Some(tokens) = self.load() else {
            return failed(FailureKind::NoRefreshToken, None);
        };
        let timeout = self.config.timeout_ms;
        let endpoint = match &self.config.refresher {
            Refresher::Function(function) => {
                let outcome =
                    JsFuture::from(refresh_call::call_function(function, &snapshot(&tokens).into(), timeout));
                return match outcome.await {
                    Ok(value) if value.is_null() || value.is_undefined() => {
                        RefreshResult::Refused(SessionEnd {
                            reason: EndReason::RefreshFunction,
                            status: None,
                            code: None,
                        })
                    }
                    Ok(value) => match read_tokens(&value, tokens.refresh.clone()) {
                        Ok(renewed) => RefreshResult::Renewed(renewed),
                        Err(_) => failed(FailureKind::Malformed, None),
                    },
                    Err(error) => self.refresh_failed(error, FailureKind::Function),
                };
            }
            Refresher::Endpoint(endpoint) => endpoint,
        };
        let Some(refresh) = &tokens.refresh else {
            return failed(FailureKind::NoRefreshToken, None);
        };
        let plain = build_request(endpoint, self.config.base_url.as_deref(), &tokens, refresh);
        let call =
            self.transport.function().map(|fetch| refresh_call::call_endpoint(&fetch, &plain, timeout));
        let pair = match call {
            Ok(promise) => JsFuture::from(promise).await,
            Err(error) => Err(error),
        };
        let pair = match pair {
            Ok(pair) => pair,
            Err(error) => return self.refresh_failed(error, FailureKind::Network),
        };
        let body = js::get(&pair, "1");
        let status = js::get(&js::get(&pair, "0"), "status").as_f64().unwrap_or(0.0) as u16;
        let code = response::code(&body, &self.config.code_field);
        let session = self.matches(&self.config.session_expired, status, code.as_ref(), &body);
        let oauth_error = js::get(&body, "error").as_string();
        match refresh_verdict(status, session, oauth_error.as_deref()) {
            RefreshVerdict::Refused => RefreshResult::Refused(SessionEnd {
                reason: EndReason::RefreshRejected,
                status: Some(status),
                code,
            }),
            RefreshVerdict::Failed => failed(FailureKind::Status, Some(status)),
            RefreshVerdict::Answered => {
                let lookup = |path: &str| js::scalar(&js::get_path(&body, path));
                match read_answer(&endpoint.response, lookup, now(), tokens.refresh.clone()) {
                    Ok(renewed) => RefreshResult::Renewed(renewed),
                    Err(_) => failed(FailureKind::Malformed, Some(status)),
                }
            }
        }
    }

    /// A refresh call or function that rejected: the deadline, or `kind` with the error as cause.
    fn refresh_failed(&self, error: JsValue, kind: FailureKind) -> RefreshResult {
        let kind = if refresh_call::timed_out(&error) { FailureKind::Timeout } else { kind };
        if kind != FailureKind::Timeout {
            *self.refresh_cause.borrow_mut() = Some(error);
        }
        RefreshResult::Failed(RefreshFailure { kind, status: None })
    }

    /// `setTokens(t)`: validates and stores a new set.
    pub fn set_tokens(self: &Rc<Self>, value: &JsValue) -> Result<(), JsValue> {
        if !value.is_object() {
            return Err(errors::bad_option(
                "setTokens(tokens)",
                "an object such as { accessToken, refreshToken, expiresIn }",
                value,
            ));
        }
        let tokens = read_tokens(value, None).map_err(|error| {
            let message = match error {
                TokenError::BadAccessToken => "setTokens: `accessToken` must be a non-empty token string",
                TokenError::BadRefreshToken => "setTokens: `refreshToken` must be a non-empty token string",
                TokenError::BadExpiry => {
                    "setTokens: `expiresIn` (seconds) and `expiresAt` (epoch ms) must be non-negative numbers"
                }
            };
            errors::type_error(message)
        })?;
        self.vault.save(&tokens, &self.report_fallback());
        self.feed(Input::TokensSet(&tokens));
        Ok(())
    }

    /// `getTokens()`: the stored set, or `null`.
    pub fn get_tokens(&self) -> JsValue {
        self.load().map_or(JsValue::NULL, |tokens| snapshot(&tokens).into())
    }

    /// `clearTokens()`.
    pub fn clear_tokens(self: &Rc<Self>) {
        self.vault.clear(&self.report_fallback());
        self.feed(Input::TokensCleared);
    }

    /// `on(type, listener)`: returns the unsubscribe function.
    pub fn on(&self, kind: &str, listener: &JsValue) -> Result<Function, JsValue> {
        self.listeners.on(kind, listener)
    }

    /// `dispose()`: rejects every pending call with `DisposedError` and drops the listeners.
    pub fn dispose(&self) {
        self.disposed.set(true);
        self.listeners.clear();
        // Posting wakes the waiting task later (a microtask): nothing re-enters while borrowed.
        for (_, mailbox) in self.mailboxes.borrow().iter() {
            mailbox.post(Command::Dispose);
        }
    }
}

/// The `getTokens()` object, also what a custom refresh function receives.
fn snapshot(tokens: &TokenSet) -> Object {
    let out = Object::new();
    js::set(&out, "accessToken", tokens.access.expose());
    js::set(&out, "refreshToken", tokens.refresh.as_ref().map_or(JsValue::NULL, |r| r.expose().into()));
    js::set(&out, "expiresAt", tokens.expires_at.map_or(JsValue::NULL, JsValue::from));
    out
}

/// Reads `{accessToken, refreshToken?, expiresIn?, expiresAt?}` (what `setTokens` takes and a
/// refresh function returns); a missing refresh token keeps `keep_refresh`.
fn read_tokens(value: &JsValue, keep_refresh: Option<Secret>) -> Result<TokenSet, TokenError> {
    let lookup = |field: &str| js::scalar(&js::get(value, field));
    read_answer(&ResponsePaths::token_fields(), lookup, now(), keep_refresh)
}
