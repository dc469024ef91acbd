#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The refresh/queue state machine, tested as stories: each case is a machine configuration and a
//! list of steps, an event fed to the machine and the effects it must answer with.
//!
//! A step checks either the complete effect list (`all`, notices included, in order), or only the
//! effects that are not notices (`acts`), or those and the notices as two separate lists
//! (`acts_and_notices`), or that the non-notice effects are one of a few acceptable lists
//! (`one_of`). The last test runs the machine over many pseudo-random event sequences and
//! checks its invariants.

use fetch_with_refresh::core::classify::{Class, Code};
use fetch_with_refresh::core::machine::{
    Effect, EndReason, Failure, FailureKind, Input, Machine, Notice, RefreshFailure, RefreshResult,
    ReplayReason, RequestId, SessionEnd, TokenSource, Trigger,
};
use fetch_with_refresh::core::tokens::{Secret, TokenSet};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The proactive window of most cases, in ms.
const WINDOW: f64 = 30_000.0;
/// "Now" of most cases, epoch ms.
const NOW: f64 = 1_000_000.0;

// ---------------------------------------------------------------------------------------------
// Token sets
// ---------------------------------------------------------------------------------------------

fn tokens(access: &str, refresh: Option<&str>, expires_at: Option<f64>) -> TokenSet {
    TokenSet {
        access: Secret::new(access).unwrap(),
        refresh: refresh.map(|r| Secret::new(r).unwrap()),
        expires_at,
        issued_at: None,
    }
}

/// `a1`, well outside the window.
fn fresh() -> TokenSet {
    tokens("a1", Some("r1"), Some(NOW + 10.0 * WINDOW))
}

/// `a1`, still valid but inside the window.
fn expiring() -> TokenSet {
    tokens("a1", Some("r1"), Some(NOW + WINDOW / 2.0))
}

/// `a1`, past its expiry.
fn expired() -> TokenSet {
    tokens("a1", Some("r1"), Some(NOW - 1_000.0))
}

/// `a1`, with no known expiry.
fn unknown_expiry() -> TokenSet {
    tokens("a1", Some("r1"), None)
}

/// What a refresh hands back: `a2`.
fn new_tokens() -> TokenSet {
    tokens("a2", Some("r2"), Some(NOW + 100.0 * WINDOW))
}

/// Tokens another tab (or a login) wrote: `a9`.
fn other_tokens() -> TokenSet {
    tokens("a9", Some("r9"), Some(NOW + 10.0 * WINDOW))
}

fn without_refresh(mut set: TokenSet) -> TokenSet {
    set.refresh = None;
    set
}

// ---------------------------------------------------------------------------------------------
// Events (owned, so that a case can be written as data)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Ev {
    Start { id: RequestId, now: f64, tokens: Option<TokenSet>, replayable: bool },
    Response { id: RequestId, class: Class, status: u16, code: Option<Code>, tokens: Option<TokenSet> },
    Join { id: RequestId, tokens: Option<TokenSet> },
    Finished(RefreshResult, Option<TokenSet>),
    Left(RequestId),
    Set(TokenSet),
    Cleared,
    RenewedElsewhere(TokenSet),
    EndedElsewhere(EndReason),
    Wake { now: f64, tokens: Option<TokenSet> },
}

impl Ev {
    fn input(&self) -> Input<'_> {
        match self {
            Ev::Start { id, now, tokens, replayable } => {
                Input::Start { id: *id, now: *now, tokens: tokens.as_ref(), replayable: *replayable }
            }
            Ev::Response { id, class, status, code, tokens } => Input::Response {
                id: *id,
                class: *class,
                status: *status,
                code: code.as_ref(),
                tokens: tokens.as_ref(),
            },
            Ev::Join { id, tokens } => Input::JoinRefresh { id: *id, tokens: tokens.as_ref() },
            Ev::Finished(result, tokens) => Input::RefreshFinished { result, tokens: tokens.as_ref() },
            Ev::Left(id) => Input::Left { id: *id },
            Ev::Set(tokens) => Input::TokensSet(tokens),
            Ev::Cleared => Input::TokensCleared,
            Ev::RenewedElsewhere(tokens) => Input::RenewedElsewhere(tokens),
            Ev::EndedElsewhere(reason) => Input::EndedElsewhere(*reason),
            Ev::Wake { now, tokens } => Input::Wake { now: *now, tokens: tokens.as_ref() },
        }
    }

    /// The stored tokens this event carries, if it carries any.
    fn carried_tokens(&self) -> Option<&TokenSet> {
        match self {
            Ev::Start { tokens, .. }
            | Ev::Response { tokens, .. }
            | Ev::Join { tokens, .. }
            | Ev::Wake { tokens, .. } => tokens.as_ref(),
            Ev::Set(tokens) | Ev::RenewedElsewhere(tokens) => Some(tokens),
            _ => None,
        }
    }
}

/// A replayable request starts at `NOW` with these stored tokens.
fn start(id: RequestId, tokens: impl Into<Option<TokenSet>>) -> Ev {
    Ev::Start { id, now: NOW, tokens: tokens.into(), replayable: true }
}

/// A request with a stream body (not replayable) starts at `NOW`.
fn start_stream(id: RequestId, tokens: impl Into<Option<TokenSet>>) -> Ev {
    Ev::Start { id, now: NOW, tokens: tokens.into(), replayable: false }
}

/// Request `id` got an answer of this class; storage holds `tokens`. The status and code are the
/// usual ones for the class: 200, 401, and 401 with the business code 50015.
fn response(id: RequestId, class: Class, tokens: impl Into<Option<TokenSet>>) -> Ev {
    let (status, code) = match class {
        Class::Ok => (200, None),
        Class::AccessExpired => (401, None),
        Class::SessionExpired => (401, Code::from_number(50015.0)),
    };
    Ev::Response { id, class, status, code, tokens: tokens.into() }
}

/// Request `id` got an answer with this status and business code.
fn response_with(
    id: RequestId,
    class: Class,
    status: u16,
    code: f64,
    tokens: impl Into<Option<TokenSet>>,
) -> Ev {
    Ev::Response { id, class, status, code: Code::from_number(code), tokens: tokens.into() }
}

/// The app calls `refresh()`.
fn join(id: RequestId, tokens: impl Into<Option<TokenSet>>) -> Ev {
    Ev::Join { id, tokens: tokens.into() }
}

fn refresh_done(result: RefreshResult) -> Ev {
    Ev::Finished(result, None)
}

/// The refresh finished while storage held `tokens` (matters when the app changed them meanwhile).
fn refresh_done_with(result: RefreshResult, tokens: impl Into<Option<TokenSet>>) -> Ev {
    Ev::Finished(result, tokens.into())
}

fn left(id: RequestId) -> Ev {
    Ev::Left(id)
}

fn tokens_set(tokens: TokenSet) -> Ev {
    Ev::Set(tokens)
}

fn tokens_cleared() -> Ev {
    Ev::Cleared
}

// Refresh results

fn renewed(tokens: TokenSet) -> RefreshResult {
    RefreshResult::Renewed(tokens)
}

fn refused(end: SessionEnd) -> RefreshResult {
    RefreshResult::Refused(end)
}

fn failed(kind: FailureKind) -> RefreshResult {
    RefreshResult::Failed(failure(kind))
}

fn failure(kind: FailureKind) -> RefreshFailure {
    let status = (kind == FailureKind::Status).then_some(503);
    RefreshFailure { kind, status }
}

fn end(reason: EndReason, status: Option<u16>, code: Option<f64>) -> SessionEnd {
    SessionEnd { reason, status, code: code.and_then(Code::from_number) }
}

