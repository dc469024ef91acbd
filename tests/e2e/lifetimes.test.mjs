// Short-lived tokens in Chromium against the reference backend: they are renewed once per
// half-lifetime, not on every request (the default 30-minute window holds a 60-second token from the
// moment it arrives).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

const TTL_S = 60;

let h;
before(async () => (h = await openHarness({ backend: { accessTtl: TTL_S } })));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

/** In the page: `n` requests, one every `everyMs`, each settled as plain data (kit.outcome). */
function spread(n, everyMs) {
  return h.run(
    async ({ n, everyMs }) => {
      const pending = [];
      for (let i = 0; i < n; i++) {
        pending.push(window.kit.outcome(window.t.client.fetch('/api/me')));
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
      return Promise.all(pending);
    },
    { n, everyMs },
  );
}

/** What the client reported, by event type. */
async function counts() {
  const { eventTypes } = await h.run(() => window.kit.summary());
  const count = (type) => eventTypes.filter((t) => t === type).length;
  return { starts: count('refresh-start'), queued: count('request-queued'), replayed: count('request-replayed') };
}

test(`${TTL_S}-second tokens: 1,000 requests over ${TTL_S} s make at most 2 refresh calls`, { timeout: 120_000 }, async (t) => {
  // s001 answers with expires_in: the lifetime is known from it, the expiry counts from arrival.
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'localStorage' } }), h.B);
  const started = Date.now();
  const results = await spread(1000, TTL_S);
  const { refreshCalls } = await h.counters();
  const c = await counts();
  t.diagnostic(`1000 requests over ${((Date.now() - started) / 1000).toFixed(1)} s: ${refreshCalls} refresh calls, ${c.queued} waited, ${c.replayed} replayed`);
  assert.ok(results.every((r) => r.status === 200), 'every request succeeded');
  assert.ok(refreshCalls >= 1 && refreshCalls <= 2, `${refreshCalls} refresh calls`);
  assert.equal(c.queued, 0, 'no request waited for a refresh');
});
