//! The record the tabs share: any stored text read, written and read again; and any valid token
//! set written and read back.
#![no_main]

use fetch_with_refresh::core::tabs::SharedRecord;
use fetch_with_refresh::core::tokens::{Secret, TokenSet};
use fetch_with_refresh_fuzz::texts;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(first) = SharedRecord::decode(&text) {
        let written = first.encode();
        let second = SharedRecord::decode(&written).expect("a record reads back what it wrote");
        assert_eq!(second.encode(), written);
        let exact = first
            .tokens
            .as_ref()
            .and_then(|t| t.expires_at)
            .is_none_or(|at| at % 1.0 == 0.0 && at.abs() < 1e15);
        if exact {
            assert_eq!(second, first);
        }
        // The Debug output does not depend on the tokens' text.
        let x = Secret::new("x").unwrap();
        let blank = SharedRecord {
            tokens: first.tokens.as_ref().map(|set| TokenSet {
                access: x.clone(),
                refresh: set.refresh.as_ref().map(|_| x.clone()),
                expires_at: set.expires_at,
                issued_at: set.issued_at,
            }),
            ..first.clone()
        };
        assert_eq!(format!("{first:?}"), format!("{blank:?}"));
    }

    // Any valid token set, with a whole-millisecond expiry, and replaced fingerprints.
    let [access, refresh, rest]: [String; 3] = texts(data, 3).try_into().unwrap();
    let Some(access) = Secret::new(access) else { return };
    let bytes = rest.as_bytes();
    let expires_at = bytes.get(..6).map(|b| b.iter().fold(0.0, |n, d| n * 256.0 + f64::from(*d)));
    let replaced = bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).take(8).collect();
    let record = SharedRecord {
        tokens: Some(TokenSet {
            issued_at: TokenSet::issued_from_jwt(&access, expires_at),
            access,
            refresh: Secret::new(refresh),
            expires_at,
        }),
        ended: None,
        replaced,
    };
    assert_eq!(SharedRecord::decode(&record.encode()), Some(record));
});
