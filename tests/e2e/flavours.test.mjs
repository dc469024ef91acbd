// Each of the five backend flavours end to end in Chromium, rule by rule (DESIGN.md): the token in
// the flavour's place and nowhere without auth (1), a proactive refresh that delays nothing (2), one
// refresh shared by 20 concurrent requests (3, 4), the end of the session (5), a transient failure
// that keeps the session (6), byte-exact replays and an abort that leaves the queue (7), tokens
// written to storage by other code (8), and no token in what the library reports (9).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { jwtPayload, openHarness } from './harness.mjs';

const FLAVOURS = ['s000', 's001', 's002', 's003', 's004'];
const TIMEOUT = { timeout: 30_000 };

// A JSON body and a non-ASCII string body (sent as text/plain;charset=UTF-8 by fetch).
const JSON_BODY = JSON.stringify({ id: 7, tags: ['a', 'b'], note: 'café' });
const TEXT_BODY = 'héllo wörld — 日本語 ✓ 🚀 "quotes" \\ \u0000 end';

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

/** Rule 9: no token in what the library reports (events, errors, onSessionExpired's argument). */
function assertNoTokenIn(what, reported, tokenSets) {
  const text = JSON.stringify(reported);
  for (const set of tokenSets) {
    for (const token of [set?.accessToken, set?.refreshToken]) {
      if (token) assert.ok(!text.includes(token), `a token appears in ${what}`);
    }
  }
}

/** Asserts every outcome is a 200 whose business code (codeField) is 0, and returns the bodies. */
function assertAllOk(results, codeField) {
  for (const [i, r] of results.entries()) {
    assert.equal(r.error, undefined, `request ${i} rejected: ${JSON.stringify(r.error)}`);
    assert.equal(r.status, 200, `request ${i}: HTTP ${r.status} ${r.text}`);
    assert.equal(r.body?.[codeField], 0, `request ${i}: ${r.text}`);
  }
  return results.map((r) => r.body.data);
}

