// The wiring shared by the five seed pages: each button calls the seed's request.js, and the log shows
// what every call resolved or rejected with, the client's session-expired event and what the app did
// (the stand-ins in app/ record toasts, dialogs, store actions and navigations).
//
// `window.seedLog` holds the same entries as plain data for tests:
//   { kind: 'call', label, ok: true, value } | { kind: 'call', label, ok: false, error }
//   { kind: 'effect', text } | { kind: 'event', type, reason } | { kind: 'info', text }
import { isRequestError, RequestError, SessionExpiredError } from 'fetch-with-refresh';
import { onEffect } from './app/effects.js';

const entries = [];
window.seedLog = entries;

function show(entry) {
  entries.push(entry);
  const box = document.getElementById('log');
  const time = new Date().toLocaleTimeString();
  let text;
  if (entry.kind === 'call') {
    text = entry.ok ? `${entry.label}: ${JSON.stringify(entry.value)}` : `${entry.label}: ${entry.error.name}`
      + `${entry.error.code ? ` ${entry.error.code}` : ''}: ${entry.error.message}`;
  } else if (entry.kind === 'event') {
    text = `event ${entry.type} (${entry.reason})`;
  } else {
    text = entry.text;
  }
  box.textContent += `${time}  ${text}\n`;
  box.scrollTop = box.scrollHeight;
}

/** An AuthResponse (seed 001 has no envelope) as plain data; a payload as it is. */
function plain(value) {
  if (value && typeof value === 'object' && 'status' in value && 'config' in value) {
    const { data, status, statusText, headers, config } = value;
    return { data, status, statusText, headers, config: { method: config.method, url: String(config.url) } };
  }
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function describeError(e) {
  return {
    name: e?.name,
    message: String(e?.message ?? e),
    code: e?.code,
    businessCode: e?.businessCode,
    status: e?.status,
    response: e?.response ? { status: e.response.status, data: e.response.data } : undefined,
    isRequestError: isRequestError(e),
    instanceOfRequestError: e instanceof RequestError,
    instanceOfSessionExpiredError: e instanceof SessionExpiredError,
  };
}

async function record(label, promise) {
  try {
    show({ kind: 'call', label, ok: true, value: plain(await promise) });
  } catch (e) {
    show({ kind: 'call', label, ok: false, error: describeError(e) });
  }
}

/**
 * Wires the buttons of a seed's page. `api` is its request.js module (`login`, `getUserInfo`,
 * `saveNote`, the client as default export); `business`, when the backend has one, makes a call
 * answered with a business failure code.
 */
export function mount({ api, business }) {
  const client = api.default;
  onEffect((text) => show({ kind: 'effect', text }));
  client.on('session-expired', (e) => show({ kind: 'event', type: e.type, reason: e.reason }));

  const on = (id, action) => document.getElementById(id)?.addEventListener('click', action);
  on('login', () => api.login('demo').then(() => show({ kind: 'info', text: 'logged in' }), (e) => record('login', Promise.reject(e))));
  on('me', () => record('getUserInfo', api.getUserInfo()));
  on('note', () => record('saveNote', api.saveNote({ note: 'café', n: 1 })));
  on('many', () => {
    const n = Number(document.getElementById('count').value) || 20;
    for (let i = 1; i <= n; i += 1) record(`getUserInfo ${i}/${n}`, api.getUserInfo());
  });
  if (business) on('business', () => record('business', business()));
  else document.getElementById('business')?.remove();
  const admin = (name) => fetch(`/__admin/${name}`, { method: 'POST' }).then(() => show({ kind: 'info', text: `admin ${name}` }));
  on('expire-access', () => admin('expire-access'));
  on('expire-refresh', () => admin('expire-refresh'));
  window.seedReady = true;
}
