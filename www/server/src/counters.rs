//! What the tests read back from `GET /__admin/counters`:
//! `{requests: {route: n}, refreshCalls, reuseDetections, tokensSeen: [jti…]}`.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Requests per API route, keyed `METHOD /pattern` (e.g. `GET /s000/api/me`), in first-seen order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteCounts(Vec<(String, u64)>);

impl RouteCounts {
    /// Counts one request on `route`.
    pub fn bump(&mut self, route: &str) {
        match self.0.iter_mut().find(|(key, _)| key == route) {
            Some((_, n)) => *n += 1,
            None => self.0.push((route.to_owned(), 1)),
        }
    }

    /// The count of `route` (0 when never seen).
    #[cfg(test)]
    pub fn get(&self, route: &str) -> u64 {
        self.0.iter().find(|(key, _)| key == route).map_or(0, |(_, n)| *n)
    }
}

impl Serialize for RouteCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (route, n) in &self.0 {
            map.serialize_entry(route, n)?;
        }
        map.end()
    }
}

/// The backend's counters. `requests` counts API routes only (not preflights, admin or static
/// files); `tokens_seen` lists the jti of every correctly signed access token a protected route
/// received, expired or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Requests per API route.
    pub requests: RouteCounts,
    /// Calls of any refresh endpoint (faulted ones included).
    pub refresh_calls: u64,
    /// Refresh tokens presented again after they were rotated.
    pub reuse_detections: u64,
    /// The jti of the access tokens the protected routes received, in order.
    pub tokens_seen: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_serialize_in_the_node_shape() {
        let mut c = Counters::default();
        c.requests.bump("GET /s001/api/me");
        c.requests.bump("POST /s001/login");
        c.requests.bump("GET /s001/api/me");
        c.refresh_calls = 1;
        c.tokens_seen.push("j1".into());
        assert_eq!(c.requests.get("GET /s001/api/me"), 2);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"requests":{"GET /s001/api/me":2,"POST /s001/login":1},"refreshCalls":1,"reuseDetections":0,"tokensSeen":["j1"]}"#
        );
    }
}
