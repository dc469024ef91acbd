// The browser side of the fetch path, called from src/web/fetch.rs: the parts that only move
// JavaScript objects around (resolving a URL, making a request replayable, reading a body once
// and handing back an equal Response). Every decision (which requests are ours, where the token
// goes, which answers are read, what they mean) is made in Rust; these functions decide nothing.

/**
 * The absolute URL of a `fetch` input: `joined` (a string input with the baseURL applied) or the
 * input's own URL, resolved against the page. Throws a TypeError for a URL that does not parse.
 */
export const hrefOf = (input, joined) =>
  new URL(joined ?? (input instanceof Request ? input.url : String(input?.href ?? input)), globalThis.location?.href).href;

// The members of a `RequestInit` that `fetch` reads, copied from the caller's init once.
const INIT_FIELDS = ['method', 'headers', 'body', 'mode', 'credentials', 'cache', 'redirect', 'referrer',
  'referrerPolicy', 'integrity', 'keepalive', 'signal', 'priority', 'window'];
// The members of a `Request` copied into each attempt of a request made from one.
const COPIED = ['mode', 'credentials', 'cache', 'redirect', 'referrer', 'referrerPolicy', 'integrity', 'keepalive'];
// The methods `fetch` upper-cases (the Fetch standard's normalization); any other stays as given.
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/**
 * A caller's request made replayable. A string or URL input whose body is absent or a string
 * goes out with the caller's init (copied once), which sends the same bytes again; any other
 * input is copied into a `Request` whose body is read once (unless it is a stream), `ready` being
 * that read. Throws what `new Request` throws for a bad input or init.
 */
export function prepare(input, init, href) {
  if (!(input instanceof Request)) {
    const body = init?.body;
    if (body == null || typeof body === 'string') return new Given(init);
  }
  const request = input instanceof Request && init === undefined ? input : new Request(input instanceof Request ? input : href, init);
  return new Copied(request, init?.body instanceof ReadableStream);
}

/** `(fetch ?? the global fetch)(url, init())` as a promise, whatever `init` or `fetch` throws. */
const sendLater = (fetch, url, init) => Promise.resolve().then(() => (fetch ?? globalThis.fetch)(url, init()));

