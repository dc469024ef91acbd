// (d) ky with the refresh its readme shows under `hooks.afterResponse`: on a 401 at the first try,
// POST the refresh, then `ky.retry()` the request with the new token. A `beforeRequest` hook adds
// the current token, as the readme's `beforeRequest` example does. Everything else is ky's default
// (timeout 10 s, retry limit 2 and its backoff delay, which the forced retry also waits).
import ky from 'ky';

export function create({ base, tokens }) {
  const store = { access: tokens.accessToken, refresh: tokens.refreshToken };
  const api = ky.create({
    baseUrl: `${base}/`,
    hooks: {
      beforeRequest: [
        ({ request }) => {
          request.headers.set('Authorization', `Bearer ${store.access}`);
        },
      ],
      afterResponse: [
        async ({ request, response, retryCount }) => {
          if (response.status === 401 && retryCount === 0) {
            const data = await ky.post(`${base}/api/v1/refresh_token`, { json: { refresh_token: store.refresh } }).json();
            store.access = data.access_token;
            store.refresh = data.refresh_token;
            const headers = new Headers(request.headers);
            headers.set('Authorization', `Bearer ${data.access_token}`);
            return ky.retry({ request: new Request(request, { headers }), code: 'TOKEN_REFRESHED' });
          }
        },
      ],
    },
  });

  return {
    call: () => api.get('api/me').json(),
  };
}
