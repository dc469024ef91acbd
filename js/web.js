// The browser side of the fetch path, called from src/web/*.rs: the parts that only move
// JavaScript objects around (normalising a request so it can be sent twice, reading a response
// once, timing out a promise). Decisions stay in Rust; these functions decide nothing.
//
// Why JavaScript: every property read or constructor call made from Rust is an import with its
// own glue on both sides. Written in Rust, these few functions cost about 10 KB of the module
// (measured); here they are a few hundred bytes.

const COPIED = ['mode', 'credentials', 'cache', 'redirect', 'referrer', 'referrerPolicy', 'integrity', 'keepalive'];

/**
 * A caller's request made replayable: the body read once (unless it is a stream), so every
 * attempt sends the same bytes. `null` when the call is not ours: another origin, `auth: false`.
 * `input` already has the baseURL applied when it was a string.
 */
export async function prepare(input, init, allowedOrigins) {
  const isRequest = input instanceof Request;
  const url = isRequest ? input.url : new URL(input?.href ?? input, globalThis.location?.href).href;
  if (init?.auth === false || !allowedOrigins.includes(new URL(url).origin)) return null;
  const request = isRequest && init === undefined ? input : new Request(isRequest ? input : url, init);
  const stream = init?.body instanceof ReadableStream;
  const bytes = request.body && !stream ? new Uint8Array(await request.arrayBuffer()) : null;
  return new Outgoing(request, bytes, stream);
}

class Outgoing {
  constructor(request, bytes, stream) {
    this.request = request;
    this.bytes = bytes;
    this.stream = stream;
    this.url = request.url;
    this.method = request.method;
    const { signal } = request;
    // Resolves with the reason when the caller aborts (never otherwise).
    this.aborted = new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
  }

  /** The abort reason when the caller has aborted already. */
  get abortReason() {
    return this.request.signal.aborted ? this.request.signal.reason : undefined;
  }

  /** `[input, init]` for one attempt: the token in `header` (as `value`) or in the `query` parameter. */
  attempt(header, value, query, token) {
    const { request } = this;
    const headers = new Headers(request.headers);
    let url = this.url;
    if (header) headers.set(header, value);
    if (query) {
      const withToken = new URL(url);
      withToken.searchParams.set(query, token);
      url = withToken.href;
    }
    const init = { method: request.method, headers, signal: request.signal };
    for (const key of COPIED) init[key] = request[key];
    if (this.bytes) init.body = this.bytes;
    if (this.stream) Object.assign(init, { body: request.body, duplex: 'half' });
    return [url, init];
  }
}

const JSON_TYPE = /^(application\/json|text\/json|[^;]*\+json)\s*(;|$)/i;
const NULL_BODY = [101, 204, 205, 304];

/**
 * `[response, body]`: when `readBody` and the answer is JSON, its body parsed (undefined when it is
 * not valid JSON) and an equal Response rebuilt from the bytes read; otherwise the response
 * untouched and unread.
 */
export async function inspect(response, readBody) {
  if (!(response instanceof Response)) throw new TypeError('fetch-with-refresh: fetch resolved with something that is not a Response');
  const { status } = response;
  if (!readBody || !response.body || NULL_BODY.includes(status) || status < 200 || !JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
    return [response, undefined];
  }
  const bytes = await response.arrayBuffer();
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    body = undefined;
  }
  const copy = new Response(bytes, { status, statusText: response.statusText, headers: response.headers });
  for (const key of ['url', 'redirected', 'type']) Object.defineProperty(copy, key, { value: response[key] });
  return [copy, body];
}

/** The business code at the dotted `path` of `body`, as text; undefined when there is none. */
export function codeOf(body, path) {
  const code = path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), body);
  return typeof code === 'string' || Number.isInteger(code) ? String(code) : undefined;
}

/** The app's matcher function on `{status, body}`; a throw counts as "no match". */
export function matches(matcher, status, body) {
  try {
    return Boolean(matcher({ status, body }));
  } catch {
    return false;
  }
}

/**
 * Runs `start(signal)` (a function returning a promise) for at most `ms` milliseconds. Rejects with
 * `{ timeout: true }` when the time runs out, after aborting `signal`.
 */
export function withTimeout(start, ms) {
  const controller = new AbortController();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject({ timeout: true });
    }, ms);
  });
  return Promise.race([Promise.resolve().then(() => start(controller.signal)), deadline]).finally(() => clearTimeout(timer));
}

/**
 * The refresh endpoint call: `fetch` with the plain request the core built (its headers as JSON
 * `[[name, value], …]`), for `withTimeout`.
 */
export function refreshCall(fetch, url, method, headers, body) {
  return (signal) => fetch(url, { method, headers: JSON.parse(headers), body: body ?? undefined, signal })
    .then((response) => inspect(response, true));
}

/** The app's refresh function called with the current tokens, for `withTimeout`. */
export function refreshFunction(refresh, tokens) {
  return () => refresh(tokens);
}

const EVENTS = ['refresh-start', 'refresh-success', 'refresh-failure', 'session-expired', 'tokens-changed',
  'request-queued', 'request-replayed', 'storage-fallback'];

/**
 * The listeners of `client.on(type, listener)`. A listener that throws does not stop the others,
 * and a listener may add or remove listeners while it runs.
 */
export class Emitter {
  constructor() {
    this.listeners = new Map(EVENTS.map((type) => [type, new Set()]));
  }

  on(type, listener) {
    const set = this.listeners.get(type);
    if (!set) throw new TypeError(`fetch-with-refresh: on: unknown event type \`${type}\` (expected one of: ${EVENTS.join(', ')})`);
    if (typeof listener !== 'function') throw new TypeError('fetch-with-refresh: on(type, listener): listener must be a function');
    const entry = (event) => listener(event);
    set.add(entry);
    return () => set.delete(entry);
  }

  wants(type) {
    return this.listeners.get(type).size > 0;
  }

  emit(type, event) {
    for (const listener of [...this.listeners.get(type)]) {
      try {
        listener(event);
      } catch {
        // A listener's error is the listener's: the others still run.
      }
    }
  }

  clear() {
    for (const set of this.listeners.values()) set.clear();
  }
}

/**
 * An error for the caller: a `TypeError` when `name` is 'TypeError', otherwise an `Error` whose
 * `name` tells it apart (`RefreshError`, `SessionExpiredError`, `DisposedError`). `reason`,
 * `status` and `cause` are set when given.
 */
export function makeError(name, message, reason, status, cause) {
  const error = name === 'TypeError' ? new TypeError(`fetch-with-refresh: ${message}`) : new Error(message);
  if (name !== 'TypeError') error.name = name;
  if (reason !== undefined) error.reason = reason;
  if (status !== undefined) error.status = status;
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** The message of a thrown value (runtime or app errors: never a stored value). */
export function messageOf(error) {
  return String(error?.message ?? error);
}

/** The global `fetch`, looked up at each call (a fetch patched later is the one used). */
export function globalFetch() {
  if (typeof globalThis.fetch !== 'function') {
    throw makeError('TypeError', 'there is no global fetch here; pass the `fetch` option');
  }
  return globalThis.fetch;
}

/** `fetch(input, init)` as a promise, whatever `fetch` returns or throws. */
export function callFetch(fetch, input, init) {
  return Promise.resolve().then(() => fetch(input, init));
}
