//! The token model: a [`Secret`] that never prints, the [`TokenSet`] kept in storage, and how one
//! is built from what the app or the refresh endpoint hands over ([`TokenInput`]) or from what
//! storage holds (where corrupt values mean "no token").

use super::{json, text};
use core::fmt;

/// A token string. Its `Debug` output never shows the value, so a token cannot leak through
/// logs, panics or error messages by accident; [`Secret::expose`] is the only way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token, or returns `None` when the text is not usable as one (see [`is_usable`]).
    pub fn new(value: impl Into<String>) -> Option<Secret> {
        let value = value.into();
        is_usable(&value).then_some(Secret(value))
    }

    /// The token itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// Whether `value` can be a token: not empty, not the text of a JS `undefined`/`null` that some
/// code stored by mistake (seed 000 guards against exactly that), no whitespace or control
/// characters (a header value cannot carry them), and not absurdly long.
pub fn is_usable(value: &str) -> bool {
    const MAX_TOKEN_LEN: usize = 16 * 1024;
    !value.is_empty()
        && value.len() <= MAX_TOKEN_LEN
        && !matches!(value, "undefined" | "null" | "[object Object]")
        && value.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// The tokens the client holds: an access token, maybe a refresh token, and when the access token
/// expires (epoch milliseconds), when that is known.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSet {
    /// The access token attached to requests.
    pub access: Secret,
    /// The refresh token, when the backend issued one.
    pub refresh: Option<Secret>,
    /// When the access token expires, in epoch milliseconds (by the local clock).
    pub expires_at: Option<f64>,
    /// When its lifetime began, by the local clock, when known (from `expiresIn`, or the JWT's
    /// `iat`..`exp`): no proactive refresh happens in the first half of that lifetime.
    pub issued_at: Option<f64>,
}

/// What `getTokens()` returns and a custom refresh function receives:
/// `{accessToken, refreshToken, expiresAt}`, with `null` for what is absent. It carries tokens:
/// it goes to the app only.
#[derive(Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot<'a> {
    /// The access token.
    pub access_token: &'a str,
    /// The refresh token, if any.
    pub refresh_token: Option<&'a str>,
    /// The expiry, epoch milliseconds, if known.
    pub expires_at: Option<f64>,
}

impl fmt::Debug for Snapshot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

impl TokenSet {
    /// The set as the app sees it.
    pub fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            access_token: self.access.expose(),
            refresh_token: self.refresh.as_ref().map(Secret::expose),
            expires_at: self.expires_at,
        }
    }
}

/// Tokens as the app or a refresh answer gives them, before validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenInput {
    /// The new access token.
    pub access: Option<String>,
    /// The new refresh token, if any.
    pub refresh: Option<String>,
    /// Lifetime of the access token in seconds from now.
    pub expires_in: Option<f64>,
    /// Expiry of the access token in epoch milliseconds.
    pub expires_at: Option<f64>,
    /// The server's clock when it answered (the answer's `Date` header), epoch ms: what a JWT
    /// without `iat`, and an `expires_at` of the answer, are corrected by.
    pub server_now: Option<f64>,
}

/// Below this difference between the server's `Date` and the local clock, the two are taken to
/// agree: the header counts whole seconds, and the answer took some time to arrive.
const CLOCK_TOLERANCE_MS: f64 = 2_000.0;

/// Why a [`TokenInput`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// The access token is missing or not a usable token.
    BadAccessToken,
    /// A refresh token was given but is not usable.
    BadRefreshToken,
    /// `expiresIn`/`expiresAt` is negative, not finite, or otherwise not a time.
    BadExpiry,
}

