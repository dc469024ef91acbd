// Starts the reference backend (target/debug/fwr-backend, built by `make backend`) for the bench:
// admin endpoints on, the repository root served under /static/ (so the page, the bundles in
// target/bench/build/ and pkg/ are same-origin with the API: no CORS preflight in any figure),
// long token lifetimes (tokens expire only when the bench says so, through /__admin/expire-access).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const START_TIMEOUT_MS = 10_000;

export function backendBinary(root) {
  return resolve(root, process.env.CARGO_TARGET_DIR ?? 'target', 'debug', 'fwr-backend');
}

/** Resolves with `{ url, admin(name, body?), counters(), close() }` once the backend listens. */
export async function startBackend(root) {
  const bin = backendBinary(root);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make backend first`);
  const args = ['--admin', '--port', '0', '--static', root, '--quiet', '--access-ttl', '3600', '--refresh-ttl', '86400'];
  const env = { ...process.env };
  for (const name of ['FWR_PORT', 'FWR_ACCESS_TTL', 'FWR_REFRESH_TTL', 'FWR_SECRET']) delete env[name];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((done) => child.once('exit', done));

  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fwr-backend: no LISTENING line in ${START_TIMEOUT_MS} ms\n${stderr}`)), START_TIMEOUT_MS);
    child.once('error', (e) => reject(e));
    exited.then((code) => reject(new Error(`fwr-backend exited (${code}) before listening\n${stderr}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /^LISTENING (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });

  async function call(method, name, body) {
    const res = await fetch(`${url}/__admin/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`admin ${name} answered ${res.status}`);
    return res.json();
  }

  return {
    url,
    admin: (name, body) => call('POST', name, body),
    counters: () => call('GET', 'counters'),
    async close() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}
