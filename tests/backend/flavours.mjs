// The five backend conventions of DESIGN.md (seeds 000–004): where each reads the access token, how
// it says "access expired" and "session expired", and what its login and refresh endpoints take and
// answer. Everything else (routing, CORS, faults, counters) is shared and lives elsewhere.
//
// A handler gets `ctx` ({ authority, counters }) and the parsed request ({ params, headers, query,
// json }) and returns a reply: { status, json } or { status, text, contentType }.

const DEFAULT_USER = 'u';
const userOf = (json) => (json && typeof json.user === 'string' && json.user) || DEFAULT_USER;

/** Redeems a refresh token; a reuse detection is counted here so every flavour counts it alike. */
function redeem(ctx, token, options) {
  const r = ctx.authority.redeem(token, options);
  if (r.error === 'reused') ctx.counters.reuseDetections += 1;
  return r;
}

const bearer = (value) => /^Bearer (\S+)$/.exec(value ?? '')?.[1] ?? null;

// Seeds 000, 002 and 004 wrap answers as { code: 0, data }.
const codeEnvelope = (data) => ({ code: 0, data });
const loginAnswer = (tokens) => codeEnvelope({ token: tokens.accessToken, refreshToken: tokens.refreshToken });

const s000 = {
  prefix: '/s000',
  envelope: codeEnvelope,
  readToken: ({ headers }) => headers['x-token'] ?? null,
  accessExpired: { status: 200, json: { code: 50014, msg: 'access token expired' } },
  login: (ctx, { json }) => ({ status: 200, json: loginAnswer(ctx.authority.issuePair(userOf(json))) }),
  refresh: {
    method: 'POST',
    path: '/refreshJwt/:refreshToken',
    handle(ctx, { params }) {
      const r = redeem(ctx, params.refreshToken, { rotate: true });
      if (r.error) return { status: 200, json: { code: 10007, msg: 'refresh token expired, log in again' } };
      return { status: 200, json: loginAnswer(r.tokens) };
    },
  },
};

// Seed 001 is an OAuth-style backend: plain token responses, HTTP 401 for everything that fails.
const oauthAnswer = (ctx, tokens) => ({
  access_token: tokens.accessToken,
  refresh_token: tokens.refreshToken,
  token_type: 'Bearer',
  expires_in: ctx.authority.accessTtl,
});

const s001 = {
  prefix: '/s001',
  envelope: codeEnvelope,
  readToken: ({ headers }) => bearer(headers.authorization),
  accessExpired: { status: 401, json: { code: 401, error: 'token_expired' } },
  login: (ctx, { json }) => ({ status: 200, json: oauthAnswer(ctx, ctx.authority.issuePair(userOf(json))) }),
  refresh: {
    method: 'POST',
    path: '/api/v1/refresh_token',
    handle(ctx, { json }) {
      const r = redeem(ctx, json?.refresh_token, { rotate: true });
      if (r.error) return { status: 401, json: { error: 'invalid_grant', error_description: 'refresh token refused' } };
      return { status: 200, json: oauthAnswer(ctx, r.tokens) };
    },
  },
};

const s002 = {
  prefix: '/s002',
  envelope: codeEnvelope,
  readToken: ({ headers }) => headers['x-token'] ?? null,
  accessExpired: { status: 401, json: { code: 50014, msg: 'access token expired' } },
  login: s000.login,
  refresh: {
    method: 'POST',
    path: '/sys/user/refreshtoken',
    // The seed's request interceptor swaps the X-Token header for the refresh token on this call.
    handle(ctx, { headers }) {
      const r = redeem(ctx, headers['x-token'], { rotate: true });
      if (r.error) return { status: 401, json: { code: 50015, msg: 'refresh token expired, log in again' } };
      return { status: 200, json: loginAnswer(r.tokens) };
    },
  },
};

// Seed 003 (WeChat-style errcodes) has no refresh token at all: the app "refreshes" by logging in
// again. The server keeps the session's refresh token to itself, keyed by user, so expire-refresh
// (and a reset, which expires everything) also end the re-login ability until the next real login.
const errcodeEnvelope = (data) => ({ errcode: 0, data });

const createS003 = (sessions = new Map()) => ({
  prefix: '/s003',
  envelope: errcodeEnvelope,
  readToken: ({ query }) => query.get('token'),
  accessExpired: { status: 200, json: { errcode: 42001, errmsg: 'access_token expired' } },
  login(ctx, { json }) {
    const user = userOf(json);
    const tokens = ctx.authority.issuePair(user);
    sessions.set(user, tokens.refreshToken);
    return { status: 200, json: { errcode: 0, Token: tokens.accessToken, AppKey: `appkey-${user}` } };
  },
  refresh: {
    method: 'POST',
    path: '/relogin',
    handle(ctx, { json }) {
      const user = userOf(json);
      const r = redeem(ctx, sessions.get(user), { rotate: false });
      if (r.error) return { status: 200, json: { errcode: 40003, errmsg: 'relogin refused, log in again' } };
      return { status: 200, json: { errcode: 0, Token: r.tokens.accessToken, AppKey: `appkey-${user}` } };
    },
  },
});

const s004 = {
  prefix: '/s004',
  envelope: codeEnvelope,
  readToken: ({ headers }) => headers.authorization ?? null,
  accessExpired: { status: 200, json: { code: 409, msg: 'token expired' } },
  login: s000.login,
  refresh: {
    method: 'POST',
    path: '/refreshToken',
    // The seed sends both tokens; the old access token must be ours (signature) and belong to the
    // same user, though it is of course expired. No rotation: the answer has no refresh token.
    handle(ctx, { json }) {
      const refused = { status: 401, json: { code: 401, msg: 'refresh refused' } };
      const old = ctx.authority.decode(json?.token, 'access');
      if (old.error) return refused;
      const r = redeem(ctx, json?.refreshToken, { rotate: false });
      if (r.error || r.payload.sub !== old.payload.sub) return refused;
      return { status: 200, json: codeEnvelope({ token: r.tokens.accessToken }) };
    },
  },
};

/** Fresh flavour definitions for one backend instance (003 keeps per-backend session state). */
export const createFlavours = () => [s000, s001, s002, createS003(), s004];
