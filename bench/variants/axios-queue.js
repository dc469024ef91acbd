// (b) axios-queue: axios with the refresh interceptor that blog posts and the seeds of this project
// write by hand: a request interceptor adds the token; on a 401 the response interceptor refreshes
// once behind an `isRefreshing` flag, parks the other failed requests as resolvers in an array,
// then replays them all with the new token. Written for this bench after that pattern (not copied
// from any one post), faithfully, flaws included: a parked request whose refresh fails is dropped,
// never settled, and a 401 that arrives after the refresh finished starts another refresh.
import axios from 'axios';

export function create({ base, tokens, stub }) {
  const store = { access: tokens.accessToken, refresh: tokens.refreshToken };
  // The stubbed figures need axios on fetch with the stub as its transport (axios' `env.fetch`);
  // against the backend axios keeps its browser default (XMLHttpRequest).
  const service = axios.create({ baseURL: base, ...(stub ? { adapter: 'fetch', env: { fetch: stub } } : {}) });

  service.interceptors.request.use((config) => {
    if (store.access) config.headers.Authorization = `Bearer ${store.access}`;
    return config;
  });

  let isRefreshing = false;
  let requests = []; // resumers of the requests that failed while the refresh was running

  service.interceptors.response.use(
    (response) => response,
    (error) => {
      const { config, response } = error;
      if (!response || response.status !== 401) return Promise.reject(error);
      if (!isRefreshing) {
        isRefreshing = true;
        // The refresh goes through plain axios, outside this instance's interceptors.
        return axios
          .post(`${base}/api/v1/refresh_token`, { refresh_token: store.refresh })
          .then(({ data }) => {
            store.access = data.access_token;
            store.refresh = data.refresh_token;
            requests.forEach((resume) => resume(data.access_token));
            requests = [];
            config.headers.Authorization = `Bearer ${data.access_token}`;
            return service(config);
          })
          .catch((refreshError) => {
            requests = []; // an app sends the user to the login page here
            return Promise.reject(refreshError);
          })
          .finally(() => {
            isRefreshing = false;
          });
      }
      // A refresh is running: wait for it, then replay with the new token.
      return new Promise((resolve) => {
        requests.push((token) => {
          config.headers.Authorization = `Bearer ${token}`;
          resolve(service(config));
        });
      });
    },
  );

  return {
    async call() {
      return (await service.get('/api/me')).data;
    },
  };
}
