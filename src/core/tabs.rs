//! Many tabs, one refresh: what the tabs of one browser profile tell each other, and what a tab
//! decides with it. Pure: the lock, the shared store (IndexedDB) and the channel
//! (BroadcastChannel) are ports; this module only says what their contents mean.
//!
//! The protocol:
//! - A refresh runs under the lock named [`coordination_name`]. Inside it, the tab reads the
//!   [`SharedRecord`] and decides with [`decide`]: when the record says the tokens this tab holds
//!   were already replaced (another tab rotated them) it takes the record's tokens, or the end of
//!   the session, instead of calling the refresh endpoint with a refresh token that is dead.
//! - After a refresh the tab writes the record ([`record_after`]) before it releases the lock, then
//!   posts a [`Message`]. A message carries no token: each tab reads the record.
//! - A tab that hears a message decides with [`follow`] whether the record concerns the tokens it
//!   holds (a tab with its own `sessionStorage` copy takes the new tokens; a tab logged in on its
//!   own ignores another session's end).
//!
//! The record names the tokens it replaced by [`fingerprint`]s, never by the tokens themselves.

use super::machine::EndReason;
use super::names::{named, Named};
use super::tokens::{Secret, TokenSet};

/// How many replaced generations a record remembers, so that a tab that slept through a few
/// rotations still recognises its tokens as replaced.
pub const REMEMBERED_GENERATIONS: usize = 8;

/// The name the tabs coordinate under (the lock, the record, the channel): one per storage and
/// storage keys, so two clients on one origin that keep different tokens never wait for each
/// other.
pub fn coordination_name(storage: &str, access_key: &str, refresh_key: &str) -> String {
    let mut name = String::from("fetch-with-refresh:");
    for part in [storage, access_key, refresh_key] {
        name.push_str(part);
        name.push(':');
    }
    name.pop();
    name
}

/// Why cross-tab coordination is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossTabOff {
    /// `navigator.locks` is missing.
    NoWebLocks,
    /// `indexedDB` is missing.
    NoIndexedDb,
    /// `BroadcastChannel` is missing.
    NoBroadcastChannel,
    /// The lock could not be requested (an opaque origin, a sandboxed frame).
    LockFailed,
    /// IndexedDB could not be opened, read or written (some private modes).
    IndexedDbFailed,
}

// The `reason` of the `cross-tab-off` event.
named!(CrossTabOff {
    NoWebLocks => "no-web-locks",
    NoIndexedDb => "no-indexeddb",
    NoBroadcastChannel => "no-broadcast-channel",
    LockFailed => "lock-failed",
    IndexedDbFailed => "indexeddb-failed",
});

/// A token's fingerprint (64-bit FNV-1a of its text): enough to recognise a token again, not to
/// recover it.
pub fn fingerprint(token: &Secret) -> u64 {
    token.expose().bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What identifies a token set's line of renewals: its refresh token, or the access token when
/// there is none (an app's own refresh function).
fn lineage(tokens: &TokenSet) -> u64 {
    fingerprint(tokens.refresh.as_ref().unwrap_or(&tokens.access))
}

/// What the tabs share through the consistent store: the newest tokens (or the session's end)
/// and the fingerprints of the token sets they replaced, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedRecord {
    /// The newest tokens; `None` once the session ended.
    pub tokens: Option<TokenSet>,
    /// Why the session ended, when it did.
    pub ended: Option<EndReason>,
    /// Fingerprints of the replaced sets' lineage, newest first, at most
    /// [`REMEMBERED_GENERATIONS`].
    pub replaced: Vec<u64>,
}

impl SharedRecord {
    /// Whether this record replaced `tokens` (they are dead: renewed or ended elsewhere).
    pub fn replaced(&self, tokens: &TokenSet) -> bool {
        self.replaced.contains(&lineage(tokens))
    }

    /// Why the session ended, when this record ended the session that `access` (an access token a
    /// request went out with) belonged to.
    pub fn ended_for(&self, access: &Secret) -> Option<EndReason> {
        let ended = self.tokens.is_none() && self.replaced.contains(&fingerprint(access));
        ended.then(|| self.ended.unwrap_or(EndReason::OtherTab))
    }

