// The demo's state and actions: the options of the client the auth plugin makes (the reference
// backend's seed 000 flavour), its events turned into a log and counters, and the session-expired
// dialog as a promise. The session's own state (signed in, expiry, refreshing, last error) is
// useAuth()'s. The components only render this state and call these actions.
//
// The API calls are the axios-shaped ones: the login is the main entry's `post` (over the default
// client, the one the plugin made), the other calls go through useAuth()'s `client.get` and
// `client.post`. The log shows what each call resolved with (status and data) or rejected with (the
// error's name and code), as an axios app would see it.
import { reactive } from 'vue';
import { post } from 'fetch-with-refresh';

/** Every event the client emits; each one is logged. */
export const EVENTS = [
  'refresh-start',
  'refresh-success',
  'refresh-failure',
  'session-expired',
  'tokens-changed',
  'request-queued',
  'request-replayed',
  'storage-fallback',
  'cross-tab-off',
];

/** The storages the switch offers, by the `storage` option's name. */
export const STORAGES = ['localStorage', 'cookie'];

/** The seed 000 backend (README, "Your interceptor → options"), with a 30 s proactive window. */
const OPTIONS = {
  baseURL: '/s000',
  attach: { header: 'X-Token', scheme: null },
  refresh: { url: '/refreshJwt/{refreshToken}' },
  accessExpired: { codes: [50014] },
  sessionExpired: { codes: [10007] },
  proactiveWindow: 30,
};

/** Where the demo remembers the chosen storage across reloads (not a token). */
const STORAGE_CHOICE_KEY = 'fwr-demo-storage';
const LOG_LIMIT = 400;
/** How much of a response's data a log line shows. */
const DATA_LIMIT = 400;

/** A call's data for the log: JSON, cut at DATA_LIMIT characters. */
function shortData(data) {
  let text;
  try {
    text = JSON.stringify(data) ?? String(data);
  } catch {
    text = String(data);
  }
  return text.length > DATA_LIMIT ? `${text.slice(0, DATA_LIMIT)}…` : text;
}

/**
 * A rejection for the log, by the error's name and, when it has them, its code (RequestError:
 * ERR_BAD_REQUEST, ERR_NETWORK…), business code and reason (RefreshError, SessionExpiredError).
 */
function describeError(error) {
  if (!error || typeof error !== 'object') return String(error);
  let text = error.name ?? 'Error';
  if (error.code) text += ` ${error.code}`;
  if (error.businessCode !== undefined) text += ` (business code ${error.businessCode})`;
  if (error.reason) text += ` (${error.reason})`;
  return error.message ? `${text} · ${error.message}` : text;
}

/** The demo of this page, once App.vue made it: onSessionExpired opens its dialog. */
let currentDemo = null;

/**
 * The options `app.use(authPlugin, options)` gets: seed 000, the storage chosen last, and an
 * onSessionExpired that opens the demo's dialog and resolves when the user answers it.
 */
export function demoOptions() {
  return { ...OPTIONS, storage: rememberedStorage(), onSessionExpired: (info) => currentDemo?.onSessionExpired(info) };
}

/** The payload of a JWT, decoded for display only (never verified, never trusted), or null. */
function jwtPayload(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
    return json && typeof json === 'object' ? json : null;
  } catch {
    return null;
  }
}

const seconds = (value) => (typeof value === 'number' ? value * 1000 : null);

/** The storage chosen last in this page, when localStorage could not keep it. */
let chosenStorage = null;

/** Remembers the storage chosen for the next start of the demo (and the next page load). */
export function rememberStorage(storage) {
  try {
    localStorage.setItem(STORAGE_CHOICE_KEY, storage);
  } catch {
    // the choice is remembered until the page closes only
  }
  chosenStorage = storage;
}

function rememberedStorage() {
  if (chosenStorage) return chosenStorage;
  try {
    const value = localStorage.getItem(STORAGE_CHOICE_KEY);
    return STORAGES.includes(value) ? value : 'localStorage';
  } catch {
    return 'localStorage';
  }
}

/**
 * The demo's state and actions over `auth`, what useAuth() returned: its client's events go to the
 * log; login and logout go through it. `onSwitchStorage({ storage, tokens })` is main.js's restart
 * on another storage; `note` is the log's first line. `stop()` removes the listeners (App.vue calls
 * it on unmount).
 */
