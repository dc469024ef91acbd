//! The browser side: each port of [`crate::ports`] implemented over web APIs, and the conversions
//! between JavaScript values and the core's types. Nothing here decides anything: the decisions
//! are the core's; this layer only reads, writes and sends.

pub mod abort;
pub mod app;
pub mod call;
pub mod cookie;
pub mod custom_store;
pub mod errors;
pub mod events;
pub mod fetch;
pub mod js;
pub mod options;
pub mod platform;
pub mod storage;
pub mod tabs;
pub mod timer;
pub mod wake;
