// The five seed apps moved from axios (examples/seeds/<seed>/request.js), each driven through its
// page against its backend flavour like a person would: log in, calls resolve with what the seed's
// interceptor resolved with, 20 calls after the access token expired share exactly one refresh, a
// dead refresh token runs the app's logout path exactly once and rejects every call with
// SessionExpiredError, and a business failure code rejects with a RequestError 'ERR_BUSINESS' where
// the backend has an endpoint that answers one. Plus: the README's diff per seed is the diff of the
// files (seed-diff.mjs), so it cannot go stale.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { openHarness } from './harness.mjs';
import { readmeDiffBlocks, SECTION, SEEDS, seedDiff } from './seed-diff.mjs';

const TIMEOUT = { timeout: 60_000 };
const NOTE = { note: 'café', n: 1 };
const LOGIN_PAGE = 'router.replace {"path":"/login","query":{"redirect":"/"}}';

// What each seed's API functions resolve with (the seed interceptor's value), and what its app does
// when the session ends (the stand-ins' records, a dismissed dialog included).
const EXPECT = {
  '000': {
    me: (v) => (assert.equal(v.code, 0), v.data),
    echo: (v) => (assert.equal(v.code, 0), v.data),
    contentType: 'application/json;charset=utf-8', // the seed's `headers` default
    logout: ['MessageBox.confirm 确定登出'],
    dialogs: 1,
    business: { businessCode: 10007, message: 'the server answered business code 10007', data: { code: 10007, msg: 'refresh token expired, log in again' } },
  },
  '001': {
    // No envelope: the seed's interceptor resolved with the whole response.
    me: (v) => (assert.equal(v.status, 200), assert.equal(v.config.method, 'get'), assert.equal(v.data.code, 0), v.data.data),
    echo: (v) => (assert.equal(v.status, 200), assert.equal(v.data.code, 0), v.data.data),
    contentType: 'application/json',
    logout: ['Message 登录失效', LOGIN_PAGE],
    dialogs: 0,
    business: null,
    noBusiness: 'every /s001 answer with a failure code is HTTP 401 (a refused status, not a business code)',
  },
  '002': {
    me: (v) => (assert.equal(v.code, 0), v.data),
    echo: (v) => (assert.equal(v.code, 0), v.data),
    contentType: 'application/json',
    logout: ['MessageBox.confirm 确定登出'],
    dialogs: 1,
    business: null,
    noBusiness: 'every /s002 answer with a non-zero code is HTTP 401 (50014, 50015, 401)',
  },
  '003': {
    me: (v) => (assert.equal(v.errcode, 0), v.data),
    echo: (v) => (assert.equal(v.errcode, 0), v.data),
    contentType: 'application/json',
    logout: ['Message 自动登录失败,请重新登录', 'store.dispatch user/logout', LOGIN_PAGE],
    dialogs: 0,
    business: { businessCode: 40003, message: 'relogin refused, log in again', data: { errcode: 40003, errmsg: 'relogin refused, log in again' } },
  },
  '004': {
    me: (v) => (assert.equal(v.code, 0), v.data),
    echo: (v) => (assert.equal(v.code, 0), v.data),
    contentType: 'application/json',
    logout: ['router.push "/login"'],
    dialogs: 0,
    business: null,
    noBusiness: 'every /s004 answer with a non-zero code other than 409 is HTTP 401',
  },
};

