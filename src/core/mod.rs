//! The pure core: no `wasm_bindgen`, `web_sys` or `js_sys` in here, so all of it is tested natively.
//!
//! - [`tokens`]: the token set, what counts as a usable token, the JWT `exp` claim;
//! - [`policy`]: when a token is fresh, inside the proactive window, or expired;
//! - [`classify`]: business codes, matchers and what a response means;
//! - [`options`]: the option types and their defaults;
//! - [`call`]: the decisions of an axios-shaped call (method, body, headers, statuses, envelope);
//! - [`attach`]: which requests get the token, and where it goes;
//! - [`cookie`]: the token cookies' attributes, and reading ours out of `document.cookie`;
//! - [`settings`]: reading and validating the options object (serde), with the messages of its
//!   errors;
//! - [`origin`]: the origin of a URL, and which origins receive the token;
//! - [`params`]: the `params` of an axios-shaped call, serialized into the query as axios does;
//! - [`refresh`]: the refresh call as a plain request, and reading its answer;
//! - [`retry`]: which refresh failures are tried again and when, and the renewal limit;
//! - [`machine`]: the refresh/queue state machine (events in, effects out);
//! - [`tabs`]: what the tabs of one profile tell each other, and what a tab decides with it;
//! - [`events`], [`errors`]: what reaches JavaScript (event types and payloads, error names and
//!   messages), defined once, with [`names`] for the strings of the enums they carry;
//! - [`vault`]: the token set kept in a store (the store port itself), with the fallback to memory;
//! - [`json`], [`url`], [`text`]: the small text helpers the others need.

pub mod attach;
pub mod call;
pub mod classify;
pub mod cookie;
pub mod errors;
pub mod events;
pub mod json;
pub mod machine;
pub mod names;
pub mod options;
pub mod origin;
pub mod params;
pub mod policy;
pub mod refresh;
pub mod retry;
pub mod settings;
pub mod tabs;
pub mod text;
pub mod tokens;
pub mod url;
pub mod vault;
