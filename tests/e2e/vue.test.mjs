// The Vue entry (pkg/vue.js) in Chromium against the reference backend, with Vue's browser build:
// useAuth() outside an app or without the plugin throws an error that names the fix; its refs
// mirror a login, a refresh, a failed refresh and the session's end (and are read-only); the
// plugin's client is the default client; on app.unmount the plugin removes its listeners and
// disposes only a client it made, with app.onUnmount (Vue 3.5) and without it (older Vue).
// The installed-package path (Vite, Pinia, vue-router) is tests/pack/vue.test.mjs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

const VUE_BUILD = fileURLToPath(new URL('../../www/app/node_modules/vue/dist/vue.esm-browser.js', import.meta.url));
const TIMEOUT = { timeout: 30_000 };
// Chromium logs each 4xx/5xx answer; the tests provoke those on purpose.
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of [45]\d\d/;

let h;
let page;
let problems;
let warnings;

before(async () => {
  assert.ok(existsSync(VUE_BUILD), `${VUE_BUILD} is missing: install the demo's dependencies first (make app)`);
  h = await openHarness();
});
after(async () => h?.close());

beforeEach(async () => {
  await h.admin('reset');
  page = await h.context.newPage();
  problems = [];
  warnings = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
    else if (m.type() === 'error' && !EXPECTED_CONSOLE.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  await page.goto(`${h.B}/static/tests/e2e/vue.html`);
  await page.waitForFunction(() => window.kitLoaded === true, null, { timeout: 15_000 });
});
afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, [], 'the page reported errors');
});

test('useAuth() outside an injection context, or in an app without the plugin, throws an Error naming the fix', TIMEOUT, async () => {
  const thrown = await page.evaluate(() => {
    const { Vue, fwrVue } = window.kit;
    const caught = (fn) => {
      try {
        fn();
        return null;
      } catch (e) {
        return { isError: e instanceof Error, message: e.message };
      }
    };
    const outside = caught(() => fwrVue.useAuth());
    let inApp;
    const app = Vue.createApp({
      setup() {
        inApp = caught(() => fwrVue.useAuth());
        return () => null;
      },
    });
    app.mount(document.createElement('div'));
    app.unmount();
    return { outside, inApp };
  });
  assert.equal(thrown.outside?.isError, true, 'useAuth() at top level did not throw');
  assert.match(thrown.outside.message, /^fetch-with-refresh\/vue: useAuth\(\) must be called inside setup\(\)/);
  assert.match(thrown.outside.message, /runWithContext/);
  assert.equal(thrown.inApp?.isError, true, 'useAuth() without the plugin did not throw');
  assert.match(thrown.inApp.message, /call app\.use\(authPlugin, options\) before mounting/);
  assert.deepEqual(warnings, [], 'Vue warned (inject outside setup?)');
});

