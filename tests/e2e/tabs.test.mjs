// Issue 7, point 8: many tabs, one refresh. N pages of ONE browser context (one profile: they share
// localStorage, cookies, IndexedDB, Web Locks and BroadcastChannel), all on the backend's origin,
// each with the same client (seed 001: Bearer, 401, rotating refresh tokens with reuse detection).
// One tab logs in, the others read the tokens from the shared storage; then every tab sends its
// request at the same moment. The backend's counters say how many refresh calls were made and
// whether a refresh token was presented twice. Per-run wall times are reported as diagnostics.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { openHarness } from './harness.mjs';

// Chromium logs every 4xx/5xx answer as a console error; the tests provoke those on purpose.
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of [45]\d\d/;

let h;
let extra = []; // pages a test opened besides h.page: closed after it
let ownProblems = []; // errors of the pages the harness does not watch (popups, init-scripted pages)

before(async () => (h = await openHarness()));
after(async () => h?.close());
beforeEach(async () => {
  await h.fresh();
  await loadKit(h.page);
  // Each test starts without the shared record the last one left (the pages that held it open
  // are closed by now; a blocked deletion finishes once they are).
  await h.run(
    () =>
      new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('fetch-with-refresh');
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      }),
  );
  ownProblems = [];
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((p) => p.close().catch(() => {})));
  h.assertNoPageProblems();
  assert.deepEqual(ownProblems.splice(0), [], 'a page the test opened reported errors');
});

const loadKit = (page) =>
  page.evaluate(async () => {
    window.tabsKit = await import('/static/tests/e2e/tabs-kit.js');
  });

/** `n` tabs of the context: h.page and n-1 new pages, each with both kits loaded. */
async function openTabs(n) {
  const more = await Promise.all(Array.from({ length: n - 1 }, () => h.newPage()));
  extra.push(...more);
  await Promise.all(more.map(loadKit));
  return [h.page, ...more];
}

/** A page the harness did not make (so its storage is not cleared on load): watched here. */
async function adopt(page) {
  extra.push(page);
  page.on('pageerror', (e) => ownProblems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !EXPECTED_CONSOLE.test(m.text())) ownProblems.push(`console error: ${m.text()}`);
  });
  await page.waitForFunction(() => window.fwrLoaded === true, null, { timeout: 15_000 });
  await page.evaluate(async () => {
    window.kit = await import('/static/tests/e2e/page-kit.js');
    window.tabsKit = await import('/static/tests/e2e/tabs-kit.js');
  });
  return page;
}

const openClients = (tabs, options = {}) =>
  Promise.all(tabs.map((p) => p.evaluate(([B, o]) => window.tabsKit.open(B, o), [h.B, options])));
const login = (tab, tokens = {}) => tab.evaluate(([B, t]) => window.tabsKit.login(B, t), [h.B, tokens]);
const seen = (tab, round) => tab.evaluate((r) => window.tabsKit.seen(r ?? undefined), round ?? null);
const tokensOf = (tab) => tab.evaluate(() => window.tab.client.getTokens());

/**
 * One round: every tab in `tabs` sends `n` requests at the same moment. Resolves with each tab's
 * `{ results, fired, settled }` and the round's wall time (the go signal to the last answer).
 */
async function round(tabs, id, n = 1) {
  await Promise.all(tabs.map((p) => p.evaluate(([r, k]) => window.tabsKit.arm(r, k), [id, n])));
  const at = await tabs[0].evaluate(() => window.tabsKit.go());
  const perTab = await Promise.all(tabs.map((p) => p.evaluate(() => window.tab.pending)));
  return { perTab, wall: Math.max(...perTab.map((t) => t.settled)) - at };
}