    /// The record as stored: one line per field (tokens hold no whitespace).
    pub fn encode(&self) -> String {
        let mut out = String::from("1\n");
        match &self.tokens {
            Some(tokens) => {
                out.push_str(tokens.access.expose());
                out.push('\n');
                out.push_str(tokens.refresh.as_ref().map_or("", Secret::expose));
                out.push('\n');
                if let Some(at) = tokens.expires_at.and_then(|at| super::json::integer_text(at.round())) {
                    out.push_str(&at);
                }
            }
            None => {
                out.push_str("\n\n");
                out.push_str(self.ended.unwrap_or(EndReason::OtherTab).name());
            }
        }
        for fingerprint in &self.replaced {
            out.push('\n');
            for shift in (0..16).rev() {
                let digit = ((fingerprint >> (shift * 4)) & 0xf) as u8;
                out.push(char::from(if digit < 10 { b'0' + digit } else { b'a' + digit - 10 }));
            }
        }
        out
    }

    /// Reads a stored record; `None` for anything this version did not write.
    pub fn decode(text: &str) -> Option<SharedRecord> {
        let mut lines = text.split('\n');
        if lines.next()? != "1" {
            return None;
        }
        let (access, refresh, third) = (lines.next()?, lines.next()?, lines.next()?);
        let mut replaced = Vec::new();
        for line in lines {
            replaced.push(hex(line)?);
        }
        if access.is_empty() {
            let ended = Some(<EndReason as Named>::parse(third)?);
            return Some(SharedRecord { tokens: None, ended, replaced });
        }
        let expires_at = match third {
            "" => None,
            text => Some(super::json::parse_number(text.as_bytes()).filter(|at| at.is_finite())?),
        };
        let access = Secret::new(access)?;
        let tokens = TokenSet {
            issued_at: TokenSet::issued_from_jwt(&access, expires_at),
            access,
            refresh: if refresh.is_empty() { None } else { Some(Secret::new(refresh)?) },
            expires_at,
        };
        Some(SharedRecord { tokens: Some(tokens), ended: None, replaced })
    }
}

/// A fingerprint as the record writes it: 16 lower-case hex digits.
fn hex(text: &str) -> Option<u64> {
    if text.len() != 16 {
        return None;
    }
    text.chars().try_fold(0, |value: u64, digit| Some(value << 4 | u64::from(digit.to_digit(16)?)))
}

/// What a tab does once it holds the lock.
#[derive(Debug, Clone, PartialEq)]
pub enum Turn {
    /// Call the refresh endpoint (or function) with these tokens.
    Refresh(TokenSet),
    /// Another tab (or the app) renewed the tokens already: take these, call nothing.
    Adopt(TokenSet),
    /// Another tab saw the session end: end it here too, call nothing.
    Ended(EndReason),
    /// The tokens are gone (cleared while the refresh waited): nothing to refresh.
    Gone,
}

/// Decides a refresh inside the lock. `basis` is what the tab held when it decided to refresh,
/// `stored` what its storage holds now, `shared` the record (`None` when there is none or the
/// store failed).
///
/// The record wins when it replaced either of them: storage (`localStorage`, cookies) may still
/// show the old tokens in this tab right after the lock is handed over, and a `sessionStorage`
/// copy is never updated by the other tab at all. Otherwise the tab's own storage counts: tokens
/// that changed while the tab waited are taken as they are.
pub fn decide(basis: &TokenSet, stored: Option<&TokenSet>, shared: Option<&SharedRecord>) -> Turn {
    if let Some(record) = shared {
        if record.replaced(basis) || stored.is_some_and(|tokens| record.replaced(tokens)) {
            return match &record.tokens {
                Some(tokens) => Turn::Adopt(tokens.clone()),
                None => Turn::Ended(record.ended.unwrap_or(EndReason::OtherTab)),
            };
        }
    }
    match stored {
        None => Turn::Gone,
        Some(tokens) if tokens.access != basis.access => Turn::Adopt(tokens.clone()),
        Some(tokens) => Turn::Refresh(tokens.clone()),
    }
}

