// The package as a Vue user gets it: `npm pack` of pkg/, installed into a fresh Vite + Vue 3 app
// (tests/pack/vue-app: stock vite config with @vitejs/plugin-vue, Pinia, vue-router), built with
// `vite build`, served by the reference backend and driven in Chromium. Both entries are used, with
// the axios-shaped calls: the Vue app imports `fetch-with-refresh/vue` (authPlugin, useAuth in
// components, a router guard and a Pinia setup store; a component calls `useAuth().client.get`) and
// `fetch-with-refresh` (the module-level `get`, `post` and `isRequestError`, over the client the
// plugin made); the same build's /plain page uses the main entry alone (`configure`, `get`, `post`,
// `isRequestError`, no Vue). Both check a call's resolved data, a 404's RequestError code
// ERR_BAD_REQUEST, and an expired token refreshed once behind a call.
//
// The app's dependencies come from the registry through npm's cache (--prefer-offline): vue, vite,
// @vitejs/plugin-vue, pinia and vue-router at the versions vue-app/package-lock.json pins (the
// demo's vue, vite and plugin). The tarball itself is installed from the file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startBackend } from '../e2e/backend.mjs';
import { CHROMIUM } from '../e2e/harness.mjs';

const run = promisify(execFile);
const PKG_DIR = fileURLToPath(new URL('../../pkg/', import.meta.url));
const APP_TEMPLATE = fileURLToPath(new URL('./vue-app/', import.meta.url));
const NPM_TIMEOUT = { timeout: 240_000 };
// A message of the main entry (js/index.js): it must be in the app's build exactly once, however
// many of the package's entries the app imports.
const MAIN_ENTRY_MARK = 'was called before configure(options)';
// The browser's own console lines for the answers the tests provoke: 401 (seed 001's "access
// expired", before the refresh) and 404 (the missing route).
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of 40[14]/;

let work;
let backend;
let browser;
/** The backend serving the built app, and Chromium, started by the first test that needs them. */
async function serve() {
  assert.ok(app, 'the app was not built (see the test before)');
  backend ??= await startBackend({ appDir: join(app, 'dist'), accessTtl: 3600, refreshTtl: 86400 });
  browser ??= await chromium.launch(CHROMIUM);
}
after(async () => {
  await browser?.close();
  await backend?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

let app; // the app's folder, once installed and built
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fwr-pack-vue-'));
});

test('the package declares the Vue entry, with vue as an optional peer dependency', () => {
  assert.ok(existsSync(join(PKG_DIR, 'package.json')), `${PKG_DIR} is missing: build the package first (make package)`);
  const manifest = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.exports['./vue'], { types: './vue.d.ts', default: './vue.js' });
  assert.ok(manifest.files.includes('vue.js') && manifest.files.includes('vue.d.ts'));
  assert.match(manifest.peerDependencies?.vue ?? '', /^\^3\./);
  // Optional: npm 7+ would otherwise install vue into apps that never import ./vue.
  assert.equal(manifest.peerDependenciesMeta?.vue?.optional, true, 'vue is an optional peer');
  assert.equal(manifest.dependencies, undefined, 'the package has no dependencies');
  const vueEntry = readFileSync(join(PKG_DIR, 'vue.js'), 'utf8');
  assert.match(vueEntry, /from"vue"/, 'pkg/vue.js does not import vue');
  assert.match(vueEntry, /from"\.\/index\.js"/, 'pkg/vue.js does not import the main entry');
  assert.ok(!vueEntry.includes(MAIN_ENTRY_MARK), 'pkg/vue.js has a copy of the main entry');
  assert.ok(!vueEntry.includes('createRenderer'), 'pkg/vue.js has a copy of vue');
});

test('the packed tarball installs into a fresh Vite + Vue 3 app and builds with the stock config', { timeout: 300_000 }, async (t) => {
  const { stdout: packed } = await run('npm', ['pack', PKG_DIR, '--pack-destination', work, '--json'], NPM_TIMEOUT);
  const [info] = JSON.parse(packed);

  const dir = join(work, 'app');
  await cp(APP_TEMPLATE, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|dist)$/.test(src) });
  const started = Date.now();
  await run('npm', ['install', join(work, info.filename), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    ...NPM_TIMEOUT,
  });
  t.diagnostic(`npm install: ${Math.round((Date.now() - started) / 1000)} s`);
  const installed = JSON.parse(await readFile(join(dir, 'node_modules', 'fetch-with-refresh', 'package.json'), 'utf8'));
  assert.equal(installed.version, info.version);

  await run(join(dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: dir, timeout: 120_000 });
  const assets = await readdir(join(dir, 'dist', 'assets'));
  t.diagnostic(`dist/assets: ${assets.join(', ')}`);
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 1, 'one .wasm module in the build');
  let copies = 0;
  for (const file of assets.filter((f) => f.endsWith('.js'))) {
    copies += (await readFile(join(dir, 'dist', 'assets', file), 'utf8')).split(MAIN_ENTRY_MARK).length - 1;
  }
  assert.equal(copies, 1, 'the main entry is in the build once (the Vue entry shares it)');
  app = dir;
});

