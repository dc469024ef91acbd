// The package as users get it: `npm pack` of pkg/, installed from the tarball into a clean folder
// (no network: it has no dependencies, and this non-Vue app installs it without peers), imported by
// name from Node, and one refresh run end to end against the reference backend, then the
// module-level axios-shaped calls (`get`, `post`: data, status, a 404's RequestError). The Vue entry,
// with its peer `vue`, is installed into a Vite app by vue.test.mjs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBackend } from '../e2e/backend.mjs';

const run = promisify(execFile);
const PKG_DIR = fileURLToPath(new URL('../../pkg/', import.meta.url));
const SMOKE = fileURLToPath(new URL('./smoke.mjs', import.meta.url));
const NPM_TIMEOUT = { timeout: 120_000 };

let work;
let backend;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fwr-pack-'));
  backend = await startBackend({ accessTtl: 3600, refreshTtl: 86400 });
});
after(async () => {
  await backend?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the packed tarball installs offline and refreshes end to end in Node', { timeout: 180_000 }, async (t) => {
  assert.ok(existsSync(join(PKG_DIR, 'package.json')), `${PKG_DIR} is missing: build the package first (make package)`);

  const { stdout: packed } = await run('npm', ['pack', PKG_DIR, '--pack-destination', work, '--json'], NPM_TIMEOUT);
  const [info] = JSON.parse(packed);
  assert.equal(info.name, 'fetch-with-refresh');
  const files = info.files.map((f) => f.path);
  t.diagnostic(`${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked; ${files.join(', ')}`);
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'the tarball has the .wasm module');
  assert.ok(files.includes('index.js'), 'the tarball has index.js');
  assert.ok(files.includes('vue.js') && files.includes('vue.d.ts'), 'the tarball has the Vue entry');

  const app = join(work, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'pack-smoke', private: true, type: 'module' }));
  // `vue` is an optional peer dependency (for the ./vue entry only): npm installs nothing more for
  // an app that does not use Vue, so this install stays offline.
  const install = ['install', join(work, info.filename), '--no-audit', '--no-fund', '--offline'];
  await run('npm', install, { cwd: app, ...NPM_TIMEOUT });
  await copyFile(SMOKE, join(app, 'smoke.mjs'));

  const { stdout } = await run(process.execPath, ['smoke.mjs', backend.url], { cwd: app, timeout: 30_000 });
  const report = JSON.parse(stdout.trim().split('\n').pop());
  assert.deepEqual(report.exports, { ready: true, configure: 'function', fetchWithRefresh: 'function', AuthClient: 'function' });
  assert.deepEqual(
    report.calls,
    Object.fromEntries(
      ['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch', 'isRequestError', 'RequestError'].map((name) => [name, 'function']),
    ),
  );
  assert.equal(report.error, undefined, JSON.stringify(report.error));
  assert.equal(report.beforeConfigure.rejected?.name, 'TypeError', 'a call before configure()');
  assert.equal(report.configureReturnsClient, true, 'configure() returns an AuthClient');
  assert.equal(report.status, 200);
  assert.equal(report.body.code, 0);
  assert.equal(report.body.data.user, 'node');
  assert.deepEqual(report.events, ['refresh-start', 'refresh-success']);

  const counters = await (await fetch(`${backend.url}/__admin/counters`)).json();
  assert.equal(counters.refreshCalls, 1);
  const newJti = JSON.parse(Buffer.from(report.tokens.accessToken.split('.')[1], 'base64url')).jti;
  assert.equal(report.body.data.tokenJti, newJti, 'the replay used the refreshed token');

  // The axios-shaped calls over the default client: data parsed, status, the config's method.
  assert.deepEqual(report.get, { status: 200, statusText: 'OK', method: 'get', data: { code: 0, data: { user: 'node', tokenJti: newJti } } });
  assert.equal(report.post.status, 200);
  assert.equal(report.post.data.data.body, '{"from":"node"}');
  assert.equal(report.post.data.data.contentType, 'application/json');
  assert.deepEqual(report.missing, { rejected: { name: 'RequestError', code: 'ERR_BAD_REQUEST', status: 404, isRequestError: true } });
  assert.equal((await (await fetch(`${backend.url}/__admin/counters`)).json()).refreshCalls, 1, 'the calls needed no refresh');
});
