// (e) alova with its fetch adapter and its token-authentication module from `alova/client`, the
// server-based one (`createServerTokenAuthentication`: the server says the token expired), set up as
// its docs show for `alova/fetch`: `refreshTokenOnSuccess` with `isExpired: response.status === 401`,
// a handler that refreshes and throws when that fails, the refresh call marked
// `meta.authRole = 'refreshToken'`, `assignToken` for the header, `onResponseRefreshToken` around
// `response.json()`. Two defaults are turned off, as documented: the 5-minute GET cache and request
// sharing (identical requests in flight answered by one), else most calls would never reach the
// transport and this would measure the cache.
import { createAlova } from 'alova';
import { createServerTokenAuthentication } from 'alova/client';
import adapterFetch from 'alova/fetch';

export function create({ base, tokens }) {
  const store = { access: tokens.accessToken, refresh: tokens.refreshToken };
  let alova;
  const refreshToken = () => {
    const method = alova.Post('/api/v1/refresh_token', { refresh_token: store.refresh });
    method.meta = { authRole: 'refreshToken' };
    return method;
  };
  const { onAuthRequired, onResponseRefreshToken } = createServerTokenAuthentication({
    assignToken: (method) => {
      method.config.headers.Authorization = `Bearer ${store.access}`;
    },
    refreshTokenOnSuccess: {
      isExpired: (response) => response.status === 401,
      handler: async () => {
        const data = await refreshToken();
        if (!data?.access_token) throw new Error('refresh refused'); // an app goes to its login page
        store.access = data.access_token;
        store.refresh = data.refresh_token;
      },
    },
  });
  alova = createAlova({
    baseURL: base,
    requestAdapter: adapterFetch(),
    cacheFor: null,
    shareRequest: false,
    beforeRequest: onAuthRequired(),
    responded: onResponseRefreshToken((response) => response.json()),
  });

  return {
    call: () => alova.Get('/api/me'),
  };
}
