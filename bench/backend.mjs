// The reference backend for the bench: started as the end-to-end tests start it
// (tests/e2e/backend.mjs: admin endpoints on, quiet), with the repository root served under
// /static/ (so the page, the bundles in target/bench/build/ and pkg/ are same-origin with the API:
// no CORS preflight in any figure) and long token lifetimes (tokens expire only when the bench says
// so, through /__admin/expire-access).
import { startBackend as startReferenceBackend } from '../tests/e2e/backend.mjs';

/** Resolves with `{ url, admin(name, body?), counters(), close() }` once the backend listens. */
export async function startBackend(root) {
  const backend = await startReferenceBackend({ staticDir: root, accessTtl: 3600, refreshTtl: 86400 });

  async function call(method, name, body) {
    const res = await fetch(`${backend.url}/__admin/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`admin ${name} answered ${res.status}`);
    return res.json();
  }

  return {
    url: backend.url,
    admin: (name, body) => call('POST', name, body),
    counters: () => call('GET', 'counters'),
    close: () => backend.close(),
  };
}