const ok = (r) => !r.error && r.status === 200;
const describe = (r) => (r.error ? `${r.error.name}${r.error.reason ? `(${r.error.reason})` : ''}` : `HTTP ${r.status}`);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${s[s.length - 1]} ms`;
};

/** Polls the backend's counters until `check(counters)` holds (or fails after `ms`). */
async function countersUntil(check, what, ms = 5_000) {
  const end = Date.now() + ms;
  for (;;) {
    const c = await h.counters();
    if (check(c)) return c;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One run's calls, lock grants and events of every tab, in time order (for a failure report). */
function timeline(perTab) {
  const lines = [];
  perTab.forEach(({ events, calls, locks }, i) => {
    for (const c of calls) {
      const what = `${c.path.replace('/s001', '')}${c.refresh ? ` r=${c.refresh}` : ''} a=${c.access}`;
      lines.push([c.at, `tab ${i} sends ${what}`], [c.done, `tab ${i} gets ${c.status} for ${what}`]);
    }
    for (const l of locks) {
      lines.push([l.asked, `tab ${i} asks for the lock`]);
      if (l.granted) lines.push([l.granted, `tab ${i} holds the lock`]);
      if (l.released) lines.push([l.released, `tab ${i} releases the lock`]);
    }
    for (const e of events) lines.push([e.at, `tab ${i} event ${e.type} ${e.source ?? e.reason ?? ''}${e.adopted ? 'adopted' : ''}`]);
  });
  const t0 = Math.min(...lines.map(([t]) => t ?? Infinity));
  return lines
    .filter(([t]) => t !== undefined)
    .sort((a, b) => a[0] - b[0])
    .map(([t, what]) => `${(t - t0).toFixed(1).padStart(7)} ${what}`);
}

/**
 * The storm across tabs, `runs` times: a login in tab 0, the access token expired (on the server
 * in odd runs; in even runs the stored expiry is already past, so no request may leave before the
 * refresh), then one request per tab at the same moment. Per run: exactly one refresh call, no
 * reuse detection, every request 200.
 */
async function manyTabs(t, { tabs: n, runs, storage }) {
  const tabs = await openTabs(n);
  await openClients(tabs, { storage });
  const walls = [];
  const failed = [];
  let adopted = 0;
  let refreshed = 0;
  let before = await h.counters();
  for (let run = 1; run <= runs; run += 1) {
    const preExpired = run % 2 === 0;
    await login(tabs[0], preExpired ? { expiresAt: Date.now() - 1_000 } : {});
    const loggedIn = await tabs[0].evaluate(() => window.tabsKit.heldJti());
    if (!preExpired) await h.admin('expire-access');
    const { perTab, wall } = await round(tabs, run);
    walls.push(wall);
    const after = await h.counters();
    const calls = after.refreshCalls - before.refreshCalls;
    const reuse = after.reuseDetections - before.reuseDetections;
    const bad = perTab.flatMap((tab, i) => tab.results.filter((r) => !ok(r)).map((r) => `tab ${i}: ${describe(r)}`));
    const events = await Promise.all(tabs.map((p) => seen(p, run)));
    const successes = events.flatMap((e) => e.events.filter((x) => x.type === 'refresh-success'));
    adopted += successes.filter((x) => x.adopted === true).length;
    refreshed += successes.filter((x) => x.adopted === false).length;
    if (calls !== 1 || reuse !== 0 || bad.length) {
      const detail = (x) => x.type + (x.adopted ? '(adopted)' : '') + (x.source ? `(${x.source})` : '') + (x.reason ? `(${x.reason})` : '');
      const types = events.map((e, i) => `tab ${i}: ${e.events.map(detail).join(',')}`);
      const call = (c) => `${c.path.replace('/s001', '')}${c.refresh ? ` r=${c.refresh}` : ''} a=${c.access} → ${c.status}`;
      const sent = events.map((e, i) => `tab ${i}: ${e.calls.map(call).join(' | ')}`);
      failed.push({ run, preExpired, loggedIn, refreshCalls: calls, reuseDetections: reuse, bad, events: types, sent, ...(failed.length ? {} : { timeline: timeline(events) }) });
    }
    before = after;
  }
  t.diagnostic(
    `${n} tabs × ${runs} runs (${storage}): ${runs - failed.length} clean; wall per run ${stats(walls)}; ` +
      `refresh-success adopted:true ${adopted} (${(adopted / runs).toFixed(2)} per run), adopted:false ${refreshed}; ` +
      `refresh calls ${before.refreshCalls}, reuse detections ${before.reuseDetections}`,
  );
  t.diagnostic(`wall per run (ms): ${walls.join(' ')}`);
  assert.deepEqual(failed.slice(0, 3), [], `${failed.length} of ${runs} runs were not clean`);
  assert.equal(before.reuseDetections, 0, 'reuse detections');
}

test('8 tabs × 50 runs, localStorage: one refresh per run, no reuse, every request succeeds', { timeout: 120_000 }, (t) =>
  manyTabs(t, { tabs: 8, runs: 50, storage: 'localStorage' }));

// 50 runs here too: a cookie written by one tab reaches the others' document.cookie late enough
// that a window in the library showed up in about one run in fifteen.
test('8 tabs × 50 runs, cookies: one refresh per run, no reuse, every request succeeds', { timeout: 120_000 }, (t) =>
  manyTabs(t, { tabs: 8, runs: 50, storage: 'cookie' }));

test('16 tabs × 50 runs, localStorage: one refresh per run, no reuse, every request succeeds', { timeout: 90_000 }, (t) =>
  manyTabs(t, { tabs: 16, runs: 50, storage: 'localStorage' }));

test('sessionStorage: a tab opened with window.open shares the refresh token and the lock', { timeout: 60_000 }, async (t) => {
  await openClients([h.page], { storage: 'sessionStorage' });
  await login(h.page);
  // window.open gives the new tab a copy of the opener's sessionStorage (not a shared one).
  const [popup] = await Promise.all([
    h.context.waitForEvent('page'),
    h.run((url) => void window.open(url), `${h.B}/static/tests/e2e/page.html`),
  ]);
  await adopt(popup);
  await openClients([popup], { storage: 'sessionStorage' });
  assert.deepEqual(await tokensOf(popup), await tokensOf(h.page), 'the new tab starts with a copy of the tokens');

  const tabs = [h.page, popup];
  const RUNS = 10;
  const walls = [];
  let adopted = 0;
  for (let run = 1; run <= RUNS; run += 1) {
    const before = await h.counters();
    await h.admin('expire-access');
    const { perTab, wall } = await round(tabs, run);
    walls.push(wall);
    const after = await h.counters();
    const results = perTab.flatMap((tab) => tab.results);
    assert.deepEqual(results.filter((r) => !ok(r)).map(describe), [], `run ${run}: every request succeeds`);
    assert.equal(after.refreshCalls - before.refreshCalls, 1, `run ${run}: one refresh call`);
    assert.equal(after.reuseDetections, 0, `run ${run}: no reuse detection`);
    // Each tab keeps its own copy, and both copies now hold the renewed set.
    assert.deepEqual(await tokensOf(popup), await tokensOf(h.page), `run ${run}: both tabs hold the same tokens`);
    for (const tab of tabs) adopted += (await seen(tab, run)).events.filter((e) => e.type === 'refresh-success' && e.adopted).length;
  }
  t.diagnostic(`sessionStorage, 2 tabs × ${RUNS} runs: wall per run ${stats(walls)}; adopted:true ${adopted} of ${RUNS}`);
});

test('logout in one tab (clearTokens) reaches every other tab once, and no refresh follows', { timeout: 60_000 }, async (t) => {
  const tabs = await openTabs(4);
  await openClients(tabs);
  await login(tabs[0]);
  // Every tab uses the session first, so each has read the tokens from the shared storage.
  const first = await round(tabs, 1);
  assert.deepEqual(first.perTab.flatMap((p) => p.results).filter((r) => !ok(r)).map(describe), []);
  const before = await h.counters();

  const loggedOut = Date.now();
  await tabs[0].evaluate(() => window.tab.client.clearTokens());
  const others = tabs.slice(1);
  await Promise.all(
    others.map((p) => p.waitForFunction(() => window.tab.record.expiredCalls.length >= 1, null, { timeout: 5_000 })),
  );
  const reached = Date.now() - loggedOut;
  // The next requests: rejected as a dead session, or sent without a token (the backend's 401),
  // never a refresh call.
  const next = await round(tabs, 2);
  await new Promise((r) => setTimeout(r, 200)); // a late callback would show up here
  const after = await h.counters();
  assert.equal(after.refreshCalls - before.refreshCalls, 0, 'no refresh call after the logout');
  for (const [i, tab] of next.perTab.entries()) {
    for (const r of tab.results) {
      const accepted =
        r.error?.name === 'SessionExpiredError' ||
        (r.error?.name === 'RefreshError' && r.error.reason === 'no-refresh-token') ||
        r.status === 401;
      assert.ok(accepted, `tab ${i}'s request after the logout: ${describe(r)}`);
    }
  }
  for (const [i, tab] of tabs.entries()) {
    const { expiredCalls, events } = await seen(tab);
    assert.equal(await tokensOf(tab), null, `tab ${i} holds no tokens`);
    if (i === 0) {
      assert.deepEqual(expiredCalls, [], 'the tab that logged out is not told its session expired');
    } else {
      assert.deepEqual(expiredCalls.map((c) => c.reason), ['logout'], `tab ${i}: onSessionExpired once, reason logout`);
      const ended = events.filter((e) => e.type === 'session-expired').map((e) => e.reason);
      assert.deepEqual(ended, ['logout'], `tab ${i}: one session-expired event, reason logout`);
    }
  }
  t.diagnostic(`logout reached the 3 other tabs within ${reached} ms; next requests: ${next.perTab.flatMap((p) => p.results).map(describe).join(', ')}`);
});

