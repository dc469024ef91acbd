//! What a response means: business codes, matchers, and the verdict on a refresh answer.

use super::json;

/// A business code normalised for comparison, so that `50014` and `"50014"` match each other
/// (backends are not consistent about it, and seed 000 compares `Number(res.code)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// A code from a JSON number. Only whole numbers are codes.
    pub fn from_number(value: f64) -> Option<Code> {
        json::integer_text(value).map(Code)
    }

    /// A code from a JSON string (surrounding spaces ignored).
    pub fn from_text(text: &str) -> Code {
        Code(text.trim_ascii().to_owned())
    }

    /// The code as text (what events and `onSessionExpired` report for a string code).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A matcher given as data: it matches when the HTTP status is in `status` **or** the body's
/// code is in `codes`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchRules {
    /// HTTP statuses that match.
    pub status: Vec<u16>,
    /// Business codes that match.
    pub codes: Vec<Code>,
}

impl MatchRules {
    /// Whether a response with this status and body code matches.
    pub fn matches(&self, status: u16, code: Option<&Code>) -> bool {
        self.status.contains(&status) || code.is_some_and(|code| self.codes.contains(code))
    }

    /// Whether the body must be read to evaluate this matcher.
    pub fn needs_body(&self) -> bool {
        !self.codes.is_empty()
    }
}

/// The meaning of an API response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Anything else: hand it to the caller.
    Ok,
    /// The access token was refused: refresh and replay.
    AccessExpired,
    /// The session is over (the refresh token is dead too).
    SessionExpired,
}

/// Combines the two matcher results; `sessionExpired` wins, so that a backend that answers 401
/// for both cases can be served by codes.
///
/// An answer that says the token lacks a scope (`lacks_scope`, from [`lacks_scope`]) is the
/// caller's whatever the matchers say, even one that lists 403: a new token carries the same
/// scopes, so a refresh and a replay would only repeat the refusal, and the session is not over.
pub fn classify(session_expired: bool, access_expired: bool, lacks_scope: bool) -> Class {
    if lacks_scope {
        Class::Ok
    } else if session_expired {
        Class::SessionExpired
    } else if access_expired {
        Class::AccessExpired
    } else {
        Class::Ok
    }
}

/// The OAuth 2 error of a token that lacks a scope (RFC 6750 §3.1).
const INSUFFICIENT_SCOPE: &str = "insufficient_scope";

/// Whether an answer says the token lacks a scope: its `WWW-Authenticate` header has the
/// parameter `error="insufficient_scope"` (in any challenge, quoted or not; text inside another
/// parameter's quoted value does not count), or its JSON body's `error` is `insufficient_scope`.
pub fn lacks_scope(www_authenticate: Option<&str>, body_error: Option<&str>) -> bool {
    body_error == Some(INSUFFICIENT_SCOPE) || www_authenticate.is_some_and(challenge_lacks_scope)
}

