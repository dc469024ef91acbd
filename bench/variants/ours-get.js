// (h) ours-get: the same client through the axios-shaped call, `get(url)` → `.data`.
import { configure, get } from '/static/pkg/index.js';

export function create({ base, tokens }) {
  const auth = configure({ baseURL: base, storage: 'memory', refresh: { url: '/api/v1/refresh_token' } });
  auth.setTokens({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn });
  return {
    async call() {
      return (await get('/api/me')).data;
    },
  };
}