test('logout while another tab refreshes: the renewed tokens do not outlive it', { timeout: 60_000 }, async (t) => {
  // Tab 1's refresh call is held 600 ms on the server (tab 1 holds the lock); tab 2 waits for the
  // lock; tab 0 logs out meanwhile. Whatever the in-flight requests get, afterwards no tab may
  // hold tokens and no request may succeed or refresh.
  const tabs = await openTabs(3);
  await openClients(tabs);
  await login(tabs[0]);
  const first = await round(tabs, 1);
  assert.deepEqual(first.perTab.flatMap((p) => p.results).filter((r) => !ok(r)).map(describe), []);
  await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: 600 });
  await h.admin('expire-access');
  await tabs[1].evaluate(() => window.tabsKit.fireNow(2));
  await countersUntil((x) => x.refreshCalls === 1, "tab 1's refresh call");
  await tabs[2].evaluate(() => window.tabsKit.fireNow(2));
  await countersUntil((x) => x.requests['GET /s001/api/me'] >= 5, "tab 2's first attempt");
  await tabs[0].evaluate(() => window.tab.client.clearTokens());
  const pending = await Promise.all([tabs[1], tabs[2]].map((p) => p.evaluate(() => window.tab.pending)));
  await new Promise((r) => setTimeout(r, 500)); // the lock queue drains, the last messages arrive
  const mid = await h.counters();
  for (const [i, tab] of tabs.entries()) assert.equal(await tokensOf(tab), null, `tab ${i} holds no tokens after the logout`);
  const next = await round(tabs, 3);
  const after = await h.counters();
  assert.equal(after.refreshCalls - mid.refreshCalls, 0, 'no refresh call after the logout');
  assert.equal(after.reuseDetections, 0);
  assert.ok(next.perTab.flatMap((p) => p.results).every((r) => !ok(r)), 'no request succeeds after the logout');
  const all = await Promise.all(tabs.map((p) => seen(p)));
  const story = () => timeline(all).join('\n');
  for (const [i, { expiredCalls }] of all.entries()) {
    if (i === 0) assert.deepEqual(expiredCalls, [], `the tab that logged out is not told its session expired\n${story()}`);
    else assert.deepEqual(expiredCalls.map((c) => c.reason), ['logout'], `tab ${i}: onSessionExpired once, reason logout\n${story()}`);
  }
  t.diagnostic(
    `requests in flight during the logout: ${pending.flatMap((p) => p.results).map(describe).join(', ')}; ` +
      `refresh calls ${mid.refreshCalls}`,
  );
});

