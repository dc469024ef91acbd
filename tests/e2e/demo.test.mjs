// The Vue demo (www/app) served by the reference backend, driven like a person would: it loads with
// no console errors; a full walk (login → expiry → one refresh for 20 requests → logout) with a
// screenshot under target/e2e/ for humans to look at; and a session end: the seed's dialog opens
// once for 10 concurrent failing requests, and "重新登陆" (log in again) clears the state; and a
// second tab beside the first, whose log says when the other tab refreshed or logged out; the
// useAuth() panel (the Vue plugin's state) following a login, a refresh, a failed refresh and the
// session's end; and the storage switch, which mounts the app again with a client on the new storage.
// The demo's calls are the axios-shaped ones (`post('/login', data, { auth: false })`,
// `client.get('/api/me')`, `client.post('/api/echo', data)`): the log lines are checked for the
// status and data they resolved with, and a failing call for its error's name and code.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './harness.mjs';
import { startBackend } from './backend.mjs';

const APP = fileURLToPath(new URL('../../www/app/dist/', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../target/e2e/', import.meta.url));
const TIMEOUT = { timeout: 60_000 };

let backend;
let browser;
let page;
let problems;
/** Console messages a test expects (the browser's own line for a 404 it provokes). */
let expectedConsole;

before(async () => {
  // The demo's own lifetimes: access 60 s, refresh 10 minutes.
  backend = await startBackend({ appDir: APP, accessTtl: 60, refreshTtl: 600 });
  browser = await chromium.launch(CHROMIUM);
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await backend?.close();
});

beforeEach(async () => {
  await admin('reset');
  page = await (await browser.newContext()).newPage();
  problems = [];
  expectedConsole = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (expectedConsole.some((re) => re.test(m.text()))) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(`${backend.url}/`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15_000 });
});
afterEach(async () => {
  await page.context().close();
  assert.deepEqual(problems, [], 'the demo reported errors');
});

async function admin(name, body) {
  const res = await fetch(`${backend.url}/__admin/${name}`, {
    method: name === 'counters' ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200, `admin ${name}`);
  return res.json();
}

const byTest = (name) => page.locator(`[data-test="${name}"]`);
const requestsLogged = () => page.locator('[data-test="log"] [data-type="request"]').count();
/** The text of every log line of `type`, oldest first. */
const logTexts = async (type) =>
  (await page.locator(`[data-test="log"] [data-type="${type}"] .log-text`).allTextContents()).reverse();
/** A successful GET /api/me as the log shows it: status, statusText, then the data (seed 000's body). */
const ME_OK = /^#\d+ GET \/api\/me → 200 OK · \{"code":0,"data":\{"user":"demo","tokenJti":"[^"]+"\}\} · \d+ ms$/;

async function login() {
  await byTest('username').fill('demo');
  await byTest('login').click();
  await byTest('session').waitFor();
}

test('the demo walks through login, expiry, one refresh for 20 requests, and logout', TIMEOUT, async () => {
  await login();
  // The login is `post('/login', { user }, { auth: false })`: the log shows what it resolved with.
  assert.deepEqual(await logTexts('login'), ['POST /login → 200 OK · logged in as demo']);
  await byTest('send-one').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 1);
  const [first] = await logTexts('request');
  assert.match(first, ME_OK);
  assert.match(first, /^#1 /);

  await byTest('expire-access').click();
  const before = (await admin('counters')).refreshCalls;
  await byTest('send-twenty').click();
  await page.waitForFunction(
    () => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 21,
    null,
    { timeout: 20_000 },
  );
  assert.equal((await admin('counters')).refreshCalls - before, 1, 'one refresh for the 20 requests');
  assert.equal(await page.locator('[data-test="log"] [data-type="request"].bad').count(), 0, 'no request failed');
  assert.equal(await requestsLogged(), 21);
  // Each of the 20 resolved with the data of the replay (status 200, seed 000's `{code: 0, data}`).
  const lines = await logTexts('request');
  for (const line of lines) assert.match(line, ME_OK);
  const jtis = new Set(lines.slice(1).map((line) => /"tokenJti":"([^"]+)"/.exec(line)[1]));
  assert.equal(jtis.size, 1, 'the 20 replays carried one token');
  assert.ok(!jtis.has(/"tokenJti":"([^"]+)"/.exec(lines[0])[1]), 'the replays carried the refreshed token');
  await page.screenshot({ path: `${SHOTS}demo-after-refresh.png`, fullPage: true });

  await byTest('logout').click();
  await byTest('login-form').waitFor();
  assert.equal(await page.evaluate(() => window.__demo.client.getTokens()), null, 'tokens cleared');
});

test('a dead session opens the seed dialog once for 10 concurrent failures; 重新登陆 clears the state', TIMEOUT, async () => {
  await login();
  let dialogs = 0;
  await page.exposeFunction('countDialog', () => (dialogs += 1));
  // Count every time the dialog element appears.
  await page.evaluate(() => {
    new MutationObserver(() => {
      const shown = document.querySelector('[data-test="dialog"]');
      if (shown && !shown.dataset.counted) {
        shown.dataset.counted = 'yes';
        window.countDialog();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await byTest('expire-refresh').click();
  await byTest('expire-access').click();
  // The demo's call, `client.get`: a dead session rejects it with SessionExpiredError, not wrapped
  // in a RequestError.
  const outcomes = await page.evaluate(() =>
    Promise.all(
      Array.from({ length: 10 }, () =>
        window.__demo.client.get('/api/me').then(
          () => 'resolved',
          (e) => `${e.name} ${e.code ?? ''}`.trim(),
        ),
      ),
    ),
  );
  assert.deepEqual(outcomes, Array(10).fill('SessionExpiredError'));
  await byTest('dialog').waitFor();
  await page.screenshot({ path: `${SHOTS}demo-session-expired.png`, fullPage: true });
  assert.match(await byTest('dialog').innerText(), /你已被登出/);
  assert.equal(dialogs, 1, 'the dialog opened once');

  await byTest('dialog-relogin').click();
  await byTest('login-form').waitFor();
  assert.equal(await byTest('dialog').count(), 0, 'the dialog is closed');
  assert.equal(await page.evaluate(() => window.__demo.client.getTokens()), null, 'tokens cleared');
  assert.equal(dialogs, 1, 'and it did not open again');
});

test('a second tab beside the first logs that the other tab refreshed and this one took the result', TIMEOUT, async () => {
  await login();
  // A second tab of the same browser profile: it finds the session in the shared localStorage.
  const second = await page.context().newPage();
  second.on('pageerror', (e) => problems.push(`second tab: page error: ${e.message}`));
  second.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`second tab: console ${m.type()}: ${m.text()}`);
  });
  await second.goto(`${backend.url}/`);
  await second.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 15_000 });
  const there = (name) => second.locator(`[data-test="${name}"]`);
  const logged = (type, text) => second.locator(`[data-test="log"] [data-type="${type}"]`, { hasText: text });
  await there('session').waitFor();

  // The first tab refreshes while the second is idle: the second hears of it.
  await byTest('expire-access').click();
  await byTest('send-one').click();
  await logged('tokens-changed', 'tokens renewed in another tab').waitFor({ timeout: 10_000 });
  assert.equal((await admin('counters')).refreshCalls, 1);

  // Both tabs need a refresh at once. The refresh call is held 800 ms on the server, so the first
  // tab holds the lock while the second tab's request is refused with the old token; the second
  // then finds the tokens renewed and takes them instead of calling the refresh endpoint.
  await admin('refresh-faults', { count: 1, kind: 'delay', ms: 800 });
  await byTest('expire-access').click();
  await byTest('send-one').click();
  const deadline = Date.now() + 5_000;
  while ((await admin('counters')).refreshCalls < 2) {
    assert.ok(Date.now() < deadline, 'the first tab did not call the refresh endpoint');
    await new Promise((r) => setTimeout(r, 20));
  }
  await there('send-one').click();
  const took = logged('refresh-success', 'another tab refreshed; this tab took its tokens');
  await took.waitFor({ timeout: 10_000 });
  assert.match(await took.innerText(), /adopted=true/);
  await second.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 1);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 2);
  assert.equal(await second.locator('[data-test="log"] [data-type="request"].bad').count(), 0, 'no request failed');
  assert.equal((await admin('counters')).refreshCalls, 2, 'one refresh call for the two tabs');
  assert.equal((await admin('counters')).reuseDetections, 0);
  await second.screenshot({ path: `${SHOTS}demo-second-tab.png`, fullPage: true });

  // A logout in the first tab ends the session in the second: its login form, no dialog.
  await byTest('logout').click();
  await logged('session-expired', 'logged out in another tab').waitFor({ timeout: 10_000 });
  await there('login-form').waitFor();
  assert.equal(await there('dialog').count(), 0, 'no session-expired dialog for a logout');
});

