//! base64url inside a JWT: any payload bytes, encoded padded or not, in either alphabet, read back
//! as the `exp` claim as the payload's JSON says (seconds, or milliseconds from 10^11 on; at most 2^53).
#![no_main]

use fetch_with_refresh::core::json::top_level_number;
use fetch_with_refresh::core::tokens::jwt_expiry_ms;
use fetch_with_refresh_fuzz::base64;
use libfuzzer_sys::fuzz_target;

const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, payload)) = data.split_first() else { return };
    let (padded, standard, extra) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    let mut encoded = base64(payload, padded, standard);
    // One more character after a whole number of groups is 6 bits no byte sequence gives.
    let broken = extra && !padded && payload.len() % 3 == 0;
    if broken {
        encoded.push('A');
    }
    let token = [HEADER, ".", &encoded, ".sig"].concat();
    let expected = if broken {
        None
    } else {
        top_level_number(payload, b"exp")
            .filter(|exp| *exp > 0.0 && *exp <= 9_007_199_254_740_992.0)
            .map(|exp| if exp >= 1e11 { exp } else { exp * 1000.0 })
    };
    assert_eq!(jwt_expiry_ms(&token).map(f64::to_bits), expected.map(f64::to_bits));
});
