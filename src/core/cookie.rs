//! The token cookies as text: the attributes they are written with, the strings assigned to
//! `document.cookie` to write and remove one, and reading ours back out of `document.cookie`.
//!
//! Reading is lenient on purpose. `document.cookie` holds every cookie of the page, most of them
//! set by other code: malformed percent-escapes (`bad=%E0%A4%A`), pairs without `=`, empty names,
//! odd spacing, and the same name more than once (set with two paths or two domains). None of that
//! may make our value unreadable, and a value of ours that is not valid percent-encoding reads as
//! absent (no token) rather than as an error that would send the client to its memory fallback.

use super::json;
use super::options::{CookieOptions, SameSite};
use super::text;
use super::url::encode_component;

/// The attributes every token cookie is written with, e.g. `; Path=/; SameSite=Lax; Secure`:
///
/// - `Path` as given, `/` by default; `Domain` only when given (else a host-only cookie);
/// - `SameSite` as given, `Lax` by default;
/// - `Secure` when asked for, always with `SameSite=None` (browsers refuse it otherwise) and with
///   `hostPrefix`, and by default on https pages; `secure: false` on an https page leaves it off;
/// - `Max-Age` in whole seconds (rounded down) when given, else a session cookie.
pub fn attributes(options: &CookieOptions, page_is_https: bool) -> String {
    let same_site = options.same_site.unwrap_or(SameSite::Lax);
    let secure =
        same_site == SameSite::None || options.host_prefix || options.secure.unwrap_or(page_is_https);
    let mut out = String::with_capacity(64);
    out.push_str("; Path=");
    out.push_str(options.path.as_deref().filter(|path| !path.is_empty()).unwrap_or("/"));
    if let Some(domain) = options.domain.as_deref().filter(|domain| !domain.is_empty()) {
        out.push_str("; Domain=");
        out.push_str(domain);
    }
    out.push_str(match same_site {
        SameSite::Strict => "; SameSite=Strict",
        SameSite::Lax => "; SameSite=Lax",
        SameSite::None => "; SameSite=None",
    });
    if secure {
        out.push_str("; Secure");
    }
    // Browsers cap a cookie's lifetime at about 400 days anyway; the clamp only keeps the number
    // printable (a NaN prints nothing: a session cookie).
    if let Some(seconds) = options.max_age.and_then(|s| json::integer_text(s.floor().clamp(0.0, 1e14))) {
        out.push_str("; Max-Age=");
        out.push_str(&seconds);
    }
    out
}

/// The name of the cookie that keeps the value stored under `key`: `key` itself, or with
/// `hostPrefix` `__Host-key` (a cookie the browser keeps only when `Secure`, `Path=/` and without
/// `Domain`, so no subdomain and no plain-http page can set or shadow it).
pub fn name(key: &str, host_prefix: bool) -> String {
    if host_prefix {
        let mut name = "__Host-".to_owned();
        name.push_str(key);
        name
    } else {
        key.to_owned()
    }
}

/// What to assign to `document.cookie` to store `value` under `name` (both percent-encoded as
/// `encodeURIComponent` does), with `attributes` from [`attributes`].
pub fn assignment(name: &str, value: &str, attributes: &str) -> String {
    let mut out = encode_component(name);
    out.push('=');
    out.push_str(&encode_component(value));
    out.push_str(attributes);
    out
}

/// What to assign to `document.cookie` to remove the cookie `name` written with `attributes`:
/// the same `Path` and `Domain` (a cookie is only replaced by one that matches them), an empty
/// value and `Max-Age=0`. It comes last, so it wins over a `Max-Age` in `attributes` (the last
/// one counts, RFC 6265 §5.3).
pub fn removal(name: &str, attributes: &str) -> String {
    let mut out = encode_component(name);
    out.push('=');
    out.push_str(attributes);
    out.push_str("; Max-Age=0");
    out
}