test('the refs mirror a login, a refresh, a failed refresh and the end of the session', TIMEOUT, async () => {
  const tokens = await page.evaluate((B) => window.kit.login(B), h.B);

  // Login: up to date when login() returns.
  const loggedIn = await page.evaluate(
    ([B, tokens]) => {
      const { kit } = window;
      window.sessionEnds = [];
      const mounted = kit.mountWithAuth(
        kit.options(B, {
          // What the app sees when its callback runs: the state has already changed.
          onSessionExpired: (info) =>
            window.sessionEnds.push({
              reason: info.reason,
              isAuthenticated: mounted.app.runWithContext(() => kit.fwrVue.useAuth().isAuthenticated.value),
            }),
        }),
      );
      window.mounted = mounted;
      const { auth } = mounted;
      const before = { isAuthenticated: auth.isAuthenticated.value, expiresAt: auth.expiresAt.value };
      auth.login(tokens);
      return {
        before,
        isAuthenticated: auth.isAuthenticated.value,
        expiresIn: Math.round((auth.expiresAt.value - Date.now()) / 1000),
        rendered: mounted.host.textContent,
        isClient: auth.client instanceof kit.fwr.AuthClient,
        sameObject: mounted.app.runWithContext(kit.fwrVue.useAuth) === auth,
      };
    },
    [h.B, tokens],
  );
  assert.deepEqual(loggedIn.before, { isAuthenticated: false, expiresAt: null });
  assert.equal(loggedIn.isAuthenticated, true);
  assert.ok(Math.abs(loggedIn.expiresIn - 3600) <= 2, `expiresAt is ${loggedIn.expiresIn} s away, not 3600`);
  assert.equal(loggedIn.isClient, true);
  assert.equal(loggedIn.sameObject, true, 'useAuth() in the same app returned another object');
  await page.waitForFunction(() => window.mounted.host.textContent === 'true'); // the template re-rendered

  // The plugin configured the default client: fetchWithRefresh carries the token login() stored.
  const me = await page.evaluate(async () => {
    const res = await window.kit.fwr.fetchWithRefresh('/api/me');
    return { status: res.status, user: (await res.json()).data?.user };
  });
  assert.deepEqual(me, { status: 200, user: 'vue' });

  // A refresh (the server expired the access token; the refresh call is held 300 ms).
  await h.admin('expire-access');
  await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: 300 });
  const refreshed = await page.evaluate(async () => {
    const { auth, history } = window.mounted;
    const expiresAtBefore = auth.expiresAt.value;
    const pending = auth.client.fetch('/api/me');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const midway = auth.refreshing.value;
    const res = await pending;
    return {
      status: res.status,
      midway,
      after: auth.refreshing.value,
      refreshing: [...history.refreshing],
      expiresAtMoved: auth.expiresAt.value > expiresAtBefore,
      lastError: auth.lastError.value,
    };
  });
  assert.equal(refreshed.status, 200);
  assert.equal(refreshed.midway, true, 'refreshing was not true while the refresh call was held');
  assert.equal(refreshed.after, false);
  assert.deepEqual(refreshed.refreshing, [true, false]);
  assert.equal(refreshed.expiresAtMoved, true, 'expiresAt did not move to the new token');
  assert.equal(refreshed.lastError, null);

  // A failed refresh: lastError is a RefreshError with the event's reason and status, the session stays.
  await h.admin('refresh-faults', { count: 1, kind: '500' });
  const failed = await page.evaluate(async () => {
    const { kit } = window;
    const { auth } = window.mounted;
    const rejection = await auth.refresh().then(() => null, kit.plain);
    return {
      rejection,
      lastError: kit.plain(auth.lastError.value),
      isRefreshError: auth.lastError.value instanceof kit.fwr.RefreshError,
      isAuthenticated: auth.isAuthenticated.value,
      refreshing: auth.refreshing.value,
    };
  });
  assert.equal(failed.rejection?.name, 'RefreshError');
  assert.equal(failed.isRefreshError, true, 'lastError is not an instance of the exported RefreshError');
  assert.equal(failed.lastError.reason, 'status');
  assert.equal(failed.lastError.status, 500);
  assert.match(failed.lastError.message, /status, HTTP 500/);
  assert.equal(failed.isAuthenticated, true, 'a failed refresh is not a logout');
  assert.equal(failed.refreshing, false);

  // A refresh that succeeds clears lastError.
  const cleared = await page.evaluate(async () => {
    const { auth } = window.mounted;
    await auth.refresh();
    return auth.lastError.value;
  });
  assert.equal(cleared, null, 'a successful refresh left lastError set');

  // The refresh token dies: the session ends; onSessionExpired already sees isAuthenticated false.
  await h.admin('expire-refresh');
  const ended = await page.evaluate(async () => {
    const { kit } = window;
    const { auth, history } = window.mounted;
    const rejection = await auth.refresh().then(() => null, kit.plain);
    await new Promise((resolve) => setTimeout(resolve, 50)); // onSessionExpired runs after the rejection
    return {
      rejection,
      isAuthenticated: auth.isAuthenticated.value,
      expiresAt: auth.expiresAt.value,
      refreshing: auth.refreshing.value,
      lastError: kit.plain(auth.lastError.value),
      isSessionExpiredError: auth.lastError.value instanceof kit.fwr.SessionExpiredError,
      sessionEnds: window.sessionEnds,
      lastErrors: history.lastError.map((e) => e?.name ?? null),
      rendered: window.mounted.host.textContent,
    };
  });
  assert.equal(ended.rejection?.name, 'SessionExpiredError');
  assert.equal(ended.isAuthenticated, false);
  assert.equal(ended.expiresAt, null);
  assert.equal(ended.refreshing, false);
  assert.equal(ended.isSessionExpiredError, true);
  assert.match(ended.lastError.message, /refresh-rejected/);
  assert.deepEqual(ended.sessionEnds, [{ reason: 'refresh-rejected', isAuthenticated: false }]);
  assert.deepEqual(ended.lastErrors, ['RefreshError', null, 'SessionExpiredError']);

  // A new login clears lastError; logout() is reflected when it returns.
  const fresh = await page.evaluate((B) => window.kit.login(B), h.B);
  const cycle = await page.evaluate((tokens) => {
    const { auth } = window.mounted;
    auth.login(tokens);
    const afterLogin = { isAuthenticated: auth.isAuthenticated.value, lastError: auth.lastError.value };
    auth.logout();
    return {
      afterLogin,
      afterLogout: { isAuthenticated: auth.isAuthenticated.value, expiresAt: auth.expiresAt.value },
      tokens: auth.client.getTokens(),
    };
  }, fresh);
  assert.deepEqual(cycle.afterLogin, { isAuthenticated: true, lastError: null });
  assert.deepEqual(cycle.afterLogout, { isAuthenticated: false, expiresAt: null });
  assert.equal(cycle.tokens, null, 'logout() left the tokens in storage');
  assert.deepEqual(warnings, []);
});

