//! Every `#[wasm_bindgen]` export of the package, and nothing else: `configure`,
//! `fetchWithRefresh` and the `AuthClient` class. The JS entry (`js/index.js`) re-exports them
//! next to `ready`; the TypeScript declarations are hand-written in `js/index.d.ts`.

use crate::client::Client;
use crate::web::{errors, options};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

thread_local! {
    /// The client made by `configure`, used by `fetchWithRefresh`.
    static DEFAULT_CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

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
        let listener = listener
            .dyn_into::<Function>()
            .map_err(|v| errors::bad_option("on(type, listener): listener", "a function", &v))?;
        self.inner.on(&kind, listener)
    }

    /// Rejects every pending call with `DisposedError` and removes the listeners.
    pub fn dispose(&self) {
        self.inner.dispose();
    }
}

/// Creates the default client used by `fetchWithRefresh`, replacing (and disposing) any previous one.
#[wasm_bindgen]
pub fn configure(options: JsValue) -> Result<AuthClient, JsValue> {
    let client = AuthClient::new(options)?;
    let previous = DEFAULT_CLIENT.with(|slot| slot.borrow_mut().replace(Rc::clone(&client.inner)));
    if let Some(previous) = previous {
        previous.dispose();
    }
    Ok(client)
}

/// `fetch` through the default client made by `configure`.
#[wasm_bindgen(js_name = fetchWithRefresh)]
pub fn fetch_with_refresh(input: JsValue, init: JsValue) -> Promise {
    match DEFAULT_CLIENT.with(|slot| slot.borrow().clone()) {
        Some(client) => future_to_promise(client.fetch(input, init)),
        None => Promise::reject(&errors::type_error(
            "fetchWithRefresh was called before configure(options): configure the default client first",
        )),
    }
}
