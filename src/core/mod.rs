//! The pure core: no `wasm_bindgen`, `web_sys` or `js_sys` in here, so all of it is tested natively.
//!
//! - [`tokens`]: the token set, what counts as a usable token, the JWT `exp` claim;
//! - [`policy`]: when a token is fresh, inside the proactive window, or expired;
//! - [`classify`]: business codes, matchers and what a response means;
//! - [`options`]: the option types and their defaults;
//! - [`cookie`]: the token cookies' attributes, and reading ours out of `document.cookie`;
//! - [`settings`]: validating the options object;
//! - [`refresh`]: the refresh call as a plain request, and reading its answer;
//! - [`machine`]: the refresh/queue state machine (events in, effects out);
//! - [`json`], [`url`], [`text`]: the small text helpers the others need.

pub mod attach;
pub mod classify;
pub mod cookie;
pub mod json;
pub mod machine;
pub mod options;
pub mod origin;
pub mod policy;
pub mod refresh;
pub mod text;
pub mod tokens;
pub mod url;
