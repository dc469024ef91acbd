//! The refresh answer reader over any JSON answer, with the default paths, the `setTokens` fields
//! and configured paths.
#![no_main]

use fetch_with_refresh::core::options::ResponsePaths;
use fetch_with_refresh::core::refresh::read_answer;
use fetch_with_refresh::core::tokens::{Secret, TokenSet};
use fetch_with_refresh_fuzz::{assert_debug_hides_tokens, lookup};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const NOW: f64 = 1_700_000_000_000.0;
const PATHS: [&str; 8] = ["token", "data.token", "a.b.c", "", ".", "exp", "data", "expires"];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, json)) = data.split_first() else { return };
    let Ok(answer) = serde_json::from_slice::<Value>(json) else { return };
    let pick = |shift: u32| Some(PATHS[usize::from(flags >> shift & 7)].to_owned());
    let configured = ResponsePaths {
        access: pick(0),
        refresh: (flags & 8 != 0).then(|| "r".to_owned()),
        expires_in: pick(3),
        expires_at: pick(5),
    };
    let keep = Secret::new("kept-refresh-token");
    for paths in [ResponsePaths::default(), ResponsePaths::token_fields(), configured] {
        match read_answer(&paths, |path| lookup(&answer, path), NOW, None, keep.clone()) {
            Ok(set) => check(&set),
            Err(error) => {
                let shown = format!("{error:?}");
                assert!(!shown.contains("kept-refresh-token"));
            }
        }
    }
});

fn check(set: &TokenSet) {
    assert!(Secret::new(set.access.expose()).is_some());
    if let Some(at) = set.expires_at {
        assert!(!at.is_nan() && at >= 0.0, "expiry {at}");
    }
    assert_debug_hides_tokens(set);
}
