//! The token authority: issues access/refresh pairs, checks access tokens, redeems refresh tokens
//! with rotation and reuse detection (RFC 9700 §4.14.2: an old refresh token presented again
//! revokes its whole family), and lets the admin endpoints expire everything issued so far. It knows
//! nothing about HTTP or about any backend flavour.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::jwt::Jwt;

/// The two kinds of token, named by the `typ` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sent with every API request.
    Access,
    /// Redeemed at the refresh endpoint for new tokens.
    Refresh,
}

impl Kind {
    /// The `typ` claim.
    fn typ(self) -> &'static str {
        match self {
            Kind::Access => "access",
            Kind::Refresh => "refresh",
        }
    }
}

/// The claims of every token issued here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Expires at (Unix seconds).
    pub exp: u64,
    /// The token's unique id.
    pub jti: String,
    /// `access` or `refresh`.
    pub typ: String,
    /// The refresh-token family (refresh tokens only): one login, all its rotations.
    #[serde(default)]
    pub fam: Option<String>,
}

/// A fresh access token with, when rotating, its refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The new access token.
    pub access_token: String,
    /// The new refresh token (`None` when the flavour does not rotate).
    pub refresh_token: Option<String>,
}

/// A login's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
}

/// Why an access token was not accepted, or a refresh token not redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Missing, malformed, not signed by us, or of the other kind.
    Invalid,
    /// Past its `exp`, or expired by the admin endpoints.
    Expired,
    /// Its family was revoked by an earlier reuse detection.
    Revoked,
    /// Already redeemed: a reuse. This revokes the family.
    Reused,
}

/// The outcome of checking an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessCheck {
    /// Valid: the request may proceed.
    Valid(Claims),
    /// Signed by us but expired (its claims still name the token, for the counters).
    Expired(Claims),
    /// Not a token of ours.
    Invalid,
}

/// Unique, unpredictable ids shaped like random (v4) UUIDs: SHA-256 of a per-process random seed
/// and a counter, so minting never fails and never repeats.
#[derive(Clone)]
pub struct Ids {
    /// 32 random bytes drawn at start-up.
    seed: [u8; 32],
    /// How many ids were handed out.
    next: u64,
}

impl std::fmt::Debug for Ids {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ids").field("next", &self.next).finish_non_exhaustive()
    }
}

impl Ids {
    /// An id source seeded with `seed`.
    pub fn new(seed: [u8; 32]) -> Self {
        Self { seed, next: 0 }
    }

    /// The next id, e.g. `0b3c…-…-4…-8…-…`.
    pub fn uuid(&mut self) -> String {
        self.next += 1;
        let digest = Sha256::new().chain_update(self.seed).chain_update(self.next.to_be_bytes()).finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        b[6] = (b[6] & 0x0f) | 0x40; // version 4
        b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }
}

/// The current Unix time in seconds.
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Issues and checks tokens; see the module documentation.
#[derive(Debug)]
pub struct Authority {
    /// The signer.
    jwt: Jwt,
    /// The source of `jti` and family ids.
    ids: Ids,
    /// Access token lifetime, seconds.
    access_ttl: u64,
    /// Refresh token lifetime, seconds.
    refresh_ttl: u64,
    // Admin expiry works on jti sets, not on timestamps: `iat` has one-second resolution, so a
    // cut-off time could also expire a token issued in the same second just *after* the call.
    /// The jti of every access token issued since the last expire-access.
    access: HashSet<String>,
    /// Likewise for refresh tokens.
    refresh: HashSet<String>,
    /// Every jti expired by the admin endpoints (both kinds).
    expired: HashSet<String>,
    /// Refresh jti already redeemed (rotating flavours only).
    used: HashSet<String>,
    /// Families killed by a reuse detection.
    revoked_families: HashSet<String>,
    /// Seconds added to the clock (tests move time forward with it).
    skew: u64,
}

impl Authority {
    /// An authority signing with `jwt`, with the given lifetimes in seconds.
    pub fn new(jwt: Jwt, ids: Ids, access_ttl: u64, refresh_ttl: u64) -> Self {
        Self {
            jwt,
            ids,
            access_ttl,
            refresh_ttl,
            access: HashSet::new(),
            refresh: HashSet::new(),
            expired: HashSet::new(),
            used: HashSet::new(),
            revoked_families: HashSet::new(),
            skew: 0,
        }
    }

    /// The access token lifetime in seconds (`expires_in` of the OAuth-style answers).
    pub fn access_ttl(&self) -> u64 {
        self.access_ttl
    }

    /// Now, in Unix seconds.
    fn now(&self) -> u64 {
        unix_now().saturating_add(self.skew)
    }

