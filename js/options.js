// Validates the options of `new AuthClient(options)` / `configure(options)` and returns them in
// the flat shape the wasm side reads (src/web/options.rs). Every mistake throws a TypeError that
// names the option and what was expected; unknown keys are refused too, so a typo
// (`proactivewindow`) does not silently fall back to a default.
//
// Why this is JavaScript: checking the types of JavaScript values is what JavaScript does in a few
// bytes. The same checks written in Rust over `Reflect` cost 14 KB of the module (measured), about
// a third of the package's size budget. Defaults stay in Rust (src/core/options.rs): an absent
// option is passed on as `null`.

const kindOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function fail(option, expected, value) {
  throw new TypeError(`fetch-with-refresh: option \`${option}\` must be ${expected} (got ${kindOf(value)})`);
}

/** Checks that `value` is a plain object whose keys are all listed in `keys`. */
function section(value, name, keys, expected = 'an object') {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(name || 'options', expected, value);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      const option = name ? `${name}.${key}` : key;
      throw new TypeError(`fetch-with-refresh: unknown option \`${option}\` (expected one of: ${keys.join(', ')})`);
    }
  }
  return value;
}

const HEADER = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const isPath = (s) => s.split('.').every((part) => part !== '');
const EXPECT = {
  header: ['a header name such as \'Authorization\'', (s) => HEADER.test(s)],
  path: ['a dotted path such as \'data.token\'', isPath],
  name: ['a non-empty string', (s) => s !== ''],
  url: ['a URL string such as \'/api\' or \'https://api.example.com\'', () => true],
};

/** A string option passing `kind`'s check, or null when absent. */
function text(object, key, name, [expected, valid]) {
  const value = object[key];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !valid(value)) fail(`${name}${key}`, expected, value);
  return value;
}

/** A scheme: a string, or null for the raw token; undefined when absent. */
function scheme(object, key, name) {
  const value = object[key];
  if (value === undefined || value === null || typeof value === 'string') return value;
  return fail(`${name}${key}`, 'a string such as \'Bearer\', or null for the raw token', value);
}

function number(object, key, name, min, expected) {
  const value = object[key];
  if (value === undefined) return null;
  if (typeof value !== 'number' || !(value >= min) || !Number.isFinite(value)) fail(`${name}${key}`, expected, value);
  return value;
}

function fn(object, key, name) {
  const value = object[key];
  if (value === undefined) return null;
  if (typeof value !== 'function') fail(`${name}${key}`, 'a function', value);
  return value;
}

const MS = 'a number of milliseconds (at least 1)';
const SECONDS = 'a number of seconds (0 or more)';
const STORAGES = ['localStorage', 'sessionStorage', 'cookie', 'memory'];
const TOP = ['baseURL', 'storage', 'storageKeys', 'cookie', 'attach', 'refresh', 'proactiveWindow', 'accessExpired',
  'sessionExpired', 'codeField', 'onSessionExpired', 'allowedOrigins', 'fetch', 'timeout'];

function storage(value) {
  if (value === undefined || STORAGES.includes(value)) return value ?? null;
  if (value && typeof value === 'object' && ['getItem', 'setItem', 'removeItem'].every((m) => typeof value[m] === 'function')) {
    return value;
  }
  return fail('storage', `${STORAGES.map((s) => `'${s}'`).join(', ')} or an object with getItem, setItem and removeItem`, value);
}

function matcher(value, name) {
  if (value === undefined || typeof value === 'function') return value ?? null;
  section(value, name, ['status', 'codes'], 'an object such as { status: [401], codes: [50014] } or a function');
  const list = (key, expected, valid) => {
    const items = value[key] ?? [];
    if (!Array.isArray(items) || !items.every(valid)) fail(`${name}.${key}`, expected, items);
    return items;
  };
  const status = list('status', 'an array of HTTP statuses such as [401]',
    (s) => Number.isInteger(s) && s >= 100 && s <= 599);
  const codes = list('codes', 'an array of codes (numbers or strings) such as [50014]',
    (c) => typeof c === 'string' || Number.isInteger(c));
  // Handed over as text, one item per line: the wasm side splits them.
  return { status: status.join('\n'), codes: codes.join('\n') };
}

