// Brief (b): the storm. 200 concurrent requests with an expired access token make exactly one
// refresh call, all succeed, and the backend never sees a reused refresh token. Wall times are
// reported as test diagnostics.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { jwtPayload, openHarness } from './harness.mjs';

const N = 200;
const TIMEOUT = { timeout: 60_000 };

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

async function storm(t, label) {
  const results = await h.run((n) => window.kit.concurrently(n, () => window.t.client.fetch('/api/me')), N);
  const failures = results.filter((r) => r.error || r.status !== 200 || r.body?.code !== 0);
  assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${N} requests failed`);

  const counters = await h.counters();
  assert.equal(counters.refreshCalls, 1, 'refresh calls');
  assert.equal(counters.reuseDetections, 0, 'reuse detections');
  const s = await h.run(() => window.kit.summary());
  const newJti = jwtPayload(s.tokens.accessToken).jti;
  assert.ok(results.every((r) => r.body.data.tokenJti === newJti), 'every answer came from the new token');

  const wall = Math.max(...results.map((r) => r.ms));
  t.diagnostic(`${label}: ${N} requests, ${counters.refreshCalls} refresh call, ${N - failures.length} ok, ` +
    `${counters.reuseDetections} reuse detections, ${counters.requests['GET /s000/api/me']} requests on the backend, wall ${wall.toFixed(0)} ms`);
  return counters;
}

test('reactive storm: the backend says the token expired', TIMEOUT, async (t) => {
  await h.run((B) => window.kit.start('s000', B), h.B);
  await h.admin('expire-access');
  const counters = await storm(t, 'reactive (HTTP 200 {code:50014})');
  // Each request went out once with the old token and once more after the refresh, at most.
  assert.ok(counters.requests['GET /s000/api/me'] <= 2 * N);
});

test('pre-expired storm: the client knows the token expired and waits for the refresh', TIMEOUT, async (t) => {
  // expiresAt in the past by the local clock: no request may go out with the old token (rule 2).
  const tokens = await h.run(([B, expiresAt]) => window.kit.start('s000', B, { tokens: { expiresAt } }), [h.B, Date.now() - 1_000]);
  const counters = await storm(t, 'pre-expired (expiresAt in the past)');
  const oldJti = jwtPayload(tokens.accessToken).jti;
  assert.ok(!counters.tokensSeen.includes(oldJti), 'the expired token was sent');
  assert.equal(counters.requests['GET /s000/api/me'], N);
});
