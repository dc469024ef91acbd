// The Vue demo (www/app) served by the reference backend, driven like a person would: it loads with
// no console errors; a full walk (login → expiry → one refresh for 20 requests → logout) with a
// screenshot under target/e2e/ for humans to look at; and a session end: the seed's dialog opens
// once for 10 concurrent failing requests, and "重新登陆" (log in again) clears the state.
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

async function admin(name) {
  const res = await fetch(`${backend.url}/__admin/${name}`, { method: name === 'counters' ? 'GET' : 'POST' });
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
