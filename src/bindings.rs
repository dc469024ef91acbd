//! Every `#[wasm_bindgen]` export of the package, and nothing else: the `AuthClient` class. The JS
//! entry (`js/index.js`) exports it next to `ready`, `configure` and `fetchWithRefresh`; the
//! TypeScript declarations are hand-written in `js/index.d.ts`.

use crate::client::{Client, SetTokensError};
use crate::core::call::CallDefaults;
use crate::core::tokens::TokenError;
use crate::web::platform::WebPlatform;
use crate::web::{call, errors, js, options, storage};
use js_sys::{Function, Promise};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A client: keeps the tokens, attaches them, refreshes them once for any number of waiting
/// requests, and replays those requests.
#[wasm_bindgen(js_name = AuthClient)]
#[derive(Debug)]
pub struct AuthClient {
    inner: Rc<Client<WebPlatform>>,
    calls: Rc<CallDefaults<Function>>,
}

/// A call's future as a `Promise`. One future type for every call, so the promise machinery is
/// compiled once.
fn promise(future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    future_to_promise(future)
}

#[wasm_bindgen(js_class = AuthClient)]
impl AuthClient {
    /// `new AuthClient(options)`; throws a `TypeError` naming the first bad option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AuthClient, JsValue> {
        let options::Options { config, storage, cookie, fetch, calls } = options::read(&options)?;
        let store = storage::open(&storage, &cookie);
        let inner = Rc::new(Client::new(config, store, WebPlatform::new(fetch)));
        inner.start();
        Ok(AuthClient { inner, calls: Rc::new(calls) })
    }

    /// `fetch(input, init)`: like `fetch`, with the token attached and refreshed as needed.
    pub fn fetch(&self, input: JsValue, init: JsValue) -> Promise {
        let client = Rc::clone(&self.inner);
        promise(Box::pin(async move { call::fetch(client, input, init).await.map(JsValue::from) }))
    }

    /// `request(config)`: an axios-shaped call, resolving with `{data, status, statusText, headers,
    /// config}` (or, with an envelope, its payload). The refresh rules apply as for `fetch`.
    ///
    /// ```js
    /// const { data } = await client.request({ url: '/items', method: 'post', data: { name: 'x' } });
    /// ```
    pub fn request(&self, config: JsValue) -> Promise {
        self.call(None, JsValue::UNDEFINED, config, JsValue::UNDEFINED)
    }

    /// The shorthands' call (`js/index.js` puts `get`, `post`… on the prototype): `get(url,
    /// config)` and its siblings, `post(url, data, config)` and its siblings.
    pub fn call(&self, method: Option<String>, url: JsValue, a: JsValue, b: JsValue) -> Promise {
        let (client, calls) = (Rc::clone(&self.inner), Rc::clone(&self.calls));
        promise(Box::pin(call::request(client, calls, method, url, a, b)))
    }

    /// Stores a new token set: `{ accessToken, refreshToken?, expiresIn?, expiresAt? }`.
    #[wasm_bindgen(js_name = setTokens)]
    pub fn set_tokens(&self, tokens: JsValue) -> Result<(), JsValue> {
        if !tokens.is_object() {
            return Err(errors::bad_option(
                "setTokens(tokens)",
                "an object such as { accessToken, refreshToken, expiresIn }",
                &tokens,
            ));
        }
        self.inner.set_tokens(&tokens).map_err(|error| match error {
            SetTokensError::Disposed => errors::disposed(),
            SetTokensError::Invalid(error) => errors::type_error(match error {
                TokenError::BadAccessToken => "setTokens: `accessToken` must be a non-empty token string",
                TokenError::BadRefreshToken => "setTokens: `refreshToken` must be a non-empty token string",
                TokenError::BadExpiry => {
                    "setTokens: `expiresIn` (seconds) and `expiresAt` (epoch ms) must be non-negative numbers"
                }
            }),
        })
    }

    /// The stored tokens, `{ accessToken, refreshToken, expiresAt }`, or `null`.
    #[wasm_bindgen(js_name = getTokens)]
    pub fn get_tokens(&self) -> JsValue {
        self.inner.get_tokens().map_or(JsValue::NULL, |tokens| js::snapshot(&tokens))
    }

    /// Removes the stored tokens (a logout).
    #[wasm_bindgen(js_name = clearTokens)]
    pub fn clear_tokens(&self) -> Result<(), JsValue> {
        self.inner.clear_tokens()
    }

    /// Refreshes now, or joins the refresh in flight; resolves when it is done.
    pub fn refresh(&self) -> Promise {
        let client = Rc::clone(&self.inner);
        promise(Box::pin(async move { client.refresh().await.map(|()| JsValue::UNDEFINED) }))
    }

    /// Listens to an event; returns the function that stops listening.
    pub fn on(&self, kind: String, listener: JsValue) -> Result<Function, JsValue> {
        self.inner.platform().listeners().on(&kind, &listener)
    }

    /// Final: rejects every pending call with `DisposedError`, abandons the refresh in flight and
    /// removes the listeners; nothing is written to storage afterwards.
    pub fn dispose(&self) {
        self.inner.dispose();
    }
}
