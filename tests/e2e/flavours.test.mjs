// Brief (a): each of the five backend flavours end to end in Chromium: a protected GET, a refresh
// shared by 20 concurrent requests, byte-exact body replay, and the end of the session.
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
