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
  const record = { round: 0, events: [], expiredCalls: [] };
  const client = new AuthClient({
    ...flavours.s001.options(B),
    storage: 'localStorage',
    onSessionExpired: (info) => record.expiredCalls.push({ ...info, round: record.round }),
    ...options,
  });
  for (const type of TAB_EVENTS) client.on(type, (e) => record.events.push({ ...e, round: record.round }));
  window.tab = { client, record };
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
  const { events, expiredCalls } = window.tab.record;
  const mine = (e) => round === undefined || e.round === round;
  return { events: events.filter(mine), expiredCalls: expiredCalls.filter(mine) };
}
