//! fetch-with-refresh: a `fetch` that attaches a JWT access token, refreshes it once however many
//! requests wait on it, replays them, and ends the session cleanly when the refresh token is dead.
//!
//! The crate has two halves. [`core`] is plain Rust with no browser imports: the token model, the
//! expiry policy, response classification and the refresh/queue state machine. Everything that
//! touches the browser (fetch, storage, cookies, timers, JS callbacks) sits behind the small traits
//! of [`ports`], implemented in [`web`] and driven by [`client`]; the `#[wasm_bindgen]` exports all
//! live in [`bindings`].
//!
extern crate alloc;

pub mod bindings;
pub mod client;
pub mod core;
pub mod flag;
pub mod ports;
pub mod web;

/// What `std`'s prelude would bring, for the `no_std` build.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::String;
    pub use alloc::vec;
    pub use alloc::vec::Vec;

    /// Concatenates `parts` (what `[..].concat()` does, without the generic join code).
    pub fn cat(parts: &[&str]) -> String {
        let mut out = String::new();
        for part in parts {
            out.push_str(part);
        }
        out
    }
}
