//! Origins: which URLs receive the access token.
//!
//! The browser's `URL` resolves a relative URL against the page and gives its canonical `href`;
//! from there on everything is decided here: the origin (`scheme://host[:port]`) of an `href`,
//! whether it is allowed, and the default list (the page's origin and `baseURL`'s).
//!
//! Only the special schemes with a host have an origin that can receive a token (`http`,
//! `https`, `ws`, `wss`, `ftp`); `file:`, `data:`, `blob:`, `about:` and every other scheme have
//! an opaque origin (`null`) and get none.

/// The schemes that have a host, with their default port (dropped from the origin).
const SPECIAL: [(&str, &str); 5] =
    [("http", "80"), ("https", "443"), ("ws", "80"), ("wss", "443"), ("ftp", "21")];

/// The origin of an absolute URL, `scheme://host[:port]` in lower case with the scheme's default
/// port left out, or `None` when it has none (an opaque or `null` origin, or text that is not an
/// absolute URL with a host).
///
/// `href` is expected in the canonical form `URL.href` gives; the parsing is still strict where it
/// matters for safety: the host is what follows the *last* `@` of the authority, so
/// `https://api.example.com@evil.com/` is `https://evil.com`, and `\` ends the authority as it does
/// in browsers.
pub fn origin_of(href: &str) -> Option<String> {
    let (scheme, rest) = href.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = SPECIAL.iter().find(|(name, _)| *name == scheme)?.1;
    let authority = rest.strip_prefix("//")?.split(['/', '\\', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_userinfo, host_port)| host_port);
    // (Splitting, never slicing by index: nothing here can panic.)
    let (host, ipv6, port) = match host_port.strip_prefix('[') {
        Some(bracketed) => {
            let (ip, after) = bracketed.split_once(']')?;
            let port = if after.is_empty() { None } else { Some(after.strip_prefix(':')?) };
            (ip, true, port)
        }
        None => match host_port.split_once(':') {
            Some((host, port)) => (host, false, Some(port)),
            None => (host_port, false, None),
        },
    };
    let valid = if ipv6 {
        host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    };
    if host.is_empty() || !valid {
        return None;
    }
    let mut origin = String::with_capacity(scheme.len() + host_port.len() + 5);
    origin.push_str(&scheme);
    origin.push_str("://");
    if ipv6 {
        origin.push('[');
    }
    origin.push_str(&host.to_ascii_lowercase());
    if ipv6 {
        origin.push(']');
    }
    match port.map(port_number) {
        None | Some(Some("")) => {}
        Some(None) => return None,
        Some(Some(port)) if port == default_port => {}
        Some(Some(port)) => {
            origin.push(':');
            origin.push_str(port);
        }
    }
    Some(origin)
}

/// A port as written without leading zeros (`""` for an empty port, which means the default),
/// or `None` when it is not a number from 0 to 65535.
fn port_number(port: &str) -> Option<&str> {
    if port.is_empty() {
        return Some("");
    }
    let digits = port.trim_start_matches('0');
    let value = digits
        .bytes()
        .try_fold(0u32, |n, b| (b.is_ascii_digit() && n <= 65_535).then(|| n * 10 + u32::from(b - b'0')))?;
    match digits {
        "" => Some("0"),
        _ if value <= 65_535 => Some(digits),
        _ => None,
    }
}

/// Whether `origin` (from [`origin_of`]) is one of `allowed` (each from [`origin_of`] too).
pub fn is_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}

