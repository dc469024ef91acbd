// Brief (d): a refresh that fails for a transient reason (5xx, a malformed answer, no answer before
// refresh.timeout) rejects the waiting requests with RefreshError, keeps the tokens and does not log
// the user out (DESIGN.md rule 6).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

const REFRESH_TIMEOUT_MS = 500;
const WAITING = 5;

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

// `calls`: refresh calls for the waiting requests. A 500 is transient: tried again 3 times (short
// delays here, so that all 4 tries fit in the timeout), and it fails every time.
const RETRY = { attempts: 3, baseDelay: 10, maxDelay: 20 };
const CASES = [
  { kind: '500', reason: 'status', faults: 4, calls: 4 },
  { kind: 'malformed', reason: 'malformed', faults: 1, calls: 1 },
  { kind: 'hang', reason: 'timeout', faults: 1, calls: 1 },
];

for (const { kind, reason, faults, calls } of CASES) {
  test(`refresh fault "${kind}" rejects with RefreshError (${reason}) and keeps the session`, { timeout: 30_000 }, async (t) => {
    // The token is expired by the local clock, so every request waits for the one refresh before
    // going out: all of them are deterministically "waiting requests" when it fails.
    await h.run(
      ([B, timeout, expiresAt, retry]) =>
        window.kit.start('s001', B, {
          options: { storage: 'memory', refresh: { url: '/api/v1/refresh_token', timeout }, retry },
          tokens: { expiresAt },
        }),
      [h.B, REFRESH_TIMEOUT_MS, Date.now() - 1_000, RETRY],
    );
    const before = (await h.run(() => window.kit.summary())).tokens;
    await h.admin('refresh-faults', { count: faults, kind });

    const results = await h.run((n) => window.kit.concurrently(n, () => window.t.client.fetch('/api/me')), WAITING);
    for (const [i, r] of results.entries()) {
      assert.ok(r.error, `request ${i} should reject, got HTTP ${r.status} ${r.text}`);
      assert.equal(r.error.isError, true);
      assert.equal(r.error.name, 'RefreshError', `request ${i}: ${JSON.stringify(r.error)}`);
      assert.equal(r.error.reason, reason, `request ${i}: ${JSON.stringify(r.error)}`);
    }
    if (kind === 'hang') {
      const slowest = Math.max(...results.map((r) => r.ms));
      t.diagnostic(`rejected after ${slowest.toFixed(0)} ms with refresh.timeout = ${REFRESH_TIMEOUT_MS} ms`);
      assert.ok(slowest < REFRESH_TIMEOUT_MS + 1_500, `the timeout took ${slowest} ms`);
    }

    const s = await h.run(() => window.kit.summary());
    assert.deepEqual(s.tokens, before, 'the tokens are kept');
    assert.equal(s.expiredCalls.length, 0, 'onSessionExpired must not be called');
    assert.ok(!s.eventTypes.includes('session-expired'));
    assert.equal(s.eventTypes.filter((type) => type === 'refresh-failure').length, 1);
    assert.equal((await h.counters()).refreshCalls, calls, 'one refresh (and its retries) for all the waiting requests');

    assert.deepEqual((await h.counters()).tokensSeen, [], 'no request went out with the expired token');

    // The fault is spent: the next request refreshes and succeeds with the kept refresh token.
    const [next] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
    assert.equal(next.error, undefined, JSON.stringify(next.error));
    assert.equal(next.status, 200);
    assert.equal((await h.counters()).refreshCalls, calls + 1);
  });
}

test('a refresh that fails twice with a 500 is tried again and succeeds: the requests never notice', { timeout: 30_000 }, async (t) => {
  await h.run(
    ([B, expiresAt, retry]) =>
      window.kit.start('s001', B, { options: { storage: 'memory', retry }, tokens: { expiresAt } }),
    [h.B, Date.now() - 1_000, RETRY],
  );
  await h.admin('refresh-faults', { count: 2, kind: '500' });
  const results = await h.run((n) => window.kit.concurrently(n, () => window.t.client.fetch('/api/me')), WAITING);
  for (const [i, r] of results.entries()) assert.equal(r.status, 200, `request ${i}: ${JSON.stringify(r.error)}`);
  const s = await h.run(() => window.kit.summary());
  assert.equal((await h.counters()).refreshCalls, 3, 'two failed tries and a good one');
  assert.deepEqual(s.eventTypes.filter((type) => type.startsWith('refresh-')), ['refresh-start', 'refresh-success']);
  t.diagnostic(`${WAITING} requests answered after ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`);
});

