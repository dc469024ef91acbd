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
export { isAuthError, isDisposedError, isRefreshError, isSessionExpiredError } from './errors.js';

/** The client `configure` made, used by `fetchWithRefresh`. */
let defaultClient = null;

/** Creates the default client, replacing (and disposing) any previous one. */
export function configure(options) {
  const client = new AuthClient(options);
  defaultClient?.dispose();
  defaultClient = client;
  return client;
}

/** `fetch` through the default client made by `configure`. */
export function fetchWithRefresh(input, init) {
  if (!defaultClient) {
    return Promise.reject(
      new TypeError('fetch-with-refresh: fetchWithRefresh was called before configure(options)'),
    );
  }
  return defaultClient.fetch(input, init);
}
