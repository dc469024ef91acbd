//! Injected refresh-endpoint failures (`POST /__admin/refresh-faults`): the next `count` refresh
//! calls answer 500, answer malformed JSON, never answer, answer late, or answer 429 with a
//! `Retry-After`. Transient failures must not log the user out (DESIGN.md rule 6), and these are
//! the ways a real refresh endpoint fails.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

/// The fault kinds, as the admin API names them.
pub const FAULT_KINDS: [&str; 5] = ["500", "malformed", "hang", "delay", "429"];

/// One of [`FAULT_KINDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `500`.
    Status500,
    /// `malformed`.
    Malformed,
    /// `hang`.
    Hang,
    /// `delay` (with `ms`).
    Delay,
    /// `429` (`Retry-After` from `ms`).
    TooMany,
}

impl Kind {
    /// The kind the admin API calls `name`.
    fn parse(name: &str) -> Option<Self> {
        match name {
            "500" => Some(Kind::Status500),
            "malformed" => Some(Kind::Malformed),
            "hang" => Some(Kind::Hang),
            "delay" => Some(Kind::Delay),
            "429" => Some(Kind::TooMany),
            _ => None,
        }
    }
}

/// The longest injectable delay (a day): larger values are capped.
const MAX_DELAY: Duration = Duration::from_secs(86_400);

/// What the next refresh call must do.
#[derive(Debug)]
pub enum Step {
    /// No fault left: answer normally.
    Pass,
    /// Answer HTTP 500 `{code: 500, msg: 'injected fault'}`.
    Fail500,
    /// Answer HTTP 200 with the text `not json{`.
    Malformed,
    /// Answer nothing until the faults are reset (or the server stops), then drop the connection.
    Hang(Hung),
    /// Wait, then answer normally.
    Delay(Duration),
    /// Answer HTTP 429 `{code: 429, msg: 'slow down'}` with `Retry-After` these many seconds.
    TooMany(u64),
}

/// A held-open refresh call: resolves when the faults are reset or the server shuts down.
#[derive(Debug)]
pub struct Hung(watch::Receiver<u64>);

impl Hung {
    /// Waits until the hang is ended.
    pub async fn released(mut self) {
        // An error means the sender is gone (shutdown): released too.
        let _ = self.0.changed().await;
    }
}

/// The pending plan: `count` more calls of `kind`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Plan {
    /// Calls still to fail.
    count: u64,
    /// What they do.
    kind: Kind,
    /// For `delay`.
    delay: Duration,
    /// For `429`: the `Retry-After` seconds, `ms` rounded up (1 without `ms`).
    retry_after: u64,
}

/// The fault plan of one backend.
#[derive(Debug)]
pub struct Faults {
    /// What the next refresh calls do.
    plan: Mutex<Plan>,
    /// Bumped by [`Faults::reset`] to end every hung call.
    release: watch::Sender<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            plan: Mutex::new(Plan { count: 0, kind: Kind::Status500, delay: Duration::ZERO, retry_after: 1 }),
            release: watch::Sender::new(0),
        }
    }
}

/// `Number.isInteger(v) && v >= 0`, for a JSON value.
fn non_negative_integer(value: Option<&Value>) -> Option<u64> {
    let number = value?.as_number()?;
    if let Some(n) = number.as_u64() {
        return Some(n);
    }
    let f = number.as_f64()?;
    // Saturates for huge values; -0 is an integer too.
    (f.is_finite() && f.fract() == 0.0 && f >= 0.0).then_some(f as u64)
}

impl Faults {
    /// Sets the plan from the admin request's JSON (`{count, kind, ms?}`), with the Node backend's
    /// validation and messages.
    pub fn set(&self, json: Option<&Value>) -> Result<(), String> {
        let field = |name: &str| json.and_then(Value::as_object).and_then(|o| o.get(name));
        let count = non_negative_integer(field("count")).ok_or("count must be a non-negative integer")?;
        let kind = field("kind")
            .and_then(Value::as_str)
            .and_then(Kind::parse)
            .ok_or_else(|| format!("kind must be one of {}", FAULT_KINDS.join(", ")))?;
        let ms = match field("ms") {
            None => None,
            Some(v) => Some(v.as_f64().filter(|ms| *ms >= 0.0).ok_or("ms must be a non-negative number")?),
        };
        let delay =
            Duration::try_from_secs_f64(ms.unwrap_or(0.0) / 1000.0).unwrap_or(MAX_DELAY).min(MAX_DELAY);
        // Whole seconds, as the header takes them: 1500 ms asks for 2 s, 0 ms for 0 s.
        let retry_after = ms.map_or(1, |ms| (ms / 1000.0).ceil().min(MAX_DELAY.as_secs_f64()) as u64);
        *self.plan.lock().unwrap_or_else(PoisonError::into_inner) = Plan { count, kind, delay, retry_after };
        Ok(())
    }

