//! The options object: any JSON value through the option checks, with a JSON host as in the
//! native tests. No panic, and a refusal's message names paths and kinds, never a value.
#![no_main]

use fetch_with_refresh::core::errors::TYPE_ERROR_PREFIX;
use fetch_with_refresh::core::settings::validate;
use fetch_with_refresh_fuzz::{keys, string_values, Json};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(options) = serde_json::from_slice::<Value>(data) else { return };
    // The options themselves, and the same value as `refresh` (the deepest object of the options).
    let nested = Value::Object([("refresh".to_owned(), options.clone())].into_iter().collect());
    for options in [&options, &nested] {
        let Err(error) = validate(&Json, options) else { continue };
        let message = error.message();
        assert!(message.starts_with(TYPE_ERROR_PREFIX), "{message}");
        // A value that no key contains and that the fixed texts (ASCII) cannot contain is never in
        // the message.
        let (mut values, mut names) = (Vec::new(), Vec::new());
        string_values(options, &mut values);
        keys(options, &mut names);
        for value in values {
            if !value.is_ascii() && !names.iter().any(|name| name.contains(value)) {
                assert!(!message.contains(value), "{message}");
            }
        }
    }
});
