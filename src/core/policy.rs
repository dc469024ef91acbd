//! The expiry policy: what the local clock says about an access token.

use super::tokens::TokenSet;

/// Where a token stands against the local clock and the proactive window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Valid and outside the proactive window: use it.
    Fresh,
    /// Still valid but inside the proactive window: use it, and refresh in the background.
    Expiring,
    /// Past its expiry: the request must wait for a refresh.
    Expired,
    /// No expiry is known: use it, and rely on the server to say when it has expired.
    Unknown,
}

/// Classifies `tokens` at time `now` (epoch ms) for a proactive window of `window_ms`.
pub fn freshness(tokens: &TokenSet, now: f64, window_ms: f64) -> Freshness {
    match tokens.expires_at {
        None => Freshness::Unknown,
        Some(at) if at <= now => Freshness::Expired,
        Some(at) if at - now <= window_ms => Freshness::Expiring,
        Some(_) => Freshness::Fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tokens::Secret;

    #[test]
    fn freshness_follows_the_clock_and_the_window() {
        let window = 30_000.0;
        let now = 1_000_000.0;
        let cases = [
            (None, Freshness::Unknown),
            (Some(now + 60_000.0), Freshness::Fresh),
            (Some(now + 30_001.0), Freshness::Fresh),
            (Some(now + 30_000.0), Freshness::Expiring),
            (Some(now + 1.0), Freshness::Expiring),
            (Some(now), Freshness::Expired),
            (Some(now - 5_000.0), Freshness::Expired),
        ];
        for (expires_at, expected) in cases {
            let tokens = TokenSet { access: Secret::new("t").expect("usable"), refresh: None, expires_at };
            assert_eq!(freshness(&tokens, now, window), expected, "{expires_at:?}");
        }
    }

    #[test]
    fn a_zero_window_never_refreshes_early() {
        let tokens =
            TokenSet { access: Secret::new("t").expect("usable"), refresh: None, expires_at: Some(10.0) };
        assert_eq!(freshness(&tokens, 9.0, 0.0), Freshness::Fresh);
        assert_eq!(freshness(&tokens, 10.0, 0.0), Freshness::Expired);
    }
}