    /// Takes the next step of the plan (one refresh call).
    pub fn next(&self) -> Step {
        let mut plan = self.plan.lock().unwrap_or_else(PoisonError::into_inner);
        if plan.count == 0 {
            return Step::Pass;
        }
        plan.count -= 1;
        match plan.kind {
            Kind::Status500 => Step::Fail500,
            Kind::Malformed => Step::Malformed,
            Kind::Hang => Step::Hang(Hung(self.release.subscribe())),
            Kind::Delay => Step::Delay(plan.delay),
            Kind::TooMany => Step::TooMany(plan.retry_after),
        }
    }

    /// Clears the plan and ends every hung call.
    pub fn reset(&self) {
        self.plan.lock().unwrap_or_else(PoisonError::into_inner).count = 0;
        self.release.send_modify(|generation| *generation += 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_plan_is_validated_like_the_node_backend() {
        let f = Faults::default();
        let err = |v: Value| f.set(Some(&v)).unwrap_err();
        assert_eq!(err(json!({})), "count must be a non-negative integer");
        assert_eq!(err(json!({ "count": -1, "kind": "500" })), "count must be a non-negative integer");
        assert_eq!(err(json!({ "count": 1.5, "kind": "500" })), "count must be a non-negative integer");
        assert_eq!(err(json!({ "count": "1", "kind": "500" })), "count must be a non-negative integer");
        assert_eq!(
            err(json!({ "count": 1, "kind": 500 })),
            "kind must be one of 500, malformed, hang, delay, 429"
        );
        assert_eq!(err(json!({ "count": 1, "kind": "delay", "ms": -5 })), "ms must be a non-negative number");
        assert_eq!(
            err(json!({ "count": 1, "kind": "delay", "ms": null })),
            "ms must be a non-negative number"
        );
        assert_eq!(f.set(None).unwrap_err(), "count must be a non-negative integer");
        assert!(f.set(Some(&json!({ "count": 2.0, "kind": "delay", "ms": 1.5 }))).is_ok());
    }

    #[test]
    fn the_next_count_calls_fail_then_calls_pass() {
        let f = Faults::default();
        assert!(matches!(f.next(), Step::Pass));
        f.set(Some(&json!({ "count": 2, "kind": "delay", "ms": 300 }))).unwrap();
        assert!(matches!(f.next(), Step::Delay(d) if d == Duration::from_millis(300)));
        assert!(matches!(f.next(), Step::Delay(_)));
        assert!(matches!(f.next(), Step::Pass));
        f.set(Some(&json!({ "count": 1, "kind": "malformed" }))).unwrap();
        f.reset();
        assert!(matches!(f.next(), Step::Pass), "a reset clears the plan");
    }

    #[test]
    fn a_429_asks_to_retry_after_ms_rounded_up_to_seconds() {
        let f = Faults::default();
        // (ms, Retry-After seconds); no `ms` is 1 s.
        let cases = [
            (None, 1),
            (Some(0.0), 0),
            (Some(1.0), 1),
            (Some(1000.0), 1),
            (Some(1500.0), 2),
            (Some(1e12), 86_400),
        ];
        for (ms, seconds) in cases {
            let plan = match ms {
                Some(ms) => json!({ "count": 2, "kind": "429", "ms": ms }),
                None => json!({ "count": 2, "kind": "429" }),
            };
            f.set(Some(&plan)).unwrap();
            assert!(matches!(f.next(), Step::TooMany(s) if s == seconds), "{ms:?}");
            assert!(matches!(f.next(), Step::TooMany(s) if s == seconds), "{ms:?}");
            assert!(matches!(f.next(), Step::Pass), "{ms:?}");
        }
        assert_eq!(
            f.set(Some(&json!({ "count": 1, "kind": "429", "ms": "1000" }))).unwrap_err(),
            "ms must be a non-negative number"
        );
    }

    #[tokio::test]
    async fn a_reset_releases_hung_calls() {
        let f = Faults::default();
        f.set(Some(&json!({ "count": 1, "kind": "hang" }))).unwrap();
        let Step::Hang(hung) = f.next() else { panic!("not a hang") };
        let waiting = tokio::spawn(hung.released());
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        f.reset();
        tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    }
}
