//! Transient refresh failures and renewal limits: which failures are tried again, after how long
//! (exponential backoff with jitter, or the server's `Retry-After`), and how many renewals a window
//! of time allows. Pure: the driver supplies the clock and the random numbers.

/// The `retry` option: how a refresh call that failed transiently is tried again, always within
/// the refresh timeout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Tries after the first one.
    pub attempts: u32,
    /// The delay before the first retry, in ms; it doubles for each one after.
    pub base_delay_ms: f64,
    /// The longest delay between two tries, in ms (a `Retry-After` may ask for more, up to
    /// [`RETRY_AFTER_CAP_MS`]).
    pub max_delay_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy { attempts: 3, base_delay_ms: 250.0, max_delay_ms: 4_000.0 }
    }
}

/// The longest `Retry-After` honoured, in ms. The refresh timeout bounds every wait anyway: a
/// server asking for more than is left gets no retry.
pub const RETRY_AFTER_CAP_MS: f64 = 60_000.0;

/// Whether a refresh call that ended this way is worth trying again: no answer at all (`None`), a
/// 5xx, a 429 (too many requests) or a 408 (request timeout). Every other answer says something
/// that another try would only repeat.
pub fn is_transient(status: Option<u16>) -> bool {
    match status {
        None => true,
        Some(status) => status == 408 || status == 429 || (500..600).contains(&status),
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first), in ms: the server's `Retry-After`
    /// when it gave one (up to [`RETRY_AFTER_CAP_MS`]), else `base · 2^retry` capped at the
    /// maximum, of which a random half (`jitter` in [0, 1)) is waited, so that many clients that
    /// failed together do not come back together.
    pub fn delay_ms(&self, retry: u32, jitter: f64, retry_after_ms: Option<f64>) -> f64 {
        if let Some(asked) = retry_after_ms {
            return asked.clamp(0.0, RETRY_AFTER_CAP_MS);
        }
        let exponential = (self.base_delay_ms * 2f64.powi(retry.min(30) as i32)).min(self.max_delay_ms);
        exponential / 2.0 + exponential / 2.0 * jitter.clamp(0.0, 1.0)
    }
}

/// A `Retry-After` header (RFC 9110 §10.2.3) as a delay in ms from `now` (epoch ms): delay-seconds,
/// or an HTTP-date (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`). `None` for anything else.
pub fn retry_after_ms(header: &str, now: f64) -> Option<f64> {
    let header = header.trim();
    if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        return header.parse::<u32>().ok().map(|seconds| f64::from(seconds) * 1000.0);
    }
    http_date_ms(header).map(|at| (at - now).max(0.0))
}

/// An IMF-fixdate (`Retry-After`, `Date`) as epoch ms.
pub fn http_date_ms(text: &str) -> Option<f64> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    let mut parts = text.split(' ');
    let (_weekday, day, month, year, time, zone) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || zone != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let number = |s: &str, digits: usize| -> Option<i64> {
        (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (day, year) = (number(day, 2)?, number(year, 4)?);
    let mut clock = time.split(':');
    let (h, m, s) = (number(clock.next()?, 2)?, number(clock.next()?, 2)?, number(clock.next()?, 2)?);
    if clock.next().is_some() || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3_600 + m * 60 + s) * 1000) as f64)
}

/// The `renewLimit` option: at most `count` refreshes in any `per_ms` window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenewLimit {
    /// How many.
    pub count: u32,
    /// In how long, in ms.
    pub per_ms: f64,
}

impl Default for RenewLimit {
    fn default() -> RenewLimit {
        RenewLimit { count: 10, per_ms: 60_000.0 }
    }
}

/// The refreshes made lately, against a [`RenewLimit`]: a server that keeps answering "expired"
/// for tokens it has just issued meets this limit instead of a refresh loop.
#[derive(Debug, Default)]
pub struct Renewals {
    recent: Vec<f64>,
}

impl Renewals {
    /// Whether a refresh may be made at `now` (epoch ms); when it may, it is counted.
    pub fn admit(&mut self, now: f64, limit: &RenewLimit) -> bool {
        self.recent.retain(|at| now - *at < limit.per_ms && *at <= now);
        if self.recent.len() >= limit.count as usize {
            return false;
        }
        self.recent.push(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_retried() {
        let cases = [
            (None, true),
            (Some(500), true),
            (Some(502), true),
            (Some(503), true),
            (Some(599), true),
            (Some(429), true),
            (Some(408), true),
            (Some(400), false),
            (Some(401), false),
            (Some(403), false),
            (Some(404), false),
            (Some(302), false),
            (Some(600), false),
        ];
        for (status, expected) in cases {
            assert_eq!(is_transient(status), expected, "{status:?}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        // No jitter: half the exponential step; full jitter: all of it.
        let cases = [
            (0, 0.0, 125.0),
            (0, 0.999_999, 250.0),
            (1, 0.0, 250.0),
            (2, 0.0, 500.0),
            (3, 0.5, 1_500.0),
            (4, 0.0, 2_000.0),
            (10, 0.0, 2_000.0),
            (100, 1.0, 4_000.0),
        ];
        for (retry, jitter, expected) in cases {
            let delay = policy.delay_ms(retry, jitter, None);
            assert!((delay - expected).abs() < 0.01, "retry {retry}, jitter {jitter}: {delay}");
        }
        // A jitter outside [0, 1) from a bad random source stays within the step.
        assert_eq!(policy.delay_ms(0, 7.0, None), 250.0);
        assert_eq!(policy.delay_ms(0, -1.0, None), 125.0);
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay_ms(0, 0.3, Some(7_000.0)), 7_000.0);
        assert_eq!(policy.delay_ms(0, 0.3, Some(3_600_000.0)), RETRY_AFTER_CAP_MS);
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        let cases = [
            ("120", Some(120_000.0)),
            (" 0 ", Some(0.0)),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(10_000.0)),
            ("Sun, 06 Nov 1994 08:49:27 GMT", Some(0.0)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0.0)),
            ("Sun, 06 Nov 1994 08:49:47 UTC", None),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 25:49:37 GMT", None),
            ("-5", None),
            ("1.5", None),
            ("", None),
            ("99999999999", None),
        ];
        for (header, expected) in cases {
            assert_eq!(retry_after_ms(header, now), expected, "{header:?}");
        }
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(now));
        assert_eq!(http_date_ms("Sat, 28 Nov 2026 10:12:15 GMT"), Some(1_795_860_735_000.0));
        assert_eq!(http_date_ms("Thu, 29 Feb 2024 00:00:00 GMT"), Some(1_709_164_800_000.0));
    }

    #[test]
    fn renewals_are_limited_per_window() {
        let limit = RenewLimit { count: 3, per_ms: 10_000.0 };
        let mut renewals = Renewals::default();
        assert!(renewals.admit(0.0, &limit));
        assert!(renewals.admit(1_000.0, &limit));
        assert!(renewals.admit(2_000.0, &limit));
        assert!(!renewals.admit(3_000.0, &limit), "a fourth within 10 s");
        assert!(!renewals.admit(9_999.0, &limit));
        assert!(renewals.admit(10_000.0, &limit), "the first one left the window");
        assert!(!renewals.admit(10_500.0, &limit));
        // A clock set back does not lock renewals out forever.
        assert!(renewals.admit(-50_000.0, &limit));
    }
}
