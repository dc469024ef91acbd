//! The `on(type, listener)` events and the `onSessionExpired` argument, defined once: the event
//! types ([`EventKind`]), the payload of each event ([`Event`]) built from the machine's
//! [`Notice`]s and the vault's [`Fallback`]s, and how each one serializes: camelCase keys, a `type`
//! key with the event's name, `null` for an expiry that is unknown, optional keys (`status`,
//! `code`) left out when there is nothing to say. The browser side hands the serialized objects to
//! the listeners and decides nothing about them.
//!
//! No payload has a place for a token: a request is named by its method and its URL as the caller
//! gave it (before any token is put in its query), a storage failure by the storage's own message.

use super::classify::Code;
use super::json;
use super::machine::{EndReason, FailureKind, Notice, ReplayReason, SessionEnd, TokenSource, Trigger};
use super::names::{named, Named};
use super::tabs::CrossTabOff;
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// The type of an event, as `on(type, …)` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A refresh call starts.
    RefreshStart,
    /// A refresh stored new tokens.
    RefreshSuccess,
    /// A refresh failed; the tokens are kept.
    RefreshFailure,
    /// The session ended; the tokens are cleared.
    SessionExpired,
    /// The stored token set changed through this client.
    TokensChanged,
    /// A request waits for a refresh.
    RequestQueued,
    /// A request is sent a second time.
    RequestReplayed,
    /// The configured storage failed; tokens are now kept in memory.
    StorageFallback,
    /// Cross-tab coordination is off (an API is missing or failed): this tab refreshes alone.
    CrossTabOff,
}

named!(EventKind {
    RefreshStart => "refresh-start",
    RefreshSuccess => "refresh-success",
    RefreshFailure => "refresh-failure",
    SessionExpired => "session-expired",
    TokensChanged => "tokens-changed",
    RequestQueued => "request-queued",
    RequestReplayed => "request-replayed",
    StorageFallback => "storage-fallback",
    CrossTabOff => "cross-tab-off",
});

impl EventKind {
    /// The name of the event type (`refresh-start`…).
    pub fn as_str(self) -> &'static str {
        self.name()
    }

    /// The event type called `name`, if there is one.
    pub fn parse(name: &str) -> Option<EventKind> {
        <EventKind as Named>::parse(name)
    }

    /// Every event type.
    pub fn all() -> &'static [EventKind] {
        EventKind::ALL
    }

    /// The position of this type in [`EventKind::all`] (a small number for the listener table).
    pub fn index(self) -> usize {
        self as usize
    }
}

// The `reason` of `refresh-start`.
named!(Trigger {
    Proactive => "proactive",
    Expired => "expired",
    Rejected => "rejected",
    Manual => "manual",
});

// The `reason` of `session-expired` and of the `onSessionExpired` argument.
named!(EndReason {
    RefreshRejected => "refresh-rejected",
    SessionExpiredResponse => "session-expired-response",
    NoRefreshToken => "no-refresh-token",
    RefreshFunction => "refresh-function",
    Logout => "logout",
    OtherTab => "other-tab",
});

// The `reason` of `request-replayed`.
named!(ReplayReason {
    Refreshed => "refreshed",
    TokenChanged => "token-changed",
});

// The `source` of `tokens-changed`.
named!(TokenSource {
    Set => "set",
    Refresh => "refresh",
    Clear => "clear",
    SessionExpired => "session-expired",
    OtherTab => "other-tab",
});

/// Which operation made the token store fall back to memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Reading the tokens.
    Read,
    /// Writing the tokens.
    Write,
    /// Removing the tokens.
    Remove,
}

// The `operation` of `storage-fallback`.
named!(Operation {
    Read => "read",
    Write => "write",
    Remove => "remove",
});

/// What the `storage-fallback` event reports: the token store switched to memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// The storage that failed (`localStorage`, `cookie`…).
    pub storage: &'static str,
    /// What was being done.
    pub operation: Operation,
    /// Why, in the storage's own words; never a stored value.
    pub message: String,
}

/// The request a `request-queued` or `request-replayed` event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestInfo<'a> {
    /// Its method.
    pub method: &'a str,
    /// Its URL, without any token.
    pub url: &'a str,
}

/// A business code as JavaScript receives it: a number when the code is a whole number written
/// the way JavaScript writes it (`50014`, `-1`), else the text (`"TOKEN_EXPIRED"`, and `"007"` or
/// `"1e3"`, which a number would not give back).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CodeValue<'a> {
    /// A numeric code (`50014`, or `"50014"` in the body: backends are not consistent about it).
    Number(f64),
    /// Any other code (`"TOKEN_EXPIRED"`).
    Text(&'a str),
}

