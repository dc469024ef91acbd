//! The driver (`src/client.rs`) run natively over fake ports: a scripted backend behind the
//! transport, a fake clock with timers, a store that counts writes, and a one-thread executor that
//! runs every task the way the browser's microtask queue would. These tests see exactly what the
//! driver asks of its ports: which requests carried which token, how many refresh calls were made,
//! which bodies were read, which listeners and calls were dropped.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use fetch_with_refresh::client::Client;
use fetch_with_refresh::core::classify::{Code, Head, MatchRules};
use fetch_with_refresh::core::events::Fallback;
use fetch_with_refresh::core::machine::{EndReason, Failure, Notice, SessionEnd};
use fetch_with_refresh::core::options::{
    default_access_expired, default_session_expired, Attach, Config, Matcher, RefreshEndpoint, Refresher,
    ResponsePaths, SendPlacement, StorageKeys,
};
use fetch_with_refresh::core::refresh::{PlainRequest, Scalar};
use fetch_with_refresh::core::retry::{RenewLimit, RetryPolicy};
use fetch_with_refresh::core::tabs::SharedRecord;
use fetch_with_refresh::core::tokens::TokenSet;
use fetch_with_refresh::core::vault::MemoryStore;
use fetch_with_refresh::ports::{
    App, CrossTabOff, Destination, KeyValueStore, Prepared, RefreshAnswer, StoreError, Tabs, Timer,
    Transport, Values, Wakeups, WithBody,
};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

// ---------------------------------------------------------------------------------------------
// A one-thread executor: tasks are polled until none was woken.

type Task = Pin<Box<dyn Future<Output = ()>>>;

struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The tasks, each with the flag its waker sets.
type Tasks = Rc<RefCell<Vec<(Arc<Flag>, Task)>>>;

#[derive(Clone, Default)]
struct Executor {
    tasks: Tasks,
}