/** Collects a page's errors and warnings (but the expected 401 and 404 lines) into `problems`. */
function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    const expected = EXPECTED_CONSOLE.test(m.text());
    if ((m.type() === 'error' && !expected) || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
}

async function admin(name, body) {
  const res = await fetch(`${backend.url}/__admin/${name}`, {
    method: name === 'counters' ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200, `admin ${name}`);
  return res.json();
}

test('in Chromium: login, a refresh seen as `refreshing`, the session end routed to /login, logout, a Pinia store, the calls', { timeout: 120_000 }, async () => {
  await serve();
  await admin('reset');
  const page = await browser.newPage();
  const problems = [];
  watch(page, problems);
  const byTest = (name) => page.locator(`[data-test="${name}"]`);
  /** The `jti` of the stored access token (to tell tokens apart without looking at them). */
  const storedJti = () =>
    page.evaluate(() => {
      const part = localStorage.getItem('access_token').split('.')[1];
      return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))).jti;
    });
  const shows = async (name, text) => {
    await page.waitForFunction(
      ([name, text]) => document.querySelector(`[data-test="${name}"]`)?.textContent === text,
      [name, text],
      { timeout: 10_000 },
    ).catch(async () => assert.fail(`[data-test="${name}"] shows ${JSON.stringify(await byTest(name).textContent())}, not ${JSON.stringify(text)}`));
  };

  // Signed out: the guard (useAuth() in vue-router's beforeEach) keeps the user on /login.
  await page.goto(`${backend.url}/`);
  await shows('route', '/login');
  await shows('is-authenticated', 'false');
  await shows('expires-at', 'none');
  await shows('store-signed-in', 'false');

  // Login: isAuthenticated, expiresAt (one hour away), and the store follows.
  await byTest('login').click();
  await shows('route', '/');
  await shows('is-authenticated', 'true');
  await shows('store-signed-in', 'true');
  const expiresAt = Number(await byTest('expires-at').getAttribute('data-ms'));
  assert.ok(Math.abs(expiresAt - Date.now() - 3_600_000) < 10_000, `expiresAt ${expiresAt} is not an hour away`);
  assert.equal(await byTest('expires-at').textContent(), new Date(expiresAt).toISOString());

  // A call through the client (the store's `get` from the main entry: the default client, which
  // the plugin made): it resolved with `{ data: {code: 0, data: {user}} }`.
  await byTest('load-profile').click();
  await shows('profile', 'vite');
  await shows('profile-loads', '1');
  await shows('request-error', 'none');

  // A component's `useAuth().client.get`: status, statusText and data.
  await byTest('whoami').click();
  await shows('whoami-answer', '1 × 200 OK vite');
  await shows('whoami-error', 'none');
  // A 404 rejects with a RequestError, code ERR_BAD_REQUEST, through either entry's calls.
  await byTest('whoami-missing').click();
  await shows('whoami-error', 'RequestError ERR_BAD_REQUEST 404');
  await shows('whoami-answer', 'none');
  await byTest('load-missing').click();
  await shows('request-error', 'ERR_BAD_REQUEST 404');
  await shows('profile', 'none');
  await shows('profile-loads', '1');
  await shows('last-error', 'none');
  assert.equal((await admin('counters')).refreshCalls, 0, 'a 404 is not refreshed');

  // The server expires the access token and holds the refresh call 800 ms: `refreshing` shows
  // true, then false, and the request succeeds with the new token.
  await page.evaluate(() => {
    window.refreshingSeen = [];
    const cell = document.querySelector('[data-test="refreshing"]');
    new MutationObserver(() => window.refreshingSeen.push(cell.textContent)).observe(cell, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await admin('expire-access');
  await admin('refresh-faults', { count: 1, kind: 'delay', ms: 800 });
  await byTest('load-profile').click();
  await shows('refreshing', 'true');
  await shows('refreshing', 'false');
  await shows('profile-loads', '2');
  await shows('request-error', 'none');
  assert.deepEqual(await page.evaluate(() => window.refreshingSeen), ['true', 'false']);
  assert.equal((await admin('counters')).refreshCalls, 1);
  const renewedAt = Number(await byTest('expires-at').getAttribute('data-ms'));
  assert.ok(renewedAt > expiresAt, 'expiresAt did not move to the new token');
  await shows('last-error', 'none');

  // An expired token behind three of the component's calls at once: one refresh, three 200s.
  await admin('expire-access');
  const jtiBefore = await storedJti();
  await byTest('whoami-three').click();
  await shows('whoami-answer', '3 × 200 OK vite');
  await shows('whoami-error', 'none');
  assert.equal((await admin('counters')).refreshCalls, 2, 'one refresh for the three calls');
  const jtiAfter = await storedJti();
  assert.notEqual(jtiAfter, jtiBefore, 'the token was not renewed');
  await shows('last-error', 'none');

  // The refresh token is dead too: the session ends, onSessionExpired routes to /login.
  await admin('expire-refresh');
  await admin('expire-access');
  await byTest('load-profile').click();
  await shows('route', '/login');
  await shows('is-authenticated', 'false');
  await shows('expires-at', 'none');
  await shows('store-signed-in', 'false');
  await shows('last-error', 'SessionExpiredError');
  assert.equal(await page.evaluate(() => localStorage.getItem('access_token')), null, 'the tokens were not cleared');

  // Log in again (lastError is cleared), then log out.
  await byTest('login').click();
  await shows('route', '/');
  await shows('is-authenticated', 'true');
  await shows('last-error', 'none');
  await byTest('logout').click();
  await shows('route', '/login');
  await shows('is-authenticated', 'false');
  await shows('store-signed-in', 'false');
  assert.equal(await page.evaluate(() => localStorage.getItem('access_token')), null, 'logout() left the tokens');

  // Signed out, the guard still holds: / goes back to /login.
  await page.goto(`${backend.url}/`);
  await shows('route', '/login');
  assert.deepEqual(problems, [], 'the app reported errors');
});

test('in Chromium, the /plain page (the main entry alone): configure, get and post resolve, a 404 is ERR_BAD_REQUEST, an expired token is refreshed once behind a call', { timeout: 60_000 }, async () => {
  await serve();
  await admin('reset');
  const page = await (await browser.newContext()).newPage();
  const problems = [];
  watch(page, problems);
  await page.goto(`${backend.url}/plain`);
  await page.waitForFunction(() => document.body.dataset.done === 'true', null, { timeout: 20_000 });
  const report = JSON.parse(await page.locator('[data-test="report"]').textContent());
  await page.context().close();
  assert.equal(report.error, undefined, JSON.stringify(report.error));

  // Before configure: a TypeError, not a RequestError.
  assert.equal(report.beforeConfigure.rejected?.name, 'TypeError', JSON.stringify(report.beforeConfigure));
  assert.equal(report.beforeConfigure.rejected.isRequestError, false);

  // post('/login', data, { auth: false }): the response object, seed 001's token answer as data.
  assert.equal(report.login.status, 200);
  assert.equal(report.login.statusText, 'OK');
  assert.equal(report.login.method, 'post');
  assert.match(report.login.contentType ?? '', /^application\/json/);
  assert.equal(typeof report.login.data.access_token, 'string');
  assert.equal(report.login.data.expires_in, 3600);

  // get('/api/me'): status and data.
  assert.deepEqual(
    { status: report.me.resolved?.status, statusText: report.me.resolved?.statusText, method: report.me.resolved?.method },
    { status: 200, statusText: 'OK', method: 'get' },
    JSON.stringify(report.me),
  );
  assert.equal(report.me.resolved.data.code, 0);
  assert.equal(report.me.resolved.data.data.user, 'plain');
  assert.equal(report.me.resolved.data.data.tokenJti, report.jtiBefore, 'the call did not carry the stored token');

  // post('/api/echo', data): the data went out as JSON.
  assert.equal(report.echo.resolved?.status, 200, JSON.stringify(report.echo));
  assert.equal(report.echo.resolved.data.data.body, '{"item":"x","n":1}');
  assert.equal(report.echo.resolved.data.data.contentType, 'application/json');
  assert.equal(report.echo.resolved.data.data.method, 'POST');

  // { envelope: true }: the call resolves with the envelope's data itself.
  assert.deepEqual(report.enveloped.resolved, { user: 'plain', tokenJti: report.jtiBefore }, JSON.stringify(report.enveloped));

  // get('/api/missing'): a RequestError (isRequestError says so), ERR_BAD_REQUEST, with the response.
  assert.deepEqual(
    {
      isRequestError: report.missing.rejected?.isRequestError,
      name: report.missing.rejected?.name,
      code: report.missing.rejected?.code,
      message: report.missing.rejected?.message,
      status: report.missing.rejected?.status,
      responseStatus: report.missing.rejected?.response?.status,
      responseData: report.missing.rejected?.response?.data,
    },
    {
      isRequestError: true,
      name: 'RequestError',
      code: 'ERR_BAD_REQUEST',
      message: 'Request failed with status code 404',
      status: 404,
      responseStatus: 404,
      responseData: { code: 404, error: 'not_found' },
    },
  );

  // The access token expired on the server: the call was refused (401), refreshed once and
  // replayed with the new token, and resolved as if nothing happened.
  assert.equal(report.expireStatus, 200);
  assert.equal(report.afterExpiry.resolved?.status, 200, JSON.stringify(report.afterExpiry));
  assert.equal(report.afterExpiry.resolved.data.data.user, 'plain');
  assert.notEqual(report.jtiAfter, report.jtiBefore, 'the token was not renewed');
  assert.equal(report.afterExpiry.resolved.data.data.tokenJti, report.jtiAfter, 'the replay did not carry the new token');
  assert.deepEqual(report.events, ['refresh-start', 'refresh-success']);
  assert.equal((await admin('counters')).refreshCalls, 1, 'one refresh');
  assert.deepEqual(problems, [], 'the page reported errors');
});
