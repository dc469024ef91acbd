//! The small traits the driver ([`crate::client`]) works through, so that where tokens are kept,
//! how requests travel, how time passes and how the app is called back can be swapped (in native
//! tests, or by the app) without touching the logic.
//!
//! No JavaScript type appears here: the browser's objects (a `Request`, a `Response`, a parsed
//! JSON body, an error value, an app function) are associated types that the driver only holds
//! and hands back. The browser implementations live in [`crate::web`]; the native tests implement
//! the same traits over plain Rust values.

use crate::core::events::Fallback;
use crate::core::machine::{Failure, Notice, SessionEnd};
use crate::core::refresh::{PlainRequest, Scalar};
use crate::core::tokens::TokenSet;
use std::future::Future;

/// The token store port (with the memory store every store falls back to) is defined next to
/// the vault that uses it, in the core.
pub use crate::core::vault::{KeyValueStore, StoreError};

/// The platform's opaque values, shared by the other traits.
pub trait Values {
    /// A caller's `fetch(input, init)` arguments.
    type Call;
    /// A caller's request made replayable (its body read once).
    type Request;
    /// A response, as the caller receives it.
    type Response;
    /// A parsed JSON body.
    type Body;
    /// What a rejected promise carries (an `Error` object in the browser).
    type Error: Clone;
    /// An app function: a matcher, the refresh function, `onSessionExpired`.
    type Function;
}

/// Where a caller's request goes, learned before anything is read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The absolute URL (the `baseURL` applied, resolved against the page). It carries no token.
    pub url: String,
    /// False when the caller passed `auth: false`.
    pub auth: bool,
}

/// A request made replayable, as the driver sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared<R> {
    /// The platform's request.
    pub request: R,
    /// Its method, for events.
    pub method: String,
    /// False for a stream body, which can be sent only once.
    pub replayable: bool,
}

pub use crate::core::classify::Head;

/// A response and its parsed JSON body, when it was read.
pub type WithBody<R, B> = (R, Option<B>);

/// Sends requests and reads answers.
pub trait Transport: Values {
    /// Where `call` goes, with `base_url` applied to a relative URL.
    fn destination(&self, call: &Self::Call, base_url: Option<&str>) -> Result<Destination, Self::Error>;

    /// Sends `call` as it is (another origin, `auth: false`): no token, nothing read.
    fn pass_through(
        &self,
        call: Self::Call,
        destination: &Destination,
    ) -> impl Future<Output = Result<Self::Response, Self::Error>>;

    /// Makes `call` replayable: reads its body once (unless it is a stream).
    fn prepare(
        &self,
        call: Self::Call,
        destination: &Destination,
    ) -> impl Future<Output = Result<Prepared<Self::Request>, Self::Error>>;

    /// The abort reason when the caller has aborted already.
    fn abort_reason(&self, request: &Self::Request) -> Option<Self::Error>;

    /// Resolves with the abort reason when the caller aborts; dropping it stops listening.
    fn aborted(&self, request: &Self::Request) -> impl Future<Output = Self::Error> + Unpin;

    /// Sends one attempt of `request` to `url`, with `header` (name, value) set when given.
    fn send(
        &self,
        request: &Self::Request,
        url: &str,
        header: Option<(&str, &str)>,
    ) -> impl Future<Output = Result<Self::Response, Self::Error>>;

    /// The status and the headers that decide whether the body is read.
    fn head(&self, response: &Self::Response) -> Head;

    /// The `WWW-Authenticate` header of an answer (readable on a cross-origin answer only when
    /// the server lists it in `Access-Control-Expose-Headers`). Read only for an answer that a
    /// matcher calls expired.
    fn challenge(&self, response: &Self::Response) -> Option<String>;

    /// Reads a JSON body once, at most `cap` bytes: the parsed body (`None` when it is not valid
    /// JSON or longer than `cap`) and an equal response for the caller, whose body is intact.
    fn read_json(
        &self,
        response: Self::Response,
        cap: u32,
    ) -> impl Future<Output = Result<WithBody<Self::Response, Self::Body>, Self::Error>>;

    /// The string or number at a dotted path of a parsed body.
    fn lookup(&self, body: &Self::Body, path: &str) -> Option<Scalar>;

    /// Calls the refresh endpoint: its status, parsed JSON body and `Retry-After` header.
    /// Dropping the future aborts the call.
    fn call_refresh(
        &self,
        request: &PlainRequest,
    ) -> impl Future<Output = Result<RefreshAnswer<Self::Body>, Self::Error>>;
}

/// The refresh endpoint's answer, as the driver needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshAnswer<B> {
    /// The HTTP status.
    pub status: u16,
    /// The parsed JSON body, when it was JSON.
    pub body: Option<B>,
    /// The `Retry-After` header, when there was one.
    pub retry_after: Option<String>,
    /// The `Date` header (the server's clock), when it was readable.
    pub date: Option<String>,
}

