//! Which requests get the token, and where it goes on them.

use super::options::{credential, Attach};
use super::origin::{is_allowed, origin_of};
use super::tokens::Secret;
use super::url;

/// Whether a request to `url` (absolute) is ours: it gets the token and the refresh rules. A
/// request with `auth: false`, or to an origin that is not allowed, is handed to `fetch` untouched.
pub fn is_ours(url: &str, auth: bool, allowed_origins: &[String]) -> bool {
    auth && origin_of(url).is_some_and(|origin| is_allowed(&origin, allowed_origins))
}

/// One attempt of a request: the URL it goes to and the header it carries.
#[derive(Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The URL, with the token appended as a query parameter when so configured.
    pub url: String,
    /// `(name, value)` of the header carrying the token.
    pub header: Option<(String, String)>,
}

impl core::fmt::Debug for Attempt {
    /// Shows the shape only: the URL and the header may carry the token.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Attempt")
            .field("header", &self.header.as_ref().map(|(name, _)| name))
            .finish_non_exhaustive()
    }
}

/// Puts `token` where `attach` says on a request to `url`. The caller's query is kept byte for
/// byte (a signed URL stays valid): the parameter is appended, nothing is re-encoded.
pub fn attempt(attach: &Attach, url: &str, token: Option<&Secret>) -> Attempt {
    match (attach, token) {
        (Attach::Header { name, scheme }, Some(token)) => Attempt {
            url: url.to_owned(),
            header: Some((name.clone(), credential(scheme.as_deref(), token))),
        },
        (Attach::Query { name }, Some(token)) => {
            Attempt { url: url::with_query(url, name, token.expose()), header: None }
        }
        (_, None) => Attempt { url: url.to_owned(), header: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins() -> Vec<String> {
        vec!["https://app.example.com".to_owned(), "http://127.0.0.1:8787".to_owned()]
    }

    #[test]
    fn only_allowed_origins_with_auth_are_ours() {
        let cases = [
            ("https://app.example.com/api/me", true, true),
            ("https://app.example.com:443/api/me", true, true),
            ("http://127.0.0.1:8787/x", true, true),
            ("https://app.example.com/api/me", false, false),
            ("http://app.example.com/api/me", true, false),
            ("https://app.example.com.evil.com/api", true, false),
            ("https://app.example.com@evil.com/api", true, false),
            ("https://evil.com/?https://app.example.com", true, false),
            ("http://127.0.0.1:8788/x", true, false),
            ("data:text/plain,hi", true, false),
            ("not a url", true, false),
        ];
        for (url, auth, expected) in cases {
            assert_eq!(is_ours(url, auth, &origins()), expected, "{url} auth={auth}");
        }
    }

    #[test]
    fn the_token_goes_where_attach_says() {
        let token = Secret::new("t+1").expect("usable");
        let bearer = Attach::default();
        let raw = Attach::Header { name: "X-Token".to_owned(), scheme: None };
        let query = Attach::Query { name: "token".to_owned() };
        let header = |name: &str, value: &str| Some((name.to_owned(), value.to_owned()));
        let cases = [
            (&bearer, "https://a/x", Some(&token), "https://a/x", header("Authorization", "Bearer t+1")),
            (&raw, "https://a/x", Some(&token), "https://a/x", header("X-Token", "t+1")),
            (
                &query,
                "https://a/x?q=a%20b&sig=x~y&flag",
                Some(&token),
                "https://a/x?q=a%20b&sig=x~y&flag&token=t%2B1",
                None,
            ),
            (&query, "https://a/x#frag", Some(&token), "https://a/x?token=t%2B1#frag", None),
            (&bearer, "https://a/x", None, "https://a/x", None),
            (&query, "https://a/x?q=1", None, "https://a/x?q=1", None),
        ];
        for (attach, url, token, expected_url, expected_header) in cases {
            let attempt = attempt(attach, url, token);
            assert_eq!(attempt.url, expected_url);
            assert_eq!(attempt.header, expected_header, "{url}");
        }
    }

    #[test]
    fn attempts_do_not_print_the_token() {
        let token = Secret::new("secret-token").expect("usable");
        let shown =
            format!("{:?}", attempt(&Attach::Query { name: "t".to_owned() }, "https://a/", Some(&token)));
        assert!(!shown.contains("secret-token"), "{shown}");
    }
}