/// The value of the cookie `name` in `cookie_header` (the text of `document.cookie`, pairs
/// separated by `;`), percent-decoded; `None` when there is none that decodes.
///
/// Names are compared after the same decoding, so `access_token` and `access%5Ftoken` are one
/// name, as for the cookie libraries that read with `decodeURIComponent`. Spaces and tabs around
/// names and values are ignored, a value in double quotes is read without them, and a pair
/// without `=` (which the browser gives an empty name) is never ours.
///
/// When the name appears more than once, the first one whose value decodes is the answer. The
/// order is the browser's, and deterministic: the cookie with the longest `Path` first, then the
/// oldest (RFC 6265 §5.4). That first cookie is also the one a server reads when the same header
/// reaches it (frameworks keep the first of a name), so the client and the backend agree on the
/// token; skipping values that do not decode keeps a malformed duplicate set by other code from
/// hiding ours.
pub fn find(cookie_header: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    text::split(cookie_header, b';').find_map(|pair| {
        let (key, value) = text::split_once(pair, b'=')?;
        let key = key.trim_ascii();
        if key != name && decode(key).as_deref() != Some(name) {
            return None;
        }
        let value = value.trim_ascii();
        let value = match value.as_bytes() {
            [b'"', .., b'"'] => value.get(1..value.len() - 1).unwrap_or(value),
            _ => value,
        };
        decode(value)
    })
}

/// Percent-decodes `text` as JavaScript's `decodeURIComponent` does, but returns `None` where it
/// would throw: a `%` not followed by two hex digits, or escapes that are not UTF-8 (a truncated
/// or overlong sequence, a surrogate, a code point above U+10FFFF).
///
/// The escaped bytes are put together into characters here, rather than collected and handed to
/// `String::from_utf8`, whose general validator is most of the size of this function.
pub fn decode(text: &str) -> Option<String> {
    let mut parts = text::split(text, b'%');
    let mut out = String::with_capacity(text.len());
    out.push_str(parts.next()?);
    // The character being put together, how many continuation bytes it still needs, and the
    // smallest code point its length may encode (anything below is an overlong form).
    let (mut code, mut needed, mut least) = (0u32, 0u32, 0u32);
    for part in parts {
        let escape = part.as_bytes();
        let byte = u32::from(hex(*escape.first()?)? << 4 | hex(*escape.get(1)?)?);
        if needed == 0 {
            (code, needed, least) = match byte {
                0x00..=0x7F => (byte, 0, 0),
                0xC0..=0xDF => (byte & 0x1F, 1, 0x80),
                0xE0..=0xEF => (byte & 0x0F, 2, 0x800),
                0xF0..=0xF7 => (byte & 0x07, 3, 0x1_0000),
                _ => return None,
            };
        } else if byte & 0xC0 == 0x80 {
            code = code << 6 | (byte & 0x3F);
            needed -= 1;
        } else {
            return None;
        }
        // The two hex digits are ASCII, so the rest of the part starts on a character boundary.
        let rest = part.get(2..)?;
        if needed == 0 {
            if code < least {
                return None;
            }
            out.push(char::from_u32(code)?);
        } else if !rest.is_empty() {
            return None;
        }
        out.push_str(rest);
    }
    (needed == 0).then_some(out)
}