    /// Signs a new token of `kind` for `sub`, remembering its jti for the admin expiry.
    fn mint(&mut self, kind: Kind, sub: &str, family: Option<&str>) -> String {
        let iat = self.now();
        let jti = self.ids.uuid();
        let ttl = match kind {
            Kind::Access => self.access_ttl,
            Kind::Refresh => self.refresh_ttl,
        };
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(sub));
        claims.insert("iat".into(), json!(iat));
        claims.insert("exp".into(), json!(iat.saturating_add(ttl)));
        claims.insert("jti".into(), json!(jti));
        claims.insert("typ".into(), json!(kind.typ()));
        if let Some(family) = family {
            claims.insert("fam".into(), json!(family));
        }
        match kind {
            Kind::Access => self.access.insert(jti),
            Kind::Refresh => self.refresh.insert(jti),
        };
        self.jwt.sign(&claims)
    }

    /// A new access token for `sub`.
    pub fn issue_access(&mut self, sub: &str) -> String {
        self.mint(Kind::Access, sub, None)
    }

    /// A new pair for `sub`. Without `family` this is a login and starts a new family; every refresh
    /// token rotated from it stays in that family, so a reuse detection can revoke all of them.
    pub fn issue_pair(&mut self, sub: &str, family: Option<&str>) -> Pair {
        let family = family.map_or_else(|| self.ids.uuid(), str::to_owned);
        let access_token = self.issue_access(sub);
        let refresh_token = self.mint(Kind::Refresh, sub, Some(&family));
        Pair { access_token, refresh_token }
    }

    /// The claims of a token of ours of the given kind; expiry not checked.
    pub fn decode(&self, token: Option<&str>, kind: Kind) -> Option<Claims> {
        let payload = self.jwt.verify(token?)?;
        let claims: Claims = serde_json::from_value(Value::Object(payload)).ok()?;
        (claims.typ == kind.typ()).then_some(claims)
    }

    /// Whether a token is past its `exp` or was expired by the admin endpoints.
    fn is_expired(&self, claims: &Claims) -> bool {
        self.expired.contains(&claims.jti) || claims.exp <= self.now()
    }

    /// Checks an access token.
    pub fn check_access(&self, token: &str) -> AccessCheck {
        match self.decode(Some(token), Kind::Access) {
            None => AccessCheck::Invalid,
            Some(claims) if self.is_expired(&claims) => AccessCheck::Expired(claims),
            Some(claims) => AccessCheck::Valid(claims),
        }
    }

    /// Redeems a refresh token. `rotate` marks it used and issues a new pair in the same family;
    /// without rotation (flavours 003 and 004) only a new access token is issued and the refresh
    /// token stays valid. A refusal carries the claims when the token was ours.
    pub fn redeem(
        &mut self,
        token: Option<&str>,
        rotate: bool,
    ) -> Result<(Claims, Issued), (Refusal, Option<Claims>)> {
        let Some(claims) = self.decode(token, Kind::Refresh) else {
            return Err((Refusal::Invalid, None));
        };
        let family = claims.fam.clone().unwrap_or_default();
        if self.revoked_families.contains(&family) {
            return Err((Refusal::Revoked, Some(claims)));
        }
        if self.used.contains(&claims.jti) {
            self.revoked_families.insert(family);
            return Err((Refusal::Reused, Some(claims)));
        }
        if self.is_expired(&claims) {
            return Err((Refusal::Expired, Some(claims)));
        }
        if !rotate {
            let access_token = self.issue_access(&claims.sub);
            return Ok((claims, Issued { access_token, refresh_token: None }));
        }
        self.used.insert(claims.jti.clone());
        let pair = self.issue_pair(&claims.sub, Some(&family));
        Ok((claims, Issued { access_token: pair.access_token, refresh_token: Some(pair.refresh_token) }))
    }

    /// Expires every access token issued so far.
    pub fn expire_access(&mut self) {
        self.expired.extend(self.access.drain());
    }

    /// Expires every refresh token issued so far.
    pub fn expire_refresh(&mut self) {
        self.expired.extend(self.refresh.drain());
    }

    /// Tokens from before a reset must not leak into the next test: they all become expired. (Used
    /// refresh tokens and revoked families stay as they are, as in the Node backend.)
    pub fn reset(&mut self) {
        self.expire_access();
        self.expire_refresh();
    }

    /// Moves this authority's clock forward (tests only).
    #[cfg(test)]
    pub fn advance(&mut self, seconds: u64) {
        self.skew += seconds;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority(access_ttl: u64, refresh_ttl: u64) -> Authority {
        Authority::new(Jwt::new(b"test secret").unwrap(), Ids::new([7; 32]), access_ttl, refresh_ttl)
    }

    #[test]
    fn ids_are_unique_v4_uuids() {
        let mut ids = Ids::new([1; 32]);
        let a = ids.uuid();
        let b = ids.uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(Ids::new([2; 32]).uuid(), Ids::new([1; 32]).uuid());
    }

    #[test]
    fn a_login_issues_a_valid_pair_with_exp_and_iat() {
        let mut a = authority(60, 600);
        let pair = a.issue_pair("u", None);
        let AccessCheck::Valid(access) = a.check_access(&pair.access_token) else { panic!("not valid") };
        assert_eq!(access.sub, "u");
        assert_eq!(access.exp - access.iat, 60);
        assert_eq!(access.fam, None);
        let refresh = a.decode(Some(&pair.refresh_token), Kind::Refresh).unwrap();
        assert_eq!(refresh.exp - refresh.iat, 600);
        assert!(refresh.fam.is_some());
        // Each kind is refused where the other is expected.
        assert_eq!(a.check_access(&pair.refresh_token), AccessCheck::Invalid);
        assert_eq!(a.decode(Some(&pair.access_token), Kind::Refresh), None);
    }

    #[test]
    fn tokens_expire_with_time() {
        let mut a = authority(60, 600);
        let pair = a.issue_pair("u", None);
        a.advance(59);
        assert!(matches!(a.check_access(&pair.access_token), AccessCheck::Valid(_)));
        a.advance(1);
        assert!(matches!(a.check_access(&pair.access_token), AccessCheck::Expired(_)));
        a.advance(540);
        assert_eq!(
            a.redeem(Some(&pair.refresh_token), true).map(|_| ()).map_err(|e| e.0),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn admin_expiry_covers_what_was_issued_before_it_only() {
        let mut a = authority(60, 600);
        let old = a.issue_pair("u", None);
        a.expire_access();
        let new = a.issue_pair("u", None);
        assert!(matches!(a.check_access(&old.access_token), AccessCheck::Expired(_)));
        assert!(matches!(a.check_access(&new.access_token), AccessCheck::Valid(_)));
        a.expire_refresh();
        assert_eq!(
            a.redeem(Some(&new.refresh_token), true).map(|_| ()).map_err(|e| e.0),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn rotation_then_reuse_revokes_the_whole_family() {
        let mut a = authority(60, 600);
        let login = a.issue_pair("u", None);
        let other_login = a.issue_pair("v", None);

        let (claims, first) = a.redeem(Some(&login.refresh_token), true).unwrap();
        assert_eq!(claims.sub, "u");
        let rotated = first.refresh_token.clone().unwrap();
        assert_ne!(rotated, login.refresh_token);
        let fam = |t: &str| a.decode(Some(t), Kind::Refresh).unwrap().fam;
        assert_eq!(fam(&rotated), fam(&login.refresh_token), "a rotation stays in the family");

        // The old token again: a reuse detection, refused.
        let reuse = a.redeem(Some(&login.refresh_token), true);
        assert_eq!(reuse.map(|_| ()).map_err(|e| e.0), Err(Refusal::Reused));
        // The rotated token is refused too (revoked), and so is any later reuse: no second detection.
        assert_eq!(a.redeem(Some(&rotated), true).map(|_| ()).map_err(|e| e.0), Err(Refusal::Revoked));
        assert_eq!(
            a.redeem(Some(&login.refresh_token), true).map(|_| ()).map_err(|e| e.0),
            Err(Refusal::Revoked)
        );
        // Another family is untouched; the access token issued with the rotation still works.
        assert!(a.redeem(Some(&other_login.refresh_token), true).is_ok());
        assert!(matches!(a.check_access(&first.access_token), AccessCheck::Valid(_)));
    }

    #[test]
    fn without_rotation_the_refresh_token_stays_valid() {
        let mut a = authority(60, 600);
        let login = a.issue_pair("u", None);
        for _ in 0..3 {
            let (_, issued) = a.redeem(Some(&login.refresh_token), false).unwrap();
            assert_eq!(issued.refresh_token, None);
            assert!(matches!(a.check_access(&issued.access_token), AccessCheck::Valid(_)));
        }
    }

    #[test]
    fn garbage_and_foreign_tokens_are_invalid() {
        let mut a = authority(60, 600);
        let mut foreign = Authority::new(Jwt::new(b"other").unwrap(), Ids::new([7; 32]), 60, 600);
        let theirs = foreign.issue_pair("u", None);
        assert_eq!(a.check_access("nope"), AccessCheck::Invalid);
        assert_eq!(a.check_access(&theirs.access_token), AccessCheck::Invalid);
        assert_eq!(a.redeem(None, true).map(|_| ()).map_err(|e| e.0), Err(Refusal::Invalid));
        assert_eq!(
            a.redeem(Some(&theirs.refresh_token), true).map(|_| ()).map_err(|e| e.0),
            Err(Refusal::Invalid)
        );
    }

    #[test]
    fn reset_expires_everything_issued() {
        let mut a = authority(60, 600);
        let pair = a.issue_pair("u", None);
        a.reset();
        assert!(matches!(a.check_access(&pair.access_token), AccessCheck::Expired(_)));
        assert_eq!(
            a.redeem(Some(&pair.refresh_token), true).map(|_| ()).map_err(|e| e.0),
            Err(Refusal::Expired)
        );
        let fresh = a.issue_pair("u", None);
        assert!(matches!(a.check_access(&fresh.access_token), AccessCheck::Valid(_)));
    }
}