/** Waits until `[data-test=name]` shows `text` (trimmed), and fails with what it shows instead. */
async function shows(name, text, timeout = 10_000) {
  await page
    .waitForFunction(([name, text]) => document.querySelector(`[data-test="${name}"]`)?.textContent.trim() === text, [name, text], {
      timeout,
    })
    .catch(async () => assert.fail(`[data-test="${name}"] shows ${JSON.stringify(await byTest(name).textContent())}, not ${JSON.stringify(text)}`));
}

const expiresAtShown = async () => Number(await byTest('auth-expires-at').getAttribute('data-ms'));

test('the useAuth() panel follows a login, a refresh (refreshing, then a later expiry), a failed refresh and the end', TIMEOUT, async () => {
  await shows('auth-authenticated', 'false');
  await shows('auth-expires-at', 'null');
  await shows('auth-refreshing', 'false');
  await shows('auth-last-error', 'null');

  await login();
  await shows('auth-authenticated', 'true');
  const first = await expiresAtShown();
  assert.ok(Math.abs(first - Date.now() - 60_000) < 5_000, `expiresAt ${first} is not 60 s away`);

  // The refresh call is held 1.2 s on the server: refreshing is shown (in the panel and as the
  // session's badge) while it runs, and the new token expires later than the first.
  await page.evaluate(() => {
    window.refreshingSeen = [];
    const cell = document.querySelector('[data-test="auth-refreshing"]');
    new MutationObserver(() => window.refreshingSeen.push(cell.textContent.trim())).observe(cell, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await admin('refresh-faults', { count: 1, kind: 'delay', ms: 1200 });
  await byTest('expire-access').click();
  await byTest('send-one').click();
  await shows('auth-refreshing', 'true');
  await byTest('refreshing').waitFor();
  await shows('auth-refreshing', 'false');
  assert.deepEqual(await page.evaluate(() => window.refreshingSeen), ['true', 'false']);
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 1);
  const second = await expiresAtShown();
  assert.ok(second > first, `the expiry did not move after the refresh (${first} → ${second})`);
  await shows('auth-last-error', 'null');

  // A refresh answered with junk: lastError says so, the session stays; the next refresh clears it.
  await admin('refresh-faults', { count: 1, kind: 'malformed' });
  await byTest('expire-access').click();
  await byTest('send-one').click();
  await shows('auth-last-error', 'RefreshError (malformed)');
  await shows('auth-authenticated', 'true');
  // The call behind that refresh rejected with the RefreshError itself (not a RequestError).
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].bad').length >= 1);
  assert.match((await logTexts('request')).at(-1), /^#\d+ GET \/api\/me → RefreshError \(malformed\) · /);
  await byTest('send-one').click();
  await shows('auth-last-error', 'null');
  // lastError clears at the refresh's success, a moment before the replayed request is logged.
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 2);
  assert.equal(await page.locator('[data-test="log"] [data-type="request"].good').count(), 2);

  // The refresh token is dead: signed out, no expiry, SessionExpiredError; the seed's dialog opens.
  await byTest('expire-refresh').click();
  await byTest('expire-access').click();
  await byTest('send-one').click();
  await byTest('dialog').waitFor();
  await shows('auth-authenticated', 'false');
  await shows('auth-expires-at', 'null');
  await shows('auth-last-error', 'SessionExpiredError');
  await page.screenshot({ path: `${SHOTS}demo-auth-state.png`, fullPage: true });
  await byTest('dialog-relogin').click();
  await byTest('login-form').waitFor();
  // The call behind the dead session rejected with the SessionExpiredError itself.
  await page.locator('[data-test="log"] [data-type="request"].bad', { hasText: 'GET /api/me → SessionExpiredError' }).waitFor();
});

test('the log shows what a call resolved with, and a failing call by its error name and code', TIMEOUT, async () => {
  // The browser's own console line for the 404 this test asks for.
  expectedConsole.push(/^Failed to load resource: the server responded with a status of 404/);
  await login();

  // POST /api/echo with a JSON body: the log shows the status and the data the call resolved with,
  // here the backend's echo of the bytes it received and their content type.
  await byTest('send-echo').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 1);
  const [echo] = await logTexts('request');
  assert.match(echo, /^#1 POST \/api\/echo → 200 OK · \{"code":0,"data":\{/);
  assert.ok(echo.includes('"body":"{\\"hello\\":\\"world\\",\\"n\\":1}"'), `the echo shows no JSON body: ${echo}`);
  assert.ok(echo.includes('"contentType":"application/json"'), `the body was not sent as JSON: ${echo}`);
  assert.ok(echo.includes('"method":"POST"'), echo);
  assert.equal(await page.locator('[data-test="log"] [data-type="request"].good').count(), 1);

  // GET /api/missing: the backend's 404, so the call rejects with a RequestError, ERR_BAD_REQUEST.
  await byTest('send-missing').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 2);
  const missing = page.locator('[data-test="log"] [data-type="request"]').first();
  assert.match(await missing.getAttribute('class'), /\bbad\b/);
  assert.match(
    (await logTexts('request'))[1],
    /^#2 GET \/api\/missing → RequestError ERR_BAD_REQUEST · Request failed with status code 404 · \d+ ms$/,
  );

  // What the log shows is what the demo's calls resolve and reject with: the same calls, from the page.
  const seen = await page.evaluate(async () => {
    const { client } = window.__demo;
    const me = await client.get('/api/me');
    const failure = await client.get('/api/missing').then(
      () => null,
      (e) => ({ name: e.name, code: e.code, status: e.status, message: e.message, data: e.response?.data }),
    );
    return {
      me: { status: me.status, statusText: me.statusText, data: me.data, type: me.headers['content-type'], method: me.config.method },
      failure,
    };
  });
  assert.equal(seen.me.status, 200);
  assert.equal(seen.me.statusText, 'OK');
  assert.equal(seen.me.data.code, 0);
  assert.equal(seen.me.data.data.user, 'demo');
  assert.match(seen.me.type, /^application\/json/);
  assert.equal(seen.me.method, 'get');
  assert.deepEqual(seen.failure, {
    name: 'RequestError',
    code: 'ERR_BAD_REQUEST',
    status: 404,
    message: 'Request failed with status code 404',
    data: { code: 404, error: 'not_found' },
  });

  // An expired token behind the call: one refresh, and the log shows the replay's 200.
  await byTest('expire-access').click();
  await byTest('send-one').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 3);
  assert.match((await logTexts('request'))[2], ME_OK);
  assert.equal((await admin('counters')).refreshCalls, 1);
  await page.screenshot({ path: `${SHOTS}demo-calls.png`, fullPage: true });
});

