// Page-side test kit, loaded by harness.mjs into page.html as `window.kit`. It holds what an app
// would write for each backend flavour (its login call and its client options, as DESIGN.md and the
// seeds describe them), records what a client reports, and turns promises and responses into plain
// data that page.evaluate can hand back to Node.
import { AuthClient } from '/static/pkg/index.js';

export const EVENT_TYPES = [
  'refresh-start',
  'refresh-success',
  'refresh-failure',
  'session-expired',
  'tokens-changed',
  'request-queued',
  'request-replayed',
  'storage-fallback',
];

// Logins are plain fetches, as in an app: the library is not involved until setTokens.
async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

const codeLogin = (prefix) => async (B) => {
  const j = await postJson(`${B}${prefix}/login`, { user: 'u' });
  return { accessToken: j.data.token, refreshToken: j.data.refreshToken };
};

/** Per flavour: `codeField` of its JSON answers, `login(B)` → TokenInput, `options(B, record)`. */
export const flavours = {
  s000: {
    codeField: 'code',
    login: codeLogin('/s000'),
    options: (B) => ({
      baseURL: `${B}/s000`,
      storage: 'memory',
      attach: { header: 'X-Token', scheme: null },
      refresh: { url: '/refreshJwt/{refreshToken}' },
      accessExpired: { codes: [50014] },
      sessionExpired: { codes: [10007] },
    }),
  },
  s001: {
    codeField: 'code',
    async login(B) {
      const j = await postJson(`${B}/s001/login`, { user: 'u' });
      return { accessToken: j.access_token, refreshToken: j.refresh_token, expiresIn: j.expires_in };
    },
    // Everything else is the library's default: Bearer, 401, body field refresh_token.
    options: (B) => ({ baseURL: `${B}/s001`, storage: 'cookie', refresh: { url: '/api/v1/refresh_token' } }),
  },
  s002: {
    codeField: 'code',
    login: codeLogin('/s002'),
    options: (B) => ({
      baseURL: `${B}/s002`,
      storage: 'memory',
      attach: { header: 'X-Token', scheme: null },
      refresh: { url: '/sys/user/refreshtoken', send: { header: 'X-Token' } },
      accessExpired: { status: [401], codes: [50014] },
      sessionExpired: { codes: [50015] },
    }),
  },
  s003: {
    codeField: 'errcode',
    async login(B) {
      const j = await postJson(`${B}/s003/login`, { user: 'u' });
      return { accessToken: j.Token };
    },
    // No refresh token: the app's own function logs in again; null means the session is over.
    options: (B, record) => ({
      baseURL: `${B}/s003`,
      storage: 'memory',
      attach: { query: 'token' },
      refresh: async () => {
        record.refreshFnCalls += 1;
        const j = await postJson(`${B}/s003/relogin`, { user: 'u' });
        return j.errcode === 0 ? { accessToken: j.Token } : null;
      },
      accessExpired: { codes: [30001, 40001, 42001, 40014] },
      codeField: 'errcode',
    }),
  },
  s004: {
    codeField: 'code',
    login: codeLogin('/s004'),
    options: (B) => ({
      baseURL: `${B}/s004`,
      storage: 'memory',
      attach: { scheme: null },
      refresh: {
        url: '/refreshToken',
        send: { bodyField: 'refreshToken', accessTokenField: 'token' },
        response: { accessToken: 'data.token' },
      },
      accessExpired: { codes: [409] },
    }),
  },
};

/** What a client reported: its events (with a timestamp), onSessionExpired calls, refresh fn calls. */
function createRecord() {
  const waiters = [];
  const record = {
    events: [],
    expiredCalls: [],
    refreshFnCalls: 0,
    push(event) {
      record.events.push({ ...event, at: performance.now() });
      for (const w of waiters.splice(0)) if (!w()) waiters.push(w);
    },
    count: (type) => record.events.filter((e) => e.type === type).length,
    /** Resolves once `n` events of `type` have been seen. */
    waitFor: (type, n = 1) =>
      new Promise((resolve) => {
        const check = () => record.count(type) >= n && (resolve(record.events.filter((e) => e.type === type)), true);
        if (!check()) waiters.push(check);
      }),
  };
  return record;
}

/**
 * Creates `window.t = { client, record, tokens }` for a flavour: the flavour's options with
 * `options` merged over them (top level), an onSessionExpired that records its calls, a listener
 * on every event, then a login and setTokens with `tokens` merged over the login's.
 * Returns the token set that was stored (test data, so the test can compare jti claims).
 */
export async function start(name, B, { options = {}, tokens = {} } = {}) {
  const flavour = flavours[name];
  const record = createRecord();
  const client = new AuthClient({
    ...flavour.options(B, record),
    onSessionExpired: (info) => record.expiredCalls.push(info),
    ...options,
  });
  for (const type of EVENT_TYPES) client.on(type, (e) => record.push(e));
  const set = { ...(await flavour.login(B)), ...tokens };
  client.setTokens(set);
  window.t = { client, record, flavour };
  return set;
}

/** Plain data about `window.t` for assertions in Node. */
export function summary() {
  const { client, record } = window.t;
  return {
    events: record.events.map(({ at, ...e }) => e),
    eventTypes: record.events.map((e) => e.type),
    expiredCalls: record.expiredCalls,
    refreshFnCalls: record.refreshFnCalls,
    tokens: client.getTokens(),
  };
}

/**
 * A fetch outcome as plain data: `{ status, contentType, text, body, ms }` or `{ error, ms }`, where
 * `error` keeps the name, message, reason and status of what was thrown, and `ms` is the time to
 * settle.
 */
export async function outcome(promise, started = performance.now()) {
  try {
    const res = await promise;
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the text is enough
    }
    return { status: res.status, contentType: res.headers.get('content-type'), text, body, ms: performance.now() - started };
  } catch (e) {
    const error = { isError: e instanceof Error, name: e?.name, message: String(e?.message ?? e), reason: e?.reason, status: e?.status };
    return { error, ms: performance.now() - started };
  }
}

/** Starts `n` calls of `makeRequest(i)` at once and settles them all (see `outcome`). */
export function concurrently(n, makeRequest) {
  const started = performance.now();
  return Promise.all(Array.from({ length: n }, (_, i) => outcome(makeRequest(i), started)));
}
