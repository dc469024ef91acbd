// The page `make demo` serves (examples/basic/index.html), driven like a person would: it loads
// without errors, logs in, survives an expired access token with one refresh for 20 requests, and
// shows the session-expired confirmation once the refresh token is dead too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openHarness } from './harness.mjs';

let h;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h?.close();
});

test('the example page logs in, refreshes once for 20 requests and ends the session', { timeout: 60_000 }, async () => {
  await h.fresh();
  const page = await h.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of [45]\d\d/.test(m.text())) errors.push(m.text());
  });
  await page.goto(`${h.B}/static/examples/basic/index.html`);
  await page.waitForFunction(() => window.demoReady === true, null, { timeout: 15_000 });
  const log = page.locator('#log');

  await page.click('#login');
  await log.getByText('logged in').waitFor();
  await page.click('#one');
  await log.getByText('request 1: HTTP 200').waitFor();

  await page.click('#expire-access');
  await log.getByText('access token expired on the server').waitFor();
  const before = (await h.counters()).refreshCalls;
  await page.click('#twenty');
  await page.waitForFunction(() => (document.getElementById('log').textContent.match(/request \d+: HTTP 200/g) ?? []).length >= 21);
  assert.equal((await h.counters()).refreshCalls - before, 1, 'one refresh for the 20 requests');

  // With both tokens dead, the session ends: one confirmation (answered "stay"), tokens cleared.
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs += 1;
    dialog.dismiss();
  });
  await page.click('#expire-refresh');
  await log.getByText('refresh token expired on the server').waitFor();
  await page.click('#expire-access');
  await page.click('#twenty');
  await log.getByText('session expired (refresh-rejected)').waitFor();
  await page.locator('#tokens').getByText('Not logged in.').waitFor();
  assert.equal(dialogs, 1, 'the confirmation is shown once');
  assert.deepEqual(errors, []);
  await page.close();
});
