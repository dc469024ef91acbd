// (f) fetch-extras: `withTokenRefresh({refreshToken})` (its d.ts and readme), composed with
// `pipeline` after `withHeaders(() => ...)`, the readme's way to add a token read at request time.
// On a 401 it calls `refreshToken` (one call shared while it is pending) and retries once with
// `Authorization: Bearer <new token>`.
import { pipeline, withHeaders, withTokenRefresh } from 'fetch-extras';

export function create({ base, tokens }) {
  const store = { access: tokens.accessToken, refresh: tokens.refreshToken };
  const apiFetch = pipeline(
    fetch,
    withHeaders(() => ({ Authorization: `Bearer ${store.access}` })),
    withTokenRefresh({
      refreshToken: async () => {
        const response = await fetch(`${base}/api/v1/refresh_token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refresh_token: store.refresh }),
        });
        const data = await response.json();
        store.access = data.access_token;
        store.refresh = data.refresh_token;
        return data.access_token;
      },
    }),
  );

  return {
    async call() {
      const response = await apiFetch(`${base}/api/me`);
      return response.json();
    },
  };
}
