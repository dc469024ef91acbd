// The reference backend for the end-to-end tests: one HTTP server on 127.0.0.1 serving the five
// backend flavours of DESIGN.md under /s000 … /s004, test-only admin endpoints under /__admin/, and
// (optionally) static files under /static/. Node built-ins only.
//
//   node tests/backend/server.mjs --port 0 [--static DIR] [--access-ttl S] [--refresh-ttl S]
//
// prints `LISTENING http://127.0.0.1:PORT` as its first stdout line, then one stderr line per request.
import { createServer } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAuthority } from './tokens.mjs';
import { createFaults } from './faults.mjs';
import { createFlavours } from './flavours.mjs';
import { createApi } from './api.mjs';
import { handleAdmin } from './admin.mjs';
import { serveStatic } from './static.mjs';
import { HELD_OPEN, parseJson, readBody, redactPath, send, setCors } from './http.mjs';

const HOST = '127.0.0.1';

function createState({ secret, accessTtl, refreshTtl }) {
  const authority = createAuthority({ secret, accessTtl, refreshTtl });
  const faults = createFaults();
  // `requests` counts API routes only (not preflights, admin or static); `tokensSeen` lists the jti
  // of every correctly signed access token a protected route received, expired or not.
  const counters = { requests: {}, refreshCalls: 0, reuseDetections: 0, tokensSeen: [] };
  return {
    authority,
    faults,
    counters,
    snapshot: () => structuredClone(counters),
    reset() {
      authority.reset();
      faults.reset();
      Object.assign(counters, { requests: {}, refreshCalls: 0, reuseDetections: 0, tokensSeen: [] });
    },
  };
}

/**
 * Starts a backend. `secret` (a Buffer) is only for tests that need two backends accepting the same
 * tokens; by default each backend signs with its own random secret. `log` writes one line per
 * request to stderr (method, route, status; never a token).
 */
export async function startBackend({
  port = 0,
  staticDir = null,
  accessTtl = 60,
  refreshTtl = 600,
  secret = undefined,
  log = false,
} = {}) {
  const state = createState({ secret, accessTtl, refreshTtl });
  const api = createApi(state, createFlavours());

  async function route(req, res, url, setLabel) {
    if (req.method === 'OPTIONS') return { status: 204 };
    if (url.pathname.startsWith('/__admin/')) {
      const json = parseJson(await readBody(req));
      return handleAdmin(state, req.method, url.pathname.slice('/__admin/'.length), json);
    }
    if (staticDir && url.pathname.startsWith('/static/') && (req.method === 'GET' || req.method === 'HEAD')) {
      return serveStatic(staticDir, url.pathname.slice('/static/'.length));
    }
    const m = api.match(req.method, url.pathname);
    if (!m) return null;
    setLabel(m.key);
    state.counters.requests[m.key] = (state.counters.requests[m.key] ?? 0) + 1;
    const bytes = await readBody(req);
    const request = { method: req.method, headers: req.headers, query: url.searchParams, params: m.params, bytes, json: parseJson(bytes) };
    return m.handle(request, res);
  }

  const server = createServer(async (req, res) => {
    setCors(req, res);
    const url = new URL(req.url, `http://${HOST}`);
    // The log names the matched route pattern, or the redacted path; the query (flavour 003 puts the
    // token there) is never logged.
    let label = `${req.method} ${redactPath(url.pathname)}`;
    if (log) {
      res.on('close', () => {
        process.stderr.write(`${label} ${res.writableFinished ? res.statusCode : '(no answer)'}\n`);
      });
    }
    try {
      const reply = await route(req, res, url, (key) => (label = key));
      if (reply === HELD_OPEN) return;
      send(res, reply ?? { status: 404, json: { code: 404, error: 'not_found' } });
    } catch (e) {
      const status = e.status ?? 500;
      send(res, { status, json: { code: status, error: status === 413 ? 'body_too_large' : 'internal_error' } });
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  const actualPort = server.address().port;

  async function close() {
    state.faults.reset(); // ends held-open responses
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  return { url: `http://${HOST}:${actualPort}`, port: actualPort, close, state };
}

function parseArgs(argv) {
  const options = { log: true };
  const flags = {
    '--port': (v) => (options.port = Number(v)),
    '--static': (v) => (options.staticDir = v),
    '--access-ttl': (v) => (options.accessTtl = Number(v)),
    '--refresh-ttl': (v) => (options.refreshTtl = Number(v)),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const set = flags[argv[i]];
    if (!set || argv[i + 1] === undefined) throw new Error(`usage: server.mjs ${Object.keys(flags).map((f) => `[${f} V]`).join(' ')}`);
    set(argv[i + 1]);
  }
  return options;
}

async function main() {
  const backend = await startBackend(parseArgs(process.argv.slice(2)));
  const stop = () => backend.close().then(() => process.exit(0));
  // Handlers first: whoever reads the LISTENING line may signal us immediately.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`LISTENING ${backend.url}\n`);
}

const runDirectly = process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (runDirectly) {
  main().catch((e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