impl<'a> CodeValue<'a> {
    /// How `code` is reported.
    pub fn of(code: &'a Code) -> CodeValue<'a> {
        let text = code.as_str();
        match json::parse_number(text.as_bytes()) {
            Some(number) if json::integer_text(number).as_deref() == Some(text) => CodeValue::Number(number),
            _ => CodeValue::Text(text),
        }
    }
}

impl Serialize for CodeValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CodeValue::Number(number) => serializer.serialize_f64(*number),
            CodeValue::Text(text) => serializer.serialize_str(text),
        }
    }
}

/// The `onSessionExpired` argument, `{ reason, status?, code? }`; also the body of the
/// `session-expired` event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionInfo<'a> {
    /// Why the session ended.
    pub reason: EndReason,
    /// The HTTP status of the answer that ended it, if any.
    pub status: Option<u16>,
    /// The business code of that answer, if any.
    pub code: Option<CodeValue<'a>>,
}

impl<'a> SessionInfo<'a> {
    /// How `end` is reported.
    pub fn of(end: &'a SessionEnd) -> SessionInfo<'a> {
        SessionInfo { reason: end.reason, status: end.status, code: end.code.as_ref().map(CodeValue::of) }
    }

    fn fields<S: SerializeStruct>(&self, out: &mut S) -> Result<(), S::Error> {
        out.serialize_field("reason", self.reason.name())?;
        if let Some(status) = self.status {
            out.serialize_field("status", &u32::from(status))?;
        }
        if let Some(code) = &self.code {
            out.serialize_field("code", code)?;
        }
        Ok(())
    }
}

impl Serialize for SessionInfo<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("SessionInfo", 3)?;
        self.fields(&mut out)?;
        out.end()
    }
}

/// An event: what a listener receives (serialized). Counts are `u32`, times are milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event<'a> {
    /// `refresh-start`.
    RefreshStart {
        /// Why the refresh started.
        reason: Trigger,
        /// Requests waiting on it so far.
        queued: u32,
    },
    /// `refresh-success`.
    RefreshSuccess {
        /// How long the refresh took.
        duration_ms: f64,
        /// Requests sent again with the new token.
        replayed: u32,
        /// The new expiry, epoch ms (`null` when unknown).
        expires_at: Option<f64>,
        /// True when another tab had renewed the tokens and this tab took its result.
        adopted: bool,
    },
    /// `refresh-failure`.
    RefreshFailure {
        /// What went wrong.
        reason: FailureKind,
        /// The HTTP status of the refresh answer, when there was one.
        status: Option<u16>,
        /// How long the refresh took.
        duration_ms: f64,
        /// Requests rejected with `RefreshError`.
        rejected: u32,
    },
    /// `session-expired`.
    SessionExpired {
        /// How the session ended.
        info: SessionInfo<'a>,
        /// Requests rejected with `SessionExpiredError`.
        rejected: u32,
    },
    /// `tokens-changed`.
    TokensChanged {
        /// Who changed them.
        source: TokenSource,
        /// The new expiry, epoch ms (`null` when unknown or cleared).
        expires_at: Option<f64>,
        /// Whether a refresh token is held.
        has_refresh_token: bool,
    },
    /// `request-queued`.
    RequestQueued {
        /// The request.
        request: RequestInfo<'a>,
        /// Requests waiting, this one included.
        queued: u32,
    },
    /// `request-replayed`.
    RequestReplayed {
        /// The request.
        request: RequestInfo<'a>,
        /// Why it is sent again.
        reason: ReplayReason,
    },
    /// `storage-fallback`.
    StorageFallback {
        /// The storage that failed.
        storage: &'a str,
        /// What was being done.
        operation: Operation,
        /// Why.
        message: &'a str,
    },
    /// `cross-tab-off`.
    CrossTabOff {
        /// Why.
        reason: CrossTabOff,
    },
}