function refresh(value, timeout) {
  if (typeof value === 'function') return { fn: value, timeout };
  const expected = 'an object such as { url: \'/auth/refresh\' } or an async function returning new tokens';
  section(value, 'refresh', ['url', 'method', 'send', 'response', 'timeout'], expected);
  const url = text(value, 'url', 'refresh.', EXPECT.url) ?? fail('refresh.url', EXPECT.url[0], undefined);
  const method = text(value, 'method', 'refresh.', ['an HTTP method such as \'POST\'', EXPECT.header[1]]);
  const send = section(value.send ?? {}, 'refresh.send', ['header', 'scheme', 'bodyField', 'query', 'accessTokenField']);
  const response = section(value.response ?? {}, 'refresh.response', ['accessToken', 'refreshToken', 'expiresIn', 'expiresAt']);
  return {
    url,
    method: method?.toUpperCase() ?? null,
    send: {
      header: text(send, 'header', 'refresh.send.', EXPECT.header),
      scheme: scheme(send, 'scheme', 'refresh.send.') ?? null,
      bodyField: text(send, 'bodyField', 'refresh.send.', EXPECT.name),
      query: text(send, 'query', 'refresh.send.', EXPECT.name),
      accessTokenField: text(send, 'accessTokenField', 'refresh.send.', EXPECT.name),
    },
    response: {
      accessToken: text(response, 'accessToken', 'refresh.response.', EXPECT.path),
      refreshToken: text(response, 'refreshToken', 'refresh.response.', EXPECT.path),
      expiresIn: text(response, 'expiresIn', 'refresh.response.', EXPECT.path),
      expiresAt: text(response, 'expiresAt', 'refresh.response.', EXPECT.path),
    },
    timeout: number(value, 'timeout', 'refresh.', 1, MS) ?? timeout,
  };
}

/** The cookie attributes: `Path=/`, `SameSite=Lax` and, on https pages, `Secure` by default. */
function cookieAttributes(cookie) {
  const path = text(cookie, 'path', 'cookie.', ['a path starting with \'/\'', (p) => p.startsWith('/') && !p.includes(';')]);
  const domain = text(cookie, 'domain', 'cookie.', ['a domain name', (d) => d !== '' && !/[; ]/.test(d)]);
  const sameSite = text(cookie, 'sameSite', 'cookie.', ['\'Strict\', \'Lax\' or \'None\'', (s) => ['Strict', 'Lax', 'None'].includes(s)]);
  const maxAge = number(cookie, 'maxAge', 'cookie.', 0, SECONDS);
  if (cookie.secure !== undefined && typeof cookie.secure !== 'boolean') fail('cookie.secure', 'true or false', cookie.secure);
  const secure = cookie.secure || sameSite === 'None' || globalThis.location?.protocol === 'https:';
  return `; Path=${path ?? '/'}${domain ? `; Domain=${domain}` : ''}; SameSite=${sameSite ?? 'Lax'}${secure ? '; Secure' : ''}${maxAge === null ? '' : `; Max-Age=${Math.floor(maxAge)}`}`;
}

/** The origin of `url` resolved against the page, or null when it has none. */
function originOf(url) {
  try {
    const { origin } = new URL(url, globalThis.location?.href);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** `allowedOrigins` normalised; by default the page's origin and `baseURL`'s. */
function allowedOrigins(origins, baseURL) {
  const expected = 'an array of origins such as [\'https://api.example.com\']';
  if (origins === undefined) {
    const defaults = [globalThis.location?.href, baseURL].map((url) => url && originOf(url)).filter(Boolean);
    return [...new Set(defaults)];
  }
  if (!Array.isArray(origins)) fail('allowedOrigins', expected, origins);
  return origins.map((origin) => (typeof origin === 'string' && originOf(origin)) || fail('allowedOrigins', expected, origin));
}

/**
 * Validates `options`; returns them in the same shape, each value checked and `null` where absent,
 * with the cookie attributes and the allowed origins worked out (read by src/web/options.rs).
 */
export function normalize(options) {
  section(options, '', TOP);
  const keys = section(options.storageKeys ?? {}, 'storageKeys', ['accessToken', 'refreshToken', 'expiresAt']);
  const cookie = section(options.cookie ?? {}, 'cookie', ['path', 'domain', 'sameSite', 'secure', 'maxAge']);
  const attach = section(options.attach ?? {}, 'attach', ['header', 'scheme', 'query']);
  const query = text(attach, 'query', 'attach.', EXPECT.name);
  if (query !== null && (attach.header !== undefined || attach.scheme !== undefined)) {
    throw new TypeError('fetch-with-refresh: options `attach.query` and `attach.header`/`attach.scheme` exclude each other');
  }
  const baseURL = text(options, 'baseURL', '', EXPECT.url);
  return {
    baseURL,
    storage: storage(options.storage),
    storageKeys: {
      accessToken: text(keys, 'accessToken', 'storageKeys.', EXPECT.name),
      refreshToken: text(keys, 'refreshToken', 'storageKeys.', EXPECT.name),
      expiresAt: text(keys, 'expiresAt', 'storageKeys.', EXPECT.name),
    },
    cookie: cookieAttributes(cookie),
    // scheme: undefined for the default scheme, null for the raw token.
    attach: { header: text(attach, 'header', 'attach.', EXPECT.header), scheme: scheme(attach, 'scheme', 'attach.'), query },
    refresh: refresh(options.refresh, number(options, 'timeout', '', 1, MS)),
    proactiveWindow: number(options, 'proactiveWindow', '', 0, SECONDS),
    accessExpired: matcher(options.accessExpired, 'accessExpired'),
    sessionExpired: matcher(options.sessionExpired, 'sessionExpired'),
    codeField: text(options, 'codeField', '', EXPECT.path),
    onSessionExpired: fn(options, 'onSessionExpired', ''),
    allowedOrigins: allowedOrigins(options.allowedOrigins, baseURL),
    fetch: fn(options, 'fetch', ''),
  };
}
