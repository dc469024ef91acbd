// (g) ours-fetch: `configure(options)` then `fetchWithRefresh(url)` from the built package (pkg/,
// bundled here as an app's bundler does; its entry fetches the wasm from beside the bundle). The
// options are the README's for this backend flavour (Bearer, 401, `{refresh_token}` body, all
// defaults) with the tokens in memory, as every other variant here keeps them.
import { configure, fetchWithRefresh } from '/static/pkg/index.js';

export function create({ base, tokens }) {
  const auth = configure({ baseURL: base, storage: 'memory', refresh: { url: '/api/v1/refresh_token' } });
  auth.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn });
  return {
    async call() {
      const response = await fetchWithRefresh('/api/me');
      return response.json();
    },
  };
}
