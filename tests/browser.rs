//! Browser tests of the glue (wasm-bindgen-test, headless Chromium): the `AuthClient` export and
//! its option checks, attaching tokens, the fetch path (refresh, queue, replays, responses, errors),
//! the storages and cookies, the cross-tab port (Web Locks, IndexedDB, BroadcastChannel), waking
//! up (`visibilitychange`, `online`, `autoRefresh`), and two flavours run against the real test
//! backend (`FWR_BACKEND`, set by `scripts/browser-tests.sh`).
//!
//! Most tests inject a fake backend as the `fetch` option (see `support.rs`): it records what each
//! call carried (URL, headers, body bytes, the raw input and init) and answers as each test scripts
//! it, so the tests can count refresh calls and check exactly what went out. All tests share one
//! page: those that touch localStorage, sessionStorage or cookies clear them before and after.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/support.rs"]
mod support;

#[path = "browser/attach.rs"]
mod attach;
#[path = "browser/backend.rs"]
mod backend;
#[path = "browser/bad_input.rs"]
mod bad_input;
#[path = "browser/calls.rs"]
mod calls;
#[path = "browser/cross_tab.rs"]
mod cross_tab;
#[path = "browser/events.rs"]
mod events;
#[path = "browser/exports.rs"]
mod exports;
#[path = "browser/failures.rs"]
mod failures;
#[path = "browser/options.rs"]
mod options;
#[path = "browser/refresh.rs"]
mod refresh;
#[path = "browser/refresh_call.rs"]
mod refresh_call;
#[path = "browser/replay.rs"]
mod replay;
#[path = "browser/robust.rs"]
mod robust;
#[path = "browser/storage.rs"]
mod storage;
#[path = "browser/stores.rs"]
mod stores;
#[path = "browser/tabs.rs"]
mod tabs;
#[path = "browser/wake.rs"]
mod wake;
