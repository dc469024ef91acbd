// The axios-shaped calls through the built, optimised package in Chromium against the reference
// backend: the module-level functions over the default client, the shorthands on a client, the
// envelope, axios-shaped errors, and the refresh rules behind them (one refresh for a storm of
// calls, the session's end). The last test measures what a call costs over `fetchWithRefresh`
// with a stubbed transport.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { jwtPayload, openHarness } from './harness.mjs';

const TIMEOUT = { timeout: 60_000 };

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

/** An error as plain data. */
const ERROR_FIELDS = (e) => ({ name: e?.name, code: e?.code, message: e?.message, status: e?.status });

test('module-level calls before configure reject with a TypeError naming the call', TIMEOUT, async () => {
  const errors = await h.run(async () => {
    const out = [];
    for (const name of ['get', 'post', 'request', 'delete', 'fetchWithRefresh']) {
      try {
        await window.fwr[name]('/x');
        out.push(null);
      } catch (e) {
        out.push([e instanceof TypeError, e.message]);
      }
    }
    return out;
  });
  assert.deepEqual(errors.map((e) => e[0]), [true, true, true, true, true]);
  assert.match(errors[0][1], /get was called before configure/);
  assert.match(errors[3][1], /delete was called before configure/);
  assert.match(errors[4][1], /fetchWithRefresh was called before configure/);
});

test('get, post, put and patch over the default client, with and without an envelope', TIMEOUT, async () => {
  const r = await h.run(async (B) => {
    const { configure, get, post, put, patch, request, isRequestError } = window.fwr;
    const { options, login } = window.kit.flavours.s000;
    const client = configure({ ...options(B), headers: { 'X-App': 'demo' } });
    client.setTokens(await login(B));
    const me = await get('/api/me');
    const echo = await post('/api/echo', { name: 'x', n: 1 }, { params: { page: 2, tags: ['a', 'b'] } });
    const put_ = await put('/api/echo', 'plain text');
    const patch_ = await patch('/api/echo', new URLSearchParams({ a: '1' }));
    const viaRequest = await request({ url: '/api/echo', method: 'POST', data: [1, 2] });
    const text = await get('/api/text', { responseType: 'text' });
    let missing;
    try {
      await get('/api/nothing-here');
    } catch (e) {
      missing = { ...{ name: e.name, code: e.code, message: e.message, status: e.status }, guard: isRequestError(e), url: e.config.url, method: e.config.method, data: e.response.data };
    }
    const unwrapped = await client.get('/api/me', { envelope: true });
    return { me, echo, put_, patch_, viaRequest, text, missing, unwrapped, tokens: client.getTokens() };
  }, h.B);
  assert.equal(r.me.status, 200);
  assert.equal(r.me.statusText, 'OK');
  assert.equal(r.me.data.code, 0);
  assert.equal(r.me.data.data.tokenJti, jwtPayload(r.tokens.accessToken).jti);
  assert.match(r.me.headers['content-type'], /application\/json/);
  assert.deepEqual([r.me.config.url, r.me.config.method], ['/api/me', 'get']);

  assert.equal(r.echo.data.data.body, '{"name":"x","n":1}');
  assert.match(r.echo.data.data.contentType, /^application\/json/);
  assert.equal(r.echo.data.data.method, 'POST');
  assert.deepEqual(r.echo.config.data, { name: 'x', n: 1 });
  assert.equal(r.put_.data.data.body, 'plain text');
  assert.match(r.put_.data.data.contentType, /^text\/plain/);
  assert.equal(r.patch_.data.data.body, 'a=1');
  assert.match(r.patch_.data.data.contentType, /^application\/x-www-form-urlencoded/);
  assert.equal(r.viaRequest.data.data.body, '[1,2]');
  assert.equal(r.text.data, 'hello');

  assert.deepEqual(
    { name: r.missing.name, code: r.missing.code, message: r.missing.message, status: r.missing.status, guard: r.missing.guard },
    { name: 'RequestError', code: 'ERR_BAD_REQUEST', message: 'Request failed with status code 404', status: 404, guard: true },
  );
  assert.deepEqual([r.missing.url, r.missing.method], ['/api/nothing-here', 'get']);
  // With the envelope, the call resolves with `data` of `{code: 0, data}`.
  assert.deepEqual(Object.keys(r.unwrapped).sort(), ['tokenJti', 'user']);
});