describe("README: Moving a seed's app from axios", () => {
  test('each seed has a ```diff block equal to the diff of its before.js and request.js', () => {
    const blocks = readmeDiffBlocks();
    assert.ok(blocks, `README.md has no "${SECTION}" section`);
    assert.deepEqual(Object.keys(blocks).sort(), SEEDS, 'one ### <seed> heading with a diff block per seed');
    for (const seed of SEEDS) {
      assert.equal(blocks[seed], seedDiff(seed).text, `seed ${seed}: README diff block is stale (node tests/e2e/seed-diff.mjs --write)`);
    }
  });

  test('the section sits right after "## Your interceptor → options"', () => {
    const headings = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').match(/^## .*$/gm);
    assert.equal(headings[headings.indexOf(SECTION) - 1], '## Your interceptor → options');
  });

  test('every before.js and request.js parses as a module, and no request.js imports axios', () => {
    for (const seed of SEEDS) {
      for (const name of ['before.js', 'request.js']) {
        const file = new URL(`../../examples/seeds/${seed}/${name}`, import.meta.url);
        const source = readFileSync(file, 'utf8');
        const r = spawnSync(process.execPath, ['--input-type=module', '--check'], { input: source, encoding: 'utf8' });
        assert.equal(r.status, 0, `${seed}/${name}: ${r.stderr}`);
        if (name === 'request.js') assert.doesNotMatch(source, /from ['"]axios['"]/, `${seed}/request.js still imports axios`);
      }
    }
  });
});

describe('seed pages', () => {
  let h;
  let ctx; // one browser context per test: storage and cookies start empty
  let problems;
  before(async () => (h = await openHarness()));
  after(async () => h?.close());
  beforeEach(async () => {
    await h.fresh();
    ctx = await h.browser.newContext();
    problems = [];
  });
  afterEach(async () => {
    await ctx?.close();
    assert.deepEqual(problems, [], 'the seed page reported errors');
  });

  /** Opens a seed's page; `dialogs` counts (and dismisses) its confirm() dialogs. */
  async function open(seed) {
    const page = await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of [45]\d\d/.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
    const seen = { dialogs: 0 };
    page.on('dialog', (dialog) => {
      seen.dialogs += 1;
      dialog.dismiss().catch(() => {});
    });
    await page.goto(`${h.B}/static/examples/seeds/${seed}/index.html`);
    await page
      .waitForFunction(() => window.seedReady === true, null, { timeout: 15_000 })
      .catch((e) => assert.fail(`the seed ${seed} page did not start: ${problems.join('; ') || e.message}`));
    const log = () => page.evaluate(() => window.seedLog);
    const calls = async () => (await log()).filter((e) => e.kind === 'call');

    /** Clicks `id` and resolves with the `n` call entries it logged. */
    async function click(id, n = 1) {
      const before = (await calls()).length;
      await page.click(`#${id}`);
      await page.waitForFunction(
        ([b, k]) => window.seedLog.filter((e) => e.kind === 'call').length >= b + k,
        [before, n],
        { timeout: 20_000 },
      );
      return (await calls()).slice(before, before + n);
    }

    async function login() {
      await page.click('#login');
      await page.waitForFunction(() => window.seedLog.some((e) => e.text === 'logged in' || e.label === 'login'), null, { timeout: 10_000 });
      const failed = (await calls()).find((e) => e.label === 'login');
      assert.equal(failed, undefined, `login failed: ${JSON.stringify(failed?.error)}`);
    }

    const effects = async () => (await log()).filter((e) => e.kind === 'effect').map((e) => e.text);
    const events = async () => (await log()).filter((e) => e.kind === 'event');
    return { page, seen, click, login, effects, events, setCount: (n) => page.fill('#count', String(n)) };
  }

  const okValue = (entry) => {
    assert.equal(entry.ok, true, `${entry.label} rejected: ${JSON.stringify(entry.error)}`);
    return entry.value;
  };

  for (const seed of SEEDS) {
    const expect = EXPECT[seed];

    describe(`seed ${seed}`, () => {
      test('logged in, its calls resolve with what its interceptor resolved with', TIMEOUT, async () => {
        const s = await open(seed);
        await s.login();
        const [me] = await s.click('me');
        const user = expect.me(okValue(me));
        assert.equal(user.user, 'demo');
        assert.ok(user.tokenJti, 'the backend accepted the token');

        const [note] = await s.click('note');
        const echo = expect.echo(okValue(note));
        assert.equal(echo.method, 'POST');
        assert.equal(echo.body, JSON.stringify(NOTE), 'the data is sent as JSON');
        assert.equal(echo.contentType, expect.contentType);
        assert.equal(echo.tokenJti, user.tokenJti);

        const c = await h.counters();
        assert.equal(c.refreshCalls, 0);
        assert.deepEqual(await s.effects(), [], 'the app showed nothing');
      });

      test('after the access token expired, 20 concurrent calls succeed with exactly one refresh', TIMEOUT, async () => {
        const s = await open(seed);
        await s.login();
        const oldJti = expect.me(okValue((await s.click('me'))[0])).tokenJti;
        await h.admin('expire-access');
        const before = await h.counters();

        await s.setCount(20);
        const results = await s.click('many', 20);
        const jtis = results.map((r) => expect.me(okValue(r)).tokenJti);
        const after = await h.counters();
        assert.equal(after.refreshCalls - before.refreshCalls, 1, 'refresh calls on the backend');
        assert.equal(after.reuseDetections, 0);
        assert.equal(new Set(jtis).size, 1, 'every call came back with the one new token');
        assert.notEqual(jtis[0], oldJti);
        const seen = after.tokensSeen.slice(before.tokensSeen.length);
        assert.equal(seen.filter((jti) => jti === jtis[0]).length, 20, 'each call was sent once with the new token');
        const expired = seen.filter((jti) => jti === oldJti).length;
        assert.ok(expired >= 1 && expired <= 20, `${expired} first attempts answered "expired"`);
        assert.deepEqual(await s.events(), [], 'no session-expired event');
        assert.deepEqual(await s.effects(), [], 'no logout');
        console.log(`seed ${seed}: 20 calls, ${after.refreshCalls - before.refreshCalls} refresh call(s), ${expired} first attempt(s) answered "expired"`);
      });

      test('with the refresh token dead too, the logout path runs once and calls reject with SessionExpiredError', TIMEOUT, async () => {
        const s = await open(seed);
        await s.login();
        okValue((await s.click('me'))[0]);
        await h.admin('expire-refresh');
        await h.admin('expire-access');
        // The refusal comes late, so every "expired" answer is in and waiting on this one refresh.
        await h.admin('refresh-faults', { count: 1, kind: 'delay', ms: 300 });
        const before = await h.counters();

        await s.setCount(20);
        const results = await s.click('many', 20);
        for (const r of results) {
          assert.equal(r.ok, false, `${r.label} resolved: ${JSON.stringify(r.value)}`);
          assert.equal(r.error.name, 'SessionExpiredError', `${r.label}: ${JSON.stringify(r.error)}`);
          assert.equal(r.error.instanceOfSessionExpiredError, true);
        }
        // onSessionExpired may run just after the rejections: wait for it, give a second call time
        // to show up, then count exactly.
        await s.page.waitForFunction((n) => window.seedLog.filter((e) => e.kind === 'effect').length >= n, expect.logout.length, { timeout: 5_000 });
        await s.page.waitForTimeout(300);
        assert.deepEqual(await s.effects(), expect.logout, "the app's logout path, once");
        assert.equal(s.seen.dialogs, expect.dialogs, 'confirmation dialogs');
        const events = await s.events();
        assert.equal(events.length, 1, `session-expired events: ${JSON.stringify(events)}`);
        assert.equal((await h.counters()).refreshCalls - before.refreshCalls, 1, 'refresh calls on the backend');
      });

      // Only where the flavour has an endpoint that answers HTTP 200 with a refused code (000, 003):
      // the others send their non-zero codes with HTTP 401 (`noBusiness` says which). The envelope
      // itself is covered for every shape by tests/browser/calls.rs.
      if (expect.business) test('a business failure code rejects with a RequestError ERR_BUSINESS and keeps the session', TIMEOUT, async () => {
        const s = await open(seed);
        await s.login();
        const [r] = await s.click('business');
        assert.equal(r.ok, false, `resolved: ${JSON.stringify(r.value)}`);
        const e = r.error;
        assert.equal(e.name, 'RequestError', JSON.stringify(e));
        assert.equal(e.instanceOfRequestError, true);
        assert.equal(e.isRequestError, true);
        assert.equal(e.code, 'ERR_BUSINESS');
        assert.equal(e.businessCode, expect.business.businessCode);
        assert.equal(e.message, expect.business.message);
        assert.deepEqual(e.response, { status: 200, data: expect.business.data });
        // Not a session end: no logout, and the next call still works with the same token.
        assert.deepEqual(await s.events(), []);
        assert.deepEqual(await s.effects(), []);
        const me = expect.me(okValue((await s.click('me'))[0]));
        assert.equal(me.user, 'demo');
      });
    });
  }
});
