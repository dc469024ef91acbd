//! One stderr line per request: method, route pattern (or the path with anything token-shaped
//! redacted; never the query, where flavour 003 carries its token), status and time, e.g.
//! `POST /s000/refreshJwt/:refreshToken 200 1.3ms`. A request that got no answer (the client went
//! away, or an injected hang was ended) is logged as `(no answer)`.

use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::http::{normalize_path, redact_path};

/// Writes one line to stderr; a closed stderr is ignored (logging never takes the server down).
pub fn line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The label of the request being answered, set by the dispatcher once a route matched.
#[derive(Debug, Clone)]
pub struct RouteLabel(Arc<Mutex<String>>);

impl RouteLabel {
    /// Names the request by its route (`METHOD /pattern`).
    pub fn set(&self, label: &str) {
        label.clone_into(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// The current label.
    fn get(&self) -> String {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// Marks a response that is not really one: the connection is dropped without an answer.
#[derive(Debug, Clone, Copy)]
pub struct NoAnswer;

/// One request's log line, written when it is dropped: after the answer, or when the request is
/// abandoned halfway (its future dropped), which is then logged as `(no answer)`.
#[derive(Debug)]
struct Entry {
    /// What to call the request.
    label: RouteLabel,
    /// When it arrived.
    started: Instant,
    /// The status sent, if any.
    status: Option<u16>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        let status = self.status.map_or_else(|| "(no answer)".to_owned(), |s| s.to_string());
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        line(&format!("{} {status} {ms:.1}ms", self.label.get()));
    }
}

/// The logging middleware.
pub async fn record(mut request: Request, next: Next) -> Response {
    let label = RouteLabel(Arc::new(Mutex::new(format!(
        "{} {}",
        request.method(),
        redact_path(&normalize_path(request.uri().path()))
    ))));
    request.extensions_mut().insert(label.clone());
    let mut entry = Entry { label, started: Instant::now(), status: None };
    let response = next.run(request).await;
    if response.extensions().get::<NoAnswer>().is_none() {
        entry.status = Some(response.status().as_u16());
    }
    response
}