/// The value of an ASCII hex digit.
fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::text::cat;

    fn options(
        path: Option<&str>,
        domain: Option<&str>,
        same_site: Option<SameSite>,
        secure: Option<bool>,
        max_age: Option<f64>,
    ) -> CookieOptions {
        CookieOptions {
            path: path.map(str::to_owned),
            domain: domain.map(str::to_owned),
            same_site,
            secure,
            max_age,
            host_prefix: false,
        }
    }

    #[test]
    fn attributes_apply_the_documented_defaults() {
        use SameSite::{Lax, None as NoneSite, Strict};
        let cases = [
            // (options, https page, attributes)
            (options(None, None, None, None, None), false, "; Path=/; SameSite=Lax"),
            (options(None, None, None, None, None), true, "; Path=/; SameSite=Lax; Secure"),
            (options(None, None, None, Some(false), None), true, "; Path=/; SameSite=Lax"),
            (options(None, None, None, Some(true), None), false, "; Path=/; SameSite=Lax; Secure"),
            (options(None, None, Some(Strict), None, None), false, "; Path=/; SameSite=Strict"),
            (options(None, None, Some(Lax), None, None), false, "; Path=/; SameSite=Lax"),
            (options(None, None, Some(NoneSite), None, None), false, "; Path=/; SameSite=None; Secure"),
            (options(None, None, Some(NoneSite), Some(false), None), true, "; Path=/; SameSite=None; Secure"),
            (options(Some("/app"), None, None, None, None), false, "; Path=/app; SameSite=Lax"),
            (options(Some(""), Some(""), None, None, None), false, "; Path=/; SameSite=Lax"),
            (
                options(Some("/"), Some("example.com"), Some(Strict), Some(true), None),
                false,
                "; Path=/; Domain=example.com; SameSite=Strict; Secure",
            ),
            (options(None, None, None, None, Some(3600.0)), false, "; Path=/; SameSite=Lax; Max-Age=3600"),
            (options(None, None, None, None, Some(59.9)), true, "; Path=/; SameSite=Lax; Secure; Max-Age=59"),
            (options(None, None, None, None, Some(0.0)), false, "; Path=/; SameSite=Lax; Max-Age=0"),
            (options(None, None, None, None, Some(-5.0)), false, "; Path=/; SameSite=Lax; Max-Age=0"),
            (options(None, None, None, None, Some(f64::NAN)), false, "; Path=/; SameSite=Lax"),
            (
                options(None, None, None, None, Some(1e300)),
                false,
                "; Path=/; SameSite=Lax; Max-Age=100000000000000",
            ),
        ];
        for (options, https, expected) in cases {
            assert_eq!(attributes(&options, https), expected, "{options:?}, https: {https}");
        }
    }

    #[test]
    fn a_host_prefix_names_the_cookies_and_makes_them_secure() {
        let host = CookieOptions { host_prefix: true, ..CookieOptions::default() };
        assert_eq!(name("access_token", false), "access_token");
        assert_eq!(name("access_token", true), "__Host-access_token");
        for https in [false, true] {
            assert_eq!(attributes(&host, https), "; Path=/; SameSite=Lax; Secure", "https: {https}");
        }
        let strict = CookieOptions { same_site: Some(SameSite::Strict), secure: Some(true), ..host.clone() };
        assert_eq!(attributes(&strict, false), "; Path=/; SameSite=Strict; Secure");
        let written = assignment(&name("t", true), "v", &attributes(&host, true));
        assert_eq!(written, "__Host-t=v; Path=/; SameSite=Lax; Secure");
        assert_eq!(find("t=other; __Host-t=v", &name("t", true)).as_deref(), Some("v"));
    }

    #[test]
    fn writes_and_removals_encode_like_encode_uri_component() {
        let cases = [
            ("access_token", "A1.b_c-d~", "; Path=/", "access_token=A1.b_c-d~; Path=/"),
            ("refresh_token", "R1/+=x", "; Path=/", "refresh_token=R1%2F%2B%3Dx; Path=/"),
            ("fwr test", "v w;=é,\"x\"", "", "fwr%20test=v%20w%3B%3D%C3%A9%2C%22x%22"),
            ("k", "", "; Path=/", "k=; Path=/"),
        ];
        for (name, value, attributes, expected) in cases {
            assert_eq!(assignment(name, value, attributes), expected);
        }
        let removals = [
            ("access_token", "; Path=/; SameSite=Lax", "access_token=; Path=/; SameSite=Lax; Max-Age=0"),
            ("a b", "; Path=/; Max-Age=60", "a%20b=; Path=/; Max-Age=60; Max-Age=0"),
        ];
        for (name, attributes, expected) in removals {
            assert_eq!(removal(name, attributes), expected);
        }
    }

    #[test]
    fn our_cookie_is_found_among_whatever_else_the_page_holds() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            // (document.cookie, name, value)
            ("", "access_token", None),
            ("access_token=A1", "access_token", Some("A1")),
            ("theme=dark; access_token=A1; lang=en", "access_token", Some("A1")),
            ("x_access_token=X; access_token_expires_at=1; access_token=A1", "access_token", Some("A1")),
            // A foreign cookie with a malformed escape does not matter (decodeURIComponent over the
            // whole jar threw here, and the client fell back to memory).
            ("bad=%E0%A4%A; access_token=A1", "access_token", Some("A1")),
            ("access_token=A1; bad=%E0%A4%A", "access_token", Some("A1")),
            ("bad=%; worse=%zz; access_token=A%2F1", "access_token", Some("A/1")),
            // Pairs without `=` (an empty name to the browser), empty names, odd spacing.
            ("justavalue; =empty-name; access_token=A1", "access_token", Some("A1")),
            ("access_token", "access_token", None),
            (";;  access_token =\tA1 ;", "access_token", Some("A1")),
            ("access_token=A1", "", None),
            ("=A1", "", None),
            // The value is everything after the first `=`.
            ("access_token=a=b=c", "access_token", Some("a=b=c")),
            ("access_token=", "access_token", Some("")),
            // Quoted values (RFC 6265 allows them) are read without the quotes.
            ("access_token=\"A1\"", "access_token", Some("A1")),
            ("access_token=\"", "access_token", Some("\"")),
            // Encoded names and values.
            ("fwr%20test=v%20w%3B%3D%C3%A9%2C%22x%22", "fwr test", Some("v w;=é,\"x\"")),
            ("access%5Ftoken=A1", "access_token", Some("A1")),
            ("access%5token=A1; access_token=A2", "access_token", Some("A2")),
            // Our own value, when it is not valid percent-encoding, reads as absent.
            ("access_token=%E0%A4%A", "access_token", None),
            ("access_token=%C3%28", "access_token", None),
            ("access_token=100%", "access_token", None),
            // Duplicates (two paths, two domains): the first whose value decodes.
            ("access_token=FIRST; access_token=SECOND", "access_token", Some("FIRST")),
            ("access_token=%E0%A4%A; access_token=A1", "access_token", Some("A1")),
            ("access_token=%zz; access_token=; access_token=A1", "access_token", Some("")),
        ];
        for (jar, name, expected) in cases {
            assert_eq!(find(jar, name).as_deref(), *expected, "{name} in {jar:?}");
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        for (name, value) in [("access_token", "eyJ.a-b_c.d~"), ("a b;c", "v w;=é,\"x\"%"), ("k", "")] {
            let written = assignment(name, value, "; Path=/");
            let pair = written.strip_suffix("; Path=/").unwrap_or(&written);
            let jar = cat(&["other=%E0%A4%A; ", pair, "; more=1"]);
            assert_eq!(find(&jar, name).as_deref(), Some(value), "{jar}");
        }
    }

    #[test]
    fn decoding_is_decode_uri_component_without_the_throw() {
        let cases = [
            ("", Some("")),
            ("plain", Some("plain")),
            ("a%20b", Some("a b")),
            ("%2f%2F", Some("//")),
            ("%C3%A9", Some("é")),
            ("%E2%82%AC", Some("€")),
            ("+", Some("+")),
            ("%", None),
            ("%2", None),
            ("%g0", None),
            ("%E0%A4%A", None),
            ("%C3", None),
            ("%FF", None),
            ("%F0%9F%98%80 ok", Some("\u{1F600} ok")),
            ("é%C3%A9é", Some("ééé")),
            ("%E2%82", None),
            ("%E2%82x%AC", None),
            ("%C0%AF", None),
            ("%E0%80%AF", None),
            ("%ED%A0%80", None),
            ("%F4%90%80%80", None),
            ("%F8%80%80%80%80", None),
            ("%80", None),
            ("%C3%A9%", None),
        ];
        for (text, expected) in cases {
            assert_eq!(decode(text).as_deref(), expected, "{text:?}");
        }
    }

    /// Escaped byte sequences decode exactly when they are UTF-8, checked against the standard
    /// library's validator: every sequence of one and two bytes, and the edges of longer ones.
    #[test]
    fn decoding_accepts_exactly_utf8() {
        let escaped = |bytes: &[u8]| bytes.iter().map(|b| format!("%{b:02x}")).collect::<String>();
        let check = |bytes: &[u8]| {
            let expected = String::from_utf8(bytes.to_vec()).ok();
            assert_eq!(decode(&escaped(bytes)), expected, "{bytes:02X?}");
        };
        for a in 0..=255u8 {
            check(&[a]);
            for b in 0..=255u8 {
                check(&[a, b]);
            }
        }
        let edges = [0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF];
        for a in 0xE0..=0xFFu8 {
            for b in edges {
                for c in edges {
                    check(&[a, b, c]);
                    for d in edges {
                        check(&[a, b, c, d]);
                    }
                }
            }
        }
    }
}
