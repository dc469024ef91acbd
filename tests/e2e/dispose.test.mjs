// Issue 6: dispose() is final, against the reference backend (which rotates refresh tokens and
// revokes a family on reuse). A request in flight when its client is disposed comes back
// "expired": the disposed client must not refresh (the rotated refresh token would be lost, and
// the next client's refresh would be a reuse that logs the user out). The next client, over the
// same storage, refreshes once and works. The rejection is an instance of the exported class.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

test('a request that comes back expired after dispose() starts no refresh; the next client refreshes once', { timeout: 30_000 }, async () => {
  const tokens = await h.run((B) => window.kit.flavours.s001.login(B), h.B);
  await h.admin('expire-access');
  const first = await h.run(async ([B, tokens]) => {
    const { AuthClient, DisposedError, configure } = window.fwr;
    // The app's fetch holds /api/me answers until released, so dispose() lands while one is in flight.
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    const gated = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/api/me')) await gate;
      return response;
    };
    const options = { baseURL: `${B}/s001`, storage: 'localStorage', refresh: { url: '/api/v1/refresh_token' } };
    const a = configure({ ...options, fetch: gated });
    a.setTokens(tokens);
    const stored = localStorage.getItem('refresh_token');
    const pending = window.kit.outcome(a.fetch('/api/me'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const b = configure(options); // disposes `a`, as an app re-configuring would
    release();
    const result = await pending;
    const caught = await a.fetch('/api/me').catch((e) => e);
    return {
      result,
      disposedIsInstance: caught instanceof DisposedError && caught.name === 'DisposedError',
      storedBefore: stored,
      storedAfter: localStorage.getItem('refresh_token'),
      sameClient: b instanceof AuthClient,
    };
  }, [h.B, tokens]);
  assert.equal(first.result.error?.name, 'DisposedError', JSON.stringify(first.result));
  assert.ok(first.disposedIsInstance, 'the rejection is not an instance of the exported DisposedError');
  assert.equal(first.storedAfter, first.storedBefore, 'the disposed client wrote to storage');
  let counters = await h.counters();
  assert.equal(counters.refreshCalls, 0, 'the disposed client refreshed');

  // The next client (configure made it the default) finds the same tokens and refreshes once.
  const second = await h.run(() => window.kit.concurrently(5, () => window.fwr.fetchWithRefresh('/api/me')));
  for (const [i, r] of second.entries()) assert.equal(r.status, 200, `request ${i}: ${JSON.stringify(r.error ?? r.status)}`);
  counters = await h.counters();
  assert.equal(counters.refreshCalls, 1);
  assert.equal(counters.reuseDetections, 0, 'the backend saw a refresh token reused');
});