test('the storage switch mounts the app again on the new storage, with the tokens moved over', TIMEOUT, async () => {
  await login();
  await page.evaluate(() => (window.before = window.__demo.client));
  const stored = await page.evaluate(() => localStorage.getItem('access_token'));
  assert.ok(stored, 'the tokens are not in localStorage');

  await byTest('storage-cookie').click();
  await page.locator('[data-test="log"] [data-type="storage"]', { hasText: 'storage is now cookie (tokens moved over)' }).waitFor();
  await byTest('session').waitFor();
  await shows('auth-authenticated', 'true');
  const after = await page.evaluate(async () => ({
    replaced: window.__demo.client !== window.before,
    oldClient: await window.before.fetch('/s000/api/me').then(() => 'resolved', (e) => e.name),
    oldClientCall: await window.before.get('/api/me').then(() => 'resolved', (e) => e.name),
    inLocalStorage: localStorage.getItem('access_token'),
    inCookie: document.cookie.split('; ').some((c) => c.startsWith('access_token=')),
    tokens: window.__demo.client.getTokens()?.accessToken ?? null,
  }));
  assert.equal(after.replaced, true, 'the client was not replaced');
  assert.equal(after.oldClient, 'DisposedError', 'the unmount did not dispose the previous client');
  assert.equal(after.oldClientCall, 'DisposedError', 'a call on the disposed client did not reject with DisposedError');
  assert.equal(after.inLocalStorage, null, 'the tokens were left in localStorage');
  assert.equal(after.inCookie, true, 'the tokens are not in the cookies');
  assert.equal(after.tokens, stored, 'the same tokens moved over');

  // useAuth()'s client is the new one: its call carries the moved token.
  await byTest('send-one').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 1);
  assert.equal(await page.locator('[data-test="log"] [data-type="request"].bad').count(), 0);
  // The new client is also the default one: the login, the main entry's `post`, goes through it
  // (through the disposed one it would reject with DisposedError), and stores the tokens in cookies.
  await byTest('logout').click();
  await login();
  assert.match((await logTexts('login')).at(-1), /^POST \/login → 200 OK · logged in as demo$/);
  assert.equal(await page.evaluate(() => document.cookie.split('; ').some((c) => c.startsWith('access_token='))), true);
  await byTest('send-one').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"].good').length >= 2);
  assert.equal(await page.locator('[data-test="log"] [data-type="request"].bad').count(), 0);
  await byTest('storage-local').click();
  await page.locator('[data-test="log"] [data-type="storage"]', { hasText: 'storage is now localStorage' }).waitFor();
});
