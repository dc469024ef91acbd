//! URL text helpers: joining a `baseURL` the way axios does, filling the refresh URL template,
//! and adding a query parameter. Origins are computed by the browser's `URL` on the web side.

use super::text;

/// True when `url` carries its own scheme (`https:`, `data:`…) or is protocol-relative (`//host`),
/// so that a `baseURL` must not be put in front of it.
pub fn is_absolute(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    let Some((scheme, _)) = text::split_once(url, b':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Joins `base` and `path` with exactly one slash between them, unless `path` is absolute.
/// An empty `path` gives `base` itself.
pub fn join(base: Option<&str>, path: &str) -> String {
    match base {
        Some(base) if !is_absolute(path) => {
            if path.is_empty() {
                return base.to_owned();
            }
            let mut out = base.trim_end_matches('/').to_owned();
            out.push('/');
            out.push_str(path.trim_start_matches('/'));
            out
        }
        _ => path.to_owned(),
    }
}

/// Percent-encodes `text` as JavaScript's `encodeURIComponent` does.
pub fn encode_component(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// The text after a `{name}` placeholder that starts `text` (which follows a `{`).
fn after_placeholder<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.strip_prefix(name)?.strip_prefix('}')
}

/// Whether `template` contains the placeholder `{name}`.
pub fn has_placeholder(template: &str, name: &str) -> bool {
    text::split(template, b'{').skip(1).any(|part| after_placeholder(part, name).is_some())
}

/// Replaces every `{name}` in `template` with the percent-encoded `value`.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((before, after)) = text::split_once(rest, b'{') {
        out.push_str(before);
        match after_placeholder(after, name) {
            Some(tail) => {
                out.push_str(&encode_component(value));
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Adds `name=value` (both percent-encoded) to the query of `url`, before any `#fragment`.
pub fn with_query(url: &str, name: &str, value: &str) -> String {
    let (head, fragment) = text::split_once(url, b'#').unwrap_or((url, ""));
    let mut out = String::with_capacity(url.len() + name.len() + value.len() + 2);
    out.push_str(head);
    match head.find('?') {
        None => out.push('?'),
        Some(_) if head.ends_with('?') || head.ends_with('&') => {}
        Some(_) => out.push('&'),
    }
    out.push_str(&encode_component(name));
    out.push('=');
    out.push_str(&encode_component(value));
    if !fragment.is_empty() || url.ends_with('#') {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_are_recognised() {
        let cases = [
            ("https://api.example.com/x", true),
            ("http://127.0.0.1:8080", true),
            ("//cdn.example.com/a", true),
            ("data:text/plain,hi", true),
            ("web+app:thing", true),
            ("/api/me", false),
            ("api/me", false),
            ("api/me?next=http://x", false),
            ("1http://x", false),
            ("", false),
            ("?q=1", false),
        ];
        for (url, expected) in cases {
            assert_eq!(is_absolute(url), expected, "{url}");
        }
    }

    #[test]
    fn base_urls_join_with_one_slash() {
        let cases = [
            (Some("/api"), "users", "/api/users"),
            (Some("/api/"), "/users", "/api/users"),
            (Some("/api//"), "//x.com/y", "//x.com/y"),
            (Some("https://h.com/v1"), "me", "https://h.com/v1/me"),
            (Some("https://h.com/v1/"), "/me", "https://h.com/v1/me"),
            (Some("/"), "api/v1/refresh_token", "/api/v1/refresh_token"),
            (Some("/api"), "https://other.com/x", "https://other.com/x"),
            (Some("/api"), "", "/api"),
            (None, "/me", "/me"),
            (None, "me", "me"),
        ];
        for (base, path, expected) in cases {
            assert_eq!(join(base, path), expected, "{base:?} + {path}");
        }
    }

    #[test]
    fn components_encode_like_encode_uri_component() {
        let cases = [
            ("abc.DEF-1_2~", "abc.DEF-1_2~"),
            ("a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g"),
            ("!*'()", "!*'()"),
            ("é", "%C3%A9"),
            ("a+b", "a%2Bb"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_component(input), expected, "{input}");
        }
    }

    #[test]
    fn templates_fill_every_placeholder() {
        assert_eq!(fill("/refreshJwt/{refreshToken}", "refreshToken", "a.b/c"), "/refreshJwt/a.b%2Fc");
        assert_eq!(fill("/r/{refreshToken}?again={refreshToken}", "refreshToken", "x"), "/r/x?again=x");
        assert_eq!(fill("/refresh", "refreshToken", "x"), "/refresh");
        assert_eq!(fill("/{a}/{refreshToken", "refreshToken", "x"), "/{a}/{refreshToken");
        assert!(has_placeholder("/r/{refreshToken}", "refreshToken"));
        assert!(!has_placeholder("/r/{refreshToken", "refreshToken"));
        assert!(!has_placeholder("/r/{accessToken}", "refreshToken"));
    }

    #[test]
    fn query_parameters_are_appended_before_the_fragment() {
        let cases = [
            ("/api/me", "/api/me?token=t%2B1"),
            ("/api/me?a=1", "/api/me?a=1&token=t%2B1"),
            ("/api/me?", "/api/me?token=t%2B1"),
            ("/api/me?a=1&", "/api/me?a=1&token=t%2B1"),
            ("/api/me#top", "/api/me?token=t%2B1#top"),
            ("/api/me?a=1#top?x", "/api/me?a=1&token=t%2B1#top?x"),
        ];
        for (url, expected) in cases {
            assert_eq!(with_query(url, "token", "t+1"), expected, "{url}");
        }
    }
}
