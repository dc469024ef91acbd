// Small HTTP helpers shared by the backend's handlers: CORS, body reading, replies, safe log paths.

const MAX_BODY = 1 << 20;

/** A handler's answer meaning "send nothing, keep the response open" (an injected hang). */
export const HELD_OPEN = Symbol('held open');

/**
 * CORS on every response: the browser tests call this backend from pages on other 127.0.0.1 ports.
 * Allowed headers echo the preflight's list because the `*` wildcard never covers Authorization.
 */
export function setCors(req, res) {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) {
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin, Access-Control-Request-Headers');
  }
  res.setHeader('Access-Control-Allow-Methods', 'GET,POST,PUT,PATCH,DELETE,OPTIONS');
  const requested = req.headers['access-control-request-headers'];
  if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
  res.setHeader('Access-Control-Expose-Headers', '*');
  res.setHeader('Access-Control-Max-Age', '600');
}

/**
 * Reads the whole request body as a Buffer. Bounded: past MAX_BODY the rest is read and dropped
 * (so the 413 answer can still be delivered) and the promise rejects with `status: 413`.
 */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) reject(Object.assign(new Error('request body too large'), { status: 413 }));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Parses a body as JSON whatever its content type; null when it is not JSON. */
export function parseJson(bytes) {
  if (bytes.length === 0) return null;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}

/** Sends a reply `{ status, json }`, `{ status, text, contentType }` or `{ status, body, contentType }`. */
export function send(res, reply) {
  if (res.destroyed || res.writableEnded) return;
  const { status, headers = {} } = reply;
  let body = reply.body ?? Buffer.alloc(0);
  let contentType = reply.contentType;
  if ('json' in reply) {
    body = Buffer.from(JSON.stringify(reply.json));
    contentType = 'application/json; charset=utf-8';
  } else if ('text' in reply) {
    body = Buffer.from(reply.text);
  }
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// Anything shaped like a JWT (three base64url parts) is replaced before a path reaches a log line:
// flavour 000 carries the refresh token in the path, and a buggy client could put one anywhere.
const JWT_LIKE = /[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g;
export const redactPath = (pathname) => pathname.replace(JWT_LIKE, '<token>');
