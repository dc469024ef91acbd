// Shared setup for the browser tests: a reference backend (the Rust binary, started by backend.mjs,
// serving the repo root under /static/, so /static/pkg/index.js is the built package), one Chromium
// per test file, and pages on tests/e2e/page.html with the page-side kit (page-kit.js) loaded as
// `window.kit`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startBackend } from './backend.mjs';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE_ENTRY = new URL('../../pkg/index.js', import.meta.url);

// Debian's Chromium: never a downloaded browser. The --disable-* flags keep it off the (closed)
// network; --no-sandbox because the tests may run as root.
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

// The harness backend's lifetimes are long on purpose: the library's default proactiveWindow is
// 30 minutes, and with the backend's 60 s default every request would start a proactive refresh.
// Tests make tokens expire with /__admin/expire-access instead of waiting.
const BACKEND_DEFAULTS = { accessTtl: 3600, refreshTtl: 86400 };

// Chromium logs every 4xx/5xx answer as a console error; the tests provoke those on purpose.
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of [45]\d\d/;

/**
 * Starts the backend and the browser. `backend` overrides startBackend options (e.g. a shared
 * `secret`). Returns the handle the tests use; call close() in `after`.
 */
export async function openHarness({ backend: backendOptions = {} } = {}) {
  assert.ok(
    existsSync(PACKAGE_ENTRY),
    `${fileURLToPath(PACKAGE_ENTRY)} is missing: build the package first (make package)`,
  );
  const backend = await startBackend({ ...BACKEND_DEFAULTS, ...backendOptions, staticDir: REPO_ROOT });
  let browser;
  try {
    browser = await chromium.launch(CHROMIUM);
    return await connect(backend, browser);
  } catch (e) {
    // Nothing else would stop them (the test file's `after` never got a handle), and a live server
    // or browser keeps the test process from exiting.
    await browser?.close();
    await backend.close();
    throw e;
  }
}

async function connect(backend, browser) {
  const context = await browser.newContext();
  const problems = []; // page errors and unexpected console errors, checked after every test
  const pageUrl = `${backend.url}/static/tests/e2e/page.html`;

  function watch(page) {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !EXPECTED_CONSOLE.test(m.text())) problems.push(`console error: ${m.text()}`);
    });
  }

  /** Navigates `page` to a fresh copy of the test page with the package and the kit loaded. */
  async function load(page) {
    // A module that throws while loading shows up as a page error: stop waiting at once then. Both
    // racers get a no-op catch, as the loser may reject later with nobody listening.
    let onError;
    const failed = new Promise((_, reject) => page.once('pageerror', (onError = reject)));
    failed.catch(() => {});
    try {
      await page.goto(pageUrl);
      const loaded = page.waitForFunction(() => window.fwrLoaded === true, null, { timeout: 15_000 });
      loaded.catch(() => {});
      await Promise.race([loaded, failed]);
    } catch (e) {
      throw new Error(`the package did not load in the page: ${problems.join('; ') || e.message}`);
    } finally {
      page.off('pageerror', onError);
    }
    await page.evaluate(async () => {
      window.kit = await import('/static/tests/e2e/page-kit.js');
      localStorage.clear();
      sessionStorage.clear();
    });
  }

  async function newPage() {
    const page = await context.newPage();
    watch(page);
    await load(page);
    return page;
  }

  const page = await newPage();

  async function call(method, name, body) {
    const res = await fetch(`${backend.url}/__admin/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `admin ${name} answered ${res.status}`);
    return res.json();
  }

  return {
    backend,
    B: backend.url,
    browser,
    context,
    page,
    newPage,
    /** POST /__admin/<name>, e.g. admin('expire-access'), admin('refresh-faults', { count, kind }). */
    admin: (name, body) => call('POST', name, body),
    counters: () => call('GET', 'counters'),
    /** Runs `fn` (serialised, so it sees only its argument and the page's globals) in the main page. */
    run: (fn, arg) => page.evaluate(fn, arg),

    /** Before each test: backend state, cookies and the page itself start over. */
    async fresh() {
      await call('POST', 'reset');
      await context.clearCookies();
      await load(page);
      problems.length = 0;
    },

    /** After each test: nothing may have gone wrong inside the page. */
    assertNoPageProblems() {
      const found = problems.splice(0);
      assert.deepEqual(found, [], 'the page reported errors');
    },

    async close() {
      await browser.close();
      await backend.close();
    },
  };
}

/** Decodes a JWT's payload (test-side only: to compare jti claims with the backend's counters). */
export function jwtPayload(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * A page on tests/e2e/memory.html (the package alone, its wasm memory exposed) with a DevTools
 * session, and `measure()`: the JS heap in use after three garbage collections, and the byte length
 * of the module's linear memory.
 */
export async function openMemoryPage(h) {
  const page = await h.context.newPage();
  await page.goto(`${h.B}/static/tests/e2e/memory.html`);
  await page.waitForFunction(() => window.fwrLoaded === true, null, { timeout: 15_000 });
  const cdp = await h.context.newCDPSession(page);
  async function measure() {
    for (let i = 0; i < 3; i += 1) await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.wasmMemory.buffer.byteLength);
    return { heap: usedSize, wasm };
  }
  return { page, measure };
}
