// The token authority: issues access/refresh pairs, checks access tokens, redeems refresh tokens with
// rotation and reuse detection (RFC 9700 §4.14.2), and lets the admin endpoints expire everything
// issued so far. It knows nothing about HTTP or about any backend flavour.
import { randomUUID } from 'node:crypto';
import { createJwt } from './jwt.mjs';

export function createAuthority({ secret, accessTtl, refreshTtl }) {
  const jwt = createJwt(secret);
  const s = {
    // Admin expiry works on jti sets, not on timestamps: `iat` has one-second resolution, so a
    // cut-off time could also expire a token issued in the same second just *after* the call.
    access: new Set(), // jti of every access token issued since the last expire-access
    refresh: new Set(), // likewise for refresh tokens
    expired: new Set(), // jti expired by the admin endpoints (both kinds)
    used: new Set(), // refresh jti already redeemed (rotating flavours only)
    revokedFamilies: new Set(), // families killed by a reuse detection
  };

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function mint(typ, sub, ttl, extra = {}) {
    const iat = nowSeconds();
    const jti = randomUUID();
    (typ === 'access' ? s.access : s.refresh).add(jti);
    return jwt.sign({ sub, iat, exp: iat + ttl, jti, typ, ...extra });
  }

  const issueAccess = (sub) => mint('access', sub, accessTtl);

  // A login starts a new family; every refresh token rotated from it stays in that family, so a
  // reuse detection can revoke all of them at once.
  function issuePair(sub, family = randomUUID()) {
    return { accessToken: issueAccess(sub), refreshToken: mint('refresh', sub, refreshTtl, { fam: family }) };
  }

  const isExpired = (p) => s.expired.has(p.jti) || p.exp <= nowSeconds();

  /** Decodes a token of the given type: `{ payload }` or `{ error: 'invalid' }`; expiry not checked. */
  function decode(token, typ) {
    const payload = jwt.verify(token);
    return payload && payload.typ === typ && typeof payload.jti === 'string' ? { payload } : { error: 'invalid' };
  }

  /** `{ payload }` for a valid access token, `{ error: 'invalid' | 'expired', payload? }` otherwise. */
  function checkAccess(token) {
    const r = decode(token, 'access');
    if (r.error) return r;
    return isExpired(r.payload) ? { error: 'expired', payload: r.payload } : r;
  }

  /**
   * Redeems a refresh token. `rotate` marks it used and issues a new pair in the same family;
   * without rotation (flavour 004) only a new access token is issued and the refresh token stays
   * valid. Errors: 'invalid' | 'expired' | 'revoked' | 'reused' (the last revokes the family).
   */
  function redeem(token, { rotate }) {
    const r = decode(token, 'refresh');
    if (r.error) return r;
    const p = r.payload;
    if (s.revokedFamilies.has(p.fam)) return { error: 'revoked', payload: p };
    if (s.used.has(p.jti)) {
      s.revokedFamilies.add(p.fam);
      return { error: 'reused', payload: p };
    }
    if (isExpired(p)) return { error: 'expired', payload: p };
    if (!rotate) return { payload: p, tokens: { accessToken: issueAccess(p.sub) } };
    s.used.add(p.jti);
    return { payload: p, tokens: issuePair(p.sub, p.fam) };
  }

  function expireAll(set) {
    for (const jti of set) s.expired.add(jti);
    set.clear();
  }

  return {
    accessTtl,
    refreshTtl,
    issuePair,
    issueAccess,
    decode,
    checkAccess,
    redeem,
    expireAccess: () => expireAll(s.access),
    expireRefresh: () => expireAll(s.refresh),
    // Tokens from before a reset must not leak into the next test: they all become expired.
    reset: () => {
      expireAll(s.access);
      expireAll(s.refresh);
    },
  };
}