test('the refs are read-only: assigning one changes nothing and Vue says so', TIMEOUT, async () => {
  const result = await page.evaluate(async (B) => {
    const { kit } = window;
    const { auth } = kit.mountWithAuth(kit.options(B));
    auth.login(await kit.login(B));
    auth.isAuthenticated.value = false;
    auth.refreshing.value = true;
    return {
      isAuthenticated: auth.isAuthenticated.value,
      refreshing: auth.refreshing.value,
      isRef: kit.Vue.isRef(auth.isAuthenticated) && kit.Vue.isReadonly(auth.isAuthenticated),
      frozen: Object.isFrozen(auth),
    };
  }, h.B);
  assert.deepEqual(result, { isAuthenticated: true, refreshing: false, isRef: true, frozen: true });
  assert.equal(warnings.filter((w) => /Set operation on key "value" failed: target is readonly/.test(w)).length, 2);
});

for (const withoutOnUnmount of [false, true]) {
  const how = withoutOnUnmount ? 'by wrapping app.unmount (no app.onUnmount, Vue < 3.5)' : 'with app.onUnmount';
  test(`on app.unmount the plugin removes its listeners and disposes only a client it made, ${how}`, TIMEOUT, async () => {
    const result = await page.evaluate(
      async ([B, withoutOnUnmount]) => {
        const { kit } = window;
        const tokens = await kit.login(B);

        // A client the plugin made (configure): disposed with the app, and it was the default client.
        const made = kit.mountWithAuth(kit.options(B), { withoutOnUnmount });
        made.auth.login(tokens);
        made.app.unmount();
        const madeFetch = await made.auth.client.fetch('/api/me').then(() => 'resolved', (e) => e.name);
        const defaultFetch = await kit.fwr.fetchWithRefresh('/api/me').then(() => 'resolved', (e) => e.name);

        // A client the app made and gave the plugin: still alive after the unmount, no longer mirrored.
        const given = new kit.fwr.AuthClient(kit.options(B));
        const mounted = kit.mountWithAuth(given, { withoutOnUnmount });
        const { auth } = mounted;
        mounted.app.unmount();
        given.setTokens(tokens);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const res = await given.fetch('/api/me');
        const result = {
          madeFetch,
          defaultFetch,
          unmountWrapped: mounted.unmountWrapped,
          givenStatus: res.status,
          givenHasTokens: given.getTokens() !== null,
          mirroredAfterUnmount: auth.isAuthenticated.value,
          history: mounted.history.isAuthenticated,
          unmountRestored: mounted.unmountRestored(),
        };
        given.dispose();
        return result;
      },
      [h.B, withoutOnUnmount],
    );
    assert.equal(result.madeFetch, 'DisposedError', 'the client the plugin made was not disposed');
    assert.equal(result.defaultFetch, 'DisposedError', "fetchWithRefresh did not use the plugin's (disposed) client");
    assert.equal(result.unmountWrapped, withoutOnUnmount, 'app.unmount is wrapped only when app.onUnmount is missing');
    assert.equal(result.givenStatus, 200, 'the client the app gave the plugin was disposed');
    assert.equal(result.givenHasTokens, true);
    assert.equal(result.mirroredAfterUnmount, false, 'a listener outlived the app');
    assert.deepEqual(result.history, [], 'a ref changed after the unmount');
    assert.equal(result.unmountRestored, true, 'app.unmount is still wrapped after the unmount');
    assert.deepEqual(warnings, []);
  });
}
