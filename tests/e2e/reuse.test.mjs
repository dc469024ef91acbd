// Brief (g): two separate clients (two tabs, each with its own in-memory copy of the same tokens)
// both refresh the same rotating refresh token. The second use is a reuse detection, the backend
// revokes the whole family, and both tabs end up logged out. This documents the multi-tab problem
// of DESIGN.md ("Coming next"); the assertion is on the backend's side.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

const startWith = (page, B, tokens) =>
  page.evaluate(([b, t]) => window.kit.start('s001', b, { options: { storage: 'memory' }, tokens: t }), [B, tokens]);
const fetchMe = (page) => page.evaluate(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));

test('two tabs refreshing the same rotated token trigger a reuse detection', { timeout: 30_000 }, async () => {
  const tabB = await h.newPage();
  try {
    // Tab A logs in; tab B starts from the very same token set (as if read from shared storage).
    const tokens = await startWith(h.page, h.B, {});
    await startWith(tabB, h.B, tokens);
    await h.admin('expire-access');

    const [a] = await fetchMe(h.page);
    assert.equal(a.status, 200, 'tab A refreshes and succeeds');
    const [b] = await fetchMe(tabB);
    assert.equal(b.error?.name, 'SessionExpiredError', `tab B: ${JSON.stringify(b.error ?? b.status)}`);

    let counters = await h.counters();
    assert.equal(counters.refreshCalls, 2);
    assert.equal(counters.reuseDetections, 1, 'the backend detected the reuse');

    // The family is revoked: tab A's rotated refresh token is refused too.
    await h.admin('expire-access');
    const [a2] = await fetchMe(h.page);
    assert.equal(a2.error?.name, 'SessionExpiredError', `tab A: ${JSON.stringify(a2.error ?? a2.status)}`);
    counters = await h.counters();
    assert.equal(counters.refreshCalls, 3);
    assert.equal(counters.reuseDetections, 1, 'a revoked family is refused, not a second detection');
  } finally {
    await tabB.close();
  }
});
