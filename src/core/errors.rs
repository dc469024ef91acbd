//! The errors that reach JavaScript, defined once: the names of their classes, their messages, the
//! `reason` of a refresh failure, and the text of every `TypeError` this module composes. The
//! browser side (`src/web/errors.rs`) constructs the classes of `js/errors.js` with what this
//! module says. No message carries a token: none is built from a stored value.

use super::events::EventKind;
use super::machine::{Failure, FailureKind};
use super::names::{named, Named};
use crate::core::text::cat;

/// `name` of the error for a refused refresh token.
pub const SESSION_EXPIRED: &str = "SessionExpiredError";
/// `name` of the error for a transient refresh failure.
pub const REFRESH_FAILED: &str = "RefreshError";
/// `name` of the error for a call on a disposed client.
pub const DISPOSED: &str = "DisposedError";

/// The error classes a request or `refresh()` rejects with (besides the transport's own errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// `SessionExpiredError`: the refresh token was refused; the user must log in again.
    SessionExpired,
    /// `RefreshError`: the refresh failed for another reason; the tokens are kept.
    Refresh,
    /// `DisposedError`: the client was disposed.
    Disposed,
}

named!(ErrorClass {
    SessionExpired => SESSION_EXPIRED,
    Refresh => REFRESH_FAILED,
    Disposed => DISPOSED,
});

// The `reason` of a `RefreshError` and of the `refresh-failure` event.
named!(FailureKind {
    Network => "network",
    Timeout => "timeout",
    Status => "status",
    Malformed => "malformed",
    Function => "function",
    NoRefreshToken => "no-refresh-token",
    LockTimeout => "lock-timeout",
    RateLimited => "rate-limited",
});

/// The message of `SessionExpiredError`.
pub const SESSION_EXPIRED_MESSAGE: &str =
    "The session has expired: the refresh token was refused. The user must log in again.";
/// The message of `DisposedError`.
pub const DISPOSED_MESSAGE: &str = "This AuthClient has been disposed.";

/// The message of a `RefreshError` for `kind`.
pub fn refresh_message(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Network => "Token refresh failed: the refresh request got no answer (network error).",
        FailureKind::Timeout => "Token refresh failed: the refresh request timed out.",
        FailureKind::Status => "Token refresh failed: the refresh endpoint answered with an error status.",
        FailureKind::Malformed => "Token refresh failed: the answer was not JSON or had no access token.",
        FailureKind::Function => "Token refresh failed: the refresh function threw or rejected.",
        FailureKind::NoRefreshToken => "Token refresh failed: there is no refresh token to refresh with.",
        FailureKind::RateLimited => {
            "Token refresh failed: too many refreshes in a short time (renewLimit); the server keeps refusing new tokens."
        }
        FailureKind::LockTimeout => {
            "Token refresh failed: another tab held the refresh lock for longer than the refresh timeout."
        }
    }
}

/// What a JavaScript error is made of: its class, message, and for a `RefreshError` its `reason`
/// and `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorSpec {
    /// Which class.
    pub class: ErrorClass,
    /// Its `message`.
    pub message: &'static str,
    /// The `reason` of a `RefreshError`.
    pub reason: Option<FailureKind>,
    /// The `status` of a `RefreshError`, when the refresh endpoint answered.
    pub status: Option<u16>,
}

impl ErrorSpec {
    /// The error of a call on a disposed client.
    pub const DISPOSED: ErrorSpec =
        ErrorSpec { class: ErrorClass::Disposed, message: DISPOSED_MESSAGE, reason: None, status: None };

    /// The error a request that met `failure` rejects with.
    pub fn of(failure: &Failure) -> ErrorSpec {
        match failure {
            Failure::SessionExpired => ErrorSpec {
                class: ErrorClass::SessionExpired,
                message: SESSION_EXPIRED_MESSAGE,
                reason: None,
                status: None,
            },
            Failure::Refresh(failure) => ErrorSpec {
                class: ErrorClass::Refresh,
                message: refresh_message(failure.kind),
                reason: Some(failure.kind),
                status: failure.status,
            },
        }
    }
}

/// What starts the message of every `TypeError` this module throws.
pub const TYPE_ERROR_PREFIX: &str = "fetch-with-refresh: ";