/// The refresh endpoint refused the refresh token with a 401.
fn rejected_by_endpoint() -> SessionEnd {
    end(EndReason::RefreshRejected, Some(401), None)
}

// ---------------------------------------------------------------------------------------------
// Expected effects
// ---------------------------------------------------------------------------------------------

fn send(id: RequestId, tokens: &TokenSet) -> Effect {
    Effect::Send { id, token: Some(tokens.access.clone()) }
}

fn send_bare(id: RequestId) -> Effect {
    Effect::Send { id, token: None }
}

fn deliver(id: RequestId) -> Effect {
    Effect::Deliver { id }
}

fn fail_session(id: RequestId) -> Effect {
    Effect::Fail { id, failure: Failure::SessionExpired }
}

fn fail_refresh(id: RequestId, kind: FailureKind) -> Effect {
    Effect::Fail { id, failure: Failure::Refresh(failure(kind)) }
}

fn start_refresh(trigger: Trigger) -> Effect {
    Effect::StartRefresh { trigger }
}

fn save(tokens: &TokenSet) -> Effect {
    Effect::SaveTokens(tokens.clone())
}

fn clear() -> Effect {
    Effect::ClearTokens
}

fn call_session_expired(end: &SessionEnd) -> Effect {
    Effect::CallSessionExpired(end.clone())
}

// Notices, as effects

fn started(trigger: Trigger, queued: usize) -> Effect {
    Effect::Notify(Notice::RefreshStarted { trigger, queued })
}

fn queued(id: RequestId, queued: usize) -> Effect {
    Effect::Notify(Notice::Queued { id, queued })
}

fn replayed(id: RequestId, reason: ReplayReason) -> Effect {
    Effect::Notify(Notice::Replayed { id, reason })
}

fn succeeded(replayed: usize, tokens: &TokenSet) -> Effect {
    Effect::Notify(Notice::RefreshSucceeded { replayed, expires_at: tokens.expires_at, adopted: false })
}

fn refresh_failed(kind: FailureKind, rejected: usize) -> Effect {
    Effect::Notify(Notice::RefreshFailed { failure: failure(kind), rejected })
}

fn session_ended(end: &SessionEnd, rejected: usize) -> Effect {
    Effect::Notify(Notice::SessionEnded { end: end.clone(), rejected })
}

fn tokens_changed(source: TokenSource, tokens: Option<&TokenSet>) -> Effect {
    Effect::Notify(Notice::TokensChanged {
        source,
        expires_at: tokens.and_then(|t| t.expires_at),
        has_refresh: tokens.is_some_and(|t| t.refresh.is_some()),
    })
}

/// The head of a successful refresh: save, tell, report how many are replayed.
fn renewal(tokens: &TokenSet, replays: usize) -> Vec<Effect> {
    vec![save(tokens), tokens_changed(TokenSource::Refresh, Some(tokens)), succeeded(replays, tokens)]
}

/// The head of a session end told to the app: clear, tell, call `onSessionExpired`.
fn session_end(end: &SessionEnd, rejected: usize) -> Vec<Effect> {
    vec![
        clear(),
        tokens_changed(TokenSource::SessionExpired, None),
        session_ended(end, rejected),
        call_session_expired(end),
    ]
}

// ---------------------------------------------------------------------------------------------
// Cases and the runner
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum Check {
    /// The complete list, notices included, in order.
    All(Vec<Effect>),
    /// The effects that are not notices, in order; notices are not checked.
    Acts(Vec<Effect>),
    /// The effects that are not notices, and the notices, each list in order.
    ActsAndNotices(Vec<Effect>, Vec<Effect>),
    /// The effects that are not notices are one of these lists.
    OneOf(Vec<Vec<Effect>>),
}

fn all(effects: impl Into<Vec<Effect>>) -> Check {
    Check::All(effects.into())
}

fn acts(effects: impl Into<Vec<Effect>>) -> Check {
    Check::Acts(effects.into())
}

fn acts_and_notices(effects: impl Into<Vec<Effect>>, notices: impl Into<Vec<Effect>>) -> Check {
    Check::ActsAndNotices(effects.into(), notices.into())
}

fn one_of(alternatives: Vec<Vec<Effect>>) -> Check {
    Check::OneOf(alternatives)
}

/// No effect at all.
fn nothing() -> Check {
    Check::All(Vec::new())
}

struct Case {
    name: String,
    window_ms: f64,
    custom_refresh: bool,
    steps: Vec<(Ev, Check)>,
}

/// A case with the default window and the built-in refresh (which needs a refresh token).
fn case(name: impl Into<String>, steps: Vec<(Ev, Check)>) -> Case {
    Case { name: name.into(), window_ms: WINDOW, custom_refresh: false, steps }
}

/// A case whose app refreshes with its own function.
fn custom_case(name: impl Into<String>, steps: Vec<(Ev, Check)>) -> Case {
    Case { custom_refresh: true, ..case(name, steps) }
}

fn is_notice(effect: &Effect) -> bool {
    matches!(effect, Effect::Notify(_))
}

fn split(effects: &[Effect]) -> (Vec<Effect>, Vec<Effect>) {
    effects.iter().cloned().partition(|e| !is_notice(e))
}

fn run_case(case: &Case) -> Result<(), String> {
    let mut machine = Machine::new(case.window_ms, case.custom_refresh);
    for (index, (event, check)) in case.steps.iter().enumerate() {
        let actual = machine.handle(event.input());
        let (actions, notices) = split(&actual);
        let ok = match check {
            Check::All(expected) => &actual == expected,
            Check::Acts(expected) => &actions == expected,
            Check::ActsAndNotices(expected, expected_notices) => {
                &actions == expected && &notices == expected_notices
            }
            Check::OneOf(alternatives) => alternatives.contains(&actions),
        };
        if !ok {
            return Err(format!(
                "case {:?}, step {} ({event:?}):\n  expected {check:?}\n  actual   {actual:?}",
                case.name,
                index + 1
            ));
        }
    }
    Ok(())
}

