//! Origins (placeholder until the options work lands).

/// The origin of a canonical absolute URL.
pub fn origin_of(href: &str) -> Option<String> {
    let (scheme, rest) = href.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    if host.is_empty() || host.contains(' ') {
        return None;
    }
    let host = match (scheme, host.strip_suffix(":443"), host.strip_suffix(":80")) {
        ("https", Some(h), _) | ("http", _, Some(h)) => h,
        _ => host,
    };
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// Whether `origin` is in `allowed`.
pub fn is_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| a == origin)
}
