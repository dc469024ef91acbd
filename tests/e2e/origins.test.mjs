// Brief (e): the access token goes only to allowed origins (DESIGN.md rule 1). A second backend on
// another port shares the first one's signing secret, so a token it receives would be accepted:
// what it saw is then visible in its tokensSeen counter.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { startBackend } from './backend.mjs';
import { jwtPayload, openHarness } from './harness.mjs';

const TIMEOUT = { timeout: 30_000 };
const secret = randomBytes(32);

let h;
let other;
before(async () => {
  h = await openHarness({ backend: { secret } });
  other = await startBackend({ secret, accessTtl: 3600, refreshTtl: 86400 });
});
after(async () => {
  await other?.close();
  await h?.close();
});
beforeEach(async () => {
  await h.fresh();
  await fetch(`${other.url}/__admin/reset`, { method: 'POST' });
});
afterEach(() => h.assertNoPageProblems());

const otherCounters = async () => (await fetch(`${other.url}/__admin/counters`)).json();
const fetchOnce = (url, init) => h.run(([u, i]) => window.kit.concurrently(1, () => window.t.client.fetch(u, i)), [url, init]);

test('another origin gets no token, no classification, no refresh', TIMEOUT, async () => {
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'memory' } }), h.B);
  const [r] = await fetchOnce(`${other.url}/s001/api/me`);
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  // The other backend's 401 reaches the caller as is: it is not "access expired" for this client.
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'missing_token');
  assert.deepEqual((await otherCounters()).tokensSeen, []);
  assert.equal((await h.counters()).refreshCalls, 0);
});

test('an origin listed in allowedOrigins gets the token', TIMEOUT, async () => {
  const tokens = await h.run(
    ([B, O]) => window.kit.start('s001', B, { options: { storage: 'memory', allowedOrigins: [B, O] } }),
    [h.B, other.url],
  );
  const [r] = await fetchOnce(`${other.url}/s001/api/me`);
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await otherCounters()).tokensSeen, [jwtPayload(tokens.accessToken).jti]);
});

test('auth: false sends a same-origin request untouched', TIMEOUT, async () => {
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'memory' } }), h.B);
  const [r] = await fetchOnce('/api/me', { auth: false });
  assert.equal(r.error, undefined, JSON.stringify(r.error));
  assert.equal(r.status, 401);
  assert.equal(r.body.error, 'missing_token');
  const counters = await h.counters();
  assert.deepEqual(counters.tokensSeen, []);
  assert.equal(counters.refreshCalls, 0, 'a 401 on an auth:false request must not start a refresh');
});