impl TokenSet {
    /// Validates `input`, which arrives at time `now` (epoch ms by the local clock), into a token
    /// set.
    ///
    /// The expiry comes from `expires_at`, else `expires_in` (counted from `now`), else the JWT's
    /// `exp` claim, moved by the offset between the local clock and the server's as the token's
    /// `iat` shows it (a token arrives as it is issued), or, without `iat`, as the answer's `Date`
    /// header shows it (`server_now`, which moves an `expires_at` of the server too). When the
    /// input has no refresh token, `keep_refresh` is kept (a backend such as seed 004 answers a
    /// refresh with a new access token only).
    pub fn from_input(
        input: TokenInput,
        now: f64,
        keep_refresh: Option<Secret>,
    ) -> Result<TokenSet, TokenError> {
        let access = input.access.and_then(Secret::new).ok_or(TokenError::BadAccessToken)?;
        let refresh = match input.refresh {
            Some(text) => Some(Secret::new(text).ok_or(TokenError::BadRefreshToken)?),
            None => keep_refresh,
        };
        let valid_time = |t: f64| t.is_finite() && t >= 0.0;
        let claims = jwt_times(access.expose());
        // How far the local clock is ahead of the server's, when the answer's `Date` says so.
        let skew = input.server_now.map(|server| now - server).filter(|d| d.abs() > CLOCK_TOLERANCE_MS);
        let (expires_at, issued_at) = match (input.expires_at, input.expires_in) {
            (Some(at), _) if valid_time(at) => {
                let at = at + skew.unwrap_or(0.0);
                (Some(at), claims.lifetime().map(|life| at - life))
            }
            (Some(_), _) => return Err(TokenError::BadExpiry),
            (None, Some(secs)) if valid_time(secs) => (Some(now + secs * 1000.0), Some(now)),
            (None, Some(_)) => return Err(TokenError::BadExpiry),
            (None, None) => match (claims.exp, claims.lifetime(), skew) {
                // Issued now by the server's clock: its `exp` is that far from now by ours.
                (Some(_), Some(life), _) => (Some(now + life), Some(now)),
                // Issued now, at the server's `Date`: its `exp` is that far from it.
                (Some(exp), None, Some(skew)) => (Some(exp + skew), Some(now)),
                (exp, _, _) => (exp, None),
            },
        };
        // `expiresIn: 1e308` overflows to infinity: as unusable as a negative lifetime.
        if expires_at.is_some_and(|at| !at.is_finite()) {
            return Err(TokenError::BadExpiry);
        }
        Ok(TokenSet { access, refresh, expires_at, issued_at })
    }

    /// Rebuilds a token set from the three stored strings. Anything corrupt degrades gracefully:
    /// an unusable access token means no tokens at all, an unusable refresh token means none, and
    /// an unreadable expiry falls back to the JWT's `exp` claim.
    pub fn from_stored(
        access: Option<String>,
        refresh: Option<String>,
        expires_at: Option<String>,
    ) -> Option<TokenSet> {
        TokenSet::from_stored_with(access, refresh, expires_at, |access| {
            jwt_times(access.expose()).lifetime()
        })
    }

    /// [`TokenSet::from_stored`], with the access token's lifetime (ms) given by `lifetime`: the
    /// vault knows it without decoding the JWT again for every request.
    pub fn from_stored_with(
        access: Option<String>,
        refresh: Option<String>,
        expires_at: Option<String>,
        lifetime: impl FnOnce(&Secret) -> Option<f64>,
    ) -> Option<TokenSet> {
        let access = Secret::new(access?)?;
        let expires_at = expires_at
            .and_then(|text| json::parse_number(text.trim_ascii().as_bytes()))
            .filter(|t| t.is_finite() && *t > 0.0)
            .or_else(|| jwt_times(access.expose()).exp);
        let issued_at = expires_at.zip(lifetime(&access)).map(|(at, life)| at - life);
        Some(TokenSet { access, refresh: refresh.and_then(Secret::new), expires_at, issued_at })
    }

    /// When the lifetime of `access`, expiring at `expires_at`, began: from its JWT `iat`..`exp`.
    pub fn issued_from_jwt(access: &Secret, expires_at: Option<f64>) -> Option<f64> {
        expires_at.zip(jwt_times(access.expose()).lifetime()).map(|(at, life)| at - life)
    }
}

