//! Every `#[wasm_bindgen]` export of the package, and nothing else: the `AuthClient` class. The JS
//! entry (`js/index.js`) exports it next to `ready`, `configure` and `fetchWithRefresh` (which
//! keep the default client there: JS module state needs no global in the `no_std` module); the
//! TypeScript declarations are hand-written in `js/index.d.ts`.

use crate::client::Client;
use crate::prelude::*;
use crate::web::options;
use alloc::rc::Rc;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A client: keeps the tokens, attaches them, refreshes them once for any number of waiting
/// requests, and replays those requests.
#[wasm_bindgen(js_name = AuthClient)]
#[derive(Debug)]
pub struct AuthClient {
    inner: Rc<Client>,
}

#[wasm_bindgen(js_class = AuthClient)]
impl AuthClient {
    /// `new AuthClient(options)`; throws a `TypeError` naming the first bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AuthClient, JsValue> {
        let parsed = options::parse(&options)?;
        Ok(AuthClient { inner: Rc::new(Client::new(parsed)) })
    }

    /// `fetch(input, init)`: like `fetch`, with the token attached and refreshed as needed.
    pub fn fetch(&self, input: JsValue, init: JsValue) -> Promise {
        future_to_promise(Rc::clone(&self.inner).fetch(input, init))
    }

    /// Stores a new token set: `{ accessToken, refreshToken?, expiresIn?, expiresAt? }`.
    #[wasm_bindgen(js_name = setTokens)]
    pub fn set_tokens(&self, tokens: JsValue) -> Result<(), JsValue> {
        self.inner.set_tokens(&tokens)
    }

    /// The stored tokens, `{ accessToken, refreshToken, expiresAt }`, or `null`.
    #[wasm_bindgen(js_name = getTokens)]
    pub fn get_tokens(&self) -> JsValue {
        self.inner.get_tokens()
    }

    /// Removes the stored tokens (a logout).
    #[wasm_bindgen(js_name = clearTokens)]
    pub fn clear_tokens(&self) {
        self.inner.clear_tokens();
    }

    /// Refreshes now, or joins the refresh in flight; resolves when it is done.
    pub fn refresh(&self) -> Promise {
        future_to_promise(Rc::clone(&self.inner).refresh())
    }

    /// Listens to an event; returns the function that stops listening.
    pub fn on(&self, kind: String, listener: JsValue) -> Result<Function, JsValue> {
        self.inner.on(&kind, &listener)
    }

    /// Rejects every pending call with `DisposedError` and removes the listeners.
    pub fn dispose(&self) {
        self.inner.dispose();
    }
}