/// The default `allowedOrigins`: the page's origin and `baseURL`'s (each given as an absolute
/// `href`, `baseURL` already resolved against the page), without repeats; those without an
/// origin are left out.
pub fn default_allowed_origins(page_href: Option<&str>, base_href: Option<&str>) -> Vec<String> {
    let mut origins: Vec<String> = Vec::with_capacity(2);
    for origin in [page_href, base_href].into_iter().flatten().filter_map(origin_of) {
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_urls() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://api.example.com/v1/users?x=1#f", Some("https://api.example.com")),
            ("https://api.example.com", Some("https://api.example.com")),
            ("https://api.example.com?x", Some("https://api.example.com")),
            ("https://api.example.com#x", Some("https://api.example.com")),
            ("http://127.0.0.1:8080/", Some("http://127.0.0.1:8080")),
            // Default ports are dropped, others kept.
            ("https://a.test:443/", Some("https://a.test")),
            ("http://a.test:80/", Some("http://a.test")),
            ("https://a.test:80/", Some("https://a.test:80")),
            ("http://a.test:443/", Some("http://a.test:443")),
            ("wss://a.test:443/", Some("wss://a.test")),
            ("ws://a.test:8080/", Some("ws://a.test:8080")),
            ("ftp://a.test:21/", Some("ftp://a.test")),
            ("https://a.test:0443/", Some("https://a.test")),
            ("https://a.test:/", Some("https://a.test")),
            ("https://a.test:0/", Some("https://a.test:0")),
            ("https://a.test:65536/", None),
            ("https://a.test:99999999/", None),
            ("https://a.test:8x/", None),
            // Case.
            ("HTTPS://API.Example.COM/Path", Some("https://api.example.com")),
            // Userinfo is not the host.
            ("https://user:pw@api.example.com/", Some("https://api.example.com")),
            ("https://api.example.com@evil.com/", Some("https://evil.com")),
            ("https://api.example.com:443@evil.com/", Some("https://evil.com")),
            ("https://a@b@evil.com/", Some("https://evil.com")),
            ("https://evil.com/@api.example.com", Some("https://evil.com")),
            ("https://evil.com?@api.example.com", Some("https://evil.com")),
            ("https://evil.com#@api.example.com", Some("https://evil.com")),
            ("https://evil.com\\@api.example.com", Some("https://evil.com")),
            // Look-alike hosts are other hosts.
            ("https://api.example.com.evil.com/", Some("https://api.example.com.evil.com")),
            ("https://api-example.com/", Some("https://api-example.com")),
            // IPv6.
            ("http://[::1]:8080/x", Some("http://[::1]:8080")),
            ("http://[::1]:80/", Some("http://[::1]")),
            ("https://[FE80::1]/", Some("https://[fe80::1]")),
            ("https://[::ffff:127.0.0.1]/", Some("https://[::ffff:127.0.0.1]")),
            ("https://[::1/", None),
            ("https://[]/", None),
            ("https://[::1]x/", None),
            // No origin (opaque or null), or not an absolute URL with a host.
            ("file:///etc/passwd", None),
            ("data:text/plain,hi", None),
            ("blob:https://a.test/0f1e", None),
            ("about:blank", None),
            ("javascript:alert(1)", None),
            ("mailto:a@b.test", None),
            ("chrome-extension://abc/x", None),
            ("/relative/path", None),
            ("api.example.com", None),
            ("https:api.example.com", None),
            ("https:///path", None),
            ("https://", None),
            ("", None),
            ("https://a b.test/", None),
            ("https://\u{e9}.test/", None),
            ("https://a.test\n/", None),
            ("null", None),
        ];
        for (href, expected) in cases {
            assert_eq!(origin_of(href).as_deref(), *expected, "{href}");
        }
    }

    #[test]
    fn only_listed_origins_are_allowed() {
        let allowed = vec!["https://api.example.com".to_owned(), "http://[::1]:8080".to_owned()];
        let cases = [
            ("https://api.example.com/me", true),
            ("https://API.EXAMPLE.COM:443/me", true),
            ("http://[::1]:8080/x", true),
            ("http://api.example.com/me", false),
            ("https://api.example.com:8443/me", false),
            ("https://api.example.com.evil.com/me", false),
            ("https://evil.api.example.com/me", false),
            ("https://api.example.com@evil.com/me", false),
            ("https://xapi.example.com/me", false),
            ("http://[::1]:8081/x", false),
        ];
        for (url, expected) in cases {
            let origin = origin_of(url).unwrap_or_default();
            assert_eq!(is_allowed(&origin, &allowed), expected, "{url}");
        }
        assert!(!is_allowed("", &allowed));
        assert!(!is_allowed("https://api.example.com", &[]));
    }

    #[test]
    fn default_origins_are_the_page_and_base_url() {
        let page = Some("https://app.example.com/home");
        let cases: &[(Option<&str>, Option<&str>, &[&str])] = &[
            (page, None, &["https://app.example.com"]),
            (page, Some("https://app.example.com/api/"), &["https://app.example.com"]),
            (
                page,
                Some("https://api.example.com/v1"),
                &["https://app.example.com", "https://api.example.com"],
            ),
            (
                page,
                Some("HTTPS://API.example.com:443"),
                &["https://app.example.com", "https://api.example.com"],
            ),
            (None, Some("https://api.example.com/v1"), &["https://api.example.com"]),
            (Some("about:blank"), Some("https://api.example.com"), &["https://api.example.com"]),
            (Some("file:///index.html"), None, &[]),
            (None, None, &[]),
        ];
        for (page, base, expected) in cases {
            assert_eq!(default_allowed_origins(*page, *base), *expected, "{page:?} {base:?}");
        }
    }
}
