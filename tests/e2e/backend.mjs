// Starts the reference backend (the Rust binary of www/server, built by `make` as
// target/debug/fwr-backend) as a child process for the end-to-end tests, with the test-only admin
// endpoints on. It serves the five backend flavours under /s000 … /s004 on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The backend binary (CARGO_TARGET_DIR is honoured, as cargo would). */
export const BACKEND_BIN = resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR ?? 'target', 'debug', 'fwr-backend');

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const LISTENING = /^LISTENING (http:\/\/127\.0\.0\.1:(\d+))$/;

// A test process that ends without calling close() must not leave servers behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a backend and resolves once it listens. `secret` (a Buffer or a string) is only for tests
 * that need two backends accepting the same tokens; by default each backend signs with its own
 * random secret. `log` forwards its request log (one line per request, never a token) to stderr.
 * Returns `{ url, port, close() }`; close() sends SIGTERM and waits for a clean exit.
 */
export async function startBackend({ port = 0, staticDir, appDir, accessTtl, refreshTtl, secret, log = false } = {}) {
  if (!existsSync(BACKEND_BIN)) {
    throw new Error(`${BACKEND_BIN} is missing: build it first (make, or cargo build -p fwr-backend)`);
  }
  const args = ['--admin', '--port', String(port)];
  if (staticDir) args.push('--static', staticDir);
  if (appDir) args.push('--app', appDir);
  if (accessTtl !== undefined) args.push('--access-ttl', String(accessTtl));
  if (refreshTtl !== undefined) args.push('--refresh-ttl', String(refreshTtl));
  if (!log) args.push('--quiet');
  // Hermetic: the binary's own defaults apply, not whatever FWR_* the caller's shell has set. The
  // secret goes through the environment rather than argv, where any `ps` would show it.
  const env = { ...process.env };
  for (const name of ['FWR_PORT', 'FWR_ACCESS_TTL', 'FWR_REFRESH_TTL', 'FWR_SECRET']) delete env[name];
  if (secret !== undefined) env.FWR_SECRET = Buffer.isBuffer(secret) ? secret.toString('hex') : String(secret);

  const child = spawn(BACKEND_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  running.add(child);
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  exited.then(() => running.delete(child));

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    if (log) process.stderr.write(chunk);
    else stderr = (stderr + chunk).slice(-4_000); // kept for error messages only
  });

  const url = await new Promise((resolveUrl, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`fwr-backend ${args.join(' ')}: ${why}${stderr ? `\n--- its stderr ---\n${stderr}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no LISTENING line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (e) => fail(`could not start: ${e.message}`));
    exited.then(({ code, signal }) => fail(`exited before listening (${signal ?? `status ${code}`})`));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (settled) return; // nothing else comes after the first line; keep draining
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      const m = LISTENING.exec(stdout.slice(0, newline));
      if (!m) return fail(`unexpected first line ${JSON.stringify(stdout.slice(0, newline))}`);
      settled = true;
      clearTimeout(timer);
      resolveUrl(m[1]);
    });
  });

  async function close() {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer;
    const late = new Promise((done) => (timer = setTimeout(done, STOP_TIMEOUT_MS, null)));
    const result = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (result === null) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`fwr-backend did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
    if (result.code !== 0) {
      throw new Error(`fwr-backend stopped uncleanly (${result.signal ?? `status ${result.code}`})${stderr ? `:\n${stderr}` : ''}`);
    }
  }

  return { url, port: Number(new URL(url).port), close };
}
