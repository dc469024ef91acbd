// Minimal HS256 JSON Web Tokens over node:crypto. The test backend issues real, signed tokens so the
// library is exercised with the same shapes a production backend sends (three base64url parts, an
// `exp` claim it may decode for scheduling).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Returns `{ sign(payload) → token, verify(token) → payload | null }` bound to one secret. */
export function createJwt(secret = randomBytes(32)) {
  const mac = (input) => createHmac('sha256', secret).update(input).digest();

  function sign(payload) {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${HEADER}.${body}.${mac(`${HEADER}.${body}`).toString('base64url')}`;
  }

  // Checks the structure and the signature only; expiry is policy and belongs to the caller.
  function verify(token) {
    if (typeof token !== 'string') return null;
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, body, signature] = parts;
    let given;
    try {
      given = Buffer.from(signature, 'base64url');
    } catch {
      return null;
    }
    const expected = mac(`${header}.${body}`);
    // timingSafeEqual throws on a length mismatch, so compare lengths first.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
      if (head.alg !== 'HS256') return null;
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return payload && typeof payload === 'object' ? payload : null;
    } catch {
      return null;
    }
  }

  return { sign, verify };
}
