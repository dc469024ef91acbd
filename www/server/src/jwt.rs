//! Minimal HS256 JSON Web Tokens. The backend issues real, signed tokens so the library is exercised
//! with the shapes a production backend sends (three base64url parts, an `exp` claim it may decode
//! for scheduling). Expiry is policy and belongs to the caller ([`crate::tokens`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// `{"alg":"HS256","typ":"JWT"}`, base64url-encoded: the header of every token issued.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs and verifies tokens with one secret.
#[derive(Clone)]
pub struct Jwt {
    /// The HMAC keyed with the secret, cloned for each token.
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jwt { .. }")
    }
}

impl Jwt {
    /// A signer for `secret` (HMAC takes keys of any length).
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|e| format!("HMAC key: {e}"))?;
        Ok(Self { mac })
    }

    /// The signature of `header.body`.
    fn signature(&self, signed_part: &str) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(signed_part.as_bytes());
        mac
    }

    /// A token carrying `payload` (a JSON object).
    pub fn sign(&self, payload: &Map<String, Value>) -> String {
        let body = URL_SAFE_NO_PAD.encode(Value::Object(payload.clone()).to_string());
        let signed_part = format!("{HEADER}.{body}");
        let signature = URL_SAFE_NO_PAD.encode(self.signature(&signed_part).finalize().into_bytes());
        format!("{signed_part}.{signature}")
    }

    /// The payload of a well-formed token signed with this secret (`alg` HS256, payload an object);
    /// `None` otherwise. Checks the structure and the signature only, never the expiry.
    pub fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        let mut parts = token.split('.');
        let (header, body, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let given = URL_SAFE_NO_PAD.decode(signature).ok()?;
        // verify_slice compares in constant time.
        self.signature(&format!("{header}.{body}")).verify_slice(&given).ok()?;
        let head: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if head.get("alg").and_then(Value::as_str) != Some("HS256") {
            return None;
        }
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()? {
            Value::Object(payload) => Some(payload),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload() -> Map<String, Value> {
        match json!({ "sub": "u", "iat": 1, "exp": 61, "jti": "j", "typ": "access" }) {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_signed_token_verifies_to_its_payload() {
        let jwt = Jwt::new(b"secret").unwrap();
        let token = jwt.sign(&payload());
        assert_eq!(token.split('.').count(), 3);
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
        assert_eq!(jwt.verify(&token), Some(payload()));
    }

    #[test]
    fn the_header_is_the_standard_one() {
        let header = URL_SAFE_NO_PAD.decode(HEADER).unwrap();
        assert_eq!(String::from_utf8(header).unwrap(), r#"{"alg":"HS256","typ":"JWT"}"#);
    }

    #[test]
    fn a_known_token_matches_the_reference_hs256() {
        // The RFC 7515 appendix A.1 style check: HMAC-SHA256 over "header.body" with a known key.
        let jwt = Jwt::new(b"your-256-bit-secret").unwrap();
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
                     eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.\
                     SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let claims = jwt.verify(token).unwrap();
        assert_eq!(claims.get("name"), Some(&json!("John Doe")));
    }

    #[test]
    fn tampering_is_detected() {
        let jwt = Jwt::new(b"secret").unwrap();
        let token = jwt.sign(&payload());
        let parts: Vec<&str> = token.split('.').collect();

        let mut other = payload();
        other.insert("sub".into(), json!("admin"));
        let forged_body = URL_SAFE_NO_PAD.encode(Value::Object(other).to_string());
        assert_eq!(jwt.verify(&format!("{}.{forged_body}.{}", parts[0], parts[2])), None, "payload changed");

        let mut signature = parts[2].to_string();
        let last = if signature.ends_with('A') { 'B' } else { 'A' };
        signature.pop();
        signature.push(last);
        assert_eq!(jwt.verify(&format!("{}.{}.{signature}", parts[0], parts[1])), None, "signature changed");

        assert_eq!(Jwt::new(b"another secret").unwrap().verify(&token), None, "another secret");
        assert_eq!(jwt.verify(&format!("{token}.x")), None, "four parts");
        assert_eq!(jwt.verify(&format!("{}.{}", parts[0], parts[1])), None, "two parts");
        assert_eq!(jwt.verify(&format!("{token}=")), None, "padding is not base64url");
        assert_eq!(jwt.verify(""), None);
    }

    #[test]
    fn another_algorithm_is_refused_even_when_signed() {
        let jwt = Jwt::new(b"secret").unwrap();
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(Value::Object(payload()).to_string());
        let signed_part = format!("{header}.{body}");
        let signature = URL_SAFE_NO_PAD.encode(jwt.signature(&signed_part).finalize().into_bytes());
        assert_eq!(jwt.verify(&format!("{signed_part}.{signature}")), None);
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_refused() {
        let jwt = Jwt::new(b"secret").unwrap();
        let body = URL_SAFE_NO_PAD.encode("[1,2]");
        let signed_part = format!("{HEADER}.{body}");
        let signature = URL_SAFE_NO_PAD.encode(jwt.signature(&signed_part).finalize().into_bytes());
        assert_eq!(jwt.verify(&format!("{signed_part}.{signature}")), None);
    }
}
