//! fetch-with-refresh: a `fetch` that attaches a JWT access token, refreshes it once however many
//! requests wait on it, replays them, and ends the session cleanly when the refresh token is dead.
//!
//! The crate has two halves. [`core`] is plain Rust with no browser imports: the token model, the
//! expiry policy, response classification and the refresh/queue state machine. Everything that
//! touches the browser (fetch, storage, cookies, timers, JS callbacks) sits behind the small traits
//! of [`ports`], implemented in [`web`] and driven by [`client`]; the `#[wasm_bindgen]` exports all
//! live in [`bindings`].
//!
pub mod bindings;
pub mod client;
pub mod core;
pub mod flag;
pub mod ports;
pub mod web;