/// Runs every case (all of them, even after a failure) and reports every failure together.
fn run_table(cases: &[Case]) {
    assert!(!cases.is_empty());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Rule 2: proactive refresh, expired tokens, fresh and unknown expiry
// ---------------------------------------------------------------------------------------------

#[test]
fn rule2_proactive_and_expired() {
    use Trigger::{Expired, Proactive};
    let new = new_tokens();
    run_table(&[
        case(
            "expiring token: sent at once, one background refresh, second request not delayed",
            vec![
                (
                    start(1, expiring()),
                    all([send(1, &expiring()), start_refresh(Proactive), started(Proactive, 0)]),
                ),
                (start(2, expiring()), all([send(2, &expiring())])),
                (refresh_done(renewed(new.clone())), all(renewal(&new, 0))),
                (start(3, new.clone()), all([send(3, &new)])),
                (response(1, Class::Ok, new.clone()), all([deliver(1)])),
                (response(2, Class::Ok, new.clone()), all([deliver(2)])),
                (response(3, Class::Ok, new.clone()), all([deliver(3)])),
            ],
        ),
        case(
            "expired token: the request waits for the refresh and is sent once with the new token",
            vec![
                (start(1, expired()), all([start_refresh(Expired), started(Expired, 0), queued(1, 1)])),
                (start(2, expired()), all([queued(2, 2)])),
                (
                    refresh_done(renewed(new.clone())),
                    // sends == 1 for both: no `Replayed` notice, `replayed: 0`.
                    all([renewal(&new, 0), vec![send(1, &new), send(2, &new)]].concat()),
                ),
                (response(1, Class::Ok, new.clone()), all([deliver(1)])),
                (response(2, Class::Ok, new.clone()), all([deliver(2)])),
            ],
        ),
        case(
            "expired token during a proactive refresh: queued, no second refresh",
            vec![
                (start(1, expiring()), acts([send(1, &expiring()), start_refresh(Proactive)])),
                (start(2, expired()), all([queued(2, 1)])),
                (refresh_done(renewed(new.clone())), all([renewal(&new, 0), vec![send(2, &new)]].concat())),
            ],
        ),
        case("fresh token: just sent", vec![(start(1, fresh()), all([send(1, &fresh())]))]),
        case(
            "unknown expiry: just sent",
            vec![
                (start(1, unknown_expiry()), all([send(1, &unknown_expiry())])),
                (response(1, Class::Ok, unknown_expiry()), all([deliver(1)])),
            ],
        ),
        case("no tokens: sent without one", vec![(start(1, None), all([send_bare(1)]))]),
        case(
            "expired, no refresh token, built-in refresh: sent with the old token (the server decides)",
            vec![(start(1, without_refresh(expired())), all([send(1, &expired())]))],
        ),
        case(
            "expiring, no refresh token, built-in refresh: sent, no refresh",
            vec![(start(1, without_refresh(expiring())), all([send(1, &expiring())]))],
        ),
        custom_case(
            "expired, no refresh token, custom refresh: waits for the app's function",
            vec![
                (
                    start(1, without_refresh(expired())),
                    all([start_refresh(Expired), started(Expired, 0), queued(1, 1)]),
                ),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
            ],
        ),
        case(
            "window edges: expiry == now + window is expiring, expiry == now is expired",
            vec![
                (
                    Ev::Start {
                        id: 1,
                        now: NOW,
                        tokens: Some(tokens("a1", Some("r1"), Some(NOW + WINDOW))),
                        replayable: true,
                    },
                    acts([send(1, &fresh()), start_refresh(Proactive)]),
                ),
                (refresh_done(renewed(new.clone())), acts([save(&new)])),
                (
                    Ev::Start {
                        id: 2,
                        now: NOW,
                        tokens: Some(tokens("a1", Some("r1"), Some(NOW))),
                        replayable: true,
                    },
                    acts([start_refresh(Expired)]),
                ),
            ],
        ),
        Case {
            window_ms: 0.0,
            ..case(
                "a zero window never refreshes early",
                vec![
                    (start(1, expiring()), all([send(1, &expiring())])),
                    (start(2, expired()), acts([start_refresh(Expired)])),
                ],
            )
        },
        case(
            "a proactive refresh that fails rejects nobody and keeps the tokens",
            vec![
                (start(1, expiring()), acts([send(1, &expiring()), start_refresh(Proactive)])),
                (refresh_done(failed(FailureKind::Network)), all([refresh_failed(FailureKind::Network, 0)])),
                (response(1, Class::Ok, expiring()), all([deliver(1)])),
                // The next request starts the next proactive attempt.
                (start(2, expiring()), acts([send(2, &expiring()), start_refresh(Proactive)])),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Rules 3 and 4: reactive refresh, one refresh for many, replay in order
// ---------------------------------------------------------------------------------------------

/// N requests sent with `a1`, all answered 401: one refresh, then all replayed in order.
fn storm(n: u32) -> Case {
    let new = new_tokens();
    let mut steps = Vec::new();
    for id in 1..=n {
        steps.push((start(id, fresh()), all([send(id, &fresh())])));
    }
    for id in 1..=n {
        let expected = if id == 1 {
            vec![start_refresh(Trigger::Rejected), started(Trigger::Rejected, 0), queued(1, 1)]
        } else {
            vec![queued(id, id as usize)]
        };
        steps.push((response(id, Class::AccessExpired, fresh()), all(expected)));
    }
    let mut after = renewal(&new, n as usize);
    for id in 1..=n {
        after.push(replayed(id, ReplayReason::Refreshed));
        after.push(send(id, &new));
    }
    steps.push((refresh_done(renewed(new.clone())), all(after)));
    for id in (1..=n).rev() {
        steps.push((response(id, Class::Ok, new.clone()), all([deliver(id)])));
    }
    case(format!("{n} concurrent 401s: one refresh, {n} replays in order"), steps)
}

#[test]
fn rules3_4_reactive_refresh_and_queue() {
    use Class::{AccessExpired, Ok};
    use Trigger::{Proactive, Rejected};
    let new = new_tokens();
    run_table(&[
        storm(1),
        storm(2),
        storm(50),
        case(
            "requests started during a blocking refresh are queued, sent after it, not replayed",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (
                    response(1, AccessExpired, fresh()),
                    all([start_refresh(Rejected), started(Rejected, 0), queued(1, 1)]),
                ),
                (start(2, fresh()), all([queued(2, 2)])),
                (start(3, unknown_expiry()), all([queued(3, 3)])),
                (
                    refresh_done(renewed(new.clone())),
                    all([
                        renewal(&new, 1),
                        vec![
                            replayed(1, ReplayReason::Refreshed),
                            send(1, &new),
                            send(2, &new),
                            send(3, &new),
                        ],
                    ]
                    .concat()),
                ),
                (response(2, Ok, new.clone()), all([deliver(2)])),
            ],
        ),
        case(
            "a proactive refresh in flight becomes blocking when a response says the token expired",
            vec![
                (
                    start(1, expiring()),
                    all([send(1, &expiring()), start_refresh(Proactive), started(Proactive, 0)]),
                ),
                (start(2, expiring()), all([send(2, &expiring())])),
                // No second refresh: request 1 joins the one in flight.
                (response(1, AccessExpired, expiring()), all([queued(1, 1)])),
                // Now blocking: a new request waits although its token looks usable.
                (start(3, expiring()), all([queued(3, 2)])),
                (
                    refresh_done(renewed(new.clone())),
                    all([
                        renewal(&new, 1),
                        vec![replayed(1, ReplayReason::Refreshed), send(1, &new), send(3, &new)],
                    ]
                    .concat()),
                ),
                (response(2, Ok, new.clone()), all([deliver(2)])),
                (response(1, Ok, new.clone()), all([deliver(1)])),
                (response(3, Ok, new.clone()), all([deliver(3)])),
                // Idle and fresh again: requests go straight out.
                (start(4, new.clone()), all([send(4, &new)])),
            ],
        ),
        case(
            "a 401 for a request sent with an older token: replayed with the current one, no refresh",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (
                    response(1, AccessExpired, other_tokens()),
                    all([replayed(1, ReplayReason::TokenChanged), send(1, &other_tokens())]),
                ),
                (response(1, Ok, other_tokens()), all([deliver(1)])),
            ],
        ),
        case(
            "an older-token 401 while a refresh runs is still replayed at once",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (start(2, fresh()), acts([send(2, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (
                    response(2, AccessExpired, other_tokens()),
                    all([replayed(2, ReplayReason::TokenChanged), send(2, &other_tokens())]),
                ),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
            ],
        ),
        case(
            "a business code answer (HTTP 200, code 50014) refreshes like a 401",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (
                    response_with(1, AccessExpired, 200, 50014.0, fresh()),
                    all([start_refresh(Rejected), started(Rejected, 0), queued(1, 1)]),
                ),
                (
                    refresh_done(renewed(new.clone())),
                    acts_and_notices(
                        [save(&new), send(1, &new)],
                        [
                            tokens_changed(TokenSource::Refresh, Some(&new)),
                            succeeded(1, &new),
                            replayed(1, ReplayReason::Refreshed),
                        ],
                    ),
                ),
            ],
        ),
        case(
            "a queued expired request and a 401 share one refresh and are sent in arrival order",
            vec![
                (start(1, expiring()), acts([send(1, &expiring()), start_refresh(Proactive)])),
                (start(2, expired()), all([queued(2, 1)])),
                (response(1, AccessExpired, expired()), all([queued(1, 2)])),
                (
                    refresh_done(renewed(new.clone())),
                    all([
                        renewal(&new, 1),
                        vec![send(2, &new), replayed(1, ReplayReason::Refreshed), send(1, &new)],
                    ]
                    .concat()),
                ),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Rule 5: the session ends
// ---------------------------------------------------------------------------------------------

#[test]
fn rule5_session_expired() {
    use Class::{AccessExpired, Ok, SessionExpired};
    use Trigger::Rejected;
    let new = new_tokens();
    let refused_end = rejected_by_endpoint();
    run_table(&[
        case(
            "refresh refused: tokens cleared, app told once, every waiter fails; later waves fail quietly",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (start(2, fresh()), all([send(2, &fresh())])),
                (start(4, fresh()), all([send(4, &fresh())])),
                (
                    response(1, AccessExpired, fresh()),
                    all([start_refresh(Rejected), started(Rejected, 0), queued(1, 1)]),
                ),
                (response(2, AccessExpired, fresh()), all([queued(2, 2)])),
                (join(3, fresh()), nothing()),
                (
                    refresh_done(refused(refused_end.clone())),
                    all([
                        session_end(&refused_end, 3),
                        vec![fail_session(1), fail_session(2), fail_session(3)],
                    ]
                    .concat()),
                ),
                // Request 4 was sent with a1 before: its 401 arrives after the tokens are gone.
                (response(4, AccessExpired, None), all([fail_session(4)])),
                // A request without tokens now just goes out bare.
                (start(5, None), all([send_bare(5)])),
                (response(5, AccessExpired, None), all([deliver(5)])),
            ],
        ),
        case(
            "after setTokens a later session end calls onSessionExpired again",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(refused(refused_end.clone())),
                    acts([clear(), call_session_expired(&refused_end), fail_session(1)]),
                ),
                (tokens_set(other_tokens()), all([tokens_changed(TokenSource::Set, Some(&other_tokens()))])),
                (start(2, other_tokens()), all([send(2, &other_tokens())])),
                (response(2, AccessExpired, other_tokens()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(refused(refused_end.clone())),
                    all([session_end(&refused_end, 1), vec![fail_session(2)]].concat()),
                ),
            ],
        ),
        case(
            "tokens appearing in storage (another tab logged in) re-arm onSessionExpired",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(refused(refused_end.clone())),
                    acts([clear(), call_session_expired(&refused_end), fail_session(1)]),
                ),
                (start(2, other_tokens()), all([send(2, &other_tokens())])),
                (response(2, AccessExpired, other_tokens()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(refused(refused_end.clone())),
                    acts([clear(), call_session_expired(&refused_end), fail_session(2)]),
                ),
            ],
        ),
        case(
            "an API response classified sessionExpired ends the session",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (start(2, fresh()), all([send(2, &fresh())])),
                (start(3, fresh()), all([send(3, &fresh())])),
                (
                    response_with(1, SessionExpired, 200, 50015.0, fresh()),
                    all([
                        session_end(&end(EndReason::SessionExpiredResponse, Some(200), Some(50015.0)), 1),
                        vec![fail_session(1)],
                    ]
                    .concat()),
                ),
                (response(2, SessionExpired, None), acts([clear(), fail_session(2)])),
                (response(3, AccessExpired, None), all([fail_session(3)])),
            ],
        ),
        case(
            "a 401 with a token but no refresh token (built-in refresh) ends the session",
            vec![
                (start(1, without_refresh(fresh())), all([send(1, &fresh())])),
                (start(2, without_refresh(fresh())), all([send(2, &fresh())])),
                (
                    response_with(1, AccessExpired, 200, 50014.0, without_refresh(fresh())),
                    all([
                        session_end(&end(EndReason::NoRefreshToken, Some(200), Some(50014.0)), 1),
                        vec![fail_session(1)],
                    ]
                    .concat()),
                ),
                (response(2, AccessExpired, None), all([fail_session(2)])),
            ],
        ),
        custom_case(
            "custom refresh resolving with null ends the session",
            vec![
                (start(1, without_refresh(fresh())), all([send(1, &fresh())])),
                (
                    response(1, AccessExpired, without_refresh(fresh())),
                    all([start_refresh(Rejected), started(Rejected, 0), queued(1, 1)]),
                ),
                (start(2, without_refresh(fresh())), all([queued(2, 2)])),
                (
                    refresh_done(refused(end(EndReason::RefreshFunction, None, None))),
                    all([
                        session_end(&end(EndReason::RefreshFunction, None, None), 2),
                        vec![fail_session(1), fail_session(2)],
                    ]
                    .concat()),
                ),
            ],
        ),
        case(
            "a proactive refresh refused with nobody waiting still ends the session once",
            vec![
                (start(1, expiring()), acts([send(1, &expiring()), start_refresh(Trigger::Proactive)])),
                (start(2, expiring()), acts([send(2, &expiring())])),
                (refresh_done(refused(refused_end.clone())), all(session_end(&refused_end, 0))),
                (response(1, Ok, None), all([deliver(1)])),
                (response(2, AccessExpired, None), all([fail_session(2)])),
            ],
        ),
        case(
            "a refresh that renews after the session ended re-arms onSessionExpired",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (start(2, fresh()), acts([send(2, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (
                    response(2, SessionExpired, fresh()),
                    acts([
                        clear(),
                        call_session_expired(&end(
                            EndReason::SessionExpiredResponse,
                            Some(401),
                            Some(50015.0),
                        )),
                        fail_session(2),
                    ]),
                ),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
                (response(1, AccessExpired, new.clone()), acts([deliver(1)])),
                (start(3, new.clone()), acts([send(3, &new)])),
                (response(3, AccessExpired, new.clone()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(refused(refused_end.clone())),
                    acts([clear(), call_session_expired(&refused_end), fail_session(3)]),
                ),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// Rule 6: a transient failure is not a logout
// ---------------------------------------------------------------------------------------------

#[test]
fn rule6_transient_failures_keep_the_tokens() {
    use FailureKind::{Function, Malformed, Network, NoRefreshToken, Status, Timeout};
    let kinds = [Network, Timeout, Status, Malformed, Function, NoRefreshToken];
    let cases: Vec<Case> = kinds
        .into_iter()
        .map(|kind| {
            case(
                format!("refresh failed ({kind:?}): waiters fail with a RefreshError, tokens kept"),
                vec![
                    (start(1, fresh()), all([send(1, &fresh())])),
                    (
                        response(1, Class::AccessExpired, fresh()),
                        all([start_refresh(Trigger::Rejected), started(Trigger::Rejected, 0), queued(1, 1)]),
                    ),
                    (start(2, fresh()), all([queued(2, 2)])),
                    (join(3, fresh()), nothing()),
                    (
                        refresh_done(failed(kind)),
                        // No ClearTokens, no SaveTokens, no CallSessionExpired.
                        all([
                            refresh_failed(kind, 3),
                            fail_refresh(1, kind),
                            fail_refresh(2, kind),
                            fail_refresh(3, kind),
                        ]),
                    ),
                    // Idle again, tokens as they were: the next request goes out with a1.
                    (start(4, fresh()), all([send(4, &fresh())])),
                    (response(4, Class::AccessExpired, fresh()), acts([start_refresh(Trigger::Rejected)])),
                ],
            )
        })
        .collect();
    run_table(&cases);
}

// ---------------------------------------------------------------------------------------------
// Rule 7: replays are safe
// ---------------------------------------------------------------------------------------------

#[test]
fn rule7_at_most_one_replay() {
    use Class::{AccessExpired, Ok};
    use Trigger::Rejected;
    let new = new_tokens();
    run_table(&[
        case(
            "a replayed request refused again gets that answer; no second refresh",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
                (response(1, AccessExpired, new.clone()), all([deliver(1)])),
            ],
        ),
        case(
            "a request replayed for a token change and refused again gets that answer",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, AccessExpired, other_tokens()), acts([send(1, &other_tokens())])),
                (response(1, AccessExpired, other_tokens()), all([deliver(1)])),
            ],
        ),
        case(
            "an expired-token request is sent once after the refresh and may still be replayed once",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
                (response(1, AccessExpired, new.clone()), acts([start_refresh(Rejected)])),
                (
                    refresh_done(renewed(other_tokens())),
                    all([
                        renewal(&other_tokens(), 1),
                        vec![replayed(1, ReplayReason::Refreshed), send(1, &other_tokens())],
                    ]
                    .concat()),
                ),
                (response(1, AccessExpired, other_tokens()), all([deliver(1)])),
            ],
        ),
        case(
            "a stream body is not replayed: the caller gets the 401, the token is still renewed",
            vec![
                (start_stream(1, fresh()), all([send(1, &fresh())])),
                (
                    response(1, AccessExpired, fresh()),
                    all([start_refresh(Rejected), started(Rejected, 0), deliver(1)]),
                ),
                // The token is known dead: the next request waits for the new one.
                (start(2, fresh()), all([queued(2, 1)])),
                (refresh_done(renewed(new_tokens())), acts([save(&new_tokens()), send(2, &new_tokens())])),
            ],
        ),
        case(
            "a stream body sent with an older token is not replayed either",
            vec![
                (start_stream(1, fresh()), all([send(1, &fresh())])),
                (response(1, AccessExpired, other_tokens()), all([deliver(1)])),
            ],
        ),
        case(
            "a stream body waiting for an expired-token refresh is sent once, after it",
            vec![
                (start_stream(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
                (response(1, Ok, new.clone()), all([deliver(1)])),
            ],
        ),
        case(
            "a request that leaves the queue is not sent after the refresh",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (start(2, fresh()), acts([send(2, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (response(2, AccessExpired, fresh()), all([queued(2, 2)])),
                (left(1), nothing()),
                (
                    refresh_done(renewed(new.clone())),
                    all([renewal(&new, 1), vec![replayed(2, ReplayReason::Refreshed), send(2, &new)]]
                        .concat()),
                ),
                // A late answer for the request that left is ignored.
                (response(1, Ok, new.clone()), nothing()),
            ],
        ),
        case(
            "the only waiter leaves: the refresh result replays nobody",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (left(1), nothing()),
                (refresh_done(renewed(new.clone())), all(renewal(&new, 0))),
            ],
        ),
        case(
            "an in-flight request that leaves (network error) is forgotten",
            vec![
                (start(1, fresh()), acts([send(1, &fresh())])),
                (left(1), nothing()),
                (response(1, AccessExpired, fresh()), nothing()),
                (left(1), nothing()),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// No token, tokens cleared by the app, stray events
// ---------------------------------------------------------------------------------------------

#[test]
fn no_token_and_cleared_tokens() {
    use Class::{AccessExpired, Ok};
    run_table(&[
        case(
            "a request sent without a token that gets 401: delivered",
            vec![
                (start(1, None), all([send_bare(1)])),
                (response(1, AccessExpired, None), all([deliver(1)])),
            ],
        ),
        case(
            "sent without a token, 401 after tokens appeared: delivered, no replay",
            vec![
                (start(1, None), all([send_bare(1)])),
                (response(1, AccessExpired, fresh()), all([deliver(1)])),
            ],
        ),
        case(
            "the app clears the tokens, then a 401: delivered, not a session end",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (tokens_cleared(), all([tokens_changed(TokenSource::Clear, None)])),
                (response(1, AccessExpired, None), all([deliver(1)])),
                (start(2, None), all([send_bare(2)])),
            ],
        ),
        case(
            "an OK answer is delivered whatever the tokens",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, Ok, other_tokens()), all([deliver(1)])),
            ],
        ),
        case(
            "RefreshFinished with no refresh running is ignored",
            vec![
                (refresh_done(renewed(new_tokens())), nothing()),
                (refresh_done(refused(rejected_by_endpoint())), nothing()),
                (refresh_done(failed(FailureKind::Network)), nothing()),
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, Ok, fresh()), all([deliver(1)])),
                (refresh_done(renewed(new_tokens())), nothing()),
            ],
        ),
        case(
            "events for unknown requests are ignored",
            vec![
                (response(7, Class::AccessExpired, fresh()), nothing()),
                (left(7), nothing()),
                (start(1, fresh()), all([send(1, &fresh())])),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// refresh(): JoinRefresh
// ---------------------------------------------------------------------------------------------

#[test]
fn join_refresh() {
    use Class::AccessExpired;
    use Trigger::{Manual, Proactive, Rejected};
    let new = new_tokens();
    let no_refresh_token = fail_refresh(1, FailureKind::NoRefreshToken);
    run_table(&[
        case(
            "refresh() joins the refresh in flight and resolves after it",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Rejected)])),
                (join(2, fresh()), nothing()),
                (join(3, fresh()), nothing()),
                (
                    refresh_done(renewed(new.clone())),
                    all([
                        renewal(&new, 1),
                        vec![replayed(1, ReplayReason::Refreshed), send(1, &new), deliver(2), deliver(3)],
                    ]
                    .concat()),
                ),
            ],
        ),
        case(
            "refresh() joins a proactive refresh",
            vec![
                (start(1, expiring()), acts([send(1, &expiring()), start_refresh(Proactive)])),
                (join(2, expiring()), nothing()),
                (refresh_done(renewed(new.clone())), all([renewal(&new, 0), vec![deliver(2)]].concat())),
            ],
        ),
        case(
            "refresh() when idle starts a manual refresh, which does not hold requests back",
            vec![
                (join(1, fresh()), all([start_refresh(Manual), started(Manual, 1)])),
                (join(2, fresh()), nothing()),
                (start(3, fresh()), all([send(3, &fresh())])),
                (
                    refresh_done(renewed(new.clone())),
                    all([renewal(&new, 0), vec![deliver(1), deliver(2)]].concat()),
                ),
                (response(3, Class::Ok, new.clone()), all([deliver(3)])),
            ],
        ),
        case(
            "refresh() fails when the manual refresh fails",
            vec![
                (join(1, fresh()), acts([start_refresh(Manual)])),
                (
                    refresh_done(failed(FailureKind::Timeout)),
                    all([refresh_failed(FailureKind::Timeout, 1), fail_refresh(1, FailureKind::Timeout)]),
                ),
            ],
        ),
        case(
            "refresh() fails with SessionExpired when the refresh is refused",
            vec![
                (join(1, fresh()), acts([start_refresh(Manual)])),
                (
                    refresh_done(refused(rejected_by_endpoint())),
                    all([session_end(&rejected_by_endpoint(), 1), vec![fail_session(1)]].concat()),
                ),
            ],
        ),
        case(
            "refresh() with no refresh token fails at once",
            vec![(join(1, without_refresh(fresh())), all([no_refresh_token.clone()]))],
        ),
        case(
            "refresh() with no tokens at all fails at once",
            vec![(join(1, None), all([no_refresh_token.clone()]))],
        ),
        custom_case(
            "refresh() with a custom refresh needs no refresh token",
            vec![
                (join(1, without_refresh(fresh())), all([start_refresh(Manual), started(Manual, 1)])),
                (refresh_done(renewed(new.clone())), all([renewal(&new, 0), vec![deliver(1)]].concat())),
            ],
        ),
        custom_case(
            "a 401 with a custom refresh and no refresh token refreshes",
            vec![
                (start(1, without_refresh(fresh())), acts([send(1, &fresh())])),
                (response(1, AccessExpired, without_refresh(fresh())), acts([start_refresh(Rejected)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// A sessionExpired answer ends the session whatever the request's replay state
// ---------------------------------------------------------------------------------------------

/// The session is told over by the server; whether the caller then gets the answer (`Deliver`) or
/// a `SessionExpiredError` (`Fail`, as for a replayable first send) is left open, but the tokens
/// must be cleared and `onSessionExpired` called.
#[test]
fn session_expired_answer_ends_the_session_for_any_request() {
    use Class::{AccessExpired, SessionExpired};
    let new = new_tokens();
    let over = end(EndReason::SessionExpiredResponse, Some(401), Some(50015.0));
    let ended_and = |id: RequestId| {
        one_of(vec![
            vec![clear(), call_session_expired(&over), fail_session(id)],
            vec![clear(), call_session_expired(&over), deliver(id)],
        ])
    };
    run_table(&[
        case(
            "a stream-body request answered sessionExpired",
            vec![
                (start_stream(1, fresh()), all([send(1, &fresh())])),
                (response(1, SessionExpired, fresh()), ended_and(1)),
            ],
        ),
        case(
            "a replayed request answered sessionExpired",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, AccessExpired, fresh()), acts([start_refresh(Trigger::Rejected)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
                (response(1, SessionExpired, new.clone()), ended_and(1)),
            ],
        ),
    ]);
}

// ---------------------------------------------------------------------------------------------
// The app's own token changes during a refresh win over the refresh's result
// ---------------------------------------------------------------------------------------------

/// A refresh started from the old session's tokens must not write its result over tokens the app
/// set (another user logged in) or cleared (logout) while it ran, nor send requests with it. The
/// waiters go out with the stored tokens, or fail as the session is over when there are none.
#[test]
fn app_token_changes_during_a_refresh_win_over_its_result() {
    let new = new_tokens();
    run_table(&[
        case(
            "setTokens (another login) while a refresh runs",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (response(1, Class::AccessExpired, fresh()), acts([start_refresh(Trigger::Rejected)])),
                (tokens_set(other_tokens()), all([tokens_changed(TokenSource::Set, Some(&other_tokens()))])),
                (
                    refresh_done_with(renewed(new.clone()), other_tokens()),
                    all([replayed(1, ReplayReason::TokenChanged), send(1, &other_tokens())]),
                ),
            ],
        ),
        case(
            "clearTokens (logout) while a refresh runs",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (tokens_cleared(), all([tokens_changed(TokenSource::Clear, None)])),
                (refresh_done(renewed(new.clone())), all([fail_session(1)])),
            ],
        ),
        case(
            "a refused refresh after setTokens does not log the new user out",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (tokens_set(other_tokens()), all([tokens_changed(TokenSource::Set, Some(&other_tokens()))])),
                (
                    refresh_done_with(refused(rejected_by_endpoint()), other_tokens()),
                    all([send(1, &other_tokens())]),
                ),
            ],
        ),
    ]);
}

#[test]
fn other_tabs() {
    let new = new_tokens();
    let logout = end(EndReason::Logout, None, None);
    let other = end(EndReason::OtherTab, None, None);
    let adopted =
        Effect::Notify(Notice::RefreshSucceeded { replayed: 0, expires_at: new.expires_at, adopted: true });
    run_table(&[
        case(
            "another tab renewed the tokens: the listeners hear it, nothing is sent",
            vec![(
                Ev::RenewedElsewhere(new.clone()),
                all([tokens_changed(TokenSource::OtherTab, Some(&new))]),
            )],
        ),
        case(
            "inside the lock, another tab's result is taken: the queue goes out with it",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (start(2, expired()), all([queued(2, 2)])),
                (
                    refresh_done_with(RefreshResult::Adopted(new.clone()), new.clone()),
                    all([
                        save(&new),
                        tokens_changed(TokenSource::OtherTab, Some(&new)),
                        adopted.clone(),
                        send(1, &new),
                        send(2, &new),
                    ]),
                ),
                (response(1, Class::Ok, new.clone()), all([deliver(1)])),
            ],
        ),
        case(
            "tokens renewed elsewhere while this tab waits for the lock: told once, by the adoption",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (Ev::RenewedElsewhere(new.clone()), nothing()),
                (
                    refresh_done_with(RefreshResult::Adopted(new.clone()), new.clone()),
                    acts_and_notices(
                        [save(&new), send(1, &new)],
                        [tokens_changed(TokenSource::OtherTab, Some(&new)), adopted.clone()],
                    ),
                ),
            ],
        ),
        case(
            "the session ends in another tab while requests wait here: they fail at once",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (start(2, fresh()), all([queued(2, 2)])),
                (
                    Ev::EndedElsewhere(EndReason::Logout),
                    all([
                        clear(),
                        tokens_changed(TokenSource::SessionExpired, None),
                        session_ended(&logout, 2),
                        call_session_expired(&logout),
                        fail_session(1),
                        fail_session(2),
                    ]),
                ),
                // This tab's refresh, once it gets the lock, no longer counts.
                (refresh_done(renewed(new.clone())), nothing()),
                // The next request goes out without a token: the server decides.
                (start(3, None), all([send_bare(3)])),
            ],
        ),
        case(
            "the app is told once, however many tabs say it",
            vec![
                (start(1, fresh()), all([send(1, &fresh())])),
                (Ev::EndedElsewhere(EndReason::OtherTab), acts([clear(), call_session_expired(&other)])),
                (Ev::EndedElsewhere(EndReason::Logout), all([clear()])),
                (response(1, Class::AccessExpired, None), all([fail_session(1)])),
                // A new login (here or in another tab) means the next end is told again.
                (Ev::RenewedElsewhere(new.clone()), all([tokens_changed(TokenSource::OtherTab, Some(&new))])),
                (Ev::EndedElsewhere(EndReason::Logout), acts([clear(), call_session_expired(&logout)])),
            ],
        ),
        case(
            "this tab's own end, then the other tabs' echo: told once",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (
                    refresh_done(refused(rejected_by_endpoint())),
                    acts([clear(), call_session_expired(&rejected_by_endpoint()), fail_session(1)]),
                ),
                (Ev::EndedElsewhere(EndReason::RefreshRejected), all([clear()])),
            ],
        ),
    ]);
}

/// The page woke up (visible again, back online, or the `autoRefresh` timer) at `NOW`.
fn wake(tokens: impl Into<Option<TokenSet>>) -> Ev {
    Ev::Wake { now: NOW, tokens: tokens.into() }
}

#[test]
fn waking_up_checks_the_expiry_again() {
    let new = new_tokens();
    run_table(&[
        case("a fresh token: nothing to do", vec![(wake(fresh()), nothing())]),
        case(
            "no expiry known: the server decides at the next request",
            vec![(wake(unknown_expiry()), nothing())],
        ),
        case("no tokens: nothing to do", vec![(wake(None), nothing())]),
        case(
            "an expired token without a refresh token: nothing to do",
            vec![(wake(without_refresh(expired())), nothing())],
        ),
        case(
            "inside the window: a background refresh; requests still go out with the old token",
            vec![
                (wake(expiring()), all([start_refresh(Trigger::Proactive), started(Trigger::Proactive, 0)])),
                (start(1, expiring()), all([send(1, &expiring())])),
                (wake(expiring()), nothing()),
                (refresh_done_with(renewed(new.clone()), expiring()), all(renewal(&new, 0))),
            ],
        ),
        case(
            "past its expiry: the refresh starts now, and the next requests wait for it",
            vec![
                (wake(expired()), all([start_refresh(Trigger::Expired), started(Trigger::Expired, 0)])),
                (start(1, expired()), all([queued(1, 1)])),
                (refresh_done(renewed(new.clone())), acts([save(&new), send(1, &new)])),
            ],
        ),
        case(
            "the refresh token is dead too: the app is told now, once",
            vec![
                (wake(expired()), acts([start_refresh(Trigger::Expired)])),
                (refresh_done(refused(rejected_by_endpoint())), all(session_end(&rejected_by_endpoint(), 0))),
                (wake(None), nothing()),
            ],
        ),
        case(
            "a transient failure keeps the tokens; the next wake-up tries again",
            vec![
                (wake(expired()), acts([start_refresh(Trigger::Expired)])),
                (refresh_done(failed(FailureKind::Network)), all([refresh_failed(FailureKind::Network, 0)])),
                (wake(expired()), acts([start_refresh(Trigger::Expired)])),
            ],
        ),
        case(
            "a refresh already running: none other",
            vec![
                (start(1, expired()), acts([start_refresh(Trigger::Expired)])),
                (wake(expired()), nothing()),
            ],
        ),
    ]);
    run_table(&[custom_case(
        "with a refresh function no refresh token is needed",
        vec![(wake(without_refresh(expired())), acts([start_refresh(Trigger::Expired)]))],
    )]);
}

#[test]
fn a_tab_knows_whether_it_holds_a_session() {
    let mut machine = Machine::new(WINDOW, false);
    assert!(!machine.holds_session());
    machine.observe(None);
    assert!(!machine.holds_session());
    machine.observe(Some(&fresh()));
    assert!(machine.holds_session());
    machine.handle(Input::EndedElsewhere(EndReason::Logout));
    assert!(!machine.holds_session(), "an end lets go of the session");
    machine.handle(Input::TokensSet(&fresh()));
    assert!(machine.holds_session());
    machine.handle(Input::TokensCleared);
    assert!(!machine.holds_session(), "a logout here lets go of it");
    machine.handle(Input::RenewedElsewhere(&fresh()));
    assert!(machine.holds_session());
}

// ---------------------------------------------------------------------------------------------
// Invariants over pseudo-random event sequences
// ---------------------------------------------------------------------------------------------

/// xorshift64*: small, deterministic, good enough to shuffle events.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() >> 33) as usize % n
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[derive(Debug, Default)]
struct Req {
    sends: u8,
    terminals: u8,
    left: bool,
    waiter: bool,
}

#[derive(Debug, Default)]
struct Stats {
    refreshes: usize,
    renewals: usize,
    session_calls: usize,
    replays: usize,
    token_changed: usize,
    fails: usize,
}

/// The driver around the machine: it keeps storage, the time, what is on the wire, and checks
/// every effect against the invariants as it carries it out.
struct Sim {
    machine: Machine,
    custom: bool,
    window: f64,
    now: f64,
    storage: Option<TokenSet>,
    generation: u32,
    next_id: RequestId,
    running: bool,
    wire: Vec<RequestId>,
    reqs: BTreeMap<RequestId, Req>,
    /// `CallSessionExpired` was emitted and no tokens have been set or observed since.
    told: bool,
    log: String,
    stats: Stats,
}

impl Sim {
    fn new(window: f64, custom: bool) -> Sim {
        Sim {
            machine: Machine::new(window, custom),
            custom,
            window,
            now: NOW,
            storage: None,
            generation: 0,
            next_id: 1,
            running: false,
            wire: Vec::new(),
            reqs: BTreeMap::new(),
            told: false,
            log: String::new(),
            stats: Stats::default(),
        }
    }

    fn random_tokens(&mut self, rng: &mut Rng) -> TokenSet {
        self.generation += 1;
        let refresh = rng.chance(75).then(|| format!("r{}", self.generation));
        let expires_at = match rng.below(5) {
            0 => None,
            1 => Some(self.now + rng.below(3) as f64 * self.window / 2.0 + 1.0),
            2 => Some(self.now - 1.0),
            _ => Some(self.now + self.window * (2 + rng.below(4)) as f64),
        };
        tokens(&format!("a{}", self.generation), refresh.as_deref(), expires_at)
    }

    fn renewed_tokens(&mut self, rng: &mut Rng) -> TokenSet {
        self.generation += 1;
        let refresh = rng.chance(85).then(|| format!("r{}", self.generation));
        let expires_at = self.now + self.window * (1 + rng.below(4)) as f64;
        tokens(&format!("a{}", self.generation), refresh.as_deref(), Some(expires_at))
    }

    fn live(&self, waiters: bool) -> Vec<RequestId> {
        self.reqs
            .iter()
            .filter(|(_, r)| r.terminals == 0 && !r.left && (waiters || !r.waiter))
            .map(|(id, _)| *id)
            .collect()
    }

    fn random_event(&mut self, rng: &mut Rng) -> Option<Ev> {
        let roll = rng.below(100);
        let ev = match roll {
            0..=24 => {
                let id = self.fresh_id();
                Ev::Start { id, now: self.now, tokens: self.storage.clone(), replayable: rng.chance(85) }
            }
            25..=54 if !self.wire.is_empty() => {
                let id = self.wire[rng.below(self.wire.len())];
                let class = rng.pick(&[
                    Class::Ok,
                    Class::Ok,
                    Class::Ok,
                    Class::AccessExpired,
                    Class::AccessExpired,
                    Class::AccessExpired,
                    Class::SessionExpired,
                ]);
                let (status, code) = match class {
                    Class::Ok => (200, None),
                    Class::AccessExpired => (401, None),
                    Class::SessionExpired => (200, Code::from_number(50015.0)),
                };
                Ev::Response { id, class, status, code, tokens: self.storage.clone() }
            }
            25..=54 => return None,
            55..=66 => Ev::Finished(self.random_result(rng), self.storage.clone()),
            67..=71 => {
                let live = self.live(false);
                if live.is_empty() {
                    return None;
                }
                Ev::Left(live[rng.below(live.len())])
            }
            72..=76 => {
                let id = self.fresh_id();
                Ev::Join { id, tokens: self.storage.clone() }
            }
            77..=80 => {
                let set = self.random_tokens(rng);
                self.storage = Some(set.clone());
                Ev::Set(set)
            }
            81..=83 => {
                self.storage = None;
                Ev::Cleared
            }
            84..=88 => {
                // Another tab writes or removes the tokens; the machine learns it at the next event.
                self.storage = if rng.chance(80) { Some(self.random_tokens(rng)) } else { None };
                let _ = writeln!(self.log, "  (storage changed behind the machine's back)");
                return None;
            }
            89 | 90 => {
                // Another tab renewed the tokens (the driver stored them before telling).
                let set = self.renewed_tokens(rng);
                self.storage = Some(set.clone());
                Ev::RenewedElsewhere(set)
            }
            91 => Ev::EndedElsewhere(rng.pick(&[
                EndReason::Logout,
                EndReason::OtherTab,
                EndReason::RefreshRejected,
            ])),
            92 | 93 => Ev::Wake { now: self.now, tokens: self.storage.clone() },
            _ => {
                self.now += rng.below(4) as f64 * self.window / 2.0;
                return None;
            }
        };
        Some(ev)
    }

    fn random_result(&mut self, rng: &mut Rng) -> RefreshResult {
        match rng.below(10) {
            0..=4 => RefreshResult::Renewed(self.renewed_tokens(rng)),
            5 => RefreshResult::Adopted(self.renewed_tokens(rng)),
            6 | 7 => RefreshResult::Refused(rejected_by_endpoint()),
            _ => RefreshResult::Failed(failure(rng.pick(&[
                FailureKind::Network,
                FailureKind::Timeout,
                FailureKind::Status,
                FailureKind::Malformed,
                FailureKind::Function,
            ]))),
        }
    }

    fn fresh_id(&mut self) -> RequestId {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn feed(&mut self, ev: &Ev) -> Result<(), String> {
        if ev.carried_tokens().is_some() {
            self.told = false;
        }
        let was_running = self.running;
        match ev {
            Ev::Start { id, .. } => {
                self.reqs.insert(*id, Req::default());
            }
            Ev::Join { id, .. } => {
                self.reqs.insert(*id, Req { waiter: true, ..Req::default() });
            }
            Ev::Response { id, .. } => self.wire.retain(|w| w != id),
            Ev::Left(id) => {
                self.wire.retain(|w| w != id);
                self.reqs.get_mut(id).ok_or("left an unknown request")?.left = true;
            }
            Ev::Finished(result, _) => {
                self.running = false;
                if was_running && matches!(result, RefreshResult::Renewed(_) | RefreshResult::Adopted(_)) {
                    self.told = false;
                    self.stats.renewals += 1;
                }
            }
            Ev::Set(_) | Ev::Cleared | Ev::RenewedElsewhere(_) | Ev::EndedElsewhere(_) | Ev::Wake { .. } => {}
        }
        let effects = self.machine.handle(ev.input());
        let _ = writeln!(self.log, "  {ev:?}\n    -> {effects:?}");
        if matches!(ev, Ev::Finished(..)) && !was_running && !effects.is_empty() {
            return Err("RefreshFinished with no refresh running was not ignored".into());
        }
        for effect in &effects {
            self.carry_out(effect)?;
        }
        if self.machine.refreshing() != self.running {
            return Err(format!(
                "machine.refreshing() = {}, but the effects say {}",
                self.machine.refreshing(),
                self.running
            ));
        }
        Ok(())
    }

    fn carry_out(&mut self, effect: &Effect) -> Result<(), String> {
        match effect {
            Effect::Send { id, token } => {
                if self.wire.contains(id) {
                    return Err(format!("request {id} sent while already on the wire"));
                }
                let req = self.reqs.get_mut(id).ok_or(format!("unknown request {id} sent"))?;
                if req.terminals > 0 || req.left || req.waiter {
                    return Err(format!("request {id} sent after it ended, left, or as a waiter"));
                }
                req.sends += 1;
                if req.sends > 2 {
                    return Err(format!("request {id} sent a third time"));
                }
                let current = self.storage.as_ref().map(|t| &t.access);
                if token.as_ref() != current {
                    return Err(format!("request {id} sent with a token that is not the stored one"));
                }
                self.wire.push(*id);
            }
            Effect::Deliver { id } | Effect::Fail { id, .. } => {
                if self.wire.contains(id) {
                    return Err(format!("request {id} settled while on the wire"));
                }
                let req = self.reqs.get_mut(id).ok_or(format!("unknown request {id} settled"))?;
                if req.left {
                    return Err(format!("request {id} settled after it left"));
                }
                req.terminals += 1;
                if req.terminals > 1 {
                    return Err(format!("request {id} settled twice"));
                }
                if matches!(effect, Effect::Fail { .. }) {
                    self.stats.fails += 1;
                }
            }
            Effect::StartRefresh { .. } => {
                if self.running {
                    return Err("a second refresh started while one is in flight".into());
                }
                let usable = self.storage.as_ref().is_some_and(|t| self.custom || t.refresh.is_some());
                if !usable {
                    return Err("a refresh started with nothing to refresh with".into());
                }
                self.running = true;
                self.stats.refreshes += 1;
            }
            Effect::SaveTokens(set) => self.storage = Some(set.clone()),
            Effect::ClearTokens => self.storage = None,
            Effect::CallSessionExpired(_) => {
                if self.told {
                    return Err("onSessionExpired called twice with no new tokens between".into());
                }
                self.told = true;
                self.stats.session_calls += 1;
            }
            Effect::Notify(Notice::Replayed { reason, .. }) => {
                self.stats.replays += 1;
                if *reason == ReplayReason::TokenChanged {
                    self.stats.token_changed += 1;
                }
            }
            Effect::Notify(_) => {}
        }
        Ok(())
    }

    /// Lets every refresh finish and every request on the wire get an OK answer.
    fn drain(&mut self, rng: &mut Rng) -> Result<(), String> {
        let _ = writeln!(self.log, "  -- drain --");
        for _ in 0..10_000 {
            let ev = if self.running {
                Ev::Finished(self.random_result(rng), self.storage.clone())
            } else if let Some(&id) = self.wire.first() {
                Ev::Response { id, class: Class::Ok, status: 200, code: None, tokens: self.storage.clone() }
            } else {
                return Ok(());
            };
            self.feed(&ev)?;
        }
        Err("the sequence does not settle".into())
    }

    fn check_settled(&self) -> Result<(), String> {
        for (id, req) in &self.reqs {
            let expected = u8::from(!req.left);
            if req.terminals != expected {
                return Err(format!(
                    "request {id} ({req:?}) got {} terminal effects, expected {expected}",
                    req.terminals
                ));
            }
        }
        if self.machine.in_flight() != 0 || self.machine.refreshing() {
            return Err(format!(
                "the machine still holds {} requests (refreshing: {})",
                self.machine.in_flight(),
                self.machine.refreshing()
            ));
        }
        Ok(())
    }
}

fn play(sim: &mut Sim, rng: &mut Rng, length: usize) -> Result<(), String> {
    for _ in 0..length {
        if let Some(ev) = sim.random_event(rng) {
            sim.feed(&ev)?;
        }
    }
    sim.drain(rng)?;
    sim.check_settled()
}

fn run_sequence(seed: u64, window: f64, custom: bool, length: usize) -> Result<Stats, String> {
    let mut rng = Rng::new(seed);
    let mut sim = Sim::new(window, custom);
    if rng.chance(80) {
        sim.storage = Some(sim.random_tokens(&mut rng));
    }
    match play(&mut sim, &mut rng, length) {
        Ok(()) => Ok(sim.stats),
        Err(message) => {
            Err(format!("seed {seed}, window {window}, custom refresh {custom}: {message}\n{}", sim.log))
        }
    }
}

#[test]
fn invariants_hold_over_random_sequences() {
    let mut total = Stats::default();
    let mut runs = 0;
    for seed in 1..=1_500u64 {
        for (window, custom) in [(WINDOW, false), (WINDOW, true), (0.0, false)] {
            let stats = run_sequence(seed, window, custom, 80).unwrap_or_else(|e| panic!("{e}"));
            total.refreshes += stats.refreshes;
            total.renewals += stats.renewals;
            total.session_calls += stats.session_calls;
            total.replays += stats.replays;
            total.token_changed += stats.token_changed;
            total.fails += stats.fails;
            runs += 1;
        }
    }
    // The generator must actually reach the interesting paths.
    assert_eq!(runs, 4_500);
    assert!(total.refreshes > 10_000, "{total:?}");
    assert!(total.renewals > 5_000, "{total:?}");
    assert!(total.session_calls > 3_000, "{total:?}");
    assert!(total.replays > 5_000, "{total:?}");
    assert!(total.token_changed > 2_000, "{total:?}");
    assert!(total.fails > 10_000, "{total:?}");
}