/// The `iat` and `exp` claims of a JWT, in epoch milliseconds (the server's clock).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct JwtTimes {
    /// `iat`.
    pub iat: Option<f64>,
    /// `exp`.
    pub exp: Option<f64>,
}

impl JwtTimes {
    /// The token's lifetime, `exp - iat`, when both are known and it is positive.
    pub fn lifetime(&self) -> Option<f64> {
        let life = self.exp? - self.iat?;
        (life > 0.0).then_some(life)
    }
}

/// A claim of 10^11 or more is taken for milliseconds (in seconds it would be after the year 5000:
/// a server that wrote `Date.now()`).
const MILLISECOND_CLAIMS: f64 = 1e11;
/// Above 2^53 a number is not an exact integer in JavaScript: no time at all.
const MAX_CLAIM: f64 = 9_007_199_254_740_992.0;

/// The `iat` and `exp` claims of `token` when it is a JWT, in epoch ms: numbers in seconds (or,
/// from 10^11 on, in milliseconds), positive and at most 2^53; anything else (a string, a negative
/// number, a bigger one) is absent.
pub fn jwt_times(token: &str) -> JwtTimes {
    let Some(payload) = jwt_payload(token) else { return JwtTimes::default() };
    let claim = |key: &[u8]| {
        let t = json::top_level_number(&payload, key).filter(|t| *t > 0.0 && *t <= MAX_CLAIM)?;
        Some(if t >= MILLISECOND_CLAIMS { t } else { t * 1000.0 })
    };
    JwtTimes { iat: claim(b"iat"), exp: claim(b"exp") }
}