test('session end: the refresh token is refused once, every tab rejects with SessionExpiredError', { timeout: 60_000 }, async (t) => {
  const N = 8;
  const tabs = await openTabs(N);
  await openClients(tabs);
  await login(tabs[0]);
  const before = await h.counters();
  await h.admin('expire-refresh');
  await h.admin('expire-access');
  const { perTab, wall } = await round(tabs, 1);
  const mid = await h.counters();
  assert.equal(mid.refreshCalls - before.refreshCalls, 1, 'exactly one refresh call (refused)');
  assert.equal(mid.reuseDetections, 0);
  for (const [i, tab] of perTab.entries()) {
    assert.deepEqual(tab.results.map((r) => r.error?.name ?? `HTTP ${r.status}`), ['SessionExpiredError'], `tab ${i}`);
  }
  await new Promise((r) => setTimeout(r, 200)); // a second callback would show up here
  const reasons = [];
  for (const [i, tab] of tabs.entries()) {
    const { expiredCalls } = await seen(tab);
    assert.equal(expiredCalls.length, 1, `tab ${i}: onSessionExpired once (${JSON.stringify(expiredCalls)})`);
    reasons.push(expiredCalls[0].reason);
  }
  // And after it: nobody calls the refresh endpoint with the dead token.
  const again = await round(tabs, 2);
  const after = await h.counters();
  assert.equal(after.refreshCalls - mid.refreshCalls, 0, 'no refresh call after the session ended');
  assert.ok(again.perTab.flatMap((p) => p.results).every((r) => !ok(r)), 'no request succeeds after the end');
  for (const [i, tab] of tabs.entries()) {
    assert.equal((await seen(tab)).expiredCalls.length, 1, `tab ${i}: still one onSessionExpired call`);
  }
  t.diagnostic(`session end over ${N} tabs: wall ${wall} ms; onSessionExpired reasons: ${reasons.join(', ')}`);
});