export function createDemo(auth, { note = '', onSwitchStorage }) {
  const { client } = auth;
  const state = reactive({
    storage: rememberedStorage(),
    view: 'login', // 'login' | 'session'
    user: '',
    now: Date.now(),
    /** What the countdowns show; derived from the stored tokens, never the tokens themselves. */
    access: null, // { expiresAt, issuedAt } | null
    refresh: null, // { expiresAt, issuedAt } | null
    /** Set by the admin buttons until the token concerned changes: the server refuses it already. */
    revoked: { access: false, refresh: false },
    busy: false,
    counters: { requests: 0, refreshes: 0, queued: 0, replayed: 0 },
    log: [],
    dialog: null, // { reason } while the session-expired dialog is open
    error: '',
  });

  let answerDialog = null;
  let logSeq = 0;
  let requestSeq = 0;
  // The tokens last seen, kept out of the reactive state: only to notice that they changed.
  let seen = { access: null, refresh: null };

  function addLog(type, text, tone = 'info') {
    state.log.unshift({ id: ++logSeq, at: new Date(), type, text, tone });
    if (state.log.length > LOG_LIMIT) state.log.length = LOG_LIMIT;
  }

  /** Re-reads the stored tokens (the library reads storage for every request; so do the countdowns). */
  function readTokens() {
    const tokens = client.getTokens();
    const access = tokens?.accessToken ?? null;
    const refresh = tokens?.refreshToken ?? null;
    if (access !== seen.access) state.revoked.access = false;
    if (refresh !== seen.refresh) state.revoked.refresh = false;
    seen = { access, refresh };

    const a = access ? jwtPayload(access) : null;
    state.access = tokens ? { expiresAt: tokens.expiresAt ?? seconds(a?.exp), issuedAt: seconds(a?.iat) } : null;
    const r = refresh ? jwtPayload(refresh) : null;
    state.refresh = r ? { expiresAt: seconds(r.exp), issuedAt: seconds(r.iat) } : null;
    if (a?.sub) state.user = a.sub;
  }

  function onEvent(event) {
    const { type, ...fields } = event;
    switch (type) {
      case 'refresh-success':
        // Refresh calls this tab made: an adopted result came from another tab's call.
        if (!fields.adopted) state.counters.refreshes += 1;
        break;
      case 'refresh-failure':
        if (fields.reason !== 'lock-timeout') state.counters.refreshes += 1;
        break;
      case 'request-queued':
        state.counters.queued += 1;
        break;
      case 'request-replayed':
        state.counters.replayed += 1;
        break;
      case 'tokens-changed':
        readTokens();
        break;
    }
    const tone =
      { 'refresh-failure': 'bad', 'session-expired': 'bad', 'storage-fallback': 'warn', 'cross-tab-off': 'warn' }[type] ??
      'event';
    const said = otherTab(type, fields);
    addLog(type, said ? `${said} · ${formatFields(fields)}` : formatFields(fields), tone);
  }

  /** What an event says about the other tabs of this browser, in words; null when it says nothing. */
  function otherTab(type, { adopted, source, reason }) {
    if (type === 'refresh-success' && adopted === true) return 'another tab refreshed; this tab took its tokens';
    if (type === 'tokens-changed' && source === 'other-tab') return 'tokens renewed in another tab';
    if (type === 'session-expired' && reason === 'logout') return 'logged out in another tab';
    if (type === 'session-expired' && reason === 'other-tab') return 'the session ended in another tab';
    if (type === 'cross-tab-off') return 'tabs are not coordinated: this tab refreshes alone';
    return null;
  }

  /** The session-expired dialog: resolves when the user answers it (the seed's MessageBox.confirm). */
  function onSessionExpired({ reason }) {
    // A logout in another tab is this user's own choice: back to the login form, no dialog.
    if (reason === 'logout') {
      state.view = 'login';
      return undefined;
    }
    return new Promise((resolve) => {
      state.dialog = { reason };
      answerDialog = resolve;
    });
  }

  async function logIn(user) {
    state.busy = true;
    state.error = '';
    try {
      // The login call goes out without a token (`auth: false`) and is never refreshed; `{ user }`
      // is sent as JSON. An HTTP error status rejects with a RequestError.
      const response = await post('/login', { user }, { auth: false });
      const body = response.data;
      if (body?.code !== 0 || typeof body.data?.token !== 'string') {
        const code = body && typeof body === 'object' && body.code !== undefined ? `, code ${body.code}` : '';
        throw new Error(`login refused (HTTP ${response.status}${code})`);
      }
      auth.login({ accessToken: body.data.token, refreshToken: body.data.refreshToken });
      state.user = user;
      state.view = 'session';
      addLog('login', `POST /login → ${response.status} ${response.statusText} · logged in as ${user}`, 'good');
    } catch (error) {
      const said = error?.name === 'Error' ? error.message : describeError(error);
      state.error = said;
      addLog('login', `login failed: ${said}`, 'bad');
    } finally {
      state.busy = false;
    }
  }

  /**
   * One axios-shaped call, number n (`call(n)` starts it), logged as
   * `#n METHOD url → status statusText · data · time` when it resolves and
   * `#n METHOD url → name code · message · time` when it rejects. A resolved call whose body has a
   * business code other than 0 is marked as failed (seed 000 answers `{code, data}`).
   */
  async function logCall(label, call) {
    const n = ++requestSeq;
    state.counters.requests += 1;
    const started = performance.now();
    const elapsed = () => `${Math.round(performance.now() - started)} ms`;
    try {
      const { status, statusText, data } = await call(n);
      const code = data && typeof data === 'object' ? data.code : undefined;
      const ok = code === undefined || code === 0;
      addLog('request', `#${n} ${label} → ${status} ${statusText} · ${shortData(data)} · ${elapsed()}`, ok ? 'good' : 'bad');
    } catch (error) {
      addLog('request', `#${n} ${label} → ${describeError(error)} · ${elapsed()}`, 'bad');
    }
  }

  /** GET /api/me: who the token says we are. */
  const sendRequest = () => logCall('GET /api/me', () => client.get('/api/me'));

  /** POST /api/echo with a JSON body: the backend answers with the bytes it received. */
  const sendEcho = () => logCall('POST /api/echo', (n) => client.post('/api/echo', { hello: 'world', n }));

  /** GET /api/missing: the backend has no such route, so the call rejects (404: ERR_BAD_REQUEST). */
  const sendMissing = () => logCall('GET /api/missing', () => client.get('/api/missing'));

  async function sendMany(count) {
    addLog('info', `sending ${count} requests at once`);
    await Promise.all(Array.from({ length: count }, sendRequest));
  }

  async function expire(which) {
    try {
      const response = await fetch(`/__admin/expire-${which}`, { method: 'POST' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      state.revoked[which] = true;
      addLog('admin', `${which} token expired on the server (the local clock still says it is valid)`, 'warn');
    } catch (error) {
      addLog('admin', `could not expire the ${which} token: ${error.message}`, 'bad');
    }
  }

  function logOut() {
    auth.logout();
    state.view = 'login';
    addLog('logout', 'logged out');
  }

  /**
   * Takes the current tokens out of this storage and hands them to main.js, which mounts the demo
   * again with a client on `storage` (the plugin makes its client once per app).
   */
  function switchStorage(storage) {
    if (storage === state.storage || !STORAGES.includes(storage)) return;
    const held = client.getTokens();
    let tokens = null;
    if (held) {
      tokens = { accessToken: held.accessToken };
      if (held.refreshToken) tokens.refreshToken = held.refreshToken;
      if (held.expiresAt != null) tokens.expiresAt = held.expiresAt;
    }
    client.clearTokens(); // leave nothing behind in the storage we leave
    onSwitchStorage({ storage, tokens });
  }

  /** The dialog's answer: 'relogin' clears the tokens and shows the login form; 'stay' keeps the page. */
  function answer(choice) {
    if (!state.dialog) return;
    state.dialog = null;
    if (choice === 'relogin') {
      auth.logout();
      state.view = 'login';
      addLog('dialog', '重新登陆: back to the login form');
    } else {
      addLog('dialog', '取消: staying on the page');
    }
    const resolve = answerDialog;
    answerDialog = null;
    resolve?.();
  }

  function tick() {
    state.now = Date.now();
    readTokens();
  }

  function clearLog() {
    state.log.length = 0;
    Object.assign(state.counters, { requests: 0, refreshes: 0, queued: 0, replayed: 0 });
  }

  const unsubscribe = EVENTS.map((type) => client.on(type, onEvent));
  readTokens();
  if (client.getTokens()) state.view = 'session';
  if (note) addLog('storage', note);

  const demo = {
    state,
    client,
    onSessionExpired,
    logIn,
    sendRequest,
    sendEcho,
    sendMissing,
    sendMany,
    expire,
    logOut,
    switchStorage,
    answer,
    tick,
    clearLog,
    stop() {
      unsubscribe.forEach((off) => off());
      if (currentDemo === demo) currentDemo = null;
    },
  };
  currentDemo = demo;
  return demo;
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

/** `key=value` pairs of an event's fields (no event carries a token). */
function formatFields(fields) {
  return Object.entries(fields)
    .map(([key, value]) => {
      if (key === 'expiresAt' && typeof value === 'number') return `${key}=${clock(value)}`;
      if (key === 'durationMs' && typeof value === 'number') return `${key}=${Math.round(value)}`;
      if (key === 'url' && typeof value === 'string' && value.startsWith(location.origin)) {
        return `${key}=${value.slice(location.origin.length)}`;
      }
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join('  ');
}