impl Executor {
    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.tasks.borrow_mut().push((Arc::new(Flag(AtomicBool::new(true))), Box::pin(task)));
    }

    /// Polls woken tasks until none is left to poll.
    fn run(&self) {
        loop {
            let ready: Vec<usize> = {
                let tasks = self.tasks.borrow();
                (0..tasks.len()).filter(|&i| tasks[i].0 .0.swap(false, Ordering::SeqCst)).collect()
            };
            if ready.is_empty() {
                return;
            }
            for index in ready.into_iter().rev() {
                let (flag, mut task) = {
                    let mut tasks = self.tasks.borrow_mut();
                    let (flag, task) = tasks.swap_remove(index);
                    (flag, task)
                };
                let waker = Waker::from(Arc::clone(&flag));
                if task.as_mut().poll(&mut Context::from_waker(&waker)).is_pending() {
                    self.tasks.borrow_mut().push((flag, task));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fake platform.

#[derive(Debug, Clone, PartialEq)]
struct Error(String);

#[derive(Debug, Clone)]
struct Response {
    status: u16,
    content_type: Option<&'static str>,
    length: Option<u64>,
    body: Option<Value>,
    /// `WWW-Authenticate`.
    challenge: Option<&'static str>,
}

impl Response {
    fn json(status: u16, body: Value) -> Response {
        Response {
            status,
            content_type: Some("application/json"),
            length: None,
            body: Some(body),
            challenge: None,
        }
    }
}

/// A caller's request: where it goes, `auth`, a stream body, and its abort signal.
#[derive(Clone)]
struct Call {
    url: String,
    auth: bool,
    stream: bool,
    signal: Rc<Signal>,
}

fn call(url: &str) -> Call {
    Call { url: url.to_owned(), auth: true, stream: false, signal: Rc::new(Signal::default()) }
}

#[derive(Default)]
struct Signal {
    aborted: Cell<bool>,
    waker: RefCell<Option<Waker>>,
    watching: Cell<i32>,
}

impl Signal {
    fn abort(&self) {
        self.aborted.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// The abort watch: counts itself while alive, so a test sees the listener removed.
struct Watch(Rc<Signal>);

impl Watch {
    fn new(signal: &Rc<Signal>) -> Watch {
        signal.watching.set(signal.watching.get() + 1);
        Watch(Rc::clone(signal))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.watching.set(self.0.watching.get() - 1);
    }
}

impl Future for Watch {
    type Output = Error;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Error> {
        if self.0.aborted.get() {
            Poll::Ready(Error("AbortError".into()))
        } else {
            *self.0.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// How the fake refresh endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RefreshMode {
    /// Issues `N<n>` / `R<n>` for the current refresh token.
    Renew,
    /// 401: the refresh token is dead.
    Refuse,
    /// A network error.
    Offline,
    /// Never answers (until dropped).
    Hang,
}

/// A matcher function of the app.
type MatcherFn = Rc<dyn Fn(u16, Option<&Value>) -> bool>;
/// A refresh function of the app.
type RefreshFn = Rc<dyn Fn(&TokenSet) -> Result<Option<Value>, Error>>;

/// An app function.
#[derive(Clone)]
enum Function {
    Matcher(MatcherFn),
    Refresh(RefreshFn),
    SessionExpired(Rc<Cell<u32>>),
}

/// One attempt as the backend saw it: its URL and its token header (name, value).
type Sent = (String, Option<(String, String)>);

/// What an alarm calls.
type Then = Box<dyn FnOnce()>;

/// What the fake backend and the fake app saw.
#[derive(Default)]
struct World {
    now: Cell<f64>,
    /// Live timers: (id, due time, waker). A dropped sleep removes its own (as a cleared timeout).
    timers: RefCell<Vec<(u32, f64, Waker)>>,
    next_timer: Cell<u32>,
    /// Armed alarms: (id, due time, what they call). A dropped alarm removes its own.
    alarms: RefCell<Vec<(u32, f64, Then)>>,
    /// Access tokens the API accepts.
    valid: RefCell<Vec<String>>,
    /// "expired" as HTTP 401, or as HTTP 200 `{code: 50014}`.
    expired_as_code: Cell<bool>,
    /// The answer to a refused token instead of "expired", when set.
    refusal: RefCell<Option<Response>>,
    refresh_mode: Cell<Option<RefreshMode>>,
    refresh_token: RefCell<String>,
    /// Every attempt: (URL, header).
    sent: RefCell<Vec<Sent>>,
    passed_through: RefCell<Vec<String>>,
    refresh_calls: RefCell<Vec<PlainRequest>>,
    refreshes_dropped: Cell<u32>,
    bodies_read: Cell<u32>,
    events: RefCell<Vec<&'static str>>,
    /// `refresh-success` events that took another tab's result.
    adopted: Cell<u32>,
    /// The reasons `onSessionExpired` was called with, in every tab.
    ends: RefCell<Vec<EndReason>>,
    /// Runs once, when the next task is spawned (something another tab does in between).
    on_spawn: RefCell<Option<Box<dyn FnOnce()>>>,
    /// Lifetime of the tokens a refresh issues, in seconds (0: an hour).
    ttl_s: Cell<f64>,
    /// When set, a refresh issues JWTs whose `iat`/`exp` follow the server's clock, this many ms
    /// from the local one, and no `expires_in`; its answer's `Date` header says that clock.
    server_clock: Cell<Option<f64>>,
    /// The JWTs a refresh issues have no `iat`.
    no_iat: Cell<bool>,
    /// Answers the next refresh calls get before the mode applies: (status, `Retry-After`); status
    /// 0 is a network error.
    scripted_failures: RefCell<std::collections::VecDeque<(u16, Option<&'static str>)>>,
    /// The API refuses every token, even those just issued.
    refuse_all: Cell<bool>,
    /// When each refresh call arrived (the fake clock).
    refresh_times: RefCell<Vec<f64>>,
    /// Runs once, when the next refresh call reaches the backend.
    on_refresh_call: RefCell<Option<Box<dyn FnOnce()>>>,
    listeners_forgotten: Cell<bool>,
    /// Answers to requests are held until released, so tests can act while they are in flight.
    hold_answers: Cell<bool>,
    /// Answers to this URL are held until released.
    held_url: RefCell<Option<String>>,
    answer_waiters: RefCell<Vec<Waker>>,
}

impl World {
    fn release_answers(&self) {
        self.hold_answers.set(false);
        self.held_url.borrow_mut().take();
        for waker in self.answer_waiters.borrow_mut().drain(..) {
            waker.wake();
        }
    }

    fn advance(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
        let now = self.now.get();
        let timers = self.timers.borrow();
        let due: Vec<Waker> =
            timers.iter().filter(|(_, at, _)| *at <= now).map(|(_, _, w)| w.clone()).collect();
        drop(timers);
        for waker in due {
            waker.wake();
        }
        let due: Vec<Then> = {
            let mut alarms = self.alarms.borrow_mut();
            let (due, later) = alarms.drain(..).partition(|(_, at, _)| *at <= now);
            *alarms = later;
            due.into_iter().map(|(_, _, then)| then).collect()
        };
        for then in due {
            then();
        }
    }

    /// When the armed alarms are due, in ms from `NOW`.
    fn alarms_due(&self) -> Vec<f64> {
        self.alarms.borrow().iter().map(|(_, at, _)| at - NOW).collect()
    }

    fn refresh_count(&self) -> usize {
        self.refresh_calls.borrow().len()
    }

    fn tokens_sent(&self) -> Vec<Option<String>> {
        self.sent
            .borrow()
            .iter()
            .map(|(url, header)| match header {
                Some((_, value)) => Some(value.trim_start_matches("Bearer ").to_owned()),
                None => url.split("token=").nth(1).map(str::to_owned),
            })
            .collect()
    }
}

#[derive(Clone)]
struct Fake {
    world: Rc<World>,
    executor: Executor,
    /// The browser profile this tab shares with others; `None`: no cross-tab APIs here.
    hub: Option<Rc<Hub>>,
    /// This tab's number on the hub's channel.
    tab: u32,
    /// This tab's page: whether it is hidden, and the wake-up listener on it.
    page: Rc<Page>,
}

/// A page: hidden or shown, and the listener of its `visibilitychange` and `online` events.
#[derive(Default)]
struct Page {
    hidden: Cell<bool>,
    listener: RefCell<Option<Rc<dyn Fn()>>>,
}

impl Page {
    fn fire(&self) {
        let listener = self.listener.borrow().clone();
        if let Some(listener) = listener {
            listener();
        }
    }

    /// `visibilitychange` to `visible` (or to `hidden`).
    fn set_visible(&self, visible: bool) {
        self.hidden.set(!visible);
        self.fire();
    }

    /// `online`.
    fn back_online(&self) {
        self.fire();
    }
}

impl Values for Fake {
    type Call = Call;
    type Request = Call;
    type Response = Response;
    type Body = Value;
    type Error = Error;
    type Function = Function;
}

/// Resolves once the world lets answers go.
struct Answer {
    world: Rc<World>,
    response: Option<Response>,
    yielded: bool,
    /// Held while the world holds answers to this URL.
    url: String,
}

impl Future for Answer {
    type Output = Result<Response, Error>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Yield once, so that concurrent requests interleave as they do over a network.
        let held =
            self.world.hold_answers.get() || self.world.held_url.borrow().as_deref() == Some(&self.url);
        if !self.yielded || held {
            self.yielded = true;
            if held {
                self.world.answer_waiters.borrow_mut().push(cx.waker().clone());
            } else {
                cx.waker().wake_by_ref();
            }
            return Poll::Pending;
        }
        Poll::Ready(self.response.take().ok_or_else(|| Error("polled twice".into())))
    }
}

/// The refresh call; counts itself as dropped when it ends without answering (an abort).
/// What the fake refresh endpoint answers.
type RefreshReply = Result<RefreshAnswer<Value>, Error>;

struct RefreshCall {
    world: Rc<World>,
    answer: Option<RefreshReply>,
    yielded: bool,
}

impl Future for RefreshCall {
    type Output = RefreshReply;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if !self.yielded {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.answer.take() {
            Some(answer) => Poll::Ready(answer),
            None => Poll::Pending,
        }
    }
}

impl Drop for RefreshCall {
    fn drop(&mut self) {
        if self.answer.is_some() || self.world.refresh_mode.get() == Some(RefreshMode::Hang) {
            self.world.refreshes_dropped.set(self.world.refreshes_dropped.get() + 1);
        }
    }
}

struct Sleep {
    world: Rc<World>,
    id: u32,
    at: f64,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut timers = self.world.timers.borrow_mut();
        timers.retain(|(id, _, _)| *id != self.id);
        if self.world.now.get() >= self.at {
            Poll::Ready(())
        } else {
            timers.push((self.id, self.at, cx.waker().clone()));
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.world.timers.borrow_mut().retain(|(id, _, _)| *id != self.id);
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for epoch ms `ms`, as a `Date` header says it.
fn http_date(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// An unsigned JWT-shaped token with `payload` (base64url, no padding).
fn jwt(payload: &Value) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let encode = |bytes: &[u8]| {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    };
    let parts = [encode(br#"{"alg":"none"}"#), encode(payload.to_string().as_bytes()), "sig".to_owned()];
    parts.join(".")
}

fn lookup_path<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |current, key| current.get(key))
}

impl Transport for Fake {
    fn destination(&self, call: &Call, base_url: Option<&str>) -> Result<Destination, Error> {
        let joined = fetch_with_refresh::core::url::join(base_url, &call.url);
        let url = if joined.starts_with("http") { joined } else { format!("https://app.test{joined}") };
        Ok(Destination { url, auth: call.auth })
    }

    fn pass_through(
        &self,
        _call: Call,
        destination: &Destination,
    ) -> impl Future<Output = Result<Response, Error>> {
        self.world.passed_through.borrow_mut().push(destination.url.clone());
        std::future::ready(Ok(Response::json(200, json!({"passed": true}))))
    }

    fn prepare(
        &self,
        call: Call,
        _destination: &Destination,
    ) -> impl Future<Output = Result<Prepared<Call>, Error>> {
        let replayable = !call.stream;
        std::future::ready(Ok(Prepared { request: call, method: "GET".to_owned(), replayable }))
    }

    fn abort_reason(&self, request: &Call) -> Option<Error> {
        request.signal.aborted.get().then(|| Error("AbortError".into()))
    }

    fn aborted(&self, request: &Call) -> impl Future<Output = Error> + Unpin {
        Watch::new(&request.signal)
    }

    fn send(
        &self,
        _request: &Call,
        url: &str,
        header: Option<(&str, &str)>,
    ) -> impl Future<Output = Result<Response, Error>> {
        let header = header.map(|(n, v)| (n.to_owned(), v.to_owned()));
        self.world.sent.borrow_mut().push((url.to_owned(), header.clone()));
        let token = match &header {
            Some((_, value)) => Some(value.trim_start_matches("Bearer ").to_owned()),
            None => url.split("token=").nth(1).map(str::to_owned),
        };
        let ok =
            !self.world.refuse_all.get() && token.is_some_and(|t| self.world.valid.borrow().contains(&t));
        let refusal = self.world.refusal.borrow().clone();
        let response = match (ok, self.world.expired_as_code.get()) {
            (true, _) => Response::json(200, json!({"code": 0, "data": "ok"})),
            (false, _) if refusal.is_some() => refusal.unwrap(),
            (false, false) => Response::json(401, json!({"error": "expired"})),
            (false, true) => Response::json(200, json!({"code": 50014})),
        };
        Answer {
            world: Rc::clone(&self.world),
            response: Some(response),
            yielded: false,
            url: url.to_owned(),
        }
    }

    fn head(&self, response: &Response) -> Head {
        Head {
            status: response.status,
            content_type: response.content_type.map(str::to_owned),
            content_length: response.length,
        }
    }

    fn challenge(&self, response: &Response) -> Option<String> {
        response.challenge.map(str::to_owned)
    }

    fn read_json(
        &self,
        response: Response,
        _cap: u32,
    ) -> impl Future<Output = Result<WithBody<Response, Value>, Error>> {
        self.world.bodies_read.set(self.world.bodies_read.get() + 1);
        let body = response.body.clone();
        std::future::ready(Ok((response, body)))
    }

    fn lookup(&self, body: &Value, path: &str) -> Option<Scalar> {
        match lookup_path(body, path)? {
            Value::String(text) => Some(Scalar::Text(text.clone())),
            Value::Number(number) => number.as_f64().map(Scalar::Number),
            _ => None,
        }
    }

    fn call_refresh(&self, request: &PlainRequest) -> impl Future<Output = RefreshReply> {
        let world = &self.world;
        if let Some(hook) = world.on_refresh_call.borrow_mut().take() {
            hook();
        }
        world.refresh_calls.borrow_mut().push(request.clone());
        world.refresh_times.borrow_mut().push(world.now.get());
        let scripted = world.scripted_failures.borrow_mut().pop_front();
        if let Some((status, retry_after)) = scripted {
            let answer = match status {
                0 => Err(Error("TypeError: Failed to fetch".into())),
                status => Ok(RefreshAnswer {
                    status,
                    body: Some(json!({"error": "busy"})),
                    retry_after: retry_after.map(str::to_owned),
                    date: None,
                }),
            };
            return RefreshCall { world: Rc::clone(world), answer: Some(answer), yielded: false };
        }
        let n = world.refresh_count();
        let sent = request.body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok());
        let sent = sent.and_then(|b| b["refresh_token"].as_str().map(str::to_owned));
        let answer = match world.refresh_mode.get().unwrap_or(RefreshMode::Renew) {
            RefreshMode::Renew if sent.as_deref() == Some(world.refresh_token.borrow().as_str()) => {
                let ttl = if world.ttl_s.get() > 0.0 { world.ttl_s.get() } else { 3600.0 };
                let (access, answer) = match world.server_clock.get() {
                    None => {
                        let access = format!("N{n}");
                        let answer = json!({"access_token": access, "refresh_token": format!("R{n}"), "expires_in": ttl});
                        (access, answer)
                    }
                    Some(offset) => {
                        let iat = ((world.now.get() + offset) / 1000.0).floor();
                        let claims = if world.no_iat.get() {
                            json!({"n": n, "exp": iat + ttl})
                        } else {
                            json!({"n": n, "iat": iat, "exp": iat + ttl})
                        };
                        let access = jwt(&claims);
                        (access.clone(), json!({"access_token": access, "refresh_token": format!("R{n}")}))
                    }
                };
                world.valid.borrow_mut().push(access);
                *world.refresh_token.borrow_mut() = format!("R{n}");
                let date = world.server_clock.get().map(|offset| http_date(world.now.get() + offset));
                Some(Ok(RefreshAnswer { status: 200, body: Some(answer), retry_after: None, date }))
            }
            RefreshMode::Renew | RefreshMode::Refuse => Some(Ok(RefreshAnswer {
                status: 401,
                body: Some(json!({"error": "invalid_grant"})),
                retry_after: None,
                date: None,
            })),
            RefreshMode::Offline => Some(Err(Error("TypeError: Failed to fetch".into()))),
            RefreshMode::Hang => None,
        };
        RefreshCall { world: Rc::clone(world), answer, yielded: false }
    }
}

impl App for Fake {
    fn matches(&self, matcher: &Function, status: u16, body: Option<&Value>) -> bool {
        match matcher {
            Function::Matcher(f) => f(status, body),
            _ => false,
        }
    }

    fn call_refresh_function(
        &self,
        refresh: &Function,
        tokens: &TokenSet,
    ) -> impl Future<Output = Result<Option<Value>, Error>> {
        std::future::ready(match refresh {
            Function::Refresh(f) => f(tokens),
            _ => Err(Error("not a refresh function".into())),
        })
    }

    fn session_expired(&self, callback: &Function, end: &SessionEnd) {
        self.world.ends.borrow_mut().push(end.reason);
        if let Function::SessionExpired(calls) = callback {
            calls.set(calls.get() + 1);
        }
    }

    fn notify(&self, notice: &Notice, _request: Option<(&str, &str)>, _duration_ms: f64) {
        if let Notice::RefreshSucceeded { adopted: true, .. } = notice {
            self.world.adopted.set(self.world.adopted.get() + 1);
        }
        let name = match notice {
            Notice::RefreshStarted { .. } => "refresh-start",
            Notice::RefreshSucceeded { .. } => "refresh-success",
            Notice::RefreshFailed { .. } => "refresh-failure",
            Notice::SessionEnded { .. } => "session-expired",
            Notice::TokensChanged { .. } => "tokens-changed",
            Notice::Queued { .. } => "request-queued",
            Notice::Replayed { .. } => "request-replayed",
        };
        self.world.events.borrow_mut().push(name);
    }

    fn storage_fell_back(&self, _fallback: &Fallback) {
        self.world.events.borrow_mut().push("storage-fallback");
    }

    fn cross_tab_off(&self, _reason: CrossTabOff) {
        self.world.events.borrow_mut().push("cross-tab-off");
    }

    fn forget_listeners(&self) {
        self.world.listeners_forgotten.set(true);
    }

    fn failure(&self, failure: &Failure, cause: Option<Error>) -> Error {
        let name = match failure {
            Failure::SessionExpired => "SessionExpiredError".to_owned(),
            Failure::Refresh(f) => format!("RefreshError:{:?}", f.kind),
        };
        match cause {
            Some(cause) => Error(format!("{name} (cause: {})", cause.0)),
            None => Error(name),
        }
    }

    fn disposed(&self) -> Error {
        Error("DisposedError".into())
    }
}

/// An armed alarm; dropping it disarms it.
struct Alarm {
    world: Rc<World>,
    id: u32,
}

impl Drop for Alarm {
    fn drop(&mut self) {
        self.world.alarms.borrow_mut().retain(|(id, _, _)| *id != self.id);
    }
}

impl Timer for Fake {
    type Alarm = Alarm;

    fn now(&self) -> f64 {
        self.world.now.get()
    }

    fn alarm(&self, ms: u32, then: Box<dyn FnOnce()>) -> Alarm {
        let id = self.world.next_timer.get();
        self.world.next_timer.set(id + 1);
        self.world.alarms.borrow_mut().push((id, self.world.now.get() + f64::from(ms), then));
        Alarm { world: Rc::clone(&self.world), id }
    }

    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin + 'static {
        let id = self.world.next_timer.get();
        self.world.next_timer.set(id + 1);
        Sleep { world: Rc::clone(&self.world), id, at: self.world.now.get() + f64::from(ms) }
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        if let Some(hook) = self.world.on_spawn.borrow_mut().take() {
            hook();
        }
        self.executor.spawn(task);
    }

    fn random(&self) -> f64 {
        0.5
    }
}

/// What the tabs of one browser profile share: a FIFO lock per name, the record store, and the
/// channel. It counts what it is asked, so tests see that plain requests never touch it.
#[derive(Default)]
struct Hub {
    /// Lock requests in order: (ticket, waker); the holder is the ticket in `holder`.
    waiting: RefCell<Vec<(u32, Option<Waker>)>>,
    holder: Cell<Option<u32>>,
    next_ticket: Cell<u32>,
    records: RefCell<Vec<(String, String)>>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    lock_requests: Cell<u32>,
    reads: Cell<u32>,
    writes: Cell<u32>,
    messages: RefCell<Vec<String>>,
    /// The record store fails (a private mode without IndexedDB).
    store_fails: Cell<bool>,
    /// Messages are held (still on their way) while set.
    hold_messages: Cell<bool>,
    /// Held messages: (listener, message).
    in_transit: RefCell<Vec<(Listener, String)>>,
}

impl Hub {
    fn wake_next(&self) {
        if self.holder.get().is_none() {
            if let Some((_, Some(waker))) = self.waiting.borrow_mut().first_mut().map(|(t, w)| (*t, w.take()))
            {
                waker.wake();
            }
        }
    }

    /// Takes the lock outside any client (another tab that holds it and never lets go).
    fn hold(self: &Rc<Self>) -> Held {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket + 1);
        assert!(self.holder.get().is_none());
        self.holder.set(Some(ticket));
        Held { hub: Rc::clone(self) }
    }

    fn record(&self, name: &str) -> Option<String> {
        self.records.borrow().iter().find(|(n, _)| n == name).map(|(_, r)| r.clone())
    }
}

/// A tab's channel listener.
type Listener = Rc<dyn Fn(String)>;

/// A pending lock request; dropped before the grant, it withdraws itself.
struct LockRequest {
    hub: Rc<Hub>,
    ticket: u32,
    granted: bool,
}

impl Future for LockRequest {
    type Output = Result<Held, CrossTabOff>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let hub = Rc::clone(&self.hub);
        let first = hub.waiting.borrow().first().map(|(t, _)| *t);
        if hub.holder.get().is_none() && first == Some(self.ticket) {
            hub.waiting.borrow_mut().remove(0);
            hub.holder.set(Some(self.ticket));
            self.granted = true;
            return Poll::Ready(Ok(Held { hub }));
        }
        if let Some(entry) = hub.waiting.borrow_mut().iter_mut().find(|(t, _)| *t == self.ticket) {
            entry.1 = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for LockRequest {
    fn drop(&mut self) {
        if !self.granted {
            self.hub.waiting.borrow_mut().retain(|(t, _)| *t != self.ticket);
            self.hub.wake_next();
        }
    }
}

/// A held lock: released on drop.
struct Held {
    hub: Rc<Hub>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.hub.holder.set(None);
        self.hub.wake_next();
    }
}

impl Wakeups for Fake {
    fn visible(&self) -> bool {
        !self.page.hidden.get()
    }

    fn watch(&self, on_change: Box<dyn Fn()>) {
        *self.page.listener.borrow_mut() = Some(Rc::from(on_change));
    }

    fn stop_watching(&self) {
        self.page.listener.borrow_mut().take();
    }
}

impl Tabs for Fake {
    type Held = Held;

    fn coordination(&self) -> Result<(), CrossTabOff> {
        self.hub.as_ref().map(|_| ()).ok_or(CrossTabOff::NoWebLocks)
    }

    fn lock(&self, _name: &str) -> impl Future<Output = Result<Held, CrossTabOff>> {
        let hub = Rc::clone(self.hub.as_ref().expect("a hub"));
        hub.lock_requests.set(hub.lock_requests.get() + 1);
        let ticket = hub.next_ticket.get();
        hub.next_ticket.set(ticket + 1);
        hub.waiting.borrow_mut().push((ticket, None));
        LockRequest { hub, ticket, granted: false }
    }

    fn read_shared(&self, name: &str) -> impl Future<Output = Result<Option<String>, CrossTabOff>> {
        let hub = self.hub.as_ref().expect("a hub");
        hub.reads.set(hub.reads.get() + 1);
        std::future::ready(if hub.store_fails.get() {
            Err(CrossTabOff::IndexedDbFailed)
        } else {
            Ok(hub.record(name))
        })
    }

    fn write_shared(&self, name: &str, record: &str) -> impl Future<Output = Result<(), CrossTabOff>> {
        let hub = self.hub.as_ref().expect("a hub");
        hub.writes.set(hub.writes.get() + 1);
        if hub.store_fails.get() {
            return std::future::ready(Err(CrossTabOff::IndexedDbFailed));
        }
        let mut records = hub.records.borrow_mut();
        records.retain(|(n, _)| n != name);
        records.push((name.to_owned(), record.to_owned()));
        std::future::ready(Ok(()))
    }

    fn broadcast(&self, _name: &str, message: &str) {
        let hub = self.hub.as_ref().expect("a hub");
        hub.messages.borrow_mut().push(message.to_owned());
        for (tab, listener) in hub.listeners.borrow().iter() {
            if *tab != self.tab {
                let (listener, message) = (Rc::clone(listener), message.to_owned());
                if hub.hold_messages.get() {
                    hub.in_transit.borrow_mut().push((listener, message));
                } else {
                    // Delivered later, as a message event is.
                    self.executor.spawn(async move { listener(message) });
                }
            }
        }
    }

    fn listen(&self, _name: &str, on_message: Box<dyn Fn(String)>) {
        let hub = self.hub.as_ref().expect("a hub");
        hub.listeners.borrow_mut().push((self.tab, Rc::from(on_message)));
    }

    fn stop_listening(&self) {
        if let Some(hub) = &self.hub {
            hub.listeners.borrow_mut().retain(|(tab, _)| *tab != self.tab);
        }
    }
}

/// A memory store that counts writes and removals.
#[derive(Clone, Default)]
struct CountingStore {
    inner: Rc<MemoryStore>,
    writes: Rc<Cell<u32>>,
}

impl KeyValueStore for CountingStore {
    fn kind(&self) -> &'static str {
        "memory"
    }
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.writes.set(self.writes.get() + 1);
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.writes.set(self.writes.get() + 1);
        self.inner.remove(key)
    }
}

// ---------------------------------------------------------------------------------------------
// Test harness.

const NOW: f64 = 1_700_000_000_000.0;

fn config() -> Config<Function> {
    Config {
        base_url: Some("https://api.test/v1".to_owned()),
        allowed_origins: vec!["https://api.test".to_owned(), "https://app.test".to_owned()],
        attach: Attach::default(),
        refresher: Refresher::Endpoint(Box::new(RefreshEndpoint {
            url: "/auth/refresh".to_owned(),
            method: "POST".to_owned(),
            send: SendPlacement::default(),
            response: ResponsePaths::default(),
        })),
        timeout_ms: 10_000.0,
        window_ms: 1_800_000.0,
        access_expired: Matcher::Rules(default_access_expired()),
        session_expired: Matcher::Rules(default_session_expired()),
        code_field: "code".to_owned(),
        on_session_expired: None,
        storage_keys: StorageKeys::default(),
        retry: RetryPolicy::default(),
        renew_limit: RenewLimit::default(),
        coordination: None,
        auto_refresh: false,
    }
}

struct Harness {
    client: Rc<Client<Fake>>,
    world: Rc<World>,
    executor: Executor,
    store: CountingStore,
    page: Rc<Page>,
}

type Outcome = Rc<RefCell<Option<Result<Response, Error>>>>;

impl Harness {
    fn new(config: Config<Function>) -> Harness {
        let world = Rc::new(World::default());
        world.now.set(NOW);
        *world.refresh_token.borrow_mut() = "R0".to_owned();
        let executor = Executor::default();
        let store = CountingStore::default();
        let page = Rc::new(Page::default());
        let fake = Fake {
            world: Rc::clone(&world),
            executor: executor.clone(),
            hub: None,
            tab: 0,
            page: Rc::clone(&page),
        };
        let client = Rc::new(Client::new(config, Box::new(store.clone()), fake));
        client.start();
        Harness { client, world, executor, store, page }
    }

    /// Stores tokens as the app would: access `A0` (valid or not), refresh `R0`, expiring at `at`.
    fn login(&self, valid: bool, expires_at: Option<f64>) {
        if valid {
            self.world.valid.borrow_mut().push("A0".to_owned());
        }
        let mut tokens = json!({"accessToken": "A0", "refreshToken": "R0"});
        if let Some(at) = expires_at {
            tokens["expiresAt"] = json!(at);
        }
        self.client.set_tokens(&tokens).unwrap();
    }

    fn fetch(&self, call: Call) -> Outcome {
        let outcome: Outcome = Rc::default();
        let slot = Rc::clone(&outcome);
        let client = Rc::clone(&self.client);
        self.executor.spawn(async move {
            *slot.borrow_mut() = Some(client.fetch(call).await);
        });
        outcome
    }

    fn run(&self) {
        self.executor.run();
    }
}

fn ok(outcome: &Outcome) -> bool {
    matches!(&*outcome.borrow(), Some(Ok(response)) if response.status == 200)
}

fn error(outcome: &Outcome) -> String {
    match &*outcome.borrow() {
        Some(Err(error)) => error.0.clone(),
        other => panic!("expected an error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn two_hundred_requests_on_an_expired_token_make_one_refresh() {
    for expired_as_code in [false, true] {
        let h = Harness::new(config());
        h.world.expired_as_code.set(expired_as_code);
        // The client does not know the expiry: every request goes out and comes back "expired".
        h.login(false, None);
        let outcomes: Vec<Outcome> = (0..200).map(|i| h.fetch(call(&format!("/items/{i}")))).collect();
        h.run();
        assert_eq!(h.world.refresh_count(), 1, "expired as code: {expired_as_code}");
        assert!(outcomes.iter().all(ok), "every request succeeds");
        let sent = h.world.tokens_sent();
        assert_eq!(sent.len(), 400, "each request once with A0, once replayed with N1");
        assert_eq!(sent.iter().filter(|t| t.as_deref() == Some("N1")).count(), 200);
        assert_eq!(h.client.get_tokens().unwrap().access.expose(), "N1");
    }
}

#[test]
fn a_token_known_to_be_expired_waits_for_the_refresh() {
    let h = Harness::new(config());
    h.login(true, Some(NOW - 1.0));
    let outcomes: Vec<Outcome> = (0..50).map(|i| h.fetch(call(&format!("/items/{i}")))).collect();
    h.run();
    assert_eq!(h.world.refresh_count(), 1);
    assert!(outcomes.iter().all(ok));
    assert!(h.world.tokens_sent().iter().all(|t| t.as_deref() == Some("N1")), "nothing went out with A0");
}

#[test]
fn a_proactive_refresh_does_not_delay_the_request() {
    let h = Harness::new(config());
    h.login(true, Some(NOW + 60_000.0));
    h.world.refresh_mode.set(Some(RefreshMode::Hang));
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(ok(&outcome), "answered while the refresh hangs");
    assert_eq!(h.world.tokens_sent(), vec![Some("A0".to_owned())]);
    assert_eq!(h.world.refresh_count(), 1);
}

#[test]
fn foreign_origins_and_auth_false_go_out_untouched() {
    let h = Harness::new(config());
    h.login(false, None);
    let foreign = h.fetch(call("https://api.test.evil.com/x"));
    let userinfo = h.fetch(call("https://api.test@evil.com/x"));
    let no_auth = h.fetch(Call { auth: false, ..call("/public") });
    h.run();
    assert!(ok(&foreign) && ok(&userinfo) && ok(&no_auth));
    assert!(h.world.sent.borrow().is_empty(), "no attempt carried a token");
    assert_eq!(h.world.passed_through.borrow().len(), 3);
    assert_eq!(h.world.refresh_count(), 0);
}

#[test]
fn query_attach_appends_and_keeps_the_callers_query() {
    let mut config = config();
    config.attach = Attach::Query { name: "token".to_owned() };
    let h = Harness::new(config);
    h.login(true, None);
    let outcome = h.fetch(call("https://api.test/s?q=a%20b&sig=x~y&flag"));
    h.run();
    assert!(ok(&outcome));
    assert_eq!(h.world.sent.borrow()[0].0, "https://api.test/s?q=a%20b&sig=x~y&flag&token=A0");
}

#[test]
fn a_refused_refresh_ends_the_session_once() {
    let mut config = config();
    let calls = Rc::new(Cell::new(0));
    config.on_session_expired = Some(Function::SessionExpired(Rc::clone(&calls)));
    let h = Harness::new(config);
    h.world.refresh_mode.set(Some(RefreshMode::Refuse));
    h.login(false, None);
    let outcomes: Vec<Outcome> = (0..20).map(|i| h.fetch(call(&format!("/items/{i}")))).collect();
    h.run();
    assert!(outcomes.iter().all(|o| error(o) == "SessionExpiredError"));
    assert_eq!(calls.get(), 1, "onSessionExpired exactly once");
    assert_eq!(h.client.get_tokens(), None, "tokens cleared");
    // A later request goes out without a token and its answer is the caller's: no refresh, and
    // the app is not told again.
    let later = h.fetch(call("/again"));
    h.run();
    assert!(matches!(&*later.borrow(), Some(Ok(r)) if r.status == 401));
    assert_eq!(h.world.refresh_count(), 1);
    assert_eq!(calls.get(), 1);
}

#[test]
fn a_network_failure_keeps_the_tokens_and_carries_the_cause() {
    let h = Harness::new(config());
    h.world.refresh_mode.set(Some(RefreshMode::Offline));
    h.login(false, None);
    let outcome = h.fetch(call("/me"));
    // Tried 4 times (3 retries), then it fails.
    run_for(&h, 2_000.0, 1.0);
    assert_eq!(error(&outcome), "RefreshError:Network (cause: TypeError: Failed to fetch)");
    assert_eq!(h.world.refresh_count(), 4);
    assert_eq!(h.client.get_tokens().unwrap().refresh.unwrap().expose(), "R0", "tokens kept");
}

#[test]
fn the_refresh_deadline_is_a_timer_and_drops_the_call() {
    let mut config = config();
    config.timeout_ms = 500.0;
    let h = Harness::new(config);
    h.world.refresh_mode.set(Some(RefreshMode::Hang));
    h.login(true, Some(NOW - 1.0));
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(outcome.borrow().is_none(), "waits for the refresh");
    h.world.advance(499.0);
    h.run();
    assert!(outcome.borrow().is_none(), "not before the deadline");
    h.world.advance(1.0);
    h.run();
    assert_eq!(error(&outcome), "RefreshError:Timeout");
    assert_eq!(h.world.refreshes_dropped.get(), 1, "the hanging call was dropped (aborted)");
    assert!(h.world.timers.borrow().is_empty(), "no timer left behind");
}

#[test]
fn dispose_is_final_for_a_request_in_flight() {
    let h = Harness::new(config());
    h.login(false, None);
    h.world.hold_answers.set(true);
    let outcome = h.fetch(call("/me"));
    h.run();
    let writes = h.store.writes.get();
    h.client.dispose();
    // The answer comes back "expired" after dispose: no refresh, no write, the promise settles.
    h.world.release_answers();
    h.run();
    assert_eq!(error(&outcome), "DisposedError");
    assert_eq!(h.world.refresh_count(), 0);
    assert_eq!(h.store.writes.get(), writes);
    assert!(h.world.listeners_forgotten.get());
    assert_eq!(
        h.client.set_tokens(&json!({"accessToken": "X"})).unwrap_err(),
        fetch_with_refresh::client::SetTokensError::Disposed
    );
    assert_eq!(h.client.clear_tokens().unwrap_err(), Error("DisposedError".into()));
    assert_eq!(h.store.writes.get(), writes, "nothing written after dispose");
}

#[test]
fn dispose_abandons_the_refresh_in_flight() {
    let h = Harness::new(config());
    h.world.refresh_mode.set(Some(RefreshMode::Hang));
    h.login(true, Some(NOW - 1.0));
    let outcomes: Vec<Outcome> = (0..5).map(|_| h.fetch(call("/me"))).collect();
    h.run();
    assert_eq!(h.world.refresh_count(), 1);
    let writes = h.store.writes.get();
    h.client.dispose();
    h.run();
    assert!(outcomes.iter().all(|o| error(o) == "DisposedError"));
    assert_eq!(h.world.refreshes_dropped.get(), 1, "the refresh call was aborted");
    assert!(h.world.timers.borrow().is_empty(), "its deadline timer was cleared");
    assert_eq!(h.store.writes.get(), writes);
}

#[test]
fn an_abort_leaves_the_queue_at_once_and_removes_its_listener() {
    let h = Harness::new(config());
    h.world.refresh_mode.set(Some(RefreshMode::Hang));
    h.login(true, Some(NOW - 1.0));
    let waiting = call("/me");
    let signal = Rc::clone(&waiting.signal);
    let outcome = h.fetch(waiting);
    let other = h.fetch(call("/other"));
    h.run();
    assert_eq!(signal.watching.get(), 1, "watched while queued");
    signal.abort();
    h.run();
    assert_eq!(error(&outcome), "AbortError");
    assert_eq!(signal.watching.get(), 0, "the listener is gone");
    assert!(other.borrow().is_none(), "the other request still waits");
    // A request that ends normally removes its listener too.
    let h = Harness::new(config());
    h.login(true, None);
    let done = call("/me");
    let signal = Rc::clone(&done.signal);
    let outcome = h.fetch(done);
    h.run();
    assert!(ok(&outcome));
    assert_eq!(signal.watching.get(), 0);
}

#[test]
fn bodies_are_read_only_when_a_matcher_needs_them() {
    // Default matchers have codes: JSON answers are read.
    let h = Harness::new(config());
    h.login(true, None);
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(ok(&outcome));
    assert_eq!(h.world.bodies_read.get(), 1);
    // Status-only matchers: nothing is read.
    let mut status_only = config();
    status_only.access_expired = Matcher::Rules(MatchRules { status: vec![401], codes: vec![] });
    status_only.session_expired = Matcher::Rules(MatchRules::default());
    let h = Harness::new(status_only);
    h.login(false, None);
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(ok(&outcome), "401 still refreshes and replays");
    assert_eq!(h.world.bodies_read.get(), 0);
}

#[test]
fn business_codes_and_custom_matchers_classify_answers() {
    let mut config = config();
    config.access_expired =
        Matcher::Rules(MatchRules { status: vec![], codes: vec![Code::from_text("50014")] });
    let seen = Rc::new(Cell::new(0));
    let counter = Rc::clone(&seen);
    config.session_expired = Matcher::Custom(Function::Matcher(Rc::new(move |status, body| {
        counter.set(counter.get() + 1);
        status == 200 && body.is_some_and(|b| b["code"] == 50015)
    })));
    let h = Harness::new(config);
    h.world.expired_as_code.set(true);
    h.login(false, None);
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(ok(&outcome));
    assert_eq!(h.world.refresh_count(), 1);
    assert!(seen.get() >= 2, "the custom matcher saw each answer");
}

#[test]
fn a_missing_scope_is_handed_over_even_when_403_is_listed_as_expired() {
    let forbidden = |challenge: Option<&'static str>, error: &str| Response {
        challenge,
        ..Response::json(403, json!({"error": error}))
    };
    let scope = Some(r#"Bearer realm="api", error="insufficient_scope", scope="admin""#);
    let cases = [
        // (answer, listed as expired, refreshes)
        (forbidden(scope, "forbidden"), true, 0),
        (forbidden(None, "insufficient_scope"), true, 0),
        (forbidden(scope, "insufficient_scope"), false, 0),
        // The app's explicit choice holds for any other 403, and the default does not include it.
        (forbidden(Some(r#"Bearer error="invalid_token""#), "forbidden"), true, 1),
        (forbidden(None, "forbidden"), false, 0),
    ];
    for (answer, listed, refreshes) in cases {
        let mut config = config();
        if listed {
            let mut rules = default_access_expired();
            rules.status.push(403);
            config.access_expired = Matcher::Rules(rules);
        }
        let h = Harness::new(config);
        *h.world.refusal.borrow_mut() = Some(answer.clone());
        h.login(false, None);
        let outcome = h.fetch(call("/admin"));
        h.run();
        assert_eq!(h.world.refresh_count(), refreshes, "{answer:?} listed: {listed}");
        if refreshes == 0 {
            let status = outcome.borrow().as_ref().map(|r| r.as_ref().map(|r| r.status).ok());
            assert_eq!(status, Some(Some(403)), "the 403 reaches the caller: {answer:?}");
            assert_eq!(h.world.sent.borrow().len(), 1, "sent once: {answer:?}");
        }
    }
}

#[test]
fn a_custom_refresh_function_renews_or_ends_the_session() {
    for (answer, expected) in [
        (Ok(Some(json!({"accessToken": "F1"}))), None),
        (Ok(None), Some("SessionExpiredError")),
        (Err(Error("boom".into())), Some("RefreshError:Function (cause: boom)")),
        (Ok(Some(json!({"accessToken": 5}))), Some("RefreshError:Malformed")),
    ] {
        let mut config = config();
        let answer = Rc::new(answer);
        config.refresher = Refresher::Custom(Function::Refresh(Rc::new(move |tokens: &TokenSet| {
            assert_eq!(tokens.access.expose(), "A0");
            (*answer).clone()
        })));
        let h = Harness::new(config);
        h.world.valid.borrow_mut().push("F1".to_owned());
        h.login(false, None);
        let outcome = h.fetch(call("/me"));
        h.run();
        match expected {
            None => assert!(ok(&outcome)),
            Some(expected) => assert_eq!(error(&outcome), expected),
        }
    }
}

#[test]
fn refresh_joins_the_refresh_in_flight() {
    let h = Harness::new(config());
    h.login(false, None);
    let joined: Rc<RefCell<Vec<Result<(), Error>>>> = Rc::default();
    for _ in 0..3 {
        let client = Rc::clone(&h.client);
        let joined = Rc::clone(&joined);
        h.executor.spawn(async move {
            let result = client.refresh().await;
            joined.borrow_mut().push(result);
        });
    }
    h.run();
    assert_eq!(h.world.refresh_count(), 1);
    assert_eq!(*joined.borrow(), vec![Ok(()), Ok(()), Ok(())]);
}

// ---------------------------------------------------------------------------------------------
// Many tabs of one profile: one backend, one executor, one hub.

const SHARED_NAME: &str = "fetch-with-refresh:localStorage:access_token:refresh_token";

struct Tab {
    client: Rc<Client<Fake>>,
    /// `onSessionExpired` calls in this tab.
    told: Rc<Cell<u32>>,
    page: Rc<Page>,
}

struct Profile {
    world: Rc<World>,
    executor: Executor,
    hub: Rc<Hub>,
    tabs: Vec<Tab>,
}

impl Profile {
    /// `n` tabs; with `shared_storage` they share one store (localStorage), else each has its own
    /// (sessionStorage copies made by `window.open`).
    fn new(n: u32, shared_storage: bool) -> Profile {
        let world = Rc::new(World::default());
        world.now.set(NOW);
        *world.refresh_token.borrow_mut() = "R0".to_owned();
        let executor = Executor::default();
        let hub = Rc::new(Hub::default());
        let shared = CountingStore::default();
        let mut profile = Profile { world, executor, hub, tabs: Vec::new() };
        for tab in 0..n {
            let store = if shared_storage { shared.clone() } else { CountingStore::default() };
            profile.open(tab, store, true);
        }
        profile
    }

    /// Opens tab `tab` over `store`; `listening` false models a tab that misses the messages.
    fn open(&mut self, tab: u32, store: CountingStore, listening: bool) {
        let told = Rc::new(Cell::new(0));
        let page = Rc::new(Page::default());
        let mut config = config();
        config.coordination = Some(SHARED_NAME.to_owned());
        config.on_session_expired = Some(Function::SessionExpired(Rc::clone(&told)));
        let fake = Fake {
            world: Rc::clone(&self.world),
            executor: self.executor.clone(),
            hub: Some(Rc::clone(&self.hub)),
            tab,
            page: Rc::clone(&page),
        };
        let client = Rc::new(Client::new(config, Box::new(store), fake));
        if listening {
            client.start();
        }
        self.tabs.push(Tab { client, told, page });
    }

    /// Every tab's storage holds access `A0` (expired by the clock) and refresh `R0`.
    fn login_expired(&self) {
        for tab in &self.tabs {
            tab.client
                .set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresAt": NOW - 1.0}))
                .unwrap();
        }
        self.run();
    }

    fn fetch(&self, tab: usize, url: &str) -> Outcome {
        let outcome: Outcome = Rc::default();
        let slot = Rc::clone(&outcome);
        let client = Rc::clone(&self.tabs[tab].client);
        let call = call(url);
        self.executor.spawn(async move {
            *slot.borrow_mut() = Some(client.fetch(call).await);
        });
        outcome
    }

    fn run(&self) {
        self.executor.run();
    }

    fn access(&self, tab: usize) -> Option<String> {
        self.tabs[tab].client.get_tokens().map(|t| t.access.expose().to_owned())
    }

    fn record(&self) -> SharedRecord {
        SharedRecord::decode(&self.hub.record(SHARED_NAME).expect("a record")).expect("decodes")
    }
}

#[test]
fn eight_tabs_on_an_expired_token_make_one_refresh() {
    for shared_storage in [true, false] {
        let p = Profile::new(8, shared_storage);
        p.login_expired();
        let outcomes: Vec<Outcome> = (0..8).map(|tab| p.fetch(tab, "/me")).collect();
        p.run();
        assert_eq!(p.world.refresh_count(), 1, "shared storage: {shared_storage}");
        assert!(outcomes.iter().all(ok), "every tab's request succeeds");
        assert_eq!(p.world.adopted.get(), 7, "seven tabs took the first one's result");
        assert_eq!(p.hub.lock_requests.get(), 8, "each tab asked for the lock once");
        assert!(p.hub.waiting.borrow().is_empty() && p.hub.holder.get().is_none(), "the lock is free");
        for tab in 0..8 {
            assert_eq!(p.access(tab).as_deref(), Some("N1"), "tab {tab} holds the new tokens");
        }
        assert_eq!(p.record().tokens.unwrap().access.expose(), "N1");
        assert_eq!(*p.hub.messages.borrow(), ["renewed"], "one message, after the one refresh");
    }
}

#[test]
fn a_request_that_needs_no_refresh_touches_neither_the_lock_nor_the_record() {
    let p = Profile::new(2, true);
    p.world.valid.borrow_mut().push("A0".to_owned());
    p.tabs[0]
        .client
        .set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 86_400}))
        .unwrap();
    let outcomes: Vec<Outcome> = (0..100).map(|i| p.fetch(i % 2, "/me")).collect();
    p.run();
    assert!(outcomes.iter().all(ok));
    assert_eq!((p.hub.lock_requests.get(), p.hub.reads.get(), p.hub.writes.get()), (0, 0, 0));
}

#[test]
fn a_session_storage_copy_follows_the_rotations_of_the_other_tab() {
    let p = Profile::new(2, false);
    p.login_expired();
    // Tab 0 refreshes twice; tab 1 (its own copy of R0) hears each renewal and takes the tokens.
    for expected in ["N1", "N2"] {
        let done = Rc::new(Cell::new(false));
        let (client, flag) = (Rc::clone(&p.tabs[0].client), Rc::clone(&done));
        p.executor.spawn(async move { flag.set(client.refresh().await.is_ok()) });
        p.run();
        assert!(done.get());
        assert_eq!(p.access(1).as_deref(), Some(expected), "tab 1 followed");
    }
    assert!(p.world.events.borrow().contains(&"tokens-changed"));
    let request = p.fetch(1, "/me");
    p.run();
    assert!(ok(&request));
    assert_eq!(p.world.refresh_count(), 2, "tab 1 never refreshed with a dead token");
}

#[test]
fn a_tab_that_missed_the_messages_takes_the_record_inside_the_lock() {
    let mut p = Profile::new(1, false);
    let store = CountingStore::default();
    p.open(1, store, false);
    p.login_expired();
    for _ in 0..3 {
        let client = Rc::clone(&p.tabs[0].client);
        p.executor.spawn(async move {
            let _ = client.refresh().await;
        });
        p.run();
    }
    assert_eq!(p.access(1).as_deref(), Some("A0"), "tab 1 still holds generation 0");
    let request = p.fetch(1, "/me");
    p.run();
    assert!(ok(&request), "tab 1's request went out with the newest tokens");
    assert_eq!(p.world.refresh_count(), 3, "no refresh with the dead R0");
    assert_eq!(p.access(1).as_deref(), Some("N3"));
    assert_eq!(p.world.adopted.get(), 1);
}

#[test]
fn a_session_that_ends_in_one_tab_ends_in_every_tab() {
    for shared_storage in [true, false] {
        let p = Profile::new(4, shared_storage);
        p.world.refresh_mode.set(Some(RefreshMode::Refuse));
        p.login_expired();
        // Tabs 0 and 1 send a request; tabs 2 and 3 are idle.
        let outcomes = [p.fetch(0, "/a"), p.fetch(1, "/b")];
        p.run();
        assert_eq!(p.world.refresh_count(), 1, "one refresh, refused; nobody retries the dead token");
        for outcome in &outcomes {
            assert_eq!(error(outcome), "SessionExpiredError");
        }
        for (i, tab) in p.tabs.iter().enumerate() {
            assert_eq!(tab.told.get(), 1, "onSessionExpired once in tab {i} (shared: {shared_storage})");
            assert_eq!(tab.client.get_tokens(), None, "tab {i} dropped the tokens");
        }
        // Later requests are sent without a token and start nothing.
        let later = p.fetch(3, "/c");
        p.run();
        assert!(matches!(&*later.borrow(), Some(Ok(r)) if r.status == 401));
        assert_eq!(p.world.refresh_count(), 1);
        assert!(p.tabs.iter().all(|tab| tab.told.get() == 1));
    }
}

#[test]
fn a_logout_in_one_tab_ends_the_session_in_the_others() {
    for shared_storage in [true, false] {
        let p = Profile::new(3, shared_storage);
        p.login_expired();
        p.tabs[0].client.clear_tokens().unwrap();
        p.run();
        assert_eq!(p.tabs[0].told.get(), 0, "the tab that logged out is not told");
        for i in 1..3 {
            assert_eq!(p.tabs[i].told.get(), 1, "tab {i} (shared: {shared_storage})");
            assert_eq!(p.access(i), None);
        }
        assert!(p.world.ends.borrow().iter().all(|r| *r == EndReason::Logout));
        assert_eq!(p.world.refresh_count(), 0);
        assert_eq!(p.record().ended, Some(EndReason::Logout));
    }
}

#[test]
fn a_tab_logged_in_on_its_own_ignores_another_sessions_end() {
    let p = Profile::new(2, false);
    p.login_expired();
    p.tabs[1].client.set_tokens(&json!({"accessToken": "MINE", "refreshToken": "OWN"})).unwrap();
    p.tabs[0].client.clear_tokens().unwrap();
    p.run();
    assert_eq!(p.tabs[1].told.get(), 0);
    assert_eq!(p.access(1).as_deref(), Some("MINE"));
}

#[test]
fn a_tab_waits_for_the_lock_only_so_long() {
    let p = Profile::new(1, true);
    p.login_expired();
    let stuck = p.hub.hold();
    let outcome = p.fetch(0, "/me");
    p.run();
    let wait = 10_000.0 + fetch_with_refresh::client::LOCK_MARGIN_MS;
    p.world.advance(wait - 1.0);
    p.run();
    assert!(outcome.borrow().is_none(), "still waiting");
    p.world.advance(1.0);
    p.run();
    assert_eq!(error(&outcome), "RefreshError:LockTimeout");
    assert_eq!(p.world.refresh_count(), 0, "never refreshes without the lock");
    assert!(p.hub.waiting.borrow().is_empty(), "the lock request was withdrawn");
    assert!(p.world.timers.borrow().is_empty(), "no timer left behind");
    drop(stuck);
}

#[test]
fn when_the_lock_holder_goes_away_another_tab_finishes() {
    let p = Profile::new(2, true);
    p.world.refresh_mode.set(Some(RefreshMode::Hang));
    p.login_expired();
    let first = p.fetch(0, "/a");
    p.run();
    let second = p.fetch(1, "/b");
    p.run();
    assert_eq!(p.world.refresh_count(), 1, "tab 0 holds the lock, its call hangs; tab 1 waits");
    // Tab 0 is closed: its work is dropped and the browser releases its lock.
    p.world.refresh_mode.set(Some(RefreshMode::Renew));
    p.tabs[0].client.dispose();
    p.run();
    assert_eq!(error(&first), "DisposedError");
    assert!(ok(&second), "tab 1 took the lock and refreshed");
    assert_eq!(p.world.refresh_count(), 2);
    assert!(p.hub.holder.get().is_none() && p.hub.waiting.borrow().is_empty(), "the lock is free");
}

#[test]
fn without_cross_tab_apis_a_tab_refreshes_alone_and_says_so_once() {
    let mut config = config();
    config.coordination = Some(SHARED_NAME.to_owned());
    let h = Harness::new(config);
    h.login(false, None);
    for _ in 0..2 {
        let outcome = h.fetch(call("/me"));
        h.run();
        assert!(ok(&outcome));
        h.world.valid.borrow_mut().clear();
    }
    assert_eq!(h.world.refresh_count(), 2);
    assert_eq!(h.world.events.borrow().iter().filter(|e| **e == "cross-tab-off").count(), 1);
}

#[test]
fn a_failing_record_store_turns_coordination_off_once() {
    let p = Profile::new(1, true);
    p.hub.store_fails.set(true);
    p.login_expired();
    let outcome = p.fetch(0, "/me");
    p.run();
    assert!(ok(&outcome), "the refresh still happens, under the lock");
    let second = {
        p.world.valid.borrow_mut().clear();
        p.fetch(0, "/again")
    };
    p.run();
    assert!(ok(&second));
    assert_eq!(p.world.events.borrow().iter().filter(|e| **e == "cross-tab-off").count(), 1);
    assert_eq!(p.hub.lock_requests.get(), 1, "after it failed, the tab refreshes alone");
}

#[test]
fn a_proactive_refresh_happens_in_one_tab_only() {
    for shared_storage in [true, false] {
        let p = Profile::new(4, shared_storage);
        p.world.valid.borrow_mut().push("A0".to_owned());
        // Valid for ten more minutes: inside the 30-minute window.
        for tab in &p.tabs {
            tab.client
                .set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresAt": NOW + 600_000.0}))
                .unwrap();
        }
        let outcomes: Vec<Outcome> = (0..4).map(|tab| p.fetch(tab, "/me")).collect();
        p.run();
        assert!(outcomes.iter().all(ok));
        assert_eq!(p.world.refresh_count(), 1, "shared storage: {shared_storage}");
        assert_eq!(p.world.adopted.get(), 3, "the other tabs found the tokens renewed inside the lock");
        assert!((0..4).all(|tab| p.access(tab).as_deref() == Some("N1")));
    }
}

#[test]
fn the_record_is_compared_with_what_the_tab_held_when_it_decided() {
    let mut p = Profile::new(1, false);
    let lagging = CountingStore::default();
    p.open(1, lagging.clone(), false);
    p.login_expired();
    let client = Rc::clone(&p.tabs[0].client);
    p.executor.spawn(async move {
        let _ = client.refresh().await;
    });
    p.run();
    assert_eq!(p.world.refresh_count(), 1);
    // Tab 1 decides to refresh with generation 0; before its refresh task runs, the renewed
    // tokens land in its storage (written by the other tab). It must still take the record's
    // result rather than refresh again.
    let renewed = p.tabs[0].client.get_tokens().unwrap();
    *p.world.on_spawn.borrow_mut() = Some(Box::new(move || {
        lagging.set("access_token", renewed.access.expose()).unwrap();
        lagging.set("refresh_token", renewed.refresh.as_ref().unwrap().expose()).unwrap();
    }));
    let request = p.fetch(1, "/me");
    p.run();
    assert!(ok(&request));
    assert_eq!(p.world.refresh_count(), 1, "no second refresh");
    assert_eq!(p.world.adopted.get(), 1);
}

#[test]
fn a_logout_elsewhere_while_this_tab_refreshes_is_not_undone() {
    let p = Profile::new(2, true);
    p.login_expired();
    let other = Rc::clone(&p.tabs[1].client);
    *p.world.on_refresh_call.borrow_mut() = Some(Box::new(move || other.clear_tokens().unwrap()));
    let outcome = p.fetch(0, "/me");
    p.run();
    assert_eq!(p.world.refresh_count(), 1);
    assert_eq!(error(&outcome), "SessionExpiredError", "the waiting request ends with the session");
    assert_eq!(p.access(0), None, "the renewed tokens were not stored: the session stays ended");
    assert_eq!(p.tabs[0].told.get(), 1, "the refreshing tab shows its login dialog");
    assert_eq!(p.tabs[1].told.get(), 0, "the tab that logged out is not told");
    assert!(p.world.ends.borrow().iter().all(|r| *r == EndReason::Logout));
    assert_eq!(p.record().ended, Some(EndReason::Logout));
}

#[test]
fn a_request_refused_after_another_tab_ended_the_session_fails_as_the_sessions_end() {
    let p = Profile::new(2, true);
    p.world.refresh_mode.set(Some(RefreshMode::Refuse));
    // Fresh by the clock, refused by the server: both requests go out with A0.
    for tab in &p.tabs {
        tab.client
            .set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 3600}))
            .unwrap();
    }
    *p.world.held_url.borrow_mut() = Some("https://api.test/v1/late".to_owned());
    p.hub.hold_messages.set(true);
    let late = p.fetch(1, "/late");
    let first = p.fetch(0, "/first");
    p.run();
    // Tab 0's refresh was refused: the session ended and the shared storage is empty. Only now
    // does tab 1's answer arrive, before tab 0's message is heard.
    assert_eq!(error(&first), "SessionExpiredError");
    assert!(late.borrow().is_none());
    p.world.release_answers();
    p.run();
    assert_eq!(error(&late), "SessionExpiredError", "not the bare 401 of a logout");
    assert_eq!(p.tabs[1].told.get(), 1);
    // The message arrives at last: nothing more happens.
    for (listener, message) in p.hub.in_transit.take() {
        listener(message);
    }
    p.run();
    assert_eq!(p.tabs[1].told.get(), 1, "told once");
    assert_eq!(p.world.refresh_count(), 1);
}

/// Requests spread evenly over `seconds`, one every `every_ms`: the refresh calls they cause, and
/// whether every one succeeded without waiting for a refresh.
fn spread(h: &Harness, seconds: f64, every_ms: f64) -> (usize, bool) {
    let mut outcomes = Vec::new();
    let steps = (seconds * 1000.0 / every_ms) as usize;
    for i in 0..steps {
        outcomes.push(h.fetch(call(&format!("/items/{i}"))));
        h.run();
        h.world.advance(every_ms);
        h.run();
    }
    let queued = h.world.events.borrow().iter().filter(|e| **e == "request-queued").count();
    (h.world.refresh_count(), outcomes.iter().all(ok) && queued == 0)
}

#[test]
fn sixty_second_tokens_are_refreshed_at_most_twice_a_minute() {
    // The default 30-minute window: a 60-second token is inside it from the moment it arrives.
    let h = Harness::new(config());
    h.world.ttl_s.set(60.0);
    h.world.valid.borrow_mut().push("A0".to_owned());
    h.client.set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    let (refreshes, smooth) = spread(&h, 60.0, 60.0);
    assert!(refreshes <= 2, "1,000 requests over 60 s made {refreshes} refresh calls");
    assert!(refreshes >= 1, "the token was renewed before it expired");
    assert!(smooth, "every request succeeded, none waited for a refresh");
}

#[test]
fn a_clock_an_hour_off_neither_blocks_requests_nor_refreshes_more_than_once_per_token() {
    const HOUR: f64 = 3_600_000.0;
    for offset in [HOUR, -HOUR] {
        // The server's clock is `offset` from ours; its JWTs live 10 minutes.
        let h = Harness::new(config());
        h.world.ttl_s.set(600.0);
        h.world.server_clock.set(Some(offset));
        let iat = ((NOW + offset) / 1000.0).floor();
        let first = jwt(&json!({"n": 0, "iat": iat, "exp": iat + 600.0}));
        h.world.valid.borrow_mut().push(first.clone());
        h.client.set_tokens(&json!({"accessToken": first, "refreshToken": "R0"})).unwrap();
        // 1,000 requests over 1,000 s: each token is renewed once, in the second half of its life.
        let (refreshes, smooth) = spread(&h, 1000.0, 1000.0);
        assert!(smooth, "offset {offset}: no request waited or failed");
        assert!(
            (3..=4).contains(&refreshes),
            "offset {offset}: {refreshes} refresh calls for ~3 token lifetimes"
        );
    }
}

#[test]
fn a_jwt_without_iat_is_corrected_by_the_date_of_the_refresh_answer() {
    const HOUR: f64 = 3_600_000.0;
    assert_eq!(http_date(784_111_777_000.0), "Sun, 06 Nov 1994 08:49:37 GMT");
    for offset in [HOUR, -HOUR] {
        // The server's clock is `offset` from ours; its JWTs live 10 minutes and carry only `exp`.
        let h = Harness::new(config());
        h.world.ttl_s.set(600.0);
        h.world.server_clock.set(Some(offset));
        h.world.no_iat.set(true);
        let first = jwt(&json!({"n": 0, "exp": ((NOW + offset) / 1000.0).floor() + 600.0}));
        h.world.valid.borrow_mut().push(first.clone());
        // The login answer said `expires_in`; the refresh answers say only the JWT and `Date`.
        h.client.set_tokens(&json!({"accessToken": first, "refreshToken": "R0", "expiresIn": 600})).unwrap();
        let (refreshes, smooth) = spread(&h, 1000.0, 1000.0);
        assert!(smooth, "offset {offset}: no request waited or failed");
        assert!(
            (3..=4).contains(&refreshes),
            "offset {offset}: {refreshes} refresh calls for ~3 token lifetimes"
        );
    }
}

/// Runs `h` until it is idle, then advances the fake clock in steps of `step_ms` up to `total_ms`.
fn run_for(h: &Harness, total_ms: f64, step_ms: f64) {
    h.run();
    let mut elapsed = 0.0;
    while elapsed < total_ms {
        h.world.advance(step_ms);
        h.run();
        elapsed += step_ms;
    }
}

#[test]
fn transient_refresh_failures_are_retried_with_backoff() {
    let h = Harness::new(config());
    // A 503, then no answer at all, then the endpoint works.
    h.world.scripted_failures.borrow_mut().extend([(503, None), (0, None)]);
    h.login(true, Some(NOW - 1.0));
    let outcome = h.fetch(call("/me"));
    run_for(&h, 2_000.0, 0.5);
    assert!(ok(&outcome), "the request succeeded after two retries");
    // Half of the exponential step plus half of it times the jitter (0.5 here): 187.5, 375 ms.
    let times: Vec<f64> = h.world.refresh_times.borrow().iter().map(|t| t - NOW).collect();
    assert_eq!(times, [0.0, 187.0, 562.0]);
    assert!(!h.world.events.borrow().contains(&"session-expired"), "never a logout");
}

#[test]
fn retry_after_is_honoured() {
    let h = Harness::new(config());
    h.world.scripted_failures.borrow_mut().push_back((429, Some("2")));
    h.login(true, Some(NOW - 1.0));
    let outcome = h.fetch(call("/me"));
    run_for(&h, 3_000.0, 10.0);
    assert!(ok(&outcome));
    let times: Vec<f64> = h.world.refresh_times.borrow().iter().map(|t| t - NOW).collect();
    assert_eq!(times, [0.0, 2_000.0]);
}

#[test]
fn retries_stay_inside_the_refresh_timeout_and_end_in_a_refresh_error() {
    let h = Harness::new(config());
    // The server asks for 9 s each time; the timeout is 10 s: one retry fits, a second does not.
    h.world.scripted_failures.borrow_mut().extend([(503, Some("9")), (503, Some("9")), (503, Some("9"))]);
    h.login(true, Some(NOW - 1.0));
    let outcome = h.fetch(call("/me"));
    run_for(&h, 12_000.0, 100.0);
    assert_eq!(error(&outcome), "RefreshError:Status", "the last answer, not a timeout");
    assert_eq!(h.world.refresh_count(), 2);
    assert_eq!(h.client.get_tokens().unwrap().refresh.unwrap().expose(), "R0", "tokens kept");
    assert!(h.world.timers.borrow().is_empty(), "no timer left behind");
}

#[test]
fn answers_that_another_try_would_repeat_are_not_retried() {
    for status in [400, 403, 404] {
        let h = Harness::new(config());
        h.world.scripted_failures.borrow_mut().push_back((status, None));
        h.login(true, Some(NOW - 1.0));
        let outcome = h.fetch(call("/me"));
        run_for(&h, 2_000.0, 10.0);
        assert_eq!(error(&outcome), "RefreshError:Status", "{status}");
        assert_eq!(h.world.refresh_count(), 1, "{status}");
    }
}

#[test]
fn a_server_that_refuses_every_new_token_meets_the_renewal_limit() {
    let h = Harness::new(config());
    h.world.refuse_all.set(true);
    h.login(false, None);
    let mut outcomes = Vec::new();
    for i in 0..15 {
        outcomes.push(h.fetch(call(&format!("/items/{i}"))));
        h.run();
        h.world.advance(100.0);
    }
    h.run();
    assert_eq!(h.world.refresh_count(), 10, "the default limit: 10 refreshes a minute");
    let limited = outcomes
        .iter()
        .filter(|o| matches!(&*o.borrow(), Some(Err(e)) if e.0 == "RefreshError:RateLimited"))
        .count();
    assert_eq!(limited, 5);
    // A minute later, renewals are allowed again.
    h.world.advance(60_000.0);
    let later = h.fetch(call("/later"));
    h.run();
    assert_eq!(h.world.refresh_count(), 11);
    assert!(later.borrow().is_some());
}

// ---------------------------------------------------------------------------------------------
// Waking up: the page shown again, the network back, and the `autoRefresh` timer.

#[test]
fn a_page_shown_again_refreshes_an_expired_token_before_the_next_request() {
    let h = Harness::new(config());
    h.login(false, Some(NOW - 1.0));
    h.page.set_visible(false);
    h.run();
    assert_eq!(h.world.refresh_count(), 0, "a hidden page refreshes nothing");
    h.page.set_visible(true);
    h.run();
    assert_eq!(h.world.refresh_count(), 1, "shown again: the expired token is refreshed at once");
    assert!(h.world.sent.borrow().is_empty(), "with no request");
    let outcome = h.fetch(call("/me"));
    h.run();
    assert!(ok(&outcome));
    assert_eq!(
        h.world.tokens_sent(),
        [Some("N1".to_owned())],
        "the next request goes out with the new token"
    );
    assert!(!h.world.events.borrow().contains(&"request-queued"), "and does not wait");
    // Shown again with a fresh token, or back online: nothing to do.
    h.page.set_visible(true);
    h.page.back_online();
    h.run();
    assert_eq!(h.world.refresh_count(), 1);
}

#[test]
fn back_online_a_token_inside_its_window_is_refreshed_in_the_background() {
    let h = Harness::new(config());
    // Expires in 10 minutes, inside the default 30-minute window; its lifetime is unknown.
    h.login(true, Some(NOW + 600_000.0));
    h.page.back_online();
    h.run();
    assert_eq!(h.world.refresh_count(), 1);
    assert_eq!(h.client.get_tokens().map(|t| t.access.expose().to_owned()).as_deref(), Some("N1"));
    // Offline in a hidden page: not this page's turn.
    let h = Harness::new(config());
    h.login(true, Some(NOW + 600_000.0));
    h.page.hidden.set(true);
    h.page.back_online();
    h.run();
    assert_eq!(h.world.refresh_count(), 0);
}

#[test]
fn a_session_that_died_while_the_page_slept_is_told_when_it_wakes() {
    let mut config = config();
    let told = Rc::new(Cell::new(0));
    config.on_session_expired = Some(Function::SessionExpired(Rc::clone(&told)));
    let h = Harness::new(config);
    h.world.refresh_mode.set(Some(RefreshMode::Refuse));
    h.login(false, Some(NOW - 1.0));
    h.page.set_visible(true);
    h.run();
    assert_eq!(told.get(), 1, "the app is told when the user comes back, not at the next click");
    assert_eq!(h.client.get_tokens(), None);
    h.page.set_visible(true);
    h.page.back_online();
    h.run();
    assert_eq!((h.world.refresh_count(), told.get()), (1, 1), "and only once");
}

#[test]
fn a_failing_endpoint_is_not_called_in_a_loop_on_wake_ups() {
    let mut config = config();
    config.auto_refresh = true;
    config.retry.attempts = 0;
    let h = Harness::new(config);
    h.world.refresh_mode.set(Some(RefreshMode::Offline));
    h.login(true, Some(NOW - 1.0));
    run_for(&h, 60_000.0, 1_000.0);
    assert_eq!(h.world.refresh_count(), 1, "one failed refresh, and no timer to try again by itself");
    assert!(h.world.alarms_due().is_empty());
    // The network is back: the next wake-up tries again, and succeeds.
    h.world.refresh_mode.set(Some(RefreshMode::Renew));
    h.page.back_online();
    h.run();
    assert_eq!(h.world.refresh_count(), 2);
    assert_ne!(h.client.get_tokens().map(|t| t.access.expose().to_owned()).as_deref(), Some("A0"));
}

#[test]
fn auto_refresh_renews_each_token_halfway_through_its_life_with_no_request() {
    let mut config = config();
    config.auto_refresh = true;
    let h = Harness::new(config);
    h.world.ttl_s.set(60.0);
    h.world.valid.borrow_mut().push("A0".to_owned());
    h.client.set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    run_for(&h, 29_000.0, 1_000.0);
    assert_eq!(h.world.refresh_count(), 0, "not in the first half of the token's life");
    run_for(&h, 300_000.0 - 29_000.0, 1_000.0);
    let times: Vec<f64> = h.world.refresh_times.borrow().iter().map(|t| (t - NOW) / 1000.0).collect();
    assert_eq!(times, [30.0, 60.0, 90.0, 120.0, 150.0, 180.0, 210.0, 240.0, 270.0, 300.0]);
    assert!(h.world.sent.borrow().is_empty(), "no request was made");
    assert_eq!(h.world.alarms_due(), [330_000.0], "one timer armed, for the next token");
}

#[test]
fn auto_refresh_waits_in_a_hidden_page_and_catches_up_when_shown() {
    let mut config = config();
    config.auto_refresh = true;
    let h = Harness::new(config);
    h.world.ttl_s.set(60.0);
    h.page.hidden.set(true);
    h.client.set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    run_for(&h, 600_000.0, 1_000.0);
    assert_eq!(h.world.refresh_count(), 0, "a hidden page leaves the refreshing to the visible one");
    assert!(h.world.alarms_due().is_empty(), "and keeps no timer");
    h.page.set_visible(true);
    h.run();
    assert_eq!(h.world.refresh_count(), 1, "shown: the expired token is renewed at once");
    assert_eq!(h.world.alarms_due().len(), 1, "and the timer armed for the new one");
}

#[test]
fn auto_refresh_is_off_by_default_and_a_far_expiry_is_waited_for_in_steps() {
    let h = Harness::new(config());
    h.client.set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    run_for(&h, 120_000.0, 1_000.0);
    assert_eq!(h.world.refresh_count(), 0, "off by default: no refresh without a request");
    assert!(h.world.alarms_due().is_empty());

    // A token for 60 days: its window opens later than one browser timer can wait (2^31-1 ms),
    // so the timer is armed in steps of that, and the refresh comes when the window opens.
    let mut config = config();
    config.auto_refresh = true;
    let h = Harness::new(config);
    let life = 60.0 * 86_400_000.0;
    h.client
        .set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": life / 1000.0}))
        .unwrap();
    h.run();
    let mut arms = Vec::new();
    while h.world.refresh_count() == 0 && arms.len() < 10 {
        let next = h.world.alarms_due().into_iter().fold(f64::INFINITY, f64::min) + NOW;
        arms.push(next - h.world.now.get());
        h.world.advance(next - h.world.now.get());
        h.run();
    }
    let cap = 2_147_483_647.0;
    assert_eq!(arms, [cap, cap, life - 1_800_000.0 - 2.0 * cap]);
    assert_eq!(h.world.refresh_times.borrow().as_slice(), [NOW + life - 1_800_000.0]);
}

#[test]
fn the_timer_follows_the_tokens_and_dispose_removes_everything() {
    let mut config = config();
    config.auto_refresh = true;
    let h = Harness::new(config);
    let due = |h: &Harness| h.world.alarms_due();
    h.client.set_tokens(&json!({"accessToken": "A0", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    h.run();
    assert_eq!(due(&h), [30_000.0]);
    h.client.set_tokens(&json!({"accessToken": "A1", "refreshToken": "R0", "expiresIn": 600})).unwrap();
    h.run();
    assert_eq!(due(&h), [300_000.0], "new tokens: the old timer is cleared, one for the new");
    h.client.set_tokens(&json!({"accessToken": "A2", "refreshToken": "R0"})).unwrap();
    h.run();
    assert!(due(&h).is_empty(), "no expiry known: no timer");
    h.client.set_tokens(&json!({"accessToken": "A3", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    h.client.clear_tokens().unwrap();
    h.run();
    assert!(due(&h).is_empty(), "logged out: no timer");
    h.client.set_tokens(&json!({"accessToken": "A4", "refreshToken": "R0", "expiresIn": 60})).unwrap();
    h.run();
    assert_eq!(due(&h).len(), 1);
    h.client.dispose();
    h.run();
    assert!(due(&h).is_empty(), "dispose clears the timer");
    assert!(h.page.listener.borrow().is_none(), "and removes the wake-up listener");
    h.page.set_visible(true);
    run_for(&h, 120_000.0, 1_000.0);
    assert_eq!(h.world.refresh_count(), 0);
}

#[test]
fn tabs_woken_together_make_one_refresh() {
    let p = Profile::new(4, true);
    p.login_expired();
    for tab in &p.tabs {
        tab.page.back_online();
    }
    p.run();
    assert_eq!(p.world.refresh_count(), 1, "one refresh under the lock; the others adopt it");
    assert_eq!(p.world.adopted.get(), 3);
}
