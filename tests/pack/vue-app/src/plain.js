// The /plain page: the main entry alone, as an app without Vue uses it through Vite. It runs one
// scenario against the backend's seed 001 flavour (`Authorization: Bearer`, HTTP 401 when the access
// token has expired, `POST /api/v1/refresh_token`) and writes what it saw as JSON into
// [data-test="report"], then sets body[data-done]. vue.test.mjs reads the report.
import { configure, get, post, isRequestError } from 'fetch-with-refresh';

/** What a call resolved with (status, statusText, data, a header, the config's method and url). */
const seen = (response) => ({
  status: response.status,
  statusText: response.statusText,
  data: response.data,
  contentType: response.headers['content-type'] ?? null,
  method: response.config?.method ?? null,
  url: response.config?.url ?? null,
});

/** What a call rejected with. */
const failed = (error) => ({
  isRequestError: isRequestError(error),
  name: error?.name,
  code: error?.code,
  message: error?.message,
  status: error?.status,
  response: error?.response ? seen(error.response) : null,
});

/** Settles a call into `{ resolved }` or `{ rejected }`. */
const settle = (promise) =>
  promise.then(
    (value) => ({ resolved: value && typeof value === 'object' && 'status' in value ? seen(value) : value }),
    (error) => ({ rejected: failed(error) }),
  );

async function scenario() {
  const report = {};
  // Before configure there is no default client: the calls reject with a TypeError.
  report.beforeConfigure = await settle(get('/api/me'));

  const client = configure({ baseURL: '/s001', refresh: { url: '/api/v1/refresh_token' } });
  report.events = [];
  for (const type of ['refresh-start', 'refresh-success', 'refresh-failure', 'session-expired']) {
    client.on(type, (event) => report.events.push(event.type));
  }

  // The login: no token, JSON body, never refreshed.
  const login = await post('/login', { user: 'plain' }, { auth: false });
  report.login = seen(login);
  client.setTokens({
    accessToken: login.data.access_token,
    refreshToken: login.data.refresh_token,
    expiresIn: login.data.expires_in,
  });

  report.me = await settle(get('/api/me'));
  report.echo = await settle(post('/api/echo', { item: 'x', n: 1 }));
  // Seed 001's API answers are `{code: 0, data}`: with the envelope the call resolves with `data`.
  report.enveloped = await settle(get('/api/me', { envelope: true }));
  report.missing = await settle(get('/api/missing'));

  // The server expires the access token: the next call is refused (401), refreshed once, replayed.
  const expired = await fetch('/__admin/expire-access', { method: 'POST' });
  report.expireStatus = expired.status;
  report.jtiBefore = jti(client.getTokens()?.accessToken);
  report.afterExpiry = await settle(get('/api/me'));
  report.jtiAfter = jti(client.getTokens()?.accessToken);
  return report;
}

/** The `jti` claim of a JWT (for comparing tokens without showing them). */
function jti(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '='))).jti ?? null;
  } catch {
    return null;
  }
}

const out = document.createElement('pre');
out.dataset.test = 'report';
document.querySelector('#app').append(out);
scenario()
  .then(
    (report) => report,
    (error) => ({ error: { name: error?.name, message: String(error?.message ?? error), stack: error?.stack } }),
  )
  .then((report) => {
    out.textContent = JSON.stringify(report, null, 2);
    document.body.dataset.done = 'true';
  });