/// The record to write after this tab renewed `used` into `renewed` (`Some`) or saw its session
/// end (`None`, with `ended`), given the record it read (`previous`). The replaced generations
/// carry over when the previous record's tokens were the ones just replaced.
pub fn record_after(
    used: &TokenSet,
    renewed: Option<&TokenSet>,
    ended: EndReason,
    previous: Option<&SharedRecord>,
) -> SharedRecord {
    let first = lineage(used);
    let mut replaced = vec![first];
    if let Some(previous) = previous.filter(|p| p.tokens.as_ref().is_some_and(|t| lineage(t) == first)) {
        replaced.extend(previous.replaced.iter().copied().filter(|f| *f != first));
    }
    replaced.truncate(REMEMBERED_GENERATIONS);
    if renewed.is_none() {
        // An ended record also names the dead access token: a request sent with it and refused
        // after the other tab cleared a shared storage is recognised by it (see `ended_for`).
        replaced.push(fingerprint(&used.access));
    }
    SharedRecord {
        tokens: renewed.cloned(),
        ended: if renewed.is_some() { None } else { Some(ended) },
        replaced,
    }
}

/// The record to write when the app logs out (`clearTokens()`) holding `cleared`: the session's
/// end. When the record's newest tokens belong to the same session (they are `cleared`, or they
/// replaced it in another tab), the end covers them too.
pub fn record_logout(cleared: &TokenSet, previous: Option<&SharedRecord>) -> SharedRecord {
    let mut record = record_after(cleared, None, EndReason::Logout, previous);
    let newest = previous.and_then(|p| p.tokens.as_ref().filter(|_| p.replaced(cleared)));
    if let (Some(previous), Some(newest)) = (previous, newest) {
        let mut replaced = vec![
            lineage(newest),
            fingerprint(&newest.access),
            lineage(cleared),
            fingerprint(&cleared.access),
        ];
        for fingerprint in &previous.replaced {
            if !replaced.contains(fingerprint) {
                replaced.push(*fingerprint);
            }
        }
        replaced.truncate(REMEMBERED_GENERATIONS + 3);
        record.replaced = replaced;
    }
    record
}

/// What one tab posts to the others. It carries no token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// New tokens are in the record.
    Renewed,
    /// The session ended (the record says why).
    Ended,
}

named!(Message {
    Renewed => "renewed",
    Ended => "ended",
});

impl Message {
    /// The message posted.
    pub fn as_str(self) -> &'static str {
        self.name()
    }

    /// A message heard; `None` for anything else.
    pub fn parse(text: &str) -> Option<Message> {
        <Message as Named>::parse(text)
    }
}

/// What a tab does when it hears a message and has read the record.
#[derive(Debug, Clone, PartialEq)]
pub enum Follow {
    /// Store these tokens: they replaced the ones this tab holds (its own storage copy).
    Take(TokenSet),
    /// This tab's storage already holds the record's tokens: just tell the listeners.
    InStep(TokenSet),
    /// End the session here too.
    End(EndReason),
    /// The record concerns other tokens (this tab logged in on its own): nothing to do.
    Ignore,
}

/// Decides what hearing a message means for a tab whose storage holds `stored`; `held` says
/// whether the tab held tokens before (its storage may have been cleared by the other tab
/// already, as a shared `localStorage` is).
pub fn follow(
    message: Message,
    stored: Option<&TokenSet>,
    held: bool,
    shared: Option<&SharedRecord>,
) -> Follow {
    let Some(record) = shared else { return Follow::Ignore };
    let ours = match stored {
        Some(tokens) => record.replaced(tokens),
        None => held,
    };
    match (message, &record.tokens) {
        (Message::Renewed, Some(tokens)) if stored == Some(tokens) => Follow::InStep(tokens.clone()),
        (Message::Renewed, Some(tokens)) if ours && stored.is_some() => Follow::Take(tokens.clone()),
        (Message::Ended, None) if ours => Follow::End(record.ended.unwrap_or(EndReason::OtherTab)),
        _ => Follow::Ignore,
    }
}

#[cfg(test)]
mod tests;
