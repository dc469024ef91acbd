// The consumer side of the pack test. pack.test.mjs copies this file into a fresh folder where the
// packed tarball is installed, and runs it there with `node smoke.mjs <backend origin>`, so the
// import below resolves exactly as in an app. Prints one JSON line with what it observed: the
// exports, one refresh behind fetchWithRefresh, and the axios-shaped calls (module-level, over the
// default client) resolving and rejecting.
import * as fwr from 'fetch-with-refresh';

const B = process.argv[2];
const post = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

const report = {
  exports: {
    ready: fwr.ready instanceof Promise,
    configure: typeof fwr.configure,
    fetchWithRefresh: typeof fwr.fetchWithRefresh,
    AuthClient: typeof fwr.AuthClient,
  },
  calls: Object.fromEntries(
    ['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch', 'isRequestError', 'RequestError'].map((name) => [
      name,
      typeof fwr[name],
    ]),
  ),
};

/** What an axios-shaped call settled with. */
const settle = (promise) =>
  promise.then(
    (r) => ({ status: r.status, statusText: r.statusText, data: r.data, method: r.config?.method }),
    (e) => ({ rejected: { name: e?.name, code: e?.code, status: e?.status, isRequestError: fwr.isRequestError?.(e) } }),
  );

try {
  await fwr.ready;
  report.beforeConfigure = await settle(fwr.get('/api/me'));
  // Node has no localStorage: memory storage. Node 20 has fetch, the default transport.
  const client = fwr.configure({ baseURL: `${B}/s001`, storage: 'memory', refresh: { url: '/api/v1/refresh_token' } });
  report.configureReturnsClient = client instanceof fwr.AuthClient;
  report.events = [];
  client.on('refresh-start', (e) => report.events.push(e.type));
  client.on('refresh-success', (e) => report.events.push(e.type));

  const login = await (await post(`${B}/s001/login`, { user: 'node' })).json();
  client.setTokens({ accessToken: login.access_token, refreshToken: login.refresh_token, expiresIn: login.expires_in });
  await post(`${B}/__admin/expire-access`);

  const res = await fwr.fetchWithRefresh('/api/me');
  report.status = res.status;
  report.body = await res.json();
  report.tokens = client.getTokens();

  report.get = await settle(fwr.get('/api/me'));
  report.post = await settle(fwr.post('/api/echo', { from: 'node' }));
  report.missing = await settle(fwr.get('/api/missing'));
} catch (e) {
  report.error = { name: e?.name, message: String(e?.message ?? e), stack: e?.stack };
}
process.stdout.write(`${JSON.stringify(report)}\n`);
