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

/// Classifies `tokens` at time `now` (epoch ms) for a proactive window of `window_ms`. A token
/// whose lifetime is known is never `Expiring` in the first half of it: a 15-minute token is inside
/// a 30-minute window the moment it arrives, and must not be refreshed on every request.
pub fn freshness(tokens: &TokenSet, now: f64, window_ms: f64) -> Freshness {
    let second_half = |at: f64| tokens.issued_at.is_none_or(|issued| now >= issued + (at - issued) / 2.0);
    match tokens.expires_at {
        None => Freshness::Unknown,
        Some(at) if at <= now => Freshness::Expired,
        Some(at) if at - now <= window_ms && second_half(at) => Freshness::Expiring,
        Some(_) => Freshness::Fresh,
    }
}

/// When `tokens` enter their refresh window (epoch ms): when [`freshness`] stops calling them
/// `Fresh`. `None` when no expiry is known. What the `autoRefresh` timer waits for.
pub fn refresh_due_at(tokens: &TokenSet, window_ms: f64) -> Option<f64> {
    let at = tokens.expires_at?;
    let window_opens = at - window_ms;
    Some(match tokens.issued_at {
        Some(issued) => window_opens.max(issued + (at - issued) / 2.0),
        None => window_opens,
    })
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
            let tokens = TokenSet {
                access: Secret::new("t").expect("usable"),
                refresh: None,
                expires_at,
                issued_at: None,
            };
            assert_eq!(freshness(&tokens, now, window), expected, "{expires_at:?}");
        }
    }

    #[test]
    fn no_proactive_refresh_in_the_first_half_of_a_known_lifetime() {
        // A 15-minute token with the default 30-minute window, issued at 0.
        let window = 1_800_000.0;
        let issued = 0.0;
        let at = 900_000.0;
        let cases = [
            (0.0, Freshness::Fresh),
            (449_999.0, Freshness::Fresh),
            (450_000.0, Freshness::Expiring),
            (899_999.0, Freshness::Expiring),
            (900_000.0, Freshness::Expired),
        ];
        for (now, expected) in cases {
            let tokens = TokenSet {
                access: Secret::new("t").expect("usable"),
                refresh: None,
                expires_at: Some(at),
                issued_at: Some(issued),
            };
            assert_eq!(freshness(&tokens, now, window), expected, "at {now} ms");
        }
        // The window still decides within the second half: a 10-hour token, 30-minute window.
        let long = TokenSet {
            access: Secret::new("t").expect("usable"),
            refresh: None,
            expires_at: Some(36_000_000.0),
            issued_at: Some(0.0),
        };
        assert_eq!(freshness(&long, 20_000_000.0, window), Freshness::Fresh);
        assert_eq!(freshness(&long, 34_200_000.0, window), Freshness::Expiring);
    }

    #[test]
    fn the_refresh_falls_due_when_the_token_stops_being_fresh() {
        let set = |expires_at: Option<f64>, issued_at: Option<f64>| TokenSet {
            access: Secret::new("t").expect("usable"),
            refresh: None,
            expires_at,
            issued_at,
        };
        let window = 1_800_000.0;
        let cases = [
            // (expires_at, issued_at, window, due)
            (None, None, window, None),
            (Some(10_000_000.0), None, window, Some(8_200_000.0)),
            (Some(10_000_000.0), None, 0.0, Some(10_000_000.0)),
            // A 15-minute token: half its life, not the window.
            (Some(900_000.0), Some(0.0), window, Some(450_000.0)),
            // A 10-hour token: the window, which opens after half its life.
            (Some(36_000_000.0), Some(0.0), window, Some(34_200_000.0)),
        ];
        for (expires_at, issued_at, window, due) in cases {
            let tokens = set(expires_at, issued_at);
            assert_eq!(refresh_due_at(&tokens, window), due, "{expires_at:?} {issued_at:?} {window}");
            // It agrees with `freshness`: fresh just before, not fresh from then on.
            if let Some(due) = due {
                assert_eq!(freshness(&tokens, due - 1.0, window), Freshness::Fresh);
                assert_ne!(freshness(&tokens, due, window), Freshness::Fresh);
            }
        }
    }

    #[test]
    fn a_zero_window_never_refreshes_early() {
        let tokens = TokenSet {
            access: Secret::new("t").expect("usable"),
            refresh: None,
            expires_at: Some(10.0),
            issued_at: None,
        };
        assert_eq!(freshness(&tokens, 9.0, 0.0), Freshness::Fresh);
        assert_eq!(freshness(&tokens, 10.0, 0.0), Freshness::Expired);
    }
}
