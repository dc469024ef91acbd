// Page-side kit for the many-tabs tests (tabs.test.mjs), loaded next to page-kit.js as
// `window.tabsKit`. Every tab of one browser context makes the same client (seed 001's options, so
// the tabs share one coordination name); one tab logs in and the others find the tokens in the
// shared storage. A round fires every tab's requests at the same moment: each tab is armed on a
// BroadcastChannel of its own (not the library's), and one post starts them all.
import { AuthClient } from '/static/pkg/index.js';
import { EVENT_TYPES, flavours, outcome } from '/static/tests/e2e/page-kit.js';

/** Every event a client emits, the cross-tab one included. */
export const TAB_EVENTS = [...EVENT_TYPES, 'cross-tab-off'];

const GO = 'fwr-e2e-go';

/**
 * Creates `window.tab = { client, record }`: seed 001's options (Bearer, 401, rotating refresh
 * tokens) on `localStorage` unless `options` says otherwise, an onSessionExpired that records its
 * calls, and a listener on every event. Events and calls are tagged with the current round.
 */
export function open(B, options = {}) {
  const record = { round: 0, events: [], expiredCalls: [], calls: [], locks: [] };
  traceLocks(record);
  const client = new AuthClient({
    ...flavours.s001.options(B),
    storage: 'localStorage',
    // The tests expire the tokens 50 times in a few seconds on purpose: far beyond the default
    // renewal limit (10 refreshes a minute), which is there for servers that do it by mistake.
    renewLimit: { count: 1000, per: 60 },
    onSessionExpired: (info) => record.expiredCalls.push({ ...info, round: record.round }),
    fetch: traced(record),
    ...options,
  });
  for (const type of TAB_EVENTS) client.on(type, (e) => record.events.push({ ...e, round: record.round, at: clock() }));
  // What the tabs tell each other on the library's channel (its name is documented), for a
  // failure report. A channel object of its own hears every other one of the page.
  const storage = typeof options.storage === 'string' ? options.storage : 'localStorage';
  const heard = new BroadcastChannel(`fetch-with-refresh:${storage}:access_token:refresh_token`);
  heard.onmessage = (m) => record.events.push({ type: 'heard', source: String(m.data), round: record.round, at: clock() });
  window.tab_heard?.close();
  window.tab_heard = heard;
  window.tab = { client, record };
}

/** Absolute time (ms since the epoch, sub-millisecond), comparable between tabs. */
const clock = () => performance.timeOrigin + performance.now();

/**
 * Wraps `navigator.locks.request` (once per page) to record when this page asked for a lock, got
 * it and let it go, for a failure report. The library's callback and its promise pass through.
 */
function traceLocks(record) {
  const proto = globalThis.LockManager?.prototype;
  if (!proto || proto.request.traced) return;
  const original = proto.request;
  const request = function (name, ...rest) {
    const callback = rest.pop();
    const entry = { round: window.tab?.record.round, asked: clock() };
    (window.tab?.record ?? record).locks.push(entry);
    const wrapped = async (lock) => {
      entry.granted = clock();
      try {
        return await callback(lock);
      } finally {
        entry.released = clock();
      }
    };
    return original.call(this, name, ...rest, wrapped);
  };
  request.traced = true;
  proto.request = request;
}

/** A token's jti, cut short: enough to tell tokens apart in a failure report (test data only). */
function jti(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part)).jti.slice(0, 8);
  } catch {
    return token ? '?' : '-';
  }
}

/**
 * The transport, recording every call the client makes (the access token's and the presented
 * refresh token's jti, the status) so that a run that goes wrong can say which tokens went out.
 */
function traced(record) {
  return async (input, init = {}) => {
    const call = { round: record.round, at: clock() };
    record.calls.push(call);
    // The client passes either (url, init) or a Request.
    const request = new Request(input, init);
    call.path = new URL(request.url).pathname;
    call.access = jti((request.headers.get('authorization') ?? '').replace(/^Bearer /, ''));
    try {
      call.refresh = jti(JSON.parse(await request.clone().text()).refresh_token);
    } catch {
      // not a refresh call
    }
    const res = await fetch(request);
    call.status = res.status;
    call.done = clock();
    return res;
  };
}

/** Logs in (a plain fetch, as an app does) and stores the tokens, `tokens` merged over them. */
export async function login(B, tokens = {}) {
  const set = { ...(await flavours.s001.login(B)), ...tokens };
  window.tab.client.setTokens(set);
  return set;
}

function fire(n, path) {
  const { client } = window.tab;
  const fired = Date.now();
  const requests = Array.from({ length: n }, () => outcome(client.fetch(path)));
  return Promise.all(requests).then((results) => ({ results, fired, settled: Date.now() }));
}

/**
 * Arms this tab for round `round`: `n` requests of `path` go out when any tab calls `go()`.
 * `window.tab.pending` resolves with `{ results, fired, settled }` (see page-kit's `outcome`).
 */
export function arm(round, n = 1, path = '/api/me') {
  const tab = window.tab;
  tab.record.round = round;
  const channel = new BroadcastChannel(GO);
  tab.pending = new Promise((resolve) => {
    const start = () => {
      channel.onmessage = null;
      tab.start = null;
      resolve(fire(n, path));
      // Closed later: a message posted just before close() must still reach the others.
      setTimeout(() => channel.close(), 1_000);
    };
    channel.onmessage = start;
    tab.start = start;
  });
  tab.goChannel = channel;
}

/** Starts the round in every armed tab: this one directly, the others through the channel. */
export function go() {
  const tab = window.tab;
  const at = Date.now();
  tab.goChannel.postMessage('go');
  tab.start();
  return at;
}

/** Fires `n` requests in this tab now; `window.tab.pending` as for `arm`. */
export function fireNow(round, n = 1, path = '/api/me') {
  window.tab.record.round = round;
  window.tab.pending = fire(n, path);
}

/** The events (and onSessionExpired calls) of round `round`, or of all rounds. */
export function seen(round) {
  const { events, expiredCalls, calls, locks } = window.tab.record;
  const mine = (e) => round === undefined || e.round === round;
  return {
    events: events.filter(mine),
    expiredCalls: expiredCalls.filter(mine),
    calls: calls.filter(mine),
    locks: locks.filter(mine),
  };
}

/** The jti (cut short) of the tokens this tab's storage holds now. */
export function heldJti() {
  const tokens = window.tab.client.getTokens();
  return tokens ? `a=${jti(tokens.accessToken)} r=${jti(tokens.refreshToken)}` : 'none';
}
