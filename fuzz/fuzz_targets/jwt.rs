//! JWT splitting and the `iat`/`exp` claims: any text as a token, and as the three stored strings.
#![no_main]

use fetch_with_refresh::core::tokens::{jwt_expiry_ms, jwt_times, Secret, TokenInput, TokenSet};
use fetch_with_refresh_fuzz::{assert_debug_hides_tokens, texts};
use libfuzzer_sys::fuzz_target;

const NOW: f64 = 1_700_000_000_000.0;

fuzz_target!(|data: &[u8]| {
    let whole = String::from_utf8_lossy(data);
    if let Some(at) = jwt_expiry_ms(&whole) {
        assert!(at.is_finite() && at > 0.0, "expiry {at}");
        assert_eq!(whole.split('.').count(), 3, "a JWT has three segments");
    }

    let [access, refresh, expires]: [String; 3] = texts(data, 3).try_into().unwrap();
    if let Some(set) = TokenSet::from_stored(Some(access.clone()), Some(refresh.clone()), Some(expires)) {
        assert_eq!(set.access.expose(), access);
        assert_eq!(
            set.refresh.as_ref().map(Secret::expose),
            Secret::new(refresh.as_str()).as_ref().map(Secret::expose)
        );
        if let Some(at) = set.expires_at {
            assert!(at.is_finite() && at > 0.0, "stored expiry {at}");
        }
        assert_debug_hides_tokens(&set);
    }

    let input = TokenInput { access: Some(access.clone()), ..TokenInput::default() };
    match TokenSet::from_input(input, NOW, None) {
        // The JWT's `exp`, moved to the local clock when `iat` gives the lifetime (the token
        // arrives as it is issued).
        Ok(set) => {
            let times = jwt_times(&access);
            let expected = match times.lifetime() {
                Some(life) if times.exp.is_some() => Some(NOW + life),
                _ => jwt_expiry_ms(&access),
            };
            assert_eq!(set.expires_at.map(f64::to_bits), expected.map(f64::to_bits));
        }
        Err(error) => assert!(Secret::new(access).is_none(), "{error:?}"),
    }
});