/// [`lacks_scope`] for the header: its auth-params are split at the commas outside quotes, and
/// each is `name=value` after the scheme, if any (`Bearer error=…`).
fn challenge_lacks_scope(header: &str) -> bool {
    let (mut quoted, mut escaped, mut start) = (false, false, 0);
    for (i, byte) in header.bytes().chain([b',']).enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b',' if !quoted || i == header.len() => {
                let param = header.get(start..i).unwrap_or_default();
                start = i + 1;
                let Some((name, value)) = param.split_once('=') else { continue };
                let name = name.split_ascii_whitespace().last().unwrap_or_default();
                if name.eq_ignore_ascii_case("error")
                    && value.trim_ascii().trim_matches('"') == INSUFFICIENT_SCOPE
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The verdict on the refresh endpoint's answer, before its tokens are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// The refresh token was refused: the session is over.
    Refused,
    /// A failure that says nothing about the session (5xx, an unexpected status): keep tokens.
    Failed,
    /// A 2xx answer: read the new tokens from it.
    Answered,
}

/// Judges a refresh answer: refused when it matches `sessionExpired`, or is a 401, or a 400 whose
/// `error` is `invalid_grant` (OAuth 2, RFC 6749 §5.2); read when it is a 2xx; failed otherwise.
pub fn refresh_verdict(
    status: u16,
    matches_session_expired: bool,
    oauth_error: Option<&str>,
) -> RefreshVerdict {
    if matches_session_expired || status == 401 || (status == 400 && oauth_error == Some("invalid_grant")) {
        RefreshVerdict::Refused
    } else if (200..300).contains(&status) {
        RefreshVerdict::Answered
    } else {
        RefreshVerdict::Failed
    }
}

/// The most bytes of a JSON answer read to classify it; a longer answer passes through unread.
pub const BODY_READ_CAP: u32 = 1 << 20;

/// The head of a response: what decides whether its body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The HTTP status (0 for an opaque response).
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Content-Length` header, when it is a number.
    pub content_length: Option<u64>,
}

/// Whether `content_type` is JSON: `application/json`, `text/json` or `…+json`, any case, with
/// or without parameters.
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json"
        || essence == "text/json"
        || (essence.ends_with("+json") && essence.contains('/'))
}

/// Whether an answer's body is read: only when a matcher could need it (`needs_body`), the answer
/// can have a body (not 1xx, 204, 205, 304 or opaque), it says it is JSON, and it is not known to
/// be longer than `cap` (an answer of unknown length is read up to `cap`, then passed through).
pub fn should_read_body(needs_body: bool, head: &Head, cap: u32) -> bool {
    needs_body
        && head.status >= 200
        && !matches!(head.status, 204 | 205 | 304)
        && head.content_type.as_deref().is_some_and(is_json)
        && head.content_length.is_none_or(|length| length <= u64::from(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_answers_a_matcher_needs_are_read() {
        let head = |status: u16, content_type: Option<&str>, length: Option<u64>| Head {
            status,
            content_type: content_type.map(str::to_owned),
            content_length: length,
        };
        let json = Some("application/json; charset=utf-8");
        let cases = [
            (true, head(200, json, None), true),
            (true, head(200, json, Some(10)), true),
            (true, head(401, Some("application/problem+json"), None), true),
            (true, head(200, Some("TEXT/JSON"), None), true),
            (true, head(200, Some("text/html"), None), false),
            (true, head(200, Some("+json"), None), false),
            (true, head(200, None, None), false),
            (true, head(204, json, None), false),
            (true, head(304, json, None), false),
            (true, head(0, json, None), false),
            (true, head(200, json, Some(u64::from(BODY_READ_CAP))), true),
            (true, head(200, json, Some(u64::from(BODY_READ_CAP) + 1)), false),
            (false, head(200, json, None), false),
        ];
        for (needs_body, head, expected) in cases {
            assert_eq!(should_read_body(needs_body, &head, BODY_READ_CAP), expected, "{head:?}");
        }
    }

    #[test]
    fn codes_compare_across_numbers_and_text() {
        let cases = [
            (50014.0, Some("50014")),
            (0.0, Some("0")),
            (-1.0, Some("-1")),
            (409.0, Some("409")),
            (1.5, None),
            (f64::NAN, None),
            (1e20, None),
        ];
        for (number, expected) in cases {
            assert_eq!(Code::from_number(number).as_ref().map(Code::as_str), expected, "{number}");
        }
        assert_eq!(Code::from_number(50014.0), Some(Code::from_text(" 50014 ")));
    }

    #[test]
    fn matchers_match_status_or_code() {
        let rules = MatchRules { status: vec![401], codes: vec![Code::from_text("50014")] };
        let code = |c: f64| Code::from_number(c);
        let cases = [
            (401, None, true),
            (200, code(50014.0), true),
            (401, code(50015.0), true),
            (200, code(0.0), false),
            (403, None, false),
        ];
        for (status, code, expected) in cases {
            assert_eq!(rules.matches(status, code.as_ref()), expected, "{status} {code:?}");
        }
        assert!(rules.needs_body());
        assert!(!MatchRules { status: vec![401], codes: vec![] }.needs_body());
    }

    #[test]
    fn session_expired_is_checked_first_and_a_missing_scope_is_neither() {
        let cases = [
            (true, true, false, Class::SessionExpired),
            (true, false, false, Class::SessionExpired),
            (false, true, false, Class::AccessExpired),
            (false, false, false, Class::Ok),
            (true, true, true, Class::Ok),
            (false, true, true, Class::Ok),
            (true, false, true, Class::Ok),
            (false, false, true, Class::Ok),
        ];
        for (session, access, lacks_scope, expected) in cases {
            assert_eq!(classify(session, access, lacks_scope), expected, "{session} {access} {lacks_scope}");
        }
    }

    #[test]
    fn a_403_is_not_access_expired_by_default() {
        let rules = crate::core::options::default_access_expired();
        assert!(rules.matches(401, None));
        assert!(!rules.matches(403, None), "a 403 is a refusal of what the token allows, not of the token");
        assert!(!crate::core::options::default_session_expired().matches(403, None));
    }

    #[test]
    fn a_missing_scope_is_read_from_the_challenge_or_the_body() {
        let cases: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some(r#"Bearer realm="api", error="insufficient_scope", scope="admin""#), None, true),
            (Some("Bearer error=insufficient_scope"), None, true),
            (Some(r#"Bearer ERROR = "insufficient_scope""#), None, true),
            (Some(r#"Basic realm="x", Bearer error="insufficient_scope""#), None, true),
            (Some(r#"Bearer error_description="a, b \" c", error="insufficient_scope""#), None, true),
            (Some(r#"Bearer realm="api", error="invalid_token""#), None, false),
            (
                Some(r#"Bearer error="invalid_token", error_description="not insufficient_scope""#),
                None,
                false,
            ),
            (Some(r#"Bearer realm="error=insufficient_scope""#), None, false),
            (Some(r#"Bearer error_description="x, error=insufficient_scope""#), None, false),
            (Some(r#"Bearer scope="insufficient_scope""#), None, false),
            (Some(r#"Bearer error="insufficient_scope_x""#), None, false),
            (Some("Bearer"), None, false),
            (Some(""), None, false),
            (Some(r#"Bearer error="insufficient_scope"#), None, true),
            (Some(r#"Bearer x="unterminated, error="insufficient_scope""#), None, false),
            (None, Some("insufficient_scope"), true),
            (None, Some("invalid_token"), false),
            (Some("Bearer"), Some("insufficient_scope"), true),
            (None, None, false),
        ];
        for (header, body, expected) in cases {
            assert_eq!(lacks_scope(*header, *body), *expected, "{header:?} {body:?}");
        }
    }

    #[test]
    fn refresh_answers_are_judged() {
        let cases = [
            (200, false, None, RefreshVerdict::Answered),
            (201, false, None, RefreshVerdict::Answered),
            (200, true, None, RefreshVerdict::Refused),
            (401, false, None, RefreshVerdict::Refused),
            (400, false, Some("invalid_grant"), RefreshVerdict::Refused),
            (400, false, Some("invalid_request"), RefreshVerdict::Failed),
            (400, false, None, RefreshVerdict::Failed),
            (403, false, None, RefreshVerdict::Failed),
            (500, false, None, RefreshVerdict::Failed),
            (503, true, None, RefreshVerdict::Refused),
        ];
        for (status, session, error, expected) in cases {
            assert_eq!(refresh_verdict(status, session, error), expected, "{status} {session} {error:?}");
        }
    }
}