/// The message of a `TypeError` about `detail` (which names the option or argument).
pub fn type_error_message(detail: &str) -> String {
    cat(&[TYPE_ERROR_PREFIX, detail])
}

/// The detail of the `TypeError` for a bad field of an axios-shaped call's config: ``request
/// config `timeout` must be …``. It names the field and what it takes, never the value.
pub fn call_config_message(field: &str, expected: &str) -> String {
    cat(&["request config `", field, "` must be ", expected])
}

/// The detail of the `TypeError` for `on(type, …)` with a `type` that is not an event: it lists
/// the valid ones.
pub fn unknown_event_message(got: &str) -> String {
    let mut message = cat(&["on: unknown event type `", got, "` (expected one of: "]);
    for (i, kind) in EventKind::ALL.iter().enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        message.push_str(kind.name());
    }
    message.push(')');
    message
}

/// The detail of the `TypeError` for `on(type, listener)` with a listener that is not a function.
pub const LISTENER_NOT_A_FUNCTION: &str = "on(type, listener): listener must be a function";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::machine::RefreshFailure;

    fn refresh(kind: FailureKind, status: Option<u16>) -> Failure {
        Failure::Refresh(RefreshFailure { kind, status })
    }

    #[test]
    fn each_failure_has_its_class_message_and_reason() {
        let cases = [
            (Failure::SessionExpired, ErrorClass::SessionExpired, "The session has expired", None),
            (refresh(FailureKind::Network, None), ErrorClass::Refresh, "(network error)", Some("network")),
            (refresh(FailureKind::Timeout, None), ErrorClass::Refresh, "timed out", Some("timeout")),
            (refresh(FailureKind::Status, Some(503)), ErrorClass::Refresh, "error status", Some("status")),
            (refresh(FailureKind::Malformed, Some(200)), ErrorClass::Refresh, "not JSON", Some("malformed")),
            (refresh(FailureKind::Function, None), ErrorClass::Refresh, "refresh function", Some("function")),
            (
                refresh(FailureKind::NoRefreshToken, None),
                ErrorClass::Refresh,
                "no refresh token",
                Some("no-refresh-token"),
            ),
        ];
        for (failure, class, words, reason) in cases {
            let spec = ErrorSpec::of(&failure);
            assert_eq!(spec.class, class, "{failure:?}");
            assert!(spec.message.contains(words), "{failure:?}");
            assert_eq!(spec.reason.map(FailureKind::name), reason);
            let status = match failure {
                Failure::Refresh(f) => f.status,
                Failure::SessionExpired => None,
            };
            assert_eq!(spec.status, status);
        }
        let disposed = ErrorSpec::DISPOSED;
        assert_eq!(
            (disposed.class, disposed.message, disposed.reason),
            (ErrorClass::Disposed, DISPOSED_MESSAGE, None)
        );
    }

    #[test]
    fn class_names_are_the_published_ones() {
        let cases = [
            (ErrorClass::SessionExpired, "SessionExpiredError"),
            (ErrorClass::Refresh, "RefreshError"),
            (ErrorClass::Disposed, "DisposedError"),
        ];
        for (class, name) in cases {
            assert_eq!(class.name(), name);
        }
    }

    #[test]
    fn type_errors_name_what_is_wrong() {
        let all = "refresh-start, refresh-success, refresh-failure, session-expired, tokens-changed, \
                   request-queued, request-replayed, storage-fallback, cross-tab-off";
        let cases = [
            (type_error_message("setTokens: bad"), "fetch-with-refresh: setTokens: bad".to_owned()),
            (
                unknown_event_message("refresh-done"),
                cat(&["on: unknown event type `refresh-done` (expected one of: ", all, ")"]),
            ),
            (
                type_error_message(LISTENER_NOT_A_FUNCTION),
                "fetch-with-refresh: on(type, listener): listener must be a function".to_owned(),
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn messages_are_plain_sentences() {
        let mut messages = vec![SESSION_EXPIRED_MESSAGE, DISPOSED_MESSAGE];
        messages.extend(FailureKind::ALL.iter().map(|kind| refresh_message(*kind)));
        for message in messages {
            assert!(message.ends_with('.'), "{message}");
            assert!(!message.starts_with(TYPE_ERROR_PREFIX), "{message}");
        }
    }
}