/// A count as the events report it.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Event<'a> {
    /// The event for `notice`. `request` is the request a `Queued` or `Replayed` notice names
    /// (when the driver no longer knows it, method and URL are empty); `duration_ms` is how long
    /// the refresh that just ended took.
    pub fn from_notice(notice: &'a Notice, request: Option<RequestInfo<'a>>, duration_ms: f64) -> Event<'a> {
        let request = request.unwrap_or(RequestInfo { method: "", url: "" });
        match notice {
            Notice::RefreshStarted { trigger, queued } => {
                Event::RefreshStart { reason: *trigger, queued: count(*queued) }
            }
            Notice::RefreshSucceeded { replayed, expires_at, adopted } => Event::RefreshSuccess {
                duration_ms,
                replayed: count(*replayed),
                expires_at: *expires_at,
                adopted: *adopted,
            },
            Notice::RefreshFailed { failure, rejected } => Event::RefreshFailure {
                reason: failure.kind,
                status: failure.status,
                duration_ms,
                rejected: count(*rejected),
            },
            Notice::SessionEnded { end, rejected } => {
                Event::SessionExpired { info: SessionInfo::of(end), rejected: count(*rejected) }
            }
            Notice::TokensChanged { source, expires_at, has_refresh } => Event::TokensChanged {
                source: *source,
                expires_at: *expires_at,
                has_refresh_token: *has_refresh,
            },
            Notice::Queued { queued, .. } => Event::RequestQueued { request, queued: count(*queued) },
            Notice::Replayed { reason, .. } => Event::RequestReplayed { request, reason: *reason },
        }
    }

    /// The `storage-fallback` event for `fallback`.
    pub fn from_fallback(fallback: &'a Fallback) -> Event<'a> {
        Event::StorageFallback {
            storage: fallback.storage,
            operation: fallback.operation,
            message: &fallback.message,
        }
    }

    /// Its type.
    pub fn kind(&self) -> EventKind {
        match self {
            Event::RefreshStart { .. } => EventKind::RefreshStart,
            Event::RefreshSuccess { .. } => EventKind::RefreshSuccess,
            Event::RefreshFailure { .. } => EventKind::RefreshFailure,
            Event::SessionExpired { .. } => EventKind::SessionExpired,
            Event::TokensChanged { .. } => EventKind::TokensChanged,
            Event::RequestQueued { .. } => EventKind::RequestQueued,
            Event::RequestReplayed { .. } => EventKind::RequestReplayed,
            Event::StorageFallback { .. } => EventKind::StorageFallback,
            Event::CrossTabOff { .. } => EventKind::CrossTabOff,
        }
    }
}

// Every field goes out as one of a few types (`str`, `u32`, `f64`, `Option<f64>`, `bool`, a code):
// each value type is one more copy of the serializer's `serialize_field` in the module.
impl Serialize for Event<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Event", 5)?;
        out.serialize_field("type", self.kind().name())?;
        match self {
            Event::RefreshStart { reason, queued } => {
                out.serialize_field("reason", reason.name())?;
                out.serialize_field("queued", queued)?;
            }
            Event::RefreshSuccess { duration_ms, replayed, expires_at, adopted } => {
                out.serialize_field("durationMs", duration_ms)?;
                out.serialize_field("replayed", replayed)?;
                out.serialize_field("expiresAt", expires_at)?;
                out.serialize_field("adopted", adopted)?;
            }
            Event::RefreshFailure { reason, status, duration_ms, rejected } => {
                out.serialize_field("reason", reason.name())?;
                if let Some(status) = status {
                    out.serialize_field("status", &u32::from(*status))?;
                }
                out.serialize_field("durationMs", duration_ms)?;
                out.serialize_field("rejected", rejected)?;
            }
            Event::SessionExpired { info, rejected } => {
                info.fields(&mut out)?;
                out.serialize_field("rejected", rejected)?;
            }
            Event::TokensChanged { source, expires_at, has_refresh_token } => {
                out.serialize_field("source", source.name())?;
                out.serialize_field("expiresAt", expires_at)?;
                out.serialize_field("hasRefreshToken", has_refresh_token)?;
            }
            Event::RequestQueued { request, queued } => {
                out.serialize_field("method", request.method)?;
                out.serialize_field("url", request.url)?;
                out.serialize_field("queued", queued)?;
            }
            Event::RequestReplayed { request, reason } => {
                out.serialize_field("method", request.method)?;
                out.serialize_field("url", request.url)?;
                out.serialize_field("reason", reason.name())?;
            }
            Event::StorageFallback { storage, operation, message } => {
                out.serialize_field("storage", *storage)?;
                out.serialize_field("operation", operation.name())?;
                out.serialize_field("message", *message)?;
            }
            Event::CrossTabOff { reason } => out.serialize_field("reason", reason.name())?,
        }
        out.end()
    }
}

#[cfg(test)]
mod tests;
