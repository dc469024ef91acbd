// (c) axios + axios-auth-refresh, set up as its README does: `createAuthRefresh(instance,
// refreshAuthLogic)` with the default options (401, deduplicateRefresh: true), the refresh through
// plain axios, the new token written into `failedRequest.response.config`, and a request
// interceptor that reads the current token for every request.
import axios from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';

export function create({ base, tokens, stub }) {
  const store = { access: tokens.accessToken, refresh: tokens.refreshToken };
  const api = axios.create({ baseURL: base, ...(stub ? { adapter: 'fetch', env: { fetch: stub } } : {}) });

  const refreshAuthLogic = (failedRequest) =>
    axios.post(`${base}/api/v1/refresh_token`, { refresh_token: store.refresh }).then((tokenRefreshResponse) => {
      store.access = tokenRefreshResponse.data.access_token;
      store.refresh = tokenRefreshResponse.data.refresh_token;
      failedRequest.response.config.headers.Authorization = `Bearer ${store.access}`;
      return Promise.resolve();
    });
  createAuthRefresh(api, refreshAuthLogic);

  api.interceptors.request.use((request) => {
    request.headers.Authorization = `Bearer ${store.access}`;
    return request;
  });

  return {
    async call() {
      return (await api.get('/api/me')).data;
    },
  };
}
