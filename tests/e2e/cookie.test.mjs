// Cookie storage writes the token set with the configured cookie attributes, as the browser records
// them (read through the DevTools protocol, not as the library believes it wrote them).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

const KEYS = { accessToken: 'access_token', refreshToken: 'refresh_token', expiresAt: 'access_token_expires_at' };

let h;
before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => h.fresh());
afterEach(() => h.assertNoPageProblems());

/** The browser's cookies for the backend origin, by name, from DevTools' `Network.getCookies`. */
async function cookieJar() {
  const devtools = await h.context.newCDPSession(h.page);
  try {
    const { cookies } = await devtools.send('Network.getCookies', { urls: [h.B] });
    return Object.fromEntries(cookies.map((c) => [c.name, c]));
  } finally {
    await devtools.detach();
  }
}

function assertStored(jar, tokens, { maxAge } = {}) {
  for (const [field, name] of Object.entries(KEYS)) {
    const c = jar[name];
    assert.ok(c, `cookie ${name} missing; the browser has: ${Object.keys(jar).join(', ') || 'none'}`);
    assert.equal(c.path, '/', `${name} path`);
    assert.equal(c.sameSite, 'Strict', `${name} SameSite`);
    assert.equal(c.secure, false, `${name} Secure (the page is plain http)`);
    assert.equal(c.httpOnly, false);
    if (maxAge === undefined) {
      assert.equal(c.session, true, `${name} is a session cookie`);
    } else {
      assert.equal(c.session, false, `${name} has an expiry`);
      const expected = Date.now() / 1000 + maxAge;
      assert.ok(Math.abs(c.expires - expected) < 60, `${name} expires ${c.expires}, expected about ${expected}`);
    }
    const value = decodeURIComponent(c.value);
    if (field === 'expiresAt') assert.equal(Number(value), tokens.expiresAt, `${name} value`);
    else assert.equal(value, tokens[field], `${name} value`);
  }
}

test('setTokens and a refresh write cookies with path=/ and SameSite=Strict', { timeout: 30_000 }, async () => {
  await h.run(
    (B) => window.kit.start('s001', B, { options: { storage: 'cookie', cookie: { path: '/', sameSite: 'Strict' } } }),
    h.B,
  );
  let tokens = (await h.run(() => window.kit.summary())).tokens;
  assert.ok(tokens.expiresAt > Date.now(), 'expires_in from the login gives an expiry');
  assertStored(await cookieJar(), tokens);

  // After a refresh the rotated set is written the same way.
  await h.admin('expire-access');
  const [r] = await h.run(() => window.kit.concurrently(1, () => window.t.client.fetch('/api/me')));
  assert.equal(r.status, 200, JSON.stringify(r.error ?? r.text));
  const refreshed = (await h.run(() => window.kit.summary())).tokens;
  assert.notEqual(refreshed.refreshToken, tokens.refreshToken, 'the refresh token rotated');
  assertStored(await cookieJar(), refreshed);
});

test('cookie.maxAge makes persistent cookies that expire when configured', { timeout: 30_000 }, async () => {
  await h.run(
    (B) =>
      window.kit.start('s001', B, {
        options: { storage: 'cookie', cookie: { sameSite: 'Strict', maxAge: 3600 } },
      }),
    h.B,
  );
  const { tokens } = await h.run(() => window.kit.summary());
  assertStored(await cookieJar(), tokens, { maxAge: 3600 });
});
