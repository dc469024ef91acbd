// Serves GET /static/<path> from a directory, so the browser tests load the built package (pkg/)
// and the test page from the same origin as the API.
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Resolves the reply for `relative` (the URL path after /static/) under `root`. */
export async function serveStatic(root, relative) {
  const notFound = { status: 404, text: 'not found', contentType: 'text/plain; charset=utf-8' };
  let decoded;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return notFound;
  }
  // Refuse any '..' segment outright, then double-check the resolved path stays inside the root.
  if (decoded.includes('\0') || decoded.split(/[\\/]/).includes('..')) {
    return { status: 403, text: 'forbidden', contentType: 'text/plain; charset=utf-8' };
  }
  const base = resolve(root);
  const file = resolve(base, decoded);
  if (!file.startsWith(base + sep)) return { status: 403, text: 'forbidden', contentType: 'text/plain; charset=utf-8' };
  try {
    if (!(await stat(file)).isFile()) return notFound;
    const body = await readFile(file);
    const contentType = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // no-store: the tests must always load the package as it was last built.
    return { status: 200, body, contentType, headers: { 'Cache-Control': 'no-store' } };
  } catch {
    return notFound;
  }
}
