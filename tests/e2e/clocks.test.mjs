// A local clock an hour off, in Chromium against the reference backend: a JWT's `exp` is moved by
// the offset between its `iat` and the local clock at arrival, so requests neither wait for
// refreshes nor refresh more than once per token. Short tokens (8 s) keep the test short.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

const TTL_S = 8;

let h;
before(async () => (h = await openHarness({ backend: { accessTtl: TTL_S } })));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

for (const [label, offsetMs] of [['an hour ahead', 3_600_000], ['an hour behind', -3_600_000]]) {
  test(`a local clock ${label}: JWT expiries are corrected, requests do not wait`, { timeout: 120_000 }, async (t) => {
    // The page's clock is moved before anything loads; s000 answers with JWTs and no expires_in,
    // so the expiry can only come from `exp` (with `iat` for the offset).
    const page = await h.newPage();
    try {
      await page.evaluate((offset) => {
        const realNow = Date.now.bind(Date);
        Date.now = () => realNow() + offset;
      }, offsetMs);
      await page.evaluate((B) => window.kit.start('s000', B, {}), h.B);
      const started = Date.now();
      // 2.5 token lifetimes at 8 requests a second.
      const n = Math.round(TTL_S * 2.5 * 8);
      const results = await page.evaluate(
        async ({ n }) => {
          const pending = [];
          for (let i = 0; i < n; i++) {
            pending.push(window.kit.outcome(window.t.client.fetch('/api/me')));
            await new Promise((resolve) => setTimeout(resolve, 125));
          }
          return Promise.all(pending);
        },
        { n },
      );
      const { refreshCalls } = await h.counters();
      const { eventTypes } = await page.evaluate(() => window.kit.summary());
      const queued = eventTypes.filter((e) => e === 'request-queued').length;
      const replayed = eventTypes.filter((e) => e === 'request-replayed').length;
      t.diagnostic(`${label}: ${n} requests over ${((Date.now() - started) / 1000).toFixed(1)} s, ${refreshCalls} refresh calls, ${queued} waited, ${replayed} replayed`);
      assert.ok(results.every((r) => r.status === 200 && r.body?.code === 0), 'every request succeeded');
      assert.equal(queued, 0, 'no request waited for a refresh');
      assert.equal(replayed, 0, 'no request was refused as expired');
      // One refresh per token, in the second half of its life: 2.5 lifetimes, at most 5 tokens.
      assert.ok(refreshCalls >= 2 && refreshCalls <= 5, `${refreshCalls} refresh calls`);
    } finally {
      await page.close();
    }
  });
}
