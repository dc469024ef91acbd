// The package entry. Importing it is enough: it instantiates the wasm module itself, so an app
// never calls an init function. `ready` is exported for those who want to wait for it explicitly.
import init, { AuthClient } from './fetch_with_refresh.js';

const wasmUrl = new URL('./fetch_with_refresh_bg.wasm', import.meta.url);

async function load() {
  if (wasmUrl.protocol === 'file:') {
    // Node (SSR, tests): fetch() cannot read file: URLs. The specifier is computed (a constant
    // would be folded by minifiers) so browser bundlers leave this branch alone.
    const fs = ['node', 'fs/promises'].join(':');
    const { readFile } = await import(/* @vite-ignore */ fs);
    await init({ module_or_path: await readFile(wasmUrl) });
  } else {
    await init({ module_or_path: wasmUrl });
  }
}

export const ready = load();
await ready;

export { AuthClient };
export { DisposedError, RefreshError, SessionExpiredError } from './errors.js';
export { RequestError } from './errors.js';
export { isAuthError, isDisposedError, isRefreshError, isRequestError, isSessionExpiredError } from './errors.js';

// The axios-shaped shorthands: each hands its arguments to the module's `call` as they are (the
// module knows which take data).
for (const method of ['get', 'delete', 'head', 'options', 'post', 'put', 'patch']) {
  AuthClient.prototype[method] = function (url, a, b) {
    return this.call(method, url, a, b);
  };
}

/** The client `configure` made, used by `fetchWithRefresh`. */
let defaultClient = null;

/** Creates the default client, replacing (and disposing) any previous one. */
export function configure(options) {
  const client = new AuthClient(options);
  defaultClient?.dispose();
  defaultClient = client;
  return client;
}

/** `client[name](...)` on the default client made by `configure`. */
const overDefault = (name, label = name) => (...args) =>
  defaultClient
    ? defaultClient[name](...args)
    : Promise.reject(new TypeError(`fetch-with-refresh: ${label} was called before configure(options)`));

/** `fetch` through the default client made by `configure`. */
export const fetchWithRefresh = overDefault('fetch', 'fetchWithRefresh');
// The axios-shaped calls over the default client.
export const request = overDefault('request');
export const get = overDefault('get');
const del = overDefault('delete');
export { del as delete };
export const head = overDefault('head');
export const options = overDefault('options');
export const post = overDefault('post');
export const put = overDefault('put');
export const patch = overDefault('patch');
