// The browser side of the fetch path, called from src/web/fetch.rs: the parts that only move
// JavaScript objects around (resolving a URL, making a request replayable, reading a body once
// and handing back an equal Response). Every decision (which requests are ours, where the token
// goes, which answers are read, what they mean) is made in Rust; these functions decide nothing.

const COPIED = ['mode', 'credentials', 'cache', 'redirect', 'referrer', 'referrerPolicy', 'integrity', 'keepalive'];

/**
 * The absolute URL of a `fetch` input: `joined` (a string input with the baseURL applied) or the
 * input's own URL, resolved against the page. Throws a TypeError for a URL that does not parse.
 */
export const hrefOf = (input, joined) =>
  new URL(joined ?? (input instanceof Request ? input.url : String(input?.href ?? input)), globalThis.location?.href).href;

/** A caller's request made replayable: the body read once (unless it is a stream). */
export async function prepare(input, init, href) {
  const isRequest = input instanceof Request;
  const request = isRequest && init === undefined ? input : new Request(isRequest ? input : href, init);
  const stream = init?.body instanceof ReadableStream;
  const bytes = request.body && !stream ? new Uint8Array(await request.arrayBuffer()) : null;
  return new Outgoing(request, bytes, stream);
}

class Outgoing {
  constructor(request, bytes, stream) {
    Object.assign(this, { request, bytes, stream, method: request.method, signal: request.signal });
  }

  /** One attempt: `[url, init]` for `fetch`, with `header` set to `value` when given. */
  attempt(url, header, value) {
    const { request } = this;
    const headers = new Headers(request.headers);
    if (header !== undefined) headers.set(header, value);
    const init = { method: request.method, headers, signal: request.signal };
    for (const key of COPIED) init[key] = request[key];
    if (this.bytes) init.body = this.bytes;
    if (this.stream) Object.assign(init, { body: request.body, duplex: 'half' });
    return [url, init];
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
 * Reads a JSON answer once, at most `cap` bytes: `[response, body]` with the body parsed
 * (undefined when it is not JSON) and an equal Response rebuilt from the bytes read. Past `cap`,
 * the body is left unparsed and the response handed back whole (what was read, then the rest).
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
  const bytes = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // Not JSON: nothing to classify by.
  }
  return [rebuilt(bytes, response), body];
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
