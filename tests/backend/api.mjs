// The API routes of every flavour: login, refresh (through the fault plan) and the protected routes
// (me, echo, text), whose token checks follow the flavour's conventions.

const PROTECTED = [
  {
    methods: ['GET'],
    path: '/api/me',
    answer: (flavour, token) => ({ status: 200, json: flavour.envelope({ user: token.sub, tokenJti: token.jti }) }),
  },
  {
    // Echoes the exact request bytes so tests can check that a replay sent the same body.
    methods: ['POST', 'PUT', 'PATCH'],
    path: '/api/echo',
    answer: (flavour, token, req) => ({
      status: 200,
      json: flavour.envelope({
        body: req.bytes.toString('utf8'),
        bodyBase64: req.bytes.toString('base64'),
        contentType: req.headers['content-type'] ?? null,
        method: req.method,
        tokenJti: token.jti,
      }),
    }),
  },
  {
    // A non-JSON answer: the library must hand it through untouched.
    methods: ['GET'],
    path: '/api/text',
    answer: () => ({ status: 200, text: 'hello', contentType: 'text/plain; charset=utf-8' }),
  },
];

/** Compiles '/s000/refreshJwt/:refreshToken' into a matcher returning the params or null. */
function compile(pattern) {
  const names = [];
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  const re = new RegExp(`^${source}$`);
  return (pathname) => {
    const m = re.exec(pathname);
    if (!m) return null;
    try {
      return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    } catch {
      return null; // a malformed %-escape is simply not a match
    }
  };
}

export function createApi(ctx, flavours) {
  const routes = [];
  const add = (methods, pattern, handle) => routes.push({ methods, pattern, match: compile(pattern), handle });

  for (const f of flavours) {
    add(['POST'], `${f.prefix}/login`, (req) => f.login(ctx, req));
    add([f.refresh.method], f.prefix + f.refresh.path, (req, res) => {
      ctx.counters.refreshCalls += 1;
      return ctx.faults.apply(res, () => f.refresh.handle(ctx, req));
    });
    for (const p of PROTECTED) add(p.methods, f.prefix + p.path, (req) => guarded(f, p, req));
  }

  // Every protected request goes through the flavour's token location and expiry signal.
  function guarded(flavour, route, req) {
    const token = flavour.readToken(req);
    if (!token) return { status: 401, json: { code: 401, error: 'missing_token' } };
    const check = ctx.authority.checkAccess(token);
    if (check.payload) ctx.counters.tokensSeen.push(check.payload.jti);
    if (check.error === 'invalid') return { status: 401, json: { code: 401, error: 'invalid_token' } };
    if (check.error === 'expired') return flavour.accessExpired;
    return route.answer(flavour, check.payload, req);
  }

  /** `{ key, params, handle }` for a request, or null; `key` names the route (never a token). */
  function match(method, pathname) {
    for (const r of routes) {
      const params = r.methods.includes(method) ? r.match(pathname) : null;
      if (params) return { key: `${method} ${r.pattern}`, params, handle: r.handle };
    }
    return null;
  }

  return { match };
}