/// Calls the app back: its matchers, its refresh function, its session-expired callback and its
/// event listeners, and makes the errors its promises reject with.
pub trait App: Values {
    /// The app's matcher on `{status, body}`; a throw counts as "no match".
    fn matches(&self, matcher: &Self::Function, status: u16, body: Option<&Self::Body>) -> bool;

    /// The app's refresh function, called with the current tokens: the value it resolved with
    /// (`None` for `null`/`undefined`: the session is over), or what it threw.
    fn call_refresh_function(
        &self,
        refresh: &Self::Function,
        tokens: &TokenSet,
    ) -> impl Future<Output = Result<Option<Self::Body>, Self::Error>>;

    /// Calls `onSessionExpired` (a promise it returns is awaited in the background).
    fn session_expired(&self, callback: &Self::Function, end: &SessionEnd);

    /// Tells the listeners about a notice; `request` is the method and URL of the request it
    /// names, `duration_ms` the time the refresh took.
    fn notify(&self, notice: &Notice, request: Option<(&str, &str)>, duration_ms: f64);

    /// Tells the listeners the storage fell back to memory.
    fn storage_fell_back(&self, fallback: &Fallback);

    /// Tells the listeners cross-tab coordination is off, and why.
    fn cross_tab_off(&self, reason: CrossTabOff);

    /// Stops calling the listeners (`dispose`).
    fn forget_listeners(&self);

    /// The error a request rejects with; `cause` is the error underneath a refresh failure.
    fn failure(&self, failure: &Failure, cause: Option<Self::Error>) -> Self::Error;

    /// The error for a call on a disposed client.
    fn disposed(&self) -> Self::Error;
}

/// Time: the clock, delays, and background tasks.
pub trait Timer {
    /// A call of [`Timer::alarm`] still to come: dropping it cancels the call.
    type Alarm;

    /// The time, epoch milliseconds.
    fn now(&self) -> f64;

    /// Calls `then` in `ms` milliseconds, unless the returned alarm is dropped before.
    fn alarm(&self, ms: u32, then: Box<dyn FnOnce()>) -> Self::Alarm;

    /// Resolves after `ms` milliseconds; dropping it cancels the timer.
    fn sleep(&self, ms: u32) -> impl Future<Output = ()> + Unpin + 'static;

    /// Runs `task` in the background.
    fn spawn(&self, task: impl Future<Output = ()> + 'static);

    /// A random number in [0, 1), for the jitter of retries.
    fn random(&self) -> f64;
}

pub use crate::core::tabs::CrossTabOff;

/// Cross-tab coordination: a lock that the tabs of one browser profile share (Web Locks), a store
/// they all read consistently (IndexedDB), and a channel between them (BroadcastChannel). `name`
/// is always the client's [`crate::core::tabs::coordination_name`]; what is stored and posted is
/// text the core writes and reads ([`crate::core::tabs`]).
pub trait Tabs {
    /// A held lock: dropping it releases the lock.
    type Held;

    /// Whether the tabs can coordinate here, else why not (an API is missing).
    fn coordination(&self) -> Result<(), CrossTabOff>;

    /// Waits for the exclusive lock `name` and resolves once it is granted. Dropping the future
    /// before then withdraws the request; dropping the [`Tabs::Held`] releases the lock.
    fn lock(&self, name: &str) -> impl Future<Output = Result<Self::Held, CrossTabOff>>;

    /// The text stored under `name` in the shared store, if any.
    fn read_shared(&self, name: &str) -> impl Future<Output = Result<Option<String>, CrossTabOff>>;

    /// Stores `record` under `name` in the shared store; resolves once it is committed.
    fn write_shared(&self, name: &str, record: &str) -> impl Future<Output = Result<(), CrossTabOff>>;

    /// Posts `message` on the channel `name` to the other tabs (and other clients of the same
    /// name), not to this client.
    fn broadcast(&self, name: &str, message: &str);

    /// Calls `on_message` with every message posted on the channel `name` by the others, until
    /// [`Tabs::stop_listening`] (or the platform is dropped).
    fn listen(&self, name: &str, on_message: Box<dyn Fn(String)>);

    /// Stops listening and closes the channel (`dispose`).
    fn stop_listening(&self);
}

/// The page waking up: it becomes visible again, or the browser comes back online.
pub trait Wakeups {
    /// Whether the page is visible (true where there is no page to hide).
    fn visible(&self) -> bool;

    /// Calls `on_change` each time the page's visibility changes or the browser comes back
    /// online, until [`Wakeups::stop_watching`] (or the platform is dropped).
    fn watch(&self, on_change: Box<dyn Fn()>);

    /// Removes what [`Wakeups::watch`] registered (`dispose`).
    fn stop_watching(&self);
}

/// Everything the driver needs from its platform.
pub trait Platform: Transport + App + Timer + Tabs + Wakeups + 'static {}

impl<P: Transport + App + Timer + Tabs + Wakeups + 'static> Platform for P {}