test('a storm of 200 calls on an expired token makes one refresh call and all resolve', TIMEOUT, async (t) => {
  await h.run((B) => window.kit.start('s000', B, { options: { envelope: true } }), h.B);
  await h.admin('expire-access');
  const results = await h.run(async (n) => {
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: n }, () => window.t.client.get('/api/me')));
    return { wall: performance.now() - started, settled: settled.map((s) => (s.status === 'fulfilled' ? s.value : { error: s.reason?.name })) };
  }, 200);
  const failures = results.settled.filter((r) => r.error || typeof r.tokenJti !== 'string');
  assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of 200 calls failed`);
  const counters = await h.counters();
  assert.equal(counters.refreshCalls, 1);
  assert.equal(counters.reuseDetections, 0);
  const newJti = jwtPayload((await h.run(() => window.t.client.getTokens())).accessToken).jti;
  assert.ok(results.settled.every((r) => r.tokenJti === newJti), 'every call resolved with the new token\'s answer');
  t.diagnostic(`200 get() calls on an expired token: 1 refresh call, 200 resolved, wall ${results.wall.toFixed(0)} ms`);
});

test('a dead refresh token rejects every call with SessionExpiredError and calls onSessionExpired once', TIMEOUT, async () => {
  await h.run((B) => window.kit.start('s002', B, { options: { envelope: true } }), h.B);
  await h.admin('expire-access');
  await h.admin('expire-refresh');
  const errors = await h.run(async () => {
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => window.t.client.get('/api/me')));
    return settled.map((s) => s.reason?.name ?? 'resolved');
  });
  assert.deepEqual(new Set(errors), new Set(['SessionExpiredError']));
  const s = await h.run(() => window.kit.summary());
  assert.equal(s.expiredCalls.length, 1);
  assert.equal(s.tokens, null);
});

test('timeout, abort and a refused business code reject as axios users catch them', TIMEOUT, async () => {
  const r = await h.run(async (B) => {
    const { options, login } = window.kit.flavours.s000;
    const client = new window.fwr.AuthClient({ ...options(B), envelope: { success: [1] } });
    client.setTokens(await login(B));
    const catching = (promise) => promise.then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message, businessCode: e.businessCode, body: e.response?.data }));
    const business = await catching(client.get('/api/me'));
    const controller = new AbortController();
    const aborted = catching(client.get('/api/me', { signal: controller.signal, envelope: false }));
    controller.abort();
    const timedOut = await catching(client.get('/api/me', { timeout: 1, envelope: false }));
    return { business, aborted: await aborted, timedOut };
  }, h.B);
  assert.deepEqual(
    { name: r.business.name, code: r.business.code, businessCode: r.business.businessCode },
    { name: 'RequestError', code: 'ERR_BUSINESS', businessCode: 0 },
  );
  assert.equal(r.business.message, 'the server answered business code 0');
  assert.equal(r.business.body.code, 0);
  assert.deepEqual(ERROR_FIELDS(r.aborted), { name: 'RequestError', code: 'ERR_CANCELED', message: 'canceled', status: undefined });
  assert.deepEqual(ERROR_FIELDS(r.timedOut), { name: 'RequestError', code: 'ECONNABORTED', message: 'timeout of 1ms exceeded', status: undefined });
});

test('what a call costs over fetchWithRefresh (stubbed transport)', TIMEOUT, async (t) => {
  const r = await h.run(async () => {
    const { AuthClient } = window.fwr;
    const body = JSON.stringify({ code: 0, data: { ok: true } });
    const fetch = () => Promise.resolve(new Response(body, { headers: { 'content-type': 'application/json' } }));
    const client = new AuthClient({ storage: 'memory', baseURL: 'https://api.test', allowedOrigins: ['https://api.test'], refresh: { url: '/r' }, fetch });
    client.setTokens({ accessToken: 'a.b.c', refreshToken: 'r', expiresIn: 3600 });
    const N = 2000;
    const time = async (f) => {
      const started = performance.now();
      for (let i = 0; i < N; i++) await f();
      return ((performance.now() - started) * 1000) / N;
    };
    const viaFetch = () => client.fetch('/me').then((res) => res.json());
    const viaGet = () => client.get('/me');
    const rounds = { fetch: [], get: [] };
    for (let round = 0; round < 5; round++) {
      rounds.fetch.push(await time(viaFetch));
      rounds.get.push(await time(viaGet));
    }
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { fetch: median(rounds.fetch), get: median(rounds.get), check: (await viaGet()).data };
  });
  assert.deepEqual(r.check, { code: 0, data: { ok: true } });
  t.diagnostic(`per call (median of 5 rounds of 2000): fetch()+json() ${r.fetch.toFixed(1)} µs, get() ${r.get.toFixed(1)} µs, ` +
    `the axios-shaped layer ${(r.get - r.fetch).toFixed(1)} µs`);
  // A sanity bound, not a benchmark: a call must not cost more than a millisecond over fetch().
  assert.ok(r.get - r.fetch < 1000, `get() costs ${r.get - r.fetch} µs over fetch()`);
});
