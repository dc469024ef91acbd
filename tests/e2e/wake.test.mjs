// Waking up, in Chromium against the reference backend: a page shown again or back online checks
// the expiry at once (a hidden page leaves it to the visible one), and `autoRefresh` keeps
// short-lived tokens fresh with no request at all, only while the page is visible.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

// Access tokens live 4 s here: with autoRefresh each is renewed 2 s after it arrives.
const TTL_S = 4;

let h;
before(async () => (h = await openHarness({ backend: { accessTtl: TTL_S } })));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(async () => {
  await h.context.setOffline(false);
  h.assertNoPageProblems();
});

/** `document.hidden` as the browser says when the tab is switched, and its event. */
function switchPage(hidden) {
  return h.run((hidden) => {
    Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function refreshCalls() {
  return (await h.counters()).refreshCalls;
}

/** Waits until the backend has seen `n` refresh calls (at most `ms`). */
async function untilRefreshCalls(n, ms = 5_000) {
  const deadline = Date.now() + ms;
  while ((await refreshCalls()) < n) {
    assert.ok(Date.now() < deadline, `still ${await refreshCalls()} refresh calls, expected ${n}`);
    await pause(20);
  }
}

test('a tab asleep past its expiry refreshes when shown, before any request', async () => {
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'localStorage' }, tokens: { expiresAt: Date.now() - 1_000 } }), h.B);
  await switchPage(true);
  await pause(300);
  assert.equal(await refreshCalls(), 0, 'a hidden page refreshes nothing');

  await switchPage(false);
  await untilRefreshCalls(1);
  const r = await h.run(() => window.kit.outcome(window.t.client.fetch('/api/me')));
  assert.equal(r.status, 200);
  const s = await h.run(() => window.kit.summary());
  assert.equal(s.eventTypes.filter((t) => t === 'request-queued').length, 0, 'the request did not wait');
  assert.equal(s.events.find((e) => e.type === 'refresh-start').reason, 'expired');
  assert.equal(await refreshCalls(), 1);
});

test('back online (a real online event), a token inside its window is renewed at once', async () => {
  // A 4 s token with 1.9 s left: in the second half of its life, inside the window.
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'localStorage' }, tokens: { expiresAt: Date.now() + 1_900 } }), h.B);
  await h.context.setOffline(true);
  await pause(100);
  assert.equal(await refreshCalls(), 0);
  await h.context.setOffline(false);
  await untilRefreshCalls(1);
  const s = await h.run(() => window.kit.summary());
  assert.equal(s.events.find((e) => e.type === 'refresh-start').reason, 'proactive');
  assert.ok(s.tokens.expiresAt > Date.now(), 'renewed');
});

test(`autoRefresh keeps ${TTL_S}-second tokens fresh with no request, in a visible page only`, { timeout: 60_000 }, async (t) => {
  await h.run((B) => window.kit.start('s001', B, { options: { storage: 'localStorage', autoRefresh: true } }), h.B);
  await pause(7_000);
  const visible = await refreshCalls();
  t.diagnostic(`7 s visible: ${visible} refresh calls`);
  assert.equal(visible, 3, 'renewed at 2, 4 and 6 s');
  const r = await h.run(() => window.kit.outcome(window.t.client.fetch('/api/me')));
  assert.equal(r.status, 200);

  // Hidden: the timer leaves it to the visible tab, even past the expiry.
  await switchPage(true);
  await pause(6_000);
  assert.equal(await refreshCalls(), visible, 'no refresh while hidden');
  await switchPage(false);
  await untilRefreshCalls(visible + 1, 1_000);
  const s = await h.run(() => window.kit.summary());
  assert.equal(s.eventTypes.filter((t) => t === 'request-queued').length, 0, 'no request ever waited');
  assert.equal(s.expiredCalls.length, 0);

  // dispose() clears the timer.
  await h.run(() => window.t.client.dispose());
  await pause(3_000);
  assert.equal(await refreshCalls(), visible + 1, 'no refresh after dispose');
});
