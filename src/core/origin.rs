//! Origins: which URLs receive the access token.
//!
//! The browser's `URL` resolves a relative URL against the page and gives its canonical `href`;
//! from there on everything is decided here: the origin (`scheme://host[:port]`) of an `href`,
//! whether it is allowed, and the default list (the page's origin and `baseURL`'s).
//!
//! Only the special schemes with a host have an origin that can receive a token (`http`,
//! `https`, `ws`, `wss`, `ftp`); `file:`, `data:`, `blob:`, `about:` and every other scheme have
//! an opaque origin (`null`) and get none.
//!
//! No downgrade: on an `https:` page a token never goes to an `http:` (or `ws:`, `ftp:`) origin,
//! where anyone on the path could read it, unless that origin is the machine itself (loopback,
//! which browsers count as secure). [`may_receive`] is the rule; the default list leaves such
//! origins out, and the options refuse them where they are named (`allowedOrigins`,
//! `refresh.url`), so no list of origins the client works from ever holds one.

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

/// Whether the page at `page_href` is an `https:` page (`href` as `URL.href` gives it).
pub fn is_https(page_href: Option<&str>) -> bool {
    page_href.is_some_and(|href| href.starts_with("https:"))
}

/// Whether `origin` (from [`origin_of`]) may receive a token from a page that is `https:` or
/// not: from an `https:` page only `https:` and `wss:` origins and loopback ones (`localhost`,
/// `*.localhost`, `127.0.0.0/8`, `[::1]`: the traffic never leaves the machine); from any other
/// page, any origin.
pub fn may_receive(origin: &str, page_is_https: bool) -> bool {
    // Prefixes and single-character splits only: no substring search, no slicing that could
    // panic (its formatting would cost the module kilobytes).
    if !page_is_https || origin.starts_with("https://") || origin.starts_with("wss://") {
        return true;
    }
    let Some(rest) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("ws://")) else {
        return false;
    };
    let host = match rest.strip_prefix('[') {
        Some(ipv6) => ipv6.split(']').next(),
        None => rest.split(':').next(),
    }
    .unwrap_or_default();
    is_loopback(host)
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(host: &str) -> bool {
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let ipv4 = host.starts_with("127.") && host.split('.').count() == 4 && host.split('.').all(number);
    ipv4 || host == "::1" || host == "localhost" || host.as_bytes().ends_with(b".localhost")
}

/// The default `allowedOrigins`: the page's origin and `baseURL`'s (each given as an absolute
/// `href`, `baseURL` already resolved against the page), without repeats; those without an
/// origin are left out, and so is an `http:` `baseURL` of an `https:` page ([`may_receive`]).
pub fn default_allowed_origins(page_href: Option<&str>, base_href: Option<&str>) -> Vec<String> {
    let mut origins: Vec<String> = Vec::with_capacity(2);
    let https = is_https(page_href);
    for origin in [page_href, base_href].into_iter().flatten().filter_map(origin_of) {
        if !origins.contains(&origin) && may_receive(&origin, https) {
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
            // No downgrade: an http baseURL of an https page gets no token (loopback aside).
            (page, Some("http://api.example.com/v1"), &["https://app.example.com"]),
            (page, Some("http://127.0.0.1:8787/"), &["https://app.example.com", "http://127.0.0.1:8787"]),
            (
                Some("http://app.example.com/"),
                Some("http://api.example.com/v1"),
                &["http://app.example.com", "http://api.example.com"],
            ),
        ];
        for (page, base, expected) in cases {
            assert_eq!(default_allowed_origins(*page, *base), *expected, "{page:?} {base:?}");
        }
    }

    #[test]
    fn an_https_page_sends_no_token_over_plain_http_except_to_loopback() {
        let cases = [
            // (origin, from an https page, from an http page)
            ("https://api.example.com", true, true),
            ("wss://api.example.com", true, true),
            ("http://api.example.com", false, true),
            ("ws://api.example.com", false, true),
            ("ftp://api.example.com", false, true),
            ("http://api.example.com:443", false, true),
            // Loopback never leaves the machine (browsers count it as a secure context).
            ("http://localhost", true, true),
            ("http://localhost:3000", true, true),
            ("http://app.localhost:3000", true, true),
            ("http://127.0.0.1:8787", true, true),
            ("http://127.1.2.3", true, true),
            ("http://[::1]:8080", true, true),
            // Look-alikes of loopback are not loopback.
            ("http://localhost.evil.com", false, true),
            ("http://evil-localhost", false, true),
            ("http://127.0.0.1.evil.com", false, true),
            ("http://127.evil.com", false, true),
            ("http://127.0.0", false, true),
            ("http://128.0.0.1", false, true),
            ("http://[::2]", false, true),
            ("http://[::ffff:127.0.0.1]", false, true),
            ("", false, true),
            ("nonsense", false, true),
        ];
        for (origin, from_https, from_http) in cases {
            assert_eq!(may_receive(origin, true), from_https, "{origin} from an https page");
            assert_eq!(may_receive(origin, false), from_http, "{origin} from an http page");
        }
        let pages = [
            (Some("https://app.example.com/"), true),
            (Some("http://app.example.com/"), false),
            (Some("file:///x"), false),
            (None, false),
        ];
        for (page, expected) in pages {
            assert_eq!(is_https(page), expected, "{page:?}");
        }
    }
}