/** A request given as a URL and an init whose body can be sent again as it is. */
class Given {
  constructor(given) {
    const init = {};
    if (given != null) {
      for (const key of INIT_FIELDS) {
        const value = given[key];
        if (value !== undefined) init[key] = value;
      }
    }
    const method = typeof init.method === 'string' ? init.method : 'GET';
    this.method = NORMALIZED.includes(method.toUpperCase()) ? method.toUpperCase() : method;
    // The one check of `new Request` that a `fetch` option (a stub, a wrapper) might not make.
    if (init.body != null && (this.method === 'GET' || this.method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    // Anything else is refused by `fetch` itself, at the first attempt.
    this.signal = init.signal instanceof AbortSignal ? init.signal : null;
    this.init = init;
    this.stream = false;
  }

  /** One attempt through `fetch`, with `header` set to `value` when given. */
  send(fetch, url, header, value) {
    return sendLater(fetch, url, () => {
      if (header === undefined) return this.init;
      const headers = new Headers(this.init.headers);
      headers.set(header, value);
      return { ...this.init, headers };
    });
  }
}

/** A request copied into a `Request`, its body read once into `bytes` unless it is a stream. */
class Copied {
  constructor(request, stream) {
    Object.assign(this, { request, stream, bytes: null, method: request.method, signal: request.signal });
    if (request.body && !stream) this.ready = request.arrayBuffer().then((bytes) => (this.bytes = new Uint8Array(bytes)));
  }

  /** One attempt through `fetch`, with `header` set to `value` when given. */
  send(fetch, url, header, value) {
    return sendLater(fetch, url, () => {
      const { request } = this;
      const headers = new Headers(request.headers);
      if (header !== undefined) headers.set(header, value);
      const init = { method: request.method, headers, signal: request.signal };
      for (const key of COPIED) init[key] = request[key];
      if (this.bytes) init.body = this.bytes;
      if (this.stream) Object.assign(init, { body: request.body, duplex: 'half' });
      return init;
    });
  }
}

/**
 * A Response equal to `original` with the body `body`, keeping what the constructor cannot set
 * (`url`, `redirected`, `type`), on it and on its clones.
 */
function rebuilt(body, original) {
  const { status, statusText, headers, url, redirected, type } = original;
  const keep = (response) => Object.defineProperties(response, {
    url: { value: url },
    redirected: { value: redirected },
    type: { value: type },
    clone: { value: () => keep(Response.prototype.clone.call(response)) },
  });
  return keep(new Response(body, { status, statusText, headers }));
}

/**
 * The key of what `readJson` read of a response it handed back (the bytes, the body parsed or
 * undefined), kept on the response itself so that it goes with it.
 */
const READ = Symbol('fetch-with-refresh read body');

/** One decoder for every body read (a TextDecoder keeps no state between whole-buffer decodes). */
const utf8 = new TextDecoder();

const USED = 'body stream already read';
const consumed = () => Promise.reject(new TypeError(USED));

/** The response's body as a fresh Response made from the bytes read, made at its first use. */
function copyOf(response) {
  const read = response[READ];
  read.copy ??= new Response(read.bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
  return read.copy;
}

/** `read(what was read)` as the promise a body method returns, once: afterwards the body is used. */
function take(response, read) {
  if (response.bodyUsed) return consumed();
  const state = response[READ];
  state.used = true;
  try {
    return Promise.resolve(read(state));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * A response whose body `readJson` read, handed back as the very object `fetch` gave (its `url`,
 * `type`, `headers` untouched): its body methods serve the bytes read (`json()` the body already
 * parsed, `text()` the bytes decoded) instead of reading a second stream, and `bodyUsed`,
 * `body` and `clone()` behave as on any Response.
 */
class ServedResponse extends Response {
  get bodyUsed() {
    const read = this[READ];
    return read.used || (read.copy?.bodyUsed ?? false);
  }

  get body() {
    return copyOf(this).body;
  }

  json() {
    return take(this, (read) => read.parsed ?? JSON.parse(utf8.decode(read.bytes)));
  }

  text() {
    return take(this, (read) => utf8.decode(read.bytes));
  }

  clone() {
    if (this.bodyUsed) throw new TypeError(USED);
    return rebuilt(this[READ].bytes, this);
  }
}
// The other body methods read a Response made from the bytes (whose own `bodyUsed` then says so).
for (const method of ['arrayBuffer', 'blob', 'bytes', 'formData']) {
  Object.defineProperty(ServedResponse.prototype, method, {
    value() {
      return this.bodyUsed ? consumed() : copyOf(this)[method]();
    },
  });
}

/**
 * The body an axios-shaped call reads as JSON: the one `readJson` parsed (the body is then used),
 * or undefined when it parsed none (the call reads the body itself).
 */
export function parsedOf(response) {
  const read = response[READ];
  if (read?.parsed === undefined || response.bodyUsed) return undefined;
  read.used = true;
  return read.parsed;
}

/**
 * Reads a JSON answer once, at most `cap` bytes: `[response, body]` with the body parsed
 * (undefined when it is not JSON) and the response, its body served from the bytes read. Past
 * `cap`, the body is left unparsed and an equal response handed back whole (what was read, then
 * the rest).
 */
export async function readJson(response, cap) {
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (let next; !(next = await reader.read()).done; ) {
    chunks.push(next.value);
    if ((size += next.value.byteLength) > cap) {
      // Past the cap: the chunks read, then the rest as it comes.
      const rest = new ReadableStream({
        start: (controller) => chunks.forEach((chunk) => controller.enqueue(chunk)),
        pull: (controller) => reader.read().then((n) => (n.done ? controller.close() : controller.enqueue(n.value))),
        cancel: (reason) => reader.cancel(reason),
      });
      return [rebuilt(rest, response), undefined];
    }
  }
  let bytes = chunks[0] ?? new Uint8Array(0);
  if (chunks.length > 1) {
    bytes = new Uint8Array(size);
    chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  }
  let parsed;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    // Not JSON: nothing to classify by.
  }
  response[READ] = { bytes, parsed, used: false, copy: null };
  Object.setPrototypeOf(response, ServedResponse.prototype);
  return [response, parsed];
}

/**
 * `fn(a, b)` as a promise, whatever `fn` returns or throws: the `fetch` option (or, when `fn` is
 * undefined, the global `fetch`, looked up at each call), or the app's refresh function.
 */
export const callLater = (fn, a, b) => Promise.resolve().then(() => (fn ?? globalThis.fetch)(a, b));

/**
 * The properties of an options object as `[key, value, …]`: the enumerable string keys `for…in`
 * visits (those of `Object.prototype` aside), each read once, `undefined` values left out. A
 * getter or proxy that throws gives `[false, key]` instead (key '' when listing the keys threw).
 */
export function propertiesOf(object) {
  let key = '';
  try {
    const out = [];
    for (key in object) {
      if (Object.hasOwn(Object.prototype, key) && !Object.hasOwn(object, key)) continue;
      const value = object[key];
      if (value !== undefined) out.push(key, value);
    }
    return out;
  } catch {
    return [false, key];
  }
}

/** Whether `value` is a plain object (made by `{}` or `Object.create(null)`), which axios visits in `params`. */
export const isPlainObject = (value) => [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** `String(value)`; undefined when the conversion throws. */
export function textOf(value) {
  try {
    return String(value);
  } catch {
    // A toString that throws: no text.
  }
}

/**
 * What the `data` of an axios-shaped call is, as a number src/web/call.rs reads: 0 nothing, 1 a
 * string, 2 FormData, 3 URLSearchParams, 4 binary (Blob, ArrayBuffer, a view), 5 a stream,
 * 6 another object, 7 another value (a number, a boolean).
 */
export function kindOfData(data) {
  const is = (name) => typeof globalThis[name] === 'function' && data instanceof globalThis[name];
  if (data == null) return 0;
  if (typeof data === 'string') return 1;
  if (is('FormData')) return 2;
  if (is('URLSearchParams')) return 3;
  if (is('Blob') || is('ArrayBuffer') || ArrayBuffer.isView(data)) return 4;
  if (is('ReadableStream')) return 5;
  return typeof data === 'object' ? 6 : 7;
}

// The fields of an axios-shaped call's config that src/web/call.rs reads, in its order.
const CALL_FIELDS = ['url', 'method', 'baseURL', 'headers', 'params', 'data', 'responseType', 'timeout', 'signal',
  'validateStatus', 'withCredentials', 'auth', 'envelope'];

/** The values of those fields of `config` (which may be undefined), each read once. */
export const fieldsOf = (config) => CALL_FIELDS.map((key) => config?.[key]);

/**
 * A call's `headers` (a plain object, a `Headers`, or nothing) as `[name, value, …]`, each value
 * `String(value)`, or undefined for `null`/`undefined` (which remove a default).
 */
export function headerPairsOf(headers) {
  const out = [];
  for (const [name, value] of headers instanceof Headers ? headers : Object.entries(headers ?? {})) {
    out.push(name, value == null ? undefined : String(value));
  }
  return out;
}

/** `response.config`: the caller's `given` config with the call's url and method, and its data when given apart. */
export const configOf = (given, url, method, withData, data) =>
  Object.assign({}, given, { url, method }, withData ? { data } : undefined);

/** The `fetch` init src/web/call.rs decided: `headers` as `[name, value, …]`, each other field set when given. */
export function initOf(method, headers, body, duplex, signal, credentials, auth) {
  const init = { method, headers: new Headers() };
  for (let i = 0; i < headers.length; i += 2) init.headers.append(headers[i], headers[i + 1]);
  if (body !== undefined) init.body = body;
  if (duplex) init.duplex = 'half';
  if (signal) init.signal = signal;
  if (credentials) init.credentials = 'include';
  if (!auth) init.auth = false;
  return init;
}

/** An axios-shaped call's answer: `{data, status, statusText, headers, config}`, header names lower-case. */
export const responseOf = (data, response, config) => ({
  data,
  status: response.status,
  statusText: response.statusText,
  headers: Object.fromEntries(response.headers),
  config,
});