test("the lock holder's tab closes mid-refresh: another tab refreshes, every promise settles", { timeout: 60_000 }, async (t) => {
  // The backend's `hang` answers nothing and does not redeem the refresh token (faults.rs: the
  // fault replaces the refresh), so the token tab A sent stays valid for the next tab.
  const tabs = await openTabs(3);
  const [holder, b, c] = [tabs[1], tabs[2], tabs[0]];
  await openClients(tabs);
  await login(holder);
  await h.admin('refresh-faults', { count: 1, kind: 'hang' });
  await h.admin('expire-access');

  await holder.evaluate(() => window.tabsKit.fireNow(1));
  await countersUntil((x) => x.refreshCalls === 1, "tab A's refresh call");
  // B and C send two requests each; they get the 401 and wait for the lock tab A holds.
  for (const p of [b, c]) await p.evaluate(() => window.tabsKit.fireNow(1, 2));
  await countersUntil((x) => x.requests['GET /s001/api/me'] >= 5, "the other tabs' first attempts");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await h.counters()).refreshCalls, 1, 'the others wait while the lock is held');

  const closed = Date.now();
  await holder.close();
  const settled = await Promise.all([b, c].map((p) => p.evaluate(() => window.tab.pending)));
  const took = Math.max(...settled.map((s) => s.settled)) - closed;
  const results = settled.flatMap((s) => s.results);
  assert.deepEqual(results.map((r) => (ok(r) ? 'ok' : describe(r))), ['ok', 'ok', 'ok', 'ok']);
  const counters = await h.counters();
  assert.equal(counters.refreshCalls, 2, "one more refresh call, made by a tab that took over the lock");
  assert.equal(counters.reuseDetections, 0);
  // Not the refresh timeout (10 s) letting go: the browser released the closed tab's lock.
  assert.ok(took < 5_000, `the waiting tabs settled ${took} ms after the close`);
  t.diagnostic(`the waiting tabs settled ${took} ms after the lock holder's tab closed`);
});

test('crossTab: false is accepted and emits no cross-tab-off (each tab refreshes alone)', { timeout: 60_000 }, async (t) => {
  const tabs = await openTabs(2);
  await openClients(tabs, { crossTab: false });
  await login(tabs[0]);
  await h.admin('expire-access');
  const { perTab } = await round(tabs, 1);
  const counters = await h.counters();
  for (const [i, tab] of tabs.entries()) {
    const { events } = await seen(tab);
    assert.deepEqual(events.filter((e) => e.type === 'cross-tab-off'), [], `tab ${i}: an opt-out is not reported`);
  }
  t.diagnostic(
    `crossTab: false, 2 tabs: ${perTab.flatMap((p) => p.results).map(describe).join(', ')}; ` +
      `${counters.refreshCalls} refresh calls, ${counters.reuseDetections} reuse detections (the documented single-tab behaviour)`,
  );
});

test('without navigator.locks: one cross-tab-off event (no-web-locks), and the tab still refreshes', { timeout: 60_000 }, async () => {
  const page = await h.context.newPage();
  await page.addInitScript(() => {
    delete Navigator.prototype.locks;
  });
  await page.goto(`${h.B}/static/tests/e2e/page.html`);
  await adopt(page);
  assert.equal(await page.evaluate(() => 'locks' in navigator), false);
  await openClients([page]);
  await login(page);
  for (const run of [1, 2]) {
    const before = await h.counters();
    await h.admin('expire-access');
    const { perTab } = await round([page], run);
    assert.deepEqual(perTab[0].results.map(describe), ['HTTP 200'], `refresh ${run}`);
    assert.equal((await h.counters()).refreshCalls - before.refreshCalls, 1);
  }
  const off = (await seen(page)).events.filter((e) => e.type === 'cross-tab-off');
  assert.deepEqual(off.map(({ type, reason }) => ({ type, reason })), [{ type: 'cross-tab-off', reason: 'no-web-locks' }]);
});