for (const name of FLAVOURS) {
  describe(`flavour ${name}`, () => {
    const codeField = name === 's003' ? 'errcode' : 'code';
    const start = () => h.run(([n, B]) => window.kit.start(n, B), [name, h.B]);

    test('a protected GET carries the access token', TIMEOUT, async () => {
      const tokens = await start();
      const [r] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
      const [me] = assertAllOk([r], codeField);
      assert.equal(me.user, 'u');
      assert.equal(me.tokenJti, jwtPayload(tokens.accessToken).jti);
      assert.equal((await h.counters()).refreshCalls, 0);
    });

    test('after expiry, 20 concurrent requests share exactly one refresh', TIMEOUT, async () => {
      const tokens = await start();
      await h.admin('expire-access');
      const results = await h.run(() => window.kit.concurrently(20, () => window.t.client.fetch('/api/me')));
      const bodies = assertAllOk(results, codeField);

      const counters = await h.counters();
      assert.equal(counters.refreshCalls, 1, 'refresh calls on the backend');
      assert.equal(counters.reuseDetections, 0);
      const s = await h.run(() => window.kit.summary());
      if (name === 's003') assert.equal(s.refreshFnCalls, 1, 'calls of the custom refresh function');
      assert.equal(s.eventTypes.filter((t) => t === 'refresh-start').length, 1);
      assert.equal(s.eventTypes.filter((t) => t === 'refresh-success').length, 1);

      // Every answer came from the new token, and the old one is gone from the client.
      const newJti = jwtPayload(s.tokens.accessToken).jti;
      assert.notEqual(newJti, jwtPayload(tokens.accessToken).jti);
      for (const b of bodies) assert.equal(b.tokenJti, newJti);
      assertNoTokenIn('the events', s.events, [tokens, s.tokens]);
      if (name !== 's003') assert.ok(s.tokens.refreshToken, 'a refresh token is kept');
      if (name === 's004') assert.equal(s.tokens.refreshToken, tokens.refreshToken, '004 does not rotate: keep the old one');
    });

    test('a replay after expiry sends the exact same body bytes', TIMEOUT, async () => {
      await start();
      await h.admin('expire-access');
      const results = await h.run(
        ([json, text]) =>
          window.kit.concurrently(2, (i) =>
            window.t.client.fetch('/api/echo', {
              method: 'POST',
              ...(i === 0 ? { body: json, headers: { 'content-type': 'application/json' } } : { body: text }),
            }),
          ),
        [JSON_BODY, TEXT_BODY],
      );
      const [jsonEcho, textEcho] = assertAllOk(results, codeField);
      assert.equal(jsonEcho.body, JSON_BODY);
      assert.equal(jsonEcho.contentType, 'application/json');
      assert.equal(textEcho.body, TEXT_BODY);
      assert.equal(Buffer.from(textEcho.bodyBase64, 'base64').toString('utf8'), TEXT_BODY);
      assert.equal(textEcho.contentType, 'text/plain;charset=UTF-8');

      const counters = await h.counters();
      assert.equal(counters.refreshCalls, 1);
      // Two first attempts answered "expired", two replays answered with the echo.
      assert.equal(counters.requests[`POST /${name}/api/echo`], 4);
    });

    test('auth: false sends no token (rule 1)', TIMEOUT, async () => {
      await start();
      const [r] = await h.run(() =>
        window.kit.concurrently(1, () => window.t.client.fetch('/api/me', { auth: false })),
      );
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.equal(r.status, 401, 'the backend saw no token');
      const counters = await h.counters();
      assert.equal(counters.tokensSeen.length, 0);
      assert.equal(counters.refreshCalls, 0, 'a request without auth never refreshes');
    });

    test('inside the proactive window the request goes out at once and one refresh runs (rule 2)', TIMEOUT, async () => {
      // The harness issues 1-hour tokens. Said to expire in 20 minutes, this one is inside the
      // default 30-minute window and in the second half of its life (no refresh in the first half).
      const tokens = await h.run(
        ([n, B]) => window.kit.start(n, B, { tokens: { expiresAt: Date.now() + 20 * 60 * 1000 } }),
        [name, h.B],
      );
      const [r] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
      const [me] = assertAllOk([r], codeField);
      assert.equal(me.tokenJti, jwtPayload(tokens.accessToken).jti, 'sent with the still-valid token');
      await h.run(() => window.t.record.waitFor('refresh-success'));
      const s = await h.run(() => window.kit.summary());
      assert.deepEqual(s.eventTypes.filter((t) => t.startsWith('refresh-')), ['refresh-start', 'refresh-success']);
      assert.equal(s.events.find((e) => e.type === 'refresh-start').reason, 'proactive');
      if (name === 's003') assert.equal(s.refreshFnCalls, 1);
      else assert.equal((await h.counters()).refreshCalls, 1);
    });

    test('a malformed refresh answer keeps the session (rule 6)', TIMEOUT, async () => {
      // A token the client knows is expired: all three requests wait for the one (failing) refresh.
      const tokens = await h.run(([n, B]) => window.kit.start(n, B, { tokens: { expiresAt: 1 } }), [name, h.B]);
      await h.admin('expire-access');
      await h.admin('refresh-faults', { count: 1, kind: 'malformed' });
      const results = await h.run(() => window.kit.concurrently(3, () => window.t.client.fetch('/api/me')));
      // s003's refresh is the app's function: its JSON parse throws, which is a RefreshError too.
      const reason = name === 's003' ? 'function' : 'malformed';
      for (const [i, r] of results.entries()) {
        assert.equal(r.error?.name, 'RefreshError', `request ${i}: ${JSON.stringify(r)}`);
        assert.equal(r.error.reason, reason);
      }
      const s = await h.run(() => window.kit.summary());
      assert.equal(s.expiredCalls.length, 0, 'no onSessionExpired');
      assert.equal(s.tokens?.accessToken, tokens.accessToken, 'tokens kept');
      // The next request refreshes for real and succeeds.
      const [again] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
      assertAllOk([again], codeField);
    });

    test('a request aborted while it waits for the refresh leaves the queue at once (rule 7)', TIMEOUT, async () => {
      await start();
      await h.admin('expire-access');
      await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: 1500 });
      const [aborted, other] = await h.run(async () => {
        const controller = new AbortController();
        const first = window.kit.outcome(window.t.client.fetch('/api/me', { signal: controller.signal }));
        const second = window.kit.outcome(window.t.client.fetch('/api/me'));
        await window.t.record.waitFor('request-queued', 2);
        controller.abort();
        return [await first, await second];
      });
      assert.equal(aborted.error?.name, 'AbortError', JSON.stringify(aborted));
      assert.ok(aborted.ms < 1000, `the abort took ${aborted.ms} ms: it waited for the refresh`);
      assertAllOk([other], codeField);
      const counters = await h.counters();
      // Two first attempts answered "expired"; only the request still wanted is replayed.
      assert.equal(counters.requests[`GET /${name}/api/me`], 3);
    });

    test('tokens written to storage by other code are used by the next request (rule 8)', TIMEOUT, async () => {
      const first = await h.run(([n, B]) => window.kit.start(n, B, { options: { storage: 'localStorage' } }), [name, h.B]);
      // Another tab (or other code) logs in again and writes the new set where the client keeps it.
      const second = await h.run(async ([n, B]) => {
        const set = await window.kit.flavours[n].login(B);
        localStorage.setItem('access_token', set.accessToken);
        if (set.refreshToken) localStorage.setItem('refresh_token', set.refreshToken);
        localStorage.removeItem('access_token_expires_at');
        return set;
      }, [name, h.B]);
      assert.notEqual(second.accessToken, first.accessToken);
      const [r] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
      const [me] = assertAllOk([r], codeField);
      assert.equal(me.tokenJti, jwtPayload(second.accessToken).jti, 'the request carried the token in storage');
      assert.equal((await h.counters()).refreshCalls, 0);
    });

    test('a non-JSON answer passes through untouched', TIMEOUT, async () => {
      await start();
      const [r] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/text')));
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.equal(r.status, 200);
      assert.equal(r.text, 'hello');
      assert.match(r.contentType, /^text\/plain/);
    });

    test('a dead refresh token ends the session once', TIMEOUT, async () => {
      const tokens = await start();
      await h.admin('expire-refresh');
      await h.admin('expire-access');
      // The refusal comes late, so all five "expired" answers are in and waiting on this refresh.
      await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: 300 });
      const results = await h.run(() => window.kit.concurrently(5, () => window.t.client.fetch('/api/me')));
      for (const [i, r] of results.entries()) {
        assert.ok(r.error, `request ${i} should reject, got HTTP ${r.status} ${r.text}`);
        assert.equal(r.error.isError, true, `request ${i} rejected with a non-Error`);
        assert.equal(r.error.name, 'SessionExpiredError', `request ${i}: ${JSON.stringify(r.error)}`);
      }
      // onSessionExpired may run just after the rejections: wait for its first call, then count.
      await h.page
        .waitForFunction(() => window.t.record.expiredCalls.length > 0, null, { timeout: 5_000 })
        .catch(() => assert.fail('onSessionExpired was not called within 5 s'));
      const s = await h.run(() => window.kit.summary());
      assert.equal(s.expiredCalls.length, 1, 'onSessionExpired calls');
      assert.equal(s.tokens, null, 'tokens cleared');
      assertNoTokenIn('the events, errors and onSessionExpired info', [s.events, s.expiredCalls, results], [tokens]);
      assert.equal(s.eventTypes.filter((t) => t === 'session-expired').length, 1);
      assert.equal((await h.counters()).refreshCalls, 1);
      if (name === 's003') assert.equal(s.refreshFnCalls, 1);
    });
  });
}
