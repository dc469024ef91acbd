// The Vue demo (www/app) served by the reference backend, driven like a person would: it loads with
// no console errors; a full walk (login → expiry → one refresh for 20 requests → logout) with a
// screenshot under target/e2e/ for humans to look at; and a session end: the seed's dialog opens
// once for 10 concurrent failing requests, and "重新登陆" (log in again) clears the state; and a
// second tab beside the first, whose log says when the other tab refreshed or logged out.
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
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
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

async function login() {
  await byTest('username').fill('demo');
  await byTest('login').click();
  await byTest('session').waitFor();
}

test('the demo walks through login, expiry, one refresh for 20 requests, and logout', TIMEOUT, async () => {
  await login();
  await byTest('send-one').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-test="log"] [data-type="request"]').length >= 1);

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
  const outcomes = await page.evaluate(() =>
    Promise.all(
      Array.from({ length: 10 }, () =>
        window.__demo.client.fetch('/api/me').then(
          () => 'resolved',
          (e) => e.name,
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
