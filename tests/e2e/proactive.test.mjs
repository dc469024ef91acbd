// Brief (c): a token inside proactiveWindow but still valid is used at once and one background
// refresh starts; the request never waits for it (DESIGN.md rule 2).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { jwtPayload, openHarness } from './harness.mjs';

const REFRESH_DELAY_MS = 2_000;

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

test('a request inside the proactive window is not delayed by the background refresh', { timeout: 30_000 }, async (t) => {
  // The login's 1-hour token is said to expire in 600 s: inside the 1800 s window, and in the
  // second half of its life (no proactive refresh happens in the first half). The refreshed token
  // lives 3600 s (the backend's expires_in), outside the window, so exactly one proactive refresh is
  // due.
  const tokens = await h.run(
    (B) =>
      window.kit.start('s001', B, {
        options: { storage: 'memory', proactiveWindow: 1800 },
        tokens: { expiresAt: Date.now() + 600_000 },
      }),
    h.B,
  );
  await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: REFRESH_DELAY_MS });

  const timing = await h.run(async () => {
    const { client, record } = window.t;
    const t0 = performance.now();
    const [r] = await window.kit.concurrently(1, () => client.fetch('/api/me'));
    const requestMs = performance.now() - t0;
    await record.waitFor('refresh-success');
    return { r, requestMs, refreshDoneMs: performance.now() - t0 };
  });
  t.diagnostic(`request answered after ${timing.requestMs.toFixed(0)} ms, background refresh done after ${timing.refreshDoneMs.toFixed(0)} ms`);

  assert.equal(timing.r.error, undefined, JSON.stringify(timing.r.error));
  assert.equal(timing.r.status, 200);
  assert.equal(timing.r.body.data.tokenJti, jwtPayload(tokens.accessToken).jti, 'the request used the current token');
  assert.ok(timing.requestMs < 1_000, `the request took ${timing.requestMs} ms`);
  assert.ok(timing.refreshDoneMs >= REFRESH_DELAY_MS - 50, `the refresh finished after ${timing.refreshDoneMs} ms`);

  // One background refresh, and the new token (outside the window) needs no other.
  const [next] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
  const s = await h.run(() => window.kit.summary());
  assert.equal(next.body?.data?.tokenJti, jwtPayload(s.tokens.accessToken).jti, 'the next request used the new token');
  assert.equal((await h.counters()).refreshCalls, 1);
  assert.equal(s.eventTypes.filter((type) => type === 'refresh-start').length, 1);
});
