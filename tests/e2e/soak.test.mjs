// A day of real use, compressed: 100,000 requests through one client in Chromium, 100 at a time,
// against a transport that plays the backend and expires the token after every 1,000 answers. Every
// promise settles, exactly 100 refresh calls are made, and after a garbage collection the JS heap and
// the module's linear memory are where they were after the warm-up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openHarness, openMemoryPage } from './harness.mjs';

const TOTAL = 100_000;
const WARM_UP = 10_000;
const EVERY = 1_000;
// As in memory.test.mjs: far below one retained object per request.
const HEAP_SLACK = 10 * (TOTAL - WARM_UP);

let h;
let page;
let measure;
before(async () => {
  h = await openHarness();
  ({ page, measure } = await openMemoryPage(h));
});
after(async () => h?.close());

/** Runs requests until `upTo` have settled in all, 100 at a time: what settled and how. */
function runUpTo(upTo, every) {
  return page.evaluate(
    async ([upTo, every]) => {
      if (!window.soak) {
        const json = (status, body) =>
          new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
        // The backend: the current token is valid until `every` answers were served with it; the
        // client starts with one it refuses.
        const s = { current: 'T0', refreshes: 0, served: 0, settled: 0, ok: 0, failed: 0 };
        const transport = async (input, init) => {
          const request = new Request(input, init);
          if (request.url.endsWith('/auth/refresh')) {
            s.refreshes += 1;
            s.current = `T${s.refreshes}`;
            return json(200, { access_token: s.current, refresh_token: `R${s.refreshes}`, expires_in: 3600 });
          }
          if (request.headers.get('authorization') !== `Bearer ${s.current}`) return json(401, { code: 401 });
          s.served += 1;
          if (s.served % every === 0) s.current = 'expired';
          return json(200, { code: 0 });
        };
        const client = new window.fwr.AuthClient({
          storage: 'memory',
          refresh: { url: 'https://api.soak/auth/refresh' },
          allowedOrigins: ['https://api.soak'],
          fetch: transport,
          // 100 refreshes in a few seconds is what this test does on purpose.
          renewLimit: { count: 1000, per: 1 },
        });
        client.setTokens({ accessToken: 'none', refreshToken: 'R0' });
        window.soak = { s, client };
      }
      const { s, client } = window.soak;
      while (s.settled < upTo) {
        const batch = [];
        for (let i = 0; i < 100; i += 1) {
          batch.push(
            client.fetch('https://api.soak/api/item').then(
              (r) => (r.status === 200 ? (s.ok += 1) : (s.failed += 1)),
              () => (s.failed += 1),
            ).finally(() => (s.settled += 1)),
          );
        }
        await Promise.all(batch);
      }
      return { ...s };
    },
    [upTo, every],
  );
}

test(`${TOTAL.toLocaleString('en')} requests with a refresh every ${EVERY.toLocaleString('en')}: all settle, ${TOTAL / EVERY} refresh calls, memory flat`, { timeout: 600_000 }, async (t) => {
  const started = Date.now();
  const warm = await runUpTo(WARM_UP, EVERY);
  assert.equal(warm.failed, 0);
  const start = await measure();
  const end = await runUpTo(TOTAL, EVERY);
  const after = await measure();
  const seconds = (Date.now() - started) / 1000;
  const perRequest = (after.heap - start.heap) / (TOTAL - WARM_UP);
  t.diagnostic(
    `${end.settled} settled (${end.ok} ok, ${end.failed} failed) in ${seconds.toFixed(1)} s; ${end.refreshes} refresh calls; ` +
      `heap ${start.heap} -> ${after.heap} (${perRequest.toFixed(2)} B/request), wasm ${start.wasm} -> ${after.wasm}`,
  );
  assert.equal(end.settled, TOTAL, 'every promise settled');
  assert.equal(end.ok, TOTAL, 'every request succeeded');
  assert.equal(end.refreshes, TOTAL / EVERY, 'one refresh per expiry');
  assert.ok(after.heap - start.heap < HEAP_SLACK, `the JS heap grew by ${after.heap - start.heap} bytes`);
  assert.equal(after.wasm, start.wasm, 'the wasm memory grew');
});