// A 429 is transient too, and its Retry-After overrides the backoff: with base and maximum delays
// of 10-20 ms, the second try waits the full second the server asked for.
test('a 429 with Retry-After: 1 is tried again a second later, and the waiting requests succeed', { timeout: 30_000 }, async (t) => {
  await h.run(
    ([B, expiresAt, retry]) =>
      window.kit.start('s001', B, {
        options: { storage: 'memory', refresh: { url: '/api/v1/refresh_token', timeout: 5_000 }, retry },
        tokens: { expiresAt },
      }),
    [h.B, Date.now() - 1_000, RETRY],
  );
  await h.admin('refresh-faults', { count: 1, kind: '429', ms: 1_000 });
  const results = await h.run((n) => window.kit.concurrently(n, () => window.t.client.fetch('/api/me')), WAITING);
  for (const [i, r] of results.entries()) assert.equal(r.status, 200, `request ${i}: ${JSON.stringify(r.error)}`);
  assert.equal((await h.counters()).refreshCalls, 2, 'the 429 and the try after it');
  const fastest = Math.min(...results.map((r) => r.ms));
  const slowest = Math.max(...results.map((r) => r.ms));
  t.diagnostic(`${WAITING} requests answered after ${fastest.toFixed(0)}..${slowest.toFixed(0)} ms`);
  assert.ok(fastest >= 950, `the retry came after ${fastest} ms: Retry-After (1 s) was not honoured`);
  assert.ok(slowest < 5_000, `the requests took ${slowest} ms`);
  const s = await h.run(() => window.kit.summary());
  assert.deepEqual(s.eventTypes.filter((type) => type.startsWith('refresh-')), ['refresh-start', 'refresh-success']);
});

// More 429s than the refresh timeout leaves room for: the wait the server asks for would end past
// refresh.timeout, so the last 429 is the outcome, a RefreshError (reason 'status', status 429; not
// 'rate-limited', which is the client's own renewLimit). Nothing is called after the timeout.
test('429s with Retry-After past the refresh timeout end in RefreshError (status 429) within it and keep the session', { timeout: 30_000 }, async (t) => {
  const timeout = 1_500;
  await h.run(
    ([B, timeout, expiresAt, retry]) =>
      window.kit.start('s001', B, {
        options: { storage: 'memory', refresh: { url: '/api/v1/refresh_token', timeout }, retry },
        tokens: { expiresAt },
      }),
    [h.B, timeout, Date.now() - 1_000, RETRY],
  );
  const before = (await h.run(() => window.kit.summary())).tokens;
  await h.admin('refresh-faults', { count: RETRY.attempts + 2, kind: '429', ms: 1_000 });
  const results = await h.run((n) => window.kit.concurrently(n, () => window.t.client.fetch('/api/me')), WAITING);
  for (const [i, r] of results.entries()) {
    assert.ok(r.error, `request ${i} should reject, got HTTP ${r.status}`);
    assert.equal(r.error.isError, true);
    assert.equal(r.error.name, 'RefreshError', `request ${i}: ${JSON.stringify(r.error)}`);
    assert.equal(r.error.reason, 'status', `request ${i}: ${JSON.stringify(r.error)}`);
    assert.equal(r.error.status, 429, `request ${i}: ${JSON.stringify(r.error)}`);
  }
  const slowest = Math.max(...results.map((r) => r.ms));
  t.diagnostic(`rejected after ${slowest.toFixed(0)} ms with refresh.timeout = ${timeout} ms`);
  assert.ok(slowest >= 950, `rejected after ${slowest} ms: the second try did not wait for Retry-After`);
  assert.ok(slowest < timeout + 500, `rejected after ${slowest} ms, past the refresh timeout`);
  assert.equal((await h.counters()).refreshCalls, 2, 'the first try and the one a second later');

  // Nothing more goes out after the timeout.
  await new Promise((resolve) => setTimeout(resolve, timeout));
  assert.equal((await h.counters()).refreshCalls, 2, 'a refresh call after the timeout');
  const s = await h.run(() => window.kit.summary());
  assert.deepEqual(s.tokens, before, 'the tokens are kept');
  assert.equal(s.expiredCalls.length, 0, 'onSessionExpired must not be called');
  assert.ok(!s.eventTypes.includes('session-expired'));
  const failures = s.events.filter((e) => e.type === 'refresh-failure');
  assert.equal(failures.length, 1);
  assert.equal(failures[0].reason, 'status');
  assert.equal(failures[0].status, 429);
  assert.deepEqual((await h.counters()).tokensSeen, [], 'no request went out with the expired token');
});
