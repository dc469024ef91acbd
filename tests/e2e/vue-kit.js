// Page-side kit of vue.test.mjs, loaded by vue.html as `window.kit`: the package's two entries and
// Vue, an app mounted with the plugin, and a record of every value each ref of useAuth() took.
import * as Vue from 'vue';
import * as fwr from '/static/pkg/index.js';
import * as fwrVue from '/static/pkg/vue.js';

export { Vue, fwr, fwrVue };

/** The reference backend's seed 001 flavour in memory, with no retry: one refresh call per refresh. */
export const options = (B, extra = {}) => ({
  baseURL: `${B}/s001`,
  storage: 'memory',
  refresh: { url: '/api/v1/refresh_token' },
  retry: { attempts: 0 },
  ...extra,
});

/** A login as an app does it (the library is not involved), as the TokenInput login() takes. */
export async function login(B) {
  const res = await fetch(`${B}/s001/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'vue' }),
  });
  const body = await res.json();
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in };
}

/** An error as plain data. */
export const plain = (e) => (e ? { name: e.name, message: e.message, reason: e.reason, status: e.status } : e);

/**
 * Mounts an app whose root component calls useAuth(), with `app.use(authPlugin, pluginArgument)`.
 * `withoutOnUnmount` hides app.onUnmount (Vue before 3.5) so the plugin wraps app.unmount instead.
 * Returns the app, what useAuth() returned, its host element, `history` (every value each ref took
 * after the mount, in order), whether the plugin replaced app.unmount, and `unmountRestored()`.
 */
export function mountWithAuth(pluginArgument, { withoutOnUnmount = false } = {}) {
  let auth;
  const app = Vue.createApp({
    setup() {
      auth = fwrVue.useAuth();
      return () => Vue.h('p', String(auth.isAuthenticated.value));
    },
  });
  if (withoutOnUnmount) app.onUnmount = undefined;
  const ownUnmount = app.unmount;
  app.use(fwrVue.authPlugin, pluginArgument);
  const unmountWrapped = app.unmount !== ownUnmount;
  const host = document.createElement('div');
  document.body.append(host);
  app.mount(host);

  const history = { isAuthenticated: [], expiresAt: [], refreshing: [], lastError: [] };
  for (const key of Object.keys(history)) {
    Vue.watch(auth[key], (value) => history[key].push(key === 'lastError' ? plain(value) : value), { flush: 'sync' });
  }
  return { app, auth, history, host, unmountWrapped, unmountRestored: () => app.unmount === ownUnmount };
}
