// Bad input through the built package in Chromium: values other code left in localStorage (2 MB,
// lone surrogates) and odd option objects. Each case settles with a clear outcome, storage keeps
// what it held, and the page sees no uncaught error (h.assertNoPageProblems after each test).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

// localStorage values (JS expressions; `login` is a fresh s001 login) and what the requests give:
// an HTTP status, or the name of the error they reject with.
const STORED = [
  { what: 'a 2 MB access token', access: "'A'.repeat(2 * 1024 * 1024)", expiry: 'null', outcome: 401 },
  { what: 'a 2 MB expiry', access: 'login.accessToken', expiry: "'1'.repeat(2 * 1024 * 1024)", outcome: 200 },
  { what: 'a lone surrogate in the expiry', access: 'login.accessToken', expiry: "'17\\uD800'", outcome: 200 },
  { what: 'a lone surrogate in the access token', access: "'zq7\\uD800x81f'", expiry: 'null', outcome: 'TypeError' },
];

for (const { what, access, expiry, outcome } of STORED) {
  test(`stored: ${what} settles (${outcome}) and storage is kept`, { timeout: 30_000 }, async () => {
    const result = await h.run(
      async ([B, access, expiry]) => {
        const login = await window.kit.flavours.s001.login(B);
        const values = { access_token: eval(access), refresh_token: login.refreshToken, access_token_expires_at: eval(expiry) };
        localStorage.setItem('another-app', 'kept');
        for (const [key, value] of Object.entries(values)) if (value !== null) localStorage.setItem(key, value);
        const snapshot = () => JSON.stringify(Object.entries(localStorage).sort());
        const before = snapshot();
        const client = new window.fwr.AuthClient({ baseURL: `${B}/s001`, refresh: { url: '/api/v1/refresh_token' } });
        const results = await window.kit.concurrently(3, () => client.fetch('/api/me'));
        return { results, kept: snapshot() === before, other: localStorage.getItem('another-app') };
      },
      [h.B, access, expiry],
    );
    for (const [i, r] of result.results.entries()) {
      if (typeof outcome === 'number') assert.equal(r.status, outcome, `request ${i}: ${JSON.stringify(r.error)}`);
      else {
        assert.equal(r.error?.name, outcome, `request ${i}: ${JSON.stringify(r)}`);
        assert.equal(r.error.isError, true);
        assert.match(r.error.message, /cannot be sent in the `Authorization` header/);
        assert.ok(!r.error.message.includes('x81f'), `the token is in the message: ${r.error.message}`);
      }
    }
    assert.ok(result.kept, 'localStorage changed');
    assert.equal(result.other, 'kept');
    assert.equal((await h.counters()).refreshCalls, 0);
  });
}

// Option objects the package must refuse with a TypeError naming the option (JS expressions over
// `s`, valid options).
const OPTIONS = [
  ["Object.defineProperty({...s}, 'storage', {get() { throw new Error('boom'); }, enumerable: true})", 'option `storage` could not be read'],
  ['(() => { const o = {...s}; o.self = o; return o; })()', 'unknown option `self`'],
  ['(() => { const r = {...s.refresh}; r.send = r; return {...s, refresh: r}; })()', 'unknown option `refresh.send.url`'],
  ["new Proxy(s, {ownKeys() { throw new Error('boom'); }})", 'option `options` could not be read'],
  ["({...s, refresh: new Proxy(s.refresh, {get() { throw new Error('boom'); }})})", 'option `refresh.url` could not be read'],
  ['(() => { const p = Proxy.revocable(s, {}); p.revoke(); return p.proxy; })()', 'option `options` could not be read'],
];

test('odd option objects are TypeErrors naming the option, and the package still works after them', { timeout: 30_000 }, async () => {
  const results = await h.run(
    async ([B, cases]) => {
      const s = { baseURL: `${B}/s001`, storage: 'memory', refresh: { url: '/api/v1/refresh_token' } };
      const out = cases.map((src) => {
        try {
          new window.fwr.AuthClient(new Function('s', `return (${src});`)(s));
          return { accepted: true };
        } catch (e) {
          return { type: e instanceof TypeError, name: e?.name, message: String(e?.message) };
        }
      });
      const client = new window.fwr.AuthClient(s);
      client.setTokens(await window.kit.flavours.s001.login(B));
      const [after] = await window.kit.concurrently(1, () => client.fetch('/api/me'));
      return { out, after: after.status };
    },
    [h.B, OPTIONS.map(([src]) => src)],
  );
  for (const [i, [src, expected]] of OPTIONS.entries()) {
    const r = results.out[i];
    assert.equal(r.type, true, `${src}: ${JSON.stringify(r)}`);
    assert.equal(r.name, 'TypeError');
    assert.ok(r.message.startsWith(`fetch-with-refresh: ${expected}`), `${src}: ${r.message}`);
  }
  assert.equal(results.after, 200, 'a client made afterwards does not work');
});