/// The decoded payload of a three-part JWT.
fn jwt_payload(token: &str) -> Option<Vec<u8>> {
    let mut parts = text::split(token, b'.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    base64url_decode(payload)
}

/// The `exp` claim of a JWT, in epoch milliseconds, or `None` for anything that is not a JWT with
/// a numeric `exp`. The signature is not checked: the value is used for scheduling only.
pub fn jwt_expiry_ms(token: &str) -> Option<f64> {
    jwt_times(token).exp
}

/// Decodes unpadded or padded base64url (RFC 4648 §5). Standard-alphabet `+`/`/` are accepted too,
/// since some servers get this wrong.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for b in text.bytes() {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // A single leftover character (6 bits) cannot come from any byte sequence.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds an unsigned JWT-shaped token with the given JSON payload.
    fn jwt(payload: &str) -> String {
        let encode = |s: &str| -> String {
            const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let bytes = s.as_bytes();
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let n =
                    chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
                for i in 0..=chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                }
            }
            out
        };
        [encode(r#"{"alg":"HS256","typ":"JWT"}"#), encode(payload), "sig".to_owned()].join(".")
    }

    #[test]
    fn whatever_other_code_left_in_storage_has_a_clear_meaning() {
        let huge = "a".repeat(2 * 1024 * 1024);
        // (access, refresh, expiry) → (tokens?, refresh kept?, expiry)
        type Case<'a> = (&'a str, &'a str, &'a str, bool, bool, Option<f64>);
        let cases: [Case<'_>; 10] = [
            ("A", "R", "1700000000000", true, true, Some(1_700_000_000_000.0)),
            (&huge, "R", "1", false, false, None),
            ("A", &huge, "1", true, false, Some(1.0)),
            ("A", "R", "not a number", true, true, None),
            ("A", "R", "1e400", true, true, None),
            ("A", "R", "-5", true, true, None),
            ("A", "R", "NaN", true, true, None),
            ("A", "R", "Infinity", true, true, None),
            ("undefined", "R", "1", false, false, None),
            ("A\u{FFFD}B", "null", " 42 ", true, false, Some(42.0)),
        ];
        for (access, refresh, expiry, has_tokens, has_refresh, expires_at) in cases {
            let set = TokenSet::from_stored(
                Some(access.to_owned()),
                Some(refresh.to_owned()),
                Some(expiry.to_owned()),
            );
            assert_eq!(set.is_some(), has_tokens, "{expiry:?}");
            if let Some(set) = set {
                assert_eq!(set.refresh.is_some(), has_refresh, "{expiry:?}");
                assert_eq!(set.expires_at, expires_at, "{expiry:?}");
            }
        }
    }

    #[test]
    fn odd_claims_have_a_clear_meaning() {
        let cases = [
            (r#"{"exp":1700000000}"#, Some(1_700_000_000_000.0)),
            (r#"{"exp":1700000000.5}"#, Some(1_700_000_000_500.0)),
            (r#"{"exp":1700000000000}"#, Some(1_700_000_000_000.0)),
            (r#"{"exp":"1700000000"}"#, None),
            (r#"{"exp":-1}"#, None),
            (r#"{"exp":0}"#, None),
            (r#"{"exp":9007199254740994}"#, None),
            (r#"{"exp":1e16}"#, None),
            (r#"{"exp":1e400}"#, None),
            (r#"{"exp":null}"#, None),
            (r#"{"exp":[1700000000]}"#, None),
            (r#"{"nested":{"exp":1700000000}}"#, None),
        ];
        for (payload, expected) in cases {
            assert_eq!(jwt_times(&jwt(payload)).exp, expected, "{payload}");
        }
        // Not a JWT: two or four segments, bad base64url, a payload that is not UTF-8 or not JSON.
        let not_utf8 = {
            let token = jwt(r#"{"exp":1700000000}"#);
            let parts: Vec<&str> = token.split('.').collect();
            [parts[0], "_w", parts[2]].join(".")
        };
        for token in ["a.b", "a.b.c.d", "a.*.c", "a.=.c", "a.b=c.d", not_utf8.as_str(), &jwt("[1,2")] {
            assert_eq!(jwt_times(token), JwtTimes::default(), "{token}");
        }
    }

    #[test]
    fn lifetimes_and_clock_skew_at_arrival() {
        const HOUR: f64 = 3_600_000.0;
        let token = jwt(r#"{"iat":1700000000,"exp":1700000900}"#);
        let input = |expires_in: Option<f64>, expires_at: Option<f64>| TokenInput {
            access: Some(token.clone()),
            refresh: None,
            expires_in,
            expires_at,
            server_now: None,
        };
        let server_now = 1_700_000_000_000.0;
        // The local clock an hour ahead, in step, an hour behind: the token lives 15 minutes from
        // its arrival by the local clock, and its lifetime began then.
        for skew in [HOUR, 0.0, -HOUR] {
            let now = server_now + skew;
            let set = TokenSet::from_input(input(None, None), now, None).expect("valid");
            assert_eq!(set.expires_at, Some(now + 900_000.0), "skew {skew}");
            assert_eq!(set.issued_at, Some(now), "skew {skew}");
        }
        // A lifetime so long that the expiry overflows is refused.
        assert_eq!(TokenSet::from_input(input(Some(1e308), None), 5_000.0, None), Err(TokenError::BadExpiry));
        // expiresIn counts from the arrival.
        let set = TokenSet::from_input(input(Some(60.0), None), 5_000.0, None).expect("valid");
        assert_eq!((set.expires_at, set.issued_at), (Some(65_000.0), Some(5_000.0)));
        // An explicit expiry is taken as it is; the JWT's lifetime still says when it began.
        let set = TokenSet::from_input(input(None, Some(2_000_000.0)), 0.0, None).expect("valid");
        assert_eq!((set.expires_at, set.issued_at), (Some(2_000_000.0), Some(1_100_000.0)));
        // Without `iat`, `exp` is all there is: no correction, no known lifetime.
        let exp_only = TokenInput { access: Some(jwt(r#"{"exp":1700000900}"#)), ..TokenInput::default() };
        let set = TokenSet::from_input(exp_only, 0.0, None).expect("valid");
        assert_eq!((set.expires_at, set.issued_at), (Some(1_700_000_900_000.0), None));
        // Without `iat`, the answer's `Date` tells the server's clock: the local clock an hour
        // ahead or behind moves the expiry by as much, and the token's life starts at its arrival.
        // Within the header's tolerance (2 s), the clocks are taken to agree.
        let server = 1_700_000_000_000.0;
        let exp_only = jwt(r#"{"exp":1700000900}"#);
        for (skew, expected) in [(HOUR, HOUR), (-HOUR, -HOUR), (2_001.0, 2_001.0), (1_999.0, 0.0), (0.0, 0.0)]
        {
            let now = server + skew;
            let input = TokenInput {
                access: Some(exp_only.clone()),
                server_now: Some(server),
                ..TokenInput::default()
            };
            let set = TokenSet::from_input(input, now, None).expect("valid");
            let issued = (expected != 0.0).then_some(now);
            assert_eq!(
                (set.expires_at, set.issued_at),
                (Some(server + 900_000.0 + expected), issued),
                "skew {skew}"
            );
            // The answer's own `expires_at` is the server's clock too.
            let input = TokenInput {
                access: Some("opaque".to_owned()),
                expires_at: Some(server + 60_000.0),
                server_now: Some(server),
                ..TokenInput::default()
            };
            let set = TokenSet::from_input(input, now, None).expect("valid");
            assert_eq!(set.expires_at, Some(server + 60_000.0 + expected), "skew {skew}");
        }
        // With `iat`, the token itself says it; `Date` is not needed.
        let with_iat = TokenInput { server_now: Some(server - HOUR), ..input(None, None) };
        let set = TokenSet::from_input(with_iat, server, None).expect("valid");
        assert_eq!(set.expires_at, Some(server + 900_000.0));
        // `iat` after `exp`, or not a number: ignored.
        for payload in [r#"{"iat":1700000900,"exp":1700000000}"#, r#"{"iat":"x","exp":1700000900}"#] {
            let set = TokenSet::from_input(
                TokenInput { access: Some(jwt(payload)), ..TokenInput::default() },
                0.0,
                None,
            )
            .expect("valid");
            assert_eq!(set.issued_at, None, "{payload}");
        }
        // From storage: the stored expiry, and the lifetime from the JWT.
        let stored =
            TokenSet::from_stored(Some(token.clone()), None, Some("2000000".to_owned())).expect("a set");
        assert_eq!((stored.expires_at, stored.issued_at), (Some(2_000_000.0), Some(1_100_000.0)));
    }

    #[test]
    fn usable_tokens() {
        let cases = [
            ("eyJ.abc.def", true),
            ("opaque-token_123", true),
            ("", false),
            ("undefined", false),
            ("null", false),
            ("two words", false),
            ("line\nbreak", false),
            ("tab\t", false),
        ];
        for (value, expected) in cases {
            assert_eq!(is_usable(value), expected, "{value:?}");
        }
        assert!(!is_usable(&"a".repeat(20_000)));
    }

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("super-secret-token").expect("usable");
        assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        let set = TokenSet {
            access: secret,
            refresh: Secret::new("refresh-secret"),
            expires_at: None,
            issued_at: None,
        };
        let printed = format!("{set:?}");
        assert!(!printed.contains("super-secret") && !printed.contains("refresh-secret"), "{printed}");
    }

    #[test]
    fn jwt_expiry_is_read_from_the_payload() {
        let cases = [
            (jwt(r#"{"sub":"u","exp":1700000000}"#), Some(1_700_000_000_000.0)),
            (jwt(r#"{"sub":"u","iat":1}"#), None),
            (jwt(r#"{"exp":"soon"}"#), None),
            (jwt(r#"{"exp":0}"#), None),
            (jwt("not json"), None),
            ("only.two".to_owned(), None),
            ("a.b.c.d".to_owned(), None),
            ("a.!!!.c".to_owned(), None),
            ("opaque".to_owned(), None),
        ];
        for (token, expected) in cases {
            assert_eq!(jwt_expiry_ms(&token), expected, "{token}");
        }
    }

    #[test]
    fn base64url_decodes_every_padding_length() {
        let cases: [(&str, Option<&[u8]>); 7] = [
            ("", Some(b"")),
            ("YQ", Some(b"a")),
            ("YWI", Some(b"ab")),
            ("YWJj", Some(b"abc")),
            ("YWJjZA==", Some(b"abcd")),
            ("-_-_", Some(&[0xfb, 0xff, 0xbf])),
            ("Y", None),
        ];
        for (input, expected) in cases {
            assert_eq!(base64url_decode(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn inputs_take_expiry_from_at_then_in_then_jwt() {
        let now = 1_000_000.0;
        let token = jwt(r#"{"exp":5000}"#);
        let input = |at: Option<f64>, secs: Option<f64>| TokenInput {
            access: Some(token.clone()),
            refresh: None,
            expires_in: secs,
            expires_at: at,
            server_now: None,
        };
        let cases = [
            (input(Some(9_000_000.0), Some(60.0)), Ok(Some(9_000_000.0))),
            (input(None, Some(60.0)), Ok(Some(1_060_000.0))),
            (input(None, None), Ok(Some(5_000_000.0))),
            (input(Some(f64::NAN), None), Err(TokenError::BadExpiry)),
            (input(None, Some(-1.0)), Err(TokenError::BadExpiry)),
        ];
        for (input, expected) in cases {
            let got = TokenSet::from_input(input.clone(), now, None).map(|set| set.expires_at);
            assert_eq!(got, expected, "{input:?}");
        }
    }

    #[test]
    fn inputs_validate_tokens_and_keep_the_old_refresh_token() {
        let old = Secret::new("old-refresh");
        let with = |access: Option<&str>, refresh: Option<&str>| TokenInput {
            access: access.map(str::to_owned),
            refresh: refresh.map(str::to_owned),
            ..TokenInput::default()
        };
        let kept = TokenSet::from_input(with(Some("new"), None), 0.0, old.clone()).expect("valid");
        assert_eq!(kept.refresh, old);
        let replaced = TokenSet::from_input(with(Some("new"), Some("r2")), 0.0, old.clone()).expect("valid");
        assert_eq!(replaced.refresh, Secret::new("r2"));
        let cases = [
            (with(None, None), TokenError::BadAccessToken),
            (with(Some(""), None), TokenError::BadAccessToken),
            (with(Some("undefined"), None), TokenError::BadAccessToken),
            (with(Some("ok"), Some("bad token")), TokenError::BadRefreshToken),
        ];
        for (input, expected) in cases {
            assert_eq!(TokenSet::from_input(input.clone(), 0.0, None), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn stored_values_degrade_to_no_token() {
        let s = |v: &str| Some(v.to_owned());
        let jwt_token = jwt(r#"{"exp":7}"#);
        let cases = [
            (s("tok"), s("ref"), s("1700000000000"), Some((true, Some(1_700_000_000_000.0)))),
            (s("tok"), None, None, Some((false, None))),
            (s("tok"), s("undefined"), s("garbage"), Some((false, None))),
            (s(&jwt_token), None, s("not a number"), Some((false, Some(7000.0)))),
            (s(&jwt_token), None, s("-5"), Some((false, Some(7000.0)))),
            (s("undefined"), s("ref"), s("1"), None),
            (s(""), s("ref"), None, None),
            (None, s("ref"), None, None),
        ];
        for (access, refresh, at, expected) in cases {
            let got = TokenSet::from_stored(access.clone(), refresh, at)
                .map(|set| (set.refresh.is_some(), set.expires_at));
            assert_eq!(got, expected, "{access:?}");
        }
    }
}
